/* Aggregation micro-benchmark shaped like TPC-H Q1's partial aggregation on one rank at SF1:
 * two CHAR(1) keys (2-3 groups per 2048-row batch, as the shipdate-sorted lineitem gives),
 * 4 SUM and 3 AVG of DECIMAL(15,2) and 128-bit products, COUNT(*), a selection of 98% of the
 * rows. Usage: bench_aggregate [batches (1465 = 3M rows)] [repeats]; prints the best run.
 * Built, not run by ctest. */
#include "engine/exec/aggregate.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv)
{
    int B = argc > 1 ? atoi(argv[1]) : 1465, R = argc > 2 ? atoi(argv[2]) : 7;
    enum { NB = 16 };
    shoal_type types[9] = {shoal_type_string(SHOAL_TYPE_CHAR, 1), shoal_type_string(SHOAL_TYPE_CHAR, 1),
        shoal_type_decimal(15, 2), shoal_type_decimal(15, 2), shoal_type_decimal(31, 4), shoal_type_decimal(38, 6),
        shoal_type_decimal(15, 2), shoal_type_decimal(15, 2), shoal_type_decimal(15, 2)};
    shoal_batch b[NB];
    static const char *rf = "ARN", *ls = "FO";
    srand(1);
    for (int k = 0; k < NB; k++) {
        shoal_batch_init(&b[k], 9, types, 2048);
        int o = k % 3 == 0; /* some batches all 'O' */
        for (int i = 0; i < 2048; i++) {
            const char *f = o ? rf + 2 : rf + rand() % 2;
            shoal_vector_append_string(&b[k].columns[0], f, 1);
            shoal_vector_append_string(&b[k].columns[1], o ? ls + 1 : ls, 1);
            int64_t q = 100 + rand() % 5000, p = 90000 + rand() % 10000000, d = rand() % 11;
            shoal_vector_append_i64(&b[k].columns[2], q);
            shoal_vector_append_i64(&b[k].columns[3], p);
            shoal_vector_append_i128(&b[k].columns[4], (shoal_int128)p * (100 - d));
            shoal_vector_append_i128(&b[k].columns[5], (shoal_int128)p * (100 - d) * 104);
            shoal_vector_append_i64(&b[k].columns[6], q);
            shoal_vector_append_i64(&b[k].columns[7], p);
            shoal_vector_append_i64(&b[k].columns[8], d);
        }
        b[k].count = 2048;
        uint32_t *sel = shoal_batch_select_all(&b[k]), m = 0;
        for (uint32_t r = 0; r < 2048; r++) if (rand() % 50) sel[m++] = r;
        b[k].sel_count = m;
    }
    shoal_agg_spec s[8] = {{.func = SHOAL_AGG_SUM, .input = 2, .input_type = types[2]},
                           {.func = SHOAL_AGG_SUM, .input = 3, .input_type = types[3]},
                           {.func = SHOAL_AGG_SUM, .input = 4, .input_type = types[4]},
                           {.func = SHOAL_AGG_SUM, .input = 5, .input_type = types[5]},
                           {.func = SHOAL_AGG_AVG, .input = 6, .input_type = types[6]},
                           {.func = SHOAL_AGG_AVG, .input = 7, .input_type = types[7]},
                           {.func = SHOAL_AGG_AVG, .input = 8, .input_type = types[8]},
                           {.func = SHOAL_AGG_COUNT_STAR, .input = -1, .input_type = types[0]}};
    int keys[2] = {0, 1};
    double best = 1e9;
    for (int rep = 0; rep < R; rep++) {
        shoal_hash_agg *a = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, 2, keys, types, 8, s);
        double t0 = now();
        for (int i = 0; i < B; i++) shoal_hash_agg_add(a, &b[i % NB]);
        double t = now() - t0;
        if (t < best) best = t;
        if (rep == 0) printf("groups %lu\n", (unsigned long)shoal_hash_agg_group_count(a));
        shoal_hash_agg_free(a);
    }
    printf("best %.2f ms for %d batches (%.2f ns/row)\n", best * 1e3, B, best * 1e9 / (B * 2048.0 * 0.98));
    for (int k = 0; k < NB; k++) shoal_batch_free(&b[k]);
    return 0;
}
