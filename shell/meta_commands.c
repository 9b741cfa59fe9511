/* The backslash meta-commands: \? \q \ranks \timing \sleep \raise. Each is one function and
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
static bool meta_sleep(shell_session *s, const char *args);
static bool meta_raise(shell_session *s, const char *args);

static const meta_command META_COMMANDS[] = {
    {"\\?", "", "show the meta-commands", meta_help},
    {"\\q", "", "quit (so does end of input)", meta_quit},
    {"\\ranks", "", "one row per rank: rank, host, pid, resident memory", meta_ranks},
    {"\\timing", "[on|off]", "print each command's elapsed time", meta_timing},
    {"\\sleep", "SECONDS", "hold every rank for SECONDS; Ctrl-C cancels it on every rank", meta_sleep},
    {"\\raise", "RANK MESSAGE", "raise an error on RANK and report it here (diagnostics)", meta_raise},
};
enum { META_COMMAND_COUNT = sizeof META_COMMANDS / sizeof META_COMMANDS[0] };

const char *const shell_meta_command_names[] = {"\\?", "\\q", "\\ranks", "\\timing", "\\sleep", "\\raise", NULL};

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

static bool meta_timing(shell_session *s, const char *args)
{
    if (*args == '\0') s->timing = !s->timing;
    else if (strcmp(args, "on") == 0) s->timing = true;
    else if (strcmp(args, "off") == 0) s->timing = false;
    else {
        shell_report_error(s, "\\timing: expected on or off, not \"%s\"", args);
        return false;
    }
    fprintf(s->csv ? s->err : s->out, "Timing is %s.\n", s->timing ? "on" : "off");
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
