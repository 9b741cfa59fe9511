/* Hash aggregation (see aggregate.h for the modes, state layout and design). */
#include "engine/exec/aggregate.h"
#include "engine/exec/kernels.h"
#include "engine/exec/operator.h" /* shoal_eval_fail */
#include "runtime/log.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY_SLOT UINT32_MAX

typedef struct agg_state {
    shoal_agg_spec spec;
    shoal_physical input_phys;
    bool float_sum;         /* SUM/AVG over REAL/DOUBLE */
    int64_t *counts;        /* COUNT(*), COUNT, SUM/AVG non-NULL count */
    shoal_int128 *sums;     /* SUM/AVG of integers and decimals */
    double *float_sums;     /* SUM/AVG of REAL/DOUBLE */
    shoal_vector extreme;   /* MIN/MAX: one value per group, NULL until the first input */
    bool wide_sum;          /* SUM/AVG of 128-bit decimals: the sums carry */
    int64_t *carries;       /* wide_sum: per group, the int128 sum's overflows (+1 up, -1 down), so
                               the total is sums + carries * 2^128 whatever the order of the adds */
    /* LISTAGG: rows (group id, WITHIN GROUP keys, value) sorted at finish into per-group
     * strings (NULL where a group has no value) */
    shoal_sorter *list_rows;
    shoal_type list_types[SHOAL_LISTAGG_MAX_ORDER + 2]; /* the sorter's columns */
    shoal_vector list_group; /* scratch: the group id of each input row */
    shoal_vector list_result;
} agg_state;

/* Packed keys (the fast path): a row whose key columns are all integers (BOOLEAN to BIGINT,
 * DATE, TIMESTAMP, DECIMAL(p<=18)) or strings of at most 7 bytes is packed into key_count
 * words plus a mask word (bit k: key k is NULL), exactly (a string is its bytes, zero-padded,
 * with its length in the top byte). Those rows find their group in a table of packed keys:
 * one hash of a few words, whole-word compares, no per-row type dispatch. A row with a longer
 * string takes the general table (kernel hashes, typed compares). The two never hold the same
 * key, since whether a key packs depends on the key alone. */
#define PK_MAX_KEYS 16
#define PK_TOO_LONG (1ull << 63) /* in the mask word: the row does not pack */

struct shoal_hash_agg {
    shoal_agg_mode mode;
    int key_count;
    int *key_columns;
    shoal_vector *keys; /* one value per group per key column */
    int agg_count;
    agg_state *aggs;
    uint32_t *slots;      /* general table, open addressing: group id or EMPTY_SLOT */
    uint64_t *slot_hash;
    uint64_t slot_mask;
    uint32_t general_count; /* groups in the general table */
    uint32_t group_count, group_cap;
    /* packed keys */
    bool packed;          /* every key column can pack */
    uint32_t *pk_slots;   /* open addressing: group id or EMPTY_SLOT */
    uint64_t pk_mask;
    uint32_t pk_count;    /* groups in the packed table */
    uint64_t *pk_keys;    /* per group: key_count words + mask (groups of the packed table) */
    uint64_t *pk_rows;    /* scratch: (key_count + 1) words per row, column-major */
    /* scratch per batch */
    uint64_t *row_hash;
    uint32_t *row_group;  /* group of the i-th selected row */
    uint32_t *slow_rows, *slow_idx; /* rows for the general table: row number, index i */
    uint32_t *hist;       /* per group: rows of this batch (zero between batches) */
    uint32_t *touched;    /* groups with hist > 0, in order of first appearance */
    uint32_t touched_count;
    bool group_major;     /* this batch is updated group by group (order, tstart) */
    uint32_t *order;      /* row numbers, grouped: touched group t's rows are [tstart[t], tstart[t+1]) */
    uint32_t *tstart;
    uint32_t *gpos;       /* per group: scatter cursor */
    uint32_t scratch_cap;
    bool finished;        /* shoal_hash_agg_finish ran */
};

/* ---- types ---- */

static bool is_float(shoal_type t) { return t.id == SHOAL_TYPE_REAL || t.id == SHOAL_TYPE_DOUBLE; }

shoal_type shoal_agg_result_type(const shoal_agg_spec *spec)
{
    shoal_type in = spec->input_type;
    switch ((shoal_agg_func)spec->func) {
    case SHOAL_AGG_COUNT_STAR:
    case SHOAL_AGG_COUNT: return shoal_type_make(SHOAL_TYPE_BIGINT);
    case SHOAL_AGG_SUM:
        if (is_float(in)) return shoal_type_make(SHOAL_TYPE_DOUBLE);
        if (in.id == SHOAL_TYPE_DECIMAL) return shoal_type_decimal(38, in.scale);
        return shoal_type_make(SHOAL_TYPE_BIGINT);
    case SHOAL_AGG_AVG:
        if (in.id == SHOAL_TYPE_DECIMAL) return shoal_type_decimal(38, in.scale > 6 ? in.scale : 6);
        return shoal_type_make(SHOAL_TYPE_DOUBLE); /* integers too: Redshift truncates, we don't */
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX: return in;
    case SHOAL_AGG_LISTAGG: return shoal_type_string(SHOAL_TYPE_VARCHAR, SHOAL_LISTAGG_MAX_BYTES);
    }
    return in;
}

int shoal_agg_state_types(const shoal_agg_spec *spec, shoal_type *types)
{
    shoal_type in = spec->input_type;
    switch ((shoal_agg_func)spec->func) {
    case SHOAL_AGG_COUNT_STAR:
    case SHOAL_AGG_COUNT:
        types[0] = shoal_type_make(SHOAL_TYPE_BIGINT);
        return 1;
    case SHOAL_AGG_SUM:
    case SHOAL_AGG_AVG:
        types[0] = is_float(in) ? shoal_type_make(SHOAL_TYPE_DOUBLE)
                                : shoal_type_decimal(38, in.id == SHOAL_TYPE_DECIMAL ? in.scale : 0);
        types[1] = shoal_type_make(SHOAL_TYPE_BIGINT);
        if (shoal_type_physical(in) != SHOAL_PHYS_I128) return 2;
        types[2] = shoal_type_make(SHOAL_TYPE_BIGINT); /* 128-bit decimals: the sum's carry */
        return 3;
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX:
        types[0] = in;
        return 1;
    case SHOAL_AGG_LISTAGG: /* no real state (COMPLETE only): a NULL string */
        types[0] = shoal_type_string(SHOAL_TYPE_VARCHAR, SHOAL_LISTAGG_MAX_BYTES);
        return 1;
    }
    return 0;
}

int shoal_hash_agg_output_count(const shoal_hash_agg *agg)
{
    int n = agg->key_count;
    shoal_type scratch[SHOAL_AGG_MAX_STATES];
    for (int a = 0; a < agg->agg_count; a++)
        n += agg->mode == SHOAL_AGG_PARTIAL ? shoal_agg_state_types(&agg->aggs[a].spec, scratch) : 1;
    return n;
}

