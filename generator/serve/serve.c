#include "serve/serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"
#include "load/config.h"
#include "serve/reload.h"
#include "serve/server.h"
#include "serve/watch.h"
#include "site/clean.h"
#include "site/incr.h"

/* A burst of saves settles within this; a long one is cut off at the max.
 * Short, since it is part of every save -> page delay: an editor's burst
 * (write a temporary file, rename it over) takes a few milliseconds, and a
 * save that arrives during a rebuild waits in inotify's queue and causes
 * exactly one follow-up rebuild. Shorter still once every file written to
 * has been closed (watch.h): the save is complete. */
#define SERVE_SETTLE_MS 8
#define SERVE_QUIET_MS  25
#define SERVE_MAX_MS    2000

int serve_rebuild(const build_opts *o, build_stats *stats, diag *d)
{
	return build_run(o, stats, d);
}

/* Builds, reports to the terminal and tells the pages. */
static void rebuild(const serve_opts *o, reload_hub *hub, bool first)
{
	diag *d = diag_new();
	build_stats s;
	int rc = serve_rebuild(&o->build, &s, d);
	diag_sort(d);
	reload_publish(hub, rc == 0, d);
	diag_print(d, stderr, false);
	if (rc != 0)
		fprintf(stderr,
		        "gapmap: the content has errors; still serving the last good site\n");
	else if (!o->quiet || first)
		printf("gapmap: %s %zu studies, %zu pages in %.2f s (rendered %zu of %zu pages, "
		       "read %zu record files)\n",
		       first ? "built" : "rebuilt", s.studies, s.pages, s.seconds, s.rendered,
		       s.pages, s.reread);
	fflush(stdout);
	diag_free(d);
	/* What the rebuild replaced (old files, old lists) goes now that it
	 * is reported. */
	incr_sweep(o->build.incr);
}

/* A theme given as a path may lie outside the folders watched anyway. */
static void watch_theme_path(watch *w, const char *content_dir)
{
	char *site_yaml = path_join(content_dir, "site.yaml");
	diag *scratch = diag_new();
	cfg_site *s = cfg_load(site_yaml, "site.yaml", scratch);
	if (s && s->theme && strchr(s->theme, '/')) {
		char *p = s->theme[0] == '/' ? xstrdup(s->theme) : path_join(content_dir, s->theme);
		watch_tree(w, p);
		free(p);
	}
	cfg_free(s);
	diag_free(scratch);
	free(site_yaml);
}

static int watch_sources(watch *w, const serve_opts *o)
{
	const char *home = o->build.home;
	char *templates = path_join(home, "templates");
	char *themes = path_join(home, "themes");
	int rc = 0;
	if (watch_tree(w, o->build.content_dir) <= 0) {
		fprintf(stderr, "gapmap: cannot watch the content folder %s\n",
		        o->build.content_dir);
		rc = -1;
	} else if (watch_tree(w, templates) < 0 || watch_tree(w, themes) < 0) {
		rc = -1;
	}
	if (rc == 0)
		watch_theme_path(w, o->build.content_dir);
	free(templates);
	free(themes);
	return rc;
}

int serve_run(const serve_opts *o, int stop_fd)
{
	serve_opts so = *o;
	char *tmp_dir = NULL, *out = NULL;
	if (!so.build.out_dir) {
		const char *t = getenv("TMPDIR");
		char *pattern = path_join(t && *t ? t : "/tmp", "gapmap-serve-XXXXXX");
		if (!mkdtemp(pattern)) {
			fprintf(stderr, "gapmap: cannot make a temporary folder %s: %s\n", pattern,
			        strerror(errno));
			free(pattern);
			return 1;
		}
		tmp_dir = pattern;
		out = path_join(tmp_dir, "site");
		so.build.out_dir = out;
	}
	so.build.check_only = false;
	/* From the second build on, only the pages that read what changed are
	 * rendered again (site/incr.h). */
	so.build.incr = incr_new();
	int result = 1;
	reload_hub *hub = reload_hub_new();
	watch *w = watch_new();
	server *srv = NULL;
	if (!w)
		goto done;
	watch_skip(w, so.build.out_dir);
	if (watch_sources(w, &so) != 0)
		goto done;
	/* Watching first: a save during the first build is not missed. */
	rebuild(&so, hub, true);
	watch_skip(w, so.build.out_dir); /* its folder exists now */
	srv = server_start(so.host, so.port, so.build.out_dir, hub);
	if (!srv)
		goto done;
	if (!strcasecmp(so.host, "localhost"))
		so.host = "127.0.0.1";
	bool v6 = strchr(so.host, ':') != NULL;
	printf("gapmap: serving %s at http://%s%s%s:%d/ (Ctrl-C stops)\n", so.build.content_dir,
	       v6 ? "[" : "", so.host, v6 ? "]" : "", server_port(srv));
	fflush(stdout);
	for (;;) {
		int r = watch_wait(w, stop_fd, SERVE_SETTLE_MS, SERVE_QUIET_MS, SERVE_MAX_MS);
		if (r <= 0) {
			result = r == 0 ? 0 : 1;
			break;
		}
		/* Which files changed: the build need not look at every file. */
		char **changed;
		size_t nchanged;
		bool all;
		watch_changes(w, &changed, &nchanged, &all);
		so.build.changed = changed;
		so.build.nchanged = nchanged;
		so.build.changed_known = !all;
		rebuild(&so, hub, false);
		for (size_t i = 0; i < nchanged; i++)
			free(changed[i]);
		free(changed);
		so.build.changed = NULL;
		so.build.nchanged = 0;
		so.build.changed_known = false;
		/* site.yaml may name another theme now (new folders only). */
		watch_theme_path(w, so.build.content_dir);
	}
	printf("gapmap: stopped\n");
	fflush(stdout);
done:
	reload_stop(hub);
	server_stop(srv);
	watch_free(w);
	reload_hub_free(hub);
	incr_free(so.build.incr);
	if (tmp_dir) {
		diag *d = diag_new();
		int removed;
		if (site_clean(out, &removed, d) != 0)
			diag_print(d, stderr, false);
		diag_free(d);
		rmdir(tmp_dir);
	}
	free(out);
	free(tmp_dir);
	return result;
}
