#include "site/incr_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sink.h"
#include "core/util.h"
#include "formats/export.h"
#include "formats/memo.h"
#include "site/build.h"
#include "site/output.h"

/* A key as pages keep it: its hash. Two keys of one hash only make a page
 * look dirty when it is not, never the other way. */
static uint64_t key_hash(const char *key)
{
	return fnv_str(FNV0, key);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The hashes of n string keys, sorted and unique; *out NULL when n is 0. */
static size_t hash_keys(char *const *keys, size_t n, uint64_t **out)
{
	*out = NULL;
	if (!n)
		return 0;
	uint64_t *h = xcalloc(n, sizeof *h);
	for (size_t i = 0; i < n; i++)
		h[i] = key_hash(keys[i]);
	qsort(h, n, sizeof *h, cmp_u64);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (h[i] != h[k - 1])
			h[k++] = h[i];
	*out = h;
	return k;
}

/* ---- the model ------------------------------------------------------------- */

static uint64_t file_fp(const build_incr *s, const char *name)
{
	size_t lo = 0, hi = s->nfiles;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->files[mid].name, name);
		if (c == 0)
			return s->files[mid].fp;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void keys_add(char ***keys, size_t *n, size_t *cap, char *k)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*keys = xrealloc(*keys, *cap * sizeof **keys);
	}
	(*keys)[(*n)++] = k;
}

/* Sorts keys and drops repeats. */
static void keys_unique(char **keys, size_t *n)
{
	if (!*n)
		return;
	qsort(keys, *n, sizeof *keys, cmp_str);
	size_t j = 1;
	for (size_t i = 1; i < *n; i++) {
		if (strcmp(keys[i], keys[j - 1]) == 0)
			free(keys[i]);
		else
			keys[j++] = keys[i];
	}
	*n = j;
}

/* What a change to record i touches: every report of its study, the
 * study's codes and cells (as render/view.c names them). */
static void touched_keys(const model *m, size_t i, incr_rec *r)
{
	const cfg_site *site = m->site;
	const study *st = &m->studies[m->study_of[i]];
	size_t cap = 0;
	for (size_t k = 0; k < st->nreports; k++) {
		keys_add(&r->keys, &r->nkeys, &cap,
		         xasprintf("record:%s", m->recs[st->reports[k]]->id));
		keys_add(&r->keys, &r->nkeys, &cap,
		         xasprintf("facts:%s", m->recs[st->reports[k]]->id));
	}
	for (size_t f = 0; f < site->nfacets; f++)
		for (size_t c = 0; c < st->codes[f].n; c++)
			keys_add(&r->keys, &r->nkeys, &cap,
			         xasprintf("code:%s/%s", site->facets[f].id,
			                   site->facets[f].codes[st->codes[f].idx[c]].id));
	const rec_codes *rows = &st->codes[site->rows], *cols = &st->codes[site->columns];
	for (size_t a = 0; a < rows->n; a++)
		for (size_t b = 0; b < cols->n; b++)
			keys_add(&r->keys, &r->nkeys, &cap,
			         xasprintf("cell:%s/%s",
			                   site->facets[site->rows].codes[rows->idx[a]].id,
			                   site->facets[site->columns].codes[cols->idx[b]].id));
	keys_unique(r->keys, &r->nkeys);
}

/* What lists of every study and the site's totals show: the studies in
 * order with their reports, and each record's year, added date, study
 * and codes. */
/* What of one record the totals show: its id, added date, study, year
 * and codes. */
static uint64_t rec_totals(const record *r)
{
	uint64_t h = fnv_long(fnv_str(fnv_str(fnv_str(FNV0, r->id), r->added), r->study), r->year);
	for (size_t f = 0; f < r->ncodes; f++) {
		h = fnv_long(h, (long)r->codes[f].n);
		for (size_t c = 0; c < r->codes[f].n; c++)
			h = fnv_long(h, (long)r->codes[f].idx[c]);
	}
	return h;
}

/* A record's facts as render/view.c reads them ("facts:" keys): what the
 * totals show (totals, its rec_totals), its recoding date and its findings'
 * codes and directions. */
static uint64_t rec_facts(const record *r, uint64_t totals)
{
	uint64_t h = fnv_str(totals, r->updated);
	h = fnv_long(h, (long)r->nfindings);
	for (size_t i = 0; i < r->nfindings; i++)
		h = fnv_long(fnv_long(h, (long)r->findings[i].code),
		             (long)r->findings[i].direction);
	return h;
}

