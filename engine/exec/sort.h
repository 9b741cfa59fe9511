/* Sorting batches by keys (ORDER BY), with an optional limit (top-N): rows are gathered into
 * column vectors, a permutation is sorted (radix sort of one integer key, or of normalized
 * keys; see sort.c), and output is produced a batch at a time. The sort is stable; REAL/DOUBLE
 * keys order -0.0 equal to 0.0 and NaN above every number. Where NULLs go is the key's nulls_first (the planner sets it to
 * `descending` by default: last ascending, first descending, as PostgreSQL and Redshift). Used per rank (local top-N) and on the leader (final
 * order of the merged per-rank results). */
#ifndef SHOAL_ENGINE_SORT_H
#define SHOAL_ENGINE_SORT_H

#include "engine/core/vector.h"

typedef struct shoal_sort_key {
    int32_t column;
    bool descending;
    bool nulls_first;
} shoal_sort_key;

typedef struct shoal_sorter shoal_sorter;

/* limit < 0: no limit. */
shoal_sorter *shoal_sorter_create(int column_count, const shoal_type *types, int key_count,
                                  const shoal_sort_key *keys, int64_t limit);
void shoal_sorter_free(shoal_sorter *s);
/* Copies the selected rows of a batch in. */
void shoal_sorter_add(shoal_sorter *s, const shoal_batch *in);
/* Sorts; call once after the last add. */
void shoal_sorter_finish(shoal_sorter *s);
uint64_t shoal_sorter_rows(const shoal_sorter *s);
/* Emits the next up to SHOAL_BATCH_ROWS sorted rows into out; false when done. Strings in
 * `out` point into the sorter, which must outlive the batch's use. */
bool shoal_sorter_next(shoal_sorter *s, shoal_batch *out);

#endif
