/* esc: escaping of content strings for every place they land outside
 * templates — XML (sitemap, feed, SVG), JSON (data files and the map's
 * script), CSV cells (with the spreadsheet-formula guard), RIS and BibTeX
 * fields, URL path segments. Each appends to a buf the caller owns. */
#ifndef GM_ESC_H
#define GM_ESC_H

#include "core/util.h"

/* & < > " ' as entities; also fit for HTML text and attributes. */
void esc_xml(buf *b, const char *s);
/* A JSON string literal with its quotes. < > & and U+2028/2029 are \u
 * escaped so the result is also safe inside an HTML <script>. */
void esc_json(buf *b, const char *s);
/* A CSV field (RFC 4180 quoting). A cell starting with = + - @ tab or CR
 * gets a leading ' so spreadsheets do not run it as a formula. */
void esc_csv(buf *b, const char *s);
/* A BibTeX field value inside braces: braces balanced, specials escaped. */
void esc_bibtex(buf *b, const char *s);
/* One line of an RIS field: newlines become spaces. */
void esc_ris(buf *b, const char *s);
/* Percent-encodes everything but unreserved characters and '/'. */
void esc_url_path(buf *b, const char *s);

#endif
