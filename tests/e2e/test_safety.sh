#!/bin/sh
# Authors are safe from hostile themes, and nothing is lost: a theme's
# template that tries to escape its sandbox fails the build with the
# template's path and line and the previous site stays exactly as it was; a
# theme cannot make gapmap read outside its folder through symbolic links;
# a build killed with SIGKILL mid-way, or one that runs out of disk, leaves
# the previous site intact, and the next build clears what was left over.
. "$(dirname "$0")/lib.sh"
BASE=$ROOT/tests/bad/base
C=$TMP/c
OUT=$TMP/site
cp -R "$BASE" "$C"

"$GAPMAP" build -C "$C" -o "$OUT" --quiet
check_eq "first build" "$?" 0
cp -R "$OUT" "$TMP/before"

# -- a hostile theme: each attempt fails, names the template and line, keeps the old site
mkdir -p "$C/themes/evil/templates" "$C/themes/evil/css"
sed -i 's/^licence:/theme: evil\nlicence:/' "$C/site.yaml"
attempt() { # name, template body, expected message
	printf '<article>\n%s\n</article>\n' "$2" >"$C/themes/evil/templates/page.html"
	rm -f "$TMP/pwned"
	timeout 60 "$GAPMAP" build -C "$C" -o "$OUT" >"$TMP/a.out" 2>"$TMP/a.err"
	check_eq "theme $1: build fails" "$?" 1
	# The memory limit can strike inside the allocator, where Lua knows no
	# line: the template's name is required, its line where Lua has one.
	check "theme $1: error names the template (and line) and the cause" \
		grep -qE "^$C/themes/evil/templates/page.html(:2)?: error: $(printf '%s' "$3" | sed 's/[][()|.*+?^$\\]/\\&/g')" "$TMP/a.err"
	check "theme $1: previous site exactly as it was" diff -r "$TMP/before" "$OUT"
	check "theme $1: nothing happened outside" test ! -e "$TMP/pwned"
}
attempt io.open '<%= io.open("/etc/passwd"):read("a") %>' "attempt to index a nil value (global 'io')"
attempt os.execute "<% os.execute('touch $TMP/pwned') %>" "attempt to index a nil value (global 'os')"
attempt require '<% require("os").execute("x") %>' "attempt to call a nil value (global 'require')"
attempt load "<% load('os.execute(\"touch $TMP/pwned\")')() %>" "attempt to call a nil value (global 'load')"
attempt string.dump '<% string.dump(print) %>' "attempt to call a nil value (field 'dump')"
attempt debug '<% debug.sethook() %>' "attempt to index a nil value (global 'debug')"
attempt getmetatable '<% getmetatable("").__index.upper = nil %>' "attempt to call a nil value (global 'getmetatable')"
attempt 'string metatable via method' '<% ("").rep.x = 1 %>' "attempt to index a function value"
attempt collectgarbage '<% collectgarbage("stop") %>' "attempt to call a nil value (global 'collectgarbage')"
attempt dofile '<% dofile("/etc/passwd") %>' "attempt to call a nil value (global 'dofile')"
attempt loop '<% while true do end %>' "template instruction limit exceeded"
attempt 'pcall around a loop' '<% while true do pcall(function() while true do end end) end %>' "template instruction limit exceeded"
attempt string.rep '<% local s = string.rep("x", 1 << 31) %>' "template memory limit exceeded"
attempt 'table bomb' '<% local t = {} for i = 1, 1e9 do t[i] = i end %>' "template memory limit exceeded"
mkdir -p "$C/themes/evil/templates/partials"
printf '<%%- partial("partials/loop") %%>\n' >"$C/themes/evil/templates/partials/loop.html"
printf '<article>\n<%%- partial("partials/loop") %%>\n</article>\n' >"$C/themes/evil/templates/page.html"
"$GAPMAP" build -C "$C" -o "$OUT" >/dev/null 2>"$TMP/p.err"
check_eq "recursive partial: build fails" "$?" 1
check_grep "recursive partial: names the partial" "$TMP/p.err" "themes/evil/templates/partials/loop.html:1: error: partials nested more than 32 deep"
check "recursive partial: previous site exactly as it was" diff -r "$TMP/before" "$OUT"
rm -r "$C/themes/evil/templates"

