/* Expression evaluation over batches (every rank): a state tree built once per operator from
 * the plan's expression — normalized (implicit casts made explicit, constant subtrees folded,
 * IN lists and LIKE patterns prepared, SIMD filter conjuncts recognized) — then run a batch
 * at a time: one switch per node and batch, then a typed loop (kernels.h) over the selection.
 *
 * Design notes
 * - Every node's result is a vector positioned like the input (row r of the result belongs to
 *   row r of the batch); only selected rows are computed. A COLUMN is its input vector, a
 *   CONST a vector filled once and reused. Scratch vectors live in the node's state.
 * - NULLs: results of strict functions get the AND of the argument validity bitmaps, word by
 *   word; kernels that can fail skip NULL rows so garbage under a NULL never raises errors.
 * - AND, OR, CASE and COALESCE evaluate their arguments on narrowing selections: a row that
 *   is decided is not evaluated further (so CASE WHEN x <> 0 THEN 1 / x ... is safe).
 * - String results point into the input vectors' heaps, the plan's constants or the node's
 *   own heap: valid until the next evaluation with the same state or until the input changes.
 * - Errors are values: shoal_eval_error with a SQLSTATE (22003 overflow, 22012 division by
 *   zero, 22P02/22007 bad input text, 22008 date out of range, 22011, 22025, 42846, XX000). */
#include "engine/exec/expr.h"
#include "engine/exec/expr_eval_internal.h"
#include "engine/exec/kernels.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_MAX_DEPTH 1000
#define I128_MAX ((shoal_int128)(((unsigned __int128)1 << 127) - 1))
#define I128_MIN (-I128_MAX - 1)
#define MICROS_PER_DAY 86400000000LL

#include "engine/exec/row_loops.h"

/* ================================ state ================================ */

typedef struct node_state node_state;
struct node_state {
    const shoal_expr *e; /* normalized node (in the state's arena or the plan) */
    int nargs;
    node_state **args;
    shoal_vector result; /* scratch result; for CONST the filled constant */
    bool has_result;
    uint32_t const_filled;
    uint32_t *sel[3]; /* selection scratch (AND/OR/CASE/COALESCE) */
    uint32_t sel_cap;
    void *tmp[2]; /* typed scratch arrays */
    size_t tmp_bytes[2];
    /* LIKE with a constant pattern */
    bool like_compiled, like_bad;
    shoal_like_pattern like;
    /* IN with constant items, sorted and deduplicated, in the needle's layout */
    bool in_const, in_has_null;
    uint32_t in_count;
    int64_t *in_i64;
    shoal_int128 *in_i128;
    double *in_f64;
    shoal_string *in_str;
    /* comparison of a column with a constant: the SIMD filter path */
    int simd_width; /* 0: none; 32 or 64 */
    shoal_kernel_cmp simd_op;
    int simd_column;
    shoal_type simd_type; /* the column's expected type */
    int64_t simd_const;
};

struct shoal_expr_state {
    shoal_arena arena; /* normalized nodes and folded constants */
    node_state *root;
    char invalid_state[6];
    char invalid[200]; /* set when the plan cannot be evaluated */
};

static bool fail(shoal_eval_error *err, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
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


/* ---- type classes ---- */
typedef enum tclass { C_BOOL, C_INT, C_DEC, C_FLT, C_STR, C_DATE, C_TS, C_BAD } tclass;

static tclass type_class(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: return C_BOOL;
    case SHOAL_TYPE_SMALLINT:
    case SHOAL_TYPE_INTEGER:
    case SHOAL_TYPE_BIGINT: return C_INT;
    case SHOAL_TYPE_DECIMAL: return C_DEC;
    case SHOAL_TYPE_REAL:
    case SHOAL_TYPE_DOUBLE: return C_FLT;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR: return C_STR;
    case SHOAL_TYPE_DATE: return C_DATE;
    case SHOAL_TYPE_TIMESTAMP: return C_TS;
    default: return C_BAD;
    }
}
static int type_scale(shoal_type t) { return t.id == SHOAL_TYPE_DECIMAL ? t.scale : 0; }
static shoal_physical phys(shoal_type t) { return shoal_type_physical(t); }
static bool is_exact_numeric(shoal_type t) { return type_class(t) == C_INT || type_class(t) == C_DEC; }
/* Digits an exact numeric needs (integers: their widest value). */
static int type_digits(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_SMALLINT: return 5;
    case SHOAL_TYPE_INTEGER: return 10;
    case SHOAL_TYPE_BIGINT: return 19;
    case SHOAL_TYPE_DECIMAL: return t.precision;
    default: return 38;
    }
}
/* Same layout and scale: values can be combined without a cast. */
static bool same_repr(shoal_type a, shoal_type b)
{
    if ((type_class(a) == C_STR) != (type_class(b) == C_STR)) return false;
    return phys(a) == phys(b) && type_scale(a) == type_scale(b);
}
static bool cast_supported(shoal_type from, shoal_type to)
{
    tclass f = type_class(from), t = type_class(to);
    if (f == C_BAD || t == C_BAD) return false;
    if (f == t || f == C_STR || t == C_STR) return true;
    bool fn = f == C_BOOL || f == C_INT || f == C_DEC || f == C_FLT;
    bool tn = t == C_BOOL || t == C_INT || t == C_DEC || t == C_FLT;
    if (fn && tn) return true;
    return (f == C_DATE && t == C_TS) || (f == C_TS && t == C_DATE);
}

/* ---- small arithmetic helpers ---- */
static const int64_t pow10_i64[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                      100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
                                      1000000000000LL, 10000000000000LL, 100000000000000LL,
                                      1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
                                      1000000000000000000LL};
static shoal_int128 pow10_i128(int n) { return n <= 18 ? pow10_i64[n] : shoal_pow10_i128(n); }

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
/* DATE and TIMESTAMP values whose calendar fields can be computed. */
static bool ts_in_range(int64_t micros) { return date_in_range(floor_div(micros, MICROS_PER_DAY)); }
/* num / den rounded half away from zero; den != 0 and not (MIN / -1). */
static inline shoal_int128 div_round_i128(shoal_int128 num, shoal_int128 den)
{
    shoal_int128 q = num / den, rem = num % den;
    if (rem != 0) {
        unsigned __int128 ar = rem < 0 ? (unsigned __int128)0 - (unsigned __int128)rem : (unsigned __int128)rem;
        unsigned __int128 ad = den < 0 ? (unsigned __int128)0 - (unsigned __int128)den : (unsigned __int128)den;
        if (ar >= ad - ar) q += (num < 0) != (den < 0) ? -1 : 1;
    }
    return q;
}
static inline int64_t div_round_i64(int64_t num, int64_t den)
{
    int64_t q = num / den, rem = num % den;
    if (rem != 0) {
        uint64_t ar = rem < 0 ? 0 - (uint64_t)rem : (uint64_t)rem;
        uint64_t ad = den < 0 ? 0 - (uint64_t)den : (uint64_t)den;
        if (ar >= ad - ar) q += (num < 0) != (den < 0) ? -1 : 1;
    }
    return q;
}
/* v (scale `from`) at scale `to`: exact upward, rounded half away from zero downward. */
static bool rescale_i128(shoal_int128 v, int from, int to, shoal_int128 *out)
{
    if (to >= from) {
        if (v == 0) { *out = 0; return true; }
        if (to - from > 38) return false;
        return !__builtin_mul_overflow(v, pow10_i128(to - from), out);
    }
    if (from - to > 38) { *out = 0; return true; }
    *out = div_round_i128(v, pow10_i128(from - to));
    return true;
}

/* ---- vectors ---- */
static size_t bitmap_words(uint32_t n) { return ((size_t)n + 63) / 64; }

/* Ready `out` for `count` rows of `type`: no NULLs yet, empty heap. */
static void prepare(shoal_vector *out, shoal_type type, uint32_t count)
{
    if (out->borrowed || out->data == NULL || phys(out->type) != phys(type)) {
        if (!out->borrowed) free(out->data);
        out->borrowed = false;
        out->data = NULL;
        out->capacity = 0;
    }
    out->type = type;
    free(out->validity);
    out->validity = NULL;
    if (out->heap.block_size == 0) shoal_arena_init(&out->heap, 16 * 1024);
    if (out->heap.blocks) shoal_arena_reset(&out->heap);
    shoal_vector_reserve(out, count ? count : 1);
    out->count = count;
}

/* The validity bitmap of `out`, created all-valid when it has none. */
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

/* out's validity = AND of the arguments' (word by word, rows 0..count). */
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
static void validity_and2(shoal_vector *out, const shoal_vector *a, const shoal_vector *b, uint32_t count)
{
    const shoal_vector *args[2] = {a, b};
    validity_and(out, args, 2, count);
}

static void *scratch(node_state *ns, int which, size_t bytes)
{
    if (ns->tmp_bytes[which] < bytes) {
        free(ns->tmp[which]);
        ns->tmp[which] = shoal_xmalloc(bytes);
        ns->tmp_bytes[which] = bytes;
    }
    return ns->tmp[which];
}
static uint32_t *sel_scratch(node_state *ns, int which, uint32_t count)
{
    if (ns->sel_cap < count || !ns->sel[which]) {
        uint32_t cap = count > ns->sel_cap ? count : ns->sel_cap;
        if (cap < 16) cap = 16;
        for (int i = 0; i < 3; i++) {
            free(ns->sel[i]);
            ns->sel[i] = shoal_xmalloc(cap * sizeof(uint32_t));
        }
        ns->sel_cap = cap;
    }
    return ns->sel[which];
}

/* Copies the values (not validity) of rows[0..m) from src to out. */
static void copy_values(shoal_vector *out, const shoal_vector *src, const uint32_t *rows, uint32_t m)
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
}
/* A fresh `out` takes the selected values of src: rows[0..m) (NULL: the first m rows). Where
 * the selection covers at least half of its span, the span is copied whole (one memcpy; the
 * rows in between are not selected, so what they hold does not matter). */
static void copy_selected(shoal_vector *out, const shoal_vector *src, const uint32_t *rows, uint32_t m)
{
    if (m == 0) return;
    uint32_t first = rows ? rows[0] : 0, span = rows ? rows[m - 1] - rows[0] + 1 : m;
    if (span > 2 * (uint64_t)m) {
        copy_values(out, src, rows, m);
        return;
    }
    size_t w = phys(out->type) == SHOAL_PHYS_STRING ? sizeof(shoal_string) : shoal_physical_size(phys(out->type));
    memcpy((char *)out->data + (size_t)first * w, (const char *)src->data + (size_t)first * w, (size_t)span * w);
}
/* Copies values and NULLs of rows[0..m) (rows NULL: the first m rows). */
static void copy_rows(shoal_vector *out, const shoal_vector *src, const uint32_t *rows, uint32_t m)
{
    copy_values(out, src, rows, m);
    if (src->validity) ROWS(rows, m, r, if (!shoal_bit_is_set(src->validity, r)) set_null(out, r); else set_valid(out, r));
    else if (out->validity) ROWS(rows, m, r, set_valid(out, r));
}

/* A value of row r of v (strings copied into `a`). */
static shoal_value value_at(const shoal_vector *v, uint32_t r, shoal_arena *a)
{
    shoal_value val;
    memset(&val, 0, sizeof val);
    val.type = v->type;
    if (!is_valid(v, r)) {
        val.is_null = true;
        return val;
    }
    switch (phys(v->type)) {
    case SHOAL_PHYS_I128: val.v.i128 = ((const shoal_int128 *)v->data)[r]; break;
    case SHOAL_PHYS_F32: val.v.f64 = ((const float *)v->data)[r]; break;
    case SHOAL_PHYS_F64: val.v.f64 = ((const double *)v->data)[r]; break;
    case SHOAL_PHYS_STRING: {
        shoal_string s = ((const shoal_string *)v->data)[r];
        char *copy = NULL;
        if (s.len) {
            copy = shoal_arena_alloc(a, s.len);
            memcpy(copy, s.ptr, s.len);
        }
        val.v.str.ptr = copy;
        val.v.str.len = s.len;
        break;
    }
    default: val.v.i64 = shoal_vector_get_i64(v, r); break;
    }
    return val;
}

/* ================================ normalization ================================ */

