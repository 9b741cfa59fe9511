/* Expression trees: building nodes in an arena (planner side), shipping them between ranks
 * (serialize / bounds-checked deserialize, exact round trip including every constant type),
 * and the readable form EXPLAIN prints. Evaluation lives in expr_eval.c. */
#include "engine/exec/expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EXPR_MAX_DEPTH 1000
/* Smallest serialized node: kind, type (7), column, func, field, flags, arg count. */
#define EXPR_MIN_NODE_BYTES (1 + 7 + 4 + 4 + 1 + 1 + 4)

/* ---------------------------------- building ---------------------------------- */

static shoal_expr *new_node(shoal_arena *a, shoal_expr_kind kind, shoal_type type)
{
    shoal_expr *e = shoal_arena_alloc(a, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->type = type;
    return e;
}

shoal_expr *shoal_expr_column(shoal_arena *a, int column, shoal_type type)
{
    shoal_expr *e = new_node(a, SHOAL_EXPR_COLUMN, type);
    e->column = column;
    return e;
}

shoal_expr *shoal_expr_const(shoal_arena *a, shoal_value value)
{
    shoal_expr *e = new_node(a, SHOAL_EXPR_CONST, value.type);
    if (!value.is_null && shoal_type_is_string(value.type) && value.v.str.len > 0) {
        char *copy = shoal_arena_alloc(a, value.v.str.len);
        memcpy(copy, value.v.str.ptr, value.v.str.len);
        value.v.str.ptr = copy;
    }
    e->constant = value;
    return e;
}

shoal_expr *shoal_expr_node(shoal_arena *a, shoal_expr_kind kind, shoal_type type, int arg_count, shoal_expr **args)
{
    shoal_expr *e = new_node(a, kind, type);
    e->arg_count = arg_count;
    if (arg_count > 0) {
        e->args = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)arg_count);
        memcpy(e->args, args, sizeof(shoal_expr *) * (size_t)arg_count);
    }
    return e;
}

shoal_expr *shoal_expr_func(shoal_arena *a, shoal_func func, shoal_type type, int arg_count, shoal_expr **args)
{
    shoal_expr *e = shoal_expr_node(a, SHOAL_EXPR_FUNC, type, arg_count, args);
    e->func = (uint16_t)func;
    return e;
}

/* -------------------------------- serialization --------------------------------
 * Node: u8 kind, type, i32 column, u32 func, u8 extract_field, u8 flags (negated,
 * case_insensitive, has_else), [value when CONST], i32 arg_count, args in order.
 * Type: u8 id, u8 precision, u8 scale, u32 length. Value: type, u8 is_null, then by layout:
 * i64 (integer-backed), 2 x u64 (int128, low first), f64 (REAL/DOUBLE), blob (strings). */

static void put_type(shoal_writer *w, shoal_type t)
{
    shoal_put_u8(w, t.id);
    shoal_put_u8(w, t.precision);
    shoal_put_u8(w, t.scale);
    shoal_put_u32(w, t.length);
}

static void put_value(shoal_writer *w, const shoal_value *v)
{
    put_type(w, v->type);
    shoal_put_u8(w, v->is_null);
    if (v->is_null) return;
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_I128: {
        unsigned __int128 u = (unsigned __int128)v->v.i128;
        shoal_put_u64(w, (uint64_t)u);
        shoal_put_u64(w, (uint64_t)(u >> 64));
        break;
    }
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: shoal_put_f64(w, v->v.f64); break;
    case SHOAL_PHYS_STRING: shoal_put_blob(w, v->v.str.ptr, v->v.str.len); break;
    default: shoal_put_i64(w, v->v.i64); break;
    }
}

void shoal_expr_serialize(const shoal_expr *e, shoal_writer *w)
{
    shoal_put_u8(w, e->kind);
    put_type(w, e->type);
    shoal_put_i32(w, e->column);
    shoal_put_u32(w, e->func);
    shoal_put_u8(w, e->extract_field);
    shoal_put_u8(w, (uint8_t)((e->negated ? 1 : 0) | (e->case_insensitive ? 2 : 0) | (e->has_else ? 4 : 0)));
    if (e->kind == SHOAL_EXPR_CONST) put_value(w, &e->constant);
    shoal_put_i32(w, e->arg_count);
    for (int i = 0; i < e->arg_count; i++) shoal_expr_serialize(e->args[i], w);
}

