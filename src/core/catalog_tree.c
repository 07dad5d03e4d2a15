/* catalog_tree.c — composes YAML parse events into an arena-held tree for
 * the catalog loader (see catalog_tree.h for why not yaml_parser_load).
 *
 * It follows libyaml's loader (src/loader.c) step for step where that shows
 * in messages: a document's DOCUMENT-END event is pulled before the document
 * is handed back (a scan error just past it is reported, as before); an
 * anchor is registered when its node starts, so a collection may alias
 * itself; a repeated anchor in a document fails with the loader's problem
 * "second occurrence" at the second node, an unknown alias with "found
 * undefined alias" at the alias. Nesting is kept on explicit stacks, not
 * the C stack, so deep input cannot exhaust it. */
#include "catalog_tree.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Holds one file's nodes; product files need a few kilobytes, so one block
 * usually serves every file of a catalog. */
#define ARENA_BLOCK 65536

struct arena_block {
    struct arena_block *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
};

/* A collection being composed: its children sit on the kid stack above `base`. */
struct frame {
    struct ctree_node *node;
    size_t base;
};

struct anchor {
    const char *name;                /* in the arena */
    struct ctree_node *node;
};

struct ctree {
    yaml_parser_t parser;
    bool parser_live;
    bool stream_started, stream_ended;
    struct ctree_error error;

    struct arena_block *blocks;      /* the newest first; the last one is kept on reset */

    struct ctree_node **kids;        /* children of the open collections, innermost last */
    size_t nkids, kids_cap;
    struct frame *frames;
    size_t nframes, frames_cap;
    struct anchor *anchors;          /* the current document's */
    size_t nanchors, anchors_cap;
};

/* ---- arena ------------------------------------------------------------- */

