/* shoal-exchange-bench: how fast Shoal's exchange moves rows compared with the bare MPI
 * collective of the same bytes on the same ranks (issue 6: an exchange should reach 70% of
 * what MPI_Alltoallv achieves). For each size (MiB of wire bytes each rank sends):
 *   alltoallv   MPI_Alltoall of the byte counts + MPI_Alltoallv of that many bytes per rank,
 *               spread evenly over the ranks (this rank's share included, as a hash spreads it);
 *   exchange    TPC-H lineitem-like column batches (BIGINT, INTEGER, two DECIMAL(15,2), DATE,
 *               two VARCHARs) as an operator hands them out (2048 rows, in cache: see the
 *               source below), hash-partitioned by l_orderkey through the query engine's path:
 *               exchange_partition.h -> batch_wire -> rounds of exchange.h with keep_self and
 *               send_in_place as a query step sets them, the received chunks kept like a step's
 *               intermediate result, then decoded back into batches as RECEIVE reads them;
 *   ratio       exchange MB/s over alltoallv MB/s (the same bytes, so the inverse time ratio);
 * and the broadcast twins: each rank contributes 1/N of the size, allgatherv (MPI_Allgather of
 * the counts + MPI_Allgatherv) against the exchange's broadcast (bcast_ratio). MB/s = 10^6
 * bytes per second per rank, over the slowest rank's time. Repeats alternate the MPI and the
 * exchange runs; best and median. A first, untimed run of each exchange checks that every row
 * arrived exactly once, where its hash says (sums of per-row hashes of sent and received rows,
 * row counts, misplaced rows), and the program exits 1 when it did not.
 * Usage: mpirun -np N shoal-exchange-bench [--sizes 1,16,128] [--repeats 5] [--nulls] [--sel]
 *        [--no-broadcast] [--poll-us N] [--round-mib M] [--mpi-small-pages]
 *   --nulls / --sel: NULLs in two columns / a selection vector on every batch (correctness);
 *   --poll-us N: wait for a round with MPI_Test and N-microsecond naps, as the scheduler does
 *   while a request is pending (SHOAL_AWAIT_SLEEP_US), instead of MPI_Wait;
 *   --round-mib M: start a round at M MiB buffered instead of SHOAL_EXCHANGE_ROUND_BYTES;
 *   --mpi-small-pages: the MPI baseline's buffers from malloc (4 KiB pages) instead of 2 MiB
 *   pages like the exchange's pool buffers. */
#include "engine/exec/batch_wire.h"
#include "engine/exec/exchange.h"
#include "engine/exec/exchange_partition.h"
#include "engine/exec/kernels.h"
#include "runtime/memory.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define COLUMNS 7
#define KEY_COLUMN 0
#define MAX_SIZES 16
#define MAX_REPEATS 101

static int my_rank, nranks;
static bool opt_nulls, opt_sel;
static long opt_poll_us;
static size_t opt_round_bytes = SHOAL_EXCHANGE_ROUND_BYTES;
static bool opt_small_pages; /* the MPI baseline's buffers from plain malloc */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- the rows: a scan-like source of lineitem-like batches ----
 * In a query the exchange's input batch was just produced by the operator below it (a scan
 * decoding blocks, a filter, a projection), so it is in cache when partitioning reads it. The
 * source hands out batch i as template i % TEMPLATES (strings in the template's heap, as a
 * decoded block's are) with l_orderkey rewritten for i, so every row is new and its hash
 * places it anew; the templates (about 1.5 MiB) stay cache-resident like an operator's output. */

static const char *ship_modes[] = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};
#define TEXT_BYTES ((size_t)1 << 20)
#define TEMPLATES 8
static char *text_pool; /* words the comments are cut from */

