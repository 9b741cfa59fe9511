/* Scalar functions beyond the evaluator's core (every SHOAL_FUNC_ from NULLIF on; see expr.h):
 * conditionals (NULLIF, DECODE, GREATEST/LEAST, NVL2), numbers (TRUNC, CEIL, FLOOR, POWER,
 * SQRT, SIGN), strings (POSITION, LEFT/RIGHT, REPLACE, SPLIT_PART, LTRIM/RTRIM/BTRIM,
 * LPAD/RPAD, REVERSE, REPEAT, INITCAP, CHR, ASCII), dates (DATE_TRUNC, DATEADD, DATEDIFF,
 * ADD_MONTHS, LAST_DAY) and formatting (TO_CHAR, TO_DATE, TO_TIMESTAMP).
 *
 * Same model as expr_eval.c: a node's result is a vector positioned like the input; a strict
 * function ANDs its arguments' validity and then runs one typed loop, picked by one switch per
 * batch; DECODE and NVL2 evaluate their branches on narrowed selections (like CASE). String
 * results point into the arguments' strings or the output vector's heap. Errors: 2201F (SQRT
 * of a negative, POWER's undefined cases), 22003 (overflow), 22007 (TO_DATE input that does not
 * match its format), 22008 (dates out of range), 22023 (bad argument values: SPLIT_PART
 * position, CHR code, format patterns), 54000 (a result string over 16 MiB). */
#include "engine/exec/expr_eval_internal.h"
#include "engine/exec/kernels.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MICROS_PER_DAY 86400000000LL
#define MICROS_PER_HOUR 3600000000LL
#define MICROS_PER_MINUTE 60000000LL
#define MICROS_PER_SECOND 1000000LL
#define MAX_RESULT_BYTES (16u << 20) /* one string result; longer ones fail with 54000 */
#define MAX_FORMAT_BYTES 1024        /* TO_CHAR / TO_DATE format text */

#include "engine/exec/row_loops.h"

