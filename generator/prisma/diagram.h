/* prisma/diagram.h (internal to prisma/): a laid-out diagram as a display
 * list in CSS pixels at scale 1 (layout.c), which the PNG (png.c) and the
 * SVG (svg.c) walk alike.
 *
 * Ownership: a prisma_diagram owns its items (and their text), its box
 * geometry, its titles and description and its font context; all freed by
 * prisma_diagram_free. */
#ifndef GM_PRISMA_DIAGRAM_H
#define GM_PRISMA_DIAGRAM_H

#include "prisma/font.h"
#include "prisma/prisma.h"

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

#endif