static void *arena_alloc(struct ctree *t, size_t size)
{
    size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct arena_block *b = t->blocks;
    if (!b || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->size = cap;
        b->used = 0;
        b->next = t->blocks;
        t->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

/* Keeps the oldest block (the usual size) and frees the overflow. */
static void arena_reset(struct ctree *t)
{
    while (t->blocks && t->blocks->next) {
        struct arena_block *next = t->blocks->next;
        free(t->blocks);
        t->blocks = next;
    }
    if (t->blocks)
        t->blocks->used = 0;
}

static char *arena_strdup(struct ctree *t, const unsigned char *s, size_t len)
{
    char *p = arena_alloc(t, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* Grows one of the scratch stacks so that it holds at least `need` items. */
static bool reserve(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *grown = realloc(*items, n * size);
    if (!grown)
        return false;
    *items = grown;
    *cap = n;
    return true;
}

/* ---- errors ------------------------------------------------------------ */

static bool fail_memory(struct ctree *t)
{
    t->error = (struct ctree_error){.error = YAML_MEMORY_ERROR};
    return false;
}

static bool fail_composer(struct ctree *t, const char *problem, yaml_mark_t mark)
{
    t->error = (struct ctree_error){.error = YAML_COMPOSER_ERROR, .problem = problem, .problem_mark = mark};
    return false;
}

static bool fail_parser(struct ctree *t)
{
    t->error = (struct ctree_error){
        .error = t->parser.error,
        .problem = t->parser.problem,
        .problem_mark = t->parser.problem_mark,
        .problem_offset = t->parser.problem_offset,
    };
    return false;
}

/* ---- composing --------------------------------------------------------- */

static bool next_event(struct ctree *t, yaml_event_t *ev)
{
    return yaml_parser_parse(&t->parser, ev) ? true : fail_parser(t);
}

static struct ctree_node *new_node(struct ctree *t, yaml_node_type_t type, yaml_mark_t mark)
{
    struct ctree_node *n = arena_alloc(t, sizeof *n);
    if (n)
        *n = (struct ctree_node){.type = type, .start_mark = mark};
    return n;
}

static bool register_anchor(struct ctree *t, const yaml_char_t *name, struct ctree_node *n)
{
    if (!name)
        return true;
    for (size_t i = 0; i < t->nanchors; i++)
        if (strcmp(t->anchors[i].name, (const char *)name) == 0)
            return fail_composer(t, "second occurrence", n->start_mark);
    if (!reserve((void **)&t->anchors, &t->anchors_cap, t->nanchors + 1, sizeof *t->anchors))
        return fail_memory(t);
    const char *copy = arena_strdup(t, name, strlen((const char *)name));
    if (!copy)
        return fail_memory(t);
    t->anchors[t->nanchors++] = (struct anchor){copy, n};
    return true;
}

/* Gives a finished node to the open collection, or makes it the root. */
static bool attach(struct ctree *t, struct ctree_node *n, struct ctree_node **root)
{
    if (t->nframes == 0) {
        *root = n;
        return true;
    }
    if (!reserve((void **)&t->kids, &t->kids_cap, t->nkids + 1, sizeof *t->kids))
        return fail_memory(t);
    t->kids[t->nkids++] = n;
    return true;
}

static bool open_collection(struct ctree *t, const yaml_event_t *ev, struct ctree_node **root)
{
    bool map = ev->type == YAML_MAPPING_START_EVENT;
    struct ctree_node *n = new_node(t, map ? YAML_MAPPING_NODE : YAML_SEQUENCE_NODE, ev->start_mark);
    if (!n)
        return fail_memory(t);
    if (!attach(t, n, root) ||
        !register_anchor(t, map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor, n))
        return false;
    if (!reserve((void **)&t->frames, &t->frames_cap, t->nframes + 1, sizeof *t->frames))
        return fail_memory(t);
    t->frames[t->nframes++] = (struct frame){n, t->nkids};
    return true;
}

/* Moves the children off the kid stack into the arena, next to their parent. */
static bool close_collection(struct ctree *t)
{
    struct frame *f = &t->frames[--t->nframes];
    size_t n = t->nkids - f->base;
    if (n > 0) {
        f->node->kids = arena_alloc(t, n * sizeof *f->node->kids);
        if (!f->node->kids)
            return fail_memory(t);
        memcpy(f->node->kids, t->kids + f->base, n * sizeof *f->node->kids);
    }
    f->node->nkids = n;
    t->nkids = f->base;
    return true;
}

static bool take_event(struct ctree *t, const yaml_event_t *ev, struct ctree_node **root)
{
    struct ctree_node *n;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        for (size_t i = 0; i < t->nanchors; i++)
            if (strcmp(t->anchors[i].name, (const char *)ev->data.alias.anchor) == 0)
                return attach(t, t->anchors[i].node, root);
        return fail_composer(t, "found undefined alias", ev->start_mark);
    case YAML_SCALAR_EVENT:
        n = new_node(t, YAML_SCALAR_NODE, ev->start_mark);
        if (!n || !(n->value = arena_strdup(t, ev->data.scalar.value, ev->data.scalar.length)))
            return fail_memory(t);
        n->length = ev->data.scalar.length;
        return attach(t, n, root) && register_anchor(t, ev->data.scalar.anchor, n);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return open_collection(t, ev, root);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return close_collection(t);
    default:
        /* The parser emits only node events inside a document. */
        return fail_composer(t, "unexpected event", ev->start_mark);
    }
}

/* Composes the document opened by a DOCUMENT-START event, then pulls its DOCUMENT-END. */
static bool compose_document(struct ctree *t, struct ctree_node **root)
{
    t->nanchors = 0;
    t->nframes = 0;
    t->nkids = 0;
    yaml_event_t ev;
    do {
        if (!next_event(t, &ev))
            return false;
        bool ok = take_event(t, &ev, root);
        yaml_event_delete(&ev);
        if (!ok)
            return false;
    } while (t->nframes > 0);
    if (!next_event(t, &ev))
        return false;
    yaml_event_delete(&ev);
    return true;
}

/* ---- interface --------------------------------------------------------- */

struct ctree *ctree_create(void)
{
    return calloc(1, sizeof(struct ctree));
}

void ctree_destroy(struct ctree *t)
{
    if (!t)
        return;
    if (t->parser_live)
        yaml_parser_delete(&t->parser);
    arena_reset(t);
    free(t->blocks);
    free(t->kids);
    free(t->frames);
    free(t->anchors);
    free(t);
}

bool ctree_start(struct ctree *t, FILE *f)
{
    if (t->parser_live)
        yaml_parser_delete(&t->parser);
    t->parser_live = false;
    t->stream_started = t->stream_ended = false;
    t->error = (struct ctree_error){.error = YAML_NO_ERROR};
    arena_reset(t);
    if (!yaml_parser_initialize(&t->parser))
        return fail_memory(t);
    t->parser_live = true;
    yaml_parser_set_input_file(&t->parser, f);
    return true;
}

bool ctree_document(struct ctree *t, struct ctree_node **root)
{
    yaml_event_t ev;
    *root = NULL;
    if (!t->stream_started) {
        if (!next_event(t, &ev))
            return false;
        yaml_event_delete(&ev);
        t->stream_started = true;
    }
    if (t->stream_ended)
        return true;
    if (!next_event(t, &ev))
        return false;
    bool end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (end) {
        t->stream_ended = true;
        return true;
    }
    return compose_document(t, root);
}

const struct ctree_error *ctree_error(const struct ctree *t)
{
    return &t->error;
}
