/* Shared by the fuzz harnesses: hand bytes to loaders that read files,
 * without touching the disk (a memfd, read back through /proc/self/fd). */
#ifndef GM_FUZZ_COMMON_H
#define GM_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Returns an fd holding data and its path in path (>= 32 bytes), or -1. */
static int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap)
{
	int fd = memfd_create("gapmap-fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
