#!/usr/bin/env bash
# Rebuilds assets/vendor/regenerator-runtime-<version>.min.js: the regenerator runtime that
# dash-renderer and dcc call as the global `regeneratorRuntime`, served in place of Dash's
# @babel/polyfill (components/bundles.py), the versions pinned by regenerator-build/package-lock.json.
# Needs node and npm; node_modules stays in a temporary folder: nothing of it is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/regenerator-build/package.json" "$here/regenerator-build/package-lock.json" \
   "$here/regenerator-build/entry.js" "$here/regenerator-build/build.mjs" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version="$(node -p "require('regenerator-runtime/package.json').version")"
rm -f "$here"/regenerator-runtime-*.min.js
node build.mjs "$here/regenerator-runtime-$version.min.js"
cp node_modules/regenerator-runtime/LICENSE "$here/regenerator-runtime-LICENSE.txt"
