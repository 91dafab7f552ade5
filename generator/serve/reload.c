#include "serve/reload.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/esc.h"

struct reload_hub {
	pthread_mutex_t mu;
	pthread_cond_t changed;   /* on a CLOCK_MONOTONIC clock */
	unsigned long generation; /* good sites published */
	unsigned long seq;        /* every publish, good or not */
	bool ok;
	bool stopping;
	char *problems_json; /* the "problems" array */
};

reload_hub *reload_hub_new(void)
{
	reload_hub *h = xcalloc(1, sizeof *h);
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->changed, &ca);
	pthread_condattr_destroy(&ca);
	h->ok = true;
	h->problems_json = xstrdup("[]");
	return h;
}

void reload_hub_free(reload_hub *h)
{
	if (!h)
		return;
	pthread_cond_destroy(&h->changed);
	pthread_mutex_destroy(&h->mu);
	free(h->problems_json);
	free(h);
}

static const char *level_name(diag_level l)
{
	return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

static char *problems_json(const diag *d)
{
	buf b = BUF_INIT;
	buf_putc(&b, '[');
	for (size_t i = 0; d && i < d->count; i++) {
		const diag_item *it = &d->items[i];
		buf_puts(&b, i ? ",{\"file\":" : "{\"file\":");
		esc_json(&b, it->file ? it->file : "");
		buf_printf(&b, ",\"line\":%d,\"col\":%d,\"level\":\"%s\",\"message\":", it->line,
		           it->col, level_name(it->level));
		esc_json(&b, it->message ? it->message : "");
		buf_putc(&b, '}');
	}
	buf_putc(&b, ']');
	return buf_detach(&b);
}

void reload_publish(reload_hub *h, bool ok, const diag *d)
{
	char *json = problems_json(d);
	pthread_mutex_lock(&h->mu);
	free(h->problems_json);
	h->problems_json = json;
	h->ok = ok;
	if (ok)
		h->generation++;
	h->seq++;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->mu);
}

void reload_stop(reload_hub *h)
{
	pthread_mutex_lock(&h->mu);
	h->stopping = true;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->mu);
}

unsigned long reload_generation(reload_hub *h)
{
	pthread_mutex_lock(&h->mu);
	unsigned long g = h->generation;
	pthread_mutex_unlock(&h->mu);
	return g;
}

/* Called with h->mu held. */
static char *status_locked(const reload_hub *h)
{
	return xasprintf("{\"generation\":%lu,\"ok\":%s,\"problems\":%s}", h->generation,
	                 h->ok ? "true" : "false", h->problems_json);
}

char *reload_status_json(reload_hub *h)
{
	pthread_mutex_lock(&h->mu);
	char *s = status_locked(h);
	pthread_mutex_unlock(&h->mu);
	return s;
}

/* The last "</body" in html, case-insensitively, or NULL. */
static const char *find_body_end(const char *html, size_t len)
{
	static const char tag[] = "</body";
	size_t n = sizeof tag - 1;
	if (len < n)
		return NULL;
	for (size_t i = len - n + 1; i-- > 0;)
		if (strncasecmp(html + i, tag, n) == 0)
			return html + i;
	return NULL;
}

void reload_inject(const char *html, size_t len, unsigned long generation, buf *out)
{
	const char *at = find_body_end(html, len);
	size_t head = at ? (size_t)(at - html) : len;
	buf_put(out, html, head);
	buf_printf(out, "<script src=\"%s\" data-generation=\"%lu\" defer></script>\n",
	           RELOAD_JS_PATH, generation);
	buf_put(out, html + head, len - head);
}

/* Classic script, no inline code, so 'self' in the pages' policy allows
 * it. Builds the overlay with DOM calls and textContent only. */
