/* The COPY range parser: bytes of one file range -> typed column batches + rejected rows.
 *
 * Design. The input is a sliding window (copy_input.c). Work goes a chunk at a time, a chunk
 * being at most CHUNK_ROWS lines (no more than the output batch has room for), few enough
 * that the chunk's bytes are still in L1/L2 when the converters read them again:
 *   1. scan: one pass over the window with 64-byte SIMD compares (SIMDe) that yields a
 *      bitmask of delimiters, newlines and the mode's special byte (the CSV quote, or the
 *      ESCAPE backslash). Each delimiter/newline closes a field; the field's offset and
 *      length go to a row-major array of 64-bit field words. A line holding a special
 *      byte is re-read by a scalar routine (CSV quoting, backslash escapes) that writes
 *      unquoted/unescaped fields to a per-chunk scratch buffer. Field counts are checked per
 *      line (one trailing empty field is allowed: dbgen's '|').
 *   2. convert: column by column, one tight loop per type (no per-field indirect calls):
 *      inline integer / decimal / ISO date fast paths, engine/core parsers as the slow path,
 *      strings validated as UTF-8, length-checked and copied into one heap block per column.
 *      Values are written straight into the batch's vectors.
 *   3. errors: a bad row is marked and its first error kept (row, column, code, reason).
 *      After the chunk the errors go to the sink in row order (MAXERROR checked there) and
 *      the bad rows are squeezed out of the vectors, so no partial row is ever emitted.
 * Line numbers are not tracked while parsing: an error's line number is computed from the
 * row's byte offset by counting newlines since the last count (from the file itself when the
 * range starts mid-file; the sink remembers how far a file was counted), so the happy path
 * pays nothing for them. */
#include "engine/loader/copy_parse.h"
#include "engine/loader/copy_datetime.h"
#include "engine/loader/copy_input.h"
#include "runtime/memory.h"

#include <simde/x86/avx2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS SHOAL_BATCH_ROWS
#ifndef CHUNK_ROWS
#define CHUNK_ROWS 256 /* lines scanned then converted together: their bytes stay in L1/L2 */
#endif
/* A field is one 64-bit word: the byte offset of its text in the window (or in the
 * scratch buffer) << 32 | flags | length. */
#define F_LITERAL 0x80000000u /* quoted or unescaped text: never NULL AS, empty stays empty */
#define F_NULL 0x40000000u    /* the raw text matched NULL AS before unescaping */
#define F_SCRATCH 0x20000000u /* the text is in the scratch buffer, not the window */
#define F_LEN 0x1fffffffu

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

typedef enum { SCAN_FULL, SCAN_NEED_MORE, SCAN_DONE } scan_result;

typedef struct chunk_error {
    uint32_t row;
    int col;
    int code;
    const char *value;
    uint32_t value_len;
    char reason[256];
} chunk_error;

typedef struct parser {
    const shoal_copy_options *o;
    const shoal_copy_target *t;
    int ncols;
    const char *path;
    shoal_copy_input in;
    char delim, quote, special;
    bool csv, escape;
    const char *null_as;
    uint32_t null_len;
    bool null_first;     /* NULL AS could parse as a number or date: test it before the fast paths */
    size_t pos;          /* window offset of the next line */
    int64_t limit;       /* lines starting at or after this file offset belong to the next range */
    int64_t first_line;  /* file offset of the range's first line */
    /* the chunk: fields row-major, ncols + 1 per row (the last collects extra fields) */
    uint64_t *fields;
    size_t stride;
    const char **row_ptr;
    uint32_t *row_len;
    int64_t *row_off;
    uint8_t *row_bad;
    uint32_t nbad;
    char *sbuf;          /* scratch: unquoted / unescaped field text of the chunk */
    size_t scap, slen;
    chunk_error *cerr;
    size_t ncerr, cerr_cap;
    /* line numbers: newlines counted in [0, counted_off) */
    int64_t counted_off, counted_lines;
    /* output */
    shoal_type *types;
    shoal_batch batch;
    shoal_copy_batch_fn on_batch;
    void *ctx;
    shoal_load_error_sink *sink;
    shoal_copy_stats st;
    shoal_copy_status status; /* sticky: a failed reader stays failed */
    bool finished;
    char err[1024];
} parser;

/* ---- small helpers ---- */

static inline uint64_t match64(const char *p, simde__m256i a, simde__m256i b, simde__m256i c)
{
    simde__m256i v0 = simde_mm256_loadu_si256((const simde__m256i *)(const void *)p);
    simde__m256i v1 = simde_mm256_loadu_si256((const simde__m256i *)(const void *)(p + 32));
    simde__m256i m0 = simde_mm256_or_si256(simde_mm256_or_si256(simde_mm256_cmpeq_epi8(v0, a), simde_mm256_cmpeq_epi8(v0, b)),
                                           simde_mm256_cmpeq_epi8(v0, c));
    simde__m256i m1 = simde_mm256_or_si256(simde_mm256_or_si256(simde_mm256_cmpeq_epi8(v1, a), simde_mm256_cmpeq_epi8(v1, b)),
                                           simde_mm256_cmpeq_epi8(v1, c));
    return (uint64_t)(uint32_t)simde_mm256_movemask_epi8(m0) | (uint64_t)(uint32_t)simde_mm256_movemask_epi8(m1) << 32;
}

/* Field c of row r; fields past the last column are dropped but the first (slot ncols),
 * which the trailing-delimiter rule looks at. */
static inline void put_field(parser *P, int c, uint32_t r, size_t offset, uint32_t len_flags)
{
    if (c <= P->ncols) P->fields[r * P->stride + (size_t)c] = (uint64_t)offset << 32 | len_flags;
}

/* The converters' view of column c: LOAD_FIELD(r) declares p (the text) and fl (flags|length). */
#define FIELDS_OF(c)                                              \
    const uint64_t *const FV = P->fields + (c);                   \
    const size_t FSTRIDE = P->stride;                             \
    const char *const FW = P->in.buf, *const FS = P->sbuf
#define LOAD_FIELD(r)                                             \
    const uint64_t fv_ = FV[(size_t)(r) * FSTRIDE];               \
    const uint32_t fl = (uint32_t)fv_;                            \
    const char *const p = ((fl & F_SCRATCH) ? FS : FW) + (fv_ >> 32)

static int64_t count_newlines(const char *p, size_t n)
{
    int64_t k = 0;
    for (size_t i = 0; i < n; i++) k += p[i] == '\n';
    return k;
}

static bool all_blank(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\v' && p[i] != '\f') return false;
    return true;
}

/* Field text always has at least 16 readable bytes after its end (the window's padding,
 * the scratch buffer's slack), so the helpers below read whole words past short fields and
 * mask what is not theirs. */
static inline bool is_ascii(const char *p, uint32_t n)
{
    uint64_t acc = 0, w;
    uint32_t k = 0;
    for (; k + 8 <= n; k += 8) {
        memcpy(&w, p + k, 8);
        acc |= w;
    }
    if (k < n) {
        memcpy(&w, p + k, 8);
        acc |= w & ((1ull << (8 * (n - k))) - 1);
    }
    return (acc & 0x8080808080808080ull) == 0;
}

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* The value of the n (1..8) ASCII digits in the low bytes of w, first digit lowest (SWAR);
 * false when one is not a digit. */
