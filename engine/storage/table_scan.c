/* Table scans: a snapshot of the committed manifest taken at open (its files are opened then,
 * so a later replace that deletes them does not disturb the scan), row groups ruled out by any
 * zone-map predicate skipped for every column, each remaining block read and checked once,
 * then decoded SHOAL_BATCH_ROWS rows at a time straight into the batch's vectors
 * (shoal_block_read_slice). */
#include "engine/storage/storage_io.h"
#include "engine/storage/table_store_internal.h"
#include "runtime/memory.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct scan_file {
    uint64_t version;
    int fd;
} scan_file;

typedef struct scan_column {
    int column; /* table column */
    shoal_physical physical;
    size_t file_count;
    scan_file *files;
    shoal_decoded_block block;
} scan_column;

struct shoal_table_scan {
    shoal_manifest *m;
    char *dir;
    int ncols;
    scan_column *cols;
    uint8_t *selected; /* per row group: not ruled out */
    uint32_t group;
    bool loaded;
    uint32_t pos; /* next row in the loaded group */
    shoal_scan_stats stats;
};

static void file_path(const shoal_table_scan *s, int column, uint64_t version, char *buf, size_t size)
{
    char name[64];
    shoal_column_file_name(name, sizeof name, column, version);
    snprintf(buf, size, "%s/%s", s->dir, name);
}

void shoal_table_scan_close(shoal_table_scan *s)
{
    if (s == NULL) return;
    for (int j = 0; j < s->ncols; j++) {
        for (size_t f = 0; f < s->cols[j].file_count; f++) shoal_io_close(s->cols[j].files[f].fd);
        free(s->cols[j].files);
        shoal_decoded_block_free(&s->cols[j].block);
    }
    shoal_manifest_unref(s->m);
    free(s->cols);
    free(s->selected);
    free(s->dir);
    free(s);
}

shoal_table_scan *shoal_table_scan_open(shoal_table_store *store, const int *columns, int column_count,
                                        const shoal_zone_pred *preds, int pred_count, shoal_error *err)
{
    const shoal_manifest *m = store->current;
    if (columns == NULL) column_count = m->column_count;
    if (column_count < 0 || pred_count < 0) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "negative column or predicate count");
        return NULL;
    }
    for (int j = 0; columns && j < column_count; j++) {
        if (columns[j] < 0 || columns[j] >= m->column_count) {
            shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "table %" PRIu64 " has no column %d",
                               m->table_id, columns[j]);
            return NULL;
        }
    }
    for (int p = 0; p < pred_count; p++) {
        if (preds[p].column < 0 || preds[p].column >= m->column_count || preds[p].op < SHOAL_ZONE_EQ ||
            preds[p].op > SHOAL_ZONE_IS_NOT_NULL) {
            shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "predicate %d: bad column %d or operator %u",
                               p, preds[p].column, preds[p].op);
            return NULL;
        }
    }

    shoal_table_scan *s = shoal_xcalloc(1, sizeof *s);
    s->m = shoal_manifest_ref(store->current);
    s->dir = shoal_xstrdup(store->dir);
    s->ncols = column_count;
    s->cols = shoal_xcalloc((size_t)(column_count ? column_count : 1), sizeof *s->cols);
    s->selected = shoal_xmalloc(m->group_count ? m->group_count : 1);
    for (uint32_t g = 0; g < m->group_count; g++) {
        bool keep = true;
        for (int p = 0; p < pred_count && keep; p++)
            keep = shoal_zone_may_match(&shoal_manifest_chunk(m, g, preds[p].column)->zone, &preds[p]);
        s->selected[g] = keep;
    }
    for (int j = 0; j < column_count; j++) {
        scan_column *sc = &s->cols[j];
        sc->column = columns ? columns[j] : j;
        sc->physical = shoal_type_physical(m->columns[sc->column].type);
        shoal_decoded_block_init(&sc->block);
        /* The files this column's selected groups live in (one load's groups are consecutive). */
        size_t cap = 0;
        uint64_t last = UINT64_MAX;
        for (uint32_t g = 0; g < m->group_count; g++) {
            if (!s->selected[g]) continue;
            uint64_t v = shoal_manifest_chunk(m, g, sc->column)->file_version;
            if (v == last) continue;
            last = v;
            if (sc->file_count == cap) {
                cap = cap ? cap * 2 : 4;
                sc->files = shoal_xrealloc(sc->files, cap * sizeof *sc->files);
            }
            char path[4096];
            file_path(s, sc->column, v, path, sizeof path);
            int fd = shoal_io_open_read(path, err);
            if (fd < 0) {
                shoal_table_scan_close(s);
                return NULL;
            }
            sc->files[sc->file_count].version = v;
            sc->files[sc->file_count++].fd = fd;
        }
    }
    return s;
}

void shoal_table_scan_init_batch(const shoal_table_scan *s, shoal_batch *batch)
{
    shoal_type *types = shoal_xmalloc((size_t)(s->ncols ? s->ncols : 1) * sizeof *types);
    for (int j = 0; j < s->ncols; j++) types[j] = s->m->columns[s->cols[j].column].type;
    shoal_batch_init(batch, s->ncols, types, SHOAL_BATCH_ROWS);
    free(types);
}

