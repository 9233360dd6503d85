"""A private PostgreSQL server for the store's tests, on 127.0.0.1 only.

`make test` installs Debian's postgresql package when it is missing
(scripts/ensure-postgres.sh); this module creates a throwaway cluster in a
temporary folder, starts it on a free loopback port, and stops it afterwards.
Set BARRAISER_TEST_DATABASE_URL to use a server of your own instead.
As root, the server runs as the `postgres` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

INSTALL_HINT = ("PostgreSQL's server binaries were not found. `make test` installs them "
                "(scripts/ensure-postgres.sh); or set BARRAISER_TEST_DATABASE_URL to a server's URL, "
                "or BARRAISER_SKIP_POSTGRES=1 to skip the PostgreSQL half of the store tests.")


def find_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, bindir: Path, base: Path):
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stdout}\n{proc.stderr}")

    def start(self) -> str:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "barraiser", "-A", "trust", "-E", "UTF8", "--no-sync")
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.base} -F"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.base / "server.log"), "-w",
                  "-t", "60", "start")
        return f"postgresql+psycopg://barraiser@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except RuntimeError:
            pass


def fresh_database(url: str, name: str) -> str:
    """Create an empty database `name` on the server at `url` and return its URL."""
    import sqlalchemy as sa

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False))


def wait_for(url: str, seconds: float = 30) -> None:
    import sqlalchemy as sa

    end = time.monotonic() + seconds
    while True:
        try:
            e = sa.create_engine(url)
            with e.connect():
                pass
            e.dispose()
            return
        except Exception:
            if time.monotonic() > end:
                raise
            time.sleep(0.3)
