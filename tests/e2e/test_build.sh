#!/bin/sh
# End to end: build tests/e2e/sites/basic and check pages, links, counts,
# determinism, atomic replacement and the command line.
. "$(dirname "$0")/lib.sh"
SRC=$ROOT/tests/e2e/sites/basic
cp -r "$SRC" "$TMP/c"
C=$TMP/c
OUT=$TMP/site

# -- build and summary line
"$GAPMAP" build -C "$C" -o "$OUT" >"$TMP/build.out" 2>"$TMP/build.err"
check_eq "build exits 0" "$?" 0
check_grep "summary line" "$TMP/build.out" "gapmap: built 5 studies (6 reports)"
check_eq "no diagnostics on clean content" "$(cat "$TMP/build.err")" ""
"$GAPMAP" build -C "$C" -o "$TMP/quiet" --quiet >"$TMP/quiet.out" 2>&1
check_eq "--quiet prints nothing" "$(cat "$TMP/quiet.out")" ""

# -- the map's cells, gaps and totals
check_eq "pain x gp" "$(cell_count "$OUT" pain gp)" 2
check_eq "pain x community" "$(cell_count "$OUT" pain community)" 1
check_eq "qol x gp" "$(cell_count "$OUT" qol gp)" 1
check_eq "qol x community" "$(cell_count "$OUT" qol community)" 1
check_eq "appointments x community counts the follow-up report's code once" "$(cell_count "$OUT" appointments community)" 1
check_eq "appointments x gp" "$(cell_count "$OUT" appointments gp)" 1
check_eq "pain x library is a gap" "$(cell_count "$OUT" pain library)" 0
check_grep "gap marked in words" "$OUT/index.html" "No studies: evidence gap"
check_grep "thin cell marked" "$OUT/index.html" "Pain × Community: 1 study (thin evidence)"
check_grep "row total pain" "$OUT/index.html" 'class="gm-total" data-row="pain" data-count="3"'
check_grep "column total gp" "$OUT/index.html" 'class="gm-total" data-col="gp" data-count="3"'
check_grep "grand total" "$OUT/index.html" 'gm-grand" data-count="5"'
check_grep "row group heading" "$OUT/index.html" 'scope="rowgroup"'
check_grep "cell links to its list" "$OUT/index.html" 'href="cells/pain/gp/index.html"'
check_grep "cell page lists its studies" "$OUT/cells/pain/gp/index.html" "Another pain trial"
check_grep "cell page lists its studies (2)" "$OUT/cells/pain/gp/index.html" "A trial of link workers"
check "no page for an empty cell" test ! -e "$OUT/cells/pain/library/index.html"

# -- study pages
S=$OUT/studies/a1/index.html
check_grep "study title" "$S" "<h1>A trial of link workers</h1>"
check_grep "DOI link, normalised" "$S" 'href="https://doi.org/10.1000/abc.1"'
check_grep "codes link to code pages" "$S" 'href="../../outcomes/pain/index.html"'
check_grep "note rendered" "$S" "<em>less</em>"
check_no_grep "raw HTML in notes dropped" "$S" "<script>alert"
check_no_grep "javascript: links dropped" "$S" "javascript:"
check_grep "finding shown" "$S" "Pain scores fell by 2 points."
check_grep "study lists its reports" "$OUT/studies/a2/index.html" "Views of patients, a year on"
check_grep "further report page points to its study" "$OUT/studies/a2-followup/index.html" "further report of the study"
check "studies index" test -f "$OUT/studies/index.html"

# -- facet and code pages
check_grep "facet page" "$OUT/outcomes/index.html" "Quality of life"
check_grep "facet page groups" "$OUT/outcomes/index.html" "Use of services"
check_grep "code page definition" "$OUT/outcomes/pain/index.html" "Pain intensity."
check_grep "code page lists studies" "$OUT/outcomes/pain/index.html" "Views of patients"
check_grep "code page direction" "$OUT/outcomes/pain/index.html" "direction-improved"
check "a page for every code of every facet" test -f "$OUT/countries/us/index.html"
check_grep "empty code page says gap" "$OUT/settings/library/index.html" "evidence gap"

