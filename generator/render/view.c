#include "render/view.h"

#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "core/util.h"

/* Every kind of view; a and b are indices into the model. */
typedef enum vkind {
	V_SITE,
	V_SITE_AUTHORS,
	V_FACETS,
	V_FACET_BY_ID,
	V_FACET,      /* a: facet */
	V_CODES,      /* a: facet */
	V_CODES_BY_ID, /* a: facet */
	V_CODE,       /* a: facet, b: code */
	V_GROUPS,     /* a: facet */
	V_GROUP,      /* a: facet, b: group */
	V_GROUP_CODES, /* a: facet, b: group */
	V_REPORTS,
	V_REPORT,      /* a: record */
	V_REP_AUTHORS, /* a: record */
	V_REP_CODES,   /* a: record; by facet id */
	V_REP_CODELIST, /* a: record, b: facet */
	V_FINDINGS,    /* a: record */
	V_FINDING,     /* a: record, b: finding */
	V_STUDIES,
	V_STUDY,         /* a: study */
	V_STUDY_REPORTS, /* a: study */
	V_STUDY_CODES,   /* a: study; by facet id */
	V_STUDY_CODELIST, /* a: study, b: facet */
	V_STUDY_FINDINGS, /* a: study; by row code id */
	V_STUDY_FINDLIST, /* a: study, b: row code */
	V_MAP,
	V_FILTERS,
	V_CELLROWS,
	V_CELLROW, /* a: row code */
	V_CELL,    /* a: row code, b: column code */
	V_PAGES,
	V_PAGE, /* a: page */
	V_FLOWS,
	V_FLOW, /* a: flow */
	V_CODE_STUDIES, /* a: facet, b: code */
	V_CELL_STUDIES, /* a: row code, b: column code */
	V_SLICE,        /* a list of studies: see view_push_study_slice */
	V_NKINDS
} vkind;

typedef struct view {
	vkind kind;
	size_t a, b;
	/* V_SLICE: the list sliced (V_STUDIES, V_CODE_STUDIES, V_CELL_STUDIES)
	 * and its window. */
	vkind base;
	size_t from, n;
	bool recorded; /* its dependency was recorded on this page */
} view;

struct view_set {
	lua_State *L;
	const model *m;
	const render_flow *flows;
	size_t nflows;
	char *generator;
	int cache_ref; /* key -> view, for the page being rendered */
	render_deps *deps;
	bool site_recorded;
};

#define VIEW_MT "gapmap.view"

/* Every field name a view knows, looked up once per read through a Lua
 * table of interned names (no string comparisons). */
typedef enum field_id {
	F_NONE,
	F_added,
	F_attribution,
	F_authors,
	F_authors_short,
	F_by_id,
	F_cells,
	F_citation,
	F_code,
	F_codes,
	F_column,
	F_columns,
	F_comparison,
	F_definition,
	F_description,
	F_detail,
	F_direction,
	F_direction_label,
	F_doi,
	F_doi_url,
	F_facet,
	F_file,
	F_filled,
	F_filters,
	F_findings,
	F_gap,
	F_gaps,
	F_generator,
	F_group,
	F_groups,
	F_height,
	F_html,
	F_id,
	F_index,
	F_intervention,
	F_is_columns,
	F_is_rows,
	F_is_segments,
	F_issue,
	F_label,
	F_language,
	F_licence,
	F_licence_url,
	F_link,
	F_menu,
	F_multiple,
	F_n,
	F_note,
	F_pages,
	F_path,
	F_plural,
	F_png,
	F_population,
	F_primary,
	F_published_in,
	F_publisher,
	F_reports,
	F_row,
	F_rows,
	F_sample,
	F_sample_size,
	F_segments,
	F_slug,
	F_studies,
	F_study,
	F_summary,
	F_svg,
	F_text_html,
	F_thin,
	F_title,
	F_type,
	F_url,
	F_volume,
	F_width,
	F_year,
	F_year_max,
	F_year_min,
	F_COUNT
} field_id;

