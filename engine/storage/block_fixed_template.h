/* Fixed-width codecs stamped per key type (no include guard: included once per key type).
 * Before including, define KEY (unsigned key type), SKEY (its signed twin), SUF (name suffix),
 * KEY_BYTES (8 or 16) and KEY_FITS64(x) (whether an unsigned KEY fits in 64 bits), and one of
 * BLOCK_TEMPLATE_ENCODE / BLOCK_TEMPLATE_DECODE. Keys are the values as unsigned integers:
 * sign-extended integers, float bit patterns, 128-bit decimals; `width` is the byte width of
 * the column's values as stored raw (1, 2, 4, 8 or 16). All arithmetic is modulo 2^bits, so
 * FOR and DELTA round-trip any values, INT64_MIN/MAX included. */

#define TPL_CAT_(a, b) a##_##b
#define TPL_CAT(a, b) TPL_CAT_(a, b)
#define FN(name) TPL_CAT(name, SUF)

#ifdef BLOCK_TEMPLATE_ENCODE

typedef struct FN(key_stats) {
    KEY min, max;   /* signed order */
    KEY dmin, dmax; /* of k[i] - k[i-1], signed order (rows >= 2) */
    uint32_t runs, max_run;
} FN(key_stats);

static void FN(key_stats_compute)(const KEY *restrict k, uint32_t n, FN(key_stats) *st)
{
    SKEY mn = (SKEY)k[0], mx = mn, dmn = 0, dmx = 0;
    uint32_t runs = 1, run = 1, max_run = 1;
    if (n >= 2) dmn = dmx = (SKEY)(k[1] - k[0]);
    for (uint32_t i = 1; i < n; i++) {
        SKEY v = (SKEY)k[i], d = (SKEY)(k[i] - k[i - 1]);
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
        dmn = d < dmn ? d : dmn;
        dmx = d > dmx ? d : dmx;
        if (k[i] == k[i - 1]) {
            run++;
        } else {
            max_run = run > max_run ? run : max_run;
            runs++;
            run = 1;
        }
    }
    st->min = (KEY)mn;
    st->max = (KEY)mx;
    st->dmin = (KEY)dmn;
    st->dmax = (KEY)dmx;
    st->runs = runs;
    st->max_run = run > max_run ? run : max_run;
}

static inline uint64_t FN(hash_key)(KEY v)
{
#if KEY_BYTES == 16
    uint64_t x = (uint64_t)v ^ ((uint64_t)(v >> 64) * 0xC2B2AE3D27D4EB4Full);
#else
    uint64_t x = (uint64_t)v;
#endif
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    return x;
}

/* Distinct keys in order of first appearance into `entries`, each row's code into codes.
 * Returns the number of entries, or -1 when more than cap are needed. */
static int64_t FN(dict_build)(shoal_block_encoder *enc, const KEY *restrict k, uint32_t n,
                              uint32_t cap, KEY *restrict entries, uint64_t *restrict codes)
{
    uint32_t nslots = 16;
    while (nslots < 2 * (uint64_t)cap) nslots *= 2;
    uint32_t *slots = encoder_slots(enc, nslots);
    uint32_t mask = nslots - 1, count = 0;
    for (uint32_t i = 0; i < n; i++) {
        KEY v = k[i];
        if (i > 0 && v == k[i - 1]) { /* runs are common: skip the probe */
            codes[i] = codes[i - 1];
            continue;
        }
        uint32_t h = (uint32_t)FN(hash_key)(v) & mask;
        for (;;) {
            uint32_t s = slots[h];
            if (s == 0) {
                if (count == cap) return -1;
                entries[count] = v;
                slots[h] = ++count;
                codes[i] = count - 1;
                break;
            }
            if (entries[s - 1] == v) {
                codes[i] = s - 1;
                break;
            }
            h = (h + 1) & mask;
        }
    }
    return count;
}

static void FN(put_key)(shoal_writer *w, KEY v)
{
#if KEY_BYTES == 16
    shoal_put_u64(w, (uint64_t)v);
    shoal_put_u64(w, (uint64_t)(v >> 64));
#else
    shoal_put_u64(w, v);
#endif
}

/* Values stored raw at `width` bytes each (the low bytes of each key, little-endian). */
static void FN(put_raw)(shoal_writer *w, const KEY *restrict k, uint32_t n, unsigned width)
{
    uint8_t *p = shoal_writer_reserve(w, (size_t)n * width);
    switch (width) {
    case 1: for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)k[i]; break;
    case 2: for (uint32_t i = 0; i < n; i++) { uint16_t x = (uint16_t)k[i]; memcpy(p + 2 * (size_t)i, &x, 2); } break;
    case 4: for (uint32_t i = 0; i < n; i++) { uint32_t x = (uint32_t)k[i]; memcpy(p + 4 * (size_t)i, &x, 4); } break;
    case 8: for (uint32_t i = 0; i < n; i++) { uint64_t x = (uint64_t)k[i]; memcpy(p + 8 * (size_t)i, &x, 8); } break;
    default: memcpy(p, k, (size_t)n * width); break; /* 16: keys are the values */
    }
}

