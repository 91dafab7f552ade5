#include "prisma/prisma.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"
#include "prisma/font.h"
#include "prisma/raster.h"

/* ---------------------------------------------------------------- model */

/* A count the file may state; line/col point at its value. */
typedef struct count {
	long long n;
	bool given;
	int line, col;
} count;

/* A named source or reason. Sources may be named without a count
 * (given false): reviews often say where they searched but not how many
 * records each source gave. */
typedef struct entry {
	char *name;
	long long n;
	bool given;
	int line, col;
} entry;

/* A count that may be given as a number, a list of named counts (summed),
 * or both ({n: total, <list>: [...]}); c.n is the stated total when there
 * is one, else the sum. A list with an item named without a count has no
 * total unless one is stated: the sum of the others is only a lower bound. */
typedef struct listcount {
	count c;
	bool stated;
	long long sum; /* of the items with a count */
	entry *items;
	size_t nitems;
	size_t uncounted; /* items named without a count */
	int line, col;    /* the value node, for the sum check */
} listcount;

typedef struct arm {
	bool present;
	int line, col;
	listcount databases, registers; /* databases arm */
	listcount identified;           /* other arm */
	count duplicates, automation, removed_other, screened;
	listcount excluded;
	count sought, not_retrieved, assessed;
	listcount reports_excluded;
	/* Reports of included studies that came through this arm. Not a box of
	 * the templates (their included box is shared), so it is checked and
	 * stated in the text version but not drawn. */
	count included;
} arm;

typedef struct flow {
	char *id, *title;
	int line, col;
	bool has_match;
	prisma_match match;
	bool has_previous;
	count prev_studies, prev_reports;
	arm db, other;
	bool has_included;
	int inc_line, inc_col;
	count inc_studies, inc_reports, new_studies, new_reports;
	bool records;
	long long rec_studies, rec_reports;
	/* Accessible items, rebuilt by prisma_items; strings owned here. */
	prisma_item *items;
	size_t nitems;
	char **strings;
	size_t nstrings;
} flow;

struct prisma_set {
	char *label;
	flow *flows;
	size_t count;
};

void prisma_style_default(prisma_style *s)
{
	*s = (prisma_style){
	    .header = 0xFFC125,
	    .header_other = 0xDCDCDC,
	    .box_other = 0xDCDCDC,
	    .box = 0xFFFFFF,
	    .border = 0x000000,
	    .phase = 0xBCD2EE,
	    .arrow = 0x000000,
	    .text = 0x000000,
	    .background = 0xFFFFFF,
	    .font_size = 12,
	    .box_width = 240,
	    .font = "DejaVuSans.ttf",
	    .font_bold = "DejaVuSans-Bold.ttf",
	    .footnotes = true,
	};
}

char *prisma_format_count(long long n)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	buf b = BUF_INIT;
	if (n < 0)
		buf_putc(&b, '-');
	size_t len = strlen(digits);
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_putc(&b, ',');
		buf_putc(&b, digits[i]);
	}
	return buf_detach(&b);
}

/* -------------------------------------------------------------- parsing */

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
			           "unknown key \"%s\" in %s (did you mean \"%s\"?)", k->value, where,
			           hint);
		else
			diag_error(p->d, p->label, k->line, k->col, "unknown key \"%s\" in %s", k->value,
			           where);
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
				diag_error(p->d, p->label, it->line, it->col, "%s needs \"%s\" and \"n\"",
				           where, namekey);
			else
				diag_error(p->d, p->label, it->line, it->col, "%s needs \"%s\"", where,
				           namekey);
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
	static const char *const db_keys[] = {
	    "databases", "registers",     "duplicates", "automation",       "removed_other",
	    "screened",  "excluded",      "sought",     "not_retrieved",    "assessed",
	    "reports_excluded", "included"};
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
	static const char *const keys[] = {"id",        "title", "match", "previous",
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
		static const char *const ik[] = {"studies", "reports", "new_studies", "new_reports"};
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

static void free_flow(flow *f)
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
			           "more than %d flows, the limit for one prisma.yaml", PRISMA_MAX_FLOWS);
			break;
		}
		flow *f = &s->flows[s->count];
		memset(f, 0, sizeof *f);
		if (!parse_flow(&p, flows->items[i], f)) {
			free_flow(f);
			memset(f, 0, sizeof *f);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < s->count && !dup; j++)
			dup = strcmp(s->flows[j].id, f->id) == 0;
		if (dup) {
			diag_error(d, label, f->line, f->col, "flow id \"%s\" is used twice", f->id);
			free_flow(f);
			memset(f, 0, sizeof *f);
			continue;
		}
		s->count++;
	}
	if (flows->count == 0)
		diag_error(d, label, flows->line, flows->col, "flows is empty: give at least one flow");
out:
	yml_free(root);
	return s;
}

prisma_set *prisma_load(const char *path, const char *label, diag *d)
{
	char *data;
	size_t len;
	if (read_file(path, PRISMA_MAX_BYTES, &data, &len) != 0) {
		if (errno == EFBIG)
			diag_error(d, label, 0, 0, "larger than 1 MiB (%d bytes), the limit for prisma.yaml",
			           PRISMA_MAX_BYTES);
		else if (errno != ENOENT)
			diag_error(d, label, 0, 0, "cannot read: %s", read_file_error(errno));
		return NULL;
	}
	prisma_set *s = prisma_parse(label, data, len, d);
	free(data);
	return s;
}

