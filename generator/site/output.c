#define _GNU_SOURCE /* renameat2 */
#include "site/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

struct out_writer {
	char *target;
	char *tmp;
	_Atomic size_t files; /* pages are written from several threads */
	_Atomic bool io_failed; /* a write failed (in any thread): the build is lost */
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

/* Removes a tree gapmap wrote. Never follows symbolic links. */
static int remove_tree(const char *path)
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
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *child = path_join(path, e->d_name);
		if (remove_tree(child) != 0)
			rc = -1;
		free(child);
	}
	closedir(dp);
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

/* Removes leftovers of builds that were killed before they could clean up. */
static void sweep_stale(const char *parent, const char *base)
{
	DIR *dp = opendir(parent);
	if (!dp)
		return;
	char *prefix = xasprintf(".%s.tmp-", base);
	char *oldp = xasprintf(".%s.old-", base);
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!str_starts_with(e->d_name, prefix) && !str_starts_with(e->d_name, oldp))
			continue;
		char *p = path_join(parent, e->d_name);
		char *pid_s = strrchr(e->d_name, '-') + 1;
		long pid = strtol(pid_s, NULL, 10);
		/* Only a folder whose build is no longer running, and that we marked. */
		char *marker = path_join(p, OUT_MARKER);
		if (pid > 0 && kill((pid_t)pid, 0) != 0 && access(marker, F_OK) == 0)
			remove_tree(p);
		free(marker);
		free(p);
	}
	free(prefix);
	free(oldp);
	closedir(dp);
}

out_writer *out_begin(const char *target, const char *protect, diag *d)
{
	size_t tl = strlen(target);
	while (tl > 1 && target[tl - 1] == '/')
		tl--;
	char *tgt = xstrndup(target, tl);
	struct stat st;
	if (lstat(tgt, &st) == 0) {
		char *marker = path_join(tgt, OUT_MARKER);
		bool ours = S_ISDIR(st.st_mode) && (access(marker, F_OK) == 0 || is_empty_dir(tgt));
		free(marker);
		if (!ours) {
			diag_error(d, "", 0, 0,
			           "refusing to replace %s: it is not a site gapmap built (no %s inside); "
			           "choose an empty or new output folder",
			           tgt, OUT_MARKER);
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
	if (protect) {
		char rp[PATH_MAX], rt[PATH_MAX];
		if (realpath(protect, rp) && realpath(parent, rt)) {
			char *full = path_join(rt, base_name(tgt));
			/* Inside the content folder is fine (DIR/_site is the default);
			 * the content folder itself, a folder holding it, or a place
			 * among the files gapmap reads is not. */
			static const char *const inputs[] = {"studies", "pages", "templates", "themes",
			                                     "site.yaml", "prisma.yaml"};
			bool clash = false;
			for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
				char *in = path_join(rp, inputs[i]);
				clash |= inside(full, in);
				free(in);
			}
			if (inside(rp, full) || clash) {
				diag_error(d, "", 0, 0,
				           "refusing to write the site to %s: it is or holds the content "
				           "folder, or lies among its files",
				           tgt);
				free(full);
				free(parent);
				free(tgt);
				return NULL;
			}
			free(full);
		}
	}
	sweep_stale(parent, base_name(tgt));
	out_writer *w = xcalloc(1, sizeof *w);
	w->target = tgt;
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
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	/* Create folders only when the file cannot be: most pages land in a
	 * folder that exists, and mkdir is the costliest call of a big build. */
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

int out_commit(out_writer *w, diag *d)
{
	int rc = 0;
	struct stat st;
	if (lstat(w->target, &st) == 0) {
		/* Exchange in one step where the kernel allows, so that the target
		 * path never points at nothing; then remove the old site. */
		if (renameat2(AT_FDCWD, w->tmp, AT_FDCWD, w->target, RENAME_EXCHANGE) == 0) {
			remove_tree(w->tmp);
		} else {
			char *parent = parent_of(w->target);
			char *oldname = xasprintf(".%s.old-%ld", base_name(w->target), (long)getpid());
			char *old = path_join(parent, oldname);
			if (rename(w->target, old) != 0 || rename(w->tmp, w->target) != 0) {
				diag_error(d, "", 0, 0, "cannot move the new site into %s: %s", w->target,
				           strerror(errno));
				rename(old, w->target);
				rc = -1;
			} else {
				remove_tree(old);
			}
			free(old);
			free(oldname);
			free(parent);
		}
	} else if (rename(w->tmp, w->target) != 0) {
		diag_error(d, "", 0, 0, "cannot move the new site into %s: %s", w->target,
		           strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		remove_tree(w->tmp);
	free(w->tmp);
	free(w->target);
	free(w);
	return rc;
}

void out_abort(out_writer *w)
{
	if (!w)
		return;
	remove_tree(w->tmp);
	free(w->tmp);
	free(w->target);
	free(w);
}

size_t out_count(const out_writer *w)
{
	return w->files;
}
