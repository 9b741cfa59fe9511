/* Aggregate kernels: COUNT, SUM, MIN, MAX over the selected non-NULL values of one vector,
 * folded into an accumulator (aggregation fast paths). Dense rows run SIMD (SIMDe AVX2-style)
 * for int32/int64 with NULLs masked per lane; a selection vector runs the scalar loop, which
 * is also the *_ref twin the tests compare the SIMD code against. */
#include "engine/exec/kernels.h"

#include <simde/x86/avx2.h>

/* Loops over the selected rows that are not NULL: four stamped loops (dense or selection,
 * with or without a validity bitmap), the body sees the row number `r`. */
#define FOR_VALID_ROWS(sel, n, validity, r, ...)                                                       \
    do {                                                                                               \
        if (sel) {                                                                                     \
            if (validity) {                                                                            \
                for (uint32_t i_ = 0; i_ < (n); i_++) {                                                \
                    uint32_t r = (sel)[i_];                                                            \
                    if (shoal_bit_is_set(validity, r)) { __VA_ARGS__; }                                \
                }                                                                                      \
            } else {                                                                                   \
                for (uint32_t i_ = 0; i_ < (n); i_++) {                                                \
                    uint32_t r = (sel)[i_];                                                            \
                    __VA_ARGS__;                                                                       \
                }                                                                                      \
            }                                                                                          \
        } else if (validity) {                                                                         \
            for (uint32_t r = 0; r < (n); r++)                                                         \
                if (shoal_bit_is_set(validity, r)) { __VA_ARGS__; }                                    \
        } else {                                                                                       \
            for (uint32_t r = 0; r < (n); r++) { __VA_ARGS__; }                                        \
        }                                                                                              \
    } while (0)

/* ---- COUNT ---- */
uint32_t kernel_count_ref(const uint32_t *sel, uint32_t n, const uint64_t *validity)
{
    uint32_t count = 0;
    FOR_VALID_ROWS(sel, n, validity, r, (void)r; count++);
    return count;
}

uint32_t kernel_count(const uint32_t *sel, uint32_t n, const uint64_t *validity)
{
    if (!validity) return n;
    if (sel) return kernel_count_ref(sel, n, validity);
    uint32_t count = 0, words = n / 64;
    for (uint32_t w = 0; w < words; w++) count += (uint32_t)__builtin_popcountll(validity[w]);
    if (n % 64) count += (uint32_t)__builtin_popcountll(validity[words] & ((1ull << (n % 64)) - 1));
    return count;
}

/* Lane masks from validity bits: all-ones lanes for the rows that are not NULL. */
static inline simde__m256i lanes_from_bits4(uint64_t bits)
{
    const simde__m256i bit = simde_mm256_setr_epi64x(1, 2, 4, 8);
    return simde_mm256_cmpeq_epi64(simde_mm256_and_si256(simde_mm256_set1_epi64x((int64_t)bits), bit), bit);
}
static inline simde__m256i lanes_from_bits8(uint64_t bits)
{
    const simde__m256i bit = simde_mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return simde_mm256_cmpeq_epi32(simde_mm256_and_si256(simde_mm256_set1_epi32((int32_t)bits), bit), bit);
}
static inline uint64_t bits_at(const uint64_t *validity, uint32_t i, int width)
{
    return validity[i >> 6] >> (i & 63) & ((1ull << width) - 1);
}

/* ---- SUM ---- */
uint32_t kernel_sum_i32_to_i128_ref(const int32_t *restrict v, const uint32_t *sel, uint32_t n,
                                    const uint64_t *validity, shoal_int128 *acc)
{
    int64_t sum = 0; /* |sum| < 2^32 * 2^31: no overflow */
    uint32_t count = 0;
    FOR_VALID_ROWS(sel, n, validity, r, sum += v[r]; count++);
    *acc += sum;
    return count;
}

uint32_t kernel_sum_i32_to_i128(const int32_t *restrict v, const uint32_t *sel, uint32_t n,
                                const uint64_t *validity, shoal_int128 *acc)
{
    if (sel) return kernel_sum_i32_to_i128_ref(v, sel, n, validity, acc);
    simde__m256i s0 = simde_mm256_setzero_si256(), s1 = simde_mm256_setzero_si256();
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        simde__m256i x = simde_mm256_loadu_si256((const void *)(v + i));
        if (validity) x = simde_mm256_and_si256(x, lanes_from_bits8(bits_at(validity, i, 8)));
        s0 = simde_mm256_add_epi64(s0, simde_mm256_cvtepi32_epi64(simde_mm256_castsi256_si128(x)));
        s1 = simde_mm256_add_epi64(s1, simde_mm256_cvtepi32_epi64(simde_mm256_extracti128_si256(x, 1)));
    }
    int64_t lanes[4];
    simde_mm256_storeu_si256((void *)lanes, simde_mm256_add_epi64(s0, s1));
    int64_t sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    for (; i < n; i++)
        if (!validity || shoal_bit_is_set(validity, i)) sum += v[i];
    *acc += sum;
    return kernel_count(NULL, n, validity);
}

