/* The per-rank log behind stl_load_errors (see load_errors_log.h). Record format, repeated:
 * u32 length, then query u64, slice i32, tbl u32, starttime i64 (microseconds since 1970),
 * filename, line_number i64, colname, position i32, raw_line, raw_field_value, err_code i32,
 * err_reason (strings as in runtime/serialize.h). A torn last record is ignored. */
#include "engine/load/load_errors_log.h"
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/serialize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { C_QUERY, C_SLICE, C_TBL, C_STARTTIME, C_FILENAME, C_LINE, C_COLNAME, C_POSITION, C_RAW_LINE, C_RAW_VALUE,
       C_ERR_CODE, C_ERR_REASON, C_COUNT };

shoal_table_def *shoal_stl_load_errors_def(void)
{
    static const struct { const char *name; shoal_type_id type; uint32_t length; } cols[C_COUNT] = {
        {"query", SHOAL_TYPE_BIGINT, 0},          {"slice", SHOAL_TYPE_INTEGER, 0},
        {"tbl", SHOAL_TYPE_INTEGER, 0},           {"starttime", SHOAL_TYPE_TIMESTAMP, 0},
        {"filename", SHOAL_TYPE_VARCHAR, 256},    {"line_number", SHOAL_TYPE_BIGINT, 0},
        {"colname", SHOAL_TYPE_VARCHAR, 127},     {"position", SHOAL_TYPE_INTEGER, 0},
        {"raw_line", SHOAL_TYPE_VARCHAR, 1024},   {"raw_field_value", SHOAL_TYPE_VARCHAR, 1024},
        {"err_code", SHOAL_TYPE_INTEGER, 0},      {"err_reason", SHOAL_TYPE_VARCHAR, 100},
    };
    shoal_table_def *t = shoal_xcalloc(1, sizeof *t);
    t->id = SHOAL_STL_LOAD_ERRORS_ID;
    snprintf(t->schema, sizeof t->schema, "public");
    snprintf(t->name, sizeof t->name, "stl_load_errors");
    t->column_count = C_COUNT;
    t->columns = shoal_xcalloc(C_COUNT, sizeof(shoal_catalog_column));
    for (int i = 0; i < C_COUNT; i++) {
        snprintf(t->columns[i].name, sizeof t->columns[i].name, "%s", cols[i].name);
        t->columns[i].type = shoal_type_string(cols[i].type, cols[i].length);
    }
    t->diststyle = SHOAL_DIST_EVEN;
    t->distkey = -1;
    t->version = 1; /* always readable */
    return t;
}

static void log_path(const char *rank_dir, char *buf, size_t size)
{
    snprintf(buf, size, "%s/stl_load_errors.log", rank_dir);
}

