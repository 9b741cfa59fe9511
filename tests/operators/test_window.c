/* CUnit tests of the WINDOW operator: every function (ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD,
 * FIRST_VALUE, LAST_VALUE, COUNT(*), COUNT, SUM, AVG, MIN, MAX) against a straightforward
 * reference (sort, then per row a scan of its partition and frame) on random data with NULLs,
 * duplicate order keys (peers), several partitions, one partition of several batches, ASC/DESC
 * and NULLS FIRST/LAST order keys, every frame kind, LAG/LEAD offsets 0/1/3/-2 with and without
 * a default column, arguments of every physical type (SMALLINT, INTEGER, BIGINT, DECIMAL(15,2),
 * DECIMAL(30,4), REAL, DOUBLE, VARCHAR, DATE); the frame aggregates also against the hash
 * aggregate (GROUP BY) over each frame's rows, values and types; known answers by hand
 * (decimal AVG rounding, float sums that must not cancel); empty input; plan errors; a WINDOW
 * plan through serialize/deserialize. */
#include "engine/exec/aggregate.h"
#include "engine/exec/operator.h"
#include "engine/exec/window.h"
#include "runtime/memory.h"
#include "runtime/serialize.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------- random data ---------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static bool one_in(int n) { return n > 0 && rnd() % (uint64_t)n == 0; }
static int64_t rnd_range(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

/* Argument kinds, one column each plus a default column of the same type. */
typedef enum arg_kind { A_I16, A_I32, A_I64, A_DEC, A_DECW, A_REAL, A_DBL, A_STR, A_DATE, A_COUNT } arg_kind;

static shoal_type arg_type(arg_kind k)
{
    switch (k) {
    case A_I16: return shoal_type_make(SHOAL_TYPE_SMALLINT);
    case A_I32: return shoal_type_make(SHOAL_TYPE_INTEGER);
    case A_I64: return shoal_type_make(SHOAL_TYPE_BIGINT);
    case A_DEC: return shoal_type_decimal(15, 2);
    case A_DECW: return shoal_type_decimal(30, 4);
    case A_REAL: return shoal_type_make(SHOAL_TYPE_REAL);
    case A_DBL: return shoal_type_make(SHOAL_TYPE_DOUBLE);
    case A_STR: return shoal_type_string(SHOAL_TYPE_VARCHAR, 40);
    case A_DATE: return shoal_type_make(SHOAL_TYPE_DATE);
    default: return shoal_type_make(SHOAL_TYPE_INTEGER);
    }
}
static bool arg_numeric(arg_kind k) { return k != A_STR && k != A_DATE; }

static const char *const words[] = {"", "a", "ab", "b", "zeta", "a string longer than sixteen bytes", "mu", "B"};
#define NWORDS 8

/* Random values; floats are multiples of 1/4 of moderate size, so every sum is exact in any
 * order and results compare exactly. */
static void append_arg(shoal_vector *v, arg_kind k)
{
    switch (k) {
    case A_I16: shoal_vector_append_i64(v, rnd_range(-1000, 1000)); break;
    case A_I32: shoal_vector_append_i64(v, rnd_range(-100, 100)); break;
    case A_I64: shoal_vector_append_i64(v, rnd_range(-1000, 1000) * 1000000007LL); break;
    case A_DEC: shoal_vector_append_i64(v, rnd_range(-100000, 100000)); break;
    case A_DECW:
        shoal_vector_append_i128(v, (shoal_int128)rnd_range(-1000000, 1000000) * 1000000000000000000LL + rnd_range(0, 9999));
        break;
    case A_REAL: shoal_vector_append_f64(v, (double)rnd_range(-4000, 4000) / 4.0); break;
    case A_DBL: shoal_vector_append_f64(v, (double)rnd_range(-4000, 4000) / 4.0); break;
    case A_STR: {
        const char *w = words[rnd() % NWORDS];
        shoal_vector_append_string(v, w, (uint32_t)strlen(w));
        break;
    }
    case A_DATE: shoal_vector_append_i64(v, rnd_range(9000, 9500)); break;
    default: break;
    }
}

/* The table: 0 id BIGINT (row number), 1 p1 INTEGER, 2 p2 VARCHAR, 3 o1 INTEGER, 4 o2 VARCHAR,
 * 5 o3 DOUBLE, then ARG0 + k the argument of kind k, DEF0 + k its default column. */
enum { C_ID, C_P1, C_P2, C_O1, C_O2, C_O3, ARG0 };
#define DEF0 (ARG0 + A_COUNT)
#define NCOLS (DEF0 + A_COUNT)

typedef struct table {
    uint32_t rows;
    shoal_type types[NCOLS];
    shoal_batch all;
    uint32_t max_batch;
    bool junk; /* scan batches interleave unselected rows */
} table;

static table tbl;

typedef struct data_params {
    uint32_t rows;
    int p1_domain, p2_domain, o1_domain, o3_domain;
    int null_rate; /* 1 in null_rate cells is NULL (0: none) */
    uint32_t max_batch;
    bool junk;
} data_params;

static void table_make(const data_params *dp)
{
    shoal_batch_free(&tbl.all);
    memset(&tbl, 0, sizeof tbl);
    tbl.types[C_ID] = shoal_type_make(SHOAL_TYPE_BIGINT);
    tbl.types[C_P1] = shoal_type_make(SHOAL_TYPE_INTEGER);
    tbl.types[C_P2] = shoal_type_string(SHOAL_TYPE_VARCHAR, 16);
    tbl.types[C_O1] = shoal_type_make(SHOAL_TYPE_INTEGER);
    tbl.types[C_O2] = shoal_type_string(SHOAL_TYPE_VARCHAR, 40);
    tbl.types[C_O3] = shoal_type_make(SHOAL_TYPE_DOUBLE);
    for (int k = 0; k < A_COUNT; k++) tbl.types[ARG0 + k] = tbl.types[DEF0 + k] = arg_type((arg_kind)k);
    shoal_batch_init(&tbl.all, NCOLS, tbl.types, dp->rows ? dp->rows : 1);
    shoal_vector *c = tbl.all.columns;
    for (uint32_t i = 0; i < dp->rows; i++) {
        shoal_vector_append_i64(&c[C_ID], i);
        if (one_in(dp->null_rate * 2)) shoal_vector_append_null(&c[C_P1]);
        else shoal_vector_append_i64(&c[C_P1], rnd_range(0, dp->p1_domain - 1));
        if (one_in(dp->null_rate * 2)) shoal_vector_append_null(&c[C_P2]);
        else {
            const char *w = words[rnd() % (uint64_t)(dp->p2_domain < NWORDS ? dp->p2_domain : NWORDS)];
            shoal_vector_append_string(&c[C_P2], w, (uint32_t)strlen(w));
        }
        if (one_in(dp->null_rate)) shoal_vector_append_null(&c[C_O1]);
        else shoal_vector_append_i64(&c[C_O1], rnd_range(0, dp->o1_domain - 1));
        if (one_in(dp->null_rate)) shoal_vector_append_null(&c[C_O2]);
        else {
            const char *w = words[rnd() % NWORDS];
            shoal_vector_append_string(&c[C_O2], w, (uint32_t)strlen(w));
        }
        if (one_in(dp->null_rate)) shoal_vector_append_null(&c[C_O3]);
        else shoal_vector_append_f64(&c[C_O3], (double)rnd_range(0, dp->o3_domain - 1) * 0.5 - 3);
        for (int k = 0; k < A_COUNT; k++) {
            if (one_in(dp->null_rate)) shoal_vector_append_null(&c[ARG0 + k]);
            else append_arg(&c[ARG0 + k], (arg_kind)k);
            if (one_in(dp->null_rate)) shoal_vector_append_null(&c[DEF0 + k]);
            else append_arg(&c[DEF0 + k], (arg_kind)k);
        }
    }
    tbl.all.count = tbl.rows = dp->rows;
    tbl.max_batch = dp->max_batch ? dp->max_batch : SHOAL_BATCH_ROWS;
    tbl.junk = dp->junk;
}

static void render(const shoal_vector *v, uint32_t r, char *buf, size_t size)
{
    if (shoal_vector_is_null(v, r)) snprintf(buf, size, "NULL");
    else shoal_vector_format(v, r, buf, size);
}

/* ----------------------------- the scan source (test double) ----------------------------- */

typedef struct scan_state {
    uint32_t next;
} scan_state;

/* Batches of 1..max_batch rows; with `junk`, unselected copies of random rows in between. */
static bool scan_next(void *state, shoal_batch *out, shoal_eval_error *err)
{
    scan_state *s = state;
    if (s->next >= tbl.rows) return false;
    uint32_t want = 1 + (uint32_t)(rnd() % tbl.max_batch), n = 0, phys = 0;
    static uint32_t logical[SHOAL_BATCH_ROWS];
    while (s->next < tbl.rows && n < want && phys + 2 <= SHOAL_BATCH_ROWS) {
        if (tbl.junk && one_in(3)) {
            uint32_t r = (uint32_t)(rnd() % tbl.rows);
            for (int c = 0; c < NCOLS; c++) shoal_vector_append_from(&out->columns[c], &tbl.all.columns[c], r);
            phys++;
        }
        for (int c = 0; c < NCOLS; c++) shoal_vector_append_from(&out->columns[c], &tbl.all.columns[c], s->next);
        s->next++;
        logical[n++] = phys++;
    }
    out->count = phys;
    if (tbl.junk) {
        uint32_t *sel = shoal_batch_select_all(out);
        memcpy(sel, logical, n * sizeof(uint32_t));
        out->sel_count = n;
    }
    return true;
}

static bool open_scan(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *src, shoal_eval_error *err)
{
    scan_state *s = calloc(1, sizeof *s);
    src->state = s;
    src->next = scan_next;
    src->close = free;
    return true;
}

/* ------------------------------------- plans ------------------------------------- */

static shoal_plan *scan_plan(shoal_arena *a)
{
    shoal_plan *p = shoal_plan_new(a, SHOAL_PLAN_SCAN, NULL, NCOLS);
    p->table_id = 1;
    p->table_column_count = NCOLS;
    p->table_types = shoal_arena_alloc(a, sizeof(shoal_type) * NCOLS);
    p->scan_count = NCOLS;
    p->scan_columns = shoal_arena_alloc(a, sizeof(int32_t) * NCOLS);
    for (int c = 0; c < NCOLS; c++) {
        p->types[c] = p->table_types[c] = tbl.types[c];
        p->scan_columns[c] = c;
        p->names[c] = "c";
    }
    return p;
}

#define UNB_PRE INT64_MIN
#define UNB_FOL INT64_MAX

typedef struct frame_def {
    uint8_t kind;
    int64_t start, end;
    const char *name;
} frame_def;

static const frame_def frames[] = {
    {SHOAL_FRAME_DEFAULT, 0, 0, "DEFAULT"},
    {SHOAL_FRAME_ROWS, -2, 1, "ROWS 2 PRECEDING AND 1 FOLLOWING"},
    {SHOAL_FRAME_ROWS, UNB_PRE, 0, "ROWS UNBOUNDED PRECEDING AND CURRENT ROW"},
    {SHOAL_FRAME_ROWS, 0, UNB_FOL, "ROWS CURRENT ROW AND UNBOUNDED FOLLOWING"},
    {SHOAL_FRAME_ROWS, UNB_PRE, UNB_FOL, "ROWS UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"},
    {SHOAL_FRAME_ROWS, -3, -1, "ROWS 3 PRECEDING AND 1 PRECEDING"},
    {SHOAL_FRAME_ROWS, 1, 3, "ROWS 1 FOLLOWING AND 3 FOLLOWING"},
    {SHOAL_FRAME_ROWS, UNB_PRE, -2, "ROWS UNBOUNDED PRECEDING AND 2 PRECEDING"},
    {SHOAL_FRAME_ROWS, 2, UNB_FOL, "ROWS 2 FOLLOWING AND UNBOUNDED FOLLOWING"},
    {SHOAL_FRAME_ROWS, -40, 40, "ROWS 40 PRECEDING AND 40 FOLLOWING"},
    {SHOAL_FRAME_ROWS, 3, 1, "ROWS 3 FOLLOWING AND 1 FOLLOWING (always empty)"},
    {SHOAL_FRAME_ROWS, -1000000000000LL, 1000000000000LL, "ROWS 10^12 PRECEDING AND 10^12 FOLLOWING"},
    {SHOAL_FRAME_ROWS, UNB_FOL, UNB_FOL, "ROWS from UNBOUNDED FOLLOWING (empty)"},
    {SHOAL_FRAME_ROWS, UNB_PRE, UNB_PRE, "ROWS to UNBOUNDED PRECEDING (empty)"},
};
#define NFRAMES ((int)(sizeof frames / sizeof frames[0]))

/* The result type the binder gives (plan.h). */
static shoal_type result_type(uint8_t func, int arg)
{
    switch ((shoal_window_func)func) {
    case SHOAL_WIN_ROW_NUMBER:
    case SHOAL_WIN_RANK:
    case SHOAL_WIN_DENSE_RANK:
    case SHOAL_WIN_COUNT_STAR:
    case SHOAL_WIN_COUNT: return shoal_type_make(SHOAL_TYPE_BIGINT);
    case SHOAL_WIN_SUM:
    case SHOAL_WIN_AVG: {
        shoal_agg_spec as = {.func = func == SHOAL_WIN_SUM ? SHOAL_AGG_SUM : SHOAL_AGG_AVG, .input = arg, .input_type = tbl.types[arg]};
        return shoal_agg_result_type(&as);
    }
    default: return tbl.types[arg];
    }
}

static shoal_window_spec wspec(uint8_t func, int arg, int64_t offset, int def, const frame_def *fr)
{
    shoal_window_spec s;
    memset(&s, 0, sizeof s);
    s.func = func;
    s.arg = arg;
    s.offset = offset;
    s.default_arg = def;
    s.frame = fr ? fr->kind : SHOAL_FRAME_DEFAULT;
    s.frame_start = fr ? fr->start : 0;
    s.frame_end = fr ? fr->end : 0;
    s.result_type = result_type(func, arg);
    return s;
}

typedef struct win_case {
    int npart;
    int32_t part[3];
    int norder;
    shoal_sort_key order[3];
} win_case;

static shoal_plan *window_plan(shoal_arena *a, shoal_plan *child, const win_case *wc, const shoal_window_spec *specs, int n)
{
    int nin = child->column_count;
    shoal_plan *p = shoal_plan_new(a, SHOAL_PLAN_WINDOW, child, nin + n);
    for (int c = 0; c < nin; c++) {
        p->types[c] = child->types[c];
        p->names[c] = child->names[c];
    }
    p->window_partition_count = wc->npart;
    p->window_partition_keys = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)(wc->npart + 1));
    memcpy(p->window_partition_keys, wc->part, sizeof(int32_t) * (size_t)wc->npart);
    p->sort_key_count = wc->norder;
    p->sort_keys = shoal_arena_alloc(a, sizeof(shoal_sort_key) * (size_t)(wc->norder + 1));
    memcpy(p->sort_keys, wc->order, sizeof(shoal_sort_key) * (size_t)wc->norder);
    p->window_count = n;
    p->windows = shoal_arena_alloc(a, sizeof(shoal_window_spec) * (size_t)(n + 1));
    memcpy(p->windows, specs, sizeof(shoal_window_spec) * (size_t)n);
    for (int i = 0; i < n; i++) {
        p->types[nin + i] = specs[i].result_type;
        p->names[nin + i] = "w";
    }
    return p;
}

