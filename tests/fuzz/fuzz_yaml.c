/* libFuzzer harness for the YAML layer and site.yaml: any bytes must give
 * a tree or diagnostics, never a crash, a leak, undefined behaviour or a
 * hang (aliases, depth and size are bounded). */
#include "fuzz_common.h"

#include "load/config.h"
#include "core/diag.h"
#include "load/note.h"
#include "load/yml.h"

/* Visits every node, so a malformed tree would show under ASan. */
static size_t walk(const yml_node *n)
{
	if (!n)
		return 0;
	size_t k = 1;
	if (n->kind == YML_SCALAR) {
		long long i;
		bool b;
		(void)yml_int(n, &i);
		(void)yml_bool(n, &b);
		(void)yml_is_null(n);
		k += n->len;
	}
	for (size_t i = 0; n->kind == YML_SEQ && i < n->count; i++)
		k += walk(n->items[i]);
	for (size_t i = 0; n->kind == YML_MAP && i < n->count; i++)
		k += walk(n->pairs[i].key) + walk(n->pairs[i].value);
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag *d = diag_new();
	yml_node *root = yml_parse("fuzz.yaml", (const char *)data, size, 1, d);
	if (root) {
		(void)yml_get(root, "title");
		(void)walk(root);
	}
	yml_free(root);

	/* The same bytes as a page: front matter, then Markdown. */
	size_t yoff, ylen, body;
	int yline;
	if (note_front_matter((const char *)data, size, &yoff, &ylen, &body, &yline)) {
		yml_node *fm = yml_parse("page.md", (const char *)data + yoff, ylen, yline, d);
		yml_free(fm);
	}

	/* And as a site.yaml. */
	char path[512];
	int fd = fuzz_memfile(data, size, path, sizeof path);
	if (fd >= 0) {
		cfg_site *s = cfg_load(path, "site.yaml", d);
		cfg_free(s);
		close(fd);
	}
	buf b = BUF_INIT;
	for (size_t i = 0; i < d->count; i++)
		diag_format(&d->items[i], &b);
	buf_free(&b);
	diag_free(d);
	return 0;
}
