/* Distributed loads: the rank side (the load actor) and the leader side (two-phase commit).
 * See load.h for the protocol. */
#include "engine/load/load.h"
#include "engine/load/load_errors_log.h"
#include "engine/load/load_sort.h"
#include "engine/catalog/column_stats.h"
#include "engine/exec/batch_wire.h"
#include "engine/exec/exchange.h"
#include "engine/exec/exchange_partition.h"
#include "engine/exec/kernels.h"
#include "engine/exec/sort.h"
#include "engine/loader/copy_errors.h"
#include "engine/loader/copy_files.h"
#include "engine/loader/copy_options.h"
#include "engine/loader/copy_parse.h"
#include "engine/storage/table_store.h"
#include "engine/tpch/tpch.h"
#include "runtime/log.h"
#include "runtime/memory.h"
#include "runtime/request.h"
#include "runtime/serialize.h"
#include "runtime/system_actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define ROUND_BYTES (16u << 20)      /* an exchange round carries about this much per rank */
#define COPY_STEP_BYTES (8 << 20)    /* bytes of input parsed per scheduler turn */
#define TPCH_STEP_ROWS 16384         /* rows generated per scheduler turn */
#define MAX_ACTIVE_LOADS 16

/* ---- the job, as shipped ---- */

typedef struct load_range {
    char *path;
    int64_t start, end;
} load_range;

typedef struct load_job {
    uint64_t version;
    uint32_t table_id;
    char table_name[SHOAL_NAME_MAX];
    int32_t column_count;
    shoal_type *types;
    char (*encodings)[16];
    char (*names)[SHOAL_NAME_MAX];
    uint8_t *not_null;
    uint8_t dist;
    int32_t distkey;
    int32_t sortkey_count;
    int32_t sortkeys[SHOAL_MAX_SORTKEYS];
    int32_t comm_index;
    uint8_t source;
    /* COPY */
    int32_t option_count;
    char **option_keywords, **option_values;
    int32_t copy_column_count;
    int32_t *copy_columns;
    int32_t range_count; /* this rank's */
    load_range *ranges;
    /* TPCH */
    int32_t tpch_table;
    double scale_factor;
    uint8_t tpch_pool; /* every rank builds its share of the text pool first, then all swap */
    uint8_t tpch_release_pool; /* the last table of a generation: unmap the pool when done */
} load_job;

static void job_free(load_job *j)
{
    free(j->types);
    free(j->encodings);
    free(j->names);
    free(j->not_null);
    for (int i = 0; i < j->option_count; i++) {
        free(j->option_keywords[i]);
        free(j->option_values[i]);
    }
    free(j->option_keywords);
    free(j->option_values);
    free(j->copy_columns);
    for (int i = 0; i < j->range_count; i++) free(j->ranges[i].path);
    free(j->ranges);
}

static void put_type(shoal_writer *w, shoal_type t)
{
    shoal_put_u8(w, t.id);
    shoal_put_u8(w, t.precision);
    shoal_put_u8(w, t.scale);
    shoal_put_u32(w, t.length);
}

static shoal_type get_type(shoal_reader *r)
{
    shoal_type t = {0, 0, 0, 0, 0};
    t.id = shoal_get_u8(r);
    t.precision = shoal_get_u8(r);
    t.scale = shoal_get_u8(r);
    t.length = shoal_get_u32(r);
    if (t.id == 0 || t.id >= SHOAL_TYPE_COUNT) r->failed = true;
    return t;
}

static bool get_fixed_str(shoal_reader *r, char *dst, size_t size)
{
    char *s = shoal_get_str(r);
    bool ok = s && strlen(s) < size;
    if (ok) strcpy(dst, s);
    else r->failed = true;
    free(s);
    return ok;
}

/* Everything but the ranges, which differ per rank and follow: i32 count then the ranges. */
static void job_write_common(shoal_writer *w, const load_job *j)
{
    shoal_put_u64(w, j->version);
    shoal_put_u32(w, j->table_id);
    shoal_put_str(w, j->table_name);
    shoal_put_i32(w, j->column_count);
    for (int i = 0; i < j->column_count; i++) {
        put_type(w, j->types[i]);
        shoal_put_str(w, j->encodings[i]);
        shoal_put_str(w, j->names[i]);
        shoal_put_u8(w, j->not_null[i]);
    }
    shoal_put_u8(w, j->dist);
    shoal_put_i32(w, j->distkey);
    shoal_put_i32(w, j->sortkey_count);
    for (int i = 0; i < j->sortkey_count; i++) shoal_put_i32(w, j->sortkeys[i]);
    shoal_put_i32(w, j->comm_index);
    shoal_put_u8(w, j->source);
    shoal_put_i32(w, j->option_count);
    for (int i = 0; i < j->option_count; i++) {
        shoal_put_str(w, j->option_keywords[i]);
        shoal_put_str(w, j->option_values[i]);
    }
    shoal_put_i32(w, j->copy_column_count);
    for (int i = 0; i < j->copy_column_count; i++) shoal_put_i32(w, j->copy_columns[i]);
    shoal_put_i32(w, j->tpch_table);
    shoal_put_f64(w, j->scale_factor);
    shoal_put_u8(w, j->tpch_pool);
    shoal_put_u8(w, j->tpch_release_pool);
}

static bool job_read(shoal_reader *r, load_job *j)
{
    memset(j, 0, sizeof *j);
    j->version = shoal_get_u64(r);
    j->table_id = shoal_get_u32(r);
    get_fixed_str(r, j->table_name, sizeof j->table_name);
    j->column_count = shoal_get_i32(r);
    if (r->failed || j->column_count <= 0 || j->column_count > SHOAL_STORAGE_MAX_COLUMNS) return false;
    size_t n = (size_t)j->column_count;
    j->types = shoal_xcalloc(n, sizeof *j->types);
    j->encodings = shoal_xcalloc(n, sizeof *j->encodings);
    j->names = shoal_xcalloc(n, sizeof *j->names);
    j->not_null = shoal_xcalloc(n, 1);
    for (size_t i = 0; i < n && !r->failed; i++) {
        j->types[i] = get_type(r);
        get_fixed_str(r, j->encodings[i], sizeof j->encodings[i]);
        get_fixed_str(r, j->names[i], sizeof j->names[i]);
        j->not_null[i] = shoal_get_u8(r);
    }
    j->dist = shoal_get_u8(r);
    j->distkey = shoal_get_i32(r);
    j->sortkey_count = shoal_get_i32(r);
    if (j->sortkey_count < 0 || j->sortkey_count > SHOAL_MAX_SORTKEYS) return false;
    for (int i = 0; i < j->sortkey_count; i++) j->sortkeys[i] = shoal_get_i32(r);
    j->comm_index = shoal_get_i32(r);
    j->source = shoal_get_u8(r);
    j->option_count = shoal_get_i32(r);
    if (r->failed || j->option_count < 0 || j->option_count > 64) return false;
    j->option_keywords = shoal_xcalloc((size_t)j->option_count + 1, sizeof(char *));
    j->option_values = shoal_xcalloc((size_t)j->option_count + 1, sizeof(char *));
    for (int i = 0; i < j->option_count; i++) {
        j->option_keywords[i] = shoal_get_str(r);
        j->option_values[i] = shoal_get_str(r);
    }
    j->copy_column_count = shoal_get_i32(r);
    if (r->failed || j->copy_column_count < 0 || j->copy_column_count > j->column_count) return false;
    j->copy_columns = shoal_xcalloc((size_t)j->copy_column_count + 1, sizeof(int32_t));
    for (int i = 0; i < j->copy_column_count; i++) j->copy_columns[i] = shoal_get_i32(r);
    j->tpch_table = shoal_get_i32(r);
    j->scale_factor = shoal_get_f64(r);
    j->tpch_pool = shoal_get_u8(r);
    j->tpch_release_pool = shoal_get_u8(r);
    j->range_count = shoal_get_i32(r);
    if (r->failed || j->range_count < 0 || (size_t)j->range_count > r->len) return false;
    j->ranges = shoal_xcalloc((size_t)j->range_count + 1, sizeof(load_range));
    for (int i = 0; i < j->range_count; i++) {
        j->ranges[i].path = shoal_get_str(r);
        j->ranges[i].start = shoal_get_i64(r);
        j->ranges[i].end = shoal_get_i64(r);
    }
    if (j->distkey >= j->column_count) return false;
    for (int i = 0; i < j->sortkey_count; i++)
        if (j->sortkeys[i] < 0 || j->sortkeys[i] >= j->column_count) return false;
    return !r->failed;
}

