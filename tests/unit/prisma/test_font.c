/* font: measuring, wrapping and drawing with the default theme's fonts,
 * and refusing fonts that are links, missing or not fonts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prisma/font.h"
#include "test.h"

#define FONTS "themes/default/fonts"

int main(void)
{
	diag *d = diag_new();
	font_ctx *f = font_open(FONTS, "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", d);
	CHECK(f != NULL && d->errors == 0);

	/* Widths scale exactly with the size (unhinted advances). */
	double w12 = font_measure(f, FONT_REGULAR, 12, "Records screened", 16);
	double w24 = font_measure(f, FONT_REGULAR, 24, "Records screened", 16);
	CHECK(w12 > 50 && w12 < 150);
	CHECK(fabs(w24 - 2 * w12) < 1e-9);
	CHECK(font_measure(f, FONT_BOLD, 12, "Records screened", 16) > w12);
	CHECK(font_measure(f, FONT_REGULAR, 12, "", 0) == 0);
	/* Invalid UTF-8 measures as U+FFFD, never past the end. */
	CHECK(font_measure(f, FONT_REGULAR, 12, "a\xC3", 2) > 0);
	CHECK(font_ascent(f, FONT_REGULAR, 12) > font_descent(f, FONT_REGULAR, 12));
	CHECK(font_descent(f, FONT_REGULAR, 12) > 0);

	/* Wrapping: every line fits, the lines cover the words in order. */
	const char *s = "Reports excluded because the population was not the one of interest";
	font_line *lines = NULL;
	size_t n = font_wrap(f, FONT_REGULAR, 12, s, 120, &lines);
	CHECK(n >= 3);
	for (size_t i = 0; i < n; i++)
		CHECK(lines[i].width <= 120 && lines[i].len > 0);
	CHECK(lines[0].start == 0 && strncmp(s, "Reports", 7) == 0);
	CHECK(lines[n - 1].start + lines[n - 1].len == strlen(s));
	free(lines);
	/* A word wider than the box gets a line of its own; '\n' breaks. */
	n = font_wrap(f, FONT_REGULAR, 12, "a supercalifragilisticexpialidocious b", 40, &lines);
	CHECK(n == 3 && lines[1].len == strlen("supercalifragilisticexpialidocious"));
	CHECK(lines[1].width > 40);
	free(lines);
	n = font_wrap(f, FONT_REGULAR, 12, "one\ntwo", 1000, &lines);
	CHECK(n == 2 && lines[1].start == 4 && lines[1].len == 3);
	free(lines);
	n = font_wrap(f, FONT_REGULAR, 12, "", 100, &lines);
	CHECK(n == 1 && lines[0].len == 0);
	free(lines);
	CHECK(font_widest_word(f, FONT_REGULAR, 12, "a bb ccc") ==
	      font_measure(f, FONT_REGULAR, 12, "ccc", 3));

	/* UTF-8 decoding. */
	const char *u = "\xC3\xA9x", *end = u + 3;
	CHECK(font_utf8_next(&u, end) == 0xE9 && *u == 'x');
	u = "\xE2\x88\x92";
	CHECK(font_utf8_next(&u, u + 3) == 0x2212);
	u = "\xFF";
	CHECK(font_utf8_next(&u, u + 1) == 0xFFFD);

	/* Drawing puts ink inside the canvas, in the text's colour, and
	 * drawing the same text twice gives the same pixels. */
	raster *r = raster_new(80, 24, 0xFFFFFF), *r2 = raster_new(80, 24, 0xFFFFFF);
	font_draw(f, FONT_REGULAR, 12, r, 2, 16, "Hello", 5, 0x000000, false);
	font_draw(f, FONT_REGULAR, 12, r2, 2, 16, "Hello", 5, 0x000000, false);
	size_t dark = 0;
	for (size_t i = 0; i < 80u * 24u * 3u; i++)
		dark += r->px[i] < 128;
	CHECK(dark > 20);
	CHECK(memcmp(r->px, r2->px, 80u * 24u * 3u) == 0);
	/* Drawing off the canvas is clipped, not a write past it (ASan). */
	font_draw(f, FONT_BOLD, 40, r, -30, 100, "Clipped", 7, 0xFF0000, true);
	font_draw(f, FONT_BOLD, 40, r, 70, 5, "Clipped", 7, 0xFF0000, false);
	raster_free(r);
	raster_free(r2);
	font_close(f);
	CHECK(d->errors == 0);

	/* A missing font, a file that is no font, and a font that is a link
	 * (which once read /etc/shadow or hung on /dev/stdin) are errors. */
	f = font_open(FONTS, "nope.ttf", "DejaVuSans-Bold.ttf", d);
	CHECK(f == NULL && d->errors == 1);
	CHECK(d->count && strstr(d->items[0].message, "cannot read font"));
	f = font_open(FONTS, "LICENSE-DejaVu.txt", "DejaVuSans-Bold.ttf", d);
	CHECK(f == NULL && d->errors == 2);
	CHECK(d->count > 1 && strstr(d->items[1].message, "not a scalable font"));
	char dir[] = "/tmp/gapmap-font-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *link = xasprintf("%s/linked.ttf", dir);
	char *target = realpath(FONTS "/DejaVuSans.ttf", NULL);
	CHECK(target && symlink(target, link) == 0);
	f = font_open(dir, "linked.ttf", "linked.ttf", d);
	CHECK(f == NULL && d->errors == 3);
	font_close(f);
	CHECK(d->count > 2 && strstr(d->items[2].message, "it is a symbolic link"));
	unlink(link);
	rmdir(dir);
	free(link);
	free(target);
	diag_free(d);
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
