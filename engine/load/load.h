/* Distributed loads: COPY from files and in-place TPC-H generation, on every rank at once.
 *
 * Each rank produces rows (parses its byte ranges of the input files, or generates its chunk
 * of the TPC-H table), sends every row to its slice through the exchange (hash of the DISTKEY
 * mod the rank count, round-robin for EVEN, everyone for ALL) in rounds of about 16 MiB, sorts
 * what it receives by the SORTKEY, and writes it through a storage appender. The commit is
 * two-phase: every rank prepares (data and manifest durable, SHOAL_MSG_LOAD_PREPARED with its
 * row count); the leader then records the new table version in its catalog (the commit
 * point) and tells every rank to switch its manifest (SHOAL_MSG_LOAD_COMMIT). A rank that
 * dies before the catalog is written leaves the table as it was; one that dies after rolls
 * forward on restart (storage opens with the catalog's version).
 * Errors (a bad COPY row beyond MAXERROR, an I/O error) stop that rank's production; the
 * rank still joins the remaining exchange rounds, so no collective is left hanging, then
 * aborts and reports. Ctrl-C does the same on every rank. */
#ifndef SHOAL_ENGINE_LOAD_H
#define SHOAL_ENGINE_LOAD_H

#include "engine/catalog/catalog.h"
#include "runtime/error.h"
#include "runtime/runtime.h"

enum {
    SHOAL_MSG_LOAD_START = 1020,    /* leader -> system: a serialized job */
    SHOAL_MSG_LOAD_PREPARED = 1021, /* rank -> leader: payload shoal_load_rank_result */
    SHOAL_MSG_LOAD_COMMIT = 1022,   /* leader -> system: payload uint64 load query id; reply DONE */
    SHOAL_MSG_LOAD_ABORT = 1023,    /* leader -> system: payload uint64 load query id; reply DONE */
    SHOAL_MSG_LOAD_STEP = 1024,     /* load actor -> itself */
    SHOAL_MSG_LOAD_PROGRESS = 1025, /* rank -> leader: bytes read so far (uint64), about once a second */
};

typedef struct shoal_load_rank_result {
    uint64_t rows_stored;   /* rows this rank's slice received */
    uint64_t rows_produced; /* rows this rank parsed or generated */
    uint64_t rows_rejected; /* COPY rows rejected (within MAXERROR) */
    uint64_t bytes_read;
    uint64_t bytes_sent;    /* through the exchange, to other ranks */
    double elapsed_ms;
} shoal_load_rank_result;

typedef enum shoal_load_source { SHOAL_LOAD_COPY = 1, SHOAL_LOAD_TPCH = 2 } shoal_load_source;

/* What a load needs to know about its source. */
typedef struct shoal_load_spec {
    shoal_load_source source;
    /* COPY */
    const char *path_prefix;
    int option_count;
    const char *const *option_keywords; /* shoal_copy_options_set keywords and values */
    const char *const *option_values;
    int copy_column_count;              /* columns named in COPY t (cols): table column numbers */
    const int *copy_columns;            /* NULL: every column, in table order */
    /* TPCH */
    int tpch_table;   /* tpch_table */
    double scale_factor;
    bool release_tpch_pool; /* TPCH: the last table of a generation; the ranks then unmap the
                               300 MB text pool (a later generation builds it again) */
} shoal_load_spec;

typedef struct shoal_load_outcome {
    uint64_t rows;          /* rows in the table's new version that this load added */
    uint64_t rows_rejected;
    uint64_t bytes_read, bytes_moved;
    double elapsed_ms;
} shoal_load_outcome;

/* Every rank, once: registers the load service. */
void shoal_load_service_start(shoal_rt *rt, const char *rank_dir);
/* Leader: runs the load into `table` and commits it in `cat` (saved). progress (may be NULL)
 * gets bytes done/total about once a second for long loads. False with err set on failure;
 * then the table is exactly as before. */
bool shoal_load_run(shoal_rt *rt, shoal_catalog *cat, shoal_table_def *table, const shoal_load_spec *spec,
                    void (*progress)(void *arg, uint64_t done, uint64_t total), void *progress_arg,
                    shoal_load_outcome *outcome, shoal_error *err);

#endif