/* ---------------------------------- running plans ---------------------------------- */

typedef struct result {
    uint32_t rows;
    int ncols;
    char **cells; /* rows x ncols */
    shoal_type types[512];
    bool batches_ok; /* every batch has 1..SHOAL_BATCH_ROWS rows */
} result;

static void result_free(result *r)
{
    if (r->cells) {
        for (size_t i = 0; i < (size_t)r->rows * (size_t)r->ncols; i++) free(r->cells[i]);
        free(r->cells);
    }
    memset(r, 0, sizeof *r);
}

static bool run_plan(const shoal_plan *p, result *res, shoal_eval_error *err)
{
    memset(res, 0, sizeof *res);
    memset(err, 0, sizeof *err);
    shoal_exec_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.open_scan = open_scan;
    shoal_operator *op = shoal_operator_open(p, &ctx, err);
    if (op == NULL) return false;
    res->ncols = p->column_count;
    res->batches_ok = true;
    size_t cap = 0;
    shoal_batch *b;
    while ((b = shoal_operator_next(op, err)) != NULL) {
        uint32_t n = shoal_batch_rows(b);
        if (n == 0 || n > SHOAL_BATCH_ROWS || b->column_count != p->column_count) res->batches_ok = false;
        for (int c = 0; c < b->column_count && c < 512; c++) res->types[c] = b->columns[c].type;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = shoal_batch_row(b, i);
            if ((size_t)(res->rows + 1) * (size_t)res->ncols > cap) {
                cap = cap ? cap * 2 : 1024 * (size_t)res->ncols;
                res->cells = realloc(res->cells, cap * sizeof(char *));
            }
            for (int c = 0; c < res->ncols; c++) {
                char cell[128];
                render(&b->columns[c], r, cell, sizeof cell);
                res->cells[(size_t)res->rows * (size_t)res->ncols + (size_t)c] = strdup(cell);
            }
            res->rows++;
        }
    }
    shoal_operator_close(op);
    return !err->failed;
}

