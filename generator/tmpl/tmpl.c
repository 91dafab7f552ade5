#include "tmpl/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

#include "tmpl/lpattern.h"

/* Instructions between two calls of the count hook: small enough that a
 * caught limit error is re-raised quickly, large enough to cost nothing. */
#define HOOK_TICK         1000
/* C code such as string concatenation copies bytes the count hook never
 * sees: `s = s .. x` in a loop is a few instructions per step but quadratic
 * in bytes. Each this many bytes allocated during a render is charged as
 * one instruction (roughly what copying them costs). */
#define BYTES_PER_INSTR   64
/* A pattern-matching step (lpattern.h: one call or loop of the matcher, one
 * character tried) takes about as long as this many Lua instructions, so a
 * runaway match is stopped about as soon as a runaway loop. */
#define INSTR_PER_STEP    2
/* The standard library's other C functions also work unseen by the hook,
 * and one call can take milliseconds, so a cheap-looking loop of them
 * (utf8.len of a 10 MB string, a sort of a million entries) runs for hours
 * on a few instructions per turn. Each call is charged for the work it
 * can do (see metered()), at rates measured against a hooked Lua loop (3.5 ns
 * an instruction): a byte scanned one at a time (utf8.len, upper,
 * tonumber, escaping) is about a quarter of an instruction, a table entry
 * or value moved is about one, and so is a comparison of a sort, plus one
 * per this many bytes of the longest string strcmp may compare. */
#define SCAN_BYTES_PER_INSTR 4
#define CMP_BYTES_PER_INSTR  256
/* string.rep copies its string once per piece, even an empty one: rep("",
 * 1e15) allocates nothing and never ends. A piece costs a memcpy call. */
#define REP_PIECES_PER_INSTR 4
/* A table holds at most one entry per this many bytes of the state's
 * memory (a TValue), which bounds what table.concat can walk. */
#define BYTES_PER_ENTRY      16
/* table.concat does more per entry than the others: a fetch, a type
 * check and a copy into a buffer. */
#define INSTR_PER_CONCAT     4
#define JSON_MAX_DEPTH    100
#define MAX_TEMPLATE_SIZE ((size_t)16 * 1024 * 1024)
#define MAX_DIR_DEPTH     32
#define WBUF_META         "gapmap.tmpl.out"

#define MSG_INSTR "template instruction limit exceeded"
#define MSG_MEM   "template memory limit exceeded"

/* The prologue every compiled template starts with, on template line 1.
 * Declaring _ENV as a local makes each render's scope the template's only
 * environment; the writers and the output buffer come in as arguments so
 * that compiled chunks hold no per-render state. */
#define PROLOGUE "local _ENV,__gm_b,__gm_w,__gm_e,__gm_r=...;"

typedef struct tmpl_entry {
	char *name;
	char *file;
	int ref; /* the compiled chunk, in the registry */
} tmpl_entry;

struct tmpl_env {
	lua_State *L;
	tmpl_entry *tmpls;
	size_t ntmpls, cap;
	int builtins_ref; /* read-only table behind every scope */
	int scopes_ref;   /* depth -> scope of the render at that depth */
	size_t max_instr, max_mem;
	int tick;

	/* Memory is always counted; the budget is enforced only while
	 * rendering. */
	size_t mem_used;
	size_t mem_limit;
	bool rendering;

	/* Per-render state, reset by tmpl_render. */
	size_t instr_used;
	size_t alloc_bytes; /* allocated since the hook last charged them */
	bool instr_over;
	bool mem_over;
	const char *mem_file; /* template running when memory ran out */
	char *limit_msg;      /* "file:line: ..." where a limit was first hit */
	/* Lua retries a failed allocation once after an emergency collection,
	 * so a refusal is only final when the same request fails again or
	 * another one follows. */
	bool deny_pending;
	const void *deny_ptr;
	size_t deny_old, deny_new;
	const char *deny_file;
	int depth;
	const char *frames[TMPL_MAX_DEPTH + 1]; /* file of each render, [1] = top */
};

/* Output of one render (or of a builtin), grown through the env's allocator
 * so that it counts against the memory budget and is freed by the GC when
 * an error unwinds the render. */
typedef struct wbuf {
	char *p;
	size_t len, cap;
	tmpl_env *e;
} wbuf;

static tmpl_env *env_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

static const char *cur_file(const tmpl_env *e)
{
	return e->depth > 0 ? e->frames[e->depth] : NULL;
}

static void mark_mem_over(tmpl_env *e, const char *file)
{
	if (!e->mem_over) {
		e->mem_over = true;
		e->mem_file = file;
	}
}

static void settle_denial(tmpl_env *e)
{
	if (e->deny_pending) {
		e->deny_pending = false;
		mark_mem_over(e, e->deny_file);
	}
}

/* ---- allocator ---------------------------------------------------------- */

static void *env_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	tmpl_env *e = ud;
	size_t old = ptr ? osize : 0; /* when ptr is NULL, osize is a type tag */
	if (nsize == 0) {
		free(ptr);
		e->mem_used -= old;
		return NULL;
	}
	/* Lua assumes shrinking never fails, so only growth is refused. */
	if (nsize > old && e->rendering) {
		bool retry = false;
		if (e->deny_pending) {
			retry = ptr == e->deny_ptr && old == e->deny_old && nsize == e->deny_new;
			e->deny_pending = false;
			if (!retry)
				mark_mem_over(e, e->deny_file);
		}
		size_t room = e->mem_used < e->mem_limit ? e->mem_limit - e->mem_used : 0;
		if (nsize - old > room) {
			if (retry) {
				mark_mem_over(e, cur_file(e));
			} else {
				e->deny_pending = true;
				e->deny_ptr = ptr;
				e->deny_old = old;
				e->deny_new = nsize;
				e->deny_file = cur_file(e);
			}
			return NULL;
		}
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	e->mem_used = e->mem_used - old + nsize;
	if (nsize > old)
		e->alloc_bytes += nsize - old;
	return p;
}

/* ---- instruction limit ---------------------------------------------------- */

/* Raises a limit error. The first one of a render is kept: a template may
 * catch it with pcall, and the re-raise then points at the catcher, not at
 * the loop or allocation that hit the limit. */
static void limit_error(lua_State *L, tmpl_env *e)
{
	if (!e->limit_msg)
		e->limit_msg = xstrdup(lua_tostring(L, -1));
	lua_error(L);
}

static void raise_at(lua_State *L, lua_Debug *ar, const char *msg)
{
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, msg);
	else
		lua_pushstring(L, msg);
	limit_error(L, env_of(L));
}

/* A limit error at the template line that called the running C function.
 * Called through pcall (pcall(string.rep, ...)), the caller is pcall
 * itself, which has no line: the nearest Lua function is the template. */
