/* The sorter (sort.c) against a reference: qsort of row ids with the comparator the sorter
 * defines (shoal_vector_compare per key, NULL placement by nulls_first, direction per key,
 * REAL/DOUBLE with NaN above every number and equal to NaN, ties by row id = stable), on
 * random data of every key type and combination, NULL patterns, duplicates, NaN and -0.0,
 * long strings sharing long prefixes (and embedded zero bytes), empty and 1-row inputs,
 * inputs over several batches (with selection vectors), and top-N limits 0, 1, n-1, n, n+1. */
#include "engine/exec/sort.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x1234567887654321ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

enum { NTYPES = 12 };
static shoal_type type_of(int t)
{
    switch (t) {
    case 0: return shoal_type_make(SHOAL_TYPE_BOOLEAN);
    case 1: return shoal_type_make(SHOAL_TYPE_SMALLINT);
    case 2: return shoal_type_make(SHOAL_TYPE_INTEGER);
    case 3: return shoal_type_make(SHOAL_TYPE_BIGINT);
    case 4: return shoal_type_decimal(12, 2);
    case 5: return shoal_type_decimal(30, 4);
    case 6: return shoal_type_make(SHOAL_TYPE_REAL);
    case 7: return shoal_type_make(SHOAL_TYPE_DOUBLE);
    case 8: return shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    case 9: return shoal_type_make(SHOAL_TYPE_DATE);
    case 10: return shoal_type_make(SHOAL_TYPE_TIMESTAMP);
    default: return shoal_type_string(SHOAL_TYPE_CHAR, 10);
    }
}

/* One random value of column type t into v; `domain` small = many duplicates; null_pct. */
static void append_random(shoal_vector *v, int t, uint64_t domain, int null_pct, int string_style)
{
    if (null_pct && (int)(rnd() % 100) < null_pct) {
        shoal_vector_append_null(v);
        return;
    }
    uint64_t r = rnd() % domain;
    int64_t sx = (int64_t)r - (int64_t)(domain / 2);
    switch (t) {
    case 0: shoal_vector_append_i64(v, (int64_t)(r & 1)); break;
    case 1: shoal_vector_append_i64(v, domain > 60000 ? (int16_t)rnd() : sx); break;
    case 2: case 9: shoal_vector_append_i64(v, domain > 1000000 ? (int32_t)rnd() : sx); break;
    case 3: case 10: shoal_vector_append_i64(v, domain > 1000000 ? (int64_t)rnd() : sx); break;
    case 4: shoal_vector_append_i64(v, domain > 1000000 ? (int64_t)(rnd() % 1000000000000ull) - 500000000000ll : sx); break;
    case 5: {
        shoal_int128 x = domain > 1000000 ? (shoal_int128)(int64_t)rnd() * (shoal_int128)(int64_t)rnd() : sx;
        if (rnd() % 5 == 0) x = (shoal_int128)sx * ((shoal_int128)1 << 70);
        shoal_vector_append_i128(v, x);
        break;
    }
    case 6: case 7: {
        double d;
        switch (rnd() % 10) {
        case 0: d = NAN; break;
        case 1: d = -0.0; break;
        case 2: d = 0.0; break;
        case 3: d = (rnd() & 1) ? INFINITY : -INFINITY; break;
        case 4: d = -NAN; break;
        default: d = (double)sx / 3.0; if (t == 6) d = (float)d; break;
        }
        shoal_vector_append_f64(v, d);
        break;
    }
    case 8: case 11: {
        char buf[80];
        int len;
        if (string_style == 0) { /* short */
            len = (int)(rnd() % 6);
            for (int i = 0; i < len; i++) buf[i] = (char)('a' + rnd() % (domain < 3 ? 2 : 4));
        } else { /* long, sharing a long prefix, some with zero bytes and high bytes */
            len = 30 + (int)(rnd() % 40);
            memset(buf, 'p', 40);
            for (int i = 36; i < len; i++) {
                uint64_t c = rnd() % (domain < 3 ? 3 : 8);
                buf[i] = c == 0 ? '\0' : c == 1 ? (char)0xe9 : (char)('a' + c);
            }
            if (rnd() % 4 == 0) len = 28 + (int)(rnd() % 14);
        }
        if (t == 11) while (len > 0 && buf[len - 1] == ' ') len--;
        if (t == 11 && len > 10) len = 10;
        shoal_vector_append_string(v, buf, (uint32_t)len);
        break;
    }
    }
}

