/* CUnit tests of the HASH_JOIN operator: every join kind against a nested-loop reference on
 * random data (duplicate keys on both sides, NULL keys, integer/decimal/date/string/double
 * keys, two-column keys, residuals that reject pairs, empty sides, build sides of several
 * batches, probe and build batches with selection vectors, outputs of many batches), NOT IN
 * (ANTI_NULL_AWARE) by hand, errors, and a HASH_JOIN plan through serialize/deserialize. */
#include "engine/exec/hash_join.h"
#include "engine/exec/operator.h"
#include "runtime/memory.h"
#include "runtime/serialize.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------- random data ---------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static bool one_in(int n) { return n > 0 && rnd() % (uint64_t)n == 0; }

typedef enum key_kind { K_INT, K_BIGINT, K_DEC, K_DEC_WIDE, K_DATE, K_VARCHAR, K_DOUBLE, K_SMALLINT, K_CHAR, K_COUNT } key_kind;
static const char *const key_names[K_COUNT] = {"INTEGER", "BIGINT", "DECIMAL(15,2)", "DECIMAL(30,2)", "DATE",
                                               "VARCHAR", "DOUBLE", "SMALLINT", "CHAR"};

static shoal_type key_type(key_kind k)
{
    switch (k) {
    case K_INT: return shoal_type_make(SHOAL_TYPE_INTEGER);
    case K_BIGINT: return shoal_type_make(SHOAL_TYPE_BIGINT);
    case K_DEC: return shoal_type_decimal(15, 2);
    case K_DEC_WIDE: return shoal_type_decimal(30, 2);
    case K_DATE: return shoal_type_make(SHOAL_TYPE_DATE);
    case K_VARCHAR: return shoal_type_string(SHOAL_TYPE_VARCHAR, 40);
    case K_DOUBLE: return shoal_type_make(SHOAL_TYPE_DOUBLE);
    case K_SMALLINT: return shoal_type_make(SHOAL_TYPE_SMALLINT);
    case K_CHAR: return shoal_type_string(SHOAL_TYPE_CHAR, 30);
    default: return shoal_type_make(SHOAL_TYPE_INTEGER);
    }
}

static void append_key(shoal_vector *v, key_kind k, int x, bool probe_side)
{
    char buf[64];
    switch (k) {
    case K_INT: shoal_vector_append_i64(v, x - 50); break;
    case K_BIGINT: shoal_vector_append_i64(v, (int64_t)x * 1000000007LL - 3); break;
    case K_DEC: shoal_vector_append_i64(v, (int64_t)x * 100 + x % 7); break;
    case K_DEC_WIDE: shoal_vector_append_i128(v, (shoal_int128)x * 10000000000LL * 10000000000LL + 7); break;
    case K_DATE: shoal_vector_append_i64(v, 9000 + x); break;
    case K_VARCHAR:
    case K_CHAR: {
        int n = snprintf(buf, sizeof buf, "key%d%.*s", x, x % 17, "abcdefghijklmnopq");
        shoal_vector_append_string(v, buf, (uint32_t)n);
        break;
    }
    case K_DOUBLE: shoal_vector_append_f64(v, x == 0 && probe_side ? -0.0 : x * 0.25); break;
    case K_SMALLINT: shoal_vector_append_i64(v, x - 100); break;
    default: break;
    }
}

/* Tables: probe (id 1) k1 KEY, k2 INTEGER, ival INTEGER, s VARCHAR;
 *         build (id 2) k1 KEY, k2 INTEGER, ival INTEGER, s VARCHAR, d DECIMAL(15,2). */
typedef struct table {
    int ncols;
    shoal_type types[8];
    shoal_batch all; /* the logical rows */
    uint32_t max_batch;
    bool junk;       /* scan batches interleave unselected rows */
    char *cells;     /* rows x ncols rendered values, CELL bytes each (one allocation) */
} table;

#define CELL 64
#define CELL_AT(t, r, c) ((t)->cells + ((size_t)(r) * (size_t)(t)->ncols + (size_t)(c)) * CELL)

static table tables[3];

static void render_cell(const shoal_vector *v, uint32_t r, char *buf, size_t size)
{
    if (shoal_vector_is_null(v, r)) snprintf(buf, size, "NULL");
    else shoal_vector_format(v, r, buf, size);
}

static void table_free(table *t)
{
    free(t->cells);
    shoal_batch_free(&t->all);
    memset(t, 0, sizeof *t);
}

static void table_make(table *t, bool probe, uint32_t rows, key_kind kk, int domain, int key_null, uint32_t max_batch,
                       bool junk)
{
    table_free(t);
    t->ncols = probe ? 4 : 5;
    t->types[0] = key_type(kk);
    t->types[1] = shoal_type_make(SHOAL_TYPE_INTEGER);
    t->types[2] = shoal_type_make(SHOAL_TYPE_INTEGER);
    t->types[3] = shoal_type_string(SHOAL_TYPE_VARCHAR, 8);
    t->types[4] = shoal_type_decimal(15, 2);
    shoal_batch_init(&t->all, t->ncols, t->types, rows ? rows : 1);
    static const char *const words[] = {"", "a", "bb", "a longer string than 16"};
    for (uint32_t i = 0; i < rows; i++) {
        if (one_in(key_null)) shoal_vector_append_null(&t->all.columns[0]);
        else append_key(&t->all.columns[0], kk, (int)(rnd() % (uint64_t)(domain > 0 ? domain : 1)), probe);
        if (one_in(key_null ? 10 : 0)) shoal_vector_append_null(&t->all.columns[1]);
        else shoal_vector_append_i64(&t->all.columns[1], (int64_t)(rnd() % 3));
        if (one_in(8)) shoal_vector_append_null(&t->all.columns[2]);
        else shoal_vector_append_i64(&t->all.columns[2], (int64_t)(rnd() % 10));
        if (one_in(9)) shoal_vector_append_null(&t->all.columns[3]);
        else {
            const char *w = words[rnd() % 4];
            shoal_vector_append_string(&t->all.columns[3], w, (uint32_t)strlen(w));
        }
        if (!probe) shoal_vector_append_i64(&t->all.columns[4], (int64_t)(rnd() % 100000) - 500);
    }
    t->all.count = rows;
    t->max_batch = max_batch ? max_batch : SHOAL_BATCH_ROWS;
    t->junk = junk;
    t->cells = malloc(((size_t)rows * (size_t)t->ncols + 1) * CELL);
    for (uint32_t r = 0; r < rows; r++)
        for (int c = 0; c < t->ncols; c++) render_cell(&t->all.columns[c], r, CELL_AT(t, r, c), CELL);
}

