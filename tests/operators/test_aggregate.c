/* CUnit tests of hash aggregation: grouping, every aggregate, NULLs, empty input, that
 * PARTIAL on several slices followed by FINAL equals COMPLETE over all rows (and merge specs
 * do what FINAL does), LISTAGG, the 22003/54000 range errors at finish, and that the
 * packed-key table and the group-by-group updates give what the general table and row-by-row
 * updates give, on every key type, NULLs, strings that do and do not pack, selections. */
#include "engine/exec/aggregate.h"
#include "engine/exec/plan.h"
#include "runtime/serialize.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

/* a spec without the LISTAGG fields */
#define SPEC(f, in, t) ((shoal_agg_spec){.func = (f), .input = (in), .input_type = (t)})

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
    s[0] = SPEC(SHOAL_AGG_COUNT_STAR, -1, shoal_type_make(SHOAL_TYPE_BIGINT));
    s[1] = SPEC(SHOAL_AGG_COUNT, 1, shoal_type_decimal(15, 2));
    s[2] = SPEC(SHOAL_AGG_SUM, 1, shoal_type_decimal(15, 2));
    s[3] = SPEC(SHOAL_AGG_AVG, 1, shoal_type_decimal(15, 2));
    s[4] = SPEC(SHOAL_AGG_SUM, 2, shoal_type_make(SHOAL_TYPE_DOUBLE));
    s[5] = SPEC(SHOAL_AGG_MIN, 3, shoal_type_make(SHOAL_TYPE_DATE));
    s[6] = SPEC(SHOAL_AGG_MAX, 0, shoal_type_string(SHOAL_TYPE_VARCHAR, 10));
    s[7] = SPEC(SHOAL_AGG_MIN, 1, shoal_type_decimal(15, 2));
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
    shoal_agg_spec s[4] = {SPEC(SHOAL_AGG_COUNT_STAR, -1, t[1]), SPEC(SHOAL_AGG_SUM, 1, t[1]),
                           SPEC(SHOAL_AGG_AVG, 1, t[1]), SPEC(SHOAL_AGG_COUNT, 1, t[1])};
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
    shoal_agg_spec s[3] = {SPEC(SHOAL_AGG_COUNT_STAR, -1, t), SPEC(SHOAL_AGG_SUM, 0, t), SPEC(SHOAL_AGG_MAX, 0, t)};
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
    shoal_agg_spec s[1] = {SPEC(SHOAL_AGG_COUNT_STAR, -1, t[0])};
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
    s[na++] = SPEC(SHOAL_AGG_COUNT_STAR, -1, wide_types[0]);
    for (int c = 0; c < WIDE_COLS; c++) {
        shoal_type t = wide_types[c];
        s[na++] = SPEC(SHOAL_AGG_COUNT, c, t);
        if (c != 3 && c != 4 && c != 5) s[na++] = SPEC(c % 2 ? SHOAL_AGG_SUM : SHOAL_AGG_AVG, c, t);
        s[na++] = SPEC(c % 2 ? SHOAL_AGG_MIN : SHOAL_AGG_MAX, c, t);
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
        shoal_agg_spec s[3] = {SPEC(SHOAL_AGG_SUM, 1, t[1]), SPEC(SHOAL_AGG_COUNT, 1, t[1]), SPEC(SHOAL_AGG_AVG, 1, t[1])};
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
    shoal_agg_spec s[2] = {SPEC(SHOAL_AGG_COUNT_STAR, -1, t[1]), SPEC(SHOAL_AGG_SUM, 1, t[1])};
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

/* Adds every output batch of `from` to `to`, each `times` times. */
static void pour(shoal_hash_agg *from, shoal_hash_agg *to, int times)
{
    shoal_type t[64];
    shoal_hash_agg_output_types(from, t);
    shoal_batch out;
    shoal_batch_init(&out, shoal_hash_agg_output_count(from), t, SHOAL_BATCH_ROWS);
    uint64_t cursor = 0;
    while (shoal_hash_agg_next(from, &cursor, &out))
        for (int i = 0; i < times; i++) shoal_hash_agg_add(to, &out);
    shoal_batch_free(&out);
}

/* The states of PARTIAL nodes, combined by a PARTIAL node of merge specs (states in, states
 * out), then finished by a COMPLETE node of merge specs that also aggregates a column of the
 * rows itself: COMPLETE's values over the rows (the planner's two-level DISTINCT aggregation). */
static void test_merge_specs(void)
{
    int na;
    const shoal_agg_spec *s = specs(&na);
    int key_col = 0;
    shoal_batch slices[3];
    for (int i = 0; i < 3; i++) make_input(&slices[i], 400 + 200 * i, 11u + (unsigned)i);
    shoal_hash_agg *complete = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key_col, &input_types[0], na, s);
    for (int i = 0; i < 3; i++) shoal_hash_agg_add(complete, &slices[i]);

    shoal_agg_spec ms[9];
    shoal_type scratch[SHOAL_AGG_MAX_STATES];
    for (int a = 0, c = 1; a < na; c += shoal_agg_state_types(&s[a], scratch), a++) {
        ms[a] = s[a];
        ms[a].merge = true;
        ms[a].input = c;
    }
    shoal_hash_agg *combine = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, 1, &key_col, &input_types[0], na, ms);
    int pc = 0;
    for (int i = 0; i < 3; i++) {
        shoal_hash_agg *partial = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, 1, &key_col, &input_types[0], na, s);
        shoal_hash_agg_add(partial, &slices[i]);
        pc = shoal_hash_agg_output_count(partial);
        pour(partial, combine, 1);
        shoal_hash_agg_free(partial);
    }
    CU_ASSERT_EQUAL(shoal_hash_agg_output_count(combine), pc);
    ms[na] = SPEC(SHOAL_AGG_COUNT, 0, input_types[0]); /* over the combined rows: 1 a group, 0 for NULL */
    shoal_hash_agg *finish = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key_col, &input_types[0], na + 1, ms);
    pour(combine, finish, 1);
    shoal_eval_error err = {0};
    CU_ASSERT_TRUE(shoal_hash_agg_finish(finish, &err));
    int n1, n2;
    char **a = render(complete, &n1), **b = render(finish, &n2);
    CU_ASSERT_EQUAL_FATAL(n1, 5);
    CU_ASSERT_EQUAL_FATAL(n2, 5);
    for (int i = 0; i < n1; i++) {
        char want[1100];
        snprintf(want, sizeof want, "%s%d|", a[i], strncmp(a[i], "NULL|", 5) == 0 ? 0 : 1);
        CU_ASSERT_STRING_EQUAL(b[i], want);
    }
    free_lines(a, n1);
    free_lines(b, n2);
    shoal_hash_agg_free(complete);
    shoal_hash_agg_free(combine);
    shoal_hash_agg_free(finish);
    for (int i = 0; i < 3; i++) shoal_batch_free(&slices[i]);
}

