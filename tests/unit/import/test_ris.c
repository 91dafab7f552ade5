/* The RIS parser on the quirks of real exports, one at a time. */
#include <stdlib.h>
#include <string.h>

#include "import/ris.h"
#include "test.h"

int main(void)
{
	diag *d = diag_new();
	imp_refs l = {0};
	size_t n = ris_parse("a.ris",
	                     "\n1.\nTY  - JOUR\nTI  - Part one\n   and two\nAU  - Smith JA\nAU  - et al.\n"
	                     "A1  - Jones, B.\nPY  - 2019/05/01\nT2  - Journal\nJO  - J\nSP  - 3\nEP  - 9\n"
	                     "UR  - https://doi.org/10.1/x\nER  - \nTY  - BOOK\nTI - One space\nPY  - 2001\n"
	                     "ER  -\nJUNK\nTY  - CHAP\nTI  - No ER\nTY  - WEB\nTI  - Next\n",
	                     &l, d);
	CHECK(n == 4 && l.n == 4);
	imp_ref *r = &l.v[0];
	CHECK(r->line == 3);
	CHECK_STR(r->title, "Part one and two");
	CHECK(r->nauthors == 2);
	CHECK_STR(r->authors[0], "Smith, J. A.");
	CHECK_STR(r->authors[1], "Jones, B.");
	CHECK(r->year == 2019);
	CHECK_STR(r->journal, "Journal"); /* T2 before JO */
	CHECK_STR(r->pages, "3-9");
	CHECK_STR(r->doi, "10.1/x");
	CHECK_STR(r->type, "article");
	CHECK_STR(l.v[1].title, "One space");
	CHECK_STR(l.v[1].type, "book");
	CHECK(l.v[1].year == 2001);
	CHECK_STR(l.v[2].title, "No ER");
	CHECK_STR(l.v[2].type, "chapter");
	CHECK_STR(l.v[3].type, "webpage");
	/* A missing ER is warned about at the reference it cuts short. */
	bool warned = false;
	for (size_t i = 0; i < d->count; i++)
		warned |= d->items[i].line == 21 && strstr(d->items[i].message, "no ER line") != NULL;
	CHECK(warned);
	CHECK(d->errors == 0);
	refs_free(&l);

	/* Tags before any TY are ignored with a warning; nothing is read. */
	diag *d2 = diag_new();
	CHECK(ris_parse("b.ris", "TI  - orphan\n", &l, d2) == 0);
	CHECK(d2->warnings == 1);
	refs_free(&l);
	diag_free(d2);
	CHECK_STR(ris_type("RPRT"), "report");
	CHECK_STR(ris_type("XYZ"), "other");
	diag_free(d);
	TEST_MAIN_END();
}
