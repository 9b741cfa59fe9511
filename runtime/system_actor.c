/* The system actor: runtime services on every rank (see system_actor.h). */
#include "runtime/system_actor.h"
#include "runtime/error.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct pending_sleep {
    uint64_t query_id, timer_id;
    shoal_addr reply_to;
} pending_sleep;

typedef struct cancel_hook {
    uint64_t query_id;
    shoal_cancel_fn fn;
    void *arg;
} cancel_hook;

typedef struct registered_handler {
    uint32_t type;
    shoal_system_handler_fn fn;
    void *arg;
} registered_handler;

typedef struct system_state {
    registered_handler *handlers;
    size_t handler_count, handler_cap;
    pending_sleep *sleeps;
    size_t sleep_count, sleep_cap;
    cancel_hook *hooks;
    size_t hook_count, hook_cap;
} system_state;

uint64_t shoal_resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL) return 0;
    unsigned long pages_total = 0, pages_resident = 0;
    int n = fscanf(f, "%lu %lu", &pages_total, &pages_resident);
    fclose(f);
    if (n != 2) return 0;
    return (uint64_t)pages_resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

void shoal_rank_info_self(shoal_rt *rt, shoal_rank_info *info)
{
    memset(info, 0, sizeof *info);
    info->rank = shoal_rt_rank(rt);
    info->pid = (int32_t)getpid();
    info->resident_bytes = shoal_resident_bytes();
    if (gethostname(info->host, sizeof info->host - 1) != 0) snprintf(info->host, sizeof info->host, "?");
}

static system_state *state_of(shoal_rt *rt)
{
    shoal_actor *a = shoal_actor_lookup(rt, SHOAL_ACTOR_SYSTEM);
    if (a == NULL) shoal_fatal("system actor missing");
    return shoal_actor_state(a);
}

void shoal_on_cancel(shoal_rt *rt, uint64_t query_id, shoal_cancel_fn fn, void *arg)
{
    system_state *st = state_of(rt);
    if (st->hook_count == st->hook_cap) {
        st->hook_cap = st->hook_cap ? st->hook_cap * 2 : 8;
        st->hooks = shoal_xrealloc(st->hooks, st->hook_cap * sizeof *st->hooks);
    }
    st->hooks[st->hook_count++] = (cancel_hook){query_id, fn, arg};
}

void shoal_on_cancel_remove(shoal_rt *rt, uint64_t query_id)
{
    system_state *st = state_of(rt);
    for (size_t i = 0; i < st->hook_count;) {
        if (st->hooks[i].query_id == query_id) st->hooks[i] = st->hooks[--st->hook_count];
        else i++;
    }
}

void shoal_system_register(shoal_rt *rt, uint32_t type, shoal_system_handler_fn fn, void *arg)
{
    system_state *st = state_of(rt);
    for (size_t i = 0; i < st->handler_count; i++) {
        if (st->handlers[i].type == type) {
            st->handlers[i].fn = fn;
            st->handlers[i].arg = arg;
            return;
        }
    }
    if (st->handler_count == st->handler_cap) {
        st->handler_cap = st->handler_cap ? st->handler_cap * 2 : 8;
        st->handlers = shoal_xrealloc(st->handlers, st->handler_cap * sizeof *st->handlers);
    }
    st->handlers[st->handler_count++] = (registered_handler){type, fn, arg};
}

static void reply(shoal_rt *rt, shoal_actor *self, const shoal_msg *request, uint32_t type,
                  const void *payload, uint32_t len)
{
    shoal_send_payload(rt, self, request->hdr.src, type, request->hdr.query_id, payload, len);
}

