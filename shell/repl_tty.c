/* The interactive shell on a terminal, with libedit: prompt, multi-line statements, history
 * in ~/.shoal_history (or $SHOAL_HISTORY), tab completion of keywords and meta-commands.
 *
 * Two ways to meet the terminal:
 * - direct: stdin is the terminal (shoal run without mpirun, or mpirun giving a pty).
 * - relayed: under a local mpirun, rank 0's stdin is a pipe that mpirun fills with what it
 *   reads from the terminal, and mpirun stays the terminal's foreground job (taking the
 *   foreground from it makes mpirun's next read stop it with SIGTTIN). Rank 0 then opens
 *   /dev/tty for its output and terminal modes, and libedit reads the keystrokes from the
 *   pipe (EL_GETCFN). The terminal is kept in non-canonical mode with ISIG off for the whole
 *   session, so every key, Ctrl-C included, reaches mpirun at once as a byte and comes down
 *   the pipe, and no SIGINT ever makes mpirun abort the job. While a command runs the
 *   scheduler watches the pipe: a ^C byte cancels the command on every rank, other bytes
 *   are kept as type-ahead for the next prompt.
 * Ctrl-C while editing drops the line and any unfinished statement (a libedit binding); in
 * direct mode Ctrl-C during a command is an ordinary SIGINT, handled in main.c.
 * Terminal modes are restored on every exit path (return, SIGTERM from mpirun, SIGHUP). */
#include "runtime/runtime.h"
#include "shell/shell_internal.h"
#include "sql/keywords.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

static int g_tty_fd = -1;               /* the terminal whose modes we change, or -1 */
static struct termios g_saved_termios;  /* its modes when we started */
static volatile sig_atomic_t g_line_cancelled;
static FILE *g_tty_out;                 /* where completion lists go */

/* Relayed mode: keystrokes arrive on this pipe; bytes read while a command ran wait here. */
static int g_key_fd = -1;
static unsigned char g_typeahead[4096];
static size_t g_typeahead_len, g_typeahead_pos;

static void restore_terminal(void)
{
    if (g_tty_fd >= 0) tcsetattr(g_tty_fd, TCSANOW, &g_saved_termios);
}

static void on_terminate(int sig)
{
    restore_terminal(); /* tcsetattr is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Relayed mode between prompts: every key goes through at once, and ^C is a byte. */
static void set_keys_raw(void)
{
    struct termios t = g_saved_termios;
    t.c_lflag &= ~(tcflag_t)(ICANON | ISIG);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(g_tty_fd, TCSANOW, &t);
}

/* libedit's character source in relayed mode: type-ahead first, then the pipe. */
static int read_key(EditLine *el, wchar_t *wc)
{
    (void)el;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    for (;;) {
        unsigned char byte;
        if (g_typeahead_pos < g_typeahead_len) {
            byte = g_typeahead[g_typeahead_pos++];
        } else {
            ssize_t n = read(g_key_fd, &byte, 1);
            if (n == 0) return 0; /* mpirun closed our stdin: end of input */
            if (n < 0) {
                if (errno == EINTR) continue;
                return -1;
            }
        }
        char c = (char)byte;
        size_t r = mbrtowc(wc, &c, 1, &state);
        if (r == (size_t)-2) continue; /* more bytes of a multibyte character */
        if (r == (size_t)-1) {
            memset(&state, 0, sizeof state);
            *wc = (wchar_t)byte;
        }
        return 1;
    }
}

/* While a command runs (relayed mode): ^C cancels it, other keys are kept for later. */
static void keys_while_running(shoal_rt *rt, int fd, void *arg)
{
    (void)arg;
    unsigned char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
        shoal_rt_unwatch_fd(rt, fd); /* end of input: \q follows once the command is done */
        return;
    }
    if (g_typeahead_pos == g_typeahead_len) g_typeahead_pos = g_typeahead_len = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == 3) {
            if (g_tty_out) fputc('\n', g_tty_out); /* the terminal echoed "^C": end that line */
            shoal_rt_interrupt(rt);
            g_typeahead_pos = g_typeahead_len = 0; /* as a terminal flushes input on ^C */
        } else if (g_typeahead_len < sizeof g_typeahead) {
            g_typeahead[g_typeahead_len++] = buf[i];
        }
    }
}

