"""``store/crawlstate.py`` decisions that retirement and freshness rest on; each test kills a mutant that
survived the first mutation run (docs/mutation.md). The batch paths on PostgreSQL are in
tests/crawler/test_crawl_store.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from store import Archive, schema
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


T3 = dt.datetime(2026, 3, 15, 6, tzinfo=dt.UTC)
T4 = dt.datetime(2026, 3, 22, 6, tzinfo=dt.UTC)


def test_validators_come_from_the_newest_good_fetch_whose_bytes_we_still_hold(arc):
    run = arc.start_run("s").id
    arc.record_documents(run, [_doc(1, body=b"v1", fetched_at=T1, last_modified="Sun, 01 Mar 2026")])
    arc.record_documents(run, [_doc(1, body=b"v2", etag='"e1b"', fetched_at=T2)])
    arc.record_documents(run, [_doc(1, error_kind="http-503", error="HTTP 503", etag='"x"', fetched_at=T3)])
    arc.record_documents(run, [_doc(2, body=b"v", etag="", last_modified="Mon, 02 Mar 2026", fetched_at=T1)])
    arc.record_documents(run, [_doc(3, body=b"no validators", etag=None, fetched_at=T1)])
    arc.record_documents(run, [_doc(4, body=b"bytes lost", fetched_at=T1)])
    arc.blobs.path_for(arc.list_versions("s/4")[0].sha256).unlink()  # a 304 could not be served from it
    assert arc.validators_for_source("s") == {
        "https://s.example/p/1": ('"e1b"', None),
        "https://s.example/p/2": (None, "Mon, 02 Mar 2026"),
    }
    assert arc.validators_for_source("other") == {}


def test_an_error_page_is_neither_stored_nor_a_version(arc):
    run = arc.start_run("s").id
    out = arc.record_documents(
        run, [_doc(1, body=b"<h1>Service unavailable</h1>", error_kind="http-503", error="HTTP 503")]
    )
    assert out == [("error", None)]
    (fetch,) = arc.list_fetches("s")
    assert (fetch.outcome, fetch.sha256, fetch.size, fetch.error) == ("error", None, None, "HTTP 503")
    assert list(arc.blobs.iter_shas()) == []


def test_a_redirect_moves_the_policy_and_a_refetch_without_title_or_number_keeps_them(arc):
    run = arc.start_run("s").id
    arc.record_documents(run, [_doc(1, body=b"v1", title="Ketamine", policy_number="MP-1", fetched_at=T1)])
    moved = "https://s.example/new/1"
    out = arc.record_documents(run, [_doc(1, body=b"v2", final_url=moved, fetched_at=T2)])
    assert out[0][0] == "new_version"
    policy = arc.get_policy("s/1")
    assert (policy.url, policy.title, policy.policy_number, policy.last_seen) == (
        moved,
        "Ketamine",
        "MP-1",
        T2,
    )
    assert (policy.first_seen, arc.list_versions("s/1")[-1].url) == (T1, moved)
    arc.record_documents(run, [_doc(1, body=b"v2", title="Ketamine infusion", policy_number="MP-2")])
    assert (arc.get_policy("s/1").title, arc.get_policy("s/1").policy_number) == ("Ketamine infusion", "MP-2")


def test_a_304_confirms_the_newest_bytes_and_only_the_current_version(arc):
    """A → B → A: the third version has the first one's bytes; a 304 then refreshes only the third."""
    for when, body in ((T1, b"A"), (T2, b"B"), (T3, b"A")):
        arc.record_documents(arc.start_run("s").id, [_doc(1, body=body, fetched_at=when)])
    out = arc.record_documents(arc.start_run("s").id, [_doc(1, not_modified=True, fetched_at=T4)])
    assert out == [("not_modified", None)]
    assert [(v.first_seen, v.last_seen) for v in arc.list_versions("s/1")] == [(T1, T1), (T2, T2), (T3, T4)]
    (fetch,) = [f for f in arc.list_fetches("s") if f.outcome == "not_modified"]
    assert (fetch.sha256, fetch.size, fetch.policy_id) == (arc.list_versions("s/1")[-1].sha256, 1, "s/1")


def test_a_304_on_a_superseded_page_is_no_sighting_of_the_policy(arc):
    """The old, versioned URL still answers; the current policy was not seen by that."""
    old = "https://s.example/p/1-2025"
    arc.record_documents(arc.start_run("s").id, [_doc(1, body=b"current", fetched_at=T1)])
    arc.record_documents(
        arc.start_run("s").id, [_doc(1, url=old, body=b"old", superseded=True, fetched_at=T1)]
    )
    run = arc.start_run("s").id
    assert arc.record_documents(run, [_doc(1, url=old, not_modified=True, fetched_at=T2)]) == [
        ("not_modified", None)
    ]
    assert arc.get_policy("s/1").last_seen == T1
    assert [v.last_seen for v in arc.list_versions("s/1")] == [T1]
    assert [f.policy_id for f in arc.list_fetches("s") if f.outcome == "not_modified"] == ["s/1"]


