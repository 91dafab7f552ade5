/* raster: exact coverage at pixel edges, clipping, and PNG encoding that
 * depends only on the pixels and the text chunks. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "prisma/raster.h"
#include "test.h"

/* Whether the n bytes of needle occur in b. */
static bool has(const buf *b, const char *needle, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return true;
	return false;
}

static const unsigned char *px(const raster *r, int x, int y)
{
	return r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3;
}

int main(void)
{
	/* Sizes: nothing, negative or absurd is refused. */
	CHECK(raster_new(0, 10, 0) == NULL);
	CHECK(raster_new(10, -1, 0) == NULL);
	CHECK(raster_new(30000, 30000, 0) == NULL);

	raster *r = raster_new(10, 10, 0xFFFFFF);
	CHECK(r && r->w == 10 && r->h == 10);
	CHECK(px(r, 9, 9)[0] == 255 && px(r, 0, 0)[2] == 255);

	/* A rectangle on pixel edges fills whole pixels; half a pixel blends
	 * half way. */
	raster_fill_rect(r, 1, 1, 3, 3, 0x000000);
	CHECK(px(r, 1, 1)[0] == 0 && px(r, 2, 2)[0] == 0);
	CHECK(px(r, 3, 3)[0] == 255 && px(r, 0, 0)[0] == 255);
	raster_fill_rect(r, 5, 5, 5.5, 6, 0x000000);
	CHECK(px(r, 5, 5)[0] >= 127 && px(r, 5, 5)[0] <= 128);

	/* Blending takes the colour by channel, and ignores pixels outside. */
	raster_blend(r, 8, 8, 0xFF0000, 1.0);
	CHECK(px(r, 8, 8)[0] == 255 && px(r, 8, 8)[1] == 0 && px(r, 8, 8)[2] == 0);
	raster_blend(r, -1, 0, 0x000000, 1.0);
	raster_blend(r, 10, 10, 0x000000, 1.0);
	raster_fill_rect(r, -5, -5, 20, 0, 0x000000); /* zero height: nothing */
	CHECK(px(r, 0, 0)[0] == 255);

	/* Shapes partly or wholly off the canvas are clipped (ASan sees any
	 * write past it). */
	raster_line(r, -10, 4.5, 30, 4.5, 1, 0x0000FF);
	CHECK(px(r, 0, 4)[2] == 255 && px(r, 0, 4)[0] == 0);
	const double tri[6] = {-50, -50, 50, -50, 0, 60};
	raster_fill_triangle(r, tri, 0x00FF00);
	raster_stroke_round_rect(r, -3, -3, 40, 40, 6, 2, 0x000000);
	raster_fill_round_rect(r, 2, 2, 8, 8, 100, 0x123456); /* radius clamped */
	CHECK(px(r, 5, 5)[0] == 0x12 && px(r, 5, 5)[1] == 0x34 && px(r, 5, 5)[2] == 0x56);

	/* PNG: signature, the text chunks as given, a pHYs for the dpi, no
	 * tIME; equal canvases give equal bytes. */
	const raster_text texts[] = {{"Title", "A flow"},
	                             {"Description", "Records \xE2\x88\x92 1"}};
	buf a = BUF_INIT, b = BUF_INIT;
	const char *err = NULL;
	CHECK(raster_png(r, 192, texts, 2, &a, &err) == 0);
	CHECK(raster_png(r, 192, texts, 2, &b, &err) == 0);
	CHECK(a.len > 8 && memcmp(a.data, "\x89PNG\r\n\x1a\n", 8) == 0);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(has(&a, "tEXtTitle", 9));
	CHECK(has(&a, "iTXtDescription", 15)); /* not ASCII */
	CHECK(has(&a, "pHYs", 4));
	CHECK(!has(&a, "tIME", 4));
	buf c = BUF_INIT;
	CHECK(raster_png(r, 0, NULL, 0, &c, &err) == 0);
	CHECK(!has(&c, "pHYs", 4));
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
	raster_free(r);
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
