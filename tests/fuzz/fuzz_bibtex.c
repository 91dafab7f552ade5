/* libFuzzer harness for the BibTeX importer: @string, crossref, braces,
 * TeX accents and name forms on arbitrary input. */
#include "fuzz_common.h"

#include "import/bibtex.h"
#include "import/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag *d = diag_new();
	size_t len;
	char *text = imp_decode("f.bib", (const char *)data, size, &len, d);
	if (text) {
		imp_refs l = {0};
		bibtex_parse("f.bib", text, &l, d);
		refs_free(&l);
		free(bibtex_detex(text));
		free(text);
	}
	diag_free(d);
	return 0;
}
