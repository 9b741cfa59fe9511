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
} shoal_exchange;

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

#endif
