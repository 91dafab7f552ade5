/* fixture: one scratch folder per test binary (fx_init makes it under
 * /tmp) and small helpers to fill and read it. Paths given to the helpers
 * are relative to the folder; returned strings are the caller's to free.
 * For tests that need files on disk. */
#ifndef GM_FIXTURE_H
#define GM_FIXTURE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

static char fx_dir[] = "/tmp/gapmap-test.XXXXXX";

static inline bool fx_init(void)
{
	return mkdtemp(fx_dir) != NULL;
}

static inline char *fx_path(const char *rel)
{
	return path_join(fx_dir, rel);
}

/* Writes text to rel (replacing it). */
static inline void fx_put(const char *rel, const char *text)
{
	char *path = fx_path(rel);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

static inline void fx_mkdir(const char *rel)
{
	char *path = fx_path(rel);
	mkdir(path, 0755);
	free(path);
}

static inline void fx_remove(const char *rel)
{
	char *path = fx_path(rel);
	remove(path);
	free(path);
}

/* Whether rel exists (a link counts as itself, not followed). */
static inline bool fx_exists(const char *rel)
{
	char *path = fx_path(rel);
	struct stat st;
	bool ok = lstat(path, &st) == 0;
	free(path);
	return ok;
}

/* The contents of rel, or NULL. */
static inline char *fx_slurp(const char *rel)
{
	char *path = fx_path(rel), *data = NULL;
	size_t len;
	if (read_file(path, (size_t)1 << 24, &data, &len) != 0)
		data = NULL;
	free(path);
	return data;
}

/* Removes path and everything below it, links not followed. */
static inline void fx_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(path);
		for (struct dirent *e; dp && (e = readdir(dp));)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				char *p = path_join(path, e->d_name);
				fx_rm_rf(p);
				free(p);
			}
		if (dp)
			closedir(dp);
		rmdir(path);
	} else {
		remove(path);
	}
}

#endif
