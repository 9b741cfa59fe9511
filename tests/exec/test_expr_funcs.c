/* Tests of the scalar functions in engine/exec/expr_eval_funcs.c, evaluated over small
 * hand-made batches with hand-computed results: every function's values, NULLs and errors,
 * evaluation on selections (DECODE and NVL2 evaluate a branch only on its rows), argument
 * casts made by normalization, plans the evaluator refuses, and the wire form and EXPLAIN
 * text of the new nodes. */
#include "engine/exec/expr.h"

#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static shoal_arena A; /* the "plan" arena */

/* ---------------------------------- building ---------------------------------- */
static shoal_type T(shoal_type_id id) { return shoal_type_make(id); }
#define T_BOOL T(SHOAL_TYPE_BOOLEAN)
#define T_SMALL T(SHOAL_TYPE_SMALLINT)
#define T_INT T(SHOAL_TYPE_INTEGER)
#define T_BIG T(SHOAL_TYPE_BIGINT)
#define T_REAL T(SHOAL_TYPE_REAL)
#define T_DBL T(SHOAL_TYPE_DOUBLE)
#define T_DATE T(SHOAL_TYPE_DATE)
#define T_TS T(SHOAL_TYPE_TIMESTAMP)
#define T_STR shoal_type_string(SHOAL_TYPE_VARCHAR, 0)
#define T_CHAR shoal_type_string(SHOAL_TYPE_CHAR, 5)
static shoal_type DEC(int p, int s) { return shoal_type_decimal(p, s); }

/* Parses `text` as a value of type t into v ("NULL": NULL); aborts on bad test input. */
static void parse_value(shoal_type t, const char *text, shoal_value *v)
{
    memset(v, 0, sizeof *v);
    v->type = t;
    size_t n = strlen(text);
    if (strcmp(text, "NULL") == 0) {
        v->is_null = true;
        return;
    }
    bool ok = true;
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: {
        uint8_t b;
        ok = shoal_parse_bool(text, n, &b);
        v->v.i64 = b;
        break;
    }
    case SHOAL_TYPE_DECIMAL: {
        shoal_int128 x;
        ok = shoal_parse_decimal(text, n, t.precision, t.scale, &x);
        if (shoal_type_physical(t) == SHOAL_PHYS_I128) v->v.i128 = x;
        else v->v.i64 = (int64_t)x;
        break;
    }
    case SHOAL_TYPE_REAL:
    case SHOAL_TYPE_DOUBLE: ok = shoal_parse_double(text, n, &v->v.f64); break;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR: v->v.str.ptr = text; v->v.str.len = (uint32_t)n; break;
    case SHOAL_TYPE_DATE: {
        int32_t d;
        ok = shoal_parse_date(text, n, &d);
        v->v.i64 = d;
        break;
    }
    case SHOAL_TYPE_TIMESTAMP: ok = shoal_parse_timestamp(text, n, &v->v.i64); break;
    default: ok = shoal_parse_int64(text, n, &v->v.i64); break;
    }
    if (!ok) {
        printf("bad test value '%s'\n", text);
        abort();
    }
}

static shoal_expr *col(int c, shoal_type t) { return shoal_expr_column(&A, c, t); }
static shoal_expr *cv(shoal_type t, const char *text)
{
    shoal_value v;
    parse_value(t, text, &v);
    return shoal_expr_const(&A, v);
}
static shoal_expr *ci(int64_t x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)x);
    return cv(T_INT, shoal_arena_strdup(&A, buf));
}
static shoal_expr *cs(const char *s) { return cv(T_STR, s); }
static shoal_expr *cnull(shoal_type t) { return cv(t, "NULL"); }

static shoal_expr *fn(shoal_func f, shoal_type t, int n, ...)
{
    shoal_expr *args[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) args[i] = va_arg(ap, shoal_expr *);
    va_end(ap);
    return shoal_expr_func(&A, f, t, n, args);
}
static shoal_expr *unit_fn(shoal_func f, int unit, shoal_type t, int n, shoal_expr *a, shoal_expr *b)
{
    shoal_expr *e = n == 1 ? fn(f, t, 1, a) : fn(f, t, 2, a, b);
    e->extract_field = (uint8_t)unit;
    return e;
}
static shoal_expr *binop(shoal_func f, shoal_type t, shoal_expr *a, shoal_expr *b) { return fn(f, t, 2, a, b); }

/* ---------------------------------- batches ---------------------------------- */
/* ncols columns of the given types, nrows rows given as text, row-major. */
static shoal_batch *batch(int ncols, const shoal_type *types, int nrows, const char *const *cells)
{
    shoal_batch *b = malloc(sizeof *b);
    shoal_batch_init(b, ncols, types, (uint32_t)(nrows ? nrows : 1));
    for (int r = 0; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            shoal_vector *v = &b->columns[c];
            shoal_value x;
            parse_value(types[c], cells[r * ncols + c], &x);
            if (x.is_null) shoal_vector_append_null(v);
            else if (shoal_type_is_string(types[c])) shoal_vector_append_string(v, x.v.str.ptr, x.v.str.len);
            else if (types[c].id == SHOAL_TYPE_REAL || types[c].id == SHOAL_TYPE_DOUBLE) shoal_vector_append_f64(v, x.v.f64);
            else if (shoal_type_physical(types[c]) == SHOAL_PHYS_I128) shoal_vector_append_i128(v, x.v.i128);
            else shoal_vector_append_i64(v, x.v.i64);
        }
    b->count = (uint32_t)nrows;
    return b;
}
static void batch_free(shoal_batch *b)
{
    shoal_batch_free(b);
    free(b);
}
static void set_selection(shoal_batch *b, const char *rows)
{
    shoal_batch_select_all(b);
    b->sel_count = 0;
    for (const char *p = rows; *p;) {
        b->sel[b->sel_count++] = (uint32_t)strtoul(p, (char **)&p, 10);
        while (*p == ',') p++;
    }
}

/* ---------------------------------- running ---------------------------------- */
static char result_text[8192];

/* e over the selected rows of b: "v1|v2|..." or "ERROR code: message". */
static const char *eval_in(const shoal_expr *e, shoal_batch *b)
{
    shoal_expr_state *st = shoal_expr_state_create(e);
    shoal_vector out;
    shoal_vector_init(&out, e->type, 4);
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    size_t len = 0;
    result_text[0] = 0;
    if (!shoal_expr_eval(st, b, &out, &err)) {
        snprintf(result_text, sizeof result_text, "ERROR %s: %s", err.sqlstate, err.message);
    } else {
        CU_ASSERT_EQUAL(out.count, b->count);
        for (uint32_t i = 0; i < shoal_batch_rows(b); i++) {
            uint32_t r = shoal_batch_row(b, i);
            char cell[1024];
            if (shoal_vector_is_null(&out, r)) snprintf(cell, sizeof cell, "NULL");
            else shoal_vector_format(&out, r, cell, sizeof cell);
            len += (size_t)snprintf(result_text + len, sizeof result_text - len, "%s%s", i ? "|" : "", cell);
        }
    }
    shoal_vector_free(&out);
    shoal_expr_state_free(st);
    return result_text;
}
/* e over a one-column batch of the given cells (rows `sel` only, when not NULL). */
static const char *eval_col_sel(const shoal_expr *e, shoal_type t, int nrows, const char *const *cells, const char *sel)
{
    shoal_batch *b = batch(1, &t, nrows, cells);
    if (sel) set_selection(b, sel);
    eval_in(e, b);
    batch_free(b);
    return result_text;
}
static const char *eval_col(const shoal_expr *e, shoal_type t, int nrows, const char *const *cells)
{
    return eval_col_sel(e, t, nrows, cells, NULL);
}
/* e with no input columns, one row. */
static const char *eval_const(const shoal_expr *e)
{
    shoal_batch b;
    memset(&b, 0, sizeof b);
    b.count = 1;
    return eval_in(e, &b);
}

