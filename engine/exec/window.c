/* Window functions (WINDOW plan nodes, see plan.h for the functions and frames and window.h
 * for the API): the per-rank operator the planner places after the rows of each partition
 * have been brought to one rank.
 *
 * DESIGN NOTES
 *
 * Input. Every input batch goes into a sorter (sort.c) keyed by the partition keys
 * (ascending, NULLs last: a partition is a run of equal keys, NULLs equal each other) and
 * then the ORDER BY keys with their direction and NULL placement. The sort is stable, so rows
 * that tie on every key keep their input order. Once the input ends the sorted rows are
 * pulled out of the sorter into full-length column vectors (values copied, strings still
 * pointing into the sorter's heap, which lives as long as the window), so that every later
 * pass is a loop over plain arrays indexed by sorted row number.
 *
 * Boundaries. One byte per row: NEW_PART where a partition starts, NEW_PEER where a peer
 * group starts (a new partition, or a change in any ORDER BY key; without ORDER BY the whole
 * partition is one peer group). They come from one typed loop per key column comparing each
 * row with the previous one (NULL equals NULL; NaN equals NaN; strings bytewise), OR-ing the
 * bit in. ROW_NUMBER, RANK and DENSE_RANK are single passes over these flags.
 *
 * Frames. A function that uses a frame (FIRST_VALUE, LAST_VALUE, the aggregates) gets its
 * frame as two arrays, lo[i] and hi[i] (rows [lo, hi) of the sorted input): the DEFAULT frame
 * with ORDER BY is [partition start, end of the row's peer group); without ORDER BY it is the
 * whole partition; ROWS frames are i + frame_start .. i + frame_end clamped to the partition
 * (saturating, so INT64_MIN/INT64_MAX are simply "the partition's edge"); an empty frame has
 * lo = hi. Both arrays are non-decreasing over the whole input (partitions are in order, and
 * within one the frame edges only move forward), which is what every algorithm below relies
 * on. Consecutive functions with the same frame share the arrays.
 *
 * Aggregates over a frame walk the rows once with a queue [qs, qe) of the rows in the current
 * frame: rows enter at qe as hi advances and leave at qs as lo advances; a frame that starts
 * at or after qe resets the queue (a new partition, or a gap). So every frame shape costs
 * O(n) for the whole input:
 *   - COUNT(*) is hi - lo. COUNT(x), and the count part of SUM/AVG, add 1 for a non-NULL row
 *     that enters and subtract 1 for one that leaves.
 *   - SUM/AVG of integers and decimals: an int128 sum, exact, so values may be subtracted
 *     when they leave. A growing frame (DEFAULT, UNBOUNDED PRECEDING .. k) never subtracts:
 *     it is the running sum; a bounded ROWS frame is the sliding sum.
 *   - SUM/AVG of REAL/DOUBLE, and MIN/MAX of every type, cannot "subtract" (floating-point
 *     cancellation: 1e20 + 1 - 1e20 is not 1; a minimum cannot be removed), so the queue is
 *     two stacks: the back part [mid, qe) keeps one running aggregate (the sum, or the row of
 *     the best value), the front part [qs, mid) an array of suffix aggregates suf[j] over
 *     [j, mid). When lo passes mid, the suffixes of [lo, qe) are computed right to left and
 *     mid = qe. The frame's value combines suf[qs] and the back aggregate. Each row enters one
 *     suffix pass at most, so this is O(1) amortized per row for sliding frames of any width,
 *     a plain running aggregate for growing frames (no pops), and one suffix pass for
 *     shrinking frames (CURRENT ROW .. UNBOUNDED FOLLOWING). MIN/MAX work on row numbers and
 *     finish with a typed gather of the chosen rows' values.
 * The loops run SHOAL_BATCH_ROWS rows at a time into small buffers (sums, counts, row
 * numbers) that a second typed loop turns into the result column; the queue state carries
 * over from one chunk to the next. SUM/AVG finish exactly as the hash aggregate does
 * (aggregate.c): SUM of integers BIGINT (22003 outside it), of decimals DECIMAL(38,s) (22003
 * past 38 digits; sums of 128-bit values count their int128 wraps, so a frame's sum is exact
 * while values enter and leave), of floats DOUBLE; AVG of decimals shoal_decimal_average at
 * scale max(s, 6), rounded half away from zero, of integers and floats a double division;
 * NULL when the frame holds no non-NULL value. Sums of doubles add the same values as a GROUP
 * BY over the frame's rows, though not necessarily in the same order. MIN/MAX of REAL/DOUBLE
 * order NaN above every number (as PostgreSQL); the hash aggregate's result with NaN inputs
 * depends on arrival order.
 *
 * Value functions. FIRST_VALUE/LAST_VALUE gather row lo / hi - 1 (NULL for an empty frame).
 * LAG/LEAD are range copies per partition: the partition's column shifted by the offset
 * (memcpy of values, bit copies of validity), the rows that fall off either end copied from
 * the default column at the same rows, or NULL. A negative offset shifts the other way.
 *
 * Dispatch. One switch per function (and per chunk of rows) chooses a typed loop, stamped
 * from macros per physical type; nothing is called through a pointer per row.
 *
 * Output: the sorted input columns, then the result columns, copied SHOAL_BATCH_ROWS rows at
 * a time into the caller's batch (memcpy of values, whole validity words: batches start at
 * multiples of 64 rows). String values point into the sorter's heap.
 *
 * Memory: the sorter's copy of the input, the sorted copy (the same size again), a result
 * column per function, 9 bytes per row of flags and frame bounds, and for the two-stack
 * aggregates 4 (MIN/MAX) or 8 (float SUM/AVG) bytes per row of suffixes. No per-row
 * allocation. Inputs over 2^31 - 1 rows are an error. */
#include "engine/exec/window.h"
#include "engine/exec/operator.h" /* shoal_eval_fail */
#include "runtime/error.h"
#include "runtime/memory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIN_MAX_ROWS 0x7fffffffu
#define WIN_CHUNK SHOAL_BATCH_ROWS
#define NO_ROW UINT32_MAX

_Static_assert(SHOAL_BATCH_ROWS % 64 == 0, "output batches must start on validity word boundaries");

enum { NEW_PART = 1, NEW_PEER = 2 };

