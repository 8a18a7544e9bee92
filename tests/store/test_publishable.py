"""The archive is publishable: ``data/archive.db`` opens in Datasette with its full-text search working,
and holds not one byte of a subscriber's address (those live in ``data/private.db``).

Datasette is driven through its own Python API and JSON API (its ``fts_table`` detection, then
``?_search=``), the way a researcher runs ``datasette data/archive.db``.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from alembic import command

from store import Archive
from store.db import alembic_config, make_engine
from tests.support.archive_builder import build_sample_archive
from tests.support.feeds import detection_moment, seed

ADDRESSES = ("dr.rivera@clinic.test", "advocate.kim@example.org")


def _published_bytes(data_dir) -> bytes:
    """Every file a researcher would copy to publish the archive (the database and any WAL left over)."""
    return b"".join(p.read_bytes() for p in data_dir.glob("archive.db*"))


def _datasette(path, *requests):
    from datasette.app import Datasette

    async def run():
        ds = Datasette([str(path)])
        db = ds.get_database()
        fts = await db.fts_table("passages")
        answers = []
        for url in requests:
            response = await ds.client.get(url.format(db=db.name))
            assert response.status_code == 200, (url, response.text[:300])
            answers.append(response.json())
        return fts, answers

    return asyncio.run(run())


@pytest.mark.sqlite_only(
    "the publishable archive is the SQLite file archive.db; on PostgreSQL the private tables are a schema"
)
def test_datasette_detects_the_full_text_index_and_finds_a_passage(archive, data_dir):
    build_sample_archive(archive)
    archive.close()
    fts, (hits, everything) = _datasette(
        data_dir / "archive.db",
        "/{db}/passages.json?_search=investigational&_shape=array",
        "/{db}/passages.json?_shape=array&_size=max",
    )
    assert fts == "passages_fts"
    assert hits and all("investigational" in row["text"].lower() for row in hits)
    assert len(hits) < len(everything)  # the search narrows: it is not returning every row


@pytest.mark.sqlite_only(
    "the publishable archive is the SQLite file archive.db; on PostgreSQL the private tables are a schema"
)
def test_no_subscriber_address_is_in_the_publishable_database(archive, data_dir):
    build_sample_archive(archive)
    for address in ADDRESSES:
        archive.add_subscription(address)
    seed(archive, detected_at=detection_moment())
    from feeds.outbox import queue_recent

    assert queue_recent(archive) > 0  # the outbox has rows too
    assert archive.list_subscriptions() and archive.list_deliveries()
    archive.close()
    published = _published_bytes(data_dir)
    private = b"".join(p.read_bytes() for p in data_dir.glob("private.db*"))
    for address in ADDRESSES:
        assert address.encode() not in published, address
        assert address.encode() in private  # kept, only elsewhere
    names = {r[0] for r in sqlite3.connect(data_dir / "archive.db").execute("select name from sqlite_master")}
    assert not names & {"subscriptions", "deliveries", "apscheduler_jobs"}


def test_an_archive_from_before_the_split_is_migrated(data_dir):
    """A ``payerwatch.db`` holding subscribers (schema 0004) becomes archive.db + private.db on open."""
    data_dir.mkdir(parents=True)
    old = data_dir / "payerwatch.db"
    engine = make_engine(f"sqlite:///{old}")
    command.upgrade(alembic_config(engine), "0004")
    engine.dispose()
    (data_dir / "private.db").unlink(missing_ok=True)  # attached while migrating; not part of the old layout
    with sqlite3.connect(old) as conn:
        for address in ADDRESSES:
            conn.execute(
                "insert into subscriptions (email, payers, drugs, created_at) values (?, '[]', '[]', ?)",
                (address, "2026-01-01 00:00:00.000000"),
            )
    conn.close()
    assert ADDRESSES[0].encode() in old.read_bytes()

    with Archive(data_dir) as archive:
        assert sorted(s.email for s in archive.list_subscriptions()) == sorted(ADDRESSES)
        new = archive.add_subscription("third@clinic.test")
        assert new.id == 3  # ids go on where the old table stopped
    assert not old.exists()
    published = _published_bytes(data_dir)
    for address in ADDRESSES:
        assert address.encode() not in published, address
    fts_sql = (
        sqlite3.connect(data_dir / "archive.db")
        .execute("select sql from sqlite_master where name = 'passages_fts'")
        .fetchone()[0]
    )
    assert 'content="passages"' in fts_sql


@pytest.mark.parametrize("word", ["investigational", "Spravato"])
def test_archive_search_still_works_after_the_index_is_recreated(archive, word):
    build_sample_archive(archive)
    assert archive.search(word)
