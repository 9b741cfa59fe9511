/* The per-rank half of COPY: parse one byte range of one file (plain, gzip or zstd) into
 * column batches of the target types, rejecting bad rows with Redshift-like reasons into a
 * load-error sink and failing the load when they exceed MAXERROR.
 *
 * Which lines a range owns: a line belongs to the range that holds its first byte. A line
 * starts at offset 0 and after every newline ('\n'; with ESCAPE, after every newline not
 * escaped by an odd run of backslashes). So a range [start, end) with start > 0 skips the
 * bytes up to and including the first line break at or after start-1, and parses every line
 * that starts before `end`, reading past `end` to finish the last one. The ranges of a
 * partition of the file therefore parse every line exactly once. Lines 1..IGNOREHEADER of
 * the file are skipped by whichever range holds them. */
#ifndef SHOAL_LOADER_COPY_PARSE_H
#define SHOAL_LOADER_COPY_PARSE_H

#include "engine/core/vector.h"
#include "engine/loader/copy_errors.h"
#include "engine/loader/copy_files.h"
#include "engine/loader/copy_options.h"

#include <stdbool.h>
#include <stdint.h>

/* One target column, in the order of the fields in the file. */
typedef struct shoal_copy_column {
    const char *name;
    shoal_type type;
    bool not_null; /* a NULL (null_as, empty non-string field...) rejects the row */
} shoal_copy_column;

typedef struct shoal_copy_target {
    const char *table_name; /* for the "Load into table ... failed" message */
    const shoal_copy_column *columns;
    int column_count;
} shoal_copy_target;

/* Receives each batch (SHOAL_BATCH_ROWS rows, fewer only for a range's last). The batch is
 * reset after the call; to keep its vectors, move them out and set batch->columns = NULL
 * (the parser then makes a new batch). Return 0 to go on, anything else to stop the parse
 * (it returns SHOAL_COPY_CANCELLED). */
typedef int (*shoal_copy_batch_fn)(shoal_batch *batch, void *ctx);

typedef enum shoal_copy_status {
    SHOAL_COPY_OK = 0,
    SHOAL_COPY_LOAD_FAILED, /* more rejected rows than MAXERROR: sink->message says which */
    SHOAL_COPY_IO_ERROR,    /* missing/unreadable file, corrupt compressed data: sink->message */
    SHOAL_COPY_INVALID,     /* options not validated, bad range or target: sink->message */
    SHOAL_COPY_CANCELLED    /* the batch callback asked to stop */
} shoal_copy_status;

typedef struct shoal_copy_stats {
    int64_t rows_loaded;   /* rows handed to the callback */
    int64_t rows_rejected; /* rows recorded in the sink */
    int64_t lines;         /* rows parsed (loaded + rejected); headers and skipped blank lines excluded */
    int64_t bytes;         /* bytes of the lines this range owns */
} shoal_copy_stats;

/* Parses `range` of range->path. `options` must have passed shoal_copy_options_validate.
 * Errors go to `errors` (shared by several ranges on one rank: MAXERROR is checked against
 * its running count, so the caller may pre-load it with counts from other ranks). `stats`
 * (may be NULL) is added to, not cleared. Line numbers in the error records are exact
 * within the file even for a range that starts mid-file (the newlines before the range are
 * counted, only when an error needs them). Ranges that start past byte 0 are refused for
 * compressed files and for CSV (where a quoted field may span lines). */
shoal_copy_status shoal_copy_parse_range(const shoal_copy_options *options, const shoal_copy_range *range,
                                         const shoal_copy_target *target, shoal_copy_batch_fn on_batch,
                                         void *ctx, shoal_load_error_sink *errors, shoal_copy_stats *stats);

/* The same in steps, for a caller that must yield between turns (an actor): the file stays
 * open, the partial batch and the line count carry over. `options`, `target`, `range->path`
 * and `errors` must outlive the reader.
 *   open: checks the request, opens the file and finds the range's first line (errors as
 *         for parse_range; *reader is NULL then).
 *   step: parses until at least max_bytes more input bytes are consumed (<= 0: to the end);
 *         full batches go to on_batch as they fill, and the last partial one when the range
 *         ends, which sets *done. A failed step sets *done too, and the reader stays failed.
 *   stats: adds the reader's counts so far to *stats. */
typedef struct shoal_copy_reader shoal_copy_reader;
shoal_copy_status shoal_copy_reader_open(const shoal_copy_options *options, const shoal_copy_range *range,
                                         const shoal_copy_target *target, shoal_load_error_sink *errors,
                                         shoal_copy_reader **reader);
shoal_copy_status shoal_copy_reader_step(shoal_copy_reader *reader, int64_t max_bytes, shoal_copy_batch_fn on_batch,
                                         void *ctx, bool *done);
void shoal_copy_reader_stats(const shoal_copy_reader *reader, shoal_copy_stats *stats);
void shoal_copy_reader_close(shoal_copy_reader *reader);

/* The whole file: shoal_copy_parse_range over [0, end of file). */
shoal_copy_status shoal_copy_parse_file(const shoal_copy_options *options, const char *path,
                                        const shoal_copy_target *target, shoal_copy_batch_fn on_batch,
                                        void *ctx, shoal_load_error_sink *errors, shoal_copy_stats *stats);

#endif
