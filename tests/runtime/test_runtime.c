/* CUnit tests of the actor runtime, run by ctest under mpirun on 1, 2, 3 and 4 ranks.
 * Every rank runs every test in lock-step (the tests are collective: each creates and
 * destroys its own runtime); rank 0 prints CUnit's report and the exit status is non-zero
 * when any assertion failed on any rank. */
#include "runtime/comm_pool.h"
#include "runtime/error.h"
#include "runtime/memory.h"
#include "runtime/request.h"
#include "runtime/runtime.h"
#include "runtime/serialize.h"
#include "runtime/system_actor.h"

#include <CUnit/Basic.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    MSG_SEQ = 9000,   /* payload: int32 source rank, int32 sequence number */
    MSG_PING = 9001,
    MSG_PONG = 9002,
    MSG_FINISH = 9003,
    MSG_BIG = 9004,   /* payload: bytes derived from (source, sequence) */
};

static int my_rank, world_size;

/* ---- a recording actor: keeps the (source, sequence) of everything it receives ---- */
typedef struct recorder {
    int count, cap;
    int32_t *source, *seq;
    uint32_t *actor_of; /* which actor handled message i (for the batch-limit test) */
    bool finished;
    int big_ok, big_bad;
} recorder;

static void recorder_init(recorder *r, int cap)
{
    memset(r, 0, sizeof *r);
    r->cap = cap;
    r->source = calloc((size_t)cap, sizeof(int32_t));
    r->seq = calloc((size_t)cap, sizeof(int32_t));
    r->actor_of = calloc((size_t)cap, sizeof(uint32_t));
}

static void recorder_free(recorder *r)
{
    free(r->source);
    free(r->seq);
    free(r->actor_of);
}

static void big_payload_fill(uint8_t *p, size_t n, int src, int seq)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i * 31u + (unsigned)src * 7u + (unsigned)seq);
}

static void record_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    recorder *r = shoal_actor_state(self);
    if (msg->hdr.type == MSG_FINISH) {
        r->finished = true;
        return;
    }
    if (msg->hdr.type == MSG_BIG) {
        int32_t hdr[2];
        memcpy(hdr, msg->payload, sizeof hdr);
        size_t n = msg->hdr.length - sizeof hdr;
        uint8_t *expect = malloc(n);
        big_payload_fill(expect, n, hdr[0], hdr[1]);
        if (memcmp(expect, msg->payload + sizeof hdr, n) == 0) r->big_ok++;
        else r->big_bad++;
        free(expect);
        memcpy(msg->payload, hdr, 0);
        if (r->count < r->cap) {
            r->source[r->count] = hdr[0];
            r->seq[r->count] = hdr[1];
            r->count++;
        }
        return;
    }
    if (r->count < r->cap && msg->hdr.length == 2 * sizeof(int32_t)) {
        memcpy(&r->source[r->count], msg->payload, sizeof(int32_t));
        memcpy(&r->seq[r->count], msg->payload + sizeof(int32_t), sizeof(int32_t));
        r->actor_of[r->count] = shoal_actor_addr(self).actor;
        r->count++;
    }
}

/* Shared recorder for tests where two actors write into one log. */
static recorder *shared_log;
static void shared_log_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    (void)rt;
    recorder *r = shared_log;
    if (r->count < r->cap) {
        memcpy(&r->seq[r->count], msg->payload + sizeof(int32_t), sizeof(int32_t));
        r->actor_of[r->count] = shoal_actor_addr(self).actor;
        r->count++;
    }
}

static void send_seq(shoal_rt *rt, shoal_actor *from, shoal_addr to, int32_t seq)
{
    int32_t payload[2] = {my_rank, seq};
    shoal_send_payload(rt, from, to, MSG_SEQ, 0, payload, sizeof payload);
}

typedef struct count_goal {
    recorder *r;
    int goal;
} count_goal;

static bool reached(void *arg)
{
    count_goal *g = arg;
    return g->r->count >= g->goal;
}

static bool finished(void *arg) { return ((recorder *)arg)->finished; }

