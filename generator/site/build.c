#include "site/build.h"
#include "core/version.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/eppi.h"
#include "core/files.h"
#include "formats/export.h"
#include "formats/mapdata.h"
#include "formats/memo.h"
#include "model/history.h"
#include "model/model.h"
#include "site/incr.h"
#include "site/inplace.h"
#include "site/links.h"
#include "site/output.h"
#include "prisma/prisma.h"
#include "load/yml.h"
#include "render/render.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether p (shown as label) exists without being a symbolic link; a link
 * is an error naming it, since a theme publishes what it holds. */
static bool no_link(const char *p, const char *label, bool *linked, diag *d)
{
	struct stat st;
	if (lstat(p, &st) != 0)
		return false;
	if (S_ISLNK(st.st_mode)) {
		diag_error(d, label, 0, 0,
		           "is a symbolic link: gapmap follows no links in themes and templates; put "
		           "the files in the folder itself");
		*linked = true;
		return false;
	}
	return true;
}

/* Checks a found theme folder: it and the parts read from it (templates,
 * fonts, settings, assets) are no links. Returns p, or NULL after freeing
 * it with the errors in d. */
static char *checked_theme(char *p, const char *shown, diag *d)
{
	static const char *const parts[] = {"templates", "fonts", "theme.yaml", "css", "js", "images"};
	bool linked = false;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		char *sub = path_join(p, parts[i]);
		char *label = path_join(shown, parts[i]);
		no_link(sub, label, &linked, d);
		free(label);
		free(sub);
	}
	if (linked) {
		free(p);
		return NULL;
	}
	return p;
}

/* A theme is a name looked up in the content folder's themes/, then the
 * installed themes/; or a relative path (containing '/') to a folder inside
 * the content folder. No part of the way may be a symbolic link. */
static char *find_theme(const build_opts *o, const char *name, diag *d)
{
	bool linked = false;
	if (strchr(name, '/')) {
		bool inside = name[0] != '/' && strcmp(name, "..") != 0 && !str_starts_with(name, "../") &&
		              !strstr(name, "/../") && !str_ends_with(name, "/..");
		if (!inside) {
			diag_error(d, "site.yaml", 0, 0,
			           "theme \"%s\" is outside the content folder: a theme is a name in "
			           "themes/ or a relative path to a folder inside the content folder",
			           name);
			return NULL;
		}
		/* Every folder on the way, from the content folder down. */
		char *rel = xstrdup(name);
		bool ok = true;
		for (char *slash = rel; ok && slash;) {
			slash = strchr(slash + 1, '/');
			if (slash)
				*slash = '\0';
			char *p = path_join(o->content_dir, rel);
			ok = no_link(p, rel, &linked, d);
			free(p);
			if (slash)
				*slash = '/';
		}
		char *p = path_join(o->content_dir, name);
		free(rel);
		if (ok && is_dir(p))
			return checked_theme(p, name, d);
		free(p);
	} else if (name[0] && strcmp(name, ".") && strcmp(name, "..")) {
		char *local = path_join(o->content_dir, "themes");
		char *p = path_join(local, name);
		char *shown = xasprintf("themes/%s", name);
		bool ok = no_link(local, "themes", &linked, d) && no_link(p, shown, &linked, d);
		free(local);
		if (ok && is_dir(p)) {
			char *r = checked_theme(p, shown, d);
			free(shown);
			return r;
		}
		free(p);
		char *global = path_join(o->home, "themes");
		p = path_join(global, name);
		free(global);
		if (!linked && no_link(p, p, &linked, d) && is_dir(p)) {
			char *r = checked_theme(p, p, d);
			free(shown);
			return r;
		}
		free(shown);
		free(p);
	}
	if (!linked)
		diag_error(d, "site.yaml", 0, 0,
		           "theme \"%s\" not found (looked in %s/themes and %s/themes)", name,
		           o->content_dir, o->home);
	return NULL;
}

typedef struct build_state {
	const build_opts *o;
	model *m;
	char *theme;
	char *font_dir;
	yml_node *theme_yml; /* theme.yaml, kept while style points into it */
	prisma_style style;
	prisma_set *prisma;
	render_flow *flows;
	size_t nflows;
	char *base_templates, *theme_templates, *site_templates;
	render_dir dirs[3];
	size_t ndirs;
} build_state;

