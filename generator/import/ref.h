/* ref: one reference as an import file gives it, before it becomes a
 * record: the shared shape every import parser fills (RIS, BibTeX, CSV,
 * EPPI-Reviewer JSON), with the file and line it came from.
 *
 * Ownership: a refs list owns its refs and every string in them; release
 * with refs_free. */
#ifndef GM_IMPORT_REF_H
#define GM_IMPORT_REF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct imp_ref {
	const char *file; /* label of the import file (owned by the caller) */
	int line;         /* where the reference starts; 0 when unknown */
	char *title, *journal, *publisher, *volume, *issue, *pages, *doi, *url, *abstract;
	char *type;    /* a gapmap record type (article, report, ...), or NULL */
	char *eppi_id; /* EPPI-Reviewer ItemId, or NULL */
	long year;     /* 0 when not given */
	char **authors; /* "Family, Given" */
	size_t nauthors;
	char **codes; /* EPPI AttributeIds, or codes named by a spreadsheet column */
	size_t ncodes;
	char **code_facets; /* for spreadsheets: the facet of each code (NULL for EPPI) */
} imp_ref;

typedef struct imp_refs {
	imp_ref *v;
	size_t n;
} imp_refs;

/* Appends an empty reference at file:line and returns it. */
imp_ref *refs_add(imp_refs *l, const char *file, int line);
void refs_free(imp_refs *l);

/* Sets *field to a trimmed copy of value (an empty value clears it). */
void ref_set(char **field, const char *value);
/* Adds a name (trimmed; "et al." and empty names are dropped). */
void ref_add_author(imp_ref *r, const char *name);
/* "Smith JA" (MEDLINE style, as PubMed-derived exports have it) ->
 * "Smith, J. A."; other names are kept as they are. Caller frees. */
char *ref_author_name(const char *v);
/* Adds a code (facet may be NULL). */
void ref_add_code(imp_ref *r, const char *facet, const char *code);
/* The first run of four digits in s read as a year (1000..2999), or 0. */
long ref_year(const char *s);

#endif
