/* prisma/style.c: a diagram's colours, sizes and fonts: the PRISMA
 * template's defaults and a theme's overrides from theme.yaml. */
#include "prisma/prisma.h"

#include <stdlib.h>
#include <string.h>

void prisma_style_default(prisma_style *s)
{
	*s = (prisma_style){
	    .header = 0xFFC125,
	    .header_other = 0xDCDCDC,
	    .box_other = 0xDCDCDC,
	    .box = 0xFFFFFF,
	    .border = 0x000000,
	    .phase = 0xBCD2EE,
	    .arrow = 0x000000,
	    .text = 0x000000,
	    .background = 0xFFFFFF,
	    .font_size = 12,
	    .box_width = 240,
	    .font = "DejaVuSans.ttf",
	    .font_bold = "DejaVuSans-Bold.ttf",
	    .footnotes = true,
	};
}

static bool parse_colour(const yml_node *n, uint32_t *out)
{
	if (n->kind != YML_SCALAR || n->value[0] != '#')
		return false;
	size_t len = strlen(n->value + 1);
	if (len != 3 && len != 6)
		return false;
	uint32_t v = 0;
	for (size_t i = 1; i <= len; i++) {
		char ch = n->value[i];
		int h = ch >= '0' && ch <= '9'   ? ch - '0'
		        : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		        : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
		                                 : -1;
		if (h < 0)
			return false;
		v = v * (len == 3 ? 256 : 16) + (uint32_t)(len == 3 ? h * 17 : h);
	}
	*out = v;
	return true;
}

int prisma_style_from_yml(const yml_node *map, prisma_style *s, diag *d)
{
	if (!map)
		return 0;
	size_t before = d->errors;
	if (map->kind != YML_MAP) {
		diag_error(d, map->file, map->line, map->col, "prisma must be a mapping, not a %s",
		           yml_kind_name(map->kind));
		return 1;
	}
	static const char *const keys[] = {
	    "header", "header_other", "box_other", "box",       "border", "phase",     "arrow",
	    "text",   "background",   "font_size", "box_width", "font",   "font_bold", "footnotes"};
	uint32_t *colours[] = {&s->header, &s->header_other, &s->box_other,
	                       &s->box,    &s->border,       &s->phase,
	                       &s->arrow,  &s->text,         &s->background};
	size_t nkeys = sizeof keys / sizeof *keys;
	for (size_t i = 0; i < map->count; i++) {
		const yml_node *k = map->pairs[i].key, *v = map->pairs[i].value;
		size_t j = 0;
		while (j < nkeys && strcmp(keys[j], k->value) != 0)
			j++;
		if (j == nkeys) {
			const char *hint = diag_suggest(k->value, keys, nkeys);
			diag_error(d, k->file, k->line, k->col,
			           "unknown key \"%s\" in prisma%s%s%s", k->value,
			           hint ? " (did you mean \"" : "", hint ? hint : "",
			           hint ? "\"?)" : "");
		} else if (j < 9) {
			if (!parse_colour(v, colours[j]))
				diag_error(d, v->file, v->line, v->col,
				           "%s must be a colour such as \"#FFC125\"", k->value);
		} else if (j == 9 || j == 10) {
			char *end = NULL;
			double x = v->kind == YML_SCALAR ? strtod(v->value, &end) : 0;
			bool ok = end && *end == 0 && end != v->value;
			if (!ok || (j == 9 && (x < 6 || x > 48)) ||
			    (j == 10 && (x < 80 || x > 1000)))
				diag_error(d, v->file, v->line, v->col, "%s must be a number %s",
				           k->value, j == 9 ? "from 6 to 48" : "from 80 to 1000");
			else if (j == 9)
				s->font_size = x;
			else
				s->box_width = x;
		} else if (j == 11 || j == 12) {
			if (v->kind != YML_SCALAR || v->len == 0 || strchr(v->value, '/'))
				diag_error(d, v->file, v->line, v->col,
				           "%s must be the name of a font file in the theme's "
				           "fonts folder",
				           k->value);
			else if (j == 11)
				s->font = v->value;
			else
				s->font_bold = v->value;
		} else {
			if (!yml_bool(v, &s->footnotes))
				diag_error(d, v->file, v->line, v->col, "%s must be true or false",
				           k->value);
		}
	}
	return (int)(d->errors - before);
}
