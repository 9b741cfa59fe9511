/* Unit tests of the TPC-H generator library: the random-stream primitives, the embedded
 * distributions, the text pool, scale and chunk rules, the formatter, and generated rows
 * compared with lines copied from dbgen's own SF0.01 / SF0.1 output (expected data below). */
#include <CUnit/Basic.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tpch/tpch.h"
#include "engine/tpch/tpch_dists.h"
#include "engine/tpch/tpch_format.h"
#include "engine/tpch/tpch_rng.h"
#include "engine/tpch/tpch_text.h"

/* ---- helpers ---- */

/* Formats row `index` (0-based, counted within the chunk; lineitem/partsupp count detail
 * rows) of chunk k of n of a table, read through batches of `batch_rows`. */
static void generated_line(tpch_table table, double sf, int k, int n, int64_t index,
                           size_t batch_rows, char *out, size_t out_size)
{
    char err[256];
    out[0] = '\0';
    tpch_gen *g = tpch_gen_open(table, sf, k, n, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    tpch_batch *b = tpch_batch_create(table, batch_rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    int64_t seen = 0;
    size_t rows;
    while ((rows = tpch_gen_next_batch(g, b, batch_rows)) > 0) {
        if (index < seen + (int64_t)rows) {
            char buffer[2 * TPCH_FORMAT_MAX_ROW_BYTES];
            size_t row = (size_t)(index - seen);
            b->rows = row + 1;
            size_t len = tpch_format_rows(b, &row, buffer, sizeof buffer);
            CU_ASSERT_FATAL(len > 0 && len < out_size);
            memcpy(out, buffer, len - 1); /* without the newline */
            out[len - 1] = '\0';
            break;
        }
        seen += (int64_t)rows;
    }
    tpch_batch_destroy(b);
    tpch_gen_close(g);
}

static void check_line(tpch_table table, double sf, int k, int n, int64_t index,
                       const char *expected)
{
    char line[TPCH_FORMAT_MAX_ROW_BYTES];
    generated_line(table, sf, k, n, index, 1000, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, expected);
    if (strcmp(line, expected) != 0)
        fprintf(stderr, "\n  got:      %s\n  expected: %s\n", line, expected);
    /* the same row read through tiny batches (lines of one order span batches) */
    generated_line(table, sf, k, n, index, 3, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, expected);
}

/* FNV-1a over all formatted rows of a batch. */
static uint64_t hash_batch(uint64_t h, const tpch_batch *b)
{
    static char buffer[1 << 20];
    size_t row = 0;
    while (row < b->rows) {
        size_t len = tpch_format_rows(b, &row, buffer, sizeof buffer);
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)buffer[i]) * 1099511628211ULL;
    }
    return h;
}

static uint64_t hash_table(tpch_table table, double sf, int k, int n, size_t batch_rows,
                           int64_t *rows_out)
{
    char err[256];
    tpch_gen *g = tpch_gen_open(table, sf, k, n, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    tpch_batch *b = tpch_batch_create(table, batch_rows);
    uint64_t h = 1469598103934665603ULL;
    int64_t rows = 0;
    while (tpch_gen_next_batch(g, b, batch_rows) > 0) {
        h = hash_batch(h, b);
        rows += (int64_t)b->rows;
    }
    tpch_batch_destroy(b);
    tpch_gen_close(g);
    if (rows_out)
        *rows_out = rows;
    return h;
}

/* ---- random streams ---- */

static void test_rng_sequence_is_park_miller(void)
{
    CU_ASSERT_EQUAL(tpch_rng_next(1), 16807);
    CU_ASSERT_EQUAL(tpch_rng_next(16807), 282475249);
    CU_ASSERT_EQUAL(tpch_rng_next(282475249), 1622650073);
    int64_t v = 1;
    for (int i = 0; i < 10000; i++)
        v = tpch_rng_next(v);
    CU_ASSERT_EQUAL(v, 1043618065); /* Park & Miller's published check value */
    CU_ASSERT_EQUAL(tpch_rng_mulmod(TPCH_RNG_MODULUS - 1, TPCH_RNG_MODULUS - 1), 1);
}

static void test_rng_skip_equals_stepping(void)
{
    const int64_t counts[] = {0, 1, 2, 7, 14, 92, 1000, 123457};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        int64_t v = 1841581359;
        for (int64_t i = 0; i < counts[c]; i++)
            v = tpch_rng_next(v);
        CU_ASSERT_EQUAL(tpch_rng_skip(1841581359, counts[c]), v);
    }
    CU_ASSERT_EQUAL(tpch_rng_power(0), 1);
    CU_ASSERT_EQUAL(tpch_rng_power(TPCH_RNG_MODULUS - 1), 1); /* Fermat */
    CU_ASSERT_EQUAL(tpch_rng_power(1), TPCH_RNG_MULTIPLIER);
}

