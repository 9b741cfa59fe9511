/* Storage I/O wrappers (see storage_io.h): POSIX calls with errors as values naming the file,
 * EINTR retried, and the fault-injection counter that turns the Nth mutating call and all
 * later ones into EIO failures (a simulated crash). */
#include "engine/storage/storage_io.h"
#include "runtime/memory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool shoal_storage_fail(shoal_error *err, const char *sqlstate, const char *fmt, ...)
{
    if (err == NULL) return false;
    err->rank = -1;
    snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

static bool io_fail(shoal_error *err, const char *what, const char *path, int errnum)
{
    return shoal_storage_fail(err, SHOAL_SQLSTATE_IO_ERROR, "%s \"%s\": %s", what, path,
                              strerror(errnum));
}

/* ---- fault injection ---- */

static _Atomic long fault_ops;      /* mutating calls since reset */
static _Atomic long fault_fail_at;  /* 0: never */
static _Atomic bool fault_tripped;

void shoal_storage_fault_reset(void)
{
    fault_fail_at = 0;
    fault_ops = 0;
    fault_tripped = false;
}

void shoal_storage_fault_fail_at(long n)
{
    fault_ops = 0;
    fault_tripped = false;
    fault_fail_at = n > 0 ? n : 0;
}

long shoal_storage_fault_ops(void) { return fault_ops; }
bool shoal_storage_fault_tripped(void) { return fault_tripped; }

/* Counts one mutating call; true when it must fail. */
static bool fault_hit(void)
{
    long n = ++fault_ops;
    long at = fault_fail_at;
    if (at > 0 && n >= at) {
        fault_tripped = true;
        return true;
    }
    return false;
}

/* ---- calls ---- */

int shoal_io_create(const char *path, shoal_error *err)
{
    if (fault_hit()) {
        io_fail(err, "could not create file", path, EIO);
        return -1;
    }
    int fd;
    do fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) io_fail(err, "could not create file", path, errno);
    return fd;
}

int shoal_io_open_read(const char *path, shoal_error *err)
{
    int fd;
    do fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) io_fail(err, "could not open file", path, errno);
    return fd;
}

static bool write_some(int fd, const uint8_t *p, size_t len, const char *path, shoal_error *err)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_fail(err, "could not write to file", path, errno);
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool shoal_io_write_all(int fd, const void *data, size_t len, const char *path, shoal_error *err)
{
    if (fault_hit()) {
        /* A torn write: half of it reaches the file, then the "crash". */
        (void)write_some(fd, data, len / 2, path, NULL);
        return io_fail(err, "could not write to file", path, EIO);
    }
    return write_some(fd, data, len, path, err);
}

bool shoal_io_pread_all(int fd, void *buf, size_t len, uint64_t offset, const char *path,
                        shoal_error *err)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_fail(err, "could not read file", path, errno);
        }
        if (n == 0)
            return shoal_storage_fail(err, SHOAL_SQLSTATE_DATA_CORRUPTED,
                                      "file \"%s\" is truncated: %zu bytes missing at offset %llu",
                                      path, len, (unsigned long long)offset);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return true;
}

bool shoal_io_fsync(int fd, const char *path, shoal_error *err)
{
    if (fault_hit()) return io_fail(err, "could not fsync file", path, EIO);
    int rc;
    do rc = fsync(fd);
    while (rc != 0 && errno == EINTR);
    return rc == 0 || io_fail(err, "could not fsync file", path, errno);
}

bool shoal_io_fsync_dir(const char *path, shoal_error *err)
{
    if (fault_hit()) return io_fail(err, "could not fsync directory", path, EIO);
    int fd;
    do fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return io_fail(err, "could not open directory", path, errno);
    int rc;
    do rc = fsync(fd);
    while (rc != 0 && errno == EINTR);
    int saved = errno;
    close(fd);
    return rc == 0 || io_fail(err, "could not fsync directory", path, saved);
}

bool shoal_io_rename(const char *from, const char *to, shoal_error *err)
{
    if (fault_hit()) return io_fail(err, "could not rename file", from, EIO);
    if (rename(from, to) == 0) return true;
    return shoal_storage_fail(err, SHOAL_SQLSTATE_IO_ERROR, "could not rename \"%s\" to \"%s\": %s",
                              from, to, strerror(errno));
}

bool shoal_io_unlink(const char *path, shoal_error *err)
{
    if (fault_hit()) return io_fail(err, "could not remove file", path, EIO);
    return unlink(path) == 0 || errno == ENOENT || io_fail(err, "could not remove file", path, errno);
}

bool shoal_io_mkdir(const char *path, shoal_error *err)
{
    if (fault_hit()) return io_fail(err, "could not create directory", path, EIO);
    if (mkdir(path, 0755) == 0) return true;
    if (errno == EEXIST && shoal_io_is_dir(path)) return true;
    return io_fail(err, "could not create directory", path, errno);
}

bool shoal_io_rmdir(const char *path, shoal_error *err)
{
    if (fault_hit()) return io_fail(err, "could not remove directory", path, EIO);
    return rmdir(path) == 0 || errno == ENOENT || io_fail(err, "could not remove directory", path, errno);
}

void shoal_io_close(int fd)
{
    if (fd >= 0) close(fd);
}

bool shoal_io_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool shoal_io_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int64_t shoal_io_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

bool shoal_io_read_file(const char *path, uint8_t **data, size_t *len, shoal_error *err)
{
    *data = NULL;
    *len = 0;
    int fd = shoal_io_open_read(path, err);
    if (fd < 0) return false;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return io_fail(err, "could not stat file", path, e);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = shoal_xmalloc(n + 16);
    memset(buf + n, 0, 16);
    bool ok = shoal_io_pread_all(fd, buf, n, 0, path, err);
    close(fd);
    if (!ok) {
        free(buf);
        return false;
    }
    *data = buf;
    *len = n;
    return true;
}

bool shoal_io_list_dir(const char *path, char ***names, size_t *count, shoal_error *err)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(path);
    if (d == NULL) return io_fail(err, "could not open directory", path, errno);
    size_t n = 0, cap = 16;
    char **list = shoal_xmalloc(cap * sizeof *list);
    int e2;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (e == NULL) {
            e2 = errno;
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (n == cap) list = shoal_xrealloc(list, (cap *= 2) * sizeof *list);
        list[n++] = shoal_xstrdup(e->d_name);
    }
    closedir(d);
    if (e2 != 0) {
        shoal_io_free_names(list, n);
        return io_fail(err, "could not read directory", path, e2);
    }
    *names = list;
    *count = n;
    return true;
}

void shoal_io_free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++) free(names[i]);
    free(names);
}

char *shoal_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = shoal_xmalloc(a + b + 2);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}