/* The device number of our controlling terminal (field 7 of /proc/self/stat), or 0. */
static dev_t controlling_terminal(void)
{
    FILE *f = fopen("/proc/self/stat", "r");
    if (f == NULL) return 0;
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    int tty_nr = 0;
    if (p == NULL || sscanf(p + 1, " %*c %*d %*d %*d %d", &tty_nr) != 1 || tty_nr == 0) return 0;
    unsigned maj = ((unsigned)tty_nr >> 8) & 0xfff;
    unsigned min = ((unsigned)tty_nr & 0xff) | (((unsigned)tty_nr >> 12) & 0xfff00);
    return makedev(maj, min);
}

bool shell_terminal_available(bool *use_stdio)
{
    if (isatty(STDIN_FILENO)) {
        *use_stdio = true;
        return true;
    }
    *use_stdio = false;
    /* Only when our parent (mpirun) reads our controlling terminal, in the foreground: then
     * a person is typing at us. `echo ... | mpirun` or a background job keeps stdin. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd/0", (int)getppid());
    struct stat parent_st;
    dev_t ours = controlling_terminal();
    if (ours == 0 || stat(path, &parent_st) != 0 || !S_ISCHR(parent_st.st_mode) || parent_st.st_rdev != ours)
        return false;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return false;
    bool foreground = tcgetpgrp(fd) == getpgid(getppid());
    close(fd);
    return foreground;
}

static char *prompt(EditLine *el)
{
    shell_session *s = NULL;
    el_get(el, EL_CLIENTDATA, &s);
    return (s && shell_statement_pending(s)) ? "shoal-> " : "shoal=> ";
}

/* ^C while editing: show it, drop the line and the unfinished statement. */
static unsigned char clear_line(EditLine *el, int ch)
{
    (void)ch;
    const LineInfo *li = el_line(el);
    el_cursor(el, (int)(li->lastchar - li->cursor)); /* so "^C" lands after the text */
    g_line_cancelled = 1;
    fputs("^C\n", g_tty_out);
    fflush(g_tty_out);
    return CC_NEWLINE;
}

static bool is_word_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '\\'; }

/* Tab: complete the word before the cursor from the keywords (or meta-commands after '\'). */
static unsigned char complete(EditLine *el, int ch)
{
    (void)ch;
    const LineInfo *li = el_line(el);
    const char *start = li->cursor;
    while (start > li->buffer && is_word_char(start[-1])) start--;
    size_t typed = (size_t)(li->cursor - start);
    if (typed == 0) return CC_ERROR;

    const char *matches[256];
    size_t n = 0;
    if (start[0] == '\\') {
        for (size_t i = 0; shell_meta_command_names[i] && n < 256; i++)
            if (strncmp(shell_meta_command_names[i], start, typed) == 0) matches[n++] = shell_meta_command_names[i];
    } else {
        for (size_t i = 0; i < sql_keyword_count && n < 256; i++)
            if (strncasecmp(sql_keywords[i], start, typed) == 0) matches[n++] = sql_keywords[i];
    }
    if (n == 0) return CC_ERROR;

    size_t common = strlen(matches[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < common && toupper((unsigned char)matches[i][k]) == toupper((unsigned char)matches[0][k])) k++;
        common = k;
    }
    bool lower = islower((unsigned char)start[0]); /* complete in the case being typed */
    char insert[128];
    size_t len = 0;
    for (size_t k = typed; k < common && len + 2 < sizeof insert; k++)
        insert[len++] = lower ? (char)tolower((unsigned char)matches[0][k]) : matches[0][k];
    if (n == 1) insert[len++] = ' ';
    insert[len] = '\0';
    if (len > 0) {
        el_insertstr(el, insert);
        return CC_REFRESH;
    }
    fputc('\n', g_tty_out);
    for (size_t i = 0; i < n; i++) fprintf(g_tty_out, "%s%s", matches[i], (i + 1) % 6 == 0 || i + 1 == n ? "\n" : "  ");
    fflush(g_tty_out);
    return CC_REDISPLAY;
}

/* The history file: $SHOAL_HISTORY or ~/.shoal_history. NULL (no history kept) when neither
 * is set, or when the path exists but is not a regular file (e.g. /dev/null, as psql allows):
 * libedit's save would chmod it to 0600. */
