/* Actors: the id -> actor table, mailboxes (FIFO rings of message pointers), spawn/exit and
 * same-rank delivery, which enqueues the message and puts the actor on the ready queue. */
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOMBSTONE ((shoal_actor *)(uintptr_t)1)

void shoal_mailbox_push(shoal_mailbox *mb, shoal_msg *msg)
{
    if (mb->count == mb->cap) {
        size_t cap = mb->cap ? mb->cap * 2 : 16;
        shoal_msg **slots = shoal_xmalloc(cap * sizeof *slots);
        for (size_t i = 0; i < mb->count; i++) slots[i] = mb->slots[(mb->head + i) & (mb->cap - 1)];
        free(mb->slots);
        mb->slots = slots;
        mb->head = 0;
        mb->cap = cap;
    }
    mb->slots[(mb->head + mb->count) & (mb->cap - 1)] = msg;
    mb->count++;
}

shoal_msg *shoal_mailbox_pop(shoal_mailbox *mb)
{
    if (mb->count == 0) return NULL;
    shoal_msg *msg = mb->slots[mb->head];
    mb->head = (mb->head + 1) & (mb->cap - 1);
    mb->count--;
    return msg;
}

static void mailbox_drop_all(shoal_mailbox *mb)
{
    shoal_msg *msg;
    while ((msg = shoal_mailbox_pop(mb)) != NULL) shoal_msg_free(msg);
    free(mb->slots);
    memset(mb, 0, sizeof *mb);
}

static size_t slot_of(const shoal_rt *rt, uint32_t id)
{
    return (id * 2654435761u) & (rt->table_cap - 1);
}

static void table_insert(shoal_rt *rt, shoal_actor *actor);

static void table_grow(shoal_rt *rt)
{
    shoal_actor **old = rt->table;
    size_t old_cap = rt->table_cap;
    rt->table_cap = old_cap ? old_cap * 2 : 64;
    rt->table = shoal_xcalloc(rt->table_cap, sizeof *rt->table);
    rt->table_used = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] && old[i] != TOMBSTONE) table_insert(rt, old[i]);
    free(old);
}

static void table_insert(shoal_rt *rt, shoal_actor *actor)
{
    if ((rt->table_used + 1) * 2 > rt->table_cap) table_grow(rt);
    size_t i = slot_of(rt, actor->id);
    while (rt->table[i] && rt->table[i] != TOMBSTONE) i = (i + 1) & (rt->table_cap - 1);
    if (rt->table[i] == NULL) rt->table_used++;
    rt->table[i] = actor;
}

shoal_actor *shoal_actor_lookup(shoal_rt *rt, uint32_t id)
{
    if (rt->table_cap == 0) return NULL;
    size_t i = slot_of(rt, id);
    for (shoal_actor *a; (a = rt->table[i]) != NULL; i = (i + 1) & (rt->table_cap - 1))
        if (a != TOMBSTONE && a->id == id) return a;
    return NULL;
}

static void table_remove(shoal_rt *rt, uint32_t id)
{
    size_t i = slot_of(rt, id);
    for (shoal_actor *a; (a = rt->table[i]) != NULL; i = (i + 1) & (rt->table_cap - 1)) {
        if (a != TOMBSTONE && a->id == id) {
            rt->table[i] = TOMBSTONE;
            return;
        }
    }
}

shoal_actor *shoal_actor_spawn(shoal_rt *rt, uint32_t fixed_id, const char *name,
                               shoal_receive_fn receive, void *state, void (*destroy)(void *))
{
    uint32_t id = fixed_id;
    if (id == SHOAL_ANY_ID) {
        do {
            id = rt->next_actor_id++;
            if (rt->next_actor_id == SHOAL_ANY_ID) rt->next_actor_id = SHOAL_ACTOR_FIRST_DYNAMIC;
        } while (shoal_actor_lookup(rt, id) != NULL);
    } else if (shoal_actor_lookup(rt, id) != NULL) {
        shoal_fatal("actor id %u already in use (spawning %s)", id, name);
    }
    shoal_actor *a = shoal_xcalloc(1, sizeof *a);
    a->id = id;
    snprintf(a->name, sizeof a->name, "%s", name ? name : "actor");
    a->receive = receive;
    a->state = state;
    a->destroy = destroy;
    a->rt = rt;
    table_insert(rt, a);
    return a;
}

static void actor_free(shoal_actor *a)
{
    mailbox_drop_all(&a->mailbox);
    if (a->destroy) a->destroy(a->state);
    free(a);
}

/* An actor on the ready queue is unlinked lazily by the scheduler; here we only detach it
 * from the table and free it unless it is running or queued (then the scheduler frees it). */
void shoal_actor_exit(shoal_rt *rt, shoal_actor *actor)
{
    if (actor->exiting) return;
    actor->exiting = true;
    table_remove(rt, actor->id);
    if (!actor->running && !actor->in_ready_queue) actor_free(actor);
}

void shoal_actor_reap(shoal_actor *actor) { actor_free(actor); }

shoal_addr shoal_actor_addr(const shoal_actor *actor) { return shoal_addr_make(actor->rt->rank, actor->id); }
void *shoal_actor_state(const shoal_actor *actor) { return actor->state; }
const char *shoal_actor_name(const shoal_actor *actor) { return actor->name; }
size_t shoal_actor_mailbox_length(const shoal_actor *actor) { return actor->mailbox.count; }

void shoal_deliver_local(shoal_rt *rt, shoal_msg *msg)
{
    shoal_actor *a = shoal_actor_lookup(rt, msg->hdr.dst.actor);
    if (a == NULL || a->exiting) {
        shoal_log(SHOAL_LOG_DEBUG, "dropping %s for missing actor %u (query %llu)",
                  shoal_msg_type_name(msg->hdr.type), msg->hdr.dst.actor,
                  (unsigned long long)msg->hdr.query_id);
        shoal_msg_free(msg);
        return;
    }
    shoal_mailbox_push(&a->mailbox, msg);
    if (!a->in_ready_queue && !a->running) {
        a->in_ready_queue = true;
        a->next_ready = NULL;
        if (rt->ready_tail) rt->ready_tail->next_ready = a;
        else rt->ready_head = a;
        rt->ready_tail = a;
    }
}

void shoal_actor_table_free(shoal_rt *rt)
{
    for (size_t i = 0; i < rt->table_cap; i++) {
        shoal_actor *a = rt->table[i];
        if (a && a != TOMBSTONE) {
            a->in_ready_queue = false;
            a->running = false;
            actor_free(a);
        }
    }
    free(rt->table);
    rt->table = NULL;
    rt->table_cap = rt->table_used = 0;
    rt->ready_head = rt->ready_tail = NULL;
}
