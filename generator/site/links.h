/* links: the check that every relative link or image in a study's note or
 * in a page leads to a file of the built site. A link that leads nowhere
 * (or out of the site) is a warning at the link's place in the Markdown:
 * the page still builds, but a reader following it would get a 404.
 *
 * A link is resolved from the page its note or page is shown on, its
 * #fragment and ?query dropped and %XX escapes decoded; a link to a folder
 * counts when the folder has an index.html.
 *
 * Ownership: everything is borrowed; only diagnostics are added to d. */
#ifndef GM_LINKS_H
#define GM_LINKS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "model/model.h"
#include "render/render.h"

/* Answers whether a site-relative path is a file the build writes besides
 * the pages and files already listed (the theme's assets). */
typedef bool (*links_exists_fn)(void *ctx, const char *rel);

/* Checks the links of every note and page against the pages of jobs, the
 * other files of the site (files, site-relative) and exists. sorted: the
 * jobs' paths in strcmp order when the caller has them, else NULL. */
void links_check(const model *m, const render_job *jobs, size_t njobs, const char *const *sorted,
                 const char *const *files, size_t nfiles, links_exists_fn exists, void *ctx,
                 diag *d);

/* The site-relative path url leads to from the page at from, or NULL when
 * it leads out of the site. "" and folders ending in "/" get index.html.
 * Caller frees. */
char *links_resolve(const char *from, const char *url);

#endif
