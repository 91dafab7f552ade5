#include "load/updates.h"

#include <stdlib.h>
#include <string.h>

#include "load/schema.h"

static const char *const update_keys[] = {"version", "date", "searched", "summary", "withdrawn"};
static const char *const withdrawn_keys[] = {"id", "title", "reason"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void read_withdrawn(const yml_node *list, cfg_update *u, bool *ok, diag *d)
{
	if (list->kind != YML_SEQ) {
		diag_error(d, list->file, list->line, list->col,
		           "\"withdrawn\" should be a list of { id, reason }, not a %s",
		           yml_kind_name(list->kind));
		*ok = false;
		return;
	}
	u->withdrawn = xcalloc(list->count ? list->count : 1, sizeof *u->withdrawn);
	for (size_t i = 0; i < list->count; i++) {
		const yml_node *w = list->items[i];
		if (w->kind != YML_MAP) {
			diag_error(d, w->file, w->line, w->col,
			           "a withdrawn study should be a mapping { id, reason }, not a %s",
			           yml_kind_name(w->kind));
			*ok = false;
			continue;
		}
		schema_check_keys(w, withdrawn_keys, N(withdrawn_keys), NULL, 0, "withdrawn study",
		                  d);
		cfg_withdrawn *x = &u->withdrawn[u->nwithdrawn];
		bool wok = true;
		schema_string(w, "id", true, &x->id, &wok, d);
		schema_string(w, "title", false, &x->title, &wok, d);
		schema_string(w, "reason", true, &x->reason, &wok, d);
		if (x->id && !schema_valid_id(x->id)) {
			const yml_node *n = yml_get(w, "id");
			diag_error(d, n->file, n->line, n->col, "\"%s\" is not a valid study id",
			           x->id);
			wok = false;
		}
		x->file = xstrdup(w->file);
		x->line = w->line;
		x->col = w->col;
		u->nwithdrawn++;
		*ok &= wok;
	}
}

bool updates_read(const yml_node *node, cfg_updates *out, diag *d)
{
	memset(out, 0, sizeof *out);
	if (!node || yml_is_null(node))
		return true;
	if (node->kind != YML_SEQ) {
		diag_error(d, node->file, node->line, node->col,
		           "\"updates\" should be a list of updates, oldest first, not a %s",
		           yml_kind_name(node->kind));
		return false;
	}
	bool ok = true;
	const cfg_update *last = NULL; /* the latest with a valid date */
	out->v = xcalloc(node->count ? node->count : 1, sizeof *out->v);
	for (size_t i = 0; i < node->count; i++) {
		const yml_node *n = node->items[i];
		if (n->kind != YML_MAP) {
			diag_error(d, n->file, n->line, n->col,
			           "an update should be a mapping with version and date, not a %s",
			           yml_kind_name(n->kind));
			ok = false;
			continue;
		}
		schema_check_keys(n, update_keys, N(update_keys), NULL, 0, "update", d);
		cfg_update *u = &out->v[out->n++];
		bool uok = true;
		schema_string(n, "version", true, &u->version, &uok, d);
		schema_date(n, "date", true, &u->date, &uok, d);
		schema_date(n, "searched", false, &u->searched, &uok, d);
		schema_string(n, "summary", false, &u->summary, &uok, d);
		const yml_node *w = yml_get(n, "withdrawn");
		if (w && !yml_is_null(w))
			read_withdrawn(w, u, &uok, d);
		if (u->date && u->searched && strcmp(u->searched, u->date) > 0) {
			const yml_node *s = yml_get(n, "searched");
			diag_error(d, s->file, s->line, s->col,
			           "the last search (%s) is after the update's date (%s)",
			           u->searched, u->date);
			uok = false;
		}
		for (size_t k = 0; u->version && k + 1 < out->n; k++) {
			const cfg_update *p = &out->v[k];
			if (p->version && !strcmp(p->version, u->version)) {
				const yml_node *v = yml_get(n, "version");
				diag_error(d, v->file, v->line, v->col,
				           "version \"%s\" is listed twice", u->version);
				uok = false;
				break;
			}
		}
		if (u->date) {
			if (last && strcmp(u->date, last->date) <= 0) {
				const yml_node *dt = yml_get(n, "date");
				diag_error(d, dt->file, dt->line, dt->col,
				           "updates should be listed oldest first: %s is not after "
				           "%s (version "
				           "%s)",
				           u->date, last->date,
				           last->version ? last->version : "?");
				uok = false;
			}
			last = u;
		}
		ok &= uok;
	}
	return ok;
}

void updates_free(cfg_updates *u)
{
	for (size_t i = 0; i < u->n; i++) {
		cfg_update *x = &u->v[i];
		free(x->version);
		free(x->date);
		free(x->searched);
		free(x->summary);
		for (size_t k = 0; k < x->nwithdrawn; k++) {
			free(x->withdrawn[k].id);
			free(x->withdrawn[k].title);
			free(x->withdrawn[k].reason);
			free(x->withdrawn[k].file);
		}
		free(x->withdrawn);
	}
	free(u->v);
	memset(u, 0, sizeof *u);
}

size_t updates_place(const cfg_updates *u, const char *date)
{
	if (!date)
		return (size_t)-1;
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].date && strcmp(date, u->v[i].date) <= 0)
			return i;
	return (size_t)-1;
}
