/* libFuzzer harness for the CSV importer: quoting, separators, headers
 * (Covidence, Rayyan, a --map and facet columns of a fixed site). */
#include "fuzz_common.h"

#include <string.h>

#include "import/csv.h"
#include "import/text.h"

static const char site_yaml[] = "title: Fuzz\n"
                                "map: { rows: outcome, columns: setting }\n"
                                "facets:\n"
                                "  outcome: { label: Outcome, codes: [ { id: pain, label: Pain } ] }\n"
                                "  setting: { label: Setting, codes: [ { id: gp, label: GP } ] }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag *d = diag_new();
	char sp[64];
	int sfd = fuzz_memfile((const uint8_t *)site_yaml, sizeof site_yaml - 1, sp, sizeof sp);
	cfg_site *site = sfd >= 0 ? cfg_load(sp, "site.yaml", d) : NULL;
	if (!site || d->errors)
		abort(); /* the harness's own site must load */
	size_t len;
	char *text = imp_decode("f.csv", (const char *)data, size, &len, d);
	if (text) {
		char *map[] = {"Study=title", "Codes=outcome"};
		csv_opts o = {map, 2, size && data[0] == '|' ? "|" : NULL};
		imp_refs l = {0};
		csv_parse("f.csv", text, &o, site, &l, d);
		refs_free(&l);
		free(text);
	}
	cfg_free(site);
	close(sfd);
	diag_free(d);
	return 0;
}