static void raise_here(lua_State *L, tmpl_env *e, const char *msg)
{
	lua_Debug ar;
	bool found = false;
	for (int level = 1; !found && lua_getstack(L, level, &ar); level++)
		found = lua_getinfo(L, "Sl", &ar) && ar.currentline > 0;
	if (found)
		lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
	else
		lua_pushstring(L, msg);
	limit_error(L, e);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	tmpl_env *e = env_of(L);
	settle_denial(e);
	const char *msg;
	if (e->mem_over) {
		msg = MSG_MEM;
	} else if (e->instr_over) {
		msg = MSG_INSTR;
	} else {
		e->instr_used += (size_t)e->tick + e->alloc_bytes / BYTES_PER_INSTR;
		e->alloc_bytes %= BYTES_PER_INSTR;
		if (e->instr_used < e->max_instr)
			return;
		e->instr_over = true;
		msg = MSG_INSTR;
	}
	/* A template can catch this with pcall; firing on every instruction
	 * from now on re-raises it before the template gets any further. */
	lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	raise_at(L, ar, msg);
}

static size_t sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t sat_mul(size_t a, size_t b)
{
	return b && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

/* Charges work done in C, where count_hook never fires, to the render's
 * budget, with the bytes allocated since the hook last charged them.
 * Returns the instructions left (SIZE_MAX outside a render); when none are,
 * raises the limit error at the template line instead. */
static size_t charge(lua_State *L, tmpl_env *e, size_t cost)
{
	if (!e->rendering)
		return SIZE_MAX;
	settle_denial(e);
	if (!e->mem_over && !e->instr_over) {
		cost = sat_add(cost, e->alloc_bytes / BYTES_PER_INSTR);
		e->alloc_bytes %= BYTES_PER_INSTR;
		e->instr_used = sat_add(e->instr_used, cost);
		if (e->instr_used < e->max_instr)
			return e->max_instr - e->instr_used;
		e->instr_over = true;
	}
	/* As in count_hook: a pcall that catches this gets no further. */
	lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	raise_here(L, e, e->mem_over ? MSG_MEM : MSG_INSTR);
	return 0;
}

/* The meter of the sandbox's pattern functions (lpattern.h): their
 * matcher may take only what is left of the render's budget. */
static size_t charge_pattern(lua_State *L, void *ud, size_t steps)
{
	tmpl_env *e = ud;
	size_t left = charge(L, e, sat_mul(steps, INSTR_PER_STEP));
	if (left < INSTR_PER_STEP)
		charge(L, e, left); /* less than a step left: spend it and raise */
	return left / INSTR_PER_STEP;
}

/* ---- output buffers ------------------------------------------------------- */

static int wbuf_gc(lua_State *L)
{
	wbuf *w = luaL_checkudata(L, 1, WBUF_META);
	if (w->p)
		env_alloc(w->e, w->p, w->cap, 0);
	w->p = NULL;
	w->len = w->cap = 0;
	return 0;
}

static wbuf *wbuf_new(lua_State *L, tmpl_env *e)
{
	wbuf *w = lua_newuserdatauv(L, sizeof *w, 0);
	w->p = NULL;
	w->len = w->cap = 0;
	w->e = e;
	luaL_setmetatable(L, WBUF_META);
	return w;
}

static void wbuf_grow(lua_State *L, wbuf *w, size_t extra)
{
	if (w->cap - w->len >= extra)
		return;
	if (extra > SIZE_MAX / 4 - w->len)
		raise_here(L, w->e, MSG_MEM);
	size_t need = w->len + extra;
	size_t cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	void *p = env_alloc(w->e, w->p, w->cap, cap);
	if (!p) {
		/* Same as Lua's own emergency collection before giving up. */
		lua_gc(L, LUA_GCCOLLECT);
		p = env_alloc(w->e, w->p, w->cap, cap);
	}
	if (!p) {
		settle_denial(w->e);
		mark_mem_over(w->e, cur_file(w->e));
		raise_here(L, w->e, MSG_MEM);
	}
	w->p = p;
	w->cap = cap;
}

static void wbuf_put(lua_State *L, wbuf *w, const char *s, size_t n)
{
	if (!n)
		return;
	wbuf_grow(L, w, n);
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void wbuf_puts(lua_State *L, wbuf *w, const char *s)
{
	wbuf_put(L, w, s, strlen(s));
}

static void wbuf_putc(lua_State *L, wbuf *w, char c)
{
	wbuf_put(L, w, &c, 1);
}

static void wbuf_push(lua_State *L, const wbuf *w)
{
	lua_pushlstring(L, w->p ? w->p : "", w->len);
}

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

/* The bytes a builtin looks at one by one; its output is charged as it
 * is allocated, which is far less than the work of building it. */
static void charge_scan(lua_State *L, tmpl_env *e, size_t n)
{
	if (n >= SCAN_BYTES_PER_INSTR)
		charge(L, e, n / SCAN_BYTES_PER_INSTR);
}

/* A sort of n items, up to maxlen bytes of which strcmp may compare
 * each time (0 for numbers). */
static size_t sort_cost(size_t n, size_t maxlen)
{
	size_t log2n = 0;
	while (log2n < sizeof n * 8 && n >> log2n)
		log2n++;
	return sat_mul(sat_mul(n, log2n), 1 + maxlen / CMP_BYTES_PER_INSTR);
}

static void put_html(lua_State *L, wbuf *w, const char *s, size_t n)
{
	size_t start = 0;
	charge_scan(L, w->e, n);
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		wbuf_put(L, w, s + start, i - start);
		wbuf_puts(L, w, rep);
		start = i + 1;
	}
	wbuf_put(L, w, s + start, n - start);
}

/* Length of the valid UTF-8 sequence at s, or 0 when s starts with an
 * invalid or truncated one. */
static size_t utf8_seq(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (len > n)
		return 0;
	return utf8_valid_prefix(s, len) == len ? len : 0;
}

/* ---- the writers compiled templates call ----------------------------------- */

static int out_lit(lua_State *L)
{
	wbuf *w = luaL_checkudata(L, 1, WBUF_META);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	wbuf_put(L, w, s, n);
	return 0;
}

static int out_esc(lua_State *L)
{
	wbuf *w = luaL_checkudata(L, 1, WBUF_META);
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 2, tmp, sizeof tmp, &n);
	if (s)
		put_html(L, w, s, n);
	return 0;
}

static int out_raw(lua_State *L)
{
	wbuf *w = luaL_checkudata(L, 1, WBUF_META);
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 2, tmp, sizeof tmp, &n);
	if (s)
		wbuf_put(L, w, s, n);
	return 0;
}

/* ---- template lookup ------------------------------------------------------- */

