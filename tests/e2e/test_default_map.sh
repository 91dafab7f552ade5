#!/bin/sh
# The default map (content/): it checks clean, and a hand tally of cells
# counted from the seeds (tests/e2e/default-map-tally.txt, each line with the
# seed sentence behind it) matches the built map.
. "$(dirname "$0")/lib.sh"
C=$ROOT/content
TALLY=$ROOT/tests/e2e/default-map-tally.txt
"$GAPMAP" check -C "$C" >"$TMP/check.out" 2>"$TMP/check.err"
check_eq "gapmap check passes" "$?" 0
check_eq "gapmap check gives no warnings" "$(cat "$TMP/check.err")" ""
"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_eq "default map builds" "$?" 0
S=$TMP/site
lines=0
while read -r row col count rest; do
	case "$row" in '#'* | '') continue ;; esac
	if [ "$row" = TOTAL ]; then
		if [ "$col" = studies ]; then
			check_grep "total studies" "$S/index.html" "gm-grand\" data-count=\"$count\""
		else
			check_eq "total reports" "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['records']))" "$S/data/studies.json")" "$count"
		fi
		continue
	fi
	lines=$((lines + 1))
	check_eq "cell $row x $col (${rest#\# })" "$(cell_count "$S" "$row" "$col")" "$count"
done <"$TALLY"
check "at least a dozen hand-counted cells" test "$lines" -ge 12
for f in "$C"/studies/*.yaml; do
	id=$(basename "$f" .yaml)
	check "note for $id" test -s "$C/studies/$id.md"
done
check_grep "about names Pilkington's DOI" "$S/about/index.html" "10.1177/20494637241312064"
check_grep "about names Yadav's DOI" "$S/about/index.html" "10.1186/s12889-024-17736-2"
check_grep "footer cites the reviews" "$S/studies/index.html" "20494637241312064"
check "every link works" python3 "$ROOT/tests/e2e/linkcheck.py" "$S"
finish
