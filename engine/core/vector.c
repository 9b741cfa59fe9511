/* Column vectors and batches (see vector.h). */
#include "engine/core/vector.h"
#include "runtime/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t validity_words(uint32_t capacity) { return ((size_t)capacity + 63) / 64; }

void shoal_vector_init(shoal_vector *v, shoal_type type, uint32_t capacity)
{
    memset(v, 0, sizeof *v);
    v->type = type;
    shoal_arena_init(&v->heap, 16 * 1024);
    shoal_vector_reserve(v, capacity ? capacity : 16);
}

void shoal_vector_free(shoal_vector *v)
{
    if (!v->borrowed) free(v->data);
    free(v->validity);
    shoal_arena_reset(&v->heap);
    memset(v, 0, sizeof *v);
}

void shoal_vector_reset(shoal_vector *v)
{
    v->count = 0;
    free(v->validity);
    v->validity = NULL;
    shoal_arena_rewind(&v->heap);
    if (v->borrowed) { /* writes after a reset must not land in the lender's memory */
        v->data = NULL;
        v->capacity = 0;
        v->borrowed = false;
    }
}

void shoal_vector_borrow(shoal_vector *v, void *data, uint32_t count)
{
    if (!v->borrowed) free(v->data);
    free(v->validity);
    v->validity = NULL;
    v->data = data;
    v->count = v->capacity = count;
    v->borrowed = true;
}

void shoal_vector_reserve(shoal_vector *v, uint32_t capacity)
{
    if (capacity <= v->capacity) return;
    uint32_t cap = v->capacity ? v->capacity : 16;
    while (cap < capacity) cap *= 2;
    size_t width = shoal_type_size(v->type);
    if (v->borrowed) { /* the values into memory of the vector's own */
        void *own = shoal_xmalloc((size_t)cap * width);
        if (v->count) memcpy(own, v->data, (size_t)v->count * width);
        v->data = own;
        v->borrowed = false;
    } else {
        v->data = shoal_xrealloc(v->data, (size_t)cap * width);
    }
    if (v->validity) {
        size_t old = validity_words(v->capacity), now = validity_words(cap);
        v->validity = shoal_xrealloc(v->validity, now * sizeof(uint64_t));
        memset(v->validity + old, 0xff, (now - old) * sizeof(uint64_t));
    }
    v->capacity = cap;
}

void shoal_vector_set_null(shoal_vector *v, uint32_t row, bool is_null)
{
    if (!v->validity) {
        if (!is_null) return;
        size_t words = validity_words(v->capacity);
        v->validity = shoal_xmalloc(words * sizeof(uint64_t));
        memset(v->validity, 0xff, words * sizeof(uint64_t));
    }
    if (is_null) v->validity[row >> 6] &= ~(1ull << (row & 63));
    else v->validity[row >> 6] |= 1ull << (row & 63);
}

shoal_string shoal_vector_add_string(shoal_vector *v, const char *s, uint32_t len)
{
    char *p = shoal_arena_alloc(&v->heap, len ? len : 1);
    if (len) memcpy(p, s, len);
    return (shoal_string){p, len};
}

static uint32_t append_slot(shoal_vector *v)
{
    if (v->count == v->capacity) shoal_vector_reserve(v, v->count + 1);
    return v->count++;
}

void shoal_vector_append_null(shoal_vector *v)
{
    uint32_t row = append_slot(v);
    memset((char *)v->data + (size_t)row * shoal_type_size(v->type), 0, shoal_type_size(v->type));
    shoal_vector_set_null(v, row, true);
}

void shoal_vector_append_i64(shoal_vector *v, int64_t x)
{
    uint32_t row = append_slot(v);
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: ((uint8_t *)v->data)[row] = (uint8_t)x; break;
    case SHOAL_PHYS_I16: ((int16_t *)v->data)[row] = (int16_t)x; break;
    case SHOAL_PHYS_I32: ((int32_t *)v->data)[row] = (int32_t)x; break;
    case SHOAL_PHYS_I64: ((int64_t *)v->data)[row] = x; break;
    case SHOAL_PHYS_I128: ((shoal_int128 *)v->data)[row] = x; break;
    case SHOAL_PHYS_F32: ((float *)v->data)[row] = (float)x; break;
    case SHOAL_PHYS_F64: ((double *)v->data)[row] = (double)x; break;
    case SHOAL_PHYS_STRING: shoal_fatal("append_i64 on a string vector");
    }
}

