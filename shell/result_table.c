/* Printing result sets aligned (psql style) or as CSV (see result_table.h). */
#include "shell/result_table.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

void result_table_init(result_table *t, int column_count, const char *const *names, const bool *right_align)
{
    memset(t, 0, sizeof *t);
    t->column_count = column_count;
    t->column_names = shoal_xcalloc((size_t)column_count, sizeof(char *));
    t->right_align = shoal_xcalloc((size_t)column_count, sizeof(bool));
    for (int c = 0; c < column_count; c++) {
        t->column_names[c] = shoal_xstrdup(names[c]);
        t->right_align[c] = right_align ? right_align[c] : false;
    }
}

void result_table_add_row(result_table *t, const char *const *cells)
{
    if (t->row_count == t->row_cap) {
        t->row_cap = t->row_cap ? t->row_cap * 2 : 16;
        t->cells = shoal_xrealloc(t->cells, t->row_cap * (size_t)t->column_count * sizeof(char *));
    }
    char **row = t->cells + t->row_count * (size_t)t->column_count;
    for (int c = 0; c < t->column_count; c++) row[c] = cells[c] ? shoal_xstrdup(cells[c]) : NULL;
    t->row_count++;
}

static void print_csv_field(FILE *out, const char *s)
{
    if (s == NULL) return; /* NULL is an empty field; the empty string is "" (as PostgreSQL) */
    if (*s != '\0' && strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void print_padded(FILE *out, const char *s, size_t width, bool right)
{
    size_t n = strlen(s);
    if (right) fprintf(out, "%*s%s", (int)(width - n), "", s);
    else fprintf(out, "%s%*s", s, (int)(width - n), "");
}

void result_table_print(const result_table *t, FILE *out, bool csv)
{
    int nc = t->column_count;
    if (csv) {
        for (int c = 0; c < nc; c++) {
            if (c) fputc(',', out);
            print_csv_field(out, t->column_names[c]);
        }
        fputc('\n', out);
        for (size_t r = 0; r < t->row_count; r++) {
            for (int c = 0; c < nc; c++) {
                if (c) fputc(',', out);
                print_csv_field(out, t->cells[r * (size_t)nc + (size_t)c]);
            }
            fputc('\n', out);
        }
        fflush(out);
        return;
    }
    size_t *width = shoal_xcalloc((size_t)nc, sizeof *width);
    for (int c = 0; c < nc; c++) width[c] = strlen(t->column_names[c]);
    for (size_t r = 0; r < t->row_count; r++)
        for (int c = 0; c < nc; c++) {
            const char *s = t->cells[r * (size_t)nc + (size_t)c];
            size_t n = s ? strlen(s) : 0;
            if (n > width[c]) width[c] = n;
        }
    for (int c = 0; c < nc; c++) {
        fputs(c ? " | " : " ", out);
        /* headers are centred, as psql does */
        size_t n = strlen(t->column_names[c]), left = (width[c] - n) / 2;
        fprintf(out, "%*s%s%*s", (int)left, "", t->column_names[c], (int)(width[c] - n - left), "");
    }
    fputc('\n', out);
    for (int c = 0; c < nc; c++) {
        fputs(c ? "-+-" : "-", out);
        for (size_t i = 0; i < width[c]; i++) fputc('-', out);
    }
    fputs("-\n", out);
    for (size_t r = 0; r < t->row_count; r++) {
        for (int c = 0; c < nc; c++) {
            const char *s = t->cells[r * (size_t)nc + (size_t)c];
            fputs(c ? " | " : " ", out);
            print_padded(out, s ? s : "", width[c], t->right_align[c]);
        }
        fputc('\n', out);
    }
    fprintf(out, "(%zu row%s)\n\n", t->row_count, t->row_count == 1 ? "" : "s");
    fflush(out);
    free(width);
}

void result_table_free(result_table *t)
{
    for (size_t i = 0; i < t->row_count * (size_t)t->column_count; i++) free(t->cells[i]);
    for (int c = 0; c < t->column_count; c++) free(t->column_names[c]);
    free(t->cells);
    free(t->column_names);
    free(t->right_align);
    memset(t, 0, sizeof *t);
}
