#include "core/url.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

/* Length of url's scheme (the letters before ':'), or 0 when it has none.
 * As in RFC 3986: a letter, then letters, digits, + - . */
static size_t scheme_len(const char *url)
{
	if (!isalpha((unsigned char)url[0]))
		return 0;
	size_t n = 1;
	while (url[n] && (isalnum((unsigned char)url[n]) || strchr("+-.", url[n])))
		n++;
	return url[n] == ':' ? n : 0;
}

char *url_scheme(const char *url)
{
	size_t n = scheme_len(url);
	return n ? xstrndup(url, n) : NULL;
}

url_verdict url_check(const char *url, bool relative_ok)
{
	if (!*url)
		return URL_EMPTY;
	size_t n = scheme_len(url);
	static const char *const allowed[] = {"http", "https", "mailto"};
	size_t k = 0;
	while (n && k < sizeof allowed / sizeof *allowed &&
	       !(n == strlen(allowed[k]) && strncasecmp(url, allowed[k], n) == 0))
		k++;
	if (n && k == sizeof allowed / sizeof *allowed)
		return URL_BAD_SCHEME;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' ||
		    *p == '>' || *p == '\\')
			return URL_BAD_CHAR;
	if (!n) {
		/* A browser reads "a:b" with a leading letter as a scheme, and so
		 * does scheme_len; what is left has none: "/x", "x/y", "?q", "#f",
		 * or "//host/x", which keeps the page's http or https. */
		return relative_ok ? URL_OK : URL_NO_SCHEME;
	}
	if (!url[n + 1])
		return URL_EMPTY;
	if (k < 2 && strncmp(url + n + 1, "//", 2) != 0)
		return URL_NO_SCHEME; /* "http:x" is not a web address */
	return URL_OK;
}

bool url_allowed(const char *url, bool relative_ok)
{
	return url_check(url, relative_ok) == URL_OK;
}
