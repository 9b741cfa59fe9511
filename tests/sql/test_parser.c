/* CUnit tests of the SQL front end's lexer, parser, AST and printer: tokens and positions,
 * every statement form, operator precedence (checked on a fully parenthesized dump of the
 * tree), the 22 TPC-H queries and the star-schema statements (parse -> print is a fixed
 * point), exact error messages, and a deterministic fuzz run that must never crash or leak.
 * Usage: test_parser [SUITE...] runs the named suites (default: all); -SUITE skips one. */
#include "sql/keywords.h"
#include "sql/lexer.h"
#include "sql/parser.h"

#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SHOAL_PARSER_FIXTURES
#error "SHOAL_PARSER_FIXTURES must name tests/sql (set by tests/sql/CMakeLists.txt)"
#endif

static shoal_arena arena; /* each test's trees; reset after every test */

static void arena_setup(void) { shoal_arena_init(&arena, 0); }
static void arena_teardown(void) { shoal_arena_reset(&arena); }

/* ---- helpers ---- */

#define ASSERT_TEXT(actual, expected) assert_text((actual), (expected), __FILE__, __LINE__)
static void assert_text(const char *actual, const char *expected, const char *file, int line)
{
    bool same = actual != NULL && strcmp(actual, expected) == 0;
    if (!same)
        fprintf(stderr, "\n%s:%d\n  expected: %s\n  actual:   %s\n", file, line, expected, actual ? actual : "(null)");
    CU_assertImplementation(same, (unsigned)line, "text as expected", file, "", CU_FALSE);
}

/* Parses text that must parse (a failure ends the test). */
static shoal_ast_statement **parse_all(const char *sql, int *count)
{
    shoal_ast_statement **statements;
    shoal_error err;
    if (!shoal_parse(sql, strlen(sql), &arena, &statements, count, &err)) {
        fprintf(stderr, "\nunexpected error: %s\n  in: %s\n", err.message, sql);
        CU_FAIL_FATAL("statement did not parse"); /* ends the test: its checks would dereference NULL */
    }
    return statements;
}

/* The body of the one statement in `sql`. */
static shoal_ast_node *parse_one(const char *sql)
{
    int count = 0;
    shoal_ast_statement **statements = parse_all(sql, &count);
    CU_ASSERT_EQUAL(count, 1);
    return statements && count == 1 ? statements[0]->body : NULL;
}

/* Canonical text of every statement in `sql`, joined by "; ". */
static char *canonical(const char *sql)
{
    int count = 0;
    shoal_ast_statement **statements = parse_all(sql, &count);
    if (!statements) return "(error)";
    size_t size = 1;
    char **parts = shoal_arena_alloc(&arena, (size_t)(count ? count : 1) * sizeof *parts);
    for (int i = 0; i < count; i++) {
        parts[i] = shoal_ast_to_sql(statements[i], &arena);
        size += strlen(parts[i]) + 2;
    }
    char *joined = shoal_arena_alloc(&arena, size);
    joined[0] = '\0';
    for (int i = 0; i < count; i++) {
        if (i) strcat(joined, "; ");
        strcat(joined, parts[i]);
    }
    return joined;
}

/* parse -> print -> parse gives the same trees, and printing those gives the same text:
 * returns that text. */
static char *assert_fixed_point(const char *sql)
{
    int count = 0, reparsed_count = 0;
    shoal_ast_statement **statements = parse_all(sql, &count);
    char *once = canonical(sql);
    shoal_ast_statement **reparsed = parse_all(once, &reparsed_count);
    CU_ASSERT_EQUAL(reparsed_count, count);
    for (int i = 0; statements && reparsed && i < count && i < reparsed_count; i++) {
        bool same = shoal_ast_equal(statements[i], reparsed[i]);
        if (!same) fprintf(stderr, "\nprinting changed the tree of statement %d:\n  %s\n", i + 1, once);
        CU_ASSERT_TRUE(same);
    }
    char *twice = canonical(once);
    ASSERT_TEXT(twice, once);
    return once;
}

static void expect_error(const char *sql, const char *sqlstate, const char *message)
{
    shoal_ast_statement **statements = (shoal_ast_statement **)&statements;
    int count = -1;
    shoal_error err;
    memset(&err, 0, sizeof err);
    CU_ASSERT_FALSE(shoal_parse(sql, strlen(sql), &arena, &statements, &count, &err));
    CU_ASSERT_PTR_NULL(statements);
    CU_ASSERT_EQUAL(count, 0);
    CU_ASSERT_EQUAL(err.rank, -1);
    ASSERT_TEXT(err.sqlstate, sqlstate);
    ASSERT_TEXT(err.message, message);
}

/* ---- a fully parenthesized dump of expression trees, for the precedence tests ---- */

typedef struct dump {
    char text[4096];
    size_t length;
} dump;

static void dump_put(dump *d, const char *s)
{
    size_t n = strlen(s);
    if (d->length + n >= sizeof d->text) n = sizeof d->text - 1 - d->length;
    memcpy(d->text + d->length, s, n);
    d->length += n;
    d->text[d->length] = '\0';
}

static void dump_node(dump *d, const shoal_ast_node *node);

static void dump_list(dump *d, const shoal_ast_list *list)
{
    for (int i = 0; i < list->count; i++) {
        dump_put(d, " ");
        dump_node(d, list->items[i]);
    }
}

