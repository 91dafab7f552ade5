#include "render/view.h"

#include <lauxlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "render/view_impl.h"

/* ---- dependencies ---------------------------------------------------------- */

static void dep_add(view_set *vs, char *key)
{
	render_deps *d = vs->deps;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->keys = xrealloc(d->keys, d->cap * sizeof *d->keys);
	}
	d->keys[d->n++] = key;
}

/* More keys of one class on a page than this, and one key stands for
 * every record's ("record:*", "facts:*"): a page reading every study (the
 * map, the overview) keeps a short list, and is rendered again when any
 * record's facts (or text) change. */
#define REC_KEYS_MAX 1024

/* Records record rec's key of class facts (1) or text (0). */
static void dep_rec(view_set *vs, size_t rec, int facts)
{
	if (vs->rec_all[facts])
		return;
	if (++vs->nrec_keys[facts] > REC_KEYS_MAX) {
		vs->rec_all[facts] = true;
		dep_add(vs, xstrdup(facts ? "facts:*" : "record:*"));
		return;
	}
	dep_add(vs, xasprintf("%s:%s", facts ? "facts" : "record", vs->m->recs[rec]->id));
}

/* Records report or study v's records' keys of one class, once a page. */
static void dep_records(view_set *vs, view *v, int facts)
{
	bool *done = facts ? &v->recorded : &v->recorded_text;
	if (*done)
		return;
	*done = true;
	if (v->kind == V_REPORT) {
		dep_rec(vs, v->a, facts);
	} else {
		const study *st = &vs->m->studies[v->a];
		for (size_t k = 0; k < st->nreports; k++)
			dep_rec(vs, st->reports[k], facts);
	}
}

/* A record's facts: what the site's lists, counts and markers are made
 * of (site/incr.c compares exactly these to choose the "facts:" keys). A
 * study's fields are all facts; its reports' other fields are read
 * through their own views. */
static bool is_fact(vkind kind, field_id k)
{
	if (kind == V_STUDY)
		return true;
	return k == F_id || k == F_url || k == F_year || k == F_added || k == F_codes ||
	       k == F_findings || k == F_study;
}

void view_dep_field(view_set *vs, view *v, field_id k)
{
	if (vs->deps)
		dep_records(vs, v, is_fact(v->kind, k));
}

void view_dep_text(view_set *vs, size_t rec)
{
	if (vs->deps)
		dep_rec(vs, rec, 0);
}

/* Records v's own dependency the first time this page reads it. */
void view_dep(view_set *vs, view *v)
{
	if (!vs->deps)
		return;
	if (v->kind == V_REPORT || v->kind == V_STUDY) {
		dep_records(vs, v, 1);
		return;
	}
	if (v->recorded)
		return;
	v->recorded = true;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_CODE_STUDIES:
		dep_add(vs, xasprintf("code:%s/%s", s->facets[v->a].id,
		                      s->facets[v->a].codes[v->b].id));
		break;
	case V_CELL_STUDIES:
		dep_add(vs, xasprintf("cell:%s/%s", s->facets[s->rows].codes[v->a].id,
		                      s->facets[s->columns].codes[v->b].id));
		break;
	case V_PAGE:
		dep_add(vs, xasprintf("page:%s", m->pages[v->a].slug));
		break;
	case V_STUDIES:
	case V_REPORTS:
	case V_MAP:
	case V_UPDATE_STUDIES:
	case V_UPDATE_REPORTS:
	case V_UPDATE_RECODED:
	case V_PENDING:
		dep_add(vs, xstrdup("studies"));
		break;
	default:
		break;
	}
}

/* The key of a list of studies (V_STUDIES, V_CODE_STUDIES or
 * V_CELL_STUDIES: render.h), with suffix. Caller frees. */
static char *list_key(const model *m, vkind kind, size_t a, size_t b, const char *suffix)
{
	const cfg_site *s = m->site;
	if (kind == V_STUDIES)
		return xasprintf("studies%s", suffix);
	if (kind == V_CODE_STUDIES)
		return xasprintf("code:%s/%s%s", s->facets[a].id, s->facets[a].codes[b].id, suffix);
	return xasprintf("cell:%s/%s%s", s->facets[s->rows].codes[a].id,
	                 s->facets[s->columns].codes[b].id, suffix);
}

void view_dep_count(view_set *vs, vkind kind, size_t a, size_t b)
{
	if (vs->deps)
		dep_add(vs, list_key(vs->m, kind, a, b, "#n"));
}

