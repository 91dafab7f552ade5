/* tmpl/lpattern: Lua's pattern functions with metered matching. The same
 * answers as Lua's own, and runaway backtracking stopped by the meter. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

#include "test.h"
#include "tmpl/lpattern.h"

typedef struct budget {
	size_t left;
	size_t charged;
} budget;

static size_t charge(lua_State *L, void *ud, size_t steps)
{
	budget *b = ud;
	b->charged += steps;
	if (steps > b->left)
		luaL_error(L, "pattern budget spent");
	b->left -= steps;
	return b->left < 1000 ? (b->left ? b->left : 1) : 1000;
}

/* Runs code in a state whose string library is metered; returns the result
 * of tostring(last value) or the error message. */
static const char *run(lua_State *L, const char *code, char *out, size_t size)
{
	if (luaL_dostring(L, code) != LUA_OK) {
		snprintf(out, size, "error: %s", lua_tostring(L, -1));
	} else {
		const char *s = luaL_tolstring(L, -1, NULL);
		snprintf(out, size, "%s", s);
		lua_pop(L, 1);
	}
	lua_settop(L, 0);
	return out;
}

int main(void)
{
	budget b = {50 * 1000 * 1000, 0};
	lp_meter m = {charge, &b};
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	lua_getglobal(L, "string");
	lp_install(L, lua_gettop(L), &m);
	lua_pop(L, 1);
	char out[256];

	/* The same answers as Lua's own matcher. */
	CHECK_STR(run(L, "return select(2, string.find('hello world', 'o w'))", out, sizeof out),
	          "7");
	CHECK_STR(
	    run(L, "return (string.match('key = value', '(%w+)%s*=%s*(%w+)'))", out, sizeof out),
	    "key");
	CHECK_STR(run(L, "return (string.gsub('a,b,,c', ',', ';'))", out, sizeof out), "a;b;;c");
	CHECK_STR(run(L, "return (('abc'):gsub('%w', '%0%0'))", out, sizeof out), "aabbcc");
	CHECK_STR(run(L,
	              "local t = {} for w in string.gmatch('one two  three', '%a+') do "
	              "t[#t+1] = w end return table.concat(t, '|')",
	              out, sizeof out),
	          "one|two|three");
	CHECK_STR(run(L, "return string.match('THE (quick) fox', '%((%a+)%)')", out, sizeof out),
	          "quick");
	CHECK_STR(run(L, "return string.find('a.b', '.', 1, true)", out, sizeof out), "2");
	CHECK_STR(run(L, "return string.match('[[x]]', '%b[]')", out, sizeof out), "[[x]]");
	CHECK_STR(
	    run(L, "return (string.match('2024-02-29', '^(%d+)-(%d+)-(%d+)$'))", out, sizeof out),
	    "2024");
	/* Lua's own error messages. */
	CHECK_CONTAINS(run(L, "return string.find('a', '%')", out, sizeof out),
	               "malformed pattern (ends with '%')");
	CHECK_CONTAINS(run(L, "return string.find('a', '[a')", out, sizeof out),
	               "malformed pattern (missing ']')");
	CHECK(b.charged > 0);

	/* Backtracking that would run for hours is stopped by the meter. */
	b.left = 2 * 1000 * 1000;
	CHECK_CONTAINS(run(L, "return string.find(('a'):rep(20000), '.-.-b')", out, sizeof out),
	               "pattern budget spent");
	b.left = 2 * 1000 * 1000;
	CHECK_CONTAINS(run(L, "return (('a'):rep(100000):gsub('a*a*a*b', ''))", out, sizeof out),
	               "pattern budget spent");

	lua_close(L);
	TEST_MAIN_END();
}
