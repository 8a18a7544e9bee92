"""Shared fixtures: a fresh archive per test (fixture databases are built in code, never committed), and
the one PostgreSQL server of the session.

PostgreSQL tests skip when the server binaries are missing on a developer's machine, but CI installs
them (``make install``) and sets ``PAYERWATCH_REQUIRE_POSTGRES=1``, so there a missing server fails.
"""

from __future__ import annotations

import itertools
import os

import pytest

from store import Archive
from tests.support import postgres

_databases = itertools.count()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def archive(data_dir):
    arc = Archive(data_dir)
    yield arc
    arc.close()


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server on 127.0.0.1 for the whole session (each test gets a database)."""
    if not postgres.available():
        message = "PostgreSQL server binaries are missing: `make install` installs them"
        if os.environ.get("PAYERWATCH_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    server = postgres.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a new, empty database on the session's server."""
    return pg_server.create_database(f"pw_{next(_databases)}")


@pytest.fixture
def pg_archive(pg_url, tmp_path):
    arc = Archive(tmp_path / "pgdata", database_url=pg_url)
    yield arc
    arc.close()
