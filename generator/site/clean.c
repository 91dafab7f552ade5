#include "site/clean.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/output.h"

/* Empties the folder open at fd (which it closes), but for keep. Depth is bounded like
 * the theme copy's, so a crafted deep tree cannot exhaust descriptors. */
static int empty_dir(int fd, int depth, const char *keep)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, "..") || (keep && !strcmp(n, keep)))
			continue;
		struct stat st;
		if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub =
			    depth < 64
			        ? openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			        : -1;
			if (sub < 0 || empty_dir(sub, depth + 1, NULL) != 0 ||
			    unlinkat(fd, n, AT_REMOVEDIR) != 0)
				rc = -1;
		} else if (unlinkat(fd, n, 0) != 0) {
			rc = -1;
		}
	}
	closedir(dp);
	return rc;
}

int site_clean(const char *dir, int *removed, diag *d)
{
	*removed = 0;
	struct stat st;
	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		diag_error(d, "", 0, 0, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	int fd =
	    S_ISDIR(st.st_mode) ? open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	struct stat mst;
	if (fd < 0 || fstatat(fd, OUT_MARKER, &mst, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(mst.st_mode)) {
		if (fd >= 0)
			close(fd);
		diag_error(d, "", 0, 0,
		           "refusing to remove %s: it is not a site gapmap built (no %s inside)",
		           dir, OUT_MARKER);
		return -1;
	}
	/* The marker goes last: an interrupted clean can be run again. */
	int rc = empty_dir(dup(fd), 0, OUT_MARKER);
	if (rc == 0)
		rc = unlinkat(fd, OUT_MARKER, 0);
	close(fd);
	if (rc != 0 || rmdir(dir) != 0) {
		diag_error(d, "", 0, 0, "could not remove all of %s: %s", dir, strerror(errno));
		return -1;
	}
	*removed = 1;
	return 0;
}
