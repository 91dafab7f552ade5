/* prisma/parse.c: reads prisma.yaml into a prisma_set (flow.h), with an
 * error at every key, count or list it cannot use; and the set's getters.
 * The arithmetic is checked separately (check.c). */
#include "prisma/flow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/files.h"

typedef struct parse_ctx {
	const char *label;
	diag *d;
} parse_ctx;

/* Reports every key of map that is not in allowed, with a hint. */
static void check_keys(parse_ctx *p, const yml_node *map, const char *const *allowed, size_t n,
                       const char *where)
{
	for (size_t i = 0; i < map->count; i++) {
		const yml_node *k = map->pairs[i].key;
		bool ok = false;
		for (size_t j = 0; j < n && !ok; j++)
			ok = strcmp(k->value, allowed[j]) == 0;
		if (ok)
			continue;
		const char *hint = diag_suggest(k->value, allowed, n);
		if (hint)
			diag_error(p->d, p->label, k->line, k->col,
			           "unknown key \"%s\" in %s (did you mean \"%s\"?)", k->value,
			           where, hint);
		else
			diag_error(p->d, p->label, k->line, k->col, "unknown key \"%s\" in %s",
			           k->value, where);
	}
}

static bool want_kind(parse_ctx *p, const yml_node *n, yml_kind k, const char *what)
{
	if (n->kind == k)
		return true;
	diag_error(p->d, p->label, n->line, n->col, "%s must be a %s, not a %s", what,
	           yml_kind_name(k), yml_kind_name(n->kind));
	return false;
}

static bool read_number(parse_ctx *p, const yml_node *n, const char *what, long long *out)
{
	if (n->kind != YML_SCALAR || !yml_int(n, out)) {
		diag_error(p->d, p->label, n->line, n->col, "%s must be a whole number%s", what,
		           n->kind == YML_SCALAR ? "" : ", not a list or mapping");
		return false;
	}
	if (*out < 0) {
		diag_error(p->d, p->label, n->line, n->col, "%s cannot be negative", what);
		return false;
	}
	if (*out > 1000000000000LL) {
		diag_error(p->d, p->label, n->line, n->col, "%s is implausibly large", what);
		return false;
	}
	return true;
}

static count parse_count(parse_ctx *p, const yml_node *map, const char *key)
{
	count c = {0};
	const yml_node *n = yml_get(map, key);
	if (!n || yml_is_null(n))
		return c;
	c.line = n->line;
	c.col = n->col;
	c.given = read_number(p, n, key, &c.n);
	return c;
}

static char *scalar_text(parse_ctx *p, const yml_node *n, const char *what)
{
	if (n->kind != YML_SCALAR || yml_is_null(n) || n->len == 0) {
		diag_error(p->d, p->label, n->line, n->col, "%s must be a non-empty text", what);
		return NULL;
	}
	if (strlen(n->value) != n->len) {
		diag_error(p->d, p->label, n->line, n->col, "%s contains a NUL byte", what);
		return NULL;
	}
	return xstrdup(n->value);
}

/* Sources (namekey "name") may omit n or give ~; reasons need it, since a
 * reason without a count says nothing a reader can check. */
static void parse_entries(parse_ctx *p, const yml_node *seq, const char *namekey, listcount *lc,
                          const char *key)
{
	bool need_n = strcmp(namekey, "name") != 0;
	lc->items = xcalloc(seq->count ? seq->count : 1, sizeof *lc->items);
	const char *allowed[2] = {namekey, "n"};
	char *where = xasprintf("an item of %s", key);
	for (size_t i = 0; i < seq->count; i++) {
		const yml_node *it = seq->items[i];
		if (!want_kind(p, it, YML_MAP, where))
			continue;
		check_keys(p, it, allowed, 2, where);
		const yml_node *name = yml_get(it, namekey), *n = yml_get(it, "n");
		if (!name || (need_n && !n)) {
			if (need_n)
				diag_error(p->d, p->label, it->line, it->col,
				           "%s needs \"%s\" and \"n\"", where, namekey);
			else
				diag_error(p->d, p->label, it->line, it->col, "%s needs \"%s\"",
				           where, namekey);
			continue;
		}
		entry e = {0};
		e.name = scalar_text(p, name, namekey);
		const yml_node *at = n ? n : name;
		e.line = at->line;
		e.col = at->col;
		/* "n: ~" on a reason falls through to read_number's error. */
		e.given = n && (need_n || !yml_is_null(n));
		if (!e.name || (e.given && !read_number(p, n, "n", &e.n))) {
			free(e.name);
			continue;
		}
		lc->items[lc->nitems++] = e;
		if (e.given)
			lc->sum += e.n;
		else
			lc->uncounted++;
	}
	free(where);
}

