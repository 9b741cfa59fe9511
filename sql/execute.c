/* Statement execution on the leader (see execute.h). */
#include "sql/execute.h"
#include "engine/exec/batch_wire.h"
#include "engine/exec/query_dispatch.h"
#include "engine/node/rank_services.h"
#include "engine/load/load.h"
#include "engine/storage/block.h"
#include "engine/tpch/tpch.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "sql/planner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool shoal_sql_session_open(shoal_sql_session *s, shoal_rt *rt, const char *data_dir, shoal_error *err)
{
    memset(s, 0, sizeof *s);
    s->rt = rt;
    snprintf(s->data_dir, sizeof s->data_dir, "%s", data_dir);
    char dir[4200], msg[1024];
    snprintf(dir, sizeof dir, "%s/rank-0", data_dir);
    if (!shoal_catalog_open(&s->catalog, dir, shoal_rt_size(rt), msg, sizeof msg)) {
        shoal_error_set(err, -1, "58030", "%s", msg);
        return false;
    }
    if (!shoal_views_open(&s->views, dir, err)) {
        shoal_catalog_close(&s->catalog);
        return false;
    }
    return true;
}

void shoal_sql_session_close(shoal_sql_session *s)
{
    shoal_catalog_close(&s->catalog);
    shoal_views_free(&s->views);
}

static bool save_catalog(shoal_sql_session *s, shoal_error *err)
{
    char msg[1024];
    if (shoal_catalog_save(&s->catalog, msg, sizeof msg)) return true;
    shoal_error_set(err, -1, "58030", "%s", msg);
    return false;
}

static void status(const shoal_result_sink *sink, const char *tag)
{
    if (sink->status) sink->status(sink->arg, tag);
}

static void notice(const shoal_result_sink *sink, const char *fmt, const char *name)
{
    char text[512];
    snprintf(text, sizeof text, fmt, name);
    if (sink->notice) sink->notice(sink->arg, text);
}

static bool loc_error(shoal_error *err, shoal_location loc, const char *sqlstate, const char *fmt, const char *name)
{
    char text[512];
    snprintf(text, sizeof text, fmt, name);
    shoal_error_set(err, -1, sqlstate, "%s (line %d, column %d)", text, loc.line, loc.column);
    return false;
}

/* ---- CREATE SCHEMA / TABLE, DROP TABLE ---- */

static bool exec_create_schema(shoal_sql_session *s, const shoal_ast_create_schema *n, const shoal_result_sink *sink,
                               shoal_error *err)
{
    if (shoal_catalog_has_schema(&s->catalog, n->name)) {
        if (!n->if_not_exists) return loc_error(err, n->node.loc, SHOAL_SQLSTATE_DUPLICATE_SCHEMA, "schema \"%s\" already exists", n->name);
        notice(sink, "schema \"%s\" already exists, skipping", n->name);
    } else {
        shoal_catalog_add_schema(&s->catalog, n->name);
        if (!save_catalog(s, err)) return false;
    }
    status(sink, "CREATE SCHEMA");
    return true;
}

static int column_index(const shoal_table_def *t, const char *name) { return shoal_table_column(t, name); }

