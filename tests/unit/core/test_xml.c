/* core/xml: the XML pieces escape their text and never let through a
 * character XML 1.0 forbids. */
#include "core/xml.h"
#include "test.h"

int main(void)
{
	buf b = BUF_INIT;
	sink s = sink_for_buf(&b);
	xml_decl(&s);
	xml_elem(&s, "  ", "title", "a<b & 'c' \x01\xef\xbf\xbe\xef\xbf\xbf");
	xml_elem(&s, "  ", "summary", NULL);
	xml_text(&s, "\"]]>");
	CHECK_STR(buf_cstr(&b), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                        "  <title>a&lt;b &amp; &#39;c&#39; \xef\xbf\xbd\xef\xbf\xbd"
	                        "\xef\xbf\xbd</title>\n&quot;]]&gt;");
	buf_free(&b);
	TEST_MAIN_END();
}
