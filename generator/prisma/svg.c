/* prisma/svg.c: writes a laid-out diagram (diagram.h) as a standalone SVG
 * document with real, selectable <text>, a title and a description. */
#include "prisma/diagram.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/esc.h"

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

/* text, then v as num writes it: one attribute's tail and the next's value. */
static void text_num(buf *b, const char *text, double v)
{
	buf_puts(b, text);
	num(b, v);
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
	text_num(b, "\" height=\"", g->h);
	text_num(b, "\" viewBox=\"0 0 ", g->w);
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
			text_num(b, "<rect x=\"", it->x0);
			text_num(b, "\" y=\"", it->y0);
			text_num(b, "\" width=\"", it->x1 - it->x0);
			text_num(b, "\" height=\"", it->y1 - it->y0);
			if (it->radius > 0) {
				text_num(b, "\" rx=\"", it->radius);
			}
			buf_puts(b, "\" fill=\"");
			if (it->fill_on)
				colour(b, it->fill);
			else
				buf_puts(b, "none");
			if (it->stroke_on) {
				buf_puts(b, "\" stroke=\"");
				colour(b, it->stroke);
				text_num(b, "\" stroke-width=\"", it->lw);
			}
			buf_puts(b, "\"/>\n");
			break;
		case D_LINE:
			text_num(b, "<line x1=\"", it->x0);
			text_num(b, "\" y1=\"", it->y0);
			text_num(b, "\" x2=\"", it->x1);
			text_num(b, "\" y2=\"", it->y1);
			buf_puts(b, "\" stroke=\"");
			colour(b, it->stroke);
			text_num(b, "\" stroke-width=\"", it->lw);
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
			text_num(b, "<text x=\"", it->x0);
			text_num(b, "\" y=\"", it->y0);
			if (it->rotated) {
				text_num(b, "\" transform=\"rotate(-90 ", it->x0);
				buf_putc(b, ' ');
				num(b, it->y0);
				buf_putc(b, ')');
			}
			text_num(b, "\" font-size=\"", it->size);
			if (it->face == FONT_BOLD)
				buf_puts(b, "\" font-weight=\"bold");
			/* The PNG's measured width: with a fallback font the line
			 * is stretched or squeezed to it, so it never leaves its box. */
			text_num(b, "\" textLength=\"", it->width);
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
