#define _GNU_SOURCE /* renameat2 */
#include "site/inplace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/util.h"
#include "site/output.h"

typedef enum ip_kind { IP_WRITE, IP_KEEP, IP_REMOVE } ip_kind;

typedef struct ip_file {
	char *rel;
	/* IP_WRITE: the bytes, in pieces: the writer's own copies, or bytes a
	 * stream took by reference (sink_put_kept), kept by their owner until
	 * the commit. */
	sink_segs segs;
	ip_kind kind;
	/* A streamed file is prepared as soon as it is closed: its bytes
	 * compared with the site's copy, and when they differ written to a
	 * hidden temporary name in its folder (dir), which the commit only
	 * renames over the file and an abort removes. */
	enum { PREP_NONE, PREP_SAME, PREP_TEMP } prep;
	int dir;
	char *tmp;
	/* With a state: the bytes' fingerprint (streamed files), and the file
	 * as it is once they are known in it (have_st). */
	bool have_fp, have_st;
	bool unread; /* known unchanged or changed by its fingerprint */
	uint64_t fp, shape;
	struct stat st;
} ip_file;

/* A streamed file as serve last wrote or found it. */
typedef struct ip_known {
	char *rel;
	uint64_t fp, shape;
	struct stat st;
} ip_known;

struct inplace_state {
	ip_known *known;
	size_t nknown;
	int *old; /* old files removed but held open */
	size_t nold, capold;
	ip_file *later; /* the last commit's files, freed by the sweep */
	size_t nlater;
	/* Their lists of pieces, emptied, for the next build's streamed files:
	 * a data file is ten thousand pieces, whose list grown anew in every
	 * build cost page faults. */
	sink_seg *pool[16];
	size_t poolcap[16];
	size_t npool;
	size_t unread; /* the last commit's files known unchanged unread */
};

struct inplace {
	int root; /* the site's folder */
	pthread_mutex_t lock;
	ip_file *files;
	size_t n, cap;
	size_t count;         /* written or kept */
	inplace_state *state; /* NULL: none */
};

struct inplace_stream {
	char *rel;
	sink_segs segs;
	sink s;
};

inplace *inplace_begin(const char *target)
{
	int root = open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return NULL;
	struct stat st;
	if (fstatat(root, OUT_MARKER, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
		close(root);
		return NULL;
	}
	inplace *w = xcalloc(1, sizeof *w);
	w->root = root;
	pthread_mutex_init(&w->lock, NULL);
	return w;
}

static void push(inplace *w, ip_file f)
{
	pthread_mutex_lock(&w->lock);
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->files = xrealloc(w->files, w->cap * sizeof *w->files);
	}
	w->files[w->n++] = f;
	w->count += f.kind != IP_REMOVE;
	pthread_mutex_unlock(&w->lock);
}

static bool checked(const char *rel, diag *d)
{
	if (out_safe_relpath(rel))
		return true;
	diag_error(d, "", 0, 0, "refusing to write outside the output folder: \"%s\"", rel);
	return false;
}

int inplace_write(inplace *w, const char *rel, const void *data, size_t len, diag *d)
{
	if (!checked(rel, d))
		return -1;
	ip_file f = {.rel = xstrdup(rel), .kind = IP_WRITE};
	sink s = sink_for_segs(&f.segs);
	sink_put(&s, data, len);
	sink_segs_end(&f.segs);
	push(w, f);
	return 0;
}

inplace_stream *inplace_open(inplace *w, const char *rel, diag *d)
{
	if (!checked(rel, d))
		return NULL;
	inplace_stream *f = xcalloc(1, sizeof *f);
	f->rel = xstrdup(rel);
	pthread_mutex_lock(&w->lock);
	inplace_state *st = w->state;
	if (st && st->npool) { /* the largest list kept */
		size_t best = 0;
		for (size_t i = 1; i < st->npool; i++)
			if (st->poolcap[i] > st->poolcap[best])
				best = i;
		f->segs.v = st->pool[best];
		f->segs.cap = st->poolcap[best];
		st->npool--;
		st->pool[best] = st->pool[st->npool];
		st->poolcap[best] = st->poolcap[st->npool];
	}
	pthread_mutex_unlock(&w->lock);
	return f;
}

