/* Running a plan over the cluster. The leader sends the fragment (the part of the plan below
 * the gather) to every rank's system actor; each rank spawns a query actor that pulls its
 * fragment a few batches per turn (so the rank stays responsive to cancel and to other
 * messages), streams its output to the leader in chunks of about 1 MiB, and reports done. The
 * leader then runs the final plan (whose leaf is RECEIVE) over what arrived.
 * Errors on any rank reach the leader with their rank; an error or Ctrl-C cancels the query
 * on every rank (runtime/request.h). */
#ifndef SHOAL_ENGINE_QUERY_DISPATCH_H
#define SHOAL_ENGINE_QUERY_DISPATCH_H

#include "engine/exec/operator.h"
#include "runtime/request.h"
#include "runtime/runtime.h"

enum {
    SHOAL_MSG_QUERY_START = 1000, /* leader -> system: payload = serialized fragment */
    SHOAL_MSG_QUERY_CHUNK = 1001, /* rank -> leader: wire batches */
    SHOAL_MSG_QUERY_DONE = 1002,  /* rank -> leader: payload = shoal_query_rank_stats */
    SHOAL_MSG_QUERY_STEP = 1003,  /* query actor -> itself: pull more batches */
};

typedef struct shoal_query_rank_stats {
    uint64_t rows_scanned, blocks_read, blocks_skipped, rows_sent, bytes_sent;
    double elapsed_ms;
} shoal_query_rank_stats;

/* How a rank opens its scans (storage, or a test double); set once per rank. */
typedef bool (*shoal_open_scan_fn)(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *source,
                                   shoal_eval_error *err);
/* Registers the QUERY_START service on this rank's system actor. */
void shoal_query_service_start(shoal_rt *rt, shoal_open_scan_fn open_scan, void *scan_arg);

typedef void (*shoal_emit_fn)(void *arg, const shoal_batch *batch);
typedef struct shoal_query_result {
    shoal_request_status status;
    shoal_error error;                 /* when status != OK */
    shoal_query_rank_stats *rank_stats; /* one per rank (caller frees) */
    int rank_count;
} shoal_query_result;

/* Leader: runs the fragment on every rank, then final_plan over the results; emit gets each
 * output batch. Returns the outcome (errors already carry their rank). */
void shoal_query_run(shoal_rt *rt, const shoal_plan *fragment, const shoal_plan *final_plan, shoal_emit_fn emit,
                     void *emit_arg, shoal_query_result *result);

#endif