void view_dep_site(view_set *vs)
{
	if (vs->deps && !vs->site_recorded) {
		vs->site_recorded = true;
		dep_add(vs, xstrdup("studies"));
	}
}

/* ---- making views ---------------------------------------------------------- */

static view_set *set_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Pushes the page's view of (kind, a, b), making it on first use. */
void view_push(view_set *vs, vkind kind, size_t a, size_t b)
{
	lua_State *L = vs->L;
	lua_Integer key = ((lua_Integer)a << 36) | ((lua_Integer)b << 8) | (lua_Integer)kind;
	lua_rawgeti(L, LUA_REGISTRYINDEX, vs->cache_ref);
	if (lua_rawgeti(L, -1, key) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	view *v = lua_newuserdatauv(L, sizeof *v, 0);
	*v = (view){.kind = kind, .a = a, .b = b};
	lua_rawgeti(L, LUA_REGISTRYINDEX, vs->mt_ref); /* VIEW_MT, without a lookup by name */
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawseti(L, -3, key);
	lua_remove(L, -2);
}

/* ---- lists ----------------------------------------------------------------- */

size_t view_study_finding_count(const model *m, size_t s, size_t code)
{
	const study *st = &m->studies[s];
	size_t n = 0;
	for (size_t k = 0; k < st->nreports; k++) {
		const record *r = m->recs[st->reports[k]];
		for (size_t i = 0; i < r->nfindings; i++)
			n += r->findings[i].code == code;
	}
	return n;
}

static const idx_list *studies_of(const model *m, vkind kind, size_t a, size_t b)
{
	return kind == V_CODE_STUDIES ? &m->by_code[a][b] : model_cell(m, a, b);
}

/* Length of a list view; SIZE_MAX for views that are no list. */
static size_t list_len(view_set *vs, const view *v)
{
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_SITE_AUTHORS:
		return s->nauthors;
	case V_FACETS:
		return s->nfacets;
	case V_CODES:
		return s->facets[v->a].ncodes;
	case V_GROUPS:
		return s->facets[v->a].ngroups;
	case V_GROUP_CODES:
		return s->facets[v->a].groups[v->b].count;
	case V_REPORTS:
		return m->nrecs;
	case V_REP_AUTHORS:
		return m->recs[v->a]->nauthors;
	case V_REP_CODELIST:
		return m->recs[v->a]->codes[v->b].n;
	case V_FINDINGS:
		return m->recs[v->a]->nfindings;
	case V_STUDIES:
		return m->nstudies;
	case V_STUDY_REPORTS:
		return m->studies[v->a].nreports;
	case V_STUDY_CODELIST:
		return m->studies[v->a].codes[v->b].n;
	case V_STUDY_FINDLIST:
		return view_study_finding_count(m, v->a, v->b);
	case V_FILTERS:
		return s->nfilters;
	case V_CELLROWS:
		return s->facets[s->rows].ncodes;
	case V_CELLROW:
		return s->facets[s->columns].ncodes;
	case V_PAGES:
		return m->npages;
	case V_FLOWS:
		return vs->nflows;
	case V_CODE_STUDIES:
	case V_CELL_STUDIES:
		return studies_of(m, v->kind, v->a, v->b)->n;
	case V_SLICE:
		return v->n;
	default:
		return view_updates_len(vs, v);
	}
}

