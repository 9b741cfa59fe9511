/* Builds dbgen's 300 MiB comment text pool: sentences from the grammar (a sentence form such
 * as "N V P T", noun phrases such as "J, J N", verb phrases such as "X V D", each letter a
 * weighted word pick) drawn from stream 5, joined by spaces, the last one cut to fit. */
#include "engine/tpch/tpch_text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { MAX_SENTENCE_BYTES = 512 };
#define POOL_ALIGN ((size_t)2 << 20)

static char *the_pool;
static pthread_once_t the_pool_once = PTHREAD_ONCE_INIT;

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

static void build_pool(void)
{
    const tpch_dists *d = tpch_dists_get();
    if (!d)
        return;
    /* Comments are read at random offsets all over the pool: back it with huge pages where
     * the kernel offers them, or nearly every comment costs a TLB miss. Never unmapped. */
    size_t bytes = ((size_t)TPCH_TEXT_POOL_SIZE + 1 + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    char *pool = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pool == MAP_FAILED)
        return;
#ifdef MADV_HUGEPAGE
    madvise(pool, bytes, MADV_HUGEPAGE);
#endif
    tpch_stream s;
    tpch_stream_init(&s, TPCH_SD_TEXT_POOL, 1);
    size_t used = 0;
    char tail[MAX_SENTENCE_BYTES];
    /* sentences go straight into the pool while there is certainly room */
    while ((size_t)TPCH_TEXT_POOL_SIZE - used >= MAX_SENTENCE_BYTES) {
        size_t len = tpch_text_sentence(d, &s, pool + used);
        pool[used + len] = ' ';
        used += len + 1;
    }
    while (used < (size_t)TPCH_TEXT_POOL_SIZE) {
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
    pool[TPCH_TEXT_POOL_SIZE] = '\0';
    the_pool = pool;
}

const char *tpch_text_pool(void)
{
    pthread_once(&the_pool_once, build_pool);
    return the_pool;
}
