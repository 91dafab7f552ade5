/* util: allocation that never returns NULL, growable byte buffers, whole-file
 * reading and small string helpers shared by every module.
 *
 * Ownership: every pointer returned by an x* function or buf_detach belongs
 * to the caller and is released with free(). A buf owns its data until
 * buf_detach or buf_free. */
#ifndef GM_UTIL_H
#define GM_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__)
#define GM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GM_PRINTF(f, a)
#endif

/* Out of memory is not a content error: these abort with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) GM_PRINTF(1, 2);

typedef struct buf {
	char *data; /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b); /* len = 0, keeps the memory */
void buf_grow(buf *b, size_t extra);
void buf_put(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) GM_PRINTF(2, 3);
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Returns the NUL-terminated contents (never NULL) and empties b. */
char *buf_detach(buf *b);
/* Returns b's contents as a C string ("" when empty); b keeps ownership. */
const char *buf_cstr(buf *b);

/* Reads a whole regular file: the one function every loader reads with.
 * Returns 0 and sets *data (NUL-terminated, caller frees) and *len, or -1
 * with errno set. Follows no link (ELOOP when path is one), never blocks on
 * a FIFO or device and refuses anything but a regular file (GM_ENOTREG;
 * EISDIR for a folder), so no such file's contents reach a page or a
 * message. Refuses files over max bytes (EFBIG) when max is not 0. */
#define GM_ENOTREG ENODEV
int read_file(const char *path, size_t max, char **data, size_t *len);
/* The reason read_file failed, in words for a diagnostic: strerror but
 * for links, non-regular files and folders. Static string. */
const char *read_file_error(int err);

/* Joins two path pieces with one '/'. Caller frees. */
char *path_join(const char *a, const char *b);

bool str_ends_with(const char *s, const char *suffix);
bool str_starts_with(const char *s, const char *prefix);

/* Returns the number of bytes of s that form valid UTF-8 up to the first
 * invalid sequence (== len when all valid). */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Levenshtein distance, for "did you mean" hints. */
size_t edit_distance(const char *a, const char *b);

/* Monotonic seconds, for timing summaries. */
double now_seconds(void);

#endif
