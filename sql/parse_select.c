/* Queries: WITH [RECURSIVE], set operations (INTERSECT binding tighter than UNION, EXCEPT and
 * MINUS; all left-associative), parenthesized queries, SELECT blocks (TOP, DISTINCT, the
 * select list, FROM with joins and subqueries, WHERE, GROUP BY, HAVING, QUALIFY), ORDER BY,
 * LIMIT and OFFSET. */
#include "sql/parser_internal.h"

bool parser_at_query_start(const shoal_parser *p)
{
    size_t ahead = 0;
    while (parser_peek_at(p, ahead)->kind == SHOAL_TOKEN_LPAREN && ahead <= SHOAL_PARSER_MAX_DEPTH) ahead++;
    return parser_keyword_ahead(p, ahead, SHOAL_KW_SELECT) || parser_keyword_ahead(p, ahead, SHOAL_KW_WITH);
}

bool parser_at_query_continuation(const shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    if (token->kind != SHOAL_TOKEN_WORD) return false;
    switch (token->keyword) {
    case SHOAL_KW_UNION: case SHOAL_KW_INTERSECT: case SHOAL_KW_EXCEPT: case SHOAL_KW_MINUS:
    case SHOAL_KW_ORDER: case SHOAL_KW_LIMIT: case SHOAL_KW_OFFSET:
        return true;
    default:
        return false;
    }
}

