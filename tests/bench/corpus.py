#!/usr/bin/env python3
"""Writes the engine benchmark's corpus of N studies twice, as a gapmap content
folder (OUT/gapmap) and as a Hugo site (OUT/hugo) with the same studies, notes
and facets (as taxonomies) and comparable templates: a page per study, a
paginated list per code (term) and of all studies, a page per facet, a home
page. Usage: corpus.py OUT N. Deterministic (seeded by N).

The studies are meant to look like real ones: titles of 8-20 words, 1-8 authors
with accented names, notes of 1-3 KB of Markdown with lists, links and
emphasis, 12 outcome codes in 3 groups, 8 settings in 2 groups, 6 designs,
20 countries, 1-4 outcomes and 1-2 settings per study."""
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(1000003 * n + 7)

WORDS = ("social prescribing link worker community referral garden walking group loneliness "
         "clinic primary care support randomised trial evaluation service patients carers "
         "outcomes exercise arts museum library digital telephone volunteers nurses practice "
         "chronic pain wellbeing isolation older adults mental health anxiety depression "
         "qualitative cohort pilot feasibility intervention programme pathway rural urban "
         "deprived areas coordinated personalised navigation self-management").split()
FAMILY = ("Müller Nuñez Søndergaard Łukasik Ó Briain Côté Dvořák Şahin García Brontë "
          "Björk Zając Ferreira Kovačević Ångström Nguyễn Okafor Smith Patel Jones Wright "
          "Lefèvre Éluard Ibáñez Čapek Grünewald Håkansson Øvergaard Mäkinen").split()
INITIALS = "ABCDEFGHIJKLMNOPRSTVWÉÅØ"
JOURNALS = ["BMC Health Serv Res", "Br J Gen Pract", "J Public Health", "BMJ Open",
            "Health Soc Care Community", "Br J Pain", "Prim Health Care Res Dev"]

OUTCOME_GROUPS = [("health", "Health and wellbeing", ["Pain", "Mental wellbeing", "Quality of life", "Loneliness"]),
                  ("services", "Use of services", ["GP appointments", "Emergency visits", "Prescriptions", "Referrals"]),
                  ("delivery", "Implementation", ["Acceptability", "Fidelity", "Workforce", "Costs"])]
SETTING_GROUPS = [("clinical", "Clinical settings", ["General practice", "Hospital", "Pharmacy", "Pain clinic"]),
                  ("community", "Community settings", ["Community centre", "Library", "Home", "Remote or digital"])]
DESIGNS = ["Randomised trial", "Cohort study", "Qualitative study", "Mixed methods", "Survey", "Pilot study"]
COUNTRIES = ["England", "Scotland", "Wales", "Ireland", "Canada", "Australia", "New Zealand",
             "United States", "Netherlands", "Denmark", "Sweden", "Norway", "Finland", "Germany",
             "France", "Spain", "Italy", "Japan", "Singapore", "South Africa"]


def slug(s):
    return "".join(c if c.isalnum() else "-" for c in s.lower()).strip("-").replace("--", "-")


def flat(groups):
    return [label for _, _, labels in groups for label in labels]


OUTCOMES, SETTINGS = flat(OUTCOME_GROUPS), flat(SETTING_GROUPS)


def words(k):
    return " ".join(rng.choice(WORDS) for _ in range(k))


def title():
    t = words(rng.randint(8, 20))
    return t[0].upper() + t[1:]


def note():
    parts, size, target = [], 0, rng.randint(1000, 3000)
    while size < target:
        kind = rng.random()
        if kind < 0.5:
            p = "%s *%s* %s [%s](https://example.org/%s) %s **%s**." % (
                words(rng.randint(10, 25)).capitalize(), words(2), words(rng.randint(5, 15)),
                words(2), slug(words(2)), words(rng.randint(5, 15)), words(2))
        elif kind < 0.8:
            p = "\n".join("- %s *%s*" % (words(rng.randint(4, 10)).capitalize(), words(1))
                          for _ in range(rng.randint(2, 5)))
        else:
            p = "## %s\n\n1. %s\n2. %s" % (words(3).capitalize(), words(8).capitalize(), words(8).capitalize())
        parts.append(p)
        size += len(p) + 2
    return "\n\n".join(parts) + "\n"


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


studies = []
for i in range(n):
    st = {
        "id": "study-%06d" % (i + 1),
        "title": title(),
        "authors": ["%s, %s" % (rng.choice(FAMILY), rng.choice(INITIALS)) for _ in range(rng.randint(1, 8))],
        "year": rng.randint(2000, 2025),
        "journal": rng.choice(JOURNALS),
        "added": "2025-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
        "outcomes": sorted(rng.sample(range(len(OUTCOMES)), rng.randint(1, 4))),
        "settings": sorted(rng.sample(range(len(SETTINGS)), rng.randint(1, 2))),
        "design": rng.randrange(len(DESIGNS)),
        "country": rng.randrange(len(COUNTRIES)),
        "note": note(),
    }
    studies.append(st)

