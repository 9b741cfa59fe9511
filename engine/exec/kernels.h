/* Kernels: tight typed loops over a vector's selected rows that the expression evaluator and
 * the operators call once per batch. Each family is stamped from one macro per type and
 * operator (MonetDB gdk_calc style); the SIMD ones (SIMDe, AVX2-style) have a plain-C *_ref
 * twin with identical results, which the tests and the benchmark compare against. */
#ifndef SHOAL_ENGINE_KERNELS_H
#define SHOAL_ENGINE_KERNELS_H

#include "engine/core/types.h"
#include "engine/core/vector.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Conventions for every kernel:
 *   sel        NULL: rows 0..n-1 ("dense"); else n ascending row numbers
 *   validity   NULL: no NULLs; else bit r set = row r is not NULL (as in shoal_vector)
 *   restrict   outputs never alias inputs unless a kernel says so ("in place"). */

static inline bool shoal_bit_is_set(const uint64_t *bits, uint32_t r) { return bits[r >> 6] >> (r & 63) & 1; }

/* ============================== filter: column OP constant ==============================
 * _dense: rows 0..n-1; writes the rows where col[r] OP c and the row is not NULL to out_sel
 *         (room for n) and returns how many.
 * _sel:   narrows sel[0..n) in place to those rows; returns the new count.
 * Stamped for int32 (INTEGER, DATE: 8 lanes) and int64 (BIGINT, TIMESTAMP, DECIMAL(p<=18):
 * 4 lanes, two registers per 8 rows): compare, movemask, then a compress of the 8 row numbers
 * through a permutation table (left-pack) stored unaligned at the output cursor. */
typedef enum shoal_kernel_cmp {
    SHOAL_KCMP_EQ = 0, SHOAL_KCMP_NE, SHOAL_KCMP_LT, SHOAL_KCMP_LE, SHOAL_KCMP_GT, SHOAL_KCMP_GE,
    SHOAL_KCMP_COUNT
} shoal_kernel_cmp;

#define SHOAL_FILTER_KERNEL_DECL(T, SUF, OP)                                                               \
    uint32_t kernel_filter_##OP##_##SUF##_dense(const T *restrict col, uint32_t n,                         \
                                                const uint64_t *restrict validity, T c,                    \
                                                uint32_t *restrict out_sel);                               \
    uint32_t kernel_filter_##OP##_##SUF##_sel(const T *restrict col, uint32_t *restrict sel, uint32_t n,   \
                                              const uint64_t *restrict validity, T c);                     \
    uint32_t kernel_filter_##OP##_##SUF##_dense_ref(const T *restrict col, uint32_t n,                     \
                                                    const uint64_t *restrict validity, T c,                \
                                                    uint32_t *restrict out_sel);                           \
    uint32_t kernel_filter_##OP##_##SUF##_sel_ref(const T *restrict col, uint32_t *restrict sel, uint32_t n, \
                                                  const uint64_t *restrict validity, T c);
#define SHOAL_FILTER_KERNEL_DECL_ALL_OPS(T, SUF)                                                           \
    SHOAL_FILTER_KERNEL_DECL(T, SUF, eq) SHOAL_FILTER_KERNEL_DECL(T, SUF, ne)                              \
    SHOAL_FILTER_KERNEL_DECL(T, SUF, lt) SHOAL_FILTER_KERNEL_DECL(T, SUF, le)                              \
    SHOAL_FILTER_KERNEL_DECL(T, SUF, gt) SHOAL_FILTER_KERNEL_DECL(T, SUF, ge)
SHOAL_FILTER_KERNEL_DECL_ALL_OPS(int32_t, i32)
SHOAL_FILTER_KERNEL_DECL_ALL_OPS(int64_t, i64)

/* Dispatchers: one switch on `op` per batch, then the kernel above. */
uint32_t kernel_filter_dense_i32(shoal_kernel_cmp op, const int32_t *col, uint32_t n, const uint64_t *validity,
                                 int32_t c, uint32_t *out_sel);
uint32_t kernel_filter_sel_i32(shoal_kernel_cmp op, const int32_t *col, uint32_t *sel, uint32_t n,
                               const uint64_t *validity, int32_t c);
uint32_t kernel_filter_dense_i64(shoal_kernel_cmp op, const int64_t *col, uint32_t n, const uint64_t *validity,
                                 int64_t c, uint32_t *out_sel);
uint32_t kernel_filter_sel_i64(shoal_kernel_cmp op, const int64_t *col, uint32_t *sel, uint32_t n,
                               const uint64_t *validity, int64_t c);
