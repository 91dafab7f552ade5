#include "load/rules.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/url.h"
#include "load/note.h"
#include "load/schema.h"

const char *const rec_types[] = {"article", "report",  "chapter",    "book",
                                 "thesis",  "webpage", "conference", "other"};
const size_t rec_ntypes = sizeof rec_types / sizeof *rec_types;

/* Where field k was written, or the record itself when it was not. */
static rec_pos at(const rec_src *s, rec_key k)
{
	return s->key_at[k].line ? s->key_at[k] : s->at;
}

/* A doi: URL becomes its https://doi.org/ link (browsers cannot follow
 * doi:); anything but http, https and mailto is refused, whatever the
 * templates would do with it, so no record can carry a javascript: or
 * data: link onto a page. */
static void check_url(record *r, const rec_src *s, bool *ok, diag *d)
{
	rec_pos p = at(s, RK_URL);
	if (strncasecmp(r->url, "doi:", 4) == 0) {
		char *doi = rec_normalise_doi(r->url);
		if (!doi) {
			diag_error(
			    d, s->file, p.line, p.col,
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
		diag_error(d, s->file, p.line, p.col,
		           "url must be an http, https or mailto address (or doi:), starting with "
		           "https:// or the like");
	else if (!known)
		diag_error(d, s->file, p.line, p.col,
		           "url must be an http, https or mailto address (or doi:), not a \"%s:\" "
		           "link",
		           scheme);
	else
		diag_error(d, s->file, p.line, p.col,
		           "url must be an http, https or mailto address without spaces, quotes, "
		           "< > or \\ (write a space as %%20)");
	free(scheme);
	*ok = false;
}

static void report_unknown_code(const cfg_facet *f, const char *code, const rec_src *s, rec_pos p,
                                diag *d)
{
	const char *hint = diag_suggest(code, f->code_ids, f->ncodes);
	if (hint)
		diag_error(d, s->file, p.line, p.col,
		           "unknown %s code \"%s\"; did you mean \"%s\"?", f->id, code, hint);
	else if (cfg_group_index(f, code) != CFG_NONE)
		diag_error(d, s->file, p.line, p.col,
		           "\"%s\" is a group of %s codes; name one of its codes", code, f->id);
	else
		diag_error(d, s->file, p.line, p.col,
		           "unknown %s code \"%s\" (the codes are declared in site.yaml)", f->id,
		           code);
}

static rec_pos code_at(const rec_src *s, const rec_src_codes *in, size_t i)
{
	return in->at[i].line ? in->at[i] : in->list_at.line ? in->list_at : s->at;
}

static void check_facet_codes(const cfg_facet *f, const rec_src *s, const rec_src_codes *in,
                              rec_codes *out, bool *ok, diag *d)
{
	if (!in->given) {
		if (f->required && !s->draft) {
			diag_error(d, s->file, s->at.line, s->at.col,
			           "missing required field \"%s\" (a code from site.yaml)", f->id);
			*ok = false;
		}
		return;
	}
	if (in->written == 0 && f->required && !s->draft) {
		rec_pos p = in->list_at.line ? in->list_at : s->at;
		diag_error(d, s->file, p.line, p.col,
		           "\"%s\" is required but its list is empty: name at least one code from "
		           "site.yaml",
		           f->id);
		*ok = false;
		return;
	}
	if (in->written > 1 && !f->multiple) {
		rec_pos p = in->list_at.line ? in->list_at : s->at;
		diag_error(d, s->file, p.line, p.col, "\"%s\" takes one code, not %zu", f->id,
		           in->written);
		*ok = false;
	}
	out->idx = xcalloc(in->n ? in->n : 1, sizeof *out->idx);
	for (size_t i = 0; i < in->n; i++) {
		rec_pos p = code_at(s, in, i);
		size_t c = cfg_code_index(f, in->ids[i]);
		if (c == CFG_NONE) {
			report_unknown_code(f, in->ids[i], s, p, d);
			*ok = false;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < out->n; k++)
			dup |= out->idx[k] == c;
		if (dup) {
			diag_warning(d, s->file, p.line, p.col, "%s code \"%s\" is listed twice",
			             f->id, in->ids[i]);
			continue;
		}
		out->idx[out->n++] = c;
	}
}

static void check_findings(const cfg_site *site, record *r, const rec_src *s, bool *ok, diag *d)
{
	if (!s->nfindings)
		return;
	const cfg_facet *rows = &site->facets[site->rows];
	r->findings = xcalloc(s->nfindings, sizeof *r->findings);
	for (size_t i = 0; i < s->nfindings; i++) {
		const rec_src_finding *f = &s->findings[i];
		bool good = true;
		rec_finding fd = {CFG_NONE, REC_NOT_REPORTED, NULL};
		rec_pos cp = f->code_at.line ? f->code_at : s->at;
		fd.code = cfg_code_index(rows, f->code);
		if (fd.code == CFG_NONE) {
			report_unknown_code(rows, f->code, s, cp, d);
			good = false;
		} else if (!rec_has_code(r, site->rows, fd.code)) {
			diag_error(
			    d, s->file, cp.line, cp.col,
			    "finding for %s \"%s\", which the record does not list under \"%s\"",
			    rows->id, f->code, rows->id);
			good = false;
		}
		if (f->direction) {
			size_t k = 0;
			while (k < 5 && strcmp(f->direction, rec_direction_names[k]) != 0)
				k++;
			if (k == 5) {
				rec_pos dp = f->direction_at.line ? f->direction_at : s->at;
				const char *hint =
				    diag_suggest(f->direction, rec_direction_names, 5);
				diag_error(
				    d, s->file, dp.line, dp.col,
				    "direction \"%s\" should be one of improved, no-change, mixed, "
				    "worse, not-reported%s%s%s",
				    f->direction, hint ? "; did you mean \"" : "", hint ? hint : "",
				    hint ? "\"?" : "");
				good = false;
			} else {
				fd.direction = (rec_direction)k;
			}
		}
		if (!good) {
			*ok = false;
			continue;
		}
		fd.detail = f->detail ? xstrdup(f->detail) : NULL;
		r->findings[r->nfindings++] = fd;
	}
}

static char *copy(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void check_type(record *r, const rec_src *s, bool *ok, diag *d)
{
	if (!s->type) {
		r->type = xstrdup(rec_types[0]);
		return;
	}
	r->type = xstrdup(s->type);
	for (size_t k = 0; k < rec_ntypes; k++)
		if (strcmp(s->type, rec_types[k]) == 0)
			return;
	rec_pos p = at(s, RK_TYPE);
	const char *hint = diag_suggest(s->type, rec_types, rec_ntypes);
	diag_error(d, s->file, p.line, p.col,
	           "type \"%s\" should be one of article, report, chapter, book, thesis, "
	           "webpage, conference, other%s%s%s",
	           s->type, hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
	*ok = false;
}

/* A field written but unreadable was reported by the reader; only one
 * not written at all is missing. */
static void missing(const rec_src *s, rec_key k, bool *ok, diag *d)
{
	if (!s->key_at[k].line)
		diag_error(d, s->file, s->at.line, s->at.col, "missing required field \"%s\"",
		           rec_keys[k]);
	*ok = false;
}

static bool in_range(const rec_src *s, rec_key k, long long v, long long lo, long long hi, diag *d)
{
	if (v >= lo && v <= hi)
		return true;
	rec_pos p = at(s, k);
	diag_error(d, s->file, p.line, p.col, "\"%s\" is %lld; it should be between %lld and %lld",
	           rec_keys[k], v, lo, hi);
	return false;
}

record *rec_check(const cfg_site *site, const rec_src *s, diag *d)
{
	record *r = xcalloc(1, sizeof *r);
	bool ok = true;
	r->id = xstrdup(s->id);
	r->file = xstrdup(s->file);
	r->id_pos = s->at;
	r->sample_size = -1;
	r->draft = s->draft;
	r->eppi_id = copy(s->eppi_id);
	if (s->title)
		r->title = xstrdup(s->title);
	else
		missing(s, RK_TITLE, &ok, d);
	r->authors = xcalloc(s->nauthors ? s->nauthors : 1, sizeof *r->authors);
	for (size_t i = 0; i < s->nauthors; i++)
		r->authors[i] = xstrdup(s->authors[i]);
	r->nauthors = s->nauthors;
	if (!s->has_year)
		missing(s, RK_YEAR, &ok, d);
	else if (in_range(s, RK_YEAR, s->year, 1000, 2999, d))
		r->year = (long)s->year;
	else
		ok = false;
	check_type(r, s, &ok, d);
	r->published_in = copy(s->published_in);
	r->publisher = copy(s->publisher);
	r->volume = copy(s->volume);
	r->issue = copy(s->issue);
	r->pages = copy(s->pages);
	if (s->doi) {
		r->doi_pos = at(s, RK_DOI);
		r->doi = rec_normalise_doi(s->doi);
		if (!r->doi) {
			diag_error(d, s->file, r->doi_pos.line, r->doi_pos.col,
			           "\"%s\" is not a DOI (a DOI starts with 10. and contains a /)",
			           s->doi);
			ok = false;
		}
	}
	if (s->url) {
		r->url = xstrdup(s->url);
		check_url(r, s, &ok, d);
	}
	if (!s->added) {
		missing(s, RK_ADDED, &ok, d);
	} else {
		rec_pos p = at(s, RK_ADDED);
		if (schema_check_date("added", s->added, s->file, p.line, p.col, d))
			r->added = xstrdup(s->added);
		else
			ok = false;
	}
	if (s->updated) {
		/* The date the record was recoded: a real date, not before it was
		 * added (dates written YYYY-MM-DD compare as strings). */
		rec_pos p = at(s, RK_UPDATED);
		if (!schema_check_date("updated", s->updated, s->file, p.line, p.col, d)) {
			ok = false;
		} else if (r->added && strcmp(s->updated, r->added) < 0) {
			diag_error(d, s->file, p.line, p.col,
			           "\"updated\" (%s) is before \"added\" (%s): a record is recoded "
			           "after it was added",
			           s->updated, r->added);
			ok = false;
		} else {
			r->updated = xstrdup(s->updated);
		}
	}
	if (s->study) {
		r->study = xstrdup(s->study);
		r->study_pos = at(s, RK_STUDY);
	}
	r->population = copy(s->population);
	r->intervention = copy(s->intervention);
	r->comparison = copy(s->comparison);
	r->sample = copy(s->sample);
	if (s->has_sample_size) {
		if (in_range(s, RK_SAMPLE_SIZE, s->sample_size, 0, 1000000000LL, d))
			r->sample_size = (long)s->sample_size;
		else
			ok = false;
	}
	r->summary = copy(s->summary);
	if (s->abstract) {
		/* Markdown, like a note; its headings sit below the page's "Abstract". */
		r->abstract_text = note_text(s->abstract, strlen(s->abstract));
		if (r->abstract_text[0]) {
			r->abstract_html = note_html(s->abstract, strlen(s->abstract), 2);
		} else {
			free(r->abstract_text);
			r->abstract_text = NULL;
		}
	}
	r->codes = xcalloc(site->nfacets ? site->nfacets : 1, sizeof *r->codes);
	r->ncodes = site->nfacets;
	for (size_t i = 0; i < site->nfacets && i < s->ncodes; i++)
		check_facet_codes(&site->facets[i], s, &s->codes[i], &r->codes[i], &ok, d);
	check_findings(site, r, s, &ok, d);
	if (!ok) {
		rec_free(r);
		return NULL;
	}
	return r;
}
