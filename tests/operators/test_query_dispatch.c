/* CUnit test of distributed query execution, run under mpirun on 1-4 ranks: each rank scans
 * its own synthetic slice (a test scan source), the fragment aggregates partially, the leader
 * merges (FINAL), sorts and limits. The result must not depend on the rank count. Also: an
 * error raised by one rank's scan reaches the leader with that rank. */
#include "engine/exec/query_dispatch.h"
#include "runtime/system_actor.h"

#include <CUnit/Basic.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

static int my_rank, world_size;
#define TOTAL_ROWS 100000 /* rows over the whole cluster: row i lives on rank i % world_size */

typedef struct synthetic_scan {
    int64_t next, fail_at;
} synthetic_scan;

/* Table: (k BIGINT = i % 7, v DECIMAL(15,2) = i cents, name VARCHAR = "n<i%3>") */
static bool synthetic_next(void *state, shoal_batch *out, shoal_eval_error *err)
{
    synthetic_scan *s = state;
    uint32_t n = 0;
    while (s->next < TOTAL_ROWS && n < SHOAL_BATCH_ROWS) {
        int64_t i = s->next;
        s->next += world_size;
        if (i == s->fail_at) return shoal_eval_fail(err, "XX001", "block checksum mismatch in row %lld", (long long)i);
        shoal_vector_append_i64(&out->columns[0], i % 7);
        shoal_vector_append_i64(&out->columns[1], i);
        char name[8];
        int len = snprintf(name, sizeof name, "n%d", (int)(i % 3));
        shoal_vector_append_string(&out->columns[2], name, (uint32_t)len);
        n++;
    }
    out->count = n;
    return n > 0;
}

static bool open_synthetic(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *src, shoal_eval_error *err)
{
    synthetic_scan *s = calloc(1, sizeof *s);
    s->next = my_rank;
    s->fail_at = scan->table_id == 666 ? TOTAL_ROWS - 1 : -1; /* table 666: the last row's rank fails */
    src->state = s;
    src->next = synthetic_next;
    src->close = free;
    return true;
}

typedef struct collected {
    int rows;
    char text[64][128];
} collected;

static void collect(void *arg, const shoal_batch *b)
{
    collected *c = arg;
    for (uint32_t i = 0; i < shoal_batch_rows(b); i++) {
        uint32_t r = shoal_batch_row(b, i);
        char line[128] = "";
        for (int col = 0; col < b->column_count; col++) {
            char cell[48];
            if (shoal_vector_is_null(&b->columns[col], r)) strcpy(cell, "NULL");
            else shoal_vector_format(&b->columns[col], r, cell, sizeof cell);
            strcat(line, cell);
            strcat(line, "|");
        }
        if (c->rows < 64) strcpy(c->text[c->rows], line);
        c->rows++;
    }
}

/* fragment: SCAN(k, v, name) -> AGGREGATE PARTIAL by k: count(*), sum(v), max(name)
 * final:    RECEIVE -> AGGREGATE FINAL -> SORT by sum desc LIMIT 3 */
static void build_plans(shoal_arena *a, uint32_t table_id, shoal_plan **fragment, shoal_plan **final_plan)
{
    /* in the arena: the plan is serialized after this function returns */
    shoal_type *t3 = shoal_arena_alloc(a, 3 * sizeof(shoal_type));
    t3[0] = shoal_type_make(SHOAL_TYPE_BIGINT);
    t3[1] = shoal_type_decimal(15, 2);
    t3[2] = shoal_type_string(SHOAL_TYPE_VARCHAR, 8);
    shoal_plan *scan = shoal_plan_new(a, SHOAL_PLAN_SCAN, NULL, 3);
    scan->table_id = table_id;
    scan->table_column_count = 3;
    scan->table_types = t3;
    scan->scan_count = 3;
    static int32_t cols[3] = {0, 1, 2};
    scan->scan_columns = cols;
    for (int i = 0; i < 3; i++) { scan->types[i] = t3[i]; scan->names[i] = "c"; }

    static shoal_agg_spec aggs[3];
    aggs[0] = (shoal_agg_spec){.func = SHOAL_AGG_COUNT_STAR, .input = -1, .input_type = t3[0]};
    aggs[1] = (shoal_agg_spec){.func = SHOAL_AGG_SUM, .input = 1, .input_type = t3[1]};
    aggs[2] = (shoal_agg_spec){.func = SHOAL_AGG_MAX, .input = 2, .input_type = t3[2]};
    static int32_t key0 = 0;
    shoal_hash_agg *probe = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, 1, &key0, t3, 3, aggs);
    int pn = shoal_hash_agg_output_count(probe);
    shoal_plan *partial = shoal_plan_new(a, SHOAL_PLAN_AGGREGATE, scan, pn);
    shoal_hash_agg_output_types(probe, partial->types);
    shoal_hash_agg_free(probe);
    for (int i = 0; i < pn; i++) partial->names[i] = "p";
    partial->agg_mode = SHOAL_AGG_PARTIAL;
    partial->key_count = 1;
    partial->key_columns = &key0;
    partial->agg_count = 3;
    partial->aggs = aggs;
    *fragment = partial;

    shoal_plan *recv = shoal_plan_new(a, SHOAL_PLAN_RECEIVE, NULL, pn);
    memcpy(recv->types, partial->types, sizeof(shoal_type) * (size_t)pn);
    for (int i = 0; i < pn; i++) recv->names[i] = "p";
    probe = shoal_hash_agg_create(SHOAL_AGG_FINAL, 1, &key0, t3, 3, aggs);
    shoal_plan *fin = shoal_plan_new(a, SHOAL_PLAN_AGGREGATE, recv, 4);
    shoal_hash_agg_output_types(probe, fin->types);
    shoal_hash_agg_free(probe);
    for (int i = 0; i < 4; i++) fin->names[i] = "f";
    fin->agg_mode = SHOAL_AGG_FINAL;
    fin->key_count = 1;
    fin->key_columns = &key0;
    fin->agg_count = 3;
    fin->aggs = aggs;
    shoal_plan *sort = shoal_plan_new(a, SHOAL_PLAN_SORT, fin, 4);
    memcpy(sort->types, fin->types, sizeof(shoal_type) * 4);
    for (int i = 0; i < 4; i++) sort->names[i] = "s";
    static shoal_sort_key key = {2, true, true};
    sort->sort_key_count = 1;
    sort->sort_keys = &key;
    sort->limit = 3;
    *final_plan = sort;
}

