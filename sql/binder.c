/* Expression binding: names, types, casts, constant folding (see binder.h). */
#include "sql/binder.h"
#include "engine/exec/expr.h"
#include "runtime/memory.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void shoal_binder_init(shoal_binder *b, shoal_arena *arena, const char *sql, shoal_error *err)
{
    memset(b, 0, sizeof *b);
    b->arena = arena;
    b->sql = sql;
    b->err = err;
}

void *shoal_bind_error(shoal_binder *b, shoal_location loc, const char *sqlstate, const char *fmt, ...)
{
    if (b->failed) return NULL;
    b->failed = true;
    if (b->quiet) return NULL;
    char text[SHOAL_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (loc.line > 0) shoal_error_set(b->err, -1, sqlstate, "%s (line %d, column %d)", text, loc.line, loc.column);
    else shoal_error_set(b->err, -1, sqlstate, "%s", text);
    return NULL;
}

shoal_type shoal_bind_type(const shoal_ast_type_name *t)
{
    switch (t->kind) {
    case SHOAL_AST_TYPE_SMALLINT: return shoal_type_make(SHOAL_TYPE_SMALLINT);
    case SHOAL_AST_TYPE_INTEGER: return shoal_type_make(SHOAL_TYPE_INTEGER);
    case SHOAL_AST_TYPE_BIGINT: return shoal_type_make(SHOAL_TYPE_BIGINT);
    case SHOAL_AST_TYPE_DECIMAL: return shoal_type_decimal(t->precision, t->scale);
    case SHOAL_AST_TYPE_REAL: return shoal_type_make(SHOAL_TYPE_REAL);
    case SHOAL_AST_TYPE_DOUBLE: return shoal_type_make(SHOAL_TYPE_DOUBLE);
    case SHOAL_AST_TYPE_BOOLEAN: return shoal_type_make(SHOAL_TYPE_BOOLEAN);
    case SHOAL_AST_TYPE_CHAR: return shoal_type_string(SHOAL_TYPE_CHAR, (uint32_t)t->length);
    case SHOAL_AST_TYPE_VARCHAR: return shoal_type_string(SHOAL_TYPE_VARCHAR, (uint32_t)t->length);
    case SHOAL_AST_TYPE_DATE: return shoal_type_make(SHOAL_TYPE_DATE);
    case SHOAL_AST_TYPE_TIMESTAMP: return shoal_type_make(SHOAL_TYPE_TIMESTAMP);
    }
    return shoal_type_make(SHOAL_TYPE_INVALID);
}

static const char *type_text(shoal_type t, char *buf)
{
    shoal_type_name(t, buf, 48);
    return buf;
}

/* ---- constants and folding ---- */

static shoal_expr *const_of(shoal_binder *b, shoal_type t, bool is_null)
{
    shoal_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    v.is_null = is_null;
    return shoal_expr_const(b->arena, v);
}

static bool is_const(const shoal_expr *e) { return e->kind == SHOAL_EXPR_CONST; }
static bool is_null_const(const shoal_expr *e) { return is_const(e) && e->constant.is_null; }

/* Evaluates a node whose arguments are all constants once, on a one-row batch, and returns
 * the constant; on an evaluation error (say 1/0) keeps the node, so the error surfaces at
 * run time as SQL wants, only if the row is ever evaluated. */
static shoal_expr *fold(shoal_binder *b, shoal_expr *e)
{
    for (int i = 0; i < e->arg_count; i++)
        if (!is_const(e->args[i])) return e;
    if (e->type.id == SHOAL_TYPE_INVALID) return e;
    shoal_batch in;
    shoal_batch_init(&in, 0, NULL, 1);
    in.count = 1;
    shoal_vector out;
    shoal_vector_init(&out, e->type, 1);
    shoal_expr_state *st = shoal_expr_state_create(e);
    shoal_eval_error err = {0};
    shoal_expr *result = e;
    if (shoal_expr_eval(st, &in, &out, &err)) {
        shoal_value v;
        memset(&v, 0, sizeof v);
        v.type = e->type;
        v.is_null = shoal_vector_is_null(&out, 0);
        if (!v.is_null) {
            switch (shoal_type_physical(e->type)) {
            case SHOAL_PHYS_STRING: {
                shoal_string s = ((shoal_string *)out.data)[0];
                char *copy = shoal_arena_alloc(b->arena, s.len + 1);
                if (s.len) memcpy(copy, s.ptr, s.len);
                copy[s.len] = '\0';
                v.v.str = (shoal_string){copy, s.len};
                break;
            }
            case SHOAL_PHYS_I128: v.v.i128 = ((shoal_int128 *)out.data)[0]; break;
            case SHOAL_PHYS_F32:
            case SHOAL_PHYS_F64: v.v.f64 = shoal_vector_get_f64(&out, 0); break;
            default: v.v.i64 = shoal_vector_get_i64(&out, 0); break;
            }
        }
        result = shoal_expr_const(b->arena, v);
    }
    shoal_expr_state_free(st);
    shoal_vector_free(&out);
    shoal_batch_free(&in);
    return result;
}

shoal_expr *shoal_bind_cast(shoal_binder *b, shoal_expr *e, shoal_type t)
{
    if (e == NULL) return NULL;
    if (shoal_type_equal(e->type, t)) return e;
    if (is_null_const(e)) return const_of(b, t, true);
    /* a decimal whose precision alone grows keeps its values: only the physical width matters
     * (to a smaller precision the CAST runs, so that values that do not fit fail with 22003) */
    if (e->type.id == SHOAL_TYPE_DECIMAL && t.id == SHOAL_TYPE_DECIMAL && e->type.scale == t.scale &&
        t.precision >= e->type.precision && shoal_type_physical(e->type) == shoal_type_physical(t) &&
        e->kind != SHOAL_EXPR_CONST)
        return e;
    shoal_expr *args[1] = {e};
    return fold(b, shoal_expr_node(b->arena, SHOAL_EXPR_CAST, t, 1, args));
}

/* ---- numeric types ---- */

static bool is_integer(shoal_type t)
{
    return t.id == SHOAL_TYPE_SMALLINT || t.id == SHOAL_TYPE_INTEGER || t.id == SHOAL_TYPE_BIGINT;
}
static bool is_float(shoal_type t) { return t.id == SHOAL_TYPE_REAL || t.id == SHOAL_TYPE_DOUBLE; }
static bool is_numeric(shoal_type t) { return shoal_type_is_numeric(t); }
static bool is_temporal(shoal_type t) { return t.id == SHOAL_TYPE_DATE || t.id == SHOAL_TYPE_TIMESTAMP; }

/* An integer seen as a decimal. */
static shoal_type as_decimal(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_SMALLINT: return shoal_type_decimal(5, 0);
    case SHOAL_TYPE_INTEGER: return shoal_type_decimal(10, 0);
    case SHOAL_TYPE_BIGINT: return shoal_type_decimal(19, 0);
    default: return t;
    }
}

static int cap38(int p) { return p > 38 ? 38 : p; }

/* The type both operands of a comparison (or CASE branches, IN items) convert to. */
static bool common_type(shoal_type a, shoal_type b, shoal_type *out)
{
    if (shoal_type_equal(a, b)) { *out = a; return true; }
    if (a.id == SHOAL_TYPE_INVALID) { *out = b; return true; } /* untyped NULL */
    if (b.id == SHOAL_TYPE_INVALID) { *out = a; return true; }
    if (is_numeric(a) && is_numeric(b)) {
        if (is_float(a) || is_float(b)) { *out = shoal_type_make(SHOAL_TYPE_DOUBLE); return true; }
        if (is_integer(a) && is_integer(b)) { *out = a.id > b.id ? a : b; return true; }
        shoal_type x = as_decimal(a), y = as_decimal(b);
        int s = x.scale > y.scale ? x.scale : y.scale;
        int ip = (x.precision - x.scale) > (y.precision - y.scale) ? x.precision - x.scale : y.precision - y.scale;
        *out = shoal_type_decimal(cap38(ip + s), s);
        return true;
    }
    if (shoal_type_is_string(a) && shoal_type_is_string(b)) {
        *out = shoal_type_string(SHOAL_TYPE_VARCHAR, a.length > b.length ? a.length : b.length);
        return true;
    }
    if (is_temporal(a) && is_temporal(b)) { *out = shoal_type_make(SHOAL_TYPE_TIMESTAMP); return true; }
    if (a.id == SHOAL_TYPE_BOOLEAN && b.id == SHOAL_TYPE_BOOLEAN) { *out = a; return true; }
    return false;
}

/* A string literal meeting a typed operand converts to that type (date '...' style). */
static shoal_expr *coerce_literal(shoal_binder *b, shoal_expr *lit, shoal_type target)
{
    if (is_const(lit) && shoal_type_is_string(lit->type) && !shoal_type_is_string(target) &&
        target.id != SHOAL_TYPE_INVALID)
        return shoal_bind_cast(b, lit, target);
    return lit;
}

/* ---- the expression walk ---- */

static shoal_expr *bind(shoal_binder *b, const shoal_ast_node *n);
static shoal_expr *settle_type(shoal_binder *b, shoal_expr *e);

/* A name in the scope chain: unqualified names must be unique within the nearest block that
 * has them; qualified ones match the FROM item's visible name (and schema). */
static shoal_expr *bind_scoped_column(shoal_binder *b, const shoal_ast_column_ref *c)
{
    for (const shoal_bind_scope *sc = b->scope; sc; sc = sc->parent) {
        const shoal_bind_column *found = NULL;
        bool relation_seen = false;
        for (int i = 0; i < sc->count; i++) {
            const shoal_bind_column *col = &sc->columns[i];
            if (c->table) {
                if (strcmp(col->relation, c->table) != 0) continue;
                if (c->schema && (col->schema == NULL || strcmp(col->schema, c->schema) != 0)) continue;
                relation_seen = true;
            }
            if (strcmp(col->name, c->column) != 0) continue;
            if (found && found->gid != col->gid)
                return shoal_bind_error(b, c->node.loc, "42702", "column reference \"%s\" is ambiguous", c->column);
            found = col;
        }
        if (found == NULL && relation_seen)
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "column %s.%s does not exist", c->table,
                                    c->column);
        if (found == NULL) continue;
        if (b->aggregating)
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_GROUPING_ERROR,
                                    "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function",
                                    c->column);
        if (sc != b->scope && b->scope->outer_refs) (*b->scope->outer_refs)++;
        if (b->scope->gid_used) b->scope->gid_used[found->gid] = true;
        return shoal_expr_column(b->arena, found->gid, found->type);
    }
    if (c->table) return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_TABLE, "missing FROM-clause entry for table \"%s\"", c->table);
    return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "column \"%s\" does not exist", c->column);
}

static shoal_expr *bind_column(shoal_binder *b, const shoal_ast_column_ref *c)
{
    if (b->scope) return bind_scoped_column(b, c);
    if (b->table == NULL)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "column \"%s\" does not exist", c->column);
    if (c->table) {
        const char *visible = b->table_alias ? b->table_alias : b->table->name;
        if (strcmp(c->table, visible) != 0 || (c->schema && strcmp(c->schema, b->table->schema) != 0))
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_TABLE,
                                    "missing FROM-clause entry for table \"%s\"", c->table);
    }
    int col = shoal_table_column(b->table, c->column);
    if (col < 0) {
        if (c->table)
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "column %s.%s does not exist",
                                    c->table, c->column);
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "column \"%s\" does not exist", c->column);
    }
    if (b->aggregating)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_GROUPING_ERROR,
                                "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function",
                                c->column);
    if (b->column_used) b->column_used[col] = true;
    return shoal_expr_column(b->arena, col, b->table->columns[col].type);
}

