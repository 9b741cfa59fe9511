/* A pool of communicators duplicated from MPI_COMM_WORLD, so that each running query owns
 * one for its collectives and the collectives of concurrent queries never cross.
 * The leader hands out slots (acquire/release); other ranks look a slot up by the index the
 * leader sends in the query's start message. Creation is collective over the world. */
#ifndef SHOAL_RUNTIME_COMM_POOL_H
#define SHOAL_RUNTIME_COMM_POOL_H

#include <mpi.h>
#include <stdbool.h>

typedef struct shoal_comm_pool {
    int size;
    MPI_Comm *comms;
    bool *in_use;
} shoal_comm_pool;

void shoal_comm_pool_init(shoal_comm_pool *pool, MPI_Comm world, int size); /* collective */
void shoal_comm_pool_destroy(shoal_comm_pool *pool);                       /* collective */
/* A free slot's index, or -1 when every communicator is taken (the caller queues the query). */
int shoal_comm_pool_acquire(shoal_comm_pool *pool);
void shoal_comm_pool_release(shoal_comm_pool *pool, int index);
MPI_Comm shoal_comm_pool_get(const shoal_comm_pool *pool, int index);
int shoal_comm_pool_in_use(const shoal_comm_pool *pool);

#endif