void shoal_hash_agg_output_types(const shoal_hash_agg *agg, shoal_type *types)
{
    int n = 0;
    for (int k = 0; k < agg->key_count; k++) types[n++] = agg->keys[k].type;
    for (int a = 0; a < agg->agg_count; a++) {
        if (agg->mode == SHOAL_AGG_PARTIAL) n += shoal_agg_state_types(&agg->aggs[a].spec, types + n);
        else types[n++] = shoal_agg_result_type(&agg->aggs[a].spec);
    }
}

/* ---- creation ---- */

shoal_hash_agg *shoal_hash_agg_create(shoal_agg_mode mode, int key_count, const int *key_columns,
                                      const shoal_type *key_types, int agg_count, const shoal_agg_spec *aggs)
{
    shoal_hash_agg *h = shoal_xcalloc(1, sizeof *h);
    h->mode = mode;
    h->key_count = key_count;
    h->key_columns = shoal_xcalloc((size_t)key_count + 1, sizeof(int));
    h->keys = shoal_xcalloc((size_t)key_count + 1, sizeof(shoal_vector));
    for (int k = 0; k < key_count; k++) {
        h->key_columns[k] = key_columns[k];
        shoal_vector_init(&h->keys[k], key_types[k], 1024);
    }
    h->agg_count = agg_count;
    h->aggs = shoal_xcalloc((size_t)agg_count + 1, sizeof(agg_state));
    for (int a = 0; a < agg_count; a++) {
        agg_state *s = &h->aggs[a];
        s->spec = aggs[a];
        s->input_phys = shoal_type_physical(aggs[a].input_type);
        s->float_sum = is_float(aggs[a].input_type);
        s->wide_sum = (aggs[a].func == SHOAL_AGG_SUM || aggs[a].func == SHOAL_AGG_AVG) && s->input_phys == SHOAL_PHYS_I128;
        if (aggs[a].func == SHOAL_AGG_MIN || aggs[a].func == SHOAL_AGG_MAX)
            shoal_vector_init(&s->extreme, aggs[a].input_type, 1024);
        if (aggs[a].func == SHOAL_AGG_LISTAGG) {
            shoal_vector_init(&s->list_group, shoal_type_make(SHOAL_TYPE_INTEGER), SHOAL_BATCH_ROWS);
            shoal_vector_init(&s->list_result, shoal_type_string(SHOAL_TYPE_VARCHAR, SHOAL_LISTAGG_MAX_BYTES), 64);
        }
    }
    h->slot_mask = 1023;
    h->slots = shoal_xmalloc((h->slot_mask + 1) * sizeof(uint32_t));
    h->slot_hash = shoal_xmalloc((h->slot_mask + 1) * sizeof(uint64_t));
    memset(h->slots, 0xff, (h->slot_mask + 1) * sizeof(uint32_t));
    h->packed = key_count > 0 && key_count <= PK_MAX_KEYS;
    for (int k = 0; k < key_count && h->packed; k++) {
        shoal_physical p = shoal_type_physical(key_types[k]);
        h->packed = p == SHOAL_PHYS_U8 || p == SHOAL_PHYS_I16 || p == SHOAL_PHYS_I32 || p == SHOAL_PHYS_I64 ||
                    p == SHOAL_PHYS_STRING;
    }
    if (h->packed) {
        h->pk_mask = 255;
        h->pk_slots = shoal_xmalloc((h->pk_mask + 1) * sizeof(uint32_t));
        memset(h->pk_slots, 0xff, (h->pk_mask + 1) * sizeof(uint32_t));
    }
    return h;
}

void shoal_hash_agg_disable_packed_keys(shoal_hash_agg *h)
{
    if (h->group_count == 0) h->packed = false;
}

void shoal_hash_agg_free(shoal_hash_agg *h)
{
    if (h == NULL) return;
    for (int k = 0; k < h->key_count; k++) shoal_vector_free(&h->keys[k]);
    for (int a = 0; a < h->agg_count; a++) {
        agg_state *s = &h->aggs[a];
        free(s->counts);
        free(s->sums);
        free(s->float_sums);
        free(s->carries);
        if (s->spec.func == SHOAL_AGG_MIN || s->spec.func == SHOAL_AGG_MAX) shoal_vector_free(&s->extreme);
        if (s->spec.func == SHOAL_AGG_LISTAGG) {
            shoal_sorter_free(s->list_rows);
            shoal_vector_free(&s->list_group);
            shoal_vector_free(&s->list_result);
        }
    }
    free(h->keys);
    free(h->key_columns);
    free(h->aggs);
    free(h->slots);
    free(h->slot_hash);
    free(h->pk_slots);
    free(h->pk_keys);
    free(h->pk_rows);
    free(h->row_hash);
    free(h->row_group);
    free(h->slow_rows);
    free(h->slow_idx);
    free(h->hist);
    free(h->touched);
    free(h->order);
    free(h->tstart);
    free(h->gpos);
    free(h);
}

uint64_t shoal_hash_agg_group_count(const shoal_hash_agg *h) { return h->group_count; }

/* Makes room for group `g` in every state array (zeroed). */
static void grow_states(shoal_hash_agg *h, uint32_t need)
{
    if (need <= h->group_cap) return;
    uint32_t cap = h->group_cap ? h->group_cap : 64;
    while (cap < need) cap *= 2;
    for (int a = 0; a < h->agg_count; a++) {
        agg_state *s = &h->aggs[a];
        s->counts = shoal_xrealloc(s->counts, cap * sizeof(int64_t));
        memset(s->counts + h->group_cap, 0, (cap - h->group_cap) * sizeof(int64_t));
        if (s->spec.func == SHOAL_AGG_SUM || s->spec.func == SHOAL_AGG_AVG) {
            if (s->float_sum) {
                s->float_sums = shoal_xrealloc(s->float_sums, cap * sizeof(double));
                memset(s->float_sums + h->group_cap, 0, (cap - h->group_cap) * sizeof(double));
            } else {
                s->sums = shoal_xrealloc(s->sums, cap * sizeof(shoal_int128));
                memset(s->sums + h->group_cap, 0, (cap - h->group_cap) * sizeof(shoal_int128));
            }
            if (s->wide_sum) {
                s->carries = shoal_xrealloc(s->carries, cap * sizeof(int64_t));
                memset(s->carries + h->group_cap, 0, (cap - h->group_cap) * sizeof(int64_t));
            }
        }
    }
    h->gpos = shoal_xrealloc(h->gpos, cap * sizeof(uint32_t));
    h->hist = shoal_xrealloc(h->hist, cap * sizeof(uint32_t));
    memset(h->hist + h->group_cap, 0, (cap - h->group_cap) * sizeof(uint32_t));
    if (h->packed) h->pk_keys = shoal_xrealloc(h->pk_keys, (size_t)cap * (size_t)(h->key_count + 1) * sizeof(uint64_t));
    h->group_cap = cap;
}