/* Digits of a decimal literal: precision and scale from the text. */
static shoal_expr *bind_decimal_literal(shoal_binder *b, const shoal_ast_literal *l)
{
    const char *t = l->text;
    int int_digits = 0, frac = 0;
    bool dot = false, leading = true;
    for (const char *p = t; *p; p++) {
        if (*p == '.') { dot = true; continue; }
        if (!isdigit((unsigned char)*p)) continue;
        if (dot) frac++;
        else if (!(leading && *p == '0')) { int_digits++; leading = false; }
    }
    int precision = int_digits + frac;
    if (precision == 0) precision = 1;
    if (precision > 38)
        return shoal_bind_error(b, l->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "numeric literal %s has more than 38 digits", t);
    shoal_type ty = shoal_type_decimal(precision < frac + 1 ? frac + 1 : precision, frac);
    if (ty.precision > 38) ty.precision = 38;
    shoal_value v;
    memset(&v, 0, sizeof v);
    v.type = ty;
    shoal_int128 x;
    if (!shoal_parse_decimal(t, strlen(t), ty.precision, ty.scale, &x))
        return shoal_bind_error(b, l->node.loc, SHOAL_SQLSTATE_SYNTAX, "invalid numeric literal %s", t);
    if (shoal_type_physical(ty) == SHOAL_PHYS_I128) v.v.i128 = x;
    else v.v.i64 = (int64_t)x;
    return shoal_expr_const(b->arena, v);
}

static shoal_expr *string_const(shoal_binder *b, const char *s)
{
    shoal_value v;
    memset(&v, 0, sizeof v);
    size_t n = strlen(s);
    v.type = shoal_type_string(SHOAL_TYPE_VARCHAR, (uint32_t)n);
    char *copy = shoal_arena_alloc(b->arena, n + 1);
    memcpy(copy, s, n + 1);
    v.v.str = (shoal_string){copy, (uint32_t)n};
    return shoal_expr_const(b->arena, v);
}

static shoal_expr *bind_literal(shoal_binder *b, const shoal_ast_literal *l)
{
    shoal_value v;
    memset(&v, 0, sizeof v);
    switch (l->kind) {
    case SHOAL_AST_LITERAL_NULL:
        return const_of(b, shoal_type_make(SHOAL_TYPE_INVALID), true);
    case SHOAL_AST_LITERAL_BOOLEAN:
        v.type = shoal_type_make(SHOAL_TYPE_BOOLEAN);
        v.v.i64 = l->boolean;
        return shoal_expr_const(b->arena, v);
    case SHOAL_AST_LITERAL_INTEGER:
        v.type = shoal_type_make(l->integer >= INT32_MIN && l->integer <= INT32_MAX ? SHOAL_TYPE_INTEGER : SHOAL_TYPE_BIGINT);
        v.v.i64 = l->integer;
        return shoal_expr_const(b->arena, v);
    case SHOAL_AST_LITERAL_DECIMAL:
        return bind_decimal_literal(b, l);
    case SHOAL_AST_LITERAL_FLOAT:
        v.type = shoal_type_make(SHOAL_TYPE_DOUBLE);
        if (!shoal_parse_double(l->text, strlen(l->text), &v.v.f64))
            return shoal_bind_error(b, l->node.loc, SHOAL_SQLSTATE_SYNTAX, "invalid numeric literal %s", l->text);
        return shoal_expr_const(b->arena, v);
    case SHOAL_AST_LITERAL_STRING:
        return string_const(b, l->text);
    case SHOAL_AST_LITERAL_DATE: {
        int32_t d;
        if (!shoal_parse_date(l->text, strlen(l->text), &d))
            return shoal_bind_error(b, l->node.loc, "22007", "invalid input syntax for type date: \"%s\"", l->text);
        v.type = shoal_type_make(SHOAL_TYPE_DATE);
        v.v.i64 = d;
        return shoal_expr_const(b->arena, v);
    }
    case SHOAL_AST_LITERAL_TIMESTAMP: {
        int64_t ts;
        if (!shoal_parse_timestamp(l->text, strlen(l->text), &ts))
            return shoal_bind_error(b, l->node.loc, "22007", "invalid input syntax for type timestamp: \"%s\"", l->text);
        v.type = shoal_type_make(SHOAL_TYPE_TIMESTAMP);
        v.v.i64 = ts;
        return shoal_expr_const(b->arena, v);
    }
    case SHOAL_AST_LITERAL_INTERVAL:
        return shoal_bind_error(b, l->node.loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH,
                                "an interval can only be added to or subtracted from a date or timestamp");
    }
    return NULL;
}

static shoal_expr *func2(shoal_binder *b, shoal_func f, shoal_type t, shoal_expr *x, shoal_expr *y)
{
    shoal_expr *args[2] = {x, y};
    return fold(b, shoal_expr_func(b->arena, f, t, 2, args));
}

static shoal_expr *i64_const(shoal_binder *b, int64_t x)
{
    shoal_value v;
    memset(&v, 0, sizeof v);
    v.type = shoal_type_make(SHOAL_TYPE_BIGINT);
    v.v.i64 = x;
    return shoal_expr_const(b->arena, v);
}

/* date/timestamp +/- INTERVAL literal */
static shoal_expr *bind_interval_arith(shoal_binder *b, const shoal_ast_binary *n, shoal_expr *base,
                                       const shoal_ast_literal *iv, bool subtract)
{
    if (!is_temporal(base->type))
        return shoal_bind_error(b, n->op_loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION,
                                "an interval can only be added to or subtracted from a date or timestamp");
    int64_t sign = subtract ? -1 : 1;
    shoal_type t = base->type.id == SHOAL_TYPE_DATE && iv->interval.micros == 0 ? base->type
                                                                                : shoal_type_make(SHOAL_TYPE_TIMESTAMP);
    shoal_expr *args[4] = {base, i64_const(b, sign * iv->interval.months), i64_const(b, sign * iv->interval.days),
                           i64_const(b, sign * iv->interval.micros)};
    return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_DATE_ADD_INTERVAL, t, 4, args));
}

static shoal_expr *bind_arith(shoal_binder *b, const shoal_ast_binary *n)
{
    const shoal_ast_literal *rl = shoal_is_a(n->right, literal) ? (const shoal_ast_literal *)n->right : NULL;
    const shoal_ast_literal *ll = shoal_is_a(n->left, literal) ? (const shoal_ast_literal *)n->left : NULL;
    if (rl && rl->kind == SHOAL_AST_LITERAL_INTERVAL && (n->op == SHOAL_AST_OP_ADD || n->op == SHOAL_AST_OP_SUB)) {
        shoal_expr *base = bind(b, n->left);
        return base ? bind_interval_arith(b, n, base, rl, n->op == SHOAL_AST_OP_SUB) : NULL;
    }
    if (ll && ll->kind == SHOAL_AST_LITERAL_INTERVAL && n->op == SHOAL_AST_OP_ADD) {
        shoal_expr *base = bind(b, n->right);
        return base ? bind_interval_arith(b, n, base, ll, false) : NULL;
    }
    shoal_expr *x = bind(b, n->left), *y = x ? bind(b, n->right) : NULL;
    if (y == NULL) return NULL;
    char t1[48], t2[48];
    if (n->op == SHOAL_AST_OP_CONCAT) {
        x = shoal_bind_cast(b, x, shoal_type_string(SHOAL_TYPE_VARCHAR, 0));
        y = shoal_bind_cast(b, y, shoal_type_string(SHOAL_TYPE_VARCHAR, 0));
        return func2(b, SHOAL_FUNC_CONCAT, shoal_type_string(SHOAL_TYPE_VARCHAR, x->type.length + y->type.length), x, y);
    }
    /* dates */
    if (x->type.id == SHOAL_TYPE_DATE && is_integer(y->type) && (n->op == SHOAL_AST_OP_ADD || n->op == SHOAL_AST_OP_SUB))
        return func2(b, n->op == SHOAL_AST_OP_ADD ? SHOAL_FUNC_DATE_ADD_DAYS : SHOAL_FUNC_DATE_SUB_DAYS, x->type, x,
                     shoal_bind_cast(b, y, shoal_type_make(SHOAL_TYPE_INTEGER)));
    if (is_integer(x->type) && y->type.id == SHOAL_TYPE_DATE && n->op == SHOAL_AST_OP_ADD)
        return func2(b, SHOAL_FUNC_DATE_ADD_DAYS, y->type, y, shoal_bind_cast(b, x, shoal_type_make(SHOAL_TYPE_INTEGER)));
    if (x->type.id == SHOAL_TYPE_DATE && y->type.id == SHOAL_TYPE_DATE && n->op == SHOAL_AST_OP_SUB)
        return func2(b, SHOAL_FUNC_DATE_DIFF_DAYS, shoal_type_make(SHOAL_TYPE_INTEGER), x, y);
    x = coerce_literal(b, x, y->type);
    y = coerce_literal(b, y, x->type);
    if (!is_numeric(x->type) && x->type.id != SHOAL_TYPE_INVALID) goto mismatch;
    if (!is_numeric(y->type) && y->type.id != SHOAL_TYPE_INVALID) goto mismatch;
    shoal_func f = n->op == SHOAL_AST_OP_ADD ? SHOAL_FUNC_ADD : n->op == SHOAL_AST_OP_SUB ? SHOAL_FUNC_SUB
                 : n->op == SHOAL_AST_OP_MUL ? SHOAL_FUNC_MUL : n->op == SHOAL_AST_OP_DIV ? SHOAL_FUNC_DIV : SHOAL_FUNC_MOD;
    shoal_type xt = x->type.id == SHOAL_TYPE_INVALID ? y->type : x->type;
    shoal_type yt = y->type.id == SHOAL_TYPE_INVALID ? x->type : y->type;
    if (xt.id == SHOAL_TYPE_INVALID) xt = yt = shoal_type_make(SHOAL_TYPE_INTEGER);
    shoal_type result;
    if (is_float(xt) || is_float(yt)) {
        result = shoal_type_make(SHOAL_TYPE_DOUBLE);
        x = shoal_bind_cast(b, x, result);
        y = shoal_bind_cast(b, y, result);
    } else if (is_integer(xt) && is_integer(yt)) {
        result = xt.id > yt.id ? xt : yt;
        if (result.id == SHOAL_TYPE_SMALLINT) result = shoal_type_make(SHOAL_TYPE_INTEGER);
        x = shoal_bind_cast(b, x, result);
        y = shoal_bind_cast(b, y, result);
    } else {
        shoal_type dx = as_decimal(xt), dy = as_decimal(yt);
        int p1 = dx.precision, s1 = dx.scale, p2 = dy.precision, s2 = dy.scale;
        if (f == SHOAL_FUNC_MUL) {
            result = shoal_type_decimal(cap38(p1 + p2), s1 + s2 > 38 ? 38 : s1 + s2);
            /* operands keep their own scales; the evaluator multiplies the scaled integers */
            x = shoal_bind_cast(b, x, shoal_type_decimal(result.precision, s1));
            y = shoal_bind_cast(b, y, shoal_type_decimal(result.precision, s2));
        } else if (f == SHOAL_FUNC_DIV) {
            int s = s1 > 6 ? s1 : 6;
            result = shoal_type_decimal(38, s);
            x = shoal_bind_cast(b, x, shoal_type_decimal(38, s1));
            y = shoal_bind_cast(b, y, shoal_type_decimal(38, s2));
        } else {
            int s = s1 > s2 ? s1 : s2;
            int ip = (p1 - s1) > (p2 - s2) ? p1 - s1 : p2 - s2;
            result = shoal_type_decimal(cap38(ip + s + 1), s);
            x = shoal_bind_cast(b, x, result);
            y = shoal_bind_cast(b, y, result);
        }
    }
    return func2(b, f, result, x, y);
mismatch:
    return shoal_bind_error(b, n->op_loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "operator does not exist: %s %s %s",
                            type_text(x->type, t1), shoal_ast_binary_op_sql(n->op), type_text(y->type, t2));
}

/* A string constant met by a CHAR value: CHAR's trailing blanks are insignificant (CHAR values
 * are stored without them), so the constant loses its own. */
