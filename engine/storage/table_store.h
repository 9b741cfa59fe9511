/* Per-rank table storage: a table's committed data under DATA_DIR/rank-K/table-<id>/ as one
 * file per column per load (a sequence of blocks) plus a manifest, replaced atomically; loads
 * go through a two-phase appender (prepare = everything durable, commit = rename); scans read
 * a snapshot and skip row groups that zone maps rule out. Errors are values (shoal_error). */
#ifndef SHOAL_STORAGE_TABLE_STORE_H
#define SHOAL_STORAGE_TABLE_STORE_H

#include "engine/core/vector.h"
#include "engine/storage/block.h"
#include "engine/storage/manifest.h"
#include "engine/storage/zone_map.h"
#include "runtime/error.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct shoal_store_options {
    bool create;              /* create the table (and rank) directory when missing */
    uint32_t rows_per_block;  /* rows per row group; 0: SHOAL_BLOCK_ROWS_DEFAULT (65536) */
    uint32_t max_block_bytes; /* a row group also closes once a column holds this many
                               * bytes of values; 0: 8 MiB */
    int zstd_level;           /* 0: 3 */
    /* The version the leader's catalog recorded as committed, 0 when unknown. A prepared but
     * not yet switched manifest of exactly this version is rolled forward on open (the rank
     * died between the leader's commit decision and its rename); any other is rolled back. */
    uint64_t committed_version;
} shoal_store_options;

typedef struct shoal_table_store shoal_table_store;

/* Opens (recovering: see above, and files no manifest references are deleted) or creates
 * table `table_id` under rank_dir. columns may be NULL for an existing table (they come from
 * its manifest); otherwise they must match its types, and their encoding requests apply to
 * future loads. Opens of one table within a process share one store (reference counted):
 * a later open returns it as it is, with the first open's options and encodings, and does
 * no recovery, so scans can open the table while a load into it is in progress. A store is
 * not thread-safe: use one table from one thread at a time. */
shoal_table_store *shoal_table_store_open(const char *rank_dir, uint64_t table_id,
                                          const shoal_column_def *columns, int column_count,
                                          const shoal_store_options *options, shoal_error *err);
/* Each open is closed once; the last close with an appender still alive is a programming
 * error. Scans may outlive the store. */
void shoal_table_store_close(shoal_table_store *store);
uint64_t shoal_table_store_version(const shoal_table_store *store); /* 0: nothing committed */
uint64_t shoal_table_store_rows(const shoal_table_store *store);
int shoal_table_store_column_count(const shoal_table_store *store);
const shoal_column_def *shoal_table_store_columns(const shoal_table_store *store);
const char *shoal_table_store_dir(const shoal_table_store *store);
/* The committed manifest (borrowed; shoal_manifest_ref it to keep it past the next commit). */
const shoal_manifest *shoal_table_store_manifest(const shoal_table_store *store);

/* ---- loads ----
 * begin -> add_batch* -> prepare -> commit, or abort at any point before commit.
 * version: the version the load will commit as (the leader's transaction number, so every
 * rank agrees); 0 takes the current version + 1. It must be above the current version. */
typedef struct shoal_appender shoal_appender;
shoal_appender *shoal_table_append_begin(shoal_table_store *store, uint64_t version, shoal_error *err);
/* Replace: the new version holds only the rows added here (truncate, or re-sorting a slice for
 * a SORTKEY); the old version's files are deleted after the commit. */
shoal_appender *shoal_table_replace_begin(shoal_table_store *store, uint64_t version, shoal_error *err);
/* Buffers the batch's selected rows; writes a row group (one block per column) each time
 * rows_per_block rows are buffered. The batch's columns must match the table's. */
bool shoal_appender_add_batch(shoal_appender *a, const shoal_batch *batch, shoal_error *err);
/* Phase 1: writes the last row group, fsyncs the data files and the directory, and writes
 * the new manifest as manifest.prepared (fsynced). After success, commit or abort. */
