/* Block encoding: measures a column segment once (min/max, deltas, runs, and distinct values
 * when a dictionary could win), computes every allowed encoding's exact size from those
 * statistics, writes the smallest, then zstd over it when that pays. Also the ENCODE names.
 *
 * Value layouts (after the optional validity bitmap; "packed(n, b)" is u8 b then n b-bit values,
 * see bitpack.h; K = 8 bytes, 16 for 128-bit decimals; W = the type's width):
 *   fixed RAW    n * W bytes
 *   fixed FOR    u8 b, base (K), packed values - base         (integers; range < 2^64)
 *   fixed DELTA  u8 b, first (K), min delta (K), (n-1) b-bit (delta - min delta)
 *   fixed RLE    u32 runs, packed(runs, run length - 1), runs * W values
 *   fixed DICT   u32 entries, entries * W values, packed(n, code)
 *   string section S(m)   packed(m, length), then the m strings' bytes back to back
 *   string RAW   S(n) (a NULL row is an empty string)
 *   string RLE   u32 runs, packed(runs, run length - 1), S(runs)
 *   string DICT  u32 entries, S(entries), packed(n, code)
 * Values at NULL rows are don't-care: FOR/DELTA/RLE/DICT see the previous non-NULL value there
 * so NULLs neither widen the range nor break runs. */
#include "engine/storage/block.h"
#include "engine/storage/bitpack.h"
#include "engine/storage/checksum.h"
#include "engine/storage/storage_io.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zstd.h>

struct shoal_block_encoder {
    int zstd_level;
    ZSTD_CCtx *cctx;
    void *keys;         /* the values as u64 / u128 keys */
    size_t keys_cap;    /* bytes */
    uint64_t *tmp;      /* offsets, deltas, codes, run lengths */
    size_t tmp_cap;     /* bytes */
    void *entries;      /* dictionary entries or run values */
    size_t entries_cap; /* bytes */
    uint32_t *slots;    /* hash table */
    size_t slots_cap;   /* bytes */
    uint64_t *lens;     /* string lengths of a section */
    size_t lens_cap;    /* bytes */
    uint64_t *hashes;   /* string dictionary entries' hashes */
    size_t hashes_cap;  /* bytes */
    uint64_t *pfx;      /* strings' first 8 bytes, big-endian */
    size_t pfx_cap;     /* bytes */
    uint64_t *entry_pfx; /* the same for dictionary entries */
    size_t entry_pfx_cap;
    shoal_writer payload;
    uint8_t *zbuf;
    size_t zbuf_cap;
};

/* Scratch that keeps no contents across calls. */
static void *scratch(void **p, size_t *cap, size_t bytes)
{
    if (bytes > *cap) {
        free(*p);
        *cap = bytes + bytes / 4 + 64;
        *p = shoal_xmalloc(*cap);
    }
    return *p;
}

shoal_block_encoder *shoal_block_encoder_create(int zstd_level)
{
    shoal_block_encoder *enc = shoal_xcalloc(1, sizeof *enc);
    enc->zstd_level = zstd_level > 0 ? zstd_level : 3;
    enc->cctx = ZSTD_createCCtx();
    if (enc->cctx == NULL) shoal_fatal("ZSTD_createCCtx failed (out of memory)");
    shoal_writer_init(&enc->payload, 64 * 1024);
    return enc;
}

void shoal_block_encoder_free(shoal_block_encoder *enc)
{
    if (enc == NULL) return;
    ZSTD_freeCCtx(enc->cctx);
    free(enc->keys);
    free(enc->tmp);
    free(enc->entries);
    free(enc->slots);
    free(enc->lens);
    free(enc->hashes);
    free(enc->pfx);
    free(enc->entry_pfx);
    free(enc->zbuf);
    shoal_writer_free(&enc->payload);
    free(enc);
}

static uint32_t *encoder_slots(shoal_block_encoder *enc, uint32_t nslots)
{
    uint32_t *s = scratch((void **)&enc->slots, &enc->slots_cap, (size_t)nslots * 4);
    memset(s, 0, (size_t)nslots * 4);
    return s;
}

static void put_packed(shoal_writer *w, const uint64_t *v, uint32_t n, unsigned bits)
{
    shoal_put_u8(w, (uint8_t)bits);
    size_t bytes = shoal_bitpack_bytes(n, bits);
    shoal_bitpack(v, n, bits, shoal_writer_reserve(w, bytes));
}

#define BLOCK_TEMPLATE_ENCODE
#define KEY uint64_t
#define SKEY int64_t
#define SUF 64
#define KEY_BYTES 8
#define KEY_FITS64(x) ((void)(x), true)
#include "engine/storage/block_fixed_template.h"
#undef KEY
#undef SKEY
#undef SUF
#undef KEY_BYTES
#undef KEY_FITS64

