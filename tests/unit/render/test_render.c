/* Rendering through read-only views: what each page records as read (its
 * dependencies, for incremental rebuilds), the identity of views within a
 * page, and that the model cannot be written. Uses tests/e2e/sites/basic and
 * the built-in templates (run from the repository root, as tests/run.sh does). */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "render/render.h"
#include "test.h"

static bool has(const render_deps *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->keys[i], key) == 0)
			return true;
	return false;
}

static const render_job *job_at(const render_job *jobs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(jobs[i].path, path) == 0)
			return &jobs[i];
	return NULL;
}

/* Keys of deps that begin with prefix. */
static size_t count_prefix(const render_deps *d, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += strncmp(d->keys[i], prefix, strlen(prefix)) == 0;
	return n;
}

/* A page reading very many records (the map of 1,100 studies) records one
 * key for all their facts instead of one each. */
static void many_records(diag *d)
{
	CHECK(fx_init());
	fx_mkdir("studies");
	char *site_yaml;
	size_t len;
	CHECK(read_file("tests/e2e/sites/basic/site.yaml", 1 << 20, &site_yaml, &len) == 0);
	fx_put("site.yaml", site_yaml);
	free(site_yaml);
	for (int i = 0; i < 1100; i++) {
		char *rel = xasprintf("studies/s%04d.yaml", i);
		char *text = xasprintf("title: Study %d\nyear: %d\nadded: 2024-01-10\n"
		                       "outcome: [pain]\nsetting: gp\ndesign: rct\n",
		                       i, 2000 + i % 20);
		fx_put(rel, text);
		free(rel);
		free(text);
	}
	model *m = model_load(fx_dir, d);
	CHECK(m != NULL && m->nstudies == 1100);
	if (!m)
		return;
	render_dir dirs[] = {{"templates", "templates"}};
	render_ctx *rc = render_new(m, dirs, 1, NULL, 0, "gapmap test", NULL, d);
	size_t njobs;
	render_job *jobs = render_jobs(m, 0, &njobs);
	buf out = BUF_INIT;
	render_deps deps = {0};
	const render_job *j = job_at(jobs, njobs, "index.html");
	CHECK(rc && j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "facts:*"));
	CHECK(count_prefix(&deps, "facts:") < 1100);
	CHECK(!has(&deps, "record:*") && count_prefix(&deps, "record:") == 0);
	/* A page of the list of studies still names the ones it shows. */
	j = job_at(jobs, njobs, "studies/index.html");
	CHECK(rc && j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(!has(&deps, "record:*") && has(&deps, "record:s1099"));
	CHECK(d->errors == 0);
	render_deps_free(&deps);
	buf_free(&out);
	render_jobs_free(jobs, njobs);
	render_free(rc);
	model_free(m);
	fx_rm_rf(fx_dir);
}

/* The map's updates as views (What's new): each update with the studies it
 * added, further reports of earlier studies and the withdrawn ones, newest
 * first; the studies after the latest update pending; the page depends on
 * the whole list (any record's added: date moves a study between updates). */
static void updates_page(model *m, diag *d)
{
	cfg_updates *u = &m->site->updates;
	u->n = 2;
	u->v = xcalloc(2, sizeof *u->v);
	u->v[0] = (cfg_update){.version = xstrdup("1.0"), .date = xstrdup("2024-01-11")};
	u->v[1] = (cfg_update){.version = xstrdup("1.1"),
	                       .date = xstrdup("2024-02-01"),
	                       .searched = xstrdup("2024-01-20")};
	u->v[1].nwithdrawn = 1;
	u->v[1].withdrawn = xcalloc(1, sizeof *u->v[1].withdrawn);
	u->v[1].withdrawn[0] =
	    (cfg_withdrawn){.id = xstrdup("x9"), .reason = xstrdup("Retracted.")};
	render_dir dirs[] = {{"templates", "templates"}};
	render_ctx *rc = render_new(m, dirs, 1, NULL, 0, "gapmap test", NULL, d);
	CHECK(rc != NULL);
	size_t njobs;
	render_job *jobs = render_jobs(m, 0, &njobs);
	const render_job *j = job_at(jobs, njobs, "updates/index.html");
	buf out = BUF_INIT;
	render_deps deps = {0};
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	const char *h = buf_cstr(&out);
	const char *v11 = strstr(h, "Version 1.1 (latest)"), *v10 = strstr(h, "Version 1.0<");
	const char *pend = strstr(h, "Since version 1.1");
	CHECK(v11 && v10 && pend && pend < v11 && v11 < v10);    /* pending, then newest first */
	CHECK(pend && v11 && strstr(pend, "studies/d1/") < v11); /* added after 1.1 */
	const char *b1 = strstr(h, "studies/b1/"), *a1 = strstr(h, "studies/a1/");
	CHECK(b1 && v11 && v10 && b1 > v11 && b1 < v10); /* 1.1 added b1 */
	CHECK(a1 && v10 && a1 > v10);                    /* 1.0 added a1 */
	CHECK(strstr(h, "studies/a2-followup/") > v11 && strstr(h, "studies/a2-followup/") < v10);
	CHECK(strstr(h, "<li>x9: Retracted.</li>") != NULL); /* no title: the id */
	CHECK(strstr(h, "searches were last run on <time datetime=\"2024-01-20\">") != NULL);
	CHECK(has(&deps, "studies"));
	/* The map marks the studies of the latest update in its cells. */
	j = job_at(jobs, njobs, "index.html");
	CHECK(j && render_page(rc, j, &out, NULL, d) == 0);
	CHECK(strstr(buf_cstr(&out), "new in version 1.1") != NULL);
	CHECK(d->errors == 0);
	render_deps_free(&deps);
	buf_free(&out);
	render_jobs_free(jobs, njobs);
	render_free(rc);
}

