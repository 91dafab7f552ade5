/* gapmap's command line: parse arguments, call one verb. The only place
 * with process-wide state (the environment, the terminal, exit codes). */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"
#include "site/build.h"
#include "site/clean.h"
#include "load/config.h"
#include "core/diag.h"
#include "core/files.h"
#include "load/schema.h"
#include "core/version.h"
#include "formats/yaml_write.h"
#include "import/import.h"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2 };

typedef struct verb {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(int argc, char **argv, const char *home);
} verb;

static int usage_error(const char *fmt, const char *arg)
{
	fputs("gapmap: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'gapmap --help'.\n", stderr);
	return EXIT_USAGE;
}

static bool colour_for(FILE *f)
{
	const char *no = getenv("NO_COLOR");
	return isatty(fileno(f)) && !(no && *no);
}

static int finish(diag *d)
{
	diag_print(d, stderr, colour_for(stderr));
	int rc = d->errors ? EXIT_CONTENT : 0;
	diag_free(d);
	return rc;
}

/* Common flags: -C DIR, -o OUT, --quiet. Returns -1 on a usage error. */
typedef struct flags {
	const char *dir;
	const char *out;
	bool quiet;
	bool force;
	bool drafts;
	int jobs;
	const char *base_url;
	const char *positional[4];
	int npos;
} flags;

static int parse_flags(int argc, char **argv, flags *f, bool allow_out)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-C") || !strcmp(a, "--content")) {
			if (++i >= argc)
				return usage_error("%s needs a folder", a), -1;
			f->dir = argv[i];
		} else if (allow_out && (!strcmp(a, "-o") || !strcmp(a, "--output"))) {
			if (++i >= argc)
				return usage_error("%s needs a folder", a), -1;
			f->out = argv[i];
		} else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
			char *end = NULL;
			long n = ++i < argc ? strtol(argv[i], &end, 10) : 0;
			if (!end || *end || n < 1 || n > 64)
				return usage_error("%s takes a number of threads from 1 to 64", a), -1;
			f->jobs = (int)n;
		} else if (allow_out && !strcmp(a, "--base-url")) {
			if (++i >= argc || (!str_starts_with(argv[i], "https://") &&
			                    !str_starts_with(argv[i], "http://")))
				return usage_error("%s takes an http:// or https:// address", a), -1;
			f->base_url = argv[i];
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			f->quiet = true;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--force")) {
			f->force = true;
		} else if (!strcmp(a, "--drafts")) {
			f->drafts = true;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option %s", a), -1;
		} else if (f->npos < 4) {
			f->positional[f->npos++] = a;
		} else {
			return usage_error("too many arguments at %s", a), -1;
		}
	}
	return 0;
}

static int cmd_build(int argc, char **argv, const char *home)
{
	flags f = {.dir = ".", .out = NULL};
	if (parse_flags(argc, argv, &f, true) != 0)
		return EXIT_USAGE;
	if (f.npos)
		return usage_error("build takes no argument '%s' (use -C DIR)", f.positional[0]);
	char *out = f.out ? strdup(f.out) : path_join(f.dir, "_site");
	build_opts o = {.content_dir = f.dir, .out_dir = out, .home = home, .jobs = f.jobs,
	                .drafts = f.drafts, .base_url = f.base_url};
	build_stats s;
	diag *d = diag_new();
	int rc = build_run(&o, &s, d);
	if (rc != 0)
		diag_at(d, DIAG_NOTE, "", 0, 0, "nothing was written: %s was left as it was", out);
	if (rc == 0 && !f.quiet)
		printf("gapmap: built %zu studies (%zu reports) into %s: %zu pages, %zu files in %.2f s\n",
		       s.studies, s.reports, out, s.pages, s.files, s.seconds);
	free(out);
	int drc = finish(d);
	return rc ? EXIT_CONTENT : drc;
}

