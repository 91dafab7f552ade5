/* rules: what one record must be, checked on a rec_src whoever made it
 * (the YAML reader, an importer, `gapmap new`): required fields, ranges,
 * the type list, DOI and URL forms, the date, facet codes against
 * site.yaml and findings against the record's own codes. Checks across
 * records (duplicate DOIs, links between reports) belong to model.
 *
 * A draft (`draft: true`) may leave out the codes site.yaml requires.
 *
 * Ownership: rec_check reads src and returns a new record the caller
 * releases with rec_free (load/record.h), or NULL after reporting. */
#ifndef GM_RULES_H
#define GM_RULES_H

#include "core/diag.h"
#include "load/config.h"
#include "load/record.h"

record *rec_check(const cfg_site *site, const rec_src *src, diag *d);

/* The record types, in the order messages list them; the first ("article")
 * is a record's type when it gives none. */
extern const char *const rec_types[];
extern const size_t rec_ntypes;

#endif
