/* libFuzzer harness for notes and pages (cmark and YAML front matter): the
 * input is a study's note (studies/fuzz.md, up to the first 0xFF byte) and
 * a page (pages/fuzz.md, the rest), loaded through model_load in a content
 * folder of the harness's own with a fixed site.yaml and record. Any bytes
 * must give a model or diagnostics, never a crash, a leak or a hang; what
 * loads is rendered once more as HTML, text and first heading. */
#include "fuzz_common.h"

#include <string.h>

#include "core/diag.h"
#include "core/util.h"
#include "load/note.h"
#include "model/model.h"

static const char site_yaml[] =
    "title: Fuzz\n"
    "map: { rows: outcome, columns: setting, segments: design, filters: [design, year] }\n"
    "facets:\n"
    "  outcome:\n"
    "    label: Outcome\n"
    "    required: true\n"
    "    codes: [ { id: pain, label: Pain }, { id: mood, label: Mood } ]\n"
    "  setting:\n"
    "    label: Setting\n"
    "    codes: [ { id: gp, label: GP }, { id: home, label: Home } ]\n"
    "  design:\n"
    "    label: Design\n"
    "    multiple: false\n"
    "    codes: [ { id: rct, label: RCT } ]\n";

static const char record_yaml[] = "title: A trial\n"
                                  "authors: [\"Smith, A.\"]\n"
                                  "year: 2020\n"
                                  "added: 2024-01-10\n"
                                  "outcome: [pain]\n"
                                  "setting: gp\n"
                                  "design: rct\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char path[512];
	if (!ready) {
		char sub[512];
		snprintf(sub, sizeof sub, "%s/studies", fuzz_dir());
		mkdir(sub, 0700);
		snprintf(sub, sizeof sub, "%s/pages", fuzz_dir());
		mkdir(sub, 0700);
		fuzz_write("site.yaml", (const uint8_t *)site_yaml, sizeof site_yaml - 1, path,
		           sizeof path);
		fuzz_write("studies/fuzz.yaml", (const uint8_t *)record_yaml,
		           sizeof record_yaml - 1, path, sizeof path);
		ready = true;
	}
	const uint8_t *sep = memchr(data, 0xFF, size);
	size_t nlen = sep ? (size_t)(sep - data) : size;
	fuzz_write("studies/fuzz.md", data, nlen, path, sizeof path);
	if (sep)
		fuzz_write("pages/fuzz.md", sep + 1, size - nlen - 1, path, sizeof path);
	else
		fuzz_write("pages/fuzz.md", (const uint8_t *)"", 0, path, sizeof path);

	diag *d = diag_new();
	model *m = model_load(fuzz_dir(), d);
	if (m) {
		for (size_t i = 0; i < m->npages; i++)
			if (!m->pages[i].html || !m->pages[i].title)
				abort(); /* a loaded page has its HTML and a title */
		model_free(m);
	}
	/* The note's text straight through the Markdown layer too, whatever
	 * the checks above thought of its bytes. */
	char *h = note_html((const char *)data, nlen, 1);
	char *t = note_text((const char *)data, nlen);
	char *f = note_first_heading((const char *)data, nlen);
	free(h);
	free(t);
	free(f);
	buf b = BUF_INIT;
	for (size_t i = 0; i < d->count; i++)
		diag_format(&d->items[i], &b);
	buf_free(&b);
	diag_free(d);
	return 0;
}
