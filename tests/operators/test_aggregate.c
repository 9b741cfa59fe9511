/* CUnit tests of hash aggregation: grouping, every aggregate, NULLs, empty input, that
 * PARTIAL on several slices followed by FINAL equals COMPLETE over all rows, and that the
 * packed-key table and the group-by-group updates give what the general table and row-by-row
 * updates give, on every key type, NULLs, strings that do and do not pack, selections. */
#include "engine/exec/aggregate.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

/* Input: key VARCHAR, qty DECIMAL(15,2), price DOUBLE, day DATE; some NULLs. */
static shoal_type input_types[4];

static void make_input(shoal_batch *b, int rows, unsigned seed)
{
    input_types[0] = shoal_type_string(SHOAL_TYPE_VARCHAR, 10);
    input_types[1] = shoal_type_decimal(15, 2);
    input_types[2] = shoal_type_make(SHOAL_TYPE_DOUBLE);
    input_types[3] = shoal_type_make(SHOAL_TYPE_DATE);
    shoal_batch_init(b, 4, input_types, (uint32_t)rows);
    srand(seed);
    static const char *keys[] = {"A", "B", "CC", "dd"};
    for (int i = 0; i < rows; i++) {
        const char *k = keys[rand() % 4];
        if (rand() % 17 == 0) shoal_vector_append_null(&b->columns[0]);
        else shoal_vector_append_string(&b->columns[0], k, (uint32_t)strlen(k));
        if (rand() % 11 == 0) shoal_vector_append_null(&b->columns[1]);
        else shoal_vector_append_i64(&b->columns[1], rand() % 100000 - 20000);
        shoal_vector_append_f64(&b->columns[2], (rand() % 1000) / 8.0);
        shoal_vector_append_i64(&b->columns[3], 9000 + rand() % 3000);
    }
    b->count = (uint32_t)rows;
}

static const shoal_agg_spec *specs(int *n)
{
    static shoal_agg_spec s[8];
    s[0] = (shoal_agg_spec){SHOAL_AGG_COUNT_STAR, -1, shoal_type_make(SHOAL_TYPE_BIGINT)};
    s[1] = (shoal_agg_spec){SHOAL_AGG_COUNT, 1, shoal_type_decimal(15, 2)};
    s[2] = (shoal_agg_spec){SHOAL_AGG_SUM, 1, shoal_type_decimal(15, 2)};
    s[3] = (shoal_agg_spec){SHOAL_AGG_AVG, 1, shoal_type_decimal(15, 2)};
    s[4] = (shoal_agg_spec){SHOAL_AGG_SUM, 2, shoal_type_make(SHOAL_TYPE_DOUBLE)};
    s[5] = (shoal_agg_spec){SHOAL_AGG_MIN, 3, shoal_type_make(SHOAL_TYPE_DATE)};
    s[6] = (shoal_agg_spec){SHOAL_AGG_MAX, 0, shoal_type_string(SHOAL_TYPE_VARCHAR, 10)};
    s[7] = (shoal_agg_spec){SHOAL_AGG_MIN, 1, shoal_type_decimal(15, 2)};
    *n = 8;
    return s;
}

/* Renders every output row as text, sorted, for comparison. */
static char **render(shoal_hash_agg *agg, int *rows_out)
{
    int nc = shoal_hash_agg_output_count(agg);
    shoal_type types[32];
    shoal_hash_agg_output_types(agg, types);
    shoal_batch out;
    shoal_batch_init(&out, nc, types, SHOAL_BATCH_ROWS);
    uint64_t cursor = 0;
    char **lines = NULL;
    int n = 0;
    while (shoal_hash_agg_next(agg, &cursor, &out)) {
        for (uint32_t r = 0; r < out.count; r++) {
            char line[1024] = "";
            for (int c = 0; c < nc; c++) {
                char cell[128];
                if (shoal_vector_is_null(&out.columns[c], r)) strcpy(cell, "NULL");
                else shoal_vector_format(&out.columns[c], r, cell, sizeof cell);
                strcat(line, cell);
                strcat(line, "|");
            }
            lines = realloc(lines, sizeof(char *) * (size_t)(n + 1));
            lines[n++] = strdup(line);
        }
    }
    shoal_batch_free(&out);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(lines[i], lines[j]) > 0) { char *t = lines[i]; lines[i] = lines[j]; lines[j] = t; }
    *rows_out = n;
    return lines;
}

