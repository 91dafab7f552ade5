/* core/util: buffers, whole-file reading and the small string helpers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "test.h"

static void test_buf(void)
{
	buf b = BUF_INIT;
	CHECK_STR(buf_cstr(&b), "");
	buf_puts(&b, "ab");
	buf_putc(&b, 'c');
	buf_put(&b, "dexx", 2);
	buf_printf(&b, "-%d-%s", 7, "x");
	CHECK_STR(buf_cstr(&b), "abcde-7-x");
	CHECK(b.len == 9);
	/* Growth past any small first capacity keeps every byte. */
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, 'z');
	CHECK(b.len == 10009 && b.data[10008] == 'z' && b.data[10009] == '\0');
	buf_reset(&b);
	CHECK(b.len == 0 && b.cap > 0);
	CHECK_STR(buf_cstr(&b), "");
	buf_puts(&b, "kept");
	char *s = buf_detach(&b);
	CHECK_STR(s, "kept");
	CHECK(b.data == NULL && b.len == 0);
	free(s);
	s = buf_detach(&b); /* an empty buffer still detaches a string */
	CHECK_STR(s, "");
	free(s);
	/* A buffer grown with nothing written yet is an empty string, both
	 * read in place and detached (util.h: NUL-terminated when cap > 0). */
	buf_grow(&b, 100);
	CHECK(b.cap > 100 && b.len == 0);
	CHECK_STR(buf_cstr(&b), "");
	s = buf_detach(&b);
	CHECK_STR(s, "");
	free(s);
}

static void test_read_file(void)
{
	char path[] = "/tmp/gapmap-util-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello\0world", 11) == 11);
	close(fd);
	char *data = NULL;
	size_t len = 0;
	CHECK(read_file(path, 0, &data, &len) == 0);
	CHECK(len == 11 && memcmp(data, "hello\0world", 11) == 0 && data[11] == '\0');
	free(data);
	errno = 0;
	CHECK(read_file(path, 10, &data, &len) == -1 && errno == EFBIG);
	unlink(path);
	CHECK(read_file(path, 0, &data, &len) == -1 && errno == ENOENT);
}

static void test_strings(void)
{
	char *p = path_join("a", "b");
	CHECK_STR(p, "a/b");
	free(p);
	p = path_join("a/", "b");
	CHECK_STR(p, "a/b");
	free(p);
	CHECK(str_ends_with("index.html", ".html"));
	CHECK(!str_ends_with("x", ".html"));
	CHECK(str_starts_with("studies/a", "studies/"));
	CHECK(!str_starts_with("stud", "studies/"));
	CHECK(utf8_valid_prefix("abc", 3) == 3);
	CHECK(utf8_valid_prefix("a\xc3\xa9", 3) == 3);    /* é */
	CHECK(utf8_valid_prefix("a\xc3", 2) == 1);        /* cut sequence */
	CHECK(utf8_valid_prefix("a\xc0\xaf", 3) == 1);    /* overlong */
	CHECK(utf8_valid_prefix("\xed\xa0\x80", 3) == 0); /* surrogate */
	CHECK(edit_distance("kitten", "sitting") == 3);
	CHECK(edit_distance("", "abc") == 3);
	CHECK(edit_distance("same", "same") == 0);
	char *f = xasprintf("%s-%zu", "n", (size_t)42);
	CHECK_STR(f, "n-42");
	free(f);
	double t0 = now_seconds(), t1 = now_seconds();
	CHECK(t1 >= t0);
}

int main(void)
{
	test_buf();
	test_read_file();
	test_strings();
	TEST_MAIN_END();
}