static bool get_type(shoal_reader *r, shoal_type *t)
{
    memset(t, 0, sizeof *t);
    t->id = shoal_get_u8(r);
    t->precision = shoal_get_u8(r);
    t->scale = shoal_get_u8(r);
    t->length = shoal_get_u32(r);
    if (r->failed || t->id <= SHOAL_TYPE_INVALID || t->id >= SHOAL_TYPE_COUNT) return false;
    if (t->id == SHOAL_TYPE_DECIMAL &&
        (t->precision < 1 || t->precision > SHOAL_DECIMAL_MAX_PRECISION || t->scale > t->precision))
        return false;
    return true;
}

static bool get_value(shoal_reader *r, shoal_arena *a, shoal_value *v)
{
    memset(v, 0, sizeof *v);
    if (!get_type(r, &v->type)) return false;
    uint8_t is_null = shoal_get_u8(r);
    if (r->failed || is_null > 1) return false;
    v->is_null = is_null;
    if (v->is_null) return true;
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_I128: {
        uint64_t lo = shoal_get_u64(r), hi = shoal_get_u64(r);
        v->v.i128 = (shoal_int128)(((unsigned __int128)hi << 64) | lo);
        break;
    }
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: v->v.f64 = shoal_get_f64(r); break;
    case SHOAL_PHYS_STRING: {
        uint32_t n = 0;
        const void *bytes = shoal_get_blob(r, &n);
        if (r->failed || (n > 0 && !bytes)) return false;
        char *copy = NULL;
        if (n > 0) {
            copy = shoal_arena_alloc(a, n);
            memcpy(copy, bytes, n);
        }
        v->v.str.ptr = copy;
        v->v.str.len = n;
        break;
    }
    default: v->v.i64 = shoal_get_i64(r); break;
    }
    return !r->failed;
}

/* The units DATE_TRUNC, DATEADD and DATEDIFF take (not DOW, DOY or EPOCH). */
static bool date_unit_ok(int unit)
{
    return unit >= SHOAL_EXTRACT_YEAR && unit <= SHOAL_EXTRACT_MILLENNIUM && unit != SHOAL_EXTRACT_DOW &&
           unit != SHOAL_EXTRACT_DOY && unit != SHOAL_EXTRACT_EPOCH;
}