static void make_text_pool(void)
{
    static const char *words[] = {"furiously", "quickly", "carefully", "blithely", "slyly", "final", "regular",
                                  "express", "pending", "ironic", "deposits", "packages", "accounts", "requests",
                                  "foxes", "theodolites", "pinto", "beans", "instructions", "dependencies"};
    text_pool = shoal_xmalloc(TEXT_BYTES + 64);
    size_t at = 0;
    rng_state = 0x9e3779b97f4a7c15ULL;
    while (at < TEXT_BYTES) {
        const char *w = words[rnd() % (sizeof words / sizeof *words)];
        size_t n = strlen(w);
        memcpy(text_pool + at, w, n);
        text_pool[at + n] = ' ';
        at += n + 1;
    }
}

static shoal_type column_types[COLUMNS];

typedef struct source {
    shoal_batch templates[TEMPLATES];
    int32_t *key_offsets[TEMPLATES]; /* l_orderkey - the batch's base: an order's 1-7 lines share a key */
    int count;                       /* batches per size */
    size_t wire_bytes;               /* their wire form, whole */
} source;

/* Template t: l_orderkey BIGINT (rewritten per batch), l_partkey INTEGER, l_quantity
 * DECIMAL(15,2), l_extendedprice DECIMAL(15,2), l_shipdate DATE, l_shipmode VARCHAR(10),
 * l_comment VARCHAR(44) (10-43 characters of words). */
static void make_template(source *src, int t)
{
    shoal_batch *b = &src->templates[t];
    uint32_t n = SHOAL_BATCH_ROWS;
    shoal_batch_init(b, COLUMNS, column_types, n);
    src->key_offsets[t] = shoal_xmalloc(n * sizeof(int32_t));
    int64_t *qty = b->columns[2].data, *price = b->columns[3].data;
    int32_t *part = b->columns[1].data, *date = b->columns[4].data, key = 0;
    shoal_string *mode = b->columns[5].data, *comment = b->columns[6].data;
    int lines_left = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (--lines_left <= 0) {
            key += 1 + (int32_t)(rnd() % 4);
            lines_left = 1 + (int)(rnd() % 7);
        }
        uint64_t r = rnd();
        src->key_offsets[t][i] = key;
        part[i] = 1 + (int32_t)(r % 200000);
        qty[i] = 100 * (int64_t)(1 + (r >> 20) % 50);
        price[i] = qty[i] / 100 * (90000 + (int64_t)((r >> 26) % 10000000)) / 100;
        date[i] = 8036 + (int32_t)((r >> 40) % 2526);
        const char *m = ship_modes[(r >> 52) % 7];
        mode[i] = (shoal_string){m, (uint32_t)strlen(m)};
        uint64_t r2 = rnd();
        comment[i] = shoal_vector_add_string(&b->columns[6], text_pool + r2 % (TEXT_BYTES - 44), 10 + (uint32_t)((r2 >> 32) % 34));
        if (opt_nulls && (r2 >> 48) % 16 == 0) shoal_vector_set_null(&b->columns[1], i, true);
        if (opt_nulls && (r2 >> 48) % 16 == 1) shoal_vector_set_null(&b->columns[6], i, true);
    }
    for (int c = 0; c < COLUMNS; c++) b->columns[c].count = n;
    b->count = n;
    if (opt_sel) { /* every row but one in eight */
        uint32_t *sel = shoal_batch_select_all(b), k = 0;
        for (uint32_t i = 0; i < n; i++)
            if (i % 8 != 5) sel[k++] = i;
        b->sel_count = k;
    }
}

/* Batch i of this rank: its template with the batch's order keys (ranks' keys never meet). */
static const shoal_batch *source_batch(source *src, int i)
{
    int t = i % TEMPLATES;
    shoal_batch *b = &src->templates[t];
    int64_t *ok = b->columns[0].data, base = ((int64_t)my_rank << 40) + (int64_t)i * 4 * SHOAL_BATCH_ROWS;
    const int32_t *off = src->key_offsets[t];
    for (uint32_t r = 0; r < b->count; r++) ok[r] = base + off[r];
    return b;
}

