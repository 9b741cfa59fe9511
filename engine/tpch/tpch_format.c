/* Formats typed TPC-H batches as dbgen's .tbl lines: integers two digits at a time from a
 * table, decimals from integer cents, dates by the days -> civil date conversion, strings by
 * memcpy; every field followed by '|' and every row by '\n', exactly as dbgen prints them. */
#include "engine/tpch/tpch_format.h"

#include <pthread.h>
#include <string.h>

#define PREFETCH_ROWS 16

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline int decimal_digits(uint64_t v)
{
    int n = 1;
    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* Writes v in decimal, two digits at a time from the end. */
static inline char *put_unsigned(char *out, uint64_t v)
{
    char *end = out + decimal_digits(v);
    char *p = end;
    while (v >= 100) {
        const char *pair = &digit_pairs[(v % 100) * 2];
        v /= 100;
        p -= 2;
        p[0] = pair[0];
        p[1] = pair[1];
    }
    if (v >= 10) {
        p[-2] = digit_pairs[v * 2];
        p[-1] = digit_pairs[v * 2 + 1];
    } else {
        p[-1] = (char)('0' + v);
    }
    return end;
}

/* memcpy for short strings without a library call: overlapping 8- or 16-byte moves, never
 * touching a byte outside [src, src + n) or [dst, dst + n). */
static inline char *put_bytes(char *dst, const char *src, size_t n)
{
    if (n >= 16) {
        size_t i = 0;
        for (; i + 16 <= n; i += 16)
            memcpy(dst + i, src + i, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    }
    return dst + n;
}

static inline char *put_int(char *out, int64_t v)
{
    if (v < 0) {
        *out++ = '-';
        return put_unsigned(out, (uint64_t)0 - (uint64_t)v);
    }
    return put_unsigned(out, (uint64_t)v);
}

static inline char *put_decimal(char *out, int64_t cents)
{
    uint64_t magnitude = (uint64_t)cents;
    if (cents < 0) {
        *out++ = '-';
        magnitude = (uint64_t)0 - (uint64_t)cents;
    }
    out = put_unsigned(out, magnitude / 100);
    const char *pair = &digit_pairs[(magnitude % 100) * 2];
    out[0] = '.';
    out[1] = pair[0];
    out[2] = pair[1];
    return out + 3;
}

char *tpch_format_int(char *out, int64_t v)
{
    return put_int(out, v);
}

char *tpch_format_decimal(char *out, int64_t cents)
{
    return put_decimal(out, cents);
}

char *tpch_format_date(char *out, int32_t days)
{
    /* days since 1970-01-01 -> proleptic Gregorian year, month, day (eras of 400 years) */
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t day_of_era = z - era * 146097;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;
    int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = year_of_era + era * 400 + (month <= 2);
    if (year < 0 || year > 9999) { /* outside what TPC-H produces: plain digits */
        out = put_int(out, year);
        *out++ = '-';
    } else {
        memcpy(out, &digit_pairs[(year / 100) * 2], 2);
        memcpy(out + 2, &digit_pairs[(year % 100) * 2], 2);
        out[4] = '-';
        out += 5;
    }
    memcpy(out, &digit_pairs[month * 2], 2);
    out[2] = '-';
    memcpy(out + 3, &digit_pairs[day * 2], 2);
    return out + 5;
}

/* ---- one row of each table, field by field in .tbl order ---- */

/* Dates TPC-H produces (1992-01-01 .. 1998-12-31) come from a table built once. */
#define DATE_TABLE_FIRST 8035 /* 1992-01-01 */
#define DATE_TABLE_DAYS 2557
static char date_table[DATE_TABLE_DAYS][10];
static pthread_once_t date_table_once = PTHREAD_ONCE_INIT;

static void build_date_table(void)
{
    for (int d = 0; d < DATE_TABLE_DAYS; d++)
        tpch_format_date(date_table[d], DATE_TABLE_FIRST + d);
}

static inline char *put_date(char *p, int32_t days)
{
    uint32_t index = (uint32_t)(days - DATE_TABLE_FIRST);
    if (index < DATE_TABLE_DAYS) {
        memcpy(p, date_table[index], 10);
        return p + 10;
    }
    return tpch_format_date(p, days);
}

#define SEP(p) (*(p)++ = '|')
#define INT(p, column) (p = put_int(p, c[column].i64[i]), SEP(p))
#define INT32(p, column) (p = put_int(p, c[column].i32[i]), SEP(p))
#define DECIMAL(p, column) (p = put_decimal(p, c[column].i64[i]), SEP(p))
#define DATE(p, column) (p = put_date(p, c[column].i32[i]), SEP(p))
#define CHAR(p, column) (*(p)++ = c[column].chr[i], SEP(p))
#define STRING(p, column) (p = put_bytes(p, c[column].str[i].ptr, c[column].str[i].len), SEP(p))

static char *format_part(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_P_PARTKEY);
    STRING(p, TPCH_P_NAME);
    STRING(p, TPCH_P_MFGR);
    STRING(p, TPCH_P_BRAND);
    STRING(p, TPCH_P_TYPE);
    INT32(p, TPCH_P_SIZE);
    STRING(p, TPCH_P_CONTAINER);
    DECIMAL(p, TPCH_P_RETAILPRICE);
    STRING(p, TPCH_P_COMMENT);
    return p;
}

static char *format_partsupp(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_PS_PARTKEY);
    INT(p, TPCH_PS_SUPPKEY);
    INT32(p, TPCH_PS_AVAILQTY);
    DECIMAL(p, TPCH_PS_SUPPLYCOST);
    STRING(p, TPCH_PS_COMMENT);
    return p;
}