/* A new group for row r of the input: its keys appended, its states zeroed. */
static uint32_t new_group(shoal_hash_agg *h, const shoal_batch *in, uint32_t r)
{
    uint32_t g = h->group_count++;
    grow_states(h, h->group_count);
    for (int k = 0; k < h->key_count; k++) shoal_vector_append_from(&h->keys[k], &in->columns[h->key_columns[k]], r);
    return g;
}

/* ---- the general table ---- */

static void rehash_general(shoal_hash_agg *h)
{
    uint64_t new_mask = h->slot_mask * 2 + 1;
    uint32_t *slots = shoal_xmalloc((new_mask + 1) * sizeof(uint32_t));
    uint64_t *hashes = shoal_xmalloc((new_mask + 1) * sizeof(uint64_t));
    memset(slots, 0xff, (new_mask + 1) * sizeof(uint32_t));
    for (uint64_t i = 0; i <= h->slot_mask; i++) {
        if (h->slots[i] == EMPTY_SLOT) continue;
        uint64_t j = h->slot_hash[i] & new_mask;
        while (slots[j] != EMPTY_SLOT) j = (j + 1) & new_mask;
        slots[j] = h->slots[i];
        hashes[j] = h->slot_hash[i];
    }
    free(h->slots);
    free(h->slot_hash);
    h->slots = slots;
    h->slot_hash = hashes;
    h->slot_mask = new_mask;
}

/* Rows rows[0..m) (NULL: 0..m-1) through the general table; the j-th one's group goes to
 * row_group[idx[j]] (idx NULL: j). */
static void assign_general(shoal_hash_agg *h, const shoal_batch *in, const uint32_t *rows, const uint32_t *idx,
                           uint32_t m)
{
    for (int k = 0; k < h->key_count; k++)
        kernel_hash_vector(&in->columns[h->key_columns[k]], rows, m, h->row_hash, k > 0);
    for (uint32_t i = 0; i < m; i++) {
        uint32_t r = rows ? rows[i] : i;
        uint64_t hv = h->row_hash[i];
        uint64_t j = hv & h->slot_mask;
        uint32_t g;
        for (;;) {
            g = h->slots[j];
            if (g == EMPTY_SLOT) {
                g = new_group(h, in, r);
                h->slots[j] = g;
                h->slot_hash[j] = hv;
                if ((uint64_t)++h->general_count * 2 > h->slot_mask) rehash_general(h);
                break;
            }
            if (h->slot_hash[j] == hv) {
                bool same = true;
                for (int k = 0; k < h->key_count && same; k++)
                    same = shoal_vector_compare(&in->columns[h->key_columns[k]], r, &h->keys[k], g) == 0; /* NULLs group together */
                if (same) break;
            }
            j = (j + 1) & h->slot_mask;
        }
        h->row_group[idx ? idx[i] : i] = g;
    }
}

/* ---- the packed table ---- */

/* A string of at most 7 bytes as one word: its bytes (little-endian, zero-padded) and its
 * length in the top byte. Reads only the string's own bytes. */
static inline uint64_t pack_short_string(const char *p, uint32_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    uint64_t w;
    if (len == 1) { /* CHAR(1) flags and codes */
        w = u[0];
    } else if (len >= 4) { /* two overlapping 4-byte loads */
        uint32_t lo, hi;
        memcpy(&lo, u, 4);
        memcpy(&hi, u + len - 4, 4);
        w = (uint64_t)lo | (uint64_t)hi << (8 * (len - 4));
    } else if (len > 0) {
        w = (uint64_t)u[0] | (uint64_t)u[len / 2] << (8 * (len / 2)) | (uint64_t)u[len - 1] << (8 * (len - 1));
    } else {
        w = 0;
    }
    return w | (uint64_t)len << 56;
}

/* Packs key column k of the selected rows into words[0..m) and marks NULLs (bit k) and
 * strings too long to pack (PK_TOO_LONG) in mask[0..m). */
static void pack_column(const shoal_vector *v, const uint32_t *sel, uint32_t m, int k, uint64_t *restrict words,
                        uint64_t *restrict mask)
{
    const uint64_t *valid = v->validity;
#define PACK_INTS(T)                                                                                   \
    do {                                                                                               \
        const T *x = v->data;                                                                          \
        if (sel) for (uint32_t i = 0; i < m; i++) words[i] = (uint64_t)(int64_t)x[sel[i]];            \
        else for (uint32_t i = 0; i < m; i++) words[i] = (uint64_t)(int64_t)x[i];                      \
    } while (0)
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: {
        const uint8_t *x = v->data;
        if (sel) for (uint32_t i = 0; i < m; i++) words[i] = x[sel[i]];
        else for (uint32_t i = 0; i < m; i++) words[i] = x[i];
        break;
    }
    case SHOAL_PHYS_I16: PACK_INTS(int16_t); break;
    case SHOAL_PHYS_I32: PACK_INTS(int32_t); break;
    case SHOAL_PHYS_I64: PACK_INTS(int64_t); break;
    case SHOAL_PHYS_STRING: {
        const shoal_string *x = v->data;
#define PACK_STRING(r)                                                                                 \
    do {                                                                                               \
        shoal_string str = x[r];                                                                       \
        if (__builtin_expect(str.len == 1, 1)) {                                                       \
            words[i] = (uint64_t)(unsigned char)str.ptr[0] | 1ull << 56;                               \
        } else if (str.len <= 7) {                                                                     \
            words[i] = pack_short_string(str.ptr, str.len);                                            \
        } else {                                                                                       \
            words[i] = 0;                                                                              \
            mask[i] |= PK_TOO_LONG;                                                                    \
        }                                                                                              \
    } while (0)
        if (valid) {
            for (uint32_t i = 0; i < m; i++) {
                uint32_t r = sel ? sel[i] : i;
                if (!shoal_bit_is_set(valid, r)) words[i] = 0; /* the string under a NULL may be garbage */
                else PACK_STRING(r);
            }
        } else if (sel) {
            for (uint32_t i = 0; i < m; i++) PACK_STRING(sel[i]);
        } else {
            for (uint32_t i = 0; i < m; i++) PACK_STRING(i);
        }
#undef PACK_STRING
        break;
    }
    default: /* not packable: create() does not choose the packed path */
        for (uint32_t i = 0; i < m; i++) mask[i] |= PK_TOO_LONG;
        break;
    }
#undef PACK_INTS
    if (valid) {
        for (uint32_t i = 0; i < m; i++) {
            uint32_t r = sel ? sel[i] : i;
            if (!shoal_bit_is_set(valid, r)) {
                words[i] = 0;
                mask[i] |= 1ull << k;
            }
        }
    }
}

/* Hash of a packed key: words w[0], w[stride], ... (kc of them), then the mask. The words are
 * multiplied independently (no chain of multiplies from one word to the next), then mixed. */
