/* render: the site's HTML pages. Lists every page the model calls for (a
 * render_job each; its output path is its stable identity), shows the model
 * to the Lua templates through read-only views made per page (render/view.h),
 * records what each page read, and
 * renders one job at a time into a buffer: the page's own template first,
 * then "layout" around it.
 *
 * Each job depends only on the model, never on another job's output, so
 * jobs may be rendered in any order or split across threads, each thread
 * with its own render_ctx.
 *
 * Ownership: render_jobs returns an array the caller frees with
 * render_jobs_free; render_new returns a context freed with render_free.
 * The model must outlive every context made from it. */
#ifndef GM_RENDER_H
#define GM_RENDER_H

#include <stddef.h>

#include "core/diag.h"
#include "model/model.h"
#include "core/util.h"
#include "tmpl/tmpl.h"

typedef enum render_kind {
	RJ_INDEX,   /* the map */
	RJ_STUDIES, /* every study */
	RJ_STUDY,   /* a: study index */
	RJ_FACET,   /* a: facet index */
	RJ_CODE,    /* a: facet, b: code */
	RJ_CELL,    /* a: row code, b: column code */
	RJ_PAGE,    /* a: page index */
	RJ_PRISMA,  /* the PRISMA diagrams page */
	RJ_DATA,    /* downloads */
	RJ_OVERVIEW, /* charts */
	RJ_UPDATES, /* What's new: every update of the map */
	RJ_404,
} render_kind;

typedef struct render_job {
	render_kind kind;
	size_t a, b;
	char *path; /* output path relative to the site root: the page's identity */
	const char *template_name;
	/* Long lists (RJ_STUDIES, RJ_CODE, RJ_CELL) are split into pages of the
	 * site's page_size studies: this is page `page` (1-based) of `pages`;
	 * every other job is page 1 of 1. Page 1 has the list's own path, later
	 * pages core/paths's paths_paged. */
	size_t page, pages;
} render_job;

/* Where templates come from, lowest priority first (built-in templates,
 * then the theme's, then the content folder's own). */
typedef struct render_dir {
	const char *dir;
	const char *label; /* prefix for diagnostics */
} render_dir;

typedef struct render_ctx render_ctx;

/* Extra data for the PRISMA page, filled by the caller; may be NULL. */
typedef struct render_flow {
	const char *id;
	const char *title;
	char *png; /* output paths, relative to the site root */
	char *svg;
	char *text_html; /* the flow in words, already escaped */
	long width, height; /* CSS pixels */
} render_flow;

render_job *render_jobs(const model *m, size_t nflows, size_t *njobs);
void render_jobs_free(render_job *jobs, size_t n);

/* budget: the build's template memory, shared by every context of one
 * build (tmpl.h), or NULL. */
render_ctx *render_new(const model *m, const render_dir *dirs, size_t ndirs,
                       const render_flow *flows, size_t nflows, const char *generator,
                       tmpl_budget *budget, diag *d);
void render_free(render_ctx *rc);
/* Renders from another model and flows from now on (serve's next build,
 * its templates unchanged): the compiled templates are kept. */
void render_rebind(render_ctx *rc, const model *m, const render_flow *flows, size_t nflows);

/* What one page read from the model, for incremental rebuilds: sorted,
 * unique keys, each one of
 *   "facts:<id>"            a record's facts: its id, year, added date,
 *                           codes, findings' codes and directions, study;
 *                           a study's fields are its reports' facts
 *   "record:<id>"           a record's other fields (title, authors, note,
 *                           a finding's detail, ...)
 *   "facts:*", "record:*"   the same for every record (a page reading
 *                           very many records has these instead)
 *   "code:<facet>/<code>"   a code's studies, read through in order
 *   "cell:<row>/<column>"   a cell's studies, read through in order
 *   "studies"               the list of every study or report read
 *                           through, or the site's years and gaps
 *   "<list>#n"              the counts of one of those lists (<list> is
 *                           "studies", "code:..." or "cell:..."): its
 *                           length, a code's studies and reports, a cell's
 *                           n, gap and thin, the site's studies and reports
 *   "<list>@<page>"         the studies in the places of one page of a
 *                           list (page_size studies a page, from 1)
 *   "page:<slug>"           a page of pages/
 * Every page also depends on site.yaml, the templates and the theme
 * (a change to any of them rebuilds everything), which is not listed.
 * Owned by the caller: start from {0}, free with render_deps_free. */
typedef struct render_deps {
	char **keys;
	size_t n, cap;
} render_deps;

void render_deps_free(render_deps *deps);

/* Renders one job into out (replacing its contents). deps, when not NULL,
 * is replaced with what the page read. Returns 0 or -1 after reporting to
 * d. */
int render_page(render_ctx *rc, const render_job *job, buf *out, render_deps *deps, diag *d);

/* "../../" for a page at depth two; "" at the root. Caller frees. */
char *render_root(const char *path);

#endif