ALWAYS_INLINE bool digits_word(uint64_t w, uint32_t n, uint64_t *out)
{
    const uint64_t keep = ~0ull >> (64 - 8 * n);
    /* a byte is a digit when its high nibble is 3 and adding 6 keeps it so */
    uint64_t bad = ((w & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull) |
                   (((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull);
    if (bad & keep) return false;
    w = (w & 0x0F0F0F0F0F0F0F0Full) << (64 - 8 * n); /* drops what follows; zero digits in front */
    w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFull;
    w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFull;
    w = (w * 10000 + (w >> 32)) & 0xFFFFFFFFull;
    *out = w;
    return true;
}

ALWAYS_INLINE bool digits8(const char *p, uint32_t n, uint64_t *out)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return digits_word(w, n, out);
}

/* The value of n (0..18) digits. */
ALWAYS_INLINE bool digits18(const char *p, uint32_t n, uint64_t *out)
{
    uint64_t hi, lo;
    if (n <= 8) {
        *out = 0;
        return n == 0 || digits8(p, n, out);
    }
    if (n <= 16) {
        if (!digits8(p, n - 8, &hi) || !digits8(p + n - 8, 8, &lo)) return false;
        *out = hi * 100000000u + lo;
        return true;
    }
    uint64_t mid;
    if (n > 18 || !digits8(p, n - 16, &hi) || !digits8(p + n - 16, 8, &mid) || !digits8(p + n - 8, 8, &lo))
        return false;
    *out = (hi * 100000000u + mid) * 100000000u + lo;
    return true;
}

/* Returns true when s[0,n) is valid UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF); else *bad is the offset of the first bad sequence and *bad_len its length. */
static bool utf8_valid(const unsigned char *s, size_t n, size_t *bad, size_t *bad_len)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need = 0;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) need = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) need = 3, cp = c & 0x07;
        else goto invalid;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80) {
                need = k - 1;
                goto invalid;
            }
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            goto invalid;
        i += need + 1;
        continue;
    invalid:
        *bad = i;
        *bad_len = (c >= 0xC0 && c <= 0xF7) ? need + 1 : 1;
        if (*bad_len > n - i) *bad_len = n - i;
        return false;
    }
    return true;
}

/* Byte length of the first `chars` UTF-8 characters of valid text. */
static uint32_t utf8_prefix(const char *p, uint32_t n, uint32_t chars)
{
    uint32_t i = 0, seen = 0;
    while (i < n) {
        if (((unsigned char)p[i] & 0xC0) != 0x80) {
            if (seen == chars) break;
            seen++;
        }
        i++;
    }
    return i;
}

static uint32_t utf8_count(const char *p, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) k += ((unsigned char)p[i] & 0xC0) != 0x80;
    return k;
}

/* ---- errors of the chunk ---- */

__attribute__((format(printf, 7, 8))) static void chunk_error_add(parser *P, uint32_t r, int col, int code,
                                                                  const char *value, uint32_t value_len,
                                                                  const char *fmt, ...)
{
    if (P->row_bad[r]) return; /* one error per row: the first found */
    P->row_bad[r] = 1;
    P->nbad++;
    if (P->ncerr == P->cerr_cap) {
        P->cerr_cap = P->cerr_cap ? P->cerr_cap * 2 : 16;
        P->cerr = shoal_xrealloc(P->cerr, P->cerr_cap * sizeof *P->cerr);
    }
    chunk_error *e = &P->cerr[P->ncerr++];
    e->row = r;
    e->col = col;
    e->code = code;
    e->value = value;
    e->value_len = value_len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof e->reason, fmt, ap);
    va_end(ap);
}

/* How much of a value to quote in a reason. */
static int shown(uint32_t n) { return n > 100 ? 100 : (int)n; }

/* ---- line numbers ---- */

static void count_file_newlines(parser *P, int64_t upto)
{
    char *tmp = shoal_xmalloc(1 << 16);
    while (P->counted_off < upto) {
        int64_t want = upto - P->counted_off;
        size_t k = want > (1 << 16) ? (size_t)1 << 16 : (size_t)want;
        long got = shoal_copy_input_pread(&P->in, tmp, k, P->counted_off);
        if (got <= 0) break;
        P->counted_lines += count_newlines(tmp, (size_t)got);
        P->counted_off += got;
    }
    free(tmp);
    P->counted_off = upto;
}

/* 1-based physical line number of the line starting at file offset `off` (>= the window's
 * base, or anywhere for plain files). */
static int64_t line_number_at(parser *P, int64_t off)
{
    bool plain = P->in.compression == SHOAL_COPY_COMPRESSION_NONE;
    if (off < P->counted_off && plain) { /* recount from the start */
        P->counted_off = 0;
        P->counted_lines = 0;
    }
    shoal_load_error_sink *sink = P->sink;
    if (plain && P->counted_off < P->in.base && sink->line_cache_path && strcmp(sink->line_cache_path, P->path) == 0 &&
        sink->line_cache_offset > P->counted_off && sink->line_cache_offset <= off) {
        P->counted_off = sink->line_cache_offset; /* an earlier range of this file counted this far */
        P->counted_lines = sink->line_cache_lines;
    }
    if (P->counted_off < P->in.base) count_file_newlines(P, off < P->in.base ? off : P->in.base);
    if (off > P->counted_off) {
        P->counted_lines += count_newlines(P->in.buf + (P->counted_off - P->in.base), (size_t)(off - P->counted_off));
        P->counted_off = off;
    }
    if (plain) {
        if (sink->line_cache_path == NULL || strcmp(sink->line_cache_path, P->path) != 0) {
            free(sink->line_cache_path);
            sink->line_cache_path = shoal_xstrdup(P->path);
        }
        sink->line_cache_offset = P->counted_off;
        sink->line_cache_lines = P->counted_lines;
    }
    return P->counted_lines + 1;
}

/* Drops window bytes [0, keep_from) and reads more; compressed input counts the newlines of
 * what it drops first, as it cannot read them again. */
static int advance(parser *P, size_t keep_from)
{
    if (P->in.compression != SHOAL_COPY_COMPRESSION_NONE && P->counted_off < P->in.base + (int64_t)keep_from) {
        size_t from = (size_t)(P->counted_off - P->in.base);
        P->counted_lines += count_newlines(P->in.buf + from, keep_from - from);
        P->counted_off = P->in.base + (int64_t)keep_from;
    }
    return shoal_copy_input_more(&P->in, keep_from, P->err, sizeof P->err);
}

/* ---- rows ---- */

/* finish_row when the field count is off: a trailing delimiter, or an error. */
__attribute__((noinline, cold)) static bool finish_odd_row(parser *P, uint32_t r, int c)
{
    const int n = P->ncols;
    if (c == n + 1 && (uint32_t)P->fields[r * P->stride + (size_t)n] == 0) return true; /* one trailing delimiter */
    if (c < n) {
        for (int k = c; k < n; k++) put_field(P, k, r, 0, 0);
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DELIMITER_NOT_FOUND, NULL, 0, "Delimiter not found");
    } else {
        chunk_error_add(P, r, -1, SHOAL_LOAD_ERR_EXTRA_COLUMNS, NULL, 0, "Extra column(s) found");
    }
    return true;
}

/* Ends row r: the line is window bytes [ls, end), c fields were seen. Returns false when the
 * line is skipped (blank, under IGNOREBLANKLINES). */
static inline bool finish_row(parser *P, uint32_t r, size_t ls, size_t end, int c)
{
    if (unlikely(end == ls) && P->o->ignore_blank_lines) return false;
    P->row_ptr[r] = P->in.buf + ls;
    P->row_len[r] = (uint32_t)(end - ls);
    P->row_off[r] = P->in.base + (int64_t)ls;
    P->row_bad[r] = 0;
    if (likely(c == P->ncols)) return true;
    return finish_odd_row(P, r, c);
}

/* Marks row r bad for a malformed line: every field empty, the line recorded. */
static void bad_line(parser *P, uint32_t r, size_t ls, size_t end, const char *reason)
{
    for (int k = 0; k <= P->ncols; k++) put_field(P, k, r, 0, 0);
    finish_row(P, r, ls, end, P->ncols);
    chunk_error_add(P, r, -1, SHOAL_LOAD_ERR_INVALID_LINE, NULL, 0, "%s", reason);
}

