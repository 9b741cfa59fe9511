/* Block decoding: checks the header and CRC32C, decompresses, then decodes the values with
 * every length, count, code and run checked against the bytes that are really there, so a
 * corrupt block yields an error (SQLSTATE XX001) and never a crash. Layouts: block_encode.c. */
#include "engine/storage/block.h"
#include "engine/storage/bitpack.h"
#include "engine/storage/checksum.h"
#include "engine/storage/storage_io.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

typedef struct cursor {
    const uint8_t *p;
    size_t left;
} cursor;

static const uint8_t *cursor_take(cursor *c, size_t n)
{
    if (n > c->left) return NULL;
    const uint8_t *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

static bool cursor_u8(cursor *c, unsigned *v)
{
    const uint8_t *p = cursor_take(c, 1);
    if (p) *v = *p;
    return p != NULL;
}

static bool cursor_u32(cursor *c, uint32_t *v)
{
    const uint8_t *p = cursor_take(c, 4);
    if (p) memcpy(v, p, 4);
    return p != NULL;
}

static void *grow(void **p, size_t *cap, size_t bytes)
{
    if (bytes > *cap) {
        free(*p);
        *cap = bytes + bytes / 8 + 64;
        *p = shoal_xmalloc(*cap);
    }
    return *p;
}

/* One scratch area per call site (a second call may move it). */
static uint64_t *decoded_scratch(shoal_decoded_block *b, size_t words)
{
    return grow((void **)&b->scratch, &b->scratch_cap, words * 8 + 16);
}

#define BLOCK_TEMPLATE_DECODE
#define KEY uint64_t
#define SKEY int64_t
#define SUF 64
#define KEY_BYTES 8
#include "engine/storage/block_fixed_template.h"
#undef KEY
#undef SKEY
#undef SUF
#undef KEY_BYTES

#define KEY unsigned __int128
#define SKEY __int128
#define SUF 128
#define KEY_BYTES 16
#include "engine/storage/block_fixed_template.h"
#undef KEY
#undef SKEY
#undef SUF
#undef KEY_BYTES
#undef BLOCK_TEMPLATE_DECODE

void shoal_decoded_block_init(shoal_decoded_block *b) { memset(b, 0, sizeof *b); }

void shoal_decoded_block_free(shoal_decoded_block *b)
{
    free(b->raw);
    free(b->payload);
    free(b->values_buf);
    free(b->validity_buf);
    free(b->keys);
    free(b->scratch);
    free(b->slice_buf);
    if (b->dctx) ZSTD_freeDCtx(b->dctx);
    memset(b, 0, sizeof *b);
}

static bool corrupt(shoal_error *err, const char *what)
{
    return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED, "corrupt block: %s", what);
}

static inline uint32_t load_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

