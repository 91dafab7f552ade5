#!/bin/sh
# Richer maps, generator side: a facet declared `ordinal: true` (a scale,
# here confidence high/moderate/low, which the default map cannot code
# honestly: neither of its reviews appraised quality) is marked in the map's
# data, the JSON download and the templates; a record's optional `abstract:`
# (CommonMark) is shown on its study page and is the eleventh element of its
# study's entry in data/map-text.js.
. "$(dirname "$0")/lib.sh"
C=$TMP/content
cp -R "$ROOT/tests/bad/base" "$C"
cat >>"$C/site.yaml" <<'YAML'
  confidence:
    label: Confidence
    plural: Confidence levels
    ordinal: true
    multiple: false
    codes:
      - { id: high, label: High }
      - { id: moderate, label: Moderate }
      - { id: low, label: Low }
YAML
echo "confidence: moderate" >>"$C/studies/smith-2020.yaml"
echo "confidence: low" >>"$C/studies/brown-2019.yaml"
cat >>"$C/studies/smith-2020.yaml" <<'YAML'
abstract: |
  **Background.** Link workers in general practice.

  # Results

  Pain fell by a third, see [the trial](https://example.org/smith).
YAML
"$GAPMAP" check -C "$C" >"$TMP/check.out" 2>"$TMP/check.err"
check_eq "ordinal facet and abstract check clean" "$?" 0
check_eq "no diagnostics" "$(cat "$TMP/check.err")" ""
"$GAPMAP" build -C "$C" -o "$TMP/site" --quiet
check_eq "builds" "$?" 0
S=$TMP/site

# data/map.js: the facet object carries "ordinal":true; others do not.
python3 - "$S/data/map.js" >"$TMP/facets.txt" <<'PY'
import json, sys
t = open(sys.argv[1]).read()
d = json.loads(t[t.index("{"):t.rindex("}") + 1])
for f in d["facets"]:
    print(f["id"], f.get("ordinal", "absent"), ",".join(c["id"] for c in f["codes"]))
PY
check_grep "map.js marks the ordinal facet, codes in order" "$TMP/facets.txt" "confidence True high,moderate,low"
check_grep "map.js leaves other facets unmarked" "$TMP/facets.txt" "outcome absent"
check_grep "map.js writes ordinal as true" "$S/data/map.js" '"multiple":false,"ordinal":true,"groups":[]'

# data/studies.json: the facet and the record's abstract as plain text.
check_eq "studies.json facet ordinal" "$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print([f.get('ordinal') for f in d['facets']])" "$S/data/studies.json")" "[None, None, None, True]"
check_eq "studies.json abstract" "$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print({r['id']: r.get('abstract') for r in d['records']})" "$S/data/studies.json")" \
	"{'brown-2019': None, 'brown-2021': None, 'smith-2020': 'Background. Link workers in general practice. Results Pain fell by a third, see the trial.'}"

# data/map-text.js: the abstract is the eleventh element (null where there is
# none), followed by the named fields the downloads need.
python3 - "$S/data/map-text.js" "$S/data/map.js" >"$TMP/text.txt" <<'PY'
import json, sys
def load(p):
    t = open(p).read()
    i = t.index("=") + 1
    return json.loads(t[i:t.rindex(";")])
text, data = load(sys.argv[1]), load(sys.argv[2])
for s, t in zip(data["studies"], text):
    print(s[0], len(t), t[10] if t[10] is not None else "-")
PY
check_grep "map-text.js: smith's abstract is element 11" "$TMP/text.txt" "smith-2020 12 Background. Link workers in general practice. Results Pain fell by a third, see the trial."
check_grep "map-text.js: no abstract, a null eleventh element" "$TMP/text.txt" "brown-2019 12 -"

# Templates: the study page shows the abstract; headings sit below its h2.
P=$S/studies/smith-2020/index.html
check_grep "study page has an Abstract heading" "$P" "<h2>Abstract</h2>"
check_grep "abstract rendered as Markdown" "$P" '<div class="abstract"><p><strong>Background.</strong> Link workers in general practice.</p>'
check_grep "abstract headings shifted below the h2" "$P" "<h3>Results</h3>"
check_no_grep "no Abstract heading without an abstract" "$S/studies/brown-2019/index.html" "<h2>Abstract</h2>"
check_grep "ordinal facet page lists codes in order" "$S/confidence/index.html" '<ol class="code-list">'
check_grep "ordinal facet page says it is a scale" "$S/confidence/index.html" "are a scale, listed in order"
check_grep "other facet pages keep a plain list" "$S/designs/index.html" '<ul class="code-list">'
check "every link works" python3 "$ROOT/tests/e2e/linkcheck.py" "$S"
finish
