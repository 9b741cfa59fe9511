/* DATEFORMAT / TIMEFORMAT: compiling Redshift format strings into steps and running them
 * over field text. The default ISO formats go to engine/core's parsers; 'auto' tries ISO
 * and then a fixed list of common layouts (US month-first where ambiguous, as Redshift). */
#include "engine/loader/copy_datetime.h"
#include "engine/core/types.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- compiling ---- */

typedef struct token {
    const char *text;
    uint8_t step;
} token;

/* Longest first where one is a prefix of another. */
static const token tokens[] = {
    {"YYYY", SHOAL_DT_YYYY}, {"YY", SHOAL_DT_YY},     {"MONTH", SHOAL_DT_MON},
    {"MON", SHOAL_DT_MON},   {"MM", SHOAL_DT_MM},     {"DD", SHOAL_DT_DD},
    {"HH24", SHOAL_DT_HH24}, {"HH12", SHOAL_DT_HH12}, {"HH", SHOAL_DT_HH24},
    {"MI", SHOAL_DT_MI},     {"SS", SHOAL_DT_SS},     {"AM", SHOAL_DT_AMPM},
    {"PM", SHOAL_DT_AMPM},
};

static bool compile_steps(const char *text, shoal_copy_datetime_format *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    out->kind = SHOAL_COPY_DT_STEPS;
    size_t i = 0, n = strlen(text);
    while (i < n) {
        if (out->step_count == SHOAL_COPY_FORMAT_STEPS) {
            snprintf(err, err_size, "format '%s' is too long", text);
            return false;
        }
        uint8_t step = SHOAL_DT_LITERAL;
        size_t len = 1;
        if (text[i] == ' ') {
            step = SHOAL_DT_SPACE;
            while (i + len < n && text[i + len] == ' ') len++;
        } else if (isalpha((unsigned char)text[i])) {
            bool found = false;
            for (size_t k = 0; k < sizeof tokens / sizeof tokens[0]; k++) {
                size_t tl = strlen(tokens[k].text);
                if (n - i >= tl && strncasecmp(text + i, tokens[k].text, tl) == 0) {
                    step = tokens[k].step;
                    len = tl;
                    found = true;
                    break;
                }
            }
            if (!found) {
                snprintf(err, err_size, "format '%s' has an unknown field at '%s' (known: YYYY YY MM MON DD HH24 HH12 HH MI SS AM PM)",
                         text, text + i);
                return false;
            }
        }
        out->steps[out->step_count] = step;
        out->literals[out->step_count] = step == SHOAL_DT_LITERAL ? text[i] : 0;
        out->step_count++;
        i += len;
    }
    return true;
}

static bool has_step(const shoal_copy_datetime_format *f, uint8_t a, uint8_t b)
{
    for (int i = 0; i < f->step_count; i++)
        if (f->steps[i] == a || f->steps[i] == b) return true;
    return false;
}

bool shoal_copy_datetime_compile(const char *text, bool for_timestamp,
                                 shoal_copy_datetime_format *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    const char *what = for_timestamp ? "TIMEFORMAT" : "DATEFORMAT";
    if (text == NULL || text[0] == '\0' ||
        strcasecmp(text, for_timestamp ? "YYYY-MM-DD HH:MI:SS" : "YYYY-MM-DD") == 0 ||
        (for_timestamp && strcasecmp(text, "YYYY-MM-DD HH24:MI:SS") == 0)) {
        out->kind = SHOAL_COPY_DT_ISO;
        return true;
    }
    if (strcasecmp(text, "auto") == 0) {
        out->kind = SHOAL_COPY_DT_AUTO;
        return true;
    }
    if (for_timestamp && strcasecmp(text, "epochsecs") == 0) {
        out->kind = SHOAL_COPY_DT_EPOCHSECS;
        return true;
    }
    if (for_timestamp && strcasecmp(text, "epochmillisecs") == 0) {
        out->kind = SHOAL_COPY_DT_EPOCHMILLISECS;
        return true;
    }
    char inner[256];
    if (!compile_steps(text, out, inner, sizeof inner)) {
        snprintf(err, err_size, "invalid %s: %s", what, inner);
        return false;
    }
    if (!has_step(out, SHOAL_DT_YYYY, SHOAL_DT_YY) || !has_step(out, SHOAL_DT_MM, SHOAL_DT_MON) ||
        !has_step(out, SHOAL_DT_DD, SHOAL_DT_DD)) {
        snprintf(err, err_size, "invalid %s '%s': it needs a year (YYYY or YY), a month (MM or MON) and a day (DD)",
                 what, text);
        return false;
    }
    return true;
}

/* ---- running ---- */

typedef struct dt_fields {
    int year, month, day, hour, minute, second, micros;
    int ampm; /* 0 none, 1 AM, 2 PM */
    bool hour12;
} dt_fields;