#define KEY unsigned __int128
#define SKEY __int128
#define SUF 128
#define KEY_BYTES 16
#define KEY_FITS64(x) (((x) >> 64) == 0)
#include "engine/storage/block_fixed_template.h"
#undef KEY
#undef SKEY
#undef SUF
#undef KEY_BYTES
#undef KEY_FITS64
#undef BLOCK_TEMPLATE_ENCODE

static inline bool fits64(unsigned __int128 x) { return (x >> 64) == 0; }

/* ---- ENCODE names ---- */

static const struct {
    const char *name;
    uint8_t allowed;
    uint8_t zstd;
} encode_names[] = {
    {"AUTO", SHOAL_ENC_ALL, SHOAL_ZSTD_WHEN_PAYS},
    {"RAW", SHOAL_ENC_BIT(SHOAL_ENC_RAW), SHOAL_ZSTD_NEVER},
    {"AZ64", SHOAL_ENC_BIT(SHOAL_ENC_FOR) | SHOAL_ENC_BIT(SHOAL_ENC_DELTA), SHOAL_ZSTD_NEVER},
    {"BYTEDICT", SHOAL_ENC_BIT(SHOAL_ENC_DICT), SHOAL_ZSTD_NEVER},
    {"TEXT255", SHOAL_ENC_BIT(SHOAL_ENC_DICT), SHOAL_ZSTD_NEVER},
    {"TEXT32K", SHOAL_ENC_BIT(SHOAL_ENC_DICT), SHOAL_ZSTD_NEVER},
    {"RUNLENGTH", SHOAL_ENC_BIT(SHOAL_ENC_RLE), SHOAL_ZSTD_NEVER},
    {"DELTA", SHOAL_ENC_BIT(SHOAL_ENC_DELTA), SHOAL_ZSTD_NEVER},
    {"DELTA32K", SHOAL_ENC_BIT(SHOAL_ENC_DELTA), SHOAL_ZSTD_NEVER},
    {"MOSTLY8", SHOAL_ENC_BIT(SHOAL_ENC_FOR), SHOAL_ZSTD_NEVER},
    {"MOSTLY16", SHOAL_ENC_BIT(SHOAL_ENC_FOR), SHOAL_ZSTD_NEVER},
    {"MOSTLY32", SHOAL_ENC_BIT(SHOAL_ENC_FOR), SHOAL_ZSTD_NEVER},
    {"ZSTD", SHOAL_ENC_BIT(SHOAL_ENC_RAW), SHOAL_ZSTD_ALWAYS},
    {"LZO", SHOAL_ENC_BIT(SHOAL_ENC_RAW), SHOAL_ZSTD_ALWAYS},
    {"FOR", SHOAL_ENC_BIT(SHOAL_ENC_FOR), SHOAL_ZSTD_NEVER},
    {"DICT", SHOAL_ENC_BIT(SHOAL_ENC_DICT), SHOAL_ZSTD_NEVER},
    {"RLE", SHOAL_ENC_BIT(SHOAL_ENC_RLE), SHOAL_ZSTD_NEVER},
};

bool shoal_encoding_from_name(const char *name, shoal_encoding_request *out)
{
    if (name == NULL) return false;
    for (size_t i = 0; i < sizeof encode_names / sizeof encode_names[0]; i++) {
        if (strcasecmp(name, encode_names[i].name) == 0) {
            out->allowed = encode_names[i].allowed;
            out->zstd = encode_names[i].zstd;
            return true;
        }
    }
    return false;
}

const char *shoal_encoding_name(shoal_encoding e)
{
    static const char *const names[SHOAL_ENC_COUNT] = {"raw", "for", "delta", "rle", "dict"};
    return (unsigned)e < SHOAL_ENC_COUNT ? names[e] : "?";
}

/* ---- helpers ---- */

static inline bool row_valid(const uint64_t *validity, uint32_t i)
{
    return validity == NULL || (validity[i >> 6] >> (i & 63) & 1);
}

static uint32_t count_nulls(const uint64_t *validity, uint32_t rows)
{
    if (validity == NULL) return 0;
    uint32_t valid = 0, full = rows / 64;
    for (uint32_t i = 0; i < full; i++) valid += (uint32_t)__builtin_popcountll(validity[i]);
    if (rows % 64) valid += (uint32_t)__builtin_popcountll(validity[full] & ((1ull << (rows % 64)) - 1));
    return rows - valid;
}

/* NULL rows take the previous non-NULL value (leading ones the first non-NULL value). */
#define FILL_NULL_SLOTS(k, n, validity)                                                        \
    do {                                                                                       \
        uint32_t first_ = 0;                                                                   \
        while (first_ < (n) && !row_valid((validity), first_)) first_++;                      \
        for (uint32_t i_ = 0; i_ < first_; i_++) (k)[i_] = (k)[first_];                       \
        for (uint32_t i_ = first_ + 1; i_ < (n); i_++)                                        \
            if (!row_valid((validity), i_)) (k)[i_] = (k)[i_ - 1];                            \
    } while (0)

/* The allowed encoding with the smallest size (ties: the earlier in enum order); RAW when
 * none of the allowed ones applies. */