static bool exec_create_table(shoal_sql_session *s, const shoal_ast_create_table *n, const char *sql, shoal_arena *a,
                              const shoal_result_sink *sink, shoal_error *err)
{
    const char *schema = n->name->schema ? n->name->schema : "public";
    if (!shoal_catalog_has_schema(&s->catalog, schema))
        return loc_error(err, n->name->node.loc, SHOAL_SQLSTATE_INVALID_SCHEMA, "schema \"%s\" does not exist", schema);
    if (shoal_catalog_find_table(&s->catalog, schema, n->name->name)) {
        if (!n->if_not_exists)
            return loc_error(err, n->name->node.loc, SHOAL_SQLSTATE_DUPLICATE_TABLE, "relation \"%s\" already exists", n->name->name);
        notice(sink, "relation \"%s\" already exists, skipping", n->name->name);
        status(sink, "CREATE TABLE");
        return true;
    }
    if (n->columns.count == 0)
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "a table needs at least one column%s", "");
    shoal_table_def *t = calloc(1, sizeof *t);
    snprintf(t->schema, sizeof t->schema, "%s", schema);
    snprintf(t->name, sizeof t->name, "%s", n->name->name);
    t->column_count = n->columns.count;
    t->columns = calloc((size_t)t->column_count, sizeof(shoal_catalog_column));
    t->distkey = -1;
    int col_distkey = -1;
    bool ok = true;
    for (int i = 0; i < n->columns.count && ok; i++) {
        const shoal_ast_column_def *c = (const shoal_ast_column_def *)shoal_ast_list_at(&n->columns, i);
        shoal_catalog_column *cc = &t->columns[i];
        if (strlen(c->name) >= sizeof cc->name) { ok = loc_error(err, c->node.loc, "42622", "column name \"%s\" is too long", c->name); break; }
        for (int j = 0; j < i && ok; j++)
            if (strcmp(t->columns[j].name, c->name) == 0)
                ok = loc_error(err, c->node.loc, SHOAL_SQLSTATE_DUPLICATE_COLUMN, "column \"%s\" specified more than once", c->name);
        if (!ok) break;
        snprintf(cc->name, sizeof cc->name, "%s", c->name);
        cc->type = shoal_bind_type(c->type);
        cc->not_null = c->nullability == SHOAL_AST_NOT_NULLABLE || c->primary_key;
        cc->primary_key = c->primary_key;
        if (c->encoding) {
            shoal_encoding_request req;
            if (strcmp(c->encoding, "auto") != 0 && !shoal_encoding_from_name(c->encoding, &req)) {
                ok = loc_error(err, c->node.loc, "42704", "unknown ENCODE type \"%s\"", c->encoding);
                break;
            }
            snprintf(cc->encoding, sizeof cc->encoding, "%s", c->encoding);
        }
        if (c->default_value) cc->default_sql = strdup(shoal_ast_to_sql(c->default_value, a));
        if (c->identity) {
            if (cc->type.id != SHOAL_TYPE_INTEGER && cc->type.id != SHOAL_TYPE_BIGINT && cc->type.id != SHOAL_TYPE_SMALLINT) {
                ok = loc_error(err, c->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "IDENTITY column \"%s\" must be an integer type", c->name);
                break;
            }
            cc->identity = true;
            cc->identity_seed = c->identity_seed;
            cc->identity_step = c->identity_step ? c->identity_step : 1;
            t->next_identity = c->identity_seed;
        }
        if (c->distkey) {
            if (col_distkey >= 0) { ok = loc_error(err, c->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "a table has at most one DISTKEY%s", ""); break; }
            col_distkey = i;
        }
        if (c->sortkey && t->sortkey_count < SHOAL_MAX_SORTKEYS) t->sortkeys[t->sortkey_count++] = i;
    }
    if (ok && n->distkey) {
        int k = column_index(t, n->distkey->name);
        if (k < 0) ok = loc_error(err, n->distkey->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "DISTKEY column \"%s\" does not exist", n->distkey->name);
        else if (col_distkey >= 0 && col_distkey != k) ok = loc_error(err, n->distkey->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "a table has at most one DISTKEY%s", "");
        else col_distkey = k;
    }
    if (ok && n->sortkey.count > 0) {
        if (t->sortkey_count > 0) ok = loc_error(err, n->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "SORTKEY given both on columns and for the table%s", "");
        for (int i = 0; ok && i < n->sortkey.count; i++) {
            const shoal_ast_identifier *id = (const shoal_ast_identifier *)shoal_ast_list_at(&n->sortkey, i);
            int k = column_index(t, id->name);
            if (k < 0) ok = loc_error(err, id->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "SORTKEY column \"%s\" does not exist", id->name);
            else if (t->sortkey_count == SHOAL_MAX_SORTKEYS) ok = loc_error(err, id->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "more than 16 SORTKEY columns%s", "");
            else t->sortkeys[t->sortkey_count++] = k;
        }
    }
    if (ok) {
        switch (n->diststyle) {
        case SHOAL_AST_DISTSTYLE_EVEN: t->diststyle = SHOAL_DIST_EVEN; break;
        case SHOAL_AST_DISTSTYLE_ALL: t->diststyle = SHOAL_DIST_ALL; break;
        case SHOAL_AST_DISTSTYLE_KEY: t->diststyle = SHOAL_DIST_KEY; break;
        case SHOAL_AST_DISTSTYLE_AUTO: t->diststyle = SHOAL_DIST_AUTO; break;
        case SHOAL_AST_DISTSTYLE_UNSPECIFIED: t->diststyle = col_distkey >= 0 ? SHOAL_DIST_KEY : SHOAL_DIST_AUTO; break;
        }
        if (t->diststyle == SHOAL_DIST_KEY && col_distkey < 0)
            ok = loc_error(err, n->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "DISTSTYLE KEY needs a DISTKEY column%s", "");
        else if (t->diststyle != SHOAL_DIST_KEY && col_distkey >= 0)
            ok = loc_error(err, n->node.loc, SHOAL_SQLSTATE_INVALID_DEFINITION, "DISTKEY is only allowed with DISTSTYLE KEY%s", "");
        t->distkey = col_distkey;
    }
    (void)sql;
    if (!ok) {
        shoal_table_def_free(t);
        return false;
    }
    shoal_catalog_add_table(&s->catalog, t);
    if (!save_catalog(s, err)) {
        shoal_catalog_remove_table(&s->catalog, t);
        return false;
    }
    status(sink, "CREATE TABLE");
    return true;
}

