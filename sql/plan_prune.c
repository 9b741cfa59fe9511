/* Column pruning over a planned query's steps: a step's output keeps only the columns that the
 * later steps and the final plan read, so exchanges and intermediate results carry no column
 * that was needed only below them (TPC-H Q13 shipped o_comment, read by its filter only, with
 * every order: 64 bytes a row where 12 were used). Join build sides are pruned the same way
 * (less memory in the hash table).
 *
 * Two passes over the plan DAG (a node may have two parents: a magic set and its join read one
 * RECEIVE):
 *   1. requirements, top-down: which output columns of each node anyone reads, from the final
 *      plan (all of its columns) back through the steps, last to first (a fragment reads only
 *      earlier steps' results); a RECEIVE passes its requirement on to the step it reads.
 *   2. rewriting, steps first to last, then the final plan, into new nodes (the planned nodes
 *      are left as they were, so a failure keeps the unpruned plan): a PROJECT computes only
 *      the columns someone reads, a step's top and a join's build side get a PROJECT when
 *      they still carry unread columns, and column references are renumbered.
 * Nodes this pass does not model (AGGREGATE, WINDOW, APPEND, kinds added later) require all of
 * their input and keep their output: their children's outputs then stay as they were. */
#include "sql/plan_prune.h"

#include <string.h>

typedef struct node_info {
    const shoal_plan *node;
    bool *req;          /* per output column: read by someone (pass 1) */
    bool visited;
    shoal_plan *out;    /* pass 2: the rewritten node */
    int *map;           /* pass 2: old output column -> new (-1: dropped) */
} node_info;

/* Step results by temp_id; the gathered result (RECEIVE -1) in slot GATHERED. */
#define GATHERED SHOAL_MAX_QUERY_STEPS
typedef struct prune_ctx {
    shoal_arena *a;
    node_info *nodes;
    int count, cap;
    bool *result_req[SHOAL_MAX_QUERY_STEPS + 1];
    int *result_map[SHOAL_MAX_QUERY_STEPS + 1];
    const shoal_plan *result_schema[SHOAL_MAX_QUERY_STEPS + 1]; /* the rewritten fragment's top */
    bool failed;
} prune_ctx;

static node_info *info_of(prune_ctx *c, const shoal_plan *p)
{
    for (int i = 0; i < c->count; i++)
        if (c->nodes[i].node == p) return &c->nodes[i];
    if (c->count == c->cap) {
        int cap = c->cap ? c->cap * 2 : 64;
        node_info *n = shoal_arena_alloc(c->a, sizeof *n * (size_t)cap);
        if (c->count) memcpy(n, c->nodes, sizeof *n * (size_t)c->count);
        c->nodes = n;
        c->cap = cap;
    }
    node_info *in = &c->nodes[c->count++];
    memset(in, 0, sizeof *in);
    in->node = p;
    in->req = shoal_arena_alloc(c->a, sizeof(bool) * (size_t)(p->column_count + 1));
    memset(in->req, 0, sizeof(bool) * (size_t)(p->column_count + 1));
    return in;
}

static bool *new_set(prune_ctx *c, int n, bool value)
{
    bool *s = shoal_arena_alloc(c->a, sizeof(bool) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) s[i] = value;
    return s;
}

static int result_slot(const shoal_plan *receive)
{
    if (receive->temp_id == -1) return GATHERED;
    return receive->temp_id >= 0 && receive->temp_id < SHOAL_MAX_QUERY_STEPS ? receive->temp_id : -1;
}

/* Marks the columns e reads (those in [offset, offset + n), as column - offset) in s. */
static void mark_expr(const shoal_expr *e, bool *s, int offset, int n)
{
    if (e == NULL) return;
    if (e->kind == SHOAL_EXPR_COLUMN && e->column >= offset && e->column - offset < n) s[e->column - offset] = true;
    for (int i = 0; i < e->arg_count; i++) mark_expr(e->args[i], s, offset, n);
}

/* ---- pass 1: requirements ---- */

