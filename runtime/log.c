/* Rank-prefixed logging to stderr and the fatal-error exit. */
#include "runtime/log.h"

#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int log_rank = -1;
static int log_level = -1;

void shoal_log_set_rank(int rank) { log_rank = rank; }

int shoal_log_enabled(shoal_log_level level)
{
    if (log_level < 0) {
        const char *env = getenv("SHOAL_LOG");
        log_level = SHOAL_LOG_WARN;
        if (env) {
            if (strcmp(env, "error") == 0) log_level = SHOAL_LOG_ERROR;
            else if (strcmp(env, "info") == 0) log_level = SHOAL_LOG_INFO;
            else if (strcmp(env, "debug") == 0) log_level = SHOAL_LOG_DEBUG;
        }
    }
    return (int)level <= log_level;
}

static void vlog(const char *tag, const char *fmt, va_list ap)
{
    char line[2048];
    int n = snprintf(line, sizeof line, "shoal[rank %d] %s: ", log_rank, tag);
    if (n < 0) n = 0;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    fprintf(stderr, "%s\n", line);
}

void shoal_log(shoal_log_level level, const char *fmt, ...)
{
    static const char *tags[] = {"error", "warning", "info", "debug"};
    if (!shoal_log_enabled(level)) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(tags[level], fmt, ap);
    va_end(ap);
}

void shoal_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("internal error", fmt, ap);
    va_end(ap);
    int up = 0, down = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down) MPI_Abort(MPI_COMM_WORLD, 70);
    abort();
}
