/* Private layout of the runtime, shared by actor.c, scheduler.c and transport_mpi.c only. */
#ifndef SHOAL_RUNTIME_INTERNAL_H
#define SHOAL_RUNTIME_INTERNAL_H

#include "runtime/runtime.h"

#include <stddef.h>

/* A mailbox: a growable ring of message pointers, FIFO. */
typedef struct shoal_mailbox {
    shoal_msg **slots;
    size_t head, count, cap; /* cap is a power of two */
} shoal_mailbox;

struct shoal_actor {
    uint32_t id;
    char name[32];
    shoal_receive_fn receive;
    void *state;
    void (*destroy)(void *);
    shoal_mailbox mailbox;
    bool in_ready_queue;
    bool exiting;     /* shoal_actor_exit called during its own turn */
    bool running;     /* inside its turn */
    shoal_actor *next_ready;
    shoal_rt *rt;
};

typedef struct shoal_timer {
    double due_ms;
    uint64_t id, query_id, cookie;
    uint32_t actor;
} shoal_timer;

/* One pre-posted receive slot. */
typedef struct shoal_recv_slot {
    MPI_Request request;
    uint8_t *buffer; /* SHOAL_EAGER_BYTES */
} shoal_recv_slot;

/* A remote send in flight: the message stays alive until MPI is done with it. */
typedef struct shoal_pending_send {
    MPI_Request requests[2]; /* header(+payload) and, for large messages, the payload */
    int request_count;
    shoal_msg *msg;
} shoal_pending_send;

struct shoal_rt {
    MPI_Comm world;   /* the caller's world: collectives at create/destroy */
    MPI_Comm control; /* private duplicate for actor messages */
    int rank, size;
    int node_ranks; /* ranks of world on this node (MPI_COMM_TYPE_SHARED) */
    shoal_comm_pool comm_pool;
    int batch_limit;

    /* actor table: open addressing on id; NULL = empty, TOMBSTONE = removed */
    shoal_actor **table;
    size_t table_cap, table_used; /* used counts live + tombstones */
    uint32_t next_actor_id;

    shoal_actor *ready_head, *ready_tail;

    shoal_timer *timers; /* binary min-heap on due_ms */
    size_t timer_count, timer_cap;
    uint64_t next_timer_id;

    shoal_recv_slot recv_slots[SHOAL_PREPOSTED_RECEIVES];
    size_t recv_head; /* slots complete in posting order; we consume from here */

    shoal_pending_send *sends;
    size_t send_count, send_cap;

    struct {
        int fd;
        shoal_fd_fn fn;
        void *arg;
    } watched[SHOAL_MAX_WATCHED_FDS];
    int watched_count;

    struct {
        MPI_Request request;
        uint32_t actor;
        uint64_t query_id, cookie;
    } awaited[SHOAL_MAX_AWAITED];
    int awaited_count;

    volatile sig_atomic_t interrupted;
    bool stopped;
    shoal_rt_stats stats;
};

/* actor.c */
void shoal_mailbox_push(shoal_mailbox *mb, shoal_msg *msg);
shoal_msg *shoal_mailbox_pop(shoal_mailbox *mb);
void shoal_deliver_local(shoal_rt *rt, shoal_msg *msg);
void shoal_actor_table_free(shoal_rt *rt);
void shoal_actor_reap(shoal_actor *actor); /* frees an actor that exited while queued or running */
/* scheduler.c: gives each actor ready now one turn; returns messages handled. */
int shoal_run_ready_actors(shoal_rt *rt);
/* transport_mpi.c */
void shoal_transport_start(shoal_rt *rt);
void shoal_transport_stop(shoal_rt *rt);
void shoal_transport_send(shoal_rt *rt, shoal_msg *msg);
int shoal_transport_poll(shoal_rt *rt); /* returns messages received */

#endif
