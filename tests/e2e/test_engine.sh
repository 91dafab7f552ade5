#!/bin/sh
# The build engine: templates see a read-only model, output does not depend
# on -j, rebuilds keep unchanged files, long lists are paginated.
. "$(dirname "$0")/lib.sh"
cp -r "$ROOT/content" "$TMP/c"
C=$TMP/c

# -- the model is read-only: a write fails with the template's file and line
mkdir -p "$C/templates"
printf '<h1>Not found</h1>\n<%% site.title = "Hijacked" %%>\n' >"$C/templates/404.html"
"$GAPMAP" build -C "$C" -o "$TMP/ro" >"$TMP/ro.out" 2>"$TMP/ro.err"
check_eq "a template writing to the model fails the build" "$?" 1
check_grep "the error names the template and line" "$TMP/ro.err" \
	'templates/404.html:2: error: the site'"'"'s data is read-only (cannot set field "title") (while rendering 404.html)'
check "no site is written" test ! -e "$TMP/ro"
printf '<p>\n\n<%% study.primary.codes.outcome[1] = false %%>\n' >"$C/templates/study.html"
rm "$C/templates/404.html"
"$GAPMAP" build -C "$C" -o "$TMP/ro" >"$TMP/ro.out" 2>"$TMP/ro.err"
check_grep "nested lists are read-only too" "$TMP/ro.err" \
	'templates/study.html:3: error: the site'"'"'s data is read-only (cannot set an entry)'
rm -r "$C/templates"

# -- a page cannot leak state into another, so -j changes nothing
"$GAPMAP" build -C "$C" -o "$TMP/j1" -j 1 --quiet
"$GAPMAP" build -C "$C" -o "$TMP/j3" -j 3 --quiet
check "-j 1 and -j 3 builds are byte-identical" diff -r "$TMP/j1" "$TMP/j3"

# -- long lists are paginated (page_size from site.yaml)
cp -r "$ROOT/content" "$TMP/p"
sed -i '1i page_size: 5' "$TMP/p/site.yaml"
P=$TMP/paged
"$GAPMAP" build -C "$TMP/p" -o "$P" --quiet
check_eq "paginated build succeeds" "$?" 0
items() { grep -c "$2" "$P/$1"; }
check_eq "all studies, page 1: 5 studies" "$(items studies/index.html 'class="study-item"')" 5
check_eq "all studies, page 4: 5 studies" "$(items studies/page/4/index.html 'class="study-item"')" 5
check_eq "all studies, last page (5): the 2 left of 22" "$(items studies/page/5/index.html 'class="study-item"')" 2
check "no page past the last" test ! -e "$P/studies/page/6/index.html"
check "no page/1: page 1 is the list's own path" test ! -e "$P/studies/page/1/index.html"
check_grep "page 3 says where it is" "$P/studies/page/3/index.html" "Studies 11–15 of 22 (page 3 of 5)"
check_grep "page 3 numbers its list from 11" "$P/studies/page/3/index.html" '<ol class="study-list" start="11">'
check_grep "page 3 links the previous page" "$P/studies/page/3/index.html" '<a href="../../../studies/page/2/index.html" rel="prev">'
check_grep "page 3 links the next page" "$P/studies/page/3/index.html" '<a href="../../../studies/page/4/index.html" rel="next">'
check_grep "page 3 links page 1 at the list's own path" "$P/studies/page/3/index.html" '<a href="../../../studies/index.html"><span class="visually-hidden">Page </span>1</a>'
check_grep "the current page is marked" "$P/studies/page/3/index.html" '<a href="../../../studies/page/3/index.html" aria-current="page">'
check_grep "the pages are a labelled navigation" "$P/studies/page/3/index.html" '<nav class="pager" aria-label="Pages of this list">'
check_no_grep "the last page has no next" "$P/studies/page/5/index.html" 'rel="next"'
check_no_grep "the first page has no previous" "$P/studies/index.html" 'rel="prev"'
check_grep "later pages have their own title" "$P/studies/page/5/index.html" "<title>Studies (page 5 of 5) ·"
check_eq "a code with exactly one page's worth (5): all on one page" \
	"$(grep -c '^<p class="study-title">' "$P/conditions/multimorbidity/index.html")" 5
check "a code with exactly one page's worth: no page 2" test ! -e "$P/conditions/multimorbidity/page/2/index.html"
check_no_grep "a code with exactly one page's worth: no page links" "$P/conditions/multimorbidity/index.html" 'class="pager"'
check_eq "a code with 6 studies: 1 on page 2" \
	"$(grep -c '^<p class="study-title">' "$P/settings/remote-digital/page/2/index.html")" 1
