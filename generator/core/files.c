#include "core/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* Writes all of data to fd; 0 or -1 with errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_create(const char *path, const void *data, size_t len, bool replace)
{
	const char *slash = strrchr(path, '/');
	char *dir =
	    slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	const char *base = slash ? slash + 1 : path;
	int err = 0;
	if (!*base) {
		free(dir);
		errno = EISDIR;
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		/* O_DIRECTORY|O_NOFOLLOW on a link gives ENOTDIR: say ELOOP. */
		struct stat st;
		err =
		    errno == ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode) ? ELOOP : errno;
		free(dir);
		errno = err;
		return -1;
	}
	free(dir);
	/* A fresh name: O_EXCL fails on anything already there, a planted link
	 * included, so the next name is tried. */
	char *tmp = NULL;
	int fd = -1;
	for (unsigned k = 0; fd < 0 && k < 100; k++) {
		free(tmp);
		tmp = xasprintf(".%s.tmp-gapmap-%ld-%u", base, (long)getpid(), k);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err = errno;
		goto out;
	}
	if (write_all(fd, data, len) != 0) {
		err = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	if (close(fd) != 0) {
		err = errno;
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	if (replace) {
		/* rename replaces a link at the target, never its target. */
		if (renameat(dfd, tmp, dfd, base) != 0) {
			err = errno;
			unlinkat(dfd, tmp, 0);
		}
	} else {
		/* link fails with EEXIST on anything at the target: the check and
		 * the creation are one step. */
		if (linkat(dfd, tmp, dfd, base, 0) != 0)
			err = errno;
		unlinkat(dfd, tmp, 0);
	}
out:
	free(tmp);
	close(dfd);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

const char *file_create_error(int err)
{
	if (err == ELOOP)
		return "its folder is a symbolic link, and gapmap writes through no links";
	return strerror(err);
}

int file_read(diag *d, const char *label, const char *path, size_t max, file_msgs msgs, char **data,
              size_t *len, const char *too_big, ...)
{
	if (read_file(path, max, data, len) == 0)
		return 0;
	int err = errno;
	if (err == EFBIG) {
		buf msg = BUF_INIT;
		va_list ap;
		va_start(ap, too_big);
		buf_vprintf(&msg, too_big, ap);
		va_end(ap);
		diag_error(d, label, 0, 0, "%s", buf_cstr(&msg));
		buf_free(&msg);
	} else if (err == ENOENT && msgs.missing) {
		if (*msgs.missing)
			diag_error(d, label, 0, 0, "%s", msgs.missing);
	} else {
		diag_error(d, label, 0, 0, "cannot read%s%s: %s", msgs.noun ? " " : "",
		           msgs.noun ? msgs.noun : "", read_file_error(err));
	}
	errno = err;
	return -1;
}
