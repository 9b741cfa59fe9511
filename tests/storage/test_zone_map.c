/* Zone map tests: the may-match answers for every operator on integers, 128-bit decimals,
 * floats (NaN, -0.0) and strings (the truncated-max rule), NULL and empty blocks, a random
 * soundness check (never "cannot match" when some row matches), serialization and merging. */
#include "engine/storage/block.h"
#include "engine/storage/zone_map.h"
#include "tests/storage/test_storage.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static shoal_block_encoder *zenc;

static int zone_suite_init(void)
{
    zenc = shoal_block_encoder_create(1);
    return 0;
}

static int zone_suite_clean(void)
{
    shoal_block_encoder_free(zenc);
    return 0;
}

/* The zone map the block encoder computes for a vector. */
static shoal_zone_map zone_of(const shoal_vector *v)
{
    shoal_writer w;
    shoal_writer_init(&w, 1024);
    shoal_zone_map zm;
    shoal_error err;
    CU_ASSERT_TRUE(shoal_block_encode(zenc, v, shoal_encoding_auto(), &w, &zm, NULL, &err));
    shoal_writer_free(&w);
    return zm;
}

static bool may_i64(const shoal_zone_map *zm, shoal_zone_op op, int64_t c)
{
    shoal_zone_pred p = shoal_zone_pred_make(0, op, shoal_zone_const_i64(c));
    return shoal_zone_may_match(zm, &p);
}

static bool may_str(const shoal_zone_map *zm, shoal_zone_op op, const char *c)
{
    shoal_zone_pred p = shoal_zone_pred_make(0, op, shoal_zone_const_str(c, (uint32_t)strlen(c)));
    return shoal_zone_may_match(zm, &p);
}

static bool may_f64(const shoal_zone_map *zm, shoal_zone_op op, double c)
{
    shoal_zone_pred p = shoal_zone_pred_make(0, op, shoal_zone_const_f64(c));
    return shoal_zone_may_match(zm, &p);
}

static void test_integer_operators(void)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_INTEGER), 0);
    for (int i = 10; i <= 20; i++) shoal_vector_append_i64(&v, i);
    shoal_vector_append_null(&v);
    shoal_zone_map zm = zone_of(&v);
    CU_ASSERT_EQUAL(zm.min.i64, 10);
    CU_ASSERT_EQUAL(zm.max.i64, 20);
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_EQ, 9));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_EQ, 10));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_EQ, 20));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_EQ, 21));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_NE, 15));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_LT, 10));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_LT, 11));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_LE, 9));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_LE, 10));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_GT, 20));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_GT, 19));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_GE, 21));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_GE, 20));
    shoal_zone_pred b = shoal_zone_pred_between(0, shoal_zone_const_i64(1), shoal_zone_const_i64(9));
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &b));
    b = shoal_zone_pred_between(0, shoal_zone_const_i64(5), shoal_zone_const_i64(10));
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &b));
    b = shoal_zone_pred_between(0, shoal_zone_const_i64(20), shoal_zone_const_i64(30));
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &b));
    b = shoal_zone_pred_between(0, shoal_zone_const_i64(21), shoal_zone_const_i64(30));
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &b));
    shoal_zone_pred isnull = shoal_zone_pred_null(0, true), notnull = shoal_zone_pred_null(0, false);
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &isnull));
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &notnull));
    /* a constant of another kind never prunes */
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_EQ, "5"));
    /* 128-bit constants beyond the column's range */
    shoal_zone_pred wide = shoal_zone_pred_make(0, SHOAL_ZONE_EQ, shoal_zone_const_i128((shoal_int128)1 << 70));
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &wide));
    wide.op = SHOAL_ZONE_LT;
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &wide));
    shoal_vector_free(&v);

    /* no NULLs: IS NULL is ruled out; constant block: NE of that constant too */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_BIGINT), 0);
    for (int i = 0; i < 50; i++) shoal_vector_append_i64(&v, INT64_MAX);
    zm = zone_of(&v);
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &isnull));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_NE, INT64_MAX));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_NE, INT64_MIN));
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_GE, INT64_MAX));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_GT, INT64_MAX));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_LT, INT64_MAX));
    shoal_vector_free(&v);
}

