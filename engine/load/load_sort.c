/* Load-time sorting: bucket scatter by the first key's top bits, LSD radix inside each bucket,
 * in-cache gathers (see load_sort.h).
 *
 * Memory is what a load of millions of rows pays for most (every fresh page is a fault that
 * zeroes 4 KiB), so values are kept compactly: fixed-width values at their width, strings as
 * one 8-byte slot each, either the bytes themselves (up to 7) or an offset and length into the
 * column's byte heap. The scatter reuses the buffers it frees. Every large array is a mapping
 * of its own (shoal_map_*): growing one never copies it, whatever state malloc's heap is in
 * after the loads before (inside the heap, lineitem's arrays were copied at every doubling
 * into fresh pages: its COPY took 6.2 s after the other seven tables, 5.0 s alone). */
#include "engine/load/load_sort.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

#define TARGET_BUCKET_ROWS 8192 /* a bucket's columns stay in L2 while it is sorted and gathered */
#define MAX_BUCKET_BITS 10

/* A string slot: bit 63 set = inline, length in bits 56..62 and the bytes in bytes 0..6 (the
 * slot's first bytes in memory: storage is little-endian only); clear = in the heap, offset in
 * bits 0..39, length in bits 40..62. */
#define SLOT_INLINE (1ull << 63)
#define SLOT_INLINE_MAX 7u
#define SLOT_OFFSET_BITS 40
#define SLOT_MAX_LEN ((1u << 23) - 1)

typedef struct sort_column {
    shoal_physical phys;
    size_t width;        /* bytes per value (strings: their 8-byte slot) */
    uint8_t *data;
    size_t data_bytes;   /* allocated */
    uint64_t *validity;  /* NULL until a NULL arrives; bit set = not NULL */
    char *heap;          /* strings longer than a slot holds */
    size_t heap_len, heap_cap;
    size_t heap_mapped;  /* heap bytes already prefaulted */
} sort_column;

typedef struct sort_key {
    int column;
    uint64_t min;        /* as int64, stored in two's complement */
    uint64_t null_code;  /* the biased value NULL sorts as: range + 1 (last) */
    unsigned bits;       /* of the largest biased value */
} sort_key;

struct shoal_load_sorter {
    int column_count;
    shoal_type *types;
    sort_column *cols;
    int key_count;
    sort_key *keys;
    uint64_t rows, capacity;
    uint64_t mapped;     /* rows whose value arrays are already prefaulted */
};

/* The value arrays and string heaps are prefaulted a chunk ahead of the rows they are about to
 * hold (shoal_prefault: one call per chunk instead of a page fault per 4 KiB, which cost about
 * a fifth of a sorted COPY on a VM), never far past them, so memory not filled stays unmapped. */
#define PREFAULT_ROWS ((uint64_t)1 << 18)
#define PREFAULT_HEAP_BYTES ((size_t)4 << 20)

bool shoal_load_sort_key_supported(shoal_type t)
{
    switch (shoal_type_physical(t)) {
    case SHOAL_PHYS_U8:
    case SHOAL_PHYS_I16:
    case SHOAL_PHYS_I32:
    case SHOAL_PHYS_I64: return true;
    default: return false;
    }
}

shoal_load_sorter *shoal_load_sorter_create(int column_count, const shoal_type *types, int key_count,
                                            const int32_t *keys)
{
    shoal_load_sorter *s = shoal_xcalloc(1, sizeof *s);
    s->column_count = column_count;
    s->types = shoal_xcalloc((size_t)column_count + 1, sizeof *s->types);
    memcpy(s->types, types, (size_t)column_count * sizeof *types);
    s->cols = shoal_xcalloc((size_t)column_count + 1, sizeof *s->cols);
    for (int c = 0; c < column_count; c++) {
        sort_column *col = &s->cols[c];
        col->phys = shoal_type_physical(types[c]);
        col->width = col->phys == SHOAL_PHYS_STRING ? 8 : shoal_physical_size(col->phys);
    }
    s->key_count = key_count;
    s->keys = shoal_xcalloc((size_t)key_count + 1, sizeof *s->keys);
    for (int k = 0; k < key_count; k++) s->keys[k].column = keys[k];
    return s;
}

