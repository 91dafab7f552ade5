#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "core/util.h"
#include "model/history.h"
#include "render/view_impl.h"

const char *const view_field_names[F_COUNT] = {
    NULL,
    "abstract",
    "added",
    "added_in",
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
    "date",
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
    "latest",
    "licence",
    "licence_url",
    "link",
    "menu",
    "multiple",
    "n",
    "new",
    "note",
    "ordinal",
    "pages",
    "path",
    "pending",
    "plural",
    "png",
    "population",
    "primary",
    "published_in",
    "publisher",
    "reason",
    "recoded",
    "reports",
    "row",
    "rows",
    "sample",
    "sample_size",
    "searched",
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
    "update_count",
    "updated",
    "url",
    "version",
    "volume",
    "width",
    "withdrawn",
    "year",
    "year_max",
    "year_min",
};

static const char *const direction_labels[] = {"Not reported", "Improved", "No change", "Mixed",
                                               "Worse"};

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

/* ---- fields ------------------------------------------------------------------- */

static bool site_field(view_set *vs, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	if ((k == F_title))
		push_str(L, s->title);
	else if ((k == F_description))
		push_str(L, s->description);
	else if ((k == F_authors))
		view_push(vs, V_SITE_AUTHORS, 0, 0);
	else if ((k == F_licence))
		push_str(L, s->licence);
	else if ((k == F_licence_url))
		push_str(L, s->licence_url);
	else if ((k == F_language))
		push_str(L, s->language);
	else if ((k == F_url))
		push_str(L, s->url);
	else if ((k == F_attribution))
		push_str(L, s->attribution_html);
	else if ((k == F_thin))
		lua_pushinteger(L, s->thin);
	else if ((k == F_generator))
		push_str(L, vs->generator);
	else if ((k == F_year_min) || (k == F_year_max) || (k == F_studies) || (k == F_reports)) {
		if ((k == F_studies) || (k == F_reports))
			view_dep_count(vs, V_STUDIES, 0, 0);
		else
			view_dep_site(vs);
		lua_pushinteger(L, (k == F_year_min)   ? m->year_min
		                   : (k == F_year_max) ? m->year_max
		                   : (k == F_studies)  ? (lua_Integer)m->nstudies
		                                       : (lua_Integer)m->nrecs);
	} else
		return view_updates_field(vs, &(view){.kind = V_SITE}, k);
	return true;
}

static bool facet_field(view_set *vs, size_t f, field_id k)
{
	lua_State *L = vs->L;
	const cfg_site *s = vs->m->site;
	const cfg_facet *fc = &s->facets[f];
	if ((k == F_id))
		lua_pushstring(L, fc->id);
	else if ((k == F_index))
		lua_pushinteger(L, (lua_Integer)f + 1);
	else if ((k == F_label))
		push_str(L, fc->label);
	else if ((k == F_plural))
		push_str(L, fc->plural);
	else if ((k == F_path))
		push_str(L, fc->path);
	else if ((k == F_url))
		push_owned(L, paths_facet(fc->path));
	else if ((k == F_definition))
		push_str(L, fc->definition);
	else if ((k == F_multiple))
		lua_pushboolean(L, fc->multiple);
	else if ((k == F_ordinal))
		lua_pushboolean(L, fc->ordinal);
	else if ((k == F_is_rows))
		lua_pushboolean(L, f == s->rows);
	else if ((k == F_is_columns))
		lua_pushboolean(L, f == s->columns);
	else if ((k == F_is_segments))
		lua_pushboolean(L, f == s->segments);
	else if ((k == F_codes))
		view_push(vs, V_CODES, f, 0);
	else if ((k == F_groups))
		view_push(vs, V_GROUPS, f, 0);
	else if ((k == F_by_id))
		view_push(vs, V_CODES_BY_ID, f, 0);
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
	if ((k == F_id))
		lua_pushstring(L, cd->id);
	else if ((k == F_index))
		lua_pushinteger(L, (lua_Integer)v->b + 1);
	else if ((k == F_label))
		push_str(L, cd->label);
	else if ((k == F_definition))
		push_str(L, cd->definition);
	else if ((k == F_url))
		push_owned(L, paths_code(fc->path, cd->id));
	else if ((k == F_facet))
		view_push(vs, V_FACET, v->a, 0);
	else if ((k == F_group)) {
		if (cd->group == CFG_NONE)
			return false;
		view_push(vs, V_GROUP, v->a, cd->group);
	} else if ((k == F_n) || (k == F_reports)) {
		view_dep_count(vs, V_CODE_STUDIES, v->a, v->b);
		size_t ns, nr;
		model_count_code(vs->m, v->a, v->b, &ns, &nr);
		lua_pushinteger(L, (lua_Integer)((k == F_n) ? ns : nr));
	} else if ((k == F_studies))
		view_push(vs, V_CODE_STUDIES, v->a, v->b);
	else
		return false;
	return true;
}

