/* prisma/check.c: the included counts a diagram shows (from the records
 * when known) and the check of every flow's arithmetic: each box against
 * the boxes it follows from, lists against their totals, the arms'
 * included reports against the included box, stated counts against the
 * records. Problems go to diag at the offending count's line. */
#include "prisma/flow.h"

#include <stdarg.h>
#include <stdlib.h>

count count_given(long long n)
{
	return (count){n, true, 0, 0};
}

included flow_included(const flow *f)
{
	included in = {0};
	in.studies = f->records ? count_given(f->rec_studies) : f->inc_studies;
	in.reports = f->records ? count_given(f->rec_reports) : f->inc_reports;
	if (f->has_previous) {
		in.new_studies = f->new_studies;
		in.new_reports = f->new_reports;
		if (!in.new_studies.given && in.studies.given && f->prev_studies.given &&
		    in.studies.n >= f->prev_studies.n)
			in.new_studies = count_given(in.studies.n - f->prev_studies.n);
		if (!in.new_reports.given && in.reports.given && f->prev_reports.given &&
		    in.reports.n >= f->prev_reports.n)
			in.new_reports = count_given(in.reports.n - f->prev_reports.n);
	}
	return in;
}

typedef struct check_ctx {
	const prisma_set *s;
	const flow *f;
	diag *d;
	int errors;
} check_ctx;

static void GM_PRINTF(4, 5) bad(check_ctx *c, const count *at, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf b = BUF_INIT;
	buf_printf(&b, "flow %s: ", c->f->id);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int line = at ? at->line : c->f->line, col = at ? at->col : c->f->col;
	diag_at(c->d, error ? DIAG_ERROR : DIAG_WARNING, c->s->label, line, col, "%s", b.data);
	if (error)
		c->errors++;
	buf_free(&b);
}

static void check_list_sum(check_ctx *c, const listcount *lc, const char *box, const char *what)
{
	if (!lc->stated || !lc->nitems)
		return;
	if (!lc->uncounted && lc->c.n != lc->sum)
		bad(c, &lc->c, true, "\"%s\" should be %lld (the sum of the %s listed) but is %lld",
		    box, lc->sum, what, lc->c.n);
	/* With some items uncounted, the others only bound the total. */
	if (lc->uncounted && lc->c.n < lc->sum)
		bad(c, &lc->c, true,
		    "\"%s\" should be at least %lld (the sum of the %s counted) but is %lld", box,
		    lc->sum, what, lc->c.n);
}

bool list_uncounted(const listcount *lc)
{
	return lc->nitems && !lc->c.given;
}

static void check_minus(check_ctx *c, const count *result, const char *box, const count *a,
                        const char *aname, const count *b, const char *bname, const char *arm_name)
{
	if (!result->given || !a->given || !b->given)
		return;
	long long want = a->n - b->n;
	if (want != result->n)
		bad(c, result, true, "\"%s\"%s should be %lld (%lld %s \u2212 %lld %s) but is %lld",
		    box, arm_name, want, a->n, aname, b->n, bname, result->n);
}

