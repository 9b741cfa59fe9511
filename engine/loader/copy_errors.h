/* Rejected rows of a COPY: one record per row as Redshift's STL_LOAD_ERRORS keeps them
 * (file, line, column, raw line, raw value, code, reason), the sink that collects them and
 * counts against MAXERROR, and the text of the "load failed" error. */
#ifndef SHOAL_LOADER_COPY_ERRORS_H
#define SHOAL_LOADER_COPY_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOAL_LOAD_RAW_MAX 1024 /* raw_line and raw_field_value keep at most this many bytes */

/* Redshift's load error codes (STL_LOAD_ERRORS.err_code). */
enum {
    SHOAL_LOAD_ERR_DELIMITER_NOT_FOUND = 1214, /* fewer fields than columns */
    SHOAL_LOAD_ERR_EXTRA_COLUMNS = 1202,
    SHOAL_LOAD_ERR_RANGE = 1204,        /* value out of range: decimal overflow, string too long */
    SHOAL_LOAD_ERR_DATE = 1205,
    SHOAL_LOAD_ERR_TIMESTAMP = 1206,
    SHOAL_LOAD_ERR_DIGIT = 1207,        /* invalid digit in an integer */
    SHOAL_LOAD_ERR_FLOAT = 1208,
    SHOAL_LOAD_ERR_DECIMAL = 1209,
    SHOAL_LOAD_ERR_BOOLEAN = 1210,
    SHOAL_LOAD_ERR_NOT_NULL = 1213,
    SHOAL_LOAD_ERR_INVALID_LINE = 1216, /* malformed CSV quoting, line too long */
    SHOAL_LOAD_ERR_UTF8 = 1220,
    SHOAL_LOAD_ERR_INT_OVERFLOW = 1222,
};

typedef struct shoal_load_error {
    char *filename;
    int64_t line_number;   /* 1-based physical line of the file (newlines before the row + 1) */
    int64_t line_offset;   /* byte offset of the row's first byte in the (uncompressed) file */
    int colno;             /* 0-based field of the row; -1 when the error is not a column's */
    char *colname;         /* "" when colno is -1 */
    int position;          /* byte offset of the field within the line; -1 when unknown */
    char *raw_line;        /* the row's bytes, line break excluded, at most SHOAL_LOAD_RAW_MAX */
    char *raw_field_value; /* the field's bytes (after unquoting), at most SHOAL_LOAD_RAW_MAX */
    int err_code;
    char *err_reason;
} shoal_load_error;

/* Collects the rejected rows of one or more ranges (one per rank is the usual use). */
typedef struct shoal_load_error_sink {
    shoal_load_error *errors; /* recorded, in the order found (file order within a range) */
    size_t count, capacity;
    size_t record_limit;      /* rows kept in `errors` (default 100000); all are counted */
    int64_t error_count;      /* rows rejected so far, recorded or not */
    char message[2048];       /* the reason, when a parse returns an error status */
    /* where the last line count of a file stopped, so that ranges of one file parsed one
     * after another (in pieces, in order) do not count the file's newlines again */
    char *line_cache_path;
    int64_t line_cache_offset, line_cache_lines;
} shoal_load_error_sink;

void shoal_load_error_sink_init(shoal_load_error_sink *s);
void shoal_load_error_sink_free(shoal_load_error_sink *s);

/* Appends a record (copies every string; raw values are cut to SHOAL_LOAD_RAW_MAX bytes,
 * never inside a UTF-8 sequence) and counts it. */
void shoal_load_error_sink_add(shoal_load_error_sink *s, const char *filename, int64_t line_number,
                               int64_t line_offset, int colno, const char *colname, int position,
                               const char *raw_line, size_t raw_line_len, const char *raw_value,
                               size_t raw_value_len, int err_code, const char *err_reason);

/* The message of a failed load, naming the first rejected row:
 *   Load into table 't' failed. Check 'stl_load_errors' system table for details.
 *   <count> error(s), MAXERROR <max>. First error: file '<f>', line <n>, column '<c>':
 *   <reason> (value '<v>')
 * `first` may be NULL (nothing recorded). The leader can call it with the first error of
 * the whole load after gathering every rank's sink. Returns the length as snprintf does. */
int shoal_load_error_format_failure(char *buf, size_t size, const char *table_name,
                                    const shoal_load_error *first, int64_t error_count,
                                    int64_t max_error);

#endif
