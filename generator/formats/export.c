#include "formats/export.h"

#include <stdlib.h>
#include <string.h>

#include "core/esc.h"

/* Newest feed entries kept: a feed is for what changed, not an archive. */
#define FEED_ENTRIES 100

static void json_key(buf *b, const char *k, bool *first)
{
	if (!*first)
		buf_putc(b, ',');
	*first = false;
	esc_json(b, k);
	buf_putc(b, ':');
}

static void json_str_field(buf *b, const char *k, const char *v, bool *first)
{
	if (!v)
		return;
	json_key(b, k, first);
	esc_json(b, v);
}

static void json_codes(buf *b, const cfg_site *s, const rec_codes *codes)
{
	buf_putc(b, '{');
	bool first = true;
	for (size_t f = 0; f < s->nfacets; f++) {
		json_key(b, s->facets[f].id, &first);
		buf_putc(b, '[');
		for (size_t k = 0; k < codes[f].n; k++) {
			if (k)
				buf_putc(b, ',');
			esc_json(b, s->facets[f].codes[codes[f].idx[k]].id);
		}
		buf_putc(b, ']');
	}
	buf_putc(b, '}');
}

void export_json(const model *m, buf *b)
{
	const cfg_site *s = m->site;
	buf_puts(b, "{\n\"format\":\"gapmap-studies/1\",\n");
	bool first = true;
	buf_puts(b, "\"site\":{");
	json_str_field(b, "title", s->title, &first);
	json_str_field(b, "description", s->description, &first);
	json_str_field(b, "licence", s->licence, &first);
	json_str_field(b, "licence_url", s->licence_url, &first);
	json_str_field(b, "url", s->url, &first);
	buf_puts(b, "},\n\"map\":{");
	first = true;
	json_str_field(b, "rows", s->facets[s->rows].id, &first);
	json_str_field(b, "columns", s->facets[s->columns].id, &first);
	if (s->segments != CFG_NONE)
		json_str_field(b, "segments", s->facets[s->segments].id, &first);
	json_key(b, "filters", &first);
	buf_putc(b, '[');
	for (size_t i = 0; i < s->nfilters; i++) {
		if (i)
			buf_putc(b, ',');
		esc_json(b, s->filters[i] == CFG_FILTER_YEAR ? "year" : s->facets[s->filters[i]].id);
	}
	buf_printf(b, "],\"thin\":%ld},\n\"facets\":[", s->thin);
	for (size_t f = 0; f < s->nfacets; f++) {
		const cfg_facet *fc = &s->facets[f];
		buf_puts(b, f ? ",\n{" : "\n{");
		first = true;
		json_str_field(b, "id", fc->id, &first);
		json_str_field(b, "label", fc->label, &first);
		json_str_field(b, "plural", fc->plural, &first);
		json_str_field(b, "definition", fc->definition, &first);
		json_key(b, "groups", &first);
		buf_putc(b, '[');
		for (size_t g = 0; g < fc->ngroups; g++) {
			bool gf = true;
			buf_puts(b, g ? ",{" : "{");
			json_str_field(b, "id", fc->groups[g].id, &gf);
			json_str_field(b, "label", fc->groups[g].label, &gf);
			json_str_field(b, "definition", fc->groups[g].definition, &gf);
			buf_putc(b, '}');
		}
		buf_puts(b, "],\"codes\":[");
		for (size_t c = 0; c < fc->ncodes; c++) {
			bool cf = true;
			buf_puts(b, c ? ",{" : "{");
			json_str_field(b, "id", fc->codes[c].id, &cf);
			json_str_field(b, "label", fc->codes[c].label, &cf);
			json_str_field(b, "definition", fc->codes[c].definition, &cf);
			if (fc->codes[c].group != CFG_NONE)
				json_str_field(b, "group", fc->groups[fc->codes[c].group].id, &cf);
			buf_putc(b, '}');
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "],\n\"studies\":[");
	for (size_t i = 0; i < m->nstudies; i++) {
		const study *st = &m->studies[i];
		buf_puts(b, i ? ",\n{" : "\n{");
		first = true;
		json_str_field(b, "id", m->recs[st->primary]->id, &first);
		json_key(b, "year", &first);
		buf_printf(b, "%ld", st->year);
		json_key(b, "reports", &first);
		buf_putc(b, '[');
		for (size_t k = 0; k < st->nreports; k++) {
			if (k)
				buf_putc(b, ',');
			esc_json(b, m->recs[st->reports[k]]->id);
		}
		buf_putc(b, ']');
		json_key(b, "codes", &first);
		json_codes(b, s, st->codes);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\n\"records\":[");
	for (size_t i = 0; i < m->nrecs; i++) {
		const record *r = m->recs[i];
		buf_puts(b, i ? ",\n{" : "\n{");
		first = true;
		json_str_field(b, "id", r->id, &first);
		json_str_field(b, "study", m->recs[m->studies[m->study_of[i]].primary]->id, &first);
		json_str_field(b, "title", r->title, &first);
		json_key(b, "authors", &first);
		buf_putc(b, '[');
		for (size_t k = 0; k < r->nauthors; k++) {
			if (k)
				buf_putc(b, ',');
			esc_json(b, r->authors[k]);
		}
		buf_putc(b, ']');
		json_key(b, "year", &first);
		buf_printf(b, "%ld", r->year);
		json_str_field(b, "type", r->type, &first);
		json_str_field(b, "published_in", r->published_in, &first);
		json_str_field(b, "publisher", r->publisher, &first);
		json_str_field(b, "volume", r->volume, &first);
		json_str_field(b, "issue", r->issue, &first);
		json_str_field(b, "pages", r->pages, &first);
		json_str_field(b, "doi", r->doi, &first);
		json_str_field(b, "url", r->url, &first);
		json_str_field(b, "added", r->added, &first);
		json_str_field(b, "population", r->population, &first);
		json_str_field(b, "intervention", r->intervention, &first);
		json_str_field(b, "comparison", r->comparison, &first);
		json_str_field(b, "sample", r->sample, &first);
		if (r->sample_size >= 0) {
			json_key(b, "sample_size", &first);
			buf_printf(b, "%ld", r->sample_size);
		}
		json_str_field(b, "summary", r->summary, &first);
		json_key(b, "codes", &first);
		json_codes(b, s, r->codes);
		json_key(b, "findings", &first);
		buf_putc(b, '[');
		for (size_t k = 0; k < r->nfindings; k++) {
			bool ff = true;
			buf_puts(b, k ? ",{" : "{");
			json_str_field(b, "code", s->facets[s->rows].codes[r->findings[k].code].id, &ff);
			json_str_field(b, "direction", rec_direction_names[r->findings[k].direction], &ff);
			json_str_field(b, "detail", r->findings[k].detail, &ff);
			buf_putc(b, '}');
		}
		buf_putc(b, ']');
		json_str_field(b, "note", r->note_text, &first);
		buf_putc(b, '}');
	}
	buf_puts(b, "]\n}\n");
}

static void join_codes(buf *b, const cfg_facet *f, const rec_codes *c, const char *sep)
{
	for (size_t k = 0; k < c->n; k++) {
		if (k)
			buf_puts(b, sep);
		buf_puts(b, f->codes[c->idx[k]].id);
	}
}

void export_csv(const model *m, const size_t *recs, size_t n, buf *out)
{
	const cfg_site *s = m->site;
	static const char *const head[] = {"id", "study", "title", "authors", "year", "type",
	                                   "published_in", "publisher", "volume", "issue",
	                                   "pages", "doi", "url", "added"};
	static const char *const tail[] = {"population", "intervention", "comparison",
	                                   "sample", "sample_size", "summary"};
	for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
		if (i)
			buf_putc(out, ',');
		buf_puts(out, head[i]);
	}
	for (size_t f = 0; f < s->nfacets; f++) {
		buf_putc(out, ',');
		esc_csv(out, s->facets[f].id);
	}
	for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
		buf_printf(out, ",%s", tail[i]);
	buf_puts(out, "\r\n");
	size_t count = recs ? n : m->nrecs;
	buf tmp = BUF_INIT;
	for (size_t i = 0; i < count; i++) {
		size_t ri = recs ? recs[i] : i;
		const record *r = m->recs[ri];
		buf_reset(&tmp);
		for (size_t k = 0; k < r->nauthors; k++) {
			if (k)
				buf_puts(&tmp, "; ");
			buf_puts(&tmp, r->authors[k]);
		}
		char year[24], size[24];
		snprintf(year, sizeof year, "%ld", r->year);
		snprintf(size, sizeof size, "%ld", r->sample_size);
		const char *vals[] = {r->id, m->recs[m->studies[m->study_of[ri]].primary]->id,
		                      r->title, buf_cstr(&tmp), year, r->type, r->published_in,
		                      r->publisher, r->volume, r->issue, r->pages, r->doi, r->url,
		                      r->added};
		for (size_t k = 0; k < sizeof vals / sizeof *vals; k++) {
			if (k)
				buf_putc(out, ',');
			esc_csv(out, vals[k] ? vals[k] : "");
		}
		for (size_t f = 0; f < s->nfacets; f++) {
			buf codes = BUF_INIT;
			join_codes(&codes, &s->facets[f], &r->codes[f], "; ");
			buf_putc(out, ',');
			esc_csv(out, buf_cstr(&codes));
			buf_free(&codes);
		}
		const char *tv[] = {r->population, r->intervention, r->comparison, r->sample,
		                    r->sample_size >= 0 ? size : NULL, r->summary};
		for (size_t k = 0; k < sizeof tv / sizeof *tv; k++) {
			buf_putc(out, ',');
			esc_csv(out, tv[k] ? tv[k] : "");
		}
		buf_puts(out, "\r\n");
	}
	buf_free(&tmp);
}

