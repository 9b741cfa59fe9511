/* CUnit tests of engine/loader (the parsing half of COPY): options, every conversion and
 * its error text, NULL rules, CSV quoting, ESCAPE, MAXERROR, compressed input, byte-range
 * splitting at every offset, prefix listing and work planning. Fixtures are written to a
 * private temporary directory at start and removed at the end. */
#include "engine/loader/copy_datetime.h"
#include "engine/loader/copy_files.h"
#include "engine/loader/copy_options.h"
#include "engine/loader/copy_parse.h"

#include <CUnit/Basic.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static char tmpdir[256];

/* ---- fixtures ---- */

static char *fixture_path(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    return p;
}

static const char *write_bytes(const char *name, const void *data, size_t len)
{
    const char *path = fixture_path(name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    if (len) CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static const char *write_text(const char *name, const char *text) { return write_bytes(name, text, strlen(text)); }

/* gzip members (one per piece) of `text` cut into `pieces` parts. */
static const char *write_gzip(const char *name, const char *text, int pieces)
{
    size_t len = strlen(text), cap = len * 2 + 1024 * (size_t)pieces, used = 0;
    unsigned char *out = malloc(cap);
    for (int k = 0; k < pieces; k++) {
        size_t a = len * (size_t)k / (size_t)pieces, b = len * (size_t)(k + 1) / (size_t)pieces;
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        CU_ASSERT_EQUAL_FATAL(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        zs.next_in = (Bytef *)(text + a);
        zs.avail_in = (uInt)(b - a);
        zs.next_out = out + used;
        zs.avail_out = (uInt)(cap - used);
        CU_ASSERT_EQUAL(deflate(&zs, Z_FINISH), Z_STREAM_END);
        used = cap - zs.avail_out;
        deflateEnd(&zs);
    }
    const char *path = write_bytes(name, out, used);
    free(out);
    return path;
}

/* zstd frames (one per piece). */
static const char *write_zstd(const char *name, const char *text, int pieces, size_t *size)
{
    size_t len = strlen(text), cap = ZSTD_compressBound(len) + 64 * (size_t)pieces, used = 0;
    unsigned char *out = malloc(cap);
    for (int k = 0; k < pieces; k++) {
        size_t a = len * (size_t)k / (size_t)pieces, b = len * (size_t)(k + 1) / (size_t)pieces;
        size_t n = ZSTD_compress(out + used, cap - used, text + a, b - a, 3);
        CU_ASSERT_FALSE_FATAL(ZSTD_isError(n));
        used += n;
    }
    const char *path = write_bytes(name, out, used);
    if (size) *size = used;
    free(out);
    return path;
}

/* ---- target columns from a compact spec: "a:I b:V10 c:D15,2! ..." ----
 * I INTEGER, S SMALLINT, B BIGINT, Dp,s DECIMAL, R REAL, F DOUBLE, O BOOLEAN, Cn CHAR(n),
 * Vn VARCHAR(n) (V0: unbounded), T DATE, Z TIMESTAMP; a trailing '!' means NOT NULL. */
typedef struct table {
    shoal_copy_column cols[32];
    char names[32][32];
    shoal_copy_target target;
} table;

static void make_table(table *t, const char *spec)
{
    memset(t, 0, sizeof *t);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    int n = 0;
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *colon = strchr(tok, ':');
        *colon = '\0';
        snprintf(t->names[n], 32, "%s", tok);
        char *ty = colon + 1;
        bool not_null = ty[strlen(ty) - 1] == '!';
        if (not_null) ty[strlen(ty) - 1] = '\0';
        shoal_type type;
        switch (ty[0]) {
        case 'I': type = shoal_type_make(SHOAL_TYPE_INTEGER); break;
        case 'S': type = shoal_type_make(SHOAL_TYPE_SMALLINT); break;
        case 'B': type = shoal_type_make(SHOAL_TYPE_BIGINT); break;
        case 'D': type = shoal_type_decimal(atoi(ty + 1), atoi(strchr(ty, ',') + 1)); break;
        case 'R': type = shoal_type_make(SHOAL_TYPE_REAL); break;
        case 'F': type = shoal_type_make(SHOAL_TYPE_DOUBLE); break;
        case 'O': type = shoal_type_make(SHOAL_TYPE_BOOLEAN); break;
        case 'C': type = shoal_type_string(SHOAL_TYPE_CHAR, (uint32_t)atoi(ty + 1)); break;
        case 'V': type = shoal_type_string(SHOAL_TYPE_VARCHAR, (uint32_t)atoi(ty + 1)); break;
        case 'T': type = shoal_type_make(SHOAL_TYPE_DATE); break;
        default: type = shoal_type_make(SHOAL_TYPE_TIMESTAMP); break;
        }
        t->cols[n] = (shoal_copy_column){t->names[n], type, not_null};
        n++;
    }
    t->target = (shoal_copy_target){"t", t->cols, n};
}

/* ---- options from keyword/value pairs, NULL-terminated ---- */
static shoal_copy_options make_options(const char *first, ...)
{
    shoal_copy_options o;
    shoal_copy_options_init(&o);
    char err[512];
    va_list ap;
    va_start(ap, first);
    for (const char *k = first; k; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        bool ok = shoal_copy_options_set(&o, k, v, err, sizeof err);
        if (!ok) fprintf(stderr, "option %s: %s\n", k, err);
        CU_ASSERT_TRUE(ok);
    }
    va_end(ap);
    bool ok = shoal_copy_options_validate(&o, err, sizeof err);
    if (!ok) fprintf(stderr, "validate: %s\n", err);
    CU_ASSERT_TRUE(ok);
    return o;
}

/* ---- results: every row formatted as "v|v|NULL" ---- */
typedef struct result {
    char **rows;
    size_t count, capacity;
    int batches;
    uint32_t max_batch;
    shoal_load_error_sink errors;
    shoal_copy_status status;
    shoal_copy_stats stats;
} result;

static int collect(shoal_batch *b, void *ctx)
{
    result *res = ctx;
    res->batches++;
    if (b->count > res->max_batch) res->max_batch = b->count;
    for (uint32_t r = 0; r < b->count; r++) {
        char line[8192] = "";
        size_t used = 0;
        for (int c = 0; c < b->column_count; c++) {
            char v[4096];
            if (shoal_vector_is_null(&b->columns[c], r)) snprintf(v, sizeof v, "NULL");
            else shoal_vector_format(&b->columns[c], r, v, sizeof v);
            used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", c ? "|" : "", v);
            if (used >= sizeof line) used = sizeof line - 1;
        }
        if (res->count == res->capacity) {
            res->capacity = res->capacity ? res->capacity * 2 : 64;
            res->rows = realloc(res->rows, res->capacity * sizeof *res->rows);
        }
        res->rows[res->count++] = strdup(line);
    }
    return 0;
}

static void result_init(result *res)
{
    memset(res, 0, sizeof *res);
    shoal_load_error_sink_init(&res->errors);
}

static void result_free(result *res)
{
    for (size_t i = 0; i < res->count; i++) free(res->rows[i]);
    free(res->rows);
    shoal_load_error_sink_free(&res->errors);
    memset(res, 0, sizeof *res);
}

static void parse_range(result *res, const shoal_copy_options *o, const char *path, int64_t start, int64_t end,
                        const table *t)
{
    shoal_copy_range range = {path, -1, start, end};
    res->status = shoal_copy_parse_range(o, &range, &t->target, collect, res, &res->errors, &res->stats);
}

static void parse(result *res, const shoal_copy_options *o, const char *path, const table *t)
{
    result_init(res);
    parse_range(res, o, path, 0, -1, t);
}

/* Joins the rows with '\n' for one comparison (CU shows the mismatch when printed). */
static char *joined(const result *res)
{
    size_t n = 1;
    for (size_t i = 0; i < res->count; i++) n += strlen(res->rows[i]) + 1;
    char *s = malloc(n), *p = s;
    *p = '\0';
    for (size_t i = 0; i < res->count; i++) p += sprintf(p, "%s\n", res->rows[i]);
    return s;
}

#define ASSERT_ROWS(res, expected)                                                  \
    do {                                                                            \
        char *got_ = joined(res);                                                   \
        if (strcmp(got_, expected) != 0) fprintf(stderr, "\nexpected:\n%sgot:\n%s", expected, got_); \
        CU_ASSERT_STRING_EQUAL(got_, expected);                                     \
        free(got_);                                                                 \
    } while (0)

static bool has_reason(const result *res, size_t i, const char *part)
{
    if (i >= res->errors.count) return false;
    bool ok = strstr(res->errors.errors[i].err_reason, part) != NULL;
    if (!ok) fprintf(stderr, "\nerror %zu reason '%s' lacks '%s'\n", i, res->errors.errors[i].err_reason, part);
    return ok;
}

/* ---- tests ---- */

static void test_options(void)
{
    shoal_copy_options o;
    char err[512];
    shoal_copy_options_init(&o);
    CU_ASSERT_TRUE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_EQUAL(shoal_copy_delimiter(&o), '|');
    CU_ASSERT_STRING_EQUAL(o.null_as, "\\N");
    CU_ASSERT_EQUAL(o.max_error, 0);
    CU_ASSERT_EQUAL(o.compression, SHOAL_COPY_COMPRESSION_NONE);

    CU_ASSERT_TRUE(shoal_copy_options_set(&o, "csv", NULL, err, sizeof err));
    CU_ASSERT_TRUE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_EQUAL(shoal_copy_delimiter(&o), ',');
    CU_ASSERT_EQUAL(o.quote, '"');

    shoal_copy_options_init(&o);
    CU_ASSERT_FALSE(shoal_copy_options_set(&o, "DELIMITER", "ab", err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "single character"));
    CU_ASSERT_TRUE(shoal_copy_options_set(&o, "DELIMITER", "\\t", err, sizeof err));
    CU_ASSERT_EQUAL(o.delimiter, '\t');
    CU_ASSERT_TRUE(shoal_copy_options_validate(&o, err, sizeof err));

    shoal_copy_options_init(&o);
    shoal_copy_options_set(&o, "CSV", NULL, err, sizeof err);
    shoal_copy_options_set(&o, "QUOTE", ",", err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "DELIMITER and QUOTE must differ"));

    shoal_copy_options_init(&o);
    shoal_copy_options_set(&o, "QUOTE", "'", err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "QUOTE can only be used with CSV"));

    shoal_copy_options_init(&o);
    shoal_copy_options_set(&o, "CSV", NULL, err, sizeof err);
    shoal_copy_options_set(&o, "ESCAPE", NULL, err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "ESCAPE cannot be used with CSV"));

    shoal_copy_options_init(&o);
    CU_ASSERT_TRUE(shoal_copy_options_set(&o, "GZIP", NULL, err, sizeof err));
    CU_ASSERT_FALSE(shoal_copy_options_set(&o, "ZSTD", NULL, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "GZIP and ZSTD"));

    shoal_copy_options_init(&o);
    CU_ASSERT_FALSE(shoal_copy_options_set(&o, "MAXERROR", "-1", err, sizeof err));
    CU_ASSERT_FALSE(shoal_copy_options_set(&o, "MAXERROR", "x", err, sizeof err));
    CU_ASSERT_TRUE(shoal_copy_options_set(&o, "MAXERROR", "5000000", err, sizeof err));
    CU_ASSERT_TRUE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_EQUAL(o.max_error, SHOAL_COPY_MAXERROR_LIMIT);

    shoal_copy_options_init(&o);
    CU_ASSERT_FALSE(shoal_copy_options_set(&o, "FROBNICATE", NULL, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown COPY option 'FROBNICATE'"));
    CU_ASSERT_FALSE(shoal_copy_options_set(&o, "EMPTYASNULL", "yes", err, sizeof err));

    shoal_copy_options_init(&o);
    shoal_copy_options_set(&o, "DATEFORMAT", "YYYY-QQ-DD", err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid DATEFORMAT"));
    shoal_copy_options_set(&o, "DATEFORMAT", "MM/YYYY", err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "needs a year"));

    shoal_copy_options_init(&o);
    shoal_copy_options_set(&o, "DELIMITER", "\n", err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));
    shoal_copy_options_init(&o);
    shoal_copy_options_set(&o, "NULL AS", "a|b", err, sizeof err);
    CU_ASSERT_FALSE(shoal_copy_options_validate(&o, err, sizeof err));

    /* the parser refuses options that were not validated */
    table t;
    make_table(&t, "a:I");
    result res;
    shoal_copy_options_init(&o);
    parse(&res, &o, write_text("opts.tbl", "1\n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_INVALID);
    result_free(&res);
}

static void test_basic_types(void)
{
    table t;
    make_table(&t, "s:S i:I b:B d:D15,2 w:D30,4 r:R f:F o:O c:C5 v:V10 dt:T ts:Z");
    shoal_copy_options o = make_options(NULL);
    const char *path = write_text("types.tbl",
                                  "-7|2147483647|-9223372036854775808|12345.67|-123456789012345678901234.5678|1.5|2.25|t|ab|hello|1996-03-13|1996-03-13 10:11:12\n"
                                  "32767|-2147483648|9223372036854775807|-0.5|0|0|-1e10|false|abcde|é|2000-02-29|2000-01-01 00:00:00.250\n"
                                  "0|0|0|.5|1|1|1|1|x|x|1970-01-01|1970-01-01\n");
    result res;
    parse(&res, &o, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "-7|2147483647|-9223372036854775808|12345.67|-123456789012345678901234.5678|1.5|2.25|t|ab|hello|1996-03-13|1996-03-13 10:11:12\n"
                      "32767|-2147483648|9223372036854775807|-0.50|0.0000|0|-10000000000|f|abcde|é|2000-02-29|2000-01-01 00:00:00.250000\n"
                      "0|0|0|0.50|1.0000|1|1|t|x|x|1970-01-01|1970-01-01 00:00:00\n");
    CU_ASSERT_EQUAL(res.stats.rows_loaded, 3);
    CU_ASSERT_EQUAL(res.stats.lines, 3);
    CU_ASSERT_EQUAL(res.errors.error_count, 0);
    result_free(&res);
}

static void test_dbgen_trailing_delimiter(void)
{
    table t2, t3;
    make_table(&t2, "a:I b:V10");
    make_table(&t3, "a:I b:V10 c:V10");
    shoal_copy_options o = make_options("MAXERROR", "10", NULL);
    const char *path = write_text("trail.tbl", "1|abc|\n2|def|\n3|ghi||\n4|jkl\n");
    result res;
    parse(&res, &o, path, &t2);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|abc\n2|def\n4|jkl\n");
    CU_ASSERT_EQUAL(res.errors.count, 1);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Extra column(s) found"));
    CU_ASSERT_EQUAL(res.errors.errors[0].line_number, 3);
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1202);
    result_free(&res);

    /* with three columns the trailing '|' ends an empty third field */
    parse(&res, &o, path, &t3);
    ASSERT_ROWS(&res, "1|abc|\n2|def|\n3|ghi|\n");
    CU_ASSERT_EQUAL(res.errors.count, 1);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Delimiter not found"));
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].colname, "c");
    CU_ASSERT_EQUAL(res.errors.errors[0].line_number, 4);
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1214);
    result_free(&res);
}

