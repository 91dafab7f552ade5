#!/bin/sh
# gapmap import: the sample exports in tests/import/ (every quirk of real
# exports, files of the wrong format), duplicates and re-imports, drafts,
# --dry-run/--update/--force, the EPPI-Reviewer import with cell counts
# worked out by hand, and round trips through the site's own downloads.
. "$(dirname "$0")/lib.sh"
S=$ROOT/tests/import
export SOURCE_DATE_EPOCH=1717200000 # 2024-06-01
C=$TMP/c
cp -R "$ROOT/tests/bad/base" "$C"
field() { # file key -> the line "key: value" of a record
	grep "^$2:" "$1" 2>/dev/null | head -n 1
}

# -- RIS with every quirk: BOM, CRLF and lone CR, numbers and blank lines
#    before TY, ER then TY at once, no final ER, continuation lines,
#    repeated tags, doubly encoded and MEDLINE-style names, Latin-1 and
#    Windows-1252 files
"$GAPMAP" import ris "$S/ris/quirks.ris" "$S/ris/latin1.ris" "$S/ris/cp1252.ris" -C "$C" \
	>"$TMP/ris.out" 2>"$TMP/ris.err"
check_eq "ris import exits 0" "$?" 0
check_grep "summary" "$TMP/ris.out" "6 references read; 6 created (6 of them drafts, not yet coded), 0 updated, 0 skipped"
R=$C/studies/munoz-2020.yaml
check_eq "title with its continuation line" "$(field "$R" title)" 'title: "Social prescribing for chronic pain: a pilot evaluation"'
check_eq "doubly encoded name repaired, MEDLINE name split, et al. dropped" "$(field "$R" authors)" 'authors: ["Muñoz, José", "Smith, J. A."]'
check_grep "repair warned at the reference" "$TMP/ris.err" 'quirks.ris:3: warning: author "MuÃ±oz, JosÃ©" was encoded twice'
check_eq "year from PY 2020///" "$(field "$R" year)" "year: 2020"
check_eq "first of repeated JO kept" "$(field "$R" published_in)" "published_in: Pain"
check_grep "repeated tag warned" "$TMP/ris.err" "quirks.ris:12:1: warning: repeated tag JO: the first value is kept"
check_eq "SP and EP joined" "$(field "$R" pages)" 'pages: "101-110"'
check_eq "DOI normalised" "$(field "$R" doi)" "doi: 10.1000/ris.1"
check_eq "added is today" "$(field "$R" added)" "added: 2024-06-01"
check_eq "drafts: no codes yet" "$(field "$R" draft)" "draft: true"
check_eq "TY right after ER" "$(field "$C/studies/jones-2021.yaml" title)" "title: A report on link workers"
check_eq "DOI from a doi.org link" "$(field "$C/studies/jones-2021.yaml" doi)" "doi: 10.1000/ris.2"
check_eq "lone CR line ends" "$(field "$C/studies/obrien-2019.yaml" type)" "type: chapter"
check_eq "no ER at the end" "$(field "$C/studies/lee-2018.yaml" type)" "type: conference"
check_eq "Latin-1 converted" "$(field "$C/studies/munoz-2017.yaml" title)" "title: Évaluation des soins"
check_grep "Latin-1 warned" "$TMP/ris.err" "latin1.ris:2:7: warning: the file is not UTF-8: read as Latin-1"
check_eq "Windows-1252 converted" "$(field "$C/studies/dvorak-2016.yaml" title)" "title: “Social” prescribing – a review"
check_grep "Windows-1252 warned" "$TMP/ris.err" "read as Windows-1252"
check "every imported record is valid YAML gapmap reads" "$GAPMAP" check -C "$C" -q