static const char *cell(const result *r, uint32_t row, int col) { return r->cells[(size_t)row * (size_t)r->ncols + (size_t)col]; }

/* ---------------------------------- the reference ---------------------------------- */

static const win_case *ref_case;

static int cmp_key(int col, bool desc, bool nulls_first, uint32_t a, uint32_t b)
{
    const shoal_vector *v = &tbl.all.columns[col];
    bool an = shoal_vector_is_null(v, a), bn = shoal_vector_is_null(v, b);
    if (an || bn) {
        if (an && bn) return 0;
        return an == nulls_first ? -1 : 1;
    }
    int c = shoal_vector_compare(v, a, v, b);
    return desc ? -c : c;
}

static int cmp_partition(uint32_t a, uint32_t b)
{
    for (int k = 0; k < ref_case->npart; k++) {
        int c = cmp_key(ref_case->part[k], false, false, a, b);
        if (c) return c;
    }
    return 0;
}

static bool peers(uint32_t a, uint32_t b)
{
    for (int k = 0; k < ref_case->norder; k++)
        if (cmp_key(ref_case->order[k].column, false, false, a, b) != 0) return false;
    return true;
}

static int cmp_ref_rows(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int c = cmp_partition(a, b);
    if (c) return c;
    for (int k = 0; k < ref_case->norder; k++) {
        const shoal_sort_key *sk = &ref_case->order[k];
        if ((c = cmp_key(sk->column, sk->descending, sk->nulls_first, a, b)) != 0) return c;
    }
    return (a > b) - (a < b); /* ties keep the input order */
}

typedef struct ref {
    uint32_t n;
    uint32_t *order;              /* table rows in output order */
    uint32_t *part_start, *part_end; /* per output position: its partition [start, end) */
} ref;

static void ref_build(ref *r, const win_case *wc)
{
    ref_case = wc;
    r->n = tbl.rows;
    r->order = malloc(((size_t)r->n + 1) * sizeof(uint32_t));
    r->part_start = malloc(((size_t)r->n + 1) * sizeof(uint32_t));
    r->part_end = malloc(((size_t)r->n + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < r->n; i++) r->order[i] = i;
    qsort(r->order, r->n, sizeof(uint32_t), cmp_ref_rows);
    for (uint32_t i = 0; i < r->n;) {
        uint32_t j = i + 1;
        while (j < r->n && cmp_partition(r->order[i], r->order[j]) == 0) j++;
        for (uint32_t k = i; k < j; k++) {
            r->part_start[k] = i;
            r->part_end[k] = j;
        }
        i = j;
    }
}

static void ref_free(ref *r)
{
    free(r->order);
    free(r->part_start);
    free(r->part_end);
}

/* The frame of output position i: [*lo, *hi) (positions). */
static void ref_frame(const ref *r, const shoal_window_spec *s, uint32_t i, uint32_t *lo, uint32_t *hi)
{
    int64_t ps = r->part_start[i], pe = r->part_end[i], k = i;
    if (s->frame == SHOAL_FRAME_DEFAULT) {
        *lo = (uint32_t)ps;
        if (ref_case->norder == 0) {
            *hi = (uint32_t)pe;
        } else {
            int64_t j = k;
            while (j + 1 < pe && peers(r->order[j + 1], r->order[k])) j++;
            *hi = (uint32_t)(j + 1);
        }
        return;
    }
    /* in 128 bits: the offsets may be INT64_MIN/INT64_MAX or merely huge */
    __int128 l = s->frame_start == UNB_PRE ? ps : (__int128)k + s->frame_start;
    __int128 h = s->frame_end == UNB_FOL ? pe : (__int128)k + s->frame_end + 1;
    if (l < ps) l = ps;
    if (h > pe) h = pe;
    if (l >= h) l = h = ps; /* empty */
    *lo = (uint32_t)l;
    *hi = (uint32_t)h;
}

/* Renders a value of type t: v[row], or from the accumulated pieces. */
static void render_i128(shoal_type t, shoal_int128 x, char *buf, size_t size)
{
    shoal_vector v;
    shoal_vector_init(&v, t, 1);
    shoal_vector_append_i128(&v, x);
    render(&v, 0, buf, size);
    shoal_vector_free(&v);
}
static void render_f64(double x, char *buf, size_t size)
{
    shoal_vector v;
    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DOUBLE), 1);
    shoal_vector_append_f64(&v, x);
    render(&v, 0, buf, size);
    shoal_vector_free(&v);
}

/* round(num / den) half away from zero, as floor((2|num| + den) / (2 den)) with the sign. */
static shoal_int128 ref_round_div(shoal_int128 num, int64_t den)
{
    shoal_int128 a = num < 0 ? -num : num;
    shoal_int128 q = (2 * a + den) / (2 * (shoal_int128)den);
    return num < 0 ? -q : q;
}

static shoal_int128 pow10i(int n)
{
    shoal_int128 x = 1;
    while (n-- > 0) x *= 10;
    return x;
}

