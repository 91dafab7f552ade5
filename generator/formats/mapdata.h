/* mapdata: the compact data the interactive map reads, in two script files.
 *
 * data/map.js sets window.GAPMAP_DATA: what the first render needs. It is a
 * script (not JSON) because browsers refuse fetch() of local files, and a
 * script file keeps the map working from file:// under a
 * Content-Security-Policy without inline script. Codes are indices into the
 * facet lists, so a study costs a few dozen bytes:
 *
 *   {"version":2, "thin":N, "rows":F, "columns":F, "segments":F|null,
 *    "filters":[F|"year",...], "paths":{study,code,cell},
 *    "downloads":{"csvFormula":"=+-@...", "defaultType":"article",
 *                 "ris":{type:[TY, source tag]},
 *                 "etAl":["et al.",...]},
 *    "text":"map-text.js", "reports":N,
 *    "facets":[{id,label,plural,path,definition,multiple(,ordinal),
 *               groups:[{id,label,definition,first,count}],
 *               codes:[{id,label,definition,group}]}],
 *    "studies":[[id, year, nreports, [[codes of facet 0],[facet 1],...],
 *                title, "Author, A.; Author, B."(, reports)]],
 *    "directions":["not-reported","improved",...],
 *    "findings":[[row code, direction, row code, direction, ...], ...]
 *    (, "updates":[{version,date}, ...], "added":[U|null, ...])}
 *
 * where F is a facet index; "ordinal":true is there only for a facet
 * declared ordinal, whose codes are a scale in the order of "codes"
 * (first to last, as site.yaml lists them), and only for a study of several reports,
 * reports is [[[codes of facet 0],...], ...], one per report, primary
 * first, so the map can count reports as well as studies; and findings has
 * one list per study (its primary record's findings: a code of the row
 * facet and an index into directions), so the map can colour by direction.
 * Only on a site that lists updates, "updates" (oldest first) and "added"
 * (per study, the index U of the update that added it, null when added
 * after the latest) let the map mark what is new and filter "added since";
 * they come last so the positions before them keep their meaning.
 * "paths" (core/paths) and "downloads" carry what the script would otherwise
 * spell again: the URL patterns of its links, and the rules of the site's
 * data files that its CSV and RIS downloads follow (the characters that
 * start a formula, core/esc; the type a record without one has, and per
 * record type the RIS reference type and source tag, formats/export; the
 * author entries RIS leaves out, load/record's rec_et_al).
 *
 * data/map-text.js sets window.GAPMAP_TEXT: the long text, loaded on demand
 * (when a panel opens, a search starts or a download is asked for), one
 * array per study in the order of "studies":
 *
 *   [summary, note as plain text, doi, url, published_in, type, volume,
 *    issue, pages, publisher, abstract, more]   (null where the primary report has none)
 *
 * where abstract is the record's `abstract:` as plain text, and more holds
 * the rest of what the site's data/studies.csv and .ris give (formats/
 * export.h), so downloads of a filtered set have the same columns: the
 * primary report's {added, population, intervention, comparison, sample,
 * sample_size} and, for a study of several reports, "reports": the further
 * reports as objects with all their fields (id, title, authors "A; B",
 * year, type, published_in, publisher, volume, issue, pages, doi, url,
 * summary and the above), in the order of the study's reports in
 * data/map.js after its primary. Fields not given are left out.
 *
 * Both functions write to a sink the caller owns (core/sink.h), through the
 * JSON writer of core/json.h. */
#ifndef GM_MAPDATA_H
#define GM_MAPDATA_H

#include "model/model.h"
#include "core/sink.h"

void mapdata_js(const model *m, sink *out);
void mapdata_text_js(const model *m, sink *out);

#endif
