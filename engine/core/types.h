/* SQL types and their physical representation in vectors and blocks.
 *   BOOLEAN  uint8_t 0/1            SMALLINT int16_t     INTEGER int32_t     BIGINT int64_t
 *   DECIMAL(p,s)  int64_t scaled by 10^s when p <= 18, __int128 when p > 18 (exact arithmetic;
 *                 SUM accumulates in __int128 so it cannot overflow at TPC-H SF1000)
 *   REAL float    DOUBLE PRECISION double
 *   CHAR(n), VARCHAR(n)  shoal_string (pointer + length into a heap; CHAR keeps no trailing blanks)
 *   DATE  int32_t days since 1970-01-01     TIMESTAMP int64_t microseconds since 1970-01-01 */
#ifndef SHOAL_ENGINE_TYPES_H
#define SHOAL_ENGINE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum shoal_type_id {
    SHOAL_TYPE_INVALID = 0,
    SHOAL_TYPE_BOOLEAN,
    SHOAL_TYPE_SMALLINT,
    SHOAL_TYPE_INTEGER,
    SHOAL_TYPE_BIGINT,
    SHOAL_TYPE_DECIMAL,
    SHOAL_TYPE_REAL,
    SHOAL_TYPE_DOUBLE,
    SHOAL_TYPE_CHAR,
    SHOAL_TYPE_VARCHAR,
    SHOAL_TYPE_DATE,
    SHOAL_TYPE_TIMESTAMP,
    SHOAL_TYPE_COUNT
} shoal_type_id;

/* How values are laid out in memory. */
typedef enum shoal_physical {
    SHOAL_PHYS_U8,
    SHOAL_PHYS_I16,
    SHOAL_PHYS_I32,
    SHOAL_PHYS_I64,
    SHOAL_PHYS_I128,
    SHOAL_PHYS_F32,
    SHOAL_PHYS_F64,
    SHOAL_PHYS_STRING
} shoal_physical;

typedef struct shoal_type {
    uint8_t id;        /* shoal_type_id */
    uint8_t precision; /* DECIMAL: 1..38 */
    uint8_t scale;     /* DECIMAL: 0..precision */
    uint8_t unused;
    uint32_t length;   /* CHAR/VARCHAR: max characters (0 = unbounded) */
} shoal_type;

typedef struct shoal_string {
    const char *ptr;
    uint32_t len;
} shoal_string;

typedef __int128 shoal_int128;

#define SHOAL_DECIMAL_MAX_PRECISION 38
#define SHOAL_DECIMAL_WIDE_PRECISION 18 /* above: 128-bit storage */

static inline shoal_type shoal_type_make(shoal_type_id id)
{
    shoal_type t = {(uint8_t)id, 0, 0, 0, 0};
    return t;
}
shoal_type shoal_type_decimal(int precision, int scale);
shoal_type shoal_type_string(shoal_type_id id, uint32_t length);

shoal_physical shoal_type_physical(shoal_type t);
size_t shoal_physical_size(shoal_physical p);
static inline size_t shoal_type_size(shoal_type t) { return shoal_physical_size(shoal_type_physical(t)); }
bool shoal_type_equal(shoal_type a, shoal_type b);
bool shoal_type_is_numeric(shoal_type t);
bool shoal_type_is_string(shoal_type t);
/* "DECIMAL(15,2)", "VARCHAR(25)", "INTEGER"... */
void shoal_type_name(shoal_type t, char *buf, size_t size);
/* PostgreSQL's name of the type's kind, for function signatures in errors: "integer",
 * "numeric", "character varying", ... ("unknown" for none). */
const char *shoal_type_sql_name(shoal_type t);

/* 10^n for n in 0..38 as a 128-bit integer. */
shoal_int128 shoal_pow10_i128(int n);

/* ---- dates and timestamps ---- */
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int32_t shoal_date_from_ymd(int year, int month, int day);
void shoal_date_to_ymd(int32_t days, int *year, int *month, int *day);
bool shoal_date_valid(int year, int month, int day);
int shoal_days_in_month(int year, int month);

/* ---- text <-> values; every parser returns false on malformed or out-of-range input ---- */
bool shoal_parse_int64(const char *s, size_t n, int64_t *out);
/* Decimal text ("-12.345", "7", ".5", "1e3" rejected) scaled to `scale` digits; rounds half
 * away from zero when the text has more fractional digits; fails beyond `precision` digits. */
bool shoal_parse_decimal(const char *s, size_t n, int precision, int scale, shoal_int128 *out);
bool shoal_parse_double(const char *s, size_t n, double *out);
/* YYYY-MM-DD (also YYYY-M-D). */
bool shoal_parse_date(const char *s, size_t n, int32_t *out);
/* YYYY-MM-DD[ HH:MI:SS[.ffffff]] (a 'T' may separate date and time). */
bool shoal_parse_timestamp(const char *s, size_t n, int64_t *out);
bool shoal_parse_bool(const char *s, size_t n, uint8_t *out);

/* Formatting; each returns the number of characters written (buf gets a terminating NUL). */
int shoal_format_int64(int64_t v, char *buf);                       /* buf >= 21 */
int shoal_format_int128(shoal_int128 v, char *buf);                 /* buf >= 41 */
int shoal_format_decimal(shoal_int128 v, int scale, char *buf);     /* buf >= 42 */
int shoal_format_date(int32_t days, char *buf);                     /* buf >= 11 */
int shoal_format_timestamp(int64_t micros, char *buf);              /* buf >= 27 */
int shoal_format_double(double v, char *buf);                       /* buf >= 32; shortest round-trip */
int shoal_format_float(float v, char *buf);                         /* buf >= 32; REAL's shortest round-trip */

#endif
