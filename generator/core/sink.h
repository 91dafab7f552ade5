/* sink: where a writer's bytes go — a growable buffer or an open file — so the
 * JSON, XML, CSV and other writers stream their output without knowing whether it
 * ends in memory (templates, tests) or on disk (data downloads of any size).
 *
 * Ownership: a sink borrows its target (the buf or FILE); whoever made the target
 * closes or frees it. A write error on a file sets `failed` and later writes are
 * dropped, so a writer can check once at the end. */
#ifndef GM_SINK_H
#define GM_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/util.h"

typedef struct sink {
	void (*write)(struct sink *s, const char *p, size_t n);
	void *target; /* a buf * or a FILE * */
	bool failed;  /* a write to a file failed (errno kept in err) */
	int err;
} sink;

/* A sink appending to b. */
sink sink_for_buf(buf *b);
/* A sink writing to f (buffered by stdio; the caller flushes and closes). */
sink sink_for_file(FILE *f);

void sink_put(sink *s, const char *p, size_t n);
void sink_puts(sink *s, const char *str);
void sink_putc(sink *s, char c);
void sink_printf(sink *s, const char *fmt, ...) GM_PRINTF(2, 3);

#endif
