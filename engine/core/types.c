/* Types: layout, names, calendar arithmetic, and parsing/formatting of values as text. */
#include "engine/core/types.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

shoal_type shoal_type_decimal(int precision, int scale)
{
    shoal_type t = shoal_type_make(SHOAL_TYPE_DECIMAL);
    t.precision = (uint8_t)precision;
    t.scale = (uint8_t)scale;
    return t;
}

shoal_type shoal_type_string(shoal_type_id id, uint32_t length)
{
    shoal_type t = shoal_type_make(id);
    t.length = length;
    return t;
}

shoal_physical shoal_type_physical(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: return SHOAL_PHYS_U8;
    case SHOAL_TYPE_SMALLINT: return SHOAL_PHYS_I16;
    case SHOAL_TYPE_INTEGER:
    case SHOAL_TYPE_DATE: return SHOAL_PHYS_I32;
    case SHOAL_TYPE_BIGINT:
    case SHOAL_TYPE_TIMESTAMP: return SHOAL_PHYS_I64;
    case SHOAL_TYPE_DECIMAL: return t.precision > SHOAL_DECIMAL_WIDE_PRECISION ? SHOAL_PHYS_I128 : SHOAL_PHYS_I64;
    case SHOAL_TYPE_REAL: return SHOAL_PHYS_F32;
    case SHOAL_TYPE_DOUBLE: return SHOAL_PHYS_F64;
    case SHOAL_TYPE_CHAR:
    case SHOAL_TYPE_VARCHAR: return SHOAL_PHYS_STRING;
    default: return SHOAL_PHYS_I64;
    }
}

size_t shoal_physical_size(shoal_physical p)
{
    static const size_t sizes[] = {
        [SHOAL_PHYS_U8] = 1, [SHOAL_PHYS_I16] = 2, [SHOAL_PHYS_I32] = 4, [SHOAL_PHYS_I64] = 8,
        [SHOAL_PHYS_I128] = 16, [SHOAL_PHYS_F32] = 4, [SHOAL_PHYS_F64] = 8,
        [SHOAL_PHYS_STRING] = sizeof(shoal_string),
    };
    return sizes[p];
}

bool shoal_type_equal(shoal_type a, shoal_type b)
{
    return a.id == b.id && a.precision == b.precision && a.scale == b.scale && a.length == b.length;
}

bool shoal_type_is_numeric(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_SMALLINT: case SHOAL_TYPE_INTEGER: case SHOAL_TYPE_BIGINT:
    case SHOAL_TYPE_DECIMAL: case SHOAL_TYPE_REAL: case SHOAL_TYPE_DOUBLE:
        return true;
    default:
        return false;
    }
}

bool shoal_type_is_string(shoal_type t) { return t.id == SHOAL_TYPE_CHAR || t.id == SHOAL_TYPE_VARCHAR; }

const char *shoal_type_sql_name(shoal_type t)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: return "boolean";
    case SHOAL_TYPE_SMALLINT: return "smallint";
    case SHOAL_TYPE_INTEGER: return "integer";
    case SHOAL_TYPE_BIGINT: return "bigint";
    case SHOAL_TYPE_DECIMAL: return "numeric";
    case SHOAL_TYPE_REAL: return "real";
    case SHOAL_TYPE_DOUBLE: return "double precision";
    case SHOAL_TYPE_CHAR: return "character";
    case SHOAL_TYPE_VARCHAR: return "character varying";
    case SHOAL_TYPE_DATE: return "date";
    case SHOAL_TYPE_TIMESTAMP: return "timestamp";
    default: return "unknown";
    }
}

void shoal_type_name(shoal_type t, char *buf, size_t size)
{
    switch ((shoal_type_id)t.id) {
    case SHOAL_TYPE_BOOLEAN: snprintf(buf, size, "BOOLEAN"); break;
    case SHOAL_TYPE_SMALLINT: snprintf(buf, size, "SMALLINT"); break;
    case SHOAL_TYPE_INTEGER: snprintf(buf, size, "INTEGER"); break;
    case SHOAL_TYPE_BIGINT: snprintf(buf, size, "BIGINT"); break;
    case SHOAL_TYPE_DECIMAL: snprintf(buf, size, "DECIMAL(%d,%d)", t.precision, t.scale); break;
    case SHOAL_TYPE_REAL: snprintf(buf, size, "REAL"); break;
    case SHOAL_TYPE_DOUBLE: snprintf(buf, size, "DOUBLE PRECISION"); break;
    case SHOAL_TYPE_CHAR: snprintf(buf, size, "CHAR(%u)", t.length); break;
    case SHOAL_TYPE_VARCHAR:
        if (t.length) snprintf(buf, size, "VARCHAR(%u)", t.length);
        else snprintf(buf, size, "VARCHAR");
        break;
    case SHOAL_TYPE_DATE: snprintf(buf, size, "DATE"); break;
    case SHOAL_TYPE_TIMESTAMP: snprintf(buf, size, "TIMESTAMP"); break;
    default: snprintf(buf, size, "INVALID(%d)", t.id); break;
    }
}

