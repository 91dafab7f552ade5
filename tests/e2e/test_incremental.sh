#!/bin/sh
# Incremental rebuilds under gapmap serve (tests/e2e/incremental_test.py):
# one edit renders only what read it, the rest keeps inode and mtime, the
# site equals a fresh full build; site.yaml, templates, errors: everything.
. "$(dirname "$0")/lib.sh"
export GAPMAP ROOT TMP
timeout 600 python3 "$ROOT/tests/e2e/incremental_test.py"