#define EXPECT(actual, expected)                                                                        \
    do {                                                                                                \
        const char *a_ = (actual), *e_ = (expected);                                                    \
        if (strcmp(a_, e_) != 0) printf("\n  %s:%d: got   \"%s\"\n  %*s expected \"%s\"\n", __FILE__, __LINE__, a_, (int)strlen(__FILE__) + 6, "", e_); \
        CU_ASSERT_STRING_EQUAL(a_, e_);                                                                 \
    } while (0)

/* ================================== conditionals ================================== */

static void test_nullif(void)
{
    shoal_type types[2] = {T_INT, T_INT};
    const char *cells[] = {"1", "1", "1", "2", "NULL", "1", "3", "NULL", "NULL", "NULL"};
    shoal_batch *b = batch(2, types, 5, cells);
    EXPECT(eval_in(fn(SHOAL_FUNC_NULLIF, T_INT, 2, col(0, T_INT), col(1, T_INT)), b), "NULL|1|NULL|3|NULL");
    set_selection(b, "1,3");
    EXPECT(eval_in(fn(SHOAL_FUNC_NULLIF, T_INT, 2, col(0, T_INT), col(1, T_INT)), b), "1|3");
    batch_free(b);
    const char *s[] = {"abc", "", "NULL", "ab"};
    EXPECT(eval_col(fn(SHOAL_FUNC_NULLIF, T_STR, 2, col(0, T_STR), cs("abc")), T_STR, 4, s), "NULL||NULL|ab");
    EXPECT(eval_col(fn(SHOAL_FUNC_NULLIF, T_STR, 2, col(0, T_STR), cs("")), T_STR, 4, s), "abc|NULL|NULL|ab");
    /* normalization casts the arguments to the result type: 1.50 = 1.5 */
    EXPECT(eval_const(fn(SHOAL_FUNC_NULLIF, DEC(10, 2), 2, cv(DEC(3, 2), "1.50"), cv(DEC(2, 1), "1.5"))), "NULL");
    EXPECT(eval_const(fn(SHOAL_FUNC_NULLIF, DEC(10, 2), 2, cv(DEC(3, 2), "1.50"), ci(1))), "1.50");
    EXPECT(eval_const(fn(SHOAL_FUNC_NULLIF, T_DBL, 2, cv(T_DBL, "0.5"), cv(T_DBL, "0.5"))), "NULL");
    EXPECT(eval_const(fn(SHOAL_FUNC_NULLIF, T_DATE, 2, cv(T_DATE, "2024-01-01"), cv(T_DATE, "2024-01-02"))), "2024-01-01");
}

static void test_decode(void)
{
    const char *xs[] = {"1", "2", "3", "NULL", "0"};
    shoal_expr *x = col(0, T_INT);
    shoal_expr *d = fn(SHOAL_FUNC_DECODE, T_STR, 6, x, ci(1), cs("one"), ci(2), cs("two"), cs("other"));
    EXPECT(eval_col(d, T_INT, 5, xs), "one|two|other|other|other");
    /* no default: NULL; NULL matches a NULL search */
    shoal_expr *n = fn(SHOAL_FUNC_DECODE, T_STR, 5, x, ci(1), cs("one"), cnull(T_INT), cs("none"));
    EXPECT(eval_col(n, T_INT, 5, xs), "one|NULL|NULL|none|NULL");
    /* a result is evaluated only on the rows its search matched: 10 / x never sees x = 0 */
    shoal_expr *safe = fn(SHOAL_FUNC_DECODE, T_INT, 4, x, ci(0), ci(-1), binop(SHOAL_FUNC_DIV, T_INT, ci(10), x));
    EXPECT(eval_col(safe, T_INT, 5, xs), "10|5|3|NULL|-1");
    shoal_expr *unsafe = fn(SHOAL_FUNC_DECODE, T_INT, 3, x, ci(1), binop(SHOAL_FUNC_DIV, T_INT, ci(10), x));
    EXPECT(eval_col(unsafe, T_INT, 5, xs), "10|NULL|NULL|NULL|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_DECODE, T_INT, 4, x, ci(1), binop(SHOAL_FUNC_DIV, T_INT, ci(10), x), ci(7)), T_INT, 5, xs),
           "10|7|7|7|7");
    /* on a selection */
    EXPECT(eval_col_sel(d, T_INT, 5, xs, "1,3"), "two|other");
    /* string keys */
    const char *ss[] = {"a", "b", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_DECODE, T_INT, 6, col(0, T_STR), cs("a"), ci(1), cs("b"), ci(2), ci(0)), T_STR, 3, ss), "1|2|0");
    /* normalization: searches take the expression's type, results the result type */
    EXPECT(eval_col(fn(SHOAL_FUNC_DECODE, T_BIG, 3, x, cv(T_BIG, "2"), cv(T_SMALL, "7")), T_INT, 5, xs), "NULL|7|NULL|NULL|NULL");
}

static void test_greatest_least(void)
{
    shoal_type types[3] = {T_INT, T_INT, T_INT};
    const char *cells[] = {"1", "5", "3", "NULL", "2", "NULL", "NULL", "NULL", "NULL", "-4", "-4", "-9"};
    shoal_batch *b = batch(3, types, 4, cells);
    shoal_expr *a = col(0, T_INT), *y = col(1, T_INT), *z = col(2, T_INT);
    EXPECT(eval_in(fn(SHOAL_FUNC_GREATEST, T_INT, 3, a, y, z), b), "5|2|NULL|-4");
    EXPECT(eval_in(fn(SHOAL_FUNC_LEAST, T_INT, 3, a, y, z), b), "1|2|NULL|-9");
    EXPECT(eval_in(fn(SHOAL_FUNC_GREATEST, T_INT, 1, a), b), "1|NULL|NULL|-4");
    set_selection(b, "0,3");
    EXPECT(eval_in(fn(SHOAL_FUNC_LEAST, T_INT, 2, a, y), b), "1|-4");
    batch_free(b);
    EXPECT(eval_const(fn(SHOAL_FUNC_GREATEST, T_STR, 3, cs("b"), cs("abc"), cs("a"))), "b");
    EXPECT(eval_const(fn(SHOAL_FUNC_LEAST, T_STR, 3, cs("b"), cs("abc"), cnull(T_STR))), "abc");
    EXPECT(eval_const(fn(SHOAL_FUNC_GREATEST, T_DBL, 3, cv(T_DBL, "1.5"), cv(T_DBL, "NaN"), cv(T_DBL, "2"))), "NaN");
    EXPECT(eval_const(fn(SHOAL_FUNC_LEAST, T_DBL, 3, cv(T_DBL, "1.5"), cv(T_DBL, "NaN"), cv(T_DBL, "-2"))), "-2");
    /* mixed types are cast to the result type */
    EXPECT(eval_const(fn(SHOAL_FUNC_GREATEST, DEC(12, 2), 2, ci(3), cv(DEC(3, 2), "2.50"))), "3.00");
    EXPECT(eval_const(fn(SHOAL_FUNC_LEAST, T_DATE, 2, cv(T_DATE, "2024-03-01"), cv(T_DATE, "2023-12-31"))), "2023-12-31");
    EXPECT(eval_const(fn(SHOAL_FUNC_GREATEST, T_BOOL, 2, cv(T_BOOL, "false"), cv(T_BOOL, "true"))), "t");
}

