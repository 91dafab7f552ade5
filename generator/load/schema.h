/* schema: typed reads of fields from a YAML mapping, each reporting a
 * precise diagnostic (wrong type, missing, unknown key with "did you
 * mean") at the node's position. Used by every loader of content files so
 * that they all speak to authors the same way.
 *
 * Ownership: strings returned through out parameters are new copies the
 * caller frees; the yml tree is only read. */
#ifndef GM_SCHEMA_H
#define GM_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "load/yml.h"

/* Reports every key of map that is not in allowed (plus extra, a second
 * list that may be NULL, e.g. facet ids) with a "did you mean" hint.
 * what names the file kind for the message ("record", "site.yaml"). */
void schema_check_keys(const yml_node *map, const char *const *allowed, size_t n,
                       const char *const *extra, size_t nextra, const char *what, diag *d);

/* Each returns true when the field is present and valid; false when absent
 * (reporting "missing required field" when required) or invalid (always
 * reporting). *ok is cleared on any reported error. */
bool schema_string(const yml_node *map, const char *key, bool required, char **out,
                   bool *ok, diag *d);
bool schema_int(const yml_node *map, const char *key, bool required, long long min,
                long long max, long long *out, bool *ok, diag *d);
bool schema_bool(const yml_node *map, const char *key, bool *out, bool *ok, diag *d);
/* A date written YYYY-MM-DD, checked for a real calendar day. */
bool schema_date(const yml_node *map, const char *key, bool required, char **out, bool *ok,
                 diag *d);
/* Reports, at file:line:col, why value is not a date written YYYY-MM-DD
 * on a real calendar day; true when it is one. For checks of values that
 * did not come from a YAML node (records built by an importer). */
bool schema_check_date(const char *key, const char *value, const char *file, int line,
                       int col, diag *d);
/* A list of strings; a single string is accepted as a list of one. */
bool schema_strings(const yml_node *map, const char *key, bool required, char ***out,
                    size_t *n, bool *ok, diag *d);

/* The longest id schema_valid_id accepts. */
#define SCHEMA_ID_MAX 100

/* Ids: lower-case letters, digits and hyphens, not starting with a hyphen. */
bool schema_valid_id(const char *s);

void schema_free_strings(char **v, size_t n);

#endif