static shoal_expr *char_constant(shoal_binder *b, shoal_expr *c, shoal_type other)
{
    if (other.id != SHOAL_TYPE_CHAR || !is_const(c) || c->constant.is_null || !shoal_type_is_string(c->type)) return c;
    shoal_string s = c->constant.v.str;
    uint32_t n = s.len;
    while (n > 0 && s.ptr[n - 1] == ' ') n--;
    if (n == s.len) return c;
    shoal_value v = c->constant;
    v.v.str.len = n;
    return shoal_expr_const(b->arena, v);
}

/* x op y for comparisons, with both sides converted to a common type. */
static shoal_expr *compare(shoal_binder *b, shoal_location loc, shoal_func f, shoal_expr *x, shoal_expr *y)
{
    x = coerce_literal(b, x, y->type);
    y = coerce_literal(b, y, x->type);
    x = char_constant(b, x, y->type);
    y = char_constant(b, y, x->type);
    shoal_type t;
    char t1[48], t2[48];
    if (!common_type(x->type, y->type, &t))
        return shoal_bind_error(b, loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "operator does not exist: %s %s %s",
                                type_text(x->type, t1),
                                f == SHOAL_FUNC_EQ ? "=" : f == SHOAL_FUNC_NE ? "<>" : f == SHOAL_FUNC_LT ? "<"
                                : f == SHOAL_FUNC_LE ? "<=" : f == SHOAL_FUNC_GT ? ">" : ">=",
                                type_text(y->type, t2));
    if (t.id == SHOAL_TYPE_INVALID) /* NULL op NULL */
        return const_of(b, shoal_type_make(SHOAL_TYPE_BOOLEAN), true);
    if (t.id == SHOAL_TYPE_DECIMAL) {
        /* compare at the larger scale; keep each side's own physical width when it suffices */
        shoal_type tx = shoal_type_decimal(x->type.id == SHOAL_TYPE_DECIMAL ? x->type.precision : t.precision, t.scale);
        shoal_type ty = shoal_type_decimal(y->type.id == SHOAL_TYPE_DECIMAL ? y->type.precision : t.precision, t.scale);
        int p = tx.precision > ty.precision ? tx.precision : ty.precision;
        t = shoal_type_decimal(cap38(p + t.scale), t.scale);
        if (shoal_type_physical(tx) == shoal_type_physical(ty) && x->type.id == SHOAL_TYPE_DECIMAL &&
            x->type.scale == t.scale) t = shoal_type_decimal(x->type.precision, t.scale);
    }
    x = shoal_bind_cast(b, x, t);
    y = shoal_bind_cast(b, y, t);
    return func2(b, f, shoal_type_make(SHOAL_TYPE_BOOLEAN), x, y);
}

static shoal_func comparison_func(shoal_ast_binary_op op)
{
    switch (op) {
    case SHOAL_AST_OP_EQ: return SHOAL_FUNC_EQ;
    case SHOAL_AST_OP_NE: return SHOAL_FUNC_NE;
    case SHOAL_AST_OP_LT: return SHOAL_FUNC_LT;
    case SHOAL_AST_OP_LE: return SHOAL_FUNC_LE;
    case SHOAL_AST_OP_GT: return SHOAL_FUNC_GT;
    case SHOAL_AST_OP_GE: return SHOAL_FUNC_GE;
    default: return 0;
    }
}

static shoal_expr *require_bool(shoal_binder *b, shoal_expr *e, shoal_location loc, const char *what)
{
    if (e == NULL) return NULL;
    if (e->type.id == SHOAL_TYPE_INVALID && is_null_const(e)) return const_of(b, shoal_type_make(SHOAL_TYPE_BOOLEAN), true);
    if (e->type.id != SHOAL_TYPE_BOOLEAN) {
        char t[48];
        return shoal_bind_error(b, loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "argument of %s must be type boolean, not type %s",
                                what, type_text(e->type, t));
    }
    return e;
}

static shoal_expr *bind_bool(shoal_binder *b, const shoal_ast_bool_expr *n)
{
    int count = n->args.count;
    shoal_expr **args = shoal_arena_alloc(b->arena, sizeof(shoal_expr *) * (size_t)count);
    for (int i = 0; i < count; i++) {
        const shoal_ast_node *a = shoal_ast_list_at(&n->args, i);
        if ((args[i] = require_bool(b, bind(b, a), a->loc, n->op == SHOAL_AST_AND ? "AND" : "OR")) == NULL) return NULL;
    }
    return fold(b, shoal_expr_node(b->arena, n->op == SHOAL_AST_AND ? SHOAL_EXPR_AND : SHOAL_EXPR_OR,
                                   shoal_type_make(SHOAL_TYPE_BOOLEAN), count, args));
}

static shoal_expr *bind_case(shoal_binder *b, const shoal_ast_case_expr *n)
{
    int whens = n->whens.count;
    bool has_else = n->else_result != NULL;
    int count = 2 * whens + has_else;
    shoal_expr **args = shoal_arena_alloc(b->arena, sizeof(shoal_expr *) * (size_t)count);
    shoal_expr *operand = n->operand ? bind(b, n->operand) : NULL;
    if (n->operand && operand == NULL) return NULL;
    shoal_type result = shoal_type_make(SHOAL_TYPE_INVALID);
    for (int i = 0; i < whens; i++) {
        const shoal_ast_case_when *w = (const shoal_ast_case_when *)shoal_ast_list_at(&n->whens, i);
        shoal_expr *cond = bind(b, w->condition);
        if (cond == NULL) return NULL;
        if (operand) cond = compare(b, w->node.loc, SHOAL_FUNC_EQ, operand, cond);
        if ((args[2 * i] = require_bool(b, cond, w->node.loc, "CASE/WHEN")) == NULL) return NULL;
        if ((args[2 * i + 1] = bind(b, w->result)) == NULL) return NULL;
        args[2 * i + 1] = coerce_literal(b, args[2 * i + 1], result);
        if (!common_type(result, args[2 * i + 1]->type, &result))
            return shoal_bind_error(b, w->result->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "CASE types do not match");
    }
    if (has_else) {
        if ((args[count - 1] = bind(b, n->else_result)) == NULL) return NULL;
        if (!common_type(result, args[count - 1]->type, &result))
            return shoal_bind_error(b, n->else_result->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "CASE types do not match");
    }
    if (result.id == SHOAL_TYPE_INVALID) result = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    for (int i = 0; i < whens; i++) args[2 * i + 1] = shoal_bind_cast(b, args[2 * i + 1], result);
    if (has_else) args[count - 1] = shoal_bind_cast(b, args[count - 1], result);
    shoal_expr *e = shoal_expr_node(b->arena, SHOAL_EXPR_CASE, result, count, args);
    e->has_else = has_else;
    return e;
}

static bool agg_func_of(const char *name, shoal_agg_func *f)
{
    static const struct { const char *name; shoal_agg_func f; } aggs[] = {
        {"count", SHOAL_AGG_COUNT}, {"sum", SHOAL_AGG_SUM}, {"avg", SHOAL_AGG_AVG},
        {"min", SHOAL_AGG_MIN}, {"max", SHOAL_AGG_MAX}, {"listagg", SHOAL_AGG_LISTAGG},
    };
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
        if (strcmp(name, aggs[i].name) == 0) { *f = aggs[i].f; return true; }
    return false;
}

bool shoal_ast_has_aggregate(const shoal_ast_node *n)
{
    if (n == NULL) return false;
    shoal_agg_func f;
    switch (n->tag) {
    case SHOAL_AST_FUNC_CALL: {
        const shoal_ast_func_call *c = (const shoal_ast_func_call *)n;
        if (c->over == NULL && agg_func_of(c->name, &f)) return true;
        for (int i = 0; i < c->args.count; i++) if (shoal_ast_has_aggregate(shoal_ast_list_at(&c->args, i))) return true;
        return false;
    }
    case SHOAL_AST_BINARY: return shoal_ast_has_aggregate(((const shoal_ast_binary *)n)->left) ||
                                  shoal_ast_has_aggregate(((const shoal_ast_binary *)n)->right);
    case SHOAL_AST_UNARY: return shoal_ast_has_aggregate(((const shoal_ast_unary *)n)->operand);
    case SHOAL_AST_BOOL_EXPR: {
        const shoal_ast_bool_expr *x = (const shoal_ast_bool_expr *)n;
        for (int i = 0; i < x->args.count; i++) if (shoal_ast_has_aggregate(shoal_ast_list_at(&x->args, i))) return true;
        return false;
    }
    case SHOAL_AST_CASE_EXPR: {
        const shoal_ast_case_expr *x = (const shoal_ast_case_expr *)n;
        if (shoal_ast_has_aggregate(x->operand) || shoal_ast_has_aggregate(x->else_result)) return true;
        for (int i = 0; i < x->whens.count; i++) {
            const shoal_ast_case_when *w = (const shoal_ast_case_when *)shoal_ast_list_at(&x->whens, i);
            if (shoal_ast_has_aggregate(w->condition) || shoal_ast_has_aggregate(w->result)) return true;
        }
        return false;
    }
    case SHOAL_AST_CAST_EXPR: return shoal_ast_has_aggregate(((const shoal_ast_cast_expr *)n)->expr);
    case SHOAL_AST_BETWEEN: {
        const shoal_ast_between *x = (const shoal_ast_between *)n;
        return shoal_ast_has_aggregate(x->expr) || shoal_ast_has_aggregate(x->low) || shoal_ast_has_aggregate(x->high);
    }
    case SHOAL_AST_IS_TEST: return shoal_ast_has_aggregate(((const shoal_ast_is_test *)n)->expr);
    case SHOAL_AST_LIKE: return shoal_ast_has_aggregate(((const shoal_ast_like *)n)->expr);
    case SHOAL_AST_IN_LIST: return shoal_ast_has_aggregate(((const shoal_ast_in_list *)n)->expr);
    default: return false;
    }
}

static bool expr_equal(const shoal_expr *x, const shoal_expr *y)
{
    if (x->kind != y->kind || !shoal_type_equal(x->type, y->type) || x->arg_count != y->arg_count) return false;
    if (x->kind == SHOAL_EXPR_COLUMN) return x->column == y->column;
    if (x->kind == SHOAL_EXPR_CONST) {
        if (x->constant.is_null != y->constant.is_null) return false;
        if (x->constant.is_null) return true;
        switch (shoal_type_physical(x->type)) {
        case SHOAL_PHYS_STRING: return x->constant.v.str.len == y->constant.v.str.len &&
                                       memcmp(x->constant.v.str.ptr, y->constant.v.str.ptr, x->constant.v.str.len) == 0;
        case SHOAL_PHYS_I128: return x->constant.v.i128 == y->constant.v.i128;
        case SHOAL_PHYS_F32:
        case SHOAL_PHYS_F64: return x->constant.v.f64 == y->constant.v.f64;
        default: return x->constant.v.i64 == y->constant.v.i64;
        }
    }
    if (x->func != y->func || x->extract_field != y->extract_field || x->negated != y->negated ||
        x->case_insensitive != y->case_insensitive || x->has_else != y->has_else)
        return false;
    for (int i = 0; i < x->arg_count; i++)
        if (!expr_equal(x->args[i], y->args[i])) return false;
    return true;
}

/* LISTAGG(x [, 'delimiter']) [WITHIN GROUP (ORDER BY ...)]: x (already bound, raw) cast to a
 * string, the delimiter a string constant (NULL: none), the keys bound below the aggregation. */
