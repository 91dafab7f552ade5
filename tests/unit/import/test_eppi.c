/* The EPPI-Reviewer JSON reader and the facets planned from its code
 * tree. */
#include <stdlib.h>
#include <string.h>

#include "import/eppi.h"
#include "test.h"

static const char json[] =
	"{\"CodeSets\":[{\"SetName\":\"Outcome\",\"SetId\":1,\"Attributes\":{\"AttributesList\":["
	"{\"AttributeId\":10,\"AttributeName\":\"Health\",\"Attributes\":{\"AttributesList\":["
	"{\"AttributeId\":11,\"AttributeName\":\"Pain\"},{\"AttributeId\":12,\"AttributeName\":\"Pain!\"}]}},"
	"{\"AttributeId\":20,\"AttributeName\":\"Costs\"}]}},"
	"{\"SetName\":\"Setting\",\"SetId\":2,\"Attributes\":{\"AttributesList\":["
	"{\"AttributeId\":31,\"AttributeName\":\"Año\"},{\"AttributeName\":\"no id\"}]}}],"
	"\"References\":[{\"ItemId\":5,\"Title\":\"T\",\"Authors\":\"Smith J; Ng, K.; \",\"Year\":\"2020\","
	"\"TypeName\":\"Book, Chapter\",\"Codes\":[{\"AttributeId\":11},{\"AttributeId\":11},"
	"{\"AttributeId\":[]},{\"AttributeId\":99}]}, 7]}";

int main(void)
{
	diag *d = diag_new();
	imp_refs l = {0};
	eppi_codes c = {0};
	CHECK(eppi_parse("e.json", json, strlen(json), &l, &c, d) == 1);
	CHECK(c.nsets == 2 && c.sets[0].nkids == 2 && c.sets[1].nkids == 1);
	CHECK(l.n == 1);
	if (l.n) {
		imp_ref *r = &l.v[0];
		CHECK_STR(r->eppi_id, "5");
		CHECK(r->year == 2020);
		CHECK(r->nauthors == 2);
		CHECK_STR(r->authors[0], "Smith, J.");
		CHECK_STR(r->authors[1], "Ng, K.");
		CHECK_STR(r->type, "chapter");
		CHECK(r->ncodes == 1 && strcmp(r->codes[0], "11") == 0); /* repeats, junk, unknown dropped */
	}
	CHECK(d->warnings == 4); /* an attribute without id, junk entry, unknown id, non-object */

	eppi_plan p;
	CHECK(eppi_plan_facet(&c, "outcome", &p));
	CHECK_STR(p.id, "outcome");
	CHECK(p.ngroups == 2);
	CHECK_STR(p.group_ids[0], "health");
	CHECK_STR(p.group_ids[1], "other");
	CHECK(p.ncodes == 3);
	CHECK_STR(p.codes[0].id, "pain");
	CHECK_STR(p.codes[1].id, "pain-2"); /* "Pain!" slugs to the same id */
	CHECK_STR(p.codes[2].id, "costs");
	CHECK_STR(p.codes[2].attr, "20");
	buf y = BUF_INIT;
	eppi_plan_yaml(&p, &y);
	CHECK_CONTAINS(y.data, "provenance: EPPI-Reviewer AttributeId 12");
	buf_free(&y);
	eppi_plan_free(&p);
	CHECK(eppi_plan_facet(&c, "Health", &p)); /* a parent code is a facet too */
	CHECK(p.ngroups == 0 && p.ncodes == 2);
	eppi_plan_free(&p);
	CHECK(eppi_plan_facet(&c, "SETTING", &p));
	CHECK_STR(p.codes[0].id, "ano");
	eppi_plan_free(&p);
	CHECK(!eppi_plan_facet(&c, "Costs", &p)); /* no children: not a facet */
	char *slug = eppi_slug("Year");
	CHECK_STR(slug, "year-code");
	free(slug);
	refs_free(&l);
	eppi_codes_free(&c);

	diag *d2 = diag_new();
	CHECK(eppi_parse("x.json", "{\"a\": 1}", 8, &l, &c, d2) == (size_t)-1);
	CHECK(d2->errors == 1 && strstr(d2->items[0].message, "not an EPPI-Reviewer JSON export"));
	diag_free(d2);
	diag_free(d);
	TEST_MAIN_END();
}
