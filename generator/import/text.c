#include "import/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Windows-1252's 0x80..0x9F (0 where undefined: those bytes stay Latin-1
 * C1 controls). */
static const unsigned short cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
	0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

static void put_cp(buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (char)(0xC0 | (cp >> 6)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(b, (char)(0xE0 | (cp >> 12)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* Decodes one UTF-8 sequence at s (valid input); returns its length. */
static size_t get_cp(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0) {
		*cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
	      (s[3] & 0x3Fu);
	return 4;
}

char *imp_decode(const char *label, const char *data, size_t len, size_t *out_len, diag *d)
{
	if (memchr(data, '\0', len)) {
		bool utf16 = len >= 2 && ((unsigned char)data[0] == 0xFF || (unsigned char)data[0] == 0xFE);
		diag_error(d, label, 0, 0,
		           utf16 ? "the file is UTF-16; save it as UTF-8 and import it again"
		                 : "the file holds NUL bytes: it is not a text export");
		return NULL;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	buf b = BUF_INIT;
	buf_grow(&b, len + 1);
	bool utf8 = utf8_valid_prefix(data, len) == len;
	bool c1 = false;
	if (!utf8) {
		for (size_t i = 0; i < len; i++)
			c1 |= (unsigned char)data[i] >= 0x80 && (unsigned char)data[i] <= 0x9F;
		int line, col;
		size_t bad = utf8_valid_prefix(data, len);
		diag_locate(data, bad, &line, &col);
		diag_warning(d, label, line, col,
		             "the file is not UTF-8: read as %s (converted; check names with accents)",
		             c1 ? "Windows-1252" : "Latin-1 (ISO 8859-1)");
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == '\r') {
			buf_putc(&b, '\n');
			if (i + 1 < len && data[i + 1] == '\n')
				i++;
		} else if (utf8 || c < 0x80) {
			buf_putc(&b, (char)c);
		} else if (c <= 0x9F && cp1252[c - 0x80]) {
			put_cp(&b, cp1252[c - 0x80]);
		} else {
			put_cp(&b, c);
		}
	}
	*out_len = b.len;
	return buf_detach(&b);
}

/* The byte a code point stood for in Windows-1252/Latin-1, or -1. */
static int byte_of(unsigned cp)
{
	if (cp < 0x100 && !(cp >= 0x80 && cp <= 0x9F && cp1252[cp - 0x80]))
		return (int)cp;
	for (int i = 0; i < 32; i++)
		if (cp1252[i] == cp)
			return 0x80 + i;
	return -1;
}

char *imp_fix_double_utf8(const char *s)
{
	size_t n = strlen(s);
	if (utf8_valid_prefix(s, n) != n)
		return NULL;
	/* Map every code point back to one byte; all must fit, at least one
	 * must be non-ASCII, and the bytes must be UTF-8 with a multi-byte
	 * sequence: only then was the text encoded twice. */
	buf b = BUF_INIT;
	bool high = false;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp;
		p += get_cp(p, &cp);
		int byte = byte_of(cp);
		if (byte < 0) {
			buf_free(&b);
			return NULL;
		}
		high |= byte >= 0x80;
		buf_putc(&b, (char)byte);
	}
	if (!high || utf8_valid_prefix(b.data, b.len) != b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* ASCII letters for U+00C0..U+017F, '.' where none fits. */
static const char fold_latin[] = "AAAAAAACEEEEIIII"
                                 "DNOOOOO.OUUUUYTs"
                                 "aaaaaaaceeeeiiii"
                                 "dnooooo.ouuuuyty"
                                 "AaAaAaCcCcCcCcDd"
                                 "DdEeEeEeEeEeGgGg"
                                 "GgGgHhHhIiIiIiIi"
                                 "IiJjJjKkkLlLlLlL"
                                 "lLlNnNnNnnNnOoOo"
                                 "OoOoRrRrRrSsSsSs"
                                 "SsTtTtTtUuUuUuUu"
                                 "UuUuWwYyYZzZzZzs";

char *imp_fold(const char *s)
{
	buf b = BUF_INIT;
	bool space = false;
	size_t n = strlen(s);
	size_t valid = utf8_valid_prefix(s, n);
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + valid;) {
		unsigned cp;
		p += get_cp(p, &cp);
		char c = 0;
		if (cp < 0x80 && isalnum((int)cp))
			c = (char)tolower((int)cp);
		else if (cp >= 0xC0 && cp <= 0x17F && fold_latin[cp - 0xC0] != '.')
			c = (char)tolower((unsigned char)fold_latin[cp - 0xC0]);
		if (cp == 0xDF || cp == 0xC6 || cp == 0xE6) { /* ß, Æ, æ: two letters */
			if (space && b.len)
				buf_putc(&b, ' ');
			space = false;
			buf_puts(&b, cp == 0xDF ? "ss" : "ae");
			continue;
		}
		if (c) {
			if (space && b.len)
				buf_putc(&b, ' ');
			space = false;
			buf_putc(&b, c);
		} else if (cp == '\'' || cp == 0x2019) {
			/* O'Brien -> obrien */
		} else {
			space = true;
		}
	}
	return buf_detach(&b);
}

/* The first line of text that is not blank, as a pointer into it. */
static const char *first_line(const char *t)
{
	while (*t) {
		const char *e = strchr(t, '\n');
		const char *p = t;
		while (p < (e ? e : t + strlen(t)) && isspace((unsigned char)*p))
			p++;
		if (e ? p < e : *p)
			return t;
		if (!e)
			break;
		t = e + 1;
	}
	return t;
}

static bool line_has(const char *text, const char *pattern, size_t max_lines)
{
	const char *p = text;
	for (size_t i = 0; i < max_lines && *p; i++) {
		if (strncmp(p, pattern, strlen(pattern)) == 0)
			return true;
		const char *e = strchr(p, '\n');
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static bool ris_tag_at(const char *p)
{
	return isupper((unsigned char)p[0]) && isalnum((unsigned char)p[1]) && p[2] == ' ' &&
	       p[3] == ' ' && p[4] == '-';
}

const char *imp_sniff(const char *text)
{
	const char *t = first_line(text);
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t == '{' || *t == '[')
		return "json";
	if (strncmp(t, "<?xml", 5) == 0 || strncmp(t, "<xml>", 5) == 0)
		return "endnote-xml";
	if (*t == '@') {
		const char *p = t + 1;
		while (isalpha((unsigned char)*p))
			p++;
		while (*p == ' ')
			p++;
		if (p > t + 1 && (*p == '{' || *p == '('))
			return "bibtex";
	}
	if (strncmp(t, "FN ", 3) == 0 || strncmp(t, "PT ", 3) == 0 || line_has(t, "VR 1.0", 3))
		return "wos";
	if (line_has(t, "PMID- ", 20) || strncmp(t, "PMID-", 5) == 0)
		return "medline";
	if (t[0] == '%' && isalpha((unsigned char)t[1]) && t[2] == ' ')
		return "refer";
	/* RIS: a TY tag among the first lines (after record numbers or junk). */
	const char *p = t;
	for (int i = 0; i < 30 && *p; i++) {
		if (ris_tag_at(p))
			return "ris";
		const char *e = strchr(p, '\n');
		if (!e)
			break;
		p = e + 1;
	}
	/* CSV: a header line of three or more cells. */
	const char *eol = strchr(t, '\n');
	size_t n = eol ? (size_t)(eol - t) : strlen(t);
	static const char seps[] = ",;\t";
	for (const char *sep = seps; *t != '#' && *sep; sep++) {
		size_t cells = 1;
		for (size_t i = 0; i < n; i++)
			cells += t[i] == *sep;
		if (cells >= 3)
			return "csv";
	}
	return NULL;
}

const char *imp_format_name(const char *fmt)
{
	static const char *const names[][2] = {
		{"ris", "RIS"},
		{"bibtex", "BibTeX"},
		{"csv", "CSV"},
		{"json", "JSON"},
		{"eppi", "EPPI-Reviewer JSON"},
		{"wos", "Web of Science plain text (export it as RIS: \"Other file formats\" -> RIS)"},
		{"medline", "PubMed MEDLINE/.nbib (open it in Zotero or EndNote and export RIS from "
		            "there)"},
		{"endnote-xml", "EndNote XML (export as RIS from EndNote: File > Export > RefMan RIS)"},
		{"refer", "EndNote tagged text (%A, %T; export as RIS: \"RefMan (RIS) Export\")"},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(fmt, names[i][0]) == 0)
			return names[i][1];
	return fmt;
}