static bool report_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const record *r = m->recs[v->a];
	view_dep_field(vs, v, k);
	if ((k == F_id))
		lua_pushstring(L, r->id);
	else if ((k == F_url))
		push_owned(L, paths_study(r->id));
	else if ((k == F_file))
		push_str(L, r->file);
	else if ((k == F_title))
		push_str(L, r->title);
	else if ((k == F_authors))
		view_push(vs, V_REP_AUTHORS, v->a, 0);
	else if ((k == F_authors_short))
		push_owned(L, short_authors(r));
	else if ((k == F_citation))
		push_owned(L, citation(r));
	else if ((k == F_year))
		lua_pushinteger(L, r->year);
	else if ((k == F_type))
		push_str(L, r->type);
	else if ((k == F_published_in))
		push_str(L, r->published_in);
	else if ((k == F_publisher))
		push_str(L, r->publisher);
	else if ((k == F_volume))
		push_str(L, r->volume);
	else if ((k == F_issue))
		push_str(L, r->issue);
	else if ((k == F_pages))
		push_str(L, r->pages);
	else if ((k == F_doi))
		push_str(L, r->doi);
	else if ((k == F_doi_url)) {
		if (!r->doi)
			return false;
		push_owned(L, xasprintf("https://doi.org/%s", r->doi));
	} else if ((k == F_link))
		push_str(L, r->url);
	else if ((k == F_added))
		push_str(L, r->added);
	else if ((k == F_population))
		push_str(L, r->population);
	else if ((k == F_intervention))
		push_str(L, r->intervention);
	else if ((k == F_comparison))
		push_str(L, r->comparison);
	else if ((k == F_sample))
		push_str(L, r->sample);
	else if ((k == F_sample_size)) {
		if (r->sample_size < 0)
			return false;
		lua_pushinteger(L, r->sample_size);
	} else if ((k == F_summary))
		push_str(L, r->summary);
	else if ((k == F_note))
		push_str(L, r->note_html);
	else if ((k == F_abstract))
		push_str(L, r->abstract_html);
	else if ((k == F_codes))
		view_push(vs, V_REP_CODES, v->a, 0);
	else if ((k == F_findings))
		view_push(vs, V_FINDINGS, v->a, 0);
	else if ((k == F_study))
		view_push(vs, V_STUDY, m->study_of[v->a], 0);
	else
		return false;
	return true;
}

static bool study_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const study *st = &m->studies[v->a];
	view_dep(vs, v);
	if ((k == F_id))
		lua_pushstring(L, m->recs[st->primary]->id);
	else if ((k == F_url))
		push_owned(L, paths_study(m->recs[st->primary]->id));
	else if ((k == F_year))
		lua_pushinteger(L, st->year);
	else if ((k == F_primary))
		view_push(vs, V_REPORT, st->primary, 0);
	else if ((k == F_reports))
		view_push(vs, V_STUDY_REPORTS, v->a, 0);
	else if ((k == F_codes))
		view_push(vs, V_STUDY_CODES, v->a, 0);
	else if ((k == F_findings))
		view_push(vs, V_STUDY_FINDINGS, v->a, 0);
	else if ((k == F_new)) {
		size_t n = m->site->updates.n;
		lua_pushboolean(L, n && view_study_update(vs, v->a) == n - 1);
	} else if ((k == F_added_in)) {
		size_t u = view_study_update(vs, v->a);
		if (u == HISTORY_NONE)
			return false;
		push_str(L, m->site->updates.v[u].version);
	} else
		return false;
	return true;
}

