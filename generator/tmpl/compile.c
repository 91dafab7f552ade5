/* compile: template text -> a Lua chunk in the env's registry
 * (tmpl_add), and Lua's "file:12: message" -> a diagnostic at that place
 * (tm_report). The translation keeps template line N as Lua line N. The
 * chunk belongs to the env (freed with its state); names and file labels
 * are copied. */
#include "tmpl/env.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The prologue every compiled template starts with, on template line 1.
 * Declaring _ENV as a local makes each render's scope the template's only
 * environment; the writers and the output buffer come in as arguments so
 * that compiled chunks hold no per-render state. */
#define PROLOGUE "local _ENV,__gm_b,__gm_w,__gm_e,__gm_r=...;"
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

void tm_report(const tmpl_env *e, diag *d, const char *msg, const char *fallback, const char *what)
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
		tm_report(e, d, msg ? msg : "cannot compile template", file, NULL);
		lua_pop(L, 1);
		return -1;
	}
	/* The chunk's own _ENV upvalue is never used (the prologue declares a
	 * local _ENV); point it at an empty table rather than the globals. */
	lua_newtable(L);
	lua_setupvalue(L, -2, 1);
	int ref = luaL_ref(L, LUA_REGISTRYINDEX);

	size_t ti = tm_find(e, name);
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
