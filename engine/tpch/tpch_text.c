/* Builds dbgen's 300 MiB comment text pool: sentences from the grammar (a sentence form such
 * as "N V P T", noun phrases such as "J, J N", verb phrases such as "X V D", each letter a
 * weighted word pick) drawn from stream 5, joined by spaces, the last one cut to fit. Whole
 * (on first use), or in 64 independent pieces that ranks build in parallel and exchange. */
#include "engine/tpch/tpch_text.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { MAX_SENTENCE_BYTES = 512 };
#define POOL_ALIGN ((size_t)2 << 20)

static _Atomic(char *) the_pool; /* unmapped only by tpch_text_pool_release, between generations */
static pthread_mutex_t the_pool_lock = PTHREAD_MUTEX_INITIALIZER;

/* Appends a word: a fixed 16-byte copy (texts are padded, and every destination has room
 * to spare) of which only len bytes count. */
static inline char *append_word(char *p, const tpch_dist_entry *word)
{
    if (word->len <= 16)
        memcpy(p, word->text, 16);
    else
        memcpy(p, word->text, word->len);
    return p + word->len;
}

/* A phrase: pick a form, then for each token pick a word of that part of speech, add the
 * token's punctuation (the "," of "J,") and a space. dbgen's verb phrase code would mishandle
 * punctuation, but its verb phrase forms have none. */
static char *phrase(tpch_stream *s, char *p, const tpch_dist *forms, const tpch_phrase_form *parsed)
{
    const tpch_phrase_form *form = &parsed[tpch_dist_pick(forms, s) - forms->entries];
    for (int t = 0; t < form->count; t++) {
        p = append_word(p, tpch_dist_pick(form->tokens[t].words, s));
        if (form->tokens[t].punctuation)
            *p++ = form->tokens[t].punctuation;
        *p++ = ' ';
    }
    return p;
}

size_t tpch_text_sentence(const tpch_dists *d, tpch_stream *s, char *out)
{
    char *p = out;
    const char *c = tpch_dist_pick(&d->grammar, s)->text;
    for (; *c; c++) {
        switch (*c) {
        case 'N':
            p = phrase(s, p, &d->noun_phrases, d->noun_phrase_forms);
            break;
        case 'V':
            p = phrase(s, p, &d->verb_phrases, d->verb_phrase_forms);
            break;
        case 'P':
            p = append_word(p, tpch_dist_pick(&d->prepositions, s));
            memcpy(p, " the ", 5);
            p = phrase(s, p + 5, &d->noun_phrases, d->noun_phrase_forms);
            break;
        case 'T':
            /* the terminator replaces the space after the last phrase */
            p = append_word(p - 1, tpch_dist_pick(&d->terminators, s));
            break;
        }
    }
    *p = '\0';
    return (size_t)(p - out);
}

/* Where each piece of the pool starts: the first sentence at or after piece * (size / 64), and
 * stream 5's value before it. Computed once from the sequential build (test_tpch_unit checks
 * every entry against it), so any piece can be built on its own: by another rank, or thread. */
static const struct {
    uint32_t offset;
    int32_t value;
} PIECES[TPCH_TEXT_POOL_PIECES] = {
    {0, 933588178},
    {4915241, 1256473515},
    {9830424, 1925335473},
    {14745632, 790165467},
    {19660810, 563391851},
    {24576005, 42578615},
    {29491204, 2096013216},
    {34406458, 1528976937},
    {39321619, 374858592},
    {44236860, 552258519},
    {49152080, 138671338},
    {54067240, 702219315},
    {58982448, 1037153816},
    {63897654, 622896512},
    {68812820, 1524107},
    {73728061, 1616687150},
    {78643223, 123793686},
    {83558406, 542245364},
    {88473607, 1628772256},
    {93388833, 1979616898},
    {98304011, 181171974},
    {103219235, 552637255},
    {108134421, 764823328},
    {113049609, 140181829},
    {117964817, 1062410537},
    {122880028, 1981667635},
    {127795221, 1546339090},
    {132710407, 1484425099},
    {137625648, 652432975},
    {142540843, 1652503875},
    {147456075, 2144846129},
    {152371200, 1124866919},
    {157286442, 400078567},
    {162201607, 1747479252},
    {167116822, 1027504690},
    {172032033, 1471902802},
    {176947229, 46453828},
    {181862442, 1966949077},
    {186777602, 1724970504},
    {191692844, 1172098408},
    {196608019, 1105413057},
    {201523205, 1072621140},
    {206438492, 1689164023},
    {211353633, 835252608},
    {216268868, 1956087994},
    {221184046, 1472204591},
    {226099227, 1380217445},
    {231014512, 1774843136},
    {235929648, 1407925218},
    {240844852, 1081881128},
    {245760024, 75277368},
    {250675206, 2081753490},
    {255590452, 1660456561},
    {260505627, 2009700634},
    {265420831, 569786304},
    {270336037, 709878290},
    {275251227, 42055684},
    {280166424, 1856916754},
    {285081613, 1039810711},
    {289996806, 701487689},
    {294912013, 2013011059},
    {299827223, 867693363},
    {304742424, 788345060},
    {309657615, 653086349},
};

void tpch_text_pool_piece_range(int piece, size_t *offset, size_t *length)
{
    size_t start = PIECES[piece].offset;
    size_t end = piece + 1 < TPCH_TEXT_POOL_PIECES ? PIECES[piece + 1].offset : (size_t)TPCH_TEXT_POOL_SIZE;
    *offset = start;
    *length = end - start;
}

