/* The model: a broken record leaves the rest loaded (so later checks run),
 * drafts are set apart unless asked for, studies and cells count what
 * loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/model.h"
#include "test.h"

static char dir[] = "/tmp/gapmap-test-model.XXXXXX";

static void put(const char *rel, const char *text)
{
	char *path = path_join(dir, rel);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(path);
}

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	char *studies = path_join(dir, "studies");
	mkdir(studies, 0755);
	put("site.yaml", "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	                 "  outcome: { label: Outcome, required: true, codes: [ {id: pain, label: Pain} ] }\n"
	                 "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	put("studies/a.yaml", "title: A\nyear: 2020\nadded: 2024-01-01\noutcome: pain\nsetting: gp\n");
	put("studies/b.yaml", "title: B\nyear: 2021\nadded: 2024-01-01\noutcome: pain\nstudy: a\n");
	put("studies/broken.yaml", "title: Broken\nyear: twenty\nadded: 2024-01-01\noutcome: pain\n");
	put("studies/draft.yaml", "title: D\nyear: 2022\nadded: 2024-01-01\ndraft: true\n");

	diag *d = diag_new();
	model *m = model_open(dir, NULL, d);
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
	CHECK(model_load(dir, d2) == NULL && d2->errors == 1);
	diag_free(d2);

	/* Drafts asked for count like any record. */
	char *broken = path_join(dir, "studies/broken.yaml");
	remove(broken);
	free(broken);
	diag *d3 = diag_new();
	m = model_open(dir, &(model_opts){true}, d3);
	CHECK(m && d3->errors == 0 && m->nrecs == 3 && m->ndrafts == 0 && m->nstudies == 2);
	CHECK(m && m->nfailed == 0);
	model_free(m);
	m = model_load(dir, d3);
	CHECK(m && m->nrecs == 2 && m->ndrafts == 1);
	model_free(m);
	diag_free(d3);
	diag_free(d);
	free(studies);
	TEST_MAIN_END();
}
