/* Messages of the actor runtime: every message starts with a fixed header (type, length,
 * source actor, destination actor, query id), followed by `length` payload bytes.
 * The header is the first field of every typed message struct, so a received message can be
 * cast to its type after checking `hdr.type` (the PostgreSQL NodeTag / Pony pony_msg_t trick). */
#ifndef SHOAL_RUNTIME_MESSAGE_H
#define SHOAL_RUNTIME_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

/* An actor's address: the rank it lives on and its id there. */
typedef struct shoal_addr {
    int32_t rank;
    uint32_t actor;
} shoal_addr;

/* Well-known actor ids present on every rank; ids from SHOAL_ACTOR_FIRST_DYNAMIC are spawned. */
enum {
    SHOAL_ACTOR_SYSTEM = 0,  /* every rank: runtime services (shutdown, cancel, rank info) */
    SHOAL_ACTOR_FIRST_DYNAMIC = 16
};

/* Message type numbers. Each layer owns a range so types never collide:
 * runtime 1-999, engine 1000-1999, sql 2000-2999, shell 3000-3999, tests 9000-9999. */
typedef enum shoal_msg_type {
    SHOAL_MSG_INVALID = 0,
    SHOAL_MSG_SHUTDOWN = 1,       /* leader -> system: stop the scheduler, then finalize */
    SHOAL_MSG_ERROR = 2,          /* any -> leader: shoal_error_payload */
    SHOAL_MSG_CANCEL = 3,         /* leader -> system: cancel everything of query_id */
    SHOAL_MSG_CANCEL_ACK = 4,     /* system -> leader */
    SHOAL_MSG_RANK_INFO_REQ = 5,  /* leader -> system */
    SHOAL_MSG_RANK_INFO = 6,      /* system -> leader: shoal_rank_info */
    SHOAL_MSG_SLEEP = 7,          /* leader -> system: hold this rank's share of a query for N ms */
    SHOAL_MSG_DONE = 8,           /* system -> leader: this rank finished query_id */
    SHOAL_MSG_RAISE = 9,          /* leader -> system: raise an error on that rank (diagnostics) */
    SHOAL_MSG_TIMER = 10,         /* scheduler -> actor: a timer set with shoal_timer_after fired */
    SHOAL_MSG_MPI_DONE = 11,      /* scheduler -> actor: an awaited MPI request completed */
    SHOAL_MSG_RUNTIME_LAST = 999
} shoal_msg_type;

typedef struct shoal_msg_header {
    uint32_t type;     /* shoal_msg_type or a layer's own type number */
    uint32_t length;   /* payload bytes after the header */
    shoal_addr src;
    shoal_addr dst;
    uint64_t query_id; /* 0 when the message belongs to no query */
} shoal_msg_header;

/* A message in memory: header then payload, contiguous, so it goes on the wire as one buffer. */
typedef struct shoal_msg {
    shoal_msg_header hdr;
    uint8_t payload[];
} shoal_msg;

/* Allocates a message with room for payload_len bytes (zeroed); never returns NULL. */
shoal_msg *shoal_msg_new(uint32_t type, shoal_addr src, shoal_addr dst, uint64_t query_id,
                         uint32_t payload_len);
/* A message whose payload is a copy of `payload`. */
shoal_msg *shoal_msg_with_payload(uint32_t type, shoal_addr src, shoal_addr dst,
                                  uint64_t query_id, const void *payload, uint32_t payload_len);
void shoal_msg_free(shoal_msg *msg);
/* Total size on the wire. */
static inline size_t shoal_msg_size(const shoal_msg *msg) { return sizeof(shoal_msg_header) + msg->hdr.length; }
/* A readable name for a type number (for logs and "cannot happen" errors). */
const char *shoal_msg_type_name(uint32_t type);

static inline shoal_addr shoal_addr_make(int rank, uint32_t actor)
{
    shoal_addr a = {rank, actor};
    return a;
}

#endif
