#include "serve/watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "site/output.h"

/* Deeper trees are not watched (a link loop cannot happen: links are not
 * followed, but a pathological tree should not exhaust the watches). */
#define WATCH_MAX_DEPTH 32

#define WATCH_MASK                                                                                 \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |        \
	 IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

typedef struct watch_dir {
	int wd;
	char *path;
} watch_dir;

/* More changed files than this in one wake-up: say "everything". */
#define WATCH_MAX_CHANGES 256

struct watch {
	int fd;
	watch_dir *dirs;
	size_t ndirs, cap;
	char **skip;
	size_t nskip;
	/* Since the last watch_changes: the files changed, or all (a folder
	 * changed, events were lost, too many files). */
	char **changed;
	size_t nchanged;
	bool all;
	/* Files written to (created or modified) and not closed since: while
	 * there are any, a save is under way. */
	char **writing;
	size_t nwriting;
};

watch *watch_new(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "gapmap: cannot watch files (inotify): %s\n", strerror(errno));
		return NULL;
	}
	watch *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	return w;
}

void watch_free(watch *w)
{
	if (!w)
		return;
	close(w->fd);
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	for (size_t i = 0; i < w->nskip; i++)
		free(w->skip[i]);
	free(w->skip);
	for (size_t i = 0; i < w->nchanged; i++)
		free(w->changed[i]);
	free(w->changed);
	for (size_t i = 0; i < w->nwriting; i++)
		free(w->writing[i]);
	free(w->writing);
	free(w);
}

/* path with its folder resolved (links, "..", "."), so that every way of
 * naming a place compares equal with the folders' own resolved paths;
 * NULL when the folder does not exist (yet). */
static char *canonical(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	char *p = xstrndup(path, n);
	char *slash = strrchr(p, '/');
	char *dir =
	    slash ? (slash == p ? xstrdup("/") : xstrndup(p, (size_t)(slash - p))) : xstrdup(".");
	const char *base = slash ? slash + 1 : p;
	char *real = realpath(dir, NULL);
	char *out = NULL;
	if (real && strcmp(base, ".") && strcmp(base, ".."))
		out = path_join(real, base);
	else if (real)
		out = realpath(p, NULL);
	free(real);
	free(dir);
	free(p);
	return out;
}

void watch_skip(watch *w, const char *path)
{
	char *c = canonical(path);
	if (!c)
		return;
	w->skip = xrealloc(w->skip, (w->nskip + 1) * sizeof *w->skip);
	w->skip[w->nskip++] = c;
}

static bool ignored_name(const char *name)
{
	return name[0] == '.' || str_ends_with(name, "~");
}

static bool skipped(const watch *w, const char *path)
{
	for (size_t i = 0; i < w->nskip; i++)
		if (!strcmp(w->skip[i], path))
			return true;
	return false;
}

/* A folder gapmap wrote a site into. */
static bool is_site(const char *dir)
{
	char *m = path_join(dir, OUT_MARKER);
	bool yes = access(m, F_OK) == 0;
	free(m);
	return yes;
}

static const char *dir_path(const watch *w, int wd)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (w->dirs[i].wd == wd)
			return w->dirs[i].path;
	return NULL;
}

static int add_tree(watch *w, const char *dir, int depth)
{
	if (depth > WATCH_MAX_DEPTH || skipped(w, dir) || is_site(dir))
		return 0;
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1;
	if (!dir_path(w, wd)) {
		if (w->ndirs == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 16;
			w->dirs = xrealloc(w->dirs, w->cap * sizeof *w->dirs);
		}
		w->dirs[w->ndirs++] = (watch_dir){wd, xstrdup(dir)};
	}
	int count = 1;
	DIR *dp = opendir(dir);
	if (!dp)
		return count;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (ignored_name(e->d_name))
			continue;
		char *child = path_join(dir, e->d_name);
		struct stat st;
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
			int n = add_tree(w, child, depth + 1);
			if (n < 0) {
				free(child);
				closedir(dp);
				return -1;
			}
			count += n;
		}
		free(child);
	}
	closedir(dp);
	return count;
}

