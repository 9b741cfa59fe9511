/* Micro-benchmark (built, not run by ctest): the hash join at TPC-H SF1's lineitem x orders
 * size: 6M probe rows (l_orderkey INTEGER, l_quantity and l_extendedprice DECIMAL(15,2)) against
 * 1.5M build rows (o_orderkey INTEGER unique, o_custkey INTEGER, o_totalprice DECIMAL(15,2)),
 * in 2048-row batches viewed straight from memory, on one core. Reports the build and probe
 * times (best of the repeats, wall clock and thread CPU time) and probe rows per second over
 * build + probe for: INNER with the probe keys in random order (every row matches) and in
 * lineitem's clustered order, INNER where half the probe rows find nothing, SEMI, and INNER on
 * BIGINT keys. Usage: bench_hash_join [probe_rows] [build_rows] [repeats] [only: a word of a
 * scenario's name, e.g. SEMI]. */
#include "engine/exec/hash_join.h"

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
static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
/* Wall time, and this thread's CPU time (which does not run while other processes have the
 * core: on a shared machine it is the steadier of the two). */
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_now(void) { return clock_s(CLOCK_THREAD_CPUTIME_ID); }

typedef struct source {
    shoal_batch b;
    void *data[3];
    size_t width[3];
    uint32_t rows, at;
} source;

static void source_init(source *s, const shoal_type *types, void **data, uint32_t rows)
{
    memset(s, 0, sizeof *s);
    s->b.column_count = 3;
    s->b.columns = calloc(3, sizeof(shoal_vector));
    for (int c = 0; c < 3; c++) {
        s->b.columns[c].type = types[c];
        s->data[c] = data[c];
        s->width[c] = shoal_type_size(types[c]);
    }
    s->rows = rows;
}

/* The next batch: vectors pointing into the arrays (no copy). */
static shoal_batch *pull_view(void *arg, shoal_eval_error *err)
{
    source *s = arg;
    if (s->at >= s->rows) return NULL;
    uint32_t n = s->rows - s->at < SHOAL_BATCH_ROWS ? s->rows - s->at : SHOAL_BATCH_ROWS;
    for (int c = 0; c < 3; c++) {
        shoal_vector *v = &s->b.columns[c];
        v->data = (char *)s->data[c] + (size_t)s->at * s->width[c];
        v->count = v->capacity = n;
        v->validity = NULL;
    }
    free(s->b.sel); /* SEMI narrows the probe batch's selection */
    s->b.sel = NULL;
    s->b.sel_count = s->b.sel_capacity = 0;
    s->b.count = n;
    s->at += n;
    return &s->b;
}

typedef struct result {
    double build_s, probe_s, build_cpu, probe_cpu;
    uint64_t out_rows, checksum;
} result;

static result run(shoal_join_type type, const shoal_type *ptypes, void **pdata, uint32_t prows, const shoal_type *btypes,
                  void **bdata, uint32_t brows)
{
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_plan *probe = shoal_plan_new(&a, SHOAL_PLAN_RECEIVE, NULL, 3), *build = shoal_plan_new(&a, SHOAL_PLAN_RECEIVE, NULL, 3);
    memcpy(probe->types, ptypes, 3 * sizeof(shoal_type));
    memcpy(build->types, btypes, 3 * sizeof(shoal_type));
    int n = type == SHOAL_JOIN_SEMI ? 3 : 6;
    shoal_plan *p = shoal_plan_new(&a, SHOAL_PLAN_HASH_JOIN, probe, n);
    p->child2 = build;
    for (int c = 0; c < n; c++) p->types[c] = c < 3 ? ptypes[c] : btypes[c - 3];
    p->join_type = (uint8_t)type;
    p->join_key_count = 1;
    static int32_t key = 0;
    p->probe_keys = p->build_keys = &key;
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    result r = {0};
    double t0 = now(), c0 = cpu_now();
    shoal_hash_join *j = shoal_hash_join_create(p, &err);
    source bs, ps;
    source_init(&bs, btypes, bdata, brows);
    shoal_batch *b;
    while ((b = pull_view(&bs, &err)) != NULL) shoal_hash_join_add_build(j, b, &err);
    shoal_hash_join_finish_build(j);
    double t1 = now(), c1 = cpu_now();
    source_init(&ps, ptypes, pdata, prows);
    while ((b = shoal_hash_join_next(j, pull_view, &ps, &err)) != NULL) {
        uint32_t rows = shoal_batch_rows(b);
        r.out_rows += rows;
        /* touch the output: the last build column of the last row */
        if (rows) {
            const shoal_vector *v = &b->columns[b->column_count - 1];
            uint32_t last = shoal_batch_row(b, rows - 1);
            r.checksum += v->type.id == SHOAL_TYPE_DECIMAL ? (uint64_t)((const int64_t *)v->data)[last]
                                                           : (uint64_t)((const int32_t *)v->data)[last];
        }
    }
    double t2 = now(), c2 = cpu_now();
    if (err.failed) fprintf(stderr, "error: %s\n", err.message);
    r.build_s = t1 - t0;
    r.probe_s = t2 - t1;
    r.build_cpu = c1 - c0;
    r.probe_cpu = c2 - c1;
    shoal_hash_join_free(j);
    free(bs.b.columns);
    free(bs.b.sel);
    free(ps.b.columns);
    free(ps.b.sel);
    shoal_arena_reset(&a);
    return r;
}

