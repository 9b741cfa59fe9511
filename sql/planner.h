/* Planning a SELECT into the two halves that run over the cluster (engine/exec/plan.h):
 * the fragment every rank runs over its slice (scan with zone-map predicates pushed down,
 * filter, projection, partial aggregation or local top-N) and the final plan the leader runs
 * over what the ranks send back (final aggregation, HAVING, ORDER BY/LIMIT, output columns).
 * Scope of this version: one table (or none) in FROM; joins, subqueries, CTEs, set operations
 * and window functions are the next issue's and are refused with a clear error. */
#ifndef SHOAL_SQL_PLANNER_H
#define SHOAL_SQL_PLANNER_H

#include "engine/catalog/catalog.h"
#include "engine/exec/plan.h"
#include "runtime/error.h"
#include "sql/ast.h"

typedef struct shoal_select_plan {
    shoal_plan *fragment;   /* NULL: nothing to run on the ranks (SELECT without FROM) */
    shoal_plan *final_plan; /* its leaf is RECEIVE */
    const shoal_table_def *table;
} shoal_select_plan;

bool shoal_plan_select(const shoal_catalog *cat, const shoal_ast_query *q, const char *sql, shoal_arena *arena,
                       shoal_select_plan *out, shoal_error *err);
/* Looks a table up the way a query names it (schema defaults to public); NULL with err set
 * ("relation \"x\" does not exist") when absent. */
shoal_table_def *shoal_resolve_table(const shoal_catalog *cat, const shoal_ast_qualified_name *name, shoal_error *err);

#endif