int watch_tree(watch *w, const char *dir)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	int n = add_tree(w, real, 0);
	free(real);
	if (n < 0)
		fprintf(stderr, "gapmap: cannot watch %s: %s%s\n", dir, strerror(errno),
		        errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
	return n;
}

/* Keeps track of files being written (w->writing) from an event on path. */
static void note_writing(watch *w, const char *path, uint32_t mask)
{
	size_t i = 0;
	while (i < w->nwriting && strcmp(w->writing[i], path) != 0)
		i++;
	bool open = mask & (IN_CREATE | IN_MODIFY);
	bool done = mask & (IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM);
	if (open && !done && i == w->nwriting) {
		w->writing = xrealloc(w->writing, (w->nwriting + 1) * sizeof *w->writing);
		w->writing[w->nwriting++] = xstrdup(path);
	} else if (done && i < w->nwriting) {
		free(w->writing[i]);
		w->writing[i] = w->writing[--w->nwriting];
	}
}

/* Notes path (owned) as changed. */
static void note_change(watch *w, char *path)
{
	if (w->all || w->nchanged == WATCH_MAX_CHANGES) {
		w->all = true;
		free(path);
		return;
	}
	w->changed = xrealloc(w->changed, (w->nchanged + 1) * sizeof *w->changed);
	w->changed[w->nchanged++] = path;
}

void watch_changes(watch *w, char ***paths, size_t *n, bool *all)
{
	*paths = w->changed;
	*n = w->nchanged;
	*all = w->all;
	w->changed = NULL;
	w->nchanged = 0;
	w->all = false;
}

static void forget(watch *w, int wd)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (w->dirs[i].wd == wd) {
			free(w->dirs[i].path);
			w->dirs[i] = w->dirs[--w->ndirs];
			return;
		}
}

/* Reads every pending event; returns how many mattered, or -1. */
static int drain(watch *w)
{
	char ev_buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int relevant = 0;
	for (;;) {
		ssize_t n = read(w->fd, ev_buf, sizeof ev_buf);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? relevant : -1;
		if (n == 0)
			return relevant;
		for (char *p = ev_buf; p < ev_buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				relevant++; /* events were lost: rebuild to be sure */
				w->all = true;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget(w, ev->wd);
				continue;
			}
			const char *dir = dir_path(w, ev->wd);
			if (!dir)
				continue;
			if (!ev->len) { /* the folder itself moved or went */
				relevant++;
				w->all = true;
				continue;
			}
			if (ignored_name(ev->name))
				continue;
			char *path = path_join(dir, ev->name);
			bool skip = skipped(w, path);
			if (!skip && (ev->mask & IN_ISDIR) &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				add_tree(w, path, 1);
				dir = NULL; /* w->dirs may have moved */
			}
			if (!skip && !(ev->mask & IN_ISDIR) && w->nwriting < WATCH_MAX_CHANGES)
				note_writing(w, path, ev->mask);
			if (!skip && !(ev->mask & IN_ISDIR))
				note_change(w, path);
			else
				free(path);
			if (!skip && (ev->mask & IN_ISDIR))
				w->all = true;
			if (!skip)
				relevant++;
		}
	}
}

int watch_wait(watch *w, int stop_fd, int settle_ms, int quiet_ms, int max_ms)
{
	struct pollfd pf[2] = {{w->fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
	bool changed = false;
	double first = 0;
	for (;;) {
		int timeout = -1;
		if (changed) {
			double left = max_ms - (now_seconds() - first) * 1000.0;
			if (left <= 0)
				return 1;
			int wait = w->nwriting ? quiet_ms : settle_ms;
			timeout = left < wait ? (int)left : wait;
		}
		int r = poll(pf, 2, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pf[1].revents)
			return 0;
		if (r == 0)
			return 1; /* quiet long enough after a change */
		int n = drain(w);
		if (n < 0)
			return -1;
		if (n > 0 && !changed) {
			changed = true;
			first = now_seconds();
		}
	}
}