static void set_invalid(shoal_expr_state *st, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_invalid(shoal_expr_state *st, const char *sqlstate, const char *fmt, ...)
{
    if (st->invalid[0]) return;
    snprintf(st->invalid_state, sizeof st->invalid_state, "%s", sqlstate);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->invalid, sizeof st->invalid, fmt, ap);
    va_end(ap);
}

static shoal_expr *new_expr(shoal_expr_state *st, shoal_expr_kind kind, shoal_type type, int nargs)
{
    shoal_expr *e = shoal_arena_alloc(&st->arena, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->type = type;
    e->arg_count = nargs;
    if (nargs > 0) {
        e->args = shoal_arena_alloc(&st->arena, sizeof(shoal_expr *) * (size_t)nargs);
        memset(e->args, 0, sizeof(shoal_expr *) * (size_t)nargs);
    }
    return e;
}

static node_state *build(shoal_expr_state *st, const shoal_expr *e);
static void free_node(node_state *ns);
static bool eval_into(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err);

/* Evaluates a node whose arguments are all constants once; a CONST on success, else the
 * node itself (its error then surfaces when a batch with rows is evaluated). */
static shoal_expr *fold(shoal_expr_state *st, shoal_expr *e)
{
    for (int i = 0; i < e->arg_count; i++)
        if (e->args[i]->kind != SHOAL_EXPR_CONST) return e;
    if (e->kind == SHOAL_EXPR_CONST || e->kind == SHOAL_EXPR_COLUMN || st->invalid[0]) return e;
    node_state *ns = build(st, e);
    shoal_batch dummy;
    memset(&dummy, 0, sizeof dummy);
    dummy.count = 1;
    shoal_vector out;
    shoal_vector_init(&out, e->type, 1);
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    shoal_expr *result = e;
    if (eval_into(ns, &dummy, &out, &err)) {
        result = new_expr(st, SHOAL_EXPR_CONST, e->type, 0);
        result->constant = value_at(&out, 0, &st->arena);
        result->constant.type = e->type;
    }
    shoal_vector_free(&out);
    free_node(ns);
    return result;
}

static shoal_expr *make_cast(shoal_expr_state *st, shoal_expr *arg, shoal_type to)
{
    if (shoal_type_equal(arg->type, to)) return arg;
    if (!cast_supported(arg->type, to)) {
        set_invalid(st, "42846", "cannot cast type %s to %s", shoal_type_sql_name(arg->type), shoal_type_sql_name(to));
        return arg;
    }
    shoal_expr *c = new_expr(st, SHOAL_EXPR_CAST, to, 1);
    c->args[0] = arg;
    return fold(st, c);
}
/* Casts `arg` to `to` unless it already has the same layout and scale. */
static shoal_expr *align(shoal_expr_state *st, shoal_expr *arg, shoal_type to)
{
    return same_repr(arg->type, to) ? arg : make_cast(st, arg, to);
}

/* The type two comparison operands are compared in. */
static bool comparison_type(shoal_type a, shoal_type b, shoal_type *common)
{
    tclass ca = type_class(a), cb = type_class(b);
    if (same_repr(a, b) && (ca == cb || (is_exact_numeric(a) && is_exact_numeric(b)))) {
        *common = a;
        return true;
    }
    if (ca == C_STR && cb == C_STR) { *common = a; return true; }
    if ((ca == C_DATE && cb == C_TS) || (ca == C_TS && cb == C_DATE)) {
        *common = shoal_type_make(SHOAL_TYPE_TIMESTAMP);
        return true;
    }
    if (is_exact_numeric(a) && is_exact_numeric(b)) {
        int s = type_scale(a) > type_scale(b) ? type_scale(a) : type_scale(b);
        int digits_a = type_digits(a) - type_scale(a) + s, digits_b = type_digits(b) - type_scale(b) + s;
        int digits = digits_a > digits_b ? digits_a : digits_b;
        if (ca == C_INT && cb == C_INT) *common = shoal_type_make(SHOAL_TYPE_BIGINT);
        else *common = shoal_type_decimal(digits <= 18 ? 18 : 38, s);
        return true;
    }
    if ((ca == C_FLT || is_exact_numeric(a)) && (cb == C_FLT || is_exact_numeric(b))) {
        *common = shoal_type_make(SHOAL_TYPE_DOUBLE);
        return true;
    }
    if (ca == C_BOOL && cb == C_BOOL) { *common = a; return true; }
    return false;
}

static bool is_comparison(int f) { return f >= SHOAL_FUNC_EQ && f <= SHOAL_FUNC_GE; }

static shoal_expr *normalize(shoal_expr_state *st, const shoal_expr *e, int depth);

/* An operand of an exact product computed in 128 bits (a DECIMAL(p>18) result): int64 operands
 * stay int64 (eval_arith multiplies 64 x 64 -> 128 bits, which cannot overflow). A widening
 * cast of an int64 value to a 128-bit decimal of the same scale is dropped (it cannot fail:
 * |v| < 2^63 < 10^19 <= 10^precision), a 128-bit constant that fits in int64 is narrowed, and
 * narrower integers are widened to int64; everything else is cast to 128 bits. */
static shoal_expr *wide_product_operand(shoal_expr_state *st, shoal_expr *e)
{
    int s = type_scale(e->type);
    if (e->kind == SHOAL_EXPR_CAST && e->type.id == SHOAL_TYPE_DECIMAL && phys(e->type) == SHOAL_PHYS_I128 &&
        e->type.precision >= 19 && is_exact_numeric(e->args[0]->type) && phys(e->args[0]->type) == SHOAL_PHYS_I64 &&
        type_scale(e->args[0]->type) == s)
        return e->args[0];
    if (e->kind == SHOAL_EXPR_CONST && !e->constant.is_null && e->type.id == SHOAL_TYPE_DECIMAL &&
        phys(e->type) == SHOAL_PHYS_I128 && e->constant.v.i128 == (int64_t)e->constant.v.i128) {
        shoal_expr *c = new_expr(st, SHOAL_EXPR_CONST, shoal_type_decimal(18, s), 0);
        c->constant.type = c->type;
        c->constant.is_null = false;
        c->constant.v.i64 = (int64_t)e->constant.v.i128;
        return c;
    }
    switch (phys(e->type)) {
    case SHOAL_PHYS_I64:
    case SHOAL_PHYS_I128: return e;
    case SHOAL_PHYS_I16:
    case SHOAL_PHYS_I32: return make_cast(st, e, shoal_type_decimal(18, s));
    default: return make_cast(st, e, shoal_type_decimal(38, s));
    }
}

static shoal_expr *normalize_func(shoal_expr_state *st, shoal_expr *n)
{
    shoal_type t = n->type;
    tclass tc = type_class(t);
    shoal_expr **a = n->args;
    shoal_type bigint = shoal_type_make(SHOAL_TYPE_BIGINT);
    switch ((shoal_func)n->func) {
    case SHOAL_FUNC_ADD:
    case SHOAL_FUNC_SUB:
    case SHOAL_FUNC_MOD:
    case SHOAL_FUNC_NEG:
    case SHOAL_FUNC_ABS:
        if (tc != C_INT && tc != C_DEC && tc != C_FLT) break;
        for (int i = 0; i < n->arg_count; i++) a[i] = align(st, a[i], t);
        return n;
    case SHOAL_FUNC_MUL:
        if (tc == C_INT || tc == C_FLT) {
            for (int i = 0; i < 2; i++) a[i] = align(st, a[i], t);
            return n;
        }
        if (tc == C_DEC) {
            if (!is_exact_numeric(a[0]->type) || !is_exact_numeric(a[1]->type)) {
                for (int i = 0; i < 2; i++)
                    if (!is_exact_numeric(a[i]->type)) a[i] = make_cast(st, a[i], shoal_type_decimal(38, t.scale));
            }
            int sa = type_scale(a[0]->type), sb = type_scale(a[1]->type);
            if (sa + sb > SHOAL_DECIMAL_MAX_PRECISION) break;
            if (t.scale == sa + sb) { /* the product is already at the result scale */
                if (phys(t) == SHOAL_PHYS_I128) {
                    for (int i = 0; i < 2; i++) a[i] = wide_product_operand(st, a[i]);
                    return n;
                }
                for (int i = 0; i < 2; i++)
                    if (phys(a[i]->type) != phys(t)) a[i] = make_cast(st, a[i], shoal_type_decimal(18, type_scale(a[i]->type)));
                return n;
            }
            /* multiply exactly in 128 bits at scale sa + sb, then round to the result scale */
            shoal_expr *m = new_expr(st, SHOAL_EXPR_FUNC, shoal_type_decimal(38, sa + sb), 2);
            m->func = SHOAL_FUNC_MUL;
            for (int i = 0; i < 2; i++) m->args[i] = wide_product_operand(st, a[i]);
            return make_cast(st, fold(st, m), t);
        }
        break;
    case SHOAL_FUNC_DIV:
        if (tc == C_INT || tc == C_FLT) {
            for (int i = 0; i < 2; i++) a[i] = align(st, a[i], t);
            return n;
        }
        if (tc == C_DEC) {
            for (int i = 0; i < 2; i++) {
                shoal_physical p = phys(a[i]->type);
                if (!is_exact_numeric(a[i]->type)) a[i] = make_cast(st, a[i], shoal_type_decimal(38, t.scale));
                else if (p != SHOAL_PHYS_I64 && p != SHOAL_PHYS_I128) a[i] = make_cast(st, a[i], bigint);
            }
            return n;
        }
        break;
    case SHOAL_FUNC_EQ: case SHOAL_FUNC_NE: case SHOAL_FUNC_LT:
    case SHOAL_FUNC_LE: case SHOAL_FUNC_GT: case SHOAL_FUNC_GE: {
        shoal_type common;
        if (tc != C_BOOL || !comparison_type(a[0]->type, a[1]->type, &common)) break;
        for (int i = 0; i < 2; i++) a[i] = align(st, a[i], common);
        if (type_class(a[0]->type) != type_class(a[1]->type) && !(is_exact_numeric(a[0]->type) && is_exact_numeric(a[1]->type)))
            break;
        return n;
    }
    case SHOAL_FUNC_DATE_ADD_DAYS:
    case SHOAL_FUNC_DATE_SUB_DAYS:
        if ((tc != C_DATE && tc != C_TS) || (type_class(a[0]->type) != C_DATE && type_class(a[0]->type) != C_TS)) break;
        if (tc == C_DATE && type_class(a[0]->type) != C_DATE) break;
        if (type_class(a[1]->type) != C_INT) break;
        a[0] = make_cast(st, a[0], t);
        a[1] = make_cast(st, a[1], bigint);
        return n;
    case SHOAL_FUNC_DATE_DIFF_DAYS:
        if (tc != C_INT || type_class(a[0]->type) != C_DATE || type_class(a[1]->type) != C_DATE) break;
        return n;
    case SHOAL_FUNC_DATE_ADD_INTERVAL:
        if ((tc != C_DATE && tc != C_TS) || (type_class(a[0]->type) != C_DATE && type_class(a[0]->type) != C_TS)) break;
        if (tc == C_DATE && type_class(a[0]->type) != C_DATE) break;
        for (int i = 1; i < 4; i++) {
            if (type_class(a[i]->type) != C_INT) goto bad;
            a[i] = make_cast(st, a[i], bigint);
        }
        return n;
    case SHOAL_FUNC_EXTRACT:
        if ((tc != C_INT && tc != C_DEC && tc != C_FLT) ||
            (type_class(a[0]->type) != C_DATE && type_class(a[0]->type) != C_TS))
            break;
        return n;
    case SHOAL_FUNC_SUBSTRING:
        if (tc != C_STR || type_class(a[0]->type) != C_STR) break;
        for (int i = 1; i < n->arg_count; i++) {
            if (type_class(a[i]->type) != C_INT) goto bad;
            a[i] = make_cast(st, a[i], bigint);
        }
        return n;
    case SHOAL_FUNC_CONCAT:
        if (tc != C_STR) break;
        for (int i = 0; i < n->arg_count; i++)
            if (type_class(a[i]->type) != C_STR) a[i] = make_cast(st, a[i], shoal_type_string(SHOAL_TYPE_VARCHAR, 0));
        return n;
    case SHOAL_FUNC_UPPER:
    case SHOAL_FUNC_LOWER:
    case SHOAL_FUNC_TRIM:
        if (tc != C_STR || type_class(a[0]->type) != C_STR) break;
        return n;
    case SHOAL_FUNC_LENGTH:
        if (tc != C_INT || type_class(a[0]->type) != C_STR) break;
        return n;
    case SHOAL_FUNC_ROUND:
        if (n->arg_count == 2) {
            if (type_class(a[1]->type) != C_INT) break;
            a[1] = make_cast(st, a[1], bigint);
        }
        if (tc == C_DEC) {
            if (type_class(a[0]->type) == C_INT) a[0] = make_cast(st, a[0], shoal_type_decimal(38, 0));
            else if (type_class(a[0]->type) != C_DEC) a[0] = make_cast(st, a[0], shoal_type_decimal(38, t.scale));
            return n;
        }
        if (tc == C_INT || tc == C_FLT) {
            a[0] = align(st, a[0], t);
            return n;
        }
        break;
    case SHOAL_FUNC_COALESCE:
        for (int i = 0; i < n->arg_count; i++) a[i] = align(st, a[i], t);
        return n;
    default:
        if (shoal_eval_funcs_handles(n->func)) return shoal_eval_funcs_normalize(st, n); /* expr_eval_funcs.c */
        break;
    }
bad:
    if (!st->invalid[0]) {
        char tn[48];
        shoal_type_name(t, tn, sizeof tn);
        set_invalid(st, "XX000", "function %d cannot produce %s from its arguments", n->func, tn);
    }
    return n;
}

static int compare_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}
static int compare_i128(const void *x, const void *y)
{
    shoal_int128 a = *(const shoal_int128 *)x, b = *(const shoal_int128 *)y;
    return a < b ? -1 : a > b;
}
static int compare_f64(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}
static int compare_str(const void *x, const void *y)
{
    return shoal_string_compare(*(const shoal_string *)x, *(const shoal_string *)y);
}

