/* The query actor on every rank and the leader's coordinator (see query_dispatch.h). */
#include "engine/exec/query_dispatch.h"
#include "engine/exec/batch_wire.h"
#include "runtime/error.h"
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/system_actor.h"

#include <stdlib.h>
#include <string.h>

#define BATCHES_PER_TURN 16
#define CHUNK_BYTES (1u << 20)

typedef struct query_service {
    shoal_open_scan_fn open_scan;
    void *scan_arg;
} query_service;

typedef struct query_actor_state {
    uint64_t query_id;
    shoal_addr reply_to;
    shoal_arena arena; /* the plan */
    shoal_exec_context ctx;
    shoal_operator *root;
    shoal_writer chunk;
    shoal_query_rank_stats stats;
    double started_ms;
    bool cancelled;
    shoal_actor *self;
} query_actor_state;

static void query_state_free(void *arg)
{
    query_actor_state *q = arg;
    shoal_operator_close(q->root);
    shoal_writer_free(&q->chunk);
    shoal_arena_reset(&q->arena);
    free(q);
}

static void flush_chunk(shoal_rt *rt, query_actor_state *q)
{
    if (q->chunk.len == 0) return;
    shoal_send_payload(rt, q->self, q->reply_to, SHOAL_MSG_QUERY_CHUNK, q->query_id, q->chunk.data, (uint32_t)q->chunk.len);
    q->stats.bytes_sent += q->chunk.len;
    q->chunk.len = 0;
}

static void finish(shoal_rt *rt, query_actor_state *q)
{
    shoal_on_cancel_remove(rt, q->query_id);
    shoal_actor_exit(rt, q->self);
}

static void on_cancel(shoal_rt *rt, void *arg)
{
    query_actor_state *q = arg;
    q->cancelled = true; /* the actor exits at its next step; nothing more is sent */
    (void)rt;
}

static void query_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    query_actor_state *q = shoal_actor_state(self);
    if (msg->hdr.type != SHOAL_MSG_QUERY_STEP) return;
    if (q->cancelled) {
        finish(rt, q);
        return;
    }
    shoal_eval_error err = {0};
    for (int i = 0; i < BATCHES_PER_TURN; i++) {
        shoal_batch *b = shoal_operator_next(q->root, &err);
        if (b == NULL) {
            if (err.failed) {
                shoal_raise_error(rt, self, q->reply_to, q->query_id, err.sqlstate, "%s", err.message);
            } else {
                flush_chunk(rt, q);
                q->stats.rows_scanned = q->ctx.rows_scanned;
                q->stats.blocks_read = q->ctx.blocks_read;
                q->stats.blocks_skipped = q->ctx.blocks_skipped;
                q->stats.elapsed_ms = shoal_now_ms() - q->started_ms;
                shoal_send_payload(rt, self, q->reply_to, SHOAL_MSG_QUERY_DONE, q->query_id, &q->stats, sizeof q->stats);
            }
            finish(rt, q);
            return;
        }
        q->stats.rows_sent += shoal_batch_rows(b);
        shoal_batch_write(&q->chunk, b, NULL, 0);
        if (q->chunk.len >= CHUNK_BYTES) flush_chunk(rt, q);
    }
    shoal_send_payload(rt, self, shoal_actor_addr(self), SHOAL_MSG_QUERY_STEP, q->query_id, NULL, 0);
}

static void start_query(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg)
{
    query_service *svc = arg;
    query_actor_state *q = shoal_xcalloc(1, sizeof *q);
    q->query_id = msg->hdr.query_id;
    q->reply_to = msg->hdr.src;
    q->started_ms = shoal_now_ms();
    shoal_arena_init(&q->arena, 16 * 1024);
    shoal_writer_init(&q->chunk, 64 * 1024);
    q->chunk.len = 0;
    q->ctx.open_scan = svc->open_scan;
    q->ctx.scan_arg = svc->scan_arg;
    q->ctx.rank = shoal_rt_rank(rt);
    shoal_reader r;
    shoal_reader_init(&r, msg->payload, msg->hdr.length);
    shoal_plan *plan = shoal_plan_deserialize(&r, &q->arena);
    shoal_eval_error err = {0};
    if (plan == NULL || !shoal_reader_done(&r)) {
        shoal_raise_error(rt, system, q->reply_to, q->query_id, SHOAL_SQLSTATE_INTERNAL, "malformed query plan");
        query_state_free(q);
        return;
    }
    if ((q->root = shoal_operator_open(plan, &q->ctx, &err)) == NULL) {
        shoal_raise_error(rt, system, q->reply_to, q->query_id, err.sqlstate, "%s", err.message);
        query_state_free(q);
        return;
    }
    q->self = shoal_actor_spawn(rt, SHOAL_ANY_ID, "query", query_receive, q, query_state_free);
    shoal_on_cancel(rt, q->query_id, on_cancel, q);
    shoal_send_payload(rt, q->self, shoal_actor_addr(q->self), SHOAL_MSG_QUERY_STEP, q->query_id, NULL, 0);
}