static inline uint64_t pk_hash(const uint64_t *w, size_t stride, int kc)
{
    uint64_t x = w[(size_t)kc * stride] * 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < kc; k++) {
        uint64_t y = w[(size_t)k * stride] * (0xff51afd7ed558ccdULL + 2 * (uint64_t)k);
        x ^= y >> (k & 7) | y << (64 - (k & 7)) % 64; /* a different rotation per word */
    }
    x ^= x >> 32;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 29);
}

static void rehash_packed(shoal_hash_agg *h)
{
    uint64_t new_mask = h->pk_mask * 2 + 1;
    uint32_t *slots = shoal_xmalloc((new_mask + 1) * sizeof(uint32_t));
    memset(slots, 0xff, (new_mask + 1) * sizeof(uint32_t));
    size_t width = (size_t)h->key_count + 1;
    for (uint64_t i = 0; i <= h->pk_mask; i++) {
        uint32_t g = h->pk_slots[i];
        if (g == EMPTY_SLOT) continue;
        uint64_t j = pk_hash(h->pk_keys + g * width, 1, h->key_count) & new_mask;
        while (slots[j] != EMPTY_SLOT) j = (j + 1) & new_mask;
        slots[j] = g;
    }
    free(h->pk_slots);
    h->pk_slots = slots;
    h->pk_mask = new_mask;
}

/* Groups of the packed rows; the others are collected for the general table. kc is the key
 * count (a constant where the caller inlines it). Returns how many rows were collected. */
static inline __attribute__((always_inline)) uint32_t
probe_packed(shoal_hash_agg *h, const shoal_batch *in, uint32_t rows, const int kc)
{
    const uint64_t *pk = h->pk_rows, *mask = pk + (size_t)kc * rows;
    const size_t width = (size_t)kc + 1;
    uint64_t *hash = h->row_hash;
    for (uint32_t i = 0; i < rows; i++) hash[i] = pk_hash(pk + i, rows, kc); /* a loop of its own: vectorizes */
    uint32_t slow = 0;
    /* With many groups the slot and key loads miss the cache: a row whose key equals the row
     * before's (tables stored in key order: lineitem by l_orderkey) takes that row's group without
     * a probe, and the slots of the rows PK_PREFETCH ahead are prefetched. */
    enum { PK_PREFETCH = 16 };
    uint32_t prev = UINT32_MAX; /* the last row given a group here, when it came from the table */
    for (uint32_t i = 0; i < rows; i++) {
        if (i + PK_PREFETCH < rows) __builtin_prefetch(&h->pk_slots[hash[i + PK_PREFETCH] & h->pk_mask]);
        if (mask[i] & PK_TOO_LONG) {
            h->slow_rows[slow] = shoal_batch_row(in, i);
            h->slow_idx[slow++] = i;
            continue;
        }
        if (prev != UINT32_MAX && hash[i] == hash[prev]) {
            bool same = true;
            for (int k = 0; k <= kc; k++) same &= pk[(size_t)k * rows + i] == pk[(size_t)k * rows + prev];
            if (same) {
                h->row_group[i] = h->row_group[prev];
                prev = i;
                continue;
            }
        }
        prev = i;
        uint64_t j = hash[i] & h->pk_mask;
        uint32_t g;
        for (;;) {
            g = h->pk_slots[j];
            if (g == EMPTY_SLOT) {
                g = new_group(h, in, shoal_batch_row(in, i));
                uint64_t *gk = h->pk_keys + g * width;
                for (int k = 0; k <= kc; k++) gk[k] = pk[(size_t)k * rows + i];
                h->pk_slots[j] = g;
                if ((uint64_t)++h->pk_count * 2 > h->pk_mask) rehash_packed(h);
                break;
            }
            const uint64_t *gk = h->pk_keys + g * width;
            bool same = true;
            for (int k = 0; k <= kc; k++) same &= gk[k] == pk[(size_t)k * rows + i];
            if (same) break;
            j = (j + 1) & h->pk_mask;
        }
        h->row_group[i] = g;
    }
    return slow;
}

static void assign_packed(shoal_hash_agg *h, const shoal_batch *in, uint32_t rows)
{
    int kc = h->key_count;
    uint64_t *pk = h->pk_rows, *mask = pk + (size_t)kc * rows;
    memset(mask, 0, rows * sizeof(uint64_t));
    for (int k = 0; k < kc; k++) pack_column(&in->columns[h->key_columns[k]], in->sel, rows, k, pk + (size_t)k * rows, mask);
    uint32_t slow;
    switch (kc) { /* constant key counts: the word loops unroll */
    case 1: slow = probe_packed(h, in, rows, 1); break;
    case 2: slow = probe_packed(h, in, rows, 2); break;
    case 3: slow = probe_packed(h, in, rows, 3); break;
    default: slow = probe_packed(h, in, rows, kc); break;
    }
    if (slow) assign_general(h, in, h->slow_rows, h->slow_idx, slow);
}

/* Finds or creates the group of every selected row: h->row_group[i]. */
static void assign_groups(shoal_hash_agg *h, const shoal_batch *in, uint32_t rows)
{
    if (h->scratch_cap < rows) {
        h->scratch_cap = rows;
        h->row_hash = shoal_xrealloc(h->row_hash, rows * sizeof(uint64_t));
        h->row_group = shoal_xrealloc(h->row_group, rows * sizeof(uint32_t));
        h->slow_rows = shoal_xrealloc(h->slow_rows, rows * sizeof(uint32_t));
        h->slow_idx = shoal_xrealloc(h->slow_idx, rows * sizeof(uint32_t));
        h->touched = shoal_xrealloc(h->touched, rows * sizeof(uint32_t));
        h->order = shoal_xrealloc(h->order, rows * sizeof(uint32_t));
        h->tstart = shoal_xrealloc(h->tstart, (rows + 1) * sizeof(uint32_t));
        if (h->packed) h->pk_rows = shoal_xrealloc(h->pk_rows, (size_t)rows * (size_t)(h->key_count + 1) * sizeof(uint64_t));
    }
    if (h->key_count == 0) {
        if (h->group_count == 0) {
            grow_states(h, 1);
            h->group_count = 1;
        }
        memset(h->row_group, 0, rows * sizeof(uint32_t));
        return;
    }
    if (h->packed) assign_packed(h, in, rows);
    else assign_general(h, in, in->sel, NULL, rows);
}

