/* Storage I/O: every POSIX call the storage layer makes that changes the disk (create, write,
 * fsync, rename, unlink, mkdir, rmdir) goes through here, returns errors as values whose
 * message names the file and the errno text, and passes a fault-injection hook for tests. */
#ifndef SHOAL_STORAGE_IO_H
#define SHOAL_STORAGE_IO_H

#include "runtime/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SQLSTATE-style codes of storage errors (PostgreSQL's classes). */
#define SHOAL_SQLSTATE_IO_ERROR "58030"          /* io_error */
#define SHOAL_SQLSTATE_DATA_CORRUPTED "XX001"    /* data_corrupted */
#define SHOAL_SQLSTATE_INVALID_PARAMETER "22023" /* invalid_parameter_value */
#define SHOAL_SQLSTATE_UNDEFINED_TABLE "42P01"   /* undefined_table */
#define SHOAL_SQLSTATE_DATATYPE_MISMATCH "42804" /* datatype_mismatch */
#define SHOAL_SQLSTATE_OBJECT_IN_USE "55006"     /* object_in_use */

/* Sets err (rank -1: the caller knows its rank) and returns false, so callers can write
 * `return shoal_storage_fail(err, ...)`. err may be NULL. */
bool shoal_storage_fail(shoal_error *err, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- fault injection (tests) ----
 * Mutating calls (create, write, fsync, fsync of a directory, rename, unlink, mkdir, rmdir)
 * are counted. After shoal_storage_fault_fail_at(n), the nth mutating call from then on fails
 * with EIO (a write first writes half its bytes: a torn write) and so does every later one,
 * as if the process had crashed at that point; reads keep working. */
void shoal_storage_fault_reset(void);     /* no failures; counter back to 0 */
void shoal_storage_fault_fail_at(long n); /* n >= 1; also resets the counter */
long shoal_storage_fault_ops(void);       /* mutating calls since the last reset */
bool shoal_storage_fault_tripped(void);   /* whether the injected failure has happened */

/* ---- calls: each returns false (or -1) with err set on failure ---- */
int shoal_io_create(const char *path, shoal_error *err);    /* O_WRONLY|O_CREAT|O_TRUNC */
int shoal_io_open_read(const char *path, shoal_error *err); /* O_RDONLY */
bool shoal_io_write_all(int fd, const void *data, size_t len, const char *path, shoal_error *err);
/* Reads exactly len bytes at offset; a short read is reported as a truncated file. */
bool shoal_io_pread_all(int fd, void *buf, size_t len, uint64_t offset, const char *path,
                        shoal_error *err);
bool shoal_io_fsync(int fd, const char *path, shoal_error *err);
bool shoal_io_fsync_dir(const char *path, shoal_error *err);
bool shoal_io_rename(const char *from, const char *to, shoal_error *err);
bool shoal_io_unlink(const char *path, shoal_error *err); /* a missing file is success */
bool shoal_io_mkdir(const char *path, shoal_error *err);  /* an existing directory is success */
bool shoal_io_rmdir(const char *path, shoal_error *err);  /* a missing directory is success */
void shoal_io_close(int fd);
bool shoal_io_exists(const char *path);
bool shoal_io_is_dir(const char *path);
/* Reads a whole file into a fresh malloc'd buffer (with 16 zero bytes after the end). */
bool shoal_io_read_file(const char *path, uint8_t **data, size_t *len, shoal_error *err);
/* Names in a directory (not "." or ".."), malloc'd; free with shoal_io_free_names. */
bool shoal_io_list_dir(const char *path, char ***names, size_t *count, shoal_error *err);
void shoal_io_free_names(char **names, size_t count);
/* Size of a file in bytes, or -1. */
int64_t shoal_io_file_size(const char *path);

/* "dir/name" in a fresh malloc'd string. */
char *shoal_path_join(const char *dir, const char *name);

#endif
