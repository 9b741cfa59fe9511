/* LIKE / ILIKE: compiles a pattern once ('%', '_', backslash escape) into literal segments and
 * matches strings without backtracking (fast paths for exact, prefix%, %suffix, %infix%;
 * otherwise a greedy leftmost segment matcher), plus the UTF-8 helpers the string functions
 * share. ILIKE folds ASCII letters only. */
#include "engine/exec/kernels.h"
#include "runtime/memory.h"

#include <stdlib.h>
#include <string.h>

uint32_t shoal_utf8_length(const char *s, uint32_t len)
{
    uint32_t chars = 0;
    for (uint32_t i = 0; i < len; i++) chars += !shoal_utf8_is_cont((unsigned char)s[i]);
    return chars;
}

uint32_t shoal_utf8_offset(const char *s, uint32_t len, uint64_t chars)
{
    uint32_t i = 0;
    while (i < len && chars > 0) {
        i++;
        while (i < len && shoal_utf8_is_cont((unsigned char)s[i])) i++;
        chars--;
    }
    return i;
}

/* memcmp that accepts NULL pointers for zero lengths (empty strings may have no bytes). */
static inline bool bytes_equal(const char *a, const char *b, uint32_t n) { return n == 0 || memcmp(a, b, n) == 0; }

static inline unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

bool shoal_like_compile(const char *pattern, uint32_t len, bool case_insensitive, shoal_like_pattern *out)
{
    memset(out, 0, sizeof *out);
    out->case_insensitive = case_insensitive;
    /* One block: segments[len + 1], then bytes[len], then any[len]. */
    size_t seg_bytes = sizeof(shoal_like_segment) * ((size_t)len + 1);
    char *block = shoal_xmalloc(seg_bytes + 2 * (size_t)len + 1);
    shoal_like_segment *segs = (shoal_like_segment *)(void *)block;
    char *bytes = block + seg_bytes;
    uint8_t *any = (uint8_t *)bytes + len;
    out->storage = block;
    out->segments = segs;

    bool has_percent = false, has_underscore = false;
    int count = 0;
    uint32_t pos = 0; /* write cursor in bytes/any */
    shoal_like_segment *cur = NULL;
    for (uint32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pattern[i];
        if (c == '%') {
            has_percent = true;
            if (i == 0) out->leading_percent = true;
            cur = NULL; /* the next literal opens a new segment; runs of % collapse */
            continue;
        }
        bool wildcard = c == '_';
        if (c == '\\') {
            if (i + 1 == len) {
                shoal_like_free(out);
                return false;
            }
            c = (unsigned char)pattern[++i];
            wildcard = false;
        }
        if (!cur) {
            cur = &segs[count++];
            cur->bytes = bytes + pos;
            cur->any = any + pos;
            cur->len = 0;
            cur->chars = 0;
        }
        bytes[pos] = (char)(case_insensitive ? fold(c) : c);
        any[pos] = wildcard;
        has_underscore |= wildcard;
        if (wildcard || !shoal_utf8_is_cont(c)) cur->chars++;
        cur->len++;
        pos++;
    }
    /* The pattern ends with % exactly when a % was seen and no segment is open at the end. */
    out->trailing_percent = has_percent && cur == NULL;
    if (!has_percent && count == 0) { /* the empty pattern: one empty segment */
        cur = &segs[count++];
        cur->bytes = bytes;
        cur->any = any;
        cur->len = 0;
        cur->chars = 0;
    }
    for (int s = 0; s < count; s++) {
        bool seg_any = false;
        for (uint32_t j = 0; j < segs[s].len; j++) seg_any |= segs[s].any[j];
        if (!seg_any) segs[s].any = NULL;
    }
    out->segment_count = count;

    if (count == 0) out->kind = SHOAL_LIKE_ALL;
    else if (has_underscore || case_insensitive || count > 1) out->kind = SHOAL_LIKE_GENERAL;
    else if (!has_percent) out->kind = SHOAL_LIKE_EXACT;
    else if (!out->leading_percent) out->kind = SHOAL_LIKE_PREFIX;
    else if (!out->trailing_percent) out->kind = SHOAL_LIKE_SUFFIX;
    else out->kind = SHOAL_LIKE_CONTAINS;
    return true;
}

void shoal_like_free(shoal_like_pattern *p)
{
    free(p->storage);
    memset(p, 0, sizeof *p);
}

/* Matches segment `g` at byte p of s; returns the end position or -1. */
static int64_t match_at(const shoal_like_segment *g, bool ci, const char *s, uint32_t n, uint32_t p)
{
    for (uint32_t j = 0; j < g->len; j++) {
        if (p >= n) return -1;
        if (g->any && g->any[j]) {
            p++;
            while (p < n && shoal_utf8_is_cont((unsigned char)s[p])) p++;
            continue;
        }
        unsigned char c = (unsigned char)s[p];
        if ((ci ? fold(c) : c) != (unsigned char)g->bytes[j]) return -1;
        p++;
    }
    return p;
}

/* Leftmost match of `g` starting in [from, limit] at a character boundary and ending at or
 * before limit; returns its end or -1. A later start never ends earlier, so the first
 * match that overruns the limit ends the search. */