static bool fail(shoal_eval_error *err, const char *sqlstate, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(shoal_eval_error *err, const char *sqlstate, const char *fmt, ...)
{
    err->failed = true;
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

/* ================================ types and vectors ================================ */

static shoal_physical phys(shoal_type t) { return shoal_type_physical(t); }
static int type_scale(shoal_type t) { return t.id == SHOAL_TYPE_DECIMAL ? t.scale : 0; }
static bool is_str(shoal_type t) { return t.id == SHOAL_TYPE_CHAR || t.id == SHOAL_TYPE_VARCHAR; }
static bool is_int(shoal_type t)
{
    return t.id == SHOAL_TYPE_SMALLINT || t.id == SHOAL_TYPE_INTEGER || t.id == SHOAL_TYPE_BIGINT;
}
static bool is_exact(shoal_type t) { return is_int(t) || t.id == SHOAL_TYPE_DECIMAL; }
static bool is_float(shoal_type t) { return t.id == SHOAL_TYPE_REAL || t.id == SHOAL_TYPE_DOUBLE; }
static bool is_temporal(shoal_type t) { return t.id == SHOAL_TYPE_DATE || t.id == SHOAL_TYPE_TIMESTAMP; }

static size_t bitmap_words(uint32_t n) { return ((size_t)n + 63) / 64; }
static uint64_t *validity_of(shoal_vector *out)
{
    if (!out->validity) {
        size_t words = bitmap_words(out->capacity);
        out->validity = shoal_xmalloc(words * sizeof(uint64_t));
        memset(out->validity, 0xff, words * sizeof(uint64_t));
    }
    return out->validity;
}
static inline void set_null(shoal_vector *out, uint32_t r)
{
    uint64_t *v = validity_of(out);
    v[r >> 6] &= ~(1ull << (r & 63));
}
static inline void set_valid(shoal_vector *out, uint32_t r)
{
    if (out->validity) out->validity[r >> 6] |= 1ull << (r & 63);
}
static inline bool is_valid(const shoal_vector *v, uint32_t r) { return !v->validity || shoal_bit_is_set(v->validity, r); }

/* out's validity = AND of the arguments' (word by word). */
static void validity_and(shoal_vector *out, const shoal_vector *const *args, int nargs, uint32_t count)
{
    size_t words = bitmap_words(count);
    bool first = true;
    for (int i = 0; i < nargs; i++) {
        if (!args[i] || !args[i]->validity) continue;
        uint64_t *v = validity_of(out);
        if (first) memcpy(v, args[i]->validity, words * sizeof(uint64_t));
        else
            for (size_t w = 0; w < words; w++) v[w] &= args[i]->validity[w];
        first = false;
    }
}

/* Values and NULLs of rows[0..m) from src into out (rows NULL: the first m rows). */
static void copy_rows(shoal_vector *out, const shoal_vector *src, const uint32_t *rows, uint32_t m)
{
#define COPY_AS(T) ROWS(rows, m, r, ((T *)out->data)[r] = ((const T *)src->data)[r])
    switch (phys(out->type)) {
    case SHOAL_PHYS_U8: COPY_AS(uint8_t); break;
    case SHOAL_PHYS_I16: COPY_AS(int16_t); break;
    case SHOAL_PHYS_I32: COPY_AS(int32_t); break;
    case SHOAL_PHYS_I64: COPY_AS(int64_t); break;
    case SHOAL_PHYS_I128: COPY_AS(shoal_int128); break;
    case SHOAL_PHYS_F32: COPY_AS(float); break;
    case SHOAL_PHYS_F64: COPY_AS(double); break;
    case SHOAL_PHYS_STRING: COPY_AS(shoal_string); break;
    }
#undef COPY_AS
    if (src->validity) ROWS(rows, m, r, if (!shoal_bit_is_set(src->validity, r)) set_null(out, r); else set_valid(out, r));
    else if (out->validity) ROWS(rows, m, r, set_valid(out, r));
}

static shoal_batch sub_batch(const shoal_batch *in, const uint32_t *rows, uint32_t m)
{
    shoal_batch b = *in;
    b.sel = (uint32_t *)rows;
    b.sel_count = m;
    return b;
}

static const shoal_vector *arg(node_state *ns, int i, const shoal_batch *in, shoal_eval_error *err)
{
    return shoal_eval_arg(shoal_eval_node_arg(ns, i), in, err);
}

/* Every argument evaluated over `in`, into argv (room for nargs), and out's validity the AND
 * of theirs. */
static bool strict_args(node_state *ns, const shoal_batch *in, shoal_vector *out, const shoal_vector **argv,
                        shoal_eval_error *err)
{
    int nargs = shoal_eval_node_nargs(ns);
    for (int i = 0; i < nargs; i++)
        if (!(argv[i] = arg(ns, i, in, err))) return false;
    validity_and(out, argv, nargs, in->count);
    return true;
}

/* Integer results with a range check (INTEGER, BIGINT, SMALLINT outputs). */
static bool store_int(shoal_vector *out, uint32_t r, shoal_int128 v)
{
    switch (phys(out->type)) {
    case SHOAL_PHYS_I16:
        if (v < INT16_MIN || v > INT16_MAX) return false;
        ((int16_t *)out->data)[r] = (int16_t)v;
        return true;
    case SHOAL_PHYS_I32:
        if (v < INT32_MIN || v > INT32_MAX) return false;
        ((int32_t *)out->data)[r] = (int32_t)v;
        return true;
    case SHOAL_PHYS_I64:
        if (v < INT64_MIN || v > INT64_MAX) return false;
        ((int64_t *)out->data)[r] = (int64_t)v;
        return true;
    case SHOAL_PHYS_I128: ((shoal_int128 *)out->data)[r] = v; return true;
    default: return false;
    }
}
static bool store_decimal(shoal_vector *out, uint32_t r, shoal_int128 v)
{
    int p = out->type.precision > 38 ? 38 : out->type.precision;
    shoal_int128 limit = shoal_pow10_i128(p);
    if (v >= limit || v <= -limit) return false;
    if (phys(out->type) == SHOAL_PHYS_I64) ((int64_t *)out->data)[r] = (int64_t)v;
    else ((shoal_int128 *)out->data)[r] = v;
    return true;
}
static bool range_error(shoal_eval_error *err, shoal_type t)
{
    if (t.id == SHOAL_TYPE_DECIMAL) return fail(err, "22003", "numeric field overflow");
    return fail(err, "22003", "%s out of range",
                t.id == SHOAL_TYPE_SMALLINT ? "smallint" : t.id == SHOAL_TYPE_INTEGER ? "integer" : "bigint");
}

/* A string result of `len` bytes in out's heap (NULL with err set when too long). */
static char *result_bytes(shoal_vector *out, uint64_t len, shoal_eval_error *err)
{
    if (len > MAX_RESULT_BYTES) {
        fail(err, "54000", "requested length too large (a string result is limited to %u bytes)", MAX_RESULT_BYTES);
        return NULL;
    }
    return shoal_arena_alloc(&out->heap, len ? (size_t)len : 1);
}

/* ================================ conditionals ================================ */

#define V_EQ(a, b) ((a) == (b))
#define S_EQ(a, b) ((a).len == (b).len && ((a).len == 0 || memcmp((a).ptr, (b).ptr, (a).len) == 0))
/* Stamps a statement for each physical layout: X(T, EQ) with T the C type. */
#define FOR_EACH_LAYOUT(P, X)                                                                           \
    switch (P) {                                                                                        \
    case SHOAL_PHYS_U8: X(uint8_t, V_EQ); break;                                                        \
    case SHOAL_PHYS_I16: X(int16_t, V_EQ); break;                                                       \
    case SHOAL_PHYS_I32: X(int32_t, V_EQ); break;                                                       \
    case SHOAL_PHYS_I64: X(int64_t, V_EQ); break;                                                       \
    case SHOAL_PHYS_I128: X(shoal_int128, V_EQ); break;                                                 \
    case SHOAL_PHYS_F32: X(float, V_EQ); break;                                                         \
    case SHOAL_PHYS_F64: X(double, V_EQ); break;                                                        \
    case SHOAL_PHYS_STRING: X(shoal_string, S_EQ); break;                                               \
    }

static bool eval_nullif(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = arg(ns, 0, in, err), *b;
    if (!a || !(b = arg(ns, 1, in, err))) return false;
    validity_and(out, &a, 1, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *va = a->validity;
#define NULLIF_LOOP(T, EQ)                                                                              \
    do {                                                                                                \
        const T *x = a->data, *y = b->data;                                                             \
        T *o = out->data;                                                                               \
        VALID_ROWS(sel, n, va, r, {                                                                     \
            o[r] = x[r];                                                                                \
            if (is_valid(b, r) && EQ(x[r], y[r])) set_null(out, r);                                     \
        });                                                                                             \
    } while (0)
    FOR_EACH_LAYOUT(phys(a->type), NULLIF_LOOP)
#undef NULLIF_LOOP
    return true;
}

/* Splits rows[0..m) into those where x matches s (equal, or both NULL) and the rest. */
static void decode_match(const shoal_vector *x, const shoal_vector *s, const uint32_t *rows, uint32_t m, uint32_t *take,
                         uint32_t *nt, uint32_t *rest, uint32_t *nr)
{
    uint32_t t = 0, q = 0;
#define MATCH_LOOP(T, EQ)                                                                               \
    do {                                                                                                \
        const T *xv = x->data, *sv = s->data;                                                           \
        for (uint32_t i = 0; i < m; i++) {                                                              \
            uint32_t row = rows[i];                                                                     \
            bool xn = !is_valid(x, row), sn = !is_valid(s, row);                                        \
            bool hit = (xn || sn) ? (xn && sn) : EQ(xv[row], sv[row]);                                  \
            if (hit) take[t++] = row;                                                                   \
            else rest[q++] = row;                                                                       \
        }                                                                                               \
    } while (0)
    FOR_EACH_LAYOUT(phys(x->type), MATCH_LOOP)
#undef MATCH_LOOP
    *nt = t;
    *nr = q;
}

/* The rows of `in` as a list (its selection, or 0..n-1). */
static uint32_t rows_of(const shoal_batch *in, uint32_t *rows)
{
    uint32_t m = shoal_batch_rows(in);
    if (in->sel) memcpy(rows, in->sel, m * sizeof(uint32_t));
    else
        for (uint32_t i = 0; i < m; i++) rows[i] = i;
    return m;
}

/* DECODE(x, s1, r1, ..., [default]): each search runs on the rows no earlier one matched, each
 * result on the rows its search matched. */
static bool eval_decode(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    int nargs = shoal_eval_node_nargs(ns), pairs = (nargs - 1) / 2;
    bool has_default = (nargs - 1) % 2 == 1;
    uint32_t *remaining = shoal_eval_sel_scratch(ns, 0, in->count);
    uint32_t *take = shoal_eval_sel_scratch(ns, 1, in->count), *rest = shoal_eval_sel_scratch(ns, 2, in->count);
    uint32_t m = rows_of(in, remaining);
    const shoal_vector *x = arg(ns, 0, in, err);
    if (!x) return false;
    for (int p = 0; p < pairs && m > 0; p++) {
        shoal_batch sub = sub_batch(in, remaining, m);
        const shoal_vector *s = arg(ns, 1 + 2 * p, &sub, err);
        if (!s) return false;
        uint32_t nt, nr;
        decode_match(x, s, remaining, m, take, &nt, rest, &nr);
        if (nt > 0) {
            shoal_batch tb = sub_batch(in, take, nt);
            const shoal_vector *v = arg(ns, 2 + 2 * p, &tb, err);
            if (!v) return false;
            copy_rows(out, v, take, nt);
        }
        memcpy(remaining, rest, nr * sizeof(uint32_t));
        m = nr;
    }
    if (m == 0) return true;
    if (has_default) {
        shoal_batch db = sub_batch(in, remaining, m);
        const shoal_vector *v = arg(ns, nargs - 1, &db, err);
        if (!v) return false;
        copy_rows(out, v, remaining, m);
    } else {
        for (uint32_t i = 0; i < m; i++) set_null(out, remaining[i]);
    }
    return true;
}

/* NVL2(x, a, b): a on the rows where x is not NULL, b on the others. */
static bool eval_nvl2(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    uint32_t *all = shoal_eval_sel_scratch(ns, 0, in->count);
    uint32_t *some = shoal_eval_sel_scratch(ns, 1, in->count), *none = shoal_eval_sel_scratch(ns, 2, in->count);
    uint32_t m = rows_of(in, all), ns_ = 0, nn = 0;
    const shoal_vector *x = arg(ns, 0, in, err);
    if (!x) return false;
    for (uint32_t i = 0; i < m; i++) {
        if (is_valid(x, all[i])) some[ns_++] = all[i];
        else none[nn++] = all[i];
    }
    if (ns_ > 0) {
        shoal_batch sb = sub_batch(in, some, ns_);
        const shoal_vector *v = arg(ns, 1, &sb, err);
        if (!v) return false;
        copy_rows(out, v, some, ns_);
    }
    if (nn > 0) {
        shoal_batch nb = sub_batch(in, none, nn);
        const shoal_vector *v = arg(ns, 2, &nb, err);
        if (!v) return false;
        copy_rows(out, v, none, nn);
    }
    return true;
}

/* GREATEST / LEAST: the first argument's values, then each further argument folded in, one
 * column at a time; a NULL never wins. NaN is larger than every number (as PostgreSQL). */
#define N_GT(a, b) ((a) > (b))
#define N_LT(a, b) ((a) < (b))
#define F_GT(a, b) ((a) > (b) || (isnan(a) && !isnan(b)))
#define F_LT(a, b) ((a) < (b) || (isnan(b) && !isnan(a)))
#define S_GT(a, b) (shoal_string_compare(a, b) > 0)
#define S_LT(a, b) (shoal_string_compare(a, b) < 0)
static bool eval_greatest(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    bool greatest = shoal_eval_node_expr(ns)->func == SHOAL_FUNC_GREATEST;
    int nargs = shoal_eval_node_nargs(ns);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const shoal_vector *first = arg(ns, 0, in, err);
    if (!first) return false;
    copy_rows(out, first, sel, n);
    for (int k = 1; k < nargs; k++) {
        const shoal_vector *v = arg(ns, k, in, err);
        if (!v) return false;
#define FOLD_LOOP(T, BETTER)                                                                            \
    do {                                                                                                \
        const T *x = v->data;                                                                           \
        T *o = out->data;                                                                               \
        VALID_ROWS(sel, n, v->validity, r, {                                                            \
            if (!is_valid(out, r)) {                                                                    \
                o[r] = x[r];                                                                            \
                set_valid(out, r);                                                                      \
            } else if (BETTER(x[r], o[r])) {                                                            \
                o[r] = x[r];                                                                            \
            }                                                                                           \
        });                                                                                             \
    } while (0)
#define FOLD(T, GT, LT)                                                                                 \
    do {                                                                                                \
        if (greatest) FOLD_LOOP(T, GT);                                                                 \
        else FOLD_LOOP(T, LT);                                                                          \
    } while (0)
        switch (phys(out->type)) {
        case SHOAL_PHYS_U8: FOLD(uint8_t, N_GT, N_LT); break;
        case SHOAL_PHYS_I16: FOLD(int16_t, N_GT, N_LT); break;
        case SHOAL_PHYS_I32: FOLD(int32_t, N_GT, N_LT); break;
        case SHOAL_PHYS_I64: FOLD(int64_t, N_GT, N_LT); break;
        case SHOAL_PHYS_I128: FOLD(shoal_int128, N_GT, N_LT); break;
        case SHOAL_PHYS_F32: FOLD(float, F_GT, F_LT); break;
        case SHOAL_PHYS_F64: FOLD(double, F_GT, F_LT); break;
        case SHOAL_PHYS_STRING: FOLD(shoal_string, S_GT, S_LT); break;
        }
#undef FOLD
#undef FOLD_LOOP
    }
    return true;
}

/* ================================ numbers ================================ */

typedef enum round_mode { RM_TRUNC, RM_CEIL, RM_FLOOR } round_mode;

/* v / d (d > 0) rounded toward zero, up or down. */
static inline shoal_int128 div_mode(shoal_int128 v, shoal_int128 d, round_mode mode)
{
    shoal_int128 q = v / d;
    if (v % d != 0) {
        if (mode == RM_CEIL && v > 0) q++;
        else if (mode == RM_FLOOR && v < 0) q--;
    }
    return q;
}

/* TRUNC(x[, k]), CEIL(x), FLOOR(x). Exact values: v at scale sa cut to k digits (toward zero,
 * up or down), then placed at the output scale; doubles through trunc/ceil/floor. */
static bool eval_round_mode(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    int func = shoal_eval_node_expr(ns)->func;
    round_mode mode = func == SHOAL_FUNC_CEIL ? RM_CEIL : func == SHOAL_FUNC_FLOOR ? RM_FLOOR : RM_TRUNC;
    const shoal_vector *argv[2] = {NULL, NULL};
    if (!strict_args(ns, in, out, argv, err)) return false;
    const shoal_vector *a = argv[0];
    const int64_t *digits = argv[1] ? argv[1]->data : NULL;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    if (is_float(out->type)) {
        bool f32 = phys(out->type) == SHOAL_PHYS_F32;
        VALID_ROWS(sel, n, valid, r, {
            double x = f32 ? ((const float *)a->data)[r] : ((const double *)a->data)[r], y;
            int64_t k = digits ? digits[r] : 0;
            if (mode == RM_CEIL) y = ceil(x);
            else if (mode == RM_FLOOR) y = floor(x);
            else if (k == 0) y = trunc(x);
            else if (k > 300) y = x;
            else if (k < -300) y = 0;
            else {
                double p = pow(10, (double)k);
                y = trunc(x * p) / p;
                if (!isfinite(y)) y = x;
            }
            if (y == 0) y = 0; /* no negative zero */
            if (f32) ((float *)out->data)[r] = (float)y;
            else ((double *)out->data)[r] = y;
        });
        return true;
    }
    int sa = type_scale(a->type), rs = type_scale(out->type);
    bool dec = out->type.id == SHOAL_TYPE_DECIMAL, ok = true;
#define EXACT_LOOP(T)                                                                                   \
    do {                                                                                                \
        const T *x = a->data;                                                                           \
        VALID_ROWS(sel, n, valid, r, {                                                                  \
            shoal_int128 v = x[r];                                                                      \
            int64_t k = digits ? digits[r] : 0;                                                         \
            int64_t at = sa; /* the scale of v */                                                       \
            if (k < sa) {                                                                               \
                int64_t shift = sa - k;                                                                 \
                if (shift > 38) {                                                                       \
                    v = 0;                                                                              \
                    at = rs;                                                                            \
                } else {                                                                                \
                    v = div_mode(v, shoal_pow10_i128((int)shift), mode);                                \
                    at = k;                                                                             \
                }                                                                                       \
            }                                                                                           \
            shoal_int128 w = 0;                                                                         \
            bool fits = true;                                                                           \
            if (at > rs) w = at - rs > 38 ? 0 : div_mode(v, shoal_pow10_i128((int)(at - rs)), mode);    \
            else if (rs - at > 38) fits = v == 0;                                                       \
            else fits = !__builtin_mul_overflow(v, shoal_pow10_i128((int)(rs - at)), &w);               \
            if (fits) fits = dec ? store_decimal(out, r, w) : store_int(out, r, w);                     \
            if (!fits) {                                                                                \
                ok = range_error(err, out->type);                                                       \
                break;                                                                                  \
            }                                                                                           \
        });                                                                                             \
    } while (0)
    switch (phys(a->type)) {
    case SHOAL_PHYS_I16: EXACT_LOOP(int16_t); break;
    case SHOAL_PHYS_I32: EXACT_LOOP(int32_t); break;
    case SHOAL_PHYS_I64: EXACT_LOOP(int64_t); break;
    case SHOAL_PHYS_I128: EXACT_LOOP(shoal_int128); break;
    default: return fail(err, "XX000", "TRUNC/CEIL/FLOOR of a non-numeric layout");
    }
#undef EXACT_LOOP
    return ok;
}

static bool eval_sign(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[1];
    if (!strict_args(ns, in, out, argv, err)) return false;
    const shoal_vector *a = argv[0];
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
#define SIGN_LOOP(T, OT)                                                                                \
    do {                                                                                                \
        const T *x = a->data;                                                                           \
        OT *o = out->data;                                                                              \
        VALID_ROWS(sel, n, valid, r, o[r] = (OT)((x[r] > 0) - (x[r] < 0)));                             \
    } while (0)
    shoal_physical ip = phys(a->type), op = phys(out->type);
    if (op == SHOAL_PHYS_F64 || op == SHOAL_PHYS_F32) {
        VALID_ROWS(sel, n, valid, r, {
            double x = ip == SHOAL_PHYS_F32 ? ((const float *)a->data)[r] : ((const double *)a->data)[r];
            double y = x > 0 ? 1.0 : x < 0 ? -1.0 : isnan(x) ? x : 0.0;
            if (op == SHOAL_PHYS_F32) ((float *)out->data)[r] = (float)y;
            else ((double *)out->data)[r] = y;
        });
        return true;
    }
    if (op == ip) { /* integers: the input's own type */
        switch (ip) {
        case SHOAL_PHYS_I16: SIGN_LOOP(int16_t, int16_t); return true;
        case SHOAL_PHYS_I32: SIGN_LOOP(int32_t, int32_t); return true;
        case SHOAL_PHYS_I64: SIGN_LOOP(int64_t, int64_t); return true;
        case SHOAL_PHYS_I128: SIGN_LOOP(shoal_int128, shoal_int128); return true;
        default: break;
        }
    } else if (op == SHOAL_PHYS_I64) { /* DECIMAL(1,0) from any exact layout */
        switch (ip) {
        case SHOAL_PHYS_I16: SIGN_LOOP(int16_t, int64_t); return true;
        case SHOAL_PHYS_I32: SIGN_LOOP(int32_t, int64_t); return true;
        case SHOAL_PHYS_I128: SIGN_LOOP(shoal_int128, int64_t); return true;
        default: break;
        }
    }
#undef SIGN_LOOP
    return fail(err, "XX000", "SIGN cannot produce this layout");
}

static bool eval_power_sqrt(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    bool is_sqrt = shoal_eval_node_expr(ns)->func == SHOAL_FUNC_SQRT;
    const shoal_vector *argv[2] = {NULL, NULL};
    if (!strict_args(ns, in, out, argv, err)) return false;
    const double *x = argv[0]->data, *y = is_sqrt ? NULL : argv[1]->data;
    double *o = out->data;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    int status = 0; /* 1 sqrt(<0), 2 0^-y, 3 (-x)^fraction, 4 overflow */
    if (is_sqrt) {
        VALID_ROWS(sel, n, out->validity, r, {
            if (x[r] < 0) { status = 1; break; }
            o[r] = sqrt(x[r]);
        });
    } else {
        VALID_ROWS(sel, n, out->validity, r, {
            double b = x[r], e = y[r];
            if (b == 0 && e < 0) { status = 2; break; }
            if (b < 0 && isfinite(e) && floor(e) != e) { status = 3; break; }
            double z = pow(b, e);
            if (isinf(z) && isfinite(b) && isfinite(e)) { status = 4; break; }
            o[r] = z;
        });
    }
    switch (status) {
    case 1: return fail(err, "2201F", "cannot take square root of a negative number");
    case 2: return fail(err, "2201F", "zero raised to a negative power is undefined");
    case 3: return fail(err, "2201F", "a negative number raised to a non-integer power yields a complex result");
    case 4: return fail(err, "22003", "value out of range: overflow");
    default: return true;
    }
}

/* ================================ strings ================================ */

static const char empty_text[1] = "";

/* Bytes of the UTF-8 character starting at p (1 plus its continuation bytes, at most `left`). */
static inline uint32_t char_len(const char *p, uint32_t left)
{
    uint32_t k = 1;
    while (k < left && shoal_utf8_is_cont((unsigned char)p[k])) k++;
    return k;
}

/* First occurrence of needle in hay at or after byte `from`: its byte offset, or -1. */
static int64_t find_bytes(shoal_string hay, uint32_t from, shoal_string needle)
{
    if (needle.len == 0) return from;
    if (from > hay.len || hay.len - from < needle.len) return -1;
    const char *p = memmem(hay.ptr + from, hay.len - from, needle.ptr, needle.len);
    return p ? (int64_t)(p - hay.ptr) : -1;
}

static bool eval_position(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                          shoal_eval_error *err)
{
    const shoal_string *needle = argv[0]->data, *hay = argv[1]->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        int64_t at = find_bytes(hay[r], 0, needle[r]);
        int64_t pos = at < 0 ? 0 : (int64_t)shoal_utf8_length(hay[r].ptr, (uint32_t)at) + 1;
        if (!store_int(out, r, pos)) { ok = range_error(err, out->type); break; }
    });
    return ok;
}

/* LEFT / RIGHT: a slice of the string. */
static void eval_left_right(bool left, const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel,
                            uint32_t n)
{
    const shoal_string *s = argv[0]->data;
    const int64_t *count = argv[1]->data;
    shoal_string *o = out->data;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r];
        int64_t k = count[r];
        uint64_t mag = k >= 0 ? (uint64_t)k : (uint64_t)-(k + 1) + 1; /* |k|, INT64_MIN included */
        bool from_end = left ? k < 0 : k >= 0; /* |k| counts from the end: needs the length */
        uint64_t total = from_end ? shoal_utf8_length(x.ptr, x.len) : 0;
        /* characters kept from the start (LEFT) or skipped from the start (RIGHT) */
        uint64_t chars = from_end ? (mag >= total ? 0 : total - mag) : mag;
        uint32_t cut = shoal_utf8_offset(x.ptr, x.len, chars);
        if (left) o[r] = (shoal_string){x.ptr, cut};
        else o[r] = (shoal_string){cut ? x.ptr + cut : x.ptr, x.len - cut};
    });
}

