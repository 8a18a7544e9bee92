"""Detection over a real archive: stored once, stable ids, flip-flops, retirements, the CLI contract.

Extractions are hand-built (``tests/support/differ.py``) and stored with ``set_extraction``, so these tests
exercise the store side of detection without depending on the extractors.
"""

from __future__ import annotations

import datetime as dt
import json

from payerwatch import processing
from store import change_id
from store.models import Policy, Source
from tests.differ.test_differ_compare import CODES_NEW, FAILED2, KET_NEW, base
from tests.support import run_cli
from tests.support.differ import policy

PID = "uhc/2025D0069"


def _setup(archive):
    archive.upsert_source(Source(id="uhc", payer="UnitedHealthcare"))
    archive.upsert_policy(Policy(id=PID, source_id="uhc", url="https://example.test/spravato.pdf"))


def _add(archive, extracted, day: int, data: bytes | None = None):
    when = dt.datetime(2026, 1, day, 6, tzinfo=dt.UTC)
    version, created = archive.add_version(
        PID, data or extracted.text.encode() + bytes([day]), "u", "text/html", when
    )
    archive.set_extraction(version.id, extracted)
    return version, processing.detect_changes(archive, version.id)


def test_history_of_changes_stored_once(archive):
    _setup(archive)
    v1, c1 = _add(archive, base(), 1)
    v2, c2 = _add(archive, base(failed=FAILED2), 2)
    v3, c3 = _add(archive, base(failed=FAILED2, codes=CODES_NEW), 3)
    v4, c4 = _add(archive, base(failed=FAILED2, codes=CODES_NEW), 4)  # re-export: same text
    assert [c.kind for c in c1 + c2 + c3 + c4] == ["new_policy", "criteria", "codes"]
    assert c2[0].id == change_id(PID, v1.sha256, v2.sha256, "criteria")
    assert c2[0].details[0]["evidence"]["old"]["version_id"] == v1.id
    assert c2[0].details[0]["evidence"]["new"]["version_id"] == v2.id
    assert c2[0].diff and all(isinstance(op, list) for op in c2[0].diff)
    assert archive.get_version(v4.id).note.startswith("same normalized text")
    # running detection again creates nothing and keeps ids
    again = [processing.detect_changes(archive, v.id) for v in (v1, v2, v3, v4)]
    assert again == [[], [], [], []]
    assert sorted(c.id for c in archive.list_changes()) == sorted(c.id for c in c1 + c2 + c3)


def test_flip_flop_is_announced_once(archive):
    _setup(archive)
    _add(archive, base(), 1)
    _, c2 = _add(archive, base(ket=KET_NEW), 2)
    v3, c3 = _add(archive, base(), 3)  # site flips back (different bytes, same text as v1)
    _, c4 = _add(archive, base(ket=KET_NEW), 4)
    assert [c.kind for c in c2] == ["coverage_position"]
    assert c3 == [] and c4 == []
    assert "flip-flopping" in archive.get_version(v3.id).note


def test_unrelated_revision_noted(archive):
    _setup(archive)
    _add(archive, base(), 1)
    v2, c2 = _add(archive, base(background=("Background", ["Something else entirely."])), 2)
    assert c2 == []
    assert archive.get_version(v2.id).note.startswith("unrelated revision")


def _run(archive, day: int, *, seen: bytes | None = None, missing: bool = False, status: str = "ok"):
    """A finished crawl run of the test source that saw PID, found it missing (recheck 404), or neither."""
    from store.crawlstate import DocumentFetch

    when = dt.datetime(2026, 2, day, 6, tzinfo=dt.UTC)
    run = archive.start_run("uhc", started_at=when)
    docs = []
    if seen is not None or missing:
        docs.append(
            DocumentFetch(
                source_id="uhc",
                url="https://example.test/spravato.pdf",
                policy_id=PID,
                not_modified=False,
                body=None if missing else seen,
                error_kind="http-404" if missing else None,
                missing=missing,
                media_type="application/pdf",
                fetched_at=when,
            )
        )
    archive.record_documents(run.id, docs)
    run.status, run.finished_at = status, when
    archive.finish_run(run)
    return run


