#!/usr/bin/env python3
"""Checks a built site: every local href/src resolves to a file inside the
site, no link is root-relative or points at the machine that built it, and
every HTML page has a Content-Security-Policy. Prints problems; exit 1 if any."""
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.csp = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("href", "src"):
            if k in a and a[k] is not None:
                self.links.append((tag, a[k]))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = True


def main(site):
    site = os.path.abspath(site)
    problems = []
    pages = 0
    for dirpath, _, files in os.walk(site):
        for f in files:
            if not f.endswith(".html"):
                continue
            pages += 1
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, site)
            p = Links()
            with open(path, encoding="utf-8") as fh:
                p.feed(fh.read())
            if not p.csp:
                problems.append(f"{rel}: no Content-Security-Policy")
            for tag, url in p.links:
                u = urlsplit(url)
                if u.scheme in ("http", "https", "mailto"):
                    if u.hostname in ("localhost", "127.0.0.1"):
                        problems.append(f"{rel}: link to the build machine: {url}")
                    if tag in ("script", "link", "img") and u.scheme != "mailto" and \
                            not (tag == "link" and "alternate" in url):
                        problems.append(f"{rel}: loads a remote resource: {url}")
                    continue
                if u.scheme:
                    problems.append(f"{rel}: unexpected scheme: {url}")
                    continue
                if url.startswith("/"):
                    problems.append(f"{rel}: root-relative link breaks sub-path hosting: {url}")
                    continue
                if not u.path:
                    continue
                target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(u.path)))
                if not target.startswith(site):
                    problems.append(f"{rel}: link leaves the site: {url}")
                elif os.path.isdir(target):
                    problems.append(f"{rel}: folder link (shows a listing on file://): {url}")
                elif not os.path.exists(target):
                    problems.append(f"{rel}: broken link: {url}")
    for p in problems:
        print(p)
    print(f"{pages} pages checked, {len(problems)} problems")
    return 1 if problems or pages == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
