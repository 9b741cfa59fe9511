/* The wire form of batches, used by every exchange and by the gather of results to the
 * leader: the selected rows of a batch, column by column (type, validity bits when there are
 * NULLs, values packed at their physical width; strings as a length array then the bytes).
 * Decoding is bounds-checked: a malformed buffer gives an error, never a crash. */
#ifndef SHOAL_ENGINE_BATCH_WIRE_H
#define SHOAL_ENGINE_BATCH_WIRE_H

#include "engine/core/vector.h"
#include "runtime/serialize.h"

/* Appends the selected rows of `b` (or the rows listed in `rows`, when given) to w. */
void shoal_batch_write(shoal_writer *w, const shoal_batch *b, const uint32_t *rows, uint32_t row_count);
/* Reads one batch written by shoal_batch_write into `out`, which must be initialised (or
 * zeroed): it is freed and rebuilt with the written types. Strings are not copied: they point
 * into the reader's buffer, which must outlive the batch (operators that keep rows copy them).
 * Returns false on malformed input (r->failed is set; `out` holds what was read and must
 * still be freed). */
bool shoal_batch_read(shoal_reader *r, shoal_batch *out);

#endif
