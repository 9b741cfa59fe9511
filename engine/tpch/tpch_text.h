/* The text pool behind every TPC-H comment: dbgen fills 300 MiB with pseudo-English sentences
 * from its grammar (stream 5), and a comment is a random substring of it. Built once per
 * process on first use, then shared read-only by all generators and threads. */
#ifndef SHOAL_TPCH_TEXT_H
#define SHOAL_TPCH_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/tpch/tpch.h"
#include "engine/tpch/tpch_dists.h"
#include "engine/tpch/tpch_rng.h"

#define TPCH_TEXT_POOL_SIZE TPCH_TEXT_POOL_BYTES

/* The pool (TPCH_TEXT_POOL_SIZE bytes plus a NUL), built on the first call; later calls and
 * concurrent callers get the same immutable buffer (pthread_once). NULL if out of memory. */
const char *tpch_text_pool(void);

/* Writes one sentence of the grammar into out (at least 256 bytes), drawing from s; returns
 * its length. Exposed for tests. */
size_t tpch_text_sentence(const tpch_dists *d, tpch_stream *s, char *out);

/* dbgen's comment of average length avg: offset then length drawn from s, a substring of the
 * pool of length in [avg * 0.4, avg * 1.6]. min_len/max_len are those two bounds. */
static inline tpch_str tpch_text_comment(const char *pool, tpch_stream *s, int min_len, int max_len)
{
    int64_t offset = tpch_stream_uniform(s, 0, TPCH_TEXT_POOL_SIZE - max_len);
    int64_t length = tpch_stream_uniform(s, min_len, max_len);
    tpch_str str = {pool + offset, (uint32_t)length};
    return str;
}

#endif