/* The expected text of function s at output position i. */
static void ref_value(const ref *r, const shoal_window_spec *s, uint32_t i, char *buf, size_t size)
{
    uint32_t ps = r->part_start[i], pe = r->part_end[i], row = r->order[i];
    const shoal_vector *arg = s->arg >= 0 ? &tbl.all.columns[s->arg] : NULL;
    switch ((shoal_window_func)s->func) {
    case SHOAL_WIN_ROW_NUMBER: snprintf(buf, size, "%u", i - ps + 1); return;
    case SHOAL_WIN_RANK: {
        uint32_t j = ps;
        while (!peers(r->order[j], row)) j++;
        snprintf(buf, size, "%u", j - ps + 1);
        return;
    }
    case SHOAL_WIN_DENSE_RANK: {
        uint32_t d = 1;
        for (uint32_t j = ps + 1; j <= i; j++)
            if (!peers(r->order[j], r->order[j - 1])) d++;
        snprintf(buf, size, "%u", d);
        return;
    }
    case SHOAL_WIN_LAG:
    case SHOAL_WIN_LEAD: {
        __int128 src = (__int128)i + (s->func == SHOAL_WIN_LEAD ? (__int128)s->offset : -(__int128)s->offset);
        if (src >= ps && src < pe) render(arg, r->order[(uint32_t)src], buf, size);
        else if (s->default_arg >= 0) render(&tbl.all.columns[s->default_arg], row, buf, size);
        else snprintf(buf, size, "NULL");
        return;
    }
    default: break;
    }
    uint32_t lo, hi;
    ref_frame(r, s, i, &lo, &hi);
    switch ((shoal_window_func)s->func) {
    case SHOAL_WIN_FIRST_VALUE:
    case SHOAL_WIN_LAST_VALUE:
        if (lo == hi) snprintf(buf, size, "NULL");
        else render(arg, r->order[s->func == SHOAL_WIN_FIRST_VALUE ? lo : hi - 1], buf, size);
        return;
    case SHOAL_WIN_COUNT_STAR: snprintf(buf, size, "%u", hi - lo); return;
    default: break;
    }
    int64_t count = 0;
    shoal_int128 sum = 0;
    double fsum = 0;
    int64_t best = -1;
    bool is_f = arg->type.id == SHOAL_TYPE_REAL || arg->type.id == SHOAL_TYPE_DOUBLE;
    for (uint32_t j = lo; j < hi; j++) {
        uint32_t x = r->order[j];
        if (shoal_vector_is_null(arg, x)) continue;
        count++;
        if (s->func == SHOAL_WIN_SUM || s->func == SHOAL_WIN_AVG) {
            if (is_f) fsum += shoal_vector_get_f64(arg, x);
            else sum += shoal_vector_get_i128(arg, x);
        }
        if (s->func == SHOAL_WIN_MIN || s->func == SHOAL_WIN_MAX) {
            int c = best < 0 ? 0 : shoal_vector_compare(arg, x, arg, (uint32_t)best);
            if (best < 0 || (s->func == SHOAL_WIN_MIN ? c < 0 : c > 0)) best = x;
        }
    }
    if (s->func == SHOAL_WIN_COUNT) {
        snprintf(buf, size, "%lld", (long long)count);
        return;
    }
    if (count == 0) {
        snprintf(buf, size, "NULL");
        return;
    }
    switch ((shoal_window_func)s->func) {
    case SHOAL_WIN_SUM:
        if (is_f) render_f64(fsum, buf, size);
        else render_i128(s->result_type, sum, buf, size);
        return;
    case SHOAL_WIN_AVG:
        if (is_f) render_f64(fsum / (double)count, buf, size);
        else if (arg->type.id == SHOAL_TYPE_DECIMAL)
            render_i128(s->result_type, ref_round_div(sum * pow10i(s->result_type.scale - arg->type.scale), count), buf, size);
        else render_f64((double)sum / (double)count, buf, size);
        return;
    case SHOAL_WIN_MIN:
    case SHOAL_WIN_MAX: render(arg, (uint32_t)best, buf, size); return;
    default: snprintf(buf, size, "?"); return;
    }
}

/* ------------------------------ the GROUP BY cross-check ------------------------------ */

static bool is_frame_aggregate(uint8_t f)
{
    return f == SHOAL_WIN_COUNT || f == SHOAL_WIN_SUM || f == SHOAL_WIN_AVG || f == SHOAL_WIN_MIN || f == SHOAL_WIN_MAX;
}

/* The hash aggregate over every frame's rows (tagged with the frame owner's id as the GROUP
 * BY key) must give the window's values and type. out_col: the function's output column. */
static int check_against_group_by(const ref *r, const shoal_window_spec *s, const result *res, int out_col,
                                  const uint32_t *pos_of_id)
{
    static const shoal_agg_func map[] = {[SHOAL_WIN_COUNT] = SHOAL_AGG_COUNT, [SHOAL_WIN_SUM] = SHOAL_AGG_SUM,
                                         [SHOAL_WIN_AVG] = SHOAL_AGG_AVG, [SHOAL_WIN_MIN] = SHOAL_AGG_MIN,
                                         [SHOAL_WIN_MAX] = SHOAL_AGG_MAX};
    const shoal_vector *arg = &tbl.all.columns[s->arg];
    shoal_type types[2] = {shoal_type_make(SHOAL_TYPE_BIGINT), arg->type};
    shoal_agg_spec as = {.func = (uint8_t)map[s->func], .input = 1, .input_type = arg->type};
    int key = 0;
    shoal_hash_agg *h = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, types, 1, &as);
    shoal_type out_types[2];
    shoal_hash_agg_output_types(h, out_types);
    int bad = 0;
    if (res->rows > 0 && !shoal_type_equal(out_types[1], res->types[out_col])) bad++;
    shoal_batch b;
    shoal_batch_init(&b, 2, types, SHOAL_BATCH_ROWS);
    for (uint32_t i = 0; i < r->n; i++) {
        uint32_t lo, hi;
        ref_frame(r, s, i, &lo, &hi);
        for (uint32_t j = lo; j < hi; j++) {
            shoal_vector_append_i64(&b.columns[0], r->order[i]);
            shoal_vector_append_from(&b.columns[1], arg, r->order[j]);
            if (++b.count == SHOAL_BATCH_ROWS) {
                shoal_hash_agg_add(h, &b);
                shoal_batch_reset(&b);
            }
        }
    }
    if (b.count) shoal_hash_agg_add(h, &b);
    shoal_batch_free(&b);
    char *seen = calloc((size_t)r->n + 1, 1);
    shoal_batch out;
    shoal_batch_init(&out, 2, out_types, SHOAL_BATCH_ROWS);
    uint64_t cursor = 0;
    while (shoal_hash_agg_next(h, &cursor, &out)) {
        for (uint32_t g = 0; g < out.count; g++) {
            uint32_t id = (uint32_t)shoal_vector_get_i64(&out.columns[0], g);
            char want[128];
            render(&out.columns[1], g, want, sizeof want);
            seen[id] = 1;
            if (strcmp(want, cell(res, pos_of_id[id], out_col)) != 0) {
                if (bad++ < 3)
                    fprintf(stderr, "\n  GROUP BY func %d arg %d frame %d(%lld,%lld) id %u: window %s, aggregate %s\n", s->func,
                            s->arg, s->frame, (long long)s->frame_start, (long long)s->frame_end, id,
                            cell(res, pos_of_id[id], out_col), want);
            }
        }
    }
    /* an empty frame has no group: NULL, or COUNT 0 */
    for (uint32_t id = 0; id < r->n; id++)
        if (!seen[id] && strcmp(cell(res, pos_of_id[id], out_col), s->func == SHOAL_WIN_COUNT ? "0" : "NULL") != 0) bad++;
    free(seen);
    shoal_batch_free(&out);
    shoal_hash_agg_free(h);
    return bad;
}

/* ------------------------------ checking one plan ------------------------------ */

/* The GROUP BY cross-check is the slow part: SUM/AVG of every numeric kind, COUNT/MIN/MAX of
 * a few. */
static bool cross_checked(const shoal_window_spec *s)
{
    if (s->func == SHOAL_WIN_SUM || s->func == SHOAL_WIN_AVG) return true;
    int k = s->arg - ARG0;
    return k == A_DEC || k == A_DECW || k == A_STR || k == A_DBL;
}