/* Argument counts each kind and function accepts (the evaluator relies on them). */
static bool arity_ok(const shoal_expr *e)
{
    int n = e->arg_count;
    switch ((shoal_expr_kind)e->kind) {
    case SHOAL_EXPR_COLUMN: return n == 0 && e->column >= 0;
    case SHOAL_EXPR_CONST: return n == 0;
    case SHOAL_EXPR_AND:
    case SHOAL_EXPR_OR: return n >= 1;
    case SHOAL_EXPR_NOT:
    case SHOAL_EXPR_IS_NULL:
    case SHOAL_EXPR_CAST: return n == 1;
    case SHOAL_EXPR_IN_LIST: return n >= 2;
    case SHOAL_EXPR_CASE: return n >= 2 && (e->has_else ? n % 2 == 1 : n % 2 == 0);
    case SHOAL_EXPR_LIKE: return n == 2;
    case SHOAL_EXPR_FUNC:
        switch ((shoal_func)e->func) {
        case SHOAL_FUNC_NEG:
        case SHOAL_FUNC_UPPER:
        case SHOAL_FUNC_LOWER:
        case SHOAL_FUNC_LENGTH:
        case SHOAL_FUNC_TRIM:
        case SHOAL_FUNC_ABS: return n == 1;
        case SHOAL_FUNC_EXTRACT:
            return n == 1 && e->extract_field >= SHOAL_EXTRACT_YEAR && e->extract_field <= SHOAL_EXTRACT_EPOCH;
        case SHOAL_FUNC_DATE_ADD_INTERVAL: return n == 4;
        case SHOAL_FUNC_SUBSTRING: return n == 2 || n == 3;
        case SHOAL_FUNC_ROUND: return n == 1 || n == 2;
        case SHOAL_FUNC_CONCAT: return n >= 2;
        case SHOAL_FUNC_COALESCE: return n >= 1;
        case SHOAL_FUNC_NULLIF: return n == 2;
        case SHOAL_FUNC_DECODE: return n >= 3;
        case SHOAL_FUNC_GREATEST:
        case SHOAL_FUNC_LEAST: return n >= 1;
        case SHOAL_FUNC_NVL2: return n == 3;
        case SHOAL_FUNC_TRUNC: return n == 1 || n == 2;
        case SHOAL_FUNC_CEIL:
        case SHOAL_FUNC_FLOOR:
        case SHOAL_FUNC_SQRT:
        case SHOAL_FUNC_SIGN:
        case SHOAL_FUNC_REVERSE:
        case SHOAL_FUNC_INITCAP:
        case SHOAL_FUNC_CHR:
        case SHOAL_FUNC_ASCII:
        case SHOAL_FUNC_LAST_DAY: return n == 1;
        case SHOAL_FUNC_LTRIM:
        case SHOAL_FUNC_RTRIM:
        case SHOAL_FUNC_BTRIM: return n == 1 || n == 2;
        case SHOAL_FUNC_LPAD:
        case SHOAL_FUNC_RPAD: return n == 2 || n == 3;
        case SHOAL_FUNC_REPLACE:
        case SHOAL_FUNC_SPLIT_PART: return n == 3;
        case SHOAL_FUNC_TO_DATE: return n == 2 || n == 3;
        case SHOAL_FUNC_DATE_TRUNC: return n == 1 && date_unit_ok(e->extract_field);
        case SHOAL_FUNC_DATEADD:
        case SHOAL_FUNC_DATEDIFF: return n == 2 && date_unit_ok(e->extract_field);
        case SHOAL_FUNC_COUNT_: return false;
        default: return e->func >= SHOAL_FUNC_ADD && e->func < SHOAL_FUNC_COUNT_ && n == 2;
        }
    }
    return false;
}

static shoal_expr *deserialize(shoal_reader *r, shoal_arena *a, int depth)
{
    if (depth > EXPR_MAX_DEPTH) return NULL;
    shoal_expr *e = shoal_arena_alloc(a, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = shoal_get_u8(r);
    if (r->failed || e->kind < SHOAL_EXPR_COLUMN || e->kind > SHOAL_EXPR_LIKE) return NULL;
    if (!get_type(r, &e->type)) return NULL;
    e->column = shoal_get_i32(r);
    uint32_t func = shoal_get_u32(r);
    e->extract_field = shoal_get_u8(r);
    uint8_t flags = shoal_get_u8(r);
    if (r->failed || func > UINT16_MAX || flags > 7) return NULL;
    e->func = (uint16_t)func;
    e->negated = flags & 1;
    e->case_insensitive = (flags & 2) != 0;
    e->has_else = (flags & 4) != 0;
    if (e->kind == SHOAL_EXPR_CONST && !get_value(r, a, &e->constant)) return NULL;
    e->arg_count = shoal_get_i32(r);
    if (r->failed || e->arg_count < 0 || (size_t)e->arg_count > (r->len - r->pos) / EXPR_MIN_NODE_BYTES)
        return NULL;
    if (!arity_ok(e)) return NULL;
    if (e->arg_count > 0) {
        e->args = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)e->arg_count);
        for (int i = 0; i < e->arg_count; i++) {
            e->args[i] = deserialize(r, a, depth + 1);
            if (!e->args[i]) return NULL;
        }
    }
    return e;
}

shoal_expr *shoal_expr_deserialize(shoal_reader *r, shoal_arena *a)
{
    shoal_expr *e = deserialize(r, a, 0);
    if (!e) r->failed = true;
    return e;
}

/* ---------------------------------- to_string ---------------------------------- */

typedef struct text {
    char *buf;
    size_t size, len; /* len may exceed size - 1 once truncated; the text stays terminated */
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    if (t->size == 0) return;
    size_t room = t->len < t->size ? t->size - t->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
}