static bool eval_replace(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                         shoal_eval_error *err)
{
    const shoal_string *s = argv[0]->data, *from = argv[1]->data, *to = argv[2]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r], f = from[r], t = to[r];
        uint64_t hits = 0;
        if (f.len > 0)
            for (int64_t at = find_bytes(x, 0, f); at >= 0; at = find_bytes(x, (uint32_t)at + f.len, f)) hits++;
        if (hits == 0) {
            o[r] = x;
            continue;
        }
        uint64_t len = x.len - hits * f.len + hits * t.len;
        char *p = result_bytes(out, len, err);
        if (!p) { ok = false; break; }
        uint32_t done = 0, w = 0;
        for (int64_t at = find_bytes(x, 0, f); at >= 0; at = find_bytes(x, done, f)) {
            memcpy(p + w, x.ptr + done, (uint32_t)at - done);
            w += (uint32_t)at - done;
            if (t.len) memcpy(p + w, t.ptr, t.len);
            w += t.len;
            done = (uint32_t)at + f.len;
        }
        if (x.len > done) memcpy(p + w, x.ptr + done, x.len - done);
        o[r] = (shoal_string){p, (uint32_t)len};
    });
    return ok;
}

static bool eval_split_part(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                            shoal_eval_error *err)
{
    const shoal_string *s = argv[0]->data, *delim = argv[1]->data;
    const int64_t *field = argv[2]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r], d = delim[r];
        int64_t want = field[r];
        if (want <= 0) { ok = fail(err, "22023", "field position must be greater than zero"); break; }
        if (d.len == 0) {
            o[r] = want == 1 ? x : (shoal_string){empty_text, 0};
            continue;
        }
        uint32_t start = 0;
        shoal_string res = {empty_text, 0};
        for (int64_t k = 1;; k++) {
            int64_t at = find_bytes(x, start, d);
            uint32_t end = at < 0 ? x.len : (uint32_t)at;
            if (k == want) {
                res = (shoal_string){x.ptr + start, end - start};
                break;
            }
            if (at < 0) break;
            start = end + d.len;
        }
        o[r] = res;
    });
    return ok;
}

/* A set of characters to trim: ASCII bytes in a bitmap, other characters as their bytes. */
typedef struct char_set {
    uint64_t ascii[2];
    shoal_string others;  /* the whole set text, searched for non-ASCII characters */
    bool has_others;
} char_set;

static void char_set_init(char_set *cs, shoal_string chars)
{
    memset(cs, 0, sizeof *cs);
    cs->others = chars;
    for (uint32_t i = 0; i < chars.len; i++) {
        unsigned char c = (unsigned char)chars.ptr[i];
        if (c < 128) cs->ascii[c >> 6] |= 1ull << (c & 63);
        else cs->has_others = true;
    }
}
static bool char_set_has(const char_set *cs, const char *c, uint32_t len)
{
    if (len == 1 && (unsigned char)c[0] < 128) return (cs->ascii[(unsigned char)c[0] >> 6] >> (c[0] & 63)) & 1;
    if (!cs->has_others) return false;
    for (uint32_t i = 0; i < cs->others.len;) {
        uint32_t k = char_len(cs->others.ptr + i, cs->others.len - i);
        if (k == len && memcmp(cs->others.ptr + i, c, len) == 0) return true;
        i += k;
    }
    return false;
}

static void eval_trim(int func, const shoal_vector *const *argv, int nargs, shoal_vector *out, const uint32_t *sel,
                      uint32_t n)
{
    const shoal_string *s = argv[0]->data, *chars = nargs > 1 ? argv[1]->data : NULL;
    shoal_string *o = out->data;
    bool lead = func != SHOAL_FUNC_RTRIM, trail = func != SHOAL_FUNC_LTRIM;
    char_set cs;
    shoal_string current = {" ", 1};
    char_set_init(&cs, current);
    VALID_ROWS(sel, n, out->validity, r, {
        if (chars && (chars[r].ptr != current.ptr || chars[r].len != current.len)) {
            current = chars[r];
            char_set_init(&cs, current);
        }
        shoal_string x = s[r];
        uint32_t b = 0, e = x.len;
        if (lead)
            while (b < e) {
                uint32_t k = char_len(x.ptr + b, e - b);
                if (!char_set_has(&cs, x.ptr + b, k)) break;
                b += k;
            }
        if (trail)
            while (e > b) {
                uint32_t p = e - 1;
                while (p > b && shoal_utf8_is_cont((unsigned char)x.ptr[p])) p--;
                if (!char_set_has(&cs, x.ptr + p, e - p)) break;
                e = p;
            }
        o[r] = (shoal_string){b ? x.ptr + b : x.ptr, e - b};
    });
}

static bool eval_pad(bool left, const shoal_vector *const *argv, int nargs, shoal_vector *out, const uint32_t *sel,
                     uint32_t n, shoal_eval_error *err)
{
    const shoal_string *s = argv[0]->data, *fill = nargs > 2 ? argv[2]->data : NULL;
    const int64_t *length = argv[1]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r], f = fill ? fill[r] : (shoal_string){" ", 1};
        int64_t want = length[r];
        if (want <= 0) {
            o[r] = (shoal_string){empty_text, 0};
            continue;
        }
        uint64_t have = shoal_utf8_length(x.ptr, x.len);
        if (have >= (uint64_t)want) { /* cut to `want` characters (both sides keep the start) */
            o[r] = (shoal_string){x.ptr, shoal_utf8_offset(x.ptr, x.len, (uint64_t)want)};
            continue;
        }
        if (f.len == 0) {
            o[r] = x;
            continue;
        }
        uint64_t pad = (uint64_t)want - have;
        if (pad > MAX_RESULT_BYTES) { ok = fail(err, "54000", "requested length too large (a string result is limited to %u bytes)", MAX_RESULT_BYTES); break; }
        uint64_t fill_chars = shoal_utf8_length(f.ptr, f.len);
        uint64_t pad_bytes = pad / fill_chars * f.len + shoal_utf8_offset(f.ptr, f.len, pad % fill_chars);
        char *p = result_bytes(out, pad_bytes + x.len, err);
        if (!p) { ok = false; break; }
        char *padp = left ? p : p + x.len;
        for (uint64_t w = 0; w < pad_bytes; w += f.len)
            memcpy(padp + w, f.ptr, pad_bytes - w < f.len ? (size_t)(pad_bytes - w) : f.len);
        if (x.len) memcpy(left ? p + pad_bytes : p, x.ptr, x.len);
        o[r] = (shoal_string){p, (uint32_t)(pad_bytes + x.len)};
    });
    return ok;
}

static bool eval_reverse(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                         shoal_eval_error *err)
{
    const shoal_string *s = argv[0]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r];
        char *p = result_bytes(out, x.len, err);
        if (!p) { ok = false; break; }
        for (uint32_t i = 0; i < x.len;) {
            uint32_t k = char_len(x.ptr + i, x.len - i);
            memcpy(p + x.len - i - k, x.ptr + i, k);
            i += k;
        }
        o[r] = (shoal_string){p, x.len};
    });
    return ok;
}

static bool eval_repeat(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                        shoal_eval_error *err)
{
    const shoal_string *s = argv[0]->data;
    const int64_t *times = argv[1]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r];
        int64_t k = times[r];
        if (k <= 0 || x.len == 0) {
            o[r] = (shoal_string){empty_text, 0};
            continue;
        }
        if ((uint64_t)k > MAX_RESULT_BYTES) { ok = fail(err, "54000", "requested length too large (a string result is limited to %u bytes)", MAX_RESULT_BYTES); break; }
        char *p = result_bytes(out, (uint64_t)k * x.len, err);
        if (!p) { ok = false; break; }
        for (int64_t j = 0; j < k; j++) memcpy(p + (size_t)j * x.len, x.ptr, x.len);
        o[r] = (shoal_string){p, (uint32_t)((uint64_t)k * x.len)};
    });
    return ok;
}

