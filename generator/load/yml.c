#include "load/yml.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct parser {
	yaml_parser_t yp;
	const char *label;
	char *file; /* owned by the root node's holder, see yml_free */
	int first_line;
	diag *d;
	const char *data;
	size_t len;
	int errors;
} parser;

/* The tree keeps its file name in a hidden header before the root so that
 * yml_free can release it. */
typedef struct yml_tree {
	char *file;
	yml_node root;
} yml_tree;

/* libyaml counts columns in characters from 0 and lines from 0. */
static int line_of(const parser *p, yaml_mark_t m)
{
	return (int)m.line + p->first_line;
}

static int col_of(yaml_mark_t m)
{
	return (int)m.column + 1;
}

static void node_free(yml_node *n, bool self)
{
	if (!n)
		return;
	free(n->value);
	for (size_t i = 0; n->kind == YML_SEQ && i < n->count; i++)
		node_free(n->items[i], true);
	for (size_t i = 0; n->kind == YML_MAP && i < n->count; i++) {
		node_free(n->pairs[i].key, true);
		node_free(n->pairs[i].value, true);
	}
	free(n->items);
	free(n->pairs);
	if (self)
		free(n);
}

/* The text of the line holding byte offset off, for hints. */
static void line_at(const parser *p, size_t off, const char **line, size_t *ll)
{
	size_t start = off < p->len ? off : p->len;
	while (start > 0 && p->data[start - 1] != '\n')
		start--;
	size_t end = start;
	while (end < p->len && p->data[end] != '\n')
		end++;
	*line = p->data + start;
	*ll = end - start;
}

static bool has(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

/* Explains libyaml's terse messages for the mistakes authors make most. */
static const char *hint_for(const parser *p, const yaml_parser_t *yp)
{
	const char *problem = yp->problem ? yp->problem : "";
	const char *context = yp->context;
	size_t off = yp->problem_mark.index;
	char at = off < p->len ? p->data[off] : '\0';
	const char *line;
	size_t ll;
	line_at(p, off, &line, &ll);
	if (has(problem, "tab") || at == '\t' || (ll && line[0] == '\t'))
		return "YAML indentation must use spaces, not tabs";
	if (has(problem, "mapping values are not allowed"))
		return "a value containing \": \" must be quoted, e.g. title: \"Pain: a review\"";
	if (has(context, "flow sequence"))
		return "a list written [a, b] needs commas between its items and a closing ] "
		       "(quote items that contain , [ ] or :)";
	if (has(context, "flow mapping"))
		return "a mapping written { a: 1 } needs commas between its fields and a closing } "
		       "(quote values that contain , { } or :)";
	if (has(problem, "did not find expected key") ||
	    has(problem, "did not find expected '-' indicator") ||
	    has(problem, "did not find expected <document start>"))
		return "check the indentation: the fields of one mapping, and the items of one list, "
		       "must start in the same column";
	if (has(problem, "found character that cannot start any token")) {
		if (at == '`' || at == '@' || at == '%')
			return "a value starting with ` @ or % must be quoted";
		return "quote the value";
	}
	if (has(problem, "found unknown escape character"))
		return "inside \"double quotes\" a backslash starts an escape: write \\\\ for a "
		       "backslash, or use 'single quotes'";
	if (has(problem, "found unexpected end of stream") || has(context, "quoted scalar"))
		return "check for an unclosed or mismatched quote";
	return NULL;
}

static void report_parser_error(parser *p)
{
	yaml_parser_t *yp = &p->yp;
	yaml_mark_t m = yp->problem_mark;
	const char *problem = yp->problem ? yp->problem : "syntax error";
	const char *hint = hint_for(p, yp);
	if (yp->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset, not a line. */
		diag_error(p->d, p->label, 0, 0, "%s at byte offset %zu", problem,
		           yp->problem_offset);
	} else if (has(yp->context, "quoted scalar") && has(problem, "end of stream")) {
		/* libyaml notices at the end of the file; the author needs the
		 * place where the quote was opened. */
		yaml_mark_t c = yp->context_mark;
		diag_error(p->d, p->label, line_of(p, c), col_of(c),
		           "YAML syntax: this quoted value is never closed (the file ends inside "
		           "it); hint: add the closing quote");
	} else if (yp->context) {
		diag_error(p->d, p->label, line_of(p, m), col_of(m),
		           "YAML syntax: %s (%s at line %d)%s%s", problem, yp->context,
		           line_of(p, yp->context_mark), hint ? "; hint: " : "", hint ? hint : "");
	} else {
		diag_error(p->d, p->label, line_of(p, m), col_of(m), "YAML syntax: %s%s%s", problem,
		           hint ? "; hint: " : "", hint ? hint : "");
	}
	p->errors++;
}

static bool next_event(parser *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->yp, ev)) {
		report_parser_error(p);
		return false;
	}
	return true;
}

