/* files: the served site's files and nothing else. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "serve/files.h"
#include "test.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static files_status get(const char *root, const char *path, char **data)
{
	files_file f;
	files_status st = files_read(root, path, 1 << 20, &f);
	*data = st == FILES_OK ? xstrdup(f.data) : NULL;
	files_file_free(&f);
	return st;
}

int main(void)
{
	char tmpl[] = "/tmp/gapmap-files-XXXXXX";
	char *top = mkdtemp(tmpl);
	char *root = path_join(top, "site");
	char *sub = path_join(root, "studies");
	char *subsub = path_join(sub, "a");
	mkdir(root, 0755);
	mkdir(sub, 0755);
	mkdir(subsub, 0755);
	char *p;
	put((p = path_join(root, "index.html")), "<p>home</p>"), free(p);
	put((p = path_join(subsub, "index.html")), "<p>a</p>"), free(p);
	put((p = path_join(root, "feed.xml")), "<feed/>"), free(p);
	put((p = path_join(root, ".gapmap-site")), "marker"), free(p);
	put((p = path_join(top, "secret.txt")), "secret"), free(p);
	char *link = path_join(root, "link.txt"), *target = path_join(top, "secret.txt");
	CHECK(symlink(target, link) == 0);
	char *dlink = path_join(root, "up");
	CHECK(symlink(top, dlink) == 0);

	char *data;
	CHECK(get(root, "/", &data) == FILES_OK);
	CHECK_STR(data, "<p>home</p>");
	free(data);
	CHECK(get(root, "/studies/a/", &data) == FILES_OK);
	CHECK_STR(data, "<p>a</p>");
	free(data);
	CHECK(get(root, "//studies//a/index.html", &data) == FILES_OK);
	free(data);
	CHECK(get(root, "/studies/a", &data) == FILES_ADD_SLASH);
	CHECK(get(root, "/nope.html", &data) == FILES_NOT_FOUND);
	CHECK(get(root, "/index.html/x", &data) == FILES_NOT_FOUND);
	/* Out of the site: parent segments, hidden names, links. */
	CHECK(get(root, "/../secret.txt", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/studies/../../secret.txt", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/./index.html", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/.gapmap-site", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/link.txt", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/up/secret.txt", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/up/", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "/a\\..\\secret.txt", &data) == FILES_FORBIDDEN);
	CHECK(get(root, "relative", &data) == FILES_FORBIDDEN);
	/* Too big for the limit. */
	files_file f;
	CHECK(files_read(root, "/index.html", 3, &f) == FILES_TOO_BIG);
	files_file_free(&f);
	/* Types by suffix. */
	CHECK_STR(files_type("index.html"), "text/html; charset=utf-8");
	CHECK_STR(files_type("feed.xml"), "application/atom+xml");
	CHECK_STR(files_type("sitemap.xml"), "application/xml");
	CHECK_STR(files_type("a.css"), "text/css; charset=utf-8");
	CHECK_STR(files_type("a.js"), "text/javascript; charset=utf-8");
	CHECK_STR(files_type("a.png"), "image/png");
	CHECK_STR(files_type("a.svg"), "image/svg+xml");
	CHECK_STR(files_type("a.json"), "application/json");
	CHECK_STR(files_type("a.csv"), "text/csv; charset=utf-8");
	CHECK_STR(files_type("noext"), "application/octet-stream");
	CHECK(files_read(root, "/index.html", 100, &f) == FILES_OK && f.html);
	files_file_free(&f);

	char *cmd = xasprintf("rm -rf '%s'", top);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(link), free(target), free(dlink), free(subsub), free(sub), free(root);
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