static bool exec_drop_view(shoal_sql_session *s, const shoal_ast_drop *n, const shoal_result_sink *sink, shoal_error *err)
{
    for (int i = 0; i < n->names.count; i++) {
        const shoal_ast_qualified_name *q = (const shoal_ast_qualified_name *)shoal_ast_list_at(&n->names, i);
        const char *schema = q->schema ? q->schema : "public";
        const shoal_view *v = shoal_views_find(&s->views, schema, q->name);
        if (v == NULL) {
            if (n->if_exists) { notice(sink, "view \"%s\" does not exist, skipping", q->name); continue; }
            return loc_error(err, q->node.loc, SHOAL_SQLSTATE_UNDEFINED_TABLE, "view \"%s\" does not exist", q->name);
        }
        shoal_view saved = *v; /* keep a copy to put back if the file cannot be written */
        char *sql = strdup(v->query_sql);
        char **cols = calloc((size_t)v->column_count + 1, sizeof(char *));
        for (int c = 0; c < v->column_count; c++) cols[c] = strdup(v->columns[c]);
        shoal_views_remove(&s->views, schema, q->name);
        bool ok = shoal_views_save(&s->views, err);
        if (!ok) shoal_views_put(&s->views, saved.schema, saved.name, sql, saved.column_count, (const char *const *)cols);
        for (int c = 0; c < saved.column_count; c++) free(cols[c]);
        free(cols);
        free(sql);
        if (!ok) return false;
    }
    status(sink, "DROP VIEW");
    return true;
}

static bool plan_select(shoal_sql_session *s, const shoal_ast_query *q, const char *sql, shoal_arena *a,
                        shoal_select_plan *plan, shoal_error *err);

static bool exec_create_view(shoal_sql_session *s, const shoal_ast_create_view *n, const char *sql, shoal_arena *a,
                             const shoal_result_sink *sink, shoal_error *err)
{
    const char *schema = n->name->schema ? n->name->schema : "public";
    if (!shoal_catalog_has_schema(&s->catalog, schema))
        return loc_error(err, n->name->node.loc, SHOAL_SQLSTATE_INVALID_SCHEMA, "schema \"%s\" does not exist", schema);
    if (shoal_catalog_find_table(&s->catalog, schema, n->name->name))
        return loc_error(err, n->name->node.loc, SHOAL_SQLSTATE_DUPLICATE_TABLE, "relation \"%s\" already exists", n->name->name);
    if (shoal_views_find(&s->views, schema, n->name->name) && !n->or_replace)
        return loc_error(err, n->name->node.loc, SHOAL_SQLSTATE_DUPLICATE_TABLE, "relation \"%s\" already exists", n->name->name);
    /* planned once now, so a view that cannot run is refused when it is made */
    shoal_select_plan plan;
    if (!plan_select(s, n->query, sql, a, &plan, err)) return false;
    if (n->columns.count > plan.final_plan->column_count)
        return loc_error(err, n->node.loc, "42601", "CREATE VIEW specifies more column names than columns%s", "");
    const char **cols = shoal_arena_alloc(a, sizeof(char *) * (size_t)(n->columns.count + 1));
    for (int i = 0; i < n->columns.count; i++) cols[i] = ((const shoal_ast_identifier *)shoal_ast_list_at(&n->columns, i))->name;
    /* the replaced definition, to put back if the file cannot be written */
    const shoal_view *old = shoal_views_find(&s->views, schema, n->name->name);
    char *old_sql = old ? shoal_arena_strdup(a, old->query_sql) : NULL;
    int old_ncols = old ? old->column_count : 0;
    const char **old_cols = shoal_arena_alloc(a, sizeof(char *) * (size_t)(old_ncols + 1));
    for (int i = 0; i < old_ncols; i++) old_cols[i] = shoal_arena_strdup(a, old->columns[i]);
    shoal_views_put(&s->views, schema, n->name->name, shoal_ast_to_sql(n->query, a), n->columns.count, cols);
    if (!shoal_views_save(&s->views, err)) {
        shoal_views_remove(&s->views, schema, n->name->name);
        if (old_sql) shoal_views_put(&s->views, schema, n->name->name, old_sql, old_ncols, old_cols);
        return false;
    }
    status(sink, "CREATE VIEW");
    return true;
}

