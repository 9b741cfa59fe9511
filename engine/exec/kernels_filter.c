/* Filter kernels: column OP constant over int32 and int64 columns, narrowing a selection
 * vector. SIMD (SIMDe AVX2-style: compare 8 int32 / 2x4 int64 lanes, movemask, left-pack the
 * row numbers through a permutation table) with a dense and a selection-vector path, each
 * stamped per type and operator from one macro; plain-C *_ref twins stamped the same way. */
#include "engine/exec/kernels.h"

#include <simde/x86/avx2.h>

/* compress_lut[m]: the positions of the set bits of the 8-bit mask m, in order, one per
 * nibble (lowest nibble first), zero-padded. Expanded to 8 lanes by lut_permutation. */
static const uint32_t compress_lut[256] = {
    0x00000000, 0x00000000, 0x00000001, 0x00000010, 0x00000002, 0x00000020, 0x00000021, 0x00000210,
    0x00000003, 0x00000030, 0x00000031, 0x00000310, 0x00000032, 0x00000320, 0x00000321, 0x00003210,
    0x00000004, 0x00000040, 0x00000041, 0x00000410, 0x00000042, 0x00000420, 0x00000421, 0x00004210,
    0x00000043, 0x00000430, 0x00000431, 0x00004310, 0x00000432, 0x00004320, 0x00004321, 0x00043210,
    0x00000005, 0x00000050, 0x00000051, 0x00000510, 0x00000052, 0x00000520, 0x00000521, 0x00005210,
    0x00000053, 0x00000530, 0x00000531, 0x00005310, 0x00000532, 0x00005320, 0x00005321, 0x00053210,
    0x00000054, 0x00000540, 0x00000541, 0x00005410, 0x00000542, 0x00005420, 0x00005421, 0x00054210,
    0x00000543, 0x00005430, 0x00005431, 0x00054310, 0x00005432, 0x00054320, 0x00054321, 0x00543210,
    0x00000006, 0x00000060, 0x00000061, 0x00000610, 0x00000062, 0x00000620, 0x00000621, 0x00006210,
    0x00000063, 0x00000630, 0x00000631, 0x00006310, 0x00000632, 0x00006320, 0x00006321, 0x00063210,
    0x00000064, 0x00000640, 0x00000641, 0x00006410, 0x00000642, 0x00006420, 0x00006421, 0x00064210,
    0x00000643, 0x00006430, 0x00006431, 0x00064310, 0x00006432, 0x00064320, 0x00064321, 0x00643210,
    0x00000065, 0x00000650, 0x00000651, 0x00006510, 0x00000652, 0x00006520, 0x00006521, 0x00065210,
    0x00000653, 0x00006530, 0x00006531, 0x00065310, 0x00006532, 0x00065320, 0x00065321, 0x00653210,
    0x00000654, 0x00006540, 0x00006541, 0x00065410, 0x00006542, 0x00065420, 0x00065421, 0x00654210,
    0x00006543, 0x00065430, 0x00065431, 0x00654310, 0x00065432, 0x00654320, 0x00654321, 0x06543210,
    0x00000007, 0x00000070, 0x00000071, 0x00000710, 0x00000072, 0x00000720, 0x00000721, 0x00007210,
    0x00000073, 0x00000730, 0x00000731, 0x00007310, 0x00000732, 0x00007320, 0x00007321, 0x00073210,
    0x00000074, 0x00000740, 0x00000741, 0x00007410, 0x00000742, 0x00007420, 0x00007421, 0x00074210,
    0x00000743, 0x00007430, 0x00007431, 0x00074310, 0x00007432, 0x00074320, 0x00074321, 0x00743210,
    0x00000075, 0x00000750, 0x00000751, 0x00007510, 0x00000752, 0x00007520, 0x00007521, 0x00075210,
    0x00000753, 0x00007530, 0x00007531, 0x00075310, 0x00007532, 0x00075320, 0x00075321, 0x00753210,
    0x00000754, 0x00007540, 0x00007541, 0x00075410, 0x00007542, 0x00075420, 0x00075421, 0x00754210,
    0x00007543, 0x00075430, 0x00075431, 0x00754310, 0x00075432, 0x00754320, 0x00754321, 0x07543210,
    0x00000076, 0x00000760, 0x00000761, 0x00007610, 0x00000762, 0x00007620, 0x00007621, 0x00076210,
    0x00000763, 0x00007630, 0x00007631, 0x00076310, 0x00007632, 0x00076320, 0x00076321, 0x00763210,
    0x00000764, 0x00007640, 0x00007641, 0x00076410, 0x00007642, 0x00076420, 0x00076421, 0x00764210,
    0x00007643, 0x00076430, 0x00076431, 0x00764310, 0x00076432, 0x00764320, 0x00764321, 0x07643210,
    0x00000765, 0x00007650, 0x00007651, 0x00076510, 0x00007652, 0x00076520, 0x00076521, 0x00765210,
    0x00007653, 0x00076530, 0x00076531, 0x00765310, 0x00076532, 0x00765320, 0x00765321, 0x07653210,
    0x00007654, 0x00076540, 0x00076541, 0x00765410, 0x00076542, 0x00765420, 0x00765421, 0x07654210,
    0x00076543, 0x00765430, 0x00765431, 0x07654310, 0x00765432, 0x07654320, 0x07654321, 0x76543210,
};