/* The reference comparator. */
static const shoal_vector *ref_cols;
static const shoal_sort_key *ref_keys;
static int ref_nkeys;
static int ref_compare(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    for (int k = 0; k < ref_nkeys; k++) {
        const shoal_vector *v = &ref_cols[ref_keys[k].column];
        bool an = shoal_vector_is_null(v, a), bn = shoal_vector_is_null(v, b);
        if (an && bn) continue;
        if (an || bn) return (an ? 1 : -1) * (ref_keys[k].nulls_first ? -1 : 1);
        int c;
        shoal_physical ph = shoal_type_physical(v->type);
        if (ph == SHOAL_PHYS_F32 || ph == SHOAL_PHYS_F64) {
            double x = shoal_vector_get_f64(v, a), y = shoal_vector_get_f64(v, b);
            c = (isnan(x) || isnan(y)) ? isnan(x) - isnan(y) : (x > y) - (x < y);
        } else {
            c = shoal_vector_compare(v, a, v, b);
        }
        if (c) return ref_keys[k].descending ? -c : c;
    }
    return (a > b) - (a < b);
}

static int failures_reported;

/* Sorts n rows of the given key columns (plus a BIGINT row id as the last column) and checks
 * the output ids against the reference, for one limit. */
static void check_case(int ncols, const int *col_types, int nkeys, const shoal_sort_key *keys, uint32_t n,
                       uint64_t domain, int null_pct, int string_style, int64_t limit, bool use_sel)
{
    shoal_type types[8];
    for (int c = 0; c < ncols; c++) types[c] = type_of(col_types[c]);
    types[ncols] = shoal_type_make(SHOAL_TYPE_BIGINT);
    /* the reference's copy of all rows */
    shoal_vector all[8];
    for (int c = 0; c <= ncols; c++) shoal_vector_init(&all[c], types[c], 16);
    for (uint32_t i = 0; i < n; i++) {
        for (int c = 0; c < ncols; c++) {
            int np = null_pct < 0 ? (c % 2 ? 30 : 0) : null_pct; /* -1: NULLs in odd columns only */
            append_random(&all[c], col_types[c], domain, np, string_style);
        }
        shoal_vector_append_i64(&all[ncols], (int64_t)i);
    }
    shoal_sorter *s = shoal_sorter_create(ncols + 1, types, nkeys, keys, limit);
    /* add in batches of varying size; with use_sel, batches carry extra unselected junk rows */
    uint32_t i = 0;
    while (i < n) {
        uint32_t m = (uint32_t)(rnd() % SHOAL_BATCH_ROWS) + 1;
        if (m > n - i) m = n - i;
        shoal_batch b;
        shoal_batch_init(&b, ncols + 1, types, 16);
        uint32_t rows = 0;
        uint32_t *sel = use_sel ? malloc(sizeof(uint32_t) * 2 * m + 4) : NULL;
        uint32_t sc = 0;
        for (uint32_t j = 0; j < m; j++) {
            if (use_sel && rnd() % 3 == 0) { /* a junk row, not selected */
                for (int c = 0; c < ncols; c++) append_random(&b.columns[c], col_types[c], domain, 50, string_style);
                shoal_vector_append_i64(&b.columns[ncols], -1);
                rows++;
            }
            for (int c = 0; c <= ncols; c++) shoal_vector_append_from(&b.columns[c], &all[c], i + j);
            if (use_sel) sel[sc++] = rows;
            rows++;
        }
        b.count = rows;
        if (use_sel) {
            shoal_batch_select_all(&b);
            memcpy(b.sel, sel, sc * sizeof(uint32_t));
            b.sel_count = sc;
            free(sel);
        }
        shoal_sorter_add(s, &b);
        shoal_batch_free(&b);
        i += m;
    }
    shoal_sorter_finish(s);
    uint32_t *ref = malloc(sizeof(uint32_t) * (n ? n : 1));
    for (uint32_t r = 0; r < n; r++) ref[r] = r;
    ref_cols = all;
    ref_keys = keys;
    ref_nkeys = nkeys;
    qsort(ref, n, sizeof(uint32_t), ref_compare);
    uint64_t expect = limit >= 0 && (uint64_t)limit < n ? (uint64_t)limit : n;
    CU_ASSERT_EQUAL(shoal_sorter_rows(s), expect);
    shoal_batch out;
    shoal_batch_init(&out, ncols + 1, types, SHOAL_BATCH_ROWS);
    uint64_t got = 0;
    bool ok = true;
    while (shoal_sorter_next(s, &out)) {
        CU_ASSERT_TRUE(out.count <= SHOAL_BATCH_ROWS);
        for (uint32_t r = 0; r < out.count; r++, got++) {
            int64_t id = ((const int64_t *)out.columns[ncols].data)[r];
            if (got >= expect || id != (int64_t)ref[got]) {
                ok = false;
                continue;
            }
            /* the values come back with the row */
            for (int c = 0; c < ncols; c++)
                if (shoal_vector_compare(&out.columns[c], r, &all[c], (uint32_t)id) != 0 &&
                    !(shoal_type_physical(types[c]) >= SHOAL_PHYS_F32 && shoal_type_physical(types[c]) <= SHOAL_PHYS_F64 &&
                      isnan(shoal_vector_get_f64(&out.columns[c], r))))
                    ok = false;
        }
    }
    CU_ASSERT_EQUAL(got, expect);
    CU_ASSERT_TRUE(ok);
    if ((!ok || got != expect) && failures_reported++ < 5) {
        printf("\nmismatch: n=%u limit=%lld domain=%llu nulls=%d style=%d keys:", n, (long long)limit,
               (unsigned long long)domain, null_pct, string_style);
        for (int k = 0; k < nkeys; k++)
            printf(" (type %d%s%s)", col_types[keys[k].column], keys[k].descending ? " DESC" : "",
                   keys[k].nulls_first ? " NF" : "");
        printf("\n");
    }
    shoal_batch_free(&out);
    shoal_sorter_free(s);
    free(ref);
    for (int c = 0; c <= ncols; c++) shoal_vector_free(&all[c]);
}