static const char *const field_names[F_COUNT] = {
	NULL,
	"added",
	"attribution",
	"authors",
	"authors_short",
	"by_id",
	"cells",
	"citation",
	"code",
	"codes",
	"column",
	"columns",
	"comparison",
	"definition",
	"description",
	"detail",
	"direction",
	"direction_label",
	"doi",
	"doi_url",
	"facet",
	"file",
	"filled",
	"filters",
	"findings",
	"gap",
	"gaps",
	"generator",
	"group",
	"groups",
	"height",
	"html",
	"id",
	"index",
	"intervention",
	"is_columns",
	"is_rows",
	"is_segments",
	"issue",
	"label",
	"language",
	"licence",
	"licence_url",
	"link",
	"menu",
	"multiple",
	"n",
	"note",
	"pages",
	"path",
	"plural",
	"png",
	"population",
	"primary",
	"published_in",
	"publisher",
	"reports",
	"row",
	"rows",
	"sample",
	"sample_size",
	"segments",
	"slug",
	"studies",
	"study",
	"summary",
	"svg",
	"text_html",
	"thin",
	"title",
	"type",
	"url",
	"volume",
	"width",
	"year",
	"year_max",
	"year_min",
};


static const char *const direction_labels[] = {"Not reported", "Improved", "No change", "Mixed",
                                               "Worse"};

/* ---- dependencies ---------------------------------------------------------- */

static void dep_add(view_set *vs, char *key)
{
	render_deps *d = vs->deps;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->keys = xrealloc(d->keys, d->cap * sizeof *d->keys);
	}
	d->keys[d->n++] = key;
}

/* Records v's own dependency the first time this page reads it. */
static void dep_view(view_set *vs, view *v)
{
	if (!vs->deps || v->recorded)
		return;
	v->recorded = true;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_REPORT:
		dep_add(vs, xasprintf("record:%s", m->recs[v->a]->id));
		break;
	case V_STUDY: {
		const study *st = &m->studies[v->a];
		for (size_t k = 0; k < st->nreports; k++)
			dep_add(vs, xasprintf("record:%s", m->recs[st->reports[k]]->id));
		break;
	}
	case V_CODE:
	case V_CODE_STUDIES:
		dep_add(vs, xasprintf("code:%s/%s", s->facets[v->a].id,
		                      s->facets[v->a].codes[v->b].id));
		break;
	case V_CELL:
	case V_CELL_STUDIES:
		dep_add(vs, xasprintf("cell:%s/%s", s->facets[s->rows].codes[v->a].id,
		                      s->facets[s->columns].codes[v->b].id));
		break;
	case V_PAGE:
		dep_add(vs, xasprintf("page:%s", m->pages[v->a].slug));
		break;
	case V_STUDIES:
	case V_REPORTS:
	case V_MAP:
		dep_add(vs, xstrdup("studies"));
		break;
	default:
		break;
	}
}

static void dep_site(view_set *vs)
{
	if (vs->deps && !vs->site_recorded) {
		vs->site_recorded = true;
		dep_add(vs, xstrdup("studies"));
	}
}

/* ---- making views ---------------------------------------------------------- */