def test_retired_after_two_successful_runs_and_reinstated(archive):
    _setup(archive)
    v1, _ = _add(archive, base(), 1)
    _run(archive, 1, missing=True)
    assert processing.analyse_source(archive, "uhc") == []
    assert archive.get_policy(PID).status == "missing"
    _run(archive, 2, missing=True, status="failed")  # a failed run neither counts nor resets
    _run(archive, 3)  # not fetched at all: nothing
    (retired,) = [c for c in processing.analyse_source(archive, "uhc") if c.kind == "retired"] or [None]
    assert retired is None and archive.get_policy(PID).status == "missing"
    _run(archive, 4, missing=True)
    (retired,) = processing.analyse_source(archive, "uhc")
    assert retired.kind == "retired" and retired.severity == "high" and retired.old_version_id == v1.id
    assert archive.get_policy(PID).status == "retired"
    assert processing.analyse_source(archive, "uhc") == []  # settled once
    _run(archive, 5, seen=archive.version_bytes(v1.id))
    (back,) = processing.analyse_source(archive, "uhc")
    assert back.kind == "reinstated" and back.drugs == ["ketamine", "esketamine"]
    assert archive.get_policy(PID).status == "active"
    assert [r.analysed_at is not None for r in archive.list_runs("uhc")] == [True] * 5


def test_non_topic_policy_never_announced(archive):
    _setup(archive)
    other = policy([("Background", ["Nothing about the drugs here."])])
    _, c1 = _add(archive, other, 1)
    assert c1 == []
    _run(archive, 1, missing=True)
    _run(archive, 2, missing=True)
    assert processing.analyse_source(archive, "uhc") == []
    assert archive.get_policy(PID).status == "retired"


