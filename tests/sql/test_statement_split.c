/* CUnit tests of sql/statement_split: where statements end, and what counts as blank. */
#include "sql/keywords.h"
#include "sql/statement_split.h"

#include <CUnit/Basic.h>
#include <string.h>

static long end_of(const char *s) { return sql_statement_end(s, strlen(s)); }

static void test_plain_statements(void)
{
    CU_ASSERT_EQUAL(end_of("select 1;"), 8);
    CU_ASSERT_EQUAL(end_of("select 1; select 2;"), 8);
    CU_ASSERT_EQUAL(end_of("select 1"), -1);
    CU_ASSERT_EQUAL(end_of(""), -1);
    CU_ASSERT_EQUAL(end_of(";"), 0);
}

static void test_quotes_hide_semicolons(void)
{
    CU_ASSERT_EQUAL(end_of("select ';';"), 10);
    CU_ASSERT_EQUAL(end_of("select 'it''s; fine';"), 20);
    CU_ASSERT_EQUAL(end_of("select \"a;b\" from t;"), 19);
    CU_ASSERT_EQUAL(end_of("select 'unterminated; "), -1);
    CU_ASSERT_EQUAL(end_of("select $$a;b$$;"), 14);
    CU_ASSERT_EQUAL(end_of("select $tag$ ; $notag$ ; $tag$;"), 30);
    CU_ASSERT_EQUAL(end_of("select $1;"), 9); /* a parameter, not a dollar quote */
}

static void test_comments_hide_semicolons(void)
{
    CU_ASSERT_EQUAL(end_of("select 1 -- no; not here\n;"), 25);
    CU_ASSERT_EQUAL(end_of("select /* ; */ 1;"), 16);
    CU_ASSERT_EQUAL(end_of("select /* outer /* inner ; */ still ; */ 1;"), 42);
    CU_ASSERT_EQUAL(end_of("select 1 -- trailing;"), -1);
}

static void test_blank(void)
{
    CU_ASSERT_TRUE(sql_is_blank("", 0));
    CU_ASSERT_TRUE(sql_is_blank("  \n\t", 4));
    const char *c = "  -- just a comment\n /* and another */ ";
    CU_ASSERT_TRUE(sql_is_blank(c, strlen(c)));
    CU_ASSERT_FALSE(sql_is_blank(" x ", 3));
    const char *d = "/* c */ select";
    CU_ASSERT_FALSE(sql_is_blank(d, strlen(d)));
}

static void test_keywords_sorted_and_upper(void)
{
    int ok = 1;
    for (size_t i = 0; i < sql_keyword_count; i++) {
        for (const char *p = sql_keywords[i]; *p; p++) ok &= !(*p >= 'a' && *p <= 'z');
        if (i > 0) ok &= strcmp(sql_keywords[i - 1], sql_keywords[i]) < 0;
    }
    CU_ASSERT_TRUE(ok);
    CU_ASSERT(sql_keyword_count > 50);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite suite = CU_add_suite("statement_split", NULL, NULL);
    CU_add_test(suite, "plain statements", test_plain_statements);
    CU_add_test(suite, "quotes hide semicolons", test_quotes_hide_semicolons);
    CU_add_test(suite, "comments hide semicolons", test_comments_hide_semicolons);
    CU_add_test(suite, "blank text", test_blank);
    CU_add_test(suite, "keyword list sorted, upper case", test_keywords_sorted_and_upper);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
