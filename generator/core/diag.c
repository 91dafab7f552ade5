#include "core/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

diag *diag_new(void)
{
	return xcalloc(1, sizeof(diag));
}

void diag_free(diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].file);
		free(d->items[i].message);
	}
	free(d->items);
	free(d);
}

static void push(diag *d, diag_item it)
{
	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->items = xrealloc(d->items, d->cap * sizeof *d->items);
	}
	it.seq = d->count;
	d->items[d->count++] = it;
	if (it.level == DIAG_ERROR)
		d->errors++;
	else if (it.level == DIAG_WARNING)
		d->warnings++;
}

/* Copies s for printing on the author's terminal: messages quote content,
 * and content may hold escape sequences (YAML's "\e" is legal) that would
 * recolour, retitle or scramble the terminal, so C0 and C1 controls and DEL
 * become \xNN. Tabs and newlines too: one problem is one line. Very long
 * messages (a quoted 200 KiB value) are cut at a character boundary. */
static char *printable(const char *s, size_t max)
{
	buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (b.len >= max) {
			buf_puts(&b, "...");
			break;
		}
		if (*p < 0x20 || *p == 0x7F) {
			buf_printf(&b, "\\x%02X", *p);
			p++;
		} else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			buf_printf(&b, "\\u%04X", p[1]);
			p += 2;
		} else {
			/* Copy one whole UTF-8 sequence so a cut never splits one. */
			size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
			size_t k = 0;
			while (k < n && p[k])
				k++;
			buf_put(&b, p, k);
			p += k;
		}
	}
	return buf_detach(&b);
}

void diag_at(diag *d, diag_level level, const char *file, int line, int col,
             const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_item it = {level, printable(file ? file : "", DIAG_MAX_MESSAGE), line, col,
	                printable(buf_cstr(&b), DIAG_MAX_MESSAGE), 0};
	buf_free(&b);
	push(d, it);
}

void diag_merge(diag *dst, diag *src)
{
	size_t base = dst->count + src->count;
	for (size_t i = 0; i < src->count; i++) {
		diag_item it = src->items[i];
		push(dst, it);
		dst->items[dst->count - 1].seq = base + it.seq;
	}
	free(src->items);
	src->items = NULL;
	src->count = src->cap = src->errors = src->warnings = 0;
}

void diag_copy(diag *dst, const diag *src)
{
	for (size_t i = 0; i < src->count; i++) {
		diag_item it = src->items[i];
		it.file = xstrdup(it.file);
		it.message = xstrdup(it.message);
		push(dst, it);
	}
}

static int cmp_item(const void *pa, const void *pb)
{
	const diag_item *a = pa, *b = pb;
	/* Problems tied to no file (output folder, summaries) read best last. */
	if (!a->file[0] != !b->file[0])
		return a->file[0] ? -1 : 1;
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_sort(diag *d)
{
	if (d->count > 1)
		qsort(d->items, d->count, sizeof *d->items, cmp_item);
}

static const char *level_name(diag_level l)
{
	return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

static void format_location(const diag_item *it, buf *out)
{
	if (it->file[0]) {
		buf_puts(out, it->file);
		if (it->line > 0) {
			buf_printf(out, ":%d", it->line);
			if (it->col > 0)
				buf_printf(out, ":%d", it->col);
		}
		buf_puts(out, ": ");
	}
}

void diag_format(const diag_item *it, buf *out)
{
	format_location(it, out);
	buf_printf(out, "%s: %s", level_name(it->level), it->message);
}

void diag_print(diag *d, FILE *out, bool colour)
{
	diag_sort(d);
	buf b = BUF_INIT;
	for (size_t i = 0; i < d->count; i++) {
		const diag_item *it = &d->items[i];
		buf_reset(&b);
		if (colour) {
			buf_puts(&b, "\033[1m");
			format_location(it, &b);
			buf_puts(&b, it->level == DIAG_ERROR     ? "\033[31m"
			             : it->level == DIAG_WARNING ? "\033[35m"
			                                         : "\033[36m");
			buf_printf(&b, "%s:\033[0m %s", level_name(it->level), it->message);
		} else {
			diag_format(it, &b);
		}
		fprintf(out, "%s\n", buf_cstr(&b));
	}
	buf_free(&b);
	if (d->errors || d->warnings) {
		if (d->errors && d->warnings)
			fprintf(out, "%zu error%s, %zu warning%s\n", d->errors,
			        d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
		else if (d->errors)
			fprintf(out, "%zu error%s\n", d->errors, d->errors == 1 ? "" : "s");
		else
			fprintf(out, "%zu warning%s\n", d->warnings, d->warnings == 1 ? "" : "s");
	}
}

void diag_locate(const char *text, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

const char *diag_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t len = strlen(word);
	size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	for (size_t i = 0; i < n; i++) {
		/* The distance is at least the difference in length: skip the
		 * quadratic comparison when that alone is too far (a 200 KiB value
		 * against a thousand codes would otherwise take minutes). */
		size_t cl = strlen(candidates[i]);
		if ((cl > len ? cl - len : len - cl) > limit)
			continue;
		size_t dist = edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best && best_d <= limit ? best : NULL;
}

bool diag_utf8(diag *d, const char *file, const char *text, size_t len, int first_line)
{
	size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t valid = skip + utf8_valid_prefix(text + skip, len - skip);
	if (valid == len)
		return true;
	int line, col;
	/* Columns are counted after the mark, which editors do not show. */
	diag_locate(text + skip, valid - skip, &line, &col);
	diag_error(d, file, line + first_line - 1, col,
	           "invalid UTF-8 (byte 0x%02X at byte offset %zu); save the file as UTF-8",
	           (unsigned char)text[valid], valid);
	return false;
}
