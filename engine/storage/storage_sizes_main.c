/* shoal-storage-sizes: loads TPC-H .tbl files (schemas built in) into a scratch table store,
 * then reports bytes on disk per column and per table against the .tbl text, the encodings
 * chosen, and load and full-scan speed. How the README's numbers were measured.
 *   shoal-storage-sizes [--rows-per-block N] [--encode NAME] [--zstd-level L] [--keep DIR]
 *                       [--columns] TBL_DIR [TABLE...] */
#include "engine/storage/storage_io.h"
#include "engine/storage/table_store.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct tpch_column_spec {
    const char *name;
    const char *type; /* "int", "bigint", "dec", "date", "char:N", "varchar:N" */
} tpch_column_spec;

typedef struct tpch_table_spec {
    const char *name;
    int ncols;
    tpch_column_spec cols[16];
} tpch_table_spec;

/* The TPC-H schema (spec 1.4), keys as INTEGER except the order keys (BIGINT, for SF > 300). */
static const tpch_table_spec tables[] = {
    {"region", 3, {{"r_regionkey", "int"}, {"r_name", "char:25"}, {"r_comment", "varchar:152"}}},
    {"nation", 4, {{"n_nationkey", "int"}, {"n_name", "char:25"}, {"n_regionkey", "int"}, {"n_comment", "varchar:152"}}},
    {"supplier", 7, {{"s_suppkey", "int"}, {"s_name", "char:25"}, {"s_address", "varchar:40"}, {"s_nationkey", "int"},
                     {"s_phone", "char:15"}, {"s_acctbal", "dec"}, {"s_comment", "varchar:101"}}},
    {"customer", 8, {{"c_custkey", "int"}, {"c_name", "varchar:25"}, {"c_address", "varchar:40"}, {"c_nationkey", "int"},
                     {"c_phone", "char:15"}, {"c_acctbal", "dec"}, {"c_mktsegment", "char:10"}, {"c_comment", "varchar:117"}}},
    {"part", 9, {{"p_partkey", "int"}, {"p_name", "varchar:55"}, {"p_mfgr", "char:25"}, {"p_brand", "char:10"},
                 {"p_type", "varchar:25"}, {"p_size", "int"}, {"p_container", "char:10"}, {"p_retailprice", "dec"},
                 {"p_comment", "varchar:23"}}},
    {"partsupp", 5, {{"ps_partkey", "int"}, {"ps_suppkey", "int"}, {"ps_availqty", "int"}, {"ps_supplycost", "dec"},
                     {"ps_comment", "varchar:199"}}},
    {"orders", 9, {{"o_orderkey", "bigint"}, {"o_custkey", "int"}, {"o_orderstatus", "char:1"}, {"o_totalprice", "dec"},
                   {"o_orderdate", "date"}, {"o_orderpriority", "char:15"}, {"o_clerk", "char:15"},
                   {"o_shippriority", "int"}, {"o_comment", "varchar:79"}}},
    {"lineitem", 16, {{"l_orderkey", "bigint"}, {"l_partkey", "int"}, {"l_suppkey", "int"}, {"l_linenumber", "int"},
                      {"l_quantity", "dec"}, {"l_extendedprice", "dec"}, {"l_discount", "dec"}, {"l_tax", "dec"},
                      {"l_returnflag", "char:1"}, {"l_linestatus", "char:1"}, {"l_shipdate", "date"},
                      {"l_commitdate", "date"}, {"l_receiptdate", "date"}, {"l_shipinstruct", "char:25"},
                      {"l_shipmode", "char:10"}, {"l_comment", "varchar:44"}}},
};

