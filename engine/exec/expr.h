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
    /* ---- evaluated in expr_eval_funcs.c; the binder casts every argument to the type noted ---- */
    /* conditional (lazy like CASE where noted) */
    SHOAL_FUNC_NULLIF,      /* (a, b) both of the result type: NULL where a = b, else a */
    SHOAL_FUNC_DECODE,      /* (x, s1, r1, ..., [default]): x and every s of one type, r and default of the
                             * result type (an even count has a default); NULL matches NULL; lazy */
    SHOAL_FUNC_GREATEST,    /* (a, ...) all of the result type; NULLs ignored (NULL when all are) */
    SHOAL_FUNC_LEAST,
    SHOAL_FUNC_NVL2,        /* (x any type, a, b): a where x is not NULL, else b; lazy */
    /* numbers */
    SHOAL_FUNC_TRUNC,       /* (x, [digits BIGINT]) like ROUND, toward zero */
    SHOAL_FUNC_CEIL,        /* (x): integers as they are, DECIMAL(p,s) -> DECIMAL(p,0), DOUBLE */
    SHOAL_FUNC_FLOOR,
    SHOAL_FUNC_POWER,       /* (DOUBLE, DOUBLE) -> DOUBLE */
    SHOAL_FUNC_SQRT,        /* DOUBLE -> DOUBLE */
    SHOAL_FUNC_SIGN,        /* x -> -1, 0, 1 in x's type (a DECIMAL gives DECIMAL(1,0)) */
    /* strings (lengths and positions in UTF-8 characters) */
    SHOAL_FUNC_POSITION,    /* (needle, haystack) -> INTEGER, 1-based, 0 when absent */
    SHOAL_FUNC_LEFT,        /* (str, n BIGINT); n < 0: all but the last -n characters */
    SHOAL_FUNC_RIGHT,       /* (str, n BIGINT); n < 0: all but the first -n characters */
    SHOAL_FUNC_REPLACE,     /* (str, from, to) */
    SHOAL_FUNC_SPLIT_PART,  /* (str, delimiter, n BIGINT >= 1) */
    SHOAL_FUNC_LTRIM,       /* (str, [characters]) (default: spaces) */
    SHOAL_FUNC_RTRIM,
    SHOAL_FUNC_BTRIM,
    SHOAL_FUNC_LPAD,        /* (str, length BIGINT, [fill]) (default fill: a space) */
    SHOAL_FUNC_RPAD,
    SHOAL_FUNC_REVERSE,     /* (str) */
    SHOAL_FUNC_REPEAT,      /* (str, n BIGINT) */
    SHOAL_FUNC_INITCAP,     /* (str) */
    SHOAL_FUNC_CHR,         /* (code point BIGINT) -> VARCHAR */
    SHOAL_FUNC_ASCII,       /* (str) -> INTEGER: the first character's code point, 0 for '' */
    /* dates: the unit (a shoal_extract_field) in `extract_field` */
    SHOAL_FUNC_DATE_TRUNC,  /* (TIMESTAMP) -> TIMESTAMP */
    SHOAL_FUNC_DATEADD,     /* (n BIGINT, TIMESTAMP) -> TIMESTAMP */
    SHOAL_FUNC_DATEDIFF,    /* (TIMESTAMP a, TIMESTAMP b) -> BIGINT: unit boundaries crossed from a to b */
    SHOAL_FUNC_ADD_MONTHS,  /* (TIMESTAMP, n BIGINT) -> TIMESTAMP; a month's last day stays the last day */
    SHOAL_FUNC_LAST_DAY,    /* DATE -> DATE */
    SHOAL_FUNC_TO_CHAR,     /* (TIMESTAMP | BIGINT | DECIMAL | DOUBLE, format) -> VARCHAR */
    SHOAL_FUNC_TO_DATE,     /* (text, format, [is_strict BOOLEAN]) -> DATE; not strict: days past a month overflow */
    SHOAL_FUNC_TO_TIMESTAMP, /* (text, format) -> TIMESTAMP */
    SHOAL_FUNC_COUNT_
} shoal_func;

typedef enum shoal_extract_field {
    SHOAL_EXTRACT_YEAR = 1, SHOAL_EXTRACT_QUARTER, SHOAL_EXTRACT_MONTH, SHOAL_EXTRACT_DAY,
    SHOAL_EXTRACT_DOW, SHOAL_EXTRACT_DOY, SHOAL_EXTRACT_HOUR, SHOAL_EXTRACT_MINUTE,
    SHOAL_EXTRACT_SECOND, SHOAL_EXTRACT_EPOCH,
    /* units of DATE_TRUNC, DATEADD and DATEDIFF only (with YEAR..SECOND above, not DOW/DOY/EPOCH) */
    SHOAL_EXTRACT_WEEK, SHOAL_EXTRACT_MILLISECOND, SHOAL_EXTRACT_MICROSECOND, SHOAL_EXTRACT_DECADE,
    SHOAL_EXTRACT_CENTURY, SHOAL_EXTRACT_MILLENNIUM
} shoal_extract_field;

typedef struct shoal_expr shoal_expr;
struct shoal_expr {
    uint8_t kind;            /* shoal_expr_kind */
    shoal_type type;         /* result type */
    int32_t column;          /* COLUMN */
    shoal_value constant;    /* CONST */
    uint16_t func;           /* FUNC: shoal_func */
    uint8_t extract_field;   /* FUNC EXTRACT; the unit of DATE_TRUNC, DATEADD, DATEDIFF */
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