static int read_digits(const char *s, size_t n, size_t *i, int max_digits, int *value)
{
    int v = 0, k = 0;
    while (*i < n && k < max_digits && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *value = v;
    return k;
}

static const char *const month_names[12] = {"january", "february", "march",     "april",   "may",      "june",
                                             "july",    "august",   "september", "october", "november", "december"};

static bool read_month_name(const char *s, size_t n, size_t *i, int *month)
{
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        if (n - *i >= full && strncasecmp(s + *i, month_names[m], full) == 0) {
            *i += full;
            *month = m + 1;
            return true;
        }
    }
    for (int m = 0; m < 12; m++) {
        if (n - *i >= 3 && strncasecmp(s + *i, month_names[m], 3) == 0) {
            *i += 3;
            *month = m + 1;
            return true;
        }
    }
    return false;
}

static bool read_ampm(const char *s, size_t n, size_t *i, int *ampm)
{
    if (*i >= n) return false;
    char c = (char)tolower((unsigned char)s[*i]);
    if (c != 'a' && c != 'p') return false;
    size_t j = *i + 1;
    if (j < n && s[j] == '.') j++;
    if (j >= n || tolower((unsigned char)s[j]) != 'm') return false;
    j++;
    if (j < n && s[j] == '.') j++;
    *ampm = c == 'a' ? 1 : 2;
    *i = j;
    return true;
}

static void read_fraction(const char *s, size_t n, size_t *i, int *micros)
{
    if (*i + 1 >= n || s[*i] != '.' || s[*i + 1] < '0' || s[*i + 1] > '9') return;
    (*i)++;
    int v = 0, digits = 0;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        if (digits < 6) {
            v = v * 10 + (s[*i] - '0');
            digits++;
        }
        (*i)++;
    }
    for (; digits < 6; digits++) v *= 10;
    *micros = v;
}

/* Runs the steps from s[0]; returns the bytes consumed, or -1 on a mismatch. */
static long run_steps(const shoal_copy_datetime_format *f, const char *s, size_t n, dt_fields *d)
{
    size_t i = 0;
    for (int k = 0; k < f->step_count; k++) {
        int v = 0;
        switch ((shoal_copy_dt_step)f->steps[k]) {
        case SHOAL_DT_LITERAL:
            if (i >= n || s[i] != f->literals[k]) return -1;
            i++;
            break;
        case SHOAL_DT_SPACE:
            if (i >= n || (s[i] != ' ' && s[i] != '\t')) return -1;
            while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
            break;
        case SHOAL_DT_YYYY:
            if (read_digits(s, n, &i, 4, &v) != 4) return -1; /* four digits: 96 is not a YYYY */
            d->year = v;
            break;
        case SHOAL_DT_YY:
            if (read_digits(s, n, &i, 2, &v) == 0) return -1;
            d->year = v < 70 ? 2000 + v : 1900 + v;
            break;
        case SHOAL_DT_MM:
            if (read_digits(s, n, &i, 2, &v) == 0) return -1;
            d->month = v;
            break;
        case SHOAL_DT_MON:
            if (!read_month_name(s, n, &i, &d->month)) return -1;
            break;
        case SHOAL_DT_DD:
            if (read_digits(s, n, &i, 2, &v) == 0) return -1;
            d->day = v;
            break;
        case SHOAL_DT_HH24:
        case SHOAL_DT_HH12:
            if (read_digits(s, n, &i, 2, &v) == 0) return -1;
            d->hour = v;
            d->hour12 = f->steps[k] == SHOAL_DT_HH12;
            break;
        case SHOAL_DT_MI:
            if (read_digits(s, n, &i, 2, &v) == 0) return -1;
            d->minute = v;
            break;
        case SHOAL_DT_SS:
            if (read_digits(s, n, &i, 2, &v) == 0) return -1;
            d->second = v;
            if (!(k + 1 < f->step_count && f->steps[k + 1] == SHOAL_DT_LITERAL && f->literals[k + 1] == '.'))
                read_fraction(s, n, &i, &d->micros);
            break;
        case SHOAL_DT_AMPM:
            if (!read_ampm(s, n, &i, &d->ampm)) return -1;
            break;
        }
    }
    return (long)i;
}

/* A time after a date: ('T' | blanks) HH:MI[:SS[.ffffff]] [blanks] [AM|PM]. */
static bool read_time_tail(const char *s, size_t n, size_t i, dt_fields *d)
{
    if (i == n) return true;
    if (s[i] == 'T' || s[i] == 't') i++;
    else if (s[i] == ' ' || s[i] == '\t') {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    } else {
        return false;
    }
    if (read_digits(s, n, &i, 2, &d->hour) == 0 || i >= n || s[i] != ':') return false;
    i++;
    if (read_digits(s, n, &i, 2, &d->minute) == 0) return false;
    if (i < n && s[i] == ':') {
        i++;
        if (read_digits(s, n, &i, 2, &d->second) == 0) return false;
        read_fraction(s, n, &i, &d->micros);
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i < n) {
        if (!read_ampm(s, n, &i, &d->ampm)) return false;
        d->hour12 = true;
    }
    return i == n;
}