static void test_crlf(void)
{
    table t;
    make_table(&t, "a:I b:V10");
    shoal_copy_options o = make_options(NULL);
    result res;
    parse(&res, &o, write_text("crlf.tbl", "1|ab\r\n2|cd|\r\n3|\r\n4|x\r"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|ab\n2|cd\n3|\n4|x\n");
    result_free(&res);

    shoal_copy_options csv = make_options("CSV", NULL, NULL);
    parse(&res, &csv, write_text("crlf.csv", "1,\"a\r\nb\"\r\n2,\"x\"\r\n3,y\r\n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|a\r\nb\n2|x\n3|y\n");
    result_free(&res);
}

static void test_csv_quotes(void)
{
    table t;
    make_table(&t, "a:I b:V0 c:V0");
    shoal_copy_options o = make_options("CSV", NULL, "MAXERROR", "10", NULL);
    const char *path = write_text("quotes.csv",
                                  "1,\"a,b\",plain\n"
                                  "2,\"he said \"\"hi\"\"\",\"\"\n"
                                  "3,\"multi\nline\",x\n"
                                  "4,\"abc\"x,y\n"
                                  "5,mid\"quote,z\n"
                                  "6,\"last\"\n"
                                  "7,\"a\",\"open\n");
    result res;
    parse(&res, &o, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|a,b|plain\n2|he said \"hi\"|\n3|multi\nline|x\n5|mid\"quote|z\n");
    CU_ASSERT_EQUAL(res.errors.count, 3);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Invalid quote formatting for CSV"));
    CU_ASSERT_EQUAL(res.errors.errors[0].line_number, 5); /* the quoted newline of record 3 counts */
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].raw_line, "4,\"abc\"x,y");
    CU_ASSERT_TRUE(has_reason(&res, 1, "Delimiter not found"));
    CU_ASSERT_EQUAL(res.errors.errors[1].line_number, 7);
    CU_ASSERT_TRUE(has_reason(&res, 2, "unterminated quoted field"));
    CU_ASSERT_EQUAL(res.errors.errors[2].line_number, 8);
    result_free(&res);

    /* another quote character */
    shoal_copy_options q = make_options("CSV", NULL, "QUOTE", "'", "DELIMITER", ";", NULL);
    parse(&res, &q, write_text("quotes2.csv", "1;'x;y';\"z\"\n"), &t);
    ASSERT_ROWS(&res, "1|x;y|\"z\"\n");
    result_free(&res);
}

static void test_escapes(void)
{
    table t;
    make_table(&t, "a:V0 b:V0");
    shoal_copy_options esc = make_options("ESCAPE", NULL, NULL);
    const char *path = write_text("esc.tbl",
                                  "a\\|b|c\n"
                                  "x\\\ny|z\n"
                                  "back\\\\|\\N\n"
                                  "\\\\N|q\\r\n"
                                  "cr\\\r|e\r\n");
    result res;
    parse(&res, &esc, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "a|b|c\nx\ny|z\nback\\|NULL\n\\N|qr\ncr\r|e\n");
    result_free(&res);

    /* without ESCAPE a backslash is an ordinary byte */
    table t3;
    make_table(&t3, "a:V0 b:V0 c:V0");
    shoal_copy_options plain = make_options(NULL);
    parse(&res, &plain, write_text("noesc.tbl", "a\\|b|c\n"), &t3);
    ASSERT_ROWS(&res, "a\\|b|c\n");
    result_free(&res);
}

static void test_nulls(void)
{
    table t;
    make_table(&t, "i:I v:V10 c:C5 d:T");
    result res;
    shoal_copy_options def = make_options(NULL);
    parse(&res, &def, write_text("nulls.tbl", "\\N|\\N|\\N|\\N\n|||\n  |  |  |  \n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "NULL|NULL|NULL|NULL\nNULL|||NULL\nNULL|  ||NULL\n");
    result_free(&res);

    shoal_copy_options empty = make_options("EMPTYASNULL", NULL, NULL);
    parse(&res, &empty, write_text("nulls2.tbl", "|||\n  |  |  |  \n"), &t);
    ASSERT_ROWS(&res, "NULL|NULL|NULL|NULL\nNULL|  ||NULL\n");
    result_free(&res);

    shoal_copy_options blanks = make_options("BLANKSASNULL", NULL, NULL);
    parse(&res, &blanks, write_text("nulls3.tbl", "|||\n  |  |  |  \n"), &t);
    ASSERT_ROWS(&res, "NULL|||NULL\nNULL|NULL|NULL|NULL\n");
    result_free(&res);

    shoal_copy_options nullas = make_options("NULL AS", "nil", NULL);
    parse(&res, &nullas, write_text("nulls4.tbl", "nil|nil|\\N|nil\n"), &t);
    ASSERT_ROWS(&res, "NULL|NULL|\\N|NULL\n");
    result_free(&res);

    /* a NULL AS that looks like a number or a date wins over the value */
    shoal_copy_options zero = make_options("NULL AS", "0", NULL);
    parse(&res, &zero, write_text("nulls5.tbl", "0|0|0|1999-01-01\n7|x|y|1999-01-02\n"), &t);
    ASSERT_ROWS(&res, "NULL|NULL|NULL|1999-01-01\n7|x|y|1999-01-02\n");
    result_free(&res);

    /* CSV: quoted fields are literal, unquoted empty CHAR/VARCHAR is '' unless EMPTYASNULL */
    shoal_copy_options csv = make_options("CSV", NULL, NULL);
    parse(&res, &csv, write_text("nulls.csv", ",,,\n\"\",\"\",\"\\N\",\"\"\n\\N,\\N,\\N,\\N\n"), &t);
    ASSERT_ROWS(&res, "NULL|||NULL\nNULL||\\N|NULL\nNULL|NULL|NULL|NULL\n");
    result_free(&res);
    shoal_copy_options csv_empty = make_options("CSV", NULL, "EMPTYASNULL", NULL, NULL);
    parse(&res, &csv_empty, write_text("nulls2.csv", ",,,\n\"\",\"\",\"\",\"\"\n"), &t);
    ASSERT_ROWS(&res, "NULL|NULL|NULL|NULL\nNULL|||NULL\n");
    result_free(&res);

    /* NOT NULL */
    table nn;
    make_table(&nn, "a:I! b:V5!");
    shoal_copy_options me = make_options("MAXERROR", "5", NULL);
    parse(&res, &me, write_text("notnull.tbl", "1|x\n\\N|y\n3|\\N\n4|\n"), &nn);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|x\n4|\n");
    CU_ASSERT_EQUAL(res.errors.count, 2);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Missing data for not-null field"));
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].colname, "a");
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1213);
    CU_ASSERT_STRING_EQUAL(res.errors.errors[1].colname, "b");
    CU_ASSERT_EQUAL(res.errors.errors[1].line_number, 3);
    result_free(&res);
}

