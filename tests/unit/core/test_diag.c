/* Diagnostics: sorted by file and position with no-file problems last, a
 * count line, did-you-mean hints, and messages made safe for a terminal. */
#include <stdlib.h>

#include "core/diag.h"
#include "test.h"

static char *printed(diag *d, bool colour)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	diag_print(d, f, colour);
	fclose(f);
	return text;
}

int main(void)
{
	diag *d = diag_new();
	diag_error(d, "studies/b.yaml", 3, 2, "third");
	diag_error(d, "", 0, 0, "no file");
	diag_warning(d, "studies/a.yaml", 10, 1, "second");
	diag_error(d, "site.yaml", 0, 0, "first");
	diag_error(d, "studies/a.yaml", 2, 5, "also second");
	char *out = printed(d, false);
	CHECK_STR(out, "site.yaml: error: first\n"
	               "studies/a.yaml:2:5: error: also second\n"
	               "studies/a.yaml:10:1: warning: second\n"
	               "studies/b.yaml:3:2: error: third\n"
	               "error: no file\n"
	               "4 errors, 1 warning\n");
	free(out);
	out = printed(d, true);
	CHECK_CONTAINS(out, "\033[1mstudies/b.yaml:3:2: \033[31merror:\033[0m third");
	free(out);
	diag_free(d);

	/* counts: singular and plural, warnings alone */
	d = diag_new();
	diag_warning(d, "x", 1, 1, "w");
	out = printed(d, false);
	CHECK_STR(out, "x:1:1: warning: w\n1 warning\n");
	free(out);
	diag_free(d);

	/* escape sequences from content never reach the terminal */
	d = diag_new();
	diag_error(d, "studies/\033[2Jx.yaml", 1, 1, "code \"%s\"", "\033]0;pwned\a\xc2\x9b" "31m");
	out = printed(d, false);
	CHECK_STR(out, "studies/\\x1B[2Jx.yaml:1:1: error: code \"\\x1B]0;pwned\\x07\\u009B31m\"\n"
	               "1 error\n");
	free(out);
	diag_free(d);

	/* very long messages are cut at a character boundary */
	d = diag_new();
	char *big = malloc(5000);
	for (int i = 0; i < 4998; i += 2) {
		big[i] = '\xc3';
		big[i + 1] = '\xa9';
	}
	big[4998] = '\0';
	diag_error(d, "f", 1, 1, "%s", big);
	CHECK(strlen(d->items[0].message) <= DIAG_MAX_MESSAGE + 8);
	CHECK(strstr(d->items[0].message, "\xc3\xa9...") != NULL);
	free(big);
	diag_free(d);

	/* did you mean */
	const char *codes[] = {"pain", "quality-of-life", "appointments"};
	CHECK_STR(diag_suggest("pian", codes, 3), "pain");
	CHECK_STR(diag_suggest("quality-of-lfie", codes, 3), "quality-of-life");
	CHECK(diag_suggest("zzzzzz", codes, 3) == NULL);
	CHECK(diag_suggest("", codes, 3) == NULL);
	/* a huge word is answered at once (length prune), not after minutes */
	char *huge = malloc(300000);
	memset(huge, 'p', 299999);
	huge[299999] = '\0';
	CHECK(diag_suggest(huge, codes, 3) == NULL);
	free(huge);

	/* positions of byte offsets, columns in characters */
	int line, col;
	diag_locate("ab\ncd\xc3\xa9" "f", 7, &line, &col); /* the f */
	CHECK(line == 2 && col == 4);
	diag_locate("x", 0, &line, &col);
	CHECK(line == 1 && col == 1);
	TEST_MAIN_END();
}
