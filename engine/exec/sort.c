/* ORDER BY [LIMIT] and load-time sorting (see sort.h).
 * Rows are appended column-wise with typed bulk copies. A single integer-backed key without
 * NULLs (the common sort key: a date, an id) is sorted by an LSD radix sort of (key, row)
 * pairs — stable, 4 or 8 passes of 8 bits; anything else uses a stable comparison sort.
 * Output is gathered column by column with typed loops. */
#include "engine/exec/sort.h"
#include "runtime/memory.h"

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
        int c = shoal_vector_compare(v, a, v, b);
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

void shoal_sorter_finish(shoal_sorter *s)
{
    s->order = shoal_xmalloc((s->rows ? s->rows : 1) * sizeof(uint32_t));
    for (uint64_t i = 0; i < s->rows; i++) s->order[i] = (uint32_t)i;
    if (!sort_by_radix(s)) qsort_r(s->order, s->rows, sizeof(uint32_t), compare_rows, s);
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
