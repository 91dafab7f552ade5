#include "import/import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/yaml_write.h"
#include "import/bibtex.h"
#include "import/csv.h"
#include "import/eppi.h"
#include "import/ris.h"
#include "import/siteyaml.h"
#include "import/text.h"
#include "load/config.h"
#include "load/rules.h"
#include "load/schema.h"
#include "load/yml.h"
#include "model/model.h"

/* The largest import file read: exports of whole reviews are big, but a
 * file beyond this is a mistake. */
#define IMPORT_MAX_BYTES (512u * 1024 * 1024)

static const char *const formats[][2] = {
    {"ris", "ris"},
    {"bibtex", "bibtex"},
    {"csv", "csv"},
    {"eppi", "json"},
};

bool import_known_format(const char *format)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (strcmp(format, formats[i][0]) == 0)
			return true;
	return false;
}

static const char *sniff_name_of(const char *format)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (strcmp(format, formats[i][0]) == 0)
			return formats[i][1];
	return format;
}

/* A small string map (open addressing), from match keys to the label of
 * the record or reference that has them. */
typedef struct keymap {
	char **keys;
	char **vals;
	size_t cap, n;
} keymap;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static const char *km_get(const keymap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return NULL;
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	}
}

static void km_put(keymap *m, const char *key, const char *val)
{
	if (km_get(m, key))
		return;
	if ((m->n + 1) * 2 > m->cap) {
		keymap big = {0};
		big.cap = m->cap ? m->cap * 2 : 64;
		big.keys = xcalloc(big.cap, sizeof *big.keys);
		big.vals = xcalloc(big.cap, sizeof *big.vals);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t k = hash(m->keys[i]) & (big.cap - 1);
				while (big.keys[k])
					k = (k + 1) & (big.cap - 1);
				big.keys[k] = m->keys[i];
				big.vals[k] = m->vals[i];
			}
		free(m->keys);
		free(m->vals);
		big.n = m->n;
		*m = big;
	}
	size_t i = hash(key) & (m->cap - 1);
	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = xstrdup(key);
	m->vals[i] = xstrdup(val);
	m->n++;
}

