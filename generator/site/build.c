#include "site/build.h"
#include "core/version.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/export.h"
#include "formats/mapdata.h"
#include "model/model.h"
#include "site/output.h"
#include "prisma/prisma.h"
#include "load/yml.h"
#include "render/render.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A theme is a name looked up in the content folder's themes/, then the
 * installed themes/; or a path (containing '/') relative to the content. */
static char *find_theme(const build_opts *o, const char *name, diag *d)
{
	if (strchr(name, '/')) {
		char *p = name[0] == '/' ? xstrdup(name) : path_join(o->content_dir, name);
		if (is_dir(p))
			return p;
		free(p);
	} else if (name[0] && strcmp(name, ".") && strcmp(name, "..")) {
		char *local = path_join(o->content_dir, "themes");
		char *p = path_join(local, name);
		free(local);
		if (is_dir(p))
			return p;
		free(p);
		char *global = path_join(o->home, "themes");
		p = path_join(global, name);
		free(global);
		if (is_dir(p))
			return p;
		free(p);
	}
	diag_error(d, "site.yaml", 0, 0, "theme \"%s\" not found (looked in %s/themes and %s/themes)",
	           name, o->content_dir, o->home);
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
	model_free(st->m);
	free(st->theme);
	free(st->base_templates);
	free(st->theme_templates);
	free(st->site_templates);
}

static int write_buf(out_writer *w, const char *rel, buf *b, diag *d)
{
	return out_write(w, rel, b->data ? b->data : "", b->len, d);
}

/* sitemap.xml; over EXPORT_SITEMAP_MAX_URLS pages, parts sitemap-1.xml,
 * sitemap-2.xml, ... of at most that many, and sitemap.xml as their index. */
static int write_sitemaps(out_writer *w, const model *m, char *const *pages, size_t npages, buf *b,
                          diag *d)
{
	if (npages <= EXPORT_SITEMAP_MAX_URLS) {
		export_sitemap(m, pages, npages, b);
		return write_buf(w, "sitemap.xml", b, d);
	}
	size_t nparts = (npages + EXPORT_SITEMAP_MAX_URLS - 1) / EXPORT_SITEMAP_MAX_URLS;
	char **parts = xcalloc(nparts, sizeof *parts);
	int rc = 0;
	for (size_t i = 0; i < nparts; i++) {
		size_t from = i * EXPORT_SITEMAP_MAX_URLS;
		size_t n = npages - from < EXPORT_SITEMAP_MAX_URLS ? npages - from
		                                                   : EXPORT_SITEMAP_MAX_URLS;
		parts[i] = xasprintf("sitemap-%zu.xml", i + 1);
		buf_reset(b);
		export_sitemap(m, pages + from, n, b);
		rc |= write_buf(w, parts[i], b, d);
	}
	buf_reset(b);
	export_sitemap_index(m, (const char *const *)parts, nparts, b);
	rc |= write_buf(w, "sitemap.xml", b, d);
	for (size_t i = 0; i < nparts; i++)
		free(parts[i]);
	free(parts);
	return rc;
}

/* The data files, which depend on the model only. Written before the pages
 * are rendered, so that the largest of them (built whole in memory) is freed
 * before the render threads' Lua states exist: the two never add up. */
static int write_data(out_writer *w, const model *m, diag *d)
{
	int rc = 0;
	buf b = BUF_INIT;
	export_json(m, &b);
	rc |= write_buf(w, "data/studies.json", &b, d);
	buf_reset(&b);
	mapdata_js(m, &b);
	rc |= write_buf(w, "data/map.js", &b, d);
	buf_reset(&b);
	mapdata_text_js(m, &b);
	rc |= write_buf(w, "data/map-text.js", &b, d);
	buf_reset(&b);
	export_csv(m, NULL, 0, &b);
	rc |= write_buf(w, "data/studies.csv", &b, d);
	buf_reset(&b);
	export_ris(m, NULL, 0, &b);
	rc |= write_buf(w, "data/studies.ris", &b, d);
	buf_reset(&b);
	export_bibtex(m, NULL, 0, &b);
	rc |= write_buf(w, "data/studies.bib", &b, d);
	buf_reset(&b);
	export_feed(m, &b);
	rc |= write_buf(w, "feed.xml", &b, d);
	buf_free(&b);
	return rc;
}

/* Copies the theme's static files (all but its templates and settings). */
static int copy_assets(out_writer *w, const char *theme, diag *d)
{
	static const char *const folders[] = {"css", "js", "fonts", "images"};
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
static int draw_flows(build_state *st, out_writer *w, diag *d)
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
	st.m = model_load(o->content_dir, d);
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
		/* Write beside, then rename: an interrupted run keeps an older file. */
		char *tmp = xasprintf("%s.tmp-gapmap", out_file);
		FILE *f = fopen(tmp, "wb");
		if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0 ||
		    rename(tmp, out_file) != 0) {
			diag_error(d, "", 0, 0, "cannot write %s: %s", out_file, strerror(errno));
			remove(tmp);
		} else {
			result = 0;
		}
		free(tmp);
	}
	buf_free(&b);
done:
	state_free(&st);
	return d->errors ? 1 : result;
}