# -- drafts: listed by check, left out of the site, included with --drafts
"$GAPMAP" check -C "$C" >"$TMP/check.out" 2>"$TMP/check.err"
check_eq "check with drafts exits 0" "$?" 0
check_grep "draft listed" "$TMP/check.err" "studies/munoz-2020.yaml: note: draft, not yet coded (no outcome); left out of the site (--drafts includes it)"
"$GAPMAP" build -C "$C" -o "$TMP/site" -q
check_eq "build leaves drafts out" "$(ls "$TMP/site/studies" | grep -c munoz)" 0
check_eq "no page, list or download names a draft" "$(grep -rl munoz "$TMP/site" | wc -l)" 0
"$GAPMAP" build -C "$C" -o "$TMP/site-drafts" -q --drafts
check "build --drafts includes them" test -f "$TMP/site-drafts/studies/munoz-2020/index.html"
check "and lists them" grep -q munoz "$TMP/site-drafts/studies/index.html"

check_grep "check's summary counts the drafts" "$TMP/check.out" "; 6 drafts left out of the site (noted below)"

# -- --update codes a draft from another export: the draft mark goes
printf 'title,doi,outcome\nLink workers,10.1000/ris.1,pain\n' >"$TMP/code.csv"
"$GAPMAP" import csv "$TMP/code.csv" -C "$C" --update >"$TMP/code.out" 2>"$TMP/code.err"
check_grep "coding update counted" "$TMP/code.out" "1 updated"
check_eq "code added" "$(field "$C/studies/munoz-2020.yaml" outcome)" "outcome: [pain]"
check_eq "no longer a draft" "$(field "$C/studies/munoz-2020.yaml" draft)" ""
check_eq "title kept without --force" "$(field "$C/studies/munoz-2020.yaml" title)" 'title: "Social prescribing for chronic pain: a pilot evaluation"'

