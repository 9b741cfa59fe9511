/* A SQL session on the leader: the settings (\timing, \querystats, --csv), where output goes, the
 * statement being typed, and the entry point that takes input lines from any front end
 * (the libedit REPL, stdin, -c, -f), runs each complete statement or meta-command and
 * prints its result or its error. */
#ifndef SHOAL_SHELL_SESSION_H
#define SHOAL_SHELL_SESSION_H

#include "runtime/runtime.h"
#include "sql/execute.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct shell_session {
    shoal_rt *rt;
    shoal_sql_session *sql; /* the catalog and statement execution (NULL: SQL unavailable) */
    FILE *out;         /* results */
    FILE *err;         /* errors, notices, and timings in --csv mode */
    bool csv;
    bool timing;
    bool querystats;    /* \querystats: one "querystats:" line on err after each SQL statement */
    unsigned long querystats_count; /* statements reported so far */
    unsigned long long last_rows;   /* rows the last SQL statement returned */
    bool stop_on_error; /* -c and -f stop at the first error */
    bool quit;          /* \q was given */
    int error_count;
    char *statement;    /* SQL typed so far, not yet ended by ';' */
    size_t statement_len, statement_cap;
} shell_session;

void shell_session_init(shell_session *s, shoal_rt *rt, shoal_sql_session *sql, FILE *out, FILE *err, bool csv);
void shell_session_free(shell_session *s);
/* Feeds one input line (without its newline). Runs the meta-command on it, or each SQL
 * statement the line completes. Returns false when the session should end (\q, or an error
 * with stop_on_error). */
bool shell_feed_line(shell_session *s, const char *line);
/* End of input: runs a final statement that lacks its ';'. Returns false on error. */
bool shell_finish_input(shell_session *s);
/* True while a statement is partly typed (the REPL shows the continuation prompt). */
bool shell_statement_pending(const shell_session *s);
/* Drops a partly typed statement (Ctrl-C at the prompt). */
void shell_discard_statement(shell_session *s);

/* Meta-command names, for completion (NULL-terminated). */
extern const char *const shell_meta_command_names[];

#endif
