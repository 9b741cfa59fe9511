/* SELECT planning: FROM items to relations, joins with distribution-aware data movement,
 * subquery decorrelation, aggregation across ranks, the leader's final step (see planner.h).
 *
 * Vocabulary. A gid is a statement-wide column id: every column of every FROM item, and
 * every column a relation computes, gets one, so expressions bound against a block's scope
 * (binder.h) can be moved onto any relation that holds their gids (to_rel remaps gids to
 * positions). A relation (`rel`) is a fragment that every rank runs, the gids of its output
 * positions, its distribution and a row estimate. Movements are steps (query_dispatch.h):
 * materialize() turns a relation into a step whose output every rank keeps, and the relation
 * becomes a RECEIVE of that intermediate result. */
#include "sql/planner.h"
#include "sql/plan_prune.h"
#include "sql/binder.h"
#include "engine/load/load_errors_log.h"
#include "engine/load/stats_view.h"
#include "sql/parser.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 1024
#define MAX_GIDS 16384
#define MAX_ITEMS 64
#define MAX_CONJUNCTS 1024
#define MAX_JOIN_KEYS 16
#define MAX_SUBJOINS 32
#define MAX_SUBQUERY_VALUES 64
#define TOP_LEADER_MAX_GROUPS 100000.0 /* estimated groups above which the ranks finish an aggregation */
#define MAX_HASH 8
#define MAX_EQ 16

enum { DIST_PARTITIONED = 1, DIST_HASHED, DIST_REPLICATED };

static const shoal_location NO_LOCATION;

typedef struct rel rel;
struct rel {
    shoal_plan *plan;
    int ncols;
    int *gids;
    uint8_t dist;
    int nhash;               /* DIST_HASHED: rows placed by the hash of these gids, in order */
    int hash_gids[MAX_HASH];
    int neq;                 /* nhash 1: more gids always equal to hash_gids[0] (inner-join keys) */
    int eq_gids[MAX_EQ];
    double rows;
};

typedef struct cte_scope {
    const shoal_ast_cte *cte;
    const struct cte_scope *next;
} cte_scope;

typedef struct pctx {
    const shoal_catalog *cat;
    const char *sql;
    shoal_arena *a;
    shoal_error *err;
    const shoal_planner_hooks *hooks;
    int nranks;
    int ngid;
    shoal_type *gid_type;
    bool *gid_used;
    const shoal_table_def **gid_table; /* base table of a table column's gid (estimates), else NULL */
    int *gid_column;                   /* and its column number there */
    shoal_query_step *steps;
    int nsteps;
    int outer_refs;
    int depth;
    const struct cte_scope *ctes; /* the CTEs visible where an uncorrelated scalar subquery runs */
} pctx;

/* What a subquery block reports about its correlation with the enclosing block. */
typedef struct corr_info {
    bool extract;   /* pull conjuncts that reference outer gids out of the block */
    int gid_lo;     /* gids >= gid_lo are the block's own */
    int nkeys;
    shoal_expr *inner_keys[MAX_JOIN_KEYS], *outer_keys[MAX_JOIN_KEYS];
    int nresid;
    shoal_expr *resid[MAX_JOIN_KEYS];
    bool group_by_keys; /* scalar subquery: group by the inner keys, output them first */
    bool exists;        /* EXISTS: no select list; output what the keys and residuals need */
    const rel *magic; /* the outer block's distinct key values (gids in inner_keys order):
                                the block keeps only rows whose keys are among them */
} corr_info;

static bool plan_query_rel(pctx *pc, const shoal_ast_query *q, const shoal_bind_scope *parent, const cte_scope *ctes,
                           corr_info *corr, rel *out, const char ***names);
static bool plan_top(pctx *pc, const shoal_ast_query *q, const cte_scope *ctes, shoal_select_plan *out);

/* ---- small helpers ---- */

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
    if (t == NULL && strcmp(name->name, "pg_stats") == 0 &&
        (name->schema == NULL || strcmp(name->schema, "pg_catalog") == 0 || strcmp(name->schema, "public") == 0)) {
        static shoal_table_def *pg_stats; /* the statistics view (engine/load/stats_view.h) */
        if (pg_stats == NULL) pg_stats = shoal_pg_stats_def();
        return pg_stats;
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

static bool plan_error(shoal_error *err, shoal_location loc, const char *sqlstate, const char *msg)
{
    shoal_error_set(err, -1, sqlstate, "%s (line %d, column %d)", msg, loc.line, loc.column);
    return false;
}

static bool pfail(pctx *pc, shoal_location loc, const char *sqlstate, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool pfail(pctx *pc, shoal_location loc, const char *sqlstate, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return plan_error(pc->err, loc, sqlstate, msg);
}

static int new_gid(pctx *pc, shoal_type t)
{
    if (pc->ngid >= MAX_GIDS) return -1;
    pc->gid_type[pc->ngid] = t;
    pc->gid_table[pc->ngid] = NULL;
    return pc->ngid++;
}

static shoal_plan *mk(pctx *pc, shoal_plan_kind kind, shoal_plan *child, int n)
{
    return shoal_plan_new(pc->a, kind, child, n);
}

static void copy_schema(shoal_plan *p, const shoal_plan *from)
{
    memcpy(p->types, from->types, sizeof(shoal_type) * (size_t)from->column_count);
    memcpy(p->names, from->names, sizeof(char *) * (size_t)from->column_count);
}

static int rel_pos(const rel *r, int gid)
{
    for (int i = 0; i < r->ncols; i++)
        if (r->gids[i] == gid) return i;
    return -1;
}

/* Whether r's rows are placed by the hash of gid alone (or of a gid always equal to it). */
static bool hashed_on(const rel *r, int gid)
{
    if (r->dist != DIST_HASHED || r->nhash != 1) return false;
    if (r->hash_gids[0] == gid) return true;
    for (int i = 0; i < r->neq; i++)
        if (r->eq_gids[i] == gid) return true;
    return false;
}

static void add_equivalent(const pctx *pc, rel *r, int gid)
{
    if (r->nhash != 1 || hashed_on(r, gid) || r->neq == MAX_EQ) return;
    if (!shoal_type_equal(pc->gid_type[gid], pc->gid_type[r->hash_gids[0]])) return; /* the same hash only for one type */
    r->eq_gids[r->neq++] = gid;
}

static bool expr_covered(const shoal_expr *e, const rel *r)
{
    if (e->kind == SHOAL_EXPR_COLUMN) return rel_pos(r, e->column) >= 0;
    for (int i = 0; i < e->arg_count; i++)
        if (!expr_covered(e->args[i], r)) return false;
    return true;
}

/* Smallest and largest gid an expression references (lo > hi: none). */
static void expr_gid_range(const shoal_expr *e, int *lo, int *hi)
{
    if (e->kind == SHOAL_EXPR_COLUMN) {
        if (e->column < *lo) *lo = e->column;
        if (e->column > *hi) *hi = e->column;
    }
    for (int i = 0; i < e->arg_count; i++) expr_gid_range(e->args[i], lo, hi);
}

static bool expr_has_gid_below(const shoal_expr *e, int limit)
{
    int lo = MAX_GIDS, hi = -1;
    expr_gid_range(e, &lo, &hi);
    return lo <= hi && lo < limit;
}

static bool expr_has_gid_at_or_above(const shoal_expr *e, int limit)
{
    int lo = MAX_GIDS, hi = -1;
    expr_gid_range(e, &lo, &hi);
    return lo <= hi && hi >= limit;
}

/* e (gid space) over r's positions. */
static shoal_expr *to_rel(pctx *pc, const shoal_expr *e, const rel *r)
{
    int *map = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(pc->ngid + 1));
    /* a gid r lacks maps past every batch: the evaluator reports it instead of reading column 0 */
    for (int i = 0; i < pc->ngid; i++) map[i] = 1 << 20;
    for (int i = 0; i < r->ncols; i++) map[r->gids[i]] = i;
    return shoal_expr_remapped(pc->a, e, map);
}

static shoal_expr *and_of(pctx *pc, shoal_expr *x, shoal_expr *y)
{
    if (x == NULL) return y;
    if (y == NULL) return x;
    shoal_expr **args = shoal_arena_alloc(pc->a, 2 * sizeof(shoal_expr *));
    args[0] = x;
    args[1] = y;
    return shoal_expr_node(pc->a, SHOAL_EXPR_AND, shoal_type_make(SHOAL_TYPE_BOOLEAN), 2, args);
}

/* ---- estimates ---- */

/* The column statistics behind a gid (a table column after a load), or NULL. */
static const shoal_column_stats *gid_stats(const pctx *pc, int gid)
{
    const shoal_table_def *t = gid >= 0 && gid < pc->ngid ? pc->gid_table[gid] : NULL;
    return t ? shoal_table_column_stats(t, pc->gid_column[gid]) : NULL;
}

/* Distinct values of gid on a relation of `rows` rows: the column's distinct estimate when the
 * catalog has one, else the table's row count (a key), at most the rows either way. */
static double gid_ndv(const pctx *pc, int gid, double rows)
{
    const shoal_table_def *t = gid >= 0 && gid < pc->ngid ? pc->gid_table[gid] : NULL;
    const shoal_column_stats *st = gid_stats(pc, gid);
    double base = st ? (double)st->distinct_estimate : t ? (double)t->row_count : rows;
    if (base < 1) base = 1;
    return base < rows ? base : (rows < 1 ? 1 : rows);
}

/* Rows of p JOIN b on the given key gids: the textbook |P| * |B| / max(ndv(p key), ndv(b key))
 * with the catalog's distinct estimates (each at most its relation's rows). A key without
 * statistics (a computed one) is taken as a foreign key into the smaller base table: ndv = the
 * smaller table's row count. Several keys: what the most selective one gives. */
static double join_estimate(const pctx *pc, const rel *p, const rel *b, const int *pg, const int *bg, int nkeys)
{
    if (nkeys == 0) return p->rows * b->rows;
    double best = INFINITY;
    for (int k = 0; k < nkeys; k++) {
        double ndv;
        if (gid_stats(pc, pg[k]) && gid_stats(pc, bg[k])) {
            ndv = fmax(gid_ndv(pc, pg[k], p->rows), gid_ndv(pc, bg[k], b->rows));
        } else {
            const shoal_table_def *tp = pc->gid_table[pg[k]], *tb = pc->gid_table[bg[k]];
            double np = tp ? (double)tp->row_count : p->rows, nb = tb ? (double)tb->row_count : b->rows;
            ndv = fmin(np, nb);
        }
        double est = p->rows * b->rows / fmax(1, ndv);
        if (est < best) best = est;
    }
    return best < 1 ? 1 : best;
}

static double selectivity(const pctx *pc, const shoal_expr *e)
{
    switch ((shoal_expr_kind)e->kind) {
    case SHOAL_EXPR_AND: {
        double s = 1;
        for (int i = 0; i < e->arg_count; i++) s *= selectivity(pc, e->args[i]);
        return s;
    }
    case SHOAL_EXPR_OR: {
        double s = 0;
        for (int i = 0; i < e->arg_count; i++) s += selectivity(pc, e->args[i]);
        return s > 1 ? 1 : s;
    }
    case SHOAL_EXPR_NOT: return 1 - selectivity(pc, e->args[0]) * 0.9;
    case SHOAL_EXPR_LIKE: return e->negated ? 0.9 : 0.1;
    case SHOAL_EXPR_IN_LIST: {
        double s = 0.05 * (e->arg_count - 1);
        if (s > 0.5) s = 0.5;
        return e->negated ? 1 - s : s;
    }
    case SHOAL_EXPR_FUNC:
        switch ((shoal_func)e->func) {
        case SHOAL_FUNC_EQ:
            /* column = constant: one of the column's distinct values */
            for (int side = 0; side < 2 && e->arg_count == 2; side++) {
                const shoal_expr *c = e->args[side], *k = e->args[1 - side];
                while (c->kind == SHOAL_EXPR_CAST) c = c->args[0];
                if (c->kind == SHOAL_EXPR_COLUMN && k->kind == SHOAL_EXPR_CONST) {
                    const shoal_column_stats *st = gid_stats(pc, c->column);
                    if (st && st->distinct_estimate > 0) return 1.0 / (double)st->distinct_estimate;
                }
            }
            return 0.1;
        case SHOAL_FUNC_NE: return 0.9;
        case SHOAL_FUNC_LT:
        case SHOAL_FUNC_LE:
        case SHOAL_FUNC_GT:
        case SHOAL_FUNC_GE: return 0.4;
        default: return 0.5;
        }
    default: return 0.5;
    }
}

/* ---- relations ---- */

static void rel_filter(pctx *pc, rel *r, shoal_expr *cond)
{
    shoal_plan *f = mk(pc, SHOAL_PLAN_FILTER, r->plan, r->plan->column_count);
    copy_schema(f, r->plan);
    f->predicate = to_rel(pc, cond, r);
    r->rows *= selectivity(pc, cond);
    if (r->rows < 1) r->rows = 1;
    f->est_rows = r->rows;
    r->plan = f;
}

/* Projects r onto the given gid expressions (new gids for computed ones returned in gids). */
static void rel_project(pctx *pc, rel *r, int n, shoal_expr **exprs, int *gids)
{
    shoal_plan *p = mk(pc, SHOAL_PLAN_PROJECT, r->plan, n);
    p->exprs = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 1));
    int *ng = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        p->exprs[i] = to_rel(pc, exprs[i], r);
        p->types[i] = exprs[i]->type;
        p->names[i] = "";
        ng[i] = gids[i];
    }
    p->est_rows = r->rows;
    /* the hash placement survives when its gids (or, for one gid, an equivalent) do */
    if (r->dist == DIST_HASHED && r->nhash == 1) {
        int keep = -1, neq = 0, eq[MAX_EQ];
        for (int i = 0; i < n; i++)
            if (hashed_on(r, ng[i])) {
                if (keep < 0) keep = ng[i];
                else if (neq < MAX_EQ && ng[i] != keep) eq[neq++] = ng[i];
            }
        if (keep < 0) r->dist = DIST_PARTITIONED;
        r->hash_gids[0] = keep;
        r->neq = neq;
        memcpy(r->eq_gids, eq, sizeof(int) * (size_t)neq);
    } else if (r->dist == DIST_HASHED) {
        for (int h = 0; h < r->nhash; h++) {
            bool kept = false;
            for (int i = 0; i < n; i++) kept |= ng[i] == r->hash_gids[h];
            if (!kept) r->dist = DIST_PARTITIONED;
        }
    }
    r->plan = p;
    r->ncols = n;
    r->gids = ng;
}

/* The gid of expression e on r: e's own when it is a column of r, else a new column. */
static int rel_add_expr(pctx *pc, rel *r, shoal_expr *e)
{
    if (e->kind == SHOAL_EXPR_COLUMN && rel_pos(r, e->column) >= 0) return e->column;
    int gid = new_gid(pc, e->type);
    if (gid < 0) return -1;
    int n = r->ncols + 1;
    shoal_expr **exprs = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)n);
    int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)n);
    for (int i = 0; i < r->ncols; i++) {
        exprs[i] = shoal_expr_column(pc->a, r->gids[i], pc->gid_type[r->gids[i]]);
        gids[i] = r->gids[i];
    }
    exprs[n - 1] = e;
    gids[n - 1] = gid;
    rel_project(pc, r, n, exprs, gids);
    return gid;
}

/* Turns r into a step whose output every rank keeps; r becomes a RECEIVE of it. */
static bool materialize(pctx *pc, rel *r, uint8_t output, int nkeys, const int *key_gids, const char *label)
{
    if (pc->nsteps >= SHOAL_MAX_QUERY_STEPS - 1) return pfail(pc, NO_LOCATION, "54001", "the query needs more than %d steps", SHOAL_MAX_QUERY_STEPS);
    int id = pc->nsteps++;
    shoal_query_step *st = &pc->steps[id];
    memset(st, 0, sizeof *st);
    st->fragment = r->plan;
    st->output = output;
    st->temp_id = id;
    st->rank0_only = r->dist == DIST_REPLICATED;
    st->label = label;
    if (output == SHOAL_STEP_REDISTRIBUTE) {
        int32_t *keys = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(nkeys + 1));
        for (int k = 0; k < nkeys; k++) keys[k] = rel_pos(r, key_gids[k]);
        st->keys = keys;
        st->key_count = nkeys;
    }
    shoal_plan *recv = mk(pc, SHOAL_PLAN_RECEIVE, NULL, r->plan->column_count);
    copy_schema(recv, r->plan);
    recv->temp_id = id;
    recv->label = label;
    recv->est_rows = r->rows;
    r->plan = recv;
    if (output == SHOAL_STEP_BROADCAST) {
        r->dist = DIST_REPLICATED;
    } else if (nkeys == 0) {
        r->dist = DIST_PARTITIONED; /* all on rank 0 */
        r->nhash = 0;
        r->neq = 0;
    } else {
        r->dist = DIST_HASHED;
        r->nhash = nkeys < MAX_HASH ? nkeys : MAX_HASH;
        r->neq = 0;
        for (int k = 0; k < r->nhash; k++) r->hash_gids[k] = key_gids[k];
    }
    return true;
}

/* ---- joins ---- */

typedef struct join_spec {
    uint8_t type; /* shoal_join_type */
    int nkeys;
    shoal_expr *probe_keys[MAX_JOIN_KEYS], *build_keys[MAX_JOIN_KEYS]; /* gid space, same types */
    shoal_expr *residual;                                               /* gid space */
} join_spec;

/* Both sides placed by the same hash of corresponding keys (the same hash as the loads'
 * DISTKEY placement, so KEY tables on the join key are co-located). */
static bool colocated(const pctx *pc, const rel *p, const rel *b, const int *pg, const int *bg, int nkeys)
{
    if (p->dist != DIST_HASHED || b->dist != DIST_HASHED || p->nhash != b->nhash || p->nhash == 0) return false;
    if (p->nhash == 1) {
        for (int k = 0; k < nkeys; k++)
            if (hashed_on(p, pg[k]) && hashed_on(b, bg[k]) && shoal_type_equal(pc->gid_type[pg[k]], pc->gid_type[bg[k]]))
                return true;
        return false;
    }
    for (int h = 0; h < p->nhash; h++) {
        bool found = false;
        for (int k = 0; k < nkeys && !found; k++)
            found = pg[k] == p->hash_gids[h] && bg[k] == b->hash_gids[h] &&
                    shoal_type_equal(pc->gid_type[pg[k]], pc->gid_type[bg[k]]);
        if (!found) return false;
    }
    return true;
}

