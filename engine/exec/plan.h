/* Physical plans: trees of operator nodes that the leader builds, serializes and sends to
 * every rank (the fragment that runs on each slice) and runs itself (the final step over what
 * the ranks sent back). A plan is read-only once built; all changing state lives in the
 * operators instantiated from it (operator.h), as in PostgreSQL's executor.
 *
 * Every node knows its output schema (types and names). Nodes take one child, except
 * HASH_JOIN (child = probe side, child2 = build side). */
#ifndef SHOAL_ENGINE_PLAN_H
#define SHOAL_ENGINE_PLAN_H

#include "engine/exec/aggregate.h"
#include "engine/exec/expr.h"
#include "engine/exec/sort.h"
#include "runtime/memory.h"
#include "runtime/serialize.h"

typedef enum shoal_plan_kind {
    SHOAL_PLAN_SCAN = 1,   /* this rank's slice of a table: columns scan_columns */
    SHOAL_PLAN_FILTER,     /* rows where predicate is TRUE */
    SHOAL_PLAN_PROJECT,    /* one output column per expression */
    SHOAL_PLAN_AGGREGATE,  /* hash aggregation (aggregate.h), keys and inputs are columns */
    SHOAL_PLAN_SORT,       /* ORDER BY, optional limit (top-N) */
    SHOAL_PLAN_LIMIT,      /* LIMIT/OFFSET without order */
    SHOAL_PLAN_RECEIVE,    /* batches that arrived: temp_id < 0 the leader's gathered results,
                              else this query's intermediate result temp_id on this rank */
    SHOAL_PLAN_HASH_JOIN,  /* equi-join: build a hash table on child2, stream child through it */
    SHOAL_PLAN_WINDOW,     /* window functions: the child's columns, then one column per function */
    SHOAL_PLAN_APPEND,     /* UNION ALL: child's rows, then child2's (same schema) */
    SHOAL_PLAN_EXPAND,     /* each input batch out expand_count times, through a different
                              projection each time (exprs: expand_count x column_count) */
} shoal_plan_kind;

/* WINDOW: every function of one node shares its PARTITION BY (window_partition_keys, child
 * columns) and ORDER BY (sort_keys over child columns). The operator consumes its whole input
 * (the planner has already placed each partition on one rank), orders it by (partition keys,
 * order keys), and appends one output column per function. Frames, as in PostgreSQL:
 *   SHOAL_FRAME_DEFAULT  with ORDER BY: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
 *                        (the current row's peers, equal in every order key, included);
 *                        without ORDER BY: the whole partition
 *   SHOAL_FRAME_ROWS     ROWS BETWEEN frame_start AND frame_end, offsets from the current row
 *                        (negative = preceding), INT64_MIN / INT64_MAX for UNBOUNDED
 * ROW_NUMBER, RANK, DENSE_RANK, LAG and LEAD ignore the frame; FIRST_VALUE, LAST_VALUE and
 * the aggregates use it. LAG/LEAD: `offset` rows back/ahead within the partition, else the
 * value of column default_arg (-1: NULL). Result types are the planner's (result_type):
 * ranks and counts BIGINT, SUM/AVG as the aggregate of the same input (aggregate.h
 * shoal_agg_result_type), the others the argument's type. NULL inputs are skipped by the
 * aggregates (an all-NULL frame gives NULL, COUNT 0), as by GROUP BY aggregates. */
typedef enum shoal_window_func {
    SHOAL_WIN_ROW_NUMBER = 1,
    SHOAL_WIN_RANK,
    SHOAL_WIN_DENSE_RANK,
    SHOAL_WIN_LAG,
    SHOAL_WIN_LEAD,
    SHOAL_WIN_FIRST_VALUE,
    SHOAL_WIN_LAST_VALUE,
    SHOAL_WIN_COUNT_STAR,
    SHOAL_WIN_COUNT,
    SHOAL_WIN_SUM,
    SHOAL_WIN_AVG,
    SHOAL_WIN_MIN,
    SHOAL_WIN_MAX,
} shoal_window_func;

enum { SHOAL_FRAME_DEFAULT = 0, SHOAL_FRAME_ROWS = 1 };

typedef struct shoal_window_spec {
    uint8_t func;          /* shoal_window_func */
    int32_t arg;           /* input column; -1 for ROW_NUMBER, RANK, DENSE_RANK, COUNT(*) */
    int64_t offset;        /* LAG/LEAD */
    int32_t default_arg;   /* LAG/LEAD: column of the default value, -1: NULL */
    uint8_t frame;         /* SHOAL_FRAME_* */
    int64_t frame_start, frame_end;
    shoal_type result_type;
} shoal_window_spec;