bool shoal_block_read_header(const uint8_t *bytes, size_t len, shoal_block_header *h,
                             shoal_zone_map *zm, shoal_error *err)
{
    if (len < SHOAL_BLOCK_HEADER_BYTES) return corrupt(err, "shorter than its header");
    if (load_u32(bytes) != SHOAL_BLOCK_MAGIC) return corrupt(err, "bad magic number");
    h->version = bytes[4];
    h->encoding = bytes[5];
    h->flags = bytes[6];
    h->physical = bytes[7];
    h->rows = load_u32(bytes + 8);
    h->nulls = load_u32(bytes + 12);
    h->stored_bytes = load_u32(bytes + 16);
    h->encoded_bytes = load_u32(bytes + 20);
    h->zone_bytes = load_u32(bytes + 24);
    h->checksum = load_u32(bytes + 28);
    if (h->version != SHOAL_BLOCK_VERSION)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED,
                                  "corrupt block: format version %u (this build reads %u)",
                                  h->version, SHOAL_BLOCK_VERSION);
    if ((uint64_t)SHOAL_BLOCK_HEADER_BYTES + h->zone_bytes + h->stored_bytes != len)
        return corrupt(err, "lengths in the header do not add up to the block's size");
    uint32_t crc = shoal_crc32c(0, bytes, 28);
    crc = shoal_crc32c(crc, bytes + SHOAL_BLOCK_HEADER_BYTES, len - SHOAL_BLOCK_HEADER_BYTES);
    if (crc != h->checksum) return corrupt(err, "checksum mismatch");
    /* Past the checksum, the fields are what the writer wrote; check them anyway. */
    if (h->encoding >= SHOAL_ENC_COUNT || (h->flags & ~SHOAL_BLOCK_FLAGS_ALL) ||
        h->physical > SHOAL_PHYS_STRING || h->rows > SHOAL_BLOCK_MAX_ROWS || h->nulls > h->rows)
        return corrupt(err, "invalid header fields");
    bool all_null = h->rows > 0 && h->nulls == h->rows;
    if (all_null != !!(h->flags & SHOAL_BLOCK_FLAG_ALL_NULL) ||
        (h->nulls > 0 && !all_null) != !!(h->flags & SHOAL_BLOCK_FLAG_VALIDITY))
        return corrupt(err, "NULL count and flags disagree");
    if (!(h->flags & SHOAL_BLOCK_FLAG_ZSTD) && h->stored_bytes != h->encoded_bytes)
        return corrupt(err, "stored and encoded lengths differ without compression");
    /* Bound what decoding will allocate: no encoding needs more than this. */
    uint64_t words = ((uint64_t)h->rows + 63) / 64;
    uint64_t max_encoded = h->physical == SHOAL_PHYS_STRING
                               ? (1ull << 31)
                               : words * 8 + (uint64_t)h->rows * (shoal_physical_size((shoal_physical)h->physical) + 8) + 64;
    if (h->encoded_bytes > max_encoded) return corrupt(err, "payload length out of range");
    shoal_reader r;
    shoal_reader_init(&r, bytes + SHOAL_BLOCK_HEADER_BYTES, h->zone_bytes);
    if (!shoal_zone_map_read(&r, (shoal_physical)h->physical, zm) || !shoal_reader_done(&r))
        return corrupt(err, "malformed zone map");
    if (zm->rows != h->rows || zm->nulls != h->nulls) return corrupt(err, "zone map and header disagree");
    return true;
}

/* ---- fixed-width values ---- */

static void narrow_keys(const uint64_t *restrict k, uint32_t n, unsigned width, void *restrict out)
{
    switch (width) {
    case 1: {
        uint8_t *o = out;
        for (uint32_t i = 0; i < n; i++) o[i] = (uint8_t)k[i];
        break;
    }
    case 2: {
        uint16_t *o = out;
        for (uint32_t i = 0; i < n; i++) o[i] = (uint16_t)k[i];
        break;
    }
    case 4: {
        uint32_t *o = out;
        for (uint32_t i = 0; i < n; i++) o[i] = (uint32_t)k[i];
        break;
    }
    default: memcpy(out, k, (size_t)n * 8); break;
    }
}

static bool decode_fixed64(cursor *c, shoal_encoding e, shoal_physical phys, uint32_t n,
                           shoal_decoded_block *b)
{
    unsigned width = (unsigned)shoal_physical_size(phys);
    bool is_float = phys == SHOAL_PHYS_F32 || phys == SHOAL_PHYS_F64;
    if (e == SHOAL_ENC_RAW) {
        const uint8_t *p = cursor_take(c, (size_t)n * width);
        if (p) memcpy(b->values, p, (size_t)n * width);
        return p != NULL;
    }
    if (is_float && (e == SHOAL_ENC_FOR || e == SHOAL_ENC_DELTA)) return false;
    uint64_t *k = width == 8 ? b->values : grow((void **)&b->keys, &b->keys_cap, (size_t)n * 8);
    bool ok;
    switch (e) {
    case SHOAL_ENC_FOR: ok = decode_for_64(c, n, k, NULL); break;
    case SHOAL_ENC_DELTA: ok = decode_delta_64(c, n, k, NULL); break;
    case SHOAL_ENC_RLE: ok = decode_rle_64(c, n, width, k, b); break;
    case SHOAL_ENC_DICT: ok = decode_dict_64(c, n, width, k, b); break;
    default: ok = false; break;
    }
    if (ok && width < 8) narrow_keys(k, n, width, b->values);
    return ok;
}

