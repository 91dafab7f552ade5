# Shared helpers for end-to-end tests: source it, call the checks, end with
# `finish`. Every check counts one assertion and prints only on failure.
# GAPMAP points at the sanitizer build; HOME_DIR at the repository.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GAPMAP=${GAPMAP:-$ROOT/build/test/gapmap}
export GAPMAP_HOME=$ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export NO_COLOR=1
T_PASS=0
T_FAIL=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gapmap-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

pass() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL $*"; }

# check "description" command...  (passes when the command succeeds)
check() {
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then pass; else fail "$desc"; fi
}
# check_eq "description" got want
check_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1"; echo "  got:  $2"; echo "  want: $3"; fi
}
# check_grep "description" file pattern (fixed string)
check_grep() {
	if grep -qF -- "$3" "$2" 2>/dev/null; then pass; else fail "$1: '$3' not in $2"; fi
}
check_no_grep() {
	if grep -qF -- "$3" "$2" 2>/dev/null; then fail "$1: '$3' found in $2"; else pass; fi
}
# cell_count site row col -> the count shown in the map's cell (0 for gaps)
cell_count() {
	grep -o "data-row=\"$2\" data-col=\"$3\" data-count=\"[0-9]*\"" "$1/index.html" |
		sed -E 's/.*data-count="([0-9]+)"/\1/' | head -n 1
}
finish() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
