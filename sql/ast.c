/* AST plumbing: node allocation in the statement's arena, the checked cast behind shoal_cast,
 * tag names for messages, and the growable node list. */
#include "sql/ast.h"
#include "runtime/log.h"

#include <string.h>

static const char *const tag_names[SHOAL_AST_TAG_COUNT] = {
    [SHOAL_AST_INVALID] = "INVALID",
#define SHOAL_AST_TAG_NAME(TAG, name) [SHOAL_AST_##TAG] = #TAG,
    SHOAL_AST_NODE_KINDS(SHOAL_AST_TAG_NAME)
#undef SHOAL_AST_TAG_NAME
};

const char *shoal_ast_tag_name(shoal_ast_tag tag)
{
    return (tag >= 0 && tag < SHOAL_AST_TAG_COUNT) ? tag_names[tag] : "UNKNOWN";
}

void *shoal_ast_alloc_node(shoal_arena *arena, size_t size, shoal_ast_tag tag, shoal_location loc)
{
    shoal_ast_node *node = shoal_arena_alloc(arena, size);
    memset(node, 0, size);
    node->tag = tag;
    node->loc = loc;
    return node;
}

void *shoal_ast_checked_cast(const void *node, shoal_ast_tag tag)
{
    if (node == NULL) return NULL;
    shoal_ast_tag actual = ((const shoal_ast_node *)node)->tag;
    if (actual != tag)
        shoal_fatal("AST cast to %s of a %s node (tag %d)", shoal_ast_tag_name(tag), shoal_ast_tag_name(actual),
                    (int)actual);
    return (void *)node;
}

void shoal_ast_list_append(shoal_arena *arena, shoal_ast_list *list, void *node)
{
    if (list->count == list->capacity) {
        int capacity = list->capacity ? list->capacity * 2 : 4;
        shoal_ast_node **items = shoal_arena_alloc(arena, (size_t)capacity * sizeof *items);
        if (list->count) memcpy(items, list->items, (size_t)list->count * sizeof *items);
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = node;
}

const shoal_ast_copy_flag_spelling shoal_ast_copy_flag_spellings[] = {
    {SHOAL_AST_COPY_EMPTYASNULL, "EMPTYASNULL"},
    {SHOAL_AST_COPY_BLANKSASNULL, "BLANKSASNULL"},
    {SHOAL_AST_COPY_TRUNCATECOLUMNS, "TRUNCATECOLUMNS"},
    {SHOAL_AST_COPY_REMOVEQUOTES, "REMOVEQUOTES"},
    {SHOAL_AST_COPY_ESCAPE, "ESCAPE"},
    {SHOAL_AST_COPY_FILLRECORD, "FILLRECORD"},
    {SHOAL_AST_COPY_TRIMBLANKS, "TRIMBLANKS"},
    {SHOAL_AST_COPY_IGNOREBLANKLINES, "IGNOREBLANKLINES"},
    {SHOAL_AST_COPY_ACCEPTANYDATE, "ACCEPTANYDATE"},
    {SHOAL_AST_COPY_EXPLICIT_IDS, "EXPLICIT_IDS"},
    {SHOAL_AST_COPY_MANIFEST, "MANIFEST"},
};
const int shoal_ast_copy_flag_count = sizeof shoal_ast_copy_flag_spellings / sizeof shoal_ast_copy_flag_spellings[0];