/* Pushes item i (0-based, i < list_len) of a list view. */
static void list_item(view_set *vs, const view *v, size_t i)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_SITE_AUTHORS:
		lua_pushstring(L, s->authors[i]);
		break;
	case V_FACETS:
		view_push(vs, V_FACET, i, 0);
		break;
	case V_CODES:
		view_push(vs, V_CODE, v->a, i);
		break;
	case V_GROUPS:
		view_push(vs, V_GROUP, v->a, i);
		break;
	case V_GROUP_CODES:
		view_push(vs, V_CODE, v->a, s->facets[v->a].groups[v->b].first + i);
		break;
	case V_REPORTS:
		view_push(vs, V_REPORT, i, 0);
		break;
	case V_REP_AUTHORS:
		lua_pushstring(L, m->recs[v->a]->authors[i]);
		break;
	case V_REP_CODELIST:
		view_push(vs, V_CODE, v->b, m->recs[v->a]->codes[v->b].idx[i]);
		break;
	case V_FINDINGS:
		view_push(vs, V_FINDING, v->a, i);
		break;
	case V_STUDIES:
		view_push(vs, V_STUDY, i, 0);
		break;
	case V_STUDY_REPORTS:
		view_push(vs, V_REPORT, m->studies[v->a].reports[i], 0);
		break;
	case V_STUDY_CODELIST:
		view_push(vs, V_CODE, v->b, m->studies[v->a].codes[v->b].idx[i]);
		break;
	case V_STUDY_FINDLIST: {
		const study *st = &m->studies[v->a];
		for (size_t k = 0; k < st->nreports; k++) {
			const record *r = m->recs[st->reports[k]];
			for (size_t j = 0; j < r->nfindings; j++)
				if (r->findings[j].code == v->b && i-- == 0) {
					view_push(vs, V_FINDING, st->reports[k], j);
					return;
				}
		}
		lua_pushnil(L);
		break;
	}
	case V_FILTERS:
		if (s->filters[i] == CFG_FILTER_YEAR)
			lua_pushstring(L, "year");
		else
			view_push(vs, V_FACET, s->filters[i], 0);
		break;
	case V_CELLROWS:
		view_push(vs, V_CELLROW, i, 0);
		break;
	case V_CELLROW:
		view_push(vs, V_CELL, v->a, i);
		break;
	case V_PAGES:
		view_push(vs, V_PAGE, i, 0);
		break;
	case V_FLOWS:
		view_push(vs, V_FLOW, i, 0);
		break;
	case V_CODE_STUDIES:
	case V_CELL_STUDIES:
		view_push(vs, V_STUDY, studies_of(m, v->kind, v->a, v->b)->v[i], 0);
		break;
	case V_SLICE:
		if (v->base == V_STUDIES)
			view_push(vs, V_STUDY, v->from + i, 0);
		else
			view_push(vs, V_STUDY, studies_of(m, v->base, v->a, v->b)->v[v->from + i],
			          0);
		break;
	default:
		view_updates_item(vs, v, i);
		break;
	}
}

/* ---- maps by id ------------------------------------------------------------- */

/* Views whose keys are ids: the key's index, or SIZE_MAX; n = key count. */
static bool is_map(vkind k)
{
	return k == V_FACET_BY_ID || k == V_CODES_BY_ID || k == V_REP_CODES || k == V_STUDY_CODES ||
	       k == V_STUDY_FINDINGS;
}

static size_t map_count(view_set *vs, const view *v)
{
	const cfg_site *s = vs->m->site;
	return v->kind == V_CODES_BY_ID      ? s->facets[v->a].ncodes
	       : v->kind == V_STUDY_FINDINGS ? s->facets[s->rows].ncodes
	                                     : s->nfacets;
}

static const char *map_key(view_set *vs, const view *v, size_t i)
{
	const cfg_site *s = vs->m->site;
	return v->kind == V_CODES_BY_ID      ? s->facets[v->a].codes[i].id
	       : v->kind == V_STUDY_FINDINGS ? s->facets[s->rows].codes[i].id
	                                     : s->facets[i].id;
}

/* Pushes the value under key i, or returns false when there is none. */
static bool map_value(view_set *vs, const view *v, size_t i)
{
	switch (v->kind) {
	case V_FACET_BY_ID:
		view_push(vs, V_FACET, i, 0);
		return true;
	case V_CODES_BY_ID:
		view_push(vs, V_CODE, v->a, i);
		return true;
	case V_REP_CODES:
		view_push(vs, V_REP_CODELIST, v->a, i);
		return true;
	case V_STUDY_CODES:
		view_push(vs, V_STUDY_CODELIST, v->a, i);
		return true;
	case V_STUDY_FINDINGS:
		if (!view_study_finding_count(vs->m, v->a, i))
			return false;
		view_push(vs, V_STUDY_FINDLIST, v->a, i);
		return true;
	default:
		return false;
	}
}

static size_t map_find(view_set *vs, const view *v, const char *key)
{
	const cfg_site *s = vs->m->site;
	if (v->kind == V_CODES_BY_ID)
		return cfg_code_index(&s->facets[v->a], key);
	if (v->kind == V_STUDY_FINDINGS)
		return cfg_code_index(&s->facets[s->rows], key);
	return cfg_facet_index(s, key);
}

/* Lists whose entries depend on which records are in them: reading one
 * records its dependency (view_dep). */
static bool reads_membership(vkind k)
{
	return k == V_STUDIES || k == V_REPORTS || k == V_CODE_STUDIES || k == V_CELL_STUDIES ||
	       k == V_UPDATE_STUDIES || k == V_UPDATE_REPORTS || k == V_UPDATE_RECODED ||
	       k == V_PENDING;
}

