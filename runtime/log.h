/* Logging to stderr with the rank in front; the level comes from SHOAL_LOG
 * (error, warn, info, debug; default warn). shoal_fatal is for "cannot happen". */
#ifndef SHOAL_RUNTIME_LOG_H
#define SHOAL_RUNTIME_LOG_H

typedef enum { SHOAL_LOG_ERROR = 0, SHOAL_LOG_WARN, SHOAL_LOG_INFO, SHOAL_LOG_DEBUG } shoal_log_level;

void shoal_log_set_rank(int rank);
int shoal_log_enabled(shoal_log_level level);
void shoal_log(shoal_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Internal error: logs and aborts the rank (MPI_Abort when MPI is up). */
_Noreturn void shoal_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
