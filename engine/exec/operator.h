/* Vectorized pull operators instantiated from a plan: open a tree, pull batches from its
 * root with next(), close it. Each operator owns its state and its output batch (valid until
 * the next call), so the plan stays read-only and may run on every rank at once.
 * One operator per plan kind, each in operator.c's small sections:
 *   scan (through the context's scan source: storage on a rank, or anything in tests),
 *   filter (selection vectors, SIMD kernels), project (expression evaluation),
 *   aggregate (hash, partial/final/complete), sort (top-N), limit, receive (wire batches). */
#ifndef SHOAL_ENGINE_OPERATOR_H
#define SHOAL_ENGINE_OPERATOR_H

#include "engine/exec/plan.h"

/* Where a SCAN's rows come from. open fills `source`; next fills `out` (initialised with the
 * scan's output types) with up to SHOAL_BATCH_ROWS rows and returns false at the end or on
 * error (err->failed). */
typedef struct shoal_scan_source {
    void *state;
    bool (*next)(void *state, shoal_batch *out, shoal_eval_error *err);
    void (*close)(void *state);
} shoal_scan_source;

/* An intermediate result: wire buffers of concatenated batches (batch_wire.h). */
typedef struct shoal_temp_result {
    int count;
    uint8_t **data;
    size_t *len;
} shoal_temp_result;

typedef struct shoal_exec_context shoal_exec_context;
struct shoal_exec_context {
    /* SCAN: opens this rank's slice of plan->table_id (storage, or a test double). */
    bool (*open_scan)(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *source, shoal_eval_error *err);
    void *scan_arg;
    int rank; /* this rank (a replicated table is read by rank 0 only) */
    /* RECEIVE with temp_id < 0: the wire buffers (batch_wire.h, concatenated batches) from
     * every rank. */
    int received_count;
    const uint8_t **received;
    const size_t *received_len;
    /* RECEIVE with temp_id >= 0: this query's intermediate results on this rank (what earlier
     * steps broadcast or redistributed here), indexed by temp_id. */
    int temp_count;
    const shoal_temp_result *temps;
    /* counters for EXPLAIN ANALYZE and tests */
    uint64_t rows_scanned, blocks_read, blocks_skipped;
    uint32_t memory_check_countdown; /* batches until the next memory budget check */
};

typedef struct shoal_operator shoal_operator;

shoal_operator *shoal_operator_open(const shoal_plan *p, shoal_exec_context *ctx, shoal_eval_error *err);
/* The next batch (owned by the operator, valid until the next call), or NULL at the end or on
 * error (err->failed). Rows are the batch's selected rows. */
shoal_batch *shoal_operator_next(shoal_operator *op, shoal_eval_error *err);
void shoal_operator_close(shoal_operator *op);

/* Sets err (SQLSTATE, message) and returns false. */
bool shoal_eval_fail(shoal_eval_error *err, const char *sqlstate, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