typedef enum frame_kind {
    FRAME_NONE,  /* the function ignores the frame */
    FRAME_PEERS, /* DEFAULT with ORDER BY: partition start .. end of the peer group */
    FRAME_ROWS,  /* offsets (DEFAULT without ORDER BY: unbounded both ways) */
} frame_kind;

/* How SUM/AVG/COUNT turn (sum, count) into the result. */
typedef enum agg_out {
    OUT_COUNT,
    OUT_SUM_I64,  /* SUM of integers: BIGINT */
    OUT_SUM_I128, /* SUM of decimals: DECIMAL(38,s) */
    OUT_SUM_F64,  /* SUM of REAL/DOUBLE */
    OUT_AVG_DEC,  /* AVG of decimals: DECIMAL(38,max(s,6)) */
    OUT_AVG_INT,  /* AVG of integers: DOUBLE */
    OUT_AVG_F64,  /* AVG of REAL/DOUBLE */
} agg_out;

typedef struct win_func {
    shoal_window_spec spec;
    frame_kind frame;
    int64_t start, end; /* FRAME_ROWS */
    agg_out out;        /* SUM, AVG, COUNT */
    bool float_sum;     /* SUM/AVG of REAL/DOUBLE */
} win_func;

struct shoal_window {
    const shoal_plan *plan;
    int nin, nwin;
    const shoal_type *in_types;
    win_func *funcs;
    shoal_sorter *sorter;
    uint32_t rows;
    bool finished;
    shoal_vector *cols; /* nin: the sorted input (strings point into the sorter) */
    shoal_vector *res;  /* nwin: one column per function */
    uint8_t *flags;     /* per row: NEW_PART, NEW_PEER */
    uint32_t *parts;    /* partition starts, then rows */
    uint32_t part_count;
    uint32_t *lo, *hi;  /* the frame of every row, for the function being computed */
    bool frame_cached;
    frame_kind cached_kind;
    int64_t cached_start, cached_end;
    uint32_t *suf_row;  /* two-stack suffixes: MIN/MAX rows, float sums */
    double *suf_sum;
    uint32_t emitted;
};

/* ================================ column helpers ================================ */

static inline bool valid_at(const uint64_t *validity, uint32_t r)
{
    return validity == NULL || (validity[r >> 6] >> (r & 63) & 1);
}

static void ensure_validity(shoal_vector *v)
{
    if (v->validity) return;
    size_t words = ((size_t)v->capacity + 63) / 64;
    v->validity = shoal_xmalloc((words ? words : 1) * sizeof(uint64_t));
    memset(v->validity, 0xff, (words ? words : 1) * sizeof(uint64_t));
}

/* Every row of a result column is written once and a fresh bitmap is all ones, so only NULLs
 * need marking. */
static inline void mark_null(shoal_vector *v, uint32_t r)
{
    if (v->validity == NULL) ensure_validity(v);
    v->validity[r >> 6] &= ~(1ull << (r & 63));
}

/* Bits [sat, sat + m) of s to [dat, dat + m) of d: whole words when both start on a word. */
static void copy_bits(uint64_t *d, uint32_t dat, const uint64_t *s, uint32_t sat, uint32_t m)
{
    if (((dat | sat) & 63) == 0) {
        uint32_t words = m >> 6, rem = m & 63;
        memcpy(d + (dat >> 6), s + (sat >> 6), (size_t)words * sizeof(uint64_t));
        if (rem) {
            uint64_t mask = (1ull << rem) - 1;
            uint64_t *dw = d + (dat >> 6) + words;
            *dw = (*dw & ~mask) | (s[(sat >> 6) + words] & mask);
        }
        return;
    }
    for (uint32_t j = 0; j < m; j++) {
        uint32_t a = dat + j, b = sat + j;
        uint64_t bit = s[b >> 6] >> (b & 63) & 1;
        d[a >> 6] = (d[a >> 6] & ~(1ull << (a & 63))) | (bit << (a & 63));
    }
}

/* dst[dat + j] = src[sat + j] for j < m, values and validity (strings as pointer + length).
 * The destination rows are fresh (valid). */
static void copy_values(shoal_vector *dst, uint32_t dat, const shoal_vector *src, uint32_t sat, uint32_t m)
{
    if (m == 0) return;
    size_t width = shoal_type_size(src->type);
    memcpy((char *)dst->data + (size_t)dat * width, (const char *)src->data + (size_t)sat * width, (size_t)m * width);
    if (src->validity) {
        ensure_validity(dst);
        copy_bits(dst->validity, dat, src->validity, sat, m);
    }
}

/* m NULL rows at dat (the values under them copied from src's same rows, so that they are
 * well-formed). */
static void null_values(shoal_vector *dst, uint32_t dat, const shoal_vector *src, uint32_t m)
{
    if (m == 0) return;
    size_t width = shoal_type_size(src->type);
    memcpy((char *)dst->data + (size_t)dat * width, (const char *)src->data + (size_t)dat * width, (size_t)m * width);
    for (uint32_t j = 0; j < m; j++) mark_null(dst, dat + j);
}

#define GATHER_LOOP(T)                                                                             \
    do {                                                                                           \
        const T *restrict s_ = src->data;                                                          \
        T *restrict d_ = (T *)dst->data + at;                                                      \
        for (uint32_t j = 0; j < m; j++) d_[j] = s_[rows[j] == NO_ROW ? 0 : rows[j]];              \
    } while (0)

/* dst[at + j] = src[rows[j]], NULL where rows[j] is NO_ROW (src has at least one row). */
static void gather_rows(shoal_vector *dst, uint32_t at, const shoal_vector *src, const uint32_t *rows, uint32_t m)
{
    switch (shoal_type_physical(src->type)) {
    case SHOAL_PHYS_U8: GATHER_LOOP(uint8_t); break;
    case SHOAL_PHYS_I16: GATHER_LOOP(int16_t); break;
    case SHOAL_PHYS_I32: GATHER_LOOP(int32_t); break;
    case SHOAL_PHYS_I64: GATHER_LOOP(int64_t); break;
    case SHOAL_PHYS_I128: GATHER_LOOP(shoal_int128); break;
    case SHOAL_PHYS_F32: GATHER_LOOP(float); break;
    case SHOAL_PHYS_F64: GATHER_LOOP(double); break;
    case SHOAL_PHYS_STRING: GATHER_LOOP(shoal_string); break;
    }
    const uint64_t *valid = src->validity;
    for (uint32_t j = 0; j < m; j++)
        if (rows[j] == NO_ROW || !valid_at(valid, rows[j])) mark_null(dst, at + j);
}
#undef GATHER_LOOP

