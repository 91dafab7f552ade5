#include "render/render.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "render/whatsnew.h"
#include "tmpl/tmpl.h"

struct render_ctx {
	const model *m;
	tmpl_env *env;
	int ref_data;  /* registry ref: table with site, facets, map, studies, pages... */
	char *generator;
};

static const char *const direction_labels[] = {"Not reported", "Improved", "No change", "Mixed",
                                               "Worse"};

char *render_root(const char *path)
{
	buf b = BUF_INIT;
	for (const char *p = path; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	return buf_detach(&b);
}

/* ---- jobs ---------------------------------------------------------------- */

static void add_job(render_job **v, size_t *n, size_t *cap, render_kind kind, size_t a,
                    size_t b, char *path, const char *tname)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = (render_job){kind, a, b, path, tname};
}

render_job *render_jobs(const model *m, size_t nflows, size_t *njobs)
{
	render_job *v = NULL;
	size_t n = 0, cap = 0;
	const cfg_site *s = m->site;
	add_job(&v, &n, &cap, RJ_INDEX, 0, 0, xstrdup(PATHS_INDEX), "index");
	add_job(&v, &n, &cap, RJ_STUDIES, 0, 0, xstrdup(PATHS_STUDIES), "studies");
	for (size_t i = 0; i < m->nstudies; i++)
		add_job(&v, &n, &cap, RJ_STUDY, i, 0,
		        paths_study(m->recs[m->studies[i].primary]->id), "study");
	/* Further reports get a page of their own that leads to their study. */
	for (size_t r = 0; r < m->nrecs; r++)
		if (m->studies[m->study_of[r]].primary != r)
			add_job(&v, &n, &cap, RJ_STUDY, m->study_of[r], r + 1,
			        paths_study(m->recs[r]->id), "study");
	for (size_t f = 0; f < s->nfacets; f++) {
		const cfg_facet *fc = &s->facets[f];
		add_job(&v, &n, &cap, RJ_FACET, f, 0, paths_facet(fc->path), "facet");
		for (size_t c = 0; c < fc->ncodes; c++)
			add_job(&v, &n, &cap, RJ_CODE, f, c,
			        paths_code(fc->path, fc->codes[c].id), "code");
	}
	const cfg_facet *rows = &s->facets[s->rows], *cols = &s->facets[s->columns];
	for (size_t r = 0; r < rows->ncodes; r++)
		for (size_t c = 0; c < cols->ncodes; c++)
			if (model_cell(m, r, c)->n)
				add_job(&v, &n, &cap, RJ_CELL, r, c,
				        paths_cell(rows->codes[r].id, cols->codes[c].id),
				        "cell");
	for (size_t p = 0; p < m->npages; p++)
		add_job(&v, &n, &cap, RJ_PAGE, p, 0, paths_page(m->pages[p].slug),
		        "page");
	if (nflows)
		add_job(&v, &n, &cap, RJ_PRISMA, 0, 0, xstrdup(PATHS_PRISMA), "prisma");
	add_job(&v, &n, &cap, RJ_DATA, 0, 0, xstrdup(PATHS_DATA), "data");
	add_job(&v, &n, &cap, RJ_OVERVIEW, 0, 0, xstrdup(PATHS_OVERVIEW), "overview");
	if (s->updates.n)
		add_job(&v, &n, &cap, RJ_UPDATES, 0, 0, xstrdup(PATHS_UPDATES), "updates");
	add_job(&v, &n, &cap, RJ_404, 0, 0, xstrdup("404.html"), "404");
	*njobs = n;
	return v;
}

void render_jobs_free(render_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(jobs[i].path);
	free(jobs);
}

/* ---- model as Lua tables ---------------------------------------------------- */

static void set_str(lua_State *L, const char *key, const char *value)
{
	if (!value)
		return;
	lua_pushstring(L, value);
	lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, long long value)
{
	lua_pushinteger(L, value);
	lua_setfield(L, -2, key);
}

static void set_bool(lua_State *L, const char *key, bool value)
{
	lua_pushboolean(L, value);
	lua_setfield(L, -2, key);
}

