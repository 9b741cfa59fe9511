/* Views on the leader and their file (see views.h). File: "SHOALVW1", u32 count, then per view
 * schema, name, query text, i32 column count, column names (runtime/serialize.h strings). */
#include "sql/views.h"
#include "engine/storage/storage_io.h"
#include "runtime/memory.h"
#include "runtime/serialize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[8] = {'S', 'H', 'O', 'A', 'L', 'V', 'W', '1'};

static void view_free(shoal_view *v)
{
    free(v->query_sql);
    for (int i = 0; i < v->column_count; i++) free(v->columns[i]);
    free(v->columns);
}

void shoal_views_free(shoal_view_set *set)
{
    for (int i = 0; i < set->count; i++) view_free(&set->views[i]);
    free(set->views);
    set->views = NULL;
    set->count = 0;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = shoal_xmalloc(n);
    memcpy(c, s, n);
    return c;
}

bool shoal_views_open(shoal_view_set *set, const char *dir, shoal_error *err)
{
    memset(set, 0, sizeof *set);
    snprintf(set->path, sizeof set->path, "%s/views", dir);
    if (!shoal_io_exists(set->path)) return true;
    uint8_t *data = NULL;
    size_t len = 0;
    if (!shoal_io_read_file(set->path, &data, &len, err)) return false;
    shoal_reader r;
    shoal_reader_init(&r, data, len);
    bool ok = len >= sizeof MAGIC && memcmp(data, MAGIC, sizeof MAGIC) == 0;
    if (ok) {
        r.pos = sizeof MAGIC;
        uint32_t count = shoal_get_u32(&r);
        ok = !r.failed && count <= len;
        for (uint32_t i = 0; ok && i < count; i++) {
            char *schema = shoal_get_str(&r), *name = shoal_get_str(&r), *sql = shoal_get_str(&r);
            int32_t ncols = shoal_get_i32(&r);
            ok = schema && name && sql && !r.failed && ncols >= 0 && (size_t)ncols <= len;
            char **cols = ok ? shoal_xcalloc((size_t)ncols + 1, sizeof(char *)) : NULL;
            for (int c = 0; ok && c < ncols; c++) ok = (cols[c] = shoal_get_str(&r)) != NULL;
            if (ok) shoal_views_put(set, schema, name, sql, ncols, (const char *const *)cols);
            for (int c = 0; cols && c < ncols; c++) free(cols[c]);
            free(cols);
            free(schema);
            free(name);
            free(sql);
        }
    }
    free(data);
    if (!ok) {
        shoal_views_free(set);
        shoal_error_set(err, -1, "XX001", "the view file %s is corrupt", set->path);
    }
    return ok;
}

bool shoal_views_save(const shoal_view_set *set, shoal_error *err)
{
    shoal_writer w;
    shoal_writer_init(&w, 1024);
    for (size_t i = 0; i < sizeof MAGIC; i++) shoal_put_u8(&w, (uint8_t)MAGIC[i]);
    shoal_put_u32(&w, (uint32_t)set->count);
    for (int i = 0; i < set->count; i++) {
        const shoal_view *v = &set->views[i];
        shoal_put_str(&w, v->schema);
        shoal_put_str(&w, v->name);
        shoal_put_str(&w, v->query_sql);
        shoal_put_i32(&w, v->column_count);
        for (int c = 0; c < v->column_count; c++) shoal_put_str(&w, v->columns[c]);
    }
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", set->path);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", set->path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    int fd = shoal_io_create(tmp, err);
    bool ok = fd >= 0 && shoal_io_write_all(fd, w.data, w.len, tmp, err) && shoal_io_fsync(fd, tmp, err);
    if (fd >= 0) shoal_io_close(fd);
    ok = ok && shoal_io_rename(tmp, set->path, err) && shoal_io_fsync_dir(slash ? dir : ".", err);
    shoal_writer_free(&w);
    return ok;
}

const shoal_view *shoal_views_find(const shoal_view_set *set, const char *schema, const char *name)
{
    for (int i = 0; i < set->count; i++)
        if (strcmp(set->views[i].schema, schema) == 0 && strcmp(set->views[i].name, name) == 0) return &set->views[i];
    return NULL;
}

void shoal_views_put(shoal_view_set *set, const char *schema, const char *name, const char *query_sql, int column_count,
                     const char *const *columns)
{
    shoal_views_remove(set, schema, name);
    set->views = shoal_xrealloc(set->views, sizeof(shoal_view) * (size_t)(set->count + 1));
    shoal_view *v = &set->views[set->count++];
    memset(v, 0, sizeof *v);
    snprintf(v->schema, sizeof v->schema, "%s", schema);
    snprintf(v->name, sizeof v->name, "%s", name);
    v->query_sql = dup_str(query_sql);
    v->column_count = column_count;
    v->columns = shoal_xcalloc((size_t)column_count + 1, sizeof(char *));
    for (int i = 0; i < column_count; i++) v->columns[i] = dup_str(columns[i]);
}

bool shoal_views_remove(shoal_view_set *set, const char *schema, const char *name)
{
    for (int i = 0; i < set->count; i++)
        if (strcmp(set->views[i].schema, schema) == 0 && strcmp(set->views[i].name, name) == 0) {
            view_free(&set->views[i]);
            memmove(&set->views[i], &set->views[i + 1], sizeof(shoal_view) * (size_t)(set->count - i - 1));
            set->count--;
            return true;
        }
    return false;
}
