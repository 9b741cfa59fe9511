/* What the parser's files (parser.c and parse_*.c) share: the parser state, token helpers,
 * error reporting and the entry points of each part of the grammar. Not for use outside sql/
 * parsing: everything else goes through sql/parser.h. */
#ifndef SHOAL_SQL_PARSER_INTERNAL_H
#define SHOAL_SQL_PARSER_INTERNAL_H

#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/parser.h"

#include <setjmp.h>
#include <stdbool.h>

/* Errors unwind with longjmp to shoal_parse: every allocation is in the arena, so nothing
 * needs cleaning up on the way, and the grammar code reads straight through without checks. */
typedef struct shoal_parser {
    const char *text;
    size_t length;
    shoal_arena *arena;
    shoal_token *tokens; /* every token, the last one EOF (malloc'd; shoal_parse frees it) */
    size_t token_count;
    size_t pos; /* the next token */
    int depth;  /* nesting, see parser_enter */
    /* An expression already parsed that the expression grammar must take as its first
     * primary: how "((SELECT 1) + 1)" continues after the parenthesized query is known to be
     * an operand rather than a set-operation operand. */
    shoal_ast_node *pending_primary;
    shoal_error *err;
    jmp_buf on_error;
} shoal_parser;

/* ---- tokens ---- */

static inline const shoal_token *parser_peek(const shoal_parser *p) { return &p->tokens[p->pos]; }
static inline const shoal_token *parser_peek_at(const shoal_parser *p, size_t ahead)
{
    size_t at = p->pos + ahead;
    return &p->tokens[at < p->token_count ? at : p->token_count - 1];
}
static inline bool parser_at(const shoal_parser *p, shoal_token_kind kind) { return parser_peek(p)->kind == kind; }
static inline bool parser_at_keyword(const shoal_parser *p, shoal_keyword keyword)
{
    return parser_peek(p)->kind == SHOAL_TOKEN_WORD && parser_peek(p)->keyword == keyword;
}
static inline bool parser_keyword_ahead(const shoal_parser *p, size_t ahead, shoal_keyword keyword)
{
    const shoal_token *token = parser_peek_at(p, ahead);
    return token->kind == SHOAL_TOKEN_WORD && token->keyword == keyword;
}
const shoal_token *parser_advance(shoal_parser *p); /* returns the token passed; stays on EOF */
bool parser_accept(shoal_parser *p, shoal_token_kind kind);
bool parser_accept_keyword(shoal_parser *p, shoal_keyword keyword);
const shoal_token *parser_expect(shoal_parser *p, shoal_token_kind kind);
const shoal_token *parser_expect_keyword(shoal_parser *p, shoal_keyword keyword);

/* ---- errors (never return) ---- */

/* `syntax error at or near "<token>" (line L, column C)` or `... at end of input ...`. */
_Noreturn void parser_syntax_error(shoal_parser *p, const shoal_token *at);
/* `<message> (line L, column C)` with the given SQLSTATE. */
_Noreturn void parser_error_at(shoal_parser *p, const char *sqlstate, shoal_location loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* `conflicting or redundant "<token>"`: an option or attribute given twice. */
_Noreturn void parser_redundant(shoal_parser *p, const shoal_token *token);

/* Nesting guard: enter before recursing (and per link of an operator chain), leave after. */
void parser_enter(shoal_parser *p);
static inline void parser_leave(shoal_parser *p) { p->depth--; }

/* ---- names ---- */

/* A word that is not a reserved keyword, or a "quoted identifier". */
bool parser_at_identifier(const shoal_parser *p);
const char *parser_identifier(shoal_parser *p);
shoal_ast_identifier *parser_identifier_node(shoal_parser *p);
/* Any word, reserved keywords included, or a quoted identifier (aliases after AS). */
const char *parser_label(shoal_parser *p);
shoal_ast_qualified_name *parser_qualified_name(shoal_parser *p);
/* "(a, b, c)" into `list` (identifier nodes). */
void parser_identifier_list(shoal_parser *p, shoal_ast_list *list);
/* IF NOT EXISTS / IF EXISTS (true when present). */
bool parser_if_not_exists(shoal_parser *p);
bool parser_if_exists(shoal_parser *p);
int64_t parser_integer(shoal_parser *p, bool allow_sign); /* an integer literal's value */
const char *parser_string(shoal_parser *p);               /* a string literal's value */

/* ---- the grammar, by file ---- */

/* parser.c */
shoal_ast_node *parser_statement_body(shoal_parser *p);

/* parse_expr.c */
shoal_ast_node *parser_expression(shoal_parser *p);
/* An operand of + - * / ||, no comparison or boolean operator at the top (DEFAULT values,
 * BETWEEN bounds, LIKE patterns). */
shoal_ast_node *parser_concat_expression(shoal_parser *p);
void parser_expression_list(shoal_parser *p, shoal_ast_list *list); /* e, e, ... */
/* After '(' (consumed), up to and including the matching ')': a query or a list of
 * expressions; exactly one of the results is set. */
void parser_parenthesized(shoal_parser *p, shoal_ast_query **query, shoal_ast_list *list);

/* parse_type.c */
shoal_ast_type_name *parser_type_name(shoal_parser *p);

/* parse_select.c */
bool parser_at_query_start(const shoal_parser *p); /* SELECT, WITH, or ( leading to one */
shoal_ast_query *parser_query(shoal_parser *p);
/* Continues a query whose first set-operation operand (a parenthesized query) is parsed. */
shoal_ast_query *parser_query_continue(shoal_parser *p, shoal_ast_query *first);
bool parser_at_query_continuation(const shoal_parser *p); /* UNION, ORDER BY, LIMIT, ... */
void parser_sort_list(shoal_parser *p, shoal_ast_list *list); /* after ORDER BY */

/* parse_ddl.c */
shoal_ast_node *parser_create(shoal_parser *p);
shoal_ast_node *parser_drop(shoal_parser *p);

/* parse_copy.c */
shoal_ast_node *parser_copy(shoal_parser *p);

/* parse_dml.c */
shoal_ast_node *parser_insert(shoal_parser *p);

/* parse_utility.c */
shoal_ast_node *parser_call(shoal_parser *p);
shoal_ast_node *parser_explain(shoal_parser *p);
shoal_ast_node *parser_set(shoal_parser *p);
shoal_ast_node *parser_show(shoal_parser *p);

#endif
