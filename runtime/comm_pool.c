/* The communicator pool: MPI_Comm_dup'ed once at start-up, handed out per query. */
#include "runtime/comm_pool.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <stdlib.h>

void shoal_comm_pool_init(shoal_comm_pool *pool, MPI_Comm world, int size)
{
    pool->size = size;
    pool->comms = shoal_xcalloc((size_t)size, sizeof(MPI_Comm));
    pool->in_use = shoal_xcalloc((size_t)size, sizeof(bool));
    for (int i = 0; i < size; i++) MPI_Comm_dup(world, &pool->comms[i]);
}

void shoal_comm_pool_destroy(shoal_comm_pool *pool)
{
    for (int i = 0; i < pool->size; i++) MPI_Comm_free(&pool->comms[i]);
    free(pool->comms);
    free(pool->in_use);
    pool->comms = NULL;
    pool->in_use = NULL;
    pool->size = 0;
}

int shoal_comm_pool_acquire(shoal_comm_pool *pool)
{
    for (int i = 0; i < pool->size; i++) {
        if (!pool->in_use[i]) {
            pool->in_use[i] = true;
            return i;
        }
    }
    return -1;
}

void shoal_comm_pool_release(shoal_comm_pool *pool, int index)
{
    if (index < 0 || index >= pool->size || !pool->in_use[index])
        shoal_fatal("communicator pool: releasing slot %d which is not in use", index);
    pool->in_use[index] = false;
}

MPI_Comm shoal_comm_pool_get(const shoal_comm_pool *pool, int index)
{
    if (index < 0 || index >= pool->size)
        shoal_fatal("communicator pool: slot %d out of range (pool of %d)", index, pool->size);
    return pool->comms[index];
}

int shoal_comm_pool_in_use(const shoal_comm_pool *pool)
{
    int n = 0;
    for (int i = 0; i < pool->size; i++) n += pool->in_use[i];
    return n;
}
