/* incr_scan: fingerprints a build's inputs for site/incr.h (incr_scan): the
 * content folder, the templates and themes, and apart the records and notes
 * of studies/, looking again only at the files the watcher named when it
 * did. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "site/build.h"
#include "site/incr_impl.h"
#include "site/output.h"

/* Everything that changes when a file is written, renamed over or touched. */
static uint64_t stat_fp(uint64_t h, const struct stat *st)
{
	long v[] = {(long)st->st_dev,         (long)st->st_ino,         (long)st->st_mode,
	            (long)st->st_size,        (long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	            (long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec};
	return fnv(h, v, sizeof v);
}

/* A folder counts by its name only: its times change whenever an entry is
 * added or renamed over (as editors save), and its entries count anyway. */
static uint64_t entry_fp(const char *rel, const struct stat *st)
{
	uint64_t h = fnv_str(FNV0, rel);
	return S_ISDIR(st->st_mode) ? fnv(h, "/", 1) : stat_fp(h, st);
}

static bool is_site_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool site = faccessat(fd, OUT_MARKER, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	close(fd);
	return site;
}

/* Adds every entry under dir (names, kinds, sizes, times) to *h, in an
 * order-independent way (a sum), skipping hidden names and built sites.
 * In the content folder's studies/, records and notes go to s->files. */
static void scan_tree(build_incr *s, const char *dir, const char *rel, bool studies, uint64_t *h)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		*h = fnv_str(*h, rel); /* missing: still a state */
		return;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		const char *n = e->d_name;
		if (n[0] == '.')
			continue;
		struct stat st;
		if (fstatat(dirfd(dp), n, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (studies && !(S_ISREG(st.st_mode) &&
		                 (str_ends_with(n, ".yaml") || str_ends_with(n, ".md")))) {
			s->studies_other = true;
			s->others = xrealloc(s->others, (s->nothers + 1) * sizeof *s->others);
			s->others[s->nothers++] = xstrdup(n);
		}
		if (studies && S_ISREG(st.st_mode) &&
		    (str_ends_with(n, ".yaml") || str_ends_with(n, ".md"))) {
			if (s->nfiles == cap) {
				cap = cap ? cap * 2 : 256;
				s->files = xrealloc(s->files, cap * sizeof *s->files);
			}
			s->files[s->nfiles++] = (incr_file){xstrdup(n), stat_fp(FNV0, &st)};
			continue;
		}
		if (S_ISDIR(st.st_mode) && is_site_dir(dirfd(dp), n))
			continue;
		char *r = *rel ? xasprintf("%s/%s", rel, n) : xstrdup(n);
		*h += entry_fp(r, &st);
		if (S_ISDIR(st.st_mode)) {
			char *p = path_join(dir, n);
			scan_tree(s, p, r, false, h);
			free(p);
		}
		free(r);
	}
	closedir(dp);
	if (studies) {
		qsort(s->files, s->nfiles, sizeof *s->files, cmp_str);
		if (s->nothers > 1)
			qsort(s->others, s->nothers, sizeof *s->others, cmp_str);
	}
}

/* The file of studies/ named name (NULL when none), or where it would go. */
static size_t file_slot(const build_incr *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->nfiles;
	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->files[mid].name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Brings the last scan up to date from the watcher's list of changed
 * files, when every one of them is a record or note directly in studies/:
 * only they are looked at again. False (scan everything) otherwise. */
static bool scan_changed(build_incr *s, const build_opts *o)
{
	keys_free(s->changed, s->nchanged);
	s->changed = NULL;
	s->nchanged = 0;
	s->changed_known = false;
	if (!o->changed_known || !s->studies_real)
		return false;
	size_t dlen = strlen(s->studies_real);
	for (size_t i = 0; i < o->nchanged; i++) {
		const char *p = o->changed[i];
		const char *name = p + dlen + 1;
		if (strncmp(p, s->studies_real, dlen) != 0 || p[dlen] != '/' || strchr(name, '/'))
			return false;
		struct stat st;
		bool there = fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (!there && errno != ENOENT)
			return false;
		if (!(str_ends_with(name, ".yaml") || str_ends_with(name, ".md"))) {
			/* A temporary file that came and went (sed -i, some editors'
			 * saves) is no change; any other file is. */
			if (there || (s->nothers && bsearch(&name, s->others, s->nothers,
			                                    sizeof *s->others, cmp_str)))
				return false;
			continue;
		}
		if (there && !S_ISREG(st.st_mode))
			return false; /* a folder or link now: studies_other */
		s->changed = xrealloc(s->changed, (s->nchanged + 1) * sizeof *s->changed);
		s->changed[s->nchanged++] = xstrdup(name);
		bool found;
		size_t k = file_slot(s, name, &found);
		if (there && found) {
			s->files[k].fp = stat_fp(FNV0, &st);
		} else if (there) {
			s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof *s->files);
			memmove(&s->files[k + 1], &s->files[k], (s->nfiles - k) * sizeof *s->files);
			s->files[k] = (incr_file){xstrdup(name), stat_fp(FNV0, &st)};
			s->nfiles++;
		} else if (found) {
			free(s->files[k].name);
			memmove(&s->files[k], &s->files[k + 1],
			        (s->nfiles - k - 1) * sizeof *s->files);
			s->nfiles--;
		}
	}
	s->changed_known = true;
	return true;
}

void incr_scan(build_incr *s, const build_opts *o)
{
	/* The global hash stays the last full scan's: nothing else changed. */
	if (scan_changed(s, o))
		return;
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].name);
	s->nfiles = 0;
	s->studies_dir = s->studies_other = false;
	for (size_t i = 0; i < s->nothers; i++)
		free(s->others[i]);
	s->nothers = 0;
	uint64_t h = fnv_str(fnv_str(FNV0, o->base_url), o->drafts ? "d" : "");
	/* The content folder but studies/, then studies/ apart. */
	DIR *dp = opendir(o->content_dir);
	struct dirent *e;
	while (dp && (e = readdir(dp))) {
		const char *n = e->d_name;
		struct stat st;
		if (n[0] == '.' || fstatat(dirfd(dp), n, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && is_site_dir(dirfd(dp), n))
			continue;
		h += entry_fp(n, &st);
		if (S_ISDIR(st.st_mode)) {
			char *p = path_join(o->content_dir, n);
			bool studies = strcmp(n, "studies") == 0;
			s->studies_dir |= studies;
			scan_tree(s, p, n, studies, &h);
			free(p);
		}
	}
	if (dp)
		closedir(dp);
	free(s->studies_real);
	char *sdir = path_join(o->content_dir, "studies");
	s->studies_real = s->studies_dir ? realpath(sdir, NULL) : NULL;
	free(sdir);
	static const char *const home_parts[] = {"templates", "themes"};
	for (size_t i = 0; i < 2; i++) {
		char *p = path_join(o->home, home_parts[i]);
		char *label = xasprintf("/home/%s", home_parts[i]);
		scan_tree(s, p, label, false, &h);
		free(label);
		free(p);
	}
	s->cur_global = h;
}
