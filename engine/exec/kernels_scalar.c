/* Scalar kernels: arithmetic (checked for overflow and division by zero) and comparisons of two
 * vectors over the selected rows, stamped per physical type from one macro per family
 * (MonetDB gdk_calc style): a switch on the operator once per batch, then a tight loop, with
 * a dense loop (no selection vector) the compiler can vectorize. */
#include "engine/exec/kernels.h"

#include <math.h>
#include <string.h>

#include "engine/exec/row_loops.h"

#define I128_MAX ((shoal_int128)(((unsigned __int128)1 << 127) - 1))
#define I128_MIN (-I128_MAX - 1)

/* ---- integer arithmetic (also scaled decimals) ----
 * + and - over a dense range of rows (no selection, or one covering at least half of its
 * span): one branch-free loop that the compiler vectorizes computes every row of the span
 * with wrapping arithmetic and ORs the overflow bits together (sign bit of (a^o)&(b^o) for +,
 * (a^b)&(a^o) for -). Rows between the selected ones, and NULL rows, hold garbage that may
 * "overflow": only when the OR says some row of the span did are the selected, non-NULL rows
 * checked one by one, so the status is exact. Other rows of `o` get values nobody reads. */
#define DEFINE_WRAPPING_ADD_SUB(T, UT, SUF)                                                             \
    static bool add_sub_span_##SUF(bool sub, const T *restrict a, const T *restrict b, T *restrict o,   \
                                   const uint32_t *sel, uint32_t n, const uint64_t *restrict valid,     \
                                   shoal_kernel_status *status)                                         \
    {                                                                                                   \
        uint32_t lo = sel ? sel[0] : 0, hi = sel ? sel[n - 1] + 1 : n;                                  \
        if (sel && (uint64_t)(hi - lo) > 2 * (uint64_t)n) return false;                                 \
        UT bad = 0;                                                                                     \
        if (sub)                                                                                        \
            for (uint32_t r = lo; r < hi; r++) {                                                        \
                UT x = (UT)a[r], y = (UT)b[r], z = x - y;                                               \
                o[r] = (T)z;                                                                            \
                bad |= (x ^ y) & (x ^ z);                                                               \
            }                                                                                           \
        else                                                                                            \
            for (uint32_t r = lo; r < hi; r++) {                                                        \
                UT x = (UT)a[r], y = (UT)b[r], z = x + y;                                               \
                o[r] = (T)z;                                                                            \
                bad |= (x ^ z) & (y ^ z);                                                               \
            }                                                                                           \
        bool ovf = false;                                                                               \
        if ((T)bad < 0) { /* some row of the span overflowed: was it a selected, valid one? */          \
            if (sub) VALID_ROWS(sel, n, valid, r, ovf |= (T)(((UT)a[r] ^ (UT)b[r]) & ((UT)a[r] ^ (UT)o[r])) < 0); \
            else VALID_ROWS(sel, n, valid, r, ovf |= (T)(((UT)a[r] ^ (UT)o[r]) & ((UT)b[r] ^ (UT)o[r])) < 0); \
        }                                                                                               \
        *status = ovf ? SHOAL_KSTATUS_OVERFLOW : SHOAL_KSTATUS_OK;                                      \
        return true;                                                                                    \
    }
DEFINE_WRAPPING_ADD_SUB(int16_t, uint16_t, i16)
DEFINE_WRAPPING_ADD_SUB(int32_t, uint32_t, i32)
DEFINE_WRAPPING_ADD_SUB(int64_t, uint64_t, i64)
DEFINE_WRAPPING_ADD_SUB(shoal_int128, unsigned __int128, i128)

