/* The binder: turns parsed expressions into typed engine expressions (engine/exec/expr.h)
 * against the catalog — resolving names, choosing operand types, inserting casts, folding
 * constants — and reports user errors with their position: `column "x" does not exist (line
 * 1, column 8)`. Aggregates are collected for the planner, which splits the work across
 * ranks (sql/planner.c).
 *
 * Type rules (decided here, documented in sql/README.md): integer arithmetic stays in the wider
 * integer type; a decimal with an integer treats SMALLINT/INTEGER/BIGINT as DECIMAL(5/10/19,0);
 * + and - give scale max(s1,s2), * adds scales, / gives scale max(6,s1); precision grows as
 * SQL's rules say, capped at 38; anything with REAL/DOUBLE is DOUBLE. Comparisons cast to a
 * common type; a string literal compared with a DATE/TIMESTAMP/number is converted to it. A
 * cast to a DECIMAL of larger precision at the same scale and width is free; to a smaller one
 * it checks every value (22003). */
#ifndef SHOAL_SQL_BINDER_H
#define SHOAL_SQL_BINDER_H

#include "engine/catalog/catalog.h"
#include "engine/exec/aggregate.h"
#include "engine/exec/expr.h"
#include "engine/exec/plan.h"
#include "runtime/error.h"
#include "sql/ast.h"

#define SHOAL_SQLSTATE_UNDEFINED_COLUMN "42703"
#define SHOAL_SQLSTATE_UNDEFINED_TABLE "42P01"
#define SHOAL_SQLSTATE_UNDEFINED_FUNCTION "42883"
#define SHOAL_SQLSTATE_DATATYPE_MISMATCH "42804"
#define SHOAL_SQLSTATE_GROUPING_ERROR "42803"
#define SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED "0A000"
#define SHOAL_SQLSTATE_DUPLICATE_TABLE "42P07"
#define SHOAL_SQLSTATE_DUPLICATE_SCHEMA "42P06"
#define SHOAL_SQLSTATE_INVALID_SCHEMA "3F000"
#define SHOAL_SQLSTATE_INVALID_DEFINITION "42P16"
#define SHOAL_SQLSTATE_DUPLICATE_COLUMN "42701"
#define SHOAL_SQLSTATE_SYNTAX_ERROR_OR_ACCESS "42000"

#define SHOAL_MAX_AGGREGATES 64
#define SHOAL_MAX_GROUP_KEYS 64

/* A column visible to a query block: from a FROM item (table, derived table, CTE, view),
 * with its statement-wide column id (gid: unique in the statement, so a correlated reference to
 * an outer block's column is an ordinary COLUMN node of that gid). */
typedef struct shoal_bind_column {
    const char *relation; /* the FROM item's visible name (alias, or the table's name) */
    const char *schema;   /* tables only (NULL otherwise), for schema.table.column */
    const char *name;
    int gid;
    shoal_type type;
} shoal_bind_column;

/* The columns of one query block; parent = the enclosing block (correlated subqueries). */
typedef struct shoal_bind_scope {
    int count;
    shoal_bind_column *columns;
    const struct shoal_bind_scope *parent;
    int *outer_refs;   /* counts references resolved in a parent scope (NULL: not counted) */
    bool *gid_used;    /* marks every gid referenced (column pruning); NULL: not marked */
} shoal_bind_scope;

/* Replacement of a subquery expression by what the planner made of it (a COLUMN of the join
 * that computes it, or the constant it evaluated to). */
typedef struct shoal_bind_subquery {
    const shoal_ast_node *node;
    shoal_expr *value;
} shoal_bind_subquery;

#define SHOAL_MAX_WINDOWS 32
#define SHOAL_MAX_WINDOW_KEYS 8
/* A window function call met in the select list or ORDER BY: it binds to the placeholder
 * COLUMN SHOAL_WINDOW_COLUMN_BASE + its number, which the planner replaces by the column the
 * WINDOW operator computes. Its expressions are in the space the call was bound in (table
 * columns, or above an aggregation the keys and aggregates). */
#define SHOAL_WINDOW_COLUMN_BASE (1 << 24)
typedef struct shoal_bound_window {
    shoal_window_spec spec; /* func, offset, frame, result_type (arg/default_arg: the planner's) */
    shoal_expr *arg, *default_value;
    int npartition, norder;
    shoal_expr *partition[SHOAL_MAX_WINDOW_KEYS];
    shoal_expr *order[SHOAL_MAX_WINDOW_KEYS];
    bool descending[SHOAL_MAX_WINDOW_KEYS], nulls_first[SHOAL_MAX_WINDOW_KEYS];
} shoal_bound_window;

