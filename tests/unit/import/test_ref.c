/* ref: the shape every import parser fills — trimmed fields, authors
 * without "et al.", MEDLINE names made "Family, G.", codes with or without
 * a facet, the year read out of free text. */
#include <stdlib.h>
#include <string.h>

#include "import/ref.h"
#include "test.h"

static void name(const char *in, const char *want)
{
	char *got = ref_author_name(in);
	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	imp_refs l = {0};
	imp_ref *r = refs_add(&l, "refs.ris", 12);
	CHECK(l.n == 1 && r == &l.v[0]);
	CHECK_STR(r->file, "refs.ris");
	CHECK(r->line == 12 && r->year == 0 && r->title == NULL && r->nauthors == 0);

	/* Fields are trimmed copies; an empty or blank value clears. */
	ref_set(&r->title, "  A trial \n");
	CHECK_STR(r->title, "A trial");
	ref_set(&r->title, "Another");
	CHECK_STR(r->title, "Another");
	ref_set(&r->title, " \t\r\n");
	CHECK(r->title == NULL);
	ref_set(&r->doi, "10.1/x");
	ref_set(&r->doi, NULL);
	CHECK(r->doi == NULL);
	ref_set(&r->journal, "J");

	/* Authors: trimmed, blanks and the "et al." family dropped. */
	ref_add_author(r, " Smith, J. ");
	ref_add_author(r, "");
	ref_add_author(r, "   ");
	ref_add_author(r, "et al.");
	ref_add_author(r, "ET AL");
	ref_add_author(r, "others");
	ref_add_author(r, "Jones, A.");
	CHECK(r->nauthors == 2);
	CHECK_STR(r->authors[0], "Smith, J.");
	CHECK_STR(r->authors[1], "Jones, A.");

	/* Codes keep their facet, or none (EPPI). */
	ref_add_code(r, "outcome", "pain");
	ref_add_code(r, NULL, "5012345");
	CHECK(r->ncodes == 2);
	CHECK_STR(r->codes[0], "pain");
	CHECK_STR(r->code_facets[0], "outcome");
	CHECK_STR(r->codes[1], "5012345");
	CHECK(r->code_facets[1] == NULL);

	/* Keywords: trimmed, blanks dropped. */
	ref_add_keyword(r, " Outcome: Pain ");
	ref_add_keyword(r, "  ");
	CHECK(r->nkeywords == 1);
	CHECK_STR(r->keywords[0], "Outcome: Pain");

	/* A second ref: the list grows (the first may move) and both are kept. */
	imp_ref *r2 = refs_add(&l, "refs.ris", 30);
	ref_set(&r2->title, "Second");
	CHECK(l.n == 2);
	CHECK_STR(l.v[0].journal, "J");
	CHECK(l.v[1].line == 30);
	refs_free(&l);
	CHECK(l.n == 0 && l.v == NULL);
	refs_free(&l); /* twice is harmless */

	/* Years: the first run of exactly four digits in range. */
	CHECK(ref_year("2019") == 2019);
	CHECK(ref_year("Published 2019 Mar;12(3)") == 2019);
	CHECK(ref_year("2019/03/01/") == 2019);
	CHECK(ref_year("c1999") == 1999);
	CHECK(ref_year("12345 2020") == 2020);   /* five digits are no year */
	CHECK(ref_year("vol 12, 2001") == 2001); /* two digits are no year */
	CHECK(ref_year("0999 3000 1850") == 1850);
	CHECK(ref_year("in press") == 0);
	CHECK(ref_year("") == 0);
	CHECK(ref_year(NULL) == 0);
	CHECK(ref_year("999") == 0);
	CHECK(ref_year("01999") == 0); /* five digits, even read as a year in range */

	/* MEDLINE names. */
	name("Smith JA", "Smith, J. A.");
	name("Smith J", "Smith, J.");
	name("  Smith JAB", "Smith, J. A. B.");
	name("van der Berg JA", "van der Berg, J. A.");
	name("Smith, John", "Smith, John");
	name("Smith ABCD", "Smith ABCD"); /* more than three letters: a name */
	name("John Smith", "John Smith");
	name("Smith Ja", "Smith Ja");
	name("WHO", "WHO");
	name("", "");
	TEST_MAIN_END();
}
