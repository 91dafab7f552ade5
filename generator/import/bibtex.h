/* bibtex: reads BibTeX and BibLaTeX files (Zotero, JabRef, Scopus) into
 * references: @string macros and # concatenation, crossref (a field an
 * entry lacks is taken from the entry it names), @comment and @preamble
 * skipped, braces and TeX accents turned into UTF-8 ({\"o} -> ö, \c{c} ->
 * ç, -- -> –), names in any of BibTeX's forms turned into "Family, Given".
 *
 * Ownership: references are appended to out; file is borrowed and must
 * outlive out. */
#ifndef GM_IMPORT_BIBTEX_H
#define GM_IMPORT_BIBTEX_H

#include "core/diag.h"
#include "import/ref.h"

/* Returns the number of references read; problems go to d at file:line. */
size_t bibtex_parse(const char *file, const char *text, imp_refs *out, diag *d);

/* A field value's TeX turned into UTF-8 text (braces dropped). Caller frees. */
char *bibtex_detex(const char *s);

#endif