static bool finish_date(const dt_fields *d, int32_t *out)
{
    if (!shoal_date_valid(d->year, d->month, d->day)) return false;
    *out = shoal_date_from_ymd(d->year, d->month, d->day);
    return true;
}

static bool finish_timestamp(dt_fields d, int64_t *out)
{
    if (d.ampm || d.hour12) {
        if (d.ampm) {
            if (d.hour < 1 || d.hour > 12) return false;
            if (d.hour == 12) d.hour = 0;
            if (d.ampm == 2) d.hour += 12;
        }
    }
    if (d.hour > 23 || d.minute > 59 || d.second > 59) return false;
    int32_t days;
    if (!finish_date(&d, &days)) return false;
    *out = (int64_t)days * 86400000000LL +
           (((int64_t)d.hour * 60 + d.minute) * 60 + d.second) * 1000000LL + d.micros;
    return true;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

/* 'auto' layouts after ISO; month-first where a layout is ambiguous, as Redshift. */
static const char *const auto_date_texts[] = {
    "YYYYMMDD",   "YYYY/MM/DD",  "YYYY.MM.DD",  "MM/DD/YYYY", "MM-DD-YYYY",  "DD.MM.YYYY",
    "MON DD YYYY", "MON DD, YYYY", "DD MON YYYY", "DD-MON-YYYY", "YYYY-MON-DD", "MM/DD/YY",
    "DD-MON-YY",
};
#define AUTO_DATE_COUNT (sizeof auto_date_texts / sizeof auto_date_texts[0])
static shoal_copy_datetime_format auto_dates[AUTO_DATE_COUNT];

__attribute__((constructor)) static void compile_auto_formats(void)
{
    char err[256];
    for (size_t k = 0; k < AUTO_DATE_COUNT; k++) compile_steps(auto_date_texts[k], &auto_dates[k], err, sizeof err);
}

/* Tries every 'auto' layout; `with_time` allows a time after the date. */
static bool parse_auto(const char *s, size_t n, dt_fields *d)
{
    for (size_t k = 0; k < AUTO_DATE_COUNT; k++) {
        dt_fields t = {0, 0, 0, 0, 0, 0, 0, 0, false};
        long used = run_steps(&auto_dates[k], s, n, &t);
        if (used < 0) continue;
        if (auto_dates[k].steps[0] == SHOAL_DT_YYYY && auto_dates[k].step_count == 3 && used != 8) continue;
        if (read_time_tail(s, n, (size_t)used, &t)) {
            *d = t;
            return true;
        }
    }
    return false;
}

bool shoal_copy_parse_date(const shoal_copy_datetime_format *f, const char *s, size_t n, int32_t *out)
{
    trim(&s, &n);
    dt_fields d = {0, 0, 0, 0, 0, 0, 0, 0, false};
    switch ((shoal_copy_datetime_kind)f->kind) {
    case SHOAL_COPY_DT_ISO:
        return shoal_parse_date(s, n, out);
    case SHOAL_COPY_DT_AUTO: {
        if (shoal_parse_date(s, n, out)) return true;
        int64_t ts;
        if (shoal_parse_timestamp(s, n, &ts)) {
            int64_t days = ts / 86400000000LL;
            if (ts % 86400000000LL < 0) days--;
            *out = (int32_t)days;
            return true;
        }
        return parse_auto(s, n, &d) && finish_date(&d, out);
    }
    case SHOAL_COPY_DT_STEPS: {
        long used = run_steps(f, s, n, &d);
        return used == (long)n && finish_date(&d, out);
    }
    default:
        return false;
    }
}

static bool parse_epoch(const char *s, size_t n, int64_t unit_micros, int64_t *out)
{
    int64_t v;
    if (!shoal_parse_int64(s, n, &v)) return false;
    if (v > INT64_MAX / unit_micros || v < INT64_MIN / unit_micros) return false;
    *out = v * unit_micros;
    return true;
}

bool shoal_copy_parse_timestamp(const shoal_copy_datetime_format *f, const char *s, size_t n, int64_t *out)
{
    trim(&s, &n);
    dt_fields d = {0, 0, 0, 0, 0, 0, 0, 0, false};
    switch ((shoal_copy_datetime_kind)f->kind) {
    case SHOAL_COPY_DT_ISO:
        return shoal_parse_timestamp(s, n, out);
    case SHOAL_COPY_DT_AUTO:
        if (shoal_parse_timestamp(s, n, out)) return true;
        return parse_auto(s, n, &d) && finish_timestamp(d, out);
    case SHOAL_COPY_DT_STEPS: {
        long used = run_steps(f, s, n, &d);
        return used == (long)n && finish_timestamp(d, out);
    }
    case SHOAL_COPY_DT_EPOCHSECS:
        return parse_epoch(s, n, 1000000, out);
    case SHOAL_COPY_DT_EPOCHMILLISECS:
        return parse_epoch(s, n, 1000, out);
    }
    return false;
}
