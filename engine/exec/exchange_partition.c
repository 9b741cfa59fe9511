/* Batches into the exchange's per-destination buffers: broadcast, one rank, or by key hash
 * (see exchange_partition.h). A split computes every row's destination first, then each
 * destination's row list in its own pass (few ranks) and, for up to four, the wire form's
 * fixed-width values column-wise from those destinations (shoal_batch_write_part). */
#include "engine/exec/exchange_partition.h"
#include "engine/exec/batch_wire.h"
#include "engine/exec/kernels.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

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
    free(p->dest);
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

/* Up to this many ranks, a batch's rows are split by one pass per destination. */
#define FEW_DESTINATIONS 16
/* Up to this many, fixed-width values are written column-wise (shoal_batch_write_part). */
#define COMPRESS_DESTINATIONS 4
#define SELECT_SLACK 16 /* row lists are written 16 at a time: room past the last row */

/* Writes to out the row numbers i (or sel[i]) with dest[i] == d; returns how many. */
static uint32_t select_equal(const uint32_t *dest, uint32_t n, uint32_t d, const uint32_t *sel, uint32_t *out)
{
    uint32_t k = 0, i = 0;
#if defined(__AVX512F__)
    const __m512i want = _mm512_set1_epi32((int)d), step = _mm512_set1_epi32(16);
    __m512i at = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (; i + 16 <= n; i += 16) {
        __mmask16 hit = _mm512_cmpeq_epi32_mask(_mm512_loadu_si512(dest + i), want);
        __m512i row = sel ? _mm512_loadu_si512(sel + i) : at;
        /* compress in a register, store whole (a compressing store is slow on some cores) */
        _mm512_storeu_si512(out + k, _mm512_maskz_compress_epi32(hit, row));
        k += (uint32_t)__builtin_popcount(hit);
        at = _mm512_add_epi32(at, step);
    }
#endif
    for (; i < n; i++) {
        out[k] = sel ? sel[i] : i;
        k += dest[i] == d;
    }
    return k;
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

/* Room for n rows (keeps the arrays when they are big enough). */
static void partitioner_reserve(shoal_partitioner *p, uint32_t n)
{
    if (n <= p->capacity) return;
    free(p->hashes);
    free(p->rows);
    free(p->dest);
    p->capacity = n;
    p->hashes = shoal_xmalloc((size_t)n * sizeof *p->hashes);
    p->dest = shoal_xmalloc((size_t)n * sizeof *p->dest);
    p->rows = shoal_xmalloc((size_t)p->size * (n + SELECT_SLACK) * sizeof *p->rows);
}

/* From p->dest (n rows of b): each destination's row list and count. */
static void split_rows(shoal_partitioner *p, const shoal_batch *b, uint32_t n)
{
    uint32_t *count = p->count;
    if (p->size <= FEW_DESTINATIONS) {
        /* one pass per destination with the counter in a register: counting into count[d]
         * chains each row to the last one's store when consecutive rows share a destination */
        for (int d = 0; d < p->size; d++) count[d] = select_equal(p->dest, n, (uint32_t)d, b->sel, shoal_partitioner_rows(p, d));
    } else {
        size_t stride = (size_t)p->capacity + SELECT_SLACK;
        memset(count, 0, (size_t)p->size * sizeof *count);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t d = p->dest[i];
            p->rows[(size_t)d * stride + count[d]++] = b->sel ? b->sel[i] : i;
        }
    }
}

uint32_t *shoal_partitioner_rows(const shoal_partitioner *p, int dest)
{
    return p->rows + (size_t)dest * ((size_t)p->capacity + SELECT_SLACK);
}

void shoal_partition_hashed(shoal_partitioner *p, const shoal_batch *b, const int32_t *keys, int key_count)
{
    uint32_t n = shoal_batch_rows(b), size = (uint32_t)p->size, *dest;
    partitioner_reserve(p, n);
    dest = p->dest;
    for (int k = 0; k < key_count; k++) kernel_hash_vector(&b->columns[keys[k]], b->sel, n, p->hashes, k > 0);
    /* the placement is hash % size (as the loads' DISTKEY placement), computed without a division */
    const uint64_t *h = p->hashes;
    if ((size & (size - 1)) == 0) { /* hash % size is a mask: the loop vectorizes */
        uint64_t mask = (uint64_t)size - 1;
        for (uint32_t i = 0; i < n; i++) dest[i] = (uint32_t)(h[i] & mask);
    } else {
        unsigned __int128 m = ~(unsigned __int128)0 / size + 1;
        for (uint32_t i = 0; i < n; i++) dest[i] = (uint32_t)mod_by(h[i], m, size);
    }
    split_rows(p, b, n);
}

void shoal_partition_round_robin(shoal_partitioner *p, const shoal_batch *b, uint64_t first)
{
    uint32_t n = shoal_batch_rows(b), size = (uint32_t)p->size;
    partitioner_reserve(p, n);
    uint32_t d = (uint32_t)(first % size);
    for (uint32_t i = 0; i < n; i++) {
        p->dest[i] = d;
        d = d + 1 == size ? 0 : d + 1;
    }
    split_rows(p, b, n);
}

void shoal_partitioner_write(const shoal_partitioner *p, shoal_writer *w, const shoal_batch *b, int dest)
{
    if (p->count[dest] == 0) return;
    if (p->size <= COMPRESS_DESTINATIONS && b->sel == NULL) /* a pass over all rows per destination */
        shoal_batch_write_part(w, b, p->dest, (uint32_t)dest, shoal_partitioner_rows(p, dest), p->count[dest]);
    else
        shoal_batch_write(w, b, shoal_partitioner_rows(p, dest), p->count[dest]);
}

void shoal_exchange_write_hashed(shoal_exchange *x, shoal_partitioner *p, const shoal_batch *b, const int32_t *keys,
                                 int key_count)
{
    if (shoal_batch_rows(b) == 0) return;
    shoal_partition_hashed(p, b, keys, key_count);
    for (int d = 0; d < x->size; d++) shoal_partitioner_write(p, shoal_exchange_buffer(x, d), b, d);
}
