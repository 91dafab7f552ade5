#!/bin/sh
# Study pages carry what reference managers read: Highwire citation_* meta
# tags in the head, schema.org ScholarlyArticle JSON-LD, and the formatted
# citation with a copy button that only appears when its script runs.
. "$(dirname "$0")/lib.sh"
"$GAPMAP" build -C "$ROOT/tests/e2e/sites/basic" -o "$TMP/site" -q
check_eq "builds" "$?" 0
P=$TMP/site/studies/a1/index.html
head=$(sed -n '/<head>/,/<\/head>/p' "$P")
echo "$head" >"$TMP/head"
check_grep "title" "$TMP/head" '<meta name="citation_title" content="A trial of link workers">'
check_grep "first author" "$TMP/head" '<meta name="citation_author" content="Smith, A.">'
check_grep "second author" "$TMP/head" '<meta name="citation_author" content="Jones, B.">'
check_grep "date" "$TMP/head" '<meta name="citation_publication_date" content="2020">'
check_grep "journal" "$TMP/head" '<meta name="citation_journal_title" content="Journal of Tests">'
check_grep "volume" "$TMP/head" '<meta name="citation_volume" content="3">'
check_grep "issue" "$TMP/head" '<meta name="citation_issue" content="2">'
check_grep "first page" "$TMP/head" '<meta name="citation_firstpage" content="10">'
check_grep "last page" "$TMP/head" '<meta name="citation_lastpage" content="20">'
check_grep "DOI" "$TMP/head" '<meta name="citation_doi" content="10.1000/abc.1">'
check_grep "copy script, relative" "$TMP/head" '<script src="../../assets/js/citation.js" defer></script>'
check "script copied" test -f "$TMP/site/assets/js/citation.js"
check_grep "JSON-LD type" "$P" '<script type="application/ld+json">{"@context":"https://schema.org","@type":"ScholarlyArticle"'
python3 - "$P" >"$TMP/ld" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
print(ld["headline"], "|", ",".join(a["name"] for a in ld["author"]), "|", ld["datePublished"], "|",
      ld["identifier"]["value"], "|", ld["isPartOf"]["name"], "|", ld["pagination"])
PY
check_eq "JSON-LD parses and says it all" "$(cat "$TMP/ld")" "A trial of link workers | Smith, A.,Jones, B. | 2020 | 10.1000/abc.1 | Journal of Tests | 10-20"
check_grep "copy button hidden without script" "$P" '<button type="button" class="copy-citation" data-citation="Smith, A. and Jones, B. (2020). A trial of link workers. Journal of Tests, 3(2), 10-20. https://doi.org/10.1000/abc.1" hidden>Copy citation</button>'
check_grep "citation text on the page" "$P" '<p class="citation">Smith, A. and Jones, B. (2020).'
check_no_grep "no citation tags on other pages" "$TMP/site/index.html" "citation_title"
# A title that tries to leave the JSON-LD script stays inside it.
cp -R "$ROOT/tests/e2e/sites/basic" "$TMP/c"
sed -i 's#^title: A trial of link workers#title: "x</script><script>alert(1)</script>"#' "$TMP/c/studies/a1.yaml"
"$GAPMAP" build -C "$TMP/c" -o "$TMP/site2" -q
check_no_grep "no script break-out" "$TMP/site2/studies/a1/index.html" "</script><script>alert(1)"
finish
