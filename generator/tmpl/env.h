/* env: the template engine's insides, shared by its files and by no one
 * else (render/ and the build use tmpl.h only).
 *
 *   tmpl.c      the env's life (new, free) and rendering: scopes, partials,
 *               the limits reset and reported per render
 *   compile.c   template text -> Lua chunk; Lua messages -> diagnostics
 *   loader.c    a folder of templates, read and compiled in name order
 *   sandbox.c   the lua_State templates run in: the counting allocator, the
 *               instruction/CPU/memory limits, output buffers (wbuf) and the
 *               metered, read-only standard library
 *   builtins.c  escape, urlencode, json, xml, thousands, sorted_keys and the
 *               writers compiled templates call
 *
 * Ownership: a tmpl_env owns its lua_State, its template table (names and
 * file labels copied) and limit_msg; tmpl_free frees all of it. A wbuf is a
 * Lua userdata: the GC frees its bytes (through sb_alloc, so they count
 * against the memory budget), also when an error unwinds a render. */
#ifndef GM_TMPL_ENV_H
#define GM_TMPL_ENV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

#include "core/diag.h"
#include "core/util.h"
#include "tmpl/tmpl.h"

/* Instructions between two calls of the count hook: small enough that a
 * caught limit error is re-raised quickly, large enough to cost nothing. */
#define HOOK_TICK 1000
/* Lua's blocks up to POOL_MAX bytes come from per-env free lists by size
 * class of POOL_STEP bytes (sandbox.c). */
#define POOL_MAX  256
#define POOL_STEP 16
#define WBUF_META "gapmap.tmpl.out"

#define MSG_INSTR "template instruction limit exceeded"
#define MSG_MEM   "template memory limit exceeded"
#define MSG_BUILD "template memory limit for the whole build exceeded"
#define MSG_CPU   "template CPU time limit exceeded"

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
	/* The metatable of wbufs (WBUF_META), to tell them fast, and its
	 * reference in the registry. */
	const void *wbuf_mt;
	int wbuf_mt_ref;
	size_t max_instr, max_mem;
	int tick;
	long long max_cpu_ns; /* 0: no CPU-time limit */
	tmpl_budget *shared;  /* the build's budget, or NULL */
	size_t shared_held;   /* what this env has charged to it */
	size_t shared_spare;  /* the part of shared_held not in use (take_shared) */

	/* Memory is always counted; the budget is enforced only while
	 * rendering. */
	size_t mem_used;
	/* Free blocks of Lua's up to POOL_MAX bytes, by size in POOL_STEPs
	 * (sb_alloc); each starts with the next. */
	void *pool[POOL_MAX / POOL_STEP + 1];
	size_t mem_limit;
	bool rendering;

	/* Per-render state, reset by tmpl_render. */
	size_t instr_used;
	size_t alloc_bytes; /* allocated since the hook last charged them */
	bool instr_over;    /* the instruction or the CPU-time limit */
	bool cpu_over;      /* ... the CPU-time one */
	bool mem_over;
	bool build_over;      /* the memory limit hit was the build's */
	long long cpu_start;  /* the thread's CPU clock at the start, in ns; -1: not read yet */
	long long wall_start; /* monotonic ns at the start */
	long long wall_check; /* monotonic ns of the last CPU clock read */
	const char *mem_file; /* template running when memory ran out */
	char *limit_msg;      /* "file:line: ..." where a limit was first hit */
	/* Lua retries a failed allocation once after an emergency collection,
	 * so a refusal is only final when the same request fails again or
	 * another one follows. */
	bool deny_pending;
	const void *deny_ptr;
	size_t deny_old, deny_new;
	const char *deny_file;
	bool deny_build; /* ... by the build's budget */
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

/* ---- sandbox.c ---- */

/* The env whose state L is (the allocator's userdata). */
tmpl_env *sb_env(lua_State *L);
/* The template file running at the current depth, or NULL. */
const char *sb_cur_file(const tmpl_env *e);
void sb_mark_mem_over(tmpl_env *e, const char *file);
/* Turns a refused allocation Lua did not retry into a memory-limit hit. */
void sb_settle(tmpl_env *e);
void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Gives up to n bytes of what the env charged to the build's budget but
 * does not use back to it (all of it: SIZE_MAX, when the env is freed). */
void sb_release_shared(tmpl_env *e, size_t n);
/* Frees the env's free lists of small blocks (after lua_close). */
void sb_pool_drain(tmpl_env *e);
void sb_hook(lua_State *L, lua_Debug *ar);
/* The message of the limit the render hit. */
const char *sb_over_msg(const tmpl_env *e);
/* Starts the per-render clocks. */
void sb_start_clock(tmpl_env *e);
/* Raises msg as a limit error at the nearest template line. */
void sb_raise_here(lua_State *L, tmpl_env *e, const char *msg);
size_t sb_sat_add(size_t a, size_t b);
size_t sb_sat_mul(size_t a, size_t b);
/* Charges cost instructions of work done in C; raises when the budget is
 * gone. Returns what is left (SIZE_MAX outside a render). */
size_t sb_charge(lua_State *L, tmpl_env *e, size_t cost);
/* Charges n bytes scanned one at a time. */
void sb_charge_scan(lua_State *L, tmpl_env *e, size_t n);
/* The cost of sorting n items of which strcmp may compare maxlen bytes. */
size_t sb_sort_cost(size_t n, size_t maxlen);
/* Opens the sandboxed library and the builtins in e->L. */
void sb_open(tmpl_env *e);

wbuf *wbuf_new(lua_State *L, tmpl_env *e);
int wbuf_gc(lua_State *L);
void wbuf_grow(lua_State *L, wbuf *w, size_t extra);
void wbuf_put(lua_State *L, wbuf *w, const char *s, size_t n);
void wbuf_puts(lua_State *L, wbuf *w, const char *s);
void wbuf_putc(lua_State *L, wbuf *w, char c);
void wbuf_push(lua_State *L, const wbuf *w);

/* ---- builtins.c ---- */

/* The writers a compiled template calls: literal text, <%= %>, <%- %>. */
int tm_out_lit(lua_State *L);
int tm_out_esc(lua_State *L);
int tm_out_raw(lua_State *L);
/* Sets the builtins (partial, escape, json, ...) into the table at idx. */
void tm_open_builtins(lua_State *L, int idx);

/* ---- compile.c ---- */

/* Reports a Lua message "file:12: text" as a diagnostic at that place, or
 * at fallback when it has none; what is added as "(while rendering what)". */
void tm_report(const tmpl_env *e, diag *d, const char *msg, const char *fallback, const char *what);

/* ---- tmpl.c ---- */

/* Index of template name, or SIZE_MAX. */
size_t tm_find(const tmpl_env *e, const char *name);
/* A template name close to name, or NULL; points into e. */
const char *tm_suggest(const tmpl_env *e, const char *name);
/* The partial(name [, tbl]) builtin. */
int tm_partial(lua_State *L);

#endif
