/* Throughput of the COPY range parser on TPC-H .tbl files (not a test; ctest does not run it):
 *   bench_copy_parse FILE.tbl [-r RANGES] [-n REPEAT] [-t TABLE] [-z gzip|zstd]
 * The table is taken from the file name (lineitem.tbl...) unless -t names it. With -r the
 * file is cut into RANGES byte ranges, parsed one after another (as RANGES ranks would).
 * Reports wall-clock and process-CPU throughput (the CPU figure is steadier on a shared host). */
#include "engine/loader/copy_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct { const char *name; const char *cols; } table_def;

/* column list: name:type, type one of I (INTEGER), B (BIGINT), D (DECIMAL(15,2)), T (DATE),
 * Cn (CHAR(n)), Vn (VARCHAR(n)) */
static const table_def tables[] = {
    {"lineitem", "l_orderkey:B l_partkey:B l_suppkey:B l_linenumber:I l_quantity:D l_extendedprice:D l_discount:D "
                 "l_tax:D l_returnflag:C1 l_linestatus:C1 l_shipdate:T l_commitdate:T l_receiptdate:T "
                 "l_shipinstruct:C25 l_shipmode:C10 l_comment:V44"},
    {"orders", "o_orderkey:B o_custkey:B o_orderstatus:C1 o_totalprice:D o_orderdate:T o_orderpriority:C15 "
               "o_clerk:C15 o_shippriority:I o_comment:V79"},
    {"customer", "c_custkey:B c_name:V25 c_address:V40 c_nationkey:I c_phone:C15 c_acctbal:D c_mktsegment:C10 "
                 "c_comment:V117"},
    {"part", "p_partkey:B p_name:V55 p_mfgr:C25 p_brand:C10 p_type:V25 p_size:I p_container:C10 p_retailprice:D "
             "p_comment:V23"},
    {"partsupp", "ps_partkey:B ps_suppkey:B ps_availqty:I ps_supplycost:D ps_comment:V199"},
    {"supplier", "s_suppkey:B s_name:C25 s_address:V40 s_nationkey:I s_phone:C15 s_acctbal:D s_comment:V101"},
    {"nation", "n_nationkey:I n_name:C25 n_regionkey:I n_comment:V152"},
    {"region", "r_regionkey:I r_name:C25 r_comment:V152"},
};

static int parse_columns(const char *spec, shoal_copy_column *cols, char names[][32])
{
    int n = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *colon = strchr(tok, ':');
        *colon = '\0';
        snprintf(names[n], 32, "%s", tok);
        const char *t = colon + 1;
        shoal_type ty;
        switch (t[0]) {
        case 'I': ty = shoal_type_make(SHOAL_TYPE_INTEGER); break;
        case 'B': ty = shoal_type_make(SHOAL_TYPE_BIGINT); break;
        case 'D': ty = shoal_type_decimal(15, 2); break;
        case 'T': ty = shoal_type_make(SHOAL_TYPE_DATE); break;
        case 'C': ty = shoal_type_string(SHOAL_TYPE_CHAR, (uint32_t)atoi(t + 1)); break;
        default: ty = shoal_type_string(SHOAL_TYPE_VARCHAR, (uint32_t)atoi(t + 1)); break;
        }
        cols[n] = (shoal_copy_column){names[n], ty, true};
        n++;
    }
    return n;
}

static int count_rows(shoal_batch *b, void *ctx)
{
    *(int64_t *)ctx += b->count;
    return 0;
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.tbl [-r RANGES] [-n REPEAT] [-t TABLE] [-z gzip|zstd]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1], *table = NULL, *comp = NULL;
    int ranges = 1, repeat = 3;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-r") == 0) ranges = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-n") == 0) repeat = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-t") == 0) table = argv[i + 1];
        else if (strcmp(argv[i], "-z") == 0) comp = argv[i + 1];
    }
    const table_def *def = NULL;
    for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        if ((table && strcmp(table, tables[k].name) == 0) ||
            (!table && strncmp(base, tables[k].name, strlen(tables[k].name)) == 0 && base[strlen(tables[k].name)] == '.'))
            def = &tables[k];
    }
    if (!def) {
        fprintf(stderr, "unknown table for '%s' (use -t)\n", path);
        return 2;
    }
    shoal_copy_column cols[32];
    char names[32][32];
    int ncols = parse_columns(def->cols, cols, names);
    shoal_copy_target target = {def->name, cols, ncols};
    shoal_copy_options o;
    shoal_copy_options_init(&o);
    char err[512];
    if (comp && !shoal_copy_options_set(&o, comp, NULL, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (!shoal_copy_options_validate(&o, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (comp) ranges = 1;
    int64_t size = st.st_size;
    double best = 1e30, best_cpu = 1e30;
    int64_t rows = 0;
    for (int rep = 0; rep < repeat; rep++) {
        rows = 0;
        shoal_load_error_sink sink;
        shoal_load_error_sink_init(&sink);
        double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        for (int k = 0; k < ranges; k++) {
            shoal_copy_range r = {path, 0, size * k / ranges, k == ranges - 1 ? -1 : size * (k + 1) / ranges};
            shoal_copy_status s = shoal_copy_parse_range(&o, &r, &target, count_rows, &rows, &sink, NULL);
            if (s != SHOAL_COPY_OK) {
                fprintf(stderr, "parse failed: %s\n", sink.message);
                return 1;
            }
        }
        double t = now(CLOCK_MONOTONIC) - t0, tc = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (t < best) best = t;
        if (tc < best_cpu) best_cpu = tc;
        shoal_load_error_sink_free(&sink);
    }
    printf("%s: %lld rows, %.1f MB in %.3f s (best of %d): %.0f MB/s, %.1f Mrows/s; CPU time %.3f s: %.0f MB/s\n",
           path, (long long)rows, size / 1e6, best, repeat, size / 1e6 / best, rows / 1e6 / best, best_cpu,
           size / 1e6 / best_cpu);
    return 0;
}
