/* tmpl: the template engine. HTML templates with embedded Lua, compiled once
 * per build into Lua functions and run in a sandbox.
 *
 *     <%= expr %>   writes expr HTML-escaped (nil writes nothing)
 *     <%- expr %>   writes expr raw, unescaped
 *     <% code %>    runs Lua statements
 *     <%# note %>   a comment, dropped
 *     <%%           a literal "<%"
 *     -%>           closes any tag and swallows the newline right after it
 *
 * Template line N stays Lua line N and chunks are named "@<file>", so a Lua
 * error reads "templates/study.html:12: ...". A "%>" inside a Lua string
 * literal does not close a tag; a "--" line comment ends at the "%>".
 *
 * Templates see the fields of the context table as globals, then the
 * builtins, then nil. A template that assigns a global writes into a scope
 * private to that render. Tables the caller passes in are shared, not
 * copied: a template can change their fields.
 *
 * Builtins:
 *   partial(name [, tbl])  another template's output, rendered with tbl or
 *                          the caller's variables; a raw string, so write
 *                          it with <%- %>. Nesting is bounded (TMPL_MAX_DEPTH).
 *   escape(v)      HTML: & < > " ' as entities (what <%= %> writes)
 *   urlencode(v)   percent-encodes all but A-Z a-z 0-9 - . _ ~ (a path
 *                  segment or query value; "/" is encoded too)
 *   json(v)        keys sorted, an empty table as [], NaN and inf as null;
 *                  < > & ' U+2028 U+2029 escaped, so <%- json(v) %> is
 *                  safe in a <script> or a single-quoted attribute (use
 *                  <%= json(v) %> in a double-quoted one)
 *   xml(v)         the same as escape(v): HTML and XML share one escaping
 * All of them, and <%= %>, go through the one escaper (core/esc.h), with
 * its one rule: invalid UTF-8, C0 controls but tab and newlines, U+FFFE
 * and U+FFFF become U+FFFD (\ufffd in JSON, %EF%BF%BD in a URL).
 *   thousands(n)   "1,866"; "-1,234.5"
 *   sorted_keys(t) numbers ascending, then strings in byte order
 *   and the safe part of the standard library: assert, error, ipairs, next,
 *   pairs, pcall, select, tonumber, tostring, type, rawequal, rawlen, and
 *   read-only string, table, math and utf8 without string.dump, math.random
 *   and math.randomseed.
 * v may be nil (""), a string, a number or a boolean. Numbers print as
 * integers when integral (2.0 -> "2"); a table is an error rather than an
 * address that would change from build to build.
 *
 * Limits, per tmpl_render (partials included): an instruction budget
 * enforced by a count hook that keeps firing after a pcall catches it (bytes
 * allocated are charged too, one instruction per 64, so that quadratic
 * string building is stopped), and a memory budget enforced by the
 * allocator, so C functions such as string.rep are bounded too. The pattern
 * functions (string.find, match, gmatch, gsub) are Lua's own matcher with a
 * step counter (lpattern.h) whose steps are charged to the instruction
 * budget, so a pattern that backtracks without end fails like a loop that
 * never ends. The library's other C functions (string, table, utf8,
 * tonumber, rawequal, and the builtins) do their work where the hook never
 * fires, so each call is charged up front for the work its arguments ask
 * for: bytes scanned (utf8.len, upper, format, tonumber, escape), entries
 * moved (table.concat, unpack, move, insert at a position, string.byte) and
 * comparisons (table.sort, sorted_keys); utf8.offset and the utf8.codes
 * iterator are charged the bytes they walked. A loop of cheap-looking calls
 * on big values then stops like any other loop. Arithmetic on strings
 * ("123" + 0, through the string metatable) is charged the bytes it
 * converts. Some Lua operators still do work proportional to a string's
 * size in one instruction (comparing two long strings, == on distinct
 * equal strings, using one as a table key, a string as a for-loop bound or
 * in a bitwise operation, very long argument lists), and next() from the
 * start of a table whose slots were emptied scans them all: a CPU-time
 * limit per render (the thread's CPU clock, read in the count hook)
 * stops those, reported like the other limits. Memory is also capped for
 * the whole build when the caller passes a shared tmpl_budget: what
 * templates allocate and keep counts until the state frees it. After any
 * failure the env stays usable.
 *
 * Ownership: tmpl_new returns an env freed with tmpl_free, which also closes
 * its lua_State. One env per thread; nothing is shared between envs but the
 * caller's tmpl_budget, which envs update atomically. The env copies every
 * string handed to it. */