static void test_partial_final_over_ranks(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    shoal_query_service_start(rt, open_synthetic, NULL);
    if (my_rank == 0) {
        shoal_arena a;
        shoal_arena_init(&a, 4096);
        shoal_plan *fragment, *final_plan;
        build_plans(&a, 1, &fragment, &final_plan);
        collected c = {0};
        shoal_query_result res;
        shoal_query_run(rt, fragment, final_plan, collect, &c, &res);
        CU_ASSERT_EQUAL(res.status, SHOAL_REQUEST_OK);
        CU_ASSERT_EQUAL_FATAL(c.rows, 3);
        /* k = i % 7 over i < 100000: group 6 has the largest sum (hand-computed below) */
        long long sums[7] = {0}, counts[7] = {0};
        for (long long i = 0; i < TOTAL_ROWS; i++) { sums[i % 7] += i; counts[i % 7]++; }
        char expect[3][128];
        int order[7] = {0, 1, 2, 3, 4, 5, 6};
        for (int x = 0; x < 7; x++)
            for (int y = x + 1; y < 7; y++)
                if (sums[order[y]] > sums[order[x]]) { int t = order[x]; order[x] = order[y]; order[y] = t; }
        for (int k = 0; k < 3; k++) {
            int g = order[k];
            snprintf(expect[k], sizeof expect[k], "%d|%lld|%lld.%02lld|n2|", g, counts[g], sums[g] / 100, sums[g] % 100);
            CU_ASSERT_STRING_EQUAL(c.text[k], expect[k]);
        }
        uint64_t scanned = 0;
        for (int r = 0; r < res.rank_count; r++) scanned += res.rank_stats[r].rows_scanned;
        CU_ASSERT_EQUAL(scanned, TOTAL_ROWS);
        free(res.rank_stats);
        free(res.step_stats);

        /* A failing rank: the error names it, and the next query still works. */
        build_plans(&a, 666, &fragment, &final_plan);
        memset(&c, 0, sizeof c);
        shoal_query_run(rt, fragment, final_plan, collect, &c, &res);
        CU_ASSERT_EQUAL(res.status, SHOAL_REQUEST_ERROR);
        CU_ASSERT_EQUAL(res.error.rank, (TOTAL_ROWS - 1) % world_size);
        CU_ASSERT_STRING_EQUAL(res.error.sqlstate, "XX001");
        CU_ASSERT(strstr(res.error.message, "checksum") != NULL);
        free(res.rank_stats);
        free(res.step_stats);
        build_plans(&a, 1, &fragment, &final_plan);
        memset(&c, 0, sizeof c);
        shoal_query_run(rt, fragment, final_plan, collect, &c, &res);
        CU_ASSERT_EQUAL(res.status, SHOAL_REQUEST_OK);
        CU_ASSERT_EQUAL(c.rows, 3);
        free(res.rank_stats);
        free(res.step_stats);
        shoal_arena_reset(&a);
        for (int r = 0; r < world_size; r++)
            shoal_send_payload(rt, NULL, shoal_addr_make(r, SHOAL_ACTOR_SYSTEM), SHOAL_MSG_SHUTDOWN, 0, NULL, 0);
    }
    CU_ASSERT_EQUAL(shoal_rt_run(rt, NULL, NULL, 60000), SHOAL_RUN_STOPPED);
    shoal_rt_destroy(rt);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("query_dispatch", NULL, NULL);
    CU_add_test(suite, "partial/final aggregation over ranks", test_partial_final_over_ranks);
    CU_basic_set_mode(my_rank == 0 ? CU_BRM_VERBOSE : CU_BRM_SILENT);
    CU_basic_run_tests();
    int failures = (int)CU_get_number_of_failures(), total = 0;
    CU_cleanup_registry();
    MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Finalize();
    return total == 0 ? 0 : 1;
}
