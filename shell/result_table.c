/* Printing result sets aligned (psql style) or as CSV (see result_table.h). */
#include "shell/result_table.h"
#include "runtime/log.h"
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

static void print_row(FILE *out, const result_table *t, size_t r, bool csv, const size_t *width)
{
    int nc = t->column_count;
    for (int c = 0; c < nc; c++) {
        const char *s = t->cells[r * (size_t)nc + (size_t)c];
        if (csv) {
            if (c) fputc(',', out);
            print_csv_field(out, s);
        } else {
            fputs(c ? " | " : " ", out);
            print_padded(out, s ? s : "", width[c], t->right_align[c]);
        }
    }
    fputc('\n', out);
}

static void print_header(FILE *out, const result_table *t, bool csv, const size_t *width)
{
    int nc = t->column_count;
    if (csv) {
        for (int c = 0; c < nc; c++) {
            if (c) fputc(',', out);
            print_csv_field(out, t->column_names[c]);
        }
        fputc('\n', out);
        return;
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
}

/* The text goes out ROWS_PER_WRITE rows at a time, formatted in a memory stream first: under
 * mpirun, rank 0's stdout is a pseudo-terminal (Open MPI's I/O forwarding), so stdio
 * line-buffers it and every row was a write() of its own: 18k system calls for TPC-H Q16's
 * result, about half of that query's 110 ms on a VM. */
#define ROWS_PER_WRITE 4096

typedef struct chunk {
    FILE *mem;
    char *text;
    size_t len;
} chunk;

static void chunk_open(chunk *k)
{
    k->mem = open_memstream(&k->text, &k->len);
    if (k->mem == NULL) shoal_fatal("out of memory printing a result");
}

static void chunk_write(chunk *k, FILE *out)
{
    fclose(k->mem);
    fwrite(k->text, 1, k->len, out);
    free(k->text);
}

void result_table_print(const result_table *t, FILE *out, bool csv)
{
    int nc = t->column_count;
    size_t *width = NULL;
    if (!csv) {
        width = shoal_xcalloc((size_t)nc + 1, sizeof *width);
        for (int c = 0; c < nc; c++) width[c] = strlen(t->column_names[c]);
        for (size_t r = 0; r < t->row_count; r++)
            for (int c = 0; c < nc; c++) {
                const char *s = t->cells[r * (size_t)nc + (size_t)c];
                size_t n = s ? strlen(s) : 0;
                if (n > width[c]) width[c] = n;
            }
    }
    chunk k;
    chunk_open(&k);
    print_header(k.mem, t, csv, width);
    for (size_t r = 0; r < t->row_count; r++) {
        print_row(k.mem, t, r, csv, width);
        if ((r + 1) % ROWS_PER_WRITE == 0) {
            chunk_write(&k, out);
            chunk_open(&k);
        }
    }
    if (!csv) fprintf(k.mem, "(%zu row%s)\n\n", t->row_count, t->row_count == 1 ? "" : "s");
    chunk_write(&k, out);
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
