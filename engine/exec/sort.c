/* ORDER BY [LIMIT] and load-time sorting (see sort.h).
 * Rows are appended column-wise with typed bulk copies. A single integer-backed key without
 * NULLs (the common sort key: a date, an id) is sorted by an LSD radix sort of (key, row)
 * pairs — stable, as many passes of 8 bits as the key's range needs; anything else through
 * normalized keys (below): an MSD radix sort of byte strings, or a heap for a small top-N.
 * Output is gathered column by column with typed loops. */
#include "engine/exec/sort.h"
#include "runtime/memory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct shoal_sorter {
    int column_count;
    shoal_vector *columns;
    int key_count;
    shoal_sort_key *keys;
    int64_t limit;
    uint32_t *order;
    uint64_t rows, emitted;
};

shoal_sorter *shoal_sorter_create(int column_count, const shoal_type *types, int key_count,
                                  const shoal_sort_key *keys, int64_t limit)
{
    shoal_sorter *s = shoal_xcalloc(1, sizeof *s);
    s->column_count = column_count;
    s->columns = shoal_xcalloc((size_t)column_count + 1, sizeof(shoal_vector));
    for (int c = 0; c < column_count; c++) {
        shoal_vector_init(&s->columns[c], types[c], 1024);
        shoal_arena_reset(&s->columns[c].heap);
        shoal_arena_init(&s->columns[c].heap, 1 << 20); /* big blocks: many strings */
    }
    s->key_count = key_count;
    s->keys = shoal_xcalloc((size_t)key_count + 1, sizeof(shoal_sort_key));
    memcpy(s->keys, keys, (size_t)key_count * sizeof *keys);
    s->limit = limit;
    return s;
}

void shoal_sorter_free(shoal_sorter *s)
{
    if (s == NULL) return;
    for (int c = 0; c < s->column_count; c++) shoal_vector_free(&s->columns[c]);
    free(s->columns);
    free(s->keys);
    free(s->order);
    free(s);
}

/* dst[base + i] = src[rows[i]] (or src[i] when rows is NULL); strings are copied into dst's
 * heap, or, with borrow_strings, point at src's bytes. Validity follows. */
static void gather(shoal_vector *dst, uint32_t base, const shoal_vector *src, const uint32_t *rows, uint32_t n,
                   bool borrow_strings)
{
    shoal_physical phys = shoal_type_physical(src->type);
    char *d = (char *)dst->data;
    const char *sd = (const char *)src->data;
    switch (phys) {
    case SHOAL_PHYS_U8:
        for (uint32_t i = 0; i < n; i++) ((uint8_t *)d)[base + i] = ((const uint8_t *)sd)[rows ? rows[i] : i];
        break;
    case SHOAL_PHYS_I16:
        for (uint32_t i = 0; i < n; i++) ((int16_t *)d)[base + i] = ((const int16_t *)sd)[rows ? rows[i] : i];
        break;
    case SHOAL_PHYS_I32:
    case SHOAL_PHYS_F32:
        if (rows == NULL) memcpy(d + (size_t)base * 4, sd, (size_t)n * 4);
        else for (uint32_t i = 0; i < n; i++) ((int32_t *)d)[base + i] = ((const int32_t *)sd)[rows[i]];
        break;
    case SHOAL_PHYS_I64:
    case SHOAL_PHYS_F64:
        if (rows == NULL) memcpy(d + (size_t)base * 8, sd, (size_t)n * 8);
        else for (uint32_t i = 0; i < n; i++) ((int64_t *)d)[base + i] = ((const int64_t *)sd)[rows[i]];
        break;
    case SHOAL_PHYS_I128:
        for (uint32_t i = 0; i < n; i++) ((shoal_int128 *)d)[base + i] = ((const shoal_int128 *)sd)[rows ? rows[i] : i];
        break;
    case SHOAL_PHYS_STRING:
        if (borrow_strings) {
            for (uint32_t i = 0; i < n; i++) ((shoal_string *)d)[base + i] = ((const shoal_string *)sd)[rows ? rows[i] : i];
            break;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = rows ? rows[i] : i;
            shoal_string x = shoal_vector_is_null(src, r) ? (shoal_string){"", 0} : ((const shoal_string *)sd)[r];
            ((shoal_string *)d)[base + i] = shoal_vector_add_string(dst, x.ptr, x.len);
        }
        break;
    }
    if (src->validity)
        for (uint32_t i = 0; i < n; i++)
            if (shoal_vector_is_null(src, rows ? rows[i] : i)) shoal_vector_set_null(dst, base + i, true);
}

