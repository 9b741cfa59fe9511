/* A rank's start-up: its data directory (DATA_DIR/rank-K, created and recovered: interrupted
 * drops finished; uncommitted load files are removed when a table is next opened) and the
 * services it offers the leader: query fragments over its storage (exec/query_dispatch.h),
 * loads (load/load.h) and table drops. */
#ifndef SHOAL_ENGINE_RANK_SERVICES_H
#define SHOAL_ENGINE_RANK_SERVICES_H

#include "runtime/error.h"
#include "runtime/runtime.h"

enum { SHOAL_MSG_DROP_TABLE = 1010 }; /* leader -> system: payload uint64 table id; reply DONE */

/* Every rank, once, after the runtime starts. False (err set) when the rank directory
 * cannot be created or recovered. */
bool shoal_rank_services_start(shoal_rt *rt, const char *data_dir, shoal_error *err);
/* This rank's directory (valid after start). */
const char *shoal_rank_dir(void);

#endif