uint32_t kernel_filter_dense_i32_ref(shoal_kernel_cmp op, const int32_t *col, uint32_t n,
                                     const uint64_t *validity, int32_t c, uint32_t *out_sel);
uint32_t kernel_filter_sel_i32_ref(shoal_kernel_cmp op, const int32_t *col, uint32_t *sel, uint32_t n,
                                   const uint64_t *validity, int32_t c);
uint32_t kernel_filter_dense_i64_ref(shoal_kernel_cmp op, const int64_t *col, uint32_t n,
                                     const uint64_t *validity, int64_t c, uint32_t *out_sel);
uint32_t kernel_filter_sel_i64_ref(shoal_kernel_cmp op, const int64_t *col, uint32_t *sel, uint32_t n,
                                   const uint64_t *validity, int64_t c);

/* Rows (of sel, or 0..n-1) where a BOOLEAN vector is TRUE (not NULL, nonzero), written to
 * out_sel; returns the count. out_sel may be the same array as sel (in place). */
uint32_t kernel_sel_true(const uint8_t *restrict vals, const uint64_t *restrict validity, const uint32_t *sel,
                         uint32_t n, uint32_t *out_sel);

/* ========================== arithmetic and comparison ==========================
 * Vector-vector loops over the selected rows (constants arrive as filled vectors). The
 * arithmetic ones skip rows that are NULL in `valid` (the result's validity, NULL: none), so
 * garbage under a NULL never raises an error; they report the first problem as a status.
 * Integer +, - and the wide products may compute a dense selection's whole span (rows between
 * the selected ones and NULL rows included, whose outputs are then unspecified) and check
 * only the selected, non-NULL rows exactly.
 * Integers and scaled decimals: add/sub/mul checked with __builtin_*_overflow; div truncates;
 * MIN / -1 overflows; x % -1 = 0; division or modulo by zero -> SHOAL_KDIV_ZERO (floats too).
 * Comparisons write 0/1 for every selected row (NULLs are the caller's business); floats
 * compare as IEEE (NaN is unequal to everything), strings bytewise then by length. */
typedef enum shoal_kernel_arith {
    SHOAL_KARITH_ADD = 0, SHOAL_KARITH_SUB, SHOAL_KARITH_MUL, SHOAL_KARITH_DIV, SHOAL_KARITH_MOD
} shoal_kernel_arith;
typedef enum shoal_kernel_status { SHOAL_KSTATUS_OK = 0, SHOAL_KSTATUS_OVERFLOW, SHOAL_KSTATUS_DIV_ZERO } shoal_kernel_status;

#define SHOAL_ARITH_KERNEL_DECL(T, SUF)                                                                    \
    shoal_kernel_status kernel_arith_##SUF(shoal_kernel_arith op, const T *restrict a, const T *restrict b, \
                                           T *restrict o, const uint32_t *sel, uint32_t n,                 \
                                           const uint64_t *restrict valid);                                \
    shoal_kernel_status kernel_neg_##SUF(const T *restrict a, T *restrict o, const uint32_t *sel, uint32_t n, \
                                         const uint64_t *restrict valid);                                  \
    shoal_kernel_status kernel_abs_##SUF(const T *restrict a, T *restrict o, const uint32_t *sel, uint32_t n, \
                                         const uint64_t *restrict valid);
SHOAL_ARITH_KERNEL_DECL(int16_t, i16)
SHOAL_ARITH_KERNEL_DECL(int32_t, i32)
SHOAL_ARITH_KERNEL_DECL(int64_t, i64)
SHOAL_ARITH_KERNEL_DECL(shoal_int128, i128)
SHOAL_ARITH_KERNEL_DECL(float, f32)
SHOAL_ARITH_KERNEL_DECL(double, f64)

/* Exact products into int128 for DECIMAL(p>18) results whose operands are held in int64: no
 * cast to int128 first. i64 x i64 cannot overflow; i128 x i64 reports int128 overflow (the
 * result of kernel_arith_i128 MUL on the widened operands, which the tests compare against). */
shoal_kernel_status kernel_mul_i64_i64_to_i128(const int64_t *restrict a, const int64_t *restrict b,
                                               shoal_int128 *restrict o, const uint32_t *sel, uint32_t n,
                                               const uint64_t *restrict valid);
shoal_kernel_status kernel_mul_i128_i64_to_i128(const shoal_int128 *restrict a, const int64_t *restrict b,
                                                shoal_int128 *restrict o, const uint32_t *sel, uint32_t n,
                                                const uint64_t *restrict valid);

