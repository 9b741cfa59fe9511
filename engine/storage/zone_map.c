/* Zone maps (see zone_map.h): building, merging, the serialized form, and the "may this
 * block match?" check. Integer-backed columns compare in 128 bits, floats as doubles (a NaN
 * anywhere means "may match"), strings bytewise with the truncated-max rule. */
#include "engine/storage/zone_map.h"

#include <math.h>
#include <string.h>

void shoal_zone_map_init(shoal_zone_map *zm, shoal_physical physical)
{
    memset(zm, 0, sizeof *zm);
    zm->physical = (uint8_t)physical;
}

static int string_compare(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

void shoal_zone_map_set_strings(shoal_zone_map *zm, shoal_string min, shoal_string max)
{
    zm->flags &= (uint8_t) ~(SHOAL_ZONE_MIN_TRUNCATED | SHOAL_ZONE_MAX_TRUNCATED);
    zm->flags |= SHOAL_ZONE_HAS_RANGE;
    zm->min_len = (uint8_t)(min.len > SHOAL_ZONE_STRING_PREFIX ? SHOAL_ZONE_STRING_PREFIX : min.len);
    zm->max_len = (uint8_t)(max.len > SHOAL_ZONE_STRING_PREFIX ? SHOAL_ZONE_STRING_PREFIX : max.len);
    if (min.len > SHOAL_ZONE_STRING_PREFIX) zm->flags |= SHOAL_ZONE_MIN_TRUNCATED;
    if (max.len > SHOAL_ZONE_STRING_PREFIX) zm->flags |= SHOAL_ZONE_MAX_TRUNCATED;
    if (zm->min_len) memcpy(zm->min_str, min.ptr, zm->min_len);
    if (zm->max_len) memcpy(zm->max_str, max.ptr, zm->max_len);
}

static bool is_float(uint8_t physical) { return physical == SHOAL_PHYS_F32 || physical == SHOAL_PHYS_F64; }

void shoal_zone_map_merge(shoal_zone_map *a, const shoal_zone_map *b)
{
    uint32_t rows = a->rows + b->rows, nulls = a->nulls + b->nulls;
    uint8_t nan = (a->flags | b->flags) & SHOAL_ZONE_HAS_NAN;
    if (b->flags & SHOAL_ZONE_HAS_RANGE) {
        if (!(a->flags & SHOAL_ZONE_HAS_RANGE)) {
            uint8_t keep = a->flags;
            *a = *b;
            a->flags = (uint8_t)((b->flags & ~SHOAL_ZONE_ALL_NULL) | (keep & SHOAL_ZONE_HAS_NAN));
        } else if (a->physical == SHOAL_PHYS_STRING) {
            /* min: the smaller lower bound. max: the larger; a truncated max P stands for
             * "values below P's successor", so compare prefixes and keep the truncation of
             * whichever wins (on a tie of prefixes, truncated wins: it is the weaker bound). */
            if (string_compare(b->min_str, b->min_len, a->min_str, a->min_len) < 0) {
                memcpy(a->min_str, b->min_str, b->min_len);
                a->min_len = b->min_len;
                a->flags = (uint8_t)((a->flags & ~SHOAL_ZONE_MIN_TRUNCATED) | (b->flags & SHOAL_ZONE_MIN_TRUNCATED));
            }
            int c = string_compare(b->max_str, b->max_len, a->max_str, a->max_len);
            bool b_trunc = b->flags & SHOAL_ZONE_MAX_TRUNCATED, a_trunc = a->flags & SHOAL_ZONE_MAX_TRUNCATED;
            /* A truncated P is effectively larger than any string that has P as a prefix. */
            bool b_wins;
            uint32_t n = a->max_len < b->max_len ? a->max_len : b->max_len;
            bool a_prefix_of_b = a->max_len <= b->max_len && memcmp(a->max_str, b->max_str, n) == 0;
            bool b_prefix_of_a = b->max_len <= a->max_len && memcmp(a->max_str, b->max_str, n) == 0;
            if (a_trunc && a_prefix_of_b) b_wins = false;
            else if (b_trunc && b_prefix_of_a) b_wins = true;
            else b_wins = c > 0;
            if (b_wins) {
                memcpy(a->max_str, b->max_str, b->max_len);
                a->max_len = b->max_len;
                a->flags = (uint8_t)((a->flags & ~SHOAL_ZONE_MAX_TRUNCATED) | (b_trunc ? SHOAL_ZONE_MAX_TRUNCATED : 0));
            }
        } else if (a->physical == SHOAL_PHYS_I128) {
            if (b->min.i128 < a->min.i128) a->min.i128 = b->min.i128;
            if (b->max.i128 > a->max.i128) a->max.i128 = b->max.i128;
        } else if (is_float(a->physical)) {
            if (b->min.f64 < a->min.f64) a->min.f64 = b->min.f64;
            if (b->max.f64 > a->max.f64) a->max.f64 = b->max.f64;
        } else {
            if (b->min.i64 < a->min.i64) a->min.i64 = b->min.i64;
            if (b->max.i64 > a->max.i64) a->max.i64 = b->max.i64;
        }
    }
    a->rows = rows;
    a->nulls = nulls;
    a->flags = (uint8_t)((a->flags & ~(SHOAL_ZONE_ALL_NULL | SHOAL_ZONE_HAS_NAN)) | nan);
    if (rows > 0 && nulls == rows) a->flags |= SHOAL_ZONE_ALL_NULL;
}

/* ---- serialized form ---- */

static void put_i128(shoal_writer *w, shoal_int128 v)
{
    shoal_put_u64(w, (uint64_t)v);
    shoal_put_u64(w, (uint64_t)((unsigned __int128)v >> 64));
}

static shoal_int128 get_i128(shoal_reader *r)
{
    uint64_t lo = shoal_get_u64(r), hi = shoal_get_u64(r);
    return (shoal_int128)(((unsigned __int128)hi << 64) | lo);
}

void shoal_zone_map_write(const shoal_zone_map *zm, shoal_writer *w)
{
    shoal_put_u8(w, zm->physical);
    shoal_put_u8(w, zm->flags);
    shoal_put_u32(w, zm->rows);
    shoal_put_u32(w, zm->nulls);
    if (!(zm->flags & SHOAL_ZONE_HAS_RANGE)) return;
    switch ((shoal_physical)zm->physical) {
    case SHOAL_PHYS_STRING:
        shoal_put_u8(w, zm->min_len);
        shoal_put_bytes(w, zm->min_str, zm->min_len);
        shoal_put_u8(w, zm->max_len);
        shoal_put_bytes(w, zm->max_str, zm->max_len);
        break;
    case SHOAL_PHYS_I128:
        put_i128(w, zm->min.i128);
        put_i128(w, zm->max.i128);
        break;
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64:
        shoal_put_f64(w, zm->min.f64);
        shoal_put_f64(w, zm->max.f64);
        break;
    default:
        shoal_put_i64(w, zm->min.i64);
        shoal_put_i64(w, zm->max.i64);
        break;
    }
}

bool shoal_zone_map_read(shoal_reader *r, shoal_physical physical, shoal_zone_map *zm)
{
    shoal_zone_map_init(zm, physical);
    uint8_t phys = shoal_get_u8(r);
    zm->flags = shoal_get_u8(r);
    zm->rows = shoal_get_u32(r);
    zm->nulls = shoal_get_u32(r);
    if (r->failed || phys != (uint8_t)physical || (zm->flags & ~SHOAL_ZONE_FLAGS_ALL) || zm->nulls > zm->rows)
        return false;
    bool all_null = zm->rows > 0 && zm->nulls == zm->rows;
    if (all_null != !!(zm->flags & SHOAL_ZONE_ALL_NULL)) return false;
    if (!(zm->flags & SHOAL_ZONE_HAS_RANGE)) return true;
    if (all_null) return false;
    switch (physical) {
    case SHOAL_PHYS_STRING:
        zm->min_len = shoal_get_u8(r);
        if (zm->min_len > SHOAL_ZONE_STRING_PREFIX || !shoal_get_bytes(r, zm->min_str, zm->min_len)) return false;
        zm->max_len = shoal_get_u8(r);
        if (zm->max_len > SHOAL_ZONE_STRING_PREFIX || !shoal_get_bytes(r, zm->max_str, zm->max_len)) return false;
        break;
    case SHOAL_PHYS_I128:
        zm->min.i128 = get_i128(r);
        zm->max.i128 = get_i128(r);
        break;
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64:
        zm->min.f64 = shoal_get_f64(r);
        zm->max.f64 = shoal_get_f64(r);
        if (isnan(zm->min.f64) || isnan(zm->max.f64)) return false;
        break;
    default:
        zm->min.i64 = shoal_get_i64(r);
        zm->max.i64 = shoal_get_i64(r);
        break;
    }
    return !r->failed;
}

/* ---- predicates ---- */

shoal_zone_const shoal_zone_const_i64(int64_t v)
{
    shoal_zone_const c = {.kind = SHOAL_ZONE_CONST_I64};
    c.v.i64 = v;
    return c;
}

shoal_zone_const shoal_zone_const_i128(shoal_int128 v)
{
    shoal_zone_const c = {.kind = SHOAL_ZONE_CONST_I128};
    c.v.i128 = v;
    return c;
}

shoal_zone_const shoal_zone_const_f64(double v)
{
    shoal_zone_const c = {.kind = SHOAL_ZONE_CONST_F64};
    c.v.f64 = v;
    return c;
}

shoal_zone_const shoal_zone_const_str(const char *s, uint32_t len)
{
    shoal_zone_const c = {.kind = SHOAL_ZONE_CONST_STRING};
    c.v.str.ptr = s;
    c.v.str.len = len;
    return c;
}

shoal_zone_pred shoal_zone_pred_make(int column, shoal_zone_op op, shoal_zone_const value)
{
    shoal_zone_pred p;
    memset(&p, 0, sizeof p);
    p.column = column;
    p.op = (uint8_t)op;
    p.lo = value;
    return p;
}

shoal_zone_pred shoal_zone_pred_between(int column, shoal_zone_const lo, shoal_zone_const hi)
{
    shoal_zone_pred p = shoal_zone_pred_make(column, SHOAL_ZONE_BETWEEN, lo);
    p.hi = hi;
    return p;
}

shoal_zone_pred shoal_zone_pred_null(int column, bool is_null)
{
    shoal_zone_pred p;
    memset(&p, 0, sizeof p);
    p.column = column;
    p.op = (uint8_t)(is_null ? SHOAL_ZONE_IS_NULL : SHOAL_ZONE_IS_NOT_NULL);
    return p;
}

/* Where a constant stands against the block's range. Each field is true only when certain. */
typedef struct bound_check {
    bool usable;    /* the constant fits the column's type */
    bool below_min; /* c <  every value */
    bool at_or_below_min; /* c <= every value */
    bool above_max; /* c >  every value */
    bool at_or_above_max; /* c >= every value */
    bool equals_all; /* every non-NULL value == c */
} bound_check;

static bound_check check_int(const shoal_zone_map *zm, const shoal_zone_const *c)
{
    bound_check b = {0};
    shoal_int128 v;
    if (c->kind == SHOAL_ZONE_CONST_I64) v = c->v.i64;
    else if (c->kind == SHOAL_ZONE_CONST_I128) v = c->v.i128;
    else return b;
    shoal_int128 lo = zm->physical == SHOAL_PHYS_I128 ? zm->min.i128 : zm->min.i64;
    shoal_int128 hi = zm->physical == SHOAL_PHYS_I128 ? zm->max.i128 : zm->max.i64;
    b.usable = true;
    b.below_min = v < lo;
    b.at_or_below_min = v <= lo;
    b.above_max = v > hi;
    b.at_or_above_max = v >= hi;
    b.equals_all = lo == hi && v == lo;
    return b;
}

static bound_check check_float(const shoal_zone_map *zm, const shoal_zone_const *c)
{
    bound_check b = {0};
    double v;
    if (zm->flags & SHOAL_ZONE_HAS_NAN) return b; /* NaN orders nowhere we can rely on */
    if (c->kind == SHOAL_ZONE_CONST_F64) v = c->v.f64;
    else if (c->kind == SHOAL_ZONE_CONST_I64 && c->v.i64 >= -(1ll << 53) && c->v.i64 <= (1ll << 53)) v = (double)c->v.i64;
    else return b;
    if (isnan(v)) return b;
    double lo = zm->min.f64, hi = zm->max.f64;
    b.usable = true;
    b.below_min = v < lo;
    b.at_or_below_min = v <= lo;
    b.above_max = v > hi;
    b.at_or_above_max = v >= hi;
    b.equals_all = lo == hi && v == lo;
    return b;
}

static bound_check check_string(const shoal_zone_map *zm, const shoal_zone_const *c)
{
    bound_check b = {0};
    if (c->kind != SHOAL_ZONE_CONST_STRING) return b;
    const char *s = c->v.str.ptr;
    uint32_t n = c->v.str.len;
    b.usable = true;
    /* min (or its prefix, a lower bound): plain comparisons are safe. */
    int cmin = string_compare(s, n, zm->min_str, zm->min_len);
    b.below_min = cmin < 0;
    b.at_or_below_min = cmin <= 0;
    if (zm->flags & SHOAL_ZONE_MAX_TRUNCATED) {
        /* Values are < c for sure when the prefix P sorts before c cut to |P| bytes. */
        uint32_t k = n < zm->max_len ? n : zm->max_len;
        bool p_before_c = string_compare(zm->max_str, zm->max_len, s, k) < 0;
        b.above_max = p_before_c;
        b.at_or_above_max = p_before_c;
    } else {
        int cmax = string_compare(s, n, zm->max_str, zm->max_len);
        b.above_max = cmax > 0;
        b.at_or_above_max = cmax >= 0;
    }
    b.equals_all = !(zm->flags & (SHOAL_ZONE_MIN_TRUNCATED | SHOAL_ZONE_MAX_TRUNCATED)) &&
                   cmin == 0 && string_compare(s, n, zm->max_str, zm->max_len) == 0;
    return b;
}

static bound_check check_const(const shoal_zone_map *zm, const shoal_zone_const *c)
{
    switch ((shoal_physical)zm->physical) {
    case SHOAL_PHYS_STRING: return check_string(zm, c);
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: return check_float(zm, c);
    default: return check_int(zm, c);
    }
}

bool shoal_zone_may_match(const shoal_zone_map *zm, const shoal_zone_pred *pred)
{
    if (zm->rows == 0) return false;
    switch ((shoal_zone_op)pred->op) {
    case SHOAL_ZONE_IS_NULL: return zm->nulls > 0;
    case SHOAL_ZONE_IS_NOT_NULL: return zm->nulls < zm->rows;
    default: break;
    }
    if (zm->nulls == zm->rows) return false; /* comparisons with NULL are never true */
    if (!(zm->flags & SHOAL_ZONE_HAS_RANGE)) return true;
    bound_check b = check_const(zm, &pred->lo);
    if (!b.usable) return true;
    switch ((shoal_zone_op)pred->op) {
    case SHOAL_ZONE_EQ: return !(b.below_min || b.above_max);
    case SHOAL_ZONE_NE: return !b.equals_all;
    case SHOAL_ZONE_LT: return !b.at_or_below_min; /* col < c needs some value < c */
    case SHOAL_ZONE_LE: return !b.below_min;
    case SHOAL_ZONE_GT: return !b.at_or_above_max;
    case SHOAL_ZONE_GE: return !b.above_max;
    case SHOAL_ZONE_BETWEEN: {
        bound_check h = check_const(zm, &pred->hi);
        if (b.above_max) return false; /* lo > max */
        if (h.usable && h.below_min) return false; /* hi < min */
        return true;
    }
    default: return true; /* unknown operator: never prune */
    }
}