static bool decode_fixed128(cursor *c, shoal_encoding e, uint32_t n, shoal_decoded_block *b)
{
    unsigned __int128 *out = b->values;
    switch (e) {
    case SHOAL_ENC_RAW: {
        const uint8_t *p = cursor_take(c, (size_t)n * 16);
        if (p) memcpy(out, p, (size_t)n * 16);
        return p != NULL;
    }
    case SHOAL_ENC_FOR: return decode_for_128(c, n, out, decoded_scratch(b, n));
    case SHOAL_ENC_DELTA: return decode_delta_128(c, n, out, decoded_scratch(b, n));
    case SHOAL_ENC_RLE: return decode_rle_128(c, n, 16, out, b);
    case SHOAL_ENC_DICT: return decode_dict_128(c, n, 16, out, b);
    default: return false;
    }
}

/* ---- strings ---- */

/* S(m) into dst; lens is scratch for m u32 lengths. */
static bool take_string_section(cursor *c, uint32_t m, shoal_string *restrict dst, uint32_t *restrict lens)
{
    unsigned bits;
    const uint8_t *packed;
    if (!cursor_u8(c, &bits) || bits > 32) return false;
    if ((packed = cursor_take(c, shoal_bitpack_bytes(m, bits))) == NULL) return false;
    shoal_bitunpack32(packed, m, bits, lens);
    uint64_t total = 0;
    for (uint32_t i = 0; i < m; i++) total += lens[i];
    const uint8_t *bytes = cursor_take(c, total);
    if (bytes == NULL) return false;
    const char *p = (const char *)bytes;
    for (uint32_t i = 0; i < m; i++) {
        dst[i].ptr = p;
        dst[i].len = lens[i];
        p += lens[i];
    }
    return true;
}

static bool decode_strings(cursor *c, shoal_encoding e, uint32_t n, shoal_decoded_block *b)
{
    shoal_string *out = b->values;
    switch (e) {
    case SHOAL_ENC_RAW:
        return take_string_section(c, n, out, (uint32_t *)decoded_scratch(b, (size_t)n / 2 + 1));
    case SHOAL_ENC_RLE: {
        uint32_t runs;
        unsigned bits;
        const uint8_t *packed;
        if (!cursor_u32(c, &runs) || runs == 0 || runs > n) return false;
        if (!cursor_u8(c, &bits) || bits > 32) return false;
        if ((packed = cursor_take(c, shoal_bitpack_bytes(runs, bits))) == NULL) return false;
        /* scratch: values (runs strings), run lengths (runs u32), section lengths (runs u32) */
        uint64_t *s = decoded_scratch(b, (size_t)runs * 2 + (size_t)runs + 1);
        shoal_string *vals = (shoal_string *)s;
        uint32_t *lengths = (uint32_t *)(s + (size_t)runs * 2);
        uint32_t *section = lengths + runs;
        shoal_bitunpack32(packed, runs, bits, lengths);
        if (!take_string_section(c, runs, vals, section)) return false;
        uint32_t pos = 0;
        for (uint32_t r = 0; r < runs; r++) {
            uint32_t len = lengths[r] + 1;
            if (len == 0 || len > n - pos) return false;
            for (uint32_t i = 0; i < len; i++) out[pos + i] = vals[r];
            pos += len;
        }
        return pos == n;
    }
    case SHOAL_ENC_DICT: {
        uint32_t count;
        unsigned bits;
        const uint8_t *packed;
        if (!cursor_u32(c, &count) || count == 0 || count > n) return false;
        /* scratch: entries (count strings), codes (n u32), section lengths (count u32) */
        uint64_t *s = decoded_scratch(b, (size_t)count * 2 + ((size_t)n + count) / 2 + 1);
        shoal_string *entries = (shoal_string *)s;
        uint32_t *codes = (uint32_t *)(s + (size_t)count * 2);
        uint32_t *section = codes + n;
        if (!take_string_section(c, count, entries, section)) return false;
        if (!cursor_u8(c, &bits) || bits > 32) return false;
        if ((packed = cursor_take(c, shoal_bitpack_bytes(n, bits))) == NULL) return false;
        shoal_bitunpack32(packed, n, bits, codes);
        uint32_t max_code = 0;
        for (uint32_t i = 0; i < n; i++) max_code = codes[i] > max_code ? codes[i] : max_code;
        if (max_code >= count) return false;
        for (uint32_t i = 0; i < n; i++) out[i] = entries[codes[i]];
        return true;
    }
    default: return false;
    }
}