static void free_lines(char **l, int n)
{
    for (int i = 0; i < n; i++) free(l[i]);
    free(l);
}

static void test_partial_then_final_equals_complete(void)
{
    int na;
    const shoal_agg_spec *s = specs(&na);
    int key_col = 0;
    shoal_batch slices[3];
    for (int i = 0; i < 3; i++) make_input(&slices[i], 500 + 300 * i, 7u + (unsigned)i);

    shoal_hash_agg *complete = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key_col, &input_types[0], na, s);
    for (int i = 0; i < 3; i++) shoal_hash_agg_add(complete, &slices[i]);

    /* partial on each slice, final over the partial outputs */
    shoal_hash_agg *partial[3];
    shoal_hash_agg *final_agg = NULL;
    for (int i = 0; i < 3; i++) {
        partial[i] = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, 1, &key_col, &input_types[0], na, s);
        shoal_hash_agg_add(partial[i], &slices[i]);
    }
    final_agg = shoal_hash_agg_create(SHOAL_AGG_FINAL, 1, &key_col, &input_types[0], na, s);
    int pc = shoal_hash_agg_output_count(partial[0]);
    shoal_type ptypes[32];
    shoal_hash_agg_output_types(partial[0], ptypes);
    for (int i = 0; i < 3; i++) {
        shoal_batch pout;
        shoal_batch_init(&pout, pc, ptypes, SHOAL_BATCH_ROWS);
        uint64_t cursor = 0;
        while (shoal_hash_agg_next(partial[i], &cursor, &pout)) shoal_hash_agg_add(final_agg, &pout);
        shoal_batch_free(&pout);
    }
    int n1, n2;
    char **a = render(complete, &n1), **b = render(final_agg, &n2);
    CU_ASSERT_EQUAL(n1, 5); /* four keys and NULL */
    CU_ASSERT_EQUAL(n1, n2);
    int same = n1 == n2;
    for (int i = 0; same && i < n1; i++) same = strcmp(a[i], b[i]) == 0;
    CU_ASSERT_TRUE(same);
    free_lines(a, n1);
    free_lines(b, n2);
    shoal_hash_agg_free(complete);
    shoal_hash_agg_free(final_agg);
    for (int i = 0; i < 3; i++) {
        shoal_hash_agg_free(partial[i]);
        shoal_batch_free(&slices[i]);
    }
}

static void test_hand_computed_values(void)
{
    /* key, qty: (A, 1.00), (A, 2.00), (B, NULL), (A, 4.01), (B, 3.00) */
    shoal_type t[2] = {shoal_type_string(SHOAL_TYPE_VARCHAR, 4), shoal_type_decimal(15, 2)};
    shoal_batch b;
    shoal_batch_init(&b, 2, t, 8);
    const char *k[] = {"A", "A", "B", "A", "B"};
    long q[] = {100, 200, -1, 401, 300};
    for (int i = 0; i < 5; i++) {
        shoal_vector_append_string(&b.columns[0], k[i], 1);
        if (q[i] < 0) shoal_vector_append_null(&b.columns[1]);
        else shoal_vector_append_i64(&b.columns[1], q[i]);
    }
    b.count = 5;
    shoal_agg_spec s[4] = {{SHOAL_AGG_COUNT_STAR, -1, t[1]}, {SHOAL_AGG_SUM, 1, t[1]},
                           {SHOAL_AGG_AVG, 1, t[1]}, {SHOAL_AGG_COUNT, 1, t[1]}};
    int key = 0;
    shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 4, s);
    shoal_hash_agg_add(agg, &b);
    int n;
    char **lines = render(agg, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    /* AVG(A) = 7.01 / 3 = 2.336666.. -> 2.336667 at scale 6 */
    CU_ASSERT_STRING_EQUAL(lines[0], "A|3|7.01|2.336667|3|");
    CU_ASSERT_STRING_EQUAL(lines[1], "B|2|3.00|3.000000|1|");
    free_lines(lines, n);
    shoal_hash_agg_free(agg);

    /* With a selection vector: only rows 0 and 4. */
    uint32_t *sel = shoal_batch_select_all(&b);
    sel[0] = 0;
    sel[1] = 4;
    b.sel_count = 2;
    agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 4, s);
    shoal_hash_agg_add(agg, &b);
    lines = render(agg, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(lines[0], "A|1|1.00|1.000000|1|");
    CU_ASSERT_STRING_EQUAL(lines[1], "B|1|3.00|3.000000|1|");
    free_lines(lines, n);
    shoal_hash_agg_free(agg);
    shoal_batch_free(&b);
}

