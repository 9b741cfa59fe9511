/* SCAN over engine/storage: zone-map predicates pushed down, batches decoded per row group. */
#include "engine/exec/scan_storage.h"
#include "engine/storage/table_store.h"
#include "runtime/error.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

typedef struct storage_scan {
    shoal_table_store *store;
    shoal_table_scan *scan;
    shoal_exec_context *ctx;
    uint64_t counted_read, counted_skipped;
} storage_scan;

static shoal_zone_const zone_const(const shoal_value *v)
{
    switch (shoal_type_physical(v->type)) {
    case SHOAL_PHYS_STRING: return shoal_zone_const_str(v->v.str.ptr, v->v.str.len);
    case SHOAL_PHYS_I128: return shoal_zone_const_i128(v->v.i128);
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: return shoal_zone_const_f64(v->v.f64);
    default: return shoal_zone_const_i64(v->v.i64);
    }
}

static shoal_zone_op zone_op(uint8_t op)
{
    switch ((shoal_scan_op)op) {
    case SHOAL_SCAN_EQ: return SHOAL_ZONE_EQ;
    case SHOAL_SCAN_LT: return SHOAL_ZONE_LT;
    case SHOAL_SCAN_LE: return SHOAL_ZONE_LE;
    case SHOAL_SCAN_GT: return SHOAL_ZONE_GT;
    case SHOAL_SCAN_GE: return SHOAL_ZONE_GE;
    }
    return SHOAL_ZONE_EQ;
}

static void account(storage_scan *s)
{
    const shoal_scan_stats *st = shoal_table_scan_stats(s->scan);
    s->ctx->blocks_read += st->blocks_read - s->counted_read;
    s->ctx->blocks_skipped += st->blocks_skipped - s->counted_skipped;
    s->counted_read = st->blocks_read;
    s->counted_skipped = st->blocks_skipped;
}

static bool storage_next(void *state, shoal_batch *out, shoal_eval_error *err)
{
    storage_scan *s = state;
    if (s->scan == NULL) return false; /* nothing stored on this rank */
    shoal_error e;
    int rc = shoal_table_scan_next(s->scan, out, &e);
    account(s);
    if (rc == SHOAL_SCAN_ERROR) return shoal_eval_fail(err, e.sqlstate, "%s", e.message);
    return rc == SHOAL_SCAN_ROWS;
}

static void storage_close(void *state)
{
    storage_scan *s = state;
    if (s->scan) shoal_table_scan_close(s->scan);
    if (s->store) shoal_table_store_close(s->store);
    free(s);
}

bool shoal_open_storage_scan(shoal_exec_context *ctx, const shoal_plan *p, shoal_scan_source *source,
                             shoal_eval_error *err)
{
    const char *rank_dir = ctx->scan_arg;
    storage_scan *s = shoal_xcalloc(1, sizeof *s);
    s->ctx = ctx;
    source->state = s;
    source->next = storage_next;
    source->close = storage_close;
    if (p->table_version == 0 || (p->replicated && ctx->rank != 0) || !shoal_table_exists(rank_dir, p->table_id))
        return true; /* scans as empty */
    shoal_store_options opts = {0};
    opts.committed_version = p->table_version;
    shoal_error e;
    s->store = shoal_table_store_open(rank_dir, p->table_id, NULL, 0, &opts, &e);
    if (s->store == NULL) {
        free(s);
        source->close = NULL;
        return shoal_eval_fail(err, e.sqlstate, "%s", e.message);
    }
    shoal_zone_pred preds[64];
    int n = 0;
    for (int i = 0; i < p->pred_count && n < 64; i++)
        preds[n++] = shoal_zone_pred_make(p->preds[i].column, zone_op(p->preds[i].op), zone_const(&p->preds[i].value));
    s->scan = shoal_table_scan_open(s->store, p->scan_columns, p->scan_count, preds, n, &e);
    if (s->scan == NULL) {
        storage_close(s);
        source->close = NULL;
        return shoal_eval_fail(err, e.sqlstate, "%s", e.message);
    }
    return true;
}
