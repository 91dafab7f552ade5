/* whatsnew: the map's updates as template data (see model/history.h).
 * Adds to the site table: version, updated and searched (the latest
 * update's version and date, the last search of any update) and
 * update_count; marks each study table with `added_in` (a version) and
 * `new` (added by the latest update); and pushes the `updates` list,
 * newest first, each with version, date, searched, summary, latest,
 * studies (added by it), recoded (study tables of earlier studies whose
 * reports' `updated:` falls in it, see history.h), reports (further reports of earlier studies
 * added by it) and withdrawn ({id, title, reason}); plus `pending`, the
 * studies added after the latest update.
 *
 * Called once per render context while the shared data is built: site,
 * reports and studies are stack indices of those tables. */
#ifndef GM_WHATSNEW_H
#define GM_WHATSNEW_H

#include <lua.h>

#include "model/model.h"

/* Pushes the updates list (an empty table when the site has none). */
void whatsnew_push(lua_State *L, const model *m, int site, int reports, int studies);

#endif