static const char js[] =
    "/* gapmap serve: reloads this page when the site is rebuilt and, while\n"
    " * the content is broken, lists the problems over the last good page. */\n"
    "(function () {\n"
    "\t'use strict';\n"
    "\tvar me = document.currentScript;\n"
    "\tvar gen = me ? me.getAttribute('data-generation') : null;\n"
    "\tvar box = null;\n"
    "\tfunction el(tag, cls, text) {\n"
    "\t\tvar e = document.createElement(tag);\n"
    "\t\tif (cls) e.className = cls;\n"
    "\t\tif (text !== undefined) e.textContent = text;\n"
    "\t\treturn e;\n"
    "\t}\n"
    "\tfunction where(p) {\n"
    "\t\tvar s = p.file || '';\n"
    "\t\tif (p.line) s += ':' + p.line + (p.col ? ':' + p.col : '');\n"
    "\t\treturn s;\n"
    "\t}\n"
    "\tfunction hide() {\n"
    "\t\tif (box) { box.parentNode.removeChild(box); box = null; }\n"
    "\t}\n"
    "\tfunction show(st) {\n"
    "\t\thide();\n"
    "\t\tbox = el('section', 'gapmap-overlay');\n"
    "\t\tbox.id = 'gapmap-overlay';\n"
    "\t\tbox.setAttribute('role', 'alert');\n"
    "\t\tbox.setAttribute('aria-labelledby', 'gapmap-overlay-title');\n"
    "\t\tvar panel = el('div', 'gapmap-overlay-panel');\n"
    "\t\tvar h = el('h2', null, 'The site could not be rebuilt');\n"
    "\t\th.id = 'gapmap-overlay-title';\n"
    "\t\tpanel.appendChild(h);\n"
    "\t\tpanel.appendChild(el('p', null, 'The last good version is shown underneath. '"
    " +\n"
    "\t\t\t'Fix these problems and save: this page reloads by itself.'));\n"
    "\t\tvar list = el('ol', 'gapmap-overlay-problems');\n"
    "\t\t(st.problems || []).forEach(function (p) {\n"
    "\t\t\tvar li = el('li', 'gapmap-problem gapmap-' + p.level);\n"
    "\t\t\tli.appendChild(el('code', 'gapmap-where', where(p)));\n"
    "\t\t\tli.appendChild(document.createTextNode(' ' + p.level + ': '));\n"
    "\t\t\tli.appendChild(el('span', 'gapmap-message', p.message));\n"
    "\t\t\tlist.appendChild(li);\n"
    "\t\t});\n"
    "\t\tpanel.appendChild(list);\n"
    "\t\tvar close = el('button', 'gapmap-overlay-close', 'Hide until the next change');\n"
    "\t\tclose.type = 'button';\n"
    "\t\tclose.addEventListener('click', hide);\n"
    "\t\tpanel.appendChild(close);\n"
    "\t\tbox.appendChild(panel);\n"
    "\t\tdocument.body.appendChild(box);\n"
    "\t}\n"
    "\tvar css = el('link');\n"
    "\tcss.rel = 'stylesheet';\n"
    "\tcss.href = '" RELOAD_CSS_PATH "';\n"
    "\tdocument.head.appendChild(css);\n"
    "\tif (!window.EventSource) return;\n"
    "\tvar es = new EventSource('" RELOAD_EVENTS_PATH "');\n"
    "\tes.addEventListener('status', function (ev) {\n"
    "\t\tvar st;\n"
    "\t\ttry { st = JSON.parse(ev.data); } catch (e) { return; }\n"
    "\t\tif (!st.ok) show(st);\n"
    "\t\telse if (String(st.generation) !== gen) { es.close(); location.reload(); }\n"
    "\t\telse hide();\n"
    "\t});\n"
    "})();\n";

/* Readable at 375 px (the panel scrolls, nothing is wider than the
 * screen), AA contrast, above everything the theme draws. */
static const char css[] =
    ".gapmap-overlay{position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.55);"
    "display:flex;align-items:flex-start;justify-content:center;padding:1rem;"
    "box-sizing:border-box;overflow:auto}\n"
    ".gapmap-overlay-panel{background:#fff;color:#1a1a1a;border-top:6px solid #b00020;"
    "max-width:60rem;width:100%;padding:1rem 1.25rem;box-sizing:border-box;"
    "font:1rem/1.5 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.4)}\n"
    ".gapmap-overlay-panel h2{margin:0 0 .5rem;font-size:1.25rem;color:#8a0019}\n"
    ".gapmap-overlay-problems{padding-left:1.5rem;overflow-wrap:anywhere}\n"
    ".gapmap-overlay-problems li{margin:.35rem 0}\n"
    ".gapmap-where{font-family:ui-monospace,monospace;font-weight:bold}\n"
    ".gapmap-overlay-close{font:inherit;padding:.4rem .8rem;border:2px solid #1a1a1a;"
    "background:#fff;color:#1a1a1a;cursor:pointer}\n"
    ".gapmap-overlay-close:focus{outline:3px solid #0b57d0;outline-offset:2px}\n";

const char *reload_js(void)
{
	return js;
}

const char *reload_css(void)
{
	return css;
}

struct reload_stream {
	reload_hub *h;
	int keepalive;
	bool started;
	unsigned long seen; /* the hub's seq last sent */
	buf pending;
	size_t pos;
};

reload_stream *reload_stream_new(reload_hub *h, int keepalive_seconds)
{
	reload_stream *s = xcalloc(1, sizeof *s);
	s->h = h;
	s->keepalive = keepalive_seconds > 0 ? keepalive_seconds : 15;
	return s;
}

void reload_stream_free(reload_stream *s)
{
	if (!s)
		return;
	buf_free(&s->pending);
	free(s);
}

/* Waits for a change, the stop or the keepalive; fills s->pending.
 * Returns false when the hub stopped. */
static bool next_event(reload_stream *s)
{
	reload_hub *h = s->h;
	buf_reset(&s->pending);
	s->pos = 0;
	pthread_mutex_lock(&h->mu);
	if (s->started) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += s->keepalive;
		while (!h->stopping && h->seq == s->seen)
			if (pthread_cond_timedwait(&h->changed, &h->mu, &until) == ETIMEDOUT)
				break;
	}
	bool go = !h->stopping;
	if (go && (!s->started || h->seq != s->seen)) {
		char *st = status_locked(h);
		/* A first event also sets how soon the browser reconnects. */
		buf_printf(&s->pending, "%sevent: status\ndata: %s\n\n",
		           s->started ? "" : "retry: 500\n", st);
		free(st);
		s->seen = h->seq;
		s->started = true;
	} else if (go) {
		buf_puts(&s->pending, ": keepalive\n\n");
	}
	pthread_mutex_unlock(&h->mu);
	return go;
}

ssize_t reload_stream_read(reload_stream *s, char *out, size_t max)
{
	if (s->pos >= s->pending.len && !next_event(s))
		return -1;
	size_t n = s->pending.len - s->pos;
	if (n > max)
		n = max;
	memcpy(out, s->pending.data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}
