#include "formats/feedupd.h"

#include <stdbool.h>
#include <string.h>

#include "core/esc.h"
#include "core/paths.h"
#include "model/history.h"

void feedupd_anchor(const char *version, buf *out)
{
	buf_putc(out, 'v');
	for (const char *p = version; *p; p++) {
		char c = *p;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '-';
		buf_putc(out, keep ? c : '_');
	}
}

const char *feedupd_latest(const model *m)
{
	const cfg_updates *u = &m->site->updates;
	return u->n ? u->v[u->n - 1].date : NULL;
}

/* "2 studies added: A; B. 1 recoded: D. 1 withdrawn: C (reason)." */
static void describe(const model *m, size_t k, buf *out)
{
	const cfg_update *x = &m->site->updates.v[k];
	size_t added = 0;
	for (size_t i = 0; i < m->nstudies; i++)
		added += history_study_update(m, i) == k;
	if (x->summary) {
		esc_xml(out, x->summary);
		buf_putc(out, ' ');
	}
	buf_printf(out, "%zu stud%s added", added, added == 1 ? "y" : "ies");
	const char *sep = ": ";
	for (size_t i = 0; i < m->nstudies; i++)
		if (history_study_update(m, i) == k) {
			buf_puts(out, sep);
			esc_xml(out, m->recs[m->studies[i].primary]->title);
			sep = "; ";
		}
	buf_putc(out, '.');
	size_t recoded = 0;
	for (size_t i = 0; i < m->nstudies; i++)
		recoded += history_study_recoded_in(m, i, k);
	if (recoded) {
		buf_printf(out, " %zu recoded", recoded);
		sep = ": ";
		for (size_t i = 0; i < m->nstudies; i++)
			if (history_study_recoded_in(m, i, k)) {
				buf_puts(out, sep);
				esc_xml(out, m->recs[m->studies[i].primary]->title);
				sep = "; ";
			}
		buf_putc(out, '.');
	}
	if (x->nwithdrawn) {
		buf_printf(out, " %zu withdrawn", x->nwithdrawn);
		sep = ": ";
		for (size_t w = 0; w < x->nwithdrawn; w++) {
			const cfg_withdrawn *wd = &x->withdrawn[w];
			buf_puts(out, sep);
			esc_xml(out, wd->title ? wd->title : wd->id);
			buf_puts(out, " (");
			esc_xml(out, wd->reason);
			buf_putc(out, ')');
			sep = "; ";
		}
		buf_putc(out, '.');
	}
}

size_t feedupd_entries(const model *m, const char *base, const char *date, size_t *next,
                       size_t budget, sink *to)
{
	/* An entry is short: built in a buffer, then streamed to the sink. */
	buf entry = BUF_INIT, *out = &entry;
	const cfg_updates *u = &m->site->updates;
	size_t written = 0;
	while (*next < u->n && written < budget) {
		size_t k = u->n - 1 - *next;
		const cfg_update *x = &u->v[k];
		if (date && strcmp(x->date, date) < 0)
			break;
		buf anchor = BUF_INIT;
		feedupd_anchor(x->version, &anchor);
		buf_puts(out, "  <entry>\n    <title>Version ");
		esc_xml(out, x->version);
		buf_puts(out, " of the map</title>\n    <link href=\"" PATHS_UPDATES "#");
		esc_xml(out, buf_cstr(&anchor));
		buf_puts(out, "\"/>\n    <id>");
		if (*base) {
			esc_xml(out, base);
			buf_puts(out, "updates/#");
			esc_xml(out, buf_cstr(&anchor));
		} else {
			buf_puts(out, "urn:gapmap:update:");
			esc_url_path(out, x->version);
		}
		buf_printf(out, "</id>\n    <updated>%sT00:00:00Z</updated>\n    <summary>",
		           x->date);
		describe(m, k, out);
		buf_puts(out, "</summary>\n  </entry>\n");
		buf_free(&anchor);
		sink_put(to, entry.data, entry.len);
		buf_reset(&entry);
		(*next)++;
		written++;
	}
	buf_free(&entry);
	return written;
}
