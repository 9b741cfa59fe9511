/* Batch (de)serialization for exchanges and result gathering (see batch_wire.h).
 * Every exchanged byte passes through here twice (written on one rank, read on another), so
 * both directions work a column at a time: one reservation per column, typed gathers of the
 * selected rows, string bytes copied inline (no call per value), validity bits copied as
 * whole bytes when the rows are the vector's own; the reader borrows fixed-width values from
 * the buffer (each value array is padded to its type's alignment from the batch's start) and
 * reuses the output batch's vectors from batch to batch instead of freeing and allocating
 * them. */
#include "engine/exec/batch_wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WIRE_BITS_ARE_VALIDITY 1 /* wire bit i = byte i/8, bit i%8: the validity words' layout */
#else
#define WIRE_BITS_ARE_VALIDITY 0
#endif

#if defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>
/* Copies a string's bytes: up to 64 with one or two 32-byte moves, the last one masked to the
 * length (masked-off bytes are neither read nor written, so nothing past either end is
 * touched and no branch depends on the length's fine detail); longer ones with memcpy.
 * Native AVX-512BW/VL only: SIMDe's emulation of masked loads may read the whole width. */
static inline void copy_bytes(char *restrict dst, const char *restrict src, uint32_t len)
{
    if (len <= 32) {
        __mmask32 m = (__mmask32)(len == 32 ? ~0u : (1u << len) - 1);
        _mm256_mask_storeu_epi8(dst, m, _mm256_maskz_loadu_epi8(m, src));
    } else if (len <= 64) {
        _mm256_storeu_si256((__m256i *)dst, _mm256_loadu_si256((const __m256i *)src));
        __mmask32 m = (__mmask32)(len == 64 ? ~0u : (1u << (len - 32)) - 1);
        _mm256_mask_storeu_epi8(dst + 32, m, _mm256_maskz_loadu_epi8(m, src + 32));
    } else {
        memcpy(dst, src, len);
    }
}
#else
/* Copies a string's bytes: up to 64 with at most four overlapping 16-byte moves (no loop,
 * which the compiler would turn back into a memcpy call), longer ones with memcpy. */
static inline void copy_bytes(char *restrict dst, const char *restrict src, uint32_t len)
{
    if (len <= 16) {
        if (len >= 8) {
            uint64_t a, b;
            memcpy(&a, src, 8);
            memcpy(&b, src + len - 8, 8);
            memcpy(dst, &a, 8);
            memcpy(dst + len - 8, &b, 8);
        } else if (len >= 4) {
            uint32_t a, b;
            memcpy(&a, src, 4);
            memcpy(&b, src + len - 4, 4);
            memcpy(dst, &a, 4);
            memcpy(dst + len - 4, &b, 4);
        } else if (len) {
            dst[0] = src[0];
            dst[len / 2] = src[len / 2];
            dst[len - 1] = src[len - 1];
        }
    } else if (len <= 32) {
        memcpy(dst, src, 16);
        memcpy(dst + len - 16, src + len - 16, 16);
    } else if (len <= 64) {
        memcpy(dst, src, 16);
        memcpy(dst + 16, src + 16, 16);
        memcpy(dst + len - 32, src + len - 32, 16);
        memcpy(dst + len - 16, src + len - 16, 16);
    } else {
        memcpy(dst, src, len);
    }
}
#endif

/* Whether any of the rows is NULL. */
static bool any_null(const shoal_vector *v, const uint32_t *rows, uint32_t n)
{
    if (v->validity == NULL) return false;
    if (rows) {
        for (uint32_t i = 0; i < n; i++)
            if (shoal_vector_is_null(v, rows[i])) return true;
        return false;
    }
    uint32_t full = n / 64;
    for (uint32_t k = 0; k < full; k++)
        if (~v->validity[k]) return true;
    if (n % 64) return (~v->validity[full] & ((1ull << (n % 64)) - 1)) != 0;
    return false;
}