/* Only the tags of YAML's core schema; anything else (!!python/object,
 * application tags) asks a loader for behaviour gapmap does not have. */
static bool core_tag(const char *tag)
{
	static const char *const core[] = {"str", "int", "float", "bool", "null", "seq", "map"};
	if (strncmp(tag, "tag:yaml.org,2002:", 18) != 0)
		return false;
	for (size_t i = 0; i < sizeof core / sizeof *core; i++)
		if (strcmp(tag + 18, core[i]) == 0)
			return true;
	return false;
}

static bool check_event_props(parser *p, const yaml_event_t *ev, yaml_char_t *anchor,
                              yaml_char_t *tag)
{
	int line = line_of(p, ev->start_mark), col = col_of(ev->start_mark);
	if (anchor) {
		diag_error(p->d, p->label, line, col,
		           "YAML anchors (&%s) are not supported; repeat the value instead",
		           (const char *)anchor);
		p->errors++;
		return false;
	}
	if (tag && !core_tag((const char *)tag)) {
		diag_error(p->d, p->label, line, col,
		           "YAML tag %s is not supported; write the value without a tag",
		           (const char *)tag);
		p->errors++;
		return false;
	}
	return true;
}

static yml_node *parse_node(parser *p, yaml_event_t *ev, int depth);

static yml_node *new_node(parser *p, yml_kind kind, const yaml_event_t *ev)
{
	yml_node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->file = p->file;
	n->line = line_of(p, ev->start_mark);
	n->col = col_of(ev->start_mark);
	return n;
}

/* Consumes events up to and including the end of the collection that ev
 * opened; returns NULL (after reporting) on any problem. */
/* Reads the next child of a collection that the event `end` closes: 1 with
 * *out set, 0 when the collection ended, -1 after a problem (reported). */
static int next_child(parser *p, yaml_event_type_t end, int depth, yml_node **out)
{
	yaml_event_t ev;
	if (!next_event(p, &ev))
		return -1;
	if (ev.type == end) {
		yaml_event_delete(&ev);
		return 0;
	}
	*out = parse_node(p, &ev, depth + 1);
	yaml_event_delete(&ev);
	return *out ? 1 : -1;
}

static yml_node *parse_seq(parser *p, yaml_event_t *start, int depth)
{
	yml_node *n = new_node(p, YML_SEQ, start);
	size_t cap = 0;
	yml_node *item;
	int r;
	while ((r = next_child(p, YAML_SEQUENCE_END_EVENT, depth, &item)) > 0) {
		if (n->count == cap) {
			cap = cap ? cap * 2 : 4;
			n->items = xrealloc(n->items, cap * sizeof *n->items);
		}
		n->items[n->count++] = item;
	}
	if (r < 0) {
		node_free(n, true);
		return NULL;
	}
	return n;
}

typedef struct key_ref {
	const char *key;
	size_t idx;
} key_ref;