/* ---- tests ---- */

static void test_mailbox_order_local(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    recorder r;
    recorder_init(&r, 5000);
    shoal_actor *a = shoal_actor_spawn(rt, SHOAL_ANY_ID, "recorder", record_receive, &r, NULL);
    for (int i = 0; i < 5000; i++) send_seq(rt, NULL, shoal_actor_addr(a), i);
    CU_ASSERT_EQUAL(shoal_actor_mailbox_length(a), 5000);
    count_goal g = {&r, 5000};
    CU_ASSERT_EQUAL(shoal_rt_run(rt, reached, &g, 10000), SHOAL_RUN_DONE);
    int in_order = 1;
    for (int i = 0; i < r.count; i++) in_order &= (r.seq[i] == i);
    CU_ASSERT_EQUAL(r.count, 5000);
    CU_ASSERT_TRUE(in_order);
    recorder_free(&r);
    shoal_rt_destroy(rt);
}

static void test_batch_limit_interleaves(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    shoal_rt_set_batch_limit(rt, 8);
    recorder r;
    recorder_init(&r, 400);
    shared_log = &r;
    shoal_actor *a = shoal_actor_spawn(rt, SHOAL_ANY_ID, "a", shared_log_receive, NULL, NULL);
    shoal_actor *b = shoal_actor_spawn(rt, SHOAL_ANY_ID, "b", shared_log_receive, NULL, NULL);
    for (int i = 0; i < 100; i++) send_seq(rt, NULL, shoal_actor_addr(a), i);
    for (int i = 0; i < 100; i++) send_seq(rt, NULL, shoal_actor_addr(b), i);
    count_goal g = {&r, 200};
    CU_ASSERT_EQUAL(shoal_rt_run(rt, reached, &g, 10000), SHOAL_RUN_DONE);
    /* While both have mail, neither runs more than 8 in a row. */
    int longest_run = 0, run = 0, switches = 0;
    for (int i = 0; i < r.count; i++) {
        if (i > 0 && r.actor_of[i] == r.actor_of[i - 1]) run++;
        else { run = 1; switches += i > 0; }
        if (run > longest_run) longest_run = run;
    }
    CU_ASSERT_EQUAL(r.count, 200);
    CU_ASSERT_EQUAL(longest_run, 8);
    CU_ASSERT(switches >= 24);
    CU_ASSERT(shoal_rt_get_stats(rt).turns_cut_by_batch_limit >= 24);
    /* and each actor still saw its own messages in order */
    int next_a = 0, next_b = 0, ordered = 1;
    for (int i = 0; i < r.count; i++) {
        if (r.actor_of[i] == shoal_actor_addr(a).actor) ordered &= (r.seq[i] == next_a++);
        else ordered &= (r.seq[i] == next_b++);
    }
    CU_ASSERT_TRUE(ordered);
    recorder_free(&r);
    shoal_rt_destroy(rt);
}

