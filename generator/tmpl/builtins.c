/* builtins: what templates call besides the standard library — the
 * writers compiled templates use for <%= %> and <%- %>, and escape,
 * urlencode, json, xml, thousands, sorted_keys (partial lives in tmpl.c).
 * Every result is built in a wbuf (sandbox.c), so it counts against the
 * render's memory and is freed by the GC; each builtin charges the bytes
 * it scans and the comparisons it sorts to the instruction budget. */
#include "tmpl/env.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"

#define JSON_MAX_DEPTH 100
/* ---- values as text ------------------------------------------------------- */

/* Lua's tostring gives "3.0" for a float with an integral value; pages
 * show counts and years, so those print as integers. */
static size_t fmt_double(double d, char *tmp, size_t size)
{
	int n;
	if (isnan(d))
		n = snprintf(tmp, size, "nan");
	else if (isinf(d))
		n = snprintf(tmp, size, d > 0 ? "inf" : "-inf");
	else if (d == floor(d) && fabs(d) < 1e15)
		n = snprintf(tmp, size, "%.0f", d == 0 ? 0.0 : d);
	else
		n = snprintf(tmp, size, "%.14g", d);
	return n < 0 ? 0 : (size_t)n;
}

static size_t fmt_number(lua_State *L, int idx, char *tmp, size_t size)
{
	if (lua_isinteger(L, idx)) {
		int n = snprintf(tmp, size, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
		return n < 0 ? 0 : (size_t)n;
	}
	return fmt_double((double)lua_tonumber(L, idx), tmp, size);
}

/* The text a value writes: nil gives NULL (write nothing). A table without
 * __tostring is an error rather than "table: 0x...", which would make the
 * output differ from build to build. May push a string on the stack. */
static const char *to_text(lua_State *L, int idx, char *tmp, size_t size, size_t *len)
{
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL:
		*len = 0;
		return NULL;
	case LUA_TSTRING:
		return lua_tolstring(L, idx, len);
	case LUA_TNUMBER:
		*len = fmt_number(L, idx, tmp, size);
		return tmp;
	case LUA_TBOOLEAN: {
		const char *b = lua_toboolean(L, idx) ? "true" : "false";
		*len = strlen(b);
		return b;
	}
	default:
		if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
			lua_pop(L, 1);
			return luaL_tolstring(L, idx, len);
		}
		luaL_error(L, "cannot write a %s value as text", luaL_typename(L, idx));
		return NULL;
	}
}

/* A sink into a wbuf, so the core escaper (core/esc.h) writes template
 * output directly; a write past the memory budget raises the limit error
 * out of the escaper, which holds nothing that would leak. */
typedef struct wsink {
	sink s;
	lua_State *L;
	wbuf *w;
} wsink;

static void wsink_write(sink *s, const char *p, size_t n)
{
	wsink *ws = (wsink *)s;
	wbuf_put(ws->L, ws->w, p, n);
}

static wsink wsink_for(lua_State *L, wbuf *w)
{
	wsink ws = {{wsink_write, NULL, false, 0}, L, w};
	return ws;
}

/* Writes s[0..n) into w escaped by one of core/esc.h's writers, charged as
 * a scan of n bytes. */
static void put_escaped(lua_State *L, wbuf *w, void (*esc)(sink *, const char *, size_t),
                        const char *s, size_t n)
{
	sb_charge_scan(L, w->e, n);
	wsink ws = wsink_for(L, w);
	esc(&ws.s, s, n);
}

static void put_html(lua_State *L, wbuf *w, const char *s, size_t n)
{
	put_escaped(L, w, esc_markup_to, s, n);
}

/* ---- the writers compiled templates call ----------------------------------- */

/* The wbuf at index 1, as luaL_checkudata(L, 1, WBUF_META) gives it, but
 * without looking the metatable up by name for each piece of output (the
 * most of what writing one cost). */
