/* Declarations shared by the shell's own files (not used outside shell/). */
#ifndef SHOAL_SHELL_INTERNAL_H
#define SHOAL_SHELL_INTERNAL_H

#include "runtime/error.h"
#include "shell/session.h"

/* Prints "ERROR: ..." on the session's error stream and counts it. */
void shell_report_error(shell_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void shell_report_shoal_error(shell_session *s, const shoal_error *err);
/* Runs one meta-command line (starting with '\'); false on error. */
bool shell_run_meta_command(shell_session *s, const char *line);

/* The interactive REPL on a terminal (repl_tty.c). Returns the exit status. */
int shell_run_terminal(shoal_rt *rt, shoal_sql_session *sql, bool use_stdio);
/* Whether rank 0 should run the line editor: stdin is a terminal, or stdin is mpirun's pipe
 * while mpirun itself reads the terminal in the foreground. */
bool shell_terminal_available(bool *use_stdio);

#endif