static void test_rng_integer_uniform_matches_double(void)
{
    const int64_t ranges[] = {1, 2, 4, 5, 7, 10, 25, 50, 92, 121, 1000, 9999, 99901, 1099999,
                              150000, 1500000, 314572800 - 43 + 1, 314572800 - 198 + 1,
                              (1 << 30) - 1, 1 << 30, 3000000000LL};
    int64_t mismatches = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        int64_t range = ranges[r];
        int64_t v = 46831694;
        for (int i = 0; i < 200000; i++) {
            v = tpch_rng_next(v);
            mismatches += tpch_rng_uniform(v, 3, 3 + range - 1) !=
                          tpch_rng_uniform_double(v, 3, 3 + range - 1);
        }
        /* values right at the rounding boundaries q * M / range */
        for (int64_t q = 1; q < range && q < 20000; q += range / 20000 + 1) {
            int64_t at = (int64_t)((__int128)q * TPCH_RNG_MODULUS / range);
            for (int64_t w = at - 3; w <= at + 3; w++)
                if (w > 0 && w < TPCH_RNG_MODULUS)
                    mismatches += tpch_rng_uniform(w, 0, range - 1) !=
                                  tpch_rng_uniform_double(w, 0, range - 1);
        }
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void test_rng_stream_rows(void)
{
    /* a stream placed at row r is where r - 1 rows of its budget leave it */
    const tpch_stream_id ids[] = {TPCH_SD_P_NAME, TPCH_SD_L_COMMENT, TPCH_SD_C_ADDRESS,
                                  TPCH_SD_O_CUSTKEY};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        tpch_stream walked, placed;
        tpch_stream_init(&walked, ids[k], 1);
        for (int row = 1; row < 500; row++) {
            (void)tpch_stream_uniform(&walked, 1, 10); /* draws within a row do not matter */
            tpch_stream_next_row(&walked);
        }
        tpch_stream_init(&placed, ids[k], 500);
        CU_ASSERT_EQUAL(walked.value, placed.value);
        CU_ASSERT_EQUAL(walked.value,
                        tpch_rng_skip(tpch_stream_defs[ids[k]].seed,
                                      499 * tpch_stream_defs[ids[k]].draws_per_row));
    }
    /* dbgen's first part is made by Manufacturer#1 (seed 1: first draw 16807) */
    tpch_stream s;
    tpch_stream_init(&s, TPCH_SD_P_MFGR, 1);
    CU_ASSERT_EQUAL(tpch_stream_uniform(&s, 1, 5), 1);
    CU_ASSERT_EQUAL(s.value, 16807);
}

static void test_rng_alnum_word_is_negative(void)
{
    tpch_stream s;
    tpch_stream_init(&s, TPCH_SD_C_ADDRESS, 1);
    for (int i = 0; i < 1000; i++) {
        int64_t w = tpch_stream_alnum_word(&s);
        CU_ASSERT(w <= 0 && w > -2147483648LL);
    }
}

/* ---- distributions and text ---- */

static void test_dists_embedded_lists(void)
{
    const tpch_dists *d = tpch_dists_get();
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->colors.count, 92);
    CU_ASSERT_EQUAL(d->part_types.count, 150);
    CU_ASSERT_EQUAL(d->containers.count, 40);
    CU_ASSERT_EQUAL(d->nations.count, 25);
    CU_ASSERT_EQUAL(d->regions.count, 5);
    CU_ASSERT_EQUAL(d->segments.count, 5);
    CU_ASSERT_EQUAL(d->priorities.count, 5);
    CU_ASSERT_EQUAL(d->instructions.count, 4);
    CU_ASSERT_EQUAL(d->ship_modes.count, 7);
    CU_ASSERT_EQUAL(d->grammar.count, 5);
    CU_ASSERT_STRING_EQUAL(d->nations.entries[24].text, "UNITED STATES");
    CU_ASSERT_STRING_EQUAL(d->prepositions.entries[33].text, "over"); /* "over|1 " */
    /* a nation's region key is its running weight */
    const int regions[25] = {0, 1, 1, 1, 4, 0, 3, 3, 2, 2, 4, 4, 2, 4, 0, 0, 0, 1, 2, 3, 4, 2, 3, 3, 1};
    for (int i = 0; i < 25; i++)
        CU_ASSERT_EQUAL(d->nations.entries[i].cumulative_weight, regions[i]);
    /* the O(1) pick agrees with dbgen's linear search for every weight */
    const tpch_dist *nouns = &d->nouns;
    for (int32_t w = 1; w <= nouns->total_weight; w++) {
        int i = 0;
        while (nouns->entries[i].cumulative_weight < w)
            i++;
        CU_ASSERT_EQUAL(nouns->entry_of_weight[w], i);
    }
    /* "J, J N": adjective plus comma, adjective, noun */
    const tpch_phrase_form *f = &d->noun_phrase_forms[2];
    CU_ASSERT_STRING_EQUAL(d->noun_phrases.entries[2].text, "J, J N");
    CU_ASSERT_EQUAL(f->count, 3);
    CU_ASSERT_EQUAL(f->tokens[0].punctuation, ',');
    CU_ASSERT_PTR_EQUAL(f->tokens[2].words, &d->nouns);
}

