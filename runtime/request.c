/* Leader-side scatter/gather with error and cancel handling (see request.h). */
#include "runtime/request.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

uint64_t shoal_new_query_id(void)
{
    static uint64_t next = 1;
    return next++;
}

static void collector_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    shoal_request *req = shoal_actor_state(self);
    if (msg->hdr.query_id != req->query_id) return; /* a late message of an earlier query */
    int from = msg->hdr.src.rank;
    switch (msg->hdr.type) {
    case SHOAL_MSG_ERROR:
        if (!req->failed) {
            shoal_error_decode(msg, &req->error);
            req->failed = true;
        }
        break;
    case SHOAL_MSG_CANCEL_ACK:
        req->cancel_acks++;
        break;
    default:
        if (req->on_partial && msg->hdr.type == req->partial_type) {
            req->on_partial(req, msg, req->partial_arg);
            break;
        }
        if (from < 0 || from >= req->rank_count || req->replies[from] != NULL) {
            if (!req->failed) {
                shoal_error_set(&req->error, from, SHOAL_SQLSTATE_INTERNAL,
                                "unexpected %s reply from rank %d", shoal_msg_type_name(msg->hdr.type), from);
                req->failed = true;
            }
            break;
        }
        /* Keep a copy: the scheduler frees the original after this returns. */
        req->replies[from] = shoal_msg_with_payload(msg->hdr.type, msg->hdr.src, msg->hdr.dst,
                                                    msg->hdr.query_id, msg->payload, msg->hdr.length);
        req->received++;
        break;
    }
}

void shoal_request_begin(shoal_rt *rt, shoal_request *req, uint64_t query_id)
{
    memset(req, 0, sizeof *req);
    req->query_id = query_id;
    req->rank_count = shoal_rt_size(rt);
    req->replies = shoal_xcalloc((size_t)req->rank_count, sizeof *req->replies);
    req->collector = shoal_actor_spawn(rt, SHOAL_ANY_ID, "request", collector_receive, req, NULL);
}

void shoal_request_send_to(shoal_rt *rt, shoal_request *req, int rank, uint32_t type,
                           const void *payload, uint32_t len)
{
    shoal_send_payload(rt, req->collector, shoal_addr_make(rank, SHOAL_ACTOR_SYSTEM), type,
                       req->query_id, payload, len);
    req->expected++;
}

void shoal_request_send_all(shoal_rt *rt, shoal_request *req, uint32_t type, const void *payload,
                            uint32_t len)
{
    for (int r = 0; r < req->rank_count; r++) shoal_request_send_to(rt, req, r, type, payload, len);
}

static void send_cancel_everywhere(shoal_rt *rt, shoal_request *req)
{
    for (int r = 0; r < req->rank_count; r++)
        shoal_send_payload(rt, req->collector, shoal_addr_make(r, SHOAL_ACTOR_SYSTEM),
                           SHOAL_MSG_CANCEL, req->query_id, NULL, 0);
}

static bool all_replied_or_failed(void *arg)
{
    shoal_request *req = arg;
    return req->failed || req->received == req->expected;
}

static bool all_cancel_acks(void *arg)
{
    shoal_request *req = arg;
    return req->cancel_acks == req->rank_count;
}

/* Cancels the query on every rank and waits for every acknowledgement. A Ctrl-C meanwhile
 * does not abandon the wait: the next command must not meet this query's leftovers. */
static shoal_request_status cancel_everywhere(shoal_rt *rt, shoal_request *req, shoal_request_status why)
{
    send_cancel_everywhere(rt, req);
    for (;;) {
        shoal_run_result r = shoal_rt_run(rt, all_cancel_acks, req, -1);
        if (r == SHOAL_RUN_DONE) return why;
        if (r == SHOAL_RUN_STOPPED) return SHOAL_REQUEST_STOPPED;
        shoal_rt_take_interrupt(rt);
    }
}

shoal_request_status shoal_request_wait(shoal_rt *rt, shoal_request *req, double timeout_ms)
{
    switch (shoal_rt_run(rt, all_replied_or_failed, req, timeout_ms)) {
    case SHOAL_RUN_DONE:
        return req->failed ? cancel_everywhere(rt, req, SHOAL_REQUEST_ERROR) : SHOAL_REQUEST_OK;
    case SHOAL_RUN_INTERRUPTED:
        shoal_rt_take_interrupt(rt);
        shoal_error_set(&req->error, -1, SHOAL_SQLSTATE_CANCELED, "canceling statement due to user request");
        return cancel_everywhere(rt, req, SHOAL_REQUEST_CANCELED);
    case SHOAL_RUN_TIMED_OUT:
        shoal_error_set(&req->error, -1, SHOAL_SQLSTATE_CANCELED, "canceling statement due to timeout");
        return cancel_everywhere(rt, req, SHOAL_REQUEST_TIMED_OUT);
    case SHOAL_RUN_STOPPED:
        break;
    }
    return SHOAL_REQUEST_STOPPED;
}

void shoal_request_end(shoal_rt *rt, shoal_request *req)
{
    for (int r = 0; r < req->rank_count; r++) shoal_msg_free(req->replies[r]);
    free(req->replies);
    req->replies = NULL;
    if (req->collector) shoal_actor_exit(rt, req->collector);
    req->collector = NULL;
}
