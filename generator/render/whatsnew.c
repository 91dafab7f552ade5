#include "render/whatsnew.h"

#include <stdlib.h>

#include "model/history.h"

static void field_str(lua_State *L, int t, const char *key, const char *value)
{
	if (!value)
		return;
	lua_pushstring(L, value);
	lua_setfield(L, t, key);
}

/* Appends the value on top of the stack to the list at index t. */
static void append(lua_State *L, int t)
{
	lua_rawseti(L, t, (lua_Integer)lua_rawlen(L, t) + 1);
}

void whatsnew_push(lua_State *L, const model *m, int site, int reports, int studies)
{
	const cfg_updates *u = &m->site->updates;
	size_t *study_update = xcalloc(m->nstudies ? m->nstudies : 1, sizeof *study_update);
	for (size_t i = 0; i < m->nstudies; i++) {
		study_update[i] = history_study_update(m, i);
		lua_rawgeti(L, studies, (lua_Integer)i + 1);
		int t = lua_gettop(L);
		if (study_update[i] != HISTORY_NONE)
			field_str(L, t, "added_in", u->v[study_update[i]].version);
		lua_pushboolean(L, u->n && study_update[i] == u->n - 1);
		lua_setfield(L, t, "new");
		lua_pop(L, 1);
	}
	if (u->n) {
		const cfg_update *last = &u->v[u->n - 1];
		field_str(L, site, "version", last->version);
		field_str(L, site, "updated", last->date);
		field_str(L, site, "searched", history_last_search(m));
	}
	lua_pushinteger(L, (lua_Integer)u->n);
	lua_setfield(L, site, "update_count");

	lua_createtable(L, (int)u->n, 0);
	int list = lua_gettop(L);
	for (size_t k = u->n; k-- > 0;) {
		const cfg_update *x = &u->v[k];
		lua_createtable(L, 0, 10);
		int t = lua_gettop(L);
		field_str(L, t, "version", x->version);
		field_str(L, t, "date", x->date);
		field_str(L, t, "searched", x->searched);
		field_str(L, t, "summary", x->summary);
		lua_pushboolean(L, k == u->n - 1);
		lua_setfield(L, t, "latest");
		lua_newtable(L);
		int added = lua_gettop(L);
		for (size_t i = 0; i < m->nstudies; i++)
			if (study_update[i] == k) {
				lua_rawgeti(L, studies, (lua_Integer)i + 1);
				append(L, added);
			}
		lua_setfield(L, t, "studies");
		/* Studies an earlier update added and this one recoded (`updated:`). */
		lua_newtable(L);
		int recoded = lua_gettop(L);
		for (size_t i = 0; i < m->nstudies; i++)
			if (history_study_recoded_in(m, i, k)) {
				lua_rawgeti(L, studies, (lua_Integer)i + 1);
				append(L, recoded);
			}
		lua_setfield(L, t, "recoded");
		/* Further reports of studies an earlier update added. */
		lua_newtable(L);
		int more = lua_gettop(L);
		for (size_t r = 0; r < m->nrecs; r++) {
			size_t st = m->study_of[r];
			if (updates_place(u, m->recs[r]->added) == k && study_update[st] != k) {
				lua_rawgeti(L, reports, (lua_Integer)r + 1);
				append(L, more);
			}
		}
		lua_setfield(L, t, "reports");
		lua_createtable(L, (int)x->nwithdrawn, 0);
		for (size_t w = 0; w < x->nwithdrawn; w++) {
			lua_createtable(L, 0, 3);
			int wt = lua_gettop(L);
			field_str(L, wt, "id", x->withdrawn[w].id);
			field_str(L, wt, "title", x->withdrawn[w].title);
			field_str(L, wt, "reason", x->withdrawn[w].reason);
			lua_rawseti(L, -2, (lua_Integer)w + 1);
		}
		lua_setfield(L, t, "withdrawn");
		append(L, list);
	}
	lua_newtable(L);
	int pending = lua_gettop(L);
	for (size_t i = 0; u->n && i < m->nstudies; i++)
		if (study_update[i] == HISTORY_NONE) {
			lua_rawgeti(L, studies, (lua_Integer)i + 1);
			append(L, pending);
		}
	lua_setfield(L, list, "pending");
	free(study_update);
}
