/* Catalog unit tests (CUnit, no MPI): the HyperLogLog sketch's accuracy and merging, column
 * statistics (ranges of every kind, cut strings, the wire form), and the catalog file (stats
 * survive a save and reopen; a format-1 catalog, written before statistics, still opens). */
#include "engine/catalog/catalog.h"
#include "engine/catalog/column_stats.h"
#include "engine/exec/kernels.h"
#include "runtime/serialize.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the sketch ---- */

static double estimate_of_range(uint64_t first, uint64_t count, int repeats)
{
    uint8_t *reg = calloc(SHOAL_HLL_REGISTERS, 1);
    for (int r = 0; r < repeats; r++)
        for (uint64_t i = first; i < first + count; i++) shoal_hll_add(reg, shoal_hash_u64(i));
    double e = shoal_hll_estimate(reg);
    free(reg);
    return e;
}

static void check_relative_error(uint64_t n, double limit)
{
    double e = estimate_of_range(1, n, 1);
    double err = fabs(e - (double)n) / (double)n;
    if (err > limit) fprintf(stderr, "\n  n=%llu estimate %.1f error %.2f%%\n", (unsigned long long)n, e, err * 100);
    CU_ASSERT(err <= limit);
}

static void test_hll_empty_and_small(void)
{
    uint8_t *reg = calloc(SHOAL_HLL_REGISTERS, 1);
    CU_ASSERT_EQUAL(shoal_hll_estimate(reg), 0.0);
    shoal_hll_add(reg, shoal_hash_u64(42));
    CU_ASSERT(fabs(shoal_hll_estimate(reg) - 1.0) < 0.01);
    free(reg);
    /* small sets are close to exact (collisions in 16384 registers are rare) */
    CU_ASSERT_EQUAL(llround(estimate_of_range(0, 25, 1)), 25);
    CU_ASSERT_EQUAL(llround(estimate_of_range(0, 5, 1)), 5);
    CU_ASSERT(fabs(estimate_of_range(1, 1000, 1) - 1000) <= 10);
}

static void test_hll_accuracy(void)
{
    /* relative standard error 1.04 / sqrt(16384) = 0.8%: allow 3% (~4 sigma) */
    check_relative_error(15000, 0.03);
    check_relative_error(100000, 0.03);
    check_relative_error(1000000, 0.03);
    check_relative_error(10000000, 0.03);
    /* many independent sets of 1e5: the errors average out near 0 (no bias) */
    double sum = 0;
    for (int k = 0; k < 20; k++) sum += estimate_of_range((uint64_t)k * 10000000, 100000, 1) / 100000.0 - 1.0;
    CU_ASSERT(fabs(sum / 20) < 0.005);
}

static void test_hll_duplicates_and_merge(void)
{
    /* adding every value three times changes nothing */
    CU_ASSERT_EQUAL(estimate_of_range(7, 50000, 1), estimate_of_range(7, 50000, 3));
    /* two halves merged give the registers of the whole (so the same estimate) */
    uint8_t *a = calloc(SHOAL_HLL_REGISTERS, 1), *b = calloc(SHOAL_HLL_REGISTERS, 1), *all = calloc(SHOAL_HLL_REGISTERS, 1);
    for (uint64_t i = 0; i < 200000; i++) {
        shoal_hll_add(i % 2 ? a : b, shoal_hash_u64(i));
        shoal_hll_add(all, shoal_hash_u64(i));
    }
    shoal_hll_merge(a, b);
    CU_ASSERT(memcmp(a, all, SHOAL_HLL_REGISTERS) == 0);
    /* overlapping sets: the estimate is of the union */
    memset(b, 0, SHOAL_HLL_REGISTERS);
    for (uint64_t i = 100000; i < 300000; i++) shoal_hll_add(b, shoal_hash_u64(i));
    shoal_hll_merge(a, b);
    CU_ASSERT(fabs(shoal_hll_estimate(a) / 300000.0 - 1.0) < 0.03);
    free(a);
    free(b);
    free(all);
}

static void test_hll_strings(void)
{
    /* the exec string hash, as loads use it: 100000 distinct strings */
    uint8_t *reg = calloc(SHOAL_HLL_REGISTERS, 1);
    char buf[32];
    for (int i = 0; i < 100000; i++) {
        int len = snprintf(buf, sizeof buf, "Customer#%09d", i);
        shoal_hll_add(reg, shoal_hash_bytes(buf, (size_t)len));
    }
    CU_ASSERT(fabs(shoal_hll_estimate(reg) / 100000.0 - 1.0) < 0.03);
    free(reg);
}

