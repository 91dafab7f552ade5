/* libFuzzer harness for the RIS importer's reading side: decoding (BOM,
 * line ends, Latin-1/Windows-1252), format sniffing, the RIS parser, and
 * the repair and folding every imported name and title goes through. */
#include "fuzz_common.h"

#include "import/ris.h"
#include "import/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag *d = diag_new();
	size_t len;
	char *text = imp_decode("f.ris", (const char *)data, size, &len, d);
	if (text) {
		(void)imp_sniff(text);
		imp_refs l = {0};
		ris_parse("f.ris", text, &l, d);
		for (size_t i = 0; i < l.n; i++) {
			if (l.v[i].title) {
				free(imp_fix_double_utf8(l.v[i].title));
				free(imp_fold(l.v[i].title));
			}
			for (size_t k = 0; k < l.v[i].nauthors; k++)
				free(imp_fix_double_utf8(l.v[i].authors[k]));
		}
		refs_free(&l);
		free(text);
	}
	diag_free(d);
	return 0;
}
