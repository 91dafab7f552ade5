/* output: writes a site into a fresh temporary folder beside the target
 * and swaps it into place only when everything was written, so a failed or
 * killed build never leaves a half-written site and stale files from
 * earlier builds disappear.
 *
 * Unchanged files keep their identity: a file whose bytes equal the current
 * site's copy is hard-linked from it into the new folder instead of being
 * written, so after the swap it has the same inode and modification time
 * (rsync and CDN uploads skip it). The current site is only read, never
 * changed, until the swap (renameat2 RENAME_EXCHANGE). The replaced site is
 * removed by a detached child process, off the build's critical path.
 * The replaced site is first renamed (synchronously) to .NAME.del-PID (or
 * .NAME.del-N-PID) of the building process, so the next build of the same
 * process can reuse its temporary name. Leftovers of killed builds
 * (.NAME.tmp-PID, .NAME.old-PID, .NAME.del-[N-]PID beside the target, whose
 * process is gone) are removed by the next build, renamed the same way
 * first, with the marker deleted last, so a removal killed part-way is
 * itself swept later.
 *
 * Safety: a target that exists must be empty or carry the marker file that
 * gapmap leaves in every site it writes; anything else is refused, so that
 * pointing -o at a project folder cannot delete it. Relative paths handed
 * to out_write are checked: no absolute paths, no "..", no empty parts.
 *
 * out_write may be called from several threads at once.
 *
 * Ownership: out_begin returns a writer the caller ends with exactly one of
 * out_commit or out_abort. */
#ifndef GM_OUTPUT_H
#define GM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/sink.h"

#define OUT_MARKER ".gapmap-site"

typedef struct out_writer out_writer;

/* Prepares a temporary folder beside target. protect, when not NULL, is a
 * folder the target must neither be nor contain (the content folder); both
 * are resolved ("content/_site/.." is the content folder) and checked
 * before anything is created. Returns NULL after reporting to d. */
out_writer *out_begin(const char *target, const char *protect, diag *d);

/* Writes one file at a relative path, creating folders. Returns 0 or -1
 * after reporting; a failure to write (a full disk) is reported once, and
 * every later write of this writer then fails silently. */
int out_write(out_writer *w, const char *rel, const void *data, size_t len, diag *d);

/* Streams one file of any size to disk: out_open creates rel in the new
 * site (NULL after reporting), the caller writes through out_stream_sink (see
 * core/sink.h), and out_close ends it, reporting a failed write once, and
 * keeping the current site's copy (inode and mtime) when the bytes are the
 * same. Every out_open needs its out_close. */
typedef struct out_stream out_stream;
out_stream *out_open(out_writer *w, const char *rel, diag *d);
sink *out_stream_sink(out_stream *f);
int out_close(out_writer *w, out_stream *f, diag *d);

/* Carries rel over from the current site unchanged (a hard link: same
 * inode and modification time) without its bytes being produced again;
 * for incremental rebuilds. Returns 0, or -1 when the current site has no
 * such regular file or it cannot be linked (then the caller writes it);
 * nothing is reported. */
int out_carry(out_writer *w, const char *rel);

/* Copies a folder tree (theme assets) to rel inside the output. Nothing
 * outside src is ever read: every entry is opened relative to its folder
 * with O_NOFOLLOW, symbolic links (src itself included) are skipped with a
 * warning, and devices, FIFOs and sockets are skipped. A missing src is no
 * error. Returns 0 or -1 after reporting. */
int out_copy_tree(out_writer *w, const char *src, const char *rel, diag *d);

bool out_safe_relpath(const char *rel);

/* Swaps the new site into place and removes the old one. */
int out_commit(out_writer *w, diag *d);
/* Removes the temporary folder; the previous site stays as it was. */
void out_abort(out_writer *w);

/* Files written so far, and how many of them were kept unchanged. */
size_t out_count(const out_writer *w);
size_t out_kept(const out_writer *w);

#endif