static void test_text_pool(void)
{
    const char *pool = tpch_text_pool();
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
    CU_ASSERT_PTR_EQUAL(tpch_text_pool(), pool); /* built once */
    CU_ASSERT_EQUAL(pool[TPCH_TEXT_POOL_SIZE], '\0');
    CU_ASSERT_EQUAL(memchr(pool, '\0', TPCH_TEXT_POOL_SIZE), NULL);
    /* the pool starts with the first sentence of stream 5 */
    const tpch_dists *d = tpch_dists_get();
    tpch_stream s;
    tpch_stream_init(&s, TPCH_SD_TEXT_POOL, 1);
    char sentence[512];
    size_t len = tpch_text_sentence(d, &s, sentence);
    CU_ASSERT(len > 0 && len < 256);
    CU_ASSERT_NSTRING_EQUAL(pool, sentence, len);
    CU_ASSERT_EQUAL(pool[len], ' ');
    CU_ASSERT(strchr(".;:?!-", sentence[len - 1]) != NULL);
    /* customer 1's comment in dbgen's SF0.01 file is the pool slice its stream points at */
    tpch_stream_init(&s, TPCH_SD_C_COMMENT, 1);
    tpch_str comment = tpch_text_comment(pool, &s, 29, 116);
    const char *expected = "to the even, regular platelets. regular, ironic epitaphs nag e";
    CU_ASSERT_EQUAL(comment.len, strlen(expected));
    CU_ASSERT_NSTRING_EQUAL(comment.ptr, expected, strlen(expected));
}

/* The pieces rebuild the pool byte for byte: each one on its own (built in reverse order, so
 * a piece never relies on the one before it, and checked before the next one scribbles on
 * its first bytes), and all of them in order into one buffer that then becomes a pool. */
static void test_text_pool_pieces(void)
{
    const char *pool = tpch_text_pool();
    CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
    char *buf = tpch_text_pool_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    size_t covered = 0;
    for (int p = TPCH_TEXT_POOL_PIECES - 1; p >= 0; p--) {
        size_t offset, length;
        tpch_text_pool_piece_range(p, &offset, &length);
        CU_ASSERT(tpch_text_pool_build_piece(buf, p));
        CU_ASSERT(length > 0);
        CU_ASSERT(memcmp(buf + offset, pool + offset, length) == 0);
        if (p > 0)
            CU_ASSERT_EQUAL(pool[offset - 1], ' '); /* a piece starts a sentence */
        covered += length;
    }
    CU_ASSERT_EQUAL(covered, (size_t)TPCH_TEXT_POOL_SIZE);
    for (int p = 0; p < TPCH_TEXT_POOL_PIECES; p++)
        tpch_text_pool_build_piece(buf, p);
    CU_ASSERT(memcmp(buf, pool, (size_t)TPCH_TEXT_POOL_SIZE + 1) == 0);
    CU_ASSERT(tpch_text_pool_built());
    tpch_text_pool_install(buf); /* a pool exists: the buffer is freed, the pool stays */
    CU_ASSERT_PTR_EQUAL(tpch_text_pool(), pool);
}

/* ---- scale, chunks, names ---- */

static void test_scale_row_counts(void)
{
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_CUSTOMER, 0.01), 1500);
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_ORDERS, 0.01), 15000);
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_LINEITEM, 0.1), 150000); /* orders */
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_PARTSUPP, 0.1), 20000);  /* parts */
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_SUPPLIER, 1), 10000);
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_PART, 1.5), 200000);     /* dbgen truncates */
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_ORDERS, 10), 15000000);
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_NATION, 100), 25);
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_REGION, 0.01), 5);
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_SUPPLIER, 0.0001), 1);   /* at least one */
    CU_ASSERT_EQUAL(tpch_driver_row_count(TPCH_CUSTOMER, 0.005), 750);
}

static void test_chunk_rule(void)
{
    int64_t first, count;
    tpch_chunk_rows(TPCH_CUSTOMER, 0.01, 1, 7, &first, &count);
    CU_ASSERT(first == 1 && count == 214);
    tpch_chunk_rows(TPCH_CUSTOMER, 0.01, 6, 7, &first, &count);
    CU_ASSERT(first == 1071 && count == 214);
    tpch_chunk_rows(TPCH_CUSTOMER, 0.01, 7, 7, &first, &count);
    CU_ASSERT(first == 1285 && count == 216); /* the last chunk takes the remainder */
    tpch_chunk_rows(TPCH_LINEITEM, 0.01, 2, 4, &first, &count);
    CU_ASSERT(first == 3751 && count == 3750); /* in orders */
    tpch_chunk_rows(TPCH_NATION, 1, 1, 3, &first, &count);
    CU_ASSERT(first == 1 && count == 25);
    tpch_chunk_rows(TPCH_REGION, 1, 2, 3, &first, &count);
    CU_ASSERT_EQUAL(count, 0);
    tpch_chunk_rows(TPCH_SUPPLIER, 0.0001, 1, 2, &first, &count); /* 1 row, 2 chunks */
    CU_ASSERT_EQUAL(count, 0);
    tpch_chunk_rows(TPCH_SUPPLIER, 0.0001, 2, 2, &first, &count);
    CU_ASSERT(first == 1 && count == 1);
}

