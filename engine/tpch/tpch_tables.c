/* What the TPC-H tables are: names, dbgen file names and -T letters, typed columns; how many
 * rows a scale factor gives (dbgen's rule, including SF < 1) and how dbgen splits them into
 * chunks; parsing of scale factors. */
#include "engine/tpch/tpch_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STR(n, len) {n, TPCH_TYPE_STRING, len}
#define COL(n, type) {n, type, 0}

static const tpch_column_info part_columns[] = {
    COL("p_partkey", TPCH_TYPE_INT64), STR("p_name", 55), STR("p_mfgr", 25),
    STR("p_brand", 10), STR("p_type", 25), COL("p_size", TPCH_TYPE_INT32),
    STR("p_container", 10), COL("p_retailprice", TPCH_TYPE_DECIMAL),
    STR("p_comment", TPCH_P_COMMENT_MAX)};
static const tpch_column_info partsupp_columns[] = {
    COL("ps_partkey", TPCH_TYPE_INT64), COL("ps_suppkey", TPCH_TYPE_INT64),
    COL("ps_availqty", TPCH_TYPE_INT32), COL("ps_supplycost", TPCH_TYPE_DECIMAL),
    STR("ps_comment", TPCH_PS_COMMENT_MAX)};
static const tpch_column_info supplier_columns[] = {
    COL("s_suppkey", TPCH_TYPE_INT64), STR("s_name", 25), STR("s_address", TPCH_ADDRESS_MAX),
    COL("s_nationkey", TPCH_TYPE_INT64), STR("s_phone", 15), COL("s_acctbal", TPCH_TYPE_DECIMAL),
    STR("s_comment", TPCH_S_COMMENT_MAX)};
static const tpch_column_info customer_columns[] = {
    COL("c_custkey", TPCH_TYPE_INT64), STR("c_name", 25), STR("c_address", TPCH_ADDRESS_MAX),
    COL("c_nationkey", TPCH_TYPE_INT64), STR("c_phone", 15), COL("c_acctbal", TPCH_TYPE_DECIMAL),
    STR("c_mktsegment", 10), STR("c_comment", TPCH_C_COMMENT_MAX)};
static const tpch_column_info orders_columns[] = {
    COL("o_orderkey", TPCH_TYPE_INT64), COL("o_custkey", TPCH_TYPE_INT64),
    COL("o_orderstatus", TPCH_TYPE_CHAR), COL("o_totalprice", TPCH_TYPE_DECIMAL),
    COL("o_orderdate", TPCH_TYPE_DATE), STR("o_orderpriority", 15), STR("o_clerk", 15),
    COL("o_shippriority", TPCH_TYPE_INT32), STR("o_comment", TPCH_O_COMMENT_MAX)};
/* l_quantity holds whole units (dbgen prints it as an integer). */
static const tpch_column_info lineitem_columns[] = {
    COL("l_orderkey", TPCH_TYPE_INT64), COL("l_partkey", TPCH_TYPE_INT64),
    COL("l_suppkey", TPCH_TYPE_INT64), COL("l_linenumber", TPCH_TYPE_INT32),
    COL("l_quantity", TPCH_TYPE_INT64), COL("l_extendedprice", TPCH_TYPE_DECIMAL),
    COL("l_discount", TPCH_TYPE_DECIMAL), COL("l_tax", TPCH_TYPE_DECIMAL),
    COL("l_returnflag", TPCH_TYPE_CHAR), COL("l_linestatus", TPCH_TYPE_CHAR),
    COL("l_shipdate", TPCH_TYPE_DATE), COL("l_commitdate", TPCH_TYPE_DATE),
    COL("l_receiptdate", TPCH_TYPE_DATE), STR("l_shipinstruct", 25), STR("l_shipmode", 10),
    STR("l_comment", TPCH_L_COMMENT_MAX)};
static const tpch_column_info nation_columns[] = {
    COL("n_nationkey", TPCH_TYPE_INT64), STR("n_name", 25), COL("n_regionkey", TPCH_TYPE_INT64),
    STR("n_comment", TPCH_NR_COMMENT_MAX)};
static const tpch_column_info region_columns[] = {
    COL("r_regionkey", TPCH_TYPE_INT64), STR("r_name", 25), STR("r_comment", TPCH_NR_COMMENT_MAX)};

