#!/usr/bin/env bash
# Fetch igv.js (the npm package `igv`) for `plantreg serve`'s genome browser, check it against the
# pinned npm integrity hash, and put its browser bundle beside the page. Not committed: the
# repository holds no third-party bundle. Idempotent; used by setup.sh and the container recipes.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.8.10
INTEGRITY=sha512-foqT9SJHoKvVXl7euYUsOy7XMs1nTrPeJMQbGRp7qWU7a6HzF345FER/nHUTdsL5cumaoAe19gDmJYsEHO08rw==
DEST=src/plantreg/serve/static/vendor
if [ -s "$DEST/igv.min.js" ] && grep -qs "^$VERSION$" "$DEST/VERSION"; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v npm >/dev/null 2>&1; then
  (cd "$tmp" && npm pack "igv@$VERSION" --silent >/dev/null)
else
  # no Node.js (a slim image): the same tarball straight from the registry
  python3 -c "import sys, urllib.request; urllib.request.urlretrieve(*sys.argv[1:])" \
    "https://registry.npmjs.org/igv/-/igv-$VERSION.tgz" "$tmp/igv-$VERSION.tgz"
fi
got=$(python3 -c "import base64, hashlib, sys; \
print('sha512-' + base64.b64encode(hashlib.sha512(open(sys.argv[1], 'rb').read()).digest()).decode())" \
  "$tmp/igv-$VERSION.tgz")
if [ "$got" != "$INTEGRITY" ]; then
  echo "fetch_igv.sh: igv-$VERSION.tgz does not match its pinned integrity hash" >&2
  exit 1
fi
tar -xzf "$tmp/igv-$VERSION.tgz" -C "$tmp" package/dist/igv.min.js package/LICENSE
mkdir -p "$DEST"
cp "$tmp/package/dist/igv.min.js" "$DEST/igv.min.js"
cp "$tmp/package/LICENSE" "$DEST/LICENSE.igv"
echo "$VERSION" > "$DEST/VERSION"
