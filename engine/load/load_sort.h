/* Load-time sorting of a rank's slice by the table's SORTKEY, built for the one pattern a load
 * has: millions of rows of many columns, integer-backed keys, every row written out once.
 *
 * Rows are appended column by column as they arrive. finish() computes each key's range and
 * scatters every column, stably, into buckets by the top bits of the first key (a sequential
 * read and a few hundred sequential write streams per column), then sorts each bucket — small
 * enough to stay in cache — by the rest of the key with LSD radix passes, and emits the rows
 * in order as batches of exactly `group_rows` rows, gathered from the bucket while it is in
 * cache. A whole-slice permutation applied to every column (what an ORDER BY sorter does)
 * costs a cache miss per value instead.
 *
 * The order is the same as a stable sort: ascending, NULLs last, ties in arrival order. */
#ifndef SHOAL_ENGINE_LOAD_SORT_H
#define SHOAL_ENGINE_LOAD_SORT_H

#include "engine/core/vector.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct shoal_load_sorter shoal_load_sorter;

/* Whether keys of this type can be sorted here (integer-backed: integers, dates, timestamps,
 * booleans, decimals up to 18 digits). */
bool shoal_load_sort_key_supported(shoal_type t);
/* keys: column numbers, most significant first; every one must be supported. */
shoal_load_sorter *shoal_load_sorter_create(int column_count, const shoal_type *types, int key_count,
                                            const int32_t *keys);
void shoal_load_sorter_free(shoal_load_sorter *s);
/* Copies rows in: `rows[0..n)` of b when rows is given, else b's selected rows. The batch's
 * column types must be the sorter's (physically). */
void shoal_load_sorter_add(shoal_load_sorter *s, const shoal_batch *b, const uint32_t *rows, uint32_t n);
uint64_t shoal_load_sorter_rows(const shoal_load_sorter *s);
/* Sorts, then calls emit with the rows in order, group_rows at a time (the last batch may be
 * shorter). The batch's strings point into the sorter. Stops early, returning false, when emit
 * does. Call once; the sorter holds no rows afterwards. */
bool shoal_load_sorter_finish(shoal_load_sorter *s, uint32_t group_rows,
                              bool (*emit)(void *arg, const shoal_batch *b), void *arg);

#endif
