#!/bin/sh
# The bad-input corpus: every folder tests/bad/<area>/<case>/ is one
# mistake an author (or an attacker) can make, checked against the exact
# diagnostics gapmap must print. The areas: yaml/ (the YAML layer), record/,
# note/, page/, site/ (site.yaml), prisma/ (prisma.yaml), template/ (the
# sandbox), output/ (-o), link/ (symbolic links, read and written) and
# file/ (FIFOs and other files that are not regular). A case is applied to
# a fresh copy of tests/bad/base/:
#
#   content/    files copied over the base (added or replacing)
#   remove      paths (one a line, relative to the content) deleted first
#   setup.sh    run with sh in the copied content folder, for inputs too big
#               or too binary to keep in git (1 MiB files, bad bytes, bombs)
#   args        the gapmap command line (default: check -C content)
#   expected    the exact stderr, then a last line "exit N"
#
# Each case must finish within $BAD_TIMEOUT seconds (an alias bomb or a
# runaway template is an error, not a hang). GAPMAP_BAD_UPDATE=1 rewrites
# the expected files from the current output, for reviewing with git diff;
# GAPMAP_BAD_ONLY=<glob> runs only the cases whose name or area/name match.
. "$(dirname "$0")/lib.sh"
BAD=$ROOT/tests/bad
BAD_TIMEOUT=${BAD_TIMEOUT:-20}
ncases=0

run_case() { # case folder
	dir=$1
	name=$(basename "$(dirname "$dir")")/$(basename "$dir")
	work=$TMP/$(basename "$dir")
	rm -rf "$work"
	mkdir -p "$work"
	cp -R "$BAD/base" "$work/content"
	if [ -f "$dir/remove" ]; then
		while IFS= read -r p; do
			[ -n "$p" ] && rm -rf "$work/content/$p"
		done <"$dir/remove"
	fi
	if [ -d "$dir/content" ]; then
		cp -R "$dir/content/." "$work/content/"
	fi
	if [ -f "$dir/setup.sh" ]; then
		(cd "$work/content" && sh "$dir/setup.sh") || {
			fail "$name: setup.sh failed"
			return
		}
	fi
	args="check -C content"
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	# shellcheck disable=SC2086 # args is a word list on purpose
	(cd "$work" && exec timeout "$BAD_TIMEOUT" "$GAPMAP" $args) >"$work/stdout" 2>"$work/stderr"
	status=$?
	printf 'exit %s\n' "$status" >>"$work/stderr"
	if [ "${GAPMAP_BAD_UPDATE:-}" = 1 ]; then
		cp "$work/stderr" "$dir/expected"
	fi
	if [ ! -f "$dir/expected" ]; then
		fail "$name: no expected file"
	elif cmp -s "$work/stderr" "$dir/expected"; then
		pass
	else
		fail "$name: diagnostics differ (- expected, + got)"
		diff -u "$dir/expected" "$work/stderr" | sed -n '3,40p' | sed 's/^/  /'
	fi
	ncases=$((ncases + 1))
}

# The base itself must be clean, or every case would test two things.
(cd "$BAD" && "$GAPMAP" check -C base) >"$TMP/base.out" 2>"$TMP/base.err"
check_eq "base content is valid" "$?" 0
check_eq "base content has no diagnostics" "$(cat "$TMP/base.err")" ""

for dir in "$BAD"/*/*/; do
	dir=${dir%/}
	area=$(basename "$(dirname "$dir")")
	[ "$area" = base ] && continue
	case "$(basename "$dir")" in ${GAPMAP_BAD_ONLY:-*}) ;; *)
		case "$area/$(basename "$dir")" in ${GAPMAP_BAD_ONLY:-*}) ;; *) continue ;; esac ;;
	esac
	run_case "$dir"
done
[ -n "${GAPMAP_BAD_ONLY:-}" ] || check "at least 40 bad-input cases" test "$ncases" -ge 40

# Colour only on a terminal, and never with NO_COLOR set. script(1) gives
# gapmap a terminal; everything above ran with stderr to a file.
if [ "${GAPMAP_BAD_ONLY:-*}" = "*" ]; then
	C=$TMP/colour
	cp -R "$BAD/base" "$C"
	printf 'title: Colour\nyear: soon\nadded: 2024-01-01\noutcome: pain\n' >"$C/studies/colour.yaml"
	esc=$(printf '\033')
	script -qec "env -u NO_COLOR '$GAPMAP' check -C '$C'" /dev/null >"$TMP/tty.out" 2>&1
	check_grep "colour on a terminal" "$TMP/tty.out" "${esc}[31merror:${esc}[0m"
	check_grep "bold location on a terminal" "$TMP/tty.out" "${esc}[1mstudies/colour.yaml:2:7: "
	script -qec "env NO_COLOR=1 '$GAPMAP' check -C '$C'" /dev/null >"$TMP/tty-no.out" 2>&1
	check_no_grep "no colour with NO_COLOR on a terminal" "$TMP/tty-no.out" "$esc"
	check_grep "still reports with NO_COLOR" "$TMP/tty-no.out" "studies/colour.yaml:2:7: error:"
	env -u NO_COLOR "$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/pipe.err"
	check_no_grep "no colour when stderr is not a terminal" "$TMP/pipe.err" "$esc"
	check_grep "reports when stderr is a file" "$TMP/pipe.err" "studies/colour.yaml:2:7: error:"
fi
finish
