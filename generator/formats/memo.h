/* memo: the bytes each element of a data file (one record, one study) came
 * to in the last build, so that `gapmap serve` writes the data files again
 * after a one-record change without producing every element anew: an
 * element whose records are the same objects as last time (the model's
 * records are kept between builds, model/reuse.h) is copied from the memo.
 *
 * A writer wraps each element of a loop:
 *
 *     fmt_chunk c;
 *     if (!fmt_chunk_record(&c, m, out, "csv", i)) {
 *         ... write record i to out ...
 *         fmt_chunk_end(&c);
 *     }
 *
 * With no memo (m->memo NULL: every plain build, and every page's own
 * templates) the element is written as always. An element's bytes may
 * depend only on the records it names (for a record: it and every report
 * of its study; for a study: its reports), the site's settings and its
 * place being first or not in its loop (first elements are never taken
 * from the memo, being the only ones written without a leading comma).
 *
 * Records are named by address, so the memo must be emptied whenever a
 * record it names may have been freed and its memory reused: the owner
 * (site/incr.c) empties it unless the records are the reuse cache's and
 * the cache kept them; fmt_memo_end_build forgets elements not written in
 * the build, whose records may be gone.
 *
 * A sink that takes bytes by reference (core/sink.h) gets the memo's own
 * copies, with their hash (sink_hash, computed once when the element is
 * written): they stay unchanged until the next build's fmt_memo_end_build,
 * fmt_memo_clear or fmt_memo_free.
 *
 * Each loop keeps its elements of the last build in loop order, and
 * element i is looked for where the last build had the element after the
 * one found before it, so that an unchanged loop costs one comparison of
 * keys per element; an element found elsewhere (records added, removed or
 * moved) is looked up by its first record.
 *
 * Used by one thread at a time (the data files are written in turn).
 * Ownership: fmt_memo_new's memo is freed with fmt_memo_free; the memo
 * owns copies of the bytes. */
#ifndef GM_MEMO_H
#define GM_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sink.h"
#include "model/model.h"

typedef struct fmt_memo fmt_memo;

fmt_memo *fmt_memo_new(void);
void fmt_memo_free(fmt_memo *mm);
/* Forgets everything. */
void fmt_memo_clear(fmt_memo *mm);
/* A build's data files start; at the end, elements not written in it are
 * forgotten. Both accept NULL. */
void fmt_memo_begin_build(fmt_memo *mm);
void fmt_memo_end_build(fmt_memo *mm);
/* Elements taken from the memo and written anew in this build. */
void fmt_memo_counts(const fmt_memo *mm, size_t *hits, size_t *misses);

/* One element being written. */
typedef struct fmt_chunk {
	fmt_memo *mm; /* NULL: nothing to record */
	sink *out;
	sink saved; /* out as it was; out now copies into bytes too */
	buf bytes;
	size_t loop;      /* its loop, in the memo's list */
	size_t key, nkey; /* its key in the loop's pool */
} fmt_chunk;

/* Element i of loop tag over m's records (keyed by the record and its
 * study's reports, and salt: any other number the element shows, such as
 * a running count); first: the loop's first element. True when its bytes
 * were written from the memo (skip it); else write it, then fmt_chunk_end.
 * tag is compared by address: one string literal per loop. */
bool fmt_chunk_record(fmt_chunk *c, const model *m, sink *out, const char *tag, size_t i,
                      bool first, uint64_t salt);
/* The same for study s (keyed by its reports). */
bool fmt_chunk_study(fmt_chunk *c, const model *m, sink *out, const char *tag, size_t s,
                     bool first);
void fmt_chunk_end(fmt_chunk *c);

#endif
