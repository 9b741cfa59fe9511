/* Hash join (HASH_JOIN plan nodes, see plan.h for the join kinds and hash_join.h for the API):
 * the per-rank join the distributed planner places above exchanges.
 *
 * DESIGN NOTES
 *
 * Build. The build side is consumed completely before the first probe batch is pulled. Its
 * selected rows are copied into the join's own column vectors (values column-wise, string
 * bytes into a bump heap the join owns, so nothing points into the build batches); the
 * vectors grow by doubling. Only the columns the join can emit or test are kept (SEMI/ANTI
 * keep just the keys and the residual's columns). Key hashes come from the vectorized kernels
 * (kernels_hash.c, one call per key column per batch). Rows with a NULL key can never match:
 * INNER/LEFT/SEMI/ANTI drop them on arrival; RIGHT/FULL keep them to emit as unmatched, and
 * ANTI_NULL_AWARE keeps them because their presence changes the answer.
 *
 * Table layout. When the build side is complete the directory is sized from its row count:
 * 2^k buckets, the smallest power of two >= the rows with non-NULL keys (load 0.5..1). The
 * rows are then *reordered by bucket* with a counting sort (count per bucket, prefix sums,
 * stable scatter of row numbers, one gather per column), so the directory is a CSR array:
 * bucket b holds rows start[b] .. start[b+1] - 1, contiguous in every column, duplicates of a
 * key included; rows with a NULL key sit after all buckets. No chains, no per-row pointers and
 * no pointer chasing when a key has many rows. The bucket is the hash's top bits: DISTKEY
 * placement uses hash % ranks, so the low bits are nearly constant on one rank after a
 * redistribution. For one int32/int64 key (INTEGER, DATE, BIGINT, DECIMAL(p<=18), TIMESTAMP)
 * a bucket is scanned comparing the key values themselves (exact, so no separate check, and the
 * hashes are dropped after the build); otherwise it is scanned comparing the full 64-bit hash
 * and the keys are checked afterwards.
 *
 * Probe, a batch at a time: hash the batch's key columns (kernels), look up every row's bucket
 * range [pos, end), then run rounds over a worklist of probe rows. A probe is a few cache
 * misses (directory, the bucket's first key, each gathered build column), so for a table past
 * 32K buckets the batch first makes prefetch passes: every row's directory entry, then every
 * bucket's first key (or hash), so the misses of 2048 rows overlap instead of queueing; the
 * table's big arrays sit on 2 MiB pages (MADV_HUGEPAGE) so they cost no TLB misses. (Measured
 * and left out: prefetching the build columns too, and a blocked Bloom filter in front of the
 * directory; both were slower at SF1 size, even with half the probes missing.) A round collects
 * up to SHOAL_BATCH_ROWS candidate pairs (probe row, build row), resuming mid-bucket where the
 * last round stopped; the pairs are checked column by column in typed loops (int8..int128,
 * float, double, strings), then, with a residual, the referenced probe and build columns of the
 * pairs are gathered into a pair batch (probe columns then build columns, the residual's
 * numbering) and narrowed with shoal_expr_filter. The pairs that survive set the matched flags
 * (per probe row; per build row for RIGHT/FULL) and, for the kinds that emit pairs, are
 * gathered into the output batch, which is column-wise too: one typed copy loop per column.
 * Output that does not fit stays pending and the next call resumes there, so one probe batch
 * may give many output batches. Strings are not copied on output: they point into the probe
 * batch or the join's heap. Output from several probe batches shares one output batch unless a
 * probe column is a string (those point into the probe batch, which the next pull replaces).
 *
 * Join kinds. INNER emits the pairs. LEFT/FULL emit them, then each probe batch's unmatched
 * rows with NULL build columns; RIGHT/FULL emit the unmatched build rows, with NULL probe
 * columns, after the probe side ends. SEMI/ANTI emit no pairs: the probe batch itself comes
 * back with its selection narrowed to the matched (SEMI) or unmatched (ANTI) rows. Without a
 * residual any key match decides, so a SEMI/ANTI round takes one candidate per probe row (a
 * row with 10,000 equal build keys costs one pair, not 10,000), and a row whose candidate was
 * only a hash collision retries from the next bucket slot. With a residual every candidate
 * may be needed, but a row already matched is skipped when the round resumes. A probe row is
 * matched only when some candidate passes the residual, for every kind.
 *
 * ANTI_NULL_AWARE (NOT IN). With one key and no residual: a NULL key on the build side means
 * no output at all (decided once the build is complete; the probe side is not read), an
 * empty build side keeps every probe row, else it is ANTI that also drops probe rows whose
 * key is NULL. With a residual (a correlated NOT IN) or several keys the general rule runs: a
 * probe row is rejected when some build row passes the residual and, key by key, is equal or
 * has a NULL on either side (the comparison is not FALSE). Its second phase pairs every probe
 * row with the build rows whose keys are NULL (and a probe row with a NULL key with every
 * build row), which costs probe rows x NULL-keyed build rows: that is what the semantics ask.
 *
 * key_count 0: every build row is a candidate of every probe row (a cross join, filtered by
 * the residual). Keys: SQL equality (IEEE for floats: -0.0 = 0.0, NaN matches nothing;
 * strings bytewise). INNER, SEMI and RIGHT over an empty build side, and NOT IN over a build
 * side with a NULL key, end without reading the probe side.
 *
 * Memory: build columns + 8 bytes of hash per row during the build (4 more for the
 * permutation), then the columns, 4 bytes per bucket and, for RIGHT/FULL, a byte per row.
 * Per probe batch a few arrays per row, reused. No per-row allocation; no limit (a build
 * side over 2^31 - 1 rows is an error). */
#include "engine/exec/hash_join.h"
#include "engine/exec/exchange.h" /* the buffer pool */
#include "engine/exec/kernels.h"
#include "engine/exec/operator.h" /* shoal_eval_fail */
#include "runtime/error.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HJ_CHUNK SHOAL_BATCH_ROWS       /* candidate pairs per round */
#define HJ_MAX_ROWS 0x7fffffffu         /* build rows (row numbers are uint32) */
#define HJ_MIN_BUCKETS_LOG2 4
#define HJ_SPARSE_MAX_ROWS 16384u /* up to this many build rows: 8 buckets per row */
#define HJ_HEAP_BLOCK ((size_t)1 << 20) /* string heap chunk */
#define HJ_PREFETCH_BUCKETS (1u << 15)  /* prefetch the table when its directory passes 128 KiB */

static const char empty_string[1] = "";
static int weak_hash_bits; /* tests: shoal_hash_join_test_weak_hashes */