int main(void)
{
	diag *d = diag_new();
	model *m = model_load("tests/e2e/sites/basic", d);
	CHECK(m != NULL);
	if (!m)
		return 1;
	render_dir dirs[] = {{"templates", "templates"}};
	render_ctx *rc = render_new(m, dirs, 1, NULL, 0, "gapmap test", NULL, d);
	CHECK(rc != NULL);
	size_t njobs;
	render_job *jobs = render_jobs(m, 0, &njobs);
	buf out = BUF_INIT;
	render_deps deps = {0};

	/* A study page reads its own records and the codes it links to by
	 * label only, never another study. */
	const render_job *j = job_at(jobs, njobs, "studies/a1/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "record:a1"));
	CHECK(!has(&deps, "record:b1"));
	CHECK(!has(&deps, "record:c1"));
	for (size_t i = 1; i < deps.n; i++)
		CHECK(strcmp(deps.keys[i - 1], deps.keys[i]) < 0); /* sorted, unique */

	/* A study of two reports depends on both. */
	j = job_at(jobs, njobs, "studies/a2/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "record:a2") && has(&deps, "record:a2-followup"));

	/* A code's page: its list and the studies on it, not the others. */
	j = job_at(jobs, njobs, "outcomes/pain/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "code:outcome/pain"));
	CHECK(has(&deps, "record:a1") && has(&deps, "record:a2") && has(&deps, "record:d1"));
	CHECK(!has(&deps, "record:b1") && !has(&deps, "record:c1"));

	/* A cell's page: the cell and its studies. */
	j = job_at(jobs, njobs, "cells/pain/gp/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "cell:pain/gp"));
	CHECK(has(&deps, "record:a1") && has(&deps, "record:d1") && !has(&deps, "record:c1"));

	/* The map depends on the whole list; a page of the list of all studies
	 * only on the studies in its places ("@1") and the counts ("#n"), so a
	 * study moving elsewhere in the list leaves it alone. */
	j = job_at(jobs, njobs, "index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "studies"));
	j = job_at(jobs, njobs, "studies/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "studies@1") && has(&deps, "studies#n") && has(&deps, "record:c1"));
	CHECK(!has(&deps, "studies"));
	j = job_at(jobs, njobs, "cells/pain/gp/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "cell:pain/gp#n") && has(&deps, "cell:pain/gp@1"));

	/* A record's facts (what lists, counts and "new" markers are made of)
	 * and the rest of it are two keys: the map and the overview tally
	 * every study's facts and show no title, so editing a title leaves
	 * them alone (site/incr.c); a study's page reads both; a finding's
	 * detail is text, its direction a fact. */
	j = job_at(jobs, njobs, "index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "facts:a1") && has(&deps, "facts:b1"));
	CHECK(count_prefix(&deps, "record:") == 0);
	j = job_at(jobs, njobs, "overview/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "facts:a1") && count_prefix(&deps, "record:") == 0);
	j = job_at(jobs, njobs, "studies/a1/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "facts:a1") && has(&deps, "record:a1"));
	j = job_at(jobs, njobs, "outcomes/pain/index.html");
	CHECK(j && render_page(rc, j, &out, &deps, d) == 0);
	CHECK(has(&deps, "facts:a1") && has(&deps, "record:a1"));

	/* A page of pages/ depends on it. */
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].kind == RJ_PAGE) {
			CHECK(render_page(rc, &jobs[i], &out, &deps, d) == 0);
			char *key = xasprintf("page:%s", m->pages[jobs[i].a].slug);
			CHECK(has(&deps, key));
			free(key);
		}

	/* Without deps nothing is recorded, and the output is the same. */
	j = job_at(jobs, njobs, "outcomes/pain/index.html");
	buf again = BUF_INIT;
	CHECK(render_page(rc, j, &out, &deps, d) == 0);
	CHECK(render_page(rc, j, &again, NULL, d) == 0);
	CHECK(out.len == again.len && memcmp(out.data, again.data, out.len) == 0);
	CHECK(d->errors == 0);

	/* A context rebound to another model (serve's next build) renders
	 * from it, as a new context would. */
	model *m2 = model_load("tests/e2e/sites/basic", d);
	CHECK(m2 != NULL && !strcmp(m2->recs[0]->id, "a1"));
	if (m2) {
		free(m2->recs[0]->title);
		m2->recs[0]->title = xstrdup("A rebound title");
		render_rebind(rc, m2, NULL, 0);
		j = job_at(jobs, njobs, "studies/a1/index.html");
		CHECK(render_page(rc, j, &out, NULL, d) == 0);
		CHECK(strstr(buf_cstr(&out), "A rebound title") != NULL);
		render_ctx *fresh = render_new(m2, dirs, 1, NULL, 0, "gapmap test", NULL, d);
		j = job_at(jobs, njobs, "studies/index.html");
		CHECK(j && fresh && render_page(rc, j, &out, NULL, d) == 0 &&
		      render_page(fresh, j, &again, NULL, d) == 0);
		CHECK(out.len == again.len && memcmp(out.data, again.data, out.len) == 0);
		render_free(fresh);
		render_rebind(rc, m, NULL, 0);
		model_free(m2);
	}

	render_deps_free(&deps);
	buf_free(&out);
	buf_free(&again);
	render_jobs_free(jobs, njobs);
	render_free(rc);
	updates_page(m, d);
	model_free(m);
	many_records(d);
	diag_free(d);
	TEST_MAIN_END();
}
