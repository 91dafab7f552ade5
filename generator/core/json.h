/* json: a small streaming JSON writer into a sink (core/sink.h) — objects,
 * arrays, keys, strings (escaped by core/esc.h), integers, booleans and
 * null — that keeps the comma bookkeeping, so a caller only says what comes
 * next. jw_nl asks for a line break before the next item (after its comma)
 * or before the next closing bracket, for files meant to be diffed by line.
 *
 * Nesting is the caller's code, not data: at most JW_MAX_DEPTH levels.
 * Ownership: a jw borrows its sink and allocates nothing. */
#ifndef GM_JSON_H
#define GM_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sink.h"

#define JW_MAX_DEPTH 64

typedef struct jw {
	sink *s;
	unsigned depth;
	uint64_t has_items; /* bit d: the container at depth d has an item */
	bool after_key;     /* a key was written; its value comes next */
	bool nl;            /* a line break is pending */
} jw;

jw jw_for(sink *s);

void jw_obj(jw *w);
void jw_obj_end(jw *w);
void jw_arr(jw *w);
void jw_arr_end(jw *w);
/* An object's key; its value follows. */
void jw_key(jw *w, const char *k);
void jw_str(jw *w, const char *v);
/* A string, or null when v is NULL. */
void jw_str_or_null(jw *w, const char *v);
void jw_int(jw *w, long long v);
void jw_uint(jw *w, unsigned long long v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
void jw_nl(jw *w);

/* Opens an object with the fields every facet, group and code has: "id",
 * "label", "definition" (each left out when NULL); the caller adds the
 * rest and closes it. */
void jw_obj_labelled(jw *w, const char *id, const char *label, const char *definition);

/* key: value, or nothing when v is NULL. */
void jw_field_str(jw *w, const char *k, const char *v);
void jw_field_int(jw *w, const char *k, long long v);
void jw_field_uint(jw *w, const char *k, unsigned long long v);

#endif
