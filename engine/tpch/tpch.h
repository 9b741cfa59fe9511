/* TPC-H data generator: the public API of Shoal's dbgen-identical generator library.
 * Opens a generator for one table (or a master/detail pair) at a scale factor and chunk,
 * and fills typed column batches; tpch_format.h turns batches into dbgen's .tbl text. */
#ifndef SHOAL_TPCH_H
#define SHOAL_TPCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The eight tables, in dbgen's generation order. */
typedef enum tpch_table {
    TPCH_PART = 0,
    TPCH_PARTSUPP,
    TPCH_SUPPLIER,
    TPCH_CUSTOMER,
    TPCH_ORDERS,
    TPCH_LINEITEM,
    TPCH_NATION,
    TPCH_REGION,
    TPCH_TABLE_COUNT
} tpch_table;

/* Physical type of a generated column. */
typedef enum tpch_type {
    TPCH_TYPE_INT32,   /* int32_t */
    TPCH_TYPE_INT64,   /* int64_t */
    TPCH_TYPE_DECIMAL, /* int64_t scaled by 100 (cents): 12345 is 123.45 */
    TPCH_TYPE_DATE,    /* int32_t days since 1970-01-01 */
    TPCH_TYPE_CHAR,    /* one char (CHAR(1)) */
    TPCH_TYPE_STRING   /* tpch_str */
} tpch_type;

/* A string value: bytes are not NUL-terminated. ptr points into the shared text pool
 * (comments: valid for the life of the process), into the embedded distributions (valid for
 * the life of the process) or into the owning batch's heap (valid until that batch is
 * refilled or destroyed). */
typedef struct tpch_str {
    const char *ptr;
    uint32_t len;
} tpch_str;

typedef struct tpch_column_info {
    const char *name;   /* SQL column name, e.g. "l_orderkey" */
    tpch_type type;
    int max_length;     /* strings: longest value dbgen can produce; others: 0 */
} tpch_column_info;

typedef struct tpch_table_info {
    const char *name;        /* "lineitem" */
    const char *file_name;   /* "lineitem.tbl" */
    char dbgen_letter;       /* dbgen -T letter: 'L' */
    int column_count;
    const tpch_column_info *columns;
} tpch_table_info;

/* Column positions, in .tbl order. */
enum { TPCH_P_PARTKEY, TPCH_P_NAME, TPCH_P_MFGR, TPCH_P_BRAND, TPCH_P_TYPE, TPCH_P_SIZE,
       TPCH_P_CONTAINER, TPCH_P_RETAILPRICE, TPCH_P_COMMENT };
enum { TPCH_PS_PARTKEY, TPCH_PS_SUPPKEY, TPCH_PS_AVAILQTY, TPCH_PS_SUPPLYCOST, TPCH_PS_COMMENT };
enum { TPCH_S_SUPPKEY, TPCH_S_NAME, TPCH_S_ADDRESS, TPCH_S_NATIONKEY, TPCH_S_PHONE,
       TPCH_S_ACCTBAL, TPCH_S_COMMENT };
enum { TPCH_C_CUSTKEY, TPCH_C_NAME, TPCH_C_ADDRESS, TPCH_C_NATIONKEY, TPCH_C_PHONE,
       TPCH_C_ACCTBAL, TPCH_C_MKTSEGMENT, TPCH_C_COMMENT };
enum { TPCH_O_ORDERKEY, TPCH_O_CUSTKEY, TPCH_O_ORDERSTATUS, TPCH_O_TOTALPRICE, TPCH_O_ORDERDATE,
       TPCH_O_ORDERPRIORITY, TPCH_O_CLERK, TPCH_O_SHIPPRIORITY, TPCH_O_COMMENT };
enum { TPCH_L_ORDERKEY, TPCH_L_PARTKEY, TPCH_L_SUPPKEY, TPCH_L_LINENUMBER, TPCH_L_QUANTITY,
       TPCH_L_EXTENDEDPRICE, TPCH_L_DISCOUNT, TPCH_L_TAX, TPCH_L_RETURNFLAG, TPCH_L_LINESTATUS,
       TPCH_L_SHIPDATE, TPCH_L_COMMITDATE, TPCH_L_RECEIPTDATE, TPCH_L_SHIPINSTRUCT,
       TPCH_L_SHIPMODE, TPCH_L_COMMENT };
enum { TPCH_N_NATIONKEY, TPCH_N_NAME, TPCH_N_REGIONKEY, TPCH_N_COMMENT };
enum { TPCH_R_REGIONKEY, TPCH_R_NAME, TPCH_R_COMMENT };

#define TPCH_MAX_COLUMNS 16

/* Largest scale factor accepted: from SF 30000 on, dbgen draws two columns from a different
 * 64-bit generator, which this library does not reproduce. */
#define TPCH_MAX_SCALE_FACTOR 29999.0

const tpch_table_info *tpch_table_get_info(tpch_table table);

/* Looks a table up by SQL name ("lineitem") or dbgen -T letter ("L"); returns 0 on success,
 * -1 when unknown. */
int tpch_table_from_name(const char *name, tpch_table *table);