#ifndef GM_TMPL_H
#define GM_TMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "core/diag.h"
#include "core/util.h"

/* A memory budget shared by every env of one build (one env per render
 * thread): the bytes templates allocate and keep across renders, summed
 * over all envs, so a layout that grows a table kept from page to page is
 * stopped however many pages and threads there are. The caller owns it:
 * set max (0 picks TMPL_DEFAULT_BUILD_MEMORY) and used = 0, pass it in
 * tmpl_limits, and keep it alive until every env using it is freed. */
typedef struct tmpl_budget {
	_Atomic size_t used;
	size_t max;
} tmpl_budget;

/* Per render; 0 picks the default. */
typedef struct tmpl_limits {
	size_t max_instructions;  /* default TMPL_DEFAULT_INSTRUCTIONS */
	size_t max_memory;        /* bytes the render may add; default TMPL_DEFAULT_MEMORY */
	unsigned long max_cpu_ms; /* CPU time of the render's thread; default TMPL_DEFAULT_CPU_MS */
	tmpl_budget *shared;      /* the build's memory budget, or NULL for none */
} tmpl_limits;

#define TMPL_DEFAULT_INSTRUCTIONS ((size_t)50 * 1000 * 1000)
#define TMPL_DEFAULT_MEMORY       ((size_t)64 * 1024 * 1024)
#define TMPL_DEFAULT_BUILD_MEMORY ((size_t)256 * 1024 * 1024)
/* Far above what the instruction budget allows (about 0.2 s): only work
 * the instruction budget cannot see reaches it. */
#define TMPL_DEFAULT_CPU_MS 5000ul
/* How deep partials may nest before a render fails (a partial including
 * itself would otherwise recurse until the C stack runs out). */
#define TMPL_MAX_DEPTH 32

typedef struct tmpl_env tmpl_env;

/* One sandboxed lua_State. limits may be NULL. Returns NULL only when Lua
 * cannot allocate its initial state. */
tmpl_env *tmpl_new(const tmpl_limits *limits);
void tmpl_free(tmpl_env *e);

/* The env's lua_State, so the caller can push data tables. Keep its stack
 * balanced; do not install hooks or change the allocator. */
lua_State *tmpl_lua(tmpl_env *e);

/* Compiles one template. A later add of the same name replaces it (a theme
 * overriding the base templates); a failed add keeps the earlier one. file
 * is the path used in errors. Returns 0, or -1 after reporting
 * "file:line:col: error: ..." (col may be 0) to d. */
int tmpl_add(tmpl_env *e, const char *name, const char *file, const char *text, size_t len,
             diag *d);

/* Compiles every *.html under dir, recursively, in name order, skipping
 * names that start with '.'. name = path relative to dir without ".html"
 * ("layout", "partials/cite"); file label = label_prefix + "/" + relative
 * path (just the relative path when label_prefix is NULL or ""). Reports
 * every failure; returns 0 or -1. */
int tmpl_add_dir(tmpl_env *e, const char *dir, const char *label_prefix, diag *d);

bool tmpl_has(const tmpl_env *e, const char *name);

/* Pops the value on top of the env's stack and makes it the builtin name
 * (replacing any builtin of that name), e.g. a type() that knows the
 * caller's own userdata. */
void tmpl_set_builtin(tmpl_env *e, const char *name);

/* Renders template name with the Lua table at stack index ctx as its
 * variables and appends the output to out (nothing is appended on failure).
 * what names the thing being rendered (e.g. "studies/wright-2017.yaml") and
 * is added to any error, or NULL:
 *   templates/study.html:12: error: attempt to index a nil value (field 'x')
 *   (while rendering studies/wright-2017.yaml)
 * Returns 0 or -1. The stack is left as it was. */
int tmpl_render(tmpl_env *e, const char *name, int ctx, const char *what, buf *out, diag *d);

#endif
