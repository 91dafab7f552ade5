#!/bin/sh
# Updates as readers see them: site.yaml's updates: place each record in
# the update its added: date falls in; What's new lists every update with
# what it added and withdrew; the map shows its version, last update and
# last search; new studies and cells are marked; the feed has an entry per
# update, valid and newest first; the overview charts the map's growth.
# A site without updates is unchanged (no page, link or chart).
. "$(dirname "$0")/lib.sh"
C=$TMP/c
cp -R "$ROOT/tests/bad/base" "$C"
"$GAPMAP" build -C "$C" -o "$TMP/none" --quiet
check_eq "build without updates" "$?" 0
check "no What's new page without updates" test ! -e "$TMP/none/updates"
check_no_grep "no What's new link without updates" "$TMP/none/index.html" "What's new"
check_no_grep "no version line without updates" "$TMP/none/index.html" "map-version"
check_no_grep "no growth chart without updates" "$TMP/none/overview/index.html" "chart-growth"
check_no_grep "no update entries without updates" "$TMP/none/feed.xml" "Version "

cat >>"$C/site.yaml" <<'YAML'
updates:
  - version: "1.0"
    date: 2024-01-10
    searched: 2023-12-01
    summary: First version.
  - version: "1.1"
    date: 2024-03-01
    searched: 2024-02-15
    summary: One study added & one <withdrawn>.
    withdrawn:
      - { id: old-2010, title: "An old study", reason: Retracted by the journal. }
YAML
# smith-2020 (added in 1.0) is recoded in 1.1; brown-2021, a further report
# of brown-2019, recoded the same day brown-2019 was added: not "recoded".
sed -i 's/^added: 2024-01-10$/&\nupdated: 2024-02-20/' "$C/studies/smith-2020.yaml"
printf 'updated: 2024-02-20\n' >>"$C/studies/brown-2021.yaml"
# A study added after the latest update waits for the next one.
cat >"$C/studies/green-2024.yaml" <<'YAML'
title: A pending study
authors: ["Green, G."]
year: 2024
type: report
added: 2024-05-01
outcome: pain
setting: community
design: qualitative
YAML
O=$TMP/o
"$GAPMAP" build -C "$C" -o "$O" --base-url https://example.org/map/ --quiet
check_eq "build with updates" "$?" 0
W=$O/updates/index.html
check "What's new page written" test -f "$W"
check_grep "What's new lists the latest update first" "$W" '<h2 id="update-1_1">Version 1.1 (latest)</h2>'
check_grep "with its dates and counts" "$W" 'Published <time datetime="2024-03-01">2024-03-01</time> · searches up to <time datetime="2024-02-15">2024-02-15</time> · 1 study added, 1 recoded, 1 withdrawn'
check_grep "its summary, escaped" "$W" '<p>One study added &amp; one &lt;withdrawn&gt;.</p>'
check_grep "the withdrawn study and why" "$W" '<li>An old study: Retracted by the journal.</li>'
check_grep "the earlier update" "$W" '<h2 id="update-1_0">Version 1.0</h2>'
check_grep "studies pending the next update" "$W" '<h2 id="updates-pending">Since version 1.1</h2>'
v11=$(sed -n '/id="update-1_1"/,/<\/section>/p' "$W")
v10=$(sed -n '/id="update-1_0"/,/<\/section>/p' "$W")
pend=$(sed -n '/id="updates-pending"/,/<\/section>/p' "$W")
case $v11 in *'studies/brown-2019/index.html'*) pass ;; *) fail "brown-2019 (added 2024-01-11) belongs to 1.1" ;; esac
case $v10 in *'studies/smith-2020/index.html'*) pass ;; *) fail "smith-2020 (added 2024-01-10, the day of 1.0) belongs to 1.0" ;; esac
case $v10 in *'brown-2019'*) fail "brown-2019 is not in 1.0" ;; *) pass ;; esac
recoded=$(printf '%s\n' "$v11" | sed -n '/<h3>Studies recoded<\/h3>/,/<h3>/p')
case $recoded in *'studies/smith-2020/index.html'*) pass ;; *) fail "smith-2020 (updated 2024-02-20) is recoded in 1.1" ;; esac
case $recoded in *'brown-2019'*) fail "brown-2019, added by 1.1, is not also recoded" ;; *) pass ;; esac
case $v10 in *'Studies recoded'*) fail "1.0 recoded nothing" ;; *) pass ;; esac
case $pend in *'studies/green-2024/index.html'*) pass ;; *) fail "green-2024 (added after 1.1) is pending" ;; esac
check_grep "the map says its version, update and last search" "$O/index.html" \
	'<p class="map-version">Version 1.1, updated <time datetime="2024-03-01">2024-03-01</time>; searches up to <time datetime="2024-02-15">2024-02-15</time>.'
