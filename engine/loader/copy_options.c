/* COPY options: defaults, the keyword setter the grammar calls, and the validator (see
 * copy_options.h). To add an option: a field in the struct, a row in `keywords` below, a
 * check in shoal_copy_options_validate, and its effect in copy_parse.c. */
#include "engine/loader/copy_options.h"
#include "engine/loader/copy_datetime.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void shoal_copy_options_init(shoal_copy_options *o)
{
    memset(o, 0, sizeof *o);
    o->quote = '"';
    strcpy(o->null_as, "\\N");
    strcpy(o->date_format, "YYYY-MM-DD");
    strcpy(o->time_format, "YYYY-MM-DD HH:MI:SS");
}

/* One character, as written in the SQL string: 'x', or the escapes '\t' and '\\'. */
static bool parse_char(const char *what, const char *value, char *out, char *err, size_t err_size)
{
    if (value == NULL) {
        snprintf(err, err_size, "%s needs a value", what);
        return false;
    }
    if (strcmp(value, "\\t") == 0) {
        *out = '\t';
        return true;
    }
    if (strcmp(value, "\\\\") == 0) {
        *out = '\\';
        return true;
    }
    if (strlen(value) != 1) {
        snprintf(err, err_size, "%s must be a single character, not '%s'", what, value);
        return false;
    }
    *out = value[0];
    return true;
}

static bool parse_count(const char *what, const char *value, int64_t *out, char *err, size_t err_size)
{
    if (value == NULL) {
        snprintf(err, err_size, "%s needs a number", what);
        return false;
    }
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (end == value || *end != '\0' || errno == ERANGE || v < 0) {
        snprintf(err, err_size, "%s must be a whole number of 0 or more, not '%s'", what, value);
        return false;
    }
    *out = v;
    return true;
}

static bool copy_text(const char *what, const char *value, char *dst, size_t size, char *err, size_t err_size)
{
    if (value == NULL) {
        snprintf(err, err_size, "%s needs a value", what);
        return false;
    }
    if (strlen(value) >= size) {
        snprintf(err, err_size, "%s '%s' is too long (at most %zu bytes)", what, value, size - 1);
        return false;
    }
    strcpy(dst, value);
    return true;
}

typedef enum {
    OPT_DELIMITER, OPT_CSV, OPT_QUOTE, OPT_ESCAPE, OPT_IGNOREHEADER, OPT_IGNOREBLANKLINES,
    OPT_NULL, OPT_DATEFORMAT, OPT_TIMEFORMAT, OPT_GZIP, OPT_ZSTD, OPT_MAXERROR,
    OPT_EMPTYASNULL, OPT_BLANKSASNULL, OPT_TRUNCATECOLUMNS
} option_id;

static const struct {
    const char *keyword;
    option_id id;
} keywords[] = {
    {"DELIMITER", OPT_DELIMITER},   {"CSV", OPT_CSV},
    {"QUOTE", OPT_QUOTE},           {"ESCAPE", OPT_ESCAPE},
    {"IGNOREHEADER", OPT_IGNOREHEADER}, {"IGNOREBLANKLINES", OPT_IGNOREBLANKLINES},
    {"NULL", OPT_NULL},             {"NULL AS", OPT_NULL},
    {"DATEFORMAT", OPT_DATEFORMAT}, {"TIMEFORMAT", OPT_TIMEFORMAT},
    {"GZIP", OPT_GZIP},             {"ZSTD", OPT_ZSTD},
    {"MAXERROR", OPT_MAXERROR},     {"EMPTYASNULL", OPT_EMPTYASNULL},
    {"BLANKSASNULL", OPT_BLANKSASNULL}, {"TRUNCATECOLUMNS", OPT_TRUNCATECOLUMNS},
};

static bool flag(const char *keyword, const char *value, bool *out, char *err, size_t err_size)
{
    if (value != NULL) {
        snprintf(err, err_size, "%s takes no value", keyword);
        return false;
    }
    *out = true;
    return true;
}