static void test_empty_input_without_group_by(void)
{
    shoal_type t = shoal_type_decimal(15, 2);
    shoal_agg_spec s[3] = {{SHOAL_AGG_COUNT_STAR, -1, t}, {SHOAL_AGG_SUM, 0, t}, {SHOAL_AGG_MAX, 0, t}};
    shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 0, NULL, NULL, 3, s);
    int n;
    char **lines = render(agg, &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(lines[0], "0|NULL|NULL|");
    free_lines(lines, n);
    shoal_hash_agg_free(agg);
}

static void test_many_groups_rehash(void)
{
    shoal_type t[1] = {shoal_type_make(SHOAL_TYPE_BIGINT)};
    shoal_agg_spec s[1] = {{SHOAL_AGG_COUNT_STAR, -1, t[0]}};
    int key = 0;
    shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 1, s);
    shoal_batch b;
    shoal_batch_init(&b, 1, t, SHOAL_BATCH_ROWS);
    for (int round = 0; round < 3; round++) {
        shoal_batch_reset(&b);
        for (int i = 0; i < 100000; i++) shoal_vector_append_i64(&b.columns[0], i * 7919 % 100003);
        b.count = 100000;
        shoal_hash_agg_add(agg, &b);
    }
    CU_ASSERT_EQUAL(shoal_hash_agg_group_count(agg), 100000);
    shoal_type ot[2];
    shoal_hash_agg_output_types(agg, ot);
    shoal_batch out;
    shoal_batch_init(&out, 2, ot, SHOAL_BATCH_ROWS);
    uint64_t cursor = 0, total = 0;
    int all_three = 1;
    while (shoal_hash_agg_next(agg, &cursor, &out)) {
        for (uint32_t r = 0; r < out.count; r++) all_three &= shoal_vector_get_i64(&out.columns[1], r) == 3;
        total += out.count;
    }
    CU_ASSERT_EQUAL(total, 100000);
    CU_ASSERT_TRUE(all_three);
    shoal_batch_free(&out);
    shoal_batch_free(&b);
    shoal_hash_agg_free(agg);
}

/* ---- packed keys against the general table ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static uint32_t below(uint32_t n) { return (uint32_t)(rnd() % n); }

/* Columns: 0 SMALLINT, 1 INTEGER, 2 BIGINT, 3 VARCHAR, 4 BOOLEAN, 5 DATE, 6 DECIMAL(15,2),
 * 7 DECIMAL(38,2), 8 DOUBLE. `many`: keys from wide ranges (about one group per row). */
