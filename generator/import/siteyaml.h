/* siteyaml: writes the facets and the map section of site.yaml from an
 * EPPI-Reviewer code tree (`gapmap import eppi --rows A --columns B
 * [--segments C]`). The rest of an existing site.yaml is kept as written,
 * comments included; an existing map or facets section is replaced only
 * with --force.
 *
 * Ownership: the new text goes to the caller's buf. */
#ifndef GM_IMPORT_SITEYAML_H
#define GM_IMPORT_SITEYAML_H

#include "core/diag.h"
#include "core/util.h"
#include "import/eppi.h"
#include "import/import.h"

/* Builds the new site.yaml into out. Returns 0, or -1 after reporting. */
int siteyaml_map(const import_opts *o, const eppi_codes *c, buf *out, diag *d);

#endif
