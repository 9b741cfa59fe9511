/* The per-rank scheduler: runtime creation and teardown, the ready queue (each actor gets at
 * most batch_limit messages per turn, then goes to the back of the queue so no actor starves
 * the others), timers on a min-heap, and the run loop that polls MPI and sleeps with
 * exponential backoff when there is nothing to do, so an idle rank does not burn its core. */
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/runtime_internal.h"
#include "runtime/system_actor.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double shoal_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

shoal_rt *shoal_rt_create(MPI_Comm world)
{
    shoal_rt *rt = shoal_xcalloc(1, sizeof *rt);
    rt->world = world;
    MPI_Comm_rank(world, &rt->rank);
    MPI_Comm_size(world, &rt->size);
    MPI_Comm_dup(world, &rt->control);
    MPI_Comm node;
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &rt->node_ranks);
    MPI_Comm_free(&node);
    shoal_comm_pool_init(&rt->comm_pool, world, SHOAL_COMM_POOL_SIZE);
    rt->batch_limit = SHOAL_DEFAULT_BATCH_LIMIT;
    rt->next_actor_id = SHOAL_ACTOR_FIRST_DYNAMIC;
    rt->next_timer_id = 1;
    shoal_log_set_rank(rt->rank);
    shoal_transport_start(rt);
    shoal_system_actor_spawn(rt);
    return rt;
}

void shoal_rt_destroy(shoal_rt *rt)
{
    /* Finish our outgoing sends first: a peer may still need them to reach the barrier. */
    while (rt->send_count > 0) shoal_transport_poll(rt);
    MPI_Barrier(rt->world);
    shoal_transport_stop(rt);
    for (shoal_actor *a = rt->ready_head, *next; a; a = next) {
        next = a->next_ready;
        a->in_ready_queue = false;
        if (a->exiting) shoal_actor_reap(a);
    }
    rt->ready_head = rt->ready_tail = NULL;
    shoal_actor_table_free(rt);
    free(rt->timers);
    shoal_comm_pool_destroy(&rt->comm_pool);
    MPI_Comm_free(&rt->control);
    free(rt);
}

int shoal_rt_rank(const shoal_rt *rt) { return rt->rank; }
int shoal_rt_size(const shoal_rt *rt) { return rt->size; }
int shoal_rt_node_ranks(const shoal_rt *rt) { return rt->node_ranks; }
MPI_Comm shoal_rt_world(const shoal_rt *rt) { return rt->world; }
shoal_comm_pool *shoal_rt_comm_pool(shoal_rt *rt) { return &rt->comm_pool; }
void shoal_rt_set_batch_limit(shoal_rt *rt, int limit) { rt->batch_limit = limit > 0 ? limit : 1; }
void shoal_rt_interrupt(shoal_rt *rt) { rt->interrupted = 1; }
bool shoal_rt_take_interrupt(shoal_rt *rt)
{
    bool was = rt->interrupted != 0;
    rt->interrupted = 0;
    return was;
}
void shoal_rt_stop(shoal_rt *rt) { rt->stopped = true; }
bool shoal_rt_stopped(const shoal_rt *rt) { return rt->stopped; }
shoal_rt_stats shoal_rt_get_stats(const shoal_rt *rt) { return rt->stats; }

void shoal_send(shoal_rt *rt, shoal_msg *msg)
{
    if (msg->hdr.dst.rank == rt->rank) {
        shoal_deliver_local(rt, msg);
    } else if (msg->hdr.dst.rank < 0 || msg->hdr.dst.rank >= rt->size) {
        shoal_fatal("send of %s to rank %d, but the job has %d ranks",
                    shoal_msg_type_name(msg->hdr.type), msg->hdr.dst.rank, rt->size);
    } else {
        shoal_transport_send(rt, msg);
    }
}

void shoal_send_payload(shoal_rt *rt, shoal_actor *from, shoal_addr to, uint32_t type,
                        uint64_t query_id, const void *payload, uint32_t len)
{
    shoal_addr src = from ? shoal_actor_addr(from) : shoal_addr_make(rt->rank, SHOAL_ACTOR_SYSTEM);
    shoal_send(rt, shoal_msg_with_payload(type, src, to, query_id, payload, len));
}

/* ---- ready queue ---- */

int shoal_run_ready_actors(shoal_rt *rt)
{
    /* Only the actors ready at the start get a turn now; those made ready meanwhile wait for
     * the next round, after the next MPI poll. */
    shoal_actor *tail_at_start = rt->ready_tail;
    int handled = 0;
    while (rt->ready_head) {
        shoal_actor *a = rt->ready_head;
        rt->ready_head = a->next_ready;
        if (rt->ready_head == NULL) rt->ready_tail = NULL;
        a->in_ready_queue = false;
        a->next_ready = NULL;
        bool last_of_round = (a == tail_at_start);

        a->running = true;
        int n = 0;
        shoal_msg *msg;
        while (!a->exiting && n < rt->batch_limit && (msg = shoal_mailbox_pop(&a->mailbox)) != NULL) {
            a->receive(rt, a, msg);
            shoal_msg_free(msg);
            n++;
        }
        a->running = false;
        handled += n;
        if (a->exiting) {
            shoal_actor_reap(a);
        } else if (a->mailbox.count > 0) {
            rt->stats.turns_cut_by_batch_limit++;
            a->in_ready_queue = true;
            if (rt->ready_tail) rt->ready_tail->next_ready = a;
            else rt->ready_head = a;
            rt->ready_tail = a;
        }
        if (last_of_round) break;
    }
    rt->stats.messages_handled += (uint64_t)handled;
    return handled;
}

