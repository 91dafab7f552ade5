#include "import/siteyaml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "formats/yaml_write.h"
#include "load/yml.h"
#include "model/model.h"

/* The text of site.yaml without its top-level map and facets sections:
 * each top-level key runs from its line to the next key's. */
static int keep_other_sections(const char *text, size_t len, const yml_node *root, bool force,
                               buf *out, diag *d)
{
	bool has_map = yml_get(root, "map") || yml_get(root, "facets");
	if (has_map && !force) {
		diag_error(d, "site.yaml", 0, 0,
		           "site.yaml has a map or facets section already; --force replaces both with "
		           "the facets of the EPPI-Reviewer export");
		return -1;
	}
	int line = 1;
	size_t next_key = 0;
	bool skipping = false;
	for (size_t i = 0; i < len;) {
		const char *e = memchr(text + i, '\n', len - i);
		size_t n = e ? (size_t)(e - (text + i)) + 1 : len - i;
		while (next_key < root->count && root->pairs[next_key].key->line <= line) {
			const char *k = root->pairs[next_key].key->value;
			if (root->pairs[next_key].key->line == line)
				skipping = !strcmp(k, "map") || !strcmp(k, "facets");
			next_key++;
		}
		if (!skipping)
			buf_put(out, text + i, n);
		i += n;
		line++;
	}
	if (out->len && out->data[out->len - 1] != '\n')
		buf_putc(out, '\n');
	return 0;
}

int siteyaml_map(const import_opts *o, const eppi_codes *c, buf *out, diag *d)
{
	if (!o->rows || !o->columns) {
		diag_error(d, "", 0, 0, "--rows and --columns go together: name both");
		return -1;
	}
	const char *names[3] = {o->rows, o->columns, o->segments};
	eppi_plan plans[3];
	int rc = 0;
	size_t n = 0;
	for (size_t i = 0; i < 3; i++) {
		if (!names[i])
			continue;
		if (!eppi_plan_facet(c, names[i], &plans[n])) {
			buf all = BUF_INIT;
			eppi_facet_names(c, &all);
			diag_error(d, "", 0, 0,
			           "the export has no code set or parent code \"%s\"; it has %s", names[i],
			           all.len ? buf_cstr(&all) : "no code sets");
			buf_free(&all);
			rc = -1;
			continue;
		}
		n++;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(plans[i].id, plans[k].id) == 0) {
				diag_error(d, "", 0, 0, "\"%s\" is named twice among --rows, --columns, --segments",
				           plans[i].label);
				rc = -1;
			}
	char *path = path_join(o->content_dir, "site.yaml");
	char *text = NULL;
	size_t len = 0;
	if (rc == 0 && read_file(path, 4 * 1024 * 1024, &text, &len) == 0) {
		yml_node *root = yml_parse("site.yaml", text, len, 1, d);
		if (!root || root->kind != YML_MAP) {
			if (root)
				diag_error(d, "site.yaml", 0, 0, "site.yaml should be a mapping");
			rc = -1;
		} else {
			rc = keep_other_sections(text, len, root, o->force, out, d);
		}
		yml_free(root);
	} else if (rc == 0 && errno == ENOENT) {
		buf_puts(out, "title: Evidence map\n");
	} else if (rc == 0) {
		diag_error(d, "site.yaml", 0, 0, "cannot read: %s", strerror(errno));
		rc = -1;
	}
	free(text);
	free(path);
	if (rc == 0) {
		static const char *const roles[] = {"rows", "columns", "segments"};
		buf_puts(out, "map:\n");
		for (size_t i = 0; i < n; i++) {
			buf_printf(out, "  %s: ", roles[i]);
			yw_scalar(out, plans[i].id);
			buf_putc(out, '\n');
		}
		buf_puts(out, "facets:\n");
		for (size_t i = 0; i < n; i++) {
			eppi_plan_yaml(&plans[i], out);
			for (size_t k = 0; paths_reserved[k]; k++)
				if (strcmp(plans[i].id, paths_reserved[k]) == 0)
					buf_printf(out, "    path: %s-codes\n", plans[i].id);
		}
	}
	for (size_t i = 0; i < n; i++)
		eppi_plan_free(&plans[i]);
	return rc;
}
