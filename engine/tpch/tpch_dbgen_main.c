/* shoal-dbgen: writes TPC-H .tbl files byte-identical to dbgen's, whole or as chunk k of n,
 * from the generator library (typed batches -> tpch_format -> large write(2) calls).
 * Usage errors print a message and exit 2; write errors exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/tpch/tpch.h"
#include "engine/tpch/tpch_format.h"

#define EXIT_USAGE 2
#define EXIT_IO 1
#define BATCH_ROWS 2048
#define OUTPUT_BUFFER_BYTES (4u << 20)

static const char *program = "shoal-dbgen";

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [-s SF] [-C N -S K] [-T TABLE]... [-o DIR] [-v]\n"
            "Writes TPC-H tables as dbgen's .tbl files, byte for byte.\n"
            "\n"
            "  -s SF     scale factor (default 1); 0 < SF < 30000. Below 1 (0.01, 0.1) tables\n"
            "            shrink as in dbgen; above 1 dbgen uses the integer part, and so do we\n"
            "  -C N      split the data into N chunks (requires -S)\n"
            "  -S K      write chunk K (1..N) as TABLE.tbl.K; concatenating chunks 1..N in order\n"
            "            gives TABLE.tbl. nation and region are not chunked: chunk 1 writes\n"
            "            nation.tbl and region.tbl whole, other chunks skip them unless -T asks\n"
            "  -T TABLE  generate only this table (repeatable, or comma-separated): a name\n"
            "            (part, partsupp, supplier, customer, orders, lineitem, nation, region)\n"
            "            or a dbgen letter: P part, S partsupp, s supplier, c customer, O orders,\n"
            "            L lineitem, n nation, r region, p part+partsupp, o orders+lineitem,\n"
            "            l nation+region. Default: all eight\n"
            "  -o DIR    existing directory to write into (default: current directory);\n"
            "            existing files are overwritten\n"
            "  -v        report each table's time on stderr\n"
            "  -f, -q    accepted for dbgen compatibility (files are always overwritten)\n"
            "  -h        this help\n",
            program);
}

/* A usage error: the message on stderr, a pointer to -h, exit status 2. */
__attribute__((format(printf, 1, 2), noreturn)) static void die_usage(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n(run %s -h for help)\n", program);
    exit(EXIT_USAGE);
}

/* The value of -C or -S: a positive int, else a usage error naming the option. */
static int parse_positive_int(const char *text, char option, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < 1 || v > INT_MAX)
        die_usage("-%c needs a positive %s (got '%s')", option, what, text);
    return (int)v;
}

/* Adds the tables named by one -T argument (a comma-separated list) to selected[]. */
static void select_tables(const char *arg, bool *selected)
{
    char *copy = strdup(arg);
    if (!copy) {
        fprintf(stderr, "%s: out of memory\n", program);
        exit(EXIT_IO);
    }
    char *save = NULL;
    int count = 0;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        tpch_table t;
        count++;
        if (strcmp(name, "o") == 0) {
            selected[TPCH_ORDERS] = selected[TPCH_LINEITEM] = true;
        } else if (strcmp(name, "p") == 0) {
            selected[TPCH_PART] = selected[TPCH_PARTSUPP] = true;
        } else if (strcmp(name, "l") == 0) {
            selected[TPCH_NATION] = selected[TPCH_REGION] = true;
        } else if (tpch_table_from_name(name, &t) == 0) {
            selected[t] = true;
        } else {
            free(copy);
            die_usage("unknown table '%s' (expected a TPC-H table name or one of the dbgen "
                      "letters P S s c O L n r p o l)", arg);
        }
    }
    free(copy);
    if (count == 0)
        die_usage("-T needs a table name (got '%s')", arg);
}

/* ---- buffered output files ---- */

typedef struct output_file {
    char path[PATH_MAX];
    int fd;
    char *buffer;
    size_t used;
    uint64_t bytes_written;
} output_file;