/* The key index whose probe side r is hash-placed on (single-gid placement), or -1. */
static int hashed_on_key(const rel *r, const int *g, int nkeys)
{
    for (int k = 0; k < nkeys; k++)
        if (hashed_on(r, g[k])) return k;
    return -1;
}

static bool join_rels(pctx *pc, rel *probe_in, rel *build_in, join_spec *j, shoal_location loc, rel *out)
{
    rel p = *probe_in, b = *build_in;
    int pg[MAX_JOIN_KEYS], bg[MAX_JOIN_KEYS];
    for (int k = 0; k < j->nkeys; k++) {
        if ((pg[k] = rel_add_expr(pc, &p, j->probe_keys[k])) < 0 || (bg[k] = rel_add_expr(pc, &b, j->build_keys[k])) < 0)
            return pfail(pc, loc, "54001", "too many columns in the query");
    }
    bool preserves_probe = j->type == SHOAL_JOIN_LEFT || j->type == SHOAL_JOIN_SEMI || j->type == SHOAL_JOIN_ANTI ||
                           j->type == SHOAL_JOIN_ANTI_NULL_AWARE;
    bool preserves_build = j->type == SHOAL_JOIN_RIGHT || j->type == SHOAL_JOIN_FULL;
    const char *label = "DS_DIST_NONE";
    uint8_t result_dist = p.dist;
    int result_nhash = p.nhash;
    int result_hash[MAX_HASH];
    memcpy(result_hash, p.hash_gids, sizeof result_hash);

    if (pc->nranks == 1) {
        label = NULL;
    } else if (p.dist == DIST_REPLICATED && b.dist == DIST_REPLICATED) {
        label = "DS_DIST_ALL_NONE";
    } else if (b.dist == DIST_REPLICATED && !preserves_build && j->type != SHOAL_JOIN_ANTI_NULL_AWARE) {
        label = "DS_DIST_ALL_NONE";
    } else if (b.dist == DIST_REPLICATED && j->type == SHOAL_JOIN_ANTI_NULL_AWARE) {
        label = "DS_DIST_ALL_NONE";
    } else if (p.dist == DIST_REPLICATED && !preserves_probe && j->type != SHOAL_JOIN_FULL) {
        label = "DS_DIST_ALL_NONE"; /* each build row lives on one rank and meets every probe row there */
        result_dist = b.dist;
        result_nhash = b.nhash;
        memcpy(result_hash, b.hash_gids, sizeof result_hash);
    } else if (j->type != SHOAL_JOIN_ANTI_NULL_AWARE && j->nkeys > 0 && colocated(pc, &p, &b, pg, bg, j->nkeys)) {
        label = "DS_DIST_NONE";
    } else {
        /* movement: the cheapest of broadcasting the build side and redistributing */
        double n = pc->nranks;
        int kp = hashed_on_key(&p, pg, j->nkeys), kb = hashed_on_key(&b, bg, j->nkeys);
        double bcast = preserves_build || j->nkeys == 0 ? INFINITY : b.rows * (n - 1);
        if (j->type == SHOAL_JOIN_ANTI_NULL_AWARE || j->nkeys == 0) bcast = b.rows * (n - 1);
        double dist_inner = j->type != SHOAL_JOIN_ANTI_NULL_AWARE && kp >= 0 ? b.rows : INFINITY;
        double dist_outer = j->type != SHOAL_JOIN_ANTI_NULL_AWARE && kb >= 0 ? p.rows : INFINITY;
        double dist_both = j->type != SHOAL_JOIN_ANTI_NULL_AWARE && j->nkeys > 0 ? p.rows + b.rows : INFINITY;
        if (p.dist == DIST_REPLICATED) { /* a replicated probe side is sent once, by rank 0 */
            dist_outer = dist_outer < INFINITY ? p.rows : INFINITY;
            dist_both = dist_both < INFINITY ? p.rows + b.rows : INFINITY;
        }
        if (j->type == SHOAL_JOIN_FULL && p.dist == DIST_REPLICATED) bcast = INFINITY;
        double best = bcast;
        int choice = 0;
        /* at equal cost moving rows once beats copying them: each rank builds a smaller table */
        if (dist_inner < INFINITY && dist_inner <= best) best = dist_inner, choice = 1;
        if (dist_outer < best) best = dist_outer, choice = 2;
        if (dist_both < best) best = dist_both, choice = 3;
        if (best == INFINITY)
            return pfail(pc, loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "this outer join needs an equality between its sides");
        if (choice == 0) {
            label = "DS_BCAST_INNER";
            if (!materialize(pc, &b, SHOAL_STEP_BROADCAST, 0, NULL, label)) return false;
            if (p.dist == DIST_REPLICATED) result_dist = DIST_REPLICATED;
        } else if (choice == 1) {
            label = "DS_DIST_INNER";
            if (!materialize(pc, &b, SHOAL_STEP_REDISTRIBUTE, 1, &bg[kp], label)) return false;
        } else if (choice == 2) {
            label = "DS_DIST_OUTER";
            if (!materialize(pc, &p, SHOAL_STEP_REDISTRIBUTE, 1, &pg[kb], label)) return false;
            result_dist = DIST_HASHED;
            result_nhash = 1;
            result_hash[0] = pg[kb];
        } else {
            label = "DS_DIST_BOTH";
            int nk = j->nkeys < MAX_HASH ? j->nkeys : MAX_HASH;
            /* the first key alone when it is selective enough keeps later joins on it co-located */
            nk = 1;
            if (!materialize(pc, &p, SHOAL_STEP_REDISTRIBUTE, nk, pg, label) ||
                !materialize(pc, &b, SHOAL_STEP_REDISTRIBUTE, nk, bg, label))
                return false;
            result_dist = DIST_HASHED;
            result_nhash = nk;
            memcpy(result_hash, pg, sizeof(int) * (size_t)nk);
        }
    }

    bool probe_only = j->type == SHOAL_JOIN_SEMI || j->type == SHOAL_JOIN_ANTI || j->type == SHOAL_JOIN_ANTI_NULL_AWARE;
    int ncols = p.ncols + (probe_only ? 0 : b.ncols);
    shoal_plan *h = mk(pc, SHOAL_PLAN_HASH_JOIN, p.plan, ncols);
    h->child2 = b.plan;
    h->join_type = j->type;
    h->join_key_count = j->nkeys;
    h->probe_keys = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(j->nkeys + 1));
    h->build_keys = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(j->nkeys + 1));
    for (int k = 0; k < j->nkeys; k++) {
        h->probe_keys[k] = rel_pos(&p, pg[k]);
        h->build_keys[k] = rel_pos(&b, bg[k]);
    }
    rel both = {0};
    both.ncols = p.ncols + b.ncols;
    both.gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(both.ncols + 1));
    memcpy(both.gids, p.gids, sizeof(int) * (size_t)p.ncols);
    memcpy(both.gids + p.ncols, b.gids, sizeof(int) * (size_t)b.ncols);
    if (j->residual) {
        if (!expr_covered(j->residual, &both))
            return pfail(pc, loc, SHOAL_SQLSTATE_INTERNAL, "join condition references columns of neither side");
        h->residual = to_rel(pc, j->residual, &both);
    }
    for (int i = 0; i < ncols; i++) {
        h->types[i] = i < p.ncols ? p.plan->types[i] : b.plan->types[i - p.ncols];
        h->names[i] = "";
    }
    /* outer joins: the NULL-extended side's columns become nullable: types are unchanged */
    double est;
    switch (j->type) {
    case SHOAL_JOIN_SEMI: est = p.rows * 0.5; break;
    case SHOAL_JOIN_ANTI:
    case SHOAL_JOIN_ANTI_NULL_AWARE: est = p.rows * 0.5; break;
    default:
        est = join_estimate(pc, &p, &b, pg, bg, j->nkeys);
        if (j->residual) est *= 0.5;
        if (j->type == SHOAL_JOIN_LEFT || j->type == SHOAL_JOIN_FULL) est = fmax(est, p.rows);
        if (j->type == SHOAL_JOIN_RIGHT || j->type == SHOAL_JOIN_FULL) est = fmax(est, b.rows);
        break;
    }
    if (est < 1) est = 1;
    h->label = label;
    h->est_rows = est;
    out->plan = h;
    out->ncols = ncols;
    out->gids = both.gids;
    out->dist = result_dist;
    out->nhash = result_nhash;
    memcpy(out->hash_gids, result_hash, sizeof result_hash);
    out->neq = 0;
    if (result_dist == DIST_HASHED && result_nhash == 1) {
        /* equivalents the sides already knew, and after an inner join its keys: equal values */
        const rel *sides[2] = {&p, &b};
        for (int s2 = 0; s2 < 2; s2++)
            if (sides[s2]->dist == DIST_HASHED && sides[s2]->nhash == 1 && hashed_on(sides[s2], result_hash[0])) {
                add_equivalent(pc, out, sides[s2]->hash_gids[0]);
                for (int e = 0; e < sides[s2]->neq; e++) add_equivalent(pc, out, sides[s2]->eq_gids[e]);
            }
        if (j->type == SHOAL_JOIN_INNER)
            for (int k = 0; k < j->nkeys; k++)
                if (hashed_on(out, pg[k]) || hashed_on(out, bg[k])) {
                    add_equivalent(pc, out, pg[k]);
                    add_equivalent(pc, out, bg[k]);
                }
    }
    out->rows = est;
    return true;
}

/* ---- zone-map predicates ---- */