/* number | [{namekey, n}...] | {n: total, listkey: [...]} */
static listcount parse_listcount(parse_ctx *p, const yml_node *map, const char *key,
                                 const char *namekey, const char *listkey)
{
	listcount lc = {0};
	const yml_node *n = yml_get(map, key);
	if (!n || yml_is_null(n))
		return lc;
	lc.line = lc.c.line = n->line;
	lc.col = lc.c.col = n->col;
	if (n->kind == YML_SCALAR) {
		lc.c.given = lc.stated = read_number(p, n, key, &lc.c.n);
		return lc;
	}
	if (n->kind == YML_SEQ) {
		parse_entries(p, n, namekey, &lc, key);
		lc.c.n = lc.sum;
		lc.c.given = lc.nitems > 0 && lc.uncounted == 0;
		return lc;
	}
	const char *allowed[2] = {"n", listkey};
	check_keys(p, n, allowed, 2, key);
	const yml_node *tot = yml_get(n, "n"), *list = yml_get(n, listkey);
	if (list && want_kind(p, list, YML_SEQ, listkey))
		parse_entries(p, list, namekey, &lc, key);
	if (tot && !yml_is_null(tot)) {
		lc.c.line = tot->line;
		lc.c.col = tot->col;
		lc.stated = read_number(p, tot, key, &lc.c.n);
	}
	if (!lc.stated)
		lc.c.n = lc.sum;
	lc.c.given = lc.stated || (lc.nitems > 0 && lc.uncounted == 0);
	return lc;
}

static void free_listcount(listcount *lc)
{
	for (size_t i = 0; i < lc->nitems; i++)
		free(lc->items[i].name);
	free(lc->items);
}

static void parse_arm(parse_ctx *p, const yml_node *n, arm *a, bool other)
{
	static const char *const db_keys[] = {"databases",  "registers",        "duplicates",
	                                      "automation", "removed_other",    "screened",
	                                      "excluded",   "sought",           "not_retrieved",
	                                      "assessed",   "reports_excluded", "included"};
	static const char *const other_keys[] = {"identified", "sought",           "not_retrieved",
	                                         "assessed",   "reports_excluded", "included"};
	const char *what = other ? "other" : "databases";
	if (!want_kind(p, n, YML_MAP, what))
		return;
	a->line = n->line;
	a->col = n->col;
	if (other)
		check_keys(p, n, other_keys, sizeof other_keys / sizeof *other_keys, what);
	else
		check_keys(p, n, db_keys, sizeof db_keys / sizeof *db_keys, what);
	if (other) {
		a->identified = parse_listcount(p, n, "identified", "name", "sources");
	} else {
		a->databases = parse_listcount(p, n, "databases", "name", "sources");
		a->registers = parse_listcount(p, n, "registers", "name", "sources");
		a->duplicates = parse_count(p, n, "duplicates");
		a->automation = parse_count(p, n, "automation");
		a->removed_other = parse_count(p, n, "removed_other");
		a->screened = parse_count(p, n, "screened");
		a->excluded = parse_listcount(p, n, "excluded", "reason", "reasons");
	}
	a->sought = parse_count(p, n, "sought");
	a->not_retrieved = parse_count(p, n, "not_retrieved");
	a->assessed = parse_count(p, n, "assessed");
	a->reports_excluded = parse_listcount(p, n, "reports_excluded", "reason", "reasons");
	a->included = parse_count(p, n, "included");
	/* A source named without a count, or included reports alone, still
	 * says the review searched this way: the arm belongs in the diagram. */
	a->present = a->databases.c.given || a->registers.c.given || a->identified.c.given ||
	             a->databases.nitems || a->registers.nitems || a->identified.nitems ||
	             a->duplicates.given || a->automation.given || a->removed_other.given ||
	             a->screened.given || a->excluded.c.given || a->sought.given ||
	             a->not_retrieved.given || a->assessed.given || a->reports_excluded.c.given ||
	             a->included.given;
}