static wbuf *out_wbuf(lua_State *L)
{
	wbuf *w = lua_touserdata(L, 1);
	if (w && lua_getmetatable(L, 1)) {
		bool ok = lua_topointer(L, -1) == sb_env(L)->wbuf_mt;
		lua_pop(L, 1);
		if (ok)
			return w;
	}
	return luaL_checkudata(L, 1, WBUF_META); /* raises the usual error */
}

int tm_out_lit(lua_State *L)
{
	wbuf *w = out_wbuf(L);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	wbuf_put(L, w, s, n);
	return 0;
}

/* <%= v %> (escaped) and <%- v %> (raw): v as text, nil as nothing. */
static int out_text(lua_State *L, bool escaped)
{
	wbuf *w = out_wbuf(L);
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 2, tmp, sizeof tmp, &n);
	if (s && escaped)
		put_html(L, w, s, n);
	else if (s)
		wbuf_put(L, w, s, n);
	return 0;
}

int tm_out_esc(lua_State *L)
{
	return out_text(L, true);
}

int tm_out_raw(lua_State *L)
{
	return out_text(L, false);
}

/* ---- builtins ------------------------------------------------------------------ */

/* A builtin's argument as text escaped by esc, returned as a new string
 * (nil gives ""). */
static int escape_arg(lua_State *L, void (*esc)(sink *, const char *, size_t))
{
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 1, tmp, sizeof tmp, &n);
	wbuf *w = wbuf_new(L, sb_env(L));
	if (s)
		put_escaped(L, w, esc, s, n);
	wbuf_push(L, w);
	return 1;
}

static int bi_escape(lua_State *L)
{
	return escape_arg(L, esc_markup_to);
}

/* A URL part: '/' encoded too. */
static void esc_url_part_to(sink *s, const char *p, size_t n)
{
	esc_url_to(s, p, n, false);
}

static int bi_urlencode(lua_State *L)
{
	return escape_arg(L, esc_url_part_to);
}

/* XML 1.0 text and attribute values: the same escaping as HTML (core/esc.h),
 * which also replaces what XML forbids, so a feed or SVG stays well-formed
 * whatever the content holds. */
static int bi_xml(lua_State *L)
{
	return bi_escape(L);
}

static void json_string(lua_State *L, wbuf *w, const char *s, size_t n)
{
	put_escaped(L, w, esc_json_to, s, n);
}

static void json_number(lua_State *L, wbuf *w, int idx)
{
	char tmp[64];
	if (lua_isinteger(L, idx)) {
		wbuf_put(L, w, tmp, fmt_number(L, idx, tmp, sizeof tmp));
		return;
	}
	double d = (double)lua_tonumber(L, idx);
	if (!isfinite(d)) {
		wbuf_puts(L, w, "null");
		return;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		wbuf_put(L, w, tmp, fmt_double(d, tmp, sizeof tmp));
		return;
	}
	/* The shortest form that reads back as the same double. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	wbuf_puts(L, w, tmp);
}

typedef struct json_key {
	const char *s;
	size_t len;
	lua_Integer pos; /* index in the anchoring key table */
} json_key;

