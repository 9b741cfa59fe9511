/* Bit packing (see bitpack.h). Unpacking is stamped per width and unrolled by eight values
 * (w bytes), so every shift and mask is a constant: one unaligned 8-byte load per value for
 * widths up to 56, two above. */
#include "engine/storage/bitpack.h"

#include <string.h>

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v; /* little-endian host (checked in block_format.h) */
}

void shoal_bitpack(const uint64_t *in, size_t n, unsigned width, uint8_t *out)
{
    if (width == 0 || n == 0) return;
    size_t total = shoal_bitpack_bytes(n, width);
    uint8_t *end = out + total;
    uint64_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = in[i];
        acc |= v << bits;
        bits += width;
        if (bits >= 64) {
            memcpy(out, &acc, 8);
            out += 8;
            bits -= 64;
            acc = bits ? v >> (width - bits) : 0;
        }
    }
    size_t rest = (size_t)(end - out);
    if (rest) memcpy(out, &acc, rest);
}

static inline __attribute__((always_inline)) uint64_t extract(const uint8_t *p, size_t bit, const unsigned w)
{
    const uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
    const uint8_t *q = p + (bit >> 3);
    unsigned s = (unsigned)(bit & 7);
    uint64_t v = load64(q) >> s;
    if (w > 56 && s + w > 64) v |= (uint64_t)q[8] << (64 - s);
    return v & mask;
}

/* Eight values span exactly w bytes, so each group of eight starts on a byte boundary and the
 * offsets inside it are constants: the unrolled body has constant shifts only. */
static inline __attribute__((always_inline)) void unpack_width(const uint8_t *in, size_t n,
                                                               const unsigned w, uint64_t base,
                                                               uint64_t *restrict out)
{
    size_t groups = n / 8;
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *p = in + g * w;
        uint64_t *o = out + g * 8;
        for (unsigned j = 0; j < 8; j++) o[j] = base + extract(p, (size_t)j * w, w);
    }
    for (size_t i = groups * 8; i < n; i++) out[i] = base + extract(in, i * w, w);
}

static inline __attribute__((always_inline)) void unpack_width32(const uint8_t *in, size_t n,
                                                                 const unsigned w,
                                                                 uint32_t *restrict out)
{
    size_t groups = n / 8;
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *p = in + g * w;
        uint32_t *o = out + g * 8;
        for (unsigned j = 0; j < 8; j++) o[j] = (uint32_t)extract(p, (size_t)j * w, w);
    }
    for (size_t i = groups * 8; i < n; i++) out[i] = (uint32_t)extract(in, i * w, w);
}

#define W8(F, b) F(b + 1) F(b + 2) F(b + 3) F(b + 4) F(b + 5) F(b + 6) F(b + 7) F(b + 8)

void shoal_bitunpack(const uint8_t *in, size_t n, unsigned width, uint64_t base, uint64_t *out)
{
    switch (width) {
    case 0:
        for (size_t i = 0; i < n; i++) out[i] = base;
        return;
#define CASE(w) case w: unpack_width(in, n, w, base, out); return;
        W8(CASE, 0) W8(CASE, 8) W8(CASE, 16) W8(CASE, 24)
        W8(CASE, 32) W8(CASE, 40) W8(CASE, 48) W8(CASE, 56)
#undef CASE
    default: return; /* callers check width <= 64 */
    }
}

void shoal_bitunpack32(const uint8_t *in, size_t n, unsigned width, uint32_t *out)
{
    switch (width) {
    case 0:
        memset(out, 0, n * sizeof *out);
        return;
#define CASE(w) case w: unpack_width32(in, n, w, out); return;
        W8(CASE, 0) W8(CASE, 8) W8(CASE, 16) W8(CASE, 24)
#undef CASE
    default: return; /* callers check width <= 32 */
    }
}
