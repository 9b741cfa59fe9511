/* Bit packing of unsigned integers at a fixed width of 0..64 bits, little-endian bit order
 * (value i occupies bits [i*w, (i+1)*w) of the byte stream). The building block of the FOR,
 * DELTA, RLE-length and dictionary-code encodings. */
#ifndef SHOAL_STORAGE_BITPACK_H
#define SHOAL_STORAGE_BITPACK_H

#include <stddef.h>
#include <stdint.h>

/* Readable bytes the unpacker may touch past the packed data (decode buffers carry them). */
#define SHOAL_BITPACK_PAD 16

static inline size_t shoal_bitpack_bytes(size_t n, unsigned width)
{
    return (n * width + 7) / 8;
}

/* Bits needed for values 0..max_value (0 for max_value 0). */
static inline unsigned shoal_bits_needed(uint64_t max_value)
{
    return max_value ? 64u - (unsigned)__builtin_clzll(max_value) : 0u;
}

/* Packs n values (each < 2^width) into shoal_bitpack_bytes(n, width) bytes at out. */
void shoal_bitpack(const uint64_t *in, size_t n, unsigned width, uint8_t *out);

/* Unpacks n values and adds base (mod 2^64): out[i] = base + value_i. `in` must be readable
 * SHOAL_BITPACK_PAD bytes past shoal_bitpack_bytes(n, width). */
void shoal_bitunpack(const uint8_t *in, size_t n, unsigned width, uint64_t base, uint64_t *out);

/* The same into 32-bit outputs (width <= 32), for codes and run lengths. */
void shoal_bitunpack32(const uint8_t *in, size_t n, unsigned width, uint32_t *out);

#endif