static void add_value(text *t, const shoal_value *v)
{
    if (v->is_null) {
        add(t, "NULL");
        return;
    }
    char buf[64];
    switch ((shoal_type_id)v->type.id) {
    case SHOAL_TYPE_BOOLEAN: add(t, "%s", v->v.i64 ? "TRUE" : "FALSE"); break;
    case SHOAL_TYPE_DECIMAL:
        shoal_format_decimal(shoal_type_physical(v->type) == SHOAL_PHYS_I128 ? v->v.i128 : v->v.i64,
                             v->type.scale, buf);
        add(t, "%s", buf);
        break;
    case SHOAL_TYPE_REAL:
    case SHOAL_TYPE_DOUBLE:
        shoal_format_double(v->v.f64, buf);
        add(t, "%s", buf);
        break;
    case SHOAL_TYPE_DATE:
        /* the calendar's range (-4713-01-01 .. 294276-12-31); beyond it, the day number */
        if (v->v.i64 < -2440915 || v->v.i64 > 106762939) {
            add(t, "DATE(%lld)", (long long)v->v.i64);
            break;
        }
        shoal_format_date((int32_t)v->v.i64, buf);
        add(t, "DATE '%s'", buf);
        break;
    case SHOAL_TYPE_TIMESTAMP:
        if (v->v.i64 < -2440915 * 86400000000LL) { /* every later int64 is inside the calendar */
            add(t, "TIMESTAMP(%lld)", (long long)v->v.i64);
            break;
        }
        shoal_format_timestamp(v->v.i64, buf);
        add(t, "TIMESTAMP '%s'", buf);
        break;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR:
        add(t, "'");
        for (uint32_t i = 0; i < v->v.str.len; i++) {
            char c = v->v.str.ptr[i];
            if (c == '\'') add(t, "''");
            else add(t, "%c", c);
        }
        add(t, "'");
        break;
    default:
        shoal_format_int64(v->v.i64, buf);
        add(t, "%s", buf);
        break;
    }
}

static const char *func_symbol(shoal_func f)
{
    switch (f) {
    case SHOAL_FUNC_ADD: case SHOAL_FUNC_DATE_ADD_DAYS: return "+";
    case SHOAL_FUNC_SUB: case SHOAL_FUNC_DATE_SUB_DAYS: case SHOAL_FUNC_DATE_DIFF_DAYS: return "-";
    case SHOAL_FUNC_MUL: return "*";
    case SHOAL_FUNC_DIV: return "/";
    case SHOAL_FUNC_MOD: return "%";
    case SHOAL_FUNC_EQ: return "=";
    case SHOAL_FUNC_NE: return "<>";
    case SHOAL_FUNC_LT: return "<";
    case SHOAL_FUNC_LE: return "<=";
    case SHOAL_FUNC_GT: return ">";
    case SHOAL_FUNC_GE: return ">=";
    case SHOAL_FUNC_CONCAT: return "||";
    default: return NULL;
    }
}