static bool exec_drop(shoal_sql_session *s, const shoal_ast_drop *n, const shoal_result_sink *sink, shoal_error *err)
{
    if (n->object == SHOAL_AST_OBJECT_VIEW) return exec_drop_view(s, n, sink, err);
    if (n->object != SHOAL_AST_OBJECT_TABLE)
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "DROP %s is not supported yet", "SCHEMA");
    for (int i = 0; i < n->names.count; i++) {
        const shoal_ast_qualified_name *q = (const shoal_ast_qualified_name *)shoal_ast_list_at(&n->names, i);
        const char *schema = q->schema ? q->schema : "public";
        shoal_table_def *t = shoal_catalog_find_table(&s->catalog, schema, q->name);
        if (t == NULL) {
            if (n->if_exists) { notice(sink, "table \"%s\" does not exist, skipping", q->name); continue; }
            return loc_error(err, q->node.loc, SHOAL_SQLSTATE_UNDEFINED_TABLE, "table \"%s\" does not exist", q->name);
        }
        uint64_t id = t->id;
        shoal_table_def *saved = shoal_table_def_copy(t);
        shoal_catalog_remove_table(&s->catalog, t);
        if (!save_catalog(s, err)) { /* nothing changed: put it back */
            s->catalog.tables = realloc(s->catalog.tables, sizeof(*s->catalog.tables) * (size_t)(s->catalog.table_count + 1));
            s->catalog.tables[s->catalog.table_count++] = saved;
            return false;
        }
        shoal_table_def_free(saved);
        /* the catalog no longer names it: the files go now (or, if a rank fails, at its next drop/recovery) */
        shoal_request req;
        shoal_request_begin(s->rt, &req, shoal_new_query_id());
        shoal_request_send_all(s->rt, &req, SHOAL_MSG_DROP_TABLE, &id, sizeof id);
        shoal_request_status st = shoal_request_wait(s->rt, &req, -1);
        if (st != SHOAL_REQUEST_OK) *err = req.error;
        shoal_request_end(s->rt, &req);
        if (st != SHOAL_REQUEST_OK) return false;
    }
    status(sink, "DROP TABLE");
    return true;
}

/* ---- SELECT and EXPLAIN ---- */

typedef struct select_run {
    const shoal_result_sink *sink;
    uint64_t rows;
} select_run;

static void emit_batch(void *arg, const shoal_batch *b)
{
    select_run *r = arg;
    r->rows += shoal_batch_rows(b);
    if (r->sink->batch) r->sink->batch(r->sink->arg, b);
}

/* Adds one distributed query's per-rank figures to the statement's (execute.h). */
static void add_statement_stats(shoal_statement_stats *to, const shoal_query_result *res)
{
    to->queries++;
    to->rank_count = res->rank_count;
    for (int r = 0; r < res->rank_count; r++) {
        const shoal_query_rank_stats *st = &res->rank_stats[r];
        to->rows_scanned += st->rows_scanned;
        to->blocks_read += st->blocks_read;
        to->blocks_skipped += st->blocks_skipped;
        to->bytes_moved += st->bytes_exchanged;
        if (st->peak_resident_bytes > to->peak_resident_bytes_max) to->peak_resident_bytes_max = st->peak_resident_bytes;
    }
}

/* Runs a planned SELECT: its steps on the ranks, the final plan on the leader; emit gets the
 * output batches. Without steps (SELECT without FROM) one empty row feeds the final plan.
 * Every run adds to the session's last_stats. */
static bool run_select_plan_stats(shoal_sql_session *s, const shoal_select_plan *plan, shoal_emit_fn emit, void *arg,
                                  shoal_query_result *stats, shoal_error *err)
{
    const shoal_plan *fin = plan->final_plan;
    if (plan->step_count > 0) {
        shoal_query_result res;
        shoal_query_run_steps(s->rt, plan->steps, plan->step_count, fin, emit, arg, &res);
        bool ok = res.status == SHOAL_REQUEST_OK;
        if (!ok) *err = res.error;
        if (ok) add_statement_stats(&s->last_stats, &res);
        if (stats && ok) {
            *stats = res;
        } else {
            free(res.rank_stats);
            free(res.step_stats);
        }
        return ok;
    }
    shoal_batch one;
    shoal_batch_init(&one, 0, NULL, 1);
    one.count = 1;
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_batch_write(&w, &one, NULL, 0);
    shoal_exec_context ctx = {0};
    const uint8_t *bufs[1] = {w.data};
    size_t lens[1] = {w.len};
    ctx.received_count = 1;
    ctx.received = bufs;
    ctx.received_len = lens;
    shoal_eval_error e = {0};
    shoal_operator *root = shoal_operator_open(fin, &ctx, &e);
    shoal_batch *b;
    while (root && (b = shoal_operator_next(root, &e)) != NULL) emit(arg, b);
    shoal_operator_close(root);
    shoal_writer_free(&w);
    shoal_batch_free(&one);
    if (e.failed) {
        shoal_error_set(err, -1, e.sqlstate, "%s", e.message);
        return false;
    }
    return true;
}

static bool run_select_plan(shoal_sql_session *s, const shoal_select_plan *plan, shoal_emit_fn emit, void *arg,
                            shoal_error *err)
{
    return run_select_plan_stats(s, plan, emit, arg, NULL, err);
}

/* An uncorrelated scalar subquery, run before the query that uses it. */
typedef struct scalar_run {
    uint64_t rows;
    shoal_value value;
    shoal_arena *arena; /* the statement's: the value's string outlives the batches */
} scalar_run;