/* FOR: u8 bits, base (KEY_BYTES), packed (k - base). Needs KEY_FITS64(max - min). */
static void FN(encode_for)(shoal_writer *w, const KEY *restrict k, uint32_t n,
                           const FN(key_stats) *st, uint64_t *restrict tmp)
{
    unsigned bits = shoal_bits_needed((uint64_t)(st->max - st->min));
    for (uint32_t i = 0; i < n; i++) tmp[i] = (uint64_t)(k[i] - st->min);
    shoal_put_u8(w, (uint8_t)bits);
    FN(put_key)(w, st->min);
    size_t bytes = shoal_bitpack_bytes(n, bits);
    shoal_bitpack(tmp, n, bits, shoal_writer_reserve(w, bytes));
}

/* DELTA: u8 bits, first (KEY_BYTES), min delta (KEY_BYTES), packed (d - min delta) for the
 * n-1 differences. Needs KEY_FITS64(dmax - dmin). */
static void FN(encode_delta)(shoal_writer *w, const KEY *restrict k, uint32_t n,
                             const FN(key_stats) *st, uint64_t *restrict tmp)
{
    unsigned bits = n >= 2 ? shoal_bits_needed((uint64_t)(st->dmax - st->dmin)) : 0;
    for (uint32_t i = 1; i < n; i++) tmp[i - 1] = (uint64_t)(k[i] - k[i - 1] - st->dmin);
    shoal_put_u8(w, (uint8_t)bits);
    FN(put_key)(w, k[0]);
    FN(put_key)(w, n >= 2 ? st->dmin : 0);
    size_t bytes = shoal_bitpack_bytes(n - 1, bits);
    shoal_bitpack(tmp, n - 1, bits, shoal_writer_reserve(w, bytes));
}

/* RLE: u32 runs, u8 bits, packed (run length - 1), then one raw value per run. */
static void FN(encode_rle)(shoal_writer *w, const KEY *restrict k, uint32_t n,
                           const FN(key_stats) *st, unsigned width, uint64_t *restrict tmp,
                           KEY *restrict run_values)
{
    uint32_t r = 0, start = 0;
    for (uint32_t i = 1; i <= n; i++) {
        if (i == n || k[i] != k[start]) {
            tmp[r] = i - start - 1;
            run_values[r++] = k[start];
            start = i;
        }
    }
    shoal_put_u32(w, r);
    put_packed(w, tmp, r, shoal_bits_needed(st->max_run - 1));
    FN(put_raw)(w, run_values, r, width);
}

/* DICT: u32 entries, entries raw, u8 bits, packed codes. */
static void FN(encode_dict)(shoal_writer *w, const KEY *restrict entries, uint32_t count,
                            const uint64_t *restrict codes, uint32_t n, unsigned width)
{
    shoal_put_u32(w, count);
    FN(put_raw)(w, entries, count, width);
    put_packed(w, codes, n, shoal_bits_needed(count - 1));
}

static inline uint64_t FN(size_raw)(uint32_t n, unsigned width) { return (uint64_t)n * width; }
static inline uint64_t FN(size_for)(uint32_t n, const FN(key_stats) *st)
{
    return 1 + KEY_BYTES + shoal_bitpack_bytes(n, shoal_bits_needed((uint64_t)(st->max - st->min)));
}
static inline uint64_t FN(size_delta)(uint32_t n, const FN(key_stats) *st)
{
    unsigned bits = n >= 2 ? shoal_bits_needed((uint64_t)(st->dmax - st->dmin)) : 0;
    return 1 + 2 * KEY_BYTES + shoal_bitpack_bytes(n - 1, bits);
}
static inline uint64_t FN(size_rle)(const FN(key_stats) *st, unsigned width)
{
    return 4 + 1 + shoal_bitpack_bytes(st->runs, shoal_bits_needed(st->max_run - 1)) + (uint64_t)st->runs * width;
}
static inline uint64_t FN(size_dict)(uint32_t n, uint32_t count, unsigned width)
{
    return 4 + (uint64_t)count * width + 1 + shoal_bitpack_bytes(n, shoal_bits_needed(count - 1));
}

#endif /* BLOCK_TEMPLATE_ENCODE */

#ifdef BLOCK_TEMPLATE_DECODE

static bool FN(take_key)(cursor *c, KEY *v)
{
    const uint8_t *p = cursor_take(c, KEY_BYTES);
    if (p == NULL) return false;
    memcpy(v, p, KEY_BYTES);
    return true;
}