static inline int string_cmp(shoal_string a, shoal_string b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

/* ================================ creation ================================ */

static bool is_decimal(shoal_type t) { return t.id == SHOAL_TYPE_DECIMAL; }
static bool is_float(shoal_type t) { return t.id == SHOAL_TYPE_REAL || t.id == SHOAL_TYPE_DOUBLE; }

/* Same layout in memory (what the loops depend on): physical type, and the scale of decimals. */
static bool same_layout(shoal_type a, shoal_type b)
{
    if (shoal_type_physical(a) != shoal_type_physical(b) || is_decimal(a) != is_decimal(b)) return false;
    return !is_decimal(a) || a.scale == b.scale;
}

static const char *func_name(uint8_t f)
{
    static const char *const names[] = {"?", "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "FIRST_VALUE",
                                        "LAST_VALUE", "COUNT(*)", "COUNT", "SUM", "AVG", "MIN", "MAX"};
    return f <= SHOAL_WIN_MAX ? names[f] : "?";
}

static bool check_func(const shoal_plan *p, int i, win_func *f, shoal_eval_error *err)
{
    const shoal_plan *in = p->child;
    int nin = in->column_count;
    const shoal_window_spec *s = &p->windows[i];
    f->spec = *s;
    if (s->func < SHOAL_WIN_ROW_NUMBER || s->func > SHOAL_WIN_MAX)
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window function %d: unknown function %d", i, s->func);
    shoal_window_func fn = (shoal_window_func)s->func;
    bool ranking = fn == SHOAL_WIN_ROW_NUMBER || fn == SHOAL_WIN_RANK || fn == SHOAL_WIN_DENSE_RANK;
    if (!ranking && fn != SHOAL_WIN_COUNT_STAR && (s->arg < 0 || s->arg >= nin))
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window %s: argument column %d of %d", func_name(s->func),
                               s->arg, nin);
    shoal_type arg = (ranking || fn == SHOAL_WIN_COUNT_STAR) ? shoal_type_make(SHOAL_TYPE_BIGINT) : in->types[s->arg];
    shoal_type want;
    bool exact = true; /* the result type is fixed; else only its layout must match the argument's */
    switch (fn) {
    case SHOAL_WIN_SUM:
    case SHOAL_WIN_AVG: {
        if (!shoal_type_is_numeric(arg))
            return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window %s of a non-numeric column", func_name(s->func));
        shoal_agg_spec as = {.func = fn == SHOAL_WIN_SUM ? SHOAL_AGG_SUM : SHOAL_AGG_AVG, .input = s->arg, .input_type = arg};
        want = shoal_agg_result_type(&as);
        f->float_sum = is_float(arg);
        if (fn == SHOAL_WIN_SUM)
            f->out = f->float_sum ? OUT_SUM_F64 : shoal_type_physical(want) == SHOAL_PHYS_I128 ? OUT_SUM_I128 : OUT_SUM_I64;
        else f->out = f->float_sum ? OUT_AVG_F64 : is_decimal(want) ? OUT_AVG_DEC : OUT_AVG_INT;
        break;
    }
    case SHOAL_WIN_ROW_NUMBER:
    case SHOAL_WIN_RANK:
    case SHOAL_WIN_DENSE_RANK:
    case SHOAL_WIN_COUNT_STAR:
    case SHOAL_WIN_COUNT:
        want = shoal_type_make(SHOAL_TYPE_BIGINT);
        f->out = OUT_COUNT;
        break;
    default:
        want = arg;
        exact = false;
        break;
    }
    if (exact ? !shoal_type_equal(s->result_type, want) : !same_layout(s->result_type, want)) {
        char a[48], b[48];
        shoal_type_name(s->result_type, a, sizeof a);
        shoal_type_name(want, b, sizeof b);
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window %s: result type %s, expected %s", func_name(s->func), a, b);
    }
    if (!same_layout(p->types[nin + i], s->result_type))
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window %s: output column %d has another type than the result",
                               func_name(s->func), nin + i);
    if ((fn == SHOAL_WIN_LAG || fn == SHOAL_WIN_LEAD) && s->default_arg >= 0 &&
        (s->default_arg >= nin || !same_layout(in->types[s->default_arg], arg)))
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window %s: default column %d does not match the argument",
                               func_name(s->func), s->default_arg);
    if (s->frame != SHOAL_FRAME_DEFAULT && s->frame != SHOAL_FRAME_ROWS)
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window %s: unknown frame %d", func_name(s->func), s->frame);
    bool framed = !ranking && fn != SHOAL_WIN_LAG && fn != SHOAL_WIN_LEAD;
    if (!framed) f->frame = FRAME_NONE;
    else if (s->frame == SHOAL_FRAME_ROWS) {
        f->frame = FRAME_ROWS;
        f->start = s->frame_start;
        f->end = s->frame_end;
    } else if (p->sort_key_count > 0) {
        f->frame = FRAME_PEERS;
    } else {
        f->frame = FRAME_ROWS;
        f->start = INT64_MIN;
        f->end = INT64_MAX;
    }
    return true;
}