#define WIDE_COLS 9
static shoal_type wide_types[WIDE_COLS];
static void init_wide_types(void)
{
    wide_types[0] = shoal_type_make(SHOAL_TYPE_SMALLINT);
    wide_types[1] = shoal_type_make(SHOAL_TYPE_INTEGER);
    wide_types[2] = shoal_type_make(SHOAL_TYPE_BIGINT);
    wide_types[3] = shoal_type_string(SHOAL_TYPE_VARCHAR, 16);
    wide_types[4] = shoal_type_make(SHOAL_TYPE_BOOLEAN);
    wide_types[5] = shoal_type_make(SHOAL_TYPE_DATE);
    wide_types[6] = shoal_type_decimal(15, 2);
    wide_types[7] = shoal_type_decimal(38, 2);
    wide_types[8] = shoal_type_make(SHOAL_TYPE_DOUBLE);
}
static void make_wide(shoal_batch *b, uint32_t rows, bool many)
{
    shoal_batch_init(b, WIDE_COLS, wide_types, rows);
    /* strings of 0 to 12 bytes, zero bytes inside: 7 bytes pack, 8 do not */
    static const char *strs[] = {"", "A", "B", "AB", "A\0", "ABC", "ABCD", "ABCDEFG", "ABCDEFG\0", "ABCDEFGH",
                                 "ABCDEFGHIJKL", "R", "N", "\xc3\xa9"};
    static const uint32_t lens[] = {0, 1, 1, 2, 2, 3, 4, 7, 8, 8, 12, 1, 1, 2};
    static const int64_t big_edges[] = {INT64_MIN, INT64_MAX, 0, -1, 1, (int64_t)1 << 56, -((int64_t)1 << 56)};
    for (uint32_t i = 0; i < rows; i++) {
        bool null = below(13) == 0;
        if (null) shoal_vector_append_null(&b->columns[0]);
        else shoal_vector_append_i64(&b->columns[0], below(5) == 0 ? (below(2) ? INT16_MIN : INT16_MAX) : (int64_t)below(7) - 3);
        if (below(17) == 0) shoal_vector_append_null(&b->columns[1]);
        else shoal_vector_append_i64(&b->columns[1], many ? (int64_t)below(100000) - 50000 : (int64_t)below(3) - 1);
        if (below(19) == 0) shoal_vector_append_null(&b->columns[2]);
        else shoal_vector_append_i64(&b->columns[2], many ? (int64_t)rnd() : big_edges[below(7)]);
        if (below(11) == 0) {
            shoal_vector_append_null(&b->columns[3]);
        } else if (many && below(2)) {
            char buf[16];
            uint32_t n = 1 + below(12);
            for (uint32_t j = 0; j < n; j++) buf[j] = (char)('a' + below(26));
            shoal_vector_append_string(&b->columns[3], buf, n);
        } else {
            uint32_t k = below(14);
            shoal_vector_append_string(&b->columns[3], strs[k], lens[k]);
        }
        if (below(7) == 0) shoal_vector_append_null(&b->columns[4]);
        else shoal_vector_append_i64(&b->columns[4], below(2));
        shoal_vector_append_i64(&b->columns[5], 9000 + below(many ? 3000 : 4));
        if (below(9) == 0) shoal_vector_append_null(&b->columns[6]);
        else shoal_vector_append_i64(&b->columns[6], below(4) == 0 ? 99999999999999 - below(3) : (int64_t)below(200000) - 100000);
        if (below(9) == 0) shoal_vector_append_null(&b->columns[7]);
        else shoal_vector_append_i128(&b->columns[7], (shoal_int128)(int64_t)rnd() * ((shoal_int128)1 << 40) + below(1000));
        if (below(9) == 0) shoal_vector_append_null(&b->columns[8]);
        else shoal_vector_append_f64(&b->columns[8], (double)((int64_t)below(2000000) - 1000000) / 7.0);
    }
    b->count = rows;
}

static void compare_packed_general(int nkeys, const int *keys, bool many, bool partial_final)
{
    init_wide_types();
    shoal_agg_spec s[40];
    int na = 0;
    s[na++] = (shoal_agg_spec){SHOAL_AGG_COUNT_STAR, -1, wide_types[0]};
    for (int c = 0; c < WIDE_COLS; c++) {
        shoal_type t = wide_types[c];
        s[na++] = (shoal_agg_spec){SHOAL_AGG_COUNT, c, t};
        if (c != 3 && c != 4 && c != 5) s[na++] = (shoal_agg_spec){c % 2 ? SHOAL_AGG_SUM : SHOAL_AGG_AVG, c, t};
        s[na++] = (shoal_agg_spec){c % 2 ? SHOAL_AGG_MIN : SHOAL_AGG_MAX, c, t};
    }
    shoal_type key_types[4];
    for (int k = 0; k < nkeys; k++) key_types[k] = wide_types[keys[k]];
    shoal_agg_mode mode = partial_final ? SHOAL_AGG_PARTIAL : SHOAL_AGG_COMPLETE;
    shoal_hash_agg *fast = shoal_hash_agg_create(mode, nkeys, keys, key_types, na, s);
    shoal_hash_agg *ref = shoal_hash_agg_create(mode, nkeys, keys, key_types, na, s);
    shoal_hash_agg_disable_packed_keys(ref);
    for (int round = 0; round < 4; round++) {
        shoal_batch b;
        make_wide(&b, round == 3 ? 77 : SHOAL_BATCH_ROWS, many);
        if (round == 1 || round == 3) { /* a selection: every third row, or a random half */
            uint32_t *sel = shoal_batch_select_all(&b), k = 0;
            for (uint32_t r = 0; r < b.count; r++)
                if (round == 1 ? r % 3 == 0 : below(2)) sel[k++] = r;
            b.sel_count = k;
        }
        shoal_hash_agg_add(fast, &b);
        shoal_hash_agg_add(ref, &b);
        shoal_batch_free(&b);
    }
    CU_ASSERT_EQUAL(shoal_hash_agg_group_count(fast), shoal_hash_agg_group_count(ref));
    if (partial_final) { /* FINAL over the partial states, again packed against general */
        shoal_agg_spec fs[40];
        memcpy(fs, s, sizeof fs);
        int pc = shoal_hash_agg_output_count(fast);
        shoal_type pt[96];
        shoal_hash_agg_output_types(fast, pt);
        int fkeys[4] = {0, 1, 2, 3};
        shoal_hash_agg *ffast = shoal_hash_agg_create(SHOAL_AGG_FINAL, nkeys, fkeys, pt, na, fs);
        shoal_hash_agg *fref = shoal_hash_agg_create(SHOAL_AGG_FINAL, nkeys, fkeys, pt, na, fs);
        shoal_hash_agg_disable_packed_keys(fref);
        shoal_hash_agg *src[2] = {fast, ref}, *dst[2] = {ffast, fref};
        for (int i = 0; i < 2; i++) {
            shoal_batch pout;
            shoal_batch_init(&pout, pc, pt, SHOAL_BATCH_ROWS);
            uint64_t cursor = 0;
            while (shoal_hash_agg_next(src[i], &cursor, &pout)) {
                shoal_hash_agg_add(dst[0], &pout); /* both partial outputs into both finals */
                shoal_hash_agg_add(dst[1], &pout);
            }
            shoal_batch_free(&pout);
        }
        shoal_hash_agg_free(fast);
        shoal_hash_agg_free(ref);
        fast = ffast;
        ref = fref;
    }
    int n1, n2;
    char **a = render(fast, &n1), **b = render(ref, &n2);
    CU_ASSERT_EQUAL(n1, n2);
    int same = n1 == n2;
    for (int i = 0; same && i < n1; i++) {
        same = strcmp(a[i], b[i]) == 0;
        if (!same) printf("\n  keys %d (first %d), many %d: packed  %s\n  general %s\n", nkeys, keys[0], many, a[i], b[i]);
    }
    CU_ASSERT_TRUE(same);
    free_lines(a, n1);
    free_lines(b, n2);
    shoal_hash_agg_free(fast);
    shoal_hash_agg_free(ref);
}

