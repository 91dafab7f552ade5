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