static inline simde__m256i lut_permutation(uint32_t mask)
{
    const simde__m256i shifts = simde_mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
    simde__m256i packed = simde_mm256_set1_epi32((int32_t)compress_lut[mask]);
    return simde_mm256_and_si256(simde_mm256_srlv_epi32(packed, shifts), simde_mm256_set1_epi32(15));
}

/* Stores the lanes of `rows` selected by `mask` at out[0..popcount) (8 lanes are written:
 * callers keep out + 8 within the buffer, which holds because out <= the read cursor). */
static inline uint32_t compress_store(uint32_t *out, simde__m256i rows, uint32_t mask)
{
    simde_mm256_storeu_si256((simde__m256i *)(void *)out,
                             simde_mm256_permutevar8x32_epi32(rows, lut_permutation(mask)));
    return (uint32_t)__builtin_popcount(mask);
}

/* Validity bits of 8 selected rows as an 8-bit mask. */
static inline uint32_t gather_validity(const uint64_t *restrict validity, const uint32_t *rows)
{
    uint32_t m = 0;
    for (int j = 0; j < 8; j++) m |= (uint32_t)(validity[rows[j] >> 6] >> (rows[j] & 63) & 1) << j;
    return m;
}

/* ---- lane comparisons: a mask vector for (x OP c); ops that are a negation say INV 1 ---- */
#define CMP32_eq(x, c) simde_mm256_cmpeq_epi32(x, c)
#define CMP32_ne(x, c) simde_mm256_cmpeq_epi32(x, c)
#define CMP32_lt(x, c) simde_mm256_cmpgt_epi32(c, x)
#define CMP32_le(x, c) simde_mm256_cmpgt_epi32(x, c)
#define CMP32_gt(x, c) simde_mm256_cmpgt_epi32(x, c)
#define CMP32_ge(x, c) simde_mm256_cmpgt_epi32(c, x)
#define CMP64_eq(x, c) simde_mm256_cmpeq_epi64(x, c)
#define CMP64_ne(x, c) simde_mm256_cmpeq_epi64(x, c)
#define CMP64_lt(x, c) simde_mm256_cmpgt_epi64(c, x)
#define CMP64_le(x, c) simde_mm256_cmpgt_epi64(x, c)
#define CMP64_gt(x, c) simde_mm256_cmpgt_epi64(x, c)
#define CMP64_ge(x, c) simde_mm256_cmpgt_epi64(c, x)
#define INV_eq 0
#define INV_ne 1
#define INV_lt 0
#define INV_le 1
#define INV_gt 0
#define INV_ge 1
#define SCALAR_eq ==
#define SCALAR_ne !=
#define SCALAR_lt <
#define SCALAR_le <=
#define SCALAR_gt >
#define SCALAR_ge >=