static int cmd_check(int argc, char **argv, const char *home)
{
	flags f = {.dir = "."};
	if (parse_flags(argc, argv, &f, false) != 0)
		return EXIT_USAGE;
	if (f.npos)
		return usage_error("check takes no argument '%s' (use -C DIR)", f.positional[0]);
	build_opts o = {.content_dir = f.dir, .home = home, .check_only = true, .jobs = f.jobs,
	                .drafts = f.drafts};
	build_stats s;
	diag *d = diag_new();
	int rc = build_run(&o, &s, d);
	if (rc == 0 && !f.quiet)
		printf("gapmap: %s is fine: %zu studies (%zu reports), %zu pages\n", f.dir, s.studies,
		       s.reports, s.pages);
	int drc = finish(d);
	return rc ? EXIT_CONTENT : drc;
}

/* Writes path only when it does not exist (or force), never through a
 * link (core/files.h). */
static int write_new(const char *path, const char *text, bool force)
{
	if (file_create(path, text, strlen(text), force) != 0) {
		if (errno == EEXIST)
			fprintf(stderr, "gapmap: %s exists; not overwriting it (use --force)\n", path);
		else
			fprintf(stderr, "gapmap: cannot write %s: %s\n", path, file_create_error(errno));
		return -1;
	}
	return 0;
}

static int cmd_new(int argc, char **argv, const char *home)
{
	(void)home;
	flags f = {.dir = "."};
	if (parse_flags(argc, argv, &f, false) != 0)
		return EXIT_USAGE;
	if (f.npos != 2 || strcmp(f.positional[0], "study") != 0)
		return usage_error("%s", "usage: gapmap new study ID [-C DIR] [--force]");
	const char *id = f.positional[1];
	if (!schema_valid_id(id))
		return usage_error("\"%s\" is not a valid id: use lower-case letters, digits and hyphens",
		                   id);
	diag *d = diag_new();
	char *site_path = path_join(f.dir, "site.yaml");
	cfg_site *site = cfg_load(site_path, "site.yaml", d);
	free(site_path);
	if (!site)
		return finish(d);
	buf y = BUF_INIT;
	yw_blank_record(&y, site);
	cfg_free(site);
	char *studies = path_join(f.dir, "studies");
	mkdir(studies, 0755);
	char *yname = xasprintf("%s.yaml", id), *mname = xasprintf("%s.md", id);
	char *ypath = path_join(studies, yname), *mpath = path_join(studies, mname);
	int rc = 0;
	struct stat st;
	if (!f.force && (stat(ypath, &st) == 0 || stat(mpath, &st) == 0)) {
		fprintf(stderr, "gapmap: %s already exists; not overwriting it (use --force)\n",
		        stat(ypath, &st) == 0 ? ypath : mpath);
		rc = EXIT_CONTENT;
	} else if (write_new(ypath, buf_cstr(&y), f.force) != 0 ||
	           write_new(mpath, "What the study found, in your own words.\n", f.force) != 0) {
		rc = EXIT_CONTENT;
	} else if (!f.quiet) {
		printf("gapmap: wrote %s and %s\n", ypath, mpath);
	}
	buf_free(&y);
	free(studies);
	free(yname);
	free(mname);
	free(ypath);
	free(mpath);
	diag_free(d);
	return rc;
}

static int cmd_prisma(int argc, char **argv, const char *home)
{
	const char *dir = ".", *out = "prisma.png", *flow = NULL;
	double dpi = 0;
	bool quiet = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if ((!strcmp(a, "-C") || !strcmp(a, "--content")) && has_value)
			dir = argv[++i];
		else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_value)
			out = argv[++i];
		else if (!strcmp(a, "--flow") && has_value)
			flow = argv[++i];
		else if (!strcmp(a, "--dpi") && has_value) {
			char *end;
			dpi = strtod(argv[++i], &end);
			if (*end || dpi < 24 || dpi > 2400)
				return usage_error("--dpi takes a number from 24 to 2400, not '%s'", argv[i]);
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			quiet = true;
		else
			return usage_error("prisma: unexpected argument '%s'", a);
	}
	if (!str_ends_with(out, ".png") && !str_ends_with(out, ".svg"))
		return usage_error("-o must name a .png or .svg file, not '%s'", out);
	build_opts o = {.content_dir = dir, .home = home, .check_only = true, .jobs = 1};
	diag *d = diag_new();
	int rc = build_prisma(&o, flow, out, dpi, d);
	if (rc == 0 && !quiet)
		printf("gapmap: wrote %s\n", out);
	int drc = finish(d);
	return rc ? EXIT_CONTENT : drc;
}