/* INITCAP: the first letter of every word upper case, the others lower case; words are runs of
 * letters, digits and non-ASCII characters (ASCII letters fold, as UPPER/LOWER). */
static bool eval_initcap(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                         shoal_eval_error *err)
{
    const shoal_string *s = argv[0]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        shoal_string x = s[r];
        char *p = result_bytes(out, x.len, err);
        if (!p) { ok = false; break; }
        bool in_word = false;
        for (uint32_t i = 0; i < x.len; i++) {
            unsigned char c = (unsigned char)x.ptr[i];
            bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
            bool word = upper || lower || (c >= '0' && c <= '9') || c >= 0x80;
            if (!in_word && lower) c = (unsigned char)(c - 32);
            else if (in_word && upper) c = (unsigned char)(c + 32);
            p[i] = (char)c;
            in_word = word;
        }
        o[r] = (shoal_string){p, x.len};
    });
    return ok;
}

static bool eval_chr(const shoal_vector *const *argv, shoal_vector *out, const uint32_t *sel, uint32_t n,
                     shoal_eval_error *err)
{
    const int64_t *code = argv[0]->data;
    shoal_string *o = out->data;
    bool ok = true;
    VALID_ROWS(sel, n, out->validity, r, {
        int64_t c = code[r];
        if (c <= 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            ok = fail(err, "22023", c == 0 ? "null character not permitted" : "requested character %lld is not a valid code point",
                      (long long)c);
            break;
        }
        char *p = result_bytes(out, 4, err);
        if (!p) { ok = false; break; }
        uint32_t len;
        if (c < 0x80) { p[0] = (char)c; len = 1; }
        else if (c < 0x800) { p[0] = (char)(0xC0 | (c >> 6)); p[1] = (char)(0x80 | (c & 0x3F)); len = 2; }
        else if (c < 0x10000) {
            p[0] = (char)(0xE0 | (c >> 12)); p[1] = (char)(0x80 | ((c >> 6) & 0x3F)); p[2] = (char)(0x80 | (c & 0x3F));
            len = 3;
        } else {
            p[0] = (char)(0xF0 | (c >> 18)); p[1] = (char)(0x80 | ((c >> 12) & 0x3F));
            p[2] = (char)(0x80 | ((c >> 6) & 0x3F)); p[3] = (char)(0x80 | (c & 0x3F));
            len = 4;
        }
        o[r] = (shoal_string){p, len};
    });
    return ok;
}

/* The code point of the first character (a malformed sequence: its first byte); 0 for ''. */
static int64_t first_code_point(shoal_string s)
{
    if (s.len == 0) return 0;
    const unsigned char *p = (const unsigned char *)s.ptr;
    uint32_t k = char_len(s.ptr, s.len);
    int need = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
    if (p[0] < 0x80 || (uint32_t)need != k) return p[0];
    int64_t c = p[0] & (0x7F >> need);
    for (uint32_t i = 1; i < k; i++) c = (c << 6) | (p[i] & 0x3F);
    return c;
}

static bool eval_string(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[3] = {NULL, NULL, NULL};
    if (!strict_args(ns, in, out, argv, err)) return false;
    int func = shoal_eval_node_expr(ns)->func, nargs = shoal_eval_node_nargs(ns);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    switch ((shoal_func)func) {
    case SHOAL_FUNC_POSITION: return eval_position(argv, out, sel, n, err);
    case SHOAL_FUNC_LEFT:
    case SHOAL_FUNC_RIGHT: eval_left_right(func == SHOAL_FUNC_LEFT, argv, out, sel, n); return true;
    case SHOAL_FUNC_REPLACE: return eval_replace(argv, out, sel, n, err);
    case SHOAL_FUNC_SPLIT_PART: return eval_split_part(argv, out, sel, n, err);
    case SHOAL_FUNC_LTRIM:
    case SHOAL_FUNC_RTRIM:
    case SHOAL_FUNC_BTRIM: eval_trim(func, argv, nargs, out, sel, n); return true;
    case SHOAL_FUNC_LPAD:
    case SHOAL_FUNC_RPAD: return eval_pad(func == SHOAL_FUNC_LPAD, argv, nargs, out, sel, n, err);
    case SHOAL_FUNC_REVERSE: return eval_reverse(argv, out, sel, n, err);
    case SHOAL_FUNC_REPEAT: return eval_repeat(argv, out, sel, n, err);
    case SHOAL_FUNC_INITCAP: return eval_initcap(argv, out, sel, n, err);
    case SHOAL_FUNC_CHR: return eval_chr(argv, out, sel, n, err);
    case SHOAL_FUNC_ASCII: {
        const shoal_string *s = argv[0]->data;
        bool ok = true;
        VALID_ROWS(sel, n, out->validity, r, {
            if (!store_int(out, r, first_code_point(s[r]))) { ok = range_error(err, out->type); break; }
        });
        return ok;
    }
    default: return fail(err, "XX000", "not a string function: %d", func);
    }
}

/* ================================ dates ================================ */

static inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}
/* The calendar's range (shoal_date_valid): -4713-01-01 .. 294276-12-31. */
#define MIN_DAYS (-2440915LL)
#define MAX_DAYS 106762939LL
static bool date_in_range(int64_t days) { return days >= MIN_DAYS && days <= MAX_DAYS; }
static bool ts_in_range(int64_t micros) { return date_in_range(floor_div(micros, MICROS_PER_DAY)); }

/* A timestamp as its day and the microseconds into it. */
static inline void split_ts(int64_t t, int64_t *days, int64_t *tod)
{
    *days = floor_div(t, MICROS_PER_DAY);
    *tod = t - *days * MICROS_PER_DAY;
}
static inline void ymd_of(int64_t days, int *y, int *m, int *d) { shoal_date_to_ymd((int32_t)days, y, m, d); }
/* Monday of the week of `days` (1970-01-05 was a Monday). */
static inline int64_t monday_of(int64_t days) { return days - ((days + 3) % 7 + 7) % 7; }

/* days + months, the day clamped to the new month's end; with `keep_last` a month's last day
 * stays the last day (ADD_MONTHS). False when out of range. */
static bool add_months(int64_t days, int64_t months, bool keep_last, int64_t *result)
{
    int y, m, d;
    ymd_of(days, &y, &m, &d);
    int64_t total;
    if (__builtin_add_overflow((int64_t)y * 12 + (m - 1), months, &total)) return false;
    int64_t ny = floor_div(total, 12), nm = total - ny * 12 + 1;
    if (ny < -4713 || ny > 294276) return false;
    int dim = shoal_days_in_month((int)ny, (int)nm);
    int nd = (d < dim ? d : dim);
    if (keep_last && d == shoal_days_in_month(y, m)) nd = dim;
    *result = shoal_date_from_ymd((int)ny, (int)nm, nd);
    return date_in_range(*result);
}

static int64_t first_of_year(int64_t y) { return shoal_date_from_ymd((int)y, 1, 1); }

/* DATE_TRUNC: one loop per unit. */
static bool eval_date_trunc(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[1];
    if (!strict_args(ns, in, out, argv, err)) return false;
    const int64_t *x = argv[0]->data;
    int64_t *o = out->data;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    bool bad = false;
#define TRUNC_TIME(UNIT)                                                                                \
    VALID_ROWS(sel, n, valid, r, {                                                                      \
        if (!ts_in_range(x[r])) { bad = true; break; }                                                  \
        o[r] = floor_div(x[r], UNIT) * (UNIT);                                                          \
    })
#define TRUNC_DAYS(...)                                                                                 \
    VALID_ROWS(sel, n, valid, r, {                                                                      \
        int64_t days = floor_div(x[r], MICROS_PER_DAY);                                                 \
        int y, m, d;                                                                                    \
        if (!date_in_range(days)) { bad = true; break; }                                                \
        ymd_of(days, &y, &m, &d);                                                                       \
        (void)y; (void)m; (void)d;                                                                      \
        int64_t res = (__VA_ARGS__);                                                                    \
        if (!date_in_range(res)) { bad = true; break; }                                                 \
        o[r] = res * MICROS_PER_DAY;                                                                    \
    })
    switch ((shoal_extract_field)shoal_eval_node_expr(ns)->extract_field) {
    case SHOAL_EXTRACT_MICROSECOND: VALID_ROWS(sel, n, valid, r, o[r] = x[r]); break;
    case SHOAL_EXTRACT_MILLISECOND: TRUNC_TIME(1000); break;
    case SHOAL_EXTRACT_SECOND: TRUNC_TIME(MICROS_PER_SECOND); break;
    case SHOAL_EXTRACT_MINUTE: TRUNC_TIME(MICROS_PER_MINUTE); break;
    case SHOAL_EXTRACT_HOUR: TRUNC_TIME(MICROS_PER_HOUR); break;
    case SHOAL_EXTRACT_DAY: TRUNC_TIME(MICROS_PER_DAY); break;
    case SHOAL_EXTRACT_WEEK: TRUNC_DAYS(monday_of(days)); break;
    case SHOAL_EXTRACT_MONTH: TRUNC_DAYS(shoal_date_from_ymd(y, m, 1)); break;
    case SHOAL_EXTRACT_QUARTER: TRUNC_DAYS(shoal_date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1)); break;
    case SHOAL_EXTRACT_YEAR: TRUNC_DAYS(first_of_year(y)); break;
    case SHOAL_EXTRACT_DECADE: TRUNC_DAYS(first_of_year(floor_div(y, 10) * 10)); break;
    case SHOAL_EXTRACT_CENTURY: TRUNC_DAYS(first_of_year(floor_div(y - 1, 100) * 100 + 1)); break; /* 2001, 2101 */
    case SHOAL_EXTRACT_MILLENNIUM: TRUNC_DAYS(first_of_year(floor_div(y - 1, 1000) * 1000 + 1)); break;
    default: return fail(err, "XX000", "DATE_TRUNC unit %d", shoal_eval_node_expr(ns)->extract_field);
    }
#undef TRUNC_TIME
#undef TRUNC_DAYS
    return bad ? fail(err, "22008", "timestamp out of range") : true;
}

/* Months per unit for the calendar units, 0 for the others. */
static int64_t unit_months(int unit)
{
    switch (unit) {
    case SHOAL_EXTRACT_MONTH: return 1;
    case SHOAL_EXTRACT_QUARTER: return 3;
    case SHOAL_EXTRACT_YEAR: return 12;
    case SHOAL_EXTRACT_DECADE: return 120;
    case SHOAL_EXTRACT_CENTURY: return 1200;
    case SHOAL_EXTRACT_MILLENNIUM: return 12000;
    default: return 0;
    }
}
/* Microseconds per unit for the fixed-length units, 0 for the calendar ones. */
static int64_t unit_micros(int unit)
{
    switch (unit) {
    case SHOAL_EXTRACT_WEEK: return 7 * MICROS_PER_DAY;
    case SHOAL_EXTRACT_DAY: return MICROS_PER_DAY;
    case SHOAL_EXTRACT_HOUR: return MICROS_PER_HOUR;
    case SHOAL_EXTRACT_MINUTE: return MICROS_PER_MINUTE;
    case SHOAL_EXTRACT_SECOND: return MICROS_PER_SECOND;
    case SHOAL_EXTRACT_MILLISECOND: return 1000;
    case SHOAL_EXTRACT_MICROSECOND: return 1;
    default: return 0;
    }
}

