/* clean: removes a folder only when it holds a regular .gapmap-site marker;
 * refuses unmarked folders, a marker that is a link and a site named
 * through a link; links inside the site are removed, never followed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diag.h"
#include "fixture.h"
#include "site/clean.h"
#include "site/output.h"
#include "test.h"

static void link_to(const char *target, const char *rel)
{
	char *path = fx_path(rel);
	CHECK(symlink(target, path) == 0);
	free(path);
}

/* The one message d holds, formatted. */
static char *message(diag *d)
{
	buf b = BUF_INIT;
	if (d->count == 1)
		diag_format(&d->items[0], &b);
	return buf_detach(&b);
}

/* Runs site_clean on fx_dir/rel, expecting the refusal of an unmarked folder. */
static void refused(const char *rel)
{
	char *path = fx_path(rel);
	diag *d = diag_new();
	int removed = 7;
	CHECK(site_clean(path, &removed, d) == -1);
	CHECK(removed == 0);
	CHECK(d->errors == 1);
	char *msg = message(d);
	char *full = xasprintf(
	    "error: refusing to remove %s: it is not a site gapmap built (no .gapmap-site inside)",
	    path);
	CHECK_STR(msg, full);
	free(full);
	free(msg);
	diag_free(d);
	free(path);
}

int main(void)
{
	CHECK(fx_init());

	/* A site with subfolders, a link to a file outside and a link to a
	 * folder outside: all of it goes, the targets stay. */
	fx_mkdir("keep");
	fx_put("keep/precious.txt", "keep me");
	fx_mkdir("keep/sub");
	fx_put("keep/sub/also.txt", "and me");
	fx_mkdir("site");
	fx_put("site/" OUT_MARKER, "");
	fx_put("site/index.html", "<p>hi</p>");
	fx_mkdir("site/studies");
	fx_mkdir("site/studies/a");
	fx_put("site/studies/a/index.html", "a");
	fx_mkdir("site/.hidden");
	fx_put("site/.hidden/x", "x");
	char *keep = fx_path("keep");
	char *precious = fx_path("keep/precious.txt");
	link_to(keep, "site/studies/dirlink");
	link_to(precious, "site/filelink");
	link_to("/nonexistent/anywhere", "site/dangling");
	free(precious);
	diag *d = diag_new();
	int removed = 0;
	char *site = fx_path("site");
	CHECK(site_clean(site, &removed, d) == 0);
	CHECK(removed == 1 && d->count == 0);
	CHECK(!fx_exists("site"));
	CHECK(fx_exists("keep/precious.txt") && fx_exists("keep/sub/also.txt"));
	diag_free(d);

	/* No folder at all: nothing to do, no error. */
	d = diag_new();
	removed = 7;
	CHECK(site_clean(site, &removed, d) == 0);
	CHECK(removed == 0 && d->count == 0);
	diag_free(d);

	/* A folder without the marker is refused and left whole. */
	fx_mkdir("site");
	fx_put("site/index.html", "mine");
	refused("site");
	CHECK(fx_exists("site/index.html"));

	/* A marker that is a folder, or a link to a real marker, is no marker. */
	fx_mkdir("site/" OUT_MARKER);
	refused("site");
	char *mpath = fx_path("site/" OUT_MARKER);
	rmdir(mpath);
	fx_put("keep/" OUT_MARKER, "");
	char *real_marker = fx_path("keep/" OUT_MARKER);
	CHECK(symlink(real_marker, mpath) == 0);
	refused("site");
	CHECK(fx_exists("site/index.html") && fx_exists("site/" OUT_MARKER));
	remove(mpath);
	free(mpath);
	free(real_marker);

	/* keep/ now holds a real marker: a link to it named as the site is
	 * refused, and the folder behind it is untouched. */
	link_to(keep, "sitelink");
	refused("sitelink");
	CHECK(fx_exists("keep/precious.txt") && fx_exists("keep/" OUT_MARKER) &&
	      fx_exists("sitelink"));

	/* A regular file named as the site is refused, not removed. */
	fx_put("file", "data");
	refused("file");
	CHECK(fx_exists("file"));

	/* A tree deeper than the bound is not removed whole: an error, and the
	 * marker stays so that the clean can be run again. */
	fx_mkdir("deep");
	fx_put("deep/" OUT_MARKER, "");
	buf p = BUF_INIT;
	buf_puts(&p, "deep");
	for (int i = 0; i < 70; i++) {
		buf_puts(&p, "/d");
		fx_mkdir(buf_cstr(&p));
	}
	d = diag_new();
	char *deep = fx_path("deep");
	removed = 7;
	CHECK(site_clean(deep, &removed, d) == -1);
	CHECK(removed == 0 && d->errors == 1);
	char *msg = message(d);
	char *want = xasprintf("error: could not remove all of %s", deep);
	CHECK(msg && strncmp(msg, want, strlen(want)) == 0);
	free(want);
	free(msg);
	CHECK(fx_exists("deep/" OUT_MARKER));
	diag_free(d);
	/* Clean up the deep tree from the bottom. */
	while (p.len > strlen("deep")) {
		char *q = fx_path(buf_cstr(&p));
		rmdir(q);
		free(q);
		p.len -= 2;
		p.data[p.len] = '\0';
	}
	buf_free(&p);
	d = diag_new();
	CHECK(site_clean(deep, &removed, d) == 0 && removed == 1 && !fx_exists("deep"));
	diag_free(d);
	free(deep);

	/* Tidy up what the refusals left. */
	const char *files[] = {"site/index.html",  "sitelink",          "file",
	                       "keep/" OUT_MARKER, "keep/precious.txt", "keep/sub/also.txt"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char *f = fx_path(files[i]);
		remove(f);
		free(f);
	}
	const char *dirs[] = {"site", "keep/sub", "keep"};
	for (size_t i = 0; i < 3; i++) {
		char *f = fx_path(dirs[i]);
		rmdir(f);
		free(f);
	}
	CHECK(rmdir(fx_dir) == 0);
	free(keep);
	free(site);
	TEST_MAIN_END();
}
