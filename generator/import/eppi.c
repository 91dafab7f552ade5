#include "import/eppi.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/yaml_write.h"
#include "import/text.h"
#include "load/yml.h"

static const char *str_of(const yml_node *map, const char *key)
{
	const yml_node *v = map && map->kind == YML_MAP ? yml_get(map, key) : NULL;
	if (!v || v->kind != YML_SCALAR || yml_is_null(v) || !v->value[0])
		return NULL;
	return v->value;
}

/* The "AttributesList" of a node's "Attributes", or NULL. */
static const yml_node *attr_list(const yml_node *n)
{
	const yml_node *a = yml_get(n, "Attributes");
	if (!a || a->kind != YML_MAP)
		return NULL;
	const yml_node *l = yml_get(a, "AttributesList");
	return l && l->kind == YML_SEQ ? l : NULL;
}

static void read_attrs(const char *file, const yml_node *list, eppi_attr **out, size_t *n,
                       int depth, diag *d)
{
	if (!list || depth > 32)
		return;
	*out = xcalloc(list->count ? list->count : 1, sizeof **out);
	for (size_t i = 0; i < list->count; i++) {
		const yml_node *a = list->items[i];
		const char *id = a->kind == YML_MAP ? str_of(a, "AttributeId") : NULL;
		const char *name = a->kind == YML_MAP ? str_of(a, "AttributeName") : NULL;
		if (!id || !name) {
			diag_warning(d, file, a->line, a->col,
			             "code without an AttributeId or AttributeName ignored");
			continue;
		}
		eppi_attr *e = &(*out)[(*n)++];
		e->id = xstrdup(id);
		e->name = xstrdup(name);
		read_attrs(file, attr_list(a), &e->kids, &e->nkids, depth + 1, d);
	}
}

static const char *type_of(const char *name)
{
	static const char *const map[][2] = {
		{"Journal, Article", "article"}, {"Report", "report"},
		{"Book, Chapter", "chapter"},    {"Book, Whole", "book"},
		{"Dissertation", "thesis"},      {"Conference Proceedings", "conference"},
		{"Web Site", "webpage"},         {"Article In A Periodical", "article"},
	};
	for (size_t i = 0; name && i < sizeof map / sizeof *map; i++)
		if (strcasecmp(name, map[i][0]) == 0)
			return map[i][1];
	return name ? "other" : NULL;
}

static bool known_attr(const eppi_attr *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0 || known_attr(v[i].kids, v[i].nkids, id))
			return true;
	return false;
}

static void read_ref(const char *file, const yml_node *it, const eppi_codes *codes,
                     imp_refs *out, diag *d)
{
	imp_ref *r = refs_add(out, file, it->line);
	ref_set(&r->eppi_id, str_of(it, "ItemId"));
	ref_set(&r->title, str_of(it, "Title"));
	ref_set(&r->journal, str_of(it, "ParentTitle"));
	ref_set(&r->publisher, str_of(it, "Publisher"));
	ref_set(&r->volume, str_of(it, "Volume"));
	ref_set(&r->issue, str_of(it, "Issue"));
	ref_set(&r->pages, str_of(it, "Pages"));
	ref_set(&r->doi, str_of(it, "DOI"));
	ref_set(&r->url, str_of(it, "URL"));
	ref_set(&r->abstract, str_of(it, "Abstract"));
	ref_set(&r->type, type_of(str_of(it, "TypeName")));
	const char *y = str_of(it, "Year");
	r->year = y ? ref_year(y) : 0;
	const char *authors = str_of(it, "Authors");
	for (const char *p = authors; p && *p;) {
		const char *e = strchr(p, ';');
		char *one = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
		char *name = ref_author_name(one);
		ref_add_author(r, name);
		free(name);
		free(one);
		p = e ? e + 1 : p + strlen(p);
	}
	const yml_node *cl = yml_get(it, "Codes");
	for (size_t i = 0; cl && cl->kind == YML_SEQ && i < cl->count; i++) {
		const yml_node *c = cl->items[i];
		const char *id = c->kind == YML_MAP ? str_of(c, "AttributeId") : NULL;
		if (!id) {
			diag_warning(d, file, c->line, c->col, "code entry without an AttributeId ignored");
			continue;
		}
		if (!known_attr(codes->sets, codes->nsets, id)) {
			diag_warning(d, file, c->line, c->col,
			             "AttributeId %s is in no code set of the export; ignored", id);
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < r->ncodes; k++)
			dup |= strcmp(r->codes[k], id) == 0;
		if (!dup)
			ref_add_code(r, NULL, id);
	}
}

