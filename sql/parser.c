/* The parser's driver: lexes the whole text into a token array, parses statements separated
 * by ';' (dispatching on the first keyword), and holds the helpers every grammar file uses —
 * token matching, names, small literals, the nesting guard and error reporting. */
#include "sql/parser_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLSTATE_NUMERIC_OUT_OF_RANGE "22003"

/* ---- tokens ---- */

const shoal_token *parser_advance(shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    if (p->pos + 1 < p->token_count) p->pos++;
    return token;
}

bool parser_accept(shoal_parser *p, shoal_token_kind kind)
{
    if (!parser_at(p, kind)) return false;
    parser_advance(p);
    return true;
}

bool parser_accept_keyword(shoal_parser *p, shoal_keyword keyword)
{
    if (!parser_at_keyword(p, keyword)) return false;
    parser_advance(p);
    return true;
}

const shoal_token *parser_expect(shoal_parser *p, shoal_token_kind kind)
{
    if (!parser_at(p, kind)) parser_syntax_error(p, parser_peek(p));
    return parser_advance(p);
}

const shoal_token *parser_expect_keyword(shoal_parser *p, shoal_keyword keyword)
{
    if (!parser_at_keyword(p, keyword)) parser_syntax_error(p, parser_peek(p));
    return parser_advance(p);
}

/* ---- errors ---- */

_Noreturn void parser_syntax_error(shoal_parser *p, const shoal_token *at)
{
    if (at->kind == SHOAL_TOKEN_EOF) {
        shoal_error_set(p->err, -1, SHOAL_SQLSTATE_SYNTAX, "syntax error at end of input (line %d, column %d)",
                        at->loc.line, at->loc.column);
    } else {
        char excerpt[160];
        shoal_token_excerpt(at->text, at->length, excerpt, sizeof excerpt);
        shoal_error_set(p->err, -1, SHOAL_SQLSTATE_SYNTAX, "syntax error at or near \"%s\" (line %d, column %d)",
                        excerpt, at->loc.line, at->loc.column);
    }
    longjmp(p->on_error, 1);
}

