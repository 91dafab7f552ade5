/* loader: tmpl_add_dir — every *.html of a folder tree, read (no links
 * followed, regular files only, size-capped) and compiled in name order.
 * Everything it allocates is freed before it returns. */
#include "tmpl/env.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_TEMPLATE_SIZE ((size_t)16 * 1024 * 1024)
#define MAX_DIR_DEPTH     32
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *make_label(const char *prefix, const char *rel)
{
	if (prefix && *prefix)
		return *rel ? xasprintf("%s/%s", prefix, rel) : xstrdup(prefix);
	return xstrdup(rel);
}

static int add_dir(tmpl_env *e, const char *dir, const char *rel, const char *prefix, int depth,
                   diag *d)
{
	char *path = *rel ? path_join(dir, rel) : xstrdup(dir);
	DIR *dh = opendir(path);
	if (!dh) {
		char *label = make_label(prefix, rel);
		diag_error(d, *label ? label : path, 0, 0, "cannot read template folder: %s",
		           strerror(errno));
		free(label);
		free(path);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);

	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *full = path_join(path, names[i]);
		char *label = make_label(prefix, crel);
		struct stat st;
		/* lstat: a link in a theme could publish any file the builder can
		 * read (a template is copied into pages), so links are not followed. */
		if (lstat(full, &st) != 0) {
			diag_error(d, label, 0, 0, "cannot read template: %s", strerror(errno));
			rc = -1;
		} else if (S_ISLNK(st.st_mode)) {
			diag_error(d, label, 0, 0,
			           "is a symbolic link: templates are read only from the theme's own "
			           "files, and gapmap follows no links");
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth >= MAX_DIR_DEPTH) {
				diag_error(d, label, 0, 0, "template folders nested too deep");
				rc = -1;
			} else if (add_dir(e, dir, crel, prefix, depth + 1, d)) {
				rc = -1;
			}
		} else if (S_ISREG(st.st_mode) && str_ends_with(names[i], ".html")) {
			char *data;
			size_t len;
			if (read_file(full, MAX_TEMPLATE_SIZE, &data, &len) != 0) {
				diag_error(d, label, 0, 0, "cannot read template: %s",
				           strerror(errno));
				rc = -1;
			} else {
				char *tname = xstrndup(crel, strlen(crel) - strlen(".html"));
				if (tmpl_add(e, tname, label, data, len, d))
					rc = -1;
				free(tname);
				free(data);
			}
		}
		free(label);
		free(full);
		free(crel);
		free(names[i]);
	}
	free(names);
	free(path);
	return rc;
}

int tmpl_add_dir(tmpl_env *e, const char *dir, const char *label_prefix, diag *d)
{
	return add_dir(e, dir, "", label_prefix, 0, d);
}