static view_set *set_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Pushes the page's view of (kind, a, b), making it on first use. */
static void push_view(view_set *vs, vkind kind, size_t a, size_t b)
{
	lua_State *L = vs->L;
	lua_Integer key = ((lua_Integer)a << 36) | ((lua_Integer)b << 8) | (lua_Integer)kind;
	lua_rawgeti(L, LUA_REGISTRYINDEX, vs->cache_ref);
	if (lua_rawgeti(L, -1, key) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	view *v = lua_newuserdatauv(L, sizeof *v, 0);
	*v = (view){.kind = kind, .a = a, .b = b};
	luaL_setmetatable(L, VIEW_MT);
	lua_pushvalue(L, -1);
	lua_rawseti(L, -3, key);
	lua_remove(L, -2);
}

static void push_str(lua_State *L, const char *s)
{
	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

static void push_owned(lua_State *L, char *s)
{
	lua_pushstring(L, s);
	free(s);
}

/* ---- derived strings -------------------------------------------------------- */

/* "Wright, N." -> "Wright"; a name without a comma is kept whole. */
static void family_name(buf *b, const char *author)
{
	const char *comma = strchr(author, ',');
	buf_put(b, author, comma ? (size_t)(comma - author) : strlen(author));
}

static char *short_authors(const record *r)
{
	buf b = BUF_INIT;
	if (r->nauthors == 0)
		buf_puts(&b, r->published_in ? r->published_in : "Anonymous");
	else if (r->nauthors == 1)
		family_name(&b, r->authors[0]);
	else if (r->nauthors == 2 && !rec_is_et_al(r->authors[1])) {
		family_name(&b, r->authors[0]);
		buf_puts(&b, " and ");
		family_name(&b, r->authors[1]);
	} else {
		family_name(&b, r->authors[0]);
		buf_puts(&b, " et al.");
	}
	return buf_detach(&b);
}

static char *citation(const record *r)
{
	buf b = BUF_INIT;
	bool et_al = r->nauthors > 1 && rec_is_et_al(r->authors[r->nauthors - 1]);
	size_t named = et_al ? r->nauthors - 1 : r->nauthors;
	for (size_t i = 0; i < named; i++) {
		if (i)
			buf_puts(&b, i + 1 == named && !et_al ? " and " : ", ");
		buf_puts(&b, r->authors[i]);
	}
	if (et_al)
		buf_puts(&b, ", et al.");
	if (r->nauthors)
		buf_putc(&b, ' ');
	buf_printf(&b, "(%ld). %s", r->year, r->title);
	if (!str_ends_with(r->title, ".") && !str_ends_with(r->title, "?") &&
	    !str_ends_with(r->title, "!"))
		buf_putc(&b, '.');
	if (r->published_in) {
		buf_printf(&b, " %s", r->published_in);
		if (r->volume)
			buf_printf(&b, ", %s", r->volume);
		if (r->issue)
			buf_printf(&b, "(%s)", r->issue);
		if (r->pages)
			buf_printf(&b, ", %s", r->pages);
		buf_putc(&b, '.');
	}
	if (r->publisher && (!r->published_in || strcmp(r->publisher, r->published_in)))
		buf_printf(&b, " %s.", r->publisher);
	return buf_detach(&b);
}

/* ---- lists ----------------------------------------------------------------- */

static size_t study_finding_count(const model *m, size_t s, size_t code)
{
	const study *st = &m->studies[s];
	size_t n = 0;
	for (size_t k = 0; k < st->nreports; k++) {
		const record *r = m->recs[st->reports[k]];
		for (size_t i = 0; i < r->nfindings; i++)
			n += r->findings[i].code == code;
	}
	return n;
}

static const idx_list *studies_of(const model *m, vkind kind, size_t a, size_t b)
{
	return kind == V_CODE_STUDIES ? &m->by_code[a][b] : model_cell(m, a, b);
}

/* Length of a list view; SIZE_MAX for views that are no list. */
static size_t list_len(view_set *vs, const view *v)
{
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_SITE_AUTHORS: return s->nauthors;
	case V_FACETS: return s->nfacets;
	case V_CODES: return s->facets[v->a].ncodes;
	case V_GROUPS: return s->facets[v->a].ngroups;
	case V_GROUP_CODES: return s->facets[v->a].groups[v->b].count;
	case V_REPORTS: return m->nrecs;
	case V_REP_AUTHORS: return m->recs[v->a]->nauthors;
	case V_REP_CODELIST: return m->recs[v->a]->codes[v->b].n;
	case V_FINDINGS: return m->recs[v->a]->nfindings;
	case V_STUDIES: return m->nstudies;
	case V_STUDY_REPORTS: return m->studies[v->a].nreports;
	case V_STUDY_CODELIST: return m->studies[v->a].codes[v->b].n;
	case V_STUDY_FINDLIST: return study_finding_count(m, v->a, v->b);
	case V_FILTERS: return s->nfilters;
	case V_CELLROWS: return s->facets[s->rows].ncodes;
	case V_CELLROW: return s->facets[s->columns].ncodes;
	case V_PAGES: return m->npages;
	case V_FLOWS: return vs->nflows;
	case V_CODE_STUDIES:
	case V_CELL_STUDIES: return studies_of(m, v->kind, v->a, v->b)->n;
	case V_SLICE: return v->n;
	default: return SIZE_MAX;
	}
}

/* Pushes item i (0-based, i < list_len) of a list view. */
static void list_item(view_set *vs, const view *v, size_t i)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_SITE_AUTHORS: lua_pushstring(L, s->authors[i]); break;
	case V_FACETS: push_view(vs, V_FACET, i, 0); break;
	case V_CODES: push_view(vs, V_CODE, v->a, i); break;
	case V_GROUPS: push_view(vs, V_GROUP, v->a, i); break;
	case V_GROUP_CODES:
		push_view(vs, V_CODE, v->a, s->facets[v->a].groups[v->b].first + i);
		break;
	case V_REPORTS: push_view(vs, V_REPORT, i, 0); break;
	case V_REP_AUTHORS: lua_pushstring(L, m->recs[v->a]->authors[i]); break;
	case V_REP_CODELIST: push_view(vs, V_CODE, v->b, m->recs[v->a]->codes[v->b].idx[i]); break;
	case V_FINDINGS: push_view(vs, V_FINDING, v->a, i); break;
	case V_STUDIES: push_view(vs, V_STUDY, i, 0); break;
	case V_STUDY_REPORTS: push_view(vs, V_REPORT, m->studies[v->a].reports[i], 0); break;
	case V_STUDY_CODELIST:
		push_view(vs, V_CODE, v->b, m->studies[v->a].codes[v->b].idx[i]);
		break;
	case V_STUDY_FINDLIST: {
		const study *st = &m->studies[v->a];
		for (size_t k = 0; k < st->nreports; k++) {
			const record *r = m->recs[st->reports[k]];
			for (size_t j = 0; j < r->nfindings; j++)
				if (r->findings[j].code == v->b && i-- == 0) {
					push_view(vs, V_FINDING, st->reports[k], j);
					return;
				}
		}
		lua_pushnil(L);
		break;
	}
	case V_FILTERS:
		if (s->filters[i] == CFG_FILTER_YEAR)
			lua_pushstring(L, "year");
		else
			push_view(vs, V_FACET, s->filters[i], 0);
		break;
	case V_CELLROWS: push_view(vs, V_CELLROW, i, 0); break;
	case V_CELLROW: push_view(vs, V_CELL, v->a, i); break;
	case V_PAGES: push_view(vs, V_PAGE, i, 0); break;
	case V_FLOWS: push_view(vs, V_FLOW, i, 0); break;
	case V_CODE_STUDIES:
	case V_CELL_STUDIES:
		push_view(vs, V_STUDY, studies_of(m, v->kind, v->a, v->b)->v[i], 0);
		break;
	case V_SLICE:
		if (v->base == V_STUDIES)
			push_view(vs, V_STUDY, v->from + i, 0);
		else
			push_view(vs, V_STUDY, studies_of(m, v->base, v->a, v->b)->v[v->from + i], 0);
		break;
	default: lua_pushnil(L); break;
	}
}

