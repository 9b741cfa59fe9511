/* Physical scalar expressions: the bound, typed form the planner produces and every rank
 * evaluates over batches. A tree of nodes; each node has a result type and a kind. The binder
 * (sql/) resolves names and types and inserts explicit casts, so evaluation never guesses:
 * every argument of an arithmetic or comparison node already has the node's operand type.
 *
 * Decimal rules (documented decision): DECIMAL with precision <= 18 is computed in int64 with
 * overflow checks (an overflow raises "numeric overflow", SQLSTATE 22003); above 18 in
 * __int128. + and - align scales (result scale = max); * adds scales; / gives scale
 * max(6, s1) (rounded half away from zero). Division by zero raises SQLSTATE 22012.
 * Comparisons between decimals of different scales are bound with a cast to the larger scale. */
#ifndef SHOAL_ENGINE_EXPR_H
#define SHOAL_ENGINE_EXPR_H

#include "engine/core/types.h"
#include "engine/core/vector.h"
#include "runtime/serialize.h"

#include <stdbool.h>
#include <stdint.h>

/* A constant value of some type (is_null for NULL). Strings point into the plan's arena. */
typedef struct shoal_value {
    shoal_type type;
    bool is_null;
    union {
        int64_t i64;        /* every integer-backed type incl. DATE, TIMESTAMP, DECIMAL(p<=18), BOOLEAN */
        shoal_int128 i128;  /* DECIMAL(p>18) */
        double f64;         /* REAL, DOUBLE */
        shoal_string str;   /* CHAR, VARCHAR */
    } v;
} shoal_value;

typedef enum shoal_expr_kind {
    SHOAL_EXPR_COLUMN = 1,  /* input column `column` of the batch */
    SHOAL_EXPR_CONST,       /* `constant` */
    SHOAL_EXPR_FUNC,        /* `func` applied to args */
    SHOAL_EXPR_AND,         /* n-ary, SQL three-valued logic */
    SHOAL_EXPR_OR,          /* n-ary, SQL three-valued logic */
    SHOAL_EXPR_NOT,
    SHOAL_EXPR_IS_NULL,     /* args[0] IS NULL; `negated` for IS NOT NULL */
    SHOAL_EXPR_IN_LIST,     /* args[0] IN (args[1..]) (all constants of args[0]'s type); `negated` */
    SHOAL_EXPR_CASE,        /* args: when1, then1, when2, then2, ..., [else] (has_else) */
    SHOAL_EXPR_CAST,        /* args[0] converted to `type` */
    SHOAL_EXPR_LIKE,        /* args[0] LIKE args[1] (constant pattern); `negated`; `case_insensitive` for ILIKE */
} shoal_expr_kind;

/* Scalar functions and operators. Arguments are already of the operand type noted. */
typedef enum shoal_func {
    SHOAL_FUNC_ADD = 1, SHOAL_FUNC_SUB, SHOAL_FUNC_MUL, SHOAL_FUNC_DIV, SHOAL_FUNC_MOD, SHOAL_FUNC_NEG,
    /* comparisons: both args one type; result BOOLEAN */
    SHOAL_FUNC_EQ, SHOAL_FUNC_NE, SHOAL_FUNC_LT, SHOAL_FUNC_LE, SHOAL_FUNC_GT, SHOAL_FUNC_GE,
    /* date arithmetic: DATE + INTEGER days, DATE - INTEGER days, DATE - DATE -> INTEGER,
     * DATE/TIMESTAMP + interval given as constant months/days/micros in args[1..3] */
    SHOAL_FUNC_DATE_ADD_DAYS, SHOAL_FUNC_DATE_SUB_DAYS, SHOAL_FUNC_DATE_DIFF_DAYS,
    SHOAL_FUNC_DATE_ADD_INTERVAL, /* args: date-or-timestamp, months (BIGINT), days (BIGINT), micros (BIGINT) */
    /* EXTRACT(field FROM date/timestamp) -> INTEGER; field in `extract_field` */
    SHOAL_FUNC_EXTRACT,
    /* strings */
    SHOAL_FUNC_SUBSTRING,   /* (str, start INTEGER 1-based, [len INTEGER]) */
    SHOAL_FUNC_CONCAT,      /* || */
    SHOAL_FUNC_UPPER, SHOAL_FUNC_LOWER, SHOAL_FUNC_LENGTH, SHOAL_FUNC_TRIM,
    /* numbers */
    SHOAL_FUNC_ABS, SHOAL_FUNC_ROUND, /* (x, [digits]) */
    SHOAL_FUNC_COALESCE,
    SHOAL_FUNC_COUNT_
} shoal_func;

