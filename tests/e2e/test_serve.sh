#!/bin/sh
# gapmap serve end to end (tests/e2e/serve_test.py): the real server and
# watcher on loopback — edits, a broken edit and its fix, traversal, types,
# HEAD, 304, 200 concurrent connections, clean shutdown. Bounded in time.
. "$(dirname "$0")/lib.sh"
export GAPMAP ROOT TMP
timeout 600 python3 "$ROOT/tests/e2e/serve_test.py"
