/* url: the one allow-list for every URL gapmap publishes — site.yaml's url
 * and licence_url, a record's url, and the links and images of notes, pages
 * and the attribution (load/note.c). Allowed: http:, https:, mailto:, and
 * (where the caller says so) a relative link: a path, "?query" or
 * "#fragment" with no scheme. doi: is the caller's to turn into an
 * https://doi.org/ link first (load/record.c). Everything else — javascript:,
 * vbscript:, data:, file:, ms-msdt:, search-ms: and any other scheme — is
 * refused, as is a URL with spaces, controls, quotes, < > or \ in it.
 * Schemes are matched case-insensitively, after no leading blanks (a URL
 * with leading blanks is refused). Nothing here allocates but url_scheme. */
#ifndef GM_URL_H
#define GM_URL_H

#include <stdbool.h>

typedef enum url_verdict {
	URL_OK,
	URL_BAD_SCHEME, /* a scheme not on the list */
	URL_NO_SCHEME,  /* relative, where only absolute URLs are wanted */
	URL_BAD_CHAR,   /* spaces, controls, quotes, < > or \ */
	URL_EMPTY,      /* "" or a scheme and nothing after it */
} url_verdict;

url_verdict url_check(const char *url, bool relative_ok);
bool url_allowed(const char *url, bool relative_ok);
/* The scheme of url ("javascript" of "JavaScript:x" keeps its case), or
 * NULL when it has none. Caller frees. */
char *url_scheme(const char *url);

#endif
