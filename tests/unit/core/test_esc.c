/* Escaping for every output context: each attack string comes out inert,
 * and ordinary text comes out as it went in. */
#include "core/esc.h"
#include "test.h"

#define R "\xef\xbf\xbd" /* U+FFFD */

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
	/* The one rule: what XML 1.0 forbids (C0 but tab LF CR, U+FFFE, U+FFFF)
	 * and invalid UTF-8 become U+FFFD, in every context. */
	CHECK_STR(run(esc_xml, "a\x01\x1b" "b\tc\nd\re"), "a" R R "b\tc\nd\re");
	CHECK_STR(run(esc_xml, "x\xef\xbf\xbey\xef\xbf\xbfz"), "x" R "y" R "z");
	CHECK_STR(run(esc_xml, "bad \xff\xc3 end\xe2\x82"), "bad " R R " end" R R);
	CHECK_STR(run(esc_xml, "\xed\xa0\x80"), R R R); /* a surrogate is invalid UTF-8 */
	CHECK_STR(run(esc_xml, "\x7f \xc2\x85 \xef\xbf\xbd"), "\x7f \xc2\x85 \xef\xbf\xbd"); /* allowed */
	CHECK_STR(run(esc_xml, "Caf\xc3\xa9 \xe2\x80\x94 ok"), "Caf\xc3\xa9 \xe2\x80\x94 ok");
	CHECK_STR(run(esc_xml, ""), "");

	/* JSON, also safe inside an HTML <script> */
	CHECK_STR(run(esc_json, "</script><script>alert(1)</script>"),
	          "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"");
	CHECK_STR(run(esc_json, "<!-- x -->"), "\"\\u003c!-- x --\\u003e\"");
	CHECK_STR(run(esc_json, "a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
	CHECK_STR(run(esc_json, "\x01\x1f"), "\"\\ufffd\\ufffd\""); /* the one rule */
	CHECK_STR(run(esc_json, "a\xff" "b\xef\xbf\xbe"), "\"a\\ufffdb\\ufffd\"");
	CHECK_STR(run(esc_json, "it's"), "\"it\\u0027s\""); /* ' ends an attribute */
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
	CHECK_STR(run(esc_csv, "\x01=1\xff"), "\"" R "=1" R "\"");
	CHECK_STR(run(esc_csv, ""), "\"\"");

	/* BibTeX: braces cannot close the field or open an entry */
	CHECK_STR(run(esc_bibtex, "} , @misc{x, title={y"), "\\} , @misc\\{x, title=\\{y");
	CHECK_STR(run(esc_bibtex, "50% & $5 #1 a_b \\"),
	          "50\\% \\& \\$5 \\#1 a\\_b \\textbackslash{}");
	CHECK_STR(run(esc_bibtex, "two\nlines"), "two lines");
	CHECK_STR(run(esc_bibtex, "a\x02" "b\xc0"), "a" R "b" R);

	/* RIS: one field per line, whatever the content */
	CHECK_STR(run(esc_ris, "x\nER  - \nTY  - JOUR\r\nTI  - forged"),
	          "x ER  -  TY  - JOUR  TI  - forged");
	CHECK_STR(run(esc_ris, "a\x1b[31mb"), "a" R "[31mb");

	/* URL path segments */
	CHECK_STR(run(esc_url_path, "a b/c?d#e&f\"<>"), "a%20b/c%3Fd%23e%26f%22%3C%3E");
	CHECK_STR(run(esc_url_path, "java script:"), "java%20script%3A");
	CHECK_STR(run(esc_url_path, "caf\xc3\xa9"), "caf%C3%A9");
	CHECK_STR(run(esc_url_path, "A-z_0.9~"), "A-z_0.9~");
	CHECK_STR(run(esc_url_path, "a\x01\xff"), "a%EF%BF%BD%EF%BF%BD");

	/* The sink forms take a length: NUL bytes inside are characters too */
	{
		buf o = BUF_INIT;
		sink sk = sink_for_buf(&o);
		esc_markup_to(&sk, "a\0b<", 4);
		esc_url_to(&sk, "/x y", 4, false);
		esc_text_to(&sk, "<\x01>", 3);
		CHECK_STR(buf_cstr(&o), "a" R "b&lt;%2Fx%20y<" R ">");
		buf_free(&o);
	}

	buf_free(&b);
	TEST_MAIN_END();
}