static void release_rows(shoal_load_sorter *s)
{
    for (int c = 0; c < s->column_count; c++) {
        sort_column *col = &s->cols[c];
        shoal_map_free(col->data, col->data_bytes);
        free(col->validity);
        shoal_map_free(col->heap, col->heap_cap);
        col->data = NULL;
        col->validity = NULL;
        col->heap = NULL;
        col->data_bytes = col->heap_len = col->heap_cap = col->heap_mapped = 0;
    }
    s->rows = s->capacity = s->mapped = 0;
}

void shoal_load_sorter_free(shoal_load_sorter *s)
{
    if (s == NULL) return;
    release_rows(s);
    free(s->cols);
    free(s->types);
    free(s->keys);
    free(s);
}

uint64_t shoal_load_sorter_rows(const shoal_load_sorter *s) { return s->rows; }

static inline size_t words_for(uint64_t rows) { return (size_t)((rows + 63) / 64); }
static inline bool bit_valid(const uint64_t *validity, uint64_t i)
{
    return validity == NULL || (validity[i >> 6] >> (i & 63) & 1);
}

static void grow(shoal_load_sorter *s, uint64_t need)
{
    if (need <= s->capacity) return;
    uint64_t cap = s->capacity ? s->capacity : 65536;
    while (cap < need) cap *= 2;
    for (int c = 0; c < s->column_count; c++) {
        sort_column *col = &s->cols[c];
        col->data = shoal_map_resize(col->data, col->data_bytes, (size_t)cap * col->width);
        col->data_bytes = (size_t)cap * col->width;
        if (col->validity) {
            size_t old = words_for(s->capacity), now = words_for(cap);
            col->validity = shoal_xrealloc(col->validity, now * 8);
            memset(col->validity + old, 0xff, (now - old) * 8);
        }
    }
    s->capacity = cap;
}

/* dst[i] = src[rows ? rows[i] : i] for one fixed width W (fixed-size memcpy: plain moves, and
 * no type punning between doubles and integers). */
#define GATHER_FIXED(W, dst, src, rows, n)                                                       \
    do {                                                                                         \
        uint8_t *restrict d_ = (uint8_t *)(dst);                                                 \
        const uint8_t *restrict s_ = (const uint8_t *)(src);                                     \
        const uint32_t *restrict r_ = (rows);                                                    \
        if (r_) for (uint32_t i_ = 0; i_ < (n); i_++) memcpy(d_ + (size_t)i_ * W, s_ + (size_t)r_[i_] * W, W); \
        else memcpy(d_, s_, (size_t)(n) * W);                                                    \
    } while (0)

static void gather_fixed(size_t width, void *dst, const void *src, const uint32_t *rows, uint32_t n)
{
    switch (width) {
    case 1: GATHER_FIXED(1, dst, src, rows, n); break;
    case 2: GATHER_FIXED(2, dst, src, rows, n); break;
    case 4: GATHER_FIXED(4, dst, src, rows, n); break;
    case 8: GATHER_FIXED(8, dst, src, rows, n); break;
    default: GATHER_FIXED(16, dst, src, rows, n); break;
    }
}

/* to[dest[i]] = from[i] for one fixed width W (locals, so nothing is reloaded per row). */
#define SCATTER_FIXED(W, to, from, dest, n)                                                      \
    do {                                                                                         \
        uint8_t *restrict t_ = (to);                                                             \
        const uint8_t *restrict f_ = (from);                                                     \
        const uint32_t *restrict d_ = (dest);                                                    \
        uint64_t n_ = (n);                                                                       \
        for (uint64_t i_ = 0; i_ < n_; i_++) memcpy(t_ + (size_t)d_[i_] * W, f_ + (size_t)i_ * W, W); \
    } while (0)

/* Copies len bytes without a library call for the strings that dominate (flags, codes, names,
 * comments up to 64 bytes): overlapping fixed-size moves that stay within both buffers. */
static inline void copy_bytes(char *restrict d, const char *restrict s, uint32_t len)
{
    if (len >= 8) {
        if (len > 16) {
            if (len > 64) {
                memcpy(d, s, len);
            } else if (len > 32) {
                memcpy(d, s, 32);
                memcpy(d + len - 32, s + len - 32, 32);
            } else {
                memcpy(d, s, 16);
                memcpy(d + len - 16, s + len - 16, 16);
            }
            return;
        }
        memcpy(d, s, 8);
        memcpy(d + len - 8, s + len - 8, 8);
    } else if (len >= 4) {
        memcpy(d, s, 4);
        memcpy(d + len - 4, s + len - 4, 4);
    } else if (len > 0) {
        d[0] = s[0];
        d[len / 2] = s[len / 2];
        d[len - 1] = s[len - 1];
    }
}

