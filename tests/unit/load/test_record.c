/* Records: fields, facet codes checked against site.yaml, findings, notes,
 * DOI and URL rules, and whole-folder checks in the model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/config.h"
#include "model/model.h"
#include "load/record.h"
#include "fixture.h"
#include "test.h"

static bool has_message(diag *d, const char *file, int line, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].file, file) == 0 && (line == 0 || d->items[i].line == line) &&
		    strstr(d->items[i].message, text))
			return true;
	for (size_t i = 0; i < d->count; i++)
		printf("  (have %s:%d:%d %s)\n", d->items[i].file, d->items[i].line, d->items[i].col,
		       d->items[i].message);
	return false;
}

static record *load(const cfg_site *s, const char *text, diag *d)
{
	fx_put("studies/r.yaml", text);
	char *p = path_join(fx_dir, "studies/r.yaml"), *np = path_join(fx_dir, "studies/r.md");
	record *r = rec_load(s, p, "studies/r.yaml", "r", np, "studies/r.md", d);
	free(p);
	free(np);
	return r;
}

int main(void)
{
	CHECK(fx_init());
	char *studies = path_join(fx_dir, "studies");
	mkdir(studies, 0755);
	fx_put("site.yaml", "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	                 "  outcome:\n    label: Outcome\n    required: true\n    groups:\n"
	                 "      - { id: health, label: Health, codes: [ {id: pain, label: Pain}, {id: mood, label: Mood} ] }\n"
	                 "  setting: { label: Setting, multiple: false, codes: [ {id: gp, label: GP}, {id: library, label: Library} ] }\n");
	diag *d = diag_new();
	char *sp = path_join(fx_dir, "site.yaml");
	cfg_site *s = cfg_load(sp, "site.yaml", d);
	free(sp);
	CHECK(s != NULL && d->errors == 0);

	record *r = load(s, "title: A study\nauthors: [\"Smith, A.\", \"Jones, B.\"]\nyear: 2020\n"
	                    "doi: https://doi.org/10.1000/ABC\nurl: https://example.org/a\n"
	                    "added: 2024-02-29\noutcome: [pain, mood]\nsetting: gp\nsample_size: 40\n"
	                    "findings:\n  - { outcome: pain, direction: improved, detail: Less pain. }\n",
	                 d);
	CHECK(r != NULL && d->errors == 0);
	if (r) {
		CHECK_STR(r->title, "A study");
		CHECK(r->nauthors == 2);
		CHECK(r->year == 2020);
		CHECK_STR(r->doi, "10.1000/abc");
		CHECK_STR(r->type, "article");
		CHECK(r->codes[0].n == 2 && r->codes[0].idx[1] == 1);
		CHECK(r->codes[1].n == 1 && r->codes[1].idx[0] == 0);
		CHECK(r->sample_size == 40);
		CHECK(r->nfindings == 1 && r->findings[0].direction == REC_IMPROVED);
		CHECK(r->note_html == NULL);
		CHECK(rec_has_code(r, 0, 1) && !rec_has_code(r, 1, 1));
	}
	rec_free(r);

	/* A note is rendered safely. */
	fx_put("studies/r.md", "Found *this*.\n\n<script>x()</script>\n\n[x](javascript:alert(1))\n");
	r = load(s, "title: T\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n", d);
	CHECK(r && r->note_html);
	if (r) {
		CHECK_CONTAINS(r->note_html, "<em>this</em>");
		CHECK(!strstr(r->note_html, "<script>"));
		CHECK(!strstr(r->note_html, "javascript:"));
		CHECK_STR(r->note_text, "Found this. x");
	}
	rec_free(r);
	char *md = path_join(fx_dir, "studies/r.md");
	unlink(md);
	free(md);

	/* Every problem of one record at once, each at its place. */
	diag_free(d);
	d = diag_new();
	r = load(s, "titel: T\nyear: twenty\nadded: 2024-02-30\noutcome: [pian, health]\n"
	            "setting: [gp, library]\ndoi: not-a-doi\nurl: javascript:alert(1)\ntype: jurnal\n"
	            "findings:\n  - { outcome: mood, direction: better }\n",
	         d);
	CHECK(r == NULL);
	CHECK(has_message(d, "studies/r.yaml", 1, "unknown field \"titel\" in a record; did you mean \"title\"?"));
	CHECK(has_message(d, "studies/r.yaml", 1, "missing required field \"title\""));
	CHECK(has_message(d, "studies/r.yaml", 2, "\"year\" should be a whole number, not \"twenty\""));
	CHECK(has_message(d, "studies/r.yaml", 3, "should be a date written YYYY-MM-DD, not \"2024-02-30\""));
	CHECK(has_message(d, "studies/r.yaml", 4, "unknown outcome code \"pian\"; did you mean \"pain\"?"));
	CHECK(has_message(d, "studies/r.yaml", 4, "\"health\" is a group of outcome codes"));
	CHECK(has_message(d, "studies/r.yaml", 5, "\"setting\" takes one code, not 2"));
	CHECK(has_message(d, "studies/r.yaml", 6, "is not a DOI"));
	CHECK(has_message(d, "studies/r.yaml", 7, "url must be an http, https or mailto address"));
	CHECK(has_message(d, "studies/r.yaml", 8, "did you mean \"journal\"") ||
	      has_message(d, "studies/r.yaml", 8, "type \"jurnal\" should be one of"));
	CHECK(has_message(d, "studies/r.yaml", 10, "finding for outcome \"mood\", which the record does not list"));
	CHECK(has_message(d, "studies/r.yaml", 10, "direction \"better\" should be one of"));

	/* Required facet missing; a list where a value belongs. */
	diag_free(d);
	d = diag_new();
	r = load(s, "title: [a, b]\nyear: 2020\nadded: 2024-01-01\n", d);
	CHECK(r == NULL);
	CHECK(has_message(d, "studies/r.yaml", 1, "missing required field \"outcome\""));
	CHECK(has_message(d, "studies/r.yaml", 1, "\"title\" should be a single value, not a list"));

	/* DOI forms and URL rules. */
	char *doi = rec_normalise_doi("doi:10.1177/2049463724");
	CHECK_STR(doi, "10.1177/2049463724");
	free(doi);
	doi = rec_normalise_doi("  https://dx.doi.org/10.1/X ");
	CHECK_STR(doi, "10.1/x");
	free(doi);
	CHECK(rec_normalise_doi("11.1/x") == NULL);
	CHECK(rec_normalise_doi("10.1/x y") == NULL);
	CHECK(rec_url_allowed("https://example.org/x?a=1"));
	CHECK(rec_url_allowed("mailto:a@example.org"));
	CHECK(!rec_url_allowed("javascript:alert(1)"));
	CHECK(!rec_url_allowed("data:text/html,x"));
	CHECK(!rec_url_allowed("https://x.org/\"onmouseover=1"));
	cfg_free(s);
	diag_free(d);

	/* The whole folder: reports of one study, duplicate DOIs, missing links,
	 * notes without records, bad file names. */
	fx_put("studies/r.yaml", "title: First\nyear: 2018\nadded: 2024-01-01\noutcome: pain\nsetting: gp\ndoi: 10.1/a\n");
	fx_put("studies/r2.yaml", "title: Second\nyear: 2019\nadded: 2024-01-01\noutcome: mood\nsetting: library\nstudy: r\n");
	fx_put("studies/s.yaml", "title: Other\nyear: 2021\nadded: 2024-01-01\noutcome: pain\nsetting: gp\n");
	d = diag_new();
	model *m = model_load(fx_dir, d);
	CHECK(m != NULL && d->errors == 0);
	if (m) {
		CHECK(m->nrecs == 3 && m->nstudies == 2);
		CHECK_STR(m->recs[m->studies[0].primary]->id, "s"); /* newest first */
		const study *st = &m->studies[1];
		CHECK(st->nreports == 2);
		CHECK(st->codes[0].n == 2);              /* union of the reports' outcomes */
		CHECK(model_cell(m, 0, 0)->n == 2);      /* pain x gp: r and s */
		CHECK(model_cell(m, 1, 1)->n == 1);      /* mood x library: via report r2 */
		CHECK(model_cell(m, 1, 0)->n == 1);      /* mood x gp: the study carries both */
		CHECK(model_cell(m, 0, 1)->n == 1);
		size_t ns, nr;
		model_count_code(m, 0, 0, &ns, &nr);
		CHECK(ns == 2 && nr == 2);
		CHECK(m->year_min == 2018 && m->year_max == 2021);
	}
	model_free(m);
	diag_free(d);

	fx_put("studies/t.yaml", "title: Dup\nyear: 2021\nadded: 2024-01-01\noutcome: pain\ndoi: https://doi.org/10.1/A\nstudy: nothere\n");
	fx_put("studies/orphan.md", "note\n");
	fx_put("studies/Bad_Name.yaml", "title: x\n");
	fx_put("studies/u.yaml", "title: Loop\nyear: 2021\nadded: 2024-01-01\noutcome: pain\nstudy: v\n");
	fx_put("studies/v.yaml", "title: Loop\nyear: 2021\nadded: 2024-01-01\noutcome: pain\nstudy: u\n");
	d = diag_new();
	m = model_load(fx_dir, d);
	CHECK(m == NULL);
	CHECK(has_message(d, "studies/t.yaml", 5, "duplicate DOI 10.1/a: studies/r.yaml has it too"));
	CHECK(has_message(d, "studies/t.yaml", 6, "study \"nothere\" does not exist"));
	CHECK(has_message(d, "studies/orphan.md", 0, "note without a record"));
	CHECK(has_message(d, "studies/Bad_Name.yaml", 0, "is not a valid record id"));
	CHECK(has_message(d, "studies/u.yaml", 5, "in a circle"));
	diag_free(d);

	system("rm -rf /tmp/gapmap-test-record.*");
	free(studies);
	TEST_MAIN_END();
}
