/* SELECT planning: binding, aggregation split, zone-map predicate pushdown (see planner.h). */
#include "sql/planner.h"
#include "sql/binder.h"
#include "engine/load/load_errors_log.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 1024

shoal_table_def *shoal_resolve_table(const shoal_catalog *cat, const shoal_ast_qualified_name *name, shoal_error *err)
{
    const char *schema = name->schema ? name->schema : "public";
    shoal_table_def *t = shoal_catalog_find_table(cat, schema, name->name);
    if (t == NULL && strcmp(name->name, "stl_load_errors") == 0 &&
        (name->schema == NULL || strcmp(name->schema, "pg_catalog") == 0 || strcmp(name->schema, "public") == 0)) {
        static shoal_table_def *stl_load_errors; /* the system table: built once, never freed */
        if (stl_load_errors == NULL) stl_load_errors = shoal_stl_load_errors_def();
        return stl_load_errors;
    }
    if (t == NULL) {
        if (name->schema)
            shoal_error_set(err, -1, SHOAL_SQLSTATE_UNDEFINED_TABLE, "relation \"%s.%s\" does not exist (line %d, column %d)",
                            name->schema, name->name, name->node.loc.line, name->node.loc.column);
        else
            shoal_error_set(err, -1, SHOAL_SQLSTATE_UNDEFINED_TABLE, "relation \"%s\" does not exist (line %d, column %d)",
                            name->name, name->node.loc.line, name->node.loc.column);
    }
    return t;
}

/* Output items after * expansion: the AST expression (or a table column for *), a name. */
typedef struct target_item {
    const shoal_ast_node *expr; /* NULL: table column `column` */
    int column;
    const char *name;
    shoal_location loc;
} target_item;

static shoal_plan *node(shoal_arena *a, shoal_plan_kind kind, shoal_plan *child, int ncols)
{
    return shoal_plan_new(a, kind, child, ncols);
}

/* COLUMN op CONST terms of a conjunction, as zone-map predicates on table columns. */
static void collect_zone_preds(const shoal_expr *e, shoal_arena *a, shoal_scan_pred *preds, int *count, int max)
{
    if (e->kind == SHOAL_EXPR_AND) {
        for (int i = 0; i < e->arg_count; i++) collect_zone_preds(e->args[i], a, preds, count, max);
        return;
    }
    if (e->kind != SHOAL_EXPR_FUNC || e->arg_count != 2 || *count >= max) return;
    const shoal_expr *x = e->args[0], *y = e->args[1];
    bool flipped = false;
    if (x->kind == SHOAL_EXPR_CONST && y->kind == SHOAL_EXPR_COLUMN) {
        const shoal_expr *t = x;
        x = y;
        y = t;
        flipped = true;
    }
    if (x->kind != SHOAL_EXPR_COLUMN || y->kind != SHOAL_EXPR_CONST || y->constant.is_null) return;
    uint8_t op;
    switch ((shoal_func)e->func) {
    case SHOAL_FUNC_EQ: op = SHOAL_SCAN_EQ; break;
    case SHOAL_FUNC_LT: op = flipped ? SHOAL_SCAN_GT : SHOAL_SCAN_LT; break;
    case SHOAL_FUNC_LE: op = flipped ? SHOAL_SCAN_GE : SHOAL_SCAN_LE; break;
    case SHOAL_FUNC_GT: op = flipped ? SHOAL_SCAN_LT : SHOAL_SCAN_GT; break;
    case SHOAL_FUNC_GE: op = flipped ? SHOAL_SCAN_LE : SHOAL_SCAN_GE; break;
    default: return;
    }
    (void)a;
    preds[*count].column = x->column;
    preds[*count].op = op;
    preds[*count].value = y->constant;
    (*count)++;
}

static bool plan_error(shoal_error *err, shoal_location loc, const char *sqlstate, const char *msg)
{
    shoal_error_set(err, -1, sqlstate, "%s (line %d, column %d)", msg, loc.line, loc.column);
    return false;
}

/* LIMIT/OFFSET/TOP: a non-negative integer constant. */
static bool constant_count(const shoal_ast_node *n, int64_t *out, shoal_error *err)
{
    if (n == NULL) return true;
    if (!shoal_is_a(n, literal) || ((const shoal_ast_literal *)n)->kind != SHOAL_AST_LITERAL_INTEGER ||
        ((const shoal_ast_literal *)n)->integer < 0)
        return plan_error(err, n->loc, "42601", "LIMIT, OFFSET and TOP take a non-negative integer");
    *out = ((const shoal_ast_literal *)n)->integer;
    return true;
}