static shoal_expr *normalize(shoal_expr_state *st, const shoal_expr *e, int depth)
{
    if (depth > EVAL_MAX_DEPTH) {
        set_invalid(st, "54001", "expression is nested too deeply");
        return NULL;
    }
    if (!e) {
        set_invalid(st, "XX000", "missing expression");
        return NULL;
    }
    if (type_class(e->type) == C_BAD) {
        set_invalid(st, "XX000", "expression node of kind %d has invalid type %d", e->kind, e->type.id);
        return NULL;
    }
    shoal_expr *n = new_expr(st, (shoal_expr_kind)e->kind, e->type, e->arg_count);
    shoal_expr **args = n->args;
    *n = *e;
    n->args = args;
    for (int i = 0; i < e->arg_count; i++) {
        n->args[i] = normalize(st, e->args[i], depth + 1);
        if (!n->args[i]) return NULL;
    }
    shoal_expr **a = n->args;
    int nargs = n->arg_count;
    shoal_type boolean = shoal_type_make(SHOAL_TYPE_BOOLEAN);
#define REQUIRE(cond, ...)                                                                              \
    do {                                                                                                \
        if (!(cond)) {                                                                                  \
            set_invalid(st, "XX000", __VA_ARGS__);                                                      \
            return NULL;                                                                                \
        }                                                                                               \
    } while (0)
    switch ((shoal_expr_kind)n->kind) {
    case SHOAL_EXPR_COLUMN:
        REQUIRE(nargs == 0 && n->column >= 0, "bad column reference #%d", n->column);
        return n;
    case SHOAL_EXPR_CONST:
        REQUIRE(nargs == 0, "constant with arguments");
        if (!shoal_type_equal(n->constant.type, n->type)) {
            REQUIRE(type_class(n->constant.type) != C_BAD, "constant of invalid type");
            shoal_expr *c = new_expr(st, SHOAL_EXPR_CONST, n->constant.type, 0);
            c->constant = n->constant;
            shoal_expr *r = make_cast(st, c, n->type);
            return st->invalid[0] ? NULL : r;
        }
        return n;
    case SHOAL_EXPR_AND:
    case SHOAL_EXPR_OR:
    case SHOAL_EXPR_NOT:
        REQUIRE(nargs >= 1 && (n->kind != SHOAL_EXPR_NOT || nargs == 1), "bad argument count for a logical operator");
        REQUIRE(n->type.id == SHOAL_TYPE_BOOLEAN, "a logical operator must be BOOLEAN");
        for (int i = 0; i < nargs; i++) REQUIRE(a[i]->type.id == SHOAL_TYPE_BOOLEAN, "a logical operand must be BOOLEAN");
        break;
    case SHOAL_EXPR_IS_NULL:
        REQUIRE(nargs == 1 && n->type.id == SHOAL_TYPE_BOOLEAN, "bad IS NULL");
        break;
    case SHOAL_EXPR_IN_LIST: {
        REQUIRE(nargs >= 2 && n->type.id == SHOAL_TYPE_BOOLEAN, "bad IN list");
        bool all_const = true;
        for (int i = 1; i < nargs && all_const; i++) {
            shoal_expr *c = a[i]->kind == SHOAL_EXPR_CONST ? align(st, a[i], a[0]->type) : a[i];
            if (c->kind != SHOAL_EXPR_CONST || st->invalid[0]) all_const = false;
            else a[i] = c;
        }
        if (st->invalid[0]) return NULL;
        if (all_const) break;
        /* x IN (a, b, ...) is x = a OR x = b OR ... in three-valued logic */
        shoal_expr *or = new_expr(st, SHOAL_EXPR_OR, boolean, nargs - 1);
        for (int i = 1; i < nargs; i++) {
            shoal_expr *eq = new_expr(st, SHOAL_EXPR_FUNC, boolean, 2);
            eq->func = SHOAL_FUNC_EQ;
            eq->args[0] = (shoal_expr *)e->args[0];
            eq->args[1] = (shoal_expr *)e->args[i];
            or->args[i - 1] = eq;
        }
        shoal_expr *rewritten = or;
        if (n->negated) {
            rewritten = new_expr(st, SHOAL_EXPR_NOT, boolean, 1);
            rewritten->args[0] = or;
        }
        return normalize(st, rewritten, depth + 1);
    }
    case SHOAL_EXPR_CASE: {
        REQUIRE(nargs >= 2 && (n->has_else ? nargs % 2 == 1 : nargs % 2 == 0), "bad CASE argument count");
        for (int i = 0; i + 1 < nargs; i += 2) {
            REQUIRE(a[i]->type.id == SHOAL_TYPE_BOOLEAN, "a CASE condition must be BOOLEAN");
            a[i + 1] = align(st, a[i + 1], n->type);
        }
        if (n->has_else) a[nargs - 1] = align(st, a[nargs - 1], n->type);
        break;
    }
    case SHOAL_EXPR_CAST:
        REQUIRE(nargs == 1, "bad CAST");
        if (shoal_type_equal(a[0]->type, n->type)) return a[0];
        if (!cast_supported(a[0]->type, n->type)) {
            set_invalid(st, "42846", "cannot cast type %s to %s", shoal_type_sql_name(a[0]->type), shoal_type_sql_name(n->type));
            return NULL;
        }
        break;
    case SHOAL_EXPR_LIKE:
        REQUIRE(nargs == 2 && n->type.id == SHOAL_TYPE_BOOLEAN, "bad LIKE");
        REQUIRE(type_class(a[0]->type) == C_STR && type_class(a[1]->type) == C_STR, "LIKE needs strings");
        break;
    case SHOAL_EXPR_FUNC: {
        int f = n->func;
        REQUIRE(f >= SHOAL_FUNC_ADD && f < SHOAL_FUNC_COUNT_, "unknown function %d", f);
        int want = -1;
        switch ((shoal_func)f) {
        case SHOAL_FUNC_NEG: case SHOAL_FUNC_UPPER: case SHOAL_FUNC_LOWER: case SHOAL_FUNC_LENGTH:
        case SHOAL_FUNC_TRIM: case SHOAL_FUNC_ABS: case SHOAL_FUNC_EXTRACT: want = 1; break;
        case SHOAL_FUNC_DATE_ADD_INTERVAL: want = 4; break;
        case SHOAL_FUNC_SUBSTRING: REQUIRE(nargs == 2 || nargs == 3, "SUBSTRING takes 2 or 3 arguments"); break;
        case SHOAL_FUNC_ROUND: REQUIRE(nargs == 1 || nargs == 2, "ROUND takes 1 or 2 arguments"); break;
        case SHOAL_FUNC_CONCAT: REQUIRE(nargs >= 2, "CONCAT takes 2 or more arguments"); break;
        case SHOAL_FUNC_COALESCE: REQUIRE(nargs >= 1, "COALESCE takes arguments"); break;
        default: want = shoal_eval_funcs_handles(f) ? -1 : 2; break; /* those check their own */
        }
        REQUIRE(want < 0 || nargs == want, "function %d takes %d arguments, not %d", f, want, nargs);
        if (f == SHOAL_FUNC_EXTRACT)
            REQUIRE(n->extract_field >= SHOAL_EXTRACT_YEAR && n->extract_field <= SHOAL_EXTRACT_EPOCH,
                    "bad EXTRACT field %d", n->extract_field);
        n = normalize_func(st, n);
        if (st->invalid[0]) return NULL;
        break;
    }
    default: REQUIRE(false, "unknown expression kind %d", n->kind);
    }
#undef REQUIRE
    return st->invalid[0] ? NULL : fold(st, n);
}

/* ================================ building the state ================================ */

static shoal_kernel_cmp kcmp_of(int func)
{
    switch (func) {
    case SHOAL_FUNC_EQ: return SHOAL_KCMP_EQ;
    case SHOAL_FUNC_NE: return SHOAL_KCMP_NE;
    case SHOAL_FUNC_LT: return SHOAL_KCMP_LT;
    case SHOAL_FUNC_LE: return SHOAL_KCMP_LE;
    case SHOAL_FUNC_GT: return SHOAL_KCMP_GT;
    default: return SHOAL_KCMP_GE;
    }
}
static shoal_kernel_cmp kcmp_flip(shoal_kernel_cmp op)
{
    switch (op) {
    case SHOAL_KCMP_LT: return SHOAL_KCMP_GT;
    case SHOAL_KCMP_LE: return SHOAL_KCMP_GE;
    case SHOAL_KCMP_GT: return SHOAL_KCMP_LT;
    case SHOAL_KCMP_GE: return SHOAL_KCMP_LE;
    default: return op;
    }
}

static void prepare_in_list(node_state *ns)
{
    const shoal_expr *e = ns->e;
    uint32_t k = 0, n = (uint32_t)e->arg_count - 1;
    shoal_physical p = phys(e->args[0]->type);
    size_t width = p == SHOAL_PHYS_I128 ? sizeof(shoal_int128) : p == SHOAL_PHYS_STRING ? sizeof(shoal_string) : 8;
    void *arr = shoal_xmalloc(width * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++) {
        const shoal_value *v = &e->args[i + 1]->constant;
        if (v->is_null) {
            ns->in_has_null = true;
            continue;
        }
        switch (p) {
        case SHOAL_PHYS_I128: ((shoal_int128 *)arr)[k++] = v->v.i128; break;
        case SHOAL_PHYS_F32:
        case SHOAL_PHYS_F64: ((double *)arr)[k++] = v->v.f64; break;
        case SHOAL_PHYS_STRING: ((shoal_string *)arr)[k++] = v->v.str; break;
        default: ((int64_t *)arr)[k++] = v->v.i64; break;
        }
    }
    int (*cmp)(const void *, const void *) = p == SHOAL_PHYS_I128 ? compare_i128
                                             : p == SHOAL_PHYS_STRING ? compare_str
                                             : (p == SHOAL_PHYS_F32 || p == SHOAL_PHYS_F64) ? compare_f64
                                                                                            : compare_i64;
    qsort(arr, k, width, cmp);
    uint32_t u = 0; /* deduplicate */
    for (uint32_t i = 0; i < k; i++)
        if (u == 0 || cmp((char *)arr + (u - 1) * width, (char *)arr + i * width) != 0) {
            if (u != i) memcpy((char *)arr + u * width, (char *)arr + i * width, width);
            u++;
        }
    ns->in_count = u;
    ns->in_const = true;
    switch (p) {
    case SHOAL_PHYS_I128: ns->in_i128 = arr; break;
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: ns->in_f64 = arr; break;
    case SHOAL_PHYS_STRING: ns->in_str = arr; break;
    default: ns->in_i64 = arr; break;
    }
}