/* ---- maps by id ------------------------------------------------------------- */

/* Views whose keys are ids: the key's index, or SIZE_MAX; n = key count. */
static bool is_map(vkind k)
{
	return k == V_FACET_BY_ID || k == V_CODES_BY_ID || k == V_REP_CODES ||
	       k == V_STUDY_CODES || k == V_STUDY_FINDINGS;
}

static size_t map_count(view_set *vs, const view *v)
{
	const cfg_site *s = vs->m->site;
	return v->kind == V_CODES_BY_ID ? s->facets[v->a].ncodes
	       : v->kind == V_STUDY_FINDINGS ? s->facets[s->rows].ncodes
	                                     : s->nfacets;
}

static const char *map_key(view_set *vs, const view *v, size_t i)
{
	const cfg_site *s = vs->m->site;
	return v->kind == V_CODES_BY_ID ? s->facets[v->a].codes[i].id
	       : v->kind == V_STUDY_FINDINGS ? s->facets[s->rows].codes[i].id
	                                     : s->facets[i].id;
}

/* Pushes the value under key i, or returns false when there is none. */
static bool map_value(view_set *vs, const view *v, size_t i)
{
	switch (v->kind) {
	case V_FACET_BY_ID: push_view(vs, V_FACET, i, 0); return true;
	case V_CODES_BY_ID: push_view(vs, V_CODE, v->a, i); return true;
	case V_REP_CODES: push_view(vs, V_REP_CODELIST, v->a, i); return true;
	case V_STUDY_CODES: push_view(vs, V_STUDY_CODELIST, v->a, i); return true;
	case V_STUDY_FINDINGS:
		if (!study_finding_count(vs->m, v->a, i))
			return false;
		push_view(vs, V_STUDY_FINDLIST, v->a, i);
		return true;
	default: return false;
	}
}

static size_t map_find(view_set *vs, const view *v, const char *key)
{
	const cfg_site *s = vs->m->site;
	if (v->kind == V_CODES_BY_ID)
		return cfg_code_index(&s->facets[v->a], key);
	if (v->kind == V_STUDY_FINDINGS)
		return cfg_code_index(&s->facets[s->rows], key);
	return cfg_facet_index(s, key);
}

/* ---- fields ------------------------------------------------------------------- */

static bool site_field(view_set *vs, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	if ((k == F_title)) push_str(L, s->title);
	else if ((k == F_description)) push_str(L, s->description);
	else if ((k == F_authors)) push_view(vs, V_SITE_AUTHORS, 0, 0);
	else if ((k == F_licence)) push_str(L, s->licence);
	else if ((k == F_licence_url)) push_str(L, s->licence_url);
	else if ((k == F_language)) push_str(L, s->language);
	else if ((k == F_url)) push_str(L, s->url);
	else if ((k == F_attribution)) push_str(L, s->attribution_html);
	else if ((k == F_thin)) lua_pushinteger(L, s->thin);
	else if ((k == F_generator)) push_str(L, vs->generator);
	else if ((k == F_year_min) || (k == F_year_max) || (k == F_studies) || (k == F_reports)) {
		dep_site(vs);
		lua_pushinteger(L, (k == F_year_min)  ? m->year_min
		                   : (k == F_year_max) ? m->year_max
		                   : (k == F_studies)  ? (lua_Integer)m->nstudies
		                                     : (lua_Integer)m->nrecs);
	} else
		return false;
	return true;
}

