#!/bin/sh
# Runs the unit tests and builds of the end-to-end sites (and the bad-input
# corpus) under valgrind's memcheck, on the plain build in build/vg/
# (`make valgrind` builds it): any invalid read or write, use of
# uninitialised memory or leak fails the run.
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible"
export GAPMAP_HOME=$(pwd)
export NO_COLOR=1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gapmap-vg.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
run() { # description, expected exit status, command...
	desc=$1
	want=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $desc (exit $got, want $want)"
		grep -E '^==[0-9]+==' "$TMP/err" | head -n 40
	fi
}

for t in build/vg/test_*; do
	[ -x "$t" ] || continue
	run "unit $(basename "$t")" 0 $VG "$t"
done
for site in tests/e2e/sites/*/ content/; do
	[ -f "$site/site.yaml" ] || continue
	name=$(basename "$site")
	run "build $name" 0 $VG build/vg/gapmap build -C "$site" -o "$TMP/site-$name" --quiet
	# a second build replaces the first: the output module's swap path
	run "rebuild $name" 0 $VG build/vg/gapmap build -C "$site" -o "$TMP/site-$name" --quiet
done
# Every bad-input case: errors are reported, never a memory error or leak.
for dir in "$ROOT"/tests/bad/*/*/; do
	name=$(basename "$dir")
	[ "$(basename "$(dirname "$dir")")" = base ] && continue
	w=$TMP/bad-$name
	cp -R "$ROOT/tests/bad/base" "$w"
	[ -f "$dir/remove" ] && while IFS= read -r p; do [ -n "$p" ] && rm -rf "$w/$p"; done <"$dir/remove"
	[ -d "$dir/content" ] && cp -R "$dir/content/." "$w/"
	[ -f "$dir/setup.sh" ] && (cd "$w" && sh "$dir/setup.sh")
	want=$(tail -n 1 "$dir/expected" | sed 's/^exit //')
	# Cases whose args name a build write their output beside the copy.
	if [ -f "$dir/args" ]; then
		args=$(sed "s|content|$w|g; s|project|$TMP/project-$name|" "$dir/args")
		[ -f "$dir/setup.sh" ] && grep -q project "$dir/setup.sh" && mkdir -p "$TMP/project-$name" && echo x >"$TMP/project-$name/notes.txt"
	else
		args="check -C $w"
	fi
	# shellcheck disable=SC2086
	run "bad $name" "$want" $VG build/vg/gapmap $args
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
