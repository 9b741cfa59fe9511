/* Rejected-row records for STL_LOAD_ERRORS and the "load failed" message (see copy_errors.h). */
#include "engine/loader/copy_errors.h"
#include "runtime/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void shoal_load_error_sink_init(shoal_load_error_sink *s)
{
    memset(s, 0, sizeof *s);
    s->record_limit = 100000;
}

void shoal_load_error_sink_free(shoal_load_error_sink *s)
{
    for (size_t i = 0; i < s->count; i++) {
        shoal_load_error *e = &s->errors[i];
        free(e->filename);
        free(e->colname);
        free(e->raw_line);
        free(e->raw_field_value);
        free(e->err_reason);
    }
    free(s->errors);
    free(s->line_cache_path);
    memset(s, 0, sizeof *s);
}

/* At most `max` bytes, cut back to a UTF-8 character boundary. */
static size_t clip(const char *p, size_t n, size_t max)
{
    if (n <= max) return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80) k--;
    return k;
}

static char *dup_bytes(const char *p, size_t n)
{
    char *s = shoal_xmalloc(n + 1);
    if (n) memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

void shoal_load_error_sink_add(shoal_load_error_sink *s, const char *filename, int64_t line_number,
                               int64_t line_offset, int colno, const char *colname, int position,
                               const char *raw_line, size_t raw_line_len, const char *raw_value,
                               size_t raw_value_len, int err_code, const char *err_reason)
{
    s->error_count++;
    if (s->count >= s->record_limit) return;
    if (s->count == s->capacity) {
        s->capacity = s->capacity ? s->capacity * 2 : 16;
        s->errors = shoal_xrealloc(s->errors, s->capacity * sizeof *s->errors);
    }
    shoal_load_error *e = &s->errors[s->count++];
    e->filename = shoal_xstrdup(filename ? filename : "");
    e->line_number = line_number;
    e->line_offset = line_offset;
    e->colno = colno;
    e->colname = shoal_xstrdup(colname ? colname : "");
    e->position = position;
    e->raw_line = dup_bytes(raw_line, raw_line ? clip(raw_line, raw_line_len, SHOAL_LOAD_RAW_MAX) : 0);
    e->raw_field_value = dup_bytes(raw_value, raw_value ? clip(raw_value, raw_value_len, SHOAL_LOAD_RAW_MAX) : 0);
    e->err_code = err_code;
    e->err_reason = shoal_xstrdup(err_reason ? err_reason : "");
}

int shoal_load_error_format_failure(char *buf, size_t size, const char *table_name,
                                    const shoal_load_error *first, int64_t error_count,
                                    int64_t max_error)
{
    int n = snprintf(buf, size,
                     "Load into table '%s' failed. Check 'stl_load_errors' system table for details. "
                     "%lld error(s), MAXERROR %lld.",
                     table_name ? table_name : "", (long long)error_count, (long long)max_error);
    if (first == NULL || n < 0 || (size_t)n >= size) return n;
    char column[300] = "";
    if (first->colno >= 0) snprintf(column, sizeof column, ", column '%s'", first->colname);
    const char *v = first->raw_field_value ? first->raw_field_value : "";
    size_t vlen = clip(v, strlen(v), 200);
    n += snprintf(buf + n, size - (size_t)n, " First error: file '%s', line %lld%s: %s (value '%.*s'%s)",
                  first->filename, (long long)first->line_number, column, first->err_reason, (int)vlen, v,
                  vlen < strlen(v) ? "..." : "");
    return n;
}