/* ---- stats ---- */

static void test_stats_merge_ranges(void)
{
    shoal_column_stats a, b;
    shoal_column_stats_init(&a, shoal_type_make(SHOAL_TYPE_INTEGER));
    shoal_column_stats_init(&b, shoal_type_make(SHOAL_TYPE_INTEGER));
    CU_ASSERT_EQUAL(a.kind, SHOAL_STATS_INT);
    a.rows = 10;
    a.null_count = 2;
    b.rows = 5;
    b.has_range = true;
    b.min.i64 = -3;
    b.max.i64 = 7;
    shoal_column_stats_merge(&a, &b); /* a had no range (all NULL so far) */
    CU_ASSERT(a.has_range);
    CU_ASSERT_EQUAL(a.min.i64, -3);
    CU_ASSERT_EQUAL(a.max.i64, 7);
    CU_ASSERT_EQUAL(a.rows, 15);
    CU_ASSERT_EQUAL(a.null_count, 2);
    b.min.i64 = 0;
    b.max.i64 = 100;
    shoal_column_stats_merge(&a, &b);
    CU_ASSERT_EQUAL(a.min.i64, -3);
    CU_ASSERT_EQUAL(a.max.i64, 100);
    /* finish: the estimate is clamped to the non-NULL rows */
    uint8_t *reg = shoal_column_stats_sketch(&a);
    for (uint64_t i = 0; i < 1000; i++) shoal_hll_add(reg, shoal_hash_u64(i));
    shoal_column_stats_finish(&a);
    CU_ASSERT_EQUAL(a.distinct_estimate, a.rows - a.null_count);
    shoal_column_stats_free(&a);

    shoal_column_stats d;
    shoal_column_stats_init(&d, shoal_type_make(SHOAL_TYPE_DOUBLE));
    CU_ASSERT_EQUAL(d.kind, SHOAL_STATS_FLOAT);
    shoal_column_stats_init(&d, shoal_type_decimal(38, 2));
    CU_ASSERT_EQUAL(d.kind, SHOAL_STATS_INT128);
    shoal_column_stats_init(&d, shoal_type_decimal(15, 2));
    CU_ASSERT_EQUAL(d.kind, SHOAL_STATS_INT);
    d.has_range = true;
    d.min.i64 = -1234;
    d.max.i64 = 99;
    char buf[64];
    shoal_column_stats_format(&d, shoal_type_decimal(15, 2), false, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "-12.34");
    shoal_column_stats_format(&d, shoal_type_decimal(15, 2), true, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0.99");
    shoal_column_stats_init(&d, shoal_type_make(SHOAL_TYPE_DATE));
    d.has_range = true;
    d.min.i64 = 8035; /* 1992-01-01 */
    shoal_column_stats_format(&d, shoal_type_make(SHOAL_TYPE_DATE), false, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "1992-01-01");
}

static shoal_column_stats string_stats(const char *mn, const char *mx, bool max_cut)
{
    shoal_column_stats s;
    shoal_column_stats_init(&s, shoal_type_string(SHOAL_TYPE_VARCHAR, 100));
    shoal_column_stats_set_string_range(&s, mn, (uint32_t)strlen(mn), false, mx, (uint32_t)strlen(mx), max_cut);
    return s;
}

static void test_stats_strings(void)
{
    shoal_column_stats a = string_stats("b", "m", false), b = string_stats("a", "k", false);
    shoal_column_stats_merge(&a, &b);
    CU_ASSERT_EQUAL(a.min_len, 1);
    CU_ASSERT_EQUAL(a.min_str[0], 'a');
    CU_ASSERT_EQUAL(a.max_str[0], 'm');
    /* long values are cut to 32 bytes; a cut max bounds what follows its prefix */
    char longer[64];
    memset(longer, 'z', 40);
    longer[40] = '\0';
    shoal_column_stats c = string_stats("a", longer, false);
    CU_ASSERT_EQUAL(c.max_len, SHOAL_STATS_STRING_PREFIX);
    CU_ASSERT(c.max_truncated);
    char buf[128];
    shoal_column_stats_format(&c, shoal_type_string(SHOAL_TYPE_VARCHAR, 100), true, buf, sizeof buf);
    CU_ASSERT_EQUAL(strlen(buf), SHOAL_STATS_STRING_PREFIX + 3); /* "zzz...zzz..." */
    /* "abc" (whole) and "ab" (cut: values start with at most "ab" and may go on): the cut one
     * is the bound that covers both */
    shoal_column_stats d = string_stats("a", "abc", false), e = string_stats("a", "ab", true);
    shoal_column_stats_merge(&d, &e);
    CU_ASSERT_EQUAL(d.max_len, 2);
    CU_ASSERT(d.max_truncated);
    shoal_column_stats f = string_stats("a", "ab", true), g = string_stats("a", "abd", false);
    shoal_column_stats_merge(&f, &g); /* "abd" starts with "ab": still the cut "ab" */
    CU_ASSERT_EQUAL(f.max_len, 2);
    CU_ASSERT(f.max_truncated);
    shoal_column_stats h = string_stats("a", "ab", true), k = string_stats("a", "ac", false);
    shoal_column_stats_merge(&h, &k); /* "ac" is above every "ab..." */
    CU_ASSERT_EQUAL(h.max_len, 2);
    CU_ASSERT_EQUAL(h.max_str[1], 'c');
    CU_ASSERT(!h.max_truncated);
}

static bool stats_equal(const shoal_column_stats *a, const shoal_column_stats *b)
{
    if (a->kind != b->kind || a->has_range != b->has_range || a->rows != b->rows || a->null_count != b->null_count ||
        a->distinct_estimate != b->distinct_estimate || a->min_truncated != b->min_truncated ||
        a->max_truncated != b->max_truncated)
        return false;
    if (a->has_range) {
        if (a->kind == SHOAL_STATS_STRING) {
            if (a->min_len != b->min_len || a->max_len != b->max_len || memcmp(a->min_str, b->min_str, a->min_len) ||
                memcmp(a->max_str, b->max_str, a->max_len))
                return false;
        } else if (a->kind == SHOAL_STATS_INT128) {
            if (a->min.i128 != b->min.i128 || a->max.i128 != b->max.i128) return false;
        } else if (memcmp(&a->min, &b->min, 8) || memcmp(&a->max, &b->max, 8)) {
            return false;
        }
    }
    if ((a->hll == NULL) != (b->hll == NULL)) return false;
    return a->hll == NULL || memcmp(a->hll, b->hll, SHOAL_HLL_REGISTERS) == 0;
}

static void round_trip(const shoal_column_stats *s)
{
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_column_stats_write(&w, s);
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    shoal_column_stats back;
    CU_ASSERT(shoal_column_stats_read(&r, &back));
    CU_ASSERT(shoal_reader_done(&r));
    CU_ASSERT(stats_equal(s, &back));
    /* every truncation of the form is refused, never read past */
    for (size_t cut = 0; cut < w.len; cut += (w.len > 200 ? 97 : 1)) {
        shoal_reader_init(&r, w.data, cut);
        shoal_column_stats x;
        CU_ASSERT(!shoal_column_stats_read(&r, &x));
        shoal_column_stats_free(&x);
    }
    shoal_column_stats_free(&back);
    shoal_writer_free(&w);
}

static void test_stats_wire_form(void)
{
    shoal_column_stats s;
    shoal_column_stats_init(&s, shoal_type_make(SHOAL_TYPE_BIGINT));
    round_trip(&s); /* empty, no sketch */
    s.has_range = true;
    s.min.i64 = INT64_MIN;
    s.max.i64 = INT64_MAX;
    s.rows = 1000;
    s.null_count = 3;
    uint8_t *reg = shoal_column_stats_sketch(&s);
    for (uint64_t i = 0; i < 100; i++) shoal_hll_add(reg, shoal_hash_u64(i)); /* sparse form */
    shoal_column_stats_finish(&s);
    round_trip(&s);
    for (uint64_t i = 0; i < 100000; i++) shoal_hll_add(reg, shoal_hash_u64(i)); /* packed form */
    shoal_column_stats_finish(&s);
    round_trip(&s);
    shoal_column_stats_free(&s);

    shoal_column_stats_init(&s, shoal_type_decimal(38, 4));
    s.has_range = true;
    s.min.i128 = -((shoal_int128)1 << 100);
    s.max.i128 = (shoal_int128)1 << 99;
    round_trip(&s);
    shoal_column_stats_init(&s, shoal_type_make(SHOAL_TYPE_DOUBLE));
    s.has_range = true;
    s.min.f64 = -1.5;
    s.max.f64 = 1e300;
    round_trip(&s);
    shoal_column_stats t = string_stats("", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", false);
    round_trip(&t);
}

/* ---- the catalog file ---- */

static char dir[256];

static shoal_table_def *make_table(const char *name)
{
    shoal_table_def *t = calloc(1, sizeof *t);
    snprintf(t->schema, sizeof t->schema, "public");
    snprintf(t->name, sizeof t->name, "%s", name);
    t->column_count = 2;
    t->columns = calloc(2, sizeof(shoal_catalog_column));
    snprintf(t->columns[0].name, SHOAL_NAME_MAX, "k");
    t->columns[0].type = shoal_type_make(SHOAL_TYPE_INTEGER);
    snprintf(t->columns[1].name, SHOAL_NAME_MAX, "s");
    t->columns[1].type = shoal_type_string(SHOAL_TYPE_VARCHAR, 20);
    t->diststyle = SHOAL_DIST_EVEN;
    t->distkey = -1;
    return t;
}

static void test_catalog_persists_stats(void)
{
    char err[512];
    shoal_catalog cat;
    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    shoal_table_def *t = shoal_catalog_add_table(&cat, make_table("t"));
    shoal_catalog_add_table(&cat, make_table("no_stats"));
    CU_ASSERT_PTR_NULL(shoal_table_column_stats(t, 0));
    shoal_column_stats *st = calloc(2, sizeof *st);
    shoal_column_stats_init(&st[0], t->columns[0].type);
    shoal_column_stats_init(&st[1], t->columns[1].type);
    st[0].has_range = true;
    st[0].min.i64 = 1;
    st[0].max.i64 = 15000;
    st[0].rows = st[1].rows = 60000;
    st[1].null_count = 60000;
    uint8_t *reg = shoal_column_stats_sketch(&st[0]);
    for (uint64_t i = 1; i <= 15000; i++) shoal_hll_add(reg, shoal_hash_u64(i));
    shoal_column_stats_finish(&st[0]);
    shoal_column_stats_finish(&st[1]);
    t->row_count = 60000;
    t->version = 1;
    shoal_table_set_stats(t, st);
    CU_ASSERT_PTR_NULL(shoal_table_column_stats(t, 2));
    CU_ASSERT_PTR_NULL(shoal_table_column_stats(t, -1));
    const shoal_column_stats *k = shoal_table_column_stats(t, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT(fabs((double)k->distinct_estimate - 15000) <= 15000 * 0.03);
    CU_ASSERT_EQUAL(shoal_table_column_stats(t, 1)->distinct_estimate, 0); /* all NULL */
    /* a copy owns its own stats */
    shoal_table_def *copy = shoal_table_def_copy(t);
    CU_ASSERT(copy->stats != t->stats && copy->stats[0].hll != t->stats[0].hll);
    CU_ASSERT(stats_equal(&copy->stats[0], &t->stats[0]));
    shoal_table_def_free(copy);
    CU_ASSERT(shoal_catalog_save(&cat, err, sizeof err));
    shoal_column_stats saved0, saved1;
    shoal_column_stats_copy(&saved0, &t->stats[0]);
    shoal_column_stats_copy(&saved1, &t->stats[1]);

    char sketch1[600], sketch2[600];
    snprintf(sketch1, sizeof sketch1, "%s/sketches/table-%u-v1", dir, t->id);
    CU_ASSERT(access(sketch1, F_OK) == 0); /* the sketches have a file of their own */
    uint32_t id = t->id;
    shoal_catalog_close(&cat);

    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    shoal_table_def *again = shoal_catalog_find_table(&cat, "public", "t");
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT_PTR_NOT_NULL_FATAL(shoal_table_column_stats(again, 0));
    /* the summaries come with the catalog, the sketches when asked for */
    CU_ASSERT_PTR_NULL(again->stats[0].hll);
    CU_ASSERT_EQUAL(again->stats[0].distinct_estimate, saved0.distinct_estimate);
    CU_ASSERT(shoal_catalog_load_sketches(&cat, again, err, sizeof err));
    CU_ASSERT(stats_equal(shoal_table_column_stats(again, 0), &saved0));
    CU_ASSERT(stats_equal(shoal_table_column_stats(again, 1), &saved1));
    CU_ASSERT_PTR_NULL(shoal_table_column_stats(shoal_catalog_find_table(&cat, "public", "no_stats"), 0));
    /* a later load's statistics: a new file, the old one goes once the catalog names the new */
    again->version = 2;
    shoal_column_stats *st2 = calloc(2, sizeof *st2);
    shoal_column_stats_copy(&st2[0], &again->stats[0]);
    shoal_column_stats_copy(&st2[1], &again->stats[1]);
    shoal_hll_add(st2[0].hll, shoal_hash_u64(123456789));
    shoal_table_set_stats(again, st2);
    CU_ASSERT(again->sketch_dirty);
    CU_ASSERT(shoal_catalog_save(&cat, err, sizeof err));
    snprintf(sketch2, sizeof sketch2, "%s/sketches/table-%u-v2", dir, id);
    CU_ASSERT(access(sketch2, F_OK) == 0);
    CU_ASSERT(access(sketch1, F_OK) != 0);
    CU_ASSERT(!again->sketch_dirty);
    CU_ASSERT_EQUAL(again->sketch_version, 2);
    /* strays (an interrupted save, a dropped table) are swept when the catalog opens */
    char stray[600], tmp[600];
    snprintf(stray, sizeof stray, "%s/sketches/table-999-v3", dir);
    snprintf(tmp, sizeof tmp, "%s/sketches/table-%u-v2.tmp", dir, id);
    fclose(fopen(stray, "w"));
    fclose(fopen(tmp, "w"));
    shoal_catalog_close(&cat);
    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    CU_ASSERT(access(stray, F_OK) != 0);
    CU_ASSERT(access(tmp, F_OK) != 0);
    CU_ASSERT(access(sketch2, F_OK) == 0);
    /* a missing sketch file is reported, not guessed around */
    again = shoal_catalog_find_table(&cat, "public", "t");
    unlink(sketch2);
    CU_ASSERT(!shoal_catalog_load_sketches(&cat, again, err, sizeof err));
    CU_ASSERT(strstr(err, "table-") != NULL);
    shoal_catalog_close(&cat);
    shoal_column_stats_free(&saved0);
    shoal_column_stats_free(&saved1);
}

/* A format-2 catalog (sketches inline) opens with its sketches; the next save moves them to a
 * file and writes the current format. */
static void test_catalog_reads_format_2(void)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/catalog", dir);
    shoal_writer w;
    shoal_writer_init(&w, 256);
    shoal_put_u64(&w, 0x4c41544c414f4853ull);
    shoal_put_u32(&w, 2); /* format 2 */
    shoal_put_i32(&w, 2);
    shoal_put_u32(&w, 8);
    shoal_put_i32(&w, 1);
    shoal_put_str(&w, "public");
    shoal_put_i32(&w, 1);
    shoal_put_u32(&w, 7); /* table id */
    shoal_put_str(&w, "public");
    shoal_put_str(&w, "two");
    shoal_put_i32(&w, 1);
    shoal_put_str(&w, "a");
    shoal_put_u8(&w, SHOAL_TYPE_INTEGER);
    shoal_put_u8(&w, 0);
    shoal_put_u8(&w, 0);
    shoal_put_u32(&w, 0);
    shoal_put_u8(&w, 1);
    shoal_put_u8(&w, 0);
    shoal_put_str(&w, "");
    shoal_put_str(&w, NULL);
    shoal_put_u8(&w, 0);
    shoal_put_i64(&w, 0);
    shoal_put_i64(&w, 0);
    shoal_put_u8(&w, SHOAL_DIST_EVEN);
    shoal_put_i32(&w, -1);
    shoal_put_i32(&w, 0);
    shoal_put_u64(&w, 4);   /* version */
    shoal_put_u64(&w, 100); /* rows */
    shoal_put_i64(&w, 0);
    shoal_put_u8(&w, 0);
    shoal_put_u8(&w, 1); /* statistics, format 2: summary and sketch inline */
    shoal_column_stats st;
    shoal_column_stats_init(&st, shoal_type_make(SHOAL_TYPE_INTEGER));
    st.has_range = true;
    st.min.i64 = 1;
    st.max.i64 = 100;
    st.rows = 100;
    uint8_t *reg = shoal_column_stats_sketch(&st);
    for (uint64_t i = 1; i <= 100; i++) shoal_hll_add(reg, shoal_hash_u64(i));
    shoal_column_stats_finish(&st);
    shoal_column_stats_write(&w, &st);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(w.data, 1, w.len, f);
    fclose(f);
    shoal_writer_free(&w);
    shoal_catalog cat;
    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    shoal_table_def *t = shoal_catalog_find_table(&cat, "public", "two");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(shoal_table_column_stats(t, 0));
    CU_ASSERT(stats_equal(shoal_table_column_stats(t, 0), &st));
    CU_ASSERT(shoal_catalog_save(&cat, err, sizeof err));
    char sketch[600];
    snprintf(sketch, sizeof sketch, "%s/sketches/table-7-v4", dir);
    CU_ASSERT(access(sketch, F_OK) == 0);
    shoal_catalog_close(&cat);
    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    t = shoal_catalog_find_table(&cat, "public", "two");
    CU_ASSERT_FATAL(t && shoal_catalog_load_sketches(&cat, t, err, sizeof err));
    CU_ASSERT(stats_equal(shoal_table_column_stats(t, 0), &st));
    shoal_catalog_close(&cat);
    shoal_column_stats_free(&st);
    unlink(sketch);
    unlink(path);
}

/* A catalog as format 1 wrote it (no statistics section) opens; its tables have no stats. */
static void test_catalog_reads_format_1(void)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/catalog", dir);
    shoal_writer w;
    shoal_writer_init(&w, 256);
    shoal_put_u64(&w, 0x4c41544c414f4853ull);
    shoal_put_u32(&w, 1); /* format 1 */
    shoal_put_i32(&w, 2);
    shoal_put_u32(&w, 2); /* next table id */
    shoal_put_i32(&w, 1);
    shoal_put_str(&w, "public");
    shoal_put_i32(&w, 1);
    shoal_put_u32(&w, 1);
    shoal_put_str(&w, "public");
    shoal_put_str(&w, "old");
    shoal_put_i32(&w, 1);
    shoal_put_str(&w, "a");
    shoal_put_u8(&w, SHOAL_TYPE_INTEGER);
    shoal_put_u8(&w, 0);
    shoal_put_u8(&w, 0);
    shoal_put_u32(&w, 0);
    shoal_put_u8(&w, 1);
    shoal_put_u8(&w, 0);
    shoal_put_str(&w, "");
    shoal_put_str(&w, NULL);
    shoal_put_u8(&w, 0);
    shoal_put_i64(&w, 0);
    shoal_put_i64(&w, 0);
    shoal_put_u8(&w, SHOAL_DIST_EVEN);
    shoal_put_i32(&w, -1);
    shoal_put_i32(&w, 0);
    shoal_put_u64(&w, 3);   /* version */
    shoal_put_u64(&w, 500); /* rows */
    shoal_put_i64(&w, 0);
    shoal_put_u8(&w, 0);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(w.data, 1, w.len, f);
    fclose(f);
    shoal_writer_free(&w);
    shoal_catalog cat;
    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    shoal_table_def *t = shoal_catalog_find_table(&cat, "public", "old");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->row_count, 500);
    CU_ASSERT_PTR_NULL(shoal_table_column_stats(t, 0));
    CU_ASSERT(shoal_catalog_save(&cat, err, sizeof err)); /* rewritten as the current format */
    shoal_catalog_close(&cat);
    CU_ASSERT_FATAL(shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(shoal_catalog_find_table(&cat, "public", "old"));
    shoal_catalog_close(&cat);
    /* a format from the future is refused, saying so */
    f = fopen(path, "r+b");
    fseek(f, 8, SEEK_SET);
    uint32_t future = 99;
    fwrite(&future, 4, 1, f);
    fclose(f);
    CU_ASSERT(!shoal_catalog_open(&cat, dir, 2, err, sizeof err));
    CU_ASSERT(strstr(err, "format 99") != NULL);
    unlink(path);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/shoal-catalog-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) return 2;
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("hll", NULL, NULL);
    CU_add_test(s, "empty and small sets", test_hll_empty_and_small);
    CU_add_test(s, "accuracy 1.5e4 to 1e7", test_hll_accuracy);
    CU_add_test(s, "duplicates and merging", test_hll_duplicates_and_merge);
    CU_add_test(s, "string hashes", test_hll_strings);
    s = CU_add_suite("stats", NULL, NULL);
    CU_add_test(s, "merging ranges", test_stats_merge_ranges);
    CU_add_test(s, "string ranges", test_stats_strings);
    CU_add_test(s, "wire form", test_stats_wire_form);
    s = CU_add_suite("catalog", NULL, NULL);
    CU_add_test(s, "stats persist", test_catalog_persists_stats);
    CU_add_test(s, "format 1 still opens", test_catalog_reads_format_1);
    CU_add_test(s, "format 2 still opens", test_catalog_reads_format_2);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return failed ? 1 : 0;
}