static void push_strings(lua_State *L, char **v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* "Wright, N." -> "Wright"; a name without a comma is kept whole. */
static void family_name(buf *b, const char *author)
{
	const char *comma = strchr(author, ',');
	buf_put(b, author, comma ? (size_t)(comma - author) : strlen(author));
}

static char *short_authors(const record *r)
{
	buf b = BUF_INIT;
	if (r->nauthors == 0)
		buf_puts(&b, r->published_in ? r->published_in : "Anonymous");
	else if (r->nauthors == 1)
		family_name(&b, r->authors[0]);
	else if (r->nauthors == 2 && !rec_is_et_al(r->authors[1])) {
		family_name(&b, r->authors[0]);
		buf_puts(&b, " and ");
		family_name(&b, r->authors[1]);
	} else {
		family_name(&b, r->authors[0]);
		buf_puts(&b, " et al.");
	}
	return buf_detach(&b);
}

static char *citation(const record *r)
{
	buf b = BUF_INIT;
	bool et_al = r->nauthors > 1 && rec_is_et_al(r->authors[r->nauthors - 1]);
	size_t named = et_al ? r->nauthors - 1 : r->nauthors;
	for (size_t i = 0; i < named; i++) {
		if (i)
			buf_puts(&b, i + 1 == named && !et_al ? " and " : ", ");
		buf_puts(&b, r->authors[i]);
	}
	if (et_al)
		buf_puts(&b, ", et al.");
	if (r->nauthors)
		buf_putc(&b, ' ');
	buf_printf(&b, "(%ld). %s", r->year, r->title);
	if (!str_ends_with(r->title, ".") && !str_ends_with(r->title, "?") &&
	    !str_ends_with(r->title, "!"))
		buf_putc(&b, '.');
	if (r->published_in) {
		buf_printf(&b, " %s", r->published_in);
		if (r->volume)
			buf_printf(&b, ", %s", r->volume);
		if (r->issue)
			buf_printf(&b, "(%s)", r->issue);
		if (r->pages)
			buf_printf(&b, ", %s", r->pages);
		buf_putc(&b, '.');
	}
	if (r->publisher && (!r->published_in || strcmp(r->publisher, r->published_in)))
		buf_printf(&b, " %s.", r->publisher);
	return buf_detach(&b);
}

/* Stack: [... facets] -> pushes facets[f].codes[c]. */
static void push_code_ref(lua_State *L, int facets, size_t f, size_t c)
{
	lua_rawgeti(L, facets, (lua_Integer)f + 1);
	lua_getfield(L, -1, "codes");
	lua_rawgeti(L, -1, (lua_Integer)c + 1);
	lua_replace(L, -3);
	lua_pop(L, 1);
}

static void push_report(lua_State *L, const model *m, size_t ri, int facets)
{
	const record *r = m->recs[ri];
	const cfg_site *s = m->site;
	lua_createtable(L, 0, 32);
	set_str(L, "id", r->id);
	char *url = paths_study(r->id);
	set_str(L, "url", url);
	free(url);
	set_str(L, "file", r->file);
	set_str(L, "title", r->title);
	push_strings(L, r->authors, r->nauthors);
	lua_setfield(L, -2, "authors");
	char *sa = short_authors(r), *cite = citation(r);
	set_str(L, "authors_short", sa);
	set_str(L, "citation", cite);
	free(sa);
	free(cite);
	set_int(L, "year", r->year);
	set_str(L, "type", r->type);
	set_str(L, "published_in", r->published_in);
	set_str(L, "publisher", r->publisher);
	set_str(L, "volume", r->volume);
	set_str(L, "issue", r->issue);
	set_str(L, "pages", r->pages);
	set_str(L, "doi", r->doi);
	if (r->doi) {
		buf b = BUF_INIT;
		buf_puts(&b, "https://doi.org/");
		buf_puts(&b, r->doi);
		set_str(L, "doi_url", buf_cstr(&b));
		buf_free(&b);
	}
	set_str(L, "link", r->url);
	set_str(L, "added", r->added);
	set_str(L, "population", r->population);
	set_str(L, "intervention", r->intervention);
	set_str(L, "comparison", r->comparison);
	set_str(L, "sample", r->sample);
	if (r->sample_size >= 0)
		set_int(L, "sample_size", r->sample_size);
	set_str(L, "summary", r->summary);
	set_str(L, "note", r->note_html);
	set_str(L, "abstract", r->abstract_html);
	/* Codes per facet, both by facet id and as an ordered list. */
	lua_createtable(L, 0, (int)s->nfacets);
	for (size_t f = 0; f < s->nfacets; f++) {
		lua_createtable(L, (int)r->codes[f].n, 0);
		for (size_t k = 0; k < r->codes[f].n; k++) {
			push_code_ref(L, facets, f, r->codes[f].idx[k]);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, s->facets[f].id);
	}
	lua_setfield(L, -2, "codes");
	lua_createtable(L, (int)r->nfindings, 0);
	for (size_t i = 0; i < r->nfindings; i++) {
		const rec_finding *fd = &r->findings[i];
		lua_createtable(L, 0, 4);
		push_code_ref(L, facets, s->rows, fd->code);
		lua_setfield(L, -2, "code");
		set_str(L, "direction", rec_direction_names[fd->direction]);
		set_str(L, "direction_label", direction_labels[fd->direction]);
		set_str(L, "detail", fd->detail);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "findings");
}

static void push_facets(lua_State *L, const model *m)
{
	const cfg_site *s = m->site;
	lua_createtable(L, (int)s->nfacets, 0);
	for (size_t f = 0; f < s->nfacets; f++) {
		const cfg_facet *fc = &s->facets[f];
		lua_createtable(L, 0, 16);
		set_str(L, "id", fc->id);
		set_int(L, "index", (long long)f + 1);
		set_str(L, "label", fc->label);
		set_str(L, "plural", fc->plural);
		set_str(L, "path", fc->path);
		char *url = paths_facet(fc->path);
		set_str(L, "url", url);
		free(url);
		set_str(L, "definition", fc->definition);
		set_bool(L, "multiple", fc->multiple);
		set_bool(L, "ordinal", fc->ordinal);
		set_bool(L, "is_rows", f == s->rows);
		set_bool(L, "is_columns", f == s->columns);
		set_bool(L, "is_segments", f == s->segments);
		lua_createtable(L, (int)fc->ncodes, 0);
		for (size_t c = 0; c < fc->ncodes; c++) {
			const cfg_code *cd = &fc->codes[c];
			lua_createtable(L, 0, 12);
			set_str(L, "id", cd->id);
			set_int(L, "index", (long long)c + 1);
			set_str(L, "label", cd->label);
			set_str(L, "definition", cd->definition);
			url = paths_code(fc->path, cd->id);
			set_str(L, "url", url);
			free(url);
			size_t ns, nr;
			model_count_code(m, f, c, &ns, &nr);
			set_int(L, "n", (long long)ns);
			set_int(L, "reports", (long long)nr);
			lua_pushvalue(L, -3); /* the facet table */
			lua_setfield(L, -2, "facet");
			lua_rawseti(L, -2, (lua_Integer)c + 1);
		}
		lua_setfield(L, -2, "codes");
		lua_createtable(L, (int)fc->ngroups, 0);
		lua_getfield(L, -2, "codes");
		int codes = lua_gettop(L);
		for (size_t g = 0; g < fc->ngroups; g++) {
			const cfg_group *gr = &fc->groups[g];
			lua_createtable(L, 0, 6);
			set_str(L, "id", gr->id);
			set_str(L, "label", gr->label);
			set_str(L, "definition", gr->definition);
			lua_createtable(L, (int)gr->count, 0);
			for (size_t k = 0; k < gr->count; k++) {
				lua_rawgeti(L, codes, (lua_Integer)(gr->first + k) + 1);
				lua_pushvalue(L, -3); /* the group */
				lua_setfield(L, -2, "group");
				lua_rawseti(L, -2, (lua_Integer)k + 1);
			}
			lua_setfield(L, -2, "codes");
			lua_rawseti(L, codes - 1, (lua_Integer)g + 1);
		}
		lua_pop(L, 1); /* codes */
		lua_setfield(L, -2, "groups");
		/* Codes by id, for templates that look one up. */
		lua_createtable(L, 0, (int)fc->ncodes);
		lua_getfield(L, -2, "codes");
		for (size_t c = 0; c < fc->ncodes; c++) {
			lua_rawgeti(L, -1, (lua_Integer)c + 1);
			lua_setfield(L, -3, fc->codes[c].id);
		}
		lua_pop(L, 1);
		lua_setfield(L, -2, "by_id");
		lua_rawseti(L, -2, (lua_Integer)f + 1);
	}
}

static void push_study_codes(lua_State *L, const model *m, const study *st, int facets)
{
	const cfg_site *s = m->site;
	lua_createtable(L, 0, (int)s->nfacets);
	for (size_t f = 0; f < s->nfacets; f++) {
		lua_createtable(L, (int)st->codes[f].n, 0);
		for (size_t k = 0; k < st->codes[f].n; k++) {
			push_code_ref(L, facets, f, st->codes[f].idx[k]);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, s->facets[f].id);
	}
}

/* Builds the shared data table once per context. */
static void push_data(lua_State *L, const model *m, const render_flow *flows, size_t nflows,
                      const char *generator)
{
	const cfg_site *s = m->site;
	lua_createtable(L, 0, 16);
	int data = lua_gettop(L);

	lua_createtable(L, 0, 20);
	set_str(L, "title", s->title);
	set_str(L, "description", s->description);
	push_strings(L, s->authors, s->nauthors);
	lua_setfield(L, -2, "authors");
	set_str(L, "licence", s->licence);
	set_str(L, "licence_url", s->licence_url);
	set_str(L, "language", s->language);
	set_str(L, "url", s->url);
	set_str(L, "attribution", s->attribution_html);
	set_int(L, "thin", s->thin);
	set_int(L, "year_min", m->year_min);
	set_int(L, "year_max", m->year_max);
	set_int(L, "studies", (long long)m->nstudies);
	set_int(L, "reports", (long long)m->nrecs);
	set_str(L, "generator", generator);
	lua_setfield(L, data, "site");

	push_facets(L, m);
	int facets = lua_gettop(L);
	lua_pushvalue(L, facets);
	lua_setfield(L, data, "facets");
	lua_createtable(L, 0, (int)s->nfacets);
	for (size_t f = 0; f < s->nfacets; f++) {
		lua_rawgeti(L, facets, (lua_Integer)f + 1);
		lua_setfield(L, -2, s->facets[f].id);
	}
	lua_setfield(L, data, "facet");

	/* Reports, then studies referring to them. */
	lua_createtable(L, (int)m->nrecs, 0);
	int reports = lua_gettop(L);
	for (size_t r = 0; r < m->nrecs; r++) {
		push_report(L, m, r, facets);
		lua_rawseti(L, reports, (lua_Integer)r + 1);
	}
	lua_pushvalue(L, reports);
	lua_setfield(L, data, "reports");

	lua_createtable(L, (int)m->nstudies, 0);
	int studies = lua_gettop(L);
	for (size_t i = 0; i < m->nstudies; i++) {
		const study *st = &m->studies[i];
		const record *p = m->recs[st->primary];
		lua_createtable(L, 0, 16);
		set_str(L, "id", p->id);
		char *url = paths_study(p->id);
		set_str(L, "url", url);
		free(url);
		set_int(L, "year", st->year);
		lua_rawgeti(L, reports, (lua_Integer)st->primary + 1);
		lua_setfield(L, -2, "primary");
		lua_createtable(L, (int)st->nreports, 0);
		for (size_t k = 0; k < st->nreports; k++) {
			lua_rawgeti(L, reports, (lua_Integer)st->reports[k] + 1);
			lua_pushvalue(L, -3); /* study */
			lua_setfield(L, -2, "study");
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "reports");
		push_study_codes(L, m, st, facets);
		lua_setfield(L, -2, "codes");
		/* Findings of every report, by row code id. */
		lua_createtable(L, 0, 4);
		for (size_t k = 0; k < st->nreports; k++) {
			const record *r = m->recs[st->reports[k]];
			lua_rawgeti(L, reports, (lua_Integer)st->reports[k] + 1);
			lua_getfield(L, -1, "findings");
			for (size_t i2 = 0; i2 < r->nfindings; i2++) {
				const char *cid = s->facets[s->rows].codes[r->findings[i2].code].id;
				if (lua_getfield(L, -3, cid) == LUA_TNIL) {
					lua_pop(L, 1);
					lua_newtable(L);
					lua_pushvalue(L, -1);
					lua_setfield(L, -5, cid);
				}
				lua_rawgeti(L, -2, (lua_Integer)i2 + 1);
				lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
				lua_pop(L, 1);
			}
			lua_pop(L, 2);
		}
		lua_setfield(L, -2, "findings");
		lua_rawseti(L, studies, (lua_Integer)i + 1);
	}
	lua_pushvalue(L, studies);
	lua_setfield(L, data, "studies");
	lua_getfield(L, data, "site");
	whatsnew_push(L, m, lua_gettop(L), reports, studies);
	lua_setfield(L, data, "updates");
	lua_pop(L, 1);
	/* Facet code -> its studies, as tables shared with the list above. */
	for (size_t f = 0; f < s->nfacets; f++) {
		lua_rawgeti(L, facets, (lua_Integer)f + 1);
		lua_getfield(L, -1, "codes");
		for (size_t c = 0; c < s->facets[f].ncodes; c++) {
			const idx_list *l = &m->by_code[f][c];
			lua_rawgeti(L, -1, (lua_Integer)c + 1);
			lua_createtable(L, (int)l->n, 0);
			for (size_t k = 0; k < l->n; k++) {
				lua_rawgeti(L, studies, (lua_Integer)l->v[k] + 1);
				lua_rawseti(L, -2, (lua_Integer)k + 1);
			}
			lua_setfield(L, -2, "studies");
			lua_pop(L, 1);
		}
		lua_pop(L, 2);
	}

	/* The map: rows x columns of cells. */
	lua_createtable(L, 0, 8);
	lua_rawgeti(L, facets, (lua_Integer)s->rows + 1);
	lua_setfield(L, -2, "rows");
	lua_rawgeti(L, facets, (lua_Integer)s->columns + 1);
	lua_setfield(L, -2, "columns");
	if (s->segments != CFG_NONE) {
		lua_rawgeti(L, facets, (lua_Integer)s->segments + 1);
		lua_setfield(L, -2, "segments");
	}
	lua_createtable(L, (int)s->nfilters, 0);
	for (size_t i = 0; i < s->nfilters; i++) {
		if (s->filters[i] == CFG_FILTER_YEAR)
			lua_pushstring(L, "year");
		else
			lua_rawgeti(L, facets, (lua_Integer)s->filters[i] + 1);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "filters");
	const cfg_facet *rows = &s->facets[s->rows], *cols = &s->facets[s->columns];
	lua_createtable(L, (int)rows->ncodes, 0);
	size_t gaps = 0, filled = 0;
	for (size_t r = 0; r < rows->ncodes; r++) {
		lua_createtable(L, (int)cols->ncodes, 0);
		for (size_t c = 0; c < cols->ncodes; c++) {
			const idx_list *l = model_cell(m, r, c);
			lua_createtable(L, 0, 8);
			set_int(L, "n", (long long)l->n);
			set_bool(L, "gap", l->n == 0);
			set_bool(L, "thin", l->n > 0 && (long)l->n < s->thin);
			gaps += l->n == 0;
			filled += l->n > 0;
			push_code_ref(L, facets, s->rows, r);
			lua_setfield(L, -2, "row");
			push_code_ref(L, facets, s->columns, c);
			lua_setfield(L, -2, "column");
			if (l->n) {
				char *url = paths_cell(rows->codes[r].id, cols->codes[c].id);
				set_str(L, "url", url);
				free(url);
			}
			lua_createtable(L, (int)l->n, 0);
			for (size_t k = 0; k < l->n; k++) {
				lua_rawgeti(L, studies, (lua_Integer)l->v[k] + 1);
				lua_rawseti(L, -2, (lua_Integer)k + 1);
			}
			lua_setfield(L, -2, "studies");
			lua_rawseti(L, -2, (lua_Integer)c + 1);
		}
		lua_rawseti(L, -2, (lua_Integer)r + 1);
	}
	lua_setfield(L, -2, "cells");
	set_int(L, "gaps", (long long)gaps);
	set_int(L, "filled", (long long)filled);
	lua_setfield(L, data, "map");

	lua_createtable(L, (int)m->npages, 0);
	for (size_t p = 0; p < m->npages; p++) {
		const page *pg = &m->pages[p];
		lua_createtable(L, 0, 6);
		set_str(L, "slug", pg->slug);
		set_str(L, "title", pg->title);
		set_str(L, "description", pg->description);
		set_int(L, "menu", pg->menu);
		set_str(L, "html", pg->html);
		char *url = paths_page(pg->slug);
		set_str(L, "url", url);
		free(url);
		lua_rawseti(L, -2, (lua_Integer)p + 1);
	}
	lua_setfield(L, data, "pages");

	lua_createtable(L, (int)nflows, 0);
	for (size_t i = 0; i < nflows; i++) {
		const render_flow *fl = &flows[i];
		lua_createtable(L, 0, 6);
		set_str(L, "id", fl->id);
		set_str(L, "title", fl->title);
		set_str(L, "png", fl->png);
		set_str(L, "svg", fl->svg);
		set_str(L, "text_html", fl->text_html);
		set_int(L, "width", fl->width);
		set_int(L, "height", fl->height);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, data, "flows");

	lua_settop(L, data);
}

render_ctx *render_new(const model *m, const render_dir *dirs, size_t ndirs,
                       const render_flow *flows, size_t nflows, const char *generator,
                       tmpl_budget *budget, diag *d)
{
	/* The data tables of a large map are big: give the env room for them;
	 * the per-render memory limit applies to what templates allocate. */
	tmpl_limits lim = {.shared = budget};
	tmpl_env *env = tmpl_new(&lim);
	size_t before = d->errors;
	for (size_t i = 0; i < ndirs; i++)
		tmpl_add_dir(env, dirs[i].dir, dirs[i].label, d);
	if (d->errors != before) {
		tmpl_free(env);
		return NULL;
	}
	static const char *const required[] = {"layout", "index", "studies", "study", "facet",
	                                       "code", "cell", "page", "prisma", "data",
	                                       "overview", "404"};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!tmpl_has(env, required[i]))
			diag_error(d, "", 0, 0, "no template \"%s.html\" in the templates or the theme",
			           required[i]);
	if (d->errors != before) {
		tmpl_free(env);
		return NULL;
	}
	render_ctx *rc = xcalloc(1, sizeof *rc);
	rc->m = m;
	rc->env = env;
	rc->generator = xstrdup(generator);
	lua_State *L = tmpl_lua(env);
	push_data(L, m, flows, nflows, generator);
	rc->ref_data = luaL_ref(L, LUA_REGISTRYINDEX);
	return rc;
}