static void state_free(build_state *st)
{
	for (size_t i = 0; i < st->nflows; i++) {
		free(st->flows[i].png);
		free(st->flows[i].svg);
		free(st->flows[i].text_html);
	}
	free(st->flows);
	prisma_free(st->prisma);
	yml_free(st->theme_yml);
	free(st->font_dir);
	if (!(st->m && st->m->kept)) /* else serve's record cache keeps it */
		model_free(st->m);
	free(st->theme);
	free(st->base_templates);
	free(st->theme_templates);
	free(st->site_templates);
}

/* Where a build writes: a new site swapped in at the end (w), or, for
 * serve's incremental rebuilds, the current site updated in place (ip).
 * Exactly one is set. */
typedef struct site_out {
	out_writer *w;
	inplace *ip;
} site_out;

static int write_buf(site_out *w, const char *rel, buf *b, diag *d)
{
	const char *data = b->data ? b->data : "";
	return w->ip ? inplace_write(w->ip, rel, data, b->len, d)
	             : out_write(w->w, rel, data, b->len, d);
}

/* One data file streamed to disk (rel in the new site) by a writer that
 * takes the model and a sink: never whole in memory. */
typedef void (*data_writer)(const model *m, void *arg, sink *out);

static int stream_file(site_out *w, const char *rel, data_writer fn, const model *m, void *arg,
                       diag *d)
{
	if (w->ip) {
		inplace_stream *f = inplace_open(w->ip, rel, d);
		if (!f)
			return -1;
		fn(m, arg, inplace_stream_sink(f));
		return inplace_close(w->ip, f, d);
	}
	out_stream *f = out_open(w->w, rel, d);
	if (!f)
		return -1;
	fn(m, arg, out_stream_sink(f));
	return out_close(w->w, f, d);
}

/* The data downloads, each written by one of the format writers. */
typedef enum download {
	DL_JSON,
	DL_MAP_JS,
	DL_MAP_TEXT_JS,
	DL_CSV,
	DL_RIS,
	DL_BIB,
	DL_EPPI,
	DL_FEED,
} download;

static void write_download(const model *m, void *arg, sink *out)
{
	switch (*(const download *)arg) {
	case DL_JSON:
		export_json(m, out);
		break;
	case DL_MAP_JS:
		mapdata_js(m, out);
		break;
	case DL_MAP_TEXT_JS:
		mapdata_text_js(m, out);
		break;
	case DL_CSV:
		export_csv(m, NULL, 0, out);
		break;
	case DL_RIS:
		export_ris(m, NULL, 0, out);
		break;
	case DL_BIB:
		export_bibtex(m, NULL, 0, out);
		break;
	case DL_EPPI:
		export_eppi(m, out);
		break;
	case DL_FEED:
		export_feed(m, out);
		break;
	}
}

/* A sitemap's pages (arg). */
typedef struct sitemap_part {
	char *const *pages;
	size_t n;
} sitemap_part;

static void write_sitemap(const model *m, void *arg, sink *out)
{
	const sitemap_part *p = arg;
	export_sitemap(m, p->pages, p->n, out);
}

/* The parts' names (arg, a sitemap_part whose pages are their paths). */
static void write_sitemap_index(const model *m, void *arg, sink *out)
{
	const sitemap_part *p = arg;
	export_sitemap_index(m, (const char *const *)p->pages, p->n, out);
}

/* sitemap.xml; over EXPORT_SITEMAP_MAX_URLS pages, parts sitemap-1.xml,
 * sitemap-2.xml, ... of at most that many, and sitemap.xml as their index. */
