/* Column vectors and batches (DuckDB's DataChunk, reduced).
 * A vector holds up to `capacity` values of one type, a validity bitmap (NULL when every
 * value is valid; bit i set = row i is not NULL) and, for strings, a heap (arena) that owns
 * the bytes. A batch is a set of equally long vectors plus an optional selection vector:
 * filters narrow the selection instead of copying rows. */
#ifndef SHOAL_ENGINE_VECTOR_H
#define SHOAL_ENGINE_VECTOR_H

#include "engine/core/types.h"
#include "runtime/memory.h"

#include <stdbool.h>
#include <stdint.h>

#define SHOAL_BATCH_ROWS 2048

typedef struct shoal_vector {
    shoal_type type;
    uint32_t count, capacity;
    void *data;
    uint64_t *validity; /* NULL: no NULLs */
    shoal_arena heap;   /* string bytes */
    bool borrowed;      /* data is not the vector's (a received wire buffer's values): never
                         * freed or written; reset drops it, reserve copies it into memory of
                         * the vector's own before growing */
} shoal_vector;

void shoal_vector_init(shoal_vector *v, shoal_type type, uint32_t capacity);
void shoal_vector_free(shoal_vector *v);
/* Drops the values (and string bytes), keeps the memory for reuse. */
void shoal_vector_reset(shoal_vector *v);
void shoal_vector_reserve(shoal_vector *v, uint32_t capacity);
/* Makes the vector's values the `count` values at `data` (aligned for the type), which the
 * vector neither frees nor writes: they must outlive its use (batch_wire's reader). Any memory
 * of its own is freed, and so is the validity (every value valid; set NULLs after); the heap
 * is untouched. */
void shoal_vector_borrow(shoal_vector *v, void *data, uint32_t count);

static inline bool shoal_vector_is_null(const shoal_vector *v, uint32_t row)
{
    return v->validity && !(v->validity[row >> 6] >> (row & 63) & 1);
}
void shoal_vector_set_null(shoal_vector *v, uint32_t row, bool is_null);
/* Copies bytes into the vector's heap and returns the string pointing at them. */
shoal_string shoal_vector_add_string(shoal_vector *v, const char *s, uint32_t len);

/* Appending one value at a time (loaders, tests). Grows as needed. */
void shoal_vector_append_null(shoal_vector *v);
void shoal_vector_append_i64(shoal_vector *v, int64_t x);   /* any integer-backed type */
void shoal_vector_append_i128(shoal_vector *v, shoal_int128 x);
void shoal_vector_append_f64(shoal_vector *v, double x);    /* REAL or DOUBLE */
void shoal_vector_append_string(shoal_vector *v, const char *s, uint32_t len);

/* Reads a value widened: integers/dates/timestamps/decimals(<=18) as int64. */
int64_t shoal_vector_get_i64(const shoal_vector *v, uint32_t row);
shoal_int128 shoal_vector_get_i128(const shoal_vector *v, uint32_t row);
double shoal_vector_get_f64(const shoal_vector *v, uint32_t row);

/* Text form of one value ("NULL" is the caller's business: check is_null first). */
int shoal_vector_format(const shoal_vector *v, uint32_t row, char *buf, size_t size);

/* Appends row r of src (same type) to dst, NULL included. */
void shoal_vector_append_from(shoal_vector *dst, const shoal_vector *src, uint32_t r);
/* Compares row a of x with row b of y (same type): <0, 0, >0. NULLs equal each other and are
 * greater than every value. */
int shoal_vector_compare(const shoal_vector *x, uint32_t a, const shoal_vector *y, uint32_t b);

typedef struct shoal_batch {
    int column_count;
    shoal_vector *columns;
    uint32_t count;     /* rows in every column */
    uint32_t *sel;      /* NULL: rows 0..count-1; else sel_count row numbers, ascending */
    uint32_t sel_count;
    uint32_t sel_capacity;
} shoal_batch;

void shoal_batch_init(shoal_batch *b, int column_count, const shoal_type *types, uint32_t capacity);
void shoal_batch_free(shoal_batch *b);
void shoal_batch_reset(shoal_batch *b);
/* Rows that are selected. */
static inline uint32_t shoal_batch_rows(const shoal_batch *b) { return b->sel ? b->sel_count : b->count; }
static inline uint32_t shoal_batch_row(const shoal_batch *b, uint32_t i) { return b->sel ? b->sel[i] : i; }
/* Gives the batch a selection vector of every row, ready to be narrowed. */
uint32_t *shoal_batch_select_all(shoal_batch *b);

#endif