static node_state *build(shoal_expr_state *st, const shoal_expr *e)
{
    node_state *ns = shoal_xcalloc(1, sizeof *ns);
    ns->e = e;
    ns->nargs = e->arg_count;
    if (ns->nargs > 0) {
        ns->args = shoal_xcalloc((size_t)ns->nargs, sizeof(node_state *));
        for (int i = 0; i < ns->nargs; i++) ns->args[i] = build(st, e->args[i]);
    }
    if (e->kind != SHOAL_EXPR_COLUMN) {
        shoal_vector_init(&ns->result, e->type, 0);
        ns->has_result = true;
    }
    if (e->kind == SHOAL_EXPR_LIKE && e->args[1]->kind == SHOAL_EXPR_CONST && !e->args[1]->constant.is_null) {
        shoal_string p = e->args[1]->constant.v.str;
        ns->like_compiled = true;
        ns->like_bad = !shoal_like_compile(p.ptr, p.len, e->case_insensitive, &ns->like);
    }
    if (e->kind == SHOAL_EXPR_IN_LIST) prepare_in_list(ns);
    if (e->kind == SHOAL_EXPR_FUNC && is_comparison(e->func)) {
        const shoal_expr *x = e->args[0], *y = e->args[1];
        shoal_kernel_cmp op = kcmp_of(e->func);
        if (x->kind == SHOAL_EXPR_CONST && y->kind == SHOAL_EXPR_COLUMN) {
            const shoal_expr *t = x;
            x = y;
            y = t;
            op = kcmp_flip(op);
        }
        if (x->kind == SHOAL_EXPR_COLUMN && y->kind == SHOAL_EXPR_CONST && !y->constant.is_null &&
            same_repr(x->type, y->type)) {
            shoal_physical p = phys(x->type);
            if (p == SHOAL_PHYS_I32 || p == SHOAL_PHYS_I64) {
                ns->simd_width = p == SHOAL_PHYS_I32 ? 32 : 64;
                ns->simd_op = op;
                ns->simd_column = x->column;
                ns->simd_type = x->type;
                ns->simd_const = y->constant.v.i64;
            }
        }
    }
    return ns;
}

static void free_node(node_state *ns)
{
    if (!ns) return;
    for (int i = 0; i < ns->nargs; i++) free_node(ns->args[i]);
    free(ns->args);
    if (ns->has_result) shoal_vector_free(&ns->result);
    for (int i = 0; i < 3; i++) free(ns->sel[i]);
    for (int i = 0; i < 2; i++) free(ns->tmp[i]);
    if (ns->like_compiled && !ns->like_bad) shoal_like_free(&ns->like);
    free(ns->in_i64);
    free(ns->in_i128);
    free(ns->in_f64);
    free(ns->in_str);
    free(ns);
}

shoal_expr_state *shoal_expr_state_create(const shoal_expr *e)
{
    shoal_expr_state *st = shoal_xcalloc(1, sizeof *st);
    shoal_arena_init(&st->arena, 4096);
    shoal_expr *n = normalize(st, e, 0);
    if (n && !st->invalid[0]) st->root = build(st, n);
    return st;
}

void shoal_expr_state_free(shoal_expr_state *st)
{
    if (!st) return;
    free_node(st->root);
    shoal_arena_reset(&st->arena);
    free(st);
}

/* ================================ evaluation ================================ */

static const shoal_vector *eval_arg(node_state *ns, const shoal_batch *in, shoal_eval_error *err);

/* A batch like `in` restricted to rows[0..m). */
static shoal_batch sub_batch(const shoal_batch *in, const uint32_t *rows, uint32_t m)
{
    shoal_batch b = *in;
    b.sel = (uint32_t *)rows;
    b.sel_count = m;
    return b;
}

static const shoal_vector *const_vector(node_state *ns, uint32_t count)
{
    shoal_vector *v = &ns->result;
    if (ns->const_filled >= count && ns->const_filled > 0) return v;
    shoal_vector_reserve(v, count ? count : 1);
    uint32_t cap = v->capacity;
    const shoal_value *c = &ns->e->constant;
    if (c->is_null) {
        memset(v->data, 0, (size_t)cap * shoal_type_size(v->type));
        free(v->validity);
        size_t words = bitmap_words(cap);
        v->validity = shoal_xcalloc(words, sizeof(uint64_t));
    } else {
#define FILL(T, X) for (uint32_t r = 0; r < cap; r++) ((T *)v->data)[r] = (T)(X)
        switch (phys(v->type)) {
        case SHOAL_PHYS_U8: FILL(uint8_t, c->v.i64); break;
        case SHOAL_PHYS_I16: FILL(int16_t, c->v.i64); break;
        case SHOAL_PHYS_I32: FILL(int32_t, c->v.i64); break;
        case SHOAL_PHYS_I64: FILL(int64_t, c->v.i64); break;
        case SHOAL_PHYS_I128: FILL(shoal_int128, c->v.i128); break;
        case SHOAL_PHYS_F32: FILL(float, c->v.f64); break;
        case SHOAL_PHYS_F64: FILL(double, c->v.f64); break;
        case SHOAL_PHYS_STRING:
            for (uint32_t r = 0; r < cap; r++) ((shoal_string *)v->data)[r] = c->v.str;
            break;
        }
#undef FILL
    }
    v->count = cap;
    ns->const_filled = cap;
    return v;
}

static bool check_column(node_state *ns, const shoal_batch *in, shoal_eval_error *err)
{
    int c = ns->e->column;
    if (c < 0 || c >= in->column_count)
        return fail(err, "XX000", "column #%d is not in the input (%d columns)", c, in->column_count);
    const shoal_vector *v = &in->columns[c];
    if (phys(v->type) != phys(ns->e->type) || type_scale(v->type) != type_scale(ns->e->type)) {
        char a[48], b[48];
        shoal_type_name(v->type, a, sizeof a);
        shoal_type_name(ns->e->type, b, sizeof b);
        return fail(err, "XX000", "column #%d is %s but the plan expects %s", c, a, b);
    }
    return true;
}

static bool kernel_status(shoal_kernel_status s, shoal_type t, shoal_eval_error *err)
{
    if (s == SHOAL_KSTATUS_OK) return true;
    if (s == SHOAL_KSTATUS_DIV_ZERO) return fail(err, "22012", "division by zero");
    if (type_class(t) == C_INT) return fail(err, "22003", "%s out of range", shoal_type_sql_name(t));
    return fail(err, "22003", "numeric overflow");
}

/* ---- arithmetic ---- */
static shoal_kernel_arith karith_of(int func)
{
    switch (func) {
    case SHOAL_FUNC_ADD: return SHOAL_KARITH_ADD;
    case SHOAL_FUNC_SUB: return SHOAL_KARITH_SUB;
    case SHOAL_FUNC_MUL: return SHOAL_KARITH_MUL;
    case SHOAL_FUNC_DIV: return SHOAL_KARITH_DIV;
    default: return SHOAL_KARITH_MOD;
    }
}

static bool eval_decimal_div(node_state *ns, const shoal_batch *in, shoal_vector *out, const shoal_vector *a,
                             const shoal_vector *b, shoal_eval_error *err)
{
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    int sa = type_scale(a->type), sb = type_scale(b->type), rs = out->type.scale;
    int k = rs - sa + sb; /* result = a * 10^k / b (k < 0: a / (b * 10^-k)) */
    bool out64 = phys(out->type) == SHOAL_PHYS_I64, a64 = phys(a->type) == SHOAL_PHYS_I64,
         b64 = phys(b->type) == SHOAL_PHYS_I64;
    if (k > 38 || k < -38) return fail(err, "22003", "numeric overflow");
    shoal_int128 scale = pow10_i128(k >= 0 ? k : -k);
    int status = 0; /* 1: division by zero, 2: overflow */
    if (a64 && b64 && out64 && k >= 0 && k <= 18) {
        const int64_t *x = a->data, *y = b->data;
        int64_t *o = out->data, p = pow10_i64[k];
        VALID_ROWS(sel, n, valid, r, {
            int64_t num, q;
            if (y[r] == 0) { status = 1; break; }
            if (!__builtin_mul_overflow(x[r], p, &num) && !(num == INT64_MIN && y[r] == -1)) {
                q = div_round_i64(num, y[r]);
            } else {
                shoal_int128 wide = div_round_i128((shoal_int128)x[r] * p, y[r]);
                if (wide > INT64_MAX || wide < INT64_MIN) { status = 2; break; }
                q = (int64_t)wide;
            }
            o[r] = q;
        });
    } else {
        VALID_ROWS(sel, n, valid, r, {
            shoal_int128 x = a64 ? ((const int64_t *)a->data)[r] : ((const shoal_int128 *)a->data)[r];
            shoal_int128 y = b64 ? ((const int64_t *)b->data)[r] : ((const shoal_int128 *)b->data)[r];
            shoal_int128 num = x, q;
            if (y == 0) { status = 1; break; }
            if (k < 0 && __builtin_mul_overflow(y, scale, &y)) {
                q = 0; /* |y| > 2^127 > 2 |x| */
            } else if (k >= 0 && __builtin_mul_overflow(x, scale, &num)) {
                /* x * 10^k overflows: long division, (x / y) * 10^k + (x % y) * 10^k / y */
                shoal_int128 hi, lo;
                if (y == -1 || __builtin_mul_overflow(x / y, scale, &hi) ||
                    __builtin_mul_overflow(x % y, scale, &lo) || __builtin_add_overflow(hi, div_round_i128(lo, y), &q)) {
                    status = 2;
                    break;
                }
            } else {
                if (num == I128_MIN && y == -1) { status = 2; break; }
                q = div_round_i128(num, y);
            }
            if (out64) {
                if (q > INT64_MAX || q < INT64_MIN) { status = 2; break; }
                ((int64_t *)out->data)[r] = (int64_t)q;
            } else {
                ((shoal_int128 *)out->data)[r] = q;
            }
        });
    }
    (void)ns;
    if (status == 1) return fail(err, "22012", "division by zero");
    if (status == 2) return fail(err, "22003", "numeric overflow");
    return true;
}