/* ---- the rank side ---- */

typedef enum { PHASE_RUNNING = 1, PHASE_PREPARED, PHASE_DONE } load_phase;

typedef struct load_actor {
    shoal_actor *self;
    shoal_rt *rt;
    uint64_t query_id;
    shoal_addr leader;
    load_job job;
    load_phase phase;
    bool produced_all, failed, cancelled, round_in_flight, step_pending;
    shoal_error error;
    double started_ms, last_progress_ms;
    /* production */
    int range_index;
    shoal_copy_reader *reader; /* of ranges[range_index], once opened */
    uint64_t bytes_done;       /* input bytes of the ranges finished */
    shoal_copy_options copy_options;
    shoal_copy_target copy_target;
    shoal_copy_column *copy_columns;
    shoal_load_error_sink copy_errors;
    tpch_gen *gen;
    tpch_batch *tbatch;
    shoal_batch scratch;        /* the generated rows as the table's types (TPCH) */
    char *pool;                 /* the text pool being assembled (job.tpch_pool) */
    int *pool_counts, *pool_displs;
    uint64_t round_robin;
    shoal_partitioner split; /* each batch's rows by destination */
    /* exchange and sink */
    shoal_exchange exchange;
    shoal_load_sorter *load_sorter; /* a SORTKEY of integer-backed columns */
    shoal_sorter *sorter;           /* any other SORTKEY */
    shoal_table_store *store;
    shoal_appender *appender;
    shoal_load_rank_result result;
    shoal_column_stats *stats; /* per column, of the rows this rank stores in this load */
    uint64_t *stat_hashes;
    uint32_t stat_hashes_cap;
    /* where the time went (SHOAL_LOG=debug prints it per rank) */
    double ms_produce, ms_partition, ms_round_wait, ms_consume, ms_sort, ms_write, ms_prepare, round_started_ms;
    double cpu_started_ms;
    long faults_started;
} load_actor;

static load_actor *g_active[MAX_ACTIVE_LOADS];
static char g_rank_dir[4096];

static void register_active(load_actor *a)
{
    for (int i = 0; i < MAX_ACTIVE_LOADS; i++)
        if (g_active[i] == NULL) { g_active[i] = a; return; }
}

static load_actor *find_active(uint64_t query_id)
{
    for (int i = 0; i < MAX_ACTIVE_LOADS; i++)
        if (g_active[i] && g_active[i]->query_id == query_id) return g_active[i];
    return NULL;
}

static void load_actor_free(void *arg)
{
    load_actor *a = arg;
    for (int i = 0; i < MAX_ACTIVE_LOADS; i++)
        if (g_active[i] == a) g_active[i] = NULL;
    if (a->appender) shoal_appender_free(a->appender); /* aborts if not committed */
    if (a->store) shoal_table_store_close(a->store);
    shoal_sorter_free(a->sorter);
    shoal_load_sorter_free(a->load_sorter);
    shoal_partitioner_free(&a->split);
    if (a->exchange.outgoing) shoal_exchange_free(&a->exchange);
    if (a->gen) tpch_gen_close(a->gen);
    if (a->tbatch) tpch_batch_destroy(a->tbatch);
    if (a->scratch.columns) {
        /* its strings borrow the tpch batch's memory: drop them before freeing */
        for (int c = 0; c < a->scratch.column_count; c++) a->scratch.columns[c].count = 0;
        shoal_batch_free(&a->scratch);
    }
    if (a->pool) tpch_text_pool_free(a->pool);
    /* after the generator and the batches that borrowed its strings are gone */
    if (a->job.source == SHOAL_LOAD_TPCH && a->job.tpch_release_pool) tpch_text_pool_release();
    free(a->pool_counts);
    free(a->pool_displs);
    if (a->reader) shoal_copy_reader_close(a->reader);
    if (a->job.source == SHOAL_LOAD_COPY) shoal_load_error_sink_free(&a->copy_errors);
    free(a->copy_columns);
    if (a->stats)
        for (int c = 0; c < a->job.column_count; c++) shoal_column_stats_free(&a->stats[c]);
    free(a->stats);
    free(a->stat_hashes);
    job_free(&a->job);
    free(a);
}

static void fail(load_actor *a, const shoal_error *e)
{
    if (!a->failed) {
        a->failed = true;
        a->error = *e;
        a->error.rank = shoal_rt_rank(a->rt);
    }
    a->produced_all = true;
}

/* A string's hash for the sketch: the exec kernels' (kernel_hash_vector of a string column). */
static inline uint64_t stats_hash_string(shoal_string v) { return shoal_hash_u64(shoal_hash_bytes(v.ptr, v.len)); }

/* Hashes a string column's selected non-NULL rows into its sketch. Short strings (the flags,
 * codes and modes that repeat on every row) go through a small cache of values already added
 * (exact: length and all bytes compared), so each distinct one is hashed about once a batch. */