static shoal_encoding pick_smallest(const uint64_t *size, uint8_t allowed)
{
    shoal_encoding best = SHOAL_ENC_RAW;
    uint64_t best_size = UINT64_MAX;
    for (int e = 0; e < SHOAL_ENC_COUNT; e++) {
        if ((allowed & SHOAL_ENC_BIT(e)) && size[e] < best_size) {
            best = (shoal_encoding)e;
            best_size = size[e];
        }
    }
    return best;
}

static bool single_encoding(uint8_t allowed) { return allowed && (allowed & (allowed - 1)) == 0; }

/* Rows looked at before building a whole dictionary. */
#define DICT_SAMPLE_ROWS 1024u

/* Whether the sampled values (given by their hashes) have few enough distinct ones (at most
 * half) for a dictionary to be worth building for the whole block. */
static bool sample_has_repeats(shoal_block_encoder *enc, const uint64_t *hashes, uint32_t m)
{
    if (m < 64) return true;
    uint32_t *slots = encoder_slots(enc, 4 * DICT_SAMPLE_ROWS); /* used as 2 * m u64 slots */
    uint64_t *set = (uint64_t *)slots;
    uint32_t mask = 2 * DICT_SAMPLE_ROWS - 1, distinct = 0;
    for (uint32_t i = 0; i < m; i++) {
        uint64_t h = hashes[i] ? hashes[i] : 1;
        uint32_t pos = (uint32_t)(h >> 32) & mask;
        while (set[pos] != 0 && set[pos] != h) pos = (pos + 1) & mask;
        if (set[pos] == 0) {
            set[pos] = h;
            distinct++;
        }
    }
    return distinct * 2 <= m;
}

/* ---- fixed-width values up to 8 bytes ---- */

static void load_keys64(shoal_physical phys, const void *data, uint32_t n, uint64_t *restrict k)
{
    switch (phys) {
    case SHOAL_PHYS_U8: {
        const uint8_t *s = data;
        for (uint32_t i = 0; i < n; i++) k[i] = s[i];
        break;
    }
    case SHOAL_PHYS_I16: {
        const int16_t *s = data;
        for (uint32_t i = 0; i < n; i++) k[i] = (uint64_t)(int64_t)s[i];
        break;
    }
    case SHOAL_PHYS_I32: {
        const int32_t *s = data;
        for (uint32_t i = 0; i < n; i++) k[i] = (uint64_t)(int64_t)s[i];
        break;
    }
    case SHOAL_PHYS_F32: {
        const uint32_t *s = data;
        for (uint32_t i = 0; i < n; i++) k[i] = s[i];
        break;
    }
    default: /* I64, F64 */
        memcpy(k, data, (size_t)n * 8);
        break;
    }
}