static void test_dates(void)
{
    table t;
    make_table(&t, "d:T");
    result res;
    shoal_copy_options o = make_options("MAXERROR", "100", NULL);
    parse(&res, &o, write_text("dates.tbl", "1996-03-13\n1996-3\n1996-13-01\n19x6-01-01\n2001-02-29\n2000-02-29\n 1999-12-31 \n1996-3-1\n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1996-03-13\n2000-02-29\n1999-12-31\n1996-03-01\n");
    CU_ASSERT_EQUAL(res.errors.count, 4);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Invalid Date Format - length must be 10 or more"));
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].raw_field_value, "1996-3");
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1205);
    CU_ASSERT_TRUE(has_reason(&res, 1, "out of range"));
    CU_ASSERT_TRUE(has_reason(&res, 2, "Invalid digit encountered"));
    CU_ASSERT_TRUE(has_reason(&res, 3, "out of range"));
    CU_ASSERT_EQUAL(res.errors.errors[3].line_number, 5);
    result_free(&res);

    const char *fmts[][3] = {
        {"MM/DD/YYYY", "03/13/1996\n1/5/2020\n", "1996-03-13\n2020-01-05\n"},
        {"YYYYMMDD", "19960313\n", "1996-03-13\n"},
        {"DD.MM.YYYY", "13.03.1996\n", "1996-03-13\n"},
        {"DD MON YYYY", "13 mar 1996\n05 December 2020\n", "1996-03-13\n2020-12-05\n"},
        {"auto", "1996-03-13\n19960313\n03/13/1996\n13.03.1996\nMar 13 1996\n13-MAR-96\n1996-03-13 10:00:00\n",
         "1996-03-13\n1996-03-13\n1996-03-13\n1996-03-13\n1996-03-13\n1996-03-13\n1996-03-13\n"},
    };
    for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
        shoal_copy_options f = make_options("DATEFORMAT", fmts[k][0], NULL);
        parse(&res, &f, write_text("fmt.tbl", fmts[k][1]), &t);
        CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
        ASSERT_ROWS(&res, fmts[k][2]);
        result_free(&res);
    }
    shoal_copy_options f = make_options("DATEFORMAT", "MM/DD/YYYY", NULL);
    parse(&res, &f, write_text("fmt2.tbl", "1996-03-13\n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_LOAD_FAILED);
    CU_ASSERT_TRUE(has_reason(&res, 0, "does not match DATEFORMAT 'MM/DD/YYYY'"));
    result_free(&res);

    /* timestamps */
    table ts;
    make_table(&ts, "t:Z");
    shoal_copy_options to = make_options("MAXERROR", "10", NULL);
    parse(&res, &to, write_text("ts.tbl", "1996-03-13 01:02:03\n1996-03-13T01:02:03.5\n1996-03-13\n1996-03-13 25:00:00\n"), &ts);
    ASSERT_ROWS(&res, "1996-03-13 01:02:03\n1996-03-13 01:02:03.500000\n1996-03-13 00:00:00\n");
    CU_ASSERT_TRUE(has_reason(&res, 0, "Invalid timestamp format or value [YYYY-MM-DD HH:MI:SS]"));
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1206);
    result_free(&res);
    shoal_copy_options tf = make_options("TIMEFORMAT", "MM/DD/YYYY HH12:MI:SS AM", NULL);
    parse(&res, &tf, write_text("ts2.tbl", "03/13/1996 01:02:03 PM\n03/13/1996 12:00:00 am\n"), &ts);
    ASSERT_ROWS(&res, "1996-03-13 13:02:03\n1996-03-13 00:00:00\n");
    result_free(&res);
    shoal_copy_options te = make_options("TIMEFORMAT", "epochsecs", NULL);
    parse(&res, &te, write_text("ts3.tbl", "0\n86401\n"), &ts);
    ASSERT_ROWS(&res, "1970-01-01 00:00:00\n1970-01-02 00:00:01\n");
    result_free(&res);
}