static void sketch_strings(shoal_column_stats *st, uint8_t *reg, const shoal_vector *v, const shoal_batch *b, uint32_t n)
{
    struct { uint64_t lo, hi; uint32_t len; } seen[256];
    memset(seen, 0xff, sizeof seen); /* len 0xffffffff: empty */
    const shoal_string *str = v->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = shoal_batch_row(b, i);
        if (shoal_vector_is_null(v, r)) {
            st->null_count++;
            continue;
        }
        shoal_string x = str[r];
        if (x.len > 16) {
            shoal_hll_add(reg, stats_hash_string(x));
            continue;
        }
        uint64_t lo = 0, hi = 0; /* the bytes, zero-filled, in two words */
        if (x.len >= 8) {
            memcpy(&lo, x.ptr, 8);
            memcpy(&hi, x.ptr + x.len - 8, 8);
        } else if (x.len >= 4) {
            uint32_t a, c;
            memcpy(&a, x.ptr, 4);
            memcpy(&c, x.ptr + x.len - 4, 4);
            lo = (uint64_t)a | (uint64_t)c << ((x.len - 4) * 8);
        } else if (x.len > 0) {
            lo = (uint64_t)(uint8_t)x.ptr[0] | (uint64_t)(uint8_t)x.ptr[x.len / 2] << (x.len / 2 * 8) |
                 (uint64_t)(uint8_t)x.ptr[x.len - 1] << ((x.len - 1) * 8);
        }
        uint32_t slot = (uint32_t)(((lo ^ (hi * 0x9E3779B97F4A7C15ull) ^ x.len) * 0xFF51AFD7ED558CCDull) >> 56);
        if (seen[slot].len == x.len && seen[slot].lo == lo && seen[slot].hi == hi) continue;
        seen[slot].lo = lo;
        seen[slot].hi = hi;
        seen[slot].len = x.len;
        shoal_hll_add(reg, stats_hash_string(x));
    }
}

/* Every row that reaches the appender goes through here: each value is hashed into its
 * column's sketch (NULLs counted instead), then the rows are stored. */
static bool append_rows(load_actor *a, const shoal_batch *b, shoal_error *e)
{
    uint32_t n = shoal_batch_rows(b);
    if (n > a->stat_hashes_cap) {
        a->stat_hashes_cap = n;
        a->stat_hashes = shoal_xrealloc(a->stat_hashes, (size_t)n * sizeof(uint64_t));
    }
    for (int c = 0; c < b->column_count && n > 0; c++) {
        const shoal_vector *v = &b->columns[c];
        shoal_column_stats *st = &a->stats[c];
        uint8_t *reg = shoal_column_stats_sketch(st);
        st->rows += n;
        if (st->kind == SHOAL_STATS_STRING) {
            sketch_strings(st, reg, v, b, n);
            continue;
        }
        kernel_hash_vector(v, b->sel, n, a->stat_hashes, false);
        if (v->validity == NULL) {
            for (uint32_t i = 0; i < n; i++) shoal_hll_add(reg, a->stat_hashes[i]);
        } else {
            for (uint32_t i = 0; i < n; i++) {
                if (shoal_vector_is_null(v, shoal_batch_row(b, i))) st->null_count++;
                else shoal_hll_add(reg, a->stat_hashes[i]);
            }
        }
    }
    return shoal_appender_add_batch(a->appender, b, e);
}

/* This rank's slice receives rows[0..n) of b (b's selected rows when rows is NULL): into the
 * sorter, or straight to the appender when the table has no SORTKEY. */
static void add_to_sink(load_actor *a, const shoal_batch *b, const uint32_t *rows, uint32_t n)
{
    if (rows == NULL) n = shoal_batch_rows(b);
    a->result.rows_stored += n;
    if (a->failed || a->cancelled || n == 0) return;
    if (a->load_sorter) {
        shoal_load_sorter_add(a->load_sorter, b, rows, n);
        return;
    }
    shoal_batch view = *b;
    if (rows) {
        view.sel = (uint32_t *)rows; /* ascending, as a selection must be; only read */
        view.sel_count = n;
    }
    if (a->sorter) {
        shoal_sorter_add(a->sorter, &view);
        return;
    }
    shoal_error e;
    if (!append_rows(a, &view, &e)) fail(a, &e);
}

static void partition_rows(load_actor *a, const shoal_batch *b);
/* Sends the selected rows of b to their slices: this rank's to the sink, the others' to their
 * exchange buffers. */
static void partition(load_actor *a, const shoal_batch *b)
{
    double t0 = shoal_now_ms();
    partition_rows(a, b);
    a->ms_partition += shoal_now_ms() - t0;
}

static void partition_rows(load_actor *a, const shoal_batch *b)
{
    uint32_t n = shoal_batch_rows(b);
    int size = a->exchange.size;
    if (n == 0) return;
    /* rows for this rank's own slice skip the exchange (no serialization, no copies) */
    int me = a->exchange.rank;
    if (a->job.dist == SHOAL_DIST_ALL) {
        for (int d = 0; d < size; d++)
            if (d != me) shoal_batch_write(shoal_exchange_buffer(&a->exchange, d), b, NULL, 0);
        add_to_sink(a, b, NULL, 0);
        return;
    }
    if (a->job.dist == SHOAL_DIST_KEY) {
        shoal_partition_hashed(&a->split, b, &a->job.distkey, 1);
    } else { /* EVEN: round-robin, each rank starting at its own slice */
        shoal_partition_round_robin(&a->split, b, a->round_robin + (uint64_t)shoal_rt_rank(a->rt));
        a->round_robin += n;
    }
    for (int d = 0; d < size; d++) {
        if (a->split.count[d] == 0) continue;
        if (d == me) add_to_sink(a, b, shoal_partitioner_rows(&a->split, d), a->split.count[d]);
        else shoal_partitioner_write(&a->split, shoal_exchange_buffer(&a->exchange, d), b, d);
    }
}

static int copy_batch(shoal_batch *b, void *ctx)
{
    load_actor *a = ctx;
    a->result.rows_produced += shoal_batch_rows(b);
    if (a->job.copy_column_count == 0) {
        partition(a, b);
        return 0;
    }
    /* the file's fields follow the COPY column list: view them in table order */
    shoal_batch view = *b;
    view.columns = shoal_xmalloc(sizeof(shoal_vector) * (size_t)a->job.column_count);
    for (int i = 0; i < a->job.copy_column_count; i++) view.columns[a->job.copy_columns[i]] = b->columns[i];
    view.column_count = a->job.column_count;
    partition(a, &view);
    free(view.columns); /* the vectors themselves stay the parser's */
    return 0;
}

/* One turn of COPY: parses about COPY_STEP_BYTES more of the current range (the reader keeps
 * the file, its window and the partial batch between turns). */
static void produce_copy(load_actor *a)
{
    if (a->range_index >= a->job.range_count) {
        a->produced_all = true;
        return;
    }
    load_range *r = &a->job.ranges[a->range_index];
    shoal_copy_status st = SHOAL_COPY_OK;
    if (a->reader == NULL) {
        shoal_copy_range range = {r->path, -1, r->start, r->end};
        st = shoal_copy_reader_open(&a->copy_options, &range, &a->copy_target, &a->copy_errors, &a->reader);
    }
    bool done = true;
    if (st == SHOAL_COPY_OK) st = shoal_copy_reader_step(a->reader, COPY_STEP_BYTES, copy_batch, a, &done);
    shoal_copy_stats stats = {0};
    if (a->reader) shoal_copy_reader_stats(a->reader, &stats);
    a->result.bytes_read = a->bytes_done + (uint64_t)stats.bytes;
    a->result.rows_rejected = (uint64_t)a->copy_errors.error_count;
    if (st != SHOAL_COPY_OK) {
        shoal_error e;
        shoal_error_set(&e, -1, st == SHOAL_COPY_IO_ERROR ? "58030" : "22P04", "%s", a->copy_errors.message);
        fail(a, &e);
        return;
    }
    if (done) {
        a->bytes_done += (uint64_t)stats.bytes;
        shoal_copy_reader_close(a->reader);
        a->reader = NULL;
        a->range_index++;
    }
    if (a->range_index >= a->job.range_count) a->produced_all = true;
}