static int cmp_key_ref(const void *pa, const void *pb)
{
	const key_ref *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Reports every key given twice in one mapping and keeps the first. Done
 * by sorting once the mapping is complete, not by a scan per key: a 4 MiB
 * site.yaml can hold 800,000 keys. */
static void drop_duplicate_keys(parser *p, yml_node *n)
{
	if (n->count < 2)
		return;
	key_ref *refs = xcalloc(n->count, sizeof *refs);
	for (size_t i = 0; i < n->count; i++)
		refs[i] = (key_ref){n->pairs[i].key->value, i};
	qsort(refs, n->count, sizeof *refs, cmp_key_ref);
	bool *drop = xcalloc(n->count, sizeof *drop);
	bool any = false;
	/* Equal keys sit together, in file order; first is where the current
	 * run of one key starts, so each key is compared once (n log n in all,
	 * the sort included; a walk back per duplicate was quadratic). */
	size_t first = 0;
	for (size_t i = 1; i < n->count; i++) {
		if (strcmp(refs[i].key, refs[i - 1].key) != 0) {
			first = i;
			continue;
		}
		const yml_node *k = n->pairs[refs[i].idx].key;
		diag_error(p->d, p->label, k->line, k->col,
		           "duplicate key \"%s\" (first given at line %d)", k->value,
		           n->pairs[refs[first].idx].key->line);
		p->errors++;
		drop[refs[i].idx] = true;
		any = true;
	}
	if (any) {
		size_t k = 0;
		for (size_t i = 0; i < n->count; i++) {
			if (drop[i]) {
				node_free(n->pairs[i].key, true);
				node_free(n->pairs[i].value, true);
			} else {
				n->pairs[k++] = n->pairs[i];
			}
		}
		n->count = k;
	}
	free(drop);
	free(refs);
}

static yml_node *parse_map(parser *p, yaml_event_t *start, int depth)
{
	yml_node *n = new_node(p, YML_MAP, start);
	size_t cap = 0;
	yml_node *key;
	int r;
	while ((r = next_child(p, YAML_MAPPING_END_EVENT, depth, &key)) > 0) {
		yml_node *value = NULL;
		yaml_event_t ev;
		if (key->kind != YML_SCALAR) {
			diag_error(p->d, p->label, key->line, key->col,
			           "mapping keys must be plain text, not a %s", yml_kind_name(key->kind));
			p->errors++;
		} else if (next_event(p, &ev)) {
			value = parse_node(p, &ev, depth + 1);
			yaml_event_delete(&ev);
		}
		if (!value) {
			node_free(key, true);
			r = -1;
			break;
		}
		if (n->count == cap) {
			cap = cap ? cap * 2 : 8;
			n->pairs = xrealloc(n->pairs, cap * sizeof *n->pairs);
		}
		n->pairs[n->count].key = key;
		n->pairs[n->count].value = value;
		n->count++;
	}
	if (r < 0) {
		node_free(n, true);
		return NULL;
	}
	drop_duplicate_keys(p, n);
	return n;
}

static yml_node *parse_node(parser *p, yaml_event_t *ev, int depth)
{
	if (depth > YML_MAX_DEPTH) {
		diag_error(p->d, p->label, line_of(p, ev->start_mark), col_of(ev->start_mark),
		           "nesting deeper than %d levels of lists and mappings", YML_MAX_DEPTH);
		p->errors++;
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		diag_error(p->d, p->label, line_of(p, ev->start_mark), col_of(ev->start_mark),
		           "YAML aliases (*%s) are not supported; repeat the value instead",
		           (const char *)ev->data.alias.anchor);
		p->errors++;
		return NULL;
	case YAML_SCALAR_EVENT: {
		if (!check_event_props(p, ev, ev->data.scalar.anchor, ev->data.scalar.tag))
			return NULL;
		if (ev->data.scalar.length > YML_MAX_SCALAR) {
			diag_error(p->d, p->label, line_of(p, ev->start_mark),
			           col_of(ev->start_mark), "value is %zu bytes long; the limit for one value is %d bytes",
			           ev->data.scalar.length, YML_MAX_SCALAR);
			p->errors++;
			return NULL;
		}
		yml_node *n = new_node(p, YML_SCALAR, ev);
		n->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return n;
	}
	case YAML_SEQUENCE_START_EVENT:
		if (!check_event_props(p, ev, ev->data.sequence_start.anchor,
		                       ev->data.sequence_start.tag))
			return NULL;
		return parse_seq(p, ev, depth);
	case YAML_MAPPING_START_EVENT:
		if (!check_event_props(p, ev, ev->data.mapping_start.anchor,
		                       ev->data.mapping_start.tag))
			return NULL;
		return parse_map(p, ev, depth);
	default:
		diag_error(p->d, p->label, line_of(p, ev->start_mark), col_of(ev->start_mark),
		           "unexpected YAML structure");
		p->errors++;
		return NULL;
	}
}

yml_node *yml_parse(const char *label, const char *data, size_t len, int first_line,
                    diag *d)
{
	size_t skip = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		skip = 3; /* A BOM is harmless; editors on Windows add it. */
	if (!diag_utf8(d, label, data, len, first_line))
		return NULL;
	if (memchr(data + skip, '\0', len - skip)) {
		size_t off = (size_t)((const char *)memchr(data + skip, '\0', len - skip) - data);
		int line, col;
		diag_locate(data, off, &line, &col);
		diag_error(d, label, line + first_line - 1, col, "NUL byte at byte offset %zu; is this a text file?", off);
		return NULL;
	}

	yml_tree *tree = xcalloc(1, sizeof *tree);
	tree->file = xstrdup(label);
	parser p = {.label = label, .file = tree->file, .first_line = first_line, .d = d,
	            .data = data + skip, .len = len - skip};
	if (!yaml_parser_initialize(&p.yp)) {
		fputs("gapmap: out of memory\n", stderr);
		abort();
	}
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)data + skip, len - skip);
	yaml_parser_set_encoding(&p.yp, YAML_UTF8_ENCODING);

	yml_node *root = NULL;
	bool ok = true, have_doc = false;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(&p, &ev)) {
			ok = false;
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_DOCUMENT_START_EVENT) {
			if (have_doc) {
				diag_error(d, label, line_of(&p, ev.start_mark), col_of(ev.start_mark),
				           "only one YAML document per file is allowed");
				yaml_event_delete(&ev);
				ok = false;
				break;
			}
			have_doc = true;
		} else if (t != YAML_STREAM_START_EVENT && t != YAML_DOCUMENT_END_EVENT) {
			yml_node *n = parse_node(&p, &ev, 0);
			if (!n) {
				yaml_event_delete(&ev);
				ok = false;
				break;
			}
			root = n;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p.yp);

	if (!ok || p.errors || !root) {
		node_free(root, true);
		free(tree->file);
		free(tree);
		return NULL;
	}
	/* Move the root into the tree header so it and the file name go together. */
	tree->root = *root;
	free(root);
	return &tree->root;
}

