#include "prisma/raster.h"

#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

raster *raster_new(int w, int h, uint32_t background)
{
	if (w <= 0 || h <= 0 || (double)w * (double)h > 400e6)
		return NULL;
	raster *r = xmalloc(sizeof *r);
	r->w = w;
	r->h = h;
	size_t n = (size_t)w * (size_t)h;
	r->px = xmalloc(n * 3);
	unsigned char c[3] = {(background >> 16) & 255, (background >> 8) & 255, background & 255};
	for (size_t i = 0; i < n; i++)
		memcpy(r->px + i * 3, c, 3);
	return r;
}

void raster_free(raster *r)
{
	if (!r)
		return;
	free(r->px);
	free(r);
}

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

void raster_blend(raster *r, int x, int y, uint32_t colour, double a)
{
	if (x < 0 || y < 0 || x >= r->w || y >= r->h || a <= 0)
		return;
	if (a > 1)
		a = 1;
	unsigned char *p = r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3;
	int src[3] = {(int)((colour >> 16) & 255), (int)((colour >> 8) & 255), (int)(colour & 255)};
	for (int i = 0; i < 3; i++) {
		double v = p[i] + (src[i] - p[i]) * a;
		p[i] = (unsigned char)lround(v);
	}
}

/* The pixel range [*lo, *hi) touched by [a, b], clipped to [0, n). */
static void span(double a, double b, int n, int *lo, int *hi)
{
	int l = (int)floor(a), h = (int)ceil(b);
	*lo = l < 0 ? 0 : l;
	*hi = h > n ? n : h;
}

void raster_fill_rect(raster *r, double x0, double y0, double x1, double y1, uint32_t colour)
{
	if (x1 < x0) {
		double t = x0;
		x0 = x1;
		x1 = t;
	}
	if (y1 < y0) {
		double t = y0;
		y0 = y1;
		y1 = t;
	}
	int xa, xb, ya, yb;
	span(x0, x1, r->w, &xa, &xb);
	span(y0, y1, r->h, &ya, &yb);
	for (int y = ya; y < yb; y++) {
		double cy = fmin(y + 1, y1) - fmax(y, y0);
		for (int x = xa; x < xb; x++) {
			double cx = fmin(x + 1, x1) - fmax(x, x0);
			raster_blend(r, x, y, colour, clamp01(cx) * clamp01(cy));
		}
	}
}

/* Signed distance from (px,py) to a rounded rectangle: negative inside. */
static double round_rect_sdf(double px, double py, double cx, double cy, double hw, double hh,
                             double rad)
{
	double qx = fabs(px - cx) - (hw - rad), qy = fabs(py - cy) - (hh - rad);
	double ox = fmax(qx, 0), oy = fmax(qy, 0);
	return sqrt(ox * ox + oy * oy) + fmin(fmax(qx, qy), 0) - rad;
}

static void round_rect(raster *r, double x0, double y0, double x1, double y1, double rad,
                       double lw, uint32_t colour)
{
	double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
	double hw = fabs(x1 - x0) / 2, hh = fabs(y1 - y0) / 2;
	if (rad > fmin(hw, hh))
		rad = fmin(hw, hh);
	if (rad < 0)
		rad = 0;
	double grow = lw > 0 ? lw / 2 + 1 : 1;
	int xa, xb, ya, yb;
	span(cx - hw - grow, cx + hw + grow, r->w, &xa, &xb);
	span(cy - hh - grow, cy + hh + grow, r->h, &ya, &yb);
	for (int y = ya; y < yb; y++)
		for (int x = xa; x < xb; x++) {
			double d = round_rect_sdf(x + 0.5, y + 0.5, cx, cy, hw, hh, rad);
			/* A one-pixel ramp across the edge is the usual
			 * approximation of area coverage for smooth outlines. */
			double a = lw > 0 ? clamp01(lw / 2 + 0.5 - fabs(d)) : clamp01(0.5 - d);
			raster_blend(r, x, y, colour, a);
		}
}

void raster_fill_round_rect(raster *r, double x0, double y0, double x1, double y1,
                            double radius, uint32_t colour)
{
	round_rect(r, x0, y0, x1, y1, radius, 0, colour);
}

void raster_stroke_round_rect(raster *r, double x0, double y0, double x1, double y1,
                              double radius, double lw, uint32_t colour)
{
	round_rect(r, x0, y0, x1, y1, radius, lw, colour);
}