static int write_sitemaps(site_out *w, const model *m, char *const *pages, size_t npages, diag *d)
{
	size_t nparts = export_sitemap_parts(npages);
	if (!nparts)
		return stream_file(w, "sitemap.xml", write_sitemap, m,
		                   &(sitemap_part){pages, npages}, d);
	char **parts = xcalloc(nparts, sizeof *parts);
	int rc = 0;
	for (size_t i = 0; i < nparts; i++) {
		size_t from = i * EXPORT_SITEMAP_MAX_URLS;
		size_t n = npages - from < EXPORT_SITEMAP_MAX_URLS ? npages - from
		                                                   : EXPORT_SITEMAP_MAX_URLS;
		parts[i] = xasprintf("sitemap-%zu.xml", i + 1);
		rc |=
		    stream_file(w, parts[i], write_sitemap, m, &(sitemap_part){pages + from, n}, d);
	}
	rc |= stream_file(w, "sitemap.xml", write_sitemap_index, m, &(sitemap_part){parts, nparts},
	                  d);
	for (size_t i = 0; i < nparts; i++)
		free(parts[i]);
	free(parts);
	return rc;
}

/* Keeps the sitemap files write_sitemaps would write for npages pages as
 * they are; -1 when one is missing (then they are written). */
static int keep_sitemaps(inplace *ip, size_t npages)
{
	int rc = inplace_keep(ip, "sitemap.xml");
	for (size_t i = 1; rc == 0 && i <= export_sitemap_parts(npages); i++) {
		char *rel = xasprintf("sitemap-%zu.xml", i);
		rc = inplace_keep(ip, rel);
		free(rel);
	}
	return rc;
}

/* The data files, which depend on the model only, each streamed to disk
 * as it is written, the largest first. A plain build's render threads
 * write them beside the pages (write_data_file); serve's builds write them
 * in turn on one thread (write_data), which alone uses the memo. */
static const struct {
	const char *rel;
	download kind;
} downloads[] = {
    {"data/studies.json", DL_JSON}, {"data/map-text.js", DL_MAP_TEXT_JS},
    {"data/map.js", DL_MAP_JS},     {"data/studies-eppi.json", DL_EPPI},
    {"data/studies.csv", DL_CSV},   {"data/studies.bib", DL_BIB},
    {"data/studies.ris", DL_RIS},   {"feed.xml", DL_FEED},
};
#define NDOWNLOADS (sizeof downloads / sizeof *downloads)

static int write_data_file(site_out *w, const model *m, size_t i, diag *d)
{
	download kind = downloads[i].kind;
	return stream_file(w, downloads[i].rel, write_download, m, &kind, d);
}

static int write_data(site_out *w, const model *m, diag *d)
{
	int rc = 0;
	for (size_t i = 0; i < NDOWNLOADS; i++)
		rc |= write_data_file(w, m, i, d);
	return rc;
}

/* The data files of serve's builds: written in turn by one thread while
 * the pages render. m is a copy of the build's model (shared arrays) whose
 * memo only this thread uses. */
typedef struct data_job {
	site_out *w;
	model m;
	diag *d;
} data_job;

static void *data_job_run(void *arg)
{
	data_job *j = arg;
	fmt_memo_begin_build(j->m.memo);
	write_data(j->w, &j->m, j->d);
	fmt_memo_end_build(j->m.memo);
	return NULL;
}

/* The files write_data and draw_flows write besides the pages, for the
 * link check: the data files here, the flows' diagrams from st->flows. */
static const char *const data_files[] = {
    "data/studies.json", "data/map.js",      "data/map-text.js", "data/studies.csv",
    "data/studies.ris",  "data/studies.bib", "data/studies-eppi.json", "sitemap.xml", "feed.xml",
};

/* A theme asset as the site has it: assets/<folder>/<path> is a regular
 * file <folder>/<path> of the theme (ctx). */
static bool asset_exists(void *ctx, const char *rel)
{
	if (strncmp(rel, "assets/", 7) != 0 || !strchr(rel + 7, '/') ||
	    !strncmp(rel + 7, "templates/", 10))
		return false;
	char *p = path_join(ctx, rel + 7);
	struct stat sb;
	bool ok = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
	free(p);
	return ok;
}

