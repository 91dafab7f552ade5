/* Record rules on records built in memory, as an importer builds them:
 * the same rules and messages as for a YAML file, pointing at the record
 * when a field has no position of its own; drafts may lack codes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/rules.h"
#include "test.h"

static bool has(diag *d, int line, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if ((line < 0 || d->items[i].line == line) && strstr(d->items[i].message, text))
			return true;
	for (size_t i = 0; i < d->count; i++)
		printf("  (have %s:%d %s)\n", d->items[i].file, d->items[i].line, d->items[i].message);
	return false;
}

int main(void)
{
	char path[] = "/tmp/gapmap-test-rules.XXXXXX";
	int fd = mkstemp(path);
	const char *yaml = "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	                   "  outcome: { label: Outcome, required: true, codes: [ {id: pain, label: Pain} ] }\n"
	                   "  setting: { label: Setting, multiple: false, codes: [ {id: gp, label: GP}, {id: home, label: Home} ] }\n";
	CHECK(write(fd, yaml, strlen(yaml)) == (ssize_t)strlen(yaml));
	close(fd);
	diag *d = diag_new();
	cfg_site *site = cfg_load(path, "site.yaml", d);
	remove(path);
	CHECK(site != NULL);
	if (!site)
		TEST_MAIN_END();

	/* A good record built in memory. */
	rec_src *s = rec_src_new(site, "smith-2020", "refs.ris");
	s->at = (rec_pos){12, 1};
	rec_src_set(&s->title, "A title");
	s->has_year = true;
	s->year = 2020;
	rec_src_set(&s->added, "2024-01-31");
	rec_src_set(&s->doi, "https://doi.org/10.1/ABC");
	rec_src_set(&s->url, "doi:10.1/ABC");
	rec_src_add_code(s, 0, "pain");
	record *r = rec_check(site, s, d);
	CHECK(r && d->errors == 0);
	if (r) {
		CHECK_STR(r->doi, "10.1/abc");
		CHECK_STR(r->url, "https://doi.org/10.1/abc");
		CHECK_STR(r->type, "article");
		CHECK(r->year == 2020 && r->codes[0].n == 1 && !r->draft);
	}
	rec_free(r);

	/* Every broken rule at once, each at the record's line. */
	s->year = 20200;
	rec_src_set(&s->added, "2023-02-29");
	rec_src_set(&s->type, "artcle");
	rec_src_set(&s->url, "javascript:alert(1)");
	rec_src_add_code(s, 0, "pian");
	rec_src_add_code(s, 1, "gp");
	rec_src_add_code(s, 1, "home");
	r = rec_check(site, s, d);
	CHECK(r == NULL);
	CHECK(has(d, 12, "\"year\" is 20200; it should be between 1000 and 2999"));
	CHECK(has(d, 12, "February 2023 has 28 days"));
	CHECK(has(d, 12, "did you mean \"article\"?"));
	CHECK(has(d, 12, "not a \"javascript:\" link"));
	CHECK(has(d, 12, "unknown outcome code \"pian\"; did you mean \"pain\"?"));
	CHECK(has(d, 12, "\"setting\" takes one code, not 2"));
	rec_src_free(s);

	/* Required fields missing; a draft may lack its codes but not a title. */
	diag *d2 = diag_new();
	s = rec_src_new(site, "x", "refs.ris");
	s->at = (rec_pos){3, 1};
	r = rec_check(site, s, d2);
	CHECK(r == NULL);
	CHECK(has(d2, 3, "missing required field \"title\""));
	CHECK(has(d2, 3, "missing required field \"year\""));
	CHECK(has(d2, 3, "missing required field \"added\""));
	CHECK(has(d2, 3, "missing required field \"outcome\" (a code from site.yaml)"));
	diag_free(d2);
	d2 = diag_new();
	s->draft = true;
	rec_src_set(&s->title, "Draft");
	s->has_year = true;
	s->year = 2021;
	rec_src_set(&s->added, "2024-01-01");
	r = rec_check(site, s, d2);
	CHECK(r && r->draft && d2->errors == 0);
	rec_free(r);
	rec_src_free(s);
	diag_free(d2);
	cfg_free(site);
	diag_free(d);
	TEST_MAIN_END();
}
