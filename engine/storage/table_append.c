/* Loads into a table store: the appender buffers rows per column until a row group is full
 * (rows_per_block rows, or a column reaching max_block_bytes), encodes one block per column
 * and appends each to that column's new file c<col>-v<version>.col. Two-phase commit:
 * prepare makes the blocks and the new manifest durable under manifest.prepared; commit
 * renames it over manifest (the commit point). Committed files are never written again. */
#include "engine/storage/storage_io.h"
#include "engine/storage/table_store_internal.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum appender_state {
    APPENDER_OPEN,      /* taking rows */
    APPENDER_PREPARED,  /* manifest.prepared is durable */
    APPENDER_COMMITTED, /* manifest switched */
    APPENDER_ABORTED,
    APPENDER_FAILED     /* an I/O error: only abort (or free) remains */
} appender_state;

struct shoal_appender {
    shoal_table_store *store;
    bool replace;
    uint64_t version;
    appender_state state;
    int ncols;
    shoal_vector *buf;    /* per column: the row group being filled */
    uint64_t *buf_bytes;  /* per column: string bytes buffered */
    uint32_t buffered;    /* rows in buf */
    uint64_t rows;        /* rows added */
    int *fds;             /* per column: the new file, -1 before its first block */
    bool *created;
    uint64_t *offsets;
    shoal_manifest *fresh; /* the row groups written by this load */
    shoal_manifest *next;  /* the version to commit (after prepare) */
    bool prepared_written;
    shoal_block_encoder *enc;
    shoal_writer block;
    shoal_chunk_ref *chunks;
};

static shoal_appender *begin(shoal_table_store *store, uint64_t version, bool replace, shoal_error *err)
{
    if (store->appending) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_OBJECT_IN_USE, "table %" PRIu64 " already has a load in progress",
                           store->table_id);
        return NULL;
    }
    uint64_t current = store->current->version;
    if (version == 0) version = current + 1;
    if (version <= current) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER,
                           "table %" PRIu64 ": a load must commit a version above %" PRIu64 ", not %" PRIu64,
                           store->table_id, current, version);
        return NULL;
    }
    shoal_appender *a = shoal_xcalloc(1, sizeof *a);
    a->store = store;
    a->replace = replace;
    a->version = version;
    a->state = APPENDER_OPEN;
    a->ncols = store->column_count;
    size_t n = (size_t)(a->ncols ? a->ncols : 1);
    a->buf = shoal_xcalloc(n, sizeof *a->buf);
    a->buf_bytes = shoal_xcalloc(n, sizeof *a->buf_bytes);
    a->fds = shoal_xmalloc(n * sizeof *a->fds);
    a->created = shoal_xcalloc(n, sizeof *a->created);
    a->offsets = shoal_xcalloc(n, sizeof *a->offsets);
    a->chunks = shoal_xcalloc(n, sizeof *a->chunks);
    for (int c = 0; c < a->ncols; c++) {
        shoal_vector_init(&a->buf[c], store->columns[c].type, 1024);
        a->fds[c] = -1;
    }
    a->fresh = shoal_manifest_create(store->table_id, version, store->columns, a->ncols);
    a->enc = shoal_block_encoder_create(store->options.zstd_level);
    shoal_writer_init(&a->block, 256 * 1024);
    store->appending = true;
    return a;
}

shoal_appender *shoal_table_append_begin(shoal_table_store *store, uint64_t version, shoal_error *err)
{
    return begin(store, version, false, err);
}

shoal_appender *shoal_table_replace_begin(shoal_table_store *store, uint64_t version, shoal_error *err)
{
    return begin(store, version, true, err);
}

static void column_path(const shoal_appender *a, int column, char *buf, size_t size)
{
    char name[64];
    shoal_column_file_name(name, sizeof name, column, a->version);
    snprintf(buf, size, "%s/%s", a->store->dir, name);
}

static bool fail(shoal_appender *a)
{
    a->state = APPENDER_FAILED;
    return false;
}

/* The length of a string row; a NULL row counts as empty (its value is don't-care). */
static inline uint32_t string_len(const shoal_vector *v, uint32_t row)
{
    return shoal_vector_is_null(v, row) ? 0 : ((const shoal_string *)v->data)[row].len;
}

