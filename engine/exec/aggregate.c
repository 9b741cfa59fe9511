/* Hash aggregation (see aggregate.h for the modes, state layout and design). */
#include "engine/exec/aggregate.h"
#include "engine/exec/kernels.h"
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
} agg_state;

struct shoal_hash_agg {
    shoal_agg_mode mode;
    int key_count;
    int *key_columns;
    shoal_vector *keys; /* one value per group per key column */
    int agg_count;
    agg_state *aggs;
    uint32_t *slots;      /* open addressing: group id or EMPTY_SLOT */
    uint64_t *slot_hash;
    uint64_t slot_mask;
    uint32_t group_count, group_cap;
    uint64_t *row_hash;   /* scratch per batch */
    uint32_t *row_group;
    uint32_t scratch_cap;
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
        return 2;
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX:
        types[0] = in;
        return 1;
    }
    return 0;
}

int shoal_hash_agg_output_count(const shoal_hash_agg *agg)
{
    int n = agg->key_count;
    shoal_type scratch[2];
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
        if (aggs[a].func == SHOAL_AGG_MIN || aggs[a].func == SHOAL_AGG_MAX)
            shoal_vector_init(&s->extreme, aggs[a].input_type, 1024);
    }
    h->slot_mask = 1023;
    h->slots = shoal_xmalloc((h->slot_mask + 1) * sizeof(uint32_t));
    h->slot_hash = shoal_xmalloc((h->slot_mask + 1) * sizeof(uint64_t));
    memset(h->slots, 0xff, (h->slot_mask + 1) * sizeof(uint32_t));
    return h;
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
        if (s->spec.func == SHOAL_AGG_MIN || s->spec.func == SHOAL_AGG_MAX) shoal_vector_free(&s->extreme);
    }
    free(h->keys);
    free(h->key_columns);
    free(h->aggs);
    free(h->slots);
    free(h->slot_hash);
    free(h->row_hash);
    free(h->row_group);
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
        }
    }
    h->group_cap = cap;
}

static void rehash(shoal_hash_agg *h)
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

/* Finds or creates the group of every selected row: h->row_group[i]. */
static void assign_groups(shoal_hash_agg *h, const shoal_batch *in, uint32_t rows)
{
    if (h->scratch_cap < rows) {
        h->scratch_cap = rows;
        h->row_hash = shoal_xrealloc(h->row_hash, rows * sizeof(uint64_t));
        h->row_group = shoal_xrealloc(h->row_group, rows * sizeof(uint32_t));
    }
    if (h->key_count == 0) {
        if (h->group_count == 0) {
            grow_states(h, 1);
            h->group_count = 1;
        }
        memset(h->row_group, 0, rows * sizeof(uint32_t));
        return;
    }
    for (int k = 0; k < h->key_count; k++)
        kernel_hash_vector(&in->columns[h->key_columns[k]], in->sel, rows, h->row_hash, k > 0);
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t r = shoal_batch_row(in, i);
        uint64_t hv = h->row_hash[i];
        uint64_t j = hv & h->slot_mask;
        for (;;) {
            uint32_t g = h->slots[j];
            if (g == EMPTY_SLOT) {
                g = h->group_count++;
                grow_states(h, h->group_count);
                for (int k = 0; k < h->key_count; k++) shoal_vector_append_from(&h->keys[k], &in->columns[h->key_columns[k]], r);
                h->slots[j] = g;
                h->slot_hash[j] = hv;
                h->row_group[i] = g;
                if ((uint64_t)h->group_count * 2 > h->slot_mask) rehash(h);
                break;
            }
            if (h->slot_hash[j] == hv) {
                bool same = true;
                for (int k = 0; k < h->key_count && same; k++)
                    same = shoal_vector_compare(&in->columns[h->key_columns[k]], r, &h->keys[k], g) == 0; /* NULLs group together */
                if (same) {
                    h->row_group[i] = g;
                    break;
                }
            }
            j = (j + 1) & h->slot_mask;
        }
    }
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