typedef enum probe_phase {
    PHASE_HASH,     /* candidates from the row's bucket (all pairs for key_count 0) */
    PHASE_WILDCARD, /* ANTI_NULL_AWARE general: build rows with NULL keys, or all for a NULL probe key */
    PHASE_TAIL,     /* per-batch output of unmatched (LEFT/FULL) or selected (SEMI/ANTI) probe rows */
} probe_phase;

struct shoal_hash_join {
    const shoal_plan *plan;
    shoal_join_type type;
    int key_count;
    const int32_t *probe_keys, *build_keys;
    int probe_columns, build_columns;
    bool emits_pairs;          /* INNER, LEFT, RIGHT, FULL */
    bool keep_probe_unmatched; /* LEFT, FULL */
    bool keep_build_unmatched; /* RIGHT, FULL */
    bool track_probe;          /* per-probe-row matched flags: all but INNER, RIGHT */
    bool anti;                 /* ANTI, ANTI_NULL_AWARE */
    bool keep_null_build;      /* NULL-keyed build rows are stored: RIGHT, FULL, ANTI_NULL_AWARE */
    bool first_match;          /* SEMI/ANTI without residual: one verified candidate decides */
    bool na_general;           /* ANTI_NULL_AWARE with a residual or several keys */
    bool probe_borrows;        /* output strings point into the probe batch */
    int int_key;               /* one key of physical int32 (4) or int64 (8); else 0 */
    uint64_t weak_mask;        /* tests: hashes folded to a few bits (0: off) */
    bool *build_needed;        /* build columns kept */

    shoal_expr_state *residual;
    bool *residual_uses; /* per column of `pairs` */
    shoal_batch pairs;   /* candidate pairs for the residual: probe columns, then build columns */

    /* build side */
    shoal_vector *cols;
    size_t *col_bytes;    /* per column: bytes of its pooled data array (0: the vector's own malloc) */
    size_t start_bytes, hashes_bytes, matched_bytes; /* the same for the table arrays */
    uint32_t rows;        /* stored build rows */
    uint32_t clean;       /* rows [0, clean) are in buckets; [clean, rows) have a NULL key */
    uint32_t cap;         /* room in hashes / null_key */
    uint64_t *hashes;     /* per row: arrival order, then bucket order (NULL for int_key) */
    uint8_t *null_key;    /* build only, keep_null_build: row has a NULL key */
    uint32_t *start;      /* buckets + 1 */
    uint32_t buckets;
    int shift;            /* bucket = hash >> shift */
    uint8_t *build_matched;
    shoal_arena heap;
    char *heap_cur;
    size_t heap_left;
    uint64_t *scratch_hash;
    uint32_t *scratch_rows;
    uint8_t *scratch_flags;
    uint32_t scratch_cap;
    bool built;
    bool no_output; /* decided by the build side: nothing to emit */

    /* the current probe batch (NULL: pull the next one) */
    shoal_batch *in;
    const uint32_t *prow; /* its selected rows */
    uint32_t in_rows;
    uint32_t *identity;
    uint32_t identity_cap;
    uint64_t *ph;         /* hashes, compact (selection order) */
    uint64_t *hash;       /* per probe row */
    uint32_t *pos, *end;  /* per probe row: next build row to look at, end of its range */
    uint8_t *matched, *pnull;
    uint32_t row_cap, compact_cap;
    const uint32_t *work; /* rows of this round */
    uint32_t work_len, work_at;
    uint32_t *work_buf, *retry;
    uint32_t retry_len;
    probe_phase phase;
    uint32_t tail_at;
    uint32_t *pr, *pb, *chunk_rows, *list; /* candidate pairs; rows to emit */
    uint32_t pair_count, pair_at;          /* pending pairs */

    shoal_batch out;
    uint32_t build_cursor; /* RIGHT/FULL: unmatched build rows emitted below this */
    bool probe_done, finished;
    shoal_hash_join_stats stats;
};

/* ================================ column helpers ================================ */

static inline bool valid_at(const uint64_t *validity, uint32_t r)
{
    return validity == NULL || (validity[r >> 6] >> (r & 63) & 1);
}

static void ensure_validity(shoal_vector *v)
{
    if (v->validity) return;
    size_t words = ((size_t)v->capacity + 63) / 64;
    v->validity = shoal_xmalloc(words * sizeof(uint64_t));
    memset(v->validity, 0xff, words * sizeof(uint64_t));
}

/* Rows at..at+m of dst are about to be written; at == 0 starts the vector afresh. Every row
 * is written once per fill, and a freshly allocated validity bitmap is all ones, so only NULLs
 * need clearing. */
static void begin_column(shoal_vector *v, uint32_t at, uint32_t m)
{
    if (at == 0 && v->validity) {
        free(v->validity);
        v->validity = NULL;
    }
    if (v->capacity < at + m) shoal_vector_reserve(v, at + m);
    v->count = at + m;
}

#define GATHER_LOOP(W)                                                                              \
    do {                                                                                            \
        char *restrict d_ = (char *)dst->data + (size_t)at * (W);                                   \
        const char *restrict s_ = src->data;                                                        \
        for (uint32_t i = 0; i < m; i++) memcpy(d_ + (size_t)i * (W), s_ + (size_t)rows[i] * (W), (W)); \
    } while (0)

/* dst[at + i] = src[rows[i]], values and validity; strings are copied as (pointer, length). */
static void gather_column(shoal_vector *dst, uint32_t at, const shoal_vector *src, const uint32_t *rows, uint32_t m)
{
    begin_column(dst, at, m);
    switch (shoal_type_size(src->type)) {
    case 1: GATHER_LOOP(1); break;
    case 2: GATHER_LOOP(2); break;
    case 4: GATHER_LOOP(4); break;
    case 8: GATHER_LOOP(8); break;
    default: GATHER_LOOP(16); break;
    }
    if (src->validity) {
        ensure_validity(dst);
        const uint64_t *restrict sv = src->validity;
        uint64_t *restrict dv = dst->validity;
        for (uint32_t i = 0; i < m; i++) {
            uint32_t r = rows[i], p = at + i;
            uint64_t bit = sv[r >> 6] >> (r & 63) & 1;
            dv[p >> 6] = (dv[p >> 6] & ~(1ull << (p & 63))) | bit << (p & 63);
        }
    }
}

static void fill_nulls(shoal_vector *dst, uint32_t at, uint32_t m)
{
    begin_column(dst, at, m);
    if (shoal_type_physical(dst->type) == SHOAL_PHYS_STRING) {
        shoal_string *d = (shoal_string *)dst->data + at;
        for (uint32_t i = 0; i < m; i++) d[i] = (shoal_string){empty_string, 0};
    } else {
        size_t w = shoal_type_size(dst->type);
        memset((char *)dst->data + (size_t)at * w, 0, (size_t)m * w);
    }
    ensure_validity(dst);
    for (uint32_t p = at; p < at + m; p++) dst->validity[p >> 6] &= ~(1ull << (p & 63));
}

