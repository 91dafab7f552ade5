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
#include <stdint.h>
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

/* Bytes as a list of pieces: what is written is copied (the list owns it),
 * what is put with sink_put_kept is only referenced, for bytes that stay
 * unchanged until the list's maker is done with it (formats/memo.h's).
 * Start from {0}; sink_segs_end before reading v; free with
 * sink_segs_free. */
typedef struct sink_seg {
	const char *p;
	size_t len;
	bool owned;
	bool hashed; /* hash is its bytes' (sink_hash) */
	uint64_t hash;
} sink_seg;
typedef struct sink_segs {
	sink_seg *v;
	size_t n, cap;
	size_t len; /* all pieces together */
	buf own;    /* bytes written since the last piece */
} sink_segs;
sink sink_for_segs(sink_segs *l);
void sink_segs_end(sink_segs *l);
void sink_segs_free(sink_segs *l);
/* A 64-bit fingerprint of the list's bytes, from each piece's hash and
 * length in order (a piece without one is hashed here). Equal bytes cut
 * into the same pieces give equal fingerprints; different bytes differ
 * but by a chance of 2^-64. *shape (unless NULL): a hash of the pieces'
 * lengths alone, so that two lists of one shape whose fingerprints differ
 * are certainly different bytes. After sink_segs_end. */
uint64_t sink_segs_fingerprint(sink_segs *l, uint64_t *shape);
/* The hash of n bytes the pieces' hashes are (XXH3, 64 bits). */
uint64_t sink_hash(const void *p, size_t n);
/* Whether s keeps what sink_put_kept gives it by reference. */
bool sink_takes_refs(const sink *s);
/* A sink writing to f (buffered by stdio; the caller flushes and closes). */
sink sink_for_file(FILE *f);

void sink_put(sink *s, const char *p, size_t n);
/* sink_put for bytes that stay unchanged until the sink's maker is done:
 * by reference when the sink is a sink_segs, else copied. */
void sink_put_kept(sink *s, const char *p, size_t n);
/* The same, with hash = sink_hash(p, n) known already. */
void sink_put_kept_hashed(sink *s, const char *p, size_t n, uint64_t hash);
void sink_puts(sink *s, const char *str);
void sink_putc(sink *s, char c);
void sink_printf(sink *s, const char *fmt, ...) GM_PRINTF(2, 3);

#endif