void shoal_sorter_add(shoal_sorter *s, const shoal_batch *in)
{
    uint32_t n = shoal_batch_rows(in);
    if (n == 0) return;
    uint32_t base = (uint32_t)s->rows;
    for (int c = 0; c < s->column_count; c++) {
        shoal_vector *v = &s->columns[c];
        shoal_vector_reserve(v, base + n);
        gather(v, base, &in->columns[c], in->sel, n, false);
        v->count = base + n;
    }
    s->rows += n;
}

/* One key's values at rows a and b, both non-NULL: <0, 0, >0. As shoal_vector_compare, except
 * that REAL/DOUBLE order NaN above every number and equal to NaN (a total order, as
 * PostgreSQL; -0.0 equals 0.0). */
static int compare_values(const shoal_vector *v, uint32_t a, uint32_t b)
{
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: {
        double x = shoal_vector_get_f64(v, a), y = shoal_vector_get_f64(v, b);
        bool xn = isnan(x), yn = isnan(y);
        if (xn || yn) return xn - yn;
        return (x > y) - (x < y);
    }
    default:
        return shoal_vector_compare(v, a, v, b);
    }
}

static int compare_rows(const void *pa, const void *pb, void *arg)
{
    const shoal_sorter *s = arg;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    for (int k = 0; k < s->key_count; k++) {
        const shoal_sort_key *key = &s->keys[k];
        const shoal_vector *v = &s->columns[key->column];
        bool an = shoal_vector_is_null(v, a), bn = shoal_vector_is_null(v, b);
        if (an || bn) { /* NULL placement depends on nulls_first only, not on the direction */
            if (an && bn) continue;
            return (an ? 1 : -1) * (key->nulls_first ? -1 : 1);
        }
        int c = compare_values(v, a, b);
        if (c) return key->descending ? -c : c;
    }
    return (a > b) - (a < b); /* stable */
}

/* LSD radix sort of rows by an unsigned key (signed keys biased by the caller). */
static void radix_sort(uint64_t *keys, uint32_t *rows, uint64_t n, int bytes)
{
    uint64_t *k2 = shoal_xmalloc(n * sizeof(uint64_t));
    uint32_t *r2 = shoal_xmalloc(n * sizeof(uint32_t));
    for (int pass = 0; pass < bytes; pass++) {
        int shift = pass * 8;
        uint64_t count[257] = {0};
        for (uint64_t i = 0; i < n; i++) count[((keys[i] >> shift) & 0xff) + 1]++;
        if (count[1] == n || (count[((keys[0] >> shift) & 0xff) + 1] == n)) continue; /* one bucket: skip */
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (uint64_t i = 0; i < n; i++) {
            uint64_t pos = count[(keys[i] >> shift) & 0xff]++;
            k2[pos] = keys[i];
            r2[pos] = rows[i];
        }
        memcpy(keys, k2, n * sizeof(uint64_t));
        memcpy(rows, r2, n * sizeof(uint32_t));
    }
    free(k2);
    free(r2);
}

/* The radix path: one key, integer-backed (up to 64 bits), no NULLs. */
static bool sort_by_radix(shoal_sorter *s)
{
    if (s->key_count != 1) return false;
    const shoal_vector *v = &s->columns[s->keys[0].column];
    shoal_physical phys = shoal_type_physical(v->type);
    if (v->validity || !(phys == SHOAL_PHYS_I32 || phys == SHOAL_PHYS_I64 || phys == SHOAL_PHYS_I16)) return false;
    uint64_t n = s->rows;
    uint64_t *keys = shoal_xmalloc((n ? n : 1) * sizeof(uint64_t));
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (uint64_t i = 0; i < n; i++) {
        int64_t x = phys == SHOAL_PHYS_I32 ? ((const int32_t *)v->data)[i]
                  : phys == SHOAL_PHYS_I64 ? ((const int64_t *)v->data)[i] : ((const int16_t *)v->data)[i];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        keys[i] = (uint64_t)x;
    }
    /* keys relative to the minimum: as few byte passes as the range needs */
    uint64_t range = n ? (uint64_t)hi - (uint64_t)lo : 0;
    int bytes = 0;
    while (bytes < 8 && (range >> (8 * bytes)) != 0) bytes++;
    bool desc = s->keys[0].descending;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = keys[i] - (uint64_t)lo;
        keys[i] = desc ? range - k : k;
    }
    radix_sort(keys, s->order, n, bytes);
    free(keys);
    return true;
}