static void test_null_and_empty_blocks(void)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DATE), 0);
    for (int i = 0; i < 10; i++) shoal_vector_append_null(&v);
    shoal_zone_map zm = zone_of(&v);
    CU_ASSERT_TRUE(zm.flags & SHOAL_ZONE_ALL_NULL);
    CU_ASSERT_FALSE(zm.flags & SHOAL_ZONE_HAS_RANGE);
    for (int op = SHOAL_ZONE_EQ; op <= SHOAL_ZONE_GE; op++) CU_ASSERT_FALSE(may_i64(&zm, (shoal_zone_op)op, 0));
    shoal_zone_pred isnull = shoal_zone_pred_null(0, true), notnull = shoal_zone_pred_null(0, false);
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &isnull));
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &notnull));
    shoal_vector_reset(&v);
    zm = zone_of(&v); /* no rows */
    CU_ASSERT_EQUAL(zm.rows, 0);
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &isnull));
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &notnull));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_NE, 1));
    shoal_vector_free(&v);
}

static void test_wide_decimals(void)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_decimal(38, 4), 0);
    shoal_int128 big = shoal_pow10_i128(38) - 1;
    shoal_vector_append_i128(&v, big - 10);
    shoal_vector_append_i128(&v, big);
    shoal_zone_map zm = zone_of(&v);
    shoal_zone_pred p = shoal_zone_pred_make(0, SHOAL_ZONE_GE, shoal_zone_const_i128(big - 10));
    CU_ASSERT_TRUE(shoal_zone_may_match(&zm, &p));
    p.lo = shoal_zone_const_i128(big - 11);
    p.op = SHOAL_ZONE_LE;
    CU_ASSERT_FALSE(shoal_zone_may_match(&zm, &p));
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_EQ, INT64_MAX)); /* i64 constants work on i128 columns */
    CU_ASSERT_TRUE(may_i64(&zm, SHOAL_ZONE_GT, INT64_MAX));
    shoal_vector_free(&v);
}

static void test_floats(void)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DOUBLE), 0);
    shoal_vector_append_f64(&v, -1.5);
    shoal_vector_append_f64(&v, 2.5);
    shoal_vector_append_f64(&v, -INFINITY);
    shoal_zone_map zm = zone_of(&v);
    CU_ASSERT_EQUAL(zm.min.f64, -INFINITY);
    CU_ASSERT_FALSE(may_f64(&zm, SHOAL_ZONE_GT, 2.5));
    CU_ASSERT_TRUE(may_f64(&zm, SHOAL_ZONE_GE, 2.5));
    CU_ASSERT_FALSE(may_f64(&zm, SHOAL_ZONE_EQ, INFINITY));
    CU_ASSERT_TRUE(may_f64(&zm, SHOAL_ZONE_EQ, NAN)); /* NaN constant: never prune */
    CU_ASSERT_FALSE(may_i64(&zm, SHOAL_ZONE_GE, 3));  /* integer constant on a float column */
    shoal_vector_append_f64(&v, NAN);
    zm = zone_of(&v);
    CU_ASSERT_TRUE(zm.flags & SHOAL_ZONE_HAS_NAN);
    CU_ASSERT_EQUAL(zm.max.f64, 2.5);
    CU_ASSERT_TRUE(may_f64(&zm, SHOAL_ZONE_GT, 100)); /* a NaN row: never prune comparisons */
    shoal_vector_free(&v);

    /* -0.0 and 0.0 are equal */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_REAL), 0);
    shoal_vector_append_f64(&v, 0.0);
    zm = zone_of(&v);
    CU_ASSERT_TRUE(may_f64(&zm, SHOAL_ZONE_EQ, -0.0));
    CU_ASSERT_FALSE(may_f64(&zm, SHOAL_ZONE_NE, -0.0));
    shoal_vector_free(&v);

    /* only NaNs: no range, comparisons may match */
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DOUBLE), 0);
    shoal_vector_append_f64(&v, NAN);
    zm = zone_of(&v);
    CU_ASSERT_FALSE(zm.flags & SHOAL_ZONE_HAS_RANGE);
    CU_ASSERT_TRUE(may_f64(&zm, SHOAL_ZONE_EQ, 1));
    shoal_vector_free(&v);
}