/* Room for n bytes in the scratch buffer, with 16 readable bytes after (the string copier
 * reads 16 at a time); returns the offset. The buffer may move: use P->sbuf + offset. */
static size_t scratch(parser *P, size_t n)
{
    if (P->slen + n + 16 > P->scap) {
        while (P->slen + n + 16 > P->scap) P->scap = P->scap ? P->scap * 2 : 64 * 1024;
        P->sbuf = shoal_xrealloc(P->sbuf, P->scap);
    }
    size_t off = P->slen;
    P->slen += n;
    memset(P->sbuf + P->slen, 0, 16);
    return off;
}

/* CSV record starting at window offset ls (RFC 4180: a field that starts with the quote runs
 * to the next lone quote, "" inside stands for one quote, newlines inside are data; a quote
 * elsewhere is an ordinary byte). Returns -1 when the record does not end inside the window
 * and more of the file follows, else 1 (row r used) or 0 (skipped), with *next the start of
 * the following record. */
static int csv_record(parser *P, size_t ls, uint32_t r, size_t *next)
{
    const char *buf = P->in.buf;
    const size_t fill = P->in.fill;
    const bool eof = P->in.eof;
    const char d = P->delim, q = P->quote;
    size_t i = ls;
    int c = 0;
    for (;;) {
        if (i < fill && buf[i] == q) {
            /* find the closing quote */
            size_t j = i + 1, close;
            bool doubled = false;
            for (;;) {
                const char *hit = memchr(buf + j, q, fill - j);
                if (hit == NULL) {
                    if (!eof) return -1;
                    bad_line(P, r, ls, fill, "Invalid quote formatting for CSV: unterminated quoted field");
                    *next = fill;
                    return 1;
                }
                size_t k = (size_t)(hit - buf);
                if (k + 1 >= fill && !eof) return -1; /* cannot tell "" from a closing quote yet */
                if (k + 1 < fill && buf[k + 1] == q) {
                    doubled = true;
                    j = k + 2;
                    continue;
                }
                close = k;
                break;
            }
            size_t fp = i + 1;
            uint32_t len = (uint32_t)(close - i - 1), where = 0;
            if (doubled) {
                size_t so = scratch(P, len);
                char *out = P->sbuf + so;
                uint32_t o = 0;
                for (size_t k = i + 1; k < close; k++) {
                    out[o++] = buf[k];
                    if (buf[k] == q) k++;
                }
                fp = so;
                len = o;
                where = F_SCRATCH;
            }
            put_field(P, c++, r, fp, len | F_LITERAL | where);
            i = close + 1;
            if (i < fill && buf[i] == d) {
                i++;
                continue;
            }
            if (i >= fill) {
                if (!eof) return -1;
                *next = fill;
                return finish_row(P, r, ls, fill, c) ? 1 : 0;
            }
            if (buf[i] == '\n') {
                *next = i + 1;
                return finish_row(P, r, ls, i, c) ? 1 : 0;
            }
            if (buf[i] == '\r') {
                if (i + 1 >= fill) {
                    if (!eof) return -1;
                    *next = fill;
                    return finish_row(P, r, ls, i, c) ? 1 : 0;
                }
                if (buf[i + 1] == '\n') {
                    *next = i + 2;
                    return finish_row(P, r, ls, i, c) ? 1 : 0;
                }
            }
            /* junk after the closing quote: the record ends at the next newline */
            const char *nlp = memchr(buf + i, '\n', fill - i);
            if (nlp == NULL && !eof) return -1;
            size_t end = nlp ? (size_t)(nlp - buf) : fill;
            *next = nlp ? end + 1 : fill;
            if (end > ls && buf[end - 1] == '\r') end--;
            bad_line(P, r, ls, end, "Invalid quote formatting for CSV: unexpected character after a closing quote");
            return 1;
        }
        size_t j = i;
        while (j < fill && buf[j] != d && buf[j] != '\n') j++;
        if (j >= fill && !eof) return -1;
        if (j < fill && buf[j] == d) {
            put_field(P, c++, r, i, (uint32_t)(j - i));
            i = j + 1;
            continue;
        }
        size_t end = j;
        if (end > i && buf[end - 1] == '\r') end--;
        put_field(P, c++, r, i, (uint32_t)(end - i));
        *next = j < fill ? j + 1 : fill;
        return finish_row(P, r, ls, end, c) ? 1 : 0;
    }
}

/* Text record with ESCAPE starting at ls: a backslash makes the next byte (delimiter,
 * newline, backslash, anything) part of the value. NULL AS is matched against the raw text.
 * Same returns as csv_record. */
static int escape_record(parser *P, size_t ls, uint32_t r, size_t *next)
{
    const char *buf = P->in.buf;
    const size_t fill = P->in.fill;
    const bool eof = P->in.eof;
    const char d = P->delim;
    size_t i = ls;
    int c = 0;
    for (;;) {
        size_t fs = i;
        bool escaped = false;
        while (i < fill && buf[i] != d && buf[i] != '\n') {
            if (buf[i] == '\\') {
                if (i + 1 >= fill) {
                    if (!eof) return -1;
                    i++; /* a lone backslash at the very end stays */
                    break;
                }
                escaped = true;
                i += 2;
                continue;
            }
            i++;
        }
        if (i >= fill && !eof) return -1;
        bool at_end = i >= fill || buf[i] == '\n';
        size_t fe = i;
        /* an unescaped \r before the newline is part of the line break */
        if (at_end && fe > fs && buf[fe - 1] == '\r') {
            size_t bs = 0;
            while (fe - 1 - bs > fs && buf[fe - 2 - bs] == '\\') bs++;
            if (bs % 2 == 0) fe--;
        }
        uint32_t raw_len = (uint32_t)(fe - fs);
        if (!escaped) {
            put_field(P, c++, r, fs, raw_len);
        } else {
            uint32_t flags = F_LITERAL | F_SCRATCH;
            if (raw_len == P->null_len && memcmp(buf + fs, P->null_as, raw_len) == 0) flags |= F_NULL;
            size_t so = scratch(P, raw_len);
            char *out = P->sbuf + so;
            uint32_t o = 0;
            for (size_t k = fs; k < fe; k++) {
                if (buf[k] == '\\' && k + 1 < fe) k++;
                out[o++] = buf[k];
            }
            put_field(P, c++, r, so, o | flags);
        }
        if (!at_end) {
            i++;
            continue;
        }
        *next = i < fill ? i + 1 : fill;
        return finish_row(P, r, ls, fe, c) ? 1 : 0;
    }
}