/* ---- normalized keys ----
 * Each row's keys become one byte string of at most NK_MAX bytes that memcmp orders as the
 * comparator does: per key an optional NULL byte (only for a column with NULLs: 0 for NULL
 * with NULLS FIRST, 2 for NULL with NULLS LAST, 1 otherwise; never inverted), then the value
 * big-endian made order-preserving (integers with the sign bit flipped, floats by the IEEE
 * trick with -0.0 as 0.0 and every NaN as one NaN above +inf, strings as a zero-padded
 * prefix after the bytes that every value of the column shares), every value byte inverted
 * for DESC; a NULL's value bytes are zeros. A string key
 * whose longest value fits its prefix adds a length byte and is exact; otherwise a prefix tie
 * is decided by compare_rows, as are keys past the NK_MAX budget. Where the encoding is exact
 * (every key covered exactly) equal byte strings are equal keys and the row number decides.
 * An entry is the key bytes then the row number (uint32), padded to a multiple of 8 bytes. */
enum { NK_MAX = 32, NK_SMALL = 32 };

typedef struct nk_key {
    int key;          /* index into s->keys */
    uint32_t offset;  /* of the NULL byte, or of the value when there is none */
    bool null_byte;
    uint32_t width;   /* value bytes */
    bool with_length; /* strings: a length byte after `width` content bytes */
    uint32_t skip;    /* strings: the prefix every non-NULL value shares, left out */
} nk_key;

typedef struct nk_plan {
    const shoal_sorter *s;
    nk_key parts[NK_MAX];
    int part_count;
    uint32_t key_bytes, stride;
    bool exact;
} nk_plan;

static uint32_t phys_width(shoal_physical p)
{
    switch (p) {
    case SHOAL_PHYS_U8: return 1;
    case SHOAL_PHYS_I16: return 2;
    case SHOAL_PHYS_I32: case SHOAL_PHYS_F32: return 4;
    case SHOAL_PHYS_I64: case SHOAL_PHYS_F64: return 8;
    case SHOAL_PHYS_I128: return 16;
    default: return 0;
    }
}

static void nk_plan_make(const shoal_sorter *s, nk_plan *p)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    p->exact = true;
    uint32_t used = 0;
    for (int k = 0; k < s->key_count; k++) {
        const shoal_vector *v = &s->columns[s->keys[k].column];
        shoal_physical phys = shoal_type_physical(v->type);
        uint32_t nb = v->validity ? 1 : 0;
        nk_key part = {k, used, nb != 0, 0, false, 0};
        if (phys != SHOAL_PHYS_STRING) {
            part.width = phys_width(phys);
            if (used + nb + part.width > NK_MAX) { p->exact = false; break; }
        } else {
            /* the budget left after the fixed-width keys that follow (when that leaves a useful prefix) */
            uint32_t later = 0;
            for (int j = k + 1; j < s->key_count; j++) {
                const shoal_vector *w = &s->columns[s->keys[j].column];
                uint32_t wd = phys_width(shoal_type_physical(w->type));
                if (wd == 0) break;
                later += wd + (w->validity ? 1 : 0);
            }
            uint32_t avail = NK_MAX - used - nb;
            if (used + nb >= NK_MAX || avail < 2) { p->exact = false; break; }
            if (avail > later && avail - later >= 8) avail -= later;
            /* the longest value and the prefix all values share (compared after it) */
            uint32_t longest = 0, lcp = UINT32_MAX;
            const shoal_string *str = v->data, *first = NULL;
            for (uint32_t i = 0; i < v->count; i++) {
                if (shoal_vector_is_null(v, i)) continue;
                if (str[i].len > longest) longest = str[i].len;
                if (first == NULL) {
                    first = &str[i];
                    lcp = str[i].len;
                    continue;
                }
                if (lcp > str[i].len) lcp = str[i].len;
                uint32_t j = 0;
                while (j < lcp && str[i].ptr[j] == first->ptr[j]) j++;
                lcp = j;
            }
            part.skip = first ? lcp : 0;
            longest -= part.skip;
            if (longest + 1 <= avail) {
                part.width = longest;
                part.with_length = true;
            } else {
                part.width = avail;
                p->exact = false;
            }
        }
        p->parts[p->part_count++] = part;
        used += nb + part.width + (part.with_length ? 1 : 0);
        if (!p->exact) break;
    }
    p->key_bytes = used;
    p->stride = (used + 4 + 7) & ~7u;
}