/* COLUMN op CONST terms of a conjunction (over table column numbers) as zone-map predicates. */
static void collect_zone_preds(const shoal_expr *e, shoal_scan_pred *preds, int *count, int max)
{
    if (e->kind == SHOAL_EXPR_AND) {
        for (int i = 0; i < e->arg_count; i++) collect_zone_preds(e->args[i], preds, count, max);
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
    preds[*count].column = x->column;
    preds[*count].op = op;
    preds[*count].value = y->constant;
    (*count)++;
}

/* ---- FROM items ---- */

enum { FN_TABLE = 1, FN_DERIVED, FN_JOIN };

typedef struct fnode fnode;
struct fnode {
    int kind;
    shoal_location loc;
    /* FN_TABLE */
    const shoal_table_def *table;
    int gid_lo;
    /* FN_DERIVED: planned when the scope is built */
    rel derived;
    /* FN_JOIN (outer joins, and inner joins below them) */
    fnode *left, *right;
    uint8_t join_kind; /* shoal_ast_join_kind */
    const shoal_ast_node *on;
    int n_on;
    shoal_expr **on_conj;
    /* conjuncts of the enclosing WHERE that only this item needs */
    int nfilters;
    shoal_expr *filters[MAX_CONJUNCTS];
    bool joined;
    rel built;
};

static bool fnode_has_gid(const fnode *f, int gid)
{
    switch (f->kind) {
    case FN_TABLE: return gid >= f->gid_lo && gid < f->gid_lo + f->table->column_count;
    case FN_DERIVED: return rel_pos(&f->derived, gid) >= 0;
    default: return fnode_has_gid(f->left, gid) || fnode_has_gid(f->right, gid);
    }
}

static bool expr_in_fnode(const shoal_expr *e, const fnode *f)
{
    if (e->kind == SHOAL_EXPR_COLUMN) return fnode_has_gid(f, e->column);
    for (int i = 0; i < e->arg_count; i++)
        if (!expr_in_fnode(e->args[i], f)) return false;
    return true;
}

typedef struct block {
    pctx *pc;
    const cte_scope *ctes;
    shoal_bind_scope scope;
    int cap;
    int nitems;
    fnode *items[MAX_ITEMS];
    int n_extra_on; /* ON conditions of flattened inner joins, treated as WHERE conjuncts */
    const shoal_ast_node *extra_on[MAX_ITEMS];
} block;

static void scope_add(block *bl, const char *relation, const char *schema, const char *name, int gid, shoal_type t)
{
    if (bl->scope.count == bl->cap) {
        int cap = bl->cap ? bl->cap * 2 : 64;
        shoal_bind_column *c = shoal_arena_alloc(bl->pc->a, sizeof *c * (size_t)cap);
        if (bl->scope.count) memcpy(c, bl->scope.columns, sizeof *c * (size_t)bl->scope.count);
        bl->scope.columns = c;
        bl->cap = cap;
    }
    bl->scope.columns[bl->scope.count++] = (shoal_bind_column){relation, schema, name, gid, t};
}

static const shoal_ast_cte *find_cte(const cte_scope *c, const shoal_ast_qualified_name *n)
{
    if (n->schema) return NULL;
    for (; c; c = c->next)
        if (strcmp(c->cte->name, n->name) == 0) return c->cte;
    return NULL;
}

static bool derived_item(block *bl, const shoal_ast_query *q, const char *alias, const shoal_ast_list *col_aliases,
                         const cte_scope *ctes, shoal_location loc, fnode **out)
{
    pctx *pc = bl->pc;
    fnode *f = shoal_arena_alloc(pc->a, sizeof *f);
    memset(f, 0, sizeof *f);
    f->kind = FN_DERIVED;
    f->loc = loc;
    const char **names = NULL;
    /* a derived table sees no columns of its siblings (no LATERAL) but may see the outer blocks' */
    if (!plan_query_rel(pc, q, bl->scope.parent, ctes, NULL, &f->derived, &names)) return false;
    if (col_aliases && col_aliases->count > f->derived.ncols)
        return pfail(pc, loc, "42P10", "table \"%s\" has %d columns available but %d columns specified", alias ? alias : "?",
                     f->derived.ncols, col_aliases->count);
    for (int i = 0; i < f->derived.ncols; i++) {
        const char *name = names[i];
        if (col_aliases && i < col_aliases->count) name = ((const shoal_ast_identifier *)shoal_ast_list_at(col_aliases, i))->name;
        scope_add(bl, alias ? alias : "", NULL, name, f->derived.gids[i], pc->gid_type[f->derived.gids[i]]);
    }
    *out = f;
    return true;
}

/* Builds the FROM item's node and adds its columns to the block's scope. */
static bool from_item(block *bl, const shoal_ast_node *n, fnode **out)
{
    pctx *pc = bl->pc;
    if (shoal_is_a(n, table_ref)) {
        const shoal_ast_table_ref *tr = (const shoal_ast_table_ref *)n;
        const shoal_ast_cte *cte = find_cte(bl->ctes, tr->name);
        if (cte) {
            /* each reference plans the CTE again (its own scans): simple and correct */
            const cte_scope *outer = bl->ctes;
            while (outer && outer->cte != cte) outer = outer->next;
            return derived_item(bl, cte->query, tr->alias ? tr->alias : cte->name,
                                tr->column_aliases.count ? &tr->column_aliases : &cte->columns, outer ? outer->next : NULL,
                                n->loc, out);
        }
        const shoal_view *view = pc->hooks && pc->hooks->views
                                     ? shoal_views_find(pc->hooks->views, tr->name->schema ? tr->name->schema : "public", tr->name->name)
                                     : NULL;
        if (view) {
            shoal_ast_statement **stmts = NULL;
            int count = 0;
            shoal_error perr;
            if (!shoal_parse(view->query_sql, strlen(view->query_sql), pc->a, &stmts, &count, &perr) || count != 1 ||
                !shoal_is_a(stmts[0]->body, query))
                return pfail(pc, n->loc, "XX000", "the definition of view \"%s\" does not parse", view->name);
            shoal_ast_list cols = {0, 0, NULL};
            for (int i = 0; i < view->column_count; i++)
                shoal_ast_list_append(pc->a, &cols, shoal_ast_make_identifier(pc->a, view->columns[i], n->loc));
            if (++pc->depth > 32) return pfail(pc, n->loc, "54001", "views are nested too deeply");
            bool ok = derived_item(bl, (const shoal_ast_query *)stmts[0]->body, tr->alias ? tr->alias : view->name,
                                   tr->column_aliases.count ? &tr->column_aliases : &cols, NULL, n->loc, out);
            pc->depth--;
            return ok;
        }
        const shoal_table_def *t = shoal_resolve_table(pc->cat, tr->name, pc->err);
        if (t == NULL) return false;
        fnode *f = shoal_arena_alloc(pc->a, sizeof *f);
        memset(f, 0, sizeof *f);
        f->kind = FN_TABLE;
        f->loc = n->loc;
        f->table = t;
        f->gid_lo = pc->ngid;
        const char *visible = tr->alias ? tr->alias : t->name;
        for (int c = 0; c < t->column_count; c++) {
            int gid = new_gid(pc, t->columns[c].type);
            if (gid < 0) return pfail(pc, n->loc, "54001", "too many columns in the query");
            pc->gid_table[gid] = t;
            pc->gid_column[gid] = c;
            const char *name = t->columns[c].name;
            if (c < tr->column_aliases.count) name = ((const shoal_ast_identifier *)shoal_ast_list_at(&tr->column_aliases, c))->name;
            scope_add(bl, visible, tr->alias ? NULL : t->schema, name, gid, t->columns[c].type);
        }
        *out = f;
        return true;
    }
    if (shoal_is_a(n, subquery_ref)) {
        const shoal_ast_subquery_ref *sr = (const shoal_ast_subquery_ref *)n;
        return derived_item(bl, sr->query, sr->alias, &sr->column_aliases, bl->ctes, n->loc, out);
    }
    if (shoal_is_a(n, join)) {
        const shoal_ast_join *j = (const shoal_ast_join *)n;
        if (j->natural || j->using_columns.count > 0)
            return pfail(pc, n->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "NATURAL and USING joins are not supported yet (write ON)");
        fnode *f = shoal_arena_alloc(pc->a, sizeof *f);
        memset(f, 0, sizeof *f);
        f->kind = FN_JOIN;
        f->loc = n->loc;
        f->join_kind = (uint8_t)j->kind;
        f->on = j->on;
        if (!from_item(bl, j->left, &f->left) || !from_item(bl, j->right, &f->right)) return false;
        *out = f;
        return true;
    }
    return pfail(pc, n->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "this FROM item is not supported yet");
}

/* Top-level inner and cross joins are flattened into items (their ON into the conjuncts), so
 * the join order is the planner's choice. */
static bool add_top_item(block *bl, const shoal_ast_node *n)
{
    if (shoal_is_a(n, join)) {
        const shoal_ast_join *j = (const shoal_ast_join *)n;
        if ((j->kind == SHOAL_AST_JOIN_INNER || j->kind == SHOAL_AST_JOIN_CROSS) && !j->natural && j->using_columns.count == 0) {
            if (!add_top_item(bl, j->left) || !add_top_item(bl, j->right)) return false;
            if (j->on) {
                if (bl->n_extra_on == MAX_ITEMS) return pfail(bl->pc, n->loc, "54001", "too many joins");
                bl->extra_on[bl->n_extra_on++] = j->on;
            }
            return true;
        }
    }
    if (bl->nitems == MAX_ITEMS) return pfail(bl->pc, n->loc, "54001", "too many FROM items (at most %d)", MAX_ITEMS);
    return from_item(bl, n, &bl->items[bl->nitems++]);
}

/* ---- conjuncts ---- */

static void split_conjuncts(const shoal_ast_node *n, const shoal_ast_node **out, int *count)
{
    if (n == NULL) return;
    if (shoal_is_a(n, bool_expr) && ((const shoal_ast_bool_expr *)n)->op == SHOAL_AST_AND) {
        const shoal_ast_bool_expr *b = (const shoal_ast_bool_expr *)n;
        for (int i = 0; i < b->args.count; i++) split_conjuncts(shoal_ast_list_at(&b->args, i), out, count);
        return;
    }
    if (*count < MAX_CONJUNCTS) out[(*count)++] = n;
    else *count = MAX_CONJUNCTS + 1; /* too many: the caller refuses the query (never drops one) */
}

/* (a AND x) OR (b AND x) ...: x is implied; adding it lets the planner join on it (TPC-H Q19). */
static void add_implied_conjuncts(const shoal_ast_node **c, int *count)
{
    int n0 = *count;
    for (int i = 0; i < n0; i++) {
        if (!shoal_is_a(c[i], bool_expr) || ((const shoal_ast_bool_expr *)c[i])->op != SHOAL_AST_OR) continue;
        const shoal_ast_bool_expr *o = (const shoal_ast_bool_expr *)c[i];
        const shoal_ast_node *first[MAX_CONJUNCTS];
        int nfirst = 0;
        split_conjuncts(shoal_ast_list_at(&o->args, 0), first, &nfirst);
        if (nfirst > MAX_CONJUNCTS) continue; /* implied conditions are an optimization: skip */
        for (int f = 0; f < nfirst; f++) {
            bool everywhere = true;
            for (int k = 1; k < o->args.count && everywhere; k++) {
                const shoal_ast_node *branch[MAX_CONJUNCTS];
                int nb = 0;
                split_conjuncts(shoal_ast_list_at(&o->args, k), branch, &nb);
                if (nb > MAX_CONJUNCTS) nb = MAX_CONJUNCTS;
                bool found = false;
                for (int x = 0; x < nb && !found; x++) found = shoal_ast_equal(first[f], branch[x]);
                everywhere = found;
            }
            if (everywhere && *count < MAX_CONJUNCTS) c[(*count)++] = first[f];
        }
    }
}

/* EXISTS / NOT EXISTS / IN / NOT IN over a subquery, possibly under NOTs. */
static const shoal_ast_subquery_expr *semi_subquery(const shoal_ast_node *n, bool *negated)
{
    *negated = false;
    while (shoal_is_a(n, unary) && ((const shoal_ast_unary *)n)->op == SHOAL_AST_NOT) {
        *negated = !*negated;
        n = ((const shoal_ast_unary *)n)->operand;
    }
    if (!shoal_is_a(n, subquery_expr)) return NULL;
    const shoal_ast_subquery_expr *q = (const shoal_ast_subquery_expr *)n;
    if (q->kind != SHOAL_AST_SUBQUERY_EXISTS && q->kind != SHOAL_AST_SUBQUERY_IN) return NULL;
    if (q->kind == SHOAL_AST_SUBQUERY_IN && q->negated) *negated = !*negated;
    return q;
}

/* Scalar subqueries directly in an expression (not inside nested queries). */
static void find_scalar_subqueries(const shoal_ast_node *n, const shoal_ast_subquery_expr **out, int *count, int max);

static void find_in_list(const shoal_ast_list *l, const shoal_ast_subquery_expr **out, int *count, int max)
{
    for (int i = 0; i < l->count; i++) find_scalar_subqueries(shoal_ast_list_at(l, i), out, count, max);
}

static void find_scalar_subqueries(const shoal_ast_node *n, const shoal_ast_subquery_expr **out, int *count, int max)
{
    if (n == NULL) return;
    switch (n->tag) {
    case SHOAL_AST_SUBQUERY_EXPR: {
        const shoal_ast_subquery_expr *q = (const shoal_ast_subquery_expr *)n;
        if (q->kind == SHOAL_AST_SUBQUERY_SCALAR && *count < max) out[(*count)++] = q;
        else find_scalar_subqueries(q->expr, out, count, max);
        return;
    }
    case SHOAL_AST_BINARY:
        find_scalar_subqueries(((const shoal_ast_binary *)n)->left, out, count, max);
        find_scalar_subqueries(((const shoal_ast_binary *)n)->right, out, count, max);
        return;
    case SHOAL_AST_UNARY: find_scalar_subqueries(((const shoal_ast_unary *)n)->operand, out, count, max); return;
    case SHOAL_AST_BOOL_EXPR: find_in_list(&((const shoal_ast_bool_expr *)n)->args, out, count, max); return;
    case SHOAL_AST_FUNC_CALL: find_in_list(&((const shoal_ast_func_call *)n)->args, out, count, max); return;
    case SHOAL_AST_CAST_EXPR: find_scalar_subqueries(((const shoal_ast_cast_expr *)n)->expr, out, count, max); return;
    case SHOAL_AST_BETWEEN: {
        const shoal_ast_between *b = (const shoal_ast_between *)n;
        find_scalar_subqueries(b->expr, out, count, max);
        find_scalar_subqueries(b->low, out, count, max);
        find_scalar_subqueries(b->high, out, count, max);
        return;
    }
    case SHOAL_AST_CASE_EXPR: {
        const shoal_ast_case_expr *c = (const shoal_ast_case_expr *)n;
        find_scalar_subqueries(c->operand, out, count, max);
        for (int i = 0; i < c->whens.count; i++) {
            const shoal_ast_case_when *w = (const shoal_ast_case_when *)shoal_ast_list_at(&c->whens, i);
            find_scalar_subqueries(w->condition, out, count, max);
            find_scalar_subqueries(w->result, out, count, max);
        }
        find_scalar_subqueries(c->else_result, out, count, max);
        return;
    }
    case SHOAL_AST_IS_TEST: find_scalar_subqueries(((const shoal_ast_is_test *)n)->expr, out, count, max); return;
    case SHOAL_AST_IN_LIST: find_scalar_subqueries(((const shoal_ast_in_list *)n)->expr, out, count, max); return;
    case SHOAL_AST_LIKE: find_scalar_subqueries(((const shoal_ast_like *)n)->expr, out, count, max); return;
    default: return;
    }
}

/* A join the block applies after its FROM items are joined: a semi/anti join for [NOT]
 * EXISTS / [NOT] IN, or the inner join with a decorrelated scalar subquery. */
typedef struct subjoin {
    rel r;
    join_spec j;
    shoal_location loc;
    /* correlated on keys: planned again once the outer rows are known, restricted to their
     * key values (a "magic set": the inner side then aggregates or hashes only those keys) */
    bool replan;
    const shoal_ast_subquery_expr *sq; /* EXISTS/IN, or the scalar subquery */
    bool scalar, negated;
    shoal_expr *in_left;   /* IN: the left operand, bound in the outer block */
    int value_gid;         /* scalar: the gid its value was bound to */
    int nouter;
    shoal_expr *outer_keys[MAX_JOIN_KEYS];
    double first_rows; /* the first planning's result estimate (before any magic set) */
} subjoin;

/* The outer side is materialized for a magic set when its estimate is at most this, or smaller
 * than the subquery's own result (the magic set then cannot be larger than what it restricts:
 * TPC-H Q20 at SF10 has a 4M-row outer estimate against 9.6M aggregated lineitem groups). */
#define MAGIC_MAX_OUTER_ROWS 2e6

/* Runs an uncorrelated scalar subquery now; its value becomes a constant. */
static shoal_expr *eval_scalar_now(pctx *pc, const shoal_ast_subquery_expr *q)
{
    if (pc->hooks == NULL || pc->hooks->run_scalar == NULL) {
        plan_error(pc->err, q->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "scalar subqueries cannot run here");
        return NULL;
    }
    pctx sub = *pc;
    sub.steps = shoal_arena_alloc(pc->a, sizeof(shoal_query_step) * SHOAL_MAX_QUERY_STEPS);
    sub.nsteps = 0;
    shoal_select_plan plan;
    if (!plan_top(&sub, q->query, pc->ctes, &plan)) return NULL;
    pc->ngid = sub.ngid;
    if (plan.final_plan->column_count != 1) {
        plan_error(pc->err, q->node.loc, "42601", "subquery must return only one column");
        return NULL;
    }
    shoal_value v;
    memset(&v, 0, sizeof v);
    if (!pc->hooks->run_scalar(pc->hooks->arg, &plan, &v, pc->err)) return NULL;
    v.type = plan.final_plan->types[0];
    return shoal_expr_const(pc->a, v);
}

static shoal_expr *binder_eval_subquery(void *arg, shoal_binder *b, const shoal_ast_subquery_expr *q)
{
    (void)b;
    return eval_scalar_now(arg, q);
}

static bool bind_ok(pctx *pc, shoal_binder *b, shoal_expr *e)
{
    (void)pc;
    return e != NULL && !b->failed;
}

/* ---- aggregation ---- */

static shoal_plan *agg_node(pctx *pc, shoal_plan *in, shoal_agg_mode mode, int nk, int32_t *keys, int na, shoal_agg_spec *aggs)
{
    shoal_type key_types[SHOAL_MAX_GROUP_KEYS + 1];
    for (int k = 0; k < nk; k++) key_types[k] = in->types[keys[k]];
    shoal_hash_agg *probe = shoal_hash_agg_create(mode, nk, keys, key_types, na, aggs);
    int n = shoal_hash_agg_output_count(probe);
    shoal_plan *g = mk(pc, SHOAL_PLAN_AGGREGATE, in, n);
    shoal_hash_agg_output_types(probe, g->types);
    shoal_hash_agg_free(probe);
    for (int i = 0; i < n; i++) g->names[i] = "";
    g->agg_mode = (uint8_t)mode;
    g->key_count = nk;
    g->key_columns = keys;
    g->agg_count = na;
    g->aggs = aggs;
    return g;
}

/* The columns aggregate j reads: its input, or a merge spec's state columns (their gids
 * consecutive from the input's: agg_distributed numbers its outputs in order), then LISTAGG's
 * WITHIN GROUP keys. */
static int agg_input_count(const shoal_agg_spec *spec, const shoal_expr *input)
{
    shoal_type st[SHOAL_AGG_MAX_STATES];
    if (input == NULL) return 0;
    return (spec->merge ? shoal_agg_state_types(spec, st) : 1) + (spec->func == SHOAL_AGG_LISTAGG ? spec->order_count : 0);
}

/* PROJECT keys + aggregate inputs over r (gid space); aggs' inputs (and LISTAGG's keys, from
 * orders[j]) become positions. */
static shoal_plan *agg_input(pctx *pc, const rel *r, int nk, shoal_expr **keys, int na, const shoal_agg_spec *specs,
                             shoal_expr **inputs, shoal_expr ***orders, shoal_agg_spec *aggs, int32_t *keycols)
{
    int np = nk;
    for (int j = 0; j < na; j++) np += agg_input_count(&specs[j], inputs[j]);
    shoal_plan *proj = mk(pc, SHOAL_PLAN_PROJECT, r->plan, np);
    proj->exprs = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(np + 1));
    int c = 0;
    for (int k = 0; k < nk; k++, c++) {
        proj->exprs[c] = to_rel(pc, keys[k], r);
        keycols[k] = k;
    }
    for (int j = 0; j < na; j++) {
        aggs[j] = specs[j];
        aggs[j].input = inputs[j] ? c : -1;
        if (inputs[j] && specs[j].merge) {
            shoal_type st[SHOAL_AGG_MAX_STATES];
            for (int i = 0, n = shoal_agg_state_types(&specs[j], st); i < n; i++) {
                int g = inputs[j]->column + i;
                proj->exprs[c++] = to_rel(pc, shoal_expr_column(pc->a, g, pc->gid_type[g]), r);
            }
        } else if (inputs[j]) {
            proj->exprs[c++] = to_rel(pc, inputs[j], r);
        }
        if (specs[j].func == SHOAL_AGG_LISTAGG && specs[j].order_count > 0) {
            shoal_sort_key *order = shoal_arena_alloc(pc->a, sizeof(shoal_sort_key) * (size_t)specs[j].order_count);
            for (int k = 0; k < specs[j].order_count; k++) {
                order[k] = specs[j].order[k];
                order[k].column = c;
                proj->exprs[c++] = to_rel(pc, orders[j][k], r);
            }
            aggs[j].order = order;
        }
    }
    for (int i = 0; i < np; i++) {
        proj->types[i] = proj->exprs[i]->type;
        proj->names[i] = "";
    }
    proj->est_rows = r->rows;
    return proj;
}

static double group_estimate(const pctx *pc, const rel *r, int nk, shoal_expr **keys)
{
    if (nk == 0) return 1;
    double g = 1;
    for (int k = 0; k < nk; k++)
        g *= keys[k]->kind == SHOAL_EXPR_COLUMN ? gid_ndv(pc, keys[k]->column, r->rows) : 10;
    return g < r->rows ? g : r->rows;
}

/* Whether aggregates can be computed as partial states and merged (LISTAGG cannot). */
static bool aggs_decompose(int na, const shoal_agg_spec *specs)
{
    for (int j = 0; j < na; j++)
        if (specs[j].func == SHOAL_AGG_LISTAGG) return false;
    return true;
}

/* Aggregation that ends on the ranks (nested blocks, the first level under DISTINCT
 * aggregates, LISTAGG): r becomes [keys..., aggregate values...] with fresh gids (consecutive),
 * or with states_out [keys..., each aggregate's state columns...] for a later merge. Partial
 * aggregation on every rank, the states redistributed on the keys (broadcast without keys) and
 * merged; LISTAGG, which has no states, sends the rows themselves (to rank 0 without keys). */
static bool agg_distributed(pctx *pc, rel *r, int nk, shoal_expr **keys, int na, const shoal_agg_spec *specs,
                            shoal_expr **inputs, shoal_expr ***orders, bool states_out)
{
    shoal_agg_spec *aggs = shoal_arena_alloc(pc->a, sizeof(shoal_agg_spec) * (size_t)(na + 1));
    int32_t *keycols = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(nk + 1));
    shoal_plan *proj = agg_input(pc, r, nk, keys, na, specs, inputs, orders, aggs, keycols);
    double groups = group_estimate(pc, r, nk, keys);
    shoal_agg_mode end_mode = states_out ? SHOAL_AGG_PARTIAL : SHOAL_AGG_COMPLETE;
    /* already placed by (a subset of) the keys: every group is on one rank */
    bool local = r->dist == DIST_REPLICATED || pc->nranks == 1;
    int hash_key_index[MAX_HASH];
    int nhash = 0;
    if (!local && r->dist == DIST_HASHED && r->nhash == 1) {
        for (int k = 0; k < nk && !local; k++)
            if (keys[k]->kind == SHOAL_EXPR_COLUMN && hashed_on(r, keys[k]->column)) {
                local = true;
                hash_key_index[nhash++] = k;
            }
    } else if (!local && r->dist == DIST_HASHED && nk > 0) {
        local = true;
        for (int h = 0; h < r->nhash && local; h++) {
            bool found = false;
            for (int k = 0; k < nk && !found; k++)
                if (keys[k]->kind == SHOAL_EXPR_COLUMN && keys[k]->column == r->hash_gids[h]) {
                    found = true;
                    hash_key_index[nhash++] = k;
                }
            local = found;
        }
        if (!local) nhash = 0;
    }
    uint8_t dist = r->dist;
    shoal_plan *top;
    if (local) {
        top = agg_node(pc, proj, end_mode, nk, keycols, na, aggs);
    } else {
        /* partial states go where their group is finished (by the keys' hash; without keys to
         * every rank); LISTAGG has no states: its rows go, by the keys' hash or all to rank 0 */
        bool rows_move = !aggs_decompose(na, aggs);
        shoal_plan *below = rows_move ? proj : agg_node(pc, proj, SHOAL_AGG_PARTIAL, nk, keycols, na, aggs);
        rel t = {0};
        t.plan = below;
        t.ncols = below->column_count;
        t.gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(t.ncols + 1));
        for (int i = 0; i < t.ncols; i++)
            if ((t.gids[i] = new_gid(pc, below->types[i])) < 0) return pfail(pc, NO_LOCATION, "54001", "too many columns");
        t.dist = r->dist;
        t.rows = rows_move ? r->rows : groups * (pc->nranks < 8 ? pc->nranks : 8);
        int nh = nk < MAX_HASH ? nk : MAX_HASH;
        if (nk > 0 || rows_move) {
            if (!materialize(pc, &t, SHOAL_STEP_REDISTRIBUTE, nh, t.gids, nk > 0 ? "DS_DIST_AGG" : "DS_DIST_RANK0")) return false;
        } else if (!materialize(pc, &t, SHOAL_STEP_BROADCAST, 0, NULL, "DS_BCAST_AGG")) {
            return false;
        }
        if (rows_move) {
            top = agg_node(pc, t.plan, end_mode, nk, keycols, na, aggs);
        } else {
            shoal_agg_spec *final_aggs = shoal_arena_alloc(pc->a, sizeof(shoal_agg_spec) * (size_t)(na + 1));
            if (na > 0) memcpy(final_aggs, aggs, sizeof(shoal_agg_spec) * (size_t)na);
            if (states_out) { /* states in, states out: each spec merges its own columns */
                shoal_type st[SHOAL_AGG_MAX_STATES];
                for (int j = 0, c = nk; j < na; c += shoal_agg_state_types(&final_aggs[j], st), j++) {
                    final_aggs[j].merge = true;
                    final_aggs[j].input = c;
                }
            }
            top = agg_node(pc, t.plan, states_out ? SHOAL_AGG_PARTIAL : SHOAL_AGG_FINAL, nk, keycols, na, final_aggs);
        }
        if (nk > 0) {
            dist = DIST_HASHED;
            nhash = nh;
            for (int k = 0; k < nhash; k++) hash_key_index[k] = k;
        } else if (rows_move) {
            /* one group, finished on rank 0 alone (the others would each make a row of their
             * empty input) and broadcast: a replicated one-row relation */
            rel one = t;
            one.plan = top;
            one.ncols = top->column_count;
            one.dist = DIST_PARTITIONED;
            one.rows = 1;
            top->est_rows = 1;
            if (!materialize(pc, &one, SHOAL_STEP_BROADCAST, 0, NULL, "DS_BCAST_AGG")) return false;
            pc->steps[pc->nsteps - 1].rank0_only = true;
            top = one.plan;
            dist = DIST_REPLICATED;
        } else {
            dist = DIST_REPLICATED;
        }
    }
    top->est_rows = groups;
    r->plan = top;
    r->ncols = top->column_count;
    r->gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(r->ncols + 1));
    for (int i = 0; i < r->ncols; i++)
        if ((r->gids[i] = new_gid(pc, top->types[i])) < 0) return pfail(pc, NO_LOCATION, "54001", "too many columns");
    r->dist = dist == DIST_HASHED && nhash == 0 ? DIST_PARTITIONED : dist;
    r->nhash = nhash;
    for (int h = 0; h < nhash; h++) r->hash_gids[h] = r->gids[hash_key_index[h]];
    r->neq = 0;
    r->rows = groups;
    return true;
}

