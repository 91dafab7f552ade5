"""One-record edits under `gapmap serve` on a big corpus: how long from the
save to the rebuilt files. Starts the release build's serve on
tests/out/bench/corpus-N/gapmap (tests/bench/corpus.py makes it), then
GAPMAP_BENCH_RUNS (default 9) times changes one record's title and times
  - save -> all files: from the write to the moment serve reports the
    rebuild finished, i.e. every rebuilt file (the record's page, its code
    and cell pages, the map, the data files, the feed) is in the served
    folder (serve prints its line after the last file is renamed into
    place); includes serve's quiet period that gathers a burst of saves
    into one rebuild;
  - save -> page: the moment the record's page in the served folder holds
    the new title;
  - rebuild: what serve reports for the rebuild itself (scan, load what
    changed, render what changed, write the files that changed);
then once changes site.yaml, which renders every page, for comparison.
Numbers to watch, never pass/fail. Usage: incremental.py CORPUS_DIR OUT_DIR"""
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    runs = int(os.environ.get("GAPMAP_BENCH_RUNS", "9"))
    env = dict(os.environ, GAPMAP_HOME=ROOT)
    proc = subprocess.Popen([os.path.join(ROOT, "build/gapmap"), "serve", "-C", corpus, "-o", out,
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    lines, arrived = [], []
    cond = threading.Condition()

    def reader():
        for ln in proc.stdout:
            t = time.monotonic()
            with cond:
                lines.append(ln.rstrip("\n"))
                arrived.append(t)
                cond.notify_all()
    threading.Thread(target=reader, daemon=True).start()

    def wait_line(pattern, start, timeout=600):
        end = time.monotonic() + timeout
        with cond:
            while True:
                for k in range(start, len(lines)):
                    if re.search(pattern, lines[k]):
                        return lines[k], arrived[k]
                left = end - time.monotonic()
                if left <= 0 or proc.poll() is not None:
                    return None, None
                cond.wait(left)
    first, _ = wait_line(r"^gapmap: built", 0)
    if not wait_line(r"serving", 0)[0]:
        print("serve did not start:\n" + "\n".join(lines[-20:]))
        proc.kill()
        return 1
    print("first (full) build: " + first.split(": ", 1)[1])
    studies = os.path.join(corpus, "studies")
    ids = sorted(f[:-5] for f in os.listdir(studies) if f.endswith(".yaml"))
    save_to_page, save_to_all, rebuild, rendered = [], [], [], []
    for i in range(runs):
        rid = ids[(i * 7919) % len(ids)]
        path = os.path.join(studies, rid + ".yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        marker = "Edited%d " % i
        new = re.sub(r'^title: "?', lambda m: m.group(0) + marker, text, count=1, flags=re.M)
        page = os.path.join(out, "studies", rid, "index.html")
        with cond:
            start = len(lines)
        time.sleep(0.3)
        t0 = time.monotonic()
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        seen = None
        while time.monotonic() - t0 < 120:
            try:
                with open(page, encoding="utf-8") as f:
                    if marker in f.read():
                        seen = time.monotonic() - t0
                        break
            except OSError:
                pass
            time.sleep(0.002)
        ln, t_done = wait_line(r"^gapmap: rebuilt|still serving", start)
        m = re.search(r"in ([0-9.]+) s \(rendered (\d+) of (\d+) pages", ln or "")
        if seen is None or not m:
            print("run %d: no rebuilt page (%s)" % (i, ln))
            continue
        save_to_page.append(seen * 1000)
        save_to_all.append((t_done - t0) * 1000)
        rebuild.append(float(m.group(1)) * 1000)
        rendered.append("%s of %s" % (m.group(2), m.group(3)))
        print("run %d: %s: save -> all files %.0f ms, save -> page %.0f ms, rebuild %.0f ms, "
              "rendered %s pages" % (i, rid, save_to_all[-1], seen * 1000,
                                     float(m.group(1)) * 1000, rendered[-1]))
    # For comparison: a change to site.yaml renders every page again.
    with cond:
        start = len(lines)
    site_yaml = os.path.join(corpus, "site.yaml")
    with open(site_yaml, "a", encoding="utf-8") as f:
        f.write("# touched by the benchmark\n")
    ln, _ = wait_line(r"^gapmap: rebuilt|still serving", start)
    m = re.search(r"in ([0-9.]+) s \(rendered (\d+) of (\d+) pages", ln or "")
    if m:
        print("site.yaml changed (full rebuild under serve): rebuild %.0f ms, rendered %s of %s "
              "pages" % (float(m.group(1)) * 1000, m.group(2), m.group(3)))
    proc.send_signal(signal.SIGINT)
    proc.wait(60)
    if save_to_page:
        print("median of %d one-record edits: save -> all rebuilt files %.0f ms (target "
              "100 ms), save -> page %.0f ms, rebuild %.0f ms; load average %s" %
              (len(save_to_page), statistics.median(save_to_all), statistics.median(save_to_page),
               statistics.median(rebuild), " ".join("%.2f" % x for x in os.getloadavg())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
