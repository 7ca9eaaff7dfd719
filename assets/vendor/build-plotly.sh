#!/usr/bin/env bash
# Rebuilds assets/vendor/plotly-pib-<version>.min.js (+ .br, .gz): plotly.js with the scatter, bar
# and heatmap traces only, the versions pinned by plotly-build/package-lock.json. Needs node and
# npm (plotly.js 4 asks for node 22; node 20 builds it too). node_modules stays in a temporary
# folder: nothing of it is committed. The version must be the one plotly.py bundles
# (tests/unit/test_exports_and_format.py compares them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/plotly-build/package.json" "$here/plotly-build/package-lock.json" "$here/plotly-build/entry.js" \
   "$here/plotly-build/build.mjs" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version="$(node -p "require('plotly.js/package.json').version")"
rm -f "$here"/plotly-pib-*.min.js "$here"/plotly-pib-*.min.js.br "$here"/plotly-pib-*.min.js.gz
node build.mjs "$here/plotly-pib-$version.min.js"