static void check_links(build_state *st, const render_job *jobs, size_t njobs,
                        const char *const *sorted, diag *d)
{
	size_t n = sizeof data_files / sizeof *data_files;
	const char **files = xcalloc(n + 2 * st->nflows, sizeof *files);
	size_t nfiles = 0;
	for (size_t i = 0; i < n; i++)
		files[nfiles++] = data_files[i];
	for (size_t i = 0; i < st->nflows; i++) {
		files[nfiles++] = st->flows[i].png;
		files[nfiles++] = st->flows[i].svg;
	}
	links_check(st->m, jobs, njobs, sorted, files, nfiles, asset_exists, st->theme, d);
	free(files);
}

/* Copies the theme's static files (all but its templates and settings).
 * fonts/ holds the fonts PRISMA diagrams are drawn with at build time; no
 * page loads them, so they are not published. */
static int copy_assets(out_writer *w, const char *theme, diag *d)
{
	static const char *const folders[] = {"css", "js", "images"};
	int rc = 0;
	for (size_t i = 0; i < sizeof folders / sizeof *folders; i++) {
		char *src = path_join(theme, folders[i]);
		char *dst = path_join("assets", folders[i]);
		rc |= out_copy_tree(w, src, dst, d);
		free(src);
		free(dst);
	}
	return rc;
}

/* theme.yaml is optional; its prisma: section overrides diagram colours. */
static void load_theme_settings(build_state *st, diag *d)
{
	prisma_style_default(&st->style);
	st->font_dir = path_join(st->theme, "fonts");
	char *path = path_join(st->theme, "theme.yaml");
	char *data;
	size_t len;
	struct stat lst;
	/* Like templates, settings are read only from the theme's own files. */
	bool own = lstat(path, &lst) == 0 && S_ISREG(lst.st_mode);
	if (own && read_file(path, 1024 * 1024, &data, &len) == 0) {
		st->theme_yml = yml_parse(path, data, len, 1, d);
		free(data);
		if (st->theme_yml && st->theme_yml->kind == YML_MAP) {
			const yml_node *pr = yml_get(st->theme_yml, "prisma");
			if (pr)
				prisma_style_from_yml(pr, &st->style, d);
		}
	}
	free(path);
	/* A theme need not ship fonts: borrow the default theme's for diagrams. */
	char *font = path_join(st->font_dir, st->style.font);
	bool have = access(font, R_OK) == 0;
	free(font);
	if (!have) {
		free(st->font_dir);
		st->font_dir = path_join(st->o->home, "themes/default/fonts");
	}
}

/* Reads prisma.yaml and checks it against what the records say: the
 * included counts of each flow come from the records it matches. */
static void load_prisma(build_state *st, diag *d)
{
	char *path = path_join(st->o->content_dir, "prisma.yaml");
	st->prisma = prisma_load(path, "prisma.yaml", d);
	free(path);
	if (!st->prisma)
		return;
	const model *m = st->m;
	const cfg_site *s = m->site;
	if (m->nfailed) {
		/* Counts without the broken records would only add false alarms. */
		diag_at(d, DIAG_NOTE, "prisma.yaml", 0, 0,
		        "included counts not compared with the records while %zu record%s cannot be "
		        "loaded",
		        m->nfailed, m->nfailed == 1 ? "" : "s");
		prisma_check(st->prisma, d);
		return;
	}
	for (size_t i = 0; i < prisma_flow_count(st->prisma); i++) {
		const prisma_match *pm = prisma_flow_match(st->prisma, i);
		size_t studies = m->nstudies, reports = m->nrecs;
		if (pm) {
			size_t facet = cfg_facet_index(s, pm->facet);
			if (facet == CFG_NONE) {
				diag_error(d, "prisma.yaml", pm->line, pm->col,
				           "match names unknown facet \"%s\"", pm->facet);
				continue;
			}
			size_t code = cfg_code_index(&s->facets[facet], pm->code);
			if (code == CFG_NONE) {
				diag_error(d, "prisma.yaml", pm->line, pm->col,
				           "match names unknown %s code \"%s\"", pm->facet, pm->code);
				continue;
			}
			model_count_code(m, facet, code, &studies, &reports);
		}
		prisma_set_included(st->prisma, i, (long long)studies, (long long)reports);
	}
	prisma_check(st->prisma, d);
}

