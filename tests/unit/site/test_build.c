/* build: a tiny content folder built in a temporary folder. Success writes
 * the site; content with errors reports every problem and writes nothing,
 * leaving the old site as it was; a check writes nothing; drafts are left
 * out unless asked for. Run from the source tree (templates/, themes/). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "site/build.h"
#include "site/output.h"
#include "test.h"

static char home[4096];

/* Names in fx_dir (not . or ..), sorted, one a line. */
/* The names in a folder, one a line. A replaced site parked as
 * .NAME.del-* is being removed by a background process (site/output.c), off
 * the build's critical path, so it is not part of what a build leaves. */
static char *listing(const char *rel)
{
	char *path = fx_path(rel);
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	buf b = BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..") &&
		    !strstr(names[i]->d_name, ".del-"))
			buf_printf(&b, "%s\n", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	free(path);
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

static int build(bool check, bool drafts, build_stats *st, buf *msgs)
{
	char *content = fx_path("content"), *out = fx_path("out");
	build_opts o = {.content_dir = content,
	                .out_dir = out,
	                .home = home,
	                .check_only = check,
	                .jobs = 1,
	                .drafts = drafts};
	diag *d = diag_new();
	memset(st, 0, sizeof *st);
	int rc = build_run(&o, st, d);
	diag_sort(d);
	buf_reset(msgs);
	for (size_t i = 0; i < d->count; i++) {
		diag_format(&d->items[i], msgs);
		buf_putc(msgs, '\n');
	}
	buf_putc(msgs, '\0');
	msgs->len--;
	diag_free(d);
	free(content);
	free(out);
	return rc;
}

int main(void)
{
	CHECK(getcwd(home, sizeof home) != NULL);
	{
		char *t = path_join(home, "templates");
		if (access(t, F_OK) != 0) {
			printf("FAIL run test_build from the source tree (no templates/ in %s)\n",
			       home);
			free(t);
			return 1;
		}
		free(t);
	}
	CHECK(fx_init());
	char *c = fx_path("content"), *cs = fx_path("content/studies");
	mkdir(c, 0755);
	mkdir(cs, 0755);
	fx_put("content/site.yaml",
	       "title: Tiny map\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	       "  outcome: { label: Outcome, codes: [ {id: pain, label: Pain} ] }\n"
	       "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	fx_put("content/studies/alpha-2020.yaml",
	       "title: Alpha trial\nyear: 2020\nadded: 2024-01-01\noutcome: pain\nsetting: gp\n");
	fx_put("content/studies/draft-2021.yaml", "title: Draft trial\nyear: 2021\nadded: "
	                                          "2024-01-01\noutcome: pain\ndraft: true\n");
	build_stats st;
	buf msgs = BUF_INIT;

	/* A check writes nothing and names the draft. */
	CHECK(build(true, false, &st, &msgs) == 0);
	CHECK(!fx_exists("out"));
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/draft-2021.yaml");
	CHECK(strstr(buf_cstr(&msgs), "error") == NULL);

	/* A build: the site with its marker, the study, not the draft. */
	CHECK(build(false, false, &st, &msgs) == 0);
	CHECK_STR(buf_cstr(&msgs), "");
	CHECK(st.studies == 1 && st.reports == 1 && st.drafts == 1);
	CHECK(st.pages > 0 && st.files >= st.pages);
	CHECK(fx_exists("out/index.html") && fx_exists("out/" OUT_MARKER));
	CHECK(fx_exists("out/studies/alpha-2020/index.html"));
	CHECK(!fx_exists("out/studies/draft-2021"));
	char *page = fx_slurp("out/studies/alpha-2020/index.html");
	CHECK_CONTAINS(page, "Alpha trial");
	free(page);
	char *index_before = fx_slurp("out/index.html");
	CHECK_CONTAINS(index_before, "Tiny map");
	CHECK(index_before && !strstr(index_before, "Draft trial"));
	char *top_before = listing("");
	char *out_before = listing("out");

	/* Drafts asked for: built like any record. */
	CHECK(build(false, true, &st, &msgs) == 0);
	CHECK(st.studies == 2 && st.drafts == 1);
	CHECK(fx_exists("out/studies/draft-2021/index.html"));
	/* And without again: the draft's page is gone, not left over. */
	CHECK(build(false, false, &st, &msgs) == 0);
	CHECK(!fx_exists("out/studies/draft-2021"));
	char *same = fx_slurp("out/index.html");
	CHECK(index_before && same && strcmp(index_before, same) == 0); /* deterministic */
	free(same);

	/* Errors in two places: both reported, nothing written, the old site
	 * left whole, no temporary folder left behind. */
	fx_put("content/studies/broken-2022.yaml",
	       "title: Broken\nyear: twenty\nadded: 2024-01-01\noutcome: pain\n");
	fx_put("content/studies/beta-2023.yaml",
	       "title: Beta\nyear: 2023\nadded: 2024-01-01\noutcome: pian\n");
	CHECK(build(false, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/broken-2022.yaml:2:");
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/beta-2023.yaml:4:");
	CHECK_CONTAINS(buf_cstr(&msgs), "pian");
	same = fx_slurp("out/index.html");
	CHECK(index_before && same && strcmp(index_before, same) == 0);
	free(same);
	CHECK(!fx_exists("out/studies/beta-2023"));
	char *top_after = listing(""), *out_after = listing("out");
	CHECK_STR(top_after, top_before);
	CHECK_STR(out_after, out_before);
	free(top_after);
	free(out_after);
	/* The check finds the same problems and writes nothing either. */
	CHECK(build(true, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/broken-2022.yaml:2:");
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/beta-2023.yaml:4:");

	/* An error found only while rendering, after the new site was begun
	 * (a template failing at run time): the same, nothing written. */
	fx_put("content/studies/broken-2022.yaml",
	       "title: Broken\nyear: 2022\nadded: 2024-01-01\noutcome: pain\n");
	fx_put("content/studies/beta-2023.yaml",
	       "title: Beta\nyear: 2023\nadded: 2024-01-01\noutcome: pain\n");
	char *tdir = fx_path("content/templates");
	mkdir(tdir, 0755);
	fx_put("content/templates/study.html",
	       "<article>\n<% os.execute(\"true\") %>\n</article>\n");
	CHECK(build(false, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "templates/study.html:2: error: attempt to index a nil "
	                                "value (global 'os')");
	same = fx_slurp("out/index.html");
	CHECK(index_before && same && strcmp(index_before, same) == 0);
	free(same);
	CHECK(!fx_exists("out/studies/beta-2023"));
	top_after = listing("");
	out_after = listing("out");
	CHECK_STR(top_after, top_before);
	CHECK_STR(out_after, out_before);
	free(top_after);
	free(out_after);
	char *tf = fx_path("content/templates/study.html");
	remove(tf);
	free(tf);
	rmdir(tdir);
	free(tdir);

	/* Fixed: the next build replaces the site with the new study. */
	fx_put("content/studies/broken-2022.yaml",
	       "title: Broken\nyear: 2022\nadded: 2024-01-01\noutcome: pain\n");
	fx_put("content/studies/beta-2023.yaml",
	       "title: Beta\nyear: 2023\nadded: 2024-01-01\noutcome: pain\n");
	CHECK(build(false, false, &st, &msgs) == 0);
	CHECK(st.studies == 3);
	CHECK(fx_exists("out/studies/beta-2023/index.html"));
	top_after = listing("");
	CHECK_STR(top_after, top_before);
	free(top_after);

	/* A folder that is not a gapmap site is never replaced. */
	char *out = fx_path("out");
	fx_rm_rf(out);
	mkdir(out, 0755);
	fx_put("out/mine.txt", "precious");
	CHECK(build(false, false, &st, &msgs) == 1);
	{
		buf w = BUF_INIT;
		buf_printf(&w,
		           "error: refusing to replace %s: it is not a site gapmap built (no "
		           ".gapmap-site inside); choose an empty or new output folder\n",
		           out);
		CHECK_CONTAINS(buf_cstr(&msgs), buf_cstr(&w));
		buf_free(&w);
	}
	char *mine = fx_slurp("out/mine.txt");
	CHECK_STR(mine, "precious");
	free(mine);
	CHECK(!fx_exists("out/index.html"));

	/* No site.yaml: an error, nothing written. */
	char *sy = fx_path("content/site.yaml");
	remove(sy);
	free(sy);
	CHECK(build(true, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "site.yaml");

	fx_rm_rf(fx_dir);
	CHECK(access(fx_dir, F_OK) != 0);
	free(out);
	free(index_before);
	free(top_before);
	free(out_before);
	free(c);
	free(cs);
	buf_free(&msgs);
	TEST_MAIN_END();
}