static void ris_line(buf *b, const char *tag, const char *v)
{
	if (!v || !*v)
		return;
	buf_printf(b, "%s  - ", tag);
	esc_ris(b, v);
	buf_puts(b, "\r\n");
}

static const char *ris_type(const char *t)
{
	static const char *const map[][2] = {
		{"article", "JOUR"}, {"report", "RPRT"}, {"chapter", "CHAP"}, {"book", "BOOK"},
		{"thesis", "THES"},  {"webpage", "ELEC"}, {"conference", "CPAPER"}};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(t, map[i][0]) == 0)
			return map[i][1];
	return "GEN";
}

void export_ris(const model *m, const size_t *recs, size_t n, buf *out)
{
	const cfg_site *s = m->site;
	size_t count = recs ? n : m->nrecs;
	for (size_t i = 0; i < count; i++) {
		const record *r = m->recs[recs ? recs[i] : i];
		ris_line(out, "TY", ris_type(r->type));
		ris_line(out, "ID", r->id);
		for (size_t k = 0; k < r->nauthors; k++)
			if (!rec_is_et_al(r->authors[k]))
				ris_line(out, "AU", r->authors[k]);
		char year[24];
		snprintf(year, sizeof year, "%ld", r->year);
		ris_line(out, "PY", year);
		ris_line(out, "TI", r->title);
		ris_line(out, strcmp(r->type, "article") == 0 ? "JO" : "T2", r->published_in);
		ris_line(out, "PB", r->publisher);
		ris_line(out, "VL", r->volume);
		ris_line(out, "IS", r->issue);
		if (r->pages) {
			const char *dash = strchr(r->pages, '-');
			if (dash) {
				char *sp = xstrndup(r->pages, (size_t)(dash - r->pages));
				ris_line(out, "SP", sp);
				ris_line(out, "EP", dash + 1);
				free(sp);
			} else {
				ris_line(out, "SP", r->pages);
			}
		}
		ris_line(out, "DO", r->doi);
		ris_line(out, "UR", r->url);
		ris_line(out, "AB", r->summary);
		for (size_t f = 0; f < s->nfacets; f++)
			for (size_t k = 0; k < r->codes[f].n; k++) {
				buf kw = BUF_INIT;
				buf_printf(&kw, "%s: %s", s->facets[f].label,
				           s->facets[f].codes[r->codes[f].idx[k]].label);
				ris_line(out, "KW", buf_cstr(&kw));
				buf_free(&kw);
			}
		buf_puts(out, "ER  - \r\n\r\n");
	}
}

