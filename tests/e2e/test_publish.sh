#!/bin/sh
# Publishing: --base-url (or url: in site.yaml) makes the feed, sitemap and
# canonical links absolute while links between pages stay relative; and
# gapmap clean removes a site gapmap wrote and never anything else.
. "$(dirname "$0")/lib.sh"
C=$TMP/c
cp -R "$ROOT/tests/bad/base" "$C"

# -- base URL
"$GAPMAP" build -C "$C" -o "$TMP/plain" --quiet
check_eq "build without a base URL" "$?" 0
check_no_grep "no url: no canonical link" "$TMP/plain/studies/smith-2020/index.html" 'rel="canonical"'
"$GAPMAP" build -C "$C" -o "$TMP/abs" --base-url https://example.org/map --quiet
check_eq "build with --base-url" "$?" 0
check_grep "canonical link of a study" "$TMP/abs/studies/smith-2020/index.html" \
	'<link rel="canonical" href="https://example.org/map/studies/smith-2020/">'
check_grep "canonical link of the map" "$TMP/abs/index.html" '<link rel="canonical" href="https://example.org/map/">'
check_no_grep "no canonical link on the 404 page" "$TMP/abs/404.html" 'rel="canonical"'
check_grep "sitemap is absolute" "$TMP/abs/sitemap.xml" '<loc>https://example.org/map/studies/smith-2020/</loc>'
check_no_grep "no relative sitemap entry" "$TMP/abs/sitemap.xml" '<loc>studies/'
check_grep "feed is based on it" "$TMP/abs/feed.xml" 'xml:base="https://example.org/map/"'
check_grep "feed id is it" "$TMP/abs/feed.xml" '<id>https://example.org/map/</id>'
check "feed is well-formed XML" xmllint --noout "$TMP/abs/feed.xml"
check "sitemap is well-formed XML" xmllint --noout "$TMP/abs/sitemap.xml"
links=$(grep -o 'href="https://example.org/map[^"]*"' "$TMP/abs/studies/smith-2020/index.html" | wc -l)
check_eq "page links stay relative (only the canonical link is absolute)" "$links" 1
check_grep "a page-to-page link is relative" "$TMP/abs/studies/smith-2020/index.html" 'href="../../index.html"'
sed -i 's|^title:|url: https://from-site-yaml.example/\ntitle:|' "$C/site.yaml"
"$GAPMAP" build -C "$C" -o "$TMP/yaml" --quiet
check_grep "url: in site.yaml gives the same" "$TMP/yaml/studies/smith-2020/index.html" \
	'<link rel="canonical" href="https://from-site-yaml.example/studies/smith-2020/">'
"$GAPMAP" build -C "$C" -o "$TMP/over" --base-url http://localhost:4000/ --quiet
check_grep "--base-url wins over url:" "$TMP/over/sitemap.xml" '<loc>http://localhost:4000/studies/smith-2020/</loc>'
"$GAPMAP" build -C "$C" -o "$TMP/bad" --base-url "javascript:alert(1)" >/dev/null 2>"$TMP/bad.err"
check_eq "a base URL that is not http(s): usage error" "$?" 2
check "and nothing written" test ! -e "$TMP/bad"

# -- clean
"$GAPMAP" build -C "$C" --quiet
check_eq "build into DIR/_site" "$?" 0
"$GAPMAP" clean -C "$C" >"$TMP/clean.out"
check_eq "clean succeeds" "$?" 0
check "clean removes DIR/_site" test ! -e "$C/_site"
check_grep "clean says what it removed" "$TMP/clean.out" "removed $C/_site"
check "the content is untouched" diff -r "$ROOT/tests/bad/base/studies" "$C/studies"
"$GAPMAP" clean -C "$C" >"$TMP/clean2.out"
check_eq "clean with no site is fine" "$?" 0
check_grep "and says so" "$TMP/clean2.out" "no site at $C/_site"
# a folder gapmap did not write is never touched
mkdir -p "$TMP/mine/sub"
echo "precious" >"$TMP/mine/sub/notes.txt"
"$GAPMAP" clean -C "$C" -o "$TMP/mine" 2>"$TMP/refuse.err"
check_eq "clean refuses a folder without the marker" "$?" 1
check_grep "and says why" "$TMP/refuse.err" "refusing to remove $TMP/mine: it is not a site gapmap built"
check "which is left as it was" test -f "$TMP/mine/sub/notes.txt"
"$GAPMAP" clean -C "$C" -o "$TMP/mine/sub/notes.txt" 2>/dev/null
check_eq "clean refuses a file" "$?" 1
check "which is left as it was" test -f "$TMP/mine/sub/notes.txt"
# a marker that is a link does not count
mkdir -p "$TMP/fake"
echo keep >"$TMP/fake/keep.txt"
ln -s "$TMP/abs/.gapmap-site" "$TMP/fake/.gapmap-site"
"$GAPMAP" clean -o "$TMP/fake" 2>/dev/null
check_eq "a linked marker is refused" "$?" 1
check "that folder is left as it was" test -f "$TMP/fake/keep.txt"
# links inside a site are removed, never followed
ln -s "$TMP/mine" "$TMP/abs/outside"
ln -s "$TMP/mine/sub/notes.txt" "$TMP/abs/assets/notes.txt"
"$GAPMAP" clean -o "$TMP/abs" --quiet
check_eq "clean of a site holding links" "$?" 0
check "that site is gone" test ! -e "$TMP/abs"
check "what the links pointed at is not" test -f "$TMP/mine/sub/notes.txt"
# a site given as a link is not followed either
ln -s "$TMP/plain" "$TMP/plain-link"
"$GAPMAP" clean -o "$TMP/plain-link" 2>/dev/null
check_eq "a site reached through a link is refused" "$?" 1
check "and kept" test -f "$TMP/plain/index.html"
"$GAPMAP" clean extra 2>/dev/null
check_eq "clean with an argument: usage error" "$?" 2

# -- the ready workflow file: YAML, and it runs the verbs and flags that exist
WF=$ROOT/docs/publish-github-pages.yml
if python3 -c 'import yaml' 2>/dev/null; then
	check "workflow is valid YAML with build and deploy jobs" python3 -c '
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
assert set(w["jobs"]) == {"build", "deploy"}
assert w["jobs"]["deploy"]["needs"] == "build"
' "$WF"
fi
check_grep "workflow checks the content" "$WF" 'build/gapmap" check -C "$CONTENT"'
check_grep "workflow builds with the Pages address" "$WF" '--base-url "${{ steps.pages.outputs.base_url }}/"'
check_grep "README points at it" "$ROOT/README.md" "docs/publish-github-pages.yml"
finish