/* ---- subqueries that become joins ---- */

/* Plans [NOT] EXISTS / [NOT] IN (sq) as a semi or anti join's build side (magic: see corr_info). */
static bool plan_semi_subjoin(pctx *pc, const shoal_bind_scope *scope, const cte_scope *ctes, shoal_binder *b, subjoin *s,
                              const rel *magic)
{
    const shoal_ast_subquery_expr *sq = s->sq;
    corr_info ci2;
    memset(&ci2, 0, sizeof ci2);
    ci2.extract = true;
    ci2.gid_lo = pc->ngid;
    ci2.exists = sq->kind == SHOAL_AST_SUBQUERY_EXISTS;
    ci2.magic = magic;
    const char **names = NULL;
    if (!plan_query_rel(pc, sq->query, scope, ctes, &ci2, &s->r, &names)) return false;
    join_spec *j = &s->j;
    memset(j, 0, sizeof *j);
    for (int k = 0; k < ci2.nkeys; k++) {
        j->probe_keys[j->nkeys] = ci2.outer_keys[k];
        j->build_keys[j->nkeys++] = ci2.inner_keys[k];
    }
    s->nouter = ci2.nkeys;
    memcpy(s->outer_keys, ci2.outer_keys, sizeof(shoal_expr *) * (size_t)ci2.nkeys);
    for (int k = 0; k < ci2.nresid; k++) j->residual = and_of(pc, j->residual, ci2.resid[k]);
    if (sq->kind == SHOAL_AST_SUBQUERY_IN) {
        if (s->r.ncols < 1) return plan_error(pc->err, sq->node.loc, "42601", "subquery has too few columns");
        if (s->in_left == NULL) {
            s->in_left = shoal_bind_expr(b, sq->expr);
            if (!bind_ok(pc, b, s->in_left)) return false;
        }
        shoal_expr *right = shoal_expr_column(pc->a, s->r.gids[0], pc->gid_type[s->r.gids[0]]);
        shoal_expr *eq = shoal_bind_equality(b, sq->node.loc, s->in_left, right);
        if (!bind_ok(pc, b, eq)) return false;
        if (eq->kind != SHOAL_EXPR_FUNC || eq->arg_count != 2)
            return plan_error(pc->err, sq->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "this IN subquery is not supported yet");
        if (j->nkeys == MAX_JOIN_KEYS) return plan_error(pc->err, sq->node.loc, "54001", "too many correlations");
        /* NOT IN is null-aware on its one key; correlated keys come after it */
        memmove(&j->probe_keys[1], &j->probe_keys[0], sizeof(shoal_expr *) * (size_t)j->nkeys);
        memmove(&j->build_keys[1], &j->build_keys[0], sizeof(shoal_expr *) * (size_t)j->nkeys);
        j->probe_keys[0] = eq->args[0];
        j->build_keys[0] = eq->args[1];
        j->nkeys++;
        if (s->negated && j->nkeys > 1)
            return plan_error(pc->err, sq->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "correlated NOT IN is not supported yet (write NOT EXISTS)");
        j->type = s->negated ? SHOAL_JOIN_ANTI_NULL_AWARE : SHOAL_JOIN_SEMI;
    } else {
        j->type = s->negated ? SHOAL_JOIN_ANTI : SHOAL_JOIN_SEMI;
    }
    return true;
}

/* Plans a correlated scalar subquery as [its keys, its value] grouped by its correlation
 * keys, the value column renamed to s->value_gid (when >= 0). */
static bool plan_scalar_subjoin(pctx *pc, const shoal_bind_scope *scope, const cte_scope *ctes, subjoin *s, const rel *magic)
{
    corr_info ci2;
    memset(&ci2, 0, sizeof ci2);
    ci2.extract = true;
    ci2.gid_lo = pc->ngid;
    ci2.group_by_keys = true;
    ci2.magic = magic;
    const char **names = NULL;
    rel sr;
    if (!plan_query_rel(pc, s->sq->query, scope, ctes, &ci2, &sr, &names)) return false;
    if (ci2.nresid > 0 || ci2.nkeys == 0)
        return plan_error(pc->err, s->sq->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                          "a correlated scalar subquery must be correlated by equalities only");
    if (sr.ncols != ci2.nkeys + 1) return plan_error(pc->err, s->sq->node.loc, "42601", "subquery must return only one column");
    if (s->value_gid >= 0) {
        shoal_expr **cols = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(sr.ncols + 1));
        int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(sr.ncols + 1));
        for (int i = 0; i < sr.ncols; i++) {
            cols[i] = shoal_expr_column(pc->a, sr.gids[i], pc->gid_type[sr.gids[i]]);
            gids[i] = i == ci2.nkeys ? s->value_gid : sr.gids[i];
        }
        pc->gid_type[s->value_gid] = pc->gid_type[sr.gids[ci2.nkeys]];
        rel_project(pc, &sr, sr.ncols, cols, gids);
    } else {
        s->value_gid = sr.gids[ci2.nkeys];
    }
    s->r = sr;
    memset(&s->j, 0, sizeof s->j);
    s->j.type = SHOAL_JOIN_INNER; /* the comparison rejects the NULL a missing group would give */
    for (int x = 0; x < ci2.nkeys; x++) {
        s->j.probe_keys[s->j.nkeys] = ci2.outer_keys[x];
        s->j.build_keys[s->j.nkeys++] = shoal_expr_column(pc->a, sr.gids[x], pc->gid_type[sr.gids[x]]);
    }
    s->nouter = ci2.nkeys;
    memcpy(s->outer_keys, ci2.outer_keys, sizeof(shoal_expr *) * (size_t)ci2.nkeys);
    return true;
}

/* The distinct values of the outer keys of s over cur, after cur becomes a step's output that
 * both the magic set and the join read. */
static bool magic_set(pctx *pc, rel *cur, const subjoin *s, rel *m)
{
    int kg[MAX_JOIN_KEYS];
    for (int k = 0; k < s->nouter; k++)
        if (!expr_covered(s->outer_keys[k], cur) || (kg[k] = rel_add_expr(pc, cur, s->outer_keys[k])) < 0) return false;
    /* one rank needs no movement, but a step all the same: the magic set and the join then read
     * the rows once computed */
    if (!materialize(pc, cur, SHOAL_STEP_REDISTRIBUTE, 1, kg, "DS_DIST_MAGIC")) return false;
    *m = *cur;
    shoal_expr *cols[MAX_JOIN_KEYS];
    int gids[MAX_JOIN_KEYS];
    for (int k = 0; k < s->nouter; k++) {
        cols[k] = shoal_expr_column(pc->a, kg[k], pc->gid_type[kg[k]]);
        gids[k] = kg[k];
    }
    rel_project(pc, m, s->nouter, cols, gids);
    if (!agg_distributed(pc, m, s->nouter, cols, 0, NULL, NULL, NULL, false)) return false;
    return true;
}

/* ---- window functions ---- */

/* A positional expression (over r's columns) in gid space; window placeholders stay. */
static shoal_expr *pos_to_gid(pctx *pc, const shoal_expr *e, const rel *r)
{
    shoal_expr *c = shoal_arena_alloc(pc->a, sizeof *c);
    *c = *e;
    if (c->kind == SHOAL_EXPR_COLUMN && c->column < SHOAL_WINDOW_COLUMN_BASE) c->column = r->gids[e->column];
    if (e->arg_count > 0) {
        c->args = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)e->arg_count);
        for (int i = 0; i < e->arg_count; i++) c->args[i] = pos_to_gid(pc, e->args[i], r);
    }
    return c;
}

/* Window placeholders replaced by the columns the WINDOW nodes compute. */
static shoal_expr *replace_windows(pctx *pc, const shoal_expr *e, const int *win_gid)
{
    shoal_expr *c = shoal_arena_alloc(pc->a, sizeof *c);
    *c = *e;
    if (c->kind == SHOAL_EXPR_COLUMN && c->column >= SHOAL_WINDOW_COLUMN_BASE) c->column = win_gid[e->column - SHOAL_WINDOW_COLUMN_BASE];
    if (e->arg_count > 0) {
        c->args = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)e->arg_count);
        for (int i = 0; i < e->arg_count; i++) c->args[i] = replace_windows(pc, e->args[i], win_gid);
    }
    return c;
}

static bool same_window(const shoal_bound_window *x, const shoal_bound_window *y)
{
    if (x->npartition != y->npartition || x->norder != y->norder) return false;
    for (int k = 0; k < x->npartition; k++)
        if (!shoal_bound_expr_equal(x->partition[k], y->partition[k])) return false;
    for (int k = 0; k < x->norder; k++)
        if (!shoal_bound_expr_equal(x->order[k], y->order[k]) || x->descending[k] != y->descending[k] ||
            x->nulls_first[k] != y->nulls_first[k])
            return false;
    return true;
}

/* The window functions over r (gid space): each group of functions sharing PARTITION BY and
 * ORDER BY becomes one WINDOW node, after a redistribution on the partition keys (or, without
 * PARTITION BY, after sending every row to rank 0); win_gid[w] = the column of window w. */
static bool apply_windows(pctx *pc, rel *r, shoal_bound_window *windows, int count, int *win_gid)
{
    bool done[SHOAL_MAX_WINDOWS] = {false};
    for (int w = 0; w < count; w++) {
        if (done[w]) continue;
        int members[SHOAL_MAX_WINDOWS], nm = 0;
        for (int v = w; v < count; v++)
            if (!done[v] && same_window(&windows[w], &windows[v])) {
                members[nm++] = v;
                done[v] = true;
            }
        const shoal_bound_window *W = &windows[w];
        int pg[SHOAL_MAX_WINDOW_KEYS], og[SHOAL_MAX_WINDOW_KEYS], ag[SHOAL_MAX_WINDOWS], dg[SHOAL_MAX_WINDOWS];
        for (int k = 0; k < W->npartition; k++)
            if ((pg[k] = rel_add_expr(pc, r, W->partition[k])) < 0) return pfail(pc, NO_LOCATION, "54001", "too many columns");
        for (int k = 0; k < W->norder; k++)
            if ((og[k] = rel_add_expr(pc, r, W->order[k])) < 0) return pfail(pc, NO_LOCATION, "54001", "too many columns");
        for (int m = 0; m < nm; m++) {
            const shoal_bound_window *x = &windows[members[m]];
            ag[m] = x->arg ? rel_add_expr(pc, r, x->arg) : -1;
            dg[m] = x->default_value ? rel_add_expr(pc, r, x->default_value) : -1;
        }
        if (pc->nranks > 1 && r->dist != DIST_REPLICATED) {
            if (W->npartition > 0) {
                bool placed = false;
                for (int k = 0; k < W->npartition && !placed; k++) placed = hashed_on(r, pg[k]);
                if (!placed && r->dist == DIST_HASHED && r->nhash > 1) {
                    placed = true;
                    for (int h = 0; h < r->nhash && placed; h++) {
                        bool in = false;
                        for (int k = 0; k < W->npartition; k++) in |= pg[k] == r->hash_gids[h];
                        placed = in;
                    }
                }
                if (!placed && !materialize(pc, r, SHOAL_STEP_REDISTRIBUTE, W->npartition, pg, "DS_DIST_WINDOW")) return false;
            } else if (!materialize(pc, r, SHOAL_STEP_REDISTRIBUTE, 0, NULL, "DS_DIST_WINDOW_RANK0")) {
                return false;
            }
        }
        int n = r->ncols + nm;
        shoal_plan *wn = mk(pc, SHOAL_PLAN_WINDOW, r->plan, n);
        memcpy(wn->types, r->plan->types, sizeof(shoal_type) * (size_t)r->ncols);
        memcpy(wn->names, r->plan->names, sizeof(char *) * (size_t)r->ncols);
        wn->window_partition_count = W->npartition;
        wn->window_partition_keys = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(W->npartition + 1));
        for (int k = 0; k < W->npartition; k++) wn->window_partition_keys[k] = rel_pos(r, pg[k]);
        wn->sort_key_count = W->norder;
        wn->sort_keys = shoal_arena_alloc(pc->a, sizeof(shoal_sort_key) * (size_t)(W->norder + 1));
        for (int k = 0; k < W->norder; k++) {
            wn->sort_keys[k].column = rel_pos(r, og[k]);
            wn->sort_keys[k].descending = W->descending[k];
            wn->sort_keys[k].nulls_first = W->nulls_first[k];
        }
        wn->window_count = nm;
        wn->windows = shoal_arena_alloc(pc->a, sizeof(shoal_window_spec) * (size_t)(nm + 1));
        int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(n + 1));
        memcpy(gids, r->gids, sizeof(int) * (size_t)r->ncols);
        for (int m = 0; m < nm; m++) {
            shoal_window_spec *ws = &wn->windows[m];
            *ws = windows[members[m]].spec;
            ws->arg = ag[m] >= 0 ? rel_pos(r, ag[m]) : -1;
            ws->default_arg = dg[m] >= 0 ? rel_pos(r, dg[m]) : -1;
            wn->types[r->ncols + m] = ws->result_type;
            wn->names[r->ncols + m] = "";
            int g = new_gid(pc, ws->result_type);
            if (g < 0) return pfail(pc, NO_LOCATION, "54001", "too many columns");
            gids[r->ncols + m] = g;
            win_gid[members[m]] = g;
        }
        wn->est_rows = r->rows;
        r->plan = wn;
        r->ncols = n;
        r->gids = gids;
    }
    return true;
}

/* ---- a SELECT block ---- */

/* Output items after * expansion: the AST expression, or a scope column for *. */
typedef struct target_item {
    const shoal_ast_node *expr; /* NULL: scope column `column` */
    int column;
    const char *name;
    shoal_location loc;
} target_item;

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

/* ORDER BY item: an output ordinal, an output alias, or an expression (-1). */
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
        for (int i = 0; i < n; i++)
            if (targets[i].name && strcmp(targets[i].name, name) == 0) return i;
    }
    return -1;
}

/* The CTEs a query defines, visible (newest first) above those of the enclosing queries. */
static const cte_scope *push_ctes(pctx *pc, const shoal_ast_query *q, const cte_scope *ctes)
{
    for (int i = 0; i < q->ctes.count; i++) {
        cte_scope *c = shoal_arena_alloc(pc->a, sizeof *c);
        c->cte = (const shoal_ast_cte *)shoal_ast_list_at(&q->ctes, i);
        c->next = ctes;
        ctes = c;
    }
    return ctes;
}

/* The result of planning a block's FROM/WHERE/GROUP BY/select list. */
static shoal_expr *int_const(pctx *pc, shoal_type_id t, bool is_null, int64_t v)
{
    shoal_value x;
    memset(&x, 0, sizeof x);
    x.type = shoal_type_make(t);
    x.is_null = is_null;
    x.v.i64 = v;
    return shoal_expr_const(pc->a, x);
}

static shoal_expr *null_const(pctx *pc, shoal_type t)
{
    shoal_value x;
    memset(&x, 0, sizeof x);
    x.type = t;
    x.is_null = true;
    return shoal_expr_const(pc->a, x);
}

/* The columns of one DISTINCT argument at the first level: the argument, then the WITHIN
 * GROUP keys of its DISTINCT LISTAGGs that are not the argument itself (its raw value before
 * the cast to a string: a function of the argument, so it splits no group). */
#define MAX_DISTINCT_ARGS 16
typedef struct distinct_arg {
    int ncols;
    shoal_expr *cols[1 + SHOAL_LISTAGG_MAX_ORDER];
    int first; /* the first level's output position of cols[0] */
} distinct_arg;

static int distinct_col(distinct_arg *d, shoal_expr *e)
{
    for (int i = 0; i < d->ncols; i++)
        if (shoal_bound_expr_equal(d->cols[i], e)) return i;
    d->cols[d->ncols] = e;
    return d->ncols++;
}

/* agg(DISTINCT x) next to anything, as two aggregations. The first groups by (keys, every
 * distinct argument) and computes the other aggregates' partial states; it is distributed by
 * the hash of all its keys, so it is parallel even without GROUP BY. The second (the block's
 * usual aggregation, replacing b's keys and aggregates) groups by the keys, merges those
 * states (merge specs) and aggregates each distinct argument's column, in which a value now
 * appears once per group. One argument needs nothing else. With several, the input goes
 * through an EXPAND first: copy j carries argument j with the others NULL, and only copy 0
 * feeds the other aggregates (their inputs NULL in the other copies; COUNT(*) becomes a COUNT
 * of a marker that only copy 0 has). A first-level group then holds one argument's value
 * (the others NULL), or only NULLs, which every aggregate of the second level skips, and the
 * other aggregates see every input row once. */