/* Phase 1: fills rows [0, *nrows) of the chunk from the window, at most max_rows. */
static scan_result scan_chunk(parser *P, uint32_t max_rows, uint32_t *nrows)
{
    const char *buf = P->in.buf;
    const size_t fill = P->in.fill;
    const bool eof = P->in.eof;
    size_t limit = SIZE_MAX;
    if (P->limit != INT64_MAX) {
        int64_t l = P->limit - P->in.base;
        limit = l < 0 ? 0 : (size_t)l;
    }
    const char delim = P->delim;
    const simde__m256i vd = simde_mm256_set1_epi8(delim), vn = simde_mm256_set1_epi8('\n'),
                       vs = simde_mm256_set1_epi8(P->special);
    uint32_t r = 0;
    size_t ls = P->pos;

#define END_OF_LINE_CHECKS()                                                  \
    do {                                                                      \
        if (r == max_rows || ls >= limit || ls >= fill) {                     \
            P->pos = ls;                                                      \
            *nrows = r;                                                       \
            if (r == max_rows && ls < limit && (ls < fill || !eof)) return SCAN_FULL; \
            if (ls >= limit || eof) return SCAN_DONE;                         \
            return SCAN_NEED_MORE;                                            \
        }                                                                     \
    } while (0)

    END_OF_LINE_CHECKS();
    int c = 0;
    size_t fs = ls, blk = ls;
    uint64_t mask = match64(buf + blk, vd, vn, vs);
    for (;;) {
        while (mask == 0) {
            blk += 64;
            if (blk >= fill) goto incomplete;
            mask = match64(buf + blk, vd, vn, vs);
        }
        size_t q = blk + (size_t)__builtin_ctzll(mask);
        mask &= mask - 1;
        char ch = buf[q];
        if (ch == delim) {
            put_field(P, c++, r, fs, (uint32_t)(q - fs));
            fs = q + 1;
            continue;
        }
        if (ch == '\n') {
            size_t e = q;
            if (e > fs && buf[e - 1] == '\r') e--;
            put_field(P, c++, r, fs, (uint32_t)(e - fs));
            r += finish_row(P, r, ls, e, c);
            ls = q + 1;
            c = 0;
            fs = ls;
            END_OF_LINE_CHECKS();
            continue;
        }
        /* a quote or backslash: this line takes the scalar road */
        {
            size_t next = ls;
            int got = P->csv ? csv_record(P, ls, r, &next) : escape_record(P, ls, r, &next);
            if (got < 0) {
                P->pos = ls;
                *nrows = r;
                return SCAN_NEED_MORE;
            }
            r += (uint32_t)got;
            ls = next;
            c = 0;
            fs = ls;
            END_OF_LINE_CHECKS();
            blk = ls;
            mask = match64(buf + blk, vd, vn, vs);
        }
    }
incomplete:
    if (!eof) {
        P->pos = ls;
        *nrows = r;
        return SCAN_NEED_MORE;
    }
    {
        /* the last line has no newline */
        size_t e = fill;
        if (e > fs && buf[e - 1] == '\r') e--;
        put_field(P, c++, r, fs, (uint32_t)(e - fs));
        r += finish_row(P, r, ls, e, c);
        ls = fill;
        P->pos = ls;
        *nrows = r;
        return SCAN_DONE;
    }
#undef END_OF_LINE_CHECKS
}

/* ---- phase 2: conversion, one loop per type ---- */

/* NULL for a non-string column: NULL AS, or an empty field (always NULL for non-strings). */
static inline bool nonstring_null(const parser *P, const char *p, uint32_t fl)
{
    if (fl & F_NULL) return true;
    uint32_t n = fl & F_LEN;
    if (n == 0) return true;
    return !(fl & F_LITERAL) && n == P->null_len && memcmp(p, P->null_as, n) == 0;
}

static void set_null(parser *P, int c, uint32_t r, uint32_t base, const char *p, uint32_t n)
{
    shoal_vector_set_null(&P->batch.columns[c], base + r, true);
    if (P->t->columns[c].not_null)
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_NOT_NULL, p, n, "Missing data for not-null field");
}

/* The first byte that is not part of [blanks][sign]digits[.digits][blanks]; -1 if none. */
static int first_bad_char(const char *p, uint32_t n, bool allow_dot)
{
    uint32_t i = 0;
    while (i < n && p[i] == ' ') i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    uint32_t digits = 0;
    bool dot = false;
    for (; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9') digits++;
        else if (p[i] == '.' && allow_dot && !dot) dot = true;
        else break;
    }
    uint32_t j = i;
    while (j < n && p[j] == ' ') j++;
    if (j < n) return (int)i;
    if (digits == 0) {
        for (uint32_t k = 0; k < n; k++)
            if (p[k] != ' ') return (int)k;
        return 0;
    }
    return -1;
}

ALWAYS_INLINE bool fast_int(const char *p, uint32_t fl, int64_t *out)
{
    if (fl - 1 > 18) return false; /* empty, flagged (fl is large) or long: the slow path */
    uint32_t neg = p[0] == '-', n = fl - neg;
    uint64_t v;
    if (n == 0 || n > 18 || !digits18(p + neg, n, &v)) return false; /* 18 digits cannot overflow */
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

static bool slow_int(parser *P, int c, uint32_t r, uint32_t base, const char *p, uint32_t fl, int64_t lo,
                     int64_t hi, const char *tname, int64_t *out)
{
    uint32_t n = fl & F_LEN;
    if (nonstring_null(P, p, fl)) {
        set_null(P, c, r, base, p, n);
        return false;
    }
    int64_t x;
    if (shoal_parse_int64(p, n, &x) && x >= lo && x <= hi) {
        *out = x;
        return true;
    }
    if (all_blank(p, n)) {
        set_null(P, c, r, base, p, n);
        return false;
    }
    int bad = first_bad_char(p, n, false);
    if (bad < 0)
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_INT_OVERFLOW, p, n, "Overflow, Value '%.*s', Type: %s", shown(n), p, tname);
    else
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DIGIT, p, n, "Invalid digit, Value '%c', Pos %d, Type: %s", p[bad], bad,
                        tname);
    return false;
}

#define DEFINE_INT_CONVERTER(NAME, CTYPE, LO, HI, TNAME)                                            \
    static void NAME(parser *P, int c, uint32_t n, uint32_t base)                                   \
    {                                                                                               \
        CTYPE *restrict out = (CTYPE *)P->batch.columns[c].data + base;                             \
        FIELDS_OF(c);                                                                               \
        const bool null_first = P->null_first;                                                      \
        for (uint32_t r = 0; r < n; r++) {                                                          \
            LOAD_FIELD(r);                                                                          \
            int64_t x = 0;                                                                          \
            if (likely(!null_first && fast_int(p, fl, &x) && x >= (LO) && x <= (HI))) {             \
                out[r] = (CTYPE)x;                                                                  \
                continue;                                                                           \
            }                                                                                       \
            out[r] = slow_int(P, c, r, base, p, fl, (LO), (HI), TNAME, &x) ? (CTYPE)x : 0;          \
        }                                                                                           \
    }

DEFINE_INT_CONVERTER(convert_i16, int16_t, INT16_MIN, INT16_MAX, "Short")
DEFINE_INT_CONVERTER(convert_i32, int32_t, INT32_MIN, INT32_MAX, "Integer")
DEFINE_INT_CONVERTER(convert_i64, int64_t, INT64_MIN, INT64_MAX, "Long")

static const int64_t pow10_i64[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                      100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
                                      1000000000000LL, 10000000000000LL, 100000000000000LL,
                                      1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
                                      1000000000000000000LL};

/* [-]digits[.digits] with at most `scale` fraction digits and at most int_max integer digits. */
/* [-]digits[.digits]: at most `scale` fraction digits and int_max integer digits (more
 * fraction digits need rounding, and leading zeros past int_max a closer look: the slow
 * path does both). Up to 8 bytes after the sign go through one word: the '.' is found and
 * squeezed out, and the digits converted at once. */
