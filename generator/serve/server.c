#include "serve/server.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/esc.h"
#include "core/util.h"
#include "serve/files.h"

/* Bigger files are refused with 413 rather than held in memory. */
#define SERVER_MAX_FILE   (256u * 1024 * 1024)
#define SERVER_KEEPALIVE  15 /* seconds between event-stream comments */
#define SERVER_MAX_CONN   2000u
#define SERVER_IDLE_LIMIT 120u /* seconds a silent connection is kept */

struct server {
	struct MHD_Daemon *daemon;
	char *root;
	reload_hub *hub;
	int port;
	bool loopback; /* listening on loopback only: Host must name it too */
};

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* True when If-None-Match (a list of entity tags, or "*") names etag. */
static bool etag_matches(const char *header, const char *etag)
{
	if (!header)
		return false;
	size_t elen = strlen(etag);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2; /* weak comparison, as RFC 9110 asks for If-None-Match */
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - p) == elen && memcmp(p, etag, elen) == 0)
			return true;
		p = e;
	}
	return false;
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned code, const char *type,
                                char *data, size_t len, bool conditional)
{
	char etag[40];
	snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)fnv1a(data, len));
	struct MHD_Response *r;
	if (conditional && code == MHD_HTTP_OK &&
	    etag_matches(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match"), etag)) {
		free(data);
		code = MHD_HTTP_NOT_MODIFIED;
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	}
	if (!r)
		return MHD_NO;
	if (conditional)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *type,
                                 const char *text, bool conditional)
{
	return send_buf(c, code, type, xstrdup(text), strlen(text), conditional);
}

/* An HTML page (the site's own, or an error page) with the reload script. */
static enum MHD_Result send_html(server *s, struct MHD_Connection *c, unsigned code,
                                 const char *html, size_t len)
{
	buf b = BUF_INIT;
	reload_inject(html, len, reload_generation(s->hub), &b);
	size_t n = b.len;
	return send_buf(c, code, "text/html; charset=utf-8", buf_detach(&b), n,
	                code == MHD_HTTP_OK);
}

static enum MHD_Result send_error(server *s, struct MHD_Connection *c, unsigned code,
                                  const char *title)
{
	if (code == MHD_HTTP_NOT_FOUND) {
		files_file f;
		if (files_read(s->root, "/404.html", SERVER_MAX_FILE, &f) == FILES_OK) {
			enum MHD_Result r = send_html(s, c, code, f.data, f.len);
			files_file_free(&f);
			return r;
		}
	}
	char *html =
	    xasprintf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n</body>\n</html>\n",
	              title, title);
	enum MHD_Result r = send_html(s, c, code, html, strlen(html));
	free(html);
	return r;
}

/* A folder named without its slash: relative links need it. The path is
 * re-encoded (no header injection) with repeated slashes folded, so the
 * Location can never name another host ("//host"). */
static enum MHD_Result send_redirect(struct MHD_Connection *c, const char *url)
{
	buf clean = BUF_INIT, loc = BUF_INIT;
	for (const char *p = url; *p; p++)
		if (!(*p == '/' && p[1] == '/'))
			buf_putc(&clean, *p);
	esc_url_path(&loc, buf_cstr(&clean));
	buf_putc(&loc, '/');
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_NO;
	if (r) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, buf_cstr(&loc));
		ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
		MHD_destroy_response(r);
	}
	buf_free(&clean);
	buf_free(&loc);
	return ret;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	ssize_t n = reload_stream_read(cls, out, max);
	return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static void stream_free(void *cls)
{
	reload_stream_free(cls);
}

