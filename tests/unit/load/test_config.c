/* site.yaml: facets, groups, codes and the map's axes, with every problem
 * reported at its position. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/config.h"
#include "test.h"

static char dir[] = "/tmp/gapmap-test-config.XXXXXX";

static cfg_site *load(const char *text, diag *d)
{
	char *path = path_join(dir, "site.yaml");
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	cfg_site *s = cfg_load(path, "site.yaml", d);
	free(path);
	return s;
}

static bool has_message(diag *d, int line, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if ((line == 0 || d->items[i].line == line) && strstr(d->items[i].message, text))
			return true;
	for (size_t i = 0; i < d->count; i++)
		printf("  (have %d:%d %s)\n", d->items[i].line, d->items[i].col, d->items[i].message);
	return false;
}

static const char good[] =
	"title: T\n"
	"map: { rows: outcome, columns: setting, segments: design, filters: [design, year] }\n"
	"facets:\n"
	"  outcome:\n"
	"    label: Outcome\n"
	"    path: outcomes\n"
	"    groups:\n"
	"      - id: health\n"
	"        label: Health\n"
	"        codes:\n"
	"          - { id: pain, label: Pain, definition: How much it hurts. }\n"
	"          - { id: qol, label: Quality of life }\n"
	"      - id: services\n"
	"        label: Services\n"
	"        codes: [ { id: visits, label: Visits } ]\n"
	"  setting:\n"
	"    label: Setting\n"
	"    codes: [ { id: gp, label: GP }, { id: community, label: Community } ]\n"
	"  design:\n"
	"    label: Design\n"
	"    multiple: false\n"
	"    codes: [ { id: rct, label: RCT } ]\n";

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	diag *d = diag_new();
	cfg_site *s = load(good, d);
	CHECK(s != NULL && d->errors == 0);
	CHECK(s->nfacets == 3);
	CHECK_STR(s->facets[0].id, "outcome");
	CHECK_STR(s->facets[0].path, "outcomes");
	CHECK_STR(s->facets[1].path, "setting");       /* defaults to the id */
	CHECK_STR(s->facets[1].plural, "Setting");     /* defaults to the label */
	CHECK(s->facets[0].ncodes == 3 && s->facets[0].ngroups == 2);
	CHECK(s->facets[0].codes[2].group == 1);
	CHECK(s->facets[0].groups[1].first == 2 && s->facets[0].groups[1].count == 1);
	CHECK_STR(s->facets[0].codes[0].definition, "How much it hurts.");
	CHECK(s->rows == 0 && s->columns == 1 && s->segments == 2);
	CHECK(s->nfilters == 2 && s->filters[0] == 2 && s->filters[1] == CFG_FILTER_YEAR);
	CHECK(!s->facets[2].multiple && s->facets[0].multiple);
	CHECK(cfg_code_index(&s->facets[0], "visits") == 2);
	CHECK(cfg_code_index(&s->facets[0], "nope") == CFG_NONE);
	CHECK_STR(s->language, "en");
	CHECK_STR(s->theme, "default");
	CHECK(s->thin == 2);
	cfg_free(s);

	/* Unknown keys with a hint; unknown facets in the map with a hint. */
	diag_free(d);
	d = diag_new();
	s = load("title: T\ndescripton: x\nmap: { rows: outcom, columns: setting }\n"
	         "facets:\n  outcome: { label: O, codes: [ {id: a, label: A} ] }\n"
	         "  setting: { label: S, codes: [ {id: b, label: B} ] }\n",
	         d);
	CHECK(d->errors == 2);
	CHECK(has_message(d, 2, "unknown field \"descripton\" in site.yaml; did you mean \"description\"?"));
	CHECK(has_message(d, 3, "map.rows names unknown facet \"outcom\"; did you mean \"outcome\"?"));
	cfg_free(s);

	/* Codes: duplicates, bad ids, missing labels, both codes and groups. */
	diag_free(d);
	d = diag_new();
	s = load("title: T\nmap: { rows: o, columns: s }\nfacets:\n"
	         "  o: { label: O, codes: [ {id: a, label: A}, {id: a, label: A2}, {id: Bad, label: B}, {id: c} ] }\n"
	         "  s: { label: S, codes: [ {id: b, label: B} ], groups: [] }\n",
	         d);
	CHECK(has_message(d, 4, "code \"a\" is declared twice in facet \"o\""));
	CHECK(has_message(d, 4, "code \"Bad\" is not a valid id"));
	CHECK(has_message(d, 4, "missing required field \"label\""));
	CHECK(has_message(d, 5, "has both \"codes\" and \"groups\""));
	cfg_free(s);

	/* Rows and columns must differ; year is built in; empty files. */
	diag_free(d);
	d = diag_new();
	s = load("title: T\nmap: { rows: o, columns: o }\nfacets:\n"
	         "  o: { label: O, codes: [ {id: a, label: A} ] }\n  year: { label: Y, codes: [ {id: y, label: Y} ] }\n",
	         d);
	CHECK(has_message(d, 2, "map rows and columns are the same facet"));
	CHECK(has_message(d, 5, "\"year\" is built in"));
	cfg_free(s);
	diag_free(d);
	d = diag_new();
	s = load("", d);
	CHECK(s == NULL && has_message(d, 0, "file is empty"));
	diag_free(d);
	d = diag_new();
	s = load("- a\n- b\n", d);
	CHECK(s == NULL && has_message(d, 1, "site.yaml should be a mapping"));
	diag_free(d);
	d = diag_new();
	s = load("title: T\n", d);
	CHECK(s == NULL && has_message(d, 1, "missing required field \"facets\""));
	CHECK(has_message(d, 1, "missing required field \"map\""));
	diag_free(d);

	char *path = path_join(dir, "site.yaml");
	unlink(path);
	free(path);
	rmdir(dir);
	TEST_MAIN_END();
}
