/* files: creating a file safely, the one way gapmap writes a single file
 * outside the site folder (`gapmap new`, `gapmap prisma`). The data goes to
 * a fresh temporary name beside the target, created with O_CREAT|O_EXCL|
 * O_NOFOLLOW (so a link planted at that name is never written through),
 * and is then renamed over the target: a link at the target is replaced,
 * never followed, and an interrupted write leaves the old file whole. The
 * target's folder itself must not be a symbolic link. (Reading is
 * read_file in core/util.h, which follows no links either.) And reading a
 * content file the way every loader does: read_file with a size limit, a
 * failure reported through core/diag.
 *
 * Ownership: nothing is kept; the caller keeps data and path. */
#ifndef GM_FILES_H
#define GM_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

/* Writes len bytes of data to path (mode 0644 less the umask). With
 * replace false an existing path (a link included) is refused with
 * errno = EEXIST, atomically. Returns 0, or -1 with errno set: ELOOP
 * when the folder of path is a symbolic link. */
int file_create(const char *path, const void *data, size_t len, bool replace);

/* The reason file_create failed, in words for a message. Static string. */
const char *file_create_error(int err);

/* How file_read words a failure other than a file over its limit. */
typedef struct file_msgs {
	/* A missing file: NULL reports it as any other failure, "" not at all
	 * (the caller goes on without it), else this message. */
	const char *missing;
	/* Names the file in "cannot read <noun>: <reason>" (NULL: none). */
	const char *noun;
} file_msgs;

/* Reads the content file at path (read_file: no links, regular files only,
 * at most max bytes) into *data (NUL-terminated, caller frees) and *len.
 * On a failure reports it against label and returns -1 with errno kept: a
 * file over max bytes with the message too_big (a printf format and its
 * arguments), anything else as msgs says. */
int file_read(diag *d, const char *label, const char *path, size_t max, file_msgs msgs, char **data,
              size_t *len, const char *too_big, ...) GM_PRINTF(8, 9);

#endif