/* tpch columns -> a shoal batch of the table's types; strings point into the tpch batch,
 * which stays untouched until the rows are serialized into the exchange. */
static void tpch_to_batch(const tpch_batch *t, shoal_batch *b)
{
    shoal_batch_reset(b);
    uint32_t n = (uint32_t)t->rows;
    for (int c = 0; c < b->column_count; c++) {
        shoal_vector *v = &b->columns[c];
        shoal_vector_reserve(v, n);
        const tpch_column *tc = &t->columns[c];
        switch (tc->type) {
        case TPCH_TYPE_INT32:
        case TPCH_TYPE_DATE:
            if (shoal_type_physical(v->type) == SHOAL_PHYS_I32) {
                memcpy(v->data, tc->i32, n * sizeof(int32_t));
            } else { /* an integer column declared DECIMAL (l_quantity): scale it */
                int64_t scale = v->type.id == SHOAL_TYPE_DECIMAL ? (int64_t)shoal_pow10_i128(v->type.scale) : 1;
                for (uint32_t i = 0; i < n; i++) ((int64_t *)v->data)[i] = (int64_t)tc->i32[i] * scale;
            }
            break;
        case TPCH_TYPE_INT64:
            if (v->type.id == SHOAL_TYPE_DECIMAL) { /* an integer column declared DECIMAL: scale it */
                int64_t scale = (int64_t)shoal_pow10_i128(v->type.scale);
                for (uint32_t i = 0; i < n; i++) ((int64_t *)v->data)[i] = tc->i64[i] * scale;
                break;
            }
            /* fall through */
        case TPCH_TYPE_DECIMAL:
            if (shoal_type_physical(v->type) == SHOAL_PHYS_I64) memcpy(v->data, tc->i64, n * sizeof(int64_t));
            else for (uint32_t i = 0; i < n; i++) ((int32_t *)v->data)[i] = (int32_t)tc->i64[i];
            break;
        case TPCH_TYPE_CHAR:
            for (uint32_t i = 0; i < n; i++) ((shoal_string *)v->data)[i] = (shoal_string){&tc->chr[i], 1};
            break;
        case TPCH_TYPE_STRING:
            for (uint32_t i = 0; i < n; i++) ((shoal_string *)v->data)[i] = (shoal_string){tc->str[i].ptr, tc->str[i].len};
            break;
        }
        v->count = n;
    }
    b->count = n;
}

static void produce_tpch(load_actor *a, shoal_batch *scratch)
{
    if (scratch->columns == NULL) shoal_batch_init(scratch, a->job.column_count, a->job.types, TPCH_STEP_ROWS);
    if (a->gen == NULL) {
        load_job *j = &a->job;
        char msgbuf[256];
        int k = shoal_rt_rank(a->rt) + 1, n = shoal_rt_size(a->rt);
        if (j->dist == SHOAL_DIST_ALL) k = n = 1;
        if ((a->gen = tpch_gen_open((tpch_table)j->tpch_table, j->scale_factor, k, n, msgbuf, sizeof msgbuf)) == NULL ||
            (a->tbatch = tpch_batch_create((tpch_table)j->tpch_table, TPCH_STEP_ROWS)) == NULL) {
            shoal_error e;
            shoal_error_set(&e, -1, "22023", "%s", a->gen ? "out of memory" : msgbuf);
            fail(a, &e);
            return;
        }
    }
    size_t n = tpch_gen_next_batch(a->gen, a->tbatch, TPCH_STEP_ROWS);
    if (n == 0) {
        a->produced_all = true;
        return;
    }
    tpch_to_batch(a->tbatch, scratch);
    a->result.rows_produced += n;
    partition(a, scratch);
}

static void consume_round(load_actor *a)
{
    shoal_exchange *x = &a->exchange;
    shoal_batch b = {0};
    for (int s = 0; s < x->size; s++) {
        shoal_reader r;
        shoal_reader_init(&r, x->recv_buf + x->recv_displs[s], (size_t)x->recv_counts[s]);
        while (r.pos < r.len) {
            if (!shoal_batch_read(&r, &b)) {
                shoal_error e;
                shoal_error_set(&e, -1, SHOAL_SQLSTATE_INTERNAL, "malformed exchange data from rank %d", s);
                fail(a, &e);
                break;
            }
            add_to_sink(a, &b, NULL, 0);
        }
    }
    shoal_batch_free(&b);
}

static void send_self(load_actor *a)
{
    shoal_send_payload(a->rt, a->self, shoal_actor_addr(a->self), SHOAL_MSG_LOAD_STEP, a->query_id, NULL, 0);
}

/* The load sorter's output: one row group at a time, to the appender. */
static bool append_group(void *arg, const shoal_batch *b)
{
    load_actor *a = arg;
    shoal_error e;
    if (append_rows(a, b, &e)) return true;
    fail(a, &e);
    return false;
}

/* min/max of a zone map into column statistics (the counts come from the hashing pass). */
static void zone_to_stats(const shoal_zone_map *zm, shoal_column_stats *st)
{
    st->has_range = false;
    if (!(zm->flags & SHOAL_ZONE_HAS_RANGE)) return;
    switch (st->kind) {
    case SHOAL_STATS_STRING:
        shoal_column_stats_set_string_range(st, zm->min_str, zm->min_len, zm->flags & SHOAL_ZONE_MIN_TRUNCATED,
                                            zm->max_str, zm->max_len, zm->flags & SHOAL_ZONE_MAX_TRUNCATED);
        return;
    case SHOAL_STATS_INT128:
        st->min.i128 = zm->min.i128;
        st->max.i128 = zm->max.i128;
        break;
    case SHOAL_STATS_FLOAT:
        st->min.f64 = zm->min.f64;
        st->max.f64 = zm->max.f64;
        break;
    default:
        st->min.i64 = zm->min.i64;
        st->max.i64 = zm->max.i64;
        break;
    }
    st->has_range = true;
}

/* CPU time (ms) and minor page faults of this process so far. */
static double process_cpu_ms(long *faults)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    if (faults) *faults = u.ru_minflt;
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