static void check_arm(check_ctx *c, const arm *a, bool other)
{
	const char *arm_name = other && c->f->db.present ? " (other methods)" : "";
	if (!other) {
		check_list_sum(c, &a->databases, "Databases", "databases");
		check_list_sum(c, &a->registers, "Registers", "registers");
		check_list_sum(c, &a->excluded, "Records excluded", "reasons");
		const count *removed[3] = {&a->duplicates, &a->automation, &a->removed_other};
		bool any_removed = false;
		long long rem = 0;
		for (int i = 0; i < 3; i++) {
			any_removed |= removed[i]->given;
			rem += removed[i]->given ? removed[i]->n : 0;
		}
		if (a->screened.given && (a->databases.c.given || a->registers.c.given) &&
		    !list_uncounted(&a->databases) && !list_uncounted(&a->registers) &&
		    any_removed) {
			long long ident = (a->databases.c.given ? a->databases.c.n : 0) +
			                  (a->registers.c.given ? a->registers.c.n : 0);
			if (ident - rem != a->screened.n)
				bad(c, &a->screened, true,
				    "\"Records screened\" should be %lld (%lld identified \u2212 "
				    "%lld "
				    "removed) but is %lld",
				    ident - rem, ident, rem, a->screened.n);
		}
		check_minus(c, &a->sought, "Reports sought for retrieval", &a->screened, "screened",
		            &a->excluded.c, "excluded", "");
	} else {
		check_list_sum(c, &a->identified, "Records identified", "sources");
		if (a->sought.given && a->identified.c.given && a->sought.n > a->identified.c.n)
			bad(c, &a->sought, true,
			    "\"Reports sought for retrieval\"%s cannot exceed the %lld records "
			    "identified, but is %lld",
			    arm_name, a->identified.c.n, a->sought.n);
	}
	check_minus(c, &a->assessed, "Reports assessed for eligibility", &a->sought, "sought",
	            &a->not_retrieved, "not retrieved", arm_name);
	check_list_sum(c, &a->reports_excluded, "Reports excluded", "reasons");
	if (a->reports_excluded.c.given && a->assessed.given &&
	    a->reports_excluded.c.n > a->assessed.n)
		bad(c, &a->reports_excluded.c, true,
		    "\"Reports excluded\"%s cannot exceed the %lld reports assessed, but is %lld",
		    arm_name, a->assessed.n, a->reports_excluded.c.n);
	/* The arm's own included reports: what assessment left, when both
	 * are stated; at most the reports assessed when only that is. With no
	 * assessed count there is nothing to hold them against. */
	const char *via = other ? "via other methods" : "via databases and registers";
	if (a->included.given && a->assessed.given) {
		if (a->reports_excluded.c.given &&
		    a->assessed.n - a->reports_excluded.c.n != a->included.n)
			bad(c, &a->included, true,
			    "reports included %s should be %lld (%lld assessed \u2212 %lld "
			    "excluded) "
			    "but are %lld",
			    via, a->assessed.n - a->reports_excluded.c.n, a->assessed.n,
			    a->reports_excluded.c.n, a->included.n);
		else if (!a->reports_excluded.c.given && a->included.n > a->assessed.n)
			bad(c, &a->included, true,
			    "reports included %s cannot exceed the %lld reports assessed, but are "
			    "%lld",
			    via, a->assessed.n, a->included.n);
	}
}

