/* Random streams of the TPC-H generator: the Park–Miller minimal-standard generator
 * (x' = 16807 x mod 2^31-1), dbgen's per-column seed table, uniform draws computed exactly as
 * dbgen computes them (in double), and jumping a stream ahead by modular exponentiation. */
#ifndef SHOAL_TPCH_RNG_H
#define SHOAL_TPCH_RNG_H

#include <stdint.h>

#define TPCH_RNG_MODULUS 2147483647LL
#define TPCH_RNG_MULTIPLIER 16807LL

/* dbgen's 48 column streams. Each table column draws from its own stream, and every row
 * consumes a fixed budget of draws from it ("draws_per_row": unused draws are skipped), so
 * the stream position of any row is known without generating the rows before it. */
typedef enum tpch_stream_id {
    TPCH_SD_P_MFGR = 0,
    TPCH_SD_P_BRAND = 1,
    TPCH_SD_P_TYPE = 2,
    TPCH_SD_P_SIZE = 3,
    TPCH_SD_P_CONTAINER = 4,
    TPCH_SD_TEXT_POOL = 5,      /* only for building the text pool */
    TPCH_SD_P_COMMENT = 6,
    TPCH_SD_PS_AVAILQTY = 7,
    TPCH_SD_PS_SUPPLYCOST = 8,
    TPCH_SD_PS_COMMENT = 9,
    TPCH_SD_O_UNUSED = 10,      /* reserved by dbgen for orders, never drawn */
    TPCH_SD_O_CLERK = 11,
    TPCH_SD_O_COMMENT = 12,
    TPCH_SD_O_ORDERDATE = 13,
    TPCH_SD_L_QUANTITY = 14,
    TPCH_SD_L_DISCOUNT = 15,
    TPCH_SD_L_TAX = 16,
    TPCH_SD_L_SHIPINSTRUCT = 17,
    TPCH_SD_L_SHIPMODE = 18,
    TPCH_SD_L_PARTKEY = 19,
    TPCH_SD_L_SUPPLIER_NUMBER = 20,
    TPCH_SD_L_SHIPDATE = 21,
    TPCH_SD_L_COMMITDATE = 22,
    TPCH_SD_L_RECEIPTDATE = 23,
    TPCH_SD_L_RETURNFLAG = 24,
    TPCH_SD_L_COMMENT = 25,
    TPCH_SD_C_ADDRESS = 26,
    TPCH_SD_C_NATIONKEY = 27,
    TPCH_SD_C_PHONE = 28,
    TPCH_SD_C_ACCTBAL = 29,
    TPCH_SD_C_MKTSEGMENT = 30,
    TPCH_SD_C_COMMENT = 31,
    TPCH_SD_S_ADDRESS = 32,
    TPCH_SD_S_NATIONKEY = 33,
    TPCH_SD_S_PHONE = 34,
    TPCH_SD_S_ACCTBAL = 35,
    TPCH_SD_S_COMMENT = 36,
    TPCH_SD_P_NAME = 37,
    TPCH_SD_O_ORDERPRIORITY = 38,
    TPCH_SD_UNUSED = 39,        /* reserved by dbgen, never drawn */
    TPCH_SD_O_CUSTKEY = 40,
    TPCH_SD_N_COMMENT = 41,
    TPCH_SD_R_COMMENT = 42,
    TPCH_SD_O_LINECOUNT = 43,
    TPCH_SD_S_BBB_NOISE = 44,   /* supplier "Customer ... Complaints" insertion: gap length */
    TPCH_SD_S_BBB_TYPE = 45,    /* complaint or recommendation */
    TPCH_SD_S_BBB_SELECT = 46,  /* whether this supplier gets one */
    TPCH_SD_S_BBB_OFFSET = 47,  /* where in the comment */
    TPCH_STREAM_COUNT = 48
} tpch_stream_id;

typedef struct tpch_stream_def {
    int64_t seed;          /* value before the first row */
    int64_t draws_per_row; /* dbgen's per-row budget ("boundary") */
} tpch_stream_def;

extern const tpch_stream_def tpch_stream_defs[TPCH_STREAM_COUNT];

/* A stream inside a generator: the value at the start of the current row, the running value,
 * and the multiplier that moves row_start to the next row (16807^draws_per_row). */
typedef struct tpch_stream {
    int64_t value;
    int64_t row_start;
    int64_t row_step;
} tpch_stream;

