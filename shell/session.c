/* The session: splits input into meta-commands and SQL statements, runs them (SQL through
 * sql/execute.h), times them, and prints results and errors (see session.h). */
#include "runtime/memory.h"
#include "runtime/runtime.h"
#include "shell/result_table.h"
#include "shell/shell_internal.h"
#include "sql/statement_split.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void shell_session_init(shell_session *s, shoal_rt *rt, shoal_sql_session *sql, FILE *out, FILE *err, bool csv)
{
    memset(s, 0, sizeof *s);
    s->rt = rt;
    s->sql = sql;
    s->out = out;
    s->err = err;
    s->csv = csv;
}

void shell_session_free(shell_session *s)
{
    free(s->statement);
    s->statement = NULL;
    s->statement_len = s->statement_cap = 0;
}

void shell_report_error(shell_session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ERROR: ", s->err);
    vfprintf(s->err, fmt, ap);
    fputc('\n', s->err);
    va_end(ap);
    fflush(s->err);
    s->error_count++;
}

void shell_report_shoal_error(shell_session *s, const shoal_error *err)
{
    char text[SHOAL_ERROR_MESSAGE_MAX + 64];
    shoal_error_format(err, text, sizeof text);
    shell_report_error(s, "%s", text);
}

/* \querystats: one line of key=value fields on the error stream after each SQL statement, for
 * scripts (hpc/tpch-bench): the statement's number, whether it succeeded, its time (the same
 * clock as \timing), the rows it returned, and what its distributed queries did (execute.h). */
static void print_querystats(shell_session *s, bool ok, double ms)
{
    shoal_statement_stats st;
    memset(&st, 0, sizeof st);
    if (s->sql) st = s->sql->last_stats;
    fprintf(s->err,
            "querystats: statement=%lu ok=%d ms=%.3f rows=%llu bytes_moved=%llu blocks_read=%llu blocks_skipped=%llu "
            "rows_scanned=%llu peak_rss_bytes_max=%llu queries=%u ranks=%d\n",
            ++s->querystats_count, ok ? 1 : 0, ms, s->last_rows, (unsigned long long)st.bytes_moved,
            (unsigned long long)st.blocks_read, (unsigned long long)st.blocks_skipped,
            (unsigned long long)st.rows_scanned, (unsigned long long)st.peak_resident_bytes_max, st.queries,
            shoal_rt_size(s->rt));
    fflush(s->err);
}

static bool run_sql(shell_session *s, const char *sql);

static bool run_timed(shell_session *s, bool (*fn)(shell_session *, const char *), const char *text)
{
    shoal_rt_take_interrupt(s->rt); /* a Ctrl-C typed before the command started is stale */
    double t0 = shoal_now_ms();
    bool timing_was_on = s->timing; /* \timing itself is not timed */
    bool ok = fn(s, text);
    double ms = shoal_now_ms() - t0;
    if (timing_was_on && s->timing && !s->quit) {
        FILE *f = s->csv ? s->err : s->out;
        fprintf(f, "Time: %.3f ms\n", ms);
        fflush(f);
    }
    if (fn == run_sql && s->querystats) print_querystats(s, ok, ms);
    return ok;
}

/* ---- printing a statement's results ---- */

typedef struct printer {
    shell_session *session;
    result_table table;
    bool has_table;
    unsigned long long rows;
} printer;

static void print_columns(void *arg, int count, char *const *names, const shoal_type *types)
{
    printer *p = arg;
    bool *right = shoal_xcalloc((size_t)count + 1, sizeof(bool));
    for (int i = 0; i < count; i++) right[i] = shoal_type_is_numeric(types[i]);
    if (p->has_table) result_table_free(&p->table);
    result_table_init(&p->table, count, (const char *const *)names, right);
    p->has_table = true;
    free(right);
}

