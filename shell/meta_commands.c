/* The backslash meta-commands: \? \q \ranks \timing \querystats \sleep \raise \stats. Each is one function and
 * one row of META_COMMANDS; commands that need every rank go through runtime/request.h, so
 * errors and Ctrl-C behave the same as for queries.
 * How to add one: write `static bool meta_x(shell_session *, const char *args)` returning
 * false on error (after printing it), then add its row (name, arguments, help) below. */
#include "runtime/request.h"
#include "runtime/system_actor.h"
#include "shell/result_table.h"
#include "shell/shell_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef bool (*meta_fn)(shell_session *s, const char *args);
typedef struct meta_command {
    const char *name, *args, *help;
    meta_fn run;
} meta_command;

static bool meta_help(shell_session *s, const char *args);
static bool meta_quit(shell_session *s, const char *args);
static bool meta_ranks(shell_session *s, const char *args);
static bool meta_timing(shell_session *s, const char *args);
static bool meta_querystats(shell_session *s, const char *args);
static bool meta_sleep(shell_session *s, const char *args);
static bool meta_raise(shell_session *s, const char *args);
static bool meta_stats(shell_session *s, const char *args);

static const meta_command META_COMMANDS[] = {
    {"\\?", "", "show the meta-commands", meta_help},
    {"\\q", "", "quit (so does end of input)", meta_quit},
    {"\\ranks", "", "one row per rank: rank, host, pid, resident memory", meta_ranks},
    {"\\timing", "[on|off]", "print each command's elapsed time", meta_timing},
    {"\\querystats", "[on|off]", "after each SQL statement, one querystats: line of its figures on stderr", meta_querystats},
    {"\\sleep", "SECONDS", "hold every rank for SECONDS; Ctrl-C cancels it on every rank", meta_sleep},
    {"\\raise", "RANK MESSAGE", "raise an error on RANK and report it here (diagnostics)", meta_raise},
    {"\\stats", "[TABLE]", "column statistics: rows, NULLs, distinct estimate, min, max", meta_stats},
};
enum { META_COMMAND_COUNT = sizeof META_COMMANDS / sizeof META_COMMANDS[0] };

const char *const shell_meta_command_names[] = {"\\?", "\\q", "\\ranks", "\\timing", "\\querystats", "\\sleep", "\\raise",
                                                "\\stats", NULL};

static bool meta_help(shell_session *s, const char *args)
{
    fputs("Meta-commands (one per line):\n", s->out);
    for (int i = 0; i < META_COMMAND_COUNT; i++) {
        char left[40];
        snprintf(left, sizeof left, "%s %s", META_COMMANDS[i].name, META_COMMANDS[i].args);
        fprintf(s->out, "  %-24s %s\n", left, META_COMMANDS[i].help);
    }
    fputs("SQL statements end with ';' and may span lines. Ctrl-C clears the line, or cancels a\n"
          "running command on every rank.\n", s->out);
    fflush(s->out);
    return true;
}

static bool meta_quit(shell_session *s, const char *args)
{
    s->quit = true;
    return true;
}

/* \timing and \querystats: a switch, toggled without an argument. */
static bool set_switch(shell_session *s, const char *name, const char *args, bool *value)
{
    if (*args == '\0') *value = !*value;
    else if (strcmp(args, "on") == 0) *value = true;
    else if (strcmp(args, "off") == 0) *value = false;
    else {
        shell_report_error(s, "\\%s: expected on or off, not \"%s\"", name, args);
        return false;
    }
    return true;
}

static bool meta_timing(shell_session *s, const char *args)
{
    if (!set_switch(s, "timing", args, &s->timing)) return false;
    fprintf(s->csv ? s->err : s->out, "Timing is %s.\n", s->timing ? "on" : "off");
    return true;
}