def test_run_facts_count_rechecks_that_are_gone_as_missing_only(arc):
    first = arc.start_run("s").id
    arc.record_documents(first, [_doc(n, body=f"v{n}".encode(), fetched_at=T1) for n in (1, 2)])
    run = arc.start_run("s").id
    arc.record_documents(
        run,
        [
            _doc(1, error_kind="http-410", error="HTTP 410", missing=True, recheck=True, fetched_at=T2),
            _doc(9, error_kind="http-404", error="HTTP 404", fetched_at=T2),  # a listed URL we never had
            _doc(2, body=b"v2 changed", fetched_at=T2),
            _doc(3, body=b"v3", fetched_at=T2),
        ],
    )
    facts = arc.run_facts(run)
    assert facts.missing == {"s/1"} and facts.gone == set() and facts.seen == {"s/2", "s/3"}
    assert (facts.documents, facts.errors, facts.faults, facts.new_versions) == (3, 1, 0, 2)
    assert facts.new_version_ids == [arc.list_versions("s/2")[-1].id, arc.list_versions("s/3")[-1].id]
    # which error kinds mean "gone" is the caller's: with none, the 404 is a fault
    assert arc.run_facts(run, gone_kinds=()).faults == 1


def test_policies_to_recheck_are_the_sources_policies_not_retired_in_id_order(arc):
    arc.upsert_source(Source(id="t", payer="T"))
    run = arc.start_run("s").id
    arc.record_documents(
        run, [_doc(n, body=f"v{n}".encode(), title=f"P{n}", policy_number=f"MP-{n}") for n in (3, 1, 2)]
    )
    arc.record_documents(arc.start_run("t").id, [_doc(7, source_id="t", policy_id="t/7", body=b"t")])
    arc.set_policy_status("s/2", "retired", 3, retired_at=T2)
    assert [tuple(r) for r in arc.policies_to_recheck("s")] == [
        ("s/1", "https://s.example/p/1", "P1", "MP-1"),
        ("s/3", "https://s.example/p/3", "P3", "MP-3"),
    ]


def test_one_batch_can_hold_two_fetches_of_a_new_policy_and_of_the_same_bytes(arc):
    """A policy listed under two URLs, two versions of one policy and one document under two policies,
    all in one run: each new version is counted once, in fetch order."""
    run = arc.start_run("s").id
    out = arc.record_documents(
        run,
        [
            _doc(1, body=b"first", fetched_at=T1),
            _doc(1, url="https://s.example/alias/1", body=b"second", fetched_at=T1),
            _doc(2, body=b"shared", fetched_at=T1),
            _doc(3, body=b"shared", fetched_at=T1),
        ],
    )
    assert [o for o, _ in out] == ["new_version"] * 4
    ids = [arc.list_versions("s/1")[0].id, arc.list_versions("s/1")[1].id]
    ids += [arc.list_versions("s/2")[0].id, arc.list_versions("s/3")[0].id]
    assert [v for _, v in out] == ids and arc.run_facts(run).new_version_ids == ids
    assert [v.media_type for v in arc.list_versions("s/1")] == ["text/html", "text/html"]


def test_counts_add_up_over_several_304s_and_gone_documents(arc):
    first = arc.start_run("s").id
    arc.record_documents(first, [_doc(n, body=f"v{n}".encode(), fetched_at=T1) for n in (1, 2, 3, 4)])
    run = arc.start_run("s").id
    arc.record_documents(
        run,
        [_doc(n, not_modified=True, fetched_at=T2) for n in (1, 2)]
        + [_doc(n, error_kind="http-404", error="HTTP 404", fetched_at=T2) for n in (3, 4)],
    )
    facts = arc.run_facts(run)
    assert (facts.documents, facts.not_modified, facts.errors, facts.gone) == (4, 2, 2, {"s/3", "s/4"})


def test_a_304_naming_no_policy_is_filed_under_the_policy_of_its_bytes(arc):
    arc.record_documents(arc.start_run("s").id, [_doc(1, body=b"v1", fetched_at=T1)])
    out = arc.record_documents(
        arc.start_run("s").id, [_doc(1, policy_id=None, not_modified=True, fetched_at=T2)]
    )
    assert out == [("not_modified", None)] and arc.get_policy("s/1").last_seen == T2


def test_the_fetch_log_says_why_a_304_was_refused_and_keeps_a_superseded_pages_size(arc):
    run = arc.start_run("s").id
    arc.record_documents(run, [_doc(1, body=b"current")])
    arc.record_documents(run, [_doc(1, url="https://s.example/p/1-old", body=b"older", superseded=True)])
    arc.record_documents(run, [_doc(2, not_modified=True)])
    fetches = {f.url.rsplit("/", 1)[1]: f for f in arc.list_fetches("s")}
    assert fetches["2"].error == "304 for a URL we hold no bytes for"
    assert (fetches["1-old"].outcome, fetches["1-old"].size) == ("superseded", 5)


