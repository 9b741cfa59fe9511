/* COPY options: Redshift's data-format and data-conversion parameters as a plain struct
 * (memcpy-able, so the leader can ship it to every rank), their defaults, a keyword setter
 * for the SQL grammar, and the validator that checks them and compiles the date formats. */
#ifndef SHOAL_LOADER_COPY_OPTIONS_H
#define SHOAL_LOADER_COPY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOAL_COPY_NULL_AS_MAX 64      /* bytes, terminating NUL included */
#define SHOAL_COPY_FORMAT_MAX 64       /* DATEFORMAT / TIMEFORMAT text */
#define SHOAL_COPY_FORMAT_STEPS 32     /* compiled steps of one format */
#define SHOAL_COPY_MAXERROR_LIMIT 100000 /* Redshift's quota: larger MAXERROR values are lowered */

typedef enum shoal_copy_compression {
    SHOAL_COPY_COMPRESSION_NONE = 0,
    SHOAL_COPY_COMPRESSION_GZIP,
    SHOAL_COPY_COMPRESSION_ZSTD
} shoal_copy_compression;

/* How a DATEFORMAT / TIMEFORMAT is applied (filled by the validator). */
typedef enum shoal_copy_datetime_kind {
    SHOAL_COPY_DT_ISO = 0,   /* the default 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MI:SS': fixed-width fast
                                path, then the lenient ISO parsers of engine/core/types.h */
    SHOAL_COPY_DT_AUTO,      /* 'auto': ISO first, then a list of common layouts */
    SHOAL_COPY_DT_STEPS,     /* an explicit format, compiled into steps */
    SHOAL_COPY_DT_EPOCHSECS, /* TIMEFORMAT 'epochsecs' */
    SHOAL_COPY_DT_EPOCHMILLISECS
} shoal_copy_datetime_kind;

typedef struct shoal_copy_datetime_format {
    uint8_t kind;  /* shoal_copy_datetime_kind */
    uint8_t step_count;
    uint8_t steps[SHOAL_COPY_FORMAT_STEPS];    /* shoal_copy_dt_step codes (copy_datetime.h) */
    char literals[SHOAL_COPY_FORMAT_STEPS];    /* the character of each literal step */
} shoal_copy_datetime_format;

typedef struct shoal_copy_options {
    char delimiter;            /* 0: the format's default, '|' for text and ',' for CSV */
    bool csv;                  /* CSV: RFC 4180 quoting */
    char quote;                /* CSV quote character, default '"' */
    bool quote_set;            /* QUOTE was given (only valid with CSV) */
    bool escape;               /* ESCAPE: in text mode a backslash makes the next byte literal */
    int64_t ignore_header;     /* IGNOREHEADER n: skip the first n lines of every file */
    bool ignore_blank_lines;   /* IGNOREBLANKLINES: skip empty lines instead of loading them */
    char null_as[SHOAL_COPY_NULL_AS_MAX]; /* NULL AS: default "\N" (both text and CSV) */
    char date_format[SHOAL_COPY_FORMAT_MAX]; /* DATEFORMAT: default "YYYY-MM-DD" */
    char time_format[SHOAL_COPY_FORMAT_MAX]; /* TIMEFORMAT: default "YYYY-MM-DD HH:MI:SS" */
    shoal_copy_compression compression; /* GZIP | ZSTD, chosen by option, never by file name */
    int64_t max_error;         /* MAXERROR: rejected rows allowed before the load fails (0) */
    bool empty_as_null;        /* EMPTYASNULL: empty CHAR/VARCHAR fields load as NULL */
    bool blanks_as_null;       /* BLANKSASNULL: all-blank CHAR/VARCHAR fields load as NULL */
    bool truncate_columns;     /* TRUNCATECOLUMNS: cut overlong strings instead of rejecting */

    /* Filled by shoal_copy_options_validate; the parser refuses options that are not. */
    bool validated;
    shoal_copy_datetime_format date_fmt, time_fmt;
} shoal_copy_options;

/* Redshift's defaults: text format, '|' delimiter, NULL AS '\N', MAXERROR 0, no compression. */
void shoal_copy_options_init(shoal_copy_options *o);

/* Sets one option by its COPY keyword (case-insensitive), as the grammar meets it:
 *   DELIMITER 'c' (also '\t'), CSV, QUOTE 'q', ESCAPE, IGNOREHEADER n, IGNOREBLANKLINES,
 *   NULL 's' (or "NULL AS"), DATEFORMAT 'fmt', TIMEFORMAT 'fmt', GZIP, ZSTD, MAXERROR n,
 *   EMPTYASNULL, BLANKSASNULL, TRUNCATECOLUMNS.
 * `value` is NULL for the flags. Returns false with a message in err for an unknown keyword,
 * a missing or malformed value, or a conflict it can see at once (GZIP with ZSTD). */
bool shoal_copy_options_set(shoal_copy_options *o, const char *keyword, const char *value,
                            char *err, size_t err_size);

/* Checks the options as a whole, resolves the defaults and compiles the date/time formats.
 * Errors are user-facing sentences ("DELIMITER must be a single character, not 'ab'"...). */
bool shoal_copy_options_validate(shoal_copy_options *o, char *err, size_t err_size);

/* The effective delimiter (after the CSV/text default). */
static inline char shoal_copy_delimiter(const shoal_copy_options *o)
{
    return o->delimiter ? o->delimiter : (o->csv ? ',' : '|');
}

#endif
