/* feedupd: the Atom feed's entries for the map's updates (site.yaml's
 * `updates:`), one per update, linking to its section of What's new and
 * listing what it added and withdrew. export_feed interleaves them with
 * the study entries, newest first, within its size limit.
 *
 * Ownership: writes into the caller's sink or buf. */
#ifndef GM_FEEDUPD_H
#define GM_FEEDUPD_H

#include <stddef.h>

#include "core/sink.h"
#include "core/util.h"
#include "model/model.h"

/* Writes the entries of updates from *next on (updates counted newest
 * first) dated on or after date (every remaining one when date is NULL),
 * at most budget of them; advances *next and returns how many were
 * written. base is the site's absolute URL ending in '/', or "". */
size_t feedupd_entries(const model *m, const char *base, const char *date, size_t *next,
                       size_t budget, sink *out);

/* The latest update's date, or NULL. */
const char *feedupd_latest(const model *m);

/* The fragment naming an update's section on the What's new page:
 * "v", then the version with letters, digits and '-' kept and anything
 * else as '_' (ids HTML validators accept). */
void feedupd_anchor(const char *version, buf *out);

#endif