static void write_validity(shoal_writer *w, const shoal_vector *v, const uint32_t *rows, uint32_t n)
{
    size_t nbytes = ((size_t)n + 7) / 8;
    uint8_t *bits = shoal_writer_reserve(w, nbytes);
    if (rows == NULL && WIRE_BITS_ARE_VALIDITY) {
        memcpy(bits, v->validity, nbytes); /* bits past n are never read */
        return;
    }
    memset(bits, 0, nbytes);
    for (uint32_t i = 0; i < n; i++)
        if (!shoal_vector_is_null(v, rows ? rows[i] : i)) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* Makes room for the writer to reach `end` bytes without changing its length. */
static void writer_room(shoal_writer *w, size_t end)
{
    if (end <= w->cap) return;
    size_t len = w->len;
    shoal_writer_reserve(w, end - len);
    w->len = len;
}

/* The lengths (a NULL row's string is garbage: it travels as empty), then the bytes, in one
 * pass: the bytes are written after the lengths' place as they come, the room growing when a
 * guess of 16 bytes a string falls short. */
static void write_strings(shoal_writer *w, const shoal_vector *v, const uint32_t *rows, uint32_t n)
{
    const shoal_string *s = v->data;
    bool nulls = v->validity != NULL;
    size_t lens_at = w->len, at = lens_at + (size_t)n * 4;
    writer_room(w, at + (size_t)n * 16);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = rows ? rows[i] : i;
        uint32_t len = nulls && shoal_vector_is_null(v, r) ? 0 : s[r].len;
        if (at + len > w->cap) writer_room(w, at + len + (size_t)(n - i) * 16);
        memcpy(w->data + lens_at + (size_t)i * 4, &len, 4);
        copy_bytes((char *)w->data + at, s[r].ptr, len);
        at += len;
    }
    w->len = at;
}

static void write_values(shoal_writer *w, const shoal_vector *v, const uint32_t *rows, uint32_t n, size_t width)
{
    char *restrict dst = shoal_writer_reserve(w, (size_t)n * width);
    const char *restrict src = v->data;
    if (rows == NULL) {
        memcpy(dst, src, (size_t)n * width);
        return;
    }
    /* a constant width per case: each memcpy is one typed move, no call per value */
#define GATHER(W) for (uint32_t i = 0; i < n; i++) memcpy(dst + (size_t)i * (W), src + (size_t)rows[i] * (W), (W))
    switch (width) {
    case 1: GATHER(1); break;
    case 2: GATHER(2); break;
    case 4: GATHER(4); break;
    case 8: GATHER(8); break;
    case 16: GATHER(16); break;
    default: GATHER(width); break;
    }
#undef GATHER
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Zero bytes up to the next multiple of `align` (a power of two) from the batch's start. */
static void write_pad(shoal_writer *w, size_t start, size_t align)
{
    size_t n = (start - w->len) & (align - 1);
    if (n) memset(shoal_writer_reserve(w, n), 0, n);
}

/* The alignment a value array gets (from the batch's start): its width, up to 16. */
static size_t value_align(size_t width)
{
    size_t a = width & (~width + 1);
    return a > 16 ? 16 : a;
}

void shoal_batch_write(shoal_writer *w, const shoal_batch *b, const uint32_t *rows, uint32_t row_count)
{
    if (rows == NULL) {
        row_count = shoal_batch_rows(b);
        rows = b->sel; /* NULL: identity */
    }
    size_t start = w->len;
    uint8_t *head = shoal_writer_reserve(w, 8);
    uint32_t ncols = (uint32_t)b->column_count;
    put_le32(head, ncols);
    put_le32(head + 4, row_count);
    for (int c = 0; c < b->column_count; c++) {
        const shoal_vector *v = &b->columns[c];
        bool nulls = any_null(v, rows, row_count);
        uint8_t *h = shoal_writer_reserve(w, 8); /* id, precision, scale, length (u32), nulls */
        h[0] = v->type.id;
        h[1] = v->type.precision;
        h[2] = v->type.scale;
        put_le32(h + 3, v->type.length);
        h[7] = nulls;
        if (nulls) write_validity(w, v, rows, row_count);
        shoal_physical phys = shoal_type_physical(v->type);
        if (phys == SHOAL_PHYS_STRING) {
            write_strings(w, v, rows, row_count);
        } else {
            size_t width = shoal_physical_size(phys);
            write_pad(w, start, value_align(width));
            write_values(w, v, rows, row_count, width);
        }
    }
    write_pad(w, start, 16); /* the next batch starts as aligned as this one */
}

/* Skips the zero bytes write_pad wrote. */
static bool read_pad(shoal_reader *r, size_t start, size_t align)
{
    size_t n = (start - r->pos) & (align - 1);
    if (r->failed || n > r->len - r->pos) return r->failed = true, false;
    r->pos += n;
    return true;
}

/* Reads one column's validity, values and strings into v (reset; strings: nrows capacity).
 * Fixed-width values are borrowed from the buffer where they lie aligned for their type (they
 * do when the buffer and the batch's start are 16-byte aligned: pool buffers and writers'
 * data, batches written one after another), else copied. */
static bool read_column(shoal_reader *r, shoal_vector *v, uint32_t nrows, size_t start)
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
        const char *base = (const char *)r->data;
        size_t pos = r->pos, end = r->len;
        for (uint32_t i = 0; i < nrows; i++) {
            uint32_t len;
            memcpy(&len, lens + (size_t)i * 4, 4);
            if (len > end - pos) return r->failed = true, false;
            dst[i] = (shoal_string){base + pos, len}; /* borrowed: no copy */
            pos += len;
        }
        r->pos = pos;
    } else {
        size_t width = shoal_physical_size(phys), align = value_align(width), bytes = (size_t)nrows * width;
        if (!read_pad(r, start, align)) return false;
        if (bytes > r->len - r->pos) return r->failed = true, false;
        const uint8_t *src = r->data + r->pos;
        if (((uintptr_t)src & (align - 1)) == 0) {
            shoal_vector_borrow(v, (void *)(uintptr_t)src, nrows); /* the reader's buffer is never written */
        } else {
            shoal_vector_reserve(v, nrows);
            memcpy(v->data, src, bytes);
        }
        r->pos += bytes;
    }
    v->count = nrows;
    if (bits && nrows) {
        if (WIRE_BITS_ARE_VALIDITY) {
            shoal_vector_set_null(v, 0, true); /* allocates the validity words; the copy sets row 0 */
            memcpy(v->validity, bits, ((size_t)nrows + 7) / 8);
            if (nrows % 8) ((uint8_t *)v->validity)[nrows / 8] |= (uint8_t)(0xffu << (nrows % 8)); /* rows past the end: valid */
        } else {
            for (uint32_t i = 0; i < nrows; i++)
                if (!(bits[i >> 3] >> (i & 7) & 1)) shoal_vector_set_null(v, i, true);
        }
    }
    return true;
}

