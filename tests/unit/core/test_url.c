/* core/url: the one allow-list for published URLs. */
#include "core/url.h"

#include <stdlib.h>

#include "test.h"

int main(void)
{
	const char *ok[] = {"https://example.org/a?b=1#c", "http://x.org", "HTTPS://X.ORG/",
	                    "mailto:a@b.org", "MailTo:x@y"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		CHECK(url_check(ok[i], false) == URL_OK);
		CHECK(url_check(ok[i], true) == URL_OK);
	}
	const char *rel[] = {"about/", "../x/index.html", "/abs/path",          "#top",
	                     "?q=1",   "a/b:c",           "//cdn.example.org/x"};
	for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
		CHECK(url_check(rel[i], true) == URL_OK);
		CHECK(url_check(rel[i], false) == URL_NO_SCHEME);
	}
	const char *bad[] = {"javascript:alert(1)",
	                     "JaVaScRiPt:x",
	                     "vbscript:x",
	                     "data:text/html,x",
	                     "data:image/png;base64,AAAA",
	                     "file:///etc/passwd",
	                     "ms-msdt:/id PCWDiagnostic",
	                     "search-ms:query=x",
	                     "ftp://x.org",
	                     "intent://x#Intent;end"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(url_check(bad[i], true) == URL_BAD_SCHEME);
		CHECK(!url_allowed(bad[i], false));
	}
	CHECK(url_check("https://x.org/a b", true) == URL_BAD_CHAR);
	CHECK(url_check("https://x.org/\"onmouseover=", true) == URL_BAD_CHAR);
	CHECK(url_check("https://x.org/\x01", true) == URL_BAD_CHAR);
	CHECK(url_check(" javascript:x", true) == URL_BAD_CHAR); /* no blanks before a scheme */
	CHECK(url_check("\tjavascript:x", true) == URL_BAD_CHAR);
	CHECK(url_check("", true) == URL_EMPTY);
	CHECK(url_check("https:", true) == URL_EMPTY);
	CHECK(url_check("http:x", true) == URL_NO_SCHEME);

	char *s = url_scheme("Ms-Msdt:/id");
	CHECK_STR(s, "Ms-Msdt");
	free(s);
	s = url_scheme("a/b:c");
	CHECK(s == NULL);
	free(s);
	TEST_MAIN_END();
}