/* ----------------------------- the scan source (test double) ----------------------------- */

typedef struct scan_state {
    table *t;
    uint32_t next;
} scan_state;

static void append_row(shoal_batch *out, const table *t, uint32_t r)
{
    for (int c = 0; c < t->ncols; c++) shoal_vector_append_from(&out->columns[c], &t->all.columns[c], r);
}

/* Batches of 1..max_batch logical rows; with `junk`, unselected copies of random rows in
 * between (a selection vector lists the logical ones). */
static bool scan_next(void *state, shoal_batch *out, shoal_eval_error *err)
{
    scan_state *s = state;
    const table *t = s->t;
    if (s->next >= t->all.count) return false;
    uint32_t want = 1 + (uint32_t)(rnd() % t->max_batch), n = 0, phys = 0;
    static uint32_t logical[SHOAL_BATCH_ROWS];
    while (s->next < t->all.count && n < want && phys + 2 <= SHOAL_BATCH_ROWS) {
        if (t->junk && one_in(3)) {
            append_row(out, t, (uint32_t)(rnd() % t->all.count));
            phys++;
        }
        append_row(out, t, s->next++);
        logical[n++] = phys++;
    }
    out->count = phys;
    if (t->junk) {
        uint32_t *sel = shoal_batch_select_all(out);
        memcpy(sel, logical, n * sizeof(uint32_t));
        out->sel_count = n;
    }
    return true;
}

static bool open_scan(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *src, shoal_eval_error *err)
{
    if (scan->table_id >= 3) return shoal_eval_fail(err, "XX000", "no table %u", scan->table_id);
    scan_state *s = calloc(1, sizeof *s);
    s->t = &tables[scan->table_id];
    src->state = s;
    src->next = scan_next;
    src->close = free;
    return true;
}

/* ------------------------------------- plans ------------------------------------- */

static shoal_plan *scan_plan(shoal_arena *a, uint32_t id)
{
    const table *t = &tables[id];
    shoal_plan *p = shoal_plan_new(a, SHOAL_PLAN_SCAN, NULL, t->ncols);
    p->table_id = id;
    p->table_column_count = t->ncols;
    p->table_types = shoal_arena_alloc(a, sizeof(shoal_type) * 8);
    p->scan_count = t->ncols;
    p->scan_columns = shoal_arena_alloc(a, sizeof(int32_t) * 8);
    for (int c = 0; c < t->ncols; c++) {
        p->types[c] = p->table_types[c] = t->types[c];
        p->scan_columns[c] = c;
        p->names[c] = "c";
    }
    return p;
}

static shoal_expr *int_const(shoal_arena *a, int64_t v)
{
    shoal_value x;
    memset(&x, 0, sizeof x);
    x.type = shoal_type_make(SHOAL_TYPE_INTEGER);
    x.v.i64 = v;
    return shoal_expr_const(a, x);
}
static shoal_expr *call2(shoal_arena *a, shoal_func f, shoal_type t, shoal_expr *x, shoal_expr *y)
{
    shoal_expr *args[2] = {x, y};
    return shoal_expr_func(a, f, t, 2, args);
}

/* Residuals over (probe 0..3, build 4..8):
 *   1: p.ival < b.ival                 2: (p.ival + b.ival) % 3 <> 0
 *   3: p.s <> b.s                      4: p.ival > 5 OR b.ival IS NULL
 *   5: p.ival / (b.ival - b.ival) = 1  (division by zero: an error) */
#define RESIDUAL_COUNT 5
static shoal_expr *residual_expr(shoal_arena *a, int which)
{
    shoal_type i = shoal_type_make(SHOAL_TYPE_INTEGER), b = shoal_type_make(SHOAL_TYPE_BOOLEAN);
    shoal_type vc = shoal_type_string(SHOAL_TYPE_VARCHAR, 8);
    shoal_expr *pi = shoal_expr_column(a, 2, i), *bi = shoal_expr_column(a, 6, i);
    switch (which) {
    case 1: return call2(a, SHOAL_FUNC_LT, b, pi, bi);
    case 2: return call2(a, SHOAL_FUNC_NE, b, call2(a, SHOAL_FUNC_MOD, i, call2(a, SHOAL_FUNC_ADD, i, pi, bi), int_const(a, 3)), int_const(a, 0));
    case 3: return call2(a, SHOAL_FUNC_NE, b, shoal_expr_column(a, 3, vc), shoal_expr_column(a, 7, vc));
    case 4: {
        shoal_expr *isnull = shoal_expr_node(a, SHOAL_EXPR_IS_NULL, b, 1, &bi);
        shoal_expr *args[2] = {call2(a, SHOAL_FUNC_GT, b, pi, int_const(a, 5)), isnull};
        return shoal_expr_node(a, SHOAL_EXPR_OR, b, 2, args);
    }
    case 5: return call2(a, SHOAL_FUNC_EQ, b, call2(a, SHOAL_FUNC_DIV, i, pi, call2(a, SHOAL_FUNC_SUB, i, bi, bi)), int_const(a, 1));
    default: return NULL;
    }
}