#define DEFINE_INT_ARITH(T, SUF, TMIN)                                                                  \
    shoal_kernel_status kernel_arith_##SUF(shoal_kernel_arith op, const T *restrict a, const T *restrict b, \
                                           T *restrict o, const uint32_t *sel, uint32_t n,              \
                                           const uint64_t *restrict valid)                              \
    {                                                                                                   \
        bool ovf = false;                                                                               \
        shoal_kernel_status span_status;                                                                \
        if (n > 0 && (op == SHOAL_KARITH_ADD || op == SHOAL_KARITH_SUB) &&                              \
            add_sub_span_##SUF(op == SHOAL_KARITH_SUB, a, b, o, sel, n, valid, &span_status))           \
            return span_status;                                                                         \
        switch (op) {                                                                                   \
        case SHOAL_KARITH_ADD: VALID_ROWS(sel, n, valid, r, ovf |= __builtin_add_overflow(a[r], b[r], &o[r])); break; \
        case SHOAL_KARITH_SUB: VALID_ROWS(sel, n, valid, r, ovf |= __builtin_sub_overflow(a[r], b[r], &o[r])); break; \
        case SHOAL_KARITH_MUL: VALID_ROWS(sel, n, valid, r, ovf |= __builtin_mul_overflow(a[r], b[r], &o[r])); break; \
        case SHOAL_KARITH_DIV:                                                                          \
            VALID_ROWS(sel, n, valid, r, {                                                              \
                if (b[r] == 0) return SHOAL_KSTATUS_DIV_ZERO;                                           \
                if (a[r] == (TMIN) && b[r] == -1) return SHOAL_KSTATUS_OVERFLOW;                        \
                o[r] = (T)(a[r] / b[r]);                                                                \
            });                                                                                         \
            break;                                                                                      \
        case SHOAL_KARITH_MOD:                                                                          \
            VALID_ROWS(sel, n, valid, r, {                                                              \
                if (b[r] == 0) return SHOAL_KSTATUS_DIV_ZERO;                                           \
                o[r] = b[r] == -1 ? 0 : (T)(a[r] % b[r]);                                               \
            });                                                                                         \
            break;                                                                                      \
        }                                                                                               \
        return ovf ? SHOAL_KSTATUS_OVERFLOW : SHOAL_KSTATUS_OK;                                         \
    }                                                                                                   \
    shoal_kernel_status kernel_neg_##SUF(const T *restrict a, T *restrict o, const uint32_t *sel, uint32_t n, \
                                         const uint64_t *restrict valid)                                \
    {                                                                                                   \
        bool ovf = false;                                                                               \
        VALID_ROWS(sel, n, valid, r, ovf |= __builtin_sub_overflow((T)0, a[r], &o[r]));                 \
        return ovf ? SHOAL_KSTATUS_OVERFLOW : SHOAL_KSTATUS_OK;                                         \
    }                                                                                                   \
    shoal_kernel_status kernel_abs_##SUF(const T *restrict a, T *restrict o, const uint32_t *sel, uint32_t n, \
                                         const uint64_t *restrict valid)                                \
    {                                                                                                   \
        bool ovf = false;                                                                               \
        VALID_ROWS(sel, n, valid, r, {                                                                  \
            if (a[r] < 0) ovf |= __builtin_sub_overflow((T)0, a[r], &o[r]);                             \
            else o[r] = a[r];                                                                           \
        });                                                                                             \
        return ovf ? SHOAL_KSTATUS_OVERFLOW : SHOAL_KSTATUS_OK;                                         \
    }
DEFINE_INT_ARITH(int16_t, i16, INT16_MIN)
DEFINE_INT_ARITH(int32_t, i32, INT32_MIN)
DEFINE_INT_ARITH(int64_t, i64, INT64_MIN)
DEFINE_INT_ARITH(shoal_int128, i128, I128_MIN)

/* ---- exact decimal products into int128 (DECIMAL(p>18) results of int64 operands) ----
 * int64 x int64 always fits int128 (|a b| <= 2^126); int128 x int64 takes the same single
 * multiply when the int128 operand fits in int64, and the checked 128-bit one otherwise. */
/* The span [lo, hi) of a selection covering at least half of it (or of every row), to be
 * computed whole; false when the selection is too sparse. */
static inline bool dense_span(const uint32_t *sel, uint32_t n, uint32_t *lo, uint32_t *hi)
{
    if (n == 0) return false;
    *lo = sel ? sel[0] : 0;
    *hi = sel ? sel[n - 1] + 1 : n;
    return !sel || (uint64_t)(*hi - *lo) <= 2 * (uint64_t)n;
}

