/* Leader-side scatter/gather: send one request to the system actor of every rank and
 * collect one reply per rank, with the first error and Ctrl-C handled the same way for every
 * caller: on an error or an interrupt the query is cancelled on every rank (SHOAL_MSG_CANCEL,
 * then wait for every acknowledgement) before the caller sees the outcome, so the session is
 * clean for the next command. */
#ifndef SHOAL_RUNTIME_REQUEST_H
#define SHOAL_RUNTIME_REQUEST_H

#include "runtime/error.h"
#include "runtime/runtime.h"

typedef enum {
    SHOAL_REQUEST_OK = 0,
    SHOAL_REQUEST_ERROR,     /* request->error says what and where */
    SHOAL_REQUEST_CANCELED,  /* interrupted (Ctrl-C); cancelled everywhere */
    SHOAL_REQUEST_TIMED_OUT, /* cancelled everywhere after the timeout */
    SHOAL_REQUEST_STOPPED    /* the runtime was shut down meanwhile */
} shoal_request_status;

typedef struct shoal_request {
    uint64_t query_id;
    shoal_actor *collector;
    int rank_count;
    int expected, received; /* replies: one per request sent */
    shoal_msg **replies; /* by rank; NULL until that rank replied */
    int cancel_acks;
    bool failed;
    shoal_error error;
    /* Optional streaming: messages of partial_type are passed to on_partial as they arrive
     * (e.g. result chunks) and do not count as replies. */
    uint32_t partial_type;
    void (*on_partial)(struct shoal_request *req, const shoal_msg *msg, void *arg);
    void *partial_arg;
} shoal_request;

/* A fresh query id (unique within this leader's lifetime). */
uint64_t shoal_new_query_id(void);
void shoal_request_begin(shoal_rt *rt, shoal_request *req, uint64_t query_id);
/* Sends `type` with the payload to the system actor of every rank (one reply each expected). */
void shoal_request_send_all(shoal_rt *rt, shoal_request *req, uint32_t type, const void *payload,
                            uint32_t len);
/* The same to one rank (at most one request per rank). */
void shoal_request_send_to(shoal_rt *rt, shoal_request *req, int rank, uint32_t type,
                           const void *payload, uint32_t len);
/* Runs the scheduler until every reply is in, an error, an interrupt or the timeout (< 0: none). */
shoal_request_status shoal_request_wait(shoal_rt *rt, shoal_request *req, double timeout_ms);
/* Frees the replies and the collector actor. */
void shoal_request_end(shoal_rt *rt, shoal_request *req);

#endif