static void random_keys(int ncols, int nkeys, shoal_sort_key *keys)
{
    for (int k = 0; k < nkeys; k++) {
        keys[k].column = (int32_t)(rnd() % (uint64_t)ncols);
        keys[k].descending = rnd() & 1;
        keys[k].nulls_first = rnd() & 1;
    }
}

/* Every type as a single key, both directions and NULL placements, several NULL patterns. */
static void test_single_keys(void)
{
    static const uint32_t sizes[] = {0, 1, 2, 33, 700, 5000};
    static const int nulls[] = {0, 10, 100};
    for (int t = 0; t < NTYPES; t++)
        for (int d = 0; d < 4; d++)
            for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
                for (size_t ni = 0; ni < sizeof nulls / sizeof *nulls; ni++) {
                    int ct[1] = {t};
                    shoal_sort_key k[1] = {{0, d & 1, (d >> 1) & 1}};
                    uint64_t domain = rnd() & 1 ? 5 : 1ull << 40;
                    check_case(1, ct, 1, k, sizes[si], domain, nulls[ni], (int)(rnd() % 2), -1, si == 5);
                }
}

/* Random combinations of 1-4 keys over 1-5 columns of random types, with limits. */
static void test_combinations(void)
{
    for (int iter = 0; iter < 300; iter++) {
        int ncols = 1 + (int)(rnd() % 5), ct[8];
        for (int c = 0; c < ncols; c++) ct[c] = (int)(rnd() % NTYPES);
        int nkeys = 1 + (int)(rnd() % 4);
        shoal_sort_key keys[4];
        random_keys(ncols, nkeys, keys);
        uint32_t n = (uint32_t)(rnd() % 3 == 0 ? rnd() % 40 : rnd() % 6000);
        uint64_t domain = rnd() % 3 == 0 ? 3 : rnd() % 2 ? 100 : 1ull << 40;
        int np = (int)(rnd() % 4) == 0 ? -1 : (int)(rnd() % 3) * 20;
        int64_t limit = -1;
        switch (rnd() % 8) {
        case 0: limit = 0; break;
        case 1: limit = 1; break;
        case 2: limit = n > 0 ? (int64_t)n - 1 : 0; break;
        case 3: limit = n; break;
        case 4: limit = (int64_t)n + 1; break;
        case 5: limit = (int64_t)(rnd() % 50); break;
        default: break;
        }
        check_case(ncols, ct, nkeys, keys, n, domain, np, (int)(rnd() % 2), limit, rnd() % 4 == 0);
    }
}