/* recs[i] is m->recs[i]'s, with its rec_totals. */
static uint64_t totals_fp(const model *m, const incr_rec *recs)
{
	uint64_t h = fnv_long(fnv_long(FNV0, m->year_min), m->year_max);
	for (size_t i = 0; i < m->nstudies; i++) {
		const study *st = &m->studies[i];
		h = fnv_long(fnv_long(h, (long)st->nreports), st->year);
		for (size_t k = 0; k < st->nreports; k++)
			h = fnv_long(h, (long)recs[st->reports[k]].totals);
	}
	for (size_t i = 0; i < m->nrecs; i++)
		h = fnv_long(h, (long)recs[i].totals);
	return h;
}

static void recs_free(incr_rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].moved)
			continue;
		free(r[i].id);
		keys_free(r[i].keys, r[i].nkeys);
		free(r[i].objs);
	}
	free(r);
}

/* The objects record i's keys come from: it and its study's reports. */
static void set_objs(const model *m, size_t i, incr_rec *r)
{
	const study *st = &m->studies[m->study_of[i]];
	r->nobjs = st->nreports + 1;
	r->objs = xcalloc(r->nobjs, sizeof *r->objs);
	r->objs[0] = m->recs[i];
	for (size_t k = 0; k < st->nreports; k++)
		r->objs[k + 1] = m->recs[st->reports[k]];
}

/* Whether old was made of record i's objects as they are now (set_objs). */
static bool same_objs(const model *m, size_t i, const incr_rec *old)
{
	const study *st = &m->studies[m->study_of[i]];
	if (old->nobjs != st->nreports + 1 || old->objs[0] != m->recs[i])
		return false;
	for (size_t k = 0; k < st->nreports; k++)
		if (old->objs[k + 1] != m->recs[st->reports[k]])
			return false;
	return true;
}

/* Whether the record id's file or note may have changed since the last
 * scan: named by the watcher, or it did not say. */
static bool files_changed(const build_incr *s, const char *id)
{
	if (!s->changed_known)
		return true;
	size_t len = strlen(id);
	for (size_t k = 0; k < s->nchanged; k++) {
		const char *n = s->changed[k];
		if (!strncmp(n, id, len) && (!strcmp(n + len, ".yaml") || !strcmp(n + len, ".md")))
			return true;
	}
	return false;
}

/* Takes old's keys when they were made from the same objects. */
static bool take_keys(incr_rec *r, incr_rec *old)
{
	if (!old || old->nobjs != r->nobjs ||
	    memcmp(old->objs, r->objs, r->nobjs * sizeof *r->objs))
		return false;
	r->keys = old->keys;
	r->nkeys = old->nkeys;
	old->keys = NULL;
	old->nkeys = 0;
	return true;
}

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const incr_rec *)a)->id, ((const incr_rec *)b)->id);
}

static void add_dirty(build_incr *s, size_t *cap, char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		keys_add(&s->dirty, &s->ndirty, cap, xstrdup(keys[i]));
}

static bool same_keys(const incr_rec *a, const incr_rec *b)
{
	if (a->nkeys != b->nkeys)
		return false;
	for (size_t i = 0; i < a->nkeys; i++)
		if (strcmp(a->keys[i], b->keys[i]) != 0)
			return false;
	return true;
}

/* A record changed in its text only: the same study, codes and cells
 * before and after, and the studies' order, reports, years, added dates
 * and codes (the totals) as they were. Then the pages of its codes and
 * cells list the same studies in the same order and counts; those that
 * show it read it through its record: keys, which are the dirty ones, and
 * through its facts: keys too when its findings changed (facts). */
static void add_dirty_records(build_incr *s, size_t *cap, const incr_rec *r, bool facts)
{
	for (size_t i = 0; i < r->nkeys; i++)
		if (str_starts_with(r->keys[i], "record:") ||
		    (facts && str_starts_with(r->keys[i], "facts:")))
			keys_add(&s->dirty, &s->ndirty, cap, xstrdup(r->keys[i]));
}

/* Pages that read very many records have "record:*" or "facts:*" instead
 * (render.h): dirty when any record's key of the class is. */