static const char *only;

static void report(const char *name, shoal_join_type type, const shoal_type *pt, void **pd, uint32_t prows,
                   const shoal_type *bt, void **bd, uint32_t brows, int repeats)
{
    if (only && !strstr(name, only)) return;
    result best = {1e9, 1e9, 1e9, 1e9, 0, 0}, best_cpu = best;
    for (int i = 0; i < repeats; i++) {
        result r = run(type, pt, pd, prows, bt, bd, brows);
        if (r.build_s + r.probe_s < best.build_s + best.probe_s) best = r;
        if (r.build_cpu + r.probe_cpu < best_cpu.build_cpu + best_cpu.probe_cpu) best_cpu = r;
    }
    double total = best.build_s + best.probe_s, total_cpu = best_cpu.build_cpu + best_cpu.probe_cpu;
    printf("%-34s wall: build %6.1f ms probe %6.1f ms total %6.1f ms %5.1f M rows/s | cpu: build %6.1f probe %6.1f total %6.1f ms "
           "%5.1f M rows/s | out %llu\n",
           name, best.build_s * 1e3, best.probe_s * 1e3, total * 1e3, prows / total / 1e6, best_cpu.build_cpu * 1e3,
           best_cpu.probe_cpu * 1e3, total_cpu * 1e3, prows / total_cpu / 1e6, (unsigned long long)best.out_rows);
}

int main(int argc, char **argv)
{
    uint32_t prows = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 6000000;
    uint32_t brows = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1500000;
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    only = argc > 4 ? argv[4] : NULL;
    if (brows == 0) brows = 1;

    shoal_type bt[3] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_decimal(15, 2)};
    shoal_type pt[3] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_decimal(15, 2), shoal_type_decimal(15, 2)};
    int32_t *okey = malloc(sizeof(int32_t) * brows), *cust = malloc(sizeof(int32_t) * brows);
    int64_t *price = malloc(sizeof(int64_t) * brows);
    for (uint32_t i = 0; i < brows; i++) okey[i] = (int32_t)i;
    for (uint32_t i = brows; i-- > 1;) { /* shuffled: the build side arrives in no key order */
        uint32_t k = (uint32_t)(rnd() % (i + 1));
        int32_t t = okey[i];
        okey[i] = okey[k];
        okey[k] = t;
    }
    for (uint32_t i = 0; i < brows; i++) {
        cust[i] = (int32_t)(rnd() % 150000);
        price[i] = (int64_t)(rnd() % 50000000);
    }
    int32_t *lkey = malloc(sizeof(int32_t) * prows), *lkey_sorted = malloc(sizeof(int32_t) * prows);
    int32_t *lkey_half = malloc(sizeof(int32_t) * prows);
    int64_t *qty = malloc(sizeof(int64_t) * prows), *ext = malloc(sizeof(int64_t) * prows);
    for (uint32_t i = 0; i < prows; i++) {
        lkey[i] = (int32_t)(rnd() % brows);
        lkey_sorted[i] = (int32_t)((uint64_t)i * brows / prows); /* ~4 lineitems per order, in order */
        lkey_half[i] = (int32_t)(rnd() % ((uint64_t)brows * 2));  /* half find no order */
        qty[i] = (int64_t)(100 + rnd() % 5000);
        ext[i] = (int64_t)(rnd() % 10000000);
    }
    void *bd[3] = {okey, cust, price};
    void *pd[3] = {lkey, qty, ext}, *pd_sorted[3] = {lkey_sorted, qty, ext}, *pd_half[3] = {lkey_half, qty, ext};
    printf("hash join: %u probe rows x %u build rows, %d-row batches, best of %d\n", prows, brows, SHOAL_BATCH_ROWS, repeats);
    report("INNER int32, random probe order", SHOAL_JOIN_INNER, pt, pd, prows, bt, bd, brows, repeats);
    report("INNER int32, clustered probe", SHOAL_JOIN_INNER, pt, pd_sorted, prows, bt, bd, brows, repeats);
    report("INNER int32, half the probes miss", SHOAL_JOIN_INNER, pt, pd_half, prows, bt, bd, brows, repeats);
    report("SEMI int32, half the probes miss", SHOAL_JOIN_SEMI, pt, pd_half, prows, bt, bd, brows, repeats);

    /* BIGINT keys */
    shoal_type bt64[3] = {shoal_type_make(SHOAL_TYPE_BIGINT), bt[1], bt[2]};
    shoal_type pt64[3] = {shoal_type_make(SHOAL_TYPE_BIGINT), pt[1], pt[2]};
    int64_t *okey64 = malloc(sizeof(int64_t) * brows), *lkey64 = malloc(sizeof(int64_t) * prows);
    for (uint32_t i = 0; i < brows; i++) okey64[i] = (int64_t)okey[i] * 4000000007LL;
    for (uint32_t i = 0; i < prows; i++) lkey64[i] = (int64_t)lkey[i] * 4000000007LL;
    void *bd64[3] = {okey64, cust, price}, *pd64[3] = {lkey64, qty, ext};
    report("INNER int64, random probe order", SHOAL_JOIN_INNER, pt64, pd64, prows, bt64, bd64, brows, repeats);

    free(okey);
    free(cust);
    free(price);
    free(lkey);
    free(lkey_sorted);
    free(lkey_half);
    free(qty);
    free(ext);
    free(okey64);
    free(lkey64);
    return 0;
}
