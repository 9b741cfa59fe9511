/* Running a plan over the cluster, as a sequence of steps (Redshift's "steps"). Each step is
 * a fragment that every rank runs over its slice (and over what earlier steps left on it); its
 * output either goes to the leader (GATHER, the last step), or to every rank (BROADCAST), or to
 * the rank chosen by a hash of key columns (REDISTRIBUTE). Broadcast and redistributed rows
 * travel through the exchange (rounds of MPI_Ialltoall + MPI_Ialltoallv on the query's own
 * communicator, exchange.h) and are kept on the receiving rank as the query's intermediate
 * result `temp_id`, which later fragments read with RECEIVE(temp_id). The leader runs the
 * steps one after another (a step starts when every rank finished the previous one), then the
 * final plan (whose leaf is RECEIVE) over what the last step gathered.
 *
 * A query actor per rank pulls its fragment a few batches per turn (so the rank stays
 * responsive to cancel and to other messages). Errors on any rank reach the leader with their
 * rank; an error or Ctrl-C cancels the query on every rank (runtime/request.h). A rank that
 * fails or is cancelled in the middle of an exchange stops producing but keeps joining its
 * rounds until every rank is done, so no collective hangs; the leader then waits for every
 * rank to release the query (its intermediate results freed, no actor left on its
 * communicator) before the communicator is used again. */
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
    SHOAL_MSG_QUERY_RELEASE = 1004, /* leader -> system: free the query's intermediate results; reply DONE */
};

#define SHOAL_MAX_QUERY_STEPS 64 /* steps (and intermediate results) of one query */

typedef enum shoal_step_output {
    SHOAL_STEP_GATHER = 0,   /* to the leader */
    SHOAL_STEP_BROADCAST,    /* every rank gets every row */
    SHOAL_STEP_REDISTRIBUTE, /* each row to rank hash(keys) mod rank count (the loads' DISTKEY hash);
                                with no keys, every row to rank 0 */
} shoal_step_output;

typedef struct shoal_query_step {
    const shoal_plan *fragment;
    uint8_t output;     /* shoal_step_output */
    int32_t temp_id;    /* BROADCAST/REDISTRIBUTE: the intermediate result it fills on every rank */
    int32_t key_count;  /* REDISTRIBUTE: hash of these output columns */
    const int32_t *keys;
    bool rank0_only;    /* the fragment's input is replicated (every rank holds the same rows):
                           only rank 0 runs it, so each row is produced once */
    const char *label;  /* for EXPLAIN (e.g. "DS_BCAST_INNER") */
} shoal_query_step;

/* Per rank, summed over the steps: rows and bytes sent count gathered and exchanged ones. */
typedef struct shoal_query_rank_stats {
    uint64_t rows_scanned, blocks_read, blocks_skipped, rows_sent, bytes_sent;
    uint64_t bytes_exchanged; /* sent to other ranks through exchanges */
    uint64_t peak_resident_bytes; /* the rank's peak resident memory while the step ran (getrusage,
                                     the high-water mark reset at the step's start where Linux allows) */
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
    shoal_query_rank_stats *rank_stats; /* one per rank, summed over the steps (caller frees) */
    int rank_count;
    int step_count;
    shoal_query_rank_stats *step_stats; /* step s, rank r at [s * rank_count + r] (caller frees) */
} shoal_query_result;

/* Leader: runs the fragment on every rank, then final_plan over the results; emit gets each
 * output batch. Returns the outcome (errors already carry their rank). */
void shoal_query_run(shoal_rt *rt, const shoal_plan *fragment, const shoal_plan *final_plan, shoal_emit_fn emit,
                     void *emit_arg, shoal_query_result *result);
/* The same for a sequence of steps; the last one must GATHER. */
void shoal_query_run_steps(shoal_rt *rt, const shoal_query_step *steps, int step_count, const shoal_plan *final_plan,
                           shoal_emit_fn emit, void *emit_arg, shoal_query_result *result);

#endif