/* \querystats: after each SQL statement a line on stderr (stdout keeps only results):
 *   querystats: statement=N ok=1 ms=... rows=... bytes_moved=... blocks_read=... blocks_skipped=...
 *               rows_scanned=... peak_rss_bytes_max=... queries=... ranks=...   (one line)
 * Fields may be added at the end; readers take them by name (session.c prints it). */
static bool meta_querystats(shell_session *s, const char *args)
{
    if (!set_switch(s, "querystats", args, &s->querystats)) return false;
    fprintf(s->csv ? s->err : s->out, "Query statistics are %s.\n", s->querystats ? "on" : "off");
    fflush(s->csv ? s->err : s->out);
    return true;
}

/* Reports a request's failure; true when it succeeded. */
static bool request_outcome(shell_session *s, shoal_request *req, shoal_request_status status)
{
    if (status == SHOAL_REQUEST_OK) return true;
    if (status == SHOAL_REQUEST_STOPPED) {
        shell_report_error(s, "the cluster is shutting down");
        return false;
    }
    shell_report_shoal_error(s, &req->error);
    return false;
}

static bool meta_ranks(shell_session *s, const char *args)
{
    shoal_request req;
    shoal_request_begin(s->rt, &req, shoal_new_query_id());
    shoal_request_send_all(s->rt, &req, SHOAL_MSG_RANK_INFO_REQ, NULL, 0);
    bool ok = request_outcome(s, &req, shoal_request_wait(s->rt, &req, -1));
    if (ok) {
        static const char *const names[] = {"rank", "host", "pid", "resident_mb"};
        static const bool right[] = {true, false, true, true};
        result_table t;
        result_table_init(&t, 4, names, right);
        for (int r = 0; r < req.rank_count; r++) {
            shoal_rank_info info;
            const shoal_msg *m = req.replies[r];
            if (m->hdr.length != sizeof info) {
                shell_report_error(s, "rank %d sent a %u-byte rank report", r, m->hdr.length);
                ok = false;
                break;
            }
            memcpy(&info, m->payload, sizeof info);
            char rank[16], pid[16], mb[32];
            snprintf(rank, sizeof rank, "%d", info.rank);
            snprintf(pid, sizeof pid, "%d", info.pid);
            snprintf(mb, sizeof mb, "%.1f", (double)info.resident_bytes / (1024.0 * 1024.0));
            const char *row[] = {rank, info.host, pid, mb};
            result_table_add_row(&t, row);
        }
        if (ok) result_table_print(&t, s->out, s->csv);
        result_table_free(&t);
    }
    shoal_request_end(s->rt, &req);
    return ok;
}

static bool meta_sleep(shell_session *s, const char *args)
{
    char *end;
    errno = 0;
    double seconds = strtod(args, &end);
    while (isspace((unsigned char)*end)) end++;
    if (*args == '\0' || *end != '\0' || errno || !(seconds >= 0) || seconds > 86400) {
        shell_report_error(s, "\\sleep: expected a number of seconds between 0 and 86400, not \"%s\"", args);
        return false;
    }
    double ms = seconds * 1000.0;
    shoal_request req;
    shoal_request_begin(s->rt, &req, shoal_new_query_id());
    shoal_request_send_all(s->rt, &req, SHOAL_MSG_SLEEP, &ms, sizeof ms);
    bool ok = request_outcome(s, &req, shoal_request_wait(s->rt, &req, -1));
    shoal_request_end(s->rt, &req);
    return ok;
}