void yml_free(yml_node *root)
{
	if (!root)
		return;
	yml_tree *tree = (yml_tree *)((char *)root - offsetof(yml_tree, root));
	node_free(root, false);
	free(tree->file);
	free(tree);
}

const yml_pair *yml_get_pair(const yml_node *map, const char *key)
{
	if (!map || map->kind != YML_MAP)
		return NULL;
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->pairs[i].key->value, key) == 0)
			return &map->pairs[i];
	return NULL;
}

yml_node *yml_get(const yml_node *map, const char *key)
{
	const yml_pair *p = yml_get_pair(map, key);
	return p ? p->value : NULL;
}

bool yml_is_null(const yml_node *n)
{
	if (!n || n->kind != YML_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
	       strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}

bool yml_int(const yml_node *n, long long *out)
{
	if (!n || n->kind != YML_SCALAR || n->len == 0 || n->len != strlen(n->value))
		return false;
	const char *s = n->value;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || s[0] == ' ' || s[0] == '+')
		return false;
	*out = v;
	return true;
}

bool yml_bool(const yml_node *n, bool *out)
{
	if (!n || n->kind != YML_SCALAR || !n->plain)
		return false;
	const char *s = n->value;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) {
		*out = true;
		return true;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) {
		*out = false;
		return true;
	}
	return false;
}

const char *yml_kind_name(yml_kind k)
{
	return k == YML_SCALAR ? "single value" : k == YML_SEQ ? "list" : "mapping";
}