static shoal_encoding encode_fixed64(shoal_block_encoder *enc, shoal_physical phys, const void *data,
                                     const uint64_t *validity, uint32_t n, uint32_t nulls,
                                     uint8_t allowed, shoal_zone_map *zm, shoal_writer *w)
{
    unsigned width = (unsigned)shoal_physical_size(phys);
    bool is_float = phys == SHOAL_PHYS_F32 || phys == SHOAL_PHYS_F64;
    uint64_t *k = scratch(&enc->keys, &enc->keys_cap, (size_t)n * 8);
    uint64_t *tmp = scratch((void **)&enc->tmp, &enc->tmp_cap, (size_t)n * 8);
    load_keys64(phys, data, n, k);
    if (nulls) FILL_NULL_SLOTS(k, n, validity);

    key_stats_64 st;
    key_stats_compute_64(k, n, &st);

    /* Zone map: NULL slots hold copies of non-NULL values, so scanning every key is exact. */
    if (is_float) {
        double mn = INFINITY, mx = -INFINITY;
        bool any = false, nan = false;
        for (uint32_t i = 0; i < n; i++) {
            double d;
            if (phys == SHOAL_PHYS_F32) {
                uint32_t bits = (uint32_t)k[i];
                float f;
                memcpy(&f, &bits, 4);
                d = f;
            } else {
                memcpy(&d, &k[i], 8);
            }
            if (isnan(d)) {
                nan = true;
                continue;
            }
            any = true;
            mn = d < mn ? d : mn;
            mx = d > mx ? d : mx;
        }
        if (nan) zm->flags |= SHOAL_ZONE_HAS_NAN;
        if (any) {
            zm->flags |= SHOAL_ZONE_HAS_RANGE;
            zm->min.f64 = mn;
            zm->max.f64 = mx;
        }
    } else {
        zm->flags |= SHOAL_ZONE_HAS_RANGE;
        zm->min.i64 = (int64_t)st.min;
        zm->max.i64 = (int64_t)st.max;
    }

    uint64_t size[SHOAL_ENC_COUNT];
    for (int e = 0; e < SHOAL_ENC_COUNT; e++) size[e] = UINT64_MAX;
    size[SHOAL_ENC_RAW] = size_raw_64(n, width);
    if (!is_float) {
        size[SHOAL_ENC_FOR] = size_for_64(n, &st);
        size[SHOAL_ENC_DELTA] = size_delta_64(n, &st);
    }
    size[SHOAL_ENC_RLE] = size_rle_64(&st, width);

    /* A dictionary rarely beats FOR on integers whose range already packs into a byte. */
    int64_t dict_count = -1;
    bool forced = single_encoding(allowed);
    bool try_dict = (allowed & SHOAL_ENC_BIT(SHOAL_ENC_DICT)) && st.runs > 1 &&
                    (forced || is_float || !(allowed & SHOAL_ENC_BIT(SHOAL_ENC_FOR)) ||
                     shoal_bits_needed(st.max - st.min) > 8);
    if (try_dict && !forced) {
        uint32_t m = n < DICT_SAMPLE_ROWS ? n : DICT_SAMPLE_ROWS;
        for (uint32_t i = 0; i < m; i++) tmp[i] = hash_key_64(k[i]);
        try_dict = sample_has_repeats(enc, tmp, m);
    }
    if (try_dict) {
        uint32_t cap = forced ? n : (n / 2 ? n / 2 : 1);
        uint64_t *entries = scratch(&enc->entries, &enc->entries_cap, (size_t)cap * 8);
        dict_count = dict_build_64(enc, k, n, cap, entries, tmp);
        if (dict_count > 0) size[SHOAL_ENC_DICT] = size_dict_64(n, (uint32_t)dict_count, width);
    }
    if (forced && (allowed & SHOAL_ENC_BIT(SHOAL_ENC_DICT)) && st.runs == 1) {
        /* one distinct value: a one-entry dictionary */
        ((uint64_t *)scratch(&enc->entries, &enc->entries_cap, 8))[0] = k[0];
        memset(tmp, 0, (size_t)n * 8);
        dict_count = 1;
        size[SHOAL_ENC_DICT] = size_dict_64(n, 1, width);
    }

    shoal_encoding e = pick_smallest(size, allowed);
    if (st.runs == 1 && (allowed & SHOAL_ENC_BIT(SHOAL_ENC_RLE))) e = SHOAL_ENC_RLE; /* constant */
    switch (e) {
    case SHOAL_ENC_FOR: encode_for_64(w, k, n, &st, tmp); break;
    case SHOAL_ENC_DELTA: encode_delta_64(w, k, n, &st, tmp); break;
    case SHOAL_ENC_RLE: {
        uint64_t *runs = scratch(&enc->entries, &enc->entries_cap, (size_t)st.runs * 8);
        encode_rle_64(w, k, n, &st, width, tmp, runs);
        break;
    }
    case SHOAL_ENC_DICT: encode_dict_64(w, enc->entries, (uint32_t)dict_count, tmp, n, width); break;
    default:
        e = SHOAL_ENC_RAW;
        shoal_put_bytes(w, data, (size_t)n * width);
        break;
    }
    return e;
}

/* ---- 128-bit decimals ---- */

static shoal_encoding encode_fixed128(shoal_block_encoder *enc, const void *data,
                                      const uint64_t *validity, uint32_t n, uint32_t nulls,
                                      uint8_t allowed, shoal_zone_map *zm, shoal_writer *w)
{
    typedef unsigned __int128 u128;
    u128 *k = scratch(&enc->keys, &enc->keys_cap, (size_t)n * 16);
    uint64_t *tmp = scratch((void **)&enc->tmp, &enc->tmp_cap, (size_t)n * 8);
    memcpy(k, data, (size_t)n * 16);
    if (nulls) FILL_NULL_SLOTS(k, n, validity);

    key_stats_128 st;
    key_stats_compute_128(k, n, &st);
    zm->flags |= SHOAL_ZONE_HAS_RANGE;
    zm->min.i128 = (shoal_int128)st.min;
    zm->max.i128 = (shoal_int128)st.max;

    bool for_ok = fits64(st.max - st.min);
    bool delta_ok = n < 2 || fits64(st.dmax - st.dmin);
    uint64_t size[SHOAL_ENC_COUNT];
    for (int e = 0; e < SHOAL_ENC_COUNT; e++) size[e] = UINT64_MAX;
    size[SHOAL_ENC_RAW] = size_raw_128(n, 16);
    if (for_ok) size[SHOAL_ENC_FOR] = size_for_128(n, &st);
    if (delta_ok) size[SHOAL_ENC_DELTA] = size_delta_128(n, &st);
    size[SHOAL_ENC_RLE] = size_rle_128(&st, 16);

    int64_t dict_count = -1;
    bool forced = single_encoding(allowed);
    bool try_dict = (allowed & SHOAL_ENC_BIT(SHOAL_ENC_DICT)) &&
                    (forced || !for_ok || !(allowed & SHOAL_ENC_BIT(SHOAL_ENC_FOR)) ||
                     shoal_bits_needed((uint64_t)(st.max - st.min)) > 8);
    if (try_dict && !forced) {
        uint32_t m = n < DICT_SAMPLE_ROWS ? n : DICT_SAMPLE_ROWS;
        for (uint32_t i = 0; i < m; i++) tmp[i] = hash_key_128(k[i]);
        try_dict = sample_has_repeats(enc, tmp, m);
    }
    if (try_dict) {
        uint32_t cap = forced ? n : (n / 2 ? n / 2 : 1);
        u128 *entries = scratch(&enc->entries, &enc->entries_cap, (size_t)cap * 16);
        dict_count = dict_build_128(enc, k, n, cap, entries, tmp);
        if (dict_count > 0) size[SHOAL_ENC_DICT] = size_dict_128(n, (uint32_t)dict_count, 16);
    }

    shoal_encoding e = pick_smallest(size, allowed);
    if (st.runs == 1 && (allowed & SHOAL_ENC_BIT(SHOAL_ENC_RLE))) e = SHOAL_ENC_RLE;
    switch (e) {
    case SHOAL_ENC_FOR: encode_for_128(w, k, n, &st, tmp); break;
    case SHOAL_ENC_DELTA: encode_delta_128(w, k, n, &st, tmp); break;
    case SHOAL_ENC_RLE: {
        u128 *runs = scratch(&enc->entries, &enc->entries_cap, (size_t)st.runs * 16);
        encode_rle_128(w, k, n, &st, 16, tmp, runs);
        break;
    }
    case SHOAL_ENC_DICT: encode_dict_128(w, enc->entries, (uint32_t)dict_count, tmp, n, 16); break;
    default:
        e = SHOAL_ENC_RAW;
        shoal_put_bytes(w, data, (size_t)n * 16);
        break;
    }
    return e;
}