static shoal_type parse_type(const char *t)
{
    if (strcmp(t, "int") == 0) return shoal_type_make(SHOAL_TYPE_INTEGER);
    if (strcmp(t, "bigint") == 0) return shoal_type_make(SHOAL_TYPE_BIGINT);
    if (strcmp(t, "dec") == 0) return shoal_type_decimal(15, 2);
    if (strcmp(t, "date") == 0) return shoal_type_make(SHOAL_TYPE_DATE);
    if (strncmp(t, "char:", 5) == 0) return shoal_type_string(SHOAL_TYPE_CHAR, (uint32_t)atoi(t + 5));
    return shoal_type_string(SHOAL_TYPE_VARCHAR, (uint32_t)atoi(t + 8));
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Appends one .tbl field to a vector; false when it does not parse. */
static bool append_field(shoal_vector *v, const char *s, size_t n)
{
    switch ((shoal_type_id)v->type.id) {
    case SHOAL_TYPE_INTEGER:
    case SHOAL_TYPE_BIGINT: {
        int64_t x;
        if (!shoal_parse_int64(s, n, &x)) return false;
        shoal_vector_append_i64(v, x);
        return true;
    }
    case SHOAL_TYPE_DECIMAL: {
        shoal_int128 x;
        if (!shoal_parse_decimal(s, n, v->type.precision, v->type.scale, &x)) return false;
        shoal_vector_append_i128(v, x);
        return true;
    }
    case SHOAL_TYPE_DATE: {
        int32_t d;
        if (!shoal_parse_date(s, n, &d)) return false;
        shoal_vector_append_i64(v, d);
        return true;
    }
    case SHOAL_TYPE_CHAR:
        while (n > 0 && s[n - 1] == ' ') n--; /* CHAR keeps no trailing blanks */
        shoal_vector_append_string(v, s, (uint32_t)n);
        return true;
    default:
        shoal_vector_append_string(v, s, (uint32_t)n);
        return true;
    }
}

typedef struct options {
    shoal_store_options store;
    bool have_encode;
    shoal_encoding_request encode;
    const char *keep;
    bool columns;
} options;

static int measure(const char *tbl_dir, const tpch_table_spec *spec, const char *rank_dir, const options *opt,
                   uint64_t totals[2])
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.tbl", tbl_dir, spec->name);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0; /* not generated: skip */
    int64_t text_bytes = shoal_io_file_size(path);
    static char iobuf[1 << 20];
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);

    shoal_column_def cols[16];
    shoal_type types[16];
    for (int c = 0; c < spec->ncols; c++) {
        cols[c].type = types[c] = parse_type(spec->cols[c].type);
        cols[c].encoding = opt->have_encode ? opt->encode : shoal_encoding_auto();
    }
    shoal_error err;
    shoal_table_store *store = shoal_table_store_open(rank_dir, (uint64_t)(spec - tables) + 1, cols, spec->ncols,
                                                      &opt->store, &err);
    if (store == NULL) {
        fprintf(stderr, "%s: %s\n", spec->name, err.message);
        fclose(f);
        return 1;
    }
    shoal_appender *a = shoal_table_replace_begin(store, 0, &err);
    shoal_batch batch;
    shoal_batch_init(&batch, spec->ncols, types, SHOAL_BATCH_ROWS);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t rows = 0;
    double parse_time = 0, t_all = now();
    int rc = 0;
    double t0 = now();
    while ((len = getline(&line, &cap, f)) > 0) {
        const char *p = line, *end = line + len;
        for (int c = 0; c < spec->ncols; c++) {
            const char *bar = memchr(p, '|', (size_t)(end - p));
            if (bar == NULL || !append_field(&batch.columns[c], p, (size_t)(bar - p))) {
                fprintf(stderr, "%s line %llu: bad field %d\n", path, (unsigned long long)rows + 1, c + 1);
                rc = 1;
                goto out;
            }
            p = bar + 1;
        }
        rows++;
        if (++batch.count == SHOAL_BATCH_ROWS) {
            parse_time += now() - t0;
            if (!shoal_appender_add_batch(a, &batch, &err)) goto fail;
            shoal_batch_reset(&batch);
            t0 = now();
        }
    }
    parse_time += now() - t0;
    if (batch.count && !shoal_appender_add_batch(a, &batch, &err)) goto fail;
    if (!shoal_appender_prepare(a, &err) || !shoal_appender_commit(a, &err)) goto fail;
    double load_time = now() - t_all - parse_time;

    /* full scan of every column */
    double ts = now();
    shoal_table_scan *scan = shoal_table_scan_open(store, NULL, 0, NULL, 0, &err);
    if (scan == NULL) goto fail;
    shoal_batch out;
    shoal_table_scan_init_batch(scan, &out);
    uint64_t scanned = 0;
    int r;
    while ((r = shoal_table_scan_next(scan, &out, &err)) == SHOAL_SCAN_ROWS) scanned += out.count;
    shoal_batch_free(&out);
    shoal_table_scan_close(scan);
    if (r == SHOAL_SCAN_ERROR || scanned != rows) goto fail;
    double scan_time = now() - ts;

    shoal_table_storage_stats st;
    shoal_column_storage_stats cs[16];
    if (!shoal_table_store_stats(store, &st, cs, &err)) goto fail;
    uint64_t disk = st.file_bytes + st.manifest_bytes;
    printf("| %-8s | %10llu | %13lld | %13llu | %5.2f | %6.2f | %6.2f |\n", spec->name, (unsigned long long)rows,
           (long long)text_bytes, (unsigned long long)disk, disk ? (double)text_bytes / (double)disk : 0.0,
           rows / load_time / 1e6, rows / scan_time / 1e6);
    totals[0] += (uint64_t)text_bytes;
    totals[1] += disk;
    if (opt->columns) {
        for (int c = 0; c < spec->ncols; c++) {
            char enc[96] = "";
            size_t n = 0;
            for (int e = 0; e < SHOAL_ENC_COUNT; e++)
                if (cs[c].blocks_by_encoding[e])
                    n += (size_t)snprintf(enc + n, sizeof enc - n, "%s%s %u", n ? ", " : "", shoal_encoding_name((shoal_encoding)e),
                                          cs[c].blocks_by_encoding[e]);
            printf("|   %-16s | %-18s | %12llu | %12llu | %6.2f | %-24s | %u/%llu |\n", spec->cols[c].name,
                   spec->cols[c].type, (unsigned long long)cs[c].plain_bytes, (unsigned long long)cs[c].block_bytes,
                   cs[c].block_bytes ? (double)cs[c].plain_bytes / (double)cs[c].block_bytes : 0.0, enc,
                   cs[c].blocks_compressed, (unsigned long long)cs[c].blocks);
        }
    }
    goto out;
