"""Migrations on both databases: from an empty database, and from the previous schema with data in it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from store import Archive, schema
from store.db import MIGRATIONS, alembic_config, head_revision, make_engine
from store.models import Source
from tests.support.archive_builder import VersionSpec, add_policy

_names = itertools.count()
# tables and indexes that are not in store/schema.py on purpose: full-text search (dialect-specific,
# migrations 0002/0012) and APScheduler's job store (created by APScheduler itself)
NOT_IN_METADATA = {
    "passages_fts",
    "apscheduler_jobs",
    "alembic_version",
    "ix_passages_fts",
    "search_vector",
    "ix_passages_search_vector",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_url(request, tmp_path):
    """A database with nothing in it: no template, no tables."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"pw_empty_{next(_names)}"
    yield server.create_database(name)
    server.drop_database(name)


def _previous_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_revision(head_revision()).down_revision


def _schema_differences(engine: sa.Engine) -> list:
    from alembic.autogenerate import compare_metadata

    def wanted(diff) -> bool:
        # ("remove_index", Index), ("remove_table", Table), ("remove_column", schema, table, Column)
        obj = diff[-1] if isinstance(diff, tuple) and diff[0].endswith("_column") else None
        obj = obj if obj is not None else diff[1] if isinstance(diff, tuple) and len(diff) > 1 else None
        name = getattr(obj, "name", None) or ""
        return name not in NOT_IN_METADATA and not name.startswith("passages_fts_")

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "compare_type": False,
                "include_schemas": True,  # the private tables live in schema ``private``
                "include_name": lambda name, kind, _parents: kind != "schema" or name in (None, "private"),
            },
        )
        return [d for d in compare_metadata(ctx, schema.metadata) if wanted(d)]


def test_an_empty_database_migrates_to_exactly_the_schema(empty_url, tmp_path):
    with Archive(tmp_path / "data", database_url=empty_url) as arc:
        with arc.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == (
                head_revision()
            )
        assert _schema_differences(arc.engine) == []
    Archive(tmp_path / "data", database_url=empty_url).close()  # opening again is a no-op


def test_the_previous_schema_with_data_migrates_and_keeps_it(empty_url, tmp_path):
    engine = make_engine(empty_url)
    command.upgrade(alembic_config(engine), _previous_revision())
    now = dt.datetime(2026, 1, 5, 6, tzinfo=dt.UTC)
    with engine.begin() as conn:  # rows written by the code of the previous release
        conn.execute(
            sa.text(
                "INSERT INTO sources (id, payer, program, spider, config, created_at, updated_at) "
                "VALUES ('acme', 'Acme Health', 'commercial', 'generic', '{}', :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO crawl_runs (source_id, started_at, finished_at, status) "
                "VALUES ('acme', :now, :now, 'ok')"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO policies (id, source_id, url, status, missing_count, first_seen, last_seen) "
                "VALUES ('acme/MP-1', 'acme', 'https://acme.example/1', 'active', 0, :now, :now)"
            ),
            {"now": now},
        )
    engine.dispose()
    with Archive(tmp_path / "data", database_url=empty_url) as arc:
        assert arc.get_source("acme").payer == "Acme Health"
        assert arc.get_policy("acme/MP-1").url == "https://acme.example/1"
        assert [r.status for r in arc.list_runs("acme")] == ["ok"]
        assert _schema_differences(arc.engine) == []


def test_processes_opening_a_new_postgresql_database_at_once_all_succeed(pg_url, tmp_path):
    """N workers started together on an empty database: one migrates, the others wait for it."""
    import threading

    start, errors = threading.Barrier(4), []

    def open_it(n: int) -> None:
        try:
            start.wait()
            Archive(tmp_path / f"d{n}", database_url=pg_url).close()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with Archive(tmp_path / "check", database_url=pg_url) as arc:
        assert _schema_differences(arc.engine) == []


