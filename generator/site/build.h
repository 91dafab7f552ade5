/* build: one whole build — load and check the content, render every page,
 * write the data files and theme assets, and swap the new site into place.
 * Also the check-only run behind `gapmap check`.
 *
 * Ownership: options are borrowed; results land in stats and d. */
#ifndef GM_BUILD_H
#define GM_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

typedef struct build_opts {
	const char *content_dir;
	const char *out_dir;   /* ignored when check_only */
	const char *home;      /* folder holding templates/ and themes/ */
	bool check_only;
	int jobs; /* threads loading records and rendering pages; 0 = one per core */
	bool drafts; /* include records marked `draft: true` (left out by default) */
	const char *base_url; /* overrides site.yaml's url: when not NULL */
	/* Incremental rebuilds (site/incr.h, used by serve): state kept from the
	 * last good build; NULL (plain build) renders every page. */
	struct build_incr *incr;
	/* With incr: the files changed since the last build as the watcher saw
	 * them (resolved paths), when changed_known; else everything is looked
	 * at again. */
	char *const *changed;
	size_t nchanged;
	bool changed_known;
} build_opts;

typedef struct build_stats {
	size_t studies;
	size_t reports;
	size_t pages; /* HTML pages */
	size_t rendered; /* of them, rendered (the rest carried over: incremental) */
	size_t files; /* every file written */
	size_t reread; /* incremental: record files read (the rest were kept) */
	size_t drafts; /* drafts left out (or, with drafts, included) */
	double seconds;
} build_stats;

/* Returns 0 on success, 1 when the content has errors (reported to d).
 * Every problem is reported in one run: a broken record or page leaves the
 * rest of the model to be checked, PRISMA and the templates included; only
 * nothing is written. A check lists each draft as a note. */
int build_run(const build_opts *o, build_stats *stats, diag *d);

/* Draws one PRISMA flow (the first when flow is NULL) to out_file, PNG or
 * SVG by its suffix; dpi 0 means the default 2x scale. Returns 0 or 1. */
int build_prisma(const build_opts *o, const char *flow, const char *out_file, double dpi,
                 diag *d);

#endif
