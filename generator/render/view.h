/* view: the model as templates see it — read-only Lua userdata over the C
 * model, made lazily while a page reads them, with no copy of the model in
 * Lua. Each view is a (kind, a, b) handle; its fields are computed from the
 * model when read. Within one page the same model object is always the same
 * view (so `page == p` and `rep == r` compare as before); between pages
 * nothing is kept, so one page cannot change what another sees.
 *
 * Reading works as on tables: v.field, v[i], #v, ipairs(v), pairs(v). A
 * write (v.x = 1) is a template error naming the template's file and line.
 *
 * Dependencies: when a page is begun with a view_deps, every record whose
 * fields the page read, every code and cell whose studies or counts it read,
 * and reads of whole-site lists and counts are recorded there (see
 * render.h's render_deps for what the keys mean).
 *
 * Ownership: view_new returns a set freed with view_free; it borrows the
 * model, the flows and the Lua state, which must outlive it. One set per
 * lua_State (per render thread). */
#ifndef GM_VIEW_H
#define GM_VIEW_H

#include <stddef.h>

#include <lua.h>

#include "model/model.h"
#include "render/render.h"

typedef struct view_set view_set;

view_set *view_new(lua_State *L, const model *m, const render_flow *flows, size_t nflows,
                   const char *generator);
void view_free(view_set *vs);
/* Points vs at another model and flows (the next build's), forgetting
 * what it made of the last. */
void view_rebind(view_set *vs, const model *m, const render_flow *flows, size_t nflows);

/* Pushes a type() for templates that calls a view a "table". */
void view_push_type(lua_State *L);

/* Starts a page: forgets the previous page's views. deps (may be NULL)
 * receives what the page reads until the next view_begin. */
void view_begin(view_set *vs, render_deps *deps);
/* Ends a page: drops its views so the GC can take them. */
void view_end(view_set *vs);

/* Sets, in the table at index vars, the views of the model's globals: site,
 * facets, facet (by id), reports, studies, map, pages, flows and updates
 * (the map's updates, newest first; see view_updates.c for their fields). */
void view_set_globals(view_set *vs, int vars);
/* Sets, in the table at index vars, the views of the job's own objects:
 * study (and report), code and this_facet, cell, or page. */
void view_set_job(view_set *vs, const render_job *job, int vars);

/* The list of studies from..from+n-1 of a list of studies: all studies
 * (code = SIZE_MAX), a code's (f, c) or a cell's (row code f, column code c
 * with cell = true). A slice is a view like the others (read-only, #, ipairs). */
void view_push_study_slice(view_set *vs, bool cell, size_t f, size_t c, size_t from, size_t n);

#endif
