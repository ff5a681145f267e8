#!/usr/bin/env bash
# Browser tests of the explorers (CTest: Explorers.Browser). Installs the pinned playwright-core
# into the build tree when missing, then drives Debian's Chromium (scripts/install-deps installs
# it) against a real `mlux serve` on the demo model. Usage: run.sh MLUX_BINARY WORK_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$1"
mkdir -p "$2"
work="$(cd "$2" && pwd)"
chromium="${MLUX_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "e2e: $chromium not found; run scripts/install-deps (it installs Debian's chromium). Skipping."
  exit 77
fi
version="$(cat "$here/playwright-version")"
mkdir -p "$work"
if [ "$(node -p "try{require('$work/node_modules/playwright-core/package.json').version}catch(e){''}" 2>/dev/null)" != "$version" ]; then
  echo "e2e: installing playwright-core@$version into $work"
  npm install --prefix "$work" --no-audit --no-fund --silent --no-save "playwright-core@$version"
fi
exec node "$here/explorers.mjs" "$binary" "$work" "$chromium" "$here/../../models/demo"