/* Runs WINDOW(specs) over the table and compares everything with the reference. */
static void check_window(const win_case *wc, const shoal_window_spec *specs, int n, bool group_by, const char *what)
{
    shoal_arena a;
    shoal_arena_init(&a, 1 << 16);
    shoal_plan *p = window_plan(&a, scan_plan(&a), wc, specs, n);
    result res;
    shoal_eval_error err;
    bool ok = run_plan(p, &res, &err);
    if (!ok) fprintf(stderr, "\n  %s: %s %s\n", what, err.sqlstate, err.message);
    CU_ASSERT_TRUE_FATAL(ok);
    CU_ASSERT_EQUAL(res.rows, tbl.rows);
    CU_ASSERT_TRUE(res.batches_ok);
    ref r;
    ref_build(&r, wc);
    int bad = 0;
    for (int c = 0; c < p->column_count; c++)
        if (res.rows > 0 && !shoal_type_equal(res.types[c], p->types[c])) bad++;
    uint32_t *pos_of_id = calloc((size_t)r.n + 1, sizeof(uint32_t));
    for (uint32_t i = 0; i < res.rows && i < r.n; i++) {
        uint32_t row = r.order[i];
        char want[128];
        /* the rows come in (partition, order) order, ties in input order, columns intact */
        snprintf(want, sizeof want, "%u", row);
        if (strcmp(cell(&res, i, C_ID), want) != 0) {
            if (bad++ < 3) fprintf(stderr, "\n  %s: position %u holds id %s, expected %u\n", what, i, cell(&res, i, C_ID), row);
            continue;
        }
        pos_of_id[row] = i;
        for (int c = 1; c < NCOLS; c++) {
            render(&tbl.all.columns[c], row, want, sizeof want);
            if (strcmp(cell(&res, i, c), want) != 0 && bad++ < 3)
                fprintf(stderr, "\n  %s: row %u column %d: %s, expected %s\n", what, row, c, cell(&res, i, c), want);
        }
    }
    for (int f = 0; f < n && bad == 0 && res.rows == r.n; f++) {
        const shoal_window_spec *s = &specs[f];
        bool framed = s->func >= SHOAL_WIN_FIRST_VALUE;
        uint32_t last_lo = UINT32_MAX, last_hi = UINT32_MAX;
        char want[128] = "";
        for (uint32_t i = 0; i < r.n; i++) {
            uint32_t lo = 0, hi = 0;
            if (framed) ref_frame(&r, s, i, &lo, &hi);
            /* a frame like the last row's has the same value (whole partitions, peers) */
            if (!framed || lo != last_lo || hi != last_hi || lo == hi) ref_value(&r, s, i, want, sizeof want);
            last_lo = lo;
            last_hi = hi;
            if (strcmp(cell(&res, i, NCOLS + f), want) != 0 && bad++ < 5)
                fprintf(stderr, "\n  %s: function %d (func %d arg %d frame %d %lld..%lld offset %lld) at %u: %s, expected %s\n",
                        what, f, s->func, s->arg, s->frame, (long long)s->frame_start, (long long)s->frame_end,
                        (long long)s->offset, i, cell(&res, i, NCOLS + f), want);
        }
    }
    if (group_by && bad == 0 && res.rows == r.n)
        for (int f = 0; f < n; f++)
            if (is_frame_aggregate(specs[f].func) && cross_checked(&specs[f]))
                bad += check_against_group_by(&r, &specs[f], &res, NCOLS + f, pos_of_id);
    if (bad) fprintf(stderr, "\n  %s: %d mismatches (%u rows)\n", what, bad, tbl.rows);
    CU_ASSERT_EQUAL(bad, 0);
    free(pos_of_id);
    ref_free(&r);
    result_free(&res);
    shoal_arena_reset(&a);
}

/* Every function over every argument kind, aggregates and value functions with frame fr. */
static int all_functions(shoal_window_spec *s, const frame_def *fr)
{
    int n = 0;
    s[n++] = wspec(SHOAL_WIN_ROW_NUMBER, -1, 0, -1, NULL);
    s[n++] = wspec(SHOAL_WIN_RANK, -1, 0, -1, NULL);
    s[n++] = wspec(SHOAL_WIN_DENSE_RANK, -1, 0, -1, NULL);
    s[n++] = wspec(SHOAL_WIN_COUNT_STAR, -1, 0, -1, fr);
    for (int k = 0; k < A_COUNT; k++) {
        int a = ARG0 + k, d = DEF0 + k;
        s[n++] = wspec(SHOAL_WIN_LAG, a, 1, -1, NULL);
        s[n++] = wspec(SHOAL_WIN_LAG, a, 3, d, NULL);
        s[n++] = wspec(SHOAL_WIN_LEAD, a, 1, d, NULL);
        s[n++] = wspec(SHOAL_WIN_LEAD, a, 3, -1, NULL);
        s[n++] = wspec(SHOAL_WIN_FIRST_VALUE, a, 0, -1, fr);
        s[n++] = wspec(SHOAL_WIN_LAST_VALUE, a, 0, -1, fr);
        s[n++] = wspec(SHOAL_WIN_COUNT, a, 0, -1, fr);
        s[n++] = wspec(SHOAL_WIN_MIN, a, 0, -1, fr);
        s[n++] = wspec(SHOAL_WIN_MAX, a, 0, -1, fr);
        if (arg_numeric((arg_kind)k)) {
            s[n++] = wspec(SHOAL_WIN_SUM, a, 0, -1, fr);
            s[n++] = wspec(SHOAL_WIN_AVG, a, 0, -1, fr);
        }
    }
    /* odd offsets: 0 (the row itself), negative (the other direction) */
    s[n++] = wspec(SHOAL_WIN_LAG, ARG0 + A_I32, 0, DEF0 + A_I32, NULL);
    s[n++] = wspec(SHOAL_WIN_LAG, ARG0 + A_STR, -2, DEF0 + A_STR, NULL);
    s[n++] = wspec(SHOAL_WIN_LEAD, ARG0 + A_DEC, -1, -1, NULL);
    s[n++] = wspec(SHOAL_WIN_LEAD, ARG0 + A_DATE, 1000000, DEF0 + A_DATE, NULL);
    s[n++] = wspec(SHOAL_WIN_LAG, ARG0 + A_I64, INT64_MIN, DEF0 + A_I64, NULL);
    s[n++] = wspec(SHOAL_WIN_LEAD, ARG0 + A_DECW, INT64_MAX, DEF0 + A_DECW, NULL);
    s[n++] = wspec(SHOAL_WIN_LEAD, ARG0 + A_REAL, INT64_MIN, -1, NULL);
    return n;
}

/* ------------------------------------- tests ------------------------------------- */