static void free_arm(arm *a)
{
	free_listcount(&a->databases);
	free_listcount(&a->registers);
	free_listcount(&a->identified);
	free_listcount(&a->excluded);
	free_listcount(&a->reports_excluded);
}

static bool valid_id(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static bool parse_flow(parse_ctx *p, const yml_node *n, flow *f)
{
	static const char *const keys[] = {"id",        "title", "match",   "previous",
	                                   "databases", "other", "included"};
	if (!want_kind(p, n, YML_MAP, "a flow"))
		return false;
	check_keys(p, n, keys, sizeof keys / sizeof *keys, "a flow");
	f->line = n->line;
	f->col = n->col;
	const yml_node *id = yml_get(n, "id");
	if (!id) {
		diag_error(p->d, p->label, n->line, n->col, "a flow needs an \"id\"");
		return false;
	}
	f->id = scalar_text(p, id, "id");
	if (!f->id)
		return false;
	if (!valid_id(f->id)) {
		diag_error(p->d, p->label, id->line, id->col,
		           "flow id \"%s\" must be lower-case letters, digits and hyphens", f->id);
		return false;
	}
	f->line = id->line;
	f->col = id->col;
	const yml_node *t = yml_get(n, "title");
	if (t)
		f->title = scalar_text(p, t, "title");
	const yml_node *m = yml_get(n, "match");
	if (m && want_kind(p, m, YML_MAP, "match")) {
		if (m->count != 1) {
			diag_error(p->d, p->label, m->line, m->col,
			           "match must name exactly one facet and its code, "
			           "e.g. { review: pilkington-2025 }");
		} else {
			const yml_pair *pr = &m->pairs[0];
			char *code = scalar_text(p, pr->value, "the code in match");
			if (code) {
				f->has_match = true;
				f->match.facet = xstrdup(pr->key->value);
				f->match.code = code;
				f->match.line = pr->value->line;
				f->match.col = pr->value->col;
			}
		}
	}
	const yml_node *prev = yml_get(n, "previous");
	if (prev && want_kind(p, prev, YML_MAP, "previous")) {
		static const char *const pk[] = {"studies", "reports"};
		check_keys(p, prev, pk, 2, "previous");
		f->prev_studies = parse_count(p, prev, "studies");
		f->prev_reports = parse_count(p, prev, "reports");
		f->has_previous = true;
	}
	const yml_node *db = yml_get(n, "databases");
	if (db && !yml_is_null(db))
		parse_arm(p, db, &f->db, false);
	const yml_node *ot = yml_get(n, "other");
	if (ot && !yml_is_null(ot))
		parse_arm(p, ot, &f->other, true);
	const yml_node *inc = yml_get(n, "included");
	if (inc && want_kind(p, inc, YML_MAP, "included")) {
		static const char *const ik[] = {"studies", "reports", "new_studies",
		                                 "new_reports"};
		check_keys(p, inc, ik, 4, "included");
		f->has_included = true;
		f->inc_line = inc->line;
		f->inc_col = inc->col;
		f->inc_studies = parse_count(p, inc, "studies");
		f->inc_reports = parse_count(p, inc, "reports");
		f->new_studies = parse_count(p, inc, "new_studies");
		f->new_reports = parse_count(p, inc, "new_reports");
		if (!f->has_previous && (f->new_studies.given || f->new_reports.given)) {
			const count *c = f->new_studies.given ? &f->new_studies : &f->new_reports;
			diag_error(p->d, p->label, c->line, c->col,
			           "new_studies and new_reports belong to updated reviews: "
			           "add \"previous:\" to the flow");
		}
	}
	return true;
}

void flow_free(flow *f)
{
	free(f->id);
	free(f->title);
	free((char *)f->match.facet);
	free((char *)f->match.code);
	free_arm(&f->db);
	free_arm(&f->other);
	for (size_t i = 0; i < f->nstrings; i++)
		free(f->strings[i]);
	free(f->strings);
	free(f->items);
}

prisma_set *prisma_parse(const char *label, const char *data, size_t len, diag *d)
{
	size_t before = d->errors;
	yml_node *root = yml_parse(label, data, len, 1, d);
	if (!root) {
		if (d->errors == before)
			diag_error(d, label, 0, 0, "the file is empty: it needs a \"flows:\" list");
		return NULL;
	}
	parse_ctx p = {label, d};
	prisma_set *s = NULL;
	if (!want_kind(&p, root, YML_MAP, "prisma.yaml"))
		goto out;
	static const char *const top[] = {"flows"};
	check_keys(&p, root, top, 1, "prisma.yaml");
	const yml_node *flows = yml_get(root, "flows");
	if (!flows) {
		diag_error(d, label, root->line, root->col, "prisma.yaml needs a \"flows:\" list");
		goto out;
	}
	if (!want_kind(&p, flows, YML_SEQ, "flows"))
		goto out;
	s = xcalloc(1, sizeof *s);
	s->label = xstrdup(label);
	s->flows = xcalloc(flows->count ? flows->count : 1, sizeof *s->flows);
	for (size_t i = 0; i < flows->count; i++) {
		if (i == PRISMA_MAX_FLOWS) {
			const yml_node *it = flows->items[i];
			diag_error(d, label, it->line, it->col,
			           "more than %d flows, the limit for one prisma.yaml",
			           PRISMA_MAX_FLOWS);
			break;
		}
		flow *f = &s->flows[s->count];
		memset(f, 0, sizeof *f);
		if (!parse_flow(&p, flows->items[i], f)) {
			flow_free(f);
			memset(f, 0, sizeof *f);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < s->count && !dup; j++)
			dup = strcmp(s->flows[j].id, f->id) == 0;
		if (dup) {
			diag_error(d, label, f->line, f->col, "flow id \"%s\" is used twice",
			           f->id);
			flow_free(f);
			memset(f, 0, sizeof *f);
			continue;
		}
		s->count++;
	}
	if (flows->count == 0)
		diag_error(d, label, flows->line, flows->col,
		           "flows is empty: give at least one flow");
out:
	yml_free(root);
	return s;
}

prisma_set *prisma_load(const char *path, const char *label, diag *d)
{
	char *data;
	size_t len;
	if (file_read(d, label, path, PRISMA_MAX_BYTES, (file_msgs){.missing = ""}, &data, &len,
	              "larger than 1 MiB (%d bytes), the limit for prisma.yaml",
	              PRISMA_MAX_BYTES) != 0)
		return NULL;
	prisma_set *s = prisma_parse(label, data, len, d);
	free(data);
	return s;
}

void prisma_free(prisma_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		flow_free(&s->flows[i]);
	free(s->flows);
	free(s->label);
	free(s);
}

size_t prisma_flow_count(const prisma_set *s)
{
	return s ? s->count : 0;
}

size_t prisma_flow_find(const prisma_set *s, const char *id)
{
	for (size_t i = 0; s && i < s->count; i++)
		if (strcmp(s->flows[i].id, id) == 0)
			return i;
	return (size_t)-1;
}

const char *prisma_flow_id(const prisma_set *s, size_t i)
{
	return s->flows[i].id;
}

const char *prisma_flow_title(const prisma_set *s, size_t i)
{
	return s->flows[i].title ? s->flows[i].title : s->flows[i].id;
}

prisma_template prisma_flow_template(const prisma_set *s, size_t i)
{
	const flow *f = &s->flows[i];
	if (f->has_previous)
		return f->other.present ? PRISMA_UPDATED_OTHER : PRISMA_UPDATED;
	return f->other.present ? PRISMA_NEW_OTHER : PRISMA_NEW;
}

const prisma_match *prisma_flow_match(const prisma_set *s, size_t i)
{
	return s->flows[i].has_match ? &s->flows[i].match : NULL;
}

void prisma_set_included(prisma_set *s, size_t i, long long studies, long long reports)
{
	s->flows[i].records = true;
	s->flows[i].rec_studies = studies;
	s->flows[i].rec_reports = reports;
}
