/* view_impl: what view.c (views, lists, metamethods) and view_fields.c (the
 * fields of each kind of view) share. Private to render/view*. */
#ifndef GM_VIEW_IMPL_H
#define GM_VIEW_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "render/view.h"

/* Every kind of view; a and b are indices into the model. */
typedef enum vkind {
	V_SITE,
	V_SITE_AUTHORS,
	V_FACETS,
	V_FACET_BY_ID,
	V_FACET,       /* a: facet */
	V_CODES,       /* a: facet */
	V_CODES_BY_ID, /* a: facet */
	V_CODE,        /* a: facet, b: code */
	V_GROUPS,      /* a: facet */
	V_GROUP,       /* a: facet, b: group */
	V_GROUP_CODES, /* a: facet, b: group */
	V_REPORTS,
	V_REPORT,       /* a: record */
	V_REP_AUTHORS,  /* a: record */
	V_REP_CODES,    /* a: record; by facet id */
	V_REP_CODELIST, /* a: record, b: facet */
	V_FINDINGS,     /* a: record */
	V_FINDING,      /* a: record, b: finding */
	V_STUDIES,
	V_STUDY,          /* a: study */
	V_STUDY_REPORTS,  /* a: study */
	V_STUDY_CODES,    /* a: study; by facet id */
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
	V_FLOW,             /* a: flow */
	V_CODE_STUDIES,     /* a: facet, b: code */
	V_CELL_STUDIES,     /* a: row code, b: column code */
	V_SLICE,            /* a list of studies: see view_push_study_slice */
	V_UPDATES,          /* the map's updates, newest first (view_updates.c) */
	V_UPDATE,           /* a: update (oldest first, as in site.yaml) */
	V_UPDATE_STUDIES,   /* a: update; the studies it added */
	V_UPDATE_REPORTS,   /* a: update; further reports of earlier studies */
	V_UPDATE_RECODED,   /* a: update; earlier studies recoded in it (`updated:`) */
	V_UPDATE_WITHDRAWN, /* a: update */
	V_WITHDRAWN,        /* a: update, b: withdrawn entry */
	V_PENDING,          /* studies added after the latest update */
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
	/* V_REPORT, V_STUDY: recorded is for the records' facts, this for
	 * the rest of their fields (render.h's "facts:" and "record:"). */
	bool recorded_text;
} view;

struct view_set {
	lua_State *L;
	const model *m;
	const render_flow *flows;
	size_t nflows;
	char *generator;
	int cache_ref; /* key -> view, for the page being rendered */
	int mt_ref;    /* the views' metatable (VIEW_MT) */
	render_deps *deps;
	bool site_recorded;
	/* Record keys of each class (0 "record:", 1 "facts:") this page
	 * recorded, until there are so many that one key stands for them all
	 * (rec_all). */
	size_t nrec_keys[2];
	bool rec_all[2];
	struct view_history *history; /* made on first use (view_updates.c) */
};

#define VIEW_MT "gapmap.view"

/* Every field name a view knows, looked up once per read through a Lua
 * table of interned names (no string comparisons). */
typedef enum field_id {
	F_NONE,
	F_abstract,
	F_added,
	F_added_in,
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
	F_date,
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
	F_latest,
	F_licence,
	F_licence_url,
	F_link,
	F_menu,
	F_multiple,
	F_n,
	F_new,
	F_note,
	F_ordinal,
	F_pages,
	F_path,
	F_pending,
	F_plural,
	F_png,
	F_population,
	F_primary,
	F_published_in,
	F_publisher,
	F_reason,
	F_recoded,
	F_reports,
	F_row,
	F_rows,
	F_sample,
	F_sample_size,
	F_searched,
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
	F_update_count,
	F_updated,
	F_url,
	F_version,
	F_volume,
	F_width,
	F_withdrawn,
	F_year,
	F_year_max,
	F_year_min,
	F_COUNT
} field_id;

extern const char *const view_field_names[F_COUNT];

/* Pushes the page's view of (kind, a, b), making it on first use. */
void view_push(view_set *vs, vkind kind, size_t a, size_t b);
/* Records v's own dependency the first time this page reads it; for a
 * report or study, that on its facts (view_dep_fields says which). */
void view_dep(view_set *vs, view *v);
/* For a report or study v: records the dependency of reading field k of
 * it (its facts, or the rest of the record). */
void view_dep_field(view_set *vs, view *v, field_id k);
/* Records that the page read record rec's text (neither of its facts). */
void view_dep_text(view_set *vs, size_t rec);
/* Records that the page read the count of a list of studies (kind
 * V_STUDIES, V_CODE_STUDIES or V_CELL_STUDIES; render.h's "#n" keys). */
void view_dep_count(view_set *vs, vkind kind, size_t a, size_t b);
/* Records that the page read the site's totals. */
void view_dep_site(view_set *vs);
/* Findings of study s on row code `code`, over all its reports. */
size_t view_study_finding_count(const model *m, size_t s, size_t code);
/* Pushes field k of v; false (nothing pushed) when v has no such field. */
bool view_field(view_set *vs, view *v, field_id k);

/* The map's updates (view_updates.c). The update that added study s, or
 * HISTORY_NONE (model/history.h). */
size_t view_study_update(view_set *vs, size_t s);
/* Length of an updates list view, or SIZE_MAX for other kinds. */
size_t view_updates_len(view_set *vs, const view *v);
/* Pushes item i (0-based) of an updates list view. */
void view_updates_item(view_set *vs, const view *v, size_t i);
/* Pushes field k of an updates view (or of the site); false when none. */
bool view_updates_field(view_set *vs, const view *v, field_id k);
void view_history_free(view_set *vs);

#endif
