/* server: the HTTP side of `gapmap serve`, on libmicrohttpd with one
 * thread per connection (the event streams block while they wait). It
 * serves the files below a site folder through files.c, adds the live-
 * reload script to HTML pages, answers GET and HEAD, sets Content-Type,
 * ETag and Cache-Control: no-cache, and answers If-None-Match with 304.
 * RELOAD_PREFIX paths are the server's own (script, style, status, event
 * stream) and never reach the site folder. Listening on loopback, it
 * answers only requests whose Host is a loopback name (localhost,
 * 127.x.x.x, [::1]), so a page whose domain was re-pointed at 127.0.0.1
 * (DNS rebinding) cannot read the map being worked on: 421 otherwise.
 *
 * Ownership: server_start copies root; the hub is borrowed and must
 * outlive the server. server_stop ends every connection and frees. */
#ifndef GM_SERVER_H
#define GM_SERVER_H

#include <stdbool.h>

#include "serve/reload.h"

typedef struct server server;

/* Listens on host (a numeric IPv4 or IPv6 address) at port, or the next
 * free port above it (up to 100 tries; port 0 lets the system choose).
 * Returns NULL after printing why to stderr. */
server *server_start(const char *host, int port, const char *root, reload_hub *hub);
/* The port actually listened on. */
int server_port(const server *s);
void server_stop(server *s);

#endif