static const char *func_name(shoal_func f)
{
    switch (f) {
    case SHOAL_FUNC_SUBSTRING: return "SUBSTRING";
    case SHOAL_FUNC_UPPER: return "UPPER";
    case SHOAL_FUNC_LOWER: return "LOWER";
    case SHOAL_FUNC_LENGTH: return "LENGTH";
    case SHOAL_FUNC_TRIM: return "TRIM";
    case SHOAL_FUNC_ABS: return "ABS";
    case SHOAL_FUNC_ROUND: return "ROUND";
    case SHOAL_FUNC_COALESCE: return "COALESCE";
    case SHOAL_FUNC_DATE_ADD_INTERVAL: return "DATE_ADD_INTERVAL";
    case SHOAL_FUNC_NULLIF: return "NULLIF";
    case SHOAL_FUNC_DECODE: return "DECODE";
    case SHOAL_FUNC_GREATEST: return "GREATEST";
    case SHOAL_FUNC_LEAST: return "LEAST";
    case SHOAL_FUNC_NVL2: return "NVL2";
    case SHOAL_FUNC_TRUNC: return "TRUNC";
    case SHOAL_FUNC_CEIL: return "CEIL";
    case SHOAL_FUNC_FLOOR: return "FLOOR";
    case SHOAL_FUNC_POWER: return "POWER";
    case SHOAL_FUNC_SQRT: return "SQRT";
    case SHOAL_FUNC_SIGN: return "SIGN";
    case SHOAL_FUNC_POSITION: return "POSITION";
    case SHOAL_FUNC_LEFT: return "LEFT";
    case SHOAL_FUNC_RIGHT: return "RIGHT";
    case SHOAL_FUNC_REPLACE: return "REPLACE";
    case SHOAL_FUNC_SPLIT_PART: return "SPLIT_PART";
    case SHOAL_FUNC_LTRIM: return "LTRIM";
    case SHOAL_FUNC_RTRIM: return "RTRIM";
    case SHOAL_FUNC_BTRIM: return "BTRIM";
    case SHOAL_FUNC_LPAD: return "LPAD";
    case SHOAL_FUNC_RPAD: return "RPAD";
    case SHOAL_FUNC_REVERSE: return "REVERSE";
    case SHOAL_FUNC_REPEAT: return "REPEAT";
    case SHOAL_FUNC_INITCAP: return "INITCAP";
    case SHOAL_FUNC_CHR: return "CHR";
    case SHOAL_FUNC_ASCII: return "ASCII";
    case SHOAL_FUNC_DATE_TRUNC: return "DATE_TRUNC";
    case SHOAL_FUNC_DATEADD: return "DATEADD";
    case SHOAL_FUNC_DATEDIFF: return "DATEDIFF";
    case SHOAL_FUNC_ADD_MONTHS: return "ADD_MONTHS";
    case SHOAL_FUNC_LAST_DAY: return "LAST_DAY";
    case SHOAL_FUNC_TO_CHAR: return "TO_CHAR";
    case SHOAL_FUNC_TO_DATE: return "TO_DATE";
    case SHOAL_FUNC_TO_TIMESTAMP: return "TO_TIMESTAMP";
    default: return "FUNC";
    }
}

static const char *extract_name(int field)
{
    static const char *const names[] = {"?", "YEAR", "QUARTER", "MONTH", "DAY", "DOW", "DOY", "HOUR", "MINUTE",
                                        "SECOND", "EPOCH", "WEEK", "MILLISECOND", "MICROSECOND", "DECADE",
                                        "CENTURY", "MILLENNIUM"};
    return field >= SHOAL_EXTRACT_YEAR && field <= SHOAL_EXTRACT_MILLENNIUM ? names[field] : "?";
}

static void add_expr(text *t, const shoal_expr *e, int depth);

static void add_args(text *t, const shoal_expr *e, int from, const char *sep, int depth)
{
    for (int i = from; i < e->arg_count; i++) {
        if (i > from) add(t, "%s", sep);
        add_expr(t, e->args[i], depth + 1);
    }
}

static bool const_i64(const shoal_expr *e, int64_t *v)
{
    if (e->kind != SHOAL_EXPR_CONST || e->constant.is_null || shoal_type_physical(e->type) == SHOAL_PHYS_STRING ||
        shoal_type_physical(e->type) == SHOAL_PHYS_F64 || shoal_type_physical(e->type) == SHOAL_PHYS_F32 ||
        shoal_type_physical(e->type) == SHOAL_PHYS_I128)
        return false;
    *v = e->constant.v.i64;
    return true;
}

