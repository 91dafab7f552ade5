/* libFuzzer harness for the template compiler and the sandbox: any bytes
 * as a template must compile or fail with a diagnostic, and any template
 * that compiles must render within its limits or fail with one. */
#include "fuzz_common.h"

#include <lauxlib.h>
#include <string.h>

#include "core/diag.h"
#include "tmpl/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits: a fuzzer finds loops quickly and must not wait on them. */
	tmpl_limits lim = {.max_instructions = 2 * 1000 * 1000, .max_memory = 32 * 1024 * 1024};
	tmpl_env *e = tmpl_new(&lim);
	if (!e)
		return 0;
	diag *d = diag_new();
	static const char part[] = "<p><%= title %></p><%- partial(\"fuzz\") %>";
	tmpl_add(e, "partials/p", "partials/p.html", part, sizeof part - 1, d);
	if (tmpl_add(e, "fuzz", "fuzz.html", (const char *)data, size, d) == 0) {
		lua_State *L = tmpl_lua(e);
		lua_newtable(L);
		lua_pushstring(L, "<script>\"'&");
		lua_setfield(L, -2, "title");
		lua_newtable(L);
		for (int i = 1; i <= 3; i++) {
			lua_pushinteger(L, i);
			lua_rawseti(L, -2, i);
		}
		lua_setfield(L, -2, "items");
		buf out = BUF_INIT;
		int top = lua_gettop(L);
		tmpl_render(e, "fuzz", top, "fuzz input", &out, d);
		if (lua_gettop(L) != top)
			abort(); /* the stack is left as it was */
		/* Twice: the env must stay usable after any failure. */
		buf_reset(&out);
		tmpl_render(e, "fuzz", top, "fuzz input", &out, d);
		lua_pop(L, 1);
		buf_free(&out);
	}
	diag_free(d);
	tmpl_free(e);
	return 0;
}
