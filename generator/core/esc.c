/* esc: one walk over UTF-8 (next_char) applies the replacement rule for
 * every context; each context then only says how it spells the characters
 * it must escape (see esc.h). Only sink_put/puts/putc are used, so a sink
 * may unwind (longjmp) out of any call without leaking. */
#include "core/esc.h"

#include <stdint.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The character at p[0..n): its length in bytes, and whether it is one no
 * output may carry (*bad: write U+FFFD instead; the length is then 1 for an
 * invalid byte, so each bad byte gives one U+FFFD). */
static size_t next_char(const unsigned char *p, size_t n, bool *bad)
{
	unsigned c = p[0];
	if (c < 0x80) {
		*bad = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
		return 1;
	}
	size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (len > n || utf8_valid_prefix((const char *)p, len) != len) {
		*bad = true;
		return 1;
	}
	/* U+FFFE and U+FFFF: EF BF BE, EF BF BF. */
	*bad = len == 3 && c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
	return len;
}

/* The walk every context shares: runs of characters that need nothing are
 * written as they are; for each other one, spell() writes its escape and
 * returns true, or returns false to have it written as it is. A bad
 * character is handed to spell() as U+FFFD; a valid character of several
 * bytes only when spell_multibyte. */
typedef bool (*spell_fn)(sink *s, const unsigned char *c, size_t len);

static void walk(sink *s, const char *str, size_t n, spell_fn spell, const char *special,
                 bool spell_multibyte)
{
	/* The special ASCII characters as a bit set: strchr(special, c) for
	 * every character was the cost of escaping. */
	uint64_t mask[2] = {0, 0};
	for (const unsigned char *sp = (const unsigned char *)special; *sp; sp++)
		mask[*sp >> 6] |= (uint64_t)1 << (*sp & 63);
	const unsigned char *p = (const unsigned char *)str;
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x80 && !(mask[c >> 6] >> (c & 63) & 1)) {
			i++;
			continue;
		}
		bool bad;
		size_t len = next_char(p + i, n - i, &bad);
		if (!bad && len > 1 && !spell_multibyte) {
			i += len; /* ordinary UTF-8: part of the run */
			continue;
		}
		const unsigned char *ch = bad ? (const unsigned char *)REPLACEMENT : p + i;
		size_t chlen = bad ? 3 : len;
		sink_put(s, str + run, i - run);
		if (!spell(s, ch, chlen))
			sink_put(s, (const char *)ch, chlen);
		i += len;
		run = i;
	}
	sink_put(s, str + run, n - run);
}

/* ---- markup ---- */

static bool spell_markup(sink *s, const unsigned char *c, size_t len)
{
	if (len != 1)
		return false;
	switch (c[0]) {
	case '&':
		sink_puts(s, "&amp;");
		return true;
	case '<':
		sink_puts(s, "&lt;");
		return true;
	case '>':
		sink_puts(s, "&gt;");
		return true;
	case '"':
		sink_puts(s, "&quot;");
		return true;
	case '\'':
		sink_puts(s, "&#39;");
		return true;
	default:
		return false;
	}
}

void esc_markup_to(sink *s, const char *p, size_t n)
{
	walk(s, p, n, spell_markup, "&<>\"'", false);
}

/* ---- plain text: the rule alone ---- */

static bool spell_none(sink *s, const unsigned char *c, size_t len)
{
	(void)s, (void)c, (void)len;
	return false;
}

void esc_text_to(sink *s, const char *p, size_t n)
{
	walk(s, p, n, spell_none, "", false);
}

/* ---- JSON ---- */

static bool spell_json(sink *s, const unsigned char *c, size_t len)
{
	if (len == 3 && c[0] == 0xE2 && c[1] == 0x80 && (c[2] == 0xA8 || c[2] == 0xA9)) {
		/* U+2028/2029 end a line inside a JavaScript string. */
		sink_puts(s, c[2] == 0xA8 ? "\\u2028" : "\\u2029");
		return true;
	}
	if (len == 3 && memcmp(c, REPLACEMENT, 3) == 0) {
		sink_puts(s, "\\ufffd");
		return true;
	}
	if (len != 1)
		return false;
	switch (c[0]) {
	case '"':
		sink_puts(s, "\\\"");
		return true;
	case '\\':
		sink_puts(s, "\\\\");
		return true;
	case '\n':
		sink_puts(s, "\\n");
		return true;
	case '\r':
		sink_puts(s, "\\r");
		return true;
	case '\t':
		sink_puts(s, "\\t");
		return true;
	/* < > & end a <script> or start an entity; ' ends a single-quoted
	 * attribute. */
	case '<':
	case '>':
	case '&':
	case '\'': {
		/* Not sink_printf: a sink may unwind (a template's output raising
		 * its memory limit), which must leave nothing allocated. */
		static const char hex[] = "0123456789abcdef";
		char u[6] = {'\\', 'u', '0', '0', hex[c[0] >> 4], hex[c[0] & 15]};
		sink_put(s, u, sizeof u);
		return true;
	}
	default:
		return false;
	}
}