bool shoal_copy_options_set(shoal_copy_options *o, const char *keyword, const char *value,
                            char *err, size_t err_size)
{
    o->validated = false;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        if (strcasecmp(keyword, keywords[k].keyword) != 0) continue;
        switch (keywords[k].id) {
        case OPT_DELIMITER: return parse_char("DELIMITER", value, &o->delimiter, err, err_size);
        case OPT_CSV: return flag("CSV", value, &o->csv, err, err_size);
        case OPT_QUOTE:
            o->quote_set = true;
            return parse_char("QUOTE", value, &o->quote, err, err_size);
        case OPT_ESCAPE: return flag("ESCAPE", value, &o->escape, err, err_size);
        case OPT_IGNOREHEADER: return parse_count("IGNOREHEADER", value, &o->ignore_header, err, err_size);
        case OPT_IGNOREBLANKLINES: return flag("IGNOREBLANKLINES", value, &o->ignore_blank_lines, err, err_size);
        case OPT_NULL: return copy_text("NULL AS", value, o->null_as, sizeof o->null_as, err, err_size);
        case OPT_DATEFORMAT:
            return copy_text("DATEFORMAT", value, o->date_format, sizeof o->date_format, err, err_size);
        case OPT_TIMEFORMAT:
            return copy_text("TIMEFORMAT", value, o->time_format, sizeof o->time_format, err, err_size);
        case OPT_GZIP:
        case OPT_ZSTD: {
            shoal_copy_compression c = keywords[k].id == OPT_GZIP ? SHOAL_COPY_COMPRESSION_GZIP
                                                                  : SHOAL_COPY_COMPRESSION_ZSTD;
            if (value != NULL) {
                snprintf(err, err_size, "%s takes no value", keywords[k].keyword);
                return false;
            }
            if (o->compression != SHOAL_COPY_COMPRESSION_NONE && o->compression != c) {
                snprintf(err, err_size, "GZIP and ZSTD cannot both be given");
                return false;
            }
            o->compression = c;
            return true;
        }
        case OPT_MAXERROR: return parse_count("MAXERROR", value, &o->max_error, err, err_size);
        case OPT_EMPTYASNULL: return flag("EMPTYASNULL", value, &o->empty_as_null, err, err_size);
        case OPT_BLANKSASNULL: return flag("BLANKSASNULL", value, &o->blanks_as_null, err, err_size);
        case OPT_TRUNCATECOLUMNS: return flag("TRUNCATECOLUMNS", value, &o->truncate_columns, err, err_size);
        }
    }
    snprintf(err, err_size, "unknown COPY option '%s'", keyword);
    return false;
}

static void describe_char(char c, char *buf, size_t size)
{
    if (c == '\t') snprintf(buf, size, "'\\t'");
    else if (c == '\n') snprintf(buf, size, "newline");
    else if (c == '\r') snprintf(buf, size, "carriage return");
    else if (c == '\0') snprintf(buf, size, "NUL");
    else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) snprintf(buf, size, "byte 0x%02x", (unsigned char)c);
    else snprintf(buf, size, "'%c'", c);
}

/* A delimiter or quote: one ASCII character, not a line break or NUL. */
static bool check_separator(const char *what, char c, char *err, size_t err_size)
{
    char d[32];
    describe_char(c, d, sizeof d);
    if (c == '\n' || c == '\r' || c == '\0' || (unsigned char)c >= 0x80) {
        snprintf(err, err_size, "%s must be a single ASCII character other than a line break or NUL, not %s", what, d);
        return false;
    }
    return true;
}

bool shoal_copy_options_validate(shoal_copy_options *o, char *err, size_t err_size)
{
    o->validated = false;
    char delim = shoal_copy_delimiter(o);
    if (!check_separator("DELIMITER", delim, err, err_size)) return false;
    if (o->quote_set && !o->csv) {
        snprintf(err, err_size, "QUOTE can only be used with CSV");
        return false;
    }
    if (o->csv) {
        if (!check_separator("QUOTE", o->quote, err, err_size)) return false;
        if (o->quote == delim) {
            char d[32];
            describe_char(delim, d, sizeof d);
            snprintf(err, err_size, "DELIMITER and QUOTE must differ (both are %s)", d);
            return false;
        }
        if (o->escape) {
            snprintf(err, err_size, "ESCAPE cannot be used with CSV");
            return false;
        }
    }
    if (o->escape && delim == '\\') {
        snprintf(err, err_size, "DELIMITER cannot be the escape character '\\' when ESCAPE is given");
        return false;
    }
    if (memchr(o->null_as, '\0', sizeof o->null_as) == NULL) {
        snprintf(err, err_size, "NULL AS is too long");
        return false;
    }
    if (strchr(o->null_as, '\n') || strchr(o->null_as, '\r')) {
        snprintf(err, err_size, "NULL AS cannot contain a line break");
        return false;
    }
    if (strchr(o->null_as, delim)) {
        snprintf(err, err_size, "NULL AS '%s' cannot contain the delimiter", o->null_as);
        return false;
    }
    if (o->ignore_header < 0) {
        snprintf(err, err_size, "IGNOREHEADER must be 0 or more");
        return false;
    }
    if (o->max_error < 0) {
        snprintf(err, err_size, "MAXERROR must be 0 or more");
        return false;
    }
    if (o->max_error > SHOAL_COPY_MAXERROR_LIMIT) o->max_error = SHOAL_COPY_MAXERROR_LIMIT;
    if (o->compression > SHOAL_COPY_COMPRESSION_ZSTD) {
        snprintf(err, err_size, "unknown compression %d", (int)o->compression);
        return false;
    }
    if (memchr(o->date_format, '\0', sizeof o->date_format) == NULL ||
        memchr(o->time_format, '\0', sizeof o->time_format) == NULL) {
        snprintf(err, err_size, "DATEFORMAT / TIMEFORMAT is too long");
        return false;
    }
    if (!shoal_copy_datetime_compile(o->date_format, false, &o->date_fmt, err, err_size)) return false;
    if (!shoal_copy_datetime_compile(o->time_format, true, &o->time_fmt, err, err_size)) return false;
    o->validated = true;
    return true;
}