void render_free(render_ctx *rc)
{
	if (!rc)
		return;
	tmpl_free(rc->env);
	free(rc->generator);
	free(rc);
}

/* Copies the shared data fields into the page's variables table. */
static void push_page_vars(lua_State *L, int data, const render_job *job, const char *title)
{
	lua_createtable(L, 0, 24);
	static const char *const shared[] = {"site", "facets", "facet", "reports", "studies",
	                                     "map", "pages", "flows", "updates"};
	for (size_t i = 0; i < sizeof shared / sizeof *shared; i++) {
		lua_getfield(L, data, shared[i]);
		lua_setfield(L, -2, shared[i]);
	}
	char *root = render_root(job->path);
	set_str(L, "root", root);
	free(root);
	set_str(L, "path", job->path);
	set_str(L, "kind", job->template_name);
	set_str(L, "title", title);
}

int render_page(render_ctx *rc, const render_job *job, buf *out, diag *d)
{
	const model *m = rc->m;
	const cfg_site *s = m->site;
	lua_State *L = tmpl_lua(rc->env);
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, rc->ref_data);
	int data = lua_gettop(L);
	const char *title = NULL;
	char *what = NULL;
	switch (job->kind) {
	case RJ_STUDY: {
		size_t r = job->b ? job->b - 1 : m->studies[job->a].primary;
		title = m->recs[r]->title;
		what = xstrdup(m->recs[r]->file);
		break;
	}
	case RJ_FACET:
		title = s->facets[job->a].plural;
		break;
	case RJ_CODE:
		title = s->facets[job->a].codes[job->b].label;
		break;
	case RJ_PAGE:
		title = m->pages[job->a].title;
		what = xstrdup(m->pages[job->a].file);
		break;
	case RJ_STUDIES: title = "Studies"; break;
	case RJ_PRISMA: title = "PRISMA flow diagrams"; break;
	case RJ_DATA: title = "Data and downloads"; break;
	case RJ_OVERVIEW: title = "Overview"; break;
	case RJ_UPDATES: title = "What's new"; break;
	case RJ_404: title = "Page not found"; break;
	case RJ_INDEX:
	case RJ_CELL: break;
	}
	buf cell_title = BUF_INIT;
	if (job->kind == RJ_CELL) {
		buf_printf(&cell_title, "%s × %s", s->facets[s->rows].codes[job->a].label,
		           s->facets[s->columns].codes[job->b].label);
		title = buf_cstr(&cell_title);
	}
	push_page_vars(L, data, job, title);
	int vars = lua_gettop(L);
	switch (job->kind) {
	case RJ_STUDY:
		lua_getfield(L, data, "studies");
		lua_rawgeti(L, -1, (lua_Integer)job->a + 1);
		lua_setfield(L, vars, "study");
		lua_pop(L, 1);
		if (job->b) {
			lua_getfield(L, data, "reports");
			lua_rawgeti(L, -1, (lua_Integer)job->b);
			lua_setfield(L, vars, "report");
			lua_pop(L, 1);
		}
		break;
	case RJ_FACET:
	case RJ_CODE:
		lua_getfield(L, data, "facets");
		lua_rawgeti(L, -1, (lua_Integer)job->a + 1);
		if (job->kind == RJ_CODE) {
			lua_getfield(L, -1, "codes");
			lua_rawgeti(L, -1, (lua_Integer)job->b + 1);
			lua_setfield(L, vars, "code");
			lua_pop(L, 1);
		}
		lua_setfield(L, vars, "this_facet");
		lua_pop(L, 1);
		break;
	case RJ_CELL:
		lua_getfield(L, data, "map");
		lua_getfield(L, -1, "cells");
		lua_rawgeti(L, -1, (lua_Integer)job->a + 1);
		lua_rawgeti(L, -1, (lua_Integer)job->b + 1);
		lua_setfield(L, vars, "cell");
		lua_pop(L, 3);
		break;
	case RJ_PAGE:
		lua_getfield(L, data, "pages");
		lua_rawgeti(L, -1, (lua_Integer)job->a + 1);
		lua_setfield(L, vars, "page");
		lua_pop(L, 1);
		break;
	default:
		break;
	}
	if (!what)
		what = xstrdup(job->path);
	buf body = BUF_INIT;
	int rc_ = tmpl_render(rc->env, job->template_name, vars, what, &body, d);
	if (rc_ == 0) {
		lua_pushlstring(L, body.data ? body.data : "", body.len);
		lua_setfield(L, vars, "content");
		buf_reset(out);
		rc_ = tmpl_render(rc->env, "layout", vars, what, out, d);
	}
	buf_free(&body);
	buf_free(&cell_title);
	free(what);
	lua_settop(L, top);
	return rc_;
}
