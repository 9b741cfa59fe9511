/* Serialization of message payloads: a growable writer and a bounds-checked reader.
 * Integers are written little-endian at fixed width (ranks of one job share a byte order,
 * but fixed widths keep a payload's layout independent of the compiler); strings and byte
 * arrays carry a u32 length. A reader that runs past its end latches an error instead of
 * reading garbage, so a truncated payload is detected once, at the end. */
#ifndef SHOAL_RUNTIME_SERIALIZE_H
#define SHOAL_RUNTIME_SERIALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shoal_writer {
    uint8_t *data;
    size_t len, cap;
} shoal_writer;

void shoal_writer_init(shoal_writer *w, size_t initial_capacity);
void shoal_writer_free(shoal_writer *w);
/* Hands the buffer to the caller (who frees it) and resets the writer. */
uint8_t *shoal_writer_take(shoal_writer *w, size_t *len);
void *shoal_writer_reserve(shoal_writer *w, size_t n); /* n bytes to fill, appended */
void shoal_put_bytes(shoal_writer *w, const void *src, size_t n);
void shoal_put_u8(shoal_writer *w, uint8_t v);
void shoal_put_u32(shoal_writer *w, uint32_t v);
void shoal_put_u64(shoal_writer *w, uint64_t v);
void shoal_put_i32(shoal_writer *w, int32_t v);
void shoal_put_i64(shoal_writer *w, int64_t v);
void shoal_put_f64(shoal_writer *w, double v);
void shoal_put_str(shoal_writer *w, const char *s);                 /* NULL allowed */
void shoal_put_blob(shoal_writer *w, const void *src, uint32_t n);  /* u32 length + bytes */

typedef struct shoal_reader {
    const uint8_t *data;
    size_t len, pos;
    bool failed; /* set when a read ran past the end or a length was invalid */
} shoal_reader;

void shoal_reader_init(shoal_reader *r, const void *data, size_t len);
bool shoal_get_bytes(shoal_reader *r, void *dst, size_t n);
uint8_t shoal_get_u8(shoal_reader *r);
uint32_t shoal_get_u32(shoal_reader *r);
uint64_t shoal_get_u64(shoal_reader *r);
int32_t shoal_get_i32(shoal_reader *r);
int64_t shoal_get_i64(shoal_reader *r);
double shoal_get_f64(shoal_reader *r);
/* A string written by shoal_put_str, copied into a fresh malloc'd buffer (NULL stays NULL;
 * a malformed string also gives NULL and sets r->failed). */
char *shoal_get_str(shoal_reader *r);
/* Points into the reader's buffer (no copy); *n gets the length. */
const void *shoal_get_blob(shoal_reader *r, uint32_t *n);
/* True when every read succeeded and the whole buffer was consumed. */
static inline bool shoal_reader_done(const shoal_reader *r) { return !r->failed && r->pos == r->len; }

#endif
