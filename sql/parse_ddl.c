/* Data definition: CREATE SCHEMA, CREATE TABLE (column definitions with their attributes,
 * table constraints, and Redshift's DISTSTYLE / DISTKEY / SORTKEY table attributes in any
 * order), CREATE [OR REPLACE] VIEW and DROP TABLE | VIEW | SCHEMA. */
#include "sql/parser_internal.h"

static shoal_ast_node *parse_create_schema(shoal_parser *p, shoal_location loc)
{
    shoal_ast_create_schema *schema = shoal_make_node(p->arena, create_schema, loc);
    schema->if_not_exists = parser_if_not_exists(p);
    schema->name = parser_identifier(p);
    return &schema->node;
}

/* REFERENCES table [(column, ...)] */
static void parse_references(shoal_parser *p, shoal_ast_qualified_name **table, shoal_ast_list *columns)
{
    parser_expect_keyword(p, SHOAL_KW_REFERENCES);
    *table = parser_qualified_name(p);
    if (parser_at(p, SHOAL_TOKEN_LPAREN)) parser_identifier_list(p, columns);
}

static shoal_ast_node *parse_column_def(shoal_parser *p)
{
    shoal_ast_column_def *column = shoal_make_node(p->arena, column_def, parser_peek(p)->loc);
    column->name = parser_identifier(p);
    column->type = parser_type_name(p);
    for (;;) {
        const shoal_token *token = parser_peek(p);
        if (token->kind != SHOAL_TOKEN_WORD) break;
        switch (token->keyword) {
        case SHOAL_KW_NOT:
        case SHOAL_KW_NULL:
            if (column->nullability != SHOAL_AST_NULLABILITY_UNSPECIFIED) parser_redundant(p, token);
            if (parser_accept_keyword(p, SHOAL_KW_NOT)) {
                parser_expect_keyword(p, SHOAL_KW_NULL);
                column->nullability = SHOAL_AST_NOT_NULLABLE;
            } else {
                parser_advance(p);
                column->nullability = SHOAL_AST_NULLABLE;
            }
            continue;
        case SHOAL_KW_DEFAULT:
            if (column->default_value) parser_redundant(p, token);
            parser_advance(p);
            column->default_value = parser_concat_expression(p);
            continue;
        case SHOAL_KW_PRIMARY:
            if (column->primary_key) parser_redundant(p, token);
            parser_advance(p);
            parser_expect_keyword(p, SHOAL_KW_KEY);
            column->primary_key = true;
            continue;
        case SHOAL_KW_UNIQUE:
            if (column->unique) parser_redundant(p, token);
            parser_advance(p);
            column->unique = true;
            continue;
        case SHOAL_KW_ENCODE: {
            if (column->encoding) parser_redundant(p, token);
            parser_advance(p);
            column->encoding = parser_expect(p, SHOAL_TOKEN_WORD)->value;
            continue;
        }
        case SHOAL_KW_DISTKEY:
            if (column->distkey) parser_redundant(p, token);
            parser_advance(p);
            column->distkey = true;
            continue;
        case SHOAL_KW_SORTKEY:
            if (column->sortkey) parser_redundant(p, token);
            parser_advance(p);
            column->sortkey = true;
            continue;
        case SHOAL_KW_IDENTITY:
            if (column->identity) parser_redundant(p, token);
            parser_advance(p);
            column->identity = true;
            parser_expect(p, SHOAL_TOKEN_LPAREN);
            column->identity_seed = parser_integer(p, true);
            parser_expect(p, SHOAL_TOKEN_COMMA);
            column->identity_step = parser_integer(p, true);
            parser_expect(p, SHOAL_TOKEN_RPAREN);
            continue;
        case SHOAL_KW_REFERENCES:
            if (column->references_table) parser_redundant(p, token);
            parse_references(p, &column->references_table, &column->references_columns);
            continue;
        default:
            break;
        }
        break;
    }
    return &column->node;
}

