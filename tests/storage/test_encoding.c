/* Block encoding tests: bit packing at every width, CRC32C, every encoding round-tripping every
 * type at its edges under every NULL pattern and block size (0, 1, ... 65536 rows), the
 * automatic choice, ENCODE names, and corrupt blocks (every bit flip, fuzzed payloads). */
#include "engine/storage/bitpack.h"
#include "engine/storage/block.h"
#include "engine/storage/checksum.h"
#include "tests/storage/test_storage.h"

#include <CUnit/CUnit.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- bit packing and checksums ---- */

static void test_bitpack_every_width(void)
{
    enum { N = 300 };
    uint64_t in[N], out[N];
    uint32_t out32[N];
    uint8_t buf[N * 8 + SHOAL_BITPACK_PAD];
    uint64_t rng = 42;
    int bad = 0;
    const size_t sizes[] = {0, 1, 7, 8, 63, 64, 65, N};
    for (unsigned w = 0; w <= 64; w++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
            for (size_t i = 0; i < n; i++) in[i] = i % 5 == 0 ? mask : test_rand(&rng) & mask;
            memset(buf, 0xA5, sizeof buf);
            shoal_bitpack(in, n, w, buf);
            memset(buf + shoal_bitpack_bytes(n, w), 0, SHOAL_BITPACK_PAD);
            shoal_bitunpack(buf, n, w, 0, out);
            for (size_t i = 0; i < n; i++) bad += out[i] != in[i];
            shoal_bitunpack(buf, n, w, 1000003, out);
            for (size_t i = 0; i < n; i++) bad += out[i] != in[i] + 1000003;
            if (w <= 32) {
                shoal_bitunpack32(buf, n, w, out32);
                for (size_t i = 0; i < n; i++) bad += out32[i] != in[i];
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(shoal_bits_needed(0), 0);
    CU_ASSERT_EQUAL(shoal_bits_needed(1), 1);
    CU_ASSERT_EQUAL(shoal_bits_needed(255), 8);
    CU_ASSERT_EQUAL(shoal_bits_needed(256), 9);
    CU_ASSERT_EQUAL(shoal_bits_needed(UINT64_MAX), 64);
}

static void test_crc32c(void)
{
    CU_ASSERT_EQUAL(shoal_crc32c(0, "123456789", 9), 0xE3069283u);
    CU_ASSERT_EQUAL(shoal_crc32c(0, "", 0), 0u);
    const char *text = "The quick brown fox jumps over the lazy dog, twice over, to be long enough.";
    size_t n = strlen(text);
    uint32_t whole = shoal_crc32c(0, text, n);
    CU_ASSERT_EQUAL(shoal_crc32c(shoal_crc32c(0, text, 13), text + 13, n - 13), whole);
    CU_ASSERT_NOT_EQUAL(shoal_crc32c(0, text, n - 1), whole);
    CU_ASSERT_EQUAL(shoal_crc32c_portable(0, "123456789", 9), 0xE3069283u);
    /* the fast path (three streams, combined) equals the portable one at every size */
    enum { BIG = 100000 };
    uint8_t *buf = malloc(BIG);
    uint64_t rng = 3;
    for (size_t i = 0; i < BIG; i++) buf[i] = (uint8_t)test_rand(&rng);
    int bad = 0;
    for (size_t len = 0; len < BIG; len = len * 3 / 2 + 1) {
        bad += shoal_crc32c(0, buf, len) != shoal_crc32c_portable(0, buf, len);
        bad += shoal_crc32c(0x12345678u, buf + 1, len) != shoal_crc32c_portable(0x12345678u, buf + 1, len);
    }
    for (size_t len = 6100; len < 6200; len++) bad += shoal_crc32c(7, buf, len) != shoal_crc32c_portable(7, buf, len);
    CU_ASSERT_EQUAL(bad, 0);
    free(buf);
}

/* ---- value generation ---- */

enum { VP_EDGES, VP_SORTED, VP_CONSTANT, VP_RANDOM, VP_FEW, VP_COUNT };
enum { NP_NONE, NP_ALL, NP_ALTERNATE, NP_RANDOM, NP_LEADING, NP_TRAILING, NP_COUNT };
static const char *const vp_names[VP_COUNT] = {"edges", "sorted", "constant", "random", "few"};
static const char *const np_names[NP_COUNT] = {"none", "all", "alternate", "random", "leading", "trailing"};

static shoal_type test_types[12];
static int test_type_count;

static void init_types(void)
{
    if (test_type_count) return;
    shoal_type *t = test_types;
    t[0] = shoal_type_make(SHOAL_TYPE_BOOLEAN);
    t[1] = shoal_type_make(SHOAL_TYPE_SMALLINT);
    t[2] = shoal_type_make(SHOAL_TYPE_INTEGER);
    t[3] = shoal_type_make(SHOAL_TYPE_BIGINT);
    t[4] = shoal_type_decimal(15, 2);
    t[5] = shoal_type_decimal(38, 2);
    t[6] = shoal_type_make(SHOAL_TYPE_REAL);
    t[7] = shoal_type_make(SHOAL_TYPE_DOUBLE);
    t[8] = shoal_type_string(SHOAL_TYPE_CHAR, 10);
    t[9] = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    t[10] = shoal_type_make(SHOAL_TYPE_DATE);
    t[11] = shoal_type_make(SHOAL_TYPE_TIMESTAMP);
    test_type_count = 12;
}

static void int_range(shoal_type t, shoal_int128 *lo, shoal_int128 *hi)
{
    switch (shoal_type_physical(t)) {
    case SHOAL_PHYS_U8: *lo = 0; *hi = 1; break;
    case SHOAL_PHYS_I16: *lo = INT16_MIN; *hi = INT16_MAX; break;
    case SHOAL_PHYS_I32: *lo = INT32_MIN; *hi = INT32_MAX; break;
    case SHOAL_PHYS_I128: *hi = shoal_pow10_i128(38) - 1; *lo = -*hi; break;
    default: *lo = INT64_MIN; *hi = INT64_MAX; break;
    }
}

static shoal_int128 gen_int(shoal_type t, int vp, uint32_t i, uint32_t n, uint64_t *rng)
{
    shoal_int128 lo, hi;
    int_range(t, &lo, &hi);
    switch (vp) {
    case VP_EDGES: {
        shoal_int128 edges[] = {lo, hi, 0, lo > -1 ? 1 : -1, 1, lo + 1, hi - 1, lo / 2, hi / 3};
        return edges[i % (sizeof edges / sizeof edges[0])];
    }
    case VP_SORTED: {
        if (hi == 1) return i >= n / 2;
        /* near the bottom of the range so the steps stay inside it */
        return lo + (shoal_int128)i * 3 + (i % 7 == 0);
    }
    case VP_CONSTANT: return hi;
    case VP_RANDOM: {
        unsigned __int128 r = ((unsigned __int128)test_rand(rng) << 64) | test_rand(rng);
        unsigned __int128 span = (unsigned __int128)hi - (unsigned __int128)lo + 1;
        return (shoal_int128)((unsigned __int128)lo + r % span);
    }
    default: {
        shoal_int128 few[] = {lo, hi, 0, hi > 42 ? 42 : 1, lo < -7 ? -7 : 0};
        return few[test_rand(rng) % 5];
    }
    }
}

static double gen_double(int vp, uint32_t i, uint64_t *rng, bool *raw_bits, uint64_t *bits)
{
    *raw_bits = false;
    switch (vp) {
    case VP_EDGES: {
        const double edges[] = {NAN, INFINITY, -INFINITY, -0.0, 0.0, DBL_MAX, -DBL_MAX, DBL_MIN, 4.9e-324, 1.5};
        return edges[i % (sizeof edges / sizeof edges[0])];
    }
    case VP_SORTED: return i * 0.25 - 100;
    case VP_CONSTANT: return 3.25;
    case VP_RANDOM:
        *raw_bits = true; /* any bit pattern, NaN payloads included */
        *bits = test_rand(rng);
        return 0;
    default: {
        const double few[] = {1.5, 2.5, NAN, -INFINITY};
        return few[test_rand(rng) % 4];
    }
    }
}

static char long_text[70000];

static void gen_string(int vp, uint32_t i, uint64_t *rng, char *buf, const char **ptr, uint32_t *len)
{
    *ptr = buf;
    switch (vp) {
    case VP_EDGES:
        switch (i % 6) {
        case 0: *len = 0; break;
        case 1: *ptr = "a"; *len = 1; break;
        case 2: /* one 70000-byte string per block, the rest stay small */
            *ptr = long_text;
            *len = i == 2 ? sizeof long_text : 300;
            break;
        case 3: *ptr = "\0\xff\x01"; *len = 3; break;
        case 4: *ptr = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"; *len = 40; break;
        default: *ptr = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"; *len = 33; break;
        }
        return;
    case VP_SORTED: *len = (uint32_t)sprintf(buf, "key%08u", i); return;
    case VP_CONSTANT: *ptr = "constant-value"; *len = 14; return;
    case VP_RANDOM:
        *len = (uint32_t)(test_rand(rng) % 51);
        for (uint32_t k = 0; k < *len; k++) buf[k] = (char)test_rand(rng);
        return;
    default: {
        static const char *const few[] = {"", "AIR", "TRUCK", "a-fairly-long-value-longer-than-32-bytes-total"};
        *ptr = few[test_rand(rng) % 4];
        *len = (uint32_t)strlen(*ptr);
        return;
    }
    }
}

static bool gen_null(int np, uint32_t i, uint32_t n, uint64_t *rng)
{
    switch (np) {
    case NP_ALL: return true;
    case NP_ALTERNATE: return i % 2 == 1;
    case NP_RANDOM: return test_rand(rng) % 3 == 0;
    case NP_LEADING: return i < n / 2;
    case NP_TRAILING: return i >= n / 2;
    default: return false;
    }
}

static void make_vector(shoal_vector *v, shoal_type t, int vp, int np, uint32_t n, uint64_t seed)
{
    uint64_t rng = seed | 1, nrng = seed * 31 + 7;
    shoal_vector_init(v, t, n);
    shoal_physical p = shoal_type_physical(t);
    char buf[64];
    for (uint32_t i = 0; i < n; i++) {
        if (gen_null(np, i, n, &nrng)) {
            shoal_vector_append_null(v);
            /* values at NULL rows are don't-care: put garbage there */
            if (p != SHOAL_PHYS_STRING)
                memset((char *)v->data + (size_t)i * shoal_physical_size(p), 0x5A, shoal_physical_size(p));
            continue;
        }
        if (p == SHOAL_PHYS_STRING) {
            const char *s;
            uint32_t len;
            gen_string(vp, i, &rng, buf, &s, &len);
            shoal_vector_append_string(v, s, len);
        } else if (p == SHOAL_PHYS_F32 || p == SHOAL_PHYS_F64) {
            bool raw;
            uint64_t bits;
            double d = gen_double(vp, i, &rng, &raw, &bits);
            shoal_vector_append_f64(v, d);
            if (raw && p == SHOAL_PHYS_F32) ((uint32_t *)v->data)[i] = (uint32_t)bits;
            if (raw && p == SHOAL_PHYS_F64) ((uint64_t *)v->data)[i] = bits;
        } else {
            shoal_vector_append_i128(v, gen_int(t, vp, i, n, &rng));
        }
    }
}

/* ---- checking a round trip ---- */

static int string_cmp(shoal_string a, shoal_string b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

static bool is_int_physical(shoal_physical p)
{
    return p != SHOAL_PHYS_F32 && p != SHOAL_PHYS_F64 && p != SHOAL_PHYS_STRING;
}

/* The encoding a single-encoding request must produce; -1 when more than one is acceptable. */
static int expected_encoding(const shoal_vector *v, shoal_encoding_request req, uint32_t nulls)
{
    shoal_physical p = shoal_type_physical(v->type);
    if (v->count == 0 || nulls == v->count) return SHOAL_ENC_RAW;
    if (req.allowed == SHOAL_ENC_ALL) return -1;
    for (int e = 0; e < SHOAL_ENC_COUNT; e++) {
        if (req.allowed != SHOAL_ENC_BIT(e)) continue;
        if (e == SHOAL_ENC_FOR || e == SHOAL_ENC_DELTA) {
            if (!is_int_physical(p)) return SHOAL_ENC_RAW;
            if (p == SHOAL_PHYS_I128) return -1; /* depends on the range fitting 64 bits */
        }
        return e;
    }
    return -1;
}

static shoal_block_encoder *encoder;
static shoal_decoded_block decoded, lazy;

/* The scan's way: shoal_block_open_buffer, then slices in order (random multiples of 8, the
 * last one shorter) into lazy_values (n values of the physical width). */
static uint8_t *lazy_values;
static size_t lazy_cap;
static uint64_t slice_rng = 0x853c49e6748fea9bULL;
static bool lazy_decode(const uint8_t *bytes, size_t len, shoal_physical p, shoal_error *err)
{
    uint8_t *buf = shoal_decoded_block_buffer(&lazy, len);
    memcpy(buf, bytes, len);
    if (!shoal_block_open_buffer(&lazy, len, p, err)) return false;
    size_t width = p == SHOAL_PHYS_STRING ? sizeof(shoal_string) : shoal_physical_size(p);
    size_t need = (size_t)lazy.rows * width + 16;
    if (need > lazy_cap) {
        free(lazy_values);
        lazy_values = malloc(need);
        lazy_cap = need;
    }
    for (uint32_t pos = 0; pos < lazy.rows;) {
        slice_rng ^= slice_rng << 13;
        slice_rng ^= slice_rng >> 7;
        slice_rng ^= slice_rng << 17;
        static const uint32_t sizes[] = {8, 16, 64, 72, 2048, 4096};
        uint32_t n = sizes[slice_rng % 6];
        if (n > lazy.rows - pos) n = lazy.rows - pos;
        if (!shoal_block_read_slice(&lazy, pos, n, lazy_values + pos * width, err)) return false;
        pos += n;
    }
    return true;
}

/* Encodes, decodes and compares values, NULLs and the zone map; returns mismatches. */
static int roundtrip(const shoal_vector *v, shoal_encoding_request req, const char *label, shoal_block_info *info_out)
{
    shoal_physical p = shoal_type_physical(v->type);
    shoal_writer w;
    shoal_writer_init(&w, 1024);
    shoal_zone_map zm;
    shoal_block_info info;
    shoal_error err;
    int bad = 0;
    if (!shoal_block_encode(encoder, v, req, &w, &zm, &info, &err)) {
        fprintf(stderr, "%s: encode failed: %s\n", label, err.message);
        shoal_writer_free(&w);
        return 1;
    }
    if (info_out) *info_out = info;
    if (info.block_bytes != w.len) bad++;
    if (!shoal_block_decode(w.data, w.len, p, &decoded, &err)) {
        fprintf(stderr, "%s: decode failed: %s\n", label, err.message);
        shoal_writer_free(&w);
        return 1;
    }
    /* decoded lazily, a slice at a time: the same values and NULLs */
    if (!lazy_decode(w.data, w.len, p, &err)) {
        fprintf(stderr, "%s: lazy decode failed: %s\n", label, err.message);
        bad++;
    } else if (lazy.rows != decoded.rows || !lazy.validity != !decoded.validity ||
               (lazy.validity && memcmp(lazy.validity, decoded.validity, ((size_t)lazy.rows + 63) / 64 * 8) != 0)) {
        bad++;
    } else {
        for (uint32_t i = 0; i < lazy.rows; i++) {
            if (decoded.validity && !(decoded.validity[i >> 6] >> (i & 63) & 1)) continue;
            if (p == SHOAL_PHYS_STRING) {
                shoal_string a = ((const shoal_string *)decoded.values)[i], b = ((const shoal_string *)lazy_values)[i];
                if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len) != 0)) bad++;
            } else {
                size_t width = shoal_physical_size(p);
                if (memcmp((const char *)decoded.values + i * width, lazy_values + i * width, width) != 0) bad++;
            }
        }
    }
    uint32_t n = v->count, nulls = 0;
    if (decoded.rows != n) bad++;
    size_t width = shoal_physical_size(p);
    bool any = false, nan = false;
    shoal_int128 imin = 0, imax = 0;
    double fmin = INFINITY, fmax = -INFINITY;
    shoal_string smin = {"", 0}, smax = {"", 0};
    for (uint32_t i = 0; i < n && decoded.rows == n; i++) {
        bool null_in = shoal_vector_is_null(v, i);
        bool null_out = decoded.validity && !(decoded.validity[i >> 6] >> (i & 63) & 1);
        if (null_in != null_out) bad++;
        if (null_in) {
            nulls++;
            continue;
        }
        if (p == SHOAL_PHYS_STRING) {
            shoal_string a = ((const shoal_string *)v->data)[i], b = ((const shoal_string *)decoded.values)[i];
            if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len) != 0)) bad++;
            if (!any || string_cmp(a, smin) < 0) smin = a;
            if (!any || string_cmp(a, smax) > 0) smax = a;
            any = true;
        } else {
            const char *a = (const char *)v->data + i * width, *b = (const char *)decoded.values + i * width;
            if (memcmp(a, b, width) != 0) bad++;
            if (p == SHOAL_PHYS_F32 || p == SHOAL_PHYS_F64) {
                double d = p == SHOAL_PHYS_F32 ? ((const float *)v->data)[i] : ((const double *)v->data)[i];
                if (isnan(d)) {
                    nan = true;
                    continue;
                }
                fmin = d < fmin ? d : fmin;
                fmax = d > fmax ? d : fmax;
                any = true;
            } else {
                shoal_int128 x = shoal_vector_get_i128(v, i);
                if (!any || x < imin) imin = x;
                if (!any || x > imax) imax = x;
                any = true;
            }
        }
    }
    /* zone map */
    if (zm.rows != n || zm.nulls != nulls) bad++;
    if (!!(zm.flags & SHOAL_ZONE_ALL_NULL) != (n > 0 && nulls == n)) bad++;
    if (!!(zm.flags & SHOAL_ZONE_HAS_RANGE) != any) bad++;
    if ((p == SHOAL_PHYS_F32 || p == SHOAL_PHYS_F64) && !!(zm.flags & SHOAL_ZONE_HAS_NAN) != nan) bad++;
    if (any && (zm.flags & SHOAL_ZONE_HAS_RANGE)) {
        if (p == SHOAL_PHYS_STRING) {
            uint32_t kmin = smin.len < SHOAL_ZONE_STRING_PREFIX ? smin.len : SHOAL_ZONE_STRING_PREFIX;
            uint32_t kmax = smax.len < SHOAL_ZONE_STRING_PREFIX ? smax.len : SHOAL_ZONE_STRING_PREFIX;
            if (zm.min_len != kmin || (kmin && memcmp(zm.min_str, smin.ptr, kmin) != 0)) bad++;
            if (zm.max_len != kmax || (kmax && memcmp(zm.max_str, smax.ptr, kmax) != 0)) bad++;
            if (!!(zm.flags & SHOAL_ZONE_MAX_TRUNCATED) != (smax.len > SHOAL_ZONE_STRING_PREFIX)) bad++;
            if (!!(zm.flags & SHOAL_ZONE_MIN_TRUNCATED) != (smin.len > SHOAL_ZONE_STRING_PREFIX)) bad++;
        } else if (p == SHOAL_PHYS_F32 || p == SHOAL_PHYS_F64) {
            if (zm.min.f64 != fmin || zm.max.f64 != fmax) bad++;
        } else if (p == SHOAL_PHYS_I128) {
            if (zm.min.i128 != imin || zm.max.i128 != imax) bad++;
        } else {
            if (zm.min.i64 != (int64_t)imin || zm.max.i64 != (int64_t)imax) bad++;
        }
    }
    /* the decoded header agrees */
    if (decoded.header.encoding != info.encoding || decoded.zone.rows != n) bad++;
    int want = expected_encoding(v, req, nulls);
    if (want >= 0 && info.encoding != want) {
        fprintf(stderr, "%s: encoding %s, expected %s\n", label, shoal_encoding_name(info.encoding),
                shoal_encoding_name(want));
        bad++;
    }
    if (bad) fprintf(stderr, "%s: %d mismatches\n", label, bad);
    shoal_writer_free(&w);
    return bad;
}

