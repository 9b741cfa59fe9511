/* CRC32C (see checksum.h). The hardware path runs three independent streams over thirds of
 * a large buffer (the CRC instruction's latency is three times its throughput) and joins
 * them with the GF(2) shift used by zlib's crc32_combine; the portable path uses eight
 * 256-entry tables (slicing-by-8) and is always built, for tests and non-x86/Arm hosts. */
#include "engine/storage/checksum.h"

#include <pthread.h>
#include <string.h>

#define POLY 0x82F63B78u /* Castagnoli, reflected */

/* ---- portable ---- */

static uint32_t table[8][256];
static uint32_t x2n_table[32]; /* x^(2^k) mod P */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* a * b mod P, reflected (zlib's multmodp). */
static uint32_t multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
    }
    return p;
}

static void build_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
    uint32_t p = 1u << 30; /* x^1 */
    x2n_table[0] = p;
    for (int n = 1; n < 32; n++) x2n_table[n] = p = multmodp(p, p);
}

/* x^(n * 2^k) mod P */
static uint32_t x2nmodp(size_t n, unsigned k)
{
    uint32_t p = 1u << 31; /* x^0 */
    while (n) {
        if (n & 1) p = multmodp(x2n_table[k & 31], p);
        n >>= 1;
        k++;
    }
    return p;
}

/* The CRC of A followed by B from crc(A), crc(B) and |B|. */
static uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, size_t len_b)
{
    return multmodp(x2nmodp(len_b, 3), crc_a) ^ crc_b;
}

uint32_t shoal_crc32c_portable(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&tables_once, build_tables);
    const uint8_t *p = data;
    uint32_t c = ~crc;
    while (n >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
        lo ^= c;
        c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
            table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
            table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
    return ~c;
}

/* ---- hardware ---- */

#if defined(__SSE4_2__) || defined(__ARM_FEATURE_CRC32)
#if defined(__SSE4_2__)
#include <nmmintrin.h>
#define CRC_U64(c, w) _mm_crc32_u64((c), (w))
#define CRC_U8(c, b) _mm_crc32_u8((uint32_t)(c), (b))
#else
#include <arm_acle.h>
#define CRC_U64(c, w) __crc32cd((uint32_t)(c), (w))
#define CRC_U8(c, b) __crc32cb((uint32_t)(c), (b))
#endif

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static uint32_t crc_serial(uint32_t crc, const uint8_t *p, size_t n)
{
    uint64_t c = ~crc;
    for (; n >= 8; p += 8, n -= 8) c = CRC_U64(c, load64(p));
    while (n--) c = CRC_U8(c, *p++);
    return ~(uint32_t)c;
}

uint32_t shoal_crc32c(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    if (n < 3 * 2048) return crc_serial(crc, p, n);
    pthread_once(&tables_once, build_tables);
    size_t third = (n / 3) & ~(size_t)7;
    const uint8_t *a = p, *b = p + third, *c = p + 2 * third;
    uint64_t ca = ~crc, cb = 0xFFFFFFFFu, cc = 0xFFFFFFFFu;
    for (size_t i = 0; i < third; i += 8) {
        ca = CRC_U64(ca, load64(a + i));
        cb = CRC_U64(cb, load64(b + i));
        cc = CRC_U64(cc, load64(c + i));
    }
    uint32_t r = crc32c_combine(~(uint32_t)ca, ~(uint32_t)cb, third);
    r = crc32c_combine(r, ~(uint32_t)cc, third);
    return crc_serial(r, p + 3 * third, n - 3 * third);
}

#else

uint32_t shoal_crc32c(uint32_t crc, const void *data, size_t n) { return shoal_crc32c_portable(crc, data, n); }

#endif
