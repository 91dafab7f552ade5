#include "model/model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"
#include "core/paths.h"
#include "load/note.h"
#include "load/schema.h"
#include "load/yml.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory entries, sorted, so the build never depends on readdir order.
 * A folder that is a symbolic link is an error at label (its files could
 * lie anywhere) and counts as missing. */
static char **list_dir(const char *dir, const char *label, size_t *n, bool *missing, diag *d)
{
	*n = 0;
	*missing = false;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		struct stat st;
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			diag_error(d, label, 0, 0,
			           "is a symbolic link: gapmap follows no links in the content folder; "
			           "put the files in the folder itself");
		if (fd >= 0)
			close(fd);
		*missing = true;
		return NULL;
	}
	size_t cap = 0;
	char **names = NULL;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(dp);
	if (*n > 1)
		qsort(names, *n, sizeof *names, cmp_names);
	return names;
}

static void free_names(char **v, size_t n)
{
	schema_free_strings(v, n);
}

static bool has_name(char **names, size_t n, const char *name)
{
	return n && bsearch(&name, names, n, sizeof *names, cmp_names) != NULL;
}

static char *base_of(const char *name, const char *ext)
{
	return xstrndup(name, strlen(name) - strlen(ext));
}

/* A record file to load, and what it loaded into. */
typedef struct rec_task {
	char *path, *label, *id, *mdpath, *mdlabel;
	record *r;
} rec_task;

/* Records are loaded in chunks of LOAD_CHUNK, each with its own diag, by
 * threads that take the next chunk as they finish one; the chunks' records
 * and messages are then taken in file order, so nothing depends on which
 * thread loaded what. */
#define LOAD_CHUNK 32

typedef struct rec_loader {
	const cfg_site *site;
	rec_task *tasks;
	size_t ntasks;
	diag **diags;        /* one per chunk */
	_Atomic size_t next; /* the next chunk to take */
} rec_loader;

static void *load_chunks(void *arg)
{
	rec_loader *ld = arg;
	for (;;) {
		size_t c = ld->next++;
		size_t from = c * LOAD_CHUNK;
		if (from >= ld->ntasks)
			return NULL;
		size_t to = from + LOAD_CHUNK < ld->ntasks ? from + LOAD_CHUNK : ld->ntasks;
		ld->diags[c] = diag_new();
		for (size_t i = from; i < to; i++) {
			rec_task *t = &ld->tasks[i];
			t->r = rec_load(ld->site, t->path, t->label, t->id, t->mdpath, t->mdlabel,
			                ld->diags[c]);
		}
	}
}

/* Threads for loading n records: as asked (jobs > 0), else one per core,
 * none beyond one per few chunks. */
static size_t load_threads(int jobs, size_t n)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = jobs > 0 ? (size_t)jobs : cores > 0 ? (size_t)cores : 1;
	if (k > 16)
		k = 16;
	size_t by_size = n / (4 * LOAD_CHUNK) + 1;
	return k < by_size ? k : by_size;
}

