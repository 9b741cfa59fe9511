/* Writing batches into an exchange's per-destination buffers (exchange.h) in their wire form
 * (batch_wire.h): a copy for every rank (broadcast), everything to one rank, or each selected
 * row to the rank its key hash names (hash of the key columns mod the rank count: the loads'
 * DISTKEY placement, so KEY tables are co-located). The query actor's BROADCAST and
 * REDISTRIBUTE steps, the loads' placement (engine/load) and the exchange benchmark
 * (engine/exec/bench/) go through here. */
#ifndef SHOAL_ENGINE_EXCHANGE_PARTITION_H
#define SHOAL_ENGINE_EXCHANGE_PARTITION_H

#include "engine/core/vector.h"
#include "engine/exec/exchange.h"

/* Scratch reused from batch to batch: the rows' hashes and each destination's row numbers. */
typedef struct shoal_partitioner {
    int size;
    uint32_t capacity;  /* rows the arrays hold */
    uint64_t *hashes;
    uint32_t *dest;     /* each row's destination (row i of the selected rows) */
    uint32_t *rows;     /* destination d's rows at d * capacity (and some slack after) */
    uint32_t *count;    /* per destination */
} shoal_partitioner;

void shoal_partitioner_init(shoal_partitioner *p, int size);
void shoal_partitioner_free(shoal_partitioner *p);
/* Splits the selected rows of b over p->size destinations: by hash(keys) mod size (the DISTKEY
 * placement), or round-robin starting with destination first % size (EVEN). Then
 * p->count[d] rows go to d, listed in shoal_partitioner_rows(p, d) (ascending). */
void shoal_partition_hashed(shoal_partitioner *p, const shoal_batch *b, const int32_t *keys, int key_count);
void shoal_partition_round_robin(shoal_partitioner *p, const shoal_batch *b, uint64_t first);
uint32_t *shoal_partitioner_rows(const shoal_partitioner *p, int dest);
/* After a split of b: destination dest's rows of b appended to w in their wire form
 * (batch_wire.h; column-wise for few destinations). */
void shoal_partitioner_write(const shoal_partitioner *p, shoal_writer *w, const shoal_batch *b, int dest);

/* The selected rows of b to every rank: written once when x->broadcast is set, else into
 * every rank's buffer. */
void shoal_exchange_write_all(shoal_exchange *x, const shoal_batch *b);
/* The selected rows of b to rank dest's buffer. */
void shoal_exchange_write_to(shoal_exchange *x, int dest, const shoal_batch *b);
/* Each selected row of b to rank hash(keys) mod x->size (key_count >= 1). */
void shoal_exchange_write_hashed(shoal_exchange *x, shoal_partitioner *p, const shoal_batch *b, const int32_t *keys,
                                 int key_count);

#endif