static void test_every_function_and_frame(void)
{
    static const struct {
        data_params dp;
        win_case wc;
        const char *name;
    } cases[] = {
        {{600, 5, 3, 12, 8, 7, 200, true}, {1, {C_P1}, 1, {{C_O1, false, false}}}, "PARTITION BY p1 ORDER BY o1 (peers)"},
        {{500, 3, 3, 6, 8, 6, 90, true},
         {2, {C_P1, C_P2}, 2, {{C_O1, true, true}, {C_O2, false, true}}},
         "PARTITION BY p1, p2 ORDER BY o1 DESC, o2 NULLS FIRST"},
        {{300, 5, 3, 12, 8, 5, 300, false}, {0, {0}, 1, {{C_O2, true, false}}}, "ORDER BY o2 DESC NULLS LAST"},
        {{400, 5, 4, 12, 8, 8, 64, true}, {1, {C_P2}, 0, {{0}}}, "PARTITION BY p2 (no ORDER BY)"},
        {{250, 5, 4, 12, 8, 8, 2048, false}, {0, {0}, 0, {{0}}}, "OVER () (one partition, no order)"},
        {{500, 4, 4, 12, 6, 6, 150, true}, {1, {C_P1}, 1, {{C_O3, true, true}}}, "PARTITION BY p1 ORDER BY o3 DESC (double)"},
        {{500, 6, 4, 12, 8, 9, 100, true}, {1, {C_P1}, 1, {{C_ID, false, false}}}, "PARTITION BY p1 ORDER BY id (no peers)"},
        {{400, 200, 4, 3, 8, 4, 50, true}, {1, {C_P1}, 1, {{C_O1, false, false}}}, "many small partitions"},
        {{300, 5, 4, 12, 8, 0, 70, false}, {1, {C_P1}, 1, {{C_O1, false, false}}}, "no NULLs anywhere"},
        {{300, 5, 4, 12, 8, 2, 70, true}, {1, {C_P2}, 1, {{C_O2, false, false}}}, "half NULLs"},
    };
    static shoal_window_spec specs[256];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        table_make(&cases[c].dp);
        for (int f = 0; f < NFRAMES; f++) {
            int n = all_functions(specs, &frames[f]);
            char what[256];
            snprintf(what, sizeof what, "%s, %s", cases[c].name, frames[f].name);
            /* the GROUP BY cross-check on some cases and frames (it is the slow part) */
            check_window(&cases[c].wc, specs, n, c % 3 == 0 && (f == 0 || f == 1 || f == 3), what);
        }
    }
}

/* Functions with different frames in one node (the frame arrays are shared and recomputed). */
static void test_mixed_frames_in_one_node(void)
{
    data_params dp = {700, 4, 3, 10, 8, 6, 300, true};
    table_make(&dp);
    win_case wc = {1, {C_P1}, 2, {{C_O1, false, false}, {C_O2, true, true}}};
    shoal_window_spec specs[256];
    int n = 0;
    for (int f = 0; f < NFRAMES; f++) {
        specs[n++] = wspec(SHOAL_WIN_SUM, ARG0 + A_DEC, 0, -1, &frames[f]);
        specs[n++] = wspec(SHOAL_WIN_SUM, ARG0 + A_DEC, 0, -1, &frames[f]); /* same frame again */
        specs[n++] = wspec(SHOAL_WIN_MAX, ARG0 + A_STR, 0, -1, &frames[(f + 3) % NFRAMES]);
        specs[n++] = wspec(SHOAL_WIN_AVG, ARG0 + A_DBL, 0, -1, &frames[f]);
        specs[n++] = wspec(SHOAL_WIN_RANK, -1, 0, -1, NULL);
        specs[n++] = wspec(SHOAL_WIN_MIN, ARG0 + A_DECW, 0, -1, &frames[(f + 1) % NFRAMES]);
    }
    check_window(&wc, specs, n, true, "mixed frames");
}

/* One partition of 5000 rows (several batches in and out): the queue state crosses chunks. */
static void test_large_partition(void)
{
    data_params dp = {5000, 1, 1, 300, 50, 7, 2048, true};
    table_make(&dp);
    static const frame_def wide = {SHOAL_FRAME_ROWS, -700, 300, "ROWS 700 PRECEDING AND 300 FOLLOWING"};
    const frame_def *F = frames;
    shoal_window_spec specs[] = {
        wspec(SHOAL_WIN_ROW_NUMBER, -1, 0, -1, NULL),
        wspec(SHOAL_WIN_RANK, -1, 0, -1, NULL),
        wspec(SHOAL_WIN_DENSE_RANK, -1, 0, -1, NULL),
        wspec(SHOAL_WIN_LAG, ARG0 + A_I32, 1, -1, NULL),
        wspec(SHOAL_WIN_LEAD, ARG0 + A_STR, 3, DEF0 + A_STR, NULL),
        wspec(SHOAL_WIN_FIRST_VALUE, ARG0 + A_I64, 0, -1, &F[0]),
        wspec(SHOAL_WIN_LAST_VALUE, ARG0 + A_DATE, 0, -1, &F[0]),
        wspec(SHOAL_WIN_COUNT, ARG0 + A_I32, 0, -1, &F[0]),
        wspec(SHOAL_WIN_SUM, ARG0 + A_DEC, 0, -1, &F[0]),
        wspec(SHOAL_WIN_AVG, ARG0 + A_DECW, 0, -1, &F[1]),
        wspec(SHOAL_WIN_SUM, ARG0 + A_DBL, 0, -1, &F[3]),
        wspec(SHOAL_WIN_AVG, ARG0 + A_I64, 0, -1, &F[2]),
        wspec(SHOAL_WIN_MIN, ARG0 + A_I32, 0, -1, &F[1]),
        wspec(SHOAL_WIN_MAX, ARG0 + A_STR, 0, -1, &F[2]),
        wspec(SHOAL_WIN_MIN, ARG0 + A_DATE, 0, -1, &F[3]),
        wspec(SHOAL_WIN_MAX, ARG0 + A_DBL, 0, -1, &wide),
        wspec(SHOAL_WIN_SUM, ARG0 + A_REAL, 0, -1, &wide),
        wspec(SHOAL_WIN_COUNT_STAR, -1, 0, -1, &wide),
    };
    win_case wc = {1, {C_P1}, 1, {{C_O1, true, false}}};
    check_window(&wc, specs, (int)(sizeof specs / sizeof specs[0]), false, "one partition of 5000 rows");
    /* without ORDER BY: the whole partition is every row's frame */
    win_case whole = {1, {C_P1}, 0, {{0}}};
    check_window(&whole, specs, (int)(sizeof specs / sizeof specs[0]), false, "5000 rows, no ORDER BY");
}

static void test_empty_and_tiny_inputs(void)
{
    shoal_window_spec specs[256];
    for (uint32_t rows = 0; rows <= 3; rows++) {
        data_params dp = {rows, 2, 2, 2, 2, 3, 1, rows > 0};
        table_make(&dp);
        win_case wc = {1, {C_P1}, 1, {{C_O1, false, false}}};
        for (int f = 0; f < NFRAMES; f++) {
            int n = all_functions(specs, &frames[f]);
            char what[64];
            snprintf(what, sizeof what, "%u rows, frame %d", rows, f);
            check_window(&wc, specs, n, true, what);
        }
    }
}

/* ------------------------------- known answers by hand ------------------------------- */

typedef struct hand_table {
    int ncols;
    shoal_type types[4];
} hand_table;

/* Feeds a WINDOW directly (the API without the operator tree) and returns column col as text,
 * one comma-separated line. */
