/* import: references become records with readable ids (family name + year,
 * a letter on clashes); matches against the map by EPPI ItemId, normalised
 * DOI or normalised title + year are skipped, as are repeats within the
 * import; a dry run writes nothing; --update fills in what a record lacks. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "import/import.h"
#include "load/yml.h"
#include "test.h"

static size_t count_files(const char *rel)
{
	char *path = fx_path(rel);
	DIR *dp = opendir(path);
	size_t n = 0;
	for (struct dirent *e; dp && (e = readdir(dp));)
		n += e->d_name[0] != '.';
	if (dp)
		closedir(dp);
	free(path);
	return n;
}

/* One import; the report in *report, every message formatted in *msgs. */
static int import(const char *format, const char *file, bool dry, bool update, import_summary *s,
                  buf *report, buf *msgs)
{
	char *path = fx_path(file);
	char *files[] = {path};
	import_opts o = {.content_dir = fx_dir,
	                 .format = format,
	                 .files = files,
	                 .nfiles = 1,
	                 .dry_run = dry,
	                 .update = update,
	                 .today = "2024-09-01"};
	diag *d = diag_new();
	buf_reset(report);
	buf_reset(msgs);
	int rc = import_run(&o, s, report, d);
	diag_sort(d);
	for (size_t i = 0; i < d->count; i++) {
		diag_format(&d->items[i], msgs);
		buf_putc(msgs, '\n');
	}
	diag_free(d);
	free(path);
	return rc;
}

static const char ris[] =
    /* line 1: a new reference whose id clashes with a record file */
    "TY  - JOUR\nAU  - Smith, John\nTI  - A new trial\nPY  - 2020\nER  - \n\n"
    /* line 7: another Smith of 2020 */
    "TY  - JOUR\nAU  - Smith, Anne\nTI  - Another trial\nPY  - 2020\nER  - \n\n"
    /* line 13: the map's record by DOI, spelled as a link in capitals */
    "TY  - JOUR\nAU  - Other, O.\nTI  - Different words\nPY  - 2001\n"
    "DO  - https://doi.org/10.1000/ABC\nER  - \n\n"
    /* line 20: the map's record by title and year, differently punctuated */
    "TY  - JOUR\nTI  - Exercise  for PAIN.\nPY  - 2020\nER  - \n\n"
    /* line 25: the same title, another year: new; no author, so the
     * title's first word names it */
    "TY  - JOUR\nTI  - Exercise for pain\nPY  - 2021\nER  - \n\n"
    /* line 30: the first reference again */
    "TY  - JOUR\nAU  - Smith, J.\nTI  - A NEW trial!\nPY  - 2020\nER  - \n\n"
    /* line 36: no year */
    "TY  - JOUR\nAU  - Lee, K.\nTI  - Undated\nER  - \n\n"
    /* line 41: an organisation as author, with accents */
    "TY  - RPRT\nAU  - Société Générale\nTI  - Report\nPY  - 2022\nER  - \n";