static void require(prune_ctx *c, const shoal_plan *p, const bool *r)
{
    node_info *in = info_of(c, p);
    bool grew = !in->visited;
    in->visited = true;
    for (int i = 0; i < p->column_count; i++)
        if (r[i] && !in->req[i]) in->req[i] = grew = true;
    if (!grew) return;
    const bool *R = in->req;
    int nc = p->child ? p->child->column_count : 0;
    switch ((shoal_plan_kind)p->kind) {
    case SHOAL_PLAN_SCAN:
        return;
    case SHOAL_PLAN_RECEIVE: {
        int slot = result_slot(p);
        if (slot < 0) return;
        if (c->result_req[slot] == NULL) c->result_req[slot] = new_set(c, p->column_count, false);
        for (int i = 0; i < p->column_count; i++) c->result_req[slot][i] |= R[i];
        return;
    }
    case SHOAL_PLAN_FILTER: {
        bool *s = new_set(c, nc, false);
        memcpy(s, R, sizeof(bool) * (size_t)nc);
        mark_expr(p->predicate, s, 0, nc);
        require(c, p->child, s);
        return;
    }
    case SHOAL_PLAN_PROJECT: {
        bool *s = new_set(c, nc, false), any = false;
        for (int i = 0; i < p->column_count; i++) any |= R[i];
        for (int i = 0; i < p->column_count; i++) /* nothing read (rows only): column 0 stays */
            if (R[i] || (!any && i == 0)) mark_expr(p->exprs[i], s, 0, nc);
        require(c, p->child, s);
        return;
    }
    case SHOAL_PLAN_SORT:
    case SHOAL_PLAN_LIMIT: {
        bool *s = new_set(c, nc, false);
        memcpy(s, R, sizeof(bool) * (size_t)nc);
        for (int k = 0; k < p->sort_key_count; k++)
            if (p->sort_keys[k].column >= 0 && p->sort_keys[k].column < nc) s[p->sort_keys[k].column] = true;
        require(c, p->child, s);
        return;
    }
    case SHOAL_PLAN_HASH_JOIN: {
        int np = p->child->column_count, nb = p->child2->column_count;
        bool probe_only = p->join_type == SHOAL_JOIN_SEMI || p->join_type == SHOAL_JOIN_ANTI ||
                          p->join_type == SHOAL_JOIN_ANTI_NULL_AWARE;
        bool *sp = new_set(c, np, false), *sb = new_set(c, nb, false);
        for (int i = 0; i < np; i++) sp[i] = R[i];
        for (int j = 0; j < nb && !probe_only; j++) sb[j] = R[np + j];
        for (int k = 0; k < p->join_key_count; k++) {
            sp[p->probe_keys[k]] = true;
            sb[p->build_keys[k]] = true;
        }
        mark_expr(p->residual, sp, 0, np);
        mark_expr(p->residual, sb, np, nb);
        require(c, p->child, sp);
        require(c, p->child2, sb);
        return;
    }
    default: /* AGGREGATE, WINDOW, APPEND, ...: all of the input */
        if (p->child) require(c, p->child, new_set(c, p->child->column_count, true));
        if (p->child2) require(c, p->child2, new_set(c, p->child2->column_count, true));
        return;
    }
}

/* ---- pass 2: rewriting ---- */

/* A copy of e with its column references renumbered by map (offset: where the mapped part
 * starts, both before and after; columns outside [offset, offset + n) stay). */
static shoal_expr *remap_expr(prune_ctx *c, const shoal_expr *e, const int *map, int offset, int n, int new_offset)
{
    if (e == NULL) return NULL;
    shoal_expr *x = shoal_arena_alloc(c->a, sizeof *x);
    *x = *e;
    if (e->kind == SHOAL_EXPR_COLUMN && e->column >= offset && e->column - offset < n) {
        int to = map[e->column - offset];
        if (to < 0) c->failed = true; /* read but dropped: a bug here; the plan stays unpruned */
        x->column = new_offset + to;
    }
    if (e->arg_count > 0) {
        x->args = shoal_arena_alloc(c->a, sizeof(shoal_expr *) * (size_t)e->arg_count);
        for (int i = 0; i < e->arg_count; i++) x->args[i] = remap_expr(c, e->args[i], map, offset, n, new_offset);
    }
    return x;
}

static int *identity_map(prune_ctx *c, int n)
{
    int *m = shoal_arena_alloc(c->a, sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) m[i] = i;
    return m;
}

static int mapped_count(const int *map, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += map[i] >= 0;
    return k;
}

