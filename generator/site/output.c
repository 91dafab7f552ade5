#define _GNU_SOURCE /* renameat2 */
#include "site/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct out_writer {
	char *target; /* resolved, absolute */
	char *shown;  /* as given, for messages */
	char *tmp;
	int old_fd; /* the current site's folder, or -1: unchanged files are linked from it */
	_Atomic size_t files; /* pages are written from several threads */
	_Atomic bool io_failed; /* a write failed (in any thread): the build is lost */
	_Atomic size_t kept;    /* files linked unchanged from the current site */
};

bool out_safe_relpath(const char *rel)
{
	if (!rel[0] || rel[0] == '/')
		return false;
	const char *p = rel;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == '\\')
				return false;
		p += n + (e ? 1 : 0);
		if (e && !*p)
			return false;
	}
	return true;
}

/* Makes path and any missing parents. Tries the deepest folder first: in
 * a build nearly every parent exists already, so one call usually does. */
static int mkdirs(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return -1;
	char *parent = xstrndup(path, (size_t)(slash - path));
	int rc = mkdirs(parent);
	free(parent);
	if (rc != 0)
		return -1;
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Removes a tree gapmap wrote. Never follows symbolic links. The marker
 * file of the top folder goes last, so a removal killed half-way leaves a
 * folder the next build still recognises as its own leftovers. */
static int remove_tree_at(const char *path, bool top);

static int remove_tree(const char *path)
{
	return remove_tree_at(path, true);
}

static int remove_tree_at(const char *path, bool top)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *dp = opendir(path);
	if (!dp)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (top && !strcmp(e->d_name, OUT_MARKER)))
			continue;
		char *child = path_join(path, e->d_name);
		if (remove_tree_at(child, false) != 0)
			rc = -1;
		free(child);
	}
	closedir(dp);
	if (top) {
		char *marker = path_join(path, OUT_MARKER);
		if (unlink(marker) != 0 && errno != ENOENT)
			rc = -1;
		free(marker);
	}
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

static bool is_empty_dir(const char *path)
{
	DIR *dp = opendir(path);
	if (!dp)
		return false;
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(dp);
	return empty;
}

static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* True when a is b or lies inside b (both resolved). */
static bool inside(const char *a, const char *b)
{
	size_t n = strlen(b);
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || (n == 1 && b[0] == '/'));
}

/* The pid a leftover's name ends with ("-1234"), or 0. */
static long name_pid(const char *name)
{
	const char *dash = strrchr(name, '-');
	char *end;
	long pid = dash ? strtol(dash + 1, &end, 10) : 0;
	return dash && *end == '\0' && pid > 0 ? pid : 0;
}

/* Moves path out of the way under a name of this process, beside it:
 * ".BASE.del-PID", or ".BASE.del-N-PID" when that is taken (an earlier
 * removal still running). Returns the new path, or NULL when it cannot be
 * moved (it is gone: someone else took it). Renaming first means that no
 * two processes remove the same folder and that a removal killed part-way
 * leaves a name the next sweep recognises. */
static char *park(const char *parent, const char *base, const char *path)
{
	for (int i = 0; i < 1000; i++) {
		char *name = i ? xasprintf(".%s.del-%d-%ld", base, i, (long)getpid())
		               : xasprintf(".%s.del-%ld", base, (long)getpid());
		char *to = path_join(parent, name);
		free(name);
		if (rename(path, to) == 0)
			return to;
		int err = errno;
		free(to);
		if (err != EEXIST && err != ENOTEMPTY)
			return NULL;
	}
	return NULL;
}

/* Removes a leftover of another build; its marker goes last. */
static void remove_leftover(const char *parent, const char *base, const char *path)
{
	char *del = park(parent, base, path);
	if (del)
		remove_tree(del);
	free(del);
}

/* Removes leftovers of builds that were killed before they could clean up:
 * temporary sites (.tmp-PID), replaced sites (.old-PID) and removals that
 * were themselves killed (.del-PID), whose process is gone, and which carry
 * the marker or are empty. */