int main(void)
{
	CHECK(fx_init());
	char *studies = fx_path("studies");
	mkdir(studies, 0755);
	fx_put("site.yaml",
	       "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	       "  outcome: { label: Outcome, required: true, codes: [ {id: pain, label: "
	       "Pain} ] }\n"
	       "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	fx_put("studies/smith-2020.yaml", "title: Exercise for pain\nauthors: [\"Smith, J.\"]\n"
	                                  "year: 2020\ndoi: 10.1000/abc\nadded: 2024-01-01\n"
	                                  "outcome: pain\n");
	fx_put("studies/old-2019.yaml", "title: Old one\nyear: 2019\nadded: 2024-01-01\n"
	                                "eppi_id: \"77\"\noutcome: pain\n");
	fx_put("refs.ris", ris);
	CHECK(import_known_format("ris") && import_known_format("eppi") &&
	      import_known_format("bibtex") && import_known_format("csv"));
	CHECK(!import_known_format("json") && !import_known_format("RIS") &&
	      !import_known_format(""));

	import_summary s;
	buf report = BUF_INIT, msgs = BUF_INIT;

	/* A dry run: the same decisions, nothing written. */
	CHECK(import("ris", "refs.ris", true, false, &s, &report, &msgs) == 1);
	CHECK(s.read == 8 && s.created == 4 && s.drafts == 4 && s.matched == 2 && s.repeated == 1 &&
	      s.invalid == 1 && s.updated == 0);
	CHECK_STR(buf_cstr(&report),
	          "gapmap: dry run, nothing written: 8 references read; 4 would be created (4 "
	          "of them drafts, not yet coded), 0 would be updated, 4 skipped (2 already in "
	          "the map, 1 repeated in the import, 1 invalid)\n");
	CHECK(count_files("studies") == 2);
	CHECK(!fx_exists("studies/smith-2020b.yaml"));

	/* The real run. */
	CHECK(import("ris", "refs.ris", false, false, &s, &report, &msgs) == 1);
	CHECK(s.read == 8 && s.created == 4 && s.matched == 2 && s.repeated == 1 && s.invalid == 1);
	CHECK_CONTAINS(buf_cstr(&report), "gapmap: 8 references read; 4 created (4 of them "
	                                  "drafts, not yet coded), 0 updated, 4 skipped");
	const char *m = buf_cstr(&msgs);
	char *f = fx_path("refs.ris");
	buf want = BUF_INIT;
	buf_printf(&want,
	           "%s:13: note: skipped: already in the map as studies/smith-2020.yaml "
	           "(same DOI); --update refreshes it\n",
	           f);
	CHECK_CONTAINS(m, buf_cstr(&want));
	buf_reset(&want);
	buf_printf(&want,
	           "%s:20: note: skipped: already in the map as studies/smith-2020.yaml "
	           "(same title and year)",
	           f);
	CHECK_CONTAINS(m, buf_cstr(&want));
	buf_reset(&want);
	buf_printf(&want,
	           "%s:30: note: skipped: the same reference as at %s:1 (same title and "
	           "year)\n",
	           f, f);
	CHECK_CONTAINS(m, buf_cstr(&want));
	buf_reset(&want);
	buf_printf(&want, "%s:36: error: reference without a year: not imported\n", f);
	CHECK_CONTAINS(m, buf_cstr(&want));
	/* Ids: family name + year; b, c on clashes (with the record file too);
	 * an organisation's whole name, folded; the title's first word. */
	CHECK(fx_exists("studies/smith-2020b.yaml"));
	CHECK(fx_exists("studies/smith-2020c.yaml"));
	CHECK(fx_exists("studies/exercise-2021.yaml"));
	CHECK(fx_exists("studies/societe-generale-2022.yaml"));
	CHECK(count_files("studies") == 6);
	/* The new record: its fields, today's added date, a draft (the
	 * required outcome is not coded yet); and the map's records as they
	 * were. */
	char *y = fx_slurp("studies/smith-2020b.yaml");
	diag *d = diag_new();
	yml_node *root = y ? yml_parse("x", y, strlen(y), 1, d) : NULL;
	CHECK(root && d->errors == 0);
	if (root) {
		CHECK_STR(yml_get(root, "title")->value, "A new trial");
		CHECK_STR(yml_get(root, "year")->value, "2020");
		CHECK_STR(yml_get(root, "added")->value, "2024-09-01");
		CHECK(yml_get(root, "draft") && strcmp(yml_get(root, "draft")->value, "true") == 0);
		const yml_node *au = yml_get(root, "authors");
		CHECK(au && au->kind == YML_SEQ && au->count == 1);
	}
	yml_free(root);
	diag_free(d);
	free(y);
	y = fx_slurp("studies/smith-2020.yaml");
	CHECK_CONTAINS(y, "title: Exercise for pain\n");
	CHECK(y && !strstr(y, "Different"));
	free(y);

	/* Again: everything valid is in the map now (the repeat too: the map
	 * is matched before the import's own earlier references). */
	CHECK(import("ris", "refs.ris", false, false, &s, &report, &msgs) == 1);
	CHECK(s.created == 0 && s.matched == 7 && s.repeated == 0 && s.invalid == 1);
	CHECK(count_files("studies") == 6);

	/* EPPI ItemId matches first, whatever the title. */
	fx_put("e.json", "{\"CodeSets\":[],\"References\":[{\"ItemId\":77,\"Title\":\"Renamed\","
	                 "\"Year\":\"2019\",\"Authors\":\"Old A\"}]}");
	CHECK(import("eppi", "e.json", false, false, &s, &report, &msgs) == 0);
	CHECK(s.read == 1 && s.matched == 1 && s.created == 0);
	CHECK_CONTAINS(buf_cstr(&msgs), "skipped: already in the map as studies/old-2019.yaml "
	                                "(same EPPI ItemId)");

	/* --update fills in what the record lacks (a DOI and the author),
	 * keeps what it has (the title); a dry run of it writes nothing. */
	fx_put("u.ris", "TY  - JOUR\nAU  - Old, A.\nTI  - Old one\nPY  - 2019\n"
	                "DO  - 10.5555/OLD\nER  - \n");
	char *before = fx_slurp("studies/old-2019.yaml");
	CHECK(import("ris", "u.ris", true, true, &s, &report, &msgs) == 0);
	CHECK(s.updated == 1 && s.matched == 0);
	CHECK_CONTAINS(buf_cstr(&msgs), "note: would update studies/old-2019.yaml");
	char *after = fx_slurp("studies/old-2019.yaml");
	CHECK(before && after && strcmp(before, after) == 0);
	free(after);
	CHECK(import("ris", "u.ris", false, true, &s, &report, &msgs) == 0);
	CHECK(s.updated == 1);
	after = fx_slurp("studies/old-2019.yaml");
	CHECK_CONTAINS(after, "10.5555/old");
	CHECK_CONTAINS(after, "Old one");
	CHECK_CONTAINS(after, "Old, A.");
	free(after);
	free(before);
	/* Nothing left to fill in: up to date. */
	CHECK(import("ris", "u.ris", false, true, &s, &report, &msgs) == 0);
	CHECK(s.updated == 0 && s.matched == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "note: studies/old-2019.yaml is up to date");

	/* A file of another format is refused by name; a missing file is an
	 * error; neither writes. */
	CHECK(import("bibtex", "refs.ris", false, false, &s, &report, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "error: this is RIS, not BibTeX: nothing imported");
	CHECK(s.read == 0 && s.created == 0);
	CHECK(import("ris", "nope.ris", false, false, &s, &report, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "nope.ris: error: cannot read: ");
	CHECK(count_files("studies") == 6);

	/* Twenty-six Smiths of 2030: b..z, then -27. */
	buf many = BUF_INIT;
	for (int i = 0; i < 27; i++)
		buf_printf(&many,
		           "TY  - JOUR\nAU  - Smith, Q.\nTI  - Trial number %d\nPY  - 2030\n"
		           "ER  - \n",
		           i);
	fx_put("many.ris", buf_cstr(&many));
	buf_free(&many);
	CHECK(import("ris", "many.ris", false, false, &s, &report, &msgs) == 0);
	CHECK(s.created == 27);
	CHECK(fx_exists("studies/smith-2030.yaml") && fx_exists("studies/smith-2030b.yaml") &&
	      fx_exists("studies/smith-2030z.yaml") && fx_exists("studies/smith-2030-27.yaml"));
	CHECK(!fx_exists("studies/smith-2030a.yaml"));

	/* Clean up. */
	DIR *dp = opendir(studies);
	for (struct dirent *e; dp && (e = readdir(dp));)
		if (e->d_name[0] != '.') {
			char *p = path_join(studies, e->d_name);
			remove(p);
			free(p);
		}
	if (dp)
		closedir(dp);
	rmdir(studies);
	const char *files[] = {"site.yaml", "refs.ris", "e.json", "u.ris", "many.ris"};
	for (size_t i = 0; i < 5; i++) {
		char *p = fx_path(files[i]);
		remove(p);
		free(p);
	}
	CHECK(rmdir(fx_dir) == 0);
	free(studies);
	free(f);
	buf_free(&want);
	buf_free(&report);
	buf_free(&msgs);
	TEST_MAIN_END();
}
