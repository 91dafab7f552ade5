#include "import/csv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "load/rules.h"

char **csv_record(const char **p, char sep, int *line, size_t *n)
{
	const char *s = *p;
	*n = 0;
	if (!*s)
		return NULL;
	char **cells = NULL;
	buf cell = BUF_INIT;
	for (;;) {
		bool quoted = *s == '"';
		if (quoted) {
			s++;
			while (*s) {
				if (*s == '"' && s[1] == '"') {
					buf_putc(&cell, '"');
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					*line += *s == '\n';
					buf_putc(&cell, *s++);
				}
			}
		}
		while (*s && *s != sep && *s != '\n')
			buf_putc(&cell, *s++); /* text after a closing quote, or an unquoted cell */
		cells = xrealloc(cells, (*n + 1) * sizeof *cells);
		cells[(*n)++] = buf_detach(&cell);
		if (*s == sep) {
			s++;
			continue;
		}
		if (*s == '\n') {
			s++;
			(*line)++;
		}
		break;
	}
	*p = s;
	return cells;
}

static void free_cells(char **c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i]);
	free(c);
}

/* What a column holds. */
typedef enum col_kind {
	COL_NONE,
	COL_TITLE,
	COL_AUTHORS,
	COL_YEAR,
	COL_JOURNAL,
	COL_PUBLISHER,
	COL_VOLUME,
	COL_ISSUE,
	COL_PAGES,
	COL_DOI,
	COL_URL,
	COL_ABSTRACT,
	COL_TYPE,
	COL_EPPI,
	COL_FACET
} col_kind;

static const struct {
	const char *name;
	col_kind kind;
} headers[] = {
	{"title", COL_TITLE},         {"authors", COL_AUTHORS},     {"author", COL_AUTHORS},
	{"year", COL_YEAR},           {"published year", COL_YEAR}, {"publication year", COL_YEAR},
	{"journal", COL_JOURNAL},     {"published_in", COL_JOURNAL}, {"source", COL_JOURNAL},
	{"source title", COL_JOURNAL}, {"publisher", COL_PUBLISHER}, {"volume", COL_VOLUME},
	{"issue", COL_ISSUE},         {"number", COL_ISSUE},        {"pages", COL_PAGES},
	{"doi", COL_DOI},             {"url", COL_URL},             {"abstract", COL_ABSTRACT},
	{"type", COL_TYPE},           {"eppi_id", COL_EPPI},        {"itemid", COL_EPPI},
};

typedef struct column {
	col_kind kind;
	size_t facet; /* COL_FACET */
} column;

static col_kind kind_named(const char *name)
{
	for (size_t i = 0; i < sizeof headers / sizeof *headers; i++)
		if (strcasecmp(name, headers[i].name) == 0)
			return headers[i].kind;
	return COL_NONE;
}

static size_t facet_named(const cfg_site *site, const char *name)
{
	for (size_t f = 0; site && f < site->nfacets; f++)
		if (!strcasecmp(name, site->facets[f].id) || !strcasecmp(name, site->facets[f].label))
			return f;
	return CFG_NONE;
}

static column classify(const cfg_site *site, const char *name)
{
	column c = {kind_named(name), CFG_NONE};
	if (c.kind == COL_NONE && (c.facet = facet_named(site, name)) != CFG_NONE)
		c.kind = COL_FACET;
	return c;
}

/* Calls add for each piece of v split at sep, trimmed, non-empty. */
static void split_each(const char *v, const char *sep, imp_ref *r, size_t facet,
                       const cfg_site *site, const char *file, int line, diag *d)
{
	size_t sl = strlen(sep);
	const char *p = v;
	while (p && *p) {
		const char *e = sl ? strstr(p, sep) : NULL;
		char *one = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
		char *t = one;
		while (isspace((unsigned char)*t))
			t++;
		for (size_t n = strlen(t); n && isspace((unsigned char)t[n - 1]);)
			t[--n] = '\0';
		if (*t && facet == CFG_NONE) {
			char *name = ref_author_name(t);
			ref_add_author(r, name);
			free(name);
		} else if (*t) {
			const cfg_facet *f = &site->facets[facet];
			size_t c = cfg_code_index(f, t);
			for (size_t k = 0; c == CFG_NONE && k < f->ncodes; k++)
				if (!strcasecmp(f->codes[k].label, t) || !strcasecmp(f->codes[k].id, t))
					c = k;
			if (c == CFG_NONE)
				diag_warning(d, file, line, 0, "\"%s\" is no %s code (by id or label); left out",
				             t, f->id);
			else
				ref_add_code(r, f->id, f->codes[c].id);
		}
		free(one);
		p = e ? e + sl : NULL;
	}
}

