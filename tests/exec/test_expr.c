/* Expression tests: building, serialization round trips (a big tree with every constant type,
 * truncated and corrupted input), EXPLAIN text, and evaluation of every kind and function with
 * SQL NULL semantics, errors, casts, EXTRACT, interval arithmetic, LIKE, string functions,
 * filters (SIMD path against generic evaluation) and the TPC-H Q1/Q6 expressions on small
 * hand-made batches with hand-computed results. */
#include "engine/exec/expr.h"
#include "engine/exec/kernels.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static shoal_arena A; /* the "plan" arena */

/* ---------------------------------- types ---------------------------------- */
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
static shoal_type DEC(int p, int s) { return shoal_type_decimal(p, s); }

/* --------------------------------- building --------------------------------- */
static shoal_expr *col(int c, shoal_type t) { return shoal_expr_column(&A, c, t); }

/* A constant of type t parsed from text ("NULL" for NULL). */
static shoal_expr *cv(shoal_type t, const char *text)
{
    shoal_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    size_t n = strlen(text);
    if (strcmp(text, "NULL") == 0) {
        v.is_null = true;
        return shoal_expr_const(&A, v);
    }
    bool ok = true;
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: {
        uint8_t b;
        ok = shoal_parse_bool(text, n, &b);
        v.v.i64 = b;
        break;
    }
    case SHOAL_TYPE_DECIMAL: {
        shoal_int128 x;
        ok = shoal_parse_decimal(text, n, t.precision, t.scale, &x);
        if (shoal_type_physical(t) == SHOAL_PHYS_I128) v.v.i128 = x;
        else v.v.i64 = (int64_t)x;
        break;
    }
    case SHOAL_TYPE_REAL:
    case SHOAL_TYPE_DOUBLE: ok = shoal_parse_double(text, n, &v.v.f64); break;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR: v.v.str.ptr = text; v.v.str.len = (uint32_t)n; break;
    case SHOAL_TYPE_DATE: {
        int32_t d;
        ok = shoal_parse_date(text, n, &d);
        v.v.i64 = d;
        break;
    }
    case SHOAL_TYPE_TIMESTAMP: ok = shoal_parse_timestamp(text, n, &v.v.i64); break;
    default: ok = shoal_parse_int64(text, n, &v.v.i64); break;
    }
    if (!ok) {
        printf("bad test constant '%s'\n", text);
        abort();
    }
    return shoal_expr_const(&A, v);
}
static shoal_expr *ci(int64_t x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)x);
    return cv(T_INT, shoal_arena_strdup(&A, buf));
}
static shoal_expr *cbig(int64_t x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)x);
    return cv(T_BIG, shoal_arena_strdup(&A, buf));
}
static shoal_expr *cs(const char *s) { return cv(T_STR, s); }

static shoal_expr *node_v(shoal_expr_kind kind, shoal_type t, int n, va_list ap)
{
    shoal_expr *args[16];
    for (int i = 0; i < n; i++) args[i] = va_arg(ap, shoal_expr *);
    return shoal_expr_node(&A, kind, t, n, args);
}
static shoal_expr *node(shoal_expr_kind kind, shoal_type t, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    shoal_expr *e = node_v(kind, t, n, ap);
    va_end(ap);
    return e;
}
static shoal_expr *fn(shoal_func f, shoal_type t, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    shoal_expr *e = node_v(SHOAL_EXPR_FUNC, t, n, ap);
    va_end(ap);
    e->func = (uint16_t)f;
    return e;
}
static shoal_expr *cmp(shoal_func f, shoal_expr *a, shoal_expr *b) { return fn(f, T_BOOL, 2, a, b); }
static shoal_expr *and2(shoal_expr *a, shoal_expr *b) { return node(SHOAL_EXPR_AND, T_BOOL, 2, a, b); }
static shoal_expr *cast(shoal_expr *a, shoal_type t) { return node(SHOAL_EXPR_CAST, t, 1, a); }
static shoal_expr *extract(int field, shoal_type t, shoal_expr *a)
{
    shoal_expr *e = fn(SHOAL_FUNC_EXTRACT, t, 1, a);
    e->extract_field = (uint8_t)field;
    return e;
}
static shoal_expr *interval(shoal_type t, shoal_expr *a, int64_t months, int64_t days, int64_t micros)
{
    return fn(SHOAL_FUNC_DATE_ADD_INTERVAL, t, 4, a, cbig(months), cbig(days), cbig(micros));
}

/* ---------------------------------- batches ---------------------------------- */
/* A batch of ncols columns of the given types with nrows rows given as text, row-major. */
static shoal_batch *batch(int ncols, const shoal_type *types, int nrows, const char *const *cells)
{
    shoal_batch *b = malloc(sizeof *b);
    shoal_batch_init(b, ncols, types, (uint32_t)(nrows ? nrows : 1));
    for (int r = 0; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            const char *text = cells[r * ncols + c];
            shoal_vector *v = &b->columns[c];
            size_t n = strlen(text);
            if (strcmp(text, "NULL") == 0) {
                shoal_vector_append_null(v);
                continue;
            }
            bool ok = true;
            switch ((shoal_type_id)types[c].id) {
            case SHOAL_TYPE_BOOLEAN: {
                uint8_t x;
                ok = shoal_parse_bool(text, n, &x);
                shoal_vector_append_i64(v, x);
                break;
            }
            case SHOAL_TYPE_DECIMAL: {
                shoal_int128 x;
                ok = shoal_parse_decimal(text, n, types[c].precision, types[c].scale, &x);
                shoal_vector_append_i128(v, x);
                break;
            }
            case SHOAL_TYPE_REAL:
            case SHOAL_TYPE_DOUBLE: {
                double x;
                ok = shoal_parse_double(text, n, &x);
                shoal_vector_append_f64(v, x);
                break;
            }
            case SHOAL_TYPE_CHAR:
            case SHOAL_TYPE_VARCHAR: shoal_vector_append_string(v, text, (uint32_t)n); break;
            case SHOAL_TYPE_DATE: {
                int32_t x;
                ok = shoal_parse_date(text, n, &x);
                shoal_vector_append_i64(v, x);
                break;
            }
            case SHOAL_TYPE_TIMESTAMP: {
                int64_t x;
                ok = shoal_parse_timestamp(text, n, &x);
                shoal_vector_append_i64(v, x);
                break;
            }
            default: {
                int64_t x;
                ok = shoal_parse_int64(text, n, &x);
                shoal_vector_append_i64(v, x);
                break;
            }
            }
            if (!ok) {
                printf("bad test cell '%s'\n", text);
                abort();
            }
        }
    b->count = (uint32_t)nrows;
    return b;
}
static shoal_batch *batch1(shoal_type t, int nrows, const char *const *cells) { return batch(1, &t, nrows, cells); }
static void batch_free(shoal_batch *b)
{
    shoal_batch_free(b);
    free(b);
}
static void clear_selection(shoal_batch *b)
{
    free(b->sel);
    b->sel = NULL;
    b->sel_count = b->sel_capacity = 0;
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

/* Evaluates e over the selected rows of b: "v1|v2|..." or "ERROR code: message". */
static const char *eval_in(shoal_expr *e, shoal_batch *b)
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
            char cell[512];
            if (shoal_vector_is_null(&out, r)) snprintf(cell, sizeof cell, "NULL");
            else shoal_vector_format(&out, r, cell, sizeof cell);
            len += (size_t)snprintf(result_text + len, sizeof result_text - len, "%s%s", i ? "|" : "", cell);
        }
    }
    shoal_vector_free(&out);
    shoal_expr_state_free(st);
    return result_text;
}
/* e over a one-column batch of the given cells (selection set_sel_text when not NULL). */
static const char *set_sel_text;
static void set_selection(shoal_batch *b, const char *rows);
static const char *eval_col(shoal_expr *e, shoal_type t, int nrows, const char *const *cells)
{
    shoal_batch *b = batch1(t, nrows, cells);
    if (set_sel_text) set_selection(b, set_sel_text);
    eval_in(e, b);
    batch_free(b);
    return result_text;
}
/* e with no input columns, one row. */
static const char *eval_const(shoal_expr *e)
{
    shoal_batch b;
    memset(&b, 0, sizeof b);
    b.count = 1;
    return eval_in(e, &b);
}
/* CAST of one value of type `from` (text) to `to`. */
static const char *cast1(shoal_type from, const char *text, shoal_type to)
{
    const char *cells[1] = {text};
    return eval_col(cast(col(0, from), to), from, 1, cells);
}
/* Filters b with e: the selected rows "r1,r2,..." or "ERROR ...". */
static const char *filter_in(shoal_expr *e, shoal_batch *b)
{
    shoal_expr_state *st = shoal_expr_state_create(e);
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    if (!shoal_expr_filter(st, b, &err)) {
        snprintf(result_text, sizeof result_text, "ERROR %s: %s", err.sqlstate, err.message);
    } else {
        size_t len = 0;
        result_text[0] = 0;
        for (uint32_t i = 0; i < shoal_batch_rows(b); i++)
            len += (size_t)snprintf(result_text + len, sizeof result_text - len, "%s%u", i ? "," : "", shoal_batch_row(b, i));
    }
    shoal_expr_state_free(st);
    return result_text;
}

#define EXPECT(actual, expected)                                                                        \
    do {                                                                                                \
        const char *a_ = (actual), *e_ = (expected);                                                    \
        if (strcmp(a_, e_) != 0) printf("\n  %s:%d: got   \"%s\"\n  %*s expected \"%s\"\n", __FILE__, __LINE__, a_, (int)strlen(__FILE__) + 6, "", e_); \
        CU_ASSERT_STRING_EQUAL(a_, e_);                                                                 \
    } while (0)

/* ================================== arithmetic ================================== */

