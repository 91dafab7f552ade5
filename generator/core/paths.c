#include "core/paths.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *const paths_study_pattern = "studies/{}/index.html";
const char *const paths_facet_pattern = "{}/index.html";
const char *const paths_code_pattern = "{}/{}/index.html";
const char *const paths_cell_pattern = "cells/{}/{}/index.html";
const char *const paths_page_pattern = "{}/index.html";
const char *const paths_paged_pattern = "{}page/{}/index.html";

const char *const paths_reserved[] = {"studies", "data",     "assets",   "cells",
                                      "prisma",  "overview", "feed.xml", "sitemap.xml",
                                      "404",     "index",    NULL};

char *paths_fill(const char *pattern, const char *a, const char *b)
{
	buf out = BUF_INIT;
	const char *args[] = {a, b};
	size_t next = 0;
	for (const char *p = pattern; *p;) {
		if (p[0] == '{' && p[1] == '}' && next < 2 && args[next]) {
			buf_puts(&out, args[next++]);
			p += 2;
		} else {
			buf_putc(&out, *p++);
		}
	}
	return buf_detach(&out);
}

char *paths_study(const char *id)
{
	return paths_fill(paths_study_pattern, id, NULL);
}

char *paths_facet(const char *facet_path)
{
	return paths_fill(paths_facet_pattern, facet_path, NULL);
}

char *paths_code(const char *facet_path, const char *code)
{
	return paths_fill(paths_code_pattern, facet_path, code);
}

char *paths_cell(const char *row_code, const char *column_code)
{
	return paths_fill(paths_cell_pattern, row_code, column_code);
}

char *paths_page(const char *slug)
{
	return paths_fill(paths_page_pattern, slug, NULL);
}

char *paths_paged(const char *first, size_t n)
{
	if (n <= 1)
		return xstrdup(first);
	size_t len = strlen(first);
	size_t idx = strlen(PATHS_INDEX);
	char *folder = xstrndup(first, len >= idx ? len - idx : len);
	char *num = xasprintf("%zu", n);
	char *p = paths_fill(paths_paged_pattern, folder, num);
	free(folder);
	free(num);
	return p;
}