_Noreturn void parser_error_at(shoal_parser *p, const char *sqlstate, shoal_location loc, const char *fmt, ...)
{
    char message[SHOAL_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    shoal_error_set(p->err, -1, sqlstate, "%s (line %d, column %d)", message, loc.line, loc.column);
    longjmp(p->on_error, 1);
}

_Noreturn void parser_redundant(shoal_parser *p, const shoal_token *token)
{
    char excerpt[160];
    shoal_token_excerpt(token->text, token->length, excerpt, sizeof excerpt);
    parser_error_at(p, SHOAL_SQLSTATE_SYNTAX, token->loc, "conflicting or redundant \"%s\"", excerpt);
}

void parser_enter(shoal_parser *p)
{
    if (++p->depth > SHOAL_PARSER_MAX_DEPTH)
        parser_error_at(p, SHOAL_SQLSTATE_TOO_COMPLEX, parser_peek(p)->loc,
                        "statement is nested more than %d levels deep", SHOAL_PARSER_MAX_DEPTH);
}

/* ---- names and small literals ---- */

bool parser_at_identifier(const shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    if (token->kind == SHOAL_TOKEN_QUOTED_IDENT) return true;
    return token->kind == SHOAL_TOKEN_WORD && shoal_keyword_category_of(token->keyword) != SHOAL_KEYWORD_RESERVED;
}

const char *parser_identifier(shoal_parser *p)
{
    if (!parser_at_identifier(p)) parser_syntax_error(p, parser_peek(p));
    return parser_advance(p)->value;
}

shoal_ast_identifier *parser_identifier_node(shoal_parser *p)
{
    shoal_location loc = parser_peek(p)->loc;
    return shoal_ast_make_identifier(p->arena, parser_identifier(p), loc);
}

const char *parser_label(shoal_parser *p)
{
    if (!parser_at(p, SHOAL_TOKEN_WORD) && !parser_at(p, SHOAL_TOKEN_QUOTED_IDENT))
        parser_syntax_error(p, parser_peek(p));
    return parser_advance(p)->value;
}

shoal_ast_qualified_name *parser_qualified_name(shoal_parser *p)
{
    shoal_ast_qualified_name *name = shoal_make_node(p->arena, qualified_name, parser_peek(p)->loc);
    name->name = parser_identifier(p);
    if (parser_accept(p, SHOAL_TOKEN_DOT)) {
        name->schema = name->name;
        name->name = parser_identifier(p);
    }
    return name;
}

void parser_identifier_list(shoal_parser *p, shoal_ast_list *list)
{
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    do {
        shoal_ast_list_append(p->arena, list, parser_identifier_node(p));
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    parser_expect(p, SHOAL_TOKEN_RPAREN);
}

bool parser_if_not_exists(shoal_parser *p)
{
    if (!parser_at_keyword(p, SHOAL_KW_IF) || !parser_keyword_ahead(p, 1, SHOAL_KW_NOT)) return false;
    parser_advance(p);
    parser_advance(p);
    parser_expect_keyword(p, SHOAL_KW_EXISTS);
    return true;
}

bool parser_if_exists(shoal_parser *p)
{
    if (!parser_at_keyword(p, SHOAL_KW_IF) || !parser_keyword_ahead(p, 1, SHOAL_KW_EXISTS)) return false;
    parser_advance(p);
    parser_advance(p);
    return true;
}

int64_t parser_integer(shoal_parser *p, bool allow_sign)
{
    shoal_location loc = parser_peek(p)->loc;
    bool negative = allow_sign && parser_accept(p, SHOAL_TOKEN_MINUS);
    if (!negative && allow_sign) parser_accept(p, SHOAL_TOKEN_PLUS);
    const shoal_token *token = parser_expect(p, SHOAL_TOKEN_INTEGER);
    errno = 0;
    char *end;
    long long value = strtoll(token->value, &end, 10);
    if (errno != 0 || *end != '\0')
        parser_error_at(p, SQLSTATE_NUMERIC_OUT_OF_RANGE, loc, "integer %s%s is out of range", negative ? "-" : "",
                        token->value);
    return negative ? -(int64_t)value : (int64_t)value;
}

const char *parser_string(shoal_parser *p) { return parser_expect(p, SHOAL_TOKEN_STRING)->value; }

/* ---- statements ---- */

shoal_ast_node *parser_statement_body(shoal_parser *p)
{
    const shoal_token *first = parser_peek(p);
    if (parser_at_query_start(p)) return &parser_query(p)->node;
    if (first->kind != SHOAL_TOKEN_WORD) parser_syntax_error(p, first);
    switch (first->keyword) {
    case SHOAL_KW_CREATE: return parser_create(p);
    case SHOAL_KW_DROP: return parser_drop(p);
    case SHOAL_KW_COPY: return parser_copy(p);
    case SHOAL_KW_INSERT: return parser_insert(p);
    case SHOAL_KW_CALL: return parser_call(p);
    case SHOAL_KW_EXPLAIN: return parser_explain(p);
    case SHOAL_KW_SET: return parser_set(p);
    case SHOAL_KW_SHOW: return parser_show(p);
    default: parser_syntax_error(p, first);
    }
}

static shoal_ast_statement *parse_statement(shoal_parser *p)
{
    const shoal_token *first = parser_peek(p);
    shoal_ast_statement *statement = shoal_make_node(p->arena, statement, first->loc);
    statement->body = parser_statement_body(p);
    const shoal_token *last = &p->tokens[p->pos - 1];
    statement->offset = first->loc.offset;
    statement->length = last->loc.offset + last->length - first->loc.offset;
    return statement;
}

/* Lexes all of the text into p->tokens. False with p->err set on a lexical error. */
static bool lex_all(shoal_parser *p)
{
    shoal_lexer lexer;
    shoal_lexer_init(&lexer, p->text, p->length, p->arena);
    size_t capacity = 64;
    p->tokens = shoal_xmalloc(capacity * sizeof *p->tokens);
    p->token_count = 0;
    for (;;) {
        if (p->token_count == capacity) {
            capacity *= 2;
            p->tokens = shoal_xrealloc(p->tokens, capacity * sizeof *p->tokens);
        }
        shoal_token *token = &p->tokens[p->token_count];
        if (!shoal_lexer_next(&lexer, token, p->err)) return false;
        p->token_count++;
        if (token->kind == SHOAL_TOKEN_EOF) return true;
    }
}

static void parser_init(shoal_parser *p, const char *sql, size_t len, shoal_arena *arena, shoal_error *err)
{
    memset(p, 0, sizeof *p);
    p->text = sql;
    p->length = len;
    p->arena = arena;
    p->err = err;
}

/* The body of shoal_parse once the tokens exist; errors longjmp out of it. */
static void parse_statements(shoal_parser *p, shoal_ast_statement ***out, int *count)
{
    shoal_ast_list statements = {0};
    for (;;) {
        while (parser_accept(p, SHOAL_TOKEN_SEMICOLON)) {}
        if (parser_at(p, SHOAL_TOKEN_EOF)) break;
        shoal_ast_list_append(p->arena, &statements, parse_statement(p));
        if (!parser_at(p, SHOAL_TOKEN_EOF)) parser_expect(p, SHOAL_TOKEN_SEMICOLON);
    }
    *out = (shoal_ast_statement **)statements.items;
    *count = statements.count;
}

bool shoal_parse(const char *sql, size_t len, shoal_arena *arena, shoal_ast_statement ***out, int *count,
                 shoal_error *err)
{
    shoal_parser parser;
    parser_init(&parser, sql, len, arena, err);
    *out = NULL;
    *count = 0;
    bool ok = lex_all(&parser);
    shoal_token *volatile tokens = parser.tokens; /* survives the longjmp */
    if (ok) {
        if (setjmp(parser.on_error) == 0) {
            parse_statements(&parser, out, count);
        } else {
            ok = false;
            *out = NULL;
            *count = 0;
        }
    }
    free(tokens);
    return ok;
}

bool shoal_parse_expression(const char *sql, size_t len, shoal_arena *arena, shoal_ast_node **out,
                            shoal_error *err)
{
    shoal_parser parser;
    parser_init(&parser, sql, len, arena, err);
    *out = NULL;
    bool ok = lex_all(&parser);
    shoal_token *volatile tokens = parser.tokens;
    if (ok) {
        if (setjmp(parser.on_error) == 0) {
            shoal_ast_node *expression = parser_expression(&parser);
            parser_expect(&parser, SHOAL_TOKEN_EOF);
            *out = expression;
        } else {
            ok = false;
        }
    }
    free(tokens);
    return ok;
}