shoal_window *shoal_window_create(const shoal_plan *p, shoal_eval_error *err)
{
    const shoal_plan *in = p->child;
    if (in == NULL) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window without an input");
        return NULL;
    }
    int nin = in->column_count;
    if (p->window_count < 0 || p->column_count != nin + p->window_count) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window: %d output columns for %d input columns and %d functions",
                        p->column_count, nin, p->window_count);
        return NULL;
    }
    for (int c = 0; c < nin; c++)
        if (!same_layout(p->types[c], in->types[c])) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window: output column %d is not the input's column", c);
            return NULL;
        }
    int nkeys = p->window_partition_count + p->sort_key_count;
    if (p->window_partition_count < 0 || p->sort_key_count < 0) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window: negative key count");
        return NULL;
    }
    for (int k = 0; k < p->window_partition_count; k++)
        if (p->window_partition_keys[k] < 0 || p->window_partition_keys[k] >= nin) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window: partition key column %d of %d", p->window_partition_keys[k], nin);
            return NULL;
        }
    for (int k = 0; k < p->sort_key_count; k++)
        if (p->sort_keys[k].column < 0 || p->sort_keys[k].column >= nin) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window: order key column %d of %d", p->sort_keys[k].column, nin);
            return NULL;
        }
    win_func *funcs = shoal_xcalloc((size_t)p->window_count + 1, sizeof *funcs);
    for (int i = 0; i < p->window_count; i++)
        if (!check_func(p, i, &funcs[i], err)) {
            free(funcs);
            return NULL;
        }

    shoal_window *w = shoal_xcalloc(1, sizeof *w);
    w->plan = p;
    w->nin = nin;
    w->nwin = p->window_count;
    w->in_types = in->types;
    w->funcs = funcs;
    shoal_sort_key *keys = shoal_xcalloc((size_t)nkeys + 1, sizeof *keys);
    for (int k = 0; k < p->window_partition_count; k++)
        keys[k] = (shoal_sort_key){.column = p->window_partition_keys[k], .descending = false, .nulls_first = false};
    for (int k = 0; k < p->sort_key_count; k++) keys[p->window_partition_count + k] = p->sort_keys[k];
    w->sorter = shoal_sorter_create(nin, in->types, nkeys, keys, -1);
    free(keys);
    return w;
}

void shoal_window_free(shoal_window *w)
{
    if (w == NULL) return;
    if (w->cols)
        for (int c = 0; c < w->nin; c++) shoal_vector_free(&w->cols[c]);
    if (w->res)
        for (int f = 0; f < w->nwin; f++) shoal_vector_free(&w->res[f]);
    free(w->cols);
    free(w->res);
    shoal_sorter_free(w->sorter);
    free(w->funcs);
    free(w->flags);
    free(w->parts);
    free(w->lo);
    free(w->hi);
    free(w->suf_row);
    free(w->suf_sum);
    free(w);
}

bool shoal_window_add(shoal_window *w, const shoal_batch *in, shoal_eval_error *err)
{
    uint32_t n = shoal_batch_rows(in);
    if (n == 0) return true;
    if ((uint64_t)w->rows + n > WIN_MAX_ROWS)
        return shoal_eval_fail(err, "54000", "window function input over %u rows on one rank", WIN_MAX_ROWS);
    shoal_sorter_add(w->sorter, in);
    w->rows += n;
    return true;
}

uint64_t shoal_window_rows(const shoal_window *w) { return w->rows; }

/* ================================ boundaries ================================ */

#define NE_SCALAR(a, b) ((a) != (b))
#define NE_FLOAT(a, b) ((a) != (b) && !(isnan(a) && isnan(b)))
#define NE_STRING(a, b) ((a).len != (b).len || ((a).len && memcmp((a).ptr, (b).ptr, (a).len) != 0))

#define CHANGES_LOOP(T, NE)                                                                        \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        if (valid == NULL) {                                                                       \
            for (uint32_t i = 1; i < n; i++) flags[i] |= NE(x[i], x[i - 1]) ? bit : 0;             \
        } else {                                                                                   \
            for (uint32_t i = 1; i < n; i++) {                                                     \
                bool a = valid_at(valid, i), b = valid_at(valid, i - 1);                           \
                flags[i] |= (a != b || (a && NE(x[i], x[i - 1]))) ? bit : 0;                       \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* flags[i] |= bit where row i's value differs from row i - 1's (NULL equals NULL). */
static void mark_changes(const shoal_vector *v, uint32_t n, uint8_t *flags, uint8_t bit)
{
    const uint64_t *valid = v->validity;
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: CHANGES_LOOP(uint8_t, NE_SCALAR); break;
    case SHOAL_PHYS_I16: CHANGES_LOOP(int16_t, NE_SCALAR); break;
    case SHOAL_PHYS_I32: CHANGES_LOOP(int32_t, NE_SCALAR); break;
    case SHOAL_PHYS_I64: CHANGES_LOOP(int64_t, NE_SCALAR); break;
    case SHOAL_PHYS_I128: CHANGES_LOOP(shoal_int128, NE_SCALAR); break;
    case SHOAL_PHYS_F32: CHANGES_LOOP(float, NE_FLOAT); break;
    case SHOAL_PHYS_F64: CHANGES_LOOP(double, NE_FLOAT); break;
    case SHOAL_PHYS_STRING: CHANGES_LOOP(shoal_string, NE_STRING); break;
    }
}
#undef CHANGES_LOOP

static void find_boundaries(shoal_window *w)
{
    const shoal_plan *p = w->plan;
    uint32_t n = w->rows;
    w->flags = shoal_xcalloc((size_t)n + 1, 1);
    for (int k = 0; k < p->window_partition_count; k++)
        mark_changes(&w->cols[p->window_partition_keys[k]], n, w->flags, NEW_PART);
    for (int k = 0; k < p->sort_key_count; k++) mark_changes(&w->cols[p->sort_keys[k].column], n, w->flags, NEW_PEER);
    if (n > 0) w->flags[0] = NEW_PART;
    uint32_t parts = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (w->flags[i] & NEW_PART) {
            w->flags[i] |= NEW_PEER;
            parts++;
        }
    }
    w->parts = shoal_xmalloc(((size_t)parts + 1) * sizeof(uint32_t));
    w->part_count = 0;
    for (uint32_t i = 0; i < n; i++)
        if (w->flags[i] & NEW_PART) w->parts[w->part_count++] = i;
    w->parts[w->part_count] = n;
}

/* ================================ frames ================================ */

/* i + off clamped to [ps, pe], without overflow (off may be INT64_MIN/INT64_MAX). */
static inline uint32_t frame_pos(uint32_t i, int64_t off, uint32_t ps, uint32_t pe)
{
    if (off <= (int64_t)ps - (int64_t)i) return ps;
    if (off >= (int64_t)pe - (int64_t)i) return pe;
    return (uint32_t)((int64_t)i + off);
}