/* COMPLETE/PARTIAL: one aggregate over input rows. */
static void update_from_rows(shoal_hash_agg *h, agg_state *s, const shoal_batch *in, uint32_t rows)
{
    const uint32_t *grp = h->row_group;
    if (s->spec.func == SHOAL_AGG_COUNT_STAR) {
        for (uint32_t i = 0; i < rows; i++) s->counts[grp[i]]++;
        return;
    }
    const shoal_vector *v = &in->columns[s->spec.input];
    bool nulls = v->validity != NULL;
    switch ((shoal_agg_func)s->spec.func) {
    case SHOAL_AGG_COUNT:
        for (uint32_t i = 0; i < rows; i++) s->counts[grp[i]] += !(nulls && shoal_vector_is_null(v, shoal_batch_row(in, i)));
        break;
    case SHOAL_AGG_SUM:
    case SHOAL_AGG_AVG:
        if (s->float_sum) {
            for (uint32_t i = 0; i < rows; i++) {
                uint32_t r = shoal_batch_row(in, i);
                if (nulls && shoal_vector_is_null(v, r)) continue;
                s->float_sums[grp[i]] += shoal_vector_get_f64(v, r);
                s->counts[grp[i]]++;
            }
        } else if (s->input_phys == SHOAL_PHYS_I64 && !nulls) { /* the common decimal/bigint case */
            const int64_t *x = v->data;
            for (uint32_t i = 0; i < rows; i++) {
                s->sums[grp[i]] += x[shoal_batch_row(in, i)];
                s->counts[grp[i]]++;
            }
        } else {
            for (uint32_t i = 0; i < rows; i++) {
                uint32_t r = shoal_batch_row(in, i);
                if (nulls && shoal_vector_is_null(v, r)) continue;
                s->sums[grp[i]] += shoal_vector_get_i128(v, r);
                s->counts[grp[i]]++;
            }
        }
        break;
    case SHOAL_AGG_MIN:
    case SHOAL_AGG_MAX:
        for (uint32_t i = 0; i < rows; i++) {
            uint32_t r = shoal_batch_row(in, i);
            if (!(nulls && shoal_vector_is_null(v, r))) update_extreme(s, grp[i], v, r);
        }
        break;
    default:
        break;
    }
}

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
            uint32_t r = shoal_batch_row(in, i);
            if (s->float_sum) s->float_sums[grp[i]] += shoal_vector_get_f64(&in->columns[c], r);
            else s->sums[grp[i]] += shoal_vector_get_i128(&in->columns[c], r);
            s->counts[grp[i]] += shoal_vector_get_i64(&in->columns[c + 1], r);
        }
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
    int c = h->key_count;
    shoal_type scratch[2];
    for (int a = 0; a < h->agg_count; a++) {
        agg_state *s = &h->aggs[a];
        if (h->mode == SHOAL_AGG_FINAL) {
            update_from_states(h, s, in, rows, c);
            c += shoal_agg_state_types(&s->spec, scratch);
        } else {
            update_from_rows(h, s, in, rows);
        }
    }
}

/* AVG of a decimal sum: sum / count at the result scale, rounded half away from zero. */
static shoal_int128 decimal_average(shoal_int128 sum, int64_t count, int in_scale, int out_scale)
{
    shoal_int128 num = sum * shoal_pow10_i128(out_scale - in_scale);
    shoal_int128 q = num / count, rem = num % count;
    if (rem < 0) rem = -rem;
    if (rem * 2 >= count) q += num < 0 ? -1 : 1;
    return q;
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
        else if (out->type.id == SHOAL_TYPE_DECIMAL)
            shoal_vector_append_i128(out, decimal_average(s->sums[g], s->counts[g], sp->input_type.scale, out->type.scale));
        else shoal_vector_append_f64(out, (double)s->sums[g] / (double)s->counts[g]);
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
    if (h->key_count == 0 && h->group_count == 0) { /* no GROUP BY over empty input: one row */
        grow_states(h, 1);
        h->group_count = 1;
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
                break;
            case SHOAL_AGG_MIN:
            case SHOAL_AGG_MAX: emit_value(s, g, &out->columns[c++]); break;
            }
        }
    }
    out->count = n;
    *cursor = first + n;
    return true;
}
