/* Planning a SELECT into the steps that run over the cluster (engine/exec/query_dispatch.h)
 * and the final plan the leader runs over what the last step gathers.
 *
 * The planner works on "relations": a fragment plan that every rank runs, the statement-wide
 * column ids (gids) of its output columns, and its distribution (hash-partitioned on known
 * columns, partitioned some other way, or replicated on every rank). FROM items become
 * relations (table scans with filters and zone-map predicates pushed down, derived tables,
 * CTEs), joined in an order chosen from row estimates, each join placed where the data already
 * is when the distributions allow (Redshift's DS_DIST_NONE, DS_DIST_ALL_NONE) and otherwise
 * after the cheapest movement (DS_BCAST_INNER, DS_DIST_INNER, DS_DIST_OUTER, DS_DIST_BOTH),
 * each movement being a step whose output later fragments read back. Subqueries are
 * decorrelated: [NOT] EXISTS and [NOT] IN become semi/anti joins, a correlated scalar
 * subquery becomes an aggregation grouped by its correlation columns joined back, and an
 * uncorrelated scalar subquery is run first and becomes a constant. Aggregation is partial on
 * every rank, then final on the leader (the outermost block) or after a redistribution on the
 * group keys (nested blocks). */
#ifndef SHOAL_SQL_PLANNER_H
#define SHOAL_SQL_PLANNER_H

#include "engine/catalog/catalog.h"
#include "engine/exec/plan.h"
#include "engine/exec/query_dispatch.h"
#include "runtime/error.h"
#include "sql/ast.h"
#include "sql/views.h"

typedef struct shoal_select_plan {
    int step_count;            /* 0: nothing runs on the ranks (SELECT without FROM) */
    shoal_query_step *steps;   /* the last one gathers */
    shoal_plan *final_plan;    /* its leaf is RECEIVE */
} shoal_select_plan;

/* What the planner needs from the executor: running an uncorrelated scalar subquery. `run`
 * executes the plan and stores its single value (is_null when it returned no row), or fails
 * with err set (e.g. more than one row). */
typedef struct shoal_planner_hooks {
    bool (*run_scalar)(void *arg, const shoal_select_plan *plan, shoal_value *value, shoal_error *err);
    void *arg;
    int rank_count;
    const shoal_view_set *views; /* NULL: none */
} shoal_planner_hooks;

bool shoal_plan_select(const shoal_catalog *cat, const shoal_ast_query *q, const char *sql, shoal_arena *arena,
                       const shoal_planner_hooks *hooks, shoal_select_plan *out, shoal_error *err);
/* EXPLAIN text of a planned SELECT: the leader's final plan, then each step with its movement. */
void shoal_select_plan_explain(const shoal_select_plan *plan, int rank_count, char *buf, size_t size);
/* The same after running it: under each step, what it did on the ranks (rows out, bytes sent
 * to other ranks, time, blocks read and skipped by zone maps: sums and the busiest rank).
 * step_stats: step s, rank r at [s * rank_count + r] (shoal_query_result). */
void shoal_select_plan_explain_analyze(const shoal_select_plan *plan, int rank_count, const shoal_query_rank_stats *step_stats,
                                       char *buf, size_t size);
/* Looks a table up the way a query names it (schema defaults to public); NULL with err set
 * ("relation \"x\" does not exist") when absent. */
shoal_table_def *shoal_resolve_table(const shoal_catalog *cat, const shoal_ast_qualified_name *name, shoal_error *err);

#endif
