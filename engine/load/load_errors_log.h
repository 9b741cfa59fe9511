/* STL_LOAD_ERRORS, the way Redshift keeps it: every rank appends the COPY rows it rejected to
 * its own log (DATA_DIR/rank-K/stl_load_errors.log, fsynced), whether the load then committed
 * or failed, and the system table stl_load_errors reads the logs of every rank through the
 * ordinary distributed scan (a SCAN of SHOAL_STL_LOAD_ERRORS_ID reads this log). */
#ifndef SHOAL_ENGINE_LOAD_ERRORS_LOG_H
#define SHOAL_ENGINE_LOAD_ERRORS_LOG_H

#include "engine/catalog/catalog.h"
#include "engine/exec/operator.h"
#include "engine/loader/copy_errors.h"

#define SHOAL_STL_LOAD_ERRORS_ID 0x7fff0001u /* a table id no CREATE TABLE hands out */

/* The table's definition (schema public, name stl_load_errors; freed by the caller). */
shoal_table_def *shoal_stl_load_errors_def(void);
/* Appends the sink's records; false (and a warning in the log) when the log cannot be written. */
bool shoal_load_errors_log_append(const char *rank_dir, uint64_t query_id, uint32_t table_id,
                                  const shoal_load_error_sink *sink);
/* The scan source over this rank's log (the SCAN's columns, in its order). */
bool shoal_load_errors_log_scan(const char *rank_dir, const shoal_plan *scan, shoal_scan_source *source,
                                shoal_eval_error *err);

#endif
