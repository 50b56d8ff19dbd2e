"""A throw-away PostgreSQL cluster on 127.0.0.1 for the tests and the benchmarks.

Plain Python (no pytest): `tests/conftest.py` wraps it in fixtures, benchmarks use it directly.

    cluster = PgCluster.start()
    url = cluster.create_database()  # postgresql://postgres@127.0.0.1:PORT/t_…
    ...
    cluster.stop()

The superuser `postgres` signs in without a password over 127.0.0.1; every other role must give
its password (scram-sha-256), so permission tests sign in as real login roles.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "postgres"
MAX_CONNECTIONS = 200  # the concurrency test runs 40 writer processes, each with a few connections
START_ATTEMPTS = 3  # a free port can be taken by someone else between our probe and the bind
SHM_FREE_NEEDED = 1 << 30  # Docker's default 64 MB /dev/shm would fill up: use /tmp there

MISSING_BINARIES = (
    "PostgreSQL's server programs (initdb, pg_ctl) were not found: neither `pg_config --bindir` "
    "nor /usr/lib/postgresql/*/bin holds them. `.ci/run` installs Debian's `postgresql` package "
    "when it is missing; to install it by hand: "
    "`sudo apt-get install --no-install-recommends postgresql` "
    "(or put the bin folder of a PostgreSQL 15 or newer server on PATH)."
)

_PG_HBA = """\
# Written by tests/pgserver.py: only 127.0.0.1; the superuser is trusted, every other role
# signs in with its password.
local all {superuser} trust
host all {superuser} 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: `pg_config --bindir` when it has them (Debian's
    pg_config can come from libpq-dev alone), else the newest /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    versioned: list[tuple[tuple[int, int], Path]] = []
    for found in glob.glob("/usr/lib/postgresql/*/bin"):
        match = re.fullmatch(r"/usr/lib/postgresql/(\d+)(?:\.(\d+))?/bin", found)
        if match:
            versioned.append(((int(match[1]), int(match[2] or 0)), Path(found)))
    candidates += [folder for _, folder in sorted(versioned, reverse=True)]
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise RuntimeError(MISSING_BINARIES)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _locale() -> str:
    """C.UTF-8 when the C library has it (lower()/upper() then know non-ASCII letters), else C."""
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    return "C.UTF-8" if {"C.UTF-8", "C.utf8"} & set(listed) else "C"


