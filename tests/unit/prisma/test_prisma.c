/* PRISMA 2020 diagrams: prisma.yaml parsing and its diagnostics, the
 * arithmetic checks, the text version, and the drawings: golden PNG and
 * SVG files for each official template (exact bytes; regenerate with
 * GAPMAP_UPDATE_GOLDEN=1 after a deliberate change and look at them),
 * layout checks for long labels and 20 reasons, determinism, pngcheck and
 * xmllint. Run from the repository root. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prisma/prisma.h"
#include "prisma/raster.h"
#include "test.h"

#define FONTS "themes/default/fonts"
#define CASES "tests/prisma"

/* memmem is a GNU extension; this is all the tests need. */
static const void *find_bytes(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++)
		if (memcmp((const char *)hay + i, needle, nlen) == 0)
			return (const char *)hay + i;
	return NULL;
}

static prisma_style style(void)
{
	prisma_style s;
	prisma_style_default(&s);
	return s;
}

/* All of d's items formatted, one a line, sorted. */
static char *diags(diag *d)
{
	diag_sort(d);
	buf b = BUF_INIT;
	for (size_t i = 0; i < d->count; i++) {
		diag_format(&d->items[i], &b);
		buf_putc(&b, '\n');
	}
	return buf_detach(&b);
}

static prisma_set *parse(const char *yaml, diag *d)
{
	return prisma_parse("prisma.yaml", yaml, strlen(yaml), d);
}