static void test_packed_keys_vs_general(void)
{
    static const int k_str[] = {3}, k_small_str[] = {0, 3}, k_big[] = {2}, k_three[] = {3, 1, 4}, k_date[] = {5},
                     k_bool[] = {4}, k_four[] = {4, 0, 5, 3};
    static const struct { int n; const int *k; } combos[] = {{1, k_str}, {2, k_small_str}, {1, k_big}, {3, k_three},
                                                           {1, k_date}, {1, k_bool}, {4, k_four}};
    for (size_t c = 0; c < sizeof combos / sizeof combos[0]; c++)
        for (int many = 0; many < 2; many++)
            for (int pf = 0; pf < 2; pf++) compare_packed_general(combos[c].n, combos[c].k, many, pf);
}

/* Integer sums against a plain int128 reference, with values at the int64 extremes so that a
 * group's int64 running sum overflows (and is folded into the int128) many times per batch;
 * few groups (group order) and many (row by row), NULLs and selections. */
static void test_integer_sums_at_the_extremes(void)
{
    shoal_type t[2] = {shoal_type_make(SHOAL_TYPE_BIGINT), shoal_type_decimal(18, 0)};
    static const int64_t edges[] = {INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, -1, 1, 0};
    for (int many = 0; many < 2; many++) {
        uint32_t ngroups = many ? 5000 : 3;
        shoal_int128 *want = calloc(ngroups, sizeof *want);
        int64_t *want_count = calloc(ngroups, sizeof *want_count);
        uint32_t appeared = 0;
        uint8_t *present = calloc(ngroups, 1);
        shoal_agg_spec s[3] = {{SHOAL_AGG_SUM, 1, t[1]}, {SHOAL_AGG_COUNT, 1, t[1]}, {SHOAL_AGG_AVG, 1, t[1]}};
        int key = 0;
        shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 3, s);
        for (int round = 0; round < 5; round++) {
            shoal_batch b;
            shoal_batch_init(&b, 2, t, SHOAL_BATCH_ROWS);
            for (uint32_t i = 0; i < SHOAL_BATCH_ROWS; i++) {
                shoal_vector_append_i64(&b.columns[0], below(ngroups));
                if (round >= 3 && below(10) == 0) shoal_vector_append_null(&b.columns[1]); /* NULLs in 2 of 5 */
                else shoal_vector_append_i64(&b.columns[1], below(3) ? edges[below(7)] : (int64_t)rnd());
            }
            b.count = SHOAL_BATCH_ROWS;
            if (round % 2) {
                uint32_t *sel = shoal_batch_select_all(&b), k = 0;
                for (uint32_t r = 0; r < b.count; r++)
                    if (below(10)) sel[k++] = r;
                b.sel_count = k;
            }
            for (uint32_t i = 0; i < shoal_batch_rows(&b); i++) {
                uint32_t r = shoal_batch_row(&b, i);
                uint32_t g = (uint32_t)shoal_vector_get_i64(&b.columns[0], r);
                appeared += !present[g];
                present[g] = 1;
                if (shoal_vector_is_null(&b.columns[1], r)) continue;
                want[g] += shoal_vector_get_i64(&b.columns[1], r);
                want_count[g]++;
            }
            shoal_hash_agg_add(agg, &b);
            shoal_batch_free(&b);
        }
        shoal_type ot[4];
        shoal_hash_agg_output_types(agg, ot);
        shoal_batch out;
        shoal_batch_init(&out, 4, ot, SHOAL_BATCH_ROWS);
        uint64_t cursor = 0;
        int bad = 0, seen = 0;
        while (shoal_hash_agg_next(agg, &cursor, &out)) {
            for (uint32_t r = 0; r < out.count; r++, seen++) {
                uint32_t g = (uint32_t)shoal_vector_get_i64(&out.columns[0], r);
                if (want_count[g] == 0) {
                    bad += !shoal_vector_is_null(&out.columns[1], r);
                    continue;
                }
                bad += shoal_vector_get_i128(&out.columns[1], r) != want[g];
                bad += shoal_vector_get_i64(&out.columns[2], r) != want_count[g];
            }
        }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_EQUAL((uint32_t)seen, appeared);
        shoal_batch_free(&out);
        shoal_hash_agg_free(agg);
        free(want);
        free(want_count);
        free(present);
    }
}

