/* A minimal unit-test harness: each CHECK is one counted assertion; each
 * test binary prints one line per failure and a closing "N passed, N failed"
 * that tests/run.sh adds up. */
#ifndef GM_TEST_H
#define GM_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                                  \
	do {                                                                             \
		if (cond) {                                                                  \
			test_passed++;                                                           \
		} else {                                                                     \
			test_failed++;                                                           \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
		}                                                                            \
	} while (0)

#define CHECK_STR(got, want)                                                         \
	do {                                                                             \
		const char *g_ = (got), *w_ = (want);                                        \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                       \
			test_passed++;                                                           \
		} else {                                                                     \
			test_failed++;                                                           \
			printf("FAIL %s:%d: %s\n  got:  %s\n  want: %s\n", __FILE__, __LINE__,   \
			       #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                    \
		}                                                                            \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                  \
	do {                                                                             \
		const char *h_ = (hay), *n_ = (needle);                                      \
		if (h_ && n_ && strstr(h_, n_)) {                                            \
			test_passed++;                                                           \
		} else {                                                                     \
			test_failed++;                                                           \
			printf("FAIL %s:%d: %s does not contain \"%s\"\n  in: %s\n", __FILE__,    \
			       __LINE__, #hay, n_ ? n_ : "(null)", h_ ? h_ : "(null)");          \
		}                                                                            \
	} while (0)

#define TEST_MAIN_END()                                                              \
	do {                                                                             \
		printf("%d passed, %d failed\n", test_passed, test_failed);                  \
		return test_failed ? 1 : 0;                                                  \
	} while (0)

#endif