/* ---- timers: a binary min-heap on due time ---- */

static void heap_swap(shoal_timer *t, size_t i, size_t j)
{
    shoal_timer tmp = t[i];
    t[i] = t[j];
    t[j] = tmp;
}

static void heap_up(shoal_timer *t, size_t i)
{
    while (i > 0 && t[(i - 1) / 2].due_ms > t[i].due_ms) {
        heap_swap(t, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(shoal_timer *t, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && t[l].due_ms < t[m].due_ms) m = l;
        if (r < n && t[r].due_ms < t[m].due_ms) m = r;
        if (m == i) return;
        heap_swap(t, i, m);
        i = m;
    }
}

static void heap_remove_at(shoal_rt *rt, size_t i)
{
    rt->timers[i] = rt->timers[--rt->timer_count];
    if (i < rt->timer_count) {
        heap_down(rt->timers, rt->timer_count, i);
        heap_up(rt->timers, i);
    }
}

uint64_t shoal_timer_after(shoal_rt *rt, shoal_actor *actor, uint64_t query_id, double delay_ms,
                           uint64_t cookie)
{
    if (rt->timer_count == rt->timer_cap) {
        rt->timer_cap = rt->timer_cap ? rt->timer_cap * 2 : 16;
        rt->timers = shoal_xrealloc(rt->timers, rt->timer_cap * sizeof *rt->timers);
    }
    shoal_timer *t = &rt->timers[rt->timer_count];
    t->due_ms = shoal_now_ms() + (delay_ms > 0 ? delay_ms : 0);
    t->id = rt->next_timer_id++;
    t->query_id = query_id;
    t->cookie = cookie;
    t->actor = actor->id;
    uint64_t id = t->id; /* read before heap_up moves the entry */
    heap_up(rt->timers, rt->timer_count++);
    return id;
}

bool shoal_timer_cancel(shoal_rt *rt, uint64_t timer_id)
{
    for (size_t i = 0; i < rt->timer_count; i++) {
        if (rt->timers[i].id == timer_id) {
            heap_remove_at(rt, i);
            return true;
        }
    }
    return false;
}

int shoal_timer_cancel_query(shoal_rt *rt, uint64_t query_id)
{
    int n = 0;
    for (size_t i = 0; i < rt->timer_count;) {
        if (rt->timers[i].query_id == query_id) {
            heap_remove_at(rt, i);
            n++;
        } else {
            i++;
        }
    }
    return n;
}

static int fire_due_timers(shoal_rt *rt, double now)
{
    int n = 0;
    while (rt->timer_count > 0 && rt->timers[0].due_ms <= now) {
        shoal_timer t = rt->timers[0];
        heap_remove_at(rt, 0);
        shoal_addr self = shoal_addr_make(rt->rank, t.actor);
        shoal_msg *msg = shoal_msg_with_payload(SHOAL_MSG_TIMER, self, self, t.query_id, &t.cookie,
                                                sizeof t.cookie);
        shoal_deliver_local(rt, msg);
        n++;
    }
    return n;
}

/* ---- watched descriptors ---- */

void shoal_rt_watch_fd(shoal_rt *rt, int fd, shoal_fd_fn on_readable, void *arg)
{
    shoal_rt_unwatch_fd(rt, fd);
    if (rt->watched_count == SHOAL_MAX_WATCHED_FDS) shoal_fatal("more than %d watched descriptors", SHOAL_MAX_WATCHED_FDS);
    rt->watched[rt->watched_count].fd = fd;
    rt->watched[rt->watched_count].fn = on_readable;
    rt->watched[rt->watched_count].arg = arg;
    rt->watched_count++;
}

void shoal_rt_unwatch_fd(shoal_rt *rt, int fd)
{
    for (int i = 0; i < rt->watched_count; i++) {
        if (rt->watched[i].fd == fd) {
            rt->watched[i] = rt->watched[--rt->watched_count];
            return;
        }
    }
}

/* Waits up to `us` microseconds for a watched descriptor (or just sleeps when none), then
 * calls the handlers of those that are readable. Returns how many were. */
static int wait_watched(shoal_rt *rt, long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    if (rt->watched_count == 0) {
        if (us > 0) nanosleep(&ts, NULL); /* EINTR (Ctrl-C) simply ends the nap early */
        return 0;
    }
    struct pollfd fds[SHOAL_MAX_WATCHED_FDS];
    size_t n = (size_t)rt->watched_count;
    for (size_t i = 0; i < n; i++) fds[i] = (struct pollfd){.fd = rt->watched[i].fd, .events = POLLIN};
    if (ppoll(fds, n, &ts, NULL) <= 0) return 0;
    int ready = 0;
    for (size_t i = 0; i < n; i++) {
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            ready++;
            rt->watched[i].fn(rt, fds[i].fd, rt->watched[i].arg); /* may unwatch: n is a copy */
        }
    }
    return ready;
}

