/* The per-rank memory budget. A query whose rank grows past it fails with SQLSTATE 53200 on
 * that rank (and is cancelled everywhere) instead of the kernel's OOM killer ending the rank and
 * with it the cluster. Checked by resident size (what the OOM killer looks at), every
 * MEMORY_CHECK_INTERVAL batches an operator pulls and after each exchange round. */
#include "engine/exec/memory_budget.h"
#include "engine/exec/exchange.h"
#include "runtime/system_actor.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MEMORY_CHECK_INTERVAL 64 /* batches: a /proc read per ~130k rows */
#define DEFAULT_SHARE 0.8        /* of the node's memory, split between its ranks */

static uint64_t budget_bytes;
static const char *budget_source = "";

/* The cgroup v2 limit this process runs under (a container, a Slurm job with --mem), or 0. */
static uint64_t cgroup_limit(void)
{
    FILE *f = fopen("/sys/fs/cgroup/memory.max", "r");
    if (f == NULL) return 0;
    unsigned long long v = 0;
    int n = fscanf(f, "%llu", &v); /* "max" (no limit) does not parse */
    fclose(f);
    return n == 1 ? (uint64_t)v : 0;
}

void shoal_memory_budget_init(int node_ranks)
{
    const char *env = getenv("SHOAL_RANK_MEMORY_MB");
    if (env && *env) {
        char *end;
        unsigned long long mb = strtoull(env, &end, 10);
        if (*end == '\0') {
            budget_bytes = (uint64_t)mb << 20; /* 0: no limit */
            budget_source = "SHOAL_RANK_MEMORY_MB";
            return;
        }
        fprintf(stderr, "shoal: SHOAL_RANK_MEMORY_MB=%s is not a number of MiB; using the default\n", env);
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t node = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    uint64_t cg = cgroup_limit();
    if (cg > 0 && (node == 0 || cg < node)) node = cg;
    if (node_ranks < 1) node_ranks = 1;
    budget_bytes = (uint64_t)((double)node * DEFAULT_SHARE / node_ranks);
    budget_source = "80% of the node's memory over its ranks; set SHOAL_RANK_MEMORY_MB to change";
}

bool shoal_memory_budget_check(uint32_t *countdown, int rank, shoal_eval_error *err)
{
    if (budget_bytes == 0 || (*countdown)-- > 0) return true;
    *countdown = MEMORY_CHECK_INTERVAL;
    return shoal_memory_budget_check_now(rank, err);
}

bool shoal_memory_budget_check_now(int rank, shoal_eval_error *err)
{
    if (budget_bytes == 0) return true;
    uint64_t resident = shoal_resident_bytes();
    if (resident <= budget_bytes) return true;
    /* memory this rank holds but no longer uses first: the exchange's pooled buffers, and what
     * malloc keeps after earlier queries freed it (else one query near the budget would leave
     * the rank over it for good) */
    shoal_buffer_pool_release();
    malloc_trim(0);
    resident = shoal_resident_bytes();
    if (resident <= budget_bytes) return true;
    return shoal_eval_fail(err, "53200", "out of memory: rank %d holds %.1f MiB, over its budget of %.1f MiB (%s)", rank,
                           (double)resident / 1048576.0, (double)budget_bytes / 1048576.0, budget_source);
}