/* lo/hi for function f's frame (kept when the previous function had the same one). */
static void compute_frame(shoal_window *w, const win_func *f)
{
    if (w->frame_cached && w->cached_kind == f->frame &&
        (f->frame != FRAME_ROWS || (w->cached_start == f->start && w->cached_end == f->end)))
        return;
    w->frame_cached = true;
    w->cached_kind = f->frame;
    w->cached_start = f->start;
    w->cached_end = f->end;
    uint32_t n = w->rows, *lo = w->lo, *hi = w->hi;
    const uint8_t *flags = w->flags;
    if (f->frame == FRAME_PEERS) {
        uint32_t start = 0, end = n;
        for (uint32_t i = 0; i < n; i++) {
            if (flags[i] & NEW_PART) start = i;
            lo[i] = start;
        }
        for (uint32_t i = n; i-- > 0;) {
            hi[i] = end;
            if (flags[i] & NEW_PEER) end = i;
        }
        return;
    }
    int64_t s = f->start, e = f->end;
    for (uint32_t k = 0; k < w->part_count; k++) {
        uint32_t ps = w->parts[k], pe = w->parts[k + 1];
        if (s == INT64_MIN && e == INT64_MAX) {
            for (uint32_t i = ps; i < pe; i++) {
                lo[i] = ps;
                hi[i] = pe;
            }
            continue;
        }
        for (uint32_t i = ps; i < pe; i++) {
            uint32_t l = frame_pos(i, s, ps, pe), h = frame_pos(i + 1, e, ps, pe);
            lo[i] = l < h ? l : h;
            hi[i] = h;
        }
    }
}

/* ================================ ranking and offsets ================================ */

static void compute_ranking(shoal_window *w, const win_func *f, shoal_vector *out)
{
    uint32_t n = w->rows;
    const uint8_t *flags = w->flags;
    int64_t *o = out->data;
    int64_t row = 0, rank = 0;
    switch ((shoal_window_func)f->spec.func) {
    case SHOAL_WIN_ROW_NUMBER:
        for (uint32_t i = 0; i < n; i++) o[i] = row = (flags[i] & NEW_PART) ? 1 : row + 1;
        break;
    case SHOAL_WIN_RANK:
        for (uint32_t i = 0; i < n; i++) {
            row = (flags[i] & NEW_PART) ? 1 : row + 1;
            if (flags[i] & NEW_PEER) rank = row;
            o[i] = rank;
        }
        break;
    case SHOAL_WIN_DENSE_RANK:
        for (uint32_t i = 0; i < n; i++) o[i] = rank = (flags[i] & NEW_PART) ? 1 : rank + ((flags[i] & NEW_PEER) ? 1 : 0);
        break;
    default:
        break;
    }
}

/* LAG/LEAD: per partition, the argument shifted by the offset; rows past either end take
 * the default column's value at the same row, or NULL. */
static void compute_shift(shoal_window *w, const win_func *f, shoal_vector *out)
{
    const shoal_vector *arg = &w->cols[f->spec.arg];
    const shoal_vector *def = f->spec.default_arg >= 0 ? &w->cols[f->spec.default_arg] : NULL;
    int64_t off = f->spec.offset;
    /* d: source row = current row + d */
    int64_t d = f->spec.func == SHOAL_WIN_LEAD ? off : (off == INT64_MIN ? INT64_MAX : -off);
    for (uint32_t k = 0; k < w->part_count; k++) {
        uint32_t ps = w->parts[k], pe = w->parts[k + 1], len = pe - ps;
        if (d >= 0) {
            uint32_t miss = d >= (int64_t)len ? len : (uint32_t)d; /* the last rows have no source */
            copy_values(out, ps, arg, ps + miss, len - miss);
            if (def) copy_values(out, pe - miss, def, pe - miss, miss);
            else null_values(out, pe - miss, arg, miss);
        } else {
            uint32_t miss = d <= -(int64_t)len ? len : (uint32_t)(-d); /* the first rows have none */
            if (def) copy_values(out, ps, def, ps, miss);
            else null_values(out, ps, arg, miss);
            copy_values(out, ps + miss, arg, ps, len - miss);
        }
    }
}

/* ================================ frame aggregates ================================ */

#define VALID(r) (valid == NULL || (valid[(r) >> 6] >> ((r) & 63) & 1))

/* The queue of the rows in the current frame, carried from chunk to chunk. */
typedef struct frame_queue {
    uint32_t qs, mid, qe; /* rows [qs, qe); two stacks: suffixes over [qs, mid), back over [mid, qe) */
    int64_t count;        /* non-NULL rows in [qs, qe) */
    shoal_int128 sum;     /* exact sums */
    int64_t carry;        /* 128-bit inputs: the sum's int128 wraps (+1 up, -1 down); the frame's
                             sum is sum + carry * 2^128, out of range unless carry is 0 */
    double back_sum;      /* float sums: over [mid, qe) */
    uint32_t back_row;    /* MIN/MAX: the best row of [mid, qe), or NO_ROW */
} frame_queue;

/* Exact sliding sum and count of T values; ADD/SUB(acc, x) add and subtract (the _CARRY ones
 * count int128 wraps in `carry`, and a frame ending with one makes `fits` false). */
#define ADD_PLAIN(a, x) ((a) += (x))
#define SUB_PLAIN(a, x) ((a) -= (x))
#define ADD_CARRY(a, x) ((void)(__builtin_add_overflow((a), (x), &(a)) ? (carry += (x) < 0 ? -1 : 1) : 0))
#define SUB_CARRY(a, x) ((void)(__builtin_sub_overflow((a), (x), &(a)) ? (carry -= (x) < 0 ? -1 : 1) : 0))
#define SUM_EXACT(T, ADD, SUB)                                                                     \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        uint32_t qs = q->qs, qe = q->qe;                                                           \
        int64_t cnt = q->count, carry = q->carry;                                                  \
        shoal_int128 acc = q->sum;                                                                 \
        for (uint32_t j = 0; j < m; j++) {                                                         \
            uint32_t L = lo[j], H = hi[j];                                                         \
            if (L >= qe) {                                                                         \
                qs = qe = L;                                                                       \
                acc = 0;                                                                           \
                cnt = carry = 0;                                                                   \
            } else {                                                                               \
                for (; qs < L; qs++)                                                               \
                    if (VALID(qs)) {                                                               \
                        SUB(acc, x[qs]);                                                           \
                        cnt--;                                                                     \
                    }                                                                              \
            }                                                                                      \
            for (; qe < H; qe++)                                                                   \
                if (VALID(qe)) {                                                                   \
                    ADD(acc, x[qe]);                                                               \
                    cnt++;                                                                         \
                }                                                                                  \
            sums[j] = acc;                                                                         \
            counts[j] = cnt;                                                                       \
            fits &= carry == 0;                                                                    \
        }                                                                                          \
        q->qs = qs;                                                                                \
        q->qe = qe;                                                                                \
        q->count = cnt;                                                                            \
        q->carry = carry;                                                                          \
        q->sum = acc;                                                                              \
    } while (0)