static void test_column_count_errors(void)
{
    table t;
    make_table(&t, "a:I b:I c:I");
    result res;
    shoal_copy_options o = make_options("MAXERROR", "10", NULL);
    parse(&res, &o, write_text("cols.tbl", "1|2|3\n1|2\n1\n1|2|3|4\n1|2|3||\n\n7|8|9|\n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|2|3\n7|8|9\n");
    CU_ASSERT_EQUAL(res.errors.count, 5);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Delimiter not found"));
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].colname, "c");
    CU_ASSERT_TRUE(has_reason(&res, 1, "Delimiter not found"));
    CU_ASSERT_STRING_EQUAL(res.errors.errors[1].colname, "b");
    CU_ASSERT_TRUE(has_reason(&res, 2, "Extra column(s) found"));
    CU_ASSERT_TRUE(has_reason(&res, 3, "Extra column(s) found"));
    CU_ASSERT_TRUE(has_reason(&res, 4, "Delimiter not found")); /* the blank line */
    CU_ASSERT_EQUAL(res.errors.errors[4].line_number, 6);
    CU_ASSERT_STRING_EQUAL(res.errors.errors[2].raw_line, "1|2|3|4");
    result_free(&res);

    shoal_copy_options blank = make_options("IGNOREBLANKLINES", NULL, NULL);
    parse(&res, &blank, write_text("blank.tbl", "1|2|3\n\n\r\n4|5|6\n"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|2|3\n4|5|6\n");
    CU_ASSERT_EQUAL(res.stats.lines, 2);
    result_free(&res);
}

static void test_invalid_utf8(void)
{
    table t;
    make_table(&t, "a:I s:V0");
    result res;
    shoal_copy_options o = make_options("MAXERROR", "10", NULL);
    parse(&res, &o,
          write_text("utf8.tbl", "1|caf\xc3\xa9\n2|bad\xc3\x28x\n3|\xc0\xaf\n4|\xed\xa0\x80\n5|\xf4\x90\x80\x80\n6|\xe2\x82\xac\xf0\x9f\x98\x80\n7|trunc\xe2\x82\n"),
          &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|caf\xc3\xa9\n6|\xe2\x82\xac\xf0\x9f\x98\x80\n");
    CU_ASSERT_EQUAL(res.errors.count, 5);
    CU_ASSERT_TRUE(has_reason(&res, 0, "String contains invalid or unsupported UTF8 codepoints"));
    CU_ASSERT_TRUE(has_reason(&res, 0, "Bad UTF8 hex sequence: c3 (byte 3)"));
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1220);
    CU_ASSERT_TRUE(has_reason(&res, 1, "c0"));
    CU_ASSERT_TRUE(has_reason(&res, 2, "ed a0 80"));
    CU_ASSERT_TRUE(has_reason(&res, 3, "f4 90 80 80"));
    CU_ASSERT_TRUE(has_reason(&res, 4, "e2 82"));
    result_free(&res);
}

static void test_overlong_strings(void)
{
    table t;
    make_table(&t, "v:V3 c:C3");
    result res;
    shoal_copy_options o = make_options("MAXERROR", "10", NULL);
    const char *path = write_text("long.tbl", "abc|xyz\nabcd|x\na|wxyz\n\xc3\xa9\xc3\xa9\xc3\xa9|ab   \n\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9|a\n");
    parse(&res, &o, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "abc|xyz\n\xc3\xa9\xc3\xa9\xc3\xa9|ab\n");
    CU_ASSERT_EQUAL(res.errors.count, 3);
    CU_ASSERT_TRUE(has_reason(&res, 0, "String length exceeds DDL length"));
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].colname, "v");
    CU_ASSERT_STRING_EQUAL(res.errors.errors[0].raw_field_value, "abcd");
    CU_ASSERT_EQUAL(res.errors.errors[0].position, 0);
    CU_ASSERT_EQUAL(res.errors.errors[0].err_code, 1204);
    CU_ASSERT_STRING_EQUAL(res.errors.errors[1].colname, "c");
    CU_ASSERT_EQUAL(res.errors.errors[1].position, 2);
    result_free(&res);

    shoal_copy_options tr = make_options("TRUNCATECOLUMNS", NULL, NULL);
    parse(&res, &tr, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "abc|xyz\nabc|x\na|wxy\n\xc3\xa9\xc3\xa9\xc3\xa9|ab\n\xc3\xa9\xc3\xa9\xc3\xa9|a\n");
    result_free(&res);
}

static void test_numeric_errors(void)
{
    table t;
    make_table(&t, "s:S i:I b:B d:D5,2 f:F");
    result res;
    shoal_copy_options o = make_options("MAXERROR", "20", NULL);
    parse(&res, &o,
          write_text("num.tbl",
                     "1|2|3|1.005|1\n"
                     "40000|0|0|0|0\n"
                     "0|2147483648|0|0|0\n"
                     "0|0|9223372036854775808|0|0\n"
                     "0|0|0|1234.5|0\n"
                     "0|12a|0|0|0\n"
                     "0|0|0|1.2.3|0\n"
                     "0|0|0|-1.005|abc\n"
                     "0|0|0|1e5|0\n"
                     "-32768| -5 |+7|999.994|1e400\n"),
          &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|2|3|1.01|1\n");
    CU_ASSERT_EQUAL(res.errors.count, 9);
    CU_ASSERT_TRUE(has_reason(&res, 0, "Overflow, Value '40000', Type: Short"));
    CU_ASSERT_TRUE(has_reason(&res, 1, "Overflow, Value '2147483648', Type: Integer"));
    CU_ASSERT_EQUAL(res.errors.errors[1].err_code, 1222);
    CU_ASSERT_TRUE(has_reason(&res, 2, "Overflow, Value '9223372036854775808', Type: Long"));
    CU_ASSERT_TRUE(has_reason(&res, 3, "Overflow, Value '1234.5', Type: DECIMAL(5,2)"));
    CU_ASSERT_TRUE(has_reason(&res, 4, "Invalid digit, Value 'a', Pos 2, Type: Integer"));
    CU_ASSERT_EQUAL(res.errors.errors[4].err_code, 1207);
    CU_ASSERT_TRUE(has_reason(&res, 5, "Invalid digit, Value '.', Pos 3, Type: Decimal"));
    CU_ASSERT_TRUE(has_reason(&res, 6, "Invalid digit, Value 'a', Pos 0, Type: Double"));
    CU_ASSERT_TRUE(has_reason(&res, 7, "Invalid digit, Value 'e', Pos 1, Type: Decimal"));
    CU_ASSERT_TRUE(has_reason(&res, 8, "Overflow, Value '1e400', Type: Double"));
    CU_ASSERT_EQUAL(res.errors.errors[8].line_number, 10);
    result_free(&res);

    /* the rejected row before -1.005 took its decimal: check rounding away from zero alone */
    table d;
    make_table(&d, "d:D5,2 x:D18,0");
    parse(&res, &o, write_text("round.tbl", "-1.005|999999999999999999\n0.004|-999999999999999999\n-0.005|0\n"), &d);
    ASSERT_ROWS(&res, "-1.01|999999999999999999\n0.00|-999999999999999999\n-0.01|0\n");
    result_free(&res);
}

static void test_empty_and_missing_file(void)
{
    table t;
    make_table(&t, "a:I");
    result res;
    shoal_copy_options o = make_options(NULL);
    parse(&res, &o, write_text("empty.tbl", ""), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(res.count, 0);
    CU_ASSERT_EQUAL(res.batches, 0);
    result_free(&res);

    parse(&res, &o, fixture_path("no-such-file.tbl"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_IO_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "could not open file"));
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "no-such-file.tbl"));
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "No such file or directory"));
    result_free(&res);
}

static void test_ignoreheader(void)
{
    table t;
    make_table(&t, "a:I b:V10");
    result res;
    shoal_copy_options o = make_options("IGNOREHEADER", "2", NULL);
    const char *path = write_text("header.tbl", "a|b\nnot|a number\n1|x\n2|y\n");
    parse(&res, &o, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|x\n2|y\n");
    result_free(&res);
    shoal_copy_options many = make_options("IGNOREHEADER", "10", NULL);
    parse(&res, &many, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(res.count, 0);
    result_free(&res);
    /* a CSV header */
    shoal_copy_options csv = make_options("CSV", NULL, "IGNOREHEADER", "1", NULL);
    parse(&res, &csv, write_text("header.csv", "\"a\",\"b\"\n1,x\n"), &t);
    ASSERT_ROWS(&res, "1|x\n");
    result_free(&res);
}

static void test_maxerror(void)
{
    table t;
    make_table(&t, "a:I b:V10");
    const char *path = write_text("maxerr.tbl", "1|ok\nx|bad\n3|ok\ny|bad\nz|bad\n6|ok\n");
    result res;
    shoal_copy_options allow = make_options("MAXERROR", "3", NULL);
    parse(&res, &allow, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, "1|ok\n3|ok\n6|ok\n");
    CU_ASSERT_EQUAL(res.errors.error_count, 3);
    CU_ASSERT_EQUAL(res.stats.rows_rejected, 3);
    CU_ASSERT_EQUAL(res.stats.rows_loaded, 3);
    const shoal_load_error *e = &res.errors.errors[1];
    CU_ASSERT_STRING_EQUAL(e->filename, path);
    CU_ASSERT_EQUAL(e->line_number, 4);
    CU_ASSERT_EQUAL(e->line_offset, 16);
    CU_ASSERT_STRING_EQUAL(e->colname, "a");
    CU_ASSERT_EQUAL(e->colno, 0);
    CU_ASSERT_STRING_EQUAL(e->raw_line, "y|bad");
    CU_ASSERT_STRING_EQUAL(e->raw_field_value, "y");
    CU_ASSERT_EQUAL(e->err_code, 1207);
    CU_ASSERT_STRING_EQUAL(e->err_reason, "Invalid digit, Value 'y', Pos 0, Type: Integer");
    result_free(&res);

    shoal_copy_options strict = make_options("MAXERROR", "2", NULL);
    parse(&res, &strict, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_LOAD_FAILED);
    const char *m = res.errors.message;
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "Load into table 't' failed. Check 'stl_load_errors' system table for details."));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "3 error(s), MAXERROR 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "line 2, column 'a'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "Invalid digit, Value 'x', Pos 0, Type: Integer"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, path));
    result_free(&res);

    shoal_copy_options zero = make_options(NULL);
    parse(&res, &zero, path, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_LOAD_FAILED);
    CU_ASSERT_EQUAL(res.errors.error_count, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "1 error(s), MAXERROR 0"));
    result_free(&res);
}