ALWAYS_INLINE bool fast_decimal(const char *p, uint32_t fl, int scale, int int_max, int64_t *out)
{
    if (fl - 1 > 18) return false;
    uint32_t neg = p[0] == '-', n = fl - neg;
    const char *d = p + neg;
    uint64_t v;
    if (likely(n - 1 < 8)) {
        uint64_t w;
        memcpy(&w, d, 8);
        uint64_t x = w ^ 0x2E2E2E2E2E2E2E2Eull;
        uint64_t z = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull & (~0ull >> (64 - 8 * n));
        uint32_t dot = z ? (uint32_t)__builtin_ctzll(z) >> 3 : n; /* the lowest hit is a real '.' */
        uint32_t fd = dot < n ? n - dot - 1 : 0;
        if ((int)dot > int_max || (int)fd > scale || dot + fd == 0) return false;
        if (dot < n) {
            uint64_t before = dot ? w & (~0ull >> (64 - 8 * dot)) : 0;
            uint64_t after = w >> (8 * dot) >> 8; /* dot <= 7 */
            w = before | after << (8 * dot);
        }
        if (!digits_word(w, dot + fd, &v)) return false;
        v *= (uint64_t)pow10_i64[scale - (int)fd];
    } else {
        uint32_t i = 0;
        int id = 0, fd = 0;
        v = 0;
        for (; i < n; i++, id++) {
            unsigned c = (unsigned)(unsigned char)d[i] - '0';
            if (c > 9) break;
            v = v * 10 + c;
        }
        if (i < n && d[i] == '.')
            for (i++; i < n && fd < scale; i++, fd++) {
                unsigned c = (unsigned)(unsigned char)d[i] - '0';
                if (c > 9) break;
                v = v * 10 + c;
            }
        if (i != n || id + fd == 0 || id > int_max) return false;
        v *= (uint64_t)pow10_i64[scale - fd];
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

static void decimal_error(parser *P, int c, uint32_t r, const char *p, uint32_t n)
{
    char tname[40];
    shoal_type_name(P->t->columns[c].type, tname, sizeof tname);
    int bad = first_bad_char(p, n, true);
    if (bad < 0)
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_RANGE, p, n, "Overflow, Value '%.*s', Type: %s", shown(n), p, tname);
    else
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DECIMAL, p, n, "Invalid digit, Value '%c', Pos %d, Type: Decimal",
                        p[bad], bad);
}

static bool slow_decimal(parser *P, int c, uint32_t r, uint32_t base, const char *p, uint32_t fl, shoal_int128 *out)
{
    uint32_t n = fl & F_LEN;
    if (nonstring_null(P, p, fl)) {
        set_null(P, c, r, base, p, n);
        return false;
    }
    shoal_type t = P->t->columns[c].type;
    if (shoal_parse_decimal(p, n, t.precision, t.scale, out)) return true;
    if (all_blank(p, n)) {
        set_null(P, c, r, base, p, n);
        return false;
    }
    decimal_error(P, c, r, p, n);
    return false;
}

static void convert_decimal64(parser *P, int c, uint32_t n, uint32_t base)
{
    int64_t *restrict out = (int64_t *)P->batch.columns[c].data + base;
    FIELDS_OF(c);
    shoal_type t = P->t->columns[c].type;
    const int scale = t.scale, int_max = t.precision - t.scale;
    const bool null_first = P->null_first;
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        int64_t x;
        if (likely(!null_first && fast_decimal(p, fl, scale, int_max, &x))) {
            out[r] = x;
            continue;
        }
        shoal_int128 w = 0;
        out[r] = slow_decimal(P, c, r, base, p, fl, &w) ? (int64_t)w : 0;
    }
}

static void convert_decimal128(parser *P, int c, uint32_t n, uint32_t base)
{
    shoal_int128 *restrict out = (shoal_int128 *)P->batch.columns[c].data + base;
    FIELDS_OF(c);
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        shoal_int128 w = 0;
        out[r] = slow_decimal(P, c, r, base, p, fl, &w) ? w : 0;
    }
}

static void convert_float(parser *P, int c, uint32_t n, uint32_t base)
{
    shoal_vector *v = &P->batch.columns[c];
    bool is_real = v->type.id == SHOAL_TYPE_REAL;
    FIELDS_OF(c);
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        uint32_t len = fl & F_LEN;
        double x = 0;
        if (nonstring_null(P, p, fl)) {
            set_null(P, c, r, base, p, len);
        } else if (!shoal_parse_double(p, len, &x) || (is_real && (x > 3.4028234663852886e38 || x < -3.4028234663852886e38))) {
            x = 0;
            if (all_blank(p, len)) {
                set_null(P, c, r, base, p, len);
            } else {
                int bad = first_bad_char(p, len, true);
                if (bad >= 0 && (p[bad] == 'e' || p[bad] == 'E' || p[bad] == 'n' || p[bad] == 'N' || p[bad] == 'i' || p[bad] == 'I'))
                    bad = -1; /* exponents, NaN, Infinity: valid syntax, so the value was out of range */
                if (bad < 0)
                    chunk_error_add(P, r, c, SHOAL_LOAD_ERR_FLOAT, p, len, "Overflow, Value '%.*s', Type: %s", shown(len), p,
                                    is_real ? "Float" : "Double");
                else
                    chunk_error_add(P, r, c, SHOAL_LOAD_ERR_FLOAT, p, len, "Invalid digit, Value '%c', Pos %d, Type: %s",
                                    p[bad], bad, is_real ? "Float" : "Double");
            }
        }
        if (is_real) ((float *)v->data)[base + r] = (float)x;
        else ((double *)v->data)[base + r] = x;
    }
}

static void convert_bool(parser *P, int c, uint32_t n, uint32_t base)
{
    uint8_t *out = (uint8_t *)P->batch.columns[c].data + base;
    FIELDS_OF(c);
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        uint32_t len = fl & F_LEN;
        out[r] = 0;
        if (nonstring_null(P, p, fl) || (all_blank(p, len))) {
            set_null(P, c, r, base, p, len);
        } else if (!shoal_parse_bool(p, len, &out[r])) {
            chunk_error_add(P, r, c, SHOAL_LOAD_ERR_BOOLEAN, p, len, "Unknown boolean format, Value '%.*s'", shown(len), p);
        }
    }
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static inline int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Days before January 1st of 1900 + i, and whether that year is a leap year, for the ISO
 * date fast path (other years take the general road). */
