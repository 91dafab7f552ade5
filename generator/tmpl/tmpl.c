/* tmpl: the env's life and rendering (the API in tmpl.h). A render runs
 * a compiled template in a fresh scope over the caller's context table,
 * with the limits of sandbox.c reset for it; partials render nested, up to
 * TMPL_MAX_DEPTH. Output goes to a wbuf and is appended to the caller's buf
 * only when the whole render succeeded. */
#include "tmpl/env.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- template lookup ------------------------------------------------------- */

size_t tm_find(const tmpl_env *e, const char *name)
{
	for (size_t i = 0; i < e->ntmpls; i++)
		if (strcmp(e->tmpls[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* A template name close to name, or NULL; points into e. */
const char *tm_suggest(const tmpl_env *e, const char *name)
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
	lua_pushcfunction(L, tm_out_lit);
	lua_pushcfunction(L, tm_out_esc);
	lua_pushcfunction(L, tm_out_raw);
	lua_call(L, 5, 0);

	set_scope(L, e, e->depth, 0);
	e->depth--;
	return w;
}

static int partial_entry(lua_State *L)
{
	tmpl_env *e = sb_env(L);
	wbuf *w = do_render(L, e, (size_t)lua_tointeger(L, 1), 2);
	wbuf_push(L, w);
	return 1;
}

static int top_entry(lua_State *L)
{
	tmpl_env *e = sb_env(L);
	buf *out = lua_touserdata(L, 3);
	wbuf *w = do_render(L, e, (size_t)lua_tointeger(L, 1), 2);
	sb_settle(e);
	/* The template may have caught a limit error and finished anyway. */
	if (e->mem_over || e->instr_over)
		return luaL_error(L, "%s", sb_over_msg(e));
	if (w->len)
		buf_put(out, w->p, w->len);
	return 0;
}

static void clear_scopes(lua_State *L, tmpl_env *e, int from)
{
	for (int d = from; d <= TMPL_MAX_DEPTH; d++)
		set_scope(L, e, d, 0);
}

int tm_partial(lua_State *L)
{
	tmpl_env *e = sb_env(L);
	const char *name = luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	size_t ti = tm_find(e, name);
	if (ti == SIZE_MAX) {
		const char *s = tm_suggest(e, name);
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

tmpl_env *tmpl_new(const tmpl_limits *limits)
{
	tmpl_env *e = xcalloc(1, sizeof *e);
	e->max_instr = limits && limits->max_instructions ? limits->max_instructions
	                                                  : TMPL_DEFAULT_INSTRUCTIONS;
	e->max_mem = limits && limits->max_memory ? limits->max_memory : TMPL_DEFAULT_MEMORY;
	e->tick = e->max_instr < HOOK_TICK ? (int)e->max_instr : HOOK_TICK;
	unsigned long cpu_ms =
	    limits && limits->max_cpu_ms ? limits->max_cpu_ms : TMPL_DEFAULT_CPU_MS;
	e->max_cpu_ns = (long long)cpu_ms * 1000000;
	e->shared = limits ? limits->shared : NULL;
	if (e->shared && !e->shared->max)
		e->shared->max = TMPL_DEFAULT_BUILD_MEMORY;
	e->L = lua_newstate(sb_alloc, e);
	if (!e->L) {
		free(e);
		return NULL;
	}
	sb_open(e);
	return e;
}

void tmpl_free(tmpl_env *e)
{
	if (!e)
		return;
	lua_close(e->L); /* before free(e): the allocator and wbuf_gc use e */
	sb_release_shared(e, SIZE_MAX);
	sb_pool_drain(e);
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
	return tm_find(e, name) != SIZE_MAX;
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
			tm_report(e, d, e->limit_msg, fallback, what);
		else if (e->mem_over)
			tm_report(e, d, sb_over_msg(e), e->mem_file ? e->mem_file : fallback, what);
		else
			tm_report(e, d, sb_over_msg(e), fallback, what);
		return;
	}
	const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
	if (!msg) {
		char *m =
		    xasprintf("template raised a %s value as its error", luaL_typename(L, -1));
		tm_report(e, d, m, fallback, what);
		free(m);
		return;
	}
	tm_report(e, d, msg, fallback, what);
}

int tmpl_render(tmpl_env *e, const char *name, int ctx, const char *what, buf *out, diag *d)
{
	lua_State *L = e->L;
	int top = lua_gettop(L);
	ctx = lua_absindex(L, ctx);
	size_t ti = tm_find(e, name);
	if (ti == SIZE_MAX) {
		const char *s = tm_suggest(e, name);
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
	e->instr_over = e->cpu_over = e->mem_over = e->build_over = e->deny_pending = false;
	e->mem_file = NULL;
	free(e->limit_msg);
	e->limit_msg = NULL;
	e->depth = 0;
	e->mem_limit = e->max_mem > SIZE_MAX - e->mem_used ? SIZE_MAX : e->mem_used + e->max_mem;
	e->rendering = true;
	sb_start_clock(e);
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, e->tick);

	lua_pushcfunction(L, top_entry);
	lua_pushinteger(L, (lua_Integer)ti);
	lua_pushvalue(L, ctx);
	lua_pushlightuserdata(L, out);
	int st = lua_pcall(L, 3, 0, 0);

	lua_sethook(L, NULL, 0, 0);
	e->rendering = false;
	sb_settle(e);
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
	 * collect it now rather than sb_charge it to the next render. */
	if (rc)
		lua_gc(L, LUA_GCCOLLECT);
	return rc;
}
