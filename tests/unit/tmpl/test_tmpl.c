/* Unit tests for the template engine: syntax, builtins, errors with their
 * positions, the sandbox and the limits. */
#include "tmpl/tmpl.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* The context most tests render with. */
static void push_ctx(lua_State *L)
{
	lua_newtable(L);
	lua_pushstring(L, "& < > \" '");
	lua_setfield(L, -2, "title");
	lua_pushinteger(L, 1866);
	lua_setfield(L, -2, "n");
	lua_pushnumber(L, 2.0);
	lua_setfield(L, -2, "f");
	lua_pushnumber(L, 2.5);
	lua_setfield(L, -2, "half");
	lua_newtable(L);
	const char *items[] = {"a", "b", "c"};
	for (int i = 0; i < 3; i++) {
		lua_pushstring(L, items[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "list");
	lua_newtable(L);
	lua_pushstring(L, "X");
	lua_setfield(L, -2, "title");
	lua_pushinteger(L, 2017);
	lua_setfield(L, -2, "year");
	lua_setfield(L, -2, "study");
}

static char *first_error(diag *d)
{
	if (!d->count)
		return NULL;
	buf b = BUF_INIT;
	diag_format(&d->items[0], &b);
	return buf_detach(&b);
}

/* Renders template name with the table at ctx. Returns the output, or NULL
 * with *err set to the first diagnostic. Checks the stack is balanced. */
static char *render_ctx(tmpl_env *e, const char *name, int ctx, char **err)
{
	lua_State *L = tmpl_lua(e);
	diag *d = diag_new();
	buf out = BUF_INIT;
	int top = lua_gettop(L);
	int rc = tmpl_render(e, name, ctx, "studies/w.yaml", &out, d);
	CHECK(lua_gettop(L) == top);
	char *res = NULL;
	if (rc == 0 && d->count == 0) {
		res = buf_detach(&out);
	} else {
		*err = first_error(d);
		buf_free(&out);
	}
	diag_free(d);
	return res;
}

static int add(tmpl_env *e, const char *name, const char *text, char **err)
{
	diag *d = diag_new();
	char *file = xasprintf("templates/%s.html", name);
	int rc = tmpl_add(e, name, file, text, strlen(text), d);
	if (rc)
		*err = first_error(d);
	free(file);
	diag_free(d);
	return rc;
}

/* Compiles text as template "t" and renders it with the standard context. */
static char *go(tmpl_env *e, const char *text, char **err)
{
	if (add(e, "t", text, err))
		return NULL;
	lua_State *L = tmpl_lua(e);
	push_ctx(L);
	char *res = render_ctx(e, "t", -1, err);
	lua_pop(L, 1);
	return res;
}

#define EXPECT_OUT(e, text, want)                                                                  \
	do {                                                                                       \
		char *err_ = NULL;                                                                 \
		char *o_ = go((e), (text), &err_);                                                 \
		CHECK_STR(o_, (want));                                                             \
		if (!o_)                                                                           \
			printf("  error: %s\n", err_ ? err_ : "(none)");                           \
		free(o_);                                                                          \
		free(err_);                                                                        \
	} while (0)

#define EXPECT_ERR(e, text, want)                                                                  \
	do {                                                                                       \
		char *err_ = NULL;                                                                 \
		char *o_ = go((e), (text), &err_);                                                 \
		CHECK(o_ == NULL);                                                                 \
		CHECK_CONTAINS(err_, (want));                                                      \
		free(o_);                                                                          \
		free(err_);                                                                        \
	} while (0)

static void add_ok(tmpl_env *e, const char *name, const char *text)
{
	char *err = NULL;
	CHECK(add(e, name, text, &err) == 0);
	if (err)
		printf("  error: %s\n", err);
	free(err);
}

static void test_output(tmpl_env *e)
{
	EXPECT_OUT(e, "<%= title %>", "&amp; &lt; &gt; &quot; &#39;");
	EXPECT_OUT(e, "<%- title %>", "& < > \" '");
	EXPECT_OUT(e, "[<%= nothing %>][<%- nothing %>]", "[][]");
	EXPECT_OUT(e, "<%= n %>|<%= f %>|<%= half %>|<%= 10 / 4 %>|<%= 6 / 3 %>|<%= -0.0 %>",
	           "1866|2|2.5|2.5|2|0");
	EXPECT_OUT(e, "<%= true %> <%= 1 == 2 %>", "true false");
	EXPECT_OUT(e, "<%= \"50%>\" %>", "50%&gt;");
	EXPECT_OUT(e, "a <%% b", "a <% b");
	EXPECT_OUT(e, "<%= escape(\"<a href='x'>\") %>",
	           "&amp;lt;a href=&amp;#39;x&amp;#39;&amp;gt;");
	EXPECT_OUT(e, "<%- escape(\"<a href='x'>\") %>", "&lt;a href=&#39;x&#39;&gt;");
	EXPECT_OUT(e, "line1\r\nline2\\n\"q\"\x01", "line1\r\nline2\\n\"q\"\x01");
	EXPECT_ERR(e, "<%= list %>", "cannot write a table value");
}

static void test_statements(tmpl_env *e)
{
	EXPECT_OUT(e, "<% for i, v in ipairs(list) do %><%= i %>=<%= v %>;<% end %>",
	           "1=a;2=b;3=c;");
	EXPECT_OUT(e, "<% if study.year > 2000 then %>new<% else %>old<% end %>", "new");
	EXPECT_OUT(e,
	           "<% local t = {} for k in pairs(study) do t[#t + 1] = k end "
	           "table.sort(t) %><%= table.concat(t, ',') %>",
	           "title,year");
	EXPECT_OUT(e,
	           "<% local function up(s) return s:upper() end %><%= up(study.title .. 'y') %>",
	           "XY");
	EXPECT_OUT(e, "a<%# a comment %>b<%# another\nover lines -%>\nc", "abc");
	EXPECT_OUT(e, "<% if true then -%>\nyes\n<% end -%>\nafter", "yes\nafter");
	EXPECT_OUT(e, "<% x = 1 -- a comment %><%= x %>", "1");
	EXPECT_OUT(e, "<% y = 2 --%>\n<%= y %>", "2");
	EXPECT_OUT(e, "<%= 'a' --[[ long\ncomment ]] %>|<%= [[b%>]] %>", "a|b%&gt;");
	EXPECT_OUT(e, "<%- (\"x\"):rep(3) -%>\r\nz", "xxxz");
}

static void test_partials(tmpl_env *e)
{
	add_ok(e, "cite", "[<%= s.title %>]");
	add_ok(e, "vars", "(<%= title %>|<%= x %>)");
	add_ok(e, "setter", "<% y = 1 %>set");
	EXPECT_OUT(e, "<%- partial(\"cite\", {s = study}) %>", "[X]");
	EXPECT_OUT(e, "<% x = 5 %><%- partial(\"vars\") %>", "(&amp; &lt; &gt; &quot; &#39;|5)");
	EXPECT_OUT(e, "<%- partial(\"setter\") %>[<%= y %>]", "set[]");
	EXPECT_ERR(e, "<%- partial(\"cyte\") %>",
	           "no template named \"cyte\" (did you mean \"cite\"?)");
	EXPECT_ERR(e, "<%- partial(\"cite\", 5) %>", "table expected");

	add_ok(e, "loop", "<%- partial(\"loop\") %>");
	EXPECT_ERR(e, "<%- partial(\"loop\") %>", "nested more than 32 deep");
	EXPECT_ERR(e, "<%- partial(\"loop\") %>", "templates/loop.html:1: error:");
	/* A caught partial error leaves the depth as it was. */
	EXPECT_OUT(e,
	           "<% for i = 1, 40 do pcall(partial, \"loop\") end %><%- partial(\"cite\", {s = "
	           "study}) %>",
	           "[X]");

	add_ok(e, "bad", "ok\n<%= s.nope.x %>");
	EXPECT_ERR(e, "a\n<%- partial(\"bad\", {s = {}}) %>",
	           "templates/bad.html:2: error: attempt to index a nil value (field 'nope') "
	           "(included from templates/t.html:2) (while rendering studies/w.yaml)");

	/* Theme override: a later add of the same name replaces the template. */
	add_ok(e, "cite", "{<%= s.title %>}");
	EXPECT_OUT(e, "<%- partial(\"cite\", {s = study}) %>", "{X}");
	char *err = NULL;
	CHECK(add(e, "cite", "<% if %>", &err) == -1);
	free(err);
	EXPECT_OUT(e, "<%- partial(\"cite\", {s = study}) %>", "{X}");
	CHECK(tmpl_has(e, "cite"));
	CHECK(!tmpl_has(e, "nope"));

	lua_State *L = tmpl_lua(e);
	push_ctx(L);
	err = NULL;
	CHECK(render_ctx(e, "nope", -1, &err) == NULL);
	CHECK_CONTAINS(err, "no template named \"nope\"");
	free(err);
	lua_pop(L, 1);
}

static void test_errors(tmpl_env *e)
{
	EXPECT_ERR(e, "a\nb\n<%= 1 + %>\nc", "templates/t.html:3: error:");
	EXPECT_ERR(e, "a\n<% if x then %>\nb\n", "templates/t.html:4: error: 'end' expected");
	EXPECT_ERR(e, "ab\n  <% x = 1",
	           "templates/t.html:2:3: error: \"<%\" without a closing \"%>\"");
	EXPECT_ERR(e, "<% x = [[ %>", "templates/t.html:1:8: error: unfinished long string");
	EXPECT_ERR(e, "a\nb\n<%= study.missing.x %>",
	           "templates/t.html:3: error: attempt to index a nil value (field 'missing') "
	           "(while rendering studies/w.yaml)");
	EXPECT_ERR(e, "<%= nope.x %>", "attempt to index a nil value (global 'nope')");
	EXPECT_ERR(e, "<% error({}) %>", "templates/t.html: error: template raised a table value");
	/* The writers a compiled template calls take only its own output. */
	EXPECT_ERR(e, "<% __gm_w({}, 'x') %>", "templates/t.html:1: error:");
	EXPECT_ERR(e, "<% __gm_e(io, 'x') %>", "templates/t.html:1: error:");
	EXPECT_ERR(e, "<% __gm_r(nil, 'x') %>", "templates/t.html:1: error:");

	/* Line numbers survive multi-line code, comments, strings, trimming
	 * and CRLF line ends. */
	EXPECT_ERR(e,
	           "<% local a = 1\n"
	           "   local b = 2 %>\n"
	           "<%# comment\n"
	           "spanning lines %>\n"
	           "<%= a -%>\n"
	           "<%= \"x\\\ny\" %>\r\n"
	           "<%= [[\nz]] %>\n"
	           "<% error(\"boom\") %>",
	           "templates/t.html:10: error: boom (while rendering");

	/* Long file labels are not left shortened ("...") by Lua. */
	const char *longfile = "themes/a-theme-with-a-rather-long-name/templates/partials/"
	                       "deeply/nested/broken.html";
	diag *d = diag_new();
	const char *text = "\n<% error('x') %>";
	CHECK(tmpl_add(e, "long", longfile, text, strlen(text), d) == 0);
	lua_State *L = tmpl_lua(e);
	lua_newtable(L);
	buf out = BUF_INIT;
	CHECK(tmpl_render(e, "long", -1, NULL, &out, d) == -1);
	lua_pop(L, 1);
	CHECK(d->count == 1 && d->count && strcmp(d->items[0].file, longfile) == 0);
	CHECK(d->count && d->items[0].line == 2);
	CHECK(out.len == 0);
	buf_free(&out);
	diag_free(d);
}

/* Lua code that turns any number of values into one line of text; the
 * pattern cases below are compared through it. */
#define SHOW_FN                                                                                    \
	"local function show(...) local t = {} for i = 1, select('#', ...) do "                    \
	"t[i] = tostring((select(i, ...))) end return table.concat(t, ',') end "

/* What stock Lua 5.4 (a plain lua_State with the real string library)
 * gives for expr, through show(); caller frees. */
static char *stock_eval(const char *expr)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	char *code = xasprintf(SHOW_FN "return show(%s)", expr);
	char *res;
	if (luaL_dostring(L, code) == LUA_OK)
		res = xstrdup(lua_tostring(L, -1));
	else
		res = xasprintf("error: %s", lua_tostring(L, -1));
	free(code);
	lua_close(L);
	return res;
}

/* The sandbox's pattern functions are its own (lpattern.c), with a budget;
 * they must behave exactly as Lua 5.4's. Each case is checked against the
 * expected text, against stock Lua, and in the sandbox. */
static void test_patterns(tmpl_env *e)
{
	static const struct {
		const char *expr, *want;
	} cases[] = {
	    /* find: positions, init, plain, anchors */
	    {"string.find('hello world', 'o w')", "5,7"},
	    {"string.find('hello world', 'l+')", "3,4"},
	    {"string.find('hello', 'xyz')", "nil"},
	    {"string.find('hello', '')", "1,0"},
	    {"string.find('hello', '', 6)", "6,5"},
	    {"string.find('hello', '', 7)", "nil"},
	    {"string.find('hello', 'l', -2)", "4,4"},
	    {"string.find('hello', 'h', -100)", "1,1"},
	    {"string.find('hello', 'l', 10)", "nil"},
	    {"('a.b'):find('.', 1, true)", "2,2"},
	    {"('a.b'):find('.')", "1,1"},
	    {"('a+b'):find('+', 1, true)", "2,2"},
	    {"('a\\0b.c'):find('\\0b', 1)", "2,3"},
	    {"('a\\0b.c'):find('b.', 1, true)", "3,4"},
	    {"('hello'):find('^h')", "1,1"},
	    {"('hello'):find('^e')", "nil"},
	    {"('hello'):find('^l', 3)", "3,3"},
	    {"('hello'):find('o$')", "5,5"},
	    {"('hello'):find('l$')", "nil"},
	    {"('a$b'):find('$b')", "2,3"},
	    {"('a^b'):find('a^')", "1,2"},
	    {"string.find('key = value', '(%w+)%s*=%s*(%w+)')", "1,11,key,value"},
	    {"string.find('hello', '()ll()')", "3,4,3,5"},
	    /* match: captures, classes, sets, quantifiers */
	    {"string.match('hello 123 world', '%d+')", "123"},
	    {"string.match('  trim me  ', '^%s*(.-)%s*$')", "trim me"},
	    {"string.match('2024-01-15', '(%d+)-(%d+)-(%d+)')", "2024,01,15"},
	    {"string.match('hello', '()ll()')", "3,5"},
	    {"string.match('hello', '.-(l+)(.*)')", "ll,o"},
	    {"string.match('abc', '((a)(b))')", "ab,a,b"},
	    {"string.match('hello', '(h)(e)', 2)", "nil"},
	    {"string.match('hello', '.', -1)", "o"},
	    {"('aaa'):match('a-b')", "nil"},
	    {"('aaab'):match('a-b')", "aaab"},
	    {"('abc'):match('a?b?x?c?')", "abc"},
	    {"('abc'):match('^(a*)(.-)$')", "a,bc"},
	    {"('x = 10'):match('^(%a+)%s*=%s*(%d+)$')", "x,10"},
	    {"('a1 B_!'):gsub('%A', '.')", "a..B..,4"},
	    {"('a1 B_!\\t'):gsub('[%w_]', '')", " !\t,4"},
	    {"('a]b'):match('[]]')", "]"},
	    {"('a]b^'):match('[^]a]+')", "b^"},
	    {"('a-b'):match('[%-]')", "-"},
	    {"('cab-'):match('[a-c]+')", "cab"},
	    {"('x=1, y=2'):match('[%w_]+', 2)", "1"},
	    {"('0x1F!'):match('%x+', 3)", "1F"},
	    {"('abc'):match('[^%a]')", "nil"},
	    {"('Hi There'):match('%u%l+$')", "There"},
	    {"('a.b'):match('%.(.)')", "b"},
	    {"('h\\195\\169llo'):match('[\\128-\\255]+')", "\xC3\xA9"},
	    /* %b, %f, back-references */
	    {"string.match('f(a(b)c) d', '%b()')", "(a(b)c)"},
	    {"string.match('f(a(b c', '%b()')", "nil"},
	    {"string.gsub('THE (quick) fox', '%f[%a]%a+', 'W')", "W (W) W,3"},
	    {"('hello'):find('%f[%W]')", "6,5"},
	    {"('the cat'):gsub('%f[%w]%w+%f[%W]', '<%0>')", "<the> <cat>,2"},
	    {"string.match('say \"hi\" now', '([\"\\'])(.-)%1')", "\",hi"},
	    {"('abcabc'):match('(abc)%1')", "abc"},
	    /* gsub: strings, %0, %%, limits, anchors, empty matches */
	    {"('hello world'):gsub('o', '0')", "hell0 w0rld,2"},
	    {"('hello world'):gsub('(%w+)', '<%1>')", "<hello> <world>,2"},
	    {"('abc'):gsub('%w', '%0%0%%')", "aa%bb%cc%,3"},
	    {"('hello world'):gsub('(%w+) (%w+)', '%2 %1')", "world hello,1"},
	    {"('aaa'):gsub('a', 'b', 2)", "bba,2"},
	    {"('aaa'):gsub('a', 'b', 0)", "aaa,0"},
	    {"('aaa'):gsub('^a', 'b')", "baa,1"},
	    {"('abc'):gsub('', '-')", "-a-b-c-,4"},
	    {"('abc'):gsub('b*', '-')", "-a-c-,3"},
	    {"('abc'):gsub('()b', '%1')", "a2c,1"},
	    {"('abc'):gsub('b', 5)", "a5c,1"},
	    {"('abc'):gsub('x', 'y')", "abc,0"},
	    /* gsub: tables and functions */
	    {"('$name is $age'):gsub('%$(%w+)', {name = 'Ann', age = 30})", "Ann is 30,2"},
	    {"('$x $y'):gsub('%$(%w+)', {x = '1'})", "1 $y,2"},
	    {"('hello world'):gsub('%w+', function(w) return w:upper() end)", "HELLO WORLD,2"},
	    {"('a b'):gsub('%w', function(c) if c == 'a' then return false end return 'X' end)",
	     "a X,2"},
	    {"('k=v, x=y'):gsub('(%w+)=(%w+)', function(k, v) return v .. '=' .. k end)",
	     "v=k, y=x,2"},
	    {"('abc'):gsub('%w', function(c) return c:byte() end)", "979899,3"},
	    /* gmatch: captures, init, empty matches, no anchor */
	    {"(function() local t = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do "
	     "t[#t + 1] = k .. v end return table.concat(t, ';') end)()",
	     "a1;b2"},
	    {"(function() local t = {} for w in ('one two  three'):gmatch('%a+') do "
	     "t[#t + 1] = w end return table.concat(t, '|') end)()",
	     "one|two|three"},
	    {"(function() local n = 0 for w in ('abcabc'):gmatch('a', 2) do n = n + 1 end "
	     "return n end)()",
	     "1"},
	    {"(function() local t = {} for w in ('abc'):gmatch('x*') do t[#t + 1] = '[' .. w .. "
	     "']' end return table.concat(t) end)()",
	     "[][][][]"},
	    {"(function() local t = {} for p in ('abc'):gmatch('()') do t[#t + 1] = p end "
	     "return table.concat(t, ',') end)()",
	     "1,2,3,4"},
	    {"(function() local t = {} for w in ('^a^a a'):gmatch('^a') do t[#t + 1] = w end "
	     "return #t end)()",
	     "2"},
	    {"(function() local n = 0 for c in ('h\\195\\169llo'):gmatch(utf8.charpattern) do "
	     "n = n + 1 end return n end)()",
	     "5"},
	    /* errors, with Lua's messages */
	    {"select(2, pcall(string.find, 'a', '%'))", "malformed pattern (ends with '%')"},
	    {"select(2, pcall(string.find, 'a', '[a'))", "malformed pattern (missing ']')"},
	    {"select(2, pcall(string.find, 'a', '%b'))",
	     "malformed pattern (missing arguments to '%b')"},
	    {"select(2, pcall(string.find, 'a', '%fa'))", "missing '[' after '%f' in pattern"},
	    {"select(2, pcall(string.match, 'a', 'a)'))", "invalid pattern capture"},
	    {"string.find('a)', 'a)')", "1,2"},
	    {"select(2, pcall(string.find, 'a', '(a'))", "unfinished capture"},
	    {"select(2, pcall(string.find, 'aa', '(a)%2'))", "invalid capture index %2"},
	    {"select(2, pcall(string.find, 'a', ('()'):rep(33)))", "too many captures"},
	    {"select(2, pcall(string.match, ('a'):rep(300), ('a?'):rep(300)))",
	     "pattern too complex"},
	    {"select(2, pcall(string.gsub, 'x', 'x', '%2'))", "invalid capture index %2"},
	    {"select(2, pcall(string.gsub, 'x', 'x', '%z'))",
	     "invalid use of '%' in replacement string"},
	    {"select(2, pcall(string.gsub, 'x', 'x', {x = {}}))",
	     "invalid replacement value (a table)"},
	    {"select(2, pcall(string.gsub, 'x', 'x', true))",
	     "bad argument #3 to 'string.gsub' (string/function/table expected, got boolean)"},
	    {"select(2, pcall(string.find, nil, 'x'))",
	     "bad argument #1 to 'string.find' (string expected, got nil)"},
	};
	lua_State *L = tmpl_lua(e);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *stock = stock_eval(cases[i].expr);
		CHECK_STR(stock, cases[i].want);
		char *text = xasprintf("<%% " SHOW_FN "%%><%%- show(%s) %%>", cases[i].expr);
		char *err = NULL;
		char *o = go(e, text, &err);
		CHECK_STR(o, cases[i].want);
		if (!o || strcmp(o, cases[i].want) != 0 || strcmp(stock, cases[i].want) != 0)
			printf("  for %s\n  stock: %s\n  error: %s\n", cases[i].expr, stock,
			       err ? err : "(none)");
		free(o);
		free(err);
		free(text);
		free(stock);
	}

	/* What templates reach through the string table and through a string's
	 * methods is one and the same set of functions... */
	EXPECT_OUT(e,
	           "<%= string.find == ('').find %> <%= string.gsub == ('').gsub %> "
	           "<%= string.gmatch == ('').gmatch %> <%= string.match == ('').match %>",
	           "true true true true");
	/* ...and not Lua's own, which stay as they are in any other lua_State. */
	lua_State *stock = luaL_newstate();
	luaL_openlibs(stock);
	static const char *const names[] = {"find", "match", "gmatch", "gsub"};
	for (size_t i = 0; i < 4; i++) {
		lua_getglobal(stock, "string");
		lua_getfield(stock, -1, names[i]);
		lua_CFunction real = lua_tocfunction(stock, -1);
		lua_pop(stock, 2);
		lua_pushliteral(L, "");
		CHECK(luaL_getmetafield(L, -1, "__index") == LUA_TTABLE);
		lua_getfield(L, -1, names[i]);
		lua_CFunction ours = lua_tocfunction(L, -1);
		lua_pop(L, 3);
		CHECK(real != NULL && ours != NULL && real != ours);
	}
	lua_close(stock);
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud);

