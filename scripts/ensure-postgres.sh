#!/bin/sh
# Make sure the PostgreSQL server binaries are on this machine, for the store's
# tests (tests/pgserver.py starts a private server on 127.0.0.1 and removes it
# afterwards). Installs Debian's `postgresql` package with apt when missing.
set -e
. "$(dirname "$0")/as-root.sh"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi
echo "PostgreSQL server not found: installing Debian's postgresql package for the tests..." >&2
apt_install PostgreSQL postgresql || {
    echo "Or point BARRAISER_TEST_DATABASE_URL at a server (see README)." >&2; exit 1; }