static int64_t search(const shoal_like_segment *g, bool ci, const char *s, uint32_t n, uint32_t from,
                      uint32_t limit)
{
    bool literal_first = g->len > 0 && !(g->any && g->any[0]) && !ci;
    for (uint32_t p = from; p <= limit; p++) {
        if (literal_first) {
            const char *hit = p < limit ? memchr(s + p, g->bytes[0], limit - p) : NULL;
            if (!hit) return -1;
            p = (uint32_t)(hit - s);
        } else if (p < n && shoal_utf8_is_cont((unsigned char)s[p])) {
            continue;
        }
        int64_t end = match_at(g, ci, s, n, p);
        if (end >= 0) return end <= limit ? end : -1;
    }
    return -1;
}

static bool match_general(const shoal_like_pattern *pat, const char *s, uint32_t n)
{
    const shoal_like_segment *seg = pat->segments;
    bool ci = pat->case_insensitive;
    int first = 0, last = pat->segment_count - 1;
    uint32_t pos = 0, limit = n;
    if (!pat->leading_percent) {
        int64_t end = match_at(&seg[0], ci, s, n, 0);
        if (end < 0) return false;
        if (pat->segment_count == 1 && !pat->trailing_percent) return end == n;
        pos = (uint32_t)end;
        first = 1;
    }
    if (!pat->trailing_percent && last >= first) {
        /* the last segment ends the string: it starts `chars` characters before the end */
        const shoal_like_segment *g = &seg[last];
        uint32_t start = n;
        for (uint32_t c = 0; c < g->chars; c++) {
            if (start == 0) return false;
            start--;
            while (start > 0 && shoal_utf8_is_cont((unsigned char)s[start])) start--;
        }
        if (start < pos || match_at(g, ci, s, n, start) != n) return false;
        limit = start;
        last--;
    }
    for (int k = first; k <= last; k++) {
        int64_t end = search(&seg[k], ci, s, n, pos, limit);
        if (end < 0) return false;
        pos = (uint32_t)end;
    }
    return true;
}

bool shoal_like_match(const shoal_like_pattern *p, const char *s, uint32_t n)
{
    const shoal_like_segment *g = p->segments;
    switch ((shoal_like_kind)p->kind) {
    case SHOAL_LIKE_ALL: return true;
    case SHOAL_LIKE_EXACT: return n == g->len && bytes_equal(s, g->bytes, n);
    case SHOAL_LIKE_PREFIX: return n >= g->len && bytes_equal(s, g->bytes, g->len);
    case SHOAL_LIKE_SUFFIX: return n >= g->len && bytes_equal(s + n - g->len, g->bytes, g->len);
    case SHOAL_LIKE_CONTAINS: return g->len == 0 || (n >= g->len && memmem(s, n, g->bytes, g->len) != NULL);
    case SHOAL_LIKE_GENERAL: return match_general(p, s, n);
    }
    return false;
}

#define LIKE_LOOP(VALID_TEST, EXPR)                                                                    \
    if (sel) {                                                                                         \
        for (uint32_t i = 0; i < n; i++) {                                                             \
            uint32_t r = sel[i];                                                                       \
            out[r] = (uint8_t)(VALID_TEST && (EXPR));                                                  \
        }                                                                                              \
    } else {                                                                                           \
        for (uint32_t r = 0; r < n; r++) out[r] = (uint8_t)(VALID_TEST && (EXPR));                     \
    }
/* NULL rows get 0 without touching their bytes. */
#define LIKE_ROWS(EXPR)                                                                                \
    if (valid) {                                                                                       \
        LIKE_LOOP(shoal_bit_is_set(valid, r), EXPR)                                                    \
    } else {                                                                                           \
        LIKE_LOOP(1, EXPR)                                                                             \
    }

void kernel_like(const shoal_like_pattern *p, const shoal_string *restrict s, const uint32_t *sel, uint32_t n,
                 const uint64_t *restrict valid, uint8_t *restrict out)
{
    const shoal_like_segment *g = p->segments;
    switch ((shoal_like_kind)p->kind) {
    case SHOAL_LIKE_ALL: LIKE_ROWS(1); break;
    case SHOAL_LIKE_EXACT: LIKE_ROWS(s[r].len == g->len && bytes_equal(s[r].ptr, g->bytes, g->len)); break;
    case SHOAL_LIKE_PREFIX: LIKE_ROWS(s[r].len >= g->len && bytes_equal(s[r].ptr, g->bytes, g->len)); break;
    case SHOAL_LIKE_SUFFIX:
        LIKE_ROWS(s[r].len >= g->len && bytes_equal(s[r].ptr + s[r].len - g->len, g->bytes, g->len));
        break;
    case SHOAL_LIKE_CONTAINS:
        LIKE_ROWS(g->len == 0 || (s[r].len >= g->len && memmem(s[r].ptr, s[r].len, g->bytes, g->len) != NULL));
        break;
    case SHOAL_LIKE_GENERAL: LIKE_ROWS(match_general(p, s[r].ptr, s[r].len)); break;
    }
}