static shoal_type listagg_types[3];

/* Rows (key, value, ord) for the LISTAGG tests; value NULL where v[i] is NULL. */
static void listagg_rows(shoal_batch *b, int n, const char *const *k, const char *const *v, const int *ord)
{
    listagg_types[0] = shoal_type_string(SHOAL_TYPE_VARCHAR, 4);
    listagg_types[1] = shoal_type_string(SHOAL_TYPE_VARCHAR, 8);
    listagg_types[2] = shoal_type_make(SHOAL_TYPE_INTEGER);
    shoal_batch_init(b, 3, listagg_types, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        shoal_vector_append_string(&b->columns[0], k[i], (uint32_t)strlen(k[i]));
        if (v[i]) shoal_vector_append_string(&b->columns[1], v[i], (uint32_t)strlen(v[i]));
        else shoal_vector_append_null(&b->columns[1]);
        shoal_vector_append_i64(&b->columns[2], ord[i]);
    }
    b->count = (uint32_t)n;
}

/* LISTAGG: NULLs and empty strings skipped, a group with neither gives NULL, ORDER BY DESC
 * with a tie broken by the value, no ORDER BY = by value, no delimiter, two batches, a
 * selection vector. */
static void test_listagg(void)
{
    const char *k[] = {"A", "A", "A", "A", "B", "A", "C", "B"};
    const char *v[] = {"x", "y", NULL, "", "z", "w", NULL, "q"};
    int ord[] = {3, 1, 2, 0, 5, 1, 1, 9};
    shoal_batch b1, b2;
    listagg_rows(&b1, 4, k, v, ord);
    listagg_rows(&b2, 4, k + 4, v + 4, ord + 4);
    shoal_batch_select_all(&b2); /* without B's "q" */
    b2.sel_count = 3;
    shoal_sort_key desc = {2, true, true};
    shoal_type vt = listagg_types[1];
    shoal_agg_spec s[3] = {SPEC(SHOAL_AGG_LISTAGG, 1, vt), SPEC(SHOAL_AGG_LISTAGG, 1, vt), SPEC(SHOAL_AGG_COUNT_STAR, -1, vt)};
    s[0].delimiter = ", ";
    s[0].delimiter_len = 2;
    s[0].order_count = 1;
    s[0].order = &desc;
    int key = 0;
    shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, listagg_types, 3, s);
    shoal_hash_agg_add(agg, &b1);
    shoal_hash_agg_add(agg, &b2);
    shoal_eval_error err = {0};
    CU_ASSERT_TRUE(shoal_hash_agg_finish(agg, &err));
    shoal_type ot[4];
    shoal_hash_agg_output_types(agg, ot);
    CU_ASSERT_EQUAL(ot[1].id, SHOAL_TYPE_VARCHAR);
    CU_ASSERT_EQUAL(ot[1].length, SHOAL_LISTAGG_MAX_BYTES);
    int n;
    char **lines = render(agg, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(lines[0], "A|x, w, y|wxy|5|");
    CU_ASSERT_STRING_EQUAL(lines[1], "B|z|z|1|");
    CU_ASSERT_STRING_EQUAL(lines[2], "C|NULL|NULL|1|");
    free_lines(lines, n);
    shoal_hash_agg_free(agg);

    /* without GROUP BY over empty input: one row, NULL */
    agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 0, NULL, NULL, 1, s);
    lines = render(agg, &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(lines[0], "NULL|");
    free_lines(lines, n);
    shoal_hash_agg_free(agg);
    shoal_batch_free(&b1);
    shoal_batch_free(&b2);
}

