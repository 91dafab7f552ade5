/* history: a study is placed in the update its earliest report's added:
 * date falls into, the latest update's studies are new, the last search is
 * the latest update that names one, and a withdrawn id that still has a
 * record is an error at site.yaml. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "model/history.h"
#include "model/model.h"
#include "test.h"

#define SITE_HEAD                                                                                  \
	"title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"                            \
	"  outcome: { label: Outcome, codes: [ {id: pain, label: Pain} ] }\n"                      \
	"  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n"

/* The study whose primary report has the given id. */
static size_t study_of(const model *m, const char *id)
{
	size_t r = model_record_index(m, id);
	for (size_t i = 0; i < m->nstudies; i++)
		for (size_t k = 0; k < m->studies[i].nreports; k++)
			if (m->studies[i].reports[k] == r)
				return i;
	return (size_t)-1;
}

int main(void)
{
	CHECK(fx_init());
	char *studies = path_join(fx_dir, "studies");
	mkdir(studies, 0755);
	fx_put("site.yaml",
	       SITE_HEAD "updates:\n"
	                 "  - { version: \"1.0\", date: 2024-01-10, searched: 2023-12-01 }\n"
	                 "  - { version: \"1.1\", date: 2024-03-01, searched: 2024-02-15 }\n"
	                 "  - { version: \"1.2\", date: 2024-06-01 }\n");
	/* a: in 1.0 (on the day); b: a later report of a, added in 1.2, does
	 * not move the study; c: the day after 1.0 is 1.1; d: in 1.2, new;
	 * e: after the latest update, in none; f: its later report is read
	 * first by id order, but the earlier added: wins. */
	fx_put("studies/a.yaml", "title: A\nyear: 2020\nadded: 2024-01-10\noutcome: pain\n");
	fx_put("studies/b.yaml",
	       "title: B\nyear: 2021\nadded: 2024-05-01\noutcome: pain\nstudy: a\n");
	fx_put("studies/c.yaml", "title: C\nyear: 2020\nadded: 2024-01-11\noutcome: pain\n");
	fx_put("studies/d.yaml", "title: D\nyear: 2020\nadded: 2024-06-01\noutcome: pain\n");
	fx_put("studies/e.yaml", "title: E\nyear: 2020\nadded: 2024-06-02\noutcome: pain\n");
	fx_put("studies/f.yaml", "title: F\nyear: 2019\nadded: 2024-04-01\noutcome: pain\n");
	fx_put("studies/f2.yaml",
	       "title: F2\nyear: 2018\nadded: 2023-01-01\noutcome: pain\nstudy: f\n");

	diag *d = diag_new();
	model *m = model_open(fx_dir, NULL, d);
	CHECK(m != NULL && d->errors == 0 && m->nstudies == 5);
	if (m && m->nstudies == 5) {
		size_t a = study_of(m, "a"), c = study_of(m, "c"), dd = study_of(m, "d"),
		       e = study_of(m, "e"), f = study_of(m, "f");
		CHECK(a == study_of(m, "b") && f == study_of(m, "f2"));
		CHECK_STR(history_study_added(m, a), "2024-01-10");
		CHECK(history_study_update(m, a) == 0);
		CHECK(!history_study_is_new(m, a));
		CHECK(history_study_update(m, c) == 1);
		CHECK(history_study_update(m, dd) == 2);
		CHECK(history_study_is_new(m, dd));
		CHECK(history_study_update(m, e) == HISTORY_NONE);
		CHECK(!history_study_is_new(m, e));
		CHECK_STR(history_study_added(m, f), "2023-01-01");
		CHECK(history_study_update(m, f) == 0);
		/* 1.2 names no search: the last one is 1.1's. */
		CHECK_STR(history_last_search(m), "2024-02-15");
		history_check(m, d);
		CHECK(d->errors == 0);
	}
	model_free(m);
	diag_free(d);

	/* No updates: nothing is new, no study has an update, no last search. */
	fx_put("site.yaml", SITE_HEAD);
	d = diag_new();
	m = model_open(fx_dir, NULL, d);
	CHECK(m && d->errors == 0 && m->nstudies == 5);
	if (m && m->nstudies == 5) {
		size_t dd = study_of(m, "d");
		CHECK(history_study_update(m, dd) == HISTORY_NONE);
		CHECK(!history_study_is_new(m, dd));
		CHECK(history_last_search(m) == NULL);
		history_check(m, d);
		CHECK(d->errors == 0);
	}
	model_free(m);
	diag_free(d);

	/* Withdrawn entries. */
	fx_remove("studies/b.yaml");
	fx_remove("studies/c.yaml");
	fx_remove("studies/d.yaml");
	fx_remove("studies/e.yaml");
	fx_remove("studies/f2.yaml");
	fx_put("site.yaml", SITE_HEAD "updates:\n"
	                              "  - { version: \"1.0\", date: 2024-01-10 }\n"
	                              "  - version: \"2.0\"\n"
	                              "    date: 2024-03-01\n"
	                              "    withdrawn:\n"
	                              "      - { id: gone-2010, reason: Retracted. }\n"
	                              "      - { id: a, reason: Duplicate. }\n"
	                              "      - { id: f, reason: Out of scope. }\n");
	d = diag_new();
	m = model_open(fx_dir, NULL, d);
	CHECK(m != NULL);
	if (m) {
		CHECK(m->nstudies == 2);
		CHECK(history_last_search(m) == NULL);
		/* Withdrawn ids that still have a record: one error each, at the
		 * entry; one without a record is fine. */
		size_t before = d->errors;
		history_check(m, d);
		CHECK(d->errors == before + 2);
		diag_sort(d);
		buf out = {0};
		for (size_t i = 0; i < d->count; i++) {
			diag_format(&d->items[i], &out);
			buf_putc(&out, '\n');
		}
		CHECK_CONTAINS(out.data,
		               "site.yaml:12:9: error: \"a\" is listed as withdrawn in version 2.0 "
		               "but still has a record (studies/a.yaml): remove the record or the "
		               "entry\n");
		CHECK_CONTAINS(out.data, "site.yaml:13:9: error: \"f\" is listed as withdrawn in "
		                         "version 2.0 but still has a record (studies/f.yaml)");
		CHECK(!strstr(out.data ? out.data : "", "gone-2010"));
		buf_free(&out);
	}
	model_free(m);
	diag_free(d);

	fx_remove("studies/a.yaml");
	fx_remove("studies/f.yaml");
	fx_remove("site.yaml");
	rmdir(studies);
	rmdir(fx_dir);
	free(studies);
	TEST_MAIN_END();
}