static void test_integer_arithmetic(void)
{
    shoal_type types[2] = {T_INT, T_INT};
    const char *cells[] = {"7", "2", "-7", "2", "NULL", "5", "2147483647", "1", "3", "0", "1", "NULL"};
    shoal_batch *b = batch(2, types, 6, cells);
    shoal_expr *x = col(0, T_INT), *y = col(1, T_INT);
    set_selection(b, "0,1,2,5");
    EXPECT(eval_in(fn(SHOAL_FUNC_ADD, T_INT, 2, x, y), b), "9|-5|NULL|NULL");
    EXPECT(eval_in(fn(SHOAL_FUNC_SUB, T_INT, 2, x, y), b), "5|-9|NULL|NULL");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, T_INT, 2, x, y), b), "14|-14|NULL|NULL");
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, T_INT, 2, x, y), b), "3|-3|NULL|NULL"); /* row 5: NULL divisor, no error */
    EXPECT(eval_in(fn(SHOAL_FUNC_MOD, T_INT, 2, x, y), b), "1|-1|NULL|NULL");
    EXPECT(eval_in(fn(SHOAL_FUNC_NEG, T_INT, 1, x), b), "-7|7|NULL|-1");
    /* errors only from selected rows */
    set_selection(b, "3");
    EXPECT(eval_in(fn(SHOAL_FUNC_ADD, T_INT, 2, x, y), b), "ERROR 22003: integer out of range");
    EXPECT(eval_in(fn(SHOAL_FUNC_ADD, T_BIG, 2, x, y), b), "2147483648"); /* widened by the evaluator */
    set_selection(b, "4");
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, T_INT, 2, x, y), b), "ERROR 22012: division by zero");
    EXPECT(eval_in(fn(SHOAL_FUNC_MOD, T_INT, 2, x, y), b), "ERROR 22012: division by zero");
    set_selection(b, "0,1,2");
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, T_INT, 2, x, y), b), "3|-3|NULL");
    batch_free(b);
    const char *smalls[] = {"30000", "-32768"};
    EXPECT(eval_col(fn(SHOAL_FUNC_ADD, T_SMALL, 2, col(0, T_SMALL), col(0, T_SMALL)), T_SMALL, 1, smalls),
           "ERROR 22003: smallint out of range");
    EXPECT(eval_col(fn(SHOAL_FUNC_ABS, T_SMALL, 1, col(0, T_SMALL)), T_SMALL, 2, smalls), "ERROR 22003: smallint out of range");
    const char *bigs[] = {"-9223372036854775808"};
    EXPECT(eval_col(fn(SHOAL_FUNC_NEG, T_BIG, 1, col(0, T_BIG)), T_BIG, 1, bigs), "ERROR 22003: bigint out of range");
    EXPECT(eval_col(fn(SHOAL_FUNC_DIV, T_BIG, 2, col(0, T_BIG), cbig(-1)), T_BIG, 1, bigs), "ERROR 22003: bigint out of range");
    EXPECT(eval_col(fn(SHOAL_FUNC_MOD, T_BIG, 2, col(0, T_BIG), cbig(-1)), T_BIG, 1, bigs), "0");
    /* floating point */
    const char *dbls[] = {"1.5", "-2", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_MUL, T_DBL, 2, col(0, T_DBL), cv(T_DBL, "2")), T_DBL, 3, dbls), "3|-4|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_DIV, T_DBL, 2, col(0, T_DBL), cv(T_DBL, "0")), T_DBL, 3, dbls), "ERROR 22012: division by zero");
    EXPECT(eval_col(fn(SHOAL_FUNC_ABS, T_DBL, 1, col(0, T_DBL)), T_DBL, 3, dbls), "1.5|2|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ADD, T_REAL, 2, col(0, T_DBL), cv(T_REAL, "0.25")), T_DBL, 3, dbls), "1.75|-1.75|NULL");
}

static void test_decimal_arithmetic(void)
{
    shoal_type types[2] = {DEC(15, 2), DEC(15, 2)};
    const char *cells[] = {"1.00", "3.00", "2.00", "3.00", "-2.00", "3.00", "10.25", "0.10", "NULL", "1.00", "-1.00", "3.00"};
    shoal_batch *b = batch(2, types, 6, cells);
    shoal_expr *x = col(0, DEC(15, 2)), *y = col(1, DEC(15, 2));
    /* / gives scale max(6, s1), rounded half away from zero */
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, DEC(18, 6), 2, x, y), b), "0.333333|0.666667|-0.666667|102.500000|NULL|-0.333333");
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, DEC(38, 6), 2, x, y), b), "0.333333|0.666667|-0.666667|102.500000|NULL|-0.333333");
    /* * adds scales; a result at another scale is rounded */
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(18, 4), 2, x, y), b), "3.0000|6.0000|-6.0000|1.0250|NULL|-3.0000");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(18, 2), 2, x, y), b), "3.00|6.00|-6.00|1.03|NULL|-3.00");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 4), 2, x, y), b), "3.0000|6.0000|-6.0000|1.0250|NULL|-3.0000");
    /* + and - align scales */
    EXPECT(eval_in(fn(SHOAL_FUNC_ADD, DEC(16, 3), 2, x, cv(DEC(4, 3), "0.005")), b), "1.005|2.005|-1.995|10.255|NULL|-0.995");
    EXPECT(eval_in(fn(SHOAL_FUNC_SUB, DEC(16, 2), 2, ci(1), x), b), "0.00|-1.00|3.00|-9.25|NULL|2.00");
    EXPECT(eval_in(fn(SHOAL_FUNC_MOD, DEC(15, 2), 2, x, y), b), "1.00|2.00|-2.00|0.05|NULL|-1.00");
    EXPECT(eval_in(fn(SHOAL_FUNC_NEG, DEC(15, 2), 1, x), b), "-1.00|-2.00|2.00|-10.25|NULL|1.00");
    EXPECT(eval_in(fn(SHOAL_FUNC_ABS, DEC(15, 2), 1, x), b), "1.00|2.00|2.00|10.25|NULL|1.00");
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, DEC(18, 6), 2, x, cv(DEC(3, 2), "0.00")), b), "ERROR 22012: division by zero");
    batch_free(b);
    /* int64 overflow -> 22003; the same in 128 bits is fine */
    const char *big[] = {"900000000000000000"};
    EXPECT(eval_col(fn(SHOAL_FUNC_MUL, DEC(18, 0), 2, col(0, DEC(18, 0)), cv(DEC(3, 0), "100")), DEC(18, 0), 1, big),
           "ERROR 22003: numeric overflow");
    EXPECT(eval_col(fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, col(0, DEC(18, 0)), cv(DEC(3, 0), "100")), DEC(18, 0), 1, big),
           "90000000000000000000");
    EXPECT(eval_col(fn(SHOAL_FUNC_ADD, DEC(18, 0), 2, col(0, DEC(18, 0)), col(0, DEC(18, 0))), DEC(18, 0), 1, big),
           "1800000000000000000");
    const char *wide[] = {"99999999999999999999999999999999999.99", "-12345678901234567890.12",
                          "9999999999999999999999999999999.99"};
    EXPECT(eval_col(fn(SHOAL_FUNC_SUB, DEC(38, 2), 2, col(0, DEC(37, 2)), cv(DEC(3, 2), "0.99")), DEC(37, 2), 2, wide),
           "99999999999999999999999999999999999.00|-12345678901234567891.11");
    set_sel_text = "1,2";
    EXPECT(eval_col(fn(SHOAL_FUNC_DIV, DEC(38, 6), 2, col(0, DEC(37, 2)), cv(DEC(3, 0), "7")), DEC(37, 2), 3, wide),
           "-1763668414462081127.160000|1428571428571428571428571428571.427143");
    set_sel_text = "0";
    EXPECT(eval_col(fn(SHOAL_FUNC_DIV, DEC(38, 6), 2, col(0, DEC(37, 2)), cv(DEC(3, 0), "7")), DEC(37, 2), 3, wide),
           "ERROR 22003: numeric overflow");
    set_sel_text = NULL;
    /* x * 10^k overflows 128 bits while the quotient fits: long division */
    const char *longdiv[] = {"12345678901234567890123456789012345.67", "-12345678901234567890123456789012345.67"};
    shoal_type lt[2] = {DEC(38, 2), DEC(10, 0)};
    const char *ldcells[] = {longdiv[0], "123456789", longdiv[1], "7000"};
    shoal_batch *lb = batch(2, lt, 2, ldcells);
    EXPECT(eval_in(fn(SHOAL_FUNC_DIV, DEC(38, 6), 2, col(0, DEC(38, 2)), col(1, DEC(10, 0))), lb),
           "100000000010000000001000000.000100|-1763668414462081127160493827001.763667");
    batch_free(lb);
    const char *huge[] = {"99999999999999999999999999999999999999"};
    EXPECT(eval_col(fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, col(0, DEC(38, 0)), cv(DEC(2, 0), "10")), DEC(38, 0), 1, huge),
           "ERROR 22003: numeric overflow");
}

/* Products with a DECIMAL(p>18) result of int64 operands: the binder's widening casts are
 * dropped and the product taken 64 x 64 -> 128 bits (i128 x i64 when one side is already
 * wide); results must equal the 128-bit ones exactly, overflow included. */
static void test_wide_decimal_products(void)
{
    shoal_type types[3] = {DEC(15, 2), DEC(15, 2), T_BIG};
    const char *cells[] = {"1.00", "3.00", "1",
                           "-2.50", "0.10", "-9223372036854775808",
                           "9999999999999.99", "9999999999999.99", "9223372036854775807",
                           "NULL", "1.00", "NULL",
                           "-9999999999999.99", "9999999999999.99", "-1",
                           "10.25", "0.10", "2"};
    shoal_batch *b = batch(3, types, 6, cells);
    shoal_expr *x = cast(col(0, DEC(15, 2)), DEC(31, 2)), *y = cast(col(1, DEC(15, 2)), DEC(31, 2));
    shoal_expr *xy = fn(SHOAL_FUNC_MUL, DEC(31, 4), 2, x, y);
    EXPECT(eval_in(xy, b), "3.0000|-0.2500|99999999999999800000000000.0001|NULL|-99999999999999800000000000.0001|1.0250");
    /* (x * y) * (1 + y): i128 x i64; a product past 128 bits overflows */
    shoal_expr *one_plus = fn(SHOAL_FUNC_ADD, DEC(16, 2), 2, ci(1), col(1, DEC(15, 2)));
    shoal_expr *charge = fn(SHOAL_FUNC_MUL, DEC(38, 6), 2, xy, cast(one_plus, DEC(38, 2)));
    set_selection(b, "0,1,3,5");
    EXPECT(eval_in(charge, b), "12.000000|-0.275000|NULL|1.127500");
    set_selection(b, "0,4");
    EXPECT(eval_in(charge, b), "ERROR 22003: numeric overflow");
    clear_selection(b);
    /* a 128-bit constant that fits in int64 is narrowed; one that does not stays wide */
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 4), 2, x, cv(DEC(31, 2), "1.50")), b),
           "1.5000|-3.7500|14999999999999.9850|NULL|-14999999999999.9850|15.3750");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 4), 2, x, cv(DEC(31, 2), "100000000000000000000.00")), b),
           "100000000000000000000.0000|-250000000000000000000.0000|999999999999999000000000000000000.0000|NULL|"
           "-999999999999999000000000000000000.0000|1025000000000000000000.0000");
    /* the result at another scale: exact at scale 4, then rounded half away from zero */
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 2), 2, x, y), b),
           "3.00|-0.25|99999999999999800000000000.00|NULL|-99999999999999800000000000.00|1.03");
    /* BIGINT extremes: INT64_MIN^2 = 2^126 fits in 128 bits; times 2 it does not */
    shoal_expr *z = cast(col(2, T_BIG), DEC(38, 0));
    shoal_expr *zz = fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, z, z);
    EXPECT(eval_in(zz, b), "1|85070591730234615865843651857942052864|85070591730234615847396907784232501249|NULL|1|4");
    set_selection(b, "0,3,4,5");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, zz, z), b), "1|NULL|-1|8");
    set_selection(b, "0,2");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, zz, z), b), "ERROR 22003: numeric overflow");
    set_selection(b, "1");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, zz, cv(DEC(38, 0), "2")), b), "ERROR 22003: numeric overflow");
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 0), 2, cv(DEC(38, 0), "-1"), zz), b), "-85070591730234615865843651857942052864");
    /* the same products of plain 128-bit operands (no cast to drop) agree */
    clear_selection(b);
    shoal_expr *w = fn(SHOAL_FUNC_ADD, DEC(38, 2), 2, x, cv(DEC(38, 2), "0.00"));
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 4), 2, w, y), b),
           "3.0000|-0.2500|99999999999999800000000000.0001|NULL|-99999999999999800000000000.0001|1.0250");
    batch_free(b);
}

/* ================================== comparisons ================================== */