static void test_nvl2(void)
{
    const char *xs[] = {"1", "NULL", "0"};
    shoal_expr *x = col(0, T_INT);
    EXPECT(eval_col(fn(SHOAL_FUNC_NVL2, T_STR, 3, x, cs("set"), cs("unset")), T_INT, 3, xs), "set|unset|set");
    /* each branch only on its rows */
    EXPECT(eval_col(fn(SHOAL_FUNC_NVL2, T_INT, 3, x, binop(SHOAL_FUNC_DIV, T_INT, ci(6), binop(SHOAL_FUNC_ADD, T_INT, x, ci(1))), ci(-1)),
                    T_INT, 3, xs), "3|-1|6");
    EXPECT(eval_col(fn(SHOAL_FUNC_NVL2, T_INT, 3, x, binop(SHOAL_FUNC_DIV, T_INT, ci(6), x), ci(-1)), T_INT, 3, xs),
           "ERROR 22012: division by zero");
    EXPECT(eval_col_sel(fn(SHOAL_FUNC_NVL2, T_INT, 3, x, binop(SHOAL_FUNC_DIV, T_INT, ci(6), x), ci(-1)), T_INT, 3, xs, "0,1"),
           "6|-1");
    EXPECT(eval_col(fn(SHOAL_FUNC_NVL2, T_STR, 3, x, cnull(T_STR), cs("n")), T_INT, 3, xs), "NULL|n|NULL");
}

/* ==================================== numbers ==================================== */

static void test_trunc_ceil_floor(void)
{
    const char *decs[] = {"12.345", "-12.345", "0.999", "-0.001", "NULL", "99.995"};
    shoal_expr *x = col(0, DEC(10, 3));
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, DEC(10, 0), 1, x), DEC(10, 3), 6, decs), "12|-12|0|0|NULL|99");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, DEC(10, 2), 2, x, ci(2)), DEC(10, 3), 6, decs), "12.34|-12.34|0.99|0.00|NULL|99.99");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, DEC(10, 3), 2, x, ci(-1)), DEC(10, 3), 6, decs), "10.000|-10.000|0.000|0.000|NULL|90.000");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, DEC(10, 3), 2, x, ci(5)), DEC(10, 3), 6, decs), "12.345|-12.345|0.999|-0.001|NULL|99.995");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, DEC(10, 3), 2, x, cnull(T_INT)), DEC(10, 3), 6, decs), "NULL|NULL|NULL|NULL|NULL|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_CEIL, DEC(10, 0), 1, x), DEC(10, 3), 6, decs), "13|-12|1|0|NULL|100");
    EXPECT(eval_col(fn(SHOAL_FUNC_FLOOR, DEC(10, 0), 1, x), DEC(10, 3), 6, decs), "12|-13|0|-1|NULL|99");
    /* the result precision is checked */
    const char *big[] = {"9.5"};
    EXPECT(eval_col(fn(SHOAL_FUNC_CEIL, DEC(1, 0), 1, col(0, DEC(2, 1))), DEC(2, 1), 1, big), "ERROR 22003: numeric field overflow");
    /* integers: digits < 0 truncate toward zero */
    const char *ints[] = {"1299", "-1299", "5", "2147483647"};
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, T_INT, 2, col(0, T_INT), ci(-2)), T_INT, 4, ints), "1200|-1200|0|2147483600");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, T_INT, 2, col(0, T_INT), ci(-20)), T_INT, 4, ints), "0|0|0|0");
    EXPECT(eval_col(fn(SHOAL_FUNC_CEIL, T_INT, 1, col(0, T_INT)), T_INT, 4, ints), "1299|-1299|5|2147483647");
    /* doubles */
    const char *dbls[] = {"1.25", "-1.25", "-0.5", "2.999", "NULL"};
    shoal_expr *d = col(0, T_DBL);
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, T_DBL, 1, d), T_DBL, 5, dbls), "1|-1|0|2|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRUNC, T_DBL, 2, d, ci(1)), T_DBL, 5, dbls), "1.2|-1.2|-0.5|2.9|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_CEIL, T_DBL, 1, d), T_DBL, 5, dbls), "2|-1|0|3|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_FLOOR, T_DBL, 1, d), T_DBL, 5, dbls), "1|-2|-1|2|NULL");
    /* a wide decimal */
    const char *wide[] = {"12345678901234567890.5", "-12345678901234567890.5"};
    EXPECT(eval_col(fn(SHOAL_FUNC_FLOOR, DEC(38, 0), 1, col(0, DEC(38, 1))), DEC(38, 1), 2, wide),
           "12345678901234567890|-12345678901234567891");
}

static void test_mod_power_sqrt_sign(void)
{
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cv(T_DBL, "2"), cv(T_DBL, "10"))), "1024");
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cv(T_DBL, "-2"), cv(T_DBL, "3"))), "-8");
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cv(T_DBL, "4"), cv(T_DBL, "-0.5"))), "0.5");
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, ci(3), ci(2))), "9"); /* integers cast to DOUBLE */
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cv(T_DBL, "0"), cv(T_DBL, "-1"))),
           "ERROR 2201F: zero raised to a negative power is undefined");
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cv(T_DBL, "-8"), cv(T_DBL, "0.5"))),
           "ERROR 2201F: a negative number raised to a non-integer power yields a complex result");
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cv(T_DBL, "10"), cv(T_DBL, "400"))), "ERROR 22003: value out of range: overflow");
    EXPECT(eval_const(fn(SHOAL_FUNC_POWER, T_DBL, 2, cnull(T_DBL), cv(T_DBL, "-1"))), "NULL");
    const char *xs[] = {"16", "2", "0", "NULL", "-1"};
    EXPECT(eval_col(fn(SHOAL_FUNC_SQRT, T_DBL, 1, col(0, T_DBL)), T_DBL, 4, xs), "4|1.4142135623730951|0|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_SQRT, T_DBL, 1, col(0, T_DBL)), T_DBL, 5, xs), "ERROR 2201F: cannot take square root of a negative number");
    EXPECT(eval_col_sel(fn(SHOAL_FUNC_SQRT, T_DBL, 1, col(0, T_DBL)), T_DBL, 5, xs, "0,3"), "4|NULL"); /* -1 not selected */
    const char *ints[] = {"-5", "0", "7", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_SIGN, T_INT, 1, col(0, T_INT)), T_INT, 4, ints), "-1|0|1|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_SIGN, T_SMALL, 1, col(0, T_SMALL)), T_SMALL, 4, ints), "-1|0|1|NULL");
    const char *decs[] = {"-2.50", "0.00", "0.01"};
    EXPECT(eval_col(fn(SHOAL_FUNC_SIGN, DEC(1, 0), 1, col(0, DEC(5, 2))), DEC(5, 2), 3, decs), "-1|0|1");
    EXPECT(eval_col(fn(SHOAL_FUNC_SIGN, DEC(1, 0), 1, col(0, DEC(30, 2))), DEC(30, 2), 3, decs), "-1|0|1");
    const char *dbls[] = {"-0.1", "0", "3e10"};
    EXPECT(eval_col(fn(SHOAL_FUNC_SIGN, T_DBL, 1, col(0, T_DBL)), T_DBL, 3, dbls), "-1|0|1");
    /* MOD is the % operator (SHOAL_FUNC_MOD): the binder maps it */
    EXPECT(eval_const(binop(SHOAL_FUNC_MOD, T_INT, ci(-7), ci(3))), "-1");
}

/* ==================================== strings ==================================== */