static void keep_scalar(void *arg, const shoal_batch *b)
{
    scalar_run *r = arg;
    uint32_t n = shoal_batch_rows(b);
    if (n == 0) return;
    if (r->rows == 0) {
        uint32_t row = shoal_batch_row(b, 0);
        const shoal_vector *v = &b->columns[0];
        memset(&r->value, 0, sizeof r->value);
        r->value.type = v->type;
        r->value.is_null = shoal_vector_is_null(v, row);
        if (!r->value.is_null) {
            switch (shoal_type_physical(v->type)) {
            case SHOAL_PHYS_I128: r->value.v.i128 = shoal_vector_get_i128(v, row); break;
            case SHOAL_PHYS_F32:
            case SHOAL_PHYS_F64: r->value.v.f64 = shoal_vector_get_f64(v, row); break;
            case SHOAL_PHYS_STRING: {
                shoal_string str = ((const shoal_string *)v->data)[row];
                char *copy = shoal_arena_alloc(r->arena, str.len + 1);
                memcpy(copy, str.ptr, str.len);
                copy[str.len] = '\0';
                r->value.v.str.ptr = copy;
                r->value.v.str.len = str.len;
                break;
            }
            default: r->value.v.i64 = shoal_vector_get_i64(v, row); break;
            }
        }
    }
    r->rows += n;
}

static bool run_scalar_subquery(void *arg, const shoal_select_plan *plan, shoal_value *value, shoal_error *err)
{
    void **args = arg;
    shoal_sql_session *s = args[0];
    scalar_run r;
    memset(&r, 0, sizeof r);
    r.arena = args[1];
    if (!run_select_plan(s, plan, keep_scalar, &r, err)) return false;
    if (r.rows > 1) {
        shoal_error_set(err, -1, "21000", "more than one row returned by a subquery used as an expression");
        return false;
    }
    if (r.rows == 0) {
        memset(value, 0, sizeof *value);
        value->is_null = true;
        return true;
    }
    *value = r.value;
    return true;
}

static bool plan_select(shoal_sql_session *s, const shoal_ast_query *q, const char *sql, shoal_arena *a,
                        shoal_select_plan *plan, shoal_error *err)
{
    void **args = shoal_arena_alloc(a, 2 * sizeof(void *));
    args[0] = s;
    args[1] = a;
    shoal_planner_hooks hooks = {run_scalar_subquery, args, shoal_rt_size(s->rt), &s->views};
    return shoal_plan_select(&s->catalog, q, sql, a, &hooks, plan, err);
}

static bool exec_select(shoal_sql_session *s, const shoal_ast_query *q, const char *sql, shoal_arena *a,
                        const shoal_result_sink *sink, shoal_error *err)
{
    shoal_select_plan plan;
    if (!plan_select(s, q, sql, a, &plan, err)) return false;
    const shoal_plan *fin = plan.final_plan;
    if (sink->columns) sink->columns(sink->arg, fin->column_count, fin->names, fin->types);
    select_run run = {sink, 0};
    if (!run_select_plan(s, &plan, emit_batch, &run, err)) return false;
    char tag[64];
    snprintf(tag, sizeof tag, "SELECT %llu", (unsigned long long)run.rows);
    status(sink, tag);
    return true;
}

static bool exec_explain(shoal_sql_session *s, const shoal_ast_explain *n, const char *sql, shoal_arena *a,
                         const shoal_result_sink *sink, shoal_error *err)
{
    if (!shoal_is_a(n->statement, query))
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "EXPLAIN of this statement is not supported%s", "");
    shoal_select_plan plan;
    if (!plan_select(s, (const shoal_ast_query *)n->statement, sql, a, &plan, err)) return false;
    static char text[262144];
    text[0] = '\0';
    if (n->analyze) {
        /* run it (rows counted, not shown), then the plan with what each step did */
        select_run run = {&(shoal_result_sink){0}, 0};
        shoal_query_result stats;
        memset(&stats, 0, sizeof stats);
        double t0 = shoal_now_ms();
        if (!run_select_plan_stats(s, &plan, emit_batch, &run, &stats, err)) return false;
        double ms = shoal_now_ms() - t0;
        shoal_select_plan_explain_analyze(&plan, shoal_rt_size(s->rt), stats.step_stats, text, sizeof text);
        size_t used;
        uint64_t exchanged = 0;
        for (int i = 0; i < stats.step_count * stats.rank_count; i++) exchanged += stats.step_stats[i].bytes_exchanged;
        for (int r = 0; r < stats.rank_count; r++) {
            used = strlen(text);
            snprintf(text + used, sizeof text - used, "Rank %d: peak resident memory %.1f MiB\n", r,
                     (double)stats.rank_stats[r].peak_resident_bytes / (1024.0 * 1024.0));
        }
        used = strlen(text);
        snprintf(text + used, sizeof text - used, "Result: %llu rows in %.1f ms; %llu bytes moved between ranks by exchanges\n",
                 (unsigned long long)run.rows, ms, (unsigned long long)exchanged);
        free(stats.rank_stats);
        free(stats.step_stats);
    } else {
        shoal_select_plan_explain(&plan, shoal_rt_size(s->rt), text, sizeof text);
    }
    char *names[1] = {"QUERY PLAN"};
    shoal_type types[1] = {shoal_type_string(SHOAL_TYPE_VARCHAR, 0)};
    if (sink->columns) sink->columns(sink->arg, 1, names, types);
    shoal_batch b;
    shoal_batch_init(&b, 1, types, 64);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        shoal_vector_append_string(&b.columns[0], line, (uint32_t)strlen(line));
    b.count = b.columns[0].count;
    if (sink->batch) sink->batch(sink->arg, &b);
    shoal_batch_free(&b);
    status(sink, "EXPLAIN");
    return true;
}

