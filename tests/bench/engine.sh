#!/bin/sh
# The build engine side by side with Hugo: builds the same seeded corpus
# (tests/bench/corpus.py) with gapmap (every core) and with Hugo through
# comparable templates, and copies gapmap's output with `cp -r` as the I/O
# floor. Per size: median wall time of GAPMAP_BENCH_RUNS runs (default 3),
# pages per second, peak memory, output size, and the ratios. Numbers to
# watch, never pass/fail; ratios, because absolute times on a shared machine
# drift from run to run. GAPMAP_BENCH_SIZES overrides the sizes.
cd "$(dirname "$0")/../.." || exit 2
out=${GAPMAP_BENCH_OUT:-tests/out/bench}
mkdir -p "$out"
out=$(cd "$out" && pwd)
sizes=${GAPMAP_BENCH_SIZES:-"1000 10000 100000"}
runs=${GAPMAP_BENCH_RUNS:-3}
command -v hugo >/dev/null 2>&1 || { echo "hugo missing: run 'sh tools/deps.sh bench' (as root)"; exit 1; }
echo "gapmap $(./build/gapmap --version | cut -d' ' -f2), $(hugo version | cut -d' ' -f1-2), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "median of $runs runs; peak = maximum resident set size; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# median FILE: the middle value of the numbers in FILE (one a line)
median() { sort -n "$1" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# Earlier runs' outputs are moved into $trash, not deleted, before the clock
# starts, and deleted when the bench ends. Deleting them just before a run
# would time the file system, not the tool: ext4 without a journal (as on
# the machine of the README's figures) skips inodes freed in the last 60 s
# when it creates files (fs/ext4/ialloc.c, recently_deleted), so creating
# 20,000 files right after deleting 20,000 took cp -r 1.1, 4.3, then 7.8 s
# in three runs in a row there. The window is 6 minutes while the freed
# inodes' blocks are not yet written back: start a bench no sooner after
# another one (or any large deletion on the same disk).
trash=$out/trash
rm -rf "$trash"
mkdir -p "$trash"
trap 'rm -rf "$trash"' EXIT
# aside FOLDER: moves FOLDER (if any) into $trash.
aside() {
	[ ! -e "$1" ] || mv "$1" "$trash/$(basename "$1").$(date +%s%N)"
}
# measure NAME FOLDER COMMAND...: moves FOLDER aside (untimed), then runs
# COMMAND, $runs times; leaves $out/NAME.wall and .rss
measure() {
	name=$1
	fresh=$2
	shift 2
	: >"$out/$name.wall"
	: >"$out/$name.rss"
	i=0
	while [ $i -lt "$runs" ]; do
		aside "$fresh"
		sync
		/usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" >/dev/null 2>"$out/$name.err" || {
			echo "$name failed:"
			tail -5 "$out/$name.err"
			exit 1
		}
		tail -n 1 "$out/$name.time" | cut -d' ' -f1 >>"$out/$name.wall"
		tail -n 1 "$out/$name.time" | cut -d' ' -f2 >>"$out/$name.rss"
		i=$((i + 1))
	done
}

printf '%8s  %-7s %9s %10s %9s %9s\n' studies tool "wall s" "pages/s" "peak MB" "out MB"
for n in $sizes; do
	dir=$out/corpus-$n
	[ -f "$dir/done" ] || { rm -rf "$dir" && python3 tests/bench/corpus.py "$dir" "$n" && touch "$dir/done"; } || exit 1
	# A fresh output folder for every run (removed before the clock starts): a
	# build from scratch, as Hugo's.
	measure "gapmap-$n" "$out/site-gapmap-$n" ./build/gapmap build -C "$dir/gapmap" -o "$out/site-gapmap-$n" --quiet
	measure "hugo-$n" "$out/site-hugo-$n" hugo --quiet -s "$dir/hugo" -d "$out/site-hugo-$n"
	measure "cp-$n" "$out/site-cp-$n" cp -r "$out/site-gapmap-$n" "$out/site-cp-$n"
	aside "$out/site-cp-$n"
	for tool in gapmap hugo cp; do
		wall=$(median "$out/$tool-$n.wall")
		rss=$(median "$out/$tool-$n.rss")
		site=$out/site-$tool-$n
		[ "$tool" = cp ] && site=$out/site-gapmap-$n
		pages=$(find "$site" -name '*.html' | wc -l)
		mb=$(du -sm "$site" | cut -f1)
		eval "wall_$tool=$wall"
		printf '%8s  %-7s %9s %10s %9s %9s\n' "$n" "$tool" "$wall" \
			"$(awk "BEGIN{printf \"%.0f\", $pages / ($wall > 0 ? $wall : 0.01)}")" \
			"$((rss / 1024))" "$mb"
	done
	printf '%8s  hugo/gapmap wall %.2fx, gapmap/cp wall %.2fx; gapmap biggest HTML page %s KB\n' "$n" \
		"$(awk "BEGIN{print $wall_hugo / $wall_gapmap}")" "$(awk "BEGIN{print $wall_gapmap / ($wall_cp > 0 ? $wall_cp : 0.01)}")" \
		"$(find "$out/site-gapmap-$n" -name '*.html' -printf '%s\n' | sort -n | tail -1 | awk '{printf "%.0f", $1 / 1024}')"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
