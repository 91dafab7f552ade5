/* diag: the one way gapmap reports problems with content, templates and
 * themes. Problems are collected, never printed as they happen, so that a
 * run reports all of them at once, sorted by file and position:
 *
 *     studies/wright-2017.yaml:4:9: error: unknown outcome code "pian"
 *
 * Paths are stored as given; callers pass paths relative to the content
 * folder. Line and column are 1-based; 0 means "whole file" and is omitted
 * from the printed form.
 *
 * Ownership: a diag owns copies of every string handed to it. One diag per
 * thread; merge worker diags into the main one with diag_merge. */
#ifndef GM_DIAG_H
#define GM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/util.h"

typedef enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diag_item {
	diag_level level;
	char *file; /* may be "" for problems not tied to a file */
	int line;
	int col;
	char *message;
	size_t seq; /* order of arrival, keeps the sort stable */
} diag_item;

typedef struct diag {
	diag_item *items;
	size_t count;
	size_t cap;
	size_t errors;
	size_t warnings;
} diag;

/* Messages and file names are stored made safe for a terminal: control
 * characters are shown as \xNN (content may hold escape sequences) and
 * anything beyond DIAG_MAX_MESSAGE bytes is cut, with "...". */
#define DIAG_MAX_MESSAGE 1000

diag *diag_new(void);
void diag_free(diag *d);

void diag_at(diag *d, diag_level level, const char *file, int line, int col,
             const char *fmt, ...) GM_PRINTF(6, 7);
#define diag_error(d, file, line, col, ...) \
	diag_at((d), DIAG_ERROR, (file), (line), (col), __VA_ARGS__)
#define diag_warning(d, file, line, col, ...) \
	diag_at((d), DIAG_WARNING, (file), (line), (col), __VA_ARGS__)

/* Moves every item of src into dst; src is left empty. */
void diag_merge(diag *dst, diag *src);

/* Appends a copy of every item of src to dst, as they are (src unchanged):
 * to report again what an earlier run found. */
void diag_copy(diag *dst, const diag *src);

/* Sorts by file, line, column, arrival. */
void diag_sort(diag *d);

/* Sorts, then prints every item and, when any, a closing count line such as
 * "2 errors, 1 warning". colour adds ANSI colour (callers pass isatty). */
void diag_print(diag *d, FILE *out, bool colour);

/* Formats one item as "file:line:col: level: message" without colour. */
void diag_format(const diag_item *it, buf *out);

/* Line and column (1-based, columns in characters) of byte offset off in
 * text, for problems found by scanning bytes rather than by a parser. */
void diag_locate(const char *text, size_t off, int *line, int *col);

/* Checks that text is UTF-8 (a leading byte-order mark is fine). When it
 * is not, reports the first bad byte at its line and column, counted from
 * first_line, with its byte offset in text, and returns false. */
bool diag_utf8(diag *d, const char *file, const char *text, size_t len, int first_line);

/* Picks the closest of n candidates to word for a "did you mean" hint, or
 * NULL when none is close enough. */
const char *diag_suggest(const char *word, const char *const *candidates, size_t n);

#endif
