#include "formats/eppi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "formats/memo.h"

static const char prov_prefix[] = "EPPI-Reviewer AttributeId ";

/* The AttributeId a code's provenance names, or 0. */
static long long prov_id(const char *prov)
{
	if (!prov || strncmp(prov, prov_prefix, sizeof prov_prefix - 1) != 0)
		return 0;
	char *end;
	long long v = strtoll(prov + sizeof prov_prefix - 1, &end, 10);
	return *end || v <= 0 ? 0 : v;
}

static long long item_id(const char *eppi_id)
{
	if (!eppi_id)
		return 0;
	char *end;
	long long v = strtoll(eppi_id, &end, 10);
	return *end || v <= 0 ? 0 : v;
}

/* key: v, or key: "" when v is NULL (EPPI-Reviewer's files have every field). */
static void str_field(jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_str(w, v ? v : "");
}

static const char *type_name(const char *t)
{
	static const char *const map[][2] = {
		{"article", "Journal, Article"}, {"report", "Report"},
		{"chapter", "Book, Chapter"},     {"book", "Book, Whole"},
		{"thesis", "Dissertation"},       {"conference", "Conference Proceedings"},
		{"webpage", "Web Site"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(t, map[i][0]) == 0)
			return map[i][1];
	return "Generic";
}

/* Opens an attribute object; the caller adds its children and closes it. */
static void attribute(jw *w, long long id, const char *name, const char *desc)
{
	jw_obj(w);
	jw_field_int(w, "AttributeId", id);
	jw_key(w, "AttributeName");
	jw_str(w, name);
	str_field(w, "AttributeDescription", desc);
	jw_key(w, "AttributeType");
	jw_str(w, "Selectable (show checkbox)");
}

/* "Attributes":{"AttributesList":[ ... the caller's items, closed by
 * attributes_end. */
static void attributes(jw *w)
{
	jw_key(w, "Attributes");
	jw_obj(w);
	jw_key(w, "AttributesList");
	jw_arr(w);
}

static void attributes_end(jw *w)
{
	jw_arr_end(w);
	jw_obj_end(w);
}

void export_eppi(const model *m, sink *out)
{
	const cfg_site *s = m->site;
	/* Numbers for what has none: after every id already in use. */
	long long next_attr = 0, next_item = 0;
	for (size_t f = 0; f < s->nfacets; f++)
		for (size_t c = 0; c < s->facets[f].ncodes; c++) {
			long long v = prov_id(s->facets[f].codes[c].provenance);
			next_attr = v > next_attr ? v : next_attr;
		}
	/* Each record's own id, read once (a record is far from the last in
	 * memory: serve writes this file after every edit). */
	long long *ids = xcalloc(m->nrecs ? m->nrecs : 1, sizeof *ids);
	for (size_t i = 0; i < m->nrecs; i++) {
		ids[i] = item_id(m->recs[i]->eppi_id);
		next_item = ids[i] > next_item ? ids[i] : next_item;
	}
	long long **attr = xcalloc(s->nfacets ? s->nfacets : 1, sizeof *attr);
	jw w = jw_for(out);
	jw_obj(&w);
	jw_key(&w, "CodeSets");
	jw_arr(&w);
	for (size_t f = 0; f < s->nfacets; f++) {
		const cfg_facet *fc = &s->facets[f];
		attr[f] = xcalloc(fc->ncodes ? fc->ncodes : 1, sizeof **attr);
		for (size_t c = 0; c < fc->ncodes; c++) {
			attr[f][c] = prov_id(fc->codes[c].provenance);
			if (!attr[f][c])
				attr[f][c] = ++next_attr;
		}
		jw_obj(&w);
		jw_key(&w, "SetName");
		jw_str(&w, fc->label);
		jw_field_uint(&w, "SetId", f + 1);
		jw_field_uint(&w, "ReviewSetId", f + 1);
		str_field(&w, "SetDescription", fc->definition);
		jw_key(&w, "SetType");
		jw_obj(&w);
		jw_key(&w, "SetTypeName");
		jw_str(&w, "Standard");
		jw_obj_end(&w);
		attributes(&w);
		for (size_t g = 0; g < fc->ngroups; g++) {
			attribute(&w, ++next_attr, fc->groups[g].label, fc->groups[g].definition);
			attributes(&w);
			for (size_t c = fc->groups[g].first; c < fc->groups[g].first + fc->groups[g].count;
			     c++) {
				attribute(&w, attr[f][c], fc->codes[c].label, fc->codes[c].definition);
				jw_obj_end(&w);
			}
			attributes_end(&w);
			jw_obj_end(&w);
		}
		for (size_t c = 0; c < fc->ncodes; c++)
			if (fc->codes[c].group == CFG_NONE) {
				attribute(&w, attr[f][c], fc->codes[c].label, fc->codes[c].definition);
				jw_obj_end(&w);
			}
		attributes_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "References");
	jw_arr(&w);
	for (size_t i = 0; i < m->nrecs; i++) {
		const record *r = m->recs[i];
		long long id = ids[i] ? ids[i] : ++next_item;
		/* Besides the record, an element shows its item id (a running
		 * count for records without one) and attribute ids (the site's). */
		fmt_chunk c;
		if (fmt_chunk_record(&c, m, out, "eppi.references", i, i == 0, (uint64_t)id))
			continue;
		jw_obj(&w);
		jw_key(&w, "Codes");
		jw_arr(&w);
		for (size_t f = 0; f < s->nfacets; f++)
			for (size_t k = 0; k < r->codes[f].n; k++) {
				jw_obj(&w);
				jw_field_int(&w, "AttributeId", attr[f][r->codes[f].idx[k]]);
				str_field(&w, "AdditionalText", "");
				jw_obj_end(&w);
			}
		jw_arr_end(&w);
		jw_key(&w, "Outcomes");
		jw_arr(&w);
		jw_arr_end(&w);
		jw_field_int(&w, "ItemId", id);
		str_field(&w, "OldItemId", r->id);
		str_field(&w, "Title", r->title);
		str_field(&w, "ParentTitle", r->published_in);
		buf b = BUF_INIT;
		if (r->nauthors) {
			const char *a = r->authors[0];
			const char *comma = strchr(a, ',');
			buf_put(&b, a, comma ? (size_t)(comma - a) : strlen(a));
			buf_printf(&b, " (%ld)", r->year);
		} else {
			buf_printf(&b, "(%ld)", r->year);
		}
		str_field(&w, "ShortTitle", buf_cstr(&b));
		buf_reset(&b);
		char year[24];
		snprintf(year, sizeof year, "%ld", r->year);
		str_field(&w, "Year", year);
		str_field(&w, "Publisher", r->publisher);
		str_field(&w, "Volume", r->volume);
		str_field(&w, "Issue", r->issue);
		str_field(&w, "Pages", r->pages);
		str_field(&w, "URL", r->url);
		str_field(&w, "Abstract", r->summary);
		str_field(&w, "TypeName", type_name(r->type));
		for (size_t k = 0; k < r->nauthors; k++)
			if (!rec_is_et_al(r->authors[k]))
				buf_printf(&b, "%s; ", r->authors[k]);
		str_field(&w, "Authors", buf_cstr(&b));
		buf_free(&b);
		str_field(&w, "DOI", r->doi);
		str_field(&w, "ItemStatus", "I");
		str_field(&w, "ItemStatusTooltip", "Included in review");
		jw_obj_end(&w);
		fmt_chunk_end(&c);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	sink_putc(out, '\n');
	for (size_t f = 0; f < s->nfacets; f++)
		free(attr[f]);
	free(attr);
	free(ids);
}
