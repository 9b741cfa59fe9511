/* The abstract syntax tree the parser builds and the binder reads. Every node starts with a
 * shoal_ast_node (tag + location of its first token), so any node can be handled as a
 * shoal_ast_node * and inspected with shoal_is_a / shoal_cast (PostgreSQL's NodeTag habit).
 * A statement's whole tree lives in one shoal_arena: no node is ever freed on its own. */
#ifndef SHOAL_SQL_AST_H
#define SHOAL_SQL_AST_H

#include "runtime/memory.h"
#include "sql/lexer.h"

#include <stdbool.h>
#include <stdint.h>

/* X(TAG, struct-name suffix): one entry per node kind. */
#define SHOAL_AST_NODE_KINDS(X)                                                                 \
    /* statements */                                                                            \
    X(STATEMENT, statement)                                                                     \
    X(CREATE_SCHEMA, create_schema)                                                             \
    X(CREATE_TABLE, create_table)                                                               \
    X(COLUMN_DEF, column_def)                                                                   \
    X(TABLE_CONSTRAINT, table_constraint)                                                       \
    X(CREATE_VIEW, create_view)                                                                 \
    X(DROP, drop)                                                                               \
    X(COPY, copy)                                                                               \
    X(CALL, call)                                                                               \
    X(INSERT, insert)                                                                           \
    X(EXPLAIN, explain)                                                                         \
    X(SET, set)                                                                                 \
    X(SHOW, show)                                                                               \
    /* queries */                                                                               \
    X(QUERY, query)                                                                             \
    X(CTE, cte)                                                                                 \
    X(SET_OPERATION, set_operation)                                                             \
    X(SELECT, select)                                                                           \
    X(TARGET, target)                                                                           \
    X(TABLE_REF, table_ref)                                                                     \
    X(SUBQUERY_REF, subquery_ref)                                                               \
    X(JOIN, join)                                                                               \
    X(SORT_ITEM, sort_item)                                                                     \
    X(WINDOW_SPEC, window_spec)                                                                 \
    /* expressions */                                                                           \
    X(LITERAL, literal)                                                                         \
    X(COLUMN_REF, column_ref)                                                                   \
    X(STAR, star)                                                                               \
    X(UNARY, unary)                                                                             \
    X(BINARY, binary)                                                                           \
    X(BOOL_EXPR, bool_expr)                                                                     \
    X(FUNC_CALL, func_call)                                                                     \
    X(CASE_EXPR, case_expr)                                                                     \
    X(CASE_WHEN, case_when)                                                                     \
    X(CAST_EXPR, cast_expr)                                                                     \
    X(BETWEEN, between)                                                                         \
    X(IN_LIST, in_list)                                                                         \
    X(LIKE, like)                                                                               \
    X(IS_TEST, is_test)                                                                         \
    X(SUBQUERY_EXPR, subquery_expr)                                                             \
    X(ROW, row)                                                                                 \
    X(DATEPART, datepart)                                                                       \
    X(DEFAULT_VALUE, default_value)                                                             \
    /* names and types */                                                                       \
    X(IDENTIFIER, identifier)                                                                   \
    X(QUALIFIED_NAME, qualified_name)                                                           \
    X(TYPE_NAME, type_name)

typedef enum shoal_ast_tag {
    SHOAL_AST_INVALID = 0,
#define SHOAL_AST_TAG_ENUM(TAG, name) SHOAL_AST_##TAG,
    SHOAL_AST_NODE_KINDS(SHOAL_AST_TAG_ENUM)
#undef SHOAL_AST_TAG_ENUM
    SHOAL_AST_TAG_COUNT
} shoal_ast_tag;

/* Lets the helper macros find a tag from a struct name: SHOAL_AST_TAG_OF_select == SHOAL_AST_SELECT. */
enum {
#define SHOAL_AST_TAG_ALIAS(TAG, name) SHOAL_AST_TAG_OF_##name = SHOAL_AST_##TAG,
    SHOAL_AST_NODE_KINDS(SHOAL_AST_TAG_ALIAS)
#undef SHOAL_AST_TAG_ALIAS
};

#define SHOAL_AST_TYPEDEF(TAG, name) typedef struct shoal_ast_##name shoal_ast_##name;
SHOAL_AST_NODE_KINDS(SHOAL_AST_TYPEDEF)
#undef SHOAL_AST_TYPEDEF

/* The first field of every node. */
typedef struct shoal_ast_node {
    shoal_ast_tag tag;
    shoal_location loc; /* of the node's first token */
} shoal_ast_node;

/* A growable array of nodes, embedded by value (an empty list is all zeroes). */
typedef struct shoal_ast_list {
    int count;
    int capacity;
    shoal_ast_node **items;
} shoal_ast_list;