static bool bind_listagg(shoal_binder *b, const shoal_ast_func_call *c, shoal_expr **input, shoal_agg_spec *spec,
                         shoal_expr ***order_exprs)
{
    shoal_expr *raw = *input;
    if (c->args.count == 2) {
        const shoal_ast_node *dn = shoal_ast_list_at(&c->args, 1);
        shoal_expr *d = bind(b, dn);
        if (d == NULL) return false;
        if (!is_const(d) || (!d->constant.is_null && !shoal_type_is_string(d->type)))
            return shoal_bind_error(b, dn->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "the LISTAGG delimiter must be a string constant");
        if (!d->constant.is_null) {
            spec->delimiter = d->constant.v.str.ptr;
            spec->delimiter_len = d->constant.v.str.len;
        }
    }
    int n = c->within_group.count;
    if (n > SHOAL_LISTAGG_MAX_ORDER)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "more than %d WITHIN GROUP keys", SHOAL_LISTAGG_MAX_ORDER);
    shoal_sort_key *keys = shoal_arena_alloc(b->arena, sizeof(shoal_sort_key) * (size_t)(n + 1));
    shoal_expr **exprs = shoal_arena_alloc(b->arena, sizeof(shoal_expr *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const shoal_ast_sort_item *si = (const shoal_ast_sort_item *)shoal_ast_list_at(&c->within_group, i);
        if ((exprs[i] = settle_type(b, bind(b, si->expr))) == NULL) return false;
        keys[i].column = -1; /* the planner's */
        keys[i].descending = si->direction == SHOAL_AST_SORT_DESC;
        keys[i].nulls_first = si->nulls == SHOAL_AST_NULLS_DEFAULT ? keys[i].descending : si->nulls == SHOAL_AST_NULLS_FIRST;
    }
    if (!shoal_type_is_string(raw->type)) *input = shoal_bind_cast(b, raw, shoal_type_string(SHOAL_TYPE_VARCHAR, SHOAL_LISTAGG_MAX_BYTES));
    if (c->distinct)
        for (int i = 0; i < n; i++)
            if (!expr_equal(exprs[i], raw) && !expr_equal(exprs[i], *input))
                return shoal_bind_error(b, shoal_ast_list_at(&c->within_group, i)->loc, "42P10",
                                        "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list");
    spec->order_count = n;
    spec->order = keys;
    *order_exprs = exprs;
    return *input != NULL;
}

static shoal_expr *bind_aggregate(shoal_binder *b, const shoal_ast_func_call *c, shoal_agg_func f)
{
    if (!b->aggregating)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed here");
    if (c->distinct && (c->star || c->filter))
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                "%s(DISTINCT ...) with FILTER is not supported yet", c->name);
    if (c->within_group.count > 0 && f != SHOAL_AGG_LISTAGG)
        return shoal_bind_error(b, c->node.loc, "42809", "WITHIN GROUP is only allowed for LISTAGG, not %s", c->name);
    if (b->agg_count == SHOAL_MAX_AGGREGATES)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "more than %d aggregates", SHOAL_MAX_AGGREGATES);
    shoal_agg_spec spec = {0};
    shoal_expr *input = NULL, *raw = NULL, **order_exprs = NULL;
    if (c->star && c->filter) { /* COUNT(*) FILTER (WHERE cond) = COUNT(CASE WHEN cond THEN 1 END) */
        if (f != SHOAL_AGG_COUNT) return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_SYNTAX, "%s(*) is not valid", c->name);
        b->aggregating = false;
        shoal_expr *cond = require_bool(b, bind(b, c->filter), c->filter->loc, "FILTER");
        b->aggregating = true;
        if (cond == NULL) return NULL;
        shoal_expr **args = shoal_arena_alloc(b->arena, 2 * sizeof(shoal_expr *));
        shoal_value one;
        memset(&one, 0, sizeof one);
        one.type = shoal_type_make(SHOAL_TYPE_INTEGER);
        one.v.i64 = 1;
        args[0] = cond;
        args[1] = shoal_expr_const(b->arena, one);
        input = shoal_expr_node(b->arena, SHOAL_EXPR_CASE, one.type, 2, args);
        spec.func = SHOAL_AGG_COUNT;
        spec.input_type = one.type;
    } else if (c->star) {
        if (f != SHOAL_AGG_COUNT) return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_SYNTAX, "%s(*) is not valid", c->name);
        spec.func = SHOAL_AGG_COUNT_STAR;
        spec.input_type = shoal_type_make(SHOAL_TYPE_BIGINT);
    } else {
        if (c->args.count != 1 && (f != SHOAL_AGG_LISTAGG || c->args.count != 2))
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s takes %s", c->name,
                                    f == SHOAL_AGG_LISTAGG ? "one or two arguments" : "one argument");
        /* the argument is evaluated below the aggregation */
        b->aggregating = false;
        input = settle_type(b, bind(b, shoal_ast_list_at(&c->args, 0)));
        if (input && c->filter) { /* agg(x) FILTER (WHERE cond) = agg(CASE WHEN cond THEN x END) */
            shoal_expr *cond = require_bool(b, bind(b, c->filter), c->filter->loc, "FILTER");
            if (cond == NULL) { b->aggregating = true; return NULL; }
            shoal_expr **args = shoal_arena_alloc(b->arena, 2 * sizeof(shoal_expr *));
            args[0] = cond;
            args[1] = input;
            input = shoal_expr_node(b->arena, SHOAL_EXPR_CASE, input->type, 2, args);
        }
        raw = input;
        if (input && f == SHOAL_AGG_LISTAGG && !bind_listagg(b, c, &input, &spec, &order_exprs)) input = NULL;
        b->aggregating = true;
        if (input == NULL) return NULL;
        if ((f == SHOAL_AGG_SUM || f == SHOAL_AGG_AVG) && !is_numeric(input->type)) {
            char t[48];
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s(%s) does not exist",
                                    c->name, type_text(input->type, t));
        }
        spec.func = (uint8_t)f;
        spec.input_type = input->type;
    }
    /* the same aggregate twice is computed once (LISTAGGs: each its own) */
    for (int i = 0; i < b->agg_count && f != SHOAL_AGG_LISTAGG; i++) {
        if (b->aggs[i].func != spec.func || b->agg_distinct[i] != c->distinct) continue;
        if ((input == NULL && b->agg_inputs[i] == NULL) || (input && b->agg_inputs[i] && expr_equal(input, b->agg_inputs[i])))
            return shoal_expr_column(b->arena, b->key_count + i, shoal_agg_result_type(&b->aggs[i]));
    }
    int slot = b->agg_count++;
    b->aggs[slot] = spec;
    b->agg_inputs[slot] = input;
    b->agg_distinct[slot] = c->distinct;
    b->agg_order[slot] = order_exprs;
    b->agg_raw_inputs[slot] = raw;
    return shoal_expr_column(b->arena, b->key_count + slot, shoal_agg_result_type(&spec));
}

/* ---- scalar functions: conditionals, numbers, strings, dates, formatting ----
 * bind_function tries these first; each decides its argument and result types here and casts
 * the arguments so the evaluator (engine/exec/expr_eval_funcs.c) sees one layout per argument.
 * A call whose arguments fit none of a function's forms is 42883 "function f(types) does not
 * exist"; bad values are the evaluator's 22xxx errors. */

#define FUNC_MAX_ARGS 100
#define VARCHAR_MAX_LENGTH 65535 /* a string result of unknown length (Redshift's VARCHAR limit) */

/* The statement's clock (GETDATE, SYSDATE, CURRENT_DATE): read at its first use in a statement,
 * the same value for every use after it until shoal_bind_statement_begin(). */
static _Thread_local bool statement_clock_read;
static _Thread_local int64_t statement_clock_micros;

void shoal_bind_statement_begin(void) { statement_clock_read = false; }

static int64_t statement_clock(void)
{
    if (!statement_clock_read) {
        struct timespec now;
        timespec_get(&now, TIME_UTC);
        statement_clock_micros = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
        statement_clock_read = true;
    }
    return statement_clock_micros;
}


/* 42883 "function name(type, ...) does not exist" (NULL args: date parts). */
static shoal_expr *no_such_function(shoal_binder *b, const shoal_ast_func_call *c, shoal_expr *const *args, int argc)
{
    char sig[256];
    size_t len = 0;
    sig[0] = '\0';
    for (int i = 0; i < argc && len < sizeof sig; i++) {
        int k = snprintf(sig + len, sizeof sig - len, "%s%s", i ? ", " : "", args[i] ? shoal_type_sql_name(args[i]->type) : "datepart");
        len += k > 0 ? (size_t)k : 0;
    }
    return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s(%s) does not exist", c->name, sig);
}

/* Arguments converted to what a parameter takes, or NULL when they cannot be. */
static shoal_expr *arg_string(shoal_binder *b, shoal_expr *e)
{
    return shoal_type_is_string(e->type) ? e : shoal_bind_cast(b, e, shoal_type_string(SHOAL_TYPE_VARCHAR, 0));
}
static shoal_expr *arg_bigint(shoal_binder *b, shoal_expr *e)
{
    return is_integer(e->type) || is_null_const(e) ? shoal_bind_cast(b, e, shoal_type_make(SHOAL_TYPE_BIGINT)) : NULL;
}
static shoal_expr *arg_double(shoal_binder *b, shoal_expr *e)
{
    shoal_type dbl = shoal_type_make(SHOAL_TYPE_DOUBLE);
    e = coerce_literal(b, e, dbl);
    return is_numeric(e->type) || is_null_const(e) ? shoal_bind_cast(b, e, dbl) : NULL;
}
/* A date, timestamp or date/timestamp literal as `t` (DATE or TIMESTAMP). */
static shoal_expr *arg_temporal(shoal_binder *b, shoal_expr *e, shoal_type t)
{
    e = coerce_literal(b, e, shoal_type_make(SHOAL_TYPE_TIMESTAMP));
    return is_temporal(e->type) || is_null_const(e) ? shoal_bind_cast(b, e, t) : NULL;
}

/* The common type of args[i] for i in [from, to) by `step` (string literals converted to the
 * type met before them); false when there is none. */
static bool common_of(shoal_binder *b, shoal_expr **args, int from, int to, int step, shoal_type *t)
{
    *t = shoal_type_make(SHOAL_TYPE_INVALID);
    for (int i = from; i < to; i += step) {
        args[i] = coerce_literal(b, args[i], *t);
        if (!common_type(*t, args[i]->type, t)) return false;
    }
    return true;
}

static shoal_expr *scalar_call(shoal_binder *b, shoal_func f, shoal_type t, int argc, shoal_expr **args)
{
    return fold(b, shoal_expr_func(b->arena, f, t, argc, args));
}

static uint32_t known_length(shoal_type t) { return t.length ? t.length : VARCHAR_MAX_LENGTH; }
static shoal_type varchar_of(uint64_t length)
{
    return shoal_type_string(SHOAL_TYPE_VARCHAR, length == 0 || length > VARCHAR_MAX_LENGTH ? VARCHAR_MAX_LENGTH : (uint32_t)length);
}

/* The unit of DATE_TRUNC, DATEADD and DATEDIFF (0: not one). */
static shoal_extract_field date_unit_of(shoal_datepart_kind p)
{
    switch (p) {
    case SHOAL_DATEPART_MILLENNIUM: return SHOAL_EXTRACT_MILLENNIUM;
    case SHOAL_DATEPART_CENTURY: return SHOAL_EXTRACT_CENTURY;
    case SHOAL_DATEPART_DECADE: return SHOAL_EXTRACT_DECADE;
    case SHOAL_DATEPART_YEAR: return SHOAL_EXTRACT_YEAR;
    case SHOAL_DATEPART_QUARTER: return SHOAL_EXTRACT_QUARTER;
    case SHOAL_DATEPART_MONTH: return SHOAL_EXTRACT_MONTH;
    case SHOAL_DATEPART_WEEK: return SHOAL_EXTRACT_WEEK;
    case SHOAL_DATEPART_DAY: return SHOAL_EXTRACT_DAY;
    case SHOAL_DATEPART_HOUR: return SHOAL_EXTRACT_HOUR;
    case SHOAL_DATEPART_MINUTE: return SHOAL_EXTRACT_MINUTE;
    case SHOAL_DATEPART_SECOND: return SHOAL_EXTRACT_SECOND;
    case SHOAL_DATEPART_MILLISECOND: return SHOAL_EXTRACT_MILLISECOND;
    case SHOAL_DATEPART_MICROSECOND: return SHOAL_EXTRACT_MICROSECOND;
    default: return 0;
    }
}