check_grep "a code's page 2 is numbered on" "$P/settings/remote-digital/page/2/index.html" '<ol class="outcome-studies" start="6">'
check_grep "a code's page 2 links back to page 1" "$P/settings/remote-digital/page/2/index.html" '<a href="../../../../settings/remote-digital/index.html" rel="prev">'
check_no_grep "a code's summary is on page 1 only" "$P/settings/remote-digital/page/2/index.html" "<h2>Across"
check "every link of the paginated site resolves" python3 "$ROOT/tests/e2e/linkcheck.py" "$P"
check_grep "the sitemap lists later pages" "$P/sitemap.xml" "studies/page/5/</loc>"
n=$(find "$P/cells" -path '*/page/*' -name index.html | wc -l)
check "cells are paginated too" test "$n" -gt 0
"$GAPMAP" build -C "$TMP/p" -o "$TMP/paged-j1" -j 1 --quiet
"$GAPMAP" build -C "$TMP/p" -o "$TMP/paged-j3" -j 3 --quiet
check "paginated: -j 1 and -j 3 byte-identical" diff -r "$TMP/paged-j1" "$TMP/paged-j3"
"$GAPMAP" build -C "$ROOT/content" -o "$TMP/unpaged" --quiet
check "no page links when every list fits on a page" sh -c "! grep -rq 'class=\"pager\"' '$TMP/unpaged'"

# -- a rebuild keeps what did not change (inode and modification time)
stamp() { (cd "$1" && find . -type f -printf '%i %T@ %p\n' | sort -k3); }
OUT=$TMP/out/site
mkdir -p "$TMP/out"
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
stamp "$OUT" >"$TMP/s1"
sleep 1.1
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
stamp "$OUT" >"$TMP/s2"
check "a rebuild with no change keeps every file's inode and mtime" cmp -s "$TMP/s1" "$TMP/s2"
check_eq "every file was compared" "$(wc -l <"$TMP/s2")" "$(find "$OUT" -type f | wc -l)"
check "the site has its files" test "$(wc -l <"$TMP/s2")" -gt 150

# -- one record changes: its page and the pages listing it are rewritten
sed -i 's/^title: .*/title: "A changed title for the engine test"/' "$C/studies/corline-2023.yaml"
sleep 1.1
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
stamp "$OUT" >"$TMP/s3"
changed() { # file -> "changed" or "kept"
	a=$(grep " ./$1\$" "$TMP/s2" | cut -d' ' -f1-2)
	b=$(grep " ./$1\$" "$TMP/s3" | cut -d' ' -f1-2)
	if [ -n "$a" ] && [ "$a" != "$b" ]; then echo changed; else echo kept; fi
}
check_grep "the change is in the site" "$OUT/studies/corline-2023/index.html" "A changed title for the engine test"
for f in studies/corline-2023/index.html outcomes/workforce/index.html \
	cells/workforce/not-stated/index.html studies/index.html data/studies.json; do
	check_eq "$f rewritten" "$(changed "$f")" changed
done
for f in studies/carnes-2017/index.html outcomes/index.html cells/pain/general-practice/index.html \
	assets/css/site.css prisma/index.html 404.html; do
	check_eq "$f kept" "$(changed "$f")" kept
done
"$GAPMAP" build -C "$C" -o "$TMP/fresh" --quiet
check "the site is what a fresh build writes" diff -r "$TMP/fresh" "$OUT"

# -- killed builds never touch the current site; leftovers are swept, even
# those of a removal that was itself killed
rm "$C/prisma.yaml" # its counts would no longer match
python3 - "$C/studies" <<'EOF'
import sys
base = open(f"{sys.argv[1]}/carnes-2017.yaml").read().replace("doi: 10.1186/s12913-017-2778-y\n", "")
for i in range(2000):
    with open(f"{sys.argv[1]}/bulk-{i:05d}.yaml", "w") as f:
        f.write(base.replace("title: \"", f"title: \"Bulk study {i}, ", 1))
EOF
stamp "$OUT" >"$TMP/k0"
for delay in 0.2 0.5 0.9 1.4; do
	"$GAPMAP" build -C "$C" -o "$OUT" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	stamp "$OUT" >"$TMP/k1"
	check "killed after ${delay}s: the current site is exactly as it was" cmp -s "$TMP/k0" "$TMP/k1"
done
dead=$(sh -c 'echo $$')
cp -R "$OUT" "$TMP/out/.site.del-$dead"
rm "$TMP/out/.site.del-$dead/index.html"
mkdir "$TMP/out/.site.tmp-$dead"
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
check_eq "the build after the kills succeeds" "$?" 0
check "a killed removal is swept" test ! -e "$TMP/out/.site.del-$dead"
check "an emptied leftover is swept" test ! -e "$TMP/out/.site.tmp-$dead"
# The replaced site is removed in the background: give it time on a busy machine.
i=0
while [ $i -lt 120 ] && [ "$(ls -A "$TMP/out")" != site ]; do
	sleep 0.5
	i=$((i + 1))
done
check_eq "no leftovers" "$(ls -A "$TMP/out")" "site"

# -- -o inside the content folder is refused before anything is created
"$GAPMAP" build -C "$C" -o "$C/_site/.." >"$TMP/in.out" 2>"$TMP/in.err"
check_eq "-o content/_site/.. refused" "$?" 1
check_grep "-o content/_site/.. says why" "$TMP/in.err" "it is or holds the content folder"
check "-o content/_site/..: nothing created" test ! -e "$C/_site"
"$GAPMAP" build -C "$C" -o "$C/studies/new/site" >"$TMP/in.out" 2>"$TMP/in.err"
check_eq "-o inside studies/ refused" "$?" 1
check "-o inside studies/: no folder created" test ! -e "$C/studies/new"
check_eq "-o inside studies/: no leftovers" "$(ls -A "$C/studies" | grep -c '^\.')" 0

finish
