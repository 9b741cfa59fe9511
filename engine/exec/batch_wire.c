/* Batch (de)serialization for exchanges and result gathering (see batch_wire.h). */
#include "engine/exec/batch_wire.h"

#include <string.h>

void shoal_batch_write(shoal_writer *w, const shoal_batch *b, const uint32_t *rows, uint32_t row_count)
{
    if (rows == NULL) {
        row_count = shoal_batch_rows(b);
        rows = b->sel; /* NULL: identity */
    }
    shoal_put_u32(w, (uint32_t)b->column_count);
    shoal_put_u32(w, row_count);
    for (int c = 0; c < b->column_count; c++) {
        const shoal_vector *v = &b->columns[c];
        shoal_put_u8(w, v->type.id);
        shoal_put_u8(w, v->type.precision);
        shoal_put_u8(w, v->type.scale);
        shoal_put_u32(w, v->type.length);
        bool nulls = false;
        if (v->validity)
            for (uint32_t i = 0; i < row_count && !nulls; i++) nulls = shoal_vector_is_null(v, rows ? rows[i] : i);
        shoal_put_u8(w, nulls);
        if (nulls) {
            uint8_t *bits = shoal_writer_reserve(w, ((size_t)row_count + 7) / 8);
            memset(bits, 0, ((size_t)row_count + 7) / 8);
            for (uint32_t i = 0; i < row_count; i++)
                if (!shoal_vector_is_null(v, rows ? rows[i] : i)) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
        }
        shoal_physical phys = shoal_type_physical(v->type);
        if (phys == SHOAL_PHYS_STRING) {
            const shoal_string *s = v->data;
            uint32_t *lens = shoal_writer_reserve(w, (size_t)row_count * 4);
            /* a NULL row's string is garbage: it travels as empty */
            for (uint32_t i = 0; i < row_count; i++) {
                uint32_t r = rows ? rows[i] : i;
                uint32_t len = shoal_vector_is_null(v, r) ? 0 : s[r].len;
                memcpy(&lens[i], &len, 4);
            }
            for (uint32_t i = 0; i < row_count; i++) {
                uint32_t r = rows ? rows[i] : i;
                if (!shoal_vector_is_null(v, r)) shoal_put_bytes(w, s[r].ptr, s[r].len);
            }
        } else {
            size_t width = shoal_physical_size(phys);
            if (rows == NULL) {
                shoal_put_bytes(w, v->data, (size_t)row_count * width);
            } else {
                char *dst = shoal_writer_reserve(w, (size_t)row_count * width);
                const char *src = v->data;
                switch (width) { /* typed gathers: no per-value memcpy call */
                case 4:
                    for (uint32_t i = 0; i < row_count; i++) memcpy(dst + (size_t)i * 4, src + (size_t)rows[i] * 4, 4);
                    break;
                case 8:
                    for (uint32_t i = 0; i < row_count; i++) memcpy(dst + (size_t)i * 8, src + (size_t)rows[i] * 8, 8);
                    break;
                default:
                    for (uint32_t i = 0; i < row_count; i++) memcpy(dst + (size_t)i * width, src + (size_t)rows[i] * width, width);
                    break;
                }
            }
        }
    }
}

/* Reads one column's validity, values and strings into v (initialised, nrows capacity). */
static bool read_column(shoal_reader *r, shoal_vector *v, uint32_t nrows)
{
    bool nulls = shoal_get_u8(r) != 0;
    const uint8_t *bits = NULL;
    if (nulls) {
        size_t nbytes = ((size_t)nrows + 7) / 8;
        if (r->failed || nbytes > r->len - r->pos) return r->failed = true, false;
        bits = r->data + r->pos;
        r->pos += nbytes;
    }
    shoal_physical phys = shoal_type_physical(v->type);
    if (phys == SHOAL_PHYS_STRING) {
        size_t lens_bytes = (size_t)nrows * 4;
        if (r->failed || lens_bytes > r->len - r->pos) return r->failed = true, false;
        const uint8_t *lens = r->data + r->pos;
        r->pos += lens_bytes;
        shoal_string *dst = v->data;
        for (uint32_t i = 0; i < nrows; i++) {
            uint32_t len;
            memcpy(&len, lens + (size_t)i * 4, 4);
            if (len > r->len - r->pos) return r->failed = true, false;
            dst[i] = (shoal_string){(const char *)r->data + r->pos, len}; /* borrowed: no copy */
            r->pos += len;
        }
    } else if (!shoal_get_bytes(r, v->data, (size_t)nrows * shoal_physical_size(phys))) {
        return false;
    }
    v->count = nrows;
    if (bits)
        for (uint32_t i = 0; i < nrows; i++)
            if (!(bits[i >> 3] >> (i & 7) & 1)) shoal_vector_set_null(v, i, true);
    return true;
}

bool shoal_batch_read(shoal_reader *r, shoal_batch *out)
{
    shoal_batch_free(out);
    uint32_t ncols = shoal_get_u32(r), nrows = shoal_get_u32(r);
    if (r->failed || ncols > 4096 || (size_t)nrows > r->len) return r->failed = true, false;
    out->columns = shoal_xcalloc(ncols ? ncols : 1, sizeof(shoal_vector));
    for (uint32_t c = 0; c < ncols; c++) {
        shoal_type t = {0, 0, 0, 0, 0};
        t.id = shoal_get_u8(r);
        t.precision = shoal_get_u8(r);
        t.scale = shoal_get_u8(r);
        t.length = shoal_get_u32(r);
        if (r->failed || t.id == SHOAL_TYPE_INVALID || t.id >= SHOAL_TYPE_COUNT) return r->failed = true, false;
        shoal_vector_init(&out->columns[c], t, nrows);
        out->column_count = (int)c + 1; /* so shoal_batch_free releases what was read */
        if (!read_column(r, &out->columns[c], nrows)) return false;
    }
    out->count = nrows;
    return true;
}