/* Encodes `rows` rows of cols (one vector per column) as one row group: one block per column,
 * appended to the files. */
static bool write_group(shoal_appender *a, const shoal_vector *cols, uint32_t rows, shoal_error *err)
{
    for (int c = 0; c < a->ncols; c++) {
        char path[4096];
        column_path(a, c, path, sizeof path);
        a->block.len = 0;
        shoal_block_info info;
        shoal_chunk_ref *k = &a->chunks[c];
        if (!shoal_block_encode(a->enc, &cols[c], a->store->columns[c].encoding, &a->block, &k->zone, &info, err))
            return fail(a);
        if (a->fds[c] < 0) {
            a->created[c] = true; /* from here on abort removes it, even if creating it failed */
            if ((a->fds[c] = shoal_io_create(path, err)) < 0) return fail(a);
        }
        if (!shoal_io_write_all(a->fds[c], a->block.data, a->block.len, path, err)) return fail(a);
        k->file_version = a->version;
        k->offset = a->offsets[c];
        k->length = (uint32_t)a->block.len;
        k->plain_bytes = info.plain_bytes;
        k->encoded_bytes = info.encoded_bytes;
        k->encoding = info.encoding;
        k->compressed = info.compressed;
        a->offsets[c] += a->block.len;
    }
    shoal_manifest_add_group(a->fresh, rows, a->chunks);
    return true;
}

/* Writes the buffered rows as one row group. */
static bool flush_group(shoal_appender *a, shoal_error *err)
{
    if (a->buffered == 0) return true;
    if (!write_group(a, a->buf, a->buffered, err)) return false;
    for (int c = 0; c < a->ncols; c++) {
        shoal_vector_reset(&a->buf[c]);
        a->buf_bytes[c] = 0;
    }
    a->buffered = 0;
    return true;
}

/* Whether a batch is exactly one row group that can be encoded where it is: nothing buffered,
 * no selection, rows_per_block rows, every string column within max_block_bytes. */
static bool whole_group(const shoal_appender *a, const shoal_batch *b)
{
    if (a->buffered != 0 || b->sel != NULL || b->count != a->store->options.rows_per_block) return false;
    for (int c = 0; c < a->ncols; c++) {
        const shoal_vector *v = &b->columns[c];
        if (shoal_type_physical(v->type) != SHOAL_PHYS_STRING) continue;
        if (v->count != b->count) return false;
        uint64_t bytes = 0;
        for (uint32_t r = 0; r < b->count; r++) bytes += string_len(v, r);
        if (bytes > a->store->options.max_block_bytes) return false;
    }
    return true;
}


/* Appends rows [from, from + count) of the batch (through its selection) to column c's buffer. */
static void copy_rows(shoal_vector *dst, const shoal_vector *src, const shoal_batch *b, uint32_t from, uint32_t count)
{
    shoal_physical phys = shoal_type_physical(dst->type);
    uint32_t base = dst->count;
    shoal_vector_reserve(dst, base + count);
    if (phys == SHOAL_PHYS_STRING) {
        const shoal_string *s = src->data;
        shoal_string *d = (shoal_string *)dst->data + base;
        uint64_t bytes = 0;
        for (uint32_t i = 0; i < count; i++) bytes += string_len(src, shoal_batch_row(b, from + i));
        char *heap = shoal_arena_alloc(&dst->heap, bytes ? bytes : 1);
        for (uint32_t i = 0; i < count; i++) {
            uint32_t row = shoal_batch_row(b, from + i), len = string_len(src, row);
            if (len) memcpy(heap, s[row].ptr, len);
            d[i].ptr = heap;
            d[i].len = len;
            heap += len;
        }
    } else {
        size_t width = shoal_physical_size(phys);
        uint8_t *d = (uint8_t *)dst->data + (size_t)base * width;
        const uint8_t *s = src->data;
        if (b->sel == NULL) {
            memcpy(d, s + (size_t)from * width, (size_t)count * width);
        } else {
            for (uint32_t i = 0; i < count; i++)
                memcpy(d + (size_t)i * width, s + (size_t)b->sel[from + i] * width, width);
        }
    }
    dst->count = base + count;
    if (src->validity) {
        for (uint32_t i = 0; i < count; i++)
            if (shoal_vector_is_null(src, shoal_batch_row(b, from + i))) shoal_vector_set_null(dst, base + i, true);
    }
}

