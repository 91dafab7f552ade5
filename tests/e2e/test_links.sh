#!/bin/sh
# End to end: gapmap writes through no link and reads no link or FIFO of a
# theme. `gapmap new --force` over a linked note, `gapmap new` into a linked
# studies/ folder and `gapmap prisma` through a link planted at its
# temporary or final name must leave the links' targets alone; a theme
# font linked to /dev/stdin must not hang the build. (Reading links and
# FIFOs in the content folder: tests/bad/link/ and tests/bad/file/.)
. "$(dirname "$0")/lib.sh"
cp -R "$ROOT/tests/bad/base" "$TMP/c"
C=$TMP/c
printf 'precious\n' >"$TMP/target"

# new --force over a linked note replaces the link, not its target.
ln -s "$TMP/target" "$C/studies/x.md"
"$GAPMAP" new study x -C "$C" --force --quiet
check_eq "new --force over a linked note succeeds" "$?" 0
check_eq "the link's target is untouched" "$(cat "$TMP/target")" "precious"
check "the note is now a regular file" test -f "$C/studies/x.md" -a ! -L "$C/studies/x.md"
check_grep "the note holds the scaffold" "$C/studies/x.md" "What the study found"

# new without --force refuses an existing link, even a dangling one.
ln -s "$TMP/nowhere" "$C/studies/y.md"
"$GAPMAP" new study y -C "$C" --quiet 2>"$TMP/y.err"
check_eq "new refuses a dangling link" "$?" 1
check "nothing created at the link's target" test ! -e "$TMP/nowhere"

# new into a linked studies/ folder writes nothing there.
mkdir "$TMP/elsewhere"
cp -R "$ROOT/tests/bad/base" "$TMP/c2"
rm -rf "$TMP/c2/studies"
ln -s "$TMP/elsewhere" "$TMP/c2/studies"
"$GAPMAP" new study z -C "$TMP/c2" --quiet 2>"$TMP/z.err"
check_eq "new into a linked studies/ fails" "$?" 1
check_grep "and says why" "$TMP/z.err" "studies/z.yaml: its folder is a symbolic link, and gapmap writes through no links"
check_eq "the linked folder stays empty" "$(ls "$TMP/elsewhere")" ""

# gapmap prisma's default output through a link planted at the old
# temporary name, and at the output name itself.
cp -R "$ROOT/tests/e2e/sites/basic" "$TMP/p"
mkdir "$TMP/run"
ln -s "$TMP/target" "$TMP/run/prisma.png.tmp-gapmap"
ln -s "$TMP/target" "$TMP/run/prisma.png"
(cd "$TMP/run" && "$GAPMAP" prisma -C "$TMP/p" --quiet)
check_eq "prisma writes its default output" "$?" 0
check_eq "the planted links' target is untouched" "$(head -c 20 "$TMP/target" | tr -cd "[:print:]")" "precious"
check "prisma.png is now a regular PNG" pngcheck -q "$TMP/run/prisma.png"
check "no temporary file left" test -z "$(ls -A "$TMP/run" | grep -v '^prisma.png')"

# A theme font linked to /dev/stdin (which hung the build) is refused.
mkdir -p "$TMP/p/themes/mine"
cp -R "$ROOT/themes/default/css" "$ROOT/themes/default/js" "$ROOT/themes/default/fonts" \
	"$TMP/p/themes/mine/"
rm "$TMP/p/themes/mine/fonts/DejaVuSans.ttf"
ln -s /dev/stdin "$TMP/p/themes/mine/fonts/DejaVuSans.ttf"
printf 'theme: mine\n' >>"$TMP/p/site.yaml"
mkfifo "$TMP/fifo"
# stdin is a FIFO nobody writes to: reading the font through it would wait.
timeout 60 "$GAPMAP" build -C "$TMP/p" -o "$TMP/site" --quiet <"$TMP/fifo" 2>"$TMP/font.err" &
pid=$!
exec 3>"$TMP/fifo" # open the write end so the shell's redirection above returns
wait $pid
rc=$?
exec 3>&-
check_eq "a font linked to /dev/stdin fails the build, without hanging" "$rc" 1
check_grep "naming the font and the link" "$TMP/font.err" "themes/mine/fonts/DejaVuSans.ttf: it is a symbolic link, and gapmap follows no links"

# The theme's fonts are build inputs: the diagrams use them, no page does,
# so they are not published.
"$GAPMAP" build -C "$ROOT/tests/e2e/sites/basic" -o "$TMP/site2" --quiet
check_eq "basic site builds" "$?" 0
check "PRISMA drawn with the theme's fonts" pngcheck -q "$TMP/site2/prisma/uk-review.png"
check "no fonts published under assets/" test ! -e "$TMP/site2/assets/fonts"
finish
