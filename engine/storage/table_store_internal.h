/* Internals shared by the table store's files (table_store.c, table_append.c, table_scan.c):
 * the store struct and the garbage sweep. Not for use outside engine/storage. */
#ifndef SHOAL_STORAGE_TABLE_STORE_INTERNAL_H
#define SHOAL_STORAGE_TABLE_STORE_INTERNAL_H

#include "engine/storage/table_store.h"

struct shoal_table_store {
    shoal_table_store *next; /* the process-wide registry of open stores */
    int refcount;            /* opens not yet closed */
    char *rank_dir;
    char *dir; /* rank_dir/table-<id> */
    uint64_t table_id;
    shoal_manifest *current; /* committed */
    int column_count;
    shoal_column_def *columns; /* with the encodings requested now */
    shoal_store_options options; /* defaults filled in */
    bool appending;
};

/* Deletes, in the table directory, the column files `keep` does not reference and a prepared
 * manifest; leaves names it does not know alone. Every removal is attempted; false (with the
 * first error) when one failed. */
bool shoal_table_store_remove_garbage(shoal_table_store *store, const shoal_manifest *keep, shoal_error *err);

#endif
