#include "formats/memo.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* One element: its key (records and salt) in its list's pool, its bytes. */
typedef struct memo_el {
	size_t key, nkey; /* offset in the pool, count */
	char *bytes;      /* NULL once taken into the current build */
	size_t len;
	uint64_t hash; /* sink_hash of bytes */
} memo_el;

/* A build's elements of one loop, in the order written. */
typedef struct el_list {
	memo_el *v;
	size_t n, cap;
	const void **keys;
	size_t nkeys, capkeys;
} el_list;

typedef struct memo_loop {
	const char *tag;
	el_list old; /* the last build's */
	el_list cur; /* this build's so far */
	size_t next; /* in old: where the next element is looked for first */
	/* old's positions + 1 by their first key, open addressing; made the
	 * first time a build looks beyond next (icap 0: not made yet). */
	uint32_t *index;
	size_t icap;
} memo_loop;

struct fmt_memo {
	memo_loop *loops;
	size_t nloops;
	memo_loop *last;      /* the loop of the last element */
	const void **scratch; /* the key being looked up */
	size_t capscratch;
	/* This build's records of every study (its reports'), made at its
	 * first element: a study's key is then read in order, not gathered
	 * from the model's arrays again in each of the data files' loops. */
	const study *studies; /* the model's they are of; NULL: not made */
	size_t nstudies;
	const void **skeys; /* study s: skeys[soff[s] .. soff[s + 1]) */
	size_t *soff;
	size_t hits, misses;
};

fmt_memo *fmt_memo_new(void)
{
	return xcalloc(1, sizeof(fmt_memo));
}

static void list_clear(el_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].bytes);
	l->n = l->nkeys = 0;
}

static void list_free(el_list *l)
{
	list_clear(l);
	free(l->v);
	free(l->keys);
	*l = (el_list){0};
}

void fmt_memo_clear(fmt_memo *mm)
{
	for (size_t i = 0; i < mm->nloops; i++) {
		list_free(&mm->loops[i].old);
		list_free(&mm->loops[i].cur);
		free(mm->loops[i].index);
	}
	free(mm->loops);
	mm->loops = NULL;
	mm->nloops = 0;
	mm->last = NULL;
}

void fmt_memo_free(fmt_memo *mm)
{
	if (!mm)
		return;
	fmt_memo_clear(mm);
	free(mm->scratch);
	free(mm->skeys);
	free(mm->soff);
	free(mm);
}

void fmt_memo_begin_build(fmt_memo *mm)
{
	if (!mm)
		return;
	mm->hits = mm->misses = 0;
	mm->studies = NULL; /* the records may differ now */
	for (size_t i = 0; i < mm->nloops; i++) {
		mm->loops[i].next = 0;
		free(mm->loops[i].index);
		mm->loops[i].index = NULL;
		mm->loops[i].icap = 0;
	}
}

void fmt_memo_end_build(fmt_memo *mm)
{
	if (!mm)
		return;
	/* What this build wrote becomes the last build's; the rest (bytes not
	 * taken) is forgotten, and its lists are reused for the next build. */
	for (size_t i = 0; i < mm->nloops; i++) {
		memo_loop *l = &mm->loops[i];
		list_clear(&l->old);
		el_list spare = l->old;
		l->old = l->cur;
		l->cur = spare;
		free(l->index);
		l->index = NULL;
		l->icap = 0;
	}
}

void fmt_memo_counts(const fmt_memo *mm, size_t *hits, size_t *misses)
{
	*hits = mm ? mm->hits : 0;
	*misses = mm ? mm->misses : 0;
}

static memo_loop *loop_of(fmt_memo *mm, const char *tag)
{
	if (mm->last && mm->last->tag == tag)
		return mm->last;
	for (size_t i = 0; i < mm->nloops; i++)
		if (mm->loops[i].tag == tag)
			return mm->last = &mm->loops[i];
	mm->loops = xrealloc(mm->loops, (mm->nloops + 1) * sizeof *mm->loops);
	mm->loops[mm->nloops] = (memo_loop){.tag = tag};
	return mm->last = &mm->loops[mm->nloops++];
}

static uint64_t ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 29);
}

static void index_make(memo_loop *l)
{
	size_t cap = 64;
	while (cap < 2 * l->old.n)
		cap *= 2;
	l->index = xcalloc(cap, sizeof *l->index);
	l->icap = cap;
	for (size_t p = 0; p < l->old.n; p++) {
		const memo_el *e = &l->old.v[p];
		if (!e->nkey)
			continue;
		size_t i = (size_t)ptr_hash(l->old.keys[e->key]) & (cap - 1);
		while (l->index[i])
			i = (i + 1) & (cap - 1);
		l->index[i] = (uint32_t)(p + 1);
	}
}

/* Whether old element p is key and not taken yet. */
static bool matches(const memo_loop *l, size_t p, const void *const *key, size_t n)
{
	const memo_el *e = &l->old.v[p];
	return e->bytes && e->nkey == n && memcmp(l->old.keys + e->key, key, n * sizeof *key) == 0;
}

/* Where the last build's loop has key, or SIZE_MAX. */
static size_t locate(memo_loop *l, const void *const *key, size_t n)
{
	enum { AHEAD = 8 };
	for (size_t p = l->next; p < l->old.n && p <= l->next + AHEAD; p++)
		if (matches(l, p, key, n))
			return p;
	if (!n || l->old.n == 0 || l->old.n >= UINT32_MAX)
		return SIZE_MAX;
	if (!l->icap)
		index_make(l);
	for (size_t i = (size_t)ptr_hash(key[0]) & (l->icap - 1); l->index[i];
	     i = (i + 1) & (l->icap - 1))
		if (matches(l, l->index[i] - 1, key, n))
			return l->index[i] - 1;
	return SIZE_MAX;
}