/* Keeps the smaller (MIN) or larger (MAX) of the group's value and row r of v. */
static void update_extreme(agg_state *s, uint32_t g, const shoal_vector *v, uint32_t r)
{
    shoal_vector *e = &s->extreme;
    while (e->count <= g) shoal_vector_append_null(e);
    bool want_min = s->spec.func == SHOAL_AGG_MIN;
    bool empty = shoal_vector_is_null(e, g);
    int cmp = 0;
    switch (s->input_phys) {
    case SHOAL_PHYS_STRING: {
        shoal_string a = ((const shoal_string *)v->data)[r];
        if (!empty) {
            shoal_string b = ((const shoal_string *)e->data)[g];
            uint32_t n = a.len < b.len ? a.len : b.len;
            cmp = memcmp(a.ptr, b.ptr, n);
            if (cmp == 0) cmp = (a.len > b.len) - (a.len < b.len);
        }
        if (empty || (want_min ? cmp < 0 : cmp > 0)) ((shoal_string *)e->data)[g] = shoal_vector_add_string(e, a.ptr, a.len);
        break;
    }
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: {
        double a = shoal_vector_get_f64(v, r);
        double b = empty ? 0 : shoal_vector_get_f64(e, g);
        if (empty || (want_min ? a < b : a > b)) {
            if (s->input_phys == SHOAL_PHYS_F32) ((float *)e->data)[g] = (float)a;
            else ((double *)e->data)[g] = a;
        }
        break;
    }
    case SHOAL_PHYS_I128: {
        shoal_int128 a = ((const shoal_int128 *)v->data)[r];
        shoal_int128 b = empty ? 0 : ((const shoal_int128 *)e->data)[g];
        if (empty || (want_min ? a < b : a > b)) ((shoal_int128 *)e->data)[g] = a;
        break;
    }
    default: {
        int64_t a = shoal_vector_get_i64(v, r);
        int64_t b = empty ? 0 : shoal_vector_get_i64(e, g);
        if (empty || (want_min ? a < b : a > b)) {
            size_t w = shoal_physical_size(s->input_phys);
            /* store through the physical width (little-endian truncation of int64) */
            memcpy((char *)e->data + (size_t)g * w, &a, w);
        }
        break;
    }
    }
    if (empty) shoal_vector_set_null(e, g, false);
}

/* Rows per group of this batch (h->hist, h->touched): one pass over the group ids that every
 * COUNT(*) and every aggregate of an input without NULLs shares. When groups average 4 rows
 * or more, the rows are also put in group order (a stable counting sort into h->order), so
 * that each aggregate updates a group's state once per batch from a register instead of once
 * per row through memory, where consecutive rows of one group would wait on each other's
 * stores. Within a group the rows keep their order, so sums (floating point included) add
 * in the same order as row by row. */
static void batch_order(shoal_hash_agg *h, const shoal_batch *in, uint32_t rows)
{
    const uint32_t *grp = h->row_group;
    uint32_t *hist = h->hist, *touched = h->touched, nt = 0;
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t g = grp[i];
        touched[nt] = g;
        nt += hist[g]++ == 0;
    }
    h->touched_count = nt;
    h->group_major = (uint64_t)nt * 4 <= rows;
    if (!h->group_major) return;
    uint32_t pos = 0, *gpos = h->gpos, *order = h->order;
    for (uint32_t t = 0; t < nt; t++) {
        h->tstart[t] = pos;
        gpos[touched[t]] = pos;
        pos += hist[touched[t]];
    }
    h->tstart[nt] = pos;
    if (in->sel) for (uint32_t i = 0; i < rows; i++) order[gpos[grp[i]]++] = in->sel[i];
    else for (uint32_t i = 0; i < rows; i++) order[gpos[grp[i]]++] = i;
}
static void add_histogram(const shoal_hash_agg *h, int64_t *counts)
{
    for (uint32_t t = 0; t < h->touched_count; t++) counts[h->touched[t]] += h->hist[h->touched[t]];
}
static void clear_histogram(shoal_hash_agg *h)
{
    for (uint32_t t = 0; t < h->touched_count; t++) h->hist[h->touched[t]] = 0;
    h->touched_count = 0;
}

/* Row by row: the i-th selected row is r, its group g. */
#define AGG_ROWS(sel, rows, grp, r, g, BODY)                                                           \
    do {                                                                                               \
        if (sel) {                                                                                     \
            for (uint32_t i_ = 0; i_ < (rows); i_++) {                                                 \
                uint32_t r = (sel)[i_], g = (grp)[i_];                                                 \
                BODY;                                                                                  \
            }                                                                                          \
        } else {                                                                                       \
            for (uint32_t r = 0; r < (rows); r++) {                                                    \
                uint32_t g = (grp)[r];                                                                 \
                BODY;                                                                                  \
            }                                                                                          \
        }                                                                                              \
    } while (0)
#define AGG_VALID_ROWS(sel, rows, grp, valid, r, g, BODY)                                              \
    AGG_ROWS(sel, rows, grp, r, g, if (shoal_bit_is_set(valid, r)) { BODY; })
/* Group by group (h->group_major): START once per group g, BODY per row r of it, FINISH. */
#define AGG_GROUPS(h, g, r, START, BODY, FINISH)                                                       \
    for (uint32_t t_ = 0; t_ < (h)->touched_count; t_++) {                                             \
        uint32_t g = (h)->touched[t_];                                                                 \
        const uint32_t *o_ = (h)->order + (h)->tstart[t_], *end_ = (h)->order + (h)->tstart[t_ + 1];   \
        START;                                                                                         \
        for (; o_ < end_; o_++) {                                                                      \
            uint32_t r = *o_;                                                                          \
            BODY;                                                                                      \
        }                                                                                              \
        FINISH;                                                                                        \
    }

/* SUM/AVG of one typed column (T) into the group's accumulator (ACC, of type AT) and count;
 * ADD(a, x, k) adds x to a (ADD_CARRY: and an int128 overflow to the carry k). */
#define ADD_PLAIN(a, x, k) ((a) += (x))
#define ADD_CARRY(a, x, k) ((void)(__builtin_add_overflow((a), (x), &(a)) ? ((k) += (x) < 0 ? -1 : 1) : 0))
#define SUM_INTO(ACC, AT, T, ADD)                                                                      \
    do {                                                                                               \
        const T *x = v->data;                                                                          \
        AT *acc_ = ACC;                                                                                \
        int64_t *carry_ = s->carries;                                                                  \
        if (h->group_major && valid) {                                                                 \
            AGG_GROUPS(h, g, r, AT a_ = acc_[g]; int64_t c_ = 0; int64_t k_ = 0,                       \
                       if (shoal_bit_is_set(valid, r)) { ADD(a_, x[r], k_); c_++; },                   \
                       acc_[g] = a_; counts[g] += c_; if (k_) carry_[g] += k_);                        \
        } else if (h->group_major && sizeof(T) <= 8 && (T)0.5 == 0) {                                 \
            /* integers: an int64 running sum, folded into the int128 only on int64 overflow */       \
            AGG_GROUPS(h, g, r, AT a_ = acc_[g]; int64_t s_ = 0,                                       \
                       {                                                                               \
                           int64_t sum_;                                                               \
                           if (__builtin_expect(__builtin_add_overflow(s_, (int64_t)x[r], &sum_), 0)) { \
                               a_ += (AT)s_ + (AT)x[r];                                                \
                               s_ = 0;                                                                 \
                           } else {                                                                    \
                               s_ = sum_;                                                              \
                           }                                                                           \
                       },                                                                              \
                       acc_[g] = a_ + (AT)s_);                                                         \
            add_histogram(h, counts);                                                                  \
        } else if (h->group_major) {                                                                   \
            AGG_GROUPS(h, g, r, AT a_ = acc_[g]; int64_t k_ = 0, ADD(a_, x[r], k_),                    \
                       acc_[g] = a_; if (k_) carry_[g] += k_);                                         \
            add_histogram(h, counts);                                                                  \
        } else if (valid) {                                                                            \
            AGG_VALID_ROWS(sel, rows, grp, valid, r, g, ADD(acc_[g], x[r], carry_[g]); counts[g]++);   \
        } else {                                                                                       \
            AGG_ROWS(sel, rows, grp, r, g, ADD(acc_[g], x[r], carry_[g]));                             \
            add_histogram(h, counts);                                                                  \
        }                                                                                              \
        (void)carry_;                                                                                  \
    } while (0)