/* HASH_JOIN kinds. Output columns: probe (child) columns then build (child2) columns, except
 * SEMI/ANTI which output the probe columns only. NULL keys never match. The residual
 * predicate (over probe columns then build columns) is part of the join condition: a pair
 * matches when the keys are equal and the residual is TRUE.
 *   LEFT   every probe row; unmatched ones with NULL build columns
 *   RIGHT  every build row; unmatched ones (emitted after the probe side ends) with NULL probe columns
 *   FULL   both
 *   SEMI   probe rows with at least one match (EXISTS, IN)
 *   ANTI   probe rows with no match (NOT EXISTS)
 *   ANTI_NULL_AWARE  NOT IN: as ANTI, but no rows at all when the build side has a NULL key
 *          (single key), and a probe row whose key is NULL is kept only when the build side is empty
 * With key_count 0 every pair is a candidate (a cross join, filtered by the residual). */
typedef enum shoal_join_type {
    SHOAL_JOIN_INNER = 1,
    SHOAL_JOIN_LEFT,
    SHOAL_JOIN_RIGHT,
    SHOAL_JOIN_FULL,
    SHOAL_JOIN_SEMI,
    SHOAL_JOIN_ANTI,
    SHOAL_JOIN_ANTI_NULL_AWARE,
} shoal_join_type;

/* A zone-map-checkable predicate the scan pushes down: column op constant. */
typedef enum shoal_scan_op { SHOAL_SCAN_EQ = 1, SHOAL_SCAN_LT, SHOAL_SCAN_LE, SHOAL_SCAN_GT, SHOAL_SCAN_GE } shoal_scan_op;
typedef struct shoal_scan_pred {
    int32_t column; /* table column number */
    uint8_t op;
    shoal_value value;
} shoal_scan_pred;

#define SHOAL_TEMP_ONE_ROW (-2)

typedef struct shoal_plan shoal_plan;
struct shoal_plan {
    uint8_t kind;
    shoal_plan *child;
    shoal_plan *child2;   /* HASH_JOIN: the build side */
    int32_t column_count; /* output schema */
    shoal_type *types;
    char **names;

    /* SCAN */
    uint32_t table_id;
    uint64_t table_version;
    int32_t table_column_count;
    shoal_type *table_types;
    int32_t scan_count;
    int32_t *scan_columns;
    int32_t pred_count;
    shoal_scan_pred *preds;
    bool replicated;       /* a DISTSTYLE ALL table: every rank has all rows, rank 0 reads them */

    shoal_expr *predicate;  /* FILTER */
    shoal_expr **exprs;     /* PROJECT: column_count expressions; EXPAND: expand_count x column_count */
    int32_t expand_count;   /* EXPAND */

    /* AGGREGATE */
    uint8_t agg_mode;
    int32_t key_count;
    int32_t *key_columns;
    int32_t agg_count;
    shoal_agg_spec *aggs;

    /* SORT, LIMIT */
    int32_t sort_key_count;
    shoal_sort_key *sort_keys;
    int64_t limit;  /* < 0: none */
    int64_t offset;

    /* RECEIVE */
    int32_t temp_id; /* -1: the leader's gathered results; >= 0 an intermediate result;
                        SHOAL_TEMP_ONE_ROW: one row of no columns (SELECT without FROM) */

    /* HASH_JOIN */
    uint8_t join_type;       /* shoal_join_type */
    int32_t join_key_count;
    int32_t *probe_keys;     /* columns of child */
    int32_t *build_keys;     /* columns of child2, same types as the probe keys */
    shoal_expr *residual;    /* NULL: none */

    /* WINDOW (its ORDER BY is sort_keys) */
    int32_t window_partition_count;
    int32_t *window_partition_keys;
    int32_t window_count;
    shoal_window_spec *windows;

    /* for EXPLAIN only (not sent to the ranks) */
    const char *label;       /* e.g. the join's data movement, "DS_BCAST_INNER" */
    double est_rows;         /* the planner's estimate (< 0: none) */
};

/* A node with `column_count` output columns (types/names to fill). */
shoal_plan *shoal_plan_new(shoal_arena *a, shoal_plan_kind kind, shoal_plan *child, int column_count);
void shoal_plan_serialize(const shoal_plan *p, shoal_writer *w);
shoal_plan *shoal_plan_deserialize(shoal_reader *r, shoal_arena *a); /* NULL on malformed input */
/* Indented tree for EXPLAIN, one line per node, appended to buf. */
void shoal_plan_explain(const shoal_plan *p, int depth, char *buf, size_t size);
const char *shoal_plan_kind_name(uint8_t kind);

#endif
