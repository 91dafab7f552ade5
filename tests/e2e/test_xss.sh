#!/bin/sh
# Readers are safe from hostile content: a site whose every field holds an
# attack string is built, and each output context is checked for the
# escaped form — HTML text and attributes, URLs, JSON in data/map.js, CSV
# cells (formula guard), RIS and BibTeX records, the XML of the feed and
# the sitemap — and for the absence of anything a browser or spreadsheet
# would run. Notes go through cmark's safe mode; every page carries a CSP.
. "$(dirname "$0")/lib.sh"
C=$TMP/c
OUT=$TMP/site
mkdir -p "$C/studies" "$C/pages"

# The attacks. Each is a single-quoted YAML scalar ('' is a quote).
SCRIPT='<script>alert(1)</script>'
ATTR='"><img src=x onerror=alert(2)>'
SQ="' onmouseover='alert(3)"
ENDSCRIPT='</script><script>alert(4)</script>'
FORMULA="=cmd|' /C calc'!A0"
CDATA=']]><x>&amp; & ]]>'

cat >"$C/site.yaml" <<'EOF'
title: 'Map <script>alert("site")</script> & co'
description: '"><img src=x onerror=alert(5)>'
authors: ['</script><script>alert(6)</script>']
licence: 'CC <b>BY</b>'
licence_url: 'https://example.org/licence?a=1&b=2'
url: 'https://example.org/map/?x=1&y=2'
attribution: 'Coded by <script>alert(7)</script> [me](javascript:alert(8))'
map: { rows: outcome, columns: setting, segments: design, filters: [design, year] }
facets:
  outcome:
    label: 'Outcome <img src=x onerror=alert(9)>'
    required: true
    groups:
      - id: health
        label: '"><svg onload=alert(10)>'
        definition: '<script>alert(11)</script>'
        codes:
          - { id: pain, label: '<script>alert(12)</script>', definition: '"><img src=x onerror=alert(13)>' }
          - { id: mood, label: "' onmouseover='alert(14)" }
  setting:
    label: '</script><script>alert(15)</script>'
    codes:
      - { id: gp, label: '=HYPERLINK("http://evil.example","click")' }
      - { id: home, label: '+1+cmd|'' /C calc''!A0' }
  design:
    label: Design
    codes:
      - { id: rct, label: '@SUM(1+1)*cmd|'' /C calc''!A0' }
EOF

cat >"$C/studies/evil.yaml" <<'EOF'
title: '</script><script>alert(4)</script>'
authors: ['"><img src=x onerror=alert(2)>', "=cmd|' /C calc'!A0"]
year: 2020
type: article
published_in: '<script>alert(1)</script>'
publisher: "' onmouseover='alert(3)"
volume: '=1+1'
issue: '-2+3'
pages: '@SUM(A1)'
doi: '10.1000/<script>"x"'
url: 'https://example.org/paper?a=1&b=2'
added: 2024-01-01
population: ']]><x>&amp; & ]]>'
intervention: "\tTAB=1+1"
comparison: "\rCR=1+1"
sample: "line one\nTY  - JOUR\nTI  - forged record\nER  - "
summary: '<script>alert(1)</script> & "quotes" ''single'' ]]> }@misc{forged,'
outcome: [pain, mood]
setting: gp
design: rct
findings:
  - outcome: pain
    direction: improved
    detail: '"><img src=x onerror=alert(2)>'
EOF
cat >"$C/studies/evil.md" <<'EOF'
# Note with <script>alert(16)</script>

<script>alert(17)</script>

<img src=x onerror=alert(18)>

[click](javascript:alert(19)) and [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgyMCk8L3NjcmlwdD4=)
and ![img](javascript:alert(21)) and <a href="javascript:alert(22)">raw</a>
EOF
cat >"$C/studies/plain.yaml" <<'EOF'
title: "=cmd|' /C calc'!A0"
publisher: '} , @misc{forged, title={x'
summary: "Plain.\nER  - \nTY  - JOUR\nTI  - forged record"
year: 2021
added: 2024-01-02
outcome: pain
setting: home
EOF
cat >"$C/pages/about.md" <<'EOF'
---
title: '</title><script>alert(23)</script>'
description: '"><script>alert(24)</script>'
menu: 1
---
<iframe src="https://evil.example"></iframe>

[x](javascript:alert(25))
EOF

touch "$TMP/stamp"
sleep 1
"$GAPMAP" build -C "$C" -o "$OUT" >"$TMP/out" 2>"$TMP/err"
check_eq "the hostile site builds" "$?" 0
sed 's/^/  /' "$TMP/err"

