#include "build.h"
#include "version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export.h"
#include "mapdata.h"
#include "model.h"
#include "output.h"
#include "render.h"

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
	char *base_templates, *theme_templates, *site_templates;
	render_dir dirs[3];
	size_t ndirs;
} build_state;

static void state_free(build_state *st)
{
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

static int write_data(out_writer *w, const model *m, char *const *pages, size_t npages,
                      diag *d)
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
	export_sitemap(m, pages, npages, &b);
	rc |= write_buf(w, "sitemap.xml", &b, d);
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
	st.base_templates = path_join(o->home, "templates");
	st.theme_templates = path_join(st.theme, "templates");
	st.site_templates = path_join(o->content_dir, "templates");
	if (is_dir(st.base_templates))
		st.dirs[st.ndirs++] = (render_dir){st.base_templates, "templates"};
	if (is_dir(st.theme_templates))
		st.dirs[st.ndirs++] = (render_dir){st.theme_templates, st.theme_templates};
	if (is_dir(st.site_templates))
		st.dirs[st.ndirs++] = (render_dir){st.site_templates, "templates"};

	render_ctx *rc = render_new(st.m, st.dirs, st.ndirs, NULL, 0, "gapmap " GAPMAP_VERSION, d);
	if (!rc) {
		state_free(&st);
		return 1;
	}
	size_t njobs;
	render_job *jobs = render_jobs(st.m, 0, &njobs);
	out_writer *w = NULL;
	if (!o->check_only) {
		w = out_begin(o->out_dir, o->content_dir, d);
		if (!w) {
			render_jobs_free(jobs, njobs);
			render_free(rc);
			state_free(&st);
			return 1;
		}
	}
	buf html = BUF_INIT;
	char **pages = xcalloc(njobs, sizeof *pages);
	size_t npages = 0;
	for (size_t i = 0; i < njobs; i++) {
		if (render_page(rc, &jobs[i], &html, d) != 0)
			continue;
		if (w && write_buf(w, jobs[i].path, &html, d) != 0)
			continue;
		stats->pages++;
		if (jobs[i].kind != RJ_404)
			pages[npages++] = jobs[i].path;
	}
	buf_free(&html);
	if (w && !d->errors) {
		write_data(w, st.m, pages, npages, d);
		copy_assets(w, st.theme, d);
	}
	free(pages);
	render_jobs_free(jobs, njobs);
	render_free(rc);
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