/* Rows spanning several batches, with rejected rows to squeeze out of the middle of one. */
static void test_batches_and_compaction(void)
{
    table t;
    make_table(&t, "a:I b:V0 c:D10,2 d:T");
    size_t n = 5000, cap = n * 64;
    char *text = malloc(cap), *expected = malloc(cap);
    size_t tl = 0, el = 0;
    for (size_t i = 0; i < n; i++) {
        bool bad = i % 97 == 5;
        bool null_b = i % 11 == 0;
        tl += (size_t)snprintf(text + tl, cap - tl, "%zu|%s|%zu.%02zu|%s\n", i, null_b ? "\\N" : "s", i, i % 100,
                               bad ? "2001-02-30" : "2001-02-03");
        if (!bad)
            el += (size_t)snprintf(expected + el, cap - el, "%zu|%s|%zu.%02zu|2001-02-03\n", i, null_b ? "NULL" : "s", i, i % 100);
    }
    result res;
    shoal_copy_options o = make_options("MAXERROR", "1000", NULL);
    parse(&res, &o, write_text("batches.tbl", text), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, expected);
    CU_ASSERT_EQUAL(res.max_batch, SHOAL_BATCH_ROWS);
    CU_ASSERT_EQUAL(res.errors.error_count, 52);
    CU_ASSERT_EQUAL(res.errors.errors[0].line_number, 6);
    CU_ASSERT_EQUAL(res.errors.errors[51].line_number, 5 + 51 * 97 + 1);
    result_free(&res);
    free(text);
    free(expected);
}

/* The step-wise reader gives what one call gives, whatever the step size. */
static void test_reader_steps(void)
{
    table t;
    make_table(&t, "a:I b:V0 c:D10,2 d:T");
    size_t n = 3000, cap = n * 64;
    char *text = malloc(cap);
    size_t tl = 0;
    for (size_t i = 0; i < n; i++)
        tl += (size_t)snprintf(text + tl, cap - tl, "%zu|s%zu|%zu.5|%s\n", i, i, i, i % 301 == 7 ? "bad" : "2001-02-03");
    const char *path = write_text("steps.tbl", text);
    free(text);
    shoal_copy_options o = make_options("MAXERROR", "100", NULL);
    result whole;
    parse(&whole, &o, path, &t);
    CU_ASSERT_EQUAL_FATAL(whole.status, SHOAL_COPY_OK);
    char *want = joined(&whole);
    const int64_t steps[] = {1, 999, 65536, 0};
    const int64_t starts[] = {0, 12345};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        for (size_t z = 0; z < 2; z++) {
            result res;
            result_init(&res);
            shoal_copy_range head = {path, -1, 0, starts[z]}, rest = {path, -1, starts[z], -1};
            if (starts[z] > 0) parse_range(&res, &o, path, 0, starts[z], &t);
            shoal_copy_reader *reader = NULL;
            CU_ASSERT_EQUAL_FATAL(shoal_copy_reader_open(&o, starts[z] ? &rest : &head, &t.target, &res.errors, &reader),
                                  SHOAL_COPY_OK);
            if (starts[z] == 0) {
                shoal_copy_reader_close(reader);
                CU_ASSERT_EQUAL_FATAL(shoal_copy_reader_open(&o, &rest, &t.target, &res.errors, &reader), SHOAL_COPY_OK);
            }
            bool done = false;
            int turns = 0;
            while (!done && turns < 100000) {
                CU_ASSERT_EQUAL(shoal_copy_reader_step(reader, steps[k], collect, &res, &done), SHOAL_COPY_OK);
                turns++;
            }
            CU_ASSERT_TRUE(done);
            if (steps[k] == 1) CU_ASSERT_TRUE(turns > 5); /* a turn parses at least one chunk of lines */
            shoal_copy_reader_stats(reader, &res.stats);
            shoal_copy_reader_close(reader);
            ASSERT_ROWS(&res, want);
            CU_ASSERT_EQUAL(res.errors.count, whole.errors.count);
            for (size_t i = 0; i < res.errors.count && i < whole.errors.count; i++)
                CU_ASSERT_EQUAL(res.errors.errors[i].line_number, whole.errors.errors[i].line_number);
            result_free(&res);
        }
    }
    /* a failed reader stays failed */
    shoal_copy_options strict = make_options(NULL);
    result res;
    result_init(&res);
    shoal_copy_reader *reader = NULL;
    shoal_copy_range all = {path, -1, 0, -1};
    CU_ASSERT_EQUAL_FATAL(shoal_copy_reader_open(&strict, &all, &t.target, &res.errors, &reader), SHOAL_COPY_OK);
    bool done = false;
    CU_ASSERT_EQUAL(shoal_copy_reader_step(reader, 0, collect, &res, &done), SHOAL_COPY_LOAD_FAILED);
    CU_ASSERT_TRUE(done);
    CU_ASSERT_EQUAL(shoal_copy_reader_step(reader, 0, collect, &res, &done), SHOAL_COPY_LOAD_FAILED);
    shoal_copy_reader_close(reader);
    result_free(&res);
    /* opening a missing file fails at open */
    shoal_copy_range missing = {fixture_path("missing.tbl"), -1, 0, -1};
    result_init(&res);
    CU_ASSERT_EQUAL(shoal_copy_reader_open(&strict, &missing, &t.target, &res.errors, &reader), SHOAL_COPY_IO_ERROR);
    CU_ASSERT_PTR_NULL(reader);
    result_free(&res);
    free(want);
    result_free(&whole);
}

/* Integers and decimals of every width against engine/core's parsers (the fast paths read
 * 8 digits at a time). */
