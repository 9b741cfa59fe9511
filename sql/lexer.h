/* The SQL lexer: turns statement text into tokens (words and keywords, quoted identifiers,
 * string and numeric literals, operators), skipping white space, -- and nested block comments.
 * Every token carries its raw source slice and its position (line, column, byte offset). */
#ifndef SHOAL_SQL_LEXER_H
#define SHOAL_SQL_LEXER_H

#include "runtime/error.h"
#include "runtime/memory.h"
#include "sql/lexer_keywords.h"

#include <stdbool.h>
#include <stddef.h>

/* Where a token (or the AST node built from it) starts. line and column are 1-based; the
 * column counts characters (UTF-8 code points), a tab counting as one. */
typedef struct shoal_location {
    int line;
    int column;
    size_t offset; /* bytes from the start of the text handed to the lexer */
} shoal_location;

typedef enum shoal_keyword {
    SHOAL_KW_NONE = 0,
#define SHOAL_KEYWORD_ENUM(name, category) SHOAL_KW_##name,
    SHOAL_KEYWORD_LIST(SHOAL_KEYWORD_ENUM)
#undef SHOAL_KEYWORD_ENUM
    SHOAL_KW_COUNT
} shoal_keyword;

typedef enum shoal_keyword_category {
    SHOAL_KEYWORD_UNRESERVED, /* an identifier wherever the grammar does not expect the keyword */
    SHOAL_KEYWORD_RESERVED,   /* never an identifier unless "quoted"; may follow AS as an alias */
} shoal_keyword_category;

typedef enum shoal_token_kind {
    SHOAL_TOKEN_EOF = 0,
    SHOAL_TOKEN_WORD,         /* identifier or keyword: value folded to lower case */
    SHOAL_TOKEN_QUOTED_IDENT, /* "Name": value keeps its case, "" unescaped */
    SHOAL_TOKEN_STRING,       /* 'text' or E'text': value unescaped */
    SHOAL_TOKEN_INTEGER,      /* 42 */
    SHOAL_TOKEN_DECIMAL,      /* 4.2, .5, 5. */
    SHOAL_TOKEN_FLOAT,        /* 4.2e1, 1E-3 */
    SHOAL_TOKEN_LPAREN,       /* ( */
    SHOAL_TOKEN_RPAREN,       /* ) */
    SHOAL_TOKEN_COMMA,        /* , */
    SHOAL_TOKEN_DOT,          /* . */
    SHOAL_TOKEN_SEMICOLON,    /* ; */
    SHOAL_TOKEN_DOUBLE_COLON, /* :: */
    SHOAL_TOKEN_PLUS,         /* + */
    SHOAL_TOKEN_MINUS,        /* - */
    SHOAL_TOKEN_STAR,         /* * */
    SHOAL_TOKEN_SLASH,        /* / */
    SHOAL_TOKEN_PERCENT,      /* % */
    SHOAL_TOKEN_CONCAT,       /* || */
    SHOAL_TOKEN_EQ,           /* = */
    SHOAL_TOKEN_NE,           /* <> or != */
    SHOAL_TOKEN_LT,           /* < */
    SHOAL_TOKEN_LE,           /* <= */
    SHOAL_TOKEN_GT,           /* > */
    SHOAL_TOKEN_GE,           /* >= */
    SHOAL_TOKEN_OTHER,        /* any other single character (: ^ & | [ ] $ ...): the grammar has
                                 no use for it, so the parser reports it as a syntax error */
} shoal_token_kind;

typedef struct shoal_token {
    shoal_token_kind kind;
    shoal_keyword keyword; /* WORD: the keyword it spells, or SHOAL_KW_NONE */
    const char *value;     /* WORD, QUOTED_IDENT, STRING, numbers: NUL-terminated, in the
                              arena; NULL for operators and EOF */
    const char *text;      /* the raw source of the token (not NUL-terminated) */
    size_t length;         /* bytes of text */
    shoal_location loc;
} shoal_token;

/* The lexer's state: a cursor into the text. Reentrant; one per text being lexed. */
typedef struct shoal_lexer {
    const char *text;
    size_t length;
    size_t pos;
    int line, column;
    shoal_arena *arena; /* token values live here */
} shoal_lexer;

void shoal_lexer_init(shoal_lexer *lexer, const char *text, size_t length, shoal_arena *arena);
/* The next token (SHOAL_TOKEN_EOF, repeatedly, at the end). False with err set (SQLSTATE
 * 42601, "... (line L, column C)") on an unterminated string, quoted identifier or comment, an
 * empty quoted identifier, a bad escape in E'...', or junk right after a number. */
bool shoal_lexer_next(shoal_lexer *lexer, shoal_token *token, shoal_error *err);

/* The keyword that `word` spells (any case), or SHOAL_KW_NONE. */
shoal_keyword shoal_keyword_lookup(const char *word, size_t length);
const char *shoal_keyword_name(shoal_keyword keyword); /* upper case; "" for NONE */
shoal_keyword_category shoal_keyword_category_of(shoal_keyword keyword);

/* Writes `text` for an error message: at most ~40 characters (then "..."), control bytes
 * and NUL as \xNN. */
void shoal_token_excerpt(const char *text, size_t length, char *buf, size_t size);

#endif
