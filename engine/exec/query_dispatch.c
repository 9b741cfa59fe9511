/* The query actor on every rank and the leader's coordinator of a query's steps (see
 * query_dispatch.h). */
#include "engine/exec/query_dispatch.h"
#include "engine/exec/batch_wire.h"
#include "engine/exec/exchange.h"
#include "engine/exec/exchange_partition.h"
#include "engine/exec/memory_budget.h"
#include "runtime/error.h"
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/system_actor.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define BATCHES_PER_TURN 16
#define CHUNK_BYTES (1u << 20)

typedef struct query_service {
    shoal_open_scan_fn open_scan;
    void *scan_arg;
} query_service;

/* ---- intermediate results on this rank, per query ---- */

typedef struct query_temps {
    uint64_t query_id;
    shoal_temp_result temps[SHOAL_MAX_QUERY_STEPS]; /* fixed: readers hold pointers into it */
    /* the buffers the temps' chunks point into (exchange buffers, handed over whole) */
    uint8_t **owned;
    size_t *owned_cap;
    int owned_count, owned_alloc;
    int active_steps;          /* query actors of this query still running here */
    bool release_pending;      /* the leader asked to release: reply when active_steps is 0 */
    shoal_addr release_to;
    struct query_temps *next;
} query_temps;

static query_temps *g_temps; /* one runtime per process */

static query_temps *temps_find(uint64_t query_id, bool create)
{
    for (query_temps *t = g_temps; t; t = t->next)
        if (t->query_id == query_id) return t;
    if (!create) return NULL;
    query_temps *t = shoal_xcalloc(1, sizeof *t);
    t->query_id = query_id;
    t->next = g_temps;
    g_temps = t;
    return t;
}

static void temps_free(query_temps *t)
{
    for (query_temps **p = &g_temps; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    for (int i = 0; i < SHOAL_MAX_QUERY_STEPS; i++) {
        free(t->temps[i].data);
        free(t->temps[i].len);
    }
    for (int i = 0; i < t->owned_count; i++) shoal_buffer_pool_put(t->owned[i], t->owned_cap[i]);
    free(t->owned);
    free(t->owned_cap);
    free(t);
}

/* The query's intermediate results now own buf (back to the buffer pool when released). */
static void temps_own(query_temps *t, uint8_t *buf, size_t cap)
{
    if (buf == NULL) return;
    if (t->owned_count == t->owned_alloc) {
        t->owned_alloc = t->owned_alloc ? 2 * t->owned_alloc : 16;
        t->owned = shoal_xrealloc(t->owned, (size_t)t->owned_alloc * sizeof *t->owned);
        t->owned_cap = shoal_xrealloc(t->owned_cap, (size_t)t->owned_alloc * sizeof *t->owned_cap);
    }
    t->owned[t->owned_count] = buf;
    t->owned_cap[t->owned_count] = cap;
    t->owned_count++;
}

/* Appends a chunk of wire batches (not copied: it lies in a buffer the temps own). */
static void temp_append(shoal_temp_result *r, uint8_t *bytes, size_t len)
{
    if (len == 0) return;
    r->data = shoal_xrealloc(r->data, (size_t)(r->count + 1) * sizeof *r->data);
    r->len = shoal_xrealloc(r->len, (size_t)(r->count + 1) * sizeof *r->len);
    r->data[r->count] = bytes;
    r->len[r->count] = len;
    r->count++;
}

/* Replies to a pending release once no query actor of the query is left on this rank. */
static void temps_maybe_release(shoal_rt *rt, query_temps *t)
{
    if (!t->release_pending || t->active_steps > 0) return;
    shoal_addr to = t->release_to;
    uint64_t id = t->query_id;
    temps_free(t);
    shoal_send_payload(rt, NULL, to, SHOAL_MSG_DONE, id, NULL, 0);
}

/* ---- the query actor: one step of one query on this rank ---- */

typedef struct query_actor_state {
    uint64_t query_id;
    shoal_addr reply_to;
    shoal_rt *rt;
    shoal_arena arena; /* the plan */
    shoal_exec_context ctx;
    shoal_operator *root; /* NULL: nothing to run here (rank0_only, or it failed to open) */
    query_temps *temps;
    /* the step */
    uint8_t output;
    int32_t temp_id;
    int32_t key_count;
    int32_t *keys;
    /* GATHER */
    shoal_writer chunk;
    /* BROADCAST / REDISTRIBUTE */
    shoal_exchange exchange;
    bool exchanging;
    bool produced_all;
    shoal_partitioner partitioner;
    /* outcome */
    bool failed;
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
    if (q->exchanging) {
        shoal_partitioner_free(&q->partitioner);
        shoal_exchange_free(&q->exchange);
    }
    shoal_arena_reset(&q->arena);
    if (q->temps) {
        q->temps->active_steps--;
        temps_maybe_release(q->rt, q->temps);
    }
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

/* Peak resident memory is the kernel's high-water mark (getrusage's ru_maxrss), which
 * otherwise holds the process's peak since it started (usually a load's). Each step resets it
 * when it starts (Linux >= 4.0: "5" to /proc/self/clear_refs), so a step reports the peak
 * while it ran, intermediate results of earlier steps included. Where the file cannot be
 * written the figure stays the peak so far; two queries running at once on a rank share the
 * mark (a step starting lowers the other's). */
static void reset_peak_resident(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, "5", 1) != 1) shoal_log(SHOAL_LOG_DEBUG, "cannot reset the peak resident memory");
    close(fd);
}