#define NK_STORE_BE(T, BSWAP, dst, u) do { T be_ = BSWAP(u); memcpy((dst), &be_, sizeof be_); } while (0)

/* Encodes rows [r0, r0 + n) into entries dst[0 .. n) (stride p->stride), row numbers included. */
static void nk_encode(const nk_plan *p, uint32_t r0, uint32_t n, uint8_t *dst)
{
    const shoal_sorter *s = p->s;
    size_t st = p->stride;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t be = __builtin_bswap32(r0 + i); /* the row number, big-endian (nk_row) */
        memset(dst + i * st, 0, st);
        memcpy(dst + i * st + p->key_bytes, &be, 4);
    }
    for (int q = 0; q < p->part_count; q++) {
        const nk_key *part = &p->parts[q];
        const shoal_sort_key *key = &s->keys[part->key];
        const shoal_vector *v = &s->columns[key->column];
        uint8_t *base = dst + part->offset;
        uint32_t voff = part->null_byte ? 1 : 0;
        bool desc = key->descending;
        const uint8_t null_code = key->nulls_first ? 0 : 2;
        switch (shoal_type_physical(v->type)) {
        case SHOAL_PHYS_U8: {
            const uint8_t *x = (const uint8_t *)v->data + r0;
            uint8_t inv = desc ? 0xff : 0;
            for (uint32_t i = 0; i < n; i++) base[i * st + voff] = x[i] ^ inv;
            break;
        }
        case SHOAL_PHYS_I16: {
            const int16_t *x = (const int16_t *)v->data + r0;
            uint16_t inv = desc ? 0xffff : 0;
            for (uint32_t i = 0; i < n; i++) {
                uint16_t u = (uint16_t)(((uint16_t)x[i] ^ 0x8000u) ^ inv);
                NK_STORE_BE(uint16_t, __builtin_bswap16, base + i * st + voff, u);
            }
            break;
        }
        case SHOAL_PHYS_I32: {
            const int32_t *x = (const int32_t *)v->data + r0;
            uint32_t inv = desc ? 0xffffffffu : 0;
            for (uint32_t i = 0; i < n; i++) {
                uint32_t u = ((uint32_t)x[i] ^ 0x80000000u) ^ inv;
                NK_STORE_BE(uint32_t, __builtin_bswap32, base + i * st + voff, u);
            }
            break;
        }
        case SHOAL_PHYS_I64: {
            const int64_t *x = (const int64_t *)v->data + r0;
            uint64_t inv = desc ? ~0ull : 0;
            for (uint32_t i = 0; i < n; i++) {
                uint64_t u = ((uint64_t)x[i] ^ 0x8000000000000000ull) ^ inv;
                NK_STORE_BE(uint64_t, __builtin_bswap64, base + i * st + voff, u);
            }
            break;
        }
        case SHOAL_PHYS_I128: {
            const shoal_int128 *x = (const shoal_int128 *)v->data + r0;
            uint64_t inv = desc ? ~0ull : 0;
            for (uint32_t i = 0; i < n; i++) {
                unsigned __int128 ux = (unsigned __int128)x[i];
                uint64_t hi = ((uint64_t)(ux >> 64) ^ 0x8000000000000000ull) ^ inv, lo = (uint64_t)ux ^ inv;
                NK_STORE_BE(uint64_t, __builtin_bswap64, base + i * st + voff, hi);
                NK_STORE_BE(uint64_t, __builtin_bswap64, base + i * st + voff + 8, lo);
            }
            break;
        }
        case SHOAL_PHYS_F32: {
            const float *x = (const float *)v->data + r0;
            uint32_t inv = desc ? 0xffffffffu : 0;
            for (uint32_t i = 0; i < n; i++) {
                float f = x[i];
                uint32_t b;
                if (isnan(f)) b = 0x7fc00000u;
                else {
                    if (f == 0) f = 0;
                    memcpy(&b, &f, 4);
                }
                uint32_t u = ((b >> 31) ? ~b : (b | 0x80000000u)) ^ inv;
                NK_STORE_BE(uint32_t, __builtin_bswap32, base + i * st + voff, u);
            }
            break;
        }
        case SHOAL_PHYS_F64: {
            const double *x = (const double *)v->data + r0;
            uint64_t inv = desc ? ~0ull : 0;
            for (uint32_t i = 0; i < n; i++) {
                double f = x[i];
                uint64_t b;
                if (isnan(f)) b = 0x7ff8000000000000ull;
                else {
                    if (f == 0) f = 0;
                    memcpy(&b, &f, 8);
                }
                uint64_t u = ((b >> 63) ? ~b : (b | 0x8000000000000000ull)) ^ inv;
                NK_STORE_BE(uint64_t, __builtin_bswap64, base + i * st + voff, u);
            }
            break;
        }
        case SHOAL_PHYS_STRING: {
            const shoal_string *x = (const shoal_string *)v->data + r0;
            uint32_t w = part->width;
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *d = base + i * st + voff;
                if (shoal_vector_is_null(v, r0 + i)) continue; /* zeros */
                uint32_t len = x[i].len - part->skip, c = len < w ? len : w;
                if (c) memcpy(d, x[i].ptr + part->skip, c);
                if (part->with_length) d[w] = (uint8_t)len;
                if (desc)
                    for (uint32_t j = 0; j < w + (part->with_length ? 1 : 0); j++) d[j] = (uint8_t)~d[j];
            }
            break;
        }
        }
        if (v->validity) {
            uint32_t vw = part->width + (part->with_length ? 1 : 0);
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *d = base + i * st;
                if (shoal_vector_is_null(v, r0 + i)) {
                    d[0] = null_code;
                    memset(d + 1, 0, vw);
                } else {
                    d[0] = 1;
                }
            }
        }
    }
}