/* MIN/MAX of integers (SMALLINT to BIGINT, DATE, TIMESTAMP, DECIMAL(p<=18)): a typed loop,
 * seen[g] standing for the group's validity bit during the loop. */
#define MINMAX_INTS(T)                                                                                 \
    do {                                                                                               \
        const T *x = v->data;                                                                          \
        T *ex = e->data;                                                                               \
        if (want_min)                                                                                  \
            AGG_ROWS(sel, rows, grp, r, g, if (!valid || shoal_bit_is_set(valid, r)) {                 \
                if (!seen[g] || x[r] < ex[g]) ex[g] = x[r];                                            \
                seen[g] = 1;                                                                           \
            });                                                                                        \
        else                                                                                           \
            AGG_ROWS(sel, rows, grp, r, g, if (!valid || shoal_bit_is_set(valid, r)) {                 \
                if (!seen[g] || x[r] > ex[g]) ex[g] = x[r];                                            \
                seen[g] = 1;                                                                           \
            });                                                                                        \
    } while (0)

/* LISTAGG: the rows with a non-empty value go into the aggregate's sorter as (group id, WITHIN
 * GROUP keys..., value), straight from the batch's columns (a view of them, no copy here). */
static void listagg_add(shoal_hash_agg *h, agg_state *s, const shoal_batch *in, uint32_t rows)
{
    const shoal_agg_spec *sp = &s->spec;
    int nk = sp->order_count, ncol = nk + 2;
    if (s->list_rows == NULL) {
        shoal_type *types = s->list_types;
        shoal_sort_key keys[SHOAL_LISTAGG_MAX_ORDER + 2];
        types[0] = s->list_group.type;
        keys[0] = (shoal_sort_key){0, false, false};
        for (int k = 0; k < nk; k++) {
            types[k + 1] = in->columns[sp->order[k].column].type;
            keys[k + 1] = sp->order[k];
            keys[k + 1].column = k + 1;
        }
        types[nk + 1] = in->columns[sp->input].type;
        keys[nk + 1] = (shoal_sort_key){nk + 1, false, false};
        s->list_rows = shoal_sorter_create(ncol, types, ncol, keys, -1);
    }
    const shoal_vector *v = &in->columns[sp->input];
    const shoal_string *str = v->data;
    shoal_vector *gv = &s->list_group;
    shoal_vector_reserve(gv, in->count);
    int32_t *gid = gv->data;
    uint32_t *sel = h->slow_rows, n = 0; /* scratch of `rows` entries, free after assign_groups */
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t r = shoal_batch_row(in, i);
        gid[r] = (int32_t)h->row_group[i];
        if (!shoal_vector_is_null(v, r) && str[r].len > 0) sel[n++] = r;
    }
    if (n == 0) return;
    gv->count = in->count;
    shoal_vector cols[SHOAL_LISTAGG_MAX_ORDER + 2];
    cols[0] = *gv;
    for (int k = 0; k < nk; k++) cols[k + 1] = in->columns[sp->order[k].column];
    cols[nk + 1] = *v;
    shoal_batch view = {.column_count = ncol, .columns = cols, .count = in->count, .sel = sel, .sel_count = n, .sel_capacity = n};
    shoal_sorter_add(s->list_rows, &view);
}

/* COMPLETE/PARTIAL: one aggregate over input rows (h->row_group and batch_order are set). */
static void update_from_rows(shoal_hash_agg *h, agg_state *s, const shoal_batch *in, uint32_t rows)
{
    const uint32_t *grp = h->row_group, *sel = in->sel;
    int64_t *counts = s->counts;
    if (s->spec.func == SHOAL_AGG_COUNT_STAR) {
        add_histogram(h, counts);
        return;
    }
    const shoal_vector *v = &in->columns[s->spec.input];
    const uint64_t *valid = v->validity;
    switch ((shoal_agg_func)s->spec.func) {
    case SHOAL_AGG_COUNT:
        if (valid) AGG_VALID_ROWS(sel, rows, grp, valid, r, g, counts[g]++);
        else add_histogram(h, counts);
        break;
    case SHOAL_AGG_SUM:
    case SHOAL_AGG_AVG:
        switch (s->input_phys) {
        /* int128 sums of up to 64-bit values cannot overflow (2^64 rows); of 128-bit ones they carry */
        case SHOAL_PHYS_U8: SUM_INTO(s->sums, shoal_int128, uint8_t, ADD_PLAIN); break;
        case SHOAL_PHYS_I16: SUM_INTO(s->sums, shoal_int128, int16_t, ADD_PLAIN); break;
        case SHOAL_PHYS_I32: SUM_INTO(s->sums, shoal_int128, int32_t, ADD_PLAIN); break;
        case SHOAL_PHYS_I64: SUM_INTO(s->sums, shoal_int128, int64_t, ADD_PLAIN); break;
        case SHOAL_PHYS_I128: SUM_INTO(s->sums, shoal_int128, shoal_int128, ADD_CARRY); break;
        case SHOAL_PHYS_F32: SUM_INTO(s->float_sums, double, float, ADD_PLAIN); break;
        case SHOAL_PHYS_F64: SUM_INTO(s->float_sums, double, double, ADD_PLAIN); break;
        default: break;
        }
        break;
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX: {
        shoal_vector *e = &s->extreme;
        shoal_physical p = s->input_phys;
        if (p == SHOAL_PHYS_I16 || p == SHOAL_PHYS_I32 || p == SHOAL_PHYS_I64) {
            while (e->count < h->group_count) shoal_vector_append_null(e);
            uint8_t *seen = shoal_xmalloc(h->group_count ? h->group_count : 1);
            for (uint32_t t = 0; t < h->touched_count; t++) seen[h->touched[t]] = !shoal_vector_is_null(e, h->touched[t]);
            bool want_min = s->spec.func == SHOAL_AGG_MIN;
            if (p == SHOAL_PHYS_I16) MINMAX_INTS(int16_t);
            else if (p == SHOAL_PHYS_I32) MINMAX_INTS(int32_t);
            else MINMAX_INTS(int64_t);
            for (uint32_t t = 0; t < h->touched_count; t++) {
                uint32_t g = h->touched[t];
                if (seen[g] && shoal_vector_is_null(e, g)) shoal_vector_set_null(e, g, false);
            }
            free(seen);
            break;
        }
        AGG_ROWS(sel, rows, grp, r, g, if (!valid || shoal_bit_is_set(valid, r)) update_extreme(s, g, v, r));
        break;
    }
    case SHOAL_AGG_LISTAGG:
        listagg_add(h, s, in, rows);
        break;
    default:
        break;
    }
}
#undef SUM_INTO
#undef ADD_PLAIN
#undef ADD_CARRY
#undef MINMAX_INTS