/* The schema of `from` (old columns through map) onto q, which gets new arrays. */
static void set_schema(prune_ctx *c, shoal_plan *q, const shoal_plan *old, const int *map)
{
    int n = mapped_count(map, old->column_count);
    shoal_type *types = shoal_arena_alloc(c->a, sizeof(shoal_type) * (size_t)(n + 1));
    char **names = shoal_arena_alloc(c->a, sizeof(char *) * (size_t)(n + 1));
    for (int i = 0; i < old->column_count; i++)
        if (map[i] >= 0) {
            types[map[i]] = old->types[i];
            names[map[i]] = old->names ? old->names[i] : NULL;
        }
    q->column_count = n;
    q->types = types;
    q->names = names;
}

/* When p (rewritten: node, map) still outputs columns that req does not ask for, a PROJECT of
 * the asked ones over it; *map becomes old column -> the PROJECT's. */
static shoal_plan *keep_required(prune_ctx *c, shoal_plan *p, const shoal_plan *old, const bool *req, int **map)
{
    int *m = *map, kept = 0, present = mapped_count(m, old->column_count);
    for (int i = 0; i < old->column_count; i++) kept += m[i] >= 0 && req[i];
    if (kept == present || kept == 0) return p; /* nothing to drop (or nothing read: keep the rows' shape) */
    shoal_plan *proj = shoal_plan_new(c->a, SHOAL_PLAN_PROJECT, p, kept);
    proj->exprs = shoal_arena_alloc(c->a, sizeof(shoal_expr *) * (size_t)(kept + 1));
    proj->est_rows = p->est_rows;
    int *nm = shoal_arena_alloc(c->a, sizeof(int) * (size_t)(old->column_count + 1));
    int k = 0;
    for (int i = 0; i < old->column_count; i++) {
        nm[i] = -1;
        if (m[i] < 0 || !req[i]) continue;
        proj->exprs[k] = shoal_expr_column(c->a, m[i], p->types[m[i]]);
        proj->types[k] = p->types[m[i]];
        proj->names[k] = p->names ? p->names[m[i]] : NULL;
        nm[i] = k++;
    }
    *map = nm;
    return proj;
}