#define FAST_YEAR0 1900
#define FAST_YEARS 256
static int32_t year_days[FAST_YEARS];
static uint8_t year_leap[FAST_YEARS];
static const uint16_t month_days_before[2][13] = {{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
                                                  {0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}};
static const uint8_t month_length[2][13] = {{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                            {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};

__attribute__((constructor)) static void fill_year_tables(void)
{
    for (int i = 0; i < FAST_YEARS; i++) {
        int y = FAST_YEAR0 + i;
        year_days[i] = days_from_civil(y, 1, 1);
        year_leap[i] = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    }
}

/* YYYY-MM-DD exactly, years 1900-2155 (SWAR digit checks, table lookups). */
ALWAYS_INLINE bool fast_date(const char *p, uint32_t fl, int32_t *out)
{
    if (fl != 10) return false;
    uint64_t w;
    uint16_t dd;
    memcpy(&w, p, 8);
    memcpy(&dd, p + 8, 2);
    const uint64_t digits = 0x00FFFF00FFFFFFFFull; /* bytes 0-3 and 5-6; 4 and 7 are dashes */
    if ((w & ~digits) != 0x2D00002D00000000ull) return false;
    uint64_t bad = ((w & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull) |
                   (((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull);
    unsigned a0 = (unsigned)(dd & 0xFF) - '0', a1 = (unsigned)(dd >> 8) - '0';
    if ((bad & digits) || a0 > 9 || a1 > 9) return false;
    uint64_t y4 = w & 0x0F0F0F0F; /* YYYY as 4 digit bytes */
    y4 = (y4 * 10 + (y4 >> 8)) & 0x00FF00FF;
    unsigned y = (unsigned)((y4 * 100 + (y4 >> 16)) & 0xFFFF) - FAST_YEAR0;
    unsigned m = (unsigned)((w >> 40) & 0xF) * 10 + (unsigned)((w >> 48) & 0xF), d = a0 * 10 + a1;
    if (y >= FAST_YEARS || m - 1 > 11) return false;
    unsigned leap = year_leap[y];
    if (d - 1 >= month_length[leap][m]) return false;
    *out = year_days[y] + month_days_before[leap][m] + (int32_t)d - 1;
    return true;
}

static void date_error(parser *P, int c, uint32_t r, const char *p, uint32_t n)
{
    const shoal_copy_datetime_format *f = &P->o->date_fmt;
    if (f->kind != SHOAL_COPY_DT_ISO) {
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DATE, p, n, "Invalid date format - value '%.*s' does not match DATEFORMAT '%s'",
                        shown(n), p, P->o->date_format);
        return;
    }
    const char *s = p;
    uint32_t len = n;
    while (len > 0 && *s == ' ') s++, len--;
    while (len > 0 && s[len - 1] == ' ') len--;
    if (len < 10) {
        chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DATE, p, n, "Invalid Date Format - length must be 10 or more");
        return;
    }
    for (uint32_t i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
            chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DATE, p, n, "Invalid date format - Invalid digit encountered, Value '%.*s'",
                            shown(n), p);
            return;
        }
    }
    chunk_error_add(P, r, c, SHOAL_LOAD_ERR_DATE, p, n, "Invalid date value - day or month out of range, Value '%.*s'",
                    shown(n), p);
}

static void convert_date(parser *P, int c, uint32_t n, uint32_t base)
{
    int32_t *restrict out = (int32_t *)P->batch.columns[c].data + base;
    FIELDS_OF(c);
    const shoal_copy_datetime_format *f = &P->o->date_fmt;
    const bool fast = !P->null_first && (f->kind == SHOAL_COPY_DT_ISO || f->kind == SHOAL_COPY_DT_AUTO);
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        int32_t x;
        if (likely(fast && fast_date(p, fl, &x))) {
            out[r] = x;
            continue;
        }
        uint32_t len = fl & F_LEN;
        out[r] = 0;
        if (nonstring_null(P, p, fl)) set_null(P, c, r, base, p, len);
        else if (shoal_copy_parse_date(f, p, len, &x)) out[r] = x;
        else if (all_blank(p, len)) set_null(P, c, r, base, p, len);
        else date_error(P, c, r, p, len);
    }
}

static inline bool fast_timestamp(const char *p, uint32_t fl, int64_t *out)
{
    int32_t days;
    if (fl != 19 || p[10] != ' ' || p[13] != ':' || p[16] != ':' || !fast_date(p, 10, &days)) return false;
    unsigned h0 = (unsigned char)p[11] - '0', h1 = (unsigned char)p[12] - '0', i0 = (unsigned char)p[14] - '0',
             i1 = (unsigned char)p[15] - '0', s0 = (unsigned char)p[17] - '0', s1 = (unsigned char)p[18] - '0';
    if ((h0 > 9) | (h1 > 9) | (i0 > 9) | (i1 > 9) | (s0 > 9) | (s1 > 9)) return false;
    unsigned h = h0 * 10 + h1, mi = i0 * 10 + i1, s = s0 * 10 + s1;
    if (h > 23 || mi > 59 || s > 59) return false;
    *out = (int64_t)days * 86400000000LL + ((int64_t)h * 3600 + mi * 60 + s) * 1000000LL;
    return true;
}

static void convert_timestamp(parser *P, int c, uint32_t n, uint32_t base)
{
    int64_t *restrict out = (int64_t *)P->batch.columns[c].data + base;
    FIELDS_OF(c);
    const shoal_copy_datetime_format *f = &P->o->time_fmt;
    const bool fast = !P->null_first && (f->kind == SHOAL_COPY_DT_ISO || f->kind == SHOAL_COPY_DT_AUTO);
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        int64_t x;
        if (likely(fast && fast_timestamp(p, fl, &x))) {
            out[r] = x;
            continue;
        }
        uint32_t len = fl & F_LEN;
        out[r] = 0;
        if (nonstring_null(P, p, fl)) set_null(P, c, r, base, p, len);
        else if (shoal_copy_parse_timestamp(f, p, len, &x)) out[r] = x;
        else if (all_blank(p, len)) set_null(P, c, r, base, p, len);
        else
            chunk_error_add(P, r, c, SHOAL_LOAD_ERR_TIMESTAMP, p, len, "Invalid timestamp format or value [%s], Value '%.*s'",
                            P->o->time_format, shown(len), p);
    }
}

static void utf8_error(parser *P, int c, uint32_t r, const char *p, uint32_t n, size_t bad, size_t bad_len)
{
    char hex[16] = "";
    for (size_t k = 0; k < bad_len && k < 4; k++)
        snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%s%02x", k ? " " : "", (unsigned char)p[bad + k]);
    chunk_error_add(P, r, c, SHOAL_LOAD_ERR_UTF8, p, n,
                    "String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: %s (byte %zu)", hex, bad);
}

static void convert_string(parser *P, int c, uint32_t n, uint32_t base)
{
    shoal_vector *v = &P->batch.columns[c];
    shoal_string *restrict out = (shoal_string *)v->data + base;
    FIELDS_OF(c);
    const uint32_t maxlen = v->type.length;
    const bool is_char = v->type.id == SHOAL_TYPE_CHAR;
    const shoal_copy_options *o = P->o;
    size_t total = 0;
    for (uint32_t r = 0; r < n; r++) {
        LOAD_FIELD(r);
        uint32_t len = fl & F_LEN;
        out[r].ptr = "";
        out[r].len = 0;
        if (unlikely(fl & F_NULL)) {
            set_null(P, c, r, base, p, len);
            continue;
        }
        if (!(fl & F_LITERAL)) {
            if ((len == P->null_len && memcmp(p, P->null_as, len) == 0) || (len == 0 && o->empty_as_null) ||
                (o->blanks_as_null && len > 0 && all_blank(p, len))) {
                set_null(P, c, r, base, p, len);
                continue;
            }
        }
        if (is_char)
            while (len > 0 && p[len - 1] == ' ') len--;
        if (likely(is_ascii(p, len))) {
            if (maxlen && len > maxlen) {
                if (!o->truncate_columns) {
                    chunk_error_add(P, r, c, SHOAL_LOAD_ERR_RANGE, p, len, "String length exceeds DDL length");
                    continue;
                }
                len = maxlen;
            }
        } else {
            size_t bad, bad_len;
            if (!utf8_valid((const unsigned char *)p, len, &bad, &bad_len)) {
                utf8_error(P, c, r, p, len, bad, bad_len);
                continue;
            }
            if (maxlen && len > maxlen && utf8_count(p, len) > maxlen) {
                if (!o->truncate_columns) {
                    chunk_error_add(P, r, c, SHOAL_LOAD_ERR_RANGE, p, len, "String length exceeds DDL length");
                    continue;
                }
                len = utf8_prefix(p, len, maxlen);
            }
        }
        out[r].ptr = p;
        out[r].len = len;
        total += len;
    }
    if (total == 0) return;
    /* one heap block for the chunk; sources and the block have 16 spare bytes, so the copy
     * moves 16 bytes at a time */
    char *dst = shoal_arena_alloc(&v->heap, total + 16);
    for (uint32_t r = 0; r < n; r++) {
        uint32_t len = out[r].len;
        if (len == 0) continue;
        const char *src = out[r].ptr;
        for (uint32_t k = 0; k < len; k += 16) memcpy(dst + k, src + k, 16);
        out[r].ptr = dst;
        dst += len;
    }
}

static void convert_column(parser *P, int c, uint32_t n, uint32_t base)
{
    shoal_type t = P->t->columns[c].type;
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: convert_bool(P, c, n, base); break;
    case SHOAL_TYPE_SMALLINT: convert_i16(P, c, n, base); break;
    case SHOAL_TYPE_INTEGER: convert_i32(P, c, n, base); break;
    case SHOAL_TYPE_BIGINT: convert_i64(P, c, n, base); break;
    case SHOAL_TYPE_DECIMAL:
        if (t.precision > SHOAL_DECIMAL_WIDE_PRECISION) convert_decimal128(P, c, n, base);
        else convert_decimal64(P, c, n, base);
        break;
    case SHOAL_TYPE_REAL:
    case SHOAL_TYPE_DOUBLE: convert_float(P, c, n, base); break;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR: convert_string(P, c, n, base); break;
    case SHOAL_TYPE_DATE: convert_date(P, c, n, base); break;
    case SHOAL_TYPE_TIMESTAMP: convert_timestamp(P, c, n, base); break;
    default: break; /* refused when the parse starts */
    }
}

