/* Parses the embedded dists.dss (dbgen's format: "BEGIN name", "token|weight" lines, a
 * "count|N" line, "END"; '#' starts a comment) into the tpch_dists tables, once per process,
 * and builds a weight -> entry lookup for each list so a weighted pick is one array read. */
#include "engine/tpch/tpch_dists.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A distribution as it appears in the file, before it is copied into tpch_dists. */
typedef struct parsed_dist {
    char name[32];
    tpch_dist dist;
    int declared_count;
} parsed_dist;

enum { MAX_PARSED_DISTS = 64 };

static tpch_dists the_dists;
/* All entry texts, NUL-terminated, one after another, followed by TPCH_DIST_TEXT_SLACK zero
 * bytes so that fixed-size copies of any text stay inside the allocation. */
static char *text_arena;
static size_t text_arena_used, text_arena_size;
static bool the_dists_ok;
static pthread_once_t the_dists_once = PTHREAD_ONCE_INIT;

/* Copies the next line of text[*pos..size) into line (without the newline), cut at '#'. */
static bool next_line(const char *text, size_t size, size_t *pos, char *line, size_t line_size)
{
    if (*pos >= size)
        return false;
    size_t n = 0;
    while (*pos < size && text[*pos] != '\n') {
        if (n + 1 < line_size)
            line[n++] = text[*pos];
        (*pos)++;
    }
    if (*pos < size)
        (*pos)++; /* the newline */
    line[n] = '\0';
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    return true;
}

static bool add_entry(tpch_dist *d, int *capacity, const char *token, long weight)
{
    if (d->count == *capacity) {
        int new_capacity = *capacity ? *capacity * 2 : 16;
        tpch_dist_entry *grown = realloc(d->entries, (size_t)new_capacity * sizeof *grown);
        if (!grown)
            return false;
        d->entries = grown;
        *capacity = new_capacity;
    }
    size_t len = strlen(token);
    if (text_arena_used + len + 1 + TPCH_DIST_TEXT_SLACK > text_arena_size)
        return false;
    char *copy = text_arena + text_arena_used;
    memcpy(copy, token, len + 1);
    text_arena_used += len + 1;
    int32_t previous = d->count ? d->entries[d->count - 1].cumulative_weight : 0;
    d->entries[d->count].text = copy;
    d->entries[d->count].len = (uint32_t)len;
    d->entries[d->count].cumulative_weight = previous + (int32_t)weight;
    d->count++;
    return true;
}

static bool build_pick_table(tpch_dist *d)
{
    d->total_weight = d->count ? d->entries[d->count - 1].cumulative_weight : 0;
    int32_t previous = 0;
    for (int i = 0; i < d->count; i++) {
        if (d->entries[i].cumulative_weight <= previous)
            return true; /* not a proper weighting (nations): never picked from */
        previous = d->entries[i].cumulative_weight;
    }
    if (d->count > 255)
        return false;
    d->entry_of_weight = malloc((size_t)d->total_weight + 1);
    if (!d->entry_of_weight)
        return false;
    d->entry_of_weight[0] = 0;
    int i = 0;
    for (int32_t w = 1; w <= d->total_weight; w++) {
        while (d->entries[i].cumulative_weight < w)
            i++;
        d->entry_of_weight[w] = (uint8_t)i;
    }
    return true;
}

static int parse_all(parsed_dist *out, int max_out)
{
    const char *text = (const char *)tpch_dists_dss;
    size_t size = tpch_dists_dss_size;
    size_t pos = 0;
    char line[512];
    int n = 0;
    parsed_dist *current = NULL;
    int capacity = 0;

    while (next_line(text, size, &pos, line, sizeof line)) {
        if (line[0] == '\0')
            continue;
        if (!current) {
            char keyword[16], name[32];
            if (sscanf(line, "%15s %31s", keyword, name) == 2 && strcasecmp(keyword, "BEGIN") == 0) {
                if (n == max_out)
                    return -1;
                current = &out[n++];
                memset(current, 0, sizeof *current);
                strcpy(current->name, name);
                capacity = 0;
            }
            continue;
        }
        if (strncasecmp(line, "END", 3) == 0) {
            if (current->dist.count != current->declared_count || !build_pick_table(&current->dist))
                return -1;
            current = NULL;
            continue;
        }
        char *bar = strchr(line, '|');
        if (!bar || bar == line)
            continue;
        *bar = '\0';
        char *end;
        long weight = strtol(bar + 1, &end, 10);
        if (end == bar + 1)
            continue;
        if (strcasecmp(line, "count") == 0)
            current->declared_count = (int)weight;
        else if (!add_entry(&current->dist, &capacity, line, weight))
            return -1;
    }
    return current ? -1 : n;
}

