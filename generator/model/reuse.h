/* reuse: the model of a content folder built again after a few files
 * changed, for `gapmap serve`. Parsed records (note HTML included) and the
 * problems found while loading them are kept from one build to the next in
 * a rec_cache; a build reads again only the records whose files' finger-
 * prints changed, repeats the kept problems of the others, and builds the
 * rest of the model (studies, codes, cells, checks) afresh with
 * model_finish, which is cheap. The result equals model_open's.
 *
 * Only the common case is taken this way: studies/ a real folder holding
 * nothing but <id>.yaml records with valid ids and <id>.md notes of them
 * (so that no problem about file names can arise); anything else, or a
 * changed site.yaml (records hold indices into its facets), empties the
 * cache and loads everything (model_open).
 *
 * Ownership: the cache owns its records. A model from model_reopen borrows
 * them (model->borrowed) and must be freed with model_free before the next
 * model_reopen on the same cache or rec_cache_free — unless model->kept:
 * then the cache owns the model too (it is used again when the next build's
 * records differ in their text only), and the caller does not free it. */
#ifndef GM_REUSE_H
#define GM_REUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "model/model.h"

/* A regular file of studies/ (a record or note) and a fingerprint that
 * changes whenever the file does (size, inode, times). */
typedef struct model_file {
	char *name; /* "x.yaml", "x.md" */
	uint64_t fp;
} model_file;

typedef struct rec_cache rec_cache;

rec_cache *rec_cache_new(void);
void rec_cache_free(rec_cache *c);

/* Changes whenever the cache drops all its records (their memory may then
 * be reused for others): what formats/memo.h keys on is gone. */
unsigned long rec_cache_epoch(const rec_cache *c);

/* model_open, reusing c. files: every regular .yaml and .md file of
 * studies/, sorted by name; plain: studies/ is a folder (not a link)
 * holding nothing else but hidden names. *reread: record files read
 * (all of them when the cache could not be used). */
model *model_reopen(const char *content_dir, const model_opts *opts, rec_cache *c,
                    const model_file *files, size_t nfiles, bool plain, size_t *reread, diag *d);

#endif