static void load_tasks(model *m, rec_task *tasks, size_t n, int jobs, diag *d)
{
	size_t nchunks = (n + LOAD_CHUNK - 1) / LOAD_CHUNK;
	rec_loader ld = {m->site, tasks, n, xcalloc(nchunks ? nchunks : 1, sizeof(diag *)), 0};
	size_t nthreads = load_threads(jobs, n);
	pthread_t *tid = xcalloc(nthreads, sizeof *tid);
	bool *started = xcalloc(nthreads, sizeof *started);
	for (size_t i = 1; i < nthreads; i++)
		started[i] = pthread_create(&tid[i], NULL, load_chunks, &ld) == 0;
	load_chunks(&ld); /* a thread that could not start leaves its share here */
	for (size_t i = 1; i < nthreads; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	for (size_t c = 0; c < nchunks; c++) {
		diag_merge(d, ld.diags[c]);
		diag_free(ld.diags[c]);
	}
	for (size_t i = 0; i < n; i++)
		if (tasks[i].r)
			m->recs[m->nrecs++] = tasks[i].r;
	free(started);
	free(tid);
	free(ld.diags);
}

static void load_records(model *m, const char *dir, int jobs, diag *d)
{
	char *sdir = path_join(dir, "studies");
	size_t n;
	bool missing;
	size_t before = d->errors;
	char **names = list_dir(sdir, "studies", &n, &missing, d);
	if (missing) {
		if (d->errors == before)
			diag_warning(d, "studies", 0, 0, "no studies folder: the map is empty");
		free(sdir);
		return;
	}
	m->recs = xcalloc(n ? n : 1, sizeof *m->recs);
	rec_task *tasks = xcalloc(n ? n : 1, sizeof *tasks);
	size_t ntasks = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		const char *ext = str_ends_with(name, ".yaml") ? ".yaml"
		                  : str_ends_with(name, ".yml") ? ".yml"
		                  : str_ends_with(name, ".md")  ? ".md"
		                                                : NULL;
		char *label = xasprintf("studies/%s", name);
		if (!ext) {
			diag_warning(d, label, 0, 0,
			             "ignored: records are .yaml files and notes are .md files");
			free(label);
			continue;
		}
		char *id = base_of(name, ext);
		char *yaml_twin = xasprintf("%s.yaml", id);
		if (strcmp(ext, ".md") == 0) {
			char *y1 = xasprintf("%s.yaml", id), *y2 = xasprintf("%s.yml", id);
			if (!has_name(names, n, y1) && !has_name(names, n, y2))
				diag_error(d, label, 0, 0, "note without a record: there is no studies/%s.yaml",
				           id);
			free(y1);
			free(y2);
		} else if (!schema_valid_id(id)) {
			diag_error(d, label, 0, 0,
			           "\"%s\" is not a valid record id: file names use lower-case letters, "
			           "digits and hyphens",
			           id);
		} else if (strcmp(ext, ".yml") == 0 && has_name(names, n, yaml_twin)) {
			diag_error(d, label, 0, 0, "duplicate id \"%s\": studies/%s.yaml exists too", id, id);
		} else {
			m->file_ids = xrealloc(m->file_ids, (m->nfile_ids + 1) * sizeof *m->file_ids);
			m->file_ids[m->nfile_ids++] = xstrdup(id);
			char *mdname = xasprintf("%s.md", id);
			rec_task *t = &tasks[ntasks++];
			t->path = path_join(sdir, name);
			t->mdpath = has_name(names, n, mdname) ? path_join(sdir, mdname) : NULL;
			t->mdlabel = xasprintf("studies/%s", mdname);
			t->label = label;
			t->id = id;
			label = id = NULL; /* the task's now */
			free(mdname);
		}
		free(yaml_twin);
		free(id);
		free(label);
	}
	load_tasks(m, tasks, ntasks, jobs, d);
	for (size_t i = 0; i < ntasks; i++) {
		free(tasks[i].path);
		free(tasks[i].label);
		free(tasks[i].id);
		free(tasks[i].mdpath);
		free(tasks[i].mdlabel);
	}
	free(tasks);
	free_names(names, n);
	free(sdir);
	/* Sorted by id, not by file name ("a-b.yaml" sorts before "a.yaml"). */
	if (m->nfile_ids > 1)
		qsort(m->file_ids, m->nfile_ids, sizeof *m->file_ids, cmp_names);
}