#define SHOAL_CMP_KERNEL_DECL(T, SUF)                                                                      \
    void kernel_cmp_##SUF(shoal_kernel_cmp op, const T *restrict a, const T *restrict b, uint8_t *restrict o, \
                          const uint32_t *sel, uint32_t n);
SHOAL_CMP_KERNEL_DECL(uint8_t, u8)
SHOAL_CMP_KERNEL_DECL(int16_t, i16)
SHOAL_CMP_KERNEL_DECL(int32_t, i32)
SHOAL_CMP_KERNEL_DECL(int64_t, i64)
SHOAL_CMP_KERNEL_DECL(shoal_int128, i128)
SHOAL_CMP_KERNEL_DECL(float, f32)
SHOAL_CMP_KERNEL_DECL(double, f64)
/* Strings skip the rows that are NULL in `valid` (their bytes may be garbage). */
void kernel_cmp_string(shoal_kernel_cmp op, const shoal_string *restrict a, const shoal_string *restrict b,
                       uint8_t *restrict o, const uint32_t *sel, uint32_t n, const uint64_t *restrict valid);
/* Three-way string comparison: bytes (unsigned), then length. */
int shoal_string_compare(shoal_string a, shoal_string b);

/* ==================================== hashing ====================================
 * hashes[i] for the i-th selected row (compact, in selection order). combine=false sets the
 * hash of the first key column; combine=true mixes the next column into hashes[i]. Integers
 * of every width (and BOOLEAN, DATE, TIMESTAMP, DECIMAL) hash by value, so equal values hash
 * alike whatever their width; an int128 that fits in 64 bits hashes like the int64. Doubles
 * hash their bits with -0.0 folded onto 0.0 and every NaN onto one; REAL hashes as the
 * widened double. Strings hash their bytes. NULL hashes as SHOAL_HASH_NULL. The functions are
 * pure, so every rank computes the same hash (DISTKEY placement relies on it). */
#define SHOAL_HASH_NULL 0x6a09e667f3bcc909ULL

/* murmur3's 64-bit finalizer: full avalanche. */
static inline uint64_t shoal_hash_fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}
static inline uint64_t shoal_hash_u64(uint64_t k) { return shoal_hash_fmix64(k ^ 0x9e3779b97f4a7c15ULL); }
/* Mixes the key hash k of the next column into h (order matters). */
static inline uint64_t shoal_hash_combine(uint64_t h, uint64_t k)
{
    return shoal_hash_fmix64((h * 0x9e3779b97f4a7c15ULL) ^ k ^ (h >> 29));
}
uint64_t shoal_hash_bytes(const void *data, size_t len);

void kernel_hash_u8(const uint8_t *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                    uint64_t *restrict hashes, bool combine);
void kernel_hash_i16(const int16_t *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                     uint64_t *restrict hashes, bool combine);
void kernel_hash_i32(const int32_t *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                     uint64_t *restrict hashes, bool combine);
void kernel_hash_i64(const int64_t *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                     uint64_t *restrict hashes, bool combine);
void kernel_hash_i128(const shoal_int128 *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                      uint64_t *restrict hashes, bool combine);
void kernel_hash_f32(const float *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                     uint64_t *restrict hashes, bool combine);
void kernel_hash_f64(const double *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                     uint64_t *restrict hashes, bool combine);
void kernel_hash_string(const shoal_string *restrict v, const uint32_t *sel, uint32_t n,
                        const uint64_t *validity, uint64_t *restrict hashes, bool combine);
/* Dispatches on the vector's physical type (one switch per batch). */
void kernel_hash_vector(const shoal_vector *v, const uint32_t *sel, uint32_t n, uint64_t *restrict hashes,
                        bool combine);

/* ================================ aggregation ================================
 * Fold the selected non-NULL values into *acc and return how many there were (so that a
 * caller knows whether SUM/MIN/MAX saw any value, and AVG's count). *acc must hold the
 * previous value (0, or the type's identity for MIN/MAX: e.g. INT32_MAX for min_i32).
 * int32 and int64 sums are exact (a batch of up to 2^32 rows cannot overflow the partial);
 * sum_i128 sets *overflow on int128 overflow. sum_f64 adds in row order. min/max of doubles
 * ignore NaN. SIMD (dense rows, with or without NULLs): count, sum_i32/i64, min/max_i32/i64;
 * with a selection vector they run the scalar loop. */
uint32_t kernel_count(const uint32_t *sel, uint32_t n, const uint64_t *validity);
uint32_t kernel_sum_i32_to_i128(const int32_t *restrict v, const uint32_t *sel, uint32_t n,
                                const uint64_t *validity, shoal_int128 *acc);
