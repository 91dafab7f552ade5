/* sandbox: the lua_State templates run in, and what bounds them.
 *
 * Owns: the counting allocator (every byte of the state, enforced against
 * the memory budget while rendering), the count hook and sb_charge (the
 * instruction budget, which C work is charged to as well), the output
 * buffers (wbuf), and the standard library templates get: base functions,
 * string, table, math, utf8, read-only, without dump/random, with each C
 * function metered for the work its arguments ask for (see tmpl.h).
 * Nothing here is freed by hand: the state's GC frees wbufs and the
 * library; tmpl_free closes the state. */
#include "tmpl/env.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lualib.h>

#include "tmpl/lpattern.h"

/* Wall time between two reads of the thread's CPU clock (see cpu_spent). */
#define CPU_CHECK_NS 10000000LL
/* The wall clock the hook reads: a coarse one where there is one (about
 * 10 ns a read, where even the plain monotonic clock can be a system call). */
#ifdef CLOCK_MONOTONIC_COARSE
#define HOOK_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define HOOK_CLOCK CLOCK_MONOTONIC
#endif

/* C code such as string concatenation copies bytes the count hook never
 * sees: `s = s .. x` in a loop is a few instructions per step but quadratic
 * in bytes. Each this many bytes allocated during a render is charged as
 * one instruction (roughly what copying them costs). */
#define BYTES_PER_INSTR 64
/* A pattern-matching step (lpattern.h: one call or loop of the matcher, one
 * character tried) takes about as long as this many Lua instructions, so a
 * runaway match is stopped about as soon as a runaway loop. */
#define INSTR_PER_STEP 2
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
#define BYTES_PER_ENTRY 16
/* table.concat does more per entry than the others: a fetch, a type
 * check and a copy into a buffer. */