void parser_sort_list(shoal_parser *p, shoal_ast_list *list)
{
    do {
        shoal_ast_sort_item *item = shoal_make_node(p->arena, sort_item, parser_peek(p)->loc);
        item->expr = parser_expression(p);
        if (parser_accept_keyword(p, SHOAL_KW_ASC)) item->direction = SHOAL_AST_SORT_ASC;
        else if (parser_accept_keyword(p, SHOAL_KW_DESC)) item->direction = SHOAL_AST_SORT_DESC;
        if (parser_accept_keyword(p, SHOAL_KW_NULLS)) {
            if (parser_accept_keyword(p, SHOAL_KW_FIRST)) {
                item->nulls = SHOAL_AST_NULLS_FIRST;
            } else {
                parser_expect_keyword(p, SHOAL_KW_LAST);
                item->nulls = SHOAL_AST_NULLS_LAST;
            }
        }
        shoal_ast_list_append(p->arena, list, item);
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
}

/* ---- FROM ---- */

/* [AS] alias [(column, ...)] after a FROM item. */
static void parse_alias(shoal_parser *p, const char **alias, shoal_ast_list *column_aliases)
{
    if (parser_accept_keyword(p, SHOAL_KW_AS)) *alias = parser_identifier(p);
    else if (parser_at_identifier(p)) *alias = parser_identifier(p);
    else return;
    if (parser_at(p, SHOAL_TOKEN_LPAREN)) parser_identifier_list(p, column_aliases);
}

static shoal_ast_node *parse_from_item(shoal_parser *p);

/* A table, a (subquery) or a parenthesized join. */
static shoal_ast_node *parse_from_primary(shoal_parser *p)
{
    shoal_location loc = parser_peek(p)->loc;
    if (parser_at(p, SHOAL_TOKEN_LPAREN)) {
        bool subquery = parser_at_query_start(p);
        parser_advance(p);
        parser_enter(p);
        if (subquery) {
            shoal_ast_subquery_ref *ref = shoal_make_node(p->arena, subquery_ref, loc);
            ref->query = parser_query(p);
            parser_expect(p, SHOAL_TOKEN_RPAREN);
            parse_alias(p, &ref->alias, &ref->column_aliases);
            parser_leave(p);
            return &ref->node;
        }
        shoal_ast_node *joined = parse_from_item(p);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
        parser_leave(p);
        return joined;
    }
    shoal_ast_table_ref *table = shoal_make_node(p->arena, table_ref, loc);
    table->name = parser_qualified_name(p);
    parse_alias(p, &table->alias, &table->column_aliases);
    return &table->node;
}

/* The join keywords before JOIN; false when the next tokens do not start a join. */
static bool parse_join_kind(shoal_parser *p, shoal_ast_join_kind *kind, bool *natural)
{
    *natural = parser_accept_keyword(p, SHOAL_KW_NATURAL);
    if (!*natural && parser_accept_keyword(p, SHOAL_KW_CROSS)) {
        *kind = SHOAL_AST_JOIN_CROSS;
    } else if (parser_accept_keyword(p, SHOAL_KW_INNER)) {
        *kind = SHOAL_AST_JOIN_INNER;
    } else if (parser_at_keyword(p, SHOAL_KW_LEFT) || parser_at_keyword(p, SHOAL_KW_RIGHT) ||
               parser_at_keyword(p, SHOAL_KW_FULL)) {
        shoal_keyword side = parser_advance(p)->keyword;
        *kind = side == SHOAL_KW_LEFT    ? SHOAL_AST_JOIN_LEFT
                : side == SHOAL_KW_RIGHT ? SHOAL_AST_JOIN_RIGHT
                                         : SHOAL_AST_JOIN_FULL;
        parser_accept_keyword(p, SHOAL_KW_OUTER);
    } else if (parser_at_keyword(p, SHOAL_KW_JOIN) || *natural) {
        *kind = SHOAL_AST_JOIN_INNER;
    } else {
        return false;
    }
    parser_expect_keyword(p, SHOAL_KW_JOIN);
    return true;
}

/* A FROM item with its joins, left-associative. */
static shoal_ast_node *parse_from_item(shoal_parser *p)
{
    shoal_ast_node *left = parse_from_primary(p);
    int depth = p->depth;
    shoal_ast_join_kind kind;
    bool natural;
    while (parse_join_kind(p, &kind, &natural)) {
        parser_enter(p);
        shoal_ast_join *join = shoal_make_node(p->arena, join, left->loc);
        join->kind = kind;
        join->natural = natural;
        join->left = left;
        join->right = parse_from_primary(p);
        if (kind != SHOAL_AST_JOIN_CROSS && !natural) {
            if (parser_accept_keyword(p, SHOAL_KW_ON)) join->on = parser_expression(p);
            else if (parser_accept_keyword(p, SHOAL_KW_USING)) parser_identifier_list(p, &join->using_columns);
            else parser_syntax_error(p, parser_peek(p));
        }
        left = &join->node;
    }
    p->depth = depth;
    return left;
}

/* ---- SELECT block ---- */

static shoal_ast_node *parse_target(shoal_parser *p)
{
    shoal_ast_target *target = shoal_make_node(p->arena, target, parser_peek(p)->loc);
    if (parser_at(p, SHOAL_TOKEN_STAR)) {
        target->expr = &shoal_make_node(p->arena, star, parser_advance(p)->loc)->node;
        return &target->node;
    }
    target->expr = parser_expression(p);
    if (shoal_is_a(target->expr, star)) return &target->node;
    if (parser_accept_keyword(p, SHOAL_KW_AS)) target->alias = parser_label(p);
    else if (parser_at_identifier(p)) target->alias = parser_identifier(p);
    return &target->node;
}

/* TOP n | TOP (expression) */
static shoal_ast_node *parse_top(shoal_parser *p)
{
    if (parser_accept(p, SHOAL_TOKEN_LPAREN)) {
        shoal_ast_node *count = parser_expression(p);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
        return count;
    }
    const shoal_token *number = parser_expect(p, SHOAL_TOKEN_INTEGER);
    return &shoal_ast_make_number(p->arena, number->kind, number->value, number->loc)->node;
}

static shoal_ast_node *parse_select_block(shoal_parser *p)
{
    shoal_ast_select *select = shoal_make_node(p->arena, select, parser_expect_keyword(p, SHOAL_KW_SELECT)->loc);
    for (int i = 0; i < 2; i++) { /* TOP and DISTINCT | ALL, in either order */
        if (!select->top && parser_accept_keyword(p, SHOAL_KW_TOP)) select->top = parse_top(p);
        else if (parser_accept_keyword(p, SHOAL_KW_DISTINCT)) select->distinct = true;
        else parser_accept_keyword(p, SHOAL_KW_ALL);
    }
    do {
        shoal_ast_list_append(p->arena, &select->targets, parse_target(p));
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    if (parser_accept_keyword(p, SHOAL_KW_FROM)) {
        do {
            shoal_ast_list_append(p->arena, &select->from, parse_from_item(p));
        } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    }
    if (parser_accept_keyword(p, SHOAL_KW_WHERE)) select->where = parser_expression(p);
    if (parser_accept_keyword(p, SHOAL_KW_GROUP)) {
        parser_expect_keyword(p, SHOAL_KW_BY);
        parser_expression_list(p, &select->group_by);
    }
    if (parser_accept_keyword(p, SHOAL_KW_HAVING)) select->having = parser_expression(p);
    if (parser_accept_keyword(p, SHOAL_KW_QUALIFY)) select->qualify = parser_expression(p);
    return &select->node;
}

/* ---- set operations and queries ---- */

/* A query that adds nothing around its body stands for the body itself. */
static shoal_ast_node *unwrap(shoal_ast_query *query)
{
    if (query->ctes.count == 0 && query->order_by.count == 0 && query->limit == NULL && !query->limit_all &&
        query->offset == NULL)
        return query->body;
    return &query->node;
}

/* A SELECT block or a parenthesized query. */
static shoal_ast_node *parse_set_operand(shoal_parser *p)
{
    if (parser_accept(p, SHOAL_TOKEN_LPAREN)) {
        parser_enter(p);
        shoal_ast_query *query = parser_query(p);
        parser_leave(p);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
        return unwrap(query);
    }
    return parse_select_block(p);
}

static bool parse_set_op(shoal_parser *p, bool intersect_level, shoal_ast_set_op *op)
{
    if (intersect_level) {
        if (!parser_accept_keyword(p, SHOAL_KW_INTERSECT)) return false;
        *op = SHOAL_AST_INTERSECT;
    } else if (parser_accept_keyword(p, SHOAL_KW_UNION)) {
        *op = SHOAL_AST_UNION;
    } else if (parser_accept_keyword(p, SHOAL_KW_EXCEPT) || parser_accept_keyword(p, SHOAL_KW_MINUS)) {
        *op = SHOAL_AST_EXCEPT;
    } else {
        return false;
    }
    return true;
}

static shoal_ast_node *make_set_operation(shoal_parser *p, shoal_ast_set_op op, shoal_ast_node *left,
                                          shoal_ast_node *right, bool all)
{
    shoal_ast_set_operation *node = shoal_make_node(p->arena, set_operation, left->loc);
    node->op = op;
    node->all = all;
    node->left = left;
    node->right = right;
    return &node->node;
}

/* operand [INTERSECT operand]...; `first`, when given, is the first operand already parsed. */
static shoal_ast_node *parse_intersect_chain(shoal_parser *p, shoal_ast_node *first)
{
    shoal_ast_node *left = first ? first : parse_set_operand(p);
    int depth = p->depth;
    shoal_ast_set_op op;
    while (parse_set_op(p, true, &op)) {
        parser_enter(p);
        bool all = parser_accept_keyword(p, SHOAL_KW_ALL);
        if (!all) parser_accept_keyword(p, SHOAL_KW_DISTINCT);
        left = make_set_operation(p, op, left, parse_set_operand(p), all);
    }
    p->depth = depth;
    return left;
}

static shoal_ast_node *parse_set_expression(shoal_parser *p, shoal_ast_node *first)
{
    shoal_ast_node *left = parse_intersect_chain(p, first);
    int depth = p->depth;
    shoal_ast_set_op op;
    while (parse_set_op(p, false, &op)) {
        parser_enter(p);
        bool all = parser_accept_keyword(p, SHOAL_KW_ALL);
        if (!all) parser_accept_keyword(p, SHOAL_KW_DISTINCT);
        left = make_set_operation(p, op, left, parse_intersect_chain(p, NULL), all);
    }
    p->depth = depth;
    return left;
}

/* The set expression from `first` on, then ORDER BY / LIMIT / OFFSET, around `query`
 * (which may already hold the WITH clause). */
static shoal_ast_query *finish_query(shoal_parser *p, shoal_ast_query *query, shoal_ast_node *first)
{
    query->body = parse_set_expression(p, first);
    if (parser_accept_keyword(p, SHOAL_KW_ORDER)) {
        parser_expect_keyword(p, SHOAL_KW_BY);
        parser_sort_list(p, &query->order_by);
    }
    bool limit_seen = false, offset_seen = false;
    for (;;) { /* LIMIT and OFFSET, in either order */
        if (!limit_seen && parser_accept_keyword(p, SHOAL_KW_LIMIT)) {
            limit_seen = true;
            if (parser_accept_keyword(p, SHOAL_KW_ALL)) query->limit_all = true;
            else query->limit = parser_expression(p);
        } else if (!offset_seen && parser_accept_keyword(p, SHOAL_KW_OFFSET)) {
            offset_seen = true;
            query->offset = parser_expression(p);
        } else {
            break;
        }
    }
    /* A lone parenthesized query needs no second wrapper. */
    if (shoal_is_a(query->body, query) && unwrap(query) == query->body) return shoal_cast(query, query->body);
    return query;
}

static void parse_with_clause(shoal_parser *p, shoal_ast_query *query)
{
    parser_expect_keyword(p, SHOAL_KW_WITH);
    const shoal_token *after = parser_peek_at(p, 1);
    if (parser_at_keyword(p, SHOAL_KW_RECURSIVE) &&
        (after->kind == SHOAL_TOKEN_QUOTED_IDENT ||
         (after->kind == SHOAL_TOKEN_WORD && shoal_keyword_category_of(after->keyword) != SHOAL_KEYWORD_RESERVED))) {
        parser_advance(p);
        query->recursive = true;
    }
    do {
        shoal_ast_cte *cte = shoal_make_node(p->arena, cte, parser_peek(p)->loc);
        cte->name = parser_identifier(p);
        if (parser_at(p, SHOAL_TOKEN_LPAREN)) parser_identifier_list(p, &cte->columns);
        parser_expect_keyword(p, SHOAL_KW_AS);
        parser_expect(p, SHOAL_TOKEN_LPAREN);
        parser_enter(p);
        cte->query = parser_query(p);
        parser_leave(p);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
        shoal_ast_list_append(p->arena, &query->ctes, cte);
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
}

shoal_ast_query *parser_query(shoal_parser *p)
{
    parser_enter(p);
    shoal_ast_query *query = shoal_make_node(p->arena, query, parser_peek(p)->loc);
    if (parser_at_keyword(p, SHOAL_KW_WITH)) parse_with_clause(p, query);
    query = finish_query(p, query, NULL);
    parser_leave(p);
    return query;
}

shoal_ast_query *parser_query_continue(shoal_parser *p, shoal_ast_query *first)
{
    parser_enter(p);
    shoal_ast_query *query = shoal_make_node(p->arena, query, first->node.loc);
    query = finish_query(p, query, unwrap(first));
    parser_leave(p);
    return query;
}
