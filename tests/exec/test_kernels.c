/* Kernel tests: every SIMD kernel against its plain-C reference on random data (random
 * selections, NULL patterns, edge values, lengths around the lane counts, 0 and 1 rows), plus
 * known answers for the references, the scalar kernels, hashing and the LIKE matcher.
 * Built twice: native SIMD and SIMDe's portable code (SIMDE_NO_NATIVE). */
#include "engine/exec/kernels.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic random data ---- */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static uint32_t rnd_below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

static const uint32_t lengths[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128, 129, 1000, 2048, 2051};
#define NLENGTHS (sizeof lengths / sizeof lengths[0])

/* A validity bitmap for n rows in one of several patterns (NULL: no NULLs). */
static uint64_t *make_validity(uint32_t n, int pattern)
{
    if (pattern == 0) return NULL;
    size_t words = (n + 63) / 64 + 1;
    uint64_t *v = malloc(words * sizeof(uint64_t));
    for (size_t w = 0; w < words; w++) {
        switch (pattern) {
        case 1: v[w] = ~0ull; break;                  /* bitmap present, no NULLs */
        case 2: v[w] = 0; break;                      /* all NULL */
        case 3: v[w] = rnd(); break;                  /* half */
        case 4: v[w] = ~(rnd() & rnd() & rnd()); break; /* sparse NULLs */
        default: v[w] = 0xaaaaaaaaaaaaaaaaull; break; /* alternating */
        }
    }
    return v;
}
/* A random ascending selection of rows in [0, n) with a given density (percent). */
static uint32_t make_selection(uint32_t n, int density, uint32_t *sel)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < n; r++)
        if ((int)rnd_below(100) < density) sel[k++] = r;
    return k;
}

static int32_t edge_i32(void)
{
    static const int32_t e[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX};
    return e[rnd_below(7)];
}
static int64_t edge_i64(void)
{
    static const int64_t e[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX, (int64_t)1 << 32, -((int64_t)1 << 32)};
    return e[rnd_below(9)];
}
/* Data: mode 0 small range (many equal values), 1 full range, 2 edge values mixed in. */
static void fill_i32(int32_t *v, uint32_t n, int mode)
{
    for (uint32_t i = 0; i < n; i++) {
        if (mode == 0) v[i] = (int32_t)rnd_below(10) - 5;
        else if (mode == 1) v[i] = (int32_t)rnd();
        else v[i] = rnd_below(4) == 0 ? edge_i32() : (int32_t)rnd_below(100) - 50;
    }
}
static void fill_i64(int64_t *v, uint32_t n, int mode)
{
    for (uint32_t i = 0; i < n; i++) {
        if (mode == 0) v[i] = (int64_t)rnd_below(10) - 5;
        else if (mode == 1) v[i] = (int64_t)rnd();
        else v[i] = rnd_below(4) == 0 ? edge_i64() : (int64_t)rnd_below(100) - 50;
    }
}

/* ================================ filter kernels ================================ */

static int filter_cases;

#define FILTER_TEST(T, SUF, FILL, EDGE)                                                                 \
    static void test_filter_##SUF##_simd_vs_ref(void)                                                   \
    {                                                                                                   \
        T *col = malloc(2100 * sizeof(T));                                                              \
        uint32_t *a = malloc(2100 * sizeof(uint32_t)), *b = malloc(2100 * sizeof(uint32_t));            \
        uint32_t *sel = malloc(2100 * sizeof(uint32_t));                                                \
        int mismatches = 0;                                                                             \
        for (size_t li = 0; li < NLENGTHS; li++) {                                                      \
            uint32_t n = lengths[li];                                                                   \
            for (int mode = 0; mode < 3; mode++)                                                        \
                for (int vp = 0; vp < 6; vp++)                                                          \
                    for (int op = 0; op < SHOAL_KCMP_COUNT; op++) {                                     \
                        FILL(col, n, mode);                                                             \
                        uint64_t *validity = make_validity(n, vp);                                      \
                        T c = mode == 0 ? (T)((int)rnd_below(10) - 5) : (rnd_below(2) ? EDGE() : (n ? col[rnd_below(n)] : 0)); \
                        /* dense */                                                                     \
                        memset(a, 0xee, 2100 * sizeof(uint32_t));                                      \
                        memset(b, 0xee, 2100 * sizeof(uint32_t));                                      \
                        uint32_t ka = kernel_filter_dense_##SUF((shoal_kernel_cmp)op, col, n, validity, c, a); \
                        uint32_t kb = kernel_filter_dense_##SUF##_ref((shoal_kernel_cmp)op, col, n, validity, c, b); \
                        if (ka != kb || memcmp(a, b, ka * sizeof(uint32_t)) != 0) mismatches++;         \
                        /* selection, several densities */                                              \
                        for (int density = 0; density <= 100; density += 25) {                          \
                            uint32_t k = make_selection(n, density, sel);                               \
                            memcpy(a, sel, k * sizeof(uint32_t));                                       \
                            memcpy(b, sel, k * sizeof(uint32_t));                                       \
                            ka = kernel_filter_sel_##SUF((shoal_kernel_cmp)op, col, a, k, validity, c); \
                            kb = kernel_filter_sel_##SUF##_ref((shoal_kernel_cmp)op, col, b, k, validity, c); \
                            if (ka != kb || memcmp(a, b, ka * sizeof(uint32_t)) != 0) mismatches++;     \
                            filter_cases++;                                                             \
                        }                                                                               \
                        free(validity);                                                                 \
                    }                                                                                   \
        }                                                                                               \
        CU_ASSERT_EQUAL(mismatches, 0);                                                                 \
        free(col);                                                                                      \
        free(a);                                                                                        \
        free(b);                                                                                        \
        free(sel);                                                                                      \
    }
