/* The catalog: schemas and tables with their columns, types, encodings, distribution and sort
 * keys, committed version, row count and per-column statistics (column_stats.h). It lives on the leader and persists in
 * DATA_DIR/rank-0/catalog, replaced atomically (write a temp file, fsync, rename, fsync the
 * directory): that rename is the commit point of every load. It also records the rank count
 * the data was written with; opening it with another count is refused (resizing comes later). */
#ifndef SHOAL_ENGINE_CATALOG_H
#define SHOAL_ENGINE_CATALOG_H

#include "engine/catalog/column_stats.h"
#include "engine/core/types.h"

#include <stdbool.h>
#include <stdint.h>

#define SHOAL_NAME_MAX 128
#define SHOAL_MAX_SORTKEYS 16

typedef enum shoal_diststyle {
    SHOAL_DIST_EVEN = 1, /* round-robin */
    SHOAL_DIST_KEY,      /* hash of the DISTKEY column mod the slice count */
    SHOAL_DIST_ALL,      /* a full copy on every slice */
    SHOAL_DIST_AUTO      /* ALL below SHOAL_AUTO_ALL_MAX_ROWS rows, EVEN above */
} shoal_diststyle;

#define SHOAL_AUTO_ALL_MAX_ROWS 100000

typedef struct shoal_catalog_column {
    char name[SHOAL_NAME_MAX];
    shoal_type type;
    bool not_null;
    bool primary_key;     /* informational, as in Redshift */
    char encoding[16];    /* ENCODE name as written ("" = automatic; storage maps it) */
    char *default_sql;    /* DEFAULT expression as SQL text, or NULL */
    bool identity;
    int64_t identity_seed, identity_step;
} shoal_catalog_column;

typedef struct shoal_table_def {
    uint32_t id;
    char schema[SHOAL_NAME_MAX];
    char name[SHOAL_NAME_MAX];
    int32_t column_count;
    shoal_catalog_column *columns;
    uint8_t diststyle;     /* as declared */
    int32_t distkey;       /* column number, -1 when none */
    int32_t sortkey_count;
    int32_t sortkeys[SHOAL_MAX_SORTKEYS];
    uint64_t version;      /* committed version on every rank (0: empty) */
    uint64_t row_count;    /* committed rows, all slices (ALL tables: rows of one copy) */
    int64_t next_identity; /* next IDENTITY value to hand out */
    uint8_t resolved_dist; /* AUTO is resolved at the first load and kept (0: not yet) */
    shoal_column_stats *stats; /* column_count entries once a load committed rows; NULL before
                                * (and for tables from catalogs written before statistics) */
    /* The sketches (stats[c].hll) live in a file of their own, DIR/sketches/table-<id>-v<N>,
     * written when the catalog that names it is saved; they are read on demand
     * (shoal_catalog_load_sketches), so stats[c].hll may be NULL while the summary is known. */
    uint64_t sketch_version; /* N of the file holding the committed sketches (0: none) */
    bool sketch_dirty;       /* stats changed since: the next save writes a new file */
} shoal_table_def;

typedef struct shoal_catalog {
    char path[4096];
    int32_t rank_count;
    uint32_t next_table_id;
    int32_t schema_count;
    char (*schemas)[SHOAL_NAME_MAX];
    int32_t table_count;
    shoal_table_def **tables;
} shoal_catalog;

/* Opens DIR/catalog (creating an empty one, with schema "public", when absent). Returns false
 * with a message in err (e.g. the rank-count mismatch) on failure. */
bool shoal_catalog_open(shoal_catalog *cat, const char *dir, int rank_count, char *err, size_t err_size);
void shoal_catalog_close(shoal_catalog *cat);
/* The catalog open in this process (the leader's, on rank 0; NULL elsewhere): what system
 * views such as pg_stats read on the scan side, which has no session. The last one opened. */
const shoal_catalog *shoal_catalog_leader(void);
/* Writes the catalog atomically (first the sketch files of tables whose statistics changed,
 * then the catalog that names them; the sketch files it no longer names are removed after). */
bool shoal_catalog_save(const shoal_catalog *cat, char *err, size_t err_size);

bool shoal_catalog_has_schema(const shoal_catalog *cat, const char *schema);
void shoal_catalog_add_schema(shoal_catalog *cat, const char *schema);
shoal_table_def *shoal_catalog_find_table(const shoal_catalog *cat, const char *schema, const char *name);
/* Takes ownership of def (malloc'ed, columns malloc'ed) and gives it a fresh id. */
shoal_table_def *shoal_catalog_add_table(shoal_catalog *cat, shoal_table_def *def);
void shoal_catalog_remove_table(shoal_catalog *cat, shoal_table_def *def);
int shoal_table_column(const shoal_table_def *t, const char *name); /* -1 when absent */
/* The distribution actually used: AUTO resolves at the first load by its row count (ALL up to
 * SHOAL_AUTO_ALL_MAX_ROWS, EVEN above) and stays so (resolved_dist), so later loads need not
 * move old rows. */
shoal_diststyle shoal_table_effective_dist(const shoal_table_def *t, uint64_t rows_after_load);
shoal_table_def *shoal_table_def_copy(const shoal_table_def *t);
void shoal_table_def_free(shoal_table_def *t);

/* Statistics of column `col` after the committed loads: min/max, NULL count, distinct
 * estimate (see column_stats.h), or NULL when none are known (no load yet, an old catalog,
 * col out of range). Valid until the table's next load or the def is freed. Planners: the
 * estimate is of distinct non-NULL values; rows = the table's row_count. */
const shoal_column_stats *shoal_table_column_stats(const shoal_table_def *t, int col);
/* Replaces the table's statistics (takes ownership of stats: column_count entries, malloc'ed,
 * sketches included); the next save writes them. */
void shoal_table_set_stats(shoal_table_def *t, shoal_column_stats *stats);
/* Reads the table's committed sketches into stats[c].hll where missing (a load merging into
 * them needs them; planners need only the summaries). True when every column has its sketch
 * afterwards (or the table has no statistics); false with a message when the file is missing
 * or damaged. */
bool shoal_catalog_load_sketches(const shoal_catalog *cat, shoal_table_def *t, char *err, size_t err_size);

#endif