static void run_direct(const shoal_plan *p, const shoal_batch *in, int col, char *buf, size_t size)
{
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    shoal_window *w = shoal_window_create(p, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_TRUE(shoal_window_add(w, in, &err));
    CU_ASSERT_TRUE(shoal_window_finish(w, &err));
    shoal_batch out;
    shoal_batch_init(&out, p->column_count, p->types, SHOAL_BATCH_ROWS);
    buf[0] = 0;
    size_t len = 0;
    while (shoal_window_next(w, &out)) {
        for (uint32_t r = 0; r < out.count; r++) {
            char c[64];
            render(&out.columns[col], r, c, sizeof c);
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", c);
        }
    }
    shoal_batch_free(&out);
    shoal_window_free(w);
}

static void test_known_answers(void)
{
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    /* (p INTEGER, o INTEGER, x DECIMAL(15,2), d DOUBLE) */
    shoal_type t[4] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_decimal(15, 2),
                       shoal_type_make(SHOAL_TYPE_DOUBLE)};
    shoal_plan *child = shoal_plan_new(&a, SHOAL_PLAN_SCAN, NULL, 4);
    memcpy(child->types, t, sizeof t);
    shoal_batch in;
    shoal_batch_init(&in, 4, t, 16);
    /* p=1: o 1,2,2,3 x 0.01,0.02,0.02,NULL; p=2: o 5,5 x -0.01,-0.04; d for the float case */
    static const int P[] = {1, 1, 1, 1, 2, 2}, O[] = {1, 2, 2, 3, 5, 5};
    static const int64_t X[] = {1, 2, 2, 0, -1, -4};
    static const double D[] = {1e20, 1, 1, 1, -1e20, 3};
    for (int i = 5; i >= 0; i--) { /* reversed: the window sorts */
        shoal_vector_append_i64(&in.columns[0], P[i]);
        shoal_vector_append_i64(&in.columns[1], O[i]);
        if (i == 3) shoal_vector_append_null(&in.columns[2]);
        else shoal_vector_append_i64(&in.columns[2], X[i]);
        shoal_vector_append_f64(&in.columns[3], D[i]);
    }
    in.count = 6;
    win_case wc = {1, {0}, 1, {{1, false, false}}};
    frame_def cur_next = {SHOAL_FRAME_ROWS, 0, 1, ""}, prev_cur = {SHOAL_FRAME_ROWS, -1, 0, ""};
    memcpy(tbl.types, t, sizeof t); /* result_type() reads tbl.types */
    shoal_window_spec s[] = {
        wspec(SHOAL_WIN_AVG, 2, 0, -1, NULL),
        wspec(SHOAL_WIN_SUM, 2, 0, -1, NULL),
        wspec(SHOAL_WIN_RANK, -1, 0, -1, NULL),
        wspec(SHOAL_WIN_DENSE_RANK, -1, 0, -1, NULL),
        wspec(SHOAL_WIN_LAG, 2, 1, 2, NULL),
        wspec(SHOAL_WIN_SUM, 3, 0, -1, &cur_next),
        wspec(SHOAL_WIN_AVG, 2, 0, -1, &prev_cur),
        wspec(SHOAL_WIN_LAST_VALUE, 1, 0, -1, NULL),
        wspec(SHOAL_WIN_COUNT, 2, 0, -1, NULL),
    };
    shoal_plan *p = window_plan(&a, child, &wc, s, (int)(sizeof s / sizeof s[0]));
    static const char *const want[] = {
        /* running AVG over peers: 0.01 | (0.01+0.02+0.02)/3 = 0.016667 (x2) | same (NULL skipped);
           p=2: both rows are peers: (-0.05)/2 = -0.025 */
        "0.010000,0.016667,0.016667,0.016667,-0.025000,-0.025000",
        "0.01,0.05,0.05,0.05,-0.05,-0.05",
        "1,2,2,4,1,1",
        "1,2,2,3,1,1",
        /* LAG(x, 1, x): the first row of a partition takes its own x (p=2 keeps input order:
           -0.04 then -0.01) */
        "0.01,0.01,0.02,0.02,-0.04,-0.04",
        /* ROWS CURRENT ROW AND 1 FOLLOWING over 1e20,1,1,1: no cancellation */
        "1e+20,2,2,1,-1e+20,-1e+20",
        /* ROWS 1 PRECEDING AND CURRENT ROW (a NULL is skipped) */
        "0.010000,0.015000,0.020000,0.020000,-0.040000,-0.025000",
        "1,2,2,3,5,5",
        "1,3,3,3,2,2",
    };
    for (int f = 0; f < (int)(sizeof s / sizeof s[0]); f++) {
        char got[512];
        run_direct(p, &in, 4 + f, got, sizeof got);
        if (strcmp(got, want[f]) != 0) fprintf(stderr, "\n  known answer %d: %s, expected %s\n", f, got, want[f]);
        CU_ASSERT_STRING_EQUAL(got, want[f]);
    }
    /* the result types are GROUP BY's */
    CU_ASSERT_TRUE(shoal_type_equal(p->types[4], shoal_type_decimal(38, 6)));
    CU_ASSERT_TRUE(shoal_type_equal(p->types[5], shoal_type_decimal(38, 2)));
    CU_ASSERT_TRUE(shoal_type_equal(p->types[9], shoal_type_make(SHOAL_TYPE_DOUBLE)));
    shoal_batch_free(&in);
    shoal_arena_reset(&a);
}

/* AVG of DECIMAL rounds half away from zero at scale 6, like the hash aggregate. */
static void test_decimal_rounding(void)
{
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_type t[2] = {shoal_type_make(SHOAL_TYPE_INTEGER), shoal_type_decimal(15, 6)};
    shoal_plan *child = shoal_plan_new(&a, SHOAL_PLAN_SCAN, NULL, 2);
    memcpy(child->types, t, sizeof t);
    memcpy(tbl.types, t, sizeof t);
    shoal_batch in;
    shoal_batch_init(&in, 2, t, 16);
    /* per partition two values; the averages are .5 units: 0.5 1 -0.5 1.5 2.5 -2.5 */
    static const int64_t Y[] = {1, 0, 2, 0, -1, 0, 3, 0, 5, 0, -5, 0};
    for (int i = 0; i < 12; i++) {
        shoal_vector_append_i64(&in.columns[0], i / 2);
        shoal_vector_append_i64(&in.columns[1], Y[i]);
    }
    in.count = 12;
    win_case wc = {1, {0}, 0, {{0}}};
    shoal_window_spec s[] = {wspec(SHOAL_WIN_AVG, 1, 0, -1, NULL), wspec(SHOAL_WIN_SUM, 1, 0, -1, NULL)};
    shoal_plan *p = window_plan(&a, child, &wc, s, 2);
    char got[512];
    run_direct(p, &in, 2, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "0.000001,0.000001,0.000001,0.000001,-0.000001,-0.000001,0.000002,0.000002,"
                                "0.000003,0.000003,-0.000003,-0.000003");
    run_direct(p, &in, 3, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "0.000001,0.000001,0.000002,0.000002,-0.000001,-0.000001,0.000003,0.000003,"
                                "0.000005,0.000005,-0.000005,-0.000005");
    /* the same values through GROUP BY */
    int key = 0;
    shoal_agg_spec as = {.func = SHOAL_AGG_AVG, .input = 1, .input_type = t[1]};
    shoal_hash_agg *h = shoal_hash_agg_create(SHOAL_AGG_COMPLETE, 1, &key, t, 1, &as);
    shoal_hash_agg_add(h, &in);
    shoal_type ot[2];
    shoal_hash_agg_output_types(h, ot);
    CU_ASSERT_TRUE(shoal_type_equal(ot[1], p->types[2]));
    shoal_batch out;
    shoal_batch_init(&out, 2, ot, SHOAL_BATCH_ROWS);
    uint64_t cursor = 0;
    char by_group[6][64];
    while (shoal_hash_agg_next(h, &cursor, &out))
        for (uint32_t g = 0; g < out.count; g++) render(&out.columns[1], g, by_group[shoal_vector_get_i64(&out.columns[0], g)], 64);
    static const char *const want[] = {"0.000001", "0.000001", "-0.000001", "0.000002", "0.000003", "-0.000003"};
    for (int g = 0; g < 6; g++) CU_ASSERT_STRING_EQUAL(by_group[g], want[g]);
    shoal_batch_free(&out);
    shoal_hash_agg_free(h);
    shoal_batch_free(&in);
    shoal_arena_reset(&a);
}

/* ----------------------------------- errors ----------------------------------- */

