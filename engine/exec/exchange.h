/* The exchange: moving bytes between all ranks of a query's communicator in rounds, without
 * blocking the scheduler (the data plane; ARCHITECTURE.md §2). A round is
 *   counts -> MPI_Ialltoall (each rank's byte count per destination, plus a "more rounds to
 *             come" flag, so every rank learns when everybody is done);
 *   data   -> prefix sums -> displacements -> MPI_Ialltoallv of the bytes.
 * Callers fill one buffer per destination (batch_wire.h batches, usually), start a round, and
 * hand each returned request to shoal_rt_await; when it completes they call continue until
 * the round's received bytes are ready. Every rank must run the same number of rounds: a rank
 * with nothing left keeps joining rounds (with empty buffers) while any other says "more". */
#ifndef SHOAL_ENGINE_EXCHANGE_H
#define SHOAL_ENGINE_EXCHANGE_H

#include "runtime/serialize.h"

#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>

/* A query step starts a round once about this much is buffered (all destinations together). */
#define SHOAL_EXCHANGE_ROUND_BYTES ((size_t)8 << 20)

typedef struct shoal_exchange {
    MPI_Comm comm;
    int rank, size;
    shoal_writer *outgoing;   /* one per destination */
    int *send_meta, *recv_meta; /* 2 ints per rank: byte count, more flag */
    int *send_counts, *send_displs, *recv_counts, *recv_displs;
    uint8_t *send_buf, *recv_buf;
    size_t send_cap, recv_cap; /* kept across rounds: no fresh pages every round */
    size_t recv_len;
    int phase;                /* 0 idle, 1 counts in flight, 2 data in flight */
    bool any_more;            /* after a round: some rank announced more rounds */
    uint64_t bytes_sent, bytes_received, rounds;
    /* Opt-in data path (query steps; set after init, before the first round):
     * keep_self: this rank's own bytes skip MPI: the buffer it was written in is handed over
     *   whole (self_buf/self_len/self_cap after the round; the writer gets a pooled buffer) and
     *   recv_buf holds only the other ranks' bytes (recv_counts[rank] is 0).
     * send_in_place: MPI reads the bytes from the writers (no copy into send_buf): from the one
     *   writer with bytes by MPI_Ialltoallv, from several by MPI_Ialltoallw (an hindexed type at
     *   each writer's address); the caller must not write to any buffer while a round is in flight.
     * broadcast: every rank gets the same bytes. They are written once, into this rank's
     *   buffer (shoal_exchange_write_all does), and MPI sends that one buffer to every rank
     *   (the displacements overlap): no serialization or copy per destination. buffered()
     *   counts what the round delivers (the bytes times the rank count). */
    bool keep_self, send_in_place, broadcast;
    uint8_t *self_buf;
    size_t self_len, self_cap;
    const uint8_t *send_from; /* the round's send buffer (send_buf, or a writer's; NULL: every writer's) */
    MPI_Datatype *send_types, *byte_types; /* send_in_place with several destinations (Ialltoallw) */
    int *type_counts, *zero_displs;
} shoal_exchange;

/* A process-wide pool of large byte buffers (exchange rounds, intermediate results): memory
 * whose pages were faulted in once is reused instead of being unmapped and faulted again.
 * get returns at least `need` bytes (*cap: how many, never less; put may be told fewer)
 * from malloc; put keeps the buffer (up to a bound on the pool) or frees it. Thread-safe. */
uint8_t *shoal_buffer_pool_get(size_t need, size_t *cap);
/* The same on 2 MiB pages where the kernel gives them (2 MiB aligned, MADV_HUGEPAGE): for
 * arrays read at random (hash tables). */
uint8_t *shoal_buffer_pool_get_huge(size_t need, size_t *cap);
void shoal_buffer_pool_put(uint8_t *buf, size_t cap);
/* Frees every pooled buffer (the memory budget does, before it fails a query). */
void shoal_buffer_pool_release(void);

void shoal_exchange_init(shoal_exchange *x, MPI_Comm comm);
void shoal_exchange_free(shoal_exchange *x);
static inline shoal_writer *shoal_exchange_buffer(shoal_exchange *x, int dest) { return &x->outgoing[dest]; }
size_t shoal_exchange_buffered(const shoal_exchange *x);
/* Starts a round with what is buffered; `more` says whether this rank will want another
 * round. Returns the request to await. */
MPI_Request shoal_exchange_start(shoal_exchange *x, bool more);
/* After the awaited request completed: the next request to await, or MPI_REQUEST_NULL when
 * the round is complete — then recv_buf holds recv_len bytes (rank by rank, in rank order:
 * recv_displs/recv_counts) and any_more says whether another round follows. */
MPI_Request shoal_exchange_continue(shoal_exchange *x);
/* After a round: takes the receive buffer (the caller owns it, *cap bytes allocated: give it
 * back with shoal_buffer_pool_put); the next round allocates another. NULL when none. */
uint8_t *shoal_exchange_take_recv(shoal_exchange *x, size_t *cap);
/* keep_self, after a round: takes this rank's own bytes (self_len of them; NULL when none). */
uint8_t *shoal_exchange_take_self(shoal_exchange *x, size_t *len, size_t *cap);

#endif
