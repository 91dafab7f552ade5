/* note: CommonMark to HTML through cmark, in safe mode: raw HTML is dropped,
 * and a link or image whose URL the one allow-list (core/url.h: http, https,
 * mailto, relative) refuses gets an empty URL — javascript:, data:, file:,
 * ms-msdt:, search-ms: and any other scheme. Headings in notes are shifted so
 * that a note's "#" never competes with the page's own <h1>.
 *
 * Ownership: returned strings are the caller's, released with free(). */
#ifndef GM_NOTE_H
#define GM_NOTE_H

#include <stdbool.h>
#include <stddef.h>

/* The text `gapmap new` writes into a new study's note; a note that still
 * holds it gets a warning. */
#define NOTE_SCAFFOLD_TEXT "What the study found, in your own words."

/* A relative link or image in Markdown (no scheme, not "/...", "#..." or
 * "?..."), with where it starts in the file (1-based; column in
 * characters). */
typedef struct note_link {
	char *url;
	int line, col;
} note_link;

/* The relative links of the Markdown text[body..len), located in text.
 * Returns an array of *n links (NULL when none); free with note_links_free. */
note_link *note_links(const char *text, size_t len, size_t body, size_t *n);
void note_links_free(note_link *links, size_t n);

/* Renders markdown to HTML. shift adds to every heading level (capped at 6). */
char *note_html(const char *markdown, size_t len, int shift);

/* Plain text of markdown (for search indexes and feed summaries). */
char *note_text(const char *markdown, size_t len);

/* A record's note from one parse: html as note_html(markdown, len, shift)
 * gives it, text as note_text, links as note_links(markdown, len, 0, ...).
 * Every part is the caller's (free, note_links_free). */
typedef struct note_parts {
	char *html, *text;
	note_link *links;
	size_t nlinks;
} note_parts;
void note_parse(const char *markdown, size_t len, int shift, note_parts *out);

/* Plain text of the first heading of markdown, or NULL when it has none. */
char *note_first_heading(const char *markdown, size_t len);

/* Finds a leading YAML front matter block ("---" line ... "---" line).
 * Returns false when there is none. Otherwise sets the YAML's offset and
 * length, *body to the offset where the Markdown starts and *yaml_line to
 * the 1-based line where the YAML starts. */
bool note_front_matter(const char *text, size_t len, size_t *yaml_off, size_t *yaml_len,
                       size_t *body, int *yaml_line);

#endif
