/* view_updates: the map's updates as templates see them (site.yaml's
 * `updates:`, model/history.h), as views like the rest of the model:
 *
 *   site.version, site.updated, site.searched  the latest update's version
 *       and date, the last search of any update (nil without updates);
 *   site.update_count;
 *   study.added_in (the version that added it; nil when none has yet),
 *   study.new (added by the latest update);
 *   updates: the updates, newest first, each with version, date, searched,
 *       summary, latest, studies (that it added), recoded (earlier studies
 *       recoded in it, by their reports' `updated:`), reports (further reports
 *       of studies an earlier update added) and withdrawn ({id, title,
 *       reason}); updates.pending: the studies added after the latest update.
 *
 * Which update added each study, and each update's lists, are worked out
 * from the model once per view set, on first use (the model does not
 * change); the views themselves are per page like every other. */
#include <stdlib.h>

#include "core/util.h"
#include "model/history.h"
#include "render/view_impl.h"

typedef struct view_history {
	size_t *study_update; /* per study: the update that added it, or HISTORY_NONE */
	idx_list *studies;    /* per update: the studies it added */
	idx_list *reports;    /* per update: further reports of earlier studies */
	idx_list *recoded;    /* per update: earlier studies recoded in it (`updated:`) */
	idx_list pending;     /* studies added after the latest update */
	size_t nupdates;      /* of the model it was made for */
} view_history;

static void list_add(idx_list *l, size_t i)
{
	/* Sized exactly by a first count would need two passes; the lists are
	 * short next to the model, so grow by doubling. */
	if ((l->n & (l->n - 1)) == 0)
		l->v = xrealloc(l->v, (l->n ? l->n * 2 : 1) * sizeof *l->v);
	l->v[l->n++] = i;
}

static view_history *history(view_set *vs)
{
	if (vs->history)
		return vs->history;
	const model *m = vs->m;
	const cfg_updates *u = &m->site->updates;
	view_history *h = xcalloc(1, sizeof *h);
	h->nupdates = u->n;
	h->study_update = xcalloc(m->nstudies ? m->nstudies : 1, sizeof *h->study_update);
	h->studies = xcalloc(u->n ? u->n : 1, sizeof *h->studies);
	h->reports = xcalloc(u->n ? u->n : 1, sizeof *h->reports);
	h->recoded = xcalloc(u->n ? u->n : 1, sizeof *h->recoded);
	for (size_t i = 0; i < m->nstudies; i++) {
		size_t k = history_study_update(m, i);
		h->study_update[i] = k;
		if (k != HISTORY_NONE)
			list_add(&h->studies[k], i);
		else if (u->n)
			list_add(&h->pending, i);
	}
	for (size_t k = 0; k < u->n; k++)
		for (size_t i = 0; i < m->nstudies; i++)
			if (history_study_recoded_in(m, i, k))
				list_add(&h->recoded[k], i);
	for (size_t r = 0; r < m->nrecs; r++) {
		size_t k = updates_place(u, m->recs[r]->added);
		if (k != HISTORY_NONE && h->study_update[m->study_of[r]] != k)
			list_add(&h->reports[k], r);
	}
	vs->history = h;
	return h;
}

void view_history_free(view_set *vs)
{
	view_history *h = vs->history;
	if (!h)
		return;
	for (size_t k = 0; k < h->nupdates; k++) {
		free(h->studies[k].v);
		free(h->reports[k].v);
		free(h->recoded[k].v);
	}
	free(h->studies);
	free(h->reports);
	free(h->recoded);
	free(h->pending.v);
	free(h->study_update);
	free(h);
	vs->history = NULL;
}

size_t view_study_update(view_set *vs, size_t s)
{
	return history(vs)->study_update[s];
}

size_t view_updates_len(view_set *vs, const view *v)
{
	const cfg_updates *u = &vs->m->site->updates;
	switch (v->kind) {
	case V_UPDATES:
		return u->n;
	case V_UPDATE_STUDIES:
		return history(vs)->studies[v->a].n;
	case V_UPDATE_REPORTS:
		return history(vs)->reports[v->a].n;
	case V_UPDATE_RECODED:
		return history(vs)->recoded[v->a].n;
	case V_UPDATE_WITHDRAWN:
		return u->v[v->a].nwithdrawn;
	case V_PENDING:
		return history(vs)->pending.n;
	default:
		return SIZE_MAX;
	}
}

void view_updates_item(view_set *vs, const view *v, size_t i)
{
	const cfg_updates *u = &vs->m->site->updates;
	switch (v->kind) {
	case V_UPDATES:
		view_push(vs, V_UPDATE, u->n - 1 - i, 0);
		break;
	case V_UPDATE_STUDIES:
		view_push(vs, V_STUDY, history(vs)->studies[v->a].v[i], 0);
		break;
	case V_UPDATE_REPORTS:
		view_push(vs, V_REPORT, history(vs)->reports[v->a].v[i], 0);
		break;
	case V_UPDATE_RECODED:
		view_push(vs, V_STUDY, history(vs)->recoded[v->a].v[i], 0);
		break;
	case V_UPDATE_WITHDRAWN:
		view_push(vs, V_WITHDRAWN, v->a, i);
		break;
	case V_PENDING:
		view_push(vs, V_STUDY, history(vs)->pending.v[i], 0);
		break;
	default:
		lua_pushnil(vs->L);
		break;
	}
}

/* Pushes s, or returns false (nothing pushed) when it is NULL. */
static bool push_set(lua_State *L, const char *s)
{
	if (!s)
		return false;
	lua_pushstring(L, s);
	return true;
}

bool view_updates_field(view_set *vs, const view *v, field_id k)
{
	lua_State *L = vs->L;
	const cfg_updates *u = &vs->m->site->updates;
	switch (v->kind) {
	case V_SITE:
		if (k == F_update_count) {
			lua_pushinteger(L, (lua_Integer)u->n);
			return true;
		}
		if (!u->n)
			return false;
		if (k == F_version)
			return push_set(L, u->v[u->n - 1].version);
		if (k == F_updated)
			return push_set(L, u->v[u->n - 1].date);
		if (k == F_searched)
			return push_set(L, history_last_search(vs->m));
		return false;
	case V_UPDATES:
		if (k != F_pending)
			return false;
		view_push(vs, V_PENDING, 0, 0);
		return true;
	case V_UPDATE: {
		const cfg_update *x = &u->v[v->a];
		switch (k) {
		case F_version:
			return push_set(L, x->version);
		case F_date:
			return push_set(L, x->date);
		case F_searched:
			return push_set(L, x->searched);
		case F_summary:
			return push_set(L, x->summary);
		case F_latest:
			lua_pushboolean(L, v->a == u->n - 1);
			return true;
		case F_studies:
			view_push(vs, V_UPDATE_STUDIES, v->a, 0);
			return true;
		case F_reports:
			view_push(vs, V_UPDATE_REPORTS, v->a, 0);
			return true;
		case F_recoded:
			view_push(vs, V_UPDATE_RECODED, v->a, 0);
			return true;
		case F_withdrawn:
			view_push(vs, V_UPDATE_WITHDRAWN, v->a, 0);
			return true;
		default:
			return false;
		}
	}
	case V_WITHDRAWN: {
		const cfg_withdrawn *w = &u->v[v->a].withdrawn[v->b];
		return k == F_id       ? push_set(L, w->id)
		       : k == F_title  ? push_set(L, w->title)
		       : k == F_reason ? push_set(L, w->reason)
		                       : false;
	}
	default:
		return false;
	}
}
