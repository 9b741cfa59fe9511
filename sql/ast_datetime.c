/* Date parts and interval literals: Redshift's date-part names with their abbreviations, and
 * the parser for interval text ('3 months', '1 day 02:00:00', '1.5 years') that turns it into
 * months + days + microseconds once, at parse time. */
#include "sql/ast.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

typedef struct datepart_spelling {
    const char *name;
    shoal_datepart_kind part;
} datepart_spelling;

static const datepart_spelling datepart_spellings[] = {
    {"millennium", SHOAL_DATEPART_MILLENNIUM}, {"millennia", SHOAL_DATEPART_MILLENNIUM},
    {"mil", SHOAL_DATEPART_MILLENNIUM},        {"mils", SHOAL_DATEPART_MILLENNIUM},
    {"century", SHOAL_DATEPART_CENTURY},       {"centuries", SHOAL_DATEPART_CENTURY},
    {"c", SHOAL_DATEPART_CENTURY},             {"cent", SHOAL_DATEPART_CENTURY},
    {"cents", SHOAL_DATEPART_CENTURY},         {"decade", SHOAL_DATEPART_DECADE},
    {"decades", SHOAL_DATEPART_DECADE},        {"dec", SHOAL_DATEPART_DECADE},
    {"decs", SHOAL_DATEPART_DECADE},           {"year", SHOAL_DATEPART_YEAR},
    {"years", SHOAL_DATEPART_YEAR},            {"y", SHOAL_DATEPART_YEAR},
    {"yr", SHOAL_DATEPART_YEAR},               {"yrs", SHOAL_DATEPART_YEAR},
    {"quarter", SHOAL_DATEPART_QUARTER},       {"quarters", SHOAL_DATEPART_QUARTER},
    {"qtr", SHOAL_DATEPART_QUARTER},           {"qtrs", SHOAL_DATEPART_QUARTER},
    {"month", SHOAL_DATEPART_MONTH},           {"months", SHOAL_DATEPART_MONTH},
    {"mon", SHOAL_DATEPART_MONTH},             {"mons", SHOAL_DATEPART_MONTH},
    {"week", SHOAL_DATEPART_WEEK},             {"weeks", SHOAL_DATEPART_WEEK},
    {"w", SHOAL_DATEPART_WEEK},                {"dayofweek", SHOAL_DATEPART_DAYOFWEEK},
    {"dow", SHOAL_DATEPART_DAYOFWEEK},         {"dw", SHOAL_DATEPART_DAYOFWEEK},
    {"weekday", SHOAL_DATEPART_DAYOFWEEK},     {"dayofyear", SHOAL_DATEPART_DAYOFYEAR},
    {"doy", SHOAL_DATEPART_DAYOFYEAR},         {"dy", SHOAL_DATEPART_DAYOFYEAR},
    {"yearday", SHOAL_DATEPART_DAYOFYEAR},     {"day", SHOAL_DATEPART_DAY},
    {"days", SHOAL_DATEPART_DAY},              {"d", SHOAL_DATEPART_DAY},
    {"hour", SHOAL_DATEPART_HOUR},             {"hours", SHOAL_DATEPART_HOUR},
    {"h", SHOAL_DATEPART_HOUR},                {"hr", SHOAL_DATEPART_HOUR},
    {"hrs", SHOAL_DATEPART_HOUR},              {"minute", SHOAL_DATEPART_MINUTE},
    {"minutes", SHOAL_DATEPART_MINUTE},        {"m", SHOAL_DATEPART_MINUTE},
    {"min", SHOAL_DATEPART_MINUTE},            {"mins", SHOAL_DATEPART_MINUTE},
    {"second", SHOAL_DATEPART_SECOND},         {"seconds", SHOAL_DATEPART_SECOND},
    {"s", SHOAL_DATEPART_SECOND},              {"sec", SHOAL_DATEPART_SECOND},
    {"secs", SHOAL_DATEPART_SECOND},           {"millisecond", SHOAL_DATEPART_MILLISECOND},
    {"milliseconds", SHOAL_DATEPART_MILLISECOND}, {"ms", SHOAL_DATEPART_MILLISECOND},
    {"msec", SHOAL_DATEPART_MILLISECOND},      {"msecs", SHOAL_DATEPART_MILLISECOND},
    {"msecond", SHOAL_DATEPART_MILLISECOND},   {"mseconds", SHOAL_DATEPART_MILLISECOND},
    {"millisec", SHOAL_DATEPART_MILLISECOND},  {"millisecs", SHOAL_DATEPART_MILLISECOND},
    {"millisecon", SHOAL_DATEPART_MILLISECOND}, {"microsecond", SHOAL_DATEPART_MICROSECOND},
    {"microseconds", SHOAL_DATEPART_MICROSECOND}, {"microsec", SHOAL_DATEPART_MICROSECOND},
    {"microsecs", SHOAL_DATEPART_MICROSECOND}, {"usecond", SHOAL_DATEPART_MICROSECOND},
    {"useconds", SHOAL_DATEPART_MICROSECOND},  {"us", SHOAL_DATEPART_MICROSECOND},
    {"usec", SHOAL_DATEPART_MICROSECOND},      {"usecs", SHOAL_DATEPART_MICROSECOND},
    {"epoch", SHOAL_DATEPART_EPOCH},
};