static void test_parse_scale_factor(void)
{
    char err[256];
    double sf = 0;
    CU_ASSERT_EQUAL(tpch_parse_scale_factor("0.01", &sf, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(sf, 0.01, 1e-12);
    CU_ASSERT_EQUAL(tpch_parse_scale_factor("100", &sf, err, sizeof err), 0);
    const char *bad[] = {"0", "-1", "", "abc", "1x", "nan", "inf", "30000", "1e300"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CU_ASSERT_EQUAL(tpch_parse_scale_factor(bad[i], &sf, err, sizeof err), -1);
        CU_ASSERT(err[0] != '\0');
    }
}

static void test_table_names(void)
{
    tpch_table t;
    CU_ASSERT(tpch_table_from_name("lineitem", &t) == 0 && t == TPCH_LINEITEM);
    CU_ASSERT(tpch_table_from_name("L", &t) == 0 && t == TPCH_LINEITEM);
    CU_ASSERT(tpch_table_from_name("s", &t) == 0 && t == TPCH_SUPPLIER);
    CU_ASSERT(tpch_table_from_name("S", &t) == 0 && t == TPCH_PARTSUPP);
    CU_ASSERT(tpch_table_from_name("Orders", &t) == 0 && t == TPCH_ORDERS);
    CU_ASSERT_EQUAL(tpch_table_from_name("x", &t), -1);
    CU_ASSERT_EQUAL(tpch_table_from_name("lineitems", &t), -1);
    CU_ASSERT_EQUAL(tpch_table_get_info(TPCH_LINEITEM)->column_count, 16);
    CU_ASSERT_STRING_EQUAL(tpch_table_get_info(TPCH_PART)->file_name, "part.tbl");
    CU_ASSERT_PTR_NULL(tpch_table_get_info(TPCH_TABLE_COUNT));
}

/* ---- formatting ---- */

static void test_format_values(void)
{
    char buf[64];
    *tpch_format_decimal(buf, 0) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "0.00");
    *tpch_format_decimal(buf, 5) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "0.05");
    *tpch_format_decimal(buf, -5) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "-0.05");
    *tpch_format_decimal(buf, -27260) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "-272.60");
    *tpch_format_decimal(buf, 55795000) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "557950.00");
    *tpch_format_int(buf, 0) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "0");
    *tpch_format_int(buf, 1234567890123LL) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "1234567890123");
    *tpch_format_int(buf, INT64_MIN) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "-9223372036854775808");
    *tpch_format_date(buf, 8035) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "1992-01-01");
    *tpch_format_date(buf, 9298) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "1995-06-17"); /* dbgen's current date */
    *tpch_format_date(buf, 10591) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "1998-12-31");
    *tpch_format_date(buf, 11016) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "2000-02-29");
    *tpch_format_date(buf, -1) = '\0';
    CU_ASSERT_STRING_EQUAL(buf, "1969-12-31");
}