/* ---- phase 3: errors and output ---- */

static int compare_chunk_errors(const void *a, const void *b)
{
    const chunk_error *x = a, *y = b;
    return (x->row > y->row) - (x->row < y->row);
}

/* Squeezes the bad rows out of rows [base, base + n); returns the rows kept. */
static uint32_t compact(parser *P, uint32_t n, uint32_t base)
{
    uint32_t kept = 0;
    for (int c = 0; c < P->ncols; c++) {
        shoal_vector *v = &P->batch.columns[c];
        size_t w = shoal_type_size(v->type);
        char *d = v->data;
        uint32_t k = 0;
        for (uint32_t r = 0; r < n; r++) {
            if (P->row_bad[r]) continue;
            if (k != r) {
                memcpy(d + (size_t)(base + k) * w, d + (size_t)(base + r) * w, w);
                if (v->validity) shoal_vector_set_null(v, base + k, shoal_vector_is_null(v, base + r));
            }
            k++;
        }
        if (v->validity)
            for (uint32_t r = base + k; r < base + n; r++) shoal_vector_set_null(v, r, false);
        kept = k;
    }
    return kept;
}

static shoal_copy_status emit(parser *P)
{
    for (int c = 0; c < P->ncols; c++) P->batch.columns[c].count = P->batch.count;
    P->st.rows_loaded += P->batch.count;
    int stop = P->on_batch ? P->on_batch(&P->batch, P->ctx) : 0;
    if (P->batch.columns == NULL) shoal_batch_init(&P->batch, P->ncols, P->types, ROWS);
    else shoal_batch_reset(&P->batch);
    if (stop) {
        snprintf(P->sink->message, sizeof P->sink->message, "COPY of '%s' cancelled", P->path);
        return SHOAL_COPY_CANCELLED;
    }
    return SHOAL_COPY_OK;
}

static shoal_copy_status finish_chunk(parser *P, uint32_t n)
{
    uint32_t base = P->batch.count;
    for (int c = 0; c < P->ncols; c++) convert_column(P, c, n, base);
    P->st.lines += n;
    uint32_t kept = n;
    if (P->nbad) {
        qsort(P->cerr, P->ncerr, sizeof *P->cerr, compare_chunk_errors);
        for (size_t i = 0; i < P->ncerr; i++) {
            chunk_error *e = &P->cerr[i];
            uint32_t r = e->row;
            const char *line = P->row_ptr[r];
            int position = -1;
            if (e->value && e->value >= line && e->value <= line + P->row_len[r]) position = (int)(e->value - line);
            shoal_load_error_sink_add(P->sink, P->path, line_number_at(P, P->row_off[r]), P->row_off[r], e->col,
                                      e->col >= 0 ? P->t->columns[e->col].name : "", position, line, P->row_len[r],
                                      e->value, e->value_len, e->code, e->reason);
            P->st.rows_rejected++;
            if (P->sink->error_count > P->o->max_error) {
                shoal_load_error_format_failure(P->sink->message, sizeof P->sink->message, P->t->table_name,
                                                P->sink->count ? &P->sink->errors[0] : NULL, P->sink->error_count,
                                                P->o->max_error);
                return SHOAL_COPY_LOAD_FAILED;
            }
        }
        kept = compact(P, n, base);
        P->nbad = 0;
        P->ncerr = 0;
    }
    P->batch.count += kept;
    for (int c = 0; c < P->ncols; c++) P->batch.columns[c].count = P->batch.count;
    if (P->batch.count == ROWS) return emit(P);
    return SHOAL_COPY_OK;
}

/* ---- setup: where the range's first line is, and the header ---- */

/* Consecutive backslashes just before window offset q, looking into the file when the run
 * reaches the start of the window (plain files). */
static size_t backslashes_before(parser *P, size_t q)
{
    size_t k = 0;
    while (q > k && P->in.buf[q - 1 - k] == '\\') k++;
    if (q > k || P->in.base == 0 || P->in.compression != SHOAL_COPY_COMPRESSION_NONE) return k;
    int64_t off = P->in.base;
    char tmp[256];
    while (off > 0) {
        size_t want = off > (int64_t)sizeof tmp ? sizeof tmp : (size_t)off;
        if (shoal_copy_input_pread(&P->in, tmp, want, off - (int64_t)want) != (long)want) break;
        size_t i = want;
        while (i > 0 && tmp[i - 1] == '\\') i--, k++;
        if (i > 0) break;
        off -= (int64_t)want;
    }
    return k;
}

/* Moves P->pos just past the next line break (with ESCAPE, the next one not escaped).
 * Returns 1, 0 at the end of the file (P->pos = fill), -1 on a read error. */
static int skip_line(parser *P)
{
    for (;;) {
        const char *buf = P->in.buf;
        const char *q = memchr(buf + P->pos, '\n', P->in.fill - P->pos);
        while (q && P->escape && (backslashes_before(P, (size_t)(q - buf)) & 1))
            q = memchr(q + 1, '\n', (size_t)(buf + P->in.fill - (q + 1)));
        if (q) {
            P->pos = (size_t)(q - buf) + 1;
            return 1;
        }
        if (P->in.eof) {
            P->pos = P->in.fill;
            return 0;
        }
        if (advance(P, P->in.fill) < 0) return -1;
        P->pos = 0;
    }
}

/* File offset just past the IGNOREHEADER-th line break (read from the start of a plain
 * file; with ESCAPE a newline after an odd run of backslashes does not count, as in
 * skip_line). */
static int64_t header_end_offset(parser *P)
{
    int64_t off = 0, lines = 0;
    size_t backslashes = 0;
    char *tmp = shoal_xmalloc(1 << 16);
    for (;;) {
        long got = shoal_copy_input_pread(&P->in, tmp, 1 << 16, off);
        if (got <= 0) break;
        for (long i = 0; i < got; i++) {
            if (tmp[i] == '\n' && !(P->escape && (backslashes & 1)) && ++lines == P->o->ignore_header) {
                free(tmp);
                return off + i + 1;
            }
            backslashes = tmp[i] == '\\' ? backslashes + 1 : 0;
        }
        off += got;
    }
    free(tmp);
    return INT64_MAX; /* the whole file is header */
}

static shoal_copy_status io_error(parser *P)
{
    snprintf(P->sink->message, sizeof P->sink->message, "%s", P->err);
    return SHOAL_COPY_IO_ERROR;
}

static shoal_copy_status position_range(parser *P, const shoal_copy_range *range)
{
    if (advance(P, 0) < 0) return io_error(P);
    P->pos = 0;
    if (range->start > 0) {
        /* the window starts at start-1: skip through the first line break found there */
        int k = skip_line(P);
        if (k < 0) return io_error(P);
        if (P->o->ignore_header > 0) {
            int64_t header_end = header_end_offset(P);
            while (P->in.base + (int64_t)P->pos < header_end && P->in.base + (int64_t)P->pos < P->limit) {
                k = skip_line(P);
                if (k < 0) return io_error(P);
                if (k == 0) break;
            }
        }
    } else {
        for (int64_t h = 0; h < P->o->ignore_header; h++) {
            int k = skip_line(P);
            if (k < 0) return io_error(P);
            if (k == 0) break;
        }
    }
    P->first_line = P->in.base + (int64_t)P->pos;
    return SHOAL_COPY_OK;
}

/* ---- the entry points ---- */

static bool supported_type(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: case SHOAL_TYPE_SMALLINT: case SHOAL_TYPE_INTEGER: case SHOAL_TYPE_BIGINT:
    case SHOAL_TYPE_REAL: case SHOAL_TYPE_DOUBLE: case SHOAL_TYPE_CHAR: case SHOAL_TYPE_VARCHAR:
    case SHOAL_TYPE_DATE: case SHOAL_TYPE_TIMESTAMP:
        return true;
    case SHOAL_TYPE_DECIMAL:
        return t.precision >= 1 && t.precision <= SHOAL_DECIMAL_MAX_PRECISION && t.scale <= t.precision;
    default:
        return false;
    }
}