static void add_dirty_all(build_incr *s, size_t *cap)
{
	bool text = false, facts = false;
	for (size_t i = 0; i < s->ndirty; i++) {
		text |= str_starts_with(s->dirty[i], "record:");
		facts |= str_starts_with(s->dirty[i], "facts:");
	}
	if (text)
		keys_add(&s->dirty, &s->ndirty, cap, xstrdup("record:*"));
	if (facts)
		keys_add(&s->dirty, &s->ndirty, cap, xstrdup("facts:*"));
}

/* ---- lists of studies ------------------------------------------------------- */

static void lists_free(incr_list *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].ids);
	}
	free(l);
}

/* l's studies and counts in m (l->kind, a, b set). */
static void fill_list(const model *m, incr_list *l)
{
	const idx_list *v = l->kind == 1   ? &m->by_code[l->a][l->b]
	                    : l->kind == 2 ? model_cell(m, l->a, l->b)
	                                   : NULL;
	l->n = v ? v->n : m->nstudies;
	l->ids = xcalloc(l->n ? l->n : 1, sizeof *l->ids);
	for (size_t i = 0; i < l->n; i++)
		l->ids[i] = fnv_str(FNV0, m->recs[m->studies[v ? v->v[i] : i].primary]->id);
	size_t ns = l->n, nr = m->nrecs;
	if (l->kind == 1)
		model_count_code(m, l->a, l->b, &ns, &nr);
	l->count = fnv_long(fnv_long(FNV0, (long)ns), l->kind == 2 ? 0 : (long)nr);
}

static int cmp_list(const void *a, const void *b)
{
	return strcmp(((const incr_list *)a)->key, ((const incr_list *)b)->key);
}

/* Every list of studies of m, sorted by key. */
static incr_list *all_lists(const model *m, size_t *n)
{
	const cfg_site *site = m->site;
	size_t cap = 1 + site->facets[site->rows].ncodes * site->facets[site->columns].ncodes;
	for (size_t f = 0; f < site->nfacets; f++)
		cap += site->facets[f].ncodes;
	incr_list *v = xcalloc(cap, sizeof *v);
	size_t k = 0;
	v[k++] = (incr_list){.key = xstrdup("studies"), .kind = 0};
	for (size_t f = 0; f < site->nfacets; f++)
		for (size_t c = 0; c < site->facets[f].ncodes; c++)
			v[k++] = (incr_list){.key = xasprintf("code:%s/%s", site->facets[f].id,
			                                      site->facets[f].codes[c].id),
			                     .kind = 1,
			                     .a = f,
			                     .b = c};
	const cfg_facet *rows = &site->facets[site->rows], *cols = &site->facets[site->columns];
	for (size_t r = 0; r < rows->ncodes; r++)
		for (size_t c = 0; c < cols->ncodes; c++)
			v[k++] = (incr_list){
			    .key = xasprintf("cell:%s/%s", rows->codes[r].id, cols->codes[c].id),
			    .kind = 2,
			    .a = r,
			    .b = c};
	for (size_t i = 0; i < k; i++)
		fill_list(m, &v[i]);
	qsort(v, k, sizeof *v, cmp_list);
	*n = k;
	return v;
}

/* What changed in list old -> cur: "<key>#n" when its counts did, and
 * "<key>@<page>" for each page of page_size studies whose studies are not
 * the same ones in the same places. */
static void dirty_windows(char ***keys, size_t *n_keys, size_t *cap, const incr_list *old,
                          const incr_list *cur, size_t size)
{
	if (old->count != cur->count)
		keys_add(keys, n_keys, cap, xasprintf("%s#n", cur->key));
	size_t n = old->n < cur->n ? old->n : cur->n, lo = 0;
	while (lo < n && old->ids[lo] == cur->ids[lo])
		lo++;
	if (lo == old->n && lo == cur->n)
		return;
	size_t hi = (old->n > cur->n ? old->n : cur->n) - 1;
	if (old->n == cur->n)
		while (hi > lo && old->ids[hi] == cur->ids[hi])
			hi--;
	for (size_t k = lo / size; k <= hi / size; k++)
		keys_add(keys, n_keys, cap, xasprintf("%s@%zu", cur->key, k + 1));
}

/* This build's lists (s->cur_lists): the last build's, but those dirty
 * (s->dirty, sorted) made again from m, and what changed in them dirty in
 * turn (dirty_windows). Lists change only with the totals. */
