#include "core/esc.h"

#include <string.h>

void esc_xml(buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default:
			/* Control characters other than tab and newlines are not XML. */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
				buf_putc(b, ' ');
			else
				buf_putc(b, *s);
		}
	}
}

void esc_json(buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned c = *p;
		if (c == '"')
			buf_puts(b, "\\\"");
		else if (c == '\\')
			buf_puts(b, "\\\\");
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			buf_printf(b, "\\u%04x", c);
		else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
			buf_printf(b, "\\u%04x", p[2] == 0xA8 ? 0x2028 : 0x2029);
			p += 2;
		} else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

void esc_csv(buf *b, const char *s)
{
	buf_putc(b, '"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void esc_bibtex(buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '{': buf_puts(b, "\\{"); break;
		case '}': buf_puts(b, "\\}"); break;
		case '\\': buf_puts(b, "\\textbackslash{}"); break;
		case '&': buf_puts(b, "\\&"); break;
		case '%': buf_puts(b, "\\%"); break;
		case '$': buf_puts(b, "\\$"); break;
		case '#': buf_puts(b, "\\#"); break;
		case '_': buf_puts(b, "\\_"); break;
		case '\n':
		case '\r': buf_putc(b, ' '); break;
		default: buf_putc(b, *s);
		}
	}
}

void esc_ris(buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
}

void esc_url_path(buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || c == '/')
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}
