/* export: the site's data files, written straight from the model without
 * templates — data/studies.json (the whole model), data/studies.csv,
 * data/studies.ris, data/studies.bib, sitemap.xml and feed.xml — and the
 * same formats for any subset of records (a cell's own downloads).
 *
 * Every function writes to a sink the caller owns (core/sink.h), so a
 * download of any size can stream to disk; JSON through core/json.h, XML
 * through core/xml.h, every field escaped by core/esc.h. */
#ifndef GM_EXPORT_H
#define GM_EXPORT_H

#include <stddef.h>

#include "model/model.h"
#include "core/sink.h"

void export_json(const model *m, sink *out);
/* recs: record indices to export, or NULL for all. */
void export_csv(const model *m, const size_t *recs, size_t n, sink *out);
void export_ris(const model *m, const size_t *recs, size_t n, sink *out);
void export_bibtex(const model *m, const size_t *recs, size_t n, sink *out);
/* RIS for a record type (load/rules.h's rec_types): its reference type (TY)
 * and the tag of the work it appeared in (JO for a journal article, else
 * T2). Static strings. The map's script reads them from data/map.js
 * (formats/mapdata), so its downloads match data/studies.ris. */
const char *export_ris_type(const char *type);
const char *export_ris_source_tag(const char *type);
/* pages: the site's HTML paths, relative to its root. */
void export_sitemap(const model *m, char *const *pages, size_t n, sink *out);
/* A sitemap may list at most this many URLs (sitemaps.org). */
#define EXPORT_SITEMAP_MAX_URLS 50000
/* The parts sitemap-1.xml, ... a site of that many pages has (0: its
 * sitemap.xml lists them all). */
size_t export_sitemap_parts(size_t pages);
/* The sitemap index over parts (their paths relative to the site root). */
void export_sitemap_index(const model *m, const char *const *parts, size_t n, sink *out);
void export_feed(const model *m, sink *out);

#endif
