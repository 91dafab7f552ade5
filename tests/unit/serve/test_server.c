/* server: GET and HEAD of a site folder over real HTTP on loopback — types,
 * ETag and 304, the reload script in HTML pages, the server's own paths,
 * 404 (the site's page when it has one), 405, the redirect of a folder
 * named without its slash, and 421 for Host names that are not loopback
 * (DNS rebinding). Every read has a timeout; an alarm ends a stuck run. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "fixture.h"
#include "serve/reload.h"
#include "serve/server.h"
#include "test.h"

static int port;

/* Sends one request (the request line and any extra header lines, each
 * ending in \r\n) and returns the whole response. Caller frees. */
static char *req(const char *line, const char *host, const char *extra)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	buf out = BUF_INIT;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
		buf r = BUF_INIT;
		buf_printf(&r, "%s\r\n", line);
		if (host)
			buf_printf(&r, "Host: %s\r\n", host);
		buf_printf(&r, "%sConnection: close\r\n\r\n", extra ? extra : "");
		if (write(fd, r.data, r.len) != (ssize_t)r.len)
			perror("write");
		buf_free(&r);
		char chunk[4096];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			buf_put(&out, chunk, (size_t)n);
	}
	close(fd);
	buf_putc(&out, '\0');
	return buf_detach(&out);
}

/* The value of header name in response r (case as the server writes it). */
static char *header(const char *r, const char *name)
{
	char *key = xasprintf("\r\n%s: ", name);
	const char *p = NULL;
	for (const char *q = r; *q && !p; q++)
		if (strncasecmp(q, key, strlen(key)) == 0)
			p = q;
	char *v = NULL;
	if (p) {
		p += strlen(key);
		v = xstrndup(p, strcspn(p, "\r"));
	}
	free(key);
	return v;
}

static const char *body(const char *r)
{
	const char *p = strstr(r, "\r\n\r\n");
	return p ? p + 4 : "";
}

static bool status(const char *r, const char *code)
{
	return strncmp(r, "HTTP/1.1 ", 9) == 0 && strncmp(r + 9, code, 3) == 0;
}

#define STATUS(r, code)                                                                            \
	do {                                                                                       \
		if (status((r), (code))) {                                                         \
			test_passed++;                                                             \
		} else {                                                                           \
			test_failed++;                                                             \
			printf("FAIL %s:%d: want %s, got: %.60s\n", __FILE__, __LINE__, (code),    \
			       (r));                                                               \
		}                                                                                  \
	} while (0)

