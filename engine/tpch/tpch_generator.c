/* The generator's entry points: opening a generator on a chunk (placing every column stream
 * at the chunk's first row by modular exponentiation), filling batches, and the column batches
 * themselves; plus small helpers the row makers share (padded numbers, addresses, phones). */
#include "engine/tpch/tpch_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of per-row strings a table builds into the batch heap (see tpch_make_*). */
static size_t heap_bytes_per_row(tpch_table t)
{
    switch (t) {
    case TPCH_CUSTOMER: return 32 + TPCH_ADDRESS_MAX + 16;          /* name, address, phone */
    case TPCH_SUPPLIER: return 32 + TPCH_ADDRESS_MAX + 16 + TPCH_S_COMMENT_MAX; /* + edited comment */
    case TPCH_PART: return 64 + 32;                                  /* name, brand */
    case TPCH_ORDERS: return 32;                                     /* clerk */
    default: return 0;
    }
}

static size_t type_size(tpch_type t)
{
    switch (t) {
    case TPCH_TYPE_INT32:
    case TPCH_TYPE_DATE: return sizeof(int32_t);
    case TPCH_TYPE_INT64:
    case TPCH_TYPE_DECIMAL: return sizeof(int64_t);
    case TPCH_TYPE_CHAR: return 1;
    case TPCH_TYPE_STRING: return sizeof(tpch_str);
    }
    return 0;
}

tpch_batch *tpch_batch_create(tpch_table table, size_t capacity)
{
    const tpch_table_info *info = tpch_table_get_info(table);
    if (!info || capacity == 0 || capacity > SIZE_MAX / 1024)
        return NULL;
    tpch_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->table = table;
    b->capacity = capacity;
    b->column_count = info->column_count;
    for (int c = 0; c < info->column_count; c++) {
        b->columns[c].type = info->columns[c].type;
        b->columns[c].data = malloc(capacity * type_size(info->columns[c].type));
        if (!b->columns[c].data) {
            tpch_batch_destroy(b);
            return NULL;
        }
    }
    b->heap_capacity = capacity * heap_bytes_per_row(table);
    if (b->heap_capacity) {
        b->heap = malloc(b->heap_capacity);
        if (!b->heap) {
            tpch_batch_destroy(b);
            return NULL;
        }
    }
    return b;
}

void tpch_batch_destroy(tpch_batch *b)
{
    if (!b)
        return;
    for (int c = 0; c < b->column_count; c++)
        free(b->columns[c].data);
    free(b->heap);
    free(b);
}

char *tpch_batch_reserve(tpch_batch *b, size_t n)
{
    if (b->heap_used + n > b->heap_capacity) {
        /* the heap holds heap_bytes_per_row() per row, which bounds what the makers build */
        fprintf(stderr, "tpch: internal error: batch heap of %zu bytes overflows (table %d)\n",
                b->heap_capacity, (int)b->table);
        abort();
    }
    char *p = b->heap + b->heap_used;
    b->heap_used += n;
    return p;
}

/* ---- opening ---- */

static tpch_gen *open_generator(tpch_table table, bool with_detail, double sf, int chunk_k,
                                int chunk_n, char *err, size_t err_size)
{
    if (!tpch_table_get_info(table)) {
        snprintf(err, err_size, "unknown table %d", (int)table);
        return NULL;
    }
    if (!(sf > 0) || sf > TPCH_MAX_SCALE_FACTOR) {
        snprintf(err, err_size, "scale factor %g is out of range (0, %.0f]", sf, TPCH_MAX_SCALE_FACTOR);
        return NULL;
    }
    if (chunk_n < 1 || chunk_k < 1 || chunk_k > chunk_n) {
        snprintf(err, err_size, "chunk %d of %d is invalid (need 1 <= k <= n)", chunk_k, chunk_n);
        return NULL;
    }
    const tpch_dists *dists = tpch_dists_get();
    if (!dists) {
        snprintf(err, err_size, "cannot load the embedded TPC-H distributions (out of memory?)");
        return NULL;
    }
    const char *pool = tpch_text_pool();
    if (!pool) {
        snprintf(err, err_size, "out of memory building the 300 MiB TPC-H text pool");
        return NULL;
    }
    tpch_gen *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    g->table = table;
    g->with_detail = with_detail;
    g->dists = dists;
    g->pool = pool;
    tpch_scale_init(&g->scale, sf);
    int64_t first, count;
    tpch_chunk_rows(table, sf, chunk_k, chunk_n, &first, &count);
    g->next_row = first;
    g->end_row = first + count;
    /* Every stream jumps to the chunk's first row; a generator only draws from the streams of
     * its own table(s), so the others are simply unused. */
    for (int id = 0; id < TPCH_STREAM_COUNT; id++)
        tpch_stream_init(&g->streams[id], (tpch_stream_id)id, first);
    return g;
}

tpch_gen *tpch_gen_open(tpch_table table, double sf, int chunk_k, int chunk_n, char *err,
                        size_t err_size)
{
    return open_generator(table, false, sf, chunk_k, chunk_n, err, err_size);
}