/* ---- the block ---- */

uint8_t *shoal_decoded_block_buffer(shoal_decoded_block *b, size_t len)
{
    uint8_t *p = grow((void **)&b->raw, &b->raw_cap, len + SHOAL_BITPACK_PAD);
    memset(p + len, 0, SHOAL_BITPACK_PAD);
    return p;
}

bool shoal_block_decode(const uint8_t *bytes, size_t len, shoal_physical physical,
                        shoal_decoded_block *b, shoal_error *err)
{
    uint8_t *buf = shoal_decoded_block_buffer(b, len);
    memcpy(buf, bytes, len);
    return shoal_block_decode_buffer(b, len, physical, err);
}

/* Header, checksum, zstd and validity: *c is left at the values. Returns 0 on error, 2 when
 * the block is complete already (all NULL; values zeroed), 1 when the values follow. */
static int open_payload(shoal_decoded_block *b, size_t len, shoal_physical physical, bool lazy, cursor *c,
                        shoal_error *err)
{
    const uint8_t *bytes = b->raw;
    shoal_block_header *h = &b->header;
    if (!shoal_block_read_header(bytes, len, h, &b->zone, err)) return false;
    if (h->physical != (uint8_t)physical)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED,
                                  "corrupt block: holds physical type %u where %u was expected",
                                  h->physical, (unsigned)physical);
    uint32_t n = h->rows;
    size_t width = physical == SHOAL_PHYS_STRING ? sizeof(shoal_string) : shoal_physical_size(physical);
    b->physical = (uint8_t)physical;
    b->rows = n;
    b->width = (uint8_t)width;
    b->lazy = false;
    b->values = lazy ? NULL : grow(&b->values_buf, &b->values_cap, (size_t)n * width + 16);
    b->validity = NULL;

    /* The payload, with SHOAL_BITPACK_PAD readable bytes after it: in place, or decompressed. */
    const uint8_t *stored = bytes + SHOAL_BLOCK_HEADER_BYTES + h->zone_bytes;
    size_t encoded = h->encoded_bytes;
    const uint8_t *payload = stored;
    if (h->flags & SHOAL_BLOCK_FLAG_ZSTD) {
        if (ZSTD_getFrameContentSize(stored, h->stored_bytes) != encoded)
            return corrupt(err, "zstd frame does not hold the payload's length");
        uint8_t *out = grow((void **)&b->payload, &b->payload_cap, encoded + SHOAL_BITPACK_PAD);
        if (b->dctx == NULL && (b->dctx = ZSTD_createDCtx()) == NULL)
            shoal_fatal("ZSTD_createDCtx failed (out of memory)");
        size_t got = ZSTD_decompressDCtx(b->dctx, out, encoded, stored, h->stored_bytes);
        if (ZSTD_isError(got) || got != encoded) return corrupt(err, "zstd payload does not decompress");
        memset(out + encoded, 0, SHOAL_BITPACK_PAD);
        payload = out;
    }

    size_t words = ((size_t)n + 63) / 64;
    if (h->flags & SHOAL_BLOCK_FLAG_ALL_NULL) {
        if (encoded != 0) return corrupt(err, "an all-NULL block carries values");
        if (b->values == NULL) b->values = grow(&b->values_buf, &b->values_cap, (size_t)n * width + 16);
        memset(b->values, 0, (size_t)n * width);
        if (physical == SHOAL_PHYS_STRING)
            for (uint32_t i = 0; i < n; i++) ((shoal_string *)b->values)[i].ptr = "";
        b->validity = grow((void **)&b->validity_buf, &b->validity_cap, words * 8);
        memset(b->validity, 0, words * 8);
        return 2;
    }
    if (n == 0) return encoded == 0 || corrupt(err, "an empty block carries values") ? 2 : 0;

    c->p = payload;
    c->left = encoded;
    if (h->flags & SHOAL_BLOCK_FLAG_VALIDITY) {
        const uint8_t *bm = cursor_take(c, words * 8);
        if (bm == NULL) return corrupt(err, "validity bitmap cut short");
        b->validity = grow((void **)&b->validity_buf, &b->validity_cap, words * 8);
        memcpy(b->validity, bm, words * 8);
        if (n % 64) b->validity[words - 1] &= (1ull << (n % 64)) - 1;
        uint64_t valid = 0;
        for (size_t i = 0; i < words; i++) valid += (uint64_t)__builtin_popcountll(b->validity[i]);
        if (valid != (uint64_t)n - h->nulls) return corrupt(err, "validity bitmap and NULL count disagree");
    }
    return 1;
}