/* Float sums as two stacks (no subtraction), the count sliding. */
#define SUM_FLOAT(T)                                                                               \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        uint32_t qs = q->qs, mid = q->mid, qe = q->qe;                                             \
        int64_t cnt = q->count;                                                                    \
        double back = q->back_sum;                                                                 \
        for (uint32_t j = 0; j < m; j++) {                                                         \
            uint32_t L = lo[j], H = hi[j];                                                         \
            if (L >= qe) {                                                                         \
                qs = mid = qe = L;                                                                 \
                back = 0;                                                                          \
                cnt = 0;                                                                           \
            } else if (L > qs) {                                                                   \
                for (uint32_t k = qs; k < L; k++) cnt -= VALID(k);                                 \
                if (L > mid) {                                                                     \
                    double s_ = 0;                                                                 \
                    for (uint32_t k = qe; k-- > L;) {                                              \
                        if (VALID(k)) s_ += x[k];                                                  \
                        suf[k] = s_;                                                               \
                    }                                                                              \
                    mid = qe;                                                                      \
                    back = 0;                                                                      \
                }                                                                                  \
                qs = L;                                                                            \
            }                                                                                      \
            for (; qe < H; qe++)                                                                   \
                if (VALID(qe)) {                                                                   \
                    back += x[qe];                                                                 \
                    cnt++;                                                                         \
                }                                                                                  \
            fsums[j] = qs < mid ? suf[qs] + back : back;                                           \
            counts[j] = cnt;                                                                       \
        }                                                                                          \
        q->qs = qs;                                                                                \
        q->mid = mid;                                                                              \
        q->qe = qe;                                                                                \
        q->count = cnt;                                                                            \
        q->back_sum = back;                                                                        \
    } while (0)

/* Sums (exact or float) and non-NULL counts of rows lo[j]..hi[j] of v, for m rows; false when
 * a frame's sum of 128-bit values leaves int128 (int128 sums of narrower values cannot). */
static bool frame_sums(frame_queue *q, const shoal_vector *v, const uint32_t *lo, const uint32_t *hi, uint32_t m,
                       double *suf, shoal_int128 *sums, double *fsums, int64_t *counts)
{
    const uint64_t *valid = v->validity;
    bool fits = true;
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: SUM_EXACT(uint8_t, ADD_PLAIN, SUB_PLAIN); break;
    case SHOAL_PHYS_I16: SUM_EXACT(int16_t, ADD_PLAIN, SUB_PLAIN); break;
    case SHOAL_PHYS_I32: SUM_EXACT(int32_t, ADD_PLAIN, SUB_PLAIN); break;
    case SHOAL_PHYS_I64: SUM_EXACT(int64_t, ADD_PLAIN, SUB_PLAIN); break;
    case SHOAL_PHYS_I128: SUM_EXACT(shoal_int128, ADD_CARRY, SUB_CARRY); break;
    case SHOAL_PHYS_F32: SUM_FLOAT(float); break;
    case SHOAL_PHYS_F64: SUM_FLOAT(double); break;
    case SHOAL_PHYS_STRING: break;
    }
    return fits;
}
#undef SUM_EXACT
#undef SUM_FLOAT
#undef ADD_PLAIN
#undef SUB_PLAIN
#undef ADD_CARRY
#undef SUB_CARRY

/* COUNT(x): the sliding count of non-NULL rows. */
static void frame_counts(frame_queue *q, const uint64_t *valid, const uint32_t *lo, const uint32_t *hi, uint32_t m,
                         int64_t *counts)
{
    uint32_t qs = q->qs, qe = q->qe;
    int64_t cnt = q->count;
    for (uint32_t j = 0; j < m; j++) {
        uint32_t L = lo[j], H = hi[j];
        if (L >= qe) {
            qs = qe = L;
            cnt = 0;
        } else {
            for (; qs < L; qs++) cnt -= VALID(qs);
        }
        for (; qe < H; qe++) cnt += VALID(qe);
        counts[j] = cnt;
    }
    q->qs = qs;
    q->qe = qe;
    q->count = cnt;
}

/* MIN/MAX as two stacks of row numbers; BETTER(a, b): value a beats value b. */
#define BEST_LOOP(T, BETTER)                                                                       \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        uint32_t qs = q->qs, mid = q->mid, qe = q->qe, back = q->back_row;                         \
        for (uint32_t j = 0; j < m; j++) {                                                         \
            uint32_t L = lo[j], H = hi[j];                                                         \
            if (L >= qe) {                                                                         \
                qs = mid = qe = L;                                                                 \
                back = NO_ROW;                                                                     \
            } else if (L > qs) {                                                                   \
                if (L > mid) {                                                                     \
                    uint32_t b_ = NO_ROW;                                                          \
                    for (uint32_t k = qe; k-- > L;) {                                              \
                        if (VALID(k) && (b_ == NO_ROW || BETTER(x[k], x[b_]))) b_ = k;             \
                        suf[k] = b_;                                                               \
                    }                                                                              \
                    mid = qe;                                                                      \
                    back = NO_ROW;                                                                 \
                }                                                                                  \
                qs = L;                                                                            \
            }                                                                                      \
            for (; qe < H; qe++)                                                                   \
                if (VALID(qe) && (back == NO_ROW || BETTER(x[qe], x[back]))) back = qe;            \
            uint32_t f_ = qs < mid ? suf[qs] : NO_ROW;                                             \
            best[j] = f_ == NO_ROW ? back : back == NO_ROW ? f_ : BETTER(x[back], x[f_]) ? back : f_; \
        }                                                                                          \
        q->qs = qs;                                                                                \
        q->mid = mid;                                                                              \
        q->qe = qe;                                                                                \
        q->back_row = back;                                                                        \
    } while (0)

