"""The decisions of ``payerwatch.processing`` that the first mutation run found unguarded (docs/mutation.md):
what a stored change carries, whose name it gives, which first crawl is a baseline, what a batch does
with a document it cannot read, and what ``reprocess`` reports.

Comparisons use hand-built extractions (``tests/support/differ.py``); batches and ``reprocess`` read real
bytes with the real extraction workers.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

import differ
from payerwatch import processing
from store.models import Policy, Source
from tests.differ.test_differ_compare import FAILED2, base
from tests.payerwatch.test_processing import PID, _run, _setup
from tests.support.differ import policy

JAN = dt.datetime(2026, 1, 1, 6, tzinfo=dt.UTC)
HISTORY = [("06/01/2025", "Annual review of the Spravato criteria.")]


def _add(archive, extracted, when: dt.datetime, data: bytes | None = None, pid: str = PID):
    version, _ = archive.add_version(
        pid, data or extracted.text.encode() + when.isoformat().encode(), "u", "text/html", when
    )
    archive.set_extraction(version.id, extracted)
    return version, processing.detect_changes(archive, version.id)


def _messages(caplog) -> list[str]:
    """What the operator reads in the log (whole lines: a word added to one is a different line)."""
    return [r.getMessage() for r in caplog.records if r.name == "payerwatch.processing"]


@pytest.mark.parametrize(
    "new, revision_note, needs_review",
    [
        # the revision history says why: the change carries its note
        (
            base(failed=FAILED2, history=[*HISTORY, ("12/15/2025", "Reduced trials for Spravato to two.")]),
            True,
            False,
        ),
        # a history that does not mention the change: flagged for a person to check
        (base(failed=FAILED2, history=HISTORY), False, True),
    ],
)
def test_the_stored_change_is_what_the_differ_found(archive, new, revision_note, needs_review):
    _setup(archive)
    old = base(history=HISTORY)
    v1, _ = _add(archive, old, JAN)
    v2, (change,) = _add(archive, new, JAN + dt.timedelta(days=1))
    (found,) = differ.compare(old, new, payer="UnitedHealthcare", title=new.metadata.title).changes
    stored = archive.get_change(change.id)
    assert (stored.kind, stored.severity, stored.summary, stored.drugs) == (
        found.kind,
        found.severity,
        found.summary,
        list(found.drugs),
    )
    assert "lowered from 3 to 2" in stored.summary and stored.severity == "high"
    assert (stored.revision_note is not None, stored.needs_review) == (revision_note, needs_review)
    assert stored.revision_note == found.revision_note
    assert stored.effective_date == found.effective_date == dt.date(2025, 1, 1)
    assert stored.detected_at == v2.first_seen  # when the crawl saw it, not when it was analysed
    assert (stored.old_version_id, stored.new_version_id) == (v1.id, v2.id)
    assert stored.diff == [[op, text] for op, text in found.diff]
    assert stored.evidence == [b["evidence"] for b in stored.details] and stored.evidence
    for evidence in stored.evidence:
        assert evidence["old"]["version_id"] == v1.id and evidence["new"]["version_id"] == v2.id


def test_a_new_policy_has_no_old_evidence(archive):
    _setup(archive)
    v1, (change,) = _add(archive, base(), JAN)
    assert change.kind == "new_policy" and change.old_version_id is None and change.new_version_id == v1.id
    assert all(e["old"] is None for e in archive.get_change(change.id).evidence)
    assert archive.get_version(v1.id).note is None  # announced: nothing to explain on the version


def test_the_change_names_the_payer_and_the_policy_title_when_the_document_has_none(archive):
    archive.upsert_source(Source(id="uhc", payer="UnitedHealthcare"))
    archive.upsert_policy(
        Policy(id=PID, source_id="uhc", url="https://example.test/p", title="Esketamine Rules")
    )
    _, (change,) = _add(archive, base(title=""), JAN)
    assert change.summary.startswith("UnitedHealthcare") and "Esketamine Rules" in change.summary


def _baseline_run(archive, finished: dt.datetime, status: str = "ok") -> None:
    run = archive.start_run("uhc", started_at=finished - dt.timedelta(hours=1))
    archive.record_documents(run.id, [])
    run.status, run.finished_at = status, finished
    archive.finish_run(run)


@pytest.mark.parametrize(
    "first_seen, status, announced",
    [
        (JAN - dt.timedelta(hours=1), "ok", False),  # archived by the first crawl: its baseline
        (JAN, "ok", False),  # ... up to the moment it finished
        (JAN + dt.timedelta(seconds=1), "ok", True),  # a policy that appears later is news
        (JAN + dt.timedelta(days=3), "failed", False),  # no successful crawl yet: still the baseline
    ],
)
def test_a_source_first_crawl_is_a_baseline(archive, first_seen, status, announced):
    _setup(archive)
    _baseline_run(archive, JAN, status)
    version, found = _add(archive, base(), first_seen)
    assert [c.kind for c in found] == (["new_policy"] if announced else [])
    assert (archive.get_version(version.id).note == processing.BASELINE) is not announced


def test_a_source_never_crawled_has_no_baseline(archive):
    _setup(archive)
    version, found = _add(archive, base(), JAN)
    assert [c.kind for c in found] == ["new_policy"]


def test_a_policy_that_never_mentioned_the_drugs_has_no_topic_loss_to_confirm(archive):
    _setup(archive)
    first = policy([("Background", ["Nothing about the drugs here."])])
    _add(archive, first, JAN)
    second, found = _add(
        archive, policy([("Background", ["Still nothing about them."])]), JAN + dt.timedelta(1)
    )
    assert found == [] and archive.get_version(second.id).note != processing.PENDING_LOSS


def test_a_version_without_extraction_detects_nothing(archive):
    _setup(archive)
    _add(archive, base(), JAN)
    version, _ = archive.add_version(PID, b"unreadable", "u", "text/html", JAN + dt.timedelta(days=1))
    archive.set_extraction(version.id, None, error="corrupt: no text")
    assert processing.detect_changes(archive, version.id) == []
    assert processing.detect_changes(archive, version.id + 100) == []  # no such version


def test_a_reinstatement_survives_the_version_being_analysed_again(archive):
    _setup(archive)
    v1, _ = _add(archive, base(), JAN)
    _run(archive, 1, missing=True)
    _run(archive, 2, missing=True)
    processing.analyse_source(archive, "uhc")
    _run(archive, 3, seen=archive.version_bytes(v1.id))
    (back,) = processing.analyse_source(archive, "uhc")
    assert back.kind == "reinstated" and back.new_version_id == v1.id
    processing.detect_changes(archive, v1.id)  # analysed again (reprocess): the status changes stay
    assert {"retired", "reinstated"} <= {c.kind for c in archive.list_changes(policy_id=PID)}


def test_a_delivered_change_no_longer_detected_is_kept_and_logged(archive, caplog):
    _setup(archive)
    _add(archive, base(), JAN)
    v2, (first,) = _add(archive, base(failed=FAILED2), JAN + dt.timedelta(days=1))
    assert archive.add_delivery(first.id, archive.add_subscription("clinic@example.test").id)
    archive.set_extraction(v2.id, base())
    with caplog.at_level(logging.WARNING, logger="payerwatch.processing"):
        processing.detect_changes(archive, v2.id)
    assert [c.id for c in archive.changes_for_version(v2.id)] == [first.id]
    assert f"change {first.id} no longer detected but already delivered; kept" in _messages(caplog)


# Batches of real bytes, read by the extraction workers.

DOC = (
    b"<html><head><title>Ketamine infusions %d</title></head><body><h1>Ketamine infusions</h1>"
    b"<p>Ketamine infusion for depression is not covered (revision %d).</p></body></html>"
)
BROKEN = b"%PDF-1.7\n1 0 obj truncated"


def _source(archive, *pids: str) -> None:
    archive.upsert_source(Source(id="local", payer="Local Health"))
    for pid in pids:
        archive.upsert_policy(Policy(id=pid, source_id="local", url=f"https://local.test/{pid}"))


def _archive_bytes(archive, pid: str, data: bytes, day: int, media_type: str = "text/html") -> int:
    when = JAN + dt.timedelta(days=day)
    version, _ = archive.add_version(pid, data, f"https://local.test/{pid}", media_type, when)
    return version.id


def test_a_document_that_cannot_be_read_does_not_stop_the_batch(archive, caplog):
    _source(archive, "local/a", "local/b", "local/c")
    ids = [
        _archive_bytes(archive, "local/a", BROKEN, 1, "application/pdf"),
        _archive_bytes(archive, "local/b", DOC % (1, 1), 1),
        _archive_bytes(archive, "local/c", DOC % (2, 1), 1),
    ]
    with caplog.at_level(logging.WARNING, logger="payerwatch.processing"):
        created = processing.process_versions(archive, ids)
    assert sorted(c.policy_id for c in created) == ["local/b", "local/c"]
    broken, *good = (archive.get_version(i) for i in ids)
    assert broken.extract_error.startswith("corrupt") and "%%EOF" in broken.extract_error
    assert all(v.extract_error is None and v.mentions_topic for v in good)
    why = broken.extract_error.split(": ", 1)[1]  # the reader's words (after the reason)
    assert f"extract failed for https://local.test/local/a: {why}" in _messages(caplog)


def test_workers_killed_for_their_limits_are_each_recorded_for_a_retry(archive, monkeypatch, caplog):
    _source(archive, "local/a", "local/b")
    ids = [_archive_bytes(archive, pid, DOC % (i, 1), 1) for i, pid in enumerate(("local/a", "local/b"))]
    monkeypatch.setenv("PAYERWATCH_KILL_AT", "extract:worker")  # each worker dies as if OOM-killed
    with caplog.at_level(logging.WARNING, logger="payerwatch.processing"):
        assert processing.process_versions(archive, ids) == []
    for vid in ids:
        version = archive.get_version(vid)
        assert version.extract_attempts == 1 and version.extract_retry_at is not None
        assert version.extract_error.startswith("resource-limit: ")
        assert f"(after 1 attempt(s), retried after {version.extract_retry_at:%Y-%m-%d %H:%M} UTC)" in (
            version.extract_error
        )
    why = archive.get_version(ids[1]).extract_error.split(": ", 1)[1]  # what died, and when it is retried
    assert f"extract failed for https://local.test/local/b: {why}" in _messages(caplog)


def test_reprocess_counts_versions_and_errors_and_reports_progress(archive):
    _source(archive, "local/a", "local/b")
    _archive_bytes(archive, "local/a", DOC % (1, 1), 1)
    _archive_bytes(archive, "local/a", DOC % (1, 2), 2)
    _archive_bytes(archive, "local/b", BROKEN, 1, "application/pdf")
    _archive_bytes(archive, "local/b", BROKEN + b" again", 2, "application/pdf")
    ticks: list[int] = []
    done, errors, created = processing.reprocess(archive, on_version=ticks.append)
    assert (done, errors, ticks) == (4, 2, [1, 1, 1, 1])
    assert [(c.kind, c.policy_id) for c in created] == [("new_policy", "local/a"), ("wording", "local/a")]
    assert processing.reprocess(archive, "local/a") == (2, 0, [])  # again: nothing new
    assert processing.reprocess(archive, "local/b")[:2] == (2, 2)
    assert processing.reprocess(archive, "local/nope") == (0, 0, [])


def test_a_policy_at_a_new_address_with_the_same_number_continues_its_history(archive):
    numbered = DOC.replace(b"<h1>", b"<p>Policy Number: LH-300</p><h1>")
    _source(archive, "local/old", "local/new")
    processing.process_versions(archive, [_archive_bytes(archive, "local/old", numbered % (1, 1), 1)])
    moved = _archive_bytes(archive, "local/new", numbered % (1, 2), 2)
    processing.process_versions(archive, [moved])
    assert archive.get_version(moved).policy_id == "local/old"
    assert [v.seq for v in archive.list_versions("local/old")] == [1, 2]


# Topic losses and the analysis of one source.

OTHER, THIRD = "uhc/2025D0070", "uhc/2025D0071"


def _blank():
    """What a maintenance page served with HTTP 200 extracts to: a document about nothing."""
    return policy([("Notice", ["This site is being updated. Please come back later."])], title="Notice")


def _policies(archive, *pids: str) -> None:
    for pid in pids:
        archive.upsert_policy(Policy(id=pid, source_id="uhc", url=f"https://example.test/{pid}"))


def _confirmed_loss(archive, pid: str):
    """A policy whose drugs vanished from a version that a second crawl saw again."""
    _add(archive, base(), JAN, pid=pid)
    gone, found = _add(archive, _blank(), JAN + dt.timedelta(days=1), data=pid.encode(), pid=pid)
    assert found == [] and archive.get_version(gone.id).note == processing.PENDING_LOSS
    archive.add_version(pid, pid.encode(), "u", "text/html", JAN + dt.timedelta(days=2))  # seen again
    return gone


def test_every_confirmed_topic_loss_is_announced(archive):
    _setup(archive)
    _policies(archive, OTHER)
    gone = [_confirmed_loss(archive, pid) for pid in (PID, OTHER)]
    found = processing.confirm_topic_losses(archive, "uhc")
    assert sorted(c.new_version_id for c in found) == sorted(v.id for v in gone)


def test_a_topic_loss_replaced_by_a_newer_version_is_not_announced(archive):
    """Only the policy's current text is announced: a newer version stands (here one that could not be
    read, so nothing else decides it)."""
    _setup(archive)
    _confirmed_loss(archive, PID)
    newer, _ = archive.add_version(PID, b"a newer version", "u", "text/html", JAN + dt.timedelta(days=3))
    archive.set_extraction(newer.id, None, error="corrupt: unreadable")
    assert processing.confirm_topic_losses(archive, "uhc") == []


def test_analysing_one_source_leaves_the_others_alone(archive):
    _setup(archive)
    _policies(archive, OTHER, THIRD)
    gone = _confirmed_loss(archive, PID)  # uhc: a loss waiting to be announced,
    waiting, _ = archive.add_version(OTHER, b"not analysed yet", "u", "text/html", JAN)  # a new version,
    deferred, _ = _add(archive, base(), JAN, pid=THIRD)  # and a move a killed crawl left undecided
    archive.set_version_note(deferred.id, processing.PENDING_MOVE)
    _source(archive, "local/a")
    _archive_bytes(archive, "local/a", DOC % (1, 1), 1)
    assert [c.policy_id for c in processing.analyse_source(archive, "local")] == ["local/a"]
    assert archive.get_version(gone.id).note == processing.PENDING_LOSS
    assert archive.unprocessed_version_ids("uhc") == [waiting.id]
    assert archive.get_version(deferred.id).note == processing.PENDING_MOVE


def _finished_run(archive, source_id: str, finished: dt.datetime) -> None:
    run = archive.start_run(source_id, started_at=finished - dt.timedelta(hours=1))
    archive.record_documents(run.id, [])
    run.status, run.finished_at = "ok", finished
    archive.finish_run(run)


def test_a_crawl_run_counts_the_changes_its_analysis_found(archive):
    _source(archive, "local/a")
    _finished_run(archive, "local", JAN)  # the baseline crawl
    _archive_bytes(archive, "local/a", DOC % (1, 1), 1)  # a policy that appeared later: news
    _finished_run(archive, "local", JAN + dt.timedelta(days=1, hours=1))
    found = processing.analyse_source(archive, "local")
    assert [(c.kind, c.policy_id) for c in found] == [("new_policy", "local/a")]
    newest = max(archive.list_runs("local"), key=lambda r: r.id)
    assert newest.changes == 1 and newest.analysed_at is not None


def test_reprocess_settles_the_runs_an_interrupted_analysis_left_in_its_source_only(archive):
    _setup(archive)
    _policies(archive, THIRD)
    deferred, _ = _add(archive, base(), JAN, pid=THIRD)  # uhc: a move a killed crawl left undecided
    archive.set_version_note(deferred.id, processing.PENDING_MOVE)
    _finished_run(archive, "uhc", JAN + dt.timedelta(days=1))  # ... and a run it never settled
    _source(archive, "local/a")
    _archive_bytes(archive, "local/a", DOC % (1, 1), 1)
    _finished_run(archive, "local", JAN + dt.timedelta(days=2))
    processing.reprocess(archive, "local/a")
    assert [r.analysed_at is not None for r in archive.list_runs("local")] == [True]
    assert [r.analysed_at for r in archive.list_runs("uhc")] == [None]
    assert archive.get_version(deferred.id).note == processing.PENDING_MOVE


def test_settling_decides_every_deferred_move_even_with_the_destination_unread(archive):
    """The crawl is over: a destination still unread (its extraction failed or waits for a retry) no
    longer holds the decision back."""
    from tests.payerwatch.test_moves import COMBINED, _split

    left, _unread = _split(archive)
    assert processing.process_versions(archive, [left]) == []
    assert archive.get_version(left).note == processing.PENDING_MOVE
    archive.upsert_policy(Policy(id="local/LH-530", source_id="local", url="https://local.test/LH-530"))
    other, _ = archive.add_version("local/LH-530", b"530", "u", "text/html", JAN)  # what a killed crawl
    archive.set_extraction(other.id, base())  # left deferred too
    archive.set_version_note(other.id, processing.PENDING_MOVE)
    created = processing.settle_moves(archive, "local")
    assert sorted(c.policy_id for c in created) == [COMBINED, "local/LH-530"]
    assert processing.PENDING_MOVE not in (archive.get_version(v).note for v in (left, other.id))


def test_the_declared_type_and_the_address_are_read_with_the_bytes(archive):
    """A page fragment with no <html> tag is HTML because the server said so; a policy whose number only
    its address carries ("…/LH-300.html") is numbered from it."""
    fragment = b"Ketamine infusions<br><p>Ketamine infusion for depression is not covered.</p>"
    _source(archive, "local/a")
    version, _ = archive.add_version(
        "local/a", fragment, "https://local.test/policies/LH-300.html", "text/html", JAN
    )
    processing.process_versions(archive, [version.id])
    stored = archive.get_version(version.id)
    assert stored.extract_error is None and stored.mentions_topic
    assert processing.load_extraction(archive, version.id).metadata.policy_number == "LH-300"


def test_a_worker_count_that_is_no_number_is_refused_not_ignored(archive, monkeypatch):
    from payerwatch.config import ConfigError

    monkeypatch.setenv("PAYERWATCH_EXTRACT_WORKERS", "many")
    with pytest.raises(ConfigError, match="PAYERWATCH_EXTRACT_WORKERS"):
        processing.process_versions(archive, [])


# Dated paths: a manual republishing every section at a new dated path (holdout-2, category 1).

MANUAL = "https://manual.test/manuals/%s/AsOf/FP12/%s.html"
SECTION = (
    b"<html><body><h1>Esketamine Nasal Spray</h1><p>Manual Reference: Chapter 7, Section 3.8</p>"
    b"<p>Esketamine nasal spray is covered for treatment-resistant depression (edition %d).</p></body></html>"
)


def _edition(archive, date: str, name: str, data: bytes, day: int) -> int:
    pid = "local/" + MANUAL % (date, name)
    archive.upsert_policy(Policy(id=pid, source_id="local", url=MANUAL % (date, name)))
    version, _ = archive.add_version(
        pid, data, MANUAL % (date, name), "text/html", JAN + dt.timedelta(days=day)
    )
    return version.id


@pytest.mark.parametrize("numbered", [True, False])
def test_a_newer_edition_at_a_dated_path_continues_the_section(archive, numbered):
    doc = SECTION if numbered else SECTION.replace(b"Manual Reference: Chapter 7, Section 3.8", b"")
    _source(archive)
    first = _edition(archive, "2026-01-15", "c7s3_8", doc % 1, 1)
    processing.process_versions(archive, [first])
    pid = archive.get_version(first).policy_id
    later = _edition(archive, "2026-03-01", "c7s3_8", doc % 2, 20)
    processing.process_versions(archive, [later])
    assert archive.get_version(later).policy_id == pid
    assert [c.kind for c in archive.list_changes()] != ["new_policy"]
    # an older edition found late is its own document, never the section's current version
    stale = _edition(archive, "2025-11-01", "c7s3_8", doc % 0, 30)
    processing.process_versions(archive, [stale])
    assert archive.get_version(stale).policy_id != pid
    # another section of the same edition is another policy
    other = _edition(archive, "2026-04-01", "c7s3_9", doc.replace(b"3.8", b"3.9") % 3, 40)
    processing.process_versions(archive, [other])
    assert archive.get_version(other).policy_id != pid