static void test_number_widths(void)
{
    table t;
    make_table(&t, "b:B d2:D18,2 d0:D18,0 d8:D18,8 i:I");
    char *text = malloc(1 << 20), *expected = malloc(1 << 20);
    size_t tl = 0, el = 0;
    unsigned seed = 12345;
    for (int rep = 0; rep < 40; rep++) {
        for (int w = 1; w <= 18; w++) {
            char num[20], dec2[48], dec0[48], dec8[48], i32[16];
            for (int k = 0; k < w; k++) {
                seed = seed * 1103515245u + 12345u;
                num[k] = (char)('0' + (seed >> 16) % 10);
            }
            num[w] = '\0';
            int iw = w > 16 ? 16 : w, fw = (int)((seed >> 8) % 3); /* decimals: up to 16 + 2 digits */
            snprintf(dec2, sizeof dec2, "%s%.*s%s%.*s", rep & 1 ? "-" : "", iw, num, fw ? "." : "", fw, num);
            snprintf(dec0, sizeof dec0, "%s%s", rep & 2 ? "-" : "", num);
            int i8 = w > 10 ? 10 : w;
            snprintf(dec8, sizeof dec8, "%.*s.%.*s", i8, num, w > 8 ? 8 : w, num);
            snprintf(i32, sizeof i32, "%s%.*s", rep & 1 ? "-" : "", w > 9 ? 9 : w, num);
            tl += (size_t)sprintf(text + tl, "%s%s|%s|%s|%s|%s\n", rep & 1 ? "-" : "", num, dec2, dec0, dec8, i32);
            /* expected through engine/core */
            int64_t b, i;
            shoal_int128 v2, v0, v8;
            char sb[48], s2[48], s0[48], s8[48], si[48], bt[48];
            snprintf(bt, sizeof bt, "%s%s", rep & 1 ? "-" : "", num);
            CU_ASSERT_TRUE(shoal_parse_int64(bt, strlen(bt), &b));
            CU_ASSERT_TRUE(shoal_parse_decimal(dec2, strlen(dec2), 18, 2, &v2));
            CU_ASSERT_TRUE(shoal_parse_decimal(dec0, strlen(dec0), 18, 0, &v0));
            CU_ASSERT_TRUE(shoal_parse_decimal(dec8, strlen(dec8), 18, 8, &v8));
            CU_ASSERT_TRUE(shoal_parse_int64(i32, strlen(i32), &i));
            shoal_format_int64(b, sb);
            shoal_format_decimal(v2, 2, s2);
            shoal_format_decimal(v0, 0, s0);
            shoal_format_decimal(v8, 8, s8);
            shoal_format_int64(i, si);
            el += (size_t)sprintf(expected + el, "%s|%s|%s|%s|%s\n", sb, s2, s0, s8, si);
        }
    }
    result res;
    shoal_copy_options o = make_options(NULL);
    parse(&res, &o, write_text("widths.tbl", text), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    ASSERT_ROWS(&res, expected);
    result_free(&res);
    /* bad bytes at every position of an 8- and a 12-digit field are caught */
    for (int w = 8; w <= 12; w += 4)
        for (int k = 0; k < w; k++) {
            char line[64];
            memset(line, '7', (size_t)w);
            line[k] = k % 2 ? '/' : ':'; /* the bytes either side of the digits */
            line[w] = '\n';
            line[w + 1] = '\0';
            table one;
            make_table(&one, "b:B");
            parse(&res, &o, write_text("widths_bad.tbl", line), &one);
            CU_ASSERT_EQUAL(res.status, SHOAL_COPY_LOAD_FAILED);
            result_free(&res);
        }
    free(text);
    free(expected);
}

/* A callback that keeps the batches: it moves the vectors out, and they must stay valid. */
typedef struct kept_batches {
    shoal_batch batches[16];
    int count;
} kept_batches;

static int keep_batch(shoal_batch *b, void *ctx)
{
    kept_batches *k = ctx;
    if (k->count == 16) return 1;
    k->batches[k->count++] = *b;
    b->columns = NULL; /* the parser makes itself a new batch */
    b->sel = NULL;
    return 0;
}

static void test_batch_ownership(void)
{
    table t;
    make_table(&t, "a:I s:V0");
    size_t n = 5000;
    char *text = malloc(n * 32);
    size_t tl = 0;
    for (size_t i = 0; i < n; i++) tl += (size_t)sprintf(text + tl, "%zu|str%zu\n", i, i);
    const char *path = write_text("keep.tbl", text);
    free(text);
    shoal_copy_options o = make_options(NULL);
    kept_batches k;
    memset(&k, 0, sizeof k);
    shoal_load_error_sink sink;
    shoal_load_error_sink_init(&sink);
    CU_ASSERT_EQUAL(shoal_copy_parse_file(&o, path, &t.target, keep_batch, &k, &sink, NULL), SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(k.count, 3);
    size_t row = 0;
    int ok = 1;
    for (int b = 0; b < k.count; b++) {
        for (uint32_t r = 0; r < k.batches[b].count; r++, row++) {
            char want[32];
            snprintf(want, sizeof want, "str%zu", row);
            shoal_string str = ((shoal_string *)k.batches[b].columns[1].data)[r];
            ok &= ((int32_t *)k.batches[b].columns[0].data)[r] == (int32_t)row;
            ok &= str.len == strlen(want) && memcmp(str.ptr, want, str.len) == 0;
        }
        shoal_batch_free(&k.batches[b]);
    }
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(row, n);
    shoal_load_error_sink_free(&sink);
}

static int stop_at_first(shoal_batch *b, void *ctx)
{
    (void)b;
    ++*(int *)ctx;
    return 1;
}

static void test_cancel_and_long_line(void)
{
    table t;
    make_table(&t, "a:I");
    shoal_copy_options o = make_options(NULL);
    char *text = malloc(5000 * 8);
    size_t tl = 0;
    for (int i = 0; i < 5000; i++) tl += (size_t)sprintf(text + tl, "%d\n", i);
    const char *path = write_text("cancel.tbl", text);
    free(text);
    shoal_load_error_sink sink;
    shoal_load_error_sink_init(&sink);
    int calls = 0;
    CU_ASSERT_EQUAL(shoal_copy_parse_file(&o, path, &t.target, stop_at_first, &calls, &sink, NULL), SHOAL_COPY_CANCELLED);
    CU_ASSERT_EQUAL(calls, 1);
    shoal_load_error_sink_free(&sink);

    /* a line longer than the input window (2 MB) */
    table lt;
    make_table(&lt, "a:I s:V0");
    size_t big = 3 << 20;
    char *line = malloc(big + 64);
    memcpy(line, "1|", 2);
    memset(line + 2, 'x', big);
    strcpy(line + 2 + big, "\n2|y\n");
    result res;
    parse(&res, &o, write_text("long_line.tbl", line), &lt);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(res.count, 2);
    if (res.count == 2) {
        CU_ASSERT_EQUAL(strlen(res.rows[0]), 2 + 4095); /* collect's formatter clips at its buffer */
        CU_ASSERT_STRING_EQUAL(res.rows[1], "2|y");
    }
    result_free(&res);
    free(line);
}

static const char *compressible_text(void)
{
    static char text[64 * 1024];
    if (text[0] == '\0') {
        size_t tl = 0;
        for (int i = 0; i < 1500; i++)
            tl += (size_t)sprintf(text + tl, "%d|name %d|%d.%02d|1995-%02d-%02d|\n", i, i * 7, i, i % 100, i % 12 + 1, i % 28 + 1);
    }
    return text;
}

static void test_gzip_and_zstd(void)
{
    table t;
    make_table(&t, "a:I b:V20 c:D10,2 d:T");
    const char *text = compressible_text();
    result plain, res;
    shoal_copy_options o = make_options(NULL);
    parse(&plain, &o, write_text("plain.tbl", text), &t);
    CU_ASSERT_EQUAL(plain.status, SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(plain.count, 1500);
    char *want = joined(&plain);

    shoal_copy_options gz = make_options("GZIP", NULL, NULL);
    for (int pieces = 1; pieces <= 3; pieces++) {
        parse(&res, &gz, write_gzip("data.tbl.gz", text, pieces), &t);
        CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
        ASSERT_ROWS(&res, want);
        result_free(&res);
    }
    shoal_copy_options zs = make_options("ZSTD", NULL, NULL);
    size_t zsize = 0;
    const char *zpath = NULL;
    for (int pieces = 1; pieces <= 3; pieces++) {
        zpath = write_zstd("data.tbl.zst", text, pieces, &zsize);
        parse(&res, &zs, zpath, &t);
        CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
        ASSERT_ROWS(&res, want);
        result_free(&res);
    }
    /* the file name plays no part: a .gz name read plainly fails on its bytes */
    parse(&res, &o, fixture_path("data.tbl.gz"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_LOAD_FAILED);
    result_free(&res);
    /* truncated zstd, corrupt gzip, plain text read as gzip */
    FILE *f = fopen(zpath, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(ftruncate(fileno(f), (off_t)(zsize - 5)), 0);
    fclose(f);
    parse(&res, &zs, zpath, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_IO_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "as zstd"));
    result_free(&res);
    parse(&res, &gz, fixture_path("plain.tbl"), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_IO_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "could not decompress"));
    CU_ASSERT_PTR_NOT_NULL(strstr(res.errors.message, "as gzip"));
    result_free(&res);
    const char *gpath = write_gzip("trunc.gz", text, 1);
    struct stat st;
    stat(gpath, &st);
    CU_ASSERT_EQUAL(truncate(gpath, st.st_size / 2), 0);
    parse(&res, &gz, gpath, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_IO_ERROR);
    result_free(&res);
    /* empty compressed files hold no rows */
    parse(&res, &gz, write_gzip("empty.gz", "", 1), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(res.count, 0);
    result_free(&res);
    parse(&res, &zs, write_text("zero.zst", ""), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    result_free(&res);
    /* compressed input refuses ranges past byte 0; line numbers of errors are still exact */
    result_init(&res);
    parse_range(&res, &gz, fixture_path("data.tbl.gz"), 10, -1, &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_INVALID == res.status ? SHOAL_COPY_INVALID : SHOAL_COPY_IO_ERROR);
    CU_ASSERT_NOT_EQUAL(res.status, SHOAL_COPY_OK);
    result_free(&res);
    char *bad = strdup(text);
    char *spot = strstr(bad, "\n1400|");
    spot[1] = 'X';
    shoal_copy_options gz1 = make_options("GZIP", NULL, "MAXERROR", "1", NULL);
    parse(&res, &gz1, write_gzip("bad.gz", bad, 2), &t);
    CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
    CU_ASSERT_EQUAL(res.errors.count, 1);
    if (res.errors.count) CU_ASSERT_EQUAL(res.errors.errors[0].line_number, 1401);
    result_free(&res);
    free(bad);
    free(want);
    result_free(&plain);
}

/* Parses `path` whole, then cut at every offset into 2 ranges (and, when `three`, at every
 * pair of offsets into 3): the concatenated rows and errors must equal the whole parse. */
static void check_splits(const char *path, const shoal_copy_options *o, const table *t, bool three)
{
    result whole;
    parse(&whole, o, path, t);
    CU_ASSERT_EQUAL_FATAL(whole.status, SHOAL_COPY_OK);
    char *want = joined(&whole);
    struct stat st;
    stat(path, &st);
    int64_t size = st.st_size;
    int failures = 0;
    for (int64_t a = 0; a <= size && failures < 3; a++) {
        int64_t b_first = three ? a : size, b_last = size;
        for (int64_t b = b_first; b <= b_last && failures < 3; b++) {
            result part;
            result_init(&part);
            parse_range(&part, o, path, 0, a, t);
            if (three) parse_range(&part, o, path, a, b, t);
            parse_range(&part, o, path, three ? b : a, -1, t);
            char *got = joined(&part);
            bool same = part.status == SHOAL_COPY_OK && strcmp(got, want) == 0 &&
                        part.errors.count == whole.errors.count && part.stats.lines == whole.stats.lines &&
                        part.stats.bytes == whole.stats.bytes;
            for (size_t i = 0; same && i < whole.errors.count; i++)
                same = part.errors.errors[i].line_number == whole.errors.errors[i].line_number &&
                       part.errors.errors[i].line_offset == whole.errors.errors[i].line_offset &&
                       strcmp(part.errors.errors[i].raw_line, whole.errors.errors[i].raw_line) == 0;
            if (!same) {
                failures++;
                fprintf(stderr, "\nsplit at %lld/%lld of %s differs (status %d, %zu vs %zu errors, %lld vs %lld lines, %lld vs %lld bytes):\n%s\nvs whole:\n%s\n",
                        (long long)a, (long long)b, path, (int)part.status, part.errors.count, whole.errors.count,
                        (long long)part.stats.lines, (long long)whole.stats.lines, (long long)part.stats.bytes,
                        (long long)whole.stats.bytes, got, want);
                for (size_t i = 0; i < part.errors.count; i++)
                    fprintf(stderr, "  part error line %lld off %lld: %s\n", (long long)part.errors.errors[i].line_number,
                            (long long)part.errors.errors[i].line_offset, part.errors.errors[i].err_reason);
                for (size_t i = 0; i < whole.errors.count; i++)
                    fprintf(stderr, "  whole error line %lld off %lld: %s\n", (long long)whole.errors.errors[i].line_number,
                            (long long)whole.errors.errors[i].line_offset, whole.errors.errors[i].err_reason);
            }
            CU_ASSERT_TRUE(same);
            free(got);
            result_free(&part);
        }
    }
    free(want);
    result_free(&whole);
}

static void test_split_every_offset(void)
{
    table t;
    make_table(&t, "a:I b:V0 c:D10,2");
    shoal_copy_options o = make_options("MAXERROR", "100", NULL);
    /* dbgen-like lines, a CRLF line, an empty-field line, a bad row, no final newline */
    const char *text = "1|one|1.50|\n22|two two|22.25|\n333|\\N|3.00|\r\n4||4|\nbad|row|0|\n\n5|five|5.5|\n6|six|6";
    check_splits(write_text("split.tbl", text), &o, &t, true);

    /* IGNOREHEADER lines must be skipped by whichever range holds them */
    shoal_copy_options h = make_options("IGNOREHEADER", "2", "MAXERROR", "100", NULL);
    check_splits(write_text("split_header.tbl", "h1|x|y\nh2|x|y\n1|a|1\n2|b|2\n3|c|3\n"), &h, &t, true);

    /* ESCAPE: escaped newlines and backslash runs around the split points */
    shoal_copy_options e = make_options("ESCAPE", NULL, "MAXERROR", "100", NULL);
    check_splits(write_text("split_escape.tbl", "1|a\\\nb|1\n2|c\\\\|2\n3|\\\\\\\nd|3\n4|e\\|f|4\n5|\\\\\\\\|5\n"), &e, &t, true);

    /* a larger file cut into 2 at every offset */
    char big[4096];
    size_t bl = 0;
    for (int i = 0; i < 120; i++) bl += (size_t)sprintf(big + bl, "%d|v%d|%d.%d|\n", i, i * i, i, i % 10);
    check_splits(write_text("split_big.tbl", big), &o, &t, false);
}

/* Random bytes from a hostile alphabet: no crash, and splitting never changes the result
 * (text and ESCAPE are split at every offset; CSV and compressed input are read whole). */
static void test_random_inputs(void)
{
    static const char alphabet[] = "0123456789||||\n\n\n\r\\\\\",. -ab\xc3\xa9\xff";
    table t;
    make_table(&t, "a:I b:V4 c:D6,2");
    shoal_copy_options text = make_options("MAXERROR", "100000", NULL);
    shoal_copy_options esc = make_options("ESCAPE", NULL, "MAXERROR", "100000", "IGNOREHEADER", "1", NULL);
    shoal_copy_options csv = make_options("CSV", NULL, "MAXERROR", "100000", "EMPTYASNULL", NULL, NULL);
    unsigned seed = 777;
    for (int file = 0; file < 40; file++) {
        char buf[160];
        size_t len = 20 + (size_t)(file * 3);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        buf[len] = '\0';
        const char *path = write_bytes("random.tbl", buf, len);
        check_splits(path, &text, &t, false);
        check_splits(path, &esc, &t, false);
        result res;
        parse(&res, &csv, path, &t);
        CU_ASSERT_TRUE(res.status == SHOAL_COPY_OK);
        result_free(&res);
    }
}

/* Line numbers stay exact whatever order the ranges of a file are parsed in on one sink
 * (the sink remembers how far it counted a file's newlines). */
static void test_line_numbers_any_order(void)
{
    table t;
    make_table(&t, "a:I");
    char text[4096];
    size_t tl = 0;
    for (int i = 1; i <= 300; i++) tl += (size_t)sprintf(text + tl, i % 50 == 0 ? "x%d\n" : "%d\n", i);
    const char *path = write_text("order.tbl", text);
    shoal_copy_options o = make_options("MAXERROR", "100", NULL);
    int64_t cuts[] = {0, 300, 700, (int64_t)tl};
    int orders[][3] = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {2, 0, 1}};
    for (size_t k = 0; k < 4; k++) {
        result res;
        result_init(&res);
        for (int j = 0; j < 3; j++) {
            int g = orders[k][j];
            parse_range(&res, &o, path, cuts[g], g == 2 ? -1 : cuts[g + 1], &t);
        }
        CU_ASSERT_EQUAL(res.errors.count, 6);
        int ok = 1;
        for (size_t i = 0; i < res.errors.count; i++) {
            const shoal_load_error *e = &res.errors.errors[i];
            int value = atoi(e->raw_line + 1); /* "x50" sits on line 50 */
            ok &= e->line_number == value;
        }
        CU_ASSERT_TRUE(ok);
        result_free(&res);
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void test_prefix_listing(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/list", tmpdir);
    mkdir(dir, 0700);
    char p[600];
    const char *files[] = {"a.tbl", "a.tbl.2", "ab/x.tbl", "ab/deeper/y.tbl", "b.tbl", "ba"};
    snprintf(p, sizeof p, "%s/ab", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/ab/deeper", dir);
    mkdir(p, 0700);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        FILE *f = fopen(p, "w");
        fputs("12345", f);
        fclose(f);
    }
    shoal_copy_file_list list;
    char err[512];
    snprintf(p, sizeof p, "%s/a", dir);
    CU_ASSERT_TRUE_FATAL(shoal_copy_list_files(p, &list, err, sizeof err));
    CU_ASSERT_EQUAL(list.count, 4);
    const char *want_a[] = {"a.tbl", "a.tbl.2", "ab/deeper/y.tbl", "ab/x.tbl"};
    for (int i = 0; i < list.count && i < 4; i++) {
        char w[600];
        snprintf(w, sizeof w, "%s/%s", dir, want_a[i]);
        CU_ASSERT_STRING_EQUAL(list.files[i].path, w);
        CU_ASSERT_EQUAL(list.files[i].size, 5);
    }
    shoal_copy_file_list_free(&list);

    snprintf(p, sizeof p, "%s/", dir);
    CU_ASSERT_TRUE(shoal_copy_list_files(p, &list, err, sizeof err));
    CU_ASSERT_EQUAL(list.count, 6);
    shoal_copy_file_list_free(&list);

    snprintf(p, sizeof p, "%s/b.tbl", dir); /* an exact file: that file alone */
    CU_ASSERT_TRUE(shoal_copy_list_files(p, &list, err, sizeof err));
    CU_ASSERT_EQUAL(list.count, 1);
    if (list.count) CU_ASSERT_STRING_EQUAL(list.files[0].path, p);
    shoal_copy_file_list_free(&list);

    snprintf(p, sizeof p, "%s/zz", dir);
    CU_ASSERT_FALSE(shoal_copy_list_files(p, &list, err, sizeof err));
    char want[700];
    snprintf(want, sizeof want, "no files match prefix '%s'", p);
    CU_ASSERT_STRING_EQUAL(err, want);
    snprintf(p, sizeof p, "%s/nodir/x", dir);
    CU_ASSERT_FALSE(shoal_copy_list_files(p, &list, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no files match prefix"));

    if (geteuid() != 0) { /* root reads any directory */
        snprintf(p, sizeof p, "%s/ab", dir);
        chmod(p, 0);
        snprintf(p, sizeof p, "%s/a", dir);
        CU_ASSERT_FALSE(shoal_copy_list_files(p, &list, err, sizeof err));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "could not list directory"));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "Permission denied"));
        snprintf(p, sizeof p, "%s/ab", dir);
        chmod(p, 0700);
    }
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Every byte of every file is planned exactly once, and the plan is balanced. */
static void check_plan(const shoal_copy_file_list *files, const shoal_copy_options *o, int nranks, int64_t min_split,
                       int64_t max_imbalance)
{
    shoal_copy_work works[16];
    shoal_copy_plan(files, o, nranks, min_split, works);
    int64_t total = 0, lo = INT64_MAX, hi = 0;
    for (int f = 0; f < files->count; f++) {
        int64_t covered = 0, pieces = 0;
        for (int r = 0; r < nranks; r++)
            for (int k = 0; k < works[r].count; k++) {
                const shoal_copy_range *g = &works[r].ranges[k];
                if (g->file_index != f) continue;
                CU_ASSERT_EQUAL(g->start, covered); /* pieces follow each other: rank order = file order */
                int64_t end = g->end < 0 ? files->files[f].size : g->end;
                covered = end;
                pieces++;
                CU_ASSERT_PTR_EQUAL(g->path, files->files[f].path);
            }
        CU_ASSERT_EQUAL(covered, files->files[f].size);
        if (!shoal_copy_options_splittable(o)) CU_ASSERT_EQUAL(pieces, 1);
    }
    for (int r = 0; r < nranks; r++) {
        total += works[r].bytes;
        if (works[r].bytes < lo) lo = works[r].bytes;
        if (works[r].bytes > hi) hi = works[r].bytes;
    }
    int64_t size_sum = 0;
    for (int f = 0; f < files->count; f++) size_sum += files->files[f].size;
    CU_ASSERT_EQUAL(total, size_sum);
    if (hi - lo > max_imbalance) fprintf(stderr, "\nplan imbalance %lld\n", (long long)(hi - lo));
    CU_ASSERT_TRUE(hi - lo <= max_imbalance);
    shoal_copy_work_free(works, nranks);
}

static void test_plan(void)
{
    shoal_copy_file_list files;
    memset(&files, 0, sizeof files);
    shoal_copy_file_list_add(&files, "/d/lineitem.tbl", 759863287);
    shoal_copy_file_list_add(&files, "/d/orders.tbl", 171952161);
    shoal_copy_file_list_add(&files, "/d/nation.tbl", 2224);
    shoal_copy_file_list_add(&files, "/d/region.tbl", 389);
    shoal_copy_options text = make_options(NULL);
    for (int n = 1; n <= 5; n++) check_plan(&files, &text, n, 0, 2 * SHOAL_COPY_MIN_SPLIT);

    /* 2 ranks: lineitem and orders are both cut near the middle */
    shoal_copy_work works[2];
    shoal_copy_plan(&files, &text, 2, 0, works);
    CU_ASSERT_EQUAL(works[0].count, 1);
    CU_ASSERT_EQUAL(works[1].count, 4);
    int64_t half = (759863287LL + 171952161 + 2224 + 389 + 1) / 2;
    CU_ASSERT_EQUAL(works[0].bytes, half);
    shoal_copy_work_free(works, 2);

    /* small min_split: exact balance */
    for (int n = 1; n <= 7; n++) check_plan(&files, &text, n, 1, n); /* rounding: a byte a rank */

    /* compressed and CSV files go whole, largest first to the least-loaded rank */
    shoal_copy_options gz = make_options("GZIP", NULL, NULL);
    shoal_copy_options csv = make_options("CSV", NULL, NULL);
    check_plan(&files, &gz, 3, 0, 759863287);
    check_plan(&files, &csv, 2, 0, 759863287);
    shoal_copy_file_list many;
    memset(&many, 0, sizeof many);
    int64_t sizes[] = {50, 40, 30, 30, 20, 20, 10};
    char name[32];
    for (size_t i = 0; i < 7; i++) {
        snprintf(name, sizeof name, "/d/part%zu.gz", i);
        shoal_copy_file_list_add(&many, name, sizes[i]);
    }
    shoal_copy_plan(&many, &gz, 2, 0, works);
    CU_ASSERT_EQUAL(works[0].bytes, 100); /* 50 + 30 + 20 */
    CU_ASSERT_EQUAL(works[1].bytes, 100); /* 40 + 30 + 20 + 10 */
    shoal_copy_work_free(works, 2);

    /* a small file is never split */
    shoal_copy_file_list one;
    memset(&one, 0, sizeof one);
    shoal_copy_file_list_add(&one, "/d/small.tbl", 100000);
    shoal_copy_plan(&one, &text, 2, 0, works);
    CU_ASSERT_EQUAL(works[0].count, 1);
    CU_ASSERT_EQUAL(works[1].count, 0);
    shoal_copy_work_free(works, 2);
    shoal_copy_work w4[4];
    shoal_copy_plan(&one, &text, 4, 0, w4);
    CU_ASSERT_EQUAL(w4[0].count + w4[1].count + w4[2].count + w4[3].count, 1);
    shoal_copy_work_free(w4, 4);

    shoal_copy_file_list_free(&files);
    shoal_copy_file_list_free(&many);
    shoal_copy_file_list_free(&one);
}

/* A planned parse of a real prefix: the union of the ranks' rows is the whole. */
static void test_plan_and_parse(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/pp", tmpdir);
    mkdir(dir, 0700);
    char path[600], text[8192];
    for (int f = 0; f < 3; f++) {
        size_t tl = 0;
        for (int i = 0; i < 100 + f * 50; i++) tl += (size_t)sprintf(text + tl, "%d|%d|\n", f, i);
        snprintf(path, sizeof path, "%s/part-%d.tbl", dir, f);
        FILE *fp = fopen(path, "w");
        fputs(text, fp);
        fclose(fp);
    }
    table t;
    make_table(&t, "f:I i:I");
    shoal_copy_options o = make_options(NULL);
    shoal_copy_file_list files;
    char err[512];
    snprintf(path, sizeof path, "%s/part-", dir);
    CU_ASSERT_TRUE_FATAL(shoal_copy_list_files(path, &files, err, sizeof err));
    CU_ASSERT_EQUAL(files.count, 3);
    for (int n = 1; n <= 4; n++) {
        shoal_copy_work works[4];
        shoal_copy_plan(&files, &o, n, 100, works);
        result res;
        result_init(&res);
        for (int r = 0; r < n; r++)
            for (int k = 0; k < works[r].count; k++)
                parse_range(&res, &o, works[r].ranges[k].path, works[r].ranges[k].start, works[r].ranges[k].end, &t);
        CU_ASSERT_EQUAL(res.status, SHOAL_COPY_OK);
        CU_ASSERT_EQUAL(res.count, 100 + 150 + 200);
        /* every (f, i) once */
        int seen[3][200];
        memset(seen, 0, sizeof seen);
        for (size_t i = 0; i < res.count; i++) {
            int f, k;
            if (sscanf(res.rows[i], "%d|%d", &f, &k) == 2 && f >= 0 && f < 3 && k >= 0 && k < 200) seen[f][k]++;
        }
        int ok = 1;
        for (int f = 0; f < 3; f++)
            for (int k = 0; k < 100 + f * 50; k++) ok &= seen[f][k] == 1;
        CU_ASSERT_TRUE(ok);
        result_free(&res);
        shoal_copy_work_free(works, n);
    }
    shoal_copy_file_list_free(&files);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_failure_message(void)
{
    shoal_load_error e = {"/data/x.tbl", 17, 1000, 3, "l_shipdate", 40, "raw", "1996-3", 1205,
                          "Invalid Date Format - length must be 10 or more"};
    char buf[1024];
    shoal_load_error_format_failure(buf, sizeof buf, "lineitem", &e, 4, 3);
    CU_ASSERT_STRING_EQUAL(buf, "Load into table 'lineitem' failed. Check 'stl_load_errors' system table for details. "
                                "4 error(s), MAXERROR 3. First error: file '/data/x.tbl', line 17, column 'l_shipdate': "
                                "Invalid Date Format - length must be 10 or more (value '1996-3')");
    shoal_load_error_format_failure(buf, sizeof buf, "t", NULL, 1, 0);
    CU_ASSERT_STRING_EQUAL(buf, "Load into table 't' failed. Check 'stl_load_errors' system table for details. 1 error(s), MAXERROR 0.");
}

static int suite_init(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/shoal-loader-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : 1;
}

static int suite_clean(void) { return nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : 1; }

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("loader", suite_init, suite_clean);
    CU_add_test(s, "options: defaults, setter, validator", test_options);
    CU_add_test(s, "every type parses", test_basic_types);
    CU_add_test(s, "dbgen trailing delimiter", test_dbgen_trailing_delimiter);
    CU_add_test(s, "CRLF line ends", test_crlf);
    CU_add_test(s, "CSV quoting", test_csv_quotes);
    CU_add_test(s, "ESCAPE backslashes", test_escapes);
    CU_add_test(s, "NULL AS, EMPTYASNULL, BLANKSASNULL, NOT NULL", test_nulls);
    CU_add_test(s, "dates, DATEFORMAT, timestamps", test_dates);
    CU_add_test(s, "too few / too many columns, blank lines", test_column_count_errors);
    CU_add_test(s, "invalid UTF-8", test_invalid_utf8);
    CU_add_test(s, "overlong strings, TRUNCATECOLUMNS", test_overlong_strings);
    CU_add_test(s, "numeric overflow and bad digits", test_numeric_errors);
    CU_add_test(s, "empty and missing file", test_empty_and_missing_file);
    CU_add_test(s, "IGNOREHEADER", test_ignoreheader);
    CU_add_test(s, "MAXERROR allowed and exceeded", test_maxerror);
    CU_add_test(s, "batches and rejected-row compaction", test_batches_and_compaction);
    CU_add_test(s, "cancel, line longer than the window", test_cancel_and_long_line);
    CU_add_test(s, "step-wise reader", test_reader_steps);
    CU_add_test(s, "kept batches own their strings", test_batch_ownership);
    CU_add_test(s, "integers and decimals of every width", test_number_widths);
    CU_add_test(s, "gzip and zstd input", test_gzip_and_zstd);
    CU_add_test(s, "byte ranges split at every offset", test_split_every_offset);
    CU_add_test(s, "random inputs: no crash, splits agree", test_random_inputs);
    CU_add_test(s, "line numbers whatever the range order", test_line_numbers_any_order);
    CU_add_test(s, "prefix listing", test_prefix_listing);
    CU_add_test(s, "work planning", test_plan);
    CU_add_test(s, "planned parse of a prefix", test_plan_and_parse);
    CU_add_test(s, "load failure message", test_failure_message);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
