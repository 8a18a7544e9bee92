"""Shared fixtures: a fresh archive per test, on SQLite and on PostgreSQL (fixture databases are built in
code, never committed).

``archive`` (and ``database``, which it stands on) is parametrised ``sqlite`` / ``postgresql``: every test
that touches the archive runs on both. The PostgreSQL half uses one throwaway server for the whole session
(``tests/support/postgres.py``) and one fresh database per test, copied from a migrated template. It sets
``PAYERWATCH_DATABASE_URL`` for the test's duration, so ``Archive(data_dir)`` in the test and
``payerwatch`` child processes (``run_cli``) reach the same database.

A test that cannot run on PostgreSQL says why with ``@pytest.mark.sqlite_only("reason")``; it is reported
as skipped with that reason. ``-m "not postgresql"`` runs the SQLite half alone (quick iterations).

The PostgreSQL halves skip when the server binaries are missing on a developer's machine, but CI installs
them (``make install``) and sets ``PAYERWATCH_REQUIRE_POSTGRES=1``, so there a missing server fails.
"""

from __future__ import annotations

import itertools
import os

import pytest

from store import Archive
from tests.support import postgres

# A developer's own database setting must never reach the tests (they would write to it).
os.environ.pop("PAYERWATCH_DATABASE_URL", None)

TEMPLATE = "pw_template"
_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """One PostgreSQL server for the session, with a migrated template database to copy."""
    if not postgres.available():
        message = "PostgreSQL server binaries are missing: `make install` installs them"
        if os.environ.get("PAYERWATCH_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    server = postgres.PostgresServer().start()
    Archive(tmp_path_factory.mktemp("pg-template"), database_url=server.create_database(TEMPLATE)).close()
    yield server
    server.stop()


def _open_database(request, kind: str):
    """(url or None, cleanup) for ``kind``; skips a ``sqlite_only`` test's PostgreSQL half."""
    if kind == "sqlite":
        return None, lambda: None
    marker = request.node.get_closest_marker("sqlite_only")
    if marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else 'see the test'}")
    server = request.getfixturevalue("pg_server")
    name = f"pw_{os.getpid()}_{next(_names)}"
    url = server.create_database(name, template=TEMPLATE)
    return url, lambda: server.drop_database(name)


_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=_KINDS)
def database(request, monkeypatch):
    """The database URL the test's archive uses (None: SQLite in the data directory)."""
    url, cleanup = _open_database(request, request.param)
    if url:
        monkeypatch.setenv("PAYERWATCH_DATABASE_URL", url)
    else:  # a module-scoped PostgreSQL archive of the same module must not leak into this test
        monkeypatch.delenv("PAYERWATCH_DATABASE_URL", raising=False)
    yield url
    cleanup()


@pytest.fixture(scope="module", params=_KINDS)
def module_database(request):
    """``database`` for module-scoped archives (built once, read by many tests)."""
    url, cleanup = _open_database(request, request.param)
    mp = pytest.MonkeyPatch()
    if url:
        mp.setenv("PAYERWATCH_DATABASE_URL", url)
    yield url
    mp.undo()
    cleanup()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def archive(database, data_dir):
    arc = Archive(data_dir)
    yield arc
    arc.close()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty (unmigrated) database on the session's server."""
    name = f"pw_empty_{next(_names)}"
    yield pg_server.create_database(name)
    pg_server.drop_database(name)


@pytest.fixture
def pg_archive(pg_url, tmp_path):
    """An archive on PostgreSQL only (most tests want ``archive``, which runs on both)."""
    arc = Archive(tmp_path / "pgdata", database_url=pg_url)
    yield arc
    arc.close()
