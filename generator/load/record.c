#include "load/record.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/url.h"
#include "load/note.h"
#include "load/schema.h"
#include "load/yml.h"

const char *const rec_direction_names[] = {"not-reported", "improved", "no-change", "mixed",
                                           "worse"};

static const char *const rec_keys[] = {
	"title", "authors", "year", "type", "published_in", "publisher", "volume", "issue",
	"pages", "doi", "url", "added", "study", "population", "intervention", "comparison",
	"sample", "sample_size", "summary", "findings"};
static const char *const rec_types[] = {"article", "report", "chapter", "book",
                                        "thesis", "webpage", "conference", "other"};
static const char *const finding_keys_fixed[] = {"direction", "detail"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

char *rec_normalise_doi(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	static const char *const prefixes[] = {"https://doi.org/", "http://doi.org/",
	                                       "https://dx.doi.org/", "http://dx.doi.org/",
	                                       "doi:", "doi.org/"};
	for (size_t i = 0; i < N(prefixes); i++)
		if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0) {
			s += strlen(prefixes[i]);
			break;
		}
	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "10.", 3) != 0 || !strchr(s, '/'))
		return NULL;
	char *doi = xstrdup(s);
	size_t n = strlen(doi);
	while (n && isspace((unsigned char)doi[n - 1]))
		doi[--n] = '\0';
	for (char *p = doi; *p; p++) {
		if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20) {
			free(doi);
			return NULL;
		}
		*p = (char)tolower((unsigned char)*p);
	}
	return doi;
}

bool rec_url_allowed(const char *url)
{
	/* The one allow-list (core/url.h), absolute addresses only. */
	return url_allowed(url, false) && strlen(url) > 8;
}

bool rec_is_et_al(const char *author)
{
	return strcasecmp(author, "et al.") == 0 || strcasecmp(author, "et al") == 0 ||
	       strcasecmp(author, "others") == 0;
}

/* A doi: URL becomes its https://doi.org/ link (browsers cannot follow
 * doi:); anything but http, https and mailto is refused, whatever the
 * templates would do with it, so no record can carry a javascript: or
 * data: link onto a page. */
static void check_url(record *r, const yml_node *n, bool *ok, diag *d)
{
	if (strncasecmp(r->url, "doi:", 4) == 0) {
		char *doi = rec_normalise_doi(r->url);
		if (!doi) {
			diag_error(d, n->file, n->line, n->col,
			           "url \"%s\" is not a DOI (a DOI starts with 10. and contains a /)",
			           r->url);
			*ok = false;
			return;
		}
		free(r->url);
		r->url = xasprintf("https://doi.org/%s", doi);
		free(doi);
		/* and on to the same checks as any other link */
	}
	if (rec_url_allowed(r->url))
		return;
	char *scheme = url_scheme(r->url);
	bool known = scheme && (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https") ||
	                        !strcasecmp(scheme, "mailto"));
	if (!scheme)
		diag_error(d, n->file, n->line, n->col,
		           "url must be an http, https or mailto address (or doi:), starting with "
		           "https:// or the like");
	else if (!known)
		diag_error(d, n->file, n->line, n->col,
		           "url must be an http, https or mailto address (or doi:), not a \"%s:\" "
		           "link",
		           scheme);
	else
		diag_error(d, n->file, n->line, n->col,
		           "url must be an http, https or mailto address without spaces, quotes, "
		           "< > or \\ (write a space as %%20)");
	free(scheme);
	*ok = false;
}

bool rec_has_code(const record *r, size_t facet, size_t code)
{
	const rec_codes *c = &r->codes[facet];
	for (size_t i = 0; i < c->n; i++)
		if (c->idx[i] == code)
			return true;
	return false;
}

/* "Smith, A." is one name, but in a flow list [Smith, A., Jones, B.] YAML
 * splits it at the comma into "Smith" and "A.": flag items that are only
 * initials, the tell-tale of that split. */
static bool only_initials(const char *s)
{
	bool any = false;
	for (; *s; s++) {
		if (*s >= 'A' && *s <= 'Z' && s[1] == '.') {
			any = true;
			s++;
		} else if (*s != ' ' && *s != '-') {
			return false;
		}
	}
	return any;
}

