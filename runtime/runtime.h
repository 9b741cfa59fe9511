/* The per-rank actor runtime: actors with mailboxes, a scheduler that runs ready actors a
 * bounded number of messages per turn, timers, and delivery of messages within the rank
 * (enqueue) or to other ranks (MPI point-to-point with pre-posted receives).
 *
 * One shoal_rt per rank, driven by one thread. Nothing here knows SQL.
 * The scheduler never spins while idle: it polls MPI, then sleeps with exponential backoff
 * (capped at SHOAL_IDLE_SLEEP_MAX_US) or until the next timer is due. */
#ifndef SHOAL_RUNTIME_RUNTIME_H
#define SHOAL_RUNTIME_RUNTIME_H

#include "runtime/comm_pool.h"
#include "runtime/message.h"

#include <mpi.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#define SHOAL_DEFAULT_BATCH_LIMIT 64   /* messages an actor may handle per turn */
#define SHOAL_EAGER_BYTES (64 * 1024)  /* largest message sent in one piece (header included) */
#define SHOAL_PREPOSTED_RECEIVES 8     /* receives kept posted for incoming control messages */
#define SHOAL_IDLE_SLEEP_MIN_US 20
#define SHOAL_IDLE_SLEEP_MAX_US 10000  /* 10 ms: under 0.5 s CPU per 10 s idle for 4 ranks */
#define SHOAL_COMM_POOL_SIZE 8

typedef struct shoal_rt shoal_rt;
typedef struct shoal_actor shoal_actor;

/* Handles one message. The scheduler frees the message after this returns. */
typedef void (*shoal_receive_fn)(shoal_rt *rt, shoal_actor *self, shoal_msg *msg);

/* Starts the runtime on `world` (usually MPI_COMM_WORLD, already initialized): duplicates
 * a control communicator and the communicator pool (collective over `world`), posts the
 * receives and spawns the system actor. */
shoal_rt *shoal_rt_create(MPI_Comm world);
/* Collective: waits for every rank, cancels the posted receives, frees the communicators.
 * Messages still queued are dropped. Does not call MPI_Finalize. */
void shoal_rt_destroy(shoal_rt *rt);

int shoal_rt_rank(const shoal_rt *rt);
int shoal_rt_size(const shoal_rt *rt);
/* How many of the world's ranks run on this rank's node (they share its memory). */
int shoal_rt_node_ranks(const shoal_rt *rt);
MPI_Comm shoal_rt_world(const shoal_rt *rt);
shoal_comm_pool *shoal_rt_comm_pool(shoal_rt *rt);
void shoal_rt_set_batch_limit(shoal_rt *rt, int limit);

/* ---- actors ---- */
/* Spawns an actor with a fresh id (or `fixed_id` when not 0xffffffff: the well-known ids).
 * `destroy` (may be NULL) is called with `state` when the actor is removed. */
#define SHOAL_ANY_ID 0xffffffffu
shoal_actor *shoal_actor_spawn(shoal_rt *rt, uint32_t fixed_id, const char *name,
                               shoal_receive_fn receive, void *state, void (*destroy)(void *));
/* Removes an actor; messages still in its mailbox are dropped. Safe from inside its own receive. */
void shoal_actor_exit(shoal_rt *rt, shoal_actor *actor);
shoal_actor *shoal_actor_lookup(shoal_rt *rt, uint32_t id);
shoal_addr shoal_actor_addr(const shoal_actor *actor);
void *shoal_actor_state(const shoal_actor *actor);
const char *shoal_actor_name(const shoal_actor *actor);
size_t shoal_actor_mailbox_length(const shoal_actor *actor);

/* ---- sending ---- */
/* Sends `msg` to msg->hdr.dst and takes ownership of it. Same-rank messages are enqueued
 * directly; others go over MPI without blocking. A message to an actor that does not exist
 * (any more) is dropped with a debug log. */
void shoal_send(shoal_rt *rt, shoal_msg *msg);
/* Convenience: a message with a copied payload from `from` to `to`. */
void shoal_send_payload(shoal_rt *rt, shoal_actor *from, shoal_addr to, uint32_t type,
                        uint64_t query_id, const void *payload, uint32_t len);

