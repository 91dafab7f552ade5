/* Templates stop in bounded time and memory whatever they do (issue 14,
 * items 1 and 2): work the instruction hook cannot see (converting or
 * comparing long strings) is metered or stopped by the CPU-time limit, and
 * memory kept across renders is capped for the whole build. Each attack
 * here ran for hours, or grew without end, on the code before. */
#include "tmpl/tmpl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"

/* CPU seconds of this process: the machine may be shared, and the limits
 * are on the work done, so wall time would make this test flaky. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Renders text as template "t" with ctx (a table at the stack top, or a
 * fresh empty one); returns the first diagnostic, or NULL when it rendered. */
static char *render(tmpl_env *e, const char *text, bool use_top)
{
	diag *d = diag_new();
	lua_State *L = tmpl_lua(e);
	char *err = NULL;
	if (tmpl_add(e, "t", "templates/t.html", text, strlen(text), d) == 0) {
		if (!use_top)
			lua_newtable(L);
		buf out = BUF_INIT;
		tmpl_render(e, "t", -1, "p.yaml", &out, d);
		buf_free(&out);
		if (!use_top)
			lua_pop(L, 1);
	}
	if (d->count) {
		buf b = BUF_INIT;
		diag_format(&d->items[0], &b);
		err = buf_detach(&b);
	}
	diag_free(d);
	return err;
}

/* text must fail with want within max_s seconds of CPU time (generous:
 * the old code ran for hours; valgrind is some 30 times slower). */
static void expect_stop(tmpl_env *e, const char *text, const char *want, double max_s)
{
	double t0 = now();
	char *err = render(e, text, false);
	double took = now() - t0;
	CHECK_CONTAINS(err, want);
	CHECK(took < max_s);
	if (took >= max_s || !err || !strstr(err, want))
		printf("  %.2f s for %s\n  error: %s\n", took, text, err ? err : "(none)");
	free(err);
}

int main(void)
{
	/* The loop, with the default instruction budget: "1...1" + 0
	 * converts 16 MB each time; metered, it stops within the budget. (The
	 * CPU-time limit is raised so that the instruction budget is what
	 * stops it even on a slow machine or under valgrind.) */
	tmpl_limits slow = {.max_cpu_ms = 600 * 1000};
	tmpl_env *e = tmpl_new(&slow);
	expect_stop(e,
	            "\n<% local a = string.rep('1', 16e6) for i = 1, 1e7 do local _ = a + 0 end %>",
	            "templates/t.html:2: error: template instruction limit exceeded", 60);
	expect_stop(e, "<% local a = string.rep('1', 16e6) for i = 1, 1e7 do local _ = -a end %>",
	            "template instruction limit exceeded", 60);
	/* math.* and select convert their arguments too. */
	expect_stop(e,
	            "<% local a = string.rep('0', 16e6) .. '1' for i = 1, 1e7 do math.abs(a) end %>",
	            "template instruction limit exceeded", 60);
	expect_stop(e,
	            "<% local a = string.rep('0', 16e6) .. '1' for i = 1, 1e7 do select(a, 1) end %>",
	            "template instruction limit exceeded", 60);
	char *ok = render(e, "<%= ('12') + 1 %> <%= math.abs('-3') %> <%= select('2', 'a', 'b') %>", false);
	CHECK(ok == NULL);
	if (ok)
		printf("  error: %s\n", ok);
	free(ok);
	tmpl_free(e);

	/* Comparing and hashing distinct long strings with equal content is
	 * one instruction each: the CPU-time limit stops them. */
	tmpl_limits lim = {.max_cpu_ms = 500};
	e = tmpl_new(&lim);
	const char *two = "<% local a, b = string.rep('x', 16e6), string.rep('x', 16e6) %>\n";
	const char *loops[] = {
	    "<% for i = 1, 1e7 do local _ = a == b end %>",
	    "<% for i = 1, 1e7 do local _ = a < b end %>",
	    "<% local t = {[a] = 1} for i = 1, 1e7 do local _ = t[b] end %>",
	};
	for (size_t i = 0; i < sizeof loops / sizeof *loops; i++) {
		char *text = xasprintf("%s%s", two, loops[i]);
		expect_stop(e, text, "templates/t.html:2: error: template CPU time limit exceeded",
		            60);
		free(text);
	}
	ok = render(e, "<% local n = 0 for i = 1, 1e5 do n = n + 1 end %><%= n %>", false);
	CHECK(ok == NULL);
	free(ok);
	tmpl_free(e);

	/* The build's memory: a table kept across renders (the context is the
	 * same table every page) grows 8 MB a page; each render is well within
	 * its own limit, but two envs sharing a 64 MB budget stop it. */
	tmpl_budget budget = {0, 64 * 1024 * 1024};
	tmpl_limits shared = {.shared = &budget};
	tmpl_env *envs[2] = {tmpl_new(&shared), tmpl_new(&shared)};
	for (int k = 0; k < 2; k++) {
		lua_State *L = tmpl_lua(envs[k]);
		lua_newtable(L); /* site */
		lua_newtable(L);
		lua_setfield(L, -2, "junk");
	}
	const char *grow = "<% site = site or {} %><% junk[#junk + 1] = string.rep('y', 8e6) %>";
	char *err = NULL;
	int pages = 0;
	for (; pages < 40 && !err; pages++)
		err = render(envs[pages % 2], grow, true);
	CHECK(pages < 12);
	/* The allocator knows the template but not always its line. */
	CHECK_CONTAINS(err, "templates/t.html");
	CHECK_CONTAINS(err, "error: template memory limit for the whole build exceeded");
	free(err);
	CHECK(budget.used <= budget.max);
	for (int k = 0; k < 2; k++)
		tmpl_free(envs[k]);
	/* What the envs kept was given back when they were freed. */
	CHECK(budget.used == 0);
	TEST_MAIN_END();
}
