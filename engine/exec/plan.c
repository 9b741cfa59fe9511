/* Plan nodes: construction, wire form, EXPLAIN text (see plan.h). */
#include "engine/exec/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

shoal_plan *shoal_plan_new(shoal_arena *a, shoal_plan_kind kind, shoal_plan *child, int column_count)
{
    shoal_plan *p = shoal_arena_alloc(a, sizeof *p);
    memset(p, 0, sizeof *p);
    p->kind = (uint8_t)kind;
    p->child = child;
    p->column_count = column_count;
    p->types = shoal_arena_alloc(a, sizeof(shoal_type) * (size_t)(column_count + 1));
    p->names = shoal_arena_alloc(a, sizeof(char *) * (size_t)(column_count + 1));
    memset(p->names, 0, sizeof(char *) * (size_t)(column_count + 1));
    p->limit = -1;
    p->temp_id = -1;
    p->est_rows = -1;
    return p;
}

const char *shoal_plan_kind_name(uint8_t kind)
{
    switch ((shoal_plan_kind)kind) {
    case SHOAL_PLAN_SCAN: return "Seq Scan";
    case SHOAL_PLAN_FILTER: return "Filter";
    case SHOAL_PLAN_PROJECT: return "Project";
    case SHOAL_PLAN_AGGREGATE: return "HashAggregate";
    case SHOAL_PLAN_SORT: return "Sort";
    case SHOAL_PLAN_LIMIT: return "Limit";
    case SHOAL_PLAN_RECEIVE: return "Receive";
    case SHOAL_PLAN_HASH_JOIN: return "Hash Join";
    case SHOAL_PLAN_WINDOW: return "Window";
    case SHOAL_PLAN_APPEND: return "Append";
    case SHOAL_PLAN_EXPAND: return "Expand";
    }
    return "?";
}

static void put_type(shoal_writer *w, shoal_type t)
{
    shoal_put_u8(w, t.id);
    shoal_put_u8(w, t.precision);
    shoal_put_u8(w, t.scale);
    shoal_put_u32(w, t.length);
}

static shoal_type get_type(shoal_reader *r)
{
    shoal_type t = {0, 0, 0, 0, 0};
    t.id = shoal_get_u8(r);
    t.precision = shoal_get_u8(r);
    t.scale = shoal_get_u8(r);
    t.length = shoal_get_u32(r);
    if (t.id >= SHOAL_TYPE_COUNT) r->failed = true;
    return t;
}

/* Scan predicates carry their constant as a one-node expression, reusing its wire form. */
static void put_value(shoal_writer *w, const shoal_value *v)
{
    shoal_arena scratch;
    shoal_arena_init(&scratch, 256);
    shoal_expr_serialize(shoal_expr_const(&scratch, *v), w);
    shoal_arena_reset(&scratch);
}

static bool get_value(shoal_reader *r, shoal_arena *a, shoal_value *v)
{
    shoal_expr *e = shoal_expr_deserialize(r, a);
    if (e == NULL || e->kind != SHOAL_EXPR_CONST) return r->failed = true, false;
    *v = e->constant;
    return true;
}

static int32_t *get_i32_array(shoal_reader *r, shoal_arena *a, int32_t n)
{
    if (n < 0 || (size_t)n > r->len) return r->failed = true, NULL;
    int32_t *x = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)(n + 1));
    for (int32_t i = 0; i < n; i++) x[i] = shoal_get_i32(r);
    return x;
}

