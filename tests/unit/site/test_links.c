/* site/links: where a relative link in a note or page leads. */
#include <stdlib.h>

#include "site/links.h"
#include "test.h"

static void check_resolve(const char *from, const char *url, const char *want)
{
	char *got = links_resolve(from, url);
	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	free(got);
}

int main(void)
{
	const char *from = "studies/smith-2020/index.html";
	check_resolve(from, "../../about/index.html", "about/index.html");
	check_resolve(from, "../../outcomes/pain/", "outcomes/pain/index.html");
	check_resolve(from, "../brown-2019/index.html#top", "studies/brown-2019/index.html");
	check_resolve(from, "figure.png?v=2", "studies/smith-2020/figure.png");
	check_resolve(from, "./a/./b/../c.html", "studies/smith-2020/a/c.html");
	check_resolve(from, "../..", "index.html");
	check_resolve(from, "../../", "index.html");
	check_resolve(from, "../../../outside.html", NULL);
	check_resolve("about/index.html", "../studies/a%20b.html", "studies/a b.html");
	check_resolve("about/index.html", "..//x.html", "x.html");
	check_resolve("index.html", "..", NULL);
	check_resolve("index.html", "data/studies.csv", "data/studies.csv");
	TEST_MAIN_END();
}
