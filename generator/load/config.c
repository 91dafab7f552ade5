#include "load/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load/note.h"
#include "core/files.h"
#include "core/url.h"
#include "load/schema.h"
#include "load/yml.h"

/* The largest site.yaml we read; a vocabulary larger than this is a mistake. */
#define CFG_MAX_BYTES (4 * 1024 * 1024)

static const char *const site_keys[] = {
	"title", "description", "authors", "licence", "licence_url", "language",
	"theme", "url", "attribution", "map", "facets", "updates",
	"page_size"};
static const char *const map_keys[] = {"rows", "columns", "segments", "filters", "thin"};
static const char *const facet_keys[] = {"label",    "plural", "path",   "definition", "required",
                                         "multiple", "codes",  "groups", "ordinal"};
static const char *const group_keys[] = {"id", "label", "definition", "codes"};
static const char *const code_keys[] = {"id", "label", "definition", "provenance"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

size_t cfg_facet_index(const cfg_site *s, const char *id)
{
	for (size_t i = 0; i < s->nfacets; i++)
		if (strcmp(s->facets[i].id, id) == 0)
			return i;
	return CFG_NONE;
}

size_t cfg_code_index(const cfg_facet *f, const char *id)
{
	for (size_t i = 0; i < f->ncodes; i++)
		if (strcmp(f->codes[i].id, id) == 0)
			return i;
	return CFG_NONE;
}

size_t cfg_group_index(const cfg_facet *f, const char *id)
{
	for (size_t i = 0; i < f->ngroups; i++)
		if (strcmp(f->groups[i].id, id) == 0)
			return i;
	return CFG_NONE;
}

static bool want_map(const yml_node *n, const char *what, diag *d)
{
	if (n && n->kind == YML_MAP)
		return true;
	if (n)
		diag_error(d, n->file, n->line, n->col, "%s should be a mapping, not a %s", what,
		           yml_kind_name(n->kind));
	return false;
}

static bool check_id(const yml_node *n, const char *what, diag *d)
{
	if (schema_valid_id(n->value))
		return true;
	diag_error(d, n->file, n->line, n->col,
	           "%s \"%s\" is not a valid id: use lower-case letters, digits and hyphens", what,
	           n->value);
	return false;
}

static void read_code(cfg_facet *f, const yml_node *n, size_t group, bool *ok, diag *d)
{
	if (!want_map(n, "a code", d)) {
		*ok = false;
		return;
	}
	schema_check_keys(n, code_keys, N(code_keys), NULL, 0, "a code", d);
	cfg_code c = {NULL, NULL, NULL, group, NULL};
	bool good = true;
	schema_string(n, "id", true, &c.id, &good, d);
	schema_string(n, "label", true, &c.label, &good, d);
	schema_string(n, "definition", false, &c.definition, &good, d);
	schema_string(n, "provenance", false, &c.provenance, &good, d);
	const yml_node *idn = yml_get(n, "id");
	if (c.id && !check_id(idn, "code", d))
		good = false;
	if (c.id && cfg_code_index(f, c.id) != CFG_NONE) {
		diag_error(d, idn->file, idn->line, idn->col, "code \"%s\" is declared twice in facet \"%s\"",
		           c.id, f->id);
		good = false;
	}
	if (!good) {
		free(c.id);
		free(c.label);
		free(c.definition);
		free(c.provenance);
		*ok = false;
		return;
	}
	if (f->ncodes == CFG_MAX_CODES) {
		diag_error(d, n->file, n->line, n->col,
		           "facet \"%s\" has more than %d codes, the limit for one facet", f->id,
		           CFG_MAX_CODES);
		free(c.id);
		free(c.label);
		free(c.definition);
		free(c.provenance);
		*ok = false;
		return;
	}
	f->codes = xrealloc(f->codes, (f->ncodes + 1) * sizeof *f->codes);
	f->codes[f->ncodes++] = c;
}

static void read_codes(cfg_facet *f, const yml_node *list, size_t group, bool *ok, diag *d)
{
	if (list->kind != YML_SEQ) {
		diag_error(d, list->file, list->line, list->col, "\"codes\" should be a list of codes");
		*ok = false;
		return;
	}
	for (size_t i = 0; i < list->count; i++)
		read_code(f, list->items[i], group, ok, d);
}

static void read_facet(cfg_site *s, const yml_pair *p, bool *ok, diag *d)
{
	const yml_node *k = p->key, *n = p->value;
	if (!check_id(k, "facet", d) || !want_map(n, "a facet", d)) {
		*ok = false;
		return;
	}
	if (strcmp(k->value, "year") == 0) {
		diag_error(d, k->file, k->line, k->col,
		           "\"year\" is built in and cannot be declared as a facet");
		*ok = false;
		return;
	}
	schema_check_keys(n, facet_keys, N(facet_keys), NULL, 0, "a facet", d);
	cfg_facet f = {0};
	f.id = xstrdup(k->value);
	f.multiple = true;
	schema_string(n, "label", true, &f.label, ok, d);
	schema_string(n, "plural", false, &f.plural, ok, d);
	schema_string(n, "path", false, &f.path, ok, d);
	schema_string(n, "definition", false, &f.definition, ok, d);
	schema_bool(n, "required", &f.required, ok, d);
	schema_bool(n, "multiple", &f.multiple, ok, d);
	schema_bool(n, "ordinal", &f.ordinal, ok, d);
	if (!f.label)
		f.label = xstrdup(f.id);
	if (!f.plural)
		f.plural = xstrdup(f.label);
	if (f.path) {
		const yml_node *pn = yml_get(n, "path");
		f.path_line = pn->line;
		f.path_col = pn->col;
		if (!check_id(pn, "path", d))
			*ok = false;
	} else {
		f.path = xstrdup(f.id);
		f.path_line = k->line;
		f.path_col = k->col;
	}
	const yml_node *codes = yml_get(n, "codes"), *groups = yml_get(n, "groups");
	if (codes && groups) {
		diag_error(d, n->file, n->line, n->col,
		           "facet \"%s\" has both \"codes\" and \"groups\"; put codes inside groups",
		           f.id);
		*ok = false;
	} else if (codes) {
		read_codes(&f, codes, CFG_NONE, ok, d);
	} else if (groups) {
		if (groups->kind != YML_SEQ) {
			diag_error(d, groups->file, groups->line, groups->col,
			           "\"groups\" should be a list of groups");
			*ok = false;
		}
		for (size_t i = 0; groups->kind == YML_SEQ && i < groups->count; i++) {
			const yml_node *g = groups->items[i];
			if (!want_map(g, "a group", d)) {
				*ok = false;
				continue;
			}
			schema_check_keys(g, group_keys, N(group_keys), NULL, 0, "a group", d);
			cfg_group grp = {0};
			bool good = true;
			schema_string(g, "id", true, &grp.id, &good, d);
			schema_string(g, "label", true, &grp.label, &good, d);
			schema_string(g, "definition", false, &grp.definition, &good, d);
			if (grp.id && !check_id(yml_get(g, "id"), "group", d))
				good = false;
			if (grp.id && cfg_group_index(&f, grp.id) != CFG_NONE) {
				const yml_node *idn = yml_get(g, "id");
				diag_error(d, idn->file, idn->line, idn->col, "group \"%s\" is declared twice",
				           grp.id);
				good = false;
			}
			if (!good) {
				free(grp.id);
				free(grp.label);
				free(grp.definition);
				*ok = false;
				continue;
			}
			grp.first = f.ncodes;
			f.groups = xrealloc(f.groups, (f.ngroups + 1) * sizeof *f.groups);
			f.groups[f.ngroups] = grp;
			const yml_node *gc = yml_get(g, "codes");
			if (!gc || yml_is_null(gc)) {
				diag_error(d, g->file, g->line, g->col, "group \"%s\" has no codes", grp.id);
				*ok = false;
			} else {
				read_codes(&f, gc, f.ngroups, ok, d);
			}
			f.groups[f.ngroups].count = f.ncodes - grp.first;
			f.ngroups++;
		}
	} else {
		diag_error(d, n->file, n->line, n->col, "facet \"%s\" declares no codes", f.id);
		*ok = false;
	}
	for (size_t i = 0; i < f.ngroups; i++)
		if (cfg_code_index(&f, f.groups[i].id) != CFG_NONE) {
			diag_error(d, k->file, k->line, k->col,
			           "facet \"%s\": \"%s\" is both a group and a code", f.id, f.groups[i].id);
			*ok = false;
		}
	if (f.ordinal) {
		/* A scale is one list in order: groups would split it. */
		const yml_node *on = yml_get(n, "ordinal");
		if (f.ngroups) {
			diag_error(
			    d, on->file, on->line, on->col,
			    "facet \"%s\" is ordinal: list its codes in order under \"codes\", "
			    "without groups",
			    f.id);
			*ok = false;
		} else if (codes && f.ncodes < 2) {
			diag_error(
			    d, on->file, on->line, on->col,
			    "facet \"%s\" is ordinal but has %zu code; a scale needs at least two, "
			    "in order",
			    f.id, f.ncodes);
			*ok = false;
		}
	}
	f.code_ids = xcalloc(f.ncodes, sizeof *f.code_ids);
	for (size_t i = 0; i < f.ncodes; i++)
		f.code_ids[i] = f.codes[i].id;
	s->facets = xrealloc(s->facets, (s->nfacets + 1) * sizeof *s->facets);
	s->facets[s->nfacets++] = f;
}

/* Resolves a facet named by the map section; reports unknown names. */
static size_t axis(cfg_site *s, const yml_node *map, const char *key, bool required, bool *ok,
                   diag *d)
{
	char *id = NULL;
	if (!schema_string(map, key, required, &id, ok, d))
		return CFG_NONE;
	size_t i = cfg_facet_index(s, id);
	if (i == CFG_NONE) {
		const yml_node *n = yml_get(map, key);
		const char *hint = diag_suggest(id, s->facet_ids, s->nfacets);
		diag_error(d, n->file, n->line, n->col, "map.%s names unknown facet \"%s\"%s%s%s", key,
		           id, hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
		*ok = false;
	}
	free(id);
	return i;
}
/* A URL of site.yaml against the one allow-list (core/url.h). */
static void check_url(const yml_node *root, const char *key, const char *url, bool relative_ok,
                      bool *ok, diag *d)
{
	url_verdict v = url_check(url, relative_ok);
	if (v == URL_OK)
		return;
	const yml_node *n = yml_get(root, key);
	const char *what = relative_ok ? "an http, https or mailto address or a relative link"
	                               : "an http, https or mailto address";
	char *scheme = url_scheme(url);
	if (v == URL_BAD_SCHEME)
		diag_error(d, n->file, n->line, n->col, "%s must be %s, not a \"%s:\" link", key,
		           what, scheme ? scheme : "");
	else if (v == URL_BAD_CHAR)
		diag_error(d, n->file, n->line, n->col,
		           "%s must have no spaces, control characters, quotes, < > or \\ in it "
		           "(write a space as %%20)",
		           key);
	else
		diag_error(d, n->file, n->line, n->col, "%s must be %s", key, what);
	free(scheme);
	*ok = false;
}


cfg_site *cfg_load(const char *path, const char *label, diag *d)
{
	char *data;
	size_t len;
	file_msgs msgs = {.missing = "missing: every content folder needs a site.yaml"};
	if (file_read(d, label, path, CFG_MAX_BYTES, msgs, &data, &len,
	              "larger than 4 MiB (%d bytes), the limit for site.yaml", CFG_MAX_BYTES) != 0)
		return NULL;
	size_t before = d->errors;
	yml_node *root = yml_parse(label, data, len, 1, d);
	free(data);
	if (!root) {
		if (d->errors == before)
			diag_error(d, label, 0, 0, "file is empty; it needs at least a title and facets");
		return NULL;
	}
	if (!want_map(root, "site.yaml", d)) {
		yml_free(root);
		return NULL;
	}
	schema_check_keys(root, site_keys, N(site_keys), NULL, 0, "site.yaml", d);
	cfg_site *s = xcalloc(1, sizeof *s);
	bool ok = true;
	schema_string(root, "title", true, &s->title, &ok, d);
	schema_string(root, "description", false, &s->description, &ok, d);
	schema_strings(root, "authors", false, &s->authors, &s->nauthors, &ok, d);
	schema_string(root, "licence", false, &s->licence, &ok, d);
	schema_string(root, "licence_url", false, &s->licence_url, &ok, d);
	schema_string(root, "language", false, &s->language, &ok, d);
	schema_string(root, "theme", false, &s->theme, &ok, d);
	schema_string(root, "url", false, &s->url, &ok, d);
	char *attribution = NULL;
	if (schema_string(root, "attribution", false, &attribution, &ok, d)) {
		s->attribution_html = note_html(attribution, strlen(attribution), 0);
		free(attribution);
	}
	if (!s->language)
		s->language = xstrdup("en");
	if (!s->theme)
		s->theme = xstrdup("default");
	if (s->url && !str_starts_with(s->url, "https://") && !str_starts_with(s->url, "http://")) {
		const yml_node *n = yml_get(root, "url");
		diag_error(d, n->file, n->line, n->col, "url should start with https:// or http://");
		ok = false;
	} else if (s->url) {
		check_url(root, "url", s->url, false, &ok, d);
	}
	if (s->licence_url)
		check_url(root, "licence_url", s->licence_url, true, &ok, d);

	if (!updates_read(yml_get(root, "updates"), &s->updates, d))
		ok = false;

	const yml_node *facets = yml_get(root, "facets");
	if (!facets || yml_is_null(facets)) {
		diag_error(d, label, root->line, root->col, "missing required field \"facets\"");
		ok = false;
	} else if (want_map(facets, "facets", d)) {
		for (size_t i = 0; i < facets->count; i++) {
			if (i == CFG_MAX_FACETS) {
				const yml_node *k = facets->pairs[i].key;
				diag_error(d, k->file, k->line, k->col,
				           "more than %d facets, the limit for one site", CFG_MAX_FACETS);
				ok = false;
				break;
			}
			read_facet(s, &facets->pairs[i], &ok, d);
		}
	} else {
		ok = false;
	}
	s->facet_ids = xcalloc(s->nfacets, sizeof *s->facet_ids);
	size_t all_codes = 0;
	for (size_t i = 0; i < s->nfacets; i++) {
		s->facet_ids[i] = s->facets[i].id;
		all_codes += s->facets[i].ncodes;
	}
	if (all_codes > CFG_MAX_ALL_CODES) {
		diag_error(d, facets->file, facets->line, facets->col,
		           "the facets have %zu codes together, more than %d, the limit for one site",
		           all_codes, CFG_MAX_ALL_CODES);
		ok = false;
	}

	s->rows = s->columns = s->segments = CFG_NONE;
	s->thin = 2;
	long long page_size = CFG_PAGE_SIZE;
	if (schema_int(root, "page_size", false, 1, CFG_MAX_PAGE_SIZE, &page_size, &ok, d))
		s->page_size = (long)page_size;
	else
		s->page_size = CFG_PAGE_SIZE;
	const yml_node *map = yml_get(root, "map");
	if (!map) {
		diag_error(d, label, root->line, root->col,
		           "missing required field \"map\" (which facets form the rows and columns)");
		ok = false;
	} else if (want_map(map, "map", d)) {
		schema_check_keys(map, map_keys, N(map_keys), NULL, 0, "map", d);
		s->rows = axis(s, map, "rows", true, &ok, d);
		s->columns = axis(s, map, "columns", true, &ok, d);
		s->segments = axis(s, map, "segments", false, &ok, d);
		long long thin = 2;
		if (schema_int(map, "thin", false, 0, 1000000, &thin, &ok, d))
			s->thin = (long)thin;
		if (s->rows != CFG_NONE && s->rows == s->columns) {
			const yml_node *n = yml_get(map, "columns");
			diag_error(d, n->file, n->line, n->col, "map rows and columns are the same facet");
			ok = false;
		}
		if (s->rows != CFG_NONE && s->columns != CFG_NONE && s->rows != s->columns) {
			size_t nr = s->facets[s->rows].ncodes, nc = s->facets[s->columns].ncodes;
			if (nr * nc > CFG_MAX_CELLS) {
				const yml_node *n = yml_get(map, "columns");
				diag_error(d, n->file, n->line, n->col,
				           "the map would have %zu cells (%zu rows x %zu columns), more than "
				           "%d, the limit for one map",
				           nr * nc, nr, nc, CFG_MAX_CELLS);
				ok = false;
			}
		}
		const yml_node *filters = yml_get(map, "filters");
		if (filters && filters->kind == YML_SEQ) {
			s->filters = xcalloc(filters->count, sizeof *s->filters);
			for (size_t i = 0; i < filters->count; i++) {
				const yml_node *f = filters->items[i];
				if (f->kind != YML_SCALAR) {
					diag_error(d, f->file, f->line, f->col, "filters are facet ids");
					ok = false;
					continue;
				}
				size_t fi = strcmp(f->value, "year") == 0 ? CFG_FILTER_YEAR
				                                          : cfg_facet_index(s, f->value);
				if (fi == CFG_NONE) {
					const char *hint = diag_suggest(f->value, s->facet_ids, s->nfacets);
					diag_error(d, f->file, f->line, f->col,
					           "filter names unknown facet \"%s\"%s%s%s", f->value,
					           hint ? "; did you mean \"" : "", hint ? hint : "",
					           hint ? "\"?" : "");
					ok = false;
					continue;
				}
				s->filters[s->nfilters++] = fi;
			}
		} else if (filters && !yml_is_null(filters)) {
			diag_error(d, filters->file, filters->line, filters->col,
			           "map.filters should be a list of facet ids");
			ok = false;
		}
	} else {
		ok = false;
	}
	yml_free(root);
	if (!ok && (s->rows == CFG_NONE || s->columns == CFG_NONE)) {
		cfg_free(s);
		return NULL;
	}
	return s;
}

void cfg_free(cfg_site *s)
{
	if (!s)
		return;
	free(s->title);
	free(s->description);
	schema_free_strings(s->authors, s->nauthors);
	free(s->licence);
	free(s->licence_url);
	free(s->language);
	free(s->theme);
	free(s->url);
	free(s->attribution_html);
	for (size_t i = 0; i < s->nfacets; i++) {
		cfg_facet *f = &s->facets[i];
		free(f->id);
		free(f->label);
		free(f->plural);
		free(f->path);
		free(f->definition);
		for (size_t k = 0; k < f->ncodes; k++) {
			free(f->codes[k].id);
			free(f->codes[k].label);
			free(f->codes[k].definition);
			free(f->codes[k].provenance);
		}
		for (size_t k = 0; k < f->ngroups; k++) {
			free(f->groups[k].id);
			free(f->groups[k].label);
			free(f->groups[k].definition);
		}
		free(f->codes);
		free(f->groups);
		free(f->code_ids);
	}
	free(s->facets);
	free(s->facet_ids);
	free(s->filters);
	updates_free(&s->updates);
	free(s);
}