static bool eval_arith(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    int func = ns->e->func;
    const shoal_vector *a = eval_arg(ns->args[0], in, err);
    if (!a) return false;
    const shoal_vector *b = NULL;
    if (ns->nargs > 1 && !(b = eval_arg(ns->args[1], in, err))) return false;
    validity_and2(out, a, b, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    if (func == SHOAL_FUNC_DIV && out->type.id == SHOAL_TYPE_DECIMAL) return eval_decimal_div(ns, in, out, a, b, err);
    shoal_kernel_status s = SHOAL_KSTATUS_OK;
    if (func == SHOAL_FUNC_MUL && phys(out->type) == SHOAL_PHYS_I128 &&
        (phys(a->type) == SHOAL_PHYS_I64 || phys(b->type) == SHOAL_PHYS_I64)) { /* wide_product_operand */
        if (phys(a->type) == SHOAL_PHYS_I64 && phys(b->type) == SHOAL_PHYS_I64)
            s = kernel_mul_i64_i64_to_i128(a->data, b->data, out->data, sel, n, valid);
        else if (phys(a->type) == SHOAL_PHYS_I128)
            s = kernel_mul_i128_i64_to_i128(a->data, b->data, out->data, sel, n, valid);
        else
            s = kernel_mul_i128_i64_to_i128(b->data, a->data, out->data, sel, n, valid);
        return kernel_status(s, out->type, err);
    }
    bool unary = func == SHOAL_FUNC_NEG || func == SHOAL_FUNC_ABS;
    shoal_kernel_arith op = karith_of(func);
#define ARITH_CASE(PHYS, T, SUF)                                                                        \
    case PHYS:                                                                                          \
        if (!unary) s = kernel_arith_##SUF(op, (const T *)a->data, (const T *)b->data, (T *)out->data, sel, n, valid); \
        else if (func == SHOAL_FUNC_NEG) s = kernel_neg_##SUF((const T *)a->data, (T *)out->data, sel, n, valid); \
        else s = kernel_abs_##SUF((const T *)a->data, (T *)out->data, sel, n, valid);                   \
        break;
    switch (phys(out->type)) {
        ARITH_CASE(SHOAL_PHYS_I16, int16_t, i16)
        ARITH_CASE(SHOAL_PHYS_I32, int32_t, i32)
        ARITH_CASE(SHOAL_PHYS_I64, int64_t, i64)
        ARITH_CASE(SHOAL_PHYS_I128, shoal_int128, i128)
        ARITH_CASE(SHOAL_PHYS_F32, float, f32)
        ARITH_CASE(SHOAL_PHYS_F64, double, f64)
    default: return fail(err, "XX000", "arithmetic on %s", shoal_type_sql_name(out->type));
    }
#undef ARITH_CASE
    return kernel_status(s, out->type, err);
}

/* ---- comparisons ---- */
static bool eval_compare(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err), *b;
    if (!a || !(b = eval_arg(ns->args[1], in, err))) return false;
    validity_and2(out, a, b, in->count);
    shoal_kernel_cmp op = kcmp_of(ns->e->func);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    uint8_t *o = out->data;
    switch (phys(a->type)) {
    case SHOAL_PHYS_U8: kernel_cmp_u8(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_I16: kernel_cmp_i16(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_I32: kernel_cmp_i32(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_I64: kernel_cmp_i64(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_I128: kernel_cmp_i128(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_F32: kernel_cmp_f32(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_F64: kernel_cmp_f64(op, a->data, b->data, o, sel, n); break;
    case SHOAL_PHYS_STRING: kernel_cmp_string(op, a->data, b->data, o, sel, n, out->validity); break;
    }
    return true;
}

/* ---- AND / OR: arguments run on the rows not yet decided ---- */
static bool eval_and_or(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    bool is_and = ns->e->kind == SHOAL_EXPR_AND;
    uint32_t n = shoal_batch_rows(in);
    uint8_t *o = out->data;
    ROWS(in->sel, n, r, o[r] = is_and);
    const uint32_t *active = in->sel;
    uint32_t m = n;
    uint32_t *bufs[2] = {sel_scratch(ns, 0, in->count), sel_scratch(ns, 1, in->count)};
    int which = 0;
    for (int k = 0; k < ns->nargs && m > 0; k++) {
        shoal_batch sub = active ? sub_batch(in, active, m) : *in;
        const shoal_vector *v = eval_arg(ns->args[k], &sub, err);
        if (!v) return false;
        const uint8_t *x = v->data;
        uint32_t *next = bufs[which];
        which ^= 1;
        uint32_t m2 = 0;
        if (!v->validity && !out->validity) { /* no NULLs so far: branch-free */
            ROWS(active, m, r, {
                uint32_t decisive = (x[r] != 0) != is_and;
                o[r] = (uint8_t)(is_and ^ decisive);
                next[m2] = r;
                m2 += !decisive;
            });
            active = next;
            m = m2;
            continue;
        }
        ROWS(active, m, r, {
            bool valid = is_valid(v, r);
            if (valid && (x[r] != 0) != is_and) { /* decisive: FALSE for AND, TRUE for OR */
                o[r] = !is_and;
                set_valid(out, r);
            } else {
                if (!valid) set_null(out, r);
                next[m2++] = r;
            }
        });
        active = next;
        m = m2;
    }
    return true;
}

static bool eval_not(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err);
    if (!a) return false;
    validity_and2(out, a, NULL, in->count);
    const uint8_t *x = a->data;
    uint8_t *o = out->data;
    ROWS(in->sel, shoal_batch_rows(in), r, o[r] = x[r] == 0);
    return true;
}

static bool eval_is_null(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err);
    if (!a) return false;
    uint8_t *o = out->data, want_null = !ns->e->negated;
    if (!a->validity) ROWS(in->sel, shoal_batch_rows(in), r, o[r] = !want_null);
    else ROWS(in->sel, shoal_batch_rows(in), r, o[r] = (uint8_t)(!shoal_bit_is_set(a->validity, r) == want_null));
    return true;
}

/* ---- IN (constants) ---- */
#define IN_SEARCH(ARR, COUNT, X, FOUND, LESS, EQUAL)                                                    \
    do {                                                                                                \
        FOUND = false;                                                                                  \
        if ((COUNT) <= 8) {                                                                             \
            for (uint32_t j_ = 0; j_ < (COUNT); j_++)                                                   \
                if (EQUAL((ARR)[j_], X)) { FOUND = true; break; }                                       \
        } else {                                                                                        \
            uint32_t lo_ = 0, hi_ = (COUNT);                                                            \
            while (lo_ < hi_) {                                                                         \
                uint32_t mid_ = (lo_ + hi_) / 2;                                                        \
                if (LESS((ARR)[mid_], X)) lo_ = mid_ + 1;                                               \
                else hi_ = mid_;                                                                        \
            }                                                                                           \
            FOUND = lo_ < (COUNT) && EQUAL((ARR)[lo_], X);                                              \
        }                                                                                               \
    } while (0)
#define V_LT(a, b) ((a) < (b))
#define V_EQ(a, b) ((a) == (b))
#define S_LT(a, b) (shoal_string_compare(a, b) < 0)
#define S_EQ(a, b) (shoal_string_compare(a, b) == 0)

static bool eval_in(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err);
    if (!a) return false;
    validity_and2(out, a, NULL, in->count);
    uint8_t *o = out->data;
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in), count = ns->in_count;
    bool negated = ns->e->negated, has_null = ns->in_has_null;
    /* found -> TRUE; not found -> NULL when the list has a NULL, else FALSE; then NOT */
#define IN_LOOP(T, ARR, WIDEN, LESS, EQUAL)                                                             \
    VALID_ROWS(sel, n, out->validity, r, {                                                                                   \
        bool found;                                                                                     \
        IN_SEARCH(ARR, count, WIDEN(((const T *)a->data)[r]), found, LESS, EQUAL);                      \
        if (!found && has_null) set_null(out, r);                                                       \
        o[r] = (uint8_t)(found != negated);                                                             \
    })
#define AS_I64(x) ((int64_t)(x))
#define AS_F64(x) ((double)(x))
#define AS_IS(x) (x)
    switch (phys(a->type)) {
    case SHOAL_PHYS_U8: IN_LOOP(uint8_t, ns->in_i64, AS_I64, V_LT, V_EQ); break;
    case SHOAL_PHYS_I16: IN_LOOP(int16_t, ns->in_i64, AS_I64, V_LT, V_EQ); break;
    case SHOAL_PHYS_I32: IN_LOOP(int32_t, ns->in_i64, AS_I64, V_LT, V_EQ); break;
    case SHOAL_PHYS_I64: IN_LOOP(int64_t, ns->in_i64, AS_I64, V_LT, V_EQ); break;
    case SHOAL_PHYS_I128: IN_LOOP(shoal_int128, ns->in_i128, AS_IS, V_LT, V_EQ); break;
    case SHOAL_PHYS_F32: IN_LOOP(float, ns->in_f64, AS_F64, V_LT, V_EQ); break;
    case SHOAL_PHYS_F64: IN_LOOP(double, ns->in_f64, AS_F64, V_LT, V_EQ); break;
    case SHOAL_PHYS_STRING: IN_LOOP(shoal_string, ns->in_str, AS_IS, S_LT, S_EQ); break;
    }
#undef IN_LOOP
    return true;
}

/* ---- CASE: each WHEN runs on the rows no earlier WHEN took ---- */
static bool eval_case(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    uint32_t *remaining = sel_scratch(ns, 0, in->count), *take = ns->sel[1], *rest = ns->sel[2];
    uint32_t m = shoal_batch_rows(in);
    if (in->sel) memcpy(remaining, in->sel, m * sizeof(uint32_t));
    else
        for (uint32_t i = 0; i < m; i++) remaining[i] = i;
    int pairs = ns->nargs / 2;
    for (int p = 0; p < pairs && m > 0; p++) {
        shoal_batch sub = sub_batch(in, remaining, m);
        const shoal_vector *w = eval_arg(ns->args[2 * p], &sub, err);
        if (!w) return false;
        uint32_t nt = 0, nr = 0;
        const uint8_t *x = w->data;
        for (uint32_t i = 0; i < m; i++) {
            uint32_t r = remaining[i];
            if (is_valid(w, r) && x[r]) take[nt++] = r;
            else rest[nr++] = r;
        }
        if (nt > 0) {
            shoal_batch tb = sub_batch(in, take, nt);
            const shoal_vector *t = eval_arg(ns->args[2 * p + 1], &tb, err);
            if (!t) return false;
            copy_rows(out, t, take, nt);
        }
        memcpy(remaining, rest, nr * sizeof(uint32_t));
        m = nr;
    }
    if (m > 0) {
        if (ns->e->has_else) {
            shoal_batch eb = sub_batch(in, remaining, m);
            const shoal_vector *t = eval_arg(ns->args[ns->nargs - 1], &eb, err);
            if (!t) return false;
            copy_rows(out, t, remaining, m);
        } else {
            for (uint32_t i = 0; i < m; i++) set_null(out, remaining[i]);
        }
    }
    return true;
}

/* ---- COALESCE: each argument runs on the rows still NULL ---- */
static bool eval_coalesce(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    uint32_t *active = sel_scratch(ns, 0, in->count), *got = ns->sel[1], *next = ns->sel[2];
    uint32_t m = shoal_batch_rows(in);
    if (in->sel) memcpy(active, in->sel, m * sizeof(uint32_t));
    else
        for (uint32_t i = 0; i < m; i++) active[i] = i;
    for (int k = 0; k < ns->nargs && m > 0; k++) {
        shoal_batch sub = sub_batch(in, active, m);
        const shoal_vector *v = eval_arg(ns->args[k], &sub, err);
        if (!v) return false;
        uint32_t ng = 0, nn = 0;
        for (uint32_t i = 0; i < m; i++) {
            uint32_t r = active[i];
            if (is_valid(v, r)) got[ng++] = r;
            else next[nn++] = r;
        }
        copy_values(out, v, got, ng);
        memcpy(active, next, nn * sizeof(uint32_t));
        m = nn;
    }
    for (uint32_t i = 0; i < m; i++) set_null(out, active[i]);
    return true;
}

/* ---- LIKE ---- */
static bool eval_like(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err), *p;
    if (!a || !(p = eval_arg(ns->args[1], in, err))) return false;
    validity_and2(out, a, p, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    uint8_t *o = out->data;
    if (ns->like_compiled) {
        if (ns->like_bad) return fail(err, "22025", "LIKE pattern must not end with escape character");
        kernel_like(&ns->like, a->data, sel, n, out->validity, o);
    } else { /* a pattern per row */
        const shoal_string *s = a->data, *pat = p->data;
        bool bad = false;
        VALID_ROWS(sel, n, out->validity, r, {
            shoal_like_pattern lp;
            if (!shoal_like_compile(pat[r].ptr, pat[r].len, ns->e->case_insensitive, &lp)) { bad = true; break; }
            o[r] = shoal_like_match(&lp, s[r].ptr, s[r].len);
            shoal_like_free(&lp);
        });
        if (bad) return fail(err, "22025", "LIKE pattern must not end with escape character");
    }
    if (ns->e->negated) ROWS(sel, n, r, o[r] = !o[r]);
    return true;
}

/* ---- casts ---- */

/* Stores an integer result into an integer-class output with a range check. */
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
    case SHOAL_PHYS_U8: ((uint8_t *)out->data)[r] = v != 0; return true;
    default: return false;
    }
}
/* Stores a decimal value already at the output scale, checking the precision. */
static bool store_decimal(shoal_vector *out, uint32_t r, shoal_int128 v)
{
    int p = out->type.precision;
    shoal_int128 limit = pow10_i128(p > 38 ? 38 : p);
    if (v >= limit || v <= -limit) return false;
    if (phys(out->type) == SHOAL_PHYS_I64) ((int64_t *)out->data)[r] = (int64_t)v;
    else ((shoal_int128 *)out->data)[r] = v;
    return true;
}