static void test_format_respects_capacity(void)
{
    char err[256];
    tpch_gen *g = tpch_gen_open(TPCH_REGION, 1, 1, 1, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    tpch_batch *b = tpch_batch_create(TPCH_REGION, 10);
    CU_ASSERT_EQUAL(tpch_gen_next_batch(g, b, 10), 5);
    static char out[3 * TPCH_FORMAT_MAX_ROW_BYTES];
    size_t row = 0;
    CU_ASSERT_EQUAL(tpch_format_rows(b, &row, out, TPCH_FORMAT_MAX_ROW_BYTES - 1), 0);
    CU_ASSERT_EQUAL(row, 0);
    size_t len = tpch_format_rows(b, &row, out, TPCH_FORMAT_MAX_ROW_BYTES);
    CU_ASSERT_EQUAL(row, 1);
    CU_ASSERT(len > 0 && out[len - 1] == '\n');
    CU_ASSERT_NSTRING_EQUAL(out, "0|AFRICA|lar deposits. blithely final packages cajole.", 54);
    tpch_batch_destroy(b);
    tpch_gen_close(g);
}

/* ---- generated rows against dbgen's files ---- */

static void test_rows_customer(void)
{
    check_line(TPCH_CUSTOMER, 0.01, 1, 1, 0,
               "1|Customer#000000001|IVhzIApeRb ot,c,E|15|25-989-741-2988|711.56|BUILDING|to the "
               "even, regular platelets. regular, ironic epitaphs nag e|");
    check_line(TPCH_CUSTOMER, 0.01, 1, 1, 10,
               "11|Customer#000000011|PkWS 3HlXqwTuzrKg633BEi|23|33-464-151-3439|-272.60|BUILDING|"
               "ckages. requests sleep slyly. quickly even pinto beans promise above the slyly "
               "regular pinto beans. |");
    /* first row of chunk 2 of 3 (rows 501..1000), last row of chunk 3 */
    check_line(TPCH_CUSTOMER, 0.01, 2, 3, 0,
               "501|Customer#000000501|lzkYA5C6wa,wX|13|23-867-672-1331|1909.35|FURNITURE|ual "
               "deposits wake. quickly ironic platelets along the careful deposits haggle|");
    check_line(TPCH_CUSTOMER, 0.01, 3, 3, 499,
               "1500|Customer#000001500|4zaoUzuWUTNFiNPbmu43|5|15-200-872-4790|6910.79|MACHINERY|s "
               "boost blithely above the fluffily ironic dolphins! ironic accounts|");
}

static void test_rows_orders(void)
{
    check_line(TPCH_ORDERS, 0.01, 1, 1, 0,
               "1|370|O|172799.49|1996-01-02|5-LOW|Clerk#000000951|0|nstructions sleep furiously "
               "among |");
    /* order 7501 has the sparse key 29989 and opens chunk 2 of 2 */
    check_line(TPCH_ORDERS, 0.01, 2, 2, 0,
               "29989|430|F|28062.96|1994-07-25|4-NOT SPECIFIED|Clerk#000000701|0|le. final "
               "accounts of the furiously final t|");
    check_line(TPCH_ORDERS, 0.01, 4, 4, 3749,
               "60000|1426|P|299401.61|1995-04-21|2-HIGH|Clerk#000000194|0|usual frets use "
               "alongside of the furiou|");
}

static void test_rows_lineitem(void)
{
    /* order 7's lines are lineitem rows 19..21 */
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 18,
               "7|1821|51|1|12|20673.84|0.07|0.03|N|O|1996-05-07|1996-03-13|1996-06-03|TAKE BACK "
               "RETURN|FOB|ss pinto beans wake against th|");
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 20,
               "7|948|17|3|46|85051.24|0.10|0.07|N|O|1996-01-15|1996-03-27|1996-02-03|COLLECT "
               "COD|MAIL| unusual reques|");
    /* returned (R) and accepted (A) lines, and a line shipped before but received after
     * 1995-06-17 (N|F) */
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 7,
               "3|43|19|1|45|42436.80|0.06|0.00|R|F|1994-02-02|1994-01-04|1994-02-23|NONE|AIR|"
               "ongside of the furiously brave acco|");
    /* the same line at SF0.1: ten times the parts, so another part and supplier */
    check_line(TPCH_LINEITEM, 0.1, 1, 1, 7,
               "3|430|181|1|45|59869.35|0.06|0.00|R|F|1994-02-02|1994-01-04|1994-02-23|NONE|AIR|"
               "ongside of the furiously brave acco|");
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 9,
               "3|1285|60|3|27|32029.56|0.06|0.07|A|F|1994-01-16|1993-11-22|1994-01-23|DELIVER IN "
               "PERSON|SHIP|nal foxes wake. |");
    /* right at dbgen's current date, 1995-06-17: received that day is R/A, the day after N;
     * shipped that day is F, the day after O */
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 4437,
               "4390|1008|14|3|42|38178.00|0.05|0.08|A|F|1995-06-12|1995-07-16|1995-06-17|NONE|AIR|"
               "arefully even accoun|");
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 4378,
               "4327|1060|96|2|40|38442.40|0.07|0.01|N|F|1995-05-26|1995-04-17|1995-06-18|NONE|AIR|"
               "quests. packages are after th|");
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 781,
               "775|1071|77|3|20|19441.40|0.01|0.08|N|F|1995-06-17|1995-05-22|1995-07-13|COLLECT "
               "COD|AIR|en dependencies nag slowly |");
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 759,
               "771|413|14|4|7|9193.87|0.06|0.02|N|O|1995-06-18|1995-08-31|1995-06-20|NONE|REG "
               "AIR|theodolites after the fluffily express |");
    check_line(TPCH_LINEITEM, 0.01, 1, 1, 211,
               "197|180|33|4|25|27004.50|0.04|0.01|N|F|1995-06-13|1995-05-23|1995-06-24|TAKE BACK "
               "RETURN|FOB|s-- quickly final accounts|");
}

