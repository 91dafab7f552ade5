#!/bin/sh
# Runs every test suite and adds up their "N passed, N failed" lines.
# GAPMAP_ONLY=unit|e2e|browser runs one kind. Output of each suite goes to
# tests/out/<suite>.log; failures are printed in full.
cd "$(dirname "$0")/.." || exit 2
mkdir -p tests/out
total_pass=0
total_fail=0
only=${GAPMAP_ONLY:-all}

run_suite() { # name, command...
	name=$1
	shift
	log="tests/out/$name.log"
	"$@" >"$log" 2>&1
	status=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		pass=0
		fail=1
		echo "FAIL $name: no result line (exit $status)"
		tail -n 30 "$log"
	else
		pass=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		fail=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
			fail=1
			echo "FAIL $name: exit status $status"
			tail -n 30 "$log"
		fi
		if [ "$fail" -gt 0 ]; then
			echo "FAIL $name: $pass passed, $fail failed"
			grep -E '^(FAIL|not ok|  )' "$log" | head -n 60
		else
			echo "ok   $name: $pass passed"
		fi
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
}

if [ "$only" = all ] || [ "$only" = unit ]; then
	for t in build/test/test_*; do
		[ -x "$t" ] || continue
		run_suite "unit-$(basename "$t")" "$t"
	done
fi
if [ "$only" = all ] || [ "$only" = e2e ]; then
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] || continue
		run_suite "e2e-$(basename "$t" .sh)" sh "$t"
	done
fi
if [ "$only" = all ] || [ "$only" = browser ]; then
	for t in tests/browser/test_*.mjs; do
		[ -f "$t" ] || continue
		run_suite "browser-$(basename "$t" .mjs)" node "$t"
	done
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