shoal_kernel_status kernel_mul_i64_i64_to_i128(const int64_t *restrict a, const int64_t *restrict b,
                                               shoal_int128 *restrict o, const uint32_t *sel, uint32_t n,
                                               const uint64_t *restrict valid)
{
    uint32_t lo, hi;
    if (dense_span(sel, n, &lo, &hi)) { /* every row of the span: no selection or NULL test per row */
        for (uint32_t r = lo; r < hi; r++) o[r] = (shoal_int128)a[r] * b[r];
        return SHOAL_KSTATUS_OK;
    }
    VALID_ROWS(sel, n, valid, r, o[r] = (shoal_int128)a[r] * b[r]);
    return SHOAL_KSTATUS_OK;
}

shoal_kernel_status kernel_mul_i128_i64_to_i128(const shoal_int128 *restrict a, const int64_t *restrict b,
                                                shoal_int128 *restrict o, const uint32_t *sel, uint32_t n,
                                                const uint64_t *restrict valid)
{
    uint32_t lo, hi;
    if (dense_span(sel, n, &lo, &hi)) {
        /* branch-free over the span while every int128 operand fits in int64 (garbage in rows
         * between the selected ones or under NULLs may not: then the rows are redone below) */
        uint64_t wide = 0;
        for (uint32_t r = lo; r < hi; r++) {
            uint64_t x_lo = (uint64_t)a[r], x_hi = (uint64_t)((unsigned __int128)a[r] >> 64);
            wide |= x_hi ^ (uint64_t)((int64_t)x_lo >> 63);
            o[r] = (shoal_int128)(int64_t)x_lo * b[r];
        }
        if (wide == 0) return SHOAL_KSTATUS_OK;
    }
    bool ovf = false;
    VALID_ROWS(sel, n, valid, r, {
        shoal_int128 x = a[r];
        if (x == (int64_t)x) o[r] = (shoal_int128)(int64_t)x * b[r];
        else ovf |= __builtin_mul_overflow(x, (shoal_int128)b[r], &o[r]);
    });
    return ovf ? SHOAL_KSTATUS_OVERFLOW : SHOAL_KSTATUS_OK;
}

/* ---- floating point: IEEE results, only division by zero is an error (as PostgreSQL) ---- */
#define DEFINE_FLOAT_ARITH(T, SUF, FMOD)                                                                \
    shoal_kernel_status kernel_arith_##SUF(shoal_kernel_arith op, const T *restrict a, const T *restrict b, \
                                           T *restrict o, const uint32_t *sel, uint32_t n,              \
                                           const uint64_t *restrict valid)                              \
    {                                                                                                   \
        switch (op) {                                                                                   \
        case SHOAL_KARITH_ADD: ROWS(sel, n, r, o[r] = a[r] + b[r]); break;                              \
        case SHOAL_KARITH_SUB: ROWS(sel, n, r, o[r] = a[r] - b[r]); break;                              \
        case SHOAL_KARITH_MUL: ROWS(sel, n, r, o[r] = a[r] * b[r]); break;                              \
        case SHOAL_KARITH_DIV:                                                                          \
            VALID_ROWS(sel, n, valid, r, {                                                              \
                if (b[r] == 0) return SHOAL_KSTATUS_DIV_ZERO;                                           \
                o[r] = a[r] / b[r];                                                                     \
            });                                                                                         \
            break;                                                                                      \
        case SHOAL_KARITH_MOD:                                                                          \
            VALID_ROWS(sel, n, valid, r, {                                                              \
                if (b[r] == 0) return SHOAL_KSTATUS_DIV_ZERO;                                           \
                o[r] = FMOD(a[r], b[r]);                                                                \
            });                                                                                         \
            break;                                                                                      \
        }                                                                                               \
        return SHOAL_KSTATUS_OK;                                                                        \
    }                                                                                                   \
    shoal_kernel_status kernel_neg_##SUF(const T *restrict a, T *restrict o, const uint32_t *sel, uint32_t n, \
                                         const uint64_t *restrict valid)                                \
    {                                                                                                   \
        (void)valid;                                                                                    \
        ROWS(sel, n, r, o[r] = -a[r]);                                                                  \
        return SHOAL_KSTATUS_OK;                                                                        \
    }                                                                                                   \
    shoal_kernel_status kernel_abs_##SUF(const T *restrict a, T *restrict o, const uint32_t *sel, uint32_t n, \
                                         const uint64_t *restrict valid)                                \
    {                                                                                                   \
        (void)valid;                                                                                    \
        ROWS(sel, n, r, o[r] = a[r] < 0 ? -a[r] : a[r]);                                                \
        return SHOAL_KSTATUS_OK;                                                                        \
    }
