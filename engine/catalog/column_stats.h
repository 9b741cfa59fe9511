/* Per-column statistics kept in the catalog: min and max, NULL count, and a distinct-count
 * estimate from a HyperLogLog sketch. Every load computes them for the rows it adds (each rank
 * for its slice: min/max/NULLs from the blocks' zone maps, the sketch by hashing every value);
 * the leader merges the ranks' and the table's earlier ones and stores the merged sketch, so a
 * later load adds its rows to the estimate without rescanning the table.
 *
 * The sketch: 2^14 registers of 6 bits in use (one byte each in memory), 64-bit hashes (the
 * exec hash kernels: equal values hash alike on every rank), estimated with Ertl's improved
 * estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which
 * needs no bias tables and is unbiased from 0 to 2^50 distinct values: relative standard
 * error 1.04/sqrt(2^14) = 0.8%, and near exact below a few thousand values. */
#ifndef SHOAL_ENGINE_COLUMN_STATS_H
#define SHOAL_ENGINE_COLUMN_STATS_H

#include "engine/core/types.h"
#include "runtime/serialize.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOAL_HLL_PRECISION 14
#define SHOAL_HLL_REGISTERS (1u << SHOAL_HLL_PRECISION)
#define SHOAL_STATS_STRING_PREFIX 32 /* bytes of a string min/max kept (as zone maps do) */

/* How min and max are held, by the column's physical type. */
typedef enum shoal_stats_kind {
    SHOAL_STATS_INT = 1, /* integers, booleans, dates (days), timestamps (microseconds), decimals
                          * up to 18 digits (the unscaled integer: 12.34 in DECIMAL(15,2) is 1234) */
    SHOAL_STATS_INT128,  /* wider decimals (unscaled) */
    SHOAL_STATS_FLOAT,   /* REAL, DOUBLE (NaN never counts as min or max) */
    SHOAL_STATS_STRING   /* CHAR, VARCHAR: bytewise order, first SHOAL_STATS_STRING_PREFIX bytes */
} shoal_stats_kind;

typedef union shoal_stats_value {
    int64_t i64;
    shoal_int128 i128;
    double f64;
} shoal_stats_value;

typedef struct shoal_column_stats {
    uint8_t kind;                /* shoal_stats_kind */
    bool has_range;              /* min/max are set: some value was neither NULL nor NaN */
    bool min_truncated;          /* strings: min is a prefix of the smallest value (still <= it) */
    bool max_truncated;          /* strings: every value's first max_len bytes are <= max_str */
    shoal_stats_value min, max;  /* INT, INT128, FLOAT */
    uint8_t min_len, max_len;    /* STRING */
    char min_str[SHOAL_STATS_STRING_PREFIX], max_str[SHOAL_STATS_STRING_PREFIX];
    uint64_t rows;               /* rows described (the table's, one copy for DISTSTYLE ALL) */
    uint64_t null_count;
    uint64_t distinct_estimate;  /* distinct non-NULL values (estimate; at most rows - null_count) */
    uint8_t *hll;                /* SHOAL_HLL_REGISTERS registers (owned; NULL: none kept) */
} shoal_column_stats;

/* ---- the sketch ---- */

/* Adds one hashed value (register = top 14 bits, rank = 1 + leading zeros of the other 50). */
static inline void shoal_hll_add(uint8_t *registers, uint64_t hash)
{
    uint32_t index = (uint32_t)(hash >> (64 - SHOAL_HLL_PRECISION));
    uint64_t rest = (hash << SHOAL_HLL_PRECISION) | ((uint64_t)1 << (SHOAL_HLL_PRECISION - 1));
    uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
    if (rank > registers[index]) registers[index] = rank;
}
/* Adds n hashes, skipping rows whose validity bit is clear (validity may be NULL). */
void shoal_hll_add_hashes(uint8_t *registers, const uint64_t *hashes, uint32_t n, const uint64_t *validity);
void shoal_hll_merge(uint8_t *dst, const uint8_t *src);
double shoal_hll_estimate(const uint8_t *registers);

/* ---- stats ---- */

/* Empty stats for a column of type t (no rows, no sketch). */
void shoal_column_stats_init(shoal_column_stats *s, shoal_type t);
void shoal_column_stats_free(shoal_column_stats *s);
void shoal_column_stats_copy(shoal_column_stats *dst, const shoal_column_stats *src);
/* Registers, allocated zeroed when missing. */
uint8_t *shoal_column_stats_sketch(shoal_column_stats *s);
/* Widens dst's range to include src's, adds rows and NULLs, merges the sketches (same kind).
 * rows/nulls are added: for a copy of the same rows (DISTSTYLE ALL slices) merge only the
 * range and sketch and set the counts yourself. */
void shoal_column_stats_merge(shoal_column_stats *dst, const shoal_column_stats *src);
/* Sets min/max from a value range (strings are cut to the prefix and flagged). */
void shoal_column_stats_set_string_range(shoal_column_stats *s, const char *min, uint32_t min_len, bool min_cut,
                                         const char *max, uint32_t max_len, bool max_cut);
/* distinct_estimate from the sketch, clamped to the non-NULL rows. */
void shoal_column_stats_finish(shoal_column_stats *s);
/* min or max as text in the column's type ("" when there is no range; a cut string max ends
 * with "..."). */
void shoal_column_stats_format(const shoal_column_stats *s, shoal_type t, bool max, char *buf, size_t size);

/* A sketch's form: u8 0 (none), or 1 + u32 count + (u16 index, u8 value) per non-empty
 * register (sparse), or 2 + the registers packed at 6 bits (12 KiB), whichever is smaller. */
void shoal_hll_write(shoal_writer *w, const uint8_t *registers /* NULL: none */);
/* *registers: malloc'ed, or NULL for none. False on malformed input. */
bool shoal_hll_read(shoal_reader *r, uint8_t **registers);
/* The summary: kind, flags, min/max, rows, NULLs, estimate (what the catalog file keeps). */
void shoal_column_stats_write_summary(shoal_writer *w, const shoal_column_stats *s);
bool shoal_column_stats_read_summary(shoal_reader *r, shoal_column_stats *s);
/* The wire form (a rank's vote): the summary, then the sketch. False on malformed input
 * (r->failed is set too); s is initialised either way and holds no sketch on failure. */
void shoal_column_stats_write(shoal_writer *w, const shoal_column_stats *s);
bool shoal_column_stats_read(shoal_reader *r, shoal_column_stats *s);

#endif