static bool facet_field(view_set *vs, size_t f, field_id k)
{
	lua_State *L = vs->L;
	const cfg_site *s = vs->m->site;
	const cfg_facet *fc = &s->facets[f];
	if ((k == F_id)) lua_pushstring(L, fc->id);
	else if ((k == F_index)) lua_pushinteger(L, (lua_Integer)f + 1);
	else if ((k == F_label)) push_str(L, fc->label);
	else if ((k == F_plural)) push_str(L, fc->plural);
	else if ((k == F_path)) push_str(L, fc->path);
	else if ((k == F_url)) push_owned(L, paths_facet(fc->path));
	else if ((k == F_definition)) push_str(L, fc->definition);
	else if ((k == F_multiple)) lua_pushboolean(L, fc->multiple);
	else if ((k == F_is_rows)) lua_pushboolean(L, f == s->rows);
	else if ((k == F_is_columns)) lua_pushboolean(L, f == s->columns);
	else if ((k == F_is_segments)) lua_pushboolean(L, f == s->segments);
	else if ((k == F_codes)) push_view(vs, V_CODES, f, 0);
	else if ((k == F_groups)) push_view(vs, V_GROUPS, f, 0);
	else if ((k == F_by_id)) push_view(vs, V_CODES_BY_ID, f, 0);
	else
		return false;
	return true;
}

static bool code_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const cfg_site *s = vs->m->site;
	const cfg_facet *fc = &s->facets[v->a];
	const cfg_code *cd = &fc->codes[v->b];
	if ((k == F_id)) lua_pushstring(L, cd->id);
	else if ((k == F_index)) lua_pushinteger(L, (lua_Integer)v->b + 1);
	else if ((k == F_label)) push_str(L, cd->label);
	else if ((k == F_definition)) push_str(L, cd->definition);
	else if ((k == F_url)) push_owned(L, paths_code(fc->path, cd->id));
	else if ((k == F_facet)) push_view(vs, V_FACET, v->a, 0);
	else if ((k == F_group)) {
		if (cd->group == CFG_NONE)
			return false;
		push_view(vs, V_GROUP, v->a, cd->group);
	} else if ((k == F_n) || (k == F_reports)) {
		dep_view(vs, v);
		size_t ns, nr;
		model_count_code(vs->m, v->a, v->b, &ns, &nr);
		lua_pushinteger(L, (lua_Integer)((k == F_n) ? ns : nr));
	} else if ((k == F_studies))
		push_view(vs, V_CODE_STUDIES, v->a, v->b);
	else
		return false;
	return true;
}

static bool report_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const record *r = m->recs[v->a];
	dep_view(vs, v);
	if ((k == F_id)) lua_pushstring(L, r->id);
	else if ((k == F_url)) push_owned(L, paths_study(r->id));
	else if ((k == F_file)) push_str(L, r->file);
	else if ((k == F_title)) push_str(L, r->title);
	else if ((k == F_authors)) push_view(vs, V_REP_AUTHORS, v->a, 0);
	else if ((k == F_authors_short)) push_owned(L, short_authors(r));
	else if ((k == F_citation)) push_owned(L, citation(r));
	else if ((k == F_year)) lua_pushinteger(L, r->year);
	else if ((k == F_type)) push_str(L, r->type);
	else if ((k == F_published_in)) push_str(L, r->published_in);
	else if ((k == F_publisher)) push_str(L, r->publisher);
	else if ((k == F_volume)) push_str(L, r->volume);
	else if ((k == F_issue)) push_str(L, r->issue);
	else if ((k == F_pages)) push_str(L, r->pages);
	else if ((k == F_doi)) push_str(L, r->doi);
	else if ((k == F_doi_url)) {
		if (!r->doi)
			return false;
		push_owned(L, xasprintf("https://doi.org/%s", r->doi));
	} else if ((k == F_link)) push_str(L, r->url);
	else if ((k == F_added)) push_str(L, r->added);
	else if ((k == F_population)) push_str(L, r->population);
	else if ((k == F_intervention)) push_str(L, r->intervention);
	else if ((k == F_comparison)) push_str(L, r->comparison);
	else if ((k == F_sample)) push_str(L, r->sample);
	else if ((k == F_sample_size)) {
		if (r->sample_size < 0)
			return false;
		lua_pushinteger(L, r->sample_size);
	} else if ((k == F_summary)) push_str(L, r->summary);
	else if ((k == F_note)) push_str(L, r->note_html);
	else if ((k == F_codes)) push_view(vs, V_REP_CODES, v->a, 0);
	else if ((k == F_findings)) push_view(vs, V_FINDINGS, v->a, 0);
	else if ((k == F_study)) push_view(vs, V_STUDY, m->study_of[v->a], 0);
	else
		return false;
	return true;
}