check_grep "every page links to What's new" "$O/studies/smith-2020/index.html" '<a href="../../updates/index.html">What'"'"'s new</a>'
check_grep "a cell with a new study is marked" "$O/index.html" 'data-row="appointments" data-col="community" data-count="1"><a href="cells/appointments/community/index.html" aria-label="Appointments × Community: 1 study (thin evidence), 1 new in version 1.1">'
check_no_grep "a cell without one is not" "$O/index.html" 'class="gm-cell gm-new" data-row="pain" data-col="general-practice"'
check_grep "a new study is marked in lists" "$O/studies/index.html" '<a href="../studies/brown-2019/index.html">Views of patients</a> <span class="badge-new">New in version 1.1</span>'
n_new=$(grep -c 'badge-new' "$O/studies/index.html")
check_eq "only the latest update's studies are marked" "$n_new" 1
check_grep "update style sheet linked" "$O/index.html" 'assets/css/updates.css'
check_grep "growth chart on the overview" "$O/overview/index.html" '<h2 id="chart-growth">Growth of the map</h2>'
check_grep "with its table" "$O/overview/index.html" '<td>2024-03-01</td><td>1</td><td>1</td><td>2</td>'
check_grep "sitemap lists What's new" "$O/sitemap.xml" '<loc>https://example.org/map/updates/</loc>'

# -- the feed: valid, an entry per update and per study, newest first
F=$O/feed.xml
check "feed is well-formed" xmllint --noout "$F"
check_grep "feed entry for 1.1" "$F" '<title>Version 1.1 of the map</title>'
check_grep "linked to its section" "$F" '<link href="updates/index.html#v1_1"/>'
check_grep "with an absolute id" "$F" '<id>https://example.org/map/updates/#v1_1</id>'
check_grep "summarising it" "$F" '<summary>One study added &amp; one &lt;withdrawn&gt;. 1 study added: Views of patients. 1 recoded: A trial of link workers. 1 withdrawn: An old study (Retracted by the journal.).</summary>'
check_grep "feed entry for 1.0" "$F" '<title>Version 1.0 of the map</title>'
python3 - "$F" >"$TMP/feed.check" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
ok = True
def need(cond, msg):
    global ok
    if not cond:
        ok = False
        print("feed:", msg)
need(root.tag == A + "feed", "root is atom:feed")
for k in ("title", "id", "updated", "author"):
    need(root.find(A + k) is not None, "feed has " + k)
entries = root.findall(A + "entry")
ids = [e.findtext(A + "id") for e in entries]
need(len(ids) == len(set(ids)), "entry ids unique")
dates = [e.findtext(A + "updated") for e in entries]
need(all(dates), "every entry has updated")
need(all(e.find(A + "title") is not None and e.find(A + "link") is not None for e in entries), "title and link")
need(dates == sorted(dates, reverse=True), "newest first: %s" % dates)
need(root.findtext(A + "updated") == max(dates), "feed updated is the newest entry")
titles = [e.findtext(A + "title") for e in entries]
need(titles.index("Version 1.1 of the map") < titles.index("Views of patients (2019)"), "1.1 above its studies")
need(titles.index("Version 1.0 of the map") < titles.index("A trial of link workers (2020)"), "1.0 above a same-day study")
need(titles[0] == "A pending study (2024)", "the pending study is newest")
print("ok" if ok else "bad")
PY
check_grep "feed structure, order and dates" "$TMP/feed.check" "ok"
cat "$TMP/feed.check" | grep '^feed:' || true