static void dirty_lists(build_incr *s, const model *m, size_t *cap)
{
	lists_free(s->cur_lists, s->ncur_lists);
	if (s->cur_totals == s->totals) { /* every list taken over */
		s->cur_lists = s->lists;
		s->ncur_lists = s->nlists;
		s->lists = NULL;
		s->nlists = 0;
		return;
	}
	s->cur_lists = xcalloc(s->nlists ? s->nlists : 1, sizeof *s->cur_lists);
	s->ncur_lists = s->nlists;
	size_t size = m->site->page_size > 0 ? (size_t)m->site->page_size : 1;
	char **more = NULL; /* apart until the end: s->dirty is searched */
	size_t nmore = 0, more_cap = 0;
	for (size_t i = 0; i < s->nlists; i++) {
		incr_list *old = &s->lists[i], *cur = &s->cur_lists[i];
		if (!bsearch(&old->key, s->dirty, s->ndirty, sizeof *s->dirty, cmp_str)) {
			*cur = *old; /* taken over */
			*old = (incr_list){0};
			continue;
		}
		*cur = (incr_list){
		    .key = xstrdup(old->key), .kind = old->kind, .a = old->a, .b = old->b};
		fill_list(m, cur);
		dirty_windows(&more, &nmore, &more_cap, old, cur, size);
	}
	for (size_t i = 0; i < nmore; i++)
		keys_add(&s->dirty, &s->ndirty, cap, more[i]);
	free(more);
}

static void forget_dirty(build_incr *s)
{
	keys_free(s->dirty, s->ndirty);
	s->dirty = NULL;
	s->ndirty = 0;
	free(s->dirty_hash);
	s->dirty_hash = NULL;
	s->ndirty_hash = 0;
}

void incr_plan(build_incr *s, const model *m)
{
	recs_free(s->cur_recs, s->ncur_recs);
	forget_dirty(s);
	/* model->recs is sorted by id, and so is cur_recs. */
	s->ncur_recs = m->nrecs;
	s->cur_recs = xcalloc(m->nrecs ? m->nrecs : 1, sizeof *s->cur_recs);
	/* The last good build's keys of a record whose objects are the same
	 * are its keys now; objects are compared by address, so only while
	 * the record cache has kept its records since that build (model/
	 * reuse.h): no record freed since can have left its address to one
	 * loaded now. */
	s->cur_epoch = rec_cache_epoch(s->cache);
	bool reuse = s->valid && m->borrowed && s->cur_epoch == s->epoch;
	size_t o = 0;
	for (size_t i = 0; i < m->nrecs; i++) {
		incr_rec *r = &s->cur_recs[i];
		const char *id = m->recs[i]->id;
		while (reuse && o < s->nrecs && strcmp(s->recs[o].id, id) < 0)
			o++;
		incr_rec *old =
		    reuse && o < s->nrecs && !strcmp(s->recs[o].id, id) ? &s->recs[o] : NULL;
		/* Its files as they were and the same objects: the entry as it
		 * is (most records, after a change to one). */
		if (old && !files_changed(s, id) && same_objs(m, i, old)) {
			*r = *old;
			old->moved = true;
			continue;
		}
		r->id = xstrdup(id);
		/* "<id>.yaml", "<id>.md" (ids are short; longer ones on the heap) */
		char small[128], *name = small;
		size_t idlen = strlen(id);
		if (idlen + 6 > sizeof small)
			name = xmalloc(idlen + 6);
		memcpy(name, id, idlen);
		memcpy(name + idlen, ".yaml", 6);
		uint64_t fy = file_fp(s, name);
		memcpy(name + idlen, ".md", 4);
		r->fp = fnv_long(fnv_long(FNV0, (long)fy), (long)file_fp(s, name));
		if (name != small)
			free(name);
		set_objs(m, i, r);
		/* A changed record's old keys are needed below: never taken. */
		if (!(old && old->fp == r->fp && take_keys(r, old)))
			touched_keys(m, i, r);
		bool same = old && old->nobjs && old->objs[0] == r->objs[0];
		r->totals = same ? old->totals : rec_totals(m->recs[i]);
		r->facts = same ? old->facts : rec_facts(m->recs[i], r->totals);
	}
	bool sorted = true; /* as m->recs is */
	for (size_t i = 1; i < s->ncur_recs && sorted; i++)
		sorted = cmp_rec(&s->cur_recs[i - 1], &s->cur_recs[i]) < 0;
	s->cur_totals = totals_fp(m, s->cur_recs); /* while cur_recs[i] is m->recs[i]'s */
	if (!sorted)
		qsort(s->cur_recs, s->ncur_recs, sizeof *s->cur_recs, cmp_rec);
	s->active = s->valid && s->cur_global == s->global;
	if (!s->active) {
		lists_free(s->cur_lists, s->ncur_lists);
		s->cur_lists = all_lists(m, &s->ncur_lists);
		return;
	}
	/* Merge the two id-sorted lists: a record on one side only, or with
	 * another fingerprint, changed; its keys before and after are dirty. */
	size_t cap = 0, i = 0, j = 0;
	while (i < s->nrecs || j < s->ncur_recs) {
		int c = i == s->nrecs       ? 1
		        : j == s->ncur_recs ? -1
		                            : strcmp(s->recs[i].id, s->cur_recs[j].id);
		if (c < 0) {
			add_dirty(s, &cap, s->recs[i].keys, s->recs[i].nkeys);
			i++;
		} else if (c > 0) {
			add_dirty(s, &cap, s->cur_recs[j].keys, s->cur_recs[j].nkeys);
			j++;
		} else {
			if (s->recs[i].fp == s->cur_recs[j].fp) {
				/* unchanged */
			} else if (s->cur_totals == s->totals &&
			           same_keys(&s->recs[i], &s->cur_recs[j])) {
				add_dirty_records(s, &cap, &s->cur_recs[j],
				                  s->recs[i].facts != s->cur_recs[j].facts);
			} else {
				add_dirty(s, &cap, s->recs[i].keys, s->recs[i].nkeys);
				add_dirty(s, &cap, s->cur_recs[j].keys, s->cur_recs[j].nkeys);
			}
			i++;
			j++;
		}
	}
	if (s->cur_totals != s->totals)
		keys_add(&s->dirty, &s->ndirty, &cap, xstrdup("studies"));
	keys_unique(s->dirty, &s->ndirty);
	dirty_lists(s, m, &cap);
	add_dirty_all(s, &cap);
	keys_unique(s->dirty, &s->ndirty);
	free(s->dirty_hash);
	s->ndirty_hash = hash_keys(s->dirty, s->ndirty, &s->dirty_hash);
}

