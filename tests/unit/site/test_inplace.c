/* The in-place writer of serve's incremental rebuilds: nothing changes
 * before the commit, unchanged files keep inode and mtime, changed ones are
 * replaced whole, removed pages take their empty folders with them, a link
 * inside the site is never written through, and streamed bytes taken by
 * reference (sink_segs) come out in order. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/inplace.h"
#include "site/output.h"
#include "fixture.h"
#include "test.h"

static ino_t inode(const char *rel)
{
	char *p = fx_path(rel);
	struct stat st;
	ino_t i = stat(p, &st) == 0 ? st.st_ino : 0;
	free(p);
	return i;
}

int main(void)
{
	CHECK(fx_init());
	diag *d = diag_new();

	/* Only a site gapmap wrote (marker file) is updated in place. */
	CHECK(inplace_begin(fx_dir) == NULL);
	fx_put(OUT_MARKER, "");
	fx_mkdir("studies");
	fx_mkdir("studies/a");
	fx_mkdir("studies/b");
	fx_put("studies/a/index.html", "A");
	fx_put("studies/b/index.html", "B");
	fx_put("index.html", "MAP");
	fx_put("feed.xml", "OLD FEED");
	ino_t a_ino = inode("studies/a/index.html"), map_ino = inode("index.html");

	/* An aborted update changes nothing. */
	inplace *w = inplace_begin(fx_dir);
	CHECK(w != NULL);
	CHECK(inplace_write(w, "index.html", "NEW", 3, d) == 0);
	inplace_remove(w, "studies/b/index.html");
	inplace_abort(w);
	char *s = fx_slurp("index.html");
	CHECK_STR(s, "MAP");
	free(s);
	CHECK(fx_exists("studies/b/index.html"));

	/* A streamed file is written to a temporary name when closed; an abort
	 * removes it and the site's file stays. */
	w = inplace_begin(fx_dir);
	inplace_stream *early = inplace_open(w, "feed.xml", d);
	sink_puts(inplace_stream_sink(early), "NEW FEED");
	CHECK(inplace_close(w, early, d) == 0);
	char *tmpname = xasprintf(".feed.xml.tmp-%ld", (long)getpid());
	CHECK(fx_exists(tmpname));
	inplace_abort(w);
	CHECK(!fx_exists(tmpname));
	free(tmpname);
	s = fx_slurp("feed.xml");
	CHECK_STR(s, "OLD FEED");
	free(s);

	/* Unsafe paths are refused. */
	w = inplace_begin(fx_dir);
	CHECK(inplace_write(w, "../x", "x", 1, d) == -1);
	CHECK(d->errors == 1);
	CHECK(inplace_keep(w, "studies/a/index.html") == 0);
	CHECK(inplace_keep(w, "studies/none/index.html") == -1);
	CHECK(inplace_count(w) == 1);
	inplace_abort(w);

	/* A commit: same bytes kept, changed replaced, new made, gone removed. */
	w = inplace_begin(fx_dir);
	CHECK(inplace_write(w, "studies/a/index.html", "A", 1, d) == 0);
	CHECK(inplace_write(w, "index.html", "MAP 2", 5, d) == 0);
	CHECK(inplace_write(w, "studies/c/index.html", "C", 1, d) == 0);
	inplace_remove(w, "studies/b/index.html");
	/* Streamed, with pieces by reference between copied bytes. */
	static const char kept1[] = "<kept one>", kept2[] = "<kept two>";
	inplace_stream *f = inplace_open(w, "feed.xml", d);
	CHECK(f != NULL);
	sink *out = inplace_stream_sink(f);
	CHECK(sink_takes_refs(out));
	sink_puts(out, "head ");
	sink_put_kept(out, kept1, strlen(kept1));
	sink_put_kept(out, kept2, strlen(kept2));
	sink_printf(out, " tail %d", 7);
	CHECK(inplace_close(w, f, d) == 0);
	CHECK(inplace_commit(w, d) == 0);
	CHECK(d->errors == 1);
	CHECK(inode("studies/a/index.html") == a_ino);
	CHECK(inode("index.html") != map_ino);
	s = fx_slurp("index.html");
	CHECK_STR(s, "MAP 2");
	free(s);
	s = fx_slurp("studies/c/index.html");
	CHECK_STR(s, "C");
	free(s);
	CHECK(!fx_exists("studies/b/index.html"));
	CHECK(!fx_exists("studies/b")); /* its folder went with it */
	CHECK(fx_exists("studies"));
	s = fx_slurp("feed.xml");
	CHECK_STR(s, "head <kept one><kept two> tail 7");
	free(s);
	/* No temporary files left beside them. */
	CHECK(!fx_exists(".index.html.tmp-0"));
	char *cmd = xasprintf("test -z \"$(find %s -name '.*.tmp-*')\"", fx_dir);
	CHECK(system(cmd) == 0);
	free(cmd);

	/* A link inside the site is not written through. */
	char *outside = xasprintf("%s-outside", fx_dir);
	CHECK(mkdir(outside, 0755) == 0);
	char *link = fx_path("linked");
	CHECK(symlink(outside, link) == 0);
	w = inplace_begin(fx_dir);
	CHECK(inplace_write(w, "linked/evil.html", "X", 1, d) == 0);
	CHECK(inplace_commit(w, d) == -1);
	char *evil = path_join(outside, "evil.html");
	struct stat st;
	CHECK(lstat(evil, &st) != 0);
	free(evil);
	free(link);

	/* sink_segs on its own: bytes in order, kept pieces not copied. */
	sink_segs segs = {0};
	sink ss = sink_for_segs(&segs);
	sink_puts(&ss, "ab");
	sink_put_kept(&ss, kept1, 3);
	sink_putc(&ss, 'c');
	sink_segs_end(&segs);
	CHECK(segs.n == 3);
	CHECK(segs.len == 6);
	CHECK(segs.n == 3 && segs.v[1].p == kept1 && !segs.v[1].owned && segs.v[0].owned);
	sink_segs_free(&segs);
	/* Any other sink copies what sink_put_kept gives it. */
	buf b = BUF_INIT;
	sink bs = sink_for_buf(&b);
	CHECK(!sink_takes_refs(&bs));
	sink_put_kept(&bs, kept2, strlen(kept2));
	CHECK_STR(buf_cstr(&b), kept2);
	buf_free(&b);

	diag_free(d);
	cmd = xasprintf("rm -rf %s %s", fx_dir, outside);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(outside);
	TEST_MAIN_END();
}