static void test_strings_and_truncation(void)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_VARCHAR, 0), 0);
    shoal_vector_append_string(&v, "apple", 5);
    shoal_vector_append_string(&v, "mango", 5);
    shoal_vector_append_string(&v, "banana", 6);
    shoal_zone_map zm = zone_of(&v);
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_EQ, "zebra"));
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_EQ, "banana"));
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_EQ, "aardvark"));
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_LT, "apple"));
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_LE, "apple"));
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_GT, "mango"));
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_GE, "mango"));
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_GE, "mangoes"));
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_GE, "mang"));
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_EQ, "")); /* "" sorts before "apple" */
    shoal_vector_free(&v);

    /* a max longer than the prefix */
    char longmax[42];
    longmax[0] = 'm';
    memset(longmax + 1, 'x', 40);
    longmax[41] = '\0';
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_VARCHAR, 0), 0);
    shoal_vector_append_string(&v, "b", 1);
    shoal_vector_append_string(&v, longmax, 41);
    zm = zone_of(&v);
    CU_ASSERT_TRUE(zm.flags & SHOAL_ZONE_MAX_TRUNCATED);
    CU_ASSERT_EQUAL(zm.max_len, SHOAL_ZONE_STRING_PREFIX);
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_EQ, longmax));                  /* the real max matches */
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_GE, longmax));
    char p32[33];
    memcpy(p32, longmax, 32);
    p32[32] = '\0';
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_GT, p32));  /* values above the prefix exist */
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_GT, "my")); /* every value < "my" */
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_EQ, "my"));
    CU_ASSERT_FALSE(may_str(&zm, SHOAL_ZONE_GE, "mxy"));
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_GE, "mxx"));
    CU_ASSERT_TRUE(may_str(&zm, SHOAL_ZONE_NE, "b"));
    shoal_vector_free(&v);
}

/* Soundness on random data: whenever some row satisfies a predicate, may_match says so. */
static bool row_matches(const shoal_vector *v, uint32_t i, const shoal_zone_pred *p)
{
    bool null = shoal_vector_is_null(v, i);
    if (p->op == SHOAL_ZONE_IS_NULL) return null;
    if (p->op == SHOAL_ZONE_IS_NOT_NULL) return !null;
    if (null) return false;
    int c_lo, c_hi = 0;
    if (shoal_type_physical(v->type) == SHOAL_PHYS_STRING) {
        shoal_string s = ((const shoal_string *)v->data)[i];
        uint32_t n = s.len < p->lo.v.str.len ? s.len : p->lo.v.str.len;
        int c = n ? memcmp(s.ptr, p->lo.v.str.ptr, n) : 0;
        c_lo = c ? (c > 0) - (c < 0) : (s.len > p->lo.v.str.len) - (s.len < p->lo.v.str.len);
        if (p->op == SHOAL_ZONE_BETWEEN) {
            n = s.len < p->hi.v.str.len ? s.len : p->hi.v.str.len;
            c = n ? memcmp(s.ptr, p->hi.v.str.ptr, n) : 0;
            c_hi = c ? (c > 0) - (c < 0) : (s.len > p->hi.v.str.len) - (s.len < p->hi.v.str.len);
        }
    } else {
        shoal_int128 x = shoal_vector_get_i128(v, i);
        c_lo = (x > p->lo.v.i64) - (x < p->lo.v.i64);
        c_hi = (x > p->hi.v.i64) - (x < p->hi.v.i64);
    }
    switch (p->op) {
    case SHOAL_ZONE_EQ: return c_lo == 0;
    case SHOAL_ZONE_NE: return c_lo != 0;
    case SHOAL_ZONE_LT: return c_lo < 0;
    case SHOAL_ZONE_LE: return c_lo <= 0;
    case SHOAL_ZONE_GT: return c_lo > 0;
    case SHOAL_ZONE_GE: return c_lo >= 0;
    case SHOAL_ZONE_BETWEEN: return c_lo >= 0 && c_hi <= 0;
    default: return true;
    }
}