/* serve's own options beside the common ones; SIGINT and SIGTERM become
 * a descriptor the serve loop watches, so Ctrl-C stops it between two
 * rebuilds and every connection is closed cleanly. */
static int cmd_serve(int argc, char **argv, const char *home)
{
	flags f = {.dir = "."};
	const char *host = "127.0.0.1";
	long port = 8080;
	bool drafts = false;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0;
	rest[nrest++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--port") || !strcmp(a, "-p")) {
			char *end = NULL;
			port = ++i < argc ? strtol(argv[i], &end, 10) : -1;
			if (!end || *end || port < 0 || port > 65535) {
				free(rest);
				return usage_error("%s takes a port number from 0 to 65535", a);
			}
		} else if (!strcmp(a, "--host")) {
			if (++i >= argc) {
				free(rest);
				return usage_error("%s needs an address", a);
			}
			host = argv[i];
		} else if (!strcmp(a, "--drafts")) {
			drafts = true;
		} else {
			rest[nrest++] = argv[i];
		}
	}
	int prc = parse_flags(nrest, rest, &f, true);
	free(rest);
	if (prc != 0)
		return EXIT_USAGE;
	if (f.npos)
		return usage_error("serve takes no argument '%s' (use -C DIR)", f.positional[0]);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	/* Blocked before any thread starts, so every thread inherits it. */
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &stop, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "gapmap: cannot catch signals: %s\n", strerror(errno));
		return EXIT_CONTENT;
	}
	serve_opts o = {.build = {.content_dir = f.dir,
	                          .out_dir = f.out,
	                          .home = home,
	                          .jobs = f.jobs,
	                          .drafts = drafts,
	                          .base_url = f.base_url},
	                .host = host,
	                .port = (int)port,
	                .quiet = f.quiet};
	int rc = serve_run(&o, sfd);
	close(sfd);
	return rc ? EXIT_CONTENT : 0;
}

static int cmd_clean(int argc, char **argv, const char *home)
{
	(void)home;
	flags f = {.dir = "."};
	if (parse_flags(argc, argv, &f, true) != 0)
		return EXIT_USAGE;
	if (f.npos)
		return usage_error("clean takes no argument '%s' (use -C DIR)", f.positional[0]);
	char *out = f.out ? xstrdup(f.out) : path_join(f.dir, "_site");
	diag *d = diag_new();
	int removed = 0;
	int rc = site_clean(out, &removed, d);
	if (rc == 0 && !f.quiet)
		printf(removed ? "gapmap: removed %s\n" : "gapmap: no site at %s\n", out);
	free(out);
	int drc = finish(d);
	return rc ? EXIT_CONTENT : drc;
}

/* Today as YYYY-MM-DD (UTC), or the day of SOURCE_DATE_EPOCH when set, so
 * that imports can be reproduced. */
static void today(char out[11])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	long long t = sde && *sde ? strtoll(sde, &end, 10) : 0;
	time_t now = end && !*end ? (time_t)t : time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Where an import option that takes a value keeps it; NULL for others. */
static const char **import_value(import_opts *o, const char *a)
{
	if (!strcmp(a, "-C") || !strcmp(a, "--content"))
		return &o->content_dir;
	if (!strcmp(a, "--rows"))
		return &o->rows;
	if (!strcmp(a, "--columns"))
		return &o->columns;
	if (!strcmp(a, "--segments"))
		return &o->segments;
	if (!strcmp(a, "--split"))
		return &o->split;
	return NULL;
}