/* A double to a decimal through its 15 significant digits (as PostgreSQL's float8 ->
 * numeric), then rounded half away from zero to `scale`. */
static bool double_to_decimal(double d, int precision, int scale, shoal_int128 *out)
{
    if (!isfinite(d)) return false;
    if (d == 0) {
        *out = 0;
        return true;
    }
    char buf[40];
    snprintf(buf, sizeof buf, "%.14e", d); /* [-]d.dddddddddddddde[+-]xx */
    const char *p = buf;
    bool neg = *p == '-';
    if (neg) p++;
    shoal_int128 digits = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits = digits * 10 + (*p - '0');
    if (*p != 'e') return false;
    int exp = atoi(p + 1);
    int k = exp - 14 + scale;
    shoal_int128 v;
    if (!rescale_i128(digits, 0, k >= 0 ? k : 0, &v)) return false;
    if (k < 0) v = -k > 38 ? 0 : div_round_i128(digits, pow10_i128(-k));
    if (v >= pow10_i128(precision)) return false;
    *out = neg ? -v : v;
    return true;
}

static shoal_string fit_string(shoal_string s, shoal_type t)
{
    if (t.length > 0 && s.len > t.length) s.len = shoal_utf8_offset(s.ptr, s.len, t.length);
    if (t.id == SHOAL_TYPE_CHAR)
        while (s.len > 0 && s.ptr[s.len - 1] == ' ') s.len--;
    return s;
}

static bool looks_numeric(const char *s, uint32_t n, bool allow_dot)
{
    uint32_t i = 0, digits = 0;
    bool dot = false;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) n--;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') digits++;
        else if (s[i] == '.' && allow_dot && !dot) dot = true;
        else return false;
    }
    return digits > 0;
}

static bool bad_text(shoal_eval_error *err, const char *sqlstate, shoal_type t, shoal_string s)
{
    int len = s.len > 100 ? 100 : (int)s.len;
    return fail(err, sqlstate, "invalid input syntax for type %s: \"%.*s\"", shoal_type_sql_name(t), len, s.len ? s.ptr : "");
}

static bool cast_from_string(const shoal_vector *a, shoal_vector *out, const uint32_t *sel, uint32_t n,
                             shoal_eval_error *err)
{
    const shoal_string *s = a->data;
    const uint64_t *valid = out->validity;
    shoal_type t = out->type;
    bool ok = true;
    switch (type_class(t)) {
    case C_STR: VALID_ROWS(sel, n, valid, r, ((shoal_string *)out->data)[r] = fit_string(s[r], t)); return true;
    case C_INT:
        VALID_ROWS(sel, n, valid, r, {
            int64_t v;
            if (!shoal_parse_int64(s[r].ptr, s[r].len, &v) || !store_int(out, r, v)) {
                int len = s[r].len > 100 ? 100 : (int)s[r].len;
                if (looks_numeric(s[r].ptr, s[r].len, false))
                    ok = fail(err, "22003", "value \"%.*s\" is out of range for type %s", len, s[r].ptr, shoal_type_sql_name(t));
                else ok = bad_text(err, "22P02", t, s[r]);
                break;
            }
        });
        return ok;
    case C_DEC:
        VALID_ROWS(sel, n, valid, r, {
            shoal_int128 v;
            if (!shoal_parse_decimal(s[r].ptr, s[r].len, t.precision, t.scale, &v)) {
                if (looks_numeric(s[r].ptr, s[r].len, true)) ok = fail(err, "22003", "numeric field overflow");
                else ok = bad_text(err, "22P02", t, s[r]);
                break;
            }
            store_decimal(out, r, v);
        });
        return ok;
    case C_FLT:
        VALID_ROWS(sel, n, valid, r, {
            double v;
            if (!shoal_parse_double(s[r].ptr, s[r].len, &v)) { ok = bad_text(err, "22P02", t, s[r]); break; }
            if (phys(t) == SHOAL_PHYS_F32) ((float *)out->data)[r] = (float)v;
            else ((double *)out->data)[r] = v;
        });
        return ok;
    case C_BOOL:
        VALID_ROWS(sel, n, valid, r, {
            if (!shoal_parse_bool(s[r].ptr, s[r].len, &((uint8_t *)out->data)[r])) {
                ok = bad_text(err, "22P02", t, s[r]);
                break;
            }
        });
        return ok;
    case C_DATE:
        VALID_ROWS(sel, n, valid, r, {
            if (!shoal_parse_date(s[r].ptr, s[r].len, &((int32_t *)out->data)[r])) {
                ok = bad_text(err, "22007", t, s[r]);
                break;
            }
        });
        return ok;
    case C_TS:
        VALID_ROWS(sel, n, valid, r, {
            if (!shoal_parse_timestamp(s[r].ptr, s[r].len, &((int64_t *)out->data)[r])) {
                ok = bad_text(err, "22007", t, s[r]);
                break;
            }
        });
        return ok;
    default: return fail(err, "42846", "cannot cast to %s", shoal_type_sql_name(t));
    }
}

static bool cast_to_string(const shoal_vector *a, shoal_vector *out, const uint32_t *sel, uint32_t n,
                           shoal_eval_error *err)
{
    shoal_string *o = out->data;
    shoal_type t = out->type;
    char buf[64];
    VALID_ROWS(sel, n, out->validity, r, {
        int len = 0;
        switch ((shoal_type_id)a->type.id) {
        case SHOAL_TYPE_BOOLEAN: len = sprintf(buf, "%s", ((const uint8_t *)a->data)[r] ? "true" : "false"); break;
        case SHOAL_TYPE_DECIMAL: len = shoal_format_decimal(shoal_vector_get_i128(a, r), a->type.scale, buf); break;
        case SHOAL_TYPE_REAL:
        case SHOAL_TYPE_DOUBLE: len = shoal_format_double(shoal_vector_get_f64(a, r), buf); break;
        case SHOAL_TYPE_DATE:
            if (!date_in_range(((const int32_t *)a->data)[r])) return fail(err, "22008", "date out of range");
            len = shoal_format_date(((const int32_t *)a->data)[r], buf);
            break;
        case SHOAL_TYPE_TIMESTAMP:
            if (!ts_in_range(((const int64_t *)a->data)[r])) return fail(err, "22008", "timestamp out of range");
            len = shoal_format_timestamp(((const int64_t *)a->data)[r], buf);
            break;
        default: len = shoal_format_int64(shoal_vector_get_i64(a, r), buf); break;
        }
        shoal_string s = fit_string((shoal_string){buf, (uint32_t)len}, t);
        o[r] = shoal_vector_add_string(out, s.ptr, s.len);
    });
    return true;
}

/* An integer or a decimal held in 16 to 64 bits to a decimal at the same or a larger scale: one
 * multiply by a power of ten (exact in 128 bits: |v| 10^18 < 2^123) and a bound check per row,
 * none at all when the bound cannot be reached (a 128-bit result of precision >= 19 at the
 * same scale: |v| < 2^63 < 10^19). */
static bool cast_int64_to_decimal(const shoal_vector *a, shoal_vector *out, const uint32_t *sel, uint32_t n,
                                  const uint64_t *valid, int fs, shoal_eval_error *err)
{
    shoal_type to = out->type;
    int64_t mult = pow10_i64[to.scale - fs];
    shoal_int128 limit = pow10_i128(to.precision > 38 ? 38 : to.precision);
    shoal_physical fp = phys(a->type);
    bool ok = true;
    bool unchecked = phys(to) == SHOAL_PHYS_I128 && mult == 1 && to.precision >= 19;
#define CAST_LOOP(T, OT)                                                                                \
    do {                                                                                                \
        const T *x = a->data;                                                                           \
        OT *o = out->data;                                                                              \
        if (unchecked)                                                                                  \
            VALID_ROWS(sel, n, valid, r, o[r] = x[r]);                                                  \
        else                                                                                            \
            VALID_ROWS(sel, n, valid, r, {                                                              \
                shoal_int128 w = (shoal_int128)x[r] * mult;                                             \
                ok &= w < limit && w > -limit;                                                          \
                o[r] = (OT)w;                                                                           \
            });                                                                                         \
    } while (0)
    if (phys(to) == SHOAL_PHYS_I128) {
        if (fp == SHOAL_PHYS_I16) CAST_LOOP(int16_t, shoal_int128);
        else if (fp == SHOAL_PHYS_I32) CAST_LOOP(int32_t, shoal_int128);
        else CAST_LOOP(int64_t, shoal_int128);
    } else {
        if (fp == SHOAL_PHYS_I16) CAST_LOOP(int16_t, int64_t);
        else if (fp == SHOAL_PHYS_I32) CAST_LOOP(int32_t, int64_t);
        else CAST_LOOP(int64_t, int64_t);
    }
#undef CAST_LOOP
    return ok || fail(err, "22003", "numeric field overflow");
}

static bool eval_cast(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err);
    if (!a) return false;
    validity_and2(out, a, NULL, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    shoal_type from = a->type, to = out->type;
    tclass fc = type_class(from), tc = type_class(to);
    if (fc == C_STR) return cast_from_string(a, out, sel, n, err);
    if (tc == C_STR) return cast_to_string(a, out, sel, n, err);
    if (fc == C_DATE && tc == C_TS) {
        const int32_t *x = a->data;
        ROWS(sel, n, r, ((int64_t *)out->data)[r] = (int64_t)x[r] * MICROS_PER_DAY);
        return true;
    }
    if (fc == C_TS && tc == C_DATE) {
        const int64_t *x = a->data;
        ROWS(sel, n, r, ((int32_t *)out->data)[r] = (int32_t)floor_div(x[r], MICROS_PER_DAY));
        return true;
    }
    if (fc == C_DATE || fc == C_TS || tc == C_DATE || tc == C_TS)
        return fail(err, "42846", "cannot cast type %s to %s", shoal_type_sql_name(from), shoal_type_sql_name(to));
    bool ok = true;
    if (fc == C_FLT) {
        bool f32 = phys(from) == SHOAL_PHYS_F32;
        VALID_ROWS(sel, n, valid, r, {
            double d = f32 ? ((const float *)a->data)[r] : ((const double *)a->data)[r];
            switch (tc) {
            case C_FLT:
                if (phys(to) == SHOAL_PHYS_F32) ((float *)out->data)[r] = (float)d;
                else ((double *)out->data)[r] = d;
                break;
            case C_BOOL: ((uint8_t *)out->data)[r] = d != 0; break;
            case C_INT: {
                double x = rint(d); /* as PostgreSQL: round half to even */
                if (!(x >= -1.7014118346046923e38 && x < 1.7014118346046923e38) || !store_int(out, r, (shoal_int128)x)) {
                    ok = fail(err, "22003", "%s out of range", shoal_type_sql_name(to));
                    goto done;
                }
                break;
            }
            case C_DEC: {
                shoal_int128 v;
                if (!double_to_decimal(d, to.precision, to.scale, &v)) {
                    ok = fail(err, "22003", "numeric field overflow");
                    goto done;
                }
                store_decimal(out, r, v);
                break;
            }
            default: break;
            }
        });
        goto done;
    }
    /* exact numerics and BOOLEAN: through int128 at the source scale */
    {
        int fs = type_scale(from);
        shoal_physical fp = phys(from);
        double fdiv = (double)pow10_i128(fs);
        if (tc == C_INT && fs == 0 && fp != SHOAL_PHYS_I128 && fp != SHOAL_PHYS_U8 && phys(to) == SHOAL_PHYS_I64) {
            /* widening to BIGINT: a plain loop */
#define WIDEN(T) ROWS(sel, n, r, ((int64_t *)out->data)[r] = ((const T *)a->data)[r])
            if (fp == SHOAL_PHYS_I16) WIDEN(int16_t);
            else if (fp == SHOAL_PHYS_I32) WIDEN(int32_t);
            else WIDEN(int64_t);
#undef WIDEN
            return true;
        }
        if (tc == C_DEC && (fp == SHOAL_PHYS_I16 || fp == SHOAL_PHYS_I32 || fp == SHOAL_PHYS_I64) &&
            to.scale >= fs && to.scale - fs <= 18)
            return cast_int64_to_decimal(a, out, sel, n, valid, fs, err);
        VALID_ROWS(sel, n, valid, r, {
            shoal_int128 v;
            switch (fp) {
            case SHOAL_PHYS_U8: v = ((const uint8_t *)a->data)[r]; break;
            case SHOAL_PHYS_I16: v = ((const int16_t *)a->data)[r]; break;
            case SHOAL_PHYS_I32: v = ((const int32_t *)a->data)[r]; break;
            case SHOAL_PHYS_I64: v = ((const int64_t *)a->data)[r]; break;
            default: v = ((const shoal_int128 *)a->data)[r]; break;
            }
            switch (tc) {
            case C_BOOL: ((uint8_t *)out->data)[r] = v != 0; break;
            case C_INT:
                if (fs > 0) v = div_round_i128(v, pow10_i128(fs)); /* decimal -> integer rounds */
                if (!store_int(out, r, v)) {
                    ok = fail(err, "22003", "%s out of range", shoal_type_sql_name(to));
                    goto done;
                }
                break;
            case C_DEC: {
                shoal_int128 w;
                if (!rescale_i128(v, fs, to.scale, &w) || !store_decimal(out, r, w)) {
                    ok = fail(err, "22003", "numeric field overflow");
                    goto done;
                }
                break;
            }
            case C_FLT: {
                double d = fs > 0 ? (double)v / fdiv : (double)v;
                if (phys(to) == SHOAL_PHYS_F32) ((float *)out->data)[r] = (float)d;
                else ((double *)out->data)[r] = d;
                break;
            }
            default: break;
            }
        });
    }
done:
    return ok;
}

