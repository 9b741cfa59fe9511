/* Hash kernels: a 64-bit hash per selected row of one key column, set (first column) or mixed
 * into the running hash (further columns), for hash joins, hash aggregation and DISTKEY
 * placement. One macro stamps the loops per type; the key of a value is its integer value
 * (all integer widths alike), the normalized bits of a double, or a hash of a string's bytes. */
#include "engine/exec/kernels.h"

#include <math.h>
#include <string.h>

/* 64x64 -> 128 multiply folded to 64 bits (wyhash's "mum"). */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
}

uint64_t shoal_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x243f6a8885a308d3ULL ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = mum(h ^ w, 0xa0761d6478bd642fULL);
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        h = mum(h ^ w, 0xe7037ed1a0b428dbULL);
    }
    return shoal_hash_fmix64(h);
}

static inline uint64_t key_int(int64_t x) { return (uint64_t)x; }
static inline uint64_t key_i128(shoal_int128 x)
{
    if (x == (shoal_int128)(int64_t)x) return (uint64_t)(int64_t)x;
    return (uint64_t)x ^ shoal_hash_fmix64((uint64_t)((unsigned __int128)x >> 64) + 0x8bb84b93962eacc9ULL);
}
static inline uint64_t key_f64(double x)
{
    if (x == 0) x = 0;          /* -0.0 hashes like 0.0 */
    if (isnan(x)) x = NAN;      /* one NaN */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits;
}
static inline uint64_t key_string(shoal_string s) { return shoal_hash_bytes(s.ptr, s.len); }

/* First column: h = hash(key); further columns: h = combine(h, key). NULL: SHOAL_HASH_NULL. */
#define HASH_ROWS(VALID_TEST)                                                                          \
    if (combine) {                                                                                     \
        if (sel) {                                                                                     \
            for (uint32_t i = 0; i < n; i++) {                                                         \
                uint32_t r = sel[i];                                                                   \
                hashes[i] = shoal_hash_combine(hashes[i], VALID_TEST ? KEY(v[r]) : SHOAL_HASH_NULL);   \
            }                                                                                          \
        } else {                                                                                       \
            for (uint32_t r = 0; r < n; r++)                                                           \
                hashes[r] = shoal_hash_combine(hashes[r], VALID_TEST ? KEY(v[r]) : SHOAL_HASH_NULL);   \
        }                                                                                              \
    } else {                                                                                           \
        if (sel) {                                                                                     \
            for (uint32_t i = 0; i < n; i++) {                                                         \
                uint32_t r = sel[i];                                                                   \
                hashes[i] = VALID_TEST ? shoal_hash_u64(KEY(v[r])) : SHOAL_HASH_NULL;                  \
            }                                                                                          \
        } else {                                                                                       \
            for (uint32_t r = 0; r < n; r++)                                                           \
                hashes[r] = VALID_TEST ? shoal_hash_u64(KEY(v[r])) : SHOAL_HASH_NULL;                  \
        }                                                                                              \
    }

#define DEFINE_HASH(T, SUF)                                                                            \
    void kernel_hash_##SUF(const T *restrict v, const uint32_t *sel, uint32_t n, const uint64_t *validity, \
                           uint64_t *restrict hashes, bool combine)                                    \
    {                                                                                                  \
        if (validity) {                                                                                \
            HASH_ROWS(shoal_bit_is_set(validity, r))                                                   \
        } else {                                                                                       \
            HASH_ROWS(1)                                                                               \
        }                                                                                              \
    }

#define KEY(x) key_int(x)
DEFINE_HASH(uint8_t, u8)
DEFINE_HASH(int16_t, i16)
DEFINE_HASH(int32_t, i32)
DEFINE_HASH(int64_t, i64)
#undef KEY
#define KEY(x) key_i128(x)
DEFINE_HASH(shoal_int128, i128)
#undef KEY
#define KEY(x) key_f64(x)
DEFINE_HASH(float, f32)
DEFINE_HASH(double, f64)
#undef KEY
#define KEY(x) key_string(x)
DEFINE_HASH(shoal_string, string)
#undef KEY

void kernel_hash_vector(const shoal_vector *v, const uint32_t *sel, uint32_t n, uint64_t *restrict hashes,
                        bool combine)
{
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: kernel_hash_u8(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_I16: kernel_hash_i16(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_I32: kernel_hash_i32(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_I64: kernel_hash_i64(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_I128: kernel_hash_i128(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_F32: kernel_hash_f32(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_F64: kernel_hash_f64(v->data, sel, n, v->validity, hashes, combine); break;
    case SHOAL_PHYS_STRING: kernel_hash_string(v->data, sel, n, v->validity, hashes, combine); break;
    }
}