/* The table's big arrays are read at random: on 2 MiB pages (where the kernel gives them on
 * request, MADV_HUGEPAGE) a probe costs cache misses but no TLB misses. They come from the
 * process's buffer pool (exchange.h) and go back to it, so a join reuses pages an earlier
 * join (or exchange) faulted in instead of faulting and clearing fresh ones; *bytes is what
 * table_free gives back (0: plain malloc). */
#define HJ_HUGE_PAGE ((size_t)2 << 20)
static void *alloc_table_array(size_t size, size_t *bytes)
{
    if (size < HJ_HUGE_PAGE) {
        *bytes = 0;
        return shoal_xmalloc(size ? size : 1);
    }
    return shoal_buffer_pool_get_huge(size, bytes);
}

static void table_free(void *p, size_t bytes)
{
    if (bytes) shoal_buffer_pool_put(p, bytes);
    else free(p);
}

/* Room for cap rows in build column c; past 2 MiB its values live in pooled huge-page arrays. */
static void build_reserve(shoal_hash_join *j, int c, uint32_t cap)
{
    shoal_vector *v = &j->cols[c];
    if (cap <= v->capacity) return;
    size_t w = shoal_type_size(v->type), need = (size_t)cap * w;
    if (need < HJ_HUGE_PAGE && j->col_bytes[c] == 0) {
        shoal_vector_reserve(v, cap);
        return;
    }
    size_t bytes;
    void *data = shoal_buffer_pool_get_huge(need, &bytes);
    if (j->rows) memcpy(data, v->data, (size_t)j->rows * w);
    table_free(v->data, j->col_bytes[c]);
    v->data = data;
    j->col_bytes[c] = bytes;
    if (v->validity) {
        size_t old = ((size_t)v->capacity + 63) / 64, now = ((size_t)cap + 63) / 64;
        v->validity = shoal_xrealloc(v->validity, now * sizeof(uint64_t));
        memset(v->validity + old, 0xff, (now - old) * sizeof(uint64_t));
    }
    v->capacity = cap;
}

static char *heap_alloc(shoal_hash_join *j, size_t len)
{
    if (len > j->heap_left) {
        if (len >= HJ_HEAP_BLOCK / 8) return shoal_arena_alloc(&j->heap, len);
        j->heap_cur = shoal_arena_alloc(&j->heap, HJ_HEAP_BLOCK);
        j->heap_left = HJ_HEAP_BLOCK;
    }
    char *p = j->heap_cur;
    j->heap_cur += len;
    j->heap_left -= len;
    return p;
}

/* The strings of rows at..at+m now point into the build batch: copy their bytes. */
static void copy_strings(shoal_hash_join *j, shoal_vector *v, uint32_t at, uint32_t m)
{
    shoal_string *s = (shoal_string *)v->data;
    for (uint32_t r = at; r < at + m; r++) {
        if (!valid_at(v->validity, r)) {
            s[r] = (shoal_string){empty_string, 0};
        } else if (s[r].len == 0) {
            s[r].ptr = empty_string;
        } else {
            char *p = heap_alloc(j, s[r].len);
            memcpy(p, s[r].ptr, s[r].len);
            s[r].ptr = p;
        }
    }
}

/* ================================ key checks ================================
 * Narrow the pairs (pr[i], pb[i]) to those whose probe key equals the build key; typed loops,
 * branch-free compaction. The NULL-tolerant variant (ANTI_NULL_AWARE) also keeps pairs where
 * either side is NULL. */