static void test_serialization_round_trip(void)
{
    shoal_writer w;
    shoal_writer_init(&w, 4); /* tiny, to exercise growth */
    shoal_put_u8(&w, 0xab);
    shoal_put_u32(&w, 0xdeadbeefu);
    shoal_put_u64(&w, 0x0123456789abcdefull);
    shoal_put_i32(&w, -123456);
    shoal_put_i64(&w, INT64_MIN);
    shoal_put_f64(&w, -0.125);
    shoal_put_str(&w, "hello, ranks");
    shoal_put_str(&w, "");
    shoal_put_str(&w, NULL);
    uint8_t blob[300];
    for (int i = 0; i < 300; i++) blob[i] = (uint8_t)i;
    shoal_put_blob(&w, blob, sizeof blob);

    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    CU_ASSERT_EQUAL(shoal_get_u8(&r), 0xab);
    CU_ASSERT_EQUAL(shoal_get_u32(&r), 0xdeadbeefu);
    CU_ASSERT_EQUAL(shoal_get_u64(&r), 0x0123456789abcdefull);
    CU_ASSERT_EQUAL(shoal_get_i32(&r), -123456);
    CU_ASSERT_EQUAL(shoal_get_i64(&r), INT64_MIN);
    CU_ASSERT_DOUBLE_EQUAL(shoal_get_f64(&r), -0.125, 0.0);
    char *s1 = shoal_get_str(&r), *s2 = shoal_get_str(&r), *s3 = shoal_get_str(&r);
    CU_ASSERT_STRING_EQUAL(s1, "hello, ranks");
    CU_ASSERT_STRING_EQUAL(s2, "");
    CU_ASSERT_PTR_NULL(s3);
    uint32_t n = 0;
    const uint8_t *b = shoal_get_blob(&r, &n);
    CU_ASSERT_EQUAL(n, 300);
    CU_ASSERT(b != NULL && memcmp(b, blob, 300) == 0);
    CU_ASSERT_TRUE(shoal_reader_done(&r));
    free(s1);
    free(s2);

    /* A truncated payload is detected, not read past. */
    shoal_reader_init(&r, w.data, 10);
    shoal_get_u8(&r);
    shoal_get_u32(&r);
    CU_ASSERT_FALSE(r.failed);
    CU_ASSERT_EQUAL(shoal_get_u64(&r), 0); /* only 5 bytes left */
    CU_ASSERT_TRUE(r.failed);
    CU_ASSERT_FALSE(shoal_reader_done(&r));
    /* A string whose length runs past the end. */
    shoal_writer w2;
    shoal_writer_init(&w2, 16);
    shoal_put_u32(&w2, 1000);
    shoal_put_bytes(&w2, "abc", 3);
    shoal_reader_init(&r, w2.data, w2.len);
    CU_ASSERT_PTR_NULL(shoal_get_str(&r));
    CU_ASSERT_TRUE(r.failed);
    shoal_writer_free(&w2);
    shoal_writer_free(&w);
}

/* Rank 0 pings the pong actor (id 20) of every rank 50 times; each ping is answered. */
static void pong_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    recorder *r = shoal_actor_state(self);
    if (msg->hdr.type == MSG_FINISH) {
        r->finished = true;
        return;
    }
    shoal_send_payload(rt, self, msg->hdr.src, MSG_PONG, msg->hdr.query_id, msg->payload, msg->hdr.length);
}

static void test_cross_rank_ping_pong(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    recorder pong_state, log;
    recorder_init(&pong_state, 1);
    recorder_init(&log, 50 * world_size);
    shoal_actor *pong = shoal_actor_spawn(rt, 20, "pong", pong_receive, &pong_state, NULL);
    (void)pong;
    if (my_rank == 0) {
        shoal_actor *me = shoal_actor_spawn(rt, SHOAL_ANY_ID, "pinger", record_receive, &log, NULL);
        for (int round = 0; round < 50; round++) {
            for (int r = 0; r < world_size; r++) {
                int32_t payload[2] = {r, round};
                shoal_send_payload(rt, me, shoal_addr_make(r, 20), MSG_PING, 7, payload, sizeof payload);
            }
            count_goal g = {&log, (round + 1) * world_size};
            CU_ASSERT_EQUAL_FATAL(shoal_rt_run(rt, reached, &g, 20000), SHOAL_RUN_DONE);
        }
        /* every rank answered every round, and each rank's answers came back in order */
        int ok = log.count == 50 * world_size;
        for (int r = 0; r < world_size; r++) {
            int next = 0;
            for (int i = 0; i < log.count; i++)
                if (log.source[i] == r) ok &= (log.seq[i] == next++);
            ok &= (next == 50);
        }
        CU_ASSERT_TRUE(ok);
        for (int r = 0; r < world_size; r++)
            shoal_send_payload(rt, NULL, shoal_addr_make(r, 20), MSG_FINISH, 0, NULL, 0);
    }
    CU_ASSERT_EQUAL(shoal_rt_run(rt, finished, &pong_state, 20000), SHOAL_RUN_DONE);
    recorder_free(&pong_state);
    recorder_free(&log);
    shoal_rt_destroy(rt);
}