/* LISTAGG's 65535 bytes: exactly that many is a value, one more is 54000. */
static void test_listagg_limit(void)
{
    shoal_type t[2] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_string(SHOAL_TYPE_VARCHAR, 8)};
    for (int extra = 0; extra < 2; extra++) {
        shoal_agg_spec s[1] = {SPEC(SHOAL_AGG_LISTAGG, 1, t[1])};
        s[0].delimiter = "--"; /* 21845 values "a": 21845 + 2 * 21844 = 65533 bytes */
        s[0].delimiter_len = 2;
        int key = 0;
        shoal_hash_agg *agg = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 1, s);
        int total = 21845, done = 0;
        while (done < total) {
            shoal_batch b;
            shoal_batch_init(&b, 2, t, SHOAL_BATCH_ROWS);
            for (; done < total && b.columns[0].count < SHOAL_BATCH_ROWS; done++) {
                shoal_vector_append_i64(&b.columns[0], 7);
                /* the last value has 2 more bytes, or 3 */
                shoal_vector_append_string(&b.columns[1], "zzzz", done == total - 1 ? 3u + (uint32_t)extra : 1u);
            }
            b.count = b.columns[0].count;
            shoal_hash_agg_add(agg, &b);
            shoal_batch_free(&b);
        }
        shoal_eval_error err = {0};
        bool ok = shoal_hash_agg_finish(agg, &err);
        CU_ASSERT_EQUAL(ok, extra == 0);
        if (ok) {
            shoal_type ot[2];
            shoal_hash_agg_output_types(agg, ot);
            shoal_batch out;
            shoal_batch_init(&out, 2, ot, SHOAL_BATCH_ROWS);
            uint64_t cursor = 0;
            CU_ASSERT_TRUE(shoal_hash_agg_next(agg, &cursor, &out));
            const shoal_string *str = out.columns[1].data;
            CU_ASSERT_EQUAL(str[0].len, SHOAL_LISTAGG_MAX_BYTES);
            CU_ASSERT_EQUAL(memcmp(str[0].ptr + SHOAL_LISTAGG_MAX_BYTES - 5, "--zzz", 5), 0);
            shoal_batch_free(&out);
        } else {
            CU_ASSERT_STRING_EQUAL(err.sqlstate, "54000");
        }
        shoal_hash_agg_free(agg);
    }
}