static void random_string(uint64_t *rng, char *buf, uint32_t *len)
{
    /* a small alphabet and shared long prefixes so truncation matters */
    static const char *const stems[] = {"", "m", "mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "abcdefghijklmnopqrstuvwxyz0123456789"};
    const char *stem = stems[test_rand(rng) % 4];
    uint32_t n = (uint32_t)strlen(stem);
    memcpy(buf, stem, n);
    uint32_t extra = (uint32_t)(test_rand(rng) % 4);
    for (uint32_t k = 0; k < extra; k++) buf[n++] = "amxyz"[test_rand(rng) % 5];
    *len = n;
}

static void test_soundness_random(void)
{
    uint64_t rng = 2024;
    int unsound = 0, pruned = 0;
    for (int iter = 0; iter < 3000; iter++) {
        bool strings = iter % 2;
        shoal_vector v;
        shoal_vector_init(&v, strings ? shoal_type_string(SHOAL_TYPE_VARCHAR, 0) : shoal_type_make(SHOAL_TYPE_INTEGER), 0);
        uint32_t n = (uint32_t)(test_rand(&rng) % 12);
        char bufs[12][64];
        for (uint32_t i = 0; i < n; i++) {
            if (test_rand(&rng) % 5 == 0) {
                shoal_vector_append_null(&v);
            } else if (strings) {
                uint32_t len;
                random_string(&rng, bufs[i], &len);
                shoal_vector_append_string(&v, bufs[i], len);
            } else {
                shoal_vector_append_i64(&v, (int64_t)(test_rand(&rng) % 41) - 20);
            }
        }
        shoal_zone_map zm = zone_of(&v);
        char c1[64], c2[64];
        for (int q = 0; q < 20; q++) {
            shoal_zone_pred p;
            int op = SHOAL_ZONE_EQ + (int)(test_rand(&rng) % 9);
            if (strings) {
                uint32_t l1, l2;
                random_string(&rng, c1, &l1);
                random_string(&rng, c2, &l2);
                p = shoal_zone_pred_make(0, (shoal_zone_op)op, shoal_zone_const_str(c1, l1));
                p.hi = shoal_zone_const_str(c2, l2);
            } else {
                p = shoal_zone_pred_make(0, (shoal_zone_op)op, shoal_zone_const_i64((int64_t)(test_rand(&rng) % 51) - 25));
                p.hi = shoal_zone_const_i64((int64_t)(test_rand(&rng) % 51) - 25);
            }
            bool any = false;
            for (uint32_t i = 0; i < n; i++) any |= row_matches(&v, i, &p);
            bool may = shoal_zone_may_match(&zm, &p);
            if (any && !may) unsound++;
            if (!may) pruned++;
        }
        shoal_vector_free(&v);
    }
    CU_ASSERT_EQUAL(unsound, 0);
    CU_ASSERT(pruned > 5000); /* and it does prune */
}

static void test_serialize_and_merge(void)
{
    shoal_vector a, b, ab;
    shoal_type t = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    shoal_vector_init(&a, t, 0);
    shoal_vector_init(&b, t, 0);
    shoal_vector_init(&ab, t, 0);
    const char *as[] = {"kiwi", "mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1", NULL};
    const char *bs[] = {"apple", "mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx2", "fig"};
    for (int i = 0; i < 3; i++) {
        if (as[i]) shoal_vector_append_string(&a, as[i], (uint32_t)strlen(as[i]));
        else shoal_vector_append_null(&a);
        shoal_vector_append_string(&b, bs[i], (uint32_t)strlen(bs[i]));
    }
    for (int i = 0; i < 3; i++) {
        if (as[i]) shoal_vector_append_string(&ab, as[i], (uint32_t)strlen(as[i]));
        else shoal_vector_append_null(&ab);
    }
    for (int i = 0; i < 3; i++) shoal_vector_append_string(&ab, bs[i], (uint32_t)strlen(bs[i]));
    shoal_zone_map za = zone_of(&a), zb = zone_of(&b), zab = zone_of(&ab);
    shoal_zone_map merged = za;
    shoal_zone_map_merge(&merged, &zb);
    CU_ASSERT_EQUAL(merged.rows, zab.rows);
    CU_ASSERT_EQUAL(merged.nulls, zab.nulls);
    CU_ASSERT_EQUAL(merged.flags, zab.flags);
    CU_ASSERT_EQUAL(merged.min_len, zab.min_len);
    CU_ASSERT_EQUAL(memcmp(merged.min_str, zab.min_str, zab.min_len), 0);
    CU_ASSERT_EQUAL(merged.max_len, zab.max_len);
    CU_ASSERT_EQUAL(memcmp(merged.max_str, zab.max_str, zab.max_len), 0);

    /* serialized form round-trips; malformed ones are refused */
    shoal_writer w;
    shoal_writer_init(&w, 128);
    shoal_zone_map_write(&zab, &w);
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    shoal_zone_map back;
    CU_ASSERT_TRUE(shoal_zone_map_read(&r, SHOAL_PHYS_STRING, &back));
    CU_ASSERT_TRUE(shoal_reader_done(&r));
    CU_ASSERT_EQUAL(back.flags, zab.flags);
    CU_ASSERT_EQUAL(back.max_len, zab.max_len);
    CU_ASSERT_EQUAL(memcmp(back.max_str, zab.max_str, back.max_len), 0);
    shoal_reader_init(&r, w.data, w.len);
    CU_ASSERT_FALSE(shoal_zone_map_read(&r, SHOAL_PHYS_I32, &back)); /* wrong type */
    w.data[1] = 0xFF; /* unknown flags */
    shoal_reader_init(&r, w.data, w.len);
    CU_ASSERT_FALSE(shoal_zone_map_read(&r, SHOAL_PHYS_STRING, &back));
    shoal_reader_init(&r, w.data, w.len - 1);
    CU_ASSERT_FALSE(shoal_zone_map_read(&r, SHOAL_PHYS_STRING, &back) && shoal_reader_done(&r));
    shoal_writer_free(&w);

    /* integers: merge = zone map of the concatenation */
    shoal_vector x, y, xy;
    shoal_vector_init(&x, shoal_type_decimal(38, 0), 0);
    shoal_vector_init(&y, shoal_type_decimal(38, 0), 0);
    shoal_vector_init(&xy, shoal_type_decimal(38, 0), 0);
    shoal_int128 big = shoal_pow10_i128(38) - 1;
    shoal_vector_append_i128(&x, -big);
    shoal_vector_append_i128(&xy, -big);
    shoal_vector_append_null(&y);
    shoal_vector_append_null(&xy);
    shoal_zone_map zx = zone_of(&x), zy = zone_of(&y), zxy = zone_of(&xy);
    shoal_zone_map_merge(&zy, &zx); /* all-NULL first */
    CU_ASSERT_EQUAL(zy.flags, zxy.flags);
    CU_ASSERT_TRUE(zy.min.i128 == zxy.min.i128 && zy.max.i128 == zxy.max.i128);
    CU_ASSERT_EQUAL(zy.nulls, 1);
    shoal_writer_init(&w, 64);
    shoal_zone_map_write(&zxy, &w);
    shoal_reader_init(&r, w.data, w.len);
    CU_ASSERT_TRUE(shoal_zone_map_read(&r, SHOAL_PHYS_I128, &back));
    CU_ASSERT_TRUE(back.min.i128 == -big && back.max.i128 == -big);
    shoal_writer_free(&w);
    shoal_vector_free(&a);
    shoal_vector_free(&b);
    shoal_vector_free(&ab);
    shoal_vector_free(&x);
    shoal_vector_free(&y);
    shoal_vector_free(&xy);
}

void register_zone_map_tests(void)
{
    CU_pSuite s = CU_add_suite("zone_map", zone_suite_init, zone_suite_clean);
    CU_add_test(s, "integer operators", test_integer_operators);
    CU_add_test(s, "all-NULL and empty blocks", test_null_and_empty_blocks);
    CU_add_test(s, "128-bit decimals", test_wide_decimals);
    CU_add_test(s, "floats: NaN, infinities, -0.0", test_floats);
    CU_add_test(s, "strings and the truncated max", test_strings_and_truncation);
    CU_add_test(s, "soundness on random data", test_soundness_random);
    CU_add_test(s, "serialize and merge", test_serialize_and_merge);
}
