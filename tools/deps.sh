#!/bin/sh
# Installs the Debian packages gapmap needs when they are missing.
# "build": what compiling the generator and the site needs.
# "bench": that, plus Hugo (the benchmark's comparison).
# "test":  that, plus what the test suite needs (sanitizer runtime, chromium,
#          pngcheck, xmllint, node packages for browser and HTML checks).
# As root it installs them; otherwise it prints the apt-get line and stops.
set -e
kind=${1:-build}
need="gcc make pkg-config libcmark-dev libyaml-dev liblua5.4-dev libpng-dev libfreetype-dev libmicrohttpd-dev libxxhash-dev"
if [ "$kind" = bench ]; then
	# The benchmark builds the same corpus with Hugo for comparison.
	need="$need hugo python3"
fi
if [ "$kind" = test ]; then
	need="$need clang libclang-rt-14-dev pngcheck libxml2-utils valgrind chromium python3"
	# Node may come from Debian (nodejs + npm) or from NodeSource (nodejs alone,
	# whose package conflicts with Debian's npm): ask for it only when absent.
	command -v node >/dev/null 2>&1 || need="$need nodejs"
	command -v npm >/dev/null 2>&1 || need="$need npm"
fi
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "gapmap: installing missing Debian packages:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	else
		echo "gapmap: missing Debian packages. Run:"
		echo "  sudo apt-get install -y$missing"
		exit 1
	fi
fi
if [ "$kind" = test ] && { [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/eslint ]; }; then
	echo "gapmap: installing test packages from npm (tests/browser/package.json)"
	(cd tests/browser && npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
fi
exit 0
