/* The CSV reader: RFC 4180 records, separators, header recognition, --map,
 * --split, codes by id or label. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/csv.h"
#include "test.h"

int main(void)
{
	const char *p = "a,\"b,c\",\"d \"\"q\"\"\ne\"\nnext";
	int line = 1;
	size_t n;
	char **cells = csv_record(&p, ',', &line, &n);
	CHECK(n == 3);
	CHECK_STR(cells[1], "b,c");
	CHECK_STR(cells[2], "d \"q\"\ne");
	CHECK(line == 3);
	CHECK_STR(p, "next");
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);

	char path[] = "/tmp/gapmap-test-csv.XXXXXX";
	int fd = mkstemp(path);
	const char *yaml = "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	                   "  outcome: { label: Outcome, codes: [ {id: pain, label: Pain relief} ] }\n"
	                   "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n";
	CHECK(write(fd, yaml, strlen(yaml)) == (ssize_t)strlen(yaml));
	close(fd);
	diag *d = diag_new();
	cfg_site *site = cfg_load(path, "site.yaml", d);
	remove(path);
	CHECK(site != NULL);

	imp_refs l = {0};
	char *map[] = {"Name=title"};
	csv_opts o = {map, 1, "|"};
	size_t got = csv_parse("s.csv",
	                       "Name\tAuthors\tYear\tOutcome\tsetting\tDOI\n"
	                       "One\tSmith JA|Ng, K.\t2020\tpain relief|PAIN|nope\tgp\t10.1/x\n"
	                       "\t\t\t\t\t\n",
	                       &o, site, &l, d);
	CHECK(got == 1 && l.n == 1);
	if (l.n) {
		imp_ref *r = &l.v[0];
		CHECK_STR(r->title, "One");
		CHECK(r->nauthors == 2);
		CHECK_STR(r->authors[0], "Smith, J. A.");
		CHECK(r->year == 2020);
		CHECK_STR(r->doi, "10.1/x");
		CHECK(r->ncodes == 3); /* pain twice (by label and id), gp */
		CHECK_STR(r->codes[0], "pain");
		CHECK_STR(r->code_facets[0], "outcome");
		CHECK_STR(r->codes[2], "gp");
	}
	CHECK(d->warnings == 1); /* "nope" */
	refs_free(&l);
	cfg_free(site);
	diag_free(d);
	TEST_MAIN_END();
}