#define INSTR_PER_CONCAT 4
tmpl_env *sb_env(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

const char *sb_cur_file(const tmpl_env *e)
{
	return e->depth > 0 ? e->frames[e->depth] : NULL;
}

void sb_mark_mem_over(tmpl_env *e, const char *file)
{
	if (!e->mem_over) {
		e->mem_over = true;
		e->mem_file = file;
	}
}

static void settle_now(tmpl_env *e)
{
	if (!e->mem_over)
		e->build_over = e->deny_build;
	sb_mark_mem_over(e, e->deny_file);
}

void sb_settle(tmpl_env *e)
{
	if (e->deny_pending) {
		e->deny_pending = false;
		settle_now(e);
	}
}

/* ---- allocator ---------------------------------------------------------- */

/* The build's budget is a counter every thread's allocations would update
 * (an atomic operation on a cache line the render threads pass back and
 * forth: 5% of their time). Each env takes SHARED_CHUNK at a time and
 * hands it out itself, so the budget sees an env's use to within
 * 2 * SHARED_CHUNK. */
#define SHARED_CHUNK ((size_t)256 * 1024)

/* Charges n bytes a render allocates to the build's budget; false (and
 * nothing charged) when it has no room. */
static bool take_shared(tmpl_env *e, size_t n)
{
	if (!e->shared)
		return true;
	if (e->shared_spare >= n) {
		e->shared_spare -= n;
		return true;
	}
	size_t need = n - e->shared_spare;
	/* A chunk more than needed when the budget has room for it, else
	 * exactly what is needed: the limit is where it always was. */
	for (size_t grab = need + SHARED_CHUNK;; grab = need) {
		size_t before = atomic_fetch_add(&e->shared->used, grab);
		if (before <= e->shared->max && grab <= e->shared->max - before) {
			e->shared_held += grab;
			e->shared_spare += grab;
			e->shared_spare -= n;
			return true;
		}
		atomic_fetch_sub(&e->shared->used, grab);
		if (grab == need)
			return false;
	}
}

/* Memory the state freed goes back to the build's budget, up to what this
 * env charged to it (the caller's own data was never charged); the env
 * keeps up to SHARED_CHUNK of it for its next allocations. */
static void give_back(tmpl_env *e, size_t n)
{
	if (!e->shared || e->shared_held == e->shared_spare)
		return;
	if (n > e->shared_held - e->shared_spare)
		n = e->shared_held - e->shared_spare;
	e->shared_spare += n;
	if (e->shared_spare > 2 * SHARED_CHUNK)
		sb_release_shared(e, e->shared_spare - SHARED_CHUNK);
}

void sb_release_shared(tmpl_env *e, size_t n)
{
	if (!e->shared)
		return;
	if (n > e->shared_spare)
		n = e->shared_spare;
	e->shared_spare -= n;
	e->shared_held -= n;
	atomic_fetch_sub(&e->shared->used, n);
}

/* Small blocks (tables, strings, userdata, closures: most of what a
 * render allocates, and frees when the collector runs) come from the env's
 * own free lists, one per POOL_STEP of size, instead of malloc: one thread
 * uses an env, so no locks, and no search for a fitting chunk. The blocks
 * go back to malloc when the env is freed (sb_pool_drain). */
#define POOL_CLASS(n) (((n) + POOL_STEP - 1) / POOL_STEP)

static void pool_free(tmpl_env *e, void *ptr, size_t size)
{
	if (!ptr)
		return;
	if (size > POOL_MAX || size == 0) {
		free(ptr);
		return;
	}
	size_t c = POOL_CLASS(size);
	*(void **)ptr = e->pool[c];
	e->pool[c] = ptr;
}

/* realloc for blocks of Lua's: old is ptr's size (0 when ptr is NULL). */
static void *pool_realloc(tmpl_env *e, void *ptr, size_t old, size_t nsize)
{
	size_t oc = old && old <= POOL_MAX ? POOL_CLASS(old) : 0;
	size_t nc = nsize <= POOL_MAX ? POOL_CLASS(nsize) : 0;
	if (!oc && !nc)
		return realloc(ptr, nsize);
	/* A pooled block that shrinks stays where it is: it is at least as
	 * large as its new class, into whose list it goes when freed. */
	if (oc && nc && nc <= oc)
		return ptr;
	void *p;
	if (nc && e->pool[nc]) {
		p = e->pool[nc];
		e->pool[nc] = *(void **)p;
	} else {
		p = malloc(nc ? nc * POOL_STEP : nsize);
	}
	if (!p) /* Lua counts on shrinking: a large block that shrinks stays too */
		return ptr && nsize < old ? ptr : NULL;
	if (ptr) {
		memcpy(p, ptr, old < nsize ? old : nsize);
		pool_free(e, ptr, old);
	}
	return p;
}

void sb_pool_drain(tmpl_env *e)
{
	for (size_t c = 0; c < sizeof e->pool / sizeof *e->pool; c++)
		while (e->pool[c]) {
			void *next = *(void **)e->pool[c];
			free(e->pool[c]);
			e->pool[c] = next;
		}
}

void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	tmpl_env *e = ud;
	size_t old = ptr ? osize : 0; /* when ptr is NULL, osize is a type tag */
	if (nsize == 0) {
		pool_free(e, ptr, old);
		e->mem_used -= old;
		give_back(e, old);
		return NULL;
	}
	/* Lua assumes shrinking never fails, so only growth is refused. */
	if (nsize > old && e->rendering) {
		bool retry = false;
		if (e->deny_pending) {
			retry = ptr == e->deny_ptr && old == e->deny_old && nsize == e->deny_new;
			e->deny_pending = false;
			if (!retry)
				settle_now(e);
		}
		size_t room = e->mem_used < e->mem_limit ? e->mem_limit - e->mem_used : 0;
		bool build = nsize - old <= room && !take_shared(e, nsize - old);
		if (nsize - old > room || build) {
			if (retry) {
				if (!e->mem_over)
					e->build_over = build;
				sb_mark_mem_over(e, sb_cur_file(e));
			} else {
				e->deny_pending = true;
				e->deny_build = build;
				e->deny_ptr = ptr;
				e->deny_old = old;
				e->deny_new = nsize;
				e->deny_file = sb_cur_file(e);
			}
			return NULL;
		}
	}
	void *p = pool_realloc(e, ptr, old, nsize);
	if (!p) {
		if (nsize > old && e->rendering)
			give_back(e, nsize - old);
		return NULL;
	}
	e->mem_used = e->mem_used - old + nsize;
	if (nsize > old)
		e->alloc_bytes += nsize - old;
	else
		give_back(e, old - nsize);
	return p;
}

/* ---- CPU time ---------------------------------------------------------------- */