/* Templates, and as many batches as make `bytes` of wire form. */
static void make_source(source *src, size_t bytes)
{
    memset(src, 0, sizeof *src);
    rng_state = 0x2545f4914f6cdd1dULL * (uint64_t)(my_rank + 1);
    shoal_writer w;
    shoal_writer_init(&w, 1 << 20);
    for (int t = 0; t < TEMPLATES; t++) make_template(src, t);
    while (src->wire_bytes < bytes) {
        w.len = 0;
        shoal_batch_write(&w, source_batch(src, src->count++), NULL, 0);
        src->wire_bytes += w.len;
    }
    shoal_writer_free(&w);
}

static void free_source(source *src)
{
    for (int t = 0; t < TEMPLATES; t++) {
        shoal_batch_free(&src->templates[t]);
        free(src->key_offsets[t]);
    }
    memset(src, 0, sizeof *src);
}

/* ---- checksums: the sum of every row's hash over all columns ---- */

typedef struct checksum {
    uint64_t rows, sum, misplaced;
} checksum;

static void checksum_batch(checksum *c, const shoal_batch *b, bool check_place)
{
    uint32_t n = shoal_batch_rows(b);
    if (n == 0) return;
    uint64_t *h = shoal_xmalloc((size_t)n * sizeof *h);
    for (int col = 0; col < b->column_count; col++) kernel_hash_vector(&b->columns[col], b->sel, n, h, col > 0);
    for (uint32_t i = 0; i < n; i++) c->sum += h[i];
    c->rows += n;
    if (check_place) {
        kernel_hash_vector(&b->columns[KEY_COLUMN], b->sel, n, h, false);
        for (uint32_t i = 0; i < n; i++) c->misplaced += h[i] % (uint64_t)nranks != (uint64_t)my_rank;
    }
    free(h);
}

/* ---- the exchange as a query step runs it ---- */

typedef struct chunks { /* what a step keeps as its intermediate result */
    int count, cap;
    uint8_t **data;
    size_t *len;
    uint8_t **owned;
    size_t *owned_cap;
    int owned_count;
} chunks;

static void chunks_add(chunks *k, uint8_t *data, size_t len, uint8_t *owned, size_t owned_cap)
{
    if (k->count + 1 >= k->cap || k->owned_count + 1 >= k->cap) {
        k->cap = k->cap ? 2 * k->cap : 64;
        k->data = shoal_xrealloc(k->data, (size_t)k->cap * sizeof *k->data);
        k->len = shoal_xrealloc(k->len, (size_t)k->cap * sizeof *k->len);
        k->owned = shoal_xrealloc(k->owned, (size_t)k->cap * sizeof *k->owned);
        k->owned_cap = shoal_xrealloc(k->owned_cap, (size_t)k->cap * sizeof *k->owned_cap);
    }
    if (len) {
        k->data[k->count] = data;
        k->len[k->count] = len;
        k->count++;
    }
    if (owned) {
        k->owned[k->owned_count] = owned;
        k->owned_cap[k->owned_count] = owned_cap;
        k->owned_count++;
    }
}

static void chunks_release(chunks *k)
{
    for (int i = 0; i < k->owned_count; i++) shoal_buffer_pool_put(k->owned[i], k->owned_cap[i]);
    free(k->data);
    free(k->len);
    free(k->owned);
    free(k->owned_cap);
    memset(k, 0, sizeof *k);
}

static void await(MPI_Request *req)
{
    if (opt_poll_us <= 0) {
        MPI_Wait(req, MPI_STATUS_IGNORE);
        return;
    }
    struct timespec nap = {0, opt_poll_us * 1000};
    for (int done = 0;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done) return;
        nanosleep(&nap, NULL);
    }
}

typedef struct xrun {
    double pack_s, comm_s, decode_s;
    uint64_t rows_out, rounds, wire_bytes, remote_bytes;
    bool malformed;
} xrun;

/* Moves batches [0, nbatches) of src: by l_orderkey's hash, or to every rank (broadcast).
 * The received chunks stay in *keep (release them with chunks_release). */