/* ---- metamethods --------------------------------------------------------------- */

static int mm_index(lua_State *L)
{
	view_set *vs = set_of(L);
	view *v = lua_touserdata(L, 1);
	if (is_map(v->kind)) {
		size_t i =
		    lua_type(L, 2) == LUA_TSTRING ? map_find(vs, v, lua_tostring(L, 2)) : SIZE_MAX;
		if (i == SIZE_MAX || !map_value(vs, v, i))
			lua_pushnil(L);
		return 1;
	}
	size_t n = list_len(vs, v);
	/* A list's entries are numbers; a name may still be one of its fields
	 * (updates.pending). */
	if (n != SIZE_MAX && lua_type(L, 2) != LUA_TSTRING) {
		if (reads_membership(v->kind))
			view_dep(vs, v);
		int isnum;
		lua_Integer i = lua_tointegerx(L, 2, &isnum);
		if (isnum && i >= 1 && (size_t)i <= n)
			list_item(vs, v, (size_t)i - 1);
		else
			lua_pushnil(L);
		return 1;
	}
	field_id k = F_NONE;
	if (lua_type(L, 2) == LUA_TSTRING) {
		lua_pushvalue(L, 2);
		lua_rawget(L, lua_upvalueindex(2)); /* nil (0) for names no view has */
		k = (field_id)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	if (k == F_NONE || !view_field(vs, v, k))
		lua_pushnil(L);
	return 1;
}

static int mm_newindex(lua_State *L)
{
	return luaL_error(L, "the site's data is read-only (cannot set %s%s%s)",
	                  lua_type(L, 2) == LUA_TSTRING ? "field \"" : "an entry",
	                  lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "",
	                  lua_type(L, 2) == LUA_TSTRING ? "\"" : "");
}

static int mm_len(lua_State *L)
{
	view_set *vs = set_of(L);
	view *v = lua_touserdata(L, 1);
	size_t n = is_map(v->kind) ? 0 : list_len(vs, v);
	if (v->kind == V_CODE_STUDIES || v->kind == V_CELL_STUDIES || v->kind == V_STUDIES)
		view_dep_count(vs, v->kind, v->a, v->b); /* a length is a count */
	else if (reads_membership(v->kind))
		view_dep(vs, v);
	lua_pushinteger(L, n == SIZE_MAX ? 0 : (lua_Integer)n);
	return 1;
}

/* pairs(): lists by position, maps in the order of their ids in site.yaml,
 * other views by nothing (their fields are not enumerable). */
static int next_entry(lua_State *L)
{
	view_set *vs = set_of(L);
	view *v = lua_touserdata(L, 1);
	if (is_map(v->kind)) {
		size_t i = lua_isnil(L, 2) ? 0 : map_find(vs, v, lua_tostring(L, 2)) + 1;
		for (size_t n = map_count(vs, v); i < n; i++) {
			lua_pushstring(L, map_key(vs, v, i));
			if (map_value(vs, v, i))
				return 2;
			lua_pop(L, 1);
		}
		return 0;
	}
	size_t n = list_len(vs, v);
	lua_Integer i = lua_isnil(L, 2) ? 0 : lua_tointeger(L, 2);
	if (n == SIZE_MAX || i < 0 || (size_t)i >= n)
		return 0;
	lua_pushinteger(L, i + 1);
	list_item(vs, v, (size_t)i);
	return 2;
}

static int mm_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(2)); /* next_entry */
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int mm_tostring(lua_State *L)
{
	lua_pushstring(L, "site data");
	return 1;
}

/* type(): a view is a "table" to templates, as the model always was. */
static int view_type(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_testudata(L, 1, VIEW_MT))
		lua_pushstring(L, "table");
	else
		lua_pushstring(L, luaL_typename(L, 1));
	return 1;
}

void view_push_type(lua_State *L)
{
	lua_pushcfunction(L, view_type);
}

/* ---- the set ------------------------------------------------------------------ */