static void add_expr(text *t, const shoal_expr *e, int depth)
{
    if (depth > EXPR_MAX_DEPTH) {
        add(t, "...");
        return;
    }
    char type_name[48];
    switch ((shoal_expr_kind)e->kind) {
    case SHOAL_EXPR_COLUMN: add(t, "#%d", e->column); return;
    case SHOAL_EXPR_CONST: add_value(t, &e->constant); return;
    case SHOAL_EXPR_AND:
    case SHOAL_EXPR_OR:
        add(t, "(");
        add_args(t, e, 0, e->kind == SHOAL_EXPR_AND ? " AND " : " OR ", depth);
        add(t, ")");
        return;
    case SHOAL_EXPR_NOT:
        add(t, "(NOT ");
        add_args(t, e, 0, "", depth);
        add(t, ")");
        return;
    case SHOAL_EXPR_IS_NULL:
        add(t, "(");
        add_args(t, e, 0, "", depth);
        add(t, e->negated ? " IS NOT NULL)" : " IS NULL)");
        return;
    case SHOAL_EXPR_IN_LIST:
        add(t, "(");
        add_expr(t, e->args[0], depth + 1);
        add(t, e->negated ? " NOT IN (" : " IN (");
        add_args(t, e, 1, ", ", depth);
        add(t, "))");
        return;
    case SHOAL_EXPR_CASE: {
        add(t, "CASE");
        int pairs = e->arg_count / 2;
        for (int i = 0; i < pairs; i++) {
            add(t, " WHEN ");
            add_expr(t, e->args[2 * i], depth + 1);
            add(t, " THEN ");
            add_expr(t, e->args[2 * i + 1], depth + 1);
        }
        if (e->has_else && e->arg_count > 0) {
            add(t, " ELSE ");
            add_expr(t, e->args[e->arg_count - 1], depth + 1);
        }
        add(t, " END");
        return;
    }
    case SHOAL_EXPR_CAST:
        shoal_type_name(e->type, type_name, sizeof type_name);
        add(t, "CAST(");
        add_args(t, e, 0, "", depth);
        add(t, " AS %s)", type_name);
        return;
    case SHOAL_EXPR_LIKE:
        add(t, "(");
        if (e->arg_count > 0) add_expr(t, e->args[0], depth + 1);
        add(t, "%s%s ", e->negated ? " NOT" : "", e->case_insensitive ? " ILIKE" : " LIKE");
        if (e->arg_count > 1) add_expr(t, e->args[1], depth + 1);
        add(t, ")");
        return;
    case SHOAL_EXPR_FUNC: break;
    default: add(t, "?kind%d", e->kind); return;
    }
    shoal_func f = (shoal_func)e->func;
    const char *sym = func_symbol(f);
    if (f == SHOAL_FUNC_NEG && e->arg_count == 1) {
        add(t, "(- ");
        add_expr(t, e->args[0], depth + 1);
        add(t, ")");
    } else if (sym && e->arg_count >= 2) {
        add(t, "(");
        char sep[8];
        snprintf(sep, sizeof sep, " %s ", sym);
        add_args(t, e, 0, sep, depth);
        add(t, ")");
    } else if (f == SHOAL_FUNC_EXTRACT && e->arg_count == 1) {
        add(t, "EXTRACT(%s FROM ", extract_name(e->extract_field));
        add_expr(t, e->args[0], depth + 1);
        add(t, ")");
    } else if ((f == SHOAL_FUNC_DATE_TRUNC || f == SHOAL_FUNC_DATEADD || f == SHOAL_FUNC_DATEDIFF) && e->arg_count >= 1) {
        add(t, "%s(%s, ", func_name(f), extract_name(e->extract_field));
        add_args(t, e, 0, ", ", depth);
        add(t, ")");
    } else if (f == SHOAL_FUNC_DATE_ADD_INTERVAL && e->arg_count == 4) {
        int64_t m, d, us;
        if (const_i64(e->args[1], &m) && const_i64(e->args[2], &d) && const_i64(e->args[3], &us)) {
            add(t, "(");
            add_expr(t, e->args[0], depth + 1);
            add(t, " + INTERVAL '");
            const char *sep = "";
            if (m) { add(t, "%lld months", (long long)m); sep = " "; }
            if (d) { add(t, "%s%lld days", sep, (long long)d); sep = " "; }
            if (us || (!m && !d)) add(t, "%s%lld microseconds", sep, (long long)us);
            add(t, "')");
        } else {
            add(t, "DATE_ADD_INTERVAL(");
            add_args(t, e, 0, ", ", depth);
            add(t, ")");
        }
    } else {
        add(t, "%s(", func_name(f));
        add_args(t, e, 0, ", ", depth);
        add(t, ")");
    }
}

void shoal_expr_to_string(const shoal_expr *e, char *buf, size_t size)
{
    text t = {buf, size, 0};
    if (size == 0) return;
    buf[0] = '\0';
    add_expr(&t, e, 0);
}