uint32_t kernel_sum_i64_to_i128_ref(const int64_t *restrict v, const uint32_t *sel, uint32_t n,
                                    const uint64_t *validity, shoal_int128 *acc)
{
    shoal_int128 sum = 0;
    uint32_t count = 0;
    FOR_VALID_ROWS(sel, n, validity, r, sum += v[r]; count++);
    *acc += sum;
    return count;
}

/* SIMD int64 -> int128 sum without 128-bit lanes: each value, read as unsigned, is
 * hi * 2^32 + lo; the lanes sum lo and hi separately (n < 2^32 values cannot overflow 64
 * bits) and count the negative values, which as unsigned were 2^64 too large. */
uint32_t kernel_sum_i64_to_i128(const int64_t *restrict v, const uint32_t *sel, uint32_t n,
                                const uint64_t *validity, shoal_int128 *acc)
{
    if (sel) return kernel_sum_i64_to_i128_ref(v, sel, n, validity, acc);
    const simde__m256i low32 = simde_mm256_set1_epi64x(0xffffffffLL), zero = simde_mm256_setzero_si256();
    simde__m256i lo = zero, hi = zero, neg = zero;
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        simde__m256i x = simde_mm256_loadu_si256((const void *)(v + i));
        if (validity) x = simde_mm256_and_si256(x, lanes_from_bits4(bits_at(validity, i, 4)));
        lo = simde_mm256_add_epi64(lo, simde_mm256_and_si256(x, low32));
        hi = simde_mm256_add_epi64(hi, simde_mm256_srli_epi64(x, 32));
        neg = simde_mm256_sub_epi64(neg, simde_mm256_cmpgt_epi64(zero, x));
    }
    uint64_t l[4], h[4], g[4];
    simde_mm256_storeu_si256((void *)l, lo);
    simde_mm256_storeu_si256((void *)h, hi);
    simde_mm256_storeu_si256((void *)g, neg);
    unsigned __int128 total = 0;
    for (int j = 0; j < 4; j++)
        total += ((unsigned __int128)h[j] << 32) + l[j] - ((unsigned __int128)g[j] << 64);
    shoal_int128 sum = (shoal_int128)total;
    for (; i < n; i++)
        if (!validity || shoal_bit_is_set(validity, i)) sum += v[i];
    *acc += sum;
    return kernel_count(NULL, n, validity);
}

uint32_t kernel_sum_i128(const shoal_int128 *restrict v, const uint32_t *sel, uint32_t n,
                         const uint64_t *validity, shoal_int128 *acc, bool *overflow)
{
    shoal_int128 sum = *acc;
    uint32_t count = 0;
    bool ovf = false;
    FOR_VALID_ROWS(sel, n, validity, r, ovf |= __builtin_add_overflow(sum, v[r], &sum); count++);
    *acc = sum;
    if (ovf) *overflow = true;
    return count;
}

uint32_t kernel_sum_f64(const double *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                        double *acc)
{
    double sum = *acc;
    uint32_t count = 0;
    FOR_VALID_ROWS(sel, n, validity, r, sum += v[r]; count++);
    *acc = sum;
    return count;
}

/* ---- MIN / MAX: scalar stamps (the references, and i128/f64) ---- */
#define DEFINE_MINMAX_SCALAR(T, SUF)                                                                   \
    uint32_t kernel_min_##SUF(const T *restrict v, const uint32_t *sel, uint32_t n,                    \
                              const uint64_t *validity, T *acc)                                        \
    {                                                                                                  \
        T m = *acc;                                                                                    \
        uint32_t count = 0;                                                                            \
        FOR_VALID_ROWS(sel, n, validity, r, m = v[r] < m ? v[r] : m; count++);                         \
        *acc = m;                                                                                      \
        return count;                                                                                  \
    }                                                                                                  \
    uint32_t kernel_max_##SUF(const T *restrict v, const uint32_t *sel, uint32_t n,                    \
                              const uint64_t *validity, T *acc)                                        \
    {                                                                                                  \
        T m = *acc;                                                                                    \
        uint32_t count = 0;                                                                            \
        FOR_VALID_ROWS(sel, n, validity, r, m = v[r] > m ? v[r] : m; count++);                         \
        *acc = m;                                                                                      \
        return count;                                                                                  \
    }