/* Draws every flow once, for the site: PNG and SVG from one layout. */
static int draw_flows(build_state *st, site_out *w, diag *d)
{
	size_t n = st->prisma ? prisma_flow_count(st->prisma) : 0;
	st->flows = xcalloc(n ? n : 1, sizeof *st->flows);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		render_flow *fl = &st->flows[st->nflows];
		const char *id = prisma_flow_id(st->prisma, i);
		fl->id = id;
		fl->title = prisma_flow_title(st->prisma, i);
		fl->png = xasprintf("prisma/%s.png", id);
		fl->svg = xasprintf("prisma/%s.svg", id);
		buf b = BUF_INIT;
		prisma_describe_html(st->prisma, i, &b);
		fl->text_html = buf_detach(&b);
		st->nflows++;
		prisma_diagram *g = prisma_layout(st->prisma, i, &st->style, st->font_dir, d);
		if (!g) {
			rc = -1;
			continue;
		}
		double wd, ht;
		prisma_diagram_size(g, &wd, &ht);
		fl->width = (long)(wd + 0.5);
		fl->height = (long)(ht + 0.5);
		if (w) {
			buf png = BUF_INIT, svg = BUF_INIT;
			if (prisma_diagram_png(g, 2.0, &png, d) == 0)
				rc |= write_buf(w, fl->png, &png, d);
			else
				rc = -1;
			prisma_diagram_svg(g, &svg);
			rc |= write_buf(w, fl->svg, &svg, d);
			buf_free(&png);
			buf_free(&svg);
		}
		prisma_diagram_free(g);
	}
	return rc;
}

int build_prisma(const build_opts *o, const char *flow, const char *out_file, double dpi,
                 diag *d)
{
	build_state st = {.o = o};
	st.m = model_open(o->content_dir, &(model_opts){.drafts = o->drafts}, d);
	if (!st.m)
		return 1;
	int result = 1;
	st.theme = find_theme(o, st.m->site->theme, d);
	if (!st.theme)
		goto done;
	load_theme_settings(&st, d);
	load_prisma(&st, d);
	if (!st.prisma) {
		if (!d->errors)
			diag_error(d, "prisma.yaml", 0, 0, "no prisma.yaml in %s: nothing to draw",
			           o->content_dir);
		goto done;
	}
	if (d->errors)
		goto done;
	size_t i = flow ? prisma_flow_find(st.prisma, flow) : 0;
	if (i == (size_t)-1) {
		diag_error(d, "prisma.yaml", 0, 0, "no flow \"%s\" in prisma.yaml", flow);
		goto done;
	}
	buf b = BUF_INIT;
	int rc;
	bool svg = str_ends_with(out_file, ".svg");
	if (svg)
		rc = prisma_render_svg(st.prisma, i, &st.style, st.font_dir, &b, d);
	else
		rc = prisma_render_png(st.prisma, i, &st.style, st.font_dir,
		                       dpi > 0 ? prisma_scale_for_dpi(dpi) : 2.0, &b, d);
	if (rc == 0) {
		/* A fresh temporary name, then rename: an interrupted run keeps an
		 * older file, and no link is written through. */
		if (file_create(out_file, b.data, b.len, true) != 0)
			diag_error(d, "", 0, 0, "cannot write %s: %s", out_file, file_create_error(errno));
		else
			result = 0;
	}
	buf_free(&b);
done:
	state_free(&st);
	return d->errors ? 1 : result;
}

/* The work of every render thread: the data files (when written), then
 * the pages, each taken by the next thread free, so that a thread slowed
 * by other work on the machine holds nothing up. Each page's messages are
 * kept apart (job_diags) and merged in page order, so they do not depend
 * on which thread rendered what. */
typedef struct render_pool {
	site_out *w;
	const model *m;
	const render_job *jobs;
	size_t njobs;
	bool data;                /* write the data files too */
	_Atomic size_t next_data; /* the next data file to write */
	_Atomic size_t next;      /* the next job to render */
	bool *done;               /* one flag per job; each written by one thread only */
	diag **job_diags;         /* a job's messages, or NULL when it had none */
	diag **data_diags;        /* the same for each data file */
	/* Incremental rebuilds (o->incr): what each job read, and which were
	 * carried over from the current site instead of rendered; else NULL. */
	const build_incr *incr;
	render_deps *deps;
	bool *carried;
} render_pool;

