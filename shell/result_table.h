/* A result set of text cells and its two printed forms: psql-style aligned columns with a
 * "(N rows)" footer, or CSV (RFC 4180 quoting) with a header line and nothing else. */
#ifndef SHOAL_SHELL_RESULT_TABLE_H
#define SHOAL_SHELL_RESULT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct result_table {
    int column_count;
    char **column_names;
    bool *right_align; /* numbers are right-aligned */
    size_t row_count, row_cap;
    char **cells; /* row-major; NULL cell = SQL NULL */
} result_table;

void result_table_init(result_table *t, int column_count, const char *const *names, const bool *right_align);
/* Appends a row of column_count cells (copied; NULL allowed). */
void result_table_add_row(result_table *t, const char *const *cells);
void result_table_print(const result_table *t, FILE *out, bool csv);
void result_table_free(result_table *t);

#endif
