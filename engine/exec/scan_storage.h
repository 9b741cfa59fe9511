/* The scan source that reads a rank's slice from storage (engine/storage): what a SCAN node
 * uses on every rank. scan_arg of the execution context is the rank's directory
 * (DATA_DIR/rank-K). A table this rank holds no data of yet scans as empty. */
#ifndef SHOAL_ENGINE_SCAN_STORAGE_H
#define SHOAL_ENGINE_SCAN_STORAGE_H

#include "engine/exec/operator.h"

bool shoal_open_storage_scan(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *source,
                             shoal_eval_error *err);

#endif
