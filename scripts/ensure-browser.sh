#!/bin/sh
# What the browser tests need: Debian's chromium (driven by Playwright's Python package,
# never a browser download) and axe-core from the npm registry (tests/e2e/package.json).
set -e
cd "$(dirname "$0")/.."
. scripts/as-root.sh
if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    apt_install chromium chromium || {
        echo "Or set BARRAISER_SKIP_BROWSER=1 to skip the browser tests." >&2; exit 1; }
fi
if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm is needed to install axe-core for the accessibility check (apt-get install npm)." >&2
        exit 1
    fi
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
fi