/* Strings of 7 bytes pack, of 8 do not; both, the empty string and NULL are distinct groups. */
static void test_short_and_long_string_keys(void)
{
    shoal_type t[2] = {shoal_type_string(SHOAL_TYPE_VARCHAR, 16), shoal_type_make(SHOAL_TYPE_BIGINT)};
    shoal_batch b;
    shoal_batch_init(&b, 2, t, 8);
    const char *k[] = {"ABCDEFGH", "ABCDEFG", "", NULL, "ABCDEFGH", "", NULL, "ABCDEFG"};
    for (int i = 0; i < 8; i++) {
        if (k[i]) shoal_vector_append_string(&b.columns[0], k[i], (uint32_t)strlen(k[i]));
        else shoal_vector_append_null(&b.columns[0]);
        shoal_vector_append_i64(&b.columns[1], i + 1);
    }
    b.count = 8;
    shoal_agg_spec s[2] = {{SHOAL_AGG_COUNT_STAR, -1, t[1]}, {SHOAL_AGG_SUM, 1, t[1]}};
    int key = 0;
    for (int packed = 0; packed < 2; packed++) {
        shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 2, s);
        if (!packed) shoal_hash_agg_disable_packed_keys(agg);
        shoal_hash_agg_add(agg, &b);
        shoal_hash_agg_add(agg, &b);
        int n;
        char **lines = render(agg, &n);
        CU_ASSERT_EQUAL_FATAL(n, 4);
        CU_ASSERT_STRING_EQUAL(lines[0], "ABCDEFGH|4|12|"); /* sorted as text: 'H' < '|' */
        CU_ASSERT_STRING_EQUAL(lines[1], "ABCDEFG|4|20|");
        CU_ASSERT_STRING_EQUAL(lines[2], "NULL|4|22|");
        CU_ASSERT_STRING_EQUAL(lines[3], "|4|18|");
        free_lines(lines, n);
        shoal_hash_agg_free(agg);
    }
    shoal_batch_free(&b);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("aggregate", NULL, NULL);
    CU_add_test(suite, "partial + final = complete", test_partial_then_final_equals_complete);
    CU_add_test(suite, "hand-computed values", test_hand_computed_values);
    CU_add_test(suite, "empty input without GROUP BY", test_empty_input_without_group_by);
    CU_add_test(suite, "many groups (rehash)", test_many_groups_rehash);
    CU_add_test(suite, "packed keys = general table", test_packed_keys_vs_general);
    CU_add_test(suite, "short and long string keys", test_short_and_long_string_keys);
    CU_add_test(suite, "integer sums at the int64 extremes", test_integer_sums_at_the_extremes);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
