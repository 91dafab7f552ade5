/* record: one included report, read from studies/<id>.yaml, with its note
 * from studies/<id>.md. Checks everything that one file can tell by
 * itself (types, required fields, facet codes, URLs); checks across
 * records (duplicate DOIs, links between reports) belong to model.
 *
 * Ownership: rec_load returns a record the caller releases with rec_free;
 * every string and array inside belongs to the record. */
#ifndef GM_RECORD_H
#define GM_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "load/config.h"
#include "core/diag.h"
#include "load/note.h"

/* The largest record file accepted; a bigger one is a mistake or an attack. */
#define REC_MAX_BYTES (1024 * 1024)

typedef enum rec_direction {
	REC_NOT_REPORTED,
	REC_IMPROVED,
	REC_NO_CHANGE,
	REC_MIXED,
	REC_WORSE,
} rec_direction;

typedef struct rec_codes {
	size_t *idx; /* code indices into the facet, in the order written */
	size_t n;
} rec_codes;

typedef struct rec_finding {
	size_t code; /* a code of the map's row facet */
	rec_direction direction;
	char *detail; /* may be NULL */
} rec_finding;

/* Where a field was written, for diagnostics raised after loading. */
typedef struct rec_pos {
	int line, col;
} rec_pos;

typedef struct record {
	char *id;
	char *file; /* "studies/<id>.yaml", relative to the content folder */
	char *title;
	char **authors;
	size_t nauthors;
	long year;
	char *type; /* article, report, ... */
	char *published_in, *publisher, *volume, *issue, *pages;
	char *doi;  /* normalised: bare, lower case */
	char *url;
	char *added; /* YYYY-MM-DD */
	char *study; /* id of the record this one is a further report of, or NULL */
	char *population, *intervention, *comparison, *sample, *summary;
	long sample_size; /* -1 when not given */
	rec_codes *codes; /* one per facet of the site */
	size_t ncodes;    /* == the site's nfacets */
	rec_finding *findings;
	size_t nfindings;
	char *abstract_html; /* `abstract:` (Markdown) as HTML and as plain text; NULL when none */
	char *abstract_text;
	char *note_html; /* NULL when there is no note */
	char *note_text;
	note_link *note_links; /* relative links in the note, checked against the site */
	size_t nnote_links;
	rec_pos doi_pos, study_pos, id_pos;
} record;

extern const char *const rec_direction_names[]; /* indexed by rec_direction */

/* Loads studies/<id>.yaml. path is where to read; label the name for
 * diagnostics ("studies/x.yaml"); id the file's base name. note_path may
 * be NULL. Returns NULL after reporting when the record is unusable. */
record *rec_load(const cfg_site *site, const char *path, const char *label, const char *id,
                 const char *note_path, const char *note_label, diag *d);
void rec_free(record *r);

/* Normalises a DOI written bare, as doi:..., or as a doi.org URL to the
 * bare lower-case form; NULL when s is not a DOI. Caller frees. */
char *rec_normalise_doi(const char *s);

/* True for http(s) and mailto URLs without spaces, quotes, < > or \: the
 * only links records may carry. (rec_load also accepts doi:10.x/y and
 * stores it as https://doi.org/10.x/y.) */
bool rec_url_allowed(const char *url);

bool rec_has_code(const record *r, size_t facet, size_t code);

/* True for an author entry that stands for unnamed further authors
 * ("et al.", as sources often cite); exports treat it specially. */
bool rec_is_et_al(const char *author);

#endif
