/* CRC32C (Castagnoli) checksums of blocks and manifests: the SSE4.2 / ARMv8 CRC instruction
 * (three interleaved streams) when the build targets it, a slicing-by-8 table otherwise. Same
 * result either way. */
#ifndef SHOAL_STORAGE_CHECKSUM_H
#define SHOAL_STORAGE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Extends crc (0 to start) over n bytes. */
uint32_t shoal_crc32c(uint32_t crc, const void *data, size_t n);
/* The table-driven version, always built (tests compare the two). */
uint32_t shoal_crc32c_portable(uint32_t crc, const void *data, size_t n);

#endif
