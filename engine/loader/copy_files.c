/* Listing the files under a COPY prefix (S3 key-prefix semantics on a local file system) and
 * planning per-rank byte ranges with balanced bytes (see copy_files.h). */
#include "engine/loader/copy_files.h"
#include "runtime/memory.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void shoal_copy_file_list_add(shoal_copy_file_list *list, const char *path, int64_t size)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 16;
        list->files = shoal_xrealloc(list->files, (size_t)list->capacity * sizeof *list->files);
    }
    list->files[list->count].path = shoal_xstrdup(path);
    list->files[list->count].size = size;
    list->count++;
}

void shoal_copy_file_list_free(shoal_copy_file_list *list)
{
    for (int i = 0; i < list->count; i++) free(list->files[i].path);
    free(list->files);
    memset(list, 0, sizeof *list);
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a > 0 && dir[a - 1] != '/';
    char *p = shoal_xmalloc(a + b + 2);
    memcpy(p, dir, a);
    if (slash) p[a++] = '/';
    memcpy(p + a, name, b + 1);
    return p;
}

/* Adds `path` if it is a regular file, or everything below it if it is a directory. */
static bool add_tree(const char *path, int depth, shoal_copy_file_list *out, char *err, size_t err_size)
{
    struct stat st;
    if (stat(path, &st) != 0) return true; /* vanished or a dangling link: not a file */
    if (S_ISREG(st.st_mode)) {
        shoal_copy_file_list_add(out, path, (int64_t)st.st_size);
        return true;
    }
    if (!S_ISDIR(st.st_mode)) return true;
    if (depth > 64) {
        snprintf(err, err_size, "directories nested too deeply (a symbolic link loop?) at '%s'", path);
        return false;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        snprintf(err, err_size, "could not list directory '%s': %s", path, strerror(errno));
        return false;
    }
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *child = join(path, e->d_name);
        ok = add_tree(child, depth + 1, out, err, err_size);
        free(child);
    }
    closedir(d);
    return ok;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(((const shoal_copy_file *)a)->path, ((const shoal_copy_file *)b)->path);
}

bool shoal_copy_list_files(const char *prefix, shoal_copy_file_list *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (prefix == NULL || prefix[0] == '\0') {
        snprintf(err, err_size, "COPY needs a file path or prefix");
        return false;
    }
    struct stat st;
    if (stat(prefix, &st) == 0 && S_ISREG(st.st_mode)) {
        shoal_copy_file_list_add(out, prefix, (int64_t)st.st_size);
        return true;
    }
    const char *slash = strrchr(prefix, '/');
    char *dir = slash ? strndup(prefix, (size_t)(slash - prefix + 1)) : shoal_xstrdup("");
    if (dir == NULL) dir = shoal_xstrdup("");
    const char *name_prefix = slash ? slash + 1 : prefix;
    size_t name_len = strlen(name_prefix);

    DIR *d = opendir(dir[0] ? dir : ".");
    if (d == NULL) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) snprintf(err, err_size, "no files match prefix '%s'", prefix);
        else snprintf(err, err_size, "could not list directory '%s': %s", dir[0] ? dir : ".", strerror(e));
        free(dir);
        return false;
    }
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (strncmp(e->d_name, name_prefix, name_len) != 0) continue;
        char *path = join(dir, e->d_name);
        ok = add_tree(path, 0, out, err, err_size);
        free(path);
    }
    closedir(d);
    free(dir);
    if (ok && out->count == 0) {
        snprintf(err, err_size, "no files match prefix '%s'", prefix);
        ok = false;
    }
    if (!ok) {
        shoal_copy_file_list_free(out);
        return false;
    }
    qsort(out->files, (size_t)out->count, sizeof *out->files, compare_paths);
    return true;
}

/* ---- planning ---- */

bool shoal_copy_options_splittable(const shoal_copy_options *o)
{
    return !o->csv && o->compression == SHOAL_COPY_COMPRESSION_NONE;
}