/* ---- timers ---- */
/* After `delay_ms`, `actor` receives a SHOAL_MSG_TIMER carrying `query_id` and `cookie`
 * (payload: uint64 cookie). Returns a timer id for shoal_timer_cancel. */
uint64_t shoal_timer_after(shoal_rt *rt, shoal_actor *actor, uint64_t query_id, double delay_ms,
                           uint64_t cookie);
bool shoal_timer_cancel(shoal_rt *rt, uint64_t timer_id);
/* Cancels every timer of a query; returns how many. */
int shoal_timer_cancel_query(shoal_rt *rt, uint64_t query_id);

/* ---- non-blocking MPI operations (exchanges) ---- */
/* Hands an MPI request (e.g. from MPI_Ialltoallv on the query's communicator) to the
 * scheduler, which tests it every turn and sends `actor` a SHOAL_MSG_MPI_DONE (payload:
 * uint64 cookie) when it completes, so the actor never blocks in MPI and stays cancellable.
 * While requests are pending the scheduler naps at most SHOAL_AWAIT_SLEEP_US. */
#define SHOAL_MAX_AWAITED 64
#define SHOAL_AWAIT_SLEEP_US 20
void shoal_rt_await(shoal_rt *rt, shoal_actor *actor, MPI_Request request, uint64_t query_id, uint64_t cookie);
/* Cancels (MPI_Cancel is not used for collectives: the request is completed by waiting)
 * and forgets the awaited requests of a query. Returns how many there were. */
int shoal_rt_await_forget_query(shoal_rt *rt, uint64_t query_id);

/* ---- the scheduler ---- */
typedef bool (*shoal_done_fn)(void *arg);
typedef enum {
    SHOAL_RUN_DONE = 0,     /* done(arg) became true */
    SHOAL_RUN_STOPPED,      /* a shutdown message was handled */
    SHOAL_RUN_INTERRUPTED,  /* shoal_rt_interrupt was called (Ctrl-C) */
    SHOAL_RUN_TIMED_OUT
} shoal_run_result;

/* Runs the scheduler until done(arg) (checked after every step; done may be NULL), a
 * shutdown, an interrupt, or `timeout_ms` (< 0: none). */
shoal_run_result shoal_rt_run(shoal_rt *rt, shoal_done_fn done, void *arg, double timeout_ms);
/* Runs ready actors and polls MPI once, without sleeping; returns messages handled. */
int shoal_rt_step(shoal_rt *rt);

/* Watches a file descriptor while the scheduler runs: on_readable(rt, fd, arg) is called when
 * it has input, and an idle rank wakes for it at once instead of finishing its nap. The
 * leader watches the terminal this way, to see Ctrl-C while a command runs. */
#define SHOAL_MAX_WATCHED_FDS 4
typedef void (*shoal_fd_fn)(shoal_rt *rt, int fd, void *arg);
void shoal_rt_watch_fd(shoal_rt *rt, int fd, shoal_fd_fn on_readable, void *arg);
void shoal_rt_unwatch_fd(shoal_rt *rt, int fd);

/* Async-signal-safe: makes the current (or next) shoal_rt_run return SHOAL_RUN_INTERRUPTED. */
void shoal_rt_interrupt(shoal_rt *rt);
bool shoal_rt_take_interrupt(shoal_rt *rt); /* reads and clears the flag */
/* Marks the runtime stopped (the system actor does this on SHOAL_MSG_SHUTDOWN). */
void shoal_rt_stop(shoal_rt *rt);
bool shoal_rt_stopped(const shoal_rt *rt);

/* Counters for tests and \ranks. */
typedef struct shoal_rt_stats {
    uint64_t messages_handled;
    uint64_t messages_sent_remote;
    uint64_t messages_received_remote;
    uint64_t idle_sleeps;
    uint64_t turns_cut_by_batch_limit; /* an actor still had mail when its turn ended */
} shoal_rt_stats;
shoal_rt_stats shoal_rt_get_stats(const shoal_rt *rt);

/* Monotonic milliseconds. */
double shoal_now_ms(void);

#endif
