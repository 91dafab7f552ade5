/* record: one included report, read from studies/<id>.yaml, with its note
 * from studies/<id>.md. Two shapes of it:
 *
 *   rec_src  the fields as written, plain strings with where each was
 *            written: what rec_read makes of a YAML file, and what an
 *            importer builds in memory;
 *   record   the checked record the site is made from: rec_check (in
 *            load/rules.h) turns a rec_src into one, with the same rules
 *            and messages whoever made the rec_src.
 *
 * This module reads (YAML shape, types); load/rules checks what one record
 * can tell by itself (required fields, ranges, facet codes, URLs); checks
 * across records (duplicate DOIs, links between reports) belong to model.
 *
 * Ownership: rec_read returns a rec_src released with rec_src_free;
 * rec_load returns a record released with rec_free; every string and
 * array inside either belongs to it. */
#ifndef GM_RECORD_H
#define GM_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "load/config.h"
#include "core/diag.h"
#include "load/note.h"
#include "load/yml.h"

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

/* Where a field was written, for diagnostics raised after loading. */
typedef struct rec_pos {
	int line, col;
} rec_pos;

typedef struct rec_finding {
	size_t code; /* a code of the map's row facet */
	rec_direction direction;
	char *detail; /* may be NULL */
} rec_finding;

/* The fields a record may have, in the order the YAML writer puts them;
 * rec_keys[] spells them. Facet fields come after these, by facet. */
typedef enum rec_key {
	RK_TITLE,
	RK_AUTHORS,
	RK_YEAR,
	RK_TYPE,
	RK_PUBLISHED_IN,
	RK_PUBLISHER,
	RK_VOLUME,
	RK_ISSUE,
	RK_PAGES,
	RK_DOI,
	RK_URL,
	RK_ADDED,
	RK_UPDATED,
	RK_STUDY,
	RK_POPULATION,
	RK_INTERVENTION,
	RK_COMPARISON,
	RK_SAMPLE,
	RK_SAMPLE_SIZE,
	RK_SUMMARY,
	RK_FINDINGS,
	RK_DRAFT,
	RK_EPPI_ID,
	RK_ABSTRACT,
	RK_COUNT
} rec_key;

extern const char *const rec_keys[RK_COUNT];

typedef struct rec_src_codes {
	char **ids; /* as written; checked against the facet by rec_check */
	rec_pos *at; /* where each was written */
	size_t n;
	size_t written; /* entries written, readable or not (n counts the readable) */
	bool given;     /* the field was written (not absent or null) */
	rec_pos list_at; /* the field's value */
} rec_src_codes;

typedef struct rec_src_finding {
	char *code, *direction, *detail; /* direction and detail may be NULL */
	rec_pos code_at, direction_at;
} rec_src_finding;

/* A record as written. NULL strings are fields not given. Positions of
 * fields not given (or not from a file) are {0, 0}; messages about them
 * then point at `at`, the record itself. */
typedef struct rec_src {
	char *id;
	char *file; /* label for diagnostics: "studies/<id>.yaml", or the import file */
	rec_pos at;
	char *title;
	char **authors;
	size_t nauthors;
	bool has_year;
	long long year;
	char *type, *published_in, *publisher, *volume, *issue, *pages, *doi, *url, *added,
		*updated, *study, *population, *intervention, *comparison, *sample, *summary;
	bool has_sample_size;
	long long sample_size;
	bool draft;
	char *eppi_id; /* EPPI-Reviewer ItemId the record was imported from, or NULL */
	char *abstract; /* Markdown, or NULL */
	rec_src_codes *codes; /* one per facet of the site, in the site's order */
	size_t ncodes;
	rec_src_finding *findings;
	size_t nfindings;
	rec_pos key_at[RK_COUNT]; /* where each field's value was written */
} rec_src;

/* An empty rec_src for site (codes allocated, all empty). */
rec_src *rec_src_new(const cfg_site *site, const char *id, const char *file);
void rec_src_free(rec_src *s);
/* Sets *field to a copy of value (NULL clears it). */
void rec_src_set(char **field, const char *value);
/* Appends a code id to facet f. */
void rec_src_add_code(rec_src *s, size_t f, const char *code);
void rec_src_add_author(rec_src *s, const char *name);

/* Reads a parsed YAML record into a rec_src, reporting what is the wrong
 * shape (a list where one value belongs, a year that is not a number,
 * unknown fields). Returns NULL when the root is not a mapping. */
rec_src *rec_read(const cfg_site *site, const yml_node *root, const char *label,
                  const char *id, bool *ok, diag *d);

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
	char *updated; /* YYYY-MM-DD the record was recoded (not before added), or NULL */
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
	bool draft;     /* not yet coded: left out of the site unless drafts are asked for */
	char *eppi_id;  /* EPPI-Reviewer ItemId, or NULL */
} record;

extern const char *const rec_direction_names[]; /* indexed by rec_direction */

/* Loads studies/<id>.yaml: reads the file, rec_read, rec_check, and the
 * note. path is where to read; label the name for diagnostics
 * ("studies/x.yaml"); id the file's base name. note_path may be NULL.
 * Returns NULL after reporting when the record is unusable. */
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
/* Its spellings (compared without case), NULL-terminated. */
extern const char *const rec_et_al[];

#endif