static void test_position_left_right(void)
{
    const char *hs[] = {"hello", "h\xc3\xa9llo w\xc3\xb6rld", "", "NULL"};
    shoal_expr *h = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_POSITION, T_INT, 2, cs("l"), h), T_STR, 4, hs), "3|3|0|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_POSITION, T_INT, 2, cs("\xc3\xb6"), h), T_STR, 4, hs), "0|8|0|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_POSITION, T_INT, 2, cs(""), h), T_STR, 4, hs), "1|1|1|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_POSITION, T_INT, 2, cs("hello!"), h), T_STR, 4, hs), "0|0|0|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_LEFT, T_STR, 2, h, ci(2)), T_STR, 4, hs), "he|h\xc3\xa9||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_LEFT, T_STR, 2, h, ci(-9)), T_STR, 4, hs), "|h\xc3\xa9||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_LEFT, T_STR, 2, h, ci(0)), T_STR, 4, hs), "|||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_RIGHT, T_STR, 2, h, ci(4)), T_STR, 4, hs), "ello|\xc3\xb6rld||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_RIGHT, T_STR, 2, h, ci(-2)), T_STR, 4, hs), "llo|llo w\xc3\xb6rld||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_RIGHT, T_STR, 2, h, ci(100)), T_STR, 4, hs), "hello|h\xc3\xa9llo w\xc3\xb6rld||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_LEFT, T_STR, 2, h, cv(T_BIG, "-9223372036854775808")), T_STR, 4, hs), "|||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_RIGHT, T_STR, 2, h, cnull(T_INT)), T_STR, 4, hs), "NULL|NULL|NULL|NULL");
}

static void test_replace_split_part(void)
{
    const char *ss[] = {"abcabc", "aaa", "", "NULL", "h\xc3\xa9llo"};
    shoal_expr *s = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_REPLACE, T_STR, 3, s, cs("b"), cs("XY")), T_STR, 5, ss), "aXYcaXYc|aaa||NULL|h\xc3\xa9llo");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPLACE, T_STR, 3, s, cs("aa"), cs("b")), T_STR, 5, ss), "abcabc|ba||NULL|h\xc3\xa9llo");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPLACE, T_STR, 3, s, cs(""), cs("b")), T_STR, 5, ss), "abcabc|aaa||NULL|h\xc3\xa9llo");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPLACE, T_STR, 3, s, cs("\xc3\xa9"), cs("")), T_STR, 5, ss), "abcabc|aaa||NULL|hllo");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPLACE, T_STR, 3, s, cs("a"), cnull(T_STR)), T_STR, 5, ss), "NULL|NULL|NULL|NULL|NULL");
    const char *ps[] = {"a,b,,c", "abc", "", "NULL", ",x,"};
    shoal_expr *p = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(","), ci(1)), T_STR, 5, ps), "a|abc||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(","), ci(2)), T_STR, 5, ps), "b|||NULL|x");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(","), ci(3)), T_STR, 5, ps), "|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(","), ci(4)), T_STR, 5, ps), "c|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(""), ci(1)), T_STR, 5, ps), "a,b,,c|abc||NULL|,x,");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(""), ci(2)), T_STR, 5, ps), "|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs("b,"), ci(2)), T_STR, 5, ps), ",c|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(","), ci(0)), T_STR, 5, ps),
           "ERROR 22023: field position must be greater than zero");
    EXPECT(eval_col_sel(fn(SHOAL_FUNC_SPLIT_PART, T_STR, 3, p, cs(","), ci(-1)), T_STR, 5, ps, "3"), "NULL");
}

static void test_trims_pads(void)
{
    const char *ss[] = {"  pad  ", "xxaxx", "", "NULL", "\xc3\xa9\xc3\xa9" "a" "\xc3\xa9"};
    shoal_expr *s = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_LTRIM, T_STR, 1, s), T_STR, 5, ss), "pad  |xxaxx||NULL|\xc3\xa9\xc3\xa9" "a" "\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_RTRIM, T_STR, 1, s), T_STR, 5, ss), "  pad|xxaxx||NULL|\xc3\xa9\xc3\xa9" "a" "\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_BTRIM, T_STR, 1, s), T_STR, 5, ss), "pad|xxaxx||NULL|\xc3\xa9\xc3\xa9" "a" "\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_LTRIM, T_STR, 2, s, cs("x ")), T_STR, 5, ss), "pad  |axx||NULL|\xc3\xa9\xc3\xa9" "a" "\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_RTRIM, T_STR, 2, s, cs("x")), T_STR, 5, ss), "  pad  |xxa||NULL|\xc3\xa9\xc3\xa9" "a" "\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_BTRIM, T_STR, 2, s, cs("\xc3\xa9x")), T_STR, 5, ss), "  pad  |a||NULL|a");
    EXPECT(eval_col(fn(SHOAL_FUNC_BTRIM, T_STR, 2, s, cs("")), T_STR, 5, ss), "  pad  |xxaxx||NULL|\xc3\xa9\xc3\xa9" "a" "\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_BTRIM, T_STR, 2, s, cnull(T_STR)), T_STR, 5, ss), "NULL|NULL|NULL|NULL|NULL");
    /* a character set per row */
    shoal_type types[2] = {T_STR, T_STR};
    const char *cells[] = {"xxaxx", "x", "yyay", "y", "zaz", "a"};
    shoal_batch *b = batch(2, types, 3, cells);
    EXPECT(eval_in(fn(SHOAL_FUNC_BTRIM, T_STR, 2, col(0, T_STR), col(1, T_STR)), b), "a|a|zaz");
    batch_free(b);
    const char *ps[] = {"ab", "hello", "", "NULL", "\xc3\xa9"};
    shoal_expr *p = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 3, p, ci(5), cs("xy")), T_STR, 5, ps), "xyxab|hello|xyxyx|NULL|xyxy\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_RPAD, T_STR, 3, p, ci(5), cs("xy")), T_STR, 5, ps), "abxyx|hello|xyxyx|NULL|\xc3\xa9xyxy");
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 2, p, ci(3)), T_STR, 5, ps), " ab|hel|   |NULL|  \xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_RPAD, T_STR, 2, p, ci(1)), T_STR, 5, ps), "a|h| |NULL|\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 3, p, ci(3), cs("\xc3\xb6")), T_STR, 5, ps),
           "\xc3\xb6" "ab|hel|\xc3\xb6\xc3\xb6\xc3\xb6|NULL|\xc3\xb6\xc3\xb6\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 3, p, ci(4), cs("")), T_STR, 5, ps), "ab|hell||NULL|\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 2, p, ci(0)), T_STR, 5, ps), "|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 2, p, ci(-3)), T_STR, 5, ps), "|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 2, p, cv(T_BIG, "100000000000")), T_STR, 2, ps), "ERROR 54000: requested length too large (a string result is limited to 16777216 bytes)");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPEAT, T_STR, 2, p, ci(3)), T_STR, 5, ps), "ababab|hellohellohello||NULL|\xc3\xa9\xc3\xa9\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPEAT, T_STR, 2, p, ci(0)), T_STR, 5, ps), "|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPEAT, T_STR, 2, p, ci(-1)), T_STR, 5, ps), "|||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_REPEAT, T_STR, 2, p, ci(20000000)), T_STR, 1, ps),
           "ERROR 54000: requested length too large (a string result is limited to 16777216 bytes)");
}

