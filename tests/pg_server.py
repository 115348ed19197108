"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, loopback port, then gone.

Needs Debian's ``postgresql`` package (binaries under /usr/lib/postgresql/*/bin). PostgreSQL
refuses to run as root, so under root the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

INSTALL_HINT = (
    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; the store tests "
    "start a real server: install it with `apt-get install -y postgresql` (Debian/Ubuntu)"
)
# trust auth on loopback only; test-only settings: durability is not under test, speed is
_INITDB = ("-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
_FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


def find_bin_dir() -> Path:
    """Return the newest PostgreSQL bin dir, or raise with the install hint."""
    found = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise RuntimeError(INSTALL_HINT)
    return found[-1]


@dataclass
class PgServer:
    """A running server; ``new_database()`` gives each test its own empty database."""

    bin_dir: Path
    root: Path
    port: int
    as_user: list[str]
    started_in: float = 0.0
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """Create an empty database sorting text as en-US (not byte order) and return its URL."""
        name = f"t{next(self._names)}"
        # a linguistic default collation proves the store sorts byte-wise on its own
        linguistic = "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C' STRATEGY file_copy"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            extra = linguistic if conn.info.server_version >= 150000 else ""
            conn.execute(f"CREATE DATABASE {name} {extra} TEMPLATE template0")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        pg_ctl = [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data")]
        subprocess.run([*self.as_user, *pg_ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start_pg_server() -> PgServer:
    """Initialise and start a server on a free loopback port (about 1-2 s)."""
    started = time.monotonic()
    bin_dir = find_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="eventscribe-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses root: run it as the postgres system user
        shutil.chown(root, user="postgres", group="postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PgServer(bin_dir=bin_dir, root=root, port=_free_port(), as_user=as_user)
    data, log = str(root / "data"), str(root / "log")
    options = " ".join(["-c listen_addresses=127.0.0.1", f"-p {server.port}", f"-k {root}", *_FAST])
    try:
        _run([*as_user, str(bin_dir / "initdb"), "-D", data, *_INITDB], root=root)
        start = ["-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"]
        _run([*as_user, str(bin_dir / "pg_ctl"), *start], root=root)
    except BaseException:
        server.stop()
        raise
    server.started_in = time.monotonic() - started
    return server


def _run(command: list[str], *, root: Path) -> None:
    # cwd=root: the postgres user may not be allowed into the caller's working directory
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=root)
    if done.returncode != 0:
        log = root / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"starting PostgreSQL failed: {done.stdout}{done.stderr}{tail}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