/* ---- strings ----
 * One pass takes every string's first 8 bytes as a big-endian number (zero-filled): equal
 * prefixes plus equal lengths decide equality for strings up to 8 bytes, and comparing prefixes
 * orders most pairs, so runs, min/max and the dictionary rarely touch the bytes again. */

/* The first min(len, 8) bytes, big-endian, zero-filled; reads only the string's own bytes. */
static inline uint64_t prefix8(const char *p, uint32_t len)
{
    uint64_t x;
    if (len >= 8) {
        memcpy(&x, p, 8);
    } else if (len >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + len - 4, 4);
        x = (uint64_t)lo | (uint64_t)hi << ((len - 4) * 8); /* the overlap holds the same bytes */
    } else if (len > 0) {
        x = (uint64_t)(uint8_t)p[0] | (uint64_t)(uint8_t)p[len / 2] << (len / 2 * 8) |
            (uint64_t)(uint8_t)p[len - 1] << ((len - 1) * 8);
    } else {
        x = 0;
    }
    return __builtin_bswap64(x);
}

/* The last 8 bytes of a string longer than 8 (0 otherwise): with the prefix and the length it
 * decides equality up to 16 bytes without a memcmp. */
static inline uint64_t suffix8(const char *p, uint32_t len)
{
    uint64_t x = 0;
    if (len > 8) memcpy(&x, p + len - 8, 8);
    return x;
}

static inline bool string_equal_p(shoal_string a, uint64_t pa, uint64_t sa, shoal_string b, uint64_t pb, uint64_t sb)
{
    return a.len == b.len && pa == pb && sa == sb && (a.len <= 16 || memcmp(a.ptr + 8, b.ptr + 8, a.len - 16) == 0);
}

/* Bytewise order (a prefix sorts first). */
static inline int string_compare_p(shoal_string a, uint64_t pa, shoal_string b, uint64_t pb)
{
    if (pa != pb) return pa < pb ? -1 : 1;
    uint32_t n = a.len < b.len ? a.len : b.len;
    if (n > 8) {
        int c = memcmp(a.ptr + 8, b.ptr + 8, n - 8);
        if (c) return c;
    }
    return a.len < b.len ? -1 : a.len > b.len;
}