static void test_reverse_initcap_chr_ascii(void)
{
    const char *ss[] = {"abc", "h\xc3\xa9llo", "", "NULL", "hello wORLD foo-bar o'neil 3rd x1y \xc3\xa9t\xc3\xa9"};
    shoal_expr *s = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_REVERSE, T_STR, 1, s), T_STR, 4, ss), "cba|oll\xc3\xa9h||NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_INITCAP, T_STR, 1, s), T_STR, 5, ss),
           "Abc|H\xc3\xa9llo||NULL|Hello World Foo-Bar O'Neil 3rd X1y \xc3\xa9t\xc3\xa9");
    EXPECT(eval_col(fn(SHOAL_FUNC_ASCII, T_INT, 1, s), T_STR, 4, ss), "97|104|0|NULL");
    EXPECT(eval_const(fn(SHOAL_FUNC_ASCII, T_INT, 1, cs("\xc3\xa9"))), "233");
    EXPECT(eval_const(fn(SHOAL_FUNC_ASCII, T_INT, 1, cs("\xe2\x82\xac" "uro"))), "8364");
    EXPECT(eval_const(fn(SHOAL_FUNC_ASCII, T_INT, 1, cs("\xff"))), "255"); /* not UTF-8: the byte */
    const char *codes[] = {"65", "233", "8364", "128512", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_CHR, T_STR, 1, col(0, T_INT)), T_INT, 5, codes), "A|\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|NULL");
    EXPECT(eval_const(fn(SHOAL_FUNC_CHR, T_STR, 1, ci(0))), "ERROR 22023: null character not permitted");
    EXPECT(eval_const(fn(SHOAL_FUNC_CHR, T_STR, 1, ci(-1))), "ERROR 22023: requested character -1 is not a valid code point");
    EXPECT(eval_const(fn(SHOAL_FUNC_CHR, T_STR, 1, ci(0xD800))), "ERROR 22023: requested character 55296 is not a valid code point");
    EXPECT(eval_const(fn(SHOAL_FUNC_CHR, T_STR, 1, ci(0x110000))), "ERROR 22023: requested character 1114112 is not a valid code point");
}

/* ===================================== dates ===================================== */

static void test_date_trunc(void)
{
    const char *ts[] = {"2024-08-15 13:45:12.123456", "2000-01-01 00:00:00", "1969-12-31 23:59:59.999999", "NULL"};
    shoal_expr *x = col(0, T_TS);
    struct { int unit; const char *want; } cases[] = {
        {SHOAL_EXTRACT_MICROSECOND, "2024-08-15 13:45:12.123456|2000-01-01 00:00:00|1969-12-31 23:59:59.999999|NULL"},
        {SHOAL_EXTRACT_MILLISECOND, "2024-08-15 13:45:12.123000|2000-01-01 00:00:00|1969-12-31 23:59:59.999000|NULL"},
        {SHOAL_EXTRACT_SECOND, "2024-08-15 13:45:12|2000-01-01 00:00:00|1969-12-31 23:59:59|NULL"},
        {SHOAL_EXTRACT_MINUTE, "2024-08-15 13:45:00|2000-01-01 00:00:00|1969-12-31 23:59:00|NULL"},
        {SHOAL_EXTRACT_HOUR, "2024-08-15 13:00:00|2000-01-01 00:00:00|1969-12-31 23:00:00|NULL"},
        {SHOAL_EXTRACT_DAY, "2024-08-15 00:00:00|2000-01-01 00:00:00|1969-12-31 00:00:00|NULL"},
        {SHOAL_EXTRACT_WEEK, "2024-08-12 00:00:00|1999-12-27 00:00:00|1969-12-29 00:00:00|NULL"},
        {SHOAL_EXTRACT_MONTH, "2024-08-01 00:00:00|2000-01-01 00:00:00|1969-12-01 00:00:00|NULL"},
        {SHOAL_EXTRACT_QUARTER, "2024-07-01 00:00:00|2000-01-01 00:00:00|1969-10-01 00:00:00|NULL"},
        {SHOAL_EXTRACT_YEAR, "2024-01-01 00:00:00|2000-01-01 00:00:00|1969-01-01 00:00:00|NULL"},
        {SHOAL_EXTRACT_DECADE, "2020-01-01 00:00:00|2000-01-01 00:00:00|1960-01-01 00:00:00|NULL"},
        {SHOAL_EXTRACT_CENTURY, "2001-01-01 00:00:00|1901-01-01 00:00:00|1901-01-01 00:00:00|NULL"},
        {SHOAL_EXTRACT_MILLENNIUM, "2001-01-01 00:00:00|1001-01-01 00:00:00|1001-01-01 00:00:00|NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATE_TRUNC, cases[i].unit, T_TS, 1, x, NULL), T_TS, 4, ts), cases[i].want);
    /* a DATE argument is cast to TIMESTAMP */
    const char *ds[] = {"2024-03-17"};
    EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATE_TRUNC, SHOAL_EXTRACT_WEEK, T_TS, 1, col(0, T_DATE), NULL), T_DATE, 1, ds), "2024-03-11 00:00:00");
    shoal_value first_day; /* -4713-01-01, the calendar's first day: its century starts before it */
    memset(&first_day, 0, sizeof first_day);
    first_day.type = T_TS;
    first_day.v.i64 = -2440915LL * 86400000000LL;
    EXPECT(eval_const(unit_fn(SHOAL_FUNC_DATE_TRUNC, SHOAL_EXTRACT_CENTURY, T_TS, 1, shoal_expr_const(&A, first_day), NULL)),
           "ERROR 22008: timestamp out of range");
    EXPECT(eval_const(unit_fn(SHOAL_FUNC_DATE_TRUNC, SHOAL_EXTRACT_MONTH, T_TS, 1, shoal_expr_const(&A, first_day), NULL)),
           "-4713-01-01 00:00:00");
}

static void test_dateadd_add_months(void)
{
    const char *ts[] = {"2024-01-31 10:00:00", "2024-02-29 00:00:00", "2023-12-31 23:59:59.5", "NULL"};
    shoal_expr *x = col(0, T_TS);
    struct { int unit; const char *n, *want; } cases[] = {
        {SHOAL_EXTRACT_MONTH, "1", "2024-02-29 10:00:00|2024-03-29 00:00:00|2024-01-31 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_MONTH, "-1", "2023-12-31 10:00:00|2024-01-29 00:00:00|2023-11-30 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_YEAR, "1", "2025-01-31 10:00:00|2025-02-28 00:00:00|2024-12-31 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_QUARTER, "1", "2024-04-30 10:00:00|2024-05-29 00:00:00|2024-03-31 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_DECADE, "1", "2034-01-31 10:00:00|2034-02-28 00:00:00|2033-12-31 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_WEEK, "1", "2024-02-07 10:00:00|2024-03-07 00:00:00|2024-01-07 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_DAY, "1", "2024-02-01 10:00:00|2024-03-01 00:00:00|2024-01-01 23:59:59.500000|NULL"},
        {SHOAL_EXTRACT_HOUR, "-11", "2024-01-30 23:00:00|2024-02-28 13:00:00|2023-12-31 12:59:59.500000|NULL"},
        {SHOAL_EXTRACT_MINUTE, "90", "2024-01-31 11:30:00|2024-02-29 01:30:00|2024-01-01 01:29:59.500000|NULL"},
        {SHOAL_EXTRACT_SECOND, "1", "2024-01-31 10:00:01|2024-02-29 00:00:01|2024-01-01 00:00:00.500000|NULL"},
        {SHOAL_EXTRACT_MILLISECOND, "500", "2024-01-31 10:00:00.500000|2024-02-29 00:00:00.500000|2024-01-01 00:00:00|NULL"},
        {SHOAL_EXTRACT_MICROSECOND, "-1", "2024-01-31 09:59:59.999999|2024-02-28 23:59:59.999999|2023-12-31 23:59:59.499999|NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATEADD, cases[i].unit, T_TS, 2, cv(T_BIG, cases[i].n), x), T_TS, 4, ts), cases[i].want);
    EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATEADD, SHOAL_EXTRACT_DAY, T_TS, 2, cnull(T_BIG), x), T_TS, 4, ts), "NULL|NULL|NULL|NULL");
    EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATEADD, SHOAL_EXTRACT_YEAR, T_TS, 2, ci(300000), x), T_TS, 1, ts), "ERROR 22008: timestamp out of range");
    EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATEADD, SHOAL_EXTRACT_MICROSECOND, T_TS, 2, cv(T_BIG, "9223372036854775807"), x), T_TS, 1, ts),
           "ERROR 22008: timestamp out of range");
    EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATEADD, SHOAL_EXTRACT_MILLENNIUM, T_TS, 2, cv(T_BIG, "9223372036854775807"), x), T_TS, 1, ts),
           "ERROR 22008: timestamp out of range");
    /* ADD_MONTHS: a month's last day stays the last day */
    const char *ds[] = {"2008-03-31", "2008-04-30", "2024-02-29", "2024-01-15", "NULL"};
    shoal_expr *d = col(0, T_DATE);
    EXPECT(eval_col(fn(SHOAL_FUNC_ADD_MONTHS, T_TS, 2, d, ci(1)), T_DATE, 5, ds),
           "2008-04-30 00:00:00|2008-05-31 00:00:00|2024-03-31 00:00:00|2024-02-15 00:00:00|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ADD_MONTHS, T_TS, 2, d, ci(-12)), T_DATE, 5, ds),
           "2007-03-31 00:00:00|2007-04-30 00:00:00|2023-02-28 00:00:00|2023-01-15 00:00:00|NULL");
    const char *tss[] = {"2008-01-01 05:07:30"};
    EXPECT(eval_col(fn(SHOAL_FUNC_ADD_MONTHS, T_TS, 2, col(0, T_TS), ci(1)), T_TS, 1, tss), "2008-02-01 05:07:30");
    /* LAST_DAY */
    const char *ls[] = {"2024-02-10", "2023-02-28", "2024-12-01", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_LAST_DAY, T_DATE, 1, col(0, T_DATE)), T_DATE, 4, ls), "2024-02-29|2023-02-28|2024-12-31|NULL");
    const char *lts[] = {"2024-04-10 23:59:59"};
    EXPECT(eval_col(fn(SHOAL_FUNC_LAST_DAY, T_DATE, 1, col(0, T_TS)), T_TS, 1, lts), "2024-04-30");
}

