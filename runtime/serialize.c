/* Payload writer and bounds-checked reader (see serialize.h for the format). */
#include "runtime/serialize.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

#define STR_NULL_LENGTH UINT32_MAX

void shoal_writer_init(shoal_writer *w, size_t initial_capacity)
{
    w->cap = initial_capacity ? initial_capacity : 256;
    w->data = shoal_xmalloc(w->cap);
    w->len = 0;
}

void shoal_writer_free(shoal_writer *w)
{
    free(w->data);
    w->data = NULL;
    w->len = w->cap = 0;
}

uint8_t *shoal_writer_take(shoal_writer *w, size_t *len)
{
    uint8_t *d = w->data;
    if (len) *len = w->len;
    w->data = NULL;
    w->len = w->cap = 0;
    return d;
}

void *shoal_writer_reserve(shoal_writer *w, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n) cap *= 2;
        w->data = shoal_xrealloc(w->data, cap);
        w->cap = cap;
    }
    void *p = w->data + w->len;
    w->len += n;
    return p;
}

void shoal_put_bytes(shoal_writer *w, const void *src, size_t n)
{
    if (n) memcpy(shoal_writer_reserve(w, n), src, n);
}

static void put_le(shoal_writer *w, uint64_t v, int width)
{
    uint8_t *p = shoal_writer_reserve(w, (size_t)width);
    for (int i = 0; i < width; i++) p[i] = (uint8_t)(v >> (8 * i));
}

void shoal_put_u8(shoal_writer *w, uint8_t v) { put_le(w, v, 1); }
void shoal_put_u32(shoal_writer *w, uint32_t v) { put_le(w, v, 4); }
void shoal_put_u64(shoal_writer *w, uint64_t v) { put_le(w, v, 8); }
void shoal_put_i32(shoal_writer *w, int32_t v) { put_le(w, (uint32_t)v, 4); }
void shoal_put_i64(shoal_writer *w, int64_t v) { put_le(w, (uint64_t)v, 8); }
void shoal_put_f64(shoal_writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_le(w, bits, 8);
}

void shoal_put_str(shoal_writer *w, const char *s)
{
    if (s == NULL) {
        shoal_put_u32(w, STR_NULL_LENGTH);
        return;
    }
    size_t n = strlen(s);
    shoal_put_u32(w, (uint32_t)n);
    shoal_put_bytes(w, s, n);
}

void shoal_put_blob(shoal_writer *w, const void *src, uint32_t n)
{
    shoal_put_u32(w, n);
    shoal_put_bytes(w, src, n);
}

void shoal_reader_init(shoal_reader *r, const void *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->failed = false;
}

static const uint8_t *take(shoal_reader *r, size_t n)
{
    if (r->failed || n > r->len - r->pos) {
        r->failed = true;
        return NULL;
    }
    const uint8_t *p = r->data + r->pos;
    r->pos += n;
    return p;
}

bool shoal_get_bytes(shoal_reader *r, void *dst, size_t n)
{
    const uint8_t *p = take(r, n);
    if (p == NULL) {
        memset(dst, 0, n);
        return false;
    }
    if (n) memcpy(dst, p, n);
    return true;
}

static uint64_t get_le(shoal_reader *r, int width)
{
    const uint8_t *p = take(r, (size_t)width);
    uint64_t v = 0;
    if (p == NULL) return 0;
    for (int i = 0; i < width; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t shoal_get_u8(shoal_reader *r) { return (uint8_t)get_le(r, 1); }
uint32_t shoal_get_u32(shoal_reader *r) { return (uint32_t)get_le(r, 4); }
uint64_t shoal_get_u64(shoal_reader *r) { return get_le(r, 8); }
int32_t shoal_get_i32(shoal_reader *r) { return (int32_t)(uint32_t)get_le(r, 4); }
int64_t shoal_get_i64(shoal_reader *r) { return (int64_t)get_le(r, 8); }
double shoal_get_f64(shoal_reader *r)
{
    uint64_t bits = get_le(r, 8);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

char *shoal_get_str(shoal_reader *r)
{
    uint32_t n = shoal_get_u32(r);
    if (r->failed || n == STR_NULL_LENGTH) return NULL;
    const uint8_t *p = take(r, n);
    if (p == NULL) return NULL;
    char *s = shoal_xmalloc((size_t)n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

const void *shoal_get_blob(shoal_reader *r, uint32_t *n)
{
    *n = shoal_get_u32(r);
    const uint8_t *p = take(r, *n);
    if (p == NULL) *n = 0;
    return p;
}
