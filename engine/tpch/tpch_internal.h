/* Shared internals of the TPC-H generator: the scale rule, dbgen's column constants, the
 * generator state (one per open: no globals, so two tables or chunks can be generated in one
 * process or thread each), and the per-table row makers in tpch_gen_*.c. */
#ifndef SHOAL_TPCH_INTERNAL_H
#define SHOAL_TPCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/tpch/tpch.h"
#include "engine/tpch/tpch_dists.h"
#include "engine/tpch/tpch_rng.h"
#include "engine/tpch/tpch_text.h"

/* dbgen's scale rule. At SF >= 1 every base count is multiplied by the integer part of SF
 * (dbgen truncates -s 1.5 to 1). Below 1, each base count becomes base * (int)(1000 SF) / 1000
 * (at least 1) and the multiplier is 1. Nation and region never scale. */
typedef struct tpch_scale {
    int64_t multiplier;               /* dbgen's "scale" */
    int64_t base[TPCH_TABLE_COUNT];   /* driver rows per unit of multiplier */
} tpch_scale;

void tpch_scale_init(tpch_scale *sc, double sf);

static inline int64_t tpch_scale_rows(const tpch_scale *sc, tpch_table t)
{
    if (t == TPCH_NATION || t == TPCH_REGION)
        return sc->base[t];
    return sc->base[t] * sc->multiplier;
}

/* ---- dbgen's constants ---- */

#define TPCH_SUPPLIERS_PER_PART 4
#define TPCH_MAX_LINES_PER_ORDER 7
/* dbgen's date arithmetic: day 0 is 1992-01-01, which is 8035 days after 1970-01-01. */
#define TPCH_EPOCH_DAYS_1992 8035
#define TPCH_ORDERDATE_SPAN 2406         /* order dates are days 0 .. 2405 */
#define TPCH_CURRENT_DATE_DAY 1263       /* 1995-06-17, dbgen's CURRENTDATE, as a day number */

/* Comment lengths: dbgen draws [avg * 0.4, avg * 1.6] (truncated) for each average. */
#define TPCH_P_COMMENT_MIN 5
#define TPCH_P_COMMENT_MAX 22
#define TPCH_PS_COMMENT_MIN 49
#define TPCH_PS_COMMENT_MAX 198
#define TPCH_S_COMMENT_MIN 25
#define TPCH_S_COMMENT_MAX 100
#define TPCH_C_COMMENT_MIN 29
#define TPCH_C_COMMENT_MAX 116
#define TPCH_O_COMMENT_MIN 19
#define TPCH_O_COMMENT_MAX 78
#define TPCH_L_COMMENT_MIN 10
#define TPCH_L_COMMENT_MAX 43
#define TPCH_NR_COMMENT_MIN 28
#define TPCH_NR_COMMENT_MAX 115
#define TPCH_ADDRESS_MIN 10
#define TPCH_ADDRESS_MAX 40

/* ---- generator state ---- */

typedef struct tpch_line_row {
    int64_t partkey, suppkey, quantity, extendedprice, discount, tax;
    int32_t linenumber, shipdate, commitdate, receiptdate;
    char returnflag, linestatus;
    tpch_str shipinstruct, shipmode, comment;
} tpch_line_row;

typedef struct tpch_order_row {
    int64_t orderkey, custkey, totalprice, clerk;
    int32_t orderdate;
    char orderstatus;
    tpch_str orderpriority, comment;
    int line_count;
    tpch_line_row lines[TPCH_MAX_LINES_PER_ORDER];
} tpch_order_row;

typedef struct tpch_partsupp_row {
    int64_t suppkey, supplycost;
    int32_t availqty;
    tpch_str comment;
} tpch_partsupp_row;

typedef struct tpch_part_row {
    int64_t partkey, retailprice;
    int32_t size, mfgr, brand;
    char name[64];
    uint32_t name_len;
    tpch_str type, container, comment;
    tpch_partsupp_row supps[TPCH_SUPPLIERS_PER_PART];
} tpch_part_row;

struct tpch_gen {
    tpch_table table;       /* what tpch_gen_next_batch fills (the master for pairs) */
    bool with_detail;       /* opened by tpch_gen_open_with_detail */
    tpch_scale scale;
    const tpch_dists *dists;
    const char *pool;
    int64_t next_row;       /* next driver row to generate (1-based) */
    int64_t end_row;        /* one past the chunk's last driver row */
    tpch_stream streams[TPCH_STREAM_COUNT];
    /* lineitem/partsupp rows of the last master row not yet handed out */
    tpch_order_row order;
    tpch_part_row part;
    int detail_next;        /* index of the next detail row to hand out */
    int detail_count;       /* detail rows in order/part; 0 when none pending */
};

/* Row makers: generate driver row `row` from the generator's streams, then move those
 * streams to the next row. */
void tpch_make_order(tpch_gen *g, int64_t row, tpch_order_row *o);
void tpch_make_part(tpch_gen *g, int64_t row, tpch_part_row *p);
void tpch_make_customer(tpch_gen *g, int64_t row, tpch_batch *b, size_t i);
void tpch_make_supplier(tpch_gen *g, int64_t row, tpch_batch *b, size_t i);
void tpch_make_nation(tpch_gen *g, int64_t row, tpch_batch *b, size_t i);
void tpch_make_region(tpch_gen *g, int64_t row, tpch_batch *b, size_t i);

/* Reserves n bytes of the batch's string heap (sized per table at creation). */
char *tpch_batch_reserve(tpch_batch *b, size_t n);

/* Writes the decimal digits of v >= 0, zero-padded to at least min_digits; returns the end. */
char *tpch_put_padded(char *p, int64_t v, int min_digits);

/* dbgen's alphanumeric string (addresses): length in [min_len, max_len], 5 characters per
 * random word, from stream s. Returns the length written to out. */
uint32_t tpch_random_alnum(tpch_stream *s, int min_len, int max_len, char *out);

/* dbgen's phone number for a nation key: "CC-AAA-EEE-NNNN", 15 bytes. */
void tpch_random_phone(tpch_stream *s, int64_t nationkey, char *out);

/* dbgen's part retail price in cents from the part key. */
static inline int64_t tpch_part_retailprice(int64_t partkey)
{
    return 90000 + (partkey / 10) % 20001 + (partkey % 1000) * 100;
}

/* dbgen's supplier of a part: supplier number s (0..3) of part p among total suppliers. */
static inline int64_t tpch_part_supplier(int64_t partkey, int64_t s, int64_t suppliers)
{
    return (partkey + s * (suppliers / TPCH_SUPPLIERS_PER_PART + (partkey - 1) / suppliers)) %
               suppliers + 1;
}

/* dbgen's sparse order keys: of each group of 8 consecutive indexes, keep 8 keys, then leave
 * a gap of 24 (the low 3 bits stay, the rest moves up 2 bits). */
static inline int64_t tpch_order_key(int64_t index)
{
    return ((index >> 3) << 5) | (index & 7);
}

#endif