static void output_open(output_file *f, const char *dir, tpch_table table, int chunk_k, bool chunked)
{
    const char *name = tpch_table_get_info(table)->file_name;
    int n = chunked ? snprintf(f->path, sizeof f->path, "%s/%s.%d", dir, name, chunk_k)
                    : snprintf(f->path, sizeof f->path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof f->path)
        die_usage("output directory path too long: '%s'", dir);
    f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f->fd < 0) {
        fprintf(stderr, "%s: cannot create '%s': %s\n", program, f->path, strerror(errno));
        exit(EXIT_USAGE);
    }
    f->buffer = malloc(OUTPUT_BUFFER_BYTES);
    if (!f->buffer) {
        fprintf(stderr, "%s: out of memory\n", program);
        exit(EXIT_IO);
    }
    f->used = 0;
    f->bytes_written = 0;
}

static void output_flush(output_file *f)
{
    size_t done = 0;
    while (done < f->used) {
        ssize_t w = write(f->fd, f->buffer + done, f->used - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: write to '%s' failed: %s\n", program, f->path, strerror(errno));
            exit(EXIT_IO);
        }
        done += (size_t)w;
    }
    f->bytes_written += f->used;
    f->used = 0;
}

static void output_batch(output_file *f, const tpch_batch *b)
{
    size_t row = 0;
    while (row < b->rows) {
        size_t n = tpch_format_rows(b, &row, f->buffer + f->used, OUTPUT_BUFFER_BYTES - f->used);
        f->used += n;
        if (row < b->rows)
            output_flush(f);
    }
}

static void output_close(output_file *f)
{
    output_flush(f);
    if (close(f->fd) != 0) {
        fprintf(stderr, "%s: closing '%s' failed: %s\n", program, f->path, strerror(errno));
        exit(EXIT_IO);
    }
    free(f->buffer);
}

/* ---- generation jobs ---- */

typedef struct job {
    tpch_table table;
    bool with_detail;    /* orders+lineitem or part+partsupp in one pass */
    bool chunked;        /* honour -C/-S (false for nation and region) */
    output_file out[2];
} job;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_job(job *j, double sf, int chunk_k, int chunk_n, bool verbose)
{
    double start = now_seconds();
    char err[256];
    int k = j->chunked ? chunk_k : 1, n = j->chunked ? chunk_n : 1;
    tpch_gen *g = j->with_detail ? tpch_gen_open_with_detail(j->table, sf, k, n, err, sizeof err)
                                 : tpch_gen_open(j->table, sf, k, n, err, sizeof err);
    if (!g) {
        fprintf(stderr, "%s: %s\n", program, err);
        exit(EXIT_IO);
    }
    tpch_table detail_table = j->table == TPCH_ORDERS ? TPCH_LINEITEM : TPCH_PARTSUPP;
    tpch_batch *master = tpch_batch_create(j->table, BATCH_ROWS);
    tpch_batch *detail = j->with_detail ? tpch_batch_create(detail_table, BATCH_ROWS * 7) : NULL;
    if (!master || (j->with_detail && !detail)) {
        fprintf(stderr, "%s: out of memory\n", program);
        exit(EXIT_IO);
    }
    for (;;) {
        size_t rows = j->with_detail ? tpch_gen_next_batches(g, master, detail, BATCH_ROWS)
                                     : tpch_gen_next_batch(g, master, BATCH_ROWS);
        if (rows == 0)
            break;
        output_batch(&j->out[0], master);
        if (j->with_detail)
            output_batch(&j->out[1], detail);
    }
    tpch_batch_destroy(master);
    tpch_batch_destroy(detail);
    tpch_gen_close(g);
    output_close(&j->out[0]);
    if (j->with_detail)
        output_close(&j->out[1]);
    if (verbose) {
        double seconds = now_seconds() - start;
        uint64_t bytes = j->out[0].bytes_written + (j->with_detail ? j->out[1].bytes_written : 0);
        fprintf(stderr, "%s: %s%s%s: %.2f s, %.1f MB, %.1f MB/s\n", program,
                tpch_table_get_info(j->table)->name, j->with_detail ? "+" : "",
                j->with_detail ? tpch_table_get_info(detail_table)->name : "", seconds,
                bytes / 1e6, seconds > 0 ? bytes / 1e6 / seconds : 0.0);
    }
}