static uint64_t hash_bytes(const char *p, uint32_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    if (n) memcpy(&w, p, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return h;
}

/* A string's hash from its prefix, suffix and the bytes between; only used inside one encoding. */
static inline uint64_t hash_string_p(shoal_string v, uint64_t pfx, uint64_t sfx)
{
    uint64_t h = (pfx ^ ((uint64_t)v.len * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    h = (h ^ sfx) * 0xC4CEB9FE1A85EC53ull;
    if (v.len > 16) h ^= hash_bytes(v.ptr + 8, v.len - 16);
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 29);
}

/* S(n): packed lengths, then the bytes. A row whose validity bit is clear counts as "". */
static void put_string_section(shoal_block_encoder *enc, shoal_writer *w, const shoal_string *v,
                               uint32_t n, const uint64_t *validity)
{
    uint64_t *lens = scratch((void **)&enc->lens, &enc->lens_cap, (size_t)n * 8 + 8);
    uint64_t bytes = 0;
    uint32_t max_len = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = row_valid(validity, i) ? v[i].len : 0;
        lens[i] = len;
        bytes += len;
        max_len = len > max_len ? len : max_len;
    }
    put_packed(w, lens, n, shoal_bits_needed(max_len));
    uint8_t *p = shoal_writer_reserve(w, bytes);
    for (uint32_t i = 0; i < n; i++) {
        if (lens[i]) memcpy(p, v[i].ptr, lens[i]);
        p += lens[i];
    }
}

static uint64_t string_section_size(uint32_t n, uint32_t max_len, uint64_t bytes)
{
    return 1 + shoal_bitpack_bytes(n, shoal_bits_needed(max_len)) + bytes;
}

static int64_t string_dict_build(shoal_block_encoder *enc, const shoal_string *v, const uint64_t *pfx,
                                 const uint64_t *sfx, uint32_t n,
                                 uint32_t cap, shoal_string *entries, uint64_t *codes,
                                 uint64_t *dict_bytes, uint32_t *dict_max_len)
{
    uint32_t nslots = 16;
    while (nslots < 2 * (uint64_t)cap) nslots *= 2;
    uint32_t *slots = encoder_slots(enc, nslots);
    uint64_t *hashes = scratch((void **)&enc->hashes, &enc->hashes_cap, (size_t)cap * 8);
    uint64_t *entry_pfx = scratch((void **)&enc->entry_pfx, &enc->entry_pfx_cap, (size_t)cap * 16);
    uint64_t *entry_sfx = entry_pfx + cap;
    uint32_t mask = nslots - 1, count = 0, max_len = 0;
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && string_equal_p(v[i], pfx[i], sfx[i], v[i - 1], pfx[i - 1], sfx[i - 1])) {
            codes[i] = codes[i - 1];
            continue;
        }
        uint64_t hv = hash_string_p(v[i], pfx[i], sfx[i]);
        uint32_t h = (uint32_t)hv & mask;
        for (;;) {
            uint32_t s = slots[h];
            if (s == 0) {
                if (count == cap) return -1;
                entries[count] = v[i];
                entry_pfx[count] = pfx[i];
                entry_sfx[count] = sfx[i];
                hashes[count] = hv;
                slots[h] = ++count;
                codes[i] = count - 1;
                bytes += v[i].len;
                max_len = v[i].len > max_len ? v[i].len : max_len;
                break;
            }
            if (hashes[s - 1] == hv &&
                string_equal_p(entries[s - 1], entry_pfx[s - 1], entry_sfx[s - 1], v[i], pfx[i], sfx[i])) {
                codes[i] = s - 1;
                break;
            }
            h = (h + 1) & mask;
        }
    }
    *dict_bytes = bytes;
    *dict_max_len = max_len;
    return count;
}