static bool meta_raise(shell_session *s, const char *args)
{
    char *end;
    long rank = strtol(args, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (end == args || rank < 0 || rank >= shoal_rt_size(s->rt) || *end == '\0') {
        shell_report_error(s, "\\raise: expected RANK (0-%d) and a message", shoal_rt_size(s->rt) - 1);
        return false;
    }
    shoal_request req;
    shoal_request_begin(s->rt, &req, shoal_new_query_id());
    shoal_request_send_to(s->rt, &req, (int)rank, SHOAL_MSG_RAISE, end, (uint32_t)strlen(end));
    bool ok = request_outcome(s, &req, shoal_request_wait(s->rt, &req, -1));
    shoal_request_end(s->rt, &req);
    return ok;
}

/* \stats [[schema.]table]: one row per column of the table (every table when none is named)
 * from the leader's catalog, as the last committed load left them. */
static bool meta_stats(shell_session *s, const char *args)
{
    if (s->sql == NULL) {
        shell_report_error(s, "\\stats: no catalog (SQL is not available)");
        return false;
    }
    char schema[SHOAL_NAME_MAX] = "", table[SHOAL_NAME_MAX] = "";
    if (*args) {
        const char *dot = strchr(args, '.');
        if (dot) snprintf(schema, sizeof schema, "%.*s", (int)(dot - args), args);
        snprintf(table, sizeof table, "%s", dot ? dot + 1 : args);
        for (char *p = table; *p; p++) *p = (char)tolower((unsigned char)*p);
        for (char *p = schema; *p; p++) *p = (char)tolower((unsigned char)*p);
    }
    const shoal_catalog *cat = &s->sql->catalog;
    if (*table && !shoal_catalog_find_table(cat, *schema ? schema : "public", table)) {
        shell_report_error(s, "\\stats: table \"%s\" does not exist", args);
        return false;
    }
    static const char *const names[] = {"schema", "table", "column", "type", "rows", "nulls", "distinct", "min", "max"};
    static const bool right[] = {false, false, false, false, true, true, true, false, false};
    result_table out;
    result_table_init(&out, 9, names, right);
    for (int i = 0; i < cat->table_count; i++) {
        const shoal_table_def *t = cat->tables[i];
        if (*table && (strcmp(t->name, table) != 0 || strcmp(t->schema, *schema ? schema : "public") != 0)) continue;
        for (int c = 0; c < t->column_count; c++) {
            const shoal_column_stats *st = shoal_table_column_stats(t, c);
            char type[64], rows[32], nulls[32], distinct[32], mn[96], mx[96];
            shoal_type_name(t->columns[c].type, type, sizeof type);
            snprintf(rows, sizeof rows, "%llu", (unsigned long long)t->row_count);
            const char *cells[9] = {t->schema, t->name, t->columns[c].name, type, rows, NULL, NULL, NULL, NULL};
            if (st) {
                snprintf(nulls, sizeof nulls, "%llu", (unsigned long long)st->null_count);
                snprintf(distinct, sizeof distinct, "%llu", (unsigned long long)st->distinct_estimate);
                shoal_column_stats_format(st, t->columns[c].type, false, mn, sizeof mn);
                shoal_column_stats_format(st, t->columns[c].type, true, mx, sizeof mx);
                cells[5] = nulls;
                cells[6] = distinct;
                cells[7] = st->has_range ? mn : NULL;
                cells[8] = st->has_range ? mx : NULL;
            }
            result_table_add_row(&out, cells);
        }
    }
    result_table_print(&out, s->out, s->csv);
    result_table_free(&out);
    return true;
}

bool shell_run_meta_command(shell_session *s, const char *line)
{
    while (isspace((unsigned char)*line)) line++;
    size_t name_len = strcspn(line, " \t");
    const char *args = line + name_len;
    while (isspace((unsigned char)*args)) args++;
    char arg_buf[1024];
    snprintf(arg_buf, sizeof arg_buf, "%s", args);
    for (size_t n = strlen(arg_buf); n > 0 && isspace((unsigned char)arg_buf[n - 1]); n--) arg_buf[n - 1] = '\0';
    for (int i = 0; i < META_COMMAND_COUNT; i++)
        if (strlen(META_COMMANDS[i].name) == name_len && strncmp(line, META_COMMANDS[i].name, name_len) == 0)
            return META_COMMANDS[i].run(s, arg_buf);
    shell_report_error(s, "invalid command %.*s (try \\? for help)", (int)name_len, line);
    return false;
}
