/* The wire form of batches (engine/exec/batch_wire.c) and the exchange's partitioning
 * (engine/exec/exchange_partition.c), without MPI: round trips of every type with and without
 * NULLs, through the identity, a selection vector and a row list, at row counts around the
 * 64-row validity words; strings of every length around the inline copy's 16/32/64-byte steps,
 * including strings that end at a page whose next page is unreadable; one output batch reused
 * across batches of other shapes; fixed-width values borrowed from an aligned buffer, copied
 * from a misaligned one, and a borrowed vector growing or reset; every truncation of a buffer failing cleanly; rows placed by
 * hash % ranks for 1-9 ranks (the division-free remainder against %), broadcast writes, and
 * the partitioner's splits (hash and round-robin) with the column-wise write's bytes equal to
 * the row-list write's. */
#include "engine/exec/batch_wire.h"
#include "engine/exec/exchange_partition.h"
#include "engine/exec/kernels.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

#define NTYPES 12
static shoal_type all_types[NTYPES];
static char text[512];

static void init_types(void)
{
    shoal_type_id ids[] = {SHOAL_TYPE_BOOLEAN, SHOAL_TYPE_SMALLINT, SHOAL_TYPE_INTEGER, SHOAL_TYPE_BIGINT,
                           SHOAL_TYPE_REAL, SHOAL_TYPE_DOUBLE, SHOAL_TYPE_DATE, SHOAL_TYPE_TIMESTAMP};
    for (int i = 0; i < 8; i++) all_types[i] = shoal_type_make(ids[i]);
    all_types[8] = shoal_type_decimal(15, 2);
    all_types[9] = shoal_type_decimal(30, 4); /* 128-bit */
    all_types[10] = shoal_type_string(SHOAL_TYPE_CHAR, 10);
    all_types[11] = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    for (size_t i = 0; i < sizeof text; i++) text[i] = (char)(rnd() % 256); /* zero bytes included */
}

/* A batch of n rows of the given types: random values, NULLs in about 1 of `null_every` rows
 * (0: none), strings of 0-300 bytes (mostly short). */
static void make_batch(shoal_batch *b, const shoal_type *types, int ncols, uint32_t n, int null_every)
{
    shoal_batch_init(b, ncols, types, n);
    for (int c = 0; c < ncols; c++) {
        shoal_vector *v = &b->columns[c];
        size_t width = shoal_type_size(types[c]);
        for (uint32_t i = 0; i < n; i++) {
            if (shoal_type_physical(types[c]) == SHOAL_PHYS_STRING) {
                uint32_t len = (uint32_t)(rnd() % 8 == 0 ? rnd() % 301 : rnd() % 70);
                ((shoal_string *)v->data)[i] = shoal_vector_add_string(v, text + rnd() % (sizeof text - 300), len);
            } else {
                for (size_t k = 0; k < width; k++) ((uint8_t *)v->data)[i * width + k] = (uint8_t)rnd();
            }
            if (null_every && rnd() % (uint64_t)null_every == 0) shoal_vector_set_null(v, i, true);
        }
        v->count = n;
    }
    b->count = n;
}

/* Row i of got is row want_row of want: same NULL, same bytes. */
static bool same_row(const shoal_vector *got, uint32_t i, const shoal_vector *want, uint32_t want_row)
{
    if (shoal_vector_is_null(got, i) != shoal_vector_is_null(want, want_row)) return false;
    if (shoal_vector_is_null(got, i)) return true;
    if (shoal_type_physical(want->type) == SHOAL_PHYS_STRING) {
        shoal_string a = ((const shoal_string *)got->data)[i], b = ((const shoal_string *)want->data)[want_row];
        return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
    }
    size_t w = shoal_type_size(want->type);
    return memcmp((const char *)got->data + i * w, (const char *)want->data + want_row * w, w) == 0;
}

