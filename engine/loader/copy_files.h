/* Which files a COPY reads and who reads what: listing a path prefix the way an S3 key
 * prefix matches, and sharing the files out across ranks as byte ranges with balanced bytes
 * (large plain-text files split; compressed and CSV files whole). */
#ifndef SHOAL_LOADER_COPY_FILES_H
#define SHOAL_LOADER_COPY_FILES_H

#include "engine/loader/copy_options.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shoal_copy_file {
    char *path;
    int64_t size; /* bytes on disk (compressed size for GZIP/ZSTD) */
} shoal_copy_file;

typedef struct shoal_copy_file_list {
    shoal_copy_file *files; /* sorted by path (strcmp) */
    int count, capacity;
} shoal_copy_file_list;

/* Every regular file whose full path starts with `prefix`, as an S3 key prefix matches:
 * "dir/lineitem" matches dir/lineitem.tbl, dir/lineitem.tbl.2 and everything under a
 * directory dir/lineitem-parts/; "dir/" matches everything under dir. A prefix that names a
 * regular file exactly gives that file alone. Symbolic links are followed.
 * Errors: "no files match prefix '<p>'" when nothing matches (or the directory part does not
 * exist), "could not list directory '<d>': <strerror>" when a directory cannot be read. */
bool shoal_copy_list_files(const char *prefix, shoal_copy_file_list *out, char *err, size_t err_size);
void shoal_copy_file_list_free(shoal_copy_file_list *list);
/* Appends one entry (the planner's input can also be built by hand, e.g. on the leader
 * from a list it received). */
void shoal_copy_file_list_add(shoal_copy_file_list *list, const char *path, int64_t size);

/* A piece of one file: the lines whose first byte lies in [start, end) (see copy_parse.h for
 * the exact rule). end = -1 means "to the end of the file". `path` points into the file
 * list the plan was made from. */
typedef struct shoal_copy_range {
    const char *path;
    int file_index; /* in the file list; -1 when made by hand */
    int64_t start, end;
} shoal_copy_range;

typedef struct shoal_copy_work {
    shoal_copy_range *ranges; /* in file-list order, then by start */
    int count, capacity;
    int64_t bytes;            /* sum of the ranges' sizes */
} shoal_copy_work;

#define SHOAL_COPY_MIN_SPLIT ((int64_t)16 << 20)  /* default smallest piece of a split file */
#define SHOAL_COPY_SPLIT_FLOOR ((int64_t)1 << 20) /* files below this are never split */

/* Whether these options let a file be read as several byte ranges: plain (uncompressed)
 * text files only. Compressed streams cannot be entered in the middle, and in CSV a quoted
 * field may hold a newline, so a range could not tell where its first row begins. */
bool shoal_copy_options_splittable(const shoal_copy_options *o);

/* Shares `files` out over `nranks` work lists (works[0..nranks-1], filled here; free with
 * shoal_copy_work_free) so that every rank gets about total/nranks bytes:
 *   1. files that cannot be split go whole, largest first, each to the least-loaded rank
 *      (ties: the lowest rank);
 *   2. the splittable files, in list order, fill each rank up to the per-rank target, rank 0
 *      first. A piece is never smaller than min(min_split, max(size/nranks, FLOOR)) except when
 *      it is the whole file, and a file's last piece absorbs a remainder smaller than that.
 * min_split <= 0 means SHOAL_COPY_MIN_SPLIT. Deterministic: every rank computes the same plan. */
void shoal_copy_plan(const shoal_copy_file_list *files, const shoal_copy_options *o, int nranks,
                     int64_t min_split, shoal_copy_work *works);
void shoal_copy_work_free(shoal_copy_work *works, int nranks);

#endif
