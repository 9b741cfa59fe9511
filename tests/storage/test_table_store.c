/* Table store tests: loads and scans (every value checked), versions, abort, ENCODE overrides,
 * zone-map pruning (a pruned scan + filter returns exactly what a full scan + filter does),
 * snapshots, replace/truncate, recovery after a failure injected at every mutating call of an
 * append, a replace and a drop, the prepared-manifest roll-forward, corrupt files, and drop. */
#include "engine/storage/storage_io.h"
#include "engine/storage/table_store.h"
#include "tests/storage/test_storage.h"

#include <CUnit/CUnit.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TABLE_ID 7
#define NCOLS 8

static shoal_column_def columns[NCOLS];

static void init_columns(void)
{
    const char *enc[NCOLS] = {"auto", "az64", "bytedict", "auto", "raw", "delta", "runlength", "zstd"};
    columns[0].type = shoal_type_make(SHOAL_TYPE_INTEGER);
    columns[1].type = shoal_type_make(SHOAL_TYPE_BIGINT);
    columns[2].type = shoal_type_string(SHOAL_TYPE_VARCHAR, 10);
    columns[3].type = shoal_type_decimal(38, 2);
    columns[4].type = shoal_type_make(SHOAL_TYPE_DOUBLE);
    columns[5].type = shoal_type_make(SHOAL_TYPE_DATE);
    columns[6].type = shoal_type_make(SHOAL_TYPE_BOOLEAN);
    columns[7].type = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    for (int c = 0; c < NCOLS; c++) shoal_encoding_from_name(enc[c], &columns[c].encoding);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

static const char *const names[5] = {"AIR", "MAIL", "SHIP", "TRUCK", "RAIL"};
static const char *const words[8] = {"furiously", "quickly", "regular", "deposits", "sleep", "ironic", "accounts", "haggle"};

/* Rows [first, first + count) of load `seed`: column 0 is the row number. */
static void gen_batch(shoal_batch *b, uint64_t first, uint32_t count, uint64_t seed)
{
    shoal_batch_reset(b);
    for (uint32_t r = 0; r < count; r++) {
        uint64_t i = first + r, h = mix(i * 1000003 + seed);
        shoal_vector_append_i64(&b->columns[0], (int64_t)i);
        shoal_vector_append_i64(&b->columns[1], (int64_t)h);
        if (i % 7 == 0) shoal_vector_append_null(&b->columns[2]);
        else shoal_vector_append_string(&b->columns[2], names[h % 5], (uint32_t)strlen(names[h % 5]));
        shoal_vector_append_i128(&b->columns[3], ((shoal_int128)i - 500) * shoal_pow10_i128(33) + (shoal_int128)(h % 100));
        shoal_vector_append_f64(&b->columns[4], i % 97 == 0 ? NAN : (double)i * 0.5);
        if (i % 11 == 0) shoal_vector_append_null(&b->columns[5]);
        else shoal_vector_append_i64(&b->columns[5], 8000 + (int64_t)(i / 10));
        if ((i / 1000) % 5 == 4) shoal_vector_append_null(&b->columns[6]);
        else shoal_vector_append_i64(&b->columns[6], i % 3 == 0);
        char text[128];
        int len = snprintf(text, sizeof text, "row %llu says %s %s", (unsigned long long)i, words[h % 8], words[(h >> 8) % 8]);
        shoal_vector_append_string(&b->columns[7], text, (uint32_t)len);
    }
    b->count = count;
}

static void new_batch(shoal_batch *b)
{
    shoal_type types[NCOLS];
    for (int c = 0; c < NCOLS; c++) types[c] = columns[c].type;
    shoal_batch_init(b, NCOLS, types, SHOAL_BATCH_ROWS);
}

/* Adds rows in batches of varying sizes (1 .. 3000). Stops at the first failure. */
static bool add_rows(shoal_appender *a, uint64_t first, uint64_t count, uint64_t seed, shoal_error *err)
{
    static const uint32_t sizes[] = {1, 2047, 2048, 3000, 17, 999};
    shoal_batch b;
    new_batch(&b);
    bool ok = true;
    for (uint64_t done = 0, k = 0; ok && done < count; k++) {
        uint32_t n = sizes[k % 6];
        if (n > count - done) n = (uint32_t)(count - done);
        gen_batch(&b, first + done, n, seed);
        ok = shoal_appender_add_batch(a, &b, err);
        done += n;
    }
    shoal_batch_free(&b);
    return ok;
}

/* ---- checksums of contents ---- */

static uint64_t hash_value(const shoal_vector *v, uint32_t row)
{
    if (shoal_vector_is_null(v, row)) return 0x6E756C6Cull;
    shoal_physical p = shoal_type_physical(v->type);
    uint64_t h = 1469598103934665603ull;
    const uint8_t *bytes;
    size_t n;
    if (p == SHOAL_PHYS_STRING) {
        shoal_string s = ((const shoal_string *)v->data)[row];
        bytes = (const uint8_t *)s.ptr;
        n = s.len;
        h ^= n;
    } else {
        n = shoal_physical_size(p);
        bytes = (const uint8_t *)v->data + (size_t)row * n;
    }
    for (size_t i = 0; i < n; i++) h = (h ^ bytes[i]) * 1099511628211ull;
    return h;
}

static void hash_batch(const shoal_batch *b, uint64_t *acc)
{
    for (uint32_t r = 0; r < b->count; r++) {
        uint64_t h = 0;
        for (int c = 0; c < b->column_count; c++) h = mix(h ^ hash_value(&b->columns[c], r)) + (uint64_t)c;
        *acc = mix(*acc ^ h) + 1;
    }
}

/* The checksum of loads generated by gen_batch, in order. */
typedef struct load_spec {
    uint64_t first, count, seed;
} load_spec;

/* Folds one load's rows into a running checksum. */
static void checksum_load(const load_spec *load, uint64_t *acc)
{
    shoal_batch b;
    new_batch(&b);
    for (uint64_t done = 0; done < load->count; done += 1000) {
        uint32_t n = load->count - done < 1000 ? (uint32_t)(load->count - done) : 1000;
        gen_batch(&b, load->first + done, n, load->seed);
        hash_batch(&b, acc);
    }
    shoal_batch_free(&b);
}

static uint64_t expected_checksum(const load_spec *loads, int nloads)
{
    uint64_t acc = 0;
    for (int l = 0; l < nloads; l++) checksum_load(&loads[l], &acc);
    return acc;
}

/* Scans every column; returns false on a scan error. */
static bool scan_checksum(shoal_table_store *store, uint64_t *checksum, uint64_t *rows)
{
    shoal_error err;
    shoal_table_scan *s = shoal_table_scan_open(store, NULL, 0, NULL, 0, &err);
    if (s == NULL) {
        fprintf(stderr, "scan open: %s\n", err.message);
        return false;
    }
    shoal_batch b;
    shoal_table_scan_init_batch(s, &b);
    uint64_t acc = 0, n = 0;
    int rc;
    while ((rc = shoal_table_scan_next(s, &b, &err)) == SHOAL_SCAN_ROWS) {
        hash_batch(&b, &acc);
        n += b.count;
    }
    shoal_batch_free(&b);
    shoal_table_scan_close(s);
    *checksum = acc;
    *rows = n;
    return rc == SHOAL_SCAN_END;
}

static shoal_table_store *open_store(const char *rank_dir, uint32_t rows_per_block, uint64_t committed_version)
{
    shoal_store_options opt = {.create = true, .rows_per_block = rows_per_block, .committed_version = committed_version};
    shoal_error err;
    shoal_table_store *s = shoal_table_store_open(rank_dir, TABLE_ID, columns, NCOLS, &opt, &err);
    if (s == NULL) fprintf(stderr, "open: %s\n", err.message);
    return s;
}

static bool load(shoal_table_store *store, bool replace, uint64_t first, uint64_t count, uint64_t seed)
{
    shoal_error err;
    shoal_appender *a = replace ? shoal_table_replace_begin(store, 0, &err) : shoal_table_append_begin(store, 0, &err);
    if (a == NULL) return false;
    bool ok = add_rows(a, first, count, seed, &err) && shoal_appender_prepare(a, &err) && shoal_appender_commit(a, &err);
    if (!ok) fprintf(stderr, "load: %s\n", err.message);
    shoal_appender_free(a);
    return ok;
}

/* Files in the table directory that the committed manifest does not account for. */
static int garbage_files(shoal_table_store *store)
{
    const shoal_manifest *m = shoal_table_store_manifest(store);
    DIR *d = opendir(shoal_table_store_dir(store));
    if (d == NULL) return 1000;
    int garbage = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "manifest") == 0) continue;
        int c;
        uint64_t v;
        if (!shoal_column_file_parse(e->d_name, &c, &v) || !shoal_manifest_references(m, c, v)) {
            fprintf(stderr, "garbage: %s\n", e->d_name);
            garbage++;
        }
    }
    closedir(d);
    return garbage;
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void copy_tree(const char *src, const char *dst)
{
    mkdir(dst, 0755);
    DIR *d = opendir(src);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *s = shoal_path_join(src, e->d_name), *t = shoal_path_join(dst, e->d_name);
        struct stat st;
        stat(s, &st);
        if (S_ISDIR(st.st_mode)) {
            copy_tree(s, t);
        } else {
            uint8_t *data;
            size_t len;
            shoal_error err;
            if (shoal_io_read_file(s, &data, &len, &err)) {
                int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (fd >= 0) {
                    if (write(fd, data, len) != (ssize_t)len) perror("write");
                    close(fd);
                }
                free(data);
            }
        }
        free(s);
        free(t);
    }
    closedir(d);
}