/* Production ended everywhere and every round is done: sort, write, prepare, report. */
static void finish_local(load_actor *a)
{
    shoal_error e;
    double t0 = shoal_now_ms();
    long faults0 = 0;
    double cpu0 = shoal_log_enabled(SHOAL_LOG_DEBUG) ? process_cpu_ms(&faults0) : 0;
    if (!a->failed && !a->cancelled && a->load_sorter) {
        shoal_load_sorter_finish(a->load_sorter, SHOAL_BLOCK_ROWS_DEFAULT, append_group, a); /* fails a itself */
        a->ms_sort = shoal_now_ms() - t0; /* sorting and writing */
        shoal_load_sorter_free(a->load_sorter);
        a->load_sorter = NULL;
    }
    if (!a->failed && !a->cancelled && a->sorter) {
        shoal_sorter_finish(a->sorter);
        a->ms_sort = shoal_now_ms() - t0;
        shoal_batch out;
        shoal_batch_init(&out, a->job.column_count, a->job.types, SHOAL_BATCH_ROWS);
        while (!a->failed && shoal_sorter_next(a->sorter, &out))
            if (!append_rows(a, &out, &e)) fail(a, &e);
        shoal_batch_free(&out);
        shoal_sorter_free(a->sorter);
        a->sorter = NULL;
    }
    double t1 = shoal_now_ms();
    a->ms_write = t1 - t0 - a->ms_sort;
    if (!a->failed && !a->cancelled && !shoal_appender_prepare(a->appender, &e)) fail(a, &e);
    a->ms_prepare = shoal_now_ms() - t1;
    if (shoal_log_enabled(SHOAL_LOG_DEBUG)) {
        long faults1;
        double cpu1 = process_cpu_ms(&faults1);
        shoal_log(SHOAL_LOG_DEBUG,
                  "load %s: %.0f ms: produce %.0f (partition %.0f), rounds %llu waited %.0f, consume %.0f, "
                  "sort %.0f, write %.0f, prepare %.0f; cpu %.0f ms (%ld faults) before the sort, %.0f (%ld) after",
                  a->job.table_name, t1 - a->started_ms + a->ms_prepare, a->ms_produce, a->ms_partition,
                  (unsigned long long)a->exchange.rounds, a->ms_round_wait, a->ms_consume, a->ms_sort, a->ms_write,
                  a->ms_prepare, cpu0 - a->cpu_started_ms, faults0 - a->faults_started, cpu1 - cpu0, faults1 - faults0);
    }
    a->result.bytes_sent = a->exchange.bytes_sent;
    a->result.elapsed_ms = shoal_now_ms() - a->started_ms;
    if (a->job.source == SHOAL_LOAD_COPY) /* recorded whether the load commits or not */
        shoal_load_errors_log_append(g_rank_dir, a->query_id, a->job.table_id, &a->copy_errors);
    if (a->failed || a->cancelled) {
        if (a->failed && !a->cancelled)
            shoal_raise_error(a->rt, a->self, a->leader, a->query_id, a->error.sqlstate, "%s", a->error.message);
        shoal_on_cancel_remove(a->rt, a->query_id);
        a->phase = PHASE_DONE;
        shoal_actor_exit(a->rt, a->self); /* frees: the appender aborts */
        return;
    }
    a->phase = PHASE_PREPARED;
    /* the vote carries this slice's statistics: min/max from the zone maps just written */
    shoal_writer w;
    shoal_writer_init(&w, sizeof a->result + 1024);
    shoal_put_bytes(&w, &a->result, sizeof a->result);
    shoal_put_u32(&w, (uint32_t)a->job.column_count);
    for (int c = 0; c < a->job.column_count; c++) {
        shoal_zone_map zm;
        shoal_column_stats *st = &a->stats[c];
        if (shoal_appender_zone_map(a->appender, c, &zm)) zone_to_stats(&zm, st);
        shoal_column_stats_write(&w, st);
    }
    shoal_send_payload(a->rt, a->self, a->leader, SHOAL_MSG_LOAD_PREPARED, a->query_id, w.data, (uint32_t)w.len);
    shoal_writer_free(&w);
}

static void start_round(load_actor *a)
{
    a->round_in_flight = true;
    a->round_started_ms = shoal_now_ms();
    MPI_Request req = shoal_exchange_start(&a->exchange, !a->produced_all);
    shoal_rt_await(a->rt, a->self, req, a->query_id, 0);
}

/* Asks for another STEP unless one is queued already. */
static void request_step(load_actor *a)
{
    if (a->step_pending) return;
    a->step_pending = true;
    send_self(a);
}

/* STEP: produce about a round's worth, start a round when it is full (or production is over)
 * and none is in flight. Production goes on while a round is in flight — the round sends a
 * copy of the buffers (the exchange's default; its send_in_place option, which sends from the
 * writers, would forbid this) — so the transfer overlaps with generating or parsing the next.
 * MPI_DONE: the round's next phase, or, once complete, its rows go to the sink. */
static void load_receive(shoal_rt *rt, shoal_actor *self, shoal_msg *msg)
{
    load_actor *a = shoal_actor_state(self);
    if (a->phase != PHASE_RUNNING) return;
    if (msg->hdr.type == SHOAL_MSG_LOAD_STEP) {
        a->step_pending = false;
        if (a->cancelled) a->produced_all = true;
        double t0 = shoal_now_ms();
        for (int i = 0; i < 4 && !a->produced_all && shoal_exchange_buffered(&a->exchange) < ROUND_BYTES; i++) {
            if (a->job.source == SHOAL_LOAD_COPY) produce_copy(a);
            else produce_tpch(a, &a->scratch);
        }
        a->ms_produce += shoal_now_ms() - t0;
        double now = shoal_now_ms();
        if (now - a->last_progress_ms > 1000) {
            a->last_progress_ms = now;
            uint64_t done = a->job.source == SHOAL_LOAD_COPY ? a->result.bytes_read : a->result.rows_produced;
            shoal_send_payload(rt, self, a->leader, SHOAL_MSG_LOAD_PROGRESS, a->query_id, &done, sizeof done);
        }
        bool full = shoal_exchange_buffered(&a->exchange) >= ROUND_BYTES;
        if (!a->round_in_flight && (a->produced_all || full)) {
            start_round(a);
            full = false; /* the round took the buffers */
        }
        if (!a->produced_all && !full) request_step(a);
        return;
    }
    if (msg->hdr.type == SHOAL_MSG_MPI_DONE && a->pool) { /* the text pool is whole */
        tpch_text_pool_install(a->pool);
        a->pool = NULL;
        request_step(a);
        return;
    }
    if (msg->hdr.type == SHOAL_MSG_MPI_DONE) {
        MPI_Request req = shoal_exchange_continue(&a->exchange);
        if (req != MPI_REQUEST_NULL) {
            shoal_rt_await(rt, self, req, a->query_id, 0);
            return;
        }
        a->round_in_flight = false;
        double t0 = shoal_now_ms();
        a->ms_round_wait += t0 - a->round_started_ms;
        consume_round(a);
        a->ms_consume += shoal_now_ms() - t0;
        /* no rank announced more rounds (our own flag included, so production is over): done */
        if (a->exchange.any_more) request_step(a);
        else finish_local(a);
    }
}

static void on_cancel(shoal_rt *rt, void *arg)
{
    load_actor *a = arg;
    a->cancelled = true;
    if (a->phase == PHASE_PREPARED) { /* waiting for a commit that will not come */
        a->phase = PHASE_DONE;
        shoal_actor_exit(rt, a->self);
    }
}

/* Builds this rank's pieces of the TPC-H text pool and starts swapping them with every other
 * rank's (an allgather in place), so each rank spends 1/N of the time a whole pool takes.
 * Every rank takes part, failed or not, so the collective completes. */