static void test_sandbox(tmpl_env *e)
{
	static const char *const forbidden[] = {
	    "io",           "os",           "require",         "package", "debug",
	    "load",         "loadstring",   "loadfile",        "dofile",  "print",
	    "getmetatable", "setmetatable", "rawset",          "rawget",  "collectgarbage",
	    "string.dump",  "math.random",  "math.randomseed", "_G",      "coroutine",
	    "xpcall",       "module",
	};
	for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++) {
		char *text = xasprintf("<%%= type(%s) %%>", forbidden[i]);
		char *err = NULL;
		char *o = go(e, text, &err);
		CHECK_STR(o, "nil");
		if (!o || strcmp(o, "nil") != 0)
			printf("  for %s: %s\n", forbidden[i], o ? o : err);
		free(o);
		free(err);
		free(text);
	}
	EXPECT_OUT(e, "<%= type((\"\").dump) %>", "nil");
	EXPECT_OUT(e, "<%= type(_ENV.string.dump) %>", "nil");
	EXPECT_OUT(e,
	           "<%= (\"a\"):upper() %><%= string.format(\"%03d\", 7) %><%= math.floor(2.7) %>"
	           "<%= utf8.char(233) %><%= select('#', 1, 2) %><%= tostring(nil) %>",
	           "A0072\xC3\xA9"
	           "2nil");

	/* A template cannot change the builtins for later renders. */
	EXPECT_ERR(e, "<% string.upper = nil %>", "read-only");
	EXPECT_ERR(e, "<% table.concat = print %>", "read-only");
	EXPECT_OUT(e, "<% x = 5; ipairs = nil; escape = nil; string = {} %><%= x %>", "5");
	EXPECT_OUT(e, "[<%= x %>]<%= type(ipairs) %><%= type(escape) %><%= string.upper('b') %>",
	           "[]functionfunctionB");
	/* ...nor write into the caller's context table. */
	lua_State *L = tmpl_lua(e);
	push_ctx(L);
	add_ok(e, "assign", "<% n = 1; newname = 2 %>");
	char *err = NULL;
	char *o = render_ctx(e, "assign", -1, &err);
	CHECK_STR(o, "");
	free(o);
	free(err);
	lua_getfield(L, -1, "n");
	CHECK(lua_tointeger(L, -1) == 1866);
	lua_getfield(L, -2, "newname");
	CHECK(lua_isnil(L, -1));
	lua_pop(L, 3);

	/* Bytecode handed in as a template is text, never run. */
	CHECK(luaL_loadstring(L, "return 'pwned'") == LUA_OK);
	buf bc = BUF_INIT;
	CHECK(lua_dump(L, dump_writer, &bc, 0) == 0);
	lua_pop(L, 1);
	CHECK(bc.len > 4 && bc.data[0] == 0x1b);
	diag *d = diag_new();
	CHECK(tmpl_add(e, "bc", "templates/bc.html", bc.data, bc.len, d) == 0);
	lua_newtable(L);
	buf out = BUF_INIT;
	CHECK(tmpl_render(e, "bc", -1, NULL, &out, d) == 0);
	lua_pop(L, 1);
	CHECK(out.len == bc.len && memcmp(out.data, bc.data, bc.len) == 0);
	buf_free(&out);
	buf_free(&bc);
	diag_free(d);
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	(void)L;
	buf_put(ud, p, sz);
	return 0;
}

