/* watch: notices changes to the files a site is built from, with inotify
 * over whole folder trees (folders created later are watched as they
 * appear). A burst of saves — an editor writing a temporary file and
 * renaming it, a git checkout, a script touching many records — becomes
 * one wake-up: watch_wait returns only once the folders have been quiet
 * for a moment.
 *
 * Ignored: hidden names (editor swap files, gapmap's own temporary
 * folders), names ending in '~', folders holding the site marker (a site
 * gapmap wrote, e.g. DIR/_site) and the paths given to watch_skip.
 *
 * Ownership: watch_new's watcher is released with watch_free. */
#ifndef GM_WATCH_H
#define GM_WATCH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct watch watch;

/* NULL after printing why (inotify unavailable). */
watch *watch_new(void);
void watch_free(watch *w);

/* Watches dir (by its resolved path) and every folder below it; a missing
 * dir is no error.
 * Returns the number of folders now watched below it, or -1. */
int watch_tree(watch *w, const char *dir);
/* Events for this path (e.g. the served output), however it is spelt,
 * are ignored. A path whose folder does not exist yet is not recorded:
 * call again once it does. */
void watch_skip(watch *w, const char *path);

/* Hands over what changed since the last call: the files (resolved paths,
 * the caller frees each and the array), or *all when that is not known (a
 * folder was added, moved or removed, events were lost, too many files). */
void watch_changes(watch *w, char ***paths, size_t *n, bool *all);

/* Sleeps until a change, then until quiet_ms pass without one — only
 * settle_ms while every file written to has been closed again, as at the
 * end of an editor's save — (at most max_ms in all), and returns 1;
 * returns 0 as soon as stop_fd becomes readable, -1 on an error. */
int watch_wait(watch *w, int stop_fd, int settle_ms, int quiet_ms, int max_ms);

#endif
