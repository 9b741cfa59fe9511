/* Hash aggregation: GROUP BY keys with COUNT/SUM/AVG/MIN/MAX and LISTAGG, in three modes so
 * the work splits across ranks:
 *   COMPLETE  rows in, final values out (one rank holds every row of a group);
 *   PARTIAL   rows in, per group its keys and aggregate *states* out (each rank, its slice);
 *   FINAL     states in (from every rank), merged, final values out (leader or key owner).
 * State columns per aggregate: COUNT -> BIGINT; SUM/AVG of integers and decimals ->
 * DECIMAL(38,s) sum (int128, cannot overflow at TPC-H SF1000) + BIGINT count of non-NULL
 * inputs, and for DECIMAL(p>18) inputs (128-bit values, whose sums can pass int128) a BIGINT
 * carry: the total is sum + carry * 2^128, exact whatever the order rows and states are added
 * in; SUM/AVG of REAL/DOUBLE -> DOUBLE + BIGINT count; MIN/MAX -> the input type (NULL when
 * no input). A query without GROUP BY has exactly one group, even over empty input.
 * A spec with `merge` set takes its aggregate's state columns (from a PARTIAL node, starting at
 * `input`) in PARTIAL or COMPLETE mode too, so one node can combine states of some aggregates
 * with rows of others (the planner's two-level DISTINCT aggregation); in FINAL mode every spec
 * merges. PARTIAL over merge specs combines states into states.
 * LISTAGG has no states: COMPLETE mode only (the planner sends a group's rows to one rank).
 * Its rows (group, ORDER BY keys, value) go into a sorter; shoal_hash_agg_finish sorts them by
 * group, the WITHIN GROUP keys and then the value (so ties, and no ORDER BY, give one answer
 * whatever the rank count) and concatenates each group's values. NULLs and empty strings are
 * skipped (Redshift), a group without values gives NULL.
 * Final values are checked at shoal_hash_agg_finish: a SUM of integers outside BIGINT, a sum
 * or average of decimals past 38 digits (AVG: or a sum past int128) is 22003, a LISTAGG result
 * over 65535 bytes 54000.
 *
 * Design: group ids first, then one typed loop per aggregate. Keys that pack into words (all
 * integer-backed columns, strings of at most 7 bytes: Q1's flags) probe a table of packed
 * keys, whole-word compares and no per-row dispatch; other keys are hashed a batch at a time
 * (kernel) and probe an open-addressing table of group ids (linear probing; keys compared
 * column by column). When a batch's rows average 4 or more per group, they are put in group
 * order (a stable counting sort) and each aggregate updates a group's state once per batch
 * from registers; otherwise row by row. Group keys and states live in column arrays indexed
 * by group id, so output is a column copy. */
#ifndef SHOAL_ENGINE_AGGREGATE_H
#define SHOAL_ENGINE_AGGREGATE_H

#include "engine/core/vector.h"
#include "engine/exec/expr.h"
#include "engine/exec/sort.h"

typedef enum shoal_agg_func {
    SHOAL_AGG_COUNT_STAR = 1,
    SHOAL_AGG_COUNT,
    SHOAL_AGG_SUM,
    SHOAL_AGG_AVG,
    SHOAL_AGG_MIN,
    SHOAL_AGG_MAX,
    SHOAL_AGG_LISTAGG
} shoal_agg_func;

#define SHOAL_LISTAGG_MAX_BYTES 65535 /* Redshift's VARCHAR(MAX): a longer LISTAGG result is an error */
#define SHOAL_LISTAGG_MAX_ORDER 16    /* WITHIN GROUP (ORDER BY ...) keys */
#define SHOAL_AGG_MAX_STATES 3        /* state columns of one aggregate */

typedef enum shoal_agg_mode { SHOAL_AGG_COMPLETE = 1, SHOAL_AGG_PARTIAL, SHOAL_AGG_FINAL } shoal_agg_mode;

typedef struct shoal_agg_spec {
    uint8_t func;        /* shoal_agg_func */
    int32_t input;       /* input column (unused for COUNT(*)); merging: first state column */
    shoal_type input_type; /* the aggregated values' type (merging too: it decides the states) */
    bool merge;          /* PARTIAL/COMPLETE: the input is this aggregate's state columns */
    /* LISTAGG: the delimiter (none when delimiter_len is 0) and the WITHIN GROUP keys (input
     * columns); the value column is a string */
    const char *delimiter;
    uint32_t delimiter_len;
    int32_t order_count;
    const shoal_sort_key *order;
} shoal_agg_spec;

typedef struct shoal_hash_agg shoal_hash_agg;

/* key_columns: input column numbers of the GROUP BY keys (in FINAL mode: the first
 * key_count columns are the keys, the states follow in spec order). */
shoal_hash_agg *shoal_hash_agg_create(shoal_agg_mode mode, int key_count, const int *key_columns,
                                      const shoal_type *key_types, int agg_count, const shoal_agg_spec *aggs);
void shoal_hash_agg_free(shoal_hash_agg *agg);
/* Tests: every key through the general table (the reference for the packed one). Only before
 * the first row is added. */
void shoal_hash_agg_disable_packed_keys(shoal_hash_agg *agg);
/* Adds the selected rows of a batch. */
void shoal_hash_agg_add(shoal_hash_agg *agg, const shoal_batch *in);
/* After the last add: builds the LISTAGG strings and checks the final values (COMPLETE and
 * FINAL; see the top). False with err set when a value is out of range. Called by the first
 * shoal_hash_agg_next if not before (its error is then lost: call it). */
bool shoal_hash_agg_finish(shoal_hash_agg *agg, shoal_eval_error *err);
uint64_t shoal_hash_agg_group_count(const shoal_hash_agg *agg);

/* Output schema: keys, then per aggregate its final value (COMPLETE, FINAL) or its state
 * columns (PARTIAL). */
int shoal_hash_agg_output_count(const shoal_hash_agg *agg);
void shoal_hash_agg_output_types(const shoal_hash_agg *agg, shoal_type *types);
/* AVG of a decimal sum of `count` values at in_scale, at out_scale (>= in_scale, at most 6
 * more), rounded half away from zero; false when it does not fit DECIMAL(38). */
bool shoal_decimal_average(shoal_int128 sum, int64_t count, int in_scale, int out_scale, shoal_int128 *out);
/* The type of an aggregate's final value, and of its state columns (count returned). */
shoal_type shoal_agg_result_type(const shoal_agg_spec *spec);
int shoal_agg_state_types(const shoal_agg_spec *spec, shoal_type *types);
/* Emits groups [*cursor, *cursor + SHOAL_BATCH_ROWS) into `out` (initialised with the output
 * types); returns false when no group is left. */
bool shoal_hash_agg_next(shoal_hash_agg *agg, uint64_t *cursor, shoal_batch *out);

#endif
