/* Zone maps: per block row count, NULL count and min/max of the non-NULL values, and the
 * check a scan uses to skip blocks: given a zone map and a simple predicate (column op
 * constant), "cannot match" or "may match". Every answer errs towards "may match". */
#ifndef SHOAL_STORAGE_ZONE_MAP_H
#define SHOAL_STORAGE_ZONE_MAP_H

#include "engine/core/types.h"
#include "runtime/serialize.h"

#include <stdbool.h>
#include <stdint.h>

/* Strings keep at most this many bytes of min and max. A longer min is cut to a prefix, which
 * is still a lower bound; a longer max is cut to a prefix P and flagged: every value then has a
 * first-|P|-bytes prefix <= P, so "all values < c" holds exactly when P < c[0..|P|). */
#define SHOAL_ZONE_STRING_PREFIX 32

enum {
    SHOAL_ZONE_HAS_RANGE = 0x01,     /* min/max are set (some non-NULL, non-NaN value) */
    SHOAL_ZONE_ALL_NULL = 0x02,      /* rows > 0 and every value is NULL */
    SHOAL_ZONE_MIN_TRUNCATED = 0x04, /* strings: min is a prefix of the real min */
    SHOAL_ZONE_MAX_TRUNCATED = 0x08, /* strings: max is a prefix of the real max */
    SHOAL_ZONE_HAS_NAN = 0x10,       /* floats: some value is NaN (not in min/max) */
    SHOAL_ZONE_FLAGS_ALL = 0x1f
};

typedef union shoal_zone_value {
    int64_t i64;       /* U8, I16, I32, I64 (widened) */
    shoal_int128 i128; /* I128 */
    double f64;        /* F32 (widened exactly), F64 */
} shoal_zone_value;

typedef struct shoal_zone_map {
    uint8_t physical; /* shoal_physical of the column */
    uint8_t flags;
    uint8_t min_len, max_len; /* strings: bytes used in min_str / max_str */
    uint32_t rows, nulls;
    shoal_zone_value min, max; /* non-strings */
    char min_str[SHOAL_ZONE_STRING_PREFIX], max_str[SHOAL_ZONE_STRING_PREFIX];
} shoal_zone_map;

/* An empty zone map (no rows) for a physical type. */
void shoal_zone_map_init(shoal_zone_map *zm, shoal_physical physical);
/* Sets min/max of a string zone map from full values (cuts and flags long ones). */
void shoal_zone_map_set_strings(shoal_zone_map *zm, shoal_string min, shoal_string max);
/* Merges b into a (same physical type): the zone map of the concatenation. */
void shoal_zone_map_merge(shoal_zone_map *a, const shoal_zone_map *b);

/* Serialized form (little-endian): u8 physical, u8 flags, u32 rows, u32 nulls, then when
 * HAS_RANGE: min and max, each i64 (8 bytes) for U8/I16/I32/I64, i128 (16) for I128, f64 (8)
 * for F32/F64, or u8 length + bytes for strings. */
void shoal_zone_map_write(const shoal_zone_map *zm, shoal_writer *w);
/* Reads and validates one (its physical type must be `physical`); false when malformed. */
bool shoal_zone_map_read(shoal_reader *r, shoal_physical physical, shoal_zone_map *zm);

/* ---- predicates ---- */

typedef enum shoal_zone_op {
    SHOAL_ZONE_EQ = 1,
    SHOAL_ZONE_NE,
    SHOAL_ZONE_LT,
    SHOAL_ZONE_LE,
    SHOAL_ZONE_GT,
    SHOAL_ZONE_GE,
    SHOAL_ZONE_BETWEEN, /* lo <= col <= hi */
    SHOAL_ZONE_IS_NULL,
    SHOAL_ZONE_IS_NOT_NULL
} shoal_zone_op;

typedef enum shoal_zone_const_kind {
    SHOAL_ZONE_CONST_I64 = 1, /* integer-backed columns: ints, dates, timestamps, decimals
                               * (already scaled to the column's scale), booleans */
    SHOAL_ZONE_CONST_I128,    /* 128-bit decimals (an I64 constant works too) */
    SHOAL_ZONE_CONST_F64,     /* REAL, DOUBLE */
    SHOAL_ZONE_CONST_STRING   /* CHAR, VARCHAR: binary (memcmp) order */
} shoal_zone_const_kind;

typedef struct shoal_zone_const {
    uint8_t kind; /* shoal_zone_const_kind */
    union {
        int64_t i64;
        shoal_int128 i128;
        double f64;
        shoal_string str;
    } v;
} shoal_zone_const;

/* `column` is the table's column number (0-based). BETWEEN uses lo and hi, other comparisons
 * lo only, IS [NOT] NULL neither. A constant of a kind that does not fit the column's type
 * (say a string against an integer column) never prunes. */
typedef struct shoal_zone_pred {
    int column;
    uint8_t op; /* shoal_zone_op */
    shoal_zone_const lo, hi;
} shoal_zone_pred;

/* False only when no row of the block can satisfy the predicate. NULLs never satisfy a
 * comparison (SQL), so an all-NULL block is ruled out by every predicate but IS NULL. */
bool shoal_zone_may_match(const shoal_zone_map *zm, const shoal_zone_pred *pred);

/* Constants and predicates (the string constant points at the caller's bytes). */
shoal_zone_const shoal_zone_const_i64(int64_t v);
shoal_zone_const shoal_zone_const_i128(shoal_int128 v);
shoal_zone_const shoal_zone_const_f64(double v);
shoal_zone_const shoal_zone_const_str(const char *s, uint32_t len);
shoal_zone_pred shoal_zone_pred_make(int column, shoal_zone_op op, shoal_zone_const value);
shoal_zone_pred shoal_zone_pred_between(int column, shoal_zone_const lo, shoal_zone_const hi);
shoal_zone_pred shoal_zone_pred_null(int column, bool is_null); /* IS NULL / IS NOT NULL */

#endif
