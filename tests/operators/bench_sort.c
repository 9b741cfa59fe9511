/* Micro-benchmark of the sorter (built, not run by ctest): 4M rows (default) in 2048-row
 * batches, timed from the first add to the last batch out, for
 *   1. (INTEGER partition key with 1000 distinct values, BIGINT order key) — the WINDOW sort
 *   2. one VARCHAR key (random 4..24-byte strings sharing an 8-byte prefix)
 *   3. (DECIMAL(12,2) DESC NULLS FIRST with 10% NULLs, INTEGER)
 *   4. one INTEGER key without NULLs (the radix path, for comparison)
 *   5. top-100 of 6M rows by (DOUBLE DESC, INTEGER)
 * Prints the best total (adds + finish + output) and the best shoal_sorter_finish alone. The
 * checksum over the output's first rows per batch must not change between sorter versions.
 * Usage: bench_sort [rows] [repeats] */
#include "engine/exec/sort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { BATCH = SHOAL_BATCH_ROWS };

/* Builds the input batches once: columns (INTEGER a, BIGINT b, VARCHAR c, DECIMAL d, DOUBLE e). */
static shoal_type types[5];
static shoal_batch *batches;
static int nbatches;

static void generate(uint32_t rows)
{
    types[0] = shoal_type_make(SHOAL_TYPE_INTEGER);
    types[1] = shoal_type_make(SHOAL_TYPE_BIGINT);
    types[2] = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    types[3] = shoal_type_decimal(12, 2);
    types[4] = shoal_type_make(SHOAL_TYPE_DOUBLE);
    nbatches = (int)((rows + BATCH - 1) / BATCH);
    batches = calloc((size_t)nbatches, sizeof *batches);
    for (int bi = 0; bi < nbatches; bi++) {
        shoal_batch *b = &batches[bi];
        uint32_t n = rows - (uint32_t)bi * BATCH < BATCH ? rows - (uint32_t)bi * BATCH : BATCH;
        shoal_batch_init(b, 5, types, BATCH);
        for (uint32_t i = 0; i < n; i++) {
            shoal_vector_append_i64(&b->columns[0], (int64_t)(rnd() % 1000));
            shoal_vector_append_i64(&b->columns[1], (int64_t)rnd());
            char buf[32] = "prefix__";
            int len = 4 + (int)(rnd() % 21);
            for (int j = 8; j < len; j++) buf[j] = (char)('a' + rnd() % 26);
            shoal_vector_append_string(&b->columns[2], buf, (uint32_t)len);
            if (rnd() % 10 == 0) shoal_vector_append_null(&b->columns[3]);
            else shoal_vector_append_i64(&b->columns[3], (int64_t)(rnd() % 100000000) - 50000000);
            shoal_vector_append_f64(&b->columns[4], (double)(rnd() % 1000000) / 7.0);
        }
        b->count = n;
    }
}

static double finish_time; /* of the last run: shoal_sorter_finish alone */

static double run(int nkeys, const shoal_sort_key *keys, int64_t limit, uint64_t *checksum)
{
    double t0 = now();
    shoal_sorter *s = shoal_sorter_create(5, types, nkeys, keys, limit);
    for (int bi = 0; bi < nbatches; bi++) shoal_sorter_add(s, &batches[bi]);
    double t1 = now();
    shoal_sorter_finish(s);
    finish_time = now() - t1;
    shoal_batch out;
    shoal_batch_init(&out, 5, types, BATCH);
    uint64_t sum = 0;
    while (shoal_sorter_next(s, &out)) sum = sum * 31 + (uint64_t)((const int32_t *)out.columns[0].data)[0];
    shoal_batch_free(&out);
    shoal_sorter_free(s);
    *checksum = sum;
    return now() - t0;
}

static void bench(const char *name, int nkeys, const shoal_sort_key *keys, int64_t limit, int repeats)
{
    double best = 1e30, best_finish = 1e30;
    uint64_t sum = 0;
    for (int r = 0; r < repeats; r++) {
        double t = run(nkeys, keys, limit, &sum);
        if (t < best) best = t;
        if (finish_time < best_finish) best_finish = finish_time;
    }
    printf("%-44s total %7.3f s, sort (finish) %7.3f s  (checksum %016llx)\n", name, best, best_finish,
           (unsigned long long)sum);
}

int main(int argc, char **argv)
{
    uint32_t rows = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 4000000u;
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    const char *only = argc > 3 ? argv[3] : NULL;
    generate(rows);
    printf("%u rows, best of %d\n", rows, repeats);
    shoal_sort_key k_window[2] = {{0, false, false}, {1, false, false}};
    shoal_sort_key k_string[1] = {{2, false, false}};
    shoal_sort_key k_decimal[2] = {{3, true, true}, {0, false, false}};
    shoal_sort_key k_int[1] = {{0, false, false}};
    shoal_sort_key k_top[2] = {{4, true, true}, {0, false, false}};
    if (!only || strstr(only, "window")) bench("(int32 1000 distinct, int64)", 2, k_window, -1, repeats);
    if (!only || strstr(only, "string")) bench("(varchar)", 1, k_string, -1, repeats);
    if (!only || strstr(only, "decimal")) bench("(decimal DESC NULLS FIRST, int32)", 2, k_decimal, -1, repeats);
    if (!only || strstr(only, "int")) bench("(int32) radix path", 1, k_int, -1, repeats);
    for (int bi = 0; bi < nbatches; bi++) shoal_batch_free(&batches[bi]);
    free(batches);
    if (!only || strstr(only, "top")) {
        uint32_t top_rows = rows / 2 * 3; /* 6M for the default 4M */
        generate(top_rows);
        char name[64];
        snprintf(name, sizeof name, "top-100 of %u by (double DESC, int32)", top_rows);
        bench(name, 2, k_top, 100, repeats);
        for (int bi = 0; bi < nbatches; bi++) shoal_batch_free(&batches[bi]);
        free(batches);
    }
    return 0;
}