static void load_pages(model *m, const char *dir, diag *d)
{
	char *pdir = path_join(dir, "pages");
	size_t n;
	bool missing;
	char **names = list_dir(pdir, "pages", &n, &missing, d);
	if (missing) {
		free(pdir);
		return;
	}
	m->pages = xcalloc(n ? n : 1, sizeof *m->pages);
	for (size_t i = 0; i < n; i++) {
		char *label = xasprintf("pages/%s", names[i]);
		if (!str_ends_with(names[i], ".md")) {
			diag_warning(d, label, 0, 0, "ignored: pages are .md files");
			free(label);
			continue;
		}
		char *slug = base_of(names[i], ".md");
		bool reserved = false;
		for (size_t k = 0; paths_reserved[k]; k++)
			reserved |= strcmp(slug, paths_reserved[k]) == 0;
		for (size_t k = 0; m->site && k < m->site->nfacets; k++)
			reserved |= strcmp(slug, m->site->facets[k].path) == 0;
		if (!schema_valid_id(slug) || reserved) {
			diag_error(d, label, 0, 0,
			           reserved ? "page name \"%s\" is taken by the site's own pages; rename the "
			                      "file"
			                    : "\"%s\" is not a valid page name: use lower-case letters, "
			                      "digits and hyphens",
			           slug);
			free(slug);
			free(label);
			continue;
		}
		char *path = path_join(pdir, names[i]);
		char *text;
		size_t len;
		if (file_read(d, label, path, REC_MAX_BYTES, (file_msgs){0}, &text, &len,
		              "page is larger than 1 MiB (%d bytes), the limit for one page",
		              REC_MAX_BYTES) != 0) {
			free(path);
			free(slug);
			free(label);
			continue;
		}
		free(path);
		page pg = {0};
		pg.slug = slug;
		pg.file = label;
		bool ok = diag_utf8(d, label, text, len, 1);
		size_t yoff, ylen, body = 0;
		int yline;
		if (ok && note_front_matter(text, len, &yoff, &ylen, &body, &yline)) {
			size_t before = d->errors;
			yml_node *fm = yml_parse(label, text + yoff, ylen, yline, d);
			if (fm && fm->kind != YML_MAP) {
				diag_error(d, label, fm->line, fm->col, "front matter should be a mapping");
				ok = false;
			} else if (fm) {
				static const char *const keys[] = {"title", "description", "menu"};
				schema_check_keys(fm, keys, 3, NULL, 0, "page front matter", d);
				long long menu = 0;
				schema_string(fm, "title", false, &pg.title, &ok, d);
				schema_string(fm, "description", false, &pg.description, &ok, d);
				if (schema_int(fm, "menu", false, 1, 1000, &menu, &ok, d))
					pg.menu = (long)menu;
			}
			ok &= d->errors == before;
			yml_free(fm);
		}
		if (ok) {
			pg.html = note_html(text + body, len - body, 0);
			pg.links = note_links(text, len, body, &pg.nlinks);
			if (!pg.title)
				pg.title = note_first_heading(text + body, len - body);
			if (!pg.title || !pg.title[0]) {
				free(pg.title);
				pg.title = xstrdup(slug);
			}
			m->pages[m->npages++] = pg;
		} else {
			free(pg.slug);
			free(pg.file);
			free(pg.title);
			free(pg.description);
		}
		free(text);
	}
	free_names(names, n);
	free(pdir);
}

static int cmp_pages(const void *pa, const void *pb)
{
	const page *a = pa, *b = pb;
	long ma = a->menu ? a->menu : 1000000, mb = b->menu ? b->menu : 1000000;
	if (ma != mb)
		return ma < mb ? -1 : 1;
	return strcmp(a->slug, b->slug);
}

static int cmp_id_rec(const void *key, const void *elem)
{
	return strcmp(key, (*(record *const *)elem)->id);
}

size_t model_record_index(const model *m, const char *id)
{
	record **r = m->nrecs ? bsearch(id, m->recs, m->nrecs, sizeof *m->recs, cmp_id_rec) : NULL;
	return r ? (size_t)(r - m->recs) : CFG_NONE;
}

static int cmp_rec_ptr(const void *pa, const void *pb)
{
	const record *a = *(record *const *)pa, *b = *(record *const *)pb;
	return strcmp(a->id, b->id);
}