/* One group of the given int64 (BIGINT) or int128 (DECIMAL(38,s)) values through func in
 * `mode` (FINAL: over one PARTIAL's states); whether finish succeeds, and its SQLSTATE. */
static bool finish_of(shoal_agg_func func, shoal_type t, const shoal_int128 *v, int n, shoal_agg_mode mode, char *sqlstate)
{
    shoal_type kt[2] = {shoal_type_make(SHOAL_TYPE_INTEGER), t};
    shoal_batch b;
    shoal_batch_init(&b, 2, kt, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        shoal_vector_append_i64(&b.columns[0], 1);
        if (t.id == SHOAL_TYPE_BIGINT) shoal_vector_append_i64(&b.columns[1], (int64_t)v[i]);
        else shoal_vector_append_i128(&b.columns[1], v[i]);
    }
    b.count = (uint32_t)n;
    shoal_agg_spec s[1] = {SPEC(func, 1, t)};
    int key = 0;
    shoal_hash_agg *agg = shoal_hash_agg_create(mode == SHOAL_AGG_FINAL ? SHOAL_AGG_PARTIAL : mode, 1, &key, kt, 1, s);
    shoal_hash_agg_add(agg, &b);
    shoal_eval_error err = {0};
    bool ok = shoal_hash_agg_finish(agg, &err);
    if (ok && mode == SHOAL_AGG_FINAL) {
        shoal_hash_agg *fin = shoal_hash_agg_create(SHOAL_AGG_FINAL, 1, &key, kt, 1, s);
        pour(agg, fin, 2); /* the same states twice: as from two ranks */
        ok = shoal_hash_agg_finish(fin, &err);
        shoal_hash_agg_free(fin);
    }
    strcpy(sqlstate, ok ? "" : err.sqlstate);
    shoal_hash_agg_free(agg);
    shoal_batch_free(&b);
    return ok;
}

/* PARTIAL states of {max, max} (past int128: a carry) and of {-max}, merged by FINAL in both
 * orders: SUM max and AVG max / 3, as over the rows in any order (DECIMAL(38,6)). */
static void test_sum_carry_across_states(void)
{
    shoal_type kt[2] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_decimal(38, 6)};
    shoal_int128 max38 = shoal_pow10_i128(38) - 1, v[3] = {max38, max38, -max38};
    int key = 0;
    shoal_agg_spec s[2] = {SPEC(SHOAL_AGG_SUM, 1, kt[1]), SPEC(SHOAL_AGG_AVG, 1, kt[1])};
    for (int order = 0; order < 2; order++) {
        shoal_hash_agg *part[2], *fin = shoal_hash_agg_create(SHOAL_AGG_FINAL, 1, &key, kt, 2, s);
        for (int p = 0; p < 2; p++) {
            shoal_batch b;
            shoal_batch_init(&b, 2, kt, 4);
            for (int i = p ? 2 : 0; i < (p ? 3 : 2); i++) {
                shoal_vector_append_i64(&b.columns[0], 1);
                shoal_vector_append_i128(&b.columns[1], v[i]);
            }
            b.count = b.columns[0].count;
            part[p] = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, 1, &key, kt, 2, s);
            shoal_hash_agg_add(part[p], &b);
            shoal_batch_free(&b);
        }
        CU_ASSERT_EQUAL(shoal_hash_agg_output_count(part[0]), 7); /* key, 2 x (sum, count, carry) */
        for (int i = 0; i < 2; i++) pour(part[order ? 1 - i : i], fin, 1);
        shoal_eval_error err = {0};
        CU_ASSERT_TRUE(shoal_hash_agg_finish(fin, &err));
        int n;
        char **lines = render(fin, &n);
        CU_ASSERT_EQUAL_FATAL(n, 1);
        CU_ASSERT_STRING_EQUAL(lines[0], "1|99999999999999999999999999999999.999999|33333333333333333333333333333333.333333|");
        free_lines(lines, n);
        for (int p = 0; p < 2; p++) shoal_hash_agg_free(part[p]);
        shoal_hash_agg_free(fin);
    }
}

