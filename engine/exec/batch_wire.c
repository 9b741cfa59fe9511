/* Batch (de)serialization for exchanges and result gathering (see batch_wire.h).
 * Every exchanged byte passes through here twice (written on one rank, read on another), so
 * both directions work a column at a time: one reservation per column, typed gathers of the
 * selected rows (or, for a partition's few destinations, values compressed column-wise), string
 * bytes copied inline with one masked load and one plain store (no call per value), string
 * pointers rebuilt 8 at a time from the lengths' running sum, validity bits copied as
 * whole bytes when the rows are the vector's own; the reader borrows fixed-width values from
 * the buffer (each value array is padded to its type's alignment from the batch's start) and
 * reuses the output batch's vectors from batch to batch instead of freeing and allocating
 * them. */
#include "engine/exec/batch_wire.h"
#include "runtime/log.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WIRE_BITS_ARE_VALIDITY 1 /* wire bit i = byte i/8, bit i%8: the validity words' layout */
#else
#define WIRE_BITS_ARE_VALIDITY 0
#endif

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#if defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__BMI2__)
#define COPY_SLACK 64
/* Copies a string's bytes: up to 64 with one masked load (masked-off bytes are not read, so
 * nothing past the source's end is touched) and one whole-register store, which writes up to
 * COPY_SLACK bytes of garbage past dst + len: the caller has that room, and the next string
 * overwrites them (a masked store costs several times a plain one on some cores); longer
 * strings with memcpy. Native AVX-512BW only: SIMDe's emulation of masked loads may read the
 * whole width. */
static inline void copy_string(char *restrict dst, const char *restrict src, uint32_t len)
{
    if (len <= 64)
        _mm512_storeu_si512(dst, _mm512_maskz_loadu_epi8(_cvtu64_mask64(_bzhi_u64(~0ull, len)), src));
    else
        memcpy(dst, src, len);
}
/* The same for strings that are usually at most 16 bytes (a short declared length): one
 * 16-byte move writes 16 bytes, not 64. */
static inline void copy_short_string(char *restrict dst, const char *restrict src, uint32_t len)
{
    if (len <= 16)
        _mm_storeu_si128((__m128i *)dst, _mm_maskz_loadu_epi8(_cvtu32_mask16((uint16_t)_bzhi_u32(~0u, len)), src));
    else
        copy_string(dst, src, len);
}
#else
#define COPY_SLACK 0
/* Copies a string's bytes: up to 64 with at most four overlapping 16-byte moves (no loop,
 * which the compiler would turn back into a memcpy call), longer ones with memcpy. */
static inline void copy_string(char *restrict dst, const char *restrict src, uint32_t len)
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
#define copy_short_string copy_string
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
 * guess of 16 bytes a string falls short. copy(dst, src, len) may write COPY_SLACK bytes past
 * a string's end: the room keeps that much spare. */
#define WRITE_STRINGS(copy)                                                                           \
    for (uint32_t i = 0; i < n; i++) {                                                                \
        uint32_t r = rows ? rows[i] : i;                                                              \
        uint32_t len = nulls && shoal_vector_is_null(v, r) ? 0 : s[r].len;                            \
        if (at + len > limit) {                                                                       \
            writer_room(w, at + len + (size_t)(n - i) * 16 + COPY_SLACK);                             \
            data = w->data;                                                                           \
            limit = w->cap - COPY_SLACK;                                                              \
        }                                                                                             \
        memcpy(data + lens_at + (size_t)i * 4, &len, 4);                                              \
        copy((char *)data + at, s[r].ptr, len);                                                       \
        at += len;                                                                                    \
    }

static void write_strings(shoal_writer *w, const shoal_vector *v, const uint32_t *rows, uint32_t n)
{
    const shoal_string *s = v->data;
    bool nulls = v->validity != NULL;
    size_t lens_at = w->len, at = lens_at + (size_t)n * 4;
    writer_room(w, at + (size_t)n * 16 + COPY_SLACK);
    uint8_t *data = w->data;
    size_t limit = w->cap - COPY_SLACK;
    if (v->type.length >= 1 && v->type.length <= 16) { /* declared short (VARCHAR(10)): 16-byte moves */
        WRITE_STRINGS(copy_short_string)
    } else {
        WRITE_STRINGS(copy_string)
    }
    w->len = at;
}
#undef WRITE_STRINGS

