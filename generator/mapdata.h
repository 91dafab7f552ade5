/* mapdata: data/map.js, the compact data the interactive map reads. It is
 * a script (window.GAPMAP_DATA = {...}) rather than JSON because browsers
 * refuse fetch() of local files, and a script file keeps the map working
 * from file:// under a Content-Security-Policy without inline script.
 * Codes are indices into the facet lists, so a study costs a few bytes.
 *
 * Appends to a buf the caller owns. */
#ifndef GM_MAPDATA_H
#define GM_MAPDATA_H

#include "model.h"
#include "util.h"

void mapdata_js(const model *m, buf *out);

#endif