# ---- gapmap -----------------------------------------------------------------
g = os.path.join(out, "gapmap")
os.makedirs(os.path.join(g, "studies"), exist_ok=True)
with open(os.path.join(g, "site.yaml"), "w") as f:
    f.write("title: Benchmark map\ndescription: %d synthetic studies.\nlicence: CC0\n" % n)
    f.write("map:\n  rows: outcome\n  columns: setting\n  segments: design\n  filters: [design, country, year]\n")
    f.write("facets:\n")
    for fid, label, plural, groups in (("outcome", "Outcome", "Outcomes", OUTCOME_GROUPS),
                                       ("setting", "Setting", "Settings", SETTING_GROUPS)):
        f.write("  %s:\n    label: %s\n    plural: %s\n    path: %s\n    required: true\n    groups:\n"
                % (fid, label, plural, plural.lower()))
        for gid, glabel, labels in groups:
            f.write("      - id: %s\n        label: %s\n        codes:\n" % (gid, glabel))
            for label in labels:
                f.write("          - { id: %s, label: %s }\n" % (slug(label), label))
    for fid, label, plural, labels in (("design", "Study design", "Study designs", DESIGNS),
                                       ("country", "Country", "Countries", COUNTRIES)):
        f.write("  %s:\n    label: %s\n    plural: %s\n    path: %s\n    multiple: false\n    codes:\n"
                % (fid, label, plural, plural.lower().replace(" ", "-")))
        for label in labels:
            f.write("      - { id: %s, label: %s }\n" % (slug(label), label))
for st in studies:
    with open(os.path.join(g, "studies", st["id"] + ".yaml"), "w") as f:
        f.write("title: %s\nauthors: [%s]\nyear: %d\ntype: article\npublished_in: %s\nadded: %s\n"
                % (q(st["title"]), ", ".join(q(a) for a in st["authors"]), st["year"], st["journal"], st["added"]))
        f.write("outcome: [%s]\n" % ", ".join(slug(OUTCOMES[k]) for k in st["outcomes"]))
        f.write("setting: [%s]\n" % ", ".join(slug(SETTINGS[k]) for k in st["settings"]))
        f.write("design: %s\ncountry: %s\n" % (slug(DESIGNS[st["design"]]), slug(COUNTRIES[st["country"]])))
    with open(os.path.join(g, "studies", st["id"] + ".md"), "w") as f:
        f.write(st["note"])

# ---- Hugo -------------------------------------------------------------------
h = os.path.join(out, "hugo")
os.makedirs(os.path.join(h, "content", "studies"), exist_ok=True)
with open(os.path.join(h, "config.toml"), "w") as f:
    f.write('baseURL = "/"\nrelativeURLs = true\ntitle = "Benchmark map"\npaginate = 100\n'
            'disableKinds = ["RSS"]\n[taxonomies]\noutcome = "outcomes"\nsetting = "settings"\n'
            'design = "designs"\ncountry = "countries"\n')
layouts = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title><link rel="stylesheet" href="{{ "site.css" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><ul>{{ range $k, $v := .Site.Taxonomies }}<li><a href="{{ (printf "/%s/" $k) | relURL }}">{{ $k | title }}</a></li>{{ end }}<li><a href="{{ "/studies/" | relURL }}">Studies</a></li></ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ .Site.Title }}</footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ delimit .Params.authors ", " " and " }} ({{ .Params.year }}). {{ .Params.journal }}.</p>
<dl>{{ range $tax, $terms := .Site.Taxonomies }}{{ with $.GetTerms $tax }}<dt>{{ $tax | title }}</dt><dd><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></dd>{{ end }}{{ end }}</dl>
<section class="note">{{ .Content }}</section>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} studies, newest first.</p>
{{ $p := .Paginate (.Pages.ByParam "year").Reverse }}<ol start="{{ add (mul (sub $p.PageNumber 1) 100) 1 }}">{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><br>{{ index .Params.authors 0 }} ({{ .Params.year }}){{ range .GetTerms "settings" }} · {{ .LinkTitle }}{{ end }}</li>{{ end }}</ol>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }} studies</li>{{ end }}</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<p>{{ len (where .Site.RegularPages "Section" "studies") }} studies.</p>
<table>{{ range .Site.Taxonomies.outcomes.ByCount }}<tr><th><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></th><td>{{ .Count }}</td></tr>{{ end }}</table>{{ end }}
""",
}
for name, text in layouts.items():
    path = os.path.join(h, "layouts", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
os.makedirs(os.path.join(h, "static"), exist_ok=True)
with open(os.path.join(h, "static", "site.css"), "w") as f:
    f.write("body { font-family: sans-serif; max-width: 60rem; margin: auto; }\n")


def ylist(v):
    return "[" + ", ".join(q(x) for x in v) + "]"


for st in studies:
    with open(os.path.join(h, "content", "studies", st["id"] + ".md"), "w") as f:
        f.write("---\ntitle: %s\nauthors: %s\nyear: %d\njournal: %s\ndate: %s\n"
                % (q(st["title"]), ylist(st["authors"]), st["year"], q(st["journal"]), st["added"]))
        f.write("outcomes: %s\nsettings: %s\ndesigns: %s\ncountries: %s\n---\n"
                % (ylist([OUTCOMES[k] for k in st["outcomes"]]), ylist([SETTINGS[k] for k in st["settings"]]),
                   ylist([DESIGNS[st["design"]]]), ylist([COUNTRIES[st["country"]]])))
        f.write(st["note"])