static void sweep_stale(const char *parent, const char *base)
{
	DIR *dp = opendir(parent);
	if (!dp)
		return;
	static const char *const kinds[] = {"tmp", "old", "del"};
	char *prefix[3];
	for (size_t i = 0; i < 3; i++)
		prefix[i] = xasprintf(".%s.%s-", base, kinds[i]);
	size_t n = 0, cap = 0;
	char **found = NULL;
	struct dirent *e;
	while ((e = readdir(dp))) {
		bool match = false;
		for (size_t i = 0; i < 3; i++)
			match |= str_starts_with(e->d_name, prefix[i]);
		long pid = name_pid(e->d_name);
		if (!match || pid == 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			found = xrealloc(found, cap * sizeof *found);
		}
		found[n++] = path_join(parent, e->d_name);
	}
	closedir(dp);
	for (size_t i = 0; i < n; i++) {
		char *marker = path_join(found[i], OUT_MARKER);
		struct stat st;
		if (lstat(found[i], &st) == 0 && S_ISDIR(st.st_mode) &&
		    (access(marker, F_OK) == 0 || is_empty_dir(found[i])))
			remove_leftover(parent, base, found[i]);
		free(marker);
		free(found[i]);
	}
	free(found);
	for (size_t i = 0; i < 3; i++)
		free(prefix[i]);
}

/* path made absolute with every existing part resolved (symbolic links
 * followed as the kernel would) and "." and ".." applied; parts that do not
 * exist yet are taken as written. NULL when the working folder is unknown. */
static char *resolve_path(const char *path)
{
	char *cur;
	if (path[0] == '/') {
		cur = xstrdup("/");
	} else {
		char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return NULL;
		cur = xstrdup(cwd);
		free(cwd);
	}
	bool exists = true;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		char *part = xstrndup(p, n);
		p += n;
		if (!strcmp(part, ".")) {
			free(part);
			continue;
		}
		if (!strcmp(part, "..")) {
			char *up = parent_of(cur);
			free(cur);
			cur = up;
			/* The parent of a folder that exists exists. */
			if (!exists) {
				struct stat st;
				exists = lstat(cur, &st) == 0;
			}
			free(part);
			continue;
		}
		char *next = strcmp(cur, "/") ? path_join(cur, part) : xasprintf("/%s", part);
		free(part);
		free(cur);
		cur = next;
		struct stat st;
		if (lstat(cur, &st) == 0) {
			char rp[PATH_MAX];
			if (realpath(cur, rp)) {
				free(cur);
				cur = xstrdup(rp);
			}
			exists = true;
		} else {
			exists = false;
		}
	}
	return cur;
}