static int cmp_doi(const void *pa, const void *pb)
{
	const record *a = *(record *const *)pa, *b = *(record *const *)pb;
	int c = strcmp(a->doi, b->doi);
	return c ? c : strcmp(a->id, b->id);
}

static void check_dois(model *m, diag *d)
{
	record **with = xcalloc(m->nrecs ? m->nrecs : 1, sizeof *with);
	size_t n = 0;
	for (size_t i = 0; i < m->nrecs; i++)
		if (m->recs[i]->doi)
			with[n++] = m->recs[i];
	if (n > 1)
		qsort(with, n, sizeof *with, cmp_doi);
	for (size_t i = 1; i < n; i++)
		if (strcmp(with[i]->doi, with[i - 1]->doi) == 0) {
			/* Find the first record with this DOI to name it. */
			size_t k = i - 1;
			while (k > 0 && strcmp(with[k - 1]->doi, with[i]->doi) == 0)
				k--;
			diag_error(d, with[i]->file, with[i]->doi_pos.line, with[i]->doi_pos.col,
			           "duplicate DOI %s: %s has it too (a further report of one study is "
			           "its own record with its own DOI)",
			           with[i]->doi, with[k]->file);
		}
	free(with);
}

static bool file_id_exists(const model *m, const char *id)
{
	return m->nfile_ids &&
	       bsearch(&id, m->file_ids, m->nfile_ids, sizeof *m->file_ids, cmp_names) != NULL;
}

static void report_missing_study(const model *m, const record *rc, diag *d)
{
	const char **ids = xcalloc(m->nrecs ? m->nrecs : 1, sizeof *ids);
	for (size_t i = 0; i < m->nrecs; i++)
		ids[i] = m->recs[i]->id;
	const char *hint = diag_suggest(rc->study, ids, m->nrecs);
	diag_error(d, rc->file, rc->study_pos.line, rc->study_pos.col,
	           "study \"%s\" does not exist (no studies/%s.yaml)%s%s%s", rc->study, rc->study,
	           hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
	free(ids);
}

/* Reports every record of a cycle of study: links, each message naming the
 * whole circle from that record on, so the author sees which link to cut. */
static void report_cycle(const model *m, const size_t *path, size_t n, diag *d)
{
	for (size_t i = 0; i < n; i++) {
		const record *rc = m->recs[path[i]];
		if (n == 1) {
			diag_error(d, rc->file, rc->study_pos.line, rc->study_pos.col,
			           "a record cannot be a further report of itself; remove \"study\"");
			continue;
		}
		buf b = BUF_INIT;
		for (size_t k = 0; k <= n; k++)
			buf_printf(&b, "%s%s", k ? " -> " : "", m->recs[path[(i + k) % n]]->id);
		diag_error(d, rc->file, rc->study_pos.line, rc->study_pos.col,
		           "reports link to each other in a circle (%s); the first report of a study "
		           "has no \"study\" field",
		           buf_cstr(&b));
		buf_free(&b);
	}
}

/* Finds, for every record, the record its study starts from by following
 * study: links (a link to a further report is followed on). Each record is
 * walked once, so long chains stay linear. A link to a missing record is an
 * error unless that record's file exists but failed to load (its own error
 * says why; a second one here would mislead). */
static size_t *resolve_primaries(model *m, diag *d, bool *ok)
{
	size_t n = m->nrecs;
	size_t *primary = xcalloc(n ? n : 1, sizeof *primary);
	unsigned char *state = xcalloc(n ? n : 1, 1); /* 0 new, 1 on the path, 2 done */
	size_t *path = xcalloc(n ? n : 1, sizeof *path);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, cur = i, root;
		for (;;) {
			if (state[cur] == 2) {
				root = primary[cur];
				break;
			}
			if (state[cur] == 1) {
				size_t start = 0;
				while (path[start] != cur)
					start++;
				report_cycle(m, path + start, len - start, d);
				*ok = false;
				for (size_t k = start; k < len; k++) {
					primary[path[k]] = path[k];
					state[path[k]] = 2;
				}
				len = start;
				root = cur;
				break;
			}
			state[cur] = 1;
			path[len++] = cur;
			const record *rc = m->recs[cur];
			if (!rc->study) {
				root = cur;
				break;
			}
			size_t next = model_record_index(m, rc->study);
			if (next == CFG_NONE) {
				if (!file_id_exists(m, rc->study)) {
					report_missing_study(m, rc, d);
					*ok = false;
				}
				root = cur;
				break;
			}
			cur = next;
		}
		for (size_t k = 0; k < len; k++) {
			primary[path[k]] = root;
			state[path[k]] = 2;
		}
	}
	free(path);
	free(state);
	return primary;
}