void shoal_query_service_start(shoal_rt *rt, shoal_open_scan_fn open_scan, void *scan_arg)
{
    static query_service services[1]; /* one runtime per process */
    services[0].open_scan = open_scan;
    services[0].scan_arg = scan_arg;
    shoal_system_register(rt, SHOAL_MSG_QUERY_START, start_query, &services[0]);
}

/* ---- leader ---- */

typedef struct chunk_list {
    int count, cap;
    uint8_t **data;
    size_t *len;
} chunk_list;

static void keep_chunk(shoal_request *req, const shoal_msg *msg, void *arg)
{
    (void)req;
    chunk_list *l = arg;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->data = shoal_xrealloc(l->data, (size_t)l->cap * sizeof *l->data);
        l->len = shoal_xrealloc(l->len, (size_t)l->cap * sizeof *l->len);
    }
    l->data[l->count] = shoal_xmalloc(msg->hdr.length ? msg->hdr.length : 1);
    memcpy(l->data[l->count], msg->payload, msg->hdr.length);
    l->len[l->count] = msg->hdr.length;
    l->count++;
}

void shoal_query_run(shoal_rt *rt, const shoal_plan *fragment, const shoal_plan *final_plan, shoal_emit_fn emit,
                     void *emit_arg, shoal_query_result *result)
{
    memset(result, 0, sizeof *result);
    shoal_writer w;
    shoal_writer_init(&w, 4096);
    shoal_plan_serialize(fragment, &w);

    chunk_list chunks = {0};
    shoal_request req;
    shoal_request_begin(rt, &req, shoal_new_query_id());
    req.partial_type = SHOAL_MSG_QUERY_CHUNK;
    req.on_partial = keep_chunk;
    req.partial_arg = &chunks;
    shoal_request_send_all(rt, &req, SHOAL_MSG_QUERY_START, w.data, (uint32_t)w.len);
    shoal_writer_free(&w);
    result->status = shoal_request_wait(rt, &req, -1);
    result->rank_count = req.rank_count;
    result->rank_stats = shoal_xcalloc((size_t)req.rank_count, sizeof *result->rank_stats);
    if (result->status == SHOAL_REQUEST_OK) {
        for (int r = 0; r < req.rank_count; r++)
            if (req.replies[r] && req.replies[r]->hdr.length == sizeof(shoal_query_rank_stats))
                memcpy(&result->rank_stats[r], req.replies[r]->payload, sizeof(shoal_query_rank_stats));
        /* the final step, here on the leader */
        shoal_exec_context ctx = {0};
        ctx.received_count = chunks.count;
        ctx.received = (const uint8_t **)chunks.data;
        ctx.received_len = chunks.len;
        shoal_eval_error err = {0};
        shoal_operator *root = shoal_operator_open(final_plan, &ctx, &err);
        shoal_batch *b;
        while (root && (b = shoal_operator_next(root, &err)) != NULL) emit(emit_arg, b);
        shoal_operator_close(root);
        if (err.failed) {
            result->status = SHOAL_REQUEST_ERROR;
            shoal_error_set(&result->error, shoal_rt_rank(rt), err.sqlstate, "%s", err.message);
        }
    } else {
        result->error = req.error;
    }
    shoal_request_end(rt, &req);
    for (int i = 0; i < chunks.count; i++) free(chunks.data[i]);
    free(chunks.data);
    free(chunks.len);
}