/* Huge pages or not: comments are read at random offsets all over the pool, so huge pages save
 * a TLB miss per comment, but on the VMs this runs on a fresh huge page costs far more to fault
 * in (2 MB of never-touched host memory zeroed at once). Measured on the 2-core development VM
 * at SF1: shoal-dbgen, which formats every comment's bytes, spends ~2 s less user time with
 * them; a load, which copies each comment once, spent ~0.65 s more CPU per rank faulting the
 * pool in with them than without (CALL tpch_generate(1)'s first table: 2.0-2.5 s -> 0.7-1.1 s).
 * So the whole-pool build (shoal-dbgen, tests) asks for them and the pieces (loads) do not. */
static char *pool_map(bool huge)
{
    size_t bytes = ((size_t)TPCH_TEXT_POOL_SIZE + 1 + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    char *pool = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pool == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (huge)
        madvise(pool, bytes, MADV_HUGEPAGE);
#else
    (void)huge;
#endif
    return pool;
}

char *tpch_text_pool_alloc(void)
{
    char *pool = pool_map(false);
#ifdef MADV_POPULATE_WRITE
    /* every byte is written (this rank's pieces, then the allgather's): map it in one call
     * instead of a fault per 4 KiB (runtime's shoal_prefault; this library stands alone) */
    if (pool) madvise(pool, (size_t)TPCH_TEXT_POOL_SIZE / 4096 * 4096, MADV_POPULATE_WRITE);
#endif
    return pool;
}

void tpch_text_pool_free(char *pool)
{
    size_t bytes = ((size_t)TPCH_TEXT_POOL_SIZE + 1 + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    munmap(pool, bytes);
}

/* Sentences from offset `used` (stream value `value` there) up to `end`, a sentence start or
 * the pool's end. Sentences go straight into the pool while there is certainly room; the last
 * one of the pool is cut to fit. A sentence may scribble up to 16 bytes past its end (the
 * fixed-size word copies), so pieces are built in increasing order, or the next piece's first
 * bytes are written after this one. */
static void build_range(const tpch_dists *d, char *pool, size_t used, int64_t value, size_t end)
{
    tpch_stream s = {value, value, 1};
    char tail[MAX_SENTENCE_BYTES];
    while (used < end) {
        if ((size_t)TPCH_TEXT_POOL_SIZE - used >= MAX_SENTENCE_BYTES) {
            size_t len = tpch_text_sentence(d, &s, pool + used);
            pool[used + len] = ' ';
            used += len + 1;
            continue;
        }
        size_t len = tpch_text_sentence(d, &s, tail);
        size_t room = (size_t)TPCH_TEXT_POOL_SIZE - used;
        if (room >= len + 1) {
            memcpy(pool + used, tail, len);
            pool[used + len] = ' ';
            used += len + 1;
        } else {
            memcpy(pool + used, tail, room);
            used += room;
        }
    }
}

bool tpch_text_pool_build_piece(char *pool, int piece)
{
    const tpch_dists *d = tpch_dists_get();
    if (!d || piece < 0 || piece >= TPCH_TEXT_POOL_PIECES)
        return false;
    size_t offset, length;
    tpch_text_pool_piece_range(piece, &offset, &length);
    build_range(d, pool, offset, PIECES[piece].value, offset + length);
    pool[TPCH_TEXT_POOL_SIZE] = '\0';
    return true;
}

static void build_pool(void)
{
    const tpch_dists *d = tpch_dists_get();
    char *pool = d ? pool_map(true) : NULL;
    if (!pool)
        return;
    tpch_stream s;
    tpch_stream_init(&s, TPCH_SD_TEXT_POOL, 1);
    build_range(d, pool, 0, s.value, TPCH_TEXT_POOL_SIZE);
    pool[TPCH_TEXT_POOL_SIZE] = '\0';
    atomic_store_explicit(&the_pool, pool, memory_order_release);
}

void tpch_text_pool_install(char *pool)
{
    pool[TPCH_TEXT_POOL_SIZE] = '\0';
    pthread_mutex_lock(&the_pool_lock);
    bool taken = atomic_load_explicit(&the_pool, memory_order_relaxed) == NULL;
    if (taken)
        atomic_store_explicit(&the_pool, pool, memory_order_release);
    pthread_mutex_unlock(&the_pool_lock);
    if (!taken)
        tpch_text_pool_free(pool);
}

void tpch_text_pool_release(void)
{
    pthread_mutex_lock(&the_pool_lock);
    char *pool = atomic_exchange_explicit(&the_pool, NULL, memory_order_acq_rel);
    pthread_mutex_unlock(&the_pool_lock);
    if (pool)
        tpch_text_pool_free(pool);
}

bool tpch_text_pool_built(void)
{
    return atomic_load_explicit(&the_pool, memory_order_acquire) != NULL;
}

const char *tpch_text_pool(void)
{
    char *pool = atomic_load_explicit(&the_pool, memory_order_acquire);
    if (pool)
        return pool;
    pthread_mutex_lock(&the_pool_lock);
    if (atomic_load_explicit(&the_pool, memory_order_relaxed) == NULL)
        build_pool();
    pthread_mutex_unlock(&the_pool_lock);
    return atomic_load_explicit(&the_pool, memory_order_acquire);
}
