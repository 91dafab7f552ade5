#include "import/ref.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "load/record.h"

imp_ref *refs_add(imp_refs *l, const char *file, int line)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	imp_ref *r = &l->v[l->n++];
	memset(r, 0, sizeof *r);
	r->file = file;
	r->line = line;
	return r;
}

void refs_free(imp_refs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		imp_ref *r = &l->v[i];
		char *strs[] = {r->title, r->journal, r->publisher, r->volume,   r->issue, r->pages,
		                r->doi,   r->url,     r->abstract,  r->type,     r->eppi_id};
		for (size_t k = 0; k < sizeof strs / sizeof *strs; k++)
			free(strs[k]);
		for (size_t k = 0; k < r->nauthors; k++)
			free(r->authors[k]);
		free(r->authors);
		for (size_t k = 0; k < r->ncodes; k++) {
			free(r->codes[k]);
			free(r->code_facets[k]);
		}
		free(r->codes);
		free(r->code_facets);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *trimmed(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

void ref_set(char **field, const char *value)
{
	free(*field);
	*field = NULL;
	if (!value)
		return;
	char *t = trimmed(value);
	if (*t)
		*field = t;
	else
		free(t);
}

void ref_add_author(imp_ref *r, const char *name)
{
	char *t = trimmed(name);
	if (!*t || rec_is_et_al(t)) {
		free(t);
		return;
	}
	r->authors = xrealloc(r->authors, (r->nauthors + 1) * sizeof *r->authors);
	r->authors[r->nauthors++] = t;
}

void ref_add_code(imp_ref *r, const char *facet, const char *code)
{
	r->codes = xrealloc(r->codes, (r->ncodes + 1) * sizeof *r->codes);
	r->code_facets = xrealloc(r->code_facets, (r->ncodes + 1) * sizeof *r->code_facets);
	r->codes[r->ncodes] = xstrdup(code);
	r->code_facets[r->ncodes++] = facet ? xstrdup(facet) : NULL;
}

long ref_year(const char *s)
{
	for (const char *p = s; p && *p; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		size_t n = 0;
		while (isdigit((unsigned char)p[n]))
			n++;
		if (n == 4) {
			long y = strtol(p, NULL, 10);
			if (y >= 1000 && y <= 2999)
				return y;
		}
		p += n - 1;
	}
	return 0;
}

char *ref_author_name(const char *v)
{
	while (isspace((unsigned char)*v))
		v++;
	if (strchr(v, ','))
		return xstrdup(v);
	const char *sp = strrchr(v, ' ');
	if (!sp || !sp[1] || strlen(sp + 1) > 3)
		return xstrdup(v);
	for (const char *p = sp + 1; *p; p++)
		if (!isupper((unsigned char)*p))
			return xstrdup(v);
	buf b = BUF_INIT;
	buf_put(&b, v, (size_t)(sp - v));
	buf_puts(&b, ",");
	for (const char *p = sp + 1; *p; p++)
		buf_printf(&b, " %c.", *p);
	return buf_detach(&b);
}