/* Top-N limits 0, 1, n-1, n, n+1 and small ones over inputs large enough for the heap path. */
static void test_top_n(void)
{
    static const int key_sets[][3] = {{2, 3, 8}, {7, 4, 2}, {8, 8, 5}, {6, 1, 10}};
    for (size_t ks = 0; ks < sizeof key_sets / sizeof *key_sets; ks++) {
        uint32_t n = 20000;
        int64_t limits[] = {0, 1, 2, 10, 100, 1249, (int64_t)n - 1, n, (int64_t)n + 1};
        for (size_t li = 0; li < sizeof limits / sizeof *limits; li++) {
            shoal_sort_key keys[3];
            random_keys(3, 3, keys);
            keys[0].column = 0;
            check_case(3, key_sets[ks], 3, keys, n, li % 2 ? 50 : 1ull << 40, li % 3 ? 10 : 0, (int)(li % 2), limits[li],
                       false);
        }
    }
    int ct[1] = {2};
    shoal_sort_key k[1] = {{0, false, false}};
    check_case(1, ct, 0, k, 5000, 10, 10, 0, -1, true); /* no keys: input order */
    check_case(1, ct, 0, k, 5000, 10, 10, 0, 7, false);
    for (int64_t lim = 0; lim <= 2; lim++) {
        check_case(1, ct, 1, k, 0, 10, 0, 0, lim, false);
        check_case(1, ct, 1, k, 1, 10, 0, 0, lim, false);
        check_case(1, ct, 1, k, 1, 10, 100, 0, lim, false);
    }
}

/* The WINDOW shape and the benchmark's shapes at a larger size (recursion several levels deep,
 * many duplicates), and many keys past the normalized-key budget. */
static void test_large_and_wide(void)
{
    int ct1[2] = {2, 3};
    shoal_sort_key k1[2] = {{0, false, false}, {1, false, false}};
    check_case(2, ct1, 2, k1, 60000, 1000, 0, 0, -1, false);
    int ct2[2] = {4, 2};
    shoal_sort_key k2[2] = {{0, true, true}, {1, false, false}};
    check_case(2, ct2, 2, k2, 60000, 1ull << 40, 10, 0, -1, false);
    int ct3[1] = {8};
    shoal_sort_key k3[1] = {{0, false, false}};
    check_case(1, ct3, 1, k3, 40000, 8, 0, 1, -1, false);
    check_case(1, ct3, 1, k3, 40000, 8, 5, 0, -1, false);
    int ct4[5] = {5, 3, 5, 8, 7};
    shoal_sort_key k4[5] = {{0, false, true}, {1, true, false}, {2, false, false}, {3, true, true}, {4, false, false}};
    check_case(5, ct4, 5, k4, 8000, 3, -1, 1, -1, false);
    check_case(5, ct4, 5, k4, 8000, 3, 20, 0, 17, false);
    int ct5[3] = {8, 2, 8};
    shoal_sort_key k5[3] = {{0, false, false}, {1, false, false}, {2, true, false}};
    check_case(3, ct5, 3, k5, 10000, 3, 10, 1, -1, false);
    check_case(3, ct5, 3, k5, 10000, 3, 10, 0, -1, true);
}

/* A known answer, so a bug shared with the reference cannot hide: DOUBLE ascending NULLS LAST. */
static void test_known_answer(void)
{
    shoal_type types[2] = {shoal_type_make(SHOAL_TYPE_DOUBLE), shoal_type_make(SHOAL_TYPE_INTEGER)};
    double vals[] = {NAN, 1.5, -0.0, 0.0, -INFINITY, 0, INFINITY, -2, NAN, 0};
    bool null[] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 1};
    int expect[] = {4, 7, 2, 3, 1, 6, 0, 8, 5, 9};
    shoal_batch b;
    shoal_batch_init(&b, 2, types, 16);
    for (int i = 0; i < 10; i++) {
        if (null[i]) shoal_vector_append_null(&b.columns[0]);
        else shoal_vector_append_f64(&b.columns[0], vals[i]);
        shoal_vector_append_i64(&b.columns[1], i);
    }
    b.count = 10;
    shoal_sort_key k[1] = {{0, false, false}};
    shoal_sorter *s = shoal_sorter_create(2, types, 1, k, -1);
    shoal_sorter_add(s, &b);
    shoal_sorter_finish(s);
    shoal_batch out;
    shoal_batch_init(&out, 2, types, SHOAL_BATCH_ROWS);
    CU_ASSERT_TRUE(shoal_sorter_next(s, &out));
    CU_ASSERT_EQUAL(out.count, 10);
    for (int i = 0; i < 10; i++) CU_ASSERT_EQUAL(((const int32_t *)out.columns[1].data)[i], expect[i]);
    CU_ASSERT_FALSE(shoal_sorter_next(s, &out));
    shoal_batch_free(&out);
    shoal_batch_free(&b);
    shoal_sorter_free(s);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("sort", NULL, NULL);
    CU_add_test(suite, "known answer (NaN, -0.0, NULLs)", test_known_answer);
    CU_add_test(suite, "every type as a single key", test_single_keys);
    CU_add_test(suite, "random key combinations and limits", test_combinations);
    CU_add_test(suite, "top-N", test_top_n);
    CU_add_test(suite, "large inputs and wide keys", test_large_and_wide);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