static int suite_init(void)
{
    init_columns();
    shoal_storage_fault_reset();
    return 0;
}

/* ---- loads and scans ---- */

static void test_append_and_scan_every_value(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 0);
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 0);
    uint64_t sum, rows;
    CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
    CU_ASSERT_EQUAL(rows, 0);
    CU_ASSERT_TRUE(load(store, false, 0, 5000, 1));
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 1);
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 5000);

    /* every value, batch by batch, against the generator */
    shoal_error err;
    shoal_table_scan *s = shoal_table_scan_open(store, NULL, 0, NULL, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    shoal_batch got, want;
    shoal_table_scan_init_batch(s, &got);
    new_batch(&want);
    uint64_t next = 0;
    int bad = 0, batches = 0;
    while (shoal_table_scan_next(s, &got, &err) == SHOAL_SCAN_ROWS) {
        batches++;
        if (got.count > SHOAL_BATCH_ROWS || got.count == 0) bad++;
        gen_batch(&want, next, got.count, 1);
        for (uint32_t r = 0; r < got.count; r++)
            for (int c = 0; c < NCOLS; c++) bad += hash_value(&got.columns[c], r) != hash_value(&want.columns[c], r);
        next += got.count;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(next, 5000);
    CU_ASSERT_EQUAL(batches, 5); /* 1000-row groups: one batch each */
    const shoal_scan_stats *st = shoal_table_scan_stats(s);
    CU_ASSERT_EQUAL(st->groups_read, 5);
    CU_ASSERT_EQUAL(st->blocks_read, 5 * NCOLS);
    CU_ASSERT_EQUAL(st->groups_skipped, 0);
    CU_ASSERT_EQUAL(st->rows, 5000);
    shoal_table_scan_close(s);
    shoal_batch_free(&got);
    shoal_batch_free(&want);

    /* a projection, in another order */
    int proj[2] = {7, 0};
    s = shoal_table_scan_open(store, proj, 2, NULL, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    shoal_table_scan_init_batch(s, &got);
    next = 0;
    while (shoal_table_scan_next(s, &got, &err) == SHOAL_SCAN_ROWS) {
        for (uint32_t r = 0; r < got.count; r++) {
            bad += shoal_vector_get_i64(&got.columns[1], r) != (int64_t)(next + r);
            shoal_string t = ((shoal_string *)got.columns[0].data)[r];
            char prefix[32];
            int n = snprintf(prefix, sizeof prefix, "row %llu ", (unsigned long long)(next + r));
            bad += t.len < (uint32_t)n || memcmp(t.ptr, prefix, (size_t)n) != 0;
        }
        next += got.count;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(next, 5000);
    shoal_table_scan_close(s);
    shoal_batch_free(&got);

    /* no columns at all: row counts only */
    s = shoal_table_scan_open(store, proj, 0, NULL, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    shoal_table_scan_init_batch(s, &got);
    next = 0;
    while (shoal_table_scan_next(s, &got, &err) == SHOAL_SCAN_ROWS) next += got.count;
    CU_ASSERT_EQUAL(next, 5000);
    shoal_table_scan_close(s);
    shoal_batch_free(&got);

    /* the ENCODE requests were honoured */
    shoal_column_storage_stats cs[NCOLS];
    shoal_table_storage_stats ts;
    CU_ASSERT_TRUE(shoal_table_store_stats(store, &ts, cs, &err));
    CU_ASSERT_EQUAL(ts.rows, 5000);
    CU_ASSERT_EQUAL(ts.row_groups, 5);
    CU_ASSERT_EQUAL(ts.file_bytes, ts.data_bytes);
    CU_ASSERT(ts.manifest_bytes > 0);
    CU_ASSERT_EQUAL(cs[4].blocks_by_encoding[SHOAL_ENC_RAW], 5);
    CU_ASSERT_EQUAL(cs[4].blocks_compressed, 0);
    CU_ASSERT_EQUAL(cs[2].blocks_by_encoding[SHOAL_ENC_DICT], 5);
    CU_ASSERT_EQUAL(cs[5].blocks_by_encoding[SHOAL_ENC_DELTA], 5);
    CU_ASSERT_EQUAL(cs[6].blocks_by_encoding[SHOAL_ENC_RLE], 4);
    CU_ASSERT_EQUAL(cs[6].blocks_by_encoding[SHOAL_ENC_RAW], 1); /* rows 4000..4999: all NULL */
    CU_ASSERT_EQUAL(cs[7].blocks_compressed, 5);
    CU_ASSERT_EQUAL(cs[1].blocks_by_encoding[SHOAL_ENC_FOR] + cs[1].blocks_by_encoding[SHOAL_ENC_DELTA], 5);
    CU_ASSERT_EQUAL(cs[0].blocks_by_encoding[SHOAL_ENC_DELTA], 5); /* sorted keys */
    CU_ASSERT_EQUAL(cs[2].nulls, 715);                               /* i % 7 == 0 */
    CU_ASSERT_EQUAL(cs[0].zone.min.i64, 0);
    CU_ASSERT_EQUAL(cs[0].zone.max.i64, 4999);

    /* reopened, without column definitions: the same contents */
    uint64_t before = 0, after = 0;
    CU_ASSERT_TRUE(scan_checksum(store, &before, &rows));
    load_spec spec = {0, 5000, 1};
    CU_ASSERT_EQUAL(before, expected_checksum(&spec, 1));
    char *notes = shoal_path_join(shoal_table_store_dir(store), "notes.txt");
    char *stray = shoal_path_join(shoal_table_store_dir(store), "c1-v9.col");
    FILE *f = fopen(notes, "w");
    fclose(f);
    f = fopen(stray, "w");
    fclose(f);
    shoal_table_store_close(store);
    store = shoal_table_store_open(dir, TABLE_ID, NULL, 0, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_EQUAL(shoal_table_store_column_count(store), NCOLS);
    CU_ASSERT_TRUE(shoal_io_exists(notes));  /* not ours: left alone */
    CU_ASSERT_FALSE(shoal_io_exists(stray)); /* ours, unreferenced: swept */
    unlink(notes);
    free(notes);
    free(stray);
    CU_ASSERT_TRUE(scan_checksum(store, &after, &rows));
    CU_ASSERT_EQUAL(after, before);
    CU_ASSERT_EQUAL(rows, 5000);
    CU_ASSERT_EQUAL(garbage_files(store), 0);
    shoal_table_store_close(store);
    test_remove_dir(dir);
    free(dir);
}

static void test_versions_and_loads(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 700, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    shoal_error err;
    CU_ASSERT_TRUE(load(store, false, 0, 1500, 1));
    CU_ASSERT_TRUE(load(store, false, 1500, 10, 2));
    /* an explicit version (the leader's transaction number) */
    shoal_appender *a = shoal_table_append_begin(store, 40, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(shoal_appender_version(a), 40);
    /* one load at a time */
    CU_ASSERT_PTR_NULL(shoal_table_append_begin(store, 0, &err));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_OBJECT_IN_USE);
    CU_ASSERT_TRUE(add_rows(a, 1510, 2000, 3, &err));
    CU_ASSERT_EQUAL(shoal_appender_rows(a), 2000);
    CU_ASSERT_FALSE(shoal_appender_commit(a, &err)); /* not prepared */
    CU_ASSERT_TRUE(shoal_appender_prepare(a, &err));
    CU_ASSERT_FALSE(shoal_appender_add_batch(a, NULL, &err)); /* refused before looking at it */
    CU_ASSERT_TRUE(shoal_appender_commit(a, &err));
    CU_ASSERT_TRUE(shoal_appender_committed(a));
    CU_ASSERT_FALSE(shoal_appender_abort(a, &err));
    shoal_appender_free(a);
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 40);
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 3510);
    /* versions must go up */
    CU_ASSERT_PTR_NULL(shoal_table_append_begin(store, 40, &err));
    CU_ASSERT_PTR_NULL(shoal_table_append_begin(store, 12, &err));
    /* three loads: three files per column; groups of 700 within each load */
    CU_ASSERT_EQUAL(count_files(shoal_table_store_dir(store)), 1 + 3 * NCOLS);
    const shoal_manifest *m = shoal_table_store_manifest(store);
    CU_ASSERT_EQUAL(m->group_count, 3 + 1 + 3);
    CU_ASSERT_EQUAL(m->group_rows[0], 700);
    CU_ASSERT_EQUAL(m->group_rows[2], 100);
    CU_ASSERT_EQUAL(m->group_rows[3], 10);
    /* row alignment: every column's block of a group has the group's rows */
    int misaligned = 0;
    for (uint32_t g = 0; g < m->group_count; g++)
        for (int c = 0; c < NCOLS; c++) misaligned += shoal_manifest_chunk(m, g, c)->zone.rows != m->group_rows[g];
    CU_ASSERT_EQUAL(misaligned, 0);
    uint64_t sum, rows;
    CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
    load_spec specs[3] = {{0, 1500, 1}, {1500, 10, 2}, {1510, 2000, 3}};
    CU_ASSERT_EQUAL(sum, expected_checksum(specs, 3));
    CU_ASSERT_EQUAL(rows, 3510);
    /* an empty load commits a version with no new rows and no new files */
    CU_ASSERT_TRUE(load(store, false, 0, 0, 9));
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 41);
    CU_ASSERT_EQUAL(count_files(shoal_table_store_dir(store)), 1 + 3 * NCOLS);
    shoal_table_store_close(store);
    test_remove_dir(dir);
    free(dir);
}

static void test_abort_removes_everything(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 500, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    shoal_error err;
    CU_ASSERT_TRUE(load(store, false, 0, 800, 1));
    int files = count_files(shoal_table_store_dir(store));
    for (int variant = 0; variant < 3; variant++) {
        shoal_appender *a = shoal_table_append_begin(store, 0, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_TRUE(add_rows(a, 800, 1700, 2, &err));
        if (variant >= 1) CU_ASSERT_TRUE(shoal_appender_prepare(a, &err));
        CU_ASSERT(count_files(shoal_table_store_dir(store)) > files);
        if (variant < 2) CU_ASSERT_TRUE(shoal_appender_abort(a, &err));
        shoal_appender_free(a); /* variant 2: free aborts */
        CU_ASSERT_EQUAL(count_files(shoal_table_store_dir(store)), files);
        CU_ASSERT_EQUAL(shoal_table_store_rows(store), 800);
        CU_ASSERT_EQUAL(shoal_table_store_version(store), 1);
    }
    uint64_t sum, rows;
    CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
    load_spec spec = {0, 800, 1};
    CU_ASSERT_EQUAL(sum, expected_checksum(&spec, 1));
    shoal_table_store_close(store);
    test_remove_dir(dir);
    free(dir);
}

/* Selection vectors are honoured; long strings close row groups early, still row-aligned. */
static void test_selection_and_byte_limit(void)
{
    char *dir = test_make_dir();
    shoal_store_options opt = {.create = true, .rows_per_block = 100000, .max_block_bytes = 20000};
    shoal_error err;
    shoal_table_store *store = shoal_table_store_open(dir, TABLE_ID, columns, NCOLS, &opt, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    shoal_appender *a = shoal_table_append_begin(store, 0, &err);
    shoal_batch b;
    new_batch(&b);
    uint64_t expect = 0;
    shoal_batch want;
    new_batch(&want);
    for (int k = 0; k < 5; k++) {
        gen_batch(&b, (uint64_t)k * 2000, 2000, 1);
        uint32_t *sel = shoal_batch_select_all(&b);
        uint32_t n = 0;
        for (uint32_t r = 0; r < b.count; r++)
            if (r % 3 == 0) sel[n++] = r;
        b.sel_count = n;
        CU_ASSERT_TRUE(shoal_appender_add_batch(a, &b, &err));
        /* the checksum of the selected rows, in order */
        for (uint32_t r = 0; r < b.count; r += 3) {
            gen_batch(&want, (uint64_t)k * 2000 + r, 1, 1);
            hash_batch(&want, &expect);
        }
    }
    CU_ASSERT_TRUE(shoal_appender_prepare(a, &err) && shoal_appender_commit(a, &err));
    shoal_appender_free(a);
    shoal_batch_free(&b);
    shoal_batch_free(&want);
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 3335); /* 667 of each 2000 */
    const shoal_manifest *m = shoal_table_store_manifest(store);
    CU_ASSERT(m->group_count > 3); /* ~26 bytes a row of text: 20000 bytes close a group */
    int over = 0;
    for (uint32_t g = 0; g < m->group_count; g++) over += shoal_manifest_chunk(m, g, 7)->plain_bytes - 4 * m->group_rows[g] > 20000;
    CU_ASSERT_EQUAL(over, 0);
    uint64_t sum, rows;
    CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
    CU_ASSERT_EQUAL(sum, expect);
    /* a batch shaped differently is refused */
    shoal_type one = shoal_type_make(SHOAL_TYPE_INTEGER);
    shoal_batch bad;
    shoal_batch_init(&bad, 1, &one, 16);
    a = shoal_table_append_begin(store, 0, &err);
    CU_ASSERT_FALSE(shoal_appender_add_batch(a, &bad, &err));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_DATATYPE_MISMATCH);
    shoal_appender_free(a);
    shoal_batch_free(&bad);
    shoal_table_store_close(store);
    /* so is a reopen with other types */
    shoal_column_def other[NCOLS];
    memcpy(other, columns, sizeof other);
    other[1].type = shoal_type_make(SHOAL_TYPE_INTEGER);
    CU_ASSERT_PTR_NULL(shoal_table_store_open(dir, TABLE_ID, other, NCOLS, &opt, &err));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_DATATYPE_MISMATCH);
    CU_ASSERT_PTR_NULL(shoal_table_store_open(dir, TABLE_ID, columns, NCOLS - 1, &opt, &err));
    test_remove_dir(dir);
    free(dir);
}

/* Opens of one table share a store: a scan opened during a load sees the committed state and
 * does not sweep the load's files away. */
static void test_shared_opens(void)
{
    char *dir = test_make_dir();
    shoal_table_store *a = open_store(dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_TRUE(load(a, false, 0, 1000, 1));
    shoal_error err;
    shoal_appender *ap = shoal_table_append_begin(a, 0, &err);
    CU_ASSERT_TRUE(add_rows(ap, 1000, 2500, 2, &err));
    int files = count_files(shoal_table_store_dir(a));
    CU_ASSERT_EQUAL(files, 1 + 2 * NCOLS);
    char rel[4096];
    snprintf(rel, sizeof rel, "%s/.", dir); /* another spelling of the same directory */
    shoal_table_store *b = shoal_table_store_open(rel, TABLE_ID, NULL, 0, NULL, &err);
    CU_ASSERT_PTR_EQUAL_FATAL(b, a);
    CU_ASSERT_EQUAL(count_files(shoal_table_store_dir(a)), files); /* no sweep */
    uint64_t sum, rows;
    CU_ASSERT_TRUE(scan_checksum(b, &sum, &rows));
    CU_ASSERT_EQUAL(rows, 1000);
    CU_ASSERT_PTR_NULL(shoal_table_append_begin(b, 0, &err));
    CU_ASSERT_FALSE(shoal_table_drop(dir, TABLE_ID, &err));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_OBJECT_IN_USE);
    CU_ASSERT_TRUE(shoal_appender_prepare(ap, &err) && shoal_appender_commit(ap, &err));
    shoal_appender_free(ap);
    CU_ASSERT_EQUAL(shoal_table_store_rows(b), 3500);
    shoal_table_store_close(b);
    CU_ASSERT_TRUE(scan_checksum(a, &sum, &rows)); /* a is still open */
    load_spec specs[2] = {{0, 1000, 1}, {1000, 2500, 2}};
    CU_ASSERT_EQUAL(sum, expected_checksum(specs, 2));
    shoal_table_store_close(a);
    CU_ASSERT_TRUE(shoal_table_drop(dir, TABLE_ID, &err));
    CU_ASSERT_FALSE(shoal_table_exists(dir, TABLE_ID));
    test_remove_dir(dir);
    free(dir);
}

/* ---- pruning ---- */

static bool eval_pred(const shoal_vector *v, uint32_t r, const shoal_zone_pred *p)
{
    bool null = shoal_vector_is_null(v, r);
    if (p->op == SHOAL_ZONE_IS_NULL) return null;
    if (p->op == SHOAL_ZONE_IS_NOT_NULL) return !null;
    if (null) return false;
    int lo, hi = 0;
    if (shoal_type_physical(v->type) == SHOAL_PHYS_STRING) {
        shoal_string s = ((const shoal_string *)v->data)[r];
        shoal_string cl = p->lo.v.str, ch = p->hi.v.str;
        uint32_t n = s.len < cl.len ? s.len : cl.len;
        int c = n ? memcmp(s.ptr, cl.ptr, n) : 0;
        lo = c ? (c > 0) - (c < 0) : (s.len > cl.len) - (s.len < cl.len);
        if (p->op == SHOAL_ZONE_BETWEEN) {
            n = s.len < ch.len ? s.len : ch.len;
            c = n ? memcmp(s.ptr, ch.ptr, n) : 0;
            hi = c ? (c > 0) - (c < 0) : (s.len > ch.len) - (s.len < ch.len);
        }
    } else {
        int64_t x = shoal_vector_get_i64(v, r);
        lo = (x > p->lo.v.i64) - (x < p->lo.v.i64);
        hi = (x > p->hi.v.i64) - (x < p->hi.v.i64);
    }
    switch (p->op) {
    case SHOAL_ZONE_EQ: return lo == 0;
    case SHOAL_ZONE_NE: return lo != 0;
    case SHOAL_ZONE_LT: return lo < 0;
    case SHOAL_ZONE_LE: return lo <= 0;
    case SHOAL_ZONE_GT: return lo > 0;
    case SHOAL_ZONE_GE: return lo >= 0;
    case SHOAL_ZONE_BETWEEN: return lo >= 0 && hi <= 0;
    default: return true;
    }
}

/* Row ids (column 0) of the rows satisfying preds, via a scan that prunes with them (or not). */
static uint64_t filtered_ids(shoal_table_store *store, const shoal_zone_pred *preds, int npreds, bool prune,
                             uint64_t *count, shoal_scan_stats *stats)
{
    shoal_error err;
    shoal_table_scan *s = shoal_table_scan_open(store, NULL, 0, prune ? preds : NULL, prune ? npreds : 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    shoal_batch b;
    shoal_table_scan_init_batch(s, &b);
    uint64_t acc = 0, n = 0;
    while (shoal_table_scan_next(s, &b, &err) == SHOAL_SCAN_ROWS) {
        for (uint32_t r = 0; r < b.count; r++) {
            bool keep = true;
            for (int p = 0; p < npreds && keep; p++) keep = eval_pred(&b.columns[preds[p].column], r, &preds[p]);
            if (!keep) continue;
            acc = mix(acc ^ (uint64_t)shoal_vector_get_i64(&b.columns[0], r)) + 1;
            n++;
        }
    }
    if (stats) *stats = *shoal_table_scan_stats(s);
    shoal_batch_free(&b);
    shoal_table_scan_close(s);
    *count = n;
    return acc;
}

static void check_pruned_equals_full(shoal_table_store *store, const shoal_zone_pred *preds, int npreds,
                                     int64_t expect_groups_read)
{
    uint64_t n1, n2;
    shoal_scan_stats st;
    uint64_t a = filtered_ids(store, preds, npreds, true, &n1, &st);
    uint64_t b = filtered_ids(store, preds, npreds, false, &n2, NULL);
    CU_ASSERT_EQUAL(a, b);
    CU_ASSERT_EQUAL(n1, n2);
    uint32_t groups = shoal_table_store_manifest(store)->group_count;
    CU_ASSERT_EQUAL(st.groups_read + st.groups_skipped, groups);
    CU_ASSERT_EQUAL(st.blocks_read + st.blocks_skipped, (uint64_t)groups * NCOLS);
    if (expect_groups_read >= 0) {
        CU_ASSERT_EQUAL(st.groups_read, (uint64_t)expect_groups_read);
        if (st.groups_read != (uint64_t)expect_groups_read)
            fprintf(stderr, "groups read %llu, expected %lld\n", (unsigned long long)st.groups_read,
                    (long long)expect_groups_read);
    }
}

static void test_zone_map_pruning(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 20000, 5)); /* 20 groups of 1000, sorted on column 0 */

    shoal_zone_pred p[3];
    p[0] = shoal_zone_pred_between(0, shoal_zone_const_i64(4500), shoal_zone_const_i64(6200));
    check_pruned_equals_full(store, p, 1, 3);
    p[0] = shoal_zone_pred_make(0, SHOAL_ZONE_EQ, shoal_zone_const_i64(12345));
    check_pruned_equals_full(store, p, 1, 1);
    p[0] = shoal_zone_pred_make(0, SHOAL_ZONE_LT, shoal_zone_const_i64(1000));
    check_pruned_equals_full(store, p, 1, 1);
    p[0] = shoal_zone_pred_make(0, SHOAL_ZONE_GE, shoal_zone_const_i64(19999));
    check_pruned_equals_full(store, p, 1, 1);
    p[0] = shoal_zone_pred_make(0, SHOAL_ZONE_GT, shoal_zone_const_i64(19999));
    check_pruned_equals_full(store, p, 1, 0);
    p[0] = shoal_zone_pred_make(0, SHOAL_ZONE_NE, shoal_zone_const_i64(5));
    check_pruned_equals_full(store, p, 1, 20);
    /* DATE column (8000 + i/10, sorted too): 100 distinct per group */
    p[0] = shoal_zone_pred_make(5, SHOAL_ZONE_LE, shoal_zone_const_i64(8199));
    check_pruned_equals_full(store, p, 1, 2);
    /* boolean column NULL in groups 4, 9, 14, 19 only */
    p[0] = shoal_zone_pred_null(6, true);
    check_pruned_equals_full(store, p, 1, 4);
    p[0] = shoal_zone_pred_null(6, false);
    check_pruned_equals_full(store, p, 1, 16);
    p[0] = shoal_zone_pred_make(6, SHOAL_ZONE_EQ, shoal_zone_const_i64(1));
    check_pruned_equals_full(store, p, 1, 16);
    /* strings: text "row <i> says ..." is not sorted numerically but prefixes prune some */
    p[0] = shoal_zone_pred_make(2, SHOAL_ZONE_EQ, shoal_zone_const_str("TRUCK", 5));
    check_pruned_equals_full(store, p, 1, 20);
    p[0] = shoal_zone_pred_make(2, SHOAL_ZONE_GT, shoal_zone_const_str("TRUCK", 5));
    check_pruned_equals_full(store, p, 1, 0);
    p[0] = shoal_zone_pred_make(7, SHOAL_ZONE_LT, shoal_zone_const_str("row 1", 5));
    check_pruned_equals_full(store, p, 1, 1); /* only group 0 holds "row 0" */
    /* AND of predicates: intersection */
    p[0] = shoal_zone_pred_between(0, shoal_zone_const_i64(3000), shoal_zone_const_i64(9999));
    p[1] = shoal_zone_pred_null(6, true);
    check_pruned_equals_full(store, p, 2, 2);
    p[2] = shoal_zone_pred_make(5, SHOAL_ZONE_GT, shoal_zone_const_i64(9000));
    check_pruned_equals_full(store, p, 3, 0);

    /* random predicates */
    uint64_t rng = 77;
    for (int iter = 0; iter < 60; iter++) {
        int col = (int[]){0, 5, 6, 2}[iter % 4];
        int op = SHOAL_ZONE_EQ + (int)(test_rand(&rng) % 9);
        if (col == 2) {
            const char *c = names[test_rand(&rng) % 5];
            p[0] = shoal_zone_pred_make(col, (shoal_zone_op)op, shoal_zone_const_str(c, (uint32_t)strlen(c)));
            p[0].hi = shoal_zone_const_str("SHIP", 4);
        } else {
            int64_t span = col == 0 ? 21000 : col == 5 ? 2100 : 2;
            int64_t base = col == 5 ? 8000 : 0;
            p[0] = shoal_zone_pred_make(col, (shoal_zone_op)op, shoal_zone_const_i64(base + (int64_t)(test_rand(&rng) % (uint64_t)span)));
            p[0].hi = shoal_zone_const_i64(base + (int64_t)(test_rand(&rng) % (uint64_t)span));
        }
        check_pruned_equals_full(store, p, 1, -1);
    }
    /* bad predicates are refused */
    shoal_error err;
    p[0] = shoal_zone_pred_make(NCOLS, SHOAL_ZONE_EQ, shoal_zone_const_i64(1));
    CU_ASSERT_PTR_NULL(shoal_table_scan_open(store, NULL, 0, p, 1, &err));
    int badcol = 99;
    CU_ASSERT_PTR_NULL(shoal_table_scan_open(store, &badcol, 1, NULL, 0, &err));
    shoal_table_store_close(store);
    test_remove_dir(dir);
    free(dir);
}