shoal_datepart_kind shoal_datepart_lookup(const char *word)
{
    for (size_t i = 0; i < sizeof datepart_spellings / sizeof datepart_spellings[0]; i++)
        if (strcasecmp(word, datepart_spellings[i].name) == 0) return datepart_spellings[i].part;
    return 0;
}

const char *shoal_datepart_name(shoal_datepart_kind part)
{
    switch (part) {
    case SHOAL_DATEPART_MILLENNIUM: return "millennium";
    case SHOAL_DATEPART_CENTURY: return "century";
    case SHOAL_DATEPART_DECADE: return "decade";
    case SHOAL_DATEPART_YEAR: return "year";
    case SHOAL_DATEPART_QUARTER: return "quarter";
    case SHOAL_DATEPART_MONTH: return "month";
    case SHOAL_DATEPART_WEEK: return "week";
    case SHOAL_DATEPART_DAY: return "day";
    case SHOAL_DATEPART_DAYOFWEEK: return "dow";
    case SHOAL_DATEPART_DAYOFYEAR: return "doy";
    case SHOAL_DATEPART_HOUR: return "hour";
    case SHOAL_DATEPART_MINUTE: return "minute";
    case SHOAL_DATEPART_SECOND: return "second";
    case SHOAL_DATEPART_MILLISECOND: return "millisecond";
    case SHOAL_DATEPART_MICROSECOND: return "microsecond";
    case SHOAL_DATEPART_EPOCH: return "epoch";
    }
    return "?";
}

/* ---- interval text ---- */

#define MICROS_PER_SECOND INT64_C(1000000)
#define MICROS_PER_DAY (INT64_C(86400) * MICROS_PER_SECOND)
#define DAYS_PER_MONTH 30 /* how a fraction of a month cascades into days (PostgreSQL's rule) */

typedef struct interval_sum {
    int64_t months, days, micros;
    bool overflow;
} interval_sum;

static void add_checked(int64_t *into, int64_t value, bool *overflow)
{
    if (__builtin_add_overflow(*into, value, into)) *overflow = true;
}

static int64_t mul_checked(int64_t a, int64_t b, bool *overflow)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) {
        *overflow = true;
        return 0;
    }
    return r;
}

/* Rounds x (a count of microseconds, |x| below 2^62 or reported as overflow). */
static int64_t round_micros(double x, bool *overflow)
{
    if (!(fabs(x) < 4.0e18)) {
        *overflow = true;
        return 0;
    }
    return (int64_t)llround(x);
}