static void km_free(keymap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		free(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
}

/* The keys a reference is matched by, strongest first; NULL where it has
 * none. Callers free each. */
typedef struct match_keys {
	char *k[3];
} match_keys;

static const char *const match_why[] = {"same EPPI ItemId", "same DOI", "same title and year"};

static match_keys keys_of(const char *eppi_id, const char *doi, const char *title, long year)
{
	match_keys mk = {{NULL, NULL, NULL}};
	if (eppi_id)
		mk.k[0] = xasprintf("e:%s", eppi_id);
	char *nd = doi ? rec_normalise_doi(doi) : NULL;
	if (nd)
		mk.k[1] = xasprintf("d:%s", nd);
	free(nd);
	if (title && *title) {
		char *f = imp_fold(title);
		if (*f)
			mk.k[2] = xasprintf("t:%s|%ld", f, year);
		free(f);
	}
	return mk;
}

static void keys_free(match_keys *mk)
{
	for (int i = 0; i < 3; i++)
		free(mk->k[i]);
}

typedef struct run {
	const import_opts *o;
	import_summary *s;
	buf *report;
	diag *d;
	cfg_site *site;
	model *m;
	keymap existing;  /* keys -> "studies/<id>.yaml" */
	keymap imported;  /* keys -> "file:line" of an earlier reference */
	keymap ids;       /* ids taken (files and this run) */
	eppi_plan *plans; /* per site facet: the EPPI node it came from, if any */
	bool *has_plan;
} run;

/* Repairs doubly encoded UTF-8 in a field, with a warning. */
static void repair(const imp_ref *r, char **field, const char *what, diag *d)
{
	if (!*field)
		return;
	char *fixed = imp_fix_double_utf8(*field);
	if (!fixed)
		return;
	diag_warning(d, r->file, r->line, 0,
	             "%s \"%s\" was encoded twice (UTF-8 read as Latin-1); repaired to \"%s\"",
	             what, *field, fixed);
	free(*field);
	*field = fixed;
}

/* Family name of a "Family, Given" author (or the last word of "Given
 * Family"), folded for an id. */
static char *id_base(const imp_ref *r)
{
	char *fam = NULL;
	if (r->nauthors) {
		const char *a = r->authors[0];
		const char *comma = strchr(a, ',');
		/* Without a comma a name is an organisation's ("NHS England"). */
		fam = comma ? xstrndup(a, (size_t)(comma - a)) : xstrdup(a);
	} else if (r->title) {
		fam = xstrdup(r->title);
		char *sp = fam;
		while (*sp && *sp != ' ')
			sp++;
		*sp = '\0';
	}
	char *folded = imp_fold(fam ? fam : "");
	free(fam);
	buf b = BUF_INIT;
	for (char *p = folded; *p && b.len < 40; p++)
		buf_putc(&b, *p == ' ' ? '-' : *p);
	free(folded);
	if (!b.len)
		buf_puts(&b, "ref");
	if (r->year)
		buf_printf(&b, "-%ld", r->year);
	else
		buf_puts(&b, "-nd");
	return buf_detach(&b);
}

static char *fresh_id(run *ru, const imp_ref *r)
{
	char *base = id_base(r);
	char *id = xstrdup(base);
	for (int n = 1; km_get(&ru->ids, id); n++) {
		free(id);
		/* smith-2020, smith-2020b, ... smith-2020z, then smith-2020-27 */
		id = n < 26 ? xasprintf("%s%c", base, 'a' + n) : xasprintf("%s-%d", base, n + 1);
	}
	free(base);
	km_put(&ru->ids, id, id);
	return id;
}

/* Maps the reference's EPPI AttributeIds (or spreadsheet codes) onto the
 * site's facets. */
static void set_codes(run *ru, const imp_ref *r, rec_src *s)
{
	const cfg_site *site = ru->site;
	for (size_t k = 0; k < r->ncodes; k++) {
		for (size_t f = 0; f < site->nfacets; f++) {
			if (r->code_facets[k]) {
				if (strcmp(r->code_facets[k], site->facets[f].id) == 0)
					rec_src_add_code(s, f, r->codes[k]);
				continue;
			}
			if (!ru->has_plan[f])
				continue;
			const eppi_plan *p = &ru->plans[f];
			for (size_t c = 0; c < p->ncodes; c++)
				if (strcmp(p->codes[c].attr, r->codes[k]) == 0 &&
				    cfg_code_index(&site->facets[f], p->codes[c].id) != CFG_NONE)
					rec_src_add_code(s, f, p->codes[c].id);
		}
	}
}

/* Keywords "Facet label: Code label", as gapmap's RIS download writes a
 * record's codes, become those codes again. */
static void set_keyword_codes(const cfg_site *site, const imp_ref *r, rec_src *s)
{
	for (size_t k = 0; k < r->nkeywords; k++) {
		const char *kw = r->keywords[k];
		const char *colon = strstr(kw, ": ");
		if (!colon)
			continue;
		size_t ln = (size_t)(colon - kw);
		for (size_t f = 0; f < site->nfacets; f++) {
			const cfg_facet *fc = &site->facets[f];
			if (strlen(fc->label) != ln || strncasecmp(fc->label, kw, ln) != 0)
				continue;
			for (size_t c = 0; c < fc->ncodes; c++)
				if (strcasecmp(fc->codes[c].label, colon + 2) == 0)
					rec_src_add_code(s, f, fc->codes[c].id);
		}
	}
}

static bool lacks_required(const cfg_site *site, const rec_src *s)
{
	for (size_t f = 0; f < site->nfacets; f++)
		if (site->facets[f].required && !s->codes[f].n)
			return true;
	return false;
}

static rec_src *src_from_ref(run *ru, const imp_ref *r, const char *id)
{
	rec_src *s = rec_src_new(ru->site, id, r->file);
	s->at = (rec_pos){r->line, 0};
	rec_src_set(&s->title, r->title);
	for (size_t i = 0; i < r->nauthors; i++)
		rec_src_add_author(s, r->authors[i]);
	s->has_year = r->year != 0;
	s->year = r->year;
	if (r->type && strcmp(r->type, "article") != 0)
		rec_src_set(&s->type, r->type);
	rec_src_set(&s->published_in, r->journal);
	rec_src_set(&s->publisher, r->publisher);
	rec_src_set(&s->volume, r->volume);
	rec_src_set(&s->issue, r->issue);
	rec_src_set(&s->pages, r->pages);
	char *doi = r->doi ? rec_normalise_doi(r->doi) : NULL;
	if (r->doi && !doi)
		diag_warning(
		    ru->d, r->file, r->line, 0,
		    "\"%s\" is not a DOI (a DOI starts with 10. and contains a /); left out",
		    r->doi);
	rec_src_set(&s->doi, doi);
	/* A link that is only the DOI's says nothing the DOI does not. */
	bool doi_link = doi && r->url && strstr(r->url, "doi.org/") &&
	                strcasecmp(strstr(r->url, "doi.org/") + 8, doi) == 0;
	if (r->url && rec_url_allowed(r->url) && !doi_link)
		rec_src_set(&s->url, r->url);
	free(doi);
	rec_src_set(&s->added, ru->o->today);
	rec_src_set(&s->eppi_id, r->eppi_id);
	set_codes(ru, r, s);
	set_keyword_codes(ru->site, r, s);
	s->draft = lacks_required(ru->site, s);
	return s;
}

/* Writes text to path; a new file only (O_EXCL), or in place of the old
 * one through a temporary file renamed over it. */
static int write_file(const char *path, const buf *text, bool replace, diag *d)
{
	char *tmp = replace ? xasprintf("%s.tmp-gapmap", path) : xstrdup(path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	int rc = -1;
	if (fd >= 0) {
		ssize_t n = write(fd, text->data ? text->data : "", text->len);
		rc = close(fd) == 0 && n == (ssize_t)text->len ? 0 : -1;
		if (rc == 0 && replace)
			rc = rename(tmp, path);
		if (rc != 0)
			remove(tmp);
	}
	if (rc != 0)
		diag_error(d, path, 0, 0, "cannot write: %s", strerror(errno));
	free(tmp);
	return rc;
}

static char *studies_path(const run *ru, const char *id)
{
	char *name = xasprintf("studies/%s.yaml", id);
	char *p = path_join(ru->o->content_dir, name);
	free(name);
	return p;
}

/* Fills a field the record lacks (or, with force, replaces it). Returns
 * whether it changed. */
static bool merge_field(char **have, const char *got, bool force)
{
	if (!got || (*have && (!force || strcmp(*have, got) == 0)))
		return false;
	rec_src_set(have, got);
	return true;
}

/* --update: refreshes an existing record from the reference. */
static void update_record(run *ru, const imp_ref *r, const char *label)
{
	char *path = path_join(ru->o->content_dir, label);
	char *data;
	size_t len;
	if (read_file(path, REC_MAX_BYTES, &data, &len) != 0) {
		diag_error(ru->d, label, 0, 0, "cannot read for --update: %s", strerror(errno));
		free(path);
		ru->s->invalid++;
		return;
	}
	diag *scratch = diag_new();
	yml_node *root = yml_parse(label, data, len, 1, scratch);
	free(data);
	bool ok = scratch->errors == 0 && root;
	const char *slash = strrchr(label, '/');
	char *id = xstrdup(slash ? slash + 1 : label);
	char *dot = strrchr(id, '.');
	if (dot)
		*dot = '\0';
	rec_src *have = ok ? rec_read(ru->site, root, label, id, &ok, scratch) : NULL;
	yml_free(root);
	if (!ok || !have) {
		diag_error(ru->d, r->file, r->line, 0,
		           "matches %s, which has errors of its own; fix it (gapmap check) before "
		           "--update",
		           label);
		ru->s->invalid++;
		goto done;
	}
	rec_src *got = src_from_ref(ru, r, id);
	bool f = ru->o->force, changed = false;
	changed |= merge_field(&have->title, got->title, f);
	if (got->nauthors && (!have->nauthors || f)) {
		bool same = have->nauthors == got->nauthors;
		for (size_t i = 0; same && i < got->nauthors; i++)
			same = strcmp(have->authors[i], got->authors[i]) == 0;
		if (!same) {
			schema_free_strings(have->authors, have->nauthors);
			have->authors = NULL;
			have->nauthors = 0;
			for (size_t i = 0; i < got->nauthors; i++)
				rec_src_add_author(have, got->authors[i]);
			changed = true;
		}
	}
	if (got->has_year && (!have->has_year || (f && have->year != got->year))) {
		have->has_year = true;
		have->year = got->year;
		changed = true;
	}
	changed |= merge_field(&have->published_in, got->published_in, f);
	changed |= merge_field(&have->publisher, got->publisher, f);
	changed |= merge_field(&have->volume, got->volume, f);
	changed |= merge_field(&have->issue, got->issue, f);
	changed |= merge_field(&have->pages, got->pages, f);
	if (got->doi && !have->doi)
		changed |= merge_field(&have->doi, got->doi, f);
	changed |= merge_field(&have->url, got->url, f);
	changed |= merge_field(&have->eppi_id, got->eppi_id, f);
	for (size_t k = 0; k < have->ncodes; k++)
		for (size_t c = 0; c < got->codes[k].n; c++) {
			size_t before = have->codes[k].n;
			rec_src_add_code(have, k, got->codes[k].ids[c]);
			changed |= have->codes[k].n != before;
		}
	if (have->draft && !lacks_required(ru->site, have)) {
		have->draft = false; /* now coded */
		changed = true;
	}
	rec_src_free(got);
	if (!changed) {
		diag_at(ru->d, DIAG_NOTE, r->file, r->line, 0, "%s is up to date", label);
		ru->s->matched++;
		rec_src_free(have);
		goto done;
	}
	record *rc = rec_check(ru->site, have, ru->d);
	if (!rc) {
		ru->s->invalid++;
		rec_src_free(have);
		goto done;
	}
	rec_free(rc);
	buf y = BUF_INIT;
	yw_record(&y, ru->site, have);
	if (ru->o->dry_run || write_file(path, &y, true, ru->d) == 0) {
		ru->s->updated++;
		diag_at(ru->d, DIAG_NOTE, r->file, r->line, 0, "%s %s",
		        ru->o->dry_run ? "would update" : "updated", label);
	}
	buf_free(&y);
	rec_src_free(have);
done:
	diag_free(scratch);
	free(id);
	free(path);
}

static void import_ref(run *ru, imp_ref *r)
{
	diag *d = ru->d;
	repair(r, &r->title, "title", d);
	repair(r, &r->journal, "journal", d);
	for (size_t i = 0; i < r->nauthors; i++)
		repair(r, &r->authors[i], "author", d);
	match_keys mk = keys_of(r->eppi_id, r->doi, r->title, r->year);
	for (int k = 0; k < 3; k++) {
		const char *hit = mk.k[k] ? km_get(&ru->existing, mk.k[k]) : NULL;
		if (hit) {
			if (ru->o->update) {
				update_record(ru, r, hit);
			} else {
				diag_at(
				    d, DIAG_NOTE, r->file, r->line, 0,
				    "skipped: already in the map as %s (%s); --update refreshes it",
				    hit, match_why[k]);
				ru->s->matched++;
			}
			keys_free(&mk);
			return;
		}
		const char *twin = mk.k[k] ? km_get(&ru->imported, mk.k[k]) : NULL;
		if (twin) {
			diag_at(d, DIAG_NOTE, r->file, r->line, 0,
			        "skipped: the same reference as at %s (%s)", twin, match_why[k]);
			ru->s->repeated++;
			keys_free(&mk);
			return;
		}
	}
	if (!r->title || !r->year) {
		diag_error(d, r->file, r->line, 0, "reference without %s: not imported",
		           !r->title ? "a title" : "a year");
		ru->s->invalid++;
		keys_free(&mk);
		return;
	}
	char *id = fresh_id(ru, r);
	rec_src *s = src_from_ref(ru, r, id);
	record *rc = rec_check(ru->site, s, d);
	if (!rc) {
		ru->s->invalid++;
	} else {
		char *label = xasprintf("studies/%s.yaml", id);
		char *where = xasprintf("%s:%d", r->file, r->line);
		for (int k = 0; k < 3; k++)
			if (mk.k[k])
				km_put(&ru->imported, mk.k[k], where);
		buf y = BUF_INIT;
		yw_record(&y, ru->site, s);
		char *path = studies_path(ru, id);
		if (ru->o->dry_run || write_file(path, &y, false, d) == 0) {
			ru->s->created++;
			ru->s->drafts += s->draft;
		} else {
			ru->s->invalid++;
		}
		free(path);
		buf_free(&y);
		free(where);
		free(label);
	}
	rec_free(rc);
	rec_src_free(s);
	free(id);
	keys_free(&mk);
}

/* Indexes the map's records (drafts too) by their match keys, and every
 * record file's id as taken. */
static void index_existing(run *ru)
{
	for (size_t i = 0; i < ru->m->nfile_ids; i++)
		km_put(&ru->ids, ru->m->file_ids[i], ru->m->file_ids[i]);
	for (size_t i = 0; i < ru->m->nrecs; i++) {
		const record *r = ru->m->recs[i];
		match_keys mk = keys_of(r->eppi_id, r->doi, r->title, r->year);
		for (int k = 0; k < 3; k++)
			if (mk.k[k])
				km_put(&ru->existing, mk.k[k], r->file);
		keys_free(&mk);
	}
}

static char *read_input(const char *path, size_t *len, diag *d)
{
	char *data;
	size_t n;
	if (read_file(path, IMPORT_MAX_BYTES, &data, &n) != 0) {
		diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	char *text = imp_decode(path, data, n, len, d);
	free(data);
	return text;
}

/* Parses one file into refs (and the code tree for EPPI). */
static void parse_file(const import_opts *o, const cfg_site *site, const char *path, imp_refs *refs,
                       eppi_codes *codes, diag *d)
{
	size_t len;
	char *text = read_input(path, &len, d);
	if (!text)
		return;
	const char *want = sniff_name_of(o->format);
	const char *is = imp_sniff(text);
	if (is && strcmp(is, want) != 0) {
		diag_error(d, path, 0, 0, "this is %s, not %s: nothing imported from it",
		           imp_format_name(is), imp_format_name(o->format));
	} else if (strcmp(o->format, "ris") == 0) {
		if (ris_parse(path, text, refs, d) == 0)
			diag_error(d, path, 0, 0,
			           "no RIS reference in the file (no \"TY  - \" line)");
	} else if (strcmp(o->format, "bibtex") == 0) {
		if (bibtex_parse(path, text, refs, d) == 0)
			diag_error(d, path, 0, 0,
			           "no BibTeX entry in the file (no \"@article{\" or the like)");
	} else if (strcmp(o->format, "csv") == 0) {
		csv_opts co = {o->map, o->nmap, o->split};
		if (csv_parse(path, text, &co, site, refs, d) == 0)
			diag_error(d, path, 0, 0, "no rows under the header line");
	} else if (strcmp(o->format, "eppi") == 0) {
		eppi_parse(path, text, len, refs, codes, d);
	}
	free(text);
}

int import_run(const import_opts *o, import_summary *s, buf *report, diag *d)
{
	memset(s, 0, sizeof *s);
	run ru = {.o = o, .s = s, .report = report, .d = d};
	imp_refs refs = {0};
	eppi_codes codes = {0};
	size_t errors_before = d->errors;
	/* A spreadsheet's columns may be named after the site's facets. */
	cfg_site *before = NULL;
	if (strcmp(o->format, "csv") == 0) {
		char *sp = path_join(o->content_dir, "site.yaml");
		diag *scratch = diag_new();
		before = cfg_load(sp, "site.yaml", scratch);
		diag_free(scratch);
		free(sp);
	}
	for (size_t i = 0; i < o->nfiles; i++)
		parse_file(o, before, o->files[i], &refs, &codes, d);
	cfg_free(before);
	s->read = refs.n;
	int rc = d->errors != errors_before ? 1 : 0;
	char *site_path = path_join(o->content_dir, "site.yaml");
	char *tmp_site = NULL;
	if (o->rows || o->columns) {
		buf y = BUF_INIT;
		if (siteyaml_map(o, &codes, &y, d) != 0) {
			buf_free(&y);
			free(site_path);
			rc = 1;
			goto out;
		}
		/* A dry run reads the site it would write from a temporary file. */
		if (o->dry_run) {
			const char *tmpdir = getenv("TMPDIR");
			tmp_site =
			    xasprintf("%s/gapmap-site-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
			int fd = mkstemp(tmp_site);
			if (fd >= 0)
				close(fd);
		}
		if (write_file(tmp_site ? tmp_site : site_path, &y, true, d) == 0)
			buf_printf(report,
			           "gapmap: %s site.yaml's map and facets from the export\n",
			           o->dry_run ? "would write" : "wrote");
		buf_free(&y);
	}
	ru.site = cfg_load(tmp_site ? tmp_site : site_path, "site.yaml", d);
	if (tmp_site)
		remove(tmp_site);
	free(tmp_site);
	free(site_path);
	if (!ru.site) {
		rc = 1;
		goto out;
	}
	diag *scratch = diag_new();
	ru.m = model_open(o->content_dir, &(model_opts){.drafts = true}, scratch);
	diag_free(scratch);
	if (!ru.m) {
		rc = 1;
		goto out;
	}
	if (ru.m->nfailed)
		diag_warning(d, "studies", 0, 0,
		             "%zu record%s could not be read (gapmap check says why): a reference "
		             "matching one of them is not recognised as already in the map",
		             ru.m->nfailed, ru.m->nfailed == 1 ? "" : "s");
	ru.plans = xcalloc(ru.site->nfacets ? ru.site->nfacets : 1, sizeof *ru.plans);
	ru.has_plan = xcalloc(ru.site->nfacets ? ru.site->nfacets : 1, sizeof *ru.has_plan);
	for (size_t f = 0; f < ru.site->nfacets; f++)
		ru.has_plan[f] = eppi_plan_facet(&codes, ru.site->facets[f].id, &ru.plans[f]);
	index_existing(&ru);
	if (!o->dry_run && refs.n) {
		char *studies = path_join(o->content_dir, "studies");
		mkdir(studies, 0755);
		free(studies);
	}
	for (size_t i = 0; i < refs.n; i++)
		import_ref(&ru, &refs.v[i]);
	const char *would = o->dry_run ? "would be " : "";
	buf_printf(report,
	           "gapmap: %s%zu reference%s read; %zu %screated (%zu of them drafts, not yet "
	           "coded), %zu %supdated, %zu skipped (%zu already in the map, %zu repeated in "
	           "the import, %zu invalid)\n",
	           o->dry_run ? "dry run, nothing written: " : "", s->read, s->read == 1 ? "" : "s",
	           s->created, would, s->drafts, s->updated, would,
	           s->matched + s->repeated + s->invalid, s->matched, s->repeated, s->invalid);
	if (s->invalid)
		rc = 1;
out:
	for (size_t f = 0; ru.site && ru.plans && f < ru.site->nfacets; f++)
		if (ru.has_plan[f])
			eppi_plan_free(&ru.plans[f]);
	free(ru.plans);
	free(ru.has_plan);
	km_free(&ru.existing);
	km_free(&ru.imported);
	km_free(&ru.ids);
	model_free(ru.m);
	cfg_free(ru.site);
	eppi_codes_free(&codes);
	refs_free(&refs);
	return rc;
}