void shoal_plan_serialize(const shoal_plan *p, shoal_writer *w)
{
    shoal_put_u8(w, p->kind);
    shoal_put_u8(w, p->child != NULL);
    if (p->child) shoal_plan_serialize(p->child, w);
    shoal_put_u8(w, p->child2 != NULL);
    if (p->child2) shoal_plan_serialize(p->child2, w);
    shoal_put_i32(w, p->column_count);
    for (int i = 0; i < p->column_count; i++) {
        put_type(w, p->types[i]);
        shoal_put_str(w, p->names[i]);
    }
    switch ((shoal_plan_kind)p->kind) {
    case SHOAL_PLAN_SCAN:
        shoal_put_u32(w, p->table_id);
        shoal_put_u64(w, p->table_version);
        shoal_put_i32(w, p->table_column_count);
        for (int i = 0; i < p->table_column_count; i++) put_type(w, p->table_types[i]);
        shoal_put_i32(w, p->scan_count);
        for (int i = 0; i < p->scan_count; i++) shoal_put_i32(w, p->scan_columns[i]);
        shoal_put_i32(w, p->pred_count);
        for (int i = 0; i < p->pred_count; i++) {
            shoal_put_i32(w, p->preds[i].column);
            shoal_put_u8(w, p->preds[i].op);
            put_value(w, &p->preds[i].value);
        }
        shoal_put_u8(w, p->replicated);
        break;
    case SHOAL_PLAN_FILTER:
        shoal_expr_serialize(p->predicate, w);
        break;
    case SHOAL_PLAN_PROJECT:
        for (int i = 0; i < p->column_count; i++) shoal_expr_serialize(p->exprs[i], w);
        break;
    case SHOAL_PLAN_EXPAND:
        shoal_put_i32(w, p->expand_count);
        for (int i = 0; i < p->expand_count * p->column_count; i++) shoal_expr_serialize(p->exprs[i], w);
        break;
    case SHOAL_PLAN_AGGREGATE:
        shoal_put_u8(w, p->agg_mode);
        shoal_put_i32(w, p->key_count);
        for (int i = 0; i < p->key_count; i++) shoal_put_i32(w, p->key_columns[i]);
        shoal_put_i32(w, p->agg_count);
        for (int i = 0; i < p->agg_count; i++) {
            const shoal_agg_spec *as = &p->aggs[i];
            shoal_put_u8(w, as->func);
            shoal_put_i32(w, as->input);
            put_type(w, as->input_type);
            shoal_put_u8(w, as->merge);
            if (as->func != SHOAL_AGG_LISTAGG) continue;
            shoal_put_u32(w, as->delimiter_len);
            if (as->delimiter_len > 0) shoal_put_bytes(w, as->delimiter, as->delimiter_len);
            shoal_put_i32(w, as->order_count);
            for (int k = 0; k < as->order_count; k++) {
                shoal_put_i32(w, as->order[k].column);
                shoal_put_u8(w, as->order[k].descending);
                shoal_put_u8(w, as->order[k].nulls_first);
            }
        }
        break;
    case SHOAL_PLAN_SORT:
    case SHOAL_PLAN_LIMIT:
        shoal_put_i32(w, p->sort_key_count);
        for (int i = 0; i < p->sort_key_count; i++) {
            shoal_put_i32(w, p->sort_keys[i].column);
            shoal_put_u8(w, p->sort_keys[i].descending);
            shoal_put_u8(w, p->sort_keys[i].nulls_first);
        }
        shoal_put_i64(w, p->limit);
        shoal_put_i64(w, p->offset);
        break;
    case SHOAL_PLAN_RECEIVE:
        shoal_put_i32(w, p->temp_id);
        break;
    case SHOAL_PLAN_HASH_JOIN:
        shoal_put_u8(w, p->join_type);
        shoal_put_i32(w, p->join_key_count);
        for (int i = 0; i < p->join_key_count; i++) {
            shoal_put_i32(w, p->probe_keys[i]);
            shoal_put_i32(w, p->build_keys[i]);
        }
        shoal_put_u8(w, p->residual != NULL);
        if (p->residual) shoal_expr_serialize(p->residual, w);
        break;
    case SHOAL_PLAN_WINDOW:
        shoal_put_i32(w, p->window_partition_count);
        for (int i = 0; i < p->window_partition_count; i++) shoal_put_i32(w, p->window_partition_keys[i]);
        shoal_put_i32(w, p->sort_key_count);
        for (int i = 0; i < p->sort_key_count; i++) {
            shoal_put_i32(w, p->sort_keys[i].column);
            shoal_put_u8(w, p->sort_keys[i].descending);
            shoal_put_u8(w, p->sort_keys[i].nulls_first);
        }
        shoal_put_i32(w, p->window_count);
        for (int i = 0; i < p->window_count; i++) {
            const shoal_window_spec *ws = &p->windows[i];
            shoal_put_u8(w, ws->func);
            shoal_put_i32(w, ws->arg);
            shoal_put_i64(w, ws->offset);
            shoal_put_i32(w, ws->default_arg);
            shoal_put_u8(w, ws->frame);
            shoal_put_i64(w, ws->frame_start);
            shoal_put_i64(w, ws->frame_end);
            put_type(w, ws->result_type);
        }
        break;
    case SHOAL_PLAN_APPEND:
        break;
    }
}

