#include "load/note.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/url.h"
#include "core/util.h"

static cmark_node *parse(const char *md, size_t len, int shift)
{
	cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_SMART);
	if (!doc) {
		fputs("gapmap: out of memory\n", stderr);
		abort();
	}
	if (shift) {
		cmark_iter *it = cmark_iter_new(doc);
		cmark_event_type ev;
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(it);
			if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_HEADING) {
				int level = cmark_node_get_heading_level(n) + shift;
				cmark_node_set_heading_level(n, level > 6 ? 6 : level);
			}
		}
		cmark_iter_free(it);
	}
	return doc;
}

/* Empties the URL of every link and image the allow-list (core/url.h)
 * refuses: cmark's safe mode only knows javascript:, vbscript:, file: and
 * data:, and lets ms-msdt:, search-ms: and the like through. The link text
 * stays, as with cmark's own. */
static void neutralise_urls(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
			continue;
		const char *url = cmark_node_get_url(n);
		if (url && *url && !url_allowed(url, true))
			cmark_node_set_url(n, "");
	}
	cmark_iter_free(it);
}

/* The HTML of a parsed document (its URLs neutralised); frees doc. */
static char *render_html(cmark_node *doc)
{
	neutralise_urls(doc);
	/* CMARK_OPT_SAFE is the default in cmark >= 0.29 (UNSAFE must be asked
	 * for); we name it anyway so older cmark builds stay safe. */
	char *html = cmark_render_html(doc, CMARK_OPT_SAFE | CMARK_OPT_SMART);
	cmark_node_free(doc);
	char *copy = xstrdup(html ? html : "");
	free(html);
	return copy;
}

char *note_html(const char *markdown, size_t len, int shift)
{
	return render_html(parse(markdown, len, shift));
}

/* One step of the walk that gathers a document's plain text into b. */
static void text_step(buf *b, cmark_event_type ev, cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
		buf_puts(b, cmark_node_get_literal(n));
	} else if ((ev == CMARK_EVENT_EXIT &&
	            (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)) ||
	           (ev == CMARK_EVENT_ENTER &&
	            (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK))) {
		if (b->len && b->data[b->len - 1] != ' ')
			buf_putc(b, ' ');
	}
}

static char *text_end(buf *b)
{
	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	/* Cut to size: a record keeps its note's text for the whole build, and
	 * the buffer's doubling left up to half of it unused (100 MB at
	 * 100,000 studies). */
	size_t len = b->len;
	char *text = buf_detach(b);
	return len + 1 < 64 ? text : xrealloc(text, len + 1);
}

char *note_text(const char *markdown, size_t len)
{
	cmark_node *doc = parse(markdown, len, 0);
	buf b = BUF_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		text_step(&b, ev, cmark_iter_get_node(it));
	cmark_iter_free(it);
	cmark_node_free(doc);
	return text_end(&b);
}