static void run_exchange(source *src, int nbatches, bool broadcast, chunks *keep, xrun *st)
{
    static const int32_t keys[1] = {KEY_COLUMN};
    memset(st, 0, sizeof *st);
    memset(keep, 0, sizeof *keep);
    shoal_exchange x;
    shoal_exchange_init(&x, MPI_COMM_WORLD);
    x.keep_self = true;     /* as query_dispatch.c sets them */
    x.send_in_place = true;
    x.broadcast = broadcast;
    shoal_partitioner p;
    shoal_partitioner_init(&p, x.size);
    int next = 0;
    bool produced_all = false;
    uint64_t self_bytes = 0;
    do {
        double t0 = now_s();
        while (!produced_all && shoal_exchange_buffered(&x) < opt_round_bytes) {
            if (next == nbatches) {
                produced_all = true;
                break;
            }
            const shoal_batch *b = source_batch(src, next++);
            if (broadcast) shoal_exchange_write_all(&x, b);
            else shoal_exchange_write_hashed(&x, &p, b, keys, 1);
        }
        double t1 = now_s();
        MPI_Request req = shoal_exchange_start(&x, !produced_all);
        while (req != MPI_REQUEST_NULL) {
            await(&req);
            req = shoal_exchange_continue(&x);
        }
        /* the round's bytes in rank order, as query_dispatch.c keeps them: the other ranks'
         * before ours, ours (the buffer they were written in), the others' after ours */
        size_t before = (size_t)x.recv_displs[x.rank], self_len, self_cap, recv_cap = 0;
        uint8_t *self = shoal_exchange_take_self(&x, &self_len, &self_cap);
        uint8_t *recv = x.recv_len ? shoal_exchange_take_recv(&x, &recv_cap) : NULL;
        if (recv) chunks_add(keep, recv, before, recv, recv_cap);
        if (self) chunks_add(keep, self, self_len, self, self_cap);
        if (recv) chunks_add(keep, recv + before, x.recv_len - before, NULL, 0);
        self_bytes += self_len;
        st->pack_s += t1 - t0;
        st->comm_s += now_s() - t1;
    } while (!produced_all || x.any_more);
    st->rounds = x.rounds;
    st->wire_bytes = x.bytes_sent;
    st->remote_bytes = x.bytes_sent - self_bytes;
    shoal_partitioner_free(&p);
    shoal_exchange_free(&x);

    /* the next step's RECEIVE: every chunk back into batches */
    double t2 = now_s();
    shoal_batch out = {0};
    for (int i = 0; i < keep->count; i++) {
        shoal_reader r;
        shoal_reader_init(&r, keep->data[i], keep->len[i]);
        while (r.pos < r.len) {
            if (!shoal_batch_read(&r, &out)) {
                st->malformed = true;
                break;
            }
            st->rows_out += out.count;
        }
    }
    shoal_batch_free(&out);
    st->decode_s = now_s() - t2;
}

static void checksum_chunks(const chunks *k, bool check_place, checksum *c)
{
    shoal_batch out = {0};
    for (int i = 0; i < k->count; i++) {
        shoal_reader r;
        shoal_reader_init(&r, k->data[i], k->len[i]);
        while (r.pos < r.len && shoal_batch_read(&r, &out)) checksum_batch(c, &out, check_place);
    }
    shoal_batch_free(&out);
}

/* ---- the bare collectives ---- */

typedef struct mpi_buffers {
    uint8_t *send, *recv;
    int *scounts, *sdispls, *rcounts, *rdispls;
} mpi_buffers;

/* On 2 MiB pages where the kernel gives them, as the exchange's buffers are (the pool's huge
 * buffers): the baseline gets the same help with page faults and CMA's page pinning. */
static uint8_t *huge_buffer(size_t bytes)
{
    size_t rounded = (bytes + ((size_t)2 << 20) - 1) & ~(((size_t)2 << 20) - 1);
    uint8_t *b = aligned_alloc((size_t)2 << 20, rounded ? rounded : ((size_t)2 << 20));
    if (b == NULL) return shoal_xmalloc(bytes ? bytes : 1);
#ifdef MADV_HUGEPAGE
    madvise(b, rounded, MADV_HUGEPAGE);
#endif
    return b;
}

