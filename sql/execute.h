/* Running SQL statements for a session on the leader: parse, then per statement kind —
 * DDL against the catalog (and every rank's storage for DROP), SELECT through the planner and
 * the distributed executor, EXPLAIN, COPY and CALL tpch_generate through the loader.
 * Results go to a sink (the shell prints them); errors come back as shoal_error with the
 * statement's position or the failing rank. */
#ifndef SHOAL_SQL_EXECUTE_H
#define SHOAL_SQL_EXECUTE_H

#include "engine/catalog/catalog.h"
#include "sql/views.h"
#include "engine/core/vector.h"
#include "runtime/error.h"
#include "runtime/runtime.h"

typedef struct shoal_result_sink {
    void *arg;
    /* a result set starts: its columns */
    void (*columns)(void *arg, int count, char *const *names, const shoal_type *types);
    void (*batch)(void *arg, const shoal_batch *batch);
    /* the statement finished: "CREATE TABLE", "SELECT 4", "COPY 6001215", ... */
    void (*status)(void *arg, const char *tag);
    void (*notice)(void *arg, const char *text);
} shoal_result_sink;

/* What the distributed queries of the last shoal_sql_execute call did: every query it ran
 * over the ranks (a SELECT's steps, its uncorrelated subqueries, EXPLAIN ANALYZE) adds in;
 * DDL, COPY and CALL leave it zero. The shell's \querystats prints it after each statement. */
typedef struct shoal_statement_stats {
    uint32_t queries;                  /* distributed query runs */
    int rank_count;
    uint64_t rows_scanned, blocks_read, blocks_skipped; /* summed over the ranks */
    uint64_t bytes_moved;              /* sent to other ranks by exchanges, summed over the ranks */
    uint64_t peak_resident_bytes_max;  /* max over the ranks of the peak while a query ran */
} shoal_statement_stats;

typedef struct shoal_sql_session {
    shoal_rt *rt;
    shoal_catalog catalog;
    shoal_view_set views;
    char data_dir[4096];
    shoal_statement_stats last_stats; /* of the last shoal_sql_execute call */
} shoal_sql_session;

/* Opens the catalog in DATA_DIR/rank-0 (the leader's directory, created by the rank
 * services); refuses data written by another rank count. */
bool shoal_sql_session_open(shoal_sql_session *s, shoal_rt *rt, const char *data_dir, shoal_error *err);
void shoal_sql_session_close(shoal_sql_session *s);
/* Runs every statement in sql (stops at the first error). */
bool shoal_sql_execute(shoal_sql_session *s, const char *sql, size_t len, const shoal_result_sink *sink, shoal_error *err);

#endif
