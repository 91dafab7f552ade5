/* The model: a broken record leaves the rest loaded (so later checks run),
 * drafts are set apart unless asked for, studies and cells count what
 * loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/model.h"
#include "fixture.h"
#include "test.h"

/* Every message of d, sorted and formatted, one a line. */
static char *messages(diag *d)
{
	diag_sort(d);
	buf b = BUF_INIT;
	for (size_t i = 0; i < d->count; i++) {
		diag_format(&d->items[i], &b);
		buf_putc(&b, '\n');
	}
	return buf_detach(&b);
}

/* Loaded by one thread or several, the same records in the same order and
 * the same messages in the same order (records are loaded in chunks). */
static void same_whatever_jobs(void)
{
	for (int i = 0; i < 300; i++) {
		char name[64], text[256];
		snprintf(name, sizeof name, "studies/r%03d.yaml", i);
		snprintf(text, sizeof text,
		         "title: R%d\nyear: %s\nadded: 2024-01-01\noutcome: %s\nsetting: gp\n", i,
		         i % 7 ? "2020" : "soon", i % 11 ? "pain" : "pian");
		fx_put(name, text);
		snprintf(name, sizeof name, "studies/r%03d.md", i);
		fx_put(name, i % 5 ? "Found *this*.\n" : "What the study found, in your own words.\n");
	}
	char *out[2];
	size_t nrecs[2], errors[2];
	char *ids[2];
	for (int k = 0; k < 2; k++) {
		diag *d = diag_new();
		model *m = model_open(fx_dir, &(model_opts){.jobs = k ? 3 : 1}, d);
		CHECK(m != NULL);
		out[k] = messages(d);
		errors[k] = d->errors;
		nrecs[k] = m ? m->nrecs : 0;
		buf b = BUF_INIT;
		for (size_t i = 0; m && i < m->nrecs; i++)
			buf_printf(&b, "%s ", m->recs[i]->id);
		ids[k] = buf_detach(&b);
		model_free(m);
		diag_free(d);
	}
	CHECK(errors[0] > 40 && errors[0] == errors[1]);
	CHECK(nrecs[0] > 200 && nrecs[0] == nrecs[1]);
	CHECK_STR(out[0], out[1]);
	CHECK_STR(ids[0], ids[1]);
	for (int k = 0; k < 2; k++) {
		free(out[k]);
		free(ids[k]);
	}
}

int main(void)
{
	CHECK(fx_init());
	char *studies = path_join(fx_dir, "studies");
	mkdir(studies, 0755);
	fx_put("site.yaml",
	    "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	    "  outcome: { label: Outcome, required: true, codes: [ {id: pain, label: Pain} ] }\n"
	    "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	fx_put("studies/a.yaml",
	    "title: A\nyear: 2020\nadded: 2024-01-01\noutcome: pain\nsetting: gp\n");
	fx_put("studies/b.yaml", "title: B\nyear: 2021\nadded: 2024-01-01\noutcome: pain\nstudy: a\n");
	fx_put("studies/broken.yaml",
	    "title: Broken\nyear: twenty\nadded: 2024-01-01\noutcome: pain\n");
	fx_put("studies/draft.yaml", "title: D\nyear: 2022\nadded: 2024-01-01\ndraft: true\n");

	diag *d = diag_new();
	model *m = model_open(fx_dir, NULL, d);
	CHECK(m != NULL);
	CHECK(d->errors == 1);
	if (m) {
		CHECK(m->nrecs == 2);
		CHECK(m->nfailed == 1);
		CHECK(m->ndrafts == 1 && m->drafts[0]->draft);
		CHECK(m->nstudies == 1);
		CHECK(m->studies[0].nreports == 2);
		CHECK(model_cell(m, 0, 0)->n == 1);
		CHECK(model_record_index(m, "draft") == CFG_NONE);
	}
	model_free(m);
	/* model_load keeps its all-or-nothing contract. */
	diag *d2 = diag_new();
	CHECK(model_load(fx_dir, d2) == NULL && d2->errors == 1);
	diag_free(d2);

	/* Drafts asked for count like any record. */
	char *broken = path_join(fx_dir, "studies/broken.yaml");
	remove(broken);
	free(broken);
	diag *d3 = diag_new();
	m = model_open(fx_dir, &(model_opts){.drafts = true}, d3);
	CHECK(m && d3->errors == 0 && m->nrecs == 3 && m->ndrafts == 0 && m->nstudies == 2);
	CHECK(m && m->nfailed == 0);
	model_free(m);
	m = model_load(fx_dir, d3);
	CHECK(m && m->nrecs == 2 && m->ndrafts == 1);
	model_free(m);
	diag_free(d3);
	diag_free(d);
	same_whatever_jobs();
	free(studies);
	TEST_MAIN_END();
}