int main(void)
{
	alarm(60);
	CHECK(fx_init());
	char *sub = path_join(fx_dir, "sub");
	mkdir(sub, 0755);
	fx_put("index.html", "<!DOCTYPE html>\n<html><head><title>Home</title></head>"
	                     "<body><p>Home page</p></body></html>\n");
	fx_put("sub/index.html", "<html><head></head><body>Sub</body></html>\n");
	fx_put("style.css", "body { color: red; }\n");
	fx_put("data.csv", "a,b\n1,2\n");

	reload_hub *hub = reload_hub_new();
	server *s = server_start("127.0.0.1", 0, fx_dir, hub);
	CHECK(s != NULL);
	if (!s)
		TEST_MAIN_END();
	port = server_port(s);
	CHECK(port > 0 && port <= 65535);

	/* A page: HTML type, no-cache, an ETag, the page with the script. */
	char *r = req("GET / HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	char *v = header(r, "Content-Type");
	CHECK_STR(v, "text/html; charset=utf-8");
	free(v);
	v = header(r, "Cache-Control");
	CHECK_STR(v, "no-cache");
	free(v);
	v = header(r, "X-Content-Type-Options");
	CHECK_STR(v, "nosniff");
	free(v);
	char *etag = header(r, "ETag");
	CHECK(etag && etag[0] == '"' && strlen(etag) == 18);
	CHECK_CONTAINS(body(r), "<p>Home page</p>");
	CHECK_CONTAINS(body(r), RELOAD_JS_PATH);
	free(r);

	/* The same ETag back: 304, no body; a list holding it: 304; another: 200. */
	char *inm = xasprintf("If-None-Match: %s\r\n", etag ? etag : "\"x\"");
	r = req("GET /index.html HTTP/1.1", "localhost", inm);
	STATUS(r, "304");
	CHECK_STR(body(r), "");
	free(r);
	free(inm);
	inm = xasprintf("If-None-Match: \"0000\", %s\r\n", etag ? etag : "\"x\"");
	r = req("GET / HTTP/1.1", "localhost", inm);
	STATUS(r, "304");
	free(r);
	free(inm);
	r = req("GET / HTTP/1.1", "localhost", "If-None-Match: \"0000000000000000\"\r\n");
	STATUS(r, "200");
	free(r);
	free(etag);

	/* Other files: their own types, served as they are. */
	r = req("GET /style.css HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	v = header(r, "Content-Type");
	CHECK_STR(v, "text/css; charset=utf-8");
	free(v);
	CHECK_STR(body(r), "body { color: red; }\n");
	free(r);
	r = req("GET /data.csv HTTP/1.1", "localhost", NULL);
	v = header(r, "Content-Type");
	CHECK_STR(v, "text/csv; charset=utf-8");
	free(v);
	free(r);

	/* HEAD: the headers, no body. */
	r = req("HEAD /style.css HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	CHECK_STR(body(r), "");
	free(r);

	/* Not GET or HEAD: 405 with Allow. */
	r = req("POST / HTTP/1.1", "localhost", "Content-Length: 0\r\n");
	STATUS(r, "405");
	v = header(r, "Allow");
	CHECK_STR(v, "GET, HEAD");
	free(v);
	free(r);

	/* A folder without its slash: redirected, never to another host. */
	r = req("GET /sub HTTP/1.1", "localhost", NULL);
	STATUS(r, "301");
	v = header(r, "Location");
	CHECK_STR(v, "/sub/");
	free(v);
	free(r);
	r = req("GET //sub HTTP/1.1", "localhost", NULL);
	v = header(r, "Location");
	CHECK(!v || strncmp(v, "//", 2) != 0);
	free(v);
	free(r);
	r = req("GET /sub/ HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	CHECK_CONTAINS(body(r), "Sub");
	free(r);

	/* Missing: the server's 404 page, then the site's own once it has one. */
	r = req("GET /nope.html HTTP/1.1", "localhost", NULL);
	STATUS(r, "404");
	CHECK_CONTAINS(body(r), "<h1>Not found</h1>");
	CHECK_CONTAINS(body(r), RELOAD_JS_PATH);
	free(r);
	fx_put("404.html", "<html><body>Our own 404</body></html>\n");
	r = req("GET /nope.html HTTP/1.1", "localhost", NULL);
	STATUS(r, "404");
	CHECK_CONTAINS(body(r), "Our own 404");
	free(r);
	/* Escaping the folder is not found or forbidden, never served. */
	r = req("GET /../../etc/passwd HTTP/1.1", "localhost", NULL);
	CHECK(status(r, "404") || status(r, "403") || status(r, "400"));
	CHECK(!strstr(r, "root:"));
	free(r);

	/* The server's own paths. */
	r = req("GET " RELOAD_JS_PATH " HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	v = header(r, "Content-Type");
	CHECK_STR(v, "text/javascript; charset=utf-8");
	free(v);
	CHECK_STR(body(r), reload_js());
	free(r);
	r = req("GET " RELOAD_CSS_PATH " HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	free(r);
	r = req("GET " RELOAD_STATUS_PATH " HTTP/1.1", "localhost", NULL);
	STATUS(r, "200");
	v = header(r, "Content-Type");
	CHECK_STR(v, "application/json");
	free(v);
	CHECK(body(r)[0] == '{');
	free(r);
	r = req("GET " RELOAD_PREFIX "other HTTP/1.1", "localhost", NULL);
	STATUS(r, "404");
	free(r);

	/* Host names: loopback ones answered, others 421. */
	const char *good[] = {"localhost", "LOCALHOST:8000", "127.0.0.1", "127.1.2.3:99",
	                      "[::1]:8000"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		r = req("GET / HTTP/1.1", good[i], NULL);
		STATUS(r, "200");
		free(r);
	}
	const char *bad[] = {"evil.example",           "evil.example:8000", "127.0.0.1.nip.io",
	                     "localhost.evil.example", "127.evil",          "[::2]"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = req("GET / HTTP/1.1", bad[i], NULL);
		STATUS(r, "421");
		CHECK_STR(body(r), "gapmap serve answers only to localhost names\n");
		CHECK(!strstr(r, "Home page"));
		free(r);
	}

	/* A second server asking for the same port gets the next free one. */
	server *s2 = server_start("127.0.0.1", port, fx_dir, hub);
	CHECK(s2 && server_port(s2) > port);
	server_stop(s2);
	/* A host that is not a numeric address: refused. */
	CHECK(server_start("example.org", 0, fx_dir, hub) == NULL);

	reload_stop(hub);
	server_stop(s);
	reload_hub_free(hub);
	const char *files[] = {"index.html", "sub/index.html", "style.css", "data.csv", "404.html"};
	for (size_t i = 0; i < 5; i++) {
		char *p = path_join(fx_dir, files[i]);
		remove(p);
		free(p);
	}
	rmdir(sub);
	free(sub);
	CHECK(rmdir(fx_dir) == 0);
	TEST_MAIN_END();
}
