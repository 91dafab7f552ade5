/* config: site.yaml — the site's metadata, its facets (controlled
 * vocabularies with codes in optional groups) and the map's axes.
 *
 * Facets are data: nothing here or elsewhere in the generator knows a facet
 * or code by name. Indices into facets, codes and groups are stable for the
 * life of a cfg_site and are how the rest of the program refers to them.
 *
 * Ownership: cfg_load returns a cfg_site the caller releases with
 * cfg_free; every string inside belongs to it. */
#ifndef GM_CONFIG_H
#define GM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "load/updates.h"

#define CFG_NONE ((size_t)-1)
/* Bounds on a vocabulary: the map is rows x columns cells, each a page. */
#define CFG_MAX_FACETS 64
#define CFG_MAX_CODES 1000
/* Codes of all facets together, and cells of the map (row codes x column
 * codes): each code and each cell is a page, so these bound a build's time
 * and memory whatever the vocabulary. */
#define CFG_MAX_ALL_CODES 5000
#define CFG_MAX_CELLS 10000
/* Studies per page of a long list (all studies, a code's, a cell's): the
 * default, and the most site.yaml's page_size may ask for. */
#define CFG_PAGE_SIZE 100
#define CFG_MAX_PAGE_SIZE 1000
/* The built-in "year" filter, which is no facet. */
#define CFG_FILTER_YEAR ((size_t)-2)

typedef struct cfg_code {
	char *id;
	char *label;
	char *definition; /* may be NULL */
	size_t group;     /* index into the facet's groups, or CFG_NONE */
	char *provenance; /* where the code came from (e.g. an EPPI AttributeId); may be NULL */
} cfg_code;

typedef struct cfg_group {
	char *id;
	char *label;
	char *definition;
	size_t first; /* codes [first, first + count) of the facet */
	size_t count;
} cfg_group;

typedef struct cfg_facet {
	char *id;
	char *label;
	char *plural;
	char *path; /* URL folder of the facet's pages */
	int path_line, path_col; /* where path (or, by default, the facet) is written */
	char *definition;
	bool required;
	bool multiple;
	bool ordinal; /* the codes form a scale, in the order listed (first to last) */
	cfg_code *codes;
	size_t ncodes;
	cfg_group *groups;
	size_t ngroups;
	const char **code_ids; /* ncodes pointers into codes[].id, for hints */
} cfg_facet;

typedef struct cfg_site {
	char *title;
	char *description;
	char **authors;
	size_t nauthors;
	char *licence;
	char *licence_url;
	char *language;
	char *theme;
	char *url; /* absolute base URL or NULL */
	char *attribution_html; /* rendered CommonMark or NULL */
	cfg_facet *facets;
	size_t nfacets;
	const char **facet_ids;
	size_t rows, columns, segments; /* facet indices; segments may be CFG_NONE */
	size_t *filters;                /* facet indices or CFG_FILTER_YEAR */
	size_t nfilters;
	long thin; /* cells with fewer studies are "thin evidence" */
	cfg_updates updates; /* the map's published updates, oldest first */
	long page_size; /* studies per page of a long list */
} cfg_site;

/* Reads site.yaml from path; label is its name in diagnostics. Returns NULL
 * when it cannot be used at all (after reporting why). */
cfg_site *cfg_load(const char *path, const char *label, diag *d);
void cfg_free(cfg_site *s);

size_t cfg_facet_index(const cfg_site *s, const char *id);
size_t cfg_code_index(const cfg_facet *f, const char *id);
size_t cfg_group_index(const cfg_facet *f, const char *id);

#endif
