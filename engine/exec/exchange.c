/* Rounds of counts + Ialltoallv between all ranks (see exchange.h). */
#include "engine/exec/exchange.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- the buffer pool ---- */

#define POOL_MIN_BYTES ((size_t)256 << 10) /* smaller buffers: plain malloc/free */
#define POOL_ROUND ((size_t)1 << 20)       /* pooled sizes are whole MiBs: they fit again */
#define POOL_MAX_BYTES ((size_t)256 << 20) /* kept in the pool at most */
#define POOL_SLOTS 64

static struct {
    uint8_t *buf;
    size_t cap;
} pool[POOL_SLOTS];
static int pool_count;
static size_t pool_bytes;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

#define HUGE_PAGE ((size_t)2 << 20)

/* The smallest pooled buffer of at least need bytes (2 MiB aligned if huge), taken out. */
static uint8_t *pool_take(size_t need, bool huge, size_t *cap)
{
    pthread_mutex_lock(&pool_lock);
    int best = -1;
    for (int i = 0; i < pool_count; i++)
        if (pool[i].cap >= need && (!huge || ((uintptr_t)pool[i].buf & (HUGE_PAGE - 1)) == 0) &&
            (best < 0 || pool[i].cap < pool[best].cap))
            best = i;
    if (best >= 0) {
        uint8_t *b = pool[best].buf;
        *cap = pool[best].cap;
        pool_bytes -= pool[best].cap;
        pool[best] = pool[--pool_count];
        pthread_mutex_unlock(&pool_lock);
        return b;
    }
    pthread_mutex_unlock(&pool_lock);
    return NULL;
}

uint8_t *shoal_buffer_pool_get(size_t need, size_t *cap)
{
    if (need < POOL_MIN_BYTES) {
        *cap = need ? need : 1;
        return shoal_xmalloc(*cap);
    }
    uint8_t *b = pool_take(need, false, cap);
    if (b) return b;
    *cap = (need + POOL_ROUND - 1) & ~(POOL_ROUND - 1);
    return shoal_xmalloc(*cap);
}

