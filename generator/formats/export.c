#include "formats/export.h"
#include "formats/feedupd.h"

#include <stdlib.h>
#include <string.h>

#include "core/esc.h"
#include "core/json.h"
#include "core/xml.h"
#include "formats/facetjson.h"
#include "formats/memo.h"

/* Newest feed entries kept: a feed is for what changed, not an archive. */
#define FEED_ENTRIES 100

static void json_codes(jw *w, const cfg_site *s, const rec_codes *codes)
{
	jw_obj(w);
	for (size_t f = 0; f < s->nfacets; f++) {
		jw_key(w, s->facets[f].id);
		jw_arr(w);
		for (size_t k = 0; k < codes[f].n; k++)
			jw_str(w, s->facets[f].codes[codes[f].idx[k]].id);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void json_strings(jw *w, const char *k, char *const *v, size_t n)
{
	jw_key(w, k);
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_end(w);
}

static void json_record(jw *w, const model *m, size_t i)
{
	const cfg_site *s = m->site;
	const record *r = m->recs[i];
	jw_obj(w);
	jw_field_str(w, "id", r->id);
	jw_field_str(w, "study", m->recs[m->studies[m->study_of[i]].primary]->id);
	jw_field_str(w, "title", r->title);
	json_strings(w, "authors", r->authors, r->nauthors);
	jw_field_int(w, "year", r->year);
	facetjson_citation(w, r);
	const char *const fields[][2] = {{"added", r->added},
	                                 {"population", r->population},
	                                 {"intervention", r->intervention},
	                                 {"comparison", r->comparison},
	                                 {"sample", r->sample}};
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
		jw_field_str(w, fields[k][0], fields[k][1]);
	if (r->sample_size >= 0)
		jw_field_int(w, "sample_size", r->sample_size);
	jw_field_str(w, "summary", r->summary);
	jw_key(w, "codes");
	json_codes(w, s, r->codes);
	jw_key(w, "findings");
	jw_arr(w);
	for (size_t k = 0; k < r->nfindings; k++) {
		jw_obj(w);
		jw_field_str(w, "code", s->facets[s->rows].codes[r->findings[k].code].id);
		jw_field_str(w, "direction", rec_direction_names[r->findings[k].direction]);
		jw_field_str(w, "detail", r->findings[k].detail);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_field_str(w, "abstract", r->abstract_text);
	jw_field_str(w, "note", r->note_text);
	jw_obj_end(w);
}

void export_json(const model *m, sink *out)
{
	const cfg_site *s = m->site;
	jw wr = jw_for(out), *w = &wr;
	jw_obj(w);
	jw_nl(w);
	jw_field_str(w, "format", "gapmap-studies/1");
	jw_nl(w);
	jw_key(w, "site");
	jw_obj(w);
	jw_field_str(w, "title", s->title);
	jw_field_str(w, "description", s->description);
	jw_field_str(w, "licence", s->licence);
	jw_field_str(w, "licence_url", s->licence_url);
	jw_field_str(w, "url", s->url);
	jw_obj_end(w);
	jw_nl(w);
	jw_key(w, "map");
	jw_obj(w);
	jw_field_str(w, "rows", s->facets[s->rows].id);
	jw_field_str(w, "columns", s->facets[s->columns].id);
	if (s->segments != CFG_NONE)
		jw_field_str(w, "segments", s->facets[s->segments].id);
	jw_key(w, "filters");
	jw_arr(w);
	for (size_t i = 0; i < s->nfilters; i++)
		jw_str(w, s->filters[i] == CFG_FILTER_YEAR ? "year" : s->facets[s->filters[i]].id);
	jw_arr_end(w);
	jw_field_int(w, "thin", s->thin);
	jw_obj_end(w);
	jw_nl(w);
	facetjson_field(w, s, FACETJSON_DOWNLOAD);
	jw_nl(w);
	jw_key(w, "studies");
	jw_arr(w);
	for (size_t i = 0; i < m->nstudies; i++) {
		const study *st = &m->studies[i];
		fmt_chunk c;
		if (fmt_chunk_study(&c, m, out, "json.studies", i, i == 0))
			continue;
		jw_nl(w);
		jw_obj(w);
		jw_field_str(w, "id", m->recs[st->primary]->id);
		jw_field_int(w, "year", st->year);
		jw_key(w, "reports");
		jw_arr(w);
		for (size_t k = 0; k < st->nreports; k++)
			jw_str(w, m->recs[st->reports[k]]->id);
		jw_arr_end(w);
		jw_key(w, "codes");
		json_codes(w, s, st->codes);
		jw_obj_end(w);
		fmt_chunk_end(&c);
	}
	jw_arr_end(w);
	jw_nl(w);
	jw_key(w, "records");
	jw_arr(w);
	for (size_t i = 0; i < m->nrecs; i++) {
		fmt_chunk c;
		if (fmt_chunk_record(&c, m, out, "json.records", i, i == 0, 0))
			continue;
		jw_nl(w);
		json_record(w, m, i);
		fmt_chunk_end(&c);
	}
	jw_arr_end(w);
	jw_nl(w);
	jw_obj_end(w);
	sink_putc(out, '\n');
}

static int cmp_code(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* A record's codes of one facet in the site's order (site.yaml's), not as
 * the record lists them: as the map data has them, so that the map's own
 * downloads of a filtered set (map-downloads.js) match these files. The
 * caller frees the copy. */
static size_t *codes_in_order(const rec_codes *c)
{
	size_t *v = xmalloc((c->n ? c->n : 1) * sizeof *v);
	if (c->n)
		memcpy(v, c->idx, c->n * sizeof *v);
	qsort(v, c->n, sizeof *v, cmp_code);
	return v;
}

static void join_codes(buf *b, const cfg_facet *f, const rec_codes *c, const char *sep)
{
	size_t *v = codes_in_order(c);
	for (size_t k = 0; k < c->n; k++) {
		if (k)
			buf_puts(b, sep);
		buf_puts(b, f->codes[v[k]].id);
	}
	free(v);
}

/* One CSV cell; NULL is an empty one. */
static void csv_cell(sink *out, const char *v)
{
	esc_csv_to(out, v ? v : "", v ? strlen(v) : 0);
}

/* Writes the records asked for (recs[0..n), or every record when recs is
 * NULL), each by one(), unless serve's memo (formats/memo.h) holds its
 * element of this format already and copies it instead. */
typedef void record_writer(const model *m, size_t ri, sink *out, void *arg);

static void each_record(const model *m, const size_t *recs, size_t n, const char *format,
                        record_writer *one, void *arg, sink *out)
{
	size_t count = recs ? n : m->nrecs;
	for (size_t i = 0; i < count; i++) {
		size_t ri = recs ? recs[i] : i;
		fmt_chunk c;
		if (fmt_chunk_record(&c, m, out, format, ri, false, 0))
			continue;
		one(m, ri, out, arg);
		fmt_chunk_end(&c);
	}
}

static void csv_record(const model *m, size_t ri, sink *out, void *scratch)
{
	const cfg_site *s = m->site;
	const record *r = m->recs[ri];
	buf *tmp = scratch; /* reused from record to record */
	buf_reset(tmp);
	for (size_t k = 0; k < r->nauthors; k++) {
		if (k)
			buf_puts(tmp, "; ");
		buf_puts(tmp, r->authors[k]);
	}
	char year[24], size[24];
	snprintf(year, sizeof year, "%ld", r->year);
	snprintf(size, sizeof size, "%ld", r->sample_size);
	const char *vals[] = {r->id,
	                      m->recs[m->studies[m->study_of[ri]].primary]->id,
	                      r->title,
	                      buf_cstr(tmp),
	                      year,
	                      r->type,
	                      r->published_in,
	                      r->publisher,
	                      r->volume,
	                      r->issue,
	                      r->pages,
	                      r->doi,
	                      r->url,
	                      r->added};
	for (size_t k = 0; k < sizeof vals / sizeof *vals; k++) {
		if (k)
			sink_putc(out, ',');
		csv_cell(out, vals[k]);
	}
	for (size_t f = 0; f < s->nfacets; f++) {
		buf codes = BUF_INIT;
		join_codes(&codes, &s->facets[f], &r->codes[f], "; ");
		sink_putc(out, ',');
		csv_cell(out, buf_cstr(&codes));
		buf_free(&codes);
	}
	const char *tv[] = {r->population,
	                    r->intervention,
	                    r->comparison,
	                    r->sample,
	                    r->sample_size >= 0 ? size : NULL,
	                    r->summary};
	for (size_t k = 0; k < sizeof tv / sizeof *tv; k++) {
		sink_putc(out, ',');
		csv_cell(out, tv[k]);
	}
	sink_puts(out, "\r\n");
}

void export_csv(const model *m, const size_t *recs, size_t n, sink *out)
{
	const cfg_site *s = m->site;
	static const char *const head[] = {"id",    "study",        "title",     "authors", "year",
	                                   "type",  "published_in", "publisher", "volume",  "issue",
	                                   "pages", "doi",          "url",       "added"};
	static const char *const tail[] = {"population", "intervention", "comparison",
	                                   "sample",     "sample_size",  "summary"};
	for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
		if (i)
			sink_putc(out, ',');
		sink_puts(out, head[i]);
	}
	for (size_t f = 0; f < s->nfacets; f++) {
		sink_putc(out, ',');
		csv_cell(out, s->facets[f].id);
	}
	for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
		sink_printf(out, ",%s", tail[i]);
	sink_puts(out, "\r\n");
	buf tmp = BUF_INIT;
	each_record(m, recs, n, "csv", csv_record, &tmp, out);
	buf_free(&tmp);
}

/* A field of a line-based reference format, left out when empty: its
 * opening (a printf format naming it), the value escaped, its closing. */
static void tagged_field(sink *b, const char *open, const char *name, const char *v,
                         void (*esc)(sink *, const char *, size_t), const char *close)
{
	if (!v || !*v)
		return;
	sink_printf(b, open, name);
	esc(b, v, strlen(v));
	sink_puts(b, close);
}

static void ris_line(sink *b, const char *tag, const char *v)
{
	tagged_field(b, "%s  - ", tag, v, esc_ris_to, "\r\n");
}

const char *export_ris_type(const char *type)
{
	static const char *const map[][2] = {
	    {"article", "JOUR"}, {"report", "RPRT"},  {"chapter", "CHAP"},     {"book", "BOOK"},
	    {"thesis", "THES"},  {"webpage", "ELEC"}, {"conference", "CPAPER"}};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return "GEN";
}

const char *export_ris_source_tag(const char *type)
{
	return strcmp(type, "article") == 0 ? "JO" : "T2";
}

static void ris_record(const model *m, size_t ri, sink *out, void *unused)
{
	const record *r = m->recs[ri];
	(void)unused;
	const cfg_site *s = m->site;
	ris_line(out, "TY", export_ris_type(r->type));
	ris_line(out, "ID", r->id);
	for (size_t k = 0; k < r->nauthors; k++)
		if (!rec_is_et_al(r->authors[k]))
			ris_line(out, "AU", r->authors[k]);
	char year[24];
	snprintf(year, sizeof year, "%ld", r->year);
	ris_line(out, "PY", year);
	ris_line(out, "TI", r->title);
	ris_line(out, export_ris_source_tag(r->type), r->published_in);
	ris_line(out, "PB", r->publisher);
	ris_line(out, "VL", r->volume);
	ris_line(out, "IS", r->issue);
	if (r->pages) {
		/* "101-110" or, as sources print it, "101–110" (an en dash). */
		const char *dash = strchr(r->pages, '-'), *en = strstr(r->pages, "\xE2\x80\x93");
		size_t dlen = 1;
		if (en && (!dash || en < dash)) {
			dash = en;
			dlen = 3;
		}
		if (dash) {
			char *sp = xstrndup(r->pages, (size_t)(dash - r->pages));
			ris_line(out, "SP", sp);
			ris_line(out, "EP", dash + dlen);
			free(sp);
		} else {
			ris_line(out, "SP", r->pages);
		}
	}
	ris_line(out, "DO", r->doi);
	ris_line(out, "UR", r->url);
	ris_line(out, "AB", r->summary);
	for (size_t f = 0; f < s->nfacets; f++) {
		size_t *v = codes_in_order(&r->codes[f]);
		for (size_t k = 0; k < r->codes[f].n; k++) {
			buf kw = BUF_INIT;
			buf_printf(&kw, "%s: %s", s->facets[f].label,
			           s->facets[f].codes[v[k]].label);
			ris_line(out, "KW", buf_cstr(&kw));
			buf_free(&kw);
		}
		free(v);
	}
	sink_puts(out, "ER  - \r\n\r\n");
}

void export_ris(const model *m, const size_t *recs, size_t n, sink *out)
{
	each_record(m, recs, n, "ris", ris_record, NULL, out);
}

static void bib_field(sink *b, const char *k, const char *v)
{
	tagged_field(b, ",\n  %s = {", k, v, esc_bibtex_to, "}");
}

static void bib_record(const model *m, size_t ri, sink *out, void *unused)
{
	const record *r = m->recs[ri];
	(void)unused;
	const char *t = r->type;
	const char *kind = !strcmp(t, "article")      ? "article"
	                   : !strcmp(t, "report")     ? "techreport"
	                   : !strcmp(t, "chapter")    ? "incollection"
	                   : !strcmp(t, "book")       ? "book"
	                   : !strcmp(t, "thesis")     ? "phdthesis"
	                   : !strcmp(t, "conference") ? "inproceedings"
	                                              : "misc";
	sink_printf(out, "@%s{%s", kind, r->id);
	if (r->nauthors)
		sink_puts(out, ",\n  author = {");
	for (size_t k = 0; k < r->nauthors; k++) {
		const char *a = r->authors[k];
		if (k)
			sink_puts(out, " and ");
		if (rec_is_et_al(a)) {
			sink_puts(out, "others"); /* BibTeX's own "et al." */
			continue;
		}
		/* A name without a comma is an organisation: braced, so that
		 * readers keep it whole instead of taking its last word for a
		 * family name ("Sheffield Clinical Commissioning Group"). */
		int org = !strchr(a, ',');
		if (org)
			sink_putc(out, '{');
		esc_bibtex_to(out, a, strlen(a));
		if (org)
			sink_putc(out, '}');
	}
	if (r->nauthors)
		sink_putc(out, '}');
	bib_field(out, "title", r->title);
	const char *container = !strcmp(kind, "article")         ? "journal"
	                        : !strcmp(kind, "techreport")    ? "institution"
	                        : !strcmp(kind, "incollection")  ? "booktitle"
	                        : !strcmp(kind, "inproceedings") ? "booktitle"
	                        : !strcmp(kind, "phdthesis")     ? "school"
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
	sink_puts(out, "\n}\n\n");
}

void export_bibtex(const model *m, const size_t *recs, size_t n, sink *out)
{
	each_record(m, recs, n, "bib", bib_record, NULL, out);
}

/* Starts a sitemap address with the site's url (and a slash after it),
 * or with nothing when the site has no url, leaving addresses relative. */
static void loc_base(buf *loc, const char *base)
{
	if (base) {
		buf_puts(loc, base);
		if (!str_ends_with(base, "/"))
			buf_putc(loc, '/');
	}
}

/* A sitemap file: the root element holding one item a path, each with its
 * address (the site's url, then the path; a page's folder stands for its
 * index.html when pages). */
static void sitemap_file(sink *out, const char *root, const char *item, const char *base,
                         const char *const *paths, size_t n, bool pages)
{
	xml_decl(out);
	sink_printf(out, "<%s xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n", root);
	/* What every item repeats, made once: a sitemap of a big site has
	 * tens of thousands, written again in each of serve's rebuilds. */
	buf open = BUF_INIT, close = BUF_INIT, loc = BUF_INIT;
	buf_printf(&open, "  <%s><loc>", item);
	buf_printf(&close, "</loc></%s>\n", item);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&loc);
		loc_base(&loc, base);
		const char *p = paths[i];
		if (pages && (str_ends_with(p, "/index.html") || strcmp(p, "index.html") == 0))
			buf_put(&loc, p, strlen(p) - strlen("index.html"));
		else
			buf_puts(&loc, p);
		sink_put(out, open.data, open.len);
		xml_text(out, loc.len ? buf_cstr(&loc) : "./");
		sink_put(out, close.data, close.len);
	}
	buf_free(&open);
	buf_free(&close);
	buf_free(&loc);
	sink_printf(out, "</%s>\n", root);
}

size_t export_sitemap_parts(size_t pages)
{
	return pages > EXPORT_SITEMAP_MAX_URLS
	           ? (pages + EXPORT_SITEMAP_MAX_URLS - 1) / EXPORT_SITEMAP_MAX_URLS
	           : 0;
}

void export_sitemap(const model *m, char *const *pages, size_t n, sink *out)
{
	sitemap_file(out, "urlset", "url", m->site->url, (const char *const *)pages, n, true);
}

void export_sitemap_index(const model *m, const char *const *parts, size_t n, sink *out)
{
	sitemap_file(out, "sitemapindex", "sitemap", m->site->url, parts, n, false);
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

/* The FEED_ENTRIES first records in cmp_feed's order, in that order, in
 * top; returns how many. Only those can be shown, and picking them costs
 * a comparison with the last one kept for most records, where sorting all
 * of them cost serve a few milliseconds every rebuild. */
static size_t feed_newest(const model *m, feed_key *top)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrecs; i++) {
		feed_key k = {m->recs[i]->added, m->recs[i]->id, i};
		if (n == FEED_ENTRIES && cmp_feed(&k, &top[n - 1]) >= 0)
			continue;
		size_t lo = 0, hi = n; /* the first kept after k */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_feed(&top[mid], &k) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t end = n < FEED_ENTRIES ? n : FEED_ENTRIES - 1; /* the last falls off */
		memmove(&top[lo + 1], &top[lo], (end - lo) * sizeof *top);
		top[lo] = k;
		if (n < FEED_ENTRIES)
			n++;
	}
	return n;
}

void export_feed(const model *m, sink *out)
{
	const cfg_site *s = m->site;
	feed_key *keys = xcalloc(FEED_ENTRIES, sizeof *keys);
	size_t nkeys = feed_newest(m, keys);
	const char *updated = nkeys ? keys[0].added : "1970-01-01";
	if (feedupd_latest(m) && strcmp(feedupd_latest(m), updated) > 0)
		updated = feedupd_latest(m);
	buf base = BUF_INIT;
	if (s->url) {
		buf_puts(&base, s->url);
		if (!str_ends_with(s->url, "/"))
			buf_putc(&base, '/');
	}
	xml_decl(out);
	sink_puts(out, "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (base.len) {
		sink_puts(out, " xml:base=\"");
		xml_text(out, buf_cstr(&base));
		sink_putc(out, '"');
	}
	sink_puts(out, ">\n");
	xml_elem(out, "  ", "title", s->title);
	xml_elem(out, "  ", "subtitle", "Studies added to the map, newest first");
	sink_puts(out, "  <link rel=\"alternate\" href=\"index.html\"/>\n");
	sink_puts(out, "  <id>");
	if (base.len)
		xml_text(out, buf_cstr(&base));
	else {
		sink_puts(out, "urn:gapmap:");
		esc_url_to(out, s->title, strlen(s->title), true);
	}
	sink_printf(out, "</id>\n  <updated>%sT00:00:00Z</updated>\n", updated);
	sink_puts(out, "  <author><name>");
	xml_text(out, s->nauthors ? s->authors[0] : s->title);
	sink_puts(out, "</name></author>\n  <generator>gapmap</generator>\n");
	/* Update entries go before the studies added on or before their day. */
	size_t next_update = 0, written = 0;
	for (size_t i = 0; i < nkeys && written < FEED_ENTRIES; i++, written++) {
		const record *r = m->recs[keys[i].rec];
		written += feedupd_entries(m, buf_cstr(&base), r->added, &next_update,
		                           FEED_ENTRIES - written, out);
		if (written >= FEED_ENTRIES)
			break;
		sink_puts(out, "  <entry>\n    <title>");
		xml_text(out, r->title);
		sink_printf(out, " (%ld)</title>\n    <link href=\"studies/", r->year);
		xml_text(out, r->id);
		sink_puts(out, "/index.html\"/>\n    <id>");
		if (base.len) {
			xml_text(out, buf_cstr(&base));
			sink_puts(out, "studies/");
			xml_text(out, r->id);
			sink_putc(out, '/');
		} else {
			sink_puts(out, "urn:gapmap:study:");
			xml_text(out, r->id);
		}
		sink_printf(out, "</id>\n    <updated>%sT00:00:00Z</updated>\n", r->added);
		xml_elem(out, "    ", "summary", r->summary);
		sink_puts(out, "  </entry>\n");
	}
	if (written < FEED_ENTRIES)
		feedupd_entries(m, buf_cstr(&base), NULL, &next_update, FEED_ENTRIES - written,
		                out);
	sink_puts(out, "</feed>\n");
	buf_free(&base);
	free(keys);
}
