/* The load sorter against a reference stable sort (CUnit, no MPI): random rows with duplicate
 * keys, compound keys, NULLs in keys and values (NULLs sort last), keys spanning the whole
 * int64 range, strings inline and on the heap, many batches of odd sizes added with and without
 * selections, row groups of several sizes, and an emit that stops early. */
#include "engine/load/load_sort.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_ID, C_K1, C_K2, C_S, C_D, NCOLS };

typedef struct ref_row {
    int32_t id;
    bool k1_null, k2_null;
    int64_t k1;
    int16_t k2;
} ref_row;

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int key_count_g;
static int cmp_ref(const void *pa, const void *pb)
{
    const ref_row *a = pa, *b = pb;
    if (a->k1_null != b->k1_null) return a->k1_null ? 1 : -1;
    if (!a->k1_null && a->k1 != b->k1) return a->k1 < b->k1 ? -1 : 1;
    if (key_count_g > 1) {
        if (a->k2_null != b->k2_null) return a->k2_null ? 1 : -1;
        if (!a->k2_null && a->k2 != b->k2) return a->k2 < b->k2 ? -1 : 1;
    }
    return (a->id > b->id) - (a->id < b->id); /* stable: arrival order */
}

/* the expected string of row id (NULL every 13th row) */
static bool string_of(int32_t id, char *buf, uint32_t *len)
{
    if (id % 13 == 5) return false;
    uint32_t n = (uint32_t)(id * 7u) % 41u; /* 0..40 bytes: inline and heap */
    for (uint32_t i = 0; i < n; i++) buf[i] = (char)('a' + (id + i) % 26);
    *len = n;
    return true;
}

typedef struct check_state {
    const ref_row *expect;
    uint64_t at, count;
    uint32_t group_rows;
    bool ok;
    uint64_t stop_after; /* stop after this many emits (0: never) */
    uint64_t emits;
} check_state;

static bool check_emit(void *arg, const shoal_batch *b)
{
    check_state *st = arg;
    st->emits++;
    if (b->count != st->group_rows && st->at + b->count != st->count) st->ok = false; /* only the last is short */
    for (uint32_t i = 0; i < b->count && st->ok; i++) {
        const ref_row *r = &st->expect[st->at + i];
        int32_t id = ((const int32_t *)b->columns[C_ID].data)[i];
        if (id != r->id) {
            fprintf(stderr, "\n  row %llu: id %d, expected %d\n", (unsigned long long)(st->at + i), id, r->id);
            st->ok = false;
            break;
        }
        if (shoal_vector_is_null(&b->columns[C_K1], i) != r->k1_null) st->ok = false;
        if (!r->k1_null && ((const int64_t *)b->columns[C_K1].data)[i] != r->k1) st->ok = false;
        if (shoal_vector_is_null(&b->columns[C_K2], i) != r->k2_null) st->ok = false;
        if (!r->k2_null && ((const int16_t *)b->columns[C_K2].data)[i] != r->k2) st->ok = false;
        char want[64];
        uint32_t wlen;
        bool has = string_of(id, want, &wlen);
        if (shoal_vector_is_null(&b->columns[C_S], i) != !has) st->ok = false;
        shoal_string got = ((const shoal_string *)b->columns[C_S].data)[i];
        if (has && (got.len != wlen || memcmp(got.ptr, want, wlen) != 0)) st->ok = false;
        if (((const double *)b->columns[C_D].data)[i] != id * 0.5) st->ok = false;
    }
    st->at += b->count;
    return st->stop_after == 0 || st->emits < st->stop_after;
}

/* n rows, keys drawn by kind: 0 small range with many ties, 1 the whole int64 range, 2 a
 * constant; NULL keys when nulls. Rows go in through batches of odd sizes, every other one
 * through a selection of its odd rows. */