uint8_t *shoal_buffer_pool_get_huge(size_t need, size_t *cap)
{
    if (need < HUGE_PAGE) return shoal_buffer_pool_get(need, cap);
    uint8_t *b = pool_take(need, true, cap);
    if (b) return b;
    size_t rounded = (need + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    b = aligned_alloc(HUGE_PAGE, rounded);
    if (b == NULL) return shoal_buffer_pool_get(need, cap);
#ifdef MADV_HUGEPAGE
    madvise(b, rounded, MADV_HUGEPAGE);
#endif
    *cap = rounded;
    return b;
}

void shoal_buffer_pool_put(uint8_t *buf, size_t cap)
{
    if (buf == NULL) return;
    if (cap >= POOL_MIN_BYTES) {
        pthread_mutex_lock(&pool_lock);
        if (pool_count < POOL_SLOTS && pool_bytes + cap <= POOL_MAX_BYTES) {
            pool[pool_count].buf = buf;
            pool[pool_count].cap = cap;
            pool_count++;
            pool_bytes += cap;
            buf = NULL;
        }
        pthread_mutex_unlock(&pool_lock);
    }
    free(buf);
}

void shoal_buffer_pool_release(void)
{
    pthread_mutex_lock(&pool_lock);
    for (int i = 0; i < pool_count; i++) free(pool[i].buf);
    pool_count = 0;
    pool_bytes = 0;
    pthread_mutex_unlock(&pool_lock);
}

/* ---- the exchange ---- */

void shoal_exchange_init(shoal_exchange *x, MPI_Comm comm)
{
    memset(x, 0, sizeof *x);
    x->comm = comm;
    MPI_Comm_rank(comm, &x->rank);
    MPI_Comm_size(comm, &x->size);
    size_t n = (size_t)x->size;
    x->outgoing = shoal_xcalloc(n, sizeof(shoal_writer));
    /* each destination's share of a round, and a quarter more, from the pool: a writer that
     * grew from a small buffer by doubling copied and faulted in its pages every query step */
    size_t share = SHOAL_EXCHANGE_ROUND_BYTES / n + SHOAL_EXCHANGE_ROUND_BYTES / (4 * n);
    if (share < 64 * 1024) share = 64 * 1024;
    for (size_t i = 0; i < n; i++) {
        x->outgoing[i].data = shoal_buffer_pool_get_huge(share, &x->outgoing[i].cap);
        x->outgoing[i].len = 0;
    }
    x->send_meta = shoal_xcalloc(2 * n, sizeof(int));
    x->recv_meta = shoal_xcalloc(2 * n, sizeof(int));
    x->send_counts = shoal_xcalloc(n, sizeof(int));
    x->send_displs = shoal_xcalloc(n, sizeof(int));
    x->recv_counts = shoal_xcalloc(n, sizeof(int));
    x->recv_displs = shoal_xcalloc(n, sizeof(int));
}

void shoal_exchange_free(shoal_exchange *x)
{
    for (int i = 0; i < x->size; i++) shoal_buffer_pool_put(x->outgoing[i].data, x->outgoing[i].cap);
    free(x->outgoing);
    free(x->send_meta);
    free(x->recv_meta);
    free(x->send_counts);
    free(x->send_displs);
    free(x->recv_counts);
    free(x->recv_displs);
    free(x->send_buf);
    free(x->send_types);
    free(x->byte_types);
    free(x->type_counts);
    free(x->zero_displs);
    shoal_buffer_pool_put(x->recv_buf, x->recv_cap);
    shoal_buffer_pool_put(x->self_buf, x->self_cap);
    memset(x, 0, sizeof *x);
}

size_t shoal_exchange_buffered(const shoal_exchange *x)
{
    size_t n = 0;
    for (int i = 0; i < x->size; i++) n += x->outgoing[i].len;
    return x->broadcast ? n * (size_t)x->size : n; /* a broadcast's bytes go to every rank */
}

MPI_Request shoal_exchange_start(shoal_exchange *x, bool more)
{
    if (x->phase != 0) shoal_fatal("exchange round started while one is in flight");
    size_t total = 0, shared = x->broadcast ? x->outgoing[x->rank].len : 0;
    int remote = 0, only = -1; /* destinations that go through MPI with bytes */
    for (int d = 0; d < x->size; d++) {
        if (x->broadcast && d != x->rank && x->outgoing[d].len)
            shoal_fatal("broadcast exchange with %zu bytes for rank %d alone", x->outgoing[d].len, d);
        size_t len = x->keep_self && d == x->rank ? 0 : x->broadcast ? shared : x->outgoing[d].len;
        if (len > INT_MAX) shoal_fatal("exchange buffer of %zu bytes for rank %d exceeds one round", len, d);
        x->send_counts[d] = (int)len;
        x->send_displs[d] = x->broadcast ? 0 : (int)total; /* a broadcast sends one buffer to all */
        x->send_meta[2 * d] = (int)len;
        x->send_meta[2 * d + 1] = more;
        total += len;
        if (len) remote++, only = d;
    }
    if (!x->broadcast && total > INT_MAX) shoal_fatal("exchange round of %zu bytes is too large", total);
    if (x->keep_self) {
        shoal_buffer_pool_put(x->self_buf, x->self_cap); /* not taken after the last round */
        shoal_writer *w = &x->outgoing[x->rank];
        x->self_buf = NULL;
        x->self_len = x->self_cap = 0;
        if (w->len) { /* hand the writer's buffer over whole; it writes on in another */
            x->self_buf = w->data;
            x->self_len = w->len;
            x->self_cap = w->cap;
            w->data = shoal_buffer_pool_get_huge(w->cap, &w->cap);
            w->len = 0;
        }
    }
    if (x->broadcast && x->keep_self && x->self_buf) {
        x->send_from = x->self_buf; /* ours now, untouched until taken after the round */
    } else if (x->broadcast && x->send_in_place) {
        x->send_from = x->outgoing[x->rank].data;
    } else if (x->send_in_place && remote == 1) {
        x->send_from = x->outgoing[only].data; /* left untouched until the round completes */
        x->send_displs[only] = 0;
    } else if (x->send_in_place) {
        x->send_from = NULL; /* MPI reads every writer where it is (continue: MPI_Ialltoallw) */
    } else {
        size_t copy = x->broadcast ? shared : total;
        if (copy > x->send_cap || x->send_buf == NULL) {
            free(x->send_buf);
            x->send_cap = copy > x->send_cap * 2 ? copy : x->send_cap * 2;
            x->send_buf = shoal_xmalloc(x->send_cap ? x->send_cap : 1);
        }
        if (x->broadcast) {
            if (shared) memcpy(x->send_buf, x->outgoing[x->rank].data, shared);
        } else {
            for (int d = 0; d < x->size; d++)
                if (x->send_counts[d]) memcpy(x->send_buf + x->send_displs[d], x->outgoing[d].data, (size_t)x->send_counts[d]);
        }
        x->send_from = x->send_buf;
    }
    for (int d = 0; d < x->size; d++) x->outgoing[d].len = 0;
    x->bytes_sent += total + x->self_len;
    x->phase = 1;
    MPI_Request req;
    MPI_Ialltoall(x->send_meta, 2, MPI_INT, x->recv_meta, 2, MPI_INT, x->comm, &req);
    return req;
}

MPI_Request shoal_exchange_continue(shoal_exchange *x)
{
    MPI_Request req = MPI_REQUEST_NULL;
    if (x->phase == 1) {
        size_t total = 0;
        x->any_more = false;
        for (int s = 0; s < x->size; s++) {
            x->recv_counts[s] = x->recv_meta[2 * s];
            x->recv_displs[s] = (int)total;
            total += (size_t)x->recv_counts[s];
            x->any_more |= x->recv_meta[2 * s + 1] != 0;
        }
        if (total > INT_MAX) shoal_fatal("exchange round receives %zu bytes, too many for one round", total);
        if (total > x->recv_cap || x->recv_buf == NULL) {
            shoal_buffer_pool_put(x->recv_buf, x->recv_cap);
            size_t want = total > x->recv_cap * 2 ? total : x->recv_cap * 2;
            x->recv_buf = shoal_buffer_pool_get_huge(want ? want : 1, &x->recv_cap);
        }
        x->recv_len = total;
        x->phase = 2;
        if (x->send_from) {
            MPI_Ialltoallv(x->send_from, x->send_counts, x->send_displs, MPI_BYTE, x->recv_buf, x->recv_counts,
                           x->recv_displs, MPI_BYTE, x->comm, &req);
        } else {
            /* several writers sent in place: each destination's bytes are one block at its
             * writer's address (an hindexed type from MPI_BOTTOM), no copy into send_buf */
            int n = x->size;
            if (x->send_types == NULL) {
                x->send_types = shoal_xcalloc((size_t)n, sizeof(MPI_Datatype));
                x->byte_types = shoal_xcalloc((size_t)n, sizeof(MPI_Datatype));
                x->type_counts = shoal_xcalloc((size_t)n, sizeof(int));
                x->zero_displs = shoal_xcalloc((size_t)n, sizeof(int));
                for (int d = 0; d < n; d++) x->byte_types[d] = MPI_BYTE;
            }
            for (int d = 0; d < n; d++) {
                x->send_types[d] = MPI_BYTE;
                x->type_counts[d] = 0;
                if (x->send_counts[d] == 0) continue;
                MPI_Aint at;
                int len = x->send_counts[d];
                MPI_Get_address(x->outgoing[d].data, &at);
                MPI_Type_create_hindexed(1, &len, &at, MPI_BYTE, &x->send_types[d]);
                MPI_Type_commit(&x->send_types[d]);
                x->type_counts[d] = 1;
            }
            MPI_Ialltoallw(MPI_BOTTOM, x->type_counts, x->zero_displs, x->send_types, x->recv_buf, x->recv_counts,
                           x->recv_displs, x->byte_types, x->comm, &req);
            for (int d = 0; d < n; d++) /* freed now, released by MPI when the round completes */
                if (x->type_counts[d]) MPI_Type_free(&x->send_types[d]);
        }
    } else if (x->phase == 2) {
        x->phase = 0;
        x->bytes_received += x->recv_len + x->self_len;
        x->rounds++;
    }
    return req;
}

uint8_t *shoal_exchange_take_recv(shoal_exchange *x, size_t *cap)
{
    if (x->phase != 0) shoal_fatal("exchange buffer taken while a round is in flight");
    uint8_t *b = x->recv_buf;
    *cap = x->recv_cap;
    x->recv_buf = NULL;
    x->recv_cap = 0;
    return b;
}

uint8_t *shoal_exchange_take_self(shoal_exchange *x, size_t *len, size_t *cap)
{
    if (x->phase != 0) shoal_fatal("exchange buffer taken while a round is in flight");
    uint8_t *b = x->self_buf;
    *len = x->self_len;
    *cap = x->self_cap;
    x->self_buf = NULL;
    x->self_len = x->self_cap = 0;
    return b;
}
