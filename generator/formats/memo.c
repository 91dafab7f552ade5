#include "formats/memo.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

typedef struct memo_entry {
	const char *tag; /* NULL: a free slot */
	const void **key;
	size_t nkey;
	uint64_t hash;
	char *bytes;
	size_t len;
	unsigned gen; /* the build that last wrote it */
} memo_entry;

struct fmt_memo {
	memo_entry *v; /* open addressing, linear probing; cap a power of two */
	size_t cap, n;
	unsigned gen;
	size_t hits, misses;
};

fmt_memo *fmt_memo_new(void)
{
	return xcalloc(1, sizeof(fmt_memo));
}

static void entry_free(memo_entry *e)
{
	free(e->key);
	free(e->bytes);
	*e = (memo_entry){0};
}

void fmt_memo_clear(fmt_memo *mm)
{
	for (size_t i = 0; i < mm->cap; i++)
		if (mm->v[i].tag)
			entry_free(&mm->v[i]);
	free(mm->v);
	mm->v = NULL;
	mm->cap = mm->n = 0;
}

void fmt_memo_free(fmt_memo *mm)
{
	if (!mm)
		return;
	fmt_memo_clear(mm);
	free(mm);
}

static void insert(memo_entry *v, size_t cap, memo_entry e)
{
	size_t i = (size_t)e.hash & (cap - 1);
	while (v[i].tag)
		i = (i + 1) & (cap - 1);
	v[i] = e;
}

/* Rebuilds the table at cap. */
static void rehash(fmt_memo *mm, size_t cap)
{
	memo_entry *v = xcalloc(cap, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < mm->cap; i++) {
		memo_entry *e = &mm->v[i];
		if (!e->tag)
			continue;
		insert(v, cap, *e);
		n++;
	}
	free(mm->v);
	mm->v = v;
	mm->cap = cap;
	mm->n = n;
}

void fmt_memo_begin_build(fmt_memo *mm)
{
	if (!mm)
		return;
	mm->gen++;
	mm->hits = mm->misses = 0;
}

/* Removes the entry at i, moving later entries of its run back so that
 * every entry stays reachable from its home slot (linear probing). */
static void delete_at(fmt_memo *mm, size_t i)
{
	size_t mask = mm->cap - 1;
	entry_free(&mm->v[i]);
	mm->n--;
	for (size_t j = (i + 1) & mask; mm->v[j].tag; j = (j + 1) & mask) {
		size_t home = (size_t)mm->v[j].hash & mask;
		/* v[j] may move to i unless its home lies cyclically in (i, j]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			mm->v[i] = mm->v[j];
			mm->v[j] = (memo_entry){0};
			i = j;
		}
	}
}

void fmt_memo_end_build(fmt_memo *mm)
{
	if (!mm)
		return;
	/* In place: rebuilding a table of every element each build costs more
	 * than the build's few changes. A slot is looked at again after a
	 * removal, since a later entry may have moved into it. */
	for (size_t i = 0; i < mm->cap;) {
		if (mm->v[i].tag && mm->v[i].gen != mm->gen)
			delete_at(mm, i);
		else
			i++;
	}
}

void fmt_memo_counts(const fmt_memo *mm, size_t *hits, size_t *misses)
{
	*hits = mm ? mm->hits : 0;
	*misses = mm ? mm->misses : 0;
}

static uint64_t key_hash(const char *tag, const void *const *key, size_t n)
{
	uint64_t h = (uint64_t)(uintptr_t)tag * 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (uint64_t)(uintptr_t)key[i];
		h *= 0xBF58476D1CE4E5B9ULL;
		h ^= h >> 31;
	}
	return h;
}

static memo_entry *find(fmt_memo *mm, const char *tag, const void *const *key, size_t n, uint64_t h)
{
	if (!mm->cap)
		return NULL;
	for (size_t i = (size_t)h & (mm->cap - 1); mm->v[i].tag; i = (i + 1) & (mm->cap - 1)) {
		memo_entry *e = &mm->v[i];
		if (e->hash == h && e->tag == tag && e->nkey == n &&
		    memcmp(e->key, key, n * sizeof *key) == 0)
			return e;
	}
	return NULL;
}

/* Copies what the element writes into c->bytes as it goes on to out. */
static void tee_write(sink *s, const char *p, size_t n)
{
	fmt_chunk *c = s->target;
	buf_put(&c->bytes, p, n);
	c->saved.write(&c->saved, p, n);
}

/* Keeps what the element writes in c->bytes only: out takes the memo's
 * copy by reference at the end (sink.h's ref). */
static void capture_write(sink *s, const char *p, size_t n)
{
	fmt_chunk *c = s->target;
	buf_put(&c->bytes, p, n);
}

static bool chunk_begin(fmt_chunk *c, fmt_memo *mm, sink *out, const char *tag, const void **key,
                        size_t n, bool first)
{
	*c = (fmt_chunk){0};
	if (!mm || first) {
		free(key);
		return false;
	}
	uint64_t h = key_hash(tag, key, n);
	memo_entry *e = find(mm, tag, key, n, h);
	if (e) {
		free(key);
		e->gen = mm->gen;
		mm->hits++;
		sink_put_kept(out, e->bytes, e->len);
		return true;
	}
	mm->misses++;
	c->mm = mm;
	c->out = out;
	c->saved = *out;
	c->tag = tag;
	c->key = key;
	c->nkey = n;
	c->hash = h;
	out->write = sink_takes_refs(out) ? capture_write : tee_write;
	out->target = c;
	return false;
}

void fmt_chunk_end(fmt_chunk *c)
{
	if (!c->mm)
		return;
	fmt_memo *mm = c->mm;
	*c->out = c->saved; /* with any failure the element's writes met */
	if (mm->n + 1 > mm->cap / 2)
		rehash(mm, mm->cap ? mm->cap * 2 : 1024);
	size_t len = c->bytes.len;
	char *bytes = c->bytes.data ? buf_detach(&c->bytes) : xstrdup("");
	insert(mm->v, mm->cap, (memo_entry){c->tag, c->key, c->nkey, c->hash, bytes, len, mm->gen});
	mm->n++;
	if (sink_takes_refs(c->out)) /* captured only: the memo's copy is the one */
		sink_put_kept(c->out, bytes, len);
	*c = (fmt_chunk){0};
}

/* The records of study s: its reports, in order. */
static const void **study_key(const model *m, const study *st, size_t extra, size_t *n)
{
	const void **key = xcalloc(st->nreports + extra, sizeof *key);
	for (size_t k = 0; k < st->nreports; k++)
		key[extra + k] = m->recs[st->reports[k]];
	*n = st->nreports + extra;
	return key;
}

bool fmt_chunk_record(fmt_chunk *c, const model *m, sink *out, const char *tag, size_t i,
                      bool first, uint64_t salt)
{
	if (!m->memo || first) {
		*c = (fmt_chunk){0};
		return false;
	}
	size_t n;
	const void **key = study_key(m, &m->studies[m->study_of[i]], 2, &n);
	key[0] = m->recs[i];
	key[1] = (const void *)(uintptr_t)salt;
	return chunk_begin(c, m->memo, out, tag, key, n, first);
}

bool fmt_chunk_study(fmt_chunk *c, const model *m, sink *out, const char *tag, size_t s, bool first)
{
	if (!m->memo || first) {
		*c = (fmt_chunk){0};
		return false;
	}
	size_t n;
	const void **key = study_key(m, &m->studies[s], 0, &n);
	return chunk_begin(c, m->memo, out, tag, key, n, first);
}