void raster_line(raster *r, double x0, double y0, double x1, double y1, double lw,
                 uint32_t colour)
{
	double h = lw / 2;
	raster_fill_rect(r, fmin(x0, x1) - h, fmin(y0, y1) - h, fmax(x0, x1) + h, fmax(y0, y1) + h,
	                 colour);
}

void raster_fill_triangle(raster *r, const double xy[6], uint32_t colour)
{
	/* Orient counter-clockwise (in screen coordinates) so every edge's
	 * outward normal points the same way. */
	double v[6];
	memcpy(v, xy, sizeof v);
	double area = (v[2] - v[0]) * (v[5] - v[1]) - (v[4] - v[0]) * (v[3] - v[1]);
	if (area == 0)
		return;
	if (area < 0) {
		double tx = v[2], ty = v[3];
		v[2] = v[4];
		v[3] = v[5];
		v[4] = tx;
		v[5] = ty;
	}
	double minx = fmin(v[0], fmin(v[2], v[4])), maxx = fmax(v[0], fmax(v[2], v[4]));
	double miny = fmin(v[1], fmin(v[3], v[5])), maxy = fmax(v[1], fmax(v[3], v[5]));
	int xa, xb, ya, yb;
	span(minx - 1, maxx + 1, r->w, &xa, &xb);
	span(miny - 1, maxy + 1, r->h, &ya, &yb);
	for (int y = ya; y < yb; y++)
		for (int x = xa; x < xb; x++) {
			/* Distance outside a convex polygon ~ the largest signed
			 * distance to its edge lines; exact enough for a 1 px ramp. */
			double px = x + 0.5, py = y + 0.5, d = -1e9;
			for (int e = 0; e < 3; e++) {
				double ax = v[e * 2], ay = v[e * 2 + 1];
				double bx = v[(e * 2 + 2) % 6], by = v[(e * 2 + 3) % 6];
				double ex = bx - ax, ey = by - ay, len = sqrt(ex * ex + ey * ey);
				double s = ((px - ax) * ey - (py - ay) * ex) / len;
				d = fmax(d, s);
			}
			raster_blend(r, x, y, colour, clamp01(0.5 - d));
		}
}

static void png_write_buf(png_structp p, png_bytep data, png_size_t len)
{
	buf_put((buf *)png_get_io_ptr(p), data, len);
}

static void png_flush_none(png_structp p)
{
	(void)p;
}

static void png_fail(png_structp p, png_const_charp msg)
{
	*(const char **)png_get_error_ptr(p) = "PNG encoding failed";
	(void)msg;
	png_longjmp(p, 1);
}

static void png_warn_none(png_structp p, png_const_charp msg)
{
	(void)p;
	(void)msg;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

int raster_png(const raster *r, unsigned dpi, const raster_text *texts, size_t ntexts, buf *out,
               const char **err)
{
	static const char *no_error = NULL;
	*err = no_error;
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, (png_voidp)err, png_fail,
	                                        png_warn_none);
	if (!p) {
		*err = "cannot start the PNG encoder";
		return -1;
	}
	png_infop info = png_create_info_struct(p);
	/* Allocated before setjmp so a longjmp cannot leak or clobber it. */
	png_textp tx = xcalloc(ntexts ? ntexts : 1, sizeof *tx);
	if (!info || setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		free(tx);
		if (!*err)
			*err = "PNG encoding failed";
		return -1;
	}
	png_set_write_fn(p, out, png_write_buf, png_flush_none);
	/* Fixed settings: the bytes must not depend on libpng's defaults
	 * changing between versions more than they must. */
	png_set_compression_level(p, 6);
	png_set_compression_mem_level(p, 8);
	png_set_compression_strategy(p, 0);
	png_set_compression_window_bits(p, 15);
	png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_PAETH);
	png_set_IHDR(p, info, (png_uint_32)r->w, (png_uint_32)r->h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	if (dpi) {
		png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
		png_set_pHYs(p, info, ppm, ppm, PNG_RESOLUTION_METER);
	}
	for (size_t i = 0; i < ntexts; i++) {
		tx[i].key = (png_charp)texts[i].key;
		tx[i].text = (png_charp)texts[i].text;
		tx[i].compression = is_ascii(texts[i].text) ? PNG_TEXT_COMPRESSION_NONE
		                                            : PNG_ITXT_COMPRESSION_NONE;
	}
	if (ntexts)
		png_set_text(p, info, tx, (int)ntexts);
	png_write_info(p, info);
	for (int y = 0; y < r->h; y++)
		png_write_row(p, r->px + (size_t)y * (size_t)r->w * 3);
	png_write_end(p, info);
	png_destroy_write_struct(&p, &info);
	free(tx);
	return 0;
}