static bool plan_distinct_aggs(pctx *pc, shoal_binder *b, rel *cur, shoal_location loc)
{
    int nk = b->key_count, na = b->agg_count, nd = 0;
    distinct_arg *dargs = shoal_arena_alloc(pc->a, sizeof(distinct_arg) * MAX_DISTINCT_ARGS);
    int arg_of[SHOAL_MAX_AGGREGATES], order_col[SHOAL_MAX_AGGREGATES][SHOAL_LISTAGG_MAX_ORDER];
    for (int j = 0; j < na; j++) {
        arg_of[j] = -1;
        if (!b->agg_distinct[j]) {
            if (b->aggs[j].func == SHOAL_AGG_LISTAGG)
                return plan_error(pc->err, loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                  "LISTAGG without DISTINCT cannot be combined with DISTINCT aggregates");
            continue;
        }
        for (int d = 0; d < nd && arg_of[j] < 0; d++)
            if (shoal_bound_expr_equal(dargs[d].cols[0], b->agg_inputs[j])) arg_of[j] = d;
        if (arg_of[j] < 0) {
            if (nd == MAX_DISTINCT_ARGS)
                return pfail(pc, loc, "54001", "more than %d different DISTINCT arguments", MAX_DISTINCT_ARGS);
            arg_of[j] = nd;
            dargs[nd].ncols = 1;
            dargs[nd++].cols[0] = b->agg_inputs[j];
        }
        distinct_arg *d = &dargs[arg_of[j]];
        for (int k = 0; k < (b->aggs[j].func == SHOAL_AGG_LISTAGG ? b->aggs[j].order_count : 0); k++) {
            if (d->ncols == 1 + SHOAL_LISTAGG_MAX_ORDER && !shoal_bound_expr_equal(d->cols[0], b->agg_order[j][k]))
                return pfail(pc, loc, "54001", "too many WITHIN GROUP keys");
            order_col[j][k] = distinct_col(d, b->agg_order[j][k]);
        }
    }
    /* the first level's keys (K, then every argument's columns) and aggregates over `in` */
    int nk1 = nk;
    for (int d = 0; d < nd; d++) nk1 += dargs[d].ncols;
    if (nk1 > SHOAL_MAX_GROUP_KEYS) return plan_error(pc->err, loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "too many GROUP BY keys");
    shoal_expr **keys1 = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(nk1 + 1));
    shoal_agg_spec *specs1 = shoal_arena_alloc(pc->a, sizeof(shoal_agg_spec) * (size_t)(na + 1));
    shoal_expr **inputs1 = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(na + 1));
    int na1 = 0, slot1[SHOAL_MAX_AGGREGATES];
    for (int k = 0; k < nk; k++) keys1[k] = b->keys[k];
    for (int d = 0, c = nk; d < nd; c += dargs[d++].ncols) {
        dargs[d].first = c;
        for (int i = 0; i < dargs[d].ncols; i++) keys1[c + i] = dargs[d].cols[i];
    }
    for (int j = 0; j < na; j++) {
        slot1[j] = -1;
        if (b->agg_distinct[j]) continue;
        slot1[j] = na1;
        specs1[na1] = b->aggs[j];
        inputs1[na1++] = b->agg_inputs[j];
    }
    if (nd > 1) {
        /* EXPAND: [K, argument 0's columns, ..., argument nd-1's, the other inputs, marker] */
        int nx = nk1 + na1 + 1;
        shoal_expr **x = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)nd * (size_t)nx);
        int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(nx + 1));
        shoal_type it = shoal_type_make(SHOAL_TYPE_INTEGER);
        for (int copy = 0; copy < nd; copy++) {
            shoal_expr **e = x + (size_t)copy * (size_t)nx;
            for (int k = 0; k < nk; k++) e[k] = keys1[k];
            for (int d = 0; d < nd; d++)
                for (int i = 0; i < dargs[d].ncols; i++) {
                    shoal_expr *v = keys1[dargs[d].first + i];
                    e[dargs[d].first + i] = d == copy ? v : null_const(pc, v->type);
                }
            for (int a = 0; a < na1; a++) /* COUNT(*) has no input: a NULL in its place */
                e[nk1 + a] = inputs1[a] == NULL ? null_const(pc, it) : copy == 0 ? inputs1[a] : null_const(pc, inputs1[a]->type);
            e[nx - 1] = copy == 0 ? int_const(pc, SHOAL_TYPE_INTEGER, false, 1) : null_const(pc, it);
        }
        for (int i = 0; i < nx; i++) /* the keys keep their gids (and the rows' placement by them) */
            if ((gids[i] = i < nk && x[i]->kind == SHOAL_EXPR_COLUMN ? x[i]->column : new_gid(pc, x[i]->type)) < 0)
                return pfail(pc, loc, "54001", "too many columns");
        rel before = *cur;
        rel_project(pc, cur, nx, x, gids); /* copy 0, and the placement the keys keep */
        shoal_plan *ex = cur->plan;
        ex->kind = SHOAL_PLAN_EXPAND;
        ex->expand_count = nd;
        shoal_expr **all = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)nd * (size_t)nx);
        for (size_t i = 0; i < (size_t)nd * (size_t)nx; i++) all[i] = i < (size_t)nx ? ex->exprs[i] : to_rel(pc, x[i], &before);
        ex->exprs = all;
        cur->rows *= nd;
        ex->est_rows = cur->rows;
        for (int k = 0; k < nk1; k++) keys1[k] = shoal_expr_column(pc->a, gids[k], pc->gid_type[gids[k]]);
        for (int a = 0; a < na1; a++) {
            if (specs1[a].func == SHOAL_AGG_COUNT_STAR) { /* COUNT(*) of copy 0 = COUNT(marker) */
                specs1[a].func = SHOAL_AGG_COUNT;
                specs1[a].input_type = it;
                inputs1[a] = shoal_expr_column(pc->a, gids[nx - 1], it);
            } else {
                inputs1[a] = shoal_expr_column(pc->a, gids[nk1 + a], pc->gid_type[gids[nk1 + a]]);
            }
        }
    }
    if (!agg_distributed(pc, cur, nk1, keys1, na1, specs1, inputs1, NULL, true)) return false;
    /* the second level over [K, the arguments' columns, the states of the others] */
    shoal_type st[SHOAL_AGG_MAX_STATES];
    int state_pos[SHOAL_MAX_AGGREGATES];
    for (int a = 0, c = nk1; a < na1; c += shoal_agg_state_types(&specs1[a], st), a++) state_pos[a] = c;
    for (int k = 0; k < nk; k++) b->keys[k] = shoal_expr_column(pc->a, cur->gids[k], pc->gid_type[cur->gids[k]]);
    for (int j = 0; j < na; j++) {
        if (b->agg_distinct[j]) {
            distinct_arg *d = &dargs[arg_of[j]];
            int g = cur->gids[d->first];
            b->agg_inputs[j] = shoal_expr_column(pc->a, g, pc->gid_type[g]);
            if (b->aggs[j].func == SHOAL_AGG_LISTAGG && b->aggs[j].order_count > 0) {
                shoal_expr **o = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)b->aggs[j].order_count);
                for (int k = 0; k < b->aggs[j].order_count; k++) {
                    int gk = cur->gids[d->first + order_col[j][k]];
                    o[k] = shoal_expr_column(pc->a, gk, pc->gid_type[gk]);
                }
                b->agg_order[j] = o;
            }
            b->agg_distinct[j] = false;
        } else {
            /* merge the first level's states: the input is the first state column (its gids
             * consecutive); the spec keeps its function and type, which decide the states */
            int g = cur->gids[state_pos[slot1[j]]];
            b->aggs[j].merge = true; /* COUNT(*) that became COUNT(marker): one BIGINT count either way */
            b->agg_inputs[j] = shoal_expr_column(pc->a, g, pc->gid_type[g]);
        }
    }
    return true;
}

typedef struct block_result {
    rel r;              /* nested: its columns are the outputs; top, grouped: the partial aggregates */
    int nout, nt;       /* outputs (select list + ORDER BY extras), select list */
    const char **names;
    shoal_type *types;
    bool top_grouped;   /* top: r holds partial aggregates, the leader finishes them */
    int nk, na;
    int32_t *keycols;
    shoal_agg_spec *aggs;
    shoal_expr *having;    /* post-aggregation (positional) */
    shoal_expr **outputs;  /* top_grouped: positional over the final aggregation */
    int nsort;
    shoal_sort_key *sort_keys;
    int64_t limit, offset;
} block_result;

