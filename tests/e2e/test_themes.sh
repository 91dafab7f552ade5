#!/bin/sh
# Themes and templates: a theme chosen in site.yaml overrides templates by
# name and supplies assets; a content folder's templates/ overrides both; a
# template error names the template's file and line and the record being
# rendered, and the previous site is kept.
. "$(dirname "$0")/lib.sh"
cp -r "$ROOT/tests/e2e/sites/basic" "$TMP/c"
C=$TMP/c
mkdir -p "$C/themes/plain/templates" "$C/themes/plain/css"
echo 'body { color: black }' >"$C/themes/plain/css/site.css"
cat >"$C/themes/plain/templates/layout.html" <<'T'
<!DOCTYPE html>
<html lang="<%= site.language %>"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title><%= title or site.title %></title><link rel="stylesheet" href="<%= root %>assets/css/site.css"></head>
<body class="plain-theme"><%- content %></body></html>
T
sed -i 's/^title: Test map/title: Test map\ntheme: plain/' "$C/site.yaml"
"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_eq "build with a theme of the content folder" "$?" 0
check_grep "theme's layout used" "$TMP/site/index.html" 'class="plain-theme"'
check_grep "built-in page templates still used" "$TMP/site/index.html" 'class="gm-map"'
check_grep "theme's CSS copied" "$TMP/site/assets/css/site.css" "color: black"

mkdir -p "$C/templates"
cat >"$C/templates/404.html" <<'T'
<h1>Lost? <%= site.title %></h1>
T
"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_grep "content templates override" "$TMP/site/404.html" "<h1>Lost? Test map</h1>"
cp -r "$TMP/site" "$TMP/before"

cat >"$C/templates/study.html" <<'T'
<h1><%= study.primary.title %></h1>
<p>
<%= study.nothing.here %>
</p>
T
"$GAPMAP" build -C "$C" -o "$TMP/site" >/dev/null 2>"$TMP/err"
check_eq "template error exits 1" "$?" 1
check_grep "names template file and line" "$TMP/err" "templates/study.html:3:"
check_grep "names the record being rendered" "$TMP/err" "studies/a1.yaml"
check "previous site kept" diff -r "$TMP/before" "$TMP/site"
# A template fails after the new site's folder was started: it must go.
check "no temporary folder left" sh -c "! ls -a '$TMP' | grep -q '\.site\.tmp-'"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/cerr"
check_eq "check finds template errors too" "$?" 1

printf '<h1><%%= study.primary.title %%>\n<%% if then %%>\n' >"$C/templates/study.html"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/serr"
check_eq "template syntax error exits 1" "$?" 1
check_grep "syntax error names template file and line" "$TMP/serr" "templates/study.html:2:"
rm "$C/templates/study.html"

# A link in a theme must not publish a file from elsewhere on the machine.
echo "TOP SECRET" >"$TMP/secret.txt"
ln -s "$TMP/secret.txt" "$C/themes/plain/templates/page.html"
"$GAPMAP" build -C "$C" -o "$TMP/site" >/dev/null 2>"$TMP/lerr"
check_eq "build with a linked template fails" "$?" 1
check_no_grep "linked file not published" "$TMP/site/about/index.html" "TOP SECRET"
check_grep "the link is an error naming it" "$TMP/lerr" "themes/plain/templates/page.html: error: is a symbolic link"
rm "$C/themes/plain/templates/page.html"

sed -i 's/^theme: plain/theme: nosuch/' "$C/site.yaml"
"$GAPMAP" check -C "$C" >/dev/null 2>"$TMP/terr"
check_eq "missing theme exits 1" "$?" 1
check_grep "missing theme named" "$TMP/terr" 'theme "nosuch" not found'
finish