static void start_pool_exchange(load_actor *a)
{
    int n = a->exchange.size, me = a->exchange.rank;
    a->pool = tpch_text_pool_alloc();
    if (a->pool == NULL) shoal_fatal("out of memory for the TPC-H text pool (%d bytes)", TPCH_TEXT_POOL_BYTES);
    a->pool_counts = shoal_xcalloc((size_t)n, sizeof(int));
    a->pool_displs = shoal_xcalloc((size_t)n, sizeof(int));
    for (int r = 0; r < n; r++) {
        int first = (int)((int64_t)r * TPCH_TEXT_POOL_PIECES / n), last = (int)((int64_t)(r + 1) * TPCH_TEXT_POOL_PIECES / n);
        size_t offset = 0, length = 0, bytes = 0;
        for (int p = first; p < last; p++) {
            tpch_text_pool_piece_range(p, &offset, &length);
            if (p == first) a->pool_displs[r] = (int)offset;
            bytes += length;
        }
        a->pool_counts[r] = (int)bytes;
        if (r == me)
            for (int p = first; p < last; p++) tpch_text_pool_build_piece(a->pool, p);
    }
    MPI_Request req;
    MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a->pool, a->pool_counts, a->pool_displs, MPI_BYTE,
                    a->exchange.comm, &req);
    shoal_rt_await(a->rt, a->self, req, a->query_id, 0);
}

static void start_load(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg)
{
    (void)arg;
    load_actor *a = shoal_xcalloc(1, sizeof *a);
    a->rt = rt;
    a->query_id = msg->hdr.query_id;
    a->leader = msg->hdr.src;
    a->started_ms = a->last_progress_ms = shoal_now_ms();
    if (shoal_log_enabled(SHOAL_LOG_DEBUG)) a->cpu_started_ms = process_cpu_ms(&a->faults_started);
    shoal_reader r;
    shoal_reader_init(&r, msg->payload, msg->hdr.length);
    shoal_error e;
    if (!job_read(&r, &a->job)) {
        shoal_raise_error(rt, system, a->leader, a->query_id, SHOAL_SQLSTATE_INTERNAL, "malformed load job");
        /* no actor exists yet, so nobody joins exchange rounds: the leader cancels everyone */
        job_free(&a->job);
        free(a);
        return;
    }
    load_job *j = &a->job;
    a->stats = shoal_xcalloc((size_t)j->column_count, sizeof *a->stats);
    for (int c = 0; c < j->column_count; c++) shoal_column_stats_init(&a->stats[c], j->types[c]);
    MPI_Comm comm = shoal_comm_pool_get(shoal_rt_comm_pool(rt), j->comm_index);
    shoal_exchange_init(&a->exchange, comm);
    shoal_partitioner_init(&a->split, a->exchange.size);
    a->phase = PHASE_RUNNING;
    a->self = shoal_actor_spawn(rt, SHOAL_ANY_ID, "load", load_receive, a, load_actor_free);
    register_active(a);
    shoal_on_cancel(rt, a->query_id, on_cancel, a);

    /* the sink: this rank's slice of the table */
    shoal_column_def *defs = shoal_xcalloc((size_t)j->column_count, sizeof *defs);
    for (int i = 0; i < j->column_count; i++) {
        defs[i].type = j->types[i];
        if (j->encodings[i][0] == '\0' || strcmp(j->encodings[i], "auto") == 0 ||
            !shoal_encoding_from_name(j->encodings[i], &defs[i].encoding))
            defs[i].encoding = shoal_encoding_auto();
    }
    shoal_store_options opts = {0};
    opts.create = true;
    opts.committed_version = j->version - 1;
    a->store = shoal_table_store_open(g_rank_dir, j->table_id, defs, j->column_count, &opts, &e);
    free(defs);
    if (a->store == NULL || (a->appender = shoal_table_append_begin(a->store, j->version, &e)) == NULL) fail(a, &e);
    bool radix_keys = j->sortkey_count > 0;
    for (int i = 0; i < j->sortkey_count; i++) radix_keys = radix_keys && shoal_load_sort_key_supported(j->types[j->sortkeys[i]]);
    if (!a->failed && radix_keys) {
        a->load_sorter = shoal_load_sorter_create(j->column_count, j->types, j->sortkey_count, j->sortkeys);
    } else if (!a->failed && j->sortkey_count > 0) {
        shoal_sort_key keys[SHOAL_MAX_SORTKEYS];
        for (int i = 0; i < j->sortkey_count; i++) keys[i] = (shoal_sort_key){j->sortkeys[i], false, false};
        a->sorter = shoal_sorter_create(j->column_count, j->types, j->sortkey_count, keys, -1);
    }

    /* the source */
    if (!a->failed && j->source == SHOAL_LOAD_COPY) {
        shoal_copy_options_init(&a->copy_options);
        shoal_load_error_sink_init(&a->copy_errors);
        char msgbuf[512];
        bool ok = true;
        for (int i = 0; i < j->option_count && ok; i++)
            ok = shoal_copy_options_set(&a->copy_options, j->option_keywords[i], j->option_values[i], msgbuf, sizeof msgbuf);
        if (ok) ok = shoal_copy_options_validate(&a->copy_options, msgbuf, sizeof msgbuf);
        if (!ok) {
            shoal_error_set(&e, -1, "22023", "%s", msgbuf);
            fail(a, &e);
        }
        int ncopy = j->copy_column_count ? j->copy_column_count : j->column_count;
        a->copy_columns = shoal_xcalloc((size_t)ncopy, sizeof(shoal_copy_column));
        for (int i = 0; i < ncopy; i++) {
            int c = j->copy_column_count ? j->copy_columns[i] : i;
            a->copy_columns[i] = (shoal_copy_column){j->names[c], j->types[c], j->not_null[c] != 0};
        }
        a->copy_target = (shoal_copy_target){j->table_name, a->copy_columns, ncopy};
    } else if (!a->failed && j->source == SHOAL_LOAD_TPCH) {
        /* every rank gets everything of an ALL table anyway: rank 0 generates it once */
        if (j->dist == SHOAL_DIST_ALL && shoal_rt_rank(rt) != 0) a->produced_all = true;
        /* the generator opens at the first step, once the text pool is there */
    }
    if (j->source == SHOAL_LOAD_TPCH && j->tpch_pool) start_pool_exchange(a);
    else request_step(a);
}

static void finish_commit(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg)
{
    (void)arg;
    uint64_t id = 0;
    if (msg->hdr.length == sizeof id) memcpy(&id, msg->payload, sizeof id);
    load_actor *a = find_active(id);
    shoal_error e;
    bool ok = true;
    if (a && a->phase == PHASE_PREPARED) {
        if (msg->hdr.type == SHOAL_MSG_LOAD_COMMIT) ok = shoal_appender_commit(a->appender, &e);
        else ok = shoal_appender_abort(a->appender, &e);
        a->phase = PHASE_DONE;
        shoal_on_cancel_remove(rt, a->query_id);
        shoal_actor_exit(rt, a->self);
    }
    if (ok) shoal_send_payload(rt, system, msg->hdr.src, SHOAL_MSG_DONE, msg->hdr.query_id, NULL, 0);
    else shoal_raise_error(rt, system, msg->hdr.src, msg->hdr.query_id, e.sqlstate, "%s", e.message);
}