static int cmd_import(int argc, char **argv, const char *home)
{
	(void)home;
	import_opts o = {.content_dir = "."};
	char **files = calloc((size_t)argc, sizeof *files);
	char **maps = calloc((size_t)argc, sizeof *maps);
	size_t nfiles = 0, nmaps = 0;
	bool quiet = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (!strcmp(a, "--map")) {
			if (!has_value) {
				free(files);
				free(maps);
				return usage_error("%s needs COLUMN=FIELD", a);
			}
			maps[nmaps++] = argv[++i];
			continue;
		}
		const char **slot = import_value(&o, a);
		if (slot) {
			if (!has_value) {
				free(files);
				free(maps);
				return usage_error("%s needs a value", a);
			}
			*slot = argv[++i];
			continue;
		}
		if (!strcmp(a, "--dry-run"))
			o.dry_run = true;
		else if (!strcmp(a, "--force") || !strcmp(a, "-f"))
			o.force = true;
		else if (!strcmp(a, "--update"))
			o.update = true;
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			quiet = true;
		else if (a[0] == '-' && a[1]) {
			free(files);
			free(maps);
			return usage_error("import: unknown option %s", a);
		} else if (!o.format)
			o.format = a;
		else
			files[nfiles++] = argv[i];
	}
	if (!o.format || !nfiles) {
		free(files);
		free(maps);
		return usage_error("%s", "usage: gapmap import FORMAT FILE... [-C DIR] [--dry-run] "
		                         "[--update] [--force]");
	}
	if (!import_known_format(o.format)) {
		free(files);
		free(maps);
		return usage_error("import: unknown format '%s' (ris, bibtex, csv or eppi)", o.format);
	}
	if ((o.rows || o.columns || o.segments) && strcmp(o.format, "eppi") != 0) {
		free(files);
		free(maps);
		return usage_error("%s", "--rows, --columns and --segments come with the eppi format");
	}
	char day[11];
	today(day);
	o.today = day;
	o.files = files;
	o.nfiles = nfiles;
	o.map = maps;
	o.nmap = nmaps;
	import_summary s;
	buf report = BUF_INIT;
	diag *d = diag_new();
	int rc = import_run(&o, &s, &report, d);
	if (!quiet)
		fputs(buf_cstr(&report), stdout);
	buf_free(&report);
	free(files);
	free(maps);
	int drc = finish(d);
	return rc ? EXIT_CONTENT : drc;
}

static int cmd_help(int argc, char **argv, const char *home);

static const verb verbs[] = {
	{"build", "gapmap build [-C DIR] [-o OUT] [-j N] [--base-url URL] [--drafts] [--quiet]",
	 "Builds the content folder DIR (default .) into the static site OUT (default DIR/_site).\n"
	 "The site is written beside OUT and swapped in only when complete; on any error the\n"
	 "previous site is left as it was. Pages are rendered by one thread per core, or N.\n"
	 "--base-url URL (or url: in site.yaml) gives the feed, sitemap and canonical links\n"
	 "absolute addresses; links between pages stay relative.\n"
	 "Records marked `draft: true` are left out unless --drafts is given.",
	 cmd_build},
	{"check", "gapmap check [-C DIR] [--drafts] [--quiet]",
	 "Checks the content folder and its templates without writing anything, reporting every\n"
	 "problem as file:line:col: error: message, and lists the drafts (records marked\n"
	 "`draft: true`, not yet coded); --drafts checks the site with them included.",
	 cmd_check},
	{"new", "gapmap new study ID [-C DIR] [--force]",
	 "Writes studies/ID.yaml, with a field for every facet of site.yaml, and studies/ID.md.\n"
	 "Existing files are never overwritten unless --force is given.",
	 cmd_new},
	{"import",
	 "gapmap import FORMAT FILE... [-C DIR] [--dry-run] [--update] [--force]\n"
	 "              [--map COLUMN=FIELD]... [--split SEP] [--rows NAME --columns NAME\n"
	 "              [--segments NAME]]",
	 "Adds the references of review-tool exports to DIR/studies as records. FORMAT is ris\n"
	 "(Zotero, EndNote, Mendeley, Rayyan, Covidence, Scopus, ...), bibtex (Zotero, JabRef,\n"
	 "Scopus), csv (Covidence and Rayyan exports, or any sheet: --map COLUMN=FIELD names\n"
	 "a column's record field or facet, --split SEP what separates codes in a cell,\n"
	 "default ;) or eppi (EPPI-Reviewer JSON). References already in the map (same EPPI ItemId, DOI, or title and year) are\n"
	 "skipped: re-importing a grown export adds only the new ones. --update fills in what\n"
	 "matching records lack (--force: replaces what they have). Records without the codes\n"
	 "site.yaml requires are written as drafts. --dry-run writes nothing. With eppi,\n"
	 "--rows and --columns (and --segments) name code sets that become site.yaml's facets\n"
	 "and map.",
	 cmd_import},
	{"prisma", "gapmap prisma [-C DIR] [-o FILE.png|FILE.svg] [--flow ID] [--dpi N]",
	 "Draws one PRISMA 2020 flow diagram from DIR/prisma.yaml without building the site:\n"
	 "PNG or SVG by the file's suffix (default prisma.png), the first flow unless --flow\n"
	 "names one, at twice the screen size unless --dpi sets the resolution (e.g. 300).\n"
	 "The included counts are checked against the records first.",
	 cmd_prisma},
	{"serve",
	 "gapmap serve [-C DIR] [-o OUT] [--port N] [--host ADDR] [--drafts] [--base-url URL] [-j N]",
	 "Builds DIR, serves it at http://127.0.0.1:8080/ (or the next free port; printed) and\n"
	 "rebuilds whenever the content, its templates or the theme change. Open pages reload by\n"
	 "themselves; while the content is broken they show the problems over the last good\n"
	 "site. The site is built into a temporary folder (or OUT), never into DIR/_site.\n"
	 "--drafts shows records marked draft: true. --host 0.0.0.0 makes it reachable from\n"
	 "other machines. Ctrl-C stops it.",
	 cmd_serve},
	{"clean", "gapmap clean [-C DIR] [-o OUT]",
	 "Removes the site in OUT (default DIR/_site), only if gapmap wrote it: a folder without\n"
	 "gapmap's .gapmap-site marker is never touched.",
	 cmd_clean},
	{"help", "gapmap help [VERB]", "Shows help for gapmap or one verb.", cmd_help},
};