static void run_case(uint64_t n, int kind, bool nulls, int key_count, uint32_t group_rows, uint64_t stop_after)
{
    shoal_type types[NCOLS] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_make(SHOAL_TYPE_BIGINT),
                               shoal_type_make(SHOAL_TYPE_SMALLINT), shoal_type_string(SHOAL_TYPE_VARCHAR, 64),
                               shoal_type_make(SHOAL_TYPE_DOUBLE)};
    int32_t keys[2] = {C_K1, C_K2};
    shoal_load_sorter *s = shoal_load_sorter_create(NCOLS, types, key_count, keys);
    ref_row *ref = calloc(n + 1, sizeof *ref);
    uint64_t added = 0;
    int32_t next_id = 0;
    while (added < n) {
        uint32_t batch = 1 + (uint32_t)(next_rand() % 3000);
        if (batch > n - added) batch = (uint32_t)(n - added);
        bool select = next_rand() % 2;
        uint32_t rows_in = select ? 2 * batch : batch; /* with a selection, every other row goes in */
        shoal_batch b;
        shoal_batch_init(&b, NCOLS, types, rows_in);
        char buf[64];
        uint32_t taken = 0;
        for (uint32_t i = 0; i < rows_in; i++) {
            bool in = !select || (i % 2 == 1);
            if (in && added + taken >= n) in = false;
            int32_t id = in ? next_id++ : -1;
            ((int32_t *)b.columns[C_ID].data)[i] = id;
            int64_t k1;
            switch (kind) {
            case 0: k1 = (int64_t)(next_rand() % 500) - 250; break;
            case 1: k1 = (int64_t)next_rand(); break;
            default: k1 = 42; break;
            }
            int16_t k2 = (int16_t)(next_rand() % 7) - 3;
            bool k1n = nulls && next_rand() % 10 == 0, k2n = nulls && next_rand() % 5 == 0;
            ((int64_t *)b.columns[C_K1].data)[i] = k1;
            ((int16_t *)b.columns[C_K2].data)[i] = k2;
            if (k1n) shoal_vector_set_null(&b.columns[C_K1], i, true);
            if (k2n) shoal_vector_set_null(&b.columns[C_K2], i, true);
            uint32_t len = 0;
            if (in && string_of(id, buf, &len)) {
                ((shoal_string *)b.columns[C_S].data)[i] = shoal_vector_add_string(&b.columns[C_S], buf, len);
            } else {
                ((shoal_string *)b.columns[C_S].data)[i] = (shoal_string){NULL, 12345}; /* garbage behind NULL */
                shoal_vector_set_null(&b.columns[C_S], i, true);
            }
            ((double *)b.columns[C_D].data)[i] = id * 0.5;
            if (in) {
                ref[added + taken] = (ref_row){id, k1n, k2n, k1, k2};
                taken++;
            }
        }
        for (int c = 0; c < NCOLS; c++) b.columns[c].count = rows_in;
        b.count = rows_in;
        if (select) {
            uint32_t *sel = shoal_batch_select_all(&b);
            uint32_t m = 0;
            for (uint32_t i = 1; i < rows_in && m < taken; i += 2) sel[m++] = i;
            b.sel_count = m;
            if (next_rand() % 2) shoal_load_sorter_add(s, &b, NULL, 0);   /* the batch's selection */
            else shoal_load_sorter_add(s, &b, sel, m);                    /* an explicit row list */
        } else {
            shoal_load_sorter_add(s, &b, NULL, 0);
        }
        shoal_batch_free(&b);
        added += taken;
    }
    CU_ASSERT_EQUAL(shoal_load_sorter_rows(s), n);
    key_count_g = key_count;
    qsort(ref, n, sizeof *ref, cmp_ref);
    check_state st = {ref, 0, n, group_rows, true, stop_after, 0};
    bool finished = shoal_load_sorter_finish(s, group_rows, check_emit, &st);
    CU_ASSERT(st.ok);
    if (stop_after && n > (uint64_t)group_rows * stop_after) {
        CU_ASSERT(!finished);
        CU_ASSERT_EQUAL(st.emits, stop_after);
    } else {
        CU_ASSERT(finished);
        CU_ASSERT_EQUAL(st.at, n);
    }
    CU_ASSERT_EQUAL(shoal_load_sorter_rows(s), 0);
    shoal_load_sorter_free(s);
    free(ref);
}

static void test_small(void)
{
    run_case(0, 0, false, 1, 1000, 0);
    run_case(1, 0, true, 1, 1000, 0);
    run_case(5, 1, true, 2, 2, 0);
    run_case(1000, 0, false, 1, 1000, 0);
}

static void test_single_key(void)
{
    run_case(200000, 0, false, 1, 65536, 0); /* many ties: stability matters */
    run_case(150000, 1, false, 1, 4096, 0);  /* the whole int64 range */
    run_case(100000, 2, false, 1, 777, 0);   /* one value */
}

static void test_nulls_and_compound_keys(void)
{
    run_case(120000, 0, true, 1, 65536, 0);
    run_case(120000, 0, true, 2, 10000, 0);
    run_case(90000, 1, true, 2, 65536, 0);
    run_case(50000, 2, true, 2, 3333, 0);
}

static void test_stops_when_emit_fails(void)
{
    run_case(100000, 0, false, 1, 1000, 3);
}

static void test_supported_keys(void)
{
    CU_ASSERT(shoal_load_sort_key_supported(shoal_type_make(SHOAL_TYPE_DATE)));
    CU_ASSERT(shoal_load_sort_key_supported(shoal_type_make(SHOAL_TYPE_BOOLEAN)));
    CU_ASSERT(shoal_load_sort_key_supported(shoal_type_decimal(15, 2)));
    CU_ASSERT(!shoal_load_sort_key_supported(shoal_type_decimal(38, 2)));
    CU_ASSERT(!shoal_load_sort_key_supported(shoal_type_make(SHOAL_TYPE_DOUBLE)));
    CU_ASSERT(!shoal_load_sort_key_supported(shoal_type_string(SHOAL_TYPE_VARCHAR, 10)));
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("load_sort", NULL, NULL);
    CU_add_test(s, "small inputs", test_small);
    CU_add_test(s, "one key", test_single_key);
    CU_add_test(s, "NULLs and compound keys", test_nulls_and_compound_keys);
    CU_add_test(s, "emit stops early", test_stops_when_emit_fails);
    CU_add_test(s, "supported key types", test_supported_keys);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
