#include "render/render.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "render/view.h"
#include "tmpl/tmpl.h"

struct render_ctx {
	const model *m;
	tmpl_env *env;
	view_set *views;
};

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
	(*v)[(*n)++] = (render_job){kind, a, b, path, tname, 1, 1};
}

/* The studies a list job shows over all its pages. */
static size_t list_total(const model *m, render_kind kind, size_t a, size_t b)
{
	return kind == RJ_STUDIES ? m->nstudies
	       : kind == RJ_CODE  ? m->by_code[a][b].n
	                          : model_cell(m, a, b)->n;
}

/* A list job: its first page at path, then one job per further page. */
static void add_list_jobs(render_job **v, size_t *n, size_t *cap, const model *m, render_kind kind,
                          size_t a, size_t b, char *path, const char *tname)
{
	size_t size = (size_t)m->site->page_size, total = list_total(m, kind, a, b);
	size_t pages = total > size ? (total + size - 1) / size : 1;
	for (size_t p = 1; p <= pages; p++) {
		add_job(v, n, cap, kind, a, b, p == 1 ? path : paths_paged(path, p), tname);
		(*v)[*n - 1].page = p;
		(*v)[*n - 1].pages = pages;
	}
}

render_job *render_jobs(const model *m, size_t nflows, size_t *njobs)
{
	render_job *v = NULL;
	size_t n = 0, cap = 0;
	const cfg_site *s = m->site;
	add_job(&v, &n, &cap, RJ_INDEX, 0, 0, xstrdup(PATHS_INDEX), "index");
	add_list_jobs(&v, &n, &cap, m, RJ_STUDIES, 0, 0, xstrdup(PATHS_STUDIES), "studies");
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
			add_list_jobs(&v, &n, &cap, m, RJ_CODE, f, c,
			              paths_code(fc->path, fc->codes[c].id), "code");
	}
	const cfg_facet *rows = &s->facets[s->rows], *cols = &s->facets[s->columns];
	for (size_t r = 0; r < rows->ncodes; r++)
		for (size_t c = 0; c < cols->ncodes; c++)
			if (model_cell(m, r, c)->n)
				add_list_jobs(&v, &n, &cap, m, RJ_CELL, r, c,
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

render_ctx *render_new(const model *m, const render_dir *dirs, size_t ndirs,
                       const render_flow *flows, size_t nflows, const char *generator,
                       tmpl_budget *budget, diag *d)
{
	/* Templates read the model through views (view.h), so what a render
	 * allocates is the template's own; the budget is the whole build's. */
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
	rc->views = view_new(tmpl_lua(env), m, flows, nflows, generator);
	view_push_type(tmpl_lua(env));
	tmpl_set_builtin(env, "type");
	return rc;
}

void render_rebind(render_ctx *rc, const model *m, const render_flow *flows, size_t nflows)
{
	rc->m = m;
	view_rebind(rc->views, m, flows, nflows);
}

void render_free(render_ctx *rc)
{
	if (!rc)
		return;
	view_free(rc->views);
	tmpl_free(rc->env);
	free(rc);
}

static void set_str(lua_State *L, const char *key, const char *value)
{
	if (!value)
		return;
	lua_pushstring(L, value);
	lua_setfield(L, -2, key);
}

/* The page's variables: views of the model's globals, then the page's own. */
static void push_page_vars(view_set *vs, lua_State *L, const render_job *job, const char *title)
{
	lua_createtable(L, 0, 24);
	view_set_globals(vs, -1);
	char *root = render_root(job->path);
	set_str(L, "root", root);
	free(root);
	set_str(L, "path", job->path);
	set_str(L, "kind", job->template_name);
	set_str(L, "title", title);
}

/* Page n's path relative to the page being rendered. */
static void set_page_url(lua_State *L, const char *key, const render_job *job, size_t n)
{
	char *first = job->page == 1 ? xstrdup(job->path) : NULL;
	if (!first) {
		/* The first page's path: the job's path without "page/<n>/". */
		char *suffix = paths_paged("", job->page);
		first = xstrndup(job->path, strlen(job->path) - strlen(suffix));
		free(suffix);
		char *with_index = xasprintf("%s%s", first, PATHS_INDEX);
		free(first);
		first = with_index;
	}
	char *p = paths_paged(first, n);
	set_str(L, key, p);
	free(p);
	free(first);
}

/* A long list's page: `list` (its studies on this page) and, when the list
 * has more than one page, `pager`: page, pages, first, last, total, prev and
 * next (root-relative paths or nil) and links, a window of numbered pages
 * ({n, url, current}, with {gap = true} where numbers are left out). */
static void push_list_vars(view_set *vs, lua_State *L, const model *m, const render_job *job,
                           int vars)
{
	size_t size = (size_t)m->site->page_size;
	size_t total = list_total(m, job->kind, job->a, job->b);
	size_t from = (job->page - 1) * size;
	size_t n = total - from < size ? total - from : size;
	if (job->kind == RJ_STUDIES)
		view_push_study_slice(vs, false, SIZE_MAX, 0, from, n);
	else
		view_push_study_slice(vs, job->kind == RJ_CELL, job->a, job->b, from, n);
	lua_setfield(L, vars, "list");
	if (job->pages < 2)
		return;
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, (lua_Integer)job->page);
	lua_setfield(L, -2, "page");
	lua_pushinteger(L, (lua_Integer)job->pages);
	lua_setfield(L, -2, "pages");
	lua_pushinteger(L, (lua_Integer)from + 1);
	lua_setfield(L, -2, "first");
	lua_pushinteger(L, (lua_Integer)(from + n));
	lua_setfield(L, -2, "last");
	lua_pushinteger(L, (lua_Integer)total);
	lua_setfield(L, -2, "total");
	if (job->page > 1)
		set_page_url(L, "prev", job, job->page - 1);
	if (job->page < job->pages)
		set_page_url(L, "next", job, job->page + 1);
	lua_createtable(L, 9, 0);
	lua_Integer k = 0;
	size_t last_shown = 0;
	for (size_t p = 1; p <= job->pages; p++) {
		bool shown =
		    p == 1 || p == job->pages || (p + 2 >= job->page && p <= job->page + 2);
		if (!shown)
			continue;
		if (p > last_shown + 1) {
			lua_createtable(L, 0, 1);
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, "gap");
			lua_rawseti(L, -2, ++k);
		}
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, (lua_Integer)p);
		lua_setfield(L, -2, "n");
		set_page_url(L, "url", job, p);
		lua_pushboolean(L, p == job->page);
		lua_setfield(L, -2, "current");
		lua_rawseti(L, -2, ++k);
		last_shown = p;
	}
	lua_setfield(L, -2, "links");
	lua_setfield(L, vars, "pager");
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the keys and drops repeats. */
static void deps_settle(render_deps *deps)
{
	if (!deps->n)
		return;
	qsort(deps->keys, deps->n, sizeof *deps->keys, cmp_key);
	size_t k = 1;
	for (size_t i = 1; i < deps->n; i++) {
		if (strcmp(deps->keys[i], deps->keys[k - 1]))
			deps->keys[k++] = deps->keys[i];
		else
			free(deps->keys[i]);
	}
	deps->n = k;
}

void render_deps_free(render_deps *deps)
{
	for (size_t i = 0; i < deps->n; i++)
		free(deps->keys[i]);
	free(deps->keys);
	*deps = (render_deps){0};
}

int render_page(render_ctx *rc, const render_job *job, buf *out, render_deps *deps, diag *d)
{
	const model *m = rc->m;
	const cfg_site *s = m->site;
	lua_State *L = tmpl_lua(rc->env);
	int top = lua_gettop(L);
	view_set *vs = rc->views;
	if (deps)
		render_deps_free(deps);
	view_begin(vs, deps);
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
	buf paged_title = BUF_INIT;
	if (job->page > 1 && title) {
		buf_printf(&paged_title, "%s (page %zu of %zu)", title, job->page, job->pages);
		title = buf_cstr(&paged_title);
	}
	push_page_vars(vs, L, job, title);
	int vars = lua_gettop(L);
	if (job->kind == RJ_STUDIES || job->kind == RJ_CODE || job->kind == RJ_CELL)
		push_list_vars(vs, L, m, job, vars);
	view_set_job(vs, job, vars);
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
	buf_free(&paged_title);
	free(what);
	lua_settop(L, top);
	view_end(vs);
	if (deps)
		deps_settle(deps);
	return rc_;
}
