/* Escaping for every output context: each attack string comes out inert,
 * and ordinary text comes out as it went in. */
#include "core/esc.h"
#include "test.h"

typedef void (*esc_fn)(buf *, const char *);

/* Escapes s into the caller's scratch buffer and returns its text. */
static const char *esc(buf *b, esc_fn f, const char *s)
{
	buf_reset(b);
	f(b, s);
	return buf_cstr(b);
}

int main(void)
{
	buf b = BUF_INIT;
#define run(f, s) esc(&b, (f), (s))
	/* XML and HTML text and attributes */
	CHECK_STR(run(esc_xml, "<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK_STR(run(esc_xml, "\"><img src=x onerror=alert(2)>"),
	          "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
	CHECK_STR(run(esc_xml, "' onmouseover='x"), "&#39; onmouseover=&#39;x");
	CHECK_STR(run(esc_xml, "]]> & &amp;"), "]]&gt; &amp; &amp;amp;");
	CHECK_STR(run(esc_xml, "a\x01\x1b" "b\tc\nd"), "a  b\tc\nd"); /* controls are not XML */
	CHECK_STR(run(esc_xml, "Caf\xc3\xa9 \xe2\x80\x94 ok"), "Caf\xc3\xa9 \xe2\x80\x94 ok");
	CHECK_STR(run(esc_xml, ""), "");

	/* JSON, also safe inside an HTML <script> */
	CHECK_STR(run(esc_json, "</script><script>alert(1)</script>"),
	          "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"");
	CHECK_STR(run(esc_json, "<!-- x -->"), "\"\\u003c!-- x --\\u003e\"");
	CHECK_STR(run(esc_json, "a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
	CHECK_STR(run(esc_json, "\x01\x1f"), "\"\\u0001\\u001f\"");
	CHECK_STR(run(esc_json, "&"), "\"\\u0026\"");
	/* U+2028 and U+2029 end a line in older JavaScript */
	CHECK_STR(run(esc_json, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c"), "\"a\\u2028b\\u2029c\"");
	CHECK_STR(run(esc_json, "\xe2\x80\x94"), "\"\xe2\x80\x94\""); /* other UTF-8 kept */
	CHECK_STR(run(esc_json, ""), "\"\"");

	/* CSV: RFC 4180 quoting and the spreadsheet-formula guard */
	CHECK_STR(run(esc_csv, "=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
	CHECK_STR(run(esc_csv, "+1+1"), "\"'+1+1\"");
	CHECK_STR(run(esc_csv, "-2+3"), "\"'-2+3\"");
	CHECK_STR(run(esc_csv, "@SUM(A1)"), "\"'@SUM(A1)\"");
	CHECK_STR(run(esc_csv, "\t=1"), "\"'\t=1\"");
	CHECK_STR(run(esc_csv, "\r=1"), "\"'\r=1\"");
	CHECK_STR(run(esc_csv, "say \"hi\", then\nleave"), "\"say \"\"hi\"\", then\nleave\"");
	CHECK_STR(run(esc_csv, "a=b"), "\"a=b\""); /* only a leading sign is a formula */
	CHECK_STR(run(esc_csv, ""), "\"\"");

	/* BibTeX: braces cannot close the field or open an entry */
	CHECK_STR(run(esc_bibtex, "} , @misc{x, title={y"), "\\} , @misc\\{x, title=\\{y");
	CHECK_STR(run(esc_bibtex, "50% & $5 #1 a_b \\"),
	          "50\\% \\& \\$5 \\#1 a\\_b \\textbackslash{}");
	CHECK_STR(run(esc_bibtex, "two\nlines"), "two lines");

	/* RIS: one field per line, whatever the content */
	CHECK_STR(run(esc_ris, "x\nER  - \nTY  - JOUR\r\nTI  - forged"),
	          "x ER  -  TY  - JOUR  TI  - forged");

	/* URL path segments */
	CHECK_STR(run(esc_url_path, "a b/c?d#e&f\"<>"), "a%20b/c%3Fd%23e%26f%22%3C%3E");
	CHECK_STR(run(esc_url_path, "java script:"), "java%20script%3A");
	CHECK_STR(run(esc_url_path, "caf\xc3\xa9"), "caf%C3%A9");
	CHECK_STR(run(esc_url_path, "A-z_0.9~"), "A-z_0.9~");

	buf_free(&b);
	TEST_MAIN_END();
}