/* The rows of a batch a write takes, when it knows them also as part[i] == which (i below
 * rows_all: a batch without a selection vector). */
typedef struct row_part {
    const uint32_t *part;
    uint32_t which, rows_all;
} row_part;

#if defined(__AVX512BW__) && defined(__BMI2__)
#define HAVE_COMPRESS_VALUES 1
/* 4- or 8-byte values of the rows in `rp`, straight from the column: each 16 rows' part
 * numbers compared at once, the hits' values compressed in a register and stored whole (64
 * bytes, up to 64 of them past the values: the caller made room), no row list read. Returns
 * the bytes written. */
static size_t compress_values(char *restrict dst, const char *restrict src, const row_part *rp, size_t width)
{
    const __m512i want = _mm512_set1_epi32((int)rp->which);
    char *out = dst;
    for (uint32_t i = 0; i < rp->rows_all; i += 16) {
        uint32_t left = rp->rows_all - i; /* (bzhi reads only its index's low 8 bits) */
        __mmask16 in = (__mmask16)(left >= 16 ? 0xffff : _bzhi_u32(0xffff, left));
        __mmask16 hit = _mm512_mask_cmpeq_epi32_mask(in, _mm512_maskz_loadu_epi32(in, rp->part + i), want);
        if (width == 8) {
            __mmask8 lo = (__mmask8)hit, hi = (__mmask8)(hit >> 8);
            __m512i a = _mm512_maskz_loadu_epi64(lo, src + (size_t)i * 8);
            __m512i b = _mm512_maskz_loadu_epi64(hi, src + (size_t)(i + 8) * 8);
            _mm512_storeu_si512(out, _mm512_maskz_compress_epi64(lo, a));
            out += (size_t)__builtin_popcount(lo) * 8;
            _mm512_storeu_si512(out, _mm512_maskz_compress_epi64(hi, b));
            out += (size_t)__builtin_popcount(hi) * 8;
        } else {
            __m512i a = _mm512_maskz_loadu_epi32(hit, src + (size_t)i * 4);
            _mm512_storeu_si512(out, _mm512_maskz_compress_epi32(hit, a));
            out += (size_t)__builtin_popcount(hit) * 4;
        }
    }
    return (size_t)(out - dst);
}
#else
#define HAVE_COMPRESS_VALUES 0
#endif

static void write_values(shoal_writer *w, const shoal_vector *v, const uint32_t *rows, uint32_t n, size_t width,
                         const row_part *rp)
{
#if HAVE_COMPRESS_VALUES
    if (rp && (width == 8 || width == 4)) {
        writer_room(w, w->len + (size_t)n * width + 64);
        char *dst = shoal_writer_reserve(w, (size_t)n * width);
        if (compress_values(dst, v->data, rp, width) != (size_t)n * width) shoal_fatal("batch_wire: row part and row list disagree");
        return;
    }
#endif
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

static inline uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
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

static void write_batch(shoal_writer *w, const shoal_batch *b, const uint32_t *rows, uint32_t row_count,
                        const row_part *rp)
{
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
            write_values(w, v, rows, row_count, width, rp);
        }
    }
    write_pad(w, start, 16); /* the next batch starts as aligned as this one */
}

void shoal_batch_write(shoal_writer *w, const shoal_batch *b, const uint32_t *rows, uint32_t row_count)
{
    if (rows == NULL) {
        row_count = shoal_batch_rows(b);
        rows = b->sel; /* NULL: identity */
    }
    write_batch(w, b, rows, row_count, NULL);
}

void shoal_batch_write_part(shoal_writer *w, const shoal_batch *b, const uint32_t *part, uint32_t which,
                            const uint32_t *rows, uint32_t row_count)
{
    if (b->sel) shoal_fatal("shoal_batch_write_part: a batch with a selection vector");
    row_part rp = {part, which, b->count};
    write_batch(w, b, rows, row_count, HAVE_COMPRESS_VALUES ? &rp : NULL);
}