/* DATE_TRUNC(part, x), DATEADD(part, n, x), DATEDIFF(part, a, b): the part must be written as
 * one (a word or a string the parser recognized). */
static shoal_expr *bind_datepart_function(shoal_binder *b, const shoal_ast_func_call *c, shoal_func f)
{
    int argc = c->args.count, want = f == SHOAL_FUNC_DATE_TRUNC ? 2 : 3;
    const char *upper = f == SHOAL_FUNC_DATE_TRUNC ? "DATE_TRUNC" : f == SHOAL_FUNC_DATEADD ? "DATEADD" : "DATEDIFF";
    shoal_expr *args[3] = {NULL, NULL, NULL};
    const shoal_ast_node *p = argc > 0 ? shoal_ast_list_at(&c->args, 0) : NULL;
    if (p && !shoal_is_a(p, datepart)) {
        const char *word = NULL;
        if (shoal_is_a(p, column_ref) && ((const shoal_ast_column_ref *)p)->table == NULL)
            word = ((const shoal_ast_column_ref *)p)->column;
        else if (shoal_is_a(p, literal) && ((const shoal_ast_literal *)p)->kind == SHOAL_AST_LITERAL_STRING)
            word = ((const shoal_ast_literal *)p)->text;
        if (word) return shoal_bind_error(b, p->loc, "22023", "date part \"%s\" is not recognized", word);
        if (argc == want)
            return shoal_bind_error(b, p->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                    "the date part of %s must be written as a word or a string constant", upper);
    }
    for (int i = 1; i < argc && i < 3; i++)
        if ((args[i] = bind(b, shoal_ast_list_at(&c->args, i))) == NULL) return NULL;
    if (argc != want || p == NULL) return no_such_function(b, c, args, argc < 3 ? argc : 3);
    shoal_datepart_kind part = ((const shoal_ast_datepart *)p)->part;
    shoal_extract_field unit = date_unit_of(part);
    if (unit == 0)
        return shoal_bind_error(b, p->loc, "22023", "date part \"%s\" is not supported by %s", shoal_datepart_name(part), upper);
    shoal_type ts = shoal_type_make(SHOAL_TYPE_TIMESTAMP);
    shoal_expr *x[2];
    shoal_type result = ts;
    if (f == SHOAL_FUNC_DATE_TRUNC) {
        x[0] = arg_temporal(b, args[1], ts);
    } else if (f == SHOAL_FUNC_DATEADD) {
        x[0] = arg_bigint(b, args[1]);
        x[1] = arg_temporal(b, args[2], ts);
    } else {
        x[0] = arg_temporal(b, args[1], ts);
        x[1] = arg_temporal(b, args[2], ts);
        result = shoal_type_make(SHOAL_TYPE_BIGINT);
    }
    for (int i = 0; i < want - 1; i++)
        if (x[i] == NULL) return no_such_function(b, c, args, argc);
    shoal_expr *e = shoal_expr_func(b->arena, f, result, want - 1, x);
    e->extract_field = (uint8_t)unit;
    return fold(b, e);
}

/* MOD(a, b): the types of a % b. */
static shoal_expr *bind_mod(shoal_binder *b, const shoal_ast_func_call *c, shoal_expr **args)
{
    for (int i = 0; i < 2; i++)
        if (!is_numeric(args[i]->type) && !is_null_const(args[i])) return no_such_function(b, c, args, 2);
    shoal_type xt = is_null_const(args[0]) ? args[1]->type : args[0]->type;
    shoal_type yt = is_null_const(args[1]) ? args[0]->type : args[1]->type;
    if (xt.id == SHOAL_TYPE_INVALID) xt = yt = shoal_type_make(SHOAL_TYPE_INTEGER);
    shoal_type t;
    if (is_float(xt) || is_float(yt)) {
        t = shoal_type_make(SHOAL_TYPE_DOUBLE);
    } else if (is_integer(xt) && is_integer(yt)) {
        t = xt.id > yt.id ? xt : yt;
        if (t.id == SHOAL_TYPE_SMALLINT) t = shoal_type_make(SHOAL_TYPE_INTEGER);
    } else {
        shoal_type dx = as_decimal(xt), dy = as_decimal(yt);
        int s = dx.scale > dy.scale ? dx.scale : dy.scale;
        int ip = dx.precision - dx.scale > dy.precision - dy.scale ? dx.precision - dx.scale : dy.precision - dy.scale;
        t = shoal_type_decimal(cap38(ip + s + 1), s);
    }
    for (int i = 0; i < 2; i++) args[i] = shoal_bind_cast(b, args[i], t);
    return scalar_call(b, SHOAL_FUNC_MOD, t, 2, args);
}

/* TRUNC, CEIL/CEILING, FLOOR: numbers (TRUNC with digits, like ROUND); TRUNC(timestamp) is its
 * date. */
static shoal_expr *bind_round_mode(shoal_binder *b, const shoal_ast_func_call *c, shoal_func f, shoal_expr **args, int argc)
{
    shoal_type t = args[0]->type;
    if (f == SHOAL_FUNC_TRUNC && argc == 1 && is_temporal(t)) return shoal_bind_cast(b, args[0], shoal_type_make(SHOAL_TYPE_DATE));
    shoal_expr *digits = argc == 2 ? arg_bigint(b, args[1]) : NULL;
    if (!is_numeric(t) || argc > (f == SHOAL_FUNC_TRUNC ? 2 : 1) || (argc == 2 && digits == NULL))
        return no_such_function(b, c, args, argc);
    if (digits) args[1] = digits;
    if (t.id == SHOAL_TYPE_DECIMAL) {
        if (argc == 1) t = shoal_type_decimal(t.precision, 0);
        else if (is_const(args[1]) && !args[1]->constant.is_null && args[1]->constant.v.i64 >= 0 &&
                 args[1]->constant.v.i64 < t.scale)
            t = shoal_type_decimal(t.precision, (int)args[1]->constant.v.i64);
    } else if (is_integer(t) && argc == 1) {
        return args[0]; /* already whole */
    }
    return scalar_call(b, f, t, argc, args);
}

