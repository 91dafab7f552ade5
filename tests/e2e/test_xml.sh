#!/bin/sh
# Every XML output stays well-formed whatever the content holds: a title
# with U+FFFE, U+FFFF and C0 controls (YAML escapes let an author write
# them) in a record, the site and a PRISMA flow still gives a feed.xml,
# sitemap.xml and PRISMA SVG that an XML parser reads, with U+FFFD where
# the forbidden characters were (core/esc.h's one rule).
. "$(dirname "$0")/lib.sh"
C=$TMP/c
cp -R "$ROOT/tests/e2e/sites/basic" "$C"
sed -i 's/^title: .*/title: "Map \\uFFFE\\x01 \\uFFFF"/' "$C/studies/a1.yaml"
sed -i 's/^title: Test map/title: "Test \\x02map \\uFFFE"/' "$C/site.yaml"
sed -i 's/^    title: UK review/    title: "UK \\x1B review \\uFFFF"/' "$C/prisma.yaml"
"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_eq "build with forbidden characters succeeds" "$?" 0

wellformed() { # file
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1"
}
check "feed.xml is well-formed" wellformed "$TMP/site/feed.xml"
check "sitemap.xml is well-formed" wellformed "$TMP/site/sitemap.xml"
nsvg=0
for svg in $(find "$TMP/site" -name '*.svg'); do
	nsvg=$((nsvg + 1))
	check "$(basename "$svg") is well-formed" wellformed "$svg"
done
check "a PRISMA SVG was written" test "$nsvg" -gt 0
check_grep "the record's title, with U+FFFD" "$TMP/site/feed.xml" "<title>Map �� � ("
check_grep "the site's title, with U+FFFD" "$TMP/site/feed.xml" "<title>Test �map �</title>"
check "no forbidden character in any text file of the site" sh -c \
	"! grep -rlP --include='*.html' --include='*.xml' --include='*.svg' --include='*.js' \
	--include='*.json' --include='*.csv' --include='*.ris' --include='*.bib' \
	'[\x01-\x08\x0B\x0C\x0E-\x1F]|\xEF\xBF[\xBE\xBF]' '$TMP/site'"
finish