static void test_comparisons(void)
{
    const char *d[] = {"1.00", "2.00", "-2.00", "10.25", "NULL"};
    shoal_expr *x = col(0, DEC(15, 2));
    EXPECT(eval_col(cmp(SHOAL_FUNC_GT, x, cv(DEC(5, 3), "1.995")), DEC(15, 2), 5, d), "f|t|f|t|NULL");
    EXPECT(eval_col(cmp(SHOAL_FUNC_EQ, x, cv(DEC(5, 3), "2.000")), DEC(15, 2), 5, d), "f|t|f|f|NULL");
    EXPECT(eval_col(cmp(SHOAL_FUNC_NE, x, ci(2)), DEC(15, 2), 5, d), "t|f|t|t|NULL");
    EXPECT(eval_col(cmp(SHOAL_FUNC_LE, x, cv(DEC(15, 2), "NULL")), DEC(15, 2), 5, d), "NULL|NULL|NULL|NULL|NULL");
    EXPECT(eval_col(cmp(SHOAL_FUNC_LT, x, cv(T_DBL, "1.5")), DEC(15, 2), 5, d), "t|f|t|f|NULL");
    EXPECT(eval_col(cmp(SHOAL_FUNC_GE, ci(2), x), DEC(15, 2), 5, d), "t|t|t|f|NULL");
    const char *s[] = {"abc", "abd", "ab", "", "NULL", "b"};
    shoal_expr *sc = col(0, T_STR);
    EXPECT(eval_col(cmp(SHOAL_FUNC_LT, sc, cs("abd")), T_STR, 6, s), "t|f|t|t|NULL|f");
    EXPECT(eval_col(cmp(SHOAL_FUNC_EQ, sc, cs("abc")), T_STR, 6, s), "t|f|f|f|NULL|f");
    EXPECT(eval_col(cmp(SHOAL_FUNC_GE, sc, cs("ab")), T_STR, 6, s), "t|t|t|f|NULL|t");
    const char *dates[] = {"2024-01-01", "2023-12-31"};
    EXPECT(eval_col(cmp(SHOAL_FUNC_LT, col(0, T_DATE), cv(T_TS, "2024-01-01 00:00:01")), T_DATE, 2, dates), "t|t");
    EXPECT(eval_col(cmp(SHOAL_FUNC_GE, col(0, T_DATE), cv(T_DATE, "2024-01-01")), T_DATE, 2, dates), "t|f");
    const char *ints[] = {"3", "-4"};
    EXPECT(eval_col(cmp(SHOAL_FUNC_GT, col(0, T_SMALL), cbig(-4)), T_SMALL, 2, ints), "t|f");
    const char *bools[] = {"true", "false"};
    EXPECT(eval_col(cmp(SHOAL_FUNC_EQ, col(0, T_BOOL), cv(T_BOOL, "false")), T_BOOL, 2, bools), "f|t");
}

/* ================================ logic and NULLs ================================ */

static void test_three_valued_logic(void)
{
    shoal_type types[2] = {T_BOOL, T_BOOL};
    const char *cells[] = {"t", "t", "t", "f", "t", "NULL", "f", "t", "f", "f",
                           "f", "NULL", "NULL", "t", "NULL", "f", "NULL", "NULL"};
    shoal_batch *b = batch(2, types, 9, cells);
    shoal_expr *p = col(0, T_BOOL), *q = col(1, T_BOOL);
    EXPECT(eval_in(and2(p, q), b), "t|f|NULL|f|f|f|NULL|f|NULL");
    EXPECT(eval_in(node(SHOAL_EXPR_OR, T_BOOL, 2, p, q), b), "t|t|t|t|f|NULL|t|NULL|NULL");
    EXPECT(eval_in(node(SHOAL_EXPR_NOT, T_BOOL, 1, p), b), "f|f|f|t|t|t|NULL|NULL|NULL");
    EXPECT(eval_in(node(SHOAL_EXPR_IS_NULL, T_BOOL, 1, p), b), "f|f|f|f|f|f|t|t|t");
    shoal_expr *isnn = node(SHOAL_EXPR_IS_NULL, T_BOOL, 1, q);
    isnn->negated = true;
    EXPECT(eval_in(isnn, b), "t|t|f|t|t|f|t|t|f");
    /* n-ary, and with constants */
    EXPECT(eval_in(node(SHOAL_EXPR_AND, T_BOOL, 3, p, q, cv(T_BOOL, "NULL")), b), "NULL|f|NULL|f|f|f|NULL|f|NULL");
    EXPECT(eval_in(node(SHOAL_EXPR_OR, T_BOOL, 3, p, q, cv(T_BOOL, "true")), b), "t|t|t|t|t|t|t|t|t");
    /* filter keeps TRUE only */
    EXPECT(filter_in(node(SHOAL_EXPR_OR, T_BOOL, 2, p, q), b), "0,1,2,3,6");
    batch_free(b);
    /* AND does not evaluate what it no longer needs: 10 / x is never computed for x = 0 */
    const char *xs[] = {"0", "5", "20", "NULL"};
    shoal_expr *x = col(0, T_INT);
    shoal_expr *guarded = and2(cmp(SHOAL_FUNC_NE, x, ci(0)), cmp(SHOAL_FUNC_GT, fn(SHOAL_FUNC_DIV, T_INT, 2, ci(10), x), ci(1)));
    EXPECT(eval_col(guarded, T_INT, 4, xs), "f|t|f|NULL");
    shoal_batch *bx = batch1(T_INT, 4, xs);
    EXPECT(filter_in(guarded, bx), "1");
    batch_free(bx);
}

static void test_in_list(void)
{
    const char *xs[] = {"1", "5", "NULL", "7"};
    shoal_expr *x = col(0, T_INT);
    EXPECT(eval_col(node(SHOAL_EXPR_IN_LIST, T_BOOL, 4, x, ci(1), ci(2), ci(3)), T_INT, 4, xs), "t|f|NULL|f");
    EXPECT(eval_col(node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, x, ci(1), cv(T_INT, "NULL")), T_INT, 4, xs), "t|NULL|NULL|NULL");
    shoal_expr *notin = node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, x, ci(1), cv(T_INT, "NULL"));
    notin->negated = true;
    EXPECT(eval_col(notin, T_INT, 4, xs), "f|NULL|NULL|NULL");
    notin = node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, x, ci(2), ci(3));
    notin->negated = true;
    EXPECT(eval_col(notin, T_INT, 4, xs), "t|t|NULL|t");
    /* a long list (binary search), duplicates included */
    shoal_expr *args[16];
    args[0] = x;
    for (int i = 1; i < 14; i++) args[i] = ci(i * 2);
    args[14] = ci(7);
    args[15] = ci(7);
    EXPECT(eval_col(shoal_expr_node(&A, SHOAL_EXPR_IN_LIST, T_BOOL, 16, args), T_INT, 4, xs), "f|f|NULL|t");
    /* strings (Q12) */
    const char *modes[] = {"MAIL", "AIR", "SHIP", "NULL"};
    EXPECT(eval_col(node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, col(0, T_STR), cs("MAIL"), cs("SHIP")), T_STR, 4, modes), "t|f|t|NULL");
    /* items that are not constants: x = a OR x = b */
    shoal_type types[2] = {T_INT, T_INT};
    const char *cells[] = {"1", "1", "5", "2", "NULL", "3", "7", "NULL"};
    shoal_batch *b = batch(2, types, 4, cells);
    EXPECT(eval_in(node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, x, col(1, T_INT), ci(5)), b), "t|t|NULL|NULL");
    batch_free(b);
    /* a constant the needle's type cannot hold compares in a wider type */
    const char *smalls[] = {"100", "-3"};
    EXPECT(eval_col(node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, col(0, T_SMALL), cbig(100000), cbig(-3)), T_SMALL, 2, smalls), "f|t");
    /* decimals and doubles */
    const char *decs[] = {"0.05", "0.06"};
    EXPECT(eval_col(node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, col(0, DEC(15, 2)), cv(DEC(15, 2), "0.06"), cv(DEC(15, 2), "0.07")),
                    DEC(15, 2), 2, decs), "f|t");
}

static void test_case(void)
{
    const char *xs[] = {"1", "5", "NULL", "7", "0"};
    shoal_expr *x = col(0, T_INT);
    shoal_expr *c1 = node(SHOAL_EXPR_CASE, T_STR, 5, cmp(SHOAL_FUNC_LT, x, ci(3)), cs("small"), cmp(SHOAL_FUNC_LT, x, ci(6)),
                          cs("medium"), cs("large"));
    c1->has_else = true;
    EXPECT(eval_col(c1, T_INT, 5, xs), "small|medium|large|large|small");
    EXPECT(eval_col(node(SHOAL_EXPR_CASE, T_INT, 2, cmp(SHOAL_FUNC_GT, x, ci(4)), x), T_INT, 5, xs), "NULL|5|NULL|7|NULL");
    /* the first TRUE wins */
    EXPECT(eval_col(node(SHOAL_EXPR_CASE, T_INT, 4, cmp(SHOAL_FUNC_GT, x, ci(0)), ci(1), cmp(SHOAL_FUNC_GT, x, ci(2)), ci(2)),
                    T_INT, 5, xs), "1|1|NULL|1|NULL");
    /* a branch runs only on its rows: no division by zero */
    shoal_expr *safe = node(SHOAL_EXPR_CASE, T_INT, 3, cmp(SHOAL_FUNC_NE, x, ci(0)), fn(SHOAL_FUNC_DIV, T_INT, 2, ci(100), x), ci(-1));
    safe->has_else = true;
    EXPECT(eval_col(safe, T_INT, 5, xs), "100|20|-1|14|-1");
    /* THEN values of another type are cast to the CASE's type; a NULL THEN stays NULL */
    shoal_expr *mixed = node(SHOAL_EXPR_CASE, DEC(10, 2), 5, cmp(SHOAL_FUNC_EQ, x, ci(1)), ci(2), cmp(SHOAL_FUNC_EQ, x, ci(5)),
                             cv(DEC(10, 2), "NULL"), cv(DEC(4, 3), "0.125"));
    mixed->has_else = true;
    EXPECT(eval_col(mixed, T_INT, 5, xs), "2.00|NULL|0.13|0.13|0.13");
}

static void test_coalesce(void)
{
    shoal_type types[2] = {T_INT, T_INT};
    const char *cells[] = {"NULL", "2", "1", "NULL", "NULL", "NULL", "4", "5"};
    shoal_batch *b = batch(2, types, 4, cells);
    EXPECT(eval_in(fn(SHOAL_FUNC_COALESCE, T_INT, 3, col(0, T_INT), col(1, T_INT), ci(0)), b), "2|1|0|4");
    EXPECT(eval_in(fn(SHOAL_FUNC_COALESCE, T_INT, 2, col(0, T_INT), col(1, T_INT)), b), "2|1|NULL|4");
    EXPECT(eval_in(fn(SHOAL_FUNC_COALESCE, T_BIG, 2, col(0, T_INT), cbig(-9)), b), "-9|1|-9|4");
    /* only the rows still NULL evaluate the next argument */
    EXPECT(eval_in(fn(SHOAL_FUNC_COALESCE, T_INT, 2, col(1, T_INT), fn(SHOAL_FUNC_DIV, T_INT, 2, ci(1), ci(0))), b),
           "ERROR 22012: division by zero");
    set_selection(b, "0,3");
    EXPECT(eval_in(fn(SHOAL_FUNC_COALESCE, T_INT, 2, col(1, T_INT), fn(SHOAL_FUNC_DIV, T_INT, 2, ci(1), col(0, T_INT))), b), "2|5");
    batch_free(b);
}

/* ===================================== casts ===================================== */