/* ---- COPY ---- */

typedef struct copy_options_list {
    int count;
    const char *keywords[32];
    const char *values[32];
} copy_options_list;

static void add_option(copy_options_list *l, const char *keyword, const char *value)
{
    if (l->count < 32) {
        l->keywords[l->count] = keyword;
        l->values[l->count] = value;
        l->count++;
    }
}

static void report_progress(void *arg, uint64_t done, uint64_t total)
{
    const shoal_result_sink *sink = arg;
    char text[128];
    if (total > 0)
        snprintf(text, sizeof text, "progress: %.1f of %.1f MB read (%.0f%%)", (double)done / 1e6, (double)total / 1e6,
                 100.0 * (double)done / (double)total);
    else
        snprintf(text, sizeof text, "progress: %.1f MB read", (double)done / 1e6);
    if (sink->notice) sink->notice(sink->arg, text);
}

static bool exec_copy(shoal_sql_session *s, const shoal_ast_copy *n, shoal_arena *a, const shoal_result_sink *sink,
                      shoal_error *err)
{
    shoal_table_def *t = shoal_resolve_table(&s->catalog, n->table, err);
    if (t == NULL) return false;
    if (n->format != SHOAL_AST_COPY_FORMAT_TEXT && n->format != SHOAL_AST_COPY_FORMAT_CSV)
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "COPY supports text and CSV files%s", "");
    if (n->compression != SHOAL_AST_COPY_UNCOMPRESSED && n->compression != SHOAL_AST_COPY_GZIP &&
        n->compression != SHOAL_AST_COPY_ZSTD)
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "COPY supports GZIP and ZSTD compression%s", "");
    int *cols = shoal_arena_alloc(a, sizeof(int) * (size_t)(n->columns.count + 1));
    for (int i = 0; i < n->columns.count; i++) {
        const shoal_ast_identifier *id = (const shoal_ast_identifier *)shoal_ast_list_at(&n->columns, i);
        if ((cols[i] = shoal_table_column(t, id->name)) < 0)
            return loc_error(err, id->node.loc, SHOAL_SQLSTATE_UNDEFINED_COLUMN, "column \"%s\" does not exist", id->name);
    }
    if (n->columns.count > 0 && n->columns.count != t->column_count)
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                         "COPY with a column list must name every column of \"%s\" for now (DEFAULT and IDENTITY filling come later)", t->name);
    copy_options_list o = {0};
    char num[2][32];
    if (n->format == SHOAL_AST_COPY_FORMAT_CSV) add_option(&o, "CSV", NULL);
    if (n->delimiter) add_option(&o, "DELIMITER", n->delimiter);
    if (n->quote) add_option(&o, "QUOTE", n->quote);
    if (n->null_as) add_option(&o, "NULL AS", n->null_as);
    if (n->date_format) add_option(&o, "DATEFORMAT", n->date_format);
    if (n->time_format) add_option(&o, "TIMEFORMAT", n->time_format);
    if (n->compression == SHOAL_AST_COPY_GZIP) add_option(&o, "GZIP", NULL);
    if (n->compression == SHOAL_AST_COPY_ZSTD) add_option(&o, "ZSTD", NULL);
    if (n->ignore_header >= 0) { snprintf(num[0], sizeof num[0], "%lld", (long long)n->ignore_header); add_option(&o, "IGNOREHEADER", num[0]); }
    if (n->max_errors >= 0) { snprintf(num[1], sizeof num[1], "%lld", (long long)n->max_errors); add_option(&o, "MAXERROR", num[1]); }
    if (n->flags & SHOAL_AST_COPY_EMPTYASNULL) add_option(&o, "EMPTYASNULL", NULL);
    if (n->flags & SHOAL_AST_COPY_BLANKSASNULL) add_option(&o, "BLANKSASNULL", NULL);
    if (n->flags & SHOAL_AST_COPY_TRUNCATECOLUMNS) add_option(&o, "TRUNCATECOLUMNS", NULL);
    if (n->flags & SHOAL_AST_COPY_ESCAPE) add_option(&o, "ESCAPE", NULL);
    if (n->flags & SHOAL_AST_COPY_IGNOREBLANKLINES) add_option(&o, "IGNOREBLANKLINES", NULL);
    shoal_load_spec spec = {0};
    spec.source = SHOAL_LOAD_COPY;
    spec.path_prefix = n->source;
    spec.option_count = o.count;
    spec.option_keywords = o.keywords;
    spec.option_values = o.values;
    spec.copy_column_count = n->columns.count;
    spec.copy_columns = n->columns.count ? cols : NULL;
    shoal_load_outcome out;
    if (!shoal_load_run(s->rt, &s->catalog, t, &spec, report_progress, (void *)sink, &out, err)) return false;
    if (out.rows_rejected > 0) {
        char text[128];
        snprintf(text, sizeof text, "%llu row%s rejected (within MAXERROR)", (unsigned long long)out.rows_rejected,
                 out.rows_rejected == 1 ? "" : "s");
        if (sink->notice) sink->notice(sink->arg, text);
    }
    char tag[64];
    snprintf(tag, sizeof tag, "COPY %llu", (unsigned long long)out.rows);
    status(sink, tag);
    return true;
}

