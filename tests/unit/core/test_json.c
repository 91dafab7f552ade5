/* core/json: the streaming JSON writer keeps commas, keys and line breaks
 * right, and escapes through core/esc. */
#include "core/json.h"
#include "test.h"

int main(void)
{
	buf b = BUF_INIT;
	sink s = sink_for_buf(&b);
	jw w = jw_for(&s);
	jw_obj(&w);
	jw_field_str(&w, "a", "x<'\"");
	jw_field_str(&w, "skipped", NULL);
	jw_field_int(&w, "n", -3);
	jw_key(&w, "list");
	jw_arr(&w);
	jw_uint(&w, 1);
	jw_str_or_null(&w, NULL);
	jw_bool(&w, true);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_field_uint(&w, "u", 18446744073709551615ULL);
	jw_obj_end(&w);
	CHECK_STR(buf_cstr(&b),
	          "{\"a\":\"x\\u003c\\u0027\\\"\",\"n\":-3,\"list\":[1,null,true,[],{}],"
	          "\"u\":18446744073709551615}");

	/* Line breaks: after the comma, before the item; before a closing bracket */
	buf_reset(&b);
	w = jw_for(&s);
	jw_arr(&w);
	for (int i = 0; i < 3; i++) {
		jw_nl(&w);
		jw_int(&w, i);
	}
	jw_nl(&w);
	jw_arr_end(&w);
	CHECK_STR(buf_cstr(&b), "[\n0,\n1,\n2\n]");

	/* Bad characters follow the one rule of core/esc */
	buf_reset(&b);
	w = jw_for(&s);
	jw_str(&w, "\x01\xef\xbf\xbe\xff");
	CHECK_STR(buf_cstr(&b), "\"\\ufffd\\ufffd\\ufffd\"");

	buf_free(&b);
	TEST_MAIN_END();
}
