#include "prisma/font.h"

#include <errno.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct font_ctx {
	FT_Library lib;
	FT_Face face[2];
	char *data[2]; /* FreeType reads from memory we own, so files may go */
};

font_ctx *font_open(const char *dir, const char *regular, const char *bold, diag *d)
{
	font_ctx *f = xcalloc(1, sizeof *f);
	if (FT_Init_FreeType(&f->lib)) {
		diag_error(d, "", 0, 0, "cannot start FreeType");
		free(f);
		return NULL;
	}
	const char *names[2] = {regular, bold};
	for (int i = 0; i < 2; i++) {
		char *path = path_join(dir, names[i]);
		size_t len;
		if (read_file(path, 64u << 20, &f->data[i], &len) != 0) {
			diag_error(d, "", 0, 0, "cannot read font %s: %s", path, read_file_error(errno));
			free(path);
			font_close(f);
			return NULL;
		}
		if (FT_New_Memory_Face(f->lib, (const FT_Byte *)f->data[i], (FT_Long)len, 0,
		                       &f->face[i]) ||
		    !FT_IS_SCALABLE(f->face[i])) {
			diag_error(d, "", 0, 0, "%s is not a scalable font FreeType can read", path);
			free(path);
			font_close(f);
			return NULL;
		}
		free(path);
	}
	return f;
}

void font_close(font_ctx *f)
{
	if (!f)
		return;
	for (int i = 0; i < 2; i++)
		if (f->face[i])
			FT_Done_Face(f->face[i]);
	if (f->lib)
		FT_Done_FreeType(f->lib);
	free(f->data[0]);
	free(f->data[1]);
	free(f);
}

uint32_t font_utf8_next(const char **ps, const char *end)
{
	const unsigned char *s = (const unsigned char *)*ps;
	size_t n = (size_t)(end - *ps);
	uint32_t c = s[0];
	size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (k == 0 || k > n) {
		*ps += 1;
		return 0xFFFD;
	}
	if (k == 1) {
		*ps += 1;
		return c;
	}
	c &= 0x7F >> k;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*ps += 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*ps += k;
	return c;
}

/* Design-unit advance of glyph gi plus kerning against the previous glyph. */
static long advance_units(FT_Face face, FT_UInt prev, FT_UInt gi)
{
	FT_Fixed adv = 0;
	FT_Get_Advance(face, gi, FT_LOAD_NO_SCALE, &adv);
	long k = 0;
	if (prev && FT_HAS_KERNING(face)) {
		FT_Vector kv;
		if (!FT_Get_Kerning(face, prev, gi, FT_KERNING_UNSCALED, &kv))
			k = kv.x;
	}
	return (long)adv + k;
}

double font_measure(font_ctx *f, font_face which, double size, const char *s, size_t len)
{
	FT_Face face = f->face[which];
	const char *p = s, *end = s + len;
	FT_UInt prev = 0;
	long units = 0;
	while (p < end) {
		FT_UInt gi = FT_Get_Char_Index(face, font_utf8_next(&p, end));
		units += advance_units(face, prev, gi);
		prev = gi;
	}
	return units * size / face->units_per_EM;
}

double font_ascent(font_ctx *f, font_face which, double size)
{
	FT_Face face = f->face[which];
	return face->ascender * size / face->units_per_EM;
}

double font_descent(font_ctx *f, font_face which, double size)
{
	FT_Face face = f->face[which];
	return -face->descender * size / face->units_per_EM;
}

static void push_line(font_line **lines, size_t *n, size_t *cap, size_t start, size_t len,
                      double width)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*lines = xrealloc(*lines, *cap * sizeof **lines);
	}
	(*lines)[(*n)++] = (font_line){start, len, width};
}

size_t font_wrap(font_ctx *f, font_face face, double size, const char *s, double max_width,
                 font_line **lines)
{
	size_t n = 0, cap = 0, len = strlen(s);
	*lines = NULL;
	size_t i = 0;
	while (i <= len) {
		/* One paragraph: up to '\n' or the end. */
		size_t pend = i;
		while (pend < len && s[pend] != '\n')
			pend++;
		size_t ls = i; /* start of the current line */
		while (ls < pend && s[ls] == ' ')
			ls++;
		size_t le = ls; /* end of the last word that fits */
		size_t w = ls;
		if (ls == pend)
			push_line(lines, &n, &cap, ls, 0, 0);
		while (w < pend) {
			size_t we = w;
			while (we < pend && s[we] != ' ')
				we++;
			double width = font_measure(f, face, size, s + ls, we - ls);
			if (width > max_width && le > ls) {
				/* Break before this word. */
				push_line(lines, &n, &cap, ls, le - ls,
				          font_measure(f, face, size, s + ls, le - ls));
				ls = w;
				le = ls;
				continue;
			}
			le = we;
			w = we;
			while (w < pend && s[w] == ' ')
				w++;
			if (w >= pend)
				push_line(lines, &n, &cap, ls, le - ls,
				          font_measure(f, face, size, s + ls, le - ls));
		}
		i = pend + 1;
	}
	if (n == 0)
		push_line(lines, &n, &cap, 0, 0, 0);
	return n;
}

double font_widest_word(font_ctx *f, font_face face, double size, const char *s)
{
	double best = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		if (e > p)
			best = fmax(best, font_measure(f, face, size, p, (size_t)(e - p)));
		p = e;
	}
	return best;
}

void font_draw(font_ctx *f, font_face which, double size, raster *r, double x, double y,
               const char *s, size_t len, uint32_t colour, bool rotated)
{
	FT_Face face = f->face[which];
	if (FT_Set_Char_Size(face, 0, (FT_F26Dot6)lround(size * 64), 72, 72))
		return;
	/* FreeType's y axis points up; the canvas's points down. Turning the
	 * text counter-clockwise maps the baseline direction (1,0) to (0,1),
	 * which is up on the canvas. */
	FT_Matrix m = {0x10000, 0, 0, 0x10000};
	if (rotated)
		m = (FT_Matrix){0, -0x10000, 0x10000, 0};
	const char *p = s, *end = s + len;
	FT_UInt prev = 0;
	long units = 0;
	while (p < end) {
		FT_UInt gi = FT_Get_Char_Index(face, font_utf8_next(&p, end));
		long before = units + (prev ? advance_units(face, prev, gi) -
		                                  advance_units(face, 0, gi)
		                            : 0);
		double off = before * size / face->units_per_EM;
		double px = rotated ? x : x + off, py = rotated ? y - off : y;
		double ox = floor(px), oy = floor(py);
		/* The fraction of the pen position goes into the outline, so
		 * glyphs sit at their exact subpixel place. */
		FT_Vector delta = {(FT_Pos)lround((px - ox) * 64), (FT_Pos)lround(-(py - oy) * 64)};
		FT_Set_Transform(face, &m, &delta);
		if (!FT_Load_Glyph(face, gi, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP | FT_LOAD_RENDER)) {
			FT_Bitmap *bm = &face->glyph->bitmap;
			int bx = (int)ox + face->glyph->bitmap_left;
			int by = (int)oy - face->glyph->bitmap_top;
			for (unsigned row = 0; row < bm->rows; row++)
				for (unsigned col = 0; col < bm->width; col++) {
					unsigned char a = bm->buffer[(long)row * bm->pitch + col];
					if (a)
						raster_blend(r, bx + (int)col, by + (int)row, colour,
						             a / 255.0);
				}
		}
		units = before + advance_units(face, 0, gi);
		prev = gi;
	}
	FT_Set_Transform(face, NULL, NULL);
}