static void test_builtins(tmpl_env *e)
{
	EXPECT_OUT(e, "<%- json(\"</script><!--\") %>", "\"\\u003c/script\\u003e\\u003c!--\"");
	EXPECT_OUT(e, "<%- json(\"a\\\"b\\\\c\\n\\t\\1'&\\u{2028}\\u{2029}\\xff\") %>",
	           "\"a\\\"b\\\\c\\n\\t\\ufffd\\u0027\\u0026\\u2028\\u2029\\ufffd\"");
	EXPECT_OUT(e, "<%- json({b = 1, a = {1, 2.5, \"x\"}, c = true, d = {}, [3] = false}) %>",
	           "{\"3\":false,\"a\":[1,2.5,\"x\"],\"b\":1,\"c\":true,\"d\":[]}");
	EXPECT_OUT(e,
	           "<%- json(nil) %> <%- json(study.year) %> <%- json(0.1) %> <%- json(1/0) %> "
	           "<%- json(4.0) %>",
	           "null 2017 0.1 null 4");
	EXPECT_OUT(e, "<%- json(\"caf\\u{e9}\") %>", "\"caf\xC3\xA9\"");
	EXPECT_ERR(e, "<% local t = {} t.t = t %><%- json(t) %>", "nested deeper than 100");
	EXPECT_ERR(e, "<%- json({f = print or pairs}) %>", "json: cannot encode a function");

	EXPECT_OUT(e,
	           "<%= thousands(1866) %> <%= thousands(1234567) %> <%= thousands(-1234) %> "
	           "<%= thousands(999) %> <%= thousands(0) %> <%= thousands(1234.5) %> "
	           "<%= thousands(\"2000\") %> <%= thousands(1e6) %>",
	           "1,866 1,234,567 -1,234 999 0 1,234.5 2,000 1,000,000");
	EXPECT_ERR(e, "<%= thousands(nil) %>", "number expected");

	EXPECT_OUT(e, "<%= urlencode(\"a b/c?d=\\u{e9}&~x\") %>", "a%20b%2Fc%3Fd%3D%C3%A9%26~x");
	EXPECT_OUT(e, "<%- xml(\"a<b & 'c' \\\"d\\\"\\1>\") %>",
	           "a&lt;b &amp; &#39;c&#39; &quot;d&quot;\xEF\xBF\xBD&gt;");
	/* One escaper (core/esc.h): <%= %>, escape() and xml() agree, and what
	 * XML forbids (U+FFFE, C0 controls) and invalid UTF-8 become U+FFFD. */
	EXPECT_OUT(e, "<%= \"a\\u{FFFE}b\\2c\\xffd'\" %>|<%- escape(\"\\u{FFFF}'\") %>",
	           "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d&#39;|\xEF\xBF\xBD&#39;");
	EXPECT_OUT(
	    e, "<%= table.concat(sorted_keys({b = 1, a = 1, [10] = 1, [2] = 1, B = 1}), \",\") %>",
	    "2,10,B,a,b");
	EXPECT_ERR(e, "<% sorted_keys({[true] = 1}) %>", "cannot sort a boolean key");
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char *path = path_join(dir, rel);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

static void test_add_dir(void)
{
	char tmpdir[] = "/tmp/gapmap-tmpl-XXXXXX";
	CHECK(mkdtemp(tmpdir) != NULL);
	char *sub = path_join(tmpdir, "partials");
	CHECK(mkdir(sub, 0700) == 0);
	write_file(tmpdir, "layout.html",
	           "<main><%- partial(\"partials/cite\", {s = study}) %></main>");
	write_file(tmpdir, "partials/cite.html", "<cite><%= s.title %></cite>");
	write_file(tmpdir, "partials/boom.html", "ok\n<%= nope.x %>");
	write_file(tmpdir, "notes.txt", "not a template");
	write_file(tmpdir, ".hidden.html", "hidden");

	tmpl_env *e = tmpl_new(NULL);
	diag *d = diag_new();
	CHECK(tmpl_add_dir(e, tmpdir, "theme", d) == 0);
	CHECK(d->count == 0);
	CHECK(tmpl_has(e, "layout"));
	CHECK(tmpl_has(e, "partials/cite"));
	CHECK(tmpl_has(e, "partials/boom"));
	CHECK(!tmpl_has(e, "notes"));
	CHECK(!tmpl_has(e, ".hidden"));
	CHECK(!tmpl_has(e, "cite"));
	lua_State *L = tmpl_lua(e);
	push_ctx(L);
	char *err = NULL;
	char *o = render_ctx(e, "layout", -1, &err);
	CHECK_STR(o, "<main><cite>X</cite></main>");
	free(o);
	free(err);
	err = NULL;
	o = render_ctx(e, "partials/boom", -1, &err);
	CHECK(o == NULL);
	CHECK_CONTAINS(err, "theme/partials/boom.html:2: error: attempt to index a nil value");
	free(o);
	free(err);
	lua_pop(L, 1);

	/* A later folder overrides by name (a theme over the base). */
	char *over = path_join(tmpdir, "over");
	CHECK(mkdir(over, 0700) == 0);
	write_file(over, "layout.html",
	           "<body><%- partial(\"partials/cite\", {s = study}) %></body>");
	CHECK(tmpl_add_dir(e, over, "custom", d) == 0);
	push_ctx(L);
	err = NULL;
	o = render_ctx(e, "layout", -1, &err);
	CHECK_STR(o, "<body><cite>X</cite></body>");
	free(o);
	free(err);
	lua_pop(L, 1);

	char *missing = path_join(tmpdir, "missing");
	CHECK(tmpl_add_dir(e, missing, "gone", d) == -1);
	CHECK(d->count == 1 && strcmp(d->items[0].file, "gone") == 0);

	diag_free(d);
	tmpl_free(e);
	char *rm = xasprintf("rm -rf '%s'", tmpdir);
	CHECK(system(rm) == 0);
	free(rm);
	free(missing);
	free(over);
	free(sub);
}

/* Lua's pattern matcher backtracks in C, where the count hook never fires;
 * the sandbox's matcher charges its steps to the same budget. */
static void test_pattern_limits(tmpl_env *e)
{
	const char *ok = "<%= 1 + 1 %><%= ('abc'):gsub('b', 'x') %>";
	static const char *const bombs[] = {
	    "string.find(s, '.-.-b')",
	    "s:find('.-.-b')",
	    "('').find(s, '.-.-b')",
	    "s:match('(.-)(.-)b')",
	    "for w in s:gmatch('.-.-b') do end",
	    "s:gsub('.-.-b', 'x')",
	    "s:gsub('.-.-b', function(m) return m end)",
	    "s:gsub('.-.-b', {})",
	    /* Linear work per call adds up just the same. */
	    "local big = s:rep(50) for i = 1, 1e9 do big:find('b', 1, true) end",
	    "local big = s:rep(50) for i = 1, 1e9 do big:find(s .. 'b', 1, true) end",
	    "local big = ('(a'):rep(1e5) for i = 1, 1e9 do big:find('%b()') end",
	};
	for (size_t i = 0; i < sizeof bombs / sizeof *bombs; i++) {
		char *text = xasprintf("<%% local s = ('a'):rep(20000) %%>\n<%% %s %%>", bombs[i]);
		EXPECT_ERR(e, text,
		           "templates/t.html:2: error: template instruction limit exceeded");
		EXPECT_OUT(e, ok, "2axc");
		free(text);
	}
	/* A pcall cannot swallow it, nor go on matching. */
	EXPECT_ERR(e,
	           "<% local s = ('a'):rep(20000) %>\n<% pcall(string.find, s, '.-.-b') "
	           "pcall(string.find, s, '.-.-b') %>after",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2axc");
	EXPECT_ERR(e,
	           "<% local s = ('a'):rep(20000) %>\n<% "
	           "local ok = pcall(function() return s:gmatch('.-.-b')() end) %>after",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2axc");
	/* Inside a replacement function, or in a partial. */
	EXPECT_ERR(e,
	           "<% local s = ('a'):rep(20000) %><% ('xy'):gsub('%w', function() "
	           "\n return s:find('.-.-b') end) %>",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2axc");
	add_ok(e, "bomb", "\n\n<% string.find(('a'):rep(20000), '.-.-b') %>");
	EXPECT_ERR(e, "<% pcall(partial, 'bomb') %>after",
	           "templates/bomb.html:3: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2axc");

	/* A matcher error deep in the recursion (here the depth limit) leaves
	 * a gmatch iterator as it was: calling it again fails the same way
	 * rather than recursing past the limit. */
	EXPECT_OUT(e,
	           "<% local it = ('a'):rep(300):gmatch(('a?'):rep(300)) "
	           "local _, m1 = pcall(it) local _, m2 = pcall(it) %><%= m1 %>|<%= m2 %>",
	           "pattern too complex|pattern too complex");
}

/* The library's other C functions work unseen by the hook too, so a loop
 * of cheap-looking calls on big arguments would run for hours: each call
 * is charged its work. Run with a budget of a million instructions and
 * strings of 1 MB, so each loop stops after a few calls. */
static void test_call_limits(tmpl_env *e)
{
	const char *ok = "<%= 1 + 1 %><%= ('abc'):upper() %>";
	const char *setup =
	    "<% local s = ('abcdefgh'):rep(125000) local s2 = ('abcdefgh'):rep(125000) "
	    "local u = 'a' .. ('\\128'):rep(1000000) local d = ('12345678'):rep(125000) "
	    "local t = {s:byte(1, 20000)} local w = {} for i = 1, 20000 do w[i] = 'abc' end "
	    "local k = {} for i = 1, 20000 do k[i] = true end %>";
	/* Each loops over a call that can be made once within the budget, but
	 * the two whose single call would run for hours. */
	static const struct {
		const char *code;
		bool once_ok;
	} calls[] = {
	    {"utf8.len(s)", true},
	    {"utf8.len(s, 1, -1)", true},
	    {"utf8.codepoint(s, 1, 20000)", true},
	    {"utf8.offset(s, #s)", true},
	    {"utf8.offset(u, 0, #u)", true},
	    {"utf8.codes(u)(u, 1)", true},
	    {"table.sort(t)", true},
	    {"table.sort(w)", true},
	    {"table.sort({s:byte(1, 2000)}, function(a, b) return a < b end)", true},
	    {"table.concat(w)", true},
	    {"table.concat(w, ', ', 1, 20000)", true},
	    {"table.unpack(t)", true},
	    {"table.move(t, 1, 20000, 1)", true},
	    {"table.move({}, 1, 1e15, 1)", false},
	    {"table.insert(t, 1, 0)", true},
	    {"table.remove(t, 1) t[#t + 1] = 1", true},
	    {"s:byte(1, 20000)", true},
	    {"string.byte(s, -20000, -1)", true},
	    {"s:upper()", true},
	    {"s:lower()", true},
	    {"s:reverse()", true},
	    {"string.format('%s', s)", true},
	    {"('%.3s'):format(s)", true},
	    {"string.rep('', 1e15)", false},
	    {"string.rep('', 1e5)", true},
	    {"tonumber(d)", true},
	    {"tonumber(d, 16)", true},
	    {"rawequal(s:sub(1, 2e5), s2:sub(1, 2e5))", true},
	    {"sorted_keys(k)", true},
	    {"escape(s)", true},
	    {"xml(s)", true},
	    {"json(s)", true},
	    {"urlencode(s:sub(1, 100000))", true},
	};
	static const char *const forms[] = {
	    "for i = 1, 1e9 do %s end",
	    "for i = 1, 1e9 do pcall(function() %s end) end",
	    "pcall(function() for i = 1, 1e9 do %s end end)",
	};
	char *once = xasprintf("%s\n<%%= #s %%>after", setup);
	EXPECT_OUT(e, once, "\n1000000after");
	free(once);
	/* Ordinary uses cost little: these fit in a fiftieth of the default
	 * budget, and keep their results and their error messages. */
	EXPECT_OUT(
	    e,
	    "<% local t, n = {}, {} for i = 1, 1000 do t[i] = ('Study %04d'):format(1001 - i) "
	    "n[i] = (i * 7919) % 1000 end table.sort(t) table.sort(n) "
	    "local r = {table.unpack(n, 1, 1000)} table.sort(r, function(a, b) return a > b end) "
	    "local page = {} for i = 1, 2000 do page[i] = '<li>' .. t[i % 1000 + 1] .. '</li>' end "
	    "table.insert(page, 1, '<ul>') table.insert(page, '</ul>') table.remove(page, 1) "
	    "local cs = 0 for _, c in utf8.codes('h\\195\\169llo') do cs = cs + 1 end %>"
	    "<%= t[1] %> <%= t[1000] %> <%= n[1] %> <%= r[1] %> <%= #table.concat(page, '\\n') %> "
	    "<%= utf8.len('\\195\\137valuation of a programme') %> <%= cs %> "
	    "<%= utf8.offset('h\\195\\169llo', 3) %> <%= utf8.codepoint('\\195\\169') %> "
	    "<%= string.format('%5.1f%% of %s', 12.345, 'all') %> <%= ('Ab'):upper() %>"
	    "<%= ('Ab'):lower() %><%= ('Ab'):reverse() %> <%= ('AbC'):byte(-1) %> "
	    "<%= tonumber('0x10') %> <%= tostring(rawequal('a', 'a')) %> "
	    "<%= #sorted_keys({b = 1, a = 2}) %> <%= ('ab'):rep(3, '-') %>",
	    "Study 0001 Study 1000 0 999 40005 25 5 4 233  12.3% of all ABab"
	    "bA 67 16 true 2 ab-ab-ab");
	EXPECT_OUT(
	    e,
	    "<%= select(2, pcall(function() return string.upper() end)) %>|"
	    "<%= select(2, pcall(function() return ('x'):byte({}) end)) %>|"
	    "<%= select(2, pcall(table.concat, {1, {}})) %>|"
	    "<%= select(2, pcall(function() for _ in utf8.codes('a\\255') do end end)) %>|"
	    "<%= select(2, pcall(function() return table.unpack({}, 1, 1e8) end)) %>",
	    "templates/t.html:1: bad argument #1 to &#39;upper&#39; (string expected, got no "
	    "value)|templates/t.html:1: bad argument #1 to &#39;byte&#39; (number expected, got "
	    "table)|invalid value (table) at index 2 in table for &#39;concat&#39;|"
	    "templates/t.html:1: invalid UTF-8 code|"
	    "templates/t.html:1: too many results to unpack");

	for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
		once = xasprintf("%s\n<%% %s %%>after", setup, calls[i].code);
		char *err = NULL;
		char *o = go(e, once, &err);
		CHECK((o != NULL) == calls[i].once_ok);
		if ((o != NULL) != calls[i].once_ok)
			printf("  once %s: %s\n", calls[i].code, o ? o : err);
		free(o);
		free(err);
		free(once);
		for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
			char *loop = xasprintf(forms[f], calls[i].code);
			char *text = xasprintf("%s\n<%% %s %%>after", setup, loop);
			err = NULL;
			o = go(e, text, &err);
			CHECK(o == NULL);
			CHECK_CONTAINS(
			    err, "templates/t.html:2: error: template instruction limit exceeded");
			if (o || !err || !strstr(err, "instruction limit"))
				printf("  for %s\n", loop);
			free(o);
			free(err);
			EXPECT_OUT(e, ok, "2ABC");
			free(text);
			free(loop);
		}
	}
}

static void test_limits(void)
{
	tmpl_limits lim = {.max_instructions = 1000 * 1000, .max_memory = 8 * 1024 * 1024};
	tmpl_env *e = tmpl_new(&lim);
	CHECK(e != NULL);
	const char *ok = "<%= 1 + 1 %>";

	EXPECT_ERR(e, "\n<% while true do end %>",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	EXPECT_ERR(e, "<% pcall(function() while true do end end) %>after",
	           "template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	EXPECT_ERR(e, "<% while true do pcall(function() while true do end end) end %>",
	           "template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	EXPECT_ERR(e, "<% local function f() return f() end f() %>",
	           "template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	add_ok(e, "spin", "<% while true do end %>");
	EXPECT_ERR(e, "<% pcall(partial, \"spin\") %>after",
	           "templates/spin.html:1: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	/* Bytes copied by C code count too: quadratic string building. */
	EXPECT_ERR(e, "<% local s = '' for i = 1, 1e6 do s = s .. 'xxxxxxxxxx' end %>",
	           "templates/t.html:1: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	/* The budget is per render, not per env. */
	for (int i = 0; i < 3; i++)
		EXPECT_OUT(e, "<% local n = 0 for i = 1, 100000 do n = n + 1 end %><%= n %>",
		           "100000");

	EXPECT_ERR(e, "\n<%= #string.rep(\"x\", 1e9) %>",
	           "templates/t.html:2: error: template memory limit exceeded (while rendering");
	EXPECT_OUT(e, ok, "2");
	EXPECT_ERR(e, "<% pcall(string.rep, \"x\", 1e9) %>after", "template memory limit exceeded");
	EXPECT_OUT(e, ok, "2");
	/* Through the allocator rather than string.rep's own check. */
	const char *concat = "<% local s = string.rep(\"x\", 1000000) local t = {} "
	                     "for i = 1, 20 do t[i] = s end local big = table.concat(t) %>";
	EXPECT_ERR(e, concat, "templates/t.html: error: template memory limit exceeded");
	EXPECT_OUT(e, ok, "2");
	const char *caught = "<% local s = string.rep(\"x\", 1000000) local t = {} "
	                     "for i = 1, 20 do t[i] = s end pcall(table.concat, t) %>after";
	EXPECT_ERR(e, caught, "template memory limit exceeded");
	EXPECT_OUT(e, ok, "2");
	/* Output counts too. */
	EXPECT_ERR(e,
	           "<% local s = string.rep(\"x\", 1000000) for i = 1, 100 do %><%- s %><% end %>",
	           "template memory limit exceeded");
	EXPECT_OUT(e, ok, "2");
	for (int i = 0; i < 3; i++)
		EXPECT_OUT(e, "<% local s = string.rep(\"x\", 3000000) %><%= #s %>", "3000000");
	test_pattern_limits(e);
	test_call_limits(e);
	tmpl_free(e);

	/* With the default budget too: the bomb is stopped in a fraction of a
	 * second, not after hours. */
	e = tmpl_new(NULL);
	EXPECT_ERR(e, "\n<% string.find(('a'):rep(20000), '.-.-b') %>",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	/* And loops of other C calls: utf8.len of 3 MB, a sort of 300,000. */
	EXPECT_ERR(e,
	           "<% local s = ('\\195\\169'):rep(1500000) %>\n"
	           "<% for i = 1, 1e9 do utf8.len(s) end %>",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	EXPECT_ERR(e,
	           "<% local t = {} for i = 1, 300000 do t[i] = -i end %>\n"
	           "<% for i = 1, 1e9 do pcall(table.sort, t) end %>after",
	           "templates/t.html:2: error: template instruction limit exceeded");
	EXPECT_OUT(e, ok, "2");
	/* Patterns do their normal work well within it: 100 KB of text. */
	EXPECT_OUT(e,
	           "<% local s = ('word '):rep(20000) local n = 0 "
	           "for w in s:gmatch('%a+') do n = n + 1 end %><%= n %> "
	           "<%= select(2, s:gsub('%s+', ' ')) %> <%= #s:match('^(.-)%s*$') %> "
	           "<%= tostring(s:find('x', 1, true)) %> <%= #s:gsub('(%w+)', '<%1>') %>",
	           "20000 20000 99999 nil 140000");
	tmpl_free(e);
}

int main(void)
{
	tmpl_env *e = tmpl_new(NULL);
	CHECK(e != NULL);
	test_output(e);
	test_statements(e);
	test_partials(e);
	test_errors(e);
	test_sandbox(e);
	test_builtins(e);
	test_patterns(e);
	tmpl_free(e);
	test_add_dir();
	test_limits();
	TEST_MAIN_END();
}
