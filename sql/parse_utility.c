/* Utility statements: CALL procedure(args), EXPLAIN [ANALYZE] [VERBOSE] statement,
 * SET name = value | TO value, and SHOW name. */
#include "sql/parser_internal.h"

shoal_ast_node *parser_call(shoal_parser *p)
{
    shoal_ast_call *call = shoal_make_node(p->arena, call, parser_expect_keyword(p, SHOAL_KW_CALL)->loc);
    call->procedure = parser_qualified_name(p);
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    if (!parser_at(p, SHOAL_TOKEN_RPAREN)) parser_expression_list(p, &call->args);
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return &call->node;
}

shoal_ast_node *parser_explain(shoal_parser *p)
{
    shoal_ast_explain *explain = shoal_make_node(p->arena, explain, parser_expect_keyword(p, SHOAL_KW_EXPLAIN)->loc);
    for (;;) { /* ANALYZE and VERBOSE, in either order */
        if (!explain->analyze && parser_accept_keyword(p, SHOAL_KW_ANALYZE)) explain->analyze = true;
        else if (!explain->verbose && parser_accept_keyword(p, SHOAL_KW_VERBOSE)) explain->verbose = true;
        else break;
    }
    if (parser_at_keyword(p, SHOAL_KW_EXPLAIN)) parser_syntax_error(p, parser_peek(p));
    explain->statement = parser_statement_body(p);
    return &explain->node;
}

/* A setting's value: a string, a signed number, or a bare word (any keyword too: ON, OFF). */
static shoal_ast_node *parse_setting_value(shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    if (token->kind == SHOAL_TOKEN_STRING) {
        parser_advance(p);
        return &shoal_ast_make_literal(p->arena, SHOAL_AST_LITERAL_STRING, token->value, token->loc)->node;
    }
    if (token->kind == SHOAL_TOKEN_WORD || token->kind == SHOAL_TOKEN_QUOTED_IDENT) {
        parser_advance(p);
        return &shoal_ast_make_identifier(p->arena, token->value, token->loc)->node;
    }
    bool negative = parser_accept(p, SHOAL_TOKEN_MINUS);
    const shoal_token *number = parser_peek(p);
    if (number->kind != SHOAL_TOKEN_INTEGER && number->kind != SHOAL_TOKEN_DECIMAL && number->kind != SHOAL_TOKEN_FLOAT)
        parser_syntax_error(p, number);
    parser_advance(p);
    shoal_ast_node *value = &shoal_ast_make_number(p->arena, number->kind, number->value, number->loc)->node;
    return negative ? shoal_ast_make_negation(p->arena, value, token->loc) : value;
}

shoal_ast_node *parser_set(shoal_parser *p)
{
    shoal_ast_set *set = shoal_make_node(p->arena, set, parser_expect_keyword(p, SHOAL_KW_SET)->loc);
    if (parser_at_keyword(p, SHOAL_KW_TIME) && parser_keyword_ahead(p, 1, SHOAL_KW_ZONE)) {
        parser_advance(p);
        parser_advance(p);
        set->name = "timezone";
    } else {
        set->name = parser_identifier(p);
        if (!parser_accept(p, SHOAL_TOKEN_EQ)) parser_expect_keyword(p, SHOAL_KW_TO);
    }
    if (parser_accept_keyword(p, SHOAL_KW_DEFAULT)) {
        set->to_default = true;
        return &set->node;
    }
    do {
        shoal_ast_list_append(p->arena, &set->values, parse_setting_value(p));
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    return &set->node;
}

shoal_ast_node *parser_show(shoal_parser *p)
{
    shoal_ast_show *show = shoal_make_node(p->arena, show, parser_expect_keyword(p, SHOAL_KW_SHOW)->loc);
    show->name = parser_label(p);
    return &show->node;
}
