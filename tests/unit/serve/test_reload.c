/* reload: the injected script tag, the status and the event stream. */
#include <stdlib.h>

#include "core/util.h"
#include "serve/reload.h"
#include "test.h"

int main(void)
{
	buf b = BUF_INIT;
	const char *page = "<html><body><p>x</p></BODY>\n</html>\n";
	reload_inject(page, strlen(page), 7, &b);
	CHECK_STR(buf_cstr(&b), "<html><body><p>x</p><script src=\"/__gapmap/reload.js\" "
	                        "data-generation=\"7\" defer></script>\n</BODY>\n</html>\n");
	buf_reset(&b);
	/* The last </body> only; none at all appends. */
	const char *two = "<pre></body></pre></body>";
	reload_inject(two, strlen(two), 1, &b);
	CHECK_CONTAINS(buf_cstr(&b), "<pre></body></pre><script");
	buf_reset(&b);
	reload_inject("<p>bare", 7, 1, &b);
	CHECK(str_starts_with(buf_cstr(&b), "<p>bare<script"));
	buf_free(&b);

	reload_hub *h = reload_hub_new();
	char *s = reload_status_json(h);
	CHECK_STR(s, "{\"generation\":0,\"ok\":true,\"problems\":[]}");
	free(s);
	reload_stream *st = reload_stream_new(h, 1);
	char out[4096];
	ssize_t n = reload_stream_read(st, out, sizeof out - 1);
	CHECK(n > 0);
	out[n > 0 ? n : 0] = '\0';
	CHECK_CONTAINS(out, "event: status\ndata: {\"generation\":0,\"ok\":true");

	diag *d = diag_new();
	diag_error(d, "studies/a.yaml", 3, 9, "unknown outcome code \"<pian>\"");
	reload_publish(h, false, d);
	n = reload_stream_read(st, out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	CHECK_CONTAINS(out, "\"ok\":false");
	CHECK_CONTAINS(out, "{\"file\":\"studies/a.yaml\",\"line\":3,\"col\":9,\"level\":\"error\","
	                    "\"message\":\"unknown outcome code \\\"\\u003cpian\\u003e\\\"\"}");
	CHECK(reload_generation(h) == 0);
	reload_publish(h, true, NULL);
	CHECK(reload_generation(h) == 1);
	n = reload_stream_read(st, out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	CHECK_CONTAINS(out, "{\"generation\":1,\"ok\":true,\"problems\":[]}");
	/* Nothing new: a keepalive comment after the interval. */
	n = reload_stream_read(st, out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	CHECK_STR(out, ": keepalive\n\n");
	/* Small reads get the event in pieces. */
	reload_publish(h, true, NULL);
	char piece[8];
	n = reload_stream_read(st, piece, sizeof piece);
	CHECK(n == 8 && !memcmp(piece, "event: s", 8));
	reload_stop(h);
	n = reload_stream_read(st, out, sizeof out);
	CHECK(n > 0); /* the rest of the pending event */
	CHECK(reload_stream_read(st, out, sizeof out) == -1);
	reload_stream_free(st);
	diag_free(d);
	reload_hub_free(h);
	CHECK_CONTAINS(reload_js(), "EventSource('/__gapmap/events')");
	CHECK(strstr(reload_js(), "innerHTML") == NULL);
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