/* Reads n raw values of `width` bytes into keys (zero-extended; callers truncate again). */
static bool FN(take_raw)(cursor *c, uint32_t n, unsigned width, KEY *restrict out)
{
    const uint8_t *p = cursor_take(c, (size_t)n * width);
    if (p == NULL) return false;
    switch (width) {
    case 1: for (uint32_t i = 0; i < n; i++) out[i] = p[i]; break;
    case 2: for (uint32_t i = 0; i < n; i++) { uint16_t x; memcpy(&x, p + 2 * (size_t)i, 2); out[i] = x; } break;
    case 4: for (uint32_t i = 0; i < n; i++) { uint32_t x; memcpy(&x, p + 4 * (size_t)i, 4); out[i] = x; } break;
    case 8: for (uint32_t i = 0; i < n; i++) { uint64_t x; memcpy(&x, p + 8 * (size_t)i, 8); out[i] = x; } break;
    default: memcpy(out, p, (size_t)n * width); break;
    }
    return true;
}

static bool FN(decode_for)(cursor *c, uint32_t n, KEY *restrict out, uint64_t *restrict scratch)
{
    unsigned bits;
    KEY base;
    const uint8_t *packed;
    if (!cursor_u8(c, &bits) || bits > 64 || !FN(take_key)(c, &base)) return false;
    if ((packed = cursor_take(c, shoal_bitpack_bytes(n, bits))) == NULL) return false;
#if KEY_BYTES == 16
    shoal_bitunpack(packed, n, bits, 0, scratch);
    for (uint32_t i = 0; i < n; i++) out[i] = base + scratch[i];
#else
    (void)scratch;
    shoal_bitunpack(packed, n, bits, base, out);
#endif
    return true;
}

static bool FN(decode_delta)(cursor *c, uint32_t n, KEY *restrict out, uint64_t *restrict scratch)
{
    unsigned bits;
    KEY first, dmin;
    const uint8_t *packed;
    if (n == 0) return false;
    if (!cursor_u8(c, &bits) || bits > 64 || !FN(take_key)(c, &first) || !FN(take_key)(c, &dmin)) return false;
    if ((packed = cursor_take(c, shoal_bitpack_bytes(n - 1, bits))) == NULL) return false;
#if KEY_BYTES == 16
    shoal_bitunpack(packed, n - 1, bits, 0, scratch);
    KEY v = first;
    out[0] = v;
    for (uint32_t i = 1; i < n; i++) out[i] = v = v + dmin + scratch[i - 1];
#else
    (void)scratch;
    shoal_bitunpack(packed, n - 1, bits, dmin, out + 1);
    KEY v = first;
    out[0] = v;
    for (uint32_t i = 1; i < n; i++) out[i] = v = v + out[i];
#endif
    return true;
}

static bool FN(decode_rle)(cursor *c, uint32_t n, unsigned width, KEY *restrict out,
                           shoal_decoded_block *b)
{
    uint32_t runs;
    unsigned bits;
    const uint8_t *packed;
    if (!cursor_u32(c, &runs) || runs == 0 || runs > n) return false;
    if (!cursor_u8(c, &bits) || bits > 32) return false;
    if ((packed = cursor_take(c, shoal_bitpack_bytes(runs, bits))) == NULL) return false;
    /* scratch: run lengths (u32) then run values (KEY) */
    size_t len_words = ((size_t)runs * 4 + 15) / 16 * 2;
    uint64_t *scratch = decoded_scratch(b, len_words + (size_t)runs * (KEY_BYTES / 8));
    uint32_t *lengths = (uint32_t *)scratch;
    KEY *values = (KEY *)(scratch + len_words);
    shoal_bitunpack32(packed, runs, bits, lengths);
    if (!FN(take_raw)(c, runs, width, values)) return false;
    uint32_t pos = 0;
    for (uint32_t r = 0; r < runs; r++) {
        uint32_t len = lengths[r] + 1;
        if (len == 0 || len > n - pos) return false;
        KEY v = values[r];
        for (uint32_t i = 0; i < len; i++) out[pos + i] = v;
        pos += len;
    }
    return pos == n;
}

static bool FN(decode_dict)(cursor *c, uint32_t n, unsigned width, KEY *restrict out,
                            shoal_decoded_block *b)
{
    uint32_t count;
    unsigned bits;
    const uint8_t *packed;
    if (!cursor_u32(c, &count) || count == 0 || count > n) return false;
    size_t code_words = ((size_t)n * 4 + 15) / 16 * 2;
    uint64_t *scratch = decoded_scratch(b, code_words + (size_t)count * (KEY_BYTES / 8));
    uint32_t *codes = (uint32_t *)scratch;
    KEY *entries = (KEY *)(scratch + code_words);
    if (!FN(take_raw)(c, count, width, entries)) return false;
    if (!cursor_u8(c, &bits) || bits > 32) return false;
    if ((packed = cursor_take(c, shoal_bitpack_bytes(n, bits))) == NULL) return false;
    shoal_bitunpack32(packed, n, bits, codes);
    uint32_t max_code = 0;
    for (uint32_t i = 0; i < n; i++) max_code = codes[i] > max_code ? codes[i] : max_code;
    if (max_code >= count) return false;
    for (uint32_t i = 0; i < n; i++) out[i] = entries[codes[i]];
    return true;
}

#endif /* BLOCK_TEMPLATE_DECODE */

#undef FN
#undef TPL_CAT
#undef TPL_CAT_