FILTER_TEST(int32_t, i32, fill_i32, edge_i32)
FILTER_TEST(int64_t, i64, fill_i64, edge_i64)

/* The reference itself against a known answer (so that a shared bug cannot hide). */
static void test_filter_known_answers(void)
{
    int32_t d[11] = {5, -3, 7, 7, INT32_MIN, INT32_MAX, 0, 7, 2, -3, 9};
    uint32_t out[16];
    uint64_t validity = ~(1ull << 3); /* row 3 is NULL */
    uint32_t k = kernel_filter_dense_i32(SHOAL_KCMP_EQ, d, 11, &validity, 7, out);
    CU_ASSERT_EQUAL(k, 2);
    CU_ASSERT(out[0] == 2 && out[1] == 7);
    k = kernel_filter_dense_i32_ref(SHOAL_KCMP_GE, d, 11, NULL, 7, out);
    CU_ASSERT_EQUAL(k, 5);
    CU_ASSERT(out[0] == 2 && out[1] == 3 && out[2] == 5 && out[3] == 7 && out[4] == 10);
    k = kernel_filter_dense_i32(SHOAL_KCMP_LT, d, 11, NULL, INT32_MIN, out);
    CU_ASSERT_EQUAL(k, 0);
    k = kernel_filter_dense_i32(SHOAL_KCMP_LE, d, 11, NULL, INT32_MAX, out);
    CU_ASSERT_EQUAL(k, 11);
    uint32_t sel[5] = {0, 2, 4, 8, 10};
    k = kernel_filter_sel_i32(SHOAL_KCMP_NE, d, sel, 5, NULL, 7);
    CU_ASSERT_EQUAL(k, 4);
    CU_ASSERT(sel[0] == 0 && sel[1] == 4 && sel[2] == 8 && sel[3] == 10);

    int64_t q[9] = {100, 2400, 2399, 5000, INT64_MIN, INT64_MAX, 2400, -1, 0};
    uint64_t v64 = ~(1ull << 1);
    k = kernel_filter_dense_i64(SHOAL_KCMP_LT, q, 9, &v64, 2400, out);
    CU_ASSERT_EQUAL(k, 5);
    CU_ASSERT(out[0] == 0 && out[1] == 2 && out[2] == 4 && out[3] == 7 && out[4] == 8);
    k = kernel_filter_dense_i64(SHOAL_KCMP_GT, q, 9, NULL, 2400, out);
    CU_ASSERT(k == 2 && out[0] == 3 && out[1] == 5);
    uint32_t sel9[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    k = kernel_filter_sel_i64(SHOAL_KCMP_EQ, q, sel9, 9, &v64, 2400);
    CU_ASSERT(k == 1 && sel9[0] == 6);
}

static void test_sel_true(void)
{
    uint8_t vals[200];
    uint32_t sel[200], a[200], b[200];
    for (int round = 0; round < 50; round++) {
        uint32_t n = rnd_below(200);
        for (uint32_t i = 0; i < n; i++) vals[i] = (uint8_t)rnd_below(2);
        uint64_t *validity = make_validity(n, round % 6);
        uint32_t k = make_selection(n, 60, sel);
        /* naive */
        uint32_t kn = 0;
        for (uint32_t i = 0; i < k; i++)
            if (vals[sel[i]] && (!validity || (validity[sel[i] >> 6] >> (sel[i] & 63) & 1))) b[kn++] = sel[i];
        memcpy(a, sel, k * sizeof(uint32_t));
        uint32_t ka = kernel_sel_true(vals, validity, a, k, a); /* in place */
        CU_ASSERT_EQUAL(ka, kn);
        CU_ASSERT(memcmp(a, b, kn * sizeof(uint32_t)) == 0);
        kn = 0;
        for (uint32_t r = 0; r < n; r++)
            if (vals[r] && (!validity || (validity[r >> 6] >> (r & 63) & 1))) b[kn++] = r;
        ka = kernel_sel_true(vals, validity, NULL, n, a);
        CU_ASSERT_EQUAL(ka, kn);
        CU_ASSERT(memcmp(a, b, kn * sizeof(uint32_t)) == 0);
        free(validity);
    }
}

/* ================================ aggregate kernels ================================ */

static void test_agg_simd_vs_ref(void)
{
    int32_t *v32 = malloc(2100 * sizeof(int32_t));
    int64_t *v64 = malloc(2100 * sizeof(int64_t));
    uint32_t *sel = malloc(2100 * sizeof(uint32_t));
    int mismatches = 0;
    for (size_t li = 0; li < NLENGTHS; li++) {
        uint32_t n = lengths[li];
        for (int mode = 0; mode < 3; mode++)
            for (int vp = 0; vp < 6; vp++)
                for (int density = -1; density <= 100; density += 50) {
                    fill_i32(v32, n, mode);
                    fill_i64(v64, n, mode);
                    uint64_t *validity = make_validity(n, vp);
                    uint32_t k = density < 0 ? n : make_selection(n, density, sel);
                    const uint32_t *s = density < 0 ? NULL : sel;
                    /* COUNT */
                    if (kernel_count(s, k, validity) != kernel_count_ref(s, k, validity)) mismatches++;
                    /* SUM: start from a nonzero accumulator */
                    shoal_int128 a = 12345, b = 12345;
                    uint32_t ca = kernel_sum_i32_to_i128(v32, s, k, validity, &a);
                    uint32_t cb = kernel_sum_i32_to_i128_ref(v32, s, k, validity, &b);
                    if (a != b || ca != cb) mismatches++;
                    a = -7, b = -7;
                    ca = kernel_sum_i64_to_i128(v64, s, k, validity, &a);
                    cb = kernel_sum_i64_to_i128_ref(v64, s, k, validity, &b);
                    if (a != b || ca != cb) mismatches++;
                    /* MIN / MAX from the identity and from a value inside the data range */
                    for (int start = 0; start < 2; start++) {
                        int32_t m32a = start ? 3 : INT32_MAX, m32b = m32a;
                        if (kernel_min_i32(v32, s, k, validity, &m32a) != kernel_min_i32_ref(v32, s, k, validity, &m32b) || m32a != m32b)
                            mismatches++;
                        m32a = m32b = start ? -3 : INT32_MIN;
                        if (kernel_max_i32(v32, s, k, validity, &m32a) != kernel_max_i32_ref(v32, s, k, validity, &m32b) || m32a != m32b)
                            mismatches++;
                        int64_t m64a = start ? 3 : INT64_MAX, m64b = m64a;
                        if (kernel_min_i64(v64, s, k, validity, &m64a) != kernel_min_i64_ref(v64, s, k, validity, &m64b) || m64a != m64b)
                            mismatches++;
                        m64a = m64b = start ? -3 : INT64_MIN;
                        if (kernel_max_i64(v64, s, k, validity, &m64a) != kernel_max_i64_ref(v64, s, k, validity, &m64b) || m64a != m64b)
                            mismatches++;
                    }
                    free(validity);
                }
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    free(v32);
    free(v64);
    free(sel);
}

static void test_agg_known_answers(void)
{
    /* the i64 -> i128 sum across the 2^32 split and with extreme values */
    int64_t v[9] = {INT64_MAX, INT64_MAX, INT64_MIN, -1, (int64_t)1 << 32, -((int64_t)1 << 32) - 1, 5, 6, 7};
    shoal_int128 acc = 0;
    uint32_t count = kernel_sum_i64_to_i128(v, NULL, 9, NULL, &acc);
    shoal_int128 expect = (shoal_int128)INT64_MAX * 2 + INT64_MIN - 1 + ((shoal_int128)1 << 32) - ((shoal_int128)1 << 32) - 1 + 18;
    CU_ASSERT_EQUAL(count, 9);
    CU_ASSERT(acc == expect);
    uint64_t validity = 0x1f0; /* rows 4..8 */
    acc = 0;
    count = kernel_sum_i64_to_i128(v, NULL, 9, &validity, &acc);
    CU_ASSERT_EQUAL(count, 5);
    CU_ASSERT(acc == ((shoal_int128)1 << 32) - ((shoal_int128)1 << 32) - 1 + 18);
    int32_t w[10] = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MIN, 1};
    acc = 0;
    kernel_sum_i32_to_i128(w, NULL, 10, NULL, &acc);
    CU_ASSERT(acc == (shoal_int128)INT32_MAX * 8 + INT32_MIN + 1);
    int32_t m = INT32_MAX;
    CU_ASSERT_EQUAL(kernel_min_i32(w, NULL, 10, NULL, &m), 10);
    CU_ASSERT_EQUAL(m, INT32_MIN);
    /* all NULL: no values, accumulator unchanged */
    uint64_t none = 0;
    m = 42;
    CU_ASSERT_EQUAL(kernel_max_i32(w, NULL, 10, &none, &m), 0);
    CU_ASSERT_EQUAL(m, 42);
    /* int128: overflow is reported */
    shoal_int128 big[2] = {((shoal_int128)1 << 126), ((shoal_int128)1 << 126)};
    bool overflow = false;
    acc = 0;
    kernel_sum_i128(big, NULL, 1, NULL, &acc, &overflow);
    CU_ASSERT(!overflow);
    kernel_sum_i128(big, NULL, 2, NULL, &acc, &overflow);
    CU_ASSERT(overflow);
    shoal_int128 mi = big[0];
    big[1] = -5;
    CU_ASSERT_EQUAL(kernel_min_i128(big, NULL, 2, NULL, &mi), 2);
    CU_ASSERT(mi == -5);
    /* doubles: sum in row order, NaN ignored by MIN/MAX */
    double d[4] = {1.5, NAN, -2.25, 4};
    uint32_t sel[3] = {0, 2, 3};
    double s = 0;
    CU_ASSERT_EQUAL(kernel_sum_f64(d, sel, 3, NULL, &s), 3);
    CU_ASSERT_DOUBLE_EQUAL(s, 3.25, 1e-12);
    double lo = INFINITY, hi = -INFINITY;
    kernel_min_f64(d, NULL, 4, NULL, &lo);
    kernel_max_f64(d, NULL, 4, NULL, &hi);
    CU_ASSERT(lo == -2.25 && hi == 4);
    /* COUNT with a selection */
    uint64_t half = 0x5; /* rows 0 and 2 valid */
    CU_ASSERT_EQUAL(kernel_count(sel, 3, &half), 2);
    CU_ASSERT_EQUAL(kernel_count(NULL, 70, NULL), 70);
}

/* ============================ wide decimal products ============================
 * kernel_mul_i64_i64_to_i128 / kernel_mul_i128_i64_to_i128 against kernel_arith_i128 MUL
 * on the operands widened to int128: same products and the same status, for every length,
 * selection and NULL pattern, with edge values (INT64_MIN^2 = 2^126; int128 operands past
 * int64 and past 2^126, which overflow). NULL rows hold values that would overflow: they
 * must not count. Rows that are not selected or NULL may be written with anything. */
static shoal_int128 edge_i128(void)
{
    static const int sh[] = {63, 64, 70, 100, 125, 126};
    shoal_int128 v = (shoal_int128)1 << sh[rnd_below(6)];
    if (rnd_below(3) == 0) v -= 1;
    return rnd_below(2) ? v : -v;
}

/* Selected non-NULL rows where two results differ. */
static int differing_rows_i128(const shoal_int128 *x, const shoal_int128 *y, const uint32_t *sel, uint32_t m,
                               const uint64_t *valid)
{
    int bad = 0;
    for (uint32_t i = 0; i < m; i++) {
        uint32_t r = sel ? sel[i] : i;
        if (valid && !(valid[r >> 6] >> (r & 63) & 1)) continue;
        bad += x[r] != y[r];
    }
    return bad;
}

static void test_wide_products_vs_ref(void)
{
    enum { N = 2051 };
    int64_t *a = malloc(N * 8), *b = malloc(N * 8);
    shoal_int128 *wa = malloc(N * 16), *wb = malloc(N * 16), *got = malloc(N * 16), *want = malloc(N * 16),
                 *x = malloc(N * 16);
    uint32_t *sel = malloc(N * 4);
    for (size_t li = 0; li < NLENGTHS; li++) {
        uint32_t n = lengths[li];
        for (int mode = 0; mode < 3; mode++) {
            fill_i64(a, n, mode);
            fill_i64(b, n, mode == 1 ? 2 : mode);
            for (uint32_t i = 0; i < n; i++) {
                wa[i] = a[i];
                wb[i] = b[i];
                x[i] = rnd_below(3) == 0 ? edge_i128() : (shoal_int128)a[i];
            }
            for (int pattern = 0; pattern < 6; pattern++) {
                uint64_t *valid = make_validity(n, pattern);
                for (int density = -1; density <= 100; density += 50) {
                    uint32_t m = n, *s = NULL;
                    if (density >= 0) {
                        m = make_selection(n, density, sel);
                        s = sel;
                    }
                    shoal_kernel_status st = kernel_mul_i64_i64_to_i128(a, b, got, s, m, valid);
                    shoal_kernel_status sr = kernel_arith_i128(SHOAL_KARITH_MUL, wa, wb, want, s, m, valid);
                    CU_ASSERT_EQUAL(st, SHOAL_KSTATUS_OK);
                    CU_ASSERT_EQUAL(st, sr);
                    CU_ASSERT_EQUAL(differing_rows_i128(got, want, s, m, valid), 0); /* other rows: unspecified */
                    st = kernel_mul_i128_i64_to_i128(x, b, got, s, m, valid);
                    sr = kernel_arith_i128(SHOAL_KARITH_MUL, x, wb, want, s, m, valid);
                    CU_ASSERT_EQUAL(st, sr);
                    if (sr == SHOAL_KSTATUS_OK) CU_ASSERT_EQUAL(differing_rows_i128(got, want, s, m, valid), 0);
                }
                free(valid);
            }
        }
    }
    /* known answers */
    int64_t mn[2] = {INT64_MIN, 3}, mx[2] = {INT64_MIN, -7};
    shoal_int128 o[2];
    CU_ASSERT_EQUAL(kernel_mul_i64_i64_to_i128(mn, mx, o, NULL, 2, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(o[0] == (shoal_int128)1 << 126 && o[1] == -21);
    shoal_int128 big[2] = {(shoal_int128)1 << 126, -((shoal_int128)1 << 100)};
    int64_t two[2] = {2, -2};
    CU_ASSERT_EQUAL(kernel_mul_i128_i64_to_i128(big, two, o, NULL, 2, NULL), SHOAL_KSTATUS_OVERFLOW);
    uint32_t second[1] = {1};
    CU_ASSERT_EQUAL(kernel_mul_i128_i64_to_i128(big, two, o, second, 1, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(o[1] == (shoal_int128)1 << 101);
    uint64_t row1_only = 2; /* row 0 (which overflows) is NULL */
    CU_ASSERT_EQUAL(kernel_mul_i128_i64_to_i128(big, two, o, NULL, 2, &row1_only), SHOAL_KSTATUS_OK);
    free(a);
    free(b);
    free(wa);
    free(wb);
    free(got);
    free(want);
    free(x);
    free(sel);
}

/* ============================ + and - over spans ============================
 * kernel_arith_* ADD/SUB (dense span with wrapping arithmetic, exact re-check) against
 * __builtin_*_overflow row by row: the values of the selected non-NULL rows and the status
 * agree, for every length, selection density and NULL pattern; unselected and NULL rows hold
 * values that overflow and must not count. */
#define DEFINE_ADD_SUB_CHECK(T, SUF)                                                             \
    static int check_add_sub_##SUF(const T *a, const T *b, uint32_t n, const uint32_t *sel, uint32_t m, \
                                   const uint64_t *valid, T *got)                                      \
    {                                                                                                  \
        int bad = 0;                                                                                   \
        for (int op = 0; op < 2; op++) {                                                               \
            shoal_kernel_status st = kernel_arith_##SUF(op ? SHOAL_KARITH_SUB : SHOAL_KARITH_ADD, a, b, got, sel, m, valid); \
            bool ovf = false;                                                                          \
            for (uint32_t i = 0; i < m; i++) {                                                         \
                uint32_t r = sel ? sel[i] : i;                                                         \
                if (valid && !(valid[r >> 6] >> (r & 63) & 1)) continue;                               \
                T want;                                                                                \
                bool o = op ? __builtin_sub_overflow(a[r], b[r], &want) : __builtin_add_overflow(a[r], b[r], &want); \
                ovf |= o;                                                                              \
                if (!o && got[r] != want) bad++;                                                       \
            }                                                                                          \
            if (st != (ovf ? SHOAL_KSTATUS_OVERFLOW : SHOAL_KSTATUS_OK)) bad++;                        \
        }                                                                                              \
        (void)n;                                                                                       \
        return bad;                                                                                    \
    }
DEFINE_ADD_SUB_CHECK(int16_t, i16)
DEFINE_ADD_SUB_CHECK(int32_t, i32)
DEFINE_ADD_SUB_CHECK(int64_t, i64)
DEFINE_ADD_SUB_CHECK(shoal_int128, i128)

static void test_add_sub_spans_vs_ref(void)
{
    enum { N = 2051 };
    int16_t *a16 = malloc(N * 2), *b16 = malloc(N * 2), *o16 = malloc(N * 2);
    int32_t *a32 = malloc(N * 4), *b32 = malloc(N * 4), *o32 = malloc(N * 4);
    int64_t *a64 = malloc(N * 8), *b64 = malloc(N * 8), *o64 = malloc(N * 8);
    shoal_int128 *a128 = malloc(N * 16), *b128 = malloc(N * 16), *o128 = malloc(N * 16);
    uint32_t *sel = malloc(N * 4);
    int bad = 0, overflows_seen = 0;
    for (size_t li = 0; li < NLENGTHS; li++) {
        uint32_t n = lengths[li];
        for (int mode = 0; mode < 3; mode++) {
            fill_i64(a64, n, mode);
            fill_i64(b64, n, mode == 0 ? 2 : mode);
            fill_i32(a32, n, mode);
            fill_i32(b32, n, mode == 0 ? 2 : mode);
            for (uint32_t i = 0; i < n; i++) {
                a16[i] = (int16_t)a32[i];
                b16[i] = (int16_t)(mode == 2 && rnd_below(3) == 0 ? (rnd_below(2) ? INT16_MAX : INT16_MIN) : b32[i]);
                a128[i] = (shoal_int128)a64[i] * (rnd_below(4) == 0 ? ((shoal_int128)1 << 64) : 1);
                b128[i] = (shoal_int128)b64[i] * (rnd_below(4) == 0 ? ((shoal_int128)1 << 64) : 1);
                shoal_int128 i128_max = (shoal_int128)(((unsigned __int128)1 << 127) - 1);
                if (mode == 2 && rnd_below(5) == 0) a128[i] = rnd_below(2) ? i128_max : -i128_max - 1;
            }
            for (int pattern = 0; pattern < 6; pattern++) {
                uint64_t *valid = make_validity(n, pattern);
                for (int density = -1; density <= 100; density += 25) {
                    uint32_t m = n, *s = NULL;
                    if (density >= 0) {
                        m = make_selection(n, density, sel);
                        s = sel;
                    }
                    bad += check_add_sub_i16(a16, b16, n, s, m, valid, o16);
                    bad += check_add_sub_i32(a32, b32, n, s, m, valid, o32);
                    bad += check_add_sub_i64(a64, b64, n, s, m, valid, o64);
                    bad += check_add_sub_i128(a128, b128, n, s, m, valid, o128);
                    overflows_seen += kernel_arith_i64(SHOAL_KARITH_ADD, a64, b64, o64, s, m, valid) == SHOAL_KSTATUS_OVERFLOW;
                }
                free(valid);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(overflows_seen > 0);
    /* known answers: an overflow in a row between the selected ones, or under a NULL, does not count */
    int64_t x[4] = {INT64_MAX, 1, INT64_MAX, 5}, y[4] = {1, 2, 1, -7}, z[4];
    uint32_t skip[2] = {1, 3};
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_ADD, x, y, z, skip, 2, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(z[1] == 3 && z[3] == -2);
    uint64_t odd = 0xa; /* rows 1 and 3 valid */
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_ADD, x, y, z, NULL, 4, &odd), SHOAL_KSTATUS_OK);
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_ADD, x, y, z, NULL, 4, NULL), SHOAL_KSTATUS_OVERFLOW);
    int64_t mn[1] = {INT64_MIN}, one[1] = {1};
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_SUB, mn, one, z, NULL, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_SUB, one, mn, z, NULL, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_SUB, mn, mn, z, NULL, 1, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(z[0] == 0);
    free(a16); free(b16); free(o16);
    free(a32); free(b32); free(o32);
    free(a64); free(b64); free(o64);
    free(a128); free(b128); free(o128);
    free(sel);
}

/* ================================ scalar kernels ================================ */

static void test_scalar_kernels(void)
{
    int32_t a[6] = {1, INT32_MAX, 7, INT32_MIN, 9, -7}, b[6] = {2, 1, 0, -1, 3, 2}, o[6];
    uint32_t sel_ok[1] = {0};
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_ADD, a, b, o, sel_ok, 1, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT_EQUAL(o[0], 3);
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_ADD, a, b, o, NULL, 2, NULL), SHOAL_KSTATUS_OVERFLOW);
    /* row 1 NULL: its overflow does not count */
    uint64_t valid = ~2ull;
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_ADD, a, b, o, NULL, 2, &valid), SHOAL_KSTATUS_OK);
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_DIV, a, b, o, NULL, 3, NULL), SHOAL_KSTATUS_DIV_ZERO);
    uint32_t sel_min[1] = {3};
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_DIV, a, b, o, sel_min, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_MOD, a, b, o, sel_min, 1, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT_EQUAL(o[3], 0);
    uint32_t sel2[2] = {4, 5};
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_MOD, a, b, o, sel2, 2, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(o[4] == 0 && o[5] == -1);
    CU_ASSERT_EQUAL(kernel_arith_i32(SHOAL_KARITH_DIV, a, b, o, sel2, 2, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(o[4] == 3 && o[5] == -3);
    CU_ASSERT_EQUAL(kernel_neg_i32(a, o, sel_min, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    CU_ASSERT_EQUAL(kernel_abs_i32(a, o, sel2, 2, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(o[4] == 9 && o[5] == 7);
    int16_t s1[1] = {30000}, s2[1] = {30000}, so[1];
    CU_ASSERT_EQUAL(kernel_arith_i16(SHOAL_KARITH_ADD, s1, s2, so, NULL, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    int64_t l1[1] = {INT64_MAX / 2 + 1}, l2[1] = {2}, lo[1];
    CU_ASSERT_EQUAL(kernel_arith_i64(SHOAL_KARITH_MUL, l1, l2, lo, NULL, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    shoal_int128 h1[1] = {((shoal_int128)1 << 100)}, h2[1] = {((shoal_int128)1 << 27)}, ho[1];
    CU_ASSERT_EQUAL(kernel_arith_i128(SHOAL_KARITH_MUL, h1, h2, ho, NULL, 1, NULL), SHOAL_KSTATUS_OVERFLOW);
    h2[0] = 3;
    CU_ASSERT_EQUAL(kernel_arith_i128(SHOAL_KARITH_MUL, h1, h2, ho, NULL, 1, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT(ho[0] == ((shoal_int128)3 << 100));
    double d1[2] = {1, 2}, d2[2] = {0, 4}, dout[2];
    CU_ASSERT_EQUAL(kernel_arith_f64(SHOAL_KARITH_DIV, d1, d2, dout, NULL, 2, NULL), SHOAL_KSTATUS_DIV_ZERO);
    uint32_t sel1[1] = {1};
    CU_ASSERT_EQUAL(kernel_arith_f64(SHOAL_KARITH_DIV, d1, d2, dout, sel1, 1, NULL), SHOAL_KSTATUS_OK);
    CU_ASSERT_DOUBLE_EQUAL(dout[1], 0.5, 1e-15);

    uint8_t r[6];
    kernel_cmp_i32(SHOAL_KCMP_LE, a, b, r, NULL, 6);
    CU_ASSERT(r[0] == 1 && r[1] == 0 && r[2] == 0 && r[3] == 1 && r[4] == 0 && r[5] == 1);
    shoal_string x[3] = {{"abc", 3}, {"ab", 2}, {"b", 1}}, y[3] = {{"abd", 3}, {"abc", 3}, {"a", 1}};
    kernel_cmp_string(SHOAL_KCMP_LT, x, y, r, NULL, 3, NULL);
    CU_ASSERT(r[0] == 1 && r[1] == 1 && r[2] == 0);
    /* a NULL string row is not touched */
    shoal_string bad[2] = {{(const char *)16, 99}, {"a", 1}}, other[2] = {{"a", 1}, {"a", 1}};
    uint64_t v1 = 2;
    r[0] = 7;
    kernel_cmp_string(SHOAL_KCMP_EQ, bad, other, r, NULL, 2, &v1);
    CU_ASSERT(r[0] == 7 && r[1] == 1);
    double n1[1] = {NAN}, n2[1] = {NAN};
    kernel_cmp_f64(SHOAL_KCMP_EQ, n1, n2, r, NULL, 1);
    CU_ASSERT_EQUAL(r[0], 0);
}

/* ==================================== hashing ==================================== */

static void test_hash(void)
{
    int16_t a16[3] = {-5, 0, 7};
    int32_t a32[3] = {-5, 0, 7};
    int64_t a64[3] = {-5, 0, 7};
    shoal_int128 a128[3] = {-5, 0, 7};
    uint64_t h16[3], h32[3], h64[3], h128[3];
    kernel_hash_i16(a16, NULL, 3, NULL, h16, false);
    kernel_hash_i32(a32, NULL, 3, NULL, h32, false);
    kernel_hash_i64(a64, NULL, 3, NULL, h64, false);
    kernel_hash_i128(a128, NULL, 3, NULL, h128, false);
    for (int i = 0; i < 3; i++) CU_ASSERT(h16[i] == h64[i] && h32[i] == h64[i] && h128[i] == h64[i]);
    CU_ASSERT(h64[0] != h64[1] && h64[1] != h64[2]);
    /* a wide int128 differs from its low half */
    shoal_int128 wide[2] = {((shoal_int128)1 << 64) + 7, 7};
    uint64_t hw[2];
    kernel_hash_i128(wide, NULL, 2, NULL, hw, false);
    CU_ASSERT(hw[0] != hw[1] && hw[1] == h64[2]);
    /* selection: compact output; NULL -> SHOAL_HASH_NULL */
    uint32_t sel[2] = {2, 0};
    uint64_t valid = 1; /* only row 0 valid */
    uint64_t hs[2];
    kernel_hash_i32(a32, sel, 2, &valid, hs, false);
    CU_ASSERT(hs[0] == SHOAL_HASH_NULL && hs[1] == h32[0]);
    /* combining: matches the formula, and order matters */
    uint64_t hc[3];
    memcpy(hc, h32, sizeof hc);
    kernel_hash_i64(a64, NULL, 3, NULL, hc, true);
    for (int i = 0; i < 3; i++) CU_ASSERT(hc[i] == shoal_hash_combine(h32[i], (uint64_t)a64[i]));
    int32_t p[1] = {1}, q[1] = {2};
    uint64_t hpq[1], hqp[1];
    kernel_hash_i32(p, NULL, 1, NULL, hpq, false);
    kernel_hash_i32(q, NULL, 1, NULL, hpq, true);
    kernel_hash_i32(q, NULL, 1, NULL, hqp, false);
    kernel_hash_i32(p, NULL, 1, NULL, hqp, true);
    CU_ASSERT(hpq[0] != hqp[0]);
    /* doubles: -0.0 like 0.0, NaNs alike, REAL like the widened DOUBLE */
    double dd[4] = {0.0, -0.0, NAN, -NAN};
    float ff[1] = {1.5f};
    double d15[1] = {1.5};
    uint64_t hd[4], hf[1], hd15[1];
    kernel_hash_f64(dd, NULL, 4, NULL, hd, false);
    kernel_hash_f32(ff, NULL, 1, NULL, hf, false);
    kernel_hash_f64(d15, NULL, 1, NULL, hd15, false);
    CU_ASSERT(hd[0] == hd[1] && hd[2] == hd[3] && hd[0] != hd[2] && hf[0] == hd15[0]);
    /* strings by bytes, whatever the pointer */
    char buf1[] = "hello, world: a longer key", buf2[] = "hello, world: a longer key";
    shoal_string s[4] = {{buf1, 25}, {buf2, 25}, {buf1, 24}, {"", 0}};
    uint64_t hstr[4];
    kernel_hash_string(s, NULL, 4, NULL, hstr, false);
    CU_ASSERT(hstr[0] == hstr[1] && hstr[0] != hstr[2] && hstr[3] != hstr[0]);
    /* the vector dispatcher gives the typed kernel's answer */
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_INTEGER), 3);
    for (int i = 0; i < 3; i++) shoal_vector_append_i64(&v, a32[i]);
    uint64_t hv[3];
    kernel_hash_vector(&v, NULL, 3, hv, false);
    CU_ASSERT(memcmp(hv, h32, sizeof hv) == 0);
    shoal_vector_free(&v);
    /* spread: consecutive keys fill 1024 buckets evenly (low bits and high bits) */
    enum { KEYS = 1 << 18, BUCKETS = 1024 };
    int64_t *keys = malloc(KEYS * sizeof(int64_t));
    uint64_t *h = malloc(KEYS * sizeof(uint64_t));
    for (int i = 0; i < KEYS; i++) keys[i] = i;
    kernel_hash_i64(keys, NULL, KEYS, NULL, h, false);
    int lo[BUCKETS] = {0}, hi[BUCKETS] = {0};
    for (int i = 0; i < KEYS; i++) {
        lo[h[i] % BUCKETS]++;
        hi[h[i] >> 54]++;
    }
    int worst = 0;
    for (int b = 0; b < BUCKETS; b++) {
        int dl = abs(lo[b] - KEYS / BUCKETS), dh = abs(hi[b] - KEYS / BUCKETS);
        if (dl > worst) worst = dl;
        if (dh > worst) worst = dh;
    }
    CU_ASSERT(worst < KEYS / BUCKETS / 4); /* within 25% of the mean (~6 sigma) */
    free(keys);
    free(h);
}

/* ===================================== LIKE ===================================== */

typedef struct like_case {
    const char *pattern, *subject;
    bool ci, expect;
} like_case;

static const like_case like_cases[] = {
    {"abc", "abc", false, true},
    {"abc", "abcd", false, false},
    {"", "", false, true},
    {"", "a", false, false},
    {"%", "", false, true},
    {"%", "anything", false, true},
    {"%%", "x", false, true},
    {"PROMO%", "PROMO BRUSHED TIN", false, true},
    {"PROMO%", "STANDARD PROMO", false, false},
    {"%BRASS", "LARGE POLISHED BRASS", false, true},
    {"%BRASS", "BRASS PLATED", false, false},
    {"%green%", "forest green metallic", false, true},
    {"%green%", "forest gree", false, false},
    {"%Customer%Complaints%", "xx Customer yy Complaints zz", false, true},
    {"%Customer%Complaints%", "Complaints before Customer", false, false},
    {"%special%requests%", "special requests", false, true},
    {"forest%", "forest", false, true},
    {"a_c", "abc", false, true},
    {"a_c", "ac", false, false},
    {"a_c", "a\xc3\xa9" "c", false, true}, /* _ matches one UTF-8 character */
    {"__", "\xc3\xa9\xc3\xa9", false, true},
    {"%_", "", false, false},
    {"_%_", "ab", false, true},
    {"a%b%c", "abc", false, true},
    {"a%b%c", "aXbYc", false, true},
    {"a%b%c", "acb", false, false},
    {"a%bc", "abcbc", false, true},
    {"%ab%ab", "abab", false, true},
    {"%aab", "aaab", false, true},
    {"100\\%", "100%", false, true},
    {"100\\%", "1000", false, false},
    {"a\\_b", "a_b", false, true},
    {"a\\_b", "axb", false, false},
    {"x\\\\y", "x\\y", false, true},
    {"%o_x%", "hello world", false, false},
    {"%o_l%", "hello world", false, true},
    {"%l_o%", "hello world", false, true},
    {"ABC%", "abcdef", true, true},
    {"%Green%", "FOREST GREEN", true, true},
    {"abc", "ABD", true, false},
    {"%\xc3\xa9t\xc3\xa9", "un \xc3\xa9t\xc3\xa9", false, true},
};

static void test_like_table(void)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof like_cases / sizeof like_cases[0]; i++) {
        const like_case *c = &like_cases[i];
        shoal_like_pattern p;
        CU_ASSERT_FATAL(shoal_like_compile(c->pattern, (uint32_t)strlen(c->pattern), c->ci, &p));
        bool got = shoal_like_match(&p, c->subject, (uint32_t)strlen(c->subject));
        shoal_string s = {c->subject, (uint32_t)strlen(c->subject)};
        uint8_t k = 9;
        uint32_t zero = 0;
        kernel_like(&p, &s, &zero, 1, NULL, &k);
        if (got != c->expect || k != c->expect) {
            printf("\nLIKE case %zu: '%s' LIKE '%s' gave %d/%d, expected %d\n", i, c->subject, c->pattern, got, k, c->expect);
            failures++;
        }
        shoal_like_free(&p);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_like_kinds(void)
{
    struct { const char *p; shoal_like_kind kind; } kinds[] = {
        {"abc", SHOAL_LIKE_EXACT}, {"abc%", SHOAL_LIKE_PREFIX}, {"%abc", SHOAL_LIKE_SUFFIX},
        {"%abc%", SHOAL_LIKE_CONTAINS}, {"%", SHOAL_LIKE_ALL}, {"a%c", SHOAL_LIKE_GENERAL},
        {"a_c", SHOAL_LIKE_GENERAL}, {"100\\%", SHOAL_LIKE_EXACT},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        shoal_like_pattern p;
        CU_ASSERT_FATAL(shoal_like_compile(kinds[i].p, (uint32_t)strlen(kinds[i].p), false, &p));
        CU_ASSERT_EQUAL(p.kind, kinds[i].kind);
        shoal_like_free(&p);
    }
    shoal_like_pattern p;
    CU_ASSERT_FALSE(shoal_like_compile("abc\\", 4, false, &p)); /* ends with the escape */
    /* random strings: the matcher agrees with a simple recursive reference */
}

/* A recursive reference matcher over bytes (ASCII subjects only). */
static bool like_ref(const char *p, const char *s)
{
    if (!*p) return !*s;
    if (*p == '%') return like_ref(p + 1, s) || (*s && like_ref(p, s + 1));
    if (*p == '\\' && p[1]) return *s == p[1] && like_ref(p + 2, s + 1);
    if (*p == '_') return *s && like_ref(p + 1, s + 1);
    return *s == *p && like_ref(p + 1, s + 1);
}

static void test_like_random(void)
{
    const char alphabet[] = "ab%_";
    int failures = 0;
    for (int round = 0; round < 20000; round++) {
        char p[9], s[11];
        int pl = (int)rnd_below(8), sl = (int)rnd_below(10);
        for (int i = 0; i < pl; i++) p[i] = alphabet[rnd_below(4)];
        for (int i = 0; i < sl; i++) s[i] = "abc"[rnd_below(3)];
        p[pl] = s[sl] = 0;
        shoal_like_pattern lp;
        CU_ASSERT_FATAL(shoal_like_compile(p, (uint32_t)pl, false, &lp));
        if (shoal_like_match(&lp, s, (uint32_t)sl) != like_ref(p, s)) {
            if (failures < 5) printf("\nLIKE random: '%s' LIKE '%s'\n", s, p);
            failures++;
        }
        shoal_like_free(&lp);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_utf8(void)
{
    const char *s = "a\xc3\xa9\xe2\x82\xac" "b"; /* a é € b */
    uint32_t n = (uint32_t)strlen(s);
    CU_ASSERT_EQUAL(shoal_utf8_length(s, n), 4);
    CU_ASSERT_EQUAL(shoal_utf8_offset(s, n, 0), 0);
    CU_ASSERT_EQUAL(shoal_utf8_offset(s, n, 1), 1);
    CU_ASSERT_EQUAL(shoal_utf8_offset(s, n, 2), 3);
    CU_ASSERT_EQUAL(shoal_utf8_offset(s, n, 3), 6);
    CU_ASSERT_EQUAL(shoal_utf8_offset(s, n, 10), n);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("exec_kernels", NULL, NULL);
    CU_add_test(suite, "filter_i32_simd_vs_ref", test_filter_i32_simd_vs_ref);
    CU_add_test(suite, "filter_i64_simd_vs_ref", test_filter_i64_simd_vs_ref);
    CU_add_test(suite, "filter_known_answers", test_filter_known_answers);
    CU_add_test(suite, "sel_true", test_sel_true);
    CU_add_test(suite, "agg_simd_vs_ref", test_agg_simd_vs_ref);
    CU_add_test(suite, "agg_known_answers", test_agg_known_answers);
    CU_add_test(suite, "scalar_kernels", test_scalar_kernels);
    CU_add_test(suite, "wide_products_vs_ref", test_wide_products_vs_ref);
    CU_add_test(suite, "add_sub_spans_vs_ref", test_add_sub_spans_vs_ref);
    CU_add_test(suite, "hash", test_hash);
    CU_add_test(suite, "like_table", test_like_table);
    CU_add_test(suite, "like_kinds", test_like_kinds);
    CU_add_test(suite, "like_random_vs_reference", test_like_random);
    CU_add_test(suite, "utf8", test_utf8);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    printf("filter cases compared: %d\n", filter_cases);
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
