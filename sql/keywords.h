/* The SQL keywords Shoal's dialect knows (Redshift's, upper case, sorted): what the shell
 * completes, a superset of the lexer's table (sql/lexer_keywords.h). */
#ifndef SHOAL_SQL_KEYWORDS_H
#define SHOAL_SQL_KEYWORDS_H

#include <stddef.h>

extern const char *const sql_keywords[];
extern const size_t sql_keyword_count;

#endif
