#!/bin/sh
# Make sure the PostgreSQL server binaries are on this machine, for the store's
# tests (tests/postgres.py starts a private server on 127.0.0.1 and removes it
# afterwards). Installs Debian's `postgresql` package with apt when missing.
set -e
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi
echo "PostgreSQL server not found: installing Debian's postgresql package for the tests..." >&2
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Cannot install PostgreSQL: run as root or with sudo, or 'apt-get install postgresql' yourself," >&2
    echo "or point BARRAISER_TEST_DATABASE_URL at a server (see README)." >&2
    exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