/* Binds the functions above; *handled = false when `c` is not one of them. */
static shoal_expr *bind_scalar_function(shoal_binder *b, const shoal_ast_func_call *c, bool *handled)
{
    static const struct { const char *name; shoal_func f; } names[] = {
        {"nullif", SHOAL_FUNC_NULLIF},         {"decode", SHOAL_FUNC_DECODE},       {"greatest", SHOAL_FUNC_GREATEST},
        {"least", SHOAL_FUNC_LEAST},           {"nvl2", SHOAL_FUNC_NVL2},           {"trunc", SHOAL_FUNC_TRUNC},
        {"ceil", SHOAL_FUNC_CEIL},             {"ceiling", SHOAL_FUNC_CEIL},        {"floor", SHOAL_FUNC_FLOOR},
        {"mod", SHOAL_FUNC_MOD},               {"power", SHOAL_FUNC_POWER},         {"pow", SHOAL_FUNC_POWER},
        {"sqrt", SHOAL_FUNC_SQRT},             {"sign", SHOAL_FUNC_SIGN},           {"position", SHOAL_FUNC_POSITION},
        {"strpos", SHOAL_FUNC_POSITION},       {"charindex", SHOAL_FUNC_POSITION},  {"left", SHOAL_FUNC_LEFT},
        {"right", SHOAL_FUNC_RIGHT},           {"replace", SHOAL_FUNC_REPLACE},     {"split_part", SHOAL_FUNC_SPLIT_PART},
        {"ltrim", SHOAL_FUNC_LTRIM},           {"rtrim", SHOAL_FUNC_RTRIM},         {"btrim", SHOAL_FUNC_BTRIM},
        {"lpad", SHOAL_FUNC_LPAD},             {"rpad", SHOAL_FUNC_RPAD},           {"reverse", SHOAL_FUNC_REVERSE},
        {"concat", SHOAL_FUNC_CONCAT},         {"repeat", SHOAL_FUNC_REPEAT},       {"initcap", SHOAL_FUNC_INITCAP},
        {"chr", SHOAL_FUNC_CHR},               {"ascii", SHOAL_FUNC_ASCII},         {"date_trunc", SHOAL_FUNC_DATE_TRUNC},
        {"dateadd", SHOAL_FUNC_DATEADD},       {"datediff", SHOAL_FUNC_DATEDIFF},   {"add_months", SHOAL_FUNC_ADD_MONTHS},
        {"last_day", SHOAL_FUNC_LAST_DAY},     {"to_char", SHOAL_FUNC_TO_CHAR},     {"to_date", SHOAL_FUNC_TO_DATE},
        {"to_timestamp", SHOAL_FUNC_TO_TIMESTAMP},
        /* constants of the statement */
        {"getdate", SHOAL_FUNC_COUNT_},        {"sysdate", SHOAL_FUNC_COUNT_},      {"current_date", SHOAL_FUNC_COUNT_},
        {"current_timestamp", SHOAL_FUNC_COUNT_},
    };
    const char *name = c->name;
    int argc = c->args.count;
    shoal_func f = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && f == 0; i++)
        if (strcmp(name, names[i].name) == 0) f = names[i].f;
    *handled = f != 0 && c->schema == NULL && !(f == SHOAL_FUNC_BTRIM && argc == 1); /* btrim(x) is TRIM */
    if (!*handled) return NULL;
    if (f == SHOAL_FUNC_DATE_TRUNC || f == SHOAL_FUNC_DATEADD || f == SHOAL_FUNC_DATEDIFF)
        return bind_datepart_function(b, c, f);
    if (argc > FUNC_MAX_ARGS)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s with %d arguments does not exist",
                                name, argc);
    shoal_expr *args[FUNC_MAX_ARGS];
    for (int i = 0; i < argc; i++)
        if ((args[i] = bind(b, shoal_ast_list_at(&c->args, i))) == NULL) return NULL;
    shoal_type varchar = shoal_type_string(SHOAL_TYPE_VARCHAR, 0), integer = shoal_type_make(SHOAL_TYPE_INTEGER);
    shoal_type ts = shoal_type_make(SHOAL_TYPE_TIMESTAMP), date = shoal_type_make(SHOAL_TYPE_DATE);
    shoal_type dbl = shoal_type_make(SHOAL_TYPE_DOUBLE);
    shoal_type t;
    switch (f) {
    case SHOAL_FUNC_COUNT_: { /* GETDATE() (whole seconds), SYSDATE, CURRENT_TIMESTAMP, CURRENT_DATE */
        if (argc != 0) return no_such_function(b, c, args, argc);
        int64_t now = statement_clock();
        shoal_value v;
        memset(&v, 0, sizeof v);
        if (strcmp(name, "current_date") == 0) {
            v.type = date;
            v.v.i64 = now / 86400000000LL; /* after 1970: no rounding toward zero to worry about */
        } else {
            v.type = ts;
            v.v.i64 = strcmp(name, "getdate") == 0 ? now - now % 1000000 : now;
        }
        return shoal_expr_const(b->arena, v);
    }
    case SHOAL_FUNC_NULLIF:
    case SHOAL_FUNC_GREATEST:
    case SHOAL_FUNC_LEAST:
        if (argc < 1 || (f == SHOAL_FUNC_NULLIF && argc != 2) || !common_of(b, args, 0, argc, 1, &t))
            return no_such_function(b, c, args, argc);
        if (t.id == SHOAL_TYPE_INVALID) t = varchar;
        shoal_type first = args[0]->type; /* CHAR: constants lose their trailing blanks */
        for (int i = 0; i < argc; i++) args[i] = shoal_bind_cast(b, char_constant(b, args[i], first), t);
        break;
    case SHOAL_FUNC_DECODE: {
        if (argc < 3) return no_such_function(b, c, args, argc);
        int pairs = (argc - 1) / 2;
        shoal_type key = shoal_type_make(SHOAL_TYPE_INVALID), result;
        bool ok = true;
        for (int i = 0; ok && i < 2 * pairs; i = i == 0 ? 1 : i + 2) { /* the expression and the searches */
            args[i] = coerce_literal(b, args[i], key);
            ok = common_type(key, args[i]->type, &key);
        }
        ok = ok && common_of(b, args, 2, 2 * pairs + 1, 2, &result);
        if (ok && argc % 2 == 0) { /* the default */
            args[argc - 1] = coerce_literal(b, args[argc - 1], result);
            ok = common_type(result, args[argc - 1]->type, &result);
        }
        if (!ok) return no_such_function(b, c, args, argc);
        if (key.id == SHOAL_TYPE_INVALID) key = varchar;
        if (result.id == SHOAL_TYPE_INVALID) result = varchar;
        shoal_type x_type = args[0]->type;
        for (int i = 0; i < argc; i++) {
            bool is_key = i == 0 || (i <= 2 * pairs && i % 2 == 1);
            if (is_key && i > 0) args[i] = char_constant(b, args[i], x_type);
            args[i] = shoal_bind_cast(b, args[i], is_key ? key : result);
        }
        t = result;
        break;
    }
    case SHOAL_FUNC_NVL2:
        if (argc != 3 || !common_of(b, args, 1, 3, 1, &t)) return no_such_function(b, c, args, argc);
        if (t.id == SHOAL_TYPE_INVALID) t = varchar;
        args[0] = settle_type(b, args[0]);
        args[1] = shoal_bind_cast(b, args[1], t);
        args[2] = shoal_bind_cast(b, args[2], t);
        break;
    case SHOAL_FUNC_TRUNC:
    case SHOAL_FUNC_CEIL:
    case SHOAL_FUNC_FLOOR:
        if (argc < 1) return no_such_function(b, c, args, argc);
        return bind_round_mode(b, c, f, args, argc);
    case SHOAL_FUNC_MOD:
        if (argc != 2) return no_such_function(b, c, args, argc);
        return bind_mod(b, c, args);
    case SHOAL_FUNC_POWER:
    case SHOAL_FUNC_SQRT:
        if (argc != (f == SHOAL_FUNC_SQRT ? 1 : 2)) return no_such_function(b, c, args, argc);
        for (int i = 0; i < argc; i++) {
            shoal_expr *x = arg_double(b, args[i]);
            if (x == NULL) return no_such_function(b, c, args, argc);
            args[i] = x;
        }
        t = dbl;
        break;
    case SHOAL_FUNC_SIGN:
        if (argc != 1 || (!is_numeric(args[0]->type) && !is_null_const(args[0]))) return no_such_function(b, c, args, argc);
        t = args[0]->type;
        if (t.id == SHOAL_TYPE_INVALID) t = dbl;
        else if (t.id == SHOAL_TYPE_DECIMAL) t = shoal_type_decimal(1, 0);
        args[0] = shoal_bind_cast(b, args[0], t.id == SHOAL_TYPE_DECIMAL ? args[0]->type : t);
        break;
    case SHOAL_FUNC_POSITION:
        if (argc != 2) return no_such_function(b, c, args, argc);
        if (strcmp(name, "strpos") == 0) { /* strpos(haystack, needle) */
            shoal_expr *x = args[0];
            args[0] = args[1];
            args[1] = x;
        }
        args[0] = arg_string(b, args[0]);
        args[1] = arg_string(b, args[1]);
        t = integer;
        break;
    case SHOAL_FUNC_ASCII:
        if (argc != 1) return no_such_function(b, c, args, argc);
        args[0] = arg_string(b, args[0]);
        t = integer;
        break;
    case SHOAL_FUNC_LEFT:
    case SHOAL_FUNC_RIGHT:
    case SHOAL_FUNC_REPEAT: {
        shoal_expr *n = argc == 2 ? arg_bigint(b, args[1]) : NULL;
        if (n == NULL) return no_such_function(b, c, args, argc);
        args[0] = arg_string(b, args[0]);
        args[1] = n;
        t = f == SHOAL_FUNC_REPEAT ? varchar_of(VARCHAR_MAX_LENGTH) : varchar_of(known_length(args[0]->type));
        break;
    }
    case SHOAL_FUNC_REPLACE:
    case SHOAL_FUNC_REVERSE:
    case SHOAL_FUNC_INITCAP:
    case SHOAL_FUNC_LTRIM:
    case SHOAL_FUNC_RTRIM:
    case SHOAL_FUNC_BTRIM:
        if (f == SHOAL_FUNC_REPLACE ? argc != 3 : (f == SHOAL_FUNC_REVERSE || f == SHOAL_FUNC_INITCAP) ? argc != 1
                                                                                                        : argc < 1 || argc > 2)
            return no_such_function(b, c, args, argc);
        for (int i = 0; i < argc; i++) args[i] = arg_string(b, args[i]);
        t = f == SHOAL_FUNC_REPLACE ? varchar_of(VARCHAR_MAX_LENGTH) : varchar_of(known_length(args[0]->type));
        break;
    case SHOAL_FUNC_SPLIT_PART: {
        shoal_expr *n = argc == 3 ? arg_bigint(b, args[2]) : NULL;
        if (n == NULL) return no_such_function(b, c, args, argc);
        args[0] = arg_string(b, args[0]);
        args[1] = arg_string(b, args[1]);
        args[2] = n;
        t = varchar_of(known_length(args[0]->type));
        break;
    }
    case SHOAL_FUNC_LPAD:
    case SHOAL_FUNC_RPAD: {
        shoal_expr *n = argc == 2 || argc == 3 ? arg_bigint(b, args[1]) : NULL;
        if (n == NULL) return no_such_function(b, c, args, argc);
        args[0] = arg_string(b, args[0]);
        args[1] = n;
        if (argc == 3) args[2] = arg_string(b, args[2]);
        t = varchar_of(is_const(n) && !n->constant.is_null && n->constant.v.i64 > 0 ? (uint64_t)n->constant.v.i64
                                                                                    : VARCHAR_MAX_LENGTH);
        break;
    }
    case SHOAL_FUNC_CONCAT: { /* Redshift's: two arguments, NULL when either is (as ||) */
        if (argc != 2) return no_such_function(b, c, args, argc);
        for (int i = 0; i < 2; i++) args[i] = arg_string(b, args[i]);
        uint64_t l0 = args[0]->type.length, l1 = args[1]->type.length;
        t = l0 && l1 ? varchar_of(l0 + l1) : varchar;
        break;
    }
    case SHOAL_FUNC_CHR:
        if (argc != 1 || (args[0] = arg_bigint(b, args[0])) == NULL) return no_such_function(b, c, args, argc);
        t = varchar_of(1);
        break;
    case SHOAL_FUNC_ADD_MONTHS: {
        shoal_expr *x = argc == 2 ? arg_temporal(b, args[0], ts) : NULL, *n = argc == 2 ? arg_bigint(b, args[1]) : NULL;
        if (x == NULL || n == NULL) return no_such_function(b, c, args, argc);
        args[0] = x;
        args[1] = n;
        t = ts;
        break;
    }
    case SHOAL_FUNC_LAST_DAY: {
        shoal_expr *x = argc == 1 ? arg_temporal(b, args[0], date) : NULL;
        if (x == NULL) return no_such_function(b, c, args, argc);
        args[0] = x;
        t = date;
        break;
    }
    case SHOAL_FUNC_TO_CHAR: {
        if (argc != 2) return no_such_function(b, c, args, argc);
        shoal_expr *x = coerce_literal(b, args[0], ts);
        shoal_type xt = x->type;
        if (is_temporal(xt)) x = shoal_bind_cast(b, x, ts);
        else if (is_integer(xt)) x = shoal_bind_cast(b, x, shoal_type_make(SHOAL_TYPE_BIGINT));
        else if (is_float(xt)) x = shoal_bind_cast(b, x, dbl);
        else if (is_null_const(x)) x = shoal_bind_cast(b, x, ts);
        else if (xt.id != SHOAL_TYPE_DECIMAL) return no_such_function(b, c, args, argc);
        args[0] = x;
        args[1] = arg_string(b, args[1]);
        t = varchar_of(VARCHAR_MAX_LENGTH);
        break;
    }
    case SHOAL_FUNC_TO_DATE: /* (text, format[, is_strict]) */
    case SHOAL_FUNC_TO_TIMESTAMP:
        if (argc != 2 && !(argc == 3 && f == SHOAL_FUNC_TO_DATE)) return no_such_function(b, c, args, argc);
        if (argc == 3) {
            args[2] = coerce_literal(b, args[2], shoal_type_make(SHOAL_TYPE_BOOLEAN));
            if (args[2]->type.id != SHOAL_TYPE_BOOLEAN && !is_null_const(args[2])) return no_such_function(b, c, args, argc);
            args[2] = shoal_bind_cast(b, args[2], shoal_type_make(SHOAL_TYPE_BOOLEAN));
        }
        args[0] = arg_string(b, args[0]);
        args[1] = arg_string(b, args[1]);
        t = f == SHOAL_FUNC_TO_DATE ? date : ts;
        break;
    default: return no_such_function(b, c, args, argc);
    }
    return scalar_call(b, f, t, argc, args);
}

static shoal_extract_field extract_field_of(shoal_datepart_kind p)
{
    switch (p) {
    case SHOAL_DATEPART_YEAR: return SHOAL_EXTRACT_YEAR;
    case SHOAL_DATEPART_QUARTER: return SHOAL_EXTRACT_QUARTER;
    case SHOAL_DATEPART_MONTH: return SHOAL_EXTRACT_MONTH;
    case SHOAL_DATEPART_DAY: return SHOAL_EXTRACT_DAY;
    case SHOAL_DATEPART_DAYOFWEEK: return SHOAL_EXTRACT_DOW;
    case SHOAL_DATEPART_DAYOFYEAR: return SHOAL_EXTRACT_DOY;
    case SHOAL_DATEPART_HOUR: return SHOAL_EXTRACT_HOUR;
    case SHOAL_DATEPART_MINUTE: return SHOAL_EXTRACT_MINUTE;
    case SHOAL_DATEPART_SECOND: return SHOAL_EXTRACT_SECOND;
    case SHOAL_DATEPART_EPOCH: return SHOAL_EXTRACT_EPOCH;
    default: return 0;
    }
}

/* ---- window functions ---- */

static bool window_func_of(const shoal_ast_func_call *c, shoal_window_func *f)
{
    static const struct { const char *name; shoal_window_func f; } names[] = {
        {"row_number", SHOAL_WIN_ROW_NUMBER}, {"rank", SHOAL_WIN_RANK},         {"dense_rank", SHOAL_WIN_DENSE_RANK},
        {"lag", SHOAL_WIN_LAG},               {"lead", SHOAL_WIN_LEAD},         {"first_value", SHOAL_WIN_FIRST_VALUE},
        {"last_value", SHOAL_WIN_LAST_VALUE}, {"count", SHOAL_WIN_COUNT},       {"sum", SHOAL_WIN_SUM},
        {"avg", SHOAL_WIN_AVG},               {"min", SHOAL_WIN_MIN},           {"max", SHOAL_WIN_MAX},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(c->name, names[i].name) == 0) {
            *f = names[i].f;
            if (*f == SHOAL_WIN_COUNT && c->star) *f = SHOAL_WIN_COUNT_STAR;
            return true;
        }
    return false;
}