typedef struct render_worker {
	render_ctx *rc;
	render_pool *pool;
} render_worker;

/* Moves scratch's messages, if any, into *slot. */
static void keep_diag(diag *scratch, diag **slot)
{
	if (!scratch->count)
		return;
	*slot = diag_new();
	diag_merge(*slot, scratch);
}

static void *render_worker_run(void *arg)
{
	render_worker *rw = arg;
	render_pool *p = rw->pool;
	diag *d = diag_new();
	buf html = BUF_INIT;
	for (size_t k; p->data && (k = p->next_data++) < NDOWNLOADS;) {
		write_data_file(p->w, p->m, k, d);
		keep_diag(d, &p->data_diags[k]);
	}
	for (size_t i; (i = p->next++) < p->njobs;) {
		/* Updating in place, the site holds the page as the last build
		 * left it: nothing to do. */
		if (p->incr && p->w && incr_clean(p->incr, p->jobs, i) &&
		    (p->w->ip || out_carry(p->w->w, p->jobs[i].path) == 0)) {
			p->carried[i] = p->done[i] = true;
			continue;
		}
		render_deps *deps = p->deps && incr_tracked(&p->jobs[i]) ? &p->deps[i] : NULL;
		if (render_page(rw->rc, &p->jobs[i], &html, deps, d) == 0 &&
		    (!p->w || write_buf(p->w, p->jobs[i].path, &html, d) == 0))
			p->done[i] = true;
		keep_diag(d, &p->job_diags[i]);
	}
	buf_free(&html);
	diag_free(d);
	return NULL;
}

/* Threads worth starting: as asked, or one per core, but a small site is
 * not worth compiling the templates in a second Lua state. */
static size_t worker_count(const build_opts *o, size_t njobs)
{
	size_t n;
	if (o->jobs > 0) {
		n = (size_t)o->jobs;
	} else {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores > 0 ? (size_t)cores : 1;
		if (n > 16)
			n = 16;
		size_t by_size = njobs / 500 + 1;
		n = n < by_size ? n : by_size;
	}
	return n < njobs ? n : (njobs ? njobs : 1);
}

/* Renders every job, and writes the data files when data. Returns -1 when
 * the templates cannot be used at all (then nothing is written). */