/* ---- snapshots, replace, truncate ---- */

static void test_snapshot_and_replace(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 3000, 1));
    shoal_error err;
    shoal_table_scan *old = shoal_table_scan_open(store, NULL, 0, NULL, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(old);
    CU_ASSERT_TRUE(load(store, false, 3000, 500, 2));
    /* replace: the old files go away once the new version is committed */
    CU_ASSERT_TRUE(load(store, true, 100, 1200, 3));
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 1200);
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 3);
    CU_ASSERT_EQUAL(count_files(shoal_table_store_dir(store)), 1 + NCOLS);
    CU_ASSERT_EQUAL(garbage_files(store), 0);
    /* the scan opened before both commits still reads its snapshot */
    shoal_batch b;
    shoal_table_scan_init_batch(old, &b);
    uint64_t acc = 0, rows = 0;
    while (shoal_table_scan_next(old, &b, &err) == SHOAL_SCAN_ROWS) {
        hash_batch(&b, &acc);
        rows += b.count;
    }
    load_spec spec = {0, 3000, 1};
    CU_ASSERT_EQUAL(rows, 3000);
    CU_ASSERT_EQUAL(acc, expected_checksum(&spec, 1));
    shoal_batch_free(&b);
    shoal_table_scan_close(old);
    uint64_t sum;
    CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
    load_spec spec3 = {100, 1200, 3};
    CU_ASSERT_EQUAL(sum, expected_checksum(&spec3, 1));
    /* truncate */
    CU_ASSERT_TRUE(shoal_table_truncate(store, 0, &err));
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 0);
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 4);
    CU_ASSERT_EQUAL(count_files(shoal_table_store_dir(store)), 1);
    CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
    CU_ASSERT_EQUAL(rows, 0);
    shoal_table_store_close(store);
    store = open_store(dir, 1000, 0);
    CU_ASSERT_EQUAL(shoal_table_store_version(store), 4);
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), 0);
    shoal_table_store_close(store);
    test_remove_dir(dir);
    free(dir);
}

