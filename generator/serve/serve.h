/* serve: `gapmap serve` — builds the site into a folder of its own,
 * serves it (server.c), watches what it is built from (watch.c) and
 * rebuilds on every change, telling open pages to reload or to show what
 * is broken (reload.c).
 *
 * The site is built into out_dir when given, else into a new temporary
 * folder that is removed when serving stops; the content folder's own
 * _site is never touched, so drafts or a local base URL never leak into
 * the site that gets published.
 *
 * Ownership: options are borrowed. */
#ifndef GM_SERVE_H
#define GM_SERVE_H

#include <stdbool.h>

#include "site/build.h"

typedef struct serve_opts {
	build_opts build; /* out_dir NULL: a temporary folder */
	const char *host;
	int port;
	bool quiet; /* no line per rebuild */
} serve_opts;

/* Serves until stop_fd becomes readable (main.c turns SIGINT and SIGTERM
 * into that). Returns 0 after a clean stop, or 1 when it could not start. */
int serve_run(const serve_opts *o, int stop_fd);

/* The one call that brings the served folder up to date with the content:
 * a build; with o->incr (serve_run sets it) an incremental one that renders
 * only the pages that read what changed (site/incr.h). */
int serve_rebuild(const build_opts *o, build_stats *stats, diag *d);

#endif