bool shoal_appender_prepare(shoal_appender *a, shoal_error *err);
/* Phase 2: renames manifest.prepared over manifest and fsyncs the directory. */
bool shoal_appender_commit(shoal_appender *a, shoal_error *err);
/* Removes everything the appender wrote (not allowed after commit). */
bool shoal_appender_abort(shoal_appender *a, shoal_error *err);
/* True once the manifest switch happened, even if the directory fsync after it failed. */
bool shoal_appender_committed(const shoal_appender *a);
uint64_t shoal_appender_version(const shoal_appender *a);
uint64_t shoal_appender_rows(const shoal_appender *a); /* rows added so far */
/* The zone map of everything this load wrote to `column` (its row groups' merged: rows, NULLs,
 * min/max), for statistics; false for a column out of range. Call after prepare to include
 * the last row group. */
bool shoal_appender_zone_map(const shoal_appender *a, int column, shoal_zone_map *out);
/* Frees; an appender neither committed nor aborted is aborted first. */
void shoal_appender_free(shoal_appender *a);

/* Replaces the table's contents with nothing (a committed new version). */
bool shoal_table_truncate(shoal_table_store *store, uint64_t version, shoal_error *err);
/* Removes a table: renames its directory to table-<id>.dropped (atomic), then deletes it. A
 * missing table is not an error; one open in this process is (SQLSTATE 55006). */
bool shoal_table_drop(const char *rank_dir, uint64_t table_id, shoal_error *err);
bool shoal_table_exists(const char *rank_dir, uint64_t table_id);
/* At rank start: finishes drops a crash interrupted (deletes table-*.dropped). */
bool shoal_storage_recover_rank(const char *rank_dir, shoal_error *err);

/* ---- sizes ---- */
typedef struct shoal_column_storage_stats {
    uint64_t rows, nulls, blocks;
    uint64_t block_bytes;   /* on disk, headers included */
    uint64_t encoded_bytes; /* payloads before zstd */
    uint64_t plain_bytes;   /* values uncompressed: rows * width, or string bytes + 4 per row */
    uint32_t blocks_by_encoding[SHOAL_ENC_COUNT];
    uint32_t blocks_compressed;
    shoal_zone_map zone; /* the whole column's */
} shoal_column_storage_stats;

typedef struct shoal_table_storage_stats {
    uint64_t rows, row_groups;
    uint64_t data_bytes;     /* sum of the blocks */
    uint64_t file_bytes;     /* sum of the referenced column files' sizes */
    uint64_t manifest_bytes;
} shoal_table_storage_stats;

/* columns (may be NULL) gets column_count entries. */
bool shoal_table_store_stats(const shoal_table_store *store, shoal_table_storage_stats *table,
                             shoal_column_storage_stats *columns, shoal_error *err);

/* ---- scans ---- */
typedef struct shoal_scan_stats {
    uint64_t groups_read, groups_skipped; /* row groups */
    uint64_t blocks_read, blocks_skipped; /* blocks of the projected columns */
    uint64_t bytes_read;
    uint64_t rows;                        /* rows returned */
} shoal_scan_stats;

typedef struct shoal_table_scan shoal_table_scan;

enum { SHOAL_SCAN_ERROR = -1, SHOAL_SCAN_END = 0, SHOAL_SCAN_ROWS = 1 };

/* Opens a scan of the committed version as of now (later commits are not seen). columns:
 * the table columns to return, in order (NULL: all); none at all is allowed (row counts
 * only). preds: zone-map predicates (AND): a row group any of them rules out is skipped for
 * every column. They are evaluated here, at open; the caller keeps nothing alive for the scan. */
shoal_table_scan *shoal_table_scan_open(shoal_table_store *store, const int *columns, int column_count,
                                        const shoal_zone_pred *preds, int pred_count, shoal_error *err);
/* Initializes a batch shaped for this scan's columns. */
void shoal_table_scan_init_batch(const shoal_table_scan *scan, shoal_batch *batch);
/* Fills out with the next up to SHOAL_BATCH_ROWS rows. Strings point into the scan's decoded
 * block: like the batch, they are valid until the next call or close (copy them to keep them).
 * Returns SHOAL_SCAN_ROWS, SHOAL_SCAN_END, or SHOAL_SCAN_ERROR with err set (I/O error or a
 * corrupt block, naming the file and offset). */
int shoal_table_scan_next(shoal_table_scan *scan, shoal_batch *out, shoal_error *err);
const shoal_scan_stats *shoal_table_scan_stats(const shoal_table_scan *scan);
void shoal_table_scan_close(shoal_table_scan *scan);

#endif
