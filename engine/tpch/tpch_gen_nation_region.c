/* Makes nation and region rows, as dbgen's mk_nation / mk_region do: names and region keys
 * from the distributions (a nation's region key is its running weight in dists.dss) and a
 * comment from the text pool. These tables never scale. */
#include "engine/tpch/tpch_internal.h"

void tpch_make_nation(tpch_gen *g, int64_t row, tpch_batch *b, size_t i)
{
    const tpch_dist_entry *nation = &g->dists->nations.entries[row - 1];
    tpch_column *c = b->columns;
    c[TPCH_N_NATIONKEY].i64[i] = row - 1;
    c[TPCH_N_NAME].str[i] = (tpch_str){nation->text, nation->len};
    c[TPCH_N_REGIONKEY].i64[i] = nation->cumulative_weight;
    c[TPCH_N_COMMENT].str[i] = tpch_text_comment(g->pool, &g->streams[TPCH_SD_N_COMMENT],
                                                 TPCH_NR_COMMENT_MIN, TPCH_NR_COMMENT_MAX);
    tpch_stream_next_row(&g->streams[TPCH_SD_N_COMMENT]);
}

void tpch_make_region(tpch_gen *g, int64_t row, tpch_batch *b, size_t i)
{
    const tpch_dist_entry *region = &g->dists->regions.entries[row - 1];
    tpch_column *c = b->columns;
    c[TPCH_R_REGIONKEY].i64[i] = row - 1;
    c[TPCH_R_NAME].str[i] = (tpch_str){region->text, region->len};
    c[TPCH_R_COMMENT].str[i] = tpch_text_comment(g->pool, &g->streams[TPCH_SD_R_COMMENT],
                                                 TPCH_NR_COMMENT_MIN, TPCH_NR_COMMENT_MAX);
    tpch_stream_next_row(&g->streams[TPCH_SD_R_COMMENT]);
}
