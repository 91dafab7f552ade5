/* prisma: the PRISMA 2020 flow diagrams of a site. Reads prisma.yaml into
 * a model of one or more flows, checks their arithmetic, lays each diagram
 * out once (boxes, wrapped lines measured with the font's real metrics,
 * arrows) and draws that layout twice: as a PNG (raster.c, font.c) and as
 * an SVG with real, selectable <text>. Also gives the diagram's accessible
 * text version, every box's label and count in reading order.
 *
 * The boxes, labels and arrows follow the official PRISMA 2020 templates
 * (Page et al., BMJ 2021;372:n71): new review (databases and registers),
 * new review with other methods (a second column), updated review
 * (previous studies, new studies, totals). The template follows from what
 * a flow states: `previous` makes it an updated review, `other` adds the
 * second column. docs/prisma-format.md documents the file.
 *
 * Usage: prisma_load; for each flow, learn which records it included from
 * prisma_flow_match and report their counts with prisma_set_included;
 * prisma_check; then prisma_layout + prisma_diagram_png/svg (or the
 * prisma_render_* shortcuts) and prisma_describe_html / prisma_items.
 *
 * Ownership: prisma_load returns a set owned by the caller (prisma_free).
 * Every string and array a getter returns belongs to the set and lives
 * until prisma_free. prisma_layout returns a diagram owned by the caller
 * (prisma_diagram_free) that must not outlive its set. Output functions
 * append to bufs the caller owns. No global state: a set and its diagrams
 * may be used from one thread at a time. */
#ifndef GM_PRISMA_H
#define GM_PRISMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/util.h"
#include "load/yml.h"

/* Bounds on input, so any prisma.yaml builds in seconds and bounded
 * memory: the file's size, its number of flows, and a diagram's size in
 * CSS pixels at scale 1 (at scale 2, 6,000 x 6,000 pixels at most). */
#define PRISMA_MAX_BYTES (1024 * 1024)
#define PRISMA_MAX_FLOWS 16
#define PRISMA_MAX_SIDE 3000

typedef struct prisma_set prisma_set;
typedef struct prisma_diagram prisma_diagram;

/* Colours are 0xRRGGBB; sizes are in CSS pixels at scale 1. */
typedef struct prisma_style {
	uint32_t header;       /* "…via databases and registers" header: goldenrod #FFC125 */
	uint32_t header_other; /* "Previous studies", "…via other methods" headers: #DCDCDC */
	uint32_t box_other;    /* fill of the previous-studies and other-methods boxes: #DCDCDC */
	uint32_t box;          /* fill of the main boxes: #FFFFFF */
	uint32_t border;       /* box outlines: #000000 */
	uint32_t phase;        /* phase bars: light steel blue #BCD2EE */
	uint32_t arrow;        /* lines and arrowheads: #000000 */
	uint32_t text;         /* #000000 */
	uint32_t background;   /* #FFFFFF */
	double font_size;      /* 12 */
	double box_width;      /* minimum width of a box, 240 */
	const char *font;      /* file in the font folder: DejaVuSans.ttf */
	const char *font_bold; /* DejaVuSans-Bold.ttf */
	bool footnotes;        /* the template's footnotes and source line under the diagram */
} prisma_style;

/* The defaults above. */
void prisma_style_default(prisma_style *s);

/* Reads overrides from a theme's `prisma:` mapping (keys: header,
 * header_other, box_other, box, border, phase, arrow, text, background as
 * "#RRGGBB" or "#RGB"; font_size, box_width as numbers; font, font_bold as
 * file names; footnotes as a boolean). map may be NULL. Problems are
 * errors at the offending node; s keeps its value for a bad key. Strings
 * point into the yml tree, which must outlive s. Returns the number of
 * errors added. */
int prisma_style_from_yml(const yml_node *map, prisma_style *s, diag *d);

/* Reads path. Returns NULL without any diagnostic when the file does not
 * exist, NULL with errors when it cannot be read or holds no valid flow
 * list; otherwise a set, possibly with errors in d about some of its keys
 * (check d->errors). label is the path shown in diagnostics. */
prisma_set *prisma_load(const char *path, const char *label, diag *d);
/* The same from memory. */
prisma_set *prisma_parse(const char *label, const char *data, size_t len, diag *d);
void prisma_free(prisma_set *s);

size_t prisma_flow_count(const prisma_set *s);
/* Index of the flow with this id, or (size_t)-1. */
size_t prisma_flow_find(const prisma_set *s, const char *id);
const char *prisma_flow_id(const prisma_set *s, size_t i);
/* The flow's title: its `title:`, else its id. */
const char *prisma_flow_title(const prisma_set *s, size_t i);

