/* libFuzzer harness for the record loader: a fixed site.yaml, and the
 * input as studies/<id>.yaml (the first half) and its note (the rest,
 * after a 0xFF byte when there is one). */
#include "fuzz_common.h"

#include <string.h>

#include "load/config.h"
#include "core/diag.h"
#include "load/record.h"

static const char site_yaml[] =
	"title: Fuzz\n"
	"map: { rows: outcome, columns: setting, segments: design, filters: [design, year] }\n"
	"facets:\n"
	"  outcome:\n"
	"    label: Outcome\n"
	"    required: true\n"
	"    groups:\n"
	"      - { id: health, label: Health, codes: [ { id: pain, label: Pain }, { id: mood, label: Mood } ] }\n"
	"      - { id: services, label: Services, codes: [ { id: visits, label: Visits } ] }\n"
	"  setting:\n"
	"    label: Setting\n"
	"    codes: [ { id: gp, label: GP }, { id: home, label: Home } ]\n"
	"  design:\n"
	"    label: Design\n"
	"    multiple: false\n"
	"    codes: [ { id: rct, label: RCT } ]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Loading the site per input keeps the harness free of global state;
	 * it is small and fast next to the record itself. */
	diag *d = diag_new();
	char sp[512], rp[512], np[512];
	int sfd = fuzz_memfile((const uint8_t *)site_yaml, sizeof site_yaml - 1, sp, sizeof sp);
	cfg_site *site = sfd >= 0 ? cfg_load(sp, "site.yaml", d) : NULL;
	if (!site || d->errors)
		abort(); /* the harness's own site must load */
	const uint8_t *sep = memchr(data, 0xFF, size);
	size_t rlen = sep ? (size_t)(sep - data) : size;
	int rfd = fuzz_memfile(data, rlen, rp, sizeof rp);
	int nfd = sep ? fuzz_memfile(sep + 1, size - rlen - 1, np, sizeof np) : -1;
	if (rfd >= 0) {
		record *r = rec_load(site, rp, "studies/fuzz.yaml", "fuzz", nfd >= 0 ? np : NULL,
		                     "studies/fuzz.md", d);
		if (r && r->doi) {
			char *again = rec_normalise_doi(r->doi);
			if (!again || strcmp(again, r->doi) != 0)
				abort(); /* normalising is idempotent */
			free(again);
		}
		if (r && r->url && !rec_url_allowed(r->url))
			abort(); /* no record carries a URL the checks refuse */
		rec_free(r);
		close(rfd);
	}
	if (nfd >= 0)
		close(nfd);
	cfg_free(site);
	close(sfd);
	diag_free(d);
	return 0;
}
