/* prisma/text.c: the words of a diagram. Builds every box's text from a
 * flow, in the wording of the PRISMA 2020 templates, with the arrows
 * between boxes (boxes.h), and gives the diagram's accessible text version
 * (prisma_items, prisma_describe_html, prisma_describe_text). */
#include "prisma/boxes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"

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
	    level,    false};
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
	             : (other
	                    ? "Reports of included studies identified via other methods"
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
		count n = lc->items[i].given ? count_given(lc->items[i].n) : (count){0};
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
static void add_reasons_box(content *c, const char *drawn, const char *label, const listcount *lc)
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

/* Starts an arm (the other methods' when other): its header over its main
 * and side columns (the title names the column for the text version), then
 * its first box, the records identified, begun with the paragraph opening
 * (when not NULL) and returned. */
static size_t arm_begin(content *c, bool other, const char *title, const char *opening)
{
	int col = other ? COL_OT : COL_DB;
	c->column = title;
	size_t h = box_begin(c, other ? B_HEADER_OTHER : B_HEADER, col, ROW_HEAD, "");
	c->boxes[h].span = 2;
	c->col_used[other ? COL_OTS : COL_DBS] = true;
	add_para(c, xstrdup(title), 0);
	size_t ident = box_begin(c, other ? B_BOX_OTHER : B_BOX, col, ROW_IDENT, "Identification");
	if (opening)
		add_para(c, xstrdup(opening), 0);
	return ident;
}

/* The retrieval and eligibility boxes both arms share, fed from the box
 * above: sought → not retrieved, sought → assessed → excluded. Returns the
 * assessed box. */
static size_t add_retrieval(content *c, const arm *a, bkind kind, int col, int side, size_t feeder)
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

void build_content(const flow *f, content *c)
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
		add_inline(c, "Studies included in previous version of review", &f->prev_studies,
		           0);
		add_inline(c, "Reports of studies included in previous version of review",
		           &f->prev_reports, 0);
	}
	size_t db_assessed = 0, ot_assessed = 0;
	if (db) {
		const arm *a = &f->db;
		size_t ident =
		    arm_begin(c, false,
		              upd ? "Identification of new studies via databases and registers"
		                  : "Identification of studies via databases and registers",
		              "Records identified from*:");
		count total = {0};
		if ((a->databases.c.given || a->registers.c.given) &&
		    !list_uncounted(&a->databases) && !list_uncounted(&a->registers))
			total = count_given((a->databases.c.given ? a->databases.c.n : 0) +
			                    (a->registers.c.given ? a->registers.c.n : 0));
		add_item(c, "Records identified", &total, 0);
		add_sources(c, "Databases", &a->databases, 1);
		add_sources(c, "Registers", &a->registers, 1);

		size_t removed = box_begin(c, B_BOX, COL_DBS, ROW_IDENT, I);
		add_para(c, xstrdup("Records removed before screening:"), 0);
		count rem = {0};
		if (a->duplicates.given || a->automation.given || a->removed_other.given)
			rem = count_given(a->duplicates.n + a->automation.n + a->removed_other.n);
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
		size_t ident = arm_begin(c, true,
		                         upd ? "Identification of new studies via other methods"
		                             : "Identification of studies via other methods",
		                         a->identified.nitems ? "Records identified from:" : NULL);
		if (a->identified.nitems) {
			add_item(c, "Records identified", &a->identified.c, 0);
			add_entries(c, &a->identified, 1);
		} else {
			add_single(c, "Records identified", "Records identified", &a->identified.c);
		}
		ot_assessed = add_retrieval(c, a, B_BOX_OTHER, COL_OT, COL_OTS, ident);
		add_arm_included(c, a, upd, true);
	}
	included in = flow_included(f);
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

void free_content(content *c, bool strings_too)
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
