/* Micro-benchmark (built, not run by ctest): the TPC-H Q6 predicate over 6M generated rows
 * in 2048-row batches, in rows/s, through shoal_expr_filter (SIMD kernels), the SIMD kernels
 * called directly, their plain-C references, and generic evaluation (predicate -> BOOLEAN
 * vector -> selection). Two data layouts: 6M distinct rows streamed from memory, and the
 * same 6M rows over a 32K-row window that stays in cache (as batches a scan has just
 * decompressed). Usage: bench_q6_filter [rows] [repeats]. */
#include "engine/exec/expr.h"
#include "engine/exec/kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;
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
static uint32_t rows, distinct; /* rows processed; rows generated (batch i reads i % distinct) */
static int32_t *shipdate;
static int64_t *discount, *quantity;
static int32_t lo_date, hi_date;

static shoal_expr *const_i64(shoal_arena *a, shoal_type t, int64_t v)
{
    shoal_value x;
    memset(&x, 0, sizeof x);
    x.type = t;
    x.v.i64 = v;
    return shoal_expr_const(a, x);
}
static shoal_expr *cmp(shoal_arena *a, shoal_func f, shoal_expr *l, shoal_expr *r)
{
    shoal_expr *args[2] = {l, r};
    return shoal_expr_func(a, f, shoal_type_make(SHOAL_TYPE_BOOLEAN), 2, args);
}

/* A batch whose vectors point into the generated columns at `start`. */
static void view(shoal_batch *b, shoal_vector *cols, uint32_t start, uint32_t n)
{
    start %= distinct;
    cols[0].data = shipdate + start;
    cols[1].data = discount + start;
    cols[2].data = quantity + start;
    for (int c = 0; c < 3; c++) cols[c].count = cols[c].capacity = n;
    b->count = n;
    b->sel = NULL;
    b->sel_count = 0;
    b->sel_capacity = 0;
}

/* The Q6 conjuncts as kernel calls: the dense first one, then selection narrowing. */
static uint64_t run_kernels(bool reference)
{
    uint32_t *sel = malloc(BATCH * sizeof(uint32_t));
    uint64_t kept = 0;
    for (uint32_t start = 0; start < rows; start += BATCH) {
        uint32_t n = rows - start < BATCH ? rows - start : BATCH, k, at = start % distinct;
        const int32_t *d = shipdate + at;
        const int64_t *disc = discount + at, *q = quantity + at;
        if (reference) {
            k = kernel_filter_dense_i32_ref(SHOAL_KCMP_GE, d, n, NULL, lo_date, sel);
            k = kernel_filter_sel_i32_ref(SHOAL_KCMP_LT, d, sel, k, NULL, hi_date);
            k = kernel_filter_sel_i64_ref(SHOAL_KCMP_GE, disc, sel, k, NULL, 5);
            k = kernel_filter_sel_i64_ref(SHOAL_KCMP_LE, disc, sel, k, NULL, 7);
            k = kernel_filter_sel_i64_ref(SHOAL_KCMP_LT, q, sel, k, NULL, 2400);
        } else {
            k = kernel_filter_dense_i32(SHOAL_KCMP_GE, d, n, NULL, lo_date, sel);
            k = kernel_filter_sel_i32(SHOAL_KCMP_LT, d, sel, k, NULL, hi_date);
            k = kernel_filter_sel_i64(SHOAL_KCMP_GE, disc, sel, k, NULL, 5);
            k = kernel_filter_sel_i64(SHOAL_KCMP_LE, disc, sel, k, NULL, 7);
            k = kernel_filter_sel_i64(SHOAL_KCMP_LT, q, sel, k, NULL, 2400);
        }
        kept += k;
    }
    free(sel);
    return kept;
}

static uint64_t run_filter(shoal_expr *pred)
{
    shoal_type types[3] = {shoal_type_make(SHOAL_TYPE_DATE), shoal_type_decimal(15, 2), shoal_type_decimal(15, 2)};
    shoal_vector cols[3];
    memset(cols, 0, sizeof cols);
    for (int c = 0; c < 3; c++) cols[c].type = types[c];
    shoal_batch b;
    memset(&b, 0, sizeof b);
    b.column_count = 3;
    b.columns = cols;
    shoal_expr_state *st = shoal_expr_state_create(pred);
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    uint64_t kept = 0;
    for (uint32_t start = 0; start < rows; start += BATCH) {
        view(&b, cols, start, rows - start < BATCH ? rows - start : BATCH);
        if (!shoal_expr_filter(st, &b, &err)) {
            fprintf(stderr, "filter failed: %s %s\n", err.sqlstate, err.message);
            exit(1);
        }
        kept += b.sel_count;
        free(b.sel);
    }
    shoal_expr_state_free(st);
    return kept;
}

