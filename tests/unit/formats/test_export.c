/* The sitemap index that replaces sitemap.xml when a site has more pages
 * than one sitemap may list (EXPORT_SITEMAP_MAX_URLS, sitemaps.org). */
#include <stdlib.h>
#include <string.h>

#include "formats/export.h"
#include "test.h"

int main(void)
{
	CHECK(EXPORT_SITEMAP_MAX_URLS == 50000);
	cfg_site site = {0};
	model m = {0};
	m.site = &site;
	const char *parts[] = {"sitemap-1.xml", "sitemap-2.xml"};
	buf b = BUF_INIT;
	export_sitemap_index(&m, parts, 2, &b);
	CHECK_STR(buf_cstr(&b),
	          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	          "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
	          "  <sitemap><loc>sitemap-1.xml</loc></sitemap>\n"
	          "  <sitemap><loc>sitemap-2.xml</loc></sitemap>\n"
	          "</sitemapindex>\n");
	/* With url: in site.yaml the parts get absolute addresses, escaped. */
	site.url = "https://example.org/map&more";
	buf_reset(&b);
	export_sitemap_index(&m, parts, 1, &b);
	CHECK(strstr(buf_cstr(&b), "<loc>https://example.org/map&amp;more/sitemap-1.xml</loc>") !=
	      NULL);
	site.url = "https://example.org/map/";
	buf_reset(&b);
	export_sitemap_index(&m, parts, 1, &b);
	CHECK(strstr(buf_cstr(&b), "<loc>https://example.org/map/sitemap-1.xml</loc>") != NULL);
	buf_free(&b);
	TEST_MAIN_END();
}