/* Every rank sends to every rank (itself too): small messages and large ones that take the
 * bulk path; each receiver checks counts, per-source order and content. */
static void test_fan_out_fan_in(void)
{
    enum { SMALL = 200, BIG = 3 };
    const size_t big_bytes = 3 * SHOAL_EAGER_BYTES + 123;
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    recorder r;
    recorder_init(&r, (SMALL + BIG) * world_size);
    shoal_actor *sink = shoal_actor_spawn(rt, 21, "sink", record_receive, &r, NULL);
    (void)sink;
    for (int i = 0; i < SMALL + BIG; i++) {
        for (int dst = 0; dst < world_size; dst++) {
            if (i < SMALL) {
                send_seq(rt, NULL, shoal_addr_make(dst, 21), i);
            } else {
                shoal_msg *m = shoal_msg_new(MSG_BIG, shoal_addr_make(my_rank, 0), shoal_addr_make(dst, 21), 0,
                                             (uint32_t)(2 * sizeof(int32_t) + big_bytes));
                int32_t hdr[2] = {my_rank, i};
                memcpy(m->payload, hdr, sizeof hdr);
                big_payload_fill(m->payload + sizeof hdr, big_bytes, my_rank, i);
                shoal_send(rt, m);
            }
        }
    }
    count_goal g = {&r, (SMALL + BIG) * world_size};
    CU_ASSERT_EQUAL(shoal_rt_run(rt, reached, &g, 30000), SHOAL_RUN_DONE);
    CU_ASSERT_EQUAL(r.count, (SMALL + BIG) * world_size);
    CU_ASSERT_EQUAL(r.big_ok, BIG * world_size);
    CU_ASSERT_EQUAL(r.big_bad, 0);
    int ordered = 1;
    for (int src = 0; src < world_size; src++) {
        int next = 0;
        for (int i = 0; i < r.count; i++)
            if (r.source[i] == src) ordered &= (r.seq[i] == next++);
        ordered &= (next == SMALL + BIG);
    }
    CU_ASSERT_TRUE(ordered);
    if (world_size > 1) CU_ASSERT(shoal_rt_get_stats(rt).messages_received_remote > 0);
    recorder_free(&r);
    shoal_rt_destroy(rt);
}

/* The leader collects: an error raised on the last rank reaches it with that rank and text,
 * the query is cancelled everywhere, and the next request works. Other ranks just serve. */
static void serve_until_stopped(shoal_rt *rt)
{
    CU_ASSERT_EQUAL(shoal_rt_run(rt, NULL, NULL, 30000), SHOAL_RUN_STOPPED);
}

static void leader_shutdown(shoal_rt *rt)
{
    for (int r = 0; r < world_size; r++)
        shoal_send_payload(rt, NULL, shoal_addr_make(r, SHOAL_ACTOR_SYSTEM), SHOAL_MSG_SHUTDOWN, 0, NULL, 0);
    CU_ASSERT_EQUAL(shoal_rt_run(rt, NULL, NULL, 30000), SHOAL_RUN_STOPPED);
}

