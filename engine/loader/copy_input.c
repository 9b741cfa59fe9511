/* The COPY byte window: pread for plain files, zlib / libzstd streaming for compressed ones
 * (see copy_input.h). */
#include "engine/loader/copy_input.h"
#include "runtime/memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COMPRESSED_CHUNK ((size_t)256 << 10)

bool shoal_copy_input_open(shoal_copy_input *in, const char *path, shoal_copy_compression compression,
                           int64_t start, char *err, size_t err_size)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->path = path;
    in->compression = compression;
    if (compression != SHOAL_COPY_COMPRESSION_NONE && start != 0) {
        snprintf(err, err_size, "compressed file '%s' cannot be read from byte %lld: compressed files are read whole",
                 path, (long long)start);
        return false;
    }
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        snprintf(err, err_size, "could not open file '%s': %s", path, strerror(errno));
        return false;
    }
    posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    in->cap = SHOAL_COPY_INPUT_WINDOW;
    struct stat st;
    if (compression == SHOAL_COPY_COMPRESSION_NONE && fstat(in->fd, &st) == 0 && st.st_size - start < (off_t)in->cap / 2) {
        /* a small file or the tail of one: a window that fits it (it still grows if needed) */
        off_t left = st.st_size > start ? st.st_size - start : 0;
        in->cap = (size_t)left + 4096;
    }
    in->buf = shoal_xmalloc(in->cap + SHOAL_COPY_INPUT_PAD);
    memset(in->buf, 0, SHOAL_COPY_INPUT_PAD);
    in->base = start;
    in->next = start;
    if (compression == SHOAL_COPY_COMPRESSION_GZIP) {
        in->zcap = COMPRESSED_CHUNK;
        in->zbuf = shoal_xmalloc(in->zcap);
        if (inflateInit2(&in->zs, 15 + 32) != Z_OK) { /* 15 + 32: gzip or zlib header, detected */
            snprintf(err, err_size, "could not start gzip decompression of '%s'", path);
            shoal_copy_input_close(in);
            return false;
        }
        in->zs_ready = true;
    } else if (compression == SHOAL_COPY_COMPRESSION_ZSTD) {
        in->zcap = ZSTD_DStreamInSize();
        if (in->zcap < COMPRESSED_CHUNK) in->zcap = COMPRESSED_CHUNK;
        in->zbuf = shoal_xmalloc(in->zcap);
        in->zd = ZSTD_createDStream();
        if (in->zd == NULL || ZSTD_isError(ZSTD_initDStream(in->zd))) {
            snprintf(err, err_size, "could not start zstd decompression of '%s'", path);
            shoal_copy_input_close(in);
            return false;
        }
    }
    return true;
}

void shoal_copy_input_close(shoal_copy_input *in)
{
    if (in->fd >= 0) close(in->fd);
    if (in->zs_ready) inflateEnd(&in->zs);
    if (in->zd) ZSTD_freeDStream(in->zd);
    free(in->buf);
    free(in->zbuf);
    memset(in, 0, sizeof *in);
    in->fd = -1;
}

long shoal_copy_input_pread(shoal_copy_input *in, char *dst, size_t n, int64_t offset)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(in->fd, dst + got, n - got, (off_t)offset + (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (long)got;
}

/* Reads the next compressed chunk when the previous one is used up. */
static bool read_compressed(shoal_copy_input *in, char *err, size_t err_size)
{
    if (in->zpos < in->zlen || in->zeof) return true;
    ssize_t r;
    do r = read(in->fd, in->zbuf, in->zcap);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        snprintf(err, err_size, "could not read file '%s': %s", in->path, strerror(errno));
        return false;
    }
    in->zlen = (size_t)r;
    in->zpos = 0;
    if (r == 0) in->zeof = true;
    else in->any_input = true;
    return true;
}

