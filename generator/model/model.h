/* model: the evidence map in memory — the site's configuration, every
 * record, records grouped into studies, the map's cells and the studies of
 * every code — built from a content folder and checked as a whole.
 *
 * Counting unit: a study. Records that name another record with `study:`
 * are further reports of it; a study carries the union of its reports'
 * codes and appears once in every cell and list.
 *
 * Drafts (`draft: true`, records not yet coded) are loaded and checked
 * but kept apart from the map, in drafts[], unless model_opts.drafts asks
 * for them to count like any other record.
 *
 * Ownership: model_open and model_load return a model the caller releases
 * with model_free; it owns the cfg_site, the records, the drafts and every
 * index array. */
#ifndef GM_MODEL_H
#define GM_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "load/config.h"
#include "core/diag.h"
#include "load/note.h"
#include "load/record.h"

typedef struct study {
	size_t primary;   /* record index of the first report */
	size_t *reports;  /* record indices, primary first, then by year and id */
	size_t nreports;
	rec_codes *codes; /* per facet: union over reports, in the facet's code order */
	long year;        /* the primary report's year */
} study;

typedef struct page {
	char *slug;
	char *file; /* "pages/<slug>.md" */
	char *title;
	char *description;
	long menu; /* position in the menu; 0 = not in the menu */
	char *html;
	note_link *links; /* relative links, checked against the site */
	size_t nlinks;
} page;

typedef struct idx_list {
	size_t *v;
	size_t n;
} idx_list;

typedef struct model {
	cfg_site *site;
	record **recs; /* sorted by id */
	size_t nrecs;
	study *studies; /* newest first, then by id */
	size_t nstudies;
	size_t *study_of; /* record index -> study index */
	page *pages;      /* sorted by menu position, then slug */
	size_t npages;
	idx_list **by_code; /* [facet][code] -> study indices, in study order */
	size_t **reports_by_code; /* [facet][code] -> records carrying the code */
	idx_list *cells;    /* [row code * ncolumn codes + column code] -> study indices */
	size_t ncols;       /* codes of the column facet */
	long year_min, year_max;
	char **file_ids; /* ids of every record file, loaded or not, sorted */
	size_t nfile_ids;
	record **drafts; /* drafts left out of the map, sorted by id */
	size_t ndrafts;
	size_t nfailed; /* record files that could not be loaded (their errors say why) */
	bool borrowed;  /* recs and drafts belong to someone else (model/reuse.h) */
	bool kept;      /* the model itself belongs to model/reuse.h's cache */
	/* While serve writes the data files: the elements they came to last
	 * time (formats/memo.h); NULL otherwise. Not owned. */
	struct fmt_memo *memo;
} model;

typedef struct model_opts {
	bool drafts; /* drafts count like any other record */
	int jobs;    /* threads loading records; 0 = one per core */
} model_opts;

/* A model holding only content_dir's site.yaml (no records yet), for
 * model_open and model/reuse.c to fill; NULL after reporting when site.yaml
 * cannot be used. Free with model_free. */
model *model_new(const char *content_dir, diag *d);

/* Loads and checks content_dir, reporting every problem to d. Returns NULL
 * only when site.yaml cannot be used; otherwise a consistent model of the
 * records and pages that loaded, even when others did not (d->errors and
 * nfailed tell), so that later checks (PRISMA, templates) still run.
 * opts may be NULL (no drafts). */
model *model_open(const char *content_dir, const model_opts *opts, diag *d);

/* The rest of model_open once m->site, the loaded records (m->recs, in
 * any order) and m->file_ids (sorted) are set: pages, checks, studies and
 * indices. For model/reuse.c, which loads the records its own way. */
void model_finish(model *m, const char *content_dir, const model_opts *opts, diag *d);

/* model_open without drafts; NULL when any error was reported. */
model *model_load(const char *content_dir, diag *d);
void model_free(model *m);

size_t model_record_index(const model *m, const char *id);
const idx_list *model_cell(const model *m, size_t row_code, size_t col_code);

/* Studies (through any of their reports) and reports carrying facet's
 * code; counted once when the model is built. */
void model_count_code(const model *m, size_t facet, size_t code, size_t *studies,
                      size_t *reports);

#endif