static int cmp_bytes(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

static int cmp_json_key(const void *pa, const void *pb)
{
	const json_key *a = pa, *b = pb;
	return cmp_bytes(a->s, a->len, b->s, b->len);
}

static void json_value(lua_State *L, wbuf *w, int idx, int depth);

static void json_table(lua_State *L, wbuf *w, int t, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		luaL_error(L, "json: tables nested deeper than %d (a cycle?)", JSON_MAX_DEPTH);
	luaL_checkstack(L, 8, "json");
	lua_Integer count = 0, max = 0;
	bool array = true;
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		count++;
		if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1) {
			lua_Integer k = lua_tointeger(L, -1);
			if (k > max)
				max = k;
		} else {
			array = false;
		}
	}
	/* An empty table is written as [] : an empty list is far more common
	 * in the model than an empty map, and scripts can iterate both. */
	if (array && max == count) {
		wbuf_putc(L, w, '[');
		for (lua_Integer i = 1; i <= count; i++) {
			if (i > 1)
				wbuf_putc(L, w, ',');
			lua_rawgeti(L, t, i);
			json_value(L, w, lua_gettop(L), depth);
			lua_pop(L, 1);
		}
		wbuf_putc(L, w, ']');
		return;
	}
	/* Object: keys as strings, sorted so that output is deterministic. */
	lua_createtable(L, (int)count, 0); /* key strings, anchored */
	int keys = lua_gettop(L);
	lua_createtable(L, 0, (int)count); /* key string -> value */
	int vals = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, t)) {
		char tmp[64];
		if (lua_type(L, -2) == LUA_TSTRING) {
			lua_pushvalue(L, -2);
		} else if (lua_type(L, -2) == LUA_TNUMBER) {
			size_t k = fmt_number(L, -2, tmp, sizeof tmp);
			lua_pushlstring(L, tmp, k);
		} else {
			luaL_error(L, "json: cannot use a %s as an object key",
			           luaL_typename(L, -2));
		}
		lua_pushvalue(L, -1);
		if (lua_rawget(L, vals) != LUA_TNIL)
			luaL_error(L, "json: key \"%s\" appears twice (as a number and a string)",
			           lua_tostring(L, -2));
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, keys, ++n);
		lua_pushvalue(L, -2);
		lua_rawset(L, vals);
		lua_pop(L, 1);
	}
	json_key *ks = lua_newuserdatauv(L, (size_t)n * sizeof *ks + 1, 0);
	size_t maxlen = 0;
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, keys, i);
		ks[i - 1].s = lua_tolstring(L, -1, &ks[i - 1].len); /* kept alive by keys */
		ks[i - 1].pos = i;
		if (ks[i - 1].len > maxlen)
			maxlen = ks[i - 1].len;
		lua_pop(L, 1);
	}
	sb_charge(L, w->e, sb_sort_cost((size_t)n, maxlen));
	qsort(ks, (size_t)n, sizeof *ks, cmp_json_key);
	wbuf_putc(L, w, '{');
	for (lua_Integer i = 0; i < n; i++) {
		if (i)
			wbuf_putc(L, w, ',');
		json_string(L, w, ks[i].s, ks[i].len);
		wbuf_putc(L, w, ':');
		lua_rawgeti(L, keys, ks[i].pos);
		lua_rawget(L, vals);
		json_value(L, w, lua_gettop(L), depth);
		lua_pop(L, 1);
	}
	wbuf_putc(L, w, '}');
	lua_pop(L, 3);
}

static void json_value(lua_State *L, wbuf *w, int idx, int depth)
{
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL:
		wbuf_puts(L, w, "null");
		break;
	case LUA_TBOOLEAN:
		wbuf_puts(L, w, lua_toboolean(L, idx) ? "true" : "false");
		break;
	case LUA_TNUMBER:
		json_number(L, w, idx);
		break;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		json_string(L, w, s, n);
		break;
	}
	case LUA_TTABLE:
		json_table(L, w, idx, depth + 1);
		break;
	default:
		luaL_error(L, "json: cannot encode a %s value", luaL_typename(L, idx));
	}
}

static int bi_json(lua_State *L)
{
	tmpl_env *e = sb_env(L);
	lua_settop(L, 1);
	wbuf *w = wbuf_new(L, e);
	json_value(L, w, 1, 0);
	wbuf_push(L, w);
	return 1;
}

/* thousands(1866) -> "1,866"; also numeric strings, negatives and
 * fractions ("-1,234.5"); exponent forms are left alone. */
