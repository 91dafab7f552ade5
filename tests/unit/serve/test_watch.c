/* watch: inotify over a folder tree. A write is reported, a burst becomes
 * one wake-up (bounded by max_ms), a complete save ends the wait sooner
 * than one still being written, new subfolders are watched, hidden and
 * backup names, site folders and skipped paths are ignored, a readable
 * stop descriptor ends the wait. Every wait is bounded: a helper thread
 * writes to the stop pipe after a delay, and an alarm ends a stuck run. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "serve/watch.h"
#include "site/output.h"
#include "test.h"

static int stop[2];

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A thread that, after delay ms, writes n files (gap ms apart) and then,
 * when poke, one byte to the stop pipe. */
typedef struct job {
	int delay, n, gap;
	const char *name; /* files are name0, name1, ... */
	bool poke;
	pthread_t t;
} job;

static void *job_run(void *arg)
{
	job *j = arg;
	sleep_ms(j->delay);
	for (int i = 0; i < j->n; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "%s%d", j->name, i);
		fx_put(rel, "x");
		if (j->gap)
			sleep_ms(j->gap);
	}
	if (j->poke && write(stop[1], "s", 1) != 1)
		perror("write");
	return NULL;
}

/* Writes one file in two parts 300 ms apart, closing it only then. */
static void *slow_save(void *arg)
{
	(void)arg;
	char *path = fx_path("slow.yaml");
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("title: ", f);
		fflush(f);
		sleep_ms(300);
		fputs("Slow\n", f);
		fclose(f);
	}
	free(path);
	return NULL;
}

static void start(job *j)
{
	pthread_create(&j->t, NULL, job_run, j);
}

static void unpoke(void)
{
	char c;
	while (read(stop[0], &c, 1) == 1)
		;
}

/* Waits with a stop after ms: 1 means a change was reported, 0 that the
 * stop came first (nothing relevant happened). */
static int wait_or_stop(watch *w, int ms)
{
	job j = {.delay = ms, .poke = true};
	start(&j);
	int r = watch_wait(w, stop[0], 50, 50, 2000);
	pthread_join(j.t, NULL);
	unpoke();
	return r;
}

int main(void)
{
	alarm(30); /* a hang fails the suite instead of stalling it */
	CHECK(pipe(stop) == 0);
	fcntl(stop[0], F_SETFL, O_NONBLOCK);
	CHECK(fx_init());
	fx_mkdir("a");
	fx_mkdir("a/b");
	fx_mkdir(".git");
	fx_mkdir("_site");
	fx_put("_site/" OUT_MARKER, "");
	fx_mkdir("_site/studies");

	watch *w = watch_new();
	CHECK(w != NULL);
	if (!w)
		TEST_MAIN_END();
	/* The root, a and a/b: not the hidden folder, not the site. */
	CHECK(watch_tree(w, fx_dir) == 3);
	char *missing = fx_path("nope");
	CHECK(watch_tree(w, missing) == 0);
	free(missing);
	/* The output, spelt another way, before it exists. */
	char *skip = fx_path("a/../out/");
	watch_skip(w, skip);
	free(skip);
	/* A path in a folder that does not exist is not recorded (no crash). */
	char *nowhere = fx_path("no/such/place");
	watch_skip(w, nowhere);
	free(nowhere);

	/* Nothing happened: the stop ends the wait. */
	CHECK(wait_or_stop(w, 100) == 0);

	/* A write in the root, and in a subfolder, is reported. */
	fx_put("x.yaml", "title: X\n");
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);
	CHECK(wait_or_stop(w, 150) == 0); /* and drained */
	fx_put("a/b/y.md", "note");
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);
	CHECK(wait_or_stop(w, 150) == 0);

	/* A readable stop wins even over pending changes. */
	fx_put("x.yaml", "title: X2\n");
	CHECK(write(stop[1], "s", 1) == 1);
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 0);
	unpoke();
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1); /* the change is still there */

	/* Ignored: hidden names, backups, writes in a hidden folder or in the
	 * site, and the skipped output folder with what is written in it. */
	fx_put(".x.yaml.swp", "swap");
	fx_put("x.yaml~", "backup");
	fx_put("a/.#lock", "lock");
	fx_put(".git/index", "git");
	fx_put("_site/index.html", "site");
	fx_put("_site/studies/s.html", "site");
	CHECK(wait_or_stop(w, 300) == 0);
	fx_mkdir("out");
	fx_put("out/index.html", "served");
	CHECK(wait_or_stop(w, 300) == 0);
	fx_mkdir(".hidden-new");
	fx_put(".hidden-new/f", "x");
	CHECK(wait_or_stop(w, 300) == 0);

	/* A new subfolder is reported and then watched, as is one below it
	 * made at once. */
	fx_mkdir("c");
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);
	fx_put("c/z.yaml", "z");
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);
	fx_mkdir("c/d");
	fx_mkdir("c/d/e");
	CHECK(watch_wait(w, stop[0], 100, 100, 2000) == 1);
	fx_put("c/d/e/deep.yaml", "deep");
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);
	CHECK(wait_or_stop(w, 150) == 0);

	/* A burst of writes 5 ms apart becomes one wake-up, once they stop. */
	job burst = {.delay = 0, .n = 20, .gap = 5, .name = "burst"};
	double t0 = now_seconds();
	start(&burst);
	CHECK(watch_wait(w, stop[0], 150, 150, 5000) == 1);
	double took = now_seconds() - t0;
	pthread_join(burst.t, NULL);
	CHECK(took >= 0.1);               /* not before the burst was over */
	CHECK(wait_or_stop(w, 200) == 0); /* one wake-up for all twenty */

	/* A save complete (its file closed) ends the wait after settle_ms:
	 * two saves 300 ms apart are two wake-ups, though quiet_ms is longer. */
	job two = {.delay = 0, .n = 2, .gap = 300, .name = "settled"};
	job guard = {.delay = 1500, .poke = true}; /* bounds the second wait */
	start(&two);
	start(&guard);
	CHECK(watch_wait(w, stop[0], 20, 1000, 5000) == 1);
	CHECK(watch_wait(w, stop[0], 20, 1000, 5000) == 1);
	pthread_join(two.t, NULL);
	pthread_join(guard.t, NULL);
	unpoke();
	CHECK(wait_or_stop(w, 200) == 0);

	/* A file still open after a write is waited for (quiet_ms): a save
	 * written in two parts 300 ms apart is one wake-up, once closed. */
	pthread_t slow;
	pthread_create(&slow, NULL, slow_save, NULL);
	CHECK(watch_wait(w, stop[0], 20, 1000, 5000) == 1);
	pthread_join(slow, NULL);
	CHECK(wait_or_stop(w, 200) == 0);

	/* A burst that never goes quiet is cut at max_ms. */
	job endless = {.delay = 0, .n = 100, .gap = 10, .name = "endless"};
	t0 = now_seconds();
	start(&endless);
	CHECK(watch_wait(w, stop[0], 200, 200, 300) == 1);
	took = now_seconds() - t0;
	CHECK(took < 0.8);
	pthread_join(endless.t, NULL);
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1); /* the rest of it */

	/* A watched folder removed: reported. */
	char *e = fx_path("c/d/e/deep.yaml");
	remove(e);
	free(e);
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);
	char *ed = fx_path("c/d/e");
	rmdir(ed);
	free(ed);
	CHECK(watch_wait(w, stop[0], 50, 50, 2000) == 1);

	watch_free(w);
	watch_free(NULL);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
	CHECK(system(cmd) == 0);
	close(stop[0]);
	close(stop[1]);
	TEST_MAIN_END();
}