static void test_datediff(void)
{
    shoal_type types[2] = {T_TS, T_TS};
    const char *cells[] = {"2024-01-31 00:00:00", "2024-02-01 00:00:00",
                           "2024-02-01 00:00:00", "2024-01-31 00:00:00",
                           "2023-12-31 23:59:59", "2024-01-01 00:00:01",
                           "2024-03-16 00:00:00", "2024-03-18 00:00:00", /* Saturday -> Monday */
                           "2024-03-18 00:00:00", "2024-03-24 23:00:00", /* Monday -> Sunday */
                           "NULL", "2024-01-01 00:00:00",
                           "2000-12-31 00:00:00", "2001-01-01 00:00:00"};
    shoal_batch *b = batch(2, types, 7, cells);
    shoal_expr *x = col(0, T_TS), *y = col(1, T_TS);
    struct { int unit; const char *want; } cases[] = {
        {SHOAL_EXTRACT_YEAR, "0|0|1|0|0|NULL|1"},
        {SHOAL_EXTRACT_QUARTER, "0|0|1|0|0|NULL|1"},
        {SHOAL_EXTRACT_MONTH, "1|-1|1|0|0|NULL|1"},
        {SHOAL_EXTRACT_WEEK, "0|0|1|1|0|NULL|1"}, /* Mondays crossed */
        {SHOAL_EXTRACT_DAY, "1|-1|1|2|6|NULL|1"},
        {SHOAL_EXTRACT_HOUR, "24|-24|1|48|167|NULL|24"},
        {SHOAL_EXTRACT_MINUTE, "1440|-1440|1|2880|10020|NULL|1440"},
        {SHOAL_EXTRACT_SECOND, "86400|-86400|2|172800|601200|NULL|86400"},
        {SHOAL_EXTRACT_MILLISECOND, "86400000|-86400000|2000|172800000|601200000|NULL|86400000"},
        {SHOAL_EXTRACT_MICROSECOND, "86400000000|-86400000000|2000000|172800000000|601200000000|NULL|86400000000"},
        {SHOAL_EXTRACT_DECADE, "0|0|0|0|0|NULL|0"},
        {SHOAL_EXTRACT_CENTURY, "0|0|0|0|0|NULL|1"},
        {SHOAL_EXTRACT_MILLENNIUM, "0|0|0|0|0|NULL|1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        EXPECT(eval_in(unit_fn(SHOAL_FUNC_DATEDIFF, cases[i].unit, T_BIG, 2, x, y), b), cases[i].want);
    set_selection(b, "0,6");
    EXPECT(eval_in(unit_fn(SHOAL_FUNC_DATEDIFF, SHOAL_EXTRACT_MONTH, T_BIG, 2, x, y), b), "1|1");
    batch_free(b);
    /* DATE arguments; an INTEGER result overflows */
    shoal_type dt[2] = {T_DATE, T_DATE};
    const char *dc[] = {"2024-01-01", "2024-03-01"};
    shoal_batch *d = batch(2, dt, 1, dc);
    EXPECT(eval_in(unit_fn(SHOAL_FUNC_DATEDIFF, SHOAL_EXTRACT_DAY, T_BIG, 2, col(0, T_DATE), col(1, T_DATE)), d), "60");
    EXPECT(eval_in(unit_fn(SHOAL_FUNC_DATEDIFF, SHOAL_EXTRACT_MICROSECOND, T_INT, 2, col(0, T_DATE), col(1, T_DATE)), d),
           "ERROR 22003: integer out of range");
    batch_free(d);
}

/* =================================== formatting =================================== */

static void test_to_char(void)
{
    const char *ts[] = {"2024-03-05 14:07:09.123456", "1999-12-31 00:00:00", "NULL"};
    shoal_expr *x = col(0, T_TS);
    struct { const char *format, *want; } cases[] = {
        {"YYYY-MM-DD HH24:MI:SS", "2024-03-05 14:07:09|1999-12-31 00:00:00|NULL"},
        {"YY/MM/DD", "24/03/05|99/12/31|NULL"},
        {"Mon MON mon", "Mar MAR mar|Dec DEC dec|NULL"},
        {"[Month] [FMMonth] [month]", "[March    ] [March] [march    ]|[December ] [December] [december ]|NULL"},
        {"Day DY dy D", "Tuesday   TUE tue 3|Friday    FRI fri 6|NULL"},
        {"HH HH12 AM a.m. FMHH12", "02 02 PM p.m. 2|12 12 AM a.m. 12|NULL"},
        {"Q WW W DDD", "1 10 1 065|4 53 5 365|NULL"},
        {"MS US", "123 123456|000 000000|NULL"},
        {"FMDD.FMMM.YYYY \"at\" HH24\"h\"", "5.3.2024 at 14h|31.12.1999 at 00h|NULL"},
        {"", "||NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, x, cs(cases[i].format)), T_TS, 3, ts), cases[i].want);
    const char *ds[] = {"2024-03-05"};
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, T_DATE), cs("FMMonth FMDD, YYYY")), T_DATE, 1, ds), "March 5, 2024");
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, x, cnull(T_STR)), T_TS, 3, ts), "NULL|NULL|NULL");
    /* numbers: PostgreSQL's layout (sign column, blanks, zeros from the first 0, FM) */
    const char *decs[] = {"1234.5", "-12", "0.5", "0", "12345", "-0.004", "NULL"};
    shoal_expr *n = col(0, DEC(10, 3));
    struct { const char *format, *want; } nums[] = {
        {"9,999.99", " 1,234.50|   -12.00|      .50|      .00| #,###.##|      .00|NULL"},
        {"FM9,999.99", "1,234.5|-12.|.5|0.|#,###.##|0.|NULL"},
        {"00000", " 01235|-00012| 00001| 00000| 12345| 00000|NULL"},
        {"9999", " 1235|  -12|    1|    0| ####|    0|NULL"}, /* -0.004 rounds to 0: no sign */
        {"FM999990.000", "1234.500|-12.000|0.500|0.000|12345.000|-0.004|NULL"},
        {"\"$\"9G999D9", "$ 1,234.5|$   -12.0|$      .5|$      .0|$ #,###.#|$      .0|NULL"},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, n, cs(nums[i].format)), DEC(10, 3), 7, decs), nums[i].want);
    const char *ints[] = {"7", "-1234567", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, T_INT), cs("999,999,999")), T_INT, 3, ints), "           7|  -1,234,567|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, T_BIG), cs("FM0000.00")), T_BIG, 3, ints), "0007.00|-####.##|NULL");
    const char *dbls[] = {"3.14159", "-2.5", "1e300"};
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, T_DBL), cs("990.99")), T_DBL, 3, dbls), "   3.14|  -2.50| ###.##");
    const char *wide[] = {"-12345678901234567890.25"};
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, DEC(38, 2)), cs("FM99999999999999999999999.9")), DEC(38, 2), 1, wide),
           "-12345678901234567890.3");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, ci(5), cs("9.9.9"))), "ERROR 22023: multiple decimal points in a TO_CHAR format");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, ci(5), cs("L999"))),
           "ERROR 22023: the TO_CHAR number format pattern \"L\" is not supported (use 9 0 . D , G FM)");
}