static bool residual_ref(int which, uint32_t p, uint32_t bld)
{
    const shoal_vector *pv = &tables[1].all.columns[2], *bv = &tables[2].all.columns[2];
    bool pn = shoal_vector_is_null(pv, p), bn = shoal_vector_is_null(bv, bld);
    int64_t x = pn ? 0 : shoal_vector_get_i64(pv, p), y = bn ? 0 : shoal_vector_get_i64(bv, bld);
    switch (which) {
    case 0: return true;
    case 1: return !pn && !bn && x < y;
    case 2: return !pn && !bn && (x + y) % 3 != 0;
    case 3: {
        const shoal_vector *ps = &tables[1].all.columns[3], *bs = &tables[2].all.columns[3];
        if (shoal_vector_is_null(ps, p) || shoal_vector_is_null(bs, bld)) return false;
        return shoal_vector_compare(ps, p, bs, bld) != 0;
    }
    case 4: return bn || (!pn && x > 5);
    default: return false;
    }
}

static const int32_t key_columns[2] = {0, 1};

static shoal_plan *join_plan(shoal_arena *a, shoal_join_type type, int key_count, int residual)
{
    shoal_plan *probe = scan_plan(a, 1), *build = scan_plan(a, 2);
    bool pairs = type <= SHOAL_JOIN_FULL;
    int n = probe->column_count + (pairs ? build->column_count : 0);
    shoal_plan *j = shoal_plan_new(a, SHOAL_PLAN_HASH_JOIN, probe, n);
    j->child2 = build;
    for (int c = 0; c < n; c++) {
        j->types[c] = c < probe->column_count ? probe->types[c] : build->types[c - probe->column_count];
        j->names[c] = "j";
    }
    j->join_type = (uint8_t)type;
    j->join_key_count = key_count;
    j->probe_keys = shoal_arena_alloc(a, sizeof(int32_t) * 2);
    j->build_keys = shoal_arena_alloc(a, sizeof(int32_t) * 2);
    memcpy(j->probe_keys, key_columns, sizeof key_columns);
    memcpy(j->build_keys, key_columns, sizeof key_columns);
    j->residual = residual_expr(a, residual);
    return j;
}

/* ---------------------------------- result lines ---------------------------------- */

/* Result rows as text, the strings in an arena (few allocations: the ASan runs unwind the
 * stack on every malloc). */
typedef struct lines {
    char **v;
    size_t n, cap;
    shoal_arena text;
} lines;

