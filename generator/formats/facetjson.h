/* facetjson: one facet of site.yaml as a JSON object, for the two places
 * that describe facets: the map's data (formats/mapdata.h) and the data
 * download (formats/export.h). They differ only where their readers do:
 *
 *   FACETJSON_MAP       {id,label,plural,path,definition,multiple(,ordinal),
 *                        groups:[{id,label,definition,first,count}],
 *                        codes:[{id,label,definition(,group index)}]},
 *                        a line break before each code;
 *   FACETJSON_DOWNLOAD  {id,label,plural,definition(,ordinal),
 *                        groups:[{id,label,definition}],
 *                        codes:[{id,label,definition(,group id)}]}.
 *
 * Also a record's citation fields, which both write the same way.
 *
 * Writes through the caller's JSON writer (core/json.h); owns nothing. */
#ifndef GM_FACETJSON_H
#define GM_FACETJSON_H

#include "core/json.h"
#include "load/record.h"
#include "load/config.h"

typedef enum facetjson_kind { FACETJSON_MAP, FACETJSON_DOWNLOAD } facetjson_kind;

void facetjson_write(jw *w, const cfg_facet *fc, facetjson_kind kind);

/* The field "facets": all of the site's facets, a line break before each. */
void facetjson_field(jw *w, const cfg_site *s, facetjson_kind kind);

/* A record's citation fields (type, published_in, publisher, volume, issue,
 * pages, doi, url), in that order, absent ones left out: the same keys in
 * studies.json and in the map's download data. */
void facetjson_citation(jw *w, const record *r);

#endif