static bool at_table_constraint(const shoal_parser *p)
{
    return parser_at_keyword(p, SHOAL_KW_CONSTRAINT) || parser_at_keyword(p, SHOAL_KW_PRIMARY) ||
           parser_at_keyword(p, SHOAL_KW_UNIQUE) || parser_at_keyword(p, SHOAL_KW_FOREIGN);
}

/* [CONSTRAINT name] PRIMARY KEY (..) | UNIQUE (..) | FOREIGN KEY (..) REFERENCES t [(..)] */
static shoal_ast_node *parse_table_constraint(shoal_parser *p)
{
    shoal_ast_table_constraint *constraint = shoal_make_node(p->arena, table_constraint, parser_peek(p)->loc);
    if (parser_accept_keyword(p, SHOAL_KW_CONSTRAINT)) constraint->name = parser_identifier(p);
    if (parser_accept_keyword(p, SHOAL_KW_PRIMARY)) {
        parser_expect_keyword(p, SHOAL_KW_KEY);
        constraint->kind = SHOAL_AST_CONSTRAINT_PRIMARY_KEY;
        parser_identifier_list(p, &constraint->columns);
    } else if (parser_accept_keyword(p, SHOAL_KW_UNIQUE)) {
        constraint->kind = SHOAL_AST_CONSTRAINT_UNIQUE;
        parser_identifier_list(p, &constraint->columns);
    } else {
        parser_expect_keyword(p, SHOAL_KW_FOREIGN);
        parser_expect_keyword(p, SHOAL_KW_KEY);
        constraint->kind = SHOAL_AST_CONSTRAINT_FOREIGN_KEY;
        parser_identifier_list(p, &constraint->columns);
        parse_references(p, &constraint->references_table, &constraint->references_columns);
    }
    return &constraint->node;
}

static shoal_ast_diststyle parse_diststyle(shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    shoal_ast_diststyle style;
    switch (token->kind == SHOAL_TOKEN_WORD ? token->keyword : SHOAL_KW_NONE) {
    case SHOAL_KW_EVEN: style = SHOAL_AST_DISTSTYLE_EVEN; break;
    case SHOAL_KW_KEY: style = SHOAL_AST_DISTSTYLE_KEY; break;
    case SHOAL_KW_ALL: style = SHOAL_AST_DISTSTYLE_ALL; break;
    case SHOAL_KW_AUTO: style = SHOAL_AST_DISTSTYLE_AUTO; break;
    default: parser_syntax_error(p, token);
    }
    parser_advance(p);
    return style;
}

/* DISTSTYLE x, DISTKEY (c), [COMPOUND|INTERLEAVED] SORTKEY (..) | SORTKEY AUTO: any order,
 * each at most once. */
static void parse_table_attributes(shoal_parser *p, shoal_ast_create_table *table)
{
    for (;;) {
        const shoal_token *token = parser_peek(p);
        if (parser_accept_keyword(p, SHOAL_KW_DISTSTYLE)) {
            if (table->diststyle != SHOAL_AST_DISTSTYLE_UNSPECIFIED) parser_redundant(p, token);
            table->diststyle = parse_diststyle(p);
        } else if (parser_accept_keyword(p, SHOAL_KW_DISTKEY)) {
            if (table->distkey) parser_redundant(p, token);
            parser_expect(p, SHOAL_TOKEN_LPAREN);
            table->distkey = parser_identifier_node(p);
            parser_expect(p, SHOAL_TOKEN_RPAREN);
        } else if (parser_at_keyword(p, SHOAL_KW_COMPOUND) || parser_at_keyword(p, SHOAL_KW_INTERLEAVED) ||
                   parser_at_keyword(p, SHOAL_KW_SORTKEY)) {
            if (table->sortkey_style != SHOAL_AST_SORTKEY_NONE) parser_redundant(p, token);
            shoal_keyword style = parser_advance(p)->keyword;
            if (style != SHOAL_KW_SORTKEY) parser_expect_keyword(p, SHOAL_KW_SORTKEY);
            if (style == SHOAL_KW_SORTKEY && parser_accept_keyword(p, SHOAL_KW_AUTO)) {
                table->sortkey_style = SHOAL_AST_SORTKEY_AUTO;
            } else {
                table->sortkey_style =
                    style == SHOAL_KW_INTERLEAVED ? SHOAL_AST_SORTKEY_INTERLEAVED : SHOAL_AST_SORTKEY_COMPOUND;
                parser_identifier_list(p, &table->sortkey);
            }
        } else {
            return;
        }
    }
}

