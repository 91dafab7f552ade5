/* The EPPI-Reviewer JSON export: code sets from facets (groups as parent
 * codes), AttributeIds kept from provenance and numbered after them
 * otherwise, ItemIds from eppi_id, each report's codes, and JSON that
 * reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sink.h"
#include "formats/eppi.h"
#include "load/yml.h"
#include "fixture.h"
#include "test.h"

static const char *str(const yml_node *map, const char *key)
{
	const yml_node *v = yml_get(map, key);
	return v && v->kind == YML_SCALAR ? v->value : NULL;
}

int main(void)
{
	CHECK(fx_init());
	char *studies = path_join(fx_dir, "studies");
	mkdir(studies, 0755);
	free(studies);
	fx_put("site.yaml",
	    "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	    "  outcome:\n    label: Outcome\n    groups:\n"
	    "      - { id: health, label: Health, codes: [ {id: pain, label: Pain, "
	    "provenance: EPPI-Reviewer AttributeId 500}, {id: mood, label: \"Mood <&>\"} ] }\n"
	    "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	fx_put("studies/a.yaml",
	    "title: A \"quoted\" title\nauthors: [\"Smith, J.\", et al.]\nyear: 2020\n"
	    "added: 2024-01-01\noutcome: [pain, mood]\nsetting: gp\neppi_id: \"42\"\n");
	fx_put("studies/b.yaml", "title: B\nyear: 2021\nadded: 2024-01-01\noutcome: mood\n");
	diag *d = diag_new();
	model *m = model_load(fx_dir, d);
	CHECK(m != NULL && d->errors == 0);
	if (!m)
		TEST_MAIN_END();
	buf b = BUF_INIT;
	sink bs = sink_for_buf(&b);
	export_eppi(m, &bs);
	yml_node *root = yml_parse("eppi.json", b.data, b.len, 1, d);
	CHECK(root && root->kind == YML_MAP && d->errors == 0);
	const yml_node *sets = root ? yml_get(root, "CodeSets") : NULL;
	CHECK(sets && sets->kind == YML_SEQ && sets->count == 2);
	if (sets && sets->count == 2) {
		CHECK_STR(str(sets->items[0], "SetName"), "Outcome");
		const yml_node *top =
		    yml_get(yml_get(sets->items[0], "Attributes"), "AttributesList");
		CHECK(top && top->count == 1);
		const yml_node *health = top->items[0];
		CHECK_STR(str(health, "AttributeName"), "Health");
		const yml_node *kids = yml_get(yml_get(health, "Attributes"), "AttributesList");
		CHECK(kids && kids->count == 2);
		CHECK_STR(str(kids->items[0], "AttributeId"), "500"); /* from provenance */
		CHECK_STR(str(kids->items[1], "AttributeId"), "501"); /* numbered after it */
		CHECK_STR(str(kids->items[1], "AttributeName"), "Mood <&>");
		CHECK_STR(str(health, "AttributeId"), "502");
	}
	const yml_node *refs = root ? yml_get(root, "References") : NULL;
	CHECK(refs && refs->count == 2);
	if (refs && refs->count == 2) {
		const yml_node *a = refs->items[0];
		CHECK_STR(str(a, "ItemId"), "42");
		CHECK_STR(str(a, "OldItemId"), "a");
		CHECK_STR(str(a, "Title"), "A \"quoted\" title");
		CHECK_STR(str(a, "Authors"), "Smith, J.; "); /* no et al. */
		CHECK_STR(str(a, "ShortTitle"), "Smith (2020)");
		const yml_node *codes = yml_get(a, "Codes");
		CHECK(codes && codes->count == 3);
		CHECK_STR(str(refs->items[1], "ItemId"), "43"); /* after the largest ItemId */
	}
	CHECK(b.data && b.data[b.len - 1] == '\n');
	yml_free(root);
	buf_free(&b);
	model_free(m);
	diag_free(d);
	TEST_MAIN_END();
}
