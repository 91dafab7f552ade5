"""gapmap serve: time from saving one record to the rebuilt site being
served (the status generation going up), median of 5 edits, on a synthetic
content folder. Loopback only; the server is stopped by its own pid.
Usage: serve-bench.py GAPMAP CONTENT_DIR OUT_DIR"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

gapmap, content, out = sys.argv[1:4]
proc = subprocess.Popen([gapmap, "serve", "-C", content, "-o", out, "--port", "0", "--quiet"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
port = None
lines = []


def read():
    for line in proc.stdout:
        lines.append(line)


threading.Thread(target=read, daemon=True).start()
end = time.monotonic() + 600
while port is None and time.monotonic() < end:
    for line in lines:
        m = re.search(r"127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
    time.sleep(0.05)


def generation():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/__gapmap/status")
    g = json.loads(c.getresponse().read())["generation"]
    c.close()
    return g


try:
    if port is None:
        print("serve bench: the server did not start")
        sys.exit(1)
    rec = sorted(f for f in os.listdir(os.path.join(content, "studies")) if f.endswith(".yaml"))[0]
    path = os.path.join(content, "studies", rec)
    times = []
    for i in range(5):
        g = generation()
        with open(path, "a") as f:
            f.write("# bench edit %d\n" % i)
        t0 = time.monotonic()
        while generation() == g and time.monotonic() - t0 < 300:
            time.sleep(0.005)
        times.append(time.monotonic() - t0)
        time.sleep(0.3)
    times.sort()
    print("serve: one-record edit among %d records, save to served: %.0f ms median (min %.0f, max %.0f; "
          "includes the 120 ms quiet wait that batches a burst)"
          % (sum(f.endswith(".yaml") for f in os.listdir(os.path.join(content, "studies"))),
             times[2] * 1000,
             times[0] * 1000, times[-1] * 1000))
finally:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