static void test_to_date(void)
{
    struct { const char *text, *format, *want; } cases[] = {
        {"2024-03-05", "YYYY-MM-DD", "2024-03-05"},
        {"2024/3/5", "YYYY-MM-DD", "2024-03-05"},
        {"05 Mar 2024", "DD Mon YYYY", "2024-03-05"},
        {"05 march 2024", "DD MONTH YYYY", "2024-03-05"},
        {"20240305", "YYYYMMDD", "2024-03-05"},
        {"  2024-03-05  ", "YYYY-MM-DD", "2024-03-05"},
        {"69-01-02", "YY-MM-DD", "2069-01-02"},
        {"70-01-02", "YY-MM-DD", "1970-01-02"},
        {"Tue 2024-03-05 14:07:09", "Dy YYYY-MM-DD HH24:MI:SS", "2024-03-05"},
        {"NULL", "YYYY", "NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shoal_expr *e = fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, strcmp(cases[i].text, "NULL") ? cs(cases[i].text) : cnull(T_STR),
                           cs(cases[i].format));
        EXPECT(eval_const(e), cases[i].want);
    }
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_TIMESTAMP, T_TS, 2, cs("2024-03-05 02:07:09.5 pm"), cs("YYYY-MM-DD HH12:MI:SS.MS AM"))),
           "2024-03-05 14:07:09.500000");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_TIMESTAMP, T_TS, 2, cs("12:30 AM 2024-01-01"), cs("HH:MI AM YYYY-MM-DD"))), "2024-01-01 00:30:00");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("2024x03"), cs("YYYY-MM"))),
           "ERROR 22007: invalid value \"2024x03\" for format \"YYYY-MM\": expected \"-\" at character 5");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("2024-ab"), cs("YYYY-MM"))),
           "ERROR 22007: invalid value \"2024-ab\" for format \"YYYY-MM\": no digits for \"MM\" at character 6");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("05 Xyz 2024"), cs("DD Mon YYYY"))),
           "ERROR 22007: invalid value \"05 Xyz 2024\" for format \"DD Mon YYYY\": no month name for \"MON\" at character 4");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("2024-03-05 junk"), cs("YYYY-MM-DD"))),
           "ERROR 22007: invalid value \"2024-03-05 junk\" for format \"YYYY-MM-DD\": characters left after the format at character 12");
    /* not strict (the default): days and months past their end overflow; strict: 22008 */
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("20010631"), cs("YYYYMMDD"))), "2001-07-01");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("2023-13-01"), cs("YYYY-MM-DD"))), "2024-01-01");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("2024-02-00"), cs("YYYY-MM-DD"))), "2024-01-31");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 3, cs("2001-06-30"), cs("YYYY-MM-DD"), cv(T_BOOL, "true"))), "2001-06-30");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 3, cs("20010631"), cs("YYYYMMDD"), cv(T_BOOL, "false"))), "2001-07-01");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 3, cs("2023-02-29"), cs("YYYY-MM-DD"), cv(T_BOOL, "true"))),
           "ERROR 22008: date/time field value out of range: \"2023-02-29\"");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 3, cs("2023-13-01"), cs("YYYY-MM-DD"), cv(T_BOOL, "true"))),
           "ERROR 22008: date/time field value out of range: \"2023-13-01\"");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 3, cs("2023-13-01"), cs("YYYY-MM-DD"), cnull(T_BOOL))), "NULL");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_TIMESTAMP, T_TS, 2, cs("2023-01-01 24:00"), cs("YYYY-MM-DD HH24:MI"))),
           "ERROR 22008: date/time field value out of range: \"2023-01-01 24:00\"");
    EXPECT(eval_const(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, cs("2024 1"), cs("YYYY Q"))),
           "ERROR 22023: the pattern \"Q\" is not supported by TO_DATE/TO_TIMESTAMP");
    /* a format per row */
    shoal_type types[2] = {T_STR, T_STR};
    const char *cells[] = {"2024-03-05", "YYYY-MM-DD", "05/03/2024", "DD/MM/YYYY", "NULL", "YYYY"};
    shoal_batch *b = batch(2, types, 3, cells);
    EXPECT(eval_in(fn(SHOAL_FUNC_TO_DATE, T_DATE, 2, col(0, T_STR), col(1, T_STR)), b), "2024-03-05|2024-03-05|NULL");
    batch_free(b);
}

/* ============================ plans, wire form, EXPLAIN ============================ */

static const char *refused(shoal_func f, int nargs, const char *type)
{
    static char text[128];
    snprintf(text, sizeof text, "ERROR XX000: function %d with %d argument%s cannot produce %s", f, nargs, nargs == 1 ? "" : "s", type);
    return text;
}