/* DATEADD(unit, n, ts) and ADD_MONTHS(ts, n). */
static bool eval_dateadd(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[2];
    if (!strict_args(ns, in, out, argv, err)) return false;
    const shoal_expr *e = shoal_eval_node_expr(ns);
    bool add_months_fn = e->func == SHOAL_FUNC_ADD_MONTHS;
    const int64_t *count = (add_months_fn ? argv[1] : argv[0])->data, *x = (add_months_fn ? argv[0] : argv[1])->data;
    int64_t months = add_months_fn ? 1 : unit_months(e->extract_field), micros = add_months_fn ? 0 : unit_micros(e->extract_field);
    int64_t *o = out->data;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    bool bad = false;
    if (months) {
        VALID_ROWS(sel, n, out->validity, r, {
            int64_t days, tod, k, res;
            split_ts(x[r], &days, &tod);
            if (!date_in_range(days) || __builtin_mul_overflow(count[r], months, &k) ||
                !add_months(days, k, add_months_fn, &res)) { bad = true; break; }
            o[r] = res * MICROS_PER_DAY + tod;
        });
    } else {
        VALID_ROWS(sel, n, out->validity, r, {
            int64_t d, res;
            if (__builtin_mul_overflow(count[r], micros, &d) || __builtin_add_overflow(x[r], d, &res) ||
                !ts_in_range(res)) { bad = true; break; }
            o[r] = res;
        });
    }
    return bad ? fail(err, "22008", "timestamp out of range") : true;
}

/* DATEDIFF: the difference of the two timestamps' unit numbers (boundaries crossed). */
static bool eval_datediff(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[2];
    if (!strict_args(ns, in, out, argv, err)) return false;
    int unit = shoal_eval_node_expr(ns)->extract_field;
    const int64_t *a = argv[0]->data, *b = argv[1]->data;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    int status = 0; /* 1 out of the calendar, 2 overflow */
    int64_t fixed = unit == SHOAL_EXTRACT_WEEK ? 0 : unit_micros(unit);
    if (fixed) {
        VALID_ROWS(sel, n, out->validity, r, {
            int64_t v;
            if (__builtin_sub_overflow(floor_div(b[r], fixed), floor_div(a[r], fixed), &v)) { status = 2; break; }
            if (!store_int(out, r, v)) { status = 2; break; }
        });
    } else {
        VALID_ROWS(sel, n, out->validity, r, {
            int64_t key[2];
            for (int j = 0; j < 2; j++) {
                int64_t days = floor_div(j ? b[r] : a[r], MICROS_PER_DAY);
                if (!date_in_range(days)) { status = 1; break; }
                int y, m, d;
                if (unit != SHOAL_EXTRACT_WEEK) ymd_of(days, &y, &m, &d);
                else y = m = d = 0;
                switch (unit) {
                case SHOAL_EXTRACT_WEEK: key[j] = floor_div(days + 3, 7); break;
                case SHOAL_EXTRACT_MONTH: key[j] = (int64_t)y * 12 + m - 1; break;
                case SHOAL_EXTRACT_QUARTER: key[j] = (int64_t)y * 4 + (m - 1) / 3; break;
                case SHOAL_EXTRACT_YEAR: key[j] = y; break;
                case SHOAL_EXTRACT_DECADE: key[j] = floor_div(y, 10); break;
                case SHOAL_EXTRACT_CENTURY: key[j] = floor_div(y - 1, 100); break;
                default: key[j] = floor_div(y - 1, 1000); break; /* MILLENNIUM */
                }
            }
            if (status) break;
            if (!store_int(out, r, key[1] - key[0])) { status = 2; break; }
        });
    }
    if (status == 1) return fail(err, "22008", "timestamp out of range");
    if (status == 2) return range_error(err, out->type);
    return true;
}

static bool eval_last_day(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[1];
    if (!strict_args(ns, in, out, argv, err)) return false;
    const int32_t *x = argv[0]->data;
    int32_t *o = out->data;
    bool bad = false;
    VALID_ROWS(in->sel, shoal_batch_rows(in), out->validity, r, {
        if (!date_in_range(x[r])) { bad = true; break; }
        int y, m, d;
        ymd_of(x[r], &y, &m, &d);
        o[r] = shoal_date_from_ymd(y, m, shoal_days_in_month(y, m));
    });
    return bad ? fail(err, "22008", "date out of range") : true;
}

/* ================================ TO_CHAR / TO_DATE ================================ */

/* ---- datetime format patterns (PostgreSQL's and Redshift's names) ---- */
typedef enum dt_kind {
    DT_LITERAL, DT_YYYY, DT_YYY, DT_YY, DT_Y, DT_MONTH, DT_MON, DT_MM, DT_DAY, DT_DY, DT_DDD, DT_DD, DT_D,
    DT_HH24, DT_HH12, DT_MI, DT_SS, DT_MS, DT_US, DT_AM, DT_AMDOT, DT_Q, DT_WW, DT_W, DT_CC, DT_J
} dt_kind;

typedef struct dt_pattern {
    const char *name; /* upper case; matched case-insensitively */
    dt_kind kind;
} dt_pattern;

/* Longest first where one name starts another. */
static const dt_pattern dt_patterns[] = {
    {"HH24", DT_HH24}, {"HH12", DT_HH12}, {"HH", DT_HH12}, {"MI", DT_MI}, {"SS", DT_SS}, {"MS", DT_MS},
    {"US", DT_US}, {"A.M.", DT_AMDOT}, {"P.M.", DT_AMDOT}, {"AM", DT_AM}, {"PM", DT_AM}, {"YYYY", DT_YYYY},
    {"YYY", DT_YYY}, {"YY", DT_YY}, {"Y", DT_Y}, {"MONTH", DT_MONTH}, {"MON", DT_MON}, {"MM", DT_MM},
    {"DAY", DT_DAY}, {"DDD", DT_DDD}, {"DD", DT_DD}, {"DY", DT_DY}, {"D", DT_D}, {"Q", DT_Q}, {"WW", DT_WW},
    {"W", DT_W}, {"CC", DT_CC}, {"J", DT_J},
};

typedef struct dt_token {
    uint8_t kind;     /* dt_kind */
    bool fm;          /* FM prefix: no padding */
    uint8_t letters;  /* names: 0 upper (MON), 1 capitalized (Mon), 2 lower (mon) */
    uint32_t off, len; /* DT_LITERAL: bytes of the format text (quotes removed) */
} dt_token;

typedef struct dt_format {
    const char *text; /* the format the tokens were compiled from (pointer, length) */
    uint32_t text_len;
    bool compiled;
    int count;
    dt_token tokens[MAX_FORMAT_BYTES];
    char literal[MAX_FORMAT_BYTES]; /* literal bytes the tokens point into */
    uint32_t literal_len;
} dt_format;