static shoal_copy_status check_request(const shoal_copy_options *o, const shoal_copy_range *range,
                                       const shoal_copy_target *t, shoal_load_error_sink *sink)
{
    char *m = sink->message;
    size_t ms = sizeof sink->message;
    if (o == NULL || !o->validated) {
        snprintf(m, ms, "COPY options were not validated");
        return SHOAL_COPY_INVALID;
    }
    if (range == NULL || range->path == NULL || range->start < 0 || (range->end >= 0 && range->end < range->start)) {
        snprintf(m, ms, "invalid COPY range");
        return SHOAL_COPY_INVALID;
    }
    if (range->start > 0 && o->csv) {
        snprintf(m, ms, "CSV file '%s' cannot be read from byte %lld: CSV files are read whole (a quoted field may hold a newline)",
                 range->path, (long long)range->start);
        return SHOAL_COPY_INVALID;
    }
    if (t == NULL || t->column_count < 1 || t->columns == NULL) {
        snprintf(m, ms, "COPY needs at least one target column");
        return SHOAL_COPY_INVALID;
    }
    for (int c = 0; c < t->column_count; c++) {
        if (!supported_type(t->columns[c].type)) {
            char tn[40];
            shoal_type_name(t->columns[c].type, tn, sizeof tn);
            snprintf(m, ms, "COPY cannot load column '%s' of type %s", t->columns[c].name ? t->columns[c].name : "?", tn);
            return SHOAL_COPY_INVALID;
        }
    }
    return SHOAL_COPY_OK;
}

static void free_parser(parser *P)
{
    shoal_copy_input_close(&P->in);
    shoal_batch_free(&P->batch);
    free(P->sbuf);
    free(P->types);
    free(P->fields);
    free(P->row_ptr);
    free(P->row_len);
    free(P->row_off);
    free(P->row_bad);
    free(P->cerr);
    free(P);
}

shoal_copy_status shoal_copy_reader_open(const shoal_copy_options *o, const shoal_copy_range *range,
                                         const shoal_copy_target *t, shoal_load_error_sink *sink,
                                         shoal_copy_reader **out)
{
    *out = NULL;
    shoal_copy_status status = check_request(o, range, t, sink);
    if (status != SHOAL_COPY_OK) return status;

    parser *P = shoal_xcalloc(1, sizeof *P);
    P->o = o;
    P->t = t;
    P->ncols = t->column_count;
    P->path = range->path;
    P->sink = sink;
    P->csv = o->csv;
    P->escape = o->escape;
    P->delim = shoal_copy_delimiter(o);
    P->quote = o->quote;
    P->special = o->csv ? o->quote : o->escape ? '\\' : '\n';
    P->null_as = o->null_as;
    P->null_len = (uint32_t)strlen(o->null_as);
    char n0 = o->null_as[0];
    P->null_first = P->null_len > 0 && ((n0 >= '0' && n0 <= '9') || n0 == '-' || n0 == '+' || n0 == '.');
    P->limit = range->end < 0 ? INT64_MAX : range->end;
    P->stride = (size_t)P->ncols + 1;
    P->fields = shoal_xcalloc(P->stride * CHUNK_ROWS, sizeof *P->fields);
    P->row_ptr = shoal_xcalloc(CHUNK_ROWS, sizeof *P->row_ptr);
    P->row_len = shoal_xcalloc(CHUNK_ROWS, sizeof *P->row_len);
    P->row_off = shoal_xcalloc(CHUNK_ROWS, sizeof *P->row_off);
    P->row_bad = shoal_xcalloc(CHUNK_ROWS, 1);
    P->types = shoal_xmalloc((size_t)P->ncols * sizeof *P->types);
    for (int c = 0; c < P->ncols; c++) P->types[c] = t->columns[c].type;
    shoal_batch_init(&P->batch, P->ncols, P->types, ROWS);

    int64_t open_at = range->start > 0 ? range->start - 1 : 0;
    if (!shoal_copy_input_open(&P->in, range->path, o->compression, open_at, P->err, sizeof P->err))
        status = io_error(P);
    else
        status = position_range(P, range);
    if (status != SHOAL_COPY_OK) {
        free_parser(P);
        return status;
    }
    *out = (shoal_copy_reader *)P;
    return SHOAL_COPY_OK;
}

shoal_copy_status shoal_copy_reader_step(shoal_copy_reader *reader, int64_t max_bytes, shoal_copy_batch_fn on_batch,
                                         void *ctx, bool *done)
{
    parser *P = (parser *)reader;
    *done = P->finished;
    if (P->status != SHOAL_COPY_OK || P->finished) return P->status;
    P->on_batch = on_batch;
    P->ctx = ctx;
    const int64_t from = P->in.base + (int64_t)P->pos;
    shoal_copy_status status = SHOAL_COPY_OK;
    bool at_end = false;
    for (;;) {
        uint32_t nrows = 0;
        uint32_t room = ROWS - P->batch.count;
        scan_result res = scan_chunk(P, room < CHUNK_ROWS ? room : CHUNK_ROWS, &nrows);
        if (nrows > 0) {
            status = finish_chunk(P, nrows);
            if (status != SHOAL_COPY_OK) break;
        }
        P->slen = 0;
        if (res == SCAN_DONE) {
            at_end = true;
            break;
        }
        if (res == SCAN_NEED_MORE) {
            if (advance(P, P->pos) < 0) {
                status = io_error(P);
                break;
            }
            P->pos = 0;
        }
        if (max_bytes > 0 && P->in.base + (int64_t)P->pos - from >= max_bytes) break;
    }
    P->st.bytes = P->in.base + (int64_t)P->pos - P->first_line;
    if (status == SHOAL_COPY_OK && at_end) {
        if (P->batch.count > 0) status = emit(P);
        P->finished = status == SHOAL_COPY_OK;
    }
    P->status = status;
    *done = P->finished || status != SHOAL_COPY_OK;
    return status;
}

void shoal_copy_reader_stats(const shoal_copy_reader *reader, shoal_copy_stats *stats)
{
    const parser *P = (const parser *)reader;
    stats->rows_loaded += P->st.rows_loaded;
    stats->rows_rejected += P->st.rows_rejected;
    stats->lines += P->st.lines;
    stats->bytes += P->st.bytes > 0 ? P->st.bytes : 0;
}

void shoal_copy_reader_close(shoal_copy_reader *reader)
{
    if (reader) free_parser((parser *)reader);
}

shoal_copy_status shoal_copy_parse_range(const shoal_copy_options *o, const shoal_copy_range *range,
                                         const shoal_copy_target *t, shoal_copy_batch_fn on_batch, void *ctx,
                                         shoal_load_error_sink *sink, shoal_copy_stats *stats)
{
    shoal_copy_reader *reader;
    shoal_copy_status status = shoal_copy_reader_open(o, range, t, sink, &reader);
    if (status != SHOAL_COPY_OK) return status;
    bool done = false;
    status = shoal_copy_reader_step(reader, 0, on_batch, ctx, &done);
    if (stats) shoal_copy_reader_stats(reader, stats);
    shoal_copy_reader_close(reader);
    return status;
}

shoal_copy_status shoal_copy_parse_file(const shoal_copy_options *o, const char *path, const shoal_copy_target *t,
                                        shoal_copy_batch_fn on_batch, void *ctx, shoal_load_error_sink *sink,
                                        shoal_copy_stats *stats)
{
    shoal_copy_range range = {path, -1, 0, -1};
    return shoal_copy_parse_range(o, &range, t, on_batch, ctx, sink, stats);
}
