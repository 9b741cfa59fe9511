/* pg_stats, the system view of the statistics every load leaves in the leader's catalog
 * (engine/catalog/column_stats.h): one row per column of every table with statistics.
 * Columns: schemaname, tablename, attname, null_frac, n_distinct (PostgreSQL's and Redshift's
 * names; n_distinct is always the estimated count, never a negative fraction), then Shoal's
 * null_count, distinct_count, min_value, max_value (as text, in the column's type; a cut
 * string max ends in "...") and row_count. The table is replicated (DISTSTYLE ALL), so only
 * rank 0, where the catalog lives, reads it. */
#ifndef SHOAL_ENGINE_STATS_VIEW_H
#define SHOAL_ENGINE_STATS_VIEW_H

#include "engine/catalog/catalog.h"
#include "engine/exec/operator.h"

#define SHOAL_PG_STATS_ID 0x7fff0002u /* a table id no CREATE TABLE hands out */

/* The view's definition (schema public, name pg_stats; freed by the caller). */
shoal_table_def *shoal_pg_stats_def(void);
/* The scan source over cat's statistics (the SCAN's columns, in its order). cat may be NULL
 * (no catalog in this process): no rows. The rows are a snapshot taken here. */
bool shoal_pg_stats_scan(const shoal_catalog *cat, const shoal_plan *scan, shoal_scan_source *source,
                         shoal_eval_error *err);

#endif
