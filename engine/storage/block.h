/* Column blocks: one column segment of up to SHOAL_BLOCK_MAX_ROWS values, encoded (RAW,
 * frame-of-reference bit-packing, DELTA, run-length, dictionary), zstd-compressed when it
 * pays, checksummed, with its zone map in the header. Encoding and verified decoding. */
#ifndef SHOAL_STORAGE_BLOCK_H
#define SHOAL_STORAGE_BLOCK_H

#include "engine/core/types.h"
#include "engine/core/vector.h"
#include "engine/storage/zone_map.h"
#include "runtime/error.h"
#include "runtime/serialize.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Shoal's on-disk format is little-endian; a big-endian host needs byte swaps in engine/storage"
#endif

/* Rows per block (and per row group, see table_store.h): 64K by default. */
#define SHOAL_BLOCK_ROWS_DEFAULT 65536u
#define SHOAL_BLOCK_MAX_ROWS (1u << 20)

typedef enum shoal_encoding {
    SHOAL_ENC_RAW = 0,   /* values as they are (strings: bit-packed lengths + bytes) */
    SHOAL_ENC_FOR = 1,   /* frame of reference: min + bit-packed (value - min); integers */
    SHOAL_ENC_DELTA = 2, /* first value + FOR of the successive differences; integers */
    SHOAL_ENC_RLE = 3,   /* runs: bit-packed run lengths + one value per run */
    SHOAL_ENC_DICT = 4,  /* distinct values + bit-packed codes */
    SHOAL_ENC_COUNT
} shoal_encoding;

#define SHOAL_ENC_BIT(e) (1u << (e))
#define SHOAL_ENC_ALL ((1u << SHOAL_ENC_COUNT) - 1)

typedef enum shoal_zstd_policy {
    SHOAL_ZSTD_NEVER = 0,
    SHOAL_ZSTD_WHEN_PAYS = 1, /* keep the compressed form when it saves >= 10% */
    SHOAL_ZSTD_ALWAYS = 2     /* keep it whenever it is smaller at all */
} shoal_zstd_policy;

/* What a column asks for: the encodings the automatic choice may pick from (an encoding
 * that does not apply to the type or the block's values falls back to RAW) and the zstd
 * policy. ENCODE in DDL maps onto this (shoal_encoding_from_name). */
typedef struct shoal_encoding_request {
    uint8_t allowed; /* SHOAL_ENC_BIT set; 0 means all */
    uint8_t zstd;    /* shoal_zstd_policy */
} shoal_encoding_request;

static inline shoal_encoding_request shoal_encoding_auto(void)
{
    shoal_encoding_request r = {SHOAL_ENC_ALL, SHOAL_ZSTD_WHEN_PAYS};
    return r;
}
static inline shoal_encoding_request shoal_encoding_forced(shoal_encoding e, shoal_zstd_policy z)
{
    shoal_encoding_request r = {(uint8_t)SHOAL_ENC_BIT(e), (uint8_t)z};
    return r;
}

/* Redshift's ENCODE names, case-insensitive: AUTO; RAW; AZ64 (FOR or DELTA); BYTEDICT,
 * TEXT255, TEXT32K (dictionary); RUNLENGTH (RLE); DELTA, DELTA32K (delta); MOSTLY8, MOSTLY16,
 * MOSTLY32 (FOR); ZSTD, LZO (raw + zstd). Also Shoal's own FOR, DICT, RLE. False when unknown. */
bool shoal_encoding_from_name(const char *name, shoal_encoding_request *out);
const char *shoal_encoding_name(shoal_encoding e); /* "raw", "for", "delta", "rle", "dict" */

/* ---- block layout (all little-endian) ----
 *   0  u32 magic "SHBK"          4  u8 format version (1)   5  u8 encoding
 *   6  u8 flags (SHOAL_BLOCK_*)  7  u8 physical type (shoal_physical)
 *   8  u32 rows                 12  u32 NULL count
 *  16  u32 stored payload bytes (as on disk)   20  u32 payload bytes before zstd
 *  24  u32 zone map bytes (z)                  28  u32 CRC32C of everything else in the block
 *  32  zone map (z bytes, shoal_zone_map_write)
 *  32+z payload: [validity bitmap, ceil(rows/64) u64 words, when FLAG_VALIDITY] + values
 *       in the encoding's layout (block_encode.c); zstd-compressed as a whole when FLAG_ZSTD. */
#define SHOAL_BLOCK_MAGIC 0x4B424853u /* "SHBK" */
#define SHOAL_BLOCK_VERSION 1
#define SHOAL_BLOCK_HEADER_BYTES 32
enum {
    SHOAL_BLOCK_FLAG_ZSTD = 0x01,     /* payload is zstd-compressed */
    SHOAL_BLOCK_FLAG_VALIDITY = 0x02, /* payload starts with the validity bitmap */
    SHOAL_BLOCK_FLAG_ALL_NULL = 0x04, /* every row is NULL: no bitmap, no values */
    SHOAL_BLOCK_FLAGS_ALL = 0x07
};

typedef struct shoal_block_header {
    uint8_t version, encoding, flags, physical;
    uint32_t rows, nulls;
    uint32_t stored_bytes, encoded_bytes, zone_bytes, checksum;
} shoal_block_header;