static shoal_plan *rewrite(prune_ctx *c, const shoal_plan *p, int **map_out)
{
    node_info *in = info_of(c, p);
    if (in->out) {
        *map_out = in->map;
        return in->out;
    }
    shoal_plan *q = shoal_arena_alloc(c->a, sizeof *q);
    *q = *p;
    int *map = identity_map(c, p->column_count);
    switch ((shoal_plan_kind)p->kind) {
    case SHOAL_PLAN_SCAN:
        break;
    case SHOAL_PLAN_RECEIVE: {
        int slot = result_slot(p);
        if (slot >= 0 && c->result_map[slot]) {
            map = c->result_map[slot];
            set_schema(c, q, p, map);
        }
        break;
    }
    case SHOAL_PLAN_FILTER:
    case SHOAL_PLAN_SORT:
    case SHOAL_PLAN_LIMIT: {
        int *m;
        q->child = rewrite(c, p->child, &m);
        int nc = p->child->column_count;
        if (p->kind == SHOAL_PLAN_FILTER) q->predicate = remap_expr(c, p->predicate, m, 0, nc, 0);
        if (p->sort_key_count > 0) {
            q->sort_keys = shoal_arena_alloc(c->a, sizeof(shoal_sort_key) * (size_t)p->sort_key_count);
            for (int k = 0; k < p->sort_key_count; k++) {
                q->sort_keys[k] = p->sort_keys[k];
                q->sort_keys[k].column = m[p->sort_keys[k].column];
                if (q->sort_keys[k].column < 0) c->failed = true;
            }
        }
        map = m;
        set_schema(c, q, p, map);
        break;
    }
    case SHOAL_PLAN_PROJECT: {
        int *m;
        q->child = rewrite(c, p->child, &m);
        int nc = p->child->column_count, kept = 0;
        for (int i = 0; i < p->column_count; i++) kept += in->req[i];
        q->exprs = shoal_arena_alloc(c->a, sizeof(shoal_expr *) * (size_t)(p->column_count + 1));
        int k = 0;
        for (int i = 0; i < p->column_count; i++) {
            if (!in->req[i] && !(kept == 0 && i == 0)) { /* nothing read (rows only): column 0 stays */
                map[i] = -1;
                continue;
            }
            q->exprs[k] = remap_expr(c, p->exprs[i], m, 0, nc, 0);
            map[i] = k++;
        }
        set_schema(c, q, p, map);
        break;
    }
    case SHOAL_PLAN_HASH_JOIN: {
        int *mp, *mb;
        q->child = rewrite(c, p->child, &mp);
        shoal_plan *build = rewrite(c, p->child2, &mb);
        q->child2 = keep_required(c, build, p->child2, info_of(c, p->child2)->req, &mb);
        int np = p->child->column_count, nb = p->child2->column_count;
        int np_new = q->child->column_count;
        q->probe_keys = shoal_arena_alloc(c->a, sizeof(int32_t) * (size_t)(p->join_key_count + 1));
        q->build_keys = shoal_arena_alloc(c->a, sizeof(int32_t) * (size_t)(p->join_key_count + 1));
        for (int k = 0; k < p->join_key_count; k++) {
            q->probe_keys[k] = mp[p->probe_keys[k]];
            q->build_keys[k] = mb[p->build_keys[k]];
            if (q->probe_keys[k] < 0 || q->build_keys[k] < 0) c->failed = true;
        }
        if (p->residual) {
            shoal_expr *r = remap_expr(c, p->residual, mp, 0, np, 0);
            q->residual = remap_expr(c, r, mb, np, nb, np_new);
        }
        bool probe_only = p->join_type == SHOAL_JOIN_SEMI || p->join_type == SHOAL_JOIN_ANTI ||
                          p->join_type == SHOAL_JOIN_ANTI_NULL_AWARE;
        for (int i = 0; i < np; i++) map[i] = mp[i];
        for (int j = 0; j < nb && !probe_only; j++) map[np + j] = mb[j] < 0 ? -1 : np_new + mb[j];
        set_schema(c, q, p, map);
        break;
    }
    default: { /* its children kept all of their columns (pass 1 asked for all) */
        int *m;
        if (p->child) {
            q->child = rewrite(c, p->child, &m);
            if (mapped_count(m, p->child->column_count) != p->child->column_count) c->failed = true;
        }
        if (p->child2) {
            q->child2 = rewrite(c, p->child2, &m);
            if (mapped_count(m, p->child2->column_count) != p->child2->column_count) c->failed = true;
        }
        break;
    }
    }
    in->out = q;
    in->map = map;
    *map_out = map;
    return q;
}

bool shoal_plan_prune_columns(shoal_select_plan *plan, shoal_arena *a)
{
    prune_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    const shoal_plan *fin = plan->final_plan;
    require(&c, fin, new_set(&c, fin->column_count, true));
    for (int s = plan->step_count - 1; s >= 0; s--) {
        const shoal_query_step *st = &plan->steps[s];
        int slot = st->output == SHOAL_STEP_GATHER ? GATHERED : st->temp_id;
        if (slot < 0 || slot > GATHERED) return false;
        int n = st->fragment->column_count;
        if (c.result_req[slot] == NULL) c.result_req[slot] = new_set(&c, n, false);
        bool *r = c.result_req[slot];
        for (int k = 0; k < st->key_count; k++) r[st->keys[k]] = true;
        require(&c, st->fragment, r);
    }
    shoal_query_step *steps = shoal_arena_alloc(a, sizeof *steps * (size_t)(plan->step_count + 1));
    for (int s = 0; s < plan->step_count; s++) {
        const shoal_query_step *st = &plan->steps[s];
        int slot = st->output == SHOAL_STEP_GATHER ? GATHERED : st->temp_id;
        int *m;
        shoal_plan *top = rewrite(&c, st->fragment, &m);
        top = keep_required(&c, top, st->fragment, c.result_req[slot], &m);
        steps[s] = *st;
        steps[s].fragment = top;
        if (st->key_count > 0) {
            int32_t *keys = shoal_arena_alloc(a, sizeof(int32_t) * (size_t)st->key_count);
            for (int k = 0; k < st->key_count; k++)
                if ((keys[k] = m[st->keys[k]]) < 0) c.failed = true;
            steps[s].keys = keys;
        }
        c.result_map[slot] = m;
    }
    int *m;
    shoal_plan *new_final = rewrite(&c, fin, &m);
    if (c.failed || mapped_count(m, fin->column_count) != fin->column_count) return false;
    plan->final_plan = new_final;
    plan->steps = steps;
    return true;
}
