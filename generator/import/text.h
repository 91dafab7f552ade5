/* text: what every importer does to a file before reading it, and to the
 * names and titles it finds: decode to UTF-8 with LF line ends (a
 * byte-order mark dropped; Latin-1 or Windows-1252 detected and converted,
 * with a warning), repair doubly encoded UTF-8 ("MuÃ±oz" -> "Muñoz"),
 * fold to ASCII for ids and matching, and recognise which export format a
 * file really is, so a file given as the wrong format is named, not
 * imported as garbage.
 *
 * Ownership: returned strings are new; the caller frees them. */
#ifndef GM_IMPORT_TEXT_H
#define GM_IMPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

/* Decodes a file's bytes (any NULs are an error); *out_len is set. Returns
 * NULL after reporting when the file cannot be text. */
char *imp_decode(const char *label, const char *data, size_t len, size_t *out_len, diag *d);

/* s repaired when it is UTF-8 that was decoded as Latin-1/Windows-1252 and
 * encoded again; NULL when s does not look doubly encoded. */
char *imp_fix_double_utf8(const char *s);

/* Lower-case ASCII letters and digits of s (accents dropped: "Muñoz" ->
 * "munoz"), other characters as single spaces, trimmed. */
char *imp_fold(const char *s);

/* What kind of export text looks like: "ris", "bibtex", "csv", "json",
 * "wos" (Web of Science plain text), "medline" (PubMed MEDLINE/.nbib),
 * "endnote-xml", "refer" (EndNote tagged %A), or NULL when unknown. */
const char *imp_sniff(const char *text);

/* A human name for a format from imp_sniff, for messages. */
const char *imp_format_name(const char *fmt);

#endif
