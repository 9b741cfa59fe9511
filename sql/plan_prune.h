/* Column pruning over a planned SELECT (plan_prune.c): steps' outputs and join build sides keep
 * only the columns read above them. */
#ifndef SHOAL_SQL_PLAN_PRUNE_H
#define SHOAL_SQL_PLAN_PRUNE_H

#include "sql/planner.h"

/* Rewrites plan's steps and final plan into pruned copies (in a). False, with plan unchanged,
 * when a plan shape is not understood (the unpruned plan is correct as it is). */
bool shoal_plan_prune_columns(shoal_select_plan *plan, shoal_arena *a);

#endif