bool shoal_load_errors_log_append(const char *rank_dir, uint64_t query_id, uint32_t table_id,
                                  const shoal_load_error_sink *sink)
{
    if (sink->count == 0) return true;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t micros = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
    int rank = 0;
    sscanf(strrchr(rank_dir, '-') ? strrchr(rank_dir, '-') + 1 : "0", "%d", &rank);
    shoal_writer w;
    shoal_writer_init(&w, 4096);
    for (size_t i = 0; i < sink->count; i++) {
        const shoal_load_error *e = &sink->errors[i];
        size_t at = w.len;
        shoal_put_u32(&w, 0); /* length, patched below */
        shoal_put_u64(&w, query_id);
        shoal_put_i32(&w, rank);
        shoal_put_u32(&w, table_id);
        shoal_put_i64(&w, micros);
        shoal_put_str(&w, e->filename);
        shoal_put_i64(&w, e->line_number);
        shoal_put_str(&w, e->colname);
        shoal_put_i32(&w, e->position);
        shoal_put_str(&w, e->raw_line);
        shoal_put_str(&w, e->raw_field_value);
        shoal_put_i32(&w, e->err_code);
        shoal_put_str(&w, e->err_reason);
        uint32_t len = (uint32_t)(w.len - at - 4);
        memcpy(w.data + at, &len, 4);
    }
    char path[4200];
    log_path(rank_dir, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write(fd, w.data, w.len) == (ssize_t)w.len && fsync(fd) == 0;
    if (!ok) shoal_log(SHOAL_LOG_WARN, "cannot record load errors in %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    shoal_writer_free(&w);
    return ok;
}

typedef struct log_scan {
    uint8_t *data;
    size_t len, pos;
    const shoal_plan *plan;
} log_scan;

static void append_string(shoal_vector *v, const char *s)
{
    if (s) shoal_vector_append_string(v, s, (uint32_t)strlen(s));
    else shoal_vector_append_null(v);
}

static bool log_next(void *state, shoal_batch *out, shoal_eval_error *err)
{
    (void)err;
    log_scan *s = state;
    const shoal_plan *p = s->plan;
    uint32_t n = 0;
    while (n < SHOAL_BATCH_ROWS && s->len - s->pos >= 4) {
        uint32_t len;
        memcpy(&len, s->data + s->pos, 4);
        if (len > s->len - s->pos - 4) break; /* torn record at the end */
        shoal_reader r;
        shoal_reader_init(&r, s->data + s->pos + 4, len);
        s->pos += 4 + (size_t)len;
        uint64_t query = shoal_get_u64(&r);
        int32_t slice = shoal_get_i32(&r);
        uint32_t tbl = shoal_get_u32(&r);
        int64_t start = shoal_get_i64(&r);
        char *filename = shoal_get_str(&r);
        int64_t line = shoal_get_i64(&r);
        char *colname = shoal_get_str(&r);
        int32_t position = shoal_get_i32(&r);
        char *raw_line = shoal_get_str(&r), *raw_value = shoal_get_str(&r);
        int32_t code = shoal_get_i32(&r);
        char *reason = shoal_get_str(&r);
        if (!r.failed) {
            for (int c = 0; c < p->scan_count; c++) {
                shoal_vector *v = &out->columns[c];
                switch (p->scan_columns[c]) {
                case C_QUERY: shoal_vector_append_i64(v, (int64_t)query); break;
                case C_SLICE: shoal_vector_append_i64(v, slice); break;
                case C_TBL: shoal_vector_append_i64(v, tbl); break;
                case C_STARTTIME: shoal_vector_append_i64(v, start); break;
                case C_FILENAME: append_string(v, filename); break;
                case C_LINE: shoal_vector_append_i64(v, line); break;
                case C_COLNAME: append_string(v, colname); break;
                case C_POSITION: shoal_vector_append_i64(v, position); break;
                case C_RAW_LINE: append_string(v, raw_line); break;
                case C_RAW_VALUE: append_string(v, raw_value); break;
                case C_ERR_CODE: shoal_vector_append_i64(v, code); break;
                case C_ERR_REASON: append_string(v, reason); break;
                }
            }
            n++;
        }
        free(filename);
        free(colname);
        free(raw_line);
        free(raw_value);
        free(reason);
    }
    out->count = n;
    return n > 0;
}

static void log_close(void *state)
{
    log_scan *s = state;
    free(s->data);
    free(s);
}

bool shoal_load_errors_log_scan(const char *rank_dir, const shoal_plan *scan, shoal_scan_source *source,
                                shoal_eval_error *err)
{
    (void)err;
    log_scan *s = shoal_xcalloc(1, sizeof *s);
    s->plan = scan;
    char path[4200];
    log_path(rank_dir, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        s->data = shoal_xmalloc(size > 0 ? (size_t)size : 1);
        s->len = fread(s->data, 1, size > 0 ? (size_t)size : 0, f);
        fclose(f);
    }
    source->state = s;
    source->next = log_next;
    source->close = log_close;
    return true;
}
