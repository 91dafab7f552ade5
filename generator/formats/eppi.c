#include "formats/eppi.h"

#include <stdlib.h>
#include <string.h>

#include "core/esc.h"

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

static void str_field(buf *b, const char *key, const char *v)
{
	buf_printf(b, ",\"%s\":", key);
	esc_json(b, v ? v : "");
}

static const char *type_name(const char *t)
{
	static const char *const map[][2] = {
	    {"article", "Journal, Article"}, {"report", "Report"},
	    {"chapter", "Book, Chapter"},    {"book", "Book, Whole"},
	    {"thesis", "Dissertation"},      {"conference", "Conference Proceedings"},
	    {"webpage", "Web Site"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(t, map[i][0]) == 0)
			return map[i][1];
	return "Generic";
}

static void attribute(buf *b, long long id, const char *name, const char *desc, bool *first)
{
	buf_printf(b, "%s{\"AttributeId\":%lld,\"AttributeName\":", *first ? "" : ",", id);
	*first = false;
	esc_json(b, name);
	str_field(b, "AttributeDescription", desc);
	buf_puts(b, ",\"AttributeType\":\"Selectable (show checkbox)\"");
}

void export_eppi(const model *m, buf *out)
{
	const cfg_site *s = m->site;
	/* Numbers for what has none: after every id already in use. */
	long long next_attr = 0, next_item = 0;
	for (size_t f = 0; f < s->nfacets; f++)
		for (size_t c = 0; c < s->facets[f].ncodes; c++) {
			long long v = prov_id(s->facets[f].codes[c].provenance);
			next_attr = v > next_attr ? v : next_attr;
		}
	for (size_t i = 0; i < m->nrecs; i++) {
		long long v = item_id(m->recs[i]->eppi_id);
		next_item = v > next_item ? v : next_item;
	}
	long long **attr = xcalloc(s->nfacets ? s->nfacets : 1, sizeof *attr);
	buf_puts(out, "{\"CodeSets\":[");
	for (size_t f = 0; f < s->nfacets; f++) {
		const cfg_facet *fc = &s->facets[f];
		attr[f] = xcalloc(fc->ncodes ? fc->ncodes : 1, sizeof **attr);
		for (size_t c = 0; c < fc->ncodes; c++) {
			attr[f][c] = prov_id(fc->codes[c].provenance);
			if (!attr[f][c])
				attr[f][c] = ++next_attr;
		}
		buf_printf(out, "%s{\"SetName\":", f ? "," : "");
		esc_json(out, fc->label);
		buf_printf(out, ",\"SetId\":%zu,\"ReviewSetId\":%zu", f + 1, f + 1);
		str_field(out, "SetDescription", fc->definition);
		buf_puts(out, ",\"SetType\":{\"SetTypeName\":\"Standard\"},\"Attributes\":{"
		              "\"AttributesList\":[");
		bool first = true;
		for (size_t g = 0; g < fc->ngroups; g++) {
			attribute(out, ++next_attr, fc->groups[g].label, fc->groups[g].definition,
			          &first);
			buf_puts(out, ",\"Attributes\":{\"AttributesList\":[");
			bool gfirst = true;
			for (size_t c = fc->groups[g].first;
			     c < fc->groups[g].first + fc->groups[g].count; c++) {
				attribute(out, attr[f][c], fc->codes[c].label,
				          fc->codes[c].definition, &gfirst);
				buf_puts(out, "}");
			}
			buf_puts(out, "]}}");
		}
		for (size_t c = 0; c < fc->ncodes; c++)
			if (fc->codes[c].group == CFG_NONE) {
				attribute(out, attr[f][c], fc->codes[c].label,
				          fc->codes[c].definition, &first);
				buf_puts(out, "}");
			}
		buf_puts(out, "]}}");
	}
	buf_puts(out, "],\"References\":[");
	for (size_t i = 0; i < m->nrecs; i++) {
		const record *r = m->recs[i];
		long long id = item_id(r->eppi_id);
		buf_printf(out, "%s{\"Codes\":[", i ? "," : "");
		bool first = true;
		for (size_t f = 0; f < s->nfacets; f++)
			for (size_t k = 0; k < r->codes[f].n; k++) {
				buf_printf(out, "%s{\"AttributeId\":%lld,\"AdditionalText\":\"\"}",
				           first ? "" : ",", attr[f][r->codes[f].idx[k]]);
				first = false;
			}
		buf_printf(out, "],\"Outcomes\":[],\"ItemId\":%lld", id ? id : ++next_item);
		str_field(out, "OldItemId", r->id);
		str_field(out, "Title", r->title);
		str_field(out, "ParentTitle", r->published_in);
		buf_puts(out, ",\"ShortTitle\":");
		buf b = BUF_INIT;
		if (r->nauthors) {
			const char *a = r->authors[0];
			const char *comma = strchr(a, ',');
			buf_put(&b, a, comma ? (size_t)(comma - a) : strlen(a));
			buf_printf(&b, " (%ld)", r->year);
		} else {
			buf_printf(&b, "(%ld)", r->year);
		}
		esc_json(out, buf_cstr(&b));
		buf_reset(&b);
		buf_printf(out, ",\"Year\":\"%ld\"", r->year);
		str_field(out, "Publisher", r->publisher);
		str_field(out, "Volume", r->volume);
		str_field(out, "Issue", r->issue);
		str_field(out, "Pages", r->pages);
		str_field(out, "URL", r->url);
		str_field(out, "Abstract", r->summary);
		str_field(out, "TypeName", type_name(r->type));
		for (size_t k = 0; k < r->nauthors; k++)
			if (!rec_is_et_al(r->authors[k]))
				buf_printf(&b, "%s; ", r->authors[k]);
		str_field(out, "Authors", buf_cstr(&b));
		buf_free(&b);
		str_field(out, "DOI", r->doi);
		buf_puts(out,
		         ",\"ItemStatus\":\"I\",\"ItemStatusTooltip\":\"Included in review\"}");
	}
	buf_puts(out, "]}\n");
	for (size_t f = 0; f < s->nfacets; f++)
		free(attr[f]);
	free(attr);
}