static inline bool string_eq(shoal_string x, shoal_string y)
{
    return x.len == y.len && (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

#define KEY_LOOP(T, KEEP)                                                                           \
    do {                                                                                            \
        const T *a_ = pv->data, *b_ = bv->data;                                                     \
        for (uint32_t i = 0; i < m; i++) {                                                          \
            uint32_t r = pr[i], k = pb[i];                                                          \
            T x = a_[r], y = b_[k];                                                                 \
            bool keep = (KEEP);                                                                     \
            pr[kept] = r;                                                                           \
            pb[kept] = k;                                                                           \
            kept += keep;                                                                           \
        }                                                                                           \
    } while (0)

#define KEY_SWITCH(EQ_NUM, EQ_STR)                                                                  \
    switch (shoal_type_physical(pv->type)) {                                                        \
    case SHOAL_PHYS_U8: KEY_LOOP(uint8_t, EQ_NUM); break;                                           \
    case SHOAL_PHYS_I16: KEY_LOOP(int16_t, EQ_NUM); break;                                          \
    case SHOAL_PHYS_I32: KEY_LOOP(int32_t, EQ_NUM); break;                                          \
    case SHOAL_PHYS_I64: KEY_LOOP(int64_t, EQ_NUM); break;                                          \
    case SHOAL_PHYS_I128: KEY_LOOP(shoal_int128, EQ_NUM); break;                                    \
    case SHOAL_PHYS_F32: KEY_LOOP(float, EQ_NUM); break;                                            \
    case SHOAL_PHYS_F64: KEY_LOOP(double, EQ_NUM); break;                                           \
    case SHOAL_PHYS_STRING: KEY_LOOP(shoal_string, EQ_STR); break;                                  \
    }

static uint32_t keys_equal(const shoal_vector *pv, const shoal_vector *bv, uint32_t *restrict pr,
                           uint32_t *restrict pb, uint32_t m)
{
    uint32_t kept = 0;
    KEY_SWITCH(x == y, string_eq(x, y))
    return kept;
}

static uint32_t keys_not_unequal(const shoal_vector *pv, const shoal_vector *bv, uint32_t *restrict pr,
                                 uint32_t *restrict pb, uint32_t m)
{
    uint32_t kept = 0;
    const uint64_t *va = pv->validity, *vb = bv->validity;
    KEY_SWITCH(!valid_at(va, r) || !valid_at(vb, k) || x == y, !valid_at(va, r) || !valid_at(vb, k) || string_eq(x, y))
    return kept;
}

/* ================================ creation ================================ */

static bool collect_columns(const shoal_expr *e, bool *uses, int count, shoal_eval_error *err)
{
    if (e == NULL) return true;
    if (e->kind == SHOAL_EXPR_COLUMN) {
        if (e->column < 0 || e->column >= count)
            return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join residual column #%d is not in the pair (%d columns)",
                                   e->column, count);
        uses[e->column] = true;
    }
    for (int i = 0; i < e->arg_count; i++)
        if (!collect_columns(e->args[i], uses, count, err)) return false;
    return true;
}

static bool same_layout(shoal_type a, shoal_type b)
{
    if (shoal_type_physical(a) != shoal_type_physical(b)) return false;
    return (a.id == SHOAL_TYPE_DECIMAL ? a.scale : 0) == (b.id == SHOAL_TYPE_DECIMAL ? b.scale : 0);
}

shoal_hash_join *shoal_hash_join_create(const shoal_plan *p, shoal_eval_error *err)
{
    if (p->kind != SHOAL_PLAN_HASH_JOIN || p->child == NULL || p->child2 == NULL) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join needs a probe and a build input");
        return NULL;
    }
    if (p->join_type < SHOAL_JOIN_INNER || p->join_type > SHOAL_JOIN_ANTI_NULL_AWARE) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "unknown join type %d", p->join_type);
        return NULL;
    }
    const shoal_plan *probe = p->child, *build = p->child2;
    shoal_join_type type = (shoal_join_type)p->join_type;
    bool pairs_out = type == SHOAL_JOIN_INNER || type == SHOAL_JOIN_LEFT || type == SHOAL_JOIN_RIGHT || type == SHOAL_JOIN_FULL;
    int want = probe->column_count + (pairs_out ? build->column_count : 0);
    if (p->column_count != want) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join outputs %d columns, its inputs give %d", p->column_count, want);
        return NULL;
    }
    for (int c = 0; c < want; c++) {
        shoal_type t = c < probe->column_count ? probe->types[c] : build->types[c - probe->column_count];
        if (!same_layout(t, p->types[c])) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join output column %d does not match its input", c);
            return NULL;
        }
    }
    if (p->join_key_count < 0 || (p->join_key_count > 0 && (p->probe_keys == NULL || p->build_keys == NULL))) {
        shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join keys are missing");
        return NULL;
    }
    for (int k = 0; k < p->join_key_count; k++) {
        int a = p->probe_keys[k], b = p->build_keys[k];
        if (a < 0 || a >= probe->column_count || b < 0 || b >= build->column_count) {
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join key %d names a column that is not there", k);
            return NULL;
        }
        if (!same_layout(probe->types[a], build->types[b])) {
            char x[48], y[48];
            shoal_type_name(probe->types[a], x, sizeof x);
            shoal_type_name(build->types[b], y, sizeof y);
            shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join key %d compares %s with %s", k, x, y);
            return NULL;
        }
    }

    shoal_hash_join *j = shoal_xcalloc(1, sizeof *j);
    j->plan = p;
    j->type = type;
    j->key_count = p->join_key_count;
    j->probe_keys = p->probe_keys;
    j->build_keys = p->build_keys;
    j->probe_columns = probe->column_count;
    j->build_columns = build->column_count;
    j->emits_pairs = pairs_out;
    j->keep_probe_unmatched = type == SHOAL_JOIN_LEFT || type == SHOAL_JOIN_FULL;
    j->keep_build_unmatched = type == SHOAL_JOIN_RIGHT || type == SHOAL_JOIN_FULL;
    j->track_probe = type != SHOAL_JOIN_INNER && type != SHOAL_JOIN_RIGHT;
    j->anti = type == SHOAL_JOIN_ANTI || type == SHOAL_JOIN_ANTI_NULL_AWARE;
    j->keep_null_build = j->keep_build_unmatched || type == SHOAL_JOIN_ANTI_NULL_AWARE;
    j->first_match = !pairs_out && p->residual == NULL;
    j->weak_mask = weak_hash_bits ? ((uint64_t)1 << weak_hash_bits) - 1 : 0;
    j->na_general = type == SHOAL_JOIN_ANTI_NULL_AWARE && j->key_count > 0 && (p->residual != NULL || j->key_count > 1);
    if (j->key_count == 1) {
        shoal_physical ph = shoal_type_physical(probe->types[p->probe_keys[0]]);
        j->int_key = ph == SHOAL_PHYS_I32 ? 4 : ph == SHOAL_PHYS_I64 ? 8 : 0;
    }
    for (int c = 0; pairs_out && c < probe->column_count; c++)
        if (shoal_type_physical(probe->types[c]) == SHOAL_PHYS_STRING) j->probe_borrows = true;

    int pair_columns = probe->column_count + build->column_count;
    j->residual_uses = shoal_xcalloc((size_t)pair_columns + 1, sizeof(bool));
    if (!collect_columns(p->residual, j->residual_uses, pair_columns, err)) {
        shoal_hash_join_free(j);
        return NULL;
    }
    if (p->residual) {
        shoal_type *types = shoal_xmalloc(sizeof(shoal_type) * ((size_t)pair_columns + 1));
        memcpy(types, probe->types, sizeof(shoal_type) * (size_t)probe->column_count);
        memcpy(types + probe->column_count, build->types, sizeof(shoal_type) * (size_t)build->column_count);
        shoal_batch_init(&j->pairs, pair_columns, types, HJ_CHUNK);
        free(types);
        j->residual = shoal_expr_state_create(p->residual);
    }
    j->build_needed = shoal_xcalloc((size_t)build->column_count + 1, sizeof(bool));
    for (int c = 0; c < build->column_count; c++) j->build_needed[c] = pairs_out || j->residual_uses[probe->column_count + c];
    for (int k = 0; k < j->key_count; k++) j->build_needed[p->build_keys[k]] = true;
    j->cols = shoal_xcalloc((size_t)build->column_count + 1, sizeof(shoal_vector));
    j->col_bytes = shoal_xcalloc((size_t)build->column_count + 1, sizeof(size_t));
    for (int c = 0; c < build->column_count; c++) shoal_vector_init(&j->cols[c], build->types[c], 16);
    shoal_arena_init(&j->heap, HJ_HEAP_BLOCK);
    shoal_batch_init(&j->out, p->column_count, p->types, SHOAL_BATCH_ROWS);
    j->pr = shoal_xmalloc(HJ_CHUNK * sizeof(uint32_t));
    j->pb = shoal_xmalloc(HJ_CHUNK * sizeof(uint32_t));
    j->chunk_rows = shoal_xmalloc(HJ_CHUNK * sizeof(uint32_t));
    j->list = shoal_xmalloc(SHOAL_BATCH_ROWS * sizeof(uint32_t));
    return j;
}

