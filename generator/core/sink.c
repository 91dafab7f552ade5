#include "core/sink.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

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
