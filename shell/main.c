/* `shoal`: every rank runs this program. Rank 0 is the leader: it reads statements (from the
 * libedit shell on a terminal, -c, -f or stdin), runs them over the cluster and prints the
 * results; every rank, the leader included, runs the actor scheduler until the leader sends
 * the shutdown. */
#include "engine/node/rank_services.h"
#include "runtime/log.h"
#include "runtime/runtime.h"
#include "shell/options.h"
#include "shell/shell_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define SHOAL_VERSION "0.1.0"

static shoal_rt *g_rt;

static void on_interrupt(int sig)
{
    (void)sig;
    if (g_rt) shoal_rt_interrupt(g_rt);
}

/* Ctrl-C (or kill -INT) on the leader cancels the running command instead of killing it. */
static void catch_interrupts(shoal_rt *rt)
{
    g_rt = rt;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
}

/* Runs lines from a stream (stdin or -f): statements run as soon as they are complete.
 * With stop_on_error (-c, -f) the first error ends the run with status 1; reading stdin
 * goes on after errors and exits 0, as psql does. */
static int run_stream(shoal_rt *rt, shoal_sql_session *sql, FILE *in, bool csv, bool stop_on_error)
{
    shell_session s;
    shell_session_init(&s, rt, sql, stdout, stderr, csv);
    s.stop_on_error = stop_on_error;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool ok = true;
    for (;;) {
        errno = 0;
        n = getline(&line, &cap, in);
        if (n < 0) {
            /* Ctrl-C (SIGINT) while waiting for input: drop the unfinished statement, go on */
            if (errno == EINTR && !feof(in)) {
                clearerr(in);
                shoal_rt_take_interrupt(rt);
                shell_discard_statement(&s);
                continue;
            }
            break;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (!(ok = shell_feed_line(&s, line))) break;
    }
    if (ok) shell_finish_input(&s);
    free(line);
    int status = (stop_on_error && s.error_count > 0) ? 1 : 0;
    shell_session_free(&s);
    return status;
}

static int run_command_text(shoal_rt *rt, shoal_sql_session *sql, const char *text, bool csv)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    if (in == NULL) {
        fprintf(stderr, "ERROR: cannot read the -c text: %s\n", strerror(errno));
        return 1;
    }
    int status = run_stream(rt, sql, in, csv, true);
    fclose(in);
    return status;
}

static int leader_main(shoal_rt *rt, const shell_options *opts, bool storage_ok)
{
    int status;
    catch_interrupts(rt);
    shoal_sql_session session, *sql = NULL;
    shoal_error err;
    if (!storage_ok) {
        /* a rank could not open its data directory (it printed why): refuse to start */
        status = 1;
        goto shutdown;
    }
    if (shoal_sql_session_open(&session, rt, opts->data_dir, &err)) {
        sql = &session;
    } else {
        /* e.g. data written by another rank count: refuse to start, stop every rank */
        fprintf(stderr, "shoal: %s\n", err.message);
        status = 1;
        goto shutdown;
    }
    bool use_stdio = false;
    if (opts->command) {
        status = run_command_text(rt, sql, opts->command, opts->csv);
    } else if (opts->file) {
        FILE *in = fopen(opts->file, "r");
        if (in == NULL) {
            fprintf(stderr, "ERROR: cannot open %s: %s\n", opts->file, strerror(errno));
            status = 1;
        } else {
            status = run_stream(rt, sql, in, opts->csv, true);
            fclose(in);
        }
    } else if (!opts->csv && shell_terminal_available(&use_stdio)) {
        status = shell_run_terminal(rt, sql, use_stdio);
        if (status < 0) status = run_stream(rt, sql, stdin, opts->csv, false);
    } else {
        status = run_stream(rt, sql, stdin, opts->csv, false);
    }
    if (sql) shoal_sql_session_close(sql);
shutdown:
    /* Orderly shutdown: every rank (this one included) stops its scheduler. */
    for (int r = 0; r < shoal_rt_size(rt); r++)
        shoal_send_payload(rt, NULL, shoal_addr_make(r, SHOAL_ACTOR_SYSTEM), SHOAL_MSG_SHUTDOWN, 0, NULL, 0);
    shoal_rt_run(rt, NULL, NULL, -1);
    return status;
}

int main(int argc, char **argv)
{
    int provided = 0, rank = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    shell_options opts;
    char err[256];
    int status = shell_parse_options(argc, argv, &opts, err, sizeof err);
    if (status != 0 || opts.help || opts.version) {
        if (rank == 0) {
            if (status != 0) fprintf(stderr, "shoal: %s\n", err);
            else if (opts.help) shell_print_usage(stdout);
            else printf("shoal %s\n", SHOAL_VERSION);
        }
        MPI_Finalize();
        return status;
    }

    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    /* Every rank opens its data directory; all must succeed before SQL is offered. */
    shoal_error start_err;
    int local_ok = shoal_rank_services_start(rt, opts.data_dir, &start_err), all_ok = 0;
    if (!local_ok) fprintf(stderr, "shoal: rank %d: %s\n", rank, start_err.message);
    MPI_Allreduce(&local_ok, &all_ok, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    if (rank == 0) status = leader_main(rt, &opts, all_ok != 0);
    else shoal_rt_run(rt, NULL, NULL, -1);
    g_rt = NULL;
    shoal_rt_destroy(rt);
    MPI_Finalize();
    return status;
}