# -- nothing a browser would run, anywhere in the HTML
# (a JSON-LD block is data a browser never runs; its body must not be able to close it)
check "no live <script> other than script files" sh -c "! grep -rhoi '<script[^>]*>' '$OUT' --include='*.html' | grep -vi 'src=' | grep -v '^<script type=\"application/ld+json\">\$' | grep -q ."
check "JSON-LD blocks hold no '<', so nothing in them can close them" test "$(grep -rhoi '<script type="application/ld+json">' "$OUT" --include='*.html' | wc -l)" -eq "$(grep -rhoi '<script type="application/ld+json">[^<]*</script>' "$OUT" --include='*.html' | wc -l)"
check "no injected img/svg/iframe element" sh -c "! grep -rEi '<(img|svg|iframe)[^>]*(onerror|onload|evil)' '$OUT' --include='*.html'"
check "no javascript: or data: URL in any link" sh -c "! grep -rEi '(href|src)=\"[[:space:]]*(javascript|data|vbscript):' '$OUT' --include='*.html'"
check "no attribute broken out of by a single quote" sh -c "! grep -rF \"' onmouseover='\" '$OUT' --include='*.html'"

S=$OUT/studies/evil/index.html
# HTML text
check_grep "title escaped in text" "$S" "&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;"
check_grep "journal escaped in text" "$S" "&lt;script&gt;alert(1)&lt;/script&gt;"
check_grep "finding escaped" "$S" "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
check_grep "summary quotes escaped" "$S" "&quot;quotes&quot;"
check_grep "code label escaped on the study page" "$S" "&lt;script&gt;alert(12)&lt;/script&gt;"
# attributes: the page's <title> and meta description
check_grep "title element escaped" "$S" "<title>&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;"
check_grep "description attribute escaped" "$OUT/index.html" 'content="&quot;&gt;&lt;img src=x onerror=alert(5)&gt;"'
check_grep "page title escaped" "$OUT/about/index.html" "&lt;/title&gt;&lt;script&gt;alert(23)&lt;/script&gt;"
# URLs in attributes
check_grep "record URL: & escaped in href" "$S" 'href="https://example.org/paper?a=1&amp;b=2"'
check_grep "licence URL: & escaped in href" "$OUT/index.html" 'href="https://example.org/licence?a=1&amp;b=2"'
check_no_grep "DOI cannot break out of its href" "$S" 'href="https://doi.org/10.1000/<script>'
# notes and pages: cmark safe mode
check_no_grep "note: raw script dropped" "$S" "<script>alert(17)"
check_no_grep "note: raw img dropped" "$S" "alert(18)>"
check_no_grep "note: javascript: link dropped" "$S" "alert(19)"
check_no_grep "note: data: link dropped" "$S" "base64,PHNj"
check_grep "note: heading text kept, escaped" "$S" "Note with"
check_no_grep "page: raw iframe dropped" "$OUT/about/index.html" "<iframe"
check_no_grep "attribution: raw script dropped" "$OUT/index.html" "<script>alert(7)"
check_no_grep "attribution: javascript: link dropped" "$OUT/index.html" "alert(8)"
# the map: labels in table headers and data attributes
check_grep "code label escaped in the map" "$OUT/index.html" "&lt;script&gt;alert(12)&lt;/script&gt;"
check_grep "single quote escaped in the map" "$OUT/index.html" "&#39; onmouseover=&#39;alert(14)"

# -- JSON inside a script file: no </script>, no <!--, valid JSON, exact round trip
M=$OUT/data/map.js
check_no_grep "map.js: no </script" "$M" "</script"
check_no_grep "map.js: no raw <" "$M" "<"
check_grep "map.js: < as \\u003c" "$M" '\u003c/script\u003e\u003cscript\u003ealert(4)'
cat >"$TMP/xss_json.py" <<'EOF'
import json, re, sys
out = sys.argv[1]
text = open(out + "/data/map.js", encoding="utf-8").read()
body = text[text.index("=") + 1:].strip().rstrip(";")
data = json.loads(body)
studies = json.load(open(out + "/data/studies.json", encoding="utf-8"))
blob = json.dumps(studies)
assert "</script><script>alert(4)</script>" in blob, "studies.json round trip"
labels = json.dumps(data)
assert "<script>alert(12)</script>" in labels, "map.js round trip"
print("ok")
EOF
check "map.js and studies.json parse and round-trip the exact strings" python3 "$TMP/xss_json.py" "$OUT"