size_t eppi_parse(const char *file, const char *text, size_t len, imp_refs *out,
                  eppi_codes *codes, diag *d)
{
	size_t before = d->errors;
	yml_node *root = yml_parse(file, text, len, 1, d);
	if (!root || root->kind != YML_MAP || !yml_get(root, "References")) {
		if (d->errors == before)
			diag_error(d, file, 0, 0,
			           "not an EPPI-Reviewer JSON export (no \"References\" list); export "
			           "the review as JSON from EPPI-Reviewer (as EPPI-Mapper reads it)");
		yml_free(root);
		return (size_t)-1;
	}
	const yml_node *sets = yml_get(root, "CodeSets");
	for (size_t i = 0; sets && sets->kind == YML_SEQ && i < sets->count; i++) {
		const yml_node *s = sets->items[i];
		const char *name = str_of(s, "SetName");
		if (!name) {
			diag_warning(d, file, s->line, s->col, "code set without a SetName ignored");
			continue;
		}
		codes->sets = xrealloc(codes->sets, (codes->nsets + 1) * sizeof *codes->sets);
		eppi_attr *e = &codes->sets[codes->nsets++];
		memset(e, 0, sizeof *e);
		const char *id = str_of(s, "SetId");
		e->id = xstrdup(id ? id : "");
		e->name = xstrdup(name);
		read_attrs(file, attr_list(s), &e->kids, &e->nkids, 0, d);
	}
	const yml_node *refs = yml_get(root, "References");
	size_t n = 0;
	if (refs->kind != YML_SEQ) {
		diag_error(d, file, refs->line, refs->col, "\"References\" should be a list");
	} else {
		for (size_t i = 0; i < refs->count; i++) {
			if (refs->items[i]->kind != YML_MAP) {
				diag_warning(d, file, refs->items[i]->line, refs->items[i]->col,
				             "reference that is not an object ignored");
				continue;
			}
			read_ref(file, refs->items[i], codes, out, d);
			n++;
		}
	}
	yml_free(root);
	return n;
}

static void attrs_free(eppi_attr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		attrs_free(v[i].kids, v[i].nkids);
	}
	free(v);
}

void eppi_codes_free(eppi_codes *c)
{
	attrs_free(c->sets, c->nsets);
	c->sets = NULL;
	c->nsets = 0;
}

