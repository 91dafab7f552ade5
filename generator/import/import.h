/* import: `gapmap import` — turns the references of review-tool exports
 * into records. For each file: decode (import/text), recognise a file of
 * another format, parse (import/ris, import/eppi, ...); then for each
 * reference: repair doubly encoded names, match it against the map's
 * records (EPPI ItemId, else normalised DOI, else normalised title + year)
 * and against the references before it, give it a readable id (first
 * author's family name + year, a letter on clashes), check it with the
 * record rules (load/rules) and write it with the YAML writer. Records
 * that lack codes site.yaml requires are written as drafts.
 *
 * Matches are reported and skipped; --update fills in what a matched
 * record lacks, and --force lets the import replace what it has. Nothing
 * is written with dry_run. The summary says what was created, updated and
 * skipped, and why.
 *
 * Ownership: options are borrowed; the summary goes to report, problems
 * to d. */
#ifndef GM_IMPORT_H
#define GM_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/util.h"

typedef struct import_opts {
	const char *content_dir;
	const char *format; /* ris, bibtex, csv, eppi */
	char *const *files;
	size_t nfiles;
	bool dry_run, force, update;
	const char *rows, *columns, *segments; /* eppi: facets for the map (or NULL) */
	const char *today;                     /* YYYY-MM-DD, the `added` date of new records */
	char *const *map;                      /* csv: "COLUMN=FIELD" each */
	size_t nmap;
	const char *split; /* csv: separator of codes and authors in a cell (NULL: ";") */
} import_opts;

typedef struct import_summary {
	size_t read;      /* references read from the files */
	size_t created;   /* new records (drafts included) */
	size_t drafts;    /* of created: not yet coded */
	size_t updated;   /* existing records changed */
	size_t matched;   /* already in the map and left as they are */
	size_t repeated;  /* the same reference twice in this import */
	size_t invalid;   /* could not become a record (see the diagnostics) */
} import_summary;

/* The formats import_run knows. */
bool import_known_format(const char *format);

/* Returns 0, or 1 when a file could not be read or the content folder is
 * unusable (every reference that could be imported still was). */
int import_run(const import_opts *o, import_summary *s, buf *report, diag *d);

#endif