static bool write_all(const char *path, const buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(b->data, 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok;
}

static bool have(const char *tool)
{
	char *cmd = xasprintf("command -v %s >/dev/null 2>&1", tool);
	bool ok = system(cmd) == 0;
	free(cmd);
	return ok;
}

/* Writes b to a temporary file and runs cmd on it ("%s" = the path). */
static int run_on(const buf *b, const char *suffix, const char *cmd)
{
	char *path = xasprintf("/tmp/gapmap-prisma-%ld%s", (long)getpid(), suffix);
	int rc = -1;
	if (write_all(path, b)) {
		char *full = xasprintf(cmd, path);
		rc = system(full);
		free(full);
	}
	unlink(path);
	free(path);
	return rc;
}

static void test_counts(void)
{
	const struct {
		long long n;
		const char *s;
	} cases[] = {{0, "0"},         {7, "7"},           {999, "999"},
	             {1000, "1,000"},  {12345, "12,345"},  {1234567, "1,234,567"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *s = prisma_format_count(cases[i].n);
		CHECK_STR(s, cases[i].s);
		free(s);
	}
}

static void test_load(void)
{
	diag *d = diag_new();
	CHECK(prisma_load(CASES "/does-not-exist.yaml", "prisma.yaml", d) == NULL);
	CHECK(d->count == 0);
	prisma_set *s = prisma_load(CASES "/new.yaml", "prisma.yaml", d);
	CHECK(s != NULL);
	CHECK(d->count == 0);
	CHECK(prisma_flow_count(s) == 1);
	CHECK_STR(prisma_flow_id(s, 0), "new-review");
	CHECK_STR(prisma_flow_title(s, 0), "A new review");
	CHECK(prisma_flow_find(s, "new-review") == 0);
	CHECK(prisma_flow_find(s, "nope") == (size_t)-1);
	CHECK(prisma_flow_match(s, 0) == NULL);
	CHECK(prisma_flow_template(s, 0) == PRISMA_NEW);
	prisma_set_included(s, 0, 13, 15);
	CHECK(prisma_check(s, d) == 0);
	CHECK(d->count == 0);
	prisma_free(s);

	s = parse("flows:\n  - id: a\n    match: { review: pilkington-2025 }\n"
	          "    other: { identified: 3 }\n"
	          "  - id: b\n    previous: { studies: 1 }\n"
	          "  - id: c\n    previous: { studies: 1 }\n    other: { sought: 1 }\n",
	          d);
	CHECK(s && prisma_flow_count(s) == 3);
	const prisma_match *m = prisma_flow_match(s, 0);
	CHECK(m && strcmp(m->facet, "review") == 0 && strcmp(m->code, "pilkington-2025") == 0);
	CHECK(m && m->line == 3 && m->col == 22);
	CHECK(prisma_flow_template(s, 0) == PRISMA_NEW_OTHER);
	CHECK(prisma_flow_template(s, 1) == PRISMA_UPDATED);
	CHECK(prisma_flow_template(s, 2) == PRISMA_UPDATED_OTHER);
	CHECK_STR(prisma_flow_title(s, 1), "b");
	CHECK(d->errors == 0);
	prisma_free(s);
	diag_free(d);
}

static void test_format_errors(void)
{
	diag *d = diag_new();
	prisma_set *s = parse("flows:\n"
	                      "  - id: x\n"
	                      "    titel: X\n"
	                      "    databases:\n"
	                      "      databases: lots\n"
	                      "      screend: 4\n"
	                      "      sought: -1\n"
	                      "      excluded: { n: 3, reasns: [] }\n"
	                      "      reports_excluded:\n"
	                      "        - { reason: A }\n"
	                      "        - { reason: B, n: 2, m: 1 }\n"
	                      "    other: [1]\n"
	                      "  - id: x\n"
	                      "  - id: Bad_Id\n"
	                      "  - title: no id\n"
	                      "extra: 1\n",
	                      d);
	CHECK(s != NULL);
	char *got = diags(d);
	CHECK_STR(got,
	          "prisma.yaml:3:5: error: unknown key \"titel\" in a flow (did you mean \"title\"?)\n"
	          "prisma.yaml:5:18: error: databases must be a whole number\n"
	          "prisma.yaml:6:7: error: unknown key \"screend\" in databases (did you mean "
	          "\"screened\"?)\n"
	          "prisma.yaml:7:15: error: sought cannot be negative\n"
	          "prisma.yaml:8:25: error: unknown key \"reasns\" in excluded (did you mean "
	          "\"reasons\"?)\n"
	          "prisma.yaml:10:11: error: an item of reports_excluded needs \"reason\" and \"n\"\n"
	          "prisma.yaml:11:30: error: unknown key \"m\" in an item of reports_excluded (did "
	          "you mean \"n\"?)\n"
	          "prisma.yaml:12:12: error: other must be a mapping, not a list\n"
	          "prisma.yaml:13:9: error: flow id \"x\" is used twice\n"
	          "prisma.yaml:14:9: error: flow id \"Bad_Id\" must be lower-case letters, digits "
	          "and hyphens\n"
	          "prisma.yaml:15:5: error: a flow needs an \"id\"\n"
	          "prisma.yaml:16:1: error: unknown key \"extra\" in prisma.yaml\n");
	free(got);
	prisma_free(s);
	diag_free(d);

	d = diag_new();
	CHECK(parse("flows: 3\n", d) == NULL);
	got = diags(d);
	CHECK_STR(got, "prisma.yaml:1:8: error: flows must be a list, not a single value\n");
	free(got);
	diag_free(d);
}

static const char *broken = "flows:\n"
                            "  - id: pilkington-2025\n"
                            "    databases:\n"
                            "      databases: 402\n"
                            "      duplicates: 191\n"
                            "      screened: 210\n"
                            "      excluded: 171\n"
                            "      sought: 40\n"
                            "      not_retrieved: 0\n"
                            "      assessed: 41\n"
                            "      reports_excluded:\n"
                            "        n: 33\n"
                            "        reasons:\n"
                            "          - { reason: A, n: 20 }\n"
                            "          - { reason: B, n: 12 }\n"
                            "    other:\n"
                            "      identified: 4\n"
                            "      sought: 5\n"
                            "      not_retrieved: 0\n"
                            "      assessed: 5\n"
                            "      reports_excluded: 6\n"
                            "    included: { studies: 9, reports: 8 }\n";

static void test_arithmetic(void)
{
	diag *d = diag_new();
	prisma_set *s = parse(broken, d);
	CHECK(s && d->count == 0);
	prisma_set_included(s, 0, 9, 10);
	CHECK(prisma_check(s, d) == 7);
	char *got = diags(d);
	CHECK_STR(got,
	          "prisma.yaml:6:17: error: flow pilkington-2025: \"Records screened\" should be 211 "
	          "(402 identified \u2212 191 removed) but is 210\n"
	          "prisma.yaml:8:15: error: flow pilkington-2025: \"Reports sought for retrieval\" "
	          "should be 39 (210 screened \u2212 171 excluded) but is 40\n"
	          "prisma.yaml:10:17: error: flow pilkington-2025: \"Reports assessed for "
	          "eligibility\" should be 40 (40 sought \u2212 0 not retrieved) but is 41\n"
	          "prisma.yaml:12:12: error: flow pilkington-2025: \"Reports excluded\" should be 32 "
	          "(the sum of the reasons listed) but is 33\n"
	          "prisma.yaml:18:15: error: flow pilkington-2025: \"Reports sought for retrieval\" "
	          "(other methods) cannot exceed the 4 records identified, but is 5\n"
	          "prisma.yaml:21:25: error: flow pilkington-2025: \"Reports excluded\" (other "
	          "methods) cannot exceed the 5 reports assessed, but is 6\n"
	          "prisma.yaml:22:38: error: flow pilkington-2025: the records include 10 reports, "
	          "but prisma.yaml says 8: set \"reports: 10\" under \"included\", and make the "
	          "arms' counts give 10 reports (now 41 assessed \u2212 33 excluded + 5 assessed "
	          "\u2212 6 excluded = 7)\n");
	free(got);
	prisma_free(s);
	diag_free(d);

	/* Stated studies against the records; reports counted as studies is
	 * a warning. */
	d = diag_new();
	s = parse("flows:\n"
	          "  - id: a\n"
	          "    databases: { assessed: 12, reports_excluded: 4 }\n"
	          "    included: { studies: 7 }\n",
	          d);
	prisma_set_included(s, 0, 8, 9);
	CHECK(prisma_check(s, d) == 1);
	got = diags(d);
	CHECK_STR(got, "prisma.yaml:3:50: warning: flow a: \"Reports of included studies\" should "
	               "be 8 (12 assessed \u2212 4 excluded) but is 9 (from the records), which "
	               "matches the number of studies: one study can have several reports\n"
	               "prisma.yaml:4:26: error: flow a: the records include 8 studies, but "
	               "prisma.yaml says 7: set \"studies: 8\" under \"included\"\n");
	free(got);
	prisma_free(s);
	diag_free(d);

	/* Updated reviews: total = previous + new is a warning. */
	d = diag_new();
	s = parse("flows:\n"
	          "  - id: u\n"
	          "    previous: { studies: 10, reports: 12 }\n"
	          "    databases: { databases: 10, duplicates: 2, screened: 8 }\n"
	          "    included: { new_studies: 3, new_reports: 4 }\n",
	          d);
	prisma_set_included(s, 0, 14, 16);
	CHECK(prisma_check(s, d) == 0);
	got = diags(d);
	CHECK_STR(got, "prisma.yaml:5:30: warning: flow u: \"Total studies included in review\" "
	               "should be 13 (10 previous + 3 new) but is 14\n");
	free(got);
	CHECK(d->warnings == 1);
	prisma_free(s);
	diag_free(d);
}

static void test_items(void)
{
	diag *d = diag_new();
	prisma_set *s = prisma_load(CASES "/other.yaml", "prisma.yaml", d);
	prisma_set_included(s, 0, 9, 10);
	const prisma_item *it;
	size_t n = prisma_items(s, 0, &it);
	CHECK(n > 10);
	CHECK_STR(it[0].column, "Identification of studies via databases and registers");
	CHECK_STR(it[0].phase, "Identification");
	CHECK_STR(it[0].label, "Records identified");
	CHECK_STR(it[0].count, "402");
	CHECK_STR(it[n - 1].label, "Reports of included studies");
	CHECK_STR(it[n - 1].count, "10");
	buf html = BUF_INIT;
	prisma_describe_html(s, 0, &html);
	CHECK_CONTAINS(html.data, "<h3>Identification of studies via other methods</h3>"
	                          "<h4>Identification</h4><ul><li>Records identified: 21<ul>"
	                          "<li>Websites: 5</li>");
	CHECK_CONTAINS(html.data, "<li>Reports excluded: 32<ul><li>Not chronic pain: 20</li>"
	                          "<li>No link worker: 12</li></ul></li></ul></section>");
	buf_free(&html);
	prisma_free(s);

	/* Escaping, and a box without counts has no "(n = )". */
	s = parse("flows:\n  - id: q\n    databases:\n      screened: 5\n"
	          "      reports_excluded: [ { reason: \"<b>\\\"x\\\" & 'y'\", n: 1 } ]\n",
	          d);
	html = (buf)BUF_INIT;
	prisma_describe_html(s, 0, &html);
	CHECK_CONTAINS(html.data, "<li>&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;: 1</li>");
	CHECK_CONTAINS(html.data, "<li>Reports sought for retrieval</li>");
	buf svg = BUF_INIT;
	prisma_style st = style();
	CHECK(prisma_render_svg(s, 0, &st, FONTS, &svg, d) == 0);
	CHECK_CONTAINS(svg.data, ">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39; (n\u00a0=\u00a01)</text>");
	CHECK_CONTAINS(svg.data, ">Reports sought for retrieval</text>");
	CHECK(strstr(svg.data, ">Reports sought for retrieval</text>\n<text") == NULL ||
	      !strstr(strstr(svg.data, ">Reports sought for retrieval</text>"), "(n\u00a0=\u00a0)"));
	buf_free(&svg);
	buf_free(&html);
	prisma_free(s);
	diag_free(d);
}

/* Sources named without a count: drawn without "(n = )", summed as
 * nothing, and enough to make an arm present. */
static void test_uncounted_sources(void)
{
	diag *d = diag_new();
	prisma_set *s = parse("flows:\n"
	                      "  - id: a\n"
	                      "    other:\n"
	                      "      identified:\n"
	                      "        - { name: Websites }\n"
	                      "        - { name: Google, n: ~ }\n"
	                      "        - { name: Citation searching, n: 4 }\n"
	                      "      sought: 9\n",
	                      d);
	CHECK(s && d->count == 0);
	CHECK(prisma_flow_template(s, 0) == PRISMA_NEW_OTHER);
	prisma_set_included(s, 0, 1, 1);
	/* 9 sought > 4 counted, but the uncounted sources gave some too. */
	CHECK(prisma_check(s, d) == 0);
	CHECK(d->count == 0);
	buf text = BUF_INIT;
	prisma_describe_text(s, 0, &text);
	CHECK_STR(text.data, "Identification of studies via other methods\n"
	                     "  Records identified\n"
	                     "    Websites\n"
	                     "    Google\n"
	                     "    Citation searching: 4\n"
	                     "  Reports sought for retrieval: 9\n"
	                     "  Reports not retrieved\n"
	                     "  Reports assessed for eligibility\n"
	                     "  Reports excluded\n"
	                     "\n"
	                     "Included\n"
	                     "  Studies included in review: 1\n"
	                     "  Reports of included studies: 1\n");
	buf_free(&text);
	buf svg = BUF_INIT;
	prisma_style st = style();
	CHECK(prisma_render_svg(s, 0, &st, FONTS, &svg, d) == 0);
	CHECK_CONTAINS(svg.data, ">Websites</text>");
	CHECK_CONTAINS(svg.data, ">Google</text>");
	CHECK_CONTAINS(svg.data, ">Citation searching (n\u00a0=\u00a04)</text>");
	CHECK_CONTAINS(svg.data, ">Records identified from:</text>");
	buf_free(&svg);
	prisma_free(s);
	diag_free(d);

	/* A source list alone makes the arm; databases named without counts
	 * leave the identified total unknown, so screened is not checked
	 * against the registers alone. A stated total is checked against the
	 * counted sources as a lower bound; an item still needs its name, and
	 * a reason still needs its count. */
	d = diag_new();
	s = parse("flows:\n"
	          "  - id: b\n"
	          "    databases:\n"
	          "      databases: [ { name: MEDLINE }, { name: Embase } ]\n"
	          "      registers: 10\n"
	          "      duplicates: 5\n"
	          "      screened: 300\n"
	          "    other: { identified: [ { name: Websites } ] }\n"
	          "  - id: c\n"
	          "    databases:\n"
	          "      databases: { n: 20, sources: [ { name: A, n: 15 }, { name: B }, "
	          "{ name: C, n: 6 } ] }\n"
	          "      registers: [ { n: 3 } ]\n"
	          "      excluded: [ { reason: Off topic } ]\n",
	          d);
	CHECK(s && prisma_flow_count(s) == 2);
	CHECK(prisma_flow_template(s, 0) == PRISMA_NEW_OTHER);
	CHECK(prisma_check(s, d) == 1);
	char *got = diags(d);
	CHECK_STR(got, "prisma.yaml:11:23: error: flow c: \"Databases\" should be at least 21 (the "
	               "sum of the databases counted) but is 20\n"
	               "prisma.yaml:12:20: error: an item of registers needs \"name\"\n"
	               "prisma.yaml:13:19: error: an item of excluded needs \"reason\" and \"n\"\n");
	free(got);
	const prisma_item *it;
	size_t n = prisma_items(s, 0, &it);
	CHECK(n > 4);
	CHECK_STR(it[0].label, "Records identified");
	CHECK(it[0].count == NULL);
	CHECK_STR(it[1].label, "Databases");
	CHECK(it[1].count == NULL && it[1].level == 1);
	CHECK_STR(it[2].label, "MEDLINE");
	CHECK(it[2].count == NULL && it[2].level == 2);
	CHECK_STR(it[4].label, "Registers");
	CHECK_STR(it[4].count, "10");
	n = prisma_items(s, 1, &it);
	CHECK_STR(it[1].label, "Databases");
	CHECK_STR(it[1].count, "20");
	CHECK_STR(it[3].label, "B");
	CHECK(it[3].count == NULL);
	prisma_free(s);
	diag_free(d);
}

/* Each arm's own included reports: assessed − excluded per arm, and the
 * arms together against the included reports. */
static void test_arm_included(void)
{
	/* The Pilkington case: 40 − 37 = 3 via databases, 5 via other methods
	 * with nothing else counted, 8 in all. */
	diag *d = diag_new();
	prisma_set *s = prisma_load(CASES "/partial.yaml", "prisma.yaml", d);
	CHECK(s && d->count == 0);
	prisma_set_included(s, 0, 7, 8);
	CHECK(prisma_check(s, d) == 0);
	CHECK(d->count == 0);
	buf text = BUF_INIT;
	prisma_describe_text(s, 0, &text);
	CHECK_STR(text.data,
	          "Identification of studies via databases and registers\n"
	          "  Records identified: 402\n"
	          "    Databases: 402\n"
	          "      MEDLINE\n"
	          "      CINAHL\n"
	          "      PsycINFO\n"
	          "      Scopus\n"
	          "  Records removed before screening: 191\n"
	          "    Duplicate records removed: 191\n"
	          "  Records screened: 211\n"
	          "  Records excluded\n"
	          "  Reports sought for retrieval\n"
	          "  Reports not retrieved\n"
	          "  Reports assessed for eligibility: 40\n"
	          "  Reports excluded: 37\n"
	          "  Reports of included studies identified via databases and registers: 3\n"
	          "\n"
	          "Identification of studies via other methods\n"
	          "  Records identified\n"
	          "    Websites of the HCPC, British Pain Society, EFIC, IASP, HEE, PPA, RSPH, NHS "
	          "England and NICE\n"
	          "    Google searches\n"
	          "  Reports sought for retrieval\n"
	          "  Reports not retrieved\n"
	          "  Reports assessed for eligibility\n"
	          "  Reports excluded\n"
	          "  Reports of included studies identified via other methods: 5\n"
	          "\n"
	          "Included\n"
	          "  Studies included in review: 7\n"
	          "  Reports of included studies: 8\n");
	buf_free(&text);
	buf html = BUF_INIT;
	prisma_describe_html(s, 0, &html);
	CHECK_CONTAINS(html.data, "<li>Reports excluded: 37</li></ul><h4>Included</h4><ul><li>"
	                          "Reports of included studies identified via databases and "
	                          "registers: 3</li></ul></section>");
	buf_free(&html);
	/* Not drawn: the templates' included box is shared by the arms. */
	buf svg = BUF_INIT;
	prisma_style st = style();
	CHECK(prisma_render_svg(s, 0, &st, FONTS, &svg, d) == 0);
	const char *body = strstr(svg.data, "</desc>");
	CHECK(body && !strstr(body, "identified via"));
	CHECK(body && !strstr(body, "(n\u00a0=\u00a03)"));
	CHECK(body && !strstr(body, "(n\u00a0=\u00a05)"));
	buf_free(&svg);
	prisma_free(s);
	diag_free(d);

	/* Broken: an arm whose included is not assessed − excluded, another
	 * whose included exceeds what it assessed, and a sum that is not the
	 * records' reports. An arm with included but no assessed count has
	 * nothing about assessed checked. */
	d = diag_new();
	s = parse("flows:\n"
	          "  - id: a\n"
	          "    databases: { assessed: 40, reports_excluded: 37, included: 4 }\n"
	          "    other: { sought: 2, assessed: 2, included: 5 }\n"
	          "  - id: b\n"
	          "    databases: { assessed: 40, reports_excluded: 37, included: 3 }\n"
	          "    other: { identified: [ { name: Websites } ], included: 6 }\n"
	          "  - id: c\n"
	          "    databases: { screened: 50, included: 9 }\n"
	          "    other: { sought: 3, not_retrieved: 1 }\n"
	          "    included: { reports: 8 }\n"
	          "  - id: d\n"
	          "    other: { sought: 1, included: 6 }\n",
	          d);
	CHECK(s && d->count == 0);
	prisma_set_included(s, 0, 8, 8);
	prisma_set_included(s, 1, 7, 8);
	prisma_set_included(s, 2, 8, 8);
	prisma_set_included(s, 3, 6, 6);
	CHECK(prisma_check(s, d) == 5);
	char *got = diags(d);
	CHECK_STR(got,
	          "prisma.yaml:3:64: error: flow a: reports included via databases and registers "
	          "should be 3 (40 assessed \u2212 37 excluded) but are 4\n"
	          "prisma.yaml:3:64: error: flow a: \"Reports of included studies\" should be 9 (4 "
	          "included via databases and registers + 5 included via other methods) but is 8 "
	          "(from the records)\n"
	          "prisma.yaml:4:48: error: flow a: reports included via other methods cannot "
	          "exceed the 2 reports assessed, but are 5\n"
	          "prisma.yaml:6:64: error: flow b: \"Reports of included studies\" should be 9 (3 "
	          "included via databases and registers + 6 included via other methods) but is 8 "
	          "(from the records)\n"
	          "prisma.yaml:11:26: error: flow c: \"Reports of included studies\" should be at "
	          "least 9 (9 included via databases and registers) but is 8 (from the records)\n");
	free(got);
	prisma_free(s);
	diag_free(d);

	/* Unknown key hints still work with the new key. */
	d = diag_new();
	s = parse("flows:\n  - id: a\n    other: { includd: 5 }\n", d);
	got = diags(d);
	CHECK_STR(got, "prisma.yaml:3:14: error: unknown key \"includd\" in other (did you mean "
	               "\"included\"?)\n");
	free(got);
	prisma_free(s);
	diag_free(d);
}

static void test_style(void)
{
	diag *d = diag_new();
	const char *y = "prisma:\n  header: \"#123\"\n  phase: \"#a0b0c0\"\n  font_size: 14\n"
	                "  hedaer: \"#fff\"\n  border: red\n  footnotes: no\n";
	yml_node *root = yml_parse("theme.yaml", y, strlen(y), 1, d);
	prisma_style st = style();
	CHECK(prisma_style_from_yml(yml_get(root, "prisma"), &st, d) == 2);
	CHECK(st.header == 0x112233);
	CHECK(st.phase == 0xA0B0C0);
	CHECK(st.font_size == 14);
	CHECK(st.border == 0);
	CHECK(!st.footnotes);
	char *got = diags(d);
	CHECK_STR(got, "theme.yaml:5:3: error: unknown key \"hedaer\" in prisma (did you mean "
	               "\"header\"?)\n"
	               "theme.yaml:6:11: error: border must be a colour such as \"#FFC125\"\n");
	free(got);
	yml_free(root);
	diag_free(d);
}

/* Compares b with the golden file, or rewrites it when asked. */
static void golden(const char *name, const buf *b)
{
	char *path = xasprintf(CASES "/%s", name);
	const char *update = getenv("GAPMAP_UPDATE_GOLDEN");
	if (update && *update && strcmp(update, "0") != 0) {
		CHECK(write_all(path, b));
	} else {
		char *want;
		size_t len;
		bool found = read_file(path, 0, &want, &len) == 0;
		CHECK(found);
		bool same = found && len == b->len && memcmp(want, b->data, len) == 0;
		if (!same)
			printf("  golden %s differs (GAPMAP_UPDATE_GOLDEN=1 rewrites it)\n", path);
		CHECK(same);
		if (found)
			free(want);
	}
	free(path);
}

static void test_render(const char *name, long long studies, long long reports)
{
	diag *d = diag_new();
	char *in = xasprintf(CASES "/%s.yaml", name);
	prisma_set *s = prisma_load(in, "prisma.yaml", d);
	CHECK(s != NULL);
	prisma_set_included(s, 0, studies, reports);
	CHECK(prisma_check(s, d) == 0);
	CHECK(d->count == 0);
	prisma_style st = style();
	prisma_diagram *g = prisma_layout(s, 0, &st, FONTS, d);
	CHECK(g != NULL);
	buf png = BUF_INIT, png2 = BUF_INIT, svg = BUF_INIT, svg2 = BUF_INIT;
	CHECK(prisma_diagram_png(g, 2, &png, d) == 0);
	prisma_diagram_svg(g, &svg);
	/* Determinism: a second layout and drawing give the same bytes. */
	CHECK(prisma_render_png(s, 0, &st, FONTS, 2, &png2, d) == 0);
	CHECK(prisma_render_svg(s, 0, &st, FONTS, &svg2, d) == 0);
	CHECK(png.len == png2.len && memcmp(png.data, png2.data, png.len) == 0);
	CHECK(svg.len == svg2.len && memcmp(svg.data, svg2.data, svg.len) == 0);

	char *gp = xasprintf("%s.png", name), *gs = xasprintf("%s.svg", name);
	golden(gp, &png);
	golden(gs, &svg);
	free(gp);
	free(gs);

	CHECK(memcmp(png.data, "\x89PNG\r\n\x1a\n", 8) == 0);
	CHECK(find_bytes(png.data, png.len, "tEXtTitle", 9) != NULL);
	CHECK(find_bytes(png.data, png.len, "tEXtDescription", 15) != NULL);
	CHECK(find_bytes(png.data, png.len, "tIME", 4) == NULL);
	if (have("pngcheck"))
		CHECK(run_on(&png, ".png", "pngcheck -q %s") == 0);
	if (have("xmllint"))
		CHECK(run_on(&svg, ".svg", "xmllint --noout %s") == 0);

	/* Every label and count of the text version is in the SVG and in
	 * the PNG's Description. */
	const prisma_item *it;
	size_t n = prisma_items(s, 0, &it);
	for (size_t i = 0; i < n; i++) {
		if (!it[i].count)
			continue;
		/* The totals of boxes that list their items ("Reports
		 * excluded:" and its reasons) are not drawn, as in the
		 * templates, nor is an arm's own included count; every other
		 * count is. */
		bool drawn = !(it[i].level == 0 && i + 1 < n && it[i + 1].level == 1) &&
		             !it[i].text_only;
		char *want = xasprintf("(n\u00a0=\u00a0%s)", it[i].count);
		if (drawn)
			CHECK_CONTAINS(svg.data, want);
		free(want);
		char *line = xasprintf("%s: %s\n", it[i].label, it[i].count);
		CHECK(find_bytes(png.data, png.len, line, strlen(line)) != NULL);
		CHECK_CONTAINS(svg.data, line);
		free(line);
	}
	buf_free(&png);
	buf_free(&png2);
	buf_free(&svg);
	buf_free(&svg2);
	prisma_diagram_free(g);
	prisma_free(s);
	free(in);
	diag_free(d);
}

static bool inside(double x, double y, double x0, double y0, double x1, double y1)
{
	return x >= x0 && x < x1 && y >= y0 && y < y1;
}

/* Long labels and 20 reasons: every text lies inside its box, boxes do not
 * overlap, and in the raster no ink falls outside a box or a text block,
 * nor inside a box's margin around its text. */
static void test_layout(double scale)
{
	diag *d = diag_new();
	prisma_set *s = prisma_load(CASES "/long.yaml", "prisma.yaml", d);
	CHECK(s != NULL);
	prisma_set_included(s, 0, 700, 793);
	CHECK(prisma_check(s, d) == 0);
	prisma_style st = style();
	/* Arrows drawn in the background colour, so that any ink outside the
	 * boxes would be text that escaped. */
	st.arrow = st.background;
	prisma_diagram *g = prisma_layout(s, 0, &st, FONTS, d);
	CHECK(g != NULL);
	const prisma_box_geom *b;
	size_t n = prisma_diagram_boxes(g, &b);
	CHECK(n > 15);
	for (size_t i = 0; i < n; i++) {
		CHECK(b[i].tx0 >= b[i].x && b[i].tx1 <= b[i].x + b[i].w);
		CHECK(b[i].ty0 >= b[i].y && b[i].ty1 <= b[i].y + b[i].h);
		for (size_t j = i + 1; j < n; j++) {
			bool apart = b[i].x + b[i].w <= b[j].x || b[j].x + b[j].w <= b[i].x ||
			             b[i].y + b[i].h <= b[j].y || b[j].y + b[j].h <= b[i].y;
			CHECK(apart);
		}
	}
	raster *r = prisma_diagram_raster(g, scale, d);
	CHECK(r != NULL);
	size_t stray = 0, smudged = 0;
	for (int y = 0; r && y < r->h; y++)
		for (int x = 0; x < r->w; x++) {
			const unsigned char *p = r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3;
			bool bg = p[0] == 255 && p[1] == 255 && p[2] == 255;
			double fx = (x + 0.5) / scale, fy = (y + 0.5) / scale, e = 1.5 / scale;
			bool in_box = false, in_margin = false;
			for (size_t i = 0; i < n; i++) {
				if (inside(fx, fy, b[i].x - e, b[i].y - e, b[i].x + b[i].w + e,
				           b[i].y + b[i].h + e))
					in_box = true;
				/* The margin: inside the frame (and the corner
				 * radius), outside the text bounds. */
				double m = 9, t = 2;
				if (b[i].tx0 < b[i].tx1 &&
				    inside(fx, fy, b[i].x + m, b[i].y + m, b[i].x + b[i].w - m,
				           b[i].y + b[i].h - m) &&
				    !inside(fx, fy, b[i].tx0 - t, b[i].ty0 - t, b[i].tx1 + t,
				            b[i].ty1 + t)) {
					int sx = (int)((b[i].x + m) * scale), sy = (int)((b[i].y + m) * scale);
					const unsigned char *q =
					    r->px + ((size_t)sy * (size_t)r->w + (size_t)sx) * 3;
					if (memcmp(p, q, 3) != 0)
						in_margin = true;
				}
			}
			if (!bg && !in_box)
				stray++;
			if (in_margin)
				smudged++;
		}
	if (stray || smudged)
		printf("  scale %g: %zu pixels of ink outside boxes, %zu in box margins\n", scale,
		       stray, smudged);
	CHECK(stray == 0);
	CHECK(smudged == 0);
	raster_free(r);

	/* The same text in the SVG, escaped, and well-formed. */
	buf svg = BUF_INIT;
	prisma_diagram_svg(g, &svg);
	CHECK_CONTAINS(svg.data, "Reason 20: excluded because the report said &quot;not "
	                         "eligible&quot; &amp; &lt;other&gt;");
	CHECK_CONTAINS(svg.data, "Long labels, 20 reasons &amp; &quot;quotes&quot; &lt;in&gt;");
	CHECK_CONTAINS(svg.data, "1,234,567");
	if (have("xmllint"))
		CHECK(run_on(&svg, ".svg", "xmllint --noout %s") == 0);
	if (scale == 2)
		golden("long.svg", &svg);
	buf_free(&svg);
	buf png = BUF_INIT;
	prisma_style plain = style();
	CHECK(prisma_render_png(s, 0, &plain, FONTS, scale, &png, d) == 0);
	if (have("pngcheck"))
		CHECK(run_on(&png, ".png", "pngcheck -q %s") == 0);
	buf_free(&png);
	prisma_diagram_free(g);
	prisma_free(s);
	diag_free(d);
}

static void test_dpi(void)
{
	diag *d = diag_new();
	prisma_set *s = prisma_load(CASES "/new.yaml", "prisma.yaml", d);
	prisma_style st = style();
	buf png = BUF_INIT;
	CHECK(prisma_render_png(s, 0, &st, FONTS, prisma_scale_for_dpi(300), &png, d) == 0);
	/* pHYs: 300 dpi = 11811 pixels per metre. */
	CHECK(find_bytes(png.data, png.len, "pHYs\x00\x00\x2e\x23\x00\x00\x2e\x23\x01", 13) != NULL);
	buf_free(&png);
	CHECK(prisma_render_png(s, 0, &st, "/nonexistent", 2, &png, d) == -1);
	CHECK(d->errors == 1);
	buf_free(&png);
	prisma_free(s);
	diag_free(d);
}

int main(void)
{
	test_counts();
	test_load();
	test_format_errors();
	test_arithmetic();
	test_items();
	test_uncounted_sources();
	test_arm_included();
	test_style();
	test_render("new", 13, 15);
	test_render("other", 9, 10);
	test_render("updated", 19, 23);
	test_render("partial", 7, 8);
	test_layout(1);
	test_layout(2);
	test_dpi();
	TEST_MAIN_END();
}