sink *inplace_stream_sink(inplace_stream *f)
{
	f->s = sink_for_segs(&f->segs);
	return &f->s;
}

/* Puts the file tmp in leaf's place: exchanged with the old file, which is
 * then removed, rather than renamed over it. ext4 writes a file renamed
 * over another to disk at once (auto_da_alloc), which for the data files'
 * tens of megabytes stalls the commit; an exchange is not held up. Either
 * way a reader sees the old file or the new one. With a state the old
 * file's name goes at once but the file is held open until
 * inplace_state_sweep: freeing the blocks and cached pages of tens of
 * megabytes, which closing its last reference does, costs milliseconds. */
static int swap_in(inplace *w, int dir, const char *tmp, const char *leaf)
{
	if (renameat2(dir, tmp, dir, leaf, RENAME_EXCHANGE) == 0) {
		/* tmp is the old file now. */
		int keep = w->state ? openat(dir, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
		unlinkat(dir, tmp, 0);
		if (keep < 0)
			return 0;
		pthread_mutex_lock(&w->lock); /* closed by inplace_state_sweep */
		inplace_state *st = w->state;
		if (st->nold == st->capold) {
			st->capold = st->capold ? st->capold * 2 : 16;
			st->old = xrealloc(st->old, st->capold * sizeof *st->old);
		}
		st->old[st->nold++] = keep;
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	if (errno == ENOENT || errno == EINVAL || errno == ENOSYS)
		return renameat(dir, tmp, dir, leaf); /* no old file, or no exchange */
	return -1;
}

static int write_segs(int fd, const ip_file *f);
static bool same_bytes(int dir, const char *leaf, const ip_file *f, struct stat *st);
static int open_parent(const inplace *w, const char *rel, bool create, const char **leaf);

/* Writes f's bytes to a fresh hidden temporary name beside leaf in dir.
 * Returns that name, or NULL (errno set, nothing left behind). */
static char *write_temp(int dir, const char *leaf, const ip_file *f)
{
	char *tmp = xasprintf(".%s.tmp-%ld", leaf, (long)getpid());
	unlinkat(dir, tmp, 0); /* a leftover of a killed run */
	int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int rc = fd < 0 ? -1 : write_segs(fd, f);
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	if (rc != 0) {
		int e = errno;
		unlinkat(dir, tmp, 0);
		free(tmp);
		errno = e;
		return NULL;
	}
	return tmp;
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec &&
	       a->st_mode == b->st_mode;
}

/* What w's state knows of leaf in dir (f's file): when it is still the
 * file serve last wrote or found there, KNOWN_SAME if it holds f's bytes
 * (the same fingerprint as then), KNOWN_CHANGED if it certainly does not
 * (another fingerprint of the same shape); else UNKNOWN. Sets f->st. */
typedef enum { UNKNOWN, KNOWN_SAME, KNOWN_CHANGED } known_t;
static known_t known(const inplace *w, ip_file *f, int dir, const char *leaf)
{
	if (!f->have_fp)
		return UNKNOWN;
	const ip_known *k = NULL;
	for (size_t i = 0; i < w->state->nknown && !k; i++)
		if (strcmp(w->state->known[i].rel, f->rel) == 0)
			k = &w->state->known[i];
	if (!k || (k->fp != f->fp && k->shape != f->shape) ||
	    fstatat(dir, leaf, &f->st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(f->st.st_mode) ||
	    !same_stat(&f->st, &k->st))
		return UNKNOWN;
	return k->fp == f->fp ? KNOWN_SAME : KNOWN_CHANGED;
}

/* Prepares a streamed file (see ip_file); when its folder does not exist
 * yet, or anything fails, the commit does it all. */
static void prepare(const inplace *w, ip_file *f)
{
	const char *leaf;
	int dir = open_parent(w, f->rel, false, &leaf);
	if (dir < 0)
		return;
	if (w->state) {
		f->fp = sink_segs_fingerprint(&f->segs, &f->shape);
		f->have_fp = true;
	}
	known_t k = known(w, f, dir, leaf);
	f->unread = k != UNKNOWN;
	if (k == KNOWN_SAME || (k == UNKNOWN && same_bytes(dir, leaf, f, &f->st))) {
		f->prep = PREP_SAME;
		f->have_st = true;
		close(dir);
		return;
	}
	char *tmp = write_temp(dir, leaf, f);
	if (!tmp) {
		close(dir);
		return;
	}
	f->prep = PREP_TEMP;
	f->dir = dir;
	f->tmp = tmp;
}

int inplace_close(inplace *w, inplace_stream *f, diag *d)
{
	(void)d;
	sink_segs_end(&f->segs);
	ip_file file = {.rel = f->rel, .segs = f->segs, .kind = IP_WRITE};
	prepare(w, &file);
	push(w, file);
	free(f);
	return 0;
}

/* Opens the folder holding rel's last part, one part at a time from the
 * site's folder, following no links; creates missing folders when asked.
 * Returns the folder and sets *leaf, or -1. */
static int open_parent(const inplace *w, const char *rel, bool create, const char **leaf)
{
	int dir = dup(w->root);
	const char *p = rel;
	for (const char *slash; dir >= 0 && (slash = strchr(p, '/'));) {
		char *part = xstrndup(p, (size_t)(slash - p));
		int next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create && mkdirat(dir, part, 0755) == 0)
			next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(part);
		close(dir);
		dir = next;
		p = slash + 1;
	}
	*leaf = p;
	return dir;
}

int inplace_keep(inplace *w, const char *rel)
{
	if (!out_safe_relpath(rel))
		return -1;
	const char *leaf;
	int dir = open_parent(w, rel, false, &leaf);
	if (dir < 0)
		return -1;
	struct stat st;
	int ok = fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
	close(dir);
	if (!ok)
		return -1;
	push(w, (ip_file){.rel = xstrdup(rel), .kind = IP_KEEP});
	return 0;
}

void inplace_remove(inplace *w, const char *rel)
{
	if (out_safe_relpath(rel))
		push(w, (ip_file){.rel = xstrdup(rel), .kind = IP_REMOVE});
}

/* Whether the file leaf in dir holds exactly f's bytes; *st: the file. */
static bool same_bytes(int dir, const char *leaf, const ip_file *f, struct stat *st)
{
	int fd = openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool same =
	    fstat(fd, st) == 0 && S_ISREG(st->st_mode) && (size_t)st->st_size == f->segs.len;
	char chunk[65536];
	for (size_t i = 0; same && i < f->segs.n; i++) {
		const sink_seg *g = &f->segs.v[i];
		for (size_t off = 0; same && off < g->len;) {
			size_t want = g->len - off < sizeof chunk ? g->len - off : sizeof chunk;
			ssize_t r = read(fd, chunk, want);
			if (r <= 0 || memcmp(chunk, g->p + off, (size_t)r) != 0)
				same = false;
			else
				off += (size_t)r;
		}
	}
	close(fd);
	return same;
}

/* Writes every segment, many to a system call. */
static int write_segs(int fd, const ip_file *f)
{
	enum { BATCH = 512 };
	struct iovec iov[BATCH];
	const sink_seg *v = f->segs.v;
	size_t nsegs = f->segs.n;
	size_t i = 0, skip = 0; /* bytes of v[i] already written */
	while (i < nsegs) {
		int n = 0;
		for (size_t k = i; k < nsegs && n < BATCH; k++) {
			size_t off = k == i ? skip : 0;
			iov[n].iov_base = (void *)(v[k].p + off);
			iov[n].iov_len = v[k].len - off;
			n++;
		}
		ssize_t r = writev(fd, iov, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		size_t done = (size_t)r;
		while (i < nsegs && done >= v[i].len - skip) {
			done -= v[i].len - skip;
			skip = 0;
			i++;
		}
		skip += done;
		if (r == 0 && i < nsegs)
			return -1;
	}
	return 0;
}

/* Writes f if its bytes changed: a hidden temporary name, then renamed
 * over the old file. Returns 1 written, 0 unchanged, -1 after reporting. */
static int put(inplace *w, ip_file *f, diag *d)
{
	if (f->prep == PREP_SAME)
		return 0;
	if (f->prep == PREP_TEMP) {
		const char *slash = strrchr(f->rel, '/');
		const char *leaf = slash ? slash + 1 : f->rel;
		int rc = swap_in(w, f->dir, f->tmp, leaf);
		if (rc != 0) {
			diag_error(d, "", 0, 0, "cannot write %s in the site: %s", f->rel,
			           strerror(errno));
			unlinkat(f->dir, f->tmp, 0);
		} else {
			f->have_st = fstatat(f->dir, leaf, &f->st, AT_SYMLINK_NOFOLLOW) == 0;
		}
		close(f->dir);
		free(f->tmp);
		f->tmp = NULL;
		f->prep = PREP_NONE;
		return rc == 0 ? 1 : -1;
	}
	const char *leaf;
	int dir = open_parent(w, f->rel, true, &leaf);
	if (dir < 0) {
		diag_error(d, "", 0, 0, "cannot write %s in the site: %s", f->rel, strerror(errno));
		return -1;
	}
	if (same_bytes(dir, leaf, f, &f->st)) {
		f->have_st = true;
		close(dir);
		return 0;
	}
	char *tmp = write_temp(dir, leaf, f);
	int rc = tmp ? 0 : -1;
	if (rc == 0 && swap_in(w, dir, tmp, leaf) != 0)
		rc = -1;
	if (rc == 0)
		f->have_st = fstatat(dir, leaf, &f->st, AT_SYMLINK_NOFOLLOW) == 0;
	if (rc != 0) {
		diag_error(d, "", 0, 0, "cannot write %s in the site: %s", f->rel, strerror(errno));
		if (tmp)
			unlinkat(dir, tmp, 0);
	}
	free(tmp);
	close(dir);
	return rc == 0 ? 1 : -1;
}

/* Removes rel, then its folders while they are empty. */
static void drop(inplace *w, const char *rel)
{
	char *path = xstrdup(rel);
	for (bool file = true;; file = false) {
		const char *leaf;
		int dir = open_parent(w, path, false, &leaf);
		if (dir < 0)
			break;
		int r = unlinkat(dir, leaf, file ? 0 : AT_REMOVEDIR);
		close(dir);
		char *slash = strrchr(path, '/');
		if ((r != 0 && !(file && errno == ENOENT)) || !slash)
			break;
		*slash = '\0';
	}
	free(path);
}

/* Frees files[0..n), removing the temporary file of one never renamed in
 * (an abort); the longest lists of pieces go to pool when there is one. */
static void entries_free(ip_file *files, size_t n, inplace_state *pool)
{
	for (size_t i = 0; i < n; i++) {
		ip_file *f = &files[i];
		enum { BIG = 1024 };
		if (pool && f->segs.cap >= BIG &&
		    pool->npool < sizeof pool->pool / sizeof *pool->pool) {
			for (size_t k = 0; k < f->segs.n; k++)
				if (f->segs.v[k].owned)
					free((char *)f->segs.v[k].p);
			pool->pool[pool->npool] = f->segs.v;
			pool->poolcap[pool->npool++] = f->segs.cap;
			f->segs.v = NULL;
			f->segs.n = f->segs.cap = 0;
		}
		if (f->prep == PREP_TEMP) { /* aborted: never renamed in */
			unlinkat(f->dir, f->tmp, 0);
			close(f->dir);
			free(f->tmp);
			f->prep = PREP_NONE;
		}
		free(f->rel);
		sink_segs_free(&f->segs);
	}
	free(files);
}

static void files_free(inplace *w)
{
	entries_free(w->files, w->n, NULL);
	pthread_mutex_destroy(&w->lock);
	close(w->root);
	free(w);
}

/* One of the threads writing the files: takes the next file until none
 * is left. */
typedef struct putter {
	inplace *w;
	size_t *next; /* shared, under w->lock */
	diag *d;
	int rc;
} putter;

static void *putter_run(void *arg)
{
	putter *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->w->lock);
		size_t i = (*p->next)++;
		pthread_mutex_unlock(&p->w->lock);
		if (i >= p->w->n)
			return NULL;
		if (p->w->files[i].kind == IP_WRITE && put(p->w, &p->w->files[i], p->d) < 0)
			p->rc = -1;
	}
}

static void known_clear(inplace_state *s)
{
	for (size_t i = 0; i < s->nknown; i++)
		free(s->known[i].rel);
	free(s->known);
	s->known = NULL;
	s->nknown = 0;
}

/* Keeps what the commit left in each streamed file; after a failure,
 * nothing (the files may be anything). */
static void remember(inplace_state *s, const inplace *w, bool ok)
{
	s->unread = 0;
	if (!ok) {
		known_clear(s);
		return;
	}
	for (size_t i = 0; i < w->n; i++) {
		const ip_file *f = &w->files[i];
		if (f->kind != IP_WRITE || !f->have_fp)
			continue;
		s->unread += f->unread;
		ip_known *k = NULL;
		for (size_t j = 0; j < s->nknown && !k; j++)
			if (strcmp(s->known[j].rel, f->rel) == 0)
				k = &s->known[j];
		if (!k) {
			s->known = xrealloc(s->known, (s->nknown + 1) * sizeof *s->known);
			k = &s->known[s->nknown++];
			*k = (ip_known){.rel = xstrdup(f->rel)};
		}
		k->fp = f->fp;
		k->shape = f->shape;
		k->st = f->st;
		if (!f->have_st) { /* matches no file: compared next time */
			k->st.st_ino = 0;
			k->st.st_mode = 0;
		}
	}
}

int inplace_commit(inplace *w, diag *d)
{
	/* Two threads: the data files run to tens of megabytes, and writing
	 * them is the kernel copying bytes, which a second core halves. */
	size_t next = 0;
	putter a = {w, &next, d, 0}, b = {w, &next, diag_new(), 0};
	pthread_t tid;
	bool two = pthread_create(&tid, NULL, putter_run, &b) == 0;
	putter_run(&a);
	if (two)
		pthread_join(tid, NULL);
	else
		putter_run(&b);
	diag_merge(d, b.d);
	diag_free(b.d);
	int rc = a.rc | b.rc;
	for (size_t i = 0; rc == 0 && i < w->n; i++)
		if (w->files[i].kind == IP_REMOVE)
			drop(w, w->files[i].rel);
	if (w->state) {
		remember(w->state, w, rc == 0);
		/* Their memory too goes after the rebuild is reported (every
		 * file was put: no temporary one is left): freeing many pieces
		 * at once costs the allocator a millisecond. */
		entries_free(w->state->later, w->state->nlater, w->state);
		w->state->later = w->files;
		w->state->nlater = w->n;
		w->files = NULL;
		w->n = 0;
	}
	files_free(w);
	return rc;
}

void inplace_abort(inplace *w)
{
	if (w)
		files_free(w);
}

inplace_state *inplace_state_new(void)
{
	return xcalloc(1, sizeof(inplace_state));
}

void inplace_state_sweep(inplace_state *s)
{
	for (size_t i = 0; i < s->nold; i++)
		close(s->old[i]);
	s->nold = 0;
	entries_free(s->later, s->nlater, s);
	s->later = NULL;
	s->nlater = 0;
}

void inplace_state_free(inplace_state *s)
{
	if (!s)
		return;
	inplace_state_sweep(s);
	free(s->old);
	known_clear(s);
	for (size_t i = 0; i < s->npool; i++)
		free(s->pool[i]);
	free(s);
}

size_t inplace_state_unread(const inplace_state *s)
{
	return s->unread;
}

void inplace_use(inplace *w, inplace_state *s)
{
	inplace_state_sweep(s);
	w->state = s;
}

size_t inplace_count(const inplace *w)
{
	return w->count;
}