# -- CSV: every cell that a spreadsheet would run starts with '
cat >"$TMP/xss_csv.py" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
bad = [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
assert not bad, bad
cells = [c for r in rows[1:] for c in r]
assert "'=cmd|' /C calc'!A0" in cells, cells
assert any(c.startswith("'\tTAB") for c in cells), "tab guarded"
assert any(c.startswith("'\rCR") for c in cells), "CR guarded"
assert "'-2+3" in cells and "'=1+1" in cells and "'@SUM(A1)" in cells
print("ok")
EOF
check "CSV: formula guard on every dangerous cell, quoting intact" python3 "$TMP/xss_csv.py" "$OUT/data/studies.csv"
check_grep "CSV: the guarded formula as written" "$OUT/data/studies.csv" "\"'=cmd|' /C calc'!A0\""

# -- RIS: a newline cannot forge a record; BibTeX: braces cannot close the entry
check_eq "RIS: one ER per record" "$(grep -c '^ER  -' "$OUT/data/studies.ris")" 2
check_eq "RIS: a forged tag stays inside its line" "$(grep -c '^TI  - forged' "$OUT/data/studies.ris")" 0
check_grep "RIS: the newline became a space" "$OUT/data/studies.ris" "Plain. ER  -  TY  - JOUR TI  - forged record"
check_eq "BibTeX: one entry per record" "$(grep -c '^@' "$OUT/data/studies.bib")" 2
check_grep "BibTeX: braces escaped" "$OUT/data/studies.bib" 'publisher = {\} , @misc\{forged, title=\{x}'

# -- XML: the feed and the sitemap parse, with & and ]]> escaped
check "feed.xml is well-formed" xmllint --noout "$OUT/feed.xml"
check "sitemap.xml is well-formed" xmllint --noout "$OUT/sitemap.xml"
check_grep "feed: title escaped" "$OUT/feed.xml" "&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;"
check_grep "feed: & escaped" "$OUT/feed.xml" "&amp; &quot;quotes&quot;"
check_grep "feed: ]]> escaped" "$OUT/feed.xml" "]]&gt;"
check_grep "sitemap: & in the base URL escaped" "$OUT/sitemap.xml" "https://example.org/map/?x=1&amp;y=2"
check_no_grep "sitemap: no raw &" "$OUT/sitemap.xml" "?x=1&y=2"

# -- every page: a CSP without inline script or remote origins, nothing remote loaded
cat >"$TMP/xss_csp.py" <<'EOF'
import os, re, sys
from html.parser import HTMLParser

class Tags(HTMLParser):
    """Every element as a browser would see it: an escaped attack stays text."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append((tag, k, v))
            if k in ("href", "src", "action", "formaction") and v and \
                    v.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.bad.append((tag, k, v))
        if tag in ("iframe", "object", "embed", "base", "form"):
            self.bad.append((tag, "", ""))
        if tag == "img" and ("src", "x") in attrs:
            self.bad.append((tag, "src", "x"))

root = sys.argv[1]
n = 0
for d, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".html"):
            continue
        p = os.path.join(d, f)
        html = open(p, encoding="utf-8").read()
        m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        assert m, p + ": no CSP"
        csp = dict((x.split(" ", 1) + [""])[:2] for x in (s.strip() for s in m.group(1).split(";")) if x)
        script = csp.get("script-src", csp.get("default-src", ""))
        assert "'unsafe-inline'" not in script and "http" not in script and "*" not in script, p + ": " + script
        assert "http" not in csp.get("default-src", ""), p
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or tag == '<script type="application/ld+json">', p + ": inline script " + tag
        for url in re.findall(r'(?:src|href)="([^"]*)"', html):
            if url.startswith(("http://", "https://", "//")):
                # remote links are fine as links (<a>), never as loaded resources
                pass
        for tag in re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(?:https?:)?//[^"]*"', html):
            # a canonical address names the page, it loads nothing
            if re.match(r'<link rel="canonical" href="https://[^"]*">$', tag + ">"):
                continue
            raise AssertionError(p + ": loads a remote resource: " + tag)
        t = Tags()
        t.feed(html)
        assert not t.bad, p + ": " + repr(t.bad)
        n += 1
assert n > 10, n
print(n, "pages")
EOF
check "every page: CSP forbids inline script and remote origins; nothing loaded remotely; no event handler, script URL or injected element in the parsed HTML" python3 "$TMP/xss_csp.py" "$OUT"

# -- nothing written outside the output folder, only expected files in it
check "the build wrote no file outside the output" test "$(find "$TMP" -newer "$TMP/stamp" ! -path "$OUT" ! -path "$OUT/*" ! -path "$TMP" ! -name 'xss_*.py' ! -name out ! -name err | wc -l)" -eq 0
finish
