/* updates: the map's published updates, listed under `updates:` in
 * site.yaml, oldest first:
 *
 *     updates:
 *       - version: "1.0"
 *         date: 2024-03-01        # when it was published
 *         searched: 2024-01-31    # the last search it includes (optional)
 *         summary: First version of the map.
 *       - version: "1.1"
 *         date: 2025-02-01
 *         withdrawn:
 *           - { id: jones-2019, title: "...", reason: Retracted by the journal. }
 *
 * A record belongs to the first update dated on or after its `added:`;
 * records added after the latest update belong to none yet.
 *
 * Ownership: the cfg_updates inside a cfg_site owns every string; it is
 * released with updates_free (cfg_free does so). */
#ifndef GM_UPDATES_H
#define GM_UPDATES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "load/yml.h"

typedef struct cfg_withdrawn {
	char *id;
	char *title;  /* may be NULL */
	char *reason; /* required */
	char *file;   /* where it is written, for diagnostics */
	int line, col;
} cfg_withdrawn;

typedef struct cfg_update {
	char *version;
	char *date;     /* YYYY-MM-DD */
	char *searched; /* YYYY-MM-DD or NULL */
	char *summary;  /* may be NULL */
	cfg_withdrawn *withdrawn;
	size_t nwithdrawn;
} cfg_update;

typedef struct cfg_updates {
	cfg_update *v; /* oldest first, dates strictly increasing */
	size_t n;
} cfg_updates;

/* Reads the value of `updates:` (node may be NULL: none). Reports every
 * problem; returns false when any was found. */
bool updates_read(const yml_node *node, cfg_updates *out, diag *d);
void updates_free(cfg_updates *u);

/* The index of the update a record added on date belongs to, or
 * (size_t)-1 when it came after the latest. */
size_t updates_place(const cfg_updates *u, const char *date);

#endif