fail:
    fprintf(stderr, "%s: %s\n", spec->name, err.message);
    rc = 1;
out:
    free(line);
    fclose(f);
    shoal_batch_free(&batch);
    shoal_appender_free(a);
    shoal_table_store_close(store);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: shoal-storage-sizes [--rows-per-block N] [--encode NAME] [--zstd-level L] [--keep DIR]\n"
                    "                           [--columns] TBL_DIR [TABLE...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    options opt;
    memset(&opt, 0, sizeof opt);
    opt.store.create = true;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--columns") == 0) opt.columns = true;
        else if (i + 1 >= argc) usage();
        else if (strcmp(argv[i], "--rows-per-block") == 0) opt.store.rows_per_block = (uint32_t)atoi(argv[++i]);
        else if (strcmp(argv[i], "--zstd-level") == 0) opt.store.zstd_level = atoi(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0) opt.keep = argv[++i];
        else if (strcmp(argv[i], "--encode") == 0) {
            opt.have_encode = true;
            if (!shoal_encoding_from_name(argv[++i], &opt.encode)) {
                fprintf(stderr, "unknown encoding %s\n", argv[i]);
                return 2;
            }
        } else usage();
    }
    if (i >= argc) usage();
    const char *tbl_dir = argv[i++];
    char scratch[4096];
    if (opt.keep) {
        snprintf(scratch, sizeof scratch, "%s", opt.keep);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch, sizeof scratch, "%s/shoal-storage-sizes-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(scratch) == NULL) {
            perror("mkdtemp");
            return 1;
        }
    }
    printf("| table    |       rows |     .tbl bytes | bytes on disk | ratio | load Mrows/s | scan Mrows/s |\n");
    printf("|---|---|---|---|---|---|---|\n");
    if (opt.columns) printf("(column rows: | name | type | plain bytes | block bytes | ratio | blocks by encoding | zstd/blocks |)\n");
    int rc = 0;
    uint64_t totals[2] = {0, 0};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        bool wanted = i == argc;
        for (int k = i; k < argc; k++) wanted |= strcmp(argv[k], tables[t].name) == 0;
        if (wanted) rc |= measure(tbl_dir, &tables[t], scratch, &opt, totals);
    }
    printf("| total    |            | %13llu | %13llu | %5.2f |\n", (unsigned long long)totals[0],
           (unsigned long long)totals[1], totals[1] ? (double)totals[0] / (double)totals[1] : 0.0);
    if (!opt.keep) nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