/* ORDER BY item: an output ordinal, an output alias, or an expression. Returns the output
 * column number, or -1 when it is an expression to bind. */
static int order_target(const shoal_ast_sort_item *s, const target_item *targets, int n, shoal_error *err, bool *bad)
{
    const shoal_ast_node *e = s->expr;
    if (shoal_is_a(e, literal) && ((const shoal_ast_literal *)e)->kind == SHOAL_AST_LITERAL_INTEGER) {
        int64_t k = ((const shoal_ast_literal *)e)->integer;
        if (k < 1 || k > n) {
            shoal_error_set(err, -1, "42P10", "ORDER BY position %lld is not in select list (line %d, column %d)",
                            (long long)k, e->loc.line, e->loc.column);
            *bad = true;
        }
        return (int)k - 1;
    }
    if (shoal_is_a(e, column_ref) && ((const shoal_ast_column_ref *)e)->table == NULL) {
        const char *name = ((const shoal_ast_column_ref *)e)->column;
        for (int i = 0; i < n; i++) /* an output name (alias or column) */
            if (targets[i].name && strcmp(targets[i].name, name) == 0) return i;
    }
    return -1;
}

bool shoal_plan_select(const shoal_catalog *cat, const shoal_ast_query *q, const char *sql, shoal_arena *a,
                       shoal_select_plan *out, shoal_error *err)
{
    memset(out, 0, sizeof *out);
    if (q->ctes.count > 0) return plan_error(err, q->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "WITH is not supported yet");
    if (!shoal_is_a(q->body, select))
        return plan_error(err, q->body->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "UNION, INTERSECT and EXCEPT are not supported yet");
    const shoal_ast_select *sel = (const shoal_ast_select *)q->body;
    if (sel->qualify) return plan_error(err, sel->qualify->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "QUALIFY is not supported yet");

    const shoal_table_def *table = NULL;
    const char *alias = NULL;
    if (sel->from.count > 1) return plan_error(err, shoal_ast_list_at(&sel->from, 1)->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "joins are not supported yet");
    if (sel->from.count == 1) {
        const shoal_ast_node *f = shoal_ast_list_at(&sel->from, 0);
        if (!shoal_is_a(f, table_ref))
            return plan_error(err, f->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "joins and subqueries in FROM are not supported yet");
        const shoal_ast_table_ref *tr = (const shoal_ast_table_ref *)f;
        if ((table = shoal_resolve_table(cat, tr->name, err)) == NULL) return false;
        alias = tr->alias;
    }
    out->table = table;

    shoal_binder b;
    shoal_binder_init(&b, a, sql, err);
    b.table = table;
    b.table_alias = alias;
    int ncols = table ? table->column_count : 0;
    b.column_used = shoal_arena_alloc(a, sizeof(bool) * (size_t)(ncols + 1));
    memset(b.column_used, 0, sizeof(bool) * (size_t)(ncols + 1));

    /* the select list, * expanded */
    target_item *targets = shoal_arena_alloc(a, sizeof(target_item) * MAX_TARGETS);
    int nt = 0;
    for (int i = 0; i < sel->targets.count; i++) {
        const shoal_ast_target *t = (const shoal_ast_target *)shoal_ast_list_at(&sel->targets, i);
        if (shoal_is_a(t->expr, star)) {
            const shoal_ast_star *st = (const shoal_ast_star *)t->expr;
            if (table == NULL) return plan_error(err, t->node.loc, "42601", "SELECT * with no tables specified is not valid");
            if (st->table && strcmp(st->table, alias ? alias : table->name) != 0)
                return plan_error(err, t->node.loc, SHOAL_SQLSTATE_UNDEFINED_TABLE, "missing FROM-clause entry for the table of *");
            for (int c = 0; c < table->column_count && nt < MAX_TARGETS; c++)
                targets[nt++] = (target_item){NULL, c, table->columns[c].name, t->node.loc};
            continue;
        }
        if (nt == MAX_TARGETS) return plan_error(err, t->node.loc, "54011", "too many output columns");
        targets[nt++] = (target_item){t->expr, -1, shoal_bind_output_name(t, a), t->node.loc};
    }

    int64_t limit = -1, offset = 0;
    if (!constant_count(q->limit, &limit, err) || !constant_count(q->offset, &offset, err) ||
        (sel->top && !constant_count(sel->top, &limit, err)))
        return false;

    /* WHERE */
    shoal_expr *where = NULL;
    if (sel->where) {
        if (shoal_ast_has_aggregate(sel->where))
            return plan_error(err, sel->where->loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed in WHERE");
        if ((where = shoal_bind_condition(&b, sel->where, false)) == NULL) return false;
        if (where->type.id != SHOAL_TYPE_BOOLEAN)
            return plan_error(err, sel->where->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "argument of WHERE must be type boolean");
    }

    bool aggregating = sel->group_by.count > 0 || sel->having != NULL;
    for (int i = 0; i < nt && !aggregating; i++) aggregating = targets[i].expr && shoal_ast_has_aggregate(targets[i].expr);
    for (int i = 0; i < q->order_by.count && !aggregating; i++)
        aggregating = shoal_ast_has_aggregate(((const shoal_ast_sort_item *)shoal_ast_list_at(&q->order_by, i))->expr);
    bool distinct = sel->distinct;
    if (distinct && aggregating) return plan_error(err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "SELECT DISTINCT with aggregates is not supported yet");

    /* group keys (pre-aggregation): GROUP BY items, ordinals naming select items; or every
     * select item for DISTINCT */
    if (aggregating || distinct) {
        int nkeys = distinct ? nt : sel->group_by.count;
        if (nkeys > SHOAL_MAX_GROUP_KEYS) return plan_error(err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "too many GROUP BY keys");
        for (int k = 0; k < nkeys; k++) {
            shoal_expr *e;
            if (distinct) {
                e = targets[k].expr ? shoal_bind_expr(&b, targets[k].expr)
                                    : (b.column_used[targets[k].column] = true,
                                       shoal_expr_column(a, targets[k].column, table->columns[targets[k].column].type));
            } else {
                const shoal_ast_node *g = shoal_ast_list_at(&sel->group_by, k);
                if (shoal_is_a(g, literal) && ((const shoal_ast_literal *)g)->kind == SHOAL_AST_LITERAL_INTEGER) {
                    int64_t pos = ((const shoal_ast_literal *)g)->integer;
                    if (pos < 1 || pos > nt)
                        return plan_error(err, g->loc, "42P10", "GROUP BY position is not in select list");
                    if (targets[pos - 1].expr == NULL) {
                        b.column_used[targets[pos - 1].column] = true;
                        e = shoal_expr_column(a, targets[pos - 1].column, table->columns[targets[pos - 1].column].type);
                    } else {
                        if (shoal_ast_has_aggregate(targets[pos - 1].expr))
                            return plan_error(err, g->loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed in GROUP BY");
                        e = shoal_bind_expr(&b, targets[pos - 1].expr);
                    }
                } else {
                    if (shoal_ast_has_aggregate(g))
                        return plan_error(err, g->loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed in GROUP BY");
                    e = shoal_bind_expr(&b, g);
                }
            }
            if (e == NULL) return false;
            b.keys[b.key_count++] = e;
        }
    }
    bool grouped = aggregating || distinct;

    /* the select list and ORDER BY, in the space they are evaluated in */
    shoal_expr **outputs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(nt + q->order_by.count + 1));
    for (int i = 0; i < nt; i++) {
        if (targets[i].expr == NULL) {
            shoal_ast_column_ref ref;
            memset(&ref, 0, sizeof ref);
            ref.node.tag = SHOAL_AST_COLUMN_REF;
            ref.node.loc = targets[i].loc;
            ref.column = table->columns[targets[i].column].name;
            outputs[i] = grouped ? shoal_bind_post_agg_expr(&b, &ref.node) : shoal_bind_expr(&b, &ref.node);
        } else if (distinct) {
            outputs[i] = shoal_expr_column(a, i, b.keys[i]->type);
        } else {
            outputs[i] = grouped ? shoal_bind_post_agg_expr(&b, targets[i].expr) : shoal_bind_expr(&b, targets[i].expr);
        }
        if (outputs[i] == NULL) return false;
    }
    shoal_expr *having = NULL;
    if (sel->having) {
        if ((having = shoal_bind_condition(&b, sel->having, true)) == NULL) return false;
        if (having->type.id != SHOAL_TYPE_BOOLEAN)
            return plan_error(err, sel->having->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "argument of HAVING must be type boolean");
    }
    int nsort = q->order_by.count, nextra = 0;
    shoal_sort_key *sort_keys = shoal_arena_alloc(a, sizeof(shoal_sort_key) * (size_t)(nsort + 1));
    for (int i = 0; i < nsort; i++) {
        const shoal_ast_sort_item *s = (const shoal_ast_sort_item *)shoal_ast_list_at(&q->order_by, i);
        bool bad = false;
        int col = order_target(s, targets, nt, err, &bad);
        if (bad) return false;
        if (col < 0) {
            if (distinct) return plan_error(err, s->node.loc, "42P10", "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
            shoal_expr *e = grouped ? shoal_bind_post_agg_expr(&b, s->expr) : shoal_bind_expr(&b, s->expr);
            if (e == NULL) return false;
            outputs[nt + nextra] = e;
            col = nt + nextra++;
        }
        sort_keys[i].column = col;
        sort_keys[i].descending = s->direction == SHOAL_AST_SORT_DESC;
        sort_keys[i].nulls_first = s->nulls == SHOAL_AST_NULLS_DEFAULT ? sort_keys[i].descending : s->nulls == SHOAL_AST_NULLS_FIRST;
    }
    int nout = nt + nextra;

    /* ---- the scan: referenced columns only, zone-map predicates from WHERE ---- */
    shoal_plan *frag = NULL;
    int *col_map = shoal_arena_alloc(a, sizeof(int) * (size_t)(ncols + 1));
    if (table) {
        int scan_count = 0;
        for (int c = 0; c < ncols; c++) col_map[c] = b.column_used[c] ? scan_count++ : -1;
        shoal_plan *scan = node(a, SHOAL_PLAN_SCAN, NULL, scan_count);
        scan->table_id = table->id;
        scan->table_version = table->version;
        scan->replicated = shoal_table_effective_dist(table, table->row_count) == SHOAL_DIST_ALL;
        scan->table_column_count = table->column_count;
        scan->table_types = shoal_arena_alloc(a, sizeof(shoal_type) * (size_t)(ncols + 1));
        scan->scan_count = scan_count;
        scan->scan_columns = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)(scan_count + 1));
        for (int c = 0; c < ncols; c++) {
            scan->table_types[c] = table->columns[c].type;
            if (col_map[c] >= 0) {
                scan->scan_columns[col_map[c]] = c;
                scan->types[col_map[c]] = table->columns[c].type;
                scan->names[col_map[c]] = (char *)table->columns[c].name;
            }
        }
        if (where) {
            scan->preds = shoal_arena_alloc(a, sizeof(shoal_scan_pred) * 64);
            collect_zone_preds(where, a, scan->preds, &scan->pred_count, 64);
            where = shoal_expr_remapped(a, where, col_map);
        }
        frag = scan;
        if (where) {
            frag = node(a, SHOAL_PLAN_FILTER, frag, frag->column_count);
            memcpy(frag->types, frag->child->types, sizeof(shoal_type) * (size_t)frag->column_count);
            memcpy(frag->names, frag->child->names, sizeof(char *) * (size_t)frag->column_count);
            frag->predicate = where;
        }
    } else if (where || grouped) {
        return plan_error(err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "WHERE, GROUP BY and aggregates need a FROM clause");
    }

    shoal_plan *fin;
    if (grouped) {
        /* fragment: PROJECT keys + aggregate inputs, then PARTIAL aggregation */
        int nk = b.key_count, na = b.agg_count, np = nk;
        for (int j = 0; j < na; j++) np += b.agg_inputs[j] != NULL;
        shoal_plan *proj = node(a, SHOAL_PLAN_PROJECT, frag, np);
        proj->exprs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(np + 1));
        shoal_agg_spec *aggs = shoal_arena_alloc(a, sizeof(shoal_agg_spec) * (size_t)(na + 1));
        int32_t *keys = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)(nk + 1));
        int c = 0;
        for (int k = 0; k < nk; k++, c++) {
            proj->exprs[c] = shoal_expr_remapped(a, b.keys[k], col_map);
            keys[k] = k;
        }
        for (int j = 0; j < na; j++) {
            aggs[j] = b.aggs[j];
            if (b.agg_inputs[j]) {
                proj->exprs[c] = shoal_expr_remapped(a, b.agg_inputs[j], col_map);
                aggs[j].input = c++;
            } else {
                aggs[j].input = -1;
            }
        }
        for (int i = 0; i < np; i++) {
            proj->types[i] = proj->exprs[i]->type;
            proj->names[i] = "";
        }
        shoal_hash_agg *probe = shoal_hash_agg_create(SHOAL_AGG_PARTIAL, nk, keys, proj->types, na, aggs);
        int npart = shoal_hash_agg_output_count(probe);
        shoal_plan *partial = node(a, SHOAL_PLAN_AGGREGATE, proj, npart);
        shoal_hash_agg_output_types(probe, partial->types);
        shoal_hash_agg_free(probe);
        for (int i = 0; i < npart; i++) partial->names[i] = "";
        partial->agg_mode = SHOAL_AGG_PARTIAL;
        partial->key_count = nk;
        partial->key_columns = keys;
        partial->agg_count = na;
        partial->aggs = aggs;
        frag = partial;

        shoal_plan *recv = node(a, SHOAL_PLAN_RECEIVE, NULL, npart);
        memcpy(recv->types, partial->types, sizeof(shoal_type) * (size_t)npart);
        for (int i = 0; i < npart; i++) recv->names[i] = "";
        shoal_agg_spec *final_aggs = shoal_arena_alloc(a, sizeof(shoal_agg_spec) * (size_t)(na + 1));
        memcpy(final_aggs, aggs, sizeof(shoal_agg_spec) * (size_t)na);
        probe = shoal_hash_agg_create(SHOAL_AGG_FINAL, nk, keys, recv->types, na, final_aggs);
        shoal_plan *final_agg = node(a, SHOAL_PLAN_AGGREGATE, recv, nk + na);
        shoal_hash_agg_output_types(probe, final_agg->types);
        shoal_hash_agg_free(probe);
        for (int i = 0; i < nk + na; i++) final_agg->names[i] = "";
        final_agg->agg_mode = SHOAL_AGG_FINAL;
        final_agg->key_count = nk;
        final_agg->key_columns = keys;
        final_agg->agg_count = na;
        final_agg->aggs = final_aggs;
        fin = final_agg;
        if (having) {
            shoal_plan *f = node(a, SHOAL_PLAN_FILTER, fin, fin->column_count);
            memcpy(f->types, fin->types, sizeof(shoal_type) * (size_t)fin->column_count);
            memcpy(f->names, fin->names, sizeof(char *) * (size_t)fin->column_count);
            f->predicate = having;
            fin = f;
        }
        shoal_plan *p = node(a, SHOAL_PLAN_PROJECT, fin, nout);
        p->exprs = outputs;
        fin = p;
    } else {
        if (table) for (int i = 0; i < nout; i++) outputs[i] = shoal_expr_remapped(a, outputs[i], col_map);
        if (frag) {
            shoal_plan *p = node(a, SHOAL_PLAN_PROJECT, frag, nout);
            p->exprs = outputs;
            for (int i = 0; i < nout; i++) { p->types[i] = outputs[i]->type; p->names[i] = ""; }
            frag = p;
            if (nsort > 0 && limit >= 0) { /* local top-N: no rank sends more than limit+offset rows */
                shoal_plan *s = node(a, SHOAL_PLAN_SORT, frag, nout);
                memcpy(s->types, frag->types, sizeof(shoal_type) * (size_t)nout);
                memcpy(s->names, frag->names, sizeof(char *) * (size_t)nout);
                s->sort_key_count = nsort;
                s->sort_keys = sort_keys;
                s->limit = limit + offset;
                frag = s;
            }
            fin = node(a, SHOAL_PLAN_RECEIVE, NULL, nout);
        } else {
            /* SELECT without FROM: the leader evaluates the list over one empty row */
            fin = node(a, SHOAL_PLAN_PROJECT, node(a, SHOAL_PLAN_RECEIVE, NULL, 0), nout);
            fin->exprs = outputs;
        }
    }
    for (int i = 0; i < nout; i++) {
        fin->types[i] = outputs[i]->type;
        fin->names[i] = i < nt ? (char *)targets[i].name : "";
    }
    if (nsort > 0 || limit >= 0 || offset > 0) {
        shoal_plan *s = node(a, nsort > 0 ? SHOAL_PLAN_SORT : SHOAL_PLAN_LIMIT, fin, nout);
        memcpy(s->types, fin->types, sizeof(shoal_type) * (size_t)nout);
        memcpy(s->names, fin->names, sizeof(char *) * (size_t)nout);
        s->sort_key_count = nsort;
        s->sort_keys = sort_keys;
        s->limit = limit;
        s->offset = offset;
        fin = s;
    }
    if (nextra > 0) { /* drop the columns that only ORDER BY needed */
        shoal_plan *p = node(a, SHOAL_PLAN_PROJECT, fin, nt);
        p->exprs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(nt + 1));
        for (int i = 0; i < nt; i++) {
            p->exprs[i] = shoal_expr_column(a, i, fin->types[i]);
            p->types[i] = fin->types[i];
            p->names[i] = fin->names[i];
        }
        fin = p;
    }
    out->fragment = frag;
    out->final_plan = fin;
    return true;
}