# -- a theme's symbolic links are never followed out of it
mkdir -p "$TMP/secret"
echo "SECRET-KEY" >"$TMP/secret/id_rsa"
echo "body{}" >"$C/themes/evil/css/site.css"
ln -s "$TMP/secret/id_rsa" "$C/themes/evil/css/stolen.css"
ln -s "$TMP/secret" "$C/themes/evil/css/dir"
ln -s "$TMP/secret" "$C/themes/evil/js"
mkfifo "$C/themes/evil/css/fifo.css"
# A linked part of the theme (here js/) is an error naming it.
timeout 60 "$GAPMAP" build -C "$C" -o "$OUT" >/dev/null 2>"$TMP/l.err"
check_eq "theme with a linked js/ fails" "$?" 1
check_grep "linked top folder named" "$TMP/l.err" "themes/evil/js: error: is a symbolic link"
check "the secret is nowhere in the site" sh -c "! grep -rq SECRET-KEY '$OUT'"
rm "$C/themes/evil/js"
# Links and FIFOs among the assets are skipped with a warning.
timeout 60 "$GAPMAP" build -C "$C" -o "$OUT" >/dev/null 2>"$TMP/l.err"
check_eq "theme with linked assets builds (links skipped)" "$?" 0
check "theme file copied" test -f "$OUT/assets/css/site.css"
check "linked file not copied" test ! -e "$OUT/assets/css/stolen.css"
check "linked folder not copied" test ! -e "$OUT/assets/css/dir"
check "a FIFO neither blocks nor is copied" test ! -e "$OUT/assets/css/fifo.css"
check "the secret is nowhere in the site" sh -c "! grep -rq SECRET-KEY '$OUT'"
check_grep "link reported as a warning" "$TMP/l.err" "themes/evil/css/stolen.css is a symbolic link; not copied"
sed -i '/^theme: evil$/d' "$C/site.yaml"

# -- killed mid-build: the old site stays, the next build sweeps the leftovers
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
rm -rf "$TMP/before" && cp -R "$OUT" "$TMP/before"
python3 - "$C/studies" <<'EOF'
import sys
# A synthetic site large enough that the build takes a while.
for i in range(3000):
    with open(f"{sys.argv[1]}/bulk-{i:05d}.yaml", "w") as f:
        f.write(f"title: Bulk study {i}\nyear: {1990 + i % 35}\nadded: 2024-01-01\n"
                f"outcome: [pain, appointments]\nsetting: {'community' if i % 2 else 'general-practice'}\n"
                f"summary: {'words ' * 50}\n")
EOF
"$GAPMAP" build -C "$C" -o "$OUT" >/dev/null 2>&1 &
pid=$!
# Wait until it is writing (its temporary folder exists), then kill it.
i=0
while [ $i -lt 600 ] && ! ls -a "$TMP" | grep -q "^\.site\.tmp-$pid\$"; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "killed build left a temporary folder to clean" sh -c "ls -a '$TMP' | grep -q '^\.site\.tmp-'"
check "killed build: previous site exactly as it was" diff -r "$TMP/before" "$OUT"
"$GAPMAP" build -C "$C" -o "$OUT" --quiet
check_eq "next build succeeds" "$?" 0
check "next build removed the leftover" sh -c "! ls -a '$TMP' | grep -q '^\.site\.tmp-$pid\$'"
check "next build has the new studies" test -f "$OUT/studies/bulk-02999/index.html"

# -- a full disk: the write fails, the old site stays, one clear error
rm -rf "$TMP/before" && cp -R "$OUT" "$TMP/before"
echo "sample: now changed" >>"$C/studies/smith-2020.yaml"
# RLIMIT_FSIZE stands in for a full disk (no mount needed): a write past
# it fails with EFBIG once SIGXFSZ is ignored, as gapmap does.
(ulimit -f 64 && exec "$GAPMAP" build -C "$C" -o "$OUT") >/dev/null 2>"$TMP/full.err"
check_eq "full disk: build fails with status 1" "$?" 1
check "full disk: previous site exactly as it was" diff -r "$TMP/before" "$OUT"
check_grep "full disk: clear error" "$TMP/full.err" "(the disk or your quota is full; free some space and build again)"
check_eq "full disk: one error, not one per file" "$(grep -c 'error:' "$TMP/full.err")" 1
check "full disk: no temporary folder left" sh -c "! ls -a '$TMP' | grep -q '^\.site\.tmp-'"
# A real small file system too, when this machine lets us mount one.
mkdir -p "$TMP/small"
if mount -t tmpfs -o size=2m tmpfs "$TMP/small" 2>/dev/null; then
	"$GAPMAP" build -C "$BASE" -o "$TMP/small/site" --quiet
	cp -R "$TMP/small/site" "$TMP/small-before" 2>/dev/null
	"$GAPMAP" build -C "$C" -o "$TMP/small/site" >/dev/null 2>"$TMP/tmpfs.err"
	check_eq "tmpfs full: build fails" "$?" 1
	check_grep "tmpfs full: says the disk is full" "$TMP/tmpfs.err" "No space left on device"
	check "tmpfs full: previous site exactly as it was" diff -r "$TMP/small-before" "$TMP/small/site"
	umount "$TMP/small"
fi
finish
