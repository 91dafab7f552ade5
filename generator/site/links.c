#include "site/links.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *links_resolve(const char *from, const char *url)
{
	/* The folder of the page, then the link, as one path to normalise. */
	buf path = BUF_INIT;
	const char *slash = strrchr(from, '/');
	if (slash)
		buf_put(&path, from, (size_t)(slash - from + 1));
	for (const char *p = url; *p && *p != '#' && *p != '?'; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			buf_putc(&path, (char)(hi * 16 + lo));
			p += 2;
		} else {
			buf_putc(&path, *p);
		}
	}
	/* Segments kept so far, as offsets into out. */
	buf out = BUF_INIT;
	size_t *starts = xcalloc(path.len + 1, sizeof *starts);
	size_t nseg = 0;
	bool folder = true, outside = false;
	const char *s = buf_cstr(&path);
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		folder = e != NULL || (n == 1 && s[0] == '.') || (n == 2 && !memcmp(s, "..", 2));
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && !memcmp(s, "..", 2)) {
			if (!nseg) {
				outside = true;
				break;
			}
			out.len = starts[--nseg];
			if (out.data)
				out.data[out.len] = '\0';
		} else {
			starts[nseg++] = out.len;
			if (out.len)
				buf_putc(&out, '/');
			buf_put(&out, s, n);
		}
		s += n + (e ? 1 : 0);
	}
	free(starts);
	buf_free(&path);
	if (outside) {
		buf_free(&out);
		return NULL;
	}
	if (folder)
		buf_puts(&out, out.len ? "/index.html" : "index.html");
	return buf_detach(&out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct known {
	const char *const *pages; /* sorted */
	size_t npages;
	const char *const *files;
	size_t nfiles;
	links_exists_fn exists;
	void *ctx;
} known;

static bool has(const known *k, const char *rel)
{
	if (bsearch(&rel, k->pages, k->npages, sizeof *k->pages, cmp_str))
		return true;
	for (size_t i = 0; i < k->nfiles; i++)
		if (strcmp(k->files[i], rel) == 0)
			return true;
	return k->exists && k->exists(k->ctx, rel);
}

static void check_links(const known *k, const char *from, const char *file, const note_link *links,
                        size_t n, diag *d)
{
	for (size_t i = 0; i < n; i++) {
		char *to = links_resolve(from, links[i].url);
		if (!to) {
			diag_warning(d, file, links[i].line, links[i].col,
			             "link \"%s\" leads out of the site (from %s)", links[i].url,
			             from);
			continue;
		}
		bool ok = has(k, to);
		if (!ok) {
			/* A folder written without its trailing slash. */
			char *index = xasprintf("%s/index.html", to);
			ok = has(k, index);
			free(index);
		}
		if (!ok)
			diag_warning(
			    d, file, links[i].line, links[i].col,
			    "link \"%s\" leads nowhere in the site (from %s it would be %s)",
			    links[i].url, from, to);
		free(to);
	}
}

void links_check(const model *m, const render_job *jobs, size_t njobs, const char *const *sorted,
                 const char *const *files, size_t nfiles, links_exists_fn exists, void *ctx,
                 diag *d)
{
	const char **own = NULL;
	if (!sorted) {
		own = xcalloc(njobs + 1, sizeof *own);
		for (size_t i = 0; i < njobs; i++)
			own[i] = jobs[i].path;
		qsort(own, njobs, sizeof *own, cmp_str);
		sorted = own;
	}
	known k = {sorted, njobs, files, nfiles, exists, ctx};
	for (size_t i = 0; i < njobs; i++) {
		const render_job *j = &jobs[i];
		if (j->kind == RJ_STUDY) {
			const record *r = m->recs[j->b ? j->b - 1 : m->studies[j->a].primary];
			if (!r->nnote_links)
				continue;
			char *note = xasprintf("studies/%s.md", r->id);
			check_links(&k, j->path, note, r->note_links, r->nnote_links, d);
			free(note);
		} else if (j->kind == RJ_PAGE) {
			const page *p = &m->pages[j->a];
			check_links(&k, j->path, p->file, p->links, p->nlinks, d);
		}
	}
	free(own);
}
