"""A throwaway PostgreSQL server for tests: initdb in a temp dir, listening on 127.0.0.1, a free port.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the server runs as the
``postgres`` system user that Debian's package creates. One server serves the whole test session; each
test gets a fresh database copied from a migrated template (``CREATE DATABASE … TEMPLATE``, a file copy:
tens of milliseconds, where migrating afresh would take a second).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def available() -> bool:
    return bool(_bin("initdb") and _bin("pg_ctl"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="pw-pg-"))
        self.port = _free_port()
        self.user = None
        self._admin = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self.dir.chmod(0o700)

    def _run(self, *cmd: str) -> None:
        prefix = (
            ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups"]
            if self.user
            else []
        )
        subprocess.run(prefix + list(cmd), check=True, capture_output=True, cwd=self.dir, timeout=120)

    def start(self, max_connections: int = 200) -> PostgresServer:
        data = str(self.dir / "data")
        self._run(_bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._run(
            _bin("pg_ctl"),
            "-D",
            data,
            "-w",
            "-l",
            str(self.dir / "log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections}",
            "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _execute(self, sql: str) -> None:
        import sqlalchemy as sa

        if self._admin is None:
            self._admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``, which must have no open connection)."""
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop it even if a test left a connection open (a child process, an unclosed archive)."""
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
