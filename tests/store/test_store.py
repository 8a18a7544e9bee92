"""The archive: migrations, round trips through the typed API for every table, integrity checks."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from extractors.model import CoverageFact, ExtractedPolicy, Passage, PolicyMetadata, RevisionEntry
from store import Archive, change_id, schema
from store.db import head_revision
from store.models import Change, CrawlRun, Fetch, Policy, Source


def _source(archive: Archive) -> Source:
    return archive.upsert_source(
        Source(
            id="acme",
            payer="Acme Health",
            program="medicaid",
            state="TX",
            spider="generic",
            schedule="0 6 * * *",
            config={"start_urls": ["https://acme.example/"]},
        )
    )


def test_migrations_create_every_table_on_an_empty_database(tmp_path):
    arc = Archive(tmp_path / "d")
    insp = sa.inspect(arc.engine)
    tables = set(insp.get_table_names()) | {
        f"{schema.PRIVATE}.{name}" for name in insp.get_table_names(schema=schema.PRIVATE)
    }
    assert set(schema.metadata.tables) <= tables
    with arc.engine.connect() as conn:
        assert (
            conn.execute(sa.text("select version_num from alembic_version")).scalar_one() == head_revision()
        )
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
    arc.close()
    # Opening again is a no-op migration and keeps the data.
    Archive(tmp_path / "d").close()


def test_sources_round_trip(archive):
    src = _source(archive)
    assert archive.get_source("acme") == src
    src.payer = "Acme Health Plan"
    archive.upsert_source(src)
    assert [s.payer for s in archive.list_sources()] == ["Acme Health Plan"]


def test_runs_policies_and_fetches_round_trip(archive):
    _source(archive)
    run = archive.start_run("acme")
    run.documents, run.new_versions, run.status = 3, 1, "ok"
    archive.finish_run(run)
    got = archive.get_run(run.id)
    assert isinstance(got, CrawlRun) and got.status == "ok" and got.documents == 3 and got.finished_at

    pol = archive.upsert_policy(
        Policy(
            id="acme/MP-1",
            source_id="acme",
            url="https://acme.example/1.pdf",
            policy_number="MP-1",
            title="Ketamine",
        )
    )
    assert pol.first_seen == pol.last_seen and pol.first_seen.tzinfo is not None
    later = pol.first_seen + dt.timedelta(days=1)
    pol2 = archive.upsert_policy(
        Policy(id="acme/MP-1", source_id="acme", url="https://acme.example/2.pdf"), seen_at=later
    )
    assert pol2.first_seen == pol.first_seen and pol2.last_seen == later and pol2.title == "Ketamine"
    archive.set_policy_status("acme/MP-1", "missing", 1)
    assert archive.get_policy("acme/MP-1").missing_count == 1

    sha = archive.blobs.put(b"%PDF-1.7 ten bytes")
    f = archive.record_fetch(
        Fetch(
            source_id="acme",
            url="https://acme.example/2.pdf",
            outcome="new_version",
            run_id=run.id,
            policy_id="acme/MP-1",
            http_status=200,
            etag='"abc"',
            last_modified="Sun, 01 Nov 2026 00:00:00 GMT",
            sha256=sha,
            size=18,
        )
    )
    archive.record_fetch(
        Fetch(
            source_id="acme",
            url="https://acme.example/2.pdf",
            outcome="error",
            run_id=run.id,
            http_status=503,
            error_kind="http-503",
            error="Service Unavailable",
        )
    )
    fetches = archive.list_fetches(run_id=run.id)
    assert [x.outcome for x in fetches] == ["new_version", "error"] and fetches[0].id == f.id
    # validators come from the last good fetch (the 503 after it does not erase them)
    assert archive.validators_for_source("acme") == {
        "https://acme.example/2.pdf": ('"abc"', "Sun, 01 Nov 2026 00:00:00 GMT")
    }
    archive.blobs.path_for(sha).unlink()  # bytes we no longer hold: never ask for a 304 on them
    assert archive.validators_for_source("acme") == {}


def _extracted() -> ExtractedPolicy:
    text = "Coverage Rationale\nEsketamine is proven when the member failed 2 antidepressants."
    return ExtractedPolicy(
        media_type="application/pdf",
        text=text,
        metadata=PolicyMetadata(policy_number="MP-1", title="Esketamine", effective=dt.date(2026, 1, 1)),
        passages=(
            Passage(
                section_path=("Coverage Rationale",),
                heading="Coverage Rationale",
                text=text[19:],
                start=19,
                end=len(text),
                page_start=1,
                page_end=1,
                drugs=("esketamine",),
                indications=("trd",),
            ),
        ),
        facts=(
            CoverageFact("esketamine", "trd", "failed_antidepressants", "2", text[19:], 19, len(text), 1),
        ),
        revision_history=(RevisionEntry(dt.date(2025, 12, 1), "Updated criteria"),),
        pages=1,
    )


def test_versions_passages_facts_and_changes_round_trip(archive):
    _source(archive)
    archive.upsert_policy(Policy(id="acme/MP-1", source_id="acme", url="u"))
    v1, created = archive.add_version("acme/MP-1", b"%PDF-1 one", "u", "application/pdf")
    assert created and v1.seq == 1 and archive.version_bytes(v1.id) == b"%PDF-1 one"
    again, created = archive.add_version("acme/MP-1", b"%PDF-1 one", "u", "application/pdf")
    assert not created and again.id == v1.id
    v2, _ = archive.add_version("acme/MP-1", b"%PDF-1 two", "u", "application/pdf")
    assert v2.seq == 2 and archive.latest_version("acme/MP-1").id == v2.id

    ext = _extracted()
    archive.set_extraction(v2.id, ext)
    assert archive.get_extraction(v2.id) == ext.to_dict()
    got = archive.get_version(v2.id)
    assert got.mentions_topic and got.effective == dt.date(2026, 1, 1) and got.text_hash
    assert [p["drugs"] for p in archive.list_passages(v2.id)] == [["esketamine"]]
    assert [(f["field"], f["value"]) for f in archive.list_facts(v2.id)] == [("failed_antidepressants", "2")]
    archive.set_extraction(v1.id, None, error="corrupt: bad xref")
    assert archive.get_version(v1.id).extract_error == "corrupt: bad xref"

    cid = change_id("acme/MP-1", v1.sha256, v2.sha256, "criteria")
    assert cid == change_id("acme/MP-1", v1.sha256, v2.sha256, "criteria")
    change = Change(
        id=cid,
        policy_id="acme/MP-1",
        kind="criteria",
        severity="high",
        summary="Acme: 3 → 2",
        detected_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        old_version_id=v1.id,
        new_version_id=v2.id,
        drugs=["esketamine"],
        details=[{"text": "x"}],
        diff=[[0, "a"]],
        effective_date=dt.date(2026, 1, 1),
    )
    stored, created = archive.add_change(change)
    assert created and archive.get_change(cid) == change
    _, created = archive.add_change(change)
    assert not created and len(archive.list_changes()) == 1
    assert archive.list_changes(payer="Acme Health", drug="esketamine") == [change]
    assert archive.list_changes(drug="ketamine") == []


def test_subscriptions_and_deliveries_round_trip(archive):
    _source(archive)
    archive.upsert_policy(Policy(id="acme/MP-1", source_id="acme", url="u"))
    archive.add_change(
        Change(
            id="c1",
            policy_id="acme/MP-1",
            kind="codes",
            severity="medium",
            summary="s",
            detected_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )
    )
    sub = archive.add_subscription(
        "clinic@example.org", payers=["acme"], drugs=["esketamine"], min_severity="medium", digest="daily"
    )
    assert archive.get_subscription(sub.id) == sub and sub.active
    assert archive.add_delivery("c1", sub.id, digest_key="2026-11-01")
    assert not archive.add_delivery("c1", sub.id, digest_key="2026-11-01")
    assert [d.status for d in archive.list_deliveries()] == ["pending"]
    assert archive.deactivate_subscriptions("CLINIC@example.org") == 1
    assert archive.list_subscriptions() == []
    assert [d.status for d in archive.list_deliveries()] == ["cancelled"]


def test_status_reports_each_source(archive):
    _source(archive)
    run = archive.start_run("acme")
    archive.record_fetch(
        Fetch(
            source_id="acme",
            url="https://acme.example/x",
            outcome="error",
            run_id=run.id,
            error_kind="timeout",
            error="timed out after 30 s",
        )
    )
    run.status, run.errors = "ok", 1
    archive.finish_run(run)
    (st,) = archive.source_status()
    assert st.open_errors == 1 and "timed out" in st.last_error and st.last_run.id == run.id


@pytest.mark.sqlite_only(
    "a dangling row needs SQLite's foreign_keys pragma off; PostgreSQL always enforces them"
)
def test_verify_reports_a_corrupted_blob_and_a_dangling_reference(archive):
    _source(archive)
    archive.upsert_policy(Policy(id="acme/MP-1", source_id="acme", url="u"))
    v, _ = archive.add_version("acme/MP-1", b"original bytes", "u")
    assert archive.verify() == []
    archive.blobs.path_for(v.sha256).write_bytes(b"tampered bytes")
    problems = archive.verify()
    assert [(p.what, p.problem) for p in problems] == [("blob", "corrupt")]
    archive.blobs.path_for(v.sha256).unlink()
    assert [(p.what, p.problem) for p in archive.verify()] == [("blob", "missing")]

    with archive.engine.connect() as conn:  # a row written by some other tool with FKs off
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(schema.passages.insert().values(version_id=999, ordinal=0, text="x", start=0, end=1))
        conn.commit()
    assert ("foreign-key", "passages.version_id=999") in [(p.what, p.where) for p in archive.verify()]


def test_verify_reports_a_corrupted_blob(archive):
    """The blob half of the check above, on both databases."""
    _source(archive)
    archive.upsert_policy(Policy(id="acme/MP-1", source_id="acme", url="u"))
    v, _ = archive.add_version("acme/MP-1", b"original bytes", "u")
    assert archive.verify() == []
    archive.blobs.path_for(v.sha256).write_bytes(b"tampered")
    assert [(p.what, p.problem) for p in archive.verify()] == [("blob", "corrupt")]