static int encoding_suite_init(void)
{
    init_types();
    for (size_t i = 0; i < sizeof long_text; i++) long_text[i] = (char)('a' + i % 26);
    encoder = shoal_block_encoder_create(3);
    shoal_decoded_block_init(&decoded);
    shoal_decoded_block_init(&lazy);
    return 0;
}

static int encoding_suite_clean(void)
{
    shoal_block_encoder_free(encoder);
    shoal_decoded_block_free(&decoded);
    shoal_decoded_block_free(&lazy);
    free(lazy_values);
    return 0;
}

static shoal_encoding_request requests[7];
static const char *const request_names[7] = {"auto", "raw", "for", "delta", "rle", "dict", "zstd"};

static void init_requests(void)
{
    requests[0] = shoal_encoding_auto();
    for (int e = 0; e < SHOAL_ENC_COUNT; e++) requests[1 + e] = shoal_encoding_forced((shoal_encoding)e, SHOAL_ZSTD_NEVER);
    requests[6] = shoal_encoding_forced(SHOAL_ENC_RAW, SHOAL_ZSTD_ALWAYS);
}

/* Every type x value pattern x NULL pattern x size x request. */
static void test_roundtrip_every_type(void)
{
    init_requests();
    const uint32_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 4099};
    int bad = 0, cases = 0;
    for (int t = 0; t < test_type_count; t++) {
        for (int vp = 0; vp < VP_COUNT; vp++) {
            for (int np = 0; np < NP_COUNT; np++) {
                for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                    shoal_vector v;
                    make_vector(&v, test_types[t], vp, np, sizes[s], 1000 + t * 100 + vp * 10 + np);
                    for (int r = 0; r < 7; r++) {
                        char label[160], tn[64];
                        shoal_type_name(test_types[t], tn, sizeof tn);
                        snprintf(label, sizeof label, "%s values=%s nulls=%s rows=%u request=%s", tn, vp_names[vp],
                                 np_names[np], sizes[s], request_names[r]);
                        bad += roundtrip(&v, requests[r], label, NULL) != 0;
                        cases++;
                    }
                    shoal_vector_free(&v);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(cases > 10000);
}

/* Full 64K-row blocks (the default size) and the largest allowed, a few patterns. */
static void test_roundtrip_full_blocks(void)
{
    init_requests();
    int bad = 0;
    for (int t = 0; t < test_type_count; t++) {
        for (int vp = 0; vp < VP_COUNT; vp++) {
            int np = vp % 2 ? NP_RANDOM : NP_NONE;
            shoal_vector v;
            make_vector(&v, test_types[t], vp, np, SHOAL_BLOCK_ROWS_DEFAULT, 77 + t * 13 + vp);
            for (int r = 0; r < 7; r++) {
                char label[160], tn[64];
                shoal_type_name(test_types[t], tn, sizeof tn);
                snprintf(label, sizeof label, "%s values=%s nulls=%s rows=65536 request=%s", tn, vp_names[vp],
                         np_names[np], request_names[r]);
                bad += roundtrip(&v, requests[r], label, NULL) != 0;
            }
            shoal_vector_free(&v);
        }
    }
    shoal_vector v;
    make_vector(&v, shoal_type_make(SHOAL_TYPE_INTEGER), VP_RANDOM, NP_RANDOM, SHOAL_BLOCK_MAX_ROWS, 5);
    bad += roundtrip(&v, shoal_encoding_auto(), "INTEGER max rows", NULL) != 0;
    shoal_vector_free(&v);
    /* one row too many is refused before any value is read */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_INTEGER), 16);
    v.count = SHOAL_BLOCK_MAX_ROWS + 1;
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_zone_map zm;
    shoal_error err;
    CU_ASSERT_FALSE(shoal_block_encode(encoder, &v, shoal_encoding_auto(), &w, &zm, NULL, &err));
    shoal_writer_free(&w);
    v.count = 0;
    shoal_vector_free(&v);
    CU_ASSERT_EQUAL(bad, 0);
}

