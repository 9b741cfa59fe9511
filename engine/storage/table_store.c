/* Table store: opening with recovery (roll a prepared manifest forward or back, sweep files no
 * manifest references), drop, truncate and size statistics. Loads are in table_append.c,
 * scans in table_scan.c; the layout and commit protocol are described in README.md. */
#include "engine/storage/storage_io.h"
#include "engine/storage/table_store_internal.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *table_dir(const char *rank_dir, uint64_t table_id, const char *suffix)
{
    char name[64];
    snprintf(name, sizeof name, "table-%" PRIu64 "%s", table_id, suffix);
    return shoal_path_join(rank_dir, name);
}

static bool valid_column(const shoal_column_def *d)
{
    const shoal_type t = d->type;
    if (t.id == SHOAL_TYPE_INVALID || t.id >= SHOAL_TYPE_COUNT) return false;
    if (t.id == SHOAL_TYPE_DECIMAL && (t.precision < 1 || t.precision > SHOAL_DECIMAL_MAX_PRECISION || t.scale > t.precision))
        return false;
    return d->encoding.zstd <= SHOAL_ZSTD_ALWAYS;
}

static bool same_type(shoal_type a, shoal_type b)
{
    return a.id == b.id && a.precision == b.precision && a.scale == b.scale; /* lengths may change */
}

/* Reads and parses a manifest file; NULL with err naming the file. */
static shoal_manifest *load_manifest(const char *path, uint64_t table_id, shoal_error *err)
{
    uint8_t *data;
    size_t len;
    if (!shoal_io_read_file(path, &data, &len, err)) return NULL;
    shoal_error inner;
    shoal_manifest *m = shoal_manifest_parse(data, len, &inner);
    free(data);
    if (m == NULL) {
        shoal_storage_fail(err, inner.sqlstate, "manifest \"%s\": %s", path, inner.message);
        return NULL;
    }
    if (m->table_id != table_id) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED, "manifest \"%s\" belongs to table %" PRIu64
                           ", not %" PRIu64, path, m->table_id, table_id);
        shoal_manifest_unref(m);
        return NULL;
    }
    return m;
}

bool shoal_table_store_remove_garbage(shoal_table_store *store, const shoal_manifest *keep, shoal_error *err)
{
    char **names;
    size_t count;
    if (!shoal_io_list_dir(store->dir, &names, &count, err)) return false;
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        int column;
        uint64_t version;
        bool garbage;
        if (shoal_column_file_parse(names[i], &column, &version))
            garbage = !shoal_manifest_references(keep, column, version);
        else
            garbage = strcmp(names[i], SHOAL_MANIFEST_PREPARED_FILE) == 0;
        if (!garbage) continue;
        char *path = shoal_path_join(store->dir, names[i]);
        shoal_error e;
        if (!shoal_io_unlink(path, &e)) {
            if (ok && err) *err = e;
            ok = false;
        }
        free(path);
    }
    shoal_io_free_names(names, count);
    return ok;
}

/* Open stores, one per table directory in this process: every open of a table shares it, so
 * a scan opened while a load runs sees the same state, and recovery (which deletes files no
 * manifest references) runs only when nobody in the process has the table open. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static shoal_table_store *registry;

static shoal_table_store *registry_find(const char *dir)
{
    for (shoal_table_store *s = registry; s; s = s->next)
        if (strcmp(s->dir, dir) == 0) return s;
    return NULL;
}

/* The table directory, with the rank directory made absolute when it exists (so "./d" and
 * "d" name the same store). */
static char *canonical_table_dir(const char *rank_dir, uint64_t table_id, const char *suffix)
{
    char real[PATH_MAX];
    return table_dir(realpath(rank_dir, real) ? real : rank_dir, table_id, suffix);
}

static shoal_table_store *open_new(const char *rank_dir, uint64_t table_id, const shoal_column_def *columns,
                                   int column_count, shoal_store_options opt, shoal_error *err);