static void print_batch(void *arg, const shoal_batch *b)
{
    printer *p = arg;
    int nc = b->column_count;
    char **cells = shoal_xcalloc((size_t)nc + 1, sizeof(char *));
    char *buf = shoal_xmalloc((size_t)nc * 128 + 1);
    p->rows += shoal_batch_rows(b);
    for (uint32_t i = 0; i < shoal_batch_rows(b); i++) {
        uint32_t r = shoal_batch_row(b, i);
        for (int c = 0; c < nc; c++) {
            const shoal_vector *v = &b->columns[c];
            if (shoal_vector_is_null(v, r)) {
                cells[c] = NULL;
            } else if (shoal_type_is_string(v->type)) {
                shoal_string str = ((const shoal_string *)v->data)[r];
                cells[c] = shoal_xmalloc(str.len + 1);
                memcpy(cells[c], str.ptr, str.len);
                cells[c][str.len] = '\0';
            } else {
                cells[c] = buf + (size_t)c * 128;
                shoal_vector_format(v, r, cells[c], 128);
            }
        }
        result_table_add_row(&p->table, (const char *const *)cells);
        for (int c = 0; c < nc; c++)
            if (cells[c] && shoal_type_is_string(b->columns[c].type)) free(cells[c]);
    }
    free(buf);
    free(cells);
}

static void print_status(void *arg, const char *tag)
{
    printer *p = arg;
    shell_session *s = p->session;
    if (p->has_table) {
        result_table_print(&p->table, s->out, s->csv);
        result_table_free(&p->table);
        p->has_table = false;
        return;
    }
    FILE *f = s->csv ? s->err : s->out;
    fprintf(f, "%s\n", tag);
    fflush(f);
}

static void print_notice(void *arg, const char *text)
{
    printer *p = arg;
    fprintf(p->session->err, "NOTICE: %s\n", text);
    fflush(p->session->err);
}

static bool run_sql(shell_session *s, const char *sql)
{
    s->last_rows = 0;
    if (s->sql == NULL) {
        shell_report_error(s, "SQL is unavailable in this session (the data directory could not be opened)");
        return false;
    }
    printer p = {.session = s};
    shoal_result_sink sink = {&p, print_columns, print_batch, print_status, print_notice};
    shoal_error err;
    bool ok = shoal_sql_execute(s->sql, sql, strlen(sql), &sink, &err);
    s->last_rows = p.rows;
    if (p.has_table) result_table_free(&p.table);
    if (!ok) shell_report_shoal_error(s, &err);
    return ok;
}

bool shell_statement_pending(const shell_session *s) { return s->statement_len > 0; }

void shell_discard_statement(shell_session *s) { s->statement_len = 0; }

static void append_statement(shell_session *s, const char *text, size_t n)
{
    if (s->statement_len + n + 2 > s->statement_cap) {
        s->statement_cap = (s->statement_len + n + 2) * 2;
        s->statement = shoal_xrealloc(s->statement, s->statement_cap);
    }
    memcpy(s->statement + s->statement_len, text, n);
    s->statement_len += n;
    s->statement[s->statement_len] = '\0';
}

/* Runs every complete statement in the buffer; keeps the unfinished tail. */
static bool run_complete_statements(shell_session *s)
{
    bool ok = true;
    long end;
    while (!s->quit && (end = sql_statement_end(s->statement, s->statement_len)) >= 0) {
        size_t stmt_len = (size_t)end;
        if (!sql_is_blank(s->statement, stmt_len)) {
            char *stmt = shoal_xmalloc(stmt_len + 1);
            memcpy(stmt, s->statement, stmt_len);
            stmt[stmt_len] = '\0';
            ok = run_timed(s, run_sql, stmt);
            free(stmt);
        }
        size_t rest = s->statement_len - (stmt_len + 1);
        memmove(s->statement, s->statement + stmt_len + 1, rest);
        s->statement_len = rest;
        s->statement[rest] = '\0';
        if (!ok && s->stop_on_error) return false;
    }
    if (sql_is_blank(s->statement, s->statement_len)) s->statement_len = 0;
    return ok;
}

bool shell_feed_line(shell_session *s, const char *line)
{
    const char *p = line;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '\\') { /* meta-commands run at once, even in the middle of a statement (as psql) */
        bool ok = run_timed(s, shell_run_meta_command, p);
        if (s->quit) return false;
        return ok || !s->stop_on_error;
    }
    append_statement(s, line, strlen(line));
    append_statement(s, "\n", 1);
    bool ok = run_complete_statements(s);
    if (s->quit) return false;
    return ok || !s->stop_on_error;
}

bool shell_finish_input(shell_session *s)
{
    if (!shell_statement_pending(s) || s->quit) return true;
    append_statement(s, ";", 1);
    return run_complete_statements(s);
}