/* SUM of BIGINT past int64, of DECIMAL(38) past 38 digits or int128, AVG of DECIMAL past 38
 * digits: 22003 at finish; a sum that passes the range and comes back is fine. */
static void test_sum_out_of_range(void)
{
    shoal_type big = shoal_type_make(SHOAL_TYPE_BIGINT), d38 = shoal_type_decimal(38, 0), d386 = shoal_type_decimal(38, 6);
    shoal_int128 max38 = shoal_pow10_i128(38) - 1, six37 = 6 * shoal_pow10_i128(37);
    char st[6];
    shoal_int128 a[] = {INT64_MAX, 1, -1};
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_SUM, big, a, 2, SHOAL_AGG_COMPLETE, st));
    CU_ASSERT_STRING_EQUAL(st, "22003");
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, big, a, 3, SHOAL_AGG_COMPLETE, st));
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, big, a, 2, SHOAL_AGG_PARTIAL, st)); /* states are 128-bit */
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_AVG, big, a, 2, SHOAL_AGG_COMPLETE, st)); /* a DOUBLE */
    shoal_int128 m[] = {INT64_MIN, INT64_MIN / 2 + 1};
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_SUM, big, m, 1, SHOAL_AGG_FINAL, st)); /* 2 x INT64_MIN at the merge */
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, big, m + 1, 1, SHOAL_AGG_FINAL, st)); /* INT64_MIN + 2 */
    shoal_int128 d[] = {max38, max38, -max38, six37, six37};
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_SUM, d38, d, 2, SHOAL_AGG_COMPLETE, st)); /* past int128 while adding */
    CU_ASSERT_STRING_EQUAL(st, "22003");
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, d38, d, 2, SHOAL_AGG_PARTIAL, st)); /* the state carries */
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_SUM, d38, d, 1, SHOAL_AGG_FINAL, st)); /* 2 x max at the merge */
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, d38, d, 3, SHOAL_AGG_COMPLETE, st)); /* max + max - max */
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, d38, d + 1, 2, SHOAL_AGG_COMPLETE, st)); /* max - max */
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_SUM, d38, d + 3, 2, SHOAL_AGG_COMPLETE, st)); /* 1.2e38: 39 digits */
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_SUM, d38, d + 3, 2, SHOAL_AGG_PARTIAL, st));
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_SUM, d38, d + 3, 1, SHOAL_AGG_FINAL, st)); /* twice 6e37 at the merge */
    CU_ASSERT_TRUE(finish_of(SHOAL_AGG_AVG, d386, d + 3, 2, SHOAL_AGG_COMPLETE, st)); /* 6e31, scale 6 */
    CU_ASSERT_FALSE(finish_of(SHOAL_AGG_AVG, d38, d + 3, 2, SHOAL_AGG_COMPLETE, st)); /* 6e37 at scale 6 */
    CU_ASSERT_STRING_EQUAL(st, "22003");
}

/* An AGGREGATE with a merge spec and a LISTAGG (delimiter, WITHIN GROUP keys) over an EXPAND
 * through the wire form: every field back, the same EXPLAIN text. */