static size_t find_tmpl(const tmpl_env *e, const char *name)
{
	for (size_t i = 0; i < e->ntmpls; i++)
		if (strcmp(e->tmpls[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* A template name close to name, or NULL; points into e. */
static const char *suggest_tmpl(const tmpl_env *e, const char *name)
{
	if (!e->ntmpls)
		return NULL;
	const char **names = xmalloc(e->ntmpls * sizeof *names);
	for (size_t i = 0; i < e->ntmpls; i++)
		names[i] = e->tmpls[i].name;
	const char *s = diag_suggest(name, names, e->ntmpls);
	free(names);
	return s;
}

/* ---- rendering --------------------------------------------------------------- */

/* Lookups in a render's scope: the context's fields, then the builtins. */
static int scope_index(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushvalue(L, 2);
	if (lua_gettable(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(2));
	return 1;
}

static void set_scope(lua_State *L, tmpl_env *e, int depth, int scope)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->scopes_ref);
	if (scope)
		lua_pushvalue(L, scope);
	else
		lua_pushnil(L);
	lua_rawseti(L, -2, depth);
	lua_pop(L, 1);
}

/* Runs template ti with the table at ctx as its context and leaves its
 * output (a wbuf) on the stack. Raises on error, leaving e->depth for the
 * caller's pcall site to restore. */
static wbuf *do_render(lua_State *L, tmpl_env *e, size_t ti, int ctx)
{
	luaL_checkstack(L, 12, "template render");
	lua_createtable(L, 0, 4); /* the scope: this render's own globals */
	int scope = lua_gettop(L);
	lua_createtable(L, 0, 1);
	lua_pushvalue(L, ctx);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->builtins_ref);
	lua_pushcclosure(L, scope_index, 2);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, scope);
	wbuf *w = wbuf_new(L, e);
	int wi = lua_gettop(L);

	e->depth++;
	e->frames[e->depth] = e->tmpls[ti].file;
	set_scope(L, e, e->depth, scope);

	lua_rawgeti(L, LUA_REGISTRYINDEX, e->tmpls[ti].ref);
	lua_pushvalue(L, scope);
	lua_pushvalue(L, wi);
	lua_pushcfunction(L, out_lit);
	lua_pushcfunction(L, out_esc);
	lua_pushcfunction(L, out_raw);
	lua_call(L, 5, 0);

	set_scope(L, e, e->depth, 0);
	e->depth--;
	return w;
}

static int partial_entry(lua_State *L)
{
	tmpl_env *e = env_of(L);
	wbuf *w = do_render(L, e, (size_t)lua_tointeger(L, 1), 2);
	wbuf_push(L, w);
	return 1;
}

static int top_entry(lua_State *L)
{
	tmpl_env *e = env_of(L);
	buf *out = lua_touserdata(L, 3);
	wbuf *w = do_render(L, e, (size_t)lua_tointeger(L, 1), 2);
	settle_denial(e);
	/* The template may have caught a limit error and finished anyway. */
	if (e->mem_over || e->instr_over)
		return luaL_error(L, "%s", e->mem_over ? MSG_MEM : MSG_INSTR);
	if (w->len)
		buf_put(out, w->p, w->len);
	return 0;
}

static void clear_scopes(lua_State *L, tmpl_env *e, int from)
{
	for (int d = from; d <= TMPL_MAX_DEPTH; d++)
		set_scope(L, e, d, 0);
}

static int bi_partial(lua_State *L)
{
	tmpl_env *e = env_of(L);
	const char *name = luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	size_t ti = find_tmpl(e, name);
	if (ti == SIZE_MAX) {
		const char *s = suggest_tmpl(e, name);
		if (s)
			return luaL_error(L, "no template named \"%s\" (did you mean \"%s\"?)",
			                  name, s);
		return luaL_error(L, "no template named \"%s\"", name);
	}
	if (e->depth >= TMPL_MAX_DEPTH)
		return luaL_error(L,
		                  "partials nested more than %d deep (does \"%s\" include itself?)",
		                  TMPL_MAX_DEPTH, name);
	int depth = e->depth;
	lua_pushcfunction(L, partial_entry);
	lua_pushinteger(L, (lua_Integer)ti);
	if (lua_isnil(L, 2)) {
		/* The current variables: the caller's scope, so the partial also
		 * sees globals the caller assigned. */
		lua_rawgeti(L, LUA_REGISTRYINDEX, e->scopes_ref);
		lua_rawgeti(L, -1, depth);
		lua_remove(L, -2);
	} else {
		lua_pushvalue(L, 2);
	}
	/* Protected so that the depth is restored even when a pcall in the
	 * calling template catches the error. */
	int st = lua_pcall(L, 2, 1, 0);
	if (st == LUA_OK)
		return 1;
	clear_scopes(L, e, depth + 1);
	e->depth = depth;
	if (st == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING) {
		lua_Debug ar;
		/* Name the including template once: a chain of 32 recursive partials
		 * would otherwise repeat itself past the message limit. */
		if (!strstr(lua_tostring(L, -1), "(included from ") && lua_getstack(L, 1, &ar) &&
		    lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
			lua_pushfstring(L, "%s (included from %s:%d)", lua_tostring(L, -1),
			                ar.short_src, ar.currentline);
	}
	return lua_error(L);
}

/* ---- builtins ------------------------------------------------------------------ */

static int bi_escape(lua_State *L)
{
	tmpl_env *e = env_of(L);
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 1, tmp, sizeof tmp, &n);
	wbuf *w = wbuf_new(L, e);
	if (s)
		put_html(L, w, s, n);
	wbuf_push(L, w);
	return 1;
}

static int bi_urlencode(lua_State *L)
{
	static const char hex[] = "0123456789ABCDEF";
	tmpl_env *e = env_of(L);
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 1, tmp, sizeof tmp, &n);
	wbuf *w = wbuf_new(L, e);
	if (s)
		charge_scan(L, e, n);
	for (size_t i = 0; s && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			wbuf_putc(L, w, (char)c);
		} else {
			char pct[3] = {'%', hex[c >> 4], hex[c & 15]};
			wbuf_put(L, w, pct, 3);
		}
	}
	wbuf_push(L, w);
	return 1;
}

/* XML 1.0 text and attribute values: the five entities, invalid UTF-8
 * replaced by U+FFFD and control characters XML forbids dropped, so a feed
 * or SVG stays well-formed whatever the content holds. */
static int bi_xml(lua_State *L)
{
	tmpl_env *e = env_of(L);
	char tmp[64];
	size_t n;
	const char *s = to_text(L, 1, tmp, sizeof tmp, &n);
	wbuf *w = wbuf_new(L, e);
	if (s)
		charge_scan(L, e, n);
	for (size_t i = 0; s && i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t k = utf8_seq(s + i, n - i);
			if (k) {
				wbuf_put(L, w, s + i, k);
				i += k;
			} else {
				wbuf_puts(L, w, "\xEF\xBF\xBD");
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '&':
			wbuf_puts(L, w, "&amp;");
			break;
		case '<':
			wbuf_puts(L, w, "&lt;");
			break;
		case '>':
			wbuf_puts(L, w, "&gt;");
			break;
		case '"':
			wbuf_puts(L, w, "&quot;");
			break;
		case '\'':
			wbuf_puts(L, w, "&apos;");
			break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				wbuf_putc(L, w, (char)c);
		}
	}
	wbuf_push(L, w);
	return 1;
}