/* ---- recovery with injected faults ---- */

typedef struct attempt {
    bool prepared, committed;
    long ops;
} attempt;

/* Opens the store in rank_dir, runs a load (append or replace of rows B) with the Nth mutating
 * call failing (0: none), and drops everything in memory as a crashed process would. */
static attempt attempt_load(const char *rank_dir, bool replace, long fail_at)
{
    attempt r = {false, false, 0};
    shoal_table_store *store = open_store(rank_dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    if (fail_at > 0) shoal_storage_fault_fail_at(fail_at);
    else shoal_storage_fault_reset();
    shoal_error err;
    shoal_appender *a = replace ? shoal_table_replace_begin(store, 0, &err) : shoal_table_append_begin(store, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    if (add_rows(a, 2500, 2300, 2, &err) && shoal_appender_prepare(a, &err)) {
        r.prepared = true;
        shoal_appender_commit(a, &err);
    }
    r.committed = shoal_appender_committed(a);
    shoal_appender_free(a);
    shoal_table_store_close(store);
    r.ops = shoal_storage_fault_ops();
    if (fail_at > 0) CU_ASSERT_TRUE(shoal_storage_fault_tripped() || fail_at > r.ops);
    shoal_storage_fault_reset();
    return r;
}

static void check_state(const char *rank_dir, uint64_t committed_version, uint64_t want_sum, uint64_t want_rows,
                        const char *what, long n)
{
    shoal_table_store *store = open_store(rank_dir, 1000, committed_version);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    uint64_t sum = 0, rows = 0;
    bool ok = scan_checksum(store, &sum, &rows);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(rows, want_rows);
    CU_ASSERT_EQUAL(sum, want_sum);
    CU_ASSERT_EQUAL(shoal_table_store_rows(store), want_rows);
    int garbage = garbage_files(store);
    CU_ASSERT_EQUAL(garbage, 0);
    char *prepared = shoal_path_join(shoal_table_store_dir(store), SHOAL_MANIFEST_PREPARED_FILE);
    CU_ASSERT_FALSE(shoal_io_exists(prepared));
    free(prepared);
    if (!ok || rows != want_rows || sum != want_sum || garbage)
        fprintf(stderr, "%s: failure at mutating call %ld: %llu rows, expected %llu\n", what, n,
                (unsigned long long)rows, (unsigned long long)want_rows);
    shoal_table_store_close(store);
}

static void fault_every_call(bool replace)
{
    char *base = test_make_dir();
    char *templ = shoal_path_join(base, "template");
    char *work = shoal_path_join(base, "work");
    /* state A: rows 0..2499 committed as version 1 */
    shoal_table_store *store = open_store(templ, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 2500, 1));
    shoal_table_store_close(store);
    load_spec a = {0, 2500, 1}, b = {2500, 2300, 2};
    load_spec ab[2] = {a, b};
    uint64_t sum_a = expected_checksum(&a, 1), rows_a = 2500;
    uint64_t sum_new = replace ? expected_checksum(&b, 1) : expected_checksum(ab, 2);
    uint64_t rows_new = replace ? 2300 : 4800;

    /* how many mutating calls a clean run makes */
    copy_tree(templ, work);
    attempt clean = attempt_load(work, replace, 0);
    CU_ASSERT_TRUE(clean.committed);
    check_state(work, 0, sum_new, rows_new, "clean run", 0);
    test_remove_dir(work);
    CU_ASSERT(clean.ops > 3 * NCOLS);

    int rolled_back = 0, rolled_forward = 0, committed = 0;
    for (long n = 1; n <= clean.ops; n++) {
        /* restart without the leader's word: the last switched manifest wins */
        copy_tree(templ, work);
        attempt r = attempt_load(work, replace, n);
        CU_ASSERT_FALSE(r.committed && !r.prepared);
        if (r.committed) {
            committed++;
            check_state(work, 0, sum_new, rows_new, replace ? "replace" : "append", n);
        } else {
            rolled_back++;
            check_state(work, 0, sum_a, rows_a, replace ? "replace" : "append", n);
        }
        test_remove_dir(work);
        /* Restart after the leader recorded the commit of version 2 (it does so only when every
         * rank's prepare succeeded): a prepared rank rolls forward. */
        if (!r.prepared) continue;
        copy_tree(templ, work);
        r = attempt_load(work, replace, n);
        CU_ASSERT_TRUE(r.prepared);
        rolled_forward += !r.committed;
        check_state(work, 2, sum_new, rows_new, "roll forward", n);
        test_remove_dir(work);
    }
    /* failures hit every phase: before prepare, between prepare and rename, after the rename */
    CU_ASSERT(rolled_back > 3 * NCOLS);
    CU_ASSERT(rolled_forward >= 1);
    CU_ASSERT(committed >= 1);
    test_remove_dir(base);
    free(templ);
    free(work);
    free(base);
}

static void test_fault_injection_append(void) { fault_every_call(false); }
static void test_fault_injection_replace(void) { fault_every_call(true); }

/* A prepared manifest with no word from the leader is rolled back; a committed_version of
 * another version does not roll it forward either. */
static void test_prepared_without_commit(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 1000, 1));
    shoal_error err;
    shoal_appender *a = shoal_table_append_begin(store, 5, &err);
    CU_ASSERT_TRUE(add_rows(a, 1000, 1000, 2, &err));
    CU_ASSERT_TRUE(shoal_appender_prepare(a, &err));
    shoal_storage_fault_fail_at(1); /* "crash": the abort in free cannot remove anything */
    shoal_appender_free(a);
    shoal_table_store_close(store);
    shoal_storage_fault_reset();
    char *prepared = shoal_path_join(dir, "table-7/manifest.prepared");
    CU_ASSERT_TRUE(shoal_io_exists(prepared));
    load_spec one = {0, 1000, 1};
    check_state(dir, 4, expected_checksum(&one, 1), 1000, "other version", 0);
    CU_ASSERT_FALSE(shoal_io_exists(prepared));
    free(prepared);
    test_remove_dir(dir);
    free(dir);
}

