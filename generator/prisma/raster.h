/* raster: an anti-aliased RGB canvas for the PRISMA diagram, and its PNG
 * encoding.
 *
 * Every shape computes each pixel's coverage analytically (signed distance
 * or exact area), so output depends only on the input numbers: no
 * randomness, no timing, no state outside the canvas. Colours are 0xRRGGBB.
 * Coordinates are in pixels of the canvas, (0,0) the top-left corner of the
 * top-left pixel; pixel (x,y) has its centre at (x+0.5, y+0.5).
 *
 * Ownership: raster_new returns a canvas owned by the caller, released with
 * raster_free. raster_png appends to a buf the caller owns. */
#ifndef GM_RASTER_H
#define GM_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

typedef struct raster {
	int w, h;
	unsigned char *px; /* w*h*3 bytes, RGB, rows top to bottom */
} raster;

/* Returns NULL when w or h is not positive or the canvas would be absurdly
 * large (over 400 megapixels): a content error, not out of memory. */
raster *raster_new(int w, int h, uint32_t background);
void raster_free(raster *r);

/* Blends colour into pixel (x,y) with coverage a in [0,1]; ignores pixels
 * outside the canvas. */
void raster_blend(raster *r, int x, int y, uint32_t colour, double a);

/* Axis-aligned rectangle with exact area coverage at fractional edges. */
void raster_fill_rect(raster *r, double x0, double y0, double x1, double y1, uint32_t colour);

/* Rounded rectangle; radius is clamped to half the shorter side. */
void raster_fill_round_rect(raster *r, double x0, double y0, double x1, double y1,
                            double radius, uint32_t colour);
/* Stroke of width lw centred on the rounded rectangle's outline. */
void raster_stroke_round_rect(raster *r, double x0, double y0, double x1, double y1,
                              double radius, double lw, uint32_t colour);

/* Horizontal or vertical line of width lw from (x0,y0) to (x1,y1); the ends
 * are square and extend lw/2 past the points, so elbows join cleanly. A
 * slanted line is drawn as its bounding rectangle (callers only draw
 * orthogonal lines). */
void raster_line(raster *r, double x0, double y0, double x1, double y1, double lw,
                 uint32_t colour);

/* Filled triangle. */
void raster_fill_triangle(raster *r, const double xy[6], uint32_t colour);

/* One text chunk: keyword (Latin-1, 1–79 bytes) and UTF-8 text. Written as
 * iTXt when text is not plain ASCII, else tEXt. */
typedef struct raster_text {
	const char *key;
	const char *text;
} raster_text;

/* Encodes r as an 8-bit RGB PNG: fixed compression and filters, a pHYs
 * chunk for dpi (0 = none), the given text chunks in order, never a tIME
 * chunk, so equal canvases give equal bytes. Returns 0, or -1 when libpng
 * fails (message in *err, static). */
int raster_png(const raster *r, unsigned dpi, const raster_text *texts, size_t ntexts, buf *out,
               const char **err);

#endif