tpch_gen *tpch_gen_open_with_detail(tpch_table master, double sf, int chunk_k, int chunk_n,
                                    char *err, size_t err_size)
{
    if (master != TPCH_ORDERS && master != TPCH_PART) {
        snprintf(err, err_size, "only orders (with lineitem) and part (with partsupp) have a detail table");
        return NULL;
    }
    return open_generator(master, true, sf, chunk_k, chunk_n, err, err_size);
}

void tpch_gen_close(tpch_gen *g)
{
    free(g);
}

/* ---- storing master/detail rows into batches ---- */

static tpch_str heap_string(tpch_batch *b, const char *prefix, size_t prefix_len, int64_t number,
                            int digits)
{
    char *p = tpch_batch_reserve(b, prefix_len + 20);
    memcpy(p, prefix, prefix_len);
    char *end = tpch_put_padded(p + prefix_len, number, digits);
    tpch_str s = {p, (uint32_t)(end - p)};
    return s;
}

static void store_order(tpch_batch *b, size_t i, const tpch_order_row *o)
{
    tpch_column *c = b->columns;
    c[TPCH_O_ORDERKEY].i64[i] = o->orderkey;
    c[TPCH_O_CUSTKEY].i64[i] = o->custkey;
    c[TPCH_O_ORDERSTATUS].chr[i] = o->orderstatus;
    c[TPCH_O_TOTALPRICE].i64[i] = o->totalprice;
    c[TPCH_O_ORDERDATE].i32[i] = o->orderdate;
    c[TPCH_O_ORDERPRIORITY].str[i] = o->orderpriority;
    c[TPCH_O_CLERK].str[i] = heap_string(b, "Clerk#", 6, o->clerk, 9);
    c[TPCH_O_SHIPPRIORITY].i32[i] = 0;
    c[TPCH_O_COMMENT].str[i] = o->comment;
}

static void store_line(tpch_batch *b, size_t i, const tpch_order_row *o, int line)
{
    const tpch_line_row *l = &o->lines[line];
    tpch_column *c = b->columns;
    c[TPCH_L_ORDERKEY].i64[i] = o->orderkey;
    c[TPCH_L_PARTKEY].i64[i] = l->partkey;
    c[TPCH_L_SUPPKEY].i64[i] = l->suppkey;
    c[TPCH_L_LINENUMBER].i32[i] = l->linenumber;
    c[TPCH_L_QUANTITY].i64[i] = l->quantity;
    c[TPCH_L_EXTENDEDPRICE].i64[i] = l->extendedprice;
    c[TPCH_L_DISCOUNT].i64[i] = l->discount;
    c[TPCH_L_TAX].i64[i] = l->tax;
    c[TPCH_L_RETURNFLAG].chr[i] = l->returnflag;
    c[TPCH_L_LINESTATUS].chr[i] = l->linestatus;
    c[TPCH_L_SHIPDATE].i32[i] = l->shipdate;
    c[TPCH_L_COMMITDATE].i32[i] = l->commitdate;
    c[TPCH_L_RECEIPTDATE].i32[i] = l->receiptdate;
    c[TPCH_L_SHIPINSTRUCT].str[i] = l->shipinstruct;
    c[TPCH_L_SHIPMODE].str[i] = l->shipmode;
    c[TPCH_L_COMMENT].str[i] = l->comment;
}

static const char *const manufacturer_names[6] = {
    "", "Manufacturer#1", "Manufacturer#2", "Manufacturer#3", "Manufacturer#4", "Manufacturer#5"};

static void store_part(tpch_batch *b, size_t i, const tpch_part_row *p)
{
    tpch_column *c = b->columns;
    c[TPCH_P_PARTKEY].i64[i] = p->partkey;
    char *name = tpch_batch_reserve(b, p->name_len);
    memcpy(name, p->name, p->name_len);
    c[TPCH_P_NAME].str[i] = (tpch_str){name, p->name_len};
    c[TPCH_P_MFGR].str[i] = (tpch_str){manufacturer_names[p->mfgr], 14};
    c[TPCH_P_BRAND].str[i] = heap_string(b, "Brand#", 6, p->mfgr * 10 + p->brand, 2);
    c[TPCH_P_TYPE].str[i] = p->type;
    c[TPCH_P_SIZE].i32[i] = p->size;
    c[TPCH_P_CONTAINER].str[i] = p->container;
    c[TPCH_P_RETAILPRICE].i64[i] = p->retailprice;
    c[TPCH_P_COMMENT].str[i] = p->comment;
}

static void store_partsupp(tpch_batch *b, size_t i, const tpch_part_row *p, int s)
{
    const tpch_partsupp_row *ps = &p->supps[s];
    tpch_column *c = b->columns;
    c[TPCH_PS_PARTKEY].i64[i] = p->partkey;
    c[TPCH_PS_SUPPKEY].i64[i] = ps->suppkey;
    c[TPCH_PS_AVAILQTY].i32[i] = ps->availqty;
    c[TPCH_PS_SUPPLYCOST].i64[i] = ps->supplycost;
    c[TPCH_PS_COMMENT].str[i] = ps->comment;
}

/* ---- filling batches ---- */