void shoal_hash_join_free(shoal_hash_join *j)
{
    if (j == NULL) return;
    if (j->residual) shoal_expr_state_free(j->residual);
    if (j->pairs.columns) shoal_batch_free(&j->pairs);
    free(j->residual_uses);
    for (int c = 0; j->cols && c < j->build_columns; c++) {
        table_free(j->cols[c].data, j->col_bytes[c]);
        j->cols[c].data = NULL;
        shoal_vector_free(&j->cols[c]);
    }
    free(j->cols);
    free(j->col_bytes);
    free(j->build_needed);
    table_free(j->hashes, j->hashes_bytes);
    free(j->null_key);
    table_free(j->start, j->start_bytes);
    table_free(j->build_matched, j->matched_bytes);
    shoal_arena_reset(&j->heap);
    free(j->scratch_hash);
    free(j->scratch_rows);
    free(j->scratch_flags);
    free(j->identity);
    free(j->ph);
    free(j->hash);
    free(j->pos);
    free(j->end);
    free(j->matched);
    free(j->pnull);
    free(j->work_buf);
    free(j->retry);
    free(j->pr);
    free(j->pb);
    free(j->chunk_rows);
    free(j->list);
    shoal_batch_free(&j->out);
    free(j);
}

void shoal_hash_join_get_stats(const shoal_hash_join *j, shoal_hash_join_stats *out) { *out = j->stats; }

void shoal_hash_join_test_weak_hashes(int bits) { weak_hash_bits = bits > 0 && bits < 64 ? bits : 0; }

/* tests: few distinct hashes, spread over the buckets by a multiplication */
static void weaken(const shoal_hash_join *j, uint64_t *h, uint32_t n)
{
    if (j->weak_mask == 0) return;
    for (uint32_t i = 0; i < n; i++) h[i] = ((h[i] & j->weak_mask) + 1) * 0x9e3779b97f4a7c15ULL;
}

/* ================================ build ================================ */

static bool check_batch(const shoal_batch *in, const shoal_plan *side, const char *what, shoal_eval_error *err)
{
    if (in->column_count != side->column_count)
        return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join %s batch has %d columns, the plan %d", what,
                               in->column_count, side->column_count);
    for (int c = 0; c < in->column_count; c++)
        if (shoal_type_physical(in->columns[c].type) != shoal_type_physical(side->types[c]))
            return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join %s column %d has another type than the plan's", what, c);
    return true;
}

static const uint32_t *identity_rows(shoal_hash_join *j, uint32_t n)
{
    if (j->identity_cap < n) {
        uint32_t cap = j->identity_cap ? j->identity_cap : SHOAL_BATCH_ROWS;
        while (cap < n) cap *= 2;
        j->identity = shoal_xrealloc(j->identity, (size_t)cap * sizeof(uint32_t));
        for (uint32_t i = j->identity_cap; i < cap; i++) j->identity[i] = i;
        j->identity_cap = cap;
    }
    return j->identity;
}

static void reserve_scratch(shoal_hash_join *j, uint32_t n)
{
    if (j->scratch_cap >= n) return;
    j->scratch_cap = n;
    j->scratch_hash = shoal_xrealloc(j->scratch_hash, (size_t)n * sizeof(uint64_t));
    j->scratch_rows = shoal_xrealloc(j->scratch_rows, (size_t)n * sizeof(uint32_t));
    j->scratch_flags = shoal_xrealloc(j->scratch_flags, n);
}

/* flags[i] = row sel[i] has a NULL in some key column (of `in`, columns keys[]); false when
 * no key column has a validity bitmap. */
static bool null_key_flags(const shoal_batch *in, const int32_t *keys, int key_count, const uint32_t *rows, uint32_t n,
                           uint8_t *flags)
{
    bool any = false;
    for (int k = 0; k < key_count; k++) {
        const uint64_t *v = in->columns[keys[k]].validity;
        if (v == NULL) continue;
        if (!any) memset(flags, 0, n);
        any = true;
        for (uint32_t i = 0; i < n; i++) flags[i] |= !valid_at(v, rows[i]);
    }
    return any;
}

bool shoal_hash_join_add_build(shoal_hash_join *j, const shoal_batch *in, shoal_eval_error *err)
{
    uint32_t n = shoal_batch_rows(in);
    if (n == 0) return true;
    if (j->built) return shoal_eval_fail(err, SHOAL_SQLSTATE_INTERNAL, "hash join build rows after the build finished");
    if (!check_batch(in, j->plan->child2, "build", err)) return false;
    if ((uint64_t)j->rows + n > HJ_MAX_ROWS)
        return shoal_eval_fail(err, "54000", "hash join build side has more than %u rows", HJ_MAX_ROWS);
    reserve_scratch(j, n);
    const uint32_t *rows = in->sel ? in->sel : identity_rows(j, in->count);
    uint64_t *h = j->scratch_hash;
    for (int k = 0; k < j->key_count; k++) kernel_hash_vector(&in->columns[j->build_keys[k]], in->sel, n, h, k > 0);
    weaken(j, h, j->key_count ? n : 0);
    uint8_t *flags = j->scratch_flags;
    bool nulls = null_key_flags(in, j->build_keys, j->key_count, rows, n, flags);
    uint32_t kept = n;
    if (nulls && !j->keep_null_build) { /* these rows can never match: drop them */
        kept = 0;
        for (uint32_t i = 0; i < n; i++) {
            j->scratch_rows[kept] = rows[i];
            h[kept] = h[i];
            kept += !flags[i];
        }
        rows = j->scratch_rows;
        if (kept == 0) return true;
    }
    if ((uint64_t)j->rows + kept > j->cap) {
        uint64_t cap = j->cap ? j->cap : 1024;
        while (cap < (uint64_t)j->rows + kept) cap *= 2;
        if (cap > HJ_MAX_ROWS) cap = HJ_MAX_ROWS;
        j->cap = (uint32_t)cap;
        if (j->key_count > 0) j->hashes = shoal_xrealloc(j->hashes, cap * sizeof(uint64_t));
        if (j->keep_null_build) j->null_key = shoal_xrealloc(j->null_key, cap);
        for (int c = 0; c < j->build_columns; c++)
            if (j->build_needed[c]) build_reserve(j, c, (uint32_t)cap);
    }
    if (j->key_count > 0) memcpy(j->hashes + j->rows, h, (size_t)kept * sizeof(uint64_t));
    if (j->keep_null_build) {
        if (nulls) memcpy(j->null_key + j->rows, flags, kept);
        else memset(j->null_key + j->rows, 0, kept);
    }
    for (int c = 0; c < j->build_columns; c++) {
        if (!j->build_needed[c]) continue;
        gather_column(&j->cols[c], j->rows, &in->columns[c], rows, kept);
        if (shoal_type_physical(j->cols[c].type) == SHOAL_PHYS_STRING) copy_strings(j, &j->cols[c], j->rows, kept);
    }
    j->rows += kept;
    return true;
}

