#!/bin/sh
# Builds the libFuzzer harnesses (clang, -fsanitize=fuzzer,address,undefined)
# and runs each for a bounded time over its seed corpus:
#   FUZZ_SECONDS (default 60) per harness, FUZZ_JOBS parallel workers (1).
# New inputs that reach new code go to build/fuzz/corpus/<name>/ (the seeds
# in tests/fuzz/corpus/ stay as committed; templates/ also seeds the
# template harness); crashes, leaks and timeouts are
# saved under tests/fuzz/crashes/<name>/ and make the run fail.
# Replay one: build/fuzz/fuzz_<name> tests/fuzz/crashes/<name>/<file>
cd "$(dirname "$0")/../.." || exit 2
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
mkdir -p "$OUT/obj"
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found (apt-get install clang)"
	exit 2
fi
PKG_CFLAGS=$(pkg-config --cflags libcmark yaml-0.1 lua5.4 libpng freetype2)
PKG_LIBS=$(pkg-config --libs libcmark yaml-0.1 lua5.4 libpng freetype2)
FLAGS="-std=c17 -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined $PKG_CFLAGS"

# The generator's library objects, rebuilt only when their source changed.
objs=""
for src in $(find generator -name "*.c" | sort); do
	[ "$src" = generator/main.c ] && continue
	obj=$OUT/obj/$(echo "${src#generator/}" | tr / _ | sed "s/\\.c$/.o/")
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find generator -name '*.h' -newer "$obj")" ]; then
		# shellcheck disable=SC2086
		$CC $FLAGS -Igenerator -c -o "$obj" "$src" || exit 2
	fi
	objs="$objs $obj"
done

status=0
for h in tests/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c)
	short=${name#fuzz_}
	bin=$OUT/$name
	# shellcheck disable=SC2086
	$CC $FLAGS -fsanitize=fuzzer -Igenerator -o "$bin" "$h" $objs $PKG_LIBS -lm -lpthread || exit 2
	mkdir -p "$OUT/corpus/$short" "tests/fuzz/crashes/$short"
	# The site's own templates seed the template fuzzer as they are, rather
	# than as copies that drift from them.
	seeds="tests/fuzz/corpus/$short"
	[ "$short" = tmpl ] && seeds="$seeds templates"
	echo "fuzz: $name for ${SECONDS_EACH}s"
	# -rss_limit_mb: each input gets 2 GB; -timeout: one input may take 10 s.
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-jobs="$JOBS" -workers="$JOBS" -print_final_stats=1 \
		-artifact_prefix="tests/fuzz/crashes/$short/" \
		-dict=tests/fuzz/$short.dict \
		"$OUT/corpus/$short" $seeds >"$OUT/$short.log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|Done [0-9]+ runs' "$OUT/$short.log" | sed "s/^/  $short: /"
	if [ "$rc" -ne 0 ] || [ -n "$(ls "tests/fuzz/crashes/$short" 2>/dev/null)" ]; then
		echo "fuzz: $name FAILED (exit $rc); see $OUT/$short.log and tests/fuzz/crashes/$short/"
		grep -E 'ERROR|SUMMARY' "$OUT/$short.log" | head -5
		status=1
	fi
done
exit $status