/* The values of a block opened by open_payload, decoded whole into b->values. */
static bool decode_values(shoal_decoded_block *b, cursor *cur, shoal_physical physical, shoal_error *err)
{
    shoal_block_header *h = &b->header;
    uint32_t n = h->rows;
    cursor c = *cur;
    if (b->values == NULL) b->values = grow(&b->values_buf, &b->values_cap, (size_t)n * b->width + 16);
    bool ok;
    switch (physical) {
    case SHOAL_PHYS_STRING: ok = decode_strings(&c, (shoal_encoding)h->encoding, n, b); break;
    case SHOAL_PHYS_I128: ok = decode_fixed128(&c, (shoal_encoding)h->encoding, n, b); break;
    default: ok = decode_fixed64(&c, (shoal_encoding)h->encoding, physical, n, b); break;
    }
    if (!ok) return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED,
                                       "corrupt block: malformed %s values", shoal_encoding_name(h->encoding));
    if (c.left != 0) return corrupt(err, "trailing bytes after the values");
    return true;
}

bool shoal_block_decode_buffer(shoal_decoded_block *b, size_t len, shoal_physical physical, shoal_error *err)
{
    cursor c;
    int rc = open_payload(b, len, physical, false, &c, err);
    if (rc != 1) return rc == 2;
    return decode_values(b, &c, physical, err);
}

/* ---- lazy decoding ---- */

static bool malformed(const shoal_decoded_block *b, shoal_error *err)
{
    return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED, "corrupt block: malformed %s values",
                              shoal_encoding_name(b->header.encoding));
}

