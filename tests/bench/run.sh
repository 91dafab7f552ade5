#!/bin/sh
# Benchmarks: numbers to watch, never pass/fail. Builds synthetic content
# folders (tests/bench/synth.py, seeded) and reports build time and peak
# memory, then the interactive map's load and filter timings in headless
# Chromium (tests/bench/map-bench.mjs) when the browser test packages are
# installed, and gapmap serve's save-to-served time (tests/bench/serve-bench.py).
# GAPMAP_BENCH_SIZES overrides the sizes.
cd "$(dirname "$0")/../.." || exit 2
out=tests/out/bench
mkdir -p "$out"
sizes=${GAPMAP_BENCH_SIZES:-"1000 10000"}
echo "gapmap $(./build/gapmap --version | cut -d' ' -f2) on $(nproc) cores"
for n in $sizes; do
	dir=$out/content-$n
	[ -d "$dir" ] || python3 tests/bench/synth.py "$dir" "$n" >/dev/null
	best=""
	for run in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$out/time-$n" ./build/gapmap build -C "$dir" -o "$out/site-$n" --quiet || exit 1
		t=$(cut -d' ' -f1 "$out/time-$n")
		rss=$(cut -d' ' -f2 "$out/time-$n")
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; best_rss=$rss; fi
	done
	pages=$(find "$out/site-$n" -name '*.html' | wc -l)
	echo "build $n studies: $pages pages in $best s (best of 3), peak memory $((best_rss / 1024)) MiB"
done
# gapmap serve: save one record -> rebuilt site served (smallest size).
n=${sizes%% *}
rm -rf "$out/serve-content" "$out/serve-site"
cp -R "$out/content-$n" "$out/serve-content"
python3 tests/bench/serve-bench.py ./build/gapmap "$out/serve-content" "$out/serve-site"
if [ -d tests/browser/node_modules/playwright-core ] && [ -x /usr/bin/chromium ]; then
	node tests/bench/map-bench.mjs
else
	echo "map benchmark skipped: run 'make test-deps' for chromium and playwright-core"
fi