/* Skips the zero bytes write_pad wrote. */
static bool read_pad(shoal_reader *r, size_t start, size_t align)
{
    size_t n = (start - r->pos) & (align - 1);
    if (r->failed || n > r->len - r->pos) return r->failed = true, false;
    r->pos += n;
    return true;
}

/* dst[i] = the i-th of n strings laid end to end from `at`, their lengths at lens (LE u32). */
static void fill_strings(shoal_string *dst, const char *at, const uint8_t *lens, uint32_t n)
{
    uint32_t i = 0;
#if defined(__AVX512F__)
    /* 8 at a time: the lengths' running sum in a register gives 8 pointers; each (pointer,
     * length) pair is one 16-byte shoal_string (the length widened to 8 bytes: zero padding) */
    _Static_assert(sizeof(shoal_string) == 16 && offsetof(shoal_string, len) == 8, "shoal_string layout");
    const __m512i lo_pairs = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), hi_pairs = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    const __m512i zero = _mm512_setzero_si512();
    __m512i base = _mm512_set1_epi64((int64_t)(uintptr_t)at);
    for (; i + 8 <= n; i += 8) {
        __m512i len = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(lens + (size_t)i * 4)));
        __m512i sum = _mm512_add_epi64(len, _mm512_alignr_epi64(len, zero, 7)); /* inclusive scan */
        sum = _mm512_add_epi64(sum, _mm512_alignr_epi64(sum, zero, 6));
        sum = _mm512_add_epi64(sum, _mm512_alignr_epi64(sum, zero, 4));
        __m512i ptr = _mm512_add_epi64(base, _mm512_sub_epi64(sum, len));
        _mm512_storeu_si512(dst + i, _mm512_permutex2var_epi64(ptr, lo_pairs, len));
        _mm512_storeu_si512(dst + i + 4, _mm512_permutex2var_epi64(ptr, hi_pairs, len));
        base = _mm512_add_epi64(base, _mm512_permutexvar_epi64(_mm512_set1_epi64(7), sum));
    }
    at = (const char *)(uintptr_t)_mm_cvtsi128_si64(_mm512_castsi512_si128(base));
#endif
    for (; i < n; i++) {
        uint32_t len;
        memcpy(&len, lens + (size_t)i * 4, 4);
        dst[i] = (shoal_string){at, len};
        at += len;
    }
}

/* Reads one column's validity, values and strings into v (reset; strings: nrows capacity).
 * Fixed-width values are borrowed from the buffer where they lie aligned for their type (they
 * do when the buffer and the batch's start are 16-byte aligned: pool buffers and writers'
 * data, batches written one after another), else copied. */
static bool read_column(shoal_reader *r, shoal_vector *v, uint32_t nrows, size_t start)
{
    bool nulls = r->data[r->pos++] != 0; /* within the header shoal_batch_read checked */
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
        uint64_t total = 0; /* first the bounds, once: the lengths' sum (no overflow: < 2^32 of them) */
        for (uint32_t i = 0; i < nrows; i++) {
            uint32_t len;
            memcpy(&len, lens + (size_t)i * 4, 4);
            total += len;
        }
        if (total > r->len - r->pos) return r->failed = true, false;
        fill_strings(v->data, (const char *)r->data + r->pos, lens, nrows); /* borrowed: no copy */
        r->pos += (size_t)total;
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
        if (r->failed || r->len - r->pos < 8) { /* the column's header: as shoal_batch_write wrote it */
            if (!reuse) out->column_count = (int)c;
            return r->failed = true, false;
        }
        const uint8_t *h = r->data + r->pos;
        t.id = h[0];
        t.precision = h[1];
        t.scale = h[2];
        t.length = get_le32(h + 3);
        r->pos += 7; /* the nulls byte is read_column's */
        if (t.id == SHOAL_TYPE_INVALID || t.id >= SHOAL_TYPE_COUNT) {
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
