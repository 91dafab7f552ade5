/* core/sink: writers stream to a buffer or a file through one interface. */
#include <stdio.h>
#include <stdlib.h>

#include "core/sink.h"
#include "test.h"

int main(void)
{
	buf b = BUF_INIT;
	sink s = sink_for_buf(&b);
	sink_puts(&s, "a");
	sink_putc(&s, 'b');
	sink_put(&s, "cdx", 2);
	sink_printf(&s, "%d-%s", 42, "z");
	CHECK_STR(buf_cstr(&b), "abcd42-z");
	CHECK(!s.failed);
	buf_free(&b);

	FILE *f = tmpfile();
	CHECK(f != NULL);
	s = sink_for_file(f);
	sink_puts(&s, "hello ");
	sink_printf(&s, "%zu", (size_t)7);
	fflush(f);
	rewind(f);
	char got[32] = {0};
	CHECK(fread(got, 1, sizeof got - 1, f) == 7);
	CHECK_STR(got, "hello 7");
	fclose(f);

	/* A write that fails marks the sink and drops what follows. */
	FILE *ro = fopen("/dev/full", "w");
	if (ro) {
		setvbuf(ro, NULL, _IONBF, 0);
		s = sink_for_file(ro);
		sink_puts(&s, "x");
		CHECK(s.failed);
		fclose(ro);
	}
	TEST_MAIN_END();
}