static uint64_t peak_resident(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0; /* Linux: KiB */
}

static void report_done(shoal_rt *rt, query_actor_state *q)
{
    q->stats.rows_scanned = q->ctx.rows_scanned;
    q->stats.blocks_read = q->ctx.blocks_read;
    q->stats.blocks_skipped = q->ctx.blocks_skipped;
    q->stats.elapsed_ms = shoal_now_ms() - q->started_ms;
    q->stats.peak_resident_bytes = peak_resident();
    shoal_send_payload(rt, q->self, q->reply_to, SHOAL_MSG_QUERY_DONE, q->query_id, &q->stats, sizeof q->stats);
}

static void on_cancel(shoal_rt *rt, void *arg)
{
    query_actor_state *q = arg;
    q->cancelled = true; /* gather: the actor exits at its next step; exchange: stops producing */
    (void)rt;
}

static void send_self(shoal_rt *rt, query_actor_state *q)
{
    shoal_send_payload(rt, q->self, shoal_actor_addr(q->self), SHOAL_MSG_QUERY_STEP, q->query_id, NULL, 0);
}

/* Sends the selected rows of b to their ranks' exchange buffers. */
static void partition(query_actor_state *q, const shoal_batch *b)
{
    uint32_t n = shoal_batch_rows(b);
    if (n == 0) return;
    q->stats.rows_sent += n;
    if (q->output == SHOAL_STEP_BROADCAST) shoal_exchange_write_all(&q->exchange, b);
    else if (q->exchange.size == 1 || q->key_count == 0) /* no keys: every row to rank 0 (a window over the whole input) */
        shoal_exchange_write_to(&q->exchange, 0, b);
    else shoal_exchange_write_hashed(&q->exchange, &q->partitioner, b, q->keys, q->key_count);
}

static void step_failed(shoal_rt *rt, query_actor_state *q, const shoal_eval_error *err)
{
    if (!q->failed && !q->cancelled)
        shoal_raise_error(rt, q->self, q->reply_to, q->query_id, err->sqlstate, "%s", err->message);
    q->failed = true;
}

/* GATHER: pull batches and stream them to the leader. */
static void gather_turn(shoal_rt *rt, query_actor_state *q)
{
    if (q->cancelled) {
        finish(rt, q);
        return;
    }
    shoal_eval_error err = {0};
    for (int i = 0; i < BATCHES_PER_TURN; i++) {
        shoal_batch *b = q->root ? shoal_operator_next(q->root, &err) : NULL;
        if (b == NULL) {
            if (err.failed) {
                step_failed(rt, q, &err);
            } else {
                flush_chunk(rt, q);
                report_done(rt, q);
            }
            finish(rt, q);
            return;
        }
        q->stats.rows_sent += shoal_batch_rows(b);
        shoal_batch_write(&q->chunk, b, NULL, 0);
        if (q->chunk.len >= CHUNK_BYTES) flush_chunk(rt, q);
    }
    send_self(rt, q);
}