shoal_table_store *shoal_table_store_open(const char *rank_dir, uint64_t table_id,
                                          const shoal_column_def *columns, int column_count,
                                          const shoal_store_options *options, shoal_error *err)
{
    shoal_store_options opt = {0};
    if (options) opt = *options;
    if (opt.rows_per_block == 0) opt.rows_per_block = SHOAL_BLOCK_ROWS_DEFAULT;
    if (opt.max_block_bytes == 0) opt.max_block_bytes = 8u << 20;
    if (opt.zstd_level <= 0) opt.zstd_level = 3;
    if (opt.rows_per_block > SHOAL_BLOCK_MAX_ROWS || opt.max_block_bytes > (1u << 30)) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER,
                           "rows per block must be at most %u and block bytes at most 1 GiB",
                           SHOAL_BLOCK_MAX_ROWS);
        return NULL;
    }
    if (columns && (column_count < 0 || column_count > SHOAL_STORAGE_MAX_COLUMNS)) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "a table has 0 to %d columns, not %d",
                           SHOAL_STORAGE_MAX_COLUMNS, column_count);
        return NULL;
    }
    for (int c = 0; columns && c < column_count; c++) {
        if (!valid_column(&columns[c])) {
            shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "column %d has an invalid type or encoding", c);
            return NULL;
        }
    }

    pthread_mutex_lock(&registry_lock);
    char *dir = canonical_table_dir(rank_dir, table_id, "");
    shoal_table_store *store = registry_find(dir);
    if (store) {
        bool match = columns == NULL || store->column_count == column_count;
        for (int c = 0; match && columns && c < column_count; c++)
            match = same_type(store->columns[c].type, columns[c].type);
        if (match) {
            store->refcount++;
        } else {
            shoal_storage_fail(err, SHOAL_SQLSTATE_DATATYPE_MISMATCH,
                               "table %" PRIu64 ": the given columns do not match the stored ones (\"%s\")", table_id, dir);
            store = NULL;
        }
    } else {
        store = open_new(rank_dir, table_id, columns, column_count, opt, err);
        if (store) {
            store->next = registry;
            registry = store;
        }
    }
    free(dir);
    pthread_mutex_unlock(&registry_lock);
    return store;
}

static shoal_table_store *open_new(const char *rank_dir, uint64_t table_id, const shoal_column_def *columns,
                                   int column_count, shoal_store_options opt, shoal_error *err)
{
    char *dir = canonical_table_dir(rank_dir, table_id, "");
    char *manifest_path = shoal_path_join(dir, SHOAL_MANIFEST_FILE);
    char *prepared_path = shoal_path_join(dir, SHOAL_MANIFEST_PREPARED_FILE);
    shoal_manifest *m = NULL, *prepared = NULL;
    shoal_table_store *store = NULL;

    if (!shoal_io_is_dir(dir)) {
        if (!opt.create || columns == NULL) {
            shoal_storage_fail(err, SHOAL_SQLSTATE_UNDEFINED_TABLE, "table %" PRIu64 " has no storage in \"%s\"",
                               table_id, rank_dir);
            goto done;
        }
        if (!shoal_io_mkdir(rank_dir, err)) goto done;
        free(dir); /* the rank directory exists now: name the table directory canonically */
        dir = canonical_table_dir(rank_dir, table_id, "");
        free(manifest_path);
        free(prepared_path);
        manifest_path = shoal_path_join(dir, SHOAL_MANIFEST_FILE);
        prepared_path = shoal_path_join(dir, SHOAL_MANIFEST_PREPARED_FILE);
        if (!shoal_io_mkdir(dir, err) || !shoal_io_fsync_dir(rank_dir, err)) goto done;
    }
    if (shoal_io_exists(manifest_path) && (m = load_manifest(manifest_path, table_id, err)) == NULL) goto done;

    if (shoal_io_exists(prepared_path)) {
        shoal_error ignored;
        prepared = load_manifest(prepared_path, table_id, &ignored);
        if (prepared && opt.committed_version != 0 && prepared->version == opt.committed_version &&
            (m == NULL || m->version < prepared->version)) {
            /* The leader committed this version; this rank died before its rename. */
            if (!shoal_io_rename(prepared_path, manifest_path, err) || !shoal_io_fsync_dir(dir, err)) goto done;
            shoal_manifest_unref(m);
            m = prepared;
            prepared = NULL;
            shoal_log(SHOAL_LOG_INFO, "table %" PRIu64 ": rolled prepared version %" PRIu64 " forward",
                      table_id, m->version);
        } else if (!shoal_io_unlink(prepared_path, err)) {
            goto done;
        }
    }

    if (m == NULL) {
        if (columns == NULL) {
            shoal_storage_fail(err, SHOAL_SQLSTATE_UNDEFINED_TABLE,
                               "table %" PRIu64 " has no manifest in \"%s\" and no columns were given", table_id, dir);
            goto done;
        }
        m = shoal_manifest_create(table_id, 0, columns, column_count);
    } else if (columns) {
        bool match = m->column_count == column_count;
        for (int c = 0; match && c < column_count; c++) match = same_type(m->columns[c].type, columns[c].type);
        if (!match) {
            shoal_storage_fail(err, SHOAL_SQLSTATE_DATATYPE_MISMATCH,
                               "table %" PRIu64 ": the given columns do not match the stored ones (\"%s\")",
                               table_id, manifest_path);
            goto done;
        }
    }

    store = shoal_xcalloc(1, sizeof *store);
    store->refcount = 1;
    store->rank_dir = shoal_xstrdup(rank_dir);
    store->dir = dir;
    dir = NULL;
    store->table_id = table_id;
    store->current = m;
    m = NULL;
    store->column_count = store->current->column_count;
    store->columns = shoal_xmalloc((size_t)(store->column_count ? store->column_count : 1) * sizeof *store->columns);
    if (store->column_count)
        memcpy(store->columns, columns ? columns : store->current->columns,
               (size_t)store->column_count * sizeof *store->columns);
    store->options = opt;

    /* Files of interrupted loads. Failing to delete them is not fatal: they are unreferenced. */
    shoal_error sweep;
    if (!shoal_table_store_remove_garbage(store, store->current, &sweep))
        shoal_log(SHOAL_LOG_WARN, "table %" PRIu64 ": %s", table_id, sweep.message);

done:
    shoal_manifest_unref(m);
    shoal_manifest_unref(prepared);
    free(dir);
    free(manifest_path);
    free(prepared_path);
    return store;
}

