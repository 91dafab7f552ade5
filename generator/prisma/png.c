/* prisma/png.c: draws a laid-out diagram (diagram.h) on a raster and
 * encodes it as a PNG with its title and every count as text chunks. */
#include "prisma/diagram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prisma/raster.h"

raster *prisma_diagram_raster(const prisma_diagram *g, double scale, diag *d)
{
	if (!(scale > 0) || scale > 20) {
		diag_error(d, "", 0, 0, "PRISMA scale %g is out of range (0 to 20)", scale);
		return NULL;
	}
	raster *r =
	    raster_new((int)ceil(g->w * scale), (int)ceil(g->h * scale), g->style.background);
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
				raster_fill_round_rect(r, it->x0 * scale, it->y0 * scale,
				                       it->x1 * scale, it->y1 * scale,
				                       it->radius * scale, it->fill);
			if (it->stroke_on)
				raster_stroke_round_rect(
				    r, it->x0 * scale + snap, it->y0 * scale + snap,
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
			font_draw(g->font, it->face, it->size * scale, r, it->x0 * scale,
			          it->y0 * scale, it->text, strlen(it->text), it->fill,
			          it->rotated);
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
