/* Makes one part and its 4 partsupp rows, as dbgen's mk_part does: a name of 5 distinct colors
 * (the first 5 of a shuffle of all 92), manufacturer and brand, type, size, container, the
 * retail price formula, and per supplier the part-supplier formula, quantity, cost, comment. */
#include "engine/tpch/tpch_internal.h"

#include <string.h>

static const tpch_stream_id part_streams[] = {
    TPCH_SD_P_NAME, TPCH_SD_P_MFGR, TPCH_SD_P_BRAND, TPCH_SD_P_TYPE, TPCH_SD_P_SIZE,
    TPCH_SD_P_CONTAINER, TPCH_SD_P_COMMENT, TPCH_SD_PS_AVAILQTY, TPCH_SD_PS_SUPPLYCOST,
    TPCH_SD_PS_COMMENT};

#define NAME_WORDS 5

void tpch_make_part(tpch_gen *g, int64_t row, tpch_part_row *p)
{
    tpch_stream *s = g->streams;
    const tpch_dists *d = g->dists;
    const int64_t suppliers = tpch_scale_rows(&g->scale, TPCH_SUPPLIER);

    p->partkey = row;

    /* dbgen shuffles all colors (draw i picks a position in [i, count-1] to swap with i) and
     * takes the first five; those are final after five swaps, and the remaining draws are
     * skipped when the stream moves to the next row. */
    int color_count = d->colors.count;
    int shuffled[256];
    for (int i = 0; i < color_count; i++)
        shuffled[i] = i;
    char *name = p->name;
    for (int i = 0; i < NAME_WORDS; i++) {
        int j = (int)tpch_stream_uniform(&s[TPCH_SD_P_NAME], i, color_count - 1);
        int color = shuffled[j];
        shuffled[j] = shuffled[i];
        shuffled[i] = color;
        const tpch_dist_entry *word = &d->colors.entries[color];
        if (i > 0)
            *name++ = ' ';
        memcpy(name, word->text, word->len);
        name += word->len;
    }
    p->name_len = (uint32_t)(name - p->name);

    p->mfgr = (int32_t)tpch_stream_uniform(&s[TPCH_SD_P_MFGR], 1, 5);
    p->brand = (int32_t)tpch_stream_uniform(&s[TPCH_SD_P_BRAND], 1, 5);
    const tpch_dist_entry *type = tpch_dist_pick(&d->part_types, &s[TPCH_SD_P_TYPE]);
    p->type = (tpch_str){type->text, type->len};
    p->size = (int32_t)tpch_stream_uniform(&s[TPCH_SD_P_SIZE], 1, 50);
    const tpch_dist_entry *container = tpch_dist_pick(&d->containers, &s[TPCH_SD_P_CONTAINER]);
    p->container = (tpch_str){container->text, container->len};
    p->retailprice = tpch_part_retailprice(row);
    p->comment = tpch_text_comment(g->pool, &s[TPCH_SD_P_COMMENT], TPCH_P_COMMENT_MIN,
                                   TPCH_P_COMMENT_MAX);

    for (int i = 0; i < TPCH_SUPPLIERS_PER_PART; i++) {
        tpch_partsupp_row *ps = &p->supps[i];
        ps->suppkey = tpch_part_supplier(row, i, suppliers);
        ps->availqty = (int32_t)tpch_stream_uniform(&s[TPCH_SD_PS_AVAILQTY], 1, 9999);
        ps->supplycost = tpch_stream_uniform(&s[TPCH_SD_PS_SUPPLYCOST], 100, 100000);
        ps->comment = tpch_text_comment(g->pool, &s[TPCH_SD_PS_COMMENT], TPCH_PS_COMMENT_MIN,
                                        TPCH_PS_COMMENT_MAX);
    }

    for (size_t i = 0; i < sizeof part_streams / sizeof part_streams[0]; i++)
        tpch_stream_next_row(&s[part_streams[i]]);
}