static int cmp_year_id(const record *a, const record *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	return strcmp(a->id, b->id);
}

typedef struct study_key {
	long year;
	const char *id;
	size_t primary;
} study_key;

static int cmp_study_key(const void *pa, const void *pb)
{
	const study_key *a = pa, *b = pb;
	if (a->year != b->year)
		return a->year > b->year ? -1 : 1;
	return strcmp(a->id, b->id);
}

static void build_studies(model *m, diag *d, bool *ok)
{
	size_t n = m->nrecs;
	size_t *primary = resolve_primaries(m, d, ok);
	m->studies = xcalloc(n ? n : 1, sizeof *m->studies);
	m->study_of = xcalloc(n ? n : 1, sizeof *m->study_of);
	study_key *keys = xcalloc(n ? n : 1, sizeof *keys);
	for (size_t i = 0; i < n; i++)
		if (primary[i] == i)
			keys[m->nstudies++] = (study_key){m->recs[i]->year, m->recs[i]->id, i};
	/* Newest first: what a reader of a living map wants to see on top. */
	if (m->nstudies > 1)
		qsort(keys, m->nstudies, sizeof *keys, cmp_study_key);
	for (size_t s = 0; s < m->nstudies; s++) {
		m->studies[s].primary = keys[s].primary;
		m->studies[s].year = keys[s].year;
	}
	free(keys);
	size_t *slot = xcalloc(n ? n : 1, sizeof *slot);
	for (size_t s = 0; s < m->nstudies; s++)
		slot[m->studies[s].primary] = s;
	for (size_t i = 0; i < n; i++) {
		study *s = &m->studies[slot[primary[i]]];
		m->study_of[i] = slot[primary[i]];
		s->reports = xrealloc(s->reports, (s->nreports + 1) * sizeof *s->reports);
		s->reports[s->nreports++] = i;
	}
	const cfg_site *site = m->site;
	for (size_t s = 0; s < m->nstudies; s++) {
		study *st = &m->studies[s];
		/* Primary first, then the further reports by year and id. */
		for (size_t a = 0; a < st->nreports; a++)
			if (st->reports[a] == st->primary) {
				st->reports[a] = st->reports[0];
				st->reports[0] = st->primary;
			}
		for (size_t a = 1; a < st->nreports; a++)
			for (size_t b = a + 1; b < st->nreports; b++)
				if (cmp_year_id(m->recs[st->reports[b]], m->recs[st->reports[a]]) < 0) {
					size_t t = st->reports[a];
					st->reports[a] = st->reports[b];
					st->reports[b] = t;
				}
		st->codes = xcalloc(site->nfacets ? site->nfacets : 1, sizeof *st->codes);
		for (size_t f = 0; f < site->nfacets; f++) {
			size_t nc = site->facets[f].ncodes;
			rec_codes *u = &st->codes[f];
			u->idx = xcalloc(nc ? nc : 1, sizeof *u->idx);
			for (size_t c = 0; c < nc; c++) {
				bool any = false;
				for (size_t r = 0; r < st->nreports && !any; r++)
					any = rec_has_code(m->recs[st->reports[r]], f, c);
				if (any)
					u->idx[u->n++] = c;
			}
		}
	}
	free(slot);
	free(primary);
}