/* Parses a scale factor the way dbgen reads -s, but strictly: a finite number > 0 and at most
 * TPCH_MAX_SCALE_FACTOR, nothing after it. Returns 0, or -1 with a message in err. */
int tpch_parse_scale_factor(const char *text, double *sf, char *err, size_t err_size);

/* Number of rows dbgen generates for a table at a scale factor, counted in "driver rows":
 * orders for lineitem (an order's 1..7 lines are generated together) and parts for partsupp
 * (4 suppliers each). Chunks split driver rows. */
int64_t tpch_driver_row_count(tpch_table table, double sf);

/* The driver rows [*first, *first + *count) (1-based) of chunk k of n, by dbgen's rule:
 * each chunk gets floor(total / n) rows and the last chunk also gets the remainder. Nation
 * and region are never split: chunk 1 gets all their rows, other chunks none. */
void tpch_chunk_rows(tpch_table table, double sf, int chunk_k, int chunk_n,
                     int64_t *first, int64_t *count);

/* ---- column batches ---- */

typedef struct tpch_column {
    tpch_type type;
    union {
        void *data;
        int32_t *i32;   /* TPCH_TYPE_INT32, TPCH_TYPE_DATE */
        int64_t *i64;   /* TPCH_TYPE_INT64, TPCH_TYPE_DECIMAL */
        char *chr;      /* TPCH_TYPE_CHAR */
        tpch_str *str;  /* TPCH_TYPE_STRING */
    };
} tpch_column;

/* A batch of rows of one table, one typed array per column. */
typedef struct tpch_batch {
    tpch_table table;
    size_t capacity;      /* rows the arrays hold */
    size_t rows;          /* rows filled by the last tpch_gen_next_batch*() */
    int column_count;
    tpch_column columns[TPCH_MAX_COLUMNS];
    char *heap;           /* bytes of strings built per row (names, addresses, phones) */
    size_t heap_used;
    size_t heap_capacity;
} tpch_batch;

/* Returns NULL when out of memory. */
tpch_batch *tpch_batch_create(tpch_table table, size_t capacity);
void tpch_batch_destroy(tpch_batch *batch);

/* ---- generators ---- */

typedef struct tpch_gen tpch_gen;

/* Opens a generator for chunk k of n (1 <= k <= n; 1 of 1 is the whole table) of one table.
 * Returns NULL with a message in err on bad arguments or out of memory. The first open in a
 * process builds the shared text pool (300 MiB, about half a second). */
tpch_gen *tpch_gen_open(tpch_table table, double sf, int chunk_k, int chunk_n,
                        char *err, size_t err_size);

/* Opens a generator for a master table and its detail in one pass, as dbgen does:
 * master TPCH_ORDERS gives lineitem, TPCH_PART gives partsupp. Use tpch_gen_next_batches. */
tpch_gen *tpch_gen_open_with_detail(tpch_table master, double sf, int chunk_k, int chunk_n,
                                    char *err, size_t err_size);

/* Fills batch (of the generator's table) with up to max_rows rows (capped at its capacity);
 * returns the number of rows, 0 once the chunk is done. Lineitem and partsupp rows of one
 * order/part may continue into the next batch. */
size_t tpch_gen_next_batch(tpch_gen *gen, tpch_batch *batch, size_t max_rows);

/* Pair generators: fills master with up to max_master_rows rows and detail with all their
 * detail rows; detail must hold 7 (lineitem) or 4 (partsupp) rows per master row, so
 * max_master_rows is also capped at detail->capacity / 7 (or / 4). Returns master rows. */
size_t tpch_gen_next_batches(tpch_gen *gen, tpch_batch *master, tpch_batch *detail,
                             size_t max_master_rows);

void tpch_gen_close(tpch_gen *gen);

/* ---- the comment text pool, in pieces ----
 * The first generator in a process builds the 300 MiB text pool (about a second). Processes
 * that cooperate (the ranks of a cluster) can instead build a share of its pieces each and
 * exchange them: tpch_text_pool_alloc a buffer, tpch_text_pool_build_piece your pieces in
 * increasing order, fill in the others' bytes (each piece is [offset, offset + length) of
 * the buffer), then tpch_text_pool_install it, before the first generator opens. */
#define TPCH_TEXT_POOL_PIECES 64
#define TPCH_TEXT_POOL_BYTES (300 * 1024 * 1024)
bool tpch_text_pool_built(void);
void tpch_text_pool_piece_range(int piece, size_t *offset, size_t *length);
/* A buffer for the pool (TPCH_TEXT_POOL_BYTES + 1 bytes), or NULL. */
char *tpch_text_pool_alloc(void);
/* Writes piece `piece` (it may also scribble on the first 16 bytes of the next piece). */
bool tpch_text_pool_build_piece(char *pool, int piece);
/* Makes a complete buffer the process's pool (takes it; freed if a pool exists already). */
void tpch_text_pool_install(char *pool);
/* Unmaps the installed pool (when no generator runs any more); the next use builds one again. */
void tpch_text_pool_release(void);
/* Frees a buffer from tpch_text_pool_alloc that was not installed. */
void tpch_text_pool_free(char *pool);

#endif