void shoal_table_store_close(shoal_table_store *store)
{
    if (store == NULL) return;
    pthread_mutex_lock(&registry_lock);
    bool last = --store->refcount == 0;
    if (last) {
        if (store->appending) shoal_fatal("table store %" PRIu64 " closed with an appender still open", store->table_id);
        for (shoal_table_store **p = &registry; *p; p = &(*p)->next) {
            if (*p == store) {
                *p = store->next;
                break;
            }
        }
    }
    pthread_mutex_unlock(&registry_lock);
    if (!last) return;
    shoal_manifest_unref(store->current);
    free(store->columns);
    free(store->dir);
    free(store->rank_dir);
    free(store);
}

uint64_t shoal_table_store_version(const shoal_table_store *store) { return store->current->version; }
uint64_t shoal_table_store_rows(const shoal_table_store *store) { return store->current->rows; }
int shoal_table_store_column_count(const shoal_table_store *store) { return store->column_count; }
const shoal_column_def *shoal_table_store_columns(const shoal_table_store *store) { return store->columns; }
const char *shoal_table_store_dir(const shoal_table_store *store) { return store->dir; }
const shoal_manifest *shoal_table_store_manifest(const shoal_table_store *store) { return store->current; }

bool shoal_table_truncate(shoal_table_store *store, uint64_t version, shoal_error *err)
{
    shoal_appender *a = shoal_table_replace_begin(store, version, err);
    if (a == NULL) return false;
    bool ok = shoal_appender_prepare(a, err) && shoal_appender_commit(a, err);
    shoal_appender_free(a);
    return ok;
}

/* ---- drop ---- */

static bool remove_tree(const char *path, shoal_error *err)
{
    char **names;
    size_t count;
    if (!shoal_io_list_dir(path, &names, &count, err)) return false;
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        char *p = shoal_path_join(path, names[i]);
        ok = shoal_io_unlink(p, err);
        free(p);
    }
    shoal_io_free_names(names, count);
    return ok && shoal_io_rmdir(path, err);
}

bool shoal_table_exists(const char *rank_dir, uint64_t table_id)
{
    char *dir = table_dir(rank_dir, table_id, "");
    bool yes = shoal_io_is_dir(dir);
    free(dir);
    return yes;
}