static char upper_ascii(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void dt_add_literal(dt_format *f, char c)
{
    dt_token *last = f->count > 0 ? &f->tokens[f->count - 1] : NULL;
    if (!last || last->kind != DT_LITERAL || last->off + last->len != f->literal_len) {
        last = &f->tokens[f->count++];
        memset(last, 0, sizeof *last);
        last->kind = DT_LITERAL;
        last->off = f->literal_len;
    }
    f->literal[f->literal_len++] = c;
    last->len++;
}

/* Compiles a datetime format (false: too long). Unknown letters are copied as they are (as
 * PostgreSQL does); "text" is literal; FM prefixes the next pattern. */
static bool dt_compile(dt_format *f, shoal_string fmt)
{
    f->text = fmt.ptr;
    f->text_len = fmt.len;
    f->compiled = true;
    f->count = 0;
    f->literal_len = 0;
    if (fmt.len > MAX_FORMAT_BYTES) return false;
    const char *s = fmt.ptr;
    uint32_t i = 0, n = fmt.len;
    bool fm = false;
    while (i < n) {
        if (s[i] == '"') { /* quoted literal, \" inside */
            for (i++; i < n && s[i] != '"'; i++) {
                if (s[i] == '\\' && i + 1 < n) i++;
                dt_add_literal(f, s[i]);
            }
            i++;
            continue;
        }
        if (s[i] == '\\' && i + 1 < n) {
            dt_add_literal(f, s[i + 1]);
            i += 2;
            continue;
        }
        if (i + 1 < n && upper_ascii(s[i]) == 'F' && upper_ascii(s[i + 1]) == 'M') {
            fm = true;
            i += 2;
            continue;
        }
        const dt_pattern *hit = NULL;
        for (size_t p = 0; p < sizeof dt_patterns / sizeof dt_patterns[0] && !hit; p++) {
            size_t len = strlen(dt_patterns[p].name);
            if (n - i < len) continue;
            size_t k = 0;
            while (k < len && upper_ascii(s[i + k]) == dt_patterns[p].name[k]) k++;
            if (k == len) hit = &dt_patterns[p];
        }
        if (!hit) {
            dt_add_literal(f, s[i++]);
            fm = false;
            continue;
        }
        dt_token *t = &f->tokens[f->count++];
        memset(t, 0, sizeof *t);
        t->kind = (uint8_t)hit->kind;
        t->fm = fm;
        bool up0 = !(s[i] >= 'a' && s[i] <= 'z');
        bool up1 = strlen(hit->name) > 1 && !(s[i + 1] >= 'a' && s[i + 1] <= 'z');
        t->letters = up0 ? (up1 ? 0 : 1) : 2;
        i += (uint32_t)strlen(hit->name);
        fm = false;
    }
    return true;
}

static const char *const month_names[12] = {"JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE",
                                            "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
static const char *const day_names[7] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"};

/* Appends a name (upper case in the table) in the token's letter case, `max` characters of
 * it, padded with blanks to `pad` unless FM. */
static uint32_t put_name(char *o, const char *name, const dt_token *t, size_t max, size_t pad)
{
    uint32_t k = 0;
    for (; name[k] && k < max; k++) {
        char c = name[k];
        if (t->letters == 2 || (t->letters == 1 && k > 0)) c = (char)(c + 32);
        o[k] = c;
    }
    if (!t->fm)
        while (k < pad) o[k++] = ' ';
    return k;
}
static uint32_t put_number(char *o, int64_t v, int width, bool fm)
{
    return (uint32_t)sprintf(o, "%0*lld", fm ? 0 : width, (long long)v);
}

/* One timestamp in the format: at most 9 bytes per format byte (J), + 16. */
static uint32_t dt_format_ts(const dt_format *f, int64_t ts, char *o)
{
    int64_t days, tod;
    split_ts(ts, &days, &tod);
    int y, m, d;
    ymd_of(days, &y, &m, &d);
    int dow = (int)(((days + 4) % 7 + 7) % 7); /* Sunday = 0 */
    int doy = (int)(days - first_of_year(y)) + 1;
    int hour = (int)(tod / MICROS_PER_HOUR), minute = (int)(tod / MICROS_PER_MINUTE % 60);
    int second = (int)(tod / MICROS_PER_SECOND % 60), micro = (int)(tod % MICROS_PER_SECOND);
    uint32_t w = 0;
    for (int i = 0; i < f->count; i++) {
        const dt_token *t = &f->tokens[i];
        char *p = o + w;
        switch ((dt_kind)t->kind) {
        case DT_LITERAL: memcpy(p, f->literal + t->off, t->len); w += t->len; break;
        case DT_YYYY: w += y >= 0 ? put_number(p, y, 4, t->fm) : (uint32_t)sprintf(p, "%d", y); break;
        case DT_YYY: w += put_number(p, (y < 0 ? -y : y) % 1000, 3, t->fm); break;
        case DT_YY: w += put_number(p, (y < 0 ? -y : y) % 100, 2, t->fm); break;
        case DT_Y: w += put_number(p, (y < 0 ? -y : y) % 10, 1, t->fm); break;
        case DT_CC: w += put_number(p, y > 0 ? (y + 99) / 100 : y / 100 - 1, 2, t->fm); break;
        case DT_MONTH: w += put_name(p, month_names[m - 1], t, 9, 9); break;
        case DT_MON: w += put_name(p, month_names[m - 1], t, 3, 3); break;
        case DT_MM: w += put_number(p, m, 2, t->fm); break;
        case DT_DAY: w += put_name(p, day_names[dow], t, 9, 9); break;
        case DT_DY: w += put_name(p, day_names[dow], t, 3, 3); break;
        case DT_DDD: w += put_number(p, doy, 3, t->fm); break;
        case DT_DD: w += put_number(p, d, 2, t->fm); break;
        case DT_D: w += put_number(p, dow + 1, 1, t->fm); break;
        case DT_HH24: w += put_number(p, hour, 2, t->fm); break;
        case DT_HH12: w += put_number(p, hour % 12 == 0 ? 12 : hour % 12, 2, t->fm); break;
        case DT_MI: w += put_number(p, minute, 2, t->fm); break;
        case DT_SS: w += put_number(p, second, 2, t->fm); break;
        case DT_MS: w += put_number(p, micro / 1000, 3, t->fm); break;
        case DT_US: w += put_number(p, micro, 6, t->fm); break;
        case DT_AM:
        case DT_AMDOT: {
            const char *text = hour < 12 ? (t->kind == DT_AM ? "AM" : "A.M.") : (t->kind == DT_AM ? "PM" : "P.M.");
            for (uint32_t k = 0; text[k]; k++) p[k] = t->letters == 2 && is_alpha(text[k]) ? (char)(text[k] + 32) : text[k];
            w += (uint32_t)strlen(text);
            break;
        }
        case DT_Q: w += put_number(p, (m - 1) / 3 + 1, 1, t->fm); break;
        case DT_WW: w += put_number(p, (doy - 1) / 7 + 1, 2, t->fm); break;
        case DT_W: w += put_number(p, (d - 1) / 7 + 1, 1, t->fm); break;
        case DT_J: w += put_number(p, days + 2440588, 1, t->fm); break; /* Julian day: 1970-01-01 is 2440588 */
        }
    }
    return w;
}

/* ---- number format patterns: 9 0 . D , G FM and literal text ---- */
typedef enum nf_kind { NF_LITERAL, NF_9, NF_0, NF_DEC, NF_COMMA } nf_kind;

typedef struct nf_format {
    const char *text;
    uint32_t text_len;
    bool compiled;
    char bad[8];        /* an unsupported pattern ("" when none) */
    bool fm;
    int pre, post;      /* digit positions before and after the decimal point */
    bool has_dec, has_zero;
    int zero_start;     /* the first integer position that prints zeros (pre when none) */
    int zero_end;       /* digit positions up to the last 0 (0 when none) */
    int count;
    uint8_t kinds[MAX_FORMAT_BYTES];
    char chars[MAX_FORMAT_BYTES]; /* NF_LITERAL: the byte */
} nf_format;

static void nf_compile(nf_format *f, shoal_string fmt)
{
    memset(f->bad, 0, sizeof f->bad);
    f->text = fmt.ptr;
    f->text_len = fmt.len;
    f->compiled = true;
    f->fm = f->has_dec = f->has_zero = false;
    f->pre = f->post = f->count = f->zero_end = 0;
    f->zero_start = -1;
    if (fmt.len > MAX_FORMAT_BYTES) {
        snprintf(f->bad, sizeof f->bad, "long");
        return;
    }
    const char *s = fmt.ptr;
    for (uint32_t i = 0; i < fmt.len; i++) {
        char c = upper_ascii(s[i]);
        if (c == 'F' && i + 1 < fmt.len && upper_ascii(s[i + 1]) == 'M') {
            f->fm = true;
            i++;
            continue;
        }
        if (s[i] == '"') {
            for (i++; i < fmt.len && s[i] != '"'; i++) {
                if (s[i] == '\\' && i + 1 < fmt.len) i++;
                f->kinds[f->count] = NF_LITERAL;
                f->chars[f->count++] = s[i];
            }
            continue;
        }
        uint8_t k = NF_LITERAL;
        if (c == '9' || c == '0') {
            k = c == '9' ? NF_9 : NF_0;
            if (c == '0' && !f->has_zero && !f->has_dec) { /* zeros after the point do not zero-fill */
                f->has_zero = true;
                f->zero_start = f->pre;
            }
            if (f->has_dec) f->post++;
            else f->pre++;
            if (c == '0') f->zero_end = f->pre + f->post;
        } else if (c == '.' || c == 'D') {
            if (f->has_dec) {
                snprintf(f->bad, sizeof f->bad, "..");
                return;
            }
            k = NF_DEC;
            f->has_dec = true;
        } else if (c == ',' || c == 'G') {
            k = NF_COMMA;
        } else if (is_alpha(c) || is_digit(c)) {
            snprintf(f->bad, sizeof f->bad, "%c", s[i]);
            return;
        }
        f->kinds[f->count] = k;
        f->chars[f->count++] = s[i];
    }
    if (!f->has_zero) f->zero_start = f->pre;
}

/* Writes the number (sign, integer digits, fraction digits: exactly f->post of them) the way
 * PostgreSQL's to_char does: digits right-aligned in the integer positions, blanks before
 * them (zeros from the first 0 on), the sign just before the first digit (a blank for a
 * positive number unless FM), '#' everywhere when the integer part does not fit, FM dropping
 * the blanks and the fraction's trailing zeros in 9 positions. Returns the length. */
static uint32_t nf_render(const nf_format *f, bool negative, const char *int_digits, const char *frac_digits, char *o)
{
    char num[2 * MAX_FORMAT_BYTES + 64];
    size_t il = strlen(int_digits);
    uint32_t nl = 0;
    if ((int)il > f->pre) { /* overflow */
        for (int k = 0; k < f->pre; k++) num[nl++] = '#';
        if (f->has_dec) num[nl++] = '.';
        for (int k = 0; k < f->post; k++) num[nl++] = '#';
        il = (size_t)f->pre;
    } else {
        memcpy(num, int_digits, il);
        nl = (uint32_t)il;
        if (f->has_dec) {
            num[nl++] = '.';
            memcpy(num + nl, frac_digits, (size_t)f->post);
            nl += (uint32_t)f->post;
        }
    }
    num[nl] = '\0';
    int pre_spaces = f->pre - (int)il;
    int last_rel = -1; /* FM: the last fraction digit that is not 0 (or the point) */
    if (f->fm && f->post > 0) {
        char *dot = strchr(num, '.');
        if (dot) {
            last_rel = (int)(dot - num);
            for (int k = last_rel + 1; num[k]; k++)
                if (num[k] != '0') last_rel = k;
            /* the digits of 0 positions stay */
            if (f->zero_end > pre_spaces) {
                int last_zero = (int)nl - 1 < f->zero_end - pre_spaces ? (int)nl - 1 : f->zero_end - pre_spaces;
                if (last_rel < last_zero) last_rel = last_zero;
            }
        }
    }
    uint32_t w = 0, np = 0;
    int cur = 0;
    bool sign_wrote = false, num_in = false;
    for (int i = 0; i < f->count; i++) {
        uint8_t k = f->kinds[i];
        if (k == NF_LITERAL) {
            o[w++] = f->chars[i];
            continue;
        }
        if (k == NF_COMMA) {
            if (num_in) o[w++] = ',';
            else if (!f->fm) o[w++] = ' ';
            continue;
        }
        bool predec = !f->has_zero && np == 0 && num[0] == '0' && f->post != 0;
        bool rel_dot = last_rel >= 0 && num[last_rel] == '.';
        if (!sign_wrote && (cur >= pre_spaces || (f->has_zero && f->zero_start == cur)) && (!predec || rel_dot)) {
            if (negative) o[w++] = '-';
            else if (!f->fm) o[w++] = ' ';
            sign_wrote = true;
        }
        if (cur < pre_spaces && (f->zero_start > cur || !f->has_zero)) {
            if (!f->fm) o[w++] = ' ';
        } else if (f->has_zero && cur < pre_spaces && f->zero_start <= cur) {
            o[w++] = '0';
            num_in = true;
        } else {
            if (num[np] == '.') {
                o[w++] = '.';
            } else if (last_rel >= 0 && (int)np > last_rel && k != NF_0) {
                /* FM: a trailing zero of the fraction */
            } else if (predec) {
                if (!f->fm) o[w++] = ' ';
                else if (rel_dot) o[w++] = '0';
            } else if (num[np]) {
                o[w++] = num[np];
                num_in = true;
            }
            if (num[np]) np++;
        }
        cur++;
    }
    return w;
}

/* Digits of |v| (an integer at scale `scale`) rounded half away from zero to `post` fraction
 * digits: the integer digits ("0" when none) and exactly `post` fraction digits. */
static void exact_digits(shoal_int128 v, int scale, int post, char *int_digits, char *frac_digits)
{
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    int s = scale;
    if (post < s) { /* round away the extra digits */
        int drop = s - post;
        unsigned __int128 p = drop > 38 ? 0 : (unsigned __int128)shoal_pow10_i128(drop);
        if (p == 0) u = 0;
        else {
            unsigned __int128 q = u / p, rem = u % p;
            if (rem >= p - rem) q++;
            u = q;
        }
        s = post;
    }
    char digits[48];
    int len = 0;
    do {
        digits[len++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (len <= s) digits[len++] = '0'; /* at least one integer digit */
    int il = len - s;
    for (int k = 0; k < il; k++) int_digits[k] = digits[len - 1 - k];
    int_digits[il] = '\0';
    for (int k = 0; k < s; k++) frac_digits[k] = digits[s - 1 - k];
    for (int k = s; k < post; k++) frac_digits[k] = '0';
    frac_digits[post] = '\0';
}

static bool eval_to_char(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[2];
    if (!strict_args(ns, in, out, argv, err)) return false;
    const shoal_vector *a = argv[0];
    const shoal_string *fmt = argv[1]->data;
    shoal_string *o = out->data;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    bool ok = true;
    char buf[10 * MAX_FORMAT_BYTES + 64]; /* J: 9 digits from one format byte */
    if (a->type.id == SHOAL_TYPE_TIMESTAMP) {
        dt_format *f = shoal_eval_scratch(ns, 0, sizeof(dt_format));
        f->compiled = false;
        const int64_t *x = a->data;
        VALID_ROWS(sel, n, out->validity, r, {
            if (!f->compiled || fmt[r].ptr != f->text || fmt[r].len != f->text_len)
                if (!dt_compile(f, fmt[r])) { ok = fail(err, "22023", "the TO_CHAR format is longer than %d bytes", MAX_FORMAT_BYTES); break; }
            if (!ts_in_range(x[r])) { ok = fail(err, "22008", "timestamp out of range"); break; }
            uint32_t len = dt_format_ts(f, x[r], buf);
            char *p = result_bytes(out, len, err);
            if (!p) { ok = false; break; }
            memcpy(p, buf, len);
            o[r] = (shoal_string){p, len};
        });
        return ok;
    }
    nf_format *f = shoal_eval_scratch(ns, 0, sizeof(nf_format));
    f->compiled = false;
    shoal_physical ap = phys(a->type);
    int scale = type_scale(a->type);
    char int_digits[2 * MAX_FORMAT_BYTES + 400], frac_digits[MAX_FORMAT_BYTES + 8];
    VALID_ROWS(sel, n, out->validity, r, {
        if (!f->compiled || fmt[r].ptr != f->text || fmt[r].len != f->text_len) nf_compile(f, fmt[r]);
        if (f->bad[0]) {
            if (strcmp(f->bad, "..") == 0) ok = fail(err, "22023", "multiple decimal points in a TO_CHAR format");
            else if (strcmp(f->bad, "long") == 0) ok = fail(err, "22023", "the TO_CHAR format is longer than %d bytes", MAX_FORMAT_BYTES);
            else ok = fail(err, "22023", "the TO_CHAR number format pattern \"%s\" is not supported (use 9 0 . D , G FM)", f->bad);
            break;
        }
        bool negative;
        if (ap == SHOAL_PHYS_F64 || ap == SHOAL_PHYS_F32) {
            double x = ap == SHOAL_PHYS_F32 ? ((const float *)a->data)[r] : ((const double *)a->data)[r];
            negative = x < 0;
            if (!isfinite(x) || fabs(x) >= 1e300) { /* no digits fit: the overflow form */
                memset(int_digits, '9', (size_t)f->pre + 1);
                int_digits[f->pre + 1] = '\0';
                memset(frac_digits, '0', (size_t)f->post);
                frac_digits[f->post] = '\0';
            } else {
                snprintf(int_digits, sizeof int_digits, "%.*f", f->post, fabs(x));
                char *dot = strchr(int_digits, '.');
                frac_digits[0] = '\0';
                if (dot) {
                    memcpy(frac_digits, dot + 1, (size_t)f->post);
                    frac_digits[f->post] = '\0';
                    *dot = '\0';
                }
                size_t lead = 0; /* "0" stays, "012" cannot happen */
                while (int_digits[lead] == '0' && int_digits[lead + 1]) lead++;
                memmove(int_digits, int_digits + lead, strlen(int_digits + lead) + 1);
            }
        } else {
            shoal_int128 v;
            switch (ap) {
            case SHOAL_PHYS_I16: v = ((const int16_t *)a->data)[r]; break;
            case SHOAL_PHYS_I32: v = ((const int32_t *)a->data)[r]; break;
            case SHOAL_PHYS_I64: v = ((const int64_t *)a->data)[r]; break;
            default: v = ((const shoal_int128 *)a->data)[r]; break;
            }
            negative = v < 0;
            exact_digits(v, scale, f->post, int_digits, frac_digits);
        }
        if (negative) { /* a value that rounds to zero has no sign (as PostgreSQL's numeric) */
            bool zero = strcmp(int_digits, "0") == 0;
            for (int k = 0; zero && frac_digits[k]; k++) zero = frac_digits[k] == '0';
            if (zero) negative = false;
        }
        uint32_t len = nf_render(f, negative, int_digits, frac_digits, buf);
        char *p = result_bytes(out, len, err);
        if (!p) { ok = false; break; }
        memcpy(p, buf, len);
        o[r] = (shoal_string){p, len};
    });
    return ok;
}

/* ---- TO_DATE / TO_TIMESTAMP: text read with a datetime format ---- */

typedef struct dt_fields {
    int64_t year, month, day, hour, minute, second, micro;
    int pm; /* -1 none, 0 AM, 1 PM */
    bool hour12;
} dt_fields;

static const char *dt_pattern_name(dt_kind k)
{
    for (size_t p = 0; p < sizeof dt_patterns / sizeof dt_patterns[0]; p++)
        if (dt_patterns[p].kind == k) return dt_patterns[p].name;
    return "?";
}

static bool bad_input(shoal_eval_error *err, shoal_string text, shoal_string fmt, const char *why)
{
    int tl = text.len > 60 ? 60 : (int)text.len, fl = fmt.len > 60 ? 60 : (int)fmt.len;
    return fail(err, "22007", "invalid value \"%.*s\" for format \"%.*s\": %s", tl, text.ptr ? text.ptr : "", fl,
                fmt.ptr ? fmt.ptr : "", why);
}

/* Reads up to `width` digits at *pos (after blanks); false when there are none. */
static bool read_digits(shoal_string s, uint32_t *pos, int width, int64_t *v)
{
    uint32_t p = *pos;
    while (p < s.len && s.ptr[p] == ' ') p++;
    int k = 0;
    int64_t x = 0;
    while (p < s.len && k < width && is_digit(s.ptr[p])) {
        x = x * 10 + (s.ptr[p++] - '0');
        k++;
    }
    if (k == 0) return false;
    *pos = p;
    *v = x;
    return true;
}

/* Matches one of `names` (upper case) at *pos, case-insensitively, comparing `len` letters
 * (0: the whole name); returns its index or -1. */
static int read_name(shoal_string s, uint32_t *pos, const char *const *names, int count, size_t len)
{
    uint32_t p = *pos;
    while (p < s.len && s.ptr[p] == ' ') p++;
    for (int i = 0; i < count; i++) {
        size_t l = len ? len : strlen(names[i]);
        if (s.len - p < l) continue;
        size_t k = 0;
        while (k < l && upper_ascii(s.ptr[p + k]) == names[i][k]) k++;
        if (k == l) {
            *pos = p + (uint32_t)l;
            return i;
        }
    }
    return -1;
}

/* Fills `fd` from `text` read with the format; false with err set (22007) on a mismatch. */
static bool dt_parse(const dt_format *f, shoal_string text, shoal_string fmt, dt_fields *fd, shoal_eval_error *err)
{
    memset(fd, 0, sizeof *fd);
    fd->year = 1;
    fd->month = 1;
    fd->day = 1;
    fd->pm = -1;
    uint32_t pos = 0;
    char why[96];
    for (int i = 0; i < f->count; i++) {
        const dt_token *t = &f->tokens[i];
        int64_t v = 0;
        int width = 0;
        int64_t *into = NULL;
        switch ((dt_kind)t->kind) {
        case DT_LITERAL:
            for (uint32_t k = 0; k < t->len; k++) {
                char c = f->literal[t->off + k];
                if (c == ' ') {
                    while (pos < text.len && text.ptr[pos] == ' ') pos++;
                } else if (pos < text.len && (text.ptr[pos] == c || (!is_alpha(c) && !is_digit(c) && !is_alpha(text.ptr[pos]) &&
                                                                       !is_digit(text.ptr[pos])))) {
                    pos++; /* the character itself, or any separator for a separator */
                } else {
                    snprintf(why, sizeof why, "expected \"%c\" at character %u", c, pos + 1);
                    return bad_input(err, text, fmt, why);
                }
            }
            continue;
        case DT_YYYY: width = 4; into = &fd->year; break;
        case DT_YY: width = 2; into = &fd->year; break;
        case DT_MM: width = 2; into = &fd->month; break;
        case DT_DD: width = 2; into = &fd->day; break;
        case DT_HH24: width = 2; into = &fd->hour; break;
        case DT_HH12: width = 2; into = &fd->hour; fd->hour12 = true; break;
        case DT_MI: width = 2; into = &fd->minute; break;
        case DT_SS: width = 2; into = &fd->second; break;
        case DT_MS: width = 3; into = &fd->micro; break;
        case DT_US: width = 6; into = &fd->micro; break;
        case DT_MON:
        case DT_MONTH: {
            int k = read_name(text, &pos, month_names, 12, t->kind == DT_MON ? 3 : 0);
            if (k < 0) {
                snprintf(why, sizeof why, "no month name for \"%s\" at character %u", dt_pattern_name((dt_kind)t->kind), pos + 1);
                return bad_input(err, text, fmt, why);
            }
            fd->month = k + 1;
            continue;
        }
        case DT_DAY:
        case DT_DY: {
            if (read_name(text, &pos, day_names, 7, t->kind == DT_DY ? 3 : 0) < 0) {
                snprintf(why, sizeof why, "no day name for \"%s\" at character %u", dt_pattern_name((dt_kind)t->kind), pos + 1);
                return bad_input(err, text, fmt, why);
            }
            continue;
        }
        case DT_AM:
        case DT_AMDOT: {
            static const char *const marks[4] = {"AM", "PM", "A.M.", "P.M."};
            int k = read_name(text, &pos, marks, 4, 0);
            if (k < 0) {
                snprintf(why, sizeof why, "no AM/PM at character %u", pos + 1);
                return bad_input(err, text, fmt, why);
            }
            fd->pm = k % 2;
            continue;
        }
        default:
            return fail(err, "22023", "the pattern \"%s\" is not supported by TO_DATE/TO_TIMESTAMP",
                        dt_pattern_name((dt_kind)t->kind));
        }
        uint32_t start = pos;
        if (!read_digits(text, &pos, width, &v)) {
            snprintf(why, sizeof why, "no digits for \"%s\" at character %u", dt_pattern_name((dt_kind)t->kind), start + 1);
            return bad_input(err, text, fmt, why);
        }
        if (t->kind == DT_YY) v = v < 70 ? 2000 + v : 1900 + v;
        if (t->kind == DT_MS) {
            int digits = (int)(pos - start);
            while (digits++ < 3) v *= 10;
            v *= 1000;
        } else if (t->kind == DT_US) {
            int digits = (int)(pos - start);
            while (digits++ < 6) v *= 10;
        }
        *into = v;
    }
    while (pos < text.len && text.ptr[pos] == ' ') pos++;
    if (pos < text.len) {
        snprintf(why, sizeof why, "characters left after the format at character %u", pos + 1);
        return bad_input(err, text, fmt, why);
    }
    return true;
}

/* The fields as days + time of day; false with err set (22008) when out of range. Not
 * `strict` (TO_DATE's default, as Redshift): a month or day past its end overflows into the
 * following ones (2001-06-31 is 2001-07-01). */
static bool dt_fields_value(dt_fields *fd, shoal_string text, bool strict, int64_t *days, int64_t *tod, shoal_eval_error *err)
{
    if (fd->hour12 || fd->pm >= 0) {
        if (fd->hour12 && (fd->hour < 1 || fd->hour > 12)) goto range;
        if (fd->pm == 1 && fd->hour < 12) fd->hour += 12;
        else if (fd->pm == 0 && fd->hour == 12) fd->hour = 0;
    }
    if (fd->year < -4713 || fd->year > 294276 || fd->hour > 23 || fd->minute > 59 || fd->second > 59) goto range;
    if (strict) {
        if (fd->month < 1 || fd->month > 12 || fd->day < 1 || fd->day > shoal_days_in_month((int)fd->year, (int)fd->month))
            goto range;
        *days = shoal_date_from_ymd((int)fd->year, (int)fd->month, (int)fd->day);
    } else { /* months past December into the next years, days past the month's end into the next months */
        int64_t months = fd->year * 12 + fd->month - 1, y = floor_div(months, 12);
        if (y < -4713 || y > 294276) goto range;
        *days = shoal_date_from_ymd((int)y, (int)(months - y * 12 + 1), 1) + fd->day - 1;
    }
    if (!date_in_range(*days)) goto range;
    *tod = fd->hour * MICROS_PER_HOUR + fd->minute * MICROS_PER_MINUTE + fd->second * MICROS_PER_SECOND + fd->micro;
    return true;
range:;
    int tl = text.len > 60 ? 60 : (int)text.len;
    return fail(err, "22008", "date/time field value out of range: \"%.*s\"", tl, text.ptr ? text.ptr : "");
}

static bool eval_to_date(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *argv[3] = {NULL, NULL, NULL};
    if (!strict_args(ns, in, out, argv, err)) return false;
    const shoal_string *s = argv[0]->data, *fmt = argv[1]->data;
    const uint8_t *is_strict = argv[2] ? argv[2]->data : NULL; /* TO_DATE's third argument */
    bool ts = out->type.id == SHOAL_TYPE_TIMESTAMP, ok = true;
    dt_format *f = shoal_eval_scratch(ns, 0, sizeof(dt_format));
    f->compiled = false;
    VALID_ROWS(in->sel, shoal_batch_rows(in), out->validity, r, {
        if (!f->compiled || fmt[r].ptr != f->text || fmt[r].len != f->text_len)
            if (!dt_compile(f, fmt[r])) { ok = fail(err, "22023", "the format is longer than %d bytes", MAX_FORMAT_BYTES); break; }
        dt_fields fd;
        int64_t days, tod;
        if (!dt_parse(f, s[r], fmt[r], &fd, err) || !dt_fields_value(&fd, s[r], ts || (is_strict && is_strict[r]), &days, &tod, err)) {
            ok = false;
            break;
        }
        if (ts) ((int64_t *)out->data)[r] = days * MICROS_PER_DAY + tod;
        else ((int32_t *)out->data)[r] = (int32_t)days;
    });
    return ok;
}

/* ================================ dispatch ================================ */

bool shoal_eval_funcs_eval(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    int func = shoal_eval_node_expr(ns)->func;
    switch ((shoal_func)func) {
    case SHOAL_FUNC_NULLIF: return eval_nullif(ns, in, out, err);
    case SHOAL_FUNC_DECODE: return eval_decode(ns, in, out, err);
    case SHOAL_FUNC_GREATEST:
    case SHOAL_FUNC_LEAST: return eval_greatest(ns, in, out, err);
    case SHOAL_FUNC_NVL2: return eval_nvl2(ns, in, out, err);
    case SHOAL_FUNC_TRUNC:
    case SHOAL_FUNC_CEIL:
    case SHOAL_FUNC_FLOOR: return eval_round_mode(ns, in, out, err);
    case SHOAL_FUNC_POWER:
    case SHOAL_FUNC_SQRT: return eval_power_sqrt(ns, in, out, err);
    case SHOAL_FUNC_SIGN: return eval_sign(ns, in, out, err);
    case SHOAL_FUNC_POSITION: case SHOAL_FUNC_LEFT: case SHOAL_FUNC_RIGHT: case SHOAL_FUNC_REPLACE:
    case SHOAL_FUNC_SPLIT_PART: case SHOAL_FUNC_LTRIM: case SHOAL_FUNC_RTRIM: case SHOAL_FUNC_BTRIM:
    case SHOAL_FUNC_LPAD: case SHOAL_FUNC_RPAD: case SHOAL_FUNC_REVERSE: case SHOAL_FUNC_REPEAT:
    case SHOAL_FUNC_INITCAP: case SHOAL_FUNC_CHR: case SHOAL_FUNC_ASCII:
        return eval_string(ns, in, out, err);
    case SHOAL_FUNC_DATE_TRUNC: return eval_date_trunc(ns, in, out, err);
    case SHOAL_FUNC_DATEADD:
    case SHOAL_FUNC_ADD_MONTHS: return eval_dateadd(ns, in, out, err);
    case SHOAL_FUNC_DATEDIFF: return eval_datediff(ns, in, out, err);
    case SHOAL_FUNC_LAST_DAY: return eval_last_day(ns, in, out, err);
    case SHOAL_FUNC_TO_CHAR: return eval_to_char(ns, in, out, err);
    case SHOAL_FUNC_TO_DATE:
    case SHOAL_FUNC_TO_TIMESTAMP: return eval_to_date(ns, in, out, err);
    default: return fail(err, "XX000", "unknown function %d", func);
    }
}

/* ================================ normalization ================================ */

/* Same layout, scale and family: combined without a cast. */
static bool same_layout(shoal_type a, shoal_type b)
{
    if (is_str(a) || is_str(b)) return is_str(a) && is_str(b);
    if (phys(a) != phys(b) || type_scale(a) != type_scale(b)) return false;
    return (is_exact(a) && is_exact(b)) || a.id == b.id;
}
static shoal_expr *to_type(shoal_expr_state *st, shoal_expr *e, shoal_type t)
{
    return same_layout(e->type, t) ? e : shoal_eval_cast(st, e, t);
}

shoal_expr *shoal_eval_funcs_normalize(shoal_expr_state *st, shoal_expr *n)
{
    shoal_type t = n->type, bigint = shoal_type_make(SHOAL_TYPE_BIGINT), dbl = shoal_type_make(SHOAL_TYPE_DOUBLE);
    shoal_type ts = shoal_type_make(SHOAL_TYPE_TIMESTAMP), date = shoal_type_make(SHOAL_TYPE_DATE);
    shoal_type str = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    shoal_expr **a = n->args;
    int nargs = n->arg_count;
    bool ok = true;
    /* argument kinds: S a string (anything else is converted), I an integer (as BIGINT), T a
     * date or timestamp (as TIMESTAMP), D the same as DATE, F a number (as DOUBLE) */
#define ARGS(lo, hi) (ok = ok && nargs >= (lo) && nargs <= (hi))
#define AS_S(i) (a[i] = is_str(a[i]->type) ? a[i] : shoal_eval_cast(st, a[i], str))
#define AS_I(i) (is_int(a[i]->type) ? (void)(a[i] = to_type(st, a[i], bigint)) : (void)(ok = false))
#define AS_T(i) (is_temporal(a[i]->type) || is_str(a[i]->type) ? (void)(a[i] = to_type(st, a[i], ts)) : (void)(ok = false))
#define AS_D(i) (is_temporal(a[i]->type) || is_str(a[i]->type) ? (void)(a[i] = to_type(st, a[i], date)) : (void)(ok = false))
#define AS_F(i) (is_exact(a[i]->type) || is_float(a[i]->type) ? (void)(a[i] = to_type(st, a[i], dbl)) : (void)(ok = false))
#define RESULT(cond) (ok = ok && (cond))
    switch ((shoal_func)n->func) {
    case SHOAL_FUNC_NULLIF:
    case SHOAL_FUNC_GREATEST:
    case SHOAL_FUNC_LEAST:
        if (n->func == SHOAL_FUNC_NULLIF) ARGS(2, 2);
        else ARGS(1, INT32_MAX);
        for (int i = 0; ok && i < nargs; i++) a[i] = to_type(st, a[i], t);
        break;
    case SHOAL_FUNC_DECODE: {
        ARGS(3, INT32_MAX);
        int pairs = (nargs - 1) / 2;
        for (int i = 1; ok && i < nargs; i++) {
            bool search = i <= 2 * pairs && i % 2 == 1;
            a[i] = to_type(st, a[i], search ? a[0]->type : t);
        }
        break;
    }
    case SHOAL_FUNC_NVL2:
        ARGS(3, 3);
        if (ok) {
            a[1] = to_type(st, a[1], t);
            a[2] = to_type(st, a[2], t);
        }
        break;
    case SHOAL_FUNC_TRUNC:
    case SHOAL_FUNC_CEIL:
    case SHOAL_FUNC_FLOOR:
        ARGS(1, n->func == SHOAL_FUNC_TRUNC ? 2 : 1);
        RESULT(is_exact(t) || is_float(t));
        if (!ok) break;
        if (is_float(t) || !is_exact(a[0]->type)) a[0] = to_type(st, a[0], t);
        if (nargs == 2) AS_I(1);
        break;
    case SHOAL_FUNC_SIGN:
        ARGS(1, 1);
        RESULT(is_exact(t) || is_float(t));
        if (!ok) break;
        if (is_int(t) || is_float(t)) a[0] = to_type(st, a[0], t);
        else RESULT(is_exact(a[0]->type) && phys(t) == SHOAL_PHYS_I64);
        break;
    case SHOAL_FUNC_POWER:
    case SHOAL_FUNC_SQRT:
        ARGS(n->func == SHOAL_FUNC_SQRT ? 1 : 2, n->func == SHOAL_FUNC_SQRT ? 1 : 2);
        RESULT(t.id == SHOAL_TYPE_DOUBLE);
        for (int i = 0; ok && i < nargs; i++) AS_F(i);
        break;
    case SHOAL_FUNC_POSITION:
        ARGS(2, 2);
        RESULT(is_int(t));
        if (ok) { AS_S(0); AS_S(1); }
        break;
    case SHOAL_FUNC_ASCII:
        ARGS(1, 1);
        RESULT(is_int(t));
        if (ok) AS_S(0);
        break;
    case SHOAL_FUNC_LEFT:
    case SHOAL_FUNC_RIGHT:
    case SHOAL_FUNC_REPEAT:
        ARGS(2, 2);
        RESULT(is_str(t));
        if (ok) { AS_S(0); AS_I(1); }
        break;
    case SHOAL_FUNC_REPLACE:
    case SHOAL_FUNC_LTRIM:
    case SHOAL_FUNC_RTRIM:
    case SHOAL_FUNC_BTRIM:
    case SHOAL_FUNC_REVERSE:
    case SHOAL_FUNC_INITCAP:
        if (n->func == SHOAL_FUNC_REPLACE) ARGS(3, 3);
        else if (n->func == SHOAL_FUNC_REVERSE || n->func == SHOAL_FUNC_INITCAP) ARGS(1, 1);
        else ARGS(1, 2);
        RESULT(is_str(t));
        for (int i = 0; ok && i < nargs; i++) AS_S(i);
        break;
    case SHOAL_FUNC_SPLIT_PART:
        ARGS(3, 3);
        RESULT(is_str(t));
        if (ok) { AS_S(0); AS_S(1); AS_I(2); }
        break;
    case SHOAL_FUNC_LPAD:
    case SHOAL_FUNC_RPAD:
        ARGS(2, 3);
        RESULT(is_str(t));
        if (ok) {
            AS_S(0);
            AS_I(1);
            if (nargs == 3) AS_S(2);
        }
        break;
    case SHOAL_FUNC_CHR:
        ARGS(1, 1);
        RESULT(is_str(t));
        if (ok) AS_I(0);
        break;
    case SHOAL_FUNC_DATE_TRUNC:
        ARGS(1, 1);
        RESULT(unit_micros(n->extract_field) || unit_months(n->extract_field));
        RESULT(t.id == SHOAL_TYPE_TIMESTAMP);
        if (ok) AS_T(0);
        break;
    case SHOAL_FUNC_DATEADD:
        ARGS(2, 2);
        RESULT(unit_micros(n->extract_field) || unit_months(n->extract_field));
        RESULT(t.id == SHOAL_TYPE_TIMESTAMP);
        if (ok) { AS_I(0); AS_T(1); }
        break;
    case SHOAL_FUNC_DATEDIFF:
        ARGS(2, 2);
        RESULT(unit_micros(n->extract_field) || unit_months(n->extract_field));
        RESULT(is_int(t));
        if (ok) { AS_T(0); AS_T(1); }
        break;
    case SHOAL_FUNC_ADD_MONTHS:
        ARGS(2, 2);
        RESULT(t.id == SHOAL_TYPE_TIMESTAMP);
        if (ok) { AS_T(0); AS_I(1); }
        break;
    case SHOAL_FUNC_LAST_DAY:
        ARGS(1, 1);
        RESULT(t.id == SHOAL_TYPE_DATE);
        if (ok) AS_D(0);
        break;
    case SHOAL_FUNC_TO_CHAR:
        ARGS(2, 2);
        RESULT(is_str(t));
        if (!ok) break;
        if (is_temporal(a[0]->type)) AS_T(0);
        else if (is_int(a[0]->type)) AS_I(0);
        else if (is_float(a[0]->type)) a[0] = to_type(st, a[0], dbl);
        else RESULT(a[0]->type.id == SHOAL_TYPE_DECIMAL);
        AS_S(1);
        break;
    case SHOAL_FUNC_TO_DATE:
    case SHOAL_FUNC_TO_TIMESTAMP:
        ARGS(2, n->func == SHOAL_FUNC_TO_DATE ? 3 : 2);
        RESULT(t.id == (n->func == SHOAL_FUNC_TO_DATE ? SHOAL_TYPE_DATE : SHOAL_TYPE_TIMESTAMP));
        if (ok) { AS_S(0); AS_S(1); }
        if (ok && nargs == 3) RESULT(a[2]->type.id == SHOAL_TYPE_BOOLEAN);
        break;
    default: ok = false; break;
    }
#undef ARGS
#undef AS_S
#undef AS_I
#undef AS_T
#undef AS_D
#undef AS_F
#undef RESULT
    if (!ok && !shoal_eval_is_invalid(st)) {
        char tn[48], msg[120];
        shoal_type_name(t, tn, sizeof tn);
        snprintf(msg, sizeof msg, "function %d with %d argument%s cannot produce %s", n->func, nargs, nargs == 1 ? "" : "s", tn);
        shoal_eval_set_invalid(st, "XX000", msg);
    }
    return n;
}