out_writer *out_begin(const char *target, const char *protect, diag *d)
{
	char *tgt = resolve_path(target);
	if (!tgt || !strcmp(tgt, "/")) {
		diag_error(d, "", 0, 0, "cannot write the site to %s", target);
		free(tgt);
		return NULL;
	}
	/* Checked before anything is created. */
	if (protect) {
		char *rp = resolve_path(protect);
		/* Inside the content folder is fine (DIR/_site is the default);
		 * the content folder itself, a folder holding it, or a place
		 * among the files gapmap reads is not. */
		static const char *const inputs[] = {"studies", "pages",     "templates",
		                                     "themes",  "site.yaml", "prisma.yaml"};
		bool clash = !rp;
		for (size_t i = 0; rp && i < sizeof inputs / sizeof *inputs; i++) {
			char *in = path_join(rp, inputs[i]);
			clash |= inside(tgt, in);
			free(in);
		}
		if (clash || inside(rp, tgt)) {
			diag_error(d, "", 0, 0,
			           "refusing to write the site to %s: it is or holds the content "
			           "folder, or lies among its files",
			           target);
			free(rp);
			free(tgt);
			return NULL;
		}
		free(rp);
	}
	struct stat st;
	bool have_old = false;
	if (lstat(tgt, &st) == 0) {
		char *marker = path_join(tgt, OUT_MARKER);
		have_old = S_ISDIR(st.st_mode) && access(marker, F_OK) == 0;
		bool ours = have_old || (S_ISDIR(st.st_mode) && is_empty_dir(tgt));
		free(marker);
		if (!ours) {
			diag_error(
			    d, "", 0, 0,
			    "refusing to replace %s: it is not a site gapmap built (no %s inside); "
			    "choose an empty or new output folder",
			    target, OUT_MARKER);
			free(tgt);
			return NULL;
		}
	}
	char *parent = parent_of(tgt);
	if (mkdirs(parent) != 0) {
		diag_error(d, "", 0, 0, "cannot create %s: %s", parent, strerror(errno));
		free(parent);
		free(tgt);
		return NULL;
	}
	sweep_stale(parent, base_name(tgt));
	out_writer *w = xcalloc(1, sizeof *w);
	w->target = tgt;
	w->shown = xstrdup(target);
	w->old_fd = have_old ? open(tgt, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	char *tmpname = xasprintf(".%s.tmp-%ld", base_name(tgt), (long)getpid());
	w->tmp = path_join(parent, tmpname);
	free(tmpname);
	free(parent);
	remove_tree(w->tmp);
	if (mkdir(w->tmp, 0755) != 0) {
		diag_error(d, "", 0, 0, "cannot create %s: %s", w->tmp, strerror(errno));
		out_abort(w);
		return NULL;
	}
	static const char marker_text[] = "This folder was written by gapmap; gapmap may replace it.\n";
	if (out_write(w, OUT_MARKER, marker_text, sizeof marker_text - 1, d) != 0) {
		out_abort(w);
		return NULL;
	}
	w->files = 0;
	return w;
}

/* Opens the current site's rel for reading, refusing symbolic links in
 * any part of the path and anything outside the site; -1 when it cannot. */
static int open_old(out_writer *w, const char *rel)
{
	struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	                       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
	int fd = (int)syscall(SYS_openat2, w->old_fd, rel, &how, sizeof how);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	/* No openat2 (kernels before 5.6, valgrind): the same refusal one
	 * component at a time, none of them a link, ".", ".." or empty. */
	int dir = w->old_fd;
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char *part = xstrndup(p, n);
		bool bad = n == 0 || !strcmp(part, ".") || !strcmp(part, "..");
		int next = bad ? -1
		               : openat(dir, part,
		                        slash ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
		                              : O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		free(part);
		if (dir != w->old_fd)
			close(dir);
		if (next < 0 || !slash)
			return next;
		dir = next;
		p = slash + 1;
	}
}

/* The current site's rel, open, when it holds exactly these bytes; else -1. */
static int same_as_old(out_writer *w, const char *rel, const void *data, size_t len)
{
	if (w->old_fd < 0)
		return -1;
	int fd = open_old(w, rel);
	if (fd < 0)
		return -1;
	struct stat st;
	bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
	char chunk[65536];
	size_t off = 0;
	while (same && off < len) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (size_t)n > len - off ||
		    memcmp(chunk, (const char *)data + off, (size_t)n))
			same = false;
		else
			off += (size_t)n;
	}
	if (!same) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Puts the open file fd at path as a hard link (same inode, same
 * modification time), creating folders. False when it cannot be (no /proc,
 * a file system without hard links): then the caller writes the bytes. */
static bool link_old(int fd, const char *path)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return true;
	if (errno == ENOENT) {
		char *dir = parent_of(path);
		bool ok = mkdirs(dir) == 0 &&
		          linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0;
		free(dir);
		return ok;
	}
	return false;
}

/* The disk filling up is the likeliest reason a write fails mid-build. */
static const char *full_hint(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG
	           ? " (the disk or your quota is full; free some space and build again)"
	           : "";
}

