#!/bin/sh
# One-record edits under gapmap serve on a 10,000-study corpus
# (tests/bench/incremental.py): save -> all rebuilt files, save -> page, the rebuild.
# The corpus is copied first, since the runs edit it. GAPMAP_BENCH_INCR_SIZE
# overrides the size. Numbers to watch, never pass/fail.
cd "$(dirname "$0")/../.." || exit 2
out=tests/out/bench
mkdir -p "$out"
out=$(cd "$out" && pwd)
n=${GAPMAP_BENCH_INCR_SIZE:-10000}
dir=$out/corpus-$n
[ -f "$dir/done" ] || { rm -rf "$dir" && python3 tests/bench/corpus.py "$dir" "$n" && touch "$dir/done"; } || exit 1
rm -rf "$out/incr-content" "$out/incr-site"
cp -r "$dir/gapmap" "$out/incr-content"
echo "incremental rebuilds under serve, $n studies, $(nproc) cores"
python3 tests/bench/incremental.py "$out/incr-content" "$out/incr-site"
rc=$?
rm -rf "$out/incr-content" "$out/incr-site"
exit $rc
