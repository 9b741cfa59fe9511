/* Expressions, one function per precedence level, loosest first:
 *   OR < AND < NOT < comparison, IS, [NOT] IN / BETWEEN / LIKE / ILIKE / SIMILAR TO, op ANY|ALL
 *   < || < + - < * / % < unary - + < ::type < primary
 * Binary levels are left-associative loops; each link of a chain counts toward the nesting
 * limit, so no tree the parser returns is deeper than SHOAL_PARSER_MAX_DEPTH. Primaries cover
 * literals, names, calls (with DISTINCT, FILTER, WITHIN GROUP, OVER), the special call forms
 * (CAST, EXTRACT, SUBSTRING, POSITION, TRIM), CASE, EXISTS and parenthesized subqueries. */
#include "sql/parser_internal.h"

#include <string.h>

static shoal_ast_node *parse_and(shoal_parser *p);
static shoal_ast_node *parse_not(shoal_parser *p);
static shoal_ast_node *parse_comparison(shoal_parser *p);
static shoal_ast_node *parse_concat(shoal_parser *p);
static shoal_ast_node *parse_additive(shoal_parser *p);
static shoal_ast_node *parse_multiplicative(shoal_parser *p);
static shoal_ast_node *parse_unary(shoal_parser *p);
static shoal_ast_node *parse_postfix(shoal_parser *p);
static shoal_ast_node *parse_primary(shoal_parser *p);

/* The OR level: a whole expression. */
shoal_ast_node *parser_expression(shoal_parser *p)
{
    parser_enter(p);
    shoal_ast_node *left = parse_and(p);
    while (parser_accept_keyword(p, SHOAL_KW_OR))
        left = shoal_ast_make_bool(p->arena, SHOAL_AST_OR, left, parse_and(p));
    parser_leave(p);
    return left;
}

shoal_ast_node *parser_concat_expression(shoal_parser *p)
{
    parser_enter(p);
    shoal_ast_node *expression = parse_concat(p);
    parser_leave(p);
    return expression;
}

