/* Catalog storage and lookup (see catalog.h). */
#include "engine/catalog/catalog.h"
#include "runtime/memory.h"
#include "runtime/serialize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CATALOG_MAGIC 0x4c41544c414f4853ull /* "SHOALTAL" */
/* 1: no statistics; 2: statistics with their sketches inline; 3: statistics summaries, the
 * sketches in files of their own (sketches/). Formats 1 and 2 are still read. */
#define CATALOG_FORMAT 3
#define SKETCH_FILE_MAGIC 0x4b534853u /* "SHSK" */

static void free_stats(shoal_column_stats *stats, int count)
{
    if (stats == NULL) return;
    for (int i = 0; i < count; i++) shoal_column_stats_free(&stats[i]);
    free(stats);
}

void shoal_table_def_free(shoal_table_def *t)
{
    if (t == NULL) return;
    for (int i = 0; i < t->column_count; i++) free(t->columns[i].default_sql);
    free(t->columns);
    free_stats(t->stats, t->column_count);
    free(t);
}

const shoal_column_stats *shoal_table_column_stats(const shoal_table_def *t, int col)
{
    if (t == NULL || t->stats == NULL || col < 0 || col >= t->column_count) return NULL;
    return &t->stats[col];
}

void shoal_table_set_stats(shoal_table_def *t, shoal_column_stats *stats)
{
    free_stats(t->stats, t->column_count);
    t->stats = stats;
    t->sketch_dirty = stats != NULL;
}

/* ---- sketch files ---- */

static void catalog_dir(const shoal_catalog *cat, char *buf, size_t size)
{
    snprintf(buf, size, "%s", cat->path);
    char *slash = strrchr(buf, '/');
    if (slash) *slash = '\0';
    else snprintf(buf, size, ".");
}

static void sketch_path(const shoal_catalog *cat, uint32_t table_id, uint64_t version, char *buf, size_t size)
{
    char dir[4096];
    catalog_dir(cat, dir, sizeof dir);
    snprintf(buf, size, "%s/sketches/table-%u-v%llu", dir, table_id, (unsigned long long)version);
}

static bool fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

