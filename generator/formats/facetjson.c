#include "formats/facetjson.h"

void facetjson_write(jw *w, const cfg_facet *fc, facetjson_kind kind)
{
	bool map = kind == FACETJSON_MAP;
	jw_obj(w);
	jw_field_str(w, "id", fc->id);
	jw_field_str(w, "label", fc->label);
	jw_field_str(w, "plural", fc->plural);
	if (map)
		jw_field_str(w, "path", fc->path);
	jw_field_str(w, "definition", fc->definition);
	if (map) {
		jw_key(w, "multiple");
		jw_bool(w, fc->multiple);
	}
	if (fc->ordinal) {
		jw_key(w, "ordinal");
		jw_bool(w, true);
	}
	jw_key(w, "groups");
	jw_arr(w);
	for (size_t g = 0; g < fc->ngroups; g++) {
		jw_obj_labelled(w, fc->groups[g].id, fc->groups[g].label, fc->groups[g].definition);
		if (map) {
			jw_field_uint(w, "first", fc->groups[g].first);
			jw_field_uint(w, "count", fc->groups[g].count);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "codes");
	jw_arr(w);
	for (size_t c = 0; c < fc->ncodes; c++) {
		if (map)
			jw_nl(w);
		jw_obj_labelled(w, fc->codes[c].id, fc->codes[c].label, fc->codes[c].definition);
		size_t group = fc->codes[c].group;
		if (group != CFG_NONE) {
			if (map)
				jw_field_uint(w, "group", group);
			else
				jw_field_str(w, "group", fc->groups[group].id);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void facetjson_field(jw *w, const cfg_site *s, facetjson_kind kind)
{
	jw_key(w, "facets");
	jw_arr(w);
	for (size_t f = 0; f < s->nfacets; f++) {
		jw_nl(w);
		facetjson_write(w, &s->facets[f], kind);
	}
	jw_arr_end(w);
}

void facetjson_citation(jw *w, const record *r)
{
	const char *const fields[][2] = {{"type", r->type},
	                                 {"published_in", r->published_in},
	                                 {"publisher", r->publisher},
	                                 {"volume", r->volume},
	                                 {"issue", r->issue},
	                                 {"pages", r->pages},
	                                 {"doi", r->doi},
	                                 {"url", r->url}};
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
		jw_field_str(w, fields[k][0], fields[k][1]);
}