/* 128-bit decimals whose range does not fit 64 bits: FOR falls back, DELTA too when the
 * differences do not fit. */
static void test_wide_decimal_fallbacks(void)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_decimal(38, 0), 8);
    shoal_int128 big = shoal_pow10_i128(38) - 1;
    shoal_vector_append_i128(&v, -big);
    shoal_vector_append_i128(&v, big);
    shoal_vector_append_i128(&v, 0);
    shoal_block_info info;
    CU_ASSERT_EQUAL(roundtrip(&v, shoal_encoding_forced(SHOAL_ENC_FOR, SHOAL_ZSTD_NEVER), "wide FOR", &info), 0);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_RAW);
    CU_ASSERT_EQUAL(roundtrip(&v, shoal_encoding_forced(SHOAL_ENC_DELTA, SHOAL_ZSTD_NEVER), "wide DELTA", &info), 0);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_RAW);
    shoal_vector_free(&v);
    /* near +10^38 with small steps: FOR and DELTA both apply */
    shoal_vector_init(&v, shoal_type_decimal(38, 0), 8);
    for (int i = 0; i < 1000; i++) shoal_vector_append_i128(&v, big - 5000 + i * 3);
    CU_ASSERT_EQUAL(roundtrip(&v, shoal_encoding_forced(SHOAL_ENC_FOR, SHOAL_ZSTD_NEVER), "near FOR", &info), 0);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_FOR);
    CU_ASSERT_EQUAL(roundtrip(&v, shoal_encoding_auto(), "near auto", &info), 0);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_DELTA);
    shoal_vector_free(&v);
}