# -- feed size limit: 100 entries, updates included
L=$TMP/limit
cp -R "$ROOT/tests/bad/base" "$L"
i=0
while [ $i -lt 110 ]; do
	printf 'title: Study %d\nauthors: ["A, B."]\nyear: 2020\ntype: report\nadded: 2024-02-%02d\noutcome: pain\nsetting: community\ndesign: rct\n' \
		$i $((i % 28 + 1)) >"$L/studies/s-$i.yaml"
	i=$((i + 1))
done
printf 'updates:\n  - { version: "1", date: 2024-02-10 }\n  - { version: "2", date: 2024-03-01 }\n' >>"$L/site.yaml"
"$GAPMAP" build -C "$L" -o "$TMP/limit-out" --quiet
check_eq "build of 113 studies and 2 updates" "$?" 0
entries=$(grep -c '<entry>' "$TMP/limit-out/feed.xml")
check_eq "feed holds at most 100 entries" "$entries" 100
check_grep "the latest update is among them" "$TMP/limit-out/feed.xml" '<title>Version 2 of the map</title>'

# -- bad updates are reported where they are written
B=$TMP/b
cp -R "$ROOT/tests/bad/base" "$B"
cat >>"$B/site.yaml" <<'YAML'
updates:
  - version: "2"
    date: 2024-03-01
    searched: 2024-04-01
  - version: "2"
    date: 2024-02-30
  - version: "3"
    date: 2024-01-01
    withdrawn:
      - { id: x }
  - { date: 2024-06-01, sumary: typo }
YAML
"$GAPMAP" check -C "$B" 2>"$TMP/b.err" >/dev/null
check_eq "bad updates: content error" "$?" 1
base_lines=$(wc -l <"$ROOT/tests/bad/base/site.yaml")
check "search after the update, at its line" grep -qE "^site.yaml:$((base_lines + 4)):[0-9]+: error: the last search \(2024-04-01\) is after the update's date \(2024-03-01\)" "$TMP/b.err"
check_grep "impossible date" "$TMP/b.err" 'should be a date written YYYY-MM-DD, not "2024-02-30"'
check_grep "out of order" "$TMP/b.err" "updates should be listed oldest first: 2024-01-01 is not after 2024-03-01"
check_grep "a version listed twice" "$TMP/b.err" 'version "2" is listed twice'
check_grep "withdrawn needs a reason" "$TMP/b.err" 'missing required field "reason"'
check_grep "version required" "$TMP/b.err" 'missing required field "version"'
check_grep "unknown key with a hint" "$TMP/b.err" 'unknown field "sumary" in update; did you mean "summary"?'
# a withdrawn study must not keep its record
B2=$TMP/b2
cp -R "$ROOT/tests/bad/base" "$B2"
printf 'updates:\n  - version: "1"\n    date: 2024-03-01\n    withdrawn:\n      - { id: smith-2020, reason: Duplicate. }\n' >>"$B2/site.yaml"
"$GAPMAP" build -C "$B2" -o "$TMP/b2-out" 2>"$TMP/b2.err" >/dev/null
check_eq "withdrawn but still recorded: content error" "$?" 1
check_grep "names the entry and the record" "$TMP/b2.err" ': error: "smith-2020" is listed as withdrawn in version 1 but still has a record (studies/smith-2020.yaml)'
check "and nothing is written" test ! -e "$TMP/b2-out"
finish