static void test_casts(void)
{
    /* decimal -> integer rounds half away from zero */
    EXPECT(cast1(DEC(10, 2), "2.50", T_INT), "3");
    EXPECT(cast1(DEC(10, 2), "-2.50", T_INT), "-3");
    EXPECT(cast1(DEC(10, 2), "2.49", T_BIG), "2");
    EXPECT(cast1(DEC(38, 2), "-99999.50", T_INT), "-100000");
    /* decimal rescaling */
    EXPECT(cast1(DEC(10, 3), "1.235", DEC(10, 2)), "1.24");
    EXPECT(cast1(DEC(10, 3), "-1.235", DEC(10, 2)), "-1.24");
    EXPECT(cast1(DEC(10, 3), "1.234", DEC(10, 2)), "1.23");
    EXPECT(cast1(DEC(10, 2), "12.34", DEC(10, 4)), "12.3400");
    EXPECT(cast1(DEC(10, 2), "12.34", DEC(38, 10)), "12.3400000000");
    EXPECT(cast1(DEC(38, 10), "-12.3456789012", DEC(12, 3)), "-12.346");
    EXPECT(cast1(DEC(10, 2), "12345678.90", DEC(5, 2)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(DEC(10, 2), "999.99", DEC(5, 2)), "999.99");
    EXPECT(cast1(DEC(10, 3), "999.995", DEC(5, 2)), "ERROR 22003: numeric field overflow"); /* rounds to 1000.00 */
    /* int64 values to a decimal at the same or a larger scale: one multiply, a bound check */
    EXPECT(cast1(DEC(15, 2), "12345.67", DEC(10, 3)), "12345.670");
    EXPECT(cast1(DEC(15, 2), "-12345.67", DEC(10, 3)), "-12345.670");
    EXPECT(cast1(DEC(15, 2), "12345678.90", DEC(10, 3)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(DEC(15, 2), "-9999999999999.99", DEC(31, 2)), "-9999999999999.99");
    EXPECT(cast1(DEC(18, 2), "9999999999999999.99", DEC(19, 2)), "9999999999999999.99");
    EXPECT(cast1(DEC(15, 2), "9999999999999.99", DEC(38, 20)), "9999999999999.99000000000000000000");
    EXPECT(cast1(DEC(15, 2), "9999999999999.99", DEC(38, 21)), "9999999999999.990000000000000000000");
    EXPECT(cast1(DEC(16, 2), "99999999999999.99", DEC(33, 20)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(DEC(16, 2), "-99999999999999.99", DEC(34, 20)), "-99999999999999.99000000000000000000");
    EXPECT(cast1(T_BIG, "-9223372036854775808", DEC(38, 18)), "-9223372036854775808.000000000000000000");
    EXPECT(cast1(T_BIG, "-9223372036854775808", DEC(19, 0)), "-9223372036854775808");
    EXPECT(cast1(T_BIG, "-9223372036854775808", DEC(18, 0)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(T_SMALL, "-999", DEC(4, 1)), "-999.0");
    EXPECT(cast1(T_SMALL, "1000", DEC(4, 1)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(T_INT, "-2147483648", DEC(10, 0)), "-2147483648");
    const char *mixed[] = {"1.5", "NULL", "999999999999.99", "-3.25"};
    EXPECT(eval_col(cast(col(0, DEC(15, 2)), DEC(16, 4)), DEC(15, 2), 4, mixed), "1.5000|NULL|999999999999.9900|-3.2500");
    set_sel_text = "0,1,3";
    EXPECT(eval_col(cast(col(0, DEC(15, 2)), DEC(5, 2)), DEC(15, 2), 4, mixed), "1.50|NULL|-3.25"); /* row 2 not selected */
    set_sel_text = NULL;
    EXPECT(eval_col(cast(col(0, DEC(15, 2)), DEC(5, 2)), DEC(15, 2), 4, mixed), "ERROR 22003: numeric field overflow");
    /* integers */
    EXPECT(cast1(T_INT, "70000", T_SMALL), "ERROR 22003: smallint out of range");
    EXPECT(cast1(T_BIG, "-2147483648", T_INT), "-2147483648");
    EXPECT(cast1(T_BIG, "2147483648", T_INT), "ERROR 22003: integer out of range");
    EXPECT(cast1(T_INT, "42", DEC(5, 2)), "42.00");
    EXPECT(cast1(T_INT, "1000", DEC(4, 2)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(T_SMALL, "-42", T_BIG), "-42");
    EXPECT(cast1(T_INT, "42", T_DBL), "42");
    EXPECT(cast1(T_BOOL, "true", T_INT), "1");
    EXPECT(cast1(T_INT, "0", T_BOOL), "f");
    /* floating point */
    EXPECT(cast1(T_DBL, "2.5", T_INT), "2"); /* rint, as PostgreSQL */
    EXPECT(cast1(T_DBL, "3.5", T_INT), "4");
    EXPECT(cast1(T_DBL, "-2.5", T_BIG), "-2");
    EXPECT(cast1(T_DBL, "1e10", T_INT), "ERROR 22003: integer out of range");
    EXPECT(cast1(T_DBL, "0.285", DEC(10, 2)), "0.29"); /* 15 significant digits first */
    EXPECT(cast1(T_DBL, "-1234.5678", DEC(10, 3)), "-1234.568");
    EXPECT(cast1(T_DBL, "1e20", DEC(10, 2)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(T_DBL, "1.5e-7", DEC(10, 6)), "0.000000");
    EXPECT(cast1(DEC(10, 2), "1.10", T_DBL), "1.1");
    EXPECT(cast1(DEC(38, 4), "-0.0001", T_DBL), "-0.0001");
    EXPECT(cast1(T_DBL, "1.5", T_REAL), "1.5");
    /* strings -> values */
    EXPECT(cast1(T_STR, "42", T_INT), "42");
    EXPECT(cast1(T_STR, " 42 ", T_SMALL), "42");
    EXPECT(cast1(T_STR, "x", T_INT), "ERROR 22P02: invalid input syntax for type integer: \"x\"");
    EXPECT(cast1(T_STR, "", T_INT), "ERROR 22P02: invalid input syntax for type integer: \"\"");
    EXPECT(cast1(T_STR, "4 2", T_BIG), "ERROR 22P02: invalid input syntax for type bigint: \"4 2\"");
    EXPECT(cast1(T_STR, "99999999999", T_INT), "ERROR 22003: value \"99999999999\" is out of range for type integer");
    EXPECT(cast1(T_STR, "12.345", DEC(10, 2)), "12.35");
    EXPECT(cast1(T_STR, "abc", DEC(10, 2)), "ERROR 22P02: invalid input syntax for type numeric: \"abc\"");
    EXPECT(cast1(T_STR, "123456789.5", DEC(10, 2)), "ERROR 22003: numeric field overflow");
    EXPECT(cast1(T_STR, "1.5e3", T_DBL), "1500");
    EXPECT(cast1(T_STR, "nope", T_DBL), "ERROR 22P02: invalid input syntax for type double precision: \"nope\"");
    EXPECT(cast1(T_STR, "TRUE", T_BOOL), "t");
    EXPECT(cast1(T_STR, "maybe", T_BOOL), "ERROR 22P02: invalid input syntax for type boolean: \"maybe\"");
    EXPECT(cast1(T_STR, "2024-02-29", T_DATE), "2024-02-29");
    EXPECT(cast1(T_STR, "2023-02-29", T_DATE), "ERROR 22007: invalid input syntax for type date: \"2023-02-29\"");
    EXPECT(cast1(T_STR, "2024-01-02 03:04:05.5", T_TS), "2024-01-02 03:04:05.500000");
    EXPECT(cast1(T_STR, "2024-01-02", T_TS), "2024-01-02 00:00:00");
    EXPECT(cast1(T_STR, "yesterday", T_TS), "ERROR 22007: invalid input syntax for type timestamp: \"yesterday\"");
    /* values -> strings */
    EXPECT(cast1(T_INT, "-42", T_STR), "-42");
    EXPECT(cast1(DEC(10, 2), "-0.05", T_STR), "-0.05");
    EXPECT(cast1(DEC(38, 3), "123456789012345678901234.567", T_STR), "123456789012345678901234.567");
    EXPECT(cast1(T_DATE, "2024-02-29", T_STR), "2024-02-29");
    EXPECT(cast1(T_TS, "2024-02-29 12:00:00", T_STR), "2024-02-29 12:00:00");
    EXPECT(cast1(T_BOOL, "t", T_STR), "true");
    EXPECT(cast1(T_DBL, "0.1", T_STR), "0.1");
    EXPECT(cast1(T_INT, "123456", shoal_type_string(SHOAL_TYPE_VARCHAR, 3)), "123");
    /* string length per SQL cast: truncation by characters; CHAR drops trailing blanks */
    EXPECT(cast1(T_STR, "h\xc3\xa9llo world", shoal_type_string(SHOAL_TYPE_VARCHAR, 3)), "h\xc3\xa9l");
    EXPECT(cast1(T_STR, "ab   cd", shoal_type_string(SHOAL_TYPE_CHAR, 5)), "ab");
    EXPECT(cast1(T_STR, "ab", shoal_type_string(SHOAL_TYPE_VARCHAR, 10)), "ab");
    /* dates and timestamps */
    EXPECT(cast1(T_DATE, "2024-01-02", T_TS), "2024-01-02 00:00:00");
    EXPECT(cast1(T_TS, "1969-12-31 23:00:00", T_DATE), "1969-12-31");
    EXPECT(cast1(T_TS, "2024-03-01 00:00:00", T_DATE), "2024-03-01");
    /* NULL stays NULL and is never parsed */
    const char *nulls[] = {"NULL", "7"};
    EXPECT(eval_col(cast(col(0, T_STR), T_INT), T_STR, 2, nulls), "NULL|7");
    /* an impossible cast is refused when evaluated */
    EXPECT(cast1(T_DATE, "2024-01-02", T_INT), "ERROR 42846: cannot cast type date to integer");
    /* casts of constants fold; the error of a folded cast still surfaces */
    EXPECT(eval_const(cast(cs("12"), T_INT)), "12");
    EXPECT(eval_const(cast(cs("z"), T_INT)), "ERROR 22P02: invalid input syntax for type integer: \"z\"");
}

/* ================================ dates and EXTRACT ================================ */

static const char *extract1(int field, shoal_type out, shoal_type in, const char *value)
{
    const char *cells[1] = {value};
    return eval_col(extract(field, out, col(0, in)), in, 1, cells);
}

static void test_extract(void)
{
    const char *d = "2024-02-29";
    EXPECT(extract1(SHOAL_EXTRACT_YEAR, T_INT, T_DATE, d), "2024");
    EXPECT(extract1(SHOAL_EXTRACT_QUARTER, T_INT, T_DATE, d), "1");
    EXPECT(extract1(SHOAL_EXTRACT_MONTH, T_INT, T_DATE, d), "2");
    EXPECT(extract1(SHOAL_EXTRACT_DAY, T_INT, T_DATE, d), "29");
    EXPECT(extract1(SHOAL_EXTRACT_DOW, T_INT, T_DATE, d), "4"); /* Thursday */
    EXPECT(extract1(SHOAL_EXTRACT_DOY, T_INT, T_DATE, d), "60");
    EXPECT(extract1(SHOAL_EXTRACT_HOUR, T_INT, T_DATE, d), "0");
    EXPECT(extract1(SHOAL_EXTRACT_MINUTE, T_INT, T_DATE, d), "0");
    EXPECT(extract1(SHOAL_EXTRACT_SECOND, T_INT, T_DATE, d), "0");
    EXPECT(extract1(SHOAL_EXTRACT_EPOCH, T_BIG, T_DATE, d), "1709164800");
    EXPECT(extract1(SHOAL_EXTRACT_DOW, T_INT, T_DATE, "2023-01-01"), "0"); /* Sunday */
    EXPECT(extract1(SHOAL_EXTRACT_DOW, T_INT, T_DATE, "2023-01-07"), "6"); /* Saturday */
    EXPECT(extract1(SHOAL_EXTRACT_DOW, T_INT, T_DATE, "1969-12-31"), "3"); /* Wednesday, before the epoch */
    EXPECT(extract1(SHOAL_EXTRACT_DOY, T_INT, T_DATE, "2023-01-01"), "1");
    EXPECT(extract1(SHOAL_EXTRACT_DOY, T_INT, T_DATE, "2024-12-31"), "366");
    EXPECT(extract1(SHOAL_EXTRACT_QUARTER, T_INT, T_DATE, "2024-10-01"), "4");
    EXPECT(extract1(SHOAL_EXTRACT_YEAR, T_INT, T_DATE, "1969-12-31"), "1969");
    const char *t = "2024-12-31 13:45:30.25";
    EXPECT(extract1(SHOAL_EXTRACT_YEAR, T_INT, T_TS, t), "2024");
    EXPECT(extract1(SHOAL_EXTRACT_QUARTER, T_INT, T_TS, t), "4");
    EXPECT(extract1(SHOAL_EXTRACT_MONTH, T_INT, T_TS, t), "12");
    EXPECT(extract1(SHOAL_EXTRACT_DAY, T_INT, T_TS, t), "31");
    EXPECT(extract1(SHOAL_EXTRACT_DOW, T_INT, T_TS, t), "2"); /* Tuesday */
    EXPECT(extract1(SHOAL_EXTRACT_DOY, T_INT, T_TS, t), "366");
    EXPECT(extract1(SHOAL_EXTRACT_HOUR, T_INT, T_TS, t), "13");
    EXPECT(extract1(SHOAL_EXTRACT_MINUTE, T_INT, T_TS, t), "45");
    EXPECT(extract1(SHOAL_EXTRACT_SECOND, T_INT, T_TS, t), "30");
    EXPECT(extract1(SHOAL_EXTRACT_SECOND, T_DBL, T_TS, t), "30.25");
    EXPECT(extract1(SHOAL_EXTRACT_SECOND, DEC(8, 6), T_TS, t), "30.250000");
    EXPECT(extract1(SHOAL_EXTRACT_EPOCH, T_BIG, T_TS, t), "1735652730");
    EXPECT(extract1(SHOAL_EXTRACT_EPOCH, T_DBL, T_TS, t), "1735652730.25");
    const char *before = "1969-12-31 23:59:59.5";
    EXPECT(extract1(SHOAL_EXTRACT_HOUR, T_INT, T_TS, before), "23");
    EXPECT(extract1(SHOAL_EXTRACT_SECOND, T_DBL, T_TS, before), "59.5");
    EXPECT(extract1(SHOAL_EXTRACT_DAY, T_INT, T_TS, before), "31");
    EXPECT(extract1(SHOAL_EXTRACT_EPOCH, T_DBL, T_TS, before), "-0.5");
    EXPECT(extract1(SHOAL_EXTRACT_EPOCH, T_SMALL, T_DATE, d), "ERROR 22003: smallint out of range");
    const char *nulls[] = {"NULL", "2000-01-01"};
    EXPECT(eval_col(extract(SHOAL_EXTRACT_YEAR, T_INT, col(0, T_DATE)), T_DATE, 2, nulls), "NULL|2000");
}

static void test_date_arithmetic(void)
{
    const char *d[] = {"2024-01-31", "2023-01-31", "2024-03-31", "NULL", "1998-12-01"};
    shoal_expr *x = col(0, T_DATE);
    /* months first, clamped to the month's end (as PostgreSQL) */
    EXPECT(eval_col(interval(T_DATE, x, 1, 0, 0), T_DATE, 5, d), "2024-02-29|2023-02-28|2024-04-30|NULL|1999-01-01");
    EXPECT(eval_col(interval(T_DATE, x, -1, 0, 0), T_DATE, 5, d), "2023-12-31|2022-12-31|2024-02-29|NULL|1998-11-01");
    EXPECT(eval_col(interval(T_DATE, x, 13, 0, 0), T_DATE, 5, d), "2025-02-28|2024-02-29|2025-04-30|NULL|2000-01-01");
    EXPECT(eval_col(interval(T_DATE, x, -25, 0, 0), T_DATE, 5, d), "2021-12-31|2020-12-31|2022-02-28|NULL|1996-11-01");
    /* then days */
    EXPECT(eval_col(interval(T_DATE, x, 1, 1, 0), T_DATE, 5, d), "2024-03-01|2023-03-01|2024-05-01|NULL|1999-01-02");
    EXPECT(eval_col(interval(T_DATE, x, 0, -90, 0), T_DATE, 5, d), "2023-11-02|2022-11-02|2024-01-01|NULL|1998-09-02");
    /* then microseconds: only into a TIMESTAMP */
    EXPECT(eval_col(interval(T_DATE, x, 0, 0, 1), T_DATE, 5, d),
           "ERROR XX000: an interval with a time part added to a DATE must give a TIMESTAMP");
    EXPECT(eval_col(interval(T_TS, x, 1, 0, 3600000000LL), T_DATE, 5, d),
           "2024-02-29 01:00:00|2023-02-28 01:00:00|2024-04-30 01:00:00|NULL|1999-01-01 01:00:00");
    const char *t[] = {"2024-01-31 10:00:00", "2024-03-01 00:30:00", "1969-12-31 23:00:00"};
    EXPECT(eval_col(interval(T_TS, col(0, T_TS), 1, 0, 0), T_TS, 3, t), "2024-02-29 10:00:00|2024-04-01 00:30:00|1970-01-31 23:00:00");
    EXPECT(eval_col(interval(T_TS, col(0, T_TS), 0, 0, -3600000000LL), T_TS, 3, t),
           "2024-01-31 09:00:00|2024-02-29 23:30:00|1969-12-31 22:00:00");
    EXPECT(eval_col(interval(T_TS, col(0, T_TS), 0, 1, 1800000000LL), T_TS, 3, t),
           "2024-02-01 10:30:00|2024-03-02 01:00:00|1970-01-01 23:30:00");
    /* DATE +/- days, DATE - DATE */
    EXPECT(eval_col(fn(SHOAL_FUNC_DATE_ADD_DAYS, T_DATE, 2, x, ci(30)), T_DATE, 5, d), "2024-03-01|2023-03-02|2024-04-30|NULL|1998-12-31");
    EXPECT(eval_col(fn(SHOAL_FUNC_DATE_SUB_DAYS, T_DATE, 2, x, ci(31)), T_DATE, 5, d), "2023-12-31|2022-12-31|2024-02-29|NULL|1998-10-31");
    EXPECT(eval_col(fn(SHOAL_FUNC_DATE_DIFF_DAYS, T_INT, 2, x, cv(T_DATE, "2024-01-01")), T_DATE, 5, d), "30|-335|90|NULL|-9162");
    /* out of the calendar's range */
    const char *edge[] = {"294276-12-31"};
    EXPECT(eval_col(fn(SHOAL_FUNC_DATE_ADD_DAYS, T_DATE, 2, col(0, T_DATE), ci(1)), T_DATE, 1, edge), "ERROR 22008: date out of range");
    EXPECT(eval_col(interval(T_DATE, col(0, T_DATE), 1, 0, 0), T_DATE, 1, edge), "ERROR 22008: date out of range");
    /* the Q1 bound folds to a constant */
    EXPECT(eval_const(interval(T_DATE, cv(T_DATE, "1998-12-01"), 0, -90, 0)), "1998-09-02");
}

/* ==================================== strings ==================================== */

static void test_like_expr(void)
{
    const char *s[] = {"PROMO BRUSHED", "STANDARD", "NULL", "promo x"};
    shoal_expr *x = col(0, T_STR);
    EXPECT(eval_col(node(SHOAL_EXPR_LIKE, T_BOOL, 2, x, cs("PROMO%")), T_STR, 4, s), "t|f|NULL|f");
    shoal_expr *notlike = node(SHOAL_EXPR_LIKE, T_BOOL, 2, x, cs("PROMO%"));
    notlike->negated = true;
    EXPECT(eval_col(notlike, T_STR, 4, s), "f|t|NULL|t");
    shoal_expr *ilike = node(SHOAL_EXPR_LIKE, T_BOOL, 2, x, cs("promo%"));
    ilike->case_insensitive = true;
    EXPECT(eval_col(ilike, T_STR, 4, s), "t|f|NULL|t");
    EXPECT(eval_col(node(SHOAL_EXPR_LIKE, T_BOOL, 2, x, cs("%AN_A%")), T_STR, 4, s), "f|t|NULL|f");
    EXPECT(eval_col(node(SHOAL_EXPR_LIKE, T_BOOL, 2, x, cv(T_STR, "NULL")), T_STR, 4, s), "NULL|NULL|NULL|NULL");
    EXPECT(eval_col(node(SHOAL_EXPR_LIKE, T_BOOL, 2, x, cs("a\\")), T_STR, 4, s),
           "ERROR 22025: LIKE pattern must not end with escape character");
    /* a pattern per row */
    shoal_type types[2] = {T_STR, T_STR};
    const char *cells[] = {"abc", "a%", "abc", "_b", "abc", "NULL", "xyz", "%y%"};
    shoal_batch *b = batch(2, types, 4, cells);
    EXPECT(eval_in(node(SHOAL_EXPR_LIKE, T_BOOL, 2, col(0, T_STR), col(1, T_STR)), b), "t|f|NULL|t");
    EXPECT(filter_in(node(SHOAL_EXPR_LIKE, T_BOOL, 2, col(0, T_STR), col(1, T_STR)), b), "0,3");
    batch_free(b);
}

static void test_string_functions(void)
{
    const char *s[] = {"h\xc3\xa9llo w\xc3\xb6rld", "  pad  ", "NULL", ""};
    shoal_expr *x = col(0, T_STR);
    EXPECT(eval_col(fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, x, ci(2), ci(3)), T_STR, 4, s), "\xc3\xa9ll| pa|NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, x, ci(0), ci(3)), T_STR, 4, s), "h\xc3\xa9|  |NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SUBSTRING, T_STR, 2, x, ci(8)), T_STR, 4, s), "\xc3\xb6rld||NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, x, ci(-5), ci(7)), T_STR, 4, s), "h| |NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, x, ci(5), ci(100)), T_STR, 4, s), "o w\xc3\xb6rld|d  |NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, x, ci(1), ci(-1)), T_STR, 4, s),
           "ERROR 22011: negative substring length not allowed");
    EXPECT(eval_col(fn(SHOAL_FUNC_UPPER, T_STR, 1, x), T_STR, 4, s), "H\xc3\xa9LLO W\xc3\xb6RLD|  PAD  |NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_LOWER, T_STR, 1, cs("MiXeD 42")), T_STR, 4, s), "mixed 42|mixed 42|mixed 42|mixed 42");
    EXPECT(eval_col(fn(SHOAL_FUNC_LENGTH, T_INT, 1, x), T_STR, 4, s), "11|7|NULL|0");
    EXPECT(eval_col(fn(SHOAL_FUNC_TRIM, T_STR, 1, x), T_STR, 4, s), "h\xc3\xa9llo w\xc3\xb6rld|pad|NULL|");
    EXPECT(eval_col(fn(SHOAL_FUNC_CONCAT, T_STR, 3, cs("<"), x, cs(">")), T_STR, 4, s), "<h\xc3\xa9llo w\xc3\xb6rld>|<  pad  >|NULL|<>");
    EXPECT(eval_col(fn(SHOAL_FUNC_CONCAT, T_STR, 2, x, ci(42)), T_STR, 4, s), "h\xc3\xa9llo w\xc3\xb6rld42|  pad  42|NULL|42");
    /* Q22: SUBSTRING(c_phone FROM 1 FOR 2) IN (...) */
    const char *phones[] = {"13-555-0101", "31-555-0101", "25-555-0101"};
    EXPECT(eval_col(node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, col(0, T_STR), ci(1), ci(2)), cs("13"), cs("31")),
                    T_STR, 3, phones), "t|t|f");
}

static void test_abs_round(void)
{
    const char *ints[] = {"-5", "-2147483648"};
    EXPECT(eval_col(fn(SHOAL_FUNC_ABS, T_INT, 1, col(0, T_INT)), T_INT, 1, ints), "5");
    EXPECT(eval_col(fn(SHOAL_FUNC_ABS, T_INT, 1, col(0, T_INT)), T_INT, 2, ints), "ERROR 22003: integer out of range");
    const char *decs[] = {"2.345", "2.500", "-2.500", "-2.345", "1234.567", "NULL"};
    shoal_expr *x = col(0, DEC(10, 3));
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, DEC(10, 0), 1, x), DEC(10, 3), 6, decs), "2|3|-3|-2|1235|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, DEC(10, 2), 2, x, ci(2)), DEC(10, 3), 6, decs), "2.35|2.50|-2.50|-2.35|1234.57|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, DEC(10, 3), 2, x, ci(1)), DEC(10, 3), 6, decs), "2.300|2.500|-2.500|-2.300|1234.600|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, DEC(10, 0), 2, x, ci(-2)), DEC(10, 3), 6, decs), "0|0|0|0|1200|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, DEC(10, 3), 2, x, ci(5)), DEC(10, 3), 6, decs), "2.345|2.500|-2.500|-2.345|1234.567|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, DEC(3, 0), 1, x), DEC(10, 3), 6, decs), "ERROR 22003: numeric field overflow");
    const char *dbls[] = {"2.5", "-2.5", "1.2345", "NULL"};
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, T_DBL, 1, col(0, T_DBL)), T_DBL, 4, dbls), "3|-3|1|NULL");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, T_DBL, 2, col(0, T_DBL), ci(2)), T_DBL, 4, dbls), "2.5|-2.5|1.23|NULL");
    const char *is[] = {"1234", "1250", "-1250", "7"};
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, T_INT, 2, col(0, T_INT), ci(-2)), T_INT, 4, is), "1200|1300|-1300|0");
    EXPECT(eval_col(fn(SHOAL_FUNC_ROUND, T_INT, 1, col(0, T_INT)), T_INT, 4, is), "1234|1250|-1250|7");
    EXPECT(eval_col(fn(SHOAL_FUNC_ABS, DEC(10, 3), 1, x), DEC(10, 3), 6, decs), "2.345|2.500|2.500|2.345|1234.567|NULL");
}