# -- importing again changes nothing; a grown export adds only what is new
before=$(cat "$C"/studies/*.yaml | cksum)
"$GAPMAP" import ris "$S/ris/quirks.ris" -C "$C" >"$TMP/again.out" 2>"$TMP/again.err"
check_eq "re-import exits 0" "$?" 0
check_grep "re-import skips all" "$TMP/again.out" "4 references read; 0 created (0 of them drafts, not yet coded), 0 updated, 4 skipped (4 already in the map"
check_grep "says why" "$TMP/again.err" "quirks.ris:3: note: skipped: already in the map as studies/munoz-2020.yaml (same DOI)"
check_grep "title and year match" "$TMP/again.err" "as studies/lee-2018.yaml (same title and year)"
check_eq "nothing rewritten" "$(cat "$C"/studies/*.yaml | cksum)" "$before"
"$GAPMAP" import ris "$S/ris/grown.ris" -C "$C" >"$TMP/grown.out" 2>/dev/null
check_grep "grown export adds one" "$TMP/grown.out" "5 references read; 1 created"
check "the new one" test -f "$C/studies/novak-2023.yaml"

# -- --dry-run writes nothing; a clash gets a letter
ls "$C/studies" >"$TMP/ls.before"
printf 'TY  - JOUR\nTI  - Another by Lee\nAU  - Lee, Kim\nPY  - 2018\nER  - \n' >"$TMP/lee.ris"
"$GAPMAP" import ris "$TMP/lee.ris" -C "$C" --dry-run >"$TMP/dry.out" 2>&1
check_grep "dry run says so" "$TMP/dry.out" "dry run, nothing written: 1 reference read; 1 would be created"
ls "$C/studies" >"$TMP/ls.after"
check "dry run wrote nothing" cmp -s "$TMP/ls.before" "$TMP/ls.after"
"$GAPMAP" import ris "$TMP/lee.ris" -C "$C" >/dev/null 2>&1
check "id clash gets a letter" test -f "$C/studies/lee-2018b.yaml"

# -- --update fills in what a record lacks; only --force replaces
printf 'TY  - JOUR\nTI  - A report on link workers\nAU  - Jones, Bea\nPY  - 2021\nVL  - 7\nPB  - Other Publisher\nDO  - 10.1000/ris.2\nER  - \n' >"$TMP/upd.ris"
"$GAPMAP" import ris "$TMP/upd.ris" -C "$C" --update >"$TMP/upd.out" 2>"$TMP/upd.err"
check_grep "update counted" "$TMP/upd.out" "1 updated"
check_eq "missing volume filled in" "$(field "$C/studies/jones-2021.yaml" volume)" 'volume: "7"'
check_eq "publisher kept without --force" "$(field "$C/studies/jones-2021.yaml" publisher)" "publisher: Health Foundation"
"$GAPMAP" import ris "$TMP/upd.ris" -C "$C" --update --force >/dev/null 2>&1
check_eq "--force replaces" "$(field "$C/studies/jones-2021.yaml" publisher)" "publisher: Other Publisher"

# -- a file of another format is named, not imported
"$GAPMAP" import ris "$S/wrong/wos.txt" "$S/wrong/pubmed.nbib" "$S/wrong/bibtex.ris" "$S/wrong/endnote.xml" -C "$C" >/dev/null 2>"$TMP/wrong.err"
check_eq "wrong formats exit 1" "$?" 1
check_grep "Web of Science named" "$TMP/wrong.err" "wos.txt: error: this is Web of Science plain text"
check_grep "MEDLINE named" "$TMP/wrong.err" "pubmed.nbib: error: this is PubMed MEDLINE/.nbib"
check_grep "BibTeX named" "$TMP/wrong.err" "bibtex.ris: error: this is BibTeX, not RIS"
check_grep "EndNote XML named" "$TMP/wrong.err" "endnote.xml: error: this is EndNote XML"
"$GAPMAP" import ris "$TMP/nope.ris" -C "$C" >/dev/null 2>&1
check_eq "missing file exits 1" "$?" 1
"$GAPMAP" import bogus x -C "$C" >/dev/null 2>&1
check_eq "unknown format is a usage error" "$?" 2

# -- BibTeX: @string, # concatenation, crossref, @comment/@preamble, TeX
#    accents, name forms, a broken entry that does not take the rest along
B=$TMP/b
cp -R "$ROOT/tests/bad/base" "$B"
"$GAPMAP" import bibtex "$S/bibtex/library.bib" -C "$B" >"$TMP/bib.out" 2>"$TMP/bib.err"
check_eq "bibtex with a broken entry exits 1" "$?" 1
check_grep "bibtex summary" "$TMP/bib.out" "6 references read; 6 created"
check_grep "broken entry named" "$TMP/bib.err" "library.bib:43: error: a value that opens here never closes"
R=$B/studies/munoz-2020.yaml
check_eq "TeX accents" "$(field "$R" title)" 'title: "Social prescribing for chronic pain: a öffentliche pilot"'
check_eq "names, accents, and others dropped" "$(field "$R" authors)" 'authors: ["Muñoz, José", "Smith, John A.", "Dürer, Albrecht"]'
check_eq "@string macro" "$(field "$R" published_in)" "published_in: British Journal of General Practice"
check_eq "page range" "$(field "$R" pages)" 'pages: "101-110"'
R=$B/studies/lee-2018.yaml
check_eq "# concatenation" "$(field "$R" title)" "title: Pain clinics in Europe"
check_eq "First von Last" "$(field "$R" authors)" 'authors: ["Lee, Kim", "van Beethoven, Ludwig"]'
check_eq "crossref fills the book title" "$(field "$R" published_in)" "published_in: Proceedings of the Pain Conference"
check_eq "crossref fills the publisher, via @string" "$(field "$R" publisher)" "publisher: Health and Care Press"
check_eq "organisation as author" "$(field "$B/studies/nhs-england-2021.yaml" authors)" "authors: [NHS England]"
check_eq "\\c and \\u accents" "$(field "$B/studies/ohare-2019.yaml" authors)" "authors: [\"O'Hare, Çağla\"]"
check "entry after the broken one read" test -f "$B/studies/novak-2023.yaml"

# -- CSV: Covidence and Rayyan by their headers; any sheet with --map and
#    --split, codes by id or label, quoted cells with separators, quotes
#    and line breaks
V=$TMP/v
cp -R "$ROOT/tests/bad/base" "$V"
"$GAPMAP" import csv "$S/csv/covidence.csv" "$S/csv/rayyan.csv" -C "$V" >"$TMP/csv.out" 2>"$TMP/csv.err"
check_eq "csv import exits 0" "$?" 0
check_grep "Covidence recognised" "$TMP/csv.err" "covidence.csv:1: note: read as a Covidence export"
check_grep "Rayyan recognised" "$TMP/csv.err" "rayyan.csv:1: note: read as a Rayyan export"
R=$V/studies/smith-2020b.yaml
check_eq "doubled quotes, a clash with smith-2020" "$(field "$R" title)" 'title: "Link workers and pain: a \"pragmatic\" trial"'
check_eq "Covidence authors" "$(field "$R" authors)" 'authors: ["Smith, J.", "Jones, B."]'
check_eq "Covidence Published Year" "$(field "$R" year)" "year: 2020"
check_eq "Rayyan authors split at and" "$(field "$V/studies/lee-2019.yaml" authors)" 'authors: ["Lee, Kim", "Park, Su"]'
"$GAPMAP" import csv "$S/csv/sheet.csv" -C "$V" --map "Study title=title" --map "First authors=authors" \
	--map Kind=type --split '|' >"$TMP/sheet.out" 2>"$TMP/sheet.err"
check_eq "sheet import exits 0" "$?" 0
R=$V/studies/brown-2022.yaml
check_eq "semicolon-separated, quoted ; kept" "$(field "$R" title)" "title: A trial; with a semicolon"
check_eq "codes by label and id, split at |" "$(field "$R" outcome)" "outcome: [pain, quality-of-life]"
check_eq "a coded record is no draft" "$(field "$R" draft)" ""
check_grep "unknown code warned" "$TMP/sheet.err" 'sheet.csv:2: warning: "hunger" is no outcome code (by id or label); left out'
check_eq "code by label" "$(field "$V/studies/grey-2023.yaml" setting)" "setting: [general-practice]"
"$GAPMAP" import csv "$S/csv/sheet.csv" -C "$V" --map "Nope=title" >/dev/null 2>"$TMP/map.err"
check_grep "--map of a missing column" "$TMP/map.err" 'no column "Nope" in the header'

# -- EPPI-Reviewer JSON: facets from code sets, cells counted by hand.
#    review.json codes (ItemId: codes):
#      9001 Pain, Primary care, RCT       9002 Pain, Quality of life, Community
#      9003 GP appointments, Primary care, Community
#      9004 Pain, Primary care            9005 none (a junk code entry)
#      9006 Costs, Online (and an AttributeId in no code set)
#      9007 the DOI of 9001 again: skipped
#    so Pain x Primary care = 2 (9001, 9004), Pain x Community = 1,
#    Quality of life x Community = 1, GP appointments x Primary care = 1,
#    GP appointments x Community = 1, Costs x Online = 1, all else 0.
E=$TMP/e
mkdir -p "$E"
"$GAPMAP" import eppi "$S/eppi/review.json" -C "$E" --rows Outcome --columns Setting --segments "Study design" \
	>"$TMP/eppi.out" 2>"$TMP/eppi.err"
check_eq "eppi import exits 0" "$?" 0
check_grep "eppi summary" "$TMP/eppi.out" "7 references read; 6 created (0 of them drafts, not yet coded), 0 updated, 1 skipped (0 already in the map, 1 repeated in the import"
check_grep "junk code warned" "$TMP/eppi.err" "warning: code entry without an AttributeId ignored"
check_grep "unknown attribute warned" "$TMP/eppi.err" "AttributeId 7777 is in no code set"
check_grep "AttributeIds kept" "$E/site.yaml" "{ id: pain, label: Pain, provenance: EPPI-Reviewer AttributeId 1011 }"
check_grep "groups from parent codes" "$E/site.yaml" "      - id: health"
check_eq "ItemId kept" "$(field "$E/studies/smith-2020.yaml" eppi_id)" 'eppi_id: "9001"'
"$GAPMAP" build -C "$E" -o "$TMP/esite" -q
check_eq "eppi site builds" "$?" 0
W=$TMP/esite
check_eq "Pain x Primary care" "$(cell_count "$W" pain primary-care)" 2
check_eq "Pain x Community" "$(cell_count "$W" pain community)" 1
check_eq "Quality of life x Community" "$(cell_count "$W" quality-of-life community)" 1
check_eq "GP appointments x Primary care" "$(cell_count "$W" gp-appointments primary-care)" 1
check_eq "GP appointments x Community" "$(cell_count "$W" gp-appointments community)" 1
check_eq "Costs x Online" "$(cell_count "$W" costs online)" 1
check_eq "Pain x Online is a gap" "$(cell_count "$W" pain online)" 0
check_eq "Quality of life x Primary care is a gap" "$(cell_count "$W" quality-of-life primary-care)" 0
"$GAPMAP" import eppi "$S/eppi/review.json" -C "$E" >"$TMP/eppi2.out" 2>"$TMP/eppi2.err"
check_grep "eppi re-import matches by ItemId" "$TMP/eppi2.err" "(same EPPI ItemId)"
check_grep "eppi re-import adds nothing" "$TMP/eppi2.out" "0 created"
"$GAPMAP" import eppi "$S/eppi/review.json" -C "$E" --rows Outcome --columns Setting >/dev/null 2>"$TMP/eppi3.err"
check_grep "map not replaced without --force" "$TMP/eppi3.err" "site.yaml has a map or facets section already"
# --force replaces map and facets but keeps the rest of site.yaml as written
E3=$TMP/e3
mkdir -p "$E3"
{ printf '# Our map, imported from EPPI-Reviewer.\ntitle: Our map   # keep me\n'; sed 1d "$E/site.yaml"; printf 'licence: CC BY 4.0\n'; } >"$E3/site.yaml"
"$GAPMAP" import eppi "$S/eppi/review.json" -C "$E3" --rows Setting --columns Outcome --force >/dev/null 2>&1
check_grep "comment kept" "$E3/site.yaml" "# Our map, imported from EPPI-Reviewer."
check_grep "title line kept" "$E3/site.yaml" "title: Our map   # keep me"
check_grep "later section kept" "$E3/site.yaml" "licence: CC BY 4.0"
check_grep "map replaced" "$E3/site.yaml" "  rows: setting"
check_eq "one map section" "$(grep -c '^map:' "$E3/site.yaml")" 1
check "the rewritten site checks" "$GAPMAP" check -C "$E3" -q
"$GAPMAP" import eppi "$S/eppi/review.json" -C "$E" --rows Outcomes --columns Setting >/dev/null 2>"$TMP/eppi4.err"
check_grep "unknown code set named" "$TMP/eppi4.err" 'no code set or parent code "Outcomes"; it has "Outcome", "Health", "Services", "Setting", "Study design"'
"$GAPMAP" import eppi "$S/ris/quirks.ris" -C "$E" >/dev/null 2>"$TMP/eppi5.err"
check_grep "RIS given as eppi" "$TMP/eppi5.err" "this is RIS, not EPPI-Reviewer JSON"

# -- round trip: EPPI JSON -> import -> the site's EPPI JSON download ->
#    import again gives the same records, codes and facets
check "EPPI JSON download written" test -f "$W/data/studies-eppi.json"
E2=$TMP/e2
mkdir -p "$E2"
"$GAPMAP" import eppi "$W/data/studies-eppi.json" -C "$E2" --rows Outcome --columns Setting --segments "Study design" \
	>/dev/null 2>"$TMP/e2.err"
check_eq "re-import of the export exits 0" "$?" 0
check_eq "same records and codes after the round trip" "$(diff -r "$E/studies" "$E2/studies")" ""
check_eq "same facets after the round trip" "$(diff "$E/site.yaml" "$E2/site.yaml")" ""

# -- round trip: the site's RIS download, imported into an empty map, gives
#    back the same titles, authors, years and DOIs
RT=$TMP/rt
mkdir -p "$RT"
cp "$ROOT/content/site.yaml" "$RT/"
"$GAPMAP" build -C "$ROOT/content" -o "$TMP/default" -q
check_no_grep "site RIS has no et al. authors" "$TMP/default/data/studies.ris" "AU  - et al"
check_eq "site RIS splits en-dash pages (281–292)" "$(grep -A1 '^SP  - 281' "$TMP/default/data/studies.ris" | tr -d '\r' | tail -n 1)" "EP  - 292"
"$GAPMAP" import ris "$TMP/default/data/studies.ris" -C "$RT" >/dev/null 2>"$TMP/rt.err"
check_eq "round trip import exits 0" "$?" 0
"$GAPMAP" build -C "$RT" -o "$TMP/rtsite" -q --drafts
check_eq "round trip builds" "$?" 0
# The codes come back too, from the KW "Facet: Code" lines (in the site's
# order there, so compared as sets).
python3 - "$TMP/default/data/studies.json" "$TMP/rtsite/data/studies.json" >"$TMP/rt.diff" <<'PY'
import json, sys
def key(path):
    recs = json.load(open(path))["records"]
    return sorted((r["title"], tuple(a for a in r.get("authors", []) if a.lower() not in ("et al.", "et al", "others")),
                   r["year"], r.get("doi"), json.dumps({f: sorted(c) for f, c in r["codes"].items()}, sort_keys=True)) for r in recs)
a, b = key(sys.argv[1]), key(sys.argv[2])
for x in a:
    if x not in b: print("lost:", x)
for x in b:
    if x not in a: print("new:", x)
PY
check_eq "round trip keeps titles, authors, years, DOIs and codes" "$(cat "$TMP/rt.diff")" ""

# -- round trip: the site's BibTeX download
RB=$TMP/rb
mkdir -p "$RB"
cp "$ROOT/content/site.yaml" "$RB/"
"$GAPMAP" import bibtex "$TMP/default/data/studies.bib" -C "$RB" >/dev/null 2>"$TMP/rb.err"
check_eq "bibtex round trip import exits 0" "$?" 0
"$GAPMAP" build -C "$RB" -o "$TMP/rbsite" -q --drafts
# Organisations as authors are in this comparison: the site's .bib braces
# them ("{Sheffield Clinical Commissioning Group}") so readers keep them whole.
check_grep "bibtex braces an organisation author" "$TMP/default/data/studies.bib" "author = {{Sheffield Clinical Commissioning Group}}"
python3 - "$TMP/default/data/studies.json" "$TMP/rbsite/data/studies.json" >"$TMP/rb.diff" <<'PY'
import json, sys
def key(path):
    recs = json.load(open(path))["records"]
    return sorted((r["title"], tuple(a for a in r.get("authors", []) if a.lower() not in ("et al.", "et al", "others")),
                   r["year"], r.get("doi")) for r in recs)
a, b = key(sys.argv[1]), key(sys.argv[2])
for x in a:
    if x not in b: print("lost:", x)
for x in b:
    if x not in a: print("new:", x)
PY
check_eq "bibtex round trip keeps titles, authors, years, DOIs" "$(cat "$TMP/rb.diff")" ""
finish
