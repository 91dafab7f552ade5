#include "model/reuse.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "load/schema.h"

/* One record file as last loaded: its fingerprint (record and note), the
 * record (NULL when it could not be loaded) and what loading it reported. */
typedef struct cached_rec {
	char *id;
	uint64_t fp;
	record *r;
	diag *problems;
	bool moved; /* taken over by the next cache: owns nothing any more */
} cached_rec;

struct rec_cache {
	bool valid;
	uint64_t site_hash;  /* site.yaml's bytes the records were loaded with */
	unsigned long epoch; /* one more every time the cache is emptied */
	cached_rec *v;       /* sorted by id */
	size_t n;
	/* The last model built of v's records, kept (model->kept) when it
	 * reported nothing of its own and has no drafts: when records change
	 * in their text only, it is the next model too, the new records put in
	 * their places. */
	model *last;
};

rec_cache *rec_cache_new(void)
{
	return xcalloc(1, sizeof(rec_cache));
}

static void entries_free(cached_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].moved)
			continue;
		free(v[i].id);
		rec_free(v[i].r);
		diag_free(v[i].problems);
	}
	free(v);
}

static void drop_last(rec_cache *c)
{
	if (c->last) {
		c->last->kept = false;
		model_free(c->last);
		c->last = NULL;
	}
}

static void cache_empty(rec_cache *c)
{
	drop_last(c);
	entries_free(c->v, c->n);
	c->v = NULL;
	c->n = 0;
	c->valid = false;
	c->epoch++;
}

unsigned long rec_cache_epoch(const rec_cache *c)
{
	return c->epoch;
}

void rec_cache_free(rec_cache *c)
{
	if (!c)
		return;
	cache_empty(c);
	free(c);
}

static uint64_t fnv(const void *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int cmp_id_entry(const void *key, const void *elem)
{
	return strcmp(key, ((const cached_rec *)elem)->id);
}

static cached_rec *find_entry(rec_cache *c, const char *id)
{
	return c->n ? bsearch(id, c->v, c->n, sizeof *c->v, cmp_id_entry) : NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const cached_rec *)a)->id, ((const cached_rec *)b)->id);
}

/* The note of the record files[i] (named id + ".yaml"), or NULL. Valid ids
 * have no '.', so a record's note, when it has one, comes right before it
 * in name order. */
static const model_file *note_of(const model_file *files, size_t i, const char *id, size_t idlen)
{
	return i > 0 && strncmp(files[i - 1].name, id, idlen) == 0 &&
	               strcmp(files[i - 1].name + idlen, ".md") == 0
	           ? &files[i - 1]
	           : NULL;
}

/* When every file is a record with a valid id or the note of one (then
 * load_records would report nothing about names, and the files alone say
 * what it loads), the number of records; else SIZE_MAX. */
static size_t simple_names(const model_file *files, size_t n)
{
	char id[SCHEMA_ID_MAX + 1];
	size_t records = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = files[i].name;
		size_t len = strlen(name);
		if (str_ends_with(name, ".yaml") && len - 5 <= SCHEMA_ID_MAX) {
			memcpy(id, name, len - 5);
			id[len - 5] = '\0';
			if (!schema_valid_id(id))
				return SIZE_MAX;
			records++;
		} else if (str_ends_with(name, ".md") && len - 3 <= SCHEMA_ID_MAX) {
			/* Its record comes right after it (note_of). */
			if (i + 1 == n || strncmp(files[i + 1].name, name, len - 3) != 0 ||
			    strcmp(files[i + 1].name + len - 3, ".yaml") != 0)
				return SIZE_MAX;
		} else {
			return SIZE_MAX;
		}
	}
	return records;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether a record read again makes the same model as the one it replaces:
 * what model_finish and the model's indices are made of (study links,
 * years, codes, DOIs, drafts) is the same; only its text differs. */
static bool same_shape(const record *a, const record *b)
{
	if (!a || !b || a->draft || b->draft || a->year != b->year || a->ncodes != b->ncodes ||
	    !same_str(a->id, b->id) || !same_str(a->study, b->study) || !same_str(a->doi, b->doi))
		return false;
	for (size_t f = 0; f < a->ncodes; f++)
		if (a->codes[f].n != b->codes[f].n ||
		    (a->codes[f].n && memcmp(a->codes[f].idx, b->codes[f].idx,
		                             a->codes[f].n * sizeof *a->codes[f].idx)))
			return false;
	return true;
}

/* Hash of site.yaml's bytes; 0 when it cannot be read (cfg_load says why). */
static uint64_t site_hash(const char *content_dir)
{
	char *path = path_join(content_dir, "site.yaml");
	char *text;
	size_t len;
	uint64_t h = 0;
	if (read_file(path, 64 * 1024 * 1024, &text, &len) == 0) {
		h = fnv(text, len) | 1;
		free(text);
	}
	free(path);
	return h;
}

