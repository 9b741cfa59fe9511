/* The operators (see operator.h): one section per plan kind, each a state struct plus
 * next/close. Blocking operators (aggregate, sort) consume their whole input on the first
 * next() call, then emit batches. */
#include "engine/exec/operator.h"
#include "engine/exec/batch_wire.h"
#include "engine/exec/hash_join.h"
#include "engine/exec/memory_budget.h"
#include "engine/exec/window.h"
#include "runtime/error.h"
#include "runtime/memory.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shoal_operator {
    const shoal_plan *plan;
    shoal_exec_context *ctx;
    shoal_operator *child;
    shoal_batch out;
    bool started, finished;
    /* per kind */
    shoal_scan_source scan;
    shoal_expr_state *predicate;
    shoal_expr_state **exprs;
    shoal_hash_agg *agg;
    uint64_t agg_cursor;
    shoal_sorter *sorter;
    int64_t rows_skipped, rows_emitted; /* LIMIT/OFFSET */
    int received_index;
    shoal_reader reader;
    shoal_operator *child2; /* HASH_JOIN: the build side, closed once the table is built */
    shoal_hash_join *join;
    shoal_window *window;   /* WINDOW */
    shoal_batch *expand_in; /* EXPAND: the child's batch being expanded, and the next projection */
    int expand_next;
};

bool shoal_eval_fail(shoal_eval_error *err, const char *sqlstate, const char *fmt, ...)
{
    err->failed = true;
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

shoal_operator *shoal_operator_open(const shoal_plan *p, shoal_exec_context *ctx, shoal_eval_error *err)
{
    shoal_operator *op = shoal_xcalloc(1, sizeof *op);
    op->plan = p;
    op->ctx = ctx;
    if (p->child && (op->child = shoal_operator_open(p->child, ctx, err)) == NULL) {
        free(op);
        return NULL;
    }
    shoal_batch_init(&op->out, p->column_count, p->types, SHOAL_BATCH_ROWS);
    switch ((shoal_plan_kind)p->kind) {
    case SHOAL_PLAN_SCAN:
        if (ctx->open_scan == NULL) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "no scan source for table %u", p->table_id);
            shoal_operator_close(op);
            return NULL;
        }
        if (!ctx->open_scan(ctx, p, &op->scan, err)) {
            op->scan.close = NULL;
            shoal_operator_close(op);
            return NULL;
        }
        break;
    case SHOAL_PLAN_FILTER:
        op->predicate = shoal_expr_state_create(p->predicate);
        break;
    case SHOAL_PLAN_PROJECT:
    case SHOAL_PLAN_EXPAND: {
        int n = p->column_count * (p->kind == SHOAL_PLAN_EXPAND ? p->expand_count : 1);
        op->exprs = shoal_xcalloc((size_t)n + 1, sizeof *op->exprs);
        for (int i = 0; i < n; i++) op->exprs[i] = shoal_expr_state_create(p->exprs[i]);
        break;
    }
    case SHOAL_PLAN_AGGREGATE: {
        shoal_type key_types[256];
        const shoal_plan *in = p->child;
        for (int a = 0; a < p->agg_count; a++)
            if (p->aggs[a].func == SHOAL_AGG_LISTAGG && p->agg_mode != SHOAL_AGG_COMPLETE) {
                shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "LISTAGG in a %s aggregation",
                                p->agg_mode == SHOAL_AGG_FINAL ? "final" : "partial");
                shoal_operator_close(op);
                return NULL;
            }
        for (int k = 0; k < p->key_count && k < 256; k++) key_types[k] = in->types[p->key_columns[k]];
        op->agg = shoal_hash_agg_create((shoal_agg_mode)p->agg_mode, p->key_count, p->key_columns, key_types,
                                        p->agg_count, p->aggs);
        break;
    }
    case SHOAL_PLAN_SORT:
        op->sorter = shoal_sorter_create(p->column_count, p->types, p->sort_key_count, p->sort_keys,
                                         p->limit >= 0 ? p->limit + (p->offset > 0 ? p->offset : 0) : -1);
        break;
    case SHOAL_PLAN_LIMIT:
    case SHOAL_PLAN_RECEIVE:
        break;
    case SHOAL_PLAN_HASH_JOIN:
        if (p->child2 == NULL || (op->child2 = shoal_operator_open(p->child2, ctx, err)) == NULL ||
            (op->join = shoal_hash_join_create(p, err)) == NULL) {
            if (!err->failed) shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join without a build side");
            shoal_operator_close(op);
            return NULL;
        }
        break;
    case SHOAL_PLAN_APPEND:
        if (p->child2 == NULL || (op->child2 = shoal_operator_open(p->child2, ctx, err)) == NULL) {
            if (!err->failed) shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "append without a second input");
            shoal_operator_close(op);
            return NULL;
        }
        break;
    case SHOAL_PLAN_WINDOW:
        if (op->child == NULL || (op->window = shoal_window_create(p, err)) == NULL) {
            if (!err->failed) shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "window without an input");
            shoal_operator_close(op);
            return NULL;
        }
        break;
    }
    return op;
}