def test_0008_to_0011_add_the_paging_indexes_to_an_0007_archive(empty_url, tmp_path):
    engine = make_engine(empty_url)
    command.upgrade(alembic_config(engine), "0007")
    engine.dispose()
    with Archive(tmp_path / "data", database_url=empty_url) as arc:
        inspector = sa.inspect(arc.engine)
        names = {
            table: {ix["name"] for ix in inspector.get_indexes(table)}
            for table in ("sources", "policies", "facts", "changes")
        }
        assert "ix_sources_payer_id" in names["sources"] and "ix_policies_source_id_id" in names["policies"]
        assert {"ix_facts_value_field", "ix_facts_indication_drug", "ix_facts_mixed"} <= names["facts"]
        assert "ix_facts_field_value" not in names["facts"]  # 0009: it lured the planner off version ids
        assert "ix_changes_newest" in names["changes"]  # 0011: change lists newest first
        assert arc.matrix(stance="not_covered", limit=5) == []


def test_0012_indexes_the_passages_of_an_0011_archive_and_every_new_one(empty_url, tmp_path):
    """PostgreSQL's stored search vector (0012) is filled for the passages archived before it and kept
    filled for new and re-extracted ones; SQLite's FTS5 table (0002) must answer the same."""
    engine = make_engine(empty_url)
    command.upgrade(alembic_config(engine), "0011")
    seen = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:  # rows of an 0011 archive (0012 changes no declared column)
        conn.execute(schema.sources.insert(), [_row_source(seen)])
        conn.execute(
            schema.policies.insert(),
            [
                dict(
                    id="acme/MP-9",
                    source_id="acme",
                    url="https://acme.example/9",
                    first_seen=seen,
                    last_seen=seen,
                )
            ],
        )
        version = conn.execute(
            schema.versions.insert().values(
                policy_id="acme/MP-9",
                seq=1,
                sha256="a" * 64,
                url="https://acme.example/9",
                size=10,
                first_seen=seen,
                last_seen=seen,
            )
        ).inserted_primary_key[0]
        conn.execute(
            schema.passages.insert(),
            [
                dict(
                    version_id=version,
                    ordinal=0,
                    heading="Infusions",
                    text="Ketamine infusions are unproven.",
                    start=0,
                    end=30,
                    drugs=["ketamine"],
                ),
            ],
        )
    engine.dispose()
    with Archive(tmp_path / "data", database_url=empty_url) as arc:
        assert [h.policy_id for h in arc.search("ketamine infusion")] == ["acme/MP-9"]
        assert [h.policy_id for h in arc.search("infusions", order="relevance")] == ["acme/MP-9"]
        if arc.engine.dialect.name == "postgresql":
            with arc.engine.connect() as conn:
                assert (
                    conn.exec_driver_sql(
                        "SELECT count(*) FROM passages WHERE search_vector IS NULL"
                    ).scalar_one()
                    == 0
                )
            indexes = {ix["name"] for ix in sa.inspect(arc.engine).get_indexes("passages")}
            assert "ix_passages_search_vector" in indexes and "ix_passages_fts" not in indexes
        # a version archived after the migration, and a re-extraction of the old one
        new_seen = seen + dt.timedelta(days=30)
        add_policy(
            arc,
            Source(id="acme", payer="Acme Health"),
            "MP-10",
            [
                VersionSpec(
                    new_seen,
                    None,
                    [("Esketamine", "Esketamine nasal spray is covered.", ("esketamine",), ())],
                )
            ],
        )
        with arc.engine.begin() as conn:
            conn.execute(
                schema.passages.update()
                .where(schema.passages.c.version_id == version)
                .values(text="Withdrawn wording.")
            )
        assert [h.policy_id for h in arc.search("esketamine spray")] == ["acme/MP-10"]
        assert arc.search("ketamine infusion") == []
        assert [h.policy_id for h in arc.search("withdrawn")] == ["acme/MP-9"]


def _row_source(now: dt.datetime) -> dict:
    return dict(
        id="acme",
        payer="Acme Health",
        program="commercial",
        spider="generic",
        config={},
        created_at=now,
        updated_at=now,
    )