model *model_reopen(const char *content_dir, const model_opts *opts, rec_cache *c,
                    const model_file *files, size_t nfiles, bool plain, size_t *reread, diag *d)
{
	uint64_t sh = site_hash(content_dir);
	size_t nyaml = simple_names(files, nfiles); /* the record files */
	if (!plain || !sh || nyaml == SIZE_MAX) {
		cache_empty(c);
		*reread = 0;
		for (size_t i = 0; i < nfiles; i++)
			*reread += str_ends_with(files[i].name, ".yaml");
		return model_open(content_dir, opts, d);
	}
	if (!c->valid || c->site_hash != sh)
		cache_empty(c);
	/* Whether the last model can be kept: the same record files, and every
	 * record read again of the same shape (checked as they are read). */
	bool keep = c->last && nyaml == c->n;
	model *m = model_new(content_dir, d);
	if (!m) {
		cache_empty(c);
		*reread = 0;
		return NULL;
	}
	m->borrowed = true;
	*reread = 0;
	/* The records now, each kept from the cache when its files are as
	 * they were, else read. */
	cached_rec *next = xcalloc(nfiles ? nfiles : 1, sizeof *next);
	size_t n = 0;
	char *sdir = path_join(content_dir, "studies");
	char id[SCHEMA_ID_MAX + 1];
	size_t at = 0; /* where in the cache the next id likely is: both in order */
	for (size_t i = 0; i < nfiles; i++) {
		const char *name = files[i].name;
		if (!str_ends_with(name, ".yaml"))
			continue;
		size_t idlen = strlen(name) - 5;
		memcpy(id, name, idlen); /* simple_names: a valid id, not too long */
		id[idlen] = '\0';
		const model_file *md = note_of(files, i, id, idlen);
		uint64_t fp = files[i].fp * 31 + (md ? md->fp : 0);
		cached_rec *old =
		    at < c->n && strcmp(c->v[at].id, id) == 0 ? &c->v[at] : find_entry(c, id);
		if (old)
			at = (size_t)(old - c->v) + 1;
		if (old && old->fp == fp) {
			next[n++] = *old;
			old->moved = true;
		} else {
			char *path = path_join(sdir, name);
			char *label = xasprintf("studies/%s", name);
			char *mdname = xasprintf("%s.md", id);
			char *mdpath = path_join(sdir, mdname);
			char *mdlabel = xasprintf("studies/%s", mdname);
			diag *problems = diag_new();
			record *r = rec_load(m->site, path, label, id, md ? mdpath : NULL, mdlabel,
			                     problems);
			keep = keep && old && problems->count == 0 && same_shape(old->r, r);
			next[n++] = (cached_rec){xstrdup(id), fp, r, problems, false};
			(*reread)++;
			free(path);
			free(label);
			free(mdname);
			free(mdpath);
			free(mdlabel);
		}
	}
	free(sdir);
	/* What is left of the old cache: records removed or read again. */
	entries_free(c->v, c->n);
	bool sorted = true; /* ids in name order mostly are */
	for (size_t i = 1; i < n && sorted; i++)
		sorted = cmp_entry(&next[i - 1], &next[i]) < 0;
	if (!sorted)
		qsort(next, n, sizeof *next, cmp_entry);
	c->v = next;
	c->n = n;
	c->valid = true;
	c->site_hash = sh;
	if (keep) {
		/* The last model with the records as they are now: the same ids
		 * in the same order, every one loaded, none a draft. (The old
		 * records are freed already: only their places are used.) */
		model *last = c->last;
		for (size_t i = 0; i < n; i++) {
			diag_copy(d, next[i].problems);
			last->recs[i] = next[i].r;
		}
		model_free(m);
		return last;
	}
	drop_last(c);
	m->recs = xcalloc(n ? n : 1, sizeof *m->recs);
	m->file_ids = xcalloc(n ? n : 1, sizeof *m->file_ids);
	bool clean = !(opts && opts->drafts);
	for (size_t i = 0; i < n; i++) {
		diag_copy(d, next[i].problems);
		clean = clean && next[i].problems->count == 0 && next[i].r && !next[i].r->draft;
		m->file_ids[m->nfile_ids++] = xstrdup(next[i].id);
		if (next[i].r)
			m->recs[m->nrecs++] = next[i].r;
	}
	size_t before = d->count;
	model_finish(m, content_dir, opts, d);
	/* Kept for next time only when it reported nothing: a kept model's own
	 * problems would not be reported again. */
	if (clean && d->count == before && m->nrecs == n) {
		m->kept = true;
		c->last = m;
	}
	return m;
}
