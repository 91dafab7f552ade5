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

/* Pushes a type() for templates that calls a view a "table". */
void view_push_type(lua_State *L);

/* Starts a page: forgets the previous page's views. deps (may be NULL)
 * receives what the page reads until the next view_begin. */
void view_begin(view_set *vs, render_deps *deps);
/* Ends a page: drops its views so the GC can take them. */
void view_end(view_set *vs);

/* Pushes the views of the page's globals. */
void view_push_site(view_set *vs);
void view_push_facets(view_set *vs);
void view_push_facet_by_id(view_set *vs);
void view_push_reports(view_set *vs);
void view_push_studies(view_set *vs);
void view_push_map(view_set *vs);
void view_push_pages(view_set *vs);
void view_push_flows(view_set *vs);
/* The map's updates, newest first (see view_updates.c for their fields). */
void view_push_updates(view_set *vs);
void view_push_study(view_set *vs, size_t s);
void view_push_report(view_set *vs, size_t r);
void view_push_facet(view_set *vs, size_t f);
void view_push_code(view_set *vs, size_t f, size_t c);
void view_push_cell(view_set *vs, size_t row, size_t col);
void view_push_page(view_set *vs, size_t p);

/* The list of studies from..from+n-1 of a list of studies: all studies
 * (code = SIZE_MAX), a code's (f, c) or a cell's (row code f, column code c
 * with cell = true). A slice is a view like the others (read-only, #, ipairs). */
void view_push_study_slice(view_set *vs, bool cell, size_t f, size_t c, size_t from, size_t n);

#endif