static void test_error_propagation(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    if (my_rank == 0) {
        shoal_request req;
        const char *text = "disk on fire";
        shoal_request_begin(rt, &req, shoal_new_query_id());
        shoal_request_send_to(rt, &req, world_size - 1, SHOAL_MSG_RAISE, text, (uint32_t)strlen(text));
        CU_ASSERT_EQUAL(shoal_request_wait(rt, &req, 20000), SHOAL_REQUEST_ERROR);
        CU_ASSERT_EQUAL(req.error.rank, world_size - 1);
        CU_ASSERT_STRING_EQUAL(req.error.message, "disk on fire");
        CU_ASSERT_STRING_EQUAL(req.error.sqlstate, SHOAL_SQLSTATE_RAISED);
        CU_ASSERT_EQUAL(req.cancel_acks, world_size);
        char formatted[256];
        shoal_error_format(&req.error, formatted, sizeof formatted);
        char expect[128];
        snprintf(expect, sizeof expect, "disk on fire (rank %d, SQLSTATE P0001)", world_size - 1);
        CU_ASSERT_STRING_EQUAL(formatted, expect);
        shoal_request_end(rt, &req);

        /* The session goes on: a request to every rank succeeds. */
        shoal_request_begin(rt, &req, shoal_new_query_id());
        shoal_request_send_all(rt, &req, SHOAL_MSG_RANK_INFO_REQ, NULL, 0);
        CU_ASSERT_EQUAL(shoal_request_wait(rt, &req, 20000), SHOAL_REQUEST_OK);
        for (int r = 0; r < world_size; r++) {
            shoal_rank_info info;
            CU_ASSERT_PTR_NOT_NULL_FATAL(req.replies[r]);
            memcpy(&info, req.replies[r]->payload, sizeof info);
            CU_ASSERT_EQUAL(info.rank, r);
            CU_ASSERT(info.pid > 0);
            CU_ASSERT(info.resident_bytes > 1024 * 1024);
        }
        shoal_request_end(rt, &req);
        leader_shutdown(rt);
    } else {
        serve_until_stopped(rt);
    }
    shoal_rt_destroy(rt);
}

/* A long sleep on every rank is cancelled by an interrupt on the leader, quickly. */
static void interrupt_soon(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    (void)self;
    if (msg->hdr.type == SHOAL_MSG_TIMER) shoal_rt_interrupt(rt);
}

static void test_cancel_everywhere(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    if (my_rank == 0) {
        shoal_actor *alarm = shoal_actor_spawn(rt, SHOAL_ANY_ID, "alarm", interrupt_soon, NULL, NULL);
        shoal_timer_after(rt, alarm, 0, 100, 0);
        double t0 = shoal_now_ms();
        double ms = 60000;
        shoal_request req;
        shoal_request_begin(rt, &req, shoal_new_query_id());
        shoal_request_send_all(rt, &req, SHOAL_MSG_SLEEP, &ms, sizeof ms);
        CU_ASSERT_EQUAL(shoal_request_wait(rt, &req, -1), SHOAL_REQUEST_CANCELED);
        double took = shoal_now_ms() - t0;
        CU_ASSERT(took < 2000);
        CU_ASSERT_EQUAL(req.cancel_acks, world_size);
        CU_ASSERT_STRING_EQUAL(req.error.sqlstate, SHOAL_SQLSTATE_CANCELED);
        shoal_request_end(rt, &req);

        /* A short sleep afterwards completes normally: the cancelled one left nothing behind. */
        ms = 20;
        shoal_request_begin(rt, &req, shoal_new_query_id());
        shoal_request_send_all(rt, &req, SHOAL_MSG_SLEEP, &ms, sizeof ms);
        CU_ASSERT_EQUAL(shoal_request_wait(rt, &req, 20000), SHOAL_REQUEST_OK);
        CU_ASSERT_EQUAL(req.received, world_size);
        shoal_request_end(rt, &req);
        shoal_actor_exit(rt, alarm);
        leader_shutdown(rt);
    } else {
        serve_until_stopped(rt);
    }
    shoal_rt_destroy(rt);
}

static void test_shutdown_stops_every_rank(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    if (my_rank == 0) leader_shutdown(rt);
    else serve_until_stopped(rt);
    CU_ASSERT_TRUE(shoal_rt_stopped(rt));
    shoal_rt_destroy(rt);
}