char *note_first_heading(const char *markdown, size_t len)
{
	cmark_node *doc = parse(markdown, len, 0);
	buf b = BUF_INIT;
	bool found = false;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int depth = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_HEADING) {
			if (ev == CMARK_EVENT_ENTER && !found) {
				found = true;
				depth = 1;
			} else if (ev == CMARK_EVENT_EXIT && depth) {
				break;
			}
		} else if (depth && ev == CMARK_EVENT_ENTER &&
		           (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
			buf_puts(&b, cmark_node_get_literal(n));
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	if (!found) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* True for a URL with no scheme that is not site-absolute, protocol-relative,
 * a fragment or a query: one that names a file relative to the page. */
static bool is_relative(const char *url)
{
	if (!url[0] || url[0] == '#' || url[0] == '/' || url[0] == '?')
		return false;
	for (const char *p = url; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':')
			return false;
	return true;
}

/* Gathers the relative links of a document parsed from text[body..len),
 * located in text: begun, fed every step of a walk, ended. */
typedef struct link_walk {
	const char *text, *origin;
	size_t len, body, nlines, *line_off;
	note_link *v;
	size_t n, cap;
} link_walk;

static void links_begin(link_walk *lw, const char *text, size_t len, size_t body)
{
	*lw = (link_walk){.text = text, .len = len, .body = body};
}

/* Byte offset of each line of the body, to turn cmark's (line, byte
 * column) into a place in the whole file; made at the first link, since
 * most notes have none. */
static void links_lines(link_walk *lw)
{
	const char *text = lw->text;
	size_t len = lw->len, body = lw->body;
	lw->nlines = 1;
	for (size_t i = body; i < len; i++)
		lw->nlines += text[i] == '\n';
	lw->line_off = xcalloc(lw->nlines, sizeof *lw->line_off);
	/* cmark drops a byte order mark and counts columns after it; so do we,
	 * since an editor does not show it. */
	size_t bom = len - body >= 3 && memcmp(text + body, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	lw->origin = body == 0 ? text + bom : text;
	lw->line_off[0] = body + bom;
	for (size_t i = body, k = 1; i < len; i++)
		if (text[i] == '\n')
			lw->line_off[k++] = i + 1;
}

static void links_step(link_walk *lw, cmark_event_type ev, cmark_node *nd)
{
	cmark_node_type t = cmark_node_get_type(nd);
	if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
		return;
	const char *url = cmark_node_get_url(nd);
	if (!url || !is_relative(url))
		return;
	if (!lw->line_off)
		links_lines(lw);
	if (lw->n == lw->cap) {
		lw->cap = lw->cap ? lw->cap * 2 : 8;
		lw->v = xrealloc(lw->v, lw->cap * sizeof *lw->v);
	}
	int line = cmark_node_get_start_line(nd), col = cmark_node_get_start_column(nd);
	size_t off = lw->body;
	if (line >= 1 && (size_t)line <= lw->nlines && col >= 1)
		off = lw->line_off[line - 1] + (size_t)(col - 1);
	if (off > lw->len)
		off = lw->len;
	note_link l = {xstrdup(url), 0, 0};
	diag_locate(lw->origin, off - (size_t)(lw->origin - lw->text), &l.line, &l.col);
	lw->v[lw->n++] = l;
}

static note_link *links_end(link_walk *lw, size_t *n)
{
	free(lw->line_off);
	*n = lw->n;
	return lw->v;
}

note_link *note_links(const char *text, size_t len, size_t body, size_t *n)
{
	cmark_node *doc = parse(text + body, len - body, 0);
	link_walk lw;
	links_begin(&lw, text, len, body);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		links_step(&lw, ev, cmark_iter_get_node(it));
	cmark_iter_free(it);
	cmark_node_free(doc);
	return links_end(&lw, n);
}

void note_parse(const char *markdown, size_t len, int shift, note_parts *out)
{
	/* Links and text first: the URLs as written, the levels do not matter;
	 * then parse() shifts the headings and render_html neutralises URLs. */
	cmark_node *doc = parse(markdown, len, 0);
	link_walk lw;
	links_begin(&lw, markdown, len, 0);
	buf text = BUF_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		text_step(&text, ev, n);
		links_step(&lw, ev, n);
		if (shift && ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(n) + shift;
			cmark_node_set_heading_level(n, level > 6 ? 6 : level);
		}
	}
	cmark_iter_free(it);
	out->text = text_end(&text);
	out->links = links_end(&lw, &out->nlinks);
	out->html = render_html(doc);
}

void note_links_free(note_link *links, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(links[i].url);
	free(links);
}

/* Length of the line starting at p (without its newline) when it is a
 * front matter fence ("---" with optional trailing spaces), else 0. */
static bool fence(const char *p, const char *end, size_t *linelen)
{
	const char *e = memchr(p, '\n', (size_t)(end - p));
	size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
	*linelen = n + (e ? 1 : 0);
	size_t k = n;
	while (k && (p[k - 1] == ' ' || p[k - 1] == '\r'))
		k--;
	return k == 3 && memcmp(p, "---", 3) == 0;
}

bool note_front_matter(const char *text, size_t len, size_t *yaml_off, size_t *yaml_len,
                       size_t *body, int *yaml_line)
{
	*body = *yaml_off = *yaml_len = 0;
	*yaml_line = 2;
	const char *p = text, *end = text + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	size_t ll;
	if (p >= end || !fence(p, end, &ll))
		return false;
	const char *start = p + ll;
	for (const char *q = start; q < end; q += ll) {
		if (fence(q, end, &ll)) {
			*yaml_off = (size_t)(start - text);
			*yaml_len = (size_t)(q - start);
			*body = (size_t)(q + ll - text);
			return true;
		}
	}
	return false; /* no closing fence: the whole file is Markdown */
}