static bool study_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const study *st = &m->studies[v->a];
	dep_view(vs, v);
	if ((k == F_id)) lua_pushstring(L, m->recs[st->primary]->id);
	else if ((k == F_url)) push_owned(L, paths_study(m->recs[st->primary]->id));
	else if ((k == F_year)) lua_pushinteger(L, st->year);
	else if ((k == F_primary)) push_view(vs, V_REPORT, st->primary, 0);
	else if ((k == F_reports)) push_view(vs, V_STUDY_REPORTS, v->a, 0);
	else if ((k == F_codes)) push_view(vs, V_STUDY_CODES, v->a, 0);
	else if ((k == F_findings)) push_view(vs, V_STUDY_FINDINGS, v->a, 0);
	else
		return false;
	return true;
}

static bool cell_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	const idx_list *l = model_cell(m, v->a, v->b);
	if ((k == F_row)) push_view(vs, V_CODE, s->rows, v->a);
	else if ((k == F_column)) push_view(vs, V_CODE, s->columns, v->b);
	else {
		dep_view(vs, v);
		if ((k == F_n)) lua_pushinteger(L, (lua_Integer)l->n);
		else if ((k == F_gap)) lua_pushboolean(L, l->n == 0);
		else if ((k == F_thin)) lua_pushboolean(L, l->n > 0 && (long)l->n < s->thin);
		else if ((k == F_url)) {
			if (!l->n)
				return false;
			push_owned(L, paths_cell(s->facets[s->rows].codes[v->a].id,
			                         s->facets[s->columns].codes[v->b].id));
		} else if ((k == F_studies)) push_view(vs, V_CELL_STUDIES, v->a, v->b);
		else
			return false;
	}
	return true;
}

static bool map_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	if ((k == F_rows)) push_view(vs, V_FACET, s->rows, 0);
	else if ((k == F_columns)) push_view(vs, V_FACET, s->columns, 0);
	else if ((k == F_segments)) {
		if (s->segments == CFG_NONE)
			return false;
		push_view(vs, V_FACET, s->segments, 0);
	} else if ((k == F_filters)) push_view(vs, V_FILTERS, 0, 0);
	else if ((k == F_cells)) push_view(vs, V_CELLROWS, 0, 0);
	else if ((k == F_gaps) || (k == F_filled)) {
		dep_view(vs, v);
		size_t nr = s->facets[s->rows].ncodes, nc = s->facets[s->columns].ncodes, gaps = 0;
		for (size_t r = 0; r < nr; r++)
			for (size_t c = 0; c < nc; c++)
				gaps += model_cell(m, r, c)->n == 0;
		lua_pushinteger(L, (lua_Integer)((k == F_gaps) ? gaps : nr * nc - gaps));
	} else
		return false;
	return true;
}

