/* csv: reads spreadsheets of references (RFC 4180: quoted cells, doubled
 * quotes, line breaks inside quotes; comma, semicolon or tab found from
 * the header). Covidence and Rayyan exports are recognised by their
 * headers; any other sheet by headers named like record fields (title,
 * authors, year, doi, journal, ...) or facets of site.yaml (by id or
 * label), or by --map COLUMN=FIELD. Code columns and author lists are
 * split at --split (default ';'; Rayyan's authors at " and ").
 *
 * Ownership: references are appended to out; file and options are
 * borrowed and must outlive out. */
#ifndef GM_IMPORT_CSV_H
#define GM_IMPORT_CSV_H

#include "core/diag.h"
#include "import/ref.h"
#include "load/config.h"

typedef struct csv_opts {
	char *const *map; /* "COLUMN=FIELD" each */
	size_t nmap;
	const char *split; /* separator of codes and authors; NULL: ";" */
} csv_opts;

/* Returns the number of references read. site may be NULL (no facet
 * columns then). Codes are given as the facet's code ids when a cell names
 * a code by its id or label; others are reported and dropped. */
size_t csv_parse(const char *file, const char *text, const csv_opts *o, const cfg_site *site,
                 imp_refs *out, diag *d);

/* Splits one CSV record at *p (advanced past it) into cells; NULL at the
 * end of the text. *line counts lines. Caller frees the cells and array. */
char **csv_record(const char **p, char sep, int *line, size_t *n);

#endif
