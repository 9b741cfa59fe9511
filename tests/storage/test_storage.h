/* Shared helpers of the storage unit tests (tests/storage/): a deterministic random number
 * generator, scratch directories, and each test file's suite registration. */
#ifndef SHOAL_TEST_STORAGE_H
#define SHOAL_TEST_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t test_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* A fresh directory under $TMPDIR (malloc'd path), and its recursive removal. */
char *test_make_dir(void);
void test_remove_dir(const char *path);

void register_encoding_tests(void);
void register_zone_map_tests(void);
void register_table_store_tests(void);

#endif