/* Generic path: evaluate the predicate to a BOOLEAN vector, then keep the TRUE rows. */
static uint64_t run_eval(shoal_expr *pred)
{
    shoal_type types[3] = {shoal_type_make(SHOAL_TYPE_DATE), shoal_type_decimal(15, 2), shoal_type_decimal(15, 2)};
    shoal_vector cols[3];
    memset(cols, 0, sizeof cols);
    for (int c = 0; c < 3; c++) cols[c].type = types[c];
    shoal_batch b;
    memset(&b, 0, sizeof b);
    b.column_count = 3;
    b.columns = cols;
    shoal_expr_state *st = shoal_expr_state_create(pred);
    shoal_vector out;
    shoal_vector_init(&out, shoal_type_make(SHOAL_TYPE_BOOLEAN), BATCH);
    uint32_t *sel = malloc(BATCH * sizeof(uint32_t));
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    uint64_t kept = 0;
    for (uint32_t start = 0; start < rows; start += BATCH) {
        view(&b, cols, start, rows - start < BATCH ? rows - start : BATCH);
        if (!shoal_expr_eval(st, &b, &out, &err)) exit(1);
        kept += kernel_sel_true(out.data, out.validity, NULL, b.count, sel);
    }
    free(sel);
    shoal_vector_free(&out);
    shoal_expr_state_free(st);
    return kept;
}

int main(int argc, char **argv)
{
    rows = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 6000000u;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    shipdate = malloc((size_t)rows * sizeof(int32_t));
    discount = malloc((size_t)rows * sizeof(int64_t));
    quantity = malloc((size_t)rows * sizeof(int64_t));
    /* TPC-H-like: ship dates over 1992-01-02 .. 1998-12-01, discount 0.00..0.10, quantity 1..50 */
    int32_t first = shoal_date_from_ymd(1992, 1, 2), last = shoal_date_from_ymd(1998, 12, 1);
    for (uint32_t i = 0; i < rows; i++) {
        shipdate[i] = first + (int32_t)(rnd() % (uint64_t)(last - first + 1));
        discount[i] = (int64_t)(rnd() % 11);
        quantity[i] = (int64_t)(1 + rnd() % 50) * 100;
    }
    lo_date = shoal_date_from_ymd(1994, 1, 1);
    hi_date = shoal_date_from_ymd(1995, 1, 1);

    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_type date = shoal_type_make(SHOAL_TYPE_DATE), dec = shoal_type_decimal(15, 2);
    shoal_expr *conj[5] = {
        cmp(&a, SHOAL_FUNC_GE, shoal_expr_column(&a, 0, date), const_i64(&a, date, lo_date)),
        cmp(&a, SHOAL_FUNC_LT, shoal_expr_column(&a, 0, date), const_i64(&a, date, hi_date)),
        cmp(&a, SHOAL_FUNC_GE, shoal_expr_column(&a, 1, dec), const_i64(&a, dec, 5)),
        cmp(&a, SHOAL_FUNC_LE, shoal_expr_column(&a, 1, dec), const_i64(&a, dec, 7)),
        cmp(&a, SHOAL_FUNC_LT, shoal_expr_column(&a, 2, dec), const_i64(&a, dec, 2400)),
    };
    shoal_expr *pred = shoal_expr_node(&a, SHOAL_EXPR_AND, shoal_type_make(SHOAL_TYPE_BOOLEAN), 5, conj);
    char text[512];
    shoal_expr_to_string(pred, text, sizeof text);
    printf("Q6 filter over %u rows in %d-row batches, best of %d\n  %s\n", rows, BATCH, repeats, text);

    const char *names[4] = {"shoal_expr_filter (SIMD)", "SIMD kernels, direct", "reference kernels (plain C)",
                            "generic eval + sel_true"};
    int status = 0;
    for (int layout = 0; layout < 2; layout++) {
        distinct = layout == 0 || rows < 16 * BATCH ? rows : 16 * BATCH;
        printf("%s (%u distinct rows, %.1f MB):\n", layout == 0 ? "streamed from memory" : "cache-resident window",
               distinct, distinct * 20.0 / 1e6);
        uint64_t kept[4] = {0};
        double best[4] = {1e30, 1e30, 1e30, 1e30};
        for (int rep = 0; rep < repeats; rep++)
            for (int p = 0; p < 4; p++) {
                double t0 = now();
                switch (p) {
                case 0: kept[p] = run_filter(pred); break;
                case 1: kept[p] = run_kernels(false); break;
                case 2: kept[p] = run_kernels(true); break;
                default: kept[p] = run_eval(pred); break;
                }
                double t = now() - t0;
                if (t < best[p]) best[p] = t;
            }
        for (int p = 0; p < 4; p++)
            printf("  %-30s %8.1f M rows/s  (%.2f ms, %llu rows kept)\n", names[p], rows / best[p] / 1e6,
                   best[p] * 1e3, (unsigned long long)kept[p]);
        for (int p = 1; p < 4; p++)
            if (kept[p] != kept[0]) {
                printf("MISMATCH: %s kept %llu rows, %s %llu\n", names[p], (unsigned long long)kept[p], names[0],
                       (unsigned long long)kept[0]);
                status = 1;
            }
        printf("  SIMD kernels vs reference: %.2fx\n", best[2] / best[1]);
    }
    shoal_arena_reset(&a);
    free(shipdate);
    free(discount);
    free(quantity);
    return status;
}
