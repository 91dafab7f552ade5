/* yaml_write: the one writer of YAML, for records made by `gapmap new` and
 * by the importers. Whatever a string holds (quotes, colons, a leading
 * dash, "yes", "2020", line breaks, any UTF-8), it is written so that
 * load/yml reads back exactly that string: plain when that is safe,
 * double-quoted with escapes otherwise. Invalid UTF-8 becomes U+FFFD.
 *
 * Ownership: everything is appended to a caller's buf; nothing is kept. */
#ifndef GM_YAML_WRITE_H
#define GM_YAML_WRITE_H

#include <stdbool.h>

#include "core/util.h"
#include "load/config.h"
#include "load/record.h"

/* One scalar, plain or double-quoted. */
void yw_scalar(buf *b, const char *s);
/* True when s may be written plain (unquoted) and read back as itself. */
bool yw_plain_ok(const char *s);
/* "# text", line breaks and control characters made spaces. */
void yw_comment(buf *b, const char *text);
/* "key: value" (value NULL: "key:" with nothing after, read back as null). */
void yw_field(buf *b, const char *key, const char *value);
/* "key: [a, b]" in flow style. */
void yw_list(buf *b, const char *key, char *const *items, size_t n);

/* A whole record: the fields of rec_keys order that are set, then each
 * facet's codes (a list when the facet takes several), then findings. */
void yw_record(buf *b, const cfg_site *site, const rec_src *s);

/* What `gapmap new` writes: every field empty, each facet with a comment
 * naming its codes. */
void yw_blank_record(buf *b, const cfg_site *site);

#endif