typedef enum prisma_template {
	PRISMA_NEW,         /* (a) databases and registers only */
	PRISMA_NEW_OTHER,   /* (b) databases, registers and other sources */
	PRISMA_UPDATED,     /* (c) updated, databases and registers only */
	PRISMA_UPDATED_OTHER /* (c) updated, with other sources */
} prisma_template;
prisma_template prisma_flow_template(const prisma_set *s, size_t i);

/* Which records a flow included: those whose facet `facet` carries `code`.
 * Returns NULL when the flow has no `match:`, which means every record. The
 * position lets the caller report an unknown facet or code there. */
typedef struct prisma_match {
	const char *facet;
	const char *code;
	int line, col;
} prisma_match;
const prisma_match *prisma_flow_match(const prisma_set *s, size_t i);

/* The counts of included studies (distinct studies) and reports (records)
 * the records give for flow i. Call before prisma_check and rendering;
 * without it, the included counts come from the file's `included:` alone. */
void prisma_set_included(prisma_set *s, size_t i, long long studies, long long reports);

/* Checks every flow's arithmetic (see docs/prisma-format.md). Errors and
 * warnings go to d at the line of the offending count. Returns the number
 * of errors added. */
int prisma_check(const prisma_set *s, diag *d);

/* Accessible text version, in reading order. */
typedef struct prisma_item {
	const char *phase;  /* "Identification", "Screening", "Included", or "" for headers */
	const char *column; /* the column header, e.g. "Identification of studies via other methods" */
	const char *label;  /* e.g. "Records screened", "Duplicate records removed" */
	const char *count;  /* "1,234", or NULL when the file does not state it */
	int level;          /* 0 = a box, 1 = an item inside the box above */
	bool text_only;     /* not drawn: an arm's own included reports, which the
	                       templates' shared included box cannot show */
} prisma_item;
/* Sets *items (owned by s) and returns their number. */
size_t prisma_items(prisma_set *s, size_t i, const prisma_item **items);
/* Appends the text version as an HTML fragment: one <section> per column
 * with an <h3> and a nested <ul>; every string escaped. */
void prisma_describe_html(prisma_set *s, size_t i, buf *html);
/* Plain text, one line per item ("Records screened: 211"). */
void prisma_describe_text(prisma_set *s, size_t i, buf *text);

/* Lays flow i out with the fonts in font_dir (style->font, ->font_bold).
 * Returns NULL with an error in d when the fonts cannot be loaded. */
prisma_diagram *prisma_layout(prisma_set *s, size_t i, const prisma_style *style,
                              const char *font_dir, diag *d);
void prisma_diagram_free(prisma_diagram *g);
/* Size in CSS pixels at scale 1. */
void prisma_diagram_size(const prisma_diagram *g, double *w, double *h);
/* Draws the PNG at scale (1 = one pixel per CSS pixel; 2 is the default
 * and good on high-density screens). The pHYs chunk states 96 × scale dpi,
 * so prisma_scale_for_dpi(300) gives a 300 dpi image of the same physical
 * size. Returns 0, or -1 with an error in d. */
int prisma_diagram_png(const prisma_diagram *g, double scale, buf *png, diag *d);
/* Appends a standalone SVG document of the same layout. */
void prisma_diagram_svg(const prisma_diagram *g, buf *svg);
double prisma_scale_for_dpi(double dpi);

/* For tests and tools: every drawn box (headers and phase bars included)
 * with the bounds of the text drawn in it (tx0 > tx1 when it has none). */
typedef struct prisma_box_geom {
	double x, y, w, h;
	double tx0, ty0, tx1, ty1;
} prisma_box_geom;
size_t prisma_diagram_boxes(const prisma_diagram *g, const prisma_box_geom **boxes);
/* The canvas the PNG encodes; caller frees with raster_free. */
struct raster *prisma_diagram_raster(const prisma_diagram *g, double scale, diag *d);

/* Shortcuts: lay out, draw once, free. */
int prisma_render_png(prisma_set *s, size_t i, const prisma_style *style, const char *font_dir,
                      double scale, buf *png, diag *d);
int prisma_render_svg(prisma_set *s, size_t i, const prisma_style *style, const char *font_dir,
                      buf *svg, diag *d);

/* Formats n with thousands separators ("12,345"). Caller frees. */
char *prisma_format_count(long long n);

#endif