static void mpi_buffers_init(mpi_buffers *m, size_t send_bytes, size_t recv_bytes)
{
    m->send = opt_small_pages ? shoal_xmalloc(send_bytes ? send_bytes : 1) : huge_buffer(send_bytes);
    m->recv = opt_small_pages ? shoal_xmalloc(recv_bytes ? recv_bytes : 1) : huge_buffer(recv_bytes);
    memset(m->send, 0x5a, send_bytes); /* pages faulted in before timing, as the pooled exchange buffers are */
    memset(m->recv, 0, recv_bytes);
    m->scounts = shoal_xcalloc((size_t)nranks, sizeof(int));
    m->sdispls = shoal_xcalloc((size_t)nranks, sizeof(int));
    m->rcounts = shoal_xcalloc((size_t)nranks, sizeof(int));
    m->rdispls = shoal_xcalloc((size_t)nranks, sizeof(int));
}

static void mpi_buffers_free(mpi_buffers *m)
{
    free(m->send);
    free(m->recv);
    free(m->scounts);
    free(m->sdispls);
    free(m->rcounts);
    free(m->rdispls);
}

/* bytes from this rank, spread evenly over the ranks: counts, then the data. */
static void run_alltoallv(mpi_buffers *m, size_t bytes)
{
    int at = 0;
    for (int d = 0; d < nranks; d++) {
        m->scounts[d] = (int)(bytes / (size_t)nranks + ((size_t)d < bytes % (size_t)nranks));
        m->sdispls[d] = at;
        at += m->scounts[d];
    }
    MPI_Alltoall(m->scounts, 1, MPI_INT, m->rcounts, 1, MPI_INT, MPI_COMM_WORLD);
    at = 0;
    for (int s = 0; s < nranks; s++) {
        m->rdispls[s] = at;
        at += m->rcounts[s];
    }
    MPI_Alltoallv(m->send, m->scounts, m->sdispls, MPI_BYTE, m->recv, m->rcounts, m->rdispls, MPI_BYTE, MPI_COMM_WORLD);
}

/* bytes from this rank to every rank: counts, then the data. */
static void run_allgatherv(mpi_buffers *m, size_t bytes)
{
    int mine = (int)bytes;
    MPI_Allgather(&mine, 1, MPI_INT, m->rcounts, 1, MPI_INT, MPI_COMM_WORLD);
    int at = 0;
    for (int s = 0; s < nranks; s++) {
        m->rdispls[s] = at;
        at += m->rcounts[s];
    }
    MPI_Allgatherv(m->send, mine, MPI_BYTE, m->recv, m->rcounts, m->rdispls, MPI_BYTE, MPI_COMM_WORLD);
}

/* ---- timing ---- */

