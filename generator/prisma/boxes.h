/* prisma/boxes.h (internal to prisma/): a diagram's content before
 * geometry, every box with its paragraphs in reading order and the arrows
 * between boxes, built from a flow by text.c. The layout (layout.c) and the
 * text version (text.c) both read it, so the two cannot disagree.
 *
 * Ownership: a content owns its boxes and their paragraphs' text; its
 * accessible items and the strings they point to are owned by the content
 * until prisma_items hands them to the flow (free_content with strings_too
 * false), else freed with it (strings_too true). */
#ifndef GM_PRISMA_BOXES_H
#define GM_PRISMA_BOXES_H

#include "prisma/flow.h"

/* The diagram's content before geometry: every box with its paragraphs,
 * in reading order, and the arrows between boxes. Built from a flow by
 * build_content; used both by the layout and by the text version, so the
 * two cannot disagree. */

enum { COL_PREV, COL_DB, COL_DBS, COL_OT, COL_OTS, NCOLS };
enum { ROW_HEAD, ROW_IDENT, ROW_SCREEN, ROW_SOUGHT, ROW_ASSESS, ROW_INC, ROW_TOTAL, NROWS };

typedef enum bkind { B_HEADER, B_HEADER_OTHER, B_BOX, B_BOX_OTHER } bkind;

typedef struct para {
	char *text; /* as drawn, e.g. "Duplicate records removed (n = 191)" */
	int level;  /* indentation steps */
} para;

typedef struct cbox {
	bkind kind;
	int col, row, span; /* span: number of columns (headers cover main+side) */
	para *paras;
	size_t np;
} cbox;

typedef enum akind { A_DOWN, A_RIGHT, A_ELBOW_LEFT, A_ELBOW_RIGHT } akind;

typedef struct carrow {
	akind kind;
	size_t from, to;
} carrow;

typedef struct content {
	cbox *boxes;
	size_t nboxes;
	carrow arrows[32];
	size_t narrows;
	bool col_used[NCOLS];
	int inc_col;
	/* accessible items; strings owned by the flow once handed over */
	prisma_item *items;
	size_t nitems, items_cap;
	char **strings;
	size_t nstrings, strings_cap;
	const char *phase, *column; /* of the box being built */
	const char *title;          /* the template's title */
} content;

/* Fills c (which it zeroes first) from f. */
void build_content(const flow *f, content *c);
void free_content(content *c, bool strings_too);

#endif
