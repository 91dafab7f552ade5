#!/bin/sh
# End to end: the PRISMA page of a built site and the `gapmap prisma` verb,
# including arithmetic errors reported against prisma.yaml.
. "$(dirname "$0")/lib.sh"
cp -r "$ROOT/tests/e2e/sites/basic" "$TMP/c"
C=$TMP/c

"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_eq "build with prisma.yaml" "$?" 0
P=$TMP/site/prisma
check "PNG written" test -s "$P/uk-review.png"
check "PNG valid" pngcheck -q "$P/uk-review.png"
check "SVG well-formed" xmllint --noout "$P/uk-review.svg"
check_grep "SVG has selectable text with counts" "$P/uk-review.svg" "2,000"
check_grep "page shows the PNG" "$P/index.html" 'src="../prisma/uk-review.png"'
check_grep "page links the SVG" "$P/index.html" 'href="../prisma/uk-review.svg"'
check_grep "text version states counts" "$P/index.html" "1,480"
check_grep "text version escapes quotes" "$P/index.html" "Not a &quot;social&quot; intervention"
check_grep "menu links the PRISMA page" "$TMP/site/index.html" 'href="prisma/index.html"'

"$GAPMAP" prisma -C "$C" -o "$TMP/one.svg" --quiet
check_eq "prisma verb writes SVG" "$?" 0
check "verb SVG well-formed" xmllint --noout "$TMP/one.svg"
"$GAPMAP" prisma -C "$C" -o "$TMP/one.png" --flow uk-review --dpi 300 --quiet
check_eq "prisma verb writes PNG at 300 dpi" "$?" 0
check "verb PNG valid" pngcheck -q "$TMP/one.png"
"$GAPMAP" prisma -C "$C" -o "$TMP/x.png" --flow nope >/dev/null 2>"$TMP/noflow.err"
check_eq "unknown flow exits 1" "$?" 1
check_grep "unknown flow named" "$TMP/noflow.err" 'no flow "nope"'
"$GAPMAP" prisma -C "$C" -o "$TMP/x.gif" >/dev/null 2>&1
check_eq "bad suffix is a usage error" "$?" 2
cmp -s "$TMP/one.svg" "$TMP/site/prisma/uk-review.svg"
check_eq "verb and site draw the same SVG" "$?" 0

# Broken arithmetic: an error naming the box, expected and found, at its line.
sed -i 's/screened: 1500/screened: 1499/' "$C/prisma.yaml"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/arith.err"
check_eq "arithmetic error exits 1" "$?" 1
check_grep "names box, expected and found" "$TMP/arith.err" 'prisma.yaml:8:17: error: flow uk-review: "Records screened" should be 1500 (2000 identified − 500 removed) but is 1499'
sed -i 's/screened: 1499/screened: 1500/; s/studies: 2, reports: 2/studies: 3, reports: 2/' "$C/prisma.yaml"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/incl.err"
check_eq "stated included count checked against the records" "$?" 1
check_grep "included mismatch reported" "$TMP/incl.err" "prisma.yaml:"
finish