bool shoal_appender_add_batch(shoal_appender *a, const shoal_batch *batch, shoal_error *err)
{
    if (a->state != APPENDER_OPEN)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "the load is no longer taking rows");
    if (batch->column_count != a->ncols)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "the batch has %d columns, the table %d",
                                  batch->column_count, a->ncols);
    for (int c = 0; c < a->ncols; c++) {
        if (shoal_type_physical(batch->columns[c].type) != shoal_type_physical(a->store->columns[c].type))
            return shoal_storage_fail(err, SHOAL_SQLSTATE_DATATYPE_MISMATCH,
                                      "column %d of the batch does not have the table's type", c);
    }
    const uint32_t rows = shoal_batch_rows(batch);
    const uint32_t per_block = a->store->options.rows_per_block;
    if (whole_group(a, batch)) { /* encoded straight from the batch: no copy */
        for (int c = 0; c < a->ncols; c++)
            if (batch->columns[c].count != rows) return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "column %d of the batch has %u rows, not %u", c, batch->columns[c].count, rows);
        if (!write_group(a, batch->columns, rows, err)) return false;
        a->rows += rows;
        return true;
    }
    const uint64_t max_bytes = a->store->options.max_block_bytes;
    uint32_t i = 0;
    while (i < rows) {
        uint32_t take = per_block - a->buffered;
        if (take > rows - i) take = rows - i;
        bool full_by_bytes = false;
        for (int c = 0; c < a->ncols; c++) {
            if (shoal_type_physical(a->buf[c].type) != SHOAL_PHYS_STRING) continue;
            uint64_t bytes = a->buf_bytes[c];
            uint32_t fit = 0;
            while (fit < take) {
                uint64_t next = bytes + string_len(&batch->columns[c], shoal_batch_row(batch, i + fit));
                /* a row group always takes at least one row */
                if (next > max_bytes && (a->buffered + fit) > 0) {
                    full_by_bytes = true;
                    break;
                }
                bytes = next;
                fit++;
            }
            take = fit;
        }
        for (int c = 0; c < a->ncols; c++) {
            shoal_vector *dst = &a->buf[c];
            if (shoal_type_physical(dst->type) == SHOAL_PHYS_STRING) {
                for (uint32_t r = 0; r < take; r++)
                    a->buf_bytes[c] += string_len(&batch->columns[c], shoal_batch_row(batch, i + r));
            }
            copy_rows(dst, &batch->columns[c], batch, i, take);
        }
        a->buffered += take;
        a->rows += take;
        i += take;
        if ((a->buffered == per_block || full_by_bytes) && !flush_group(a, err)) return false;
    }
    return true;
}

bool shoal_appender_prepare(shoal_appender *a, shoal_error *err)
{
    if (a->state != APPENDER_OPEN)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "prepare of a load that is not open");
    if (!flush_group(a, err)) return false;
    bool any = false;
    for (int c = 0; c < a->ncols; c++) {
        if (a->fds[c] < 0) continue;
        char path[4096];
        column_path(a, c, path, sizeof path);
        bool ok = shoal_io_fsync(a->fds[c], path, err);
        shoal_io_close(a->fds[c]);
        a->fds[c] = -1;
        if (!ok) return fail(a);
        any = true;
    }
    if (any && !shoal_io_fsync_dir(a->store->dir, err)) return fail(a);

    shoal_table_store *s = a->store;
    a->next = shoal_manifest_create(s->table_id, a->version, s->columns, a->ncols);
    if (!a->replace) shoal_manifest_add_groups_of(a->next, s->current);
    shoal_manifest_add_groups_of(a->next, a->fresh);

    shoal_writer w;
    shoal_writer_init(&w, 4096);
    shoal_manifest_serialize(a->next, &w);
    char *path = shoal_path_join(s->dir, SHOAL_MANIFEST_PREPARED_FILE);
    a->prepared_written = true;
    int fd = shoal_io_create(path, err);
    bool ok = fd >= 0 && shoal_io_write_all(fd, w.data, w.len, path, err) && shoal_io_fsync(fd, path, err);
    shoal_io_close(fd);
    ok = ok && shoal_io_fsync_dir(s->dir, err);
    free(path);
    shoal_writer_free(&w);
    if (!ok) return fail(a);
    a->state = APPENDER_PREPARED;
    return true;
}

