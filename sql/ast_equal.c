/* Structural equality of AST nodes (PostgreSQL's equalfuncs.c, reduced): the same tags and
 * the same contents all the way down, ignoring source locations and how a call was spelled.
 * The binder can match a select-list expression against GROUP BY ones with it; the tests use
 * it to check that parsing printed SQL gives back the very same tree. */
#include "sql/ast.h"

#include <string.h>

static bool strings_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

static bool lists_equal(const shoal_ast_list *a, const shoal_ast_list *b)
{
    if (a->count != b->count) return false;
    for (int i = 0; i < a->count; i++)
        if (!shoal_ast_equal(a->items[i], b->items[i])) return false;
    return true;
}

static bool bounds_equal(const shoal_ast_frame_bound *a, const shoal_ast_frame_bound *b)
{
    return a->kind == b->kind && shoal_ast_equal(a->offset, b->offset);
}

/* Field comparisons for the cases below: `a` and `b` are the two nodes, already cast. */
#define SAME(field) (a->field == b->field)
#define SAME_NODE(field) shoal_ast_equal(a->field, b->field)
#define SAME_LIST(field) lists_equal(&a->field, &b->field)
#define SAME_STRING(field) strings_equal(a->field, b->field)

/* The two nodes of one kind `name`, as `a` and `b`. */
#define CAST_BOTH(name)                                                                         \
    const shoal_ast_##name *a = (const shoal_ast_##name *)left;                                 \
    const shoal_ast_##name *b = (const shoal_ast_##name *)right

static bool literals_equal(const shoal_ast_literal *a, const shoal_ast_literal *b)
{
    if (!SAME(kind)) return false;
    switch (a->kind) {
    case SHOAL_AST_LITERAL_NULL: return true;
    case SHOAL_AST_LITERAL_BOOLEAN: return SAME(boolean);
    case SHOAL_AST_LITERAL_INTERVAL: /* the value, not its spelling */
        return SAME(interval.months) && SAME(interval.days) && SAME(interval.micros);
    default: return SAME_STRING(text);
    }
}

static bool copies_equal(const shoal_ast_copy *a, const shoal_ast_copy *b)
{
    return SAME_NODE(table) && SAME_LIST(columns) && SAME_STRING(source) && SAME(format) &&
           SAME_STRING(format_argument) && SAME(compression) && SAME_STRING(delimiter) && SAME_STRING(quote) &&
           SAME_STRING(null_as) && SAME_STRING(date_format) && SAME_STRING(time_format) && SAME_STRING(iam_role) &&
           SAME_STRING(credentials) && SAME_STRING(region) && SAME(ignore_header) && SAME(max_errors) && SAME(flags);
}

static bool column_defs_equal(const shoal_ast_column_def *a, const shoal_ast_column_def *b)
{
    return SAME_STRING(name) && SAME_NODE(type) && SAME(nullability) && SAME_NODE(default_value) &&
           SAME(primary_key) && SAME(unique) && SAME(distkey) && SAME(sortkey) && SAME(identity) &&
           SAME(identity_seed) && SAME(identity_step) && SAME_STRING(encoding) && SAME_NODE(references_table) &&
           SAME_LIST(references_columns);
}