static void check_flow(check_ctx *c)
{
	const flow *f = c->f;
	if (!f->db.present && !f->other.present && !f->has_previous)
		bad(c, NULL, false, "no counts are given: the diagram has only the included box");
	if (f->db.present)
		check_arm(c, &f->db, false);
	if (f->other.present)
		check_arm(c, &f->other, true);

	included in = flow_included(f);
	if (in.studies.given && in.reports.given && in.studies.n > in.reports.n)
		bad(c, f->inc_studies.given ? &f->inc_studies : NULL, false,
		    "%lld studies included from only %lld reports: every study needs a report",
		    in.studies.n, in.reports.n);

	/* The arms' included reports add up to the (new) included reports.
	 * An arm's share is its stated `included`, else assessed − excluded;
	 * the arm check above has already held the two against each other. */
	const count *target = f->has_previous ? &in.new_reports : &in.reports;
	const char *box =
	    f->has_previous ? "Reports of new included studies" : "Reports of included studies";
	const arm *arms[2] = {&f->db, &f->other};
	const char *vias[2] = {"via databases and registers", "via other methods"};
	long long sum = 0;
	bool complete = true, any = false, stated = false;
	buf how = BUF_INIT;
	const count *at = NULL;
	for (int i = 0; i < 2; i++) {
		const arm *a = arms[i];
		if (!a->present)
			continue;
		if (a->included.given) {
			stated = true;
			sum += a->included.n;
			buf_printf(&how, "%s%lld included %s", how.len ? " + " : "", a->included.n,
			           vias[i]);
			if (!at)
				at = &a->included;
		} else if (a->assessed.given && a->reports_excluded.c.given) {
			sum += a->assessed.n - a->reports_excluded.c.n;
			buf_printf(&how, "%s%lld assessed \u2212 %lld excluded",
			           how.len ? " + " : "", a->assessed.n, a->reports_excluded.c.n);
			if (!at)
				at = &a->reports_excluded.c;
		} else {
			complete = false;
			continue;
		}
		any = true;
	}

	/* Stated included counts against the records, which are what the
	 * diagram shows: one message saying what to write in prisma.yaml (with
	 * the arms' counts that must then add up too), rather than two or
	 * three that seemed to contradict each other. */
	bool told_reports = false;
	bool off_studies = f->records && f->inc_studies.given && f->inc_studies.n != f->rec_studies;
	bool off_reports = f->records && f->inc_reports.given && f->inc_reports.n != f->rec_reports;
	if (off_studies || off_reports) {
		buf what = BUF_INIT, says = BUF_INIT, set = BUF_INIT, also = BUF_INIT;
		if (off_studies) {
			buf_printf(&what, "%lld studies", f->rec_studies);
			buf_printf(&says, "%lld", f->inc_studies.n);
			buf_printf(&set, "\"studies: %lld\"", f->rec_studies);
		}
		if (off_reports) {
			buf_printf(&what, "%s%lld reports", off_studies ? " in " : "",
			           f->rec_reports);
			buf_printf(&says, "%s%lld", off_studies ? " and " : "", f->inc_reports.n);
			buf_printf(&set, "%s\"reports: %lld\"", off_studies ? " and " : "",
			           f->rec_reports);
			if (!f->has_previous && any && complete && sum != f->rec_reports)
				buf_printf(
				    &also,
				    ", and make the arms' counts give %lld reports (now %s = %lld)",
				    f->rec_reports, how.data, sum);
			told_reports = !f->has_previous;
		}
		bad(c, off_studies ? &f->inc_studies : &f->inc_reports, true,
		    "the records include %s, but prisma.yaml says %s: set %s under \"included\"%s",
		    what.data, says.data, set.data, buf_cstr(&also));
		buf_free(&also);
		buf_free(&what);
		buf_free(&says);
		buf_free(&set);
	}
	/* An arm that gives no share still contributes none or more, so the
	 * shares that are given bound the total from below. Only stated shares
	 * are held to that: before per-arm counts existed, a partial
	 * assessed − excluded was never checked, and a review that counted
	 * studies there should not start failing. */
	/* Where the sum is reported, and whether the total came from the records. */
	const count *where = f->has_previous ? (f->new_reports.given ? &f->new_reports : at)
	                                     : (f->inc_reports.given ? &f->inc_reports : at);
	const char *source =
	    f->records && !(f->has_previous && f->new_reports.given) ? " (from the records)" : "";
	if (!told_reports && any && !complete && stated && target->given && sum > target->n) {
		bad(c, where, true, "\"%s\" should be at least %lld (%s) but is %lld%s", box, sum,
		    how.data, target->n, source);
	}
	if (!told_reports && any && complete && target->given && sum != target->n) {
		const count *studies = f->has_previous ? &in.new_studies : &in.studies;
		/* A review that counts studies where PRISMA counts reports is a
		 * common, harmless slip: warn rather than fail. */
		bool as_studies = studies->given && studies->n == sum && sum != target->n;
		bad(c, where, !as_studies, "\"%s\" should be %lld (%s) but is %lld%s%s", box, sum,
		    how.data, target->n, source,
		    as_studies
		        ? ", which matches the number of studies: one study can have several "
		          "reports"
		        : "");
	}
	buf_free(&how);

	/* Updated reviews: total = previous + new, a warning only, since new
	 * reports can belong to studies already included. */
	if (f->has_previous) {
		if (f->new_studies.given && f->prev_studies.given && in.studies.given &&
		    f->prev_studies.n + f->new_studies.n != in.studies.n)
			bad(c, &f->new_studies, false,
			    "\"Total studies included in review\" should be %lld (%lld previous + "
			    "%lld "
			    "new) but is %lld",
			    f->prev_studies.n + f->new_studies.n, f->prev_studies.n,
			    f->new_studies.n, in.studies.n);
		if (f->new_reports.given && f->prev_reports.given && in.reports.given &&
		    f->prev_reports.n + f->new_reports.n != in.reports.n)
			bad(c, &f->new_reports, false,
			    "\"Reports of total included studies\" should be %lld (%lld previous + "
			    "%lld new) but is %lld",
			    f->prev_reports.n + f->new_reports.n, f->prev_reports.n,
			    f->new_reports.n, in.reports.n);
		if (in.studies.given && f->prev_studies.given && !f->new_studies.given &&
		    in.studies.n < f->prev_studies.n)
			bad(c, &f->prev_studies, true,
			    "\"Studies included in previous version of review\" is %lld, more than "
			    "the "
			    "%lld studies included in total",
			    f->prev_studies.n, in.studies.n);
	}
}

int prisma_check(const prisma_set *s, diag *d)
{
	int errors = 0;
	for (size_t i = 0; s && i < s->count; i++) {
		check_ctx c = {s, &s->flows[i], d, 0};
		check_flow(&c);
		errors += c.errors;
	}
	return errors;
}