shoal_plan *shoal_plan_deserialize(shoal_reader *r, shoal_arena *a)
{
    uint8_t kind = shoal_get_u8(r);
    bool has_child = shoal_get_u8(r) != 0;
    if (r->failed || kind < SHOAL_PLAN_SCAN || kind > SHOAL_PLAN_EXPAND) return r->failed = true, NULL;
    shoal_plan *child = NULL, *child2 = NULL;
    if (has_child && (child = shoal_plan_deserialize(r, a)) == NULL) return NULL;
    bool has_child2 = shoal_get_u8(r) != 0;
    if (has_child2 && (child2 = shoal_plan_deserialize(r, a)) == NULL) return NULL;
    int32_t ncols = shoal_get_i32(r);
    if (r->failed || ncols < 0 || (size_t)ncols > r->len) return r->failed = true, NULL;
    shoal_plan *p = shoal_plan_new(a, (shoal_plan_kind)kind, child, ncols);
    p->child2 = child2;
    for (int i = 0; i < ncols; i++) {
        p->types[i] = get_type(r);
        char *name = shoal_get_str(r);
        p->names[i] = name ? shoal_arena_strdup(a, name) : NULL;
        free(name);
    }
    switch ((shoal_plan_kind)kind) {
    case SHOAL_PLAN_SCAN:
        p->table_id = shoal_get_u32(r);
        p->table_version = shoal_get_u64(r);
        p->table_column_count = shoal_get_i32(r);
        if (r->failed || p->table_column_count < 0 || (size_t)p->table_column_count > r->len) return r->failed = true, NULL;
        p->table_types = shoal_arena_alloc(a, sizeof(shoal_type) * (size_t)(p->table_column_count + 1));
        for (int i = 0; i < p->table_column_count; i++) p->table_types[i] = get_type(r);
        p->scan_count = shoal_get_i32(r);
        if ((p->scan_columns = get_i32_array(r, a, p->scan_count)) == NULL) return NULL;
        p->pred_count = shoal_get_i32(r);
        if (r->failed || p->pred_count < 0 || (size_t)p->pred_count > r->len) return r->failed = true, NULL;
        p->preds = shoal_arena_alloc(a, sizeof(shoal_scan_pred) * (size_t)(p->pred_count + 1));
        for (int i = 0; i < p->pred_count; i++) {
            p->preds[i].column = shoal_get_i32(r);
            p->preds[i].op = shoal_get_u8(r);
            if (!get_value(r, a, &p->preds[i].value)) return NULL;
        }
        p->replicated = shoal_get_u8(r) != 0;
        break;
    case SHOAL_PLAN_FILTER:
        if ((p->predicate = shoal_expr_deserialize(r, a)) == NULL) return r->failed = true, NULL;
        break;
    case SHOAL_PLAN_PROJECT:
        p->exprs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(ncols + 1));
        for (int i = 0; i < ncols; i++)
            if ((p->exprs[i] = shoal_expr_deserialize(r, a)) == NULL) return r->failed = true, NULL;
        break;
    case SHOAL_PLAN_EXPAND: {
        p->expand_count = shoal_get_i32(r);
        int64_t n = (int64_t)p->expand_count * ncols;
        if (r->failed || p->expand_count < 1 || child == NULL || (size_t)n > r->len) return r->failed = true, NULL;
        p->exprs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(n + 1));
        for (int64_t i = 0; i < n; i++)
            if ((p->exprs[i] = shoal_expr_deserialize(r, a)) == NULL) return r->failed = true, NULL;
        break;
    }
    case SHOAL_PLAN_AGGREGATE:
        p->agg_mode = shoal_get_u8(r);
        p->key_count = shoal_get_i32(r);
        if ((p->key_columns = get_i32_array(r, a, p->key_count)) == NULL) return NULL;
        p->agg_count = shoal_get_i32(r);
        if (r->failed || p->agg_count < 0 || (size_t)p->agg_count > r->len) return r->failed = true, NULL;
        p->aggs = shoal_arena_alloc(a, sizeof(shoal_agg_spec) * (size_t)(p->agg_count + 1));
        memset(p->aggs, 0, sizeof(shoal_agg_spec) * (size_t)(p->agg_count + 1));
        for (int i = 0; i < p->agg_count; i++) {
            shoal_agg_spec *as = &p->aggs[i];
            as->func = shoal_get_u8(r);
            as->input = shoal_get_i32(r);
            as->input_type = get_type(r);
            as->merge = shoal_get_u8(r) != 0;
            if (as->func != SHOAL_AGG_LISTAGG) continue;
            as->delimiter_len = shoal_get_u32(r);
            if (r->failed || as->delimiter_len > r->len) return r->failed = true, NULL;
            char *d = shoal_arena_alloc(a, as->delimiter_len + 1);
            shoal_get_bytes(r, d, as->delimiter_len);
            as->delimiter = d;
            as->order_count = shoal_get_i32(r);
            if (r->failed || as->order_count < 0 || as->order_count > SHOAL_LISTAGG_MAX_ORDER) return r->failed = true, NULL;
            shoal_sort_key *order = shoal_arena_alloc(a, sizeof(shoal_sort_key) * (size_t)(as->order_count + 1));
            for (int k = 0; k < as->order_count; k++) {
                order[k].column = shoal_get_i32(r);
                order[k].descending = shoal_get_u8(r) != 0;
                order[k].nulls_first = shoal_get_u8(r) != 0;
            }
            as->order = order;
        }
        break;
    case SHOAL_PLAN_SORT:
    case SHOAL_PLAN_LIMIT:
        p->sort_key_count = shoal_get_i32(r);
        if (r->failed || p->sort_key_count < 0 || (size_t)p->sort_key_count > r->len) return r->failed = true, NULL;
        p->sort_keys = shoal_arena_alloc(a, sizeof(shoal_sort_key) * (size_t)(p->sort_key_count + 1));
        for (int i = 0; i < p->sort_key_count; i++) {
            p->sort_keys[i].column = shoal_get_i32(r);
            p->sort_keys[i].descending = shoal_get_u8(r) != 0;
            p->sort_keys[i].nulls_first = shoal_get_u8(r) != 0;
        }
        p->limit = shoal_get_i64(r);
        p->offset = shoal_get_i64(r);
        break;
    case SHOAL_PLAN_RECEIVE:
        p->temp_id = shoal_get_i32(r);
        break;
    case SHOAL_PLAN_HASH_JOIN:
        p->join_type = shoal_get_u8(r);
        if (p->join_type < SHOAL_JOIN_INNER || p->join_type > SHOAL_JOIN_ANTI_NULL_AWARE || child == NULL || child2 == NULL)
            return r->failed = true, NULL;
        p->join_key_count = shoal_get_i32(r);
        if (r->failed || p->join_key_count < 0 || (size_t)p->join_key_count > r->len) return r->failed = true, NULL;
        p->probe_keys = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)(p->join_key_count + 1));
        p->build_keys = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)(p->join_key_count + 1));
        for (int i = 0; i < p->join_key_count; i++) {
            p->probe_keys[i] = shoal_get_i32(r);
            p->build_keys[i] = shoal_get_i32(r);
            if (p->probe_keys[i] < 0 || p->probe_keys[i] >= child->column_count || p->build_keys[i] < 0 ||
                p->build_keys[i] >= child2->column_count)
                return r->failed = true, NULL;
        }
        if (shoal_get_u8(r) && (p->residual = shoal_expr_deserialize(r, a)) == NULL) return r->failed = true, NULL;
        break;
    case SHOAL_PLAN_WINDOW: {
        if (child == NULL) return r->failed = true, NULL;
        int nin = child->column_count;
        p->window_partition_count = shoal_get_i32(r);
        if ((p->window_partition_keys = get_i32_array(r, a, p->window_partition_count)) == NULL) return NULL;
        for (int i = 0; i < p->window_partition_count; i++)
            if (p->window_partition_keys[i] < 0 || p->window_partition_keys[i] >= nin) return r->failed = true, NULL;
        p->sort_key_count = shoal_get_i32(r);
        if (r->failed || p->sort_key_count < 0 || (size_t)p->sort_key_count > r->len) return r->failed = true, NULL;
        p->sort_keys = shoal_arena_alloc(a, sizeof(shoal_sort_key) * (size_t)(p->sort_key_count + 1));
        for (int i = 0; i < p->sort_key_count; i++) {
            p->sort_keys[i].column = shoal_get_i32(r);
            p->sort_keys[i].descending = shoal_get_u8(r) != 0;
            p->sort_keys[i].nulls_first = shoal_get_u8(r) != 0;
            if (p->sort_keys[i].column < 0 || p->sort_keys[i].column >= nin) return r->failed = true, NULL;
        }
        p->window_count = shoal_get_i32(r);
        if (r->failed || p->window_count < 0 || p->window_count != ncols - nin) return r->failed = true, NULL;
        p->windows = shoal_arena_alloc(a, sizeof(shoal_window_spec) * (size_t)(p->window_count + 1));
        for (int i = 0; i < p->window_count; i++) {
            shoal_window_spec *ws = &p->windows[i];
            ws->func = shoal_get_u8(r);
            ws->arg = shoal_get_i32(r);
            ws->offset = shoal_get_i64(r);
            ws->default_arg = shoal_get_i32(r);
            ws->frame = shoal_get_u8(r);
            ws->frame_start = shoal_get_i64(r);
            ws->frame_end = shoal_get_i64(r);
            ws->result_type = get_type(r);
            if (ws->func < SHOAL_WIN_ROW_NUMBER || ws->func > SHOAL_WIN_MAX || ws->arg < -1 || ws->arg >= nin ||
                ws->default_arg < -1 || ws->default_arg >= nin || ws->frame > SHOAL_FRAME_ROWS)
                return r->failed = true, NULL;
        }
        break;
    }
    case SHOAL_PLAN_APPEND:
        if (child == NULL || child2 == NULL || child->column_count != ncols || child2->column_count != ncols)
            return r->failed = true, NULL;
        break;
    }
    return r->failed ? NULL : p;
}