static bool field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_SITE: return site_field(vs, k);
	case V_FACET: return facet_field(vs, v->a, k);
	case V_CODE: return code_field(vs, v, k);
	case V_GROUP: {
		const cfg_group *g = &s->facets[v->a].groups[v->b];
		if ((k == F_id)) push_str(L, g->id);
		else if ((k == F_label)) push_str(L, g->label);
		else if ((k == F_definition)) push_str(L, g->definition);
		else if ((k == F_codes)) push_view(vs, V_GROUP_CODES, v->a, v->b);
		else
			return false;
		return true;
	}
	case V_REPORT: return report_field(vs, v, k);
	case V_FINDING: {
		const rec_finding *fd = &m->recs[v->a]->findings[v->b];
		if ((k == F_code)) push_view(vs, V_CODE, s->rows, fd->code);
		else if ((k == F_direction)) lua_pushstring(L, rec_direction_names[fd->direction]);
		else if ((k == F_direction_label)) lua_pushstring(L, direction_labels[fd->direction]);
		else if ((k == F_detail)) push_str(L, fd->detail);
		else
			return false;
		return true;
	}
	case V_STUDY: return study_field(vs, v, k);
	case V_MAP: return map_field(vs, v, k);
	case V_CELL: return cell_field(vs, v, k);
	case V_PAGE: {
		const page *pg = &m->pages[v->a];
		dep_view(vs, v);
		if ((k == F_slug)) push_str(L, pg->slug);
		else if ((k == F_title)) push_str(L, pg->title);
		else if ((k == F_description)) push_str(L, pg->description);
		else if ((k == F_menu)) lua_pushinteger(L, pg->menu);
		else if ((k == F_html)) push_str(L, pg->html);
		else if ((k == F_url)) push_owned(L, paths_page(pg->slug));
		else
			return false;
		return true;
	}
	case V_FLOW: {
		const render_flow *fl = &vs->flows[v->a];
		if ((k == F_id)) push_str(L, fl->id);
		else if ((k == F_title)) push_str(L, fl->title);
		else if ((k == F_png)) push_str(L, fl->png);
		else if ((k == F_svg)) push_str(L, fl->svg);
		else if ((k == F_text_html)) push_str(L, fl->text_html);
		else if ((k == F_width)) lua_pushinteger(L, fl->width);
		else if ((k == F_height)) lua_pushinteger(L, fl->height);
		else
			return false;
		return true;
	}
	default: return false;
	}
}

/* ---- metamethods --------------------------------------------------------------- */

static int mm_index(lua_State *L)
{
	view_set *vs = set_of(L);
	view *v = lua_touserdata(L, 1);
	if (is_map(v->kind)) {
		size_t i = lua_type(L, 2) == LUA_TSTRING ? map_find(vs, v, lua_tostring(L, 2))
		                                         : SIZE_MAX;
		if (i == SIZE_MAX || !map_value(vs, v, i))
			lua_pushnil(L);
		return 1;
	}
	size_t n = list_len(vs, v);
	if (n != SIZE_MAX) {
		if (v->kind == V_CODE_STUDIES || v->kind == V_CELL_STUDIES)
			dep_view(vs, v);
		int isnum;
		lua_Integer i = lua_tointegerx(L, 2, &isnum);
		if (isnum && i >= 1 && (size_t)i <= n)
			list_item(vs, v, (size_t)i - 1);
		else
			lua_pushnil(L);
		return 1;
	}
	field_id k = F_NONE;
	if (lua_type(L, 2) == LUA_TSTRING) {
		lua_pushvalue(L, 2);
		lua_rawget(L, lua_upvalueindex(2)); /* nil (0) for names no view has */
		k = (field_id)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	if (k == F_NONE || !field(vs, v, k))
		lua_pushnil(L);
	return 1;
}

static int mm_newindex(lua_State *L)
{
	return luaL_error(L, "the site's data is read-only (cannot set %s%s%s)",
	                  lua_type(L, 2) == LUA_TSTRING ? "field \"" : "an entry",
	                  lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "",
	                  lua_type(L, 2) == LUA_TSTRING ? "\"" : "");
}

static int mm_len(lua_State *L)
{
	view_set *vs = set_of(L);
	view *v = lua_touserdata(L, 1);
	size_t n = is_map(v->kind) ? 0 : list_len(vs, v);
	if (v->kind == V_CODE_STUDIES || v->kind == V_CELL_STUDIES)
		dep_view(vs, v);
	lua_pushinteger(L, n == SIZE_MAX ? 0 : (lua_Integer)n);
	return 1;
}

/* pairs(): lists by position, maps in the order of their ids in site.yaml,
 * other views by nothing (their fields are not enumerable). */
static int next_entry(lua_State *L)
{
	view_set *vs = set_of(L);
	view *v = lua_touserdata(L, 1);
	if (is_map(v->kind)) {
		size_t i = lua_isnil(L, 2) ? 0 : map_find(vs, v, lua_tostring(L, 2)) + 1;
		for (size_t n = map_count(vs, v); i < n; i++) {
			lua_pushstring(L, map_key(vs, v, i));
			if (map_value(vs, v, i))
				return 2;
			lua_pop(L, 1);
		}
		return 0;
	}
	size_t n = list_len(vs, v);
	lua_Integer i = lua_isnil(L, 2) ? 0 : lua_tointeger(L, 2);
	if (n == SIZE_MAX || i < 0 || (size_t)i >= n)
		return 0;
	lua_pushinteger(L, i + 1);
	list_item(vs, v, (size_t)i);
	return 2;
}

static int mm_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(2)); /* next_entry */
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int mm_tostring(lua_State *L)
{
	lua_pushstring(L, "site data");
	return 1;
}