static int render_all(build_state *st, site_out *w, bool data, const render_job *jobs,
                      size_t njobs, bool *done, render_deps *deps, bool *carried, diag *d)
{
	size_t n = worker_count(st->o, njobs);
	render_worker *rw = xcalloc(n, sizeof *rw);
	pthread_t *tid = xcalloc(n, sizeof *tid);
	bool *started = xcalloc(n, sizeof *started);
	render_pool pool = {.w = w,
	                    .m = st->m,
	                    .jobs = jobs,
	                    .njobs = njobs,
	                    .data = data,
	                    .done = done,
	                    .job_diags = xcalloc(njobs ? njobs : 1, sizeof(diag *)),
	                    .data_diags = xcalloc(NDOWNLOADS, sizeof(diag *)),
	                    .incr = st->o->incr,
	                    .deps = deps,
	                    .carried = carried};
	int rc = 0;
	tmpl_budget budget = {0, 0}; /* what templates keep, all threads together */
	build_incr *incr = st->o->incr;
	/* The first context compiles and checks the templates and reports their
	 * errors once; the others would only repeat them. Serve keeps its
	 * contexts from build to build while the templates stay as they were. */
	for (size_t i = 0; i < n; i++) {
		diag *scratch = i ? diag_new() : d;
		rw[i].pool = &pool;
		rw[i].rc = incr ? incr_take_context(incr, st->m, st->flows, st->nflows) : NULL;
		if (!rw[i].rc)
			rw[i].rc = render_new(st->m, st->dirs, st->ndirs, st->flows, st->nflows,
			                      "gapmap " GAPMAP_VERSION,
			                      incr ? incr_budget(incr) : &budget, scratch);
		if (i)
			diag_free(scratch);
		if (!rw[i].rc) {
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		for (size_t i = 1; i < n; i++)
			started[i] = pthread_create(&tid[i], NULL, render_worker_run, &rw[i]) == 0;
		/* Threads that could not start leave their share to this one. */
		render_worker_run(&rw[0]);
		for (size_t i = 1; i < n; i++)
			if (started[i])
				pthread_join(tid[i], NULL);
	}
	for (size_t k = 0; k < NDOWNLOADS; k++)
		if (pool.data_diags[k]) {
			diag_merge(d, pool.data_diags[k]);
			diag_free(pool.data_diags[k]);
		}
	for (size_t i = 0; i < njobs; i++)
		if (pool.job_diags[i]) {
			diag_merge(d, pool.job_diags[i]);
			diag_free(pool.job_diags[i]);
		}
	for (size_t i = 0; i < n; i++) {
		if (incr && rw[i].rc)
			incr_keep_context(incr, rw[i].rc);
		else
			render_free(rw[i].rc);
	}
	free(pool.job_diags);
	free(pool.data_diags);
	free(started);
	free(tid);
	free(rw);
	return rc;
}

/* Each draft as a note, saying which required codes it still lacks. */
static void list_drafts(const model *m, diag *d)
{
	record **sets[] = {m->drafts, m->recs};
	size_t counts[] = {m->ndrafts, m->nrecs};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++) {
			const record *r = sets[k][i];
			if (!r->draft)
				continue;
			buf lack = BUF_INIT;
			for (size_t f = 0; f < m->site->nfacets; f++)
				if (m->site->facets[f].required && !r->codes[f].n)
					buf_printf(&lack, "%s%s", lack.len ? ", " : "", m->site->facets[f].id);
			diag_at(d, DIAG_NOTE, r->file, 0, 0, "draft%s%s%s; %s",
			        lack.len ? ", not yet coded (no " : "", buf_cstr(&lack), lack.len ? ")" : "",
			        k == 0 ? "left out of the site (--drafts includes it)"
			               : "included because of --drafts");
			buf_free(&lack);
		}
}

