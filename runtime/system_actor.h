/* The system actor (id SHOAL_ACTOR_SYSTEM on every rank): runtime services the leader asks of
 * each rank — shutdown, cancel a query, report the rank's host/pid/memory, hold a query for
 * N ms (a cancellable no-op used to test cancellation), raise an error (diagnostics). */
#ifndef SHOAL_RUNTIME_SYSTEM_ACTOR_H
#define SHOAL_RUNTIME_SYSTEM_ACTOR_H

#include "runtime/runtime.h"

#include <stdint.h>

#define SHOAL_HOST_NAME_MAX 64

/* Reply to SHOAL_MSG_RANK_INFO_REQ. */
typedef struct shoal_rank_info {
    int32_t rank;
    int32_t pid;
    uint64_t resident_bytes;
    char host[SHOAL_HOST_NAME_MAX];
} shoal_rank_info;

void shoal_system_actor_spawn(shoal_rt *rt);
/* Fills `info` for the calling rank. */
void shoal_rank_info_self(shoal_rt *rt, shoal_rank_info *info);
/* Resident set size of this process in bytes (0 when unknown). */
uint64_t shoal_resident_bytes(void);

/* A per-query cancel hook: when SHOAL_MSG_CANCEL for query_id arrives, fn(rt, arg) runs on
 * this rank before the acknowledgement goes back. Used by query actors of later layers. */
typedef void (*shoal_cancel_fn)(shoal_rt *rt, void *arg);
void shoal_on_cancel(shoal_rt *rt, uint64_t query_id, shoal_cancel_fn fn, void *arg);
void shoal_on_cancel_remove(shoal_rt *rt, uint64_t query_id);

/* Higher layers (the engine's query execution) extend the system actor: a message of `type`
 * (outside the runtime's range) that arrives at the system actor is passed to fn. Without a
 * registered handler such a message is answered with an internal error. */
typedef void (*shoal_system_handler_fn)(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg);
void shoal_system_register(shoal_rt *rt, uint32_t type, shoal_system_handler_fn fn, void *arg);

#endif