static shoal_ast_node *parse_create_table(shoal_parser *p, shoal_location loc, bool temporary)
{
    shoal_ast_create_table *table = shoal_make_node(p->arena, create_table, loc);
    table->temporary = temporary;
    table->if_not_exists = parser_if_not_exists(p);
    table->name = parser_qualified_name(p);
    parser_expect(p, SHOAL_TOKEN_LPAREN);
    do {
        if (at_table_constraint(p)) shoal_ast_list_append(p->arena, &table->constraints, parse_table_constraint(p));
        else shoal_ast_list_append(p->arena, &table->columns, parse_column_def(p));
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    parse_table_attributes(p, table);
    return &table->node;
}

static shoal_ast_node *parse_create_view(shoal_parser *p, shoal_location loc, bool or_replace)
{
    shoal_ast_create_view *view = shoal_make_node(p->arena, create_view, loc);
    view->or_replace = or_replace;
    view->name = parser_qualified_name(p);
    if (parser_at(p, SHOAL_TOKEN_LPAREN)) parser_identifier_list(p, &view->columns);
    parser_expect_keyword(p, SHOAL_KW_AS);
    view->query = parser_query(p);
    return &view->node;
}

shoal_ast_node *parser_create(shoal_parser *p)
{
    shoal_location loc = parser_expect_keyword(p, SHOAL_KW_CREATE)->loc;
    if (parser_accept_keyword(p, SHOAL_KW_OR)) {
        parser_expect_keyword(p, SHOAL_KW_REPLACE);
        parser_expect_keyword(p, SHOAL_KW_VIEW);
        return parse_create_view(p, loc, true);
    }
    if (parser_accept_keyword(p, SHOAL_KW_TEMP) || parser_accept_keyword(p, SHOAL_KW_TEMPORARY)) {
        parser_expect_keyword(p, SHOAL_KW_TABLE);
        return parse_create_table(p, loc, true);
    }
    if (parser_accept_keyword(p, SHOAL_KW_TABLE)) return parse_create_table(p, loc, false);
    if (parser_accept_keyword(p, SHOAL_KW_VIEW)) return parse_create_view(p, loc, false);
    parser_expect_keyword(p, SHOAL_KW_SCHEMA);
    return parse_create_schema(p, loc);
}

shoal_ast_node *parser_drop(shoal_parser *p)
{
    shoal_ast_drop *drop = shoal_make_node(p->arena, drop, parser_expect_keyword(p, SHOAL_KW_DROP)->loc);
    if (parser_accept_keyword(p, SHOAL_KW_TABLE)) {
        drop->object = SHOAL_AST_OBJECT_TABLE;
    } else if (parser_accept_keyword(p, SHOAL_KW_VIEW)) {
        drop->object = SHOAL_AST_OBJECT_VIEW;
    } else {
        parser_expect_keyword(p, SHOAL_KW_SCHEMA);
        drop->object = SHOAL_AST_OBJECT_SCHEMA;
    }
    drop->if_exists = parser_if_exists(p);
    do {
        shoal_ast_qualified_name *name;
        if (drop->object == SHOAL_AST_OBJECT_SCHEMA) {
            name = shoal_make_node(p->arena, qualified_name, parser_peek(p)->loc);
            name->name = parser_identifier(p);
        } else {
            name = parser_qualified_name(p);
        }
        shoal_ast_list_append(p->arena, &drop->names, name);
    } while (parser_accept(p, SHOAL_TOKEN_COMMA));
    if (parser_accept_keyword(p, SHOAL_KW_CASCADE)) drop->behavior = SHOAL_AST_DROP_CASCADE;
    else if (parser_accept_keyword(p, SHOAL_KW_RESTRICT)) drop->behavior = SHOAL_AST_DROP_RESTRICT;
    return &drop->node;
}
