/* The pg_stats system view (see stats_view.h): rows built from the catalog when the scan
 * opens, handed out a batch at a time. */
#include "engine/load/stats_view.h"
#include "runtime/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_SCHEMA, C_TABLE, C_ATTNAME, C_NULL_FRAC, C_N_DISTINCT, C_NULL_COUNT, C_DISTINCT, C_MIN, C_MAX, C_ROWS,
       C_COUNT };

#define VALUE_TEXT 96

shoal_table_def *shoal_pg_stats_def(void)
{
    static const struct { const char *name; shoal_type_id type; uint32_t length; } cols[C_COUNT] = {
        {"schemaname", SHOAL_TYPE_VARCHAR, 128}, {"tablename", SHOAL_TYPE_VARCHAR, 128},
        {"attname", SHOAL_TYPE_VARCHAR, 128},    {"null_frac", SHOAL_TYPE_DOUBLE, 0},
        {"n_distinct", SHOAL_TYPE_DOUBLE, 0},    {"null_count", SHOAL_TYPE_BIGINT, 0},
        {"distinct_count", SHOAL_TYPE_BIGINT, 0}, {"min_value", SHOAL_TYPE_VARCHAR, VALUE_TEXT},
        {"max_value", SHOAL_TYPE_VARCHAR, VALUE_TEXT}, {"row_count", SHOAL_TYPE_BIGINT, 0},
    };
    shoal_table_def *t = shoal_xcalloc(1, sizeof *t);
    t->id = SHOAL_PG_STATS_ID;
    snprintf(t->schema, sizeof t->schema, "public");
    snprintf(t->name, sizeof t->name, "pg_stats");
    t->column_count = C_COUNT;
    t->columns = shoal_xcalloc(C_COUNT, sizeof(shoal_catalog_column));
    for (int i = 0; i < C_COUNT; i++) {
        snprintf(t->columns[i].name, sizeof t->columns[i].name, "%s", cols[i].name);
        t->columns[i].type = shoal_type_string(cols[i].type, cols[i].length);
    }
    t->diststyle = SHOAL_DIST_ALL; /* read once, on rank 0 */
    t->distkey = -1;
    t->version = 1; /* always readable */
    return t;
}

typedef struct stats_row {
    char schema[SHOAL_NAME_MAX], table[SHOAL_NAME_MAX], column[SHOAL_NAME_MAX];
    char min[VALUE_TEXT + 4], max[VALUE_TEXT + 4];
    bool has_range;
    uint64_t rows, nulls, distinct;
} stats_row;

typedef struct stats_scan {
    const shoal_plan *plan;
    stats_row *rows;
    size_t count, pos;
} stats_scan;

static void append_text(shoal_vector *v, const char *s) { shoal_vector_append_string(v, s, (uint32_t)strlen(s)); }

static bool stats_next(void *state, shoal_batch *out, shoal_eval_error *err)
{
    (void)err;
    stats_scan *s = state;
    const shoal_plan *p = s->plan;
    uint32_t n = 0;
    for (; n < SHOAL_BATCH_ROWS && s->pos < s->count; n++, s->pos++) {
        const stats_row *r = &s->rows[s->pos];
        for (int c = 0; c < p->scan_count; c++) {
            shoal_vector *v = &out->columns[c];
            switch (p->scan_columns[c]) {
            case C_SCHEMA: append_text(v, r->schema); break;
            case C_TABLE: append_text(v, r->table); break;
            case C_ATTNAME: append_text(v, r->column); break;
            case C_NULL_FRAC: shoal_vector_append_f64(v, r->rows ? (double)r->nulls / (double)r->rows : 0.0); break;
            case C_N_DISTINCT: shoal_vector_append_f64(v, (double)r->distinct); break;
            case C_NULL_COUNT: shoal_vector_append_i64(v, (int64_t)r->nulls); break;
            case C_DISTINCT: shoal_vector_append_i64(v, (int64_t)r->distinct); break;
            case C_MIN:
                if (r->has_range) append_text(v, r->min);
                else shoal_vector_append_null(v);
                break;
            case C_MAX:
                if (r->has_range) append_text(v, r->max);
                else shoal_vector_append_null(v);
                break;
            case C_ROWS: shoal_vector_append_i64(v, (int64_t)r->rows); break;
            }
        }
    }
    out->count = n;
    return n > 0;
}

static void stats_close(void *state)
{
    stats_scan *s = state;
    free(s->rows);
    free(s);
}

bool shoal_pg_stats_scan(const shoal_catalog *cat, const shoal_plan *scan, shoal_scan_source *source,
                         shoal_eval_error *err)
{
    (void)err;
    stats_scan *s = shoal_xcalloc(1, sizeof *s);
    s->plan = scan;
    size_t cap = 0;
    for (int i = 0; cat && i < cat->table_count; i++) {
        const shoal_table_def *t = cat->tables[i];
        for (int c = 0; c < t->column_count; c++) {
            const shoal_column_stats *st = shoal_table_column_stats(t, c);
            if (st == NULL) continue;
            if (s->count == cap) {
                cap = cap ? cap * 2 : 64;
                s->rows = shoal_xrealloc(s->rows, cap * sizeof *s->rows);
            }
            stats_row *r = &s->rows[s->count++];
            snprintf(r->schema, sizeof r->schema, "%s", t->schema);
            snprintf(r->table, sizeof r->table, "%s", t->name);
            snprintf(r->column, sizeof r->column, "%s", t->columns[c].name);
            shoal_column_stats_format(st, t->columns[c].type, false, r->min, VALUE_TEXT);
            shoal_column_stats_format(st, t->columns[c].type, true, r->max, VALUE_TEXT);
            r->has_range = st->has_range;
            r->rows = t->row_count;
            r->nulls = st->null_count;
            r->distinct = st->distinct_estimate;
        }
    }
    source->state = s;
    source->next = stats_next;
    source->close = stats_close;
    return true;
}