bool shoal_appender_commit(shoal_appender *a, shoal_error *err)
{
    if (a->state != APPENDER_PREPARED)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "commit of a load that is not prepared");
    shoal_table_store *s = a->store;
    char *from = shoal_path_join(s->dir, SHOAL_MANIFEST_PREPARED_FILE);
    char *to = shoal_path_join(s->dir, SHOAL_MANIFEST_FILE);
    bool renamed = shoal_io_rename(from, to, err);
    free(from);
    free(to);
    if (!renamed) return false; /* still prepared: commit may be retried, or aborted */
    a->state = APPENDER_COMMITTED;
    shoal_manifest *old = s->current;
    s->current = a->next;
    a->next = NULL;
    bool ok = shoal_io_fsync_dir(s->dir, err);
    if (a->replace) {
        /* The old version's files are unreferenced now; a failure here leaves garbage that the
         * next open sweeps, so it does not fail the commit. */
        shoal_error sweep;
        if (!shoal_table_store_remove_garbage(s, s->current, &sweep))
            shoal_log(SHOAL_LOG_WARN, "table %" PRIu64 ": %s", s->table_id, sweep.message);
    }
    shoal_manifest_unref(old);
    return ok;
}

bool shoal_appender_abort(shoal_appender *a, shoal_error *err)
{
    if (a->state == APPENDER_COMMITTED)
        return shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "abort of a committed load");
    if (a->state == APPENDER_ABORTED) return true;
    bool ok = true;
    shoal_error e;
    for (int c = 0; c < a->ncols; c++) {
        shoal_io_close(a->fds[c]);
        a->fds[c] = -1;
        if (!a->created[c]) continue;
        char path[4096];
        column_path(a, c, path, sizeof path);
        if (!shoal_io_unlink(path, &e)) {
            if (ok && err) *err = e;
            ok = false;
        }
        a->created[c] = false;
    }
    if (a->prepared_written) {
        char *path = shoal_path_join(a->store->dir, SHOAL_MANIFEST_PREPARED_FILE);
        if (!shoal_io_unlink(path, &e)) {
            if (ok && err) *err = e;
            ok = false;
        }
        free(path);
    }
    a->state = APPENDER_ABORTED;
    return ok; /* what could not be removed is unreferenced: the next open sweeps it */
}

bool shoal_appender_committed(const shoal_appender *a) { return a->state == APPENDER_COMMITTED; }
uint64_t shoal_appender_version(const shoal_appender *a) { return a->version; }
uint64_t shoal_appender_rows(const shoal_appender *a) { return a->rows; }

bool shoal_appender_zone_map(const shoal_appender *a, int column, shoal_zone_map *out)
{
    if (column < 0 || column >= a->ncols) return false;
    shoal_zone_map_init(out, shoal_type_physical(a->store->columns[column].type));
    for (uint32_t g = 0; g < a->fresh->group_count; g++)
        shoal_zone_map_merge(out, &shoal_manifest_chunk(a->fresh, g, column)->zone);
    return true;
}

void shoal_appender_free(shoal_appender *a)
{
    if (a == NULL) return;
    if (a->state != APPENDER_COMMITTED && a->state != APPENDER_ABORTED) {
        shoal_error e;
        if (!shoal_appender_abort(a, &e)) shoal_log(SHOAL_LOG_INFO, "aborting a load: %s", e.message);
    }
    for (int c = 0; c < a->ncols; c++) {
        shoal_io_close(a->fds[c]);
        shoal_vector_free(&a->buf[c]);
    }
    shoal_manifest_unref(a->fresh);
    shoal_manifest_unref(a->next);
    shoal_block_encoder_free(a->enc);
    shoal_writer_free(&a->block);
    a->store->appending = false;
    free(a->buf);
    free(a->buf_bytes);
    free(a->fds);
    free(a->created);
    free(a->offsets);
    free(a->chunks);
    free(a);
}