DEFINE_FLOAT_ARITH(float, f32, fmodf)
DEFINE_FLOAT_ARITH(double, f64, fmod)

/* ---- comparisons ---- */
#define DEFINE_CMP(T, SUF, LT, EQ)                                                                      \
    void kernel_cmp_##SUF(shoal_kernel_cmp op, const T *restrict a, const T *restrict b, uint8_t *restrict o, \
                          const uint32_t *sel, uint32_t n)                                              \
    {                                                                                                   \
        switch (op) {                                                                                   \
        case SHOAL_KCMP_EQ: ROWS(sel, n, r, o[r] = (uint8_t)(EQ(a[r], b[r]))); break;                   \
        case SHOAL_KCMP_NE: ROWS(sel, n, r, o[r] = (uint8_t)!(EQ(a[r], b[r]))); break;                  \
        case SHOAL_KCMP_LT: ROWS(sel, n, r, o[r] = (uint8_t)(LT(a[r], b[r]))); break;                   \
        case SHOAL_KCMP_LE: ROWS(sel, n, r, o[r] = (uint8_t)(LT(a[r], b[r]) || EQ(a[r], b[r]))); break; \
        case SHOAL_KCMP_GT: ROWS(sel, n, r, o[r] = (uint8_t)(LT(b[r], a[r]))); break;                   \
        case SHOAL_KCMP_GE: ROWS(sel, n, r, o[r] = (uint8_t)(LT(b[r], a[r]) || EQ(a[r], b[r]))); break; \
        default: break;                                                                                 \
        }                                                                                               \
    }
#define NUM_LT(x, y) ((x) < (y))
#define NUM_EQ(x, y) ((x) == (y))
DEFINE_CMP(uint8_t, u8, NUM_LT, NUM_EQ)
DEFINE_CMP(int16_t, i16, NUM_LT, NUM_EQ)
DEFINE_CMP(int32_t, i32, NUM_LT, NUM_EQ)
DEFINE_CMP(int64_t, i64, NUM_LT, NUM_EQ)
DEFINE_CMP(shoal_int128, i128, NUM_LT, NUM_EQ)
DEFINE_CMP(float, f32, NUM_LT, NUM_EQ)
DEFINE_CMP(double, f64, NUM_LT, NUM_EQ)

int shoal_string_compare(shoal_string a, shoal_string b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c;
    return a.len < b.len ? -1 : a.len > b.len;
}
#define STR_EQ(x, y) ((x).len == (y).len && ((x).len == 0 || memcmp((x).ptr, (y).ptr, (x).len) == 0))
void kernel_cmp_string(shoal_kernel_cmp op, const shoal_string *restrict a, const shoal_string *restrict b,
                       uint8_t *restrict o, const uint32_t *sel, uint32_t n, const uint64_t *restrict valid)
{
    switch (op) {
    case SHOAL_KCMP_EQ: VALID_ROWS(sel, n, valid, r, o[r] = (uint8_t)STR_EQ(a[r], b[r])); break;
    case SHOAL_KCMP_NE: VALID_ROWS(sel, n, valid, r, o[r] = (uint8_t)!STR_EQ(a[r], b[r])); break;
    case SHOAL_KCMP_LT: VALID_ROWS(sel, n, valid, r, o[r] = shoal_string_compare(a[r], b[r]) < 0); break;
    case SHOAL_KCMP_LE: VALID_ROWS(sel, n, valid, r, o[r] = shoal_string_compare(a[r], b[r]) <= 0); break;
    case SHOAL_KCMP_GT: VALID_ROWS(sel, n, valid, r, o[r] = shoal_string_compare(a[r], b[r]) > 0); break;
    case SHOAL_KCMP_GE: VALID_ROWS(sel, n, valid, r, o[r] = shoal_string_compare(a[r], b[r]) >= 0); break;
    default: break;
    }
}