static void lines_add(lines *l, const char *s)
{
    if (l->n == l->cap) {
        if (l->cap == 0) shoal_arena_init(&l->text, 1 << 20);
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->v = realloc(l->v, l->cap * sizeof(char *));
    }
    l->v[l->n++] = shoal_arena_strdup(&l->text, s);
}
static void lines_free(lines *l)
{
    if (l->cap) shoal_arena_reset(&l->text);
    free(l->v);
    memset(l, 0, sizeof *l);
}
static int cmp_line(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* probe row p (or NULLs when p < 0) then, with with_build, build row b (or NULLs); the text
 * lives until the next call */
static const char *ref_line(long p, long b, bool with_build)
{
    static char buf[1024];
    size_t n = 0;
    for (int c = 0; c < tables[1].ncols; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s|", p < 0 ? "NULL" : CELL_AT(&tables[1], p, c));
    for (int c = 0; with_build && c < tables[2].ncols; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s|", b < 0 ? "NULL" : CELL_AT(&tables[2], b, c));
    return buf;
}

static bool keys_match(int key_count, uint32_t p, uint32_t b, bool null_tolerant)
{
    for (int k = 0; k < key_count; k++) {
        const shoal_vector *pv = &tables[1].all.columns[key_columns[k]], *bv = &tables[2].all.columns[key_columns[k]];
        bool pn = shoal_vector_is_null(pv, p), bn = shoal_vector_is_null(bv, b);
        if (pn || bn) {
            if (!null_tolerant) return false;
            continue;
        }
        if (shoal_vector_compare(pv, p, bv, b) != 0) return false;
    }
    return true;
}

/* The nested-loop reference. */
static void reference(shoal_join_type type, int key_count, int residual, lines *out)
{
    uint32_t np = tables[1].all.count, nb = tables[2].all.count;
    bool pairs = type <= SHOAL_JOIN_FULL;
    uint8_t *bmatched = calloc(nb + 1, 1);
    for (uint32_t p = 0; p < np; p++) {
        bool matched = false;
        for (uint32_t b = 0; b < nb; b++) {
            bool m = keys_match(key_count, p, b, type == SHOAL_JOIN_ANTI_NULL_AWARE) && residual_ref(residual, p, b);
            if (!m) continue;
            matched = true;
            bmatched[b] = 1;
            if (pairs) lines_add(out, ref_line(p, b, true));
        }
        if ((type == SHOAL_JOIN_LEFT || type == SHOAL_JOIN_FULL) && !matched) lines_add(out, ref_line(p, -1, true));
        if (type == SHOAL_JOIN_SEMI && matched) lines_add(out, ref_line(p, -1, false));
        if ((type == SHOAL_JOIN_ANTI || type == SHOAL_JOIN_ANTI_NULL_AWARE) && !matched) lines_add(out, ref_line(p, -1, false));
    }
    if (type == SHOAL_JOIN_RIGHT || type == SHOAL_JOIN_FULL)
        for (uint32_t b = 0; b < nb; b++)
            if (!bmatched[b]) lines_add(out, ref_line(-1, b, true));
    free(bmatched);
    if (out->n > 1) qsort(out->v, out->n, sizeof(char *), cmp_line);
}

/* Runs a plan through the operator; every output row as a line. */
static bool run_plan(const shoal_plan *plan, lines *out, shoal_eval_error *err, int *batches)
{
    shoal_exec_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.open_scan = open_scan;
    memset(err, 0, sizeof *err);
    shoal_operator *op = shoal_operator_open(plan, &ctx, err);
    if (op == NULL) return false;
    shoal_batch *b;
    int count = 0;
    while ((b = shoal_operator_next(op, err)) != NULL) {
        count++;
        CU_ASSERT(shoal_batch_rows(b) > 0);
        CU_ASSERT(b->count <= SHOAL_BATCH_ROWS || b->sel != NULL);
        CU_ASSERT_EQUAL(b->column_count, plan->column_count);
        for (uint32_t i = 0; i < shoal_batch_rows(b); i++) {
            uint32_t r = shoal_batch_row(b, i);
            char buf[1024];
            size_t n = 0;
            for (int c = 0; c < b->column_count; c++) {
                char cell[128];
                render_cell(&b->columns[c], r, cell, sizeof cell);
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s|", cell);
            }
            lines_add(out, buf);
        }
    }
    shoal_operator_close(op);
    if (out->n > 1) qsort(out->v, out->n, sizeof(char *), cmp_line);
    if (batches) *batches = count;
    return !err->failed;
}

typedef struct jcase {
    shoal_join_type type;
    key_kind kk;
    int key_count, residual;
    uint32_t probe_rows, build_rows;
    int domain;
    int probe_null, build_null; /* a NULL key one row in N (0: none) */
    uint32_t probe_batch, build_batch;
    bool probe_junk, build_junk;
} jcase;

static const char *const join_names[] = {"", "INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI", "ANTI_NULL_AWARE"};
static int cases_run, cases_failed;

static void run_case(const jcase *c)
{
    table_make(&tables[1], true, c->probe_rows, c->kk, c->domain, c->probe_null, c->probe_batch, c->probe_junk);
    table_make(&tables[2], false, c->build_rows, c->kk, c->domain, c->build_null, c->build_batch, c->build_junk);
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_plan *plan = join_plan(&a, c->type, c->key_count, c->residual);
    lines want = {0}, got = {0};
    reference(c->type, c->key_count, c->residual, &want);
    shoal_eval_error err;
    bool ok = run_plan(plan, &got, &err, NULL);
    bool same = ok && want.n == got.n;
    size_t first_diff = 0;
    for (size_t i = 0; same && i < want.n; i++)
        if (strcmp(want.v[i], got.v[i]) != 0) {
            same = false;
            first_diff = i;
        }
    cases_run++;
    if (!same) {
        cases_failed++;
        if (cases_failed <= 5) {
            fprintf(stderr, "\nhash join %s keys=%d (%s) residual=%d probe=%u build=%u domain=%d: %s; want %zu rows, got %zu\n",
                    join_names[c->type], c->key_count, key_names[c->kk], c->residual, c->probe_rows, c->build_rows,
                    c->domain, ok ? "differs" : err.message, want.n, got.n);
            if (ok && first_diff < want.n && first_diff < got.n)
                fprintf(stderr, "  first difference: want %s got %s\n", want.v[first_diff], got.v[first_diff]);
        }
    }
    CU_ASSERT_TRUE(same);
    lines_free(&want);
    lines_free(&got);
    shoal_arena_reset(&a);
}

/* ------------------------------------- tests ------------------------------------- */

static const shoal_join_type all_types[] = {SHOAL_JOIN_INNER, SHOAL_JOIN_LEFT, SHOAL_JOIN_RIGHT, SHOAL_JOIN_FULL,
                                            SHOAL_JOIN_SEMI, SHOAL_JOIN_ANTI, SHOAL_JOIN_ANTI_NULL_AWARE};
#define NTYPES 7

/* Every key type and join kind, with and without a residual, duplicates on both sides, NULL
 * keys, selection vectors on both sides. */
static void test_every_kind_and_key_type(void)
{
    for (int kk = 0; kk < K_COUNT; kk++)
        for (int t = 0; t < NTYPES; t++)
            for (int res = 0; res <= 3; res += 3 - (kk % 2) * 2) { /* residual 0 and 3 or 1 */
                uint32_t np = 300 + (uint32_t)(rnd() % 700), nb = 200 + (uint32_t)(rnd() % 600);
                jcase c = {all_types[t], (key_kind)kk, 1, res, np, nb, (int)(nb / 3), 12, 15, 700, 500, kk % 3 == 0,
                           kk % 3 == 1};
                run_case(&c);
            }
}

static void test_two_column_keys(void)
{
    for (int t = 0; t < NTYPES; t++)
        for (int res = 0; res <= 4; res += 2) {
            jcase c = {all_types[t], res == 2 ? K_VARCHAR : K_INT, 2, res, 900, 700, 120, 10, 12, 400, 300, true, false};
            run_case(&c);
        }
}

/* Every residual with every kind, including one that is TRUE for a NULL build column. */
static void test_residuals(void)
{
    for (int t = 0; t < NTYPES; t++)
        for (int res = 1; res <= 4; res++) {
            jcase c = {all_types[t], K_BIGINT, 1, res, 600, 500, 60, 20, 20, 256, 200, false, true};
            run_case(&c);
        }
}

static void test_empty_sides(void)
{
    for (int t = 0; t < NTYPES; t++)
        for (int res = 0; res <= 1; res++) {
            jcase empty_build = {all_types[t], K_INT, 1, res, 500, 0, 50, 10, 0, 300, 300, true, false};
            run_case(&empty_build);
            jcase empty_probe = {all_types[t], K_VARCHAR, 1, res, 0, 500, 50, 0, 10, 300, 300, false, false};
            run_case(&empty_probe);
            jcase both = {all_types[t], K_INT, 1, res, 0, 0, 5, 0, 0, 10, 10, false, false};
            run_case(&both);
            jcase no_keys_empty = {all_types[t], K_INT, 0, res, 40, 0, 5, 0, 0, 10, 10, false, false};
            run_case(&no_keys_empty);
        }
}

/* A build side of several batches (the table grows), and outputs of many batches (heavy
 * duplicates: one probe batch gives several output batches). */
static void test_large_build_and_output(void)
{
    for (int t = 0; t < NTYPES; t++) {
        jcase big_build = {all_types[t], K_INT, 1, t % 2, 3000, 9000, 4000, 20, 20, 2048, 2048, false, t % 3 == 0};
        run_case(&big_build);
        jcase dups = {all_types[t], t % 2 ? K_VARCHAR : K_BIGINT, 1, t % 3 == 0 ? 2 : 0, 700, 600, 4, 30, 30, 2048, 2048, t % 2 == 0, false};
        run_case(&dups);
    }
    /* the INNER join of 700 x 600 rows on 4 keys: ~100K rows, many full batches */
    jcase c = {SHOAL_JOIN_INNER, K_INT, 1, 0, 700, 600, 4, 0, 0, 2048, 2048, false, false};
    table_make(&tables[1], true, c.probe_rows, c.kk, c.domain, 0, 2048, false);
    table_make(&tables[2], false, c.build_rows, c.kk, c.domain, 0, 2048, false);
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    lines got = {0};
    shoal_eval_error err;
    int batches = 0;
    CU_ASSERT_TRUE(run_plan(join_plan(&a, SHOAL_JOIN_INNER, 1, 0), &got, &err, &batches));
    CU_ASSERT(got.n > 50000);
    CU_ASSERT(batches >= (int)(got.n / SHOAL_BATCH_ROWS));
    lines_free(&got);
    shoal_arena_reset(&a);
}

/* key_count 0: a cross join filtered by the residual. */
static void test_cross_join(void)
{
    for (int t = 0; t < NTYPES; t++)
        for (int res = 0; res <= 4; res += 2) {
            jcase c = {all_types[t], K_DATE, 0, res, 70, 60, 5, 5, 5, 16, 16, t % 2 == 0, t % 2 == 1};
            run_case(&c);
        }
}

/* Many random configurations. */
static void test_random_configurations(void)
{
    for (int i = 0; i < 150; i++) {
        jcase c;
        c.type = all_types[rnd() % NTYPES];
        c.kk = (key_kind)(rnd() % K_COUNT);
        c.key_count = (int)(rnd() % 5 == 0 ? rnd() % 3 : 1);
        c.residual = (int)(rnd() % 5);
        c.probe_rows = (uint32_t)(rnd() % 1500);
        c.build_rows = (uint32_t)(rnd() % 1500);
        if (c.key_count == 0) {
            c.probe_rows %= 80;
            c.build_rows %= 80;
        }
        c.domain = 1 + (int)(rnd() % 600);
        c.probe_null = (int)(rnd() % 20);
        c.build_null = (int)(rnd() % 3 == 0 ? 0 : rnd() % 20);
        c.probe_batch = 1 + (uint32_t)(rnd() % 2048);
        c.build_batch = 1 + (uint32_t)(rnd() % 2048);
        c.probe_junk = rnd() % 2;
        c.build_junk = rnd() % 2;
        run_case(&c);
    }
}

/* Tables past the prefetch threshold (HJ_PREFETCH_BUCKETS): a 50,000-row build side with
 * duplicate keys against 30,000 probe rows, checked against a sort-based reference (the
 * rendered key text identifies the value for these key types). */
static int cmp_build_key(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return strcmp(CELL_AT(&tables[2], x, 0), CELL_AT(&tables[2], y, 0));
}

static void sorted_reference(shoal_join_type type, lines *out)
{
    uint32_t np = tables[1].all.count, nb = tables[2].all.count, n = 0;
    uint32_t *idx = malloc(sizeof(uint32_t) * (nb + 1));
    bool build_null = false;
    for (uint32_t b = 0; b < nb; b++) {
        if (shoal_vector_is_null(&tables[2].all.columns[0], b)) build_null = true;
        else idx[n++] = b;
    }
    qsort(idx, n, sizeof(uint32_t), cmp_build_key);
    uint8_t *bmatched = calloc(nb + 1, 1);
    bool pairs = type <= SHOAL_JOIN_FULL;
    for (uint32_t p = 0; p < np; p++) {
        bool matched = false;
        if (!shoal_vector_is_null(&tables[1].all.columns[0], p)) {
            const char *key = CELL_AT(&tables[1], p, 0);
            uint32_t lo = 0, hi = n;
            while (lo < hi) {
                uint32_t mid = (lo + hi) / 2;
                if (strcmp(CELL_AT(&tables[2], idx[mid], 0), key) < 0) lo = mid + 1;
                else hi = mid;
            }
            for (uint32_t i = lo; i < n && strcmp(CELL_AT(&tables[2], idx[i], 0), key) == 0; i++) {
                matched = true;
                bmatched[idx[i]] = 1;
                if (pairs) lines_add(out, ref_line(p, idx[i], true));
            }
        } else if (type == SHOAL_JOIN_ANTI_NULL_AWARE && nb > 0) {
            matched = true; /* NULL NOT IN (non-empty set) is not TRUE */
        }
        if (type == SHOAL_JOIN_ANTI_NULL_AWARE && build_null) matched = true;
        if ((type == SHOAL_JOIN_LEFT || type == SHOAL_JOIN_FULL) && !matched) lines_add(out, ref_line(p, -1, true));
        if (type == SHOAL_JOIN_SEMI && matched) lines_add(out, ref_line(p, -1, false));
        if ((type == SHOAL_JOIN_ANTI || type == SHOAL_JOIN_ANTI_NULL_AWARE) && !matched) lines_add(out, ref_line(p, -1, false));
    }
    if (type == SHOAL_JOIN_RIGHT || type == SHOAL_JOIN_FULL)
        for (uint32_t b = 0; b < nb; b++)
            if (!bmatched[b]) lines_add(out, ref_line(-1, b, true));
    free(bmatched);
    free(idx);
    if (out->n > 1) qsort(out->v, out->n, sizeof(char *), cmp_line);
}

static void test_large_tables(void)
{
    static const key_kind kinds[] = {K_INT, K_VARCHAR, K_DEC};
    for (int k = 0; k < 3; k++)
        for (int t = 0; t < NTYPES; t++) {
            int build_null = t == 6 && k == 1 ? 5000 : 0; /* one NOT IN case with NULLs in the build side */
            table_make(&tables[1], true, 30000, kinds[k], 30000, 50, 2048, k == 0);
            table_make(&tables[2], false, 50000, kinds[k], 30000, build_null, 2048, k == 2);
            shoal_arena a;
            shoal_arena_init(&a, 4096);
            lines want = {0}, got = {0};
            sorted_reference(all_types[t], &want);
            shoal_eval_error err;
            CU_ASSERT_TRUE(run_plan(join_plan(&a, all_types[t], 1, 0), &got, &err, NULL));
            bool same = want.n == got.n;
            for (size_t i = 0; same && i < want.n; i++) same = strcmp(want.v[i], got.v[i]) == 0;
            if (!same)
                fprintf(stderr, "\nlarge %s %s: want %zu rows, got %zu\n", join_names[all_types[t]], key_names[kinds[k]], want.n,
                        got.n);
            CU_ASSERT_TRUE(same);
            lines_free(&want);
            lines_free(&got);
            shoal_arena_reset(&a);
        }
}

/* ------------------------------- NOT IN, by hand ------------------------------- */

static void make_simple_tables(const int *p, int np, const int *b, int nb)
{
    for (int side = 1; side <= 2; side++) {
        table *t = &tables[side];
        table_free(t);
        t->ncols = side == 1 ? 4 : 5;
        for (int c = 0; c < t->ncols; c++) t->types[c] = shoal_type_make(SHOAL_TYPE_INTEGER);
        t->types[3] = shoal_type_string(SHOAL_TYPE_VARCHAR, 8);
        t->types[4] = shoal_type_decimal(15, 2);
        const int *v = side == 1 ? p : b;
        int n = side == 1 ? np : nb;
        shoal_batch_init(&t->all, t->ncols, t->types, 16);
        for (int i = 0; i < n; i++) {
            if (v[i] < 0) shoal_vector_append_null(&t->all.columns[0]);
            else shoal_vector_append_i64(&t->all.columns[0], v[i]);
            shoal_vector_append_i64(&t->all.columns[1], 0);
            shoal_vector_append_i64(&t->all.columns[2], i);
            shoal_vector_append_string(&t->all.columns[3], "x", 1);
            if (side == 2) shoal_vector_append_i64(&t->all.columns[4], 0);
        }
        t->all.count = (uint32_t)n;
        t->max_batch = 2;
        t->junk = false;
    }
}

/* The probe keys (column 0) that the join kept, ascending, as "1,3,NULL". */
static void not_in(const int *p, int np, const int *b, int nb, char *result, size_t size)
{
    make_simple_tables(p, np, b, nb);
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_plan *plan = join_plan(&a, SHOAL_JOIN_ANTI_NULL_AWARE, 1, 0);
    shoal_exec_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.open_scan = open_scan;
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    shoal_operator *op = shoal_operator_open(plan, &ctx, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(op);
    result[0] = 0;
    shoal_batch *out;
    while ((out = shoal_operator_next(op, &err)) != NULL)
        for (uint32_t i = 0; i < shoal_batch_rows(out); i++) {
            char cell[32];
            render_cell(&out->columns[0], shoal_batch_row(out, i), cell, sizeof cell);
            size_t n = strlen(result);
            snprintf(result + n, size - n, "%s%s", n ? "," : "", cell);
        }
    CU_ASSERT_FALSE(err.failed);
    shoal_operator_close(op);
    shoal_arena_reset(&a);
}

static void test_not_in_semantics(void)
{
    char r[256];
    int p[] = {1, 2, 3, -1, 2};
    int b1[] = {2, 5};
    not_in(p, 5, b1, 2, r, sizeof r); /* NULL NOT IN (2,5) is NULL: dropped */
    CU_ASSERT_STRING_EQUAL(r, "1,3");
    int b2[] = {2, -1, 5};
    not_in(p, 5, b2, 3, r, sizeof r); /* x NOT IN (.., NULL) is never TRUE */
    CU_ASSERT_STRING_EQUAL(r, "");
    not_in(p, 5, NULL, 0, r, sizeof r); /* NOT IN () is TRUE, even for NULL */
    CU_ASSERT_STRING_EQUAL(r, "1,2,3,NULL,2");
    int b3[] = {-1};
    not_in(p, 5, b3, 1, r, sizeof r);
    CU_ASSERT_STRING_EQUAL(r, "");
    int p2[] = {-1, -1};
    int b4[] = {7};
    not_in(p2, 2, b4, 1, r, sizeof r);
    CU_ASSERT_STRING_EQUAL(r, "");
    not_in(p2, 2, NULL, 0, r, sizeof r);
    CU_ASSERT_STRING_EQUAL(r, "NULL,NULL");
    /* and through the random reference: build sides with and without NULL keys */
    for (int i = 0; i < 12; i++) {
        jcase with_nulls = {SHOAL_JOIN_ANTI_NULL_AWARE, (key_kind)(i % K_COUNT), 1, i % 2 ? 1 : 0, 500, 300, 200, 8, 40, 300, 300, i % 2 == 0, false};
        run_case(&with_nulls);
        jcase without = with_nulls;
        without.build_null = 0;
        run_case(&without);
        jcase two_keys = with_nulls;
        two_keys.key_count = 2;
        two_keys.residual = i % 3 ? 4 : 0;
        run_case(&two_keys);
    }
}

/* ------------------------------- errors and the API ------------------------------- */

static void test_errors(void)
{
    jcase c = {SHOAL_JOIN_INNER, K_INT, 1, 0, 100, 100, 10, 0, 0, 64, 64, false, false};
    table_make(&tables[1], true, c.probe_rows, c.kk, c.domain, 0, 64, false);
    table_make(&tables[2], false, c.build_rows, c.kk, c.domain, 0, 64, false);
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_exec_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.open_scan = open_scan;
    shoal_eval_error err;

    /* keys of different types: k1 INTEGER against s VARCHAR */
    shoal_plan *p = join_plan(&a, SHOAL_JOIN_INNER, 1, 0);
    p->build_keys[0] = 3;
    memset(&err, 0, sizeof err);
    CU_ASSERT_PTR_NULL(shoal_operator_open(p, &ctx, &err));
    CU_ASSERT_STRING_EQUAL(err.sqlstate, "XX000");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "INTEGER"));

    /* a residual column past the pair */
    p = join_plan(&a, SHOAL_JOIN_SEMI, 1, 0);
    p->residual = call2(&a, SHOAL_FUNC_EQ, shoal_type_make(SHOAL_TYPE_BOOLEAN), shoal_expr_column(&a, 9, shoal_type_make(SHOAL_TYPE_INTEGER)),
                        int_const(&a, 1));
    memset(&err, 0, sizeof err);
    CU_ASSERT_PTR_NULL(shoal_operator_open(p, &ctx, &err));
    CU_ASSERT_TRUE(err.failed);

    /* a wrong output schema */
    p = join_plan(&a, SHOAL_JOIN_INNER, 1, 0);
    p->column_count = 4;
    memset(&err, 0, sizeof err);
    CU_ASSERT_PTR_NULL(shoal_operator_open(p, &ctx, &err));
    CU_ASSERT_TRUE(err.failed);

    /* no build side */
    p = join_plan(&a, SHOAL_JOIN_INNER, 1, 0);
    p->child2 = NULL;
    memset(&err, 0, sizeof err);
    CU_ASSERT_PTR_NULL(shoal_operator_open(p, &ctx, &err));
    CU_ASSERT_TRUE(err.failed);

    /* a residual that divides by zero: the error comes out of next() */
    for (int t = 0; t < NTYPES; t++) {
        p = join_plan(&a, all_types[t], 1, 5);
        memset(&err, 0, sizeof err);
        shoal_operator *op = shoal_operator_open(p, &ctx, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(op);
        while (shoal_operator_next(op, &err) != NULL) {
        }
        CU_ASSERT_TRUE(err.failed);
        CU_ASSERT_STRING_EQUAL(err.sqlstate, "22012");
        shoal_operator_close(op);
    }

    /* a build-side scan error stops the join */
    p = join_plan(&a, SHOAL_JOIN_INNER, 1, 0);
    p->child2->table_id = 7;
    memset(&err, 0, sizeof err);
    CU_ASSERT_PTR_NULL(shoal_operator_open(p, &ctx, &err));
    CU_ASSERT_TRUE(err.failed);
    shoal_arena_reset(&a);
}

/* A probe side of one batch. */
struct pull_once_state {
    shoal_batch *b;
    bool given;
};
static shoal_batch *pull_once(void *arg, shoal_eval_error *e)
{
    struct pull_once_state *s = arg;
    if (s->given) return NULL;
    s->given = true;
    return s->b;
}

/* Through the API: build batches with a selection, a table sized from the build row count,
 * the stats. */
static void test_direct_api_and_sizing(void)
{
    table_make(&tables[1], true, 3000, K_INT, 1000, 0, 2048, false);
    table_make(&tables[2], false, 5000, K_INT, 1000, 0, 1024, false);
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_plan *plan = join_plan(&a, SHOAL_JOIN_INNER, 1, 0);
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    shoal_hash_join *j = shoal_hash_join_create(plan, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    /* the build side in batches with a selection: every other row */
    shoal_batch b;
    shoal_batch_init(&b, 5, tables[2].types, 1000);
    uint32_t kept = 0;
    for (uint32_t start = 0; start < 5000; start += 1000) {
        shoal_batch_reset(&b);
        for (uint32_t r = start; r < start + 1000; r++) append_row(&b, &tables[2], r);
        b.count = 1000;
        uint32_t *sel = shoal_batch_select_all(&b);
        b.sel_count = 0;
        for (uint32_t i = 0; i < 1000; i += 2) sel[b.sel_count++] = i;
        kept += b.sel_count;
        CU_ASSERT_TRUE(shoal_hash_join_add_build(j, &b, &err));
    }
    shoal_batch_free(&b);
    shoal_hash_join_finish_build(j);
    shoal_hash_join_stats st;
    shoal_hash_join_get_stats(j, &st);
    CU_ASSERT_EQUAL(st.build_rows, kept);
    CU_ASSERT_EQUAL(st.buckets, 32768); /* 2500 rows (a small table): 8 buckets per row, the next power of two */
    /* probe: one batch of every probe row, pulled through the callback */
    shoal_batch probe;
    shoal_batch_init(&probe, 4, tables[1].types, 3000);
    for (uint32_t r = 0; r < 3000; r++) append_row(&probe, &tables[1], r);
    probe.count = 3000;
    struct pull_once_state ps = {&probe, false};
    uint64_t rows = 0;
    shoal_batch *out;
    while ((out = shoal_hash_join_next(j, pull_once, &ps, &err)) != NULL) rows += shoal_batch_rows(out);
    CU_ASSERT_FALSE(err.failed);
    /* the reference: even build rows only */
    uint64_t want = 0;
    for (uint32_t p = 0; p < 3000; p++)
        for (uint32_t q = 0; q < 5000; q += 2) want += keys_match(1, p, q, false);
    CU_ASSERT_EQUAL(rows, want);
    shoal_hash_join_get_stats(j, &st);
    CU_ASSERT_EQUAL(st.output_rows, want);
    CU_ASSERT_EQUAL(st.probe_rows, 3000);
    shoal_hash_join_free(j);
    shoal_batch_free(&probe);
    shoal_arena_reset(&a);
}

/* ------------------------------- serialization ------------------------------- */

static void test_serialize_round_trip(void)
{
    jcase c = {SHOAL_JOIN_FULL, K_VARCHAR, 2, 2, 400, 300, 40, 10, 10, 128, 128, true, true};
    table_make(&tables[1], true, c.probe_rows, c.kk, c.domain, c.probe_null, c.probe_batch, c.probe_junk);
    table_make(&tables[2], false, c.build_rows, c.kk, c.domain, c.build_null, c.build_batch, c.build_junk);
    for (int t = 0; t < NTYPES; t++) {
        shoal_arena a, b;
        shoal_arena_init(&a, 4096);
        shoal_arena_init(&b, 4096);
        shoal_plan *plan = join_plan(&a, all_types[t], t == 2 ? 1 : 2, t % 2 ? 0 : 2);
        shoal_writer w;
        shoal_writer_init(&w, 256);
        shoal_plan_serialize(plan, &w);
        shoal_reader r;
        shoal_reader_init(&r, w.data, w.len);
        shoal_plan *back = shoal_plan_deserialize(&r, &b);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_TRUE(shoal_reader_done(&r));
        CU_ASSERT_EQUAL(back->kind, SHOAL_PLAN_HASH_JOIN);
        CU_ASSERT_EQUAL(back->join_type, plan->join_type);
        CU_ASSERT_EQUAL(back->join_key_count, plan->join_key_count);
        for (int k = 0; k < plan->join_key_count; k++) {
            CU_ASSERT_EQUAL(back->probe_keys[k], plan->probe_keys[k]);
            CU_ASSERT_EQUAL(back->build_keys[k], plan->build_keys[k]);
        }
        CU_ASSERT_EQUAL(back->column_count, plan->column_count);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back->child2);
        CU_ASSERT_EQUAL(back->child->table_id, 1);
        CU_ASSERT_EQUAL(back->child2->table_id, 2);
        CU_ASSERT_EQUAL(back->residual != NULL, plan->residual != NULL);
        if (plan->residual && back->residual) {
            char x[256], y[256];
            shoal_expr_to_string(plan->residual, x, sizeof x);
            shoal_expr_to_string(back->residual, y, sizeof y);
            CU_ASSERT_STRING_EQUAL(x, y);
        }
        char e1[2048] = "", e2[2048] = "";
        shoal_plan_explain(plan, 0, e1, sizeof e1);
        shoal_plan_explain(back, 0, e2, sizeof e2);
        CU_ASSERT_STRING_EQUAL(e1, e2);
        CU_ASSERT_PTR_NOT_NULL(strstr(e1, "Hash Join"));
        /* the shipped plan joins like the original */
        lines x = {0}, y = {0};
        shoal_eval_error err;
        CU_ASSERT_TRUE(run_plan(plan, &x, &err, NULL));
        CU_ASSERT_TRUE(run_plan(back, &y, &err, NULL));
        CU_ASSERT_EQUAL(x.n, y.n);
        bool same = x.n == y.n;
        for (size_t i = 0; same && i < x.n; i++) same = strcmp(x.v[i], y.v[i]) == 0;
        CU_ASSERT_TRUE(same);
        lines_free(&x);
        lines_free(&y);
        /* truncated wire forms are refused, never crash */
        for (size_t cut = 0; cut < w.len; cut += 1 + w.len / 40) {
            shoal_arena t2;
            shoal_arena_init(&t2, 4096);
            shoal_reader_init(&r, w.data, cut);
            shoal_plan *bad = shoal_plan_deserialize(&r, &t2);
            CU_ASSERT(bad == NULL || !shoal_reader_done(&r) || cut == w.len);
            shoal_arena_reset(&t2);
        }
        shoal_writer_free(&w);
        shoal_arena_reset(&a);
        shoal_arena_reset(&b);
    }
}

/* Hashes folded to 3 bits: distinct keys collide all the time, so every pair goes through the
 * typed key checks and SEMI/ANTI rows retry after a collision. */
static void test_hash_collisions(void)
{
    shoal_hash_join_test_weak_hashes(3);
    for (int kk = 0; kk < K_COUNT; kk++)
        for (int t = 0; t < NTYPES; t++) {
            jcase c = {all_types[t], (key_kind)kk, 1 + (kk + t) % 2, (kk + t) % 3 == 0 ? 1 : 0, 400, 300, 150, 12, 15, 500, 300,
                       kk % 2 == 0, kk % 2 == 1};
            run_case(&c);
        }
    for (int i = 0; i < 40; i++) {
        jcase c = {all_types[rnd() % NTYPES], (key_kind)(rnd() % K_COUNT), 1, (int)(rnd() % 5), (uint32_t)(rnd() % 600),
                   (uint32_t)(rnd() % 600), 1 + (int)(rnd() % 300), (int)(rnd() % 10), (int)(rnd() % 10),
                   1 + (uint32_t)(rnd() % 700), 1 + (uint32_t)(rnd() % 700), rnd() % 2 == 0, rnd() % 2 == 0};
        run_case(&c);
    }
    shoal_hash_join_test_weak_hashes(0);
}

static void cleanup_tables(void)
{
    for (int i = 0; i < 3; i++) table_free(&tables[i]);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("hash_join", NULL, NULL);
    CU_add_test(s, "every kind and key type", test_every_kind_and_key_type);
    CU_add_test(s, "two-column keys", test_two_column_keys);
    CU_add_test(s, "residuals", test_residuals);
    CU_add_test(s, "empty sides", test_empty_sides);
    CU_add_test(s, "large build side, large output", test_large_build_and_output);
    CU_add_test(s, "cross join (no keys)", test_cross_join);
    CU_add_test(s, "large tables (prefetching)", test_large_tables);
    CU_add_test(s, "random configurations", test_random_configurations);
    CU_add_test(s, "NOT IN semantics", test_not_in_semantics);
    CU_add_test(s, "hash collisions", test_hash_collisions);
    CU_add_test(s, "errors", test_errors);
    CU_add_test(s, "direct API and table sizing", test_direct_api_and_sizing);
    CU_add_test(s, "serialize round trip", test_serialize_round_trip);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    fprintf(stderr, "%d join cases, %d failed\n", cases_run, cases_failed);
    CU_cleanup_registry();
    cleanup_tables();
    return failures ? 1 : 0;
}
