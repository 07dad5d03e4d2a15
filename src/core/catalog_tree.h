/* catalog_tree.h — reads a YAML file into a small position-keeping tree for
 * catalog.c (internal to the catalog; nothing else should need it).
 *
 * libyaml's document loader (yaml_parser_load) mallocs every node, its tag
 * and its child stack, which cost more than the catalog's own validation.
 * This reader composes the same tree from yaml_parser_parse events into one
 * arena: same node types, same start marks, same aliases and anchors, and the
 * same parser and composer errors (problem and mark) as the loader, so that
 * messages built on it stay exactly as they were. */
#ifndef BC_CATALOG_TREE_H
#define BC_CATALOG_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

/* A node; borrowed from the reader, valid until its next ctree_start or
 * ctree_destroy. An alias is the anchored node itself, so one node may
 * appear under several parents (and, through a recursive alias, in itself). */
struct ctree_node {
    yaml_node_type_t type;           /* YAML_SCALAR_NODE, _SEQUENCE_NODE or _MAPPING_NODE */
    yaml_mark_t start_mark;
    char *value;                     /* scalar: NUL-terminated copy; may hold NULs before `length` */
    size_t length;
    struct ctree_node **kids;        /* sequence: items; mapping: key, value, key, value, ... */
    size_t nkids;                    /* mapping: twice the number of pairs */
};

/* Why reading stopped, in libyaml's terms: error is YAML_MEMORY_ERROR,
 * YAML_READER_ERROR (problem_offset is the byte), or a scanner, parser or
 * composer error; problem may be NULL. */
struct ctree_error {
    yaml_error_type_t error;
    const char *problem;             /* static string */
    yaml_mark_t problem_mark;
    size_t problem_offset;
};

struct ctree;

struct ctree *ctree_create(void);    /* NULL when out of memory; caller destroys */
void ctree_destroy(struct ctree *t); /* accepts NULL */

/* Starts reading `f` (borrowed: read only by ctree_document, never closed),
 * dropping the nodes of the previous file; their memory is kept for the next
 * one. False when out of memory. */
bool ctree_start(struct ctree *t, FILE *f);
/* Composes the next document of the stream. *root is NULL when the stream
 * has no more documents. False on a parser, composer or memory error
 * (ctree_error says which); the file cannot be read further then. */
bool ctree_document(struct ctree *t, struct ctree_node **root);
const struct ctree_error *ctree_error(const struct ctree *t);

#endif