/* RECEIVE: batches from each buffer in turn (the gathered results, or an intermediate
 * result of this query on this rank). */
static shoal_batch *next_received(shoal_operator *op, shoal_eval_error *err)
{
    shoal_exec_context *ctx = op->ctx;
    int count = ctx->received_count;
    uint8_t *const *data = (uint8_t *const *)ctx->received;
    const size_t *len = ctx->received_len;
    if (op->plan->temp_id == SHOAL_TEMP_ONE_ROW) { /* one row of no columns, once */
        if (op->received_index++ > 0) return NULL;
        shoal_batch_reset(&op->out);
        op->out.count = 1;
        return &op->out;
    }
    if (op->plan->temp_id >= 0) {
        if (op->plan->temp_id >= ctx->temp_count) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "intermediate result %d is missing on rank %d", op->plan->temp_id, ctx->rank);
            return NULL;
        }
        const shoal_temp_result *t = &ctx->temps[op->plan->temp_id];
        count = t->count;
        data = t->data;
        len = t->len;
    }
    for (;;) {
        if (op->reader.data == NULL || op->reader.pos == op->reader.len) {
            if (op->received_index >= count) return NULL;
            int i = op->received_index++;
            shoal_reader_init(&op->reader, data[i], len[i]);
            continue;
        }
        if (!shoal_batch_read(&op->reader, &op->out)) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "malformed result data from rank %d", op->received_index - 1);
            return NULL;
        }
        if (op->out.count > 0) return &op->out;
    }
}

/* LIMIT/OFFSET over the child's selected rows, narrowing the child's selection. */
static shoal_batch *next_limited(shoal_operator *op, shoal_eval_error *err)
{
    const shoal_plan *p = op->plan;
    for (;;) {
        if (p->limit >= 0 && op->rows_emitted >= p->limit) return NULL;
        shoal_batch *in = shoal_operator_next(op->child, err);
        if (in == NULL) return NULL;
        uint32_t n = shoal_batch_rows(in), first = 0;
        while (first < n && op->rows_skipped < p->offset) { first++; op->rows_skipped++; }
        uint32_t take = n - first;
        if (p->limit >= 0 && (int64_t)take > p->limit - op->rows_emitted) take = (uint32_t)(p->limit - op->rows_emitted);
        if (take == 0) continue;
        if (first > 0 || take < n) {
            if (in->sel == NULL) shoal_batch_select_all(in);
            memmove(in->sel, in->sel + first, take * sizeof(uint32_t));
            in->sel_count = take;
        }
        op->rows_emitted += take;
        return in;
    }
}

/* The batch `in` through the projection exprs[0..column_count) into op->out. */
static shoal_batch *project_batch(shoal_operator *op, shoal_batch *in, shoal_expr_state **exprs, shoal_eval_error *err)
{
    shoal_batch *out = &op->out;
    for (int i = 0; i < op->plan->column_count; i++) {
        shoal_vector_reset(&out->columns[i]);
        if (!shoal_expr_eval(exprs[i], in, &out->columns[i], err)) return NULL;
    }
    out->count = in->count;
    /* the output keeps the input's row positions, so it keeps its selection too */
    if (in->sel) {
        if (out->sel_capacity < in->sel_count) {
            free(out->sel);
            out->sel_capacity = in->sel_count ? in->sel_count : 1;
            out->sel = shoal_xmalloc(out->sel_capacity * sizeof(uint32_t));
        }
        memcpy(out->sel, in->sel, in->sel_count * sizeof(uint32_t));
        out->sel_count = in->sel_count;
    } else {
        free(out->sel);
        out->sel = NULL;
        out->sel_count = out->sel_capacity = 0;
    }
    return out;
}

static shoal_batch *next_projected(shoal_operator *op, shoal_eval_error *err)
{
    shoal_batch *in = shoal_operator_next(op->child, err);
    return in ? project_batch(op, in, op->exprs, err) : NULL;
}

/* EXPAND: each child batch through projection 0, 1, ..., expand_count-1 in turn (the child's
 * batch stays valid until its next call, which comes after the last projection). */
static shoal_batch *next_expanded(shoal_operator *op, shoal_eval_error *err)
{
    const shoal_plan *p = op->plan;
    if (op->expand_in == NULL || op->expand_next == p->expand_count) {
        if ((op->expand_in = shoal_operator_next(op->child, err)) == NULL) return NULL;
        op->expand_next = 0;
    }
    return project_batch(op, op->expand_in, op->exprs + (size_t)op->expand_next++ * (size_t)p->column_count, err);
}

/* HASH_JOIN: the whole build side into the join's table on the first call, then the probe
 * side streams through it (hash_join.c). */
static shoal_batch *pull_operator(void *op, shoal_eval_error *err) { return shoal_operator_next(op, err); }

