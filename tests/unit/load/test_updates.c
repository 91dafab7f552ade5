/* updates: site.yaml's list of updates and where a record falls in it. */
#include <stdlib.h>
#include <string.h>

#include "formats/feedupd.h"
#include "load/updates.h"
#include "load/yml.h"
#include "test.h"

static bool read(const char *text, cfg_updates *u, diag *d)
{
	yml_node *root = yml_parse("site.yaml", text, strlen(text), 1, d);
	bool ok = root && updates_read(yml_get(root, "updates"), u, d);
	yml_free(root);
	return ok;
}

int main(void)
{
	diag *d = diag_new();
	cfg_updates u;
	CHECK(read("updates:\n"
	           "  - { version: \"1.0\", date: 2024-01-10, searched: 2023-12-01 }\n"
	           "  - version: \"1.1\"\n"
	           "    date: 2024-03-01\n"
	           "    summary: More.\n"
	           "    withdrawn:\n"
	           "      - { id: old-2010, reason: Retracted. }\n",
	           &u, d));
	CHECK(d->errors == 0);
	CHECK(u.n == 2);
	CHECK_STR(u.v[0].searched, "2023-12-01");
	CHECK(u.v[1].searched == NULL);
	CHECK(u.v[1].nwithdrawn == 1);
	CHECK_STR(u.v[1].withdrawn[0].id, "old-2010");
	CHECK(u.v[1].withdrawn[0].line == 7);
	/* A record joins the first update dated on or after its added: date. */
	CHECK(updates_place(&u, "2023-05-01") == 0);
	CHECK(updates_place(&u, "2024-01-10") == 0);
	CHECK(updates_place(&u, "2024-01-11") == 1);
	CHECK(updates_place(&u, "2024-03-01") == 1);
	CHECK(updates_place(&u, "2024-03-02") == (size_t)-1);
	CHECK(updates_place(&u, NULL) == (size_t)-1);
	updates_free(&u);

	/* No list, or an empty one: no updates, no error. */
	CHECK(read("title: T\n", &u, d) && u.n == 0);
	CHECK(read("updates:\n", &u, d) && u.n == 0);
	CHECK(updates_place(&u, "2024-01-01") == (size_t)-1);
	updates_free(&u);

	/* Problems, all of them. */
	CHECK(!read("updates: 3\n", &u, d));
	updates_free(&u);
	diag_free(d);
	d = diag_new();
	CHECK(!read("updates:\n"
	            "  - { version: a, date: 2024-02-01 }\n"
	            "  - { version: a, date: 2024-01-01 }\n"
	            "  - notamap\n",
	            &u, d));
	CHECK(d->errors == 3);
	updates_free(&u);
	diag_free(d);

	buf b = BUF_INIT;
	feedupd_anchor("1.1 beta/2", &b);
	CHECK_STR(buf_cstr(&b), "v1_1_beta_2");
	buf_free(&b);
	TEST_MAIN_END();
}