#define LESS(a, b) ((a) < (b))
#define GREATER(a, b) ((a) > (b))
/* NaN above every number */
#define FLESS(a, b) ((a) < (b) || (isnan(b) && !isnan(a)))
#define FGREATER(a, b) ((a) > (b) || (isnan(a) && !isnan(b)))
#define SLESS(a, b) (string_cmp((a), (b)) < 0)
#define SGREATER(a, b) (string_cmp((a), (b)) > 0)

/* best[j]: the row of the smallest (largest) non-NULL value in lo[j]..hi[j], or NO_ROW. */
static void frame_best(frame_queue *q, const shoal_vector *v, bool want_min, const uint32_t *lo, const uint32_t *hi,
                       uint32_t m, uint32_t *suf, uint32_t *best)
{
    const uint64_t *valid = v->validity;
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_U8: if (want_min) BEST_LOOP(uint8_t, LESS); else BEST_LOOP(uint8_t, GREATER); break;
    case SHOAL_PHYS_I16: if (want_min) BEST_LOOP(int16_t, LESS); else BEST_LOOP(int16_t, GREATER); break;
    case SHOAL_PHYS_I32: if (want_min) BEST_LOOP(int32_t, LESS); else BEST_LOOP(int32_t, GREATER); break;
    case SHOAL_PHYS_I64: if (want_min) BEST_LOOP(int64_t, LESS); else BEST_LOOP(int64_t, GREATER); break;
    case SHOAL_PHYS_I128: if (want_min) BEST_LOOP(shoal_int128, LESS); else BEST_LOOP(shoal_int128, GREATER); break;
    case SHOAL_PHYS_F32: if (want_min) BEST_LOOP(float, FLESS); else BEST_LOOP(float, FGREATER); break;
    case SHOAL_PHYS_F64: if (want_min) BEST_LOOP(double, FLESS); else BEST_LOOP(double, FGREATER); break;
    case SHOAL_PHYS_STRING: if (want_min) BEST_LOOP(shoal_string, SLESS); else BEST_LOOP(shoal_string, SGREATER); break;
    }
}
#undef BEST_LOOP
#undef LESS
#undef GREATER
#undef FLESS
#undef FGREATER
#undef SLESS
#undef SGREATER
#undef VALID

/* Rows at..at+m of a SUM/AVG/COUNT result from the frames' sums and counts; false (22003, as
 * the hash aggregate's) when a SUM leaves BIGINT or 38 digits, or a decimal AVG 38 digits. */
static bool finish_aggregate(const win_func *f, shoal_type in_type, shoal_vector *out, uint32_t at, uint32_t m,
                             const shoal_int128 *sums, const double *fsums, const int64_t *counts, shoal_eval_error *err)
{
    shoal_int128 max38 = shoal_pow10_i128(SHOAL_DECIMAL_MAX_PRECISION) - 1;
    switch (f->out) {
    case OUT_COUNT: memcpy((int64_t *)out->data + at, counts, (size_t)m * sizeof(int64_t)); return true;
    case OUT_SUM_I64: {
        int64_t *o = (int64_t *)out->data + at;
        bool ok = true;
        for (uint32_t j = 0; j < m; j++) {
            ok &= counts[j] == 0 || (sums[j] >= INT64_MIN && sums[j] <= INT64_MAX);
            o[j] = (int64_t)sums[j];
        }
        if (!ok) return shoal_eval_fail(err, "22003", "numeric value out of range: SUM exceeds the range of BIGINT");
        break;
    }
    case OUT_SUM_I128: {
        bool ok = true;
        for (uint32_t j = 0; j < m; j++) ok &= counts[j] == 0 || (sums[j] <= max38 && sums[j] >= -max38);
        if (!ok) return shoal_eval_fail(err, "22003", "numeric value out of range: SUM exceeds the range of DECIMAL(38)");
        memcpy((shoal_int128 *)out->data + at, sums, (size_t)m * sizeof(shoal_int128));
        break;
    }
    case OUT_SUM_F64: memcpy((double *)out->data + at, fsums, (size_t)m * sizeof(double)); break;
    case OUT_AVG_DEC: {
        shoal_int128 *o = (shoal_int128 *)out->data + at;
        int in_scale = in_type.scale, out_scale = f->spec.result_type.scale;
        for (uint32_t j = 0; j < m; j++)
            if (counts[j] == 0) o[j] = 0;
            else if (!shoal_decimal_average(sums[j], counts[j], in_scale, out_scale, &o[j]))
                return shoal_eval_fail(err, "22003", "numeric value out of range: AVG exceeds the range of DECIMAL(38)");
        break;
    }
    case OUT_AVG_INT: {
        double *o = (double *)out->data + at;
        for (uint32_t j = 0; j < m; j++) o[j] = counts[j] ? (double)sums[j] / (double)counts[j] : 0;
        break;
    }
    case OUT_AVG_F64: {
        double *o = (double *)out->data + at;
        for (uint32_t j = 0; j < m; j++) o[j] = counts[j] ? fsums[j] / (double)counts[j] : 0;
        break;
    }
    }
    for (uint32_t j = 0; j < m; j++)
        if (counts[j] == 0) mark_null(out, at + j);
    return true;
}

/* Scratch for one chunk of rows. */
typedef struct chunk_scratch {
    shoal_int128 sums[WIN_CHUNK];
    double fsums[WIN_CHUNK];
    int64_t counts[WIN_CHUNK];
    uint32_t rows[WIN_CHUNK];
} chunk_scratch;