int out_write(out_writer *w, const char *rel, const void *data, size_t len, diag *d)
{
	if (!out_safe_relpath(rel)) {
		diag_error(d, "", 0, 0, "refusing to write outside the output folder: \"%s\"", rel);
		return -1;
	}
	/* After the disk fills up every later write would fail the same way:
	 * one message says it, not a thousand. */
	if (w->io_failed)
		return -1;
	char *path = path_join(w->tmp, rel);
	char *dir = parent_of(path);
	int rc = -1;
	int old = same_as_old(w, rel, data, len);
	if (old >= 0) {
		bool linked = link_old(old, path);
		close(old);
		if (linked) {
			w->files++;
			w->kept++;
			rc = 0;
			goto done;
		}
	}
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	/* Create folders only when the file cannot be: most files land in a
	 * folder that exists, and mkdir is the costliest call of a big build.
	 * A page (".../index.html") has a folder of its own, new in a fresh
	 * build: that folder first, which spares a failing open per page. */
	if (str_ends_with(rel, "/index.html") && mkdirs(dir) != 0) {
		diag_error(d, "", 0, 0, "cannot create %s: %s%s", dir, strerror(errno),
		           full_hint(errno));
		w->io_failed = true;
		goto done;
	}
	int fd = open(path, flags, 0644);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirs(dir) != 0) {
			diag_error(d, "", 0, 0, "cannot create %s: %s%s", dir, strerror(errno),
			           full_hint(errno));
			w->io_failed = true;
			goto done;
		}
		fd = open(path, flags, 0644);
	}
	if (fd < 0) {
		if (errno == EEXIST) {
			diag_error(d, "", 0, 0, "two pages want the same output file %s", rel);
		} else {
			diag_error(d, "", 0, 0, "cannot write %s: %s%s", rel, strerror(errno),
			           full_hint(errno));
			w->io_failed = true;
		}
		goto done;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			diag_error(d, "", 0, 0, "cannot write %s: %s%s", rel, strerror(errno),
			           full_hint(errno));
			w->io_failed = true;
			close(fd);
			goto done;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd) != 0) {
		diag_error(d, "", 0, 0, "cannot write %s: %s%s", rel, strerror(errno),
		           full_hint(errno));
		w->io_failed = true;
		goto done;
	}
	w->files++;
	rc = 0;
done:
	free(dir);
	free(path);
	return rc;
}

/* Incremental rebuilds (site/incr.h): a page nothing it read has changed
 * is not rendered again; its file is carried over from the current site
 * by the same hard link out_write makes for unchanged bytes. */
int out_carry(out_writer *w, const char *rel)
{
	if (w->old_fd < 0 || w->io_failed || !out_safe_relpath(rel))
		return -1;
	int old = open_old(w, rel);
	if (old < 0)
		return -1;
	struct stat st;
	char *path = path_join(w->tmp, rel);
	bool linked = fstat(old, &st) == 0 && S_ISREG(st.st_mode) && link_old(old, path);
	close(old);
	free(path);
	if (!linked)
		return -1;
	w->files++;
	w->kept++;
	return 0;
}

struct out_stream {
	char *rel;
	char *path;
	FILE *fp;
	sink s;
};

