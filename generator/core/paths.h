/* paths: the site's URL scheme, the one place that says where a page lives.
 * Every output path is relative to the site's root and ends in index.html for
 * pages (pretty URLs linked by their full path, so file:// works).
 *
 * The patterns are also given to the map's script (formats/mapdata) so it builds
 * the same links without spelling them again: each "{}" is filled, in order,
 * with one argument.
 *
 * Ownership: functions returning char * return a new string the caller frees. */
#ifndef GM_PATHS_H
#define GM_PATHS_H

#include <stddef.h>

#define PATHS_INDEX    "index.html"
#define PATHS_STUDIES  "studies/index.html"
#define PATHS_PRISMA   "prisma/index.html"
#define PATHS_DATA     "data/index.html"
#define PATHS_OVERVIEW "overview/index.html"
#define PATHS_UPDATES "updates/index.html"

extern const char *const paths_study_pattern; /* "studies/{}/index.html" */
extern const char *const paths_facet_pattern; /* "{}/index.html": a facet's path */
extern const char *const paths_code_pattern;  /* "{}/{}/index.html": facet path, code */
extern const char *const paths_cell_pattern;  /* "cells/{}/{}/index.html": row, column */
extern const char *const paths_page_pattern;  /* "{}/index.html": a page's slug */
/* Later pages of a long list: the folder of its first page ("studies/",
 * "" for the root), then the page number (2, 3, ...). */
extern const char *const paths_paged_pattern; /* "{}page/{}/index.html" */

/* Top-level names the site's own files use; pages and facet paths may not. */
extern const char *const paths_reserved[];

/* Fills pattern's "{}"s with a, then b (b may be NULL for one-argument patterns). */
char *paths_fill(const char *pattern, const char *a, const char *b);

char *paths_study(const char *id);
char *paths_facet(const char *facet_path);
char *paths_code(const char *facet_path, const char *code);
char *paths_cell(const char *row_code, const char *column_code);
char *paths_page(const char *slug);
/* Page n (1-based) of the list whose first page is first (".../index.html"):
 * first itself for n = 1, else ".../page/<n>/index.html". */
char *paths_paged(const char *first, size_t n);

#endif