/* A real crash: a child process loads in a loop and is killed with SIGKILL at a random moment;
 * the table is then exactly one of the committed states, with no garbage after recovery. */
static void test_kill_9_during_loads(void)
{
    enum { LOADS = 60, ROWS = 1000 };
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 500, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 2500, 1));
    shoal_table_store_close(store);
    uint64_t sums[LOADS + 1], acc = 0;
    for (int j = 0; j <= LOADS; j++) {
        load_spec spec = j == 0 ? (load_spec){0, 2500, 1} : (load_spec){2500 + (uint64_t)(j - 1) * ROWS, ROWS, 1 + (uint64_t)j};
        checksum_load(&spec, &acc);
        sums[j] = acc; /* the contents after loads 0..j */
    }
    uint64_t rng = (uint64_t)time(NULL) | 1;
    for (int iter = 0; iter < 10; iter++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            shoal_table_store *s = open_store(dir, 500, 0);
            uint64_t have = s ? shoal_table_store_rows(s) : 0;
            for (int j = 1; s && j <= LOADS; j++) {
                uint64_t first = 2500 + (uint64_t)(j - 1) * ROWS;
                if (first < have) continue; /* committed before an earlier kill */
                if (!load(s, false, first, ROWS, 1 + (uint64_t)j)) break;
            }
            _exit(0);
        }
        CU_ASSERT_FATAL(pid > 0);
        struct timespec pause = {0, (long)(test_rand(&rng) % 300000000)};
        nanosleep(&pause, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        store = open_store(dir, 500, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(store);
        uint64_t sum, rows;
        CU_ASSERT_TRUE(scan_checksum(store, &sum, &rows));
        CU_ASSERT_TRUE(rows >= 2500 && (rows - 2500) % ROWS == 0);
        int j = (int)((rows - 2500) / ROWS);
        CU_ASSERT_TRUE_FATAL(j >= 0 && j <= LOADS);
        CU_ASSERT_EQUAL(sum, sums[j]);
        CU_ASSERT_EQUAL(garbage_files(store), 0);
        if (getenv("SHOAL_TEST_VERBOSE")) fprintf(stderr, "kill %d: %d loads committed\n", iter, j);
        shoal_table_store_close(store);
    }
    test_remove_dir(dir);
    free(dir);
}

