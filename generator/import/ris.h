/* ris: reads RIS exports (Zotero, EndNote, Mendeley, Rayyan, Covidence,
 * Scopus, Lens, Dimensions, Ovid, EBSCO) into references, tolerating what
 * real exports hold: record numbers or blank lines before TY, ER followed
 * by TY at once, a missing ER, untagged continuation lines, repeated tags,
 * one or two spaces before the dash. Text must already be decoded
 * (import/text).
 *
 * Ownership: references are appended to out; file is borrowed and must
 * outlive out. */
#ifndef GM_IMPORT_RIS_H
#define GM_IMPORT_RIS_H

#include "core/diag.h"
#include "import/ref.h"

/* Returns the number of references read; problems go to d at file:line. */
size_t ris_parse(const char *file, const char *text, imp_refs *out, diag *d);

/* The gapmap record type for a RIS TY value (JOUR -> article ...). */
const char *ris_type(const char *ty);

#endif
