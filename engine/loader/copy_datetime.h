/* DATEFORMAT / TIMEFORMAT for COPY: compiling a Redshift format string ('YYYYMMDD',
 * 'MM/DD/YYYY', 'DD.MM.YYYY', 'MON DD YYYY HH12:MI:SS AM', 'auto', 'epochsecs', ...) into
 * steps, and parsing DATE / TIMESTAMP text with a compiled format. */
#ifndef SHOAL_LOADER_COPY_DATETIME_H
#define SHOAL_LOADER_COPY_DATETIME_H

#include "engine/loader/copy_options.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The steps of a compiled format. Numeric fields take up to their width in digits (fewer
 * when a non-digit follows, so 'MM/DD/YYYY' also reads 1/5/2020); SS may carry a fraction
 * (".ffffff", microseconds). */
typedef enum shoal_copy_dt_step {
    SHOAL_DT_LITERAL = 0, /* the character in literals[i] */
    SHOAL_DT_YYYY,        /* 4-digit year */
    SHOAL_DT_YY,          /* 2-digit year: 00-69 -> 2000-2069, 70-99 -> 1970-1999 */
    SHOAL_DT_MM,          /* month 1-12 */
    SHOAL_DT_MON,         /* month name, 3 letters or full (JAN, January), any case */
    SHOAL_DT_DD,          /* day of month */
    SHOAL_DT_HH24,        /* hour 0-23 ('HH' and 'HH24') */
    SHOAL_DT_HH12,        /* hour 1-12, with AM/PM */
    SHOAL_DT_MI,          /* minute */
    SHOAL_DT_SS,          /* second, optional fraction */
    SHOAL_DT_AMPM,        /* AM or PM (also A.M./P.M.), any case */
    SHOAL_DT_SPACE        /* one or more blanks */
} shoal_copy_dt_step;

/* Compiles `text` ("auto" and, for timestamps, "epochsecs"/"epochmillisecs" included;
 * NULL or "" gives the default). A date format needs a year, a month and a day. */
bool shoal_copy_datetime_compile(const char *text, bool for_timestamp,
                                 shoal_copy_datetime_format *out, char *err, size_t err_size);

/* Parse text as a DATE (days since 1970-01-01) / TIMESTAMP (microseconds since 1970-01-01). */
bool shoal_copy_parse_date(const shoal_copy_datetime_format *f, const char *s, size_t n, int32_t *out);
bool shoal_copy_parse_timestamp(const shoal_copy_datetime_format *f, const char *s, size_t n,
                                int64_t *out);

#endif