static bool take(parsed_dist *parsed, int n, const char *name, tpch_dist *target)
{
    for (int i = 0; i < n; i++) {
        if (strcasecmp(parsed[i].name, name) == 0) {
            *target = parsed[i].dist;
            return target->count > 0;
        }
    }
    return false;
}

/* Turns the phrase forms of d (e.g. "J, J N") into token lists over the word lists. */
static bool parse_forms(tpch_dist *d, const tpch_dists *all, tpch_phrase_form **out)
{
    tpch_phrase_form *forms = calloc((size_t)d->count, sizeof *forms);
    if (!forms)
        return false;
    for (int f = 0; f < d->count; f++) {
        const char *c = d->entries[f].text;
        for (;;) {
            while (*c == ' ')
                c++;
            if (*c == '\0')
                break;
            if (forms[f].count == TPCH_MAX_FORM_TOKENS)
                return false;
            tpch_form_token *t = &forms[f].tokens[forms[f].count++];
            switch (*c) {
            case 'A': t->words = &all->articles; break;
            case 'J': t->words = &all->adjectives; break;
            case 'D': t->words = &all->adverbs; break;
            case 'N': t->words = &all->nouns; break;
            case 'V': t->words = &all->verbs; break;
            case 'X': t->words = &all->auxiliaries; break;
            default: return false;
            }
            c++;
            t->punctuation = (*c != '\0' && *c != ' ') ? *c : 0;
            while (*c != '\0' && *c != ' ')
                c++;
        }
    }
    *out = forms;
    return true;
}

static void load_dists(void)
{
    static parsed_dist parsed[MAX_PARSED_DISTS];
    text_arena_size = tpch_dists_dss_size + TPCH_DIST_TEXT_SLACK + 1;
    text_arena = calloc(1, text_arena_size);
    if (!text_arena)
        return;
    int n = parse_all(parsed, MAX_PARSED_DISTS);
    if (n < 0)
        return;
    tpch_dists *d = &the_dists;
    bool ok = take(parsed, n, "p_cntr", &d->containers) && take(parsed, n, "colors", &d->colors) &&
              take(parsed, n, "p_types", &d->part_types) && take(parsed, n, "nations", &d->nations) &&
              take(parsed, n, "regions", &d->regions) && take(parsed, n, "o_oprio", &d->priorities) &&
              take(parsed, n, "instruct", &d->instructions) && take(parsed, n, "smode", &d->ship_modes) &&
              take(parsed, n, "rflag", &d->return_flags) && take(parsed, n, "msegmnt", &d->segments) &&
              take(parsed, n, "nouns", &d->nouns) && take(parsed, n, "verbs", &d->verbs) &&
              take(parsed, n, "adjectives", &d->adjectives) && take(parsed, n, "adverbs", &d->adverbs) &&
              take(parsed, n, "auxillaries", &d->auxiliaries) &&
              take(parsed, n, "terminators", &d->terminators) && take(parsed, n, "articles", &d->articles) &&
              take(parsed, n, "prepositions", &d->prepositions) && take(parsed, n, "grammar", &d->grammar) &&
              take(parsed, n, "np", &d->noun_phrases) && take(parsed, n, "vp", &d->verb_phrases);
    /* every list we pick from needs its lookup table; colors are shuffled, nations indexed */
    const tpch_dist *picked[] = {&d->containers, &d->part_types, &d->regions, &d->priorities,
                                 &d->instructions, &d->ship_modes, &d->return_flags, &d->segments,
                                 &d->nouns, &d->verbs, &d->adjectives, &d->adverbs, &d->auxiliaries,
                                 &d->terminators, &d->articles, &d->prepositions, &d->grammar,
                                 &d->noun_phrases, &d->verb_phrases};
    for (size_t i = 0; ok && i < sizeof picked / sizeof picked[0]; i++)
        ok = picked[i]->entry_of_weight != NULL;
    ok = ok && parse_forms(&d->noun_phrases, d, &d->noun_phrase_forms) &&
         parse_forms(&d->verb_phrases, d, &d->verb_phrase_forms);
    the_dists_ok = ok;
}

const tpch_dists *tpch_dists_get(void)
{
    pthread_once(&the_dists_once, load_dists);
    return the_dists_ok ? &the_dists : NULL;
}
