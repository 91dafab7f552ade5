"""Incremental rebuilds under `gapmap serve` (site/incr.h): after one record
or note changes only the pages that read it are rendered again, every
other file keeps its inode and modification time, and the site equals a
fresh full build of the same content; a change to site.yaml, a failed
build or a new template renders everything again. Serve reads again only
the record files that changed (model/reuse.h), updates the served folder
in place (site/inplace.h: the folder itself stays, no temporary files are
left, a broken edit changes no file) and copies the data files' elements
of unchanged records (formats/memo.h), which the byte-for-byte comparison
with a fresh build checks after every step, also after edits that change a
study's reports or the running EPPI item numbers. Prints "N passed, N failed".

Run through tests/e2e/test_incremental.sh (GAPMAP, GAPMAP_HOME, TMP set)."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_test as st  # noqa: E402  (Server, wait_for, check)

GAPMAP = os.environ["GAPMAP"]
ROOT = os.environ["ROOT"]
TMP = os.environ["TMP"]


def snapshot(site):
    """rel path -> (inode, mtime_ns, bytes) of every file of a site."""
    files = {}
    for d, _, names in os.walk(site):
        for n in names:
            p = os.path.join(d, n)
            s = os.stat(p)
            with open(p, "rb") as f:
                files[os.path.relpath(p, site)] = (s.st_ino, s.st_mtime_ns, f.read())
    return files


def fresh_build(content, name):
    out = os.path.join(TMP, name)
    r = subprocess.run([GAPMAP, "build", "-C", content, "-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    st.check("fresh build of %s succeeds" % name, r.returncode == 0, r.stdout)
    return snapshot(out)


def same_site(desc, a, b):
    diff = sorted(k for k in set(a) | set(b)
                  if k not in a or k not in b or a[k][2] != b[k][2])
    st.check(desc + ": the incremental site equals a fresh full build", not diff, diff[:10])


class Run:
    def __init__(self, srv, out):
        self.srv, self.out, self.n = srv, out, 0

    def rebuild(self, edit):
        """Applies edit, waits for the rebuild; returns (rendered, pages, ok);
        self.read: record files read again."""
        self.read = None
        before = self.srv.count(r"^gapmap: rebuilt|still serving the last good")
        edit()
        got = st.wait_for(lambda: self.srv.count(
            r"^gapmap: rebuilt|still serving the last good") > before, 60)
        st.check("a rebuild follows the edit", got, self.srv.output()[-2000:])
        lines = [ln for ln in self.srv.output().splitlines()
                 if re.search(r"^gapmap: rebuilt|still serving the last good", ln)]
        m = re.search(r"rendered (\d+) of (\d+) pages", lines[-1]) if lines else None
        if not m:
            return None, None, False
        r = re.search(r"read (\d+) record files", lines[-1])
        self.read = int(r.group(1)) if r else None
        return int(m.group(1)), int(m.group(2)), True


def rewrite(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def main():
    content = os.path.join(TMP, "c")
    shutil.copytree(os.path.join(ROOT, "content"), content)
    # Without PRISMA flows, whose counts would no longer match the records
    # once one is added.
    os.remove(os.path.join(content, "prisma.yaml"))
    out = os.path.join(TMP, "out")
    srv = st.Server(content, "-o", out, "--port", "0")
    st.check("serve starts", srv.port is not None, srv.output())
    if srv.port is None:
        srv.stop()
        return
    m = re.search(r"built \d+ studies, (\d+) pages .*rendered (\d+) of (\d+) pages",
                  srv.output())
    st.check("the first build renders every page", m and m.group(2) == m.group(3) == m.group(1),
             srv.output())
    total = int(m.group(1)) if m else 0
    run = Run(srv, out)
    studies = os.path.join(content, "studies")

    # 1. A title: its study page and the pages listing it, nothing else.
    old = snapshot(out)
    site_ino = os.stat(out).st_ino
    rendered, pages, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "carnes-2017.yaml"),
        'title: "The impact of', 'title: "The measured impact of'))
    new = snapshot(out)
    st.check("title edit: few pages rendered", rendered is not None and 0 < rendered < total / 3,
             (rendered, pages))
    st.check("title edit: page count unchanged", pages == total, (pages, total))
    st.check("title edit: its page is rewritten",
             b"The measured impact of" in new["studies/carnes-2017/index.html"][2])
    changed = sorted(k for k in new if k in old and new[k][:2] != old[k][:2])
    kept = sorted(k for k in new if k in old and new[k][:2] == old[k][:2])
    st.check("title edit: the data files are rewritten",
             "data/studies.json" in changed and "feed.xml" in changed, changed)
    st.check("title edit: an unrelated study page keeps inode and mtime",
             "studies/chng-2021/index.html" in kept)
    st.check("title edit: most files kept", len(kept) > len(changed) * 3, (len(kept), changed))
    st.check("title edit: no page rewritten that was not rendered",
             len([k for k in changed if k.endswith(".html")]) <= rendered, (changed, rendered))
    st.check("title edit: only that record is read again", run.read == 1, run.read)
    st.check("title edit: the site is updated in place (its folder stays)",
             os.stat(out).st_ino == site_ino)
    st.check("title edit: no temporary files left in the site",
             not [k for k in new if os.path.basename(k).startswith(".") and ".tmp-" in k],
             [k for k in new if ".tmp-" in k])
    same_site("title edit", new, fresh_build(content, "f1"))

    # 2. A note.
    rendered, _, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "chng-2021.md"), "", "An added first line of the note.\n\n"))
    st.check("note edit: few pages rendered", rendered is not None and rendered < total / 3,
             rendered)
    st.check("note edit: only that record is read again", run.read == 1, run.read)
    same_site("note edit", snapshot(out), fresh_build(content, "f2"))

    # 2b. A further report becomes a study of its own, then a report again:
    # elements of the data files keyed by a study's reports change.
    run.rebuild(lambda: rewrite(os.path.join(studies, "dayson-2020.yaml"),
                                "study: dayson-2018\n", ""))
    st.check("study link removed: only that record is read again", run.read == 1, run.read)
    same_site("study link removed", snapshot(out), fresh_build(content, "f2b"))
    run.rebuild(lambda: rewrite(os.path.join(studies, "dayson-2020.yaml"),
                                "year: 2020\n", "year: 2020\nstudy: dayson-2018\n"))
    same_site("study link restored", snapshot(out), fresh_build(content, "f2c"))

    # 2c. An EPPI item id: the running numbers of every record without one
    # change in data/studies-eppi.json.
    run.rebuild(lambda: rewrite(os.path.join(studies, "chng-2021.yaml"),
                                "year: ", 'eppi_id: "99990"\nyear: '))
    same_site("eppi id added", snapshot(out), fresh_build(content, "f2d"))

    # 2c'. Saved as sed -i does: a temporary file in studies/ renamed over
    # the record (serve looks again only at the files the watcher names).
    def sed_like():
        path = os.path.join(studies, "chng-2021.yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        tmp = os.path.join(studies, "sedAbC123")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text.replace("year: ", "sample_size: 321\nyear: ", 1))
        os.rename(tmp, path)
    rendered, _, _ = run.rebuild(sed_like)
    st.check("saved through a temporary file: incremental",
             rendered is not None and rendered < total / 3 and run.read == 1, (rendered, run.read))
    same_site("saved through a temporary file", snapshot(out), fresh_build(content, "f2s"))

    # 2c''. Another kind of file in studies/: looked at like any change of
    # the folder (every page), and again when it goes.
    rendered, pages, _ = run.rebuild(lambda: open(os.path.join(studies, "README.txt"), "w").close())
    st.check("other file in studies/: every page rendered", rendered == pages and pages,
             (rendered, pages))
    same_site("other file in studies/", snapshot(out), fresh_build(content, "f2t"))
    rendered, pages, _ = run.rebuild(lambda: os.remove(os.path.join(studies, "README.txt")))
    same_site("other file removed", snapshot(out), fresh_build(content, "f2u"))

    # 2d. A note removed.
    run.rebuild(lambda: os.remove(os.path.join(studies, "wright-2017.md")))
    st.check("note removed: only that record is read again", run.read == 1, run.read)
    same_site("note removed", snapshot(out), fresh_build(content, "f2e"))

    # 2e. A finding's direction: a fact the code pages tally (and the map
    # data carry), though no list or count of studies changes; then its
    # detail, which only the pages showing the study read.
    corline = os.path.join(studies, "corline-2023.yaml")
    rendered, _, _ = run.rebuild(lambda: rewrite(
        corline, "direction: improved", "direction: mixed"))
    st.check("finding direction edit: incremental", rendered is not None and rendered < total / 3,
             rendered)
    same_site("finding direction edit", snapshot(out), fresh_build(content, "f2f"))
    rendered, _, _ = run.rebuild(lambda: rewrite(
        corline, "Social prescribers' average", "Social prescribers' mean"))
    same_site("finding detail edit", snapshot(out), fresh_build(content, "f2g"))
    run.rebuild(lambda: rewrite(corline, "added: 2025-01-01", "added: 2024-01-27"))
    same_site("added date edit", snapshot(out), fresh_build(content, "f2h"))

    # 3. Codes: the pages of its old and new codes and cells.
    rendered, _, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "carnes-2017.yaml"), "setting: general-practice",
        "setting: community-voluntary"))
    st.check("code edit: fewer pages than a full build", rendered is not None and rendered < total,
             rendered)
    same_site("code edit", snapshot(out), fresh_build(content, "f3"))

    # 4. A year (reorders the lists).
    rendered, _, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "chng-2021.yaml"), "year: 2021", "year: 2013"))
    same_site("year edit", snapshot(out), fresh_build(content, "f4"))

    # 5. A record added, then removed.
    def add():
        shutil.copy(os.path.join(studies, "carnes-2017.yaml"),
                    os.path.join(studies, "zz-added-2022.yaml"))
        rewrite(os.path.join(studies, "zz-added-2022.yaml"), "doi: 10.1186/s12913-017-2778-y\n",
                "")
    rendered, _, ok = run.rebuild(add)
    st.check("added record: built", ok, srv.output()[-2000:])
    st.check("added record: only it is read", run.read == 1, run.read)
    new = snapshot(out)
    st.check("added record: its page exists", "studies/zz-added-2022/index.html" in new)
    same_site("added record", new, fresh_build(content, "f5"))
    rendered, _, _ = run.rebuild(lambda: os.remove(os.path.join(studies, "zz-added-2022.yaml")))
    new = snapshot(out)
    st.check("removed record: its page is gone", "studies/zz-added-2022/index.html" not in new)
    same_site("removed record", new, fresh_build(content, "f6"))

    # 6. site.yaml: everything.
    rendered, pages, _ = run.rebuild(lambda: rewrite(
        os.path.join(content, "site.yaml"), "facets:", "# a comment\nfacets:"))
    st.check("site.yaml edit: every page rendered", rendered == pages and pages, (rendered, pages))
    same_site("site.yaml edit", snapshot(out), fresh_build(content, "f7"))

    # 7. A broken record, then its fix: the fix renders everything.
    old = snapshot(out)
    rendered, _, ok = run.rebuild(lambda: rewrite(
        os.path.join(studies, "carnes-2017.yaml"), "year: 2017", "year: [2017"))
    st.check("broken edit: reported", not ok, srv.output()[-1000:])
    st.check("broken edit: no file of the site changed", snapshot(out) == old,
             sorted(k for k in set(old) | set(snapshot(out))
                    if old.get(k) != snapshot(out).get(k))[:10])
    rendered, pages, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "carnes-2017.yaml"), "year: [2017", "year: 2017"))
    st.check("fix after an error: every page rendered", rendered == pages and pages,
             (rendered, pages))
    same_site("fix", snapshot(out), fresh_build(content, "f8"))

    # 8. A template of the content folder: everything.
    def template():
        os.makedirs(os.path.join(content, "templates"), exist_ok=True)
        shutil.copy(os.path.join(ROOT, "templates", "study.html"),
                    os.path.join(content, "templates", "study.html"))
        rewrite(os.path.join(content, "templates", "study.html"), "<", "<!-- own -->\n<")
    rendered, pages, _ = run.rebuild(template)
    st.check("template added: every page rendered", rendered == pages and pages,
             (rendered, pages))
    same_site("template", snapshot(out), fresh_build(content, "f9"))

    # 9. After all that, one more record edit is incremental again.
    rendered, _, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "carnes-2017.md"), "", "Another line.\n\n"))
    st.check("incremental again", rendered is not None and rendered < total / 3, rendered)
    same_site("last edit", snapshot(out), fresh_build(content, "f10"))

    # 10. Lists of two studies a page: a code's first page tallies the
    # directions of studies it does not list; one of theirs changes.
    run.rebuild(lambda: rewrite(os.path.join(content, "site.yaml"), "facets:",
                                "page_size: 2\nfacets:"))
    rendered, _, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "dayson-2014.yaml"), "direction: improved", "direction: worse"))
    st.check("unlisted finding edit: incremental", rendered is not None and rendered < total / 3,
             rendered)
    same_site("unlisted finding edit", snapshot(out), fresh_build(content, "f11"))
    # A year: the study moves within each of its lists; only the pages
    # whose places hold other studies than before are rendered again.
    rendered, _, _ = run.rebuild(lambda: rewrite(
        os.path.join(studies, "dayson-2014.yaml"), "year: 2014", "year: 2019"))
    st.check("year edit, pages of two: incremental", rendered is not None and rendered < total,
             rendered)
    same_site("year edit, pages of two", snapshot(out), fresh_build(content, "f12"))
    def remove_gibson():
        os.remove(os.path.join(studies, "gibson-2021.yaml"))
        if os.path.exists(os.path.join(studies, "gibson-2021.md")):
            os.remove(os.path.join(studies, "gibson-2021.md"))
    run.rebuild(remove_gibson)
    same_site("record removed, pages of two", snapshot(out), fresh_build(content, "f13"))

    st.check("serve stops cleanly", srv.stop() == 0, srv.output()[-2000:])


if __name__ == "__main__":
    main()
    print("%d passed, %d failed" % (st.PASSED, st.FAILED))
    sys.exit(1 if st.FAILED else 0)