/* What encoding produced (also kept per block in the manifest, for statistics). */
typedef struct shoal_block_info {
    uint8_t encoding;      /* shoal_encoding */
    bool compressed;       /* zstd */
    uint32_t plain_bytes;  /* the values' in-memory size: rows * width, or string bytes + 4/row */
    uint32_t encoded_bytes;
    uint32_t block_bytes;  /* the whole block as written */
} shoal_block_info;

/* Reusable scratch space and the zstd context; one per appender (not thread-safe). */
typedef struct shoal_block_encoder shoal_block_encoder;
shoal_block_encoder *shoal_block_encoder_create(int zstd_level); /* level <= 0: 3 */
void shoal_block_encoder_free(shoal_block_encoder *enc);

/* Encodes rows [0, values->count) of a vector into one block appended to out; fills zm (the
 * block's zone map) and info. Fails only on oversized input (a block's payload must stay under
 * 4 GiB). */
bool shoal_block_encode(shoal_block_encoder *enc, const shoal_vector *values,
                        shoal_encoding_request request, shoal_writer *out, shoal_zone_map *zm,
                        shoal_block_info *info, shoal_error *err);

/* A decoded block: `rows` values of the physical type in `values` (shoal_string for strings,
 * pointing into this struct's own buffers) and the validity bitmap (NULL when no NULLs).
 * Reused across blocks; the pointers stay valid until the next decode or free. */
typedef struct shoal_decoded_block {
    uint8_t physical;
    uint32_t rows;
    void *values;
    uint64_t *validity;
    shoal_block_header header;
    shoal_zone_map zone;
    /* owned buffers */
    uint8_t *raw; /* the block as read (shoal_decoded_block_buffer) */
    size_t raw_cap;
    uint8_t *payload; /* the decompressed payload */
    size_t payload_cap;
    void *values_buf;
    size_t values_cap;
    uint64_t *validity_buf;
    size_t validity_cap;
    uint64_t *keys; /* values widened to 64 bits before narrowing to 1, 2 or 4 bytes */
    size_t keys_cap;
    uint64_t *scratch; /* lengths, codes, dictionaries */
    size_t scratch_cap;
    void *dctx; /* ZSTD_DCtx */
    /* lazy decoding (shoal_block_open_buffer): the values are decoded a slice at a time */
    bool lazy;
    uint8_t lazy_encoding;
    uint8_t bits;           /* width of the packed values, differences or codes */
    uint8_t width;          /* bytes per value (sizeof(shoal_string) for strings) */
    const uint8_t *packed;  /* FOR values, DELTA differences, DICT codes, RAW values */
    uint64_t base;          /* FOR: the minimum; DELTA: the first value */
    uint64_t min_delta;     /* DELTA */
    uint64_t last;          /* DELTA: the value of row next_row - 1 */
    uint32_t next_row;      /* DELTA and RLE read front to back: where the next slice starts */
    uint32_t entry_count;   /* DICT entries, RLE runs */
    uint32_t run, run_left; /* RLE: the current run and its rows still to hand out */
    const void *entries;    /* DICT entries, RLE run values: uint64_t keys or shoal_string */
    const uint32_t *run_lengths;
    uint64_t *slice_buf;    /* one slice's codes or differences */
    size_t slice_cap;
} shoal_decoded_block;

void shoal_decoded_block_init(shoal_decoded_block *b);
void shoal_decoded_block_free(shoal_decoded_block *b);

/* Parses and checks a block's header and zone map (magic, version, lengths, checksum over
 * the whole block, whose len bytes must be at `bytes`). */
bool shoal_block_read_header(const uint8_t *bytes, size_t len, shoal_block_header *header,
                             shoal_zone_map *zm, shoal_error *err);

/* Verifies and decodes a block of physical type `physical` (copying it into b's buffer). Any
 * inconsistency (checksum, lengths, codes out of range, run lengths not adding up) is an
 * error (SQLSTATE XX001). */
bool shoal_block_decode(const uint8_t *bytes, size_t len, shoal_physical physical,
                        shoal_decoded_block *b, shoal_error *err);
/* Without the copy: read the block's len bytes into shoal_decoded_block_buffer(b, len), then
 * decode it in place. */
uint8_t *shoal_decoded_block_buffer(shoal_decoded_block *b, size_t len);
bool shoal_block_decode_buffer(shoal_decoded_block *b, size_t len, shoal_physical physical, shoal_error *err);

/* For scans: like shoal_block_decode_buffer (header, checksum, zstd, validity and the layout
 * checked), but FOR, DELTA, RLE and DICT blocks of up to 64-bit values and RLE and DICT
 * string blocks are not decoded yet (b->lazy; others are decoded whole, as above). Their
 * values then come out a slice at a time with shoal_block_read_slice, straight into the
 * caller's vector, so a block's values are never materialized whole. */
bool shoal_block_open_buffer(shoal_decoded_block *b, size_t len, shoal_physical physical, shoal_error *err);
/* Rows [pos, pos + n) of an opened or decoded block into out (n values of the physical type,
 * strings pointing into b's buffers). pos must be a multiple of 8; slices of a lazy block
 * must be read in order (each starting where the previous one ended, the first at 0). A
 * dictionary code out of range is an error (XX001), found in the slice that holds it. */
bool shoal_block_read_slice(shoal_decoded_block *b, uint32_t pos, uint32_t n, void *out, shoal_error *err);

#endif