static void push_idx(idx_list *l, size_t v)
{
	/* Grow in powers of two; counts are known only as we go. */
	if ((l->n & (l->n - 1)) == 0)
		l->v = xrealloc(l->v, (l->n ? l->n * 2 : 1) * sizeof *l->v);
	l->v[l->n++] = v;
}

static void build_indexes(model *m)
{
	const cfg_site *site = m->site;
	m->by_code = xcalloc(site->nfacets ? site->nfacets : 1, sizeof *m->by_code);
	for (size_t f = 0; f < site->nfacets; f++)
		m->by_code[f] = xcalloc(site->facets[f].ncodes ? site->facets[f].ncodes : 1,
		                        sizeof **m->by_code);
	m->reports_by_code = xcalloc(site->nfacets ? site->nfacets : 1, sizeof *m->reports_by_code);
	for (size_t f = 0; f < site->nfacets; f++) {
		m->reports_by_code[f] = xcalloc(site->facets[f].ncodes ? site->facets[f].ncodes : 1,
		                                sizeof **m->reports_by_code);
		for (size_t r = 0; r < m->nrecs; r++)
			for (size_t k = 0; k < m->recs[r]->codes[f].n; k++)
				m->reports_by_code[f][m->recs[r]->codes[f].idx[k]]++;
	}
	m->ncols = site->facets[site->columns].ncodes;
	size_t nrows = site->facets[site->rows].ncodes;
	size_t ncells = nrows * m->ncols;
	m->cells = xcalloc(ncells ? ncells : 1, sizeof *m->cells);
	m->year_min = m->year_max = 0;
	for (size_t s = 0; s < m->nstudies; s++) {
		const study *st = &m->studies[s];
		for (size_t f = 0; f < site->nfacets; f++)
			for (size_t k = 0; k < st->codes[f].n; k++)
				push_idx(&m->by_code[f][st->codes[f].idx[k]], s);
		const rec_codes *rc = &st->codes[site->rows], *cc = &st->codes[site->columns];
		for (size_t a = 0; a < rc->n; a++)
			for (size_t b = 0; b < cc->n; b++)
				push_idx(&m->cells[rc->idx[a] * m->ncols + cc->idx[b]], s);
		if (!m->year_min || st->year < m->year_min)
			m->year_min = st->year;
		if (st->year > m->year_max)
			m->year_max = st->year;
	}
}

static void check_paths(model *m, diag *d, bool *ok)
{
	const cfg_site *site = m->site;
	for (size_t f = 0; f < site->nfacets; f++) {
		const char *p = site->facets[f].path;
		for (size_t k = 0; paths_reserved[k]; k++)
			if (strcmp(p, paths_reserved[k]) == 0) {
				diag_error(d, "site.yaml", site->facets[f].path_line, site->facets[f].path_col,
				           "facet \"%s\" has path \"%s\", which the site's own pages use; set "
				           "another \"path\"",
				           site->facets[f].id, p);
				*ok = false;
			}
		for (size_t g = 0; g < f; g++)
			if (strcmp(p, site->facets[g].path) == 0) {
				diag_error(d, "site.yaml", site->facets[f].path_line, site->facets[f].path_col,
				           "facets \"%s\" and \"%s\" have the same path \"%s\"",
				           site->facets[g].id, site->facets[f].id, p);
				*ok = false;
			}
	}
}

/* Moves drafts out of recs (kept in id order) unless they are wanted. */
static void set_drafts_apart(model *m, bool keep)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrecs; i++) {
		record *r = m->recs[i];
		if (r->draft && !keep) {
			m->drafts = xrealloc(m->drafts, (m->ndrafts + 1) * sizeof *m->drafts);
			m->drafts[m->ndrafts++] = r;
		} else {
			m->recs[n++] = r;
		}
	}
	m->nrecs = n;
}

