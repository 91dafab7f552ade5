/* clean: removes a site gapmap wrote — a folder holding the site marker
 * (OUT_MARKER) — and nothing else. Links are never followed: every entry
 * is removed relative to its folder's descriptor, so a link inside the
 * site (or one swapped in while it runs) takes nothing outside with it. */
#ifndef GM_CLEAN_H
#define GM_CLEAN_H

#include "core/diag.h"

/* Returns 0 when the site is gone (or there was none: *removed = 0), or
 * -1 after reporting to d (not a gapmap site, or it could not be removed
 * whole). */
int site_clean(const char *dir, int *removed, diag *d);

#endif