char *eppi_slug(const char *name)
{
	char *f = imp_fold(name);
	buf b = BUF_INIT;
	for (char *p = f; *p && b.len < 60; p++)
		buf_putc(&b, *p == ' ' ? '-' : *p);
	free(f);
	while (b.len && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (!b.len)
		buf_puts(&b, "code");
	if (strcmp(buf_cstr(&b), "year") == 0)
		buf_puts(&b, "-code"); /* "year" is the built-in filter */
	return buf_detach(&b);
}

static bool matches(const eppi_attr *a, const char *name)
{
	if (strcasecmp(a->name, name) == 0)
		return true;
	char *slug = eppi_slug(a->name);
	bool ok = strcmp(slug, name) == 0;
	free(slug);
	return ok;
}

static const eppi_attr *find_node(const eppi_codes *c, const char *name)
{
	for (size_t i = 0; i < c->nsets; i++)
		if (matches(&c->sets[i], name))
			return &c->sets[i];
	for (size_t i = 0; i < c->nsets; i++)
		for (size_t k = 0; k < c->sets[i].nkids; k++)
			if (c->sets[i].kids[k].nkids && matches(&c->sets[i].kids[k], name))
				return &c->sets[i].kids[k];
	return NULL;
}

void eppi_facet_names(const eppi_codes *c, buf *out)
{
	for (size_t i = 0; i < c->nsets; i++) {
		buf_printf(out, "%s\"%s\"", out->len ? ", " : "", c->sets[i].name);
		for (size_t k = 0; k < c->sets[i].nkids; k++)
			if (c->sets[i].kids[k].nkids)
				buf_printf(out, ", \"%s\"", c->sets[i].kids[k].name);
	}
}

/* A slug of name not yet among taken[0..n). */
static char *unique_slug(const char *name, char **taken, size_t n)
{
	char *base = eppi_slug(name);
	char *id = xstrdup(base);
	for (int k = 2;; k++) {
		bool clash = false;
		for (size_t i = 0; i < n && !clash; i++)
			clash = strcmp(taken[i], id) == 0;
		if (!clash)
			break;
		free(id);
		id = xasprintf("%s-%d", base, k);
	}
	free(base);
	return id;
}

static void plan_code(eppi_plan *p, const eppi_attr *a, size_t group, char ***ids)
{
	p->codes = xrealloc(p->codes, (p->ncodes + 1) * sizeof *p->codes);
	eppi_plan_code *c = &p->codes[p->ncodes];
	c->id = unique_slug(a->name, *ids, p->ncodes);
	c->label = xstrdup(a->name);
	c->attr = xstrdup(a->id);
	c->group = group;
	*ids = xrealloc(*ids, (p->ncodes + 1) * sizeof **ids);
	(*ids)[p->ncodes++] = c->id;
}

static void plan_group(eppi_plan *p, const char *name, const char *attr)
{
	p->group_ids = xrealloc(p->group_ids, (p->ngroups + 1) * sizeof *p->group_ids);
	p->group_labels = xrealloc(p->group_labels, (p->ngroups + 1) * sizeof *p->group_labels);
	p->group_attrs = xrealloc(p->group_attrs, (p->ngroups + 1) * sizeof *p->group_attrs);
	p->group_ids[p->ngroups] = unique_slug(name, p->group_ids, p->ngroups);
	p->group_labels[p->ngroups] = xstrdup(name);
	p->group_attrs[p->ngroups++] = attr ? xstrdup(attr) : NULL;
}

bool eppi_plan_facet(const eppi_codes *c, const char *name, eppi_plan *out)
{
	memset(out, 0, sizeof *out);
	const eppi_attr *node = find_node(c, name);
	if (!node)
		return false;
	out->id = eppi_slug(node->name);
	out->label = xstrdup(node->name);
	out->attr = xstrdup(node->id);
	bool grouped = false;
	for (size_t i = 0; i < node->nkids; i++)
		grouped |= node->kids[i].nkids > 0;
	char **ids = NULL; /* borrowed from codes, for uniqueness */
	if (!grouped) {
		for (size_t i = 0; i < node->nkids; i++)
			plan_code(out, &node->kids[i], (size_t)-1, &ids);
	} else {
		/* Children with children are groups; childless children share a
		 * last group, "Other", since a facet cannot mix the two. */
		bool other = false;
		for (size_t i = 0; i < node->nkids; i++) {
			const eppi_attr *g = &node->kids[i];
			if (!g->nkids) {
				other = true;
				continue;
			}
			plan_group(out, g->name, g->id);
			for (size_t k = 0; k < g->nkids; k++)
				plan_code(out, &g->kids[k], out->ngroups - 1, &ids);
		}
		if (other) {
			plan_group(out, "Other", NULL);
			for (size_t i = 0; i < node->nkids; i++)
				if (!node->kids[i].nkids)
					plan_code(out, &node->kids[i], out->ngroups - 1, &ids);
		}
	}
	free(ids);
	return true;
}

void eppi_plan_free(eppi_plan *p)
{
	free(p->id);
	free(p->label);
	free(p->attr);
	for (size_t i = 0; i < p->ngroups; i++) {
		free(p->group_ids[i]);
		free(p->group_labels[i]);
		free(p->group_attrs[i]);
	}
	free(p->group_ids);
	free(p->group_labels);
	free(p->group_attrs);
	for (size_t i = 0; i < p->ncodes; i++) {
		free(p->codes[i].id);
		free(p->codes[i].label);
		free(p->codes[i].attr);
	}
	free(p->codes);
	memset(p, 0, sizeof *p);
}

static void put_code(buf *out, const eppi_plan_code *c, const char *indent)
{
	buf_printf(out, "%s- { id: ", indent);
	yw_scalar(out, c->id);
	buf_puts(out, ", label: ");
	yw_scalar(out, c->label);
	buf_puts(out, ", provenance: ");
	char *prov = xasprintf("EPPI-Reviewer AttributeId %s", c->attr);
	yw_scalar(out, prov);
	free(prov);
	buf_puts(out, " }\n");
}

void eppi_plan_yaml(const eppi_plan *p, buf *out)
{
	buf_puts(out, "  ");
	yw_scalar(out, p->id);
	buf_puts(out, ":\n    label: ");
	yw_scalar(out, p->label);
	buf_putc(out, '\n');
	if (!p->ngroups) {
		buf_puts(out, "    codes:\n");
		for (size_t i = 0; i < p->ncodes; i++)
			put_code(out, &p->codes[i], "      ");
		return;
	}
	buf_puts(out, "    groups:\n");
	for (size_t g = 0; g < p->ngroups; g++) {
		buf_puts(out, "      - id: ");
		yw_scalar(out, p->group_ids[g]);
		buf_puts(out, "\n        label: ");
		yw_scalar(out, p->group_labels[g]);
		buf_puts(out, "\n        codes:\n");
		for (size_t i = 0; i < p->ncodes; i++)
			if (p->codes[i].group == g)
				put_code(out, &p->codes[i], "          ");
	}
}
