/* Shared by the fuzz harnesses: hand bytes to loaders that read files.
 * The loaders read only regular files and follow no links (so a memfd's
 * /proc/self/fd/N link would be refused): the bytes go to a regular file
 * in a folder of the harness's own under $TMPDIR, rewritten per input. */
#ifndef GM_FUZZ_COMMON_H
#define GM_FUZZ_COMMON_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The harness's folder, made once per process (and left for the OS's
 * temporary-file cleaning: it holds a few small files). */
static const char *fuzz_dir(void)
{
	static char dir[256];
	if (!dir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/gapmap-fuzz-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

/* Writes size bytes of data to the file name (relative to fuzz_dir(),
 * whose folders must exist) and sets path to its full path. Returns 0. */
static int fuzz_write(const char *name, const uint8_t *data, size_t size, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", fuzz_dir(), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
	return 0;
}

/* As before for the older harnesses: data in a fresh regular file (one of
 * eight slots, reused in turn), an open fd on it (the caller closes it)
 * and its path in path (>= 512 bytes). */
static int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap)
{
	static unsigned slot;
	char name[32];
	snprintf(name, sizeof name, "slot-%u", slot++ % 8u);
	fuzz_write(name, data, size, path, cap);
	return open(path, O_RDONLY | O_CLOEXEC);
}

#endif