/* ================================ TPC-H Q1 and Q6 ================================ */

enum { SHIPDATE, DISCOUNT, QUANTITY, PRICE, TAX };

static shoal_batch *lineitem(void)
{
    shoal_type types[5] = {T_DATE, DEC(15, 2), DEC(15, 2), DEC(15, 2), DEC(15, 2)};
    const char *cells[] = {
        /* shipdate    discount quantity price      tax */
        "1994-01-01", "0.05", "23.00", "17954.55", "0.02", /* 0 in: every bound inclusive where it should be */
        "1993-12-31", "0.06", "10.00", "1000.00", "0.01",  /* 1 out: before the year */
        "1995-01-01", "0.06", "10.00", "1000.00", "0.01",  /* 2 out: upper bound exclusive */
        "1994-06-15", "0.07", "1.00", "3000.00", "0.08",   /* 3 in */
        "1994-06-15", "0.08", "1.00", "3000.00", "0.08",   /* 4 out: discount */
        "1994-06-15", "0.04", "1.00", "3000.00", "0.08",   /* 5 out: discount */
        "1994-12-31", "0.06", "24.00", "1000.00", "0.00",  /* 6 out: quantity 24 */
        "1994-12-31", "0.06", "23.99", "104949.50", "0.03", /* 7 in */
        "NULL", "0.06", "1.00", "1000.00", "0.00",         /* 8 out: NULL date */
        "1994-03-03", "NULL", "1.00", "1000.00", "0.00",   /* 9 out: NULL discount */
        "1994-03-03", "0.05", "NULL", "1000.00", "0.00",   /* 10 out: NULL quantity */
        "1994-03-03", "0.06", "5.00", "2.50", "0.00",      /* 11 in */
    };
    return batch(5, types, 12, cells);
}