/* ---- automatic choice ---- */

static shoal_block_info encode_info(const shoal_vector *v)
{
    shoal_block_info info;
    memset(&info, 0, sizeof info);
    CU_ASSERT_EQUAL(roundtrip(v, shoal_encoding_auto(), "auto", &info), 0);
    return info;
}

static void test_auto_choice(void)
{
    shoal_vector v;
    uint64_t rng = 9;
    /* sorted keys with small gaps -> DELTA */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_INTEGER), 0);
    for (int i = 0, k = 1000000; i < 65536; i++) shoal_vector_append_i64(&v, k += 1 + (int)(test_rand(&rng) % 4));
    CU_ASSERT_EQUAL(encode_info(&v).encoding, SHOAL_ENC_DELTA);
    shoal_vector_free(&v);
    /* random small range -> FOR */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_BIGINT), 0);
    for (int i = 0; i < 65536; i++) shoal_vector_append_i64(&v, 5000000000ll + (int64_t)(test_rand(&rng) % 1000));
    shoal_block_info info = encode_info(&v);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_FOR);
    CU_ASSERT(info.encoded_bytes < 65536 * 10 / 8 + 64); /* 10 bits a value */
    shoal_vector_free(&v);
    /* constant -> RLE (ints and strings) */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DATE), 0);
    for (int i = 0; i < 10000; i++) shoal_vector_append_i64(&v, 9000);
    CU_ASSERT_EQUAL(encode_info(&v).encoding, SHOAL_ENC_RLE);
    shoal_vector_free(&v);
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_VARCHAR, 0), 0);
    for (int i = 0; i < 10000; i++) shoal_vector_append_string(&v, "DELIVER IN PERSON", 17);
    info = encode_info(&v);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_RLE);
    CU_ASSERT(info.block_bytes < 128); /* header + zone map + one run */
    shoal_vector_free(&v);
    /* few distinct strings in random order -> DICT */
    static const char *const modes[] = {"AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"};
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_VARCHAR, 10), 0);
    for (int i = 0; i < 65536; i++) {
        const char *m = modes[test_rand(&rng) % 7];
        shoal_vector_append_string(&v, m, (uint32_t)strlen(m));
    }
    info = encode_info(&v);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_DICT);
    CU_ASSERT(info.encoded_bytes < 65536 * 3 / 8 + 200); /* 3-bit codes */
    shoal_vector_free(&v);
    /* long runs of random values -> RLE */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_BIGINT), 0);
    for (int r = 0; r < 64; r++) {
        int64_t x = (int64_t)test_rand(&rng);
        for (int i = 0; i < 1024; i++) shoal_vector_append_i64(&v, x);
    }
    CU_ASSERT_EQUAL(encode_info(&v).encoding, SHOAL_ENC_RLE);
    shoal_vector_free(&v);
    /* full-range random 64-bit values -> RAW, not compressed */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_BIGINT), 0);
    for (int i = 0; i < 65536; i++) shoal_vector_append_i64(&v, (int64_t)test_rand(&rng));
    info = encode_info(&v);
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_RAW);
    CU_ASSERT_FALSE(info.compressed);
    shoal_vector_free(&v);
    /* text made of a small vocabulary -> RAW + zstd, much smaller */
    static const char *const words[] = {"furiously", "quickly", "carefully", "regular", "deposits", "sleep",
                                        "ironic", "accounts", "haggle", "blithely", "pending", "requests"};
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_VARCHAR, 0), 0);
    for (int i = 0; i < 65536; i++) {
        char line[256];
        int len = 0, nw = 3 + (int)(test_rand(&rng) % 6);
        for (int k = 0; k < nw; k++) len += sprintf(line + len, "%s%s", k ? " " : "", words[test_rand(&rng) % 12]);
        shoal_vector_append_string(&v, line, (uint32_t)len);
    }
    info = encode_info(&v);
    CU_ASSERT_TRUE(info.compressed);
    CU_ASSERT(info.block_bytes * 2 < info.plain_bytes);
    shoal_vector_free(&v);
    /* doubles with few distinct values -> DICT */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DOUBLE), 0);
    for (int i = 0; i < 65536; i++) shoal_vector_append_f64(&v, (double)(test_rand(&rng) % 11) / 100.0);
    CU_ASSERT_EQUAL(encode_info(&v).encoding, SHOAL_ENC_DICT);
    shoal_vector_free(&v);
}