static bool plan_block(pctx *pc, const shoal_ast_query *q, const shoal_bind_scope *parent, const cte_scope *ctes,
                       bool top, corr_info *corr, block_result *res)
{
    memset(res, 0, sizeof *res);
    res->limit = -1;
    if (!shoal_is_a(q->body, select))
        return plan_error(pc->err, q->body->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "UNION, INTERSECT and EXCEPT are not supported yet");
    const shoal_ast_select *sel = (const shoal_ast_select *)q->body;
    if (sel->qualify) return plan_error(pc->err, sel->qualify->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "QUALIFY is not supported yet");
    if (++pc->depth > 64) return plan_error(pc->err, q->node.loc, "54001", "subqueries are nested too deeply");

    const cte_scope *cs = push_ctes(pc, q, ctes);
    if (q->recursive) return plan_error(pc->err, q->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "WITH RECURSIVE is not supported");

    block bl;
    memset(&bl, 0, sizeof bl);
    bl.pc = pc;
    bl.ctes = cs;
    const cte_scope *saved_ctes = pc->ctes;
    pc->ctes = cs;
    bl.scope.parent = parent;
    bl.scope.outer_refs = &pc->outer_refs;
    bl.scope.gid_used = pc->gid_used;
    for (int i = 0; i < sel->from.count; i++)
        if (!add_top_item(&bl, shoal_ast_list_at(&sel->from, i))) return false;

    shoal_binder b;
    shoal_binder_init(&b, pc->a, pc->sql, pc->err);
    b.scope = &bl.scope;
    b.eval_subquery = binder_eval_subquery;
    b.eval_arg = pc;
    shoal_bind_subquery *subq_values = shoal_arena_alloc(pc->a, sizeof(shoal_bind_subquery) * MAX_SUBQUERY_VALUES);
    b.subqueries = subq_values;

    /* ---- the select list, * expanded ---- */
    target_item *targets = shoal_arena_alloc(pc->a, sizeof(target_item) * MAX_TARGETS);
    int nt = 0;
    if (!(corr && corr->exists)) {
        for (int i = 0; i < sel->targets.count; i++) {
            const shoal_ast_target *t = (const shoal_ast_target *)shoal_ast_list_at(&sel->targets, i);
            if (shoal_is_a(t->expr, star)) {
                const shoal_ast_star *st = (const shoal_ast_star *)t->expr;
                if (bl.nitems == 0) return plan_error(pc->err, t->node.loc, "42601", "SELECT * with no tables specified is not valid");
                bool any = false;
                for (int c = 0; c < bl.scope.count && nt < MAX_TARGETS; c++) {
                    if (st->table && strcmp(bl.scope.columns[c].relation, st->table) != 0) continue;
                    targets[nt++] = (target_item){NULL, c, bl.scope.columns[c].name, t->node.loc};
                    any = true;
                }
                if (!any) return plan_error(pc->err, t->node.loc, SHOAL_SQLSTATE_UNDEFINED_TABLE, "missing FROM-clause entry for the table of *");
                continue;
            }
            if (nt == MAX_TARGETS) return plan_error(pc->err, t->node.loc, "54011", "too many output columns");
            targets[nt++] = (target_item){t->expr, -1, shoal_bind_output_name(t, pc->a), t->node.loc};
        }
    }

    int64_t limit = -1, offset = 0;
    if (!constant_count(q->limit, &limit, pc->err) || !constant_count(q->offset, &offset, pc->err) ||
        (sel->top && !constant_count(sel->top, &limit, pc->err)))
        return false;
    if (!top && (limit >= 0 || offset > 0))
        return plan_error(pc->err, q->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "LIMIT in a subquery is not supported yet");

    /* ---- WHERE (and flattened ON) conjuncts ---- */
    const shoal_ast_node **conj_ast = shoal_arena_alloc(pc->a, sizeof(shoal_ast_node *) * MAX_CONJUNCTS);
    int nconj_ast = 0;
    if (sel->where && shoal_ast_has_aggregate(sel->where))
        return plan_error(pc->err, sel->where->loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed in WHERE");
    split_conjuncts(sel->where, conj_ast, &nconj_ast);
    for (int i = 0; i < bl.n_extra_on && nconj_ast <= MAX_CONJUNCTS; i++) split_conjuncts(bl.extra_on[i], conj_ast, &nconj_ast);
    if (nconj_ast > MAX_CONJUNCTS)
        return pfail(pc, sel->node.loc, "54001", "more than %d conditions in WHERE and ON", MAX_CONJUNCTS);
    add_implied_conjuncts(conj_ast, &nconj_ast);

    shoal_expr **pending = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * MAX_CONJUNCTS);
    int npending = 0;
    subjoin *subjoins = shoal_arena_alloc(pc->a, sizeof(subjoin) * MAX_SUBJOINS);
    int nsub = 0;
    int gid_lo = corr ? corr->gid_lo : 0;

    for (int ci = 0; ci < nconj_ast; ci++) {
        const shoal_ast_node *c = conj_ast[ci];
        bool negated;
        const shoal_ast_subquery_expr *sq = semi_subquery(c, &negated);
        if (sq) {
            if (nsub == MAX_SUBJOINS) return plan_error(pc->err, c->loc, "54001", "too many subqueries");
            subjoin *s = &subjoins[nsub];
            memset(s, 0, sizeof *s);
            s->loc = c->loc;
            s->sq = sq;
            s->negated = negated;
            s->value_gid = -1;
            int steps_before = pc->nsteps;
            if (!plan_semi_subjoin(pc, &bl.scope, bl.ctes, &b, s, NULL)) return false;
            s->first_rows = s->r.rows;
            if (s->nouter > 0) {
                s->replan = true; /* planned again with the outer keys (below) */
                pc->nsteps = steps_before;
            }
            nsub++;
            continue;
        }
        /* scalar subqueries inside the conjunct */
        const shoal_ast_subquery_expr *scalars[16];
        int nscalar = 0;
        find_scalar_subqueries(c, scalars, &nscalar, 16);
        for (int k = 0; k < nscalar; k++) {
            int refs_before = pc->outer_refs, steps_before = pc->nsteps;
            corr_info ci2;
            memset(&ci2, 0, sizeof ci2);
            ci2.extract = true;
            ci2.gid_lo = pc->ngid;
            ci2.group_by_keys = true;
            rel sr;
            const char **names = NULL;
            if (!plan_query_rel(pc, scalars[k]->query, &bl.scope, bl.ctes, &ci2, &sr, &names)) return false;
            shoal_expr *value;
            if (pc->outer_refs == refs_before) { /* uncorrelated: run it first */
                pc->nsteps = steps_before;
                if ((value = eval_scalar_now(pc, scalars[k])) == NULL) return false;
            } else {
                pc->nsteps = steps_before; /* planned again with the outer keys (below) */
                if (nsub == MAX_SUBJOINS) return plan_error(pc->err, c->loc, "54001", "too many subqueries");
                subjoin *s = &subjoins[nsub++];
                memset(s, 0, sizeof *s);
                s->loc = scalars[k]->node.loc;
                s->sq = scalars[k];
                s->scalar = true;
                s->replan = true;
                s->first_rows = sr.rows;
                if (ci2.nresid > 0 || ci2.nkeys == 0)
                    return plan_error(pc->err, scalars[k]->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                      "a correlated scalar subquery must be correlated by equalities only");
                if (sr.ncols != ci2.nkeys + 1) return plan_error(pc->err, scalars[k]->node.loc, "42601", "subquery must return only one column");
                s->nouter = ci2.nkeys;
                memcpy(s->outer_keys, ci2.outer_keys, sizeof(shoal_expr *) * (size_t)ci2.nkeys);
                s->value_gid = new_gid(pc, pc->gid_type[sr.gids[ci2.nkeys]]);
                if (s->value_gid < 0) return plan_error(pc->err, c->loc, "54001", "too many columns");
                value = shoal_expr_column(pc->a, s->value_gid, pc->gid_type[s->value_gid]);
            }
            if (b.subquery_count == MAX_SUBQUERY_VALUES) return plan_error(pc->err, c->loc, "54001", "too many scalar subqueries");
            subq_values[b.subquery_count++] = (shoal_bind_subquery){&scalars[k]->node, value};
        }
        shoal_expr *e = shoal_bind_condition(&b, c, false);
        if (!bind_ok(pc, &b, e)) return false;
        if (e->type.id != SHOAL_TYPE_BOOLEAN)
            return plan_error(pc->err, c->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "argument of WHERE must be type boolean");
        if (corr && corr->extract && expr_has_gid_below(e, gid_lo)) {
            /* correlated: an equality inner = outer is a join key, anything else a residual */
            bool keyed = false;
            if (e->kind == SHOAL_EXPR_FUNC && e->func == SHOAL_FUNC_EQ && e->arg_count == 2 && corr->nkeys < MAX_JOIN_KEYS) {
                for (int side = 0; side < 2 && !keyed; side++) {
                    shoal_expr *in = e->args[side], *out = e->args[1 - side];
                    if (!expr_has_gid_below(in, gid_lo) && expr_has_gid_at_or_above(in, gid_lo) &&
                        !expr_has_gid_at_or_above(out, gid_lo)) {
                        corr->inner_keys[corr->nkeys] = in;
                        corr->outer_keys[corr->nkeys++] = out;
                        keyed = true;
                    }
                }
            }
            if (!keyed) {
                if (corr->nresid == MAX_JOIN_KEYS) return plan_error(pc->err, c->loc, "54001", "too many correlated conditions");
                corr->resid[corr->nresid++] = e;
            }
            continue;
        }
        if (npending == MAX_CONJUNCTS) return plan_error(pc->err, c->loc, "54001", "too many conditions");
        pending[npending++] = e;
    }

    /* ---- outer-join ON conditions ---- */
    for (int i = 0; i < bl.nitems; i++) {
        fnode *stack[MAX_ITEMS * 2];
        int sp = 0;
        stack[sp++] = bl.items[i];
        while (sp > 0) {
            fnode *f = stack[--sp];
            if (f->kind != FN_JOIN) continue;
            stack[sp++] = f->left;
            stack[sp++] = f->right;
            const shoal_ast_node *on_ast[MAX_CONJUNCTS];
            int non = 0;
            split_conjuncts(f->on, on_ast, &non);
            if (non > MAX_CONJUNCTS) return pfail(pc, f->loc, "54001", "more than %d conditions in ON", MAX_CONJUNCTS);
            f->on_conj = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(non + 1));
            for (int k = 0; k < non; k++) {
                shoal_expr *e = shoal_bind_condition(&b, on_ast[k], false);
                if (!bind_ok(pc, &b, e)) return false;
                f->on_conj[f->n_on++] = e;
            }
        }
    }

    /* ---- aggregation: group keys ---- */
    bool aggregating = sel->group_by.count > 0 || sel->having != NULL;
    for (int i = 0; i < nt && !aggregating; i++) aggregating = targets[i].expr && shoal_ast_has_aggregate(targets[i].expr);
    for (int i = 0; i < q->order_by.count && !aggregating && top; i++)
        aggregating = shoal_ast_has_aggregate(((const shoal_ast_sort_item *)shoal_ast_list_at(&q->order_by, i))->expr);
    bool distinct = sel->distinct;
    if (distinct && aggregating)
        return plan_error(pc->err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "SELECT DISTINCT with aggregates is not supported yet");
    if (corr && corr->group_by_keys && corr->nkeys > 0 && !aggregating)
        return plan_error(pc->err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                          "a correlated scalar subquery must compute an aggregate");
    int ncorr_keys = corr && corr->group_by_keys ? corr->nkeys : 0;
    if (aggregating || distinct) {
        int nkeys = distinct ? nt : sel->group_by.count;
        if (nkeys + ncorr_keys > SHOAL_MAX_GROUP_KEYS)
            return plan_error(pc->err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "too many GROUP BY keys");
        for (int k = 0; k < ncorr_keys; k++) b.keys[b.key_count++] = corr->inner_keys[k];
        for (int k = 0; k < nkeys; k++) {
            shoal_expr *e;
            const shoal_ast_node *g = distinct ? targets[k].expr : shoal_ast_list_at(&sel->group_by, k);
            if (distinct && g == NULL) {
                const shoal_bind_column *sc = &bl.scope.columns[targets[k].column];
                pc->gid_used[sc->gid] = true;
                e = shoal_expr_column(pc->a, sc->gid, sc->type);
            } else if (!distinct && shoal_is_a(g, literal) && ((const shoal_ast_literal *)g)->kind == SHOAL_AST_LITERAL_INTEGER) {
                int64_t pos = ((const shoal_ast_literal *)g)->integer;
                if (pos < 1 || pos > nt) return plan_error(pc->err, g->loc, "42P10", "GROUP BY position is not in select list");
                if (targets[pos - 1].expr == NULL) {
                    const shoal_bind_column *sc = &bl.scope.columns[targets[pos - 1].column];
                    pc->gid_used[sc->gid] = true;
                    e = shoal_expr_column(pc->a, sc->gid, sc->type);
                } else {
                    if (shoal_ast_has_aggregate(targets[pos - 1].expr))
                        return plan_error(pc->err, g->loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed in GROUP BY");
                    e = shoal_bind_expr(&b, targets[pos - 1].expr);
                }
            } else {
                if (shoal_ast_has_aggregate(g))
                    return plan_error(pc->err, g->loc, SHOAL_SQLSTATE_GROUPING_ERROR, "aggregate functions are not allowed in GROUP BY");
                e = shoal_bind_expr(&b, g);
            }
            if (!bind_ok(pc, &b, e)) return false;
            b.keys[b.key_count++] = e;
        }
    }
    bool grouped = aggregating || distinct;

    /* ---- the select list and ORDER BY, in the space they are evaluated in ---- */
    int norder = top ? q->order_by.count : 0;
    int nlead = ncorr_keys; /* scalar subquery: its correlation keys come out first */
    shoal_expr **outputs = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(nlead + nt + norder + 1));
    const char **names = shoal_arena_alloc(pc->a, sizeof(char *) * (size_t)(nlead + nt + norder + 1));
    for (int k = 0; k < nlead; k++) {
        outputs[k] = shoal_expr_column(pc->a, k, b.keys[k]->type); /* post-aggregation: key k */
        names[k] = "";
    }
    b.allow_windows = true;
    for (int i = 0; i < nt; i++) {
        shoal_expr *e;
        if (targets[i].expr == NULL) {
            const shoal_bind_column *sc = &bl.scope.columns[targets[i].column];
            shoal_ast_column_ref ref;
            memset(&ref, 0, sizeof ref);
            ref.node.tag = SHOAL_AST_COLUMN_REF;
            ref.node.loc = targets[i].loc;
            ref.table = sc->relation[0] ? sc->relation : NULL;
            ref.column = sc->name;
            e = grouped && !distinct ? shoal_bind_post_agg_expr(&b, &ref.node)
                : distinct           ? shoal_expr_column(pc->a, ncorr_keys + i, b.keys[ncorr_keys + i]->type)
                                     : shoal_bind_expr(&b, &ref.node);
        } else if (distinct) {
            e = shoal_expr_column(pc->a, ncorr_keys + i, b.keys[ncorr_keys + i]->type);
        } else {
            e = grouped ? shoal_bind_post_agg_expr(&b, targets[i].expr) : shoal_bind_expr(&b, targets[i].expr);
        }
        if (!bind_ok(pc, &b, e)) return false;
        outputs[nlead + i] = e;
        names[nlead + i] = targets[i].name;
    }
    b.allow_windows = false;
    shoal_expr *having = NULL;
    if (sel->having) {
        having = shoal_bind_condition(&b, sel->having, true);
        if (!bind_ok(pc, &b, having)) return false;
        if (having->type.id != SHOAL_TYPE_BOOLEAN)
            return plan_error(pc->err, sel->having->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "argument of HAVING must be type boolean");
    }
    b.allow_windows = true;
    int nextra = 0;
    shoal_sort_key *sort_keys = shoal_arena_alloc(pc->a, sizeof(shoal_sort_key) * (size_t)(norder + 1));
    for (int i = 0; i < norder; i++) {
        const shoal_ast_sort_item *s = (const shoal_ast_sort_item *)shoal_ast_list_at(&q->order_by, i);
        bool bad = false;
        int col = order_target(s, targets, nt, pc->err, &bad);
        if (bad) return false;
        if (col < 0) {
            if (distinct) return plan_error(pc->err, s->node.loc, "42P10", "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
            shoal_expr *e = grouped ? shoal_bind_post_agg_expr(&b, s->expr) : shoal_bind_expr(&b, s->expr);
            if (!bind_ok(pc, &b, e)) return false;
            outputs[nlead + nt + nextra] = e;
            names[nlead + nt + nextra] = "";
            col = nt + nextra++;
        }
        sort_keys[i].column = nlead + col;
        sort_keys[i].descending = s->direction == SHOAL_AST_SORT_DESC;
        sort_keys[i].nulls_first = s->nulls == SHOAL_AST_NULLS_DEFAULT ? sort_keys[i].descending : s->nulls == SHOAL_AST_NULLS_FIRST;
    }
    b.allow_windows = false;
    int nout = nlead + nt + nextra;
    /* EXISTS: the block's output is what the correlation needs (keys and residual columns) */
    if (corr && corr->exists) nout = 0;

    /* ---- build the FROM items: scans of the columns used, with their filters ---- */
    if (bl.nitems == 0 && !top) {
        /* a nested SELECT without FROM: one row with no columns, on every rank */
        fnode *f = shoal_arena_alloc(pc->a, sizeof *f);
        memset(f, 0, sizeof *f);
        f->kind = FN_DERIVED;
        f->loc = sel->node.loc;
        shoal_plan *one = mk(pc, SHOAL_PLAN_RECEIVE, NULL, 0);
        one->temp_id = SHOAL_TEMP_ONE_ROW;
        f->derived = (rel){.plan = one, .ncols = 0, .gids = NULL, .dist = DIST_REPLICATED, .rows = 1};
        bl.items[bl.nitems++] = f;
    }
    if (bl.nitems == 0) {
        if (npending > 0 || grouped || nsub > 0)
            return plan_error(pc->err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "WHERE, GROUP BY and aggregates need a FROM clause");
        res->nout = nout;
        res->nt = nt;
        res->names = names;
        res->outputs = outputs;
        res->types = shoal_arena_alloc(pc->a, sizeof(shoal_type) * (size_t)(nout + 1));
        for (int i = 0; i < nout; i++) res->types[i] = outputs[i]->type;
        res->nsort = norder;
        res->sort_keys = sort_keys;
        res->limit = limit;
        res->offset = offset;
        pc->depth--;
        pc->ctes = saved_ctes;
        return true;
    }
    /* (a1 AND b1) OR (a2 AND b2): when every branch has conditions on one FROM item, the OR of
     * those conditions is implied and filters that item before any join (TPC-H Q7, Q19) */
    int npending0 = npending;
    for (int k = 0; k < npending0 && npending < MAX_CONJUNCTS; k++) {
        const shoal_expr *e = pending[k];
        if (e->kind != SHOAL_EXPR_OR || bl.nitems < 2) continue;
        for (int i = 0; i < bl.nitems && npending < MAX_CONJUNCTS; i++) {
            shoal_expr **branches = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)e->arg_count);
            bool every = true;
            for (int a2 = 0; a2 < e->arg_count && every; a2++) {
                const shoal_expr *br = e->args[a2];
                shoal_expr *mine = NULL;
                if (br->kind == SHOAL_EXPR_AND) {
                    for (int t = 0; t < br->arg_count; t++)
                        if (expr_in_fnode(br->args[t], bl.items[i])) mine = and_of(pc, mine, br->args[t]);
                } else if (expr_in_fnode(br, bl.items[i])) {
                    mine = (shoal_expr *)br;
                }
                every = mine != NULL;
                branches[a2] = mine;
            }
            if (!every || expr_in_fnode(e, bl.items[i])) continue; /* the OR itself goes there already */
            pending[npending++] = shoal_expr_node(pc->a, SHOAL_EXPR_OR, shoal_type_make(SHOAL_TYPE_BOOLEAN), e->arg_count, branches);
        }
    }
    bool *consumed = shoal_arena_alloc(pc->a, sizeof(bool) * (size_t)(npending + 1));
    memset(consumed, 0, sizeof(bool) * (size_t)(npending + 1));
    for (int k = 0; k < npending; k++) {
        for (int i = 0; i < bl.nitems; i++)
            if (expr_in_fnode(pending[k], bl.items[i]) && bl.items[i]->nfilters < MAX_CONJUNCTS) {
                bl.items[i]->filters[bl.items[i]->nfilters++] = pending[k];
                consumed[k] = true;
                break;
            }
    }
    /* build each item (recursively for outer joins) */
    for (int i = 0; i < bl.nitems; i++) {
        fnode *root = bl.items[i];
        /* post-order over the item's tree */
        fnode *order[MAX_ITEMS * 2];
        int no = 0;
        fnode *stack[MAX_ITEMS * 2];
        int sp = 0;
        stack[sp++] = root;
        while (sp > 0) {
            fnode *f = stack[--sp];
            order[no++] = f;
            if (f->kind == FN_JOIN) {
                stack[sp++] = f->left;
                stack[sp++] = f->right;
            }
        }
        for (int oi = no - 1; oi >= 0; oi--) {
            fnode *f = order[oi];
            rel r = {0};
            if (f->kind == FN_TABLE) {
                const shoal_table_def *t = f->table;
                int ncols = t->column_count, scan_count = 0;
                int *col_map = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(ncols + 1));
                for (int c = 0; c < ncols; c++) col_map[c] = pc->gid_used[f->gid_lo + c] ? scan_count++ : -1;
                if (scan_count == 0) { /* COUNT(*): the narrowest column will do */
                    col_map[0] = 0;
                    scan_count = 1;
                }
                shoal_plan *scan = mk(pc, SHOAL_PLAN_SCAN, NULL, scan_count);
                scan->table_id = t->id;
                scan->table_version = t->version;
                scan->table_column_count = ncols;
                scan->table_types = shoal_arena_alloc(pc->a, sizeof(shoal_type) * (size_t)(ncols + 1));
                scan->scan_count = scan_count;
                scan->scan_columns = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(scan_count + 1));
                r.gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(scan_count + 1));
                r.ncols = scan_count;
                for (int c = 0; c < ncols; c++) {
                    scan->table_types[c] = t->columns[c].type;
                    if (col_map[c] >= 0) {
                        scan->scan_columns[col_map[c]] = c;
                        scan->types[col_map[c]] = t->columns[c].type;
                        scan->names[col_map[c]] = (char *)t->columns[c].name;
                        r.gids[col_map[c]] = f->gid_lo + c;
                    }
                }
                shoal_diststyle ds = shoal_table_effective_dist(t, t->row_count);
                r.dist = ds == SHOAL_DIST_ALL ? DIST_REPLICATED : ds == SHOAL_DIST_KEY && t->distkey >= 0 ? DIST_HASHED : DIST_PARTITIONED;
                if (t->id == SHOAL_STL_LOAD_ERRORS_ID) r.dist = DIST_PARTITIONED;
                if (r.dist == DIST_HASHED) {
                    r.nhash = 1;
                    r.hash_gids[0] = f->gid_lo + t->distkey;
                }
                r.rows = t->row_count > 0 ? (double)t->row_count : 1;
                scan->est_rows = r.rows;
                scan->label = t->name;
                r.plan = scan;
                /* zone-map predicates from the item's filters, over table column numbers */
                if (f->nfilters > 0) {
                    int *tmap = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(pc->ngid + 1));
                    for (int g = 0; g < pc->ngid; g++) tmap[g] = 0;
                    for (int c = 0; c < ncols; c++) tmap[f->gid_lo + c] = c;
                    scan->preds = shoal_arena_alloc(pc->a, sizeof(shoal_scan_pred) * 64);
                    for (int k = 0; k < f->nfilters; k++)
                        collect_zone_preds(shoal_expr_remapped(pc->a, f->filters[k], tmap), scan->preds, &scan->pred_count, 64);
                }
            } else if (f->kind == FN_DERIVED) {
                r = f->derived;
            } else {
                rel L = f->left->built, R = f->right->built;
                uint8_t jt;
                bool swap = false;
                switch ((shoal_ast_join_kind)f->join_kind) {
                case SHOAL_AST_JOIN_LEFT: jt = SHOAL_JOIN_LEFT; break;
                case SHOAL_AST_JOIN_RIGHT: jt = SHOAL_JOIN_LEFT; swap = true; break;
                case SHOAL_AST_JOIN_FULL: jt = SHOAL_JOIN_FULL; break;
                default: jt = SHOAL_JOIN_INNER; break;
                }
                if (swap) {
                    rel t = L;
                    L = R;
                    R = t;
                }
                join_spec j;
                memset(&j, 0, sizeof j);
                j.type = jt;
                rel LR = L;
                LR.ncols = L.ncols + R.ncols;
                LR.gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(LR.ncols + 1));
                memcpy(LR.gids, L.gids, sizeof(int) * (size_t)L.ncols);
                memcpy(LR.gids + L.ncols, R.gids, sizeof(int) * (size_t)R.ncols);
                for (int k = 0; k < f->n_on; k++)
                    if (!expr_covered(f->on_conj[k], &LR))
                        return pfail(pc, f->loc, SHOAL_SQLSTATE_UNDEFINED_TABLE,
                                     "invalid reference to a FROM-clause entry: the ON condition of a JOIN may only use the tables it joins");
                for (int k = 0; k < f->n_on; k++) {
                    shoal_expr *e = f->on_conj[k];
                    bool inL = expr_covered(e, &L), inR = expr_covered(e, &R);
                    if (e->kind == SHOAL_EXPR_FUNC && e->func == SHOAL_FUNC_EQ && e->arg_count == 2 && j.nkeys < MAX_JOIN_KEYS &&
                        !inL && !inR) {
                        shoal_expr *x = e->args[0], *y = e->args[1];
                        if (expr_covered(x, &L) && expr_covered(y, &R)) {
                            j.probe_keys[j.nkeys] = x;
                            j.build_keys[j.nkeys++] = y;
                            continue;
                        }
                        if (expr_covered(y, &L) && expr_covered(x, &R)) {
                            j.probe_keys[j.nkeys] = y;
                            j.build_keys[j.nkeys++] = x;
                            continue;
                        }
                    }
                    /* a condition on the NULL-extended side alone filters that side first */
                    if (inR && !inL && (jt == SHOAL_JOIN_LEFT || jt == SHOAL_JOIN_INNER)) {
                        rel_filter(pc, &R, e);
                        continue;
                    }
                    if (inL && !inR && jt == SHOAL_JOIN_INNER) {
                        rel_filter(pc, &L, e);
                        continue;
                    }
                    j.residual = and_of(pc, j.residual, e);
                }
                if (!join_rels(pc, &L, &R, &j, f->loc, &r)) return false;
            }
            for (int k = 0; k < f->nfilters; k++) rel_filter(pc, &r, f->filters[k]);
            f->built = r;
        }
    }

    /* ---- uncorrelated semi/anti joins whose keys come from one FROM item restrict that item
     * before any join (TPC-H Q18: the 57 orders of the IN subquery, not 6M joined rows) ---- */
    bool *sub_done = shoal_arena_alloc(pc->a, sizeof(bool) * (size_t)(nsub + 1));
    memset(sub_done, 0, sizeof(bool) * (size_t)(nsub + 1));
    for (int s2 = 0; s2 < nsub; s2++) {
        subjoin *sj = &subjoins[s2];
        if (sj->replan || sj->scalar || bl.nitems < 2) continue;
        for (int i = 0; i < bl.nitems; i++) {
            rel *ir = &bl.items[i]->built;
            bool covered = true;
            for (int k = 0; k < sj->j.nkeys && covered; k++) covered = expr_covered(sj->j.probe_keys[k], ir);
            if (!covered || bl.items[i]->kind == FN_JOIN) continue; /* an outer join's rows are not this item's */
            if (sj->j.residual) {
                rel both = *ir;
                both.ncols = ir->ncols + sj->r.ncols;
                both.gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(both.ncols + 1));
                memcpy(both.gids, ir->gids, sizeof(int) * (size_t)ir->ncols);
                memcpy(both.gids + ir->ncols, sj->r.gids, sizeof(int) * (size_t)sj->r.ncols);
                if (!expr_covered(sj->j.residual, &both)) continue;
            }
            rel joined;
            if (!join_rels(pc, ir, &sj->r, &sj->j, sj->loc, &joined)) return false;
            *ir = joined;
            bl.items[i]->nfilters++; /* a restricted item, for the dimension chains */
            sub_done[s2] = true;
            break;
        }
    }

    /* ---- dimension chains: a filtered item joined by an equality to exactly one other item,
     * which is not the largest, joins that item first (supplier with its filtered nation in
     * TPC-H Q7), so the greedy order below meets it already reduced (a bushy plan) ---- */
    {
        int largest = 0;
        for (int i = 1; i < bl.nitems; i++)
            if (bl.items[i]->built.rows > bl.items[largest]->built.rows) largest = i;
        bool merged = true;
        while (merged) {
            merged = false;
            for (int y = 0; y < bl.nitems && !merged; y++) {
                fnode *Y = bl.items[y];
                if (Y->joined || y == largest || Y->nfilters == 0) continue;
                int partner = -1, links = 0;
                for (int x = 0; x < bl.nitems; x++) {
                    if (x == y || bl.items[x]->joined) continue;
                    bool linked = false;
                    for (int k = 0; k < npending && !linked; k++) {
                        const shoal_expr *e = pending[k];
                        if (consumed[k] || e->kind != SHOAL_EXPR_FUNC || e->func != SHOAL_FUNC_EQ || e->arg_count != 2) continue;
                        linked = (expr_covered(e->args[0], &Y->built) && expr_covered(e->args[1], &bl.items[x]->built)) ||
                                 (expr_covered(e->args[1], &Y->built) && expr_covered(e->args[0], &bl.items[x]->built));
                    }
                    if (linked) {
                        partner = x;
                        links++;
                    }
                }
                if (links != 1 || partner == largest) continue;
                fnode *X = bl.items[partner];
                rel *probe = X->built.rows >= Y->built.rows ? &X->built : &Y->built;
                rel *build = probe == &X->built ? &Y->built : &X->built;
                join_spec j;
                memset(&j, 0, sizeof j);
                j.type = SHOAL_JOIN_INNER;
                for (int k = 0; k < npending && j.nkeys < MAX_JOIN_KEYS; k++) {
                    shoal_expr *e = pending[k];
                    if (consumed[k] || e->kind != SHOAL_EXPR_FUNC || e->func != SHOAL_FUNC_EQ || e->arg_count != 2) continue;
                    if (expr_covered(e->args[0], probe) && expr_covered(e->args[1], build)) {
                        j.probe_keys[j.nkeys] = e->args[0];
                        j.build_keys[j.nkeys++] = e->args[1];
                    } else if (expr_covered(e->args[1], probe) && expr_covered(e->args[0], build)) {
                        j.probe_keys[j.nkeys] = e->args[1];
                        j.build_keys[j.nkeys++] = e->args[0];
                    } else {
                        continue;
                    }
                    consumed[k] = true;
                }
                rel joined;
                if (!join_rels(pc, probe, build, &j, X->loc, &joined)) return false;
                for (int k = 0; k < npending; k++)
                    if (!consumed[k] && expr_covered(pending[k], &joined)) {
                        rel_filter(pc, &joined, pending[k]);
                        consumed[k] = true;
                    }
                X->built = joined;
                X->nfilters = 1; /* it is a filtered item now, for chains through it */
                Y->joined = true; /* folded into X */
                merged = true;
            }
        }
    }

    /* ---- join the items: greedy, largest first, then the smallest connected one ---- */
    rel cur = {0};
    int first = -1;
    for (int i = 0; i < bl.nitems; i++)
        if (!bl.items[i]->joined && (first < 0 || bl.items[i]->built.rows > bl.items[first]->built.rows)) first = i;
    cur = bl.items[first]->built;
    bl.items[first]->joined = true;
    int left = 0;
    for (int i = 0; i < bl.nitems; i++) left += !bl.items[i]->joined;
    for (int step = 0; step < left; step++) {
        /* the next item: a connected one whose join gives the fewest rows (then the smallest) */
        int best = -1;
        bool best_connected = false;
        double best_est = INFINITY;
        for (int i = 0; i < bl.nitems; i++) {
            if (bl.items[i]->joined) continue;
            const rel *cand = &bl.items[i]->built;
            int cg[MAX_JOIN_KEYS], og[MAX_JOIN_KEYS], nk = 0;
            for (int k = 0; k < npending && nk < MAX_JOIN_KEYS; k++) {
                const shoal_expr *e = pending[k];
                if (consumed[k] || e->kind != SHOAL_EXPR_FUNC || e->func != SHOAL_FUNC_EQ || e->arg_count != 2) continue;
                const shoal_expr *x = e->args[0], *y = e->args[1];
                if (expr_covered(y, &cur) && expr_covered(x, cand)) {
                    const shoal_expr *t = x;
                    x = y;
                    y = t;
                } else if (!(expr_covered(x, &cur) && expr_covered(y, cand))) {
                    continue;
                }
                cg[nk] = x->kind == SHOAL_EXPR_COLUMN ? x->column : -1;
                og[nk] = y->kind == SHOAL_EXPR_COLUMN ? y->column : -1;
                if (cg[nk] >= 0 && og[nk] >= 0) nk++; /* expression keys still join; they do not estimate */
            }
            bool connected = nk > 0;
            double est = connected ? join_estimate(pc, &cur, cand, cg, og, nk) : cur.rows * cand->rows;
            if (best < 0 || (connected && !best_connected) || (connected == best_connected && est < best_est)) {
                best = i;
                best_connected = connected;
                best_est = est;
            }
        }
        rel other = bl.items[best]->built;
        bl.items[best]->joined = true;
        join_spec j;
        memset(&j, 0, sizeof j);
        j.type = SHOAL_JOIN_INNER;
        bool other_is_build = other.rows <= cur.rows;
        for (int k = 0; k < npending && j.nkeys < MAX_JOIN_KEYS; k++) {
            shoal_expr *e = pending[k];
            if (consumed[k] || e->kind != SHOAL_EXPR_FUNC || e->func != SHOAL_FUNC_EQ || e->arg_count != 2) continue;
            shoal_expr *x = e->args[0], *y = e->args[1];
            shoal_expr *in_cur = NULL, *in_other = NULL;
            if (expr_covered(x, &cur) && expr_covered(y, &other)) in_cur = x, in_other = y;
            else if (expr_covered(y, &cur) && expr_covered(x, &other)) in_cur = y, in_other = x;
            else continue;
            j.probe_keys[j.nkeys] = other_is_build ? in_cur : in_other;
            j.build_keys[j.nkeys++] = other_is_build ? in_other : in_cur;
            consumed[k] = true;
        }
        rel joined;
        if (!join_rels(pc, other_is_build ? &cur : &other, other_is_build ? &other : &cur, &j, bl.items[best]->loc, &joined))
            return false;
        cur = joined;
        for (int k = 0; k < npending; k++) /* conditions that now have all their columns */
            if (!consumed[k] && expr_covered(pending[k], &cur)) {
                rel_filter(pc, &cur, pending[k]);
                consumed[k] = true;
            }
    }

    /* ---- a correlated subquery: only the rows whose keys the outer query has ---- */
    if (corr && corr->magic && corr->magic->ncols == corr->nkeys && corr->nkeys > 0) {
        bool covered = true;
        for (int k = 0; k < corr->nkeys; k++) covered &= expr_covered(corr->inner_keys[k], &cur);
        if (covered) {
            join_spec j;
            memset(&j, 0, sizeof j);
            j.type = SHOAL_JOIN_SEMI;
            for (int k = 0; k < corr->nkeys; k++) {
                j.probe_keys[j.nkeys] = corr->inner_keys[k];
                j.build_keys[j.nkeys++] = shoal_expr_column(pc->a, corr->magic->gids[k], pc->gid_type[corr->magic->gids[k]]);
            }
            rel m = *corr->magic, joined;
            if (!join_rels(pc, &cur, &m, &j, sel->node.loc, &joined)) return false;
            cur = joined;
        }
    }

    /* ---- semi/anti joins and decorrelated scalar subqueries ---- */
    for (int s = 0; s < nsub; s++) {
        subjoin *sj = &subjoins[s];
        if (sub_done[s]) continue;
        if (sj->replan) {
            rel m, *magic = NULL;
            if ((cur.rows <= MAGIC_MAX_OUTER_ROWS || cur.rows < sj->first_rows) && sj->nouter > 0) {
                /* the first planning's outer keys, in the order the second extracts them */
                if (!magic_set(pc, &cur, sj, &m)) return false;
                magic = &m;
            }
            bool ok = sj->scalar ? plan_scalar_subjoin(pc, &bl.scope, bl.ctes, sj, magic)
                                 : plan_semi_subjoin(pc, &bl.scope, bl.ctes, &b, sj, magic);
            if (!ok) return false;
        }
        for (int k = 0; k < sj->j.nkeys; k++)
            if (!expr_covered(sj->j.probe_keys[k], &cur))
                return plan_error(pc->err, sj->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                  "subqueries correlated with a query more than one level out are not supported yet");
        rel joined;
        if (!join_rels(pc, &cur, &sj->r, &sj->j, sj->loc, &joined)) return false;
        cur = joined;
        for (int k = 0; k < npending; k++)
            if (!consumed[k] && expr_covered(pending[k], &cur)) {
                rel_filter(pc, &cur, pending[k]);
                consumed[k] = true;
            }
    }
    for (int k = 0; k < npending; k++)
        if (!consumed[k]) {
            if (!expr_covered(pending[k], &cur))
                return plan_error(pc->err, sel->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                  "a condition references columns this query cannot reach");
            rel_filter(pc, &cur, pending[k]);
        }

    /* ---- EXISTS blocks: output the columns the correlation needs ---- */
    if (corr && corr->exists) {
        shoal_expr *need[MAX_JOIN_KEYS * 8];
        int nneed = 0;
        for (int k = 0; k < corr->nkeys; k++) need[nneed++] = corr->inner_keys[k];
        /* the residual's inner columns */
        for (int k = 0; k < corr->nresid; k++) {
            shoal_expr *st[256];
            int sp2 = 0;
            st[sp2++] = corr->resid[k];
            while (sp2 > 0 && nneed < (int)(sizeof need / sizeof need[0])) {
                shoal_expr *e = st[--sp2];
                if (e->kind == SHOAL_EXPR_COLUMN && e->column >= gid_lo && rel_pos(&cur, e->column) >= 0) need[nneed++] = e;
                for (int a2 = 0; a2 < e->arg_count && sp2 < 256; a2++) st[sp2++] = e->args[a2];
            }
        }
        int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(nneed + 1));
        for (int k = 0; k < nneed; k++) {
            gids[k] = need[k]->kind == SHOAL_EXPR_COLUMN ? need[k]->column : new_gid(pc, need[k]->type);
            if (gids[k] < 0) return plan_error(pc->err, sel->node.loc, "54001", "too many columns");
            if (need[k]->kind != SHOAL_EXPR_COLUMN) { /* inner key expressions become columns */
                corr->inner_keys[k] = shoal_expr_column(pc->a, gids[k], need[k]->type);
            }
        }
        if (nneed == 0) { /* uncorrelated EXISTS: any one column says whether a row exists */
            need[0] = shoal_expr_column(pc->a, cur.gids[0], pc->gid_type[cur.gids[0]]);
            gids[0] = cur.gids[0];
            nneed = 1;
        }
        rel_project(pc, &cur, nneed, need, gids);
        res->r = cur;
        pc->depth--;
        pc->ctes = saved_ctes;
        return true;
    }

    /* ---- aggregation ---- */
    if (grouped) {
        int nk = b.key_count, na = b.agg_count;
        bool any_distinct = false;
        for (int j = 0; j < na; j++) any_distinct |= b.agg_distinct[j];
        if (any_distinct && !plan_distinct_aggs(pc, &b, &cur, sel->node.loc)) return false;
        /* many groups: finishing them on the leader would funnel every partial group through
         * one rank; finish on the ranks (redistributed on the keys) and gather the results.
         * LISTAGG has no partial states: its groups are finished on the ranks too */
        bool finish_on_ranks = b.window_count > 0 || !aggs_decompose(na, b.aggs) ||
                               (top && group_estimate(pc, &cur, nk, b.keys) > TOP_LEADER_MAX_GROUPS);
        if (finish_on_ranks) {
            /* the aggregation ends on the ranks, then everything is in gid space again (for
             * apply_windows, and the gather of the top block) */
            if (!agg_distributed(pc, &cur, nk, b.keys, na, b.aggs, b.agg_inputs, b.agg_order, false)) return false;
            rel aggrel = cur;
            if (having) rel_filter(pc, &cur, pos_to_gid(pc, having, &aggrel));
            for (int i = 0; i < nout; i++) outputs[i] = pos_to_gid(pc, outputs[i], &aggrel);
            for (int w = 0; w < b.window_count; w++) {
                shoal_bound_window *x = &b.windows[w];
                if (x->arg) x->arg = pos_to_gid(pc, x->arg, &aggrel);
                if (x->default_value) x->default_value = pos_to_gid(pc, x->default_value, &aggrel);
                for (int k = 0; k < x->npartition; k++) x->partition[k] = pos_to_gid(pc, x->partition[k], &aggrel);
                for (int k = 0; k < x->norder; k++) x->order[k] = pos_to_gid(pc, x->order[k], &aggrel);
            }
        } else if (top) {
            /* partial on every rank; the leader finishes (few groups come back per rank) */
            shoal_agg_spec *aggs = shoal_arena_alloc(pc->a, sizeof(shoal_agg_spec) * (size_t)(na + 1));
            int32_t *keycols = shoal_arena_alloc(pc->a, sizeof(int32_t) * (size_t)(nk + 1));
            shoal_plan *proj = agg_input(pc, &cur, nk, b.keys, na, b.aggs, b.agg_inputs, b.agg_order, aggs, keycols);
            shoal_plan *partial = agg_node(pc, proj, SHOAL_AGG_PARTIAL, nk, keycols, na, aggs);
            partial->est_rows = group_estimate(pc, &cur, nk, b.keys);
            cur.plan = partial;
            cur.ncols = partial->column_count;
            res->top_grouped = true;
            res->nk = nk;
            res->na = na;
            res->keycols = keycols;
            res->aggs = aggs;
        } else {
            if (!agg_distributed(pc, &cur, nk, b.keys, na, b.aggs, b.agg_inputs, b.agg_order, false)) return false;
            /* HAVING and the outputs over [keys, aggregates] (positional) */
            rel pos = cur;
            if (having) {
                shoal_plan *f = mk(pc, SHOAL_PLAN_FILTER, cur.plan, cur.plan->column_count);
                copy_schema(f, cur.plan);
                f->predicate = having;
                cur.plan = f;
                cur.rows *= 0.5;
            }
            shoal_plan *p = mk(pc, SHOAL_PLAN_PROJECT, cur.plan, nout);
            p->exprs = outputs;
            int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(nout + 1));
            bool keeps_hash = cur.dist == DIST_HASHED;
            int new_hash[MAX_HASH];
            for (int i = 0; i < nout; i++) {
                p->types[i] = outputs[i]->type;
                p->names[i] = "";
                if (outputs[i]->kind == SHOAL_EXPR_COLUMN) gids[i] = pos.gids[outputs[i]->column];
                else if ((gids[i] = new_gid(pc, outputs[i]->type)) < 0) return plan_error(pc->err, sel->node.loc, "54001", "too many columns");
            }
            for (int h = 0; h < cur.nhash && keeps_hash; h++) {
                bool found = false;
                for (int i = 0; i < nout && !found; i++)
                    if (gids[i] == cur.hash_gids[h]) found = true, new_hash[h] = gids[i];
                keeps_hash = found;
            }
            cur.plan = p;
            cur.ncols = nout;
            cur.gids = gids;
            cur.neq = 0;
            if (cur.dist == DIST_HASHED) {
                if (keeps_hash) memcpy(cur.hash_gids, new_hash, sizeof(int) * (size_t)cur.nhash);
                else cur.dist = DIST_PARTITIONED;
            }
        }
    }
    if (b.window_count > 0) {
        int win_gid[SHOAL_MAX_WINDOWS];
        if (!apply_windows(pc, &cur, b.windows, b.window_count, win_gid)) return false;
        for (int i = 0; i < nout; i++) outputs[i] = replace_windows(pc, outputs[i], win_gid);
    }
    if ((!grouped || b.window_count > 0) && !top) {
        int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(nout + 1));
        for (int i = 0; i < nout; i++) {
            if (outputs[i]->kind == SHOAL_EXPR_COLUMN) gids[i] = outputs[i]->column;
            else if ((gids[i] = new_gid(pc, outputs[i]->type)) < 0) return plan_error(pc->err, sel->node.loc, "54001", "too many columns");
        }
        /* the same gid twice in a select list must stay two columns of one value: fine */
        rel_project(pc, &cur, nout, outputs, gids);
    }
    res->r = cur;
    res->nout = nout;
    res->nt = nt;
    res->names = names;
    res->having = having;
    res->outputs = outputs;
    res->types = shoal_arena_alloc(pc->a, sizeof(shoal_type) * (size_t)(nout + 1));
    res->nsort = norder;
    res->sort_keys = sort_keys;
    res->limit = limit;
    res->offset = offset;
    for (int i = 0; i < nout; i++) res->types[i] = outputs[i]->type;
    pc->depth--;
    pc->ctes = saved_ctes;
    return true;
}