/* ---- corrupt files ---- */

static void flip_byte(const char *path, long offset)
{
    int fd = open(path, O_RDWR);
    uint8_t x;
    if (pread(fd, &x, 1, offset) == 1) {
        x ^= 0x40;
        if (pwrite(fd, &x, 1, offset) != 1) perror("pwrite");
    }
    close(fd);
}

static void test_corrupt_files(void)
{
    char *dir = test_make_dir();
    shoal_table_store *store = open_store(dir, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 3000, 1));
    char *col = shoal_path_join(shoal_table_store_dir(store), "c3-v1.col");
    const shoal_chunk_ref *k = shoal_manifest_chunk(shoal_table_store_manifest(store), 1, 3);
    flip_byte(col, (long)(k->offset + k->length - 3));
    uint64_t sum, rows;
    CU_ASSERT_FALSE(scan_checksum(store, &sum, &rows));
    shoal_error err;
    int proj = 3;
    shoal_table_scan *s = shoal_table_scan_open(store, &proj, 1, NULL, 0, &err);
    shoal_batch b;
    shoal_table_scan_init_batch(s, &b);
    int rc;
    while ((rc = shoal_table_scan_next(s, &b, &err)) == SHOAL_SCAN_ROWS) {
    }
    CU_ASSERT_EQUAL(rc, SHOAL_SCAN_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "c3-v1.col"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "checksum"));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_DATA_CORRUPTED);
    shoal_batch_free(&b);
    shoal_table_scan_close(s);
    /* a pruned scan that never touches the bad block still works */
    shoal_zone_pred p = shoal_zone_pred_make(0, SHOAL_ZONE_LT, shoal_zone_const_i64(1000));
    s = shoal_table_scan_open(store, NULL, 0, &p, 1, &err);
    shoal_table_scan_init_batch(s, &b);
    while ((rc = shoal_table_scan_next(s, &b, &err)) == SHOAL_SCAN_ROWS) {
    }
    CU_ASSERT_EQUAL(rc, SHOAL_SCAN_END);
    shoal_batch_free(&b);
    shoal_table_scan_close(s);
    /* a truncated column file */
    char *col0 = shoal_path_join(shoal_table_store_dir(store), "c0-v1.col");
    CU_ASSERT_EQUAL(truncate(col0, 10), 0);
    CU_ASSERT_FALSE(scan_checksum(store, &sum, &rows));
    shoal_table_store_close(store);
    /* a corrupt manifest: open fails, naming it, and deletes nothing */
    char *manifest = shoal_path_join(dir, "table-7/manifest");
    flip_byte(manifest, 20);
    shoal_store_options opt = {.create = true};
    CU_ASSERT_PTR_NULL(shoal_table_store_open(dir, TABLE_ID, columns, NCOLS, &opt, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "manifest"));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_DATA_CORRUPTED);
    CU_ASSERT_TRUE(shoal_io_exists(col));
    free(col);
    free(col0);
    free(manifest);
    test_remove_dir(dir);
    free(dir);
}