static void warn_split_authors(const record *r, const yml_node *v, diag *d)
{
	if (!v || v->kind != YML_SEQ)
		return;
	for (size_t i = 0; i < r->nauthors && i < v->count; i++)
		if (only_initials(r->authors[i])) {
			diag_warning(d, v->items[i]->file, v->items[i]->line, v->items[i]->col,
			             "author \"%s\" looks like initials split from a name; quote each "
			             "author: [\"Smith, A.\", \"Jones, B.\"]",
			             r->authors[i]);
			return;
		}
}

static void report_unknown_code(const cfg_facet *f, const yml_node *n, diag *d)
{
	const char *hint = diag_suggest(n->value, f->code_ids, f->ncodes);
	if (hint)
		diag_error(d, n->file, n->line, n->col, "unknown %s code \"%s\"; did you mean \"%s\"?",
		           f->id, n->value, hint);
	else if (cfg_group_index(f, n->value) != CFG_NONE)
		diag_error(d, n->file, n->line, n->col,
		           "\"%s\" is a group of %s codes; name one of its codes", n->value, f->id);
	else
		diag_error(d, n->file, n->line, n->col,
		           "unknown %s code \"%s\" (the codes are declared in site.yaml)", f->id,
		           n->value);
}

static void read_facet_codes(const cfg_facet *f, const yml_node *v, rec_codes *out, bool *ok,
                             diag *d)
{
	if (!v || yml_is_null(v)) {
		if (f->required) {
			*ok = false;
		}
		return;
	}
	if (v->kind == YML_MAP) {
		diag_error(d, v->file, v->line, v->col,
		           "\"%s\" should be a code or a list of codes, not a mapping", f->id);
		*ok = false;
		return;
	}
	size_t n = v->kind == YML_SEQ ? v->count : 1;
	if (n > 1 && !f->multiple) {
		diag_error(d, v->file, v->line, v->col, "\"%s\" takes one code, not %zu", f->id, n);
		*ok = false;
	}
	out->idx = xcalloc(n, sizeof *out->idx);
	for (size_t i = 0; i < n; i++) {
		const yml_node *it = v->kind == YML_SEQ ? v->items[i] : v;
		if (it->kind != YML_SCALAR) {
			diag_error(d, it->file, it->line, it->col, "codes of \"%s\" should be single values",
			           f->id);
			*ok = false;
			continue;
		}
		size_t c = cfg_code_index(f, it->value);
		if (c == CFG_NONE) {
			report_unknown_code(f, it, d);
			*ok = false;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < out->n; k++)
			dup |= out->idx[k] == c;
		if (dup) {
			diag_warning(d, it->file, it->line, it->col, "%s code \"%s\" is listed twice",
			             f->id, it->value);
			continue;
		}
		out->idx[out->n++] = c;
	}
}

