/* Allocation helpers that never return NULL, a test hook that fails the Nth allocation,
 * and the bump-pointer arena. */
#include "runtime/memory.h"
#include "runtime/log.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

static long allocations_until_failure; /* 0: never fail */

void shoal_fail_allocation_after(long n) { allocations_until_failure = n; }

/* The fault injection's countdown: true when this allocation is the one to fail. */
static bool injected_failure(void) { return allocations_until_failure > 0 && --allocations_until_failure == 0; }

static void *check_allocation(void *ptr, size_t size)
{
    if (injected_failure()) {
        free(ptr);
        ptr = NULL;
    }
    if (ptr == NULL && size != 0)
        shoal_fatal("out of memory allocating %zu bytes", size);
    return ptr;
}

void *shoal_xmalloc(size_t size) { return check_allocation(malloc(size ? size : 1), size); }
void *shoal_xcalloc(size_t count, size_t size)
{
    return check_allocation(calloc(count ? count : 1, size ? size : 1), count * size);
}
void *shoal_xrealloc(void *ptr, size_t size) { return check_allocation(realloc(ptr, size ? size : 1), size); }
void shoal_prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = 4096, from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + bytes) & ~(page - 1);
    if (bytes >= ((size_t)1 << 20) && to > from) madvise((void *)from, to - from, MADV_POPULATE_WRITE); /* a hint */
#else
    (void)p;
    (void)bytes;
#endif
}

static size_t whole_pages(size_t bytes) { return ((bytes ? bytes : 1) + 4095) & ~(size_t)4095; }

void *shoal_map_alloc(size_t bytes) { return shoal_map_resize(NULL, 0, bytes); }

void *shoal_map_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    void *q;
    if (p == NULL) q = mmap(NULL, whole_pages(new_bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    else if (whole_pages(old_bytes) == whole_pages(new_bytes)) return p;
    else q = mremap(p, whole_pages(old_bytes), whole_pages(new_bytes), MREMAP_MAYMOVE);
    if (q == MAP_FAILED || injected_failure()) shoal_fatal("out of memory mapping %zu bytes", new_bytes);
    return q;
}

void shoal_map_free(void *p, size_t bytes)
{
    if (p) munmap(p, whole_pages(bytes));
}

char *shoal_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(shoal_xmalloc(n), s, n);
}

struct shoal_arena_block {
    shoal_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void shoal_arena_init(shoal_arena *arena, size_t block_size)
{
    arena->blocks = NULL;
    arena->block_size = block_size ? block_size : 64 * 1024;
    arena->bytes_allocated = 0;
}

void *shoal_arena_alloc(shoal_arena *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    shoal_arena_block *b = arena->blocks;
    if (b == NULL || b->size - b->used < size) {
        size_t cap = size > arena->block_size ? size : arena->block_size;
        b = shoal_xmalloc(sizeof(*b) + cap);
        b->size = cap;
        b->used = 0;
        b->next = arena->blocks;
        arena->blocks = b;
        arena->bytes_allocated += cap;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

char *shoal_arena_strdup(shoal_arena *arena, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(shoal_arena_alloc(arena, n), s, n);
}

void shoal_arena_reset(shoal_arena *arena)
{
    while (arena->blocks) {
        shoal_arena_block *next = arena->blocks->next;
        free(arena->blocks);
        arena->blocks = next;
    }
    arena->bytes_allocated = 0;
}

void shoal_arena_rewind(shoal_arena *arena)
{
    shoal_arena_block *keep = arena->blocks;
    if (keep == NULL) return;
    shoal_arena_block *b = keep->next;
    while (b) {
        shoal_arena_block *next = b->next;
        free(b);
        b = next;
    }
    keep->next = NULL;
    keep->used = 0;
    arena->blocks = keep;
    arena->bytes_allocated = keep->size;
}