/* The row number sits big-endian after the key bytes, so that an exact encoding compares as
 * one byte string (key, row), 8 bytes at a time. */
static inline uint32_t nk_row(const nk_plan *p, const uint8_t *e)
{
    uint32_t r;
    memcpy(&r, e + p->key_bytes, 4);
    return __builtin_bswap32(r);
}

static inline void nk_set_row(const nk_plan *p, uint8_t *e, uint32_t row)
{
    uint32_t be = __builtin_bswap32(row);
    memcpy(e + p->key_bytes, &be, 4);
}

/* The full order of two entries: key bytes from `from` on (those before are equal), then the
 * comparator where the encoding is not exact, then the row number. */
static inline int nk_compare(const nk_plan *p, const uint8_t *a, const uint8_t *b, uint32_t from)
{
    if (p->exact) { /* (key, row, zero padding) as big-endian words */
        for (uint32_t w = from & ~7u; w < p->stride; w += 8) {
            uint64_t x, y;
            memcpy(&x, a + w, 8);
            memcpy(&y, b + w, 8);
            if (x != y) {
                x = __builtin_bswap64(x);
                y = __builtin_bswap64(y);
                return x < y ? -1 : 1;
            }
        }
        return 0;
    }
    int c = memcmp(a + from, b + from, p->key_bytes - from);
    if (c) return c;
    uint32_t ra = nk_row(p, a), rb = nk_row(p, b);
    if (p->exact) return (ra > rb) - (ra < rb);
    return compare_rows(&ra, &rb, (void *)p->s);
}

static inline void nk_copy(uint8_t *d, const uint8_t *src, uint32_t stride)
{
    for (uint32_t w = 0; w < stride; w += 8) memcpy(d + w, src + w, 8);
}

static void nk_insertion_sort(const nk_plan *p, uint8_t *a, size_t n, uint32_t depth)
{
    uint32_t st = p->stride;
    uint8_t tmp[NK_MAX + 16];
    for (size_t i = 1; i < n; i++) {
        if (nk_compare(p, a + (i - 1) * st, a + i * st, depth) <= 0) continue;
        nk_copy(tmp, a + i * st, st);
        size_t j = i;
        do {
            nk_copy(a + j * st, a + (j - 1) * st, st);
            j--;
        } while (j > 0 && nk_compare(p, a + (j - 1) * st, tmp, depth) > 0);
        nk_copy(a + j * st, tmp, st);
    }
}