/* FINAL: merge one aggregate's state columns starting at column c. */
static void update_from_states(shoal_hash_agg *h, agg_state *s, const shoal_batch *in, uint32_t rows, int c)
{
    const uint32_t *grp = h->row_group;
    switch ((shoal_agg_func)s->spec.func) {
    case SHOAL_AGG_COUNT_STAR:
    case SHOAL_AGG_COUNT:
        for (uint32_t i = 0; i < rows; i++) s->counts[grp[i]] += shoal_vector_get_i64(&in->columns[c], shoal_batch_row(in, i));
        break;
    case SHOAL_AGG_SUM:
    case SHOAL_AGG_AVG:
        for (uint32_t i = 0; i < rows; i++) {
            uint32_t r = shoal_batch_row(in, i), g = grp[i];
            if (s->float_sum) {
                s->float_sums[g] += shoal_vector_get_f64(&in->columns[c], r);
            } else {
                shoal_int128 x = shoal_vector_get_i128(&in->columns[c], r);
                /* (only 128-bit inputs' sums can pass int128: 2^64 rows of int64 values would not) */
                if (__builtin_add_overflow(s->sums[g], x, &s->sums[g]) && s->wide_sum) s->carries[g] += x < 0 ? -1 : 1;
                if (s->wide_sum) s->carries[g] += shoal_vector_get_i64(&in->columns[c + 2], r);
            }
            s->counts[g] += shoal_vector_get_i64(&in->columns[c + 1], r);
        }
        break;
    case SHOAL_AGG_LISTAGG: /* COMPLETE only: no states to merge */
        break;
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX:
        for (uint32_t i = 0; i < rows; i++) {
            uint32_t r = shoal_batch_row(in, i);
            if (!shoal_vector_is_null(&in->columns[c], r)) update_extreme(s, grp[i], &in->columns[c], r);
        }
        break;
    }
}

void shoal_hash_agg_add(shoal_hash_agg *h, const shoal_batch *in)
{
    uint32_t rows = shoal_batch_rows(in);
    if (rows == 0) return;
    assign_groups(h, in, rows);
    if (h->mode != SHOAL_AGG_FINAL) batch_order(h, in, rows);
    int c = h->key_count;
    shoal_type scratch[SHOAL_AGG_MAX_STATES];
    for (int a = 0; a < h->agg_count; a++) {
        agg_state *s = &h->aggs[a];
        if (h->mode == SHOAL_AGG_FINAL) {
            update_from_states(h, s, in, rows, c);
            c += shoal_agg_state_types(&s->spec, scratch);
        } else if (s->spec.merge) {
            update_from_states(h, s, in, rows, s->spec.input);
        } else {
            update_from_rows(h, s, in, rows);
        }
    }
    clear_histogram(h);
}

/* The quotient is taken before scaling up (sum * 10^d could pass int128): q = (sum / count) *
 * 10^d + (sum % count) * 10^d / count, where |sum % count| < 2^63 and d <= 6 keep the second
 * product small. */
bool shoal_decimal_average(shoal_int128 sum, int64_t count, int in_scale, int out_scale, shoal_int128 *out)
{
    shoal_int128 scale = shoal_pow10_i128(out_scale - in_scale), q0 = sum / count, r0 = sum % count, q;
    shoal_int128 num = r0 * scale, q1 = num / count, rem = num % count;
    if (__builtin_mul_overflow(q0, scale, &q) || __builtin_add_overflow(q, q1, &q)) return false;
    if (rem < 0) rem = -rem;
    if (rem * 2 >= count) q += sum < 0 ? -1 : 1;
    shoal_int128 max = shoal_pow10_i128(SHOAL_DECIMAL_MAX_PRECISION) - 1;
    if (q > max || q < -max) return false;
    *out = q;
    return true;
}

/* Sorts a LISTAGG's rows and concatenates each group's values into list_result. */
static bool listagg_finish(shoal_hash_agg *h, agg_state *s, shoal_eval_error *err)
{
    shoal_vector *res = &s->list_result;
    while (res->count < h->group_count) shoal_vector_append_null(res);
    if (s->list_rows == NULL) return true;
    shoal_sorter *rows = s->list_rows;
    shoal_sorter_finish(rows);
    int ncol = s->spec.order_count + 2;
    shoal_batch out;
    shoal_batch_init(&out, ncol, s->list_types, SHOAL_BATCH_ROWS);
    char *buf = shoal_xmalloc(SHOAL_LISTAGG_MAX_BYTES + 1);
    size_t len = 0;
    int64_t cur = -1;
    bool ok = true;
    const char *delim = s->spec.delimiter;
    size_t dlen = s->spec.delimiter_len;
#define LISTAGG_FLUSH()                                                                                \
    do {                                                                                               \
        if (cur >= 0) {                                                                                \
            ((shoal_string *)res->data)[cur] = shoal_vector_add_string(res, buf, (uint32_t)len);       \
            shoal_vector_set_null(res, (uint32_t)cur, false);                                          \
        }                                                                                              \
    } while (0)
    while (ok && shoal_sorter_next(rows, &out)) {
        const int32_t *gid = out.columns[0].data;
        const shoal_string *val = out.columns[ncol - 1].data;
        for (uint32_t i = 0; i < shoal_batch_rows(&out) && ok; i++) {
            uint32_t r = shoal_batch_row(&out, i);
            size_t need = val[r].len;
            if (gid[r] != cur) {
                LISTAGG_FLUSH();
                cur = gid[r];
                len = 0;
            } else {
                need += dlen;
            }
            if (len + need > SHOAL_LISTAGG_MAX_BYTES) {
                ok = shoal_eval_fail(err, "54000", "result size exceeds LISTAGG limit of %d bytes", SHOAL_LISTAGG_MAX_BYTES);
                break;
            }
            if (len > 0 && dlen > 0) memcpy(buf + len, delim, dlen), len += dlen;
            memcpy(buf + len, val[r].ptr, val[r].len);
            len += val[r].len;
        }
    }
    if (ok) LISTAGG_FLUSH();
#undef LISTAGG_FLUSH
    free(buf);
    shoal_batch_free(&out);
    shoal_sorter_free(rows);
    s->list_rows = NULL;
    return ok;
}