int build_run(const build_opts *o, build_stats *stats, diag *d)
{
	double t0 = now_seconds();
	memset(stats, 0, sizeof *stats);
	build_state st = {.o = o};
	if (o->incr) /* before the load: a save during it is seen next time */
		incr_scan(o->incr, o);
	st.m = o->incr ? incr_model(o->incr, o, &stats->reread, d)
	               : model_open(o->content_dir, &(model_opts){o->drafts, o->jobs}, d);
	if (!st.m) {
		if (o->incr)
			incr_finish(o->incr, NULL, 0, NULL, NULL, false);
		return 1;
	}
	if (o->base_url) { /* --base-url wins over site.yaml's url: */
		free(st.m->site->url);
		st.m->site->url = xstrdup(o->base_url);
	}
	history_check(st.m, d);
	stats->studies = st.m->nstudies;
	stats->reports = st.m->nrecs;
	for (size_t i = 0; i < st.m->nrecs; i++)
		stats->drafts += st.m->recs[i]->draft;
	stats->drafts += st.m->ndrafts;
	if (o->check_only)
		list_drafts(st.m, d);
	st.theme = find_theme(o, st.m->site->theme, d);
	if (!st.theme) {
		if (o->incr)
			incr_finish(o->incr, NULL, 0, NULL, NULL, false);
		state_free(&st);
		return 1;
	}
	if (o->incr)
		incr_plan(o->incr, st.m);
	load_theme_settings(&st, d);
	load_prisma(&st, d);
	/* With errors already found, go on checking (the diagrams, every
	 * template and page) but write nothing. */
	site_out out = {NULL, NULL}, *w = NULL;
	if (!o->check_only && !d->errors) {
		/* An incremental rebuild updates the served site in place. */
		if (o->incr && incr_active(o->incr))
			out.ip = inplace_begin(o->out_dir);
		if (out.ip)
			inplace_use(out.ip, incr_inplace(o->incr));
		if (!out.ip)
			out.w = out_begin(o->out_dir, o->content_dir, d);
		w = out.ip || out.w ? &out : NULL;
		if (!w) {
			if (o->incr)
				incr_finish(o->incr, NULL, 0, NULL, NULL, false);
			state_free(&st);
			return 1;
		}
	}
	/* A plain build's render threads write the data files. Serve's builds
	 * write them on one thread of their own while the diagrams are drawn
	 * and the pages render (all of which read the model only), copying
	 * the elements whose records are as last time (formats/memo.h). */
	data_job dj = {NULL, {0}, NULL};
	pthread_t data_tid;
	bool data_thread = false;
	if (w && !d->errors && o->incr) {
		dj = (data_job){w, *st.m, diag_new()};
		dj.m.memo = incr_memo(o->incr, st.m);
		data_thread = pthread_create(&data_tid, NULL, data_job_run, &dj) == 0;
		if (!data_thread)
			data_job_run(&dj);
	}
	draw_flows(&st, w, d);
	st.base_templates = path_join(o->home, "templates");
	st.theme_templates = path_join(st.theme, "templates");
	st.site_templates = path_join(o->content_dir, "templates");
	if (is_dir(st.base_templates))
		st.dirs[st.ndirs++] = (render_dir){st.base_templates, "templates"};
	if (is_dir(st.theme_templates))
		st.dirs[st.ndirs++] = (render_dir){st.theme_templates, st.theme_templates};
	bool linked = false;
	if (no_link(st.site_templates, "templates", &linked, d) && is_dir(st.site_templates))
		st.dirs[st.ndirs++] = (render_dir){st.site_templates, "templates"};

	/* Serve's builds keep their jobs for the next (site/incr.h). */
	size_t njobs;
	const char *const *sorted = NULL;
	render_job *own_jobs = o->incr ? NULL : render_jobs(st.m, st.nflows, &njobs);
	const render_job *jobs =
	    own_jobs ? own_jobs : incr_jobs(o->incr, st.m, st.nflows, &njobs, &sorted);
	check_links(&st, jobs, njobs, sorted, d);
	bool *done = xcalloc(njobs ? njobs : 1, sizeof *done);
	render_deps *deps = o->incr ? xcalloc(njobs ? njobs : 1, sizeof *deps) : NULL;
	bool *carried = o->incr ? xcalloc(njobs ? njobs : 1, sizeof *carried) : NULL;
	int rendered_ok = render_all(&st, w, w && !d->errors && !o->incr, jobs, njobs, done, deps, carried, d);
	if (data_thread)
		pthread_join(data_tid, NULL);
	if (dj.d) {
		diag_merge(d, dj.d);
		diag_free(dj.d);
	}
	if (rendered_ok == 0) {
		char **pages = xcalloc(njobs ? njobs : 1, sizeof *pages);
		size_t npages = 0;
		for (size_t i = 0; i < njobs; i++) {
			stats->pages += done[i];
			stats->rendered += done[i] && !(carried && carried[i]);
			if (done[i] && jobs[i].kind != RJ_404)
				pages[npages++] = jobs[i].path;
		}
		if (w && !d->errors) {
			/* The same pages of the same site: the same sitemap. */
			if (!(out.ip && incr_same_pages(o->incr) && keep_sitemaps(out.ip, npages) == 0))
				write_sitemaps(w, st.m, pages, npages, d);
			/* In place, the theme (and so its assets) is as last time. */
			if (out.w)
				copy_assets(out.w, st.theme, d);
		}
		free(pages);
	}
	free(done);
	int result = 0;
	if (d->errors) {
		out_abort(out.w);
		inplace_abort(out.ip);
		result = 1;
	} else if (out.ip) {
		stats->files = inplace_count(out.ip);
		incr_remove_gone(o->incr, jobs, njobs, out.ip);
		if (inplace_commit(out.ip, d) != 0)
			result = 1;
	} else if (out.w) {
		stats->files = out_count(out.w);
		if (out_commit(out.w, d) != 0)
			result = 1;
	}
	if (o->incr)
		incr_finish(o->incr, jobs, njobs, deps, carried, result == 0 && w);
	free(deps);
	free(carried);
	render_jobs_free(own_jobs, own_jobs ? njobs : 0);
	state_free(&st);
	stats->seconds = now_seconds() - t0;
	return result;
}