static shoal_batch *next_joined(shoal_operator *op, shoal_eval_error *err)
{
    if (!op->started) {
        op->started = true;
        shoal_batch *in;
        while ((in = shoal_operator_next(op->child2, err)) != NULL)
            if (!shoal_hash_join_add_build(op->join, in, err)) return NULL;
        if (err->failed) return NULL;
        shoal_hash_join_finish_build(op->join);
        shoal_operator_close(op->child2); /* its batches are copied: free them now */
        op->child2 = NULL;
    }
    return shoal_hash_join_next(op->join, pull_operator, op->child, err);
}

/* WINDOW: the whole input into the window (window.c) on the first call, which sorts it and
 * computes every function; then the rows with their function columns, a batch at a time. */
static shoal_batch *next_windowed(shoal_operator *op, shoal_eval_error *err)
{
    if (!op->started) {
        op->started = true;
        shoal_batch *in;
        while ((in = shoal_operator_next(op->child, err)) != NULL)
            if (!shoal_window_add(op->window, in, err)) return NULL;
        if (err->failed) return NULL;
        shoal_operator_close(op->child); /* its rows are copied: free them now */
        op->child = NULL;
        if (!shoal_window_finish(op->window, err)) return NULL;
    }
    return shoal_window_next(op->window, &op->out) ? &op->out : NULL;
}

shoal_batch *shoal_operator_next(shoal_operator *op, shoal_eval_error *err)
{
    if (op->finished || err->failed) return NULL;
    if (!shoal_memory_budget_check(&op->ctx->memory_check_countdown, op->ctx->rank, err)) return NULL;
    const shoal_plan *p = op->plan;
    shoal_batch *result = NULL;
    switch ((shoal_plan_kind)p->kind) {
    case SHOAL_PLAN_SCAN:
        shoal_batch_reset(&op->out);
        if (op->scan.next(op->scan.state, &op->out, err)) {
            op->ctx->rows_scanned += op->out.count;
            result = &op->out;
        }
        break;
    case SHOAL_PLAN_FILTER:
        while ((result = shoal_operator_next(op->child, err)) != NULL) {
            if (!shoal_expr_filter(op->predicate, result, err)) return NULL;
            if (shoal_batch_rows(result) > 0) break;
        }
        break;
    case SHOAL_PLAN_PROJECT:
        result = next_projected(op, err);
        break;
    case SHOAL_PLAN_EXPAND:
        result = next_expanded(op, err);
        break;
    case SHOAL_PLAN_AGGREGATE:
        if (!op->started) {
            op->started = true;
            shoal_batch *in;
            while ((in = shoal_operator_next(op->child, err)) != NULL) shoal_hash_agg_add(op->agg, in);
            if (err->failed || !shoal_hash_agg_finish(op->agg, err)) return NULL;
        }
        if (shoal_hash_agg_next(op->agg, &op->agg_cursor, &op->out)) result = &op->out;
        break;
    case SHOAL_PLAN_SORT:
        if (!op->started) {
            op->started = true;
            shoal_batch *in;
            while ((in = shoal_operator_next(op->child, err)) != NULL) shoal_sorter_add(op->sorter, in);
            if (err->failed) return NULL;
            shoal_sorter_finish(op->sorter);
        }
        while (shoal_sorter_next(op->sorter, &op->out)) {
            /* OFFSET: drop the first rows of the sorted output */
            uint32_t n = op->out.count, first = 0;
            while (first < n && op->rows_skipped < p->offset) { first++; op->rows_skipped++; }
            if (first == n) continue;
            if (first > 0) {
                uint32_t *sel = shoal_batch_select_all(&op->out);
                memmove(sel, sel + first, (n - first) * sizeof(uint32_t));
                op->out.sel_count = n - first;
            }
            result = &op->out;
            break;
        }
        break;
    case SHOAL_PLAN_LIMIT:
        result = next_limited(op, err);
        break;
    case SHOAL_PLAN_RECEIVE:
        result = next_received(op, err);
        break;
    case SHOAL_PLAN_HASH_JOIN:
        result = next_joined(op, err);
        break;
    case SHOAL_PLAN_APPEND: /* the first input's batches, then the second's (same schema) */
        if (!op->started && (result = shoal_operator_next(op->child, err)) != NULL) break;
        if (err->failed) break;
        op->started = true;
        result = shoal_operator_next(op->child2, err);
        break;
    case SHOAL_PLAN_WINDOW:
        result = next_windowed(op, err);
        break;
    }
    if (result == NULL) op->finished = true;
    return result;
}

void shoal_operator_close(shoal_operator *op)
{
    if (op == NULL) return;
    if (op->child) shoal_operator_close(op->child);
    if (op->child2) shoal_operator_close(op->child2);
    shoal_hash_join_free(op->join);
    shoal_window_free(op->window);
    if (op->scan.close) op->scan.close(op->scan.state);
    if (op->predicate) shoal_expr_state_free(op->predicate);
    if (op->exprs) {
        int n = op->plan->column_count * (op->plan->kind == SHOAL_PLAN_EXPAND ? op->plan->expand_count : 1);
        for (int i = 0; i < n; i++) shoal_expr_state_free(op->exprs[i]);
        free(op->exprs);
    }
    shoal_hash_agg_free(op->agg);
    shoal_sorter_free(op->sorter);
    shoal_batch_free(&op->out);
    free(op);
}