/* ---- drop ---- */

static void test_drop(void)
{
    char *base = test_make_dir();
    char *templ = shoal_path_join(base, "template");
    char *work = shoal_path_join(base, "work");
    shoal_table_store *store = open_store(templ, 1000, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(store);
    CU_ASSERT_TRUE(load(store, false, 0, 2500, 1));
    shoal_table_store_close(store);
    load_spec a = {0, 2500, 1};
    uint64_t sum_a = expected_checksum(&a, 1);
    shoal_error err;

    copy_tree(templ, work);
    CU_ASSERT_TRUE(shoal_table_exists(work, TABLE_ID));
    shoal_storage_fault_reset();
    CU_ASSERT_TRUE(shoal_table_drop(work, TABLE_ID, &err));
    long ops = shoal_storage_fault_ops();
    CU_ASSERT_FALSE(shoal_table_exists(work, TABLE_ID));
    CU_ASSERT_EQUAL(count_files(work), 0);
    CU_ASSERT_PTR_NULL(shoal_table_store_open(work, TABLE_ID, NULL, 0, NULL, &err));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, SHOAL_SQLSTATE_UNDEFINED_TABLE);
    CU_ASSERT_TRUE(shoal_table_drop(work, TABLE_ID, &err)); /* dropping a missing table is fine */
    test_remove_dir(work);

    int gone = 0, kept = 0;
    for (long n = 1; n <= ops; n++) {
        copy_tree(templ, work);
        shoal_storage_fault_fail_at(n);
        CU_ASSERT_FALSE(shoal_table_drop(work, TABLE_ID, &err));
        shoal_storage_fault_reset();
        CU_ASSERT_TRUE(shoal_storage_recover_rank(work, &err));
        if (shoal_table_exists(work, TABLE_ID)) {
            kept++;
            check_state(work, 0, sum_a, 2500, "drop", n);
        } else {
            gone++;
        }
        CU_ASSERT_EQUAL(count_files(work), shoal_table_exists(work, TABLE_ID) ? 1 : 0);
        test_remove_dir(work);
    }
    CU_ASSERT_EQUAL(kept, 1); /* only a failed rename keeps the table */
    CU_ASSERT_EQUAL(gone, ops - 1);
    test_remove_dir(base);
    free(templ);
    free(work);
    free(base);
}

void register_table_store_tests(void)
{
    CU_pSuite s = CU_add_suite("table_store", suite_init, NULL);
    CU_add_test(s, "append, scan every value, projection, reopen", test_append_and_scan_every_value);
    CU_add_test(s, "versions and several loads", test_versions_and_loads);
    CU_add_test(s, "abort removes everything", test_abort_removes_everything);
    CU_add_test(s, "selection vectors, byte limit, type checks", test_selection_and_byte_limit);
    CU_add_test(s, "opens of one table share a store", test_shared_opens);
    CU_add_test(s, "zone-map pruning = full scan + filter", test_zone_map_pruning);
    CU_add_test(s, "snapshots, replace, truncate", test_snapshot_and_replace);
    CU_add_test(s, "fault at every call of an append", test_fault_injection_append);
    CU_add_test(s, "fault at every call of a replace", test_fault_injection_replace);
    CU_add_test(s, "prepared but never committed", test_prepared_without_commit);
    CU_add_test(s, "kill -9 during loads", test_kill_9_during_loads);
    CU_add_test(s, "corrupt files", test_corrupt_files);
    CU_add_test(s, "drop, and a fault at every call of it", test_drop);
}