DEFINE_MINMAX_SCALAR(int32_t, i32_ref)
DEFINE_MINMAX_SCALAR(int64_t, i64_ref)
DEFINE_MINMAX_SCALAR(shoal_int128, i128)
DEFINE_MINMAX_SCALAR(double, f64)

/* ---- MIN / MAX SIMD: NULL lanes are replaced by the identity (the type's max for MIN) ---- */
#define MIN32(a, b) simde_mm256_min_epi32(a, b)
#define MAX32(a, b) simde_mm256_max_epi32(a, b)
#define DEFINE_MINMAX_I32(NAME, VOP, IDENTITY, SCALAR_BETTER)                                          \
    uint32_t kernel_##NAME##_i32(const int32_t *restrict v, const uint32_t *sel, uint32_t n,           \
                                 const uint64_t *validity, int32_t *acc)                               \
    {                                                                                                  \
        if (sel) return kernel_##NAME##_i32_ref(v, sel, n, validity, acc);                             \
        const simde__m256i ident = simde_mm256_set1_epi32(IDENTITY);                                   \
        simde__m256i m = simde_mm256_set1_epi32(*acc);                                                 \
        uint32_t i = 0;                                                                                \
        for (; i + 8 <= n; i += 8) {                                                                   \
            simde__m256i x = simde_mm256_loadu_si256((const void *)(v + i));                           \
            if (validity) x = simde_mm256_blendv_epi8(ident, x, lanes_from_bits8(bits_at(validity, i, 8))); \
            m = VOP(m, x);                                                                             \
        }                                                                                              \
        int32_t lanes[8];                                                                              \
        simde_mm256_storeu_si256((void *)lanes, m);                                                    \
        int32_t best = lanes[0];                                                                       \
        for (int j = 1; j < 8; j++) best = lanes[j] SCALAR_BETTER best ? lanes[j] : best;              \
        for (; i < n; i++)                                                                             \
            if (!validity || shoal_bit_is_set(validity, i)) best = v[i] SCALAR_BETTER best ? v[i] : best; \
        *acc = best;                                                                                   \
        return kernel_count(NULL, n, validity);                                                        \
    }
DEFINE_MINMAX_I32(min, MIN32, INT32_MAX, <)
DEFINE_MINMAX_I32(max, MAX32, INT32_MIN, >)

/* AVX2 has no 64-bit min/max: compare, then blend. */
#define MIN64(a, b) simde_mm256_blendv_epi8(a, b, simde_mm256_cmpgt_epi64(a, b))
#define MAX64(a, b) simde_mm256_blendv_epi8(a, b, simde_mm256_cmpgt_epi64(b, a))
#define DEFINE_MINMAX_I64(NAME, VOP, IDENTITY, SCALAR_BETTER)                                          \
    uint32_t kernel_##NAME##_i64(const int64_t *restrict v, const uint32_t *sel, uint32_t n,           \
                                 const uint64_t *validity, int64_t *acc)                               \
    {                                                                                                  \
        if (sel) return kernel_##NAME##_i64_ref(v, sel, n, validity, acc);                             \
        const simde__m256i ident = simde_mm256_set1_epi64x(IDENTITY);                                  \
        simde__m256i m = simde_mm256_set1_epi64x(*acc);                                               \
        uint32_t i = 0;                                                                                \
        for (; i + 4 <= n; i += 4) {                                                                   \
            simde__m256i x = simde_mm256_loadu_si256((const void *)(v + i));                           \
            if (validity) x = simde_mm256_blendv_epi8(ident, x, lanes_from_bits4(bits_at(validity, i, 4))); \
            m = VOP(m, x);                                                                             \
        }                                                                                              \
        int64_t lanes[4];                                                                              \
        simde_mm256_storeu_si256((void *)lanes, m);                                                    \
        int64_t best = lanes[0];                                                                       \
        for (int j = 1; j < 4; j++) best = lanes[j] SCALAR_BETTER best ? lanes[j] : best;              \
        for (; i < n; i++)                                                                             \
            if (!validity || shoal_bit_is_set(validity, i)) best = v[i] SCALAR_BETTER best ? v[i] : best; \
        *acc = best;                                                                                   \
        return kernel_count(NULL, n, validity);                                                        \
    }
DEFINE_MINMAX_I64(min, MIN64, INT64_MAX, <)
DEFINE_MINMAX_I64(max, MAX64, INT64_MIN, >)
