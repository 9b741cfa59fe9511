/* The byte source under the COPY parser: a sliding window over one file's (uncompressed)
 * bytes, fed by pread for plain files and by streaming decompression for gzip (zlib,
 * concatenated members included) and zstd (libzstd, any number of frames). Internal to
 * engine/loader. */
#ifndef SHOAL_LOADER_COPY_INPUT_H
#define SHOAL_LOADER_COPY_INPUT_H

#include "engine/loader/copy_options.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>
#include <zstd.h>

#define SHOAL_COPY_INPUT_PAD 64                  /* zero bytes kept after buf[fill] */
#ifndef SHOAL_COPY_INPUT_WINDOW_KB
#define SHOAL_COPY_INPUT_WINDOW_KB 256 /* small enough that a refill is still in L2 when scanned */
#endif
#define SHOAL_COPY_INPUT_WINDOW ((size_t)SHOAL_COPY_INPUT_WINDOW_KB << 10) /* initial window */
#define SHOAL_COPY_MAX_LINE ((size_t)64 << 20)    /* a row longer than this fails the load */

typedef struct shoal_copy_input {
    int fd;
    shoal_copy_compression compression;
    const char *path;
    char *buf;        /* cap + SHOAL_COPY_INPUT_PAD bytes; [0, fill) hold data */
    size_t cap, fill;
    int64_t base;     /* offset in the uncompressed file of buf[0] */
    bool eof;         /* nothing follows buf[fill) */
    int64_t next;     /* plain files: the next offset to read */
    /* compressed input */
    unsigned char *zbuf;
    size_t zcap, zlen, zpos;
    bool zeof, any_input, stream_end;
    z_stream zs;
    bool zs_ready;
    ZSTD_DStream *zd;
    size_t zstd_hint; /* last ZSTD_decompressStream result: 0 = a frame just ended */
    bool zstd_pending; /* the last call filled the window: call again even without input */
} shoal_copy_input;

/* Opens `path` and positions the window at uncompressed offset `start` (only 0 for
 * compressed files). Returns false with a message ("could not open file '...': ..."). */
bool shoal_copy_input_open(shoal_copy_input *in, const char *path, shoal_copy_compression compression,
                           int64_t start, char *err, size_t err_size);

/* Drops buf[0, keep_from), moves the rest to the front and reads more, growing the window
 * when it is full and nothing can be dropped. Returns 1 when bytes were added, 0 at the end
 * of the file (in->eof is then set), -1 on an error (read failure, corrupt or truncated
 * compressed data, a line longer than SHOAL_COPY_MAX_LINE) with the message in err. */
int shoal_copy_input_more(shoal_copy_input *in, size_t keep_from, char *err, size_t err_size);

void shoal_copy_input_close(shoal_copy_input *in);

/* Reads up to n bytes at `offset` of a plain file without moving the window (for looking
 * behind a range's start). Returns the count read, or -1. */
long shoal_copy_input_pread(shoal_copy_input *in, char *dst, size_t n, int64_t offset);

#endif
