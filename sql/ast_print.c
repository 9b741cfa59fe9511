/* The AST printer: canonical one-line SQL for any node. Keywords are upper case, identifiers
 * are written bare when the lexer would read them back unchanged and "quoted" otherwise, and
 * expressions get parentheses only where precedence or associativity needs them — so parsing
 * the output yields the same tree, and parse -> print is a fixed point (the tests check it on
 * the TPC-H queries and on fuzzed input). EXPLAIN and error messages can print subtrees. */
#include "sql/ast.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sql_writer {
    char *data; /* malloc'd while writing; copied to the arena at the end */
    size_t length, capacity;
} sql_writer;

static void put_bytes(sql_writer *w, const char *s, size_t n)
{
    if (w->length + n + 1 > w->capacity) {
        size_t capacity = w->capacity ? w->capacity : 256;
        while (w->length + n + 1 > capacity) capacity *= 2;
        w->data = shoal_xrealloc(w->data, capacity);
        w->capacity = capacity;
    }
    memcpy(w->data + w->length, s, n);
    w->length += n;
    w->data[w->length] = '\0';
}

static void put(sql_writer *w, const char *s) { put_bytes(w, s, strlen(s)); }

static void put_format(sql_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_format(sql_writer *w, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put_bytes(w, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void put_string_literal(sql_writer *w, const char *text)
{
    put(w, "'");
    for (const char *quote; (quote = strchr(text, '\'')) != NULL; text = quote + 1) {
        put_bytes(w, text, (size_t)(quote - text) + 1);
        put(w, "'");
    }
    put(w, text);
    put(w, "'");
}

/* A word the lexer reads back as the same identifier: lower case letters, digits, _ and $,
 * not starting with a digit or $. */
static bool is_plain_word(const char *name)
{
    if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_' || (unsigned char)name[0] >= 0x80)) return false;
    for (const char *c = name; *c; c++) {
        bool word_char = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '$' ||
                         (unsigned char)*c >= 0x80;
        if (!word_char) return false;
    }
    return true;
}

static bool is_reserved(const char *name)
{
    return shoal_keyword_category_of(shoal_keyword_lookup(name, strlen(name))) == SHOAL_KEYWORD_RESERVED;
}

static void put_quoted_identifier(sql_writer *w, const char *name)
{
    put(w, "\"");
    for (const char *quote; (quote = strchr(name, '"')) != NULL; name = quote + 1) {
        put_bytes(w, name, (size_t)(quote - name) + 1);
        put(w, "\"");
    }
    put(w, name);
    put(w, "\"");
}

static void put_identifier(sql_writer *w, const char *name)
{
    if (is_plain_word(name) && !is_reserved(name)) put(w, name);
    else put_quoted_identifier(w, name);
}

/* A bare word where the grammar takes any word (SET values, SHOW names, ENCODE). */
static void put_word(sql_writer *w, const char *name)
{
    if (is_plain_word(name)) put(w, name);
    else put_quoted_identifier(w, name);
}

static void print_node(sql_writer *w, const shoal_ast_node *node);
static void print_expr(sql_writer *w, const shoal_ast_node *node, int min_precedence);

static void print_list(sql_writer *w, const shoal_ast_list *list)
{
    for (int i = 0; i < list->count; i++) {
        if (i) put(w, ", ");
        print_node(w, list->items[i]);
    }
}

static void print_paren_list(sql_writer *w, const shoal_ast_list *list)
{
    put(w, "(");
    print_list(w, list);
    put(w, ")");
}

/* ---- expressions ---- */

enum {
    PREC_LOWEST = 0,
    PREC_OR,
    PREC_AND,
    PREC_NOT,
    PREC_COMPARISON, /* = <> < ..., IS, IN, BETWEEN, LIKE, op ANY */
    PREC_CONCAT,
    PREC_ADDITIVE,
    PREC_MULTIPLICATIVE,
    PREC_UNARY,
    PREC_PRIMARY,
};

static int binary_precedence(shoal_ast_binary_op op)
{
    switch (op) {
    case SHOAL_AST_OP_CONCAT: return PREC_CONCAT;
    case SHOAL_AST_OP_ADD: case SHOAL_AST_OP_SUB: return PREC_ADDITIVE;
    case SHOAL_AST_OP_MUL: case SHOAL_AST_OP_DIV: case SHOAL_AST_OP_MOD: return PREC_MULTIPLICATIVE;
    default: return PREC_COMPARISON;
    }
}

static bool is_negative_number(const shoal_ast_node *node)
{
    if (!shoal_is_a(node, literal)) return false;
    const shoal_ast_literal *literal = (const shoal_ast_literal *)node;
    return (literal->kind == SHOAL_AST_LITERAL_INTEGER || literal->kind == SHOAL_AST_LITERAL_DECIMAL ||
            literal->kind == SHOAL_AST_LITERAL_FLOAT) &&
           literal->text[0] == '-';
}

static int precedence_of(const shoal_ast_node *node)
{
    switch (node->tag) {
    case SHOAL_AST_BOOL_EXPR: return ((const shoal_ast_bool_expr *)node)->op == SHOAL_AST_OR ? PREC_OR : PREC_AND;
    case SHOAL_AST_UNARY: return ((const shoal_ast_unary *)node)->op == SHOAL_AST_NOT ? PREC_NOT : PREC_UNARY;
    case SHOAL_AST_BINARY: return binary_precedence(((const shoal_ast_binary *)node)->op);
    case SHOAL_AST_BETWEEN: case SHOAL_AST_IN_LIST: case SHOAL_AST_LIKE: case SHOAL_AST_IS_TEST:
        return PREC_COMPARISON;
    case SHOAL_AST_SUBQUERY_EXPR: {
        shoal_ast_subquery_kind kind = ((const shoal_ast_subquery_expr *)node)->kind;
        return kind == SHOAL_AST_SUBQUERY_SCALAR || kind == SHOAL_AST_SUBQUERY_EXISTS ? PREC_PRIMARY : PREC_COMPARISON;
    }
    case SHOAL_AST_LITERAL: return is_negative_number(node) ? PREC_UNARY : PREC_PRIMARY;
    default: return PREC_PRIMARY;
    }
}

const char *shoal_ast_binary_op_sql(shoal_ast_binary_op op)
{
    switch (op) {
    case SHOAL_AST_OP_EQ: return "=";
    case SHOAL_AST_OP_NE: return "<>";
    case SHOAL_AST_OP_LT: return "<";
    case SHOAL_AST_OP_LE: return "<=";
    case SHOAL_AST_OP_GT: return ">";
    case SHOAL_AST_OP_GE: return ">=";
    case SHOAL_AST_OP_ADD: return "+";
    case SHOAL_AST_OP_SUB: return "-";
    case SHOAL_AST_OP_MUL: return "*";
    case SHOAL_AST_OP_DIV: return "/";
    case SHOAL_AST_OP_MOD: return "%";
    case SHOAL_AST_OP_CONCAT: return "||";
    }
    return "?";
}

/* months / days / microseconds as interval text the interval parser reads back exactly. */
static void print_interval_text(sql_writer *w, shoal_ast_interval interval)
{
    bool any = false;
    int32_t years = interval.months / 12, months = interval.months % 12;
    int64_t micros = interval.micros;
    int64_t hours = micros / (INT64_C(3600) * 1000000);
    micros -= hours * INT64_C(3600) * 1000000;
    int64_t minutes = micros / (INT64_C(60) * 1000000);
    micros -= minutes * INT64_C(60) * 1000000;
    struct { int64_t value; const char *unit; } fields[] = {
        {years, "year"}, {months, "month"}, {interval.days, "day"}, {hours, "hour"}, {minutes, "minute"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (fields[i].value == 0) continue;
        put_format(w, "%s%" PRId64 " %s%s", any ? " " : "", fields[i].value, fields[i].unit,
                   fields[i].value == 1 || fields[i].value == -1 ? "" : "s");
        any = true;
    }
    if (micros != 0 || !any) {
        uint64_t magnitude = micros < 0 ? (uint64_t)-micros : (uint64_t)micros;
        put_format(w, "%s%s%" PRIu64, any ? " " : "", micros < 0 ? "-" : "", magnitude / 1000000);
        uint64_t fraction = magnitude % 1000000;
        if (fraction) {
            char digits[8];
            snprintf(digits, sizeof digits, "%06" PRIu64, fraction);
            for (size_t n = strlen(digits); n > 0 && digits[n - 1] == '0'; n--) digits[n - 1] = '\0';
            put_format(w, ".%s", digits);
        }
        put(w, " seconds");
    }
}

static void print_literal(sql_writer *w, const shoal_ast_literal *literal)
{
    switch (literal->kind) {
    case SHOAL_AST_LITERAL_NULL: put(w, "NULL"); return;
    case SHOAL_AST_LITERAL_BOOLEAN: put(w, literal->boolean ? "TRUE" : "FALSE"); return;
    case SHOAL_AST_LITERAL_INTEGER:
    case SHOAL_AST_LITERAL_DECIMAL:
    case SHOAL_AST_LITERAL_FLOAT: put(w, literal->text); return;
    case SHOAL_AST_LITERAL_STRING: put_string_literal(w, literal->text); return;
    case SHOAL_AST_LITERAL_DATE: put(w, "DATE "); put_string_literal(w, literal->text); return;
    case SHOAL_AST_LITERAL_TIMESTAMP: put(w, "TIMESTAMP "); put_string_literal(w, literal->text); return;
    case SHOAL_AST_LITERAL_INTERVAL:
        put(w, "INTERVAL '");
        print_interval_text(w, literal->interval);
        put(w, "'");
        return;
    }
}

static void print_qualified(sql_writer *w, const char *schema, const char *table, const char *last)
{
    if (schema) {
        put_identifier(w, schema);
        put(w, ".");
    }
    if (table) {
        put_identifier(w, table);
        put(w, ".");
    }
    if (last) put_identifier(w, last);
}

static void print_sort_list(sql_writer *w, const shoal_ast_list *list)
{
    print_list(w, list);
}

static void print_frame_bound(sql_writer *w, const shoal_ast_frame_bound *bound)
{
    switch (bound->kind) {
    case SHOAL_AST_BOUND_UNBOUNDED_PRECEDING: put(w, "UNBOUNDED PRECEDING"); return;
    case SHOAL_AST_BOUND_CURRENT_ROW: put(w, "CURRENT ROW"); return;
    case SHOAL_AST_BOUND_UNBOUNDED_FOLLOWING: put(w, "UNBOUNDED FOLLOWING"); return;
    case SHOAL_AST_BOUND_PRECEDING:
    case SHOAL_AST_BOUND_FOLLOWING:
        print_expr(w, bound->offset, PREC_CONCAT);
        put(w, bound->kind == SHOAL_AST_BOUND_PRECEDING ? " PRECEDING" : " FOLLOWING");
        return;
    }
}

static void print_window_spec(sql_writer *w, const shoal_ast_window_spec *window)
{
    const char *separator = "";
    put(w, "(");
    if (window->partition_by.count) {
        put(w, "PARTITION BY ");
        print_list(w, &window->partition_by);
        separator = " ";
    }
    if (window->order_by.count) {
        put(w, separator);
        put(w, "ORDER BY ");
        print_sort_list(w, &window->order_by);
        separator = " ";
    }
    if (window->frame_mode != SHOAL_AST_FRAME_NONE) {
        put(w, separator);
        put(w, window->frame_mode == SHOAL_AST_FRAME_ROWS ? "ROWS BETWEEN " : "RANGE BETWEEN ");
        print_frame_bound(w, &window->frame_start);
        put(w, " AND ");
        print_frame_bound(w, &window->frame_end);
    }
    put(w, ")");
}

/* Function names that the parser would read as something else when written bare before "(". */
static bool call_name_needs_quotes(const char *name)
{
    if (strcmp(name, "left") == 0 || strcmp(name, "right") == 0) return false;
    if (strcmp(name, "extract") == 0 || strcmp(name, "position") == 0 || strcmp(name, "trim") == 0 ||
        strcmp(name, "exists") == 0)
        return true;
    return !is_plain_word(name) || is_reserved(name);
}

static void print_call(sql_writer *w, const shoal_ast_func_call *call)
{
    const shoal_ast_list *args = &call->args;
    switch (call->syntax) {
    case SHOAL_AST_CALL_NO_PARENS:
        for (const char *c = call->name; *c; c++) {
            char upper = (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c;
            put_bytes(w, &upper, 1);
        }
        return;
    case SHOAL_AST_CALL_EXTRACT:
        put(w, "EXTRACT(");
        print_node(w, args->items[0]);
        put(w, " FROM ");
        print_expr(w, args->items[1], PREC_LOWEST);
        put(w, ")");
        return;
    case SHOAL_AST_CALL_SUBSTRING:
        put(w, "SUBSTRING(");
        print_expr(w, args->items[0], PREC_LOWEST);
        put(w, " FROM ");
        print_expr(w, args->items[1], PREC_LOWEST);
        if (args->count > 2) {
            put(w, " FOR ");
            print_expr(w, args->items[2], PREC_LOWEST);
        }
        put(w, ")");
        return;
    case SHOAL_AST_CALL_POSITION:
        put(w, "POSITION(");
        print_expr(w, args->items[0], PREC_CONCAT);
        put(w, " IN ");
        print_expr(w, args->items[1], PREC_CONCAT);
        put(w, ")");
        return;
    case SHOAL_AST_CALL_TRIM:
        put(w, strcmp(call->name, "ltrim") == 0   ? "TRIM(LEADING "
               : strcmp(call->name, "rtrim") == 0 ? "TRIM(TRAILING "
                                                  : "TRIM(BOTH ");
        if (args->count > 1) {
            print_expr(w, args->items[1], PREC_LOWEST);
            put(w, " ");
        }
        put(w, "FROM ");
        print_expr(w, args->items[0], PREC_LOWEST);
        put(w, ")");
        return;
    case SHOAL_AST_CALL_PLAIN:
        break;
    }
    if (call->schema) {
        put_identifier(w, call->schema);
        put(w, ".");
    }
    if (call_name_needs_quotes(call->name)) put_quoted_identifier(w, call->name);
    else put(w, call->name);
    put(w, "(");
    if (call->star) put(w, "*");
    if (call->distinct) put(w, "DISTINCT ");
    print_list(w, args);
    put(w, ")");
    if (call->within_group.count) {
        put(w, " WITHIN GROUP (ORDER BY ");
        print_sort_list(w, &call->within_group);
        put(w, ")");
    }
    if (call->filter) {
        put(w, " FILTER (WHERE ");
        print_expr(w, call->filter, PREC_LOWEST);
        put(w, ")");
    }
    if (call->over) {
        put(w, " OVER ");
        print_window_spec(w, call->over);
    }
}

static void print_subquery_expr(sql_writer *w, const shoal_ast_subquery_expr *subquery)
{
    switch (subquery->kind) {
    case SHOAL_AST_SUBQUERY_SCALAR: break;
    case SHOAL_AST_SUBQUERY_EXISTS: put(w, "EXISTS "); break;
    case SHOAL_AST_SUBQUERY_IN:
        print_expr(w, subquery->expr, PREC_COMPARISON);
        put(w, subquery->negated ? " NOT IN " : " IN ");
        break;
    case SHOAL_AST_SUBQUERY_ANY:
    case SHOAL_AST_SUBQUERY_ALL:
        print_expr(w, subquery->expr, PREC_COMPARISON);
        put_format(w, " %s %s ", shoal_ast_binary_op_sql(subquery->op),
                   subquery->kind == SHOAL_AST_SUBQUERY_ANY ? "ANY" : "ALL");
        break;
    }
    put(w, "(");
    print_node(w, &subquery->query->node);
    put(w, ")");
}

static void print_expr_unparenthesized(sql_writer *w, const shoal_ast_node *node)
{
    switch (node->tag) {
    case SHOAL_AST_BOOL_EXPR: {
        const shoal_ast_bool_expr *expression = (const shoal_ast_bool_expr *)node;
        int precedence = precedence_of(node);
        for (int i = 0; i < expression->args.count; i++) {
            if (i) put(w, expression->op == SHOAL_AST_AND ? " AND " : " OR ");
            print_expr(w, expression->args.items[i], precedence + 1);
        }
        return;
    }
    case SHOAL_AST_UNARY: {
        const shoal_ast_unary *unary = (const shoal_ast_unary *)node;
        if (unary->op == SHOAL_AST_NOT) {
            put(w, "NOT ");
            print_expr(w, unary->operand, PREC_NOT);
        } else {
            const shoal_ast_node *operand = unary->operand;
            bool operand_starts_with_minus =
                is_negative_number(operand) ||
                (shoal_is_a(operand, unary) && ((const shoal_ast_unary *)operand)->op == SHOAL_AST_NEGATE);
            put(w, operand_starts_with_minus ? "- " : "-"); /* "--" would start a comment */
            print_expr(w, operand, PREC_UNARY);
        }
        return;
    }
    case SHOAL_AST_BINARY: {
        const shoal_ast_binary *binary = (const shoal_ast_binary *)node;
        int precedence = binary_precedence(binary->op);
        print_expr(w, binary->left, precedence);
        put_format(w, " %s ", shoal_ast_binary_op_sql(binary->op));
        print_expr(w, binary->right, precedence + 1);
        return;
    }
    case SHOAL_AST_BETWEEN: {
        const shoal_ast_between *between = (const shoal_ast_between *)node;
        print_expr(w, between->expr, PREC_COMPARISON);
        put(w, between->negated ? " NOT BETWEEN " : " BETWEEN ");
        print_expr(w, between->low, PREC_CONCAT);
        put(w, " AND ");
        print_expr(w, between->high, PREC_CONCAT);
        return;
    }
    case SHOAL_AST_IN_LIST: {
        const shoal_ast_in_list *in = (const shoal_ast_in_list *)node;
        print_expr(w, in->expr, PREC_COMPARISON);
        put(w, in->negated ? " NOT IN " : " IN ");
        print_paren_list(w, &in->items);
        return;
    }
    case SHOAL_AST_LIKE: {
        const shoal_ast_like *like = (const shoal_ast_like *)node;
        static const char *const operators[] = {"", " LIKE ", " ILIKE ", " SIMILAR TO "};
        print_expr(w, like->expr, PREC_COMPARISON);
        if (like->negated) put(w, " NOT");
        put(w, operators[like->kind]);
        print_expr(w, like->pattern, PREC_CONCAT);
        if (like->escape) {
            put(w, " ESCAPE ");
            print_expr(w, like->escape, PREC_CONCAT);
        }
        return;
    }
    case SHOAL_AST_IS_TEST: {
        const shoal_ast_is_test *test = (const shoal_ast_is_test *)node;
        static const char *const tests[] = {"", "NULL", "TRUE", "FALSE", "UNKNOWN"};
        print_expr(w, test->expr, PREC_COMPARISON);
        put(w, test->negated ? " IS NOT " : " IS ");
        put(w, tests[test->test]);
        return;
    }
    case SHOAL_AST_SUBQUERY_EXPR: print_subquery_expr(w, (const shoal_ast_subquery_expr *)node); return;
    case SHOAL_AST_LITERAL: print_literal(w, (const shoal_ast_literal *)node); return;
    case SHOAL_AST_COLUMN_REF: {
        const shoal_ast_column_ref *column = (const shoal_ast_column_ref *)node;
        print_qualified(w, column->schema, column->table, column->column);
        return;
    }
    case SHOAL_AST_STAR: {
        const shoal_ast_star *star = (const shoal_ast_star *)node;
        print_qualified(w, star->schema, star->table, NULL);
        put(w, "*");
        return;
    }
    case SHOAL_AST_FUNC_CALL: print_call(w, (const shoal_ast_func_call *)node); return;
    case SHOAL_AST_CASE_EXPR: {
        const shoal_ast_case_expr *expression = (const shoal_ast_case_expr *)node;
        put(w, "CASE");
        if (expression->operand) {
            put(w, " ");
            print_expr(w, expression->operand, PREC_LOWEST);
        }
        for (int i = 0; i < expression->whens.count; i++) {
            const shoal_ast_case_when *when = shoal_cast(case_when, expression->whens.items[i]);
            put(w, " WHEN ");
            print_expr(w, when->condition, PREC_LOWEST);
            put(w, " THEN ");
            print_expr(w, when->result, PREC_LOWEST);
        }
        if (expression->else_result) {
            put(w, " ELSE ");
            print_expr(w, expression->else_result, PREC_LOWEST);
        }
        put(w, " END");
        return;
    }
    case SHOAL_AST_CAST_EXPR: {
        const shoal_ast_cast_expr *cast = (const shoal_ast_cast_expr *)node;
        put(w, "CAST(");
        print_expr(w, cast->expr, PREC_LOWEST);
        put(w, " AS ");
        print_node(w, &cast->type->node);
        put(w, ")");
        return;
    }
    case SHOAL_AST_ROW: print_paren_list(w, &((const shoal_ast_row *)node)->items); return;
    default: print_node(w, node); return; /* not an expression: print_node knows it */
    }
}

static void print_expr(sql_writer *w, const shoal_ast_node *node, int min_precedence)
{
    if (precedence_of(node) < min_precedence) {
        put(w, "(");
        print_expr_unparenthesized(w, node);
        put(w, ")");
    } else {
        print_expr_unparenthesized(w, node);
    }
}

/* ---- types ---- */

const char *shoal_ast_type_kind_sql(shoal_ast_type_kind kind)
{
    switch (kind) {
    case SHOAL_AST_TYPE_SMALLINT: return "SMALLINT";
    case SHOAL_AST_TYPE_INTEGER: return "INTEGER";
    case SHOAL_AST_TYPE_BIGINT: return "BIGINT";
    case SHOAL_AST_TYPE_DECIMAL: return "DECIMAL";
    case SHOAL_AST_TYPE_REAL: return "REAL";
    case SHOAL_AST_TYPE_DOUBLE: return "DOUBLE PRECISION";
    case SHOAL_AST_TYPE_BOOLEAN: return "BOOLEAN";
    case SHOAL_AST_TYPE_CHAR: return "CHAR";
    case SHOAL_AST_TYPE_VARCHAR: return "VARCHAR";
    case SHOAL_AST_TYPE_DATE: return "DATE";
    case SHOAL_AST_TYPE_TIMESTAMP: return "TIMESTAMP";
    }
    return "?";
}

static void print_type_name(sql_writer *w, const shoal_ast_type_name *type)
{
    put(w, shoal_ast_type_kind_sql(type->kind));
    if (type->kind == SHOAL_AST_TYPE_DECIMAL) put_format(w, "(%d,%d)", (int)type->precision, (int)type->scale);
    else if (type->kind == SHOAL_AST_TYPE_CHAR || type->kind == SHOAL_AST_TYPE_VARCHAR)
        put_format(w, "(%d)", (int)type->length);
}

/* ---- queries ---- */

static void print_query(sql_writer *w, const shoal_ast_query *query);

/* An operand of a set operation, parenthesized when the tree's shape needs it. */
static void print_set_operand(sql_writer *w, const shoal_ast_node *operand, const shoal_ast_set_operation *parent,
                              bool right)
{
    bool parenthesize = shoal_is_a(operand, query);
    if (shoal_is_a(operand, set_operation)) {
        const shoal_ast_set_operation *child = (const shoal_ast_set_operation *)operand;
        int parent_level = parent->op == SHOAL_AST_INTERSECT ? 2 : 1;
        int child_level = child->op == SHOAL_AST_INTERSECT ? 2 : 1;
        parenthesize = right ? child_level <= parent_level : child_level < parent_level;
    }
    if (parenthesize) put(w, "(");
    print_node(w, operand);
    if (parenthesize) put(w, ")");
}

static void print_set_operation(sql_writer *w, const shoal_ast_set_operation *operation)
{
    static const char *const names[] = {"", " UNION ", " INTERSECT ", " EXCEPT "};
    print_set_operand(w, operation->left, operation, false);
    put(w, names[operation->op]);
    if (operation->all) put(w, "ALL ");
    print_set_operand(w, operation->right, operation, true);
}

static void print_alias(sql_writer *w, const char *alias, const shoal_ast_list *column_aliases)
{
    if (!alias) return;
    put(w, " AS ");
    put_identifier(w, alias);
    if (column_aliases->count) {
        put(w, " ");
        print_paren_list(w, column_aliases);
    }
}

static void print_join(sql_writer *w, const shoal_ast_join *join)
{
    static const char *const kinds[] = {"", "JOIN ", "LEFT JOIN ", "RIGHT JOIN ", "FULL JOIN ", "CROSS JOIN "};
    print_node(w, join->left);
    put(w, join->natural ? " NATURAL " : " ");
    put(w, kinds[join->kind]);
    bool parenthesize = shoal_is_a(join->right, join);
    if (parenthesize) put(w, "(");
    print_node(w, join->right);
    if (parenthesize) put(w, ")");
    if (join->on) {
        put(w, " ON ");
        print_expr(w, join->on, PREC_LOWEST);
    } else if (join->using_columns.count) {
        put(w, " USING ");
        print_paren_list(w, &join->using_columns);
    }
}

static void print_select(sql_writer *w, const shoal_ast_select *select)
{
    put(w, "SELECT ");
    if (select->top) {
        bool plain_count = shoal_is_a(select->top, literal) &&
                           ((const shoal_ast_literal *)select->top)->kind == SHOAL_AST_LITERAL_INTEGER &&
                           !is_negative_number(select->top);
        if (plain_count) {
            put(w, "TOP ");
            print_node(w, select->top);
            put(w, " ");
        } else {
            put(w, "TOP (");
            print_expr(w, select->top, PREC_LOWEST);
            put(w, ") ");
        }
    }
    if (select->distinct) put(w, "DISTINCT ");
    print_list(w, &select->targets);
    if (select->from.count) {
        put(w, " FROM ");
        print_list(w, &select->from);
    }
    if (select->where) {
        put(w, " WHERE ");
        print_expr(w, select->where, PREC_LOWEST);
    }
    if (select->group_by.count) {
        put(w, " GROUP BY ");
        print_list(w, &select->group_by);
    }
    if (select->having) {
        put(w, " HAVING ");
        print_expr(w, select->having, PREC_LOWEST);
    }
    if (select->qualify) {
        put(w, " QUALIFY ");
        print_expr(w, select->qualify, PREC_LOWEST);
    }
}

static void print_query(sql_writer *w, const shoal_ast_query *query)
{
    if (query->ctes.count) {
        put(w, query->recursive ? "WITH RECURSIVE " : "WITH ");
        print_list(w, &query->ctes);
        put(w, " ");
    }
    if (shoal_is_a(query->body, query)) {
        put(w, "(");
        print_node(w, query->body);
        put(w, ")");
    } else {
        print_node(w, query->body);
    }
    if (query->order_by.count) {
        put(w, " ORDER BY ");
        print_sort_list(w, &query->order_by);
    }
    if (query->limit_all) put(w, " LIMIT ALL");
    if (query->limit) {
        put(w, " LIMIT ");
        print_expr(w, query->limit, PREC_LOWEST);
    }
    if (query->offset) {
        put(w, " OFFSET ");
        print_expr(w, query->offset, PREC_LOWEST);
    }
}

/* ---- statements ---- */

static void print_column_def(sql_writer *w, const shoal_ast_column_def *column)
{
    put_identifier(w, column->name);
    put(w, " ");
    print_type_name(w, column->type);
    if (column->nullability == SHOAL_AST_NOT_NULLABLE) put(w, " NOT NULL");
    if (column->nullability == SHOAL_AST_NULLABLE) put(w, " NULL");
    if (column->default_value) {
        put(w, " DEFAULT ");
        print_expr(w, column->default_value, PREC_CONCAT);
    }
    if (column->identity)
        put_format(w, " IDENTITY(%" PRId64 ", %" PRId64 ")", column->identity_seed, column->identity_step);
    if (column->primary_key) put(w, " PRIMARY KEY");
    if (column->unique) put(w, " UNIQUE");
    if (column->references_table) {
        put(w, " REFERENCES ");
        print_node(w, &column->references_table->node);
        if (column->references_columns.count) {
            put(w, " ");
            print_paren_list(w, &column->references_columns);
        }
    }
    if (column->encoding) {
        put(w, " ENCODE ");
        put_word(w, column->encoding);
    }
    if (column->distkey) put(w, " DISTKEY");
    if (column->sortkey) put(w, " SORTKEY");
}

static void print_table_constraint(sql_writer *w, const shoal_ast_table_constraint *constraint)
{
    static const char *const kinds[] = {"", "PRIMARY KEY ", "UNIQUE ", "FOREIGN KEY "};
    if (constraint->name) {
        put(w, "CONSTRAINT ");
        put_identifier(w, constraint->name);
        put(w, " ");
    }
    put(w, kinds[constraint->kind]);
    print_paren_list(w, &constraint->columns);
    if (constraint->references_table) {
        put(w, " REFERENCES ");
        print_node(w, &constraint->references_table->node);
        if (constraint->references_columns.count) {
            put(w, " ");
            print_paren_list(w, &constraint->references_columns);
        }
    }
}

static void print_create_table(sql_writer *w, const shoal_ast_create_table *table)
{
    static const char *const diststyles[] = {"", "EVEN", "KEY", "ALL", "AUTO"};
    put(w, table->temporary ? "CREATE TEMP TABLE " : "CREATE TABLE ");
    if (table->if_not_exists) put(w, "IF NOT EXISTS ");
    print_node(w, &table->name->node);
    put(w, " (");
    print_list(w, &table->columns);
    if (table->columns.count && table->constraints.count) put(w, ", ");
    print_list(w, &table->constraints);
    put(w, ")");
    if (table->diststyle != SHOAL_AST_DISTSTYLE_UNSPECIFIED) {
        put(w, " DISTSTYLE ");
        put(w, diststyles[table->diststyle]);
    }
    if (table->distkey) {
        put(w, " DISTKEY (");
        print_node(w, &table->distkey->node);
        put(w, ")");
    }
    switch (table->sortkey_style) {
    case SHOAL_AST_SORTKEY_NONE: break;
    case SHOAL_AST_SORTKEY_AUTO: put(w, " SORTKEY AUTO"); break;
    case SHOAL_AST_SORTKEY_COMPOUND:
    case SHOAL_AST_SORTKEY_INTERLEAVED:
        put(w, table->sortkey_style == SHOAL_AST_SORTKEY_INTERLEAVED ? " INTERLEAVED SORTKEY " : " SORTKEY ");
        print_paren_list(w, &table->sortkey);
        break;
    }
}

static void print_copy(sql_writer *w, const shoal_ast_copy *copy)
{
    static const char *const formats[] = {"",           "CSV", "FORMAT AS JSON", "FORMAT AS PARQUET",
                                          "FORMAT AS AVRO", "FORMAT AS ORC"};
    static const char *const compressions[] = {"", "GZIP", "ZSTD", "BZIP2", "LZOP"};
    struct { const char *name; const char *value; } strings[] = {
        {"DELIMITER", copy->delimiter}, {"QUOTE", copy->quote}, {"NULL AS", copy->null_as},
        {"DATEFORMAT", copy->date_format}, {"TIMEFORMAT", copy->time_format}, {"IAM_ROLE", copy->iam_role},
        {"CREDENTIALS", copy->credentials}, {"REGION", copy->region},
    };
    put(w, "COPY ");
    print_node(w, &copy->table->node);
    if (copy->columns.count) {
        put(w, " ");
        print_paren_list(w, &copy->columns);
    }
    put(w, " FROM ");
    put_string_literal(w, copy->source);
    if (copy->format != SHOAL_AST_COPY_FORMAT_TEXT) {
        put(w, " ");
        put(w, formats[copy->format]);
        if (copy->format_argument) {
            put(w, " ");
            put_string_literal(w, copy->format_argument);
        }
    }
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (!strings[i].value) continue;
        put_format(w, " %s ", strings[i].name);
        put_string_literal(w, strings[i].value);
    }
    if (copy->ignore_header >= 0) put_format(w, " IGNOREHEADER %" PRId64, copy->ignore_header);
    if (copy->max_errors >= 0) put_format(w, " MAXERROR %" PRId64, copy->max_errors);
    if (copy->compression != SHOAL_AST_COPY_UNCOMPRESSED) {
        put(w, " ");
        put(w, compressions[copy->compression]);
    }
    for (int i = 0; i < shoal_ast_copy_flag_count; i++) {
        if (copy->flags & shoal_ast_copy_flag_spellings[i].flag) {
            put(w, " ");
            put(w, shoal_ast_copy_flag_spellings[i].name);
        }
    }
}

static void print_insert(sql_writer *w, const shoal_ast_insert *insert)
{
    put(w, "INSERT INTO ");
    print_node(w, &insert->table->node);
    if (insert->columns.count) {
        put(w, " ");
        print_paren_list(w, &insert->columns);
    }
    if (insert->default_values) {
        put(w, " DEFAULT VALUES");
    } else if (insert->query) {
        put(w, " ");
        print_node(w, &insert->query->node);
    } else {
        put(w, " VALUES ");
        for (int i = 0; i < insert->rows.count; i++) {
            if (i) put(w, ", ");
            print_paren_list(w, &shoal_cast(row, insert->rows.items[i])->items);
        }
    }
}

static void print_set(sql_writer *w, const shoal_ast_set *set)
{
    put(w, "SET ");
    put_identifier(w, set->name);
    if (set->to_default) {
        put(w, " TO DEFAULT");
        return;
    }
    put(w, " = ");
    for (int i = 0; i < set->values.count; i++) {
        if (i) put(w, ", ");
        const shoal_ast_node *value = set->values.items[i];
        if (shoal_is_a(value, identifier)) put_word(w, ((const shoal_ast_identifier *)value)->name);
        else print_expr(w, value, PREC_LOWEST);
    }
}

static void print_node(sql_writer *w, const shoal_ast_node *node)
{
    switch (node->tag) {
    case SHOAL_AST_STATEMENT: print_node(w, ((const shoal_ast_statement *)node)->body); return;
    case SHOAL_AST_CREATE_SCHEMA: {
        const shoal_ast_create_schema *schema = (const shoal_ast_create_schema *)node;
        put(w, schema->if_not_exists ? "CREATE SCHEMA IF NOT EXISTS " : "CREATE SCHEMA ");
        put_identifier(w, schema->name);
        return;
    }
    case SHOAL_AST_CREATE_TABLE: print_create_table(w, (const shoal_ast_create_table *)node); return;
    case SHOAL_AST_COLUMN_DEF: print_column_def(w, (const shoal_ast_column_def *)node); return;
    case SHOAL_AST_TABLE_CONSTRAINT: print_table_constraint(w, (const shoal_ast_table_constraint *)node); return;
    case SHOAL_AST_CREATE_VIEW: {
        const shoal_ast_create_view *view = (const shoal_ast_create_view *)node;
        put(w, view->or_replace ? "CREATE OR REPLACE VIEW " : "CREATE VIEW ");
        print_node(w, &view->name->node);
        if (view->columns.count) {
            put(w, " ");
            print_paren_list(w, &view->columns);
        }
        put(w, " AS ");
        print_node(w, &view->query->node);
        return;
    }
    case SHOAL_AST_DROP: {
        static const char *const objects[] = {"", "TABLE ", "VIEW ", "SCHEMA "};
        static const char *const behaviors[] = {"", " CASCADE", " RESTRICT"};
        const shoal_ast_drop *drop = (const shoal_ast_drop *)node;
        put(w, "DROP ");
        put(w, objects[drop->object]);
        if (drop->if_exists) put(w, "IF EXISTS ");
        print_list(w, &drop->names);
        put(w, behaviors[drop->behavior]);
        return;
    }
    case SHOAL_AST_COPY: print_copy(w, (const shoal_ast_copy *)node); return;
    case SHOAL_AST_CALL: {
        const shoal_ast_call *call = (const shoal_ast_call *)node;
        put(w, "CALL ");
        print_node(w, &call->procedure->node);
        print_paren_list(w, &call->args);
        return;
    }
    case SHOAL_AST_INSERT: print_insert(w, (const shoal_ast_insert *)node); return;
    case SHOAL_AST_EXPLAIN: {
        const shoal_ast_explain *explain = (const shoal_ast_explain *)node;
        put(w, "EXPLAIN ");
        if (explain->analyze) put(w, "ANALYZE ");
        if (explain->verbose) put(w, "VERBOSE ");
        print_node(w, explain->statement);
        return;
    }
    case SHOAL_AST_SET: print_set(w, (const shoal_ast_set *)node); return;
    case SHOAL_AST_SHOW:
        put(w, "SHOW ");
        put_word(w, ((const shoal_ast_show *)node)->name);
        return;
    case SHOAL_AST_QUERY: print_query(w, (const shoal_ast_query *)node); return;
    case SHOAL_AST_CTE: {
        const shoal_ast_cte *cte = (const shoal_ast_cte *)node;
        put_identifier(w, cte->name);
        if (cte->columns.count) {
            put(w, " ");
            print_paren_list(w, &cte->columns);
        }
        put(w, " AS (");
        print_node(w, &cte->query->node);
        put(w, ")");
        return;
    }
    case SHOAL_AST_SET_OPERATION: print_set_operation(w, (const shoal_ast_set_operation *)node); return;
    case SHOAL_AST_SELECT: print_select(w, (const shoal_ast_select *)node); return;
    case SHOAL_AST_TARGET: {
        const shoal_ast_target *target = (const shoal_ast_target *)node;
        print_expr(w, target->expr, PREC_LOWEST);
        if (target->alias) {
            put(w, " AS ");
            put_identifier(w, target->alias);
        }
        return;
    }
    case SHOAL_AST_TABLE_REF: {
        const shoal_ast_table_ref *table = (const shoal_ast_table_ref *)node;
        print_node(w, &table->name->node);
        print_alias(w, table->alias, &table->column_aliases);
        return;
    }
    case SHOAL_AST_SUBQUERY_REF: {
        const shoal_ast_subquery_ref *subquery = (const shoal_ast_subquery_ref *)node;
        put(w, "(");
        print_node(w, &subquery->query->node);
        put(w, ")");
        print_alias(w, subquery->alias, &subquery->column_aliases);
        return;
    }
    case SHOAL_AST_JOIN: print_join(w, (const shoal_ast_join *)node); return;
    case SHOAL_AST_SORT_ITEM: {
        static const char *const directions[] = {"", " ASC", " DESC"};
        static const char *const nulls[] = {"", " NULLS FIRST", " NULLS LAST"};
        const shoal_ast_sort_item *item = (const shoal_ast_sort_item *)node;
        print_expr(w, item->expr, PREC_LOWEST);
        put(w, directions[item->direction]);
        put(w, nulls[item->nulls]);
        return;
    }
    case SHOAL_AST_WINDOW_SPEC: print_window_spec(w, (const shoal_ast_window_spec *)node); return;
    case SHOAL_AST_DATEPART: put(w, shoal_datepart_name(((const shoal_ast_datepart *)node)->part)); return;
    case SHOAL_AST_DEFAULT_VALUE: put(w, "DEFAULT"); return;
    case SHOAL_AST_IDENTIFIER: put_identifier(w, ((const shoal_ast_identifier *)node)->name); return;
    case SHOAL_AST_QUALIFIED_NAME: {
        const shoal_ast_qualified_name *name = (const shoal_ast_qualified_name *)node;
        print_qualified(w, name->schema, NULL, name->name);
        return;
    }
    case SHOAL_AST_TYPE_NAME: print_type_name(w, (const shoal_ast_type_name *)node); return;
    case SHOAL_AST_CASE_WHEN: {
        const shoal_ast_case_when *when = (const shoal_ast_case_when *)node;
        put(w, "WHEN ");
        print_expr(w, when->condition, PREC_LOWEST);
        put(w, " THEN ");
        print_expr(w, when->result, PREC_LOWEST);
        return;
    }
    case SHOAL_AST_LITERAL: case SHOAL_AST_COLUMN_REF: case SHOAL_AST_STAR: case SHOAL_AST_UNARY:
    case SHOAL_AST_BINARY: case SHOAL_AST_BOOL_EXPR: case SHOAL_AST_FUNC_CALL: case SHOAL_AST_CASE_EXPR:
    case SHOAL_AST_CAST_EXPR: case SHOAL_AST_BETWEEN: case SHOAL_AST_IN_LIST: case SHOAL_AST_LIKE:
    case SHOAL_AST_IS_TEST: case SHOAL_AST_SUBQUERY_EXPR: case SHOAL_AST_ROW:
        print_expr(w, node, PREC_LOWEST);
        return;
    case SHOAL_AST_INVALID: case SHOAL_AST_TAG_COUNT:
        break;
    }
    put_format(w, "<invalid node, tag %d>", (int)node->tag);
}

char *shoal_ast_to_sql(const void *node, shoal_arena *arena)
{
    sql_writer w = {NULL, 0, 0};
    if (node) print_node(&w, node);
    char *sql = shoal_arena_strdup(arena, w.data ? w.data : "");
    free(w.data);
    return sql;
}
