/* Type names (Redshift's spellings and aliases) resolved to a canonical kind with its
 * defaults and limits applied: INT4 is INTEGER, NUMERIC is DECIMAL(18,0), TEXT is
 * VARCHAR(256), FLOAT(10) is REAL. */
#include "sql/parser_internal.h"

/* "(n)" when present, else `default_value`; checked against [min, max]. */
static int32_t parse_type_length(shoal_parser *p, const char *type, int32_t default_value, int32_t max,
                                 bool allow_max_keyword)
{
    if (!parser_accept(p, SHOAL_TOKEN_LPAREN)) return default_value;
    shoal_location loc = parser_peek(p)->loc;
    int64_t length;
    if (allow_max_keyword && parser_accept_keyword(p, SHOAL_KW_MAX)) length = max;
    else length = parser_integer(p, false);
    if (length < 1 || length > max)
        parser_error_at(p, SHOAL_SQLSTATE_INVALID_PARAMETER, loc, "length for type %s must be between 1 and %d", type,
                        (int)max);
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    return (int32_t)length;
}

static void parse_decimal_modifiers(shoal_parser *p, shoal_ast_type_name *type)
{
    type->precision = 18;
    type->scale = 0;
    if (!parser_accept(p, SHOAL_TOKEN_LPAREN)) return;
    shoal_location loc = parser_peek(p)->loc;
    int64_t precision = parser_integer(p, false), scale = 0;
    if (precision < 1 || precision > SHOAL_AST_DECIMAL_MAX_PRECISION)
        parser_error_at(p, SHOAL_SQLSTATE_INVALID_PARAMETER, loc, "DECIMAL precision %lld must be between 1 and %d",
                        (long long)precision, SHOAL_AST_DECIMAL_MAX_PRECISION);
    if (parser_accept(p, SHOAL_TOKEN_COMMA)) {
        loc = parser_peek(p)->loc;
        scale = parser_integer(p, false);
        if (scale > precision)
            parser_error_at(p, SHOAL_SQLSTATE_INVALID_PARAMETER, loc,
                            "DECIMAL scale %lld must be between 0 and precision %lld", (long long)scale,
                            (long long)precision);
    }
    parser_expect(p, SHOAL_TOKEN_RPAREN);
    type->precision = (int32_t)precision;
    type->scale = (int32_t)scale;
}

static void parse_varchar_length(shoal_parser *p, shoal_ast_type_name *type)
{
    type->kind = SHOAL_AST_TYPE_VARCHAR;
    type->length = parse_type_length(p, "VARCHAR", 256, SHOAL_AST_VARCHAR_MAX_LENGTH, true);
}

shoal_ast_type_name *parser_type_name(shoal_parser *p)
{
    const shoal_token *token = parser_peek(p);
    shoal_ast_type_name *type = shoal_make_node(p->arena, type_name, token->loc);
    if (token->kind != SHOAL_TOKEN_WORD) parser_syntax_error(p, token);
    switch (token->keyword) {
    case SHOAL_KW_SMALLINT:
    case SHOAL_KW_INT2:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_SMALLINT;
        break;
    case SHOAL_KW_INTEGER:
    case SHOAL_KW_INT:
    case SHOAL_KW_INT4:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_INTEGER;
        break;
    case SHOAL_KW_BIGINT:
    case SHOAL_KW_INT8:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_BIGINT;
        break;
    case SHOAL_KW_DECIMAL:
    case SHOAL_KW_NUMERIC:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_DECIMAL;
        parse_decimal_modifiers(p, type);
        break;
    case SHOAL_KW_REAL:
    case SHOAL_KW_FLOAT4:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_REAL;
        break;
    case SHOAL_KW_DOUBLE:
        parser_advance(p);
        parser_expect_keyword(p, SHOAL_KW_PRECISION);
        type->kind = SHOAL_AST_TYPE_DOUBLE;
        break;
    case SHOAL_KW_FLOAT8:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_DOUBLE;
        break;
    case SHOAL_KW_FLOAT: {
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_DOUBLE;
        if (parser_accept(p, SHOAL_TOKEN_LPAREN)) {
            shoal_location loc = parser_peek(p)->loc;
            int64_t bits = parser_integer(p, false);
            if (bits < 1 || bits > 53)
                parser_error_at(p, SHOAL_SQLSTATE_INVALID_PARAMETER, loc,
                                "precision for type FLOAT must be between 1 and 53");
            if (bits <= 24) type->kind = SHOAL_AST_TYPE_REAL;
            parser_expect(p, SHOAL_TOKEN_RPAREN);
        }
        break;
    }
    case SHOAL_KW_BOOLEAN:
    case SHOAL_KW_BOOL:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_BOOLEAN;
        break;
    case SHOAL_KW_CHAR:
    case SHOAL_KW_CHARACTER:
        parser_advance(p);
        if (parser_accept_keyword(p, SHOAL_KW_VARYING)) {
            parse_varchar_length(p, type);
        } else {
            type->kind = SHOAL_AST_TYPE_CHAR;
            type->length = parse_type_length(p, "CHAR", 1, SHOAL_AST_CHAR_MAX_LENGTH, false);
        }
        break;
    case SHOAL_KW_NCHAR:
    case SHOAL_KW_BPCHAR:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_CHAR;
        type->length = parse_type_length(p, "CHAR", token->keyword == SHOAL_KW_BPCHAR ? 256 : 1,
                                         SHOAL_AST_CHAR_MAX_LENGTH, false);
        break;
    case SHOAL_KW_VARCHAR:
    case SHOAL_KW_NVARCHAR:
    case SHOAL_KW_TEXT:
        parser_advance(p);
        parse_varchar_length(p, type);
        break;
    case SHOAL_KW_DATE:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_DATE;
        break;
    case SHOAL_KW_TIMESTAMP:
        parser_advance(p);
        type->kind = SHOAL_AST_TYPE_TIMESTAMP;
        if (parser_accept_keyword(p, SHOAL_KW_WITHOUT)) {
            parser_expect_keyword(p, SHOAL_KW_TIME);
            parser_expect_keyword(p, SHOAL_KW_ZONE);
        }
        break;
    default:
        parser_syntax_error(p, token);
    }
    return type;
}