static void test_encoding_names(void)
{
    shoal_encoding_request r;
    CU_ASSERT_TRUE(shoal_encoding_from_name("raw", &r));
    CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_RAW));
    CU_ASSERT_EQUAL(r.zstd, SHOAL_ZSTD_NEVER);
    CU_ASSERT_TRUE(shoal_encoding_from_name("AZ64", &r));
    CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_FOR) | SHOAL_ENC_BIT(SHOAL_ENC_DELTA));
    const char *dict[] = {"bytedict", "Text255", "TEXT32K"};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(shoal_encoding_from_name(dict[i], &r));
        CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_DICT));
    }
    CU_ASSERT_TRUE(shoal_encoding_from_name("RunLength", &r));
    CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_RLE));
    CU_ASSERT_TRUE(shoal_encoding_from_name("delta32k", &r));
    CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_DELTA));
    const char *mostly[] = {"mostly8", "MOSTLY16", "Mostly32"};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(shoal_encoding_from_name(mostly[i], &r));
        CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_FOR));
    }
    CU_ASSERT_TRUE(shoal_encoding_from_name("zstd", &r));
    CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_BIT(SHOAL_ENC_RAW));
    CU_ASSERT_EQUAL(r.zstd, SHOAL_ZSTD_ALWAYS);
    CU_ASSERT_TRUE(shoal_encoding_from_name("LZO", &r));
    CU_ASSERT_EQUAL(r.zstd, SHOAL_ZSTD_ALWAYS);
    CU_ASSERT_TRUE(shoal_encoding_from_name("auto", &r));
    CU_ASSERT_EQUAL(r.allowed, SHOAL_ENC_ALL);
    CU_ASSERT_FALSE(shoal_encoding_from_name("LZ4", &r));
    CU_ASSERT_FALSE(shoal_encoding_from_name("", &r));
    CU_ASSERT_FALSE(shoal_encoding_from_name("RAW ", &r));
    CU_ASSERT_FALSE(shoal_encoding_from_name(NULL, &r));
}

