#!/usr/bin/env python3
"""Writes a synthetic content folder of N studies (default 10,000) for the
map benchmark: usage `synth.py OUT_DIR [N]`. Deterministic (seeded), with
grouped row and filter facets, multi-valued codes, findings, notes on one
study in ten and a further report on one in twenty."""
import os
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
rng = random.Random(20250101)
WORDS = ("pain wellbeing link worker community referral garden walking group loneliness "
         "clinic primary care support trial evaluation service patients carers outcomes "
         "exercise arts museum library digital telephone volunteers nurses practice").split()


def words(k):
    return " ".join(rng.choice(WORDS) for _ in range(k))


facets = {
    "outcome": {"label": "Outcome", "plural": "Outcomes", "path": "outcomes", "groups": [
        ("health", "Health and wellbeing", 8), ("services", "Use of services", 5),
        ("delivery", "Implementation and delivery", 6)]},
    "setting": {"label": "Setting", "plural": "Settings", "path": "settings", "groups": [
        ("clinical", "Clinical settings", 4), ("community", "Community settings", 4),
        ("other", "Other", 2)]},
    "design": {"label": "Study design", "plural": "Study designs", "path": "designs", "codes": 8, "multiple": False},
    "condition": {"label": "Condition", "plural": "Conditions", "path": "conditions", "groups": [
        ("pain", "Chronic pain", 4), ("ltc", "Long-term conditions", 8)]},
    "country": {"label": "Country", "plural": "Countries", "path": "countries", "codes": 12},
    "source": {"label": "Source", "plural": "Sources", "path": "sources", "codes": 2, "multiple": False},
}
codes = {}
os.makedirs(os.path.join(out, "studies"), exist_ok=True)
with open(os.path.join(out, "site.yaml"), "w") as f:
    f.write("title: Synthetic benchmark map\ndescription: %d synthetic studies for timing the map.\n" % n)
    f.write("licence: CC0\nmap:\n  rows: outcome\n  columns: setting\n  segments: design\n")
    f.write("  filters: [condition, country, design, source, year]\n  thin: 3\nfacets:\n")
    for fid, fc in facets.items():
        f.write("  %s:\n    label: %s\n    plural: %s\n    path: %s\n" % (fid, fc["label"], fc["plural"], fc["path"]))
        f.write("    definition: The %s of a study, synthetic.\n" % fc["label"].lower())
        if not fc.get("multiple", True):
            f.write("    multiple: false\n")
        ids = []
        if "groups" in fc:
            f.write("    groups:\n")
            for gid, glabel, k in fc["groups"]:
                f.write("      - id: %s-group\n        label: %s\n        codes:\n" % (gid, glabel))
                for i in range(k):
                    cid = "%s-%d" % (gid, i + 1)
                    ids.append(cid)
                    f.write("          - { id: %s, label: %s %d, definition: Synthetic code %s. }\n" % (cid, glabel, i + 1, cid))
        else:
            f.write("    codes:\n")
            for i in range(fc["codes"]):
                cid = "%s-%d" % (fid, i + 1)
                ids.append(cid)
                f.write("      - { id: %s, label: %s %d }\n" % (cid, fc["label"], i + 1))
        codes[fid] = ids


def pick(fid, lo, hi):
    k = rng.randint(lo, hi)
    return sorted(set(rng.choice(codes[fid]) for _ in range(k)), key=codes[fid].index)


DIRS = ["improved", "no-change", "mixed", "worse", "not-reported"]
for i in range(n):
    sid = "s%05d" % (i + 1)
    outcome = pick("outcome", 1, 3)
    lines = [
        'title: "%s %s"' % (words(6).capitalize(), i + 1),
        'authors: ["%s, A.", "%s, B."]' % (rng.choice(WORDS).capitalize(), rng.choice(WORDS).capitalize()),
        "year: %d" % rng.randint(2000, 2024),
        "published_in: Journal of %s" % rng.choice(WORDS).capitalize(),
        "doi: 10.9999/synth.%d" % (i + 1),
        "added: 2025-01-%02d" % (i % 28 + 1),
        "summary: %s." % words(30).capitalize(),
        "outcome: [%s]" % ", ".join(outcome),
        "setting: [%s]" % ", ".join(pick("setting", 1, 2)),
        "design: %s" % rng.choice(codes["design"]),
        "condition: [%s]" % ", ".join(pick("condition", 1, 2)),
        "country: %s" % rng.choice(codes["country"]),
        "source: %s" % rng.choice(codes["source"]),
        "findings:",
    ]
    for o in outcome:
        lines.append("  - { outcome: %s, direction: %s }" % (o, rng.choice(DIRS)))
    with open(os.path.join(out, "studies", sid + ".yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    if i % 10 == 0:
        with open(os.path.join(out, "studies", sid + ".md"), "w") as f:
            f.write("%s.\n\n%s.\n" % (words(40).capitalize(), words(40).capitalize()))
    if i % 20 == 0:
        with open(os.path.join(out, "studies", sid + "-b.yaml"), "w") as f:
            f.write('title: "Follow-up of %s"\nyear: %d\nadded: 2025-02-01\nstudy: %s\n'
                    "outcome: %s\nsetting: %s\ndesign: %s\nsource: %s\n" % (
                        sid, 2024, sid, rng.choice(codes["outcome"]), rng.choice(codes["setting"]),
                        rng.choice(codes["design"]), rng.choice(codes["source"])))