typedef enum shoal_extract_field {
    SHOAL_EXTRACT_YEAR = 1, SHOAL_EXTRACT_QUARTER, SHOAL_EXTRACT_MONTH, SHOAL_EXTRACT_DAY,
    SHOAL_EXTRACT_DOW, SHOAL_EXTRACT_DOY, SHOAL_EXTRACT_HOUR, SHOAL_EXTRACT_MINUTE,
    SHOAL_EXTRACT_SECOND, SHOAL_EXTRACT_EPOCH
} shoal_extract_field;

typedef struct shoal_expr shoal_expr;
struct shoal_expr {
    uint8_t kind;            /* shoal_expr_kind */
    shoal_type type;         /* result type */
    int32_t column;          /* COLUMN */
    shoal_value constant;    /* CONST */
    uint16_t func;           /* FUNC: shoal_func */
    uint8_t extract_field;   /* FUNC EXTRACT */
    bool negated;            /* IS_NULL, IN_LIST, LIKE */
    bool case_insensitive;   /* LIKE */
    bool has_else;           /* CASE */
    int32_t arg_count;
    shoal_expr **args;
};

/* ---- building (planner) and shipping (leader -> ranks); nodes live in an arena ---- */
shoal_expr *shoal_expr_column(shoal_arena *a, int column, shoal_type type);
shoal_expr *shoal_expr_const(shoal_arena *a, shoal_value value);
shoal_expr *shoal_expr_node(shoal_arena *a, shoal_expr_kind kind, shoal_type type, int arg_count, shoal_expr **args);
shoal_expr *shoal_expr_func(shoal_arena *a, shoal_func func, shoal_type type, int arg_count, shoal_expr **args);
void shoal_expr_serialize(const shoal_expr *e, shoal_writer *w);
/* NULL (and r->failed) on malformed input. */
shoal_expr *shoal_expr_deserialize(shoal_reader *r, shoal_arena *a);
/* Readable form for EXPLAIN: "(#3 * (1 - #6))". */
void shoal_expr_to_string(const shoal_expr *e, char *buf, size_t size);

/* ---- evaluation (every rank) ---- */
/* Per-expression scratch space, reused across batches (one per operator instance). */
typedef struct shoal_expr_state shoal_expr_state;
shoal_expr_state *shoal_expr_state_create(const shoal_expr *e);
void shoal_expr_state_free(shoal_expr_state *st);

typedef struct shoal_eval_error {
    bool failed;
    char sqlstate[6];
    char message[256];
} shoal_eval_error;

/* Evaluates `e` for the selected rows of `in` (shoal_batch_rows/shoal_batch_row) into `out`,
 * which receives one value per input row position: out->count = in->count, and rows not
 * selected hold unspecified values. Returns false with `err` set on a runtime error. */
bool shoal_expr_eval(shoal_expr_state *st, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err);
/* Narrows in->sel to the rows where the BOOLEAN expression `e` is TRUE (not NULL, not FALSE).
 * Comparisons of a column with a constant and AND of those run as SIMD kernels. */
bool shoal_expr_filter(shoal_expr_state *st, shoal_batch *in, shoal_eval_error *err);

#endif