/* A query nested in another (derived table, CTE, subquery): a relation on the ranks. */
static bool plan_setop(pctx *pc, const shoal_ast_node *body, const shoal_bind_scope *parent, const cte_scope *ctes, rel *out,
                       const char ***names);

static bool plan_query_rel(pctx *pc, const shoal_ast_query *q, const shoal_bind_scope *parent, const cte_scope *ctes,
                           corr_info *corr, rel *out, const char ***names)
{
    if (!shoal_is_a(q->body, select)) {
        if (q->limit || q->offset)
            return plan_error(pc->err, q->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "LIMIT in a subquery is not supported yet");
        const cte_scope *cs = push_ctes(pc, q, ctes);
        return plan_setop(pc, q->body, parent, cs, out, names);
    }
    block_result res;
    if (!plan_block(pc, q, parent, ctes, false, corr, &res)) return false;
    if (res.r.plan == NULL)
        return plan_error(pc->err, q->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "a subquery without FROM is not supported yet");
    *out = res.r;
    if (names) {
        *names = shoal_arena_alloc(pc->a, sizeof(char *) * (size_t)(out->ncols + 1));
        for (int i = 0; i < out->ncols; i++) (*names)[i] = i < res.nout && res.names ? res.names[i] : "";
    }
    return true;
}

/* A relation on every rank with r's rows once each (a replicated one goes to rank 0). */
static bool unreplicate(pctx *pc, rel *r)
{
    if (r->dist != DIST_REPLICATED || pc->nranks == 1) return true;
    return materialize(pc, r, SHOAL_STEP_REDISTRIBUTE, 0, NULL, "DS_DIST_RANK0");
}

