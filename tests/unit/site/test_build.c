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

#include "site/build.h"
#include "site/output.h"
#include "test.h"

static char dir[] = "/tmp/gapmap-test-build.XXXXXX";
static char home[4096];

static char *at(const char *rel)
{
	return path_join(dir, rel);
}

static void put(const char *rel, const char *text)
{
	char *path = at(rel);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(path);
}

static bool exists(const char *rel)
{
	char *path = at(rel);
	bool ok = access(path, F_OK) == 0;
	free(path);
	return ok;
}

static char *slurp(const char *rel)
{
	char *path = at(rel), *data = NULL;
	size_t len;
	if (read_file(path, 1 << 24, &data, &len) != 0)
		data = NULL;
	free(path);
	return data;
}

/* Names in dir (not . or ..), sorted, one a line. */
static char *listing(const char *rel)
{
	char *path = at(rel);
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	buf b = BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
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
	char *content = at("content"), *out = at("out");
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

static void rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(path);
		for (struct dirent *e; dp && (e = readdir(dp));)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				char *p = path_join(path, e->d_name);
				rm_rf(p);
				free(p);
			}
		if (dp)
			closedir(dp);
		rmdir(path);
	} else {
		remove(path);
	}
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
	CHECK(mkdtemp(dir) != NULL);
	char *c = at("content"), *cs = at("content/studies");
	mkdir(c, 0755);
	mkdir(cs, 0755);
	put("content/site.yaml",
	    "title: Tiny map\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	    "  outcome: { label: Outcome, codes: [ {id: pain, label: Pain} ] }\n"
	    "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	put("content/studies/alpha-2020.yaml",
	    "title: Alpha trial\nyear: 2020\nadded: 2024-01-01\noutcome: pain\nsetting: gp\n");
	put("content/studies/draft-2021.yaml", "title: Draft trial\nyear: 2021\nadded: "
	                                       "2024-01-01\noutcome: pain\ndraft: true\n");
	build_stats st;
	buf msgs = BUF_INIT;

	/* A check writes nothing and names the draft. */
	CHECK(build(true, false, &st, &msgs) == 0);
	CHECK(!exists("out"));
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/draft-2021.yaml");
	CHECK(strstr(buf_cstr(&msgs), "error") == NULL);

	/* A build: the site with its marker, the study, not the draft. */
	CHECK(build(false, false, &st, &msgs) == 0);
	CHECK_STR(buf_cstr(&msgs), "");
	CHECK(st.studies == 1 && st.reports == 1 && st.drafts == 1);
	CHECK(st.pages > 0 && st.files >= st.pages);
	CHECK(exists("out/index.html") && exists("out/" OUT_MARKER));
	CHECK(exists("out/studies/alpha-2020/index.html"));
	CHECK(!exists("out/studies/draft-2021"));
	char *page = slurp("out/studies/alpha-2020/index.html");
	CHECK_CONTAINS(page, "Alpha trial");
	free(page);
	char *index_before = slurp("out/index.html");
	CHECK_CONTAINS(index_before, "Tiny map");
	CHECK(index_before && !strstr(index_before, "Draft trial"));
	char *top_before = listing("");
	char *out_before = listing("out");

	/* Drafts asked for: built like any record. */
	CHECK(build(false, true, &st, &msgs) == 0);
	CHECK(st.studies == 2 && st.drafts == 1);
	CHECK(exists("out/studies/draft-2021/index.html"));
	/* And without again: the draft's page is gone, not left over. */
	CHECK(build(false, false, &st, &msgs) == 0);
	CHECK(!exists("out/studies/draft-2021"));
	char *same = slurp("out/index.html");
	CHECK(index_before && same && strcmp(index_before, same) == 0); /* deterministic */
	free(same);

	/* Errors in two places: both reported, nothing written, the old site
	 * left whole, no temporary folder left behind. */
	put("content/studies/broken-2022.yaml",
	    "title: Broken\nyear: twenty\nadded: 2024-01-01\noutcome: pain\n");
	put("content/studies/beta-2023.yaml",
	    "title: Beta\nyear: 2023\nadded: 2024-01-01\noutcome: pian\n");
	CHECK(build(false, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/broken-2022.yaml:2:");
	CHECK_CONTAINS(buf_cstr(&msgs), "studies/beta-2023.yaml:4:");
	CHECK_CONTAINS(buf_cstr(&msgs), "pian");
	same = slurp("out/index.html");
	CHECK(index_before && same && strcmp(index_before, same) == 0);
	free(same);
	CHECK(!exists("out/studies/beta-2023"));
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
	put("content/studies/broken-2022.yaml",
	    "title: Broken\nyear: 2022\nadded: 2024-01-01\noutcome: pain\n");
	put("content/studies/beta-2023.yaml",
	    "title: Beta\nyear: 2023\nadded: 2024-01-01\noutcome: pain\n");
	char *tdir = at("content/templates");
	mkdir(tdir, 0755);
	put("content/templates/study.html", "<article>\n<% os.execute(\"true\") %>\n</article>\n");
	CHECK(build(false, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "templates/study.html:2: error: attempt to index a nil "
	                                "value (global 'os')");
	same = slurp("out/index.html");
	CHECK(index_before && same && strcmp(index_before, same) == 0);
	free(same);
	CHECK(!exists("out/studies/beta-2023"));
	top_after = listing("");
	out_after = listing("out");
	CHECK_STR(top_after, top_before);
	CHECK_STR(out_after, out_before);
	free(top_after);
	free(out_after);
	char *tf = at("content/templates/study.html");
	remove(tf);
	free(tf);
	rmdir(tdir);
	free(tdir);

	/* Fixed: the next build replaces the site with the new study. */
	put("content/studies/broken-2022.yaml",
	    "title: Broken\nyear: 2022\nadded: 2024-01-01\noutcome: pain\n");
	put("content/studies/beta-2023.yaml",
	    "title: Beta\nyear: 2023\nadded: 2024-01-01\noutcome: pain\n");
	CHECK(build(false, false, &st, &msgs) == 0);
	CHECK(st.studies == 3);
	CHECK(exists("out/studies/beta-2023/index.html"));
	top_after = listing("");
	CHECK_STR(top_after, top_before);
	free(top_after);

	/* A folder that is not a gapmap site is never replaced. */
	char *out = at("out");
	rm_rf(out);
	mkdir(out, 0755);
	put("out/mine.txt", "precious");
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
	char *mine = slurp("out/mine.txt");
	CHECK_STR(mine, "precious");
	free(mine);
	CHECK(!exists("out/index.html"));

	/* No site.yaml: an error, nothing written. */
	char *sy = at("content/site.yaml");
	remove(sy);
	free(sy);
	CHECK(build(true, false, &st, &msgs) == 1);
	CHECK_CONTAINS(buf_cstr(&msgs), "site.yaml");

	rm_rf(dir);
	CHECK(access(dir, F_OK) != 0);
	free(out);
	free(index_before);
	free(top_before);
	free(out_before);
	free(c);
	free(cs);
	buf_free(&msgs);
	TEST_MAIN_END();
}