/* One thread's share of the pages: every step-th job from first, rendered
 * with the thread's own Lua state, so pages never wait on each other. */
typedef struct render_worker {
	render_ctx *rc;
	out_writer *w;
	const render_job *jobs;
	size_t njobs, first, step;
	bool *done; /* one flag per job; each written by one thread only */
	diag *d;
} render_worker;

static void *render_worker_run(void *arg)
{
	render_worker *rw = arg;
	buf html = BUF_INIT;
	for (size_t i = rw->first; i < rw->njobs; i += rw->step) {
		if (render_page(rw->rc, &rw->jobs[i], &html, NULL, rw->d) != 0)
			continue;
		if (rw->w && write_buf(rw->w, rw->jobs[i].path, &html, rw->d) != 0)
			continue;
		rw->done[i] = true;
	}
	buf_free(&html);
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

/* Renders every job. Returns -1 when the templates cannot be used at all. */
static int render_all(build_state *st, out_writer *w, const render_job *jobs, size_t njobs,
                      bool *done, diag *d)
{
	size_t n = worker_count(st->o, njobs);
	render_worker *rw = xcalloc(n, sizeof *rw);
	pthread_t *tid = xcalloc(n, sizeof *tid);
	bool *started = xcalloc(n, sizeof *started);
	int rc = 0;
	/* The first context compiles and checks the templates and reports their
	 * errors once; the others would only repeat them. */
	for (size_t i = 0; i < n; i++) {
		diag *scratch = i ? diag_new() : d;
		rw[i] = (render_worker){NULL, w, jobs, njobs, i, n, done, NULL};
		rw[i].rc = render_new(st->m, st->dirs, st->ndirs, st->flows, st->nflows,
		                      "gapmap " GAPMAP_VERSION, scratch);
		if (i)
			diag_free(scratch);
		if (!rw[i].rc) {
			rc = -1;
			break;
		}
		rw[i].d = diag_new();
	}
	if (rc == 0) {
		for (size_t i = 1; i < n; i++)
			started[i] = pthread_create(&tid[i], NULL, render_worker_run, &rw[i]) == 0;
		render_worker_run(&rw[0]);
		/* A thread that could not start leaves its share to this one. */
		for (size_t i = 1; i < n; i++)
			if (started[i])
				pthread_join(tid[i], NULL);
			else
				render_worker_run(&rw[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (rw[i].d) {
			diag_merge(d, rw[i].d);
			diag_free(rw[i].d);
		}
		render_free(rw[i].rc);
	}
	free(started);
	free(tid);
	free(rw);
	return rc;
}

int build_run(const build_opts *o, build_stats *stats, diag *d)
{
	double t0 = now_seconds();
	memset(stats, 0, sizeof *stats);
	build_state st = {.o = o};
	st.m = model_load(o->content_dir, d);
	if (!st.m)
		return 1;
	stats->studies = st.m->nstudies;
	stats->reports = st.m->nrecs;
	st.theme = find_theme(o, st.m->site->theme, d);
	if (!st.theme) {
		state_free(&st);
		return 1;
	}
	load_theme_settings(&st, d);
	load_prisma(&st, d);
	if (d->errors) {
		state_free(&st);
		return 1;
	}
	out_writer *w = NULL;
	if (!o->check_only) {
		w = out_begin(o->out_dir, o->content_dir, d);
		if (!w) {
			state_free(&st);
			return 1;
		}
	}
	draw_flows(&st, w, d);
	st.base_templates = path_join(o->home, "templates");
	st.theme_templates = path_join(st.theme, "templates");
	st.site_templates = path_join(o->content_dir, "templates");
	if (is_dir(st.base_templates))
		st.dirs[st.ndirs++] = (render_dir){st.base_templates, "templates"};
	if (is_dir(st.theme_templates))
		st.dirs[st.ndirs++] = (render_dir){st.theme_templates, st.theme_templates};
	if (is_dir(st.site_templates))
		st.dirs[st.ndirs++] = (render_dir){st.site_templates, "templates"};

	size_t njobs;
	render_job *jobs = render_jobs(st.m, st.nflows, &njobs);
	bool *done = xcalloc(njobs ? njobs : 1, sizeof *done);
	if (w && !d->errors)
		write_data(w, st.m, d);
	if (render_all(&st, w, jobs, njobs, done, d) == 0) {
		char **pages = xcalloc(njobs ? njobs : 1, sizeof *pages);
		size_t npages = 0;
		for (size_t i = 0; i < njobs; i++) {
			stats->pages += done[i];
			if (done[i] && jobs[i].kind != RJ_404)
				pages[npages++] = jobs[i].path;
		}
		if (w && !d->errors) {
			buf b = BUF_INIT;
			write_sitemaps(w, st.m, pages, npages, &b, d);
			buf_free(&b);
			copy_assets(w, st.theme, d);
		}
		free(pages);
	}
	free(done);
	render_jobs_free(jobs, njobs);
	int result = 0;
	if (d->errors) {
		out_abort(w);
		result = 1;
	} else if (w) {
		stats->files = out_count(w);
		if (out_commit(w, d) != 0)
			result = 1;
	}
	state_free(&st);
	stats->seconds = now_seconds() - t0;
	return result;
}