void shoal_vector_append_i128(shoal_vector *v, shoal_int128 x)
{
    if (shoal_type_physical(v->type) != SHOAL_PHYS_I128) {
        shoal_vector_append_i64(v, (int64_t)x);
        return;
    }
    uint32_t row = append_slot(v);
    ((shoal_int128 *)v->data)[row] = x;
}

void shoal_vector_append_f64(shoal_vector *v, double x)
{
    uint32_t row = append_slot(v);
    if (shoal_type_physical(v->type) == SHOAL_PHYS_F32) ((float *)v->data)[row] = (float)x;
    else if (shoal_type_physical(v->type) == SHOAL_PHYS_F64) ((double *)v->data)[row] = x;
    else shoal_fatal("append_f64 on a non-floating vector");
}

void shoal_vector_append_string(shoal_vector *v, const char *s, uint32_t len)
{
    shoal_string str = shoal_vector_add_string(v, s, len);
    uint32_t row = append_slot(v);
    ((shoal_string *)v->data)[row] = str;
}

int64_t shoal_vector_get_i64(const shoal_vector *v, uint32_t row)
{
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: return ((const uint8_t *)v->data)[row];
    case SHOAL_PHYS_I16: return ((const int16_t *)v->data)[row];
    case SHOAL_PHYS_I32: return ((const int32_t *)v->data)[row];
    case SHOAL_PHYS_I64: return ((const int64_t *)v->data)[row];
    case SHOAL_PHYS_I128: return (int64_t)((const shoal_int128 *)v->data)[row];
    case SHOAL_PHYS_F32: return (int64_t)((const float *)v->data)[row];
    case SHOAL_PHYS_F64: return (int64_t)((const double *)v->data)[row];
    default: shoal_fatal("get_i64 on a string vector");
    }
}

shoal_int128 shoal_vector_get_i128(const shoal_vector *v, uint32_t row)
{
    if (shoal_type_physical(v->type) == SHOAL_PHYS_I128) return ((const shoal_int128 *)v->data)[row];
    return shoal_vector_get_i64(v, row);
}

double shoal_vector_get_f64(const shoal_vector *v, uint32_t row)
{
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_F32: return ((const float *)v->data)[row];
    case SHOAL_PHYS_F64: return ((const double *)v->data)[row];
    case SHOAL_PHYS_I128: {
        double x = (double)((const shoal_int128 *)v->data)[row];
        return v->type.id == SHOAL_TYPE_DECIMAL ? x / (double)shoal_pow10_i128(v->type.scale) : x;
    }
    default: {
        double x = (double)shoal_vector_get_i64(v, row);
        return v->type.id == SHOAL_TYPE_DECIMAL ? x / (double)shoal_pow10_i128(v->type.scale) : x;
    }
    }
}

int shoal_vector_format(const shoal_vector *v, uint32_t row, char *buf, size_t size)
{
    char tmp[64];
    int n;
    switch ((shoal_type_id)v->type.id) {
    case SHOAL_TYPE_BOOLEAN: n = sprintf(tmp, "%s", ((const uint8_t *)v->data)[row] ? "t" : "f"); break;
    case SHOAL_TYPE_DECIMAL: n = shoal_format_decimal(shoal_vector_get_i128(v, row), v->type.scale, tmp); break;
    case SHOAL_TYPE_REAL: n = shoal_format_float(((const float *)v->data)[row], tmp); break;
    case SHOAL_TYPE_DOUBLE: n = shoal_format_double(shoal_vector_get_f64(v, row), tmp); break;
    case SHOAL_TYPE_DATE: n = shoal_format_date(((const int32_t *)v->data)[row], tmp); break;
    case SHOAL_TYPE_TIMESTAMP: n = shoal_format_timestamp(((const int64_t *)v->data)[row], tmp); break;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR: {
        shoal_string s = ((const shoal_string *)v->data)[row];
        return snprintf(buf, size, "%.*s", (int)s.len, s.ptr);
    }
    default: n = shoal_format_int64(shoal_vector_get_i64(v, row), tmp); break;
    }
    snprintf(buf, size, "%s", tmp);
    return n;
}