/* ---- corrupt blocks ---- */

static void encode_sample(shoal_writer *w, shoal_type t, int vp, int np, uint32_t n, shoal_encoding_request req,
                          shoal_block_info *info)
{
    shoal_vector v;
    make_vector(&v, t, vp, np, n, 99);
    shoal_zone_map zm;
    shoal_error err;
    shoal_writer_init(w, 1024);
    CU_ASSERT_TRUE_FATAL(shoal_block_encode(encoder, &v, req, w, &zm, info, &err));
    shoal_vector_free(&v);
}

static void fix_crc(uint8_t *b, size_t len)
{
    uint32_t crc = shoal_crc32c(0, b, 28);
    crc = shoal_crc32c(crc, b + SHOAL_BLOCK_HEADER_BYTES, len - SHOAL_BLOCK_HEADER_BYTES);
    memcpy(b + 28, &crc, 4);
}

/* Every single-bit flip anywhere in a block is caught. */
static void test_corrupt_every_bit(void)
{
    const struct {
        shoal_type t;
        int vp, np;
        shoal_encoding_request req;
    } samples[] = {
        {shoal_type_string(SHOAL_TYPE_VARCHAR, 0), VP_FEW, NP_RANDOM, shoal_encoding_auto()},
        {shoal_type_make(SHOAL_TYPE_INTEGER), VP_SORTED, NP_NONE, shoal_encoding_auto()},
        {shoal_type_make(SHOAL_TYPE_DOUBLE), VP_RANDOM, NP_ALTERNATE, shoal_encoding_forced(SHOAL_ENC_RAW, SHOAL_ZSTD_ALWAYS)},
    };
    int undetected = 0;
    for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
        shoal_writer w;
        shoal_block_info info;
        encode_sample(&w, samples[s].t, samples[s].vp, samples[s].np, 300, samples[s].req, &info);
        shoal_physical p = shoal_type_physical(samples[s].t);
        shoal_error err;
        CU_ASSERT_TRUE(shoal_block_decode(w.data, w.len, p, &decoded, &err));
        for (size_t i = 0; i < w.len; i++) {
            for (int bit = 0; bit < 8; bit++) {
                w.data[i] ^= (uint8_t)(1u << bit);
                if (shoal_block_decode(w.data, w.len, p, &decoded, &err)) undetected++;
                if (lazy_decode(w.data, w.len, p, &err)) undetected++;
                w.data[i] ^= (uint8_t)(1u << bit);
            }
        }
        /* truncated, and with a byte too many */
        CU_ASSERT_FALSE(shoal_block_decode(w.data, w.len - 1, p, &decoded, &err));
        CU_ASSERT_FALSE(shoal_block_decode(w.data, 10, p, &decoded, &err));
        CU_ASSERT_FALSE(shoal_block_decode(w.data, w.len, p == SHOAL_PHYS_I32 ? SHOAL_PHYS_I64 : SHOAL_PHYS_I32,
                                           &decoded, &err));
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "corrupt block"));
        shoal_writer_free(&w);
    }
    CU_ASSERT_EQUAL(undetected, 0);
}

