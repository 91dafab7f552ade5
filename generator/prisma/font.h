/* font: text measurement, word wrapping and anti-aliased glyph rendering
 * with FreeType, for the PRISMA diagram's PNG and the layout its SVG shares.
 *
 * Measurement uses the font's unscaled advances and kerning (no hinting), so
 * a width measured at size s is exactly s/upem times the design width: the
 * layout is the same at every output scale, and the PNG and the SVG place
 * every line at the same position with the same length.
 *
 * A font_ctx holds the FreeType library handle and the faces it opened; no
 * FreeType state lives anywhere else. It is not thread-safe; use one per
 * thread.
 *
 * Ownership: font_open returns a context owned by the caller, released with
 * font_close. font_wrap returns an array the caller frees with free(). */
#ifndef GM_FONT_H
#define GM_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "prisma/raster.h"

typedef struct font_ctx font_ctx;

typedef enum font_face { FONT_REGULAR, FONT_BOLD } font_face;

/* Opens dir/regular and dir/bold (TrueType or OpenType files). Returns NULL
 * with an error in d (file label "") when either cannot be loaded. */
font_ctx *font_open(const char *dir, const char *regular, const char *bold, diag *d);
void font_close(font_ctx *f);

/* Width in pixels of len bytes of UTF-8 text at size px (advances plus
 * kerning). Invalid UTF-8 bytes count as U+FFFD. */
double font_measure(font_ctx *f, font_face face, double size, const char *s, size_t len);

/* Ascender and descender (positive, below the baseline) at size px, and
 * the line height the layout uses (1.2 × size, like CSS "normal" roughly). */
double font_ascent(font_ctx *f, font_face face, double size);
double font_descent(font_ctx *f, font_face face, double size);

typedef struct font_line {
	size_t start, len; /* byte range in the wrapped text, without the breaking space */
	double width;
} font_line;

/* Breaks s into lines no wider than max_width at spaces; a word wider than
 * max_width gets a line of its own (the caller grows the box: see
 * font_widest_word). Explicit '\n' forces a break. Returns the number of
 * lines (at least 1) and sets *lines. */
size_t font_wrap(font_ctx *f, font_face face, double size, const char *s, double max_width,
                 font_line **lines);

/* Width of the widest unbreakable word of s. */
double font_widest_word(font_ctx *f, font_face face, double size, const char *s);

/* Draws len bytes of s with its baseline starting at (x, y) in canvas
 * pixels at size px, blending colour by glyph coverage. rotated draws the
 * text turned 90° counter-clockwise (reading upward): the baseline then runs
 * from (x, y) towards smaller y. */
void font_draw(font_ctx *f, font_face face, double size, raster *r, double x, double y,
               const char *s, size_t len, uint32_t colour, bool rotated);

/* Decodes one UTF-8 code point at *s (of n bytes), advancing *s. */
uint32_t font_utf8_next(const char **s, const char *end);

#endif
