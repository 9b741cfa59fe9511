/* The keyword list (see keywords.h). Keep it sorted: completion lists it in this order. */
#include "sql/keywords.h"

const char *const sql_keywords[] = {
    "ALL", "ALTER", "ANALYZE", "AND", "ANY", "AS", "ASC", "AUTO", "AVG", "BETWEEN", "BIGINT",
    "BOOLEAN", "BY", "CALL", "CASE", "CAST", "CHAR", "COALESCE", "COMPOUND", "COPY", "COUNT",
    "CREATE", "CROSS", "CSV", "CURRENT_DATE", "DATE", "DATEADD", "DATEDIFF", "DATEFORMAT",
    "DAY", "DECIMAL", "DEFAULT", "DELETE", "DELIMITER", "DESC", "DISTINCT", "DISTKEY",
    "DISTSTYLE", "DOUBLE", "DROP", "ELSE", "ENCODE", "END", "EVEN", "EXCEPT", "EXISTS",
    "EXPLAIN", "EXTRACT", "FALSE", "FROM", "FULL", "GROUP", "GZIP", "HAVING", "IDENTITY", "IF",
    "IGNOREHEADER", "ILIKE", "IN", "INNER", "INSERT", "INTEGER", "INTERSECT", "INTERVAL", "INTO",
    "IS", "JOIN", "KEY", "LEFT", "LIKE", "LIMIT", "MAX", "MAXERROR", "MIN", "MONTH", "NOT",
    "NULL", "NULLIF", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRECISION",
    "PRIMARY", "REAL", "RIGHT", "ROWS", "SCHEMA", "SELECT", "SET", "SMALLINT", "SORTKEY",
    "SUBSTRING", "SUM", "TABLE", "THEN", "TIMESTAMP", "TOP", "TRUE", "UNION", "UPDATE", "USING",
    "VALUES", "VARCHAR", "VIEW", "WHEN", "WHERE", "WITH", "YEAR", "ZSTD",
};
const size_t sql_keyword_count = sizeof sql_keywords / sizeof sql_keywords[0];
