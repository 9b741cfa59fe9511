/* Error values, their wire form (rank, code, message) and formatting. */
#include "runtime/error.h"
#include "runtime/runtime.h"
#include "runtime/serialize.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_code(shoal_error *err, const char *sqlstate)
{
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate ? sqlstate : SHOAL_SQLSTATE_INTERNAL);
}

void shoal_error_set(shoal_error *err, int rank, const char *sqlstate, const char *fmt, ...)
{
    err->rank = rank;
    set_code(err, sqlstate);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

void shoal_error_format(const shoal_error *err, char *buf, size_t size)
{
    if (err->rank >= 0)
        snprintf(buf, size, "%s (rank %d, SQLSTATE %s)", err->message, err->rank, err->sqlstate);
    else
        snprintf(buf, size, "%s (SQLSTATE %s)", err->message, err->sqlstate);
}

void shoal_raise_error(shoal_rt *rt, shoal_actor *from, shoal_addr to, uint64_t query_id,
                       const char *sqlstate, const char *fmt, ...)
{
    char text[SHOAL_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    shoal_writer w;
    shoal_writer_init(&w, 64 + strlen(text));
    shoal_put_i32(&w, shoal_rt_rank(rt));
    shoal_put_str(&w, sqlstate ? sqlstate : SHOAL_SQLSTATE_INTERNAL);
    shoal_put_str(&w, text);
    shoal_send_payload(rt, from, to, SHOAL_MSG_ERROR, query_id, w.data, (uint32_t)w.len);
    shoal_writer_free(&w);
}

int shoal_error_decode(const shoal_msg *msg, shoal_error *err)
{
    shoal_reader r;
    shoal_reader_init(&r, msg->payload, msg->hdr.length);
    int32_t rank = shoal_get_i32(&r);
    char *code = shoal_get_str(&r);
    char *text = shoal_get_str(&r);
    int ok = shoal_reader_done(&r) && code && text;
    if (ok) shoal_error_set(err, rank, code, "%s", text);
    else shoal_error_set(err, msg->hdr.src.rank, SHOAL_SQLSTATE_INTERNAL, "malformed error message from rank %d", msg->hdr.src.rank);
    free(code);
    free(text);
    return ok;
}
