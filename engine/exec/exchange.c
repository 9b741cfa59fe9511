/* Rounds of counts + Ialltoallv between all ranks (see exchange.h). */
#include "engine/exec/exchange.h"
#include "runtime/log.h"
#include "runtime/memory.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

void shoal_exchange_init(shoal_exchange *x, MPI_Comm comm)
{
    memset(x, 0, sizeof *x);
    x->comm = comm;
    MPI_Comm_rank(comm, &x->rank);
    MPI_Comm_size(comm, &x->size);
    size_t n = (size_t)x->size;
    x->outgoing = shoal_xcalloc(n, sizeof(shoal_writer));
    for (size_t i = 0; i < n; i++) {
        shoal_writer_init(&x->outgoing[i], 64 * 1024);
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
    for (int i = 0; i < x->size; i++) shoal_writer_free(&x->outgoing[i]);
    free(x->outgoing);
    free(x->send_meta);
    free(x->recv_meta);
    free(x->send_counts);
    free(x->send_displs);
    free(x->recv_counts);
    free(x->recv_displs);
    free(x->send_buf);
    free(x->recv_buf);
    memset(x, 0, sizeof *x);
}

size_t shoal_exchange_buffered(const shoal_exchange *x)
{
    size_t n = 0;
    for (int i = 0; i < x->size; i++) n += x->outgoing[i].len;
    return n;
}

MPI_Request shoal_exchange_start(shoal_exchange *x, bool more)
{
    if (x->phase != 0) shoal_fatal("exchange round started while one is in flight");
    size_t total = 0;
    for (int d = 0; d < x->size; d++) {
        size_t len = x->outgoing[d].len;
        if (len > INT_MAX) shoal_fatal("exchange buffer of %zu bytes for rank %d exceeds one round", len, d);
        x->send_counts[d] = (int)len;
        x->send_displs[d] = (int)total;
        x->send_meta[2 * d] = (int)len;
        x->send_meta[2 * d + 1] = more;
        total += len;
    }
    if (total > INT_MAX) shoal_fatal("exchange round of %zu bytes is too large", total);
    if (total > x->send_cap || x->send_buf == NULL) {
        free(x->send_buf);
        x->send_cap = total > x->send_cap * 2 ? total : x->send_cap * 2;
        x->send_buf = shoal_xmalloc(x->send_cap ? x->send_cap : 1);
    }
    for (int d = 0; d < x->size; d++) {
        if (x->outgoing[d].len) memcpy(x->send_buf + x->send_displs[d], x->outgoing[d].data, x->outgoing[d].len);
        x->outgoing[d].len = 0;
    }
    x->bytes_sent += total;
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
            free(x->recv_buf);
            x->recv_cap = total > x->recv_cap * 2 ? total : x->recv_cap * 2;
            x->recv_buf = shoal_xmalloc(x->recv_cap ? x->recv_cap : 1);
        }
        x->recv_len = total;
        x->phase = 2;
        MPI_Ialltoallv(x->send_buf, x->send_counts, x->send_displs, MPI_BYTE, x->recv_buf, x->recv_counts,
                       x->recv_displs, MPI_BYTE, x->comm, &req);
    } else if (x->phase == 2) {
        x->phase = 0;
        x->bytes_received += x->recv_len;
        x->rounds++;
    }
    return req;
}
