/* What expr_eval.c (the evaluator: normalization, state, the core kinds and functions) and
 * expr_eval_funcs.c (the scalar functions from SHOAL_FUNC_NULLIF on: conditionals, numbers,
 * strings, dates, TO_CHAR/TO_DATE) share. Internal to engine/exec.
 *
 * expr_eval.c keeps the node state opaque; the functions file reaches it through the accessors
 * below, once per batch (never per row). Vectors are the public shoal_vector. */
#ifndef SHOAL_ENGINE_EXPR_EVAL_INTERNAL_H
#define SHOAL_ENGINE_EXPR_EVAL_INTERNAL_H

#include "engine/exec/expr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct node_state node_state; /* one evaluation node (expr_eval.c) */

/* ---- provided by expr_eval.c ---- */
/* The node's normalized expression, its argument count and its argument nodes. */
const shoal_expr *shoal_eval_node_expr(const node_state *ns);
int shoal_eval_node_nargs(const node_state *ns);
node_state *shoal_eval_node_arg(const node_state *ns, int i);
/* Evaluates an argument node over the selected rows of `in`: a vector positioned like `in`,
 * owned by the node (or the input column itself); NULL with err set. */
const shoal_vector *shoal_eval_arg(node_state *arg, const shoal_batch *in, shoal_eval_error *err);
/* Per-node scratch kept across batches: a typed array (which = 0 or 1) of at least `bytes`,
 * and selection vectors (which = 0, 1, 2) of at least `count` rows each. Growing a selection
 * vector may drop the contents of all three: ask for all three before filling any. */
void *shoal_eval_scratch(node_state *ns, int which, size_t bytes);
uint32_t *shoal_eval_sel_scratch(node_state *ns, int which, uint32_t count);
/* Normalization: `arg` converted to `to` (folded when constant), and the plan marked as one the
 * evaluator cannot run (the first message wins). */
shoal_expr *shoal_eval_cast(shoal_expr_state *st, shoal_expr *arg, shoal_type to);
void shoal_eval_set_invalid(shoal_expr_state *st, const char *sqlstate, const char *message);
bool shoal_eval_is_invalid(const shoal_expr_state *st);

/* ---- provided by expr_eval_funcs.c ---- */
/* Whether the functions file evaluates `func` (SHOAL_FUNC_NULLIF .. SHOAL_FUNC_COUNT_ - 1). */
static inline bool shoal_eval_funcs_handles(int func) { return func >= SHOAL_FUNC_NULLIF && func < SHOAL_FUNC_COUNT_; }
/* Checks a FUNC node's argument count and types, casting arguments to the layout its
 * evaluator reads (its arguments are already normalized); marks the state invalid when it
 * cannot be evaluated. Returns the node. */
shoal_expr *shoal_eval_funcs_normalize(shoal_expr_state *st, shoal_expr *n);
/* Evaluates a FUNC node handled here into `out` (already prepared for in->count rows of the
 * node's type, no NULLs yet). */
bool shoal_eval_funcs_eval(node_state *ns, const shoal_batch *in, shoal_vector *out, shoal_eval_error *err);

#endif