/* ---- dates ---- */

/* days + months (clamped to the month's end), false when out of range. */
static bool add_months(int64_t days, int64_t months, int64_t *result)
{
    if (months == 0) {
        *result = days;
        return true;
    }
    if (!date_in_range(days)) return false;
    int y, m, d;
    shoal_date_to_ymd((int32_t)days, &y, &m, &d);
    int64_t total;
    if (__builtin_add_overflow((int64_t)y * 12 + (m - 1), months, &total)) return false;
    int64_t ny = floor_div(total, 12), nm = total - ny * 12 + 1;
    if (ny < -4713 || ny > 294276) return false;
    int dim = shoal_days_in_month((int)ny, (int)nm);
    *result = shoal_date_from_ymd((int)ny, (int)nm, d < dim ? d : dim);
    return true;
}

static bool eval_date_func(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *args[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < ns->nargs; i++)
        if (!(args[i] = eval_arg(ns->args[i], in, err))) return false;
    validity_and(out, args, ns->nargs, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    const shoal_vector *a = args[0];
    bool ts_in = a->type.id == SHOAL_TYPE_TIMESTAMP, ts_out = out->type.id == SHOAL_TYPE_TIMESTAMP;
    int status = 0; /* 1: out of range, 2: time part on a DATE, 3: overflow of the integer result */
    switch ((shoal_func)ns->e->func) {
    case SHOAL_FUNC_DATE_ADD_DAYS:
    case SHOAL_FUNC_DATE_SUB_DAYS: {
        const int64_t *d = args[1]->data;
        int64_t sign = ns->e->func == SHOAL_FUNC_DATE_ADD_DAYS ? 1 : -1;
        if (!ts_out) {
            const int32_t *x = a->data;
            int32_t *o = out->data;
            VALID_ROWS(sel, n, valid, r, {
                int64_t v;
                if (__builtin_mul_overflow(d[r], sign, &v) || __builtin_add_overflow(v, (int64_t)x[r], &v) ||
                    !date_in_range(v)) { status = 1; break; }
                o[r] = (int32_t)v;
            });
        } else {
            const int64_t *x = a->data;
            int64_t *o = out->data;
            VALID_ROWS(sel, n, valid, r, {
                int64_t v;
                if (__builtin_mul_overflow(d[r], sign * MICROS_PER_DAY, &v) || __builtin_add_overflow(v, x[r], &v)) {
                    status = 1;
                    break;
                }
                o[r] = v;
            });
        }
        break;
    }
    case SHOAL_FUNC_DATE_DIFF_DAYS: {
        const int32_t *x = a->data, *y = args[1]->data;
        VALID_ROWS(sel, n, valid, r, {
            if (!store_int(out, r, (int64_t)x[r] - y[r])) { status = 3; break; }
        });
        break;
    }
    case SHOAL_FUNC_DATE_ADD_INTERVAL: {
        const int64_t *mo = args[1]->data, *dd = args[2]->data, *us = args[3]->data;
        VALID_ROWS(sel, n, valid, r, {
            int64_t days, tod = 0, v;
            if (ts_in) {
                int64_t t = ((const int64_t *)a->data)[r];
                days = floor_div(t, MICROS_PER_DAY);
                tod = t - days * MICROS_PER_DAY;
            } else {
                days = ((const int32_t *)a->data)[r];
            }
            if (!add_months(days, mo[r], &days) || __builtin_add_overflow(days, dd[r], &days) || !date_in_range(days)) {
                status = 1;
                break;
            }
            if (!ts_out) {
                if (us[r] != 0) { status = 2; break; }
                ((int32_t *)out->data)[r] = (int32_t)days;
            } else {
                if (__builtin_mul_overflow(days, MICROS_PER_DAY, &v) || __builtin_add_overflow(v, tod, &v) ||
                    __builtin_add_overflow(v, us[r], &v)) {
                    status = 1;
                    break;
                }
                ((int64_t *)out->data)[r] = v;
            }
        });
        break;
    }
    default: return fail(err, "XX000", "not a date function: %d", ns->e->func);
    }
    if (status == 1) return fail(err, "22008", "%s out of range", ts_out ? "timestamp" : "date");
    if (status == 2) return fail(err, "XX000", "an interval with a time part added to a DATE must give a TIMESTAMP");
    if (status == 3) return fail(err, "22003", "%s out of range", shoal_type_sql_name(out->type));
    return true;
}

static bool eval_extract(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err);
    if (!a) return false;
    validity_and2(out, a, NULL, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    bool ts = a->type.id == SHOAL_TYPE_TIMESTAMP;
    int field = ns->e->extract_field;
    tclass oc = type_class(out->type);
    int64_t *val = scratch(ns, 0, (size_t)in->count * sizeof(int64_t) + 8);
    int64_t *frac = scratch(ns, 1, (size_t)in->count * sizeof(int64_t) + 8); /* microseconds, >= 0 */
    bool range_error = false;
    VALID_ROWS(sel, n, out->validity, r, {
        int64_t days, tod = 0;
        if (ts) {
            int64_t t = ((const int64_t *)a->data)[r];
            days = floor_div(t, MICROS_PER_DAY);
            tod = t - days * MICROS_PER_DAY;
        } else {
            days = ((const int32_t *)a->data)[r];
        }
        if (!date_in_range(days)) { range_error = true; break; }
        int y, m, d;
        int64_t v = 0, f = 0;
        switch (field) {
        case SHOAL_EXTRACT_YEAR: shoal_date_to_ymd((int32_t)days, &y, &m, &d); v = y; break;
        case SHOAL_EXTRACT_QUARTER: shoal_date_to_ymd((int32_t)days, &y, &m, &d); v = (m - 1) / 3 + 1; break;
        case SHOAL_EXTRACT_MONTH: shoal_date_to_ymd((int32_t)days, &y, &m, &d); v = m; break;
        case SHOAL_EXTRACT_DAY: shoal_date_to_ymd((int32_t)days, &y, &m, &d); v = d; break;
        case SHOAL_EXTRACT_DOW: v = ((days + 4) % 7 + 7) % 7; break; /* 1970-01-01 was a Thursday */
        case SHOAL_EXTRACT_DOY:
            shoal_date_to_ymd((int32_t)days, &y, &m, &d);
            v = days - shoal_date_from_ymd(y, 1, 1) + 1;
            break;
        case SHOAL_EXTRACT_HOUR: v = tod / 3600000000LL; break;
        case SHOAL_EXTRACT_MINUTE: v = tod / 60000000LL % 60; break;
        case SHOAL_EXTRACT_SECOND: v = tod / 1000000 % 60; f = tod % 1000000; break;
        case SHOAL_EXTRACT_EPOCH:
            if (ts) {
                int64_t t = ((const int64_t *)a->data)[r];
                v = floor_div(t, 1000000);
                f = t - v * 1000000;
            } else {
                v = days * 86400;
            }
            break;
        default: break;
        }
        val[r] = v;
        frac[r] = f;
    });
    bool ok = !range_error;
    if (range_error) fail(err, "22008", "%s out of range", ts ? "timestamp" : "date");
    if (ok) VALID_ROWS(sel, n, out->validity, r, {
        if (oc == C_INT) {
            if (!store_int(out, r, val[r])) { ok = fail(err, "22003", "%s out of range", shoal_type_sql_name(out->type)); break; }
        } else if (oc == C_FLT) {
            double d = (double)val[r] + (double)frac[r] / 1e6;
            if (phys(out->type) == SHOAL_PHYS_F32) ((float *)out->data)[r] = (float)d;
            else ((double *)out->data)[r] = d;
        } else {
            shoal_int128 w, f;
            rescale_i128(frac[r], 6, out->type.scale, &f);
            if (!rescale_i128(val[r], 0, out->type.scale, &w) || !store_decimal(out, r, w + f)) {
                ok = fail(err, "22003", "numeric field overflow");
                break;
            }
        }
    });
    return ok;
}

/* ---- strings ---- */
static bool eval_string_func(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *args[8];
    const shoal_vector **argv = ns->nargs <= 8 ? args : scratch(ns, 0, sizeof(shoal_vector *) * (size_t)ns->nargs);
    for (int i = 0; i < ns->nargs; i++)
        if (!(argv[i] = eval_arg(ns->args[i], in, err))) return false;
    validity_and(out, argv, ns->nargs, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    const shoal_string *s = argv[0]->data;
    switch ((shoal_func)ns->e->func) {
    case SHOAL_FUNC_SUBSTRING: {
        const int64_t *start = argv[1]->data, *len = ns->nargs > 2 ? argv[2]->data : NULL;
        bool negative = false;
        shoal_string *o = out->data;
        VALID_ROWS(sel, n, valid, r, {
            int64_t from = start[r], to = INT64_MAX;
            if (len) {
                if (len[r] < 0) { negative = true; break; }
                if (__builtin_add_overflow(from, len[r], &to)) to = INT64_MAX;
            }
            if (from < 1) from = 1;
            shoal_string res = {s[r].ptr, 0};
            if (to > from) {
                uint32_t b0 = shoal_utf8_offset(s[r].ptr, s[r].len, (uint64_t)(from - 1));
                uint32_t b1 = to == INT64_MAX ? s[r].len
                                              : b0 + shoal_utf8_offset(s[r].ptr + b0, s[r].len - b0, (uint64_t)(to - from));
                if (b0 > 0) res.ptr = s[r].ptr + b0;
                res.len = b1 - b0;
            }
            o[r] = res;
        });
        if (negative) return fail(err, "22011", "negative substring length not allowed");
        return true;
    }
    case SHOAL_FUNC_UPPER:
    case SHOAL_FUNC_LOWER: {
        bool upper = ns->e->func == SHOAL_FUNC_UPPER;
        shoal_string *o = out->data;
        VALID_ROWS(sel, n, valid, r, {
            char *p = shoal_arena_alloc(&out->heap, s[r].len ? s[r].len : 1);
            for (uint32_t i = 0; i < s[r].len; i++) {
                char c = s[r].ptr[i];
                if (upper && c >= 'a' && c <= 'z') c = (char)(c - 32);
                else if (!upper && c >= 'A' && c <= 'Z') c = (char)(c + 32);
                p[i] = c;
            }
            o[r] = (shoal_string){p, s[r].len};
        });
        return true;
    }
    case SHOAL_FUNC_LENGTH: {
        bool ok = true;
        VALID_ROWS(sel, n, valid, r, {
            if (!store_int(out, r, shoal_utf8_length(s[r].ptr, s[r].len))) {
                ok = fail(err, "22003", "%s out of range", shoal_type_sql_name(out->type));
                break;
            }
        });
        return ok;
    }
    case SHOAL_FUNC_TRIM: {
        shoal_string *o = out->data;
        VALID_ROWS(sel, n, valid, r, {
            uint32_t b = 0, e = s[r].len;
            while (b < e && s[r].ptr[b] == ' ') b++;
            while (e > b && s[r].ptr[e - 1] == ' ') e--;
            o[r] = (shoal_string){b ? s[r].ptr + b : s[r].ptr, e - b};
        });
        return true;
    }
    case SHOAL_FUNC_CONCAT: {
        shoal_string *o = out->data;
        int nargs = ns->nargs;
        VALID_ROWS(sel, n, valid, r, {
            uint64_t total = 0;
            for (int k = 0; k < nargs; k++) total += ((const shoal_string *)argv[k]->data)[r].len;
            if (total > UINT32_MAX) total = UINT32_MAX;
            char *p = shoal_arena_alloc(&out->heap, total ? (size_t)total : 1);
            uint32_t at = 0;
            for (int k = 0; k < nargs; k++) {
                shoal_string x = ((const shoal_string *)argv[k]->data)[r];
                uint32_t take = x.len < total - at ? x.len : (uint32_t)(total - at);
                if (take) memcpy(p + at, x.ptr, take);
                at += take;
            }
            o[r] = (shoal_string){p, at};
        });
        return true;
    }
    default: return fail(err, "XX000", "not a string function: %d", ns->e->func);
    }
}

/* ---- ROUND ---- */
static bool eval_round(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    const shoal_vector *a = eval_arg(ns->args[0], in, err), *d = NULL;
    if (!a || (ns->nargs > 1 && !(d = eval_arg(ns->args[1], in, err)))) return false;
    validity_and2(out, a, d, in->count);
    const uint32_t *sel = in->sel;
    uint32_t n = shoal_batch_rows(in);
    const uint64_t *valid = out->validity;
    const int64_t *digits = d ? d->data : NULL;
    tclass oc = type_class(out->type);
    bool ok = true;
    if (oc == C_FLT) {
        bool f32 = phys(out->type) == SHOAL_PHYS_F32;
        VALID_ROWS(sel, n, valid, r, {
            double x = f32 ? ((const float *)a->data)[r] : ((const double *)a->data)[r];
            int64_t k = digits ? digits[r] : 0;
            double y;
            if (k == 0) y = round(x);
            else if (k > 300 || k < -300) y = k > 0 ? x : 0;
            else {
                double p = pow(10, (double)k);
                y = round(x * p) / p;
                if (!isfinite(y)) y = x;
            }
            if (f32) ((float *)out->data)[r] = (float)y;
            else ((double *)out->data)[r] = y;
        });
        return true;
    }
    /* exact: the value at scale sa rounded to k digits, then put at the output scale */
    int sa = type_scale(a->type), rs = type_scale(out->type);
    shoal_physical ap = phys(a->type);
    VALID_ROWS(sel, n, valid, r, {
        shoal_int128 v;
        switch (ap) {
        case SHOAL_PHYS_I16: v = ((const int16_t *)a->data)[r]; break;
        case SHOAL_PHYS_I32: v = ((const int32_t *)a->data)[r]; break;
        case SHOAL_PHYS_I64: v = ((const int64_t *)a->data)[r]; break;
        default: v = ((const shoal_int128 *)a->data)[r]; break;
        }
        int64_t k = digits ? digits[r] : 0;
        int at = sa; /* the scale of v */
        if (k < sa) { /* round away the digits beyond k */
            int64_t shift = (int64_t)sa - k;
            if (shift > 38) {
                v = 0;
                at = rs;
            } else {
                v = div_round_i128(v, pow10_i128((int)shift));
                at = (int)k;
            }
        }
        shoal_int128 w = 0;
        bool fits;
        if (at >= rs) fits = rescale_i128(v, at, rs, &w);
        else if (rs - at > 38) fits = v == 0;
        else fits = !__builtin_mul_overflow(v, pow10_i128(rs - at), &w);
        if (fits) fits = oc == C_DEC ? store_decimal(out, r, w) : store_int(out, r, w);
        if (!fits) {
            if (oc == C_DEC) ok = fail(err, "22003", "numeric field overflow");
            else ok = fail(err, "22003", "%s out of range", shoal_type_sql_name(out->type));
            break;
        }
    });
    return ok;
}

/* ---- dispatch ---- */
static bool eval_func(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    switch ((shoal_func)ns->e->func) {
    case SHOAL_FUNC_ADD: case SHOAL_FUNC_SUB: case SHOAL_FUNC_MUL: case SHOAL_FUNC_DIV:
    case SHOAL_FUNC_MOD: case SHOAL_FUNC_NEG: case SHOAL_FUNC_ABS:
        return eval_arith(ns, in, out, err);
    case SHOAL_FUNC_EQ: case SHOAL_FUNC_NE: case SHOAL_FUNC_LT:
    case SHOAL_FUNC_LE: case SHOAL_FUNC_GT: case SHOAL_FUNC_GE:
        return eval_compare(ns, in, out, err);
    case SHOAL_FUNC_DATE_ADD_DAYS: case SHOAL_FUNC_DATE_SUB_DAYS: case SHOAL_FUNC_DATE_DIFF_DAYS:
    case SHOAL_FUNC_DATE_ADD_INTERVAL:
        return eval_date_func(ns, in, out, err);
    case SHOAL_FUNC_EXTRACT: return eval_extract(ns, in, out, err);
    case SHOAL_FUNC_SUBSTRING: case SHOAL_FUNC_CONCAT: case SHOAL_FUNC_UPPER:
    case SHOAL_FUNC_LOWER: case SHOAL_FUNC_LENGTH: case SHOAL_FUNC_TRIM:
        return eval_string_func(ns, in, out, err);
    case SHOAL_FUNC_ROUND: return eval_round(ns, in, out, err);
    case SHOAL_FUNC_COALESCE: return eval_coalesce(ns, in, out, err);
    default:
        if (shoal_eval_funcs_handles(ns->e->func)) return shoal_eval_funcs_eval(ns, in, out, err); /* expr_eval_funcs.c */
        return fail(err, "XX000", "unknown function %d", ns->e->func);
    }
}

static bool eval_into(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    prepare(out, ns->e->type, in->count);
    switch ((shoal_expr_kind)ns->e->kind) {
    case SHOAL_EXPR_COLUMN: {
        if (!check_column(ns, in, err)) return false;
        const shoal_vector *c = &in->columns[ns->e->column];
        copy_selected(out, c, in->sel, shoal_batch_rows(in));
        validity_and2(out, c, NULL, in->count);
        return true;
    }
    case SHOAL_EXPR_CONST: {
        const shoal_vector *c = const_vector(ns, in->count);
        copy_selected(out, c, in->sel, shoal_batch_rows(in));
        validity_and2(out, c, NULL, in->count);
        return true;
    }
    case SHOAL_EXPR_FUNC: return eval_func(ns, in, out, err);
    case SHOAL_EXPR_AND:
    case SHOAL_EXPR_OR: return eval_and_or(ns, in, out, err);
    case SHOAL_EXPR_NOT: return eval_not(ns, in, out, err);
    case SHOAL_EXPR_IS_NULL: return eval_is_null(ns, in, out, err);
    case SHOAL_EXPR_IN_LIST: return eval_in(ns, in, out, err);
    case SHOAL_EXPR_CASE: return eval_case(ns, in, out, err);
    case SHOAL_EXPR_CAST: return eval_cast(ns, in, out, err);
    case SHOAL_EXPR_LIKE: return eval_like(ns, in, out, err);
    }
    return fail(err, "XX000", "unknown expression kind %d", ns->e->kind);
}

static const shoal_vector *eval_arg(node_state *ns, const shoal_batch *in, shoal_eval_error *err)
{
    if (ns->e->kind == SHOAL_EXPR_COLUMN) return check_column(ns, in, err) ? &in->columns[ns->e->column] : NULL;
    if (ns->e->kind == SHOAL_EXPR_CONST) return const_vector(ns, in->count);
    return eval_into(ns, in, &ns->result, err) ? &ns->result : NULL;
}

static bool state_ok(const shoal_expr_state *st, shoal_eval_error *err)
{
    if (st->root) return true;
    return fail(err, st->invalid_state[0] ? st->invalid_state : "XX000", "%s",
                st->invalid[0] ? st->invalid : "invalid expression");
}

bool shoal_expr_eval(shoal_expr_state *st, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err)
{
    if (!state_ok(st, err)) return false;
    return eval_into(st->root, in, out, err);
}

/* ================================ filtering ================================ */

static void ensure_selection(shoal_batch *in)
{
    uint32_t need = in->count ? in->count : 1;
    if (!in->sel || in->sel_capacity < need) {
        free(in->sel);
        in->sel = shoal_xmalloc((size_t)need * sizeof(uint32_t));
        in->sel_capacity = need;
    }
}

static bool filter_node(node_state *ns, shoal_batch *in, shoal_eval_error *err)
{
    const shoal_expr *e = ns->e;
    if (e->kind == SHOAL_EXPR_AND) { /* successive narrowing */
        for (int i = 0; i < ns->nargs; i++) {
            if (!filter_node(ns->args[i], in, err)) return false;
            if (in->sel && in->sel_count == 0) break;
        }
        return true;
    }
    if (ns->simd_width && ns->simd_column < in->column_count) {
        const shoal_vector *c = &in->columns[ns->simd_column];
        shoal_physical p = phys(c->type);
        if (p == phys(ns->simd_type) && type_scale(c->type) == type_scale(ns->simd_type)) {
            if (!in->sel) {
                uint32_t count = in->count;
                ensure_selection(in);
                in->sel_count = p == SHOAL_PHYS_I32
                                    ? kernel_filter_dense_i32(ns->simd_op, c->data, count, c->validity, (int32_t)ns->simd_const, in->sel)
                                    : kernel_filter_dense_i64(ns->simd_op, c->data, count, c->validity, ns->simd_const, in->sel);
            } else {
                in->sel_count = p == SHOAL_PHYS_I32
                                    ? kernel_filter_sel_i32(ns->simd_op, c->data, in->sel, in->sel_count, c->validity, (int32_t)ns->simd_const)
                                    : kernel_filter_sel_i64(ns->simd_op, c->data, in->sel, in->sel_count, c->validity, ns->simd_const);
            }
            return true;
        }
    }
    const shoal_vector *v = eval_arg(ns, in, err);
    if (!v) return false;
    if (!in->sel) {
        uint32_t count = in->count;
        ensure_selection(in);
        in->sel_count = kernel_sel_true(v->data, v->validity, NULL, count, in->sel);
    } else {
        in->sel_count = kernel_sel_true(v->data, v->validity, in->sel, in->sel_count, in->sel);
    }
    return true;
}

bool shoal_expr_filter(shoal_expr_state *st, shoal_batch *in, shoal_eval_error *err)
{
    if (!state_ok(st, err)) return false;
    if (st->root->e->type.id != SHOAL_TYPE_BOOLEAN) return fail(err, "42804", "a filter must be BOOLEAN");
    return filter_node(st->root, in, err);
}

/* ================================ for expr_eval_funcs.c ================================ */
/* (declared in expr_eval_internal.h) */

const shoal_expr *shoal_eval_node_expr(const node_state *ns) { return ns->e; }
int shoal_eval_node_nargs(const node_state *ns) { return ns->nargs; }
node_state *shoal_eval_node_arg(const node_state *ns, int i) { return ns->args[i]; }
const shoal_vector *shoal_eval_arg(node_state *arg, const shoal_batch *in, shoal_eval_error *err) { return eval_arg(arg, in, err); }
void *shoal_eval_scratch(node_state *ns, int which, size_t bytes) { return scratch(ns, which, bytes); }
uint32_t *shoal_eval_sel_scratch(node_state *ns, int which, uint32_t count) { return sel_scratch(ns, which, count); }
shoal_expr *shoal_eval_cast(shoal_expr_state *st, shoal_expr *arg, shoal_type to) { return make_cast(st, arg, to); }
void shoal_eval_set_invalid(shoal_expr_state *st, const char *sqlstate, const char *message) { set_invalid(st, sqlstate, "%s", message); }
bool shoal_eval_is_invalid(const shoal_expr_state *st) { return st->invalid[0] != 0; }