uint32_t kernel_sum_i64_to_i128(const int64_t *restrict v, const uint32_t *sel, uint32_t n,
                                const uint64_t *validity, shoal_int128 *acc);
uint32_t kernel_sum_i128(const shoal_int128 *restrict v, const uint32_t *sel, uint32_t n,
                         const uint64_t *validity, shoal_int128 *acc, bool *overflow);
uint32_t kernel_sum_f64(const double *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity,
                        double *acc);
#define SHOAL_MINMAX_KERNEL_DECL(T, SUF)                                                                   \
    uint32_t kernel_min_##SUF(const T *restrict v, const uint32_t *sel, uint32_t n,                        \
                              const uint64_t *validity, T *acc);                                           \
    uint32_t kernel_max_##SUF(const T *restrict v, const uint32_t *sel, uint32_t n,                        \
                              const uint64_t *validity, T *acc);
SHOAL_MINMAX_KERNEL_DECL(int32_t, i32)
SHOAL_MINMAX_KERNEL_DECL(int64_t, i64)
SHOAL_MINMAX_KERNEL_DECL(shoal_int128, i128)
SHOAL_MINMAX_KERNEL_DECL(double, f64)
/* Plain-C references of the SIMD ones. */
uint32_t kernel_count_ref(const uint32_t *sel, uint32_t n, const uint64_t *validity);
uint32_t kernel_sum_i32_to_i128_ref(const int32_t *restrict v, const uint32_t *sel, uint32_t n,
                                    const uint64_t *validity, shoal_int128 *acc);
uint32_t kernel_sum_i64_to_i128_ref(const int64_t *restrict v, const uint32_t *sel, uint32_t n,
                                    const uint64_t *validity, shoal_int128 *acc);
SHOAL_MINMAX_KERNEL_DECL(int32_t, i32_ref)
SHOAL_MINMAX_KERNEL_DECL(int64_t, i64_ref)

/* ==================================== LIKE ====================================
 * A pattern compiled once: '%' any run of characters, '_' one character (UTF-8 aware),
 * backslash escapes the next character. Plain patterns take a fast path (exact, prefix%,
 * %suffix, %infix% through memmem); the rest run a greedy segment matcher: the pattern split
 * at '%' into segments, the first anchored at the start, the last at the end, each middle one
 * matched at its leftmost position — correct for '%' patterns without backtracking.
 * case_insensitive (ILIKE) folds ASCII letters only; other bytes compare exactly. */
typedef enum shoal_like_kind {
    SHOAL_LIKE_EXACT, SHOAL_LIKE_PREFIX, SHOAL_LIKE_SUFFIX, SHOAL_LIKE_CONTAINS, SHOAL_LIKE_ALL,
    SHOAL_LIKE_GENERAL
} shoal_like_kind;

typedef struct shoal_like_segment {
    const char *bytes;  /* literal bytes (folded to lower case for ILIKE) */
    const uint8_t *any; /* any[j]: position j is '_' (NULL when the segment has none) */
    uint32_t len;       /* positions */
    uint32_t chars;     /* characters the segment matches */
} shoal_like_segment;

typedef struct shoal_like_pattern {
    uint8_t kind;           /* shoal_like_kind */
    bool case_insensitive;
    bool leading_percent, trailing_percent;
    int segment_count;
    shoal_like_segment *segments;
    void *storage;          /* one allocation for all of the above */
} shoal_like_pattern;

/* false when the pattern ends with a lone escape character (SQLSTATE 22025). */
bool shoal_like_compile(const char *pattern, uint32_t len, bool case_insensitive, shoal_like_pattern *out);
void shoal_like_free(shoal_like_pattern *p);
bool shoal_like_match(const shoal_like_pattern *p, const char *s, uint32_t len);
/* out[r] = s[r] LIKE p for the selected rows that are not NULL in `valid` (NULL: all); one
 * switch on the pattern kind per batch. */
void kernel_like(const shoal_like_pattern *p, const shoal_string *restrict s, const uint32_t *sel, uint32_t n,
                 const uint64_t *restrict valid, uint8_t *restrict out);

/* ================================== UTF-8 helpers ================================== */
static inline bool shoal_utf8_is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }
/* Characters in s (bytes that are not continuation bytes). */
uint32_t shoal_utf8_length(const char *s, uint32_t len);
/* Byte offset of character `chars` (0-based) in s, or len when s is shorter. */
uint32_t shoal_utf8_offset(const char *s, uint32_t len, uint64_t chars);

#endif
