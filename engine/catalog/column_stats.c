/* Column statistics and the HyperLogLog sketch (see column_stats.h). */
#include "engine/catalog/column_stats.h"
#include "runtime/memory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HLL_Q (64 - SHOAL_HLL_PRECISION) /* register values run 0..HLL_Q + 1 */
#define HLL_PACKED_BYTES (SHOAL_HLL_REGISTERS * 6 / 8)

void shoal_hll_add_hashes(uint8_t *registers, const uint64_t *hashes, uint32_t n, const uint64_t *validity)
{
    if (validity == NULL) {
        for (uint32_t i = 0; i < n; i++) shoal_hll_add(registers, hashes[i]);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        if (validity[i >> 6] >> (i & 63) & 1) shoal_hll_add(registers, hashes[i]);
}

void shoal_hll_merge(uint8_t *dst, const uint8_t *src)
{
    for (uint32_t i = 0; i < SHOAL_HLL_REGISTERS; i++) dst[i] = src[i] > dst[i] ? src[i] : dst[i];
}

/* Ertl's sigma and tau (Algorithms 6-8 of the paper). */
static double hll_sigma(double x)
{
    if (x == 1.0) return INFINITY;
    double y = 1.0, z = x, previous;
    do {
        x *= x;
        previous = z;
        z += x * y;
        y += y;
    } while (previous != z);
    return z;
}

static double hll_tau(double x)
{
    if (x == 0.0 || x == 1.0) return 0.0;
    double y = 1.0, z = 1.0 - x, previous;
    do {
        x = sqrt(x);
        previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
    } while (previous != z);
    return z / 3.0;
}

double shoal_hll_estimate(const uint8_t *registers)
{
    uint32_t count[HLL_Q + 2] = {0};
    for (uint32_t i = 0; i < SHOAL_HLL_REGISTERS; i++) count[registers[i] <= HLL_Q + 1 ? registers[i] : HLL_Q + 1]++;
    const double m = SHOAL_HLL_REGISTERS;
    double z = m * hll_tau(1.0 - count[HLL_Q + 1] / m);
    for (int k = HLL_Q; k >= 1; k--) z = 0.5 * (z + count[k]);
    z += m * hll_sigma(count[0] / m);
    if (isinf(z)) return 0.0; /* every register empty */
    return m * m / (2.0 * log(2.0)) / z;
}

/* ---- stats ---- */

void shoal_column_stats_init(shoal_column_stats *s, shoal_type t)
{
    memset(s, 0, sizeof *s);
    switch (shoal_type_physical(t)) {
    case SHOAL_PHYS_I128: s->kind = SHOAL_STATS_INT128; break;
    case SHOAL_PHYS_F32:
    case SHOAL_PHYS_F64: s->kind = SHOAL_STATS_FLOAT; break;
    case SHOAL_PHYS_STRING: s->kind = SHOAL_STATS_STRING; break;
    default: s->kind = SHOAL_STATS_INT; break;
    }
}

void shoal_column_stats_free(shoal_column_stats *s)
{
    free(s->hll);
    s->hll = NULL;
}

void shoal_column_stats_copy(shoal_column_stats *dst, const shoal_column_stats *src)
{
    *dst = *src;
    if (src->hll) {
        dst->hll = shoal_xmalloc(SHOAL_HLL_REGISTERS);
        memcpy(dst->hll, src->hll, SHOAL_HLL_REGISTERS);
    }
}

uint8_t *shoal_column_stats_sketch(shoal_column_stats *s)
{
    if (s->hll == NULL) s->hll = shoal_xcalloc(SHOAL_HLL_REGISTERS, 1);
    return s->hll;
}

/* Bytewise comparison of two prefixes. */
static int compare_bytes(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

void shoal_column_stats_set_string_range(shoal_column_stats *s, const char *min, uint32_t min_len, bool min_cut,
                                         const char *max, uint32_t max_len, bool max_cut)
{
    if (min_len > SHOAL_STATS_STRING_PREFIX) {
        min_len = SHOAL_STATS_STRING_PREFIX; /* a prefix is still a lower bound */
        min_cut = true;
    }
    if (max_len > SHOAL_STATS_STRING_PREFIX) {
        max_len = SHOAL_STATS_STRING_PREFIX;
        max_cut = true;
    }
    memcpy(s->min_str, min, min_len);
    memcpy(s->max_str, max, max_len);
    s->min_len = (uint8_t)min_len;
    s->max_len = (uint8_t)max_len;
    s->min_truncated = min_cut;
    s->max_truncated = max_cut;
    s->has_range = true;
}

/* A max P that was cut stands for "every value's first |P| bytes are <= P"; an uncut one for
 * "every value <= P". The merged max must bound both sets: compared on the shortest cut length
 * L, the larger wins; on a tie the result is those L bytes, cut. */
static void merge_string_max(shoal_column_stats *d, const shoal_column_stats *s)
{
    if (!d->max_truncated && !s->max_truncated) {
        if (compare_bytes(s->max_str, s->max_len, d->max_str, d->max_len) > 0) {
            memcpy(d->max_str, s->max_str, s->max_len);
            d->max_len = s->max_len;
        }
        return;
    }
    uint32_t cut = SHOAL_STATS_STRING_PREFIX;
    if (d->max_truncated) cut = d->max_len;
    if (s->max_truncated && s->max_len < cut) cut = s->max_len;
    uint32_t dl = d->max_len < cut ? d->max_len : cut, sl = s->max_len < cut ? s->max_len : cut;
    int c = compare_bytes(s->max_str, sl, d->max_str, dl);
    if (c > 0) {
        memcpy(d->max_str, s->max_str, s->max_len);
        d->max_len = s->max_len;
        d->max_truncated = s->max_truncated;
    } else if (c == 0) {
        d->max_len = (uint8_t)dl;
        d->max_truncated = true;
    }
}

void shoal_column_stats_merge(shoal_column_stats *dst, const shoal_column_stats *src)
{
    dst->rows += src->rows;
    dst->null_count += src->null_count;
    if (src->has_range) {
        if (!dst->has_range) {
            uint8_t *keep = dst->hll;
            uint64_t rows = dst->rows, nulls = dst->null_count;
            *dst = *src;
            dst->hll = keep;
            dst->rows = rows;
            dst->null_count = nulls;
        } else {
            switch (dst->kind) {
            case SHOAL_STATS_INT:
                if (src->min.i64 < dst->min.i64) dst->min.i64 = src->min.i64;
                if (src->max.i64 > dst->max.i64) dst->max.i64 = src->max.i64;
                break;
            case SHOAL_STATS_INT128:
                if (src->min.i128 < dst->min.i128) dst->min.i128 = src->min.i128;
                if (src->max.i128 > dst->max.i128) dst->max.i128 = src->max.i128;
                break;
            case SHOAL_STATS_FLOAT:
                if (src->min.f64 < dst->min.f64) dst->min.f64 = src->min.f64;
                if (src->max.f64 > dst->max.f64) dst->max.f64 = src->max.f64;
                break;
            case SHOAL_STATS_STRING:
                if (compare_bytes(src->min_str, src->min_len, dst->min_str, dst->min_len) < 0) {
                    memcpy(dst->min_str, src->min_str, src->min_len);
                    dst->min_len = src->min_len;
                    dst->min_truncated = src->min_truncated;
                }
                merge_string_max(dst, src);
                break;
            }
        }
    }
    if (src->hll) shoal_hll_merge(shoal_column_stats_sketch(dst), src->hll);
}

void shoal_column_stats_finish(shoal_column_stats *s)
{
    uint64_t values = s->rows > s->null_count ? s->rows - s->null_count : 0;
    double e = s->hll ? shoal_hll_estimate(s->hll) : 0.0;
    uint64_t d = (uint64_t)llround(e);
    if (d > values) d = values;
    if (d == 0 && values > 0) d = 1;
    s->distinct_estimate = d;
}

void shoal_column_stats_format(const shoal_column_stats *s, shoal_type t, bool max, char *buf, size_t size)
{
    char tmp[64];
    if (size == 0) return;
    buf[0] = '\0';
    if (!s->has_range) return;
    const shoal_stats_value *v = max ? &s->max : &s->min;
    switch (s->kind) {
    case SHOAL_STATS_STRING: {
        const char *p = max ? s->max_str : s->min_str;
        int len = max ? s->max_len : s->min_len;
        snprintf(buf, size, "%.*s%s", len, p, max && s->max_truncated ? "..." : "");
        return;
    }
    case SHOAL_STATS_FLOAT:
        if (t.id == SHOAL_TYPE_REAL) shoal_format_float((float)v->f64, tmp);
        else shoal_format_double(v->f64, tmp);
        break;
    case SHOAL_STATS_INT128: shoal_format_decimal(v->i128, t.scale, tmp); break;
    default:
        switch ((shoal_type_id)t.id) {
        case SHOAL_TYPE_BOOLEAN: snprintf(tmp, sizeof tmp, "%s", v->i64 ? "t" : "f"); break;
        case SHOAL_TYPE_DECIMAL: shoal_format_decimal(v->i64, t.scale, tmp); break;
        case SHOAL_TYPE_DATE: shoal_format_date((int32_t)v->i64, tmp); break;
        case SHOAL_TYPE_TIMESTAMP: shoal_format_timestamp(v->i64, tmp); break;
        default: shoal_format_int64(v->i64, tmp); break;
        }
        break;
    }
    snprintf(buf, size, "%s", tmp);
}

/* ---- wire / catalog form ---- */

enum { SKETCH_NONE = 0, SKETCH_SPARSE = 1, SKETCH_PACKED = 2 };

static void put_value(shoal_writer *w, uint8_t kind, const shoal_stats_value *v)
{
    switch (kind) {
    case SHOAL_STATS_INT128:
        shoal_put_u64(w, (uint64_t)(unsigned __int128)v->i128);
        shoal_put_u64(w, (uint64_t)((unsigned __int128)v->i128 >> 64));
        break;
    case SHOAL_STATS_FLOAT: shoal_put_f64(w, v->f64); break;
    default: shoal_put_i64(w, v->i64); break;
    }
}

static void get_value(shoal_reader *r, uint8_t kind, shoal_stats_value *v)
{
    switch (kind) {
    case SHOAL_STATS_INT128: {
        uint64_t lo = shoal_get_u64(r), hi = shoal_get_u64(r);
        v->i128 = (shoal_int128)(((unsigned __int128)hi << 64) | lo);
        break;
    }
    case SHOAL_STATS_FLOAT: v->f64 = shoal_get_f64(r); break;
    default: v->i64 = shoal_get_i64(r); break;
    }
}

void shoal_hll_write(shoal_writer *w, const uint8_t *registers)
{
    if (registers == NULL) {
        shoal_put_u8(w, SKETCH_NONE);
        return;
    }
    uint32_t used = 0;
    for (uint32_t i = 0; i < SHOAL_HLL_REGISTERS; i++) used += registers[i] != 0;
    if ((size_t)used * 3 < HLL_PACKED_BYTES) {
        shoal_put_u8(w, SKETCH_SPARSE);
        shoal_put_u32(w, used);
        uint8_t *p = shoal_writer_reserve(w, (size_t)used * 3);
        for (uint32_t i = 0; i < SHOAL_HLL_REGISTERS; i++) {
            if (registers[i] == 0) continue;
            p[0] = (uint8_t)i;
            p[1] = (uint8_t)(i >> 8);
            p[2] = registers[i];
            p += 3;
        }
        return;
    }
    shoal_put_u8(w, SKETCH_PACKED);
    uint8_t *p = shoal_writer_reserve(w, HLL_PACKED_BYTES);
    for (uint32_t i = 0; i < SHOAL_HLL_REGISTERS; i += 4) { /* 4 registers -> 3 bytes */
        uint32_t x = (uint32_t)(registers[i] & 63) | (uint32_t)(registers[i + 1] & 63) << 6 |
                     (uint32_t)(registers[i + 2] & 63) << 12 | (uint32_t)(registers[i + 3] & 63) << 18;
        p[0] = (uint8_t)x;
        p[1] = (uint8_t)(x >> 8);
        p[2] = (uint8_t)(x >> 16);
        p += 3;
    }
}

bool shoal_hll_read(shoal_reader *r, uint8_t **registers)
{
    *registers = NULL;
    uint8_t form = shoal_get_u8(r);
    if (r->failed) return false;
    if (form == SKETCH_NONE) return true;
    uint8_t *reg = shoal_xcalloc(SHOAL_HLL_REGISTERS, 1);
    if (form == SKETCH_SPARSE) {
        uint32_t used = shoal_get_u32(r);
        if (used > SHOAL_HLL_REGISTERS) r->failed = true;
        for (uint32_t k = 0; k < used && !r->failed; k++) {
            uint8_t e[3];
            if (!shoal_get_bytes(r, e, 3)) break;
            uint32_t i = (uint32_t)e[0] | (uint32_t)e[1] << 8;
            if (i >= SHOAL_HLL_REGISTERS || e[2] > HLL_Q + 1) r->failed = true;
            else reg[i] = e[2];
        }
    } else if (form == SKETCH_PACKED) {
        uint8_t p[HLL_PACKED_BYTES];
        if (shoal_get_bytes(r, p, sizeof p)) {
            for (uint32_t i = 0, j = 0; i < SHOAL_HLL_REGISTERS; i += 4, j += 3) {
                uint32_t x = (uint32_t)p[j] | (uint32_t)p[j + 1] << 8 | (uint32_t)p[j + 2] << 16;
                for (int k = 0; k < 4; k++) {
                    uint8_t v = (uint8_t)((x >> (6 * k)) & 63);
                    if (v > HLL_Q + 1) r->failed = true;
                    reg[i + k] = v;
                }
            }
        }
    } else {
        r->failed = true;
    }
    if (r->failed) {
        free(reg);
        return false;
    }
    *registers = reg;
    return true;
}

void shoal_column_stats_write_summary(shoal_writer *w, const shoal_column_stats *s)
{
    shoal_put_u8(w, s->kind);
    shoal_put_u8(w, (uint8_t)(s->has_range | s->min_truncated << 1 | s->max_truncated << 2));
    if (s->has_range) {
        if (s->kind == SHOAL_STATS_STRING) {
            shoal_put_u8(w, s->min_len);
            shoal_put_bytes(w, s->min_str, s->min_len);
            shoal_put_u8(w, s->max_len);
            shoal_put_bytes(w, s->max_str, s->max_len);
        } else {
            put_value(w, s->kind, &s->min);
            put_value(w, s->kind, &s->max);
        }
    }
    shoal_put_u64(w, s->rows);
    shoal_put_u64(w, s->null_count);
    shoal_put_u64(w, s->distinct_estimate);
}

void shoal_column_stats_write(shoal_writer *w, const shoal_column_stats *s)
{
    shoal_column_stats_write_summary(w, s);
    shoal_hll_write(w, s->hll);
}

bool shoal_column_stats_read_summary(shoal_reader *r, shoal_column_stats *s)
{
    memset(s, 0, sizeof *s);
    s->kind = shoal_get_u8(r);
    uint8_t flags = shoal_get_u8(r);
    if (s->kind < SHOAL_STATS_INT || s->kind > SHOAL_STATS_STRING || flags > 7) r->failed = true;
    s->has_range = flags & 1;
    s->min_truncated = (flags >> 1) & 1;
    s->max_truncated = (flags >> 2) & 1;
    if (s->has_range && !r->failed) {
        if (s->kind == SHOAL_STATS_STRING) {
            s->min_len = shoal_get_u8(r);
            if (s->min_len > SHOAL_STATS_STRING_PREFIX || !shoal_get_bytes(r, s->min_str, s->min_len)) r->failed = true;
            s->max_len = r->failed ? 0 : shoal_get_u8(r);
            if (s->max_len > SHOAL_STATS_STRING_PREFIX || !shoal_get_bytes(r, s->max_str, s->max_len)) r->failed = true;
        } else {
            get_value(r, s->kind, &s->min);
            get_value(r, s->kind, &s->max);
        }
    }
    s->rows = shoal_get_u64(r);
    s->null_count = shoal_get_u64(r);
    s->distinct_estimate = shoal_get_u64(r);
    return !r->failed;
}

bool shoal_column_stats_read(shoal_reader *r, shoal_column_stats *s)
{
    if (!shoal_column_stats_read_summary(r, s)) return false;
    return shoal_hll_read(r, &s->hll);
}
