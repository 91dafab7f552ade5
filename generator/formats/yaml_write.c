#include "formats/yaml_write.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Words YAML 1.1 or 1.2 reads as null or a boolean when plain. */
static const char *const reserved[] = {"null", "~",   "true", "false", "yes",  "no",
                                       "on",   "off", "y",    "n",     ".inf", ".nan"};

/* Code points that are line breaks or byte-order marks to a YAML reader
 * (U+0085, U+2028, U+2029, U+FEFF): never plain, escaped when quoted. */
static const char *special_utf8(const unsigned char *p)
{
	if (p[0] == 0xC2 && p[1] == 0x85)
		return "\\N";
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xA8)
		return "\\L";
	if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xA9)
		return "\\P";
	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return "\\uFEFF";
	return NULL;
}

/* Something a YAML reader might take for a number, a date or a time. */
static bool numeric_like(const char *s)
{
	if (!((*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == '.'))
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789abcdefABCDEFxXoO._:+- ", *p))
			return false;
	return true;
}

/* YYYY-MM-DD, which gapmap's records write plain. */
static bool is_date(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return false;
	return s[10] == '\0';
}

bool yw_plain_ok(const char *s)
{
	size_t n = strlen(s);
	if (is_date(s))
		return true;
	if (!n || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	unsigned char c0 = (unsigned char)s[0];
	if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || (c0 >= '0' && c0 <= '9') ||
	      c0 >= 0x80 || c0 == '(' || c0 == '/' || c0 == '.' || c0 == '_' || c0 == '$'))
		return false;
	if (utf8_valid_prefix(s, n) != n)
		return false;
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		if (strcasecmp(s, reserved[i]) == 0)
			return false;
	if (numeric_like(s))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F || strchr(":#,[]{}\"'\\`|>&*!%@", *p))
			return false;
		if (*p >= 0x80 && special_utf8(p))
			return false;
	}
	return true;
}

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0. */
static size_t seq_len(const unsigned char *p, size_t left)
{
	size_t n = p[0] < 0x80             ? 1
	           : (p[0] & 0xE0) == 0xC0 ? 2
	           : (p[0] & 0xF0) == 0xE0 ? 3
	           : (p[0] & 0xF8) == 0xF0 ? 4
	                                   : 0;
	if (!n || n > left)
		return 0;
	return utf8_valid_prefix((const char *)p, n) == n ? n : 0;
}

static void put_quoted(buf *b, const char *s)
{
	buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	while (left) {
		size_t n = seq_len(p, left);
		const char *esc = NULL;
		char tmp[8];
		if (!n) {
			buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD for a byte that is not UTF-8 */
			p++;
			left--;
			continue;
		}
		if (n == 1) {
			switch (*p) {
			case '"':
				esc = "\\\"";
				break;
			case '\\':
				esc = "\\\\";
				break;
			case '\n':
				esc = "\\n";
				break;
			case '\t':
				esc = "\\t";
				break;
			case '\r':
				esc = "\\r";
				break;
			default:
				if (*p < 0x20 || *p == 0x7F) {
					snprintf(tmp, sizeof tmp, "\\x%02X", *p);
					esc = tmp;
				}
			}
		} else {
			esc = special_utf8(p);
		}
		if (esc)
			buf_puts(b, esc);
		else
			buf_put(b, p, n);
		p += n;
		left -= n;
	}
	buf_putc(b, '"');
}

void yw_scalar(buf *b, const char *s)
{
	if (yw_plain_ok(s))
		buf_puts(b, s);
	else
		put_quoted(b, s);
}

void yw_comment(buf *b, const char *text)
{
	buf_puts(b, "# ");
	const unsigned char *p = (const unsigned char *)text;
	size_t left = strlen(text);
	while (left) {
		size_t n = seq_len(p, left);
		if (!n || (n == 1 && (*p < 0x20 || *p == 0x7F)) || (n > 1 && special_utf8(p)))
			buf_putc(b, ' ');
		else
			buf_put(b, p, n);
		n = n ? n : 1;
		p += n;
		left -= n;
	}
	buf_putc(b, '\n');
}

void yw_field(buf *b, const char *key, const char *value)
{
	yw_scalar(b, key);
	if (value) {
		buf_puts(b, ": ");
		yw_scalar(b, value);
	} else {
		buf_putc(b, ':');
	}
	buf_putc(b, '\n');
}