static void read_findings(const cfg_site *site, record *r, const yml_node *v, bool *ok, diag *d)
{
	if (!v || yml_is_null(v))
		return;
	if (v->kind != YML_SEQ) {
		diag_error(d, v->file, v->line, v->col, "\"findings\" should be a list");
		*ok = false;
		return;
	}
	const cfg_facet *rows = &site->facets[site->rows];
	const char *keys[] = {rows->id, finding_keys_fixed[0], finding_keys_fixed[1]};
	r->findings = xcalloc(v->count, sizeof *r->findings);
	for (size_t i = 0; i < v->count; i++) {
		const yml_node *f = v->items[i];
		if (f->kind != YML_MAP) {
			diag_error(d, f->file, f->line, f->col,
			           "each finding should be a mapping with \"%s\", \"direction\" and "
			           "\"detail\"",
			           rows->id);
			*ok = false;
			continue;
		}
		schema_check_keys(f, keys, N(keys), NULL, 0, "a finding", d);
		bool good = true;
		char *code = NULL, *dir = NULL, *detail = NULL;
		schema_string(f, rows->id, true, &code, &good, d);
		schema_string(f, "direction", false, &dir, &good, d);
		schema_string(f, "detail", false, &detail, &good, d);
		rec_finding fd = {CFG_NONE, REC_NOT_REPORTED, detail};
		if (code) {
			const yml_node *cn = yml_get(f, rows->id);
			fd.code = cfg_code_index(rows, code);
			if (fd.code == CFG_NONE) {
				report_unknown_code(rows, cn, d);
				good = false;
			} else if (!rec_has_code(r, site->rows, fd.code)) {
				diag_error(d, cn->file, cn->line, cn->col,
				           "finding for %s \"%s\", which the record does not list under \"%s\"",
				           rows->id, code, rows->id);
				good = false;
			}
		}
		if (dir) {
			size_t k = 0;
			while (k < 5 && strcmp(dir, rec_direction_names[k]) != 0)
				k++;
			if (k == 5) {
				const yml_node *dn = yml_get(f, "direction");
				const char *hint = diag_suggest(dir, rec_direction_names, 5);
				diag_error(d, dn->file, dn->line, dn->col,
				           "direction \"%s\" should be one of improved, no-change, mixed, "
				           "worse, not-reported%s%s%s",
				           dir, hint ? "; did you mean \"" : "", hint ? hint : "",
				           hint ? "\"?" : "");
				good = false;
			} else {
				fd.direction = (rec_direction)k;
			}
		}
		free(code);
		free(dir);
		if (!good) {
			free(fd.detail);
			*ok = false;
			continue;
		}
		r->findings[r->nfindings++] = fd;
	}
}