static void test_plan_errors(void)
{
    data_params dp = {10, 2, 2, 2, 2, 3, 10, false};
    table_make(&dp);
    win_case wc = {1, {C_P1}, 1, {{C_O1, false, false}}};
    struct {
        shoal_window_spec s;
        const char *what;
    } bad[8];
    int nb = 0;
    bad[nb].s = wspec(SHOAL_WIN_SUM, ARG0 + A_I32, 0, -1, NULL);
    bad[nb].s.arg = ARG0 + A_STR;
    bad[nb++].what = "SUM of a string";
    bad[nb].s = wspec(SHOAL_WIN_MIN, ARG0 + A_I32, 0, -1, NULL);
    bad[nb].s.arg = -1;
    bad[nb++].what = "MIN without an argument";
    bad[nb].s = wspec(SHOAL_WIN_AVG, ARG0 + A_DEC, 0, -1, NULL);
    bad[nb].s.result_type = shoal_type_decimal(38, 2);
    bad[nb++].what = "AVG with the wrong scale";
    bad[nb].s = wspec(SHOAL_WIN_LAG, ARG0 + A_I32, 1, DEF0 + A_STR, NULL);
    bad[nb++].what = "LAG default of another type";
    bad[nb].s = wspec(SHOAL_WIN_ROW_NUMBER, -1, 0, -1, NULL);
    bad[nb].s.func = 99;
    bad[nb++].what = "unknown function";
    bad[nb].s = wspec(SHOAL_WIN_COUNT, ARG0 + A_I32, 0, -1, NULL);
    bad[nb].s.frame = 7;
    bad[nb++].what = "unknown frame";
    bad[nb].s = wspec(SHOAL_WIN_MAX, ARG0 + A_I32, 0, -1, NULL);
    bad[nb].s.result_type = shoal_type_make(SHOAL_TYPE_BIGINT);
    bad[nb++].what = "MAX of INTEGER as BIGINT";
    for (int i = 0; i < nb; i++) {
        shoal_arena a;
        shoal_arena_init(&a, 4096);
        shoal_plan *p = window_plan(&a, scan_plan(&a), &wc, &bad[i].s, 1);
        result res;
        shoal_eval_error err;
        bool ok = run_plan(p, &res, &err);
        if (ok) fprintf(stderr, "\n  %s: accepted\n", bad[i].what);
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_STRING_EQUAL(err.sqlstate, "XX000");
        result_free(&res);
        shoal_arena_reset(&a);
    }
    /* output schema that does not add up */
    shoal_arena a;
    shoal_arena_init(&a, 4096);
    shoal_window_spec s = wspec(SHOAL_WIN_ROW_NUMBER, -1, 0, -1, NULL);
    shoal_plan *p = window_plan(&a, scan_plan(&a), &wc, &s, 1);
    p->column_count--;
    shoal_eval_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_PTR_NULL(shoal_window_create(p, &err));
    CU_ASSERT_TRUE(err.failed);
    shoal_arena_reset(&a);
}

/* ------------------------------- serialization ------------------------------- */

static void test_serialize_round_trip(void)
{
    data_params dp = {700, 4, 3, 10, 8, 6, 300, true};
    table_make(&dp);
    shoal_arena a, b;
    shoal_arena_init(&a, 1 << 16);
    shoal_arena_init(&b, 1 << 16);
    win_case wc = {2, {C_P1, C_P2}, 2, {{C_O1, true, true}, {C_O2, false, false}}};
    shoal_window_spec specs[256];
    int n = all_functions(specs, &frames[1]);
    specs[n++] = wspec(SHOAL_WIN_SUM, ARG0 + A_DECW, 0, -1, &frames[3]);
    specs[n++] = wspec(SHOAL_WIN_MIN, ARG0 + A_STR, 0, -1, &frames[0]);
    shoal_plan *plan = window_plan(&a, scan_plan(&a), &wc, specs, n);
    shoal_writer w;
    shoal_writer_init(&w, 256);
    shoal_plan_serialize(plan, &w);
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    shoal_plan *back = shoal_plan_deserialize(&r, &b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(shoal_reader_done(&r));
    CU_ASSERT_EQUAL(back->kind, SHOAL_PLAN_WINDOW);
    CU_ASSERT_EQUAL(back->column_count, plan->column_count);
    CU_ASSERT_EQUAL(back->window_partition_count, 2);
    CU_ASSERT_EQUAL(back->window_partition_keys[0], C_P1);
    CU_ASSERT_EQUAL(back->window_partition_keys[1], C_P2);
    CU_ASSERT_EQUAL(back->sort_key_count, 2);
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(back->sort_keys[k].column, plan->sort_keys[k].column);
        CU_ASSERT_EQUAL(back->sort_keys[k].descending, plan->sort_keys[k].descending);
        CU_ASSERT_EQUAL(back->sort_keys[k].nulls_first, plan->sort_keys[k].nulls_first);
    }
    CU_ASSERT_EQUAL_FATAL(back->window_count, n);
    int diff = 0;
    for (int i = 0; i < n; i++) {
        const shoal_window_spec *x = &plan->windows[i], *y = &back->windows[i];
        diff += x->func != y->func || x->arg != y->arg || x->offset != y->offset || x->default_arg != y->default_arg ||
                x->frame != y->frame || x->frame_start != y->frame_start || x->frame_end != y->frame_end ||
                !shoal_type_equal(x->result_type, y->result_type) || !shoal_type_equal(plan->types[NCOLS + i], back->types[NCOLS + i]);
    }
    CU_ASSERT_EQUAL(diff, 0);
    /* serializing the copy gives the same bytes */
    shoal_writer w2;
    shoal_writer_init(&w2, 256);
    shoal_plan_serialize(back, &w2);
    CU_ASSERT_TRUE(w2.len == w.len && memcmp(w2.data, w.data, w.len) == 0);
    shoal_writer_free(&w2);
    char e1[4096] = "", e2[4096] = "";
    shoal_plan_explain(plan, 0, e1, sizeof e1);
    shoal_plan_explain(back, 0, e2, sizeof e2);
    CU_ASSERT_STRING_EQUAL(e1, e2);
    CU_ASSERT_PTR_NOT_NULL(strstr(e1, "Window"));
    /* the shipped plan computes what the original does */
    result x, y;
    shoal_eval_error err;
    CU_ASSERT_TRUE(run_plan(plan, &x, &err));
    CU_ASSERT_TRUE(run_plan(back, &y, &err));
    CU_ASSERT_EQUAL(x.rows, y.rows);
    bool same = x.rows == y.rows && x.ncols == y.ncols;
    for (size_t i = 0; same && i < (size_t)x.rows * (size_t)x.ncols; i++) same = strcmp(x.cells[i], y.cells[i]) == 0;
    CU_ASSERT_TRUE(same);
    result_free(&x);
    result_free(&y);
    /* truncated wire forms are refused, never crash */
    for (size_t cut = 0; cut < w.len; cut += 1 + w.len / 50) {
        shoal_arena t2;
        shoal_arena_init(&t2, 4096);
        shoal_reader_init(&r, w.data, cut);
        shoal_plan *bad = shoal_plan_deserialize(&r, &t2);
        CU_ASSERT(bad == NULL || !shoal_reader_done(&r));
        shoal_arena_reset(&t2);
    }
    shoal_writer_free(&w);
    shoal_arena_reset(&a);
    shoal_arena_reset(&b);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("window", NULL, NULL);
    CU_add_test(s, "known answers", test_known_answers);
    CU_add_test(s, "decimal AVG rounding", test_decimal_rounding);
    CU_add_test(s, "every function and frame", test_every_function_and_frame);
    CU_add_test(s, "mixed frames in one node", test_mixed_frames_in_one_node);
    CU_add_test(s, "one partition of 5000 rows", test_large_partition);
    CU_add_test(s, "empty and tiny inputs", test_empty_and_tiny_inputs);
    CU_add_test(s, "plan errors", test_plan_errors);
    CU_add_test(s, "serialize round trip", test_serialize_round_trip);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    shoal_batch_free(&tbl.all);
    return failures ? 1 : 0;
}
