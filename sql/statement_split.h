/* Finding where SQL statements end in a stream of text: the first `;` that is not inside a
 * string literal ('...' with '' escapes), a quoted identifier ("..."), a dollar-quoted string
 * ($$...$$ or $tag$...$tag$), a -- line comment or a (nested) block comment. The shell uses
 * it to run a statement as soon as its last line is typed. */
#ifndef SHOAL_SQL_STATEMENT_SPLIT_H
#define SHOAL_SQL_STATEMENT_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

/* Offset of the terminating ';' of the first complete statement in text[0..len), or -1 when
 * the text holds no complete statement yet. */
long sql_statement_end(const char *text, size_t len);
/* True when text[0..len) holds only white space and comments. */
bool sql_is_blank(const char *text, size_t len);

#endif
