#include "serve/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

typedef struct type_entry {
	const char *suffix;
	const char *type;
} type_entry;

static const type_entry types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {"feed.xml", "application/atom+xml"},
    {".xml", "application/xml"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".csv", "text/csv; charset=utf-8"},
    {".ris", "application/x-research-info-systems"},
    {".bib", "application/x-bibtex; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".pdf", "application/pdf"},
    {".ttf", "font/ttf"},
    {".otf", "font/otf"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
};

const char *files_type(const char *name)
{
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (str_ends_with(name, types[i].suffix))
			return types[i].type;
	return "application/octet-stream";
}

/* A segment that may be opened: no "..", no hidden name (which also keeps
 * the site marker and "." out), no control characters or backslashes. */
static bool segment_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '\\' || s[i] == 0x7f)
			return false;
	return true;
}

static files_status status_for(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG ? FILES_NOT_FOUND
	                                                              : FILES_FORBIDDEN;
}

/* Opens name below dirfd without following a link; fills st. */
static int open_below(int dirfd, const char *name, struct stat *st, files_status *why)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*why = status_for(errno);
		return -1;
	}
	if (fstat(fd, st) != 0) {
		*why = FILES_FORBIDDEN;
		close(fd);
		return -1;
	}
	return fd;
}

static files_status read_fd(int fd, const struct stat *st, size_t max, files_file *f)
{
	if ((unsigned long long)st->st_size > max)
		return FILES_TOO_BIG;
	size_t want = (size_t)st->st_size;
	char *data = xmalloc(want + 1);
	size_t got = 0;
	while (got < want) {
		ssize_t n = read(fd, data + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	data[got] = '\0';
	f->data = data;
	f->len = got;
	return FILES_OK;
}

files_status files_read(const char *root, const char *path, size_t max, files_file *f)
{
	memset(f, 0, sizeof *f);
	if (!path || path[0] != '/')
		return FILES_FORBIDDEN;
	int dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return FILES_NOT_FOUND;
	files_status result = FILES_NOT_FOUND;
	const char *p = path;
	char *last = xstrdup("index.html");
	int fd = -1;
	struct stat st;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break; /* a folder: its index.html below */
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (!segment_ok(p, n)) {
			result = FILES_FORBIDDEN;
			goto done;
		}
		char *seg = xstrndup(p, n);
		files_status why = FILES_NOT_FOUND;
		fd = open_below(dirfd, seg, &st, &why);
		if (fd < 0) {
			free(seg);
			result = why;
			goto done;
		}
		if (S_ISDIR(st.st_mode) && !e) {
			/* Relative links need the slash: the server redirects. */
			free(seg);
			result = FILES_ADD_SLASH;
			goto done;
		} else if (S_ISDIR(st.st_mode)) {
			close(dirfd);
			dirfd = fd;
			fd = -1;
			free(seg);
		} else if (S_ISREG(st.st_mode) && !e) {
			free(last);
			last = seg;
			break;
		} else {
			free(seg);
			result = S_ISREG(st.st_mode) ? FILES_NOT_FOUND : FILES_FORBIDDEN;
			goto done;
		}
		p += n;
	}
	if (fd < 0) {
		files_status why = FILES_NOT_FOUND;
		fd = open_below(dirfd, last, &st, &why);
		if (fd < 0) {
			result = why;
			goto done;
		}
		if (!S_ISREG(st.st_mode)) {
			result = FILES_FORBIDDEN;
			goto done;
		}
	}
	result = read_fd(fd, &st, max, f);
	if (result == FILES_OK) {
		f->type = files_type(last);
		f->html = str_ends_with(last, ".html");
	}
done:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	free(last);
	return result;
}

void files_file_free(files_file *f)
{
	free(f->data);
	memset(f, 0, sizeof *f);
}