/* With a valid checksum over garbage, decoding still never crashes or reads out of bounds
 * (run under ASan), and the values that do decode are the right count. */
static void test_corrupt_fuzz_with_valid_checksum(void)
{
    uint64_t rng = 12345;
    int decoded_ok = 0, rejected = 0;
    for (int t = 0; t < test_type_count; t++) {
        for (int e = 0; e < 6; e++) {
            shoal_encoding_request req = e < SHOAL_ENC_COUNT ? shoal_encoding_forced((shoal_encoding)e, SHOAL_ZSTD_NEVER)
                                                             : shoal_encoding_forced(SHOAL_ENC_RAW, SHOAL_ZSTD_ALWAYS);
            shoal_writer w;
            shoal_block_info info;
            encode_sample(&w, test_types[t], e % 2 ? VP_FEW : VP_SORTED, NP_RANDOM, 200, req, &info);
            shoal_physical p = shoal_type_physical(test_types[t]);
            uint8_t *copy = malloc(w.len);
            for (int iter = 0; iter < 300; iter++) {
                memcpy(copy, w.data, w.len);
                int flips = 1 + (int)(test_rand(&rng) % 4);
                for (int f = 0; f < flips; f++) {
                    size_t pos = test_rand(&rng) % w.len;
                    if (pos >= 28 && pos < 32) continue; /* keep the checksum field for fix_crc */
                    copy[pos] = (uint8_t)test_rand(&rng);
                }
                fix_crc(copy, w.len);
                shoal_error err;
                bool full = shoal_block_decode(copy, w.len, p, &decoded, &err);
                if (full) {
                    decoded_ok++;
                    CU_ASSERT(decoded.rows <= SHOAL_BLOCK_MAX_ROWS);
                } else {
                    rejected++;
                }
                /* lazily: never a crash either, and rejected when the whole decode rejects it */
                bool part = lazy_decode(copy, w.len, p, &err);
                CU_ASSERT(part == full);
            }
            free(copy);
            shoal_writer_free(&w);
        }
    }
    CU_ASSERT(rejected > 0);
    CU_ASSERT(decoded_ok + rejected == test_type_count * 6 * 300);
}