class PgCluster:
    """One PostgreSQL cluster in its own temporary folder, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path, base: Path, port: int) -> None:
        self.bindir = bindir
        self.base = base  # owned by the server's user; holds data/, the socket and the log
        self.data = base / "data"
        self.log = base / "server.log"
        self._port = port
        self._owner_pid = os.getpid()
        self._running = False

    # -- start and stop -------------------------------------------------------------------------

    @classmethod
    def start(cls, port: int | None = None) -> PgCluster:
        """initdb a new cluster and start it; `port` is for manual runs, else a free one."""
        bindir = find_bindir()
        as_root = os.geteuid() == 0
        base = _make_base(as_root)
        cluster = cls(bindir, base, port or free_port())
        try:
            cluster._initdb()
            for attempt in range(START_ATTEMPTS):
                if cluster._pg_ctl_start():
                    break
                if port is not None or attempt == START_ATTEMPTS - 1:
                    raise RuntimeError(
                        f"PostgreSQL did not start on 127.0.0.1:{cluster._port}; "
                        f"its log says:\n{cluster._log_tail()}"
                    )
                cluster._port = free_port()  # someone took the port between probe and bind
        except BaseException:
            cluster._remove_folder()
            raise
        atexit.register(cluster._stop_at_exit)
        return cluster

    def stop(self) -> None:
        """Fast shutdown (sessions are cut), then the folder goes. Safe to call twice."""
        if self._running:
            self._run(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                check=False,
            )
            self._running = False
        self._remove_folder()

    def _stop_at_exit(self) -> None:
        if os.getpid() == self._owner_pid:  # a forked child must not stop its parent's server
            self.stop()

    # -- addresses and databases ----------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    def admin_url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self._port}/{dbname}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new database (a unique name unless given), copied from `template` when given (it
        must have no open connection); returns its admin URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        self.execute(statement)
        return self.admin_url(name)

    def drop_database(self, name: str) -> None:
        """Drops it even when a test left a connection open."""
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def execute(self, statement: sql.Composed | str, dbname: str = "postgres") -> None:
        """One statement as the superuser, outside a transaction (CREATE/DROP DATABASE)."""
        with psycopg.connect(self.admin_url(dbname), autocommit=True) as connection:
            connection.execute(statement)

    # -- internals ------------------------------------------------------------------------------

    def _run(self, command: Sequence[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        """As the `postgres` system user when we are root (initdb and pg_ctl refuse root)."""
        program = Path(command[0]).name
        if os.geteuid() == 0:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        result = subprocess.run(command, cwd=self.base, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def _initdb(self) -> None:
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D", str(self.data),
                "-U", SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                f"--locale={_locale()}",
                "--no-sync",
            ]
        )  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.base}'",  # nothing in /var/run/postgresql
            "max_connections": str(MAX_CONNECTIONS),
            "fsync": "off",  # a throw-away cluster: speed over durability
            "password_encryption": "'scram-sha-256'",
            "log_min_messages": "warning",
        }
        conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        self._write(self.data / "postgresql.auto.conf", conf)
        self._write(self.data / "pg_hba.conf", _PG_HBA.format(superuser=SUPERUSER))

    def _pg_ctl_start(self) -> bool:
        result = self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D", str(self.data),
                "-l", str(self.log),
                "-o", f"-p {self._port}",
                "-w", "-t", "60",
                "start",
            ],
            check=False,
        )  # fmt: skip
        self._running = result.returncode == 0
        return self._running

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(path, SUPERUSER, SUPERUSER)
        path.chmod(0o600)

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def _remove_folder(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def _parents() -> list[str]:
    """Where the cluster folder may go: TMPDIR when set, then /dev/shm when it is a roomy tmpfs
    (measured here: a fresh database in ~25 ms there against 40–280 ms on the ext4 /tmp, which
    other work on the disk slows down; the cluster starts in 0.6–0.8 s against 1.2–1.9 s),
    then the usual temporary folder."""
    parents = [os.environ["TMPDIR"]] if os.environ.get("TMPDIR") else []
    try:
        shm = os.statvfs("/dev/shm")
        if shm.f_bavail * shm.f_frsize >= SHM_FREE_NEEDED and os.access("/dev/shm", os.W_OK):
            parents.append("/dev/shm")
    except OSError:
        pass
    return list(dict.fromkeys([*parents, tempfile.gettempdir(), "/tmp", "/var/tmp"]))


def _make_base(as_root: bool) -> Path:
    """A private folder the server's user owns and can reach. As root it belongs to `postgres`
    (mktemp's folders are 0700 root, which `postgres` cannot enter); its parent must be
    searchable by everyone, so a private TMPDIR falls back to the next place."""
    parents = _parents()
    for parent in parents:
        try:
            base = Path(tempfile.mkdtemp(prefix="claimdesk-pg-", dir=parent))
        except OSError:
            continue
        if not as_root:
            return base
        try:
            shutil.chown(base, SUPERUSER, SUPERUSER)
        except LookupError:
            shutil.rmtree(base, ignore_errors=True)
            raise RuntimeError(
                "We run as root, so PostgreSQL must run as the `postgres` system user, and there "
                "is none: install Debian's `postgresql` package (`.ci/run` does), which makes it."
            ) from None
        reachable = subprocess.run(
            ["runuser", "-u", SUPERUSER, "--", "test", "-w", str(base)], capture_output=True
        )
        if reachable.returncode == 0:
            return base
        shutil.rmtree(base, ignore_errors=True)
    raise RuntimeError(
        f"The `postgres` user cannot reach a temporary folder (tried {', '.join(parents)}): "
        "point TMPDIR at a folder every user can enter."
    )


if __name__ == "__main__":  # start one by hand: python -m tests.pgserver [PORT]
    import sys

    began = time.perf_counter()
    cluster = PgCluster.start(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"started in {time.perf_counter() - began:.2f} s: {cluster.admin_url()}")
    try:
        input("Enter stops it… ")
    finally:
        cluster.stop()