size_t tpch_gen_next_batch(tpch_gen *g, tpch_batch *b, size_t max_rows)
{
    b->rows = 0;
    b->heap_used = 0;
    if (b->table != g->table)
        return 0;
    if (max_rows > b->capacity)
        max_rows = b->capacity;
    size_t i = 0;
    switch (g->table) {
    case TPCH_LINEITEM:
        while (i < max_rows) {
            if (g->detail_next == g->detail_count) {
                if (g->next_row >= g->end_row)
                    break;
                tpch_make_order(g, g->next_row++, &g->order);
                g->detail_next = 0;
                g->detail_count = g->order.line_count;
            }
            store_line(b, i++, &g->order, g->detail_next++);
        }
        break;
    case TPCH_PARTSUPP:
        while (i < max_rows) {
            if (g->detail_next == g->detail_count) {
                if (g->next_row >= g->end_row)
                    break;
                tpch_make_part(g, g->next_row++, &g->part);
                g->detail_next = 0;
                g->detail_count = TPCH_SUPPLIERS_PER_PART;
            }
            store_partsupp(b, i++, &g->part, g->detail_next++);
        }
        break;
    case TPCH_ORDERS:
        for (; i < max_rows && g->next_row < g->end_row; i++) {
            tpch_make_order(g, g->next_row++, &g->order);
            store_order(b, i, &g->order);
        }
        break;
    case TPCH_PART:
        for (; i < max_rows && g->next_row < g->end_row; i++) {
            tpch_make_part(g, g->next_row++, &g->part);
            store_part(b, i, &g->part);
        }
        break;
    case TPCH_CUSTOMER:
        for (; i < max_rows && g->next_row < g->end_row; i++)
            tpch_make_customer(g, g->next_row++, b, i);
        break;
    case TPCH_SUPPLIER:
        for (; i < max_rows && g->next_row < g->end_row; i++)
            tpch_make_supplier(g, g->next_row++, b, i);
        break;
    case TPCH_NATION:
        for (; i < max_rows && g->next_row < g->end_row; i++)
            tpch_make_nation(g, g->next_row++, b, i);
        break;
    case TPCH_REGION:
        for (; i < max_rows && g->next_row < g->end_row; i++)
            tpch_make_region(g, g->next_row++, b, i);
        break;
    case TPCH_TABLE_COUNT:
        break;
    }
    b->rows = i;
    return i;
}

size_t tpch_gen_next_batches(tpch_gen *g, tpch_batch *master, tpch_batch *detail,
                             size_t max_master_rows)
{
    master->rows = detail->rows = 0;
    master->heap_used = detail->heap_used = 0;
    bool orders = g->table == TPCH_ORDERS;
    if (!g->with_detail || master->table != g->table ||
        detail->table != (orders ? TPCH_LINEITEM : TPCH_PARTSUPP))
        return 0;
    size_t per_master = orders ? TPCH_MAX_LINES_PER_ORDER : TPCH_SUPPLIERS_PER_PART;
    size_t max_rows = max_master_rows;
    if (max_rows > master->capacity)
        max_rows = master->capacity;
    if (max_rows > detail->capacity / per_master)
        max_rows = detail->capacity / per_master;
    size_t i = 0, d = 0;
    for (; i < max_rows && g->next_row < g->end_row; i++) {
        if (orders) {
            tpch_make_order(g, g->next_row++, &g->order);
            store_order(master, i, &g->order);
            for (int l = 0; l < g->order.line_count; l++)
                store_line(detail, d++, &g->order, l);
        } else {
            tpch_make_part(g, g->next_row++, &g->part);
            store_part(master, i, &g->part);
            for (int s = 0; s < TPCH_SUPPLIERS_PER_PART; s++)
                store_partsupp(detail, d++, &g->part, s);
        }
    }
    master->rows = i;
    detail->rows = d;
    return i;
}

/* ---- helpers for the row makers ---- */

char *tpch_put_padded(char *p, int64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n < min_digits)
        tmp[n++] = '0';
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

uint32_t tpch_random_alnum(tpch_stream *s, int min_len, int max_len, char *out)
{
    static const char alphabet[65] =
        "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,";
    int64_t len = tpch_stream_uniform(s, min_len, max_len);
    int64_t word = 0;
    for (int64_t i = 0; i < len; i++) {
        if (i % 5 == 0)
            word = tpch_stream_alnum_word(s);
        out[i] = alphabet[word & 63];
        word >>= 6; /* arithmetic shift of a negative value, as in dbgen (GCC/Clang semantics) */
    }
    return (uint32_t)len;
}

void tpch_random_phone(tpch_stream *s, int64_t nationkey, char *out)
{
    int64_t area = tpch_stream_uniform(s, 100, 999);
    int64_t exchange = tpch_stream_uniform(s, 100, 999);
    int64_t number = tpch_stream_uniform(s, 1000, 9999);
    char *p = tpch_put_padded(out, 10 + nationkey % 90, 2);
    *p++ = '-';
    p = tpch_put_padded(p, area, 3);
    *p++ = '-';
    p = tpch_put_padded(p, exchange, 3);
    *p++ = '-';
    tpch_put_padded(p, number, 4);
}