static void test_rows_part_partsupp(void)
{
    check_line(TPCH_PART, 0.01, 1, 1, 0,
               "1|goldenrod lavender spring chocolate lace|Manufacturer#1|Brand#13|PROMO BURNISHED "
               "COPPER|7|JUMBO PKG|901.00|ly. slyly ironi|");
    check_line(TPCH_PART, 0.01, 1, 2, 999,
               "1000|wheat frosted chiffon aquamarine saddle|Manufacturer#2|Brand#24|ECONOMY "
               "BRUSHED NICKEL|10|SM DRUM|901.00|g fluf|");
    check_line(TPCH_PART, 0.01, 2, 2, 999,
               "2000|wheat blush green puff tan|Manufacturer#1|Brand#12|PROMO ANODIZED "
               "STEEL|46|SM BAG|902.00|ajole carefully|");
    /* partsupp row 4000: part 1000's fourth supplier */
    check_line(TPCH_PARTSUPP, 0.01, 1, 1, 3999,
               "1000|3|1547|248.80|riously ironic ideas dazzle above the furiously regular "
               "deposits. regular, special foxes across the even foxes wake |");
    check_line(TPCH_PARTSUPP, 0.01, 2, 2, 3999,
               "2000|33|8414|798.67|yly ironic dependencies. blithely final theodolites sleep. "
               "furiously ironic accounts wake carefully across the express, regular requests. "
               "carefully regul|");
}

static void test_rows_supplier_nation_region(void)
{
    check_line(TPCH_SUPPLIER, 0.01, 1, 1, 0,
               "1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ|17|27-918-335-1736|"
               "5755.94|each slyly above the careful|");
    /* "Customer ... Complaints/Recommends" written into the comment (SF0.1) */
    check_line(TPCH_SUPPLIER, 0.1, 4, 10, 57,
               "358|Supplier#000000358|V3yxhHhHSXqOoc5UPv5TwkVDGKQsG|3|13-831-247-2584|6974.74|"
               "ans. ironicCustomer  requests cajole carefullyComplaintsy regular reque|");
    check_line(TPCH_SUPPLIER, 0.1, 1, 1, 851,
               "852|Supplier#000000852|n3zasd04WljXdo9xMjQRkZKrEB|1|11-574-892-3228|213.41|"
               "Customer s. even asympRecommends haggl|");
    check_line(TPCH_NATION, 0.01, 1, 1, 0,
               "0|ALGERIA|0| haggle. carefully final deposits detect slyly agai|");
    check_line(TPCH_NATION, 100, 1, 1, 24,
               "24|UNITED STATES|1|y final packages. slow foxes cajole quickly. quickly silent "
               "platelets breach ironic accounts. unusual pinto be|");
    check_line(TPCH_REGION, 0.01, 1, 1, 4,
               "4|MIDDLE EAST|uickly special accounts cajole carefully blithely close requests. "
               "carefully final asymptotes haggle furiousl|");
}

static void test_typed_values(void)
{
    char err[256];
    tpch_gen *g = tpch_gen_open(TPCH_LINEITEM, 0.1, 1, 1, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    tpch_batch *b = tpch_batch_create(TPCH_LINEITEM, 32);
    CU_ASSERT_EQUAL(tpch_gen_next_batch(g, b, 32), 32);
    /* SF0.1 row 8: 3|430|181|1|45|59869.35|0.06|0.00|R|F|1994-02-02|1994-01-04|1994-02-23|NONE|AIR| */
    const tpch_column *c = b->columns;
    CU_ASSERT_EQUAL(c[TPCH_L_ORDERKEY].i64[7], 3);
    CU_ASSERT_EQUAL(c[TPCH_L_PARTKEY].i64[7], 430);
    CU_ASSERT_EQUAL(c[TPCH_L_SUPPKEY].i64[7], 181);
    CU_ASSERT_EQUAL(c[TPCH_L_LINENUMBER].i32[7], 1);
    CU_ASSERT_EQUAL(c[TPCH_L_QUANTITY].i64[7], 45);
    CU_ASSERT_EQUAL(c[TPCH_L_EXTENDEDPRICE].i64[7], 5986935);
    CU_ASSERT_EQUAL(c[TPCH_L_DISCOUNT].i64[7], 6);
    CU_ASSERT_EQUAL(c[TPCH_L_TAX].i64[7], 0);
    CU_ASSERT_EQUAL(c[TPCH_L_RETURNFLAG].chr[7], 'R');
    CU_ASSERT_EQUAL(c[TPCH_L_LINESTATUS].chr[7], 'F');
    CU_ASSERT_EQUAL(c[TPCH_L_SHIPDATE].i32[7], 8798);    /* 1994-02-02 */
    CU_ASSERT_EQUAL(c[TPCH_L_COMMITDATE].i32[7], 8769);  /* 1994-01-04 */
    CU_ASSERT_EQUAL(c[TPCH_L_RECEIPTDATE].i32[7], 8819); /* 1994-02-23 */
    CU_ASSERT_EQUAL(c[TPCH_L_SHIPMODE].str[7].len, 3);
    CU_ASSERT_NSTRING_EQUAL(c[TPCH_L_SHIPMODE].str[7].ptr, "AIR", 3);
    CU_ASSERT_EQUAL(b->columns[TPCH_L_COMMENT].type, TPCH_TYPE_STRING);
    tpch_batch_destroy(b);
    tpch_gen_close(g);

    /* a batch of the wrong table is refused, not overrun */
    g = tpch_gen_open(TPCH_NATION, 1, 1, 1, err, sizeof err);
    b = tpch_batch_create(TPCH_REGION, 32);
    CU_ASSERT_EQUAL(tpch_gen_next_batch(g, b, 32), 0);
    tpch_batch_destroy(b);
    tpch_gen_close(g);
}

/* ---- whole tables, chunks, pairs, reentrancy ---- */

static void test_row_counts_sf001(void)
{
    /* dbgen-rows-sf0.01.txt */
    const int64_t expected[TPCH_TABLE_COUNT] = {
        [TPCH_PART] = 2000,  [TPCH_PARTSUPP] = 8000, [TPCH_SUPPLIER] = 100, [TPCH_CUSTOMER] = 1500,
        [TPCH_ORDERS] = 15000, [TPCH_LINEITEM] = 60175, [TPCH_NATION] = 25, [TPCH_REGION] = 5};
    for (int t = 0; t < TPCH_TABLE_COUNT; t++) {
        int64_t rows = 0;
        hash_table((tpch_table)t, 0.01, 1, 1, 1000, &rows);
        CU_ASSERT_EQUAL(rows, expected[t]);
    }
}

static void test_chunks_concatenate(void)
{
    /* chunk hashes chain: hashing chunk 1..n in order over one running state must equal the
     * whole table's hash, for lineitem (orders split over chunks) and partsupp */
    const tpch_table tables[] = {TPCH_LINEITEM, TPCH_PARTSUPP, TPCH_CUSTOMER, TPCH_NATION};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        int64_t whole_rows = 0;
        uint64_t whole = hash_table(tables[t], 0.01, 1, 1, 777, &whole_rows);
        for (int n = 2; n <= 5; n += 3) {
            char err[256];
            uint64_t h = 1469598103934665603ULL;
            int64_t rows = 0;
            for (int k = 1; k <= n; k++) {
                tpch_gen *g = tpch_gen_open(tables[t], 0.01, k, n, err, sizeof err);
                CU_ASSERT_PTR_NOT_NULL_FATAL(g);
                tpch_batch *b = tpch_batch_create(tables[t], 500);
                while (tpch_gen_next_batch(g, b, 500) > 0) {
                    h = hash_batch(h, b);
                    rows += (int64_t)b->rows;
                }
                tpch_batch_destroy(b);
                tpch_gen_close(g);
            }
            CU_ASSERT_EQUAL(rows, whole_rows);
            CU_ASSERT_EQUAL(h, whole);
        }
    }
}

