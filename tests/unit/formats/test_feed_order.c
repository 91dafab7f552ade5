/* formats/export's feed: the 100 newest records (by date added, then id)
 * newest first, picked from many in any order with many sharing a date,
 * exactly as sorting them all would; fewer records: all of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/export.h"
#include "model/model.h"
#include "test.h"

enum { N = 257, SHOWN = 100 };

static int cmp_want(const void *pa, const void *pb)
{
	const record *a = *(record *const *)pa, *b = *(record *const *)pb;
	int c = strcmp(b->added, a->added);
	return c ? c : strcmp(a->id, b->id);
}

/* The feed of recs[0..n) and whether it lists, in order, the first
 * min(n, SHOWN) of them sorted. */
static void check_feed(record **recs, size_t n)
{
	cfg_site site = {0};
	site.title = "T";
	model m = {0};
	m.site = &site;
	m.recs = recs;
	m.nrecs = n;
	buf b = BUF_INIT;
	sink s = sink_for_buf(&b);
	export_feed(&m, &s);
	record **want = xcalloc(n ? n : 1, sizeof *want);
	memcpy(want, recs, n * sizeof *want);
	qsort(want, n, sizeof *want, cmp_want);
	const char *p = buf_cstr(&b);
	size_t k = 0;
	for (const char *h; (h = strstr(p, "<link href=\"studies/")); k++) {
		h += strlen("<link href=\"studies/");
		const char *end = strchr(h, '/');
		CHECK(k < n && end && strncmp(h, want[k]->id, (size_t)(end - h)) == 0 &&
		      strlen(want[k]->id) == (size_t)(end - h));
		p = end;
	}
	CHECK(k == (n < SHOWN ? n : SHOWN));
	char *updated =
	    xasprintf("<updated>%sT00:00:00Z</updated>", n ? want[0]->added : "1970-01-01");
	CHECK_CONTAINS(buf_cstr(&b), updated);
	free(updated);
	free(want);
	buf_free(&b);
}

int main(void)
{
	record **recs = xcalloc(N, sizeof *recs);
	unsigned x = 12345;
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		recs[i] = xcalloc(1, sizeof **recs);
		recs[i]->id = xasprintf("r%03u", (x >> 8) % 1000 * 1000 + (unsigned)i);
		recs[i]->title = xasprintf("Title %zu", i);
		/* 20 dates for 257 records: most share theirs. */
		recs[i]->added = xasprintf("2024-%02u-%02u", 1 + (x >> 16) % 4, 1 + (x >> 20) % 5);
		recs[i]->year = 2020;
	}
	check_feed(recs, N);
	check_feed(recs, 7);
	check_feed(recs, 0);
	/* Already in order, and in reverse: every record displaces one. */
	qsort(recs, N, sizeof *recs, cmp_want);
	check_feed(recs, N);
	for (size_t i = 0; i < N / 2; i++) {
		record *t = recs[i];
		recs[i] = recs[N - 1 - i];
		recs[N - 1 - i] = t;
	}
	check_feed(recs, N);
	for (size_t i = 0; i < N; i++) {
		free(recs[i]->id);
		free(recs[i]->title);
		free(recs[i]->added);
		free(recs[i]);
	}
	free(recs);
	TEST_MAIN_END();
}
