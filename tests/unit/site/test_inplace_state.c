/* What serve's in-place writer keeps between builds (inplace_state): a
 * streamed file whose bytes have the fingerprint it had when serve last
 * wrote it, and which is still the file serve left, is known unchanged
 * without reading it and keeps inode and mtime; one of another fingerprint
 * but the same shape is known changed, also unread; a file changed behind
 * serve's back (same size, mtime put back) is compared and written again;
 * the old files a commit replaces lose their names in the commit (no
 * hidden file is left) but are held open, their space not freed, until
 * the state is swept or freed; without a state they go at once. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "site/inplace.h"
#include "site/output.h"
#include "test.h"

static struct stat stat_of(const char *rel)
{
	char *p = fx_path(rel);
	struct stat st = {0};
	CHECK(stat(p, &st) == 0);
	free(p);
	return st;
}

static size_t hidden(void)
{
	char *cmd = xasprintf("find %s -name '.*' | wc -l", fx_dir);
	FILE *f = popen(cmd, "r");
	size_t n = 0;
	CHECK(f && fscanf(f, "%zu", &n) == 1);
	pclose(f);
	free(cmd);
	return n;
}

/* Files this process holds open whose names are gone. */
static size_t held(void)
{
	size_t n = 0;
	char link[4096];
	for (int fd = 0; fd < 1024; fd++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		ssize_t len = readlink(path, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		n += strstr(link, " (deleted)") != NULL;
	}
	return n;
}

/* One in-place build writing data/x.json as a head, an element by
 * reference with its hash (as formats/memo.c gives it) and a tail. */
static void build(inplace_state *s, const char *element, diag *d)
{
	inplace *w = inplace_begin(fx_dir);
	CHECK(w != NULL);
	if (s)
		inplace_use(w, s);
	inplace_stream *f = inplace_open(w, "data/x.json", d);
	sink *out = inplace_stream_sink(f);
	sink_puts(out, "[head,");
	sink_put_kept_hashed(out, element, strlen(element), sink_hash(element, strlen(element)));
	sink_puts(out, "]\n");
	CHECK(inplace_close(w, f, d) == 0);
	CHECK(inplace_write(w, "index.html", element, strlen(element), d) == 0);
	CHECK(inplace_commit(w, d) == 0);
}

static void check_bytes(const char *element)
{
	char *want = xasprintf("[head,%s]\n", element);
	char *got = fx_slurp("data/x.json");
	CHECK_STR(got, want);
	free(got);
	free(want);
}

int main(void)
{
	CHECK(fx_init());
	diag *d = diag_new();
	fx_put(OUT_MARKER, "");
	size_t marker = hidden(); /* the marker file's own name may be hidden */
	fx_mkdir("data");
	inplace_state *s = inplace_state_new();

	/* New: written. */
	build(s, "one", d);
	check_bytes("one");
	CHECK(inplace_state_unread(s) == 0);
	struct stat a = stat_of("data/x.json");

	/* The same bytes: known unchanged without reading; inode and mtime
	 * stay. */
	build(s, "one", d);
	CHECK(inplace_state_unread(s) == 1);
	struct stat b = stat_of("data/x.json");
	CHECK(a.st_ino == b.st_ino && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
	      a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);

	/* Other bytes of the same size and shape: known changed without
	 * reading the old file, written; the old file's name goes, the file
	 * is held until the sweep. */
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 1);
	check_bytes("two");
	CHECK(stat_of("data/x.json").st_ino != a.st_ino);
	CHECK(hidden() == marker);
	CHECK(held() == 2); /* data/x.json's and index.html's */
	inplace_state_sweep(s);
	CHECK(held() == 0);
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 1);

	/* Another shape (a longer element): compared by reading. */
	build(s, "three", d);
	CHECK(inplace_state_unread(s) == 0);
	check_bytes("three");
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 0);
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 1);

	/* Changed behind serve's back, same size, mtime put back: compared,
	 * found different and written again. */
	struct stat before = stat_of("data/x.json");
	char *p = fx_path("data/x.json");
	FILE *f = fopen(p, "r+");
	CHECK(f != NULL);
	fputs("[HEAD", f);
	fclose(f);
	struct timespec times[2] = {before.st_atim, before.st_mtim};
	CHECK(utimensat(AT_FDCWD, p, times, 0) == 0);
	free(p);
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 0);
	check_bytes("two");
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 1);

	/* A commit that fails forgets what was known. */
	char *outside = xasprintf("%s-outside", fx_dir);
	CHECK(mkdir(outside, 0755) == 0);
	char *link = fx_path("linked");
	CHECK(symlink(outside, link) == 0);
	inplace *w = inplace_begin(fx_dir);
	inplace_use(w, s);
	inplace_stream *fs = inplace_open(w, "data/x.json", d);
	sink_puts(inplace_stream_sink(fs), "[head,two]\n");
	CHECK(inplace_close(w, fs, d) == 0);
	CHECK(inplace_write(w, "linked/evil.html", "X", 1, d) == 0);
	CHECK(inplace_commit(w, d) == -1);
	CHECK(unlink(link) == 0);
	free(link);
	build(s, "two", d);
	CHECK(inplace_state_unread(s) == 0);

	/* A file of many pieces, twice: the second build's list of pieces is
	 * the first's, emptied (the state keeps it), and the bytes are right. */
	for (int round = 0; round < 3; round++) {
		inplace *wm = inplace_begin(fx_dir);
		inplace_use(wm, s);
		inplace_stream *fm = inplace_open(wm, "data/many.txt", d);
		sink *out = inplace_stream_sink(fm);
		static const char piece[] = "<piece>";
		buf want = BUF_INIT;
		for (int i = 0; i < 3000; i++) {
			sink_printf(out, "%d", i + round);
			sink_put_kept(out, piece, strlen(piece));
			buf_printf(&want, "%d%s", i + round, piece);
		}
		CHECK(inplace_close(wm, fm, d) == 0);
		CHECK(inplace_commit(wm, d) == 0);
		inplace_state_sweep(s);
		char *got = fx_slurp("data/many.txt");
		CHECK_STR(got, buf_cstr(&want));
		free(got);
		buf_free(&want);
	}

	/* Freeing the state (serve stopping) removes what waits. */
	build(s, "three", d);
	CHECK(held() > 0);
	inplace_state_free(s);
	CHECK(held() == 0);
	check_bytes("three");

	/* Without a state, old files go in the commit. */
	build(NULL, "four", d);
	CHECK(hidden() == marker && held() == 0);
	check_bytes("four");

	diag_free(d);
	char *cmd = xasprintf("rm -rf %s %s", fx_dir, outside);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(outside);
	TEST_MAIN_END();
}