static enum MHD_Result send_events(server *s, struct MHD_Connection *c)
{
	reload_stream *st = reload_stream_new(s->hub, SERVER_KEEPALIVE);
	struct MHD_Response *r =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_read, st, stream_free);
	if (!r) {
		reload_stream_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_own(server *s, struct MHD_Connection *c, const char *url, bool get)
{
	if (!strcmp(url, RELOAD_JS_PATH))
		return send_text(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", reload_js(),
		                 true);
	if (!strcmp(url, RELOAD_CSS_PATH))
		return send_text(c, MHD_HTTP_OK, "text/css; charset=utf-8", reload_css(), true);
	if (!strcmp(url, RELOAD_STATUS_PATH)) {
		char *json = reload_status_json(s->hub);
		size_t n = strlen(json);
		return send_buf(c, MHD_HTTP_OK, "application/json", json, n, false);
	}
	if (!strcmp(url, RELOAD_EVENTS_PATH) && get)
		return send_events(s, c);
	return send_error(s, c, MHD_HTTP_NOT_FOUND, "Not found");
}

/* On loopback, a page of another site whose name was re-pointed at
 * 127.0.0.1 (DNS rebinding) must not read the served map: its requests
 * carry that site's name in Host, so only loopback names are answered. */
static bool host_allowed(const server *s, struct MHD_Connection *c)
{
	if (!s->loopback)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	if (!h)
		return true; /* HTTP/1.0 without Host: nothing to re-point */
	size_t n = strlen(h);
	if (h[0] == '[') {
		const char *e = strchr(h, ']');
		n = e ? (size_t)(e - h) + 1 : n;
	} else {
		const char *colon = strchr(h, ':');
		n = colon ? (size_t)(colon - h) : n;
	}
	static const char *const names[] = {"localhost", "[::1]"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && !strncasecmp(h, names[i], n))
			return true;
	/* 127.0.0.0/8 written as a dotted quad. */
	if (n > 4 && !strncmp(h, "127.", 4)) {
		for (size_t i = 4; i < n; i++)
			if (!(h[i] == '.' || (h[i] >= '0' && h[i] <= '9')))
				return false;
		return true;
	}
	return false;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
	(void)version;
	(void)upload;
	(void)req;
	server *s = cls;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET);
	if (!get && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		*upload_size = 0;
		struct MHD_Response *r =
		    MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (!host_allowed(s, c))
		return send_text(c, MHD_HTTP_MISDIRECTED_REQUEST, "text/plain; charset=utf-8",
		                 "gapmap serve answers only to localhost names\n", false);
	if (str_starts_with(url, RELOAD_PREFIX))
		return send_own(s, c, url, get);
	files_file f;
	switch (files_read(s->root, url, SERVER_MAX_FILE, &f)) {
	case FILES_OK:
		break;
	case FILES_ADD_SLASH:
		return send_redirect(c, url);
	case FILES_FORBIDDEN:
		return send_error(s, c, MHD_HTTP_FORBIDDEN, "Forbidden");
	case FILES_TOO_BIG:
		return send_error(s, c, MHD_HTTP_CONTENT_TOO_LARGE, "Too large to serve");
	case FILES_NOT_FOUND:
	default:
		return send_error(s, c, MHD_HTTP_NOT_FOUND, "Not found");
	}
	enum MHD_Result ret;
	if (f.html) {
		ret = send_html(s, c, MHD_HTTP_OK, f.data, f.len);
		files_file_free(&f);
	} else {
		ret = send_buf(c, MHD_HTTP_OK, f.type, f.data, f.len, true);
	}
	return ret;
}

/* Binds host:port, or the next free port; -1 after printing why. */
static int listen_on(const char *host, int port, int *bound)
{
	struct addrinfo hints = {0}, *ai = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	int err = getaddrinfo(host, NULL, &hints, &ai);
	if (err != 0 || !ai) {
		fprintf(stderr, "gapmap: --host %s is not a numeric IPv4 or IPv6 address\n", host);
		return -1;
	}
	int tries = port == 0 ? 1 : 100;
	int fd = -1, last_err = 0;
	for (int i = 0; i < tries && port + i <= 65535; i++) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			last_err = errno;
			break;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		struct sockaddr_storage sa;
		memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
		in_port_t p = htons((in_port_t)(port + i));
		if (ai->ai_family == AF_INET6)
			((struct sockaddr_in6 *)&sa)->sin6_port = p;
		else
			((struct sockaddr_in *)&sa)->sin_port = p;
		if (bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
			break;
		last_err = errno;
		close(fd);
		fd = -1;
		if (last_err != EADDRINUSE)
			break;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		fprintf(stderr, "gapmap: cannot listen on %s port %d%s: %s\n", host, port,
		        tries > 1 ? " or the 99 after it" : "", strerror(last_err));
		return -1;
	}
	struct sockaddr_storage got;
	socklen_t gl = sizeof got;
	getsockname(fd, (struct sockaddr *)&got, &gl);
	*bound = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
	                                         : ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

server *server_start(const char *host, int port, const char *root, reload_hub *hub)
{
	int bound = 0;
	int fd = listen_on(host, port, &bound);
	if (fd < 0)
		return NULL;
	server *s = xcalloc(1, sizeof *s);
	s->root = xstrdup(root);
	s->hub = hub;
	s->port = bound;
	s->loopback = !strncmp(host, "127.", 4) || !strcmp(host, "::1");
	/* One thread per connection: an event stream's reader may block. */
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                 MHD_USE_POLL | MHD_USE_ITC;
	s->daemon =
	    MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET, fd,
	                     MHD_OPTION_CONNECTION_LIMIT, SERVER_MAX_CONN,
	                     MHD_OPTION_CONNECTION_TIMEOUT, SERVER_IDLE_LIMIT, MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "gapmap: cannot start the web server on %s port %d\n", host, bound);
		close(fd);
		free(s->root);
		free(s);
		return NULL;
	}
	return s;
}

int server_port(const server *s)
{
	return s->port;
}

void server_stop(server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s->root);
	free(s);
}