static size_t keys_add(el_list *cur, const void *const *key, size_t n)
{
	if (cur->nkeys + n > cur->capkeys) {
		cur->capkeys = cur->capkeys ? cur->capkeys * 2 : 1024;
		while (cur->capkeys < cur->nkeys + n)
			cur->capkeys *= 2;
		cur->keys = xrealloc(cur->keys, cur->capkeys * sizeof *cur->keys);
	}
	if (n)
		memcpy(cur->keys + cur->nkeys, key, n * sizeof *key);
	cur->nkeys += n;
	return cur->nkeys - n;
}

static void el_add(el_list *cur, memo_el e)
{
	if (cur->n == cur->cap) {
		cur->cap = cur->cap ? cur->cap * 2 : 1024;
		cur->v = xrealloc(cur->v, cur->cap * sizeof *cur->v);
	}
	cur->v[cur->n++] = e;
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

/* key: mm->scratch[0..n). */
static bool chunk_begin(fmt_chunk *c, fmt_memo *mm, sink *out, const char *tag, size_t n)
{
	*c = (fmt_chunk){0};
	const void *const *key = mm->scratch;
	memo_loop *l = loop_of(mm, tag);
	size_t p = locate(l, key, n);
	if (p != SIZE_MAX) {
		memo_el *e = &l->old.v[p];
		memo_el moved = *e;
		moved.key = keys_add(&l->cur, key, n);
		el_add(&l->cur, moved);
		e->bytes = NULL; /* the current build's now */
		l->next = p + 1;
		mm->hits++;
		sink_put_kept_hashed(out, moved.bytes, moved.len, moved.hash);
		return true;
	}
	mm->misses++;
	c->mm = mm;
	c->out = out;
	c->saved = *out;
	c->loop = (size_t)(l - mm->loops);
	c->key = keys_add(&l->cur, key, n);
	c->nkey = n;
	out->write = sink_takes_refs(out) ? capture_write : tee_write;
	out->target = c;
	return false;
}

void fmt_chunk_end(fmt_chunk *c)
{
	if (!c->mm)
		return;
	*c->out = c->saved; /* with any failure the element's writes met */
	size_t len = c->bytes.len;
	char *bytes = c->bytes.data ? buf_detach(&c->bytes) : xstrdup("");
	uint64_t hash = sink_hash(bytes, len);
	el_add(&c->mm->loops[c->loop].cur, (memo_el){c->key, c->nkey, bytes, len, hash});
	if (sink_takes_refs(c->out)) /* captured only: the memo's copy is the one */
		sink_put_kept_hashed(c->out, bytes, len, hash);
	*c = (fmt_chunk){0};
}

/* The records of every study of m, in the memo (see studies). */
static void study_keys_make(fmt_memo *mm, const model *m)
{
	size_t total = 0;
	for (size_t s = 0; s < m->nstudies; s++)
		total += m->studies[s].nreports;
	free(mm->skeys);
	free(mm->soff);
	mm->skeys = xcalloc(total ? total : 1, sizeof *mm->skeys);
	mm->soff = xcalloc(m->nstudies + 1, sizeof *mm->soff);
	size_t n = 0;
	for (size_t s = 0; s < m->nstudies; s++) {
		const study *st = &m->studies[s];
		mm->soff[s] = n;
		for (size_t k = 0; k < st->nreports; k++)
			mm->skeys[n++] = m->recs[st->reports[k]];
	}
	mm->soff[m->nstudies] = n;
	mm->studies = m->studies;
	mm->nstudies = m->nstudies;
}

/* The records of study s (its reports, in order) after extra slots, in
 * mm's scratch. */
static size_t study_key(fmt_memo *mm, const model *m, size_t s, size_t extra)
{
	if (mm->studies != m->studies || mm->nstudies != m->nstudies)
		study_keys_make(mm, m);
	size_t nr = mm->soff[s + 1] - mm->soff[s];
	size_t n = nr + extra;
	if (n > mm->capscratch || !mm->scratch) {
		mm->capscratch = n < 16 ? 16 : 2 * n;
		mm->scratch = xrealloc(mm->scratch, mm->capscratch * sizeof *mm->scratch);
	}
	if (nr)
		memcpy(mm->scratch + extra, mm->skeys + mm->soff[s], nr * sizeof *mm->scratch);
	return n;
}

bool fmt_chunk_record(fmt_chunk *c, const model *m, sink *out, const char *tag, size_t i,
                      bool first, uint64_t salt)
{
	if (!m->memo || first) {
		*c = (fmt_chunk){0};
		return false;
	}
	size_t n = study_key(m->memo, m, m->study_of[i], 2);
	m->memo->scratch[0] = m->recs[i];
	m->memo->scratch[1] = (const void *)(uintptr_t)salt;
	return chunk_begin(c, m->memo, out, tag, n);
}

bool fmt_chunk_study(fmt_chunk *c, const model *m, sink *out, const char *tag, size_t s, bool first)
{
	if (!m->memo || first) {
		*c = (fmt_chunk){0};
		return false;
	}
	size_t n = study_key(m->memo, m, s, 0);
	return chunk_begin(c, m->memo, out, tag, n);
}
