#!/bin/sh
# One URL allow-list (core/url.h) for notes and pages as well: links and
# images whose scheme is not http, https or mailto (or a relative link) lose
# their URL — ms-msdt: and search-ms: too, which cmark's own safe mode lets
# through — and the allowed ones are kept as written.
. "$(dirname "$0")/lib.sh"
C=$TMP/c
cp -R "$ROOT/tests/e2e/sites/basic" "$C"
links='[m](ms-msdt:/id%20PCWDiagnostic) [s](search-ms:query=x) [j](javascript:alert(1))
[f](file:///etc/passwd) ![d](data:image/svg+xml;base64,PHN2Zz4=) [i](intent://x#Intent;end)
[ok](https://example.org/ok) [mail](mailto:a@example.org) [rel](../../about/) [top](#top)'
printf '\n%s\n' "$links" >>"$C/studies/a1.md"
printf '\n%s\n' "$links" >>"$C/pages/about.md"
"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_eq "build succeeds" "$?" 0
for page in studies/a1/index.html about/index.html; do
	f=$TMP/site/$page
	for scheme in ms-msdt search-ms javascript file data intent; do
		check_no_grep "$page: no $scheme: link" "$f" "=\"$scheme:"
	done
	check_grep "$page: https link kept" "$f" 'href="https://example.org/ok"'
	check_grep "$page: mailto link kept" "$f" 'href="mailto:a@example.org"'
	check_grep "$page: relative link kept" "$f" 'href="../../about/"'
	check_grep "$page: fragment kept" "$f" 'href="#top"'
	check_grep "$page: the refused link keeps its text" "$f" '<a href="">m</a>'
done
check_no_grep "pages: no href to ms-msdt" "$TMP/site/about/index.html" "href=\"ms-msdt"
finish