shoal_int128 shoal_pow10_i128(int n)
{
    /* a table: this sits in the decimal rescaling of every value */
    static shoal_int128 table[SHOAL_DECIMAL_MAX_PRECISION + 1];
    static bool filled;
    if (!filled) {
        shoal_int128 v = 1;
        for (int i = 0; i <= SHOAL_DECIMAL_MAX_PRECISION; i++) {
            table[i] = v;
            if (i < SHOAL_DECIMAL_MAX_PRECISION) v *= 10; /* 10^39 would overflow */
        }
        filled = true;
    }
    if (n < 0 || n > SHOAL_DECIMAL_MAX_PRECISION) {
        shoal_int128 v = 1;
        for (int i = 0; i < n; i++) v *= 10;
        return v;
    }
    return table[n];
}

/* ---- calendar (days from civil, after Howard Hinnant's public-domain algorithm) ---- */

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int shoal_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

bool shoal_date_valid(int year, int month, int day)
{
    return year >= -4713 && year <= 294276 && month >= 1 && month <= 12 && day >= 1 &&
           day <= shoal_days_in_month(year, month);
}

int32_t shoal_date_from_ymd(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void shoal_date_to_ymd(int32_t days, int *year, int *month, int *day)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

/* ---- parsing ---- */

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)**s)) { (*s)++; (*n)--; }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

bool shoal_parse_int64(const char *s, size_t n, int64_t *out)
{
    trim(&s, &n);
    if (n == 0) return false;
    bool neg = false;
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; i = 1; }
    if (i == n) return false;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool shoal_parse_decimal(const char *s, size_t n, int precision, int scale, shoal_int128 *out)
{
    trim(&s, &n);
    if (n == 0) return false;
    bool neg = false, dot = false;
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; i = 1; }
    shoal_int128 v = 0;
    int int_digits = 0, frac_digits = 0, digits = 0, first_dropped = -1;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (dot) return false;
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') return false;
        digits++;
        if (dot) {
            if (frac_digits == scale) { /* beyond the scale: only the first digit rounds */
                if (first_dropped < 0) first_dropped = c - '0';
                continue;
            }
            frac_digits++;
        } else if (int_digits > 0 || c != '0') {
            if (++int_digits > precision - scale) return false; /* also keeps v from overflowing */
        }
        v = v * 10 + (c - '0');
    }
    if (digits == 0) return false;
    for (; frac_digits < scale; frac_digits++) v *= 10;
    if (first_dropped >= 5) v += 1;
    if (v >= shoal_pow10_i128(precision)) return false;
    *out = neg ? -v : v;
    return true;
}

bool shoal_parse_double(const char *s, size_t n, double *out)
{
    trim(&s, &n);
    if (n == 0 || n > 63) return false;
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || errno == ERANGE) return false;
    *out = v;
    return true;
}