/* ---- awaited MPI requests ---- */

void shoal_rt_await(shoal_rt *rt, shoal_actor *actor, MPI_Request request, uint64_t query_id, uint64_t cookie)
{
    if (rt->awaited_count == SHOAL_MAX_AWAITED) shoal_fatal("more than %d awaited MPI requests", SHOAL_MAX_AWAITED);
    rt->awaited[rt->awaited_count].request = request;
    rt->awaited[rt->awaited_count].actor = actor->id;
    rt->awaited[rt->awaited_count].query_id = query_id;
    rt->awaited[rt->awaited_count].cookie = cookie;
    rt->awaited_count++;
}

int shoal_rt_await_forget_query(shoal_rt *rt, uint64_t query_id)
{
    int n = 0;
    for (int i = 0; i < rt->awaited_count;) {
        if (rt->awaited[i].query_id == query_id) {
            /* A collective cannot be cancelled; every rank takes part in the cancel, so the
             * operation completes and we wait for it here. */
            MPI_Wait(&rt->awaited[i].request, MPI_STATUS_IGNORE);
            rt->awaited[i] = rt->awaited[--rt->awaited_count];
            n++;
        } else {
            i++;
        }
    }
    return n;
}

static int complete_awaited(shoal_rt *rt)
{
    int n = 0;
    for (int i = 0; i < rt->awaited_count;) {
        int done = 0;
        MPI_Test(&rt->awaited[i].request, &done, MPI_STATUS_IGNORE);
        if (!done) {
            i++;
            continue;
        }
        shoal_addr to = shoal_addr_make(rt->rank, rt->awaited[i].actor);
        uint64_t cookie = rt->awaited[i].cookie;
        shoal_deliver_local(rt, shoal_msg_with_payload(SHOAL_MSG_MPI_DONE, to, to, rt->awaited[i].query_id,
                                                       &cookie, sizeof cookie));
        rt->awaited[i] = rt->awaited[--rt->awaited_count];
        n++;
    }
    return n;
}

/* ---- the loop ---- */

int shoal_rt_step(shoal_rt *rt)
{
    int activity = shoal_transport_poll(rt);
    if (rt->awaited_count > 0) activity += complete_awaited(rt);
    if (rt->timer_count > 0) activity += fire_due_timers(rt, shoal_now_ms());
    activity += shoal_run_ready_actors(rt);
    return activity;
}

static int idle_sleep(shoal_rt *rt, long *backoff_us, double deadline_ms)
{
    long us = *backoff_us;
    if (rt->awaited_count > 0 && us > SHOAL_AWAIT_SLEEP_US) us = SHOAL_AWAIT_SLEEP_US;
    if (rt->timer_count > 0) {
        double until_timer = (rt->timers[0].due_ms - shoal_now_ms()) * 1e3;
        if (until_timer < us) us = until_timer > 0 ? (long)until_timer : 0;
    }
    if (deadline_ms >= 0) {
        double until_deadline = (deadline_ms - shoal_now_ms()) * 1e3;
        if (until_deadline < us) us = until_deadline > 0 ? (long)until_deadline : 0;
    }
    if (us > 0) rt->stats.idle_sleeps++;
    int ready = wait_watched(rt, us);
    *backoff_us = *backoff_us * 2 > SHOAL_IDLE_SLEEP_MAX_US ? SHOAL_IDLE_SLEEP_MAX_US : *backoff_us * 2;
    return ready;
}

shoal_run_result shoal_rt_run(shoal_rt *rt, shoal_done_fn done, void *arg, double timeout_ms)
{
    double deadline = timeout_ms >= 0 ? shoal_now_ms() + timeout_ms : -1;
    long backoff_us = SHOAL_IDLE_SLEEP_MIN_US;
    int quiet_polls = 0;
    unsigned busy_steps = 0;
    for (;;) {
        if (done && done(arg)) return SHOAL_RUN_DONE;
        if (rt->stopped) return SHOAL_RUN_STOPPED;
        if (rt->interrupted) return SHOAL_RUN_INTERRUPTED;
        if (deadline >= 0 && shoal_now_ms() >= deadline) return SHOAL_RUN_TIMED_OUT;

        if (shoal_rt_step(rt) > 0) {
            backoff_us = SHOAL_IDLE_SLEEP_MIN_US;
            quiet_polls = 0;
            /* a busy rank still looks at its watched descriptors now and then */
            if (rt->watched_count > 0 && ++busy_steps % 256 == 0) wait_watched(rt, 0);
        } else if (++quiet_polls > 64) {
            /* A short burst of plain polls first keeps message latency low while a query
             * runs; after that, sleep and back off. */
            if (idle_sleep(rt, &backoff_us, deadline) > 0) backoff_us = SHOAL_IDLE_SLEEP_MIN_US;
        }
    }
}