def test_changes_json_contract_and_diff(archive, data_dir, tmp_path):
    _setup(archive)
    v1, _ = _add(archive, base(), 1)
    v2, _ = _add(archive, base(failed=FAILED2), 2)
    archive.close()
    res = run_cli("changes", "--json", data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["criteria", "new_policy"]
    keys = {
        "id",
        "payer",
        "policy",
        "title",
        "url",
        "kind",
        "severity",
        "drugs",
        "summary",
        "details",
        "detected_at",
        "effective_date",
        "old_version",
        "new_version",
    }
    assert keys <= set(rows[0])
    assert (
        rows[0]["payer"] == "UnitedHealthcare" and rows[0]["old_version"] == 1 and rows[0]["new_version"] == 2
    )
    res = run_cli("changes", "--drug", "esketamine", "--since", "2026-01-02", data_dir=data_dir)
    assert "lowered from 3 to 2" in res.stdout and "new policy" not in res.stdout
    res = run_cli("diff", PID, data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    assert "three" in res.stdout and "two" in res.stdout
    page = tmp_path / "d.html"
    res = run_cli("diff", PID, "1", "2", "--html", str(page), data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    html = page.read_text()
    assert "<del" in html and ">three</del>" in html and ">two</ins>" in html
    assert "Esketamine · TRD: failed antidepressants required 3 → 2" in html
    res = run_cli("diff", "2025D0069", v1.sha256[:10], v2.sha256[:10], "--full", data_dir=data_dir)
    assert res.returncode == 0 and "three" in res.stdout and "Instructions for Use" in res.stdout
    assert run_cli("diff", PID, "1", data_dir=data_dir).returncode == 2
    assert run_cli("diff", "nope", data_dir=data_dir).returncode == 2  # unknown policy: exit 2 (README)


def test_reclassified_version_replaces_its_undelivered_change(archive):
    """An improved extraction of the same bytes moves the change id (the kind is part of it): the stale
    record is retracted instead of standing next to the new one."""
    _setup(archive)
    _add(archive, base(), 1)
    v2, (first,) = _add(archive, base(failed=FAILED2), 2)
    archive.set_extraction(v2.id, base(failed=FAILED2, ket=KET_NEW))  # "re-extracted" more precisely
    (second,) = processing.detect_changes(archive, v2.id)
    assert (first.kind, second.kind) == ("criteria", "coverage_position")
    assert [c.id for c in archive.changes_for_version(v2.id)] == [second.id]
    archive.set_extraction(v2.id, base())  # and a version that turns out to hold no change at all
    assert processing.detect_changes(archive, v2.id) == []
    assert archive.changes_for_version(v2.id) == []


def test_delivered_change_is_never_retracted(archive):
    _setup(archive)
    _add(archive, base(), 1)
    v2, (first,) = _add(archive, base(failed=FAILED2), 2)
    sub = archive.add_subscription("clinic@example.test")
    assert archive.add_delivery(first.id, sub.id)
    archive.set_extraction(v2.id, base())
    processing.detect_changes(archive, v2.id)
    assert [c.id for c in archive.changes_for_version(v2.id)] == [first.id]


def test_return_after_the_flip_flop_window_is_announced(archive):
    """A text last seen long ago is a real reversal, not a flapping site."""
    _setup(archive)
    _add(archive, base(), 1)
    steps = [
        base(failed=FAILED2),
        base(failed=FAILED2, codes=CODES_NEW),
        base(codes=CODES_NEW),
        base(ket=KET_NEW, codes=CODES_NEW),
    ]
    for day, extracted in enumerate(steps, start=2):
        _, found = _add(archive, extracted, day)
        assert len(found) == 1
    _, back = _add(archive, base(), 9)  # the day-1 text, 5 versions later (window: 4)
    assert [c.kind for c in back] == ["coverage_position"]


def test_new_changes_are_queued_for_subscribers(archive):
    _setup(archive)
    _add(archive, base(), 1)
    sub = archive.add_subscription("clinic@example.test")
    # detected_at is the version's first_seen: a crawl after the subscription, so it is queued
    version, _ = archive.add_version(PID, b"v2 bytes", "u", "text/html")
    archive.set_extraction(version.id, base(failed=FAILED2))
    (change,) = processing.detect_changes(archive, version.id)
    assert [d.change_id for d in archive.list_deliveries(subscription_id=sub.id)] == [change.id]


def _blank():
    """What a maintenance page served with HTTP 200 extracts to: a document about nothing."""
    return policy([("Notice", ["This site is being updated. Please come back later."])], title="Notice")


def test_a_payer_undoing_a_change_weeks_later_is_announced_and_becomes_current(archive):
    _setup(archive)
    v1, _ = _add(archive, base(), 1, data=b"A")
    _, c2 = _add(archive, base(ket=KET_NEW), 2, data=b"B")
    v3, c3 = _add(archive, base(), 30, data=b"A")  # the same bytes as v1, four weeks later
    assert [c.kind for c in c2] == ["coverage_position"]
    assert [c.kind for c in c3] == ["coverage_position"] and c3[0].id != c2[0].id
    assert v3.seq == 3 and v3.sha256 == v1.sha256 and archive.latest_version(PID).id == v3.id


def test_a_maintenance_page_seen_once_is_never_announced(archive):
    _setup(archive)
    _add(archive, base(), 1, data=b"A")
    blip, c2 = _add(archive, _blank(), 2, data=b"maintenance")
    assert c2 == [] and "confirms" in archive.get_version(blip.id).note
    back, c3 = _add(archive, base(), 3, data=b"A")  # the real document is back, byte for byte
    assert c3 == [] and archive.latest_version(PID).id == back.id
    assert "not confirmed" in archive.get_version(blip.id).note
    assert [c.kind for c in archive.list_changes(policy_id=PID)] == ["new_policy"]


def test_a_topic_loss_seen_again_by_a_later_crawl_is_announced_once(archive):
    _setup(archive)
    _add(archive, base(), 1, data=b"A")
    gone, c2 = _add(archive, _blank(), 2, data=b"rewritten without the drugs")
    assert c2 == [] and processing.confirm_topic_losses(archive, "uhc") == []  # seen once: wait
    archive.add_version(
        PID, b"rewritten without the drugs", "u", "text/html", dt.datetime(2026, 1, 3, 6, tzinfo=dt.UTC)
    )
    confirmed = processing.confirm_topic_losses(archive, "uhc")
    assert len(confirmed) == 1 and confirmed[0].new_version_id == gone.id
    assert processing.confirm_topic_losses(archive, "uhc") == []


# The constants below each have a test that fails if they change (mutants that survived the first run).


def test_a_return_exactly_flip_flop_days_later_is_a_flip_flop(archive):
    _setup(archive)
    _add(archive, base(), 1)
    _add(archive, base(ket=KET_NEW), 2)
    back, found = _add(archive, base(), 22)  # 21 days after day 1 was last seen
    assert found == [] and "flip-flopping" in archive.get_version(back.id).note


def test_a_return_22_days_later_is_announced(archive):
    _setup(archive)
    _add(archive, base(), 1)
    _add(archive, base(ket=KET_NEW), 2)
    _, found = _add(archive, base(), 23)  # 22 days after day 1 was last seen
    assert [c.kind for c in found] == ["coverage_position"]


def test_a_return_at_the_edge_of_the_flip_flop_window_is_a_flip_flop(archive):
    _setup(archive)
    _add(archive, base(), 1)
    for day, extracted in enumerate(
        [base(failed=FAILED2), base(failed=FAILED2, codes=CODES_NEW), base(codes=CODES_NEW)], start=2
    ):
        _add(archive, extracted, day)
    back, found = _add(archive, base(), 5)  # the day-1 text, 4 versions later (window: 4)
    assert found == [] and "flip-flopping" in archive.get_version(back.id).note