static int compare_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Entries with equal key bytes: by row number, or by the comparator where not exact. */
static void nk_tie_sort(const nk_plan *p, uint8_t *a, size_t n)
{
    uint32_t st = p->stride;
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++) sorted = nk_row(p, a + (i - 1) * st) < nk_row(p, a + i * st);
    if (sorted && p->exact) return;
    uint32_t *rows = shoal_xmalloc(n * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) rows[i] = nk_row(p, a + i * st);
    if (!sorted) qsort(rows, n, sizeof(uint32_t), compare_u32);
    if (!p->exact) qsort_r(rows, n, sizeof(uint32_t), compare_rows, (void *)p->s);
    for (size_t i = 0; i < n; i++) nk_set_row(p, a + i * st, rows[i]);
    free(rows);
}

/* MSD radix sort of the n entries at src on key byte `depth` on, stable. The sorted entries
 * end at src, or with to_other at other (a scratch area as large); buckets ping-pong between
 * the two, so nothing is copied back after a scatter. */
static void nk_msd(const nk_plan *p, uint8_t *src, uint8_t *other, size_t n, uint32_t depth, bool to_other)
{
    uint32_t st = p->stride;
    for (;;) {
        if (n <= NK_SMALL || depth >= p->key_bytes) {
            if (depth >= p->key_bytes) nk_tie_sort(p, src, n);
            else nk_insertion_sort(p, src, n, depth);
            if (to_other) memcpy(other, src, n * st);
            return;
        }
        size_t count[256] = {0};
        for (size_t i = 0; i < n; i++) count[src[i * st + depth]]++;
        if (count[src[depth]] == n) { depth++; continue; } /* one bucket: next byte */
        size_t pos[256], sum = 0;
        for (int b = 0; b < 256; b++) {
            pos[b] = sum;
            sum += count[b];
        }
#define NK_SCATTER(ST)                                                                              \
        for (size_t i = 0; i < n; i++) {                                                           \
            const uint8_t *e = src + i * (ST);                                                     \
            nk_copy(other + pos[e[depth]]++ * (ST), e, (ST));                                      \
        }
        switch (st) {
        case 8: NK_SCATTER(8) break;
        case 16: NK_SCATTER(16) break;
        case 24: NK_SCATTER(24) break;
        case 32: NK_SCATTER(32) break;
        case 40: NK_SCATTER(40) break;
        default: NK_SCATTER(st) break;
        }
#undef NK_SCATTER
        /* the data is now in `other`; each bucket goes back to src unless src's copy was the
         * target's other side */
        size_t off = 0;
        for (int b = 0; b < 256; b++) {
            if (count[b]) nk_msd(p, other + off * st, src + off * st, count[b], depth + 1, !to_other);
            off += count[b];
        }
        return;
    }
}

/* Sift-down in a max-heap of m entries. */
static void nk_sift_down(const nk_plan *p, uint8_t *h, size_t m, size_t i, uint8_t *tmp)
{
    uint32_t st = p->stride;
    nk_copy(tmp, h + i * st, st);
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= m) break;
        if (c + 1 < m && nk_compare(p, h + (c + 1) * st, h + c * st, 0) > 0) c++;
        if (nk_compare(p, h + c * st, tmp, 0) <= 0) break;
        nk_copy(h + i * st, h + c * st, st);
        i = c;
    }
    nk_copy(h + i * st, tmp, st);
}