/* Decodes one batch from r and checks it holds rows[0..n) of b (identity when rows is NULL). */
static void check_read(shoal_reader *r, shoal_batch *out, const shoal_batch *b, const uint32_t *rows, uint32_t n)
{
    CU_ASSERT_FATAL(shoal_batch_read(r, out));
    CU_ASSERT_EQUAL_FATAL(out->column_count, b->column_count);
    CU_ASSERT_EQUAL_FATAL(out->count, n);
    CU_ASSERT_PTR_NULL(out->sel);
    int bad = 0;
    for (int c = 0; c < b->column_count; c++) {
        CU_ASSERT(shoal_type_equal(out->columns[c].type, b->columns[c].type));
        for (uint32_t i = 0; i < n; i++) bad += !same_row(&out->columns[c], i, &b->columns[c], rows ? rows[i] : i);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_round_trip_every_type(void)
{
    uint32_t counts[] = {0, 1, 7, 63, 64, 65, 129, 1000, 2048};
    shoal_batch out = {0}; /* reused across every shape below */
    for (int nulls = 0; nulls < 3; nulls++)
        for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
            uint32_t n = counts[k];
            shoal_batch b;
            make_batch(&b, all_types, NTYPES, n, nulls == 0 ? 0 : nulls == 1 ? 9 : 1);
            shoal_writer w;
            shoal_writer_init(&w, 64);
            /* identity */
            shoal_batch_write(&w, &b, NULL, 0);
            /* a selection vector: every third row */
            uint32_t *sel = shoal_batch_select_all(&b), m = 0;
            for (uint32_t i = 0; i < n; i++)
                if (i % 3 == 1) sel[m++] = i;
            b.sel_count = m;
            shoal_batch_write(&w, &b, NULL, 0);
            uint32_t *sel_copy = malloc((m ? m : 1) * sizeof *sel_copy);
            memcpy(sel_copy, sel, m * sizeof *sel_copy);
            /* a row list (repeats and any order allowed), given explicitly */
            uint32_t *rows = malloc((n ? n : 1) * sizeof *rows);
            for (uint32_t i = 0; i < n; i++) rows[i] = (uint32_t)(rnd() % n);
            shoal_batch_write(&w, &b, rows, n);

            shoal_reader r;
            shoal_reader_init(&r, w.data, w.len);
            check_read(&r, &out, &b, NULL, n);
            check_read(&r, &out, &b, sel_copy, m);
            check_read(&r, &out, &b, rows, n);
            CU_ASSERT(shoal_reader_done(&r));
            free(rows);
            free(sel_copy);
            shoal_writer_free(&w);
            shoal_batch_free(&b);
        }
    /* shapes change under a reused output: fewer columns, other types */
    shoal_type two[2] = {all_types[11], all_types[3]}, one[1] = {all_types[9]};
    for (int round = 0; round < 4; round++) {
        shoal_batch b;
        make_batch(&b, round % 2 ? two : one, round % 2 ? 2 : 1, 100 + 500 * (uint32_t)round, 5);
        shoal_writer w;
        shoal_writer_init(&w, 64);
        shoal_batch_write(&w, &b, NULL, 0);
        shoal_reader r;
        shoal_reader_init(&r, w.data, w.len);
        check_read(&r, &out, &b, NULL, b.count);
        shoal_writer_free(&w);
        shoal_batch_free(&b);
    }
    shoal_batch_free(&out);
}

/* Strings of 0-100 bytes that start at a page's start or end at its end, the next page
 * unreadable: the copy touches no byte outside the string. */
static void test_strings_at_page_edges(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *mem = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CU_ASSERT_FATAL(mem != MAP_FAILED);
    CU_ASSERT_FATAL(mprotect(mem, (size_t)page, PROT_NONE) == 0);                 /* before */
    CU_ASSERT_FATAL(mprotect(mem + 2 * page, (size_t)page, PROT_NONE) == 0);      /* after */
    char *p = mem + page;
    for (long i = 0; i < page; i++) p[i] = (char)('a' + i % 26);
    shoal_type t = shoal_type_string(SHOAL_TYPE_VARCHAR, 0);
    shoal_batch b;
    shoal_batch_init(&b, 1, &t, 202);
    shoal_string *s = b.columns[0].data;
    for (uint32_t len = 0; len <= 100; len++) {
        s[2 * len] = (shoal_string){p + page - len, len}; /* ends at the page's end */
        s[2 * len + 1] = (shoal_string){p, len};           /* starts at its start */
    }
    b.columns[0].count = b.count = 202;
    shoal_writer w;
    shoal_writer_init(&w, 16);
    shoal_batch_write(&w, &b, NULL, 0);
    shoal_reader r;
    shoal_reader_init(&r, w.data, w.len);
    shoal_batch out = {0};
    check_read(&r, &out, &b, NULL, 202);
    shoal_batch_free(&out);
    shoal_writer_free(&w);
    shoal_batch_free(&b);
    munmap(mem, (size_t)page * 3);
}

/* Every truncation of a valid buffer is refused without reading past it. */
static void test_truncations(void)
{
    shoal_batch b;
    make_batch(&b, all_types, NTYPES, 70, 4);
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_batch_write(&w, &b, NULL, 0);
    shoal_batch out = {0};
    int accepted = 0;
    for (size_t len = 0; len < w.len; len++) {
        uint8_t *copy = malloc(len ? len : 1); /* exactly len bytes: ASan sees any overread */
        memcpy(copy, w.data, len);
        shoal_reader r;
        shoal_reader_init(&r, copy, len);
        accepted += shoal_batch_read(&r, &out);
        free(copy);
    }
    CU_ASSERT_EQUAL(accepted, 0);
    shoal_batch_free(&out);
    shoal_writer_free(&w);
    shoal_batch_free(&b);
}

/* Fixed-width values are borrowed from an aligned buffer and copied from a misaligned one;
 * a borrowed vector copies its values before growing and drops them on reset. */
static void test_borrowed_values(void)
{
    shoal_batch b;
    make_batch(&b, all_types, NTYPES, 300, 7);
    shoal_writer w;
    shoal_writer_init(&w, 64);
    shoal_batch_write(&w, &b, NULL, 0);
    shoal_batch_write(&w, &b, NULL, 0);
    CU_ASSERT_EQUAL(w.len % 16, 0);
    for (int shift = 0; shift < 2; shift++) {
        uint8_t *mem = malloc(w.len + 16), *at = mem + shift;
        memcpy(at, w.data, w.len);
        shoal_reader r;
        shoal_reader_init(&r, at, w.len);
        shoal_batch out = {0};
        for (int k = 0; k < 2; k++) {
            check_read(&r, &out, &b, NULL, b.count);
            for (int c = 0; c < NTYPES; c++) {
                const shoal_vector *v = &out.columns[c];
                bool fixed = shoal_type_physical(v->type) != SHOAL_PHYS_STRING;
                bool in_buf = (const uint8_t *)v->data >= at && (const uint8_t *)v->data < at + w.len;
                /* misaligned: only the 1-byte types still lie aligned */
                bool expect = fixed && (shift == 0 || shoal_type_size(v->type) == 1);
                CU_ASSERT_EQUAL(v->borrowed, expect);
                CU_ASSERT_EQUAL(in_buf, expect);
            }
        }
        CU_ASSERT(shoal_reader_done(&r));
        if (shift == 0) {
            shoal_vector *v = &out.columns[3]; /* BIGINT, borrowed */
            int64_t first = ((const int64_t *)v->data)[0];
            shoal_vector_append_i64(v, 42); /* grows: its own copy */
            CU_ASSERT_FALSE(v->borrowed);
            CU_ASSERT_EQUAL(((const int64_t *)v->data)[0], first);
            CU_ASSERT_EQUAL(((const int64_t *)v->data)[300], 42);
            shoal_vector *u = &out.columns[2]; /* INTEGER, borrowed */
            shoal_vector_reset(u);
            CU_ASSERT_FALSE(u->borrowed);
            shoal_vector_append_i64(u, 7); /* lands in memory of its own, not the buffer */
            CU_ASSERT_FALSE((const uint8_t *)u->data >= at && (const uint8_t *)u->data < at + w.len);
            CU_ASSERT(memcmp(at, w.data, w.len) == 0);
        }
        shoal_batch_free(&out); /* frees nothing borrowed (ASan: no bad free) */
        free(mem);
    }
    shoal_writer_free(&w);
    shoal_batch_free(&b);
}

/* A stand-in exchange of `size` ranks: only its per-destination buffers are used. */
static void fake_exchange(shoal_exchange *x, int size, int rank)
{
    memset(x, 0, sizeof *x);
    x->size = size;
    x->rank = rank;
    x->outgoing = calloc((size_t)size, sizeof *x->outgoing);
    for (int d = 0; d < size; d++) shoal_writer_init(&x->outgoing[d], 64);
    for (int d = 0; d < size; d++) x->outgoing[d].len = 0;
}

static void free_fake_exchange(shoal_exchange *x)
{
    for (int d = 0; d < x->size; d++) shoal_writer_free(&x->outgoing[d]);
    free(x->outgoing);
}

/* Sum of a per-row hash over every column of the selected rows, and the row count. */
static uint64_t rows_checksum(const shoal_batch *b, uint64_t *rows)
{
    uint32_t n = shoal_batch_rows(b);
    uint64_t *h = malloc((n ? n : 1) * sizeof *h), sum = 0;
    for (int c = 0; c < b->column_count; c++) kernel_hash_vector(&b->columns[c], b->sel, n, h, c > 0);
    for (uint32_t i = 0; i < n; i++) sum += h[i];
    *rows += n;
    free(h);
    return sum;
}

static void test_hash_placement(void)
{
    int32_t keys[2] = {3, 11}; /* BIGINT and VARCHAR: one key, then both */
    for (int size = 1; size <= 9; size++)
        for (int key_count = 1; key_count <= 2; key_count++) {
            shoal_exchange x;
            fake_exchange(&x, size, 0);
            shoal_partitioner p;
            shoal_partitioner_init(&p, size);
            uint64_t sent = 0, sent_rows = 0, got = 0, got_rows = 0;
            for (int k = 0; k < 3; k++) {
                shoal_batch b;
                make_batch(&b, all_types, NTYPES, 1000 + 500 * (uint32_t)k, k == 0 ? 0 : 6);
                if (k == 2) { /* a selection */
                    uint32_t *sel = shoal_batch_select_all(&b), m = 0;
                    for (uint32_t i = 0; i < b.count; i++)
                        if (rnd() % 3) sel[m++] = i;
                    b.sel_count = m;
                }
                sent += rows_checksum(&b, &sent_rows);
                shoal_exchange_write_hashed(&x, &p, &b, keys, key_count);
                shoal_batch_free(&b);
            }
            int misplaced = 0;
            shoal_batch out = {0};
            for (int d = 0; d < size; d++) {
                shoal_reader r;
                shoal_reader_init(&r, x.outgoing[d].data, x.outgoing[d].len);
                while (r.pos < r.len) {
                    CU_ASSERT_FATAL(shoal_batch_read(&r, &out));
                    got += rows_checksum(&out, &got_rows);
                    uint64_t *h = malloc((out.count ? out.count : 1) * sizeof *h);
                    for (int k = 0; k < key_count; k++) kernel_hash_vector(&out.columns[keys[k]], NULL, out.count, h, k > 0);
                    for (uint32_t i = 0; i < out.count; i++) misplaced += h[i] % (uint64_t)size != (uint64_t)d;
                    free(h);
                }
            }
            CU_ASSERT_EQUAL(misplaced, 0);
            CU_ASSERT_EQUAL(got_rows, sent_rows);
            CU_ASSERT_EQUAL(got, sent);
            shoal_batch_free(&out);
            shoal_partitioner_free(&p);
            free_fake_exchange(&x);
        }
}

/* write_all: once into this rank's buffer when the exchange broadcasts, else into every one. */
static void test_write_all(void)
{
    shoal_batch b;
    make_batch(&b, all_types, NTYPES, 300, 5);
    for (int broadcast = 0; broadcast < 2; broadcast++) {
        shoal_exchange x;
        fake_exchange(&x, 4, 2);
        x.broadcast = broadcast;
        shoal_exchange_write_all(&x, &b);
        for (int d = 0; d < 4; d++) {
            bool expect = !broadcast || d == 2;
            CU_ASSERT_EQUAL(x.outgoing[d].len > 0, expect);
            if (!expect) continue;
            shoal_reader r;
            shoal_reader_init(&r, x.outgoing[d].data, x.outgoing[d].len);
            shoal_batch out = {0};
            check_read(&r, &out, &b, NULL, b.count);
            CU_ASSERT(shoal_reader_done(&r));
            shoal_batch_free(&out);
        }
        CU_ASSERT_EQUAL(shoal_exchange_buffered(&x), broadcast ? 4 * x.outgoing[2].len : 4 * x.outgoing[0].len);
        free_fake_exchange(&x);
    }
    shoal_batch_free(&b);
}

/* shoal_batch_write_part writes exactly the bytes shoal_batch_write writes for the same rows,
 * at row counts around its 16-row blocks, with and without NULLs, for 1-5 destinations; the
 * splits list every row once, in order, where hash % size or the round-robin says. */
static void test_split_and_write_part(void)
{
    uint32_t counts[] = {1, 15, 16, 17, 255, 256, 257, 1000, 2048};
    for (int size = 1; size <= 5; size++)
        for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
            uint32_t n = counts[k];
            shoal_batch b;
            make_batch(&b, all_types, NTYPES, n, k % 2 ? 7 : 0);
            shoal_partitioner p;
            shoal_partitioner_init(&p, size);
            for (int how = 0; how < 2; how++) {
                uint64_t first = rnd() % 1000;
                int32_t key = 3;
                if (how == 0) shoal_partition_hashed(&p, &b, &key, 1);
                else shoal_partition_round_robin(&p, &b, first);
                uint64_t *h = malloc(n * sizeof *h);
                kernel_hash_vector(&b.columns[3], NULL, n, h, false);
                uint32_t listed = 0, wrong = 0, differ = 0;
                for (int d = 0; d < size; d++) {
                    const uint32_t *rows = shoal_partitioner_rows(&p, d);
                    for (uint32_t i = 0; i < p.count[d]; i++) {
                        uint64_t want = how == 0 ? h[rows[i]] % (uint64_t)size : (first + rows[i]) % (uint64_t)size;
                        wrong += want != (uint64_t)d || (i > 0 && rows[i] <= rows[i - 1]);
                    }
                    listed += p.count[d];
                    shoal_writer a, c;
                    shoal_writer_init(&a, 64);
                    shoal_writer_init(&c, 64);
                    shoal_batch_write(&a, &b, rows, p.count[d]);
                    shoal_partitioner_write(&p, &c, &b, d);
                    differ += p.count[d] ? a.len != c.len || memcmp(a.data, c.data, a.len) != 0 : c.len != 0;
                    shoal_writer_free(&a);
                    shoal_writer_free(&c);
                }
                CU_ASSERT_EQUAL(listed, n);
                CU_ASSERT_EQUAL(wrong, 0);
                CU_ASSERT_EQUAL(differ, 0);
                free(h);
            }
            shoal_partitioner_free(&p);
            shoal_batch_free(&b);
        }
}

int main(void)
{
    init_types();
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("batch_wire", NULL, NULL);
    CU_add_test(s, "round_trip_every_type", test_round_trip_every_type);
    CU_add_test(s, "strings_at_page_edges", test_strings_at_page_edges);
    CU_add_test(s, "truncations", test_truncations);
    CU_add_test(s, "borrowed_values", test_borrowed_values);
    CU_add_test(s, "hash_placement", test_hash_placement);
    CU_add_test(s, "write_all", test_write_all);
    CU_add_test(s, "split_and_write_part", test_split_and_write_part);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
