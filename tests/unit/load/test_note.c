/* Notes and pages: CommonMark in safe mode, headings shifted, plain text,
 * first heading, and front matter found with its line. */
#include <stdlib.h>
#include <string.h>

#include "load/note.h"
#include "test.h"

static char *html(const char *md, int shift)
{
	return note_html(md, strlen(md), shift);
}

/* note_parse gives what note_html, note_text and note_links give, from
 * one parse: the links as written (before URLs are neutralised in the
 * HTML), the text without the shift. */
static void parse_once(void)
{
	const char *md = "# Head\n\nSee [a](a.pdf), [bad](javascript:x) and ![i](img/i.png).\n\n"
	                 "## Sub `c`\nline  \nbreak [abs](https://x.org)\n";
	size_t len = strlen(md);
	note_parts np;
	note_parse(md, len, 1, &np);
	char *h = note_html(md, len, 1), *t = note_text(md, len);
	size_t n;
	note_link *l = note_links(md, len, 0, &n);
	CHECK_STR(np.html, h);
	CHECK_CONTAINS(np.html, "<h2>Head</h2>");
	CHECK(strstr(np.html, "javascript:") == NULL);
	CHECK_STR(np.text, t);
	CHECK(np.nlinks == n && n == 2);
	for (size_t i = 0; i < n && i < np.nlinks; i++) {
		CHECK_STR(np.links[i].url, l[i].url);
		CHECK(np.links[i].line == l[i].line && np.links[i].col == l[i].col);
	}
	free(h);
	free(t);
	note_links_free(l, n);
	free(np.html);
	free(np.text);
	note_links_free(np.links, np.nlinks);
}

int main(void)
{
	parse_once();
	char *h = html("# Title\n\nSome *text*.\n", 1);
	CHECK_CONTAINS(h, "<h2>Title</h2>");
	CHECK_CONTAINS(h, "<em>text</em>");
	free(h);
	h = html("###### Deep\n", 3);
	CHECK_CONTAINS(h, "<h6>Deep</h6>"); /* capped at 6 */
	free(h);
	h = html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](data:text/html,x)\n",
	         0);
	CHECK(strstr(h, "<script>") == NULL);
	CHECK(strstr(h, "javascript:") == NULL);
	free(h);
	const char *md = "# Head\n\nA [link](https://x.org) and `code`.\n";
	char *t = note_text(md, strlen(md));
	CHECK_CONTAINS(t, "Head");
	CHECK_CONTAINS(t, "A link and code.");
	CHECK(strchr(t, '<') == NULL && strchr(t, '[') == NULL);
	free(t);
	char *fh = note_first_heading("Intro\n\n## About *us*\n", 21);
	CHECK_STR(fh, "About us");
	free(fh);
	CHECK(note_first_heading("no heading\n", 11) == NULL);

	const char *page = "---\ntitle: T\nmenu: 2\n---\nBody\n";
	size_t off, len, body;
	int line;
	CHECK(note_front_matter(page, strlen(page), &off, &len, &body, &line));
	CHECK(line == 2);
	CHECK(strncmp(page + off, "title: T\nmenu: 2\n", len) == 0);
	CHECK_STR(page + body, "Body\n");
	CHECK(!note_front_matter("Body\n---\n", 9, &off, &len, &body, &line));
	TEST_MAIN_END();
}
