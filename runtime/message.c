/* Message allocation and type names. */
#include "runtime/message.h"
#include "runtime/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

shoal_msg *shoal_msg_new(uint32_t type, shoal_addr src, shoal_addr dst, uint64_t query_id,
                         uint32_t payload_len)
{
    shoal_msg *msg = shoal_xcalloc(1, sizeof(shoal_msg) + payload_len);
    msg->hdr.type = type;
    msg->hdr.length = payload_len;
    msg->hdr.src = src;
    msg->hdr.dst = dst;
    msg->hdr.query_id = query_id;
    return msg;
}

shoal_msg *shoal_msg_with_payload(uint32_t type, shoal_addr src, shoal_addr dst,
                                  uint64_t query_id, const void *payload, uint32_t payload_len)
{
    shoal_msg *msg = shoal_msg_new(type, src, dst, query_id, payload_len);
    if (payload_len) memcpy(msg->payload, payload, payload_len);
    return msg;
}

void shoal_msg_free(shoal_msg *msg) { free(msg); }

const char *shoal_msg_type_name(uint32_t type)
{
    static const char *names[] = {
        [SHOAL_MSG_INVALID] = "INVALID",         [SHOAL_MSG_SHUTDOWN] = "SHUTDOWN",
        [SHOAL_MSG_ERROR] = "ERROR",             [SHOAL_MSG_CANCEL] = "CANCEL",
        [SHOAL_MSG_CANCEL_ACK] = "CANCEL_ACK",   [SHOAL_MSG_RANK_INFO_REQ] = "RANK_INFO_REQ",
        [SHOAL_MSG_RANK_INFO] = "RANK_INFO",     [SHOAL_MSG_SLEEP] = "SLEEP",
        [SHOAL_MSG_DONE] = "DONE",               [SHOAL_MSG_RAISE] = "RAISE",
        [SHOAL_MSG_TIMER] = "TIMER",             [SHOAL_MSG_MPI_DONE] = "MPI_DONE",
    };
    if (type < sizeof names / sizeof names[0] && names[type]) return names[type];
    static _Thread_local char buf[32];
    snprintf(buf, sizeof buf, "type %u", type);
    return buf;
}
