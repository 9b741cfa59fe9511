/* Hash join: the local (per-rank) join of a HASH_JOIN plan node (plan.h: join kinds, keys,
 * residual, output layout). The build side (child2) is consumed completely and copied into
 * the join's own memory; the probe side (child) then streams through a batch at a time.
 * operator.c drives it from the operator tree; tests and benchmarks can feed it batches
 * directly. Design notes at the top of hash_join.c. */
#ifndef SHOAL_ENGINE_HASH_JOIN_H
#define SHOAL_ENGINE_HASH_JOIN_H

#include "engine/exec/plan.h"

typedef struct shoal_hash_join shoal_hash_join;

/* Checks the node (join kind, output schema, key columns of equal types, the residual's
 * columns) and prepares the state. NULL with `err` set (XX000) on a plan it cannot run. */
shoal_hash_join *shoal_hash_join_create(const shoal_plan *p, shoal_eval_error *err);
void shoal_hash_join_free(shoal_hash_join *j);

/* Build phase: copies the selected rows of a build-side batch (the join keeps no pointer into
 * it), then builds the hash table once every batch is in. add fails (54000) past 2^31 - 1 rows. */
bool shoal_hash_join_add_build(shoal_hash_join *j, const shoal_batch *in, shoal_eval_error *err);
void shoal_hash_join_finish_build(shoal_hash_join *j);

/* Where probe batches come from: the next batch (its selected rows are the probe rows), or
 * NULL at the end or on error (err->failed). A batch must stay valid, untouched, until the
 * next pull. */
typedef shoal_batch *(*shoal_hash_join_pull)(void *arg, shoal_eval_error *err);

/* The next output batch, or NULL at the end or on error. The batch is the join's own (or, for
 * SEMI/ANTI, the probe batch itself with its selection narrowed) and is valid until the next
 * call; its string values point into the probe batch or into the join's copy of the build
 * side, so it must not outlive the join. Call after finish_build. */
shoal_batch *shoal_hash_join_next(shoal_hash_join *j, shoal_hash_join_pull pull, void *arg, shoal_eval_error *err);

typedef struct shoal_hash_join_stats {
    uint64_t build_rows;      /* rows kept from the build side */
    uint64_t buckets;         /* hash table directory size */
    uint64_t probe_rows;      /* probe rows seen */
    uint64_t candidates;      /* key-verified pairs handed to the residual (or matched) */
    uint64_t output_rows;
} shoal_hash_join_stats;
void shoal_hash_join_get_stats(const shoal_hash_join *j, shoal_hash_join_stats *out);

/* Tests only: joins created from now on keep `bits` bits of every key hash (0: all), so that
 * distinct keys collide and the key checks and collision retries run. */
void shoal_hash_join_test_weak_hashes(int bits);

#endif