size_t csv_parse(const char *file, const char *text, const csv_opts *o, const cfg_site *site,
                 imp_refs *out, diag *d)
{
	/* The separator: whichever of , ; tab the header line has most of. */
	const char *eol = strchr(text, '\n');
	size_t hl = eol ? (size_t)(eol - text) : strlen(text);
	char sep = ',';
	size_t best = 0;
	for (const char *c = ",;\t"; *c; c++) {
		size_t k = 0;
		for (size_t i = 0; i < hl; i++)
			k += text[i] == *c;
		if (k > best) {
			best = k;
			sep = *c;
		}
	}
	const char *p = text;
	int line = 1;
	size_t nh;
	char **head = csv_record(&p, sep, &line, &nh);
	if (!head)
		return 0;
	bool rayyan = false, covidence = false;
	column *cols = xcalloc(nh, sizeof *cols);
	for (size_t i = 0; i < nh; i++) {
		cols[i] = classify(site, head[i]);
		rayyan |= !strcmp(head[i], "key") && i == 0;
		covidence |= !strcasecmp(head[i], "Covidence #");
	}
	for (size_t m = 0; m < o->nmap; m++) {
		const char *eq = strrchr(o->map[m], '=');
		char *col = eq ? xstrndup(o->map[m], (size_t)(eq - o->map[m])) : NULL;
		size_t i = 0;
		while (col && i < nh && strcasecmp(head[i], col) != 0)
			i++;
		column c = eq ? classify(site, eq + 1) : (column){COL_NONE, CFG_NONE};
		if (!col || i == nh)
			diag_error(d, file, 1, 0, "--map %s: no column \"%s\" in the header", o->map[m],
			           col ? col : o->map[m]);
		else if (c.kind == COL_NONE)
			diag_error(d, file, 1, 0,
			           "--map %s: \"%s\" is neither a record field nor a facet of site.yaml",
			           o->map[m], eq + 1);
		else
			cols[i] = c;
		free(col);
	}
	const char *split = o->split ? o->split : ";";
	size_t count = 0;
	for (;;) {
		int at = line;
		size_t n;
		char **cells = csv_record(&p, sep, &line, &n);
		if (!cells)
			break;
		bool blank = true;
		for (size_t i = 0; i < n; i++)
			blank &= !cells[i][0];
		if (blank) {
			free_cells(cells, n);
			continue;
		}
		imp_ref *r = refs_add(out, file, at);
		count++;
		for (size_t i = 0; i < n && i < nh; i++) {
			const char *v = cells[i];
			switch (cols[i].kind) {
			case COL_TITLE: ref_set(&r->title, v); break;
			case COL_AUTHORS:
				split_each(v, rayyan && !o->split ? " and " : split, r, CFG_NONE, site, file, at,
				           d);
				break;
			case COL_YEAR: r->year = ref_year(v); break;
			case COL_JOURNAL: ref_set(&r->journal, v); break;
			case COL_PUBLISHER: ref_set(&r->publisher, v); break;
			case COL_VOLUME: ref_set(&r->volume, v); break;
			case COL_ISSUE: ref_set(&r->issue, v); break;
			case COL_PAGES: ref_set(&r->pages, v); break;
			case COL_DOI: ref_set(&r->doi, v); break;
			case COL_URL: ref_set(&r->url, v); break;
			case COL_ABSTRACT: ref_set(&r->abstract, v); break;
			case COL_EPPI: ref_set(&r->eppi_id, v); break;
			case COL_TYPE: {
				char *t = xstrdup(v);
				for (char *q = t; *q; q++)
					*q = (char)tolower((unsigned char)*q);
				bool known = false;
				for (size_t k = 0; k < rec_ntypes; k++)
					known |= strcmp(t, rec_types[k]) == 0;
				if (known)
					ref_set(&r->type, t);
				else if (*t)
					diag_warning(d, file, at, 0, "type \"%s\" is not a record type; left out", v);
				free(t);
				break;
			}
			case COL_FACET: split_each(v, split, r, cols[i].facet, site, file, at, d); break;
			case COL_NONE: break;
			}
		}
		if (n > nh)
			diag_warning(d, file, at, 0, "%zu cells in a row of %zu columns; the extra ones are left out",
			             n, nh);
		free_cells(cells, n);
	}
	if (rayyan || covidence)
		diag_at(d, DIAG_NOTE, file, 1, 0, "read as a %s export", rayyan ? "Rayyan" : "Covidence");
	free(cols);
	free_cells(head, nh);
	return count;
}
