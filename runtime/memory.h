/* Memory: allocation that raises instead of returning NULL, and arenas with a lifetime
 * (per query, per batch) freed all at once (PostgreSQL's memory contexts, reduced). */
#ifndef SHOAL_RUNTIME_MEMORY_H
#define SHOAL_RUNTIME_MEMORY_H

#include <stddef.h>

/* malloc/calloc/realloc/strdup that never return NULL: on failure they log the size and
 * abort the rank (mpirun then ends the job and names it). */
void *shoal_xmalloc(size_t size);
void *shoal_xcalloc(size_t count, size_t size);
void *shoal_xrealloc(void *ptr, size_t size);
char *shoal_xstrdup(const char *s);
/* Asks the kernel to map the pages of [p, p + bytes) now, in one call (MADV_POPULATE_WRITE;
 * a no-op where unsupported): for a large array about to be filled. A page fault taken one
 * 4 KiB page at a time costs several microseconds in a VM. Regions under 1 MiB are left alone. */
void shoal_prefault(void *p, size_t bytes);
/* Large arrays that grow, each in a mapping of its own (mmap; grown with mremap, which moves
 * pages instead of copying them). malloc's heap cannot promise that: glibc raises its mmap
 * threshold (up to 32 MiB) after large blocks are freed, and then a growing array below it is
 * copied on every realloc into fresh pages, and pages prefaulted for it are left behind.
 * Sizes are rounded up to whole pages; the caller keeps the size it asked for and passes it
 * back. Failure aborts the rank as shoal_xmalloc does. */
void *shoal_map_alloc(size_t bytes);
void *shoal_map_resize(void *p, size_t old_bytes, size_t new_bytes); /* p NULL: allocates */
void shoal_map_free(void *p, size_t bytes);                          /* p NULL: nothing */

/* Fault injection for tests: the Nth allocation from now fails (0 disables). */
void shoal_fail_allocation_after(long n);

/* A bump allocator: many small allocations, one free. */
typedef struct shoal_arena_block shoal_arena_block;
typedef struct shoal_arena {
    shoal_arena_block *blocks;
    size_t block_size;
    size_t bytes_allocated; /* sum of the blocks' sizes */
} shoal_arena;

void shoal_arena_init(shoal_arena *arena, size_t block_size);
void *shoal_arena_alloc(shoal_arena *arena, size_t size); /* 16-byte aligned, never NULL */
char *shoal_arena_strdup(shoal_arena *arena, const char *s);
void shoal_arena_reset(shoal_arena *arena); /* frees every block */
/* Empties the arena but keeps its newest block for reuse (no fresh pages per batch). */
void shoal_arena_rewind(shoal_arena *arena);

#endif