static void json_string(lua_State *L, wbuf *w, const char *s, size_t n)
{
	charge_scan(L, w->e, n);
	wbuf_putc(L, w, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t k = utf8_seq(s + i, n - i);
			if (!k) {
				wbuf_puts(L, w, "\\ufffd");
				i++;
			} else if (k == 3 && c == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
			           ((unsigned char)s[i + 2] == 0xA8 ||
			            (unsigned char)s[i + 2] == 0xA9)) {
				/* U+2028/2029 end a line inside a JavaScript string. */
				wbuf_puts(L, w,
				          (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
				i += 3;
			} else {
				wbuf_put(L, w, s + i, k);
				i += k;
			}
			continue;
		}
		i++;
		char esc[8];
		switch (c) {
		case '"':
			wbuf_puts(L, w, "\\\"");
			break;
		case '\\':
			wbuf_puts(L, w, "\\\\");
			break;
		case '\n':
			wbuf_puts(L, w, "\\n");
			break;
		case '\r':
			wbuf_puts(L, w, "\\r");
			break;
		case '\t':
			wbuf_puts(L, w, "\\t");
			break;
		/* < > & end a <script> or start an entity; ' ends a
		 * single-quoted attribute. */
		case '<':
		case '>':
		case '&':
		case '\'':
			snprintf(esc, sizeof esc, "\\u%04x", c);
			wbuf_puts(L, w, esc);
			break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", c);
				wbuf_puts(L, w, esc);
			} else {
				wbuf_putc(L, w, (char)c);
			}
		}
	}
	wbuf_putc(L, w, '"');
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
	charge(L, w->e, sort_cost((size_t)n, maxlen));
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
	tmpl_env *e = env_of(L);
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
	charge(L, env_of(L), sort_cost((size_t)n, maxlen));
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

/* string.rep builds its result in C, unmetered; refuse up front what would
 * not fit the memory budget, so the error names the template line. */
static int str_rep_capped(lua_State *L)
{
	tmpl_env *e = env_of(L);
	size_t l, lsep = 0;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (e->rendering && n > 0) {
		size_t room = e->mem_used < e->mem_limit ? e->mem_limit - e->mem_used : 0;
		double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
		if (total > (double)room) {
			mark_mem_over(e, cur_file(e));
			raise_here(L, e, MSG_MEM);
		}
		charge(L, e, (size_t)n / REP_PIECES_PER_INSTR);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* ---- metered library functions --------------------------------------------- */

/* How a wrapped library function's work is estimated (see metered()). */
enum cost_kind {
	COST_NONE,     /* left alone: O(1), or metered already */
	COST_ARGS,     /* each argument, string bytes, table entries */
	COST_SLICE,    /* (s, i, j = i): string.byte, utf8.codepoint */
	COST_ULEN,     /* utf8.len(s, i = 1, j = -1) */
	COST_OFFSET,   /* utf8.offset: after the call, the bytes it walked */
	COST_CODES,    /* utf8.codes: its iterator is metered too */
	COST_CODESTEP, /* that iterator: after the call, the bytes it walked */
	COST_CONCAT,   /* table.concat(t, sep, i = 1, j = #t) */
	COST_UNPACK,   /* table.unpack(t, i = 1, j = #t) */
	COST_MOVE,     /* table.move(a, f, e, ...) */
	COST_INSERT,   /* table.insert(t, [pos,] v) */
	COST_REMOVE,   /* table.remove(t [, pos]) */
	COST_SORT,     /* table.sort(t [, comp]) */
};

/* Argument idx as an integer, def when absent; false when it is neither
 * (the function itself then raises its usual error, at no cost). */
static bool opt_int(lua_State *L, int idx, lua_Integer def, lua_Integer *v)
{
	if (lua_isnoneornil(L, idx)) {
		*v = def;
		return true;
	}
	int isnum;
	*v = lua_tointegerx(L, idx, &isnum);
	return isnum;
}

/* Entries from i to j, or 0. */
static size_t span(lua_Integer i, lua_Integer j)
{
	if (j < i)
		return 0;
	lua_Unsigned d = (lua_Unsigned)j - (lua_Unsigned)i;
	return d >= SIZE_MAX ? SIZE_MAX : (size_t)d + 1;
}

/* Bytes from i to j of a string of len bytes, with negative positions
 * counted from the end and both clamped to the string, as the string and
 * utf8 functions do (or reject, which costs nothing). */
static size_t str_span(lua_Integer i, lua_Integer j, size_t len)
{
	lua_Integer l = (lua_Integer)len;
	i = i > 0 ? i : i == 0 || i < -l ? 1 : l + i + 1;
	j = j > l ? l : j >= 0 ? j : j < -l ? 0 : l + j + 1;
	return span(i, j);
}

/* The length of a table argument (0 for anything else; the template
 * cannot set metatables, so the raw length is the one the function uses). */
static size_t tab_len(lua_State *L, int idx)
{
	int t = lua_type(L, idx);
	return t == LUA_TTABLE || t == LUA_TSTRING ? (size_t)lua_rawlen(L, idx) : 0;
}

static size_t str_len(lua_State *L, int idx)
{
	return lua_type(L, idx) == LUA_TSTRING ? (size_t)lua_rawlen(L, idx) : 0;
}

/* Work a call is about to do, in instructions; what COST_OFFSET and
 * COST_CODESTEP do is known only afterwards (see metered()). */
static size_t cost_before(lua_State *L, tmpl_env *e, enum cost_kind kind)
{
	int top = lua_gettop(L);
	lua_Integer i, j;
	size_t n;
	switch (kind) {
	case COST_ARGS: {
		size_t c = (size_t)top, bytes = 0;
		for (int k = 1; k <= top; k++) {
			bytes = sat_add(bytes, str_len(L, k));
			if (lua_type(L, k) == LUA_TTABLE)
				c = sat_add(c, tab_len(L, k));
		}
		return sat_add(c, bytes / SCAN_BYTES_PER_INSTR);
	}
	case COST_SLICE:
		n = str_len(L, 1);
		if (!opt_int(L, 2, 1, &i) || !opt_int(L, 3, i, &j))
			return 0;
		/* A value pushed per byte, each decoded or not. */
		return str_span(i, j, n);
	case COST_ULEN:
		n = str_len(L, 1);
		if (!opt_int(L, 2, 1, &i) || !opt_int(L, 3, -1, &j))
			return 0;
		return str_span(i, j, n) / SCAN_BYTES_PER_INSTR;
	case COST_CONCAT:
		if (!opt_int(L, 3, 1, &i) || !opt_int(L, 4, (lua_Integer)tab_len(L, 1), &j))
			return 0;
		/* It stops at the first missing entry, so a range past the end
		 * of the table is an error, not work. */
		n = span(i, j);
		n = n < e->mem_used / BYTES_PER_ENTRY ? n : e->mem_used / BYTES_PER_ENTRY;
		return sat_mul(n, INSTR_PER_CONCAT);
	case COST_UNPACK:
		if (!opt_int(L, 2, 1, &i) || !opt_int(L, 3, (lua_Integer)tab_len(L, 1), &j))
			return 0;
		/* More results than a stack can hold is an error, not work. */
		n = span(i, j);
		return n < (size_t)LUAI_MAXSTACK ? n : 0;
	case COST_MOVE:
		/* Moves every entry of the range, present or not: no bound. */
		if (!opt_int(L, 2, 0, &i) || !opt_int(L, 3, 0, &j))
			return 0;
		return sat_mul(span(i, j), 2);
	case COST_INSERT:
		if (top != 3 || !opt_int(L, 2, 0, &i))
			return 0; /* appending moves nothing */
		return span(i, (lua_Integer)tab_len(L, 1));
	case COST_REMOVE:
		n = tab_len(L, 1);
		if (!opt_int(L, 2, (lua_Integer)n, &i))
			return 0;
		return i < (lua_Integer)n && i >= 0 ? n - (size_t)i : 0;
	case COST_SORT: {
		if (lua_type(L, 1) != LUA_TTABLE)
			return 0;
		n = tab_len(L, 1);
		size_t maxlen = 0;
		/* The default comparison of strings is strcmp: as slow as the
		 * longest string when many are equal. */
		if (lua_isnoneornil(L, 2)) {
			for (size_t k = 1; k <= n; k++) {
				if (lua_rawgeti(L, 1, (lua_Integer)k) == LUA_TSTRING &&
				    lua_rawlen(L, -1) > maxlen)
					maxlen = lua_rawlen(L, -1);
				lua_pop(L, 1);
			}
		}
		return sort_cost(n, maxlen);
	}
	case COST_CODESTEP: {
		/* The iterator first skips the continuation bytes after the
		 * current character: three at most in UTF-8, but any number in
		 * other bytes, and it may raise after them. Count them first. */
		lua_Integer c = lua_tointeger(L, 2);
		const char *str = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &n) : "";
		size_t k = c > 0 && (lua_Unsigned)c < n ? (size_t)c : n, start = k;
		while (k < n && ((unsigned char)str[k] & 0xC0) == 0x80)
			k++;
		return (k - start) / SCAN_BYTES_PER_INSTR;
	}
	case COST_NONE:
	case COST_OFFSET:
	case COST_CODES:
		break;
	}
	return 0;
}

static int metered(lua_State *L);

/* Wraps a library C function in a metered closure. f must use no
 * upvalues: metered() calls it directly, in its own frame, so that its
 * error messages name the function as the template called it. */
static void push_metered(lua_State *L, lua_CFunction f, enum cost_kind kind)
{
	lua_pushcfunction(L, f);
	lua_pushinteger(L, kind);
	lua_pushcclosure(L, metered, 2);
}

/* Charges a library function's call to the render's budget, then runs
 * it: up front where its arguments tell its work, so that one enormous
 * call (table.move over 2^60 entries) never starts; otherwise afterwards,
 * which is safe because such a call walks at most its string once and
 * raises no error after walking. */
static int metered(lua_State *L)
{
	tmpl_env *e = env_of(L);
	lua_CFunction f = lua_tocfunction(L, lua_upvalueindex(1));
	enum cost_kind kind = (enum cost_kind)lua_tointeger(L, lua_upvalueindex(2));
	int nres;
	if (kind == COST_OFFSET) {
		/* utf8.offset(s, n, i) walks from i (the end for a negative
		 * n) to the position it returns, or to an end of s. */
		size_t len = str_len(L, 1);
		lua_Integer from, nth = lua_tointeger(L, 2);
		if (!opt_int(L, 3, nth >= 0 ? 1 : (lua_Integer)len + 1, &from))
			from = 1;
		if (from < 0)
			from += (lua_Integer)len + 1;
		nres = f(L);
		size_t walked = len;
		if (nres > 0 && lua_isinteger(L, -nres)) {
			lua_Integer to = lua_tointeger(L, -nres);
			walked = to >= from ? span(from, to) : span(to, from);
		}
		charge_scan(L, e, walked);
		return nres;
	}
	if (kind == COST_CODES) {
		nres = f(L);
		if (nres >= 1 && lua_tocfunction(L, -nres)) {
			push_metered(L, lua_tocfunction(L, -nres), COST_CODESTEP);
			lua_replace(L, -nres - 1);
		}
		return nres;
	}
	charge(L, e, cost_before(L, e, kind));
	return f(L);
}

typedef struct lib_cost {
	const char *name;
	enum cost_kind kind;
} lib_cost;

/* Replaces the C functions of the library table at lib by metered ones,
 * as costs says, NULL-terminated; functions it does not name (a later Lua
 * may add some) are metered by their arguments. Closures are skipped: they
 * are the sandbox's own, metered already. */
static void meter_lib(lua_State *L, int lib, const lib_cost *costs)
{
	lib = lua_absindex(L, lib);
	lua_pushnil(L);
	while (lua_next(L, lib)) {
		lua_CFunction f = lua_tocfunction(L, -1);
		bool closure = f && lua_getupvalue(L, -1, 1);
		lua_pop(L, closure ? 2 : 1);
		if (!f || closure || lua_type(L, -1) != LUA_TSTRING)
			continue;
		const char *name = lua_tostring(L, -1);
		enum cost_kind kind = COST_ARGS;
		for (const lib_cost *c = costs; c->name; c++)
			if (strcmp(c->name, name) == 0)
				kind = c->kind;
		if (kind == COST_NONE)
			continue;
		lua_pushvalue(L, -1);
		push_metered(L, f, kind);
		lua_rawset(L, lib); /* an existing key: lua_next may go on */
	}
}

static int readonly_newindex(lua_State *L)
{
	return luaL_error(L, "the standard library is read-only in templates");
}

/* A proxy for the library table at idx that templates can read but not
 * change, so that one render cannot alter what the next one sees. */
static void push_readonly(lua_State *L, int idx)
{
	lua_newtable(L);
	lua_createtable(L, 0, 3);
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, readonly_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
}

/* ---- env ---------------------------------------------------------------------- */

static void open_sandbox(tmpl_env *e)
{
	static const char *const base_names[] = {
	    "assert", "error",    "ipairs",   "next", "pairs",    "pcall",
	    "select", "tonumber", "tostring", "type", "rawequal", "rawlen",
	};
	static const luaL_Reg own[] = {
	    {"partial", bi_partial},
	    {"escape", bi_escape},
	    {"urlencode", bi_urlencode},
	    {"json", bi_json},
	    {"xml", bi_xml},
	    {"thousands", bi_thousands},
	    {"sorted_keys", bi_sorted_keys},
	    {NULL, NULL},
	};
	lua_State *L = e->L;
	/* Libraries one by one: luaL_openlibs would also bring io, os,
	 * package and debug. */
	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
	int g = lua_gettop(L);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
	int str = lua_gettop(L);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
	int tab = lua_gettop(L);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
	int math = lua_gettop(L);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
	int utf8 = lua_gettop(L);

	/* Removed from the real tables, since ("").dump reaches the string
	 * table through the string metatable. random would make output differ
	 * between builds. */
	lua_pushnil(L);
	lua_setfield(L, str, "dump");
	lua_getfield(L, str, "rep");
	lua_pushcclosure(L, str_rep_capped, 1);
	lua_setfield(L, str, "rep");
	/* Lua's find, match, gmatch and gsub backtrack in C without bound;
	 * the metered ones stop at the render's instruction budget. */
	lp_install(L, str, &(lp_meter){charge_pattern, e});
	/* The rest do their work in C too; see metered(). */
	static const lib_cost str_costs[] = {
	    {"find", COST_NONE},
	    {"match", COST_NONE},
	    {"gmatch", COST_NONE},
	    {"gsub", COST_NONE},
	    {"rep", COST_NONE},
	    {"len", COST_NONE},
	    /* O(1) but for the copy, which is charged as it is allocated. */
	    {"sub", COST_NONE},
	    {"byte", COST_SLICE},
	    {NULL, COST_NONE},
	};
	static const lib_cost tab_costs[] = {
	    {"concat", COST_CONCAT}, {"unpack", COST_UNPACK}, {"move", COST_MOVE},
	    {"insert", COST_INSERT}, {"remove", COST_REMOVE}, {"sort", COST_SORT},
	    {NULL, COST_NONE},
	};
	static const lib_cost utf8_costs[] = {
	    {"len", COST_ULEN},    {"codepoint", COST_SLICE}, {"offset", COST_OFFSET},
	    {"codes", COST_CODES}, {NULL, COST_NONE},
	};
	meter_lib(L, str, str_costs);
	meter_lib(L, tab, tab_costs);
	meter_lib(L, utf8, utf8_costs);
	lua_pushnil(L);
	lua_setfield(L, math, "random");
	lua_pushnil(L);
	lua_setfield(L, math, "randomseed");

	lua_createtable(L, 0, 32);
	int b = lua_gettop(L);
	for (size_t i = 0; i < sizeof base_names / sizeof *base_names; i++) {
		lua_getfield(L, g, base_names[i]);
		lua_setfield(L, b, base_names[i]);
	}
	/* tonumber reads all of a string; rawequal compares two long
	 * strings byte by byte. The others are O(1) or bounded by a stack. */
	static const char *const scanning[] = {"tonumber", "rawequal"};
	for (size_t i = 0; i < sizeof scanning / sizeof *scanning; i++) {
		lua_getfield(L, b, scanning[i]);
		push_metered(L, lua_tocfunction(L, -1), COST_ARGS);
		lua_setfield(L, b, scanning[i]);
		lua_pop(L, 1);
	}
	push_readonly(L, str);
	lua_setfield(L, b, "string");
	push_readonly(L, tab);
	lua_setfield(L, b, "table");
	push_readonly(L, math);
	lua_setfield(L, b, "math");
	push_readonly(L, utf8);
	lua_setfield(L, b, "utf8");
	luaL_setfuncs(L, own, 0);
	e->builtins_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	lua_createtable(L, TMPL_MAX_DEPTH, 0);
	e->scopes_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	luaL_newmetatable(L, WBUF_META);
	lua_pushcfunction(L, wbuf_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);

	/* Templates never see the global table (each has its own _ENV), but
	 * empty it so that load, dofile and friends are gone from the state
	 * altogether. */
	lua_newtable(L);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	lua_settop(L, 0);
}

tmpl_env *tmpl_new(const tmpl_limits *limits)
{
	tmpl_env *e = xcalloc(1, sizeof *e);
	e->max_instr = limits && limits->max_instructions ? limits->max_instructions
	                                                  : TMPL_DEFAULT_INSTRUCTIONS;
	e->max_mem = limits && limits->max_memory ? limits->max_memory : TMPL_DEFAULT_MEMORY;
	e->tick = e->max_instr < HOOK_TICK ? (int)e->max_instr : HOOK_TICK;
	e->L = lua_newstate(env_alloc, e);
	if (!e->L) {
		free(e);
		return NULL;
	}
	open_sandbox(e);
	return e;
}

void tmpl_free(tmpl_env *e)
{
	if (!e)
		return;
	lua_close(e->L); /* before free(e): the allocator and wbuf_gc use e */
	for (size_t i = 0; i < e->ntmpls; i++) {
		free(e->tmpls[i].name);
		free(e->tmpls[i].file);
	}
	free(e->tmpls);
	free(e);
}

lua_State *tmpl_lua(tmpl_env *e)
{
	return e->L;
}

bool tmpl_has(const tmpl_env *e, const char *name)
{
	return find_tmpl(e, name) != SIZE_MAX;
}

/* ---- errors ---------------------------------------------------------------------- */

/* Splits a Lua message "file:12: text" into its parts. */
static bool split_pos(const char *msg, size_t *flen, int *line, const char **rest)
{
	for (const char *p = strchr(msg, ':'); p; p = strchr(p + 1, ':')) {
		const char *q = p + 1;
		if (p == msg || *q < '0' || *q > '9')
			continue;
		long n = 0;
		while (*q >= '0' && *q <= '9') {
			if (n < 100000000)
				n = n * 10 + (*q - '0');
			q++;
		}
		if (q[0] == ':' && q[1] == ' ') {
			*flen = (size_t)(p - msg);
			*line = (int)n;
			*rest = q + 2;
			return true;
		}
	}
	return false;
}

/* Lua shortens long chunk names to "...tail"; map those back to the full
 * file label. Caller frees. */
static char *resolve_file(const tmpl_env *e, const char *s, size_t n)
{
	if (n > 3 && memcmp(s, "...", 3) == 0) {
		for (size_t i = 0; i < e->ntmpls; i++) {
			const char *f = e->tmpls[i].file;
			size_t lf = strlen(f);
			if (lf >= n - 3 && memcmp(f + lf - (n - 3), s + 3, n - 3) == 0)
				return xstrdup(f);
		}
	}
	return xstrndup(s, n);
}

static void report(const tmpl_env *e, diag *d, const char *msg, const char *fallback,
                   const char *what)
{
	size_t flen;
	int line;
	const char *rest;
	char *file;
	if (split_pos(msg, &flen, &line, &rest)) {
		file = resolve_file(e, msg, flen);
	} else {
		file = xstrdup(fallback ? fallback : "");
		line = 0;
		rest = msg;
	}
	if (what)
		diag_error(d, file, line, 0, "%s (while rendering %s)", rest, what);
	else
		diag_error(d, file, line, 0, "%s", rest);
	free(file);
}

/* ---- compiling ----------------------------------------------------------------- */

static bool long_open(const char *s, size_t n, size_t i, size_t *level, size_t *after)
{
	if (i >= n || s[i] != '[')
		return false;
	size_t j = i + 1;
	while (j < n && s[j] == '=')
		j++;
	if (j >= n || s[j] != '[')
		return false;
	*level = j - i - 1;
	*after = j + 1;
	return true;
}

/* Index just past the "]==]" closing a long bracket of level, or 0. */
static size_t long_close(const char *s, size_t n, size_t i, size_t level)
{
	for (; i < n; i++) {
		if (s[i] != ']')
			continue;
		size_t j = i + 1;
		while (j < n && s[j] == '=')
			j++;
		if (j < n && s[j] == ']' && j - i - 1 == level)
			return j + 1;
	}
	return 0;
}

enum { SCAN_OK, SCAN_UNCLOSED, SCAN_LONG };

/* Finds the "%>" closing Lua code that starts at i, skipping string
 * literals and long brackets. A "--" line comment ends at the "%>"; *cend is
 * where the code to keep ends (before such a comment). On SCAN_LONG, *close
 * is where the unfinished long bracket starts. */
static int scan_code(const char *s, size_t n, size_t i, size_t *close, size_t *cend)
{
	size_t comment = SIZE_MAX, level, after;
	while (i < n) {
		char c = s[i];
		if (c == '%' && i + 1 < n && s[i + 1] == '>') {
			*close = i;
			*cend = comment != SIZE_MAX ? comment : i;
			return SCAN_OK;
		}
		if (comment != SIZE_MAX) {
			if (c == '\n' || c == '\r')
				comment = SIZE_MAX;
			i++;
		} else if (c == '"' || c == '\'') {
			for (i++; i < n && s[i] != c && s[i] != '\n'; i++)
				if (s[i] == '\\' && i + 1 < n)
					i++;
			if (i < n && s[i] == c)
				i++;
		} else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
			if (long_open(s, n, i + 2, &level, &after)) {
				size_t end = long_close(s, n, after, level);
				if (!end) {
					*close = i;
					return SCAN_LONG;
				}
				i = end;
			} else {
				comment = i;
				i += 2;
			}
		} else if (c == '[' && long_open(s, n, i, &level, &after)) {
			size_t end = long_close(s, n, after, level);
			if (!end) {
				*close = i;
				return SCAN_LONG;
			}
			i = end;
		} else {
			i++;
		}
	}
	return SCAN_UNCLOSED;
}

/* Template text as a Lua string literal. Newlines are written as a
 * backslash and a real newline, which Lua reads as "\n" while counting the
 * line, so template line N stays Lua line N. */
static void emit_literal(buf *out, const char *s, size_t n)
{
	if (!n)
		return;
	buf_puts(out, "__gm_w(__gm_b,\"");
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		switch (c) {
		case '\n':
			strcpy(esc, "\\\n");
			break;
		case '\r':
			strcpy(esc, "\\r");
			break;
		case '\\':
			strcpy(esc, "\\\\");
			break;
		case '"':
			strcpy(esc, "\\\"");
			break;
		default:
			if (c >= 0x20 && c != 0x7f)
				continue;
			snprintf(esc, sizeof esc, "\\%03u", c);
		}
		buf_put(out, s + start, i - start);
		buf_puts(out, esc);
		start = i + 1;
	}
	buf_put(out, s + start, n - start);
	buf_puts(out, "\");");
}