bool shoal_hash_agg_finish(shoal_hash_agg *h, shoal_eval_error *err)
{
    if (h->finished) return true;
    h->finished = true;
    if (h->key_count == 0 && h->group_count == 0) { /* no GROUP BY over empty input: one row */
        grow_states(h, 1);
        h->group_count = 1;
    }
    bool final = h->mode != SHOAL_AGG_PARTIAL;
    for (int a = 0; a < h->agg_count; a++) {
        agg_state *s = &h->aggs[a];
        const shoal_agg_spec *sp = &s->spec;
        if (sp->func == SHOAL_AGG_LISTAGG) {
            if (!listagg_finish(h, s, err)) return false;
            continue;
        }
        if ((sp->func != SHOAL_AGG_SUM && sp->func != SHOAL_AGG_AVG) || s->float_sum || !final) continue;
        shoal_type rt = shoal_agg_result_type(sp);
        bool big = rt.id == SHOAL_TYPE_BIGINT;
        shoal_int128 max = big ? (shoal_int128)INT64_MAX : shoal_pow10_i128(SHOAL_DECIMAL_MAX_PRECISION) - 1;
        shoal_int128 min = big ? (shoal_int128)INT64_MIN : -max, avg;
        for (uint32_t g = 0; g < h->group_count; g++) {
            if (s->counts[g] == 0) continue;
            if (s->wide_sum && s->carries[g] != 0) /* |sum| >= 2^127 > 10^38 */
                return shoal_eval_fail(err, "22003", "numeric value out of range: %s",
                                       sp->func == SHOAL_AGG_SUM ? "SUM exceeds the range of DECIMAL(38)"
                                                                 : "the sum under AVG exceeds 128 bits");
            if (sp->func == SHOAL_AGG_SUM && (s->sums[g] > max || s->sums[g] < min))
                return shoal_eval_fail(err, "22003", "numeric value out of range: SUM exceeds the range of %s",
                                       big ? "BIGINT" : "DECIMAL(38)");
            if (sp->func == SHOAL_AGG_AVG && rt.id == SHOAL_TYPE_DECIMAL &&
                !shoal_decimal_average(s->sums[g], s->counts[g], sp->input_type.scale, rt.scale, &avg))
                return shoal_eval_fail(err, "22003", "numeric value out of range: AVG exceeds the range of DECIMAL(38)");
        }
    }
    return true;
}

static void emit_value(const agg_state *s, uint32_t g, shoal_vector *out)
{
    const shoal_agg_spec *sp = &s->spec;
    switch ((shoal_agg_func)sp->func) {
    case SHOAL_AGG_COUNT_STAR:
    case SHOAL_AGG_COUNT:
        shoal_vector_append_i64(out, s->counts[g]);
        return;
    case SHOAL_AGG_SUM:
        if (s->counts[g] == 0) shoal_vector_append_null(out);
        else if (s->float_sum) shoal_vector_append_f64(out, s->float_sums[g]);
        else shoal_vector_append_i128(out, s->sums[g]);
        return;
    case SHOAL_AGG_AVG:
        if (s->counts[g] == 0) shoal_vector_append_null(out);
        else if (s->float_sum) shoal_vector_append_f64(out, s->float_sums[g] / (double)s->counts[g]);
        else if (out->type.id == SHOAL_TYPE_DECIMAL) {
            shoal_int128 avg = 0; /* in range: checked by shoal_hash_agg_finish */
            shoal_decimal_average(s->sums[g], s->counts[g], sp->input_type.scale, out->type.scale, &avg);
            shoal_vector_append_i128(out, avg);
        } else {
            shoal_vector_append_f64(out, (double)s->sums[g] / (double)s->counts[g]);
        }
        return;
    case SHOAL_AGG_LISTAGG:
        shoal_vector_append_from(out, &s->list_result, g);
        return;
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX: {
        const shoal_vector *e = &s->extreme;
        if (g >= e->count || shoal_vector_is_null(e, g)) { shoal_vector_append_null(out); return; }
        switch (s->input_phys) {
        case SHOAL_PHYS_STRING: {
            shoal_string str = ((const shoal_string *)e->data)[g];
            shoal_vector_append_string(out, str.ptr, str.len);
            break;
        }
        case SHOAL_PHYS_I128: shoal_vector_append_i128(out, ((const shoal_int128 *)e->data)[g]); break;
        case SHOAL_PHYS_F32:
        case SHOAL_PHYS_F64: shoal_vector_append_f64(out, shoal_vector_get_f64(e, g)); break;
        default: shoal_vector_append_i64(out, shoal_vector_get_i64(e, g)); break;
        }
        return;
    }
    }
}

bool shoal_hash_agg_next(shoal_hash_agg *h, uint64_t *cursor, shoal_batch *out)
{
    shoal_batch_reset(out);
    if (!h->finished) {
        shoal_eval_error ignored = {0};
        shoal_hash_agg_finish(h, &ignored);
    }
    if (*cursor >= h->group_count) return false;
    uint32_t first = (uint32_t)*cursor;
    uint32_t n = h->group_count - first < SHOAL_BATCH_ROWS ? h->group_count - first : SHOAL_BATCH_ROWS;
    for (uint32_t g = first; g < first + n; g++) {
        int c = 0;
        for (int k = 0; k < h->key_count; k++) shoal_vector_append_from(&out->columns[c++], &h->keys[k], g);
        for (int a = 0; a < h->agg_count; a++) {
            const agg_state *s = &h->aggs[a];
            if (h->mode != SHOAL_AGG_PARTIAL) {
                emit_value(s, g, &out->columns[c++]);
                continue;
            }
            switch ((shoal_agg_func)s->spec.func) {
            case SHOAL_AGG_COUNT_STAR:
            case SHOAL_AGG_COUNT: shoal_vector_append_i64(&out->columns[c++], s->counts[g]); break;
            case SHOAL_AGG_SUM:
            case SHOAL_AGG_AVG:
                if (s->float_sum) shoal_vector_append_f64(&out->columns[c++], s->float_sums[g]);
                else shoal_vector_append_i128(&out->columns[c++], s->sums[g]);
                shoal_vector_append_i64(&out->columns[c++], s->counts[g]);
                if (s->wide_sum) shoal_vector_append_i64(&out->columns[c++], s->carries[g]);
                break;
            case SHOAL_AGG_MIN:
            case SHOAL_AGG_MAX: emit_value(s, g, &out->columns[c++]); break;
            case SHOAL_AGG_LISTAGG: shoal_vector_append_null(&out->columns[c++]); break;
            }
        }
    }
    out->count = n;
    *cursor = first + n;
    return true;
}