const shoal_scan_stats *shoal_table_scan_stats(const shoal_table_scan *s) { return &s->stats; }

static int fd_for(const scan_column *sc, uint64_t version)
{
    for (size_t f = 0; f < sc->file_count; f++)
        if (sc->files[f].version == version) return sc->files[f].fd;
    return -1;
}

static bool load_group(shoal_table_scan *s, shoal_error *err)
{
    const shoal_manifest *m = s->m;
    uint32_t rows = m->group_rows[s->group];
    for (int j = 0; j < s->ncols; j++) {
        scan_column *sc = &s->cols[j];
        const shoal_chunk_ref *k = shoal_manifest_chunk(m, s->group, sc->column);
        char path[4096];
        file_path(s, sc->column, k->file_version, path, sizeof path);
        int fd = fd_for(sc, k->file_version);
        if (fd < 0)
            return shoal_storage_fail(err, SHOAL_SQLSTATE_INTERNAL, "scan of \"%s\": file not opened", path);
        uint8_t *buf = shoal_decoded_block_buffer(&sc->block, k->length);
        if (!shoal_io_pread_all(fd, buf, k->length, k->offset, path, err)) return false;
        shoal_error inner;
        if (!shoal_block_open_buffer(&sc->block, k->length, sc->physical, &inner))
            return shoal_storage_fail(err, inner.sqlstate, "column file \"%s\" at offset %" PRIu64 ": %s", path,
                                      k->offset, inner.message);
        if (sc->block.rows != rows)
            return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED,
                                      "column file \"%s\" at offset %" PRIu64 ": block has %u rows, the manifest says %u",
                                      path, k->offset, sc->block.rows, rows);
        s->stats.blocks_read++;
        s->stats.bytes_read += k->length;
    }
    s->stats.groups_read++;
    return true;
}

/* Decodes rows [pos, pos + n) of a block straight into an empty vector (slices come in
 * order; pos is a multiple of 64). Strings point at the block's bytes, which stay put until
 * the next group is loaded, that is, past the next shoal_table_scan_next call that the batch
 * is valid until. */
static bool copy_slice(shoal_vector *v, shoal_decoded_block *b, uint32_t pos, uint32_t n, shoal_error *err)
{
    shoal_vector_reserve(v, n);
    if (!shoal_block_read_slice(b, pos, n, v->data, err)) return false;
    if (b->validity) {
        size_t words = ((size_t)v->capacity + 63) / 64, used = ((size_t)n + 63) / 64;
        v->validity = shoal_xmalloc(words * sizeof(uint64_t));
        memset(v->validity, 0xff, words * sizeof(uint64_t));
        memcpy(v->validity, b->validity + pos / 64, used * sizeof(uint64_t));
        if (n % 64) v->validity[used - 1] |= ~0ull << (n % 64); /* rows past n: valid, as vector.c keeps them */
    }
    v->count = n;
    return true;
}

int shoal_table_scan_next(shoal_table_scan *s, shoal_batch *out, shoal_error *err)
{
    if (out->column_count != s->ncols) {
        shoal_storage_fail(err, SHOAL_SQLSTATE_INVALID_PARAMETER, "the batch has %d columns, the scan %d",
                           out->column_count, s->ncols);
        return SHOAL_SCAN_ERROR;
    }
    const shoal_manifest *m = s->m;
    shoal_batch_reset(out);
    while (!s->loaded || s->pos >= m->group_rows[s->group]) {
        if (s->loaded) {
            s->group++;
            s->loaded = false;
        }
        while (s->group < m->group_count && !s->selected[s->group]) {
            s->stats.groups_skipped++;
            s->stats.blocks_skipped += (uint64_t)s->ncols;
            s->group++;
        }
        if (s->group >= m->group_count) return SHOAL_SCAN_END;
        if (!load_group(s, err)) return SHOAL_SCAN_ERROR;
        s->loaded = true;
        s->pos = 0;
    }
    uint32_t left = m->group_rows[s->group] - s->pos;
    uint32_t n = left < SHOAL_BATCH_ROWS ? left : SHOAL_BATCH_ROWS;
    for (int j = 0; j < s->ncols; j++) {
        scan_column *sc = &s->cols[j];
        shoal_error inner;
        if (!copy_slice(&out->columns[j], &sc->block, s->pos, n, &inner)) {
            const shoal_chunk_ref *k = shoal_manifest_chunk(m, s->group, sc->column);
            char path[4096];
            file_path(s, sc->column, k->file_version, path, sizeof path);
            shoal_storage_fail(err, inner.sqlstate, "column file \"%s\" at offset %" PRIu64 ": %s", path, k->offset,
                               inner.message);
            return SHOAL_SCAN_ERROR;
        }
    }
    out->count = n;
    s->pos += n;
    s->stats.rows += n;
    return SHOAL_SCAN_ROWS;
}