/* UNION [ALL] / INTERSECT / EXCEPT: both sides as relations, columns cast to common types,
 * concatenated by APPEND on every rank; UNION de-duplicates with a distributed aggregation
 * on every column; INTERSECT and EXCEPT tag each side's rows and keep the groups the tags
 * select (GROUP BY treats NULLs as equal, as set operations must). */
static bool plan_setop(pctx *pc, const shoal_ast_node *body, const shoal_bind_scope *parent, const cte_scope *ctes, rel *out,
                       const char ***names)
{
    if (shoal_is_a(body, query)) return plan_query_rel(pc, (const shoal_ast_query *)body, parent, ctes, NULL, out, names);
    if (shoal_is_a(body, select)) {
        shoal_ast_query *w = shoal_arena_alloc(pc->a, sizeof *w);
        memset(w, 0, sizeof *w);
        w->node.tag = SHOAL_AST_QUERY;
        w->node.loc = body->loc;
        w->body = (shoal_ast_node *)body;
        return plan_query_rel(pc, w, parent, ctes, NULL, out, names);
    }
    if (!shoal_is_a(body, set_operation))
        return plan_error(pc->err, body->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "this query form is not supported yet");
    const shoal_ast_set_operation *so = (const shoal_ast_set_operation *)body;
    const char *opname = so->op == SHOAL_AST_UNION ? "UNION" : so->op == SHOAL_AST_INTERSECT ? "INTERSECT" : "EXCEPT";
    if (so->all && so->op != SHOAL_AST_UNION)
        return pfail(pc, body->loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED, "%s ALL is not supported yet", opname);
    rel L, R;
    const char **lnames = NULL, **rnames = NULL;
    if (!plan_setop(pc, so->left, parent, ctes, &L, &lnames) || !plan_setop(pc, so->right, parent, ctes, &R, &rnames)) return false;
    if (L.ncols != R.ncols) return pfail(pc, body->loc, "42601", "each %s query must have the same number of columns", opname);
    int n = L.ncols;
    /* common column types */
    shoal_expr **lx = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 3));
    shoal_expr **rx = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 3));
    int *lg = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(n + 3)), *rg = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(n + 3));
    shoal_binder b;
    shoal_binder_init(&b, pc->a, pc->sql, pc->err);
    for (int i = 0; i < n; i++) {
        shoal_type lt = pc->gid_type[L.gids[i]], rt = pc->gid_type[R.gids[i]], t;
        if (!shoal_bind_common_type(lt, rt, &t))
            return pfail(pc, body->loc, SHOAL_SQLSTATE_DATATYPE_MISMATCH, "%s types of column %d cannot be matched", opname, i + 1);
        lx[i] = shoal_bind_cast(&b, shoal_expr_column(pc->a, L.gids[i], lt), t);
        rx[i] = shoal_bind_cast(&b, shoal_expr_column(pc->a, R.gids[i], rt), t);
        lg[i] = lx[i]->kind == SHOAL_EXPR_COLUMN ? L.gids[i] : new_gid(pc, t);
        rg[i] = rx[i]->kind == SHOAL_EXPR_COLUMN ? R.gids[i] : new_gid(pc, t);
        if (lg[i] < 0 || rg[i] < 0) return pfail(pc, body->loc, "54001", "too many columns");
    }
    int width = n;
    if (so->op != SHOAL_AST_UNION) { /* tags: (1, NULL) on the left rows, (NULL, 1) on the right */
        lx[n] = int_const(pc, SHOAL_TYPE_INTEGER, false, 1);
        lx[n + 1] = int_const(pc, SHOAL_TYPE_INTEGER, true, 0);
        rx[n] = int_const(pc, SHOAL_TYPE_INTEGER, true, 0);
        rx[n + 1] = int_const(pc, SHOAL_TYPE_INTEGER, false, 1);
        for (int k = n; k < n + 2; k++) {
            lg[k] = new_gid(pc, shoal_type_make(SHOAL_TYPE_INTEGER));
            rg[k] = new_gid(pc, shoal_type_make(SHOAL_TYPE_INTEGER));
        }
        width = n + 2;
    }
    rel_project(pc, &L, width, lx, lg);
    rel_project(pc, &R, width, rx, rg);
    bool both_replicated = L.dist == DIST_REPLICATED && R.dist == DIST_REPLICATED;
    if (!both_replicated && (!unreplicate(pc, &L) || !unreplicate(pc, &R))) return false;
    shoal_plan *ap = mk(pc, SHOAL_PLAN_APPEND, L.plan, width);
    ap->child2 = R.plan;
    rel u = {0};
    u.plan = ap;
    u.ncols = width;
    u.gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(width + 1));
    for (int i = 0; i < width; i++) {
        ap->types[i] = L.plan->types[i];
        ap->names[i] = "";
        if ((u.gids[i] = new_gid(pc, ap->types[i])) < 0) return pfail(pc, body->loc, "54001", "too many columns");
    }
    u.dist = both_replicated ? DIST_REPLICATED : DIST_PARTITIONED;
    u.rows = L.rows + R.rows;
    ap->est_rows = u.rows;
    if (so->op == SHOAL_AST_UNION && !so->all) {
        shoal_expr **keys = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) keys[i] = shoal_expr_column(pc->a, u.gids[i], ap->types[i]);
        if (!agg_distributed(pc, &u, n, keys, 0, NULL, NULL, NULL, false)) return false;
    } else if (so->op != SHOAL_AST_UNION) {
        shoal_expr **keys = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) keys[i] = shoal_expr_column(pc->a, u.gids[i], ap->types[i]);
        shoal_agg_spec specs[2];
        shoal_expr *inputs[2];
        memset(specs, 0, sizeof specs);
        for (int k = 0; k < 2; k++) {
            specs[k].func = SHOAL_AGG_COUNT;
            specs[k].input_type = shoal_type_make(SHOAL_TYPE_INTEGER);
            inputs[k] = shoal_expr_column(pc->a, u.gids[n + k], specs[k].input_type);
        }
        if (!agg_distributed(pc, &u, n, keys, 2, specs, inputs, NULL, false)) return false;
        shoal_type bt = shoal_type_make(SHOAL_TYPE_BOOLEAN), big = pc->gid_type[u.gids[n]];
        shoal_expr *zero = int_const(pc, big.id, false, 0);
        shoal_expr **a1 = shoal_arena_alloc(pc->a, 2 * sizeof(shoal_expr *)), **a2 = shoal_arena_alloc(pc->a, 2 * sizeof(shoal_expr *));
        a1[0] = shoal_expr_column(pc->a, u.gids[n], big);
        a1[1] = zero;
        a2[0] = shoal_expr_column(pc->a, u.gids[n + 1], big);
        a2[1] = zero;
        shoal_expr *left_has = shoal_expr_func(pc->a, SHOAL_FUNC_GT, bt, 2, a1);
        shoal_expr *right_test = shoal_expr_func(pc->a, so->op == SHOAL_AST_INTERSECT ? SHOAL_FUNC_GT : SHOAL_FUNC_EQ, bt, 2, a2);
        rel_filter(pc, &u, and_of(pc, left_has, right_test));
        shoal_expr **cols = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 1));
        int *gids = shoal_arena_alloc(pc->a, sizeof(int) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            gids[i] = u.gids[i];
            cols[i] = shoal_expr_column(pc->a, gids[i], pc->gid_type[gids[i]]);
        }
        rel_project(pc, &u, n, cols, gids);
    }
    *out = u;
    *names = lnames;
    return true;
}

/* The outermost query: its steps, the final gather, the leader's plan. */
static bool plan_top(pctx *pc, const shoal_ast_query *q, const cte_scope *ctes, shoal_select_plan *out)
{
    memset(out, 0, sizeof *out);
    block_result res;
    if (shoal_is_a(q->body, select)) {
        if (!plan_block(pc, q, NULL, ctes, true, NULL, &res)) return false;
    } else {
        /* a set operation: ORDER BY names or numbers its output columns */
        memset(&res, 0, sizeof res);
        const cte_scope *cs = push_ctes(pc, q, ctes);
        if (!plan_setop(pc, q->body, NULL, cs, &res.r, &res.names)) return false;
        int n = res.r.ncols;
        res.nout = res.nt = n;
        res.outputs = shoal_arena_alloc(pc->a, sizeof(shoal_expr *) * (size_t)(n + 1));
        res.types = shoal_arena_alloc(pc->a, sizeof(shoal_type) * (size_t)(n + 1));
        target_item *targets = shoal_arena_alloc(pc->a, sizeof(target_item) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            res.types[i] = pc->gid_type[res.r.gids[i]];
            res.outputs[i] = shoal_expr_column(pc->a, res.r.gids[i], res.types[i]);
            targets[i] = (target_item){NULL, i, res.names[i], q->node.loc};
        }
        res.limit = -1;
        if (!constant_count(q->limit, &res.limit, pc->err) || !constant_count(q->offset, &res.offset, pc->err)) return false;
        res.nsort = q->order_by.count;
        res.sort_keys = shoal_arena_alloc(pc->a, sizeof(shoal_sort_key) * (size_t)(res.nsort + 1));
        for (int i = 0; i < res.nsort; i++) {
            const shoal_ast_sort_item *s = (const shoal_ast_sort_item *)shoal_ast_list_at(&q->order_by, i);
            bool bad = false;
            int col = order_target(s, targets, n, pc->err, &bad);
            if (bad) return false;
            if (col < 0)
                return plan_error(pc->err, s->node.loc, SHOAL_SQLSTATE_FEATURE_NOT_SUPPORTED,
                                  "ORDER BY of a set operation must name or number an output column");
            res.sort_keys[i].column = col;
            res.sort_keys[i].descending = s->direction == SHOAL_AST_SORT_DESC;
            res.sort_keys[i].nulls_first = s->nulls == SHOAL_AST_NULLS_DEFAULT ? res.sort_keys[i].descending : s->nulls == SHOAL_AST_NULLS_FIRST;
        }
    }
    shoal_arena *a = pc->a;
    int nout = res.nout, nt = res.nt;
    shoal_plan *fin;
    if (res.r.plan == NULL) {
        /* SELECT without FROM: the leader evaluates the list over one empty row */
        fin = mk(pc, SHOAL_PLAN_PROJECT, mk(pc, SHOAL_PLAN_RECEIVE, NULL, 0), nout);
        fin->exprs = res.outputs;
    } else if (res.top_grouped) {
        shoal_plan *partial = res.r.plan;
        int npart = partial->column_count;
        shoal_plan *recv = mk(pc, SHOAL_PLAN_RECEIVE, NULL, npart);
        copy_schema(recv, partial);
        shoal_agg_spec *final_aggs = shoal_arena_alloc(a, sizeof(shoal_agg_spec) * (size_t)(res.na + 1));
        if (res.na > 0) memcpy(final_aggs, res.aggs, sizeof(shoal_agg_spec) * (size_t)res.na);
        fin = agg_node(pc, recv, SHOAL_AGG_FINAL, res.nk, res.keycols, res.na, final_aggs);
        if (res.having) {
            shoal_plan *f = mk(pc, SHOAL_PLAN_FILTER, fin, fin->column_count);
            copy_schema(f, fin);
            f->predicate = res.having;
            fin = f;
        }
        shoal_plan *p = mk(pc, SHOAL_PLAN_PROJECT, fin, nout);
        p->exprs = res.outputs;
        fin = p;
    } else {
        shoal_plan *frag = res.r.plan;
        rel r = res.r;
        /* map the outputs (gid space) onto the fragment */
        shoal_plan *p = mk(pc, SHOAL_PLAN_PROJECT, frag, nout);
        p->exprs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(nout + 1));
        for (int i = 0; i < nout; i++) {
            p->exprs[i] = to_rel(pc, res.outputs[i], &r);
            p->types[i] = res.outputs[i]->type;
            p->names[i] = "";
        }
        frag = p;
        if (res.nsort > 0 && res.limit >= 0) { /* local top-N: no rank sends more than limit+offset rows */
            shoal_plan *s = mk(pc, SHOAL_PLAN_SORT, frag, nout);
            copy_schema(s, frag);
            s->sort_key_count = res.nsort;
            s->sort_keys = res.sort_keys;
            s->limit = res.limit + res.offset;
            frag = s;
        }
        res.r.plan = frag;
        fin = mk(pc, SHOAL_PLAN_RECEIVE, NULL, nout);
    }
    if (res.r.plan) {
        if (pc->nsteps >= SHOAL_MAX_QUERY_STEPS) return plan_error(pc->err, q->node.loc, "54001", "the query needs too many steps");
        shoal_query_step *st = &pc->steps[pc->nsteps++];
        memset(st, 0, sizeof *st);
        st->fragment = res.r.plan;
        st->output = SHOAL_STEP_GATHER;
        st->temp_id = -1;
        st->rank0_only = res.r.dist == DIST_REPLICATED;
        st->label = "DS_RETURN";
    }
    for (int i = 0; i < nout; i++) {
        fin->types[i] = res.types[i];
        fin->names[i] = i < nt ? (char *)res.names[i] : "";
    }
    if (res.nsort > 0 || res.limit >= 0 || res.offset > 0) {
        shoal_plan *s = mk(pc, res.nsort > 0 ? SHOAL_PLAN_SORT : SHOAL_PLAN_LIMIT, fin, nout);
        copy_schema(s, fin);
        s->sort_key_count = res.nsort;
        s->sort_keys = res.sort_keys;
        s->limit = res.limit;
        s->offset = res.offset;
        fin = s;
    }
    if (nout > nt) { /* drop the columns that only ORDER BY needed */
        shoal_plan *p = mk(pc, SHOAL_PLAN_PROJECT, fin, nt);
        p->exprs = shoal_arena_alloc(a, sizeof(shoal_expr *) * (size_t)(nt + 1));
        for (int i = 0; i < nt; i++) {
            p->exprs[i] = shoal_expr_column(a, i, fin->types[i]);
            p->types[i] = fin->types[i];
            p->names[i] = fin->names[i];
        }
        fin = p;
    }
    out->final_plan = fin;
    out->steps = pc->steps;
    out->step_count = pc->nsteps;
    return true;
}

bool shoal_plan_select(const shoal_catalog *cat, const shoal_ast_query *q, const char *sql, shoal_arena *arena,
                       const shoal_planner_hooks *hooks, shoal_select_plan *out, shoal_error *err)
{
    pctx pc;
    memset(&pc, 0, sizeof pc);
    pc.cat = cat;
    pc.sql = sql;
    pc.a = arena;
    pc.err = err;
    pc.hooks = hooks;
    pc.nranks = hooks && hooks->rank_count > 0 ? hooks->rank_count : 1;
    pc.gid_type = shoal_arena_alloc(arena, sizeof(shoal_type) * MAX_GIDS);
    pc.gid_used = shoal_arena_alloc(arena, sizeof(bool) * MAX_GIDS);
    memset(pc.gid_used, 0, sizeof(bool) * MAX_GIDS);
    pc.gid_table = shoal_arena_alloc(arena, sizeof(shoal_table_def *) * MAX_GIDS);
    pc.gid_column = shoal_arena_alloc(arena, sizeof(int) * MAX_GIDS);
    pc.steps = shoal_arena_alloc(arena, sizeof(shoal_query_step) * SHOAL_MAX_QUERY_STEPS);
    if (!plan_top(&pc, q, NULL, out)) return false;
    if (getenv("SHOAL_NO_PRUNE") == NULL) shoal_plan_prune_columns(out, arena); /* false: kept as planned */
    return true;
}

static void explain_steps(const shoal_select_plan *plan, int rank_count, const shoal_query_rank_stats *stats, char *buf,
                          size_t size);

void shoal_select_plan_explain(const shoal_select_plan *plan, int rank_count, char *buf, size_t size)
{
    explain_steps(plan, rank_count, NULL, buf, size);
}

void shoal_select_plan_explain_analyze(const shoal_select_plan *plan, int rank_count, const shoal_query_rank_stats *step_stats,
                                       char *buf, size_t size)
{
    explain_steps(plan, rank_count, step_stats, buf, size);
}

static void explain_steps(const shoal_select_plan *plan, int rank_count, const shoal_query_rank_stats *stats, char *buf,
                          size_t size)
{
    shoal_plan_explain(plan->final_plan, 0, buf, size);
    for (int s = plan->step_count - 1; s >= 0; s--) {
        const shoal_query_step *st = &plan->steps[s];
        size_t used = strlen(buf);
        if (used + 1 >= size) return;
        const char *what = st->output == SHOAL_STEP_GATHER      ? "Gather to the leader"
                           : st->output == SHOAL_STEP_BROADCAST ? "Broadcast to every rank"
                                                                : "Redistribute by hash";
        snprintf(buf + used, size - used, "  ->  XN Network %s (%s) step=%d%s, %d rank%s\n", what, st->label ? st->label : "",
                 s, st->rank0_only ? " from rank 0 (replicated input)" : "", rank_count, rank_count == 1 ? "" : "s");
        if (stats) {
            uint64_t rows = 0, rows_max = 0, bytes = 0, bytes_max = 0, blocks = 0, skipped = 0;
            double ms_max = 0, ms_sum = 0;
            for (int r = 0; r < rank_count; r++) {
                const shoal_query_rank_stats *x = &stats[s * rank_count + r];
                rows += x->rows_sent;
                if (x->rows_sent > rows_max) rows_max = x->rows_sent;
                uint64_t moved = st->output == SHOAL_STEP_GATHER ? x->bytes_sent : x->bytes_exchanged;
                bytes += moved;
                if (moved > bytes_max) bytes_max = moved;
                blocks += x->blocks_read;
                skipped += x->blocks_skipped;
                ms_sum += x->elapsed_ms;
                if (x->elapsed_ms > ms_max) ms_max = x->elapsed_ms;
            }
            used = strlen(buf);
            if (used + 1 < size)
                snprintf(buf + used, size - used,
                         "        actual: rows=%llu (max/rank %llu), bytes moved=%llu (max/rank %llu), time max %.1f ms (sum %.1f), "
                         "blocks read=%llu skipped=%llu\n",
                         (unsigned long long)rows, (unsigned long long)rows_max, (unsigned long long)bytes,
                         (unsigned long long)bytes_max, ms_max, ms_sum, (unsigned long long)blocks, (unsigned long long)skipped);
        }
        shoal_plan_explain(st->fragment, 2, buf, size);
    }
}
