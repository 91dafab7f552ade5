/* yml: the only code that talks to libyaml. Parses one YAML document into a
 * small tree of nodes that remember their file, line and column, so every
 * later check can point at its source.
 *
 * Refused, with an error at the offending position: aliases and anchors
 * (an alias bomb is then impossible), tags other than the core ones, more
 * than one document, duplicate mapping keys, nesting deeper than
 * YML_MAX_DEPTH, scalars longer than YML_MAX_SCALAR bytes, invalid UTF-8.
 * A UTF-8 byte-order mark is accepted.
 *
 * Ownership: yml_parse returns a tree owned by the caller, released with
 * yml_free. Nodes point at their file name string, which the tree owns. */
#ifndef GM_YML_H
#define GM_YML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

#define YML_MAX_DEPTH 64
#define YML_MAX_SCALAR (256 * 1024)

typedef enum yml_kind { YML_SCALAR, YML_SEQ, YML_MAP } yml_kind;

typedef struct yml_node yml_node;

typedef struct yml_pair {
	yml_node *key; /* always a scalar */
	yml_node *value;
} yml_pair;

struct yml_node {
	yml_kind kind;
	const char *file;
	int line; /* 1-based */
	int col;  /* 1-based, in characters */
	/* YML_SCALAR */
	char *value; /* NUL-terminated; may contain NULs, see len */
	size_t len;
	bool plain; /* unquoted: may be read as number, bool, null */
	/* YML_SEQ */
	yml_node **items;
	/* YML_MAP */
	yml_pair *pairs;
	size_t count; /* items or pairs */
};

/* Parses data. label is the file name used in nodes and diagnostics;
 * first_line shifts line numbers (for front matter inside a Markdown
 * file). Returns the root, or NULL for an empty document or on error; the
 * number of errors added to d tells which. */
yml_node *yml_parse(const char *label, const char *data, size_t len, int first_line,
                    diag *d);
void yml_free(yml_node *root);

/* Returns the value for key in a mapping, or NULL. */
yml_node *yml_get(const yml_node *map, const char *key);
/* Returns the pair for key in a mapping, or NULL. */
const yml_pair *yml_get_pair(const yml_node *map, const char *key);

/* A plain scalar that YAML's core schema reads as null (~, null, empty). */
bool yml_is_null(const yml_node *n);

/* Reads a scalar as an integer; false when not one (or out of range). */
bool yml_int(const yml_node *n, long long *out);
/* Reads a scalar as a boolean (true/false/yes/no, any case). */
bool yml_bool(const yml_node *n, bool *out);

const char *yml_kind_name(yml_kind k);

#endif
