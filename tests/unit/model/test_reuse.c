/* Reopening a model with a record cache (serve's rebuilds): only records
 * whose files' fingerprints changed are read again, whatever the order of
 * ids and file names ("ab-c.yaml" sorts before "ab.yaml", id "ab" before
 * "ab-c"); a note goes with its record; a note without a record, or any
 * other name, loads everything. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "model/reuse.h"
#include "test.h"

static const char *const names[] = {"ab-c.md", "ab-c.yaml", "ab.yaml",
                                    "ab0.md",  "ab0.yaml",  "b.yaml"};
#define NNAMES (sizeof names / sizeof *names)

/* Reopens with names' files, fingerprints fp[i]; returns records read. */
static size_t reopen(rec_cache *c, const uint64_t *fp, size_t n, model **out)
{
	model_file files[NNAMES + 1];
	for (size_t i = 0; i < n; i++)
		files[i] = (model_file){(char *)names[i], fp[i]};
	size_t reread = 0;
	diag *d = diag_new();
	*out = model_reopen(fx_dir, NULL, c, files, n, true, &reread, d);
	CHECK(d->errors == 0);
	diag_free(d);
	return reread;
}

static void done(model *m)
{
	if (m && !m->kept)
		model_free(m);
}

int main(void)
{
	CHECK(fx_init());
	fx_mkdir("studies");
	fx_put("site.yaml",
	       "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	       "  outcome: { label: Outcome, required: true, codes: [ {id: pain, label: Pain} ] }\n"
	       "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	const char *rec = "title: %s\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n";
	for (size_t i = 0; i < NNAMES; i++) {
		char *rel = xasprintf("studies/%s", names[i]);
		char *text =
		    strstr(names[i], ".md") ? xstrdup("A note.\n") : xasprintf(rec, names[i]);
		fx_put(rel, text);
		free(text);
		free(rel);
	}
	rec_cache *c = rec_cache_new();
	uint64_t fp[NNAMES] = {1, 2, 3, 4, 5, 6};
	model *m;
	CHECK(reopen(c, fp, NNAMES, &m) == 4); /* the first time, every record */
	CHECK(m && m->nrecs == 4 && !strcmp(m->recs[0]->id, "ab") && m->recs[1]->note_html &&
	      !strcmp(m->recs[1]->id, "ab-c"));
	done(m);

	/* Nothing changed: nothing read, the same records. */
	CHECK(reopen(c, fp, NNAMES, &m) == 0);
	CHECK(m && m->nrecs == 4 && !strcmp(m->recs[3]->id, "b"));
	done(m);

	/* One note: its record only. */
	fx_put("studies/ab-c.md", "Another note.\n");
	fp[0] = 11;
	CHECK(reopen(c, fp, NNAMES, &m) == 1);
	CHECK(m && m->nrecs == 4 && m->recs[1]->note_html &&
	      strstr(m->recs[1]->note_html, "Another note."));
	done(m);

	/* One record, out of the ids' order in file names. */
	fx_put("studies/ab.yaml", "title: Changed\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n");
	fp[2] = 13;
	CHECK(reopen(c, fp, NNAMES, &m) == 1);
	CHECK(m && !strcmp(m->recs[0]->id, "ab") && !strcmp(m->recs[0]->title, "Changed"));
	done(m);

	/* A record gone: the rest kept. */
	CHECK(reopen(c, fp, NNAMES - 1, &m) == 0);
	CHECK(m && m->nrecs == 3);
	done(m);

	/* A note without its record: everything is loaded afresh. */
	model_file odd[] = {{"ab-c.md", 11}, {"ab-c.yaml", 2}, {"zz.md", 7}};
	size_t reread = 0;
	diag *d = diag_new();
	m = model_reopen(fx_dir, NULL, c, odd, 3, true, &reread, d);
	CHECK(reread == 1);                        /* every record file listed */
	CHECK(m && m->nrecs == 4 && !m->borrowed); /* model_open: the folder's */
	diag_free(d);
	done(m);

	rec_cache_free(c);
	fx_rm_rf(fx_dir);
	TEST_MAIN_END();
}