/* ---- node helpers: make_node / is_a / cast ---- */

void *shoal_ast_alloc_node(shoal_arena *arena, size_t size, shoal_ast_tag tag, shoal_location loc);
/* `node` as its tag demands; NULL stays NULL; a mismatch is an internal error (aborts, naming
 * both tags). */
void *shoal_ast_checked_cast(const void *node, shoal_ast_tag tag);
const char *shoal_ast_tag_name(shoal_ast_tag tag); /* "SELECT", "FUNC_CALL", ... */

/* shoal_make_node(arena, select, loc) -> shoal_ast_select *, zeroed, tag set. */
#define shoal_make_node(arena, name, loc)                                                      \
    ((shoal_ast_##name *)shoal_ast_alloc_node((arena), sizeof(shoal_ast_##name),                \
                                              (shoal_ast_tag)SHOAL_AST_TAG_OF_##name, (loc)))
/* shoal_is_a(node, select): true when node is non-NULL and a shoal_ast_select. */
#define shoal_is_a(node, name)                                                                  \
    ((node) != NULL && ((const shoal_ast_node *)(node))->tag == (shoal_ast_tag)SHOAL_AST_TAG_OF_##name)
/* shoal_cast(select, node) -> shoal_ast_select * (checked). */
#define shoal_cast(name, node)                                                                  \
    ((shoal_ast_##name *)shoal_ast_checked_cast((node), (shoal_ast_tag)SHOAL_AST_TAG_OF_##name))
/* Any node as its header. */
#define shoal_ast_base(node) ((shoal_ast_node *)(node))

void shoal_ast_list_append(shoal_arena *arena, shoal_ast_list *list, void *node);
static inline shoal_ast_node *shoal_ast_list_at(const shoal_ast_list *list, int i) { return list->items[i]; }

/* ---- names ---- */

/* A name in a list (columns of INSERT, COPY, USING, keys...): keeps its own location. */
struct shoal_ast_identifier {
    shoal_ast_node node;
    const char *name; /* folded to lower case unless it was "quoted" */
};

/* [schema.]name of a table, view, schema or procedure. */
struct shoal_ast_qualified_name {
    shoal_ast_node node;
    const char *schema; /* NULL when not given */
    const char *name;
};

/* ---- types ---- */

typedef enum shoal_ast_type_kind {
    SHOAL_AST_TYPE_SMALLINT = 1, /* SMALLINT, INT2 */
    SHOAL_AST_TYPE_INTEGER,      /* INTEGER, INT, INT4 */
    SHOAL_AST_TYPE_BIGINT,       /* BIGINT, INT8 */
    SHOAL_AST_TYPE_DECIMAL,      /* DECIMAL, NUMERIC [(p[,s])]: default (18,0) */
    SHOAL_AST_TYPE_REAL,         /* REAL, FLOAT4, FLOAT(1..24) */
    SHOAL_AST_TYPE_DOUBLE,       /* DOUBLE PRECISION, FLOAT8, FLOAT, FLOAT(25..53) */
    SHOAL_AST_TYPE_BOOLEAN,      /* BOOLEAN, BOOL */
    SHOAL_AST_TYPE_CHAR,         /* CHAR, CHARACTER, NCHAR [(n)]: default 1; BPCHAR: 256 */
    SHOAL_AST_TYPE_VARCHAR,      /* VARCHAR, CHARACTER VARYING, NVARCHAR, TEXT [(n|MAX)]: default 256 */
    SHOAL_AST_TYPE_DATE,         /* DATE */
    SHOAL_AST_TYPE_TIMESTAMP,    /* TIMESTAMP [WITHOUT TIME ZONE] */
} shoal_ast_type_kind;

#define SHOAL_AST_CHAR_MAX_LENGTH 4096
#define SHOAL_AST_VARCHAR_MAX_LENGTH 65535 /* also VARCHAR(MAX) */
#define SHOAL_AST_DECIMAL_MAX_PRECISION 38

/* A type as written, resolved to its canonical kind with every default filled in, so the
 * binder maps it to an engine type without looking at spellings. */
struct shoal_ast_type_name {
    shoal_ast_node node;
    shoal_ast_type_kind kind;
    int32_t length;    /* CHAR, VARCHAR: characters; 0 otherwise */
    int32_t precision; /* DECIMAL; 0 otherwise */
    int32_t scale;     /* DECIMAL; 0 otherwise */
};

/* ---- date parts and intervals ---- */

typedef enum shoal_datepart_kind {
    SHOAL_DATEPART_MILLENNIUM = 1,
    SHOAL_DATEPART_CENTURY,
    SHOAL_DATEPART_DECADE,
    SHOAL_DATEPART_YEAR,
    SHOAL_DATEPART_QUARTER,
    SHOAL_DATEPART_MONTH,
    SHOAL_DATEPART_WEEK,
    SHOAL_DATEPART_DAY,
    SHOAL_DATEPART_DAYOFWEEK, /* dow */
    SHOAL_DATEPART_DAYOFYEAR, /* doy */
    SHOAL_DATEPART_HOUR,
    SHOAL_DATEPART_MINUTE,
    SHOAL_DATEPART_SECOND,
    SHOAL_DATEPART_MILLISECOND,
    SHOAL_DATEPART_MICROSECOND,
    SHOAL_DATEPART_EPOCH,
} shoal_datepart_kind;

/* The date part a word names in Redshift's spelling (year, years, y, yr, yrs, mon, dow, ...;
 * any case), or 0. */
shoal_datepart_kind shoal_datepart_lookup(const char *word);
const char *shoal_datepart_name(shoal_datepart_kind part); /* canonical lower-case name */

/* An interval value, PostgreSQL's representation: months, days and microseconds are kept
 * apart because a month has no fixed number of days, nor a day of microseconds (DST). */
typedef struct shoal_ast_interval {
    int32_t months;
    int32_t days;
    int64_t micros;
} shoal_ast_interval;

typedef enum shoal_interval_status {
    SHOAL_INTERVAL_OK = 0,
    SHOAL_INTERVAL_BAD_SYNTAX,   /* "invalid input syntax for type interval" (SQLSTATE 22007) */
    SHOAL_INTERVAL_OUT_OF_RANGE, /* "interval field value out of range" (SQLSTATE 22008) */
} shoal_interval_status;

/* Parses interval text: a sequence of "<number> <unit>" (unit: a date part name from year to
 * microsecond, singular, plural or abbreviated; numbers may be signed and fractional, a
 * fraction cascading into the smaller fields: '1.5 months' = 1 month 15 days), optional
 * "hh:mm[:ss[.ffffff]]" and a final "ago". A lone number takes `default_unit` (the qualifier
 * in INTERVAL '90' DAY), seconds when that is 0. *out is set only on SHOAL_INTERVAL_OK. */
shoal_interval_status shoal_interval_parse(const char *text, shoal_datepart_kind default_unit,
                                           shoal_ast_interval *out);
const char *shoal_interval_status_message(shoal_interval_status status);

/* ---- statements ---- */

/* One parsed statement: the body says which (CREATE_TABLE, QUERY, COPY, ...). */
struct shoal_ast_statement {
    shoal_ast_node node;
    shoal_ast_node *body;
    size_t offset, length; /* the statement's source text, without the terminating ';' */
};

struct shoal_ast_create_schema {
    shoal_ast_node node;
    const char *name;
    bool if_not_exists;
};

typedef enum shoal_ast_nullability {
    SHOAL_AST_NULLABILITY_UNSPECIFIED = 0,
    SHOAL_AST_NULLABLE,     /* NULL */
    SHOAL_AST_NOT_NULLABLE, /* NOT NULL */
} shoal_ast_nullability;

struct shoal_ast_column_def {
    shoal_ast_node node;
    const char *name;
    shoal_ast_type_name *type;
    shoal_ast_nullability nullability;
    shoal_ast_node *default_value; /* NULL when none */
    bool primary_key, unique;
    bool distkey, sortkey;       /* column-level DISTKEY / SORTKEY */
    bool identity;               /* IDENTITY(seed, step) */
    int64_t identity_seed, identity_step;
    const char *encoding;        /* ENCODE x, lower case; NULL when not given */
    shoal_ast_qualified_name *references_table; /* REFERENCES t [(c)]; NULL when none */
    shoal_ast_list references_columns;          /* identifier */
};

typedef enum shoal_ast_constraint_kind {
    SHOAL_AST_CONSTRAINT_PRIMARY_KEY = 1,
    SHOAL_AST_CONSTRAINT_UNIQUE,
    SHOAL_AST_CONSTRAINT_FOREIGN_KEY,
} shoal_ast_constraint_kind;

struct shoal_ast_table_constraint {
    shoal_ast_node node;
    shoal_ast_constraint_kind kind;
    const char *name;      /* CONSTRAINT name; NULL when not given */
    shoal_ast_list columns; /* identifier */
    shoal_ast_qualified_name *references_table; /* FOREIGN KEY only */
    shoal_ast_list references_columns;          /* identifier; may be empty */
};

typedef enum shoal_ast_diststyle {
    SHOAL_AST_DISTSTYLE_UNSPECIFIED = 0,
    SHOAL_AST_DISTSTYLE_EVEN,
    SHOAL_AST_DISTSTYLE_KEY,
    SHOAL_AST_DISTSTYLE_ALL,
    SHOAL_AST_DISTSTYLE_AUTO,
} shoal_ast_diststyle;

typedef enum shoal_ast_sortkey_style {
    SHOAL_AST_SORTKEY_NONE = 0,
    SHOAL_AST_SORTKEY_COMPOUND, /* SORTKEY (..) or COMPOUND SORTKEY (..) */
    SHOAL_AST_SORTKEY_INTERLEAVED,
    SHOAL_AST_SORTKEY_AUTO,     /* SORTKEY AUTO */
} shoal_ast_sortkey_style;

/* The table attributes are stored as written; combining them with the column-level
 * DISTKEY/SORTKEY flags (and rejecting conflicts) is the binder's job. */
struct shoal_ast_create_table {
    shoal_ast_node node;
    shoal_ast_qualified_name *name;
    bool if_not_exists, temporary;
    shoal_ast_list columns;     /* column_def */
    shoal_ast_list constraints; /* table_constraint */
    shoal_ast_diststyle diststyle;
    shoal_ast_identifier *distkey; /* DISTKEY (col); NULL when not given */
    shoal_ast_sortkey_style sortkey_style;
    shoal_ast_list sortkey;     /* identifier */
};

struct shoal_ast_create_view {
    shoal_ast_node node;
    shoal_ast_qualified_name *name;
    bool or_replace;
    shoal_ast_list columns; /* identifier; may be empty */
    shoal_ast_query *query;
};

typedef enum shoal_ast_object_kind {
    SHOAL_AST_OBJECT_TABLE = 1,
    SHOAL_AST_OBJECT_VIEW,
    SHOAL_AST_OBJECT_SCHEMA,
} shoal_ast_object_kind;

typedef enum shoal_ast_drop_behavior {
    SHOAL_AST_DROP_DEFAULT = 0,
    SHOAL_AST_DROP_CASCADE,
    SHOAL_AST_DROP_RESTRICT,
} shoal_ast_drop_behavior;

struct shoal_ast_drop {
    shoal_ast_node node;
    shoal_ast_object_kind object;
    bool if_exists;
    shoal_ast_list names; /* qualified_name */
    shoal_ast_drop_behavior behavior;
};

typedef enum shoal_ast_copy_format {
    SHOAL_AST_COPY_FORMAT_TEXT = 0, /* delimited text, the default */
    SHOAL_AST_COPY_FORMAT_CSV,      /* CSV or FORMAT [AS] CSV */
    SHOAL_AST_COPY_FORMAT_JSON,
    SHOAL_AST_COPY_FORMAT_PARQUET,
    SHOAL_AST_COPY_FORMAT_AVRO,
    SHOAL_AST_COPY_FORMAT_ORC,
} shoal_ast_copy_format;

typedef enum shoal_ast_copy_compression {
    SHOAL_AST_COPY_UNCOMPRESSED = 0,
    SHOAL_AST_COPY_GZIP,
    SHOAL_AST_COPY_ZSTD,
    SHOAL_AST_COPY_BZIP2,
    SHOAL_AST_COPY_LZOP,
} shoal_ast_copy_compression;

/* COPY's option-less flags, one bit each (shoal_ast_copy.flags). */
#define SHOAL_AST_COPY_EMPTYASNULL (1u << 0)
#define SHOAL_AST_COPY_BLANKSASNULL (1u << 1)
#define SHOAL_AST_COPY_TRUNCATECOLUMNS (1u << 2)
#define SHOAL_AST_COPY_REMOVEQUOTES (1u << 3)
#define SHOAL_AST_COPY_ESCAPE (1u << 4)
#define SHOAL_AST_COPY_FILLRECORD (1u << 5)
#define SHOAL_AST_COPY_TRIMBLANKS (1u << 6)
#define SHOAL_AST_COPY_IGNOREBLANKLINES (1u << 7)
#define SHOAL_AST_COPY_ACCEPTANYDATE (1u << 8)
#define SHOAL_AST_COPY_EXPLICIT_IDS (1u << 9)
#define SHOAL_AST_COPY_MANIFEST (1u << 10)

/* The flags' spellings (upper case), for the parser and the printer. */
typedef struct shoal_ast_copy_flag_spelling {
    uint32_t flag;
    const char *name;
} shoal_ast_copy_flag_spelling;
extern const shoal_ast_copy_flag_spelling shoal_ast_copy_flag_spellings[];
extern const int shoal_ast_copy_flag_count;

/* COPY t [(cols)] FROM 'source' [options]: each option at most once, in any order. Strings are
 * NULL and numbers -1 when not given. IAM_ROLE, CREDENTIALS and REGION are recorded only. */
struct shoal_ast_copy {
    shoal_ast_node node;
    shoal_ast_qualified_name *table;
    shoal_ast_list columns; /* identifier; may be empty */
    const char *source;
    shoal_ast_copy_format format;
    const char *format_argument; /* FORMAT AS JSON 'auto' */
    shoal_ast_copy_compression compression;
    const char *delimiter, *quote, *null_as, *date_format, *time_format;
    const char *iam_role, *credentials, *region;
    int64_t ignore_header; /* header lines to skip */
    int64_t max_errors;    /* MAXERROR */
    uint32_t flags;        /* SHOAL_AST_COPY_* */
};

struct shoal_ast_call {
    shoal_ast_node node;
    shoal_ast_qualified_name *procedure;
    shoal_ast_list args; /* expressions */
};

/* INSERT INTO t [(cols)] VALUES (..), .. | query | DEFAULT VALUES: exactly one of rows
 * (non-empty), query, default_values. */
struct shoal_ast_insert {
    shoal_ast_node node;
    shoal_ast_qualified_name *table;
    shoal_ast_list columns; /* identifier; may be empty */
    shoal_ast_list rows;    /* row: expressions or default_value */
    shoal_ast_query *query;
    bool default_values;
};

struct shoal_ast_explain {
    shoal_ast_node node;
    bool analyze, verbose;
    shoal_ast_node *statement; /* the explained statement's body */
};

/* SET name = value[, ...] | SET name TO DEFAULT. Values are literals, or identifiers for bare
 * words (SET search_path TO tpch, public; SET x = on). */
struct shoal_ast_set {
    shoal_ast_node node;
    const char *name;
    shoal_ast_list values;
    bool to_default;
};

struct shoal_ast_show {
    shoal_ast_node node;
    const char *name; /* "all" for SHOW ALL */
};

/* ---- queries ---- */

/* A complete query: [WITH ...] body [ORDER BY ...] [LIMIT ...] [OFFSET ...]. The body is a
 * select, a set_operation, or a parenthesized query that has its own ORDER BY / LIMIT. */
struct shoal_ast_query {
    shoal_ast_node node;
    bool recursive;      /* WITH RECURSIVE */
    shoal_ast_list ctes; /* cte */
    shoal_ast_node *body;
    shoal_ast_list order_by; /* sort_item */
    shoal_ast_node *limit;   /* NULL: none (or LIMIT ALL) */
    bool limit_all;
    shoal_ast_node *offset;
};

struct shoal_ast_cte {
    shoal_ast_node node;
    const char *name;
    shoal_ast_list columns; /* identifier; may be empty */
    shoal_ast_query *query;
};

typedef enum shoal_ast_set_op {
    SHOAL_AST_UNION = 1,
    SHOAL_AST_INTERSECT,
    SHOAL_AST_EXCEPT, /* EXCEPT or MINUS */
} shoal_ast_set_op;

/* left op [ALL] right: operands are select, set_operation or query nodes. */
struct shoal_ast_set_operation {
    shoal_ast_node node;
    shoal_ast_set_op op;
    bool all;
    shoal_ast_node *left, *right;
};

/* One SELECT block. GROUP BY items are expressions; an integer literal there (and in ORDER
 * BY) is an output-column ordinal for the binder to resolve. */
struct shoal_ast_select {
    shoal_ast_node node;
    bool distinct;
    shoal_ast_node *top;    /* TOP n; NULL when none */
    shoal_ast_list targets; /* target */
    shoal_ast_list from;    /* table_ref, subquery_ref, join; comma-separated items */
    shoal_ast_node *where;
    shoal_ast_list group_by;
    shoal_ast_node *having;
    shoal_ast_node *qualify;
};

/* An item of the select list: expr [AS alias]; expr may be a star (*, t.*). */
struct shoal_ast_target {
    shoal_ast_node node;
    shoal_ast_node *expr;
    const char *alias; /* NULL when none */
};

struct shoal_ast_table_ref {
    shoal_ast_node node;
    shoal_ast_qualified_name *name;
    const char *alias;             /* NULL when none */
    shoal_ast_list column_aliases; /* identifier */
};

struct shoal_ast_subquery_ref {
    shoal_ast_node node;
    shoal_ast_query *query;
    const char *alias; /* NULL when none: the binder may insist on one */
    shoal_ast_list column_aliases;
};

typedef enum shoal_ast_join_kind {
    SHOAL_AST_JOIN_INNER = 1,
    SHOAL_AST_JOIN_LEFT,
    SHOAL_AST_JOIN_RIGHT,
    SHOAL_AST_JOIN_FULL,
    SHOAL_AST_JOIN_CROSS,
} shoal_ast_join_kind;

/* left [NATURAL] kind JOIN right [ON on | USING (cols)]: at most one of natural, on,
 * using_columns; none for CROSS. */
struct shoal_ast_join {
    shoal_ast_node node;
    shoal_ast_join_kind kind;
    bool natural;
    shoal_ast_node *left, *right;
    shoal_ast_node *on;
    shoal_ast_list using_columns; /* identifier */
};

typedef enum shoal_ast_sort_direction {
    SHOAL_AST_SORT_DEFAULT = 0, /* ascending */
    SHOAL_AST_SORT_ASC,
    SHOAL_AST_SORT_DESC,
} shoal_ast_sort_direction;

typedef enum shoal_ast_nulls_order {
    SHOAL_AST_NULLS_DEFAULT = 0, /* NULLS LAST ascending, NULLS FIRST descending */
    SHOAL_AST_NULLS_FIRST,
    SHOAL_AST_NULLS_LAST,
} shoal_ast_nulls_order;

struct shoal_ast_sort_item {
    shoal_ast_node node;
    shoal_ast_node *expr;
    shoal_ast_sort_direction direction;
    shoal_ast_nulls_order nulls;
};

typedef enum shoal_ast_frame_mode {
    SHOAL_AST_FRAME_NONE = 0, /* no frame clause: the default frame */
    SHOAL_AST_FRAME_ROWS,
    SHOAL_AST_FRAME_RANGE,
} shoal_ast_frame_mode;

typedef enum shoal_ast_frame_bound_kind {
    SHOAL_AST_BOUND_UNBOUNDED_PRECEDING = 1,
    SHOAL_AST_BOUND_PRECEDING, /* offset PRECEDING */
    SHOAL_AST_BOUND_CURRENT_ROW,
    SHOAL_AST_BOUND_FOLLOWING, /* offset FOLLOWING */
    SHOAL_AST_BOUND_UNBOUNDED_FOLLOWING,
} shoal_ast_frame_bound_kind;

typedef struct shoal_ast_frame_bound {
    shoal_ast_frame_bound_kind kind;
    shoal_ast_node *offset; /* PRECEDING / FOLLOWING only */
} shoal_ast_frame_bound;

/* OVER ([PARTITION BY ..] [ORDER BY ..] [frame]). `ROWS x` alone means BETWEEN x AND CURRENT
 * ROW and is stored that way. */
struct shoal_ast_window_spec {
    shoal_ast_node node;
    shoal_ast_list partition_by;
    shoal_ast_list order_by; /* sort_item */
    shoal_ast_frame_mode frame_mode;
    shoal_ast_frame_bound frame_start, frame_end;
};

/* ---- expressions ---- */

typedef enum shoal_ast_literal_kind {
    SHOAL_AST_LITERAL_NULL = 1,
    SHOAL_AST_LITERAL_BOOLEAN,   /* boolean */
    SHOAL_AST_LITERAL_INTEGER,   /* integer; text as written (with '-' when negated) */
    SHOAL_AST_LITERAL_DECIMAL,   /* text: digits with a '.', or an integer too big for int64 */
    SHOAL_AST_LITERAL_FLOAT,     /* text: with an exponent */
    SHOAL_AST_LITERAL_STRING,    /* text, unescaped */
    SHOAL_AST_LITERAL_DATE,      /* DATE 'text' (checked by the binder) */
    SHOAL_AST_LITERAL_TIMESTAMP, /* TIMESTAMP 'text' (checked by the binder) */
    SHOAL_AST_LITERAL_INTERVAL,  /* interval, parsed; text as written */
} shoal_ast_literal_kind;

struct shoal_ast_literal {
    shoal_ast_node node;
    shoal_ast_literal_kind kind;
    const char *text;
    int64_t integer;
    bool boolean;
    shoal_ast_interval interval;
};

/* [[schema.]table.]column */
struct shoal_ast_column_ref {
    shoal_ast_node node;
    const char *schema, *table; /* NULL when not given */
    const char *column;
};

/* * or [schema.]table.* */
struct shoal_ast_star {
    shoal_ast_node node;
    const char *schema, *table; /* NULL when not given */
};

typedef enum shoal_ast_unary_op {
    SHOAL_AST_NEGATE = 1, /* -x (a minus before a numeric literal is folded into it) */
    SHOAL_AST_NOT,
} shoal_ast_unary_op;

struct shoal_ast_unary {
    shoal_ast_node node;
    shoal_ast_unary_op op;
    shoal_ast_node *operand;
};

typedef enum shoal_ast_binary_op {
    SHOAL_AST_OP_EQ = 1,
    SHOAL_AST_OP_NE,
    SHOAL_AST_OP_LT,
    SHOAL_AST_OP_LE,
    SHOAL_AST_OP_GT,
    SHOAL_AST_OP_GE,
    SHOAL_AST_OP_ADD,
    SHOAL_AST_OP_SUB,
    SHOAL_AST_OP_MUL,
    SHOAL_AST_OP_DIV,
    SHOAL_AST_OP_MOD,
    SHOAL_AST_OP_CONCAT,
} shoal_ast_binary_op;

struct shoal_ast_binary {
    shoal_ast_node node;
    shoal_ast_binary_op op;
    shoal_ast_node *left, *right;
    shoal_location op_loc; /* of the operator, for "operator does not exist" errors */
};

typedef enum shoal_ast_bool_op {
    SHOAL_AST_AND = 1,
    SHOAL_AST_OR,
} shoal_ast_bool_op;

/* a AND b AND c as one node with three args (nested ANDs are flattened as they are built, so
 * long conjunctions stay shallow). */
struct shoal_ast_bool_expr {
    shoal_ast_node node;
    shoal_ast_bool_op op;
    shoal_ast_list args;
};

/* How a function call was written: the printer uses it to write it back the same way; the
 * binder can ignore it (name and args already say everything). */
typedef enum shoal_ast_func_syntax {
    SHOAL_AST_CALL_PLAIN = 0,   /* f(a, b) */
    SHOAL_AST_CALL_NO_PARENS,   /* current_date, current_timestamp, sysdate */
    SHOAL_AST_CALL_EXTRACT,     /* EXTRACT(part FROM x): date_part(part, x) */
    SHOAL_AST_CALL_SUBSTRING,   /* SUBSTRING(x FROM a [FOR b]): substring(x, a[, b]) */
    SHOAL_AST_CALL_POSITION,    /* POSITION(a IN b): position(a, b) */
    SHOAL_AST_CALL_TRIM,        /* TRIM([BOTH|LEADING|TRAILING] [c] FROM x): btrim/ltrim/rtrim(x[, c]) */
} shoal_ast_func_syntax;

/* name(args): aggregates and window functions too. Date-part arguments (DATEADD, DATEDIFF,
 * DATE_PART, DATE_TRUNC, EXTRACT) arrive as datepart nodes. */
struct shoal_ast_func_call {
    shoal_ast_node node;
    const char *schema; /* NULL when not given */
    const char *name;   /* lower case */
    shoal_ast_list args;
    bool distinct; /* COUNT(DISTINCT x) */
    bool star;     /* COUNT(*): args empty */
    shoal_ast_func_syntax syntax;
    shoal_ast_node *filter;     /* FILTER (WHERE ..) */
    shoal_ast_list within_group; /* WITHIN GROUP (ORDER BY ..): sort_item */
    shoal_ast_window_spec *over; /* OVER (..); NULL when not a window call */
};

/* CASE [operand] WHEN .. THEN .. [ELSE ..] END */
struct shoal_ast_case_expr {
    shoal_ast_node node;
    shoal_ast_node *operand; /* NULL for the searched form */
    shoal_ast_list whens;    /* case_when */
    shoal_ast_node *else_result;
};

struct shoal_ast_case_when {
    shoal_ast_node node;
    shoal_ast_node *condition; /* or the value compared with the operand */
    shoal_ast_node *result;
};

/* CAST(x AS type) and x::type */
struct shoal_ast_cast_expr {
    shoal_ast_node node;
    shoal_ast_node *expr;
    shoal_ast_type_name *type;
};

struct shoal_ast_between {
    shoal_ast_node node;
    shoal_ast_node *expr, *low, *high;
    bool negated;
};

/* x [NOT] IN (a, b, ...) */
struct shoal_ast_in_list {
    shoal_ast_node node;
    shoal_ast_node *expr;
    shoal_ast_list items;
    bool negated;
};

typedef enum shoal_ast_like_kind {
    SHOAL_AST_LIKE_LIKE = 1,
    SHOAL_AST_LIKE_ILIKE,
    SHOAL_AST_LIKE_SIMILAR, /* SIMILAR TO */
} shoal_ast_like_kind;

struct shoal_ast_like {
    shoal_ast_node node;
    shoal_ast_like_kind kind;
    shoal_ast_node *expr, *pattern;
    shoal_ast_node *escape; /* NULL when none */
    bool negated;
};

typedef enum shoal_ast_is_kind {
    SHOAL_AST_IS_NULL = 1,
    SHOAL_AST_IS_TRUE,
    SHOAL_AST_IS_FALSE,
    SHOAL_AST_IS_UNKNOWN,
} shoal_ast_is_kind;

/* x IS [NOT] NULL / TRUE / FALSE / UNKNOWN */
struct shoal_ast_is_test {
    shoal_ast_node node;
    shoal_ast_is_kind test;
    shoal_ast_node *expr;
    bool negated;
};

typedef enum shoal_ast_subquery_kind {
    SHOAL_AST_SUBQUERY_SCALAR = 1, /* (query) */
    SHOAL_AST_SUBQUERY_EXISTS,     /* EXISTS (query); NOT EXISTS is NOT over it */
    SHOAL_AST_SUBQUERY_IN,         /* expr [NOT] IN (query) */
    SHOAL_AST_SUBQUERY_ANY,        /* expr op ANY|SOME (query) */
    SHOAL_AST_SUBQUERY_ALL,        /* expr op ALL (query) */
} shoal_ast_subquery_kind;

struct shoal_ast_subquery_expr {
    shoal_ast_node node;
    shoal_ast_subquery_kind kind;
    shoal_ast_node *expr;   /* IN, ANY, ALL */
    shoal_ast_binary_op op; /* ANY, ALL: a comparison */
    bool negated;           /* NOT IN */
    shoal_ast_query *query;
};

/* (a, b, ...): a row constructor; also a VALUES row of INSERT. */
struct shoal_ast_row {
    shoal_ast_node node;
    shoal_ast_list items;
};

/* A date part written as a word or string where a function expects one: DATEDIFF(day, ..). */
struct shoal_ast_datepart {
    shoal_ast_node node;
    shoal_datepart_kind part;
};

/* DEFAULT in an INSERT ... VALUES row. */
struct shoal_ast_default_value {
    shoal_ast_node node;
};

/* ---- builders: what the grammar actions call (sql/ast_build.c) ---- */

shoal_ast_node *shoal_ast_make_binary(shoal_arena *arena, shoal_ast_binary_op op, shoal_ast_node *left,
                                      shoal_ast_node *right, shoal_location op_loc);
/* left AND/OR right, flattening operands that are already the same operation. */
shoal_ast_node *shoal_ast_make_bool(shoal_arena *arena, shoal_ast_bool_op op, shoal_ast_node *left,
                                    shoal_ast_node *right);
/* -operand; folds into a numeric literal operand. `loc` is the minus sign's. */
shoal_ast_node *shoal_ast_make_negation(shoal_arena *arena, shoal_ast_node *operand, shoal_location loc);
shoal_ast_node *shoal_ast_make_not(shoal_arena *arena, shoal_ast_node *operand, shoal_location loc);
shoal_ast_literal *shoal_ast_make_literal(shoal_arena *arena, shoal_ast_literal_kind kind, const char *text,
                                          shoal_location loc);
/* A number token's literal: INTEGER when it fits int64, DECIMAL when not. */
shoal_ast_literal *shoal_ast_make_number(shoal_arena *arena, shoal_token_kind kind, const char *text,
                                         shoal_location loc);
shoal_ast_identifier *shoal_ast_make_identifier(shoal_arena *arena, const char *name, shoal_location loc);
shoal_ast_func_call *shoal_ast_make_call(shoal_arena *arena, const char *name, shoal_location loc);
shoal_ast_func_call *shoal_ast_make_call1(shoal_arena *arena, const char *name, shoal_ast_node *arg,
                                          shoal_location loc);

/* ---- comparing (sql/ast_equal.c) ---- */

/* True when the two trees say the same thing: same tags and contents all the way down,
 * ignoring source locations, how a call was spelled (SUBSTRING(x FROM 1) = substring(x, 1))
 * and how an interval was written ('1 year' = '12 months'). NULL equals only NULL. */
bool shoal_ast_equal(const void *a, const void *b);

/* ---- printing (sql/ast_print.c) ---- */

/* Canonical SQL for any node (a statement, query, expression, type...), on one line: keywords
 * upper case, identifiers lower case or "quoted", minimal parentheses. Parsing the result gives
 * the same tree back, so printing is a fixed point of parse -> print. In `arena`. */
char *shoal_ast_to_sql(const void *node, shoal_arena *arena);
const char *shoal_ast_binary_op_sql(shoal_ast_binary_op op); /* "=", "<>", "+", "||", ... */
const char *shoal_ast_type_kind_sql(shoal_ast_type_kind kind); /* "INTEGER", "DECIMAL", ... */

#endif