static inline uint64_t make_inline(const char *p, uint32_t len)
{
    uint64_t slot = 0;
    copy_bytes((char *)&slot, p, len);
    return slot | SLOT_INLINE | (uint64_t)len << 56;
}

static inline shoal_string slot_string(const uint64_t *slot, const char *heap)
{
    uint64_t x = *slot;
    if (x & SLOT_INLINE) return (shoal_string){(const char *)slot, (uint32_t)(x >> 56) & 0x7f};
    return (shoal_string){heap + (x & (((uint64_t)1 << SLOT_OFFSET_BITS) - 1)), (uint32_t)(x >> SLOT_OFFSET_BITS)};
}

static void add_strings(sort_column *col, const shoal_vector *v, const uint32_t *rows, uint32_t n, uint64_t base)
{
    const shoal_string *src = v->data;
    uint64_t *slots = (uint64_t *)col->data + base;
    size_t need = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = rows ? rows[i] : i;
        uint32_t len = src[r].len;
        if (len > SLOT_INLINE_MAX && !shoal_vector_is_null(v, r)) need += len;
    }
    if (col->heap_len + need > col->heap_cap) {
        size_t cap = col->heap_cap ? col->heap_cap : (size_t)1 << 20;
        while (cap < col->heap_len + need) cap *= 2;
        col->heap = shoal_map_resize(col->heap, col->heap_cap, cap);
        col->heap_cap = cap;
    }
    if (col->heap_len + need > col->heap_mapped) {
        size_t to = col->heap_len + need + PREFAULT_HEAP_BYTES;
        if (to > col->heap_cap) to = col->heap_cap;
        shoal_prefault(col->heap + col->heap_mapped, to - col->heap_mapped);
        col->heap_mapped = to;
    }
    char *heap = col->heap;
    size_t at = col->heap_len;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = rows ? rows[i] : i;
        uint32_t len = src[r].len;
        if (shoal_vector_is_null(v, r)) {
            slots[i] = SLOT_INLINE; /* "" */
        } else if (len <= SLOT_INLINE_MAX) {
            slots[i] = make_inline(src[r].ptr, len);
        } else {
            if (len > SLOT_MAX_LEN) shoal_fatal("a string of %u bytes is longer than a load can sort", len);
            copy_bytes(heap + at, src[r].ptr, len);
            slots[i] = (uint64_t)at | (uint64_t)len << SLOT_OFFSET_BITS;
            at += len;
        }
    }
    col->heap_len = at;
    if (at >= ((uint64_t)1 << SLOT_OFFSET_BITS)) shoal_fatal("more than 1 TiB of strings in one column of a load");
}

void shoal_load_sorter_add(shoal_load_sorter *s, const shoal_batch *b, const uint32_t *rows, uint32_t n)
{
    if (rows == NULL) {
        n = shoal_batch_rows(b);
        rows = b->sel;
    }
    if (n == 0) return;
    uint64_t base = s->rows;
    grow(s, base + n);
    if (base + n > s->mapped) {
        uint64_t to = base + n + PREFAULT_ROWS < s->capacity ? base + n + PREFAULT_ROWS : s->capacity;
        for (int c = 0; c < s->column_count; c++)
            shoal_prefault(s->cols[c].data + (size_t)s->mapped * s->cols[c].width, (size_t)(to - s->mapped) * s->cols[c].width);
        s->mapped = to;
    }
    for (int c = 0; c < s->column_count; c++) {
        sort_column *col = &s->cols[c];
        const shoal_vector *v = &b->columns[c];
        if (col->phys == SHOAL_PHYS_STRING) add_strings(col, v, rows, n, base);
        else gather_fixed(col->width, col->data + (size_t)base * col->width, v->data, rows, n);
        if (v->validity) {
            for (uint32_t i = 0; i < n; i++) {
                if (!shoal_vector_is_null(v, rows ? rows[i] : i)) continue;
                if (col->validity == NULL) {
                    col->validity = shoal_xmalloc(words_for(s->capacity) * 8);
                    memset(col->validity, 0xff, words_for(s->capacity) * 8);
                }
                uint64_t row = base + i;
                col->validity[row >> 6] &= ~(1ull << (row & 63));
            }
        }
    }
    s->rows += n;
}

/* ---- keys ---- */