/* The layout of a lazily read block, checked as decode_values checks it; false: malformed. */
static bool open_lazy(shoal_decoded_block *b, cursor *c, shoal_physical physical)
{
    uint32_t n = b->rows;
    unsigned bits;
    const uint8_t *packed;
    bool strings = physical == SHOAL_PHYS_STRING;
    unsigned width = b->width;
    switch ((shoal_encoding)b->header.encoding) {
    case SHOAL_ENC_FOR:
        if (!cursor_u8(c, &bits) || bits > 64 || !take_key_64(c, &b->base)) return false;
        if ((packed = cursor_take(c, shoal_bitpack_bytes(n, bits))) == NULL) return false;
        break;
    case SHOAL_ENC_DELTA:
        if (!cursor_u8(c, &bits) || bits > 64 || !take_key_64(c, &b->base) || !take_key_64(c, &b->min_delta))
            return false;
        if ((packed = cursor_take(c, shoal_bitpack_bytes(n - 1, bits))) == NULL) return false;
        b->last = b->base;
        break;
    case SHOAL_ENC_DICT: {
        uint32_t count;
        if (!cursor_u32(c, &count) || count == 0 || count > n) return false;
        if (strings) {
            /* scratch: entries (count strings), section lengths (count u32) */
            uint64_t *s = decoded_scratch(b, (size_t)count * 2 + (size_t)count / 2 + 1);
            if (!take_string_section(c, count, (shoal_string *)s, (uint32_t *)(s + (size_t)count * 2))) return false;
            b->entries = s;
        } else {
            uint64_t *s = decoded_scratch(b, count);
            if (!take_raw_64(c, count, width, s)) return false;
            b->entries = s;
        }
        b->entry_count = count;
        if (!cursor_u8(c, &bits) || bits > 32) return false;
        if ((packed = cursor_take(c, shoal_bitpack_bytes(n, bits))) == NULL) return false;
        break;
    }
    case SHOAL_ENC_RLE: {
        uint32_t runs;
        if (!cursor_u32(c, &runs) || runs == 0 || runs > n) return false;
        if (!cursor_u8(c, &bits) || bits > 32) return false;
        if ((packed = cursor_take(c, shoal_bitpack_bytes(runs, bits))) == NULL) return false;
        /* scratch: run values (runs keys or strings), run lengths (runs u32), section lengths (runs u32) */
        size_t value_words = strings ? (size_t)runs * 2 : runs;
        uint64_t *s = decoded_scratch(b, value_words + (size_t)runs + 1);
        uint32_t *lengths = (uint32_t *)(s + value_words);
        shoal_bitunpack32(packed, runs, bits, lengths);
        if (strings ? !take_string_section(c, runs, (shoal_string *)s, lengths + runs) : !take_raw_64(c, runs, width, s))
            return false;
        uint64_t total = 0;
        for (uint32_t r = 0; r < runs; r++) total += (uint64_t)lengths[r] + 1;
        if (total != n) return false;
        for (uint32_t r = 0; r < runs; r++) lengths[r] += 1;
        b->entries = s;
        b->run_lengths = lengths;
        b->entry_count = runs;
        b->run = 0;
        b->run_left = lengths[0];
        bits = 0;
        packed = NULL;
        break;
    }
    default: return false;
    }
    b->bits = (uint8_t)bits;
    b->packed = packed;
    b->next_row = 0;
    return true;
}

bool shoal_block_open_buffer(shoal_decoded_block *b, size_t len, shoal_physical physical, shoal_error *err)
{
    cursor c;
    int rc = open_payload(b, len, physical, true, &c, err);
    if (rc != 1) return rc == 2;
    shoal_encoding e = (shoal_encoding)b->header.encoding;
    bool is_float = physical == SHOAL_PHYS_F32 || physical == SHOAL_PHYS_F64;
    bool lazy = physical == SHOAL_PHYS_STRING ? (e == SHOAL_ENC_RLE || e == SHOAL_ENC_DICT)
                : physical == SHOAL_PHYS_I128 ? false
                : (e == SHOAL_ENC_RLE || e == SHOAL_ENC_DICT || (!is_float && (e == SHOAL_ENC_FOR || e == SHOAL_ENC_DELTA)));
    if (!lazy) return decode_values(b, &c, physical, err);
    if (!open_lazy(b, &c, physical)) return malformed(b, err);
    if (c.left != 0) return corrupt(err, "trailing bytes after the values");
    b->lazy = true;
    b->lazy_encoding = (uint8_t)e;
    return true;
}

/* keys[0..n) (64-bit) to n values of `width` bytes. */
static void store_keys(const uint64_t *restrict k, uint32_t n, unsigned width, void *restrict out)
{
    narrow_keys(k, n, width, out);
}

static uint64_t *slice_scratch(shoal_decoded_block *b, size_t words)
{
    return grow((void **)&b->slice_buf, &b->slice_cap, words * 8 + 64);
}

