/* incr: incremental rebuilds for `gapmap serve`. Kept from one good build
 * to the next: what every page read (render_deps, by page path), and a
 * fingerprint of every input. On the next build only the pages that read
 * something that changed are rendered; every other page's file is carried
 * over from the current site unchanged (out_carry). The data files, feed,
 * sitemap, diagrams and assets are always written (streamed; unchanged
 * bytes keep their inode).
 *
 * What counts as changed (conservative: when unsure, everything is):
 *   - site.yaml, prisma.yaml, pages/, templates, themes, any other file of
 *     the content folder outside the records and notes in studies/, a
 *     failed or first build -> a full build;
 *   - a record whose file or note changed (size, inode, modification or
 *     change time), was added or removed -> record:<id> of every report
 *     of its study, and the code: and cell: keys of its study's codes,
 *     before AND after the change;
 *   - the studies, their order, reports, years, added dates or codes ->
 *     also "studies" (lists of every study, the site's totals).
 * A record's keys come in two classes (render/render.h): "facts:" (what
 * lists, counts and markers are made of) and "record:" (the rest); a
 * change that leaves its facts as they were dirties only the second, so
 * the map, the overview and a code's first page, which tally every study's
 * facts, keep their files when a title or note is edited.
 * Pages of one of a few kinds (the PRISMA, data, What's new, facet,
 * pages/ and 404 pages) are always rendered.
 *
 * Inputs are fingerprinted (incr_scan) BEFORE the model is loaded, so a
 * save during the load is seen as a change by the next build.
 *
 * Used from one thread at a time, except incr_clean, which only reads.
 * Ownership: incr_new returns state freed with incr_free. */
#ifndef GM_INCR_H
#define GM_INCR_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "model/reuse.h"
#include "render/render.h"
#include "site/inplace.h"

typedef struct build_incr build_incr;
typedef struct build_opts build_opts;

build_incr *incr_new(void);
void incr_free(build_incr *s);

/* Fingerprints the inputs; first step of a build. */
void incr_scan(build_incr *s, const build_opts *o);

/* The model of o's content folder (model_open), reading again only the
 * records whose files changed since the last call (model/reuse.h); after
 * incr_scan. *reread: record files read. Free it with model_free before
 * the next call. */
model *incr_model(build_incr *s, const build_opts *o, size_t *reread, diag *d);

/* The data files' memo (formats/memo.h) for this build's model m (from
 * incr_model, after incr_plan), emptied when what it names may be gone;
 * NULL when m's records are not the cache's. */
struct fmt_memo *incr_memo(build_incr *s, const model *m);

/* What the in-place writer keeps from one build to the next
 * (site/inplace.h's inplace_state): each in-place build uses it. */
inplace_state *incr_inplace(build_incr *s);

/* Frees what the last build left to free once it is reported: the page
 * and record lists incr_finish replaced, and the in-place writer's old
 * files (inplace_state_sweep). Serve calls it after printing a rebuild's
 * line; incr_free calls it too. */
void incr_sweep(build_incr *s);

/* Compares the loaded model with the last good build's; after it,
 * incr_clean answers. */
void incr_plan(build_incr *s, const model *m);

/* Whether pages of job's kind are ever left out (incr_clean): the others
 * (few and cheap: What's new, the PRISMA and data pages, ...) are always
 * rendered, and what they read need not be recorded. */
bool incr_tracked(const render_job *job);

/* This build's pages (render_jobs of m), after incr_plan and before
 * incr_clean: the last build's when nothing they are made of changed.
 * *sorted: their paths in strcmp order. Both owned by s, valid until the
 * next call or incr_free. */
const render_job *incr_jobs(build_incr *s, const model *m, size_t nflows, size_t *njobs,
                            const char *const **sorted);

/* The memory budget of serve's templates (tmpl.h), kept with the
 * contexts below. */
tmpl_budget *incr_budget(build_incr *s);

/* A render context the last build left (incr_keep_context), rebound to m
 * and flows, when this build is incremental (the templates and theme are
 * as they were); else NULL, and every kept context is freed. */
render_ctx *incr_take_context(build_incr *s, const model *m, const render_flow *flows,
                              size_t nflows);
/* Keeps rc (made with incr_budget's budget) for the next build. */
void incr_keep_context(build_incr *s, render_ctx *rc);

/* Whether this build has the same pages as the last (so the sitemap is as
 * it was): incremental, after incr_jobs. */
bool incr_same_pages(const build_incr *s);

/* True when jobs[i] need not be rendered: the last good build rendered it
 * and nothing it read has changed. Always false for a full build. */
bool incr_clean(const build_incr *s, const render_job *jobs, size_t i);

/* Whether this build is incremental (after incr_plan): the last build was
 * good and nothing but records and notes changed since. */
bool incr_active(const build_incr *s);

/* Asks ip to remove the last build's pages that are not among jobs, and
 * sitemap parts no longer needed. */
void incr_remove_gone(const build_incr *s, const render_job *jobs, size_t njobs, inplace *ip);

/* Ends a build. ok: the site was written (committed). deps[i]: what job i
 * read when it was rendered; carried[i]: it was carried over instead (its
 * previous dependencies stay). Takes over the keys of deps. A failed build
 * forgets everything, so the next one is full. */
void incr_finish(build_incr *s, const render_job *jobs, size_t njobs, render_deps *deps,
                 const bool *carried, bool ok);

#endif
