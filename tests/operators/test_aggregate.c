/* CUnit tests of hash aggregation: grouping, every aggregate, NULLs, empty input, and that
 * PARTIAL on several slices followed by FINAL equals COMPLETE over all rows. */
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

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("aggregate", NULL, NULL);
    CU_add_test(suite, "partial + final = complete", test_partial_then_final_equals_complete);
    CU_add_test(suite, "hand-computed values", test_hand_computed_values);
    CU_add_test(suite, "empty input without GROUP BY", test_empty_input_without_group_by);
    CU_add_test(suite, "many groups (rehash)", test_many_groups_rehash);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