/* l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year
 * and l_discount between 0.06 - 0.01 and 0.06 + 0.01 and l_quantity < 24 */
static shoal_expr *q6_predicate(void)
{
    shoal_expr *date = cv(T_DATE, "1994-01-01");
    shoal_expr *args[5] = {
        cmp(SHOAL_FUNC_GE, col(SHIPDATE, T_DATE), date),
        cmp(SHOAL_FUNC_LT, col(SHIPDATE, T_DATE), interval(T_DATE, date, 12, 0, 0)),
        cmp(SHOAL_FUNC_GE, col(DISCOUNT, DEC(15, 2)), fn(SHOAL_FUNC_SUB, DEC(4, 2), 2, cv(DEC(3, 2), "0.06"), cv(DEC(3, 2), "0.01"))),
        cmp(SHOAL_FUNC_LE, col(DISCOUNT, DEC(15, 2)), fn(SHOAL_FUNC_ADD, DEC(4, 2), 2, cv(DEC(3, 2), "0.06"), cv(DEC(3, 2), "0.01"))),
        cmp(SHOAL_FUNC_LT, col(QUANTITY, DEC(15, 2)), cast(ci(24), DEC(15, 2))),
    };
    return shoal_expr_node(&A, SHOAL_EXPR_AND, T_BOOL, 5, args);
}

static void test_q6(void)
{
    shoal_batch *b = lineitem();
    shoal_expr *pred = q6_predicate();
    EXPECT(filter_in(pred, b), "0,3,7,11");
    /* the same rows through generic evaluation */
    clear_selection(b);
    EXPECT(eval_in(pred, b), "t|f|f|t|f|f|f|t|NULL|NULL|NULL|t");
    /* filtering a batch that already has a selection */
    set_selection(b, "1,2,3,4,7,8,9,10,11");
    EXPECT(filter_in(pred, b), "3,7,11");
    /* revenue = sum(l_extendedprice * l_discount) over the rows kept */
    clear_selection(b);
    EXPECT(filter_in(pred, b), "0,3,7,11");
    shoal_expr *revenue = fn(SHOAL_FUNC_MUL, DEC(18, 4), 2, col(PRICE, DEC(15, 2)), col(DISCOUNT, DEC(15, 2)));
    EXPECT(eval_in(revenue, b), "897.7275|210.0000|6296.9700|0.1500");
    /* and summed with the aggregate kernel, exactly: 897.7275 + 210 + 6296.97 + 0.15 */
    shoal_expr_state *st = shoal_expr_state_create(revenue);
    shoal_vector out;
    shoal_vector_init(&out, revenue->type, 16);
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_FATAL(shoal_expr_eval(st, b, &out, &err));
    shoal_int128 sum = 0;
    CU_ASSERT_EQUAL(kernel_sum_i64_to_i128(out.data, b->sel, b->sel_count, out.validity, &sum), 4);
    CU_ASSERT(sum == 74048475); /* 7404.8475 */
    shoal_vector_free(&out);
    shoal_expr_state_free(st);
    batch_free(b);
}

static void test_q1(void)
{
    shoal_batch *b = lineitem();
    set_selection(b, "0,3,7,11");
    /* sum_disc_price: l_extendedprice * (1 - l_discount) */
    shoal_expr *one_minus = fn(SHOAL_FUNC_SUB, DEC(15, 2), 2, ci(1), col(DISCOUNT, DEC(15, 2)));
    shoal_expr *disc_price = fn(SHOAL_FUNC_MUL, DEC(18, 4), 2, col(PRICE, DEC(15, 2)), one_minus);
    EXPECT(eval_in(disc_price, b), "17056.8225|2790.0000|98652.5300|2.3500");
    /* sum_charge: l_extendedprice * (1 - l_discount) * (1 + l_tax), in 64 and in 128 bits */
    shoal_expr *one_plus = fn(SHOAL_FUNC_ADD, DEC(15, 2), 2, ci(1), col(TAX, DEC(15, 2)));
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(18, 6), 2, disc_price, one_plus), b), "17397.958950|3013.200000|101612.105900|2.350000");
    shoal_expr *disc_price38 = fn(SHOAL_FUNC_MUL, DEC(38, 4), 2, col(PRICE, DEC(15, 2)), one_minus);
    EXPECT(eval_in(fn(SHOAL_FUNC_MUL, DEC(38, 6), 2, disc_price38, one_plus), b), "17397.958950|3013.200000|101612.105900|2.350000");
    /* the where clause: l_shipdate <= date '1998-12-01' - interval '90' day */
    set_selection(b, "0,1,2,3,4,5,6,7,8,9,10,11");
    shoal_expr *where = cmp(SHOAL_FUNC_LE, col(SHIPDATE, T_DATE), interval(T_DATE, cv(T_DATE, "1998-12-01"), 0, -90, 0));
    EXPECT(filter_in(where, b), "0,1,2,3,4,5,6,7,9,10,11");
    /* avg_disc-like division of sums: 0.05 + 0.07 + 0.06 + 0.06 = 0.24, / 4 */
    EXPECT(eval_const(fn(SHOAL_FUNC_DIV, DEC(18, 6), 2, cv(DEC(38, 2), "0.24"), cbig(4))), "0.060000");
    batch_free(b);
}

