/* Import text handling: decoding (BOM, CR/CRLF, Latin-1, Windows-1252,
 * UTF-16 and binary refused), repair of doubly encoded UTF-8, folding for
 * ids, and recognising formats by their look. */
#include <stdlib.h>
#include <string.h>

#include "import/text.h"
#include "test.h"

static char *decode(const char *in, size_t len, diag *d)
{
	size_t n;
	return imp_decode("f", in, len, &n, d);
}

int main(void)
{
	diag *d = diag_new();
	char *t = decode("\xEF\xBB\xBFTY  - JOUR\r\nTI  - x\rER  - \r\n", 31, d);
	CHECK_STR(t, "TY  - JOUR\nTI  - x\nER  - \n");
	CHECK(d->warnings == 0);
	free(t);
	t = decode("Mu\xF1oz", 5, d);
	CHECK_STR(t, "Muñoz");
	CHECK(d->warnings == 1 && strstr(d->items[0].message, "Latin-1"));
	free(t);
	t = decode("\x93quoted\x94 \x96 dash", 15, d);
	CHECK_STR(t, "“quoted” – dash");
	CHECK(d->warnings == 2 && strstr(d->items[1].message, "Windows-1252"));
	free(t);
	CHECK(decode("\xFF\xFEx\0y\0", 6, d) == NULL);
	CHECK(d->errors == 1 && strstr(d->items[2].message, "UTF-16"));
	CHECK(decode("a\0b", 3, d) == NULL && d->errors == 2);

	char *f = imp_fix_double_utf8("MuÃ±oz, JosÃ©");
	CHECK_STR(f, "Muñoz, José");
	free(f);
	f = imp_fix_double_utf8("DvoÅ™Ã¡k");
	CHECK_STR(f, "Dvořák");
	free(f);
	CHECK(imp_fix_double_utf8("Muñoz") == NULL);
	CHECK(imp_fix_double_utf8("plain") == NULL);
	CHECK(imp_fix_double_utf8("Ã") == NULL); /* not UTF-8 once undone */

	char *k = imp_fold("  Muñoz-García, José ");
	CHECK_STR(k, "munoz garcia jose");
	free(k);
	k = imp_fold("O'Brien Straße Æsop Łódź");
	CHECK_STR(k, "obrien strasse aesop lodz");
	free(k);

	CHECK_STR(imp_sniff("\n\n1.\nTY  - JOUR\n"), "ris");
	CHECK_STR(imp_sniff("@article{x,\n"), "bibtex");
	CHECK_STR(imp_sniff("  @Book ( x,\n"), "bibtex");
	CHECK_STR(imp_sniff("FN Clarivate Analytics Web of Science\nVR 1.0\n"), "wos");
	CHECK_STR(imp_sniff("PT J\nAU Smith\n"), "wos");
	CHECK_STR(imp_sniff("\nPMID- 1\nOWN - NLM\n"), "medline");
	CHECK_STR(imp_sniff("{\"References\": []}"), "json");
	CHECK_STR(imp_sniff("<?xml version=\"1.0\"?>"), "endnote-xml");
	CHECK_STR(imp_sniff("%A Smith\n%T x\n"), "refer");
	CHECK_STR(imp_sniff("Title,Authors,Year\n"), "csv");
	CHECK(imp_sniff("# A heading, with a comma\n") == NULL);
	CHECK(imp_sniff("") == NULL);
	CHECK(strstr(imp_format_name("wos"), "Web of Science") != NULL);
	diag_free(d);
	TEST_MAIN_END();
}
