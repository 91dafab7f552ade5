/* The data files' memo: an element is copied when its records are the same
 * objects as last build and written anew otherwise, the bytes always equal
 * what writing gives; elements not written in a build are forgotten and the
 * rest stay found (removal moves entries in the table); a sink_segs gets
 * the memo's bytes by reference. */
#include <stdlib.h>
#include <string.h>

#include "formats/memo.h"
#include "test.h"

enum { N = 3000 };

/* One data file: element i is "<i:id>;" for record i; *written counts the
 * elements produced rather than copied. */
static void write_file(const model *m, sink *out, const int *ids, size_t *written)
{
	for (size_t i = 0; i < m->nrecs; i++) {
		fmt_chunk c;
		if (fmt_chunk_record(&c, m, out, "test.records", i, i == 0, 0))
			continue;
		sink_printf(out, "<%zu:%d>;", i, ids[i]);
		(*written)++;
		fmt_chunk_end(&c);
	}
}

/* The same for the records order[0..n) in that order. */
static void write_order(const model *m, sink *out, const int *ids, const size_t *order, size_t n,
                        size_t *written)
{
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		fmt_chunk c;
		if (fmt_chunk_record(&c, m, out, "test.records", i, k == 0, 0))
			continue;
		sink_printf(out, "<%zu:%d>;", i, ids[i]);
		(*written)++;
		fmt_chunk_end(&c);
	}
}

/* One build writing order[0..n): checks the bytes, returns the hits. */
static size_t build_order(const model *m, const int *ids, const size_t *order, size_t n)
{
	fmt_memo_begin_build(m->memo);
	buf b = BUF_INIT, want = BUF_INIT;
	sink s = sink_for_buf(&b);
	size_t written = 0;
	write_order(m, &s, ids, order, n, &written);
	fmt_memo_end_build(m->memo);
	for (size_t k = 0; k < n; k++)
		buf_printf(&want, "<%zu:%d>;", order[k], ids[order[k]]);
	CHECK_STR(buf_cstr(&b), buf_cstr(&want));
	buf_free(&b);
	buf_free(&want);
	size_t hits, misses;
	fmt_memo_counts(m->memo, &hits, &misses);
	CHECK(hits + misses + 1 == n && written == misses + 1);
	return hits;
}

static char *expected(size_t n, const int *ids)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "<%zu:%d>;", i, ids[i]);
	return buf_detach(&b);
}

