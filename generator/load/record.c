#include "load/record.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/files.h"
#include "core/url.h"
#include "load/note.h"
#include "load/rules.h"
#include "load/schema.h"
#include "load/yml.h"

const char *const rec_direction_names[] = {"not-reported", "improved", "no-change", "mixed",
                                           "worse"};

const char *const rec_keys[RK_COUNT] = {
	"title", "authors", "year", "type", "published_in", "publisher", "volume", "issue",
	"pages", "doi", "url", "added", "updated", "study", "population", "intervention",
	"comparison", "sample", "sample_size", "summary", "findings", "draft", "eppi_id", "abstract"};
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

const char *const rec_et_al[] = {"et al.", "et al", "others", NULL};

bool rec_is_et_al(const char *author)
{
	for (size_t i = 0; rec_et_al[i]; i++)
		if (strcasecmp(author, rec_et_al[i]) == 0)
			return true;
	return false;
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

static void warn_split_authors(const rec_src *r, const yml_node *v, diag *d)
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

static rec_pos pos_of(const yml_node *n)
{
	return n ? (rec_pos){n->line, n->col} : (rec_pos){0, 0};
}

static void read_facet_codes(const cfg_facet *f, const yml_node *v, rec_src_codes *out,
                             bool *ok, diag *d)
{
	if (!v || yml_is_null(v))
		return;
	out->given = true;
	out->list_at = pos_of(v);
	if (v->kind == YML_MAP) {
		diag_error(d, v->file, v->line, v->col,
		           "\"%s\" should be a code or a list of codes, not a mapping", f->id);
		*ok = false;
		return;
	}
	size_t n = v->kind == YML_SEQ ? v->count : 1;
	out->written = n;
	out->ids = xcalloc(n ? n : 1, sizeof *out->ids);
	out->at = xcalloc(n ? n : 1, sizeof *out->at);
	for (size_t i = 0; i < n; i++) {
		const yml_node *it = v->kind == YML_SEQ ? v->items[i] : v;
		if (it->kind != YML_SCALAR) {
			diag_error(d, it->file, it->line, it->col, "codes of \"%s\" should be single values",
			           f->id);
			*ok = false;
			continue;
		}
		out->at[out->n] = pos_of(it);
		out->ids[out->n++] = xstrdup(it->value);
	}
}

static void read_findings(const cfg_site *site, rec_src *r, const yml_node *v, bool *ok, diag *d)
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
	r->findings = xcalloc(v->count ? v->count : 1, sizeof *r->findings);
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
		rec_src_finding fd = {0};
		schema_string(f, rows->id, true, &fd.code, &good, d);
		schema_string(f, "direction", false, &fd.direction, &good, d);
		schema_string(f, "detail", false, &fd.detail, &good, d);
		fd.code_at = pos_of(yml_get(f, rows->id));
		fd.direction_at = pos_of(yml_get(f, "direction"));
		if (!good || !fd.code) {
			free(fd.code);
			free(fd.direction);
			free(fd.detail);
			*ok = false;
			continue;
		}
		r->findings[r->nfindings++] = fd;
	}
}

/* First occurrence of s in the len bytes at p, or NULL. */
static const char *find_text(const char *p, size_t len, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(p + i, s, n) == 0)
			return p + i;
	return NULL;
}

rec_src *rec_src_new(const cfg_site *site, const char *id, const char *file)
{
	rec_src *s = xcalloc(1, sizeof *s);
	s->id = xstrdup(id);
	s->file = xstrdup(file);
	s->ncodes = site->nfacets;
	s->codes = xcalloc(s->ncodes ? s->ncodes : 1, sizeof *s->codes);
	return s;
}

void rec_src_set(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

void rec_src_add_code(rec_src *s, size_t f, const char *code)
{
	rec_src_codes *c = &s->codes[f];
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->ids[i], code) == 0)
			return;
	c->ids = xrealloc(c->ids, (c->n + 1) * sizeof *c->ids);
	c->at = xrealloc(c->at, (c->n + 1) * sizeof *c->at);
	c->at[c->n] = (rec_pos){0, 0};
	c->ids[c->n++] = xstrdup(code);
	c->written = c->n;
	c->given = true;
}

void rec_src_add_author(rec_src *s, const char *name)
{
	s->authors = xrealloc(s->authors, (s->nauthors + 1) * sizeof *s->authors);
	s->authors[s->nauthors++] = xstrdup(name);
}

void rec_src_free(rec_src *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->file);
	free(s->title);
	schema_free_strings(s->authors, s->nauthors);
	char **strs[] = {&s->type,    &s->published_in, &s->publisher,    &s->volume,
	                 &s->issue,   &s->pages,        &s->doi,          &s->url,
	                 &s->added,   &s->updated,      &s->study,        &s->population,
	                 &s->intervention,
	                 &s->comparison, &s->sample,    &s->summary,      &s->eppi_id, &s->abstract};
	for (size_t i = 0; i < N(strs); i++)
		free(*strs[i]);
	for (size_t f = 0; f < s->ncodes; f++) {
		schema_free_strings(s->codes[f].ids, s->codes[f].n);
		free(s->codes[f].at);
	}
	free(s->codes);
	for (size_t i = 0; i < s->nfindings; i++) {
		free(s->findings[i].code);
		free(s->findings[i].direction);
		free(s->findings[i].detail);
	}
	free(s->findings);
	free(s);
}