static void test_plans(void)
{
    /* normalization casts: INTEGER lengths to BIGINT, a CHAR input stays a string, a DATE to TIMESTAMP */
    const char *cs5[] = {"ab"};
    EXPECT(eval_col(fn(SHOAL_FUNC_LPAD, T_STR, 3, col(0, T_CHAR), cv(T_SMALL, "4"), cs("*")), T_CHAR, 1, cs5), "**ab");
    /* what the evaluator refuses */
    const char *xs[] = {"1"};
    EXPECT(eval_col(fn(SHOAL_FUNC_SQRT, T_INT, 1, col(0, T_INT)), T_INT, 1, xs), refused(SHOAL_FUNC_SQRT, 1, "INTEGER"));
    EXPECT(eval_col(fn(SHOAL_FUNC_LEFT, T_STR, 2, cs("abc"), cv(T_DBL, "1.5")), T_INT, 1, xs), refused(SHOAL_FUNC_LEFT, 2, "VARCHAR"));
    EXPECT(eval_col(fn(SHOAL_FUNC_NULLIF, T_INT, 1, col(0, T_INT)), T_INT, 1, xs), refused(SHOAL_FUNC_NULLIF, 1, "INTEGER"));
    EXPECT(eval_col(unit_fn(SHOAL_FUNC_DATE_TRUNC, SHOAL_EXTRACT_DOW, T_TS, 1, cv(T_TS, "2024-01-01 00:00:00"), NULL), T_INT, 1, xs),
           refused(SHOAL_FUNC_DATE_TRUNC, 1, "TIMESTAMP"));
    EXPECT(eval_col(fn(SHOAL_FUNC_DATEADD, T_TS, 2, ci(1), col(0, T_INT)), T_INT, 1, xs), refused(SHOAL_FUNC_DATEADD, 2, "TIMESTAMP"));
    EXPECT(eval_col(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, cv(T_BOOL, "true"), cs("9")), T_INT, 1, xs), refused(SHOAL_FUNC_TO_CHAR, 2, "VARCHAR"));
    /* wire form: every new node survives a round trip; a bad unit is refused */
    shoal_expr *tree[] = {
        fn(SHOAL_FUNC_DECODE, T_STR, 4, col(0, T_INT), ci(1), cs("a"), cs("b")),
        fn(SHOAL_FUNC_GREATEST, T_INT, 3, ci(1), ci(2), ci(3)),
        unit_fn(SHOAL_FUNC_DATEDIFF, SHOAL_EXTRACT_MONTH, T_BIG, 2, col(0, T_TS), col(1, T_TS)),
        fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, T_TS), cs("YYYY")),
        fn(SHOAL_FUNC_LPAD, T_STR, 3, cs("a"), cv(T_BIG, "3"), cs("0")),
    };
    for (size_t i = 0; i < sizeof tree / sizeof tree[0]; i++) {
        shoal_writer w;
        shoal_writer_init(&w, 64);
        shoal_expr_serialize(tree[i], &w);
        shoal_reader r;
        shoal_reader_init(&r, w.data, w.len);
        shoal_expr *back = shoal_expr_deserialize(&r, &A);
        CU_ASSERT_FATAL(back != NULL);
        char t1[256], t2[256];
        shoal_expr_to_string(tree[i], t1, sizeof t1);
        shoal_expr_to_string(back, t2, sizeof t2);
        EXPECT(t2, t1);
        CU_ASSERT_EQUAL(back->extract_field, tree[i]->extract_field);
        shoal_writer_free(&w);
    }
    shoal_expr *bad_unit = unit_fn(SHOAL_FUNC_DATEADD, SHOAL_EXTRACT_EPOCH, T_TS, 2, ci(1), col(0, T_TS));
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_expr_serialize(bad_unit, &w);
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    CU_ASSERT(shoal_expr_deserialize(&r, &A) == NULL);
    shoal_writer_free(&w);
    shoal_expr *bad_arity = fn(SHOAL_FUNC_NVL2, T_INT, 2, ci(1), ci(2));
    shoal_writer_init(&w, 64);
    shoal_expr_serialize(bad_arity, &w);
    shoal_reader_init(&r, w.data, w.len);
    CU_ASSERT(shoal_expr_deserialize(&r, &A) == NULL);
    shoal_writer_free(&w);
    /* EXPLAIN text */
    char text[256];
    shoal_expr_to_string(tree[0], text, sizeof text);
    EXPECT(text, "DECODE(#0, 1, 'a', 'b')");
    shoal_expr_to_string(tree[2], text, sizeof text);
    EXPECT(text, "DATEDIFF(MONTH, #0, #1)");
    shoal_expr_to_string(unit_fn(SHOAL_FUNC_DATE_TRUNC, SHOAL_EXTRACT_WEEK, T_TS, 1, col(2, T_TS), NULL), text, sizeof text);
    EXPECT(text, "DATE_TRUNC(WEEK, #2)");
    shoal_expr_to_string(fn(SHOAL_FUNC_TO_CHAR, T_STR, 2, col(0, T_INT), cs("999")), text, sizeof text);
    EXPECT(text, "TO_CHAR(#0, '999')");
}

/* A batch of 3000 rows (more than one selection buffer's worth of scratch) through DECODE,
 * GREATEST and LPAD, the state reused across two batches. */
static void test_large_batches(void)
{
    shoal_type t = T_INT;
    shoal_batch b;
    shoal_batch_init(&b, 1, &t, 3000);
    for (int i = 0; i < 3000; i++) {
        if (i % 7 == 0) shoal_vector_append_null(&b.columns[0]);
        else shoal_vector_append_i64(&b.columns[0], i % 5);
    }
    b.count = 3000;
    shoal_expr *x = col(0, T_INT);
    shoal_expr *e = fn(SHOAL_FUNC_GREATEST, T_INT, 2,
                       fn(SHOAL_FUNC_DECODE, T_INT, 8, x, ci(1), ci(10), ci(2), ci(20), cnull(T_INT), ci(-1), ci(0)), x);
    shoal_expr *p = fn(SHOAL_FUNC_LPAD, T_STR, 3, shoal_expr_node(&A, SHOAL_EXPR_CAST, T_STR, 1, &x), ci(3), cs("0"));
    shoal_expr_state *st = shoal_expr_state_create(e), *ps = shoal_expr_state_create(p);
    for (int round = 0; round < 2; round++) {
        shoal_vector out, pout;
        shoal_vector_init(&out, e->type, 4);
        shoal_vector_init(&pout, p->type, 4);
        shoal_eval_error err;
        memset(&err, 0, sizeof err);
        CU_ASSERT_FATAL(shoal_expr_eval(st, &b, &out, &err));
        CU_ASSERT_FATAL(shoal_expr_eval(ps, &b, &pout, &err));
        int bad = 0;
        for (uint32_t k = 0; k < shoal_batch_rows(&b); k++) {
            uint32_t i = shoal_batch_row(&b, k);
            int64_t want = i % 7 == 0 ? -1 : i % 5 == 1 ? 10 : i % 5 == 2 ? 20 : (int64_t)(i % 5);
            if (shoal_vector_is_null(&out, i) || shoal_vector_get_i64(&out, i) != want) bad++;
            char cell[32], expect[32];
            if (i % 7 == 0) snprintf(expect, sizeof expect, "NULL");
            else snprintf(expect, sizeof expect, "00%d", (int)(i % 5));
            if (shoal_vector_is_null(&pout, i)) snprintf(cell, sizeof cell, "NULL");
            else shoal_vector_format(&pout, i, cell, sizeof cell);
            if (strcmp(cell, expect) != 0) bad++;
        }
        CU_ASSERT_EQUAL(bad, 0);
        shoal_vector_free(&out);
        shoal_vector_free(&pout);
        set_selection(&b, "5,14,2999");
    }
    shoal_expr_state_free(ps);
    shoal_expr_state_free(st);
    shoal_batch_free(&b);
}

int main(void)
{
    shoal_arena_init(&A, 1 << 16);
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("exec_expr_funcs", NULL, NULL);
    CU_add_test(s, "nullif", test_nullif);
    CU_add_test(s, "decode", test_decode);
    CU_add_test(s, "greatest_least", test_greatest_least);
    CU_add_test(s, "nvl2", test_nvl2);
    CU_add_test(s, "trunc_ceil_floor", test_trunc_ceil_floor);
    CU_add_test(s, "mod_power_sqrt_sign", test_mod_power_sqrt_sign);
    CU_add_test(s, "position_left_right", test_position_left_right);
    CU_add_test(s, "replace_split_part", test_replace_split_part);
    CU_add_test(s, "trims_pads", test_trims_pads);
    CU_add_test(s, "reverse_initcap_chr_ascii", test_reverse_initcap_chr_ascii);
    CU_add_test(s, "date_trunc", test_date_trunc);
    CU_add_test(s, "dateadd_add_months", test_dateadd_add_months);
    CU_add_test(s, "datediff", test_datediff);
    CU_add_test(s, "to_char", test_to_char);
    CU_add_test(s, "to_date", test_to_date);
    CU_add_test(s, "plans", test_plans);
    CU_add_test(s, "large_batches", test_large_batches);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    shoal_arena_reset(&A);
    return failed ? 1 : 0;
}