static shoal_encoding encode_strings(shoal_block_encoder *enc, const shoal_string *s,
                                     const uint64_t *validity, uint32_t n, uint32_t nulls,
                                     uint8_t allowed, shoal_zone_map *zm, shoal_writer *w)
{
    /* eff: the values with NULL rows filled (in `keys` scratch; s itself when there are none) */
    const shoal_string *eff = s;
    if (nulls) {
        shoal_string *filled = scratch(&enc->keys, &enc->keys_cap, (size_t)n * sizeof(shoal_string));
        memcpy(filled, s, (size_t)n * sizeof(shoal_string));
        FILL_NULL_SLOTS(filled, n, validity);
        eff = filled;
    }
    uint64_t *tmp = scratch((void **)&enc->tmp, &enc->tmp_cap, (size_t)n * 8);
    uint64_t *pfx = scratch((void **)&enc->pfx, &enc->pfx_cap, (size_t)n * 16);
    uint64_t *sfx = pfx + n;
    for (uint32_t i = 0; i < n; i++) {
        pfx[i] = prefix8(eff[i].ptr, eff[i].len);
        sfx[i] = suffix8(eff[i].ptr, eff[i].len);
    }

    uint64_t raw_bytes = 0, run_bytes = eff[0].len;
    uint32_t raw_max = 0, run_max = eff[0].len, runs = 1, run = 1, max_run = 1;
    uint32_t mn = 0, mx = 0; /* rows of the smallest and largest value so far */
    for (uint32_t i = 0; i < n; i++) {
        shoal_string v = eff[i];
        if (nulls == 0 || row_valid(validity, i)) {
            raw_bytes += v.len;
            raw_max = v.len > raw_max ? v.len : raw_max;
            /* most rows differ from min and max in the prefix, or equal one of them */
            if (pfx[i] < pfx[mn] || (pfx[i] == pfx[mn] && !string_equal_p(v, pfx[i], sfx[i], eff[mn], pfx[mn], sfx[mn]) &&
                                     string_compare_p(v, pfx[i], eff[mn], pfx[mn]) < 0))
                mn = i;
            if (pfx[i] > pfx[mx] || (pfx[i] == pfx[mx] && !string_equal_p(v, pfx[i], sfx[i], eff[mx], pfx[mx], sfx[mx]) &&
                                     string_compare_p(v, pfx[i], eff[mx], pfx[mx]) > 0))
                mx = i;
        }
        if (i == 0) continue;
        if (string_equal_p(v, pfx[i], sfx[i], eff[i - 1], pfx[i - 1], sfx[i - 1])) {
            run++;
        } else {
            max_run = run > max_run ? run : max_run;
            run = 1;
            runs++;
            run_bytes += v.len;
            run_max = v.len > run_max ? v.len : run_max;
        }
    }
    max_run = run > max_run ? run : max_run;
    shoal_zone_map_set_strings(zm, eff[mn], eff[mx]);

    uint64_t size[SHOAL_ENC_COUNT];
    for (int e = 0; e < SHOAL_ENC_COUNT; e++) size[e] = UINT64_MAX;
    size[SHOAL_ENC_RAW] = string_section_size(n, raw_max, raw_bytes);
    size[SHOAL_ENC_RLE] = 4 + 1 + shoal_bitpack_bytes(runs, shoal_bits_needed(max_run - 1)) +
                          string_section_size(runs, run_max, run_bytes);
    int64_t dict_count = -1;
    bool forced = single_encoding(allowed);
    bool try_dict = allowed & SHOAL_ENC_BIT(SHOAL_ENC_DICT);
    if (try_dict && !forced) {
        uint32_t m = n < DICT_SAMPLE_ROWS ? n : DICT_SAMPLE_ROWS;
        for (uint32_t i = 0; i < m; i++) tmp[i] = hash_string_p(eff[i], pfx[i], sfx[i]);
        try_dict = sample_has_repeats(enc, tmp, m);
    }
    if (try_dict) {
        uint32_t cap = forced ? n : (n / 2 ? n / 2 : 1);
        shoal_string *entries = scratch(&enc->entries, &enc->entries_cap, (size_t)cap * sizeof(shoal_string));
        uint64_t dict_bytes;
        uint32_t dict_max;
        dict_count = string_dict_build(enc, eff, pfx, sfx, n, cap, entries, tmp, &dict_bytes, &dict_max);
        if (dict_count > 0)
            size[SHOAL_ENC_DICT] = 4 + string_section_size((uint32_t)dict_count, dict_max, dict_bytes) + 1 +
                                   shoal_bitpack_bytes(n, shoal_bits_needed((uint64_t)dict_count - 1));
    }

    shoal_encoding e = pick_smallest(size, allowed);
    if (runs == 1 && (allowed & SHOAL_ENC_BIT(SHOAL_ENC_RLE))) e = SHOAL_ENC_RLE;
    switch (e) {
    case SHOAL_ENC_RLE: {
        shoal_string *vals = scratch(&enc->entries, &enc->entries_cap, (size_t)runs * sizeof(shoal_string));
        uint32_t r = 0, start = 0;
        for (uint32_t i = 1; i <= n; i++) {
            if (i == n || !string_equal_p(eff[i], pfx[i], sfx[i], eff[start], pfx[start], sfx[start])) {
                tmp[r] = i - start - 1;
                vals[r++] = eff[start];
                start = i;
            }
        }
        shoal_put_u32(w, r);
        put_packed(w, tmp, r, shoal_bits_needed(max_run - 1));
        put_string_section(enc, w, vals, r, NULL);
        break;
    }
    case SHOAL_ENC_DICT:
        shoal_put_u32(w, (uint32_t)dict_count);
        put_string_section(enc, w, enc->entries, (uint32_t)dict_count, NULL);
        put_packed(w, tmp, n, shoal_bits_needed((uint64_t)dict_count - 1));
        break;
    default:
        e = SHOAL_ENC_RAW;
        put_string_section(enc, w, s, n, validity);
        break;
    }
    return e;
}

/* ---- the block ---- */

#define ZSTD_SAMPLE_BYTES 16384

static inline void store_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