static void test_pair_matches_single_tables(void)
{
    char err[256];
    const tpch_table masters[] = {TPCH_ORDERS, TPCH_PART};
    for (int m = 0; m < 2; m++) {
        tpch_table master = masters[m], detail = m == 0 ? TPCH_LINEITEM : TPCH_PARTSUPP;
        tpch_gen *g = tpch_gen_open_with_detail(master, 0.01, 2, 3, err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        tpch_batch *mb = tpch_batch_create(master, 100);
        tpch_batch *db = tpch_batch_create(detail, 700);
        uint64_t hm = 1469598103934665603ULL, hd = hm;
        while (tpch_gen_next_batches(g, mb, db, 100) > 0) {
            CU_ASSERT(db->rows >= mb->rows);
            hm = hash_batch(hm, mb);
            hd = hash_batch(hd, db);
        }
        tpch_gen_close(g);
        CU_ASSERT_EQUAL(hm, hash_table(master, 0.01, 2, 3, 64, NULL));
        CU_ASSERT_EQUAL(hd, hash_table(detail, 0.01, 2, 3, 5, NULL));
        tpch_batch_destroy(mb);
        tpch_batch_destroy(db);
    }
    /* a pair generator needs its detail batch; wrong pairings are refused */
    CU_ASSERT_PTR_NULL(tpch_gen_open_with_detail(TPCH_CUSTOMER, 1, 1, 1, err, sizeof err));
    CU_ASSERT(strstr(err, "detail") != NULL);
}

static void test_interleaved_generators(void)
{
    /* two chunks generated alternately in one thread give the same rows as one after the
     * other: no state is shared between generators */
    char err[256];
    tpch_gen *g1 = tpch_gen_open(TPCH_ORDERS, 0.01, 1, 2, err, sizeof err);
    tpch_gen *g2 = tpch_gen_open(TPCH_ORDERS, 0.01, 2, 2, err, sizeof err);
    tpch_gen *g3 = tpch_gen_open(TPCH_CUSTOMER, 0.01, 1, 1, err, sizeof err);
    CU_ASSERT_FATAL(g1 && g2 && g3);
    tpch_batch *b = tpch_batch_create(TPCH_ORDERS, 256);
    tpch_batch *cb = tpch_batch_create(TPCH_CUSTOMER, 256);
    uint64_t h1 = 1469598103934665603ULL, h2 = h1;
    bool more1 = true, more2 = true;
    while (more1 || more2) {
        if (more1 && (more1 = tpch_gen_next_batch(g1, b, 256) > 0))
            h1 = hash_batch(h1, b);
        (void)tpch_gen_next_batch(g3, cb, 256);
        if (more2 && (more2 = tpch_gen_next_batch(g2, b, 256) > 0))
            h2 = hash_batch(h2, b);
    }
    CU_ASSERT_EQUAL(h1, hash_table(TPCH_ORDERS, 0.01, 1, 2, 1000, NULL));
    CU_ASSERT_EQUAL(h2, hash_table(TPCH_ORDERS, 0.01, 2, 2, 1000, NULL));
    tpch_batch_destroy(b);
    tpch_batch_destroy(cb);
    tpch_gen_close(g1);
    tpch_gen_close(g2);
    tpch_gen_close(g3);
}

typedef struct thread_job {
    tpch_table table;
    int k;
    uint64_t hash;
} thread_job;

static void *thread_generate(void *arg)
{
    thread_job *job = arg;
    char err[256];
    tpch_gen *g = tpch_gen_open(job->table, 0.01, job->k, 2, err, sizeof err);
    if (!g)
        return NULL;
    tpch_batch *b = tpch_batch_create(job->table, 300);
    char *buffer = malloc(1 << 20);
    uint64_t h = 1469598103934665603ULL;
    while (tpch_gen_next_batch(g, b, 300) > 0) {
        size_t row = 0;
        while (row < b->rows) {
            size_t len = tpch_format_rows(b, &row, buffer, 1 << 20);
            for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char)buffer[i]) * 1099511628211ULL;
        }
    }
    job->hash = h;
    free(buffer);
    tpch_batch_destroy(b);
    tpch_gen_close(g);
    return NULL;
}

