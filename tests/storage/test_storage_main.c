/* CUnit driver of the storage unit tests: encodings, zone maps, the table store (commit,
 * recovery under injected faults, scans with pruning, drop). */
#include "tests/storage/test_storage.h"

#include <CUnit/Basic.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *test_make_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char templ[4096];
    snprintf(templ, sizeof templ, "%s/shoal-storage-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *dir = mkdtemp(templ);
    if (dir == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    return strdup(dir);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void test_remove_dir(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    setenv("SHOAL_LOG", "error", 0); /* injected faults make the store warn on purpose */
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    register_encoding_tests();
    register_zone_map_tests();
    register_table_store_tests();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