#define NVERBS (sizeof verbs / sizeof *verbs)

static void print_help(FILE *f)
{
	fprintf(f, "gapmap %s — static sites for living evidence-gap maps\n\nUsage:\n",
	        GAPMAP_VERSION);
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %s\n", verbs[i].usage);
	fputs("  gapmap --version\n\nExit status: 0 success, 1 content errors, 2 usage errors.\n"
	      "Run 'gapmap help VERB' for more on one verb.\n",
	      f);
}

static int cmd_help(int argc, char **argv, const char *home)
{
	(void)home;
	if (argc < 2) {
		print_help(stdout);
		return 0;
	}
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(argv[1], verbs[i].name)) {
			printf("Usage: %s\n\n%s\n", verbs[i].usage, verbs[i].help);
			return 0;
		}
	return usage_error("no verb '%s'", argv[1]);
}

/* templates/ and themes/ live beside the source tree's build/ folder, or
 * in share/gapmap of an installed prefix; GAPMAP_HOME overrides both. */
static char *find_home(const char *argv0)
{
	const char *env = getenv("GAPMAP_HOME");
	if (env && *env)
		return strdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		if (!realpath(argv0, exe))
			return strdup(".");
		n = (ssize_t)strlen(exe);
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	const char *candidates[] = {"..", "../..", "../share/gapmap"};
	for (size_t i = 0; i < 3; i++) {
		char *home = path_join(exe, candidates[i]);
		char *t = path_join(home, "templates");
		struct stat st;
		bool ok = stat(t, &st) == 0 && S_ISDIR(st.st_mode);
		free(t);
		if (ok)
			return home;
		free(home);
	}
	return strdup(".");
}

int main(int argc, char **argv)
{
	/* A write past RLIMIT_FSIZE (a file-size quota) must fail with EFBIG
	 * and be reported like a full disk, not kill gapmap with SIGXFSZ
	 * halfway through writing the site. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("gapmap %s\n", GAPMAP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(argv[1], verbs[i].name)) {
			for (int k = 2; k < argc; k++)
				if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
					printf("Usage: %s\n\n%s\n", verbs[i].usage, verbs[i].help);
					return 0;
				}
			char *home = find_home(argv[0]);
			int rc = verbs[i].run(argc - 1, argv + 1, home);
			free(home);
			return rc;
		}
	return usage_error("unknown command '%s'", argv[1]);
}
