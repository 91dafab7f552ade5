/* libFuzzer harness for prisma.yaml: any bytes must give flows or
 * diagnostics, and every flow that loads must check, describe itself, lay
 * out with the default theme's fonts (or be refused as too large) and draw as SVG and as a small
 * PNG, never crashing, leaking or hanging (the flow and box caps bound the work). The included
 * counts the records would give are taken from the input's length, so both a matching and a
 * mismatching count are tried. */
#include <stdint.h>
#include <stdlib.h>

#include "core/diag.h"
#include "core/util.h"
#include "prisma/prisma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag *d = diag_new();
	prisma_set *s = prisma_parse("prisma.yaml", (const char *)data, size, d);
	if (s && !d->errors) {
		prisma_style st;
		prisma_style_default(&st);
		for (size_t i = 0; i < prisma_flow_count(s); i++) {
			(void)prisma_flow_find(s, prisma_flow_id(s, i));
			(void)prisma_flow_title(s, i);
			(void)prisma_flow_template(s, i);
			(void)prisma_flow_match(s, i);
			if (size & 1)
				prisma_set_included(s, i, (long long)(size % 7),
				                    (long long)(size % 11));
		}
		prisma_check(s, d);
		for (size_t i = 0; i < prisma_flow_count(s); i++) {
			const prisma_item *items;
			size_t n = prisma_items(s, i, &items);
			for (size_t k = 0; k < n; k++)
				if (!items[k].label)
					abort(); /* every item has a label */
			buf b = BUF_INIT;
			prisma_describe_html(s, i, &b);
			prisma_describe_text(s, i, &b);
			prisma_diagram *g = prisma_layout(s, i, &st, "themes/default/fonts", d);
			if (!g) {
				if (!d->errors)
					abort(); /* a diagram not drawn says why */
				buf_free(&b);
				continue;
			}
			prisma_diagram_svg(g, &b);
			buf png = BUF_INIT;
			(void)prisma_diagram_png(g, 0.25, &png, d);
			buf_free(&png);
			prisma_diagram_free(g);
			buf_free(&b);
		}
	}
	prisma_free(s);
	diag_free(d);
	return 0;
}
