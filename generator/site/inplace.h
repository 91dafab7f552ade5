/* inplace: updates a site gapmap wrote earlier where it stands, for the
 * incremental rebuilds of `gapmap serve` (plain builds use site/output.h,
 * which writes a whole new site and swaps it in).
 *
 * Nothing is written until inplace_commit: every file of the build is kept
 * in memory, so a build that fails (a broken edit) changes nothing and the
 * last good site stays served. (A streamed file, a data file, is compared
 * and written to a hidden temporary name in its folder as soon as it is
 * closed, off the commit's path; the commit renames it in, an abort
 * removes it; the server refuses hidden names.) The commit then writes only the files whose
 * bytes differ from the site's copy — each to a hidden temporary name in
 * its folder, then renamed over, so a reader sees the old file or the new
 * one, never half of one — and removes the files asked to go (pages that
 * no longer exist) with the folders they leave empty. Every other file
 * keeps its inode and modification time.
 *
 * The site is walked one folder at a time with O_NOFOLLOW from the site's
 * own folder: a symbolic link placed inside it is never written through.
 * Relative paths are checked as out_write checks them.
 *
 * inplace_write, inplace_open/close and inplace_keep may be called from
 * several threads at once.
 *
 * Ownership: inplace_begin returns a writer the caller ends with exactly
 * one of inplace_commit or inplace_abort, which free it. */
#ifndef GM_INPLACE_H
#define GM_INPLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/sink.h"

typedef struct inplace inplace;

/* The site at target, which must be a folder (not a link) holding gapmap's
 * marker file. NULL (nothing reported) when it is not: write a new site
 * instead. */
inplace *inplace_begin(const char *target);

/* Keeps a copy of one file's bytes for the commit. 0, or -1 after
 * reporting an unsafe path. */
int inplace_write(inplace *w, const char *rel, const void *data, size_t len, diag *d);

/* The same, streamed: the bytes go to memory through the sink, which also
 * takes bytes by reference (core/sink.h's sink_put_kept: formats/memo.h's,
 * which must then stay unchanged until the commit or abort). */
typedef struct inplace_stream inplace_stream;
inplace_stream *inplace_open(inplace *w, const char *rel, diag *d);
sink *inplace_stream_sink(inplace_stream *f);
int inplace_close(inplace *w, inplace_stream *f, diag *d);

/* The site's file rel stays as it is. 0, or -1 when the site has no such
 * regular file (then the caller produces it). */
int inplace_keep(inplace *w, const char *rel);

/* rel is to be removed at the commit, with the folders it leaves empty. */
void inplace_remove(inplace *w, const char *rel);

/* Writes what changed and removes what was asked. Returns 0, or -1 after
 * reporting (the site may then hold some new files: build it afresh). */
int inplace_commit(inplace *w, diag *d);
/* Forgets everything; the site stays as it was. */
void inplace_abort(inplace *w);

/* What `gapmap serve` keeps of its site from one in-place build to the
 * next (the caller owns it: site/incr.c's state; writers borrow it):
 *  - for each streamed file, the fingerprint of the bytes last written or
 *    found there (core/sink.h's sink_segs_fingerprint) and the file as it
 *    was then (device, inode, size, modification and change times): when
 *    a later build's bytes have that fingerprint and the file is still
 *    that file, it is known unchanged without reading it back (for a data
 *    file of tens of megabytes, most of the cost of learning so); with
 *    another fingerprint of the same shape (pieces of the same lengths),
 *    known changed, also unread. Anything else is compared as before;
 *  - the old files the last commit replaced: their names are gone with
 *    the commit, but they are held open until inplace_state_sweep, which
 *    the caller runs once the rebuild is reported, so that freeing tens of
 *    megabytes of blocks and cached pages (closing a removed file's last
 *    reference) is no part of the rebuild. The next writer's inplace_use
 *    and inplace_state_free sweep too; a process that ends frees them.
 *    The sweep also frees the writer's copies of the committed files and
 *    keeps their longest lists of pieces, emptied, for the next build's
 *    streamed files.
 * Used by one writer at a time. */
typedef struct inplace_state inplace_state;
inplace_state *inplace_state_new(void);
void inplace_state_sweep(inplace_state *s);
/* Sweeps, then frees; accepts NULL. */
void inplace_state_free(inplace_state *s);
/* Streamed files the last commit using s knew unchanged or changed by
 * their fingerprint, without reading the site's copy. */
size_t inplace_state_unread(const inplace_state *s);
/* w reads and updates s (sweeping it first); until then w compares every
 * streamed file and removes old files at once. */
void inplace_use(inplace *w, inplace_state *s);

/* Files written or kept so far. */
size_t inplace_count(const inplace *w);

#endif
