/* eppi: reads the EPPI-Reviewer JSON export (the file EPPI-Mapper reads):
 * its code sets (trees of attributes) and its references with the
 * AttributeIds coded on each. Parsed with load/yml (JSON is YAML); junk
 * code entries ("AttributeId": [], codes not in any set) are reported and
 * dropped. Also plans facets from the code tree: a code set, or a
 * top-level code with children, becomes a facet — groups and codes from
 * its children, ids from names, AttributeIds kept as provenance.
 *
 * Ownership: eppi_codes owns its tree (eppi_codes_free); a facet plan owns
 * its strings (eppi_plan_free); refs are appended to the caller's list. */
#ifndef GM_IMPORT_EPPI_H
#define GM_IMPORT_EPPI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/util.h"
#include "import/ref.h"

typedef struct eppi_attr {
	char *id; /* AttributeId, as text */
	char *name;
	struct eppi_attr *kids;
	size_t nkids;
} eppi_attr;

typedef struct eppi_codes {
	eppi_attr *sets; /* each code set as a node: id SetId, kids its attributes */
	size_t nsets;
} eppi_codes;

/* Reads the export; returns references read, or (size_t)-1 after
 * reporting when the file is not an EPPI-Reviewer export. */
size_t eppi_parse(const char *file, const char *text, size_t len, imp_refs *out,
                  eppi_codes *codes, diag *d);
void eppi_codes_free(eppi_codes *c);

/* A facet planned from a node of the code tree. */
typedef struct eppi_plan_code {
	char *id, *label, *attr; /* attr: the AttributeId it stands for */
	size_t group;            /* index into groups, or (size_t)-1 */
} eppi_plan_code;

typedef struct eppi_plan {
	char *id, *label, *attr; /* attr: SetId or AttributeId of the node */
	char **group_ids, **group_labels, **group_attrs;
	size_t ngroups;
	eppi_plan_code *codes; /* grouped codes in group order */
	size_t ncodes;
} eppi_plan;

/* Finds the node called name (a code set or a top-level code with
 * children; by name, case-insensitive, or by the id made from it) and
 * plans its facet; false when there is none. */
bool eppi_plan_facet(const eppi_codes *c, const char *name, eppi_plan *out);
void eppi_plan_free(eppi_plan *p);

/* Every facet the tree offers, by name, for messages. */
void eppi_facet_names(const eppi_codes *c, buf *out);

/* An id from a name: lower-case ASCII letters, digits and hyphens. */
char *eppi_slug(const char *name);

/* Writes the plan as a site.yaml facet entry (indented under facets:). */
void eppi_plan_yaml(const eppi_plan *p, buf *out);

#endif
