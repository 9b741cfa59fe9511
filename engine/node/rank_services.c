/* Rank start-up and per-rank services (see rank_services.h). */
#include "engine/node/rank_services.h"
#include "engine/exec/query_dispatch.h"
#include "engine/exec/scan_storage.h"
#include "engine/load/load.h"
#include "engine/load/load_errors_log.h"
#include "engine/load/stats_view.h"
#include "engine/storage/table_store.h"
#include "runtime/system_actor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_rank_dir[4096];

const char *shoal_rank_dir(void) { return g_rank_dir; }

static bool make_dirs(const char *path, shoal_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) goto fail;
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) goto fail;
    return true;
fail:
    shoal_error_set(err, -1, "58030", "cannot create the data directory %s: %s", buf, strerror(errno));
    return false;
}

static void drop_table(shoal_rt *rt, shoal_actor *system, shoal_msg *msg, void *arg)
{
    (void)arg;
    uint64_t id = 0;
    shoal_error err;
    if (msg->hdr.length != sizeof id) {
        shoal_raise_error(rt, system, msg->hdr.src, msg->hdr.query_id, SHOAL_SQLSTATE_INTERNAL, "malformed drop request");
        return;
    }
    memcpy(&id, msg->payload, sizeof id);
    if (!shoal_table_drop(g_rank_dir, id, &err)) {
        shoal_raise_error(rt, system, msg->hdr.src, msg->hdr.query_id, err.sqlstate, "%s", err.message);
        return;
    }
    shoal_send_payload(rt, system, msg->hdr.src, SHOAL_MSG_DONE, msg->hdr.query_id, NULL, 0);
}

/* Table scans: storage, except the system tables: stl_load_errors reads this rank's log,
 * pg_stats the leader's catalog. */
static bool open_scan(shoal_exec_context *ctx, const shoal_plan *scan, shoal_scan_source *source, shoal_eval_error *err)
{
    if (scan->table_id == SHOAL_STL_LOAD_ERRORS_ID) return shoal_load_errors_log_scan(g_rank_dir, scan, source, err);
    if (scan->table_id == SHOAL_PG_STATS_ID) return shoal_pg_stats_scan(shoal_catalog_leader(), scan, source, err);
    return shoal_open_storage_scan(ctx, scan, source, err);
}

/* One cluster per data directory: two clusters writing the same rank directory would race on
 * the catalog and the manifests. Each rank holds an exclusive flock on rank-K/lock for its
 * whole life (the descriptor is never closed; the kernel drops the lock when the process ends,
 * kill -9 included, so a crashed cluster never leaves a stale lock). The file holds the pid of
 * the holder so the refusal can name it. */
static bool lock_rank_dir(const char *rank_dir, shoal_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/lock", rank_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        shoal_error_set(err, -1, "58030", "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = "";
        ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        shoal_error_set(err, -1, "55006",
                        "the data directory %s is in use by another Shoal cluster (pid %s); stop it or choose "
                        "another --data",
                        rank_dir, holder[0] ? holder : "unknown");
        close(fd);
        return false;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* the lock holds without the pid; only the message for a second cluster suffers */
    }
    return true; /* fd stays open: it is the lock */
}

bool shoal_rank_services_start(shoal_rt *rt, const char *data_dir, shoal_error *err)
{
    snprintf(g_rank_dir, sizeof g_rank_dir, "%s/rank-%d", data_dir, shoal_rt_rank(rt));
    if (!make_dirs(g_rank_dir, err)) return false;
    if (!lock_rank_dir(g_rank_dir, err)) return false;
    if (!shoal_storage_recover_rank(g_rank_dir, err)) return false;
    shoal_query_service_start(rt, open_scan, g_rank_dir);
    shoal_system_register(rt, SHOAL_MSG_DROP_TABLE, drop_table, NULL);
    shoal_load_service_start(rt, g_rank_dir);
    return true;
}
