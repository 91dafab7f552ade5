/* load/schema: typed field reads with positioned diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "load/schema.h"
#include "load/yml.h"
#include "test.h"

/* Parses text, returns the root (caller frees). The schema_* reads free an
 * out parameter's old value before replacing it, so the tests reset each one
 * to NULL after freeing their copy. */
static yml_node *parse(const char *text, diag *d)
{
	return yml_parse("r.yaml", text, strlen(text), 1, d);
}

/* The diagnostics as printed text, for exact comparisons. */
static const char *printed(diag *d, buf *out)
{
	buf_reset(out);
	diag_sort(d);
	for (size_t i = 0; i < d->count; i++) {
		diag_format(&d->items[i], out);
		buf_putc(out, '\n');
	}
	return buf_cstr(out);
}

int main(void)
{
	buf out = BUF_INIT;
	diag *d = diag_new();
	yml_node *m = parse("title: A study\nyear: 2020\nopen: true\nadded: 2024-02-29\n"
	                    "authors: [A, B]\nsolo: X\nbad_year: soon\nfeb: 2023-02-29\n"
	                    "titel: typo\n",
	                    d);
	CHECK(m && d->count == 0);

	bool ok = true;
	char *s = NULL;
	CHECK(schema_string(m, "title", true, &s, &ok, d) && ok);
	CHECK_STR(s, "A study");
	free(s);
	s = NULL;
	long long y = 0;
	CHECK(schema_int(m, "year", true, 1900, 2100, &y, &ok, d) && y == 2020 && ok);
	bool b = false;
	CHECK(schema_bool(m, "open", &b, &ok, d) && b);
	char *date = NULL;
	CHECK(schema_date(m, "added", true, &date, &ok, d) && ok);
	CHECK_STR(date, "2024-02-29");
	free(date);
	date = NULL;
	char **list = NULL;
	size_t n = 0;
	CHECK(schema_strings(m, "authors", true, &list, &n, &ok, d) && n == 2);
	CHECK_STR(list[1], "B");
	schema_free_strings(list, n);
	list = NULL;
	n = 0;
	/* A single string reads as a list of one. */
	CHECK(schema_strings(m, "solo", true, &list, &n, &ok, d) && n == 1);
	schema_free_strings(list, n);
	list = NULL;
	n = 0;
	CHECK(ok && d->count == 0);

	/* Absent and optional: false, no diagnostic. */
	CHECK(!schema_string(m, "missing", false, &s, &ok, d) && ok && d->count == 0);
	/* Absent and required; invalid values: reported at the value. */
	CHECK(!schema_string(m, "doi", true, &s, &ok, d) && !ok);
	ok = true;
	CHECK(!schema_int(m, "bad_year", true, 1900, 2100, &y, &ok, d) && !ok);
	CHECK(!schema_int(m, "year", true, 2021, 2100, &y, &ok, d));
	CHECK(!schema_date(m, "feb", true, &date, &ok, d));
	CHECK(!schema_int(m, "title", true, 0, 1, &y, &ok, d));
	const char *const allowed[] = {"title",   "year", "open",     "added",
	                               "authors", "solo", "bad_year", "feb"};
	schema_check_keys(m, allowed, sizeof allowed / sizeof *allowed, NULL, 0, "record", d);
	const char *got = printed(d, &out);
	CHECK_CONTAINS(got, "r.yaml:2:7: error:");  /* year out of 2021..2100, at its value */
	CHECK_CONTAINS(got, "r.yaml:7:11: error:"); /* bad_year: soon */
	CHECK_CONTAINS(got, "r.yaml:8:6: error:");  /* no 29 February in 2023 */
	CHECK_CONTAINS(got, "doi");
	CHECK_CONTAINS(got, "r.yaml:9:1: error:");
	CHECK_CONTAINS(got, "did you mean \"title\"");
	CHECK(d->errors == 6);

	CHECK(schema_valid_id("smith-2020"));
	CHECK(schema_valid_id("a1"));
	CHECK(!schema_valid_id("-a"));
	CHECK(!schema_valid_id("Smith"));
	CHECK(!schema_valid_id("a_b"));
	CHECK(!schema_valid_id(""));

	yml_free(m);
	diag_free(d);
	buf_free(&out);
	TEST_MAIN_END();
}