static void emit_newlines(buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			buf_putc(out, '\n');
}

typedef struct tr_error {
	size_t pos;
	const char *msg;
} tr_error;

/* Translates template text into a Lua chunk. Returns 0, or -1 with err. */
static int translate(const char *s, size_t n, buf *out, tr_error *err)
{
	buf_puts(out, PROLOGUE);
	size_t i = 0, lit = 0;
	while (i + 1 < n) {
		if (s[i] != '<' || s[i + 1] != '%') {
			i++;
			continue;
		}
		emit_literal(out, s + lit, i - lit);
		size_t open = i;
		i += 2;
		char kind = i < n && (s[i] == '=' || s[i] == '-' || s[i] == '#' || s[i] == '%')
		                ? s[i]
		                : ' ';
		if (kind == '%') { /* "<%%" writes "<%" */
			emit_literal(out, "<%", 2);
			lit = i = i + 1;
			continue;
		}
		if (kind != ' ')
			i++;
		size_t cstart = i, close = 0, cend = 0;
		int st;
		if (kind == '#') {
			const char *p = NULL;
			for (size_t j = i; j + 1 < n && !p; j++)
				if (s[j] == '%' && s[j + 1] == '>')
					p = s + j;
			st = p ? SCAN_OK : SCAN_UNCLOSED;
			if (p)
				close = cend = (size_t)(p - s);
		} else {
			st = scan_code(s, n, i, &close, &cend);
		}
		if (st == SCAN_UNCLOSED) {
			err->pos = open;
			err->msg = "\"<%\" without a closing \"%>\"";
			return -1;
		}
		if (st == SCAN_LONG) {
			err->pos = close;
			err->msg = "unfinished long string or comment";
			return -1;
		}
		bool trim = close > cstart && s[close - 1] == '-';
		if (trim && cend > close - 1)
			cend = close - 1;
		switch (kind) {
		case '#':
			emit_newlines(out, s + cstart, close - cstart);
			break;
		case '=':
		case '-':
			buf_puts(out, kind == '=' ? "__gm_e(__gm_b," : "__gm_r(__gm_b,");
			buf_put(out, s + cstart, cend - cstart);
			buf_puts(out, ");");
			break;
		default:
			buf_put(out, s + cstart, cend - cstart);
			buf_putc(out, ';');
		}
		i = close + 2;
		if (trim) {
			if (i < n && s[i] == '\n')
				i++;
			else if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n')
				i += 2;
			if (i > close + 2)
				buf_putc(out, '\n'); /* keep the line count */
		}
		lit = i;
	}
	emit_literal(out, s + lit, n - lit);
	return 0;
}