static void load_note(record *r, const char *path, const char *label, bool *ok, diag *d)
{
	char *md;
	size_t len;
	if (read_file(path, REC_MAX_BYTES, &md, &len) != 0) {
		if (errno == ENOENT)
			return;
		if (errno == EFBIG)
			diag_error(d, label, 0, 0, "note is larger than 1 MiB (%d bytes), the limit for one note",
			           REC_MAX_BYTES);
		else
			diag_error(d, label, 0, 0, "cannot read note: %s", strerror(errno));
		*ok = false;
		return;
	}
	if (!diag_utf8(d, label, md, len, 1)) {
		*ok = false;
	} else {
		size_t skip = len >= 3 && memcmp(md, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		r->note_html = note_html(md + skip, len - skip, 1);
		r->note_text = note_text(md + skip, len - skip);
	}
	free(md);
}

record *rec_load(const cfg_site *site, const char *path, const char *label, const char *id,
                 const char *note_path, const char *note_label, diag *d)
{
	char *data;
	size_t len;
	if (read_file(path, REC_MAX_BYTES, &data, &len) != 0) {
		if (errno == EFBIG)
			diag_error(d, label, 0, 0,
			           "record is larger than 1 MiB (%d bytes), the limit for one record; "
			           "long texts belong in the note (studies/%s.md)",
			           REC_MAX_BYTES, id);
		else
			diag_error(d, label, 0, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	size_t before = d->errors;
	yml_node *root = yml_parse(label, data, len, 1, d);
	free(data);
	if (!root) {
		if (d->errors == before)
			diag_error(d, label, 0, 0, "record is empty; it needs at least title, year and added");
		return NULL;
	}
	if (root->kind != YML_MAP) {
		diag_error(d, label, root->line, root->col,
		           "a record should be a mapping of fields, not a %s", yml_kind_name(root->kind));
		yml_free(root);
		return NULL;
	}
	schema_check_keys(root, rec_keys, N(rec_keys), site->facet_ids, site->nfacets, "a record", d);

	record *r = xcalloc(1, sizeof *r);
	r->id = xstrdup(id);
	r->file = xstrdup(label);
	r->sample_size = -1;
	r->id_pos = (rec_pos){root->line, root->col};
	bool ok = true;
	long long year = 0, size = -1;
	schema_string(root, "title", true, &r->title, &ok, d);
	schema_strings(root, "authors", false, &r->authors, &r->nauthors, &ok, d);
	warn_split_authors(r, yml_get(root, "authors"), d);
	if (schema_int(root, "year", true, 1000, 2999, &year, &ok, d))
		r->year = (long)year;
	if (schema_string(root, "type", false, &r->type, &ok, d)) {
		size_t k = 0;
		while (k < N(rec_types) && strcmp(r->type, rec_types[k]) != 0)
			k++;
		if (k == N(rec_types)) {
			const yml_node *n = yml_get(root, "type");
			const char *hint = diag_suggest(r->type, rec_types, N(rec_types));
			diag_error(d, n->file, n->line, n->col,
			           "type \"%s\" should be one of article, report, chapter, book, thesis, "
			           "webpage, conference, other%s%s%s",
			           r->type, hint ? "; did you mean \"" : "", hint ? hint : "",
			           hint ? "\"?" : "");
			ok = false;
		}
	} else {
		r->type = xstrdup("article");
	}
	schema_string(root, "published_in", false, &r->published_in, &ok, d);
	schema_string(root, "publisher", false, &r->publisher, &ok, d);
	schema_string(root, "volume", false, &r->volume, &ok, d);
	schema_string(root, "issue", false, &r->issue, &ok, d);
	schema_string(root, "pages", false, &r->pages, &ok, d);
	char *doi = NULL;
	if (schema_string(root, "doi", false, &doi, &ok, d)) {
		const yml_node *n = yml_get(root, "doi");
		r->doi_pos = (rec_pos){n->line, n->col};
		r->doi = rec_normalise_doi(doi);
		if (!r->doi) {
			diag_error(d, n->file, n->line, n->col,
			           "\"%s\" is not a DOI (a DOI starts with 10. and contains a /)", doi);
			ok = false;
		}
		free(doi);
	}
	if (schema_string(root, "url", false, &r->url, &ok, d))
		check_url(r, yml_get(root, "url"), &ok, d);
	schema_date(root, "added", true, &r->added, &ok, d);
	if (schema_string(root, "study", false, &r->study, &ok, d)) {
		const yml_node *n = yml_get(root, "study");
		r->study_pos = (rec_pos){n->line, n->col};
	}
	schema_string(root, "population", false, &r->population, &ok, d);
	schema_string(root, "intervention", false, &r->intervention, &ok, d);
	schema_string(root, "comparison", false, &r->comparison, &ok, d);
	schema_string(root, "sample", false, &r->sample, &ok, d);
	if (schema_int(root, "sample_size", false, 0, 1000000000LL, &size, &ok, d))
		r->sample_size = (long)size;
	schema_string(root, "summary", false, &r->summary, &ok, d);

	r->codes = xcalloc(site->nfacets ? site->nfacets : 1, sizeof *r->codes);
	r->ncodes = site->nfacets;
	for (size_t i = 0; i < site->nfacets; i++) {
		const cfg_facet *f = &site->facets[i];
		const yml_node *v = yml_get(root, f->id);
		if ((!v || yml_is_null(v)) && f->required)
			diag_error(d, label, root->line, root->col,
			           "missing required field \"%s\" (a code from site.yaml)", f->id);
		read_facet_codes(f, v, &r->codes[i], &ok, d);
	}
	read_findings(site, r, yml_get(root, "findings"), &ok, d);
	if (note_path)
		load_note(r, note_path, note_label, &ok, d);
	yml_free(root);
	if (!ok) {
		rec_free(r);
		return NULL;
	}
	return r;
}

void rec_free(record *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->file);
	free(r->title);
	schema_free_strings(r->authors, r->nauthors);
	free(r->type);
	free(r->published_in);
	free(r->publisher);
	free(r->volume);
	free(r->issue);
	free(r->pages);
	free(r->doi);
	free(r->url);
	free(r->added);
	free(r->study);
	free(r->population);
	free(r->intervention);
	free(r->comparison);
	free(r->sample);
	free(r->summary);
	for (size_t i = 0; r->codes && i < r->ncodes; i++)
		free(r->codes[i].idx);
	free(r->codes);
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].detail);
	free(r->findings);
	free(r->note_html);
	free(r->note_text);
	free(r);
}
