/* The per-rank manifest of a table: its columns, and for every row group the row count and,
 * per column, where the block lives (file, offset, length), how it is encoded and its zone
 * map. In memory it is reference counted so scans keep the snapshot they opened. */
#ifndef SHOAL_STORAGE_MANIFEST_H
#define SHOAL_STORAGE_MANIFEST_H

#include "engine/storage/block.h"
#include "engine/storage/zone_map.h"
#include "runtime/error.h"
#include "runtime/serialize.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A column as the store knows it: its type and the encodings it asks for (DDL ENCODE). */
typedef struct shoal_column_def {
    shoal_type type;
    shoal_encoding_request encoding;
} shoal_column_def;

#define SHOAL_STORAGE_MAX_COLUMNS 1600 /* Redshift's limit */

/* One column's block in one row group. */
typedef struct shoal_chunk_ref {
    uint64_t file_version; /* the load that wrote the file: c<column>-v<file_version>.col */
    uint64_t offset;
    uint32_t length;
    uint32_t plain_bytes;
    uint32_t encoded_bytes;
    uint8_t encoding;
    uint8_t compressed;
    shoal_zone_map zone;
} shoal_chunk_ref;

typedef struct shoal_manifest {
    int refcount;
    uint64_t table_id;
    uint64_t version;
    uint64_t rows;
    int column_count;
    shoal_column_def *columns;
    uint32_t group_count, group_capacity;
    uint32_t *group_rows;
    shoal_chunk_ref *chunks; /* group-major: chunk (g, c) is chunks[g * column_count + c] */
} shoal_manifest;

static inline shoal_chunk_ref *shoal_manifest_chunk(const shoal_manifest *m, uint32_t group, int column)
{
    return &m->chunks[(size_t)group * (size_t)m->column_count + (size_t)column];
}

shoal_manifest *shoal_manifest_create(uint64_t table_id, uint64_t version,
                                      const shoal_column_def *columns, int column_count);
shoal_manifest *shoal_manifest_ref(shoal_manifest *m);
void shoal_manifest_unref(shoal_manifest *m);
/* Adds a row group: rows and column_count chunk references. */
void shoal_manifest_add_group(shoal_manifest *m, uint32_t rows, const shoal_chunk_ref *chunks);
/* Adds every row group of src (same columns). */
void shoal_manifest_add_groups_of(shoal_manifest *m, const shoal_manifest *src);
/* Whether file c<column>-v<version>.col is referenced. */
bool shoal_manifest_references(const shoal_manifest *m, int column, uint64_t version);

/* On-disk form, little-endian:
 *   u32 magic "SHMF", u32 format version (1), u64 table id, u64 version, u64 rows,
 *   u32 columns; per column: u8 type id, u8 precision, u8 scale, u8 allowed encodings,
 *       u8 zstd policy, 3 zero bytes, u32 length
 *   u32 row groups; per group: u32 rows; per column: u64 file version, u64 offset,
 *       u32 length, u32 plain bytes, u32 encoded bytes, u8 encoding, u8 compressed, zone map
 *   u32 CRC32C of everything before it. */
#define SHOAL_MANIFEST_MAGIC 0x464D4853u /* "SHMF" */
#define SHOAL_MANIFEST_VERSION 1
void shoal_manifest_serialize(const shoal_manifest *m, shoal_writer *w);
/* Parses and validates; NULL with err set (the message does not name the file). */
shoal_manifest *shoal_manifest_parse(const uint8_t *data, size_t len, shoal_error *err);

/* Names inside a table directory. */
#define SHOAL_MANIFEST_FILE "manifest"
#define SHOAL_MANIFEST_PREPARED_FILE "manifest.prepared"
void shoal_column_file_name(char *buf, size_t size, int column, uint64_t version);
bool shoal_column_file_parse(const char *name, int *column, uint64_t *version);

#endif
