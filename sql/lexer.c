/* The SQL lexer (see lexer.h): a hand-written scanner over a byte range. Words are looked up
 * in the sorted keyword table by binary search; values (folded identifiers, unescaped strings,
 * number text) are copied into the caller's arena so the AST can point at them. */
#include "sql/lexer.h"

#include <stdio.h>
#include <string.h>

typedef struct keyword_entry {
    const char *name;
    shoal_keyword keyword;
    shoal_keyword_category category;
} keyword_entry;

static const keyword_entry keyword_table[] = {
#define SHOAL_KEYWORD_ENTRY(name, category) {#name, SHOAL_KW_##name, SHOAL_KEYWORD_##category},
    SHOAL_KEYWORD_LIST(SHOAL_KEYWORD_ENTRY)
#undef SHOAL_KEYWORD_ENTRY
};
enum { KEYWORD_TABLE_SIZE = sizeof keyword_table / sizeof keyword_table[0] };
_Static_assert(KEYWORD_TABLE_SIZE == SHOAL_KW_COUNT - 1, "one table entry per keyword");

#define MAX_KEYWORD_LENGTH 32

shoal_keyword shoal_keyword_lookup(const char *word, size_t length)
{
    char upper[MAX_KEYWORD_LENGTH + 1];
    if (length == 0 || length > MAX_KEYWORD_LENGTH) return SHOAL_KW_NONE;
    for (size_t i = 0; i < length; i++) {
        char c = word[i];
        upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    upper[length] = '\0';
    size_t lo = 0, hi = KEYWORD_TABLE_SIZE;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(upper, keyword_table[mid].name);
        if (cmp == 0) return keyword_table[mid].keyword;
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return SHOAL_KW_NONE;
}

const char *shoal_keyword_name(shoal_keyword keyword)
{
    if (keyword <= SHOAL_KW_NONE || keyword >= SHOAL_KW_COUNT) return "";
    return keyword_table[keyword - 1].name;
}

shoal_keyword_category shoal_keyword_category_of(shoal_keyword keyword)
{
    if (keyword <= SHOAL_KW_NONE || keyword >= SHOAL_KW_COUNT) return SHOAL_KEYWORD_UNRESERVED;
    return keyword_table[keyword - 1].category;
}

void shoal_token_excerpt(const char *text, size_t length, char *buf, size_t size)
{
    enum { MAX_EXCERPT_CHARS = 40 };
    size_t out = 0, chars = 0, i = 0;
    if (size == 0) return;
    for (; i < length && out + 8 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        bool continuation = (c & 0xC0) == 0x80;
        if (!continuation && chars == MAX_EXCERPT_CHARS) break;
        if (!continuation) chars++;
        if (c < 0x20 || c == 0x7F) out += (size_t)snprintf(buf + out, size - out, "\\x%02X", c);
        else buf[out++] = (char)c;
    }
    if (i < length && out + 4 <= size) {
        memcpy(buf + out, "...", 3);
        out += 3;
    }
    buf[out] = '\0';
}

void shoal_lexer_init(shoal_lexer *lexer, const char *text, size_t length, shoal_arena *arena)
{
    lexer->text = text ? text : ""; /* NULL with length 0: blank text */
    lexer->length = text ? length : 0;
    lexer->pos = 0;
    lexer->line = 1;
    lexer->column = 1;
    lexer->arena = arena;
}

/* ---- cursor ---- */

static int peek_char(const shoal_lexer *lx, size_t ahead)
{
    size_t at = lx->pos + ahead;
    return at < lx->length ? (unsigned char)lx->text[at] : -1;
}

static void advance(shoal_lexer *lx, size_t n)
{
    for (size_t i = 0; i < n && lx->pos < lx->length; i++) {
        unsigned char c = (unsigned char)lx->text[lx->pos++];
        if (c == '\n') {
            lx->line++;
            lx->column = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->column++;
        }
    }
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_word_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
static bool is_word_char(int c) { return is_word_start(c) || is_digit(c) || c == '$'; }

/* ---- errors ---- */

/* Sets err to "<what> at or near "<source from the token start to here>" (line, column)". */
static bool fail_at(shoal_lexer *lx, const shoal_token *token, shoal_error *err, const char *what)
{
    char excerpt[160];
    shoal_token_excerpt(lx->text + token->loc.offset, lx->pos - token->loc.offset, excerpt, sizeof excerpt);
    shoal_error_set(err, -1, SHOAL_SQLSTATE_SYNTAX, "%s at or near \"%s\" (line %d, column %d)", what, excerpt,
                    token->loc.line, token->loc.column);
    return false;
}

/* ---- white space and comments ---- */

/* Skips white space, -- comments and nested block comments. False (err set) on an
 * unterminated block comment. */
static bool skip_blank(shoal_lexer *lx, shoal_error *err)
{
    for (;;) {
        int c = peek_char(lx, 0);
        if (is_space(c)) {
            advance(lx, 1);
        } else if (c == '-' && peek_char(lx, 1) == '-') {
            while (lx->pos < lx->length && lx->text[lx->pos] != '\n') advance(lx, 1);
        } else if (c == '/' && peek_char(lx, 1) == '*') {
            shoal_token start = {.loc = {lx->line, lx->column, lx->pos}};
            int depth = 0;
            do {
                if (peek_char(lx, 0) == '/' && peek_char(lx, 1) == '*') {
                    depth++;
                    advance(lx, 2);
                } else if (peek_char(lx, 0) == '*' && peek_char(lx, 1) == '/') {
                    depth--;
                    advance(lx, 2);
                } else if (lx->pos >= lx->length) {
                    return fail_at(lx, &start, err, "unterminated /* comment");
                } else {
                    advance(lx, 1);
                }
            } while (depth > 0);
        } else {
            return true;
        }
    }
}

/* ---- token scanners: each starts at the token's first byte ---- */

static char *arena_copy(shoal_arena *arena, const char *src, size_t n)
{
    char *copy = shoal_arena_alloc(arena, n + 1);
    memcpy(copy, src, n);
    copy[n] = '\0';
    return copy;
}

static void scan_word(shoal_lexer *lx, shoal_token *token)
{
    size_t start = lx->pos;
    while (is_word_char(peek_char(lx, 0))) advance(lx, 1);
    size_t n = lx->pos - start;
    char *value = arena_copy(lx->arena, lx->text + start, n);
    for (size_t i = 0; i < n; i++)
        if (value[i] >= 'A' && value[i] <= 'Z') value[i] = (char)(value[i] - 'A' + 'a');
    token->kind = SHOAL_TOKEN_WORD;
    token->value = value;
    token->keyword = shoal_keyword_lookup(value, n);
}

/* A run delimited by `quote` in which a doubled quote stands for one; with `backslash_escapes`
 * (E'...') the C-like escapes \n \t \r \b \f \\ \' \xHH \ooo as well. The cursor sits on the
 * opening quote. */
static bool scan_quoted(shoal_lexer *lx, shoal_token *token, shoal_error *err, char quote,
                        bool backslash_escapes, const char *unterminated_what)
{
    advance(lx, 1);
    size_t capacity = 64, used = 0;
    char *value = shoal_arena_alloc(lx->arena, capacity);
    for (;;) {
        int c = peek_char(lx, 0);
        if (c < 0) return fail_at(lx, token, err, unterminated_what);
        if (c == quote) {
            if (peek_char(lx, 1) != quote) {
                advance(lx, 1);
                break;
            }
            advance(lx, 2);
        } else if (c == '\\' && backslash_escapes) {
            int e = peek_char(lx, 1);
            size_t len = 2;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'x': {
                int v = 0, digits = 0;
                for (int h; digits < 2 && (h = peek_char(lx, 2 + (size_t)digits)) >= 0; digits++) {
                    if (is_digit(h)) v = v * 16 + (h - '0');
                    else if (h >= 'a' && h <= 'f') v = v * 16 + (h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') v = v * 16 + (h - 'A' + 10);
                    else break;
                }
                if (digits == 0) {
                    advance(lx, 2);
                    return fail_at(lx, token, err, "invalid escape \\x without hex digits in string");
                }
                c = v;
                len = 2 + (size_t)digits;
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    int v = 0, digits = 0;
                    for (int o; digits < 3 && (o = peek_char(lx, 1 + (size_t)digits)) >= '0' && o <= '7'; digits++)
                        v = v * 8 + (o - '0');
                    c = v & 0xFF;
                    len = 1 + (size_t)digits;
                } else if (e < 0) {
                    advance(lx, 1);
                    return fail_at(lx, token, err, unterminated_what);
                } else {
                    c = e; /* \\ \' \" and any other character stand for themselves */
                }
            }
            advance(lx, len);
            if (c == 0) return fail_at(lx, token, err, "invalid escape (NUL character) in string");
        } else if (c == 0) {
            advance(lx, 1);
            return fail_at(lx, token, err, "invalid NUL character in quoted text");
        } else {
            advance(lx, 1);
        }
        if (used + 1 >= capacity) {
            char *bigger = shoal_arena_alloc(lx->arena, capacity * 2);
            memcpy(bigger, value, used);
            value = bigger;
            capacity *= 2;
        }
        value[used++] = (char)c;
    }
    value[used] = '\0';
    token->value = value;
    return true;
}

static bool scan_number(shoal_lexer *lx, shoal_token *token, shoal_error *err)
{
    size_t start = lx->pos;
    token->kind = SHOAL_TOKEN_INTEGER;
    while (is_digit(peek_char(lx, 0))) advance(lx, 1);
    if (peek_char(lx, 0) == '.' && peek_char(lx, 1) != '.') {
        token->kind = SHOAL_TOKEN_DECIMAL;
        advance(lx, 1);
        while (is_digit(peek_char(lx, 0))) advance(lx, 1);
    }
    int e = peek_char(lx, 0);
    if (e == 'e' || e == 'E') {
        int sign = peek_char(lx, 1);
        size_t digits_at = (sign == '+' || sign == '-') ? 2 : 1;
        if (is_digit(peek_char(lx, digits_at))) {
            token->kind = SHOAL_TOKEN_FLOAT;
            advance(lx, digits_at);
            while (is_digit(peek_char(lx, 0))) advance(lx, 1);
        }
    }
    if (is_word_char(peek_char(lx, 0)) || peek_char(lx, 0) == '.') {
        while (is_word_char(peek_char(lx, 0)) || peek_char(lx, 0) == '.') advance(lx, 1);
        return fail_at(lx, token, err, "trailing junk after numeric literal");
    }
    token->value = arena_copy(lx->arena, lx->text + start, lx->pos - start);
    return true;
}

/* Operators and punctuation: the longest match among the two-character ones first. */
static void scan_operator(shoal_lexer *lx, shoal_token *token)
{
    int c = peek_char(lx, 0), next = peek_char(lx, 1);
    static const struct { char first, second; shoal_token_kind kind; } pairs[] = {
        {'<', '>', SHOAL_TOKEN_NE}, {'!', '=', SHOAL_TOKEN_NE},     {'<', '=', SHOAL_TOKEN_LE},
        {'>', '=', SHOAL_TOKEN_GE}, {'|', '|', SHOAL_TOKEN_CONCAT}, {':', ':', SHOAL_TOKEN_DOUBLE_COLON},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (c == pairs[i].first && next == pairs[i].second) {
            token->kind = pairs[i].kind;
            advance(lx, 2);
            return;
        }
    }
    switch (c) {
    case '(': token->kind = SHOAL_TOKEN_LPAREN; break;
    case ')': token->kind = SHOAL_TOKEN_RPAREN; break;
    case ',': token->kind = SHOAL_TOKEN_COMMA; break;
    case '.': token->kind = SHOAL_TOKEN_DOT; break;
    case ';': token->kind = SHOAL_TOKEN_SEMICOLON; break;
    case '+': token->kind = SHOAL_TOKEN_PLUS; break;
    case '-': token->kind = SHOAL_TOKEN_MINUS; break;
    case '*': token->kind = SHOAL_TOKEN_STAR; break;
    case '/': token->kind = SHOAL_TOKEN_SLASH; break;
    case '%': token->kind = SHOAL_TOKEN_PERCENT; break;
    case '=': token->kind = SHOAL_TOKEN_EQ; break;
    case '<': token->kind = SHOAL_TOKEN_LT; break;
    case '>': token->kind = SHOAL_TOKEN_GT; break;
    default: token->kind = SHOAL_TOKEN_OTHER; break;
    }
    advance(lx, 1);
}

bool shoal_lexer_next(shoal_lexer *lx, shoal_token *token, shoal_error *err)
{
    memset(token, 0, sizeof *token);
    if (!skip_blank(lx, err)) return false;
    token->loc = (shoal_location){lx->line, lx->column, lx->pos};
    token->text = lx->text + lx->pos;
    int c = peek_char(lx, 0);
    bool ok = true;
    if (c < 0) {
        token->kind = SHOAL_TOKEN_EOF;
    } else if ((c == 'e' || c == 'E') && peek_char(lx, 1) == '\'') {
        advance(lx, 1);
        token->kind = SHOAL_TOKEN_STRING;
        ok = scan_quoted(lx, token, err, '\'', true, "unterminated quoted string");
    } else if (is_word_start(c)) {
        scan_word(lx, token);
    } else if (is_digit(c) || (c == '.' && is_digit(peek_char(lx, 1)))) {
        ok = scan_number(lx, token, err);
    } else if (c == '\'') {
        token->kind = SHOAL_TOKEN_STRING;
        ok = scan_quoted(lx, token, err, '\'', false, "unterminated quoted string");
    } else if (c == '"') {
        token->kind = SHOAL_TOKEN_QUOTED_IDENT;
        ok = scan_quoted(lx, token, err, '"', false, "unterminated quoted identifier");
        if (ok && token->value[0] == '\0') ok = fail_at(lx, token, err, "zero-length delimited identifier");
    } else {
        scan_operator(lx, token);
    }
    token->length = lx->pos - token->loc.offset;
    return ok;
}
