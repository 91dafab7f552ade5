/* The YAML writer: every string reads back as itself through load/yml, a
 * whole record written and read back is the same record, and `gapmap new`'s
 * blank record keeps comments on one line. */
#include <stdlib.h>
#include <string.h>

#include "formats/yaml_write.h"
#include "load/rules.h"
#include "load/yml.h"
#include "test.h"

/* Writes "k: <s>" and reads it back; returns the value read (caller frees). */
static char *round_trip(const char *s)
{
	buf b = BUF_INIT;
	yw_field(&b, "k", s);
	diag *d = diag_new();
	yml_node *root = yml_parse("t.yaml", b.data, b.len, 1, d);
	char *got = NULL;
	if (root && root->kind == YML_MAP) {
		const yml_node *v = yml_get(root, "k");
		if (v && v->kind == YML_SCALAR && !(v->plain && yml_is_null(v)))
			got = xstrdup(v->value);
		long long n;
		bool bv;
		/* A plain value must not read as anything but a string. */
		if (v && v->plain && (yml_int(v, &n) || yml_bool(v, &bv) || yml_is_null(v))) {
			free(got);
			got = xstrdup("(read as a non-string)");
		}
	}
	if (!got)
		printf("  unreadable: %s", b.data ? b.data : "");
	yml_free(root);
	diag_free(d);
	buf_free(&b);
	return got;
}

static void check_trip(const char *s)
{
	char *got = round_trip(s);
	CHECK_STR(got, s);
	free(got);
}

static const char site_yaml[] = "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
                                "  outcome:\n    label: \"Outcome\\n# not: a comment\"\n"
                                "    required: true\n    codes: [ {id: pain, label: Pain}, {id: mood, label: Mood} ]\n"
                                "  setting: { label: Setting, multiple: false, codes: [ {id: gp, label: GP} ] }\n";

int main(void)
{
	static const char *const tricky[] = {
		"plain words", "Smith, A.", "key: value", "# not a comment", "- a list?", "yes", "No",
		"null", "~", "2020", "3.14", "1e3", "0x1F", "2024-01-01", "", " leading space",
		"trailing space ", "\"quoted\"", "it's", "back\\slash", "line\nbreak", "tab\there",
		"Muñoz", "日本語", "emoji 😀", "nel\xC2\x85here", "ls\xE2\x80\xA8here", "[flow]",
		"{map}", "a | b", "> folded", "&anchor", "*alias", "!tag", "%directive", "@at",
		"`tick`", "ctrl\x01x", "del\x7Fx", "ends with colon:", "?", "-", "---", "...",
		"true", "ON", ".inf", "-.5", "+1", "12:30", "café: crème"};
	for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
		check_trip(tricky[i]);
	CHECK(yw_plain_ok("plain words"));
	CHECK(!yw_plain_ok("yes"));
	CHECK(!yw_plain_ok("2020"));
	CHECK(yw_plain_ok("Muñoz"));

	/* Invalid UTF-8 becomes U+FFFD rather than an unreadable file. */
	char *bad = round_trip("bad \xFF byte");
	CHECK_STR(bad, "bad \xEF\xBF\xBD byte");
	free(bad);

	/* A whole record: written, read back and checked, it is the same. */
	diag *d = diag_new();
	char path[] = "/tmp/gapmap-test-yw.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(site_yaml, f);
	fclose(f);
	cfg_site *site = cfg_load(path, "site.yaml", d);
	remove(path);
	CHECK(site && d->errors == 0);
	if (!site)
		TEST_MAIN_END();
	rec_src *s = rec_src_new(site, "munoz-2020", "import.ris");
	rec_src_set(&s->title, "Yes: \"a\" title, with # and 2020");
	rec_src_add_author(s, "Muñoz, J.");
	rec_src_add_author(s, "O'Brien, K.");
	s->has_year = true;
	s->year = 2020;
	rec_src_set(&s->doi, "10.1000/XYZ");
	rec_src_set(&s->added, "2024-06-01");
	rec_src_set(&s->pages, "10-20");
	rec_src_set(&s->summary, "Two lines\nof text");
	rec_src_set(&s->eppi_id, "12345");
	s->draft = true;
	rec_src_add_code(s, 0, "pain");
	rec_src_add_code(s, 0, "mood");
	rec_src_add_code(s, 1, "gp");
	buf b = BUF_INIT;
	yw_record(&b, site, s);
	yml_node *root = yml_parse("studies/munoz-2020.yaml", b.data, b.len, 1, d);
	CHECK(root != NULL);
	bool ok = true;
	rec_src *back = root ? rec_read(site, root, "studies/munoz-2020.yaml", "munoz-2020", &ok, d)
	                     : NULL;
	CHECK(ok && back && d->errors == 0);
	record *r = back ? rec_check(site, back, d) : NULL;
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(r->title, s->title);
		CHECK(r->nauthors == 2);
		CHECK_STR(r->authors[0], "Muñoz, J.");
		CHECK_STR(r->authors[1], "O'Brien, K.");
		CHECK(r->year == 2020);
		CHECK_STR(r->doi, "10.1000/xyz");
		CHECK_STR(r->summary, "Two lines\nof text");
		CHECK_STR(r->eppi_id, "12345");
		CHECK(r->draft);
		CHECK(r->codes[0].n == 2 && r->codes[1].n == 1);
	}
	rec_free(r);
	rec_src_free(back);
	yml_free(root);
	rec_src_free(s);

	/* The blank record of `gapmap new`: a label with a line break stays a
	 * comment, and the file reads back as a mapping of empty fields. */
	buf_reset(&b);
	yw_blank_record(&b, site);
	CHECK_CONTAINS(b.data, "# Outcome # not: a comment (required): pain, mood\n");
	root = yml_parse("new.yaml", b.data, b.len, 1, d);
	CHECK(root && root->kind == YML_MAP && yml_get(root, "outcome") && !yml_get(root, "not"));
	yml_free(root);
	buf_free(&b);
	cfg_free(site);
	CHECK(d->errors == 0);
	diag_free(d);
	TEST_MAIN_END();
}
