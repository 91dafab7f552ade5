/* prisma/layout.c: lays a flow's boxes out once, with lines wrapped and
 * measured by the font's real metrics, into a display list (diagram.h):
 * columns, rows, phase bars, arrows and the template's footnotes. */
#include "prisma/boxes.h"
#include "prisma/diagram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

static void d_text(prisma_diagram *g, double x, double y, const char *s, size_t len, font_face face,
                   double size, double width, bool rotated)
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
	font_face face =
	    b->kind == B_HEADER || b->kind == B_HEADER_OTHER ? FONT_BOLD : FONT_REGULAR;
	lb->lines = NULL;
	lb->n = 0;
	for (size_t i = 0; i < b->np; i++) {
		font_line *fl;
		int lv = b->paras[i].level;
		double avail = w - 2 * m->pad - lv * m->indent - hang_of(m, lv);
		size_t n = font_wrap(fc, face, m->size, b->paras[i].text, avail, &fl);
		lb->lines = xrealloc(lb->lines, (lb->n + n) * sizeof *lb->lines);
		for (size_t k = 0; k < n; k++)
			lb->lines[lb->n++] =
			    (wrapped){b->paras[i].text, fl[k], lv, k > 0 && lv > 0};
		free(fl);
	}
	lb->h = ceil(2 * m->pad + (double)lb->n * m->lh);
}

static double widest(font_ctx *fc, const metrics *m, const cbox *b)
{
	font_face face =
	    b->kind == B_HEADER || b->kind == B_HEADER_OTHER ? FONT_BOLD : FONT_REGULAR;
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
			colw[c.boxes[i].col] =
			    fmax(colw[c.boxes[i].col], widest(fc, &m, &c.boxes[i]));
	for (size_t i = 0; i < c.nboxes; i++)
		if (c.boxes[i].span == 2) {
			const cbox *b = &c.boxes[i];
			double need =
			    widest(fc, &m, b) - (colw[b->col] + gap_arrow + colw[b->col + 1]);
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
		d_rect(g, margin, top, phase_w, end - top, round(6 * k), true, st->phase, false, 0,
		       0);
		double tw =
		    font_measure(fc, FONT_BOLD, m.size, phases[p].label, strlen(phases[p].label));
		double asc = font_ascent(fc, FONT_BOLD, m.size),
		       desc = font_descent(fc, FONT_BOLD, m.size);
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
			double lx =
			    header ? l->x + (l->w - wl->line.width) / 2
			           : l->x + m.pad + wl->level * m.indent + (wl->cont ? m.hang : 0);
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
		/* The notes to the databases arm's "*" and "**". */
		static const char *const db_notes[] = {
		    "*Consider, if feasible to do so, reporting the number of records "
		    "identified from each database or register searched (rather than "
		    "the total number across all databases/registers).",
		    "**If automation tools were used, indicate how many records were "
		    "excluded by a human and how many were excluded by automation "
		    "tools.",
		};
		if (f->db.present) {
			for (size_t i = 0; i < sizeof db_notes / sizeof *db_notes; i++)
				y += text_block(g, &m, FONT_REGULAR, fs, db_notes[i], margin, y, w);
			y += round(fs * 0.6);
		}
		y += text_block(
		    g, &m, FONT_REGULAR, fs,
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
		diag_error(
		    d, s->label, f->line, f->col,
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
