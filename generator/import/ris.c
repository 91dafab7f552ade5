#include "import/ris.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *ris_type(const char *ty)
{
	static const char *const map[][2] = {
		{"JOUR", "article"},    {"JFULL", "article"},  {"EJOUR", "article"},
		{"ABST", "article"},    {"MGZN", "article"},   {"NEWS", "article"},
		{"INPR", "article"},    {"SER", "article"},    {"RPRT", "report"},
		{"GOVDOC", "report"},   {"STAT", "report"},    {"PAMP", "report"},
		{"GEN", "other"},       {"CHAP", "chapter"},   {"ECHAP", "chapter"},
		{"BOOK", "book"},       {"EBOOK", "book"},     {"EDBOOK", "book"},
		{"THES", "thesis"},     {"ELEC", "webpage"},   {"WEB", "webpage"},
		{"BLOG", "webpage"},    {"CONF", "conference"}, {"CPAPER", "conference"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(ty, map[i][0]) == 0)
			return map[i][1];
	return "other";
}

/* A tag line: two characters, one or two spaces, a dash, then the value
 * (after one space, or nothing at all: "ER  -"). Sets *value. */
static bool tag_line(const char *line, char tag[3], const char **value)
{
	if (!isupper((unsigned char)line[0]) || !isalnum((unsigned char)line[1]))
		return false;
	const char *p = line + 2;
	int spaces = 0;
	while (*p == ' ' && spaces < 3) {
		p++;
		spaces++;
	}
	if (spaces < 1 || *p != '-')
		return false;
	p++;
	if (*p == ' ')
		p++;
	else if (*p && *p != '\n')
		return false;
	tag[0] = line[0];
	tag[1] = line[1];
	tag[2] = '\0';
	*value = p;
	return true;
}

typedef struct ris_record {
	imp_ref *r;
	char *journal_by_rank[4]; /* T2, JF, JO, JA/J2 */
	char *start, *end;
} ris_record;

/* Where a tag's value goes; NULL for tags gapmap does not keep. A second
 * value of a one-value tag is ignored with a warning unless it repeats the
 * first (exports often give TI and T1 alike). */
static char **slot_for(imp_ref *r, const char *tag, ris_record *st)
{
	if (!strcmp(tag, "TI") || !strcmp(tag, "T1") || !strcmp(tag, "CT"))
		return &r->title;
	if (!strcmp(tag, "T2") || !strcmp(tag, "BT"))
		return &st->journal_by_rank[0];
	if (!strcmp(tag, "JF"))
		return &st->journal_by_rank[1];
	if (!strcmp(tag, "JO"))
		return &st->journal_by_rank[2];
	if (!strcmp(tag, "JA") || !strcmp(tag, "J2"))
		return &st->journal_by_rank[3];
	if (!strcmp(tag, "PB"))
		return &r->publisher;
	if (!strcmp(tag, "VL"))
		return &r->volume;
	if (!strcmp(tag, "IS"))
		return &r->issue;
	if (!strcmp(tag, "SP"))
		return &st->start;
	if (!strcmp(tag, "EP"))
		return &st->end;
	if (!strcmp(tag, "DO"))
		return &r->doi;
	if (!strcmp(tag, "AB") || !strcmp(tag, "N2"))
		return &r->abstract;
	return NULL;
}

static bool is_author_tag(const char *tag)
{
	return !strcmp(tag, "AU") || !strcmp(tag, "A1");
}

static bool is_url_tag(const char *tag)
{
	return !strcmp(tag, "UR") || !strcmp(tag, "L1") || !strcmp(tag, "L2") || !strcmp(tag, "LK");
}

static void finish_record(ris_record *st)
{
	imp_ref *r = st->r;
	if (!r)
		return;
	for (size_t i = 0; i < 4; i++) {
		if (!r->journal && st->journal_by_rank[i])
			r->journal = st->journal_by_rank[i];
		else
			free(st->journal_by_rank[i]);
		st->journal_by_rank[i] = NULL;
	}
	if (st->start && st->end && strcmp(st->start, st->end) != 0)
		r->pages = xasprintf("%s-%s", st->start, st->end);
	else if (st->start)
		r->pages = xstrdup(st->start);
	/* An SP holding "12-20" already is kept whole. */
	free(st->start);
	free(st->end);
	st->start = st->end = NULL;
	st->r = NULL;
}

size_t ris_parse(const char *file, const char *text, imp_refs *out, diag *d)
{
	ris_record st = {0};
	size_t count = 0;
	int lineno = 0, ty_line = 0;
	char **cont_slot = NULL; /* the value untagged lines continue */
	bool warned_cont = false;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, len);
		p = e ? e + 1 : p + len;
		lineno++;
		char tag[3];
		const char *value;
		if (!tag_line(line, tag, &value)) {
			bool blank = true;
			for (const char *q = line; *q; q++)
				blank &= isspace((unsigned char)*q) != 0;
			if (st.r && !blank && cont_slot && *cont_slot) {
				/* An untagged line goes on with the previous tag's value. */
				const char *t = line;
				while (isspace((unsigned char)*t))
					t++;
				char *joined = xasprintf("%s %s", *cont_slot, t);
				free(*cont_slot);
				*cont_slot = joined;
			} else if (st.r && !blank && !warned_cont) {
				diag_warning(d, file, lineno, 1, "line without a RIS tag ignored");
				warned_cont = true;
			}
			free(line);
			continue;
		}
		if (!strcmp(tag, "TY")) {
			if (st.r) {
				diag_warning(d, file, ty_line, 1,
				             "reference has no ER line before the next TY; read up to there");
				finish_record(&st);
			}
			st.r = refs_add(out, file, lineno);
			ty_line = lineno;
			count++;
			char *ty = xstrdup(value);
			for (char *q = ty + strlen(ty); q > ty && isspace((unsigned char)q[-1]);)
				*--q = '\0';
			ref_set(&st.r->type, ris_type(ty));
			free(ty);
			cont_slot = NULL;
			warned_cont = false;
			free(line);
			continue;
		}
		if (!st.r) {
			diag_warning(d, file, lineno, 1,
			             "RIS tag %s outside a reference (before its TY line) ignored", tag);
			free(line);
			continue;
		}
		if (!strcmp(tag, "ER")) {
			finish_record(&st);
			cont_slot = NULL;
			free(line);
			continue;
		}
		imp_ref *r = st.r;
		cont_slot = NULL;
		if (is_author_tag(tag)) {
			char *name = ref_author_name(value);
			ref_add_author(r, name);
			free(name);
			if (r->nauthors)
				cont_slot = &r->authors[r->nauthors - 1];
		} else if (!strcmp(tag, "PY") || !strcmp(tag, "Y1") || !strcmp(tag, "DA")) {
			if (!r->year)
				r->year = ref_year(value);
		} else if (is_url_tag(tag)) {
			if (!r->url && (strncmp(value, "http://", 7) == 0 || strncmp(value, "https://", 8) == 0))
				ref_set(&r->url, value);
			cont_slot = &r->url;
		} else {
			char **slot = slot_for(r, tag, &st);
			if (slot && !*slot) {
				ref_set(slot, value);
			} else if (slot && !strcmp(tag, "AB") && *value) {
				char *joined = xasprintf("%s %s", *slot, value); /* abstracts split in parts */
				free(*slot);
				*slot = joined;
			} else if (slot && strcmp(*slot, value) != 0 && *value) {
				diag_warning(d, file, lineno, 1, "repeated tag %s: the first value is kept", tag);
			}
			cont_slot = slot;
		}
		free(line);
	}
	finish_record(&st);
	/* A DOI given only as a doi.org link. */
	for (size_t i = out->n - count; i < out->n; i++) {
		imp_ref *r = &out->v[i];
		if (!r->doi && r->url && strstr(r->url, "doi.org/10."))
			ref_set(&r->doi, strstr(r->url, "doi.org/") + 8);
	}
	return count;
}