#define COLUMNS(a) (int)(sizeof(a) / sizeof((a)[0])), a

static const tpch_table_info table_infos[TPCH_TABLE_COUNT] = {
    [TPCH_PART] = {"part", "part.tbl", 'P', COLUMNS(part_columns)},
    [TPCH_PARTSUPP] = {"partsupp", "partsupp.tbl", 'S', COLUMNS(partsupp_columns)},
    [TPCH_SUPPLIER] = {"supplier", "supplier.tbl", 's', COLUMNS(supplier_columns)},
    [TPCH_CUSTOMER] = {"customer", "customer.tbl", 'c', COLUMNS(customer_columns)},
    [TPCH_ORDERS] = {"orders", "orders.tbl", 'O', COLUMNS(orders_columns)},
    [TPCH_LINEITEM] = {"lineitem", "lineitem.tbl", 'L', COLUMNS(lineitem_columns)},
    [TPCH_NATION] = {"nation", "nation.tbl", 'n', COLUMNS(nation_columns)},
    [TPCH_REGION] = {"region", "region.tbl", 'r', COLUMNS(region_columns)},
};

const tpch_table_info *tpch_table_get_info(tpch_table table)
{
    if ((int)table < 0 || table >= TPCH_TABLE_COUNT)
        return NULL;
    return &table_infos[table];
}

int tpch_table_from_name(const char *name, tpch_table *table)
{
    for (int t = 0; t < TPCH_TABLE_COUNT; t++) {
        const tpch_table_info *info = &table_infos[t];
        if (strcasecmp(name, info->name) == 0 || (name[0] == info->dbgen_letter && name[1] == '\0')) {
            *table = (tpch_table)t;
            return 0;
        }
    }
    return -1;
}

int tpch_parse_scale_factor(const char *text, double *sf, char *err, size_t err_size)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        snprintf(err, err_size, "scale factor '%s' is not a number", text);
        return -1;
    }
    if (v <= 0) {
        snprintf(err, err_size, "scale factor must be greater than 0 (got %s)", text);
        return -1;
    }
    if (v > TPCH_MAX_SCALE_FACTOR) {
        snprintf(err, err_size,
                 "scale factor %s is too large: at most %.0f (from SF 30000 on dbgen uses another "
                 "random generator for two columns, which shoal-dbgen does not reproduce)",
                 text, TPCH_MAX_SCALE_FACTOR);
        return -1;
    }
    *sf = v;
    return 0;
}

void tpch_scale_init(tpch_scale *sc, double sf)
{
    static const int64_t base_rows[TPCH_TABLE_COUNT] = {
        [TPCH_PART] = 200000,     [TPCH_PARTSUPP] = 200000, [TPCH_SUPPLIER] = 10000,
        [TPCH_CUSTOMER] = 150000, [TPCH_ORDERS] = 1500000,  [TPCH_LINEITEM] = 1500000,
        [TPCH_NATION] = 25,       [TPCH_REGION] = 5,
    };
    memcpy(sc->base, base_rows, sizeof base_rows);
    if (sf < 1.0) {
        int per_mille = (int)(1000 * sf);
        for (int t = TPCH_PART; t <= TPCH_LINEITEM; t++) {
            sc->base[t] = per_mille * sc->base[t] / 1000;
            if (sc->base[t] < 1)
                sc->base[t] = 1;
        }
        sc->multiplier = 1;
    } else {
        sc->multiplier = (int64_t)sf;
    }
}

int64_t tpch_driver_row_count(tpch_table table, double sf)
{
    tpch_scale sc;
    tpch_scale_init(&sc, sf);
    return tpch_scale_rows(&sc, table);
}

void tpch_chunk_rows(tpch_table table, double sf, int chunk_k, int chunk_n,
                     int64_t *first, int64_t *count)
{
    int64_t total = tpch_driver_row_count(table, sf);
    if (table == TPCH_NATION || table == TPCH_REGION) {
        *first = 1;
        *count = chunk_k == 1 ? total : 0;
        return;
    }
    int64_t per_chunk = total / chunk_n;
    *first = per_chunk * (chunk_k - 1) + 1;
    *count = per_chunk + (chunk_k == chunk_n ? total % chunk_n : 0);
}