bool shoal_block_encode(shoal_block_encoder *enc, const shoal_vector *values,
                        shoal_encoding_request request, shoal_writer *out, shoal_zone_map *zm,
                        shoal_block_info *info, shoal_error *err)
{
    shoal_physical phys = shoal_type_physical(values->type);
    uint32_t n = values->count;
    uint8_t allowed = request.allowed ? (uint8_t)(request.allowed & SHOAL_ENC_ALL) : (uint8_t)SHOAL_ENC_ALL;
    if (n > SHOAL_BLOCK_MAX_ROWS)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER,
                                  "a block holds at most %u rows, not %u", SHOAL_BLOCK_MAX_ROWS, n);
    uint64_t plain;
    if (phys == SHOAL_PHYS_STRING) {
        plain = 4ull * n;
        const shoal_string *s = values->data;
        for (uint32_t i = 0; i < n; i++)
            if (row_valid(values->validity, i)) plain += s[i].len;
    } else {
        plain = (uint64_t)n * shoal_physical_size(phys);
    }
    if (plain > (uint64_t)UINT32_MAX - 1024 * 1024)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER,
                                  "a block's values must stay under 4 GiB (%llu bytes given)",
                                  (unsigned long long)plain);

    uint32_t nulls = count_nulls(values->validity, n);
    shoal_zone_map_init(zm, phys);
    zm->rows = n;
    zm->nulls = nulls;
    uint8_t flags = 0;
    shoal_encoding e = SHOAL_ENC_RAW;
    shoal_writer *w = &enc->payload;
    w->len = 0;
    if (n > 0 && nulls == n) {
        zm->flags |= SHOAL_ZONE_ALL_NULL;
        flags |= SHOAL_BLOCK_FLAG_ALL_NULL;
    } else if (n > 0) {
        if (nulls) {
            flags |= SHOAL_BLOCK_FLAG_VALIDITY;
            size_t words = ((size_t)n + 63) / 64;
            uint64_t *bm = shoal_writer_reserve(w, words * 8);
            memcpy(bm, values->validity, words * 8);
            if (n % 64) bm[words - 1] &= (1ull << (n % 64)) - 1;
        }
        switch (phys) {
        case SHOAL_PHYS_STRING:
            e = encode_strings(enc, values->data, values->validity, n, nulls, allowed, zm, w);
            break;
        case SHOAL_PHYS_I128:
            e = encode_fixed128(enc, values->data, values->validity, n, nulls, allowed, zm, w);
            break;
        default:
            e = encode_fixed64(enc, phys, values->data, values->validity, n, nulls, allowed, zm, w);
            break;
        }
    }

    const uint8_t *stored = w->data;
    size_t encoded_len = w->len, stored_len = w->len;
    bool try_zstd = request.zstd != SHOAL_ZSTD_NEVER && encoded_len >= 64;
    if (try_zstd && request.zstd == SHOAL_ZSTD_WHEN_PAYS && encoded_len > 4 * ZSTD_SAMPLE_BYTES) {
        /* Compress a sample from the end (past the validity bitmap) first: bit-packed or
         * random data that will not shrink costs one small attempt, not a whole one. */
        size_t bound = ZSTD_compressBound(ZSTD_SAMPLE_BYTES);
        uint8_t *z = scratch((void **)&enc->zbuf, &enc->zbuf_cap, bound);
        size_t zlen = ZSTD_compressCCtx(enc->cctx, z, bound, w->data + encoded_len - ZSTD_SAMPLE_BYTES,
                                        ZSTD_SAMPLE_BYTES, enc->zstd_level);
        try_zstd = !ZSTD_isError(zlen) && zlen * 10 <= (size_t)ZSTD_SAMPLE_BYTES * 9;
    }
    if (try_zstd) {
        size_t bound = ZSTD_compressBound(encoded_len);
        uint8_t *z = scratch((void **)&enc->zbuf, &enc->zbuf_cap, bound);
        size_t zlen = ZSTD_compressCCtx(enc->cctx, z, bound, w->data, encoded_len, enc->zstd_level);
        bool pays = !ZSTD_isError(zlen) &&
                    (request.zstd == SHOAL_ZSTD_ALWAYS ? zlen < encoded_len : zlen * 10 <= encoded_len * 9);
        if (pays) {
            stored = z;
            stored_len = zlen;
            flags |= SHOAL_BLOCK_FLAG_ZSTD;
        }
    }

    size_t start = out->len;
    shoal_writer_reserve(out, SHOAL_BLOCK_HEADER_BYTES);
    shoal_zone_map_write(zm, out);
    uint32_t zone_bytes = (uint32_t)(out->len - start - SHOAL_BLOCK_HEADER_BYTES);
    shoal_put_bytes(out, stored, stored_len);
    uint8_t *h = out->data + start;
    store_u32(h, SHOAL_BLOCK_MAGIC);
    h[4] = SHOAL_BLOCK_VERSION;
    h[5] = (uint8_t)e;
    h[6] = flags;
    h[7] = (uint8_t)phys;
    store_u32(h + 8, n);
    store_u32(h + 12, nulls);
    store_u32(h + 16, (uint32_t)stored_len);
    store_u32(h + 20, (uint32_t)encoded_len);
    store_u32(h + 24, zone_bytes);
    size_t total = out->len - start;
    uint32_t crc = shoal_crc32c(0, h, 28);
    crc = shoal_crc32c(crc, h + SHOAL_BLOCK_HEADER_BYTES, total - SHOAL_BLOCK_HEADER_BYTES);
    store_u32(h + 28, crc);

    if (info) {
        info->encoding = (uint8_t)e;
        info->compressed = flags & SHOAL_BLOCK_FLAG_ZSTD;
        info->plain_bytes = (uint32_t)plain;
        info->encoded_bytes = (uint32_t)encoded_len;
        info->block_bytes = (uint32_t)total;
    }
    return true;
}