#define MASK32(x, vc, OP) ((uint32_t)simde_mm256_movemask_ps(simde_mm256_castsi256_ps(CMP32_##OP(x, vc))) ^ (INV_##OP ? 0xffu : 0u))
#define MASK64(lo, hi, vc, OP)                                                                          \
    (((uint32_t)simde_mm256_movemask_pd(simde_mm256_castsi256_pd(CMP64_##OP(lo, vc))) |                \
      (uint32_t)simde_mm256_movemask_pd(simde_mm256_castsi256_pd(CMP64_##OP(hi, vc))) << 4) ^          \
     (INV_##OP ? 0xffu : 0u))

/* Scalar tail / reference loops: branch-free append of the row number. */
#define SCALAR_DENSE_LOOP(OP, START)                                                                    \
    if (validity) {                                                                                     \
        for (uint32_t r = (START); r < n; r++) {                                                        \
            out_sel[k] = r;                                                                             \
            k += (uint32_t)((col[r] SCALAR_##OP c) & shoal_bit_is_set(validity, r));                    \
        }                                                                                               \
    } else {                                                                                            \
        for (uint32_t r = (START); r < n; r++) {                                                        \
            out_sel[k] = r;                                                                             \
            k += (uint32_t)(col[r] SCALAR_##OP c);                                                      \
        }                                                                                               \
    }
#define SCALAR_SEL_LOOP(OP, START)                                                                      \
    if (validity) {                                                                                     \
        for (uint32_t j_ = (START); j_ < n; j_++) {                                                        \
            uint32_t r = sel[j_];                                                                        \
            sel[k] = r;                                                                                 \
            k += (uint32_t)((col[r] SCALAR_##OP c) & shoal_bit_is_set(validity, r));                    \
        }                                                                                               \
    } else {                                                                                            \
        for (uint32_t j_ = (START); j_ < n; j_++) {                                                        \
            uint32_t r = sel[j_];                                                                        \
            sel[k] = r;                                                                                 \
            k += (uint32_t)(col[r] SCALAR_##OP c);                                                      \
        }                                                                                               \
    }

/* ---- the kernels: one macro per type, stamped for each operator ---- */
#define DEFINE_FILTER_I32(OP)                                                                           \
    uint32_t kernel_filter_##OP##_i32_dense(const int32_t *restrict col, uint32_t n,                    \
                                            const uint64_t *restrict validity, int32_t c,               \
                                            uint32_t *restrict out_sel)                                 \
    {                                                                                                   \
        uint32_t k = 0, i = 0;                                                                          \
        const simde__m256i vc = simde_mm256_set1_epi32(c), eight = simde_mm256_set1_epi32(8);           \
        simde__m256i rows = simde_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);                             \
        if (validity) {                                                                                 \
            for (; i + 8 <= n; i += 8) {                                                                \
                simde__m256i x = simde_mm256_loadu_si256((const void *)(col + i));                      \
                uint32_t m = MASK32(x, vc, OP) & (uint32_t)(validity[i >> 6] >> (i & 63)) & 0xffu;      \
                k += compress_store(out_sel + k, rows, m);                                              \
                rows = simde_mm256_add_epi32(rows, eight);                                              \
            }                                                                                           \
        } else {                                                                                        \
            for (; i + 8 <= n; i += 8) {                                                                \
                simde__m256i x = simde_mm256_loadu_si256((const void *)(col + i));                      \
                k += compress_store(out_sel + k, rows, MASK32(x, vc, OP));                              \
                rows = simde_mm256_add_epi32(rows, eight);                                              \
            }                                                                                           \
        }                                                                                               \
        SCALAR_DENSE_LOOP(OP, i)                                                                        \
        return k;                                                                                       \
    }                                                                                                   \
    uint32_t kernel_filter_##OP##_i32_sel(const int32_t *restrict col, uint32_t *restrict sel, uint32_t n, \
                                          const uint64_t *restrict validity, int32_t c)                 \
    {                                                                                                   \
        uint32_t k = 0, i = 0;                                                                          \
        const simde__m256i vc = simde_mm256_set1_epi32(c);                                              \
        for (; i + 8 <= n; i += 8) {                                                                    \
            simde__m256i rows = simde_mm256_loadu_si256((const void *)(sel + i));                       \
            simde__m256i x = simde_mm256_i32gather_epi32(col, rows, 4);                                 \
            uint32_t m = MASK32(x, vc, OP);                                                             \
            if (validity) m &= gather_validity(validity, sel + i);                                      \
            k += compress_store(sel + k, rows, m);                                                      \
        }                                                                                               \
        SCALAR_SEL_LOOP(OP, i)                                                                          \
        return k;                                                                                       \
    }

#define DEFINE_FILTER_I64(OP)                                                                           \
    uint32_t kernel_filter_##OP##_i64_dense(const int64_t *restrict col, uint32_t n,                    \
                                            const uint64_t *restrict validity, int64_t c,               \
                                            uint32_t *restrict out_sel)                                 \
    {                                                                                                   \
        uint32_t k = 0, i = 0;                                                                          \
        const simde__m256i vc = simde_mm256_set1_epi64x(c), eight = simde_mm256_set1_epi32(8);         \
        simde__m256i rows = simde_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);                             \
        if (validity) {                                                                                 \
            for (; i + 8 <= n; i += 8) {                                                                \
                simde__m256i lo = simde_mm256_loadu_si256((const void *)(col + i));                     \
                simde__m256i hi = simde_mm256_loadu_si256((const void *)(col + i + 4));                 \
                uint32_t m = MASK64(lo, hi, vc, OP) & (uint32_t)(validity[i >> 6] >> (i & 63)) & 0xffu; \
                k += compress_store(out_sel + k, rows, m);                                              \
                rows = simde_mm256_add_epi32(rows, eight);                                              \
            }                                                                                           \
        } else {                                                                                        \
            for (; i + 8 <= n; i += 8) {                                                                \
                simde__m256i lo = simde_mm256_loadu_si256((const void *)(col + i));                     \
                simde__m256i hi = simde_mm256_loadu_si256((const void *)(col + i + 4));                 \
                k += compress_store(out_sel + k, rows, MASK64(lo, hi, vc, OP));                         \
                rows = simde_mm256_add_epi32(rows, eight);                                              \
            }                                                                                           \
        }                                                                                               \
        SCALAR_DENSE_LOOP(OP, i)                                                                        \
        return k;                                                                                       \
    }                                                                                                   \
    uint32_t kernel_filter_##OP##_i64_sel(const int64_t *restrict col, uint32_t *restrict sel, uint32_t n, \
                                          const uint64_t *restrict validity, int64_t c)                 \
    {                                                                                                   \
        uint32_t k = 0, i = 0;                                                                          \
        const simde__m256i vc = simde_mm256_set1_epi64x(c);                                             \
        for (; i + 8 <= n; i += 8) {                                                                    \
            simde__m256i rows = simde_mm256_loadu_si256((const void *)(sel + i));                       \
            simde__m256i lo = simde_mm256_i32gather_epi64(col, simde_mm256_castsi256_si128(rows), 8);   \
            simde__m256i hi = simde_mm256_i32gather_epi64(col, simde_mm256_extracti128_si256(rows, 1), 8); \
            uint32_t m = MASK64(lo, hi, vc, OP);                                                        \
            if (validity) m &= gather_validity(validity, sel + i);                                      \
            k += compress_store(sel + k, rows, m);                                                      \
        }                                                                                               \
        SCALAR_SEL_LOOP(OP, i)                                                                          \
        return k;                                                                                       \
    }

#define DEFINE_FILTER_REF(T, SUF, OP)                                                                   \
    uint32_t kernel_filter_##OP##_##SUF##_dense_ref(const T *restrict col, uint32_t n,                  \
                                                    const uint64_t *restrict validity, T c,             \
                                                    uint32_t *restrict out_sel)                         \
    {                                                                                                   \
        uint32_t k = 0;                                                                                 \
        SCALAR_DENSE_LOOP(OP, 0)                                                                        \
        return k;                                                                                       \
    }                                                                                                   \
    uint32_t kernel_filter_##OP##_##SUF##_sel_ref(const T *restrict col, uint32_t *restrict sel, uint32_t n, \
                                                  const uint64_t *restrict validity, T c)               \
    {                                                                                                   \
        uint32_t k = 0;                                                                                 \
        SCALAR_SEL_LOOP(OP, 0)                                                                          \
        return k;                                                                                       \
    }

#define FOR_EACH_CMP(X) X(eq) X(ne) X(lt) X(le) X(gt) X(ge)
FOR_EACH_CMP(DEFINE_FILTER_I32)
FOR_EACH_CMP(DEFINE_FILTER_I64)
#define DEFINE_FILTER_REF_I32(OP) DEFINE_FILTER_REF(int32_t, i32, OP)
#define DEFINE_FILTER_REF_I64(OP) DEFINE_FILTER_REF(int64_t, i64, OP)
FOR_EACH_CMP(DEFINE_FILTER_REF_I32)
FOR_EACH_CMP(DEFINE_FILTER_REF_I64)

/* ---- dispatchers: one switch per batch ---- */
#define DEFINE_FILTER_DISPATCH(T, SUF, REF)                                                             \
    uint32_t kernel_filter_dense_##SUF##REF(shoal_kernel_cmp op, const T *col, uint32_t n,              \
                                            const uint64_t *validity, T c, uint32_t *out_sel)           \
    {                                                                                                   \
        switch (op) {                                                                                   \
        case SHOAL_KCMP_EQ: return kernel_filter_eq_##SUF##_dense##REF(col, n, validity, c, out_sel);   \
        case SHOAL_KCMP_NE: return kernel_filter_ne_##SUF##_dense##REF(col, n, validity, c, out_sel);   \
        case SHOAL_KCMP_LT: return kernel_filter_lt_##SUF##_dense##REF(col, n, validity, c, out_sel);   \
        case SHOAL_KCMP_LE: return kernel_filter_le_##SUF##_dense##REF(col, n, validity, c, out_sel);   \
        case SHOAL_KCMP_GT: return kernel_filter_gt_##SUF##_dense##REF(col, n, validity, c, out_sel);   \
        case SHOAL_KCMP_GE: return kernel_filter_ge_##SUF##_dense##REF(col, n, validity, c, out_sel);   \
        default: return 0;                                                                              \
        }                                                                                               \
    }                                                                                                   \
    uint32_t kernel_filter_sel_##SUF##REF(shoal_kernel_cmp op, const T *col, uint32_t *sel, uint32_t n, \
                                          const uint64_t *validity, T c)                                \
    {                                                                                                   \
        switch (op) {                                                                                   \
        case SHOAL_KCMP_EQ: return kernel_filter_eq_##SUF##_sel##REF(col, sel, n, validity, c);         \
        case SHOAL_KCMP_NE: return kernel_filter_ne_##SUF##_sel##REF(col, sel, n, validity, c);         \
        case SHOAL_KCMP_LT: return kernel_filter_lt_##SUF##_sel##REF(col, sel, n, validity, c);         \
        case SHOAL_KCMP_LE: return kernel_filter_le_##SUF##_sel##REF(col, sel, n, validity, c);         \
        case SHOAL_KCMP_GT: return kernel_filter_gt_##SUF##_sel##REF(col, sel, n, validity, c);         \
        case SHOAL_KCMP_GE: return kernel_filter_ge_##SUF##_sel##REF(col, sel, n, validity, c);         \
        default: return 0;                                                                              \
        }                                                                                               \
    }
DEFINE_FILTER_DISPATCH(int32_t, i32, )
DEFINE_FILTER_DISPATCH(int64_t, i64, )
DEFINE_FILTER_DISPATCH(int32_t, i32, _ref)
DEFINE_FILTER_DISPATCH(int64_t, i64, _ref)

/* ---- BOOLEAN vector -> selection ---- */
uint32_t kernel_sel_true(const uint8_t *restrict vals, const uint64_t *restrict validity, const uint32_t *sel,
                         uint32_t n, uint32_t *out_sel)
{
    uint32_t k = 0;
    if (sel) {
        if (validity) {
            for (uint32_t i = 0; i < n; i++) {
                uint32_t r = sel[i];
                out_sel[k] = r;
                k += (uint32_t)((vals[r] != 0) & shoal_bit_is_set(validity, r));
            }
        } else {
            for (uint32_t i = 0; i < n; i++) {
                uint32_t r = sel[i];
                out_sel[k] = r;
                k += (uint32_t)(vals[r] != 0);
            }
        }
    } else {
        if (validity) {
            for (uint32_t r = 0; r < n; r++) {
                out_sel[k] = r;
                k += (uint32_t)((vals[r] != 0) & shoal_bit_is_set(validity, r));
            }
        } else {
            for (uint32_t r = 0; r < n; r++) {
                out_sel[k] = r;
                k += (uint32_t)(vals[r] != 0);
            }
        }
    }
    return k;
}
