/* whatsnew: the updates as template data — site fields, each study's
 * added_in and new, the updates list newest first with the studies and
 * further reports each added, what each withdrew, and the pending studies
 * added after the latest update. */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "model/model.h"
#include "render/whatsnew.h"
#include "test.h"

#define SITE_HEAD                                                                                  \
	"title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"                            \
	"  outcome: { label: Outcome, codes: [ {id: pain, label: Pain} ] }\n"                      \
	"  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n"

/* Describes the data whatsnew_push leaves, as one string, with Lua. */
static const char describe[] =
    "local site, studies, ups = ...\n"
    "local function ids(l) local o = {} for _, x in ipairs(l) do o[#o+1] = x.id end\n"
    "  return table.concat(o, ',') end\n"
    "local out = {}\n"
    "local function p(...) out[#out+1] = table.concat({...}, ' ') end\n"
    "p('site', tostring(site.version), tostring(site.updated), tostring(site.searched),\n"
    "  site.update_count)\n"
    "for _, s in ipairs(studies) do p('study', s.id, tostring(s.added_in), tostring(s.new)) "
    "end\n"
    "for _, u in ipairs(ups) do\n"
    "  local w = {} for _, x in ipairs(u.withdrawn) do\n"
    "    w[#w+1] = x.id .. '/' .. tostring(x.title) .. '/' .. x.reason end\n"
    "  p('update', u.version, u.date, tostring(u.searched), tostring(u.summary),\n"
    "    tostring(u.latest), '[' .. ids(u.studies) .. ']', '[' .. ids(u.reports) .. ']',\n"
    "    '[' .. table.concat(w, ';') .. ']')\n"
    "end\n"
    "p('pending', '[' .. ids(ups.pending) .. ']')\n"
    "return table.concat(out, '\\n')\n";

/* Runs whatsnew_push on the model with study and report tables {id = ...}
 * and returns the description. Caller frees. */
static char *run(const model *m)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	lua_newtable(L); /* site */
	lua_createtable(L, (int)m->nrecs, 0);
	for (size_t r = 0; r < m->nrecs; r++) {
		lua_newtable(L);
		lua_pushstring(L, m->recs[r]->id);
		lua_setfield(L, -2, "id");
		lua_rawseti(L, -2, (lua_Integer)r + 1);
	}
	lua_createtable(L, (int)m->nstudies, 0);
	for (size_t i = 0; i < m->nstudies; i++) {
		lua_newtable(L);
		lua_pushstring(L, m->recs[m->studies[i].primary]->id);
		lua_setfield(L, -2, "id");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	whatsnew_push(L, m, 1, 2, 3);
	CHECK(lua_gettop(L) == 4 && lua_istable(L, 4));
	char *res = NULL;
	if (luaL_loadstring(L, describe) == LUA_OK) {
		lua_pushvalue(L, 1);
		lua_pushvalue(L, 3);
		lua_pushvalue(L, 4);
		if (lua_pcall(L, 3, 1, 0) == LUA_OK)
			res = xstrdup(lua_tostring(L, -1));
		else
			printf("lua: %s\n", lua_tostring(L, -1));
	}
	lua_close(L);
	return res;
}

int main(void)
{
	CHECK(fx_init());
	char *studies = path_join(fx_dir, "studies");
	mkdir(studies, 0755);
	fx_put("site.yaml",
	       SITE_HEAD "updates:\n"
	                 "  - { version: \"1.0\", date: 2024-01-10, searched: 2023-12-01 }\n"
	                 "  - version: \"1.1\"\n"
	                 "    date: 2024-03-01\n"
	                 "    summary: More.\n"
	                 "    withdrawn:\n"
	                 "      - { id: gone-2010, title: Gone, reason: Retracted. }\n"
	                 "      - { id: dup-2011, reason: Duplicate. }\n");
	/* a in 1.0, its follow-up b in 1.1; c in 1.1 (new); d after 1.1. */
	fx_put("studies/a.yaml", "title: A\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n");
	fx_put("studies/b.yaml",
	       "title: B\nyear: 2021\nadded: 2024-02-01\noutcome: pain\nstudy: a\n");
	fx_put("studies/c.yaml", "title: C\nyear: 2019\nadded: 2024-03-01\noutcome: pain\n");
	fx_put("studies/d.yaml", "title: D\nyear: 2018\nadded: 2024-04-01\noutcome: pain\n");
	diag *d = diag_new();
	model *m = model_open(fx_dir, NULL, d);
	CHECK(m && d->errors == 0 && m->nstudies == 3);
	if (m && m->nstudies == 3) {
		char *got = run(m);
		CHECK_CONTAINS(got, "site 1.1 2024-03-01 2023-12-01 2\n");
		CHECK_CONTAINS(got, "study a 1.0 false\n");
		CHECK_CONTAINS(got, "study c 1.1 true\n");
		CHECK_CONTAINS(got, "study d nil false\n");
		CHECK_CONTAINS(got, "update 1.1 2024-03-01 nil More. true [c] [b] "
		                    "[gone-2010/Gone/Retracted.;dup-2011/nil/Duplicate.]\n"
		                    "update 1.0 2024-01-10 2023-12-01 nil false [a] [] []\n"
		                    "pending [d]");
		free(got);
	}
	model_free(m);
	diag_free(d);

	/* No updates: no version, a count of 0, an empty list, nothing
	 * pending, no study new. */
	fx_put("site.yaml", SITE_HEAD);
	d = diag_new();
	m = model_open(fx_dir, NULL, d);
	CHECK(m && d->errors == 0);
	if (m) {
		char *got = run(m);
		CHECK_CONTAINS(got, "site nil nil nil 0\n");
		CHECK_CONTAINS(got, "study d nil false\n");
		CHECK(got && !strstr(got, "update "));
		CHECK_CONTAINS(got, "pending []");
		free(got);
	}
	model_free(m);
	diag_free(d);

	const char *files[] = {"studies/a.yaml", "studies/b.yaml", "studies/c.yaml",
	                       "studies/d.yaml", "site.yaml"};
	for (size_t i = 0; i < 5; i++)
		fx_remove(files[i]);
	rmdir(studies);
	rmdir(fx_dir);
	free(studies);
	TEST_MAIN_END();
}