void prisma_free(prisma_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		free_flow(&s->flows[i]);
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

/* ------------------------------------------------------------- counting */

/* The included counts the diagram shows: from the records when known,
 * else as the file states them. For updated reviews "total" is what the
 * review includes (the records); "new" is stated or total − previous. */
typedef struct included {
	count studies, reports;         /* total (or only) box */
	count new_studies, new_reports; /* updated reviews */
} included;

static count given(long long n)
{
	return (count){n, true, 0, 0};
}

static included included_counts(const flow *f)
{
	included in = {0};
	in.studies = f->records ? given(f->rec_studies) : f->inc_studies;
	in.reports = f->records ? given(f->rec_reports) : f->inc_reports;
	if (f->has_previous) {
		in.new_studies = f->new_studies;
		in.new_reports = f->new_reports;
		if (!in.new_studies.given && in.studies.given && f->prev_studies.given &&
		    in.studies.n >= f->prev_studies.n)
			in.new_studies = given(in.studies.n - f->prev_studies.n);
		if (!in.new_reports.given && in.reports.given && f->prev_reports.given &&
		    in.reports.n >= f->prev_reports.n)
			in.new_reports = given(in.reports.n - f->prev_reports.n);
	}
	return in;
}

/* ------------------------------------------------------------- checking */

typedef struct check_ctx {
	const prisma_set *s;
	const flow *f;
	diag *d;
	int errors;
} check_ctx;

static void GM_PRINTF(4, 5) bad(check_ctx *c, const count *at, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf b = BUF_INIT;
	buf_printf(&b, "flow %s: ", c->f->id);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int line = at ? at->line : c->f->line, col = at ? at->col : c->f->col;
	diag_at(c->d, error ? DIAG_ERROR : DIAG_WARNING, c->s->label, line, col, "%s", b.data);
	if (error)
		c->errors++;
	buf_free(&b);
}

static void check_list_sum(check_ctx *c, const listcount *lc, const char *box, const char *what)
{
	if (!lc->stated || !lc->nitems)
		return;
	if (!lc->uncounted && lc->c.n != lc->sum)
		bad(c, &lc->c, true, "\"%s\" should be %lld (the sum of the %s listed) but is %lld",
		    box, lc->sum, what, lc->c.n);
	/* With some items uncounted, the others only bound the total. */
	if (lc->uncounted && lc->c.n < lc->sum)
		bad(c, &lc->c, true,
		    "\"%s\" should be at least %lld (the sum of the %s counted) but is %lld", box,
		    lc->sum, what, lc->c.n);
}

/* Named but not counted, and no total stated: the count is unknown, not
 * the sum of the others (which would be only a lower bound). */
static bool uncounted(const listcount *lc)
{
	return lc->nitems && !lc->c.given;
}

static void check_minus(check_ctx *c, const count *result, const char *box, const count *a,
                        const char *aname, const count *b, const char *bname, const char *arm_name)
{
	if (!result->given || !a->given || !b->given)
		return;
	long long want = a->n - b->n;
	if (want != result->n)
		bad(c, result, true, "\"%s\"%s should be %lld (%lld %s \u2212 %lld %s) but is %lld",
		    box, arm_name, want, a->n, aname, b->n, bname, result->n);
}

static void check_arm(check_ctx *c, const arm *a, bool other)
{
	const char *arm_name = other && c->f->db.present ? " (other methods)" : "";
	if (!other) {
		check_list_sum(c, &a->databases, "Databases", "databases");
		check_list_sum(c, &a->registers, "Registers", "registers");
		check_list_sum(c, &a->excluded, "Records excluded", "reasons");
		const count *removed[3] = {&a->duplicates, &a->automation, &a->removed_other};
		bool any_removed = false;
		long long rem = 0;
		for (int i = 0; i < 3; i++) {
			any_removed |= removed[i]->given;
			rem += removed[i]->given ? removed[i]->n : 0;
		}
		if (a->screened.given && (a->databases.c.given || a->registers.c.given) &&
		    !uncounted(&a->databases) && !uncounted(&a->registers) && any_removed) {
			long long ident = (a->databases.c.given ? a->databases.c.n : 0) +
			                  (a->registers.c.given ? a->registers.c.n : 0);
			if (ident - rem != a->screened.n)
				bad(c, &a->screened, true,
				    "\"Records screened\" should be %lld (%lld identified \u2212 %lld "
				    "removed) but is %lld",
				    ident - rem, ident, rem, a->screened.n);
		}
		check_minus(c, &a->sought, "Reports sought for retrieval", &a->screened, "screened",
		            &a->excluded.c, "excluded", "");
	} else {
		check_list_sum(c, &a->identified, "Records identified", "sources");
		if (a->sought.given && a->identified.c.given && a->sought.n > a->identified.c.n)
			bad(c, &a->sought, true,
			    "\"Reports sought for retrieval\"%s cannot exceed the %lld records "
			    "identified, but is %lld",
			    arm_name, a->identified.c.n, a->sought.n);
	}
	check_minus(c, &a->assessed, "Reports assessed for eligibility", &a->sought, "sought",
	            &a->not_retrieved, "not retrieved", arm_name);
	check_list_sum(c, &a->reports_excluded, "Reports excluded", "reasons");
	if (a->reports_excluded.c.given && a->assessed.given &&
	    a->reports_excluded.c.n > a->assessed.n)
		bad(c, &a->reports_excluded.c, true,
		    "\"Reports excluded\"%s cannot exceed the %lld reports assessed, but is %lld",
		    arm_name, a->assessed.n, a->reports_excluded.c.n);
	/* The arm's own included reports: what assessment left, when both
	 * are stated; at most the reports assessed when only that is. With no
	 * assessed count there is nothing to hold them against. */
	const char *via = other ? "via other methods" : "via databases and registers";
	if (a->included.given && a->assessed.given) {
		if (a->reports_excluded.c.given &&
		    a->assessed.n - a->reports_excluded.c.n != a->included.n)
			bad(c, &a->included, true,
			    "reports included %s should be %lld (%lld assessed \u2212 %lld excluded) "
			    "but are %lld",
			    via, a->assessed.n - a->reports_excluded.c.n, a->assessed.n,
			    a->reports_excluded.c.n, a->included.n);
		else if (!a->reports_excluded.c.given && a->included.n > a->assessed.n)
			bad(c, &a->included, true,
			    "reports included %s cannot exceed the %lld reports assessed, but are %lld",
			    via, a->assessed.n, a->included.n);
	}
}

static void check_flow(check_ctx *c)
{
	const flow *f = c->f;
	if (!f->db.present && !f->other.present && !f->has_previous)
		bad(c, NULL, false, "no counts are given: the diagram has only the included box");
	if (f->db.present)
		check_arm(c, &f->db, false);
	if (f->other.present)
		check_arm(c, &f->other, true);

	included in = included_counts(f);
	if (in.studies.given && in.reports.given && in.studies.n > in.reports.n)
		bad(c, f->inc_studies.given ? &f->inc_studies : NULL, false,
		    "%lld studies included from only %lld reports: every study needs a report",
		    in.studies.n, in.reports.n);

	/* The arms' included reports add up to the (new) included reports.
	 * An arm's share is its stated `included`, else assessed − excluded;
	 * the arm check above has already held the two against each other. */
	const count *target = f->has_previous ? &in.new_reports : &in.reports;
	const char *box = f->has_previous ? "Reports of new included studies"
	                                  : "Reports of included studies";
	const arm *arms[2] = {&f->db, &f->other};
	const char *vias[2] = {"via databases and registers", "via other methods"};
	long long sum = 0;
	bool complete = true, any = false, stated = false;
	buf how = BUF_INIT;
	const count *at = NULL;
	for (int i = 0; i < 2; i++) {
		const arm *a = arms[i];
		if (!a->present)
			continue;
		if (a->included.given) {
			stated = true;
			sum += a->included.n;
			buf_printf(&how, "%s%lld included %s", how.len ? " + " : "", a->included.n,
			           vias[i]);
			if (!at)
				at = &a->included;
		} else if (a->assessed.given && a->reports_excluded.c.given) {
			sum += a->assessed.n - a->reports_excluded.c.n;
			buf_printf(&how, "%s%lld assessed \u2212 %lld excluded", how.len ? " + " : "",
			           a->assessed.n, a->reports_excluded.c.n);
			if (!at)
				at = &a->reports_excluded.c;
		} else {
			complete = false;
			continue;
		}
		any = true;
	}

	/* Stated included counts against the records, which are what the
	 * diagram shows: one message saying what to write in prisma.yaml (with
	 * the arms' counts that must then add up too), rather than two or
	 * three that seemed to contradict each other. */
	bool told_reports = false;
	bool off_studies = f->records && f->inc_studies.given && f->inc_studies.n != f->rec_studies;
	bool off_reports = f->records && f->inc_reports.given && f->inc_reports.n != f->rec_reports;
	if (off_studies || off_reports) {
		buf what = BUF_INIT, says = BUF_INIT, set = BUF_INIT, also = BUF_INIT;
		if (off_studies) {
			buf_printf(&what, "%lld studies", f->rec_studies);
			buf_printf(&says, "%lld", f->inc_studies.n);
			buf_printf(&set, "\"studies: %lld\"", f->rec_studies);
		}
		if (off_reports) {
			buf_printf(&what, "%s%lld reports", off_studies ? " in " : "", f->rec_reports);
			buf_printf(&says, "%s%lld", off_studies ? " and " : "", f->inc_reports.n);
			buf_printf(&set, "%s\"reports: %lld\"", off_studies ? " and " : "",
			           f->rec_reports);
			if (!f->has_previous && any && complete && sum != f->rec_reports)
				buf_printf(&also, ", and make the arms' counts give %lld reports (now %s = %lld)",
				           f->rec_reports, how.data, sum);
			told_reports = !f->has_previous;
		}
		bad(c, off_studies ? &f->inc_studies : &f->inc_reports, true,
		    "the records include %s, but prisma.yaml says %s: set %s under \"included\"%s",
		    what.data, says.data, set.data, buf_cstr(&also));
		buf_free(&also);
		buf_free(&what);
		buf_free(&says);
		buf_free(&set);
	}
	/* An arm that gives no share still contributes none or more, so the
	 * shares that are given bound the total from below. Only stated shares
	 * are held to that: before per-arm counts existed, a partial
	 * assessed − excluded was never checked, and a review that counted
	 * studies there should not start failing. */
	if (!told_reports && any && !complete && stated && target->given && sum > target->n) {
		const count *where = f->has_previous ? (f->new_reports.given ? &f->new_reports : at)
		                                     : (f->inc_reports.given ? &f->inc_reports : at);
		const char *source = f->records && !(f->has_previous && f->new_reports.given)
		                         ? " (from the records)"
		                         : "";
		bad(c, where, true, "\"%s\" should be at least %lld (%s) but is %lld%s", box, sum,
		    how.data, target->n, source);
	}
	if (!told_reports && any && complete && target->given && sum != target->n) {
		const count *where = f->has_previous ? (f->new_reports.given ? &f->new_reports : at)
		                                     : (f->inc_reports.given ? &f->inc_reports : at);
		const char *source = f->records && !(f->has_previous && f->new_reports.given)
		                         ? " (from the records)"
		                         : "";
		const count *studies = f->has_previous ? &in.new_studies : &in.studies;
		/* A review that counts studies where PRISMA counts reports is a
		 * common, harmless slip: warn rather than fail. */
		bool as_studies = studies->given && studies->n == sum && sum != target->n;
		bad(c, where, !as_studies, "\"%s\" should be %lld (%s) but is %lld%s%s", box, sum,
		    how.data, target->n, source,
		    as_studies ? ", which matches the number of studies: one study can have several "
		                 "reports"
		               : "");
	}
	buf_free(&how);

	/* Updated reviews: total = previous + new, a warning only, since new
	 * reports can belong to studies already included. */
	if (f->has_previous) {
		if (f->new_studies.given && f->prev_studies.given && in.studies.given &&
		    f->prev_studies.n + f->new_studies.n != in.studies.n)
			bad(c, &f->new_studies, false,
			    "\"Total studies included in review\" should be %lld (%lld previous + %lld "
			    "new) but is %lld",
			    f->prev_studies.n + f->new_studies.n, f->prev_studies.n, f->new_studies.n,
			    in.studies.n);
		if (f->new_reports.given && f->prev_reports.given && in.reports.given &&
		    f->prev_reports.n + f->new_reports.n != in.reports.n)
			bad(c, &f->new_reports, false,
			    "\"Reports of total included studies\" should be %lld (%lld previous + "
			    "%lld new) but is %lld",
			    f->prev_reports.n + f->new_reports.n, f->prev_reports.n, f->new_reports.n,
			    in.reports.n);
		if (in.studies.given && f->prev_studies.given && !f->new_studies.given &&
		    in.studies.n < f->prev_studies.n)
			bad(c, &f->prev_studies, true,
			    "\"Studies included in previous version of review\" is %lld, more than the "
			    "%lld studies included in total",
			    f->prev_studies.n, in.studies.n);
	}
}

int prisma_check(const prisma_set *s, diag *d)
{
	int errors = 0;
	for (size_t i = 0; s && i < s->count; i++) {
		check_ctx c = {s, &s->flows[i], d, 0};
		check_flow(&c);
		errors += c.errors;
	}
	return errors;
}

/* -------------------------------------------------- boxes (content only) */

/* The diagram's content before geometry: every box with its paragraphs,
 * in reading order, and the arrows between boxes. Built from a flow by
 * build_content; used both by the layout and by the text version, so the
 * two cannot disagree. */

enum { COL_PREV, COL_DB, COL_DBS, COL_OT, COL_OTS, NCOLS };
enum { ROW_HEAD, ROW_IDENT, ROW_SCREEN, ROW_SOUGHT, ROW_ASSESS, ROW_INC, ROW_TOTAL, NROWS };

typedef enum bkind { B_HEADER, B_HEADER_OTHER, B_BOX, B_BOX_OTHER } bkind;

typedef struct para {
	char *text; /* as drawn, e.g. "Duplicate records removed (n = 191)" */
	int level;  /* indentation steps */
} para;

typedef struct cbox {
	bkind kind;
	int col, row, span; /* span: number of columns (headers cover main+side) */
	para *paras;
	size_t np;
} cbox;

typedef enum akind { A_DOWN, A_RIGHT, A_ELBOW_LEFT, A_ELBOW_RIGHT } akind;

typedef struct carrow {
	akind kind;
	size_t from, to;
} carrow;

typedef struct content {
	cbox *boxes;
	size_t nboxes;
	carrow arrows[32];
	size_t narrows;
	bool col_used[NCOLS];
	int inc_col;
	/* accessible items; strings owned by the flow once handed over */
	prisma_item *items;
	size_t nitems, items_cap;
	char **strings;
	size_t nstrings, strings_cap;
	const char *phase, *column; /* of the box being built */
	const char *title;          /* the template's title */
} content;

static const char *keep(content *c, char *s)
{
	if (c->nstrings == c->strings_cap) {
		c->strings_cap = c->strings_cap ? c->strings_cap * 2 : 32;
		c->strings = xrealloc(c->strings, c->strings_cap * sizeof *c->strings);
	}
	c->strings[c->nstrings++] = s;
	return s;
}

static void add_item(content *c, const char *label, const count *n, int level)
{
	if (c->nitems == c->items_cap) {
		c->items_cap = c->items_cap ? c->items_cap * 2 : 32;
		c->items = xrealloc(c->items, c->items_cap * sizeof *c->items);
	}
	c->items[c->nitems++] = (prisma_item){
	    c->phase, c->column, label, n && n->given ? keep(c, prisma_format_count(n->n)) : NULL,
	    level, false};
}

/* An arm's own included reports: the templates have one included box
 * shared by both arms and no per-arm count, so drawing one would invent
 * a box. The text version states it, in the arm's column. */
static void add_arm_included(content *c, const arm *a, bool upd, bool other)
{
	if (!a->included.given)
		return;
	c->phase = "Included";
	add_item(c,
	         upd ? (other ? "Reports of new included studies identified via other methods"
	                      : "Reports of new included studies identified via databases and "
	                        "registers")
	             : (other ? "Reports of included studies identified via other methods"
	                      : "Reports of included studies identified via databases and registers"),
	         &a->included, 0);
	c->items[c->nitems - 1].text_only = true;
}

static size_t box_begin(content *c, bkind kind, int col, int row, const char *phase)
{
	c->boxes = xrealloc(c->boxes, (c->nboxes + 1) * sizeof *c->boxes);
	c->boxes[c->nboxes] = (cbox){kind, col, row, 1, NULL, 0};
	c->col_used[col] = true;
	c->phase = phase;
	return c->nboxes++;
}

static void add_para(content *c, char *text, int level)
{
	cbox *b = &c->boxes[c->nboxes - 1];
	b->paras = xrealloc(b->paras, (b->np + 1) * sizeof *b->paras);
	b->paras[b->np++] = (para){text, level};
}

static char *with_count(const char *label, const count *n)
{
	if (!n || !n->given)
		return xstrdup(label);
	char *num = prisma_format_count(n->n);
	/* No-break spaces keep "(n = 1,234)" on one line when the label wraps. */
	char *s = xasprintf("%s (n\u00a0=\u00a0%s)", label, num);
	free(num);
	return s;
}

/* "Records screened" / "(n = 211)": a box with one count, the count on a
 * line of its own as in the official templates. */
static void add_single(content *c, const char *drawn, const char *label, const count *n)
{
	add_para(c, xstrdup(drawn), 0);
	if (n->given) {
		char *num = prisma_format_count(n->n);
		add_para(c, xasprintf("(n\u00a0=\u00a0%s)", num), 0);
		free(num);
	}
	add_item(c, label, n, 0);
}

/* "Studies included in review (n = 8)": a labelled count on one line;
 * shown without "(n = )" when not given. */
static void add_inline(content *c, const char *label, const count *n, int level)
{
	add_para(c, with_count(label, n), level);
	add_item(c, label, n, level);
}

/* An item inside a box, left out when its count is not given. */
static void add_sub(content *c, const char *label, const count *n, int level)
{
	if (n->given)
		add_inline(c, label, n, level);
}

static void add_entries(content *c, const listcount *lc, int level)
{
	for (size_t i = 0; i < lc->nitems; i++) {
		count n = lc->items[i].given ? given(lc->items[i].n) : (count){0};
		add_inline(c, keep(c, xstrdup(lc->items[i].name)), &n, level);
	}
}

/* "Databases (n = 402)" and its list; kept when the sources are named
 * without counts, since the names alone tell the reader where the review
 * searched. */
static void add_sources(content *c, const char *label, const listcount *lc, int level)
{
	if (lc->c.given || lc->nitems)
		add_inline(c, label, &lc->c, level);
	add_entries(c, lc, level + 1);
}

/* A box that lists reasons when it has them, else shows one count. */
static void add_reasons_box(content *c, const char *drawn, const char *label,
                            const listcount *lc)
{
	if (lc->nitems) {
		add_para(c, xasprintf("%s:", drawn), 0);
		add_item(c, label, &lc->c, 0);
		add_entries(c, lc, 1);
	} else {
		add_single(c, drawn, label, &lc->c);
	}
}

static void arrow(content *c, akind k, size_t from, size_t to)
{
	if (c->narrows < sizeof c->arrows / sizeof *c->arrows)
		c->arrows[c->narrows++] = (carrow){k, from, to};
}


/* The retrieval and eligibility boxes both arms share, fed from the box
 * above: sought → not retrieved, sought → assessed → excluded. Returns the
 * assessed box. */
static size_t add_retrieval(content *c, const arm *a, bkind kind, int col, int side,
                            size_t feeder)
{
	size_t assessed;
	const char *S = "Screening";
	size_t sought = box_begin(c, kind, col, ROW_SOUGHT, S);
	add_single(c, "Reports sought for retrieval", "Reports sought for retrieval", &a->sought);
	size_t notret = box_begin(c, kind, side, ROW_SOUGHT, S);
	add_single(c, "Reports not retrieved", "Reports not retrieved", &a->not_retrieved);
	assessed = box_begin(c, kind, col, ROW_ASSESS, S);
	add_single(c, "Reports assessed for eligibility", "Reports assessed for eligibility",
	           &a->assessed);
	size_t repex = box_begin(c, kind, side, ROW_ASSESS, S);
	add_reasons_box(c, "Reports excluded", "Reports excluded", &a->reports_excluded);
	arrow(c, A_DOWN, feeder, sought);
	arrow(c, A_RIGHT, sought, notret);
	arrow(c, A_DOWN, sought, assessed);
	arrow(c, A_RIGHT, assessed, repex);
	return assessed;
}
static void build_content(const flow *f, content *c)
{
	memset(c, 0, sizeof *c);
	bool upd = f->has_previous;
	bool db = f->db.present, ot = f->other.present;
	c->inc_col = db || !ot ? COL_DB : COL_OT;
	c->title = upd ? (ot ? "PRISMA 2020 flow diagram for updated systematic reviews which "
	                       "included searches of databases, registers and other sources"
	                     : "PRISMA 2020 flow diagram for updated systematic reviews which "
	                       "included searches of databases and registers only")
	               : (ot ? "PRISMA 2020 flow diagram for new systematic reviews which included "
	                       "searches of databases, registers and other sources"
	                     : "PRISMA 2020 flow diagram for new systematic reviews which included "
	                       "searches of databases and registers only");
	const char *I = "Identification", *S = "Screening", *N = "Included";
	size_t prev = 0;
	if (upd) {
		c->column = "Previous studies";
		box_begin(c, B_HEADER_OTHER, COL_PREV, ROW_HEAD, "");
		add_para(c, xstrdup("Previous studies"), 0);
		prev = box_begin(c, B_BOX_OTHER, COL_PREV, ROW_IDENT, I);
		add_inline(c, "Studies included in previous version of review", &f->prev_studies, 0);
		add_inline(c, "Reports of studies included in previous version of review",
		           &f->prev_reports, 0);
	}
	size_t db_assessed = 0, ot_assessed = 0;
	if (db) {
		const arm *a = &f->db;
		c->column = upd ? "Identification of new studies via databases and registers"
		                : "Identification of studies via databases and registers";
		size_t h = box_begin(c, B_HEADER, COL_DB, ROW_HEAD, "");
		c->boxes[h].span = 2;
		c->col_used[COL_DBS] = true;
		add_para(c, xstrdup(c->column), 0);

		size_t ident = box_begin(c, B_BOX, COL_DB, ROW_IDENT, I);
		add_para(c, xstrdup("Records identified from*:"), 0);
		count total = {0};
		if ((a->databases.c.given || a->registers.c.given) && !uncounted(&a->databases) &&
		    !uncounted(&a->registers))
			total = given((a->databases.c.given ? a->databases.c.n : 0) +
			              (a->registers.c.given ? a->registers.c.n : 0));
		add_item(c, "Records identified", &total, 0);
		add_sources(c, "Databases", &a->databases, 1);
		add_sources(c, "Registers", &a->registers, 1);

		size_t removed = box_begin(c, B_BOX, COL_DBS, ROW_IDENT, I);
		add_para(c, xstrdup("Records removed before screening:"), 0);
		count rem = {0};
		if (a->duplicates.given || a->automation.given || a->removed_other.given)
			rem = given(a->duplicates.n + a->automation.n + a->removed_other.n);
		add_item(c, "Records removed before screening", &rem, 0);
		add_sub(c, "Duplicate records removed", &a->duplicates, 1);
		add_sub(c, "Records marked as ineligible by automation tools", &a->automation, 1);
		add_sub(c, "Records removed for other reasons", &a->removed_other, 1);

		size_t screened = box_begin(c, B_BOX, COL_DB, ROW_SCREEN, S);
		add_single(c, "Records screened", "Records screened", &a->screened);
		size_t excluded = box_begin(c, B_BOX, COL_DBS, ROW_SCREEN, S);
		add_reasons_box(c, "Records excluded**", "Records excluded", &a->excluded);
		arrow(c, A_RIGHT, ident, removed);
		arrow(c, A_DOWN, ident, screened);
		arrow(c, A_RIGHT, screened, excluded);
		db_assessed = add_retrieval(c, a, B_BOX, COL_DB, COL_DBS, screened);
		add_arm_included(c, a, upd, false);
	}
	if (ot) {
		const arm *a = &f->other;
		c->column = upd ? "Identification of new studies via other methods"
		                : "Identification of studies via other methods";
		size_t h = box_begin(c, B_HEADER_OTHER, COL_OT, ROW_HEAD, "");
		c->boxes[h].span = 2;
		c->col_used[COL_OTS] = true;
		add_para(c, xstrdup(c->column), 0);
		size_t ident = box_begin(c, B_BOX_OTHER, COL_OT, ROW_IDENT, I);
		if (a->identified.nitems) {
			add_para(c, xstrdup("Records identified from:"), 0);
			add_item(c, "Records identified", &a->identified.c, 0);
			add_entries(c, &a->identified, 1);
		} else {
			add_single(c, "Records identified", "Records identified", &a->identified.c);
		}
		ot_assessed = add_retrieval(c, a, B_BOX_OTHER, COL_OT, COL_OTS, ident);
		add_arm_included(c, a, upd, true);
	}
	included in = included_counts(f);
	c->column = "Included";
	size_t inc = box_begin(c, B_BOX, c->inc_col, ROW_INC, N);
	if (upd) {
		add_inline(c, "New studies included in review", &in.new_studies, 0);
		add_inline(c, "Reports of new included studies", &in.new_reports, 0);
		size_t total = box_begin(c, B_BOX, c->inc_col, ROW_TOTAL, N);
		add_inline(c, "Total studies included in review", &in.studies, 0);
		add_inline(c, "Reports of total included studies", &in.reports, 0);
		arrow(c, A_ELBOW_RIGHT, prev, total);
		arrow(c, A_DOWN, inc, total);
	} else {
		add_inline(c, "Studies included in review", &in.studies, 0);
		add_inline(c, "Reports of included studies", &in.reports, 0);
	}
	if (db)
		arrow(c, A_DOWN, db_assessed, inc);
	if (ot)
		arrow(c, db ? A_ELBOW_LEFT : A_DOWN, ot_assessed, inc);
}

static void free_content(content *c, bool strings_too)
{
	for (size_t i = 0; i < c->nboxes; i++) {
		for (size_t j = 0; j < c->boxes[i].np; j++)
			free(c->boxes[i].paras[j].text);
		free(c->boxes[i].paras);
	}
	free(c->boxes);
	if (strings_too) {
		for (size_t i = 0; i < c->nstrings; i++)
			free(c->strings[i]);
		free(c->strings);
		free(c->items);
	}
}

/* ------------------------------------------------------- text version */

size_t prisma_items(prisma_set *s, size_t i, const prisma_item **items)
{
	flow *f = &s->flows[i];
	content c;
	build_content(f, &c);
	for (size_t k = 0; k < f->nstrings; k++)
		free(f->strings[k]);
	free(f->strings);
	free(f->items);
	f->items = c.items;
	f->nitems = c.nitems;
	f->strings = c.strings;
	f->nstrings = c.nstrings;
	free_content(&c, false);
	*items = f->items;
	return f->nitems;
}

void prisma_describe_html(prisma_set *s, size_t i, buf *html)
{
	const prisma_item *it;
	size_t n = prisma_items(s, i, &it);
	const char *column = NULL, *phase = NULL;
	int depth = -1; /* open <ul> levels minus one */
	for (size_t k = 0; k < n; k++) {
		bool new_col = !column || strcmp(column, it[k].column) != 0;
		bool new_phase = new_col || strcmp(phase, it[k].phase) != 0;
		if (new_phase) {
			for (; depth >= 0; depth--)
				buf_puts(html, "</li></ul>");
			if (column && new_col)
				buf_puts(html, "</section>\n");
		}
		if (new_col) {
			buf_puts(html, "<section class=\"prisma-column\"><h3>");
			esc_xml(html, it[k].column);
			buf_puts(html, "</h3>");
		}
		if (new_phase && *it[k].phase && strcmp(it[k].phase, it[k].column) != 0) {
			buf_puts(html, "<h4>");
			esc_xml(html, it[k].phase);
			buf_puts(html, "</h4>");
		}
		column = it[k].column;
		phase = it[k].phase;
		int lv = it[k].level;
		if (depth < lv) {
			while (depth < lv) {
				buf_puts(html, "<ul>");
				depth++;
				if (depth < lv)
					buf_puts(html, "<li>");
			}
		} else {
			while (depth > lv) {
				buf_puts(html, "</li></ul>");
				depth--;
			}
			buf_puts(html, "</li>");
		}
		buf_puts(html, "<li>");
		esc_xml(html, it[k].label);
		if (it[k].count) {
			buf_puts(html, ": ");
			esc_xml(html, it[k].count);
		}
	}
	for (; depth >= 0; depth--)
		buf_puts(html, "</li></ul>");
	if (column)
		buf_puts(html, "</section>\n");
}

void prisma_describe_text(prisma_set *s, size_t i, buf *text)
{
	const prisma_item *it;
	size_t n = prisma_items(s, i, &it);
	const char *column = NULL;
	for (size_t k = 0; k < n; k++) {
		if (!column || strcmp(column, it[k].column) != 0)
			buf_printf(text, "%s%s\n", column ? "\n" : "", it[k].column);
		column = it[k].column;
		buf_printf(text, "%*s%s%s%s\n", 2 * (it[k].level + 1), "", it[k].label,
		           it[k].count ? ": " : "", it[k].count ? it[k].count : "");
	}
}

/* --------------------------------------------------------------- layout */

/* The layout is a display list in CSS pixels at scale 1: the PNG and the
 * SVG walk the same list, so they match by construction. */

typedef enum dkind { D_RECT, D_LINE, D_TRI, D_TEXT } dkind;

typedef struct ditem {
	dkind kind;
	double x0, y0, x1, y1; /* rect corners, line ends, text baseline start */
	double radius, lw;
	bool fill_on, stroke_on;
	uint32_t fill, stroke;
	double tri[6];
	char *text; /* D_TEXT, owned */
	font_face face;
	double size, width;
	bool rotated;
} ditem;

struct prisma_diagram {
	font_ctx *font;
	prisma_style style;
	double w, h;
	ditem *items;
	size_t nitems, cap;
	prisma_box_geom *geom;
	size_t ngeom;
	char *title;       /* tEXt Title */
	char *description; /* tEXt Description: every count */
	char *svg_title;
};

static ditem *push_item(prisma_diagram *g, dkind k)
{
	if (g->nitems == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->items = xrealloc(g->items, g->cap * sizeof *g->items);
	}
	ditem *it = &g->items[g->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = k;
	return it;
}

static void d_rect(prisma_diagram *g, double x, double y, double w, double h, double radius,
                   bool fill_on, uint32_t fill, bool stroke_on, uint32_t stroke, double lw)
{
	ditem *it = push_item(g, D_RECT);
	it->x0 = x;
	it->y0 = y;
	it->x1 = x + w;
	it->y1 = y + h;
	it->radius = radius;
	it->fill_on = fill_on;
	it->fill = fill;
	it->stroke_on = stroke_on;
	it->stroke = stroke;
	it->lw = lw;
}

static void d_line(prisma_diagram *g, double x0, double y0, double x1, double y1, double lw)
{
	ditem *it = push_item(g, D_LINE);
	it->x0 = x0;
	it->y0 = y0;
	it->x1 = x1;
	it->y1 = y1;
	it->lw = lw;
	it->stroke = g->style.arrow;
}

/* An arrowhead with its tip at (x,y) pointing in direction (dx,dy). */
static void d_head(prisma_diagram *g, double x, double y, int dx, int dy, double len, double half)
{
	ditem *it = push_item(g, D_TRI);
	double bx = x - dx * len, by = y - dy * len;
	double t[6] = {x, y, bx - dy * half, by + dx * half, bx + dy * half, by - dx * half};
	memcpy(it->tri, t, sizeof t);
	it->fill = g->style.arrow;
}

static void d_text(prisma_diagram *g, double x, double y, const char *s, size_t len,
                   font_face face, double size, double width, bool rotated)
{
	ditem *it = push_item(g, D_TEXT);
	it->x0 = x;
	it->y0 = y;
	it->text = xstrndup(s, len);
	it->face = face;
	it->size = size;
	it->width = width;
	it->rotated = rotated;
	it->fill = g->style.text;
}

typedef struct metrics {
	double size, lh, asc, desc, pad, indent;
	double hang; /* extra indent of a list item's wrapped lines */
} metrics;

/* Lines of one box at inner width: wrapped paragraphs. */
typedef struct wrapped {
	const char *text;
	font_line line;
	int level;
	bool cont; /* a wrapped line of a list item, drawn with the hang */
} wrapped;

/* List items (level ≥ 1) hang their wrapped lines: a long source or reason
 * flush with the next item would read as two items. Half an indent keeps
 * them clear of a deeper level. */
static double hang_of(const metrics *m, int level)
{
	return level > 0 ? m->hang : 0;
}

typedef struct lbox {
	wrapped *lines;
	size_t n;
	double x, y, w, h;
} lbox;

static void wrap_box(font_ctx *fc, const metrics *m, const cbox *b, double w, lbox *lb)
{
	font_face face = b->kind == B_HEADER || b->kind == B_HEADER_OTHER ? FONT_BOLD : FONT_REGULAR;
	lb->lines = NULL;
	lb->n = 0;
	for (size_t i = 0; i < b->np; i++) {
		font_line *fl;
		int lv = b->paras[i].level;
		double avail = w - 2 * m->pad - lv * m->indent - hang_of(m, lv);
		size_t n = font_wrap(fc, face, m->size, b->paras[i].text, avail, &fl);
		lb->lines = xrealloc(lb->lines, (lb->n + n) * sizeof *lb->lines);
		for (size_t k = 0; k < n; k++)
			lb->lines[lb->n++] = (wrapped){b->paras[i].text, fl[k], lv, k > 0 && lv > 0};
		free(fl);
	}
	lb->h = ceil(2 * m->pad + (double)lb->n * m->lh);
}

static double widest(font_ctx *fc, const metrics *m, const cbox *b)
{
	font_face face = b->kind == B_HEADER || b->kind == B_HEADER_OTHER ? FONT_BOLD : FONT_REGULAR;
	double w = 0;
	for (size_t i = 0; i < b->np; i++)
		w = fmax(w, font_widest_word(fc, face, m->size, b->paras[i].text) +
		                b->paras[i].level * m->indent + hang_of(m, b->paras[i].level));
	return ceil(w + 2 * m->pad);
}

static void add_geom(prisma_diagram *g, double x, double y, double w, double h, double tx0,
                     double ty0, double tx1, double ty1)
{
	g->geom = xrealloc(g->geom, (g->ngeom + 1) * sizeof *g->geom);
	g->geom[g->ngeom++] = (prisma_box_geom){x, y, w, h, tx0, ty0, tx1, ty1};
}

/* Wrapped text as a full-width block (title, footnotes); returns its height. */
static double text_block(prisma_diagram *g, const metrics *m, font_face face, double size,
                         const char *s, double x, double y, double w)
{
	font_line *fl;
	size_t n = font_wrap(g->font, face, size, s, w, &fl);
	double lh = ceil(size * 1.3);
	double asc = font_ascent(g->font, face, size);
	double tx1 = x;
	for (size_t k = 0; k < n; k++) {
		d_text(g, x, y + k * lh + asc, s + fl[k].start, fl[k].len, face, size, fl[k].width,
		       false);
		tx1 = fmax(tx1, x + fl[k].width);
	}
	free(fl);
	(void)m;
	/* Recorded like a box without a frame, so tests can check that no
	 * text lies outside a known area. */
	add_geom(g, x, y, tx1 - x, (double)n * lh, x, y, tx1, y + (double)n * lh);
	return (double)n * lh;
}

prisma_diagram *prisma_layout(prisma_set *s, size_t fi, const prisma_style *style,
                              const char *font_dir, diag *d)
{
	font_ctx *fc = font_open(font_dir, style->font, style->font_bold, d);
	if (!fc)
		return NULL;
	const flow *f = &s->flows[fi];
	prisma_diagram *g = xcalloc(1, sizeof *g);
	g->font = fc;
	g->style = *style;
	const prisma_style *st = &g->style;
	double k = st->font_size / 12.0; /* every spacing follows the font size */
	metrics m;
	m.size = st->font_size;
	m.asc = font_ascent(fc, FONT_REGULAR, m.size);
	m.desc = font_descent(fc, FONT_REGULAR, m.size);
	m.lh = ceil(fmax(m.size * 1.3, m.asc + m.desc));
	m.pad = round(8 * k);
	m.indent = round(14 * k);
	m.hang = round(7 * k);
	double margin = round(20 * k), phase_w = ceil(m.lh + 12 * k), phase_gap = round(14 * k);
	double gap_arrow = round(56 * k), gap_col = round(30 * k), gap_row = round(32 * k);
	double head_gap = round(18 * k), lw = fmax(1, round(k));
	double head_len = round(9 * k), head_half = round(4.5 * k * 2) / 2;

	content c;
	build_content(f, &c);

	/* Column widths: at least the style's, and wide enough for the
	 * widest word of any box in the column. */
	double colw[NCOLS] = {0};
	for (int ci = 0; ci < NCOLS; ci++)
		if (c.col_used[ci])
			colw[ci] = round(st->box_width * (ci == COL_PREV ? 0.8 : 1));
	for (size_t i = 0; i < c.nboxes; i++)
		if (c.boxes[i].span == 1)
			colw[c.boxes[i].col] = fmax(colw[c.boxes[i].col], widest(fc, &m, &c.boxes[i]));
	for (size_t i = 0; i < c.nboxes; i++)
		if (c.boxes[i].span == 2) {
			const cbox *b = &c.boxes[i];
			double need = widest(fc, &m, b) - (colw[b->col] + gap_arrow + colw[b->col + 1]);
			if (need > 0)
				colw[b->col] += ceil(need);
		}
	double colx[NCOLS] = {0};
	double x = margin + phase_w + phase_gap;
	for (int ci = 0; ci < NCOLS; ci++) {
		if (!c.col_used[ci])
			continue;
		colx[ci] = x;
		bool main_of_arm = ci == COL_DB || ci == COL_OT;
		x += colw[ci] + (main_of_arm ? gap_arrow : gap_col);
	}
	double right = x - gap_col;

	/* Wrap every box at its width, then size the rows. */
	lbox *lb = xcalloc(c.nboxes ? c.nboxes : 1, sizeof *lb);
	double rowh[NROWS] = {0};
	for (size_t i = 0; i < c.nboxes; i++) {
		const cbox *b = &c.boxes[i];
		lb[i].w = b->span == 2 ? colw[b->col] + gap_arrow + colw[b->col + 1] : colw[b->col];
		lb[i].x = colx[b->col];
		wrap_box(fc, &m, b, lb[i].w, &lb[i]);
		rowh[b->row] = fmax(rowh[b->row], lb[i].h);
	}
	/* Phase bars: their rotated label must fit along the rows they span. */
	struct {
		const char *label;
		int first, last;
	} phases[3] = {{"Identification", ROW_IDENT, ROW_IDENT},
	               {"Screening", ROW_SCREEN, ROW_ASSESS},
	               {"Included", ROW_INC, ROW_TOTAL}};
	double rowy[NROWS] = {0};
	for (int pass = 0; pass < 2; pass++) {
		double y = margin;
		/* The template's title above everything. */
		if (pass == 1)
			y += text_block(g, &m, FONT_BOLD, round(m.size * 1.15), c.title, margin, y,
			                right - margin) +
			     head_gap;
		bool first = true;
		for (int r = 0; r < NROWS; r++) {
			if (rowh[r] == 0) {
				rowy[r] = y;
				continue;
			}
			if (!first)
				y += r == ROW_IDENT ? head_gap : gap_row;
			first = false;
			rowy[r] = y;
			y += rowh[r];
		}
		if (pass == 1)
			break;
		for (int p = 0; p < 3; p++) {
			double top = -1, bottom = 0;
			int firstrow = -1;
			for (int r = phases[p].first; r <= phases[p].last; r++)
				if (rowh[r] > 0) {
					if (top < 0) {
						top = rowy[r];
						firstrow = r;
					}
					bottom = rowy[r] + rowh[r];
				}
			if (firstrow < 0)
				continue;
			double need = ceil(font_measure(fc, FONT_BOLD, m.size, phases[p].label,
			                                strlen(phases[p].label)) +
			                   2 * m.pad);
			if (bottom - top < need)
				rowh[firstrow] += need - (bottom - top);
		}
	}

	/* Phase bars. */
	double bottom = 0;
	for (int r = 0; r < NROWS; r++)
		if (rowh[r] > 0)
			bottom = rowy[r] + rowh[r];
	for (int p = 0; p < 3; p++) {
		double top = -1, end = 0;
		for (int r = phases[p].first; r <= phases[p].last; r++)
			if (rowh[r] > 0) {
				if (top < 0)
					top = rowy[r];
				end = rowy[r] + rowh[r];
			}
		if (top < 0)
			continue;
		d_rect(g, margin, top, phase_w, end - top, round(6 * k), true, st->phase, false, 0, 0);
		double tw = font_measure(fc, FONT_BOLD, m.size, phases[p].label,
		                         strlen(phases[p].label));
		double asc = font_ascent(fc, FONT_BOLD, m.size), desc = font_descent(fc, FONT_BOLD,
		                                                                     m.size);
		/* Rotated text grows leftwards from its baseline by the ascent. */
		double bx = margin + phase_w / 2 + (asc - desc) / 2;
		double by = (top + end) / 2 + tw / 2;
		d_text(g, bx, by, phases[p].label, strlen(phases[p].label), FONT_BOLD, m.size, tw,
		       true);
		add_geom(g, margin, top, phase_w, end - top, bx - asc, by - tw, bx + desc, by);
	}

	/* Boxes, centred in their rows. */
	for (size_t i = 0; i < c.nboxes; i++) {
		const cbox *b = &c.boxes[i];
		lbox *l = &lb[i];
		bool header = b->kind == B_HEADER || b->kind == B_HEADER_OTHER;
		l->y = round(rowy[b->row] + (rowh[b->row] - l->h) / 2);
		if (header) {
			/* Headers fill their row, like the templates' banners. */
			l->y = rowy[b->row];
			l->h = rowh[b->row];
		}
		uint32_t fill = b->kind == B_HEADER         ? st->header
		                : b->kind == B_HEADER_OTHER ? st->header_other
		                : b->kind == B_BOX_OTHER    ? st->box_other
		                                            : st->box;
		d_rect(g, l->x, l->y, l->w, l->h, header ? round(8 * k) : 0, true, fill, !header,
		       st->border, lw);
		font_face face = header ? FONT_BOLD : FONT_REGULAR;
		double top = l->y + (l->h - (double)l->n * m.lh) / 2;
		double tx0 = 1e9, tx1 = -1e9;
		for (size_t j = 0; j < l->n; j++) {
			const wrapped *wl = &l->lines[j];
			double lx = header ? l->x + (l->w - wl->line.width) / 2
			                   : l->x + m.pad + wl->level * m.indent +
			                         (wl->cont ? m.hang : 0);
			double base = top + j * m.lh + (m.lh - m.asc - m.desc) / 2 + m.asc;
			d_text(g, lx, base, wl->text + wl->line.start, wl->line.len, face, m.size,
			       wl->line.width, false);
			tx0 = fmin(tx0, lx);
			tx1 = fmax(tx1, lx + wl->line.width);
		}
		add_geom(g, l->x, l->y, l->w, l->h, tx0, top, tx1, top + (double)l->n * m.lh);
	}

	/* Arrows: orthogonal lines ending in a head at the target's edge. */
	for (size_t i = 0; i < c.narrows; i++) {
		const lbox *a = &lb[c.arrows[i].from], *b = &lb[c.arrows[i].to];
		double acx = round(a->x + a->w / 2), acy = round(a->y + a->h / 2);
		double bcy = round(b->y + b->h / 2);
		switch (c.arrows[i].kind) {
		case A_DOWN:
			d_line(g, acx, a->y + a->h, acx, b->y - head_len, lw);
			d_head(g, acx, b->y, 0, 1, head_len, head_half);
			break;
		case A_RIGHT:
			d_line(g, a->x + a->w, acy, b->x - head_len, acy, lw);
			d_head(g, b->x, acy, 1, 0, head_len, head_half);
			break;
		case A_ELBOW_LEFT:
			d_line(g, acx, a->y + a->h, acx, bcy, lw);
			d_line(g, acx, bcy, b->x + b->w + head_len, bcy, lw);
			d_head(g, b->x + b->w, bcy, -1, 0, head_len, head_half);
			break;
		case A_ELBOW_RIGHT:
			d_line(g, acx, a->y + a->h, acx, bcy, lw);
			d_line(g, acx, bcy, b->x - head_len, bcy, lw);
			d_head(g, b->x, bcy, 1, 0, head_len, head_half);
			break;
		}
	}

	/* Footnotes and the source line, as under the official templates. */
	double y = bottom + head_gap;
	if (st->footnotes) {
		double fs = round(m.size * 0.8 * 2) / 2;
		double w = right - margin;
		if (f->db.present) {
			y += text_block(g, &m, FONT_REGULAR, fs,
			                "*Consider, if feasible to do so, reporting the number of records "
			                "identified from each database or register searched (rather than "
			                "the total number across all databases/registers).",
			                margin, y, w);
			y += text_block(g, &m, FONT_REGULAR, fs,
			                "**If automation tools were used, indicate how many records were "
			                "excluded by a human and how many were excluded by automation "
			                "tools.",
			                margin, y, w);
			y += round(fs * 0.6);
		}
		y += text_block(g, &m, FONT_REGULAR, fs,
		                "From: Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, "
		                "Mulrow CD, et al. The PRISMA 2020 statement: an updated guideline for "
		                "reporting systematic reviews. BMJ 2021;372:n71. doi: 10.1136/bmj.n71",
		                margin, y, w);
	} else {
		y = bottom;
	}
	g->w = ceil(right + margin);
	g->h = ceil(y + margin);

	g->title = xstrdup(prisma_flow_title(s, fi));
	g->svg_title = xasprintf("%s: %s", c.title, prisma_flow_title(s, fi));
	buf desc = BUF_INIT;
	prisma_describe_text(s, fi, &desc);
	g->description = buf_detach(&desc);

	for (size_t i = 0; i < c.nboxes; i++)
		free(lb[i].lines);
	free(lb);
	free_content(&c, true);
	if (g->w > PRISMA_MAX_SIDE || g->h > PRISMA_MAX_SIDE) {
		diag_error(d, s->label, f->line, f->col,
		           "the diagram of flow \"%s\" would be %.0f x %.0f px, more than %d px across "
		           "or down, the limit for one diagram: shorten its texts or lists",
		           f->id, g->w, g->h, PRISMA_MAX_SIDE);
		prisma_diagram_free(g);
		return NULL;
	}
	return g;
}

void prisma_diagram_free(prisma_diagram *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nitems; i++)
		free(g->items[i].text);
	free(g->items);
	free(g->geom);
	free(g->title);
	free(g->svg_title);
	free(g->description);
	font_close(g->font);
	free(g);
}

void prisma_diagram_size(const prisma_diagram *g, double *w, double *h)
{
	*w = g->w;
	*h = g->h;
}

size_t prisma_diagram_boxes(const prisma_diagram *g, const prisma_box_geom **boxes)
{
	*boxes = g->geom;
	return g->ngeom;
}

double prisma_scale_for_dpi(double dpi)
{
	return dpi / 96.0;
}

/* ------------------------------------------------------------------ PNG */

raster *prisma_diagram_raster(const prisma_diagram *g, double scale, diag *d)
{
	if (!(scale > 0) || scale > 20) {
		diag_error(d, "", 0, 0, "PRISMA scale %g is out of range (0 to 20)", scale);
		return NULL;
	}
	raster *r = raster_new((int)ceil(g->w * scale), (int)ceil(g->h * scale), g->style.background);
	if (!r) {
		diag_error(d, "", 0, 0, "the PRISMA diagram would be too large at scale %g", scale);
		return NULL;
	}
	for (size_t i = 0; i < g->nitems; i++) {
		const ditem *it = &g->items[i];
		double lw = it->lw * scale;
		/* An odd stroke width centred on a pixel edge would blur over two
		 * pixels; shifting by half a pixel keeps lines crisp. */
		double snap = ((long)lround(lw) % 2) ? 0.5 : 0;
		switch (it->kind) {
		case D_RECT:
			if (it->fill_on)
				raster_fill_round_rect(r, it->x0 * scale, it->y0 * scale, it->x1 * scale,
				                       it->y1 * scale, it->radius * scale, it->fill);
			if (it->stroke_on)
				raster_stroke_round_rect(r, it->x0 * scale + snap, it->y0 * scale + snap,
				                         it->x1 * scale - snap, it->y1 * scale - snap,
				                         it->radius * scale, lw, it->stroke);
			break;
		case D_LINE:
			raster_line(r, it->x0 * scale + snap, it->y0 * scale + snap,
			            it->x1 * scale + snap, it->y1 * scale + snap, lw, it->stroke);
			break;
		case D_TRI: {
			double t[6];
			for (int j = 0; j < 6; j++)
				t[j] = it->tri[j] * scale + snap;
			raster_fill_triangle(r, t, it->fill);
			break;
		}
		case D_TEXT:
			font_draw(g->font, it->face, it->size * scale, r, it->x0 * scale, it->y0 * scale,
			          it->text, strlen(it->text), it->fill, it->rotated);
			break;
		}
	}
	return r;
}

int prisma_diagram_png(const prisma_diagram *g, double scale, buf *png, diag *d)
{
	raster *r = prisma_diagram_raster(g, scale, d);
	if (!r)
		return -1;
	raster_text texts[3] = {
	    {"Title", g->title}, {"Description", g->description}, {"Software", "gapmap"}};
	const char *err;
	int rc = raster_png(r, (unsigned)lround(96 * scale), texts, 3, png, &err);
	if (rc)
		diag_error(d, "", 0, 0, "%s", err);
	raster_free(r);
	return rc;
}

/* ------------------------------------------------------------------ SVG */

static void num(buf *b, double v)
{
	char s[64];
	snprintf(s, sizeof s, "%.2f", v);
	char *dot = strchr(s, '.');
	if (dot) {
		char *e = s + strlen(s) - 1;
		while (e > dot && *e == '0')
			*e-- = 0;
		if (e == dot)
			*e = 0;
	}
	if (strcmp(s, "-0") == 0)
		strcpy(s, "0");
	buf_puts(b, s);
}

static void colour(buf *b, uint32_t c)
{
	buf_printf(b, "#%06X", (unsigned)(c & 0xFFFFFF));
}

void prisma_diagram_svg(const prisma_diagram *g, buf *b)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
	num(b, g->w);
	buf_puts(b, "\" height=\"");
	num(b, g->h);
	buf_puts(b, "\" viewBox=\"0 0 ");
	num(b, g->w);
	buf_putc(b, ' ');
	num(b, g->h);
	buf_puts(b, "\" role=\"img\" aria-labelledby=\"prisma-title prisma-desc\" "
	            "font-family=\"'DejaVu Sans', Verdana, Arial, sans-serif\">\n<title "
	            "id=\"prisma-title\">");
	esc_xml(b, g->svg_title);
	buf_puts(b, "</title>\n<desc id=\"prisma-desc\">");
	esc_xml(b, g->description);
	buf_puts(b, "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"");
	colour(b, g->style.background);
	buf_puts(b, "\"/>\n");
	for (size_t i = 0; i < g->nitems; i++) {
		const ditem *it = &g->items[i];
		switch (it->kind) {
		case D_RECT:
			buf_puts(b, "<rect x=\"");
			num(b, it->x0);
			buf_puts(b, "\" y=\"");
			num(b, it->y0);
			buf_puts(b, "\" width=\"");
			num(b, it->x1 - it->x0);
			buf_puts(b, "\" height=\"");
			num(b, it->y1 - it->y0);
			if (it->radius > 0) {
				buf_puts(b, "\" rx=\"");
				num(b, it->radius);
			}
			buf_puts(b, "\" fill=\"");
			if (it->fill_on)
				colour(b, it->fill);
			else
				buf_puts(b, "none");
			if (it->stroke_on) {
				buf_puts(b, "\" stroke=\"");
				colour(b, it->stroke);
				buf_puts(b, "\" stroke-width=\"");
				num(b, it->lw);
			}
			buf_puts(b, "\"/>\n");
			break;
		case D_LINE:
			buf_puts(b, "<line x1=\"");
			num(b, it->x0);
			buf_puts(b, "\" y1=\"");
			num(b, it->y0);
			buf_puts(b, "\" x2=\"");
			num(b, it->x1);
			buf_puts(b, "\" y2=\"");
			num(b, it->y1);
			buf_puts(b, "\" stroke=\"");
			colour(b, it->stroke);
			buf_puts(b, "\" stroke-width=\"");
			num(b, it->lw);
			buf_puts(b, "\" stroke-linecap=\"square\"/>\n");
			break;
		case D_TRI:
			buf_puts(b, "<polygon points=\"");
			for (int j = 0; j < 6; j++) {
				if (j)
					buf_putc(b, j % 2 ? ',' : ' ');
				num(b, it->tri[j]);
			}
			buf_puts(b, "\" fill=\"");
			colour(b, it->fill);
			buf_puts(b, "\"/>\n");
			break;
		case D_TEXT:
			buf_puts(b, "<text x=\"");
			num(b, it->x0);
			buf_puts(b, "\" y=\"");
			num(b, it->y0);
			if (it->rotated) {
				buf_puts(b, "\" transform=\"rotate(-90 ");
				num(b, it->x0);
				buf_putc(b, ' ');
				num(b, it->y0);
				buf_putc(b, ')');
			}
			buf_puts(b, "\" font-size=\"");
			num(b, it->size);
			if (it->face == FONT_BOLD)
				buf_puts(b, "\" font-weight=\"bold");
			/* The PNG's measured width: with a fallback font the line
			 * is stretched or squeezed to it, so it never leaves its box. */
			buf_puts(b, "\" textLength=\"");
			num(b, it->width);
			buf_puts(b, "\" lengthAdjust=\"spacingAndGlyphs\" fill=\"");
			colour(b, it->fill);
			buf_puts(b, "\">");
			esc_xml(b, it->text);
			buf_puts(b, "</text>\n");
			break;
		}
	}
	buf_puts(b, "</svg>\n");
}

int prisma_render_png(prisma_set *s, size_t i, const prisma_style *style, const char *font_dir,
                      double scale, buf *png, diag *d)
{
	prisma_diagram *g = prisma_layout(s, i, style, font_dir, d);
	if (!g)
		return -1;
	int rc = prisma_diagram_png(g, scale, png, d);
	prisma_diagram_free(g);
	return rc;
}

int prisma_render_svg(prisma_set *s, size_t i, const prisma_style *style, const char *font_dir,
                      buf *svg, diag *d)
{
	prisma_diagram *g = prisma_layout(s, i, style, font_dir, d);
	if (!g)
		return -1;
	prisma_diagram_svg(g, svg);
	prisma_diagram_free(g);
	return 0;
}

/* ---------------------------------------------------------------- style */

static bool parse_colour(const yml_node *n, uint32_t *out)
{
	if (n->kind != YML_SCALAR || n->value[0] != '#')
		return false;
	size_t len = strlen(n->value + 1);
	if (len != 3 && len != 6)
		return false;
	uint32_t v = 0;
	for (size_t i = 1; i <= len; i++) {
		char ch = n->value[i];
		int h = ch >= '0' && ch <= '9'   ? ch - '0'
		        : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		        : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
		                                 : -1;
		if (h < 0)
			return false;
		v = v * (len == 3 ? 256 : 16) + (uint32_t)(len == 3 ? h * 17 : h);
	}
	*out = v;
	return true;
}

int prisma_style_from_yml(const yml_node *map, prisma_style *s, diag *d)
{
	if (!map)
		return 0;
	size_t before = d->errors;
	if (map->kind != YML_MAP) {
		diag_error(d, map->file, map->line, map->col, "prisma must be a mapping, not a %s",
		           yml_kind_name(map->kind));
		return 1;
	}
	static const char *const keys[] = {"header", "header_other", "box_other", "box",
	                                   "border", "phase",        "arrow",     "text",
	                                   "background", "font_size", "box_width", "font",
	                                   "font_bold",  "footnotes"};
	uint32_t *colours[] = {&s->header, &s->header_other, &s->box_other, &s->box, &s->border,
	                       &s->phase,  &s->arrow,        &s->text,      &s->background};
	size_t nkeys = sizeof keys / sizeof *keys;
	for (size_t i = 0; i < map->count; i++) {
		const yml_node *k = map->pairs[i].key, *v = map->pairs[i].value;
		size_t j = 0;
		while (j < nkeys && strcmp(keys[j], k->value) != 0)
			j++;
		if (j == nkeys) {
			const char *hint = diag_suggest(k->value, keys, nkeys);
			diag_error(d, k->file, k->line, k->col, "unknown key \"%s\" in prisma%s%s%s",
			           k->value, hint ? " (did you mean \"" : "", hint ? hint : "",
			           hint ? "\"?)" : "");
		} else if (j < 9) {
			if (!parse_colour(v, colours[j]))
				diag_error(d, v->file, v->line, v->col,
				           "%s must be a colour such as \"#FFC125\"", k->value);
		} else if (j == 9 || j == 10) {
			char *end = NULL;
			double x = v->kind == YML_SCALAR ? strtod(v->value, &end) : 0;
			bool ok = end && *end == 0 && end != v->value;
			if (!ok || (j == 9 && (x < 6 || x > 48)) || (j == 10 && (x < 80 || x > 1000)))
				diag_error(d, v->file, v->line, v->col, "%s must be a number %s", k->value,
				           j == 9 ? "from 6 to 48" : "from 80 to 1000");
			else if (j == 9)
				s->font_size = x;
			else
				s->box_width = x;
		} else if (j == 11 || j == 12) {
			if (v->kind != YML_SCALAR || v->len == 0 || strchr(v->value, '/'))
				diag_error(d, v->file, v->line, v->col,
				           "%s must be the name of a font file in the theme's fonts folder",
				           k->value);
			else if (j == 11)
				s->font = v->value;
			else
				s->font_bold = v->value;
		} else {
			if (!yml_bool(v, &s->footnotes))
				diag_error(d, v->file, v->line, v->col, "%s must be true or false", k->value);
		}
	}
	return (int)(d->errors - before);
}