typedef struct shoal_binder {
    shoal_arena *arena; /* bound expressions live here (the plan's arena) */
    const char *sql;    /* statement text, for error positions */
    shoal_error *err;
    bool failed;
    bool quiet;         /* trial binding: fail without recording a message */

    /* names in scope: a scope of gid columns (the planner's), or else one table (COLUMN nodes
     * then carry table column numbers) */
    const shoal_bind_scope *scope;
    const shoal_table_def *table;
    const char *table_alias; /* NULL: the table's own name */
    bool *column_used;       /* per table column */
    /* subqueries the planner has already turned into expressions; any other subquery is an
     * error (or goes to eval_subquery) */
    int subquery_count;
    const shoal_bind_subquery *subqueries;
    /* an uncorrelated scalar subquery elsewhere: the planner runs it and returns its value as
     * a constant (NULL: b->err set) */
    shoal_expr *(*eval_subquery)(void *arg, struct shoal_binder *b, const shoal_ast_subquery_expr *q);
    void *eval_arg;

    /* aggregation context (set by the planner) */
    bool aggregating;              /* binding above a GROUP BY / aggregate */
    int key_count;
    shoal_expr *keys[SHOAL_MAX_GROUP_KEYS]; /* pre-aggregation group key expressions */
    int agg_count;
    shoal_agg_spec aggs[SHOAL_MAX_AGGREGATES];
    shoal_expr *agg_inputs[SHOAL_MAX_AGGREGATES]; /* pre-aggregation input (NULL: COUNT(*)) */
    bool agg_distinct[SHOAL_MAX_AGGREGATES];      /* agg(DISTINCT input) */
    /* LISTAGG: its WITHIN GROUP expressions (pre-aggregation; spec.order_count of them, their
     * directions in spec.order); its input is the value cast to a string, its raw value (for
     * DISTINCT, whose ORDER BY must be the argument) agg_raw_inputs */
    shoal_expr **agg_order[SHOAL_MAX_AGGREGATES];
    shoal_expr *agg_raw_inputs[SHOAL_MAX_AGGREGATES];

    /* window functions (set allow_windows where they may appear) */
    bool allow_windows;
    int window_count;
    shoal_bound_window windows[SHOAL_MAX_WINDOWS];
} shoal_binder;

void shoal_binder_init(shoal_binder *b, shoal_arena *arena, const char *sql, shoal_error *err);
/* Expression over the table's columns (COLUMN nodes carry table column numbers). NULL on
 * error (b->err set). Aggregates are errors here. */
shoal_expr *shoal_bind_expr(shoal_binder *b, const shoal_ast_node *node);
/* A condition (WHERE, HAVING): like the above, but a bare NULL is a BOOLEAN NULL. */
shoal_expr *shoal_bind_condition(shoal_binder *b, const shoal_ast_node *node, bool post_agg);
/* Expression above the aggregation: columns [0, key_count) are the group keys, then one
 * column per aggregate (registered as met). Bare columns not in GROUP BY are errors. */
shoal_expr *shoal_bind_post_agg_expr(shoal_binder *b, const shoal_ast_node *node);
/* Whether an expression contains an aggregate call (outside subqueries). */
bool shoal_ast_has_aggregate(const shoal_ast_node *node);

/* Records a user error at `loc`: "<message> (line L, column C)". Returns NULL. */
void *shoal_bind_error(shoal_binder *b, shoal_location loc, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Maps a type name from the AST to an engine type. */
shoal_type shoal_bind_type(const shoal_ast_type_name *t);
/* A cast of e to type t (none when already of that type). */
shoal_expr *shoal_bind_cast(shoal_binder *b, shoal_expr *e, shoal_type t);
/* A copy of e with every COLUMN c turned into COLUMN map[c]. */
shoal_expr *shoal_expr_remapped(shoal_arena *a, const shoal_expr *e, const int *map);
/* x = y with both sides cast to their common type (args[0], args[1] of the result, unless it
 * folded to a constant); NULL with b->err set when they cannot be compared. */
shoal_expr *shoal_bind_equality(shoal_binder *b, shoal_location loc, shoal_expr *x, shoal_expr *y);
/* The type both a and b convert to (UNION columns, comparisons); false when none. */
bool shoal_bind_common_type(shoal_type a, shoal_type b, shoal_type *out);
/* Structural equality of bound expressions. */
bool shoal_bound_expr_equal(const shoal_expr *x, const shoal_expr *y);
/* A printable name for an output column: alias, column name, function name or "?column?". */
const char *shoal_bind_output_name(const shoal_ast_target *t, shoal_arena *a);
/* A new statement begins: GETDATE(), SYSDATE and CURRENT_DATE read the clock again (once). */
void shoal_bind_statement_begin(void);

#endif