/* ---- CALL tpch_generate(SF) ---- */

/* Distribution and sort keys for the TPC-H tables: the big fact tables are distributed on
 * the order key (lineitem and orders join without moving data) and sorted by date (Q1, Q3,
 * Q4, Q6... prune on it); part/partsupp on the part key; customer on its key; the small
 * dimension tables (supplier, nation, region) are copied to every slice. */
static const struct {
    tpch_table table;
    const char *distkey; /* NULL: DISTSTYLE ALL */
    const char *sortkey; /* NULL: none */
} TPCH_LAYOUT[] = {
    {TPCH_REGION, NULL, NULL},
    {TPCH_NATION, NULL, NULL},
    {TPCH_SUPPLIER, NULL, NULL},
    {TPCH_CUSTOMER, "c_custkey", NULL},
    {TPCH_PART, "p_partkey", NULL},
    {TPCH_PARTSUPP, "ps_partkey", NULL},
    {TPCH_ORDERS, "o_orderkey", "o_orderdate"},
    {TPCH_LINEITEM, "l_orderkey", "l_shipdate"},
};

static shoal_table_def *tpch_table_def(tpch_table which, const char *distkey, const char *sortkey)
{
    const tpch_table_info *info = tpch_table_get_info(which);
    shoal_table_def *t = calloc(1, sizeof *t);
    snprintf(t->schema, sizeof t->schema, "public");
    snprintf(t->name, sizeof t->name, "%s", info->name);
    t->column_count = info->column_count;
    t->columns = calloc((size_t)t->column_count, sizeof(shoal_catalog_column));
    t->distkey = -1;
    for (int i = 0; i < info->column_count; i++) {
        shoal_catalog_column *c = &t->columns[i];
        snprintf(c->name, sizeof c->name, "%s", info->columns[i].name);
        c->not_null = true;
        switch (info->columns[i].type) {
        case TPCH_TYPE_INT32: c->type = shoal_type_make(SHOAL_TYPE_INTEGER); break;
        case TPCH_TYPE_INT64: c->type = shoal_type_make(SHOAL_TYPE_BIGINT); break;
        case TPCH_TYPE_DECIMAL: c->type = shoal_type_decimal(15, 2); break;
        case TPCH_TYPE_DATE: c->type = shoal_type_make(SHOAL_TYPE_DATE); break;
        case TPCH_TYPE_CHAR: c->type = shoal_type_string(SHOAL_TYPE_CHAR, 1); break;
        case TPCH_TYPE_STRING: c->type = shoal_type_string(SHOAL_TYPE_VARCHAR, (uint32_t)info->columns[i].max_length); break;
        }
        /* the specification's L_QUANTITY is a decimal; dbgen only ever draws whole numbers */
        if (strcmp(c->name, "l_quantity") == 0) c->type = shoal_type_decimal(15, 2);
        if (distkey && strcmp(c->name, distkey) == 0) t->distkey = i;
        if (sortkey && strcmp(c->name, sortkey) == 0) t->sortkeys[t->sortkey_count++] = i;
    }
    t->diststyle = distkey ? SHOAL_DIST_KEY : SHOAL_DIST_ALL;
    return t;
}

static bool drop_storage_everywhere(shoal_sql_session *s, uint64_t id, shoal_error *err)
{
    shoal_request req;
    shoal_request_begin(s->rt, &req, shoal_new_query_id());
    shoal_request_send_all(s->rt, &req, SHOAL_MSG_DROP_TABLE, &id, sizeof id);
    shoal_request_status st = shoal_request_wait(s->rt, &req, -1);
    if (st != SHOAL_REQUEST_OK) *err = req.error;
    shoal_request_end(s->rt, &req);
    return st == SHOAL_REQUEST_OK;
}