static void pos_to_linecol(const char *s, size_t pos, int *line, int *col)
{
	int l = 1;
	size_t bol = 0;
	for (size_t i = 0; i < pos; i++)
		if (s[i] == '\n') {
			l++;
			bol = i + 1;
		}
	*line = l;
	*col = (int)(pos - bol) + 1;
}

int tmpl_add(tmpl_env *e, const char *name, const char *file, const char *text, size_t len, diag *d)
{
	lua_State *L = e->L;
	if (!file)
		file = name;
	buf code = BUF_INIT;
	tr_error err = {0, NULL};
	if (translate(text, len, &code, &err) != 0) {
		int line, col;
		pos_to_linecol(text, err.pos, &line, &col);
		diag_error(d, file, line, col, "%s", err.msg);
		buf_free(&code);
		return -1;
	}
	char *chunkname = xasprintf("@%s", file);
	/* Text mode only: crafted bytecode can crash the interpreter. */
	int st = luaL_loadbufferx(L, code.data, code.len, chunkname, "t");
	free(chunkname);
	buf_free(&code);
	if (st != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		report(e, d, msg ? msg : "cannot compile template", file, NULL);
		lua_pop(L, 1);
		return -1;
	}
	/* The chunk's own _ENV upvalue is never used (the prologue declares a
	 * local _ENV); point it at an empty table rather than the globals. */
	lua_newtable(L);
	lua_setupvalue(L, -2, 1);
	int ref = luaL_ref(L, LUA_REGISTRYINDEX);

	size_t ti = find_tmpl(e, name);
	if (ti != SIZE_MAX) {
		tmpl_entry *t = &e->tmpls[ti];
		luaL_unref(L, LUA_REGISTRYINDEX, t->ref);
		free(t->file);
		t->file = xstrdup(file);
		t->ref = ref;
		return 0;
	}
	if (e->ntmpls == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->tmpls = xrealloc(e->tmpls, e->cap * sizeof *e->tmpls);
	}
	e->tmpls[e->ntmpls++] = (tmpl_entry){xstrdup(name), xstrdup(file), ref};
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *make_label(const char *prefix, const char *rel)
{
	if (prefix && *prefix)
		return *rel ? xasprintf("%s/%s", prefix, rel) : xstrdup(prefix);
	return xstrdup(rel);
}

static int add_dir(tmpl_env *e, const char *dir, const char *rel, const char *prefix, int depth,
                   diag *d)
{
	char *path = *rel ? path_join(dir, rel) : xstrdup(dir);
	DIR *dh = opendir(path);
	if (!dh) {
		char *label = make_label(prefix, rel);
		diag_error(d, *label ? label : path, 0, 0, "cannot read template folder: %s",
		           strerror(errno));
		free(label);
		free(path);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);

	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *full = path_join(path, names[i]);
		char *label = make_label(prefix, crel);
		struct stat st;
		/* lstat: a link in a theme could publish any file the builder can
		 * read (a template is copied into pages), so links are not followed. */
		if (lstat(full, &st) != 0) {
			diag_error(d, label, 0, 0, "cannot read template: %s", strerror(errno));
			rc = -1;
		} else if (S_ISLNK(st.st_mode)) {
			diag_warning(d, label, 0, 0,
			             "symbolic link skipped: templates are read only from the theme's "
			             "own files");
		} else if (S_ISDIR(st.st_mode)) {
			if (depth >= MAX_DIR_DEPTH) {
				diag_error(d, label, 0, 0, "template folders nested too deep");
				rc = -1;
			} else if (add_dir(e, dir, crel, prefix, depth + 1, d)) {
				rc = -1;
			}
		} else if (S_ISREG(st.st_mode) && str_ends_with(names[i], ".html")) {
			char *data;
			size_t len;
			if (read_file(full, MAX_TEMPLATE_SIZE, &data, &len) != 0) {
				diag_error(d, label, 0, 0, "cannot read template: %s",
				           strerror(errno));
				rc = -1;
			} else {
				char *tname = xstrndup(crel, strlen(crel) - strlen(".html"));
				if (tmpl_add(e, tname, label, data, len, d))
					rc = -1;
				free(tname);
				free(data);
			}
		}
		free(label);
		free(full);
		free(crel);
		free(names[i]);
	}
	free(names);
	free(path);
	return rc;
}