void shoal_load_service_start(shoal_rt *rt, const char *rank_dir)
{
    snprintf(g_rank_dir, sizeof g_rank_dir, "%s", rank_dir);
    shoal_system_register(rt, SHOAL_MSG_LOAD_START, start_load, NULL);
    shoal_system_register(rt, SHOAL_MSG_LOAD_COMMIT, finish_commit, NULL);
    shoal_system_register(rt, SHOAL_MSG_LOAD_ABORT, finish_commit, NULL);
}

/* ---- the leader ---- */

typedef struct progress_state {
    uint64_t *done_by_rank;
    int ranks;
    uint64_t total;
    double last_ms;
    void (*fn)(void *, uint64_t, uint64_t);
    void *arg;
} progress_state;

static void on_progress(shoal_request *req, const shoal_msg *msg, void *arg)
{
    progress_state *p = arg;
    int r = msg->hdr.src.rank;
    if (r < 0 || r >= p->ranks || msg->hdr.length != sizeof(uint64_t)) return;
    memcpy(&p->done_by_rank[r], msg->payload, sizeof(uint64_t));
    double now = shoal_now_ms();
    if (p->fn && now - p->last_ms >= 1000) {
        p->last_ms = now;
        uint64_t done = 0;
        for (int i = 0; i < p->ranks; i++) done += p->done_by_rank[i];
        p->fn(p->arg, done, p->total);
    }
    (void)req;
}

static bool no_active_loads(void *arg)
{
    (void)arg;
    for (int i = 0; i < MAX_ACTIVE_LOADS; i++)
        if (g_active[i] && g_active[i]->phase == PHASE_RUNNING) return false;
    return true;
}

/* Tells every rank to commit or abort the load, waiting for each acknowledgement. */
static bool finish_everywhere(shoal_rt *rt, uint64_t load_id, uint32_t type, shoal_error *err)
{
    shoal_request req;
    shoal_request_begin(rt, &req, shoal_new_query_id());
    shoal_request_send_all(rt, &req, type, &load_id, sizeof load_id);
    shoal_request_status st = shoal_request_wait(rt, &req, -1);
    if (st != SHOAL_REQUEST_OK && err) *err = req.error;
    shoal_request_end(rt, &req);
    return st == SHOAL_REQUEST_OK;
}