static void bib_field(buf *b, const char *k, const char *v)
{
	if (!v || !*v)
		return;
	buf_printf(b, ",\n  %s = {", k);
	esc_bibtex(b, v);
	buf_putc(b, '}');
}

void export_bibtex(const model *m, const size_t *recs, size_t n, buf *out)
{
	size_t count = recs ? n : m->nrecs;
	for (size_t i = 0; i < count; i++) {
		const record *r = m->recs[recs ? recs[i] : i];
		const char *t = r->type;
		const char *kind = !strcmp(t, "article")      ? "article"
		                   : !strcmp(t, "report")     ? "techreport"
		                   : !strcmp(t, "chapter")    ? "incollection"
		                   : !strcmp(t, "book")       ? "book"
		                   : !strcmp(t, "thesis")     ? "phdthesis"
		                   : !strcmp(t, "conference") ? "inproceedings"
		                                              : "misc";
		buf_printf(out, "@%s{%s", kind, r->id);
		buf names = BUF_INIT;
		for (size_t k = 0; k < r->nauthors; k++) {
			if (k)
				buf_puts(&names, " and ");
			/* BibTeX's own spelling of "et al.". */
			buf_puts(&names, rec_is_et_al(r->authors[k]) ? "others" : r->authors[k]);
		}
		bib_field(out, "author", buf_cstr(&names));
		buf_free(&names);
		bib_field(out, "title", r->title);
		const char *container = !strcmp(kind, "article")        ? "journal"
		                        : !strcmp(kind, "techreport")   ? "institution"
		                        : !strcmp(kind, "incollection") ? "booktitle"
		                        : !strcmp(kind, "inproceedings") ? "booktitle"
		                        : !strcmp(kind, "phdthesis")    ? "school"
		                                                        : "howpublished";
		bib_field(out, container, r->published_in);
		char year[24];
		snprintf(year, sizeof year, "%ld", r->year);
		bib_field(out, "year", year);
		bib_field(out, "volume", r->volume);
		bib_field(out, "number", r->issue);
		bib_field(out, "pages", r->pages);
		bib_field(out, "publisher", r->publisher);
		bib_field(out, "doi", r->doi);
		bib_field(out, "url", r->url);
		buf_puts(out, "\n}\n\n");
	}
}