static void test_threads(void)
{
    thread_job jobs[4] = {{TPCH_LINEITEM, 1, 0}, {TPCH_LINEITEM, 2, 0}, {TPCH_PARTSUPP, 1, 0},
                          {TPCH_SUPPLIER, 2, 0}};
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[i], NULL, thread_generate, &jobs[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(jobs[i].hash, hash_table(jobs[i].table, 0.01, jobs[i].k, 2, 1000, NULL));
}

static void test_open_rejects_bad_arguments(void)
{
    char err[256];
    err[0] = '\0';
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_ORDERS, 0.0, 1, 1, err, sizeof err));
    CU_ASSERT(err[0] != '\0');
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_ORDERS, -1, 1, 1, err, sizeof err));
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_ORDERS, 1, 3, 2, err, sizeof err));
    CU_ASSERT(strstr(err, "chunk") != NULL);
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_ORDERS, 1, 0, 2, err, sizeof err));
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_ORDERS, 1, 1, 0, err, sizeof err));
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_TABLE_COUNT, 1, 1, 1, err, sizeof err));
    CU_ASSERT_PTR_NULL(tpch_gen_open(TPCH_ORDERS, 30000, 1, 1, err, sizeof err));
    CU_ASSERT_PTR_NULL(tpch_batch_create(TPCH_ORDERS, 0));
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    struct {
        const char *suite;
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
        {"rng", "sequence is Park-Miller", test_rng_sequence_is_park_miller},
        {"rng", "skip equals stepping", test_rng_skip_equals_stepping},
        {"rng", "integer uniform matches double", test_rng_integer_uniform_matches_double},
        {"rng", "stream placed at a row", test_rng_stream_rows},
        {"rng", "alphanumeric word range", test_rng_alnum_word_is_negative},
        {"dists", "embedded lists", test_dists_embedded_lists},
        {"text", "text pool", test_text_pool},
        {"text", "text pool pieces", test_text_pool_pieces},
        {"tables", "scale row counts", test_scale_row_counts},
        {"tables", "chunk rule", test_chunk_rule},
        {"tables", "parse scale factor", test_parse_scale_factor},
        {"tables", "table names", test_table_names},
        {"format", "values", test_format_values},
        {"format", "capacity", test_format_respects_capacity},
        {"rows", "customer", test_rows_customer},
        {"rows", "orders", test_rows_orders},
        {"rows", "lineitem", test_rows_lineitem},
        {"rows", "part and partsupp", test_rows_part_partsupp},
        {"rows", "supplier, nation, region", test_rows_supplier_nation_region},
        {"rows", "typed values", test_typed_values},
        {"generator", "row counts SF0.01", test_row_counts_sf001},
        {"generator", "chunks concatenate", test_chunks_concatenate},
        {"generator", "pair matches single tables", test_pair_matches_single_tables},
        {"generator", "interleaved generators", test_interleaved_generators},
        {"generator", "threads", test_threads},
        {"generator", "bad arguments", test_open_rejects_bad_arguments},
    };
    CU_pSuite suite = NULL;
    const char *suite_name = NULL;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (!suite_name || strcmp(suite_name, tests[i].suite) != 0) {
            suite_name = tests[i].suite;
            suite = CU_add_suite(suite_name, NULL, NULL);
        }
        if (!suite || !CU_add_test(suite, tests[i].name, tests[i].fn)) {
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
