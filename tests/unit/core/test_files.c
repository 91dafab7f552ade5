/* Reading and creating single files without following links: read_file
 * (core/util.h) refuses links, FIFOs, devices and folders; file_create
 * (core/files.h) never writes through a link and leaves no temporary file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/files.h"
#include "core/util.h"
#include "fixture.h"
#include "test.h"


/* read_file's errno for name. */
static int read_errno(const char *name, size_t max)
{
	char *p = fx_path(name), *data;
	size_t len;
	errno = 0;
	int rc = read_file(p, max, &data, &len);
	int err = errno;
	free(p);
	if (rc == 0) {
		free(data);
		return 0;
	}
	return err;
}

static size_t entries(void)
{
	size_t n = 0;
	DIR *dp = opendir(fx_dir);
	for (struct dirent *e; (e = readdir(dp));)
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(dp);
	return n;
}

int main(void)
{
	CHECK(fx_init());
	fx_put("target", "precious\n");
	char *target = fx_path("target");

	/* Reading: a regular file; a link (even to a regular file), a FIFO, a
	 * device and a folder are refused, each with its own reason, and a
	 * FIFO without a writer does not block. */
	char *got = fx_slurp("target");
	CHECK_STR(got, "precious\n");
	free(got);
	char *link = fx_path("link");
	CHECK(symlink(target, link) == 0);
	CHECK(read_errno("link", 0) == ELOOP);
	CHECK_CONTAINS(read_file_error(ELOOP), "symbolic link");
	char *fifo = fx_path("fifo");
	CHECK(mkfifo(fifo, 0600) == 0);
	clock_t t0 = clock();
	CHECK(read_errno("fifo", 0) == GM_ENOTREG);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5);
	CHECK_CONTAINS(read_file_error(GM_ENOTREG), "not a regular file");
	char *data;
	size_t len;
	CHECK(read_file("/dev/null", 0, &data, &len) == -1 && errno == GM_ENOTREG);
	CHECK(read_errno("", 0) == EISDIR);
	CHECK(read_errno("target", 4) == EFBIG);
	CHECK(read_errno("missing", 0) == ENOENT);

	/* file_read: a loader's read, a failure reported against the label. */
	diag *d = diag_new();
	char *missing = fx_path("missing");
	CHECK(file_read(d, "t.yaml", target, 0, (file_msgs){0}, &data, &len, "big") == 0);
	CHECK_STR(data, "precious\n");
	CHECK(len == 9 && d->count == 0);
	free(data);
	CHECK(file_read(d, "t.yaml", target, 4, (file_msgs){0}, &data, &len,
	                "larger than %d bytes, the limit for %s", 4, "t.yaml") == -1);
	CHECK(errno == EFBIG && d->count == 1);
	CHECK_STR(d->items[0].message, "larger than 4 bytes, the limit for t.yaml");
	CHECK(file_read(d, "f.md", fifo, 0, (file_msgs){.noun = "note"}, &data, &len, "big") == -1);
	CHECK(errno == GM_ENOTREG && d->count == 2);
	CHECK_STR(d->items[1].message,
	          "cannot read note: it is not a regular file (a FIFO, a device or a socket)");
	CHECK(file_read(d, "m.yaml", missing, 0, (file_msgs){0}, &data, &len, "big") == -1);
	CHECK(d->count == 3);
	CHECK_CONTAINS(d->items[2].message, "cannot read: ");
	CHECK(file_read(d, "m.md", missing, 0, (file_msgs){.missing = ""}, &data, &len, "big") ==
	      -1);
	CHECK(errno == ENOENT && d->count == 3);
	CHECK(file_read(d, "m.yaml", missing, 0, (file_msgs){.missing = "missing: give one"}, &data,
	                &len, "big") == -1);
	CHECK(errno == ENOENT && d->count == 4);
	CHECK_STR(d->items[3].message, "missing: give one");
	diag_free(d);
	free(missing);
	unlink(fifo);

	/* Creating: a new file; no replacing without leave, atomically. */
	char *p = fx_path("new.txt");
	CHECK(file_create(p, "one\n", 4, false) == 0);
	got = fx_slurp("new.txt");
	CHECK_STR(got, "one\n");
	free(got);
	errno = 0;
	CHECK(file_create(p, "two\n", 4, false) == -1 && errno == EEXIST);
	CHECK(file_create(p, "two\n", 4, true) == 0);
	got = fx_slurp("new.txt");
	CHECK_STR(got, "two\n");
	free(got);
	struct stat st;
	mode_t mask = umask(0);
	umask(mask);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == (0644 & ~mask));

	/* A link at the target: refused without replace (even a dangling
	 * one), replaced with replace; its target is never written. */
	errno = 0;
	CHECK(file_create(link, "evil\n", 5, false) == -1 && errno == EEXIST);
	char *dangling = fx_path("dangling");
	char *nowhere = fx_path("nowhere");
	CHECK(symlink(nowhere, dangling) == 0);
	CHECK(file_create(dangling, "evil\n", 5, false) == -1 && errno == EEXIST);
	CHECK(access(nowhere, F_OK) != 0);
	CHECK(file_create(link, "new\n", 4, true) == 0);
	CHECK(lstat(link, &st) == 0 && S_ISREG(st.st_mode));
	got = fx_slurp("target");
	CHECK_STR(got, "precious\n");
	free(got);

	/* A link planted at the old fixed temporary name is left alone. */
	char *planted = fx_path("out.png.tmp-gapmap");
	CHECK(symlink(target, planted) == 0);
	char *out = fx_path("out.png");
	CHECK(file_create(out, "png", 3, true) == 0);
	got = fx_slurp("target");
	CHECK_STR(got, "precious\n");
	free(got);

	/* A linked folder is refused with ELOOP and nothing is written. */
	char *sub = fx_path("sub"), *linked = fx_path("linked");
	CHECK(mkdir(sub, 0700) == 0 && symlink(sub, linked) == 0);
	char *through = xasprintf("%s/x.yaml", linked);
	errno = 0;
	CHECK(file_create(through, "x", 1, true) == -1 && errno == ELOOP);
	CHECK_CONTAINS(file_create_error(ELOOP), "folder is a symbolic link");
	DIR *dp = opendir(sub);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dp));)
		n += e->d_name[0] != '.';
	closedir(dp);
	CHECK(n == 0);

	/* No temporary file is left behind: target, link, new.txt, dangling,
	 * out.png.tmp-gapmap, out.png, sub, linked. */
	CHECK(entries() == 8);

	char *files[] = {target, link, p, dangling, planted, out, linked, through};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	rmdir(sub);
	rmdir(fx_dir);
	free(sub);
	free(fifo);
	free(nowhere);
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