static void dump_node(dump *d, const shoal_ast_node *node)
{
    switch (node->tag) {
    case SHOAL_AST_BINARY: {
        const shoal_ast_binary *b = shoal_cast(binary, node);
        dump_put(d, "(");
        dump_put(d, shoal_ast_binary_op_sql(b->op));
        dump_put(d, " ");
        dump_node(d, b->left);
        dump_put(d, " ");
        dump_node(d, b->right);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_BOOL_EXPR: {
        const shoal_ast_bool_expr *b = shoal_cast(bool_expr, node);
        dump_put(d, b->op == SHOAL_AST_AND ? "(AND" : "(OR");
        dump_list(d, &b->args);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_UNARY: {
        const shoal_ast_unary *u = shoal_cast(unary, node);
        dump_put(d, u->op == SHOAL_AST_NOT ? "(NOT " : "(NEG ");
        dump_node(d, u->operand);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_BETWEEN: {
        const shoal_ast_between *b = shoal_cast(between, node);
        dump_put(d, b->negated ? "(NOT-BETWEEN " : "(BETWEEN ");
        dump_node(d, b->expr);
        dump_put(d, " ");
        dump_node(d, b->low);
        dump_put(d, " ");
        dump_node(d, b->high);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_IN_LIST: {
        const shoal_ast_in_list *in = shoal_cast(in_list, node);
        dump_put(d, in->negated ? "(NOT-IN " : "(IN ");
        dump_node(d, in->expr);
        dump_list(d, &in->items);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_LIKE: {
        const shoal_ast_like *l = shoal_cast(like, node);
        dump_put(d, l->negated ? "(NOT-LIKE " : "(LIKE ");
        dump_node(d, l->expr);
        dump_put(d, " ");
        dump_node(d, l->pattern);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_IS_TEST: {
        static const char *const tests[] = {"", "NULL", "TRUE", "FALSE", "UNKNOWN"};
        const shoal_ast_is_test *t = shoal_cast(is_test, node);
        dump_put(d, t->negated ? "(IS-NOT-" : "(IS-");
        dump_put(d, tests[t->test]);
        dump_put(d, " ");
        dump_node(d, t->expr);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_CAST_EXPR: {
        const shoal_ast_cast_expr *c = shoal_cast(cast_expr, node);
        dump_put(d, "(CAST ");
        dump_node(d, c->expr);
        dump_put(d, " ");
        dump_put(d, shoal_ast_to_sql(c->type, &arena));
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_FUNC_CALL: {
        const shoal_ast_func_call *f = shoal_cast(func_call, node);
        dump_put(d, "(");
        dump_put(d, f->name);
        if (f->star) dump_put(d, " *");
        dump_list(d, &f->args);
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_SUBQUERY_EXPR: {
        static const char *const kinds[] = {"", "(SUBQUERY", "(EXISTS", "(IN-SUBQUERY", "(ANY", "(ALL"};
        const shoal_ast_subquery_expr *s = shoal_cast(subquery_expr, node);
        dump_put(d, kinds[s->kind]);
        if (s->kind == SHOAL_AST_SUBQUERY_ANY || s->kind == SHOAL_AST_SUBQUERY_ALL) {
            dump_put(d, " ");
            dump_put(d, shoal_ast_binary_op_sql(s->op));
        }
        if (s->expr) {
            dump_put(d, " ");
            dump_node(d, s->expr);
        }
        dump_put(d, ")");
        return;
    }
    case SHOAL_AST_ROW:
        dump_put(d, "(ROW");
        dump_list(d, &shoal_cast(row, node)->items);
        dump_put(d, ")");
        return;
    default:
        dump_put(d, shoal_ast_to_sql(node, &arena)); /* leaves: literals, names */
        return;
    }
}

/* The parsed tree of `SELECT <expression>`'s expression. */
static shoal_ast_node *expression_of(const char *expression)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s", expression);
    shoal_ast_query *query = shoal_cast(query, parse_one(sql));
    return query ? shoal_cast(target, shoal_cast(select, query->body)->targets.items[0])->expr : NULL;
}

/* The tree of `SELECT <expression>`, fully parenthesized. */
static char *tree_of(const char *expression)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s", expression);
    shoal_ast_query *query = shoal_cast(query, parse_one(sql));
    if (!query) return "(error)";
    shoal_ast_select *select = shoal_cast(select, query->body);
    dump d = {.length = 0};
    d.text[0] = '\0';
    dump_node(&d, shoal_cast(target, select->targets.items[0])->expr);
    return shoal_arena_strdup(&arena, d.text);
}

/* ---- lexer ---- */

static int lex_all(const char *sql, shoal_token *tokens, int max)
{
    shoal_lexer lexer;
    shoal_error err;
    shoal_lexer_init(&lexer, sql, strlen(sql), &arena);
    int n = 0;
    while (n < max) {
        if (!shoal_lexer_next(&lexer, &tokens[n], &err)) {
            fprintf(stderr, "\nlexer error: %s\n", err.message);
            CU_FAIL("lexer error");
            return n;
        }
        if (tokens[n++].kind == SHOAL_TOKEN_EOF) break;
    }
    return n;
}

static void test_lexer_tokens(void)
{
    shoal_token t[32];
    int n = lex_all(
        "SeLeCt \"MixedCase\", \"a\"\"b\", 'it''s', E'a\\tb\\x41\\101', My_Col1$, 12, 3.5, .5, 7., 1e3, 2.5E-2", t, 32);
    CU_ASSERT_EQUAL(n, 23);
    CU_ASSERT_EQUAL(t[0].kind, SHOAL_TOKEN_WORD);
    CU_ASSERT_EQUAL(t[0].keyword, SHOAL_KW_SELECT);
    ASSERT_TEXT(t[0].value, "select");
    CU_ASSERT_EQUAL(t[1].kind, SHOAL_TOKEN_QUOTED_IDENT);
    ASSERT_TEXT(t[1].value, "MixedCase");
    ASSERT_TEXT(t[3].value, "a\"b");
    CU_ASSERT_EQUAL(t[5].kind, SHOAL_TOKEN_STRING);
    ASSERT_TEXT(t[5].value, "it's");
    CU_ASSERT_EQUAL(t[7].kind, SHOAL_TOKEN_STRING);
    ASSERT_TEXT(t[7].value, "a\tbAA");
    CU_ASSERT_EQUAL(t[9].kind, SHOAL_TOKEN_WORD);
    CU_ASSERT_EQUAL(t[9].keyword, SHOAL_KW_NONE);
    ASSERT_TEXT(t[9].value, "my_col1$");
    CU_ASSERT_EQUAL(t[11].kind, SHOAL_TOKEN_INTEGER);
    ASSERT_TEXT(t[11].value, "12");
    CU_ASSERT_EQUAL(t[13].kind, SHOAL_TOKEN_DECIMAL);
    ASSERT_TEXT(t[13].value, "3.5");
    CU_ASSERT_EQUAL(t[15].kind, SHOAL_TOKEN_DECIMAL);
    ASSERT_TEXT(t[15].value, ".5");
    CU_ASSERT_EQUAL(t[17].kind, SHOAL_TOKEN_DECIMAL);
    CU_ASSERT_EQUAL(t[19].kind, SHOAL_TOKEN_FLOAT);
    CU_ASSERT_EQUAL(t[21].kind, SHOAL_TOKEN_FLOAT);
    ASSERT_TEXT(t[21].value, "2.5E-2");
}

static void test_lexer_operators(void)
{
    shoal_token t[40];
    int n = lex_all("+ - * / % || = <> != < <= > >= :: ( ) , . ; ^ |", t, 40);
    static const shoal_token_kind expected[] = {
        SHOAL_TOKEN_PLUS,   SHOAL_TOKEN_MINUS, SHOAL_TOKEN_STAR, SHOAL_TOKEN_SLASH,        SHOAL_TOKEN_PERCENT,
        SHOAL_TOKEN_CONCAT, SHOAL_TOKEN_EQ,    SHOAL_TOKEN_NE,   SHOAL_TOKEN_NE,           SHOAL_TOKEN_LT,
        SHOAL_TOKEN_LE,     SHOAL_TOKEN_GT,    SHOAL_TOKEN_GE,   SHOAL_TOKEN_DOUBLE_COLON, SHOAL_TOKEN_LPAREN,
        SHOAL_TOKEN_RPAREN, SHOAL_TOKEN_COMMA, SHOAL_TOKEN_DOT,  SHOAL_TOKEN_SEMICOLON,    SHOAL_TOKEN_OTHER,
        SHOAL_TOKEN_OTHER,  SHOAL_TOKEN_EOF,
    };
    CU_ASSERT_EQUAL(n, (int)(sizeof expected / sizeof expected[0]));
    for (int i = 0; i < n && i < (int)(sizeof expected / sizeof expected[0]); i++)
        CU_ASSERT_EQUAL(t[i].kind, expected[i]);
    CU_ASSERT_EQUAL(t[7].length, 2);
    CU_ASSERT_EQUAL(strncmp(t[8].text, "!=", 2), 0);
}

static void test_lexer_comments_and_positions(void)
{
    shoal_token t[16];
    const char *sql = "-- first line\n  a /* one /* nested */ still */ b\n\t\xC3\xA9t\xC3\xA9 c--tail";
    int n = lex_all(sql, t, 16);
    CU_ASSERT_EQUAL(n, 5);
    ASSERT_TEXT(t[0].value, "a");
    CU_ASSERT_EQUAL(t[0].loc.line, 2);
    CU_ASSERT_EQUAL(t[0].loc.column, 3);
    CU_ASSERT_EQUAL(t[0].loc.offset, 16);
    ASSERT_TEXT(t[1].value, "b");
    CU_ASSERT_EQUAL(t[1].loc.line, 2);
    CU_ASSERT_EQUAL(t[1].loc.column, 34);
    ASSERT_TEXT(t[2].value, "\xC3\xA9t\xC3\xA9"); /* non-ASCII letters are identifier characters */
    CU_ASSERT_EQUAL(t[2].loc.line, 3);
    CU_ASSERT_EQUAL(t[2].loc.column, 2);
    ASSERT_TEXT(t[3].value, "c");
    CU_ASSERT_EQUAL(t[3].loc.column, 6); /* columns count characters, not bytes */
    CU_ASSERT_EQUAL(t[4].kind, SHOAL_TOKEN_EOF);
    CU_ASSERT_EQUAL(t[4].loc.offset, strlen(sql));
}

static void lex_error(const char *sql, const char *message)
{
    shoal_lexer lexer;
    shoal_token token;
    shoal_error err;
    shoal_lexer_init(&lexer, sql, strlen(sql), &arena);
    bool ok = true;
    for (int i = 0; i < 100 && ok; i++) {
        ok = shoal_lexer_next(&lexer, &token, &err);
        if (ok && token.kind == SHOAL_TOKEN_EOF) break;
    }
    CU_ASSERT_FALSE(ok);
    if (!ok) {
        ASSERT_TEXT(err.sqlstate, "42601");
        ASSERT_TEXT(err.message, message);
    }
}

static void test_lexer_errors(void)
{
    lex_error("select 'abc", "unterminated quoted string at or near \"'abc\" (line 1, column 8)");
    lex_error("select\n  \"Abc", "unterminated quoted identifier at or near \"\"Abc\" (line 2, column 3)");
    lex_error("x /* a /* b */", "unterminated /* comment at or near \"/* a /* b */\" (line 1, column 3)");
    lex_error("select \"\"", "zero-length delimited identifier at or near \"\"\"\" (line 1, column 8)");
    lex_error("select 12abc", "trailing junk after numeric literal at or near \"12abc\" (line 1, column 8)");
    lex_error("select E'\\0'", "invalid escape (NUL character) in string at or near \"E'\\0\" (line 1, column 8)");
    lex_error("select 'it''s", "unterminated quoted string at or near \"'it''s\" (line 1, column 8)");
}

/* ---- keywords ---- */

static bool in_completion_list(const char *name)
{
    for (size_t i = 0; i < sql_keyword_count; i++)
        if (strcmp(sql_keywords[i], name) == 0) return true;
    return false;
}

static void test_keyword_table(void)
{
    for (int k = SHOAL_KW_NONE + 2; k < SHOAL_KW_COUNT; k++) {
        const char *previous = shoal_keyword_name((shoal_keyword)(k - 1)), *name = shoal_keyword_name((shoal_keyword)k);
        if (strcmp(previous, name) >= 0) fprintf(stderr, "\nkeywords out of order: %s, %s\n", previous, name);
        CU_ASSERT(strcmp(previous, name) < 0);
    }
    for (int k = SHOAL_KW_NONE + 1; k < SHOAL_KW_COUNT; k++) {
        const char *name = shoal_keyword_name((shoal_keyword)k);
        if (!in_completion_list(name)) fprintf(stderr, "\nkeyword %s is missing from sql/keywords.c\n", name);
        CU_ASSERT(in_completion_list(name));
        CU_ASSERT_EQUAL(shoal_keyword_lookup(name, strlen(name)), (shoal_keyword)k);
    }
    CU_ASSERT_EQUAL(shoal_keyword_lookup("sElEcT", 6), SHOAL_KW_SELECT);
    CU_ASSERT_EQUAL(shoal_keyword_lookup("selects", 7), SHOAL_KW_NONE);
    CU_ASSERT_EQUAL(shoal_keyword_category_of(SHOAL_KW_FROM), SHOAL_KEYWORD_RESERVED);
    CU_ASSERT_EQUAL(shoal_keyword_category_of(SHOAL_KW_YEAR), SHOAL_KEYWORD_UNRESERVED);
}

static void test_unreserved_keywords_are_identifiers(void)
{
    /* year, month, day, date, text, key, ... are column names in real schemas */
    ASSERT_TEXT(canonical("select year, month, day, date, text, key, zone from t as date where day > 1"),
                "SELECT year, month, day, date, text, key, zone FROM t AS date WHERE day > 1");
    ASSERT_TEXT(canonical("create table t (date date, year int, encode int, text text)"),
                "CREATE TABLE t (date DATE, year INTEGER, encode INTEGER, text VARCHAR(256))");
    ASSERT_TEXT(canonical("select 1 as \"from\", \"select\" from \"Table\""),
                "SELECT 1 AS \"from\", \"select\" FROM \"Table\"");
    expect_error("select from from t", "42601", "syntax error at or near \"from\" (line 1, column 8)");
}

/* ---- statements ---- */

static void test_create_schema(void)
{
    shoal_ast_create_schema *schema = shoal_cast(create_schema, parse_one("CREATE SCHEMA IF NOT EXISTS Analytics"));
    CU_ASSERT_TRUE(schema->if_not_exists);
    ASSERT_TEXT(schema->name, "analytics");
    ASSERT_TEXT(assert_fixed_point("create schema s"), "CREATE SCHEMA s");
}

static void test_create_table(void)
{
    const char *sql = "CREATE TABLE IF NOT EXISTS s.t (\n"
                      "  id BIGINT IDENTITY(0, -1) PRIMARY KEY ENCODE az64,\n"
                      "  name VARCHAR(30) NOT NULL DEFAULT 'x' || 'y' UNIQUE,\n"
                      "  price NUMERIC(12, 2) NULL SORTKEY DISTKEY,\n"
                      "  ref INT REFERENCES other.u (uid),\n"
                      "  CONSTRAINT pk PRIMARY KEY (id, name), UNIQUE (name), FOREIGN KEY (ref) REFERENCES u)\n"
                      "INTERLEAVED SORTKEY (price, id) DISTKEY (id) DISTSTYLE KEY";
    shoal_ast_create_table *table = shoal_cast(create_table, parse_one(sql));
    CU_ASSERT_TRUE(table->if_not_exists);
    CU_ASSERT_FALSE(table->temporary);
    ASSERT_TEXT(table->name->schema, "s");
    ASSERT_TEXT(table->name->name, "t");
    CU_ASSERT_EQUAL(table->columns.count, 4);
    CU_ASSERT_EQUAL(table->constraints.count, 3);
    CU_ASSERT_EQUAL(table->diststyle, SHOAL_AST_DISTSTYLE_KEY);
    ASSERT_TEXT(table->distkey->name, "id");
    CU_ASSERT_EQUAL(table->sortkey_style, SHOAL_AST_SORTKEY_INTERLEAVED);
    CU_ASSERT_EQUAL(table->sortkey.count, 2);

    shoal_ast_column_def *id = shoal_cast(column_def, table->columns.items[0]);
    CU_ASSERT_EQUAL(id->type->kind, SHOAL_AST_TYPE_BIGINT);
    CU_ASSERT_TRUE(id->identity);
    CU_ASSERT_EQUAL(id->identity_seed, 0);
    CU_ASSERT_EQUAL(id->identity_step, -1);
    CU_ASSERT_TRUE(id->primary_key);
    ASSERT_TEXT(id->encoding, "az64");
    CU_ASSERT_EQUAL(id->node.loc.line, 2);
    CU_ASSERT_EQUAL(id->node.loc.column, 3);

    shoal_ast_column_def *name = shoal_cast(column_def, table->columns.items[1]);
    CU_ASSERT_EQUAL(name->type->kind, SHOAL_AST_TYPE_VARCHAR);
    CU_ASSERT_EQUAL(name->type->length, 30);
    CU_ASSERT_EQUAL(name->nullability, SHOAL_AST_NOT_NULLABLE);
    CU_ASSERT_TRUE(shoal_is_a(name->default_value, binary));
    CU_ASSERT_TRUE(name->unique);

    shoal_ast_column_def *price = shoal_cast(column_def, table->columns.items[2]);
    CU_ASSERT_EQUAL(price->type->kind, SHOAL_AST_TYPE_DECIMAL);
    CU_ASSERT_EQUAL(price->type->precision, 12);
    CU_ASSERT_EQUAL(price->type->scale, 2);
    CU_ASSERT_EQUAL(price->nullability, SHOAL_AST_NULLABLE);
    CU_ASSERT_TRUE(price->sortkey && price->distkey);

    shoal_ast_column_def *ref = shoal_cast(column_def, table->columns.items[3]);
    ASSERT_TEXT(ref->references_table->schema, "other");
    CU_ASSERT_EQUAL(ref->references_columns.count, 1);

    shoal_ast_table_constraint *pk = shoal_cast(table_constraint, table->constraints.items[0]);
    CU_ASSERT_EQUAL(pk->kind, SHOAL_AST_CONSTRAINT_PRIMARY_KEY);
    ASSERT_TEXT(pk->name, "pk");
    CU_ASSERT_EQUAL(pk->columns.count, 2);
    shoal_ast_table_constraint *fk = shoal_cast(table_constraint, table->constraints.items[2]);
    CU_ASSERT_EQUAL(fk->kind, SHOAL_AST_CONSTRAINT_FOREIGN_KEY);
    ASSERT_TEXT(fk->references_table->name, "u");

    ASSERT_TEXT(assert_fixed_point(sql),
                "CREATE TABLE IF NOT EXISTS s.t (id BIGINT IDENTITY(0, -1) PRIMARY KEY ENCODE az64, name VARCHAR(30) "
                "NOT NULL DEFAULT 'x' || 'y' UNIQUE, price DECIMAL(12,2) NULL DISTKEY SORTKEY, ref INTEGER REFERENCES "
                "other.u (uid), CONSTRAINT pk PRIMARY KEY (id, name), UNIQUE (name), FOREIGN KEY (ref) REFERENCES u) "
                "DISTSTYLE KEY DISTKEY (id) INTERLEAVED SORTKEY (price, id)");
    ASSERT_TEXT(canonical("create temporary table t (a int) sortkey auto diststyle auto"),
                "CREATE TEMP TABLE t (a INTEGER) DISTSTYLE AUTO SORTKEY AUTO");
}

static void test_type_names(void)
{
    ASSERT_TEXT(canonical("create table t (a smallint, b int2, c integer, d int, e int4, f bigint, g int8, h decimal, "
                          "i numeric(5), j numeric(38,38), k real, l float4, m double precision, n float8, o float, "
                          "p float(24), q float(25), r boolean, s bool, u char, v character(10), w nchar(2), x bpchar, "
                          "y varchar, z varchar(max), aa character varying(7), ab nvarchar(8), ac text, ad text(9), "
                          "ae date, af timestamp, ag timestamp without time zone)"),
                "CREATE TABLE t (a SMALLINT, b SMALLINT, c INTEGER, d INTEGER, e INTEGER, f BIGINT, g BIGINT, "
                "h DECIMAL(18,0), i DECIMAL(5,0), j DECIMAL(38,38), k REAL, l REAL, m DOUBLE PRECISION, "
                "n DOUBLE PRECISION, o DOUBLE PRECISION, p REAL, q DOUBLE PRECISION, r BOOLEAN, s BOOLEAN, "
                "u CHAR(1), v CHAR(10), w CHAR(2), x CHAR(256), y VARCHAR(256), z VARCHAR(65535), aa VARCHAR(7), "
                "ab VARCHAR(8), ac VARCHAR(256), ad VARCHAR(9), ae DATE, af TIMESTAMP, ag TIMESTAMP)");
    expect_error("create table t (a decimal(39))", "22023",
                 "DECIMAL precision 39 must be between 1 and 38 (line 1, column 27)");
    expect_error("create table t (a decimal(5,6))", "22023",
                 "DECIMAL scale 6 must be between 0 and precision 5 (line 1, column 29)");
    expect_error("create table t (a varchar(0))", "22023",
                 "length for type VARCHAR must be between 1 and 65535 (line 1, column 27)");
    expect_error("create table t (a char(4097))", "22023",
                 "length for type CHAR must be between 1 and 4096 (line 1, column 24)");
    expect_error("create table t (a double)", "42601", "syntax error at or near \")\" (line 1, column 25)");
    expect_error("create table t (a blob)", "42601", "syntax error at or near \"blob\" (line 1, column 19)");
}

static void test_create_view_and_drop(void)
{
    shoal_ast_create_view *view = shoal_cast(create_view, parse_one("create or replace view v (a, b) as select 1, 2"));
    CU_ASSERT_TRUE(view->or_replace);
    CU_ASSERT_EQUAL(view->columns.count, 2);
    CU_ASSERT_TRUE(shoal_is_a(view->query, query));
    ASSERT_TEXT(assert_fixed_point("create view s.v as select a from t"), "CREATE VIEW s.v AS SELECT a FROM t");

    shoal_ast_drop *drop = shoal_cast(drop, parse_one("DROP TABLE IF EXISTS a, s.b CASCADE"));
    CU_ASSERT_EQUAL(drop->object, SHOAL_AST_OBJECT_TABLE);
    CU_ASSERT_TRUE(drop->if_exists);
    CU_ASSERT_EQUAL(drop->names.count, 2);
    CU_ASSERT_EQUAL(drop->behavior, SHOAL_AST_DROP_CASCADE);
    ASSERT_TEXT(assert_fixed_point("drop view if exists v; drop table t; drop schema s restrict"),
                "DROP VIEW IF EXISTS v; DROP TABLE t; DROP SCHEMA s RESTRICT");
    expect_error("drop schema a.b", "42601", "syntax error at or near \".\" (line 1, column 14)");
}

static void test_copy(void)
{
    const char *sql = "COPY lineitem (a, b) FROM 's3://bucket/lineitem.tbl' IAM_ROLE 'arn:x' DELIMITER AS '|' "
                      "IGNOREHEADER AS 1 NULL AS '\\N' DATEFORMAT AS 'YYYY-MM-DD' TIMEFORMAT 'auto' GZIP "
                      "MAXERROR 10 EMPTYASNULL BLANKSASNULL TRUNCATECOLUMNS CREDENTIALS 'c' REGION 'us-east-1' "
                      "FORMAT AS CSV QUOTE AS '\"'";
    shoal_ast_copy *copy = shoal_cast(copy, parse_one(sql));
    ASSERT_TEXT(copy->table->name, "lineitem");
    CU_ASSERT_EQUAL(copy->columns.count, 2);
    ASSERT_TEXT(copy->source, "s3://bucket/lineitem.tbl");
    ASSERT_TEXT(copy->delimiter, "|");
    CU_ASSERT_EQUAL(copy->ignore_header, 1);
    ASSERT_TEXT(copy->null_as, "\\N");
    ASSERT_TEXT(copy->date_format, "YYYY-MM-DD");
    ASSERT_TEXT(copy->time_format, "auto");
    CU_ASSERT_EQUAL(copy->compression, SHOAL_AST_COPY_GZIP);
    CU_ASSERT_EQUAL(copy->max_errors, 10);
    CU_ASSERT_EQUAL(copy->flags,
                    SHOAL_AST_COPY_EMPTYASNULL | SHOAL_AST_COPY_BLANKSASNULL | SHOAL_AST_COPY_TRUNCATECOLUMNS);
    ASSERT_TEXT(copy->iam_role, "arn:x");
    ASSERT_TEXT(copy->credentials, "c");
    ASSERT_TEXT(copy->region, "us-east-1");
    CU_ASSERT_EQUAL(copy->format, SHOAL_AST_COPY_FORMAT_CSV);
    ASSERT_TEXT(copy->quote, "\"");
    ASSERT_TEXT(assert_fixed_point(sql),
                "COPY lineitem (a, b) FROM 's3://bucket/lineitem.tbl' CSV DELIMITER '|' QUOTE '\"' NULL AS '\\N' "
                "DATEFORMAT 'YYYY-MM-DD' TIMEFORMAT 'auto' IAM_ROLE 'arn:x' CREDENTIALS 'c' REGION 'us-east-1' "
                "IGNOREHEADER 1 MAXERROR 10 GZIP EMPTYASNULL BLANKSASNULL TRUNCATECOLUMNS");

    shoal_ast_copy *plain = shoal_cast(copy, parse_one("copy t from '/x.tbl'"));
    CU_ASSERT_EQUAL(plain->ignore_header, -1);
    CU_ASSERT_EQUAL(plain->max_errors, -1);
    CU_ASSERT_PTR_NULL(plain->delimiter);
    CU_ASSERT_EQUAL(plain->format, SHOAL_AST_COPY_FORMAT_TEXT);
}

static void test_copy_errors(void)
{
    expect_error("copy t from 'x' csv zstd format json", "42601",
                 "conflicting or redundant \"format\" (line 1, column 26)");
    expect_error("copy t from 'x' gzip zstd", "42601", "conflicting or redundant \"zstd\" (line 1, column 22)");
    expect_error("copy t from 'x' delimiter ',' delimiter '|'", "42601",
                 "conflicting or redundant \"delimiter\" (line 1, column 31)");
    expect_error("copy t from 'x' maxerror -1", "42601", "syntax error at or near \"-\" (line 1, column 26)");
    expect_error("copy t from x", "42601", "syntax error at or near \"x\" (line 1, column 13)");
    ASSERT_TEXT(canonical("copy t from 'x' format as json 'auto' zstd removequotes escape manifest"),
                "COPY t FROM 'x' FORMAT AS JSON 'auto' ZSTD REMOVEQUOTES ESCAPE MANIFEST");
}

static void test_call_insert_explain_set_show(void)
{
    shoal_ast_call *call = shoal_cast(call, parse_one("CALL tpch_generate(0.01)"));
    ASSERT_TEXT(call->procedure->name, "tpch_generate");
    CU_ASSERT_EQUAL(call->args.count, 1);
    ASSERT_TEXT(assert_fixed_point("call p(); call s.p(1, 'a')"), "CALL p(); CALL s.p(1, 'a')");

    shoal_ast_insert *insert = shoal_cast(insert, parse_one("insert into t (a, b) values (1, default), (2, 3)"));
    CU_ASSERT_EQUAL(insert->columns.count, 2);
    CU_ASSERT_EQUAL(insert->rows.count, 2);
    CU_ASSERT_TRUE(shoal_is_a(shoal_cast(row, insert->rows.items[0])->items.items[1], default_value));
    insert = shoal_cast(insert, parse_one("insert into t (select * from u)"));
    CU_ASSERT_EQUAL(insert->columns.count, 0);
    CU_ASSERT_PTR_NOT_NULL(insert->query);
    ASSERT_TEXT(
        assert_fixed_point("insert into t (a) with w as (select 1) select * from w; insert into t default values; "
                           "insert into t values (1)"),
        "INSERT INTO t (a) WITH w AS (SELECT 1) SELECT * FROM w; INSERT INTO t DEFAULT VALUES; "
        "INSERT INTO t VALUES (1)");

    shoal_ast_explain *explain = shoal_cast(explain, parse_one("explain verbose analyze select 1"));
    CU_ASSERT_TRUE(explain->analyze && explain->verbose);
    CU_ASSERT_TRUE(shoal_is_a(explain->statement, query));
    ASSERT_TEXT(assert_fixed_point("explain insert into t values (1)"), "EXPLAIN INSERT INTO t VALUES (1)");
    expect_error("explain explain select 1", "42601", "syntax error at or near \"explain\" (line 1, column 9)");

    shoal_ast_set *set = shoal_cast(set, parse_one("SET search_path TO tpch, 'public'"));
    ASSERT_TEXT(set->name, "search_path");
    CU_ASSERT_EQUAL(set->values.count, 2);
    CU_ASSERT_TRUE(shoal_is_a(set->values.items[0], identifier));
    CU_ASSERT_TRUE(shoal_is_a(set->values.items[1], literal));
    ASSERT_TEXT(assert_fixed_point("set a = on; set b to default; set c = -1.5; set time zone 'UTC'; show x; show all"),
                "SET a = on; SET b TO DEFAULT; SET c = -1.5; SET timezone = 'UTC'; SHOW x; SHOW all");
}

static void test_select_clauses(void)
{
    const char *sql = "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), w AS (SELECT 2) "
                      "SELECT TOP 10 DISTINCT r.n AS x, w.*, s.t.*, n y FROM r, w "
                      "WHERE n > 0 GROUP BY 1, n HAVING count(*) > 0 QUALIFY rank() OVER (ORDER BY n) = 1 "
                      "ORDER BY 1 DESC NULLS FIRST, 2 ASC NULLS LAST, n LIMIT 5 OFFSET 2";
    shoal_ast_query *query = shoal_cast(query, parse_one(sql));
    CU_ASSERT_TRUE(query->recursive);
    CU_ASSERT_EQUAL(query->ctes.count, 2);
    shoal_ast_cte *r = shoal_cast(cte, query->ctes.items[0]);
    ASSERT_TEXT(r->name, "r");
    CU_ASSERT_EQUAL(r->columns.count, 1);
    CU_ASSERT_TRUE(shoal_is_a(r->query->body, set_operation));
    shoal_ast_select *select = shoal_cast(select, query->body);
    CU_ASSERT_TRUE(select->distinct);
    CU_ASSERT_TRUE(shoal_is_a(select->top, literal));
    CU_ASSERT_EQUAL(select->targets.count, 4);
    ASSERT_TEXT(shoal_cast(target, select->targets.items[0])->alias, "x");
    shoal_ast_star *star = shoal_cast(star, shoal_cast(target, select->targets.items[2])->expr);
    ASSERT_TEXT(star->schema, "s");
    ASSERT_TEXT(star->table, "t");
    ASSERT_TEXT(shoal_cast(target, select->targets.items[3])->alias, "y");
    CU_ASSERT_EQUAL(select->from.count, 2);
    CU_ASSERT_EQUAL(select->group_by.count, 2);
    CU_ASSERT_PTR_NOT_NULL(select->having);
    CU_ASSERT_PTR_NOT_NULL(select->qualify);
    CU_ASSERT_EQUAL(query->order_by.count, 3);
    shoal_ast_sort_item *first = shoal_cast(sort_item, query->order_by.items[0]);
    CU_ASSERT_EQUAL(first->direction, SHOAL_AST_SORT_DESC);
    CU_ASSERT_EQUAL(first->nulls, SHOAL_AST_NULLS_FIRST);
    CU_ASSERT_EQUAL(shoal_cast(sort_item, query->order_by.items[2])->direction, SHOAL_AST_SORT_DEFAULT);
    ASSERT_TEXT(shoal_ast_to_sql(query->limit, &arena), "5");
    ASSERT_TEXT(shoal_ast_to_sql(query->offset, &arena), "2");
    ASSERT_TEXT(assert_fixed_point(sql),
                "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), w AS (SELECT 2) "
                "SELECT TOP 10 DISTINCT r.n AS x, w.*, s.t.*, n AS y FROM r, w WHERE n > 0 GROUP BY 1, n "
                "HAVING count(*) > 0 QUALIFY rank() OVER (ORDER BY n) = 1 "
                "ORDER BY 1 DESC NULLS FIRST, 2 ASC NULLS LAST, n LIMIT 5 OFFSET 2");
    ASSERT_TEXT(assert_fixed_point("select 1 offset 1 limit all"), "SELECT 1 LIMIT ALL OFFSET 1");
    ASSERT_TEXT(assert_fixed_point("select distinct top (3 + 1) a from t"), "SELECT TOP (3 + 1) DISTINCT a FROM t");
    expect_error("select * x from t", "42601", "syntax error at or near \"x\" (line 1, column 10)");
}

static void test_from_and_joins(void)
{
    const char *sql = "select * from a inner join b on a.x = b.x left outer join c using (k, l) "
                      "right join d on true full join e on false cross join f natural join g natural left join h, "
                      "(select 1) as sub (c1), (select 2) sub2, s.t as tt (p, q)";
    shoal_ast_select *select = shoal_cast(select, shoal_cast(query, parse_one(sql))->body);
    CU_ASSERT_EQUAL(select->from.count, 4);
    /* left-deep: ((((((a JOIN b) LEFT c) RIGHT d) FULL e) CROSS f) NATURAL g) NATURAL LEFT h */
    shoal_ast_join *join = shoal_cast(join, select->from.items[0]);
    CU_ASSERT_EQUAL(join->kind, SHOAL_AST_JOIN_LEFT);
    CU_ASSERT_TRUE(join->natural);
    join = shoal_cast(join, join->left);
    CU_ASSERT_EQUAL(join->kind, SHOAL_AST_JOIN_INNER);
    CU_ASSERT_TRUE(join->natural);
    join = shoal_cast(join, join->left);
    CU_ASSERT_EQUAL(join->kind, SHOAL_AST_JOIN_CROSS);
    CU_ASSERT_PTR_NULL(join->on);
    join = shoal_cast(join, shoal_cast(join, shoal_cast(join, join->left)->left)->left);
    CU_ASSERT_EQUAL(join->kind, SHOAL_AST_JOIN_LEFT);
    CU_ASSERT_EQUAL(join->using_columns.count, 2);
    CU_ASSERT_TRUE(shoal_is_a(join->left, join));
    shoal_ast_subquery_ref *sub = shoal_cast(subquery_ref, select->from.items[1]);
    ASSERT_TEXT(sub->alias, "sub");
    CU_ASSERT_EQUAL(sub->column_aliases.count, 1);
    shoal_ast_table_ref *tt = shoal_cast(table_ref, select->from.items[3]);
    ASSERT_TEXT(tt->name->schema, "s");
    ASSERT_TEXT(tt->alias, "tt");
    CU_ASSERT_EQUAL(tt->column_aliases.count, 2);
    ASSERT_TEXT(
        assert_fixed_point(sql),
        "SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (k, l) RIGHT JOIN d ON TRUE FULL JOIN e ON FALSE "
        "CROSS JOIN f NATURAL JOIN g NATURAL LEFT JOIN h, (SELECT 1) AS sub (c1), (SELECT 2) AS sub2, "
        "s.t AS tt (p, q)");
    ASSERT_TEXT(assert_fixed_point("select * from a join (b join c on b.k = c.k) on a.k = b.k, ((d)) join e using (z)"),
                "SELECT * FROM a JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k, d JOIN e USING (z)");
    ASSERT_TEXT(assert_fixed_point("select * from ((select 1) union (select 2)) as u"),
                "SELECT * FROM (SELECT 1 UNION SELECT 2) AS u");
    expect_error("select * from a join b", "42601", "syntax error at end of input (line 1, column 23)");
    expect_error("select * from a natural join b on true", "42601",
                 "syntax error at or near \"on\" (line 1, column 32)");
}

static void test_set_operations(void)
{
    /* INTERSECT binds tighter than UNION / EXCEPT; all are left-associative */
    shoal_ast_set_operation *top =
        shoal_cast(set_operation, shoal_cast(query, parse_one("select 1 union select 2 intersect select 3"))->body);
    CU_ASSERT_EQUAL(top->op, SHOAL_AST_UNION);
    CU_ASSERT_TRUE(shoal_is_a(top->left, select));
    CU_ASSERT_EQUAL(shoal_cast(set_operation, top->right)->op, SHOAL_AST_INTERSECT);

    top = shoal_cast(set_operation, shoal_cast(query, parse_one("select 1 intersect select 2 except select 3"))->body);
    CU_ASSERT_EQUAL(top->op, SHOAL_AST_EXCEPT);
    CU_ASSERT_EQUAL(shoal_cast(set_operation, top->left)->op, SHOAL_AST_INTERSECT);

    top = shoal_cast(set_operation, shoal_cast(query, parse_one("select 1 minus select 2 union all select 3"))->body);
    CU_ASSERT_EQUAL(top->op, SHOAL_AST_UNION);
    CU_ASSERT_TRUE(top->all);
    CU_ASSERT_EQUAL(shoal_cast(set_operation, top->left)->op, SHOAL_AST_EXCEPT);

    ASSERT_TEXT(assert_fixed_point("select 1 union (select 2 union select 3)"),
                "SELECT 1 UNION (SELECT 2 UNION SELECT 3)");
    ASSERT_TEXT(assert_fixed_point("(select 1 union select 2) intersect select 3"),
                "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
    ASSERT_TEXT(assert_fixed_point("((select 1)) union distinct (select 2 order by 1 limit 1) order by 1"),
                "SELECT 1 UNION (SELECT 2 ORDER BY 1 LIMIT 1) ORDER BY 1");
    ASSERT_TEXT(assert_fixed_point("(select a from t order by a limit 3)"), "SELECT a FROM t ORDER BY a LIMIT 3");
    ASSERT_TEXT(assert_fixed_point("(select a from t order by a limit 3) order by 1"),
                "(SELECT a FROM t ORDER BY a LIMIT 3) ORDER BY 1");
}

/* ---- expressions ---- */

static void test_precedence(void)
{
    ASSERT_TEXT(tree_of("1 + 2 * 3"), "(+ 1 (* 2 3))");
    ASSERT_TEXT(tree_of("1 - 2 - 3"), "(- (- 1 2) 3)");
    ASSERT_TEXT(tree_of("8 / 4 % 3 * 2"), "(* (% (/ 8 4) 3) 2)");
    ASSERT_TEXT(tree_of("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    ASSERT_TEXT(tree_of("a OR b AND c"), "(OR a (AND b c))");
    ASSERT_TEXT(tree_of("a AND b AND c OR d OR e"), "(OR (AND a b c) d e)");
    ASSERT_TEXT(tree_of("a OR (b OR c) OR (d AND e)"), "(OR a b c (AND d e))");
    ASSERT_TEXT(tree_of("NOT a = b"), "(NOT (= a b))");
    ASSERT_TEXT(tree_of("NOT a AND b"), "(AND (NOT a) b)");
    ASSERT_TEXT(tree_of("NOT NOT a"), "(NOT (NOT a))");
    ASSERT_TEXT(tree_of("a || b + c"), "(|| a (+ b c))");
    ASSERT_TEXT(tree_of("a = b || c"), "(= a (|| b c))");
    ASSERT_TEXT(tree_of("a < b + 1 * c"), "(< a (+ b (* 1 c)))");
    ASSERT_TEXT(tree_of("-a * b"), "(* (NEG a) b)");
    ASSERT_TEXT(tree_of("2 * -3"), "(* 2 -3)");
    ASSERT_TEXT(tree_of("- 1"), "-1");
    ASSERT_TEXT(tree_of("- - 1"), "1");
    ASSERT_TEXT(tree_of("+a"), "a");
    ASSERT_TEXT(tree_of("-x::int"), "(NEG (CAST x INTEGER))");
    ASSERT_TEXT(tree_of("(-1)::int"), "(CAST -1 INTEGER)");
    ASSERT_TEXT(tree_of("a::int::text"), "(CAST (CAST a INTEGER) VARCHAR(256))");
    ASSERT_TEXT(tree_of("a + b::int"), "(+ a (CAST b INTEGER))");
    ASSERT_TEXT(tree_of("a BETWEEN 1 AND 2 AND c"), "(AND (BETWEEN a 1 2) c)");
    ASSERT_TEXT(tree_of("a + 1 NOT BETWEEN b AND c || d"), "(NOT-BETWEEN (+ a 1) b (|| c d))");
    ASSERT_TEXT(tree_of("a IS NULL OR b IS NOT NULL"), "(OR (IS-NULL a) (IS-NOT-NULL b))");
    ASSERT_TEXT(tree_of("a = b IS NOT TRUE"), "(IS-NOT-TRUE (= a b))");
    ASSERT_TEXT(tree_of("a IS FALSE AND b IS UNKNOWN"), "(AND (IS-FALSE a) (IS-UNKNOWN b))");
    ASSERT_TEXT(tree_of("a NOT IN (1, 2) AND b LIKE 'x' || '%'"), "(AND (NOT-IN a 1 2) (LIKE b (|| 'x' '%')))");
    ASSERT_TEXT(tree_of("NOT a IN (1)"), "(NOT (IN a 1))");
    ASSERT_TEXT(tree_of("x % 2 = 0"), "(= (% x 2) 0)");
    ASSERT_TEXT(tree_of("a < b < c"), "(< (< a b) c)");
    ASSERT_TEXT(tree_of("(a, b) IN ((1, 2), (3, 4))"), "(IN (ROW a b) (ROW 1 2) (ROW 3 4))");
    ASSERT_TEXT(tree_of("x IN ((1, 2))"), "(IN x (ROW 1 2))");
    ASSERT_TEXT(tree_of("a = ANY (SELECT 1) OR b < ALL (SELECT 2) OR c <> SOME (SELECT 3)"),
                "(OR (ANY = a) (ALL < b) (ANY <> c))");
    ASSERT_TEXT(tree_of("x NOT IN (SELECT 1) AND NOT EXISTS (SELECT 2)"), "(AND (IN-SUBQUERY x) (NOT (EXISTS)))");
    ASSERT_TEXT(tree_of("((SELECT 1) + 1) * 2"), "(* (+ (SUBQUERY) 1) 2)");
    ASSERT_TEXT(tree_of("((SELECT 1)) = (SELECT 2)"), "(= (SUBQUERY) (SUBQUERY))");
    ASSERT_TEXT(tree_of("f(a, b + 1) + g(*)"), "(+ (f a (+ b 1)) (g *))");
}

/* The printer writes parentheses exactly where the tree needs them. */
static void test_printer_parentheses(void)
{
    ASSERT_TEXT(assert_fixed_point("select 1 - (2 - 3), (1 - 2) - 3, (a || b) + c, (not a) = b, a = (b is null), "
                                   "- -x, -(-1), 2 - -1, (a or b) and c, not (a and b), (a = b) = c, a = (b = c), "
                                   "x between (a = b) and c, (x like y) like z, -(a + b)"),
                "SELECT 1 - (2 - 3), 1 - 2 - 3, (a || b) + c, (NOT a) = b, a = (b IS NULL), - -x, 1, 2 - -1, "
                "(a OR b) AND c, NOT (a AND b), a = b = c, a = (b = c), x BETWEEN (a = b) AND c, x LIKE y LIKE z, "
                "-(a + b)");
}

static void test_functions(void)
{
    ASSERT_TEXT(assert_fixed_point("select count(*), count(distinct x), count(all y), sum(x) filter (where x > 0), "
                                   "listagg(n, ',') within group (order by n desc), getdate(), sysdate, current_date, "
                                   "current_timestamp, s.f(1), left(s, 2), right(s, 3), \"Weird Fn\"(1)"),
                "SELECT count(*), count(DISTINCT x), count(y), sum(x) FILTER (WHERE x > 0), listagg(n, ',') WITHIN "
                "GROUP (ORDER BY n DESC), getdate(), SYSDATE, CURRENT_DATE, CURRENT_TIMESTAMP, s.f(1), left(s, 2), "
                "right(s, 3), \"Weird Fn\"(1)");
    ASSERT_TEXT(
        assert_fixed_point("select rank() over (partition by a, b order by c rows between unbounded preceding and "
                           "current row), sum(x) over (order by y range between 3 preceding and 2 following), "
                           "avg(x) over (rows 5 preceding), lag(x) over (), first_value(x) over (partition by a "
                           "rows between current row and unbounded following)"),
        "SELECT rank() OVER (PARTITION BY a, b ORDER BY c ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
        "sum(x) OVER (ORDER BY y RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING), avg(x) OVER (ROWS BETWEEN 5 "
        "PRECEDING AND CURRENT ROW), lag(x) OVER (), first_value(x) OVER (PARTITION BY a ROWS BETWEEN "
        "CURRENT ROW AND UNBOUNDED FOLLOWING)");
    ASSERT_TEXT(
        assert_fixed_point("select case x when 1 then 'a' when 2 then 'b' else 'c' end, case when a > 0 then 1 end, "
                           "cast(x as decimal(10, 2)), x::varchar(3), coalesce(a, b), nullif(a, b)"),
        "SELECT CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END, CASE WHEN a > 0 THEN 1 END, "
        "CAST(x AS DECIMAL(10,2)), CAST(x AS VARCHAR(3)), coalesce(a, b), nullif(a, b)");
    ASSERT_TEXT(
        assert_fixed_point("select x like 'a%' escape '!', x not ilike 'b', x similar to 'c', x not similar to 'd'"),
        "SELECT x LIKE 'a%' ESCAPE '!', x NOT ILIKE 'b', x SIMILAR TO 'c', x NOT SIMILAR TO 'd'");
}

static void test_special_call_forms(void)
{
    ASSERT_TEXT(
        assert_fixed_point("select extract(year from d), extract('dow' from d), date_part('month', d), "
                           "date_part(yr, d), dateadd(mon, 1, d), datediff(days, a, b), date_trunc('week', ts)"),
        "SELECT EXTRACT(year FROM d), EXTRACT(dow FROM d), date_part(month, d), date_part(year, d), "
        "dateadd(month, 1, d), datediff(day, a, b), date_trunc(week, ts)");
    shoal_ast_query *query = shoal_cast(query, parse_one("select datediff(day, a, b), extract(hour from t)"));
    shoal_ast_select *select = shoal_cast(select, query->body);
    shoal_ast_func_call *datediff = shoal_cast(func_call, shoal_cast(target, select->targets.items[0])->expr);
    ASSERT_TEXT(datediff->name, "datediff");
    CU_ASSERT_EQUAL(datediff->args.count, 3);
    CU_ASSERT_EQUAL(shoal_cast(datepart, datediff->args.items[0])->part, SHOAL_DATEPART_DAY);
    shoal_ast_func_call *extract = shoal_cast(func_call, shoal_cast(target, select->targets.items[1])->expr);
    ASSERT_TEXT(extract->name, "date_part");
    CU_ASSERT_EQUAL(extract->syntax, SHOAL_AST_CALL_EXTRACT);
    CU_ASSERT_EQUAL(shoal_cast(datepart, extract->args.items[0])->part, SHOAL_DATEPART_HOUR);

    ASSERT_TEXT(assert_fixed_point("select substring(s from 2 for 3), substring(s from 2), substring(s for 3), "
                                   "substring(s, 2, 3), position('a' in s || t), trim(s), trim(both from s), "
                                   "trim('x' from s), trim(leading 'x' from s), trim(trailing from s), btrim(s, 'x')"),
                "SELECT SUBSTRING(s FROM 2 FOR 3), SUBSTRING(s FROM 2), SUBSTRING(s FROM 1 FOR 3), substring(s, 2, 3), "
                "POSITION('a' IN s || t), TRIM(BOTH FROM s), TRIM(BOTH FROM s), TRIM(BOTH 'x' FROM s), "
                "TRIM(LEADING 'x' FROM s), TRIM(TRAILING FROM s), btrim(s, 'x')");
    shoal_ast_func_call *trim = shoal_cast(func_call, expression_of("trim(leading 'x' from s)"));
    ASSERT_TEXT(trim->name, "ltrim");
    CU_ASSERT_EQUAL(trim->args.count, 2);
    expect_error("select extract(fortnight from d)", "22023",
                 "date part \"fortnight\" is not recognized (line 1, column 16)");
    expect_error("select trim(leading s)", "42601", "syntax error at or near \")\" (line 1, column 22)");
}

static shoal_ast_literal *literal_of(const char *expression)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s", expression);
    shoal_ast_query *query = shoal_cast(query, parse_one(sql));
    if (!query) return NULL;
    return shoal_cast(literal, shoal_cast(target, shoal_cast(select, query->body)->targets.items[0])->expr);
}

static void check_interval(const char *expression, int32_t months, int32_t days, int64_t micros)
{
    shoal_ast_literal *literal = literal_of(expression);
    CU_ASSERT_PTR_NOT_NULL_FATAL(literal);
    CU_ASSERT_EQUAL(literal->kind, SHOAL_AST_LITERAL_INTERVAL);
    if (literal->interval.months != months || literal->interval.days != days || literal->interval.micros != micros)
        fprintf(stderr, "\n%s: %d months %d days %lld us\n", expression, literal->interval.months,
                literal->interval.days, (long long)literal->interval.micros);
    CU_ASSERT_EQUAL(literal->interval.months, months);
    CU_ASSERT_EQUAL(literal->interval.days, days);
    CU_ASSERT_EQUAL(literal->interval.micros, micros);
}

static void test_literals(void)
{
    check_interval("interval '90' day (3)", 0, 90, 0);
    check_interval("interval '90' day", 0, 90, 0);
    check_interval("interval '3' month", 3, 0, 0);
    check_interval("interval '1' year", 12, 0, 0);
    check_interval("INTERVAL '12 months'", 12, 0, 0);
    check_interval("interval '3 months'", 3, 0, 0);
    check_interval("interval '1 year 2 mons 3 days 04:05:06.5'", 14, 3,
                   ((4 * 60 + 5) * 60 + 6) * INT64_C(1000000) + 500000);
    check_interval("interval '1.5 years'", 18, 0, 0);
    check_interval("interval '1.5 months'", 1, 15, 0);
    check_interval("interval '2 weeks -1 day'", 0, 13, 0);
    check_interval("interval '1 day ago'", 0, -1, 0);
    check_interval("interval '7'", 0, 0, 7 * INT64_C(1000000));
    check_interval("interval '2' hour", 0, 0, 2 * 3600 * INT64_C(1000000));
    check_interval("interval '1 quarter 1 decade 250 ms'", 123, 0, 250000);
    ASSERT_TEXT(assert_fixed_point("select interval '1 year 2 mons 3 days 04:05:06.5', interval '-14 months -1 us'"),
                "SELECT INTERVAL '1 year 2 months 3 days 4 hours 5 minutes 6.5 seconds', "
                "INTERVAL '-1 year -2 months -0.000001 seconds'");
    expect_error("select interval 'three days'", "22007",
                 "invalid input syntax for type interval: \"three days\" (line 1, column 17)");
    expect_error("select interval '1 fortnight'", "22007",
                 "invalid input syntax for type interval: \"1 fortnight\" (line 1, column 17)");
    expect_error("select interval '3000000000 days'", "22008",
                 "interval field value out of range: \"3000000000 days\" (line 1, column 17)");

    shoal_ast_literal *literal = literal_of("9223372036854775807");
    CU_ASSERT_EQUAL(literal->kind, SHOAL_AST_LITERAL_INTEGER);
    CU_ASSERT_EQUAL(literal->integer, INT64_MAX);
    literal = literal_of("-9223372036854775808");
    CU_ASSERT_EQUAL(literal->kind, SHOAL_AST_LITERAL_INTEGER);
    CU_ASSERT_EQUAL(literal->integer, INT64_MIN);
    literal = literal_of("9223372036854775808");
    CU_ASSERT_EQUAL(literal->kind, SHOAL_AST_LITERAL_DECIMAL);
    literal = literal_of("-.5");
    CU_ASSERT_EQUAL(literal->kind, SHOAL_AST_LITERAL_DECIMAL);
    ASSERT_TEXT(literal->text, "-.5");
    CU_ASSERT_EQUAL(literal_of("1.5e3")->kind, SHOAL_AST_LITERAL_FLOAT);
    literal = literal_of("date '1998-12-01'");
    CU_ASSERT_EQUAL(literal->kind, SHOAL_AST_LITERAL_DATE);
    ASSERT_TEXT(literal->text, "1998-12-01");
    CU_ASSERT_EQUAL(literal_of("timestamp '1998-12-01 10:00:00'")->kind, SHOAL_AST_LITERAL_TIMESTAMP);
    CU_ASSERT_TRUE(literal_of("TRUE")->boolean);
    CU_ASSERT_EQUAL(literal_of("null")->kind, SHOAL_AST_LITERAL_NULL);
    ASSERT_TEXT(assert_fixed_point("select 'it''s', e'tab\\there', true, false, null, 1e10, .5, 7., "
                                   "date '2020-01-01', timestamp '2020-01-01 00:00:00'"),
                "SELECT 'it''s', 'tab\there', TRUE, FALSE, NULL, 1e10, .5, 7., DATE '2020-01-01', "
                "TIMESTAMP '2020-01-01 00:00:00'");
}

static void test_locations(void)
{
    const char *sql = "SELECT a,\n       foo + 1\nFROM t\nWHERE \"Bar\" IN (1)";
    shoal_ast_query *query = shoal_cast(query, parse_one(sql));
    shoal_ast_select *select = shoal_cast(select, query->body);
    CU_ASSERT_EQUAL(select->node.loc.line, 1);
    CU_ASSERT_EQUAL(select->node.loc.column, 1);
    shoal_ast_binary *plus = shoal_cast(binary, shoal_cast(target, select->targets.items[1])->expr);
    CU_ASSERT_EQUAL(plus->node.loc.line, 2);
    CU_ASSERT_EQUAL(plus->node.loc.column, 8);
    CU_ASSERT_EQUAL(plus->op_loc.column, 12);
    shoal_ast_column_ref *foo = shoal_cast(column_ref, plus->left);
    CU_ASSERT_EQUAL(foo->node.loc.line, 2);
    CU_ASSERT_EQUAL(foo->node.loc.column, 8);
    CU_ASSERT_EQUAL(foo->node.loc.offset, 17);
    shoal_ast_table_ref *t = shoal_cast(table_ref, select->from.items[0]);
    CU_ASSERT_EQUAL(t->node.loc.line, 3);
    CU_ASSERT_EQUAL(t->node.loc.column, 6);
    shoal_ast_in_list *in = shoal_cast(in_list, select->where);
    ASSERT_TEXT(shoal_cast(column_ref, in->expr)->column, "Bar");
    CU_ASSERT_EQUAL(in->node.loc.line, 4);
    CU_ASSERT_EQUAL(in->node.loc.column, 7);

    int count = -1;
    parse_all("  -- only a comment\n ;; /* and another */ ;", &count);
    CU_ASSERT_EQUAL(count, 0);
    shoal_ast_statement **none;
    shoal_error err;
    CU_ASSERT_TRUE(shoal_parse(NULL, 0, &arena, &none, &count, &err)); /* NULL with length 0 is blank text */
    CU_ASSERT_EQUAL(count, 0);

    const char *text = "  select 1 ;\n select 2;;";
    shoal_ast_statement **statements = parse_all(text, &count);
    CU_ASSERT_EQUAL_FATAL(count, 2);
    CU_ASSERT_EQUAL(statements[0]->offset, 2);
    CU_ASSERT_EQUAL(statements[0]->length, 8); /* "select 1" */
    CU_ASSERT_EQUAL(statements[1]->node.loc.line, 2);
    CU_ASSERT_EQUAL(strncmp(text + statements[1]->offset, "select 2", statements[1]->length), 0);
}

static void test_node_helpers(void)
{
    shoal_location here = {3, 4, 5};
    shoal_ast_column_ref *column = shoal_make_node(&arena, column_ref, here);
    CU_ASSERT_EQUAL(column->node.tag, SHOAL_AST_COLUMN_REF);
    CU_ASSERT_EQUAL(column->node.loc.column, 4);
    CU_ASSERT_PTR_NULL(column->table);
    shoal_ast_node *node = &column->node;
    CU_ASSERT_TRUE(shoal_is_a(node, column_ref));
    CU_ASSERT_FALSE(shoal_is_a(node, literal));
    CU_ASSERT_FALSE(shoal_is_a((shoal_ast_node *)NULL, literal));
    CU_ASSERT_PTR_EQUAL(shoal_cast(column_ref, node), column);
    CU_ASSERT_PTR_NULL(shoal_cast(literal, (shoal_ast_node *)NULL));
    ASSERT_TEXT(shoal_ast_tag_name(SHOAL_AST_FUNC_CALL), "FUNC_CALL");
    shoal_ast_list list = {0};
    for (int i = 0; i < 100; i++) shoal_ast_list_append(&arena, &list, node);
    CU_ASSERT_EQUAL(list.count, 100);
    CU_ASSERT_PTR_EQUAL(shoal_ast_list_at(&list, 99), node);
    column->column = "Mixed Case";
    ASSERT_TEXT(shoal_ast_to_sql(column, &arena), "\"Mixed Case\"");

    shoal_ast_node *expression;
    shoal_error err;
    CU_ASSERT_TRUE(shoal_parse_expression("a + 1", 5, &arena, &expression, &err));
    CU_ASSERT_TRUE(shoal_is_a(expression, binary));
    CU_ASSERT_FALSE(shoal_parse_expression("a +", 3, &arena, &expression, &err));
    ASSERT_TEXT(err.message, "syntax error at end of input (line 1, column 4)");
}

static void test_equality(void)
{
    CU_ASSERT_TRUE(shoal_ast_equal(expression_of("a + 1"), expression_of("(A)+1")));
    CU_ASSERT_TRUE(shoal_ast_equal(expression_of("SUBSTRING(s FROM 1 FOR 2)"), expression_of("substring(s, 1, 2)")));
    CU_ASSERT_TRUE(shoal_ast_equal(expression_of("interval '1 year'"), expression_of("interval '12' month")));
    CU_ASSERT_TRUE(shoal_ast_equal(expression_of("x::int4"), expression_of("cast(x as integer)")));
    CU_ASSERT_TRUE(shoal_ast_equal(expression_of("a and (b and c)"), expression_of("(a and b) and c")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("a + 1"), expression_of("a + 2")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("1 - (2 - 3)"), expression_of("1 - 2 - 3")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("\"A\""), expression_of("a")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("x::varchar(3)"), expression_of("x::varchar(4)")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("count(x)"), expression_of("count(distinct x)")));
    CU_ASSERT_FALSE(
        shoal_ast_equal(expression_of("sum(x) over (order by y)"), expression_of("sum(x) over (order by y desc)")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("1.0"), expression_of("1")));
    CU_ASSERT_FALSE(shoal_ast_equal(expression_of("a"), NULL));
    CU_ASSERT_TRUE(shoal_ast_equal(NULL, NULL));
    CU_ASSERT_TRUE(shoal_ast_equal(parse_one("copy t from 'x' gzip delimiter '|'"),
                                   parse_one("COPY t FROM 'x' DELIMITER AS '|' GZIP")));
    CU_ASSERT_FALSE(shoal_ast_equal(parse_one("copy t from 'x' gzip"), parse_one("copy t from 'x' zstd")));
    CU_ASSERT_FALSE(shoal_ast_equal(parse_one("select a from t union select b from u"),
                                    parse_one("select a from t union all select b from u")));
}

/* ---- errors ---- */

static void test_syntax_errors(void)
{
    expect_error("SELECT * FORM t", "42601", "syntax error at or near \"FORM\" (line 1, column 10)");
    expect_error("SELECT * FROM", "42601", "syntax error at end of input (line 1, column 14)");
    expect_error("SELECT * FROM t   -- trailing comment\n  WHERE", "42601",
                 "syntax error at end of input (line 2, column 8)");
    expect_error("SELECT a,\n  b FROM t WHER x > 1", "42601", "syntax error at or near \"x\" (line 2, column 17)");
    expect_error("SELECT '\xC3\xA9',\n\tx y z", "42601", "syntax error at or near \"z\" (line 2, column 6)");
    expect_error("SELECT 1 +", "42601", "syntax error at end of input (line 1, column 11)");
    expect_error("SELECT 1; SELECT 2 SELECT 3", "42601", "syntax error at or near \"SELECT\" (line 1, column 20)");
    expect_error("CREATE TABLE t (a INTEGER,)", "42601", "syntax error at or near \")\" (line 1, column 27)");
    expect_error("CREATE TABLE t (a INTEGER) DISTSTYLE ALL DISTSTYLE EVEN", "42601",
                 "conflicting or redundant \"DISTSTYLE\" (line 1, column 42)");
    expect_error("CREATE TABLE t (a INTEGER NULL NOT NULL)", "42601",
                 "conflicting or redundant \"NOT\" (line 1, column 32)");
    expect_error("INSERT INTO t VALUES (1", "42601", "syntax error at end of input (line 1, column 24)");
    expect_error("SELECT a FROM t WHERE a = = b", "42601", "syntax error at or near \"=\" (line 1, column 27)");
    expect_error("SELECT ^", "42601", "syntax error at or near \"^\" (line 1, column 8)");
    expect_error("SELECT \x01", "42601", "syntax error at or near \"\\x01\" (line 1, column 8)");
    expect_error("UPDATE t SET a = 1", "42601", "syntax error at or near \"UPDATE\" (line 1, column 1)");
    expect_error("SELECT 'unterminated", "42601",
                 "unterminated quoted string at or near \"'unterminated\" (line 1, column 8)");
    expect_error("SELECT 1 /* never closed", "42601",
                 "unterminated /* comment at or near \"/* never closed\" (line 1, column 10)");
    expect_error("SELECT a.b.c.d FROM t", "42601", "syntax error at or near \".\" (line 1, column 13)");
    expect_error("SELECT x FROM t LIMIT 1 LIMIT 2", "42601", "syntax error at or near \"LIMIT\" (line 1, column 25)");
    expect_error("SELECT 99999999999999999999999999999999 FROM", "42601",
                 "syntax error at end of input (line 1, column 45)");
    expect_error("CREATE TABLE t (a INT IDENTITY(1, 99999999999999999999))", "22003",
                 "integer 99999999999999999999 is out of range (line 1, column 35)");
    char long_token[200];
    snprintf(long_token, sizeof long_token, "SELECT a b %s", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
    expect_error(long_token, "42601",
                 "syntax error at or near \"abcdefghijklmnopqrstuvwxyzabcdefghijklmn...\" (line 1, column 12)");
}

static void test_nesting_limit(void)
{
    enum { DEEP = 100000 };
    char *sql = malloc(DEEP * 2 + 16);
    strcpy(sql, "SELECT ");
    size_t n = strlen(sql);
    memset(sql + n, '(', DEEP);
    sql[n + DEEP] = '1';
    memset(sql + n + DEEP + 1, ')', DEEP);
    sql[n + 2 * DEEP + 1] = '\0';
    shoal_ast_statement **statements;
    int count;
    shoal_error err;
    CU_ASSERT_FALSE(shoal_parse(sql, strlen(sql), &arena, &statements, &count, &err));
    ASSERT_TEXT(err.sqlstate, SHOAL_SQLSTATE_TOO_COMPLEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "nested more than 1000 levels"));

    /* 900 levels are fine, and so are long flat lists and chains */
    sql[n] = '\0';
    for (int i = 0; i < 900; i++) strcat(sql + n, "(");
    strcat(sql, "1");
    for (int i = 0; i < 900; i++) strcat(sql + n, ")");
    ASSERT_TEXT(canonical(sql), "SELECT 1");
    strcpy(sql, "SELECT 1");
    for (int i = 0; i < 5000; i++) strcat(sql + 8 + 6 * i, " AND 1");
    CU_ASSERT_TRUE(strlen(canonical(sql)) > 30000);
    free(sql);
}

/* ---- TPC-H and the star schema ---- */

static char *read_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SHOAL_PARSER_FIXTURES, name);
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "\ncannot open %s\n", path);
        CU_FAIL("fixture missing");
        return NULL;
    }
    char *text = shoal_arena_alloc(&arena, 1 << 16);
    size_t n = fread(text, 1, (1 << 16) - 1, file);
    text[n] = '\0';
    fclose(file);
    return text;
}

static void test_tpch_queries(void)
{
    for (int q = 1; q <= 22; q++) {
        char name[32];
        snprintf(name, sizeof name, "../tpch_queries/queries/%d.sql", q);
        char *sql = read_fixture(name);
        if (!sql) continue;
        int count = 0;
        shoal_ast_statement **statements = parse_all(sql, &count);
        CU_ASSERT_EQUAL(count, q == 15 ? 3 : 1);
        if (!statements) continue;
        assert_fixed_point(sql);
        CU_ASSERT_TRUE(shoal_is_a(statements[0]->body, query) ||
                       (q == 15 && shoal_is_a(statements[0]->body, create_view)));
    }
    /* spot checks of what the binder will rely on */
    char *q1 = canonical(read_fixture("../tpch_queries/queries/1.sql"));
    CU_ASSERT_PTR_NOT_NULL(strstr(q1, "l_shipdate <= DATE '1998-12-01' - INTERVAL '90 days'"));
    char *q13 = canonical(read_fixture("../tpch_queries/queries/13.sql"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(q13, "FROM customer LEFT JOIN orders ON c_custkey = o_custkey AND o_comment NOT LIKE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(q13, ") AS c_orders (c_custkey, c_count)"));
    char *q19 = canonical(read_fixture("../tpch_queries/queries/19.sql"));
    CU_ASSERT_PTR_NOT_NULL(strstr(q19, "l_shipinstruct = 'DELIVER IN PERSON' OR p_partkey = l_partkey"));
    char *q22 = canonical(read_fixture("../tpch_queries/queries/22.sql"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(q22, "SUBSTRING(c_phone FROM 1 FOR 2) IN ('13', '31', '23', '29', '30', '18', '17')"));
    /* the TPC-H specification's spelling of Q1's interval */
    ASSERT_TEXT(canonical("select date '1998-12-01' - interval '90' day (3)"),
                "SELECT DATE '1998-12-01' - INTERVAL '90 days'");
}

static void test_star_schema(void)
{
    char *sql = read_fixture("star_schema.sql");
    if (!sql) return;
    int count = 0;
    shoal_ast_statement **statements = parse_all(sql, &count);
    CU_ASSERT_EQUAL_FATAL(count, 7);
    assert_fixed_point(sql);

    shoal_ast_create_table *dim = shoal_cast(create_table, statements[0]->body);
    ASSERT_TEXT(dim->name->schema, "analytics");
    CU_ASSERT_EQUAL(dim->diststyle, SHOAL_AST_DISTSTYLE_ALL);
    CU_ASSERT_EQUAL(dim->columns.count, 8);
    CU_ASSERT_TRUE(shoal_cast(column_def, dim->columns.items[0])->primary_key);
    ASSERT_TEXT(shoal_cast(column_def, dim->columns.items[2])->name, "year");

    shoal_ast_create_table *fact = shoal_cast(create_table, statements[1]->body);
    shoal_ast_column_def *sale_id = shoal_cast(column_def, fact->columns.items[0]);
    CU_ASSERT_TRUE(sale_id->identity);
    CU_ASSERT_EQUAL(sale_id->identity_seed, 1);
    CU_ASSERT_EQUAL(sale_id->identity_step, 1);
    shoal_ast_column_def *created_at = shoal_cast(column_def, fact->columns.items[9]);
    CU_ASSERT_EQUAL(created_at->type->kind, SHOAL_AST_TYPE_TIMESTAMP);
    ASSERT_TEXT(shoal_ast_to_sql(created_at->default_value, &arena), "getdate()");
    CU_ASSERT_EQUAL(fact->diststyle, SHOAL_AST_DISTSTYLE_KEY);
    ASSERT_TEXT(fact->distkey->name, "customer_id");
    CU_ASSERT_EQUAL(fact->sortkey_style, SHOAL_AST_SORTKEY_COMPOUND);
    CU_ASSERT_EQUAL(fact->sortkey.count, 2);

    shoal_ast_select *monthly = shoal_cast(select, shoal_cast(query, statements[2]->body)->body);
    shoal_ast_func_call *lag = shoal_cast(func_call, shoal_cast(target, monthly->targets.items[3])->expr);
    ASSERT_TEXT(lag->name, "lag");
    CU_ASSERT_PTR_NOT_NULL(lag->over);
    CU_ASSERT_EQUAL(lag->over->order_by.count, 2);
    CU_ASSERT_TRUE(shoal_is_a(monthly->from.items[0], join));
    shoal_ast_binary *since = shoal_cast(binary, monthly->where);
    shoal_ast_literal *twelve_months = shoal_cast(literal, shoal_cast(binary, since->right)->right);
    CU_ASSERT_EQUAL(twelve_months->interval.months, 12);

    shoal_ast_query *segments = shoal_cast(query, statements[3]->body);
    CU_ASSERT_EQUAL(segments->ctes.count, 1);
    CU_ASSERT_TRUE(
        shoal_is_a(shoal_cast(target, shoal_cast(select, segments->body)->targets.items[0])->expr, case_expr));

    shoal_ast_copy *copy = shoal_cast(copy, statements[4]->body);
    ASSERT_TEXT(copy->delimiter, "|");
    CU_ASSERT_EQUAL(copy->max_errors, 10);

    shoal_ast_create_table *lineitem = shoal_cast(create_table, statements[5]->body);
    CU_ASSERT_TRUE(lineitem->if_not_exists);
    ASSERT_TEXT(shoal_cast(column_def, lineitem->columns.items[1])->encoding, "zstd");
    CU_ASSERT_EQUAL(lineitem->sortkey_style, SHOAL_AST_SORTKEY_COMPOUND);

    shoal_ast_call *call = shoal_cast(call, statements[6]->body);
    ASSERT_TEXT(shoal_ast_to_sql(call, &arena), "CALL tpch_generate(0.01)");
}

/* ---- fuzz ---- */

typedef struct fuzz_rng {
    uint64_t state;
} fuzz_rng;

static uint64_t fuzz_next(fuzz_rng *rng) /* xorshift64* */
{
    rng->state ^= rng->state >> 12;
    rng->state ^= rng->state << 25;
    rng->state ^= rng->state >> 27;
    return rng->state * UINT64_C(2685821657736338717);
}

static size_t fuzz_below(fuzz_rng *rng, size_t n) { return n ? (size_t)(fuzz_next(rng) % n) : 0; }

typedef struct fuzz_stats {
    int runs, parsed, not_fixed;
} fuzz_stats;

/* Parses `text` in a fresh arena; when it parses, printing must be a fixed point. The text is
 * copied into a buffer of exactly `length` bytes, so ASan reports any read past its end. */
static void fuzz_one(const char *input, size_t length, fuzz_stats *stats)
{
    char *text = malloc(length ? length : 1);
    memcpy(text, input, length);
    shoal_arena local;
    shoal_arena_init(&local, 0);
    shoal_ast_statement **statements;
    int count;
    shoal_error err;
    stats->runs++;
    if (shoal_parse(text, length, &local, &statements, &count, &err)) {
        stats->parsed++;
        for (int i = 0; i < count; i++) {
            char *once = shoal_ast_to_sql(statements[i], &local);
            shoal_ast_statement **again;
            int again_count;
            if (!shoal_parse(once, strlen(once), &local, &again, &again_count, &err) || again_count != 1 ||
                !shoal_ast_equal(statements[i], again[0]) || strcmp(once, shoal_ast_to_sql(again[0], &local)) != 0) {
                if (stats->not_fixed++ < 5) fprintf(stderr, "\nnot a fixed point: %s\n", once);
            }
        }
    } else {
        CU_ASSERT(strstr(err.message, "(line ") != NULL); /* every error says where */
    }
    shoal_arena_reset(&local);
    free(text);
}

static const char *const fuzz_vocabulary[] = {
    "SELECT",    "FROM",    "WHERE",   "GROUP",     "BY",      "ORDER",    "HAVING",    "AND",     "OR",
    "NOT",       "IN",      "BETWEEN", "LIKE",      "IS",      "NULL",     "CASE",      "WHEN",    "THEN",
    "ELSE",      "END",     "CAST",    "AS",        "JOIN",    "LEFT",     "ON",        "USING",   "UNION",
    "INTERSECT", "EXCEPT",  "ALL",     "DISTINCT",  "WITH",    "OVER",     "PARTITION", "ROWS",    "PRECEDING",
    "INTERVAL",  "DATE",    "EXTRACT", "SUBSTRING", "TRIM",    "POSITION", "EXISTS",    "ANY",     "LIMIT",
    "OFFSET",    "TOP",     "CREATE",  "TABLE",     "COPY",    "INSERT",   "INTO",      "VALUES",  "DEFAULT",
    "DROP",      "VIEW",    "EXPLAIN", "SET",       "SHOW",    "CALL",     "DISTKEY",   "SORTKEY", "DISTSTYLE",
    "INTEGER",   "DECIMAL", "VARCHAR", "a",         "b",       "t",        "x1",        "\"Q\"",   "'s'",
    "'1 day'",   "1",       "2.5",     "1e3",       "(",       ")",        "(",         ")",       ",",
    ".",         ";",       "*",       "+",         "-",       "/",        "%",         "||",      "=",
    "<>",        "<",       ">=",      "::",        "day",     "year",     "count",     "sum",     "f",
    "IDENTITY",  "ENCODE",  "NULLS",   "FIRST",     "QUALIFY",
};

/* SHOAL_FUZZ_SEED and SHOAL_FUZZ_SCALE (a multiplier of the iteration counts) let a longer
 * run explore further; ctest uses the fixed defaults. */
static uint64_t fuzz_setting(const char *name, uint64_t fallback)
{
    const char *value = getenv(name);
    return value && *value ? strtoull(value, NULL, 0) : fallback;
}

static void test_fuzz(void)
{
    uint64_t seed = fuzz_setting("SHOAL_FUZZ_SEED", UINT64_C(0x5EED5EED12345678));
    int scale = (int)fuzz_setting("SHOAL_FUZZ_SCALE", 1);
    fuzz_rng rng = {seed ? seed : 1};
    fuzz_stats stats = {0, 0, 0};
    char buffer[4096];

    /* 1. random bytes, biased towards SQL punctuation */
    static const char bias[] = "()'\",.;*+-/%|=<>:E\n\t \x80\xC3\xA9$-/";
    for (int i = 0; i < 1500 * scale; i++) {
        size_t length = fuzz_below(&rng, 120);
        for (size_t j = 0; j < length; j++)
            buffer[j] = (fuzz_next(&rng) & 1) ? bias[fuzz_below(&rng, sizeof bias - 1)] : (char)fuzz_next(&rng);
        fuzz_one(buffer, length, &stats);
    }

    /* 2. token soup from the grammar's own words */
    int vocabulary = (int)(sizeof fuzz_vocabulary / sizeof fuzz_vocabulary[0]);
    for (int i = 0; i < 1500 * scale; i++) {
        size_t length = 0;
        int words = (int)fuzz_below(&rng, 40);
        strcpy(buffer, (fuzz_next(&rng) & 1) ? "SELECT " : "");
        length = strlen(buffer);
        for (int w = 0; w < words && length < sizeof buffer - 64; w++) {
            const char *word = fuzz_vocabulary[fuzz_below(&rng, (size_t)vocabulary)];
            length += (size_t)snprintf(buffer + length, sizeof buffer - length, "%s ", word);
        }
        fuzz_one(buffer, length, &stats);
    }

    /* 3. mutations and truncations of the TPC-H queries */
    for (int q = 1; q <= 22; q++) {
        char name[32];
        snprintf(name, sizeof name, "../tpch_queries/queries/%d.sql", q);
        const char *original = read_fixture(name);
        if (!original) continue;
        size_t original_length = strlen(original);
        fuzz_one(original, original_length, &stats);
        for (int i = 0; i < 150 * scale; i++) {
            size_t length = original_length < sizeof buffer - 256 ? original_length : sizeof buffer - 256;
            memcpy(buffer, original, length);
            int edits = 1 + (int)fuzz_below(&rng, 4);
            for (int e = 0; e < edits && length > 0; e++) {
                size_t at = fuzz_below(&rng, length);
                switch (fuzz_below(&rng, 6)) {
                case 0: length = at; break; /* truncate */
                case 1: buffer[at] = (char)fuzz_next(&rng); break; /* replace a byte */
                case 2: buffer[at] = bias[fuzz_below(&rng, sizeof bias - 1)]; break;
                case 3: { /* delete a range */
                    size_t n = 1 + fuzz_below(&rng, 12);
                    if (at + n > length) n = length - at;
                    memmove(buffer + at, buffer + at + n, length - at - n);
                    length -= n;
                    break;
                }
                case 4: { /* insert a word */
                    const char *word = fuzz_vocabulary[fuzz_below(&rng, (size_t)vocabulary)];
                    size_t n = strlen(word) + 2;
                    memmove(buffer + at + n, buffer + at, length - at);
                    buffer[at] = ' ';
                    memcpy(buffer + at + 1, word, n - 2);
                    buffer[at + n - 1] = ' ';
                    length += n;
                    break;
                }
                default: { /* duplicate a range */
                    size_t n = 1 + fuzz_below(&rng, 40);
                    if (at + n > length) n = length - at;
                    if (length + n < sizeof buffer) {
                        memmove(buffer + at + n, buffer + at, length - at);
                        length += n;
                    }
                    break;
                }
                }
            }
            fuzz_one(buffer, length, &stats);
        }
    }
    fprintf(stderr, "\nfuzz (seed %#llx): %d inputs, %d parsed, %d not fixed points\n", (unsigned long long)seed,
            stats.runs, stats.parsed, stats.not_fixed);
    CU_ASSERT(stats.runs > 6000);
    CU_ASSERT(stats.parsed > 200); /* the run reaches deep into the grammar, not only its errors */
    CU_ASSERT_EQUAL(stats.not_fixed, 0);
}

/* ---- main ---- */

typedef struct suite_spec {
    const char *name;
    struct {
        const char *name;
        CU_TestFunc run;
    } tests[16];
} suite_spec;

static const suite_spec suites[] = {
    {"lexer",
     {{"tokens and values", test_lexer_tokens},
      {"operators", test_lexer_operators},
      {"comments and positions", test_lexer_comments_and_positions},
      {"errors", test_lexer_errors}}},
    {"keywords",
     {{"table sorted, in the completion list", test_keyword_table},
      {"unreserved keywords are identifiers", test_unreserved_keywords_are_identifiers}}},
    {"statements",
     {{"CREATE SCHEMA", test_create_schema},
      {"CREATE TABLE", test_create_table},
      {"type names", test_type_names},
      {"CREATE VIEW and DROP", test_create_view_and_drop},
      {"COPY", test_copy},
      {"COPY errors", test_copy_errors},
      {"CALL, INSERT, EXPLAIN, SET, SHOW", test_call_insert_explain_set_show},
      {"SELECT clauses", test_select_clauses},
      {"FROM and joins", test_from_and_joins},
      {"set operations", test_set_operations}}},
    {"expressions",
     {{"precedence", test_precedence},
      {"printer parentheses", test_printer_parentheses},
      {"functions and windows", test_functions},
      {"special call forms", test_special_call_forms},
      {"literals and intervals", test_literals},
      {"locations", test_locations},
      {"node helpers", test_node_helpers},
      {"structural equality", test_equality}}},
    {"errors", {{"syntax errors", test_syntax_errors}, {"nesting limit", test_nesting_limit}}},
    {"workloads", {{"TPC-H queries", test_tpch_queries}, {"star schema", test_star_schema}}},
    {"fuzz", {{"random and mutated input", test_fuzz}}},
};

/* Whether the suite runs given argv: names select suites, -name skips one. */
static bool wanted(const char *suite, int argc, char **argv)
{
    bool any_selection = false, selected = false;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
            if (strcmp(argv[i] + 1, suite) == 0) return false;
        } else {
            any_selection = true;
            selected |= strcmp(argv[i], suite) == 0;
        }
    }
    return !any_selection || selected;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
        if (!wanted(suites[s].name, argc, argv)) continue;
        CU_pSuite suite = CU_add_suite_with_setup_and_teardown(suites[s].name, NULL, NULL, arena_setup, arena_teardown);
        for (int t = 0; t < 16 && suites[s].tests[t].name; t++)
            CU_add_test(suite, suites[s].tests[t].name, suites[s].tests[t].run);
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
