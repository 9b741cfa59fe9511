/* Makes one order and its 1..7 lines as dbgen's mk_order does: sparse key, a customer that
 * is not a multiple of 3, date, priority, clerk; per line part, supplier, prices and ship /
 * commit / receipt dates, whose place relative to 1995-06-17 sets return flag and status. */
#include "engine/tpch/tpch_internal.h"

/* The streams an order and its lines draw from; all move to the next order together. */
static const tpch_stream_id order_streams[] = {
    TPCH_SD_O_CUSTKEY, TPCH_SD_O_ORDERDATE, TPCH_SD_O_ORDERPRIORITY, TPCH_SD_O_CLERK,
    TPCH_SD_O_COMMENT, TPCH_SD_O_LINECOUNT, TPCH_SD_L_QUANTITY, TPCH_SD_L_DISCOUNT,
    TPCH_SD_L_TAX, TPCH_SD_L_SHIPINSTRUCT, TPCH_SD_L_SHIPMODE, TPCH_SD_L_PARTKEY,
    TPCH_SD_L_SUPPLIER_NUMBER, TPCH_SD_L_SHIPDATE, TPCH_SD_L_COMMITDATE,
    TPCH_SD_L_RECEIPTDATE, TPCH_SD_L_RETURNFLAG, TPCH_SD_L_COMMENT};

/* One in CUST_MORTALITY customers (those with a key divisible by 3) places no orders. */
#define CUSTOMER_MORTALITY 3

void tpch_make_order(tpch_gen *g, int64_t row, tpch_order_row *o)
{
    tpch_stream *s = g->streams;
    const tpch_dists *d = g->dists;
    const int64_t customers = tpch_scale_rows(&g->scale, TPCH_CUSTOMER);
    const int64_t parts = tpch_scale_rows(&g->scale, TPCH_PART);
    const int64_t suppliers = tpch_scale_rows(&g->scale, TPCH_SUPPLIER);
    const int64_t clerks = g->scale.multiplier * 1000;

    o->orderkey = tpch_order_key(row);

    int64_t custkey = tpch_stream_uniform(&s[TPCH_SD_O_CUSTKEY], 1, customers);
    int64_t delta = 1;
    while (custkey % CUSTOMER_MORTALITY == 0) {
        custkey += delta;
        if (custkey > customers)
            custkey = customers;
        delta = -delta;
    }
    o->custkey = custkey;

    int64_t order_day = tpch_stream_uniform(&s[TPCH_SD_O_ORDERDATE], 0, TPCH_ORDERDATE_SPAN - 1);
    o->orderdate = (int32_t)(TPCH_EPOCH_DAYS_1992 + order_day);
    const tpch_dist_entry *priority = tpch_dist_pick(&d->priorities, &s[TPCH_SD_O_ORDERPRIORITY]);
    o->orderpriority = (tpch_str){priority->text, priority->len};
    o->clerk = tpch_stream_uniform(&s[TPCH_SD_O_CLERK], 1, clerks > 1000 ? clerks : 1000);
    o->comment = tpch_text_comment(g->pool, &s[TPCH_SD_O_COMMENT], TPCH_O_COMMENT_MIN,
                                   TPCH_O_COMMENT_MAX);
    o->line_count = (int)tpch_stream_uniform(&s[TPCH_SD_O_LINECOUNT], 1, TPCH_MAX_LINES_PER_ORDER);

    int64_t total = 0;
    int shipped = 0;
    for (int i = 0; i < o->line_count; i++) {
        tpch_line_row *l = &o->lines[i];
        l->linenumber = i + 1;
        l->quantity = tpch_stream_uniform(&s[TPCH_SD_L_QUANTITY], 1, 50);
        l->discount = tpch_stream_uniform(&s[TPCH_SD_L_DISCOUNT], 0, 10);
        l->tax = tpch_stream_uniform(&s[TPCH_SD_L_TAX], 0, 8);
        const tpch_dist_entry *instruct = tpch_dist_pick(&d->instructions, &s[TPCH_SD_L_SHIPINSTRUCT]);
        l->shipinstruct = (tpch_str){instruct->text, instruct->len};
        const tpch_dist_entry *mode = tpch_dist_pick(&d->ship_modes, &s[TPCH_SD_L_SHIPMODE]);
        l->shipmode = (tpch_str){mode->text, mode->len};
        l->comment = tpch_text_comment(g->pool, &s[TPCH_SD_L_COMMENT], TPCH_L_COMMENT_MIN,
                                       TPCH_L_COMMENT_MAX);
        l->partkey = tpch_stream_uniform(&s[TPCH_SD_L_PARTKEY], 1, parts);
        int64_t supplier_number = tpch_stream_uniform(&s[TPCH_SD_L_SUPPLIER_NUMBER], 0, 3);
        l->suppkey = tpch_part_supplier(l->partkey, supplier_number, suppliers);
        l->extendedprice = tpch_part_retailprice(l->partkey) * l->quantity;
        /* dbgen's integer arithmetic, truncating at each step */
        total += ((l->extendedprice * (100 - l->discount)) / 100) * (100 + l->tax) / 100;

        int64_t ship_day = order_day + tpch_stream_uniform(&s[TPCH_SD_L_SHIPDATE], 1, 121);
        int64_t commit_day = order_day + tpch_stream_uniform(&s[TPCH_SD_L_COMMITDATE], 30, 90);
        int64_t receipt_day = ship_day + tpch_stream_uniform(&s[TPCH_SD_L_RECEIPTDATE], 1, 30);
        l->shipdate = (int32_t)(TPCH_EPOCH_DAYS_1992 + ship_day);
        l->commitdate = (int32_t)(TPCH_EPOCH_DAYS_1992 + commit_day);
        l->receiptdate = (int32_t)(TPCH_EPOCH_DAYS_1992 + receipt_day);
        /* received by the current date: returned (R) or accepted (A); otherwise not yet (N) */
        if (receipt_day <= TPCH_CURRENT_DATE_DAY)
            l->returnflag = tpch_dist_pick(&d->return_flags, &s[TPCH_SD_L_RETURNFLAG])->text[0];
        else
            l->returnflag = 'N';
        if (ship_day <= TPCH_CURRENT_DATE_DAY) {
            l->linestatus = 'F';
            shipped++;
        } else {
            l->linestatus = 'O';
        }
    }
    o->totalprice = total;
    o->orderstatus = shipped == o->line_count ? 'F' : shipped > 0 ? 'P' : 'O';

    for (size_t i = 0; i < sizeof order_streams / sizeof order_streams[0]; i++)
        tpch_stream_next_row(&s[order_streams[i]]);
}