/* Specific structural lies behind a valid checksum. */
static void test_corrupt_codes_and_runs(void)
{
    shoal_error err;
    /* DICT of 3 BIGINT values: code width 2, so code 3 is representable but out of range */
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_BIGINT), 0);
    for (int i = 0; i < 64; i++) shoal_vector_append_i64(&v, (int64_t)(i % 3) * 1000000007ll);
    shoal_writer w;
    shoal_writer_init(&w, 256);
    shoal_zone_map zm;
    shoal_block_info info;
    CU_ASSERT_TRUE(shoal_block_encode(encoder, &v, shoal_encoding_forced(SHOAL_ENC_DICT, SHOAL_ZSTD_NEVER), &w, &zm, &info, &err));
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_DICT);
    uint32_t zone_bytes;
    memcpy(&zone_bytes, w.data + 24, 4);
    uint8_t *payload = w.data + SHOAL_BLOCK_HEADER_BYTES + zone_bytes;
    CU_ASSERT_EQUAL(payload[4 + 3 * 8], 2); /* code width */
    payload[4 + 3 * 8 + 1] = 0xFF;          /* codes 3,3,3,3 */
    fix_crc(w.data, w.len);
    CU_ASSERT_FALSE(shoal_block_decode(w.data, w.len, SHOAL_PHYS_I64, &decoded, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "dict"));
    CU_ASSERT_FALSE(lazy_decode(w.data, w.len, SHOAL_PHYS_I64, &err)); /* found in the slice */
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "dict"));
    shoal_writer_free(&w);
    shoal_vector_free(&v);

    /* RLE of INTEGER runs whose lengths no longer add up */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_INTEGER), 0);
    for (int i = 0; i < 100; i++) shoal_vector_append_i64(&v, i / 10);
    shoal_writer_init(&w, 256);
    CU_ASSERT_TRUE(shoal_block_encode(encoder, &v, shoal_encoding_forced(SHOAL_ENC_RLE, SHOAL_ZSTD_NEVER), &w, &zm, &info, &err));
    CU_ASSERT_EQUAL(info.encoding, SHOAL_ENC_RLE);
    memcpy(&zone_bytes, w.data + 24, 4);
    payload = w.data + SHOAL_BLOCK_HEADER_BYTES + zone_bytes;
    payload[5] ^= 0x01; /* first packed run length */
    fix_crc(w.data, w.len);
    CU_ASSERT_FALSE(shoal_block_decode(w.data, w.len, SHOAL_PHYS_I32, &decoded, &err));
    CU_ASSERT_FALSE(lazy_decode(w.data, w.len, SHOAL_PHYS_I32, &err)); /* found at open */
    shoal_writer_free(&w);
    shoal_vector_free(&v);
}

void register_encoding_tests(void)
{
    CU_pSuite s = CU_add_suite("encoding", encoding_suite_init, encoding_suite_clean);
    CU_add_test(s, "bitpack every width", test_bitpack_every_width);
    CU_add_test(s, "crc32c", test_crc32c);
    CU_add_test(s, "round trip: every type, pattern, NULLs, size, encoding", test_roundtrip_every_type);
    CU_add_test(s, "round trip: 64K and 1M-row blocks", test_roundtrip_full_blocks);
    CU_add_test(s, "128-bit decimals: FOR/DELTA fall back when too wide", test_wide_decimal_fallbacks);
    CU_add_test(s, "automatic choice", test_auto_choice);
    CU_add_test(s, "ENCODE names", test_encoding_names);
    CU_add_test(s, "corrupt: every bit flip detected", test_corrupt_every_bit);
    CU_add_test(s, "corrupt: fuzz behind a valid checksum", test_corrupt_fuzz_with_valid_checksum);
    CU_add_test(s, "corrupt: codes and runs", test_corrupt_codes_and_runs);
}
