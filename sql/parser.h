/* The SQL parser's entry point: text in, one AST per statement out (Redshift's dialect; the
 * statements and the AST are in sql/ast.h, the lexer in sql/lexer.h). A hand-written
 * recursive-descent parser, reentrant: all its state lives on the caller's stack and arena. */
#ifndef SHOAL_SQL_PARSER_H
#define SHOAL_SQL_PARSER_H

#include "runtime/error.h"
#include "runtime/memory.h"
#include "sql/ast.h"

#include <stdbool.h>
#include <stddef.h>

/* Statements nest (parentheses, subqueries, operator chains) at most this deep; deeper input
 * is refused with SQLSTATE 54001 rather than exhausting the stack. */
#define SHOAL_PARSER_MAX_DEPTH 1000
#define SHOAL_SQLSTATE_TOO_COMPLEX "54001"
#define SHOAL_SQLSTATE_INVALID_DATETIME "22007" /* a malformed INTERVAL '...' */
#define SHOAL_SQLSTATE_DATETIME_OVERFLOW "22008"
#define SHOAL_SQLSTATE_INVALID_PARAMETER "22023" /* DECIMAL(40,2), VARCHAR(0), ... */

/* Parses every statement in sql[0..len) (no NUL needed; NULL with len 0 is blank text).
 * Statements are separated by ';'; empty ones (";;", a trailing ';', blank text) are skipped.
 * On success *out is an array of *count statements (0 for blank text), everything allocated
 * in `arena` (the caller resets the arena when done with the trees). On failure returns false
 * with err set (err->rank -1), *out NULL and *count 0:
 *   syntax errors (42601): `syntax error at or near "<token>" (line L, column C)`, or
 *   `syntax error at end of input (line L, column C)`; the lexer's own (unterminated string,
 *   ...) in the same "(line L, column C)" form. Other codes: SHOAL_SQLSTATE_* above.
 * The shell can split input with sql_statement_end() first and parse each statement into its
 * own arena; a statement's source span is shoal_ast_statement.offset/length. */
bool shoal_parse(const char *sql, size_t len, shoal_arena *arena, shoal_ast_statement ***out, int *count,
                 shoal_error *err);

/* Parses a lone expression (the whole text), e.g. a DEFAULT stored in the catalog. */
bool shoal_parse_expression(const char *sql, size_t len, shoal_arena *arena, shoal_ast_node **out,
                            shoal_error *err);

#endif