static void start_round(shoal_rt *rt, query_actor_state *q)
{
    size_t own = q->exchange.outgoing[q->exchange.rank].len;
    q->stats.bytes_exchanged += shoal_exchange_buffered(&q->exchange) - own;
    MPI_Request req = shoal_exchange_start(&q->exchange, !q->produced_all);
    shoal_rt_await(rt, q->self, req, q->query_id, 0);
}

/* BROADCAST / REDISTRIBUTE: produce until a round's worth is buffered, then exchange. */
static void exchange_turn(shoal_rt *rt, query_actor_state *q)
{
    if ((q->cancelled || q->failed) && !q->produced_all) q->produced_all = true;
    shoal_eval_error err = {0};
    for (int i = 0; i < BATCHES_PER_TURN && !q->produced_all && shoal_exchange_buffered(&q->exchange) < SHOAL_EXCHANGE_ROUND_BYTES; i++) {
        shoal_batch *b = q->root ? shoal_operator_next(q->root, &err) : NULL;
        if (b == NULL) {
            if (err.failed) step_failed(rt, q, &err);
            q->produced_all = true;
            break;
        }
        partition(q, b);
    }
    if (q->produced_all || shoal_exchange_buffered(&q->exchange) >= SHOAL_EXCHANGE_ROUND_BYTES) start_round(rt, q);
    else send_self(rt, q);
}

static void exchange_progress(shoal_rt *rt, query_actor_state *q)
{
    MPI_Request req = shoal_exchange_continue(&q->exchange);
    if (req != MPI_REQUEST_NULL) {
        shoal_rt_await(rt, q->self, req, q->query_id, 0);
        return;
    }
    shoal_exchange *x = &q->exchange;
    if (!q->failed && !q->cancelled) {
        /* the round's bytes in rank order, without copying: the other ranks' bytes before
         * ours, ours (the buffer this rank wrote them in), the other ranks' after ours */
        shoal_temp_result *t = &q->temps->temps[q->temp_id];
        size_t before = (size_t)x->recv_displs[x->rank], self_len, self_cap, recv_cap;
        uint8_t *self = shoal_exchange_take_self(x, &self_len, &self_cap);
        uint8_t *recv = x->recv_len ? shoal_exchange_take_recv(x, &recv_cap) : NULL;
        if (recv) temp_append(t, recv, before);
        if (self) temp_append(t, self, self_len);
        if (recv) temp_append(t, recv + before, x->recv_len - before);
        temps_own(q->temps, recv, recv_cap);
        temps_own(q->temps, self, self_cap);
        shoal_eval_error err = {0};
        if (!shoal_memory_budget_check_now(q->ctx.rank, &err)) step_failed(rt, q, &err);
    }
    if (!q->produced_all || x->any_more) {
        send_self(rt, q); /* produce more, or keep joining rounds */
        return;
    }
    if (!q->failed && !q->cancelled) report_done(rt, q);
    finish(rt, q);
}

static void query_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    query_actor_state *q = shoal_actor_state(self);
    if (msg->hdr.type == SHOAL_MSG_MPI_DONE && q->exchanging) exchange_progress(rt, q);
    else if (msg->hdr.type != SHOAL_MSG_QUERY_STEP) return;
    else if (q->exchanging) exchange_turn(rt, q);
    else gather_turn(rt, q);
}

/* START payload: output u8, temp_id i32, comm_index i32, rank0_only u8, key_count i32, keys,
 * then the serialized fragment. */
