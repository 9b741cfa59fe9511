/* Window functions: the local (per-rank) work of a WINDOW plan node (plan.h: functions,
 * frames, result types, output layout). The whole input is consumed and copied (through the
 * sorter, strings included), ordered by (partition keys ascending, NULLs last; then the ORDER
 * BY keys), and every function is computed into a column of its own; output is the input's
 * columns in that order followed by one column per function. Rows that tie on every key keep
 * their input order (the sort is stable). operator.c drives it from the operator tree; tests
 * can feed it batches directly. Design notes at the top of window.c. */
#ifndef SHOAL_ENGINE_WINDOW_H
#define SHOAL_ENGINE_WINDOW_H

#include "engine/exec/plan.h"

typedef struct shoal_window shoal_window;

/* Checks the node (child schema, key and argument columns, each function's argument and
 * result type against plan.h's rules and against p->types) and prepares the state. NULL with
 * `err` set (XX000) on a plan it cannot run. */
shoal_window *shoal_window_create(const shoal_plan *p, shoal_eval_error *err);
void shoal_window_free(shoal_window *w);

/* Copies the selected rows of a batch in (nothing points into it afterwards). Fails (54000)
 * past 2^31 - 1 rows. */
bool shoal_window_add(shoal_window *w, const shoal_batch *in, shoal_eval_error *err);
/* Sorts and computes every function; call once after the last add. False with err set
 * (22003) when a SUM/AVG leaves its result type's range. */
bool shoal_window_finish(shoal_window *w, shoal_eval_error *err);
uint64_t shoal_window_rows(const shoal_window *w);
/* Emits the next up to SHOAL_BATCH_ROWS output rows into `out` (initialised with the node's
 * output types); false when done. String values point into the window's memory, so `out`
 * must not outlive it. */
bool shoal_window_next(shoal_window *w, shoal_batch *out);

#endif