out_stream *out_open(out_writer *w, const char *rel, diag *d)
{
	if (!out_safe_relpath(rel)) {
		diag_error(d, "", 0, 0, "refusing to write outside the output folder: \"%s\"", rel);
		return NULL;
	}
	if (w->io_failed)
		return NULL;
	char *path = path_join(w->tmp, rel);
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(path, flags, 0644);
	if (fd < 0 && errno == ENOENT) {
		char *dir = parent_of(path);
		if (mkdirs(dir) == 0)
			fd = open(path, flags, 0644);
		free(dir);
	}
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!fp) {
		/* Data files are written by several threads at once: the first
		 * to fail says so, as with pages. */
		if (!atomic_exchange(&w->io_failed, true))
			diag_error(d, "", 0, 0, "cannot write %s: %s%s", rel, strerror(errno),
			           full_hint(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return NULL;
	}
	out_stream *f = xcalloc(1, sizeof *f);
	f->rel = xstrdup(rel);
	f->path = path;
	f->fp = fp;
	f->s = sink_for_file(fp);
	return f;
}

sink *out_stream_sink(out_stream *f)
{
	return &f->s;
}

/* True when the open files a and b hold the same bytes. */
static bool same_files(int a, int b)
{
	struct stat sa, sb;
	if (fstat(a, &sa) != 0 || fstat(b, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sa.st_size != sb.st_size)
		return false;
	char ca[65536], cb[65536];
	for (;;) {
		ssize_t na = read(a, ca, sizeof ca);
		if (na < 0 && errno == EINTR)
			continue;
		if (na <= 0)
			return na == 0;
		size_t got = 0;
		while (got < (size_t)na) {
			ssize_t nb = read(b, cb + got, (size_t)na - got);
			if (nb < 0 && errno == EINTR)
				continue;
			if (nb <= 0)
				return false;
			got += (size_t)nb;
		}
		if (memcmp(ca, cb, (size_t)na))
			return false;
	}
}

int out_close(out_writer *w, out_stream *f, diag *d)
{
	if (!f)
		return -1;
	int rc = 0;
	bool failed = f->s.failed;
	int err = f->s.err;
	if (fclose(f->fp) != 0 && !failed) {
		failed = true;
		err = errno;
	}
	if (failed) {
		if (!atomic_exchange(&w->io_failed, true))
			diag_error(d, "", 0, 0, "cannot write %s: %s%s", f->rel, strerror(err),
			           full_hint(err));
		rc = -1;
	} else {
		w->files++;
		/* Unchanged: the current site's file takes the new one's place. */
		int old = w->old_fd >= 0 ? open_old(w, f->rel) : -1;
		int now = old >= 0 ? open(f->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (old >= 0 && now >= 0 && same_files(now, old)) {
			char *tmp = xasprintf("%s.gapmap-link", f->path);
			if (link_old(old, tmp) && rename(tmp, f->path) == 0)
				w->kept++;
			else
				unlink(tmp);
			free(tmp);
		}
		if (now >= 0)
			close(now);
		if (old >= 0)
			close(old);
	}
	free(f->rel);
	free(f->path);
	free(f);
	return rc;
}

/* Reads a regular file below the open folder dirfd without following a
 * symbolic link or blocking on a FIFO; -1 with errno otherwise. */
static int read_below(int dirfd, const char *name, char **data, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	buf b = BUF_INIT;
	buf_grow(&b, (size_t)st.st_size + 1);
	for (;;) {
		buf_grow(&b, 65536);
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			buf_free(&b);
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
	}
	close(fd);
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}

/* Copies the folder open as dirfd (label: its path, for messages). Every
 * entry is opened relative to its folder with O_NOFOLLOW, so a symbolic
 * link anywhere in a theme (to ~/.ssh, to /etc) is never followed, even if
 * it is swapped in while we copy; such links are skipped with a warning. */
static int copy_dir_fd(out_writer *w, int dirfd, const char *label, const char *rel,
                       int depth, diag *d)
{
	if (depth > 32) {
		diag_error(d, "", 0, 0, "%s: folders nested more than 32 deep", label);
		close(dirfd);
		return -1;
	}
	DIR *dp = fdopendir(dirfd);
	if (!dp) {
		close(dirfd);
		return -1;
	}
	size_t n = 0, cap = 0;
	char **names = NULL;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	/* Sorted, so that the order of writing (and of any message) is stable. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
		}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *from = path_join(label, names[i]);
		char *to = path_join(rel, names[i]);
		struct stat st;
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			diag_error(d, "", 0, 0, "cannot read %s: %s", from, strerror(errno));
			rc = -1;
		} else if (S_ISLNK(st.st_mode)) {
			diag_warning(d, "", 0, 0,
			             "%s is a symbolic link; not copied (a theme's files must lie inside "
			             "its folder)",
			             from);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, names[i],
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				diag_error(d, "", 0, 0, "cannot read %s: %s", from, strerror(errno));
				rc = -1;
			} else {
				rc |= copy_dir_fd(w, sub, from, to, depth + 1, d);
			}
		} else if (S_ISREG(st.st_mode)) {
			char *data;
			size_t len;
			if (read_below(dirfd, names[i], &data, &len) != 0) {
				diag_error(d, "", 0, 0, "cannot read %s: %s", from,
				           errno == ELOOP ? "it is a symbolic link" : strerror(errno));
				rc = -1;
			} else {
				rc |= out_write(w, to, data, len, d);
				free(data);
			}
		}
		/* Devices, FIFOs and sockets are no part of a theme: skipped. */
		free(from);
		free(to);
		free(names[i]);
	}
	free(names);
	closedir(dp);
	return rc;
}

int out_copy_tree(out_writer *w, const char *src, const char *rel, diag *d)
{
	int fd = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* a theme without this folder */
		if (errno == ELOOP || errno == ENOTDIR) {
			struct stat st;
			if (lstat(src, &st) == 0 && S_ISLNK(st.st_mode)) {
				diag_warning(d, "", 0, 0,
				             "%s is a symbolic link; not copied (a theme's files must lie "
				             "inside its folder)",
				             src);
				return 0;
			}
		}
		diag_error(d, "", 0, 0, "cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	return copy_dir_fd(w, fd, src, rel, 0, d);
}

/* Removes the replaced site in a child process, so that the build does not
 * wait for it; a removal that does not finish is swept by a later build.
 * The child closes every descriptor it inherited first: it must not keep
 * the caller's files, sockets or watches (gapmap serve's listening port)
 * open while it runs on after the caller has closed them. */
static void remove_in_background(const char *path)
{
	/* Parked under this process's name first, synchronously (one rename),
	 * so that the temporary name is free for this process's next build. */
	char *parent = parent_of(path);
	const char *b = base_name(path);
	const char *dot = strstr(b + 1, ".tmp-");
	if (!dot)
		dot = strstr(b + 1, ".old-");
	char *base = dot ? xstrndup(b + 1, (size_t)(dot - b - 1)) : xstrdup(b);
	char *parked = park(parent, base, path);
	free(base);
	free(parent);
	if (!parked) {
		remove_tree(path);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* Detached from the build: a second fork, so no zombie is left. */
		if (fork() == 0) {
			setsid();
			if (close_range(3, ~0U, 0) != 0)
				for (long fd = sysconf(_SC_OPEN_MAX) - 1; fd >= 3; fd--)
					close((int)fd);
			/* Let go of the build's output, so that a pipe or a $(...)
			 * reading it ends with the build, not with the removal. */
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			remove_tree(parked);
			free(parked); /* each process frees its copy, so leak checkers stay quiet */
			_exit(0);
		}
		free(parked);
		_exit(0);
	}
	if (pid > 0) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	} else {
		remove_tree(parked);
	}
	free(parked);
}

int out_commit(out_writer *w, diag *d)
{
	int rc = 0;
	struct stat st;
	if (w->old_fd >= 0) {
		close(w->old_fd);
		w->old_fd = -1;
	}
	if (lstat(w->target, &st) == 0) {
		/* Exchange in one step where the kernel allows, so that the target
		 * path never points at nothing; then remove the old site. */
		if (renameat2(AT_FDCWD, w->tmp, AT_FDCWD, w->target, RENAME_EXCHANGE) == 0) {
			remove_in_background(w->tmp);
		} else {
			char *parent = parent_of(w->target);
			char *oldname = xasprintf(".%s.old-%ld", base_name(w->target), (long)getpid());
			char *old = path_join(parent, oldname);
			if (rename(w->target, old) != 0 || rename(w->tmp, w->target) != 0) {
				diag_error(d, "", 0, 0, "cannot move the new site into %s: %s",
				           w->shown, strerror(errno));
				rename(old, w->target);
				rc = -1;
			} else {
				remove_in_background(old);
			}
			free(old);
			free(oldname);
			free(parent);
		}
	} else if (rename(w->tmp, w->target) != 0) {
		diag_error(d, "", 0, 0, "cannot move the new site into %s: %s", w->shown,
		           strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		remove_tree(w->tmp);
	free(w->tmp);
	free(w->target);
	free(w->shown);
	free(w);
	return rc;
}

void out_abort(out_writer *w)
{
	if (!w)
		return;
	if (w->old_fd >= 0)
		close(w->old_fd);
	remove_tree(w->tmp);
	free(w->tmp);
	free(w->target);
	free(w->shown);
	free(w);
}

size_t out_count(const out_writer *w)
{
	return w->files;
}

size_t out_kept(const out_writer *w)
{
	return w->kept;
}