static inline int64_t key_value(const sort_column *col, uint64_t i)
{
    switch (col->phys) {
    case SHOAL_PHYS_U8: return ((const uint8_t *)col->data)[i];
    case SHOAL_PHYS_I16: return ((const int16_t *)col->data)[i];
    case SHOAL_PHYS_I32: return ((const int32_t *)col->data)[i];
    default: return ((const int64_t *)col->data)[i];
    }
}

static inline unsigned bit_length(uint64_t x) { return x ? 64u - (unsigned)__builtin_clzll(x) : 0u; }

/* The key's range over the rows: min, the code NULLs get, the bits of the largest value. */
static void measure_key(const shoal_load_sorter *s, sort_key *k)
{
    const sort_column *col = &s->cols[k->column];
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bool nulls = false;
    for (uint64_t i = 0; i < s->rows; i++) {
        if (!bit_valid(col->validity, i)) {
            nulls = true;
            continue;
        }
        int64_t x = key_value(col, i);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    if (lo > hi) lo = hi = 0; /* every row NULL */
    uint64_t range = (uint64_t)hi - (uint64_t)lo;
    k->min = (uint64_t)lo;
    k->null_code = nulls ? range + 1 : 0;
    /* a range of 2^64 - 1 plus NULLs cannot be coded: NULLs then tie with the maximum, which
     * only matters for keys spanning the whole int64 range */
    if (nulls && range == UINT64_MAX) k->null_code = UINT64_MAX;
    k->bits = bit_length(nulls ? k->null_code : range);
}

/* Biased key of row i (0 = the minimum; NULL = null_code). */
static inline uint64_t biased(const sort_column *col, const sort_key *k, uint64_t i)
{
    if (!bit_valid(col->validity, i)) return k->null_code;
    return (uint64_t)key_value(col, i) - k->min;
}

/* ---- finish ---- */

/* Buffers freed by the scatter (mappings), handed to the next column: fresh pages cost more
 * than the copy itself (every first touch is a page fault that zeroes 4 KiB). */
typedef struct spare_buffers {
    uint8_t **ptr;
    size_t *size;
    int count;
} spare_buffers;

static void *spare_take(spare_buffers *sp, size_t need, size_t *got)
{
    int best = -1;
    for (int i = 0; i < sp->count; i++)
        if (sp->size[i] >= need && (best < 0 || sp->size[i] < sp->size[best])) best = i;
    if (best < 0) {
        *got = need ? need : 1;
        void *p = shoal_map_alloc(*got);
        shoal_prefault(p, *got); /* filled whole by the scatter */
        return p;
    }
    uint8_t *p = sp->ptr[best];
    *got = sp->size[best];
    sp->ptr[best] = sp->ptr[--sp->count];
    sp->size[best] = sp->size[sp->count];
    return p;
}

static void spare_give(spare_buffers *sp, void *p, size_t size)
{
    if (p == NULL) return;
    sp->ptr[sp->count] = p;
    sp->size[sp->count++] = size;
}

/* The heap strings of col move to a new heap, bucket by bucket (a bucket's strings then sit
 * together while it is gathered and encoded); to[dest[i]] gets row i's slot. */
static void scatter_strings(uint64_t n, sort_column *col, uint64_t *restrict to, const uint32_t *restrict dest,
                            const uint16_t *restrict bucket, uint32_t nbuckets, spare_buffers *spare)
{
    const uint64_t *restrict from = (const uint64_t *)col->data;
    const char *restrict old = col->heap;
    uint64_t *restrict offset = shoal_xcalloc((size_t)nbuckets + 1, sizeof(uint64_t));
    for (uint64_t i = 0; i < n; i++)
        if (!(from[i] & SLOT_INLINE)) offset[bucket[i] + 1] += from[i] >> SLOT_OFFSET_BITS;
    for (uint32_t b = 0; b < nbuckets; b++) offset[b + 1] += offset[b];
    size_t got;
    char *restrict heap = spare_take(spare, col->heap_len, &got);
    const uint64_t mask = ((uint64_t)1 << SLOT_OFFSET_BITS) - 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t x = from[i];
        if (!(x & SLOT_INLINE)) {
            uint32_t len = (uint32_t)(x >> SLOT_OFFSET_BITS);
            uint64_t at = offset[bucket[i]];
            offset[bucket[i]] = at + len;
            copy_bytes(heap + at, old + (x & mask), len);
            x = at | (uint64_t)len << SLOT_OFFSET_BITS;
        }
        to[dest[i]] = x;
    }
    free(offset);
    spare_give(spare, col->heap, col->heap_cap);
    col->heap = heap;
    col->heap_cap = got;
}