rec_src *rec_read(const cfg_site *site, const yml_node *root, const char *label,
                  const char *id, bool *ok, diag *d)
{
	if (root->kind != YML_MAP) {
		diag_error(d, label, root->line, root->col,
		           "a record should be a mapping of fields, not a %s", yml_kind_name(root->kind));
		*ok = false;
		return NULL;
	}
	schema_check_keys(root, rec_keys, N(rec_keys), site->facet_ids, site->nfacets, "a record", d);
	rec_src *r = rec_src_new(site, id, label);
	r->at = pos_of(root);
	for (size_t k = 0; k < RK_COUNT; k++) {
		const yml_node *v = yml_get(root, rec_keys[k]);
		r->key_at[k] = v && !yml_is_null(v) ? pos_of(v) : (rec_pos){0, 0};
	}
	char **strs[RK_COUNT] = {
		[RK_TITLE] = &r->title,
		[RK_TYPE] = &r->type,
		[RK_PUBLISHED_IN] = &r->published_in,
		[RK_PUBLISHER] = &r->publisher,
		[RK_VOLUME] = &r->volume,
		[RK_ISSUE] = &r->issue,
		[RK_PAGES] = &r->pages,
		[RK_DOI] = &r->doi,
		[RK_URL] = &r->url,
		[RK_ADDED] = &r->added,
		[RK_UPDATED] = &r->updated,
		[RK_STUDY] = &r->study,
		[RK_POPULATION] = &r->population,
		[RK_INTERVENTION] = &r->intervention,
		[RK_COMPARISON] = &r->comparison,
		[RK_SAMPLE] = &r->sample,
		[RK_SUMMARY] = &r->summary,
		[RK_EPPI_ID] = &r->eppi_id,
		[RK_ABSTRACT] = &r->abstract,
	};
	for (size_t k = 0; k < RK_COUNT; k++) {
		if (k == RK_AUTHORS) {
			schema_strings(root, "authors", false, &r->authors, &r->nauthors, ok, d);
			warn_split_authors(r, yml_get(root, "authors"), d);
		} else if (k == RK_YEAR) {
			r->has_year = schema_int(root, "year", false, LLONG_MIN, LLONG_MAX, &r->year, ok, d);
		} else if (k == RK_SAMPLE_SIZE) {
			r->has_sample_size = schema_int(root, "sample_size", false, LLONG_MIN, LLONG_MAX,
			                                &r->sample_size, ok, d);
		} else if (k == RK_DRAFT) {
			schema_bool(root, "draft", &r->draft, ok, d);
		} else if (strs[k]) {
			schema_string(root, rec_keys[k], false, strs[k], ok, d);
		}
	}
	for (size_t i = 0; i < site->nfacets; i++)
		read_facet_codes(&site->facets[i], yml_get(root, site->facets[i].id), &r->codes[i], ok,
		                 d);
	read_findings(site, r, yml_get(root, "findings"), ok, d);
	return r;
}

static void load_note(record *r, const char *path, const char *label, bool *ok, diag *d)
{
	char *md;
	size_t len;
	if (file_read(d, label, path, REC_MAX_BYTES, (file_msgs){.missing = "", .noun = "note"},
	              &md, &len, "note is larger than 1 MiB (%d bytes), the limit for one note",
	              REC_MAX_BYTES) != 0) {
		if (errno != ENOENT) /* a study may have no note */
			*ok = false;
		return;
	}
	if (!diag_utf8(d, label, md, len, 1)) {
		*ok = false;
	} else {
		size_t skip = len >= 3 && memcmp(md, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		note_parts np;
		note_parse(md + skip, len - skip, 1, &np);
		r->note_html = np.html;
		r->note_text = np.text;
		r->note_links = np.links;
		r->nnote_links = np.nlinks;
		const char *scaffold = find_text(md + skip, len - skip, NOTE_SCAFFOLD_TEXT);
		if (scaffold) {
			int line, col;
			diag_locate(md + skip, (size_t)(scaffold - (md + skip)), &line, &col);
			diag_warning(
			    d, label, line, col,
			    "the note still holds the placeholder text of `gapmap new` (\"%s\"); "
			    "replace it with what the study found",
			    NOTE_SCAFFOLD_TEXT);
		}
	}
	free(md);
}

record *rec_load(const cfg_site *site, const char *path, const char *label, const char *id,
                 const char *note_path, const char *note_label, diag *d)
{
	char *data;
	size_t len;
	if (file_read(d, label, path, REC_MAX_BYTES, (file_msgs){0}, &data, &len,
	              "record is larger than 1 MiB (%d bytes), the limit for one record; "
	              "long texts belong in the note (studies/%s.md)",
	              REC_MAX_BYTES, id) != 0)
		return NULL;
	size_t before = d->errors;
	yml_node *root = yml_parse(label, data, len, 1, d);
	free(data);
	if (!root) {
		if (d->errors == before)
			diag_error(d, label, 0, 0, "record is empty; it needs at least title, year and added");
		return NULL;
	}
	bool ok = true;
	rec_src *src = rec_read(site, root, label, id, &ok, d);
	yml_free(root);
	if (!src)
		return NULL;
	/* The rules run even after a reading error, so one run reports both. */
	record *r = rec_check(site, src, d);
	rec_src_free(src);
	if (note_path) {
		/* A broken record's note is still checked, into a stand-in. */
		record stand_in = {0};
		load_note(r ? r : &stand_in, note_path, note_label, &ok, d);
		free(stand_in.note_html);
		free(stand_in.note_text);
		note_links_free(stand_in.note_links, stand_in.nnote_links);
	}
	ok &= r != NULL;
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
	free(r->updated);
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
	free(r->abstract_html);
	free(r->abstract_text);
	free(r->note_html);
	free(r->note_text);
	note_links_free(r->note_links, r->nnote_links);
	free(r->eppi_id);
	free(r);
}