static bool exec_tpch_generate(shoal_sql_session *s, const shoal_ast_call *n, const shoal_result_sink *sink, shoal_error *err)
{
    if (n->args.count != 1 || !shoal_is_a(shoal_ast_list_at(&n->args, 0), literal))
        return loc_error(err, n->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "tpch_generate takes one numeric scale factor, e.g. CALL tpch_generate(0.1)%s", "");
    const shoal_ast_literal *l = (const shoal_ast_literal *)shoal_ast_list_at(&n->args, 0);
    double sf = 0;
    char msg[256];
    if (l->kind == SHOAL_AST_LITERAL_STRING || !l->text || tpch_parse_scale_factor(l->text, &sf, msg, sizeof msg) != 0)
        return loc_error(err, l->node.loc, "22023", "invalid scale factor: %s", l->text ? l->text : "?");
    uint64_t total_rows = 0;
    double t0 = shoal_now_ms();
    for (size_t i = 0; i < sizeof TPCH_LAYOUT / sizeof TPCH_LAYOUT[0]; i++) {
        shoal_table_def *fresh = tpch_table_def(TPCH_LAYOUT[i].table, TPCH_LAYOUT[i].distkey, TPCH_LAYOUT[i].sortkey);
        shoal_table_def *old = shoal_catalog_find_table(&s->catalog, "public", fresh->name);
        if (old) { /* replace: the generated data is the table's whole content */
            notice(sink, "replacing table \"%s\"", fresh->name);
            uint64_t old_id = old->id;
            shoal_catalog_remove_table(&s->catalog, old);
            if (!save_catalog(s, err) || !drop_storage_everywhere(s, old_id, err)) {
                shoal_table_def_free(fresh);
                return false;
            }
        }
        shoal_catalog_add_table(&s->catalog, fresh);
        if (!save_catalog(s, err)) {
            shoal_catalog_remove_table(&s->catalog, fresh);
            return false;
        }
        shoal_load_spec spec = {0};
        spec.source = SHOAL_LOAD_TPCH;
        spec.tpch_table = TPCH_LAYOUT[i].table;
        spec.scale_factor = sf;
        spec.release_tpch_pool = i + 1 == sizeof TPCH_LAYOUT / sizeof TPCH_LAYOUT[0];
        shoal_load_outcome out;
        if (!shoal_load_run(s->rt, &s->catalog, fresh, &spec, NULL, NULL, &out, err)) return false;
        total_rows += out.rows;
        char text[160];
        snprintf(text, sizeof text, "%-8s %10llu rows  %8.1f ms", fresh->name, (unsigned long long)out.rows, out.elapsed_ms);
        if (sink->notice) sink->notice(sink->arg, text);
    }
    char tag[96];
    snprintf(tag, sizeof tag, "CALL (TPC-H SF %g: %llu rows in %.1f s)", sf, (unsigned long long)total_rows,
             (shoal_now_ms() - t0) / 1000.0);
    status(sink, tag);
    return true;
}

static bool exec_call(shoal_sql_session *s, const shoal_ast_call *n, const shoal_result_sink *sink, shoal_error *err)
{
    if (strcmp(n->procedure->name, "tpch_generate") == 0) return exec_tpch_generate(s, n, sink, err);
    return loc_error(err, n->node.loc, SHOAL_SQLSTATE_UNDEFINED_FUNCTION, "procedure %s does not exist", n->procedure->name);
}

/* ---- dispatch ---- */

bool shoal_sql_execute(shoal_sql_session *s, const char *sql, size_t len, const shoal_result_sink *sink, shoal_error *err)
{
    memset(&s->last_stats, 0, sizeof s->last_stats);
    shoal_arena arena;
    shoal_arena_init(&arena, 64 * 1024);
    shoal_ast_statement **stmts = NULL;
    int count = 0;
    bool ok = shoal_parse(sql, len, &arena, &stmts, &count, err);
    for (int i = 0; ok && i < count; i++) {
        const shoal_ast_node *body = stmts[i]->body;
        shoal_bind_statement_begin(); /* GETDATE() and friends: one value per statement */
        switch (body->tag) {
        case SHOAL_AST_CREATE_SCHEMA: ok = exec_create_schema(s, (const shoal_ast_create_schema *)body, sink, err); break;
        case SHOAL_AST_CREATE_TABLE: ok = exec_create_table(s, (const shoal_ast_create_table *)body, sql, &arena, sink, err); break;
        case SHOAL_AST_DROP: ok = exec_drop(s, (const shoal_ast_drop *)body, sink, err); break;
        case SHOAL_AST_CREATE_VIEW: ok = exec_create_view(s, (const shoal_ast_create_view *)body, sql, &arena, sink, err); break;
        case SHOAL_AST_QUERY: ok = exec_select(s, (const shoal_ast_query *)body, sql, &arena, sink, err); break;
        case SHOAL_AST_EXPLAIN: ok = exec_explain(s, (const shoal_ast_explain *)body, sql, &arena, sink, err); break;
        case SHOAL_AST_COPY: ok = exec_copy(s, (const shoal_ast_copy *)body, &arena, sink, err); break;
        case SHOAL_AST_CALL: ok = exec_call(s, (const shoal_ast_call *)body, sink, err); break;
        default:
            ok = loc_error(err, body->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "%s statements are not supported yet",
                           shoal_ast_tag_name(body->tag));
            break;
        }
    }
    shoal_arena_reset(&arena);
    return ok;
}
