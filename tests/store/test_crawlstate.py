"""``store/crawlstate.py`` decisions that retirement and freshness rest on; each test kills a mutant that
survived the first mutation run (docs/mutation.md). The batch paths on PostgreSQL are in
tests/crawler/test_crawl_store.py."""

from __future__ import annotations

import datetime as dt

import pytest

from store import Archive
from store.crawlstate import DocumentFetch
from store.models import Source

T1 = dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 8, 6, tzinfo=dt.UTC)


@pytest.fixture
def arc(tmp_path):
    archive = Archive(tmp_path / "data")
    archive.upsert_source(Source(id="s", payer="S"))
    yield archive
    archive.close()


def _doc(n: int, **kw) -> DocumentFetch:
    base = {"source_id": "s", "url": f"https://s.example/p/{n}", "policy_id": f"s/{n}", "etag": f'"e{n}"'}
    return DocumentFetch(**(base | {"media_type": "text/html"} | kw))


def test_a_304_refreshes_last_seen_of_the_policy_and_its_current_version(arc):
    arc.record_documents(arc.start_run("s").id, [_doc(1, body=b"v1", fetched_at=T1)])
    out = arc.record_documents(arc.start_run("s").id, [_doc(1, not_modified=True, fetched_at=T2)])
    assert out == [("not_modified", None)]
    assert arc.get_policy("s/1").last_seen == T2
    (version,) = arc.list_versions("s/1")
    assert (version.first_seen, version.last_seen) == (T1, T2)


def test_error_fetches_never_count_as_seen(arc):
    first = arc.start_run("s")
    arc.record_documents(first.id, [_doc(n, body=f"v{n}".encode(), fetched_at=T1) for n in (1, 2, 3)])
    run = arc.start_run("s")
    arc.record_documents(
        run.id,
        [
            _doc(1, error_kind="http-404", http_status=404, error="HTTP 404", fetched_at=T2),
            _doc(2, error_kind="http-503", http_status=503, error="HTTP 503", fetched_at=T2),
            _doc(3, not_modified=True, fetched_at=T2),
        ],
    )
    facts = arc.run_facts(run.id)
    assert facts.seen == {"s/3"}  # a policy answering 404 is not seen, so absence can retire it
    assert facts.gone == {"s/1"} and facts.faults == 1 and facts.errors == 2
    assert (facts.documents, facts.not_modified, facts.new_versions) == (2, 1, 0)
