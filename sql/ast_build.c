/* Builders the grammar actions call (SQLite's habit): the small pieces of semantics that
 * belong to building a tree rather than to the grammar — folding a minus into a number,
 * flattening AND/OR chains, classifying numeric literals. */
#include "sql/ast.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

shoal_ast_node *shoal_ast_make_binary(shoal_arena *arena, shoal_ast_binary_op op, shoal_ast_node *left,
                                      shoal_ast_node *right, shoal_location op_loc)
{
    shoal_ast_binary *node = shoal_make_node(arena, binary, left->loc);
    node->op = op;
    node->left = left;
    node->right = right;
    node->op_loc = op_loc;
    return &node->node;
}

static void append_flattened(shoal_arena *arena, shoal_ast_bool_expr *into, shoal_ast_node *operand)
{
    if (shoal_is_a(operand, bool_expr) && shoal_cast(bool_expr, operand)->op == into->op) {
        const shoal_ast_list *args = &shoal_cast(bool_expr, operand)->args;
        for (int i = 0; i < args->count; i++) shoal_ast_list_append(arena, &into->args, args->items[i]);
    } else {
        shoal_ast_list_append(arena, &into->args, operand);
    }
}

shoal_ast_node *shoal_ast_make_bool(shoal_arena *arena, shoal_ast_bool_op op, shoal_ast_node *left,
                                    shoal_ast_node *right)
{
    /* Extend the left operand in place when it is already this operation: a chain of n ANDs
     * then costs O(n), not O(n^2). The left operand is always the chain being built. */
    if (shoal_is_a(left, bool_expr) && shoal_cast(bool_expr, left)->op == op) {
        append_flattened(arena, shoal_cast(bool_expr, left), right);
        return left;
    }
    shoal_ast_bool_expr *node = shoal_make_node(arena, bool_expr, left->loc);
    node->op = op;
    append_flattened(arena, node, left);
    append_flattened(arena, node, right);
    return &node->node;
}

shoal_ast_literal *shoal_ast_make_literal(shoal_arena *arena, shoal_ast_literal_kind kind, const char *text,
                                          shoal_location loc)
{
    shoal_ast_literal *literal = shoal_make_node(arena, literal, loc);
    literal->kind = kind;
    literal->text = text;
    return literal;
}

shoal_ast_literal *shoal_ast_make_number(shoal_arena *arena, shoal_token_kind kind, const char *text,
                                         shoal_location loc)
{
    if (kind == SHOAL_TOKEN_FLOAT) return shoal_ast_make_literal(arena, SHOAL_AST_LITERAL_FLOAT, text, loc);
    if (kind == SHOAL_TOKEN_INTEGER) {
        errno = 0;
        char *end;
        long long value = strtoll(text, &end, 10);
        if (errno == 0 && *end == '\0') {
            shoal_ast_literal *literal = shoal_ast_make_literal(arena, SHOAL_AST_LITERAL_INTEGER, text, loc);
            literal->integer = value;
            return literal;
        }
    }
    return shoal_ast_make_literal(arena, SHOAL_AST_LITERAL_DECIMAL, text, loc);
}

static bool is_numeric_literal(const shoal_ast_node *node)
{
    if (!shoal_is_a(node, literal)) return false;
    shoal_ast_literal_kind kind = ((const shoal_ast_literal *)node)->kind;
    return kind == SHOAL_AST_LITERAL_INTEGER || kind == SHOAL_AST_LITERAL_DECIMAL || kind == SHOAL_AST_LITERAL_FLOAT;
}

shoal_ast_node *shoal_ast_make_negation(shoal_arena *arena, shoal_ast_node *operand, shoal_location loc)
{
    if (is_numeric_literal(operand)) {
        const shoal_ast_literal *number = (const shoal_ast_literal *)operand;
        const char *text = number->text;
        char *negated;
        if (text[0] == '-') {
            negated = shoal_arena_strdup(arena, text + 1);
        } else {
            size_t n = strlen(text);
            negated = shoal_arena_alloc(arena, n + 2);
            negated[0] = '-';
            memcpy(negated + 1, text, n + 1);
        }
        shoal_token_kind kind = number->kind == SHOAL_AST_LITERAL_FLOAT ? SHOAL_TOKEN_FLOAT
                                : number->kind == SHOAL_AST_LITERAL_DECIMAL && strchr(text, '.') ? SHOAL_TOKEN_DECIMAL
                                                                                                : SHOAL_TOKEN_INTEGER;
        return &shoal_ast_make_number(arena, kind, negated, loc)->node;
    }
    shoal_ast_unary *node = shoal_make_node(arena, unary, loc);
    node->op = SHOAL_AST_NEGATE;
    node->operand = operand;
    return &node->node;
}

shoal_ast_node *shoal_ast_make_not(shoal_arena *arena, shoal_ast_node *operand, shoal_location loc)
{
    shoal_ast_unary *node = shoal_make_node(arena, unary, loc);
    node->op = SHOAL_AST_NOT;
    node->operand = operand;
    return &node->node;
}

shoal_ast_identifier *shoal_ast_make_identifier(shoal_arena *arena, const char *name, shoal_location loc)
{
    shoal_ast_identifier *identifier = shoal_make_node(arena, identifier, loc);
    identifier->name = name;
    return identifier;
}

shoal_ast_func_call *shoal_ast_make_call(shoal_arena *arena, const char *name, shoal_location loc)
{
    shoal_ast_func_call *call = shoal_make_node(arena, func_call, loc);
    call->name = name;
    return call;
}

shoal_ast_func_call *shoal_ast_make_call1(shoal_arena *arena, const char *name, shoal_ast_node *arg,
                                          shoal_location loc)
{
    shoal_ast_func_call *call = shoal_ast_make_call(arena, name, loc);
    shoal_ast_list_append(arena, &call->args, arg);
    return call;
}
