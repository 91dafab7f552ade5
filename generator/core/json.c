#include "core/json.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/esc.h"

jw jw_for(sink *s)
{
	return (jw){s, 0, 0, false, false};
}

static void flush_nl(jw *w)
{
	if (w->nl) {
		sink_putc(w->s, '\n');
		w->nl = false;
	}
}

/* Before any value or key: the comma and line break it needs. */
static void item(jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	uint64_t bit = (uint64_t)1 << w->depth;
	if (w->has_items & bit)
		sink_putc(w->s, ',');
	w->has_items |= bit;
	flush_nl(w);
}

static void begin(jw *w, char c)
{
	item(w);
	sink_putc(w->s, c);
	assert(w->depth + 1 < JW_MAX_DEPTH);
	w->depth++;
	w->has_items &= ~((uint64_t)1 << w->depth);
}

static void end(jw *w, char c)
{
	flush_nl(w);
	sink_putc(w->s, c);
	assert(w->depth > 0);
	w->depth--;
}

void jw_obj(jw *w)
{
	begin(w, '{');
}

void jw_obj_end(jw *w)
{
	end(w, '}');
}

void jw_arr(jw *w)
{
	begin(w, '[');
}

void jw_arr_end(jw *w)
{
	end(w, ']');
}

void jw_key(jw *w, const char *k)
{
	item(w);
	esc_json_to(w->s, k, strlen(k));
	sink_putc(w->s, ':');
	w->after_key = true;
}

void jw_str(jw *w, const char *v)
{
	item(w);
	esc_json_to(w->s, v, strlen(v));
}

void jw_str_or_null(jw *w, const char *v)
{
	if (v)
		jw_str(w, v);
	else
		jw_null(w);
}

/* Numbers are formatted on the stack (a 64-bit integer fits in 21
 * characters): sink_printf would allocate for each. */
void jw_int(jw *w, long long v)
{
	char tmp[32];
	item(w);
	int n = snprintf(tmp, sizeof tmp, "%lld", v);
	sink_put(w->s, tmp, (size_t)n);
}

void jw_uint(jw *w, unsigned long long v)
{
	char tmp[32];
	item(w);
	int n = snprintf(tmp, sizeof tmp, "%llu", v);
	sink_put(w->s, tmp, (size_t)n);
}

void jw_bool(jw *w, bool v)
{
	item(w);
	sink_puts(w->s, v ? "true" : "false");
}

void jw_null(jw *w)
{
	item(w);
	sink_puts(w->s, "null");
}

void jw_nl(jw *w)
{
	w->nl = true;
}

void jw_field_str(jw *w, const char *k, const char *v)
{
	if (!v)
		return;
	jw_key(w, k);
	jw_str(w, v);
}

void jw_field_int(jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_field_uint(jw *w, const char *k, unsigned long long v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

void jw_obj_labelled(jw *w, const char *id, const char *label, const char *definition)
{
	jw_obj(w);
	jw_field_str(w, "id", id);
	jw_field_str(w, "label", label);
	jw_field_str(w, "definition", definition);
}
