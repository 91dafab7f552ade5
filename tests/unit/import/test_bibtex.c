/* The BibTeX parser: TeX to UTF-8, name forms, @string, #, crossref,
 * comments, and recovery after a broken entry. */
#include <stdlib.h>
#include <string.h>

#include "import/bibtex.h"
#include "test.h"

static void detex(const char *in, const char *want)
{
	char *got = bibtex_detex(in);
	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	detex("{\\\"o}", "ö");
	detex("\\\"{o}", "ö");
	detex("\\'e\\`a\\^o\\~n", "éàôñ");
	detex("\\c{c}\\v{s}\\u{g}\\H{o}\\r{a}", "çšğőå");
	detex("{\\ss} \\o{} \\ae{} \\L", "ß ø æ Ł"); /* TeX eats the space after \\ae */
	detex("\\'{\\i}", "í");
	detex("Fish \\& {Chips} 50\\%", "Fish & Chips 50%");
	detex("1--2 and 3---4", "1–2 and 3—4");
	detex("\\emph{word}  spaced~out", "word spaced out");
	detex("\\unknown{x}", "x");

	diag *d = diag_new();
	imp_refs l = {0};
	size_t n = bibtex_parse("t.bib",
	                        "@String{j = \"Journal\"}\n"
	                        "@comment{ignored @article{no, title={x}} }\n"
	                        "@article{a, author = {van der Berg, Jan and Ann {de Vries} and {World Health Organization} and others},\n"
	                        " title = \"A \" # {b}, journal = j, year = {2021}, pages = {1--5}}\n"
	                        "@incollection(b, crossref = {book}, title = {Ch})\n"
	                        "@book{book, title = {Whole}, booktitle = {Whole}, year = 1999, publisher = {P}}\n"
	                        "@misc{bad, title = {never closes, year = 2000}\n"
	                        "@misc{good, title = {After}, year = 2001}\n",
	                        &l, d);
	CHECK(n == 4 && l.n == 4);
	if (l.n == 4) {
		imp_ref *r = &l.v[0];
		CHECK_STR(r->title, "A b");
		CHECK_STR(r->journal, "Journal");
		CHECK(r->year == 2021);
		CHECK_STR(r->pages, "1-5");
		CHECK(r->nauthors == 3);
		CHECK_STR(r->authors[0], "van der Berg, Jan");
		CHECK_STR(r->authors[1], "de Vries, Ann");
		CHECK_STR(r->authors[2], "World Health Organization");
		CHECK(l.v[0].line == 3);
		CHECK_STR(l.v[1].type, "chapter");
		CHECK_STR(l.v[1].journal, "Whole"); /* from the crossref */
		CHECK(l.v[1].year == 1999);
		CHECK_STR(l.v[1].publisher, "P");
		CHECK_STR(l.v[2].type, "book");
		CHECK_STR(l.v[3].title, "After");
	}
	CHECK(d->errors == 1);
	refs_free(&l);
	diag_free(d);
	TEST_MAIN_END();
}