/* a * b mod (2^31 - 1) for 0 <= a, b < 2^31, without division (the modulus is a Mersenne prime). */
static inline int64_t tpch_rng_mulmod(int64_t a, int64_t b)
{
    uint64_t x = (uint64_t)a * (uint64_t)b;
    uint64_t r = (x & (uint64_t)TPCH_RNG_MODULUS) + (x >> 31);
    r = (r & (uint64_t)TPCH_RNG_MODULUS) + (r >> 31);
    if (r >= (uint64_t)TPCH_RNG_MODULUS)
        r -= (uint64_t)TPCH_RNG_MODULUS;
    return (int64_t)r;
}

/* The next value of the sequence. */
static inline int64_t tpch_rng_next(int64_t value)
{
    return tpch_rng_mulmod(value, TPCH_RNG_MULTIPLIER);
}

/* 16807^n mod (2^31 - 1). */
int64_t tpch_rng_power(int64_t n);

/* The value n steps after value (dbgen's NthElement). */
int64_t tpch_rng_skip(int64_t value, int64_t n);

/* Positions stream s (of kind id) at the start of 1-based row `row`. */
void tpch_stream_init(tpch_stream *s, tpch_stream_id id, int64_t row);

/* Moves the stream to the start of the next row, whatever it drew in this one. */
static inline void tpch_stream_next_row(tpch_stream *s)
{
    s->row_start = tpch_rng_mulmod(s->row_start, s->row_step);
    s->value = s->row_start;
}

/* A uniform integer in [low, high] exactly as dbgen's UnifInt computes it in double:
 * low + (int64_t)((value / (2^31 - 1)) * range). */
static inline int64_t tpch_rng_uniform_double(int64_t value, int64_t low, int64_t high)
{
    double range = (double)(high - low + 1);
    return low + (int64_t)(((double)value / (double)TPCH_RNG_MODULUS) * range);
}

/* The same value as tpch_rng_uniform_double, computed faster. With x = value * range, the double result is floor(x / M)
 * (M = 2^31 - 1) unless x / M lies within rounding error of an integer: the double expression
 * is off from the exact quotient by less than range * 2^-52 < 2^-22 for range < 2^30, i.e. by
 * less than 512 / M. So when the remainder x mod M is at least 4096 away from 0 and M the
 * integer quotient is dbgen's answer; otherwise (about 4 draws in a million) we compute
 * dbgen's double expression itself. The integer path shortens the latency of picks that
 * steer the text grammar. */
static inline int64_t tpch_rng_uniform(int64_t value, int64_t low, int64_t high)
{
    uint64_t range = (uint64_t)(high - low + 1);
    if (range < ((uint64_t)1 << 30)) {
        /* x = hi 2^31 + lo = hi M + (hi + lo) with hi < 2^30, so hi + lo < 2 M: the quotient
         * is hi or hi + 1. */
        uint64_t x = (uint64_t)value * range;
        uint64_t q = x >> 31;
        uint64_t r = q + (x & (uint64_t)TPCH_RNG_MODULUS);
        uint64_t carry = r >= (uint64_t)TPCH_RNG_MODULUS;
        q += carry;
        r -= carry * (uint64_t)TPCH_RNG_MODULUS;
        if (r >= 4096 && r <= (uint64_t)TPCH_RNG_MODULUS - 4096)
            return low + (int64_t)q;
    }
    return tpch_rng_uniform_double(value, low, high);
}

/* Draws the stream's next value and maps it to [low, high] as dbgen does. */
static inline int64_t tpch_stream_uniform(tpch_stream *s, int64_t low, int64_t high)
{
    s->value = tpch_rng_next(s->value);
    return tpch_rng_uniform(s->value, low, high);
}

/* dbgen's draw of a "random word" for alphanumeric strings: UnifInt(0, 2^31 - 1), whose range
 * dbgen computes in 32-bit arithmetic, where 2^31 - 1 - 0 + 1 wraps to -2^31. The result is
 * therefore in (-2^31, 0]; callers take 6 bits at a time with arithmetic shifts. */
static inline int64_t tpch_stream_alnum_word(tpch_stream *s)
{
    s->value = tpch_rng_next(s->value);
    return (int64_t)(((double)s->value / (double)TPCH_RNG_MODULUS) * -2147483648.0);
}

#endif