void parser_expression_list(shoal_parser *p, shoal_ast_list *list)
{
    do {
        shoal_ast_list_append(p->arena, list, parser_expression(p));
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
}

/* ---- boolean and comparison levels ---- */

static shoal_ast_node *parse_and(shoal_parser *p)
{
    shoal_ast_node *left = parse_not(p);
    while (parser_accept_keyword(p, SHOAL_KW_AND))
        left = shoal_ast_make_bool(p->arena, SHOAL_AST_AND, left, parse_not(p));
    return left;
}

static shoal_ast_node *parse_not(shoal_parser *p)
{
    if (p->pending_primary == NULL && parser_at_keyword(p, SHOAL_KW_NOT)) {
        shoal_location loc = parser_advance(p)->loc;
        parser_enter(p);
        shoal_ast_node *operand = parse_not(p);
        parser_leave(p);
        return shoal_ast_make_not(p->arena, operand, loc);
    }
    return parse_comparison(p);
}

static bool comparison_operator(shoal_token_kind kind, shoal_ast_binary_op *op)
{
    switch (kind) {
    case SHOAL_TOKEN_EQ: *op = SHOAL_AST_OP_EQ; return true;
    case SHOAL_TOKEN_NE: *op = SHOAL_AST_OP_NE; return true;
    case SHOAL_TOKEN_LT: *op = SHOAL_AST_OP_LT; return true;
    case SHOAL_TOKEN_LE: *op = SHOAL_AST_OP_LE; return true;
    case SHOAL_TOKEN_GT: *op = SHOAL_AST_OP_GT; return true;
    case SHOAL_TOKEN_GE: *op = SHOAL_AST_OP_GE; return true;
    default: return false;
    }
}

/* ( query ): a subquery operand, both parentheses included. */
static shoal_ast_query *parse_subquery_in_parens(shoal_parser *p)
{
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    parser_enter(p);
    shoal_ast_query *query = parser_query(p);
    parser_leave(p);
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return query;
}

/* left op right, or left op ANY|SOME|ALL (query). */
static shoal_ast_node *parse_comparison_rest(shoal_parser *p, shoal_ast_node *left, shoal_ast_binary_op op)
{
    shoal_location op_loc = parser_advance(p)->loc;
    bool any = parser_at_keyword(p, SHOAL_KW_ANY) || parser_at_keyword(p, SHOAL_KW_SOME);
    if ((any || parser_at_keyword(p, SHOAL_KW_ALL)) && parser_peek_at(p, 1)->kind == SHOAL_TOKEN_LPAREN) {
        parser_advance(p);
        shoal_ast_subquery_expr *quantified = shoal_make_node(p->arena, subquery_expr, left->loc);
        quantified->kind = any ? SHOAL_AST_SUBQUERY_ANY : SHOAL_AST_SUBQUERY_ALL;
        quantified->expr = left;
        quantified->op = op;
        quantified->query = parse_subquery_in_parens(p);
        return &quantified->node;
    }
    return shoal_ast_make_binary(p->arena, op, left, parse_concat(p), op_loc);
}

static shoal_ast_node *parse_is_test(shoal_parser *p, shoal_ast_node *left)
{
    parser_expect_keyword(p, SHOAL_KW_IS);
    shoal_ast_is_test *test = shoal_make_node(p->arena, is_test, left->loc);
    test->expr = left;
    test->negated = parser_accept_keyword(p, SHOAL_KW_NOT);
    const shoal_token *what = parser_peek(p);
    switch (what->kind == SHOAL_TOKEN_WORD ? what->keyword : SHOAL_KW_NONE) {
    case SHOAL_KW_NULL: test->test = SHOAL_AST_IS_NULL; break;
    case SHOAL_KW_TRUE: test->test = SHOAL_AST_IS_TRUE; break;
    case SHOAL_KW_FALSE: test->test = SHOAL_AST_IS_FALSE; break;
    case SHOAL_KW_UNKNOWN: test->test = SHOAL_AST_IS_UNKNOWN; break;
    default: parser_syntax_error(p, what);
    }
    parser_advance(p);
    return &test->node;
}

static shoal_ast_node *parse_in(shoal_parser *p, shoal_ast_node *left, bool negated)
{
    parser_expect_keyword(p, SHOAL_KW_IN);
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    shoal_ast_query *query;
    shoal_ast_list items;
    parser_parenthesized(p, &query, &items);
    if (query) {
        shoal_ast_subquery_expr *in = shoal_make_node(p->arena, subquery_expr, left->loc);
        in->kind = SHOAL_AST_SUBQUERY_IN;
        in->expr = left;
        in->op = SHOAL_AST_OP_EQ;
        in->negated = negated;
        in->query = query;
        return &in->node;
    }
    shoal_ast_in_list *in = shoal_make_node(p->arena, in_list, left->loc);
    in->expr = left;
    in->items = items;
    in->negated = negated;
    return &in->node;
}

static shoal_ast_node *parse_between(shoal_parser *p, shoal_ast_node *left, bool negated)
{
    parser_expect_keyword(p, SHOAL_KW_BETWEEN);
    shoal_ast_between *between = shoal_make_node(p->arena, between, left->loc);
    between->expr = left;
    between->negated = negated;
    between->low = parse_concat(p);
    parser_expect_keyword(p, SHOAL_KW_AND);
    between->high = parse_concat(p);
    return &between->node;
}

static shoal_ast_node *parse_like(shoal_parser *p, shoal_ast_node *left, bool negated)
{
    shoal_ast_like *like = shoal_make_node(p->arena, like, left->loc);
    like->expr = left;
    like->negated = negated;
    if (parser_accept_keyword(p, SHOAL_KW_LIKE)) {
        like->kind = SHOAL_AST_LIKE_LIKE;
    } else if (parser_accept_keyword(p, SHOAL_KW_ILIKE)) {
        like->kind = SHOAL_AST_LIKE_ILIKE;
    } else {
        parser_expect_keyword(p, SHOAL_KW_SIMILAR);
        parser_expect_keyword(p, SHOAL_KW_TO);
        like->kind = SHOAL_AST_LIKE_SIMILAR;
    }
    like->pattern = parse_concat(p);
    if (parser_accept_keyword(p, SHOAL_KW_ESCAPE)) like->escape = parse_concat(p);
    return &like->node;
}

static bool is_negatable_predicate(const shoal_token *token)
{
    if (token->kind != SHOAL_TOKEN_WORD) return false;
    switch (token->keyword) {
    case SHOAL_KW_IN: case SHOAL_KW_BETWEEN: case SHOAL_KW_LIKE: case SHOAL_KW_ILIKE: case SHOAL_KW_SIMILAR:
        return true;
    default:
        return false;
    }
}

/* The comparison level: comparisons and predicates, left-associative ("a = b IS NULL" is
 * "(a = b) IS NULL"). */
static shoal_ast_node *parse_comparison(shoal_parser *p)
{
    shoal_ast_node *left = parse_concat(p);
    int depth = p->depth;
    for (;;) {
        const shoal_token *token = parser_peek(p);
        shoal_ast_binary_op op;
        bool negated = false;
        if (token->kind == SHOAL_TOKEN_WORD && token->keyword == SHOAL_KW_NOT &&
            is_negatable_predicate(parser_peek_at(p, 1))) {
            parser_advance(p);
            token = parser_peek(p);
            negated = true;
        }
        if (comparison_operator(token->kind, &op)) {
            parser_enter(p);
            left = parse_comparison_rest(p, left, op);
            continue;
        }
        if (token->kind != SHOAL_TOKEN_WORD) break;
        switch (token->keyword) {
        case SHOAL_KW_IS: left = parse_is_test(p, left); break;
        case SHOAL_KW_IN: left = parse_in(p, left, negated); break;
        case SHOAL_KW_BETWEEN: left = parse_between(p, left, negated); break;
        case SHOAL_KW_LIKE: case SHOAL_KW_ILIKE: case SHOAL_KW_SIMILAR: left = parse_like(p, left, negated); break;
        default: p->depth = depth; return left;
        }
        parser_enter(p);
    }
    p->depth = depth;
    return left;
}

/* ---- arithmetic levels ---- */

static shoal_ast_node *parse_concat(shoal_parser *p)
{
    shoal_ast_node *left = parse_additive(p);
    int depth = p->depth;
    while (parser_at(p, SHOAL_TOKEN_CONCAT)) {
        shoal_location op_loc = parser_advance(p)->loc;
        parser_enter(p);
        left = shoal_ast_make_binary(p->arena, SHOAL_AST_OP_CONCAT, left, parse_additive(p), op_loc);
    }
    p->depth = depth;
    return left;
}

static shoal_ast_node *parse_additive(shoal_parser *p)
{
    shoal_ast_node *left = parse_multiplicative(p);
    int depth = p->depth;
    while (parser_at(p, SHOAL_TOKEN_PLUS) || parser_at(p, SHOAL_TOKEN_MINUS)) {
        const shoal_token *op = parser_advance(p);
        parser_enter(p);
        left = shoal_ast_make_binary(p->arena, op->kind == SHOAL_TOKEN_PLUS ? SHOAL_AST_OP_ADD : SHOAL_AST_OP_SUB,
                                     left, parse_multiplicative(p), op->loc);
    }
    p->depth = depth;
    return left;
}

static shoal_ast_node *parse_multiplicative(shoal_parser *p)
{
    shoal_ast_node *left = parse_unary(p);
    int depth = p->depth;
    for (;;) {
        shoal_ast_binary_op op;
        switch (parser_peek(p)->kind) {
        case SHOAL_TOKEN_STAR: op = SHOAL_AST_OP_MUL; break;
        case SHOAL_TOKEN_SLASH: op = SHOAL_AST_OP_DIV; break;
        case SHOAL_TOKEN_PERCENT: op = SHOAL_AST_OP_MOD; break;
        default: p->depth = depth; return left;
        }
        shoal_location op_loc = parser_advance(p)->loc;
        parser_enter(p);
        left = shoal_ast_make_binary(p->arena, op, left, parse_unary(p), op_loc);
    }
}

static shoal_ast_node *parse_unary(shoal_parser *p)
{
    if (p->pending_primary == NULL && (parser_at(p, SHOAL_TOKEN_MINUS) || parser_at(p, SHOAL_TOKEN_PLUS))) {
        const shoal_token *sign = parser_advance(p);
        parser_enter(p);
        shoal_ast_node *operand = parse_unary(p);
        parser_leave(p);
        return sign->kind == SHOAL_TOKEN_MINUS ? shoal_ast_make_negation(p->arena, operand, sign->loc) : operand;
    }
    return parse_postfix(p);
}

static shoal_ast_node *parse_postfix(shoal_parser *p)
{
    shoal_ast_node *expression = parse_primary(p);
    int depth = p->depth;
    while (parser_accept(p, SHOAL_TOKEN_DOUBLE_COLON)) {
        parser_enter(p);
        shoal_ast_cast_expr *cast = shoal_make_node(p->arena, cast_expr, expression->loc);
        cast->expr = expression;
        cast->type = parser_type_name(p);
        expression = &cast->node;
    }
    p->depth = depth;
    return expression;
}

/* ---- parenthesized operands ---- */

void parser_parenthesized(shoal_parser *p, shoal_ast_query **query, shoal_ast_list *list)
{
    *query = NULL;
    memset(list, 0, sizeof *list);
    if (parser_at_keyword(p, SHOAL_KW_SELECT) || parser_at_keyword(p, SHOAL_KW_WITH)) {
        *query = parser_query(p);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
        return;
    }
    if (parser_at(p, SHOAL_TOKEN_LPAREN) && parser_at_query_start(p)) {
        /* "((SELECT ..." opens a query or an expression that starts with a subquery: parse
         * the inner parenthesized item, then let what follows it decide. */
        shoal_location open = parser_advance(p)->loc;
        shoal_ast_query *inner;
        shoal_ast_list inner_list;
        parser_enter(p);
        parser_parenthesized(p, &inner, &inner_list);
        parser_leave(p);
        shoal_ast_node *first;
        if (inner) {
            if (parser_at_query_continuation(p)) {
                *query = parser_query_continue(p, inner);
                parser_expect(p, SHOAL_TOKEN_RPAREN);
                return;
            }
            if (parser_accept(p, SHOAL_TOKEN_RPAREN)) {
                *query = inner;
                return;
            }
            shoal_ast_subquery_expr *scalar = shoal_make_node(p->arena, subquery_expr, open);
            scalar->kind = SHOAL_AST_SUBQUERY_SCALAR;
            scalar->query = inner;
            first = &scalar->node;
        } else if (inner_list.count == 1) {
            first = inner_list.items[0];
        } else {
            shoal_ast_row *row = shoal_make_node(p->arena, row, open);
            row->items = inner_list;
            first = &row->node;
        }
        p->pending_primary = first;
    }
    parser_expression_list(p, list);
    parser_expect(p, SHOAL_TOKEN_RPAREN);
}

/* ---- function calls ---- */

static bool takes_datepart_first(const char *name)
{
    return strcmp(name, "dateadd") == 0 || strcmp(name, "datediff") == 0 || strcmp(name, "date_part") == 0 ||
           strcmp(name, "date_trunc") == 0;
}

/* A date part where one is expected: a word or a string naming one. NULL (nothing consumed)
 * when the next token is not one. */
static shoal_ast_node *try_datepart(shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    if (token->kind != SHOAL_TOKEN_WORD && token->kind != SHOAL_TOKEN_STRING && token->kind != SHOAL_TOKEN_QUOTED_IDENT)
        return NULL;
    shoal_datepart_kind part = shoal_datepart_lookup(token->value);
    if (part == 0) return NULL;
    shoal_ast_datepart *datepart = shoal_make_node(p->arena, datepart, token->loc);
    datepart->part = part;
    parser_advance(p);
    return &datepart->node;
}

static void parse_window_bound(shoal_parser *p, shoal_ast_frame_bound *bound)
{
    if (parser_accept_keyword(p, SHOAL_KW_UNBOUNDED)) {
        if (parser_accept_keyword(p, SHOAL_KW_PRECEDING)) {
            bound->kind = SHOAL_AST_BOUND_UNBOUNDED_PRECEDING;
        } else {
            parser_expect_keyword(p, SHOAL_KW_FOLLOWING);
            bound->kind = SHOAL_AST_BOUND_UNBOUNDED_FOLLOWING;
        }
    } else if (parser_at_keyword(p, SHOAL_KW_CURRENT) && parser_keyword_ahead(p, 1, SHOAL_KW_ROW)) {
        parser_advance(p);
        parser_advance(p);
        bound->kind = SHOAL_AST_BOUND_CURRENT_ROW;
    } else {
        bound->offset = parse_concat(p);
        if (parser_accept_keyword(p, SHOAL_KW_PRECEDING)) {
            bound->kind = SHOAL_AST_BOUND_PRECEDING;
        } else {
            parser_expect_keyword(p, SHOAL_KW_FOLLOWING);
            bound->kind = SHOAL_AST_BOUND_FOLLOWING;
        }
    }
}

/* After OVER: ( [PARTITION BY ..] [ORDER BY ..] [ROWS|RANGE frame] ) */
static shoal_ast_window_spec *parse_window_spec(shoal_parser *p)
{
    shoal_ast_window_spec *window = shoal_make_node(p->arena, window_spec, parser_peek(p)->loc);
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    if (parser_accept_keyword(p, SHOAL_KW_PARTITION)) {
        parser_expect_keyword(p, SHOAL_KW_BY);
        parser_expression_list(p, &window->partition_by);
    }
    if (parser_accept_keyword(p, SHOAL_KW_ORDER)) {
        parser_expect_keyword(p, SHOAL_KW_BY);
        parser_sort_list(p, &window->order_by);
    }
    if (parser_at_keyword(p, SHOAL_KW_ROWS) || parser_at_keyword(p, SHOAL_KW_RANGE)) {
        window->frame_mode = parser_advance(p)->keyword == SHOAL_KW_ROWS ? SHOAL_AST_FRAME_ROWS : SHOAL_AST_FRAME_RANGE;
        if (parser_accept_keyword(p, SHOAL_KW_BETWEEN)) {
            parse_window_bound(p, &window->frame_start);
            parser_expect_keyword(p, SHOAL_KW_AND);
            parse_window_bound(p, &window->frame_end);
        } else {
            parse_window_bound(p, &window->frame_start);
            window->frame_end.kind = SHOAL_AST_BOUND_CURRENT_ROW;
        }
    }
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return window;
}

/* WITHIN GROUP (ORDER BY ..), FILTER (WHERE ..), OVER (..) after a call's arguments. */
static void parse_call_clauses(shoal_parser *p, shoal_ast_func_call *call)
{
    if (parser_at_keyword(p, SHOAL_KW_WITHIN) && parser_keyword_ahead(p, 1, SHOAL_KW_GROUP)) {
        parser_advance(p);
        parser_advance(p);
        parser_expect(p, SHOAL_TOKEN_LPAREN);
        parser_expect_keyword(p, SHOAL_KW_ORDER);
        parser_expect_keyword(p, SHOAL_KW_BY);
        parser_sort_list(p, &call->within_group);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
    }
    if (parser_at_keyword(p, SHOAL_KW_FILTER) && parser_peek_at(p, 1)->kind == SHOAL_TOKEN_LPAREN) {
        parser_advance(p);
        parser_advance(p);
        parser_expect_keyword(p, SHOAL_KW_WHERE);
        call->filter = parser_expression(p);
        parser_expect(p, SHOAL_TOKEN_RPAREN);
    }
    if (parser_accept_keyword(p, SHOAL_KW_OVER)) call->over = parse_window_spec(p);
}

/* name ( [* | [DISTINCT|ALL] args] ) [clauses]; the name is already consumed. */
static shoal_ast_node *parse_call(shoal_parser *p, const char *schema, const char *name, shoal_location loc)
{
    shoal_ast_func_call *call = shoal_ast_make_call(p->arena, name, loc);
    call->schema = schema;
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    if (parser_accept(p, SHOAL_TOKEN_STAR)) {
        call->star = true;
    } else if (!parser_at(p, SHOAL_TOKEN_RPAREN)) {
        if (parser_accept_keyword(p, SHOAL_KW_DISTINCT)) call->distinct = true;
        else parser_accept_keyword(p, SHOAL_KW_ALL);
        if (schema == NULL && takes_datepart_first(name) && parser_peek_at(p, 1)->kind == SHOAL_TOKEN_COMMA) {
            shoal_ast_node *part = try_datepart(p);
            if (part) {
                shoal_ast_list_append(p->arena, &call->args, part);
                parser_expect(p, SHOAL_TOKEN_COMMA);
            }
        }
        parser_expression_list(p, &call->args);
    }
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    parse_call_clauses(p, call);
    return &call->node;
}

/* EXTRACT ( part FROM expr ) */
static shoal_ast_node *parse_extract(shoal_parser *p)
{
    shoal_location loc = parser_advance(p)->loc;
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    const shoal_token *word = parser_peek(p);
    shoal_ast_node *part = try_datepart(p);
    if (part == NULL) {
        if (word->kind == SHOAL_TOKEN_WORD || word->kind == SHOAL_TOKEN_STRING)
            parser_error_at(p, SHOAL_SQLSTATE_INVALID_PARAMETER, word->loc, "date part \"%s\" is not recognized",
                            word->value);
        parser_syntax_error(p, word);
    }
    parser_expect_keyword(p, SHOAL_KW_FROM);
    shoal_ast_func_call *call = shoal_ast_make_call1(p->arena, "date_part", part, loc);
    call->syntax = SHOAL_AST_CALL_EXTRACT;
    shoal_ast_list_append(p->arena, &call->args, parser_expression(p));
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return &call->node;
}

/* SUBSTRING ( x FROM a [FOR b] ) | SUBSTRING ( x FOR b ) | substring(x, a[, b]) */
static shoal_ast_node *parse_substring(shoal_parser *p)
{
    shoal_location loc = parser_advance(p)->loc;
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    shoal_ast_func_call *call = shoal_ast_make_call1(p->arena, "substring", parser_expression(p), loc);
    if (parser_at_keyword(p, SHOAL_KW_FROM) || parser_at_keyword(p, SHOAL_KW_FOR)) {
        call->syntax = SHOAL_AST_CALL_SUBSTRING;
        if (parser_accept_keyword(p, SHOAL_KW_FROM)) {
            shoal_ast_list_append(p->arena, &call->args, parser_expression(p));
        } else {
            shoal_ast_literal *one = shoal_ast_make_number(p->arena, SHOAL_TOKEN_INTEGER, "1", parser_peek(p)->loc);
            shoal_ast_list_append(p->arena, &call->args, one);
        }
        if (parser_accept_keyword(p, SHOAL_KW_FOR)) shoal_ast_list_append(p->arena, &call->args, parser_expression(p));
    } else {
        while (parser_accept(p, SHOAL_TOKEN_COMMA)) shoal_ast_list_append(p->arena, &call->args, parser_expression(p));
    }
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return &call->node;
}

/* POSITION ( needle IN haystack ) */
static shoal_ast_node *parse_position(shoal_parser *p)
{
    shoal_location loc = parser_advance(p)->loc;
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    shoal_ast_func_call *call = shoal_ast_make_call1(p->arena, "position", parser_concat_expression(p), loc);
    call->syntax = SHOAL_AST_CALL_POSITION;
    parser_expect_keyword(p, SHOAL_KW_IN);
    shoal_ast_list_append(p->arena, &call->args, parser_concat_expression(p));
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return &call->node;
}

/* TRIM ( [BOTH|LEADING|TRAILING] [chars] FROM x ) | TRIM ( x ): btrim/ltrim/rtrim(x[, chars]) */
static shoal_ast_node *parse_trim(shoal_parser *p)
{
    shoal_location loc = parser_advance(p)->loc;
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    const char *name = "btrim";
    bool side_given = true;
    if (parser_accept_keyword(p, SHOAL_KW_LEADING)) name = "ltrim";
    else if (parser_accept_keyword(p, SHOAL_KW_TRAILING)) name = "rtrim";
    else side_given = parser_accept_keyword(p, SHOAL_KW_BOTH);
    shoal_ast_node *characters = NULL, *string;
    if (parser_accept_keyword(p, SHOAL_KW_FROM)) {
        string = parser_expression(p);
    } else {
        shoal_ast_node *first = parser_expression(p);
        if (parser_accept_keyword(p, SHOAL_KW_FROM)) {
            characters = first;
            string = parser_expression(p);
        } else if (!side_given) {
            string = first;
        } else {
            parser_syntax_error(p, parser_peek(p));
        }
    }
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    shoal_ast_func_call *call = shoal_ast_make_call1(p->arena, name, string, loc);
    call->syntax = SHOAL_AST_CALL_TRIM;
    if (characters) shoal_ast_list_append(p->arena, &call->args, characters);
    return &call->node;
}

/* CAST ( x AS type ) */
static shoal_ast_node *parse_cast(shoal_parser *p)
{
    shoal_location loc = parser_advance(p)->loc;
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    shoal_ast_cast_expr *cast = shoal_make_node(p->arena, cast_expr, loc);
    cast->expr = parser_expression(p);
    parser_expect_keyword(p, SHOAL_KW_AS);
    cast->type = parser_type_name(p);
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return &cast->node;
}

/* CASE [operand] WHEN .. THEN .. [...] [ELSE ..] END */
static shoal_ast_node *parse_case(shoal_parser *p)
{
    shoal_ast_case_expr *expression = shoal_make_node(p->arena, case_expr, parser_advance(p)->loc);
    if (!parser_at_keyword(p, SHOAL_KW_WHEN)) expression->operand = parser_expression(p);
    do {
        shoal_ast_case_when *when = shoal_make_node(p->arena, case_when, parser_expect_keyword(p, SHOAL_KW_WHEN)->loc);
        when->condition = parser_expression(p);
        parser_expect_keyword(p, SHOAL_KW_THEN);
        when->result = parser_expression(p);
        shoal_ast_list_append(p->arena, &expression->whens, when);
    } while (parser_at_keyword(p, SHOAL_KW_WHEN));
    if (parser_accept_keyword(p, SHOAL_KW_ELSE)) expression->else_result = parser_expression(p);
    parser_expect_keyword(p, SHOAL_KW_END);
    return &expression->node;
}

/* ---- literals ---- */

static shoal_datepart_kind interval_qualifier(shoal_keyword keyword)
{
    switch (keyword) {
    case SHOAL_KW_YEAR: return SHOAL_DATEPART_YEAR;
    case SHOAL_KW_MONTH: return SHOAL_DATEPART_MONTH;
    case SHOAL_KW_DAY: return SHOAL_DATEPART_DAY;
    case SHOAL_KW_HOUR: return SHOAL_DATEPART_HOUR;
    case SHOAL_KW_MINUTE: return SHOAL_DATEPART_MINUTE;
    case SHOAL_KW_SECOND: return SHOAL_DATEPART_SECOND;
    default: return 0;
    }
}

/* INTERVAL 'text' [YEAR|MONTH|DAY|HOUR|MINUTE|SECOND [(precision)]] */
static shoal_ast_node *parse_interval(shoal_parser *p)
{
    shoal_location loc = parser_advance(p)->loc;
    const shoal_token *text = parser_expect(p, SHOAL_TOKEN_STRING);
    shoal_datepart_kind unit = 0;
    if (parser_at(p, SHOAL_TOKEN_WORD) && (unit = interval_qualifier(parser_peek(p)->keyword)) != 0) {
        parser_advance(p);
        if (parser_accept(p, SHOAL_TOKEN_LPAREN)) { /* leading-field precision: accepted, not needed */
            parser_integer(p, false);
            parser_expect(p, SHOAL_TOKEN_RPAREN);
        }
    }
    shoal_ast_literal *literal = shoal_ast_make_literal(p->arena, SHOAL_AST_LITERAL_INTERVAL, text->value, loc);
    shoal_interval_status status = shoal_interval_parse(text->value, unit, &literal->interval);
    if (status != SHOAL_INTERVAL_OK) {
        char excerpt[160];
        shoal_token_excerpt(text->value, strlen(text->value), excerpt, sizeof excerpt);
        parser_error_at(p,
                        status == SHOAL_INTERVAL_OUT_OF_RANGE ? SHOAL_SQLSTATE_DATETIME_OVERFLOW
                                                              : SHOAL_SQLSTATE_INVALID_DATETIME,
                        text->loc, "%s: \"%s\"", shoal_interval_status_message(status), excerpt);
    }
    return &literal->node;
}

static shoal_ast_node *make_keyword_call(shoal_parser *p, const char *name)
{
    shoal_ast_func_call *call = shoal_ast_make_call(p->arena, name, parser_advance(p)->loc);
    call->syntax = SHOAL_AST_CALL_NO_PARENS;
    return &call->node;
}

/* ---- names: column references, t.*, function calls ---- */

static shoal_ast_node *parse_name_or_call(shoal_parser *p)
{
    shoal_location loc = parser_peek(p)->loc;
    const char *parts[3];
    int count = 0;
    parts[count++] = parser_identifier(p);
    for (;;) {
        if (parser_at(p, SHOAL_TOKEN_LPAREN) && count <= 2)
            return parse_call(p, count == 2 ? parts[0] : NULL, parts[count - 1], loc);
        if (!parser_at(p, SHOAL_TOKEN_DOT)) break;
        const shoal_token *dot = parser_advance(p);
        if (parser_accept(p, SHOAL_TOKEN_STAR)) {
            if (count > 2) parser_syntax_error(p, dot);
            shoal_ast_star *star = shoal_make_node(p->arena, star, loc);
            star->table = parts[count - 1];
            star->schema = count == 2 ? parts[0] : NULL;
            return &star->node;
        }
        if (count == 3) parser_syntax_error(p, dot);
        parts[count++] = parser_label(p);
    }
    shoal_ast_column_ref *column = shoal_make_node(p->arena, column_ref, loc);
    column->column = parts[count - 1];
    if (count >= 2) column->table = parts[count - 2];
    if (count == 3) column->schema = parts[0];
    return &column->node;
}

static shoal_ast_node *parse_primary(shoal_parser *p)
{
    if (p->pending_primary) {
        shoal_ast_node *primary = p->pending_primary;
        p->pending_primary = NULL;
        return primary;
    }
    const shoal_token *token = parser_peek(p);
    bool call_follows = parser_peek_at(p, 1)->kind == SHOAL_TOKEN_LPAREN;
    bool string_follows = parser_peek_at(p, 1)->kind == SHOAL_TOKEN_STRING;
    switch (token->kind) {
    case SHOAL_TOKEN_INTEGER:
    case SHOAL_TOKEN_DECIMAL:
    case SHOAL_TOKEN_FLOAT:
        parser_advance(p);
        return &shoal_ast_make_number(p->arena, token->kind, token->value, token->loc)->node;
    case SHOAL_TOKEN_STRING:
        parser_advance(p);
        return &shoal_ast_make_literal(p->arena, SHOAL_AST_LITERAL_STRING, token->value, token->loc)->node;
    case SHOAL_TOKEN_LPAREN: {
        parser_advance(p);
        shoal_ast_query *query;
        shoal_ast_list items;
        parser_parenthesized(p, &query, &items); /* its expressions and query count the nesting */
        if (query) {
            shoal_ast_subquery_expr *scalar = shoal_make_node(p->arena, subquery_expr, token->loc);
            scalar->kind = SHOAL_AST_SUBQUERY_SCALAR;
            scalar->query = query;
            return &scalar->node;
        }
        if (items.count == 1) return items.items[0];
        shoal_ast_row *row = shoal_make_node(p->arena, row, token->loc);
        row->items = items;
        return &row->node;
    }
    case SHOAL_TOKEN_QUOTED_IDENT:
        return parse_name_or_call(p);
    case SHOAL_TOKEN_WORD:
        break;
    default:
        parser_syntax_error(p, token);
    }
    switch (token->keyword) {
    case SHOAL_KW_NULL:
        parser_advance(p);
        return &shoal_ast_make_literal(p->arena, SHOAL_AST_LITERAL_NULL, "NULL", token->loc)->node;
    case SHOAL_KW_TRUE:
    case SHOAL_KW_FALSE: {
        parser_advance(p);
        shoal_ast_literal *literal =
            shoal_ast_make_literal(p->arena, SHOAL_AST_LITERAL_BOOLEAN, token->value, token->loc);
        literal->boolean = token->keyword == SHOAL_KW_TRUE;
        return &literal->node;
    }
    case SHOAL_KW_CASE: return parse_case(p);
    case SHOAL_KW_CAST: return parse_cast(p);
    case SHOAL_KW_CURRENT_DATE: return make_keyword_call(p, "current_date");
    case SHOAL_KW_CURRENT_TIMESTAMP: return make_keyword_call(p, "current_timestamp");
    case SHOAL_KW_SYSDATE: return make_keyword_call(p, "sysdate");
    case SHOAL_KW_EXISTS:
        if (call_follows) {
            parser_advance(p);
            shoal_ast_subquery_expr *exists = shoal_make_node(p->arena, subquery_expr, token->loc);
            exists->kind = SHOAL_AST_SUBQUERY_EXISTS;
            exists->query = parse_subquery_in_parens(p);
            return &exists->node;
        }
        break;
    case SHOAL_KW_DATE:
    case SHOAL_KW_TIMESTAMP:
        if (string_follows) {
            parser_advance(p);
            const shoal_token *text = parser_advance(p);
            shoal_ast_literal_kind kind =
                token->keyword == SHOAL_KW_DATE ? SHOAL_AST_LITERAL_DATE : SHOAL_AST_LITERAL_TIMESTAMP;
            return &shoal_ast_make_literal(p->arena, kind, text->value, token->loc)->node;
        }
        break;
    case SHOAL_KW_INTERVAL:
        if (string_follows) return parse_interval(p);
        break;
    case SHOAL_KW_EXTRACT:
        if (call_follows) return parse_extract(p);
        break;
    case SHOAL_KW_SUBSTRING:
        if (call_follows) return parse_substring(p);
        break;
    case SHOAL_KW_POSITION:
        if (call_follows) return parse_position(p);
        break;
    case SHOAL_KW_TRIM:
        if (call_follows) return parse_trim(p);
        break;
    case SHOAL_KW_LEFT:
    case SHOAL_KW_RIGHT:
        if (call_follows) { /* the string functions left(s, n) and right(s, n) */
            parser_advance(p);
            return parse_call(p, NULL, token->value, token->loc);
        }
        break;
    default:
        break;
    }
    return parse_name_or_call(p);
}
