/* Manifests (see manifest.h): building, reference counting, and the checksummed on-disk
 * form, parsed defensively (a corrupt manifest is an error naming what is wrong). */
#include "engine/storage/manifest.h"
#include "engine/storage/checksum.h"
#include "engine/storage/storage_io.h"
#include "runtime/memory.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

shoal_manifest *shoal_manifest_create(uint64_t table_id, uint64_t version,
                                      const shoal_column_def *columns, int column_count)
{
    shoal_manifest *m = shoal_xcalloc(1, sizeof *m);
    m->refcount = 1;
    m->table_id = table_id;
    m->version = version;
    m->column_count = column_count;
    m->columns = shoal_xmalloc((size_t)(column_count ? column_count : 1) * sizeof *m->columns);
    if (column_count) memcpy(m->columns, columns, (size_t)column_count * sizeof *columns);
    return m;
}

shoal_manifest *shoal_manifest_ref(shoal_manifest *m)
{
    m->refcount++;
    return m;
}

void shoal_manifest_unref(shoal_manifest *m)
{
    if (m == NULL || --m->refcount > 0) return;
    free(m->columns);
    free(m->group_rows);
    free(m->chunks);
    free(m);
}

void shoal_manifest_add_group(shoal_manifest *m, uint32_t rows, const shoal_chunk_ref *chunks)
{
    if (m->group_count == m->group_capacity) {
        m->group_capacity = m->group_capacity ? m->group_capacity * 2 : 8;
        m->group_rows = shoal_xrealloc(m->group_rows, m->group_capacity * sizeof *m->group_rows);
        m->chunks = shoal_xrealloc(m->chunks, (size_t)m->group_capacity * (size_t)(m->column_count ? m->column_count : 1) *
                                                  sizeof *m->chunks);
    }
    m->group_rows[m->group_count] = rows;
    if (m->column_count)
        memcpy(shoal_manifest_chunk(m, m->group_count, 0), chunks, (size_t)m->column_count * sizeof *chunks);
    m->group_count++;
    m->rows += rows;
}

void shoal_manifest_add_groups_of(shoal_manifest *m, const shoal_manifest *src)
{
    for (uint32_t g = 0; g < src->group_count; g++)
        shoal_manifest_add_group(m, src->group_rows[g], src->column_count ? shoal_manifest_chunk(src, g, 0) : NULL);
}

bool shoal_manifest_references(const shoal_manifest *m, int column, uint64_t version)
{
    if (column < 0 || column >= m->column_count) return false;
    for (uint32_t g = 0; g < m->group_count; g++)
        if (shoal_manifest_chunk(m, g, column)->file_version == version) return true;
    return false;
}

/* ---- on-disk form ---- */

void shoal_manifest_serialize(const shoal_manifest *m, shoal_writer *w)
{
    size_t start = w->len;
    shoal_put_u32(w, SHOAL_MANIFEST_MAGIC);
    shoal_put_u32(w, SHOAL_MANIFEST_VERSION);
    shoal_put_u64(w, m->table_id);
    shoal_put_u64(w, m->version);
    shoal_put_u64(w, m->rows);
    shoal_put_u32(w, (uint32_t)m->column_count);
    for (int c = 0; c < m->column_count; c++) {
        const shoal_column_def *d = &m->columns[c];
        shoal_put_u8(w, d->type.id);
        shoal_put_u8(w, d->type.precision);
        shoal_put_u8(w, d->type.scale);
        shoal_put_u8(w, d->encoding.allowed);
        shoal_put_u8(w, d->encoding.zstd);
        shoal_put_u8(w, 0);
        shoal_put_u8(w, 0);
        shoal_put_u8(w, 0);
        shoal_put_u32(w, d->type.length);
    }
    shoal_put_u32(w, m->group_count);
    for (uint32_t g = 0; g < m->group_count; g++) {
        shoal_put_u32(w, m->group_rows[g]);
        for (int c = 0; c < m->column_count; c++) {
            const shoal_chunk_ref *k = shoal_manifest_chunk(m, g, c);
            shoal_put_u64(w, k->file_version);
            shoal_put_u64(w, k->offset);
            shoal_put_u32(w, k->length);
            shoal_put_u32(w, k->plain_bytes);
            shoal_put_u32(w, k->encoded_bytes);
            shoal_put_u8(w, k->encoding);
            shoal_put_u8(w, k->compressed);
            shoal_zone_map_write(&k->zone, w);
        }
    }
    shoal_put_u32(w, shoal_crc32c(0, w->data + start, w->len - start));
}

static shoal_manifest *bad(shoal_manifest *m, shoal_error *err, const char *what)
{
    shoal_manifest_unref(m);
    shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED, "corrupt manifest: %s", what);
    return NULL;
}

