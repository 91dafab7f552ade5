#!/bin/sh
# Benchmarks: numbers to watch, never pass/fail. The build engine side by
# side with Hugo (tests/bench/engine.sh), then the interactive map's load and
# filter timings in headless
# Chromium (tests/bench/map-bench.mjs) when the browser test packages are
# installed, and gapmap serve's save-to-served time (tests/bench/serve-bench.py).
# GAPMAP_BENCH_SIZES overrides the sizes.
cd "$(dirname "$0")/../.." || exit 2
out=tests/out/bench
mkdir -p "$out"
# The build engine against Hugo on the same corpus (1,000, 10,000 and
# 100,000 studies unless GAPMAP_BENCH_SIZES says otherwise).
sh tests/bench/engine.sh || exit 1
# gapmap serve: save one record -> rebuilt site served, on a 1,000-study map.
n=1000
dir=$out/content-$n
[ -d "$dir" ] || python3 tests/bench/synth.py "$dir" "$n" >/dev/null
rm -rf "$out/serve-content" "$out/serve-site"
cp -R "$dir" "$out/serve-content"
python3 tests/bench/serve-bench.py ./build/gapmap "$out/serve-content" "$out/serve-site"
# One-record edits under serve: save -> rebuilt files (10,000 studies).
sh tests/bench/incremental.sh || exit 1
if [ -d tests/browser/node_modules/playwright-core ] && [ -x /usr/bin/chromium ]; then
	node tests/bench/map-bench.mjs
else
	echo "map benchmark skipped: run 'make test-deps' for chromium and playwright-core"
fi