/* ---- pages ------------------------------------------------------------------ */

static int cmp_page_ptr(const void *a, const void *b)
{
	return strcmp((*(incr_page *const *)a)->path, (*(incr_page *const *)b)->path);
}

const render_job *incr_jobs(build_incr *s, const model *m, size_t nflows, size_t *njobs,
                            const char *const **sorted)
{
	free(s->by_path);
	s->by_path = NULL;
	/* The pages are made of the studies' order, their codes, pages/ and
	 * the PRISMA flows, which are as last time when the build is
	 * incremental and the totals did not change. */
	bool same = s->jobs && s->active && s->cur_totals == s->totals && nflows == s->nflows;
	if (!same) {
		render_jobs_free(s->jobs, s->njobs);
		s->jobs = render_jobs(m, nflows, &s->njobs);
		s->nflows = nflows;
		free(s->sorted);
		s->sorted = xcalloc(s->njobs ? s->njobs : 1, sizeof *s->sorted);
		for (size_t i = 0; i < s->njobs; i++)
			s->sorted[i] = s->jobs[i].path;
		qsort(s->sorted, s->njobs, sizeof *s->sorted, cmp_str);
	}
	*njobs = s->njobs;
	*sorted = s->sorted;
	/* Pages are made in the same order each build: after a change to
	 * records' text, the same pages. */
	s->same_jobs = s->valid && s->njobs == s->npages;
	/* (incr_finish keeps pages in the order of the jobs it was given.) */
	for (size_t i = 0; !same && s->same_jobs && i < s->njobs; i++)
		s->same_jobs = strcmp(s->jobs[i].path, s->pages[i].path) == 0;
	if (!s->same_jobs) {
		s->by_path = xcalloc(s->npages ? s->npages : 1, sizeof *s->by_path);
		for (size_t i = 0; i < s->npages; i++)
			s->by_path[i] = &s->pages[i];
		qsort(s->by_path, s->npages, sizeof *s->by_path, cmp_page_ptr);
	}
	return s->jobs;
}

tmpl_budget *incr_budget(build_incr *s)
{
	return &s->budget;
}

static void free_contexts(build_incr *s)
{
	for (size_t i = 0; i < s->nctxs; i++)
		render_free(s->ctxs[i]);
	s->nctxs = 0;
}