void esc_json_to(sink *s, const char *p, size_t n)
{
	sink_putc(s, '"');
	walk(s, p, n, spell_json, "\"\\<>&'", true);
	sink_putc(s, '"');
}

/* ---- CSV, RIS, BibTeX ---- */

static bool spell_csv(sink *s, const unsigned char *c, size_t len)
{
	if (len == 1 && c[0] == '"') {
		sink_puts(s, "\"\"");
		return true;
	}
	return false;
}

const char esc_csv_formula[] = "=+-@\t\r";

void esc_csv_to(sink *s, const char *p, size_t n)
{
	sink_putc(s, '"');
	if (n && strchr(esc_csv_formula, p[0]))
		sink_putc(s, '\'');
	walk(s, p, n, spell_csv, "\"", false);
	sink_putc(s, '"');
}

static bool spell_line(sink *s, const unsigned char *c, size_t len)
{
	if (len == 1 && (c[0] == '\n' || c[0] == '\r')) {
		sink_putc(s, ' ');
		return true;
	}
	return false;
}

void esc_ris_to(sink *s, const char *p, size_t n)
{
	walk(s, p, n, spell_line, "", false);
}

static bool spell_bibtex(sink *s, const unsigned char *c, size_t len)
{
	if (len != 1)
		return false;
	switch (c[0]) {
	case '{':
		sink_puts(s, "\\{");
		return true;
	case '}':
		sink_puts(s, "\\}");
		return true;
	case '\\':
		sink_puts(s, "\\textbackslash{}");
		return true;
	case '&':
		sink_puts(s, "\\&");
		return true;
	case '%':
		sink_puts(s, "\\%");
		return true;
	case '$':
		sink_puts(s, "\\$");
		return true;
	case '#':
		sink_puts(s, "\\#");
		return true;
	case '_':
		sink_puts(s, "\\_");
		return true;
	default:
		return spell_line(s, c, len);
	}
}

void esc_bibtex_to(sink *s, const char *p, size_t n)
{
	walk(s, p, n, spell_bibtex, "{}\\&%$#_", false);
}

/* ---- URLs ---- */

static void url_bytes(sink *s, const unsigned char *c, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t k = 0; k < len; k++) {
		unsigned b = c[k];
		if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
		    b == '-' || b == '_' || b == '.' || b == '~' || (b == '/' && keep_slash)) {
			sink_putc(s, (char)b);
		} else {
			char pct[3] = {'%', hex[b >> 4], hex[b & 15]};
			sink_put(s, pct, 3);
		}
	}
}

void esc_url_to(sink *s, const char *str, size_t n, bool keep_slash)
{
	const unsigned char *p = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		bool bad;
		size_t len = next_char(p + i, n - i, &bad);
		url_bytes(s, bad ? (const unsigned char *)REPLACEMENT : p + i, bad ? 3 : len,
		          keep_slash);
		i += len;
	}
}

/* ---- buf conveniences ---- */

void esc_xml(buf *b, const char *str)
{
	sink s = sink_for_buf(b);
	esc_markup_to(&s, str, strlen(str));
}

void esc_json(buf *b, const char *str)
{
	sink s = sink_for_buf(b);
	esc_json_to(&s, str, strlen(str));
}

void esc_csv(buf *b, const char *str)
{
	sink s = sink_for_buf(b);
	esc_csv_to(&s, str, strlen(str));
}

void esc_bibtex(buf *b, const char *str)
{
	sink s = sink_for_buf(b);
	esc_bibtex_to(&s, str, strlen(str));
}

void esc_ris(buf *b, const char *str)
{
	sink s = sink_for_buf(b);
	esc_ris_to(&s, str, strlen(str));
}

void esc_url_path(buf *b, const char *str)
{
	sink s = sink_for_buf(b);
	esc_url_to(&s, str, strlen(str), true);
}