int main(void)
{
	/* N records, each its own study; only their addresses matter. */
	record **recs = xcalloc(N, sizeof *recs);
	study *studies = xcalloc(N, sizeof *studies);
	size_t *study_of = xcalloc(N, sizeof *study_of);
	size_t *reports = xcalloc(N, sizeof *reports);
	int *ids = xcalloc(N, sizeof *ids);
	for (size_t i = 0; i < N; i++) {
		recs[i] = xcalloc(1, sizeof **recs);
		reports[i] = i;
		studies[i] = (study){i, &reports[i], 1, NULL, 0};
		study_of[i] = i;
		ids[i] = (int)i;
	}
	model m = {0};
	m.recs = recs;
	m.nrecs = N;
	m.studies = studies;
	m.nstudies = N;
	m.study_of = study_of;
	fmt_memo *mm = fmt_memo_new();
	m.memo = mm;

	for (int build = 0; build < 6; build++) {
		/* Builds 2 and 4 replace a third of the records (new objects). */
		size_t replaced = 0;
		if (build == 2 || build == 4) {
			/* As model/reuse.c does: the new object is made before the
			 * old one is freed, so it never takes the old one's address. */
			for (size_t i = (size_t)build; i < N; i += 3) {
				record *old = recs[i];
				recs[i] = xcalloc(1, sizeof **recs);
				free(old);
				ids[i] += 1000000;
				replaced++;
			}
		}
		fmt_memo_begin_build(mm);
		buf b = BUF_INIT;
		sink s = sink_for_buf(&b);
		size_t written = 0;
		write_file(&m, &s, ids, &written);
		fmt_memo_end_build(mm);
		char *want = expected(N, ids);
		CHECK_STR(buf_cstr(&b), want);
		free(want);
		size_t hits, misses;
		fmt_memo_counts(mm, &hits, &misses);
		if (build == 0)
			CHECK(written == N && hits == 0);
		else if (build == 2 || build == 4)
			CHECK(written == replaced + 1 && hits == N - 1 - replaced);
		else
			CHECK(written == 1 && hits == N - 1); /* all found after removals */
		buf_free(&b);
	}

	/* A sink_segs takes the copied elements by reference. */
	fmt_memo_begin_build(mm);
	sink_segs segs = {0};
	sink s = sink_for_segs(&segs);
	size_t written = 0;
	write_file(&m, &s, ids, &written);
	sink_segs_end(&segs);
	CHECK(written == 1);
	size_t refs = 0;
	buf all = BUF_INIT;
	for (size_t i = 0; i < segs.n; i++) {
		refs += !segs.v[i].owned;
		buf_put(&all, segs.v[i].p, segs.v[i].len);
	}
	CHECK(refs == N - 1);
	char *want = expected(N, ids);
	CHECK_STR(buf_cstr(&all), want);
	free(want);
	buf_free(&all);
	sink_segs_free(&segs);
	fmt_memo_end_build(mm);

	/* Every kept piece carries its hash, computed when the element was
	 * written, and the list's fingerprint follows its bytes. */
	fmt_memo_begin_build(mm);
	sink_segs a = {0}, a2 = {0};
	s = sink_for_segs(&a);
	written = 0;
	write_file(&m, &s, ids, &written);
	sink_segs_end(&a);
	size_t hashed = 0;
	for (size_t i = 0; i < a.n; i++)
		if (!a.v[i].owned) {
			hashed += a.v[i].hashed;
			CHECK(a.v[i].hash == sink_hash(a.v[i].p, a.v[i].len));
		}
	CHECK(hashed == N - 1);
	s = sink_for_segs(&a2);
	write_file(&m, &s, ids, &written); /* the loop again: elements taken */
	sink_segs_end(&a2);
	uint64_t fp = sink_segs_fingerprint(&a, NULL);
	CHECK(fp == sink_segs_fingerprint(&a, NULL));
	buf all_a = BUF_INIT, all_a2 = BUF_INIT;
	for (size_t i = 0; i < a.n; i++)
		buf_put(&all_a, a.v[i].p, a.v[i].len);
	for (size_t i = 0; i < a2.n; i++)
		buf_put(&all_a2, a2.v[i].p, a2.v[i].len);
	CHECK_STR(buf_cstr(&all_a2), buf_cstr(&all_a));
	buf_free(&all_a);
	buf_free(&all_a2);
	/* One byte more in one piece: another fingerprint. */
	sink_segs c1 = {0}, c2 = {0};
	sink s1 = sink_for_segs(&c1), s2 = sink_for_segs(&c2);
	sink_puts(&s1, "head;");
	sink_puts(&s2, "head;");
	sink_put_kept(&s1, "<1:1>;", 6);
	sink_put_kept(&s2, "<1:1>;", 6);
	sink_put_kept(&s1, "<2:2>;", 6);
	sink_put_kept(&s2, "<2:3>;", 6);
	sink_segs_end(&c1);
	sink_segs_end(&c2);
	uint64_t shape1, shape2;
	CHECK(sink_segs_fingerprint(&c1, &shape1) != sink_segs_fingerprint(&c2, &shape2));
	CHECK(shape1 == shape2); /* pieces of the same lengths */
	sink_put_kept(&s2, "<3:3>;", 6);
	sink_segs_end(&c2);
	sink_segs_fingerprint(&c2, &shape2);
	CHECK(shape1 != shape2);
	sink_segs_free(&c1);
	sink_segs_free(&c2);
	sink_segs_free(&a);
	sink_segs_free(&a2);
	fmt_memo_end_build(mm);

	/* Elements are found wherever the loop now has them: in reverse
	 * order, after a removed run longer than the look-ahead, with records
	 * inserted; what a build did not write is forgotten. */
	size_t *order = xcalloc(N, sizeof *order);
	for (size_t k = 0; k < N; k++)
		order[k] = k;
	CHECK(build_order(&m, ids, order, N) == N - 1);
	/* Record 0, first until now, was never kept; N - 1 is first now. */
	for (size_t k = 0; k < N; k++)
		order[k] = N - 1 - k;
	CHECK(build_order(&m, ids, order, N) == N - 2);
	size_t n = 0;
	for (size_t k = 0; k < N; k++)
		if (k < 100 || k >= 400)
			order[n++] = k;
	CHECK(build_order(&m, ids, order, n) == n - 2); /* N - 1 was first */
	for (size_t k = 0; k < N; k++)
		order[k] = k;
	CHECK(build_order(&m, ids, order, N) == N - 1 - 300); /* 100..399 forgotten */
	/* Inserted: every third record is new to the loop (a build without
	 * them first), the others found in their order. */
	n = 0;
	for (size_t k = 0; k < N; k++)
		if (k % 3 != 1)
			order[n++] = k;
	CHECK(build_order(&m, ids, order, n) == n - 1);
	for (size_t k = 0; k < N; k++)
		order[k] = k;
	CHECK(build_order(&m, ids, order, N) == n - 1);
	CHECK(build_order(&m, ids, order, N) == N - 1);
	free(order);

	/* Without a memo every element is written. */
	m.memo = NULL;
	buf b = BUF_INIT;
	s = sink_for_buf(&b);
	written = 0;
	write_file(&m, &s, ids, &written);
	CHECK(written == N);
	buf_free(&b);

	fmt_memo_free(mm);
	for (size_t i = 0; i < N; i++)
		free(recs[i]);
	free(recs);
	free(studies);
	free(study_of);
	free(reports);
	free(ids);
	TEST_MAIN_END();
}
