/* The per-rank memory budget (memory_budget.c): queries fail with SQLSTATE 53200 when a rank's
 * resident memory passes it. */
#ifndef SHOAL_ENGINE_EXEC_MEMORY_BUDGET_H
#define SHOAL_ENGINE_EXEC_MEMORY_BUDGET_H

#include "engine/exec/operator.h"

#include <stdbool.h>
#include <stdint.h>

/* Once per process, before queries: SHOAL_RANK_MEMORY_MB (MiB, 0 = no limit), else 80% of the
 * node's memory (or of the cgroup's limit, if lower) divided by node_ranks. */
void shoal_memory_budget_init(int node_ranks);
/* Every so many calls (counted in *countdown): false with err set (53200) when over budget. */
bool shoal_memory_budget_check(uint32_t *countdown, int rank, shoal_eval_error *err);
bool shoal_memory_budget_check_now(int rank, shoal_eval_error *err);

#endif