static long long clock_ns(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The thread's CPU clock is a system call (microseconds), so a render
 * reads it only once CPU_CHECK_NS of wall time have passed, and then once
 * every CPU_CHECK_NS: a page that renders in less (every ordinary page)
 * never reads it. Until the first read the render counts as having used
 * its whole wall time (a thread never uses more CPU than that), so a
 * render stops at most CPU_CHECK_NS before its limit (when its thread was
 * waiting in its first CPU_CHECK_NS) or that much, or one hook tick, after. */
void sb_start_clock(tmpl_env *e)
{
	e->cpu_start = -1;
	e->wall_start = e->wall_check = clock_ns(HOOK_CLOCK);
}

/* Whether the render has used up its CPU time. */
static bool cpu_spent(tmpl_env *e)
{
	if (!e->max_cpu_ns)
		return false;
	long long now = clock_ns(HOOK_CLOCK);
	if (now - e->wall_check < CPU_CHECK_NS)
		return false;
	e->wall_check = now;
	long long cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	if (e->cpu_start < 0)
		e->cpu_start = cpu - (now - e->wall_start);
	return cpu - e->cpu_start >= e->max_cpu_ns;
}

const char *sb_over_msg(const tmpl_env *e)
{
	if (e->mem_over)
		return e->build_over ? MSG_BUILD : MSG_MEM;
	return e->cpu_over ? MSG_CPU : MSG_INSTR;
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
	limit_error(L, sb_env(L));
}

/* A limit error at the template line that called the running C function.
 * Called through pcall (pcall(string.rep, ...)), the caller is pcall
 * itself, which has no line: the nearest Lua function is the template. */
void sb_raise_here(lua_State *L, tmpl_env *e, const char *msg)
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

void sb_hook(lua_State *L, lua_Debug *ar)
{
	tmpl_env *e = sb_env(L);
	sb_settle(e);
	const char *msg;
	if (e->mem_over) {
		msg = sb_over_msg(e);
	} else if (e->instr_over) {
		msg = sb_over_msg(e);
	} else {
		e->instr_used += (size_t)e->tick + e->alloc_bytes / BYTES_PER_INSTR;
		e->alloc_bytes %= BYTES_PER_INSTR;
		if (e->instr_used < e->max_instr && !cpu_spent(e))
			return;
		e->cpu_over = e->instr_used < e->max_instr;
		e->instr_over = true;
		msg = sb_over_msg(e);
	}
	/* A template can catch this with pcall; firing on every instruction
	 * from now on re-raises it before the template gets any further. */
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
	raise_at(L, ar, msg);
}

size_t sb_sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

size_t sb_sat_mul(size_t a, size_t b)
{
	return b && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

/* Charges work done in C, where sb_hook never fires, to the render's
 * budget, with the bytes allocated since the hook last charged them.
 * Returns the instructions left (SIZE_MAX outside a render); when none are,
 * raises the limit error at the template line instead. */
size_t sb_charge(lua_State *L, tmpl_env *e, size_t cost)
{
	if (!e->rendering)
		return SIZE_MAX;
	sb_settle(e);
	if (!e->mem_over && !e->instr_over) {
		cost = sb_sat_add(cost, e->alloc_bytes / BYTES_PER_INSTR);
		e->alloc_bytes %= BYTES_PER_INSTR;
		e->instr_used = sb_sat_add(e->instr_used, cost);
		if (e->instr_used < e->max_instr)
			return e->max_instr - e->instr_used;
		e->instr_over = true;
	}
	/* As in sb_hook: a pcall that catches this gets no further. */
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
	sb_raise_here(L, e, sb_over_msg(e));
	return 0;
}

/* The meter of the sandbox's pattern functions (lpattern.h): their
 * matcher may take only what is left of the render's budget. */
static size_t charge_pattern(lua_State *L, void *ud, size_t steps)
{
	tmpl_env *e = ud;
	size_t left = sb_charge(L, e, sb_sat_mul(steps, INSTR_PER_STEP));
	if (left < INSTR_PER_STEP)
		sb_charge(L, e, left); /* less than a step left: spend it and raise */
	return left / INSTR_PER_STEP;
}

/* ---- output buffers ------------------------------------------------------- */

int wbuf_gc(lua_State *L)
{
	wbuf *w = luaL_checkudata(L, 1, WBUF_META);
	if (w->p)
		sb_alloc(w->e, w->p, w->cap, 0);
	w->p = NULL;
	w->len = w->cap = 0;
	return 0;
}

wbuf *wbuf_new(lua_State *L, tmpl_env *e)
{
	wbuf *w = lua_newuserdatauv(L, sizeof *w, 0);
	w->p = NULL;
	w->len = w->cap = 0;
	w->e = e;
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->wbuf_mt_ref); /* WBUF_META, without a lookup by name */
	lua_setmetatable(L, -2);
	return w;
}

void wbuf_grow(lua_State *L, wbuf *w, size_t extra)
{
	if (w->cap - w->len >= extra)
		return;
	if (extra > SIZE_MAX / 4 - w->len)
		sb_raise_here(L, w->e, sb_over_msg(w->e));
	size_t need = w->len + extra;
	size_t cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	void *p = sb_alloc(w->e, w->p, w->cap, cap);
	if (!p) {
		/* Same as Lua's own emergency collection before giving up. */
		lua_gc(L, LUA_GCCOLLECT);
		p = sb_alloc(w->e, w->p, w->cap, cap);
	}
	if (!p) {
		sb_settle(w->e);
		sb_mark_mem_over(w->e, sb_cur_file(w->e));
		sb_raise_here(L, w->e, sb_over_msg(w->e));
	}
	w->p = p;
	w->cap = cap;
}

void wbuf_put(lua_State *L, wbuf *w, const char *s, size_t n)
{
	if (!n)
		return;
	wbuf_grow(L, w, n);
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

void wbuf_puts(lua_State *L, wbuf *w, const char *s)
{
	wbuf_put(L, w, s, strlen(s));
}

void wbuf_putc(lua_State *L, wbuf *w, char c)
{
	wbuf_put(L, w, &c, 1);
}

void wbuf_push(lua_State *L, const wbuf *w)
{
	lua_pushlstring(L, w->p ? w->p : "", w->len);
}

/* The bytes a builtin looks at one by one; its output is charged as it
 * is allocated, which is far less than the work of building it. */
void sb_charge_scan(lua_State *L, tmpl_env *e, size_t n)
{
	if (n >= SCAN_BYTES_PER_INSTR)
		sb_charge(L, e, n / SCAN_BYTES_PER_INSTR);
}

/* A sort of n items, up to maxlen bytes of which strcmp may compare
 * each time (0 for numbers). */
size_t sb_sort_cost(size_t n, size_t maxlen)
{
	size_t log2n = 0;
	while (log2n < sizeof n * 8 && n >> log2n)
		log2n++;
	return sb_sat_mul(sb_sat_mul(n, log2n), 1 + maxlen / CMP_BYTES_PER_INSTR);
}
/* string.rep builds its result in C, unmetered; refuse up front what would
 * not fit the memory budget, so the error names the template line. */
static int str_rep_capped(lua_State *L)
{
	tmpl_env *e = sb_env(L);
	size_t l, lsep = 0;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (e->rendering && n > 0) {
		size_t room = e->mem_used < e->mem_limit ? e->mem_limit - e->mem_used : 0;
		size_t used = e->shared ? atomic_load(&e->shared->used) : 0;
		size_t shared = !e->shared              ? SIZE_MAX
		                : used < e->shared->max ? e->shared->max - used
		                                        : 0;
		double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
		if (total > (double)room || total > (double)shared) {
			if (!e->mem_over)
				e->build_over = total <= (double)room;
			sb_mark_mem_over(e, sb_cur_file(e));
			sb_raise_here(L, e, sb_over_msg(e));
		}
		sb_charge(L, e, (size_t)n / REP_PIECES_PER_INSTR);
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
			bytes = sb_sat_add(bytes, str_len(L, k));
			if (lua_type(L, k) == LUA_TTABLE)
				c = sb_sat_add(c, tab_len(L, k));
		}
		return sb_sat_add(c, bytes / SCAN_BYTES_PER_INSTR);
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
		return sb_sat_mul(n, INSTR_PER_CONCAT);
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
		return sb_sat_mul(span(i, j), 2);
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
		return sb_sort_cost(n, maxlen);
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
	tmpl_env *e = sb_env(L);
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
		sb_charge_scan(L, e, walked);
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
	sb_charge(L, e, cost_before(L, e, kind));
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

void sb_open(tmpl_env *e)
{
	static const char *const base_names[] = {
	    "assert", "error",    "ipairs",   "next", "pairs",    "pcall",
	    "select", "tonumber", "tostring", "type", "rawequal", "rawlen",
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
	/* Arithmetic on a string converts it in C ("1...1" + 0 reads every
	 * digit), through the string metatable's __add etc.: meter those by
	 * the bytes of their operands too. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	static const char *const arith[] = {"__add", "__sub", "__mul", "__div",
	                                    "__mod", "__pow", "__unm", "__idiv"};
	for (size_t i = 0; i < sizeof arith / sizeof *arith; i++) {
		lua_CFunction f =
		    lua_getfield(L, -1, arith[i]) == LUA_TFUNCTION ? lua_tocfunction(L, -1) : NULL;
		lua_pop(L, 1);
		if (!f)
			continue;
		push_metered(L, f, COST_ARGS);
		lua_setfield(L, -2, arith[i]);
	}
	lua_pop(L, 2);
	meter_lib(L, tab, tab_costs);
	meter_lib(L, utf8, utf8_costs);
	/* math's functions convert string arguments, a byte at a time. */
	static const lib_cost math_costs[] = {{NULL, COST_NONE}};
	meter_lib(L, math, math_costs);
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
	/* tonumber and select read all of a string (select converts its
	 * first argument); rawequal compares two long strings byte by byte.
	 * The others are O(1) or bounded by a stack. */
	static const char *const scanning[] = {"tonumber", "rawequal", "select"};
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
	tm_open_builtins(L, b);
	e->builtins_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	lua_createtable(L, TMPL_MAX_DEPTH, 0);
	e->scopes_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	luaL_newmetatable(L, WBUF_META);
	e->wbuf_mt = lua_topointer(L, -1);
	lua_pushcfunction(L, wbuf_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	e->wbuf_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	/* Templates never see the global table (each has its own _ENV), but
	 * empty it so that load, dofile and friends are gone from the state
	 * altogether. */
	lua_newtable(L);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	lua_settop(L, 0);
}