void shoal_hash_join_finish_build(shoal_hash_join *j)
{
    if (j->built) return;
    j->built = true;
    uint32_t n = j->rows, clean = n;
    if (j->null_key) {
        clean = 0;
        for (uint32_t r = 0; r < n; r++) clean += !j->null_key[r];
    }
    j->clean = clean;
    /* a small table gets 8 buckets per row (its directory still fits in L1/L2), so most
     * probes of a selective join find an empty bucket and never compare a key */
    uint64_t want = clean <= HJ_SPARSE_MAX_ROWS ? (uint64_t)clean * 8 : clean;
    int log2b = HJ_MIN_BUCKETS_LOG2;
    while (((uint64_t)1 << log2b) < want) log2b++;
    j->buckets = (uint32_t)1 << log2b;
    j->shift = 64 - log2b;
    j->start = alloc_table_array(((size_t)j->buckets + 1) * sizeof(uint32_t), &j->start_bytes);
    memset(j->start, 0, ((size_t)j->buckets + 1) * sizeof(uint32_t));
    if (j->key_count > 0 && n > 0) {
        /* counting sort of the rows by bucket: counts, end offsets, stable backward scatter */
        uint32_t *start = j->start;
        const uint64_t *hashes = j->hashes;
        const uint8_t *nk = j->null_key;
        int shift = j->shift;
        for (uint32_t r = 0; r < n; r++)
            if (!nk || !nk[r]) start[hashes[r] >> shift]++;
        uint32_t sum = 0;
        for (uint32_t b = 0; b < j->buckets; b++) {
            sum += start[b];
            start[b] = sum;
        }
        start[j->buckets] = clean;
        uint32_t *perm = shoal_xmalloc((size_t)n * sizeof(uint32_t));
        uint32_t tail = n;
        for (uint32_t r = n; r-- > 0;) {
            if (nk && nk[r]) perm[--tail] = r;
            else perm[--start[hashes[r] >> shift]] = r;
        }
        for (int c = 0; c < j->build_columns; c++) {
            if (!j->build_needed[c]) continue;
            shoal_vector sorted;
            size_t bytes;
            shoal_vector_init(&sorted, j->cols[c].type, 1);
            free(sorted.data);
            sorted.data = alloc_table_array((size_t)n * shoal_type_size(sorted.type), &bytes);
            sorted.capacity = n;
            gather_column(&sorted, 0, &j->cols[c], perm, n);
            /* the old array goes back to the pool first: the next column's can reuse it */
            table_free(j->cols[c].data, j->col_bytes[c]);
            j->cols[c].data = NULL;
            shoal_vector_free(&j->cols[c]);
            j->cols[c] = sorted;
            j->col_bytes[c] = bytes;
        }
        if (j->int_key) {
            free(j->hashes);
            j->hashes = NULL;
        } else {
            size_t bytes;
            uint64_t *sorted = alloc_table_array((size_t)clean * sizeof(uint64_t) + 8, &bytes);
            for (uint32_t i = 0; i < clean; i++) sorted[i] = hashes[perm[i]];
            free(j->hashes);
            j->hashes = sorted;
            j->hashes_bytes = bytes;
        }
        free(perm);
    }
    free(j->null_key);
    j->null_key = NULL;
    free(j->scratch_hash);
    free(j->scratch_rows);
    free(j->scratch_flags);
    j->scratch_hash = NULL;
    j->scratch_rows = NULL;
    j->scratch_flags = NULL;
    j->scratch_cap = 0;
    if (j->keep_build_unmatched) {
        j->build_matched = alloc_table_array((size_t)n + 1, &j->matched_bytes);
        memset(j->build_matched, 0, (size_t)n + 1);
    }
    if (n == 0 && (j->type == SHOAL_JOIN_INNER || j->type == SHOAL_JOIN_SEMI || j->type == SHOAL_JOIN_RIGHT))
        j->no_output = true;
    if (j->type == SHOAL_JOIN_ANTI_NULL_AWARE && !j->na_general && clean < n) j->no_output = true; /* x NOT IN (.., NULL) */
    j->stats.build_rows = n;
    j->stats.buckets = j->buckets;
}

/* ================================ probe ================================ */

static void reserve_probe(shoal_hash_join *j, uint32_t count, uint32_t n)
{
    if (j->row_cap < count) {
        uint32_t cap = j->row_cap ? j->row_cap : SHOAL_BATCH_ROWS;
        while (cap < count) cap *= 2;
        j->row_cap = cap;
        j->hash = shoal_xrealloc(j->hash, (size_t)cap * sizeof(uint64_t));
        j->pos = shoal_xrealloc(j->pos, (size_t)cap * sizeof(uint32_t));
        j->end = shoal_xrealloc(j->end, (size_t)cap * sizeof(uint32_t));
        j->matched = shoal_xrealloc(j->matched, cap);
        j->pnull = shoal_xrealloc(j->pnull, cap);
        j->work_buf = shoal_xrealloc(j->work_buf, (size_t)cap * sizeof(uint32_t));
        j->retry = shoal_xrealloc(j->retry, (size_t)cap * sizeof(uint32_t));
    }
    if (j->compact_cap < n) {
        uint32_t cap = j->compact_cap ? j->compact_cap : SHOAL_BATCH_ROWS;
        while (cap < n) cap *= 2;
        j->compact_cap = cap;
        j->ph = shoal_xrealloc(j->ph, (size_t)cap * sizeof(uint64_t));
        j->scratch_flags = shoal_xrealloc(j->scratch_flags, cap);
    }
}