render_ctx *incr_take_context(build_incr *s, const model *m, const render_flow *flows,
                              size_t nflows)
{
	if (!s->active) {
		free_contexts(s);
		return NULL;
	}
	if (!s->nctxs)
		return NULL;
	render_ctx *rc = s->ctxs[--s->nctxs];
	render_rebind(rc, m, flows, nflows);
	return rc;
}

void incr_keep_context(build_incr *s, render_ctx *rc)
{
	s->ctxs = xrealloc(s->ctxs, (s->nctxs + 1) * sizeof *s->ctxs);
	s->ctxs[s->nctxs++] = rc;
}

bool incr_same_pages(const build_incr *s)
{
	return s->active && s->same_jobs;
}

/* The last build's page that job i of this build is (incr_jobs), or NULL. */
static incr_page *page_of(const build_incr *s, const render_job *jobs, size_t i)
{
	if (!s->valid)
		return NULL;
	if (s->same_jobs)
		return &s->pages[i];
	size_t lo = 0, hi = s->npages;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->by_path[mid]->path, jobs[i].path);
		if (c == 0)
			return s->by_path[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool incr_tracked(const render_job *job)
{
	switch (job->kind) {
	case RJ_INDEX:
	case RJ_STUDIES:
	case RJ_STUDY:
	case RJ_CODE:
	case RJ_CELL:
	case RJ_OVERVIEW:
		return true;
	default:
		return false; /* few, and cheap */
	}
}

bool incr_clean(const build_incr *s, const render_job *jobs, size_t i)
{
	if (!s->active || !incr_tracked(&jobs[i]))
		return false;
	const incr_page *p = page_of(s, jobs, i);
	if (!p)
		return false;
	for (size_t k = 0; k < p->nkeys && s->ndirty_hash; k++)
		if (bsearch(&p->keys[k], s->dirty_hash, s->ndirty_hash, sizeof *s->dirty_hash,
		            cmp_u64))
			return false;
	return true;
}

bool incr_active(const build_incr *s)
{
	return s->active;
}

void incr_remove_gone(const build_incr *s, const render_job *jobs, size_t njobs, inplace *ip)
{
	if (s->same_jobs) /* the same pages, and so the same sitemap parts */
		return;
	/* The pages now as a hash set (open addressing): sorting them to look
	 * the last build's up cost a rebuild of 11,000 pages milliseconds. */
	size_t cap = 64;
	while (cap < 2 * njobs)
		cap *= 2;
	const char **now = xcalloc(cap, sizeof *now);
	size_t in_map = 0;
	for (size_t i = 0; i < njobs; i++) {
		const char *p = jobs[i].path;
		size_t h = (size_t)sink_hash(p, strlen(p)) & (cap - 1);
		while (now[h])
			h = (h + 1) & (cap - 1);
		now[h] = p;
		in_map += jobs[i].kind != RJ_404;
	}
	for (size_t i = 0; i < s->npages; i++) {
		const char *p = s->pages[i].path;
		size_t h = (size_t)sink_hash(p, strlen(p)) & (cap - 1);
		while (now[h] && strcmp(now[h], p) != 0)
			h = (h + 1) & (cap - 1);
		if (!now[h])
			inplace_remove(ip, p);
	}
	free(now);
	/* sitemap-N.xml parts beyond the ones written now (at most one part
	 * per EXPORT_SITEMAP_MAX_URLS of the last build's pages). */
	for (size_t k = export_sitemap_parts(in_map) + 1; k <= export_sitemap_parts(s->npages); k++) {
		char *rel = xasprintf("sitemap-%zu.xml", k);
		inplace_remove(ip, rel);
		free(rel);
	}
}

static void pages_free(incr_page *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].path);
		free(p[i].keys);
	}
	free(p);
}

static void forget_pages(build_incr *s)
{
	pages_free(s->pages, s->npages);
	s->pages = NULL;
	s->npages = 0;
	free(s->by_path);
	s->by_path = NULL;
	s->same_jobs = false;
}

static void stale_free(build_incr *s)
{
	pages_free(s->stale_pages, s->nstale_pages);
	s->stale_pages = NULL;
	s->nstale_pages = 0;
	recs_free(s->stale_recs, s->nstale_recs);
	s->stale_recs = NULL;
	s->nstale_recs = 0;
}

