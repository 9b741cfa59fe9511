/* Builds dbgen's 300 MiB comment text pool: sentences from the grammar (a sentence form such
 * as "N V P T", noun phrases such as "J, J N", verb phrases such as "X V D", each letter a
 * weighted word pick) drawn from stream 5, joined by spaces, the last one cut to fit. */
#include "engine/tpch/tpch_text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SENTENCE_BYTES = 512 };

static char *the_pool;
static pthread_once_t the_pool_once = PTHREAD_ONCE_INIT;

static inline char *append_word(char *p, const tpch_dist_entry *word)
{
    memcpy(p, word->text, word->len);
    return p + word->len;
}

/* A phrase: pick a form, then for each space-separated token pick a word of that part of
 * speech, add the token's punctuation (the "," of "J,") and a space. dbgen's verb phrase code
 * would mishandle punctuation, but its verb phrase forms have none. */
static char *phrase(const tpch_dists *d, tpch_stream *s, char *p, const tpch_dist *forms)
{
    const char *c = tpch_dist_pick(forms, s)->text;
    for (;;) {
        while (*c == ' ')
            c++;
        if (*c == '\0')
            return p;
        const tpch_dist *words = NULL;
        switch (*c) {
        case 'A': words = &d->articles; break;
        case 'J': words = &d->adjectives; break;
        case 'D': words = &d->adverbs; break;
        case 'N': words = &d->nouns; break;
        case 'V': words = &d->verbs; break;
        case 'X': words = &d->auxiliaries; break;
        }
        if (words)
            p = append_word(p, tpch_dist_pick(words, s));
        c++;
        if (*c != '\0' && *c != ' ')
            *p++ = *c;
        while (*c != '\0' && *c != ' ')
            c++;
        *p++ = ' ';
    }
}

size_t tpch_text_sentence(const tpch_dists *d, tpch_stream *s, char *out)
{
    char *p = out;
    const char *c = tpch_dist_pick(&d->grammar, s)->text;
    for (; *c; c++) {
        switch (*c) {
        case 'N':
            p = phrase(d, s, p, &d->noun_phrases);
            break;
        case 'V':
            p = phrase(d, s, p, &d->verb_phrases);
            break;
        case 'P':
            p = append_word(p, tpch_dist_pick(&d->prepositions, s));
            memcpy(p, " the ", 5);
            p = phrase(d, s, p + 5, &d->noun_phrases);
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
    char *pool = malloc((size_t)TPCH_TEXT_POOL_SIZE + 1);
    if (!pool)
        return;
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