static double slowest(double t)
{
    double max;
    MPI_Allreduce(&t, &max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return max;
}

static double mean_over_ranks(double v)
{
    double sum;
    MPI_Allreduce(&v, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return sum / nranks;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *t, int n)
{
    double s[MAX_REPEATS];
    memcpy(s, t, (size_t)n * sizeof *t);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static int best_index(const double *t, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++)
        if (t[i] < t[b]) b = i;
    return b;
}

/* The untimed first run (its figures in *first): whether every row arrived once, on its rank. */
static bool verify(source *src, int nbatches, bool broadcast, const char *what, double size_mib, xrun *first)
{
    checksum sent = {0}, got = {0}, sent_all, got_all;
    for (int i = 0; i < nbatches; i++) checksum_batch(&sent, source_batch(src, i), false);
    chunks keep;
    run_exchange(src, nbatches, broadcast, &keep, first);
    checksum_chunks(&keep, !broadcast, &got);
    chunks_release(&keep);
    MPI_Allreduce(&sent, &sent_all, 3, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(&got, &got_all, 3, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    int bad_local = first->malformed || got.rows != first->rows_out, bad;
    MPI_Allreduce(&bad_local, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    uint64_t copies = broadcast ? (uint64_t)nranks : 1;
    bool ok = !bad && got_all.rows == copies * sent_all.rows && got_all.sum == copies * sent_all.sum &&
              got_all.misplaced == 0;
    if (my_rank == 0)
        printf("checksum %s %s size_mib=%g rows_sent=%llu rows_received=%llu sum_sent=%016llx sum_received=%016llx "
               "misplaced=%llu\n",
               ok ? "ok" : "MISMATCH", what, size_mib, (unsigned long long)sent_all.rows,
               (unsigned long long)got_all.rows, (unsigned long long)(copies * sent_all.sum),
               (unsigned long long)got_all.sum, (unsigned long long)got_all.misplaced);
    return ok;
}

/* One size: the MPI collective and the exchange, alternating; prints their lines. */
static bool bench_size(source *src, int nbatches, bool broadcast, double size_mib, int repeats)
{
    const char *mpi_name = broadcast ? "allgatherv" : "alltoallv", *x_name = broadcast ? "broadcast" : "exchange";
    xrun first;
    bool ok = verify(src, nbatches, broadcast, x_name, size_mib, &first);
    /* the MPI run moves what the exchange put on the wire: per rank, its bytes for all
     * destinations (redistribute), or one copy of its rows (broadcast) */
    size_t mine = broadcast ? first.wire_bytes / (size_t)nranks : first.wire_bytes;
    uint64_t total_mine = mine, total;
    MPI_Allreduce(&total_mine, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    /* bytes that count per rank: the mean sent (redistribute), everything delivered (broadcast) */
    double bytes = broadcast ? (double)total : (double)total / nranks;
    mpi_buffers m;
    mpi_buffers_init(&m, mine, broadcast ? (size_t)total : (size_t)(total / (uint64_t)nranks) + (size_t)nranks);
    double t_mpi[MAX_REPEATS], t_x[MAX_REPEATS], pack[MAX_REPEATS], comm[MAX_REPEATS], decode[MAX_REPEATS];
    uint64_t remote = first.remote_bytes, rounds = first.rounds;
    for (int rep = 0; rep < repeats; rep++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = now_s();
        if (broadcast) run_allgatherv(&m, mine);
        else run_alltoallv(&m, mine);
        t_mpi[rep] = slowest(now_s() - t0);

        MPI_Barrier(MPI_COMM_WORLD);
        t0 = now_s();
        chunks keep;
        xrun st;
        run_exchange(src, nbatches, broadcast, &keep, &st);
        chunks_release(&keep); /* the query's release */
        t_x[rep] = slowest(now_s() - t0);
        pack[rep] = mean_over_ranks(st.pack_s);
        comm[rep] = mean_over_ranks(st.comm_s);
        decode[rep] = mean_over_ranks(st.decode_s);
    }
    mpi_buffers_free(&m);
    double remote_mean = mean_over_ranks((double)remote);
    int bm = best_index(t_mpi, repeats), bx = best_index(t_x, repeats);
    double mbs_mpi = bytes / t_mpi[bm] / 1e6, mbs_x = bytes / t_x[bx] / 1e6;
    if (my_rank == 0) {
        printf("%s %.1f MB/s size_mib=%g ranks=%d bytes_per_rank=%.0f best_ms=%.2f median_ms=%.2f median_MB/s=%.1f\n",
               mpi_name, mbs_mpi, size_mib, nranks, bytes, t_mpi[bm] * 1e3, median(t_mpi, repeats) * 1e3,
               bytes / median(t_mpi, repeats) / 1e6);
        printf("%s %.1f MB/s size_mib=%g ranks=%d bytes_per_rank=%.0f remote_bytes_per_rank=%.0f rank0_rows=%.0f "
               "rounds=%llu best_ms=%.2f median_ms=%.2f median_MB/s=%.1f pack_ms=%.2f comm_ms=%.2f decode_ms=%.2f\n",
               x_name, mbs_x, size_mib, nranks, bytes, remote_mean, (double)first.rows_out, (unsigned long long)rounds,
               t_x[bx] * 1e3, median(t_x, repeats) * 1e3, bytes / median(t_x, repeats) / 1e6, pack[bx] * 1e3,
               comm[bx] * 1e3, decode[bx] * 1e3);
        printf("%s %.2f size_mib=%g ranks=%d median_ratio=%.2f\n", broadcast ? "bcast_ratio" : "ratio", mbs_x / mbs_mpi,
               size_mib, nranks, median(t_mpi, repeats) / median(t_x, repeats));
        fflush(stdout);
    }
    return ok;
}

static void usage(void)
{
    if (my_rank == 0)
        fprintf(stderr, "usage: shoal-exchange-bench [--sizes MiB,MiB,...] [--repeats N] [--nulls] [--sel] "
                        "[--no-broadcast] [--poll-us N] [--round-mib M] [--mpi-small-pages]\n");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    double sizes[MAX_SIZES] = {1, 16, 128};
    int size_count = 3, repeats = 5;
    bool broadcast = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            size_count = 0;
            for (char *s = argv[++i], *end; *s && size_count < MAX_SIZES; s = *end ? end + 1 : end) {
                sizes[size_count] = strtod(s, &end);
                if (end == s || sizes[size_count] <= 0 || sizes[size_count] > 1024) {
                    usage();
                    MPI_Abort(MPI_COMM_WORLD, 2);
                }
                size_count++;
            }
        } else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
            repeats = atoi(argv[++i]);
            if (repeats < 1 || repeats > MAX_REPEATS) repeats = 5;
        } else if (strcmp(argv[i], "--poll-us") == 0 && i + 1 < argc) {
            opt_poll_us = atol(argv[++i]);
        } else if (strcmp(argv[i], "--round-mib") == 0 && i + 1 < argc) {
            double mib = strtod(argv[++i], NULL);
            if (mib > 0 && mib <= 1024) opt_round_bytes = (size_t)(mib * (1 << 20));
        } else if (strcmp(argv[i], "--mpi-small-pages") == 0) {
            opt_small_pages = true;
        } else if (strcmp(argv[i], "--nulls") == 0) {
            opt_nulls = true;
        } else if (strcmp(argv[i], "--sel") == 0) {
            opt_sel = true;
        } else if (strcmp(argv[i], "--no-broadcast") == 0) {
            broadcast = false;
        } else {
            usage();
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
    }
    column_types[0] = shoal_type_make(SHOAL_TYPE_BIGINT);
    column_types[1] = shoal_type_make(SHOAL_TYPE_INTEGER);
    column_types[2] = shoal_type_decimal(15, 2);
    column_types[3] = shoal_type_decimal(15, 2);
    column_types[4] = shoal_type_make(SHOAL_TYPE_DATE);
    column_types[5] = shoal_type_string(SHOAL_TYPE_VARCHAR, 10);
    column_types[6] = shoal_type_string(SHOAL_TYPE_VARCHAR, 44);
    make_text_pool();
    if (my_rank == 0)
        printf("# shoal-exchange-bench: %d ranks, lineitem-like rows (BIGINT key, INTEGER, 2 x DECIMAL(15,2), DATE, "
               "2 x VARCHAR)%s%s, rounds of %.2f MiB, %d repeats, %s\n",
               nranks, opt_nulls ? ", NULLs" : "", opt_sel ? ", selection vectors" : "",
               (double)opt_round_bytes / (1 << 20), repeats, opt_poll_us > 0 ? "MPI_Test + naps" : "MPI_Wait");
    bool ok = true;
    for (int s = 0; s < size_count; s++) {
        source src;
        make_source(&src, (size_t)(sizes[s] * (1 << 20)));
        ok &= bench_size(&src, src.count, false, sizes[s], repeats);
        /* broadcast: each rank contributes 1/N of the size, so each receives about the size */
        int share = (src.count + nranks - 1) / nranks;
        if (broadcast) ok &= bench_size(&src, share, true, sizes[s], repeats);
        free_source(&src);
    }
    free(text_pool);
    MPI_Finalize();
    return ok ? 0 : 1;
}