model *model_load(const char *content_dir, diag *d)
{
	size_t before = d->errors;
	model *m = model_open(content_dir, NULL, d);
	if (m && d->errors != before) {
		model_free(m);
		return NULL;
	}
	return m;
}

model *model_new(const char *content_dir, diag *d)
{
	model *m = xcalloc(1, sizeof *m);
	char *site_path = path_join(content_dir, "site.yaml");
	m->site = cfg_load(site_path, "site.yaml", d);
	free(site_path);
	if (!m->site) {
		model_free(m);
		return NULL;
	}
	return m;
}

model *model_open(const char *content_dir, const model_opts *opts, diag *d)
{
	model *m = model_new(content_dir, d);
	if (!m)
		return NULL;
	load_records(m, content_dir, opts ? opts->jobs : 0, d);
	model_finish(m, content_dir, opts, d);
	return m;
}

void model_finish(model *m, const char *content_dir, const model_opts *opts, diag *d)
{
	bool ok = true;
	check_paths(m, d, &ok);
	if (m->nrecs > 1)
		qsort(m->recs, m->nrecs, sizeof *m->recs, cmp_rec_ptr);
	load_pages(m, content_dir, d);
	if (m->npages > 1)
		qsort(m->pages, m->npages, sizeof *m->pages, cmp_pages);
	check_dois(m, d);
	m->nfailed = m->nfile_ids - m->nrecs;
	set_drafts_apart(m, opts && opts->drafts);
	/* Everything below works on the records that loaded; what failed has
	 * been reported, and the rest is still checked. */
	build_studies(m, d, &ok);
	build_indexes(m);
}

const idx_list *model_cell(const model *m, size_t row_code, size_t col_code)
{
	return &m->cells[row_code * m->ncols + col_code];
}

void model_count_code(const model *m, size_t facet, size_t code, size_t *studies,
                      size_t *reports)
{
	*studies = m->by_code[facet][code].n;
	*reports = m->reports_by_code[facet][code];
}

void model_free(model *m)
{
	if (!m)
		return;
	const cfg_site *site = m->site;
	for (size_t s = 0; s < m->nstudies; s++) {
		free(m->studies[s].reports);
		for (size_t f = 0; site && f < site->nfacets; f++)
			free(m->studies[s].codes ? m->studies[s].codes[f].idx : NULL);
		free(m->studies[s].codes);
	}
	free(m->studies);
	free(m->study_of);
	if (m->by_code) {
		for (size_t f = 0; f < site->nfacets; f++) {
			for (size_t c = 0; c < site->facets[f].ncodes; c++)
				free(m->by_code[f][c].v);
			free(m->by_code[f]);
		}
		free(m->by_code);
	}
	if (m->reports_by_code) {
		for (size_t f = 0; f < site->nfacets; f++)
			free(m->reports_by_code[f]);
		free(m->reports_by_code);
	}
	if (m->cells) {
		size_t n = site->facets[site->rows].ncodes * m->ncols;
		for (size_t i = 0; i < n; i++)
			free(m->cells[i].v);
		free(m->cells);
	}
	for (size_t i = 0; i < m->nrecs && !m->borrowed; i++)
		rec_free(m->recs[i]);
	free(m->recs);
	for (size_t i = 0; i < m->ndrafts && !m->borrowed; i++)
		rec_free(m->drafts[i]);
	free(m->drafts);
	for (size_t i = 0; i < m->npages; i++) {
		free(m->pages[i].slug);
		free(m->pages[i].file);
		free(m->pages[i].title);
		free(m->pages[i].description);
		free(m->pages[i].html);
		note_links_free(m->pages[i].links, m->pages[i].nlinks);
	}
	free(m->pages);
	free_names(m->file_ids, m->nfile_ids);
	cfg_free(m->site);
	free(m);
}
