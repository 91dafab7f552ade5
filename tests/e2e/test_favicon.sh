#!/bin/sh
# The site's icon: every page links the theme's favicon.ico and favicon.svg
# with relative links that resolve inside the site (no 404 for
# /favicon.ico on any page), and the committed icons are exactly what
# tools/favicon.py draws (deterministic, and in step with their source).
. "$(dirname "$0")/lib.sh"
"$GAPMAP" build -C "$ROOT/content" -o "$TMP/site" --quiet
check_eq "default map builds" "$?" 0
S=$TMP/site
check "favicon.ico in the site" test -s "$S/assets/images/favicon.ico"
check "favicon.svg in the site" test -s "$S/assets/images/favicon.svg"
check_eq "favicon.ico is an icon with 16 and 32 pixel images" \
	"$(python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(); r,t,n=struct.unpack('<HHH',d[:6]); print(r,t,n,*[d[6+16*i] for i in range(n)])" "$S/assets/images/favicon.ico")" \
	"0 1 2 16 32"
check "favicon.svg is well-formed XML" python3 -c "import sys,xml.dom.minidom as m; m.parse(sys.argv[1])" "$S/assets/images/favicon.svg"
pages=0
missing=0
for f in $(cd "$S" && find . -name '*.html' | sort); do
	pages=$((pages + 1))
	f=${f#./}
	depth=$(printf '%s' "$f" | tr -cd / | wc -c)
	root=$(i=0; while [ "$i" -lt "$depth" ]; do printf '../'; i=$((i + 1)); done)
	grep -qF "<link rel=\"icon\" href=\"${root}assets/images/favicon.ico\"" "$S/$f" &&
		grep -qF "<link rel=\"icon\" href=\"${root}assets/images/favicon.svg\" type=\"image/svg+xml\">" "$S/$f" ||
		{ missing=$((missing + 1)); echo "  no relative icon links in $f"; }
done
check "the site has pages" test "$pages" -gt 100
check_eq "pages without relative icon links" "$missing" 0
python3 "$ROOT/tools/favicon.py" "$TMP/icons"
check "favicon.ico is what tools/favicon.py draws" cmp "$TMP/icons/favicon.ico" "$ROOT/themes/default/images/favicon.ico"
check "favicon.svg is what tools/favicon.py draws" cmp "$TMP/icons/favicon.svg" "$ROOT/themes/default/images/favicon.svg"
finish