void incr_finish(build_incr *s, const render_job *jobs, size_t njobs, render_deps *deps,
                 const bool *carried, bool ok)
{
	forget_dirty(s);
	s->active = false;
	if (!ok) {
		/* Unsure what the site on disk now holds: next time, everything. */
		s->valid = false;
		forget_pages(s);
		for (size_t i = 0; i < njobs; i++)
			render_deps_free(&deps[i]);
		return;
	}
	/* Pages in the order of jobs: the same array when the jobs are the
	 * same, else a new one taking over the keys of carried pages. */
	incr_page *pages = s->same_jobs ? s->pages : xcalloc(njobs ? njobs : 1, sizeof *pages);
	for (size_t i = 0; i < njobs; i++) {
		incr_page *p = &pages[i];
		if (carried[i]) {
			render_deps_free(&deps[i]);
			if (s->same_jobs)
				continue;
			incr_page *old = page_of(s, jobs, i);
			p->path = xstrdup(jobs[i].path);
			p->nkeys = old ? old->nkeys : 0;
			p->keys = old ? old->keys : NULL;
			if (old) {
				old->keys = NULL;
				old->nkeys = 0;
			}
			continue;
		}
		if (s->same_jobs)
			free(p->keys);
		else
			p->path = xstrdup(jobs[i].path);
		p->nkeys = hash_keys(deps[i].keys, deps[i].n, &p->keys);
		render_deps_free(&deps[i]);
	}
	/* What is replaced is freed after serve's report (incr_sweep). */
	stale_free(s); /* left by a caller that did not sweep */
	if (!s->same_jobs) {
		s->stale_pages = s->pages;
		s->nstale_pages = s->npages;
		s->pages = NULL;
		s->npages = 0;
		forget_pages(s);
		s->pages = pages;
		s->npages = njobs;
	}
	lists_free(s->lists, s->nlists); /* all but the remade lists were taken over */
	s->lists = s->cur_lists;
	s->nlists = s->ncur_lists;
	s->cur_lists = NULL;
	s->ncur_lists = 0;
	s->stale_recs = s->recs;
	s->nstale_recs = s->nrecs;
	s->recs = s->cur_recs;
	s->nrecs = s->ncur_recs;
	s->cur_recs = NULL;
	s->ncur_recs = 0;
	s->global = s->cur_global;
	s->totals = s->cur_totals;
	s->epoch = s->cur_epoch;
	s->valid = true;
}

model *incr_model(build_incr *s, const build_opts *o, size_t *reread, diag *d)
{
	return model_reopen(o->content_dir, &(model_opts){o->drafts, o->jobs}, s->cache, s->files,
	                    s->nfiles, s->studies_dir && !s->studies_other, reread, d);
}

fmt_memo *incr_memo(build_incr *s, const model *m)
{
	unsigned long epoch = rec_cache_epoch(s->cache);
	if (!m->borrowed || !s->active || epoch != s->memo_epoch)
		fmt_memo_clear(s->memo);
	s->memo_epoch = epoch;
	/* Only records the cache keeps live at addresses that name them. */
	return m->borrowed ? s->memo : NULL;
}

build_incr *incr_new(void)
{
	build_incr *s = xcalloc(1, sizeof(build_incr));
	s->cache = rec_cache_new();
	s->memo = fmt_memo_new();
	s->ipstate = inplace_state_new();
	return s;
}

inplace_state *incr_inplace(build_incr *s)
{
	return s->ipstate;
}

void incr_sweep(build_incr *s)
{
	stale_free(s);
	inplace_state_sweep(s->ipstate);
}

void incr_free(build_incr *s)
{
	if (!s)
		return;
	incr_sweep(s);
	recs_free(s->recs, s->nrecs);
	recs_free(s->cur_recs, s->ncur_recs);
	forget_pages(s);
	lists_free(s->lists, s->nlists);
	lists_free(s->cur_lists, s->ncur_lists);
	free_contexts(s);
	free(s->ctxs);
	render_jobs_free(s->jobs, s->njobs);
	free(s->sorted);
	keys_free(s->dirty, s->ndirty);
	free(s->dirty_hash);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].name);
	free(s->files);
	free(s->studies_real);
	for (size_t i = 0; i < s->nothers; i++)
		free(s->others[i]);
	free(s->others);
	keys_free(s->changed, s->nchanged);
	rec_cache_free(s->cache);
	fmt_memo_free(s->memo);
	inplace_state_free(s->ipstate);
	free(s);
}
