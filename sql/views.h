/* Views: a name for a query, kept as its canonical SQL text (sql/ast_print.c, which parses back
 * to the same tree) and expanded by the planner wherever the name is used, as a derived table.
 * The set lives on the leader in DATA_DIR/rank-0/views, replaced atomically (temp file, fsync,
 * rename) on every CREATE/DROP VIEW. A view is checked when it is created (planned once) and
 * again when used; dropping a table a view reads makes the view fail with the table's error. */
#ifndef SHOAL_SQL_VIEWS_H
#define SHOAL_SQL_VIEWS_H

#include "engine/catalog/catalog.h"
#include "runtime/error.h"

typedef struct shoal_view {
    char schema[SHOAL_NAME_MAX];
    char name[SHOAL_NAME_MAX];
    char *query_sql;   /* the SELECT, canonical text */
    int column_count;  /* 0: the query's own output names */
    char **columns;
} shoal_view;

typedef struct shoal_view_set {
    char path[4200];
    int count;
    shoal_view *views;
} shoal_view_set;

/* Reads DIR/views (none yet: an empty set). */
bool shoal_views_open(shoal_view_set *set, const char *dir, shoal_error *err);
void shoal_views_free(shoal_view_set *set);
bool shoal_views_save(const shoal_view_set *set, shoal_error *err);
const shoal_view *shoal_views_find(const shoal_view_set *set, const char *schema, const char *name);
/* Adds (or replaces) a view; copies everything. */
void shoal_views_put(shoal_view_set *set, const char *schema, const char *name, const char *query_sql, int column_count,
                     const char *const *columns);
bool shoal_views_remove(shoal_view_set *set, const char *schema, const char *name);

#endif
