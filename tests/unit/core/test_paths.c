/* core/paths: the site's URL scheme. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "test.h"

static void check_fill(const char *got, const char *want)
{
	CHECK_STR(got, want);
	free((void *)got);
}

int main(void)
{
	check_fill(paths_study("smith-2020"), "studies/smith-2020/index.html");
	check_fill(paths_facet("outcomes"), "outcomes/index.html");
	check_fill(paths_code("outcomes", "pain"), "outcomes/pain/index.html");
	check_fill(paths_cell("pain", "gp"), "cells/pain/gp/index.html");
	check_fill(paths_page("methods"), "methods/index.html");
	check_fill(paths_paged("studies/index.html", 1), "studies/index.html");
	check_fill(paths_paged("studies/index.html", 2), "studies/page/2/index.html");
	check_fill(paths_paged("cells/pain/gp/index.html", 12), "cells/pain/gp/page/12/index.html");
	check_fill(paths_paged("index.html", 3), "page/3/index.html");
	/* Extra placeholders stay as written rather than reading past the arguments. */
	check_fill(paths_fill("{}/{}/{}", "a", "b"), "a/b/{}");
	check_fill(paths_fill("x/{}", "a", NULL), "x/a");
	bool has_studies = false;
	for (size_t i = 0; paths_reserved[i]; i++)
		has_studies |= strcmp(paths_reserved[i], "studies") == 0;
	CHECK(has_studies);
	TEST_MAIN_END();
}
