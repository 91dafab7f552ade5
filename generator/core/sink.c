#include "core/sink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static void write_buf(sink *s, const char *p, size_t n)
{
	buf_put(s->target, p, n);
}

static void write_file(sink *s, const char *p, size_t n)
{
	if (s->failed || n == 0)
		return;
	/* Unlocked: a file sink belongs to one writer, which writes pieces down
	 * to single characters, and the lock of every fwrite was most of it. */
	if (n == 1 ? putc_unlocked(*p, s->target) == EOF
	           : fwrite_unlocked(p, 1, n, s->target) != n) {
		s->failed = true;
		s->err = errno ? errno : EIO;
	}
}

sink sink_for_buf(buf *b)
{
	return (sink){write_buf, b, false, 0};
}

sink sink_for_file(FILE *f)
{
	return (sink){write_file, f, false, 0};
}

void sink_put(sink *s, const char *p, size_t n)
{
	s->write(s, p, n);
}

static void seg_add(sink_segs *l, sink_seg g)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = g;
	l->len += g.len;
}

void sink_segs_end(sink_segs *l)
{
	if (l->own.len) {
		size_t len = l->own.len;
		seg_add(l, (sink_seg){buf_detach(&l->own), len, true, false, 0});
	}
}

static void write_segs(sink *s, const char *p, size_t n)
{
	sink_segs *l = s->target;
	buf_put(&l->own, p, n);
}

sink sink_for_segs(sink_segs *l)
{
	return (sink){write_segs, l, false, 0};
}

void sink_segs_free(sink_segs *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].owned)
			free((char *)l->v[i].p);
	free(l->v);
	buf_free(&l->own);
	*l = (sink_segs){0};
}

bool sink_takes_refs(const sink *s)
{
	return s->write == write_segs;
}

static void put_kept(sink *s, const char *p, size_t n, bool hashed, uint64_t hash)
{
	if (s->write != write_segs) {
		s->write(s, p, n);
		return;
	}
	sink_segs *l = s->target;
	sink_segs_end(l);
	if (n)
		seg_add(l, (sink_seg){p, n, false, hashed, hash});
}

void sink_put_kept(sink *s, const char *p, size_t n)
{
	put_kept(s, p, n, false, 0);
}

void sink_put_kept_hashed(sink *s, const char *p, size_t n, uint64_t hash)
{
	put_kept(s, p, n, true, hash);
}

uint64_t sink_hash(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint64_t sink_segs_fingerprint(sink_segs *l, uint64_t *shape)
{
	/* The pieces' (hash, length) pairs, and their lengths, hashed in
	 * batches. */
	enum { BATCH = 256 };
	uint64_t pairs[2 * BATCH], lens[BATCH];
	uint64_t fp = XXH3_64bits_withSeed(NULL, 0, l->len), sh = fp;
	for (size_t i = 0; i < l->n;) {
		size_t k = 0;
		for (; k < BATCH && i < l->n; k++, i++) {
			sink_seg *g = &l->v[i];
			if (!g->hashed) {
				g->hash = sink_hash(g->p, g->len);
				g->hashed = true;
			}
			pairs[2 * k] = g->hash;
			pairs[2 * k + 1] = lens[k] = g->len;
		}
		fp = XXH3_64bits_withSeed(pairs, k * sizeof pairs[0] * 2, fp);
		sh = XXH3_64bits_withSeed(lens, k * sizeof lens[0], sh);
	}
	if (shape)
		*shape = sh;
	return fp;
}

void sink_puts(sink *s, const char *str)
{
	s->write(s, str, strlen(str));
}

void sink_putc(sink *s, char c)
{
	s->write(s, &c, 1);
}

void sink_printf(sink *s, const char *fmt, ...)
{
	/* Formatted pieces are short (numbers, fixed words) and written per
	 * record in every export: a stack buffer, with the heap only for the
	 * rare longer piece. User text goes through sink_put. */
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		s->write(s, small, (size_t)n);
		return;
	}
	buf tmp = BUF_INIT;
	va_start(ap, fmt);
	buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	s->write(s, tmp.data ? tmp.data : "", tmp.len);
	buf_free(&tmp);
}