/* Reads 1..max digits at s[*i]; returns -1 when there are none. */
static int read_number(const char *s, size_t n, size_t *i, int max_digits)
{
    int v = 0, k = 0;
    while (*i < n && k < max_digits && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    return k ? v : -1;
}

static bool parse_date_part(const char *s, size_t n, size_t *i, int32_t *out)
{
    int y = read_number(s, n, i, 6);
    if (y < 0 || *i >= n || s[*i] != '-') return false;
    (*i)++;
    int m = read_number(s, n, i, 2);
    if (m < 0 || *i >= n || s[*i] != '-') return false;
    (*i)++;
    int d = read_number(s, n, i, 2);
    if (d < 0 || !shoal_date_valid(y, m, d)) return false;
    *out = shoal_date_from_ymd(y, m, d);
    return true;
}

bool shoal_parse_date(const char *s, size_t n, int32_t *out)
{
    trim(&s, &n);
    size_t i = 0;
    return parse_date_part(s, n, &i, out) && i == n;
}

bool shoal_parse_timestamp(const char *s, size_t n, int64_t *out)
{
    trim(&s, &n);
    size_t i = 0;
    int32_t days;
    if (!parse_date_part(s, n, &i, &days)) return false;
    int64_t micros = 0;
    if (i < n) {
        if (s[i] != ' ' && s[i] != 'T') return false;
        i++;
        int hh = read_number(s, n, &i, 2);
        if (hh < 0 || hh > 23 || i >= n || s[i] != ':') return false;
        i++;
        int mi = read_number(s, n, &i, 2);
        if (mi < 0 || mi > 59) return false;
        int ss = 0;
        if (i < n && s[i] == ':') {
            i++;
            ss = read_number(s, n, &i, 2);
            if (ss < 0 || ss > 59) return false;
        }
        int64_t frac = 0;
        if (i < n && s[i] == '.') {
            i++;
            int digits = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                if (digits < 6) { frac = frac * 10 + (s[i] - '0'); digits++; }
                i++;
            }
            if (digits == 0) return false;
            for (; digits < 6; digits++) frac *= 10;
        }
        if (i != n) return false;
        micros = ((int64_t)hh * 3600 + mi * 60 + ss) * 1000000 + frac;
    }
    *out = (int64_t)days * 86400000000LL + micros;
    return true;
}

bool shoal_parse_bool(const char *s, size_t n, uint8_t *out)
{
    trim(&s, &n);
    static const char *const yes[] = {"t", "true", "y", "yes", "1", "on"};
    static const char *const no[] = {"f", "false", "n", "no", "0", "off"};
    for (size_t k = 0; k < 6; k++) {
        if (strlen(yes[k]) == n && strncasecmp(s, yes[k], n) == 0) { *out = 1; return true; }
        if (strlen(no[k]) == n && strncasecmp(s, no[k], n) == 0) { *out = 0; return true; }
    }
    return false;
}

/* ---- formatting ---- */

int shoal_format_int128(shoal_int128 v, char *buf)
{
    char tmp[48];
    int n = 0;
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    int len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

int shoal_format_int64(int64_t v, char *buf) { return shoal_format_int128(v, buf); }

int shoal_format_decimal(shoal_int128 v, int scale, char *buf)
{
    if (scale == 0) return shoal_format_int128(v, buf);
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    char digits[48];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale) digits[n++] = '0'; /* at least one integer digit */
    int len = 0;
    if (v < 0) buf[len++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        buf[len++] = digits[i];
        if (i == scale) buf[len++] = '.';
    }
    buf[len] = '\0';
    return len;
}

int shoal_format_date(int32_t days, char *buf)
{
    int y, m, d;
    shoal_date_to_ymd(days, &y, &m, &d);
    return sprintf(buf, "%04d-%02d-%02d", y, m, d);
}

int shoal_format_timestamp(int64_t micros, char *buf)
{
    int64_t days = micros / 86400000000LL, rest = micros % 86400000000LL;
    if (rest < 0) { rest += 86400000000LL; days--; }
    int len = shoal_format_date((int32_t)days, buf);
    int64_t secs = rest / 1000000, frac = rest % 1000000;
    len += sprintf(buf + len, " %02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (frac) len += sprintf(buf + len, ".%06d", (int)frac);
    return len;
}

int shoal_format_double(double v, char *buf)
{
    if (isnan(v)) return sprintf(buf, "NaN");
    if (isinf(v)) return sprintf(buf, v < 0 ? "-Infinity" : "Infinity");
    for (int prec = 15; prec <= 17; prec++) {
        int len = snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return len;
    }
    return sprintf(buf, "%.17g", v);
}

int shoal_format_float(float v, char *buf)
{
    if (isnan(v)) return sprintf(buf, "NaN");
    if (isinf(v)) return sprintf(buf, v < 0 ? "-Infinity" : "Infinity");
    for (int prec = 6; prec <= 9; prec++) {
        int len = snprintf(buf, 32, "%.*g", prec, (double)v);
        if (strtof(buf, NULL) == v) return len;
    }
    return snprintf(buf, 32, "%.9g", (double)v);
}