/* Hashes and bucket ranges of a new probe batch; the first round starts over all its rows. */
static void start_probe_batch(shoal_hash_join *j, shoal_batch *in)
{
    uint32_t n = shoal_batch_rows(in);
    reserve_probe(j, in->count, n);
    const uint32_t *rows = in->sel ? in->sel : identity_rows(j, in->count);
    j->in = in;
    j->prow = rows;
    j->in_rows = n;
    memset(j->matched, 0, in->count);
    uint32_t *pos = j->pos, *end = j->end;
    if (j->key_count == 0) {
        for (uint32_t i = 0; i < n; i++) {
            pos[rows[i]] = 0;
            end[rows[i]] = j->rows;
        }
    } else {
        uint64_t *ph = j->ph;
        for (int k = 0; k < j->key_count; k++) kernel_hash_vector(&in->columns[j->probe_keys[k]], in->sel, n, ph, k > 0);
        weaken(j, ph, n);
        const uint32_t *start = j->start;
        int shift = j->shift;
        /* The directory and the buckets are far bigger than the caches: touch every row's
         * directory entry first (independent loads, all in flight at once), then read them. */
        if (j->buckets > HJ_PREFETCH_BUCKETS)
            for (uint32_t i = 0; i < n; i++) __builtin_prefetch(&start[ph[i] >> shift]);
        for (uint32_t i = 0; i < n; i++) {
            uint64_t b = ph[i] >> shift;
            pos[rows[i]] = start[b];
            end[rows[i]] = start[b + 1];
        }
        if (j->buckets > HJ_PREFETCH_BUCKETS) {
            const char *first = j->int_key ? j->cols[j->build_keys[0]].data : (const char *)j->hashes;
            size_t w = j->int_key ? (size_t)j->int_key : sizeof(uint64_t);
            for (uint32_t i = 0; i < n; i++) __builtin_prefetch(first + (size_t)pos[rows[i]] * w);
        }
        if (!j->int_key)
            for (uint32_t i = 0; i < n; i++) j->hash[rows[i]] = ph[i];
        uint8_t *flags = j->scratch_flags;
        bool nulls = null_key_flags(in, j->probe_keys, j->key_count, rows, n, flags);
        for (uint32_t i = 0; i < n; i++) j->pnull[rows[i]] = nulls ? flags[i] : 0;
        if (nulls) {
            for (uint32_t i = 0; i < n; i++)
                if (flags[i]) pos[rows[i]] = end[rows[i]] = 0; /* a NULL key matches nothing */
            /* NOT IN over a non-empty build side: a NULL probe key is never kept */
            if (j->type == SHOAL_JOIN_ANTI_NULL_AWARE && !j->na_general && j->rows > 0)
                for (uint32_t i = 0; i < n; i++) j->matched[rows[i]] |= flags[i];
        }
    }
    if (j->key_count > 0) {
        /* only rows whose bucket holds anything go to the rounds (branch-free compaction): with
         * a selective join most probe rows stop here, unmatched (outer, anti and NOT IN rows
         * are emitted from the matched flags, not from this list) */
        uint32_t *w = j->work_buf, nw = 0;
        const uint32_t *posr = j->pos, *endr = j->end;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = rows[i];
            w[nw] = r;
            nw += posr[r] < endr[r];
        }
        j->work = w;
        j->work_len = nw;
    } else {
        j->work = rows;
        j->work_len = n;
    }
    j->work_at = 0;
    j->retry_len = 0;
    j->phase = PHASE_HASH;
    j->tail_at = 0;
    j->pair_count = j->pair_at = 0;
    j->stats.probe_rows += n;
}

/* ANTI_NULL_AWARE general, second phase: a probe row without NULL keys meets the build rows
 * with NULL keys; one with a NULL key meets every build row. */
static void start_wildcard_phase(shoal_hash_join *j)
{
    for (uint32_t i = 0; i < j->in_rows; i++) {
        uint32_t r = j->prow[i];
        j->pos[r] = j->pnull[r] ? 0 : j->clean;
        j->end[r] = j->rows;
    }
    j->work = j->prow;
    j->work_len = j->in_rows;
    j->work_at = 0;
    j->retry_len = 0;
    j->phase = PHASE_WILDCARD;
}

#define SCAN_BUCKET(COND)                                                                           \
    for (; k < e; k++) {                                                                            \
        if (COND) {                                                                                 \
            pr[m] = r;                                                                              \
            pb[m] = k;                                                                              \
            if (++m == HJ_CHUNK || first) {                                                         \
                k++;                                                                                \
                break;                                                                              \
            }                                                                                       \
        }                                                                                           \
    }

/* One round: up to HJ_CHUNK candidate pairs into pr/pb, resuming where the last round
 * stopped. 0 when the phase has no candidates left. */
static uint32_t generate(shoal_hash_join *j)
{
    uint32_t m = 0;
    uint32_t *restrict pr = j->pr, *restrict pb = j->pb;
    uint32_t *pos = j->pos;
    const uint32_t *end = j->end;
    const bool first = j->first_match && j->phase == PHASE_HASH;
    const bool skip_matched = j->track_probe && !j->emits_pairs;
    const bool hashed = j->phase == PHASE_HASH && j->key_count > 0;
    const shoal_vector *pkey = hashed ? &j->in->columns[j->probe_keys[0]] : NULL;
    const shoal_vector *bkey = hashed ? &j->cols[j->build_keys[0]] : NULL;
    while (m < HJ_CHUNK) {
        if (j->work_at == j->work_len) {
            if (j->retry_len == 0) break;
            uint32_t *t = j->work_buf; /* the next round over the rows that met a hash collision */
            j->work_buf = j->retry;
            j->retry = t;
            j->work = j->work_buf;
            j->work_len = j->retry_len;
            j->work_at = 0;
            j->retry_len = 0;
            continue;
        }
        uint32_t r = j->work[j->work_at];
        uint32_t k = pos[r], e = end[r];
        if (skip_matched && j->matched[r]) {
            j->work_at++;
            continue;
        }
        if (!hashed) {
            uint32_t take = e - k;
            if (take > HJ_CHUNK - m) take = HJ_CHUNK - m;
            if (first && take > 1) take = 1;
            for (uint32_t t = 0; t < take; t++) {
                pr[m + t] = r;
                pb[m + t] = k + t;
            }
            m += take;
            k += take;
        } else if (j->int_key == 4) {
            const int32_t v = ((const int32_t *)pkey->data)[r], *restrict bk = bkey->data;
            SCAN_BUCKET(bk[k] == v)
        } else if (j->int_key == 8) {
            const int64_t v = ((const int64_t *)pkey->data)[r], *restrict bk = bkey->data;
            SCAN_BUCKET(bk[k] == v)
        } else {
            const uint64_t h = j->hash[r], *restrict bh = j->hashes;
            SCAN_BUCKET(bh[k] == h)
        }
        pos[r] = k;
        if (k == e || first) j->work_at++;
    }
    return m;
}

/* Checks a round's pairs (keys, residual), sets the matched flags and leaves the surviving
 * pairs pending for output. */
