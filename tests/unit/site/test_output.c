/* Atomic output: the site appears whole or not at all, stale files go, and
 * nothing outside the output folder is ever written or removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/output.h"
#include "test.h"

static char dir[] = "/tmp/gapmap-test-output.XXXXXX";

static bool exists(const char *rel)
{
	char *p = path_join(dir, rel);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

static char *slurp(const char *rel)
{
	char *p = path_join(dir, rel), *data = NULL;
	size_t len;
	if (read_file(p, 0, &data, &len) != 0)
		data = NULL;
	free(p);
	return data;
}

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	CHECK(out_safe_relpath("index.html"));
	CHECK(out_safe_relpath("studies/a/index.html"));
	CHECK(!out_safe_relpath("../x"));
	CHECK(!out_safe_relpath("a/../../x"));
	CHECK(!out_safe_relpath("/etc/passwd"));
	CHECK(!out_safe_relpath("a//b"));
	CHECK(!out_safe_relpath("a/./b"));
	CHECK(!out_safe_relpath(""));
	CHECK(!out_safe_relpath("a/"));
	CHECK(!out_safe_relpath("a\\b"));

	char *site = path_join(dir, "site");
	diag *d = diag_new();
	out_writer *w = out_begin(site, NULL, d);
	CHECK(w != NULL);
	CHECK(out_write(w, "index.html", "one", 3, d) == 0);
	CHECK(out_write(w, "old/page.html", "x", 1, d) == 0);
	CHECK(!exists("site")); /* nothing visible until commit */
	CHECK(out_write(w, "../escape.html", "x", 1, d) == -1);
	CHECK(!exists("escape.html"));
	CHECK(out_write(w, "index.html", "two", 3, d) == -1); /* two pages, one file */
	CHECK(d->errors == 2);
	CHECK(out_count(w) == 2);
	CHECK(out_commit(w, d) == 0);
	char *s = slurp("site/index.html");
	CHECK_STR(s, "one");
	free(s);
	CHECK(exists("site/" OUT_MARKER));

	/* A second build replaces the first whole: stale files disappear. */
	diag_free(d);
	d = diag_new();
	w = out_begin(site, NULL, d);
	CHECK(w != NULL);
	CHECK(out_write(w, "index.html", "three", 5, d) == 0);
	CHECK(out_commit(w, d) == 0 && d->errors == 0);
	s = slurp("site/index.html");
	CHECK_STR(s, "three");
	free(s);
	CHECK(!exists("site/old/page.html"));

	/* An aborted build leaves the previous site exactly as it was. */
	w = out_begin(site, NULL, d);
	CHECK(out_write(w, "index.html", "four", 4, d) == 0);
	out_abort(w);
	s = slurp("site/index.html");
	CHECK_STR(s, "three");
	free(s);

	/* A folder gapmap did not write is refused; an empty one is fine. */
	char *foreign = path_join(dir, "foreign");
	mkdir(foreign, 0755);
	char *keep = path_join(foreign, "keep.txt");
	FILE *f = fopen(keep, "w");
	fputs("mine", f);
	fclose(f);
	w = out_begin(foreign, NULL, d);
	CHECK(w == NULL && d->errors == 1);
	CHECK(exists("foreign/keep.txt"));
	char *empty = path_join(dir, "empty");
	mkdir(empty, 0755);
	w = out_begin(empty, NULL, d);
	CHECK(w != NULL);
	CHECK(out_commit(w, d) == 0);

	/* Never the content folder, inside it, or a folder that holds it. */
	diag_free(d);
	d = diag_new();
	char *content = path_join(dir, "content");
	mkdir(content, 0755);
	char *inside = path_join(content, "_site");
	w = out_begin(inside, content, d);
	CHECK(w != NULL); /* a fresh folder inside content is a normal choice */
	out_abort(w);
	w = out_begin(content, content, d);
	CHECK(w == NULL);
	w = out_begin(dir, content, d);
	CHECK(w == NULL);
	CHECK(exists("content"));

	/* Theme assets: symbolic links are not followed out of the theme. */
	diag_free(d);
	d = diag_new();
	char *theme = path_join(dir, "theme");
	mkdir(theme, 0755);
	char *css = path_join(theme, "a.css");
	f = fopen(css, "w");
	fputs("body{}", f);
	fclose(f);
	char *link = path_join(theme, "secret");
	CHECK(symlink("/etc/passwd", link) == 0);
	w = out_begin(site, NULL, d);
	CHECK(out_copy_tree(w, theme, "assets", d) == 0);
	CHECK(out_commit(w, d) == 0);
	CHECK(exists("site/assets/a.css"));
	CHECK(!exists("site/assets/secret"));

	/* Unchanged files keep their inode (and so their mtime); changed ones
	 * are new files; streamed files too. */
	diag_free(d);
	d = diag_new();
	w = out_begin(site, NULL, d);
	CHECK(out_write(w, "same.html", "same", 4, d) == 0);
	CHECK(out_write(w, "sub/changes.html", "v1", 2, d) == 0);
	out_stream *st = out_open(w, "data/big.json", d);
	CHECK(st != NULL);
	for (int i = 0; i < 20000; i++)
		sink_printf(out_stream_sink(st), "{\"n\": %d},\n", i);
	CHECK(out_close(w, st, d) == 0);
	st = out_open(w, "data/small.csv", d);
	sink_puts(out_stream_sink(st), "a,b\n");
	CHECK(out_close(w, st, d) == 0);
	CHECK(out_commit(w, d) == 0);
	struct stat a1, b1, c1, e1, a2, b2, c2, e2;
	char *pa = path_join(dir, "site/same.html"), *pb = path_join(dir, "site/sub/changes.html");
	char *pc = path_join(dir, "site/data/big.json"),
	     *pe = path_join(dir, "site/data/small.csv");
	CHECK(stat(pa, &a1) == 0 && stat(pb, &b1) == 0 && stat(pc, &c1) == 0 && stat(pe, &e1) == 0);
	w = out_begin(site, NULL, d);
	CHECK(out_write(w, "same.html", "same", 4, d) == 0);
	CHECK(out_write(w, "sub/changes.html", "v2", 2, d) == 0);
	st = out_open(w, "data/big.json", d);
	for (int i = 0; i < 20000; i++)
		sink_printf(out_stream_sink(st), "{\"n\": %d},\n", i);
	CHECK(out_close(w, st, d) == 0);
	st = out_open(w, "data/small.csv", d);
	sink_puts(out_stream_sink(st), "a,c\n");
	CHECK(out_close(w, st, d) == 0);
	CHECK(out_kept(w) == 3); /* the marker, same.html, big.json */
	/* Until the swap the current site is untouched. */
	CHECK(stat(pb, &b2) == 0 && b2.st_ino == b1.st_ino);
	s = slurp("site/sub/changes.html");
	CHECK_STR(s, "v1");
	free(s);
	CHECK(out_commit(w, d) == 0 && d->errors == 0);
	CHECK(stat(pa, &a2) == 0 && stat(pb, &b2) == 0 && stat(pc, &c2) == 0 && stat(pe, &e2) == 0);
	CHECK(a2.st_ino == a1.st_ino && a2.st_mtim.tv_nsec == a1.st_mtim.tv_nsec);
	CHECK(c2.st_ino == c1.st_ino && c2.st_mtim.tv_nsec == c1.st_mtim.tv_nsec);
	CHECK(b2.st_ino != b1.st_ino);
	CHECK(e2.st_ino != e1.st_ino);
	s = slurp("site/sub/changes.html");
	CHECK_STR(s, "v2");
	free(s);
	s = slurp("site/data/small.csv");
	CHECK_STR(s, "a,c\n");
	free(s);

	/* Carried over (incremental rebuilds): the current site's file, same
	 * inode and mtime, without its bytes; a file it lacks, a folder or an
	 * unsafe path cannot be; a file not carried nor written is gone. */
	w = out_begin(site, NULL, d);
	CHECK(out_carry(w, "sub/changes.html") == 0);
	CHECK(out_carry(w, "missing.html") == -1);
	CHECK(out_carry(w, "sub") == -1);
	CHECK(out_carry(w, "../site/same.html") == -1);
	CHECK(out_kept(w) == 2); /* the marker, sub/changes.html */
	CHECK(out_commit(w, d) == 0 && d->errors == 0);
	struct stat b3;
	CHECK(stat(pb, &b3) == 0 && b3.st_ino == b2.st_ino &&
	      b3.st_mtim.tv_nsec == b2.st_mtim.tv_nsec);
	s = slurp("site/sub/changes.html");
	CHECK_STR(s, "v2");
	free(s);
	CHECK(!exists("site/same.html"));
	free(pa);
	free(pb);
	free(pc);
	free(pe);

	/* -o given with ".." is resolved before the check: content/_site/.. is
	 * the content folder; nothing is created for a refused target. */
	char *sneaky = path_join(content, "_site/..");
	w = out_begin(sneaky, content, d);
	CHECK(w == NULL);
	char *deep = path_join(content, "studies/x/y");
	char *studies_dir = path_join(content, "studies");
	mkdir(studies_dir, 0755);
	w = out_begin(deep, content, d);
	CHECK(w == NULL);
	CHECK(!exists("content/studies/x"));
	free(sneaky);
	free(deep);
	free(studies_dir);

	diag_free(d);
	free(site);
	free(foreign);
	free(keep);
	free(empty);
	free(content);
	free(inside);
	free(theme);
	free(css);
	free(link);
	/* Replaced sites are removed by a background process: wait for it. */
	char *cmd = xasprintf(
	    "for i in $(seq 100); do rm -rf %s 2>/dev/null && exit 0; sleep 0.1; done; exit 1",
	    dir);
	CHECK(system(cmd) == 0);
	free(cmd);
	TEST_MAIN_END();
}