/* Sorts s->order[0 .. n) (or its first `limit` rows for top-N) through normalized keys. */
static void sort_by_normalized_keys(shoal_sorter *s)
{
    nk_plan p;
    nk_plan_make(s, &p);
    uint64_t n = s->rows;
    uint32_t st = p.stride;
    bool top = s->limit >= 0 && (uint64_t)s->limit < n && ((uint64_t)s->limit <= 4096 || (uint64_t)s->limit * 16 <= n);
    if (top) {
        size_t m = (size_t)s->limit, filled = 0;
        if (m == 0) return;
        uint8_t *heap = shoal_xmalloc(m * st);
        uint8_t *chunk = shoal_xmalloc((size_t)SHOAL_BATCH_ROWS * st);
        uint8_t tmp[NK_MAX + 16];
        for (uint64_t r0 = 0; r0 < n; r0 += SHOAL_BATCH_ROWS) {
            uint32_t c = n - r0 < SHOAL_BATCH_ROWS ? (uint32_t)(n - r0) : SHOAL_BATCH_ROWS;
            nk_encode(&p, (uint32_t)r0, c, chunk);
            uint32_t i = 0;
            for (; i < c && filled < m; i++) { /* fill, then heapify */
                nk_copy(heap + filled * st, chunk + (size_t)i * st, st);
                if (++filled == m)
                    for (size_t j = m / 2; j-- > 0;) nk_sift_down(&p, heap, m, j, tmp);
            }
            for (; i < c; i++) {
                const uint8_t *e = chunk + (size_t)i * st;
                if (nk_compare(&p, e, heap, 0) >= 0) continue;
                nk_copy(heap, e, st);
                nk_sift_down(&p, heap, m, 0, tmp);
            }
        }
        uint8_t *scratch = shoal_xmalloc(m * st);
        nk_msd(&p, heap, scratch, m, 0, false);
        for (size_t i = 0; i < m; i++) s->order[i] = nk_row(&p, heap + i * st);
        free(scratch);
        free(chunk);
        free(heap);
        return;
    }
    uint8_t *e = shoal_xmalloc((n ? n : 1) * st);
    uint8_t *scratch = shoal_xmalloc((n ? n : 1) * st);
    /* while a chunk is in cache, OR together how every entry's key words differ from the
     * first entry's: the radix sort starts at the first byte that is not the same everywhere
     * (leading NULL bytes of columns without NULLs, the high bytes of small integers, a
     * common string prefix), without a histogram pass over all rows per constant byte */
    uint64_t diff[NK_MAX / 8 + 1] = {0}, first[NK_MAX / 8 + 1] = {0};
    uint32_t key_words = (p.key_bytes + 7) / 8;
    for (uint64_t r0 = 0; r0 < n; r0 += SHOAL_BATCH_ROWS) {
        uint32_t c = n - r0 < SHOAL_BATCH_ROWS ? (uint32_t)(n - r0) : SHOAL_BATCH_ROWS;
        uint8_t *chunk = e + r0 * st;
        nk_encode(&p, (uint32_t)r0, c, chunk);
        if (r0 == 0) memcpy(first, chunk, key_words * 8);
        for (uint32_t w = 0; w < key_words; w++) {
            uint64_t d = 0;
            for (uint32_t i = 0; i < c; i++) {
                uint64_t x;
                memcpy(&x, chunk + (size_t)i * st + w * 8, 8);
                d |= x ^ first[w];
            }
            diff[w] |= d;
        }
    }
    uint32_t depth = 0;
    while (depth < p.key_bytes && ((const uint8_t *)diff)[depth] == 0) depth++;
    nk_msd(&p, e, scratch, n, depth, false);
    for (uint64_t i = 0; i < n; i++) s->order[i] = nk_row(&p, e + i * st);
    free(scratch);
    free(e);
}

void shoal_sorter_finish(shoal_sorter *s)
{
    s->order = shoal_xmalloc((s->rows ? s->rows : 1) * sizeof(uint32_t));
    for (uint64_t i = 0; i < s->rows; i++) s->order[i] = (uint32_t)i;
    if (!sort_by_radix(s)) sort_by_normalized_keys(s);
    if (s->limit >= 0 && (uint64_t)s->limit < s->rows) s->rows = (uint64_t)s->limit;
    s->emitted = 0;
}

uint64_t shoal_sorter_rows(const shoal_sorter *s) { return s->rows; }

bool shoal_sorter_next(shoal_sorter *s, shoal_batch *out)
{
    shoal_batch_reset(out);
    if (s->emitted >= s->rows) return false;
    uint32_t n = s->rows - s->emitted < SHOAL_BATCH_ROWS ? (uint32_t)(s->rows - s->emitted) : SHOAL_BATCH_ROWS;
    const uint32_t *rows = s->order + s->emitted;
    for (int c = 0; c < s->column_count; c++) {
        shoal_vector *v = &out->columns[c];
        shoal_vector_reserve(v, n);
        gather(v, 0, &s->columns[c], rows, n, true); /* the sorter's own bytes: no copy */
        v->count = n;
    }
    out->count = n;
    s->emitted += n;
    return true;
}