view_set *view_new(lua_State *L, const model *m, const render_flow *flows, size_t nflows,
                   const char *generator)
{
	view_set *vs = xcalloc(1, sizeof *vs);
	vs->L = L;
	vs->m = m;
	vs->flows = flows;
	vs->nflows = nflows;
	vs->generator = xstrdup(generator);
	luaL_newmetatable(L, VIEW_MT);
	lua_pushlightuserdata(L, vs);
	lua_createtable(L, 0, F_COUNT);
	for (int i = 1; i < F_COUNT; i++) {
		lua_pushinteger(L, i);
		lua_setfield(L, -2, view_field_names[i]);
	}
	lua_pushcclosure(L, mm_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, mm_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushlightuserdata(L, vs);
	lua_pushcclosure(L, mm_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushlightuserdata(L, vs);
	lua_pushlightuserdata(L, vs);
	lua_pushcclosure(L, next_entry, 1);
	lua_pushcclosure(L, mm_pairs, 2);
	lua_setfield(L, -2, "__pairs");
	lua_pushcfunction(L, mm_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushstring(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	vs->mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	vs->cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return vs;
}

void view_rebind(view_set *vs, const model *m, const render_flow *flows, size_t nflows)
{
	view_history_free(vs); /* made of the last model */
	vs->m = m;
	vs->flows = flows;
	vs->nflows = nflows;
}

void view_free(view_set *vs)
{
	if (!vs)
		return;
	luaL_unref(vs->L, LUA_REGISTRYINDEX, vs->cache_ref);
	luaL_unref(vs->L, LUA_REGISTRYINDEX, vs->mt_ref);
	view_history_free(vs);
	free(vs->generator);
	free(vs);
}

void view_begin(view_set *vs, render_deps *deps)
{
	vs->deps = deps;
	vs->site_recorded = false;
	vs->nrec_keys[0] = vs->nrec_keys[1] = 0;
	vs->rec_all[0] = vs->rec_all[1] = false;
	lua_newtable(vs->L);
	lua_rawseti(vs->L, LUA_REGISTRYINDEX, vs->cache_ref);
}

void view_end(view_set *vs)
{
	vs->deps = NULL;
	lua_newtable(vs->L);
	lua_rawseti(vs->L, LUA_REGISTRYINDEX, vs->cache_ref);
}

static void set_view(view_set *vs, int vars, const char *name, vkind kind, size_t a, size_t b)
{
	view_push(vs, kind, a, b);
	lua_setfield(vs->L, vars, name);
}

void view_set_globals(view_set *vs, int vars)
{
	static const struct {
		const char *name;
		vkind kind;
	} globals[] = {
	    {"site", V_SITE},       {"facets", V_FACETS},   {"facet", V_FACET_BY_ID},
	    {"reports", V_REPORTS}, {"studies", V_STUDIES}, {"map", V_MAP},
	    {"pages", V_PAGES},     {"flows", V_FLOWS},     {"updates", V_UPDATES},
	};
	vars = lua_absindex(vs->L, vars);
	for (size_t i = 0; i < sizeof globals / sizeof *globals; i++)
		set_view(vs, vars, globals[i].name, globals[i].kind, 0, 0);
}

void view_set_job(view_set *vs, const render_job *job, int vars)
{
	vars = lua_absindex(vs->L, vars);
	switch (job->kind) {
	case RJ_STUDY:
		set_view(vs, vars, "study", V_STUDY, job->a, 0);
		if (job->b)
			set_view(vs, vars, "report", V_REPORT, job->b - 1, 0);
		break;
	case RJ_CODE:
		/* A code's page also has its facet. */
		set_view(vs, vars, "code", V_CODE, job->a, job->b);
		/* fall through */
	case RJ_FACET:
		set_view(vs, vars, "this_facet", V_FACET, job->a, 0);
		break;
	case RJ_CELL:
		set_view(vs, vars, "cell", V_CELL, job->a, job->b);
		break;
	case RJ_PAGE:
		set_view(vs, vars, "page", V_PAGE, job->a, 0);
		break;
	default:
		break;
	}
}

void view_push_study_slice(view_set *vs, bool cell, size_t f, size_t c, size_t from, size_t n)
{
	lua_State *L = vs->L;
	vkind base = f == SIZE_MAX ? V_STUDIES : cell ? V_CELL_STUDIES : V_CODE_STUDIES;
	/* A slice shows the studies at its places in the list (one page of it:
	 * render.h's "@<page>" key) and the list's count (the pager). */
	size_t a = f == SIZE_MAX ? 0 : f, size = (size_t)vs->m->site->page_size;
	if (vs->deps) {
		char at[32];
		snprintf(at, sizeof at, "@%zu", from / (size ? size : 1) + 1);
		dep_add(vs, list_key(vs->m, base, a, c, at));
	}
	view_dep_count(vs, base, a, c);
	view *v = lua_newuserdatauv(L, sizeof *v, 0);
	*v = (view){.kind = V_SLICE, .a = f, .b = c, .base = base, .from = from, .n = n};
	luaL_setmetatable(L, VIEW_MT);
}