/* Moves every value of col to dest[i] (a stable scatter into bucket order). */
static void scatter_column(shoal_load_sorter *s, sort_column *col, const uint32_t *dest, const uint16_t *bucket,
                           uint32_t nbuckets, spare_buffers *spare)
{
    uint64_t n = s->rows;
    size_t got;
    uint8_t *to = spare_take(spare, (size_t)n * col->width, &got);
    if (col->phys == SHOAL_PHYS_STRING) {
        scatter_strings(n, col, (uint64_t *)to, dest, bucket, nbuckets, spare);
    } else {
        switch (col->width) {
        case 1: SCATTER_FIXED(1, to, col->data, dest, n); break;
        case 2: SCATTER_FIXED(2, to, col->data, dest, n); break;
        case 4: SCATTER_FIXED(4, to, col->data, dest, n); break;
        case 8: SCATTER_FIXED(8, to, col->data, dest, n); break;
        default: SCATTER_FIXED(16, to, col->data, dest, n); break;
        }
    }
    spare_give(spare, col->data, col->data_bytes);
    col->data = to;
    col->data_bytes = got;
    if (col->validity) {
        uint64_t *v = shoal_xcalloc(words_for(n) + 1, 8);
        for (uint64_t i = 0; i < n; i++)
            if (bit_valid(col->validity, i)) v[dest[i] >> 6] |= 1ull << (dest[i] & 63);
        free(col->validity);
        col->validity = v;
    }
}

/* One stable counting-sort pass of perm (local rows) by an 8-bit digit of keys[perm[i]]. */
static void radix_pass(const uint64_t *keys, uint32_t *perm, uint32_t *tmp, uint32_t m, unsigned shift)
{
    uint32_t count[257] = {0};
    for (uint32_t i = 0; i < m; i++) count[((keys[perm[i]] >> shift) & 0xff) + 1]++;
    for (int d = 0; d < 256; d++)
        if (count[d + 1] == m) return; /* one digit value: nothing moves */
    for (int d = 0; d < 256; d++) count[d + 1] += count[d];
    for (uint32_t i = 0; i < m; i++) tmp[count[(keys[perm[i]] >> shift) & 0xff]++] = perm[i];
    memcpy(perm, tmp, (size_t)m * sizeof *perm);
}

/* Appends rows start + perm[0..m) to the output batch at `at`. */
static void gather_out(const shoal_load_sorter *s, shoal_batch *out, uint32_t at, uint64_t start,
                       const uint32_t *restrict perm, uint32_t m)
{
    for (int c = 0; c < s->column_count; c++) {
        const sort_column *col = &s->cols[c];
        shoal_vector *v = &out->columns[c];
        const uint8_t *base = col->data + (size_t)start * col->width;
        if (col->phys == SHOAL_PHYS_STRING) {
            const uint64_t *slots = (const uint64_t *)base;
            shoal_string *restrict d = (shoal_string *)v->data + at;
            for (uint32_t i = 0; i < m; i++) d[i] = slot_string(&slots[perm[i]], col->heap);
        } else {
            gather_fixed(col->width, (uint8_t *)v->data + (size_t)at * col->width, base, perm, m);
        }
        if (col->validity)
            for (uint32_t i = 0; i < m; i++)
                if (!bit_valid(col->validity, start + perm[i])) shoal_vector_set_null(v, at + i, true);
    }
}

static void reset_out(shoal_batch *out)
{
    for (int c = 0; c < out->column_count; c++) {
        out->columns[c].count = 0;
        free(out->columns[c].validity);
        out->columns[c].validity = NULL;
    }
    out->count = 0;
}

static void set_out_count(shoal_batch *out, uint32_t n)
{
    for (int c = 0; c < out->column_count; c++) out->columns[c].count = n;
    out->count = n;
}

