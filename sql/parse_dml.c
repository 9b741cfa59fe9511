/* Data manipulation: INSERT INTO table [(columns)] VALUES (..), .. | query | DEFAULT VALUES. */
#include "sql/parser_internal.h"

/* ( expression | DEFAULT, ... ) */
static shoal_ast_node *parse_values_row(shoal_parser *p)
{
    shoal_ast_row *row = shoal_make_node(p->arena, row, parser_expect(p, SHOAL_TOKEN_LPAREN)->loc);
    do {
        if (parser_at_keyword(p, SHOAL_KW_DEFAULT)) {
            shoal_ast_default_value *value = shoal_make_node(p->arena, default_value, parser_advance(p)->loc);
            shoal_ast_list_append(p->arena, &row->items, value);
        } else {
            shoal_ast_list_append(p->arena, &row->items, parser_expression(p));
        }
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return &row->node;
}

shoal_ast_node *parser_insert(shoal_parser *p)
{
    shoal_ast_insert *insert = shoal_make_node(p->arena, insert, parser_expect_keyword(p, SHOAL_KW_INSERT)->loc);
    parser_expect_keyword(p, SHOAL_KW_INTO);
    insert->table = parser_qualified_name(p);
    /* "(" opens the column list unless it opens the query: INSERT INTO t (SELECT ...) */
    if (parser_at(p, SHOAL_TOKEN_LPAREN) && !parser_at_query_start(p)) parser_identifier_list(p, &insert->columns);
    if (parser_accept_keyword(p, SHOAL_KW_VALUES)) {
        do {
            shoal_ast_list_append(p->arena, &insert->rows, parse_values_row(p));
        } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    } else if (parser_at_keyword(p, SHOAL_KW_DEFAULT)) {
        parser_advance(p);
        parser_expect_keyword(p, SHOAL_KW_VALUES);
        insert->default_values = true;
    } else if (parser_at_query_start(p)) {
        insert->query = parser_query(p);
    } else {
        parser_syntax_error(p, parser_peek(p));
    }
    return &insert->node;
}