/* A frame bound as an offset from the current row (INT64_MIN/MAX: unbounded). */
static bool frame_offset(shoal_binder *b, const shoal_ast_frame_bound *fb, int64_t *out)
{
    switch (fb->kind) {
    case SHOAL_AST_BOUND_UNBOUNDED_PRECEDING: *out = INT64_MIN; return true;
    case SHOAL_AST_BOUND_UNBOUNDED_FOLLOWING: *out = INT64_MAX; return true;
    case SHOAL_AST_BOUND_CURRENT_ROW: *out = 0; return true;
    case SHOAL_AST_BOUND_PRECEDING:
    case SHOAL_AST_BOUND_FOLLOWING: {
        const shoal_ast_node *o = fb->offset;
        if (!shoal_is_a(o, literal) || ((const shoal_ast_literal *)o)->kind != SHOAL_AST_LITERAL_INTEGER ||
            ((const shoal_ast_literal *)o)->integer < 0) {
            shoal_bind_error(b, o ? o->loc : (shoal_location){0, 0, 0}, "22013", "frame offsets must be non-negative integer constants");
            return false;
        }
        int64_t n = ((const shoal_ast_literal *)o)->integer;
        *out = fb->kind == SHOAL_AST_BOUND_PRECEDING ? -n : n;
        return true;
    }
    }
    return false;
}

static shoal_expr *bind_window(shoal_binder *b, const shoal_ast_func_call *c)
{
    shoal_window_func f;
    if (!b->allow_windows)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_GROUPING_ERROR, "window functions are not allowed here");
    if (!window_func_of(c, &f))
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "%s is not a window function", c->name);
    if (c->distinct || c->filter)
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "DISTINCT and FILTER in window functions are not supported");
    if (b->window_count == SHOAL_MAX_WINDOWS)
        return shoal_bind_error(b, c->node.loc, "54001", "more than %d window functions", SHOAL_MAX_WINDOWS);
    const shoal_ast_window_spec *ws = c->over;
    if (ws->partition_by.count > SHOAL_MAX_WINDOW_KEYS || ws->order_by.count > SHOAL_MAX_WINDOW_KEYS)
        return shoal_bind_error(b, c->node.loc, "54001", "more than %d PARTITION BY or ORDER BY keys", SHOAL_MAX_WINDOW_KEYS);
    shoal_bound_window w;
    memset(&w, 0, sizeof w);
    w.spec.func = (uint8_t)f;
    w.spec.arg = -1;
    w.spec.default_arg = -1;
    w.spec.offset = 1;
    bool allow = b->allow_windows;
    b->allow_windows = false; /* no windows inside windows */
    int argc = c->args.count;
    int want_min = 0, want_max = 0;
    switch (f) {
    case SHOAL_WIN_ROW_NUMBER:
    case SHOAL_WIN_RANK:
    case SHOAL_WIN_DENSE_RANK:
    case SHOAL_WIN_COUNT_STAR: break;
    case SHOAL_WIN_LAG:
    case SHOAL_WIN_LEAD: want_min = 1, want_max = 3; break;
    default: want_min = want_max = 1; break;
    }
    if (argc < want_min || argc > want_max) {
        b->allow_windows = allow;
        return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s with %d argument%s does not exist",
                                c->name, argc, argc == 1 ? "" : "s");
    }
    if (argc >= 1 && (w.arg = settle_type(b, bind(b, shoal_ast_list_at(&c->args, 0)))) == NULL) return b->allow_windows = allow, NULL;
    if (argc >= 2) {
        const shoal_ast_node *o = shoal_ast_list_at(&c->args, 1);
        if (!shoal_is_a(o, literal) || ((const shoal_ast_literal *)o)->kind != SHOAL_AST_LITERAL_INTEGER ||
            ((const shoal_ast_literal *)o)->integer < 0) {
            b->allow_windows = allow;
            return shoal_bind_error(b, o->loc, "22023", "the offset of %s must be a non-negative integer constant", c->name);
        }
        w.spec.offset = ((const shoal_ast_literal *)o)->integer;
    }
    if (argc == 3) {
        shoal_expr *d = bind(b, shoal_ast_list_at(&c->args, 2));
        if (d == NULL) return b->allow_windows = allow, NULL;
        if ((w.default_value = shoal_bind_cast(b, coerce_literal(b, d, w.arg->type), w.arg->type)) == NULL) return b->allow_windows = allow, NULL;
    }
    for (int i = 0; i < ws->partition_by.count; i++)
        if ((w.partition[w.npartition++] = settle_type(b, bind(b, shoal_ast_list_at(&ws->partition_by, i)))) == NULL)
            return b->allow_windows = allow, NULL;
    for (int i = 0; i < ws->order_by.count; i++) {
        const shoal_ast_sort_item *s = (const shoal_ast_sort_item *)shoal_ast_list_at(&ws->order_by, i);
        if ((w.order[w.norder] = settle_type(b, bind(b, s->expr))) == NULL) return b->allow_windows = allow, NULL;
        w.descending[w.norder] = s->direction == SHOAL_AST_SORT_DESC;
        w.nulls_first[w.norder] = s->nulls == SHOAL_AST_NULLS_DEFAULT ? w.descending[w.norder] : s->nulls == SHOAL_AST_NULLS_FIRST;
        w.norder++;
    }
    b->allow_windows = allow;
    /* the frame */
    w.spec.frame = SHOAL_FRAME_DEFAULT;
    if (ws->frame_mode != SHOAL_AST_FRAME_NONE) {
        int64_t lo, hi;
        if (!frame_offset(b, &ws->frame_start, &lo) || !frame_offset(b, &ws->frame_end, &hi)) return NULL;
        if (ws->frame_mode == SHOAL_AST_FRAME_RANGE) {
            /* RANGE with offsets needs value arithmetic on the order key: only the unbounded forms */
            if (lo == INT64_MIN && hi == 0) {
                w.spec.frame = SHOAL_FRAME_DEFAULT;
            } else if (lo == INT64_MIN && hi == INT64_MAX) {
                w.spec.frame = SHOAL_FRAME_ROWS;
                w.spec.frame_start = lo;
                w.spec.frame_end = hi;
            } else {
                return shoal_bind_error(b, ws->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                        "RANGE frames with offsets are not supported yet (use ROWS)");
            }
        } else {
            if (lo > hi || lo == INT64_MAX || hi == INT64_MIN)
                return shoal_bind_error(b, ws->node.loc, "42P20", "the frame starts after it ends");
            w.spec.frame = SHOAL_FRAME_ROWS;
            w.spec.frame_start = lo;
            w.spec.frame_end = hi;
        }
    }
    /* result type */
    switch (f) {
    case SHOAL_WIN_ROW_NUMBER:
    case SHOAL_WIN_RANK:
    case SHOAL_WIN_DENSE_RANK:
    case SHOAL_WIN_COUNT:
    case SHOAL_WIN_COUNT_STAR: w.spec.result_type = shoal_type_make(SHOAL_TYPE_BIGINT); break;
    case SHOAL_WIN_SUM:
    case SHOAL_WIN_AVG: {
        if (!is_numeric(w.arg->type)) {
            char t[48];
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s(%s) does not exist", c->name,
                                    type_text(w.arg->type, t));
        }
        shoal_agg_spec as = {0};
        as.func = f == SHOAL_WIN_SUM ? SHOAL_AGG_SUM : SHOAL_AGG_AVG;
        as.input_type = w.arg->type;
        w.spec.result_type = shoal_agg_result_type(&as);
        break;
    }
    default: w.spec.result_type = w.arg->type; break;
    }
    b->windows[b->window_count] = w;
    return shoal_expr_column(b->arena, SHOAL_WINDOW_COLUMN_BASE + b->window_count++, w.spec.result_type);
}

static shoal_expr *bind_function(shoal_binder *b, const shoal_ast_func_call *c)
{
    shoal_agg_func af;
    if (c->over) return bind_window(b, c);
    if (agg_func_of(c->name, &af)) return bind_aggregate(b, c, af);
    int argc = c->args.count;
    const char *name = c->name;
    if ((strcmp(name, "date_part") == 0 || strcmp(name, "extract") == 0) && argc == 2) {
        const shoal_ast_node *p = shoal_ast_list_at(&c->args, 0);
        shoal_extract_field field = shoal_is_a(p, datepart) ? extract_field_of(((const shoal_ast_datepart *)p)->part) : 0;
        if (field == 0)
            return shoal_bind_error(b, p->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "this date part is not supported by EXTRACT yet");
        shoal_expr *x = bind(b, shoal_ast_list_at(&c->args, 1));
        if (x == NULL) return NULL;
        x = coerce_literal(b, x, shoal_type_make(SHOAL_TYPE_TIMESTAMP));
        if (!is_temporal(x->type))
            return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "EXTRACT needs a date or timestamp");
        shoal_expr *args[1] = {x};
        shoal_expr *e = shoal_expr_func(b->arena, SHOAL_FUNC_EXTRACT,
                                        shoal_type_make(field == SHOAL_EXTRACT_EPOCH ? SHOAL_TYPE_BIGINT : SHOAL_TYPE_INTEGER), 1, args);
        e->extract_field = (uint8_t)field;
        return fold(b, e);
    }
    bool handled;
    shoal_expr *scalar = bind_scalar_function(b, c, &handled);
    if (handled) return scalar;
    shoal_expr *args[8];
    if (argc > 8) return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s does not exist", name);
    for (int i = 0; i < argc; i++)
        if ((args[i] = bind(b, shoal_ast_list_at(&c->args, i))) == NULL) return NULL;
    shoal_type varchar = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    shoal_type integer = shoal_type_make(SHOAL_TYPE_INTEGER);
    if ((strcmp(name, "substring") == 0 || strcmp(name, "substr") == 0) && (argc == 2 || argc == 3)) {
        args[0] = shoal_bind_cast(b, args[0], varchar);
        for (int i = 1; i < argc; i++) args[i] = shoal_bind_cast(b, args[i], integer);
        return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_SUBSTRING, shoal_type_string(SHOAL_TYPE_VARCHAR, args[0]->type.length), argc, args));
    }
    if ((strcmp(name, "upper") == 0 || strcmp(name, "lower") == 0 || strcmp(name, "btrim") == 0 ||
         strcmp(name, "trim") == 0) && argc == 1) {
        args[0] = shoal_bind_cast(b, args[0], varchar);
        shoal_func f = name[0] == 'u' ? SHOAL_FUNC_UPPER : name[0] == 'l' ? SHOAL_FUNC_LOWER : SHOAL_FUNC_TRIM;
        return fold(b, shoal_expr_func(b->arena, f, args[0]->type, 1, args));
    }
    if ((strcmp(name, "length") == 0 || strcmp(name, "len") == 0 || strcmp(name, "char_length") == 0) && argc == 1) {
        args[0] = shoal_bind_cast(b, args[0], varchar);
        return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_LENGTH, integer, 1, args));
    }
    if (strcmp(name, "abs") == 0 && argc == 1 && is_numeric(args[0]->type))
        return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_ABS, args[0]->type, 1, args));
    if (strcmp(name, "round") == 0 && (argc == 1 || argc == 2) && is_numeric(args[0]->type)) {
        shoal_type t = args[0]->type;
        if (argc == 2) {
            args[1] = shoal_bind_cast(b, args[1], integer);
            if (t.id == SHOAL_TYPE_DECIMAL && is_const(args[1]) && !args[1]->constant.is_null) {
                int64_t d = args[1]->constant.v.i64;
                if (d >= 0 && d < t.scale) t = shoal_type_decimal(t.precision, (int)d);
            }
        } else if (t.id == SHOAL_TYPE_DECIMAL) {
            t = shoal_type_decimal(t.precision, 0);
        }
        return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_ROUND, t, argc, args));
    }
    if ((strcmp(name, "coalesce") == 0 || strcmp(name, "nvl") == 0) && argc >= 1) {
        shoal_type t = shoal_type_make(SHOAL_TYPE_INVALID);
        for (int i = 0; i < argc; i++) {
            args[i] = coerce_literal(b, args[i], t);
            if (!common_type(t, args[i]->type, &t))
                return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "COALESCE types do not match");
        }
        for (int i = 0; i < argc; i++) args[i] = shoal_bind_cast(b, args[i], t);
        shoal_expr **copy = shoal_arena_alloc(b->arena, sizeof(shoal_expr *) * (size_t)argc);
        memcpy(copy, args, sizeof(shoal_expr *) * (size_t)argc);
        return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_COALESCE, t, argc, copy));
    }
    return shoal_bind_error(b, c->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "function %s with %d argument%s does not exist",
                            name, argc, argc == 1 ? "" : "s");
}

