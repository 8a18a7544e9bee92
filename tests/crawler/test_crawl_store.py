"""``store/crawlstate.py`` (batched document records, validators, run facts) on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store.crawlstate import DocumentFetch
from store.models import Source


@pytest.fixture
def arc(archive):
    archive.upsert_source(Source(id="s", payer="S"))
    return archive


def _doc(n: int, **kw) -> DocumentFetch:
    base = {
        "source_id": "s",
        "url": f"https://s.example/p/{n}",
        "policy_id": f"s/{n}",
        "title": f"Policy {n}",
        "etag": f'"e{n}"',
        "media_type": "text/html",
    }
    return DocumentFetch(**(base | kw))


def test_first_then_unchanged_then_not_modified(arc):
    run = arc.start_run("s")
    first = arc.record_documents(run.id, [_doc(i, body=f"v1 {i}".encode()) for i in range(3)])
    assert [o for o, _ in first] == ["new_version"] * 3 and all(v for _, v in first)
    assert set(arc.validators_for_source("s")) == {f"https://s.example/p/{i}" for i in range(3)}
    again = arc.record_documents(run.id, [_doc(0, body=b"v1 0"), _doc(1, not_modified=True, title=None)])
    assert again == [("unchanged", None), ("not_modified", None)]
    assert arc.get_policy("s/1").title == "Policy 1"  # a 304 without a title keeps the old one
    facts = arc.run_facts(run.id)
    assert (facts.documents, facts.new_versions, facts.not_modified, facts.errors) == (5, 3, 1, 0)
    assert sorted(facts.new_version_ids) == sorted(v for _, v in first)
    assert sum(len(arc.list_versions(f"s/{i}")) for i in range(3)) == 3


def test_errors_superseded_and_unknown_304(arc):
    run = arc.start_run("s")
    arc.record_documents(run.id, [_doc(1, body=b"current")])
    out = arc.record_documents(
        run.id,
        [
            _doc(1, error_kind="http-503", error="HTTP 503"),
            _doc(2, error_kind="http-404", error="HTTP 404"),
            _doc(3, url="https://s.example/p/1-old", policy_id="s/1", body=b"old", superseded=True),
            _doc(4, not_modified=True),
        ],
    )
    assert [o for o, _ in out] == ["error", "error", "superseded", "error"]
    fetches = {f.url.rsplit("/", 1)[1]: f for f in arc.list_fetches("s")}
    assert fetches["1-old"].policy_id == "s/1" and fetches["1-old"].sha256
    assert fetches["2"].policy_id is None  # no such policy: the fault names no policy
    assert fetches["4"].error_kind == "not-modified-unknown"
    assert len(arc.list_versions("s/1")) == 1
    facts = arc.run_facts(run.id)
    assert facts.faults == 2 and facts.gone == set()