bool shoal_ast_equal(const void *left_node, const void *right_node)
{
    const shoal_ast_node *left = left_node, *right = right_node;
    if (left == NULL || right == NULL) return left == right;
    if (left->tag != right->tag) return false;
    switch (left->tag) {
    case SHOAL_AST_STATEMENT: { CAST_BOTH(statement); return SAME_NODE(body); }
    case SHOAL_AST_CREATE_SCHEMA: { CAST_BOTH(create_schema); return SAME_STRING(name) && SAME(if_not_exists); }
    case SHOAL_AST_CREATE_TABLE: {
        CAST_BOTH(create_table);
        return SAME_NODE(name) && SAME(if_not_exists) && SAME(temporary) && SAME_LIST(columns) &&
               SAME_LIST(constraints) && SAME(diststyle) && SAME_NODE(distkey) && SAME(sortkey_style) &&
               SAME_LIST(sortkey);
    }
    case SHOAL_AST_COLUMN_DEF:
        return column_defs_equal((const shoal_ast_column_def *)left, (const shoal_ast_column_def *)right);
    case SHOAL_AST_TABLE_CONSTRAINT: {
        CAST_BOTH(table_constraint);
        return SAME(kind) && SAME_STRING(name) && SAME_LIST(columns) && SAME_NODE(references_table) &&
               SAME_LIST(references_columns);
    }
    case SHOAL_AST_CREATE_VIEW: {
        CAST_BOTH(create_view);
        return SAME_NODE(name) && SAME(or_replace) && SAME_LIST(columns) && SAME_NODE(query);
    }
    case SHOAL_AST_DROP: {
        CAST_BOTH(drop);
        return SAME(object) && SAME(if_exists) && SAME_LIST(names) && SAME(behavior);
    }
    case SHOAL_AST_COPY: return copies_equal((const shoal_ast_copy *)left, (const shoal_ast_copy *)right);
    case SHOAL_AST_CALL: { CAST_BOTH(call); return SAME_NODE(procedure) && SAME_LIST(args); }
    case SHOAL_AST_INSERT: {
        CAST_BOTH(insert);
        return SAME_NODE(table) && SAME_LIST(columns) && SAME_LIST(rows) && SAME_NODE(query) && SAME(default_values);
    }
    case SHOAL_AST_EXPLAIN: { CAST_BOTH(explain); return SAME(analyze) && SAME(verbose) && SAME_NODE(statement); }
    case SHOAL_AST_SET: { CAST_BOTH(set); return SAME_STRING(name) && SAME_LIST(values) && SAME(to_default); }
    case SHOAL_AST_SHOW: { CAST_BOTH(show); return SAME_STRING(name); }
    case SHOAL_AST_QUERY: {
        CAST_BOTH(query);
        return SAME(recursive) && SAME_LIST(ctes) && SAME_NODE(body) && SAME_LIST(order_by) && SAME_NODE(limit) &&
               SAME(limit_all) && SAME_NODE(offset);
    }
    case SHOAL_AST_CTE: { CAST_BOTH(cte); return SAME_STRING(name) && SAME_LIST(columns) && SAME_NODE(query); }
    case SHOAL_AST_SET_OPERATION: {
        CAST_BOTH(set_operation);
        return SAME(op) && SAME(all) && SAME_NODE(left) && SAME_NODE(right);
    }
    case SHOAL_AST_SELECT: {
        CAST_BOTH(select);
        return SAME(distinct) && SAME_NODE(top) && SAME_LIST(targets) && SAME_LIST(from) && SAME_NODE(where) &&
               SAME_LIST(group_by) && SAME_NODE(having) && SAME_NODE(qualify);
    }
    case SHOAL_AST_TARGET: { CAST_BOTH(target); return SAME_NODE(expr) && SAME_STRING(alias); }
    case SHOAL_AST_TABLE_REF: {
        CAST_BOTH(table_ref);
        return SAME_NODE(name) && SAME_STRING(alias) && SAME_LIST(column_aliases);
    }
    case SHOAL_AST_SUBQUERY_REF: {
        CAST_BOTH(subquery_ref);
        return SAME_NODE(query) && SAME_STRING(alias) && SAME_LIST(column_aliases);
    }
    case SHOAL_AST_JOIN: {
        CAST_BOTH(join);
        return SAME(kind) && SAME(natural) && SAME_NODE(left) && SAME_NODE(right) && SAME_NODE(on) &&
               SAME_LIST(using_columns);
    }
    case SHOAL_AST_SORT_ITEM: { CAST_BOTH(sort_item); return SAME_NODE(expr) && SAME(direction) && SAME(nulls); }
    case SHOAL_AST_WINDOW_SPEC: {
        CAST_BOTH(window_spec);
        return SAME_LIST(partition_by) && SAME_LIST(order_by) && SAME(frame_mode) &&
               bounds_equal(&a->frame_start, &b->frame_start) && bounds_equal(&a->frame_end, &b->frame_end);
    }
    case SHOAL_AST_LITERAL: return literals_equal((const shoal_ast_literal *)left, (const shoal_ast_literal *)right);
    case SHOAL_AST_COLUMN_REF: {
        CAST_BOTH(column_ref);
        return SAME_STRING(schema) && SAME_STRING(table) && SAME_STRING(column);
    }
    case SHOAL_AST_STAR: { CAST_BOTH(star); return SAME_STRING(schema) && SAME_STRING(table); }
    case SHOAL_AST_UNARY: { CAST_BOTH(unary); return SAME(op) && SAME_NODE(operand); }
    case SHOAL_AST_BINARY: { CAST_BOTH(binary); return SAME(op) && SAME_NODE(left) && SAME_NODE(right); }
    case SHOAL_AST_BOOL_EXPR: { CAST_BOTH(bool_expr); return SAME(op) && SAME_LIST(args); }
    case SHOAL_AST_FUNC_CALL: { /* `syntax` is how it was spelled, not what it means */
        CAST_BOTH(func_call);
        return SAME_STRING(schema) && SAME_STRING(name) && SAME_LIST(args) && SAME(distinct) && SAME(star) &&
               SAME_NODE(filter) && SAME_LIST(within_group) && SAME_NODE(over);
    }
    case SHOAL_AST_CASE_EXPR: {
        CAST_BOTH(case_expr);
        return SAME_NODE(operand) && SAME_LIST(whens) && SAME_NODE(else_result);
    }
    case SHOAL_AST_CASE_WHEN: { CAST_BOTH(case_when); return SAME_NODE(condition) && SAME_NODE(result); }
    case SHOAL_AST_CAST_EXPR: { CAST_BOTH(cast_expr); return SAME_NODE(expr) && SAME_NODE(type); }
    case SHOAL_AST_BETWEEN: {
        CAST_BOTH(between);
        return SAME_NODE(expr) && SAME_NODE(low) && SAME_NODE(high) && SAME(negated);
    }
    case SHOAL_AST_IN_LIST: { CAST_BOTH(in_list); return SAME_NODE(expr) && SAME_LIST(items) && SAME(negated); }
    case SHOAL_AST_LIKE: {
        CAST_BOTH(like);
        return SAME(kind) && SAME_NODE(expr) && SAME_NODE(pattern) && SAME_NODE(escape) && SAME(negated);
    }
    case SHOAL_AST_IS_TEST: { CAST_BOTH(is_test); return SAME(test) && SAME_NODE(expr) && SAME(negated); }
    case SHOAL_AST_SUBQUERY_EXPR: {
        CAST_BOTH(subquery_expr);
        return SAME(kind) && SAME_NODE(expr) && SAME(op) && SAME(negated) && SAME_NODE(query);
    }
    case SHOAL_AST_ROW: { CAST_BOTH(row); return SAME_LIST(items); }
    case SHOAL_AST_DATEPART: { CAST_BOTH(datepart); return SAME(part); }
    case SHOAL_AST_DEFAULT_VALUE: return true;
    case SHOAL_AST_IDENTIFIER: { CAST_BOTH(identifier); return SAME_STRING(name); }
    case SHOAL_AST_QUALIFIED_NAME: { CAST_BOTH(qualified_name); return SAME_STRING(schema) && SAME_STRING(name); }
    case SHOAL_AST_TYPE_NAME: {
        CAST_BOTH(type_name);
        return SAME(kind) && SAME(length) && SAME(precision) && SAME(scale);
    }
    case SHOAL_AST_INVALID:
    case SHOAL_AST_TAG_COUNT:
        break;
    }
    return false;
}
