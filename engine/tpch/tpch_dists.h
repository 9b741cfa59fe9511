/* dbgen's value distributions (dists.dss, embedded in the library at build time): weighted
 * word lists for containers, types, colors, nations, ship modes, the comment grammar and so
 * on, parsed once per process into immutable tables with O(1) weighted picks. */
#ifndef SHOAL_TPCH_DISTS_H
#define SHOAL_TPCH_DISTS_H

#include <stdint.h>

#include "engine/tpch/tpch_rng.h"

typedef struct tpch_dist_entry {
    const char *text;
    uint32_t len;
    int32_t cumulative_weight; /* running sum of weights up to this entry, as dbgen stores it */
} tpch_dist_entry;

typedef struct tpch_dist {
    int count;
    int32_t total_weight;      /* cumulative weight of the last entry */
    tpch_dist_entry *entries;
    uint8_t *entry_of_weight;  /* [1 .. total_weight] -> first entry with cumulative >= it;
                                  NULL when weights are not all positive (nations) */
} tpch_dist;

/* Entry texts can be read TPCH_DIST_TEXT_SLACK bytes past their start (fixed-size copies). */
#define TPCH_DIST_TEXT_SLACK 32

/* A noun or verb phrase form such as "J, J N", parsed: per token the word list to pick from
 * and the punctuation that follows the word (0 for none). */
#define TPCH_MAX_FORM_TOKENS 4
typedef struct tpch_form_token {
    const struct tpch_dist *words;
    char punctuation;
} tpch_form_token;

typedef struct tpch_phrase_form {
    int count;
    tpch_form_token tokens[TPCH_MAX_FORM_TOKENS];
} tpch_phrase_form;

typedef struct tpch_dists {
    tpch_dist containers;    /* p_cntr */
    tpch_dist colors;        /* colors: part names */
    tpch_dist part_types;    /* p_types */
    tpch_dist nations;       /* weights accumulate to the region key */
    tpch_dist regions;
    tpch_dist priorities;    /* o_oprio */
    tpch_dist instructions;  /* instruct */
    tpch_dist ship_modes;    /* smode */
    tpch_dist return_flags;  /* rflag */
    tpch_dist segments;      /* msegmnt */
    /* the comment grammar */
    tpch_dist nouns, verbs, adjectives, adverbs, auxiliaries, terminators, articles,
        prepositions, grammar, noun_phrases, verb_phrases;
    tpch_phrase_form *noun_phrase_forms; /* parallel to noun_phrases.entries */
    tpch_phrase_form *verb_phrase_forms; /* parallel to verb_phrases.entries */
} tpch_dists;

/* The distributions, parsed on first use (thread-safe); NULL only if out of memory. */
const tpch_dists *tpch_dists_get(void);

/* dbgen's pick_str: one uniform draw in [1, total weight] from stream s, then the first entry
 * whose cumulative weight reaches it. */
static inline const tpch_dist_entry *tpch_dist_pick(const tpch_dist *d, tpch_stream *s)
{
    int64_t w = tpch_stream_uniform(s, 1, d->total_weight);
    return &d->entries[d->entry_of_weight[w]];
}

/* The embedded dists.dss text (generated from engine/tpch/dists.dss by the build). */
extern const unsigned char tpch_dists_dss[];
extern const unsigned long tpch_dists_dss_size;

#endif
