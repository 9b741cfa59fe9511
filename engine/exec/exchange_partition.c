/* Batches into the exchange's per-destination buffers: broadcast, one rank, or by key hash
 * (see exchange_partition.h). */
#include "engine/exec/exchange_partition.h"
#include "engine/exec/batch_wire.h"
#include "engine/exec/kernels.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

void shoal_partitioner_init(shoal_partitioner *p, int size)
{
    memset(p, 0, sizeof *p);
    p->size = size;
    p->count = shoal_xcalloc((size_t)size, sizeof *p->count);
}

void shoal_partitioner_free(shoal_partitioner *p)
{
    free(p->hashes);
    free(p->rows);
    free(p->count);
    memset(p, 0, sizeof *p);
}

/* x % d without a division, exact for every 64-bit x (Lemire, Kaser and Kurz, "Faster
 * remainder by direct computation", 2019: m = ceil(2^128 / d), the remainder is the high
 * 64 bits of (m * x mod 2^128) * d). A 64-bit division per row was a tenth of partitioning. */
static inline uint64_t mod_by(uint64_t x, unsigned __int128 m, uint64_t d)
{
    unsigned __int128 low = m * x;
    unsigned __int128 t = (((unsigned __int128)(uint64_t)low * d) >> 64) + (unsigned __int128)(uint64_t)(low >> 64) * d;
    return (uint64_t)(t >> 64);
}

void shoal_exchange_write_all(shoal_exchange *x, const shoal_batch *b)
{
    if (x->broadcast) { /* written once; the exchange sends it to every rank */
        shoal_batch_write(shoal_exchange_buffer(x, x->rank), b, NULL, 0);
        return;
    }
    for (int d = 0; d < x->size; d++) shoal_batch_write(shoal_exchange_buffer(x, d), b, NULL, 0);
}

void shoal_exchange_write_to(shoal_exchange *x, int dest, const shoal_batch *b)
{
    shoal_batch_write(shoal_exchange_buffer(x, dest), b, NULL, 0);
}

void shoal_exchange_write_hashed(shoal_exchange *x, shoal_partitioner *p, const shoal_batch *b, const int32_t *keys,
                                 int key_count)
{
    uint32_t n = shoal_batch_rows(b);
    int size = x->size;
    if (n == 0) return;
    if (n > p->capacity) {
        free(p->hashes);
        free(p->rows);
        p->capacity = n;
        p->hashes = shoal_xmalloc((size_t)n * sizeof *p->hashes);
        p->rows = shoal_xmalloc((size_t)size * n * sizeof *p->rows);
    }
    for (int k = 0; k < key_count; k++) kernel_hash_vector(&b->columns[keys[k]], b->sel, n, p->hashes, k > 0);
    memset(p->count, 0, (size_t)size * sizeof *p->count);
    /* the placement is hash % size (as the loads' DISTKEY placement), computed without a division */
    unsigned __int128 m = ~(unsigned __int128)0 / (uint64_t)size + 1;
    uint32_t *rows = p->rows, *count = p->count;
    size_t stride = p->capacity;
    const uint64_t *h = p->hashes;
    if (b->sel) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t d = (uint32_t)mod_by(h[i], m, (uint64_t)size);
            rows[(size_t)d * stride + count[d]++] = b->sel[i];
        }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t d = (uint32_t)mod_by(h[i], m, (uint64_t)size);
            rows[(size_t)d * stride + count[d]++] = i;
        }
    }
    for (int d = 0; d < size; d++)
        if (p->count[d]) shoal_batch_write(shoal_exchange_buffer(x, d), b, p->rows + (size_t)d * p->capacity, p->count[d]);
}
