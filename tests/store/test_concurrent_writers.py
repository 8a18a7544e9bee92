"""Several writers on one archive at once (what N workers do): nothing lost, nothing stored twice.

Each writer has its own ``Archive`` (its own connections), as separate worker processes have; a barrier
starts them together so that their transactions really interleave.
"""

from __future__ import annotations

import threading

from store import Archive, change_id
from store.crawlstate import DocumentFetch
from store.models import Change, Policy, Source, utcnow

WRITERS = 4
DOCS = 15


def _run_writers(target) -> list:
    start = threading.Barrier(WRITERS)
    results, errors = [None] * WRITERS, []

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = target(n)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    return results


def test_crawls_of_different_sources_write_at_once(archive, data_dir):
    def crawl(n: int):
        with Archive(data_dir) as own:
            own.upsert_source(Source(id=f"s{n}", payer=f"Payer {n}"))
            run = own.start_run(f"s{n}")
            docs = [
                DocumentFetch(
                    source_id=f"s{n}",
                    url=f"https://s{n}.example/p/{i}",
                    policy_id=f"s{n}/{i}",
                    title=f"Policy {i}",
                    media_type="text/html",
                    body=f"source {n} policy {i}".encode(),
                )
                for i in range(DOCS)
            ]
            own.record_documents(run.id, docs)
            run.status, run.finished_at = "ok", utcnow()
            own.finish_run(run)
            return own.run_facts(run.id).new_versions

    assert _run_writers(crawl) == [DOCS] * WRITERS
    assert [s.id for s in archive.list_sources()] == [f"s{n}" for n in range(WRITERS)]
    assert sum(len(archive.list_versions(f"s{n}/{i}")) for n in range(WRITERS) for i in range(DOCS)) == (
        WRITERS * DOCS
    )


def test_the_same_change_detected_by_several_workers_is_stored_and_queued_once(archive, data_dir):
    from feeds.outbox import queue_changes

    archive.upsert_source(Source(id="acme", payer="Acme"))
    archive.upsert_policy(Policy(id="acme/1", source_id="acme", url="u"))
    v1, _ = archive.add_version("acme/1", b"one", "u")
    v2, _ = archive.add_version("acme/1", b"two", "u")
    archive.add_subscription("clinic@example.test")
    change = Change(
        id=change_id("acme/1", v1.sha256, v2.sha256, "criteria"),
        policy_id="acme/1",
        kind="criteria",
        severity="high",
        summary="Acme: criteria changed",
        detected_at=utcnow(),
        old_version_id=v1.id,
        new_version_id=v2.id,
        drugs=["esketamine"],
    )

    def detect(_n: int):
        with Archive(data_dir) as own:
            stored, created = own.add_change(change)
            queued = queue_changes(own, [stored]) if created else 0
            return created, queued

    results = _run_writers(detect)
    assert sorted(results, reverse=True) == [(True, 1)] + [(False, 0)] * (WRITERS - 1)
    assert [c.id for c in archive.list_changes()] == [change.id]
    assert archive.delivery_counts() == {"pending": 1}