static shoal_expr *bind(shoal_binder *b, const shoal_ast_node *n)
{
    if (b->failed) return NULL;
    /* above the aggregation, a whole GROUP BY expression becomes its key column */
    if (b->aggregating && b->key_count > 0 && !shoal_is_a(n, literal) && !shoal_ast_has_aggregate(n)) {
        shoal_binder trial = *b;
        trial.quiet = true;
        trial.aggregating = false;
        trial.column_used = NULL;
        shoal_expr *pre = bind(&trial, n);
        if (pre && !trial.failed)
            for (int k = 0; k < b->key_count; k++)
                if (expr_equal(pre, b->keys[k])) return shoal_expr_column(b->arena, k, pre->type);
    }
    switch (n->tag) {
    case SHOAL_AST_LITERAL: return bind_literal(b, (const shoal_ast_literal *)n);
    case SHOAL_AST_COLUMN_REF: return bind_column(b, (const shoal_ast_column_ref *)n);
    case SHOAL_AST_BINARY: {
        const shoal_ast_binary *x = (const shoal_ast_binary *)n;
        shoal_func f = comparison_func(x->op);
        if (f == 0) return bind_arith(b, x);
        shoal_expr *l = bind(b, x->left), *r = l ? bind(b, x->right) : NULL;
        return r ? compare(b, x->op_loc, f, l, r) : NULL;
    }
    case SHOAL_AST_UNARY: {
        const shoal_ast_unary *x = (const shoal_ast_unary *)n;
        shoal_expr *e = bind(b, x->operand);
        if (e == NULL) return NULL;
        if (x->op == SHOAL_AST_NOT) {
            shoal_expr *args[1] = {require_bool(b, e, x->operand->loc, "NOT")};
            return args[0] ? fold(b, shoal_expr_node(b->arena, SHOAL_EXPR_NOT, args[0]->type, 1, args)) : NULL;
        }
        if (!is_numeric(e->type)) {
            char t[48];
            return shoal_bind_error(b, n->loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "operator does not exist: - %s", type_text(e->type, t));
        }
        shoal_expr *args[1] = {e};
        return fold(b, shoal_expr_func(b->arena, SHOAL_FUNC_NEG, e->type, 1, args));
    }
    case SHOAL_AST_BOOL_EXPR: return bind_bool(b, (const shoal_ast_bool_expr *)n);
    case SHOAL_AST_FUNC_CALL: return bind_function(b, (const shoal_ast_func_call *)n);
    case SHOAL_AST_CASE_EXPR: return bind_case(b, (const shoal_ast_case_expr *)n);
    case SHOAL_AST_CAST_EXPR: {
        const shoal_ast_cast_expr *x = (const shoal_ast_cast_expr *)n;
        shoal_expr *e = bind(b, x->expr);
        return e ? shoal_bind_cast(b, e, shoal_bind_type(x->type)) : NULL;
    }
    case SHOAL_AST_BETWEEN: {
        const shoal_ast_between *x = (const shoal_ast_between *)n;
        shoal_expr *e = bind(b, x->expr), *lo = e ? bind(b, x->low) : NULL, *hi = lo ? bind(b, x->high) : NULL;
        if (hi == NULL) return NULL;
        shoal_expr *args[2] = {compare(b, x->node.loc, SHOAL_FUNC_GE, e, lo), NULL};
        if (args[0] == NULL || (args[1] = compare(b, x->node.loc, SHOAL_FUNC_LE, e, hi)) == NULL) return NULL;
        shoal_expr **copy = shoal_arena_alloc(b->arena, sizeof args);
        memcpy(copy, args, sizeof args);
        shoal_expr *both = fold(b, shoal_expr_node(b->arena, SHOAL_EXPR_AND, shoal_type_make(SHOAL_TYPE_BOOLEAN), 2, copy));
        if (!x->negated) return both;
        shoal_expr *neg[1] = {both};
        return fold(b, shoal_expr_node(b->arena, SHOAL_EXPR_NOT, both->type, 1, neg));
    }
    case SHOAL_AST_IN_LIST: {
        const shoal_ast_in_list *x = (const shoal_ast_in_list *)n;
        shoal_expr *e = bind(b, x->expr);
        if (e == NULL) return NULL;
        int count = x->items.count + 1;
        shoal_expr **args = shoal_arena_alloc(b->arena, sizeof(shoal_expr *) * (size_t)count);
        shoal_type t = e->type;
        for (int i = 1; i < count; i++) {
            if ((args[i] = bind(b, shoal_ast_list_at(&x->items, i - 1))) == NULL) return NULL;
            args[i] = char_constant(b, coerce_literal(b, args[i], e->type), e->type);
            if (!common_type(t, args[i]->type, &t))
                return shoal_bind_error(b, args[i] ? shoal_ast_list_at(&x->items, i - 1)->loc : n->loc,
                                        SHOAL_SQLSTATE_DATATYPE_MISMATCH, "IN list types do not match");
        }
        args[0] = shoal_bind_cast(b, e, t);
        for (int i = 1; i < count; i++) {
            args[i] = shoal_bind_cast(b, args[i], t);
            if (!is_const(args[i]))
                return shoal_bind_error(b, shoal_ast_list_at(&x->items, i - 1)->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                        "IN lists of non-constant expressions are not supported yet");
        }
        shoal_expr *in = shoal_expr_node(b->arena, SHOAL_EXPR_IN_LIST, shoal_type_make(SHOAL_TYPE_BOOLEAN), count, args);
        in->negated = x->negated;
        return fold(b, in);
    }
    case SHOAL_AST_LIKE: {
        const shoal_ast_like *x = (const shoal_ast_like *)n;
        if (x->kind == SHOAL_AST_LIKE_SIMILAR || x->escape)
            return shoal_bind_error(b, n->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "SIMILAR TO and LIKE ... ESCAPE are not supported yet");
        shoal_expr *e = bind(b, x->expr), *p = e ? bind(b, x->pattern) : NULL;
        if (p == NULL) return NULL;
        if (!is_const(p))
            return shoal_bind_error(b, x->pattern->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "LIKE patterns must be constants");
        shoal_expr *args[2] = {shoal_bind_cast(b, e, shoal_type_string(SHOAL_TYPE_VARCHAR, 0)),
                               shoal_bind_cast(b, p, shoal_type_string(SHOAL_TYPE_VARCHAR, 0))};
        shoal_expr **copy = shoal_arena_alloc(b->arena, sizeof args);
        memcpy(copy, args, sizeof args);
        shoal_expr *like = shoal_expr_node(b->arena, SHOAL_EXPR_LIKE, shoal_type_make(SHOAL_TYPE_BOOLEAN), 2, copy);
        like->negated = x->negated;
        like->case_insensitive = x->kind == SHOAL_AST_LIKE_ILIKE;
        return fold(b, like);
    }
    case SHOAL_AST_IS_TEST: {
        const shoal_ast_is_test *x = (const shoal_ast_is_test *)n;
        shoal_expr *e = bind(b, x->expr);
        if (e == NULL) return NULL;
        if (x->test != SHOAL_AST_IS_NULL)
            return shoal_bind_error(b, n->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "IS TRUE/FALSE/UNKNOWN is not supported yet");
        shoal_expr *args[1] = {settle_type(b, e)};
        shoal_expr *t = shoal_expr_node(b->arena, SHOAL_EXPR_IS_NULL, shoal_type_make(SHOAL_TYPE_BOOLEAN), 1, args);
        t->negated = x->negated;
        return fold(b, t);
    }
    case SHOAL_AST_SUBQUERY_EXPR: {
        for (int i = 0; i < b->subquery_count; i++)
            if (b->subqueries[i].node == n) return b->subqueries[i].value;
        const shoal_ast_subquery_expr *q = (const shoal_ast_subquery_expr *)n;
        if (q->kind == SHOAL_AST_SUBQUERY_SCALAR && b->eval_subquery) {
            shoal_binder inner = *b;
            inner.aggregating = false;
            return b->eval_subquery(b->eval_arg, &inner, q);
        }
        return shoal_bind_error(b, n->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                "this kind of subquery is not supported here yet (use it in WHERE: EXISTS, IN, or a comparison)");
    }
    case SHOAL_AST_STAR:
        return shoal_bind_error(b, n->loc, SHOAL_SQLSTATE_SYNTAX, "* is only allowed in the select list");
    default:
        return shoal_bind_error(b, n->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "%s expressions are not supported yet",
                                shoal_ast_tag_name(n->tag));
    }
}

/* A bare NULL has no type of its own; where nothing gave it one it is VARCHAR (as PostgreSQL's
 * unknown resolves to text). */
static shoal_expr *settle_type(shoal_binder *b, shoal_expr *e)
{
    if (e && e->type.id == SHOAL_TYPE_INVALID) return const_of(b, shoal_type_string(SHOAL_TYPE_VARCHAR, 0), true);
    return e;
}

shoal_expr *shoal_bind_expr(shoal_binder *b, const shoal_ast_node *node)
{
    b->aggregating = false;
    return settle_type(b, bind(b, node));
}

shoal_expr *shoal_bind_condition(shoal_binder *b, const shoal_ast_node *node, bool post_agg)
{
    b->aggregating = post_agg;
    shoal_expr *e = bind(b, node);
    b->aggregating = false;
    if (e && e->type.id == SHOAL_TYPE_INVALID) return const_of(b, shoal_type_make(SHOAL_TYPE_BOOLEAN), true);
    return e;
}

shoal_expr *shoal_bind_post_agg_expr(shoal_binder *b, const shoal_ast_node *node)
{
    b->aggregating = true;
    shoal_expr *e = bind(b, node);
    b->aggregating = false;
    return settle_type(b, e);
}

shoal_expr *shoal_expr_remapped(shoal_arena *a, const shoal_expr *e, const int *map)
{
    /* a copy: bound trees share subtrees (BETWEEN's operand, CASE's), so no in-place edit */
    shoal_expr *c = shoal_arena_alloc(a, sizeof *c);
    *c = *e;
    if (c->kind == SHOAL_EXPR_COLUMN) c->column = map[e->column];
    if (e->arg_count > 0) {
        c->args = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)e->arg_count);
        for (int i = 0; i < e->arg_count; i++) c->args[i] = shoal_expr_remapped(a, e->args[i], map);
    }
    return c;
}

const char *shoal_bind_output_name(const shoal_ast_target *t, shoal_arena *a)
{
    if (t->alias) return t->alias;
    const shoal_ast_node *e = t->expr;
    if (shoal_is_a(e, column_ref)) return ((const shoal_ast_column_ref *)e)->column;
    if (shoal_is_a(e, func_call)) return ((const shoal_ast_func_call *)e)->name;
    if (shoal_is_a(e, cast_expr) && shoal_is_a(((const shoal_ast_cast_expr *)e)->expr, column_ref))
        return ((const shoal_ast_column_ref *)((const shoal_ast_cast_expr *)e)->expr)->column;
    (void)a;
    return "?column?";
}

shoal_expr *shoal_bind_equality(shoal_binder *b, shoal_location loc, shoal_expr *x, shoal_expr *y)
{
    return compare(b, loc, SHOAL_FUNC_EQ, settle_type(b, x), settle_type(b, y));
}

bool shoal_bound_expr_equal(const shoal_expr *x, const shoal_expr *y) { return expr_equal(x, y); }

bool shoal_bind_common_type(shoal_type a, shoal_type b, shoal_type *out) { return common_type(a, b, out); }