bool shoal_load_sorter_finish(shoal_load_sorter *s, uint32_t group_rows,
                              bool (*emit)(void *arg, const shoal_batch *b), void *arg)
{
    uint64_t n = s->rows;
    if (n == 0) return true;
    for (int k = 0; k < s->key_count; k++) measure_key(s, &s->keys[k]);

    /* buckets by the first key's top bits */
    const sort_key *k0 = &s->keys[0];
    const sort_column *c0 = &s->cols[k0->column];
    unsigned want = 0;
    while (want < MAX_BUCKET_BITS && (n >> want) > 2 * TARGET_BUCKET_ROWS) want++;
    unsigned shift = k0->bits > want ? k0->bits - want : 0;
    uint32_t nbuckets = (uint32_t)1 << (k0->bits - shift);
    uint16_t *bucket = shoal_xmalloc((size_t)n * sizeof *bucket);
    shoal_prefault(bucket, (size_t)n * sizeof *bucket);
    uint64_t *bucket_start = shoal_xcalloc((size_t)nbuckets + 1, sizeof(uint64_t));
    for (uint64_t i = 0; i < n; i++) {
        uint16_t b = shift >= 64 ? 0 : (uint16_t)(biased(c0, k0, i) >> shift);
        bucket[i] = b;
        bucket_start[b + 1]++;
    }
    for (uint32_t b = 0; b < nbuckets; b++) bucket_start[b + 1] += bucket_start[b];
    if (nbuckets > 1) {
        uint32_t *dest = shoal_xmalloc((size_t)n * sizeof *dest);
        shoal_prefault(dest, (size_t)n * sizeof *dest);
        uint64_t *next = shoal_xmalloc((size_t)nbuckets * sizeof *next);
        memcpy(next, bucket_start, (size_t)nbuckets * sizeof *next);
        for (uint64_t i = 0; i < n; i++) dest[i] = (uint32_t)next[bucket[i]]++;
        free(next);
        spare_buffers spare = {shoal_xcalloc(2 * (size_t)s->column_count + 2, sizeof(uint8_t *)),
                               shoal_xcalloc(2 * (size_t)s->column_count + 2, sizeof(size_t)), 0};
        /* widest first, so every freed buffer fits the next column */
        for (size_t width = 16; width >= 1; width /= 2)
            for (int c = 0; c < s->column_count; c++)
                if (s->cols[c].width == width) scatter_column(s, &s->cols[c], dest, bucket, nbuckets, &spare);
        for (int i = 0; i < spare.count; i++) shoal_map_free(spare.ptr[i], spare.size[i]);
        free(spare.ptr);
        free(spare.size);
        free(dest);
    }
    free(bucket);

    /* each bucket: LSD passes, least significant key first (the first key only below `shift`) */
    uint64_t biggest = 0;
    for (uint32_t b = 0; b < nbuckets; b++)
        if (bucket_start[b + 1] - bucket_start[b] > biggest) biggest = bucket_start[b + 1] - bucket_start[b];
    uint32_t *perm = shoal_xmalloc((size_t)(biggest ? biggest : 1) * sizeof *perm);
    uint32_t *tmp = shoal_xmalloc((size_t)(biggest ? biggest : 1) * sizeof *tmp);
    uint64_t *kv = shoal_xmalloc((size_t)(biggest ? biggest : 1) * sizeof *kv);
    shoal_batch out;
    shoal_batch_init(&out, s->column_count, s->types, group_rows);
    uint32_t fill = 0;
    bool ok = true;
    for (uint32_t b = 0; b < nbuckets && ok; b++) {
        uint64_t start = bucket_start[b];
        uint32_t m = (uint32_t)(bucket_start[b + 1] - start);
        if (m == 0) continue;
        for (uint32_t i = 0; i < m; i++) perm[i] = i;
        for (int k = s->key_count - 1; k >= 0; k--) {
            const sort_key *key = &s->keys[k];
            const sort_column *col = &s->cols[key->column];
            unsigned bits = k == 0 ? shift : key->bits;
            if (bits == 0) continue;
            uint64_t mask = bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
            for (uint32_t i = 0; i < m; i++) kv[i] = biased(col, key, start + i) & mask;
            for (unsigned sh = 0; sh < bits; sh += 8) radix_pass(kv, perm, tmp, m, sh);
        }
        uint32_t done = 0;
        while (done < m && ok) {
            uint32_t take = m - done < group_rows - fill ? m - done : group_rows - fill;
            gather_out(s, &out, fill, start, perm + done, take);
            fill += take;
            done += take;
            if (fill == group_rows) {
                set_out_count(&out, fill);
                ok = emit(arg, &out);
                reset_out(&out);
                fill = 0;
            }
        }
    }
    if (ok && fill > 0) {
        set_out_count(&out, fill);
        ok = emit(arg, &out);
    }
    reset_out(&out);
    shoal_batch_free(&out); /* its strings were borrowed: nothing of ours is freed here */
    free(perm);
    free(tmp);
    free(kv);
    free(bucket_start);
    release_rows(s);
    return ok;
}