static bool compute_framed(shoal_window *w, const win_func *f, shoal_vector *out, chunk_scratch *cs, shoal_eval_error *err)
{
    compute_frame(w, f);
    uint32_t n = w->rows;
    const uint32_t *lo = w->lo, *hi = w->hi;
    shoal_window_func fn = (shoal_window_func)f->spec.func;
    const shoal_vector *arg = f->spec.arg >= 0 && fn != SHOAL_WIN_COUNT_STAR ? &w->cols[f->spec.arg] : NULL;
    frame_queue q = {.back_row = NO_ROW};
    if ((fn == SHOAL_WIN_MIN || fn == SHOAL_WIN_MAX) && w->suf_row == NULL)
        w->suf_row = shoal_xmalloc(((size_t)n + 1) * sizeof(uint32_t));
    if ((fn == SHOAL_WIN_SUM || fn == SHOAL_WIN_AVG) && f->float_sum && w->suf_sum == NULL)
        w->suf_sum = shoal_xmalloc(((size_t)n + 1) * sizeof(double));
    for (uint32_t at = 0; at < n; at += WIN_CHUNK) {
        uint32_t m = n - at < WIN_CHUNK ? n - at : WIN_CHUNK;
        const uint32_t *l = lo + at, *h = hi + at;
        switch (fn) {
        case SHOAL_WIN_FIRST_VALUE:
        case SHOAL_WIN_LAST_VALUE: {
            bool first = fn == SHOAL_WIN_FIRST_VALUE;
            for (uint32_t j = 0; j < m; j++) cs->rows[j] = l[j] < h[j] ? (first ? l[j] : h[j] - 1) : NO_ROW;
            gather_rows(out, at, arg, cs->rows, m);
            break;
        }
        case SHOAL_WIN_COUNT_STAR: {
            int64_t *o = (int64_t *)out->data + at;
            for (uint32_t j = 0; j < m; j++) o[j] = (int64_t)h[j] - (int64_t)l[j];
            break;
        }
        case SHOAL_WIN_COUNT:
            if (arg->validity == NULL) {
                int64_t *o = (int64_t *)out->data + at;
                for (uint32_t j = 0; j < m; j++) o[j] = (int64_t)h[j] - (int64_t)l[j];
            } else {
                frame_counts(&q, arg->validity, l, h, m, cs->counts);
                memcpy((int64_t *)out->data + at, cs->counts, (size_t)m * sizeof(int64_t));
            }
            break;
        case SHOAL_WIN_SUM:
        case SHOAL_WIN_AVG:
            if (!frame_sums(&q, arg, l, h, m, w->suf_sum, cs->sums, cs->fsums, cs->counts))
                return shoal_eval_fail(err, "22003", "numeric value out of range: %s exceeds the range of DECIMAL(38)",
                                       fn == SHOAL_WIN_SUM ? "SUM" : "the sum under AVG");
            if (!finish_aggregate(f, arg->type, out, at, m, cs->sums, cs->fsums, cs->counts, err)) return false;
            break;
        case SHOAL_WIN_MIN:
        case SHOAL_WIN_MAX:
            frame_best(&q, arg, fn == SHOAL_WIN_MIN, l, h, m, w->suf_row, cs->rows);
            gather_rows(out, at, arg, cs->rows, m);
            break;
        default:
            break;
        }
    }
    return true;
}

/* ================================ finish and output ================================ */

bool shoal_window_finish(shoal_window *w, shoal_eval_error *err)
{
    if (w->finished) return true;
    w->finished = true;
    shoal_sorter_finish(w->sorter);
    uint32_t n = w->rows;
    /* the sorted rows into full-length columns (strings keep pointing into the sorter) */
    w->cols = shoal_xcalloc((size_t)w->nin + 1, sizeof(shoal_vector));
    for (int c = 0; c < w->nin; c++) {
        shoal_vector_init(&w->cols[c], w->in_types[c], n);
        w->cols[c].count = n;
    }
    shoal_batch b;
    shoal_batch_init(&b, w->nin, w->in_types, SHOAL_BATCH_ROWS);
    uint32_t at = 0;
    while (shoal_sorter_next(w->sorter, &b)) {
        for (int c = 0; c < w->nin; c++) copy_values(&w->cols[c], at, &b.columns[c], 0, b.count);
        at += b.count;
    }
    shoal_batch_free(&b);

    w->res = shoal_xcalloc((size_t)w->nwin + 1, sizeof(shoal_vector));
    for (int f = 0; f < w->nwin; f++) {
        shoal_vector_init(&w->res[f], w->plan->types[w->nin + f], n);
        w->res[f].count = n;
    }
    find_boundaries(w);
    if (n == 0) return true;
    w->lo = shoal_xmalloc((size_t)n * sizeof(uint32_t));
    w->hi = shoal_xmalloc((size_t)n * sizeof(uint32_t));
    chunk_scratch *cs = shoal_xmalloc(sizeof *cs);
    bool ok = true;
    for (int f = 0; f < w->nwin && ok; f++) {
        const win_func *fn = &w->funcs[f];
        switch ((shoal_window_func)fn->spec.func) {
        case SHOAL_WIN_ROW_NUMBER:
        case SHOAL_WIN_RANK:
        case SHOAL_WIN_DENSE_RANK: compute_ranking(w, fn, &w->res[f]); break;
        case SHOAL_WIN_LAG:
        case SHOAL_WIN_LEAD: compute_shift(w, fn, &w->res[f]); break;
        default: ok = compute_framed(w, fn, &w->res[f], cs, err); break;
        }
    }
    free(cs);
    /* the frames and suffixes are done with */
    free(w->lo);
    free(w->hi);
    free(w->suf_row);
    free(w->suf_sum);
    w->lo = w->hi = w->suf_row = NULL;
    w->suf_sum = NULL;
    return ok;
}

/* Rows at..at+m of src into dst (reset), values and whole validity words. */
static void emit_column(shoal_vector *dst, const shoal_vector *src, uint32_t at, uint32_t m)
{
    shoal_vector_reserve(dst, m);
    size_t width = shoal_type_size(src->type);
    memcpy(dst->data, (const char *)src->data + (size_t)at * width, (size_t)m * width);
    if (src->validity) {
        ensure_validity(dst);
        copy_bits(dst->validity, 0, src->validity, at, m);
    }
    dst->count = m;
}

bool shoal_window_next(shoal_window *w, shoal_batch *out)
{
    shoal_batch_reset(out);
    if (!w->finished || w->emitted >= w->rows) return false;
    uint32_t at = w->emitted, m = w->rows - at < SHOAL_BATCH_ROWS ? w->rows - at : SHOAL_BATCH_ROWS;
    for (int c = 0; c < w->nin && c < out->column_count; c++) emit_column(&out->columns[c], &w->cols[c], at, m);
    for (int f = 0; f < w->nwin && w->nin + f < out->column_count; f++)
        emit_column(&out->columns[w->nin + f], &w->res[f], at, m);
    out->count = m;
    w->emitted += m;
    return true;
}
