/* The wire form of batches, used by every exchange and by the gather of results to the
 * leader: the selected rows of a batch, column by column (type, validity bits when there are
 * NULLs, values packed at their physical width and aligned to it (up to 16) from the batch's
 * start; strings as a length array then the bytes; the batch padded to 16 bytes).
 * Decoding is bounds-checked: a malformed buffer gives an error, never a crash. */
#ifndef SHOAL_ENGINE_BATCH_WIRE_H
#define SHOAL_ENGINE_BATCH_WIRE_H

#include "engine/core/vector.h"
#include "runtime/serialize.h"

/* Appends the selected rows of `b` (or the rows listed in `rows`, when given) to w. */
void shoal_batch_write(shoal_writer *w, const shoal_batch *b, const uint32_t *rows, uint32_t row_count);
/* The same for a batch without a selection vector whose rows are listed in `rows` and are also
 * those with part[i] == which (i < b->count; a partitioning's destinations): the same bytes,
 * written faster (fixed-width values taken column-wise, not row by row). */
void shoal_batch_write_part(shoal_writer *w, const shoal_batch *b, const uint32_t *part, uint32_t which,
                            const uint32_t *rows, uint32_t row_count);
/* Reads one batch written by shoal_batch_write into `out`, which must be initialised (or
 * zeroed): it is freed and rebuilt with the written types. Values are not copied: strings
 * point into the reader's buffer, and fixed-width columns borrow it (shoal_vector_borrow)
 * where it is aligned (a 16-byte aligned buffer, batches written one after another), so the
 * buffer must outlive the batch and is never written (operators that keep rows copy them).
 * Returns false on malformed input (r->failed is set; `out` holds what was read and must
 * still be freed). */
bool shoal_batch_read(shoal_reader *r, shoal_batch *out);

#endif
