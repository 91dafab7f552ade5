/* libFuzzer harness for the EPPI-Reviewer JSON importer: the code tree,
 * references with junk codes, and facets planned from every node. */
#include "fuzz_common.h"

#include "import/eppi.h"
#include "import/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag *d = diag_new();
	size_t len;
	char *text = imp_decode("f.json", (const char *)data, size, &len, d);
	if (text) {
		imp_refs l = {0};
		eppi_codes c = {0};
		eppi_parse("f.json", text, len, &l, &c, d);
		for (size_t i = 0; i < c.nsets; i++) {
			const char *names[2] = {c.sets[i].name, c.sets[i].nkids ? c.sets[i].kids[0].name : "x"};
			for (size_t k = 0; k < 2; k++) {
				eppi_plan p;
				if (eppi_plan_facet(&c, names[k], &p)) {
					buf y = BUF_INIT;
					eppi_plan_yaml(&p, &y);
					buf_free(&y);
					eppi_plan_free(&p);
				}
			}
		}
		eppi_codes_free(&c);
		refs_free(&l);
		free(text);
	}
	diag_free(d);
	return 0;
}
