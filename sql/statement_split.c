/* Statement splitting that respects quotes and comments (see statement_split.h). */
#include "sql/statement_split.h"

#include <ctype.h>
#include <string.h>

/* Skips the quoted/commented construct starting at text[i], if any; returns the offset just
 * past it (len when it is unterminated), or i when text[i] starts none. */
static size_t skip_construct(const char *text, size_t len, size_t i)
{
    char c = text[i];
    if (c == '\'' || c == '"') {
        for (size_t j = i + 1; j < len; j++) {
            if (text[j] == c) {
                if (j + 1 < len && text[j + 1] == c) { j++; continue; } /* doubled quote */
                return j + 1;
            }
        }
        return len;
    }
    if (c == '-' && i + 1 < len && text[i + 1] == '-') {
        const char *nl = memchr(text + i, '\n', len - i);
        return nl ? (size_t)(nl - text) + 1 : len;
    }
    if (c == '/' && i + 1 < len && text[i + 1] == '*') {
        int depth = 1;
        size_t j = i + 2;
        while (j < len && depth > 0) {
            if (text[j] == '/' && j + 1 < len && text[j + 1] == '*') { depth++; j += 2; }
            else if (text[j] == '*' && j + 1 < len && text[j + 1] == '/') { depth--; j += 2; }
            else j++;
        }
        return depth == 0 ? j : len;
    }
    if (c == '$') {
        /* $tag$ where tag is empty or an identifier not starting with a digit */
        size_t j = i + 1;
        if (j < len && isdigit((unsigned char)text[j])) return i;
        while (j < len && (isalnum((unsigned char)text[j]) || text[j] == '_')) j++;
        if (j >= len || text[j] != '$') return i;
        size_t tag_len = j + 1 - i;
        for (size_t k = j + 1; k + tag_len <= len; k++)
            if (text[k] == '$' && memcmp(text + k, text + i, tag_len) == 0) return k + tag_len;
        return len;
    }
    return i;
}

long sql_statement_end(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t next = skip_construct(text, len, i);
        if (next != i) { i = next; continue; }
        if (text[i] == ';') return (long)i;
        i++;
    }
    return -1;
}

bool sql_is_blank(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (isspace((unsigned char)text[i])) { i++; continue; }
        bool comment = (text[i] == '-' && i + 1 < len && text[i + 1] == '-') ||
                       (text[i] == '/' && i + 1 < len && text[i + 1] == '*');
        if (!comment) return false;
        i = skip_construct(text, len, i);
    }
    return true;
}
