#include "model/history.h"

#include <string.h>

void history_check(const model *m, diag *d)
{
	const cfg_updates *u = &m->site->updates;
	for (size_t i = 0; i < u->n; i++)
		for (size_t k = 0; k < u->v[i].nwithdrawn; k++) {
			const cfg_withdrawn *w = &u->v[i].withdrawn[k];
			if (w->id && model_record_index(m, w->id) != (size_t)-1)
				diag_error(
				    d, w->file, w->line, w->col,
				    "\"%s\" is listed as withdrawn in version %s but still has a "
				    "record (studies/%s.yaml): remove the record or the entry",
				    w->id, u->v[i].version, w->id);
		}
}

const char *history_study_added(const model *m, size_t si)
{
	const study *st = &m->studies[si];
	const char *first = NULL;
	for (size_t k = 0; k < st->nreports; k++) {
		const char *a = m->recs[st->reports[k]]->added;
		if (a && (!first || strcmp(a, first) < 0))
			first = a;
	}
	return first;
}

size_t history_study_update(const model *m, size_t si)
{
	return updates_place(&m->site->updates, history_study_added(m, si));
}

bool history_study_recoded_in(const model *m, size_t si, size_t k)
{
	const study *st = &m->studies[si];
	const cfg_updates *u = &m->site->updates;
	if (k == HISTORY_NONE || history_study_update(m, si) == k)
		return false;
	for (size_t i = 0; i < st->nreports; i++)
		if (updates_place(u, m->recs[st->reports[i]]->updated) == k)
			return true;
	return false;
}

bool history_study_is_new(const model *m, size_t si)
{
	size_t n = m->site->updates.n;
	return n && history_study_update(m, si) == n - 1;
}

const char *history_last_search(const model *m)
{
	const cfg_updates *u = &m->site->updates;
	for (size_t i = u->n; i-- > 0;)
		if (u->v[i].searched)
			return u->v[i].searched;
	return NULL;
}