void export_sitemap(const model *m, char *const *pages, size_t n, buf *out)
{
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	const char *base = m->site->url;
	for (size_t i = 0; i < n; i++) {
		buf loc = BUF_INIT;
		if (base) {
			buf_puts(&loc, base);
			if (!str_ends_with(base, "/"))
				buf_putc(&loc, '/');
		}
		/* Folders are the canonical address of a page/index.html. */
		const char *p = pages[i];
		if (str_ends_with(p, "/index.html") || strcmp(p, "index.html") == 0)
			buf_put(&loc, p, strlen(p) - strlen("index.html"));
		else
			buf_puts(&loc, p);
		buf_puts(out, "  <url><loc>");
		esc_xml(out, loc.len ? buf_cstr(&loc) : "./");
		buf_puts(out, "</loc></url>\n");
		buf_free(&loc);
	}
	buf_puts(out, "</urlset>\n");
}

void export_sitemap_index(const model *m, const char *const *parts, size_t n, buf *out)
{
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	const char *base = m->site->url;
	for (size_t i = 0; i < n; i++) {
		buf loc = BUF_INIT;
		if (base) {
			buf_puts(&loc, base);
			if (!str_ends_with(base, "/"))
				buf_putc(&loc, '/');
		}
		buf_puts(&loc, parts[i]);
		buf_puts(out, "  <sitemap><loc>");
		esc_xml(out, buf_cstr(&loc));
		buf_puts(out, "</loc></sitemap>\n");
		buf_free(&loc);
	}
	buf_puts(out, "</sitemapindex>\n");
}