bool shoal_table_drop(const char *rank_dir, uint64_t table_id, shoal_error *err)
{
    pthread_mutex_lock(&registry_lock);
    char *canonical = canonical_table_dir(rank_dir, table_id, "");
    bool in_use = registry_find(canonical) != NULL;
    free(canonical);
    pthread_mutex_unlock(&registry_lock);
    if (in_use)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_OBJECT_IN_USE, "table %" PRIu64 " is open in this process", table_id);
    char *dir = table_dir(rank_dir, table_id, "");
    char *dropped = table_dir(rank_dir, table_id, ".dropped");
    bool ok = true;
    if (shoal_io_is_dir(dropped)) ok = remove_tree(dropped, err);
    if (ok && shoal_io_is_dir(dir))
        ok = shoal_io_rename(dir, dropped, err) && shoal_io_fsync_dir(rank_dir, err) && remove_tree(dropped, err);
    free(dir);
    free(dropped);
    return ok;
}

bool shoal_storage_recover_rank(const char *rank_dir, shoal_error *err)
{
    if (!shoal_io_is_dir(rank_dir)) return true;
    char **names;
    size_t count;
    if (!shoal_io_list_dir(rank_dir, &names, &count, err)) return false;
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(names[i], "table-", 6) != 0 || n < 8 || strcmp(names[i] + n - 8, ".dropped") != 0) continue;
        char *p = shoal_path_join(rank_dir, names[i]);
        if (shoal_io_is_dir(p)) ok = remove_tree(p, err);
        free(p);
    }
    shoal_io_free_names(names, count);
    return ok;
}

/* ---- sizes ---- */

bool shoal_table_store_stats(const shoal_table_store *store, shoal_table_storage_stats *table,
                             shoal_column_storage_stats *columns, shoal_error *err)
{
    const shoal_manifest *m = store->current;
    shoal_table_storage_stats t = {0};
    t.rows = m->rows;
    t.row_groups = m->group_count;
    for (int c = 0; columns && c < m->column_count; c++) {
        memset(&columns[c], 0, sizeof columns[c]);
        shoal_zone_map_init(&columns[c].zone, shoal_type_physical(m->columns[c].type));
    }
    for (uint32_t g = 0; g < m->group_count; g++) {
        for (int c = 0; c < m->column_count; c++) {
            const shoal_chunk_ref *k = shoal_manifest_chunk(m, g, c);
            t.data_bytes += k->length;
            if (!columns) continue;
            shoal_column_storage_stats *s = &columns[c];
            s->rows += k->zone.rows;
            s->nulls += k->zone.nulls;
            s->blocks++;
            s->block_bytes += k->length;
            s->encoded_bytes += k->encoded_bytes;
            s->plain_bytes += k->plain_bytes;
            s->blocks_by_encoding[k->encoding < SHOAL_ENC_COUNT ? k->encoding : 0]++;
            s->blocks_compressed += k->compressed;
            shoal_zone_map_merge(&s->zone, &k->zone);
        }
    }
    /* file sizes: each referenced (column, version) file once */
    for (int c = 0; c < m->column_count; c++) {
        uint64_t last = UINT64_MAX;
        for (uint32_t g = 0; g < m->group_count; g++) {
            uint64_t v = shoal_manifest_chunk(m, g, c)->file_version;
            if (v == last) continue; /* groups of one load are consecutive */
            last = v;
            char name[64];
            shoal_column_file_name(name, sizeof name, c, v);
            char *path = shoal_path_join(store->dir, name);
            int64_t size = shoal_io_file_size(path);
            free(path);
            if (size < 0) {
                char *p = shoal_path_join(store->dir, name);
                shoal_storage_fail(err, SHOAL_SQLSTATE_IO_ERROR, "column file \"%s\" is missing", p);
                free(p);
                return false;
            }
            t.file_bytes += (uint64_t)size;
        }
    }
    char *mp = shoal_path_join(store->dir, SHOAL_MANIFEST_FILE);
    int64_t ms = shoal_io_file_size(mp);
    free(mp);
    t.manifest_bytes = ms > 0 ? (uint64_t)ms : 0;
    if (table) *table = t;
    return true;
}