static void test_comm_pool(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    shoal_comm_pool *pool = shoal_rt_comm_pool(rt);
    int slots[SHOAL_COMM_POOL_SIZE];
    for (int i = 0; i < SHOAL_COMM_POOL_SIZE; i++) {
        slots[i] = shoal_comm_pool_acquire(pool);
        CU_ASSERT(slots[i] >= 0);
    }
    CU_ASSERT_EQUAL(shoal_comm_pool_acquire(pool), -1); /* exhausted: the caller must queue */
    CU_ASSERT_EQUAL(shoal_comm_pool_in_use(pool), SHOAL_COMM_POOL_SIZE);
    shoal_comm_pool_release(pool, slots[3]);
    CU_ASSERT_EQUAL(shoal_comm_pool_acquire(pool), slots[3]);
    /* Each is a working communicator over all ranks, distinct from the world and each other. */
    for (int i = 0; i < SHOAL_COMM_POOL_SIZE; i++) {
        MPI_Comm c = shoal_comm_pool_get(pool, slots[i]);
        int cmp, sum = 0, one = 1;
        MPI_Comm_compare(c, MPI_COMM_WORLD, &cmp);
        CU_ASSERT_EQUAL(cmp, MPI_CONGRUENT);
        if (i > 0) {
            MPI_Comm_compare(c, shoal_comm_pool_get(pool, slots[i - 1]), &cmp);
            CU_ASSERT_EQUAL(cmp, MPI_CONGRUENT);
        }
        MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, c);
        CU_ASSERT_EQUAL(sum, world_size);
    }
    for (int i = 0; i < SHOAL_COMM_POOL_SIZE; i++) shoal_comm_pool_release(pool, slots[i]);
    CU_ASSERT_EQUAL(shoal_comm_pool_in_use(pool), 0);
    shoal_rt_destroy(rt);
}

static void test_timers(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    recorder r;
    recorder_init(&r, 16);
    shoal_actor *a = shoal_actor_spawn(rt, SHOAL_ANY_ID, "timed", record_receive, &r, NULL);
    /* record_receive only records 8-byte payloads as (source, seq): the timer's cookie is 8 bytes */
    uint64_t keep1 = shoal_timer_after(rt, a, 5, 60, 0);
    uint64_t dropped = shoal_timer_after(rt, a, 5, 30, 0);
    shoal_timer_after(rt, a, 9, 40, 0);
    shoal_timer_after(rt, a, 9, 50, 0);
    CU_ASSERT_TRUE(shoal_timer_cancel(rt, dropped));
    CU_ASSERT_FALSE(shoal_timer_cancel(rt, dropped));
    CU_ASSERT_EQUAL(shoal_timer_cancel_query(rt, 9), 2);
    (void)keep1;
    double t0 = shoal_now_ms();
    count_goal g = {&r, 1};
    CU_ASSERT_EQUAL(shoal_rt_run(rt, reached, &g, 5000), SHOAL_RUN_DONE);
    double took = shoal_now_ms() - t0;
    if (took < 59.0) printf("timer fired after %.3f ms\n", took);
    CU_ASSERT(took >= 59.0);
    CU_ASSERT(took < 1000.0);
    /* nothing else fires */
    CU_ASSERT_EQUAL(shoal_rt_run(rt, NULL, NULL, 100), SHOAL_RUN_TIMED_OUT);
    CU_ASSERT_EQUAL(r.count, 1);
    recorder_free(&r);
    shoal_rt_destroy(rt);
}

/* An idle scheduler sleeps: 300 ms of waiting costs only a few ms of CPU. */
static void test_idle_does_not_spin(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    CU_ASSERT_EQUAL(shoal_rt_run(rt, NULL, NULL, 300), SHOAL_RUN_TIMED_OUT);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu_ms = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    CU_ASSERT(cpu_ms < 30.0);
    CU_ASSERT(shoal_rt_get_stats(rt).idle_sleeps > 10);
    shoal_rt_destroy(rt);
}

static void test_messages_to_missing_actors_are_dropped(void)
{
    shoal_rt *rt = shoal_rt_create(MPI_COMM_WORLD);
    recorder r;
    recorder_init(&r, 4);
    shoal_actor *a = shoal_actor_spawn(rt, SHOAL_ANY_ID, "short-lived", record_receive, &r, NULL);
    shoal_addr gone = shoal_actor_addr(a);
    send_seq(rt, NULL, gone, 1);
    shoal_actor_exit(rt, a); /* its queued message is dropped with it */
    send_seq(rt, NULL, gone, 2);
    CU_ASSERT_PTR_NULL(shoal_actor_lookup(rt, gone.actor));
    CU_ASSERT_EQUAL(shoal_rt_run(rt, NULL, NULL, 50), SHOAL_RUN_TIMED_OUT);
    CU_ASSERT_EQUAL(r.count, 0);
    recorder_free(&r);
    shoal_rt_destroy(rt);
}

