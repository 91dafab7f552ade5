/* esc: the one escaper. Every string of content that lands in an output —
 * HTML text and attributes, XML (sitemap, feed, SVG), JSON (data files, the
 * map's scripts, the templates' json()), CSV cells, RIS and BibTeX fields,
 * URL parts — goes through here, from C and from templates alike.
 *
 * One set of rules, for every context:
 *   - a character no output may carry becomes U+FFFD (in JSON "\ufffd", in
 *     a URL %EF%BF%BD): invalid or truncated UTF-8 (one U+FFFD per bad
 *     byte), C0 controls other than tab, LF and CR, and U+FFFE and U+FFFF
 *     (XML 1.0 forbids them; surrogates cannot occur in valid UTF-8). The
 *     output is then always valid UTF-8 and well-formed XML.
 *   - markup (HTML and XML alike): & < > " ' are &amp; &lt; &gt; &quot; &#39;.
 *   - JSON: " and \ escaped, \n \r \t as such, and < > & ' U+2028 U+2029 as
 *     \u escapes, so a literal is safe in a <script> and in an attribute.
 *   - CSV: RFC 4180 quoting; a cell starting with = + - @ tab or CR gets a
 *     leading ' so spreadsheets do not run it as a formula.
 *   - RIS and BibTeX: a field is one line (CR and LF become spaces); BibTeX
 *     specials are escaped so a value cannot close its braces.
 *   - URLs: every byte but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash)
 *     percent-encoded, upper-case hex.
 *
 * The *_to functions write p[0..n) to a sink (core/sink.h); the buf ones
 * take a NUL-terminated string and append to a buf the caller owns. Nothing
 * is allocated that outlives a call. */
#ifndef GM_ESC_H
#define GM_ESC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/sink.h"
#include "core/util.h"

void esc_markup_to(sink *s, const char *p, size_t n);
/* A JSON string literal with its quotes. */
void esc_json_to(sink *s, const char *p, size_t n);
void esc_csv_to(sink *s, const char *p, size_t n);
/* The characters that make a CSV cell starting with one a formula (the map's
 * script reads them from data/map.js, formats/mapdata). */
extern const char esc_csv_formula[];
void esc_bibtex_to(sink *s, const char *p, size_t n);
void esc_ris_to(sink *s, const char *p, size_t n);
void esc_url_to(sink *s, const char *p, size_t n, bool keep_slash);
/* Only the replacement rule: the text with the characters no output may
 * carry replaced, nothing else escaped (for text a writer quotes itself). */
void esc_text_to(sink *s, const char *p, size_t n);

/* HTML and XML text and attributes. */
void esc_xml(buf *b, const char *s);
void esc_json(buf *b, const char *s);
void esc_csv(buf *b, const char *s);
void esc_bibtex(buf *b, const char *s);
void esc_ris(buf *b, const char *s);
/* A URL path: '/' kept. */
void esc_url_path(buf *b, const char *s);

#endif
