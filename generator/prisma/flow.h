/* prisma/flow.h (internal to prisma/): the model of prisma.yaml that
 * parse.c builds and the other prisma files read: counts, named lists,
 * the two arms (databases and registers; other methods) and the flows of a
 * set, and the included counts a diagram shows (check.c).
 *
 * Ownership: a prisma_set owns its flows; a flow owns its id, title, match
 * strings, arms' entry names and its accessible items and their strings
 * (rebuilt by prisma_items). All are freed by prisma_free. */
#ifndef GM_PRISMA_FLOW_H
#define GM_PRISMA_FLOW_H

#include "prisma/prisma.h"

/* A count the file may state; line/col point at its value. */
typedef struct count {
	long long n;
	bool given;
	int line, col;
} count;

/* A named source or reason. Sources may be named without a count
 * (given false): reviews often say where they searched but not how many
 * records each source gave. */
typedef struct entry {
	char *name;
	long long n;
	bool given;
	int line, col;
} entry;

/* A count that may be given as a number, a list of named counts (summed),
 * or both ({n: total, <list>: [...]}); c.n is the stated total when there
 * is one, else the sum. A list with an item named without a count has no
 * total unless one is stated: the sum of the others is only a lower bound. */
typedef struct listcount {
	count c;
	bool stated;
	long long sum; /* of the items with a count */
	entry *items;
	size_t nitems;
	size_t uncounted; /* items named without a count */
	int line, col;    /* the value node, for the sum check */
} listcount;

typedef struct arm {
	bool present;
	int line, col;
	listcount databases, registers; /* databases arm */
	listcount identified;           /* other arm */
	count duplicates, automation, removed_other, screened;
	listcount excluded;
	count sought, not_retrieved, assessed;
	listcount reports_excluded;
	/* Reports of included studies that came through this arm. Not a box of
	 * the templates (their included box is shared), so it is checked and
	 * stated in the text version but not drawn. */
	count included;
} arm;

typedef struct flow {
	char *id, *title;
	int line, col;
	bool has_match;
	prisma_match match;
	bool has_previous;
	count prev_studies, prev_reports;
	arm db, other;
	bool has_included;
	int inc_line, inc_col;
	count inc_studies, inc_reports, new_studies, new_reports;
	bool records;
	long long rec_studies, rec_reports;
	/* Accessible items, rebuilt by prisma_items; strings owned here. */
	prisma_item *items;
	size_t nitems;
	char **strings;
	size_t nstrings;
} flow;

struct prisma_set {
	char *label;
	flow *flows;
	size_t count;
};

/* The included counts the diagram shows: from the records when known,
 * else as the file states them. For updated reviews "total" is what the
 * review includes (the records); "new" is stated or total − previous. */
typedef struct included {
	count studies, reports;         /* total (or only) box */
	count new_studies, new_reports; /* updated reviews */
} included;

/* A count known to be n, at no position. */
count count_given(long long n);
/* Named but not counted, and no total stated: the count is unknown, not
 * the sum of the others (which would be only a lower bound). */
bool list_uncounted(const listcount *lc);
included flow_included(const flow *f);

/* Frees what f owns (parse.c). */
void flow_free(flow *f);

#endif
