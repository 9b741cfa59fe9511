/* Makes one customer row, as dbgen's mk_cust does: "Customer#" and the 9-digit key, a random
 * alphanumeric address, nation, a phone whose country code follows the nation, account
 * balance, market segment and a comment from the text pool. */
#include "engine/tpch/tpch_internal.h"

#include <string.h>

static const tpch_stream_id customer_streams[] = {
    TPCH_SD_C_ADDRESS, TPCH_SD_C_NATIONKEY, TPCH_SD_C_PHONE, TPCH_SD_C_ACCTBAL,
    TPCH_SD_C_MKTSEGMENT, TPCH_SD_C_COMMENT};

void tpch_make_customer(tpch_gen *g, int64_t row, tpch_batch *b, size_t i)
{
    tpch_stream *s = g->streams;
    const tpch_dists *d = g->dists;
    tpch_column *c = b->columns;

    c[TPCH_C_CUSTKEY].i64[i] = row;

    char *name = tpch_batch_reserve(b, 32);
    memcpy(name, "Customer#", 9);
    char *name_end = tpch_put_padded(name + 9, row, 9);
    c[TPCH_C_NAME].str[i] = (tpch_str){name, (uint32_t)(name_end - name)};

    char *address = tpch_batch_reserve(b, TPCH_ADDRESS_MAX);
    uint32_t address_len = tpch_random_alnum(&s[TPCH_SD_C_ADDRESS], TPCH_ADDRESS_MIN,
                                             TPCH_ADDRESS_MAX, address);
    c[TPCH_C_ADDRESS].str[i] = (tpch_str){address, address_len};

    int64_t nation = tpch_stream_uniform(&s[TPCH_SD_C_NATIONKEY], 0, d->nations.count - 1);
    c[TPCH_C_NATIONKEY].i64[i] = nation;

    char *phone = tpch_batch_reserve(b, 16);
    tpch_random_phone(&s[TPCH_SD_C_PHONE], nation, phone);
    c[TPCH_C_PHONE].str[i] = (tpch_str){phone, 15};

    c[TPCH_C_ACCTBAL].i64[i] = tpch_stream_uniform(&s[TPCH_SD_C_ACCTBAL], -99999, 999999);
    const tpch_dist_entry *segment = tpch_dist_pick(&d->segments, &s[TPCH_SD_C_MKTSEGMENT]);
    c[TPCH_C_MKTSEGMENT].str[i] = (tpch_str){segment->text, segment->len};
    c[TPCH_C_COMMENT].str[i] = tpch_text_comment(g->pool, &s[TPCH_SD_C_COMMENT],
                                                 TPCH_C_COMMENT_MIN, TPCH_C_COMMENT_MAX);

    for (size_t k = 0; k < sizeof customer_streams / sizeof customer_streams[0]; k++)
        tpch_stream_next_row(&s[customer_streams[k]]);
}