def test_the_fetch_log_keeps_what_the_server_said(arc):
    run = arc.start_run("s").id
    arc.record_documents(
        run,
        [
            _doc(
                1,
                body=b"v1",
                final_url="https://s.example/new/1",
                http_status=200,
                content_type="text/html; charset=utf-8",
                recheck=True,
            )
        ],
    )
    (f,) = arc.list_fetches("s")
    assert (f.final_url, f.http_status, f.content_type) == (
        "https://s.example/new/1",
        200,
        "text/html; charset=utf-8",
    )


def test_repeated_304s_on_a_superseded_page_never_count_as_sightings(arc):
    old = "https://s.example/p/1-2025"
    arc.record_documents(arc.start_run("s").id, [_doc(1, body=b"current", fetched_at=T1)])
    arc.record_documents(
        arc.start_run("s").id, [_doc(1, url=old, body=b"old", superseded=True, fetched_at=T1)]
    )
    for when in (T2, T3):
        arc.record_documents(arc.start_run("s").id, [_doc(1, url=old, not_modified=True, fetched_at=when)])
    assert arc.get_policy("s/1").last_seen == T1


def test_a_304_at_a_new_address_that_first_brought_known_bytes_is_understood(arc):
    """The policy moved; its new URL first answered the same bytes (``unchanged``), then a 304."""
    moved = "https://s.example/moved/1"
    arc.record_documents(arc.start_run("s").id, [_doc(1, body=b"v1", fetched_at=T1)])
    assert arc.record_documents(arc.start_run("s").id, [_doc(1, url=moved, body=b"v1", fetched_at=T2)]) == [
        ("unchanged", None)
    ]
    out = arc.record_documents(arc.start_run("s").id, [_doc(1, url=moved, not_modified=True, fetched_at=T3)])
    assert out == [("not_modified", None)] and arc.get_policy("s/1").last_seen == T3


def test_a_304_refreshes_its_own_policys_version_not_another_with_the_same_bytes(arc):
    arc.record_documents(arc.start_run("s").id, [_doc(n, body=b"shared", fetched_at=T1) for n in (2, 3)])
    arc.record_documents(arc.start_run("s").id, [_doc(3, not_modified=True, fetched_at=T2)])
    assert [v.last_seen for v in arc.list_versions("s/2")] == [T1]
    assert [v.last_seen for v in arc.list_versions("s/3")] == [T2]


def test_a_policy_the_archive_holds_without_a_key_is_found_by_its_id(arc):
    """Policies made before keys existed (or by hand) have no key row: a fetch naming one by id finds it."""
    from store.models import Policy

    arc.upsert_policy(Policy(id="s/1", source_id="s", url="https://s.example/p/1", title="Old"))
    out = arc.record_documents(arc.start_run("s").id, [_doc(1, body=b"v1", fetched_at=T1)])
    assert out[0][0] == "new_version" and arc.get_policy("s/1").last_seen == T1


def _state(archive: Archive) -> tuple[list, list, list]:
    """Every version, policy and fetch row as plain tuples (ids included: a batch must number versions
    in document order, as one INSERT per document did)."""
    with archive.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
            for t in (schema.versions, schema.policies, schema.fetches)
        )


def test_a_batch_archives_exactly_what_one_document_at_a_time_does(tmp_path):
    """``VersionBatch`` (new policies, keys and versions written once per batch) against the same
    documents recorded one per transaction: new policies twice in a batch, the same bytes again, a
    known policy's bytes changing and coming back (A → B → A), a 304 and an error among them."""
    first = [_doc(n, body=f"v{n}".encode(), fetched_at=T1) for n in (1, 2)]
    second = [
        _doc(3, body=b"v3", fetched_at=T2),
        _doc(3, body=b"v3", fetched_at=T2, url="https://s.example/p/3b"),  # same policy, same bytes
        _doc(4, body=b"a", fetched_at=T2),
        _doc(4, body=b"b", fetched_at=T3),  # a new policy's second version in the same batch
        _doc(1, body=b"v1-changed", fetched_at=T2),
        _doc(1, body=b"v1", fetched_at=T3),  # A → B → A on a stored policy
        _doc(2, body=b"v2", fetched_at=T3),  # the stored version's bytes again: last_seen only
        _doc(2, body=b"v2", fetched_at=T4),
        _doc(5, error_kind="http-503", http_status=503, error="HTTP 503", fetched_at=T2),
        _doc(6, body=b"v6", fetched_at=T4),
    ]
    states, outs = [], []
    for name, batches in (("one", [[d] for d in second]), ("all", [second])):
        archive = Archive(tmp_path / name)
        archive.upsert_source(Source(id="s", payer="S"))
        archive.record_documents(archive.start_run("s").id, [dataclasses.replace(d) for d in first])
        run = archive.start_run("s").id
        outs.append(
            [
                out
                for batch in batches
                for out in archive.record_documents(run, [dataclasses.replace(d) for d in batch])
            ]
        )
        states.append(_state(archive))
        archive.close()
    assert outs[0] == outs[1]
    assert [o for o, _ in outs[1]].count("new_version") == 6
    assert states[0] == states[1]
