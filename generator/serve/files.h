/* files: finds and reads one file of the served site for a request path,
 * never anything outside it. The path (already percent-decoded by the
 * server) is walked one segment at a time with openat and O_NOFOLLOW from
 * the site's folder, so "..", encoded "..", hidden names (the site marker)
 * and symbolic links anywhere on the way are refused, whatever the folder
 * holds. A folder means its index.html.
 *
 * Ownership: files_read fills a files_file whose data the caller frees
 * with files_file_free. */
#ifndef GM_FILES_H
#define GM_FILES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum files_status {
	FILES_OK,
	FILES_NOT_FOUND, /* 404 */
	FILES_FORBIDDEN, /* 403: a refused path, a link, not a regular file */
	FILES_TOO_BIG,   /* over the caller's limit */
	FILES_ADD_SLASH, /* a folder named without its closing '/' */
} files_status;

typedef struct files_file {
	char *data;
	size_t len;
	const char *type; /* a static Content-Type */
	bool html;
} files_file;

/* Reads the file path (starting with '/') names below root, at most max
 * bytes. */
files_status files_read(const char *root, const char *path, size_t max, files_file *f);
void files_file_free(files_file *f);

/* The Content-Type for a file name, by its suffix; never NULL. */
const char *files_type(const char *name);

#endif