static const char *history_path(char *buf, size_t size)
{
    const char *env = getenv("SHOAL_HISTORY");
    const char *home = getenv("HOME");
    if (env && *env) snprintf(buf, size, "%s", env);
    else if (home && *home) snprintf(buf, size, "%s/.shoal_history", home);
    else return NULL;
    struct stat st;
    if (stat(buf, &st) == 0 && !S_ISREG(st.st_mode)) return NULL;
    return buf;
}

int shell_run_terminal(shoal_rt *rt, shoal_sql_session *sql, bool use_stdio)
{
    FILE *in = stdin, *out = stdout, *err = stderr;
    if (!use_stdio) {
        int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) return -1;
        in = fdopen(fd, "r");
        out = fdopen(dup(fd), "w");
        err = out;
        g_key_fd = STDIN_FILENO;
        /* We are not in the terminal's foreground group: changing its modes would stop us. */
        signal(SIGTTOU, SIG_IGN);
    }
    g_tty_fd = fileno(in);
    tcgetattr(g_tty_fd, &g_saved_termios);
    atexit(restore_terminal);
    g_tty_out = out;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_terminate;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    shell_session session;
    shell_session_init(&session, rt, sql, out, err, false);

    HistEvent ev;
    History *hist = history_init();
    history(hist, &ev, H_SETSIZE, 2000);
    history(hist, &ev, H_SETUNIQUE, 1);
    char path_buf[4096];
    const char *hist_path = history_path(path_buf, sizeof path_buf);
    if (hist_path) history(hist, &ev, H_LOAD, hist_path);

    EditLine *el = el_init_fd("shoal", in, out, err, fileno(in), fileno(out), fileno(err));
    el_set(el, EL_CLIENTDATA, &session);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_PROMPT, prompt);
    el_set(el, EL_HIST, history, hist);
    el_set(el, EL_SIGNAL, 1);
    if (g_key_fd >= 0) el_set(el, EL_GETCFN, read_key);
    el_source(el, NULL); /* the user's ~/.editrc, before our own bindings */
    el_set(el, EL_SETTY, "-d", "-isig", NULL);
    el_set(el, EL_ADDFN, "shoal-complete", "complete a keyword or meta-command", complete);
    el_set(el, EL_BIND, "^I", "shoal-complete", NULL);
    el_set(el, EL_ADDFN, "shoal-clear-line", "drop the line and the unfinished statement", clear_line);
    el_set(el, EL_BIND, "^C", "shoal-clear-line", NULL);

    fprintf(out, "shoal: %d rank%s. Type \\? for help, \\q to quit.\n", shoal_rt_size(rt),
            shoal_rt_size(rt) == 1 ? "" : "s");
    fflush(out);
    for (;;) {
        int count = 0;
        g_line_cancelled = 0;
        if (g_key_fd >= 0) restore_terminal(); /* libedit derives its modes from these */
        const char *line = el_gets(el, &count);
        if (line == NULL) {
            if (count == -1 && errno == EINTR) continue;
            fputs("\\q\n", out); /* end of input (Ctrl-D) */
            break;
        }
        if (g_line_cancelled) {
            shell_discard_statement(&session);
            continue;
        }
        char *copy = strdup(line);
        size_t len = strlen(copy);
        while (len > 0 && (copy[len - 1] == '\n' || copy[len - 1] == '\r')) copy[--len] = '\0';
        if (len > 0) {
            history(hist, &ev, H_ENTER, copy);
            if (hist_path) history(hist, &ev, H_SAVE, hist_path);
        }
        if (g_key_fd >= 0) {
            set_keys_raw();
            shoal_rt_watch_fd(rt, g_key_fd, keys_while_running, NULL);
        }
        bool go_on = shell_feed_line(&session, copy);
        if (g_key_fd >= 0) shoal_rt_unwatch_fd(rt, g_key_fd);
        free(copy);
        if (!go_on) break;
    }
    el_end(el);
    history_end(hist);
    shell_session_free(&session);
    restore_terminal();
    g_tty_fd = -1;
    g_key_fd = -1;
    if (out != stdout) fclose(out);
    if (in != stdin) fclose(in);
    return 0;
}