static int more_gzip(shoal_copy_input *in, char *err, size_t err_size)
{
    size_t before = in->fill;
    while (in->fill < in->cap) {
        if (!read_compressed(in, err, err_size)) return -1;
        bool input_left = in->zpos < in->zlen;
        if (in->stream_end) {
            if (!input_left) { /* read_compressed found nothing more: the end */
                in->eof = true;
                break;
            }
            inflateReset(&in->zs); /* another gzip member follows */
            in->stream_end = false;
        }
        in->zs.next_in = in->zbuf + in->zpos;
        in->zs.avail_in = (uInt)(in->zlen - in->zpos);
        in->zs.next_out = (Bytef *)in->buf + in->fill;
        in->zs.avail_out = (uInt)(in->cap - in->fill);
        size_t old_fill = in->fill;
        int ret = inflate(&in->zs, Z_NO_FLUSH);
        in->zpos = in->zlen - in->zs.avail_in;
        in->fill = in->cap - in->zs.avail_out;
        if (ret == Z_STREAM_END) {
            in->stream_end = true;
            continue;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            snprintf(err, err_size, "could not decompress '%s' as gzip: %s", in->path,
                     in->zs.msg ? in->zs.msg : "corrupt data");
            return -1;
        }
        if (in->fill == old_fill && in->zpos == in->zlen && in->zeof) {
            if (in->any_input) {
                snprintf(err, err_size, "could not decompress '%s' as gzip: unexpected end of file", in->path);
                return -1;
            }
            in->eof = true; /* an empty file */
            break;
        }
    }
    return in->fill > before ? 1 : 0;
}

static int more_zstd(shoal_copy_input *in, char *err, size_t err_size)
{
    size_t before = in->fill;
    while (in->fill < in->cap) {
        if (!read_compressed(in, err, err_size)) return -1;
        if (in->zpos == in->zlen && in->zeof && !in->zstd_pending) {
            if (in->any_input && in->zstd_hint != 0) { /* the last frame did not end */
                snprintf(err, err_size, "could not decompress '%s' as zstd: unexpected end of file", in->path);
                return -1;
            }
            in->eof = true;
            break;
        }
        ZSTD_inBuffer src = {in->zbuf, in->zlen, in->zpos};
        ZSTD_outBuffer dst = {in->buf, in->cap, in->fill};
        size_t ret = ZSTD_decompressStream(in->zd, &dst, &src);
        if (ZSTD_isError(ret)) {
            snprintf(err, err_size, "could not decompress '%s' as zstd: %s", in->path, ZSTD_getErrorName(ret));
            return -1;
        }
        in->zstd_hint = ret;
        in->zstd_pending = dst.pos == dst.size; /* a full output may hide more to flush */
        in->zpos = src.pos;
        in->fill = dst.pos;
    }
    return in->fill > before ? 1 : 0;
}

int shoal_copy_input_more(shoal_copy_input *in, size_t keep_from, char *err, size_t err_size)
{
    if (keep_from > 0) {
        if (keep_from > in->fill) keep_from = in->fill;
        memmove(in->buf, in->buf + keep_from, in->fill - keep_from);
        in->fill -= keep_from;
        in->base += (int64_t)keep_from;
    }
    if (in->eof) {
        memset(in->buf + in->fill, 0, SHOAL_COPY_INPUT_PAD);
        return 0;
    }
    if (in->fill == in->cap) {
        if (in->cap >= SHOAL_COPY_MAX_LINE * 2) {
            snprintf(err, err_size, "file '%s' has a line longer than %zu MB near byte %lld", in->path,
                     SHOAL_COPY_MAX_LINE >> 20, (long long)in->base);
            return -1;
        }
        in->cap *= 2;
        in->buf = shoal_xrealloc(in->buf, in->cap + SHOAL_COPY_INPUT_PAD);
    }
    int result;
    if (in->compression == SHOAL_COPY_COMPRESSION_GZIP) {
        result = more_gzip(in, err, err_size);
    } else if (in->compression == SHOAL_COPY_COMPRESSION_ZSTD) {
        result = more_zstd(in, err, err_size);
    } else {
        ssize_t r;
        do r = pread(in->fd, in->buf + in->fill, in->cap - in->fill, (off_t)in->next);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            snprintf(err, err_size, "could not read file '%s': %s", in->path, strerror(errno));
            return -1;
        }
        if (r == 0) in->eof = true;
        in->fill += (size_t)r;
        in->next += r;
        result = r > 0;
    }
    if (result >= 0) memset(in->buf + in->fill, 0, SHOAL_COPY_INPUT_PAD);
    return result;
}