static void test_plan_wire_form(void)
{
    shoal_arena a, b;
    shoal_arena_init(&a, 4096);
    shoal_arena_init(&b, 4096);
    shoal_type it = shoal_type_make(SHOAL_TYPE_INTEGER), vt = shoal_type_string(SHOAL_TYPE_VARCHAR, 8);
    shoal_plan *recv = shoal_plan_new(&a, SHOAL_PLAN_RECEIVE, NULL, 2);
    recv->types[0] = it;
    recv->types[1] = vt;
    shoal_plan *ex = shoal_plan_new(&a, SHOAL_PLAN_EXPAND, recv, 3);
    ex->expand_count = 2;
    ex->exprs = shoal_arena_alloc(&a, sizeof(shoal_expr *) * 6);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 3; i++) ex->exprs[c * 3 + i] = shoal_expr_column(&a, i == 2 ? c : i % 2, i % 2 ? vt : it);
    ex->types[0] = it;
    ex->types[1] = vt;
    ex->types[2] = it;
    shoal_sort_key order[2] = {{2, true, false}, {0, false, true}};
    shoal_agg_spec s[2] = {SPEC(SHOAL_AGG_LISTAGG, 1, vt), SPEC(SHOAL_AGG_SUM, 2, it)};
    s[0].delimiter = "; ";
    s[0].delimiter_len = 2;
    s[0].order_count = 2;
    s[0].order = order;
    s[1].merge = true;
    shoal_plan *g = shoal_plan_new(&a, SHOAL_PLAN_AGGREGATE, ex, 1);
    g->agg_mode = SHOAL_AGG_COMPLETE;
    g->agg_count = 2;
    g->aggs = s;
    g->key_columns = shoal_arena_alloc(&a, sizeof(int32_t));
    g->types[0] = vt;
    shoal_writer w;
    shoal_writer_init(&w, 256);
    shoal_plan_serialize(g, &w);
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    shoal_plan *back = shoal_plan_deserialize(&r, &b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(shoal_reader_done(&r));
    CU_ASSERT_EQUAL_FATAL(back->agg_count, 2);
    const shoal_agg_spec *l = &back->aggs[0];
    CU_ASSERT_EQUAL(l->func, SHOAL_AGG_LISTAGG);
    CU_ASSERT_EQUAL(l->delimiter_len, 2);
    CU_ASSERT_EQUAL(memcmp(l->delimiter, "; ", 2), 0);
    CU_ASSERT_EQUAL_FATAL(l->order_count, 2);
    CU_ASSERT_TRUE(l->order[0].column == 2 && l->order[0].descending && !l->order[0].nulls_first);
    CU_ASSERT_TRUE(l->order[1].column == 0 && !l->order[1].descending && l->order[1].nulls_first);
    CU_ASSERT_FALSE(l->merge);
    CU_ASSERT_TRUE(back->aggs[1].merge);
    CU_ASSERT_EQUAL(back->aggs[1].order_count, 0);
    const shoal_plan *bx = back->child;
    CU_ASSERT_EQUAL_FATAL(bx->kind, SHOAL_PLAN_EXPAND);
    CU_ASSERT_EQUAL_FATAL(bx->expand_count, 2);
    for (int i = 0; i < 6; i++) CU_ASSERT_EQUAL(bx->exprs[i]->column, ex->exprs[i]->column);
    char e1[1024] = "", e2[1024] = "";
    shoal_plan_explain(g, 0, e1, sizeof e1);
    shoal_plan_explain(back, 0, e2, sizeof e2);
    CU_ASSERT_STRING_EQUAL(e1, e2);
    CU_ASSERT_PTR_NOT_NULL(strstr(e1, "Expand"));
    /* a truncated wire form fails instead of reading past the end */
    for (size_t cut = 1; cut < w.len; cut += 7) {
        shoal_reader_init(&r, w.data, cut);
        CU_ASSERT_PTR_NULL(shoal_plan_deserialize(&r, &b));
    }
    shoal_writer_free(&w);
    shoal_arena_reset(&a);
    shoal_arena_reset(&b);
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
    CU_add_test(suite, "merge specs (two-level aggregation)", test_merge_specs);
    CU_add_test(suite, "LISTAGG", test_listagg);
    CU_add_test(suite, "LISTAGG's 65535-byte limit", test_listagg_limit);
    CU_add_test(suite, "SUM/AVG out of range: 22003", test_sum_out_of_range);
    CU_add_test(suite, "SUM's carry through PARTIAL states", test_sum_carry_across_states);
    CU_add_test(suite, "merge, LISTAGG and EXPAND in the plan's wire form", test_plan_wire_form);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