typedef struct feed_key {
	const char *added;
	const char *id;
	size_t rec;
} feed_key;

static int cmp_feed(const void *pa, const void *pb)
{
	const feed_key *a = pa, *b = pb;
	int c = strcmp(b->added, a->added);
	return c ? c : strcmp(a->id, b->id);
}

void export_feed(const model *m, buf *out)
{
	const cfg_site *s = m->site;
	feed_key *keys = xcalloc(m->nrecs ? m->nrecs : 1, sizeof *keys);
	for (size_t i = 0; i < m->nrecs; i++)
		keys[i] = (feed_key){m->recs[i]->added, m->recs[i]->id, i};
	if (m->nrecs > 1)
		qsort(keys, m->nrecs, sizeof *keys, cmp_feed);
	const char *updated = m->nrecs ? keys[0].added : "1970-01-01";
	buf base = BUF_INIT;
	if (s->url) {
		buf_puts(&base, s->url);
		if (!str_ends_with(s->url, "/"))
			buf_putc(&base, '/');
	}
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (base.len) {
		buf_puts(out, " xml:base=\"");
		esc_xml(out, buf_cstr(&base));
		buf_putc(out, '"');
	}
	buf_puts(out, ">\n  <title>");
	esc_xml(out, s->title);
	buf_puts(out, "</title>\n  <subtitle>Studies added to the map, newest first</subtitle>\n");
	buf_puts(out, "  <link rel=\"alternate\" href=\"index.html\"/>\n");
	buf_puts(out, "  <id>");
	if (base.len)
		esc_xml(out, buf_cstr(&base));
	else {
		buf_puts(out, "urn:gapmap:");
		esc_url_path(out, s->title);
	}
	buf_printf(out, "</id>\n  <updated>%sT00:00:00Z</updated>\n", updated);
	buf_puts(out, "  <author><name>");
	esc_xml(out, s->nauthors ? s->authors[0] : s->title);
	buf_puts(out, "</name></author>\n  <generator>gapmap</generator>\n");
	size_t n = m->nrecs < FEED_ENTRIES ? m->nrecs : FEED_ENTRIES;
	for (size_t i = 0; i < n; i++) {
		const record *r = m->recs[keys[i].rec];
		buf_puts(out, "  <entry>\n    <title>");
		esc_xml(out, r->title);
		buf_printf(out, " (%ld)</title>\n    <link href=\"studies/", r->year);
		esc_xml(out, r->id);
		buf_puts(out, "/index.html\"/>\n    <id>");
		if (base.len) {
			esc_xml(out, buf_cstr(&base));
			buf_puts(out, "studies/");
			esc_xml(out, r->id);
			buf_putc(out, '/');
		} else {
			buf_puts(out, "urn:gapmap:study:");
			esc_xml(out, r->id);
		}
		buf_printf(out, "</id>\n    <updated>%sT00:00:00Z</updated>\n", r->added);
		if (r->summary) {
			buf_puts(out, "    <summary>");
			esc_xml(out, r->summary);
			buf_puts(out, "</summary>\n");
		}
		buf_puts(out, "  </entry>\n");
	}
	buf_puts(out, "</feed>\n");
	buf_free(&base);
	free(keys);
}
