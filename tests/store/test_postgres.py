"""The same archive code on PostgreSQL: every store round-trip test, run against a real server."""

from __future__ import annotations

import inspect

import pytest

from tests.store import test_store

# The dangling-row half of the verify test needs SQLite's foreign_keys pragma; PostgreSQL always enforces
# foreign keys, so its blob half is repeated below instead.
SQLITE_ONLY = {"test_verify_reports_a_corrupted_blob_and_a_dangling_reference"}
CASES = [
    fn
    for name, fn in inspect.getmembers(test_store, inspect.isfunction)
    if name.startswith("test_")
    and name not in SQLITE_ONLY
    and list(inspect.signature(fn).parameters) == ["archive"]
]


def test_postgres_cases_were_collected():
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_store_on_postgres(case, pg_archive):
    assert pg_archive.engine.dialect.name == "postgresql"
    case(pg_archive)


def test_verify_reports_a_corrupted_blob_on_postgres(pg_archive):
    test_store._source(pg_archive)
    pg_archive.upsert_policy(test_store.Policy(id="acme/MP-1", source_id="acme", url="u"))
    v, _ = pg_archive.add_version("acme/MP-1", b"original bytes", "u")
    assert pg_archive.verify() == []
    pg_archive.blobs.path_for(v.sha256).write_bytes(b"tampered")
    assert [(p.what, p.problem) for p in pg_archive.verify()] == [("blob", "corrupt")]