void yw_list(buf *b, const char *key, char *const *items, size_t n)
{
	yw_scalar(b, key);
	buf_puts(b, ": [");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		yw_scalar(b, items[i]);
	}
	buf_puts(b, "]\n");
}

static void put_int(buf *b, const char *key, long long v)
{
	yw_scalar(b, key);
	buf_printf(b, ": %lld\n", v);
}

void yw_record(buf *b, const cfg_site *site, const rec_src *s)
{
	const char *strs[RK_COUNT] = {
	    [RK_TITLE] = s->title,
	    [RK_TYPE] = s->type,
	    [RK_PUBLISHED_IN] = s->published_in,
	    [RK_PUBLISHER] = s->publisher,
	    [RK_VOLUME] = s->volume,
	    [RK_ISSUE] = s->issue,
	    [RK_PAGES] = s->pages,
	    [RK_DOI] = s->doi,
	    [RK_URL] = s->url,
	    [RK_ADDED] = s->added,
	    [RK_UPDATED] = s->updated,
	    [RK_STUDY] = s->study,
	    [RK_POPULATION] = s->population,
	    [RK_INTERVENTION] = s->intervention,
	    [RK_COMPARISON] = s->comparison,
	    [RK_SAMPLE] = s->sample,
	    [RK_SUMMARY] = s->summary,
	    [RK_EPPI_ID] = s->eppi_id,
	};
	for (size_t k = 0; k < RK_COUNT; k++) {
		if (k == RK_AUTHORS) {
			if (s->nauthors)
				yw_list(b, "authors", s->authors, s->nauthors);
		} else if (k == RK_YEAR) {
			if (s->has_year)
				put_int(b, "year", s->year);
		} else if (k == RK_SAMPLE_SIZE) {
			if (s->has_sample_size)
				put_int(b, "sample_size", s->sample_size);
		} else if (k == RK_DRAFT) {
			if (s->draft)
				buf_puts(b, "draft: true\n");
		} else if (strs[k]) {
			yw_field(b, rec_keys[k], strs[k]);
		}
	}
	for (size_t f = 0; f < site->nfacets && f < s->ncodes; f++) {
		const rec_src_codes *c = &s->codes[f];
		if (!c->n)
			continue;
		if (site->facets[f].multiple || c->n > 1)
			yw_list(b, site->facets[f].id, c->ids, c->n);
		else
			yw_field(b, site->facets[f].id, c->ids[0]);
	}
	if (s->nfindings) {
		const char *row = site->facets[site->rows].id;
		buf_puts(b, "findings:\n");
		for (size_t i = 0; i < s->nfindings; i++) {
			const rec_src_finding *fd = &s->findings[i];
			buf_puts(b, "  - ");
			yw_scalar(b, row);
			buf_puts(b, ": ");
			yw_scalar(b, fd->code);
			if (fd->direction) {
				buf_puts(b, "\n    direction: ");
				yw_scalar(b, fd->direction);
			}
			if (fd->detail) {
				buf_puts(b, "\n    detail: ");
				yw_scalar(b, fd->detail);
			}
			buf_putc(b, '\n');
		}
	}
}

void yw_blank_record(buf *b, const cfg_site *site)
{
	yw_comment(b, "A study record: see the README's \"content folder\" section.");
	static const char *const blank[] = {"title",        NULL,     "year",   NULL,
	                                    "published_in", "doi",    "added",  "population",
	                                    "intervention", "sample", "summary"};
	for (size_t i = 0; i < sizeof blank / sizeof *blank; i++) {
		if (i == 1)
			buf_puts(b, "authors: []\n");
		else if (i == 3)
			buf_puts(b, "type: article\n");
		else
			yw_field(b, blank[i], NULL);
	}
	for (size_t i = 0; i < site->nfacets; i++) {
		const cfg_facet *fc = &site->facets[i];
		buf line = BUF_INIT;
		buf_printf(&line, "%s%s: ", fc->label, fc->required ? " (required)" : "");
		for (size_t c = 0; c < fc->ncodes && c < 12; c++)
			buf_printf(&line, "%s%s", c ? ", " : "", fc->codes[c].id);
		if (fc->ncodes > 12)
			buf_printf(&line, ", ... (%zu codes in site.yaml)", fc->ncodes);
		yw_comment(b, buf_cstr(&line));
		buf_free(&line);
		if (fc->multiple)
			yw_list(b, fc->id, NULL, 0);
		else
			yw_field(b, fc->id, NULL);
	}
}