int main(int argc, char **argv)
{
    double sf = 1.0;
    const char *sf_text = "1";
    int chunk_n = 0, chunk_k = 0;
    const char *dir = ".";
    bool selected[TPCH_TABLE_COUNT] = {false};
    bool any_selected = false;
    bool verbose = false;

    static const struct option long_options[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":s:C:S:T:o:fqvh", long_options, NULL)) != -1) {
        switch (opt) {
        case 's': sf_text = optarg; break;
        case 'C': chunk_n = parse_positive_int(optarg, 'C', "chunk count"); break;
        case 'S': chunk_k = parse_positive_int(optarg, 'S', "chunk number"); break;
        case 'T':
            select_tables(optarg, selected);
            any_selected = true;
            break;
        case 'o': dir = optarg; break;
        case 'f':
        case 'q': break;
        case 'v': verbose = true; break;
        case 'h': usage(stdout); return 0;
        case ':':
            die_usage("option -%c needs a value", optopt);
        default:
            if (optopt)
                die_usage("unknown option '-%c'", optopt);
            die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die_usage("unexpected argument '%s'", argv[optind]);

    char err[256];
    if (tpch_parse_scale_factor(sf_text, &sf, err, sizeof err) != 0)
        die_usage("%s", err);
    if (sf > 1.0 && sf != (double)(long long)sf)
        fprintf(stderr, "%s: note: dbgen uses the integer part of a scale factor above 1; "
                        "generating SF %lld\n", program, (long long)sf);

    if (chunk_n == 0 && chunk_k != 0)
        die_usage("-S needs -C (the number of chunks)");
    if (chunk_n != 0 && chunk_k == 0)
        die_usage("-C needs -S (which chunk to write)");
    if (chunk_n == 0)
        chunk_n = chunk_k = 1;
    if (chunk_k > chunk_n)
        die_usage("chunk %d of %d does not exist (-S must be between 1 and -C)", chunk_k, chunk_n);
    bool chunked = chunk_n > 1;

    struct stat st;
    if (stat(dir, &st) != 0)
        die_usage("output directory '%s' %s", dir,
                  errno == ENOENT ? "does not exist" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        die_usage("output path '%s' is not a directory", dir);
    if (access(dir, W_OK | X_OK) != 0)
        die_usage("output directory '%s' is not writable", dir);

    if (!any_selected) {
        for (int t = 0; t < TPCH_TABLE_COUNT; t++)
            selected[t] = true;
        /* nation and region are written once, by chunk 1 */
        if (chunk_k != 1)
            selected[TPCH_NATION] = selected[TPCH_REGION] = false;
    }

    /* Plan the jobs (pairs in one pass) and create every file before generating anything,
     * so a directory we cannot write into fails fast. */
    job jobs[TPCH_TABLE_COUNT];
    int job_count = 0;
    static const tpch_table order[] = {TPCH_PART, TPCH_PARTSUPP, TPCH_SUPPLIER, TPCH_CUSTOMER,
                                       TPCH_ORDERS, TPCH_LINEITEM, TPCH_NATION, TPCH_REGION};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        tpch_table t = order[i];
        if (!selected[t])
            continue;
        job *j = &jobs[job_count++];
        memset(j, 0, sizeof *j);
        j->table = t;
        j->chunked = chunked && t != TPCH_NATION && t != TPCH_REGION;
        if ((t == TPCH_ORDERS && selected[TPCH_LINEITEM]) || (t == TPCH_PART && selected[TPCH_PARTSUPP])) {
            j->with_detail = true;
            selected[t == TPCH_ORDERS ? TPCH_LINEITEM : TPCH_PARTSUPP] = false;
        }
        output_open(&j->out[0], dir, t, chunk_k, j->chunked);
        if (j->with_detail)
            output_open(&j->out[1], dir, t == TPCH_ORDERS ? TPCH_LINEITEM : TPCH_PARTSUPP,
                        chunk_k, j->chunked);
    }

    for (int i = 0; i < job_count; i++)
        run_job(&jobs[i], sf, chunk_k, chunk_n, verbose);
    return 0;
}