static void start_query(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg)
{
    query_service *svc = arg;
    query_actor_state *q = shoal_xcalloc(1, sizeof *q);
    q->rt = rt;
    q->query_id = msg->hdr.query_id;
    q->reply_to = msg->hdr.src;
    q->started_ms = shoal_now_ms();
    reset_peak_resident();
    shoal_arena_init(&q->arena, 16 * 1024);
    shoal_writer_init(&q->chunk, 64 * 1024);
    q->chunk.len = 0;
    q->ctx.open_scan = svc->open_scan;
    q->ctx.scan_arg = svc->scan_arg;
    q->ctx.rank = shoal_rt_rank(rt);
    shoal_reader r;
    shoal_reader_init(&r, msg->payload, msg->hdr.length);
    q->output = shoal_get_u8(&r);
    q->temp_id = shoal_get_i32(&r);
    int32_t comm_index = shoal_get_i32(&r);
    bool rank0_only = shoal_get_u8(&r) != 0;
    q->key_count = shoal_get_i32(&r);
    bool header_ok = !r.failed && q->output <= SHOAL_STEP_REDISTRIBUTE && q->key_count >= 0 && q->key_count <= 256 &&
                     (q->output == SHOAL_STEP_GATHER || (q->temp_id >= 0 && q->temp_id < SHOAL_MAX_QUERY_STEPS));
    if (header_ok) {
        q->keys = shoal_arena_alloc(&q->arena, sizeof(int32_t) * (size_t)(q->key_count + 1));
        for (int k = 0; k < q->key_count; k++) q->keys[k] = shoal_get_i32(&r);
    }
    shoal_plan *plan = header_ok ? shoal_plan_deserialize(&r, &q->arena) : NULL;
    for (int k = 0; plan && k < q->key_count; k++)
        if (q->keys[k] < 0 || q->keys[k] >= plan->column_count) plan = NULL;
    if (plan == NULL || !shoal_reader_done(&r)) {
        /* nothing can run, not even the exchange rounds: the leader cancels everyone */
        shoal_raise_error(rt, system, q->reply_to, q->query_id, SHOAL_SQLSTATE_INTERNAL, "malformed query plan");
        query_state_free(q);
        return;
    }
    q->temps = temps_find(q->query_id, true);
    q->temps->active_steps++;
    q->ctx.temps = q->temps->temps;
    q->ctx.temp_count = SHOAL_MAX_QUERY_STEPS;
    q->self = shoal_actor_spawn(rt, SHOAL_ANY_ID, "query", query_receive, q, query_state_free);
    if (q->output != SHOAL_STEP_GATHER) {
        shoal_exchange_init(&q->exchange, shoal_comm_pool_get(shoal_rt_comm_pool(rt), comm_index));
        q->exchange.keep_self = true;     /* this rank's own rows stay here without a copy */
        q->exchange.send_in_place = true; /* nothing is produced while a round is in flight */
        q->exchange.broadcast = q->output == SHOAL_STEP_BROADCAST; /* one copy sent to every rank */
        q->exchanging = true;
        shoal_partitioner_init(&q->partitioner, q->exchange.size);
    }
    shoal_eval_error err = {0};
    if (!(rank0_only && q->ctx.rank != 0) && (q->root = shoal_operator_open(plan, &q->ctx, &err)) == NULL)
        step_failed(rt, q, &err); /* an exchanging step still joins the rounds, producing nothing */
    if (q->failed && !q->exchanging) {
        shoal_actor_exit(rt, q->self);
        return;
    }
    shoal_on_cancel(rt, q->query_id, on_cancel, q);
    send_self(rt, q);
}

static void release_query(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg)
{
    (void)system;
    (void)arg;
    query_temps *t = temps_find(msg->hdr.query_id, true);
    t->release_pending = true;
    t->release_to = msg->hdr.src;
    temps_maybe_release(rt, t);
}

void shoal_query_service_start(shoal_rt *rt, shoal_open_scan_fn open_scan, void *scan_arg)
{
    static query_service services[1]; /* one runtime per process */
    services[0].open_scan = open_scan;
    services[0].scan_arg = scan_arg;
    shoal_memory_budget_init(shoal_rt_node_ranks(rt));
    shoal_system_register(rt, SHOAL_MSG_QUERY_START, start_query, &services[0]);
    shoal_system_register(rt, SHOAL_MSG_QUERY_RELEASE, release_query, NULL);
}