static char *format_supplier(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_S_SUPPKEY);
    STRING(p, TPCH_S_NAME);
    STRING(p, TPCH_S_ADDRESS);
    INT(p, TPCH_S_NATIONKEY);
    STRING(p, TPCH_S_PHONE);
    DECIMAL(p, TPCH_S_ACCTBAL);
    STRING(p, TPCH_S_COMMENT);
    return p;
}

static char *format_customer(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_C_CUSTKEY);
    STRING(p, TPCH_C_NAME);
    STRING(p, TPCH_C_ADDRESS);
    INT(p, TPCH_C_NATIONKEY);
    STRING(p, TPCH_C_PHONE);
    DECIMAL(p, TPCH_C_ACCTBAL);
    STRING(p, TPCH_C_MKTSEGMENT);
    STRING(p, TPCH_C_COMMENT);
    return p;
}

static char *format_orders(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_O_ORDERKEY);
    INT(p, TPCH_O_CUSTKEY);
    CHAR(p, TPCH_O_ORDERSTATUS);
    DECIMAL(p, TPCH_O_TOTALPRICE);
    DATE(p, TPCH_O_ORDERDATE);
    STRING(p, TPCH_O_ORDERPRIORITY);
    STRING(p, TPCH_O_CLERK);
    INT32(p, TPCH_O_SHIPPRIORITY);
    STRING(p, TPCH_O_COMMENT);
    return p;
}

static char *format_lineitem(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_L_ORDERKEY);
    INT(p, TPCH_L_PARTKEY);
    INT(p, TPCH_L_SUPPKEY);
    INT32(p, TPCH_L_LINENUMBER);
    INT(p, TPCH_L_QUANTITY);
    DECIMAL(p, TPCH_L_EXTENDEDPRICE);
    DECIMAL(p, TPCH_L_DISCOUNT);
    DECIMAL(p, TPCH_L_TAX);
    CHAR(p, TPCH_L_RETURNFLAG);
    CHAR(p, TPCH_L_LINESTATUS);
    DATE(p, TPCH_L_SHIPDATE);
    DATE(p, TPCH_L_COMMITDATE);
    DATE(p, TPCH_L_RECEIPTDATE);
    STRING(p, TPCH_L_SHIPINSTRUCT);
    STRING(p, TPCH_L_SHIPMODE);
    STRING(p, TPCH_L_COMMENT);
    return p;
}

static char *format_nation(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_N_NATIONKEY);
    STRING(p, TPCH_N_NAME);
    INT(p, TPCH_N_REGIONKEY);
    STRING(p, TPCH_N_COMMENT);
    return p;
}

static char *format_region(const tpch_column *c, size_t i, char *p)
{
    INT(p, TPCH_R_REGIONKEY);
    STRING(p, TPCH_R_NAME);
    STRING(p, TPCH_R_COMMENT);
    return p;
}

typedef char *(*row_formatter)(const tpch_column *c, size_t i, char *p);

static const row_formatter formatters[TPCH_TABLE_COUNT] = {
    [TPCH_PART] = format_part,         [TPCH_PARTSUPP] = format_partsupp,
    [TPCH_SUPPLIER] = format_supplier, [TPCH_CUSTOMER] = format_customer,
    [TPCH_ORDERS] = format_orders,     [TPCH_LINEITEM] = format_lineitem,
    [TPCH_NATION] = format_nation,     [TPCH_REGION] = format_region,
};

size_t tpch_format_rows(const tpch_batch *b, size_t *row, char *out, size_t out_capacity)
{
    if (out_capacity < TPCH_FORMAT_MAX_ROW_BYTES || (unsigned)b->table >= TPCH_TABLE_COUNT)
        return 0;
    pthread_once(&date_table_once, build_date_table);
    const row_formatter format = formatters[b->table];
    const tpch_column *c = b->columns;
    char *p = out;
    const char *last_start = out + (out_capacity - TPCH_FORMAT_MAX_ROW_BYTES);
    /* Every table ends with its comment, a random slice of the 300 MiB text pool: fetch it a
     * few rows ahead. */
    const tpch_str *comments = c[b->column_count - 1].str;
    size_t i = *row;
    while (i < b->rows && p <= last_start) {
        if (i + PREFETCH_ROWS < b->rows) {
            __builtin_prefetch(comments[i + PREFETCH_ROWS].ptr);
            __builtin_prefetch(comments[i + PREFETCH_ROWS].ptr + comments[i + PREFETCH_ROWS].len);
        }
        p = format(c, i++, p);
        *p++ = '\n';
    }
    *row = i;
    return (size_t)(p - out);
}