static void start_sleep(shoal_rt *rt, shoal_actor *self, system_state *st, const shoal_msg *msg)
{
    double ms = 0;
    if (msg->hdr.length != sizeof ms) {
        shoal_raise_error(rt, self, msg->hdr.src, msg->hdr.query_id, SHOAL_SQLSTATE_INTERNAL,
                          "sleep request with a %u-byte payload", msg->hdr.length);
        return;
    }
    memcpy(&ms, msg->payload, sizeof ms);
    if (st->sleep_count == st->sleep_cap) {
        st->sleep_cap = st->sleep_cap ? st->sleep_cap * 2 : 4;
        st->sleeps = shoal_xrealloc(st->sleeps, st->sleep_cap * sizeof *st->sleeps);
    }
    pending_sleep *s = &st->sleeps[st->sleep_count++];
    s->query_id = msg->hdr.query_id;
    s->reply_to = msg->hdr.src;
    s->timer_id = shoal_timer_after(rt, self, msg->hdr.query_id, ms, 0);
}

static void finish_sleep(shoal_rt *rt, shoal_actor *self, system_state *st, uint64_t query_id)
{
    for (size_t i = 0; i < st->sleep_count; i++) {
        if (st->sleeps[i].query_id == query_id) {
            shoal_send_payload(rt, self, st->sleeps[i].reply_to, SHOAL_MSG_DONE, query_id, NULL, 0);
            st->sleeps[i] = st->sleeps[--st->sleep_count];
            return;
        }
    }
}

static void cancel_query(shoal_rt *rt, system_state *st, uint64_t query_id)
{
    shoal_timer_cancel_query(rt, query_id);
    for (size_t i = 0; i < st->sleep_count;) {
        if (st->sleeps[i].query_id == query_id) st->sleeps[i] = st->sleeps[--st->sleep_count];
        else i++;
    }
    for (size_t i = 0; i < st->hook_count;) {
        if (st->hooks[i].query_id == query_id) {
            cancel_hook h = st->hooks[i];
            st->hooks[i] = st->hooks[--st->hook_count];
            h.fn(rt, h.arg);
            i = 0; /* the hook may have changed the list */
        } else {
            i++;
        }
    }
}

static void system_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    system_state *st = shoal_actor_state(self);
    switch (msg->hdr.type) {
    case SHOAL_MSG_SHUTDOWN:
        shoal_rt_stop(rt);
        break;
    case SHOAL_MSG_RANK_INFO_REQ: {
        shoal_rank_info info;
        shoal_rank_info_self(rt, &info);
        reply(rt, self, msg, SHOAL_MSG_RANK_INFO, &info, sizeof info);
        break;
    }
    case SHOAL_MSG_SLEEP:
        start_sleep(rt, self, st, msg);
        break;
    case SHOAL_MSG_TIMER:
        finish_sleep(rt, self, st, msg->hdr.query_id);
        break;
    case SHOAL_MSG_CANCEL:
        cancel_query(rt, st, msg->hdr.query_id);
        reply(rt, self, msg, SHOAL_MSG_CANCEL_ACK, NULL, 0);
        break;
    case SHOAL_MSG_RAISE: {
        char text[SHOAL_ERROR_MESSAGE_MAX];
        uint32_t n = msg->hdr.length < sizeof text - 1 ? msg->hdr.length : (uint32_t)sizeof text - 1;
        memcpy(text, msg->payload, n);
        text[n] = '\0';
        shoal_raise_error(rt, self, msg->hdr.src, msg->hdr.query_id, SHOAL_SQLSTATE_RAISED, "%s", text);
        break;
    }
    default:
        for (size_t i = 0; i < st->handler_count; i++) {
            if (st->handlers[i].type == msg->hdr.type) {
                st->handlers[i].fn(rt, self, msg, st->handlers[i].arg);
                return;
            }
        }
        shoal_raise_error(rt, self, msg->hdr.src, msg->hdr.query_id, SHOAL_SQLSTATE_INTERNAL,
                          "system actor cannot handle message %s", shoal_msg_type_name(msg->hdr.type));
        break;
    }
}

static void system_destroy(void *arg)
{
    system_state *st = arg;
    free(st->sleeps);
    free(st->hooks);
    free(st->handlers);
    free(st);
}

void shoal_system_actor_spawn(shoal_rt *rt)
{
    system_state *st = shoal_xcalloc(1, sizeof *st);
    shoal_actor_spawn(rt, SHOAL_ACTOR_SYSTEM, "system", system_receive, st, system_destroy);
}