static bool process_round(shoal_hash_join *j, uint32_t m, shoal_eval_error *err)
{
    uint32_t *pr = j->pr, *pb = j->pb;
    const bool hashed = j->phase == PHASE_HASH && j->key_count > 0;
    const bool retry = j->first_match && hashed && !j->int_key;
    uint32_t m0 = m;
    if (retry) memcpy(j->chunk_rows, pr, (size_t)m * sizeof(uint32_t));
    if (hashed && !j->int_key) {
        for (int k = 0; k < j->key_count && m > 0; k++)
            m = keys_equal(&j->in->columns[j->probe_keys[k]], &j->cols[j->build_keys[k]], pr, pb, m);
    } else if (j->phase == PHASE_WILDCARD && j->key_count > 1) {
        for (int k = 0; k < j->key_count && m > 0; k++)
            m = keys_not_unequal(&j->in->columns[j->probe_keys[k]], &j->cols[j->build_keys[k]], pr, pb, m);
    }
    j->stats.candidates += m;
    if (j->residual && m > 0) {
        shoal_batch *pairs = &j->pairs;
        int np = j->probe_columns;
        for (int c = 0; c < pairs->column_count; c++) {
            if (!j->residual_uses[c]) continue;
            if (c < np) gather_column(&pairs->columns[c], 0, &j->in->columns[c], pr, m);
            else gather_column(&pairs->columns[c], 0, &j->cols[c - np], pb, m);
        }
        pairs->count = m;
        shoal_batch_select_all(pairs);
        if (!shoal_expr_filter(j->residual, pairs, err)) return false;
        const uint32_t *sel = pairs->sel;
        uint32_t kept = pairs->sel_count;
        for (uint32_t i = 0; i < kept; i++) {
            pr[i] = pr[sel[i]];
            pb[i] = pb[sel[i]];
        }
        m = kept;
    }
    if (j->track_probe)
        for (uint32_t i = 0; i < m; i++) j->matched[pr[i]] = 1;
    if (j->keep_build_unmatched)
        for (uint32_t i = 0; i < m; i++) j->build_matched[pb[i]] = 1;
    if (retry)
        for (uint32_t i = 0; i < m0; i++) {
            uint32_t r = j->chunk_rows[i];
            if (!j->matched[r] && j->pos[r] < j->end[r]) j->retry[j->retry_len++] = r;
        }
    if (j->emits_pairs) {
        j->pair_count = m;
        j->pair_at = 0;
    }
    return true;
}

/* ================================ output ================================ */

static uint32_t room(const shoal_hash_join *j) { return SHOAL_BATCH_ROWS - j->out.count; }

static void emit_pairs(shoal_hash_join *j, const uint32_t *pr, const uint32_t *pb, uint32_t m)
{
    shoal_batch *out = &j->out;
    uint32_t at = out->count;
    for (int c = 0; c < j->probe_columns; c++) gather_column(&out->columns[c], at, &j->in->columns[c], pr, m);
    for (int c = 0; c < j->build_columns; c++) gather_column(&out->columns[j->probe_columns + c], at, &j->cols[c], pb, m);
    out->count += m;
    j->stats.output_rows += m;
}

static void emit_probe_only(shoal_hash_join *j, const uint32_t *rows, uint32_t m)
{
    shoal_batch *out = &j->out;
    uint32_t at = out->count;
    for (int c = 0; c < j->probe_columns; c++) gather_column(&out->columns[c], at, &j->in->columns[c], rows, m);
    for (int c = 0; c < j->build_columns; c++) fill_nulls(&out->columns[j->probe_columns + c], at, m);
    out->count += m;
    j->stats.output_rows += m;
}

static void emit_build_only(shoal_hash_join *j, const uint32_t *rows, uint32_t m)
{
    shoal_batch *out = &j->out;
    uint32_t at = out->count;
    for (int c = 0; c < j->probe_columns; c++) fill_nulls(&out->columns[c], at, m);
    for (int c = 0; c < j->build_columns; c++) gather_column(&out->columns[j->probe_columns + c], at, &j->cols[c], rows, m);
    out->count += m;
    j->stats.output_rows += m;
}

/* SEMI/ANTI: the probe batch keeps the rows that matched (SEMI) or did not (ANTI). */
static uint32_t narrow_probe(shoal_hash_join *j, shoal_batch *in)
{
    const uint8_t *matched = j->matched;
    const uint8_t want = j->anti ? 0 : 1;
    uint32_t n = j->in_rows, kept = 0;
    for (uint32_t i = 0; i < n; i++) kept += matched[j->prow[i]] == want;
    if (kept == n || kept == 0) return kept;
    uint32_t *sel = in->sel ? in->sel : shoal_batch_select_all(in);
    uint32_t w = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = sel[i];
        sel[w] = r;
        w += matched[r] == want;
    }
    in->sel_count = w;
    return w;
}

shoal_batch *shoal_hash_join_next(shoal_hash_join *j, shoal_hash_join_pull pull, void *arg, shoal_eval_error *err)
{
    if (err->failed || j->finished) return NULL;
    if (!j->built) shoal_hash_join_finish_build(j);
    if (j->no_output) {
        j->finished = true;
        return NULL;
    }
    shoal_batch *out = &j->out;
    out->count = 0;
    if (out->sel) {
        free(out->sel);
        out->sel = NULL;
        out->sel_count = out->sel_capacity = 0;
    }
    while (!j->probe_done) {
        if (j->in == NULL) {
            if (out->count > 0 && j->probe_borrows) return out; /* its strings point into this probe batch */
            shoal_batch *in = pull(arg, err);
            if (err->failed) return NULL;
            if (in == NULL) {
                j->probe_done = true;
                break;
            }
            if (!check_batch(in, j->plan->child, "probe", err)) return NULL;
            if (shoal_batch_rows(in) == 0) continue;
            start_probe_batch(j, in);
        }
        if (j->pair_at < j->pair_count) {
            uint32_t take = j->pair_count - j->pair_at;
            if (take > room(j)) take = room(j);
            emit_pairs(j, j->pr + j->pair_at, j->pb + j->pair_at, take);
            j->pair_at += take;
            if (room(j) == 0) return out;
            continue;
        }
        if (j->phase != PHASE_TAIL) {
            uint32_t m = generate(j);
            if (m == 0) {
                if (j->phase == PHASE_HASH && j->na_general) start_wildcard_phase(j);
                else j->phase = PHASE_TAIL;
                continue;
            }
            if (!process_round(j, m, err)) return NULL;
            continue;
        }
        /* PHASE_TAIL */
        if (!j->emits_pairs) {
            shoal_batch *in = j->in;
            j->in = NULL;
            uint32_t kept = narrow_probe(j, in);
            if (kept > 0) {
                j->stats.output_rows += kept;
                return in;
            }
            continue;
        }
        if (j->keep_probe_unmatched) {
            while (j->tail_at < j->in_rows && room(j) > 0) {
                uint32_t limit = room(j), m = 0;
                while (j->tail_at < j->in_rows && m < limit) {
                    uint32_t r = j->prow[j->tail_at++];
                    j->list[m] = r;
                    m += !j->matched[r];
                }
                if (m) emit_probe_only(j, j->list, m);
            }
            if (j->tail_at < j->in_rows) return out;
        }
        j->in = NULL;
    }
    if (j->keep_build_unmatched) {
        while (j->build_cursor < j->rows && room(j) > 0) {
            uint32_t limit = room(j), m = 0;
            while (j->build_cursor < j->rows && m < limit) {
                uint32_t k = j->build_cursor++;
                j->list[m] = k;
                m += !j->build_matched[k];
            }
            if (m) emit_build_only(j, j->list, m);
        }
    }
    if (out->count > 0) return out;
    j->finished = true;
    return NULL;
}