static int bi_thousands(lua_State *L)
{
	if (!lua_isnumber(L, 1))
		return luaL_typeerror(L, 1, "number");
	if (lua_type(L, 1) == LUA_TSTRING)
		lua_stringtonumber(L, lua_tostring(L, 1));
	else
		lua_pushvalue(L, 1);
	char tmp[64], outb[96];
	size_t n = fmt_number(L, -1, tmp, sizeof tmp);
	if (strpbrk(tmp, "eni")) { /* 1e+20, nan, inf */
		lua_pushlstring(L, tmp, n);
		return 1;
	}
	size_t i = 0, o = 0;
	if (tmp[0] == '-')
		outb[o++] = tmp[i++];
	size_t digits = strspn(tmp + i, "0123456789");
	for (size_t k = 0; k < digits; k++) {
		if (k && (digits - k) % 3 == 0)
			outb[o++] = ',';
		outb[o++] = tmp[i++];
	}
	while (i < n)
		outb[o++] = tmp[i++];
	lua_pushlstring(L, outb, o);
	return 1;
}

typedef struct sort_key {
	int kind; /* 0 number, 1 string */
	bool isint;
	lua_Integer i;
	double d;
	const char *s;
	size_t len;
	lua_Integer pos;
} sort_key;

static int cmp_sort_key(const void *pa, const void *pb)
{
	const sort_key *a = pa, *b = pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == 1)
		return cmp_bytes(a->s, a->len, b->s, b->len);
	if (a->isint && b->isint)
		return a->i < b->i ? -1 : a->i > b->i;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return a->isint == b->isint ? 0 : a->isint ? -1 : 1;
}

/* sorted_keys(t): t's keys, numbers first in numeric order, then strings in
 * byte order. pairs() order differs between runs; this does not. */
static int bi_sorted_keys(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_Integer n = 0;
	size_t maxlen = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		int tk = lua_type(L, -1);
		if (tk != LUA_TNUMBER && tk != LUA_TSTRING)
			return luaL_error(L, "sorted_keys: cannot sort a %s key",
			                  lua_typename(L, tk));
		if (tk == LUA_TSTRING && lua_rawlen(L, -1) > maxlen)
			maxlen = lua_rawlen(L, -1);
		n++;
	}
	sb_charge(L, sb_env(L), sb_sort_cost((size_t)n, maxlen));
	lua_createtable(L, (int)n, 0); /* 2: keys, anchored */
	sort_key *ks = lua_newuserdatauv(L, (size_t)n * sizeof *ks + 1, 0);
	lua_Integer k = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		sort_key *sk = &ks[k];
		memset(sk, 0, sizeof *sk);
		sk->pos = ++k;
		if (lua_type(L, -1) == LUA_TSTRING) {
			sk->kind = 1;
			sk->s = lua_tolstring(L, -1, &sk->len);
		} else {
			sk->isint = lua_isinteger(L, -1);
			sk->i = sk->isint ? lua_tointeger(L, -1) : 0;
			sk->d = (double)lua_tonumber(L, -1);
		}
		lua_pushvalue(L, -1);
		lua_rawseti(L, 2, k);
	}
	qsort(ks, (size_t)n, sizeof *ks, cmp_sort_key);
	lua_createtable(L, (int)n, 0);
	for (lua_Integer j = 0; j < n; j++) {
		lua_rawgeti(L, 2, ks[j].pos);
		lua_rawseti(L, -2, j + 1);
	}
	return 1;
}

void tm_open_builtins(lua_State *L, int idx)
{
	static const luaL_Reg own[] = {
	    {"partial", tm_partial},
	    {"escape", bi_escape},
	    {"urlencode", bi_urlencode},
	    {"json", bi_json},
	    {"xml", bi_xml},
	    {"thousands", bi_thousands},
	    {"sorted_keys", bi_sorted_keys},
	    {NULL, NULL},
	};
	idx = lua_absindex(L, idx);
	lua_pushvalue(L, idx);
	luaL_setfuncs(L, own, 0);
	lua_pop(L, 1);
}

/* A builtin the embedder adds or replaces (tmpl.h). */
void tmpl_set_builtin(tmpl_env *e, const char *name)
{
	lua_State *L = e->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->builtins_ref);
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}