void shoal_plan_explain(const shoal_plan *p, int depth, char *buf, size_t size)
{
    size_t used = strlen(buf);
    if (used + 1 >= size) return;
    char detail[512] = "";
    switch ((shoal_plan_kind)p->kind) {
    case SHOAL_PLAN_SCAN:
        snprintf(detail, sizeof detail, " table=%u columns=%d zone-map predicates=%d%s", p->table_id, p->scan_count,
                 p->pred_count, p->replicated ? " (DISTSTYLE ALL: rank 0 reads)" : "");
        break;
    case SHOAL_PLAN_FILTER:
        shoal_expr_to_string(p->predicate, detail + 1, sizeof detail - 1);
        detail[0] = ' ';
        break;
    case SHOAL_PLAN_AGGREGATE:
        snprintf(detail, sizeof detail, " %s keys=%d aggregates=%d",
                 p->agg_mode == SHOAL_AGG_PARTIAL ? "partial" : p->agg_mode == SHOAL_AGG_FINAL ? "final" : "complete",
                 p->key_count, p->agg_count);
        break;
    case SHOAL_PLAN_SORT:
        snprintf(detail, sizeof detail, " keys=%d%s", p->sort_key_count, p->limit >= 0 ? " top-N" : "");
        break;
    case SHOAL_PLAN_EXPAND:
        snprintf(detail, sizeof detail, " x%d", p->expand_count);
        break;
    case SHOAL_PLAN_RECEIVE:
        if (p->temp_id >= 0) snprintf(detail, sizeof detail, " step=%d", p->temp_id);
        break;
    case SHOAL_PLAN_WINDOW:
        snprintf(detail, sizeof detail, " partition keys=%d order keys=%d functions=%d", p->window_partition_count,
                 p->sort_key_count, p->window_count);
        break;
    case SHOAL_PLAN_HASH_JOIN: {
        static const char *const kinds[] = {"", "inner", "left", "right", "full", "semi", "anti", "anti (NOT IN)"};
        int n = snprintf(detail, sizeof detail, " %s keys=%d", p->join_type <= SHOAL_JOIN_ANTI_NULL_AWARE ? kinds[p->join_type] : "?",
                         p->join_key_count);
        if (p->residual && n > 0 && (size_t)n + 12 < sizeof detail) {
            snprintf(detail + n, sizeof detail - (size_t)n, " residual ");
            shoal_expr_to_string(p->residual, detail + n + 10, sizeof detail - (size_t)n - 10);
        }
        break;
    }
    default:
        break;
    }
    char extra[96] = "";
    if (p->label || p->est_rows >= 0)
        snprintf(extra, sizeof extra, "%s%s%s", p->label ? " " : "", p->label ? p->label : "", "");
    if (p->est_rows >= 0) {
        size_t n = strlen(extra);
        snprintf(extra + n, sizeof extra - n, " (rows=%.0f)", p->est_rows);
    }
    snprintf(buf + used, size - used, "%*s%s%s%s%s%s\n", depth * 2, "", depth ? "->  " : "", "XN ", shoal_plan_kind_name(p->kind), extra, detail);
    if (p->child) shoal_plan_explain(p->child, depth + 1, buf, size);
    if (p->child2) shoal_plan_explain(p->child2, depth + 1, buf, size);
}