/* type(): a view is a "table" to templates, as the model always was. */
static int view_type(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_testudata(L, 1, VIEW_MT))
		lua_pushstring(L, "table");
	else
		lua_pushstring(L, luaL_typename(L, 1));
	return 1;
}

void view_push_type(lua_State *L)
{
	lua_pushcfunction(L, view_type);
}

/* ---- the set ------------------------------------------------------------------ */

view_set *view_new(lua_State *L, const model *m, const render_flow *flows, size_t nflows,
                   const char *generator)
{
	view_set *vs = xcalloc(1, sizeof *vs);
	vs->L = L;
	vs->m = m;
	vs->flows = flows;
	vs->nflows = nflows;
	vs->generator = xstrdup(generator);
	luaL_newmetatable(L, VIEW_MT);
	lua_pushlightuserdata(L, vs);
	lua_createtable(L, 0, F_COUNT);
	for (int i = 1; i < F_COUNT; i++) {
		lua_pushinteger(L, i);
		lua_setfield(L, -2, field_names[i]);
	}
	lua_pushcclosure(L, mm_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, mm_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushlightuserdata(L, vs);
	lua_pushcclosure(L, mm_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushlightuserdata(L, vs);
	lua_pushlightuserdata(L, vs);
	lua_pushcclosure(L, next_entry, 1);
	lua_pushcclosure(L, mm_pairs, 2);
	lua_setfield(L, -2, "__pairs");
	lua_pushcfunction(L, mm_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushstring(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	lua_newtable(L);
	vs->cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return vs;
}

void view_free(view_set *vs)
{
	if (!vs)
		return;
	luaL_unref(vs->L, LUA_REGISTRYINDEX, vs->cache_ref);
	free(vs->generator);
	free(vs);
}

void view_begin(view_set *vs, render_deps *deps)
{
	vs->deps = deps;
	vs->site_recorded = false;
	lua_newtable(vs->L);
	lua_rawseti(vs->L, LUA_REGISTRYINDEX, vs->cache_ref);
}

void view_end(view_set *vs)
{
	vs->deps = NULL;
	lua_newtable(vs->L);
	lua_rawseti(vs->L, LUA_REGISTRYINDEX, vs->cache_ref);
}

void view_push_site(view_set *vs) { push_view(vs, V_SITE, 0, 0); }
void view_push_facets(view_set *vs) { push_view(vs, V_FACETS, 0, 0); }
void view_push_facet_by_id(view_set *vs) { push_view(vs, V_FACET_BY_ID, 0, 0); }
void view_push_reports(view_set *vs) { push_view(vs, V_REPORTS, 0, 0); }
void view_push_studies(view_set *vs) { push_view(vs, V_STUDIES, 0, 0); }
void view_push_map(view_set *vs) { push_view(vs, V_MAP, 0, 0); }
void view_push_pages(view_set *vs) { push_view(vs, V_PAGES, 0, 0); }
void view_push_flows(view_set *vs) { push_view(vs, V_FLOWS, 0, 0); }
void view_push_study(view_set *vs, size_t s) { push_view(vs, V_STUDY, s, 0); }
void view_push_report(view_set *vs, size_t r) { push_view(vs, V_REPORT, r, 0); }
void view_push_facet(view_set *vs, size_t f) { push_view(vs, V_FACET, f, 0); }
void view_push_code(view_set *vs, size_t f, size_t c) { push_view(vs, V_CODE, f, c); }
void view_push_cell(view_set *vs, size_t row, size_t col) { push_view(vs, V_CELL, row, col); }
void view_push_page(view_set *vs, size_t p) { push_view(vs, V_PAGE, p, 0); }

void view_push_study_slice(view_set *vs, bool cell, size_t f, size_t c, size_t from, size_t n)
{
	lua_State *L = vs->L;
	vkind base = f == SIZE_MAX ? V_STUDIES : cell ? V_CELL_STUDIES : V_CODE_STUDIES;
	/* Reading a slice reads the whole list's membership. */
	if (base == V_STUDIES)
		push_view(vs, V_STUDIES, 0, 0);
	else
		push_view(vs, base, f, c);
	dep_view(vs, lua_touserdata(L, -1));
	lua_pop(L, 1);
	view *v = lua_newuserdatauv(L, sizeof *v, 0);
	*v = (view){.kind = V_SLICE, .a = f, .b = c, .base = base, .from = from, .n = n};
	luaL_setmetatable(L, VIEW_MT);
}