bool shoal_block_read_slice(shoal_decoded_block *b, uint32_t pos, uint32_t n, void *out, shoal_error *err)
{
    if (pos > b->rows || n > b->rows - pos || pos % 8)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INTERNAL, "block slice [%u, %u) of a %u-row block", pos, pos + n,
                                  b->rows);
    if (n == 0) return true;
    if (!b->lazy) {
        memcpy(out, (const uint8_t *)b->values + (size_t)pos * b->width, (size_t)n * b->width);
        return true;
    }
    unsigned width = b->width, bits = b->bits;
    bool strings = b->physical == SHOAL_PHYS_STRING;
    shoal_encoding e = (shoal_encoding)b->lazy_encoding;
    if ((e == SHOAL_ENC_DELTA || e == SHOAL_ENC_RLE) && pos != b->next_row)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INTERNAL, "block slice at row %u, expected %u (slices are read in order)",
                                  pos, b->next_row);
    switch (e) {
    case SHOAL_ENC_FOR: {
        const uint8_t *p = b->packed + (size_t)pos * bits / 8;
        if (width == 8) {
            shoal_bitunpack(p, n, bits, b->base, out);
        } else {
            uint64_t *k = slice_scratch(b, n);
            shoal_bitunpack(p, n, bits, b->base, k);
            store_keys(k, n, width, out);
        }
        break;
    }
    case SHOAL_ENC_DELTA: {
        /* row r >= 1 is row r-1 plus difference r-1; the differences are unpacked from the
         * start of the group of 8 that holds the first one needed */
        uint64_t *d = slice_scratch(b, 2 * (size_t)n + 8); /* differences (n + 7), then keys (n) */
        uint64_t *k = width == 8 ? (uint64_t *)out : d + n + 8;
        uint64_t v = b->last;
        uint32_t i = 0, first = pos - 1;
        if (pos == 0) {
            k[0] = v = b->base;
            i = 1;
            first = 0;
        }
        uint32_t count = n - i, aligned = first & ~7u, skip = first - aligned;
        if (count) {
            shoal_bitunpack(b->packed + (size_t)aligned * bits / 8, (size_t)count + skip, bits, b->min_delta, d);
            for (uint32_t j = 0; j < count; j++) k[i + j] = v = v + d[skip + j];
        }
        b->last = v;
        if (width != 8) store_keys(k, n, width, out);
        break;
    }
    case SHOAL_ENC_DICT: {
        uint32_t *codes = (uint32_t *)slice_scratch(b, (size_t)n / 2 + 1);
        shoal_bitunpack32(b->packed + (size_t)pos * bits / 8, n, bits, codes);
        uint32_t max_code = 0;
        for (uint32_t i = 0; i < n; i++) max_code = codes[i] > max_code ? codes[i] : max_code;
        if (max_code >= b->entry_count) return malformed(b, err);
        if (strings) {
            const shoal_string *ent = b->entries;
            shoal_string *o = out;
            for (uint32_t i = 0; i < n; i++) o[i] = ent[codes[i]];
        } else {
            const uint64_t *ent = b->entries;
            switch (width) {
            case 1: for (uint32_t i = 0; i < n; i++) ((uint8_t *)out)[i] = (uint8_t)ent[codes[i]]; break;
            case 2: for (uint32_t i = 0; i < n; i++) ((uint16_t *)out)[i] = (uint16_t)ent[codes[i]]; break;
            case 4: for (uint32_t i = 0; i < n; i++) ((uint32_t *)out)[i] = (uint32_t)ent[codes[i]]; break;
            default: for (uint32_t i = 0; i < n; i++) ((uint64_t *)out)[i] = ent[codes[i]]; break;
            }
        }
        break;
    }
    case SHOAL_ENC_RLE: {
        uint32_t i = 0, run = b->run, left = b->run_left;
        while (i < n) {
            if (left == 0) left = b->run_lengths[++run]; /* the lengths add up to the rows: run stays in range */
            uint32_t take = left < n - i ? left : n - i;
            if (strings) {
                shoal_string s = ((const shoal_string *)b->entries)[run];
                shoal_string *o = (shoal_string *)out + i;
                for (uint32_t j = 0; j < take; j++) o[j] = s;
            } else {
                uint64_t v = ((const uint64_t *)b->entries)[run];
                switch (width) {
                case 1: memset((uint8_t *)out + i, (int)(uint8_t)v, take); break;
                case 2: for (uint32_t j = 0; j < take; j++) ((uint16_t *)out)[i + j] = (uint16_t)v; break;
                case 4: for (uint32_t j = 0; j < take; j++) ((uint32_t *)out)[i + j] = (uint32_t)v; break;
                default: for (uint32_t j = 0; j < take; j++) ((uint64_t *)out)[i + j] = v; break;
                }
            }
            i += take;
            left -= take;
        }
        b->run = run;
        b->run_left = left;
        break;
    }
    default: return malformed(b, err);
    }
    b->next_row = pos + n;
    return true;
}