bool shoal_batch_read(shoal_reader *r, shoal_batch *out)
{
    size_t start = r->pos;
    uint32_t ncols = shoal_get_u32(r), nrows = shoal_get_u32(r);
    if (r->failed || ncols > 4096 || (size_t)nrows > r->len) {
        shoal_batch_free(out);
        return r->failed = true, false;
    }
    bool reuse = out->columns != NULL && (uint32_t)out->column_count == ncols;
    if (reuse) { /* the same shape as the last batch: keep the vectors' memory */
        free(out->sel);
        out->sel = NULL;
        out->sel_count = out->sel_capacity = 0;
        out->count = 0;
    } else {
        shoal_batch_free(out);
        out->columns = shoal_xcalloc(ncols ? ncols : 1, sizeof(shoal_vector));
    }
    for (uint32_t c = 0; c < ncols; c++) {
        shoal_type t = {0, 0, 0, 0, 0};
        t.id = shoal_get_u8(r);
        t.precision = shoal_get_u8(r);
        t.scale = shoal_get_u8(r);
        t.length = shoal_get_u32(r);
        if (r->failed || t.id == SHOAL_TYPE_INVALID || t.id >= SHOAL_TYPE_COUNT) {
            if (!reuse) out->column_count = (int)c;
            return r->failed = true, false;
        }
        shoal_vector *v = &out->columns[c];
        /* strings need their array of nrows; fixed widths are borrowed, or reserved when copied */
        uint32_t need = shoal_type_physical(t) == SHOAL_PHYS_STRING ? nrows : 1;
        if (reuse && memcmp(&v->type, &t, sizeof t) == 0) {
            shoal_vector_reset(v);
            shoal_vector_reserve(v, need);
        } else {
            if (reuse) shoal_vector_free(v);
            shoal_vector_init(v, t, need);
        }
        if (!reuse) out->column_count = (int)c + 1; /* so shoal_batch_free releases what was read */
        if (!read_column(r, v, nrows, start)) return false;
    }
    if (!read_pad(r, start, 16)) return false;
    out->count = nrows;
    return true;
}
