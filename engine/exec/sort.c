/* ORDER BY [LIMIT]: gather, sort a permutation, emit (see sort.h). */
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
    for (int c = 0; c < column_count; c++) shoal_vector_init(&s->columns[c], types[c], 1024);
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

void shoal_sorter_add(shoal_sorter *s, const shoal_batch *in)
{
    uint32_t n = shoal_batch_rows(in);
    for (int c = 0; c < s->column_count; c++) {
        shoal_vector_reserve(&s->columns[c], (uint32_t)s->rows + n);
        for (uint32_t i = 0; i < n; i++) shoal_vector_append_from(&s->columns[c], &in->columns[c], shoal_batch_row(in, i));
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

void shoal_sorter_finish(shoal_sorter *s)
{
    s->order = shoal_xmalloc((s->rows ? s->rows : 1) * sizeof(uint32_t));
    for (uint64_t i = 0; i < s->rows; i++) s->order[i] = (uint32_t)i;
    qsort_r(s->order, s->rows, sizeof(uint32_t), compare_rows, s);
    if (s->limit >= 0 && (uint64_t)s->limit < s->rows) s->rows = (uint64_t)s->limit;
    s->emitted = 0;
}

uint64_t shoal_sorter_rows(const shoal_sorter *s) { return s->rows; }

bool shoal_sorter_next(shoal_sorter *s, shoal_batch *out)
{
    shoal_batch_reset(out);
    if (s->emitted >= s->rows) return false;
    uint32_t n = s->rows - s->emitted < SHOAL_BATCH_ROWS ? (uint32_t)(s->rows - s->emitted) : SHOAL_BATCH_ROWS;
    for (int c = 0; c < s->column_count; c++)
        for (uint32_t i = 0; i < n; i++) shoal_vector_append_from(&out->columns[c], &s->columns[c], s->order[s->emitted + i]);
    out->count = n;
    s->emitted += n;
    return true;
}
