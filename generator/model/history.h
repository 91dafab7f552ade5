/* history: the model seen through the map's updates (site.yaml's
 * `updates:`, see load/updates.h) — which update added each study, what is
 * new in the latest one, and the check that a withdrawn study no longer
 * has a record.
 *
 * A study is added by the update its earliest report belongs to, and
 * recoded by the update a report's `updated:` date belongs to (placed the
 * same way as `added:`), unless that update also added it.
 * Nothing here allocates; the model is only read. */
#ifndef GM_HISTORY_H
#define GM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "model/model.h"

#define HISTORY_NONE ((size_t)-1)

/* Reports a withdrawn id that still has a record (at site.yaml). */
void history_check(const model *m, diag *d);

/* The earliest `added:` among the study's reports. */
const char *history_study_added(const model *m, size_t si);
/* The update that added the study, or HISTORY_NONE (after the latest). */
size_t history_study_update(const model *m, size_t si);
/* Whether update k recoded the study (a report's `updated:` is placed in
 * k and k did not add the study). */
bool history_study_recoded_in(const model *m, size_t si, size_t k);
/* Added by the latest update (false when there are no updates). */
bool history_study_is_new(const model *m, size_t si);
/* The most recent last-search date of any update, or NULL. */
const char *history_last_search(const model *m);

#endif