/* ================================ filters: SIMD vs generic ================================ */

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_filter_random_vs_eval(void)
{
    shoal_type types[3] = {T_DATE, DEC(15, 2), T_BIG};
    int mismatches = 0, rounds = 0;
    for (int round = 0; round < 60; round++) {
        uint32_t n = (uint32_t)(rnd() % 3000);
        shoal_batch b;
        shoal_batch_init(&b, 3, types, n ? n : 1);
        for (uint32_t r = 0; r < n; r++) {
            for (int c = 0; c < 3; c++) {
                if (round % 3 && rnd() % 10 == 0) shoal_vector_append_null(&b.columns[c]);
                else shoal_vector_append_i64(&b.columns[c], (int64_t)(rnd() % 100) - 50);
            }
        }
        b.count = n;
        /* a random conjunction of column-vs-constant comparisons, plus an OR (generic) */
        shoal_expr *conj[5];
        int k = 1 + (int)(rnd() % 4);
        for (int i = 0; i < k; i++) {
            int c = (int)(rnd() % 3);
            shoal_func f = (shoal_func)(SHOAL_FUNC_EQ + (int)(rnd() % 6));
            shoal_value v;
            memset(&v, 0, sizeof v);
            v.type = types[c];
            v.v.i64 = (int64_t)(rnd() % 100) - 50;
            shoal_expr *cst = shoal_expr_const(&A, v);
            conj[i] = rnd() % 2 ? cmp(f, col(c, types[c]), cst) : cmp(f, cst, col(c, types[c]));
        }
        if (rnd() % 2)
            conj[k++] = node(SHOAL_EXPR_OR, T_BOOL, 2, cmp(SHOAL_FUNC_LT, col(2, T_BIG), cbig(0)),
                             node(SHOAL_EXPR_IS_NULL, T_BOOL, 1, col(1, DEC(15, 2))));
        shoal_expr *pred = shoal_expr_node(&A, SHOAL_EXPR_AND, T_BOOL, k, conj);
        shoal_expr_state *st = shoal_expr_state_create(pred);
        /* expected: the rows where the evaluated predicate is TRUE, among a starting selection */
        bool start_sel = rnd() % 2;
        uint32_t *start = malloc((n ? n : 1) * sizeof(uint32_t)), ns = 0;
        for (uint32_t r = 0; r < n; r++)
            if (!start_sel || rnd() % 3) start[ns++] = r;
        shoal_vector out;
        shoal_vector_init(&out, T_BOOL, 16);
        shoal_eval_error err;
        memset(&err, 0, sizeof err);
        CU_ASSERT_FATAL(shoal_expr_eval(st, &b, &out, &err));
        uint32_t *expect = malloc((n ? n : 1) * sizeof(uint32_t)), ne = 0;
        for (uint32_t i = 0; i < ns; i++)
            if (!shoal_vector_is_null(&out, start[i]) && ((uint8_t *)out.data)[start[i]]) expect[ne++] = start[i];
        if (start_sel) {
            shoal_batch_select_all(&b);
            memcpy(b.sel, start, ns * sizeof(uint32_t));
            b.sel_count = ns;
        }
        CU_ASSERT_FATAL(shoal_expr_filter(st, &b, &err));
        if (b.sel_count != ne || memcmp(b.sel, expect, ne * sizeof(uint32_t)) != 0) mismatches++;
        rounds++;
        free(start);
        free(expect);
        shoal_vector_free(&out);
        shoal_expr_state_free(st);
        shoal_batch_free(&b);
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT_EQUAL(rounds, 60);
}

static void test_filter_edges(void)
{
    const char *xs[] = {"1", "2", "3"};
    shoal_batch *b = batch1(T_INT, 3, xs);
    EXPECT(filter_in(cv(T_BOOL, "false"), b), "");
    batch_free(b);
    b = batch1(T_INT, 3, xs);
    EXPECT(filter_in(cv(T_BOOL, "NULL"), b), "");
    batch_free(b);
    b = batch1(T_INT, 3, xs);
    EXPECT(filter_in(cv(T_BOOL, "true"), b), "0,1,2");
    EXPECT(filter_in(col(0, T_INT), b), "ERROR 42804: a filter must be BOOLEAN");
    batch_free(b);
    /* an empty batch */
    b = batch1(T_INT, 0, xs);
    EXPECT(filter_in(cmp(SHOAL_FUNC_GT, col(0, T_INT), ci(1)), b), "");
    CU_ASSERT_EQUAL(b->sel_count, 0);
    batch_free(b);
    /* a constant on the left: 2 < x */
    b = batch1(T_INT, 3, xs);
    EXPECT(filter_in(cmp(SHOAL_FUNC_LT, ci(2), col(0, T_INT)), b), "2");
    batch_free(b);
}

/* ================================ plans that cannot run ================================ */

static void test_invalid_plans(void)
{
    const char *xs[] = {"1"};
    EXPECT(eval_col(col(3, T_INT), T_INT, 1, xs), "ERROR XX000: column #3 is not in the input (1 columns)");
    EXPECT(eval_col(col(0, T_BIG), T_INT, 1, xs), "ERROR XX000: column #0 is INTEGER but the plan expects BIGINT");
    EXPECT(eval_col(and2(col(0, T_INT), cv(T_BOOL, "true")), T_INT, 1, xs), "ERROR XX000: a logical operand must be BOOLEAN");
    EXPECT(eval_col(cmp(SHOAL_FUNC_EQ, col(0, T_INT), cs("x")), T_INT, 1, xs), "ERROR XX000: function 7 cannot produce BOOLEAN from its arguments");
    shoal_expr *bad = fn(SHOAL_FUNC_ADD, T_INT, 1, col(0, T_INT));
    EXPECT(eval_col(bad, T_INT, 1, xs), "ERROR XX000: function 1 takes 2 arguments, not 1");
    shoal_expr *badf = fn(SHOAL_FUNC_COUNT_, T_INT, 1, col(0, T_INT));
    char unknown[64];
    snprintf(unknown, sizeof unknown, "ERROR XX000: unknown function %d", SHOAL_FUNC_COUNT_);
    EXPECT(eval_col(badf, T_INT, 1, xs), unknown);
}

/* ======================== evaluation across batches, selections ======================== */

static void test_state_reuse_and_large_batches(void)
{
    shoal_type types[2] = {T_INT, T_INT};
    /* (x * 3 + y) / 2 and a CASE, over a small then a large batch with one state */
    shoal_expr *x = col(0, T_INT), *y = col(1, T_INT);
    shoal_expr *e = fn(SHOAL_FUNC_DIV, T_BIG, 2, fn(SHOAL_FUNC_ADD, T_BIG, 2, fn(SHOAL_FUNC_MUL, T_BIG, 2, x, ci(3)), y), ci(2));
    shoal_expr_state *st = shoal_expr_state_create(e);
    shoal_vector out;
    shoal_vector_init(&out, T_BIG, 1);
    int bad = 0;
    for (int round = 0; round < 4; round++) {
        uint32_t n = round % 2 ? 5000 : 3;
        shoal_batch b;
        shoal_batch_init(&b, 2, types, n);
        for (uint32_t r = 0; r < n; r++) {
            if (r % 7 == 3) shoal_vector_append_null(&b.columns[0]);
            else shoal_vector_append_i64(&b.columns[0], (int64_t)(rnd() % 2000000) - 1000000);
            shoal_vector_append_i64(&b.columns[1], (int64_t)(rnd() % 2000000) - 1000000);
        }
        b.count = n;
        if (round == 3) { /* every other row selected */
            shoal_batch_select_all(&b);
            b.sel_count = 0;
            for (uint32_t r = 0; r < n; r += 2) b.sel[b.sel_count++] = r;
        }
        shoal_eval_error err;
        memset(&err, 0, sizeof err);
        CU_ASSERT_FATAL(shoal_expr_eval(st, &b, &out, &err));
        for (uint32_t i = 0; i < shoal_batch_rows(&b); i++) {
            uint32_t r = shoal_batch_row(&b, i);
            bool null = shoal_vector_is_null(&b.columns[0], r);
            if (null != shoal_vector_is_null(&out, r)) bad++;
            else if (!null) {
                int64_t want = (shoal_vector_get_i64(&b.columns[0], r) * 3 + shoal_vector_get_i64(&b.columns[1], r)) / 2;
                if (((int64_t *)out.data)[r] != want) bad++;
            }
        }
        shoal_batch_free(&b);
    }
    CU_ASSERT_EQUAL(bad, 0);
    shoal_vector_free(&out);
    shoal_expr_state_free(st);
}

/* =============================== serialization, EXPLAIN =============================== */

static bool value_equal(const shoal_value *a, const shoal_value *b)
{
    if (!shoal_type_equal(a->type, b->type) || a->is_null != b->is_null) return false;
    if (a->is_null) return true;
    switch (shoal_type_physical(a->type)) {
    case SHOAL_PHYS_I128: return a->v.i128 == b->v.i128;
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: return memcmp(&a->v.f64, &b->v.f64, sizeof(double)) == 0;
    case SHOAL_PHYS_STRING:
        return a->v.str.len == b->v.str.len && (a->v.str.len == 0 || memcmp(a->v.str.ptr, b->v.str.ptr, a->v.str.len) == 0);
    default: return a->v.i64 == b->v.i64;
    }
}

static bool expr_equal(const shoal_expr *a, const shoal_expr *b)
{
    if (a->kind != b->kind || !shoal_type_equal(a->type, b->type) || a->column != b->column || a->func != b->func ||
        a->extract_field != b->extract_field || a->negated != b->negated || a->case_insensitive != b->case_insensitive ||
        a->has_else != b->has_else || a->arg_count != b->arg_count)
        return false;
    if (a->kind == SHOAL_EXPR_CONST && !value_equal(&a->constant, &b->constant)) return false;
    for (int i = 0; i < a->arg_count; i++)
        if (!expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

static int node_count;

static shoal_value random_value(void)
{
    static const shoal_type_id ids[] = {SHOAL_TYPE_BOOLEAN, SHOAL_TYPE_SMALLINT, SHOAL_TYPE_INTEGER, SHOAL_TYPE_BIGINT,
                                        SHOAL_TYPE_DECIMAL, SHOAL_TYPE_DECIMAL, SHOAL_TYPE_REAL, SHOAL_TYPE_DOUBLE,
                                        SHOAL_TYPE_CHAR, SHOAL_TYPE_VARCHAR, SHOAL_TYPE_DATE, SHOAL_TYPE_TIMESTAMP};
    shoal_value v;
    memset(&v, 0, sizeof v);
    shoal_type_id id = ids[rnd() % 12];
    v.type = id == SHOAL_TYPE_DECIMAL ? DEC(1 + (int)(rnd() % 38), 0) : shoal_type_make(id);
    if (id == SHOAL_TYPE_DECIMAL) v.type.scale = (uint8_t)(rnd() % (v.type.precision + 1));
    if (id == SHOAL_TYPE_CHAR || id == SHOAL_TYPE_VARCHAR) v.type.length = (uint32_t)(rnd() % 300);
    v.is_null = rnd() % 6 == 0;
    if (v.is_null) return v;
    switch (shoal_type_physical(v.type)) {
    case SHOAL_PHYS_I128: {
        static const shoal_int128 edges[] = {0, -1, 1, (shoal_int128)INT64_MIN - 1};
        v.v.i128 = rnd() % 2 ? edges[rnd() % 4] : (shoal_int128)(((unsigned __int128)rnd() << 64) | rnd());
        break;
    }
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: {
        static const double edges[] = {0.0, -0.0, INFINITY, -INFINITY, 1e-310, 0.1};
        v.v.f64 = rnd() % 2 ? edges[rnd() % 6] : (double)(int64_t)rnd() / 3.0;
        if (rnd() % 10 == 0) v.v.f64 = NAN;
        break;
    }
    case SHOAL_PHYS_STRING: {
        uint32_t len = (uint32_t)(rnd() % 20);
        char *p = shoal_arena_alloc(&A, len ? len : 1);
        for (uint32_t i = 0; i < len; i++) p[i] = (char)(rnd() % 4 == 0 ? '\'' : rnd() % 256); /* quotes, NULs, bytes */
        v.v.str.ptr = len ? p : NULL;
        v.v.str.len = len;
        break;
    }
    default: v.v.i64 = rnd() % 2 ? (int64_t)rnd() : (int64_t)(rnd() % 5) - 2; break;
    }
    return v;
}

static shoal_expr *random_tree(int depth)
{
    node_count++;
    shoal_type t = random_value().type;
    int choice = depth >= 7 ? (int)(rnd() % 2) : (int)(rnd() % 11);
    shoal_expr *args[8];
    int n = 0;
    switch (choice) {
    case 0: return col((int)(rnd() % 50), t);
    case 1: return shoal_expr_const(&A, random_value());
    case 2: { /* a function with its arity */
        shoal_func f = (shoal_func)(SHOAL_FUNC_ADD + (int)(rnd() % (SHOAL_FUNC_COUNT_ - 1)));
        switch (f) {
        case SHOAL_FUNC_NEG: case SHOAL_FUNC_UPPER: case SHOAL_FUNC_LOWER: case SHOAL_FUNC_LENGTH:
        case SHOAL_FUNC_TRIM: case SHOAL_FUNC_ABS: case SHOAL_FUNC_EXTRACT: n = 1; break;
        case SHOAL_FUNC_DATE_ADD_INTERVAL: n = 4; break;
        case SHOAL_FUNC_SUBSTRING: n = 2 + (int)(rnd() % 2); break;
        case SHOAL_FUNC_ROUND: n = 1 + (int)(rnd() % 2); break;
        case SHOAL_FUNC_CONCAT: n = 2 + (int)(rnd() % 3); break;
        case SHOAL_FUNC_COALESCE: n = 1 + (int)(rnd() % 4); break;
        /* expr_eval_funcs.c */
        case SHOAL_FUNC_CEIL: case SHOAL_FUNC_FLOOR: case SHOAL_FUNC_SQRT: case SHOAL_FUNC_SIGN:
        case SHOAL_FUNC_REVERSE: case SHOAL_FUNC_INITCAP: case SHOAL_FUNC_CHR: case SHOAL_FUNC_ASCII:
        case SHOAL_FUNC_LAST_DAY: case SHOAL_FUNC_DATE_TRUNC: n = 1; break;
        case SHOAL_FUNC_TRUNC: case SHOAL_FUNC_LTRIM: case SHOAL_FUNC_RTRIM: case SHOAL_FUNC_BTRIM:
            n = 1 + (int)(rnd() % 2); break;
        case SHOAL_FUNC_LPAD: case SHOAL_FUNC_RPAD: n = 2 + (int)(rnd() % 2); break;
        case SHOAL_FUNC_NVL2: case SHOAL_FUNC_REPLACE: case SHOAL_FUNC_SPLIT_PART: n = 3; break;
        case SHOAL_FUNC_DECODE: n = 3 + (int)(rnd() % 4); break;
        case SHOAL_FUNC_GREATEST: case SHOAL_FUNC_LEAST: n = 1 + (int)(rnd() % 4); break;
        default: n = 2; break;
        }
        for (int i = 0; i < n; i++) args[i] = random_tree(depth + 1);
        shoal_expr *e = shoal_expr_func(&A, f, t, n, args);
        if (f == SHOAL_FUNC_EXTRACT) e->extract_field = (uint8_t)(1 + rnd() % 10);
        if (f == SHOAL_FUNC_DATE_TRUNC || f == SHOAL_FUNC_DATEADD || f == SHOAL_FUNC_DATEDIFF)
            e->extract_field = (uint8_t)(SHOAL_EXTRACT_WEEK + rnd() % 6); /* WEEK .. MILLENNIUM */
        return e;
    }
    case 3: case 4: n = 1 + (int)(rnd() % 4); break;                 /* AND, OR */
    case 5: case 6: case 8: n = 1; break;                            /* NOT, IS NULL, CAST */
    case 7: n = 2 + (int)(rnd() % 4); break;                         /* IN */
    case 9: n = 2 + (int)(rnd() % 5); break;                         /* CASE */
    case 10: n = 2; break;                                           /* LIKE */
    }
    static const shoal_expr_kind kinds[] = {0, 0, 0, SHOAL_EXPR_AND, SHOAL_EXPR_OR, SHOAL_EXPR_NOT, SHOAL_EXPR_IS_NULL,
                                            SHOAL_EXPR_IN_LIST, SHOAL_EXPR_CAST, SHOAL_EXPR_CASE, SHOAL_EXPR_LIKE};
    for (int i = 0; i < n; i++) args[i] = random_tree(depth + 1);
    shoal_expr *e = shoal_expr_node(&A, kinds[choice], t, n, args);
    e->negated = rnd() % 2;
    e->case_insensitive = choice == 10 && rnd() % 2;
    e->has_else = choice == 9 && n % 2 == 1;
    return e;
}

static void test_serialize_round_trip(void)
{
    int trees = 0, want = 20;
    if (getenv("SHOAL_FUZZ_TREES")) want = atoi(getenv("SHOAL_FUZZ_TREES")); /* longer fuzzing by hand */
    for (int seed = 0; seed < want; seed++) {
        node_count = 0;
        shoal_expr *e;
        do {
            node_count = 0;
            e = random_tree(0);
        } while (node_count < 200);
        shoal_writer w;
        shoal_writer_init(&w, 64);
        shoal_expr_serialize(e, &w);
        shoal_arena b;
        shoal_arena_init(&b, 4096);
        shoal_reader r;
        shoal_reader_init(&r, w.data, w.len);
        shoal_expr *back = shoal_expr_deserialize(&r, &b);
        CU_ASSERT_FATAL(back != NULL);
        CU_ASSERT(shoal_reader_done(&r));
        CU_ASSERT(expr_equal(e, back));
        /* serializing the copy gives the same bytes */
        shoal_writer w2;
        shoal_writer_init(&w2, 64);
        shoal_expr_serialize(back, &w2);
        CU_ASSERT(w2.len == w.len && memcmp(w.data, w2.data, w.len) == 0);
        /* every truncation fails cleanly */
        int accepted = 0;
        for (size_t cut = 0; cut < w.len; cut += 1 + w.len / 500) {
            shoal_arena c;
            shoal_arena_init(&c, 4096);
            shoal_reader_init(&r, w.data, cut);
            if (shoal_expr_deserialize(&r, &c) != NULL || !r.failed) accepted++;
            shoal_arena_reset(&c);
        }
        CU_ASSERT_EQUAL(accepted, 0);
        /* corrupted bytes never crash (ASan watches), and the text form never overflows */
        for (int k = 0; k < 200; k++) {
            uint8_t *copy = malloc(w.len);
            memcpy(copy, w.data, w.len);
            for (int j = 0; j < 3; j++) copy[rnd() % w.len] = (uint8_t)rnd();
            shoal_arena c;
            shoal_arena_init(&c, 4096);
            shoal_reader_init(&r, copy, w.len);
            shoal_expr *x = shoal_expr_deserialize(&r, &c);
            if (x) {
                char small[40];
                shoal_expr_to_string(x, small, sizeof small);
                CU_ASSERT(strlen(small) < sizeof small);
                shoal_expr_state_free(shoal_expr_state_create(x)); /* normalizing a garbage tree is safe too */
            }
            shoal_arena_reset(&c);
            free(copy);
        }
        shoal_writer_free(&w);
        shoal_writer_free(&w2);
        shoal_arena_reset(&b);
        trees++;
    }
    CU_ASSERT_EQUAL(trees, want);
    /* a huge argument count is refused before allocating */
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_expr_serialize(and2(cv(T_BOOL, "true"), cv(T_BOOL, "false")), &w);
    uint8_t *p = w.data;
    /* the AND's arg count sits after kind(1) type(7) column(4) func(4) field(1) flags(1) */
    p[18] = 0xff, p[19] = 0xff, p[20] = 0xff, p[21] = 0x7f;
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    shoal_arena c;
    shoal_arena_init(&c, 4096);
    CU_ASSERT(shoal_expr_deserialize(&r, &c) == NULL);
    CU_ASSERT(r.failed);
    shoal_arena_reset(&c);
    shoal_writer_free(&w);
}

static void test_to_string(void)
{
    char buf[256];
    shoal_expr *e = fn(SHOAL_FUNC_MUL, DEC(18, 4), 2, col(3, DEC(15, 2)), fn(SHOAL_FUNC_SUB, DEC(15, 2), 2, ci(1), col(6, DEC(15, 2))));
    shoal_expr_to_string(e, buf, sizeof buf);
    EXPECT(buf, "(#3 * (1 - #6))");
    shoal_expr_to_string(q6_predicate(), buf, sizeof buf);
    EXPECT(buf, "((#0 >= DATE '1994-01-01') AND (#0 < (DATE '1994-01-01' + INTERVAL '12 months')) AND "
                "(#1 >= (0.06 - 0.01)) AND (#1 <= (0.06 + 0.01)) AND (#2 < CAST(24 AS DECIMAL(15,2))))");
    shoal_expr *in = node(SHOAL_EXPR_IN_LIST, T_BOOL, 3, col(0, T_STR), cs("it's"), cv(T_STR, "NULL"));
    in->negated = true;
    shoal_expr *c = node(SHOAL_EXPR_CASE, T_INT, 3, node(SHOAL_EXPR_IS_NULL, T_BOOL, 1, col(1, T_INT)), ci(0), col(1, T_INT));
    c->has_else = true;
    shoal_expr *like = node(SHOAL_EXPR_LIKE, T_BOOL, 2, col(2, T_STR), cs("%x%"));
    like->negated = true;
    like->case_insensitive = true;
    shoal_expr_to_string(node(SHOAL_EXPR_OR, T_BOOL, 3, in, cmp(SHOAL_FUNC_NE, c, ci(1)), like), buf, sizeof buf);
    EXPECT(buf, "((#0 NOT IN ('it''s', NULL)) OR (CASE WHEN (#1 IS NULL) THEN 0 ELSE #1 END <> 1) OR (#2 NOT ILIKE '%x%'))");
    shoal_expr_to_string(fn(SHOAL_FUNC_SUBSTRING, T_STR, 3, extract(SHOAL_EXTRACT_YEAR, T_INT, col(0, T_TS)), ci(1), ci(2)), buf, sizeof buf);
    EXPECT(buf, "SUBSTRING(EXTRACT(YEAR FROM #0), 1, 2)");
    shoal_expr_to_string(node(SHOAL_EXPR_NOT, T_BOOL, 1, cmp(SHOAL_FUNC_EQ, cv(T_TS, "2024-01-02 03:04:05"), cv(T_DBL, "-0.5"))), buf, sizeof buf);
    EXPECT(buf, "(NOT (TIMESTAMP '2024-01-02 03:04:05' = -0.5))");
    shoal_expr_to_string(e, buf, 8); /* truncated, still terminated */
    EXPECT(buf, "(#3 * (");
}

/* ===================================== main ===================================== */

int main(void)
{
    shoal_arena_init(&A, 64 * 1024);
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("exec_expr", NULL, NULL);
    CU_add_test(s, "integer_arithmetic", test_integer_arithmetic);
    CU_add_test(s, "decimal_arithmetic", test_decimal_arithmetic);
    CU_add_test(s, "wide_decimal_products", test_wide_decimal_products);
    CU_add_test(s, "comparisons", test_comparisons);
    CU_add_test(s, "three_valued_logic", test_three_valued_logic);
    CU_add_test(s, "in_list", test_in_list);
    CU_add_test(s, "case", test_case);
    CU_add_test(s, "coalesce", test_coalesce);
    CU_add_test(s, "casts", test_casts);
    CU_add_test(s, "extract", test_extract);
    CU_add_test(s, "date_arithmetic", test_date_arithmetic);
    CU_add_test(s, "like", test_like_expr);
    CU_add_test(s, "string_functions", test_string_functions);
    CU_add_test(s, "abs_round", test_abs_round);
    CU_add_test(s, "q6", test_q6);
    CU_add_test(s, "q1", test_q1);
    CU_add_test(s, "filter_random_simd_vs_eval", test_filter_random_vs_eval);
    CU_add_test(s, "filter_edges", test_filter_edges);
    CU_add_test(s, "invalid_plans", test_invalid_plans);
    CU_add_test(s, "state_reuse_and_large_batches", test_state_reuse_and_large_batches);
    CU_add_test(s, "serialize_round_trip", test_serialize_round_trip);
    CU_add_test(s, "to_string", test_to_string);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    shoal_arena_reset(&A);
    return failed ? 1 : 0;
}
