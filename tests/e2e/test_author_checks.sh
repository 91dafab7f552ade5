#!/bin/sh
# The author's path through `gapmap new` (issue 13): the note it scaffolds
# is flagged until the author replaces its placeholder, and an empty list
# for a required facet (as a scaffold leaves it) is an error in check and
# build. The exact diagnostics for hand-written cases are in tests/bad/record/80-*, 83-* and tests/bad/note/81-*, 82-*.
. "$(dirname "$0")/lib.sh"
C=$TMP/content
cp -R "$ROOT/tests/bad/base" "$C"
"$GAPMAP" new study fresh -C "$C" >/dev/null 2>&1
check_eq "new study" "$?" 0
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/new.err"
check_grep "the scaffolded note is flagged" "$TMP/new.err" \
	"studies/fresh.md:1:1: warning: the note still holds the placeholder text of \`gapmap new\`"

# The author fills in the record but leaves a required list empty.
cat >"$C/studies/fresh.yaml" <<'YAML'
title: A fresh study
year: 2022
added: 2024-03-01
outcome: []
setting: [community]
design: qualitative
YAML
echo "The study found less pain." >"$C/studies/fresh.md"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/empty.err"
check_eq "check fails on an empty required list" "$?" 1
check_grep "check names the empty list" "$TMP/empty.err" \
	'studies/fresh.yaml:4:10: error: "outcome" is required but its list is empty'
check_no_grep "the written note is not flagged" "$TMP/empty.err" "placeholder"
"$GAPMAP" build -C "$C" -o "$TMP/site" >/dev/null 2>"$TMP/build.err"
check_eq "build fails on an empty required list" "$?" 1
check "build wrote nothing" test ! -e "$TMP/site"

# Filled in: clean.
sed -i 's/^outcome: \[\]$/outcome: [pain]/' "$C/studies/fresh.yaml"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/ok.err"
check_eq "check passes once coded" "$?" 0
check_eq "no diagnostics once coded" "$(cat "$TMP/ok.err")" ""
finish