static bool valid_type(shoal_type t)
{
    if (t.id == SHOAL_TYPE_INVALID || t.id >= SHOAL_TYPE_COUNT) return false;
    if (t.id == SHOAL_TYPE_DECIMAL)
        return t.precision >= 1 && t.precision <= SHOAL_DECIMAL_MAX_PRECISION && t.scale <= t.precision;
    return true;
}

shoal_manifest *shoal_manifest_parse(const uint8_t *data, size_t len, shoal_error *err)
{
    if (len < 12) return bad(NULL, err, "too short");
    uint32_t crc;
    memcpy(&crc, data + len - 4, 4);
    if (shoal_crc32c(0, data, len - 4) != crc) return bad(NULL, err, "checksum mismatch");
    shoal_reader r;
    shoal_reader_init(&r, data, len - 4);
    if (shoal_get_u32(&r) != SHOAL_MANIFEST_MAGIC) return bad(NULL, err, "bad magic number");
    uint32_t format = shoal_get_u32(&r);
    if (format != SHOAL_MANIFEST_VERSION) return bad(NULL, err, "unknown format version");
    uint64_t table_id = shoal_get_u64(&r);
    uint64_t version = shoal_get_u64(&r);
    uint64_t rows = shoal_get_u64(&r);
    uint32_t ncols = shoal_get_u32(&r);
    if (r.failed || ncols > SHOAL_STORAGE_MAX_COLUMNS) return bad(NULL, err, "bad column count");
    shoal_column_def *cols = shoal_xcalloc(ncols ? ncols : 1, sizeof *cols);
    for (uint32_t c = 0; c < ncols; c++) {
        cols[c].type.id = shoal_get_u8(&r);
        cols[c].type.precision = shoal_get_u8(&r);
        cols[c].type.scale = shoal_get_u8(&r);
        cols[c].encoding.allowed = shoal_get_u8(&r);
        cols[c].encoding.zstd = shoal_get_u8(&r);
        shoal_get_u8(&r);
        shoal_get_u8(&r);
        shoal_get_u8(&r);
        cols[c].type.length = shoal_get_u32(&r);
        if (!valid_type(cols[c].type) || cols[c].encoding.zstd > SHOAL_ZSTD_ALWAYS) {
            free(cols);
            return bad(NULL, err, "bad column definition");
        }
    }
    shoal_manifest *m = shoal_manifest_create(table_id, version, cols, (int)ncols);
    free(cols);
    uint32_t groups = shoal_get_u32(&r);
    /* each group takes at least 4 bytes, each chunk at least 40: bound before allocating */
    if (r.failed || (uint64_t)groups * (4 + 40ull * ncols) > len) return bad(m, err, "bad row group count");
    shoal_chunk_ref *chunks = shoal_xcalloc(ncols ? ncols : 1, sizeof *chunks);
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t grows = shoal_get_u32(&r);
        if (grows == 0 || grows > SHOAL_BLOCK_MAX_ROWS) {
            free(chunks);
            return bad(m, err, "bad row group size");
        }
        for (uint32_t c = 0; c < ncols; c++) {
            shoal_chunk_ref *k = &chunks[c];
            k->file_version = shoal_get_u64(&r);
            k->offset = shoal_get_u64(&r);
            k->length = shoal_get_u32(&r);
            k->plain_bytes = shoal_get_u32(&r);
            k->encoded_bytes = shoal_get_u32(&r);
            k->encoding = shoal_get_u8(&r);
            k->compressed = shoal_get_u8(&r);
            bool ok = !r.failed && k->length >= SHOAL_BLOCK_HEADER_BYTES && k->encoding < SHOAL_ENC_COUNT &&
                      k->compressed <= 1 && k->file_version <= version &&
                      shoal_zone_map_read(&r, shoal_type_physical(m->columns[c].type), &k->zone) &&
                      k->zone.rows == grows;
            if (!ok) {
                free(chunks);
                return bad(m, err, "bad block reference");
            }
        }
        shoal_manifest_add_group(m, grows, chunks);
    }
    free(chunks);
    if (!shoal_reader_done(&r)) return bad(m, err, "trailing bytes");
    if (m->rows != rows) return bad(m, err, "row count does not match the row groups");
    return m;
}

void shoal_column_file_name(char *buf, size_t size, int column, uint64_t version)
{
    snprintf(buf, size, "c%d-v%" PRIu64 ".col", column, version);
}

bool shoal_column_file_parse(const char *name, int *column, uint64_t *version)
{
    unsigned c;
    uint64_t v;
    int end = 0;
    if (sscanf(name, "c%u-v%" SCNu64 ".col%n", &c, &v, &end) != 2 || end == 0 || name[end] != '\0')
        return false;
    char canonical[64];
    shoal_column_file_name(canonical, sizeof canonical, (int)c, v);
    if (strcmp(canonical, name) != 0) return false;
    *column = (int)c;
    *version = v;
    return true;
}
