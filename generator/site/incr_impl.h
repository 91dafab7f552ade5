/* incr_impl: what site/incr.c (planning, pages, the build's end) and
 * site/incr_scan.c (fingerprinting the inputs) share: the state kept from
 * one build to the next. Private to site/incr*. */
#ifndef GM_INCR_IMPL_H
#define GM_INCR_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/memo.h"
#include "site/incr.h"

/* A record as the last build saw it: its files' fingerprint and the keys
 * a change to it makes dirty (sorted). */
typedef struct incr_rec {
	char *id;
	uint64_t fp;
	char **keys;
	size_t nkeys;
	/* The record and its study's reports (the model's objects) the keys
	 * were made from: the same objects, the same keys. */
	const void **objs;
	size_t nobjs;
	uint64_t totals; /* rec_totals of objs[0] */
	uint64_t facts;  /* rec_facts of objs[0] */
	bool moved;      /* taken over by the next build's entry: owns nothing */
} incr_rec;

/* A page the last build wrote, and what it read (key_hash of each key,
 * sorted). */
typedef struct incr_page {
	char *path;
	uint64_t *keys;
	size_t nkeys;
} incr_page;

/* A list of studies as a build had it (render/render.h's list keys): the
 * list of all studies (kind 0), code a's of facet f (1) or cell (a, b)'s
 * (2); its studies in order, each by a hash of its id, and a hash of its
 * counts. */
typedef struct incr_list {
	char *key;
	int kind;
	size_t a, b;
	uint64_t *ids;
	size_t n;
	uint64_t count;
} incr_list;

/* A file of studies/ and its fingerprint: model/reuse.h's model_file. */
typedef model_file incr_file;

struct build_incr {
	/* The last good build's; valid false until there is one. */
	bool valid;
	uint64_t global, totals;
	incr_rec *recs; /* sorted by id */
	size_t nrecs;
	incr_page *pages; /* in the order of its jobs */
	size_t npages;
	/* Every list of studies of the last good build, and of this one. */
	incr_list *lists, *cur_lists;
	size_t nlists, ncur_lists;
	/* This build's jobs (incr_jobs), kept for the next build, and their
	 * paths sorted; same_jobs: the same paths in the same order as pages,
	 * or else by_path: pages sorted by path. */
	render_job *jobs;
	size_t njobs, nflows;
	const char **sorted;
	bool same_jobs;
	incr_page **by_path;
	/* Render contexts of the last build, and their templates' budget. */
	render_ctx **ctxs;
	size_t nctxs;
	tmpl_budget budget;
	/* This build's. */
	uint64_t cur_global, cur_totals;
	incr_file *files; /* sorted by name */
	size_t nfiles;
	bool studies_dir;   /* studies/ is a folder (not a link) */
	bool studies_other; /* ... holding something besides records and notes */
	char *studies_real; /* its resolved path at the last full scan, or NULL */
	char **others;      /* names of the something besides, sorted */
	size_t nothers;
	/* The names in studies/ the watcher saw change since the last build,
	 * when it said (changed_known), and only those changed. */
	char **changed;
	size_t nchanged;
	bool changed_known;
	rec_cache *cache;         /* parsed records kept for the next build */
	fmt_memo *memo;           /* the data files' elements, by record */
	unsigned long memo_epoch; /* the cache's epoch the memo's records are of */
	inplace_state *ipstate;   /* the in-place writer's, between builds */
	/* The last build's page and record lists, replaced by incr_finish and
	 * freed by incr_sweep once the rebuild is reported. */
	incr_page *stale_pages;
	size_t nstale_pages;
	incr_rec *stale_recs;
	size_t nstale_recs;
	incr_rec *cur_recs;
	size_t ncur_recs;
	bool active;                    /* incremental: incr_clean may say true */
	unsigned long epoch, cur_epoch; /* the record cache's, for recs' objs */
	char **dirty;                   /* sorted keys */
	size_t ndirty;
	uint64_t *dirty_hash; /* their key_hash, sorted */
	size_t ndirty_hash;
};

/* Fingerprints: 64-bit FNV-1a. */
static inline uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define FNV0 1469598103934665603ULL

static inline uint64_t fnv_str(uint64_t h, const char *s)
{
	return s ? fnv(h, s, strlen(s) + 1) : fnv(h, "\1", 1);
}

static inline uint64_t fnv_long(uint64_t h, long v)
{
	return fnv(h, &v, sizeof v);
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

#endif