static void add_range(shoal_copy_work *w, const shoal_copy_file_list *files, int index, int64_t start, int64_t end)
{
    if (w->count == w->capacity) {
        w->capacity = w->capacity ? w->capacity * 2 : 8;
        w->ranges = shoal_xrealloc(w->ranges, (size_t)w->capacity * sizeof *w->ranges);
    }
    shoal_copy_range *r = &w->ranges[w->count++];
    r->path = files->files[index].path;
    r->file_index = index;
    r->start = start;
    r->end = end;
    w->bytes += (end < 0 ? files->files[index].size : end) - start;
}

static int least_loaded(const shoal_copy_work *works, int nranks)
{
    int best = 0;
    for (int r = 1; r < nranks; r++)
        if (works[r].bytes < works[best].bytes) best = r;
    return best;
}

static int compare_size_desc(const void *a, const void *b, void *arg)
{
    const shoal_copy_file_list *files = arg;
    int i = *(const int *)a, j = *(const int *)b;
    int64_t si = files->files[i].size, sj = files->files[j].size;
    if (si != sj) return si > sj ? -1 : 1;
    return (i > j) - (i < j);
}

static int compare_ranges(const void *a, const void *b)
{
    const shoal_copy_range *x = a, *y = b;
    if (x->file_index != y->file_index) return (x->file_index > y->file_index) - (x->file_index < y->file_index);
    return (x->start > y->start) - (x->start < y->start);
}

void shoal_copy_plan(const shoal_copy_file_list *files, const shoal_copy_options *o, int nranks,
                     int64_t min_split, shoal_copy_work *works)
{
    if (nranks < 1) nranks = 1;
    if (min_split <= 0) min_split = SHOAL_COPY_MIN_SPLIT;
    memset(works, 0, (size_t)nranks * sizeof *works);
    bool splittable = shoal_copy_options_splittable(o);
    int64_t total = 0;
    for (int i = 0; i < files->count; i++) total += files->files[i].size;

    /* 1. whole files, largest first, to the least-loaded rank */
    if (!splittable) {
        int *order = shoal_xmalloc((size_t)(files->count ? files->count : 1) * sizeof *order);
        for (int i = 0; i < files->count; i++) order[i] = i;
        qsort_r(order, (size_t)files->count, sizeof *order, compare_size_desc, (void *)files);
        for (int k = 0; k < files->count; k++) add_range(&works[least_loaded(works, nranks)], files, order[k], 0, -1);
        free(order);
        return;
    }

    /* 2. split files fill the ranks in order up to the target */
    int64_t target = (total + nranks - 1) / nranks;
    int cur = 0;
    for (int i = 0; i < files->count; i++) {
        int64_t size = files->files[i].size, off = 0;
        int64_t per_rank = (size + nranks - 1) / nranks;
        int64_t min_piece = per_rank > SHOAL_COPY_SPLIT_FLOOR ? per_rank : SHOAL_COPY_SPLIT_FLOOR;
        if (min_piece > min_split) min_piece = min_split;
        if (min_piece < 1) min_piece = 1;
        if (size == 0) {
            while (cur < nranks - 1 && works[cur].bytes >= target) cur++;
            add_range(&works[cur], files, i, 0, -1);
            continue;
        }
        while (off < size) {
            while (cur < nranks - 1 && works[cur].bytes >= target) cur++;
            int64_t left = size - off, take;
            int r = cur;
            if (works[cur].bytes >= target) {
                r = least_loaded(works, nranks);
                take = left;
            } else {
                take = target - works[cur].bytes;
                if (take > left) take = left;
                if (take < min_piece) take = min_piece < left ? min_piece : left;
                if (left - take < min_piece) take = left;
            }
            add_range(&works[r], files, i, off, off + take == size ? -1 : off + take);
            off += take;
        }
    }
    for (int r = 0; r < nranks; r++)
        if (works[r].count > 1) qsort(works[r].ranges, (size_t)works[r].count, sizeof *works[r].ranges, compare_ranges);
}

void shoal_copy_work_free(shoal_copy_work *works, int nranks)
{
    for (int r = 0; r < nranks; r++) {
        free(works[r].ranges);
        memset(&works[r], 0, sizeof works[r]);
    }
}