/* ---- leader ---- */

typedef struct chunk_list {
    int count, cap;
    uint8_t **data;
    size_t *len;
    size_t bytes, limit; /* what the leader holds, and the most it may (SHOAL_MAX_RESULT_MB) */
} chunk_list;

/* The most result bytes the leader gathers before the final step (default 2048 MiB). */
static size_t result_limit(void)
{
    const char *v = getenv("SHOAL_MAX_RESULT_MB");
    long mb = v ? strtol(v, NULL, 10) : 0;
    return (size_t)(mb > 0 ? mb : 2048) << 20;
}

static void keep_chunk(shoal_request *req, const shoal_msg *msg, void *arg)
{
    chunk_list *l = arg;
    if (req->failed) return;
    if (l->bytes + msg->hdr.length > l->limit) {
        /* a result that does not fit fails the query (cancelled everywhere) instead of the leader */
        req->failed = true;
        shoal_error_set(&req->error, msg->hdr.src.rank, "53200",
                        "the result is larger than %zu MiB at the leader (SHOAL_MAX_RESULT_MB); add a LIMIT or aggregate",
                        l->limit >> 20);
        return;
    }
    l->bytes += msg->hdr.length;
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

static void add_stats(shoal_query_rank_stats *to, const shoal_query_rank_stats *s)
{
    to->rows_scanned += s->rows_scanned;
    to->blocks_read += s->blocks_read;
    to->blocks_skipped += s->blocks_skipped;
    to->rows_sent += s->rows_sent;
    to->bytes_sent += s->bytes_sent;
    to->bytes_exchanged += s->bytes_exchanged;
    if (s->peak_resident_bytes > to->peak_resident_bytes) to->peak_resident_bytes = s->peak_resident_bytes;
    to->elapsed_ms += s->elapsed_ms;
}

/* Every rank frees the query's intermediate results once no actor of the query is left on it
 * (after an error they may still be finishing exchange rounds): the barrier before the
 * communicator is reused. */
static void release_everywhere(shoal_rt *rt, uint64_t query_id)
{
    shoal_request req;
    shoal_request_begin(rt, &req, query_id);
    shoal_request_send_all(rt, &req, SHOAL_MSG_QUERY_RELEASE, NULL, 0);
    shoal_request_status st = shoal_request_wait(rt, &req, -1);
    if (st != SHOAL_REQUEST_OK) shoal_log(SHOAL_LOG_WARN, "releasing query %llu: %s", (unsigned long long)query_id, req.error.message);
    shoal_request_end(rt, &req);
}

void shoal_query_run_steps(shoal_rt *rt, const shoal_query_step *steps, int step_count, const shoal_plan *final_plan,
                           shoal_emit_fn emit, void *emit_arg, shoal_query_result *result)
{
    memset(result, 0, sizeof *result);
    result->rank_count = shoal_rt_size(rt);
    result->rank_stats = shoal_xcalloc((size_t)result->rank_count, sizeof *result->rank_stats);
    result->step_count = step_count > 0 ? step_count : 0;
    result->step_stats = shoal_xcalloc((size_t)(result->rank_count * (result->step_count + 1)), sizeof *result->step_stats);
    if (step_count < 1 || step_count > SHOAL_MAX_QUERY_STEPS || steps[step_count - 1].output != SHOAL_STEP_GATHER) {
        result->status = SHOAL_REQUEST_ERROR;
        shoal_error_set(&result->error, shoal_rt_rank(rt), SHOAL_SQLSTATE_INTERNAL, "a query's last step must gather (%d steps)", step_count);
        return;
    }
    shoal_comm_pool *pool = shoal_rt_comm_pool(rt);
    int comm_index = -1;
    for (int s = 0; s < step_count - 1 && comm_index < 0; s++)
        if ((comm_index = shoal_comm_pool_acquire(pool)) < 0) {
            result->status = SHOAL_REQUEST_ERROR;
            shoal_error_set(&result->error, shoal_rt_rank(rt), "53000", "too many queries are running: no communicator is free");
            return;
        }
    uint64_t query_id = shoal_new_query_id();
    chunk_list chunks = {0};
    chunks.limit = result_limit();
    result->status = SHOAL_REQUEST_OK;
    for (int s = 0; s < step_count && result->status == SHOAL_REQUEST_OK; s++) {
        const shoal_query_step *st = &steps[s];
        shoal_writer w;
        shoal_writer_init(&w, 4096);
        shoal_put_u8(&w, st->output);
        shoal_put_i32(&w, st->temp_id);
        shoal_put_i32(&w, comm_index);
        shoal_put_u8(&w, st->rank0_only);
        shoal_put_i32(&w, st->output == SHOAL_STEP_REDISTRIBUTE ? st->key_count : 0);
        for (int k = 0; st->output == SHOAL_STEP_REDISTRIBUTE && k < st->key_count; k++) shoal_put_i32(&w, st->keys[k]);
        shoal_plan_serialize(st->fragment, &w);

        shoal_request req;
        shoal_request_begin(rt, &req, query_id);
        if (st->output == SHOAL_STEP_GATHER) {
            req.partial_type = SHOAL_MSG_QUERY_CHUNK;
            req.on_partial = keep_chunk;
            req.partial_arg = &chunks;
        }
        shoal_request_send_all(rt, &req, SHOAL_MSG_QUERY_START, w.data, (uint32_t)w.len);
        shoal_writer_free(&w);
        result->status = shoal_request_wait(rt, &req, -1);
        if (result->status == SHOAL_REQUEST_OK) {
            for (int r = 0; r < req.rank_count && r < result->rank_count; r++)
                if (req.replies[r] && req.replies[r]->hdr.length == sizeof(shoal_query_rank_stats)) {
                    shoal_query_rank_stats one;
                    memcpy(&one, req.replies[r]->payload, sizeof one);
                    add_stats(&result->rank_stats[r], &one);
                    result->step_stats[s * result->rank_count + r] = one;
                }
        } else {
            result->error = req.error;
        }
        shoal_request_end(rt, &req);
    }
    if (step_count > 1) release_everywhere(rt, query_id);
    if (comm_index >= 0) shoal_comm_pool_release(pool, comm_index);

    if (result->status == SHOAL_REQUEST_OK) {
        /* the final step, here on the leader */
        shoal_exec_context ctx = {0};
        ctx.rank = shoal_rt_rank(rt);
        ctx.received_count = chunks.count;
        ctx.received = (const uint8_t **)chunks.data;
        ctx.received_len = chunks.len;
        shoal_eval_error err = {0};
        shoal_operator *root = shoal_operator_open(final_plan, &ctx, &err);
        shoal_batch *b;
        while (root && (b = shoal_operator_next(root, &err)) != NULL) emit(emit_arg, b);
        shoal_operator_close(root);
        /* the leader's peak includes the gathered rows and its final step */
        int me = shoal_rt_rank(rt);
        uint64_t peak = peak_resident();
        if (me < result->rank_count && peak > result->rank_stats[me].peak_resident_bytes)
            result->rank_stats[me].peak_resident_bytes = peak;
        if (err.failed) {
            result->status = SHOAL_REQUEST_ERROR;
            shoal_error_set(&result->error, shoal_rt_rank(rt), err.sqlstate, "%s", err.message);
        }
    }
    for (int i = 0; i < chunks.count; i++) free(chunks.data[i]);
    free(chunks.data);
    free(chunks.len);
}

void shoal_query_run(shoal_rt *rt, const shoal_plan *fragment, const shoal_plan *final_plan, shoal_emit_fn emit,
                     void *emit_arg, shoal_query_result *result)
{
    shoal_query_step step = {.fragment = fragment, .output = SHOAL_STEP_GATHER, .temp_id = -1};
    shoal_query_run_steps(rt, &step, 1, final_plan, emit, emit_arg, result);
}
