/* Cross-rank delivery over MPI point-to-point on the runtime's private communicator.
 *
 * Receives: SHOAL_PREPOSTED_RECEIVES MPI_Irecv(ANY_SOURCE, TAG_CONTROL) are kept posted.
 * MPI matches incoming messages to receives in posting order, so consuming completed slots
 * strictly in that order (a ring) keeps every sender's messages in the order they were sent.
 * Large messages (over SHOAL_EAGER_BYTES) are sent as a header-only control message followed
 * by the payload on TAG_BULK; the receiver, on seeing such a header, receives the payload
 * from that source at once (MPI's non-overtaking rule keeps bulk payloads in order).
 * Sends: MPI_Isend; the message is freed once MPI reports the send complete. */
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/runtime_internal.h"

#include <stdlib.h>
#include <string.h>

enum { TAG_CONTROL = 1, TAG_BULK = 2 };

static void post_receive(shoal_rt *rt, shoal_recv_slot *slot)
{
    MPI_Irecv(slot->buffer, SHOAL_EAGER_BYTES, MPI_BYTE, MPI_ANY_SOURCE, TAG_CONTROL, rt->control,
              &slot->request);
}

void shoal_transport_start(shoal_rt *rt)
{
    for (int i = 0; i < SHOAL_PREPOSTED_RECEIVES; i++) {
        rt->recv_slots[i].buffer = shoal_xmalloc(SHOAL_EAGER_BYTES);
        post_receive(rt, &rt->recv_slots[i]);
    }
    rt->recv_head = 0;
}

void shoal_transport_stop(shoal_rt *rt)
{
    for (int i = 0; i < SHOAL_PREPOSTED_RECEIVES; i++) {
        shoal_recv_slot *slot = &rt->recv_slots[i];
        MPI_Cancel(&slot->request);
        MPI_Wait(&slot->request, MPI_STATUS_IGNORE);
        free(slot->buffer);
        slot->buffer = NULL;
    }
    for (size_t i = 0; i < rt->send_count; i++) shoal_msg_free(rt->sends[i].msg);
    free(rt->sends);
    rt->sends = NULL;
    rt->send_count = rt->send_cap = 0;
}

void shoal_transport_send(shoal_rt *rt, shoal_msg *msg)
{
    if (rt->send_count == rt->send_cap) {
        rt->send_cap = rt->send_cap ? rt->send_cap * 2 : 16;
        rt->sends = shoal_xrealloc(rt->sends, rt->send_cap * sizeof *rt->sends);
    }
    shoal_pending_send *ps = &rt->sends[rt->send_count++];
    ps->msg = msg;
    size_t total = shoal_msg_size(msg);
    int dest = msg->hdr.dst.rank;
    if (total <= SHOAL_EAGER_BYTES) {
        MPI_Isend(msg, (int)total, MPI_BYTE, dest, TAG_CONTROL, rt->control, &ps->requests[0]);
        ps->request_count = 1;
    } else {
        MPI_Isend(&msg->hdr, (int)sizeof msg->hdr, MPI_BYTE, dest, TAG_CONTROL, rt->control,
                  &ps->requests[0]);
        MPI_Isend(msg->payload, (int)msg->hdr.length, MPI_BYTE, dest, TAG_BULK, rt->control,
                  &ps->requests[1]);
        ps->request_count = 2;
    }
    rt->stats.messages_sent_remote++;
}

static int complete_sends(shoal_rt *rt)
{
    int done_count = 0;
    for (size_t i = 0; i < rt->send_count;) {
        shoal_pending_send *ps = &rt->sends[i];
        int done = 0;
        MPI_Testall(ps->request_count, ps->requests, &done, MPI_STATUSES_IGNORE);
        if (done) {
            shoal_msg_free(ps->msg);
            rt->sends[i] = rt->sends[--rt->send_count];
            done_count++;
        } else {
            i++;
        }
    }
    return done_count;
}

static shoal_msg *unpack_received(shoal_rt *rt, shoal_recv_slot *slot, const MPI_Status *status)
{
    int bytes = 0;
    MPI_Get_count(status, MPI_BYTE, &bytes);
    if (bytes < (int)sizeof(shoal_msg_header))
        shoal_fatal("runtime received a %d-byte message from rank %d, shorter than a header",
                    bytes, status->MPI_SOURCE);
    shoal_msg_header hdr;
    memcpy(&hdr, slot->buffer, sizeof hdr);
    shoal_msg *msg = shoal_xmalloc(sizeof(shoal_msg) + hdr.length);
    msg->hdr = hdr;
    size_t inline_payload = (size_t)bytes - sizeof hdr;
    if (inline_payload == hdr.length) {
        memcpy(msg->payload, slot->buffer + sizeof hdr, hdr.length);
    } else if (inline_payload == 0 && sizeof hdr + hdr.length > SHOAL_EAGER_BYTES) {
        MPI_Recv(msg->payload, (int)hdr.length, MPI_BYTE, status->MPI_SOURCE, TAG_BULK, rt->control,
                 MPI_STATUS_IGNORE);
    } else {
        shoal_fatal("runtime message from rank %d: header says %u payload bytes, %zu arrived",
                    status->MPI_SOURCE, hdr.length, inline_payload);
    }
    return msg;
}

int shoal_transport_poll(shoal_rt *rt)
{
    int received = 0;
    for (;;) {
        shoal_recv_slot *slot = &rt->recv_slots[rt->recv_head];
        int done = 0;
        MPI_Status status;
        MPI_Test(&slot->request, &done, &status);
        if (!done) break;
        shoal_msg *msg = unpack_received(rt, slot, &status);
        post_receive(rt, slot);
        rt->recv_head = (rt->recv_head + 1) % SHOAL_PREPOSTED_RECEIVES;
        rt->stats.messages_received_remote++;
        shoal_deliver_local(rt, msg);
        received++;
    }
    if (rt->send_count > 0) complete_sends(rt);
    return received;
}
