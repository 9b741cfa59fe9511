/* The SQL keywords Shoal's dialect knows (Redshift's, upper case, sorted). The shell
 * completes them; the lexer (next issue) will recognise them. */
#ifndef SHOAL_SQL_KEYWORDS_H
#define SHOAL_SQL_KEYWORDS_H

#include <stddef.h>

extern const char *const sql_keywords[];
extern const size_t sql_keyword_count;

#endif
