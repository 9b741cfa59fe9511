/* COPY table [(columns)] FROM 'source' followed by Redshift's load options in any order, each
 * at most once: the valued ones (DELIMITER, QUOTE, NULL AS, DATEFORMAT, ...), compression,
 * format, the option-less flags, and IAM_ROLE / CREDENTIALS / REGION, which are recorded only. */
#include "sql/parser_internal.h"

#include <string.h>

/* [AS] 'string' after an option keyword. */
static const char *option_string(shoal_parser *p)
{
    parser_accept_keyword(p, SHOAL_KW_AS);
    return parser_string(p);
}

/* [AS] n, n >= 0. */
static int64_t option_count(shoal_parser *p)
{
    parser_accept_keyword(p, SHOAL_KW_AS);
    return parser_integer(p, false);
}

/* A valued option: the string it sets, once. */
static void set_string_option(shoal_parser *p, const shoal_token *token, const char **field)
{
    if (*field) parser_redundant(p, token);
    parser_advance(p);
    *field = option_string(p);
}

static void set_format(shoal_parser *p, shoal_ast_copy *copy, const shoal_token *token, shoal_ast_copy_format format)
{
    if (copy->format != SHOAL_AST_COPY_FORMAT_TEXT) parser_redundant(p, token);
    copy->format = format;
}

/* FORMAT [AS] CSV | JSON ['arg'] | PARQUET | AVRO ['arg'] | ORC */
static void parse_format(shoal_parser *p, shoal_ast_copy *copy, const shoal_token *token)
{
    parser_advance(p);
    parser_accept_keyword(p, SHOAL_KW_AS);
    const shoal_token *name = parser_peek(p);
    shoal_ast_copy_format format;
    switch (name->kind == SHOAL_TOKEN_WORD ? name->keyword : SHOAL_KW_NONE) {
    case SHOAL_KW_CSV: format = SHOAL_AST_COPY_FORMAT_CSV; break;
    case SHOAL_KW_JSON: format = SHOAL_AST_COPY_FORMAT_JSON; break;
    case SHOAL_KW_PARQUET: format = SHOAL_AST_COPY_FORMAT_PARQUET; break;
    case SHOAL_KW_AVRO: format = SHOAL_AST_COPY_FORMAT_AVRO; break;
    case SHOAL_KW_ORC: format = SHOAL_AST_COPY_FORMAT_ORC; break;
    default: parser_syntax_error(p, name);
    }
    parser_advance(p);
    set_format(p, copy, token, format);
    bool takes_argument = format == SHOAL_AST_COPY_FORMAT_JSON || format == SHOAL_AST_COPY_FORMAT_AVRO;
    if (takes_argument && parser_at(p, SHOAL_TOKEN_STRING)) copy->format_argument = parser_string(p);
}

static void set_compression(shoal_parser *p, shoal_ast_copy *copy, const shoal_token *token,
                            shoal_ast_copy_compression compression)
{
    if (copy->compression != SHOAL_AST_COPY_UNCOMPRESSED) parser_redundant(p, token);
    parser_advance(p);
    copy->compression = compression;
}

static void set_count(shoal_parser *p, const shoal_token *token, int64_t *field)
{
    if (*field >= 0) parser_redundant(p, token);
    parser_advance(p);
    *field = option_count(p);
}

/* One of the option-less flags; false when the token is none of them. */
static bool parse_flag(shoal_parser *p, shoal_ast_copy *copy, const shoal_token *token)
{
    const char *name = shoal_keyword_name(token->keyword);
    for (int i = 0; i < shoal_ast_copy_flag_count; i++) {
        if (strcmp(name, shoal_ast_copy_flag_spellings[i].name) != 0) continue;
        if (copy->flags & shoal_ast_copy_flag_spellings[i].flag) parser_redundant(p, token);
        copy->flags |= shoal_ast_copy_flag_spellings[i].flag;
        parser_advance(p);
        return true;
    }
    return false;
}

static bool parse_option(shoal_parser *p, shoal_ast_copy *copy)
{
    const shoal_token *token = parser_peek(p);
    if (token->kind != SHOAL_TOKEN_WORD || token->keyword == SHOAL_KW_NONE) return false;
    switch (token->keyword) {
    case SHOAL_KW_DELIMITER: set_string_option(p, token, &copy->delimiter); return true;
    case SHOAL_KW_QUOTE: set_string_option(p, token, &copy->quote); return true;
    case SHOAL_KW_NULL: set_string_option(p, token, &copy->null_as); return true;
    case SHOAL_KW_DATEFORMAT: set_string_option(p, token, &copy->date_format); return true;
    case SHOAL_KW_TIMEFORMAT: set_string_option(p, token, &copy->time_format); return true;
    case SHOAL_KW_IAM_ROLE: set_string_option(p, token, &copy->iam_role); return true;
    case SHOAL_KW_CREDENTIALS: set_string_option(p, token, &copy->credentials); return true;
    case SHOAL_KW_REGION: set_string_option(p, token, &copy->region); return true;
    case SHOAL_KW_IGNOREHEADER: set_count(p, token, &copy->ignore_header); return true;
    case SHOAL_KW_MAXERROR: set_count(p, token, &copy->max_errors); return true;
    case SHOAL_KW_CSV:
        set_format(p, copy, token, SHOAL_AST_COPY_FORMAT_CSV);
        parser_advance(p);
        return true;
    case SHOAL_KW_FORMAT: parse_format(p, copy, token); return true;
    case SHOAL_KW_GZIP: set_compression(p, copy, token, SHOAL_AST_COPY_GZIP); return true;
    case SHOAL_KW_ZSTD: set_compression(p, copy, token, SHOAL_AST_COPY_ZSTD); return true;
    case SHOAL_KW_BZIP2: set_compression(p, copy, token, SHOAL_AST_COPY_BZIP2); return true;
    case SHOAL_KW_LZOP: set_compression(p, copy, token, SHOAL_AST_COPY_LZOP); return true;
    default: return parse_flag(p, copy, token);
    }
}

shoal_ast_node *parser_copy(shoal_parser *p)
{
    shoal_ast_copy *copy = shoal_make_node(p->arena, copy, parser_expect_keyword(p, SHOAL_KW_COPY)->loc);
    copy->ignore_header = -1;
    copy->max_errors = -1;
    copy->table = parser_qualified_name(p);
    if (parser_at(p, SHOAL_TOKEN_LPAREN)) parser_identifier_list(p, &copy->columns);
    parser_expect_keyword(p, SHOAL_KW_FROM);
    copy->source = parser_string(p);
    while (parse_option(p, copy)) {}
    return &copy->node;
}