/* shoal_map_*: contents survive growing (mremap may move the mapping) and shrinking; a size
 * within the same pages keeps the pointer. */
static void test_map_resize(void)
{
    size_t n = 100000; /* not a whole number of pages */
    uint32_t *a = shoal_map_alloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = (uint32_t)(i * 2654435761u);
    shoal_prefault(a, n * sizeof *a);
    CU_ASSERT_PTR_EQUAL(shoal_map_resize(a, n * sizeof *a, n * sizeof *a + 16), a);
    size_t big = 8 * n;
    a = shoal_map_resize(a, n * sizeof *a, big * sizeof *a);
    bool same = true;
    for (size_t i = 0; i < n; i++) same &= a[i] == (uint32_t)(i * 2654435761u);
    CU_ASSERT(same);
    CU_ASSERT_EQUAL(a[big - 1], 0); /* fresh pages read as zero */
    a[big - 1] = 7;
    a = shoal_map_resize(a, big * sizeof *a, 10 * sizeof *a);
    CU_ASSERT_EQUAL(a[9], (uint32_t)(9 * 2654435761u));
    shoal_map_free(a, 10 * sizeof *a);
    shoal_map_free(NULL, 4096); /* nothing */
}

static void test_arena(void)
{
    shoal_arena arena;
    shoal_arena_init(&arena, 1024);
    void *p1 = shoal_arena_alloc(&arena, 3);
    void *p2 = shoal_arena_alloc(&arena, 5000); /* larger than a block */
    char *s = shoal_arena_strdup(&arena, "slice");
    CU_ASSERT_EQUAL((uintptr_t)p1 % 16, 0);
    CU_ASSERT_EQUAL((uintptr_t)p2 % 16, 0);
    CU_ASSERT_STRING_EQUAL(s, "slice");
    memset(p2, 0x5a, 5000);
    CU_ASSERT(arena.bytes_allocated >= 6024);
    shoal_arena_reset(&arena);
    CU_ASSERT_EQUAL(arena.bytes_allocated, 0);
    CU_ASSERT_PTR_NULL(arena.blocks);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);

    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("runtime", NULL, NULL);
    CU_add_test(suite, "mailbox keeps order", test_mailbox_order_local);
    CU_add_test(suite, "batch limit interleaves actors", test_batch_limit_interleaves);
    CU_add_test(suite, "serialization round trips", test_serialization_round_trip);
    CU_add_test(suite, "cross-rank ping-pong", test_cross_rank_ping_pong);
    CU_add_test(suite, "fan-out/fan-in incl. large messages", test_fan_out_fan_in);
    CU_add_test(suite, "error reaches the leader with its rank", test_error_propagation);
    CU_add_test(suite, "interrupt cancels on every rank", test_cancel_everywhere);
    CU_add_test(suite, "shutdown stops every rank", test_shutdown_stops_every_rank);
    CU_add_test(suite, "communicator pool", test_comm_pool);
    CU_add_test(suite, "timers fire and cancel", test_timers);
    CU_add_test(suite, "idle scheduler does not spin", test_idle_does_not_spin);
    CU_add_test(suite, "messages to missing actors are dropped", test_messages_to_missing_actors_are_dropped);
    CU_add_test(suite, "arena", test_arena);
    CU_add_test(suite, "mappings grow and keep their contents", test_map_resize);

    CU_basic_set_mode(my_rank == 0 ? CU_BRM_VERBOSE : CU_BRM_SILENT);
    CU_basic_run_tests();
    int failures = (int)CU_get_number_of_failures(), total = 0;
    if (my_rank != 0 && failures > 0) CU_basic_show_failures(CU_get_failure_list());
    CU_cleanup_registry();
    MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (my_rank == 0) printf("ranks: %d, assertion failures on all ranks together: %d\n", world_size, total);
    MPI_Finalize();
    return total == 0 ? 0 : 1;
}