# -- pages, data, 404, sitemap, feed
check_grep "page with front matter" "$OUT/about/index.html" "<strong>tests</strong>"
check_grep "page title from front matter" "$OUT/about/index.html" "<title>About this map · Test map</title>"
check_grep "page in menu" "$OUT/index.html" 'href="about/index.html"'
check_grep "page title from heading" "$OUT/methods/index.html" "<title>Methods · Test map</title>"
check "studies.json is JSON" python3 -m json.tool "$OUT/data/studies.json"
check_grep "studies.json has records" "$OUT/data/studies.json" '"id":"a2-followup","study":"a2"'
check_grep "CSV header" "$OUT/data/studies.csv" "id,study,title,authors,year"
check_grep "RIS" "$OUT/data/studies.ris" "TI  - A trial of link workers"
check_grep "BibTeX" "$OUT/data/studies.bib" "@article{a1"
check "404 page" test -f "$OUT/404.html"
check "sitemap is XML" xmllint --noout "$OUT/sitemap.xml"
check "feed is XML" xmllint --noout "$OUT/feed.xml"
check_grep "sitemap lists a study" "$OUT/sitemap.xml" "<loc>studies/a1/</loc>"
check_grep "feed newest first" "$OUT/feed.xml" "<updated>2024-03-01T00:00:00Z</updated>"
check "theme CSS copied" test -f "$OUT/assets/css/site.css"
check "CSP on every page, relative links only, none broken" python3 "$ROOT/tests/e2e/linkcheck.py" "$OUT"
check_grep "footer attribution" "$OUT/studies/index.html" "<em>test</em>"

# -- determinism, whatever the number of threads
"$GAPMAP" build -C "$C" -o "$TMP/again" --quiet
check "two builds are byte-identical" diff -r "$OUT" "$TMP/again"
"$GAPMAP" build -C "$C" -o "$TMP/threads" --quiet -j 3
check "a build on three threads is byte-identical" diff -r "$OUT" "$TMP/threads"
"$GAPMAP" build -C "$C" -o "$TMP/threads" -j 0 >/dev/null 2>&1
check_eq "-j 0 is a usage error" "$?" 2

# -- stale files disappear, a failed build leaves the old site
rm "$C/studies/d1.yaml"
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
check "removed record's page is gone" test ! -e "$OUT/studies/d1"
cp -r "$OUT" "$TMP/before"
printf 'title: Broken\nyear: soon\n' >"$C/studies/broken.yaml"
"$GAPMAP" build -C "$C" -o "$OUT" >"$TMP/fail.out" 2>"$TMP/fail.err"
check_eq "failed build exits 1" "$?" 1
check "failed build leaves the old site exactly" diff -r "$TMP/before" "$OUT"
check_grep "says the old site was kept" "$TMP/fail.err" "was left as it was"
check_grep "error names file and line" "$TMP/fail.err" "studies/broken.yaml:2:7: error:"
rm "$C/studies/broken.yaml"

# -- refusing to replace a folder gapmap did not write, or the content itself
mkdir "$TMP/project" && echo keep >"$TMP/project/precious.txt"
"$GAPMAP" build -C "$C" -o "$TMP/project" >/dev/null 2>"$TMP/refuse.err"
check_eq "refuses a foreign folder" "$?" 1
check "foreign file kept" test -f "$TMP/project/precious.txt"
"$GAPMAP" build -C "$C" -o "$C/.." >/dev/null 2>&1
check_eq "refuses to write over the content's parent" "$?" 1
check "content still there" test -f "$C/site.yaml"

# -- check, new, help, version, usage errors
"$GAPMAP" check -C "$C" >"$TMP/check.out" 2>&1
check_eq "check passes" "$?" 0
"$GAPMAP" new study e1 -C "$C" >/dev/null 2>&1
check_eq "new study" "$?" 0
check_grep "scaffold lists facet codes" "$C/studies/e1.yaml" "# Outcome (required): pain, qol, appointments"
check "scaffold note" test -f "$C/studies/e1.md"
echo "keep me" >"$C/studies/e1.md"
"$GAPMAP" new study e1 -C "$C" >/dev/null 2>"$TMP/new.err"
check_eq "new refuses to overwrite" "$?" 1
check_grep "note kept" "$C/studies/e1.md" "keep me"
"$GAPMAP" new study e1 -C "$C" --force >/dev/null 2>&1
check_eq "new --force overwrites" "$?" 0
"$GAPMAP" new study Bad_Id -C "$C" >/dev/null 2>&1
check_eq "new rejects a bad id" "$?" 2
"$GAPMAP" --help >"$TMP/help.out"
check_grep "--help lists build" "$TMP/help.out" "gapmap build [-C DIR] [-o OUT] [-j N]"
"$GAPMAP" help check >"$TMP/help2.out"
check_grep "help VERB" "$TMP/help2.out" "Usage: gapmap check"
check_grep "--version" "$("$GAPMAP" --version >"$TMP/v"; echo "$TMP/v")" "gapmap 0."
"$GAPMAP" frobnicate >/dev/null 2>&1
check_eq "unknown verb exits 2" "$?" 2
"$GAPMAP" build --bogus >/dev/null 2>&1
check_eq "unknown option exits 2" "$?" 2
finish