bool shoal_load_run(shoal_rt *rt, shoal_catalog *cat, shoal_table_def *table, const shoal_load_spec *spec,
                    void (*progress)(void *arg, uint64_t done, uint64_t total), void *progress_arg,
                    shoal_load_outcome *outcome, shoal_error *err)
{
    memset(outcome, 0, sizeof *outcome);
    double t0 = shoal_now_ms();
    int nranks = shoal_rt_size(rt);
    load_job job;
    memset(&job, 0, sizeof job);
    job.version = table->version + 1;
    job.table_id = table->id;
    snprintf(job.table_name, sizeof job.table_name, "%s", table->name);
    job.column_count = table->column_count;
    job.types = shoal_xcalloc((size_t)job.column_count, sizeof *job.types);
    job.encodings = shoal_xcalloc((size_t)job.column_count, sizeof *job.encodings);
    job.names = shoal_xcalloc((size_t)job.column_count, sizeof *job.names);
    job.not_null = shoal_xcalloc((size_t)job.column_count, 1);
    for (int i = 0; i < job.column_count; i++) {
        job.types[i] = table->columns[i].type;
        snprintf(job.encodings[i], sizeof job.encodings[i], "%s", table->columns[i].encoding);
        snprintf(job.names[i], sizeof job.names[i], "%s", table->columns[i].name);
        job.not_null[i] = table->columns[i].not_null;
    }
    job.distkey = table->distkey;
    job.sortkey_count = table->sortkey_count;
    memcpy(job.sortkeys, table->sortkeys, sizeof job.sortkeys);
    job.source = (uint8_t)spec->source;

    shoal_copy_file_list files = {0};
    shoal_copy_work *works = NULL;
    bool splittable = false;
    uint64_t total = 0;
    if (spec->source == SHOAL_LOAD_COPY) {
        shoal_copy_options o;
        shoal_copy_options_init(&o);
        char msg[512];
        bool ok = true;
        for (int i = 0; i < spec->option_count && ok; i++)
            ok = shoal_copy_options_set(&o, spec->option_keywords[i], spec->option_values[i], msg, sizeof msg);
        if (ok) ok = shoal_copy_options_validate(&o, msg, sizeof msg);
        if (ok) ok = shoal_copy_list_files(spec->path_prefix, &files, msg, sizeof msg);
        if (!ok) {
            shoal_error_set(err, -1, "22023", "%s", msg);
            job_free(&job);
            return false;
        }
        works = shoal_xcalloc((size_t)nranks, sizeof *works);
        shoal_copy_plan(&files, &o, nranks, SHOAL_COPY_MIN_SPLIT, works);
        splittable = shoal_copy_options_splittable(&o);
        for (int i = 0; i < files.count; i++) total += (uint64_t)files.files[i].size;
        job.option_count = spec->option_count;
        job.option_keywords = shoal_xcalloc((size_t)spec->option_count + 1, sizeof(char *));
        job.option_values = shoal_xcalloc((size_t)spec->option_count + 1, sizeof(char *));
        for (int i = 0; i < spec->option_count; i++) {
            job.option_keywords[i] = shoal_xstrdup(spec->option_keywords[i]);
            job.option_values[i] = spec->option_values[i] ? shoal_xstrdup(spec->option_values[i]) : NULL; /* flags: NULL */
        }
        job.copy_column_count = spec->copy_column_count;
        job.copy_columns = shoal_xcalloc((size_t)spec->copy_column_count + 1, sizeof(int32_t));
        for (int i = 0; i < spec->copy_column_count; i++) job.copy_columns[i] = spec->copy_columns[i];
    } else {
        job.tpch_table = spec->tpch_table;
        job.scale_factor = spec->scale_factor;
        /* the first generation in this cluster: the ranks build the text pool together */
        job.tpch_pool = !tpch_text_pool_built();
        job.tpch_release_pool = spec->release_tpch_pool;
        total = (uint64_t)tpch_driver_row_count((tpch_table)spec->tpch_table, spec->scale_factor);
    }
    /* AUTO: ALL when the input is small (at most 100,000 rows, or 10 MB of files) */
    shoal_diststyle dist = shoal_table_effective_dist(table, 0);
    if (table->diststyle == SHOAL_DIST_AUTO && !table->resolved_dist)
        dist = (spec->source == SHOAL_LOAD_COPY ? total <= 10u * 1024 * 1024 : total <= SHOAL_AUTO_ALL_MAX_ROWS)
                   ? SHOAL_DIST_ALL : SHOAL_DIST_EVEN;
    job.dist = (uint8_t)dist;

    shoal_comm_pool *pool = shoal_rt_comm_pool(rt);
    job.comm_index = shoal_comm_pool_acquire(pool);
    if (job.comm_index < 0) {
        shoal_error_set(err, -1, "53000", "too many statements are running (all %d communicators are in use)", pool->size);
        job_free(&job);
        shoal_copy_file_list_free(&files);
        if (works) shoal_copy_work_free(works, nranks);
        free(works);
        return false;
    }

    progress_state prog = {shoal_xcalloc((size_t)nranks, sizeof(uint64_t)), nranks, total, t0, progress, progress_arg};
    shoal_request req;
    shoal_request_begin(rt, &req, shoal_new_query_id());
    req.partial_type = SHOAL_MSG_LOAD_PROGRESS;
    req.on_partial = on_progress;
    req.partial_arg = &prog;
    for (int r = 0; r < nranks; r++) {
        shoal_writer w;
        shoal_writer_init(&w, 1024);
        job_write_common(&w, &job);
        int count = works ? works[r].count : 0;
        shoal_put_i32(&w, count);
        for (int i = 0; i < count; i++) {
            const shoal_copy_range *cr = &works[r].ranges[i];
            int64_t end = cr->end;
            /* "to the end of the file": the size, so a rank can step through it in pieces */
            if (end < 0 && splittable && cr->file_index >= 0) end = files.files[cr->file_index].size;
            shoal_put_str(&w, cr->path);
            shoal_put_i64(&w, cr->start);
            shoal_put_i64(&w, end);
        }
        shoal_request_send_to(rt, &req, r, SHOAL_MSG_LOAD_START, w.data, (uint32_t)w.len);
        shoal_writer_free(&w);
    }
    shoal_request_status st = shoal_request_wait(rt, &req, -1);
    uint64_t load_id = req.query_id;
    bool ok = st == SHOAL_REQUEST_OK;
    uint64_t rows_rank0 = 0, rows_total = 0;
    shoal_column_stats *added = NULL; /* this load's rows, all slices */
    if (ok) {
        added = shoal_xcalloc((size_t)table->column_count + 1, sizeof *added);
        for (int c = 0; c < table->column_count; c++) shoal_column_stats_init(&added[c], table->columns[c].type);
        for (int r = 0; r < nranks && ok; r++) {
            shoal_load_rank_result res;
            shoal_reader rd;
            shoal_reader_init(&rd, req.replies[r]->payload, req.replies[r]->hdr.length);
            if (!shoal_get_bytes(&rd, &res, sizeof res) || shoal_get_u32(&rd) != (uint32_t)table->column_count) {
                shoal_error_set(err, -1, SHOAL_SQLSTATE_INTERNAL, "malformed load vote from rank %d", r);
                ok = false;
                break;
            }
            if (r == 0) rows_rank0 = res.rows_stored;
            rows_total += res.rows_stored;
            outcome->rows_rejected += res.rows_rejected;
            outcome->bytes_read += res.bytes_read;
            outcome->bytes_moved += res.bytes_sent;
            for (int c = 0; c < table->column_count && ok; c++) {
                shoal_column_stats cs;
                if (!shoal_column_stats_read(&rd, &cs) || cs.kind != added[c].kind) {
                    shoal_error_set(err, -1, SHOAL_SQLSTATE_INTERNAL, "malformed statistics from rank %d", r);
                    ok = false;
                    shoal_column_stats_free(&cs);
                    break;
                }
                /* an ALL table's slices are copies: rank 0's counts describe the table */
                if (dist == SHOAL_DIST_ALL && r > 0) cs.rows = cs.null_count = 0;
                shoal_column_stats_merge(&added[c], &cs);
                shoal_column_stats_free(&cs);
            }
        }
    } else {
        *err = req.error;
    }
    bool bad_vote = st == SHOAL_REQUEST_OK && !ok; /* every rank prepared: abort them */
    shoal_request_end(rt, &req);
    /* After a cancel or an error the ranks finish their exchange rounds on their own; this
     * rank's load actor needs our scheduler for that. */
    shoal_rt_run(rt, no_active_loads, NULL, -1);
    if (bad_vote) finish_everywhere(rt, load_id, SHOAL_MSG_LOAD_ABORT, NULL);

    if (ok) {
        uint64_t added_rows = dist == SHOAL_DIST_ALL ? rows_rank0 : rows_total;
        uint64_t old_version = table->version, old_rows = table->row_count;
        uint8_t old_resolved = table->resolved_dist;
        shoal_column_stats *old_stats = table->stats;
        /* The new statistics: this load's merged with the table's (the sketches make the
         * distinct estimate that of the union). A table with rows but no statistics (from a
         * catalog written before them) keeps none: they would describe only the new rows. */
        shoal_column_stats *stats = NULL;
        bool old_dirty = table->sketch_dirty;
        char sketch_err[512];
        if (old_rows > 0 && old_stats && !shoal_catalog_load_sketches(cat, table, sketch_err, sizeof sketch_err)) {
            shoal_log(SHOAL_LOG_WARN, "table %s: statistics dropped (%s)", table->name, sketch_err);
            old_stats = NULL; /* freed with the table's statistics below, as if replaced */
            shoal_table_set_stats(table, NULL);
        }
        if (old_rows == 0 || old_stats) {
            stats = added;
            added = NULL;
            for (int c = 0; c < table->column_count; c++) {
                if (old_rows > 0) shoal_column_stats_merge(&stats[c], &old_stats[c]);
                shoal_column_stats_finish(&stats[c]);
            }
        }
        table->stats = stats;
        table->sketch_dirty = stats != NULL;
        table->version = job.version;
        table->row_count += added_rows;
        if (table->diststyle == SHOAL_DIST_AUTO) table->resolved_dist = (uint8_t)dist;
        char msg[1024];
        if (!shoal_catalog_save(cat, msg, sizeof msg)) { /* not committed: undo everywhere */
            table->stats = old_stats;
            table->sketch_dirty = old_dirty;
            old_stats = stats; /* freed below */
            table->version = old_version;
            table->row_count = old_rows;
            table->resolved_dist = old_resolved;
            shoal_error_set(err, -1, "58030", "%s", msg);
            finish_everywhere(rt, load_id, SHOAL_MSG_LOAD_ABORT, NULL);
            ok = false;
        } else {
            /* committed: a rank that misses this rolls forward when it next opens the table */
            shoal_error commit_err;
            if (!finish_everywhere(rt, load_id, SHOAL_MSG_LOAD_COMMIT, &commit_err))
                shoal_log(SHOAL_LOG_WARN, "load committed, but a rank reported: %s", commit_err.message);
            outcome->rows = added_rows;
        }
        if (old_stats != table->stats && old_stats) {
            for (int c = 0; c < table->column_count; c++) shoal_column_stats_free(&old_stats[c]);
            free(old_stats);
        }
    }
    if (added) {
        for (int c = 0; c < table->column_count; c++) shoal_column_stats_free(&added[c]);
        free(added);
    }
    shoal_comm_pool_release(pool, job.comm_index);
    outcome->elapsed_ms = shoal_now_ms() - t0;
    free(prog.done_by_rank);
    job_free(&job);
    shoal_copy_file_list_free(&files);
    if (works) shoal_copy_work_free(works, nranks);
    free(works);
    return ok;
}