static bool cell_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	const idx_list *l = model_cell(m, v->a, v->b);
	if ((k == F_row))
		view_push(vs, V_CODE, s->rows, v->a);
	else if ((k == F_column))
		view_push(vs, V_CODE, s->columns, v->b);
	else {
		view_dep_count(vs, V_CELL_STUDIES, v->a, v->b);
		if ((k == F_n))
			lua_pushinteger(L, (lua_Integer)l->n);
		else if ((k == F_gap))
			lua_pushboolean(L, l->n == 0);
		else if ((k == F_thin))
			lua_pushboolean(L, l->n > 0 && (long)l->n < s->thin);
		else if ((k == F_url)) {
			if (!l->n)
				return false;
			push_owned(L, paths_cell(s->facets[s->rows].codes[v->a].id,
			                         s->facets[s->columns].codes[v->b].id));
		} else if ((k == F_studies))
			view_push(vs, V_CELL_STUDIES, v->a, v->b);
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
	if ((k == F_rows))
		view_push(vs, V_FACET, s->rows, 0);
	else if ((k == F_columns))
		view_push(vs, V_FACET, s->columns, 0);
	else if ((k == F_segments)) {
		if (s->segments == CFG_NONE)
			return false;
		view_push(vs, V_FACET, s->segments, 0);
	} else if ((k == F_filters))
		view_push(vs, V_FILTERS, 0, 0);
	else if ((k == F_cells))
		view_push(vs, V_CELLROWS, 0, 0);
	else if ((k == F_gaps) || (k == F_filled)) {
		view_dep(vs, v);
		size_t nr = s->facets[s->rows].ncodes, nc = s->facets[s->columns].ncodes, gaps = 0;
		for (size_t r = 0; r < nr; r++)
			for (size_t c = 0; c < nc; c++)
				gaps += model_cell(m, r, c)->n == 0;
		lua_pushinteger(L, (lua_Integer)((k == F_gaps) ? gaps : nr * nc - gaps));
	} else
		return false;
	return true;
}

bool view_field(view_set *vs, view *v, field_id k)
{
	lua_State *L = vs->L;
	const model *m = vs->m;
	const cfg_site *s = m->site;
	switch (v->kind) {
	case V_SITE:
		return site_field(vs, k);
	case V_FACET:
		return facet_field(vs, v->a, k);
	case V_CODE:
		return code_field(vs, v, k);
	case V_GROUP: {
		const cfg_group *g = &s->facets[v->a].groups[v->b];
		if ((k == F_id))
			push_str(L, g->id);
		else if ((k == F_label))
			push_str(L, g->label);
		else if ((k == F_definition))
			push_str(L, g->definition);
		else if ((k == F_codes))
			view_push(vs, V_GROUP_CODES, v->a, v->b);
		else
			return false;
		return true;
	}
	case V_REPORT:
		return report_field(vs, v, k);
	case V_FINDING: {
		const rec_finding *fd = &m->recs[v->a]->findings[v->b];
		if ((k == F_code))
			view_push(vs, V_CODE, s->rows, fd->code);
		else if ((k == F_direction))
			lua_pushstring(L, rec_direction_names[fd->direction]);
		else if ((k == F_direction_label))
			lua_pushstring(L, direction_labels[fd->direction]);
		else if ((k == F_detail)) {
			view_dep_text(vs, v->a); /* the rest are the record's facts */
			push_str(L, fd->detail);
		} else
			return false;
		return true;
	}
	case V_STUDY:
		return study_field(vs, v, k);
	case V_MAP:
		return map_field(vs, v, k);
	case V_CELL:
		return cell_field(vs, v, k);
	case V_PAGE: {
		const page *pg = &m->pages[v->a];
		view_dep(vs, v);
		if ((k == F_slug))
			push_str(L, pg->slug);
		else if ((k == F_title))
			push_str(L, pg->title);
		else if ((k == F_description))
			push_str(L, pg->description);
		else if ((k == F_menu))
			lua_pushinteger(L, pg->menu);
		else if ((k == F_html))
			push_str(L, pg->html);
		else if ((k == F_url))
			push_owned(L, paths_page(pg->slug));
		else
			return false;
		return true;
	}
	case V_FLOW: {
		const render_flow *fl = &vs->flows[v->a];
		if ((k == F_id))
			push_str(L, fl->id);
		else if ((k == F_title))
			push_str(L, fl->title);
		else if ((k == F_png))
			push_str(L, fl->png);
		else if ((k == F_svg))
			push_str(L, fl->svg);
		else if ((k == F_text_html))
			push_str(L, fl->text_html);
		else if ((k == F_width))
			lua_pushinteger(L, fl->width);
		else if ((k == F_height))
			lua_pushinteger(L, fl->height);
		else
			return false;
		return true;
	}
	default:
		return view_updates_field(vs, v, k);
	}
}