void shoal_vector_append_from(shoal_vector *dst, const shoal_vector *src, uint32_t r)
{
    if (shoal_vector_is_null(src, r)) {
        shoal_vector_append_null(dst);
        return;
    }
    switch (shoal_type_physical(src->type)) {
    case SHOAL_PHYS_STRING: {
        shoal_string s = ((const shoal_string *)src->data)[r];
        shoal_vector_append_string(dst, s.ptr, s.len);
        break;
    }
    case SHOAL_PHYS_I128: shoal_vector_append_i128(dst, ((const shoal_int128 *)src->data)[r]); break;
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: shoal_vector_append_f64(dst, shoal_vector_get_f64(src, r)); break;
    default: shoal_vector_append_i64(dst, shoal_vector_get_i64(src, r)); break;
    }
}

int shoal_vector_compare(const shoal_vector *x, uint32_t a, const shoal_vector *y, uint32_t b)
{
    bool xn = shoal_vector_is_null(x, a), yn = shoal_vector_is_null(y, b);
    if (xn || yn) return xn - yn;
    switch (shoal_type_physical(x->type)) {
    case SHOAL_PHYS_STRING: {
        shoal_string s = ((const shoal_string *)x->data)[a], t = ((const shoal_string *)y->data)[b];
        uint32_t n = s.len < t.len ? s.len : t.len;
        int c = memcmp(s.ptr, t.ptr, n);
        return c ? (c > 0) - (c < 0) : (s.len > t.len) - (s.len < t.len);
    }
    case SHOAL_PHYS_I128: {
        shoal_int128 s = ((const shoal_int128 *)x->data)[a], t = ((const shoal_int128 *)y->data)[b];
        return (s > t) - (s < t);
    }
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: {
        double s = shoal_vector_get_f64(x, a), t = shoal_vector_get_f64(y, b);
        return (s > t) - (s < t);
    }
    default: {
        int64_t s = shoal_vector_get_i64(x, a), t = shoal_vector_get_i64(y, b);
        return (s > t) - (s < t);
    }
    }
}

void shoal_batch_init(shoal_batch *b, int column_count, const shoal_type *types, uint32_t capacity)
{
    memset(b, 0, sizeof *b);
    b->column_count = column_count;
    b->columns = shoal_xcalloc((size_t)(column_count ? column_count : 1), sizeof(shoal_vector));
    for (int c = 0; c < column_count; c++) shoal_vector_init(&b->columns[c], types[c], capacity);
}

void shoal_batch_free(shoal_batch *b)
{
    for (int c = 0; c < b->column_count; c++) shoal_vector_free(&b->columns[c]);
    free(b->columns);
    free(b->sel);
    memset(b, 0, sizeof *b);
}

void shoal_batch_reset(shoal_batch *b)
{
    for (int c = 0; c < b->column_count; c++) shoal_vector_reset(&b->columns[c]);
    b->count = 0;
    b->sel_count = 0;
    if (b->sel) {
        free(b->sel);
        b->sel = NULL;
        b->sel_capacity = 0;
    }
}

uint32_t *shoal_batch_select_all(shoal_batch *b)
{
    uint32_t need = b->count ? b->count : 1;
    if (b->sel_capacity < need) {
        free(b->sel);
        b->sel = shoal_xmalloc(need * sizeof(uint32_t));
        b->sel_capacity = need;
    }
    for (uint32_t i = 0; i < b->count; i++) b->sel[i] = i;
    b->sel_count = b->count;
    return b->sel;
}
