/* Random streams of the TPC-H generator: dbgen's per-column seeds and per-row draw budgets,
 * and jumping a stream ahead (16807^n mod 2^31-1 by square-and-multiply), which is what lets
 * a chunk start at any row without generating the rows before it. */
#include "engine/tpch/tpch_rng.h"

/* The initial seed of every stream and how many draws one row of its table reserves. The
 * budgets are the most a row can draw: 92 for the part name (a shuffle of the 92 colors),
 * 9 for an address (1 length + up to 8 five-character words), 3 for a phone, 2 for a comment
 * (offset and length in the text pool), and per order 7 lines x the lineitem budget. */
const tpch_stream_def tpch_stream_defs[TPCH_STREAM_COUNT] = {
    [TPCH_SD_P_MFGR] = {1, 1},
    [TPCH_SD_P_BRAND] = {46831694, 1},
    [TPCH_SD_P_TYPE] = {1841581359, 1},
    [TPCH_SD_P_SIZE] = {1193163244, 1},
    [TPCH_SD_P_CONTAINER] = {727633698, 1},
    [TPCH_SD_TEXT_POOL] = {933588178, 1},
    [TPCH_SD_P_COMMENT] = {804159733, 2},
    [TPCH_SD_PS_AVAILQTY] = {1671059989, 4},
    [TPCH_SD_PS_SUPPLYCOST] = {1051288424, 4},
    [TPCH_SD_PS_COMMENT] = {1961692154, 8},
    [TPCH_SD_O_UNUSED] = {1227283347, 1},
    [TPCH_SD_O_CLERK] = {1171034773, 1},
    [TPCH_SD_O_COMMENT] = {276090261, 2},
    [TPCH_SD_O_ORDERDATE] = {1066728069, 1},
    [TPCH_SD_L_QUANTITY] = {209208115, 7},
    [TPCH_SD_L_DISCOUNT] = {554590007, 7},
    [TPCH_SD_L_TAX] = {721958466, 7},
    [TPCH_SD_L_SHIPINSTRUCT] = {1371272478, 7},
    [TPCH_SD_L_SHIPMODE] = {675466456, 7},
    [TPCH_SD_L_PARTKEY] = {1808217256, 7},
    [TPCH_SD_L_SUPPLIER_NUMBER] = {2095021727, 7},
    [TPCH_SD_L_SHIPDATE] = {1769349045, 7},
    [TPCH_SD_L_COMMITDATE] = {904914315, 7},
    [TPCH_SD_L_RECEIPTDATE] = {373135028, 7},
    [TPCH_SD_L_RETURNFLAG] = {717419739, 7},
    [TPCH_SD_L_COMMENT] = {1095462486, 14},
    [TPCH_SD_C_ADDRESS] = {881155353, 9},
    [TPCH_SD_C_NATIONKEY] = {1489529863, 1},
    [TPCH_SD_C_PHONE] = {1521138112, 3},
    [TPCH_SD_C_ACCTBAL] = {298370230, 1},
    [TPCH_SD_C_MKTSEGMENT] = {1140279430, 1},
    [TPCH_SD_C_COMMENT] = {1335826707, 2},
    [TPCH_SD_S_ADDRESS] = {706178559, 9},
    [TPCH_SD_S_NATIONKEY] = {110356601, 1},
    [TPCH_SD_S_PHONE] = {884434366, 3},
    [TPCH_SD_S_ACCTBAL] = {962338209, 1},
    [TPCH_SD_S_COMMENT] = {1341315363, 2},
    [TPCH_SD_P_NAME] = {709314158, 92},
    [TPCH_SD_O_ORDERPRIORITY] = {591449447, 1},
    [TPCH_SD_UNUSED] = {431918286, 1},
    [TPCH_SD_O_CUSTKEY] = {851767375, 1},
    [TPCH_SD_N_COMMENT] = {606179079, 2},
    [TPCH_SD_R_COMMENT] = {1500869201, 2},
    [TPCH_SD_O_LINECOUNT] = {1434868289, 1},
    [TPCH_SD_S_BBB_NOISE] = {263032577, 1},
    [TPCH_SD_S_BBB_TYPE] = {753643799, 1},
    [TPCH_SD_S_BBB_SELECT] = {202794285, 1},
    [TPCH_SD_S_BBB_OFFSET] = {715851524, 1},
};

int64_t tpch_rng_power(int64_t n)
{
    int64_t result = 1;
    int64_t base = TPCH_RNG_MULTIPLIER;
    while (n > 0) {
        if (n & 1)
            result = tpch_rng_mulmod(result, base);
        base = tpch_rng_mulmod(base, base);
        n >>= 1;
    }
    return result;
}

int64_t tpch_rng_skip(int64_t value, int64_t n)
{
    return tpch_rng_mulmod(value, tpch_rng_power(n));
}

void tpch_stream_init(tpch_stream *s, tpch_stream_id id, int64_t row)
{
    const tpch_stream_def *def = &tpch_stream_defs[id];
    s->row_step = tpch_rng_power(def->draws_per_row);
    s->row_start = tpch_rng_skip(def->seed, (row - 1) * def->draws_per_row);
    s->value = s->row_start;
}
