/* formats/export: the data downloads, from a small site's model — their
 * shape, escaping by the one escaper, XML that stays well-formed whatever
 * a title holds, and a file sink that writes what a buf sink gets. */
#include "formats/export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "test.h"

#define R "\xef\xbf\xbd" /* U+FFFD */

static char *run(const model *m, int which, sink *to)
{
	buf b = BUF_INIT;
	sink s = sink_for_buf(&b);
	sink *o = to ? to : &s;
	char *pages[] = {"index.html", "studies/a1/index.html", "about/index.html"};
	switch (which) {
	case 0:
		export_json(m, o);
		break;
	case 1:
		export_csv(m, NULL, 0, o);
		break;
	case 2:
		export_ris(m, NULL, 0, o);
		break;
	case 3:
		export_bibtex(m, NULL, 0, o);
		break;
	case 4:
		export_sitemap(m, pages, 3, o);
		break;
	default:
		export_feed(m, o);
		break;
	}
	return buf_detach(&b);
}

static void set(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* The sitemap index that replaces sitemap.xml when a site has more pages
 * than one sitemap may list (EXPORT_SITEMAP_MAX_URLS, sitemaps.org). */
static void sitemap_index(void)
{
	CHECK(EXPORT_SITEMAP_MAX_URLS == 50000);
	cfg_site site = {0};
	model m = {0};
	m.site = &site;
	/* Parts of at most 50,000 pages, only past 50,000. */
	CHECK(export_sitemap_parts(0) == 0 && export_sitemap_parts(50000) == 0);
	CHECK(export_sitemap_parts(50001) == 2 && export_sitemap_parts(100000) == 2);
	CHECK(export_sitemap_parts(100001) == 3);
	const char *parts[] = {"sitemap-1.xml", "sitemap-2.xml"};
	buf b = BUF_INIT;
	sink bs = sink_for_buf(&b);
	export_sitemap_index(&m, parts, 2, &bs);
	CHECK_STR(buf_cstr(&b),
	          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	          "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
	          "  <sitemap><loc>sitemap-1.xml</loc></sitemap>\n"
	          "  <sitemap><loc>sitemap-2.xml</loc></sitemap>\n"
	          "</sitemapindex>\n");
	/* With url: in site.yaml the parts get absolute addresses, escaped. */
	site.url = "https://example.org/map&more";
	buf_reset(&b);
	export_sitemap_index(&m, parts, 1, &bs);
	CHECK(strstr(buf_cstr(&b), "<loc>https://example.org/map&amp;more/sitemap-1.xml</loc>") !=
	      NULL);
	site.url = "https://example.org/map/";
	buf_reset(&b);
	export_sitemap_index(&m, parts, 1, &bs);
	CHECK(strstr(buf_cstr(&b), "<loc>https://example.org/map/sitemap-1.xml</loc>") != NULL);
	buf_free(&b);
}

int main(void)
{
	sitemap_index();
	diag *d = diag_new();
	model *m = model_load("tests/e2e/sites/basic", d);
	CHECK(m != NULL);
	if (!m)
		return 1;
	size_t a1 = model_record_index(m, "a1");
	CHECK(a1 != SIZE_MAX);
	/* What an importer or an escape sequence in YAML can put in a title. */
	set(&m->recs[a1]->title, "T\x01 \xef\xbf\xbe<&>'\"=x");
	set(&m->recs[a1]->summary, "=cmd|' /C calc'!A0\nER  - ");

	char *json = run(m, 0, NULL);
	CHECK(strncmp(json, "{\n\"format\":\"gapmap-studies/1\",\n\"site\":{", 38) == 0);
	CHECK_CONTAINS(json, "\"title\":\"T\\ufffd \\ufffd\\u003c\\u0026\\u003e\\u0027\\\"=x\"");
	CHECK_CONTAINS(json, "\n\"studies\":[\n{\"id\":");
	CHECK(strlen(json) > 3 && strcmp(json + strlen(json) - 4, "]\n}\n") == 0);

	char *csv = run(m, 1, NULL);
	CHECK(strncmp(csv, "id,study,title,authors,year,", 28) == 0);
	CHECK_CONTAINS(csv, "\"'=cmd|' /C calc'!A0\nER  - \"");
	CHECK_CONTAINS(csv, "\"T" R " " R "<&>'\"\"=x\"");

	char *ris = run(m, 2, NULL);
	CHECK_CONTAINS(ris, "AB  - =cmd|' /C calc'!A0 ER  - \r\n");
	CHECK_CONTAINS(ris, "TI  - T" R " " R "<&>'\"=x\r\n");

	char *bib = run(m, 3, NULL);
	CHECK_CONTAINS(bib, "title = {T" R " " R "<\\&>'\"=x}");

	char *map = run(m, 4, NULL);
	CHECK_CONTAINS(map, "<url><loc>./</loc></url>\n  <url><loc>studies/a1/</loc></url>");

	char *feed = run(m, 5, NULL);
	CHECK_CONTAINS(feed, "<title>T" R " " R "&lt;&amp;&gt;&#39;&quot;=x (");
	CHECK(!strchr(feed, '\x01'));
	CHECK(!strstr(feed, "\xef\xbf\xbe"));

	/* Streaming to a file gives the same bytes. */
	FILE *f = tmpfile();
	sink fs = sink_for_file(f);
	free(run(m, 5, &fs));
	fflush(f);
	long n = ftell(f);
	rewind(f);
	char *got = calloc(1, (size_t)n + 1);
	CHECK(fread(got, 1, (size_t)n, f) == (size_t)n);
	CHECK_STR(got, feed);
	CHECK(!fs.failed);
	fclose(f);
	free(got);

	free(json), free(csv), free(ris), free(bib), free(map), free(feed);
	model_free(m);
	diag_free(d);
	TEST_MAIN_END();
}