int tmpl_add_dir(tmpl_env *e, const char *dir, const char *label_prefix, diag *d)
{
	return add_dir(e, dir, "", label_prefix, 0, d);
}

/* ---- render entry point ------------------------------------------------------------ */

static void report_render_error(tmpl_env *e, size_t ti, const char *what, diag *d)
{
	lua_State *L = e->L;
	const char *fallback = e->tmpls[ti].file;
	if (e->mem_over || e->instr_over) {
		/* Lua's own "not enough memory" carries no position: name the
		 * template that was running. */
		if (e->limit_msg)
			report(e, d, e->limit_msg, fallback, what);
		else if (e->mem_over)
			report(e, d, MSG_MEM, e->mem_file ? e->mem_file : fallback, what);
		else
			report(e, d, MSG_INSTR, fallback, what);
		return;
	}
	const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
	if (!msg) {
		char *m =
		    xasprintf("template raised a %s value as its error", luaL_typename(L, -1));
		report(e, d, m, fallback, what);
		free(m);
		return;
	}
	report(e, d, msg, fallback, what);
}

int tmpl_render(tmpl_env *e, const char *name, int ctx, const char *what, buf *out, diag *d)
{
	lua_State *L = e->L;
	int top = lua_gettop(L);
	ctx = lua_absindex(L, ctx);
	size_t ti = find_tmpl(e, name);
	if (ti == SIZE_MAX) {
		const char *s = suggest_tmpl(e, name);
		diag_error(d, what ? what : "", 0, 0, "no template named \"%s\"%s%s%s", name,
		           s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
		return -1;
	}
	if (!lua_istable(L, ctx)) {
		diag_error(d, e->tmpls[ti].file, 0, 0, "render context is a %s, not a table",
		           luaL_typename(L, ctx));
		return -1;
	}
	lua_checkstack(L, 8);

	e->instr_used = 0;
	e->alloc_bytes = 0;
	e->instr_over = e->mem_over = e->deny_pending = false;
	e->mem_file = NULL;
	free(e->limit_msg);
	e->limit_msg = NULL;
	e->depth = 0;
	e->mem_limit = e->max_mem > SIZE_MAX - e->mem_used ? SIZE_MAX : e->mem_used + e->max_mem;
	e->rendering = true;
	lua_sethook(L, count_hook, LUA_MASKCOUNT, e->tick);

	lua_pushcfunction(L, top_entry);
	lua_pushinteger(L, (lua_Integer)ti);
	lua_pushvalue(L, ctx);
	lua_pushlightuserdata(L, out);
	int st = lua_pcall(L, 3, 0, 0);

	lua_sethook(L, NULL, 0, 0);
	e->rendering = false;
	settle_denial(e);
	int rc = 0;
	if (st != LUA_OK) {
		report_render_error(e, ti, what, d);
		clear_scopes(L, e, 1);
		rc = -1;
	}
	e->depth = 0;
	free(e->limit_msg);
	e->limit_msg = NULL;
	lua_settop(L, top);
	/* A failed render can leave up to a whole budget of garbage behind;
	 * collect it now rather than charge it to the next render. */
	if (rc)
		lua_gc(L, LUA_GCCOLLECT);
	return rc;
}

void tmpl_set_builtin(tmpl_env *e, const char *name)
{
	lua_State *L = e->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->builtins_ref);
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}