/* Adds sign * (whole + fraction) units of `unit` to the sum. */
static bool add_quantity(interval_sum *sum, int sign, int64_t whole, double fraction, shoal_datepart_kind unit)
{
    int64_t months_per_unit = 0, days_per_unit = 0, micros_per_unit = 0;
    switch (unit) {
    case SHOAL_DATEPART_MILLENNIUM: months_per_unit = 12000; break;
    case SHOAL_DATEPART_CENTURY: months_per_unit = 1200; break;
    case SHOAL_DATEPART_DECADE: months_per_unit = 120; break;
    case SHOAL_DATEPART_YEAR: months_per_unit = 12; break;
    case SHOAL_DATEPART_QUARTER: months_per_unit = 3; break;
    case SHOAL_DATEPART_MONTH: months_per_unit = 1; break;
    case SHOAL_DATEPART_WEEK: days_per_unit = 7; break;
    case SHOAL_DATEPART_DAY: days_per_unit = 1; break;
    case SHOAL_DATEPART_HOUR: micros_per_unit = 3600 * MICROS_PER_SECOND; break;
    case SHOAL_DATEPART_MINUTE: micros_per_unit = 60 * MICROS_PER_SECOND; break;
    case SHOAL_DATEPART_SECOND: micros_per_unit = MICROS_PER_SECOND; break;
    case SHOAL_DATEPART_MILLISECOND: micros_per_unit = 1000; break;
    case SHOAL_DATEPART_MICROSECOND: micros_per_unit = 1; break;
    default: return false; /* dow, doy, epoch: not interval units */
    }
    if (months_per_unit) {
        add_checked(&sum->months, sign * mul_checked(whole, months_per_unit, &sum->overflow), &sum->overflow);
        double months = fraction * (double)months_per_unit;
        double whole_months = floor(months);
        double days = (months - whole_months) * DAYS_PER_MONTH;
        double whole_days = floor(days);
        add_checked(&sum->months, sign * (int64_t)whole_months, &sum->overflow);
        add_checked(&sum->days, sign * (int64_t)whole_days, &sum->overflow);
        add_checked(&sum->micros, sign * round_micros((days - whole_days) * (double)MICROS_PER_DAY, &sum->overflow),
                    &sum->overflow);
    } else if (days_per_unit) {
        add_checked(&sum->days, sign * mul_checked(whole, days_per_unit, &sum->overflow), &sum->overflow);
        double days = fraction * (double)days_per_unit;
        double whole_days = floor(days);
        add_checked(&sum->days, sign * (int64_t)whole_days, &sum->overflow);
        add_checked(&sum->micros, sign * round_micros((days - whole_days) * (double)MICROS_PER_DAY, &sum->overflow),
                    &sum->overflow);
    } else {
        add_checked(&sum->micros, sign * mul_checked(whole, micros_per_unit, &sum->overflow), &sum->overflow);
        add_checked(&sum->micros, sign * round_micros(fraction * (double)micros_per_unit, &sum->overflow),
                    &sum->overflow);
    }
    return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Digits at *p into *whole (checked) and an optional .digits into *fraction. False when there
 * are no digits at all. */
static bool scan_unsigned(const char **p, int64_t *whole, double *fraction, bool *overflow)
{
    const char *s = *p;
    bool any = false;
    *whole = 0;
    *fraction = 0;
    for (; is_digit(*s); s++, any = true) {
        *whole = mul_checked(*whole, 10, overflow);
        add_checked(whole, *s - '0', overflow);
    }
    if (*s == '.') {
        s++;
        double scale = 0.1;
        for (; is_digit(*s); s++, any = true, scale /= 10) *fraction += (*s - '0') * scale;
    }
    *p = s;
    return any;
}

const char *shoal_interval_status_message(shoal_interval_status status)
{
    switch (status) {
    case SHOAL_INTERVAL_OK: return "valid interval";
    case SHOAL_INTERVAL_BAD_SYNTAX: return "invalid input syntax for type interval";
    case SHOAL_INTERVAL_OUT_OF_RANGE: return "interval field value out of range";
    }
    return "?";
}

shoal_interval_status shoal_interval_parse(const char *text, shoal_datepart_kind default_unit,
                                           shoal_ast_interval *out)
{
    interval_sum sum = {0, 0, 0, false};
    const char *p = text;
    bool any = false, ago = false;
    if (default_unit == 0) default_unit = SHOAL_DATEPART_SECOND;
    for (;;) {
        while (is_space(*p)) p++;
        if (*p == '\0') break;
        if (ago) goto syntax; /* "ago" ends the text */
        if (is_letter(*p)) {
            const char *word = p;
            while (is_letter(*p)) p++;
            if (p - word == 3 && strncasecmp(word, "ago", 3) == 0 && any) {
                ago = true;
                continue;
            }
            goto syntax;
        }
        int sign = 1;
        if (*p == '+' || *p == '-') sign = (*p++ == '-') ? -1 : 1;
        int64_t whole;
        double fraction;
        const char *number = p;
        if (!scan_unsigned(&p, &whole, &fraction, &sum.overflow)) goto syntax;
        if (*p == ':') {
            /* hh:mm[:ss[.ffffff]]: the number just read is the hours */
            int64_t minutes, seconds = 0;
            double minute_fraction, second_fraction = 0;
            if (memchr(number, '.', (size_t)(p - number))) goto syntax;
            p++;
            const char *at = p;
            if (!scan_unsigned(&p, &minutes, &minute_fraction, &sum.overflow) || memchr(at, '.', (size_t)(p - at)))
                goto syntax;
            if (*p == ':') {
                p++;
                if (!scan_unsigned(&p, &seconds, &second_fraction, &sum.overflow)) goto syntax;
            }
            if (minutes > 59 || seconds > 59) goto range;
            add_quantity(&sum, sign, whole, 0, SHOAL_DATEPART_HOUR);
            add_quantity(&sum, sign, minutes, 0, SHOAL_DATEPART_MINUTE);
            add_quantity(&sum, sign, seconds, second_fraction, SHOAL_DATEPART_SECOND);
        } else {
            const char *after_number = p;
            while (is_space(*p)) p++;
            shoal_datepart_kind unit = default_unit;
            const char *word = p;
            while (is_letter(*p)) p++;
            size_t word_length = (size_t)(p - word);
            if (word_length == 3 && strncasecmp(word, "ago", 3) == 0) {
                p = after_number; /* a bare number before "ago" takes the default unit */
            } else if (word_length > 0) {
                char name[16];
                if (word_length >= sizeof name) goto syntax;
                memcpy(name, word, word_length);
                name[word_length] = '\0';
                unit = shoal_datepart_lookup(name);
            }
            if (!add_quantity(&sum, sign, whole, fraction, unit)) goto syntax;
        }
        if (*p != '\0' && !is_space(*p)) goto syntax;
        any = true;
    }
    if (!any) goto syntax;
    if (ago) {
        if (sum.micros == INT64_MIN) goto range;
        sum.months = -sum.months;
        sum.days = -sum.days;
        sum.micros = -sum.micros;
    }
    if (sum.overflow || sum.months < INT32_MIN || sum.months > INT32_MAX || sum.days < INT32_MIN ||
        sum.days > INT32_MAX)
        goto range;
    out->months = (int32_t)sum.months;
    out->days = (int32_t)sum.days;
    out->micros = sum.micros;
    return SHOAL_INTERVAL_OK;
syntax:
    return SHOAL_INTERVAL_BAD_SYNTAX;
range:
    return SHOAL_INTERVAL_OUT_OF_RANGE;
}
