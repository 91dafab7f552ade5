/* reload: what makes served pages live. A hub holds the state of the last
 * rebuild (whether it worked, its diagnostics as JSON, how many good sites
 * have been published) and wakes every open server-sent-event stream when
 * it changes. Served HTML pages get one script tag (reload_inject) that
 * loads RELOAD_JS_PATH; that script listens to RELOAD_EVENTS_PATH, reloads
 * the page when a newer site is published and, while the content is
 * broken, shows an overlay listing each problem's file, line and message
 * over the last good page. Only the server adds this; built sites never
 * carry it. The script is same-origin, so the pages' Content-Security-
 * Policy (script-src 'self'; connect-src 'self'; style-src 'self') allows
 * it, its stream and its style sheet unchanged.
 *
 * Thread safety: every reload_hub function may be called from any thread.
 * Ownership: reload_hub_new's hub is released with reload_hub_free after
 * every stream has ended (reload_stop, then the server stopped). Strings
 * returned by reload_status_json belong to the caller. */
#ifndef GM_RELOAD_H
#define GM_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/diag.h"
#include "core/util.h"

#define RELOAD_PREFIX      "/__gapmap/"
#define RELOAD_JS_PATH     "/__gapmap/reload.js"
#define RELOAD_CSS_PATH    "/__gapmap/overlay.css"
#define RELOAD_EVENTS_PATH "/__gapmap/events"
#define RELOAD_STATUS_PATH "/__gapmap/status"

typedef struct reload_hub reload_hub;

reload_hub *reload_hub_new(void);
void reload_hub_free(reload_hub *h);

/* Records a rebuild: ok means a new site is in place (the generation goes
 * up); otherwise the old site stays and d's problems are shown. */
void reload_publish(reload_hub *h, bool ok, const diag *d);
/* Ends every stream (they return end-of-stream promptly). */
void reload_stop(reload_hub *h);

/* Generation of the site now served (the number of good builds). */
unsigned long reload_generation(reload_hub *h);
/* {"generation":N,"ok":true|false,"problems":[{"file","line","col",
 * "level","message"}...]} */
char *reload_status_json(reload_hub *h);

/* Copies html to out with the reload script tag before the last </body>
 * (or at the end), tagged with the generation the page belongs to. */
void reload_inject(const char *html, size_t len, unsigned long generation, buf *out);

/* The script and the overlay's style sheet. */
const char *reload_js(void);
const char *reload_css(void);

/* One event stream: reload_stream_read fills up to max bytes, blocking
 * until there is something to send (the current status first, then one
 * event per rebuild, and a comment every keepalive seconds). Returns the
 * number of bytes, or -1 at the end (the hub stopped). */
typedef struct reload_stream reload_stream;
reload_stream *reload_stream_new(reload_hub *h, int keepalive_seconds);
ssize_t reload_stream_read(reload_stream *s, char *out, size_t max);
void reload_stream_free(reload_stream *s);

#endif