/* u32 magic, u32 table id, u64 version, u32 columns, the sketches (shoal_hll_write). */
static bool write_sketch_file(const shoal_catalog *cat, const shoal_table_def *t, uint64_t version, char *err,
                              size_t err_size)
{
    char dir[4096], sub[4200], path[4300], tmp[4400];
    catalog_dir(cat, dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/sketches", dir);
    if (mkdir(sub, 0755) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "cannot create %s: %s", sub, strerror(errno));
        return false;
    }
    sketch_path(cat, t->id, version, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    shoal_writer w;
    shoal_writer_init(&w, 16384);
    shoal_put_u32(&w, SKETCH_FILE_MAGIC);
    shoal_put_u32(&w, t->id);
    shoal_put_u64(&w, version);
    shoal_put_u32(&w, (uint32_t)t->column_count);
    for (int c = 0; c < t->column_count; c++) shoal_hll_write(&w, t->stats[c].hll);
    bool ok = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        ok = write(fd, w.data, w.len) == (ssize_t)w.len && fsync(fd) == 0;
        close(fd);
    }
    ok = ok && rename(tmp, path) == 0 && fsync_dir(sub);
    if (!ok) {
        snprintf(err, err_size, "cannot write the statistics file %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    shoal_writer_free(&w);
    return ok;
}

bool shoal_catalog_load_sketches(const shoal_catalog *cat, shoal_table_def *t, char *err, size_t err_size)
{
    if (t->stats == NULL) return true;
    bool missing = false;
    for (int c = 0; c < t->column_count; c++) missing |= t->stats[c].hll == NULL;
    if (!missing) return true;
    if (t->sketch_version == 0) {
        snprintf(err, err_size, "table %s has statistics but no sketch file", t->name);
        return false;
    }
    char path[4300];
    sketch_path(cat, t->id, t->sketch_version, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_size, "cannot read the statistics file %s: %s", path, strerror(errno));
        return false;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = shoal_xmalloc(size > 0 ? (size_t)size : 1);
    size_t got = fread(buf, 1, size > 0 ? (size_t)size : 0, f);
    fclose(f);
    shoal_reader r;
    shoal_reader_init(&r, buf, got);
    bool ok = shoal_get_u32(&r) == SKETCH_FILE_MAGIC && shoal_get_u32(&r) == t->id &&
              shoal_get_u64(&r) == t->sketch_version && shoal_get_u32(&r) == (uint32_t)t->column_count;
    uint8_t **regs = shoal_xcalloc((size_t)t->column_count + 1, sizeof *regs);
    for (int c = 0; c < t->column_count && ok; c++) ok = shoal_hll_read(&r, &regs[c]);
    ok = ok && shoal_reader_done(&r);
    for (int c = 0; c < t->column_count; c++) {
        if (ok && t->stats[c].hll == NULL) t->stats[c].hll = regs[c];
        else free(regs[c]);
    }
    free(regs);
    free(buf);
    if (!ok) snprintf(err, err_size, "the statistics file %s is damaged", path);
    return ok;
}

/* Deletes sketch files no table's sketch_version names (interrupted saves, dropped tables). */
static void sweep_sketches(const shoal_catalog *cat)
{
    char dir[4096], sub[4200];
    catalog_dir(cat, dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/sketches", dir);
    DIR *d = opendir(sub);
    if (d == NULL) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned id;
        unsigned long long version;
        char rest[8];
        int fields = sscanf(e->d_name, "table-%u-v%llu%1s", &id, &version, rest);
        if (fields < 2) continue; /* not a sketch file */
        bool keep = false;      /* a name with more after it (a .tmp) never is */
        for (int i = 0; i < cat->table_count && !keep && fields == 2; i++)
            keep = cat->tables[i]->id == id && cat->tables[i]->sketch_version == version;
        if (!keep) {
            char path[4500];
            snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

shoal_table_def *shoal_table_def_copy(const shoal_table_def *t)
{
    shoal_table_def *c = shoal_xmalloc(sizeof *c);
    *c = *t;
    c->columns = shoal_xcalloc((size_t)t->column_count + 1, sizeof(shoal_catalog_column));
    for (int i = 0; i < t->column_count; i++) {
        c->columns[i] = t->columns[i];
        if (t->columns[i].default_sql) c->columns[i].default_sql = shoal_xstrdup(t->columns[i].default_sql);
    }
    if (t->stats) {
        c->stats = shoal_xcalloc((size_t)t->column_count + 1, sizeof *c->stats);
        for (int i = 0; i < t->column_count; i++) shoal_column_stats_copy(&c->stats[i], &t->stats[i]);
    }
    return c;
}

static void put_name(shoal_writer *w, const char *s) { shoal_put_str(w, s); }

static bool get_name(shoal_reader *r, char *dst)
{
    char *s = shoal_get_str(r);
    if (s == NULL || strlen(s) >= SHOAL_NAME_MAX) {
        free(s);
        r->failed = true;
        return false;
    }
    strcpy(dst, s);
    free(s);
    return true;
}

static void write_table(shoal_writer *w, const shoal_table_def *t, uint64_t sketch_version)
{
    shoal_put_u32(w, t->id);
    put_name(w, t->schema);
    put_name(w, t->name);
    shoal_put_i32(w, t->column_count);
    for (int i = 0; i < t->column_count; i++) {
        const shoal_catalog_column *c = &t->columns[i];
        put_name(w, c->name);
        shoal_put_u8(w, c->type.id);
        shoal_put_u8(w, c->type.precision);
        shoal_put_u8(w, c->type.scale);
        shoal_put_u32(w, c->type.length);
        shoal_put_u8(w, c->not_null);
        shoal_put_u8(w, c->primary_key);
        put_name(w, c->encoding);
        shoal_put_str(w, c->default_sql);
        shoal_put_u8(w, c->identity);
        shoal_put_i64(w, c->identity_seed);
        shoal_put_i64(w, c->identity_step);
    }
    shoal_put_u8(w, t->diststyle);
    shoal_put_i32(w, t->distkey);
    shoal_put_i32(w, t->sortkey_count);
    for (int i = 0; i < t->sortkey_count; i++) shoal_put_i32(w, t->sortkeys[i]);
    shoal_put_u64(w, t->version);
    shoal_put_u64(w, t->row_count);
    shoal_put_i64(w, t->next_identity);
    shoal_put_u8(w, t->resolved_dist);
    shoal_put_u8(w, t->stats != NULL);
    if (t->stats) {
        for (int i = 0; i < t->column_count; i++) shoal_column_stats_write_summary(w, &t->stats[i]);
        shoal_put_u64(w, sketch_version);
    }
}

static shoal_table_def *read_table(shoal_reader *r, uint32_t format)
{
    shoal_table_def *t = shoal_xcalloc(1, sizeof *t);
    t->id = shoal_get_u32(r);
    get_name(r, t->schema);
    get_name(r, t->name);
    t->column_count = shoal_get_i32(r);
    if (r->failed || t->column_count < 0 || t->column_count > 1600) {
        r->failed = true;
        t->column_count = 0;
        shoal_table_def_free(t);
        return NULL;
    }
    t->columns = shoal_xcalloc((size_t)t->column_count + 1, sizeof(shoal_catalog_column));
    for (int i = 0; i < t->column_count && !r->failed; i++) {
        shoal_catalog_column *c = &t->columns[i];
        get_name(r, c->name);
        c->type.id = shoal_get_u8(r);
        c->type.precision = shoal_get_u8(r);
        c->type.scale = shoal_get_u8(r);
        c->type.length = shoal_get_u32(r);
        c->not_null = shoal_get_u8(r);
        c->primary_key = shoal_get_u8(r);
        char *enc = shoal_get_str(r);
        if (enc == NULL || strlen(enc) >= sizeof c->encoding) r->failed = true;
        else strcpy(c->encoding, enc);
        free(enc);
        c->default_sql = shoal_get_str(r);
        c->identity = shoal_get_u8(r);
        c->identity_seed = shoal_get_i64(r);
        c->identity_step = shoal_get_i64(r);
    }
    t->diststyle = shoal_get_u8(r);
    t->distkey = shoal_get_i32(r);
    t->sortkey_count = shoal_get_i32(r);
    if (t->sortkey_count < 0 || t->sortkey_count > SHOAL_MAX_SORTKEYS) r->failed = true;
    for (int i = 0; i < t->sortkey_count && !r->failed; i++) t->sortkeys[i] = shoal_get_i32(r);
    t->version = shoal_get_u64(r);
    t->row_count = shoal_get_u64(r);
    t->next_identity = shoal_get_i64(r);
    t->resolved_dist = shoal_get_u8(r);
    if (format >= 2 && shoal_get_u8(r) && !r->failed) {
        t->stats = shoal_xcalloc((size_t)t->column_count + 1, sizeof *t->stats);
        for (int i = 0; i < t->column_count && !r->failed; i++) {
            if (format == 2) shoal_column_stats_read(r, &t->stats[i]); /* sketches inline */
            else shoal_column_stats_read_summary(r, &t->stats[i]);
        }
        if (format >= 3) t->sketch_version = shoal_get_u64(r);
        else t->sketch_dirty = true; /* the next save moves the sketches to a file */
    }
    if (r->failed) {
        shoal_table_def_free(t);
        return NULL;
    }
    return t;
}

bool shoal_catalog_save(const shoal_catalog *cat, char *err, size_t err_size)
{
    /* first the sketches of tables whose statistics changed: files named by the table
     * version, which the catalog written next names (the commit point) */
    uint64_t *fresh = shoal_xcalloc((size_t)cat->table_count + 1, sizeof *fresh);
    bool ok = true;
    for (int i = 0; i < cat->table_count && ok; i++) {
        shoal_table_def *t = cat->tables[i];
        if (t->stats == NULL || !t->sketch_dirty) continue;
        uint64_t version = t->version ? t->version : 1;
        ok = write_sketch_file(cat, t, version, err, err_size);
        if (ok) fresh[i] = version;
    }
    shoal_writer w;
    shoal_writer_init(&w, 4096);
    shoal_put_u64(&w, CATALOG_MAGIC);
    shoal_put_u32(&w, CATALOG_FORMAT);
    shoal_put_i32(&w, cat->rank_count);
    shoal_put_u32(&w, cat->next_table_id);
    shoal_put_i32(&w, cat->schema_count);
    for (int i = 0; i < cat->schema_count; i++) put_name(&w, cat->schemas[i]);
    shoal_put_i32(&w, cat->table_count);
    for (int i = 0; i < cat->table_count; i++)
        write_table(&w, cat->tables[i], fresh[i] ? fresh[i] : cat->tables[i]->sketch_version);
    if (!ok) {
        shoal_writer_free(&w);
        for (int i = 0; i < cat->table_count; i++) {
            char path[4300];
            if (fresh[i] == 0 || fresh[i] == cat->tables[i]->sketch_version) continue;
            sketch_path(cat, cat->tables[i]->id, fresh[i], path, sizeof path);
            unlink(path);
        }
        free(fresh);
        return false;
    }

    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", cat->path);
    ok = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, err_size, "cannot write the catalog %s: %s", tmp, strerror(errno));
    } else {
        ssize_t n = write(fd, w.data, w.len);
        if (n != (ssize_t)w.len || fsync(fd) != 0) snprintf(err, err_size, "cannot write the catalog %s: %s", tmp, strerror(errno));
        else ok = true;
        close(fd);
    }
    if (ok && rename(tmp, cat->path) != 0) {
        snprintf(err, err_size, "cannot replace the catalog %s: %s", cat->path, strerror(errno));
        ok = false;
    }
    if (ok) { /* make the rename durable */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", cat->path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    } else {
        unlink(tmp);
    }
    shoal_writer_free(&w);
    /* committed: the tables name their new sketch files, the old ones go; or not: the new go */
    for (int i = 0; i < cat->table_count; i++) {
        shoal_table_def *t = cat->tables[i];
        if (fresh[i] == 0 || fresh[i] == t->sketch_version) {
            if (ok && fresh[i]) t->sketch_dirty = false;
            continue;
        }
        char path[4300];
        uint64_t gone = ok ? t->sketch_version : fresh[i];
        if (gone) {
            sketch_path(cat, t->id, gone, path, sizeof path);
            unlink(path);
        }
        if (ok) {
            t->sketch_version = fresh[i];
            t->sketch_dirty = false;
        }
    }
    free(fresh);
    return ok;
}

static const shoal_catalog *g_leader;

const shoal_catalog *shoal_catalog_leader(void) { return g_leader; }

bool shoal_catalog_open(shoal_catalog *cat, const char *dir, int rank_count, char *err, size_t err_size)
{
    memset(cat, 0, sizeof *cat);
    snprintf(cat->path, sizeof cat->path, "%s/catalog", dir);
    cat->rank_count = rank_count;
    cat->next_table_id = 1;
    FILE *f = fopen(cat->path, "rb");
    if (f == NULL) {
        if (errno != ENOENT) {
            snprintf(err, err_size, "cannot open the catalog %s: %s", cat->path, strerror(errno));
            return false;
        }
        shoal_catalog_add_schema(cat, "public");
        if (!shoal_catalog_save(cat, err, err_size)) return false;
        g_leader = cat;
        return true;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = shoal_xmalloc(size > 0 ? (size_t)size : 1);
    size_t got = fread(buf, 1, (size_t)(size > 0 ? size : 0), f);
    fclose(f);
    shoal_reader r;
    shoal_reader_init(&r, buf, got);
    bool ok = false;
    uint64_t magic = shoal_get_u64(&r);
    uint32_t format = shoal_get_u32(&r);
    if (magic != CATALOG_MAGIC) {
        snprintf(err, err_size, "%s is not a Shoal catalog", cat->path);
        goto done;
    }
    if (format < 1 || format > CATALOG_FORMAT) {
        snprintf(err, err_size, "the catalog %s has format %u; this Shoal reads formats 1 to %d (it is from a newer version)",
                 cat->path, format, CATALOG_FORMAT);
        goto done;
    }
    int32_t written_ranks = shoal_get_i32(&r);
    if (written_ranks != rank_count) {
        snprintf(err, err_size,
                 "the data in %s was written by a %d-rank cluster; this cluster has %d rank%s. Start it with "
                 "-np %d (resizing a cluster is not supported yet)",
                 dir, written_ranks, rank_count, rank_count == 1 ? "" : "s", written_ranks);
        goto done;
    }
    cat->next_table_id = shoal_get_u32(&r);
    int32_t ns = shoal_get_i32(&r);
    for (int i = 0; i < ns && !r.failed; i++) {
        char name[SHOAL_NAME_MAX];
        if (get_name(&r, name)) shoal_catalog_add_schema(cat, name);
    }
    int32_t nt = shoal_get_i32(&r);
    for (int i = 0; i < nt && !r.failed; i++) {
        shoal_table_def *t = read_table(&r, format);
        if (t == NULL) break;
        cat->tables = shoal_xrealloc(cat->tables, sizeof(*cat->tables) * (size_t)(cat->table_count + 1));
        cat->tables[cat->table_count++] = t;
    }
    if (!shoal_reader_done(&r)) {
        snprintf(err, err_size, "the catalog %s is damaged", cat->path);
        goto done;
    }
    ok = true;
done:
    free(buf);
    if (!ok) shoal_catalog_close(cat);
    else {
        g_leader = cat;
        sweep_sketches(cat);
    }
    return ok;
}

void shoal_catalog_close(shoal_catalog *cat)
{
    if (g_leader == cat) g_leader = NULL;
    for (int i = 0; i < cat->table_count; i++) shoal_table_def_free(cat->tables[i]);
    free(cat->tables);
    free(cat->schemas);
    cat->tables = NULL;
    cat->schemas = NULL;
    cat->table_count = cat->schema_count = 0;
}

bool shoal_catalog_has_schema(const shoal_catalog *cat, const char *schema)
{
    for (int i = 0; i < cat->schema_count; i++)
        if (strcmp(cat->schemas[i], schema) == 0) return true;
    return false;
}

void shoal_catalog_add_schema(shoal_catalog *cat, const char *schema)
{
    if (shoal_catalog_has_schema(cat, schema)) return;
    cat->schemas = shoal_xrealloc(cat->schemas, sizeof(*cat->schemas) * (size_t)(cat->schema_count + 1));
    snprintf(cat->schemas[cat->schema_count++], SHOAL_NAME_MAX, "%s", schema);
}

shoal_table_def *shoal_catalog_find_table(const shoal_catalog *cat, const char *schema, const char *name)
{
    for (int i = 0; i < cat->table_count; i++)
        if (strcmp(cat->tables[i]->schema, schema) == 0 && strcmp(cat->tables[i]->name, name) == 0) return cat->tables[i];
    return NULL;
}

shoal_table_def *shoal_catalog_add_table(shoal_catalog *cat, shoal_table_def *def)
{
    def->id = cat->next_table_id++;
    cat->tables = shoal_xrealloc(cat->tables, sizeof(*cat->tables) * (size_t)(cat->table_count + 1));
    cat->tables[cat->table_count++] = def;
    return def;
}

void shoal_catalog_remove_table(shoal_catalog *cat, shoal_table_def *def)
{
    for (int i = 0; i < cat->table_count; i++) {
        if (cat->tables[i] == def) {
            memmove(&cat->tables[i], &cat->tables[i + 1], sizeof(*cat->tables) * (size_t)(cat->table_count - i - 1));
            cat->table_count--;
            shoal_table_def_free(def);
            return;
        }
    }
}

int shoal_table_column(const shoal_table_def *t, const char *name)
{
    for (int i = 0; i < t->column_count; i++)
        if (strcmp(t->columns[i].name, name) == 0) return i;
    return -1;
}

shoal_diststyle shoal_table_effective_dist(const shoal_table_def *t, uint64_t rows_after_load)
{
    if (t->diststyle != SHOAL_DIST_AUTO) return (shoal_diststyle)t->diststyle;
    if (t->resolved_dist) return (shoal_diststyle)t->resolved_dist;
    return rows_after_load <= SHOAL_AUTO_ALL_MAX_ROWS ? SHOAL_DIST_ALL : SHOAL_DIST_EVEN;
}
