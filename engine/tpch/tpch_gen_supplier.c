/* Makes one supplier row, as dbgen's mk_supp does: like a customer (name, address, nation,
 * phone, balance, comment), and for about 10 in 10000 suppliers the comment gets "Customer "
 * then, after a random gap, "Complaints" or "Recommends" written over it (TPC-H Q16's target). */
#include "engine/tpch/tpch_internal.h"

#include <string.h>

static const tpch_stream_id supplier_streams[] = {
    TPCH_SD_S_ADDRESS, TPCH_SD_S_NATIONKEY, TPCH_SD_S_PHONE, TPCH_SD_S_ACCTBAL,
    TPCH_SD_S_COMMENT, TPCH_SD_S_BBB_SELECT, TPCH_SD_S_BBB_TYPE, TPCH_SD_S_BBB_NOISE,
    TPCH_SD_S_BBB_OFFSET};

#define BBB_PER_10000 10     /* suppliers with a Better Business Bureau remark, per 10000 */
#define BBB_COMPLAINT_PCT 50 /* of those, the share that are complaints */
#define BBB_BASE "Customer "
#define BBB_BASE_LEN 9
#define BBB_KIND_LEN 10      /* "Complaints" / "Recommends" */

void tpch_make_supplier(tpch_gen *g, int64_t row, tpch_batch *b, size_t i)
{
    tpch_stream *s = g->streams;
    const tpch_dists *d = g->dists;
    tpch_column *c = b->columns;

    c[TPCH_S_SUPPKEY].i64[i] = row;

    char *name = tpch_batch_reserve(b, 32);
    memcpy(name, "Supplier#", 9);
    char *name_end = tpch_put_padded(name + 9, row, 9);
    c[TPCH_S_NAME].str[i] = (tpch_str){name, (uint32_t)(name_end - name)};

    char *address = tpch_batch_reserve(b, TPCH_ADDRESS_MAX);
    uint32_t address_len = tpch_random_alnum(&s[TPCH_SD_S_ADDRESS], TPCH_ADDRESS_MIN,
                                             TPCH_ADDRESS_MAX, address);
    c[TPCH_S_ADDRESS].str[i] = (tpch_str){address, address_len};

    int64_t nation = tpch_stream_uniform(&s[TPCH_SD_S_NATIONKEY], 0, d->nations.count - 1);
    c[TPCH_S_NATIONKEY].i64[i] = nation;

    char *phone = tpch_batch_reserve(b, 16);
    tpch_random_phone(&s[TPCH_SD_S_PHONE], nation, phone);
    c[TPCH_S_PHONE].str[i] = (tpch_str){phone, 15};

    c[TPCH_S_ACCTBAL].i64[i] = tpch_stream_uniform(&s[TPCH_SD_S_ACCTBAL], -99999, 999999);

    tpch_str comment = tpch_text_comment(g->pool, &s[TPCH_SD_S_COMMENT], TPCH_S_COMMENT_MIN,
                                         TPCH_S_COMMENT_MAX);
    /* dbgen draws all four numbers for every supplier, remark or not */
    int64_t len = comment.len;
    int64_t select = tpch_stream_uniform(&s[TPCH_SD_S_BBB_SELECT], 1, 10000);
    int64_t kind = tpch_stream_uniform(&s[TPCH_SD_S_BBB_TYPE], 0, 100);
    int64_t noise = tpch_stream_uniform(&s[TPCH_SD_S_BBB_NOISE], 0,
                                        len - (BBB_BASE_LEN + BBB_KIND_LEN));
    int64_t offset = tpch_stream_uniform(&s[TPCH_SD_S_BBB_OFFSET], 0,
                                         len - (BBB_BASE_LEN + BBB_KIND_LEN + noise));
    if (select <= BBB_PER_10000) {
        char *edited = tpch_batch_reserve(b, comment.len);
        memcpy(edited, comment.ptr, comment.len);
        memcpy(edited + offset, BBB_BASE, BBB_BASE_LEN);
        memcpy(edited + offset + BBB_BASE_LEN + noise,
               kind < BBB_COMPLAINT_PCT ? "Complaints" : "Recommends", BBB_KIND_LEN);
        comment.ptr = edited;
    }
    c[TPCH_S_COMMENT].str[i] = comment;

    for (size_t k = 0; k < sizeof supplier_streams / sizeof supplier_streams[0]; k++)
        tpch_stream_next_row(&s[supplier_streams[k]]);
}
