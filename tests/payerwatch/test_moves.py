"""A section moved to another policy of the same payer is ``wording``, not "coverage changed" (issue #13).

Real extractors over ``tests/files/moves/``: a combined ketamine + esketamine policy (LH-510) hands its
esketamine section, unchanged, to a new policy (LH-520) and points there. The merge (history holdout4):
LH-520 takes in the ketamine policy LH-530's section unchanged, and the crawl no longer finds LH-530.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from payerwatch import processing
from store.models import Policy, Source

FILES = Path(__file__).resolve().parent.parent / "files" / "moves"
COMBINED, SPLIT_OUT = "local/LH-510", "local/LH-520"


def _setup(archive) -> None:
    archive.upsert_source(Source(id="local", payer="Local Health"))
    for pid in (COMBINED, SPLIT_OUT):
        archive.upsert_policy(Policy(id=pid, source_id="local", url=f"https://local.test/{pid}.html"))


def _add(archive, pid: str, name: str, day: int) -> int:
    when = dt.datetime(2026, 4, day, 6, tzinfo=dt.UTC)
    data = (FILES / name).read_bytes()
    version, _ = archive.add_version(pid, data, f"https://local.test/{pid}.html", "text/html", when)
    return version.id


def _kinds(archive) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for change in archive.list_changes():
        out.setdefault(change.policy_id, []).append(change.kind)
    return {pid: sorted(kinds) for pid, kinds in out.items()}


def _split(archive, destination: str = "esketamine.html") -> list[int]:
    _setup(archive)
    processing.process_versions(archive, [_add(archive, COMBINED, "combined.before.html", 1)])
    return [_add(archive, COMBINED, "combined.after.html", 2), _add(archive, SPLIT_OUT, destination, 2)]


def test_a_section_moved_to_a_new_policy_is_wording_naming_where(archive):
    processing.process_versions(archive, _split(archive))
    assert _kinds(archive) == {COMBINED: ["new_policy", "wording"], SPLIT_OUT: ["new_policy"]}
    (moved,) = [c for c in archive.list_changes() if c.policy_id == COMBINED and c.kind == "wording"]
    assert "moved to LH-520 (Esketamine Nasal Spray), unchanged" in moved.summary
    assert moved.details[0]["text"].startswith("Esketamine: coverage and criteria moved unchanged to LH-520")


def test_a_section_moved_with_a_misspelling_the_extractors_trip_on_is_still_a_move(archive):
    """The destination says "antidepressents": its trial-count fact is not read, its sentence is there."""
    processing.process_versions(archive, _split(archive, "esketamine-misspelt.html"))
    assert _kinds(archive) == {COMBINED: ["new_policy", "wording"], SPLIT_OUT: ["new_policy"]}


def test_a_section_that_changed_on_its_way_is_still_a_coverage_change(archive):
    """The destination asks for three failed antidepressants where the old section asked for two."""
    processing.process_versions(archive, _split(archive, "esketamine-stricter.html"))
    assert _kinds(archive) == {COMBINED: ["coverage_position", "new_policy"], SPLIT_OUT: ["new_policy"]}


def test_the_decision_waits_for_a_destination_extracted_later(archive):
    """A worker analysing in batches sees the old policy first; the crawl's analysis decides at the end."""
    left, arrived = _split(archive)
    assert processing.process_versions(archive, [left]) == []  # the destination is not extracted yet
    assert archive.get_version(left).note == processing.PENDING_MOVE
    processing.analyse_source(archive, "local")
    assert _kinds(archive) == {COMBINED: ["new_policy", "wording"], SPLIT_OUT: ["new_policy"]}
    assert archive.get_version(left).note != processing.PENDING_MOVE
    # later revisions of the destination never turn the move back into a coverage change
    _add(archive, SPLIT_OUT, "esketamine-stricter.html", 20)
    processing.analyse_source(archive, "local")
    before = sorted(c.id for c in archive.list_changes())
    _, _, created = processing.reprocess(archive)
    assert created == [] and sorted(c.id for c in archive.list_changes()) == before
    assert _kinds(archive)[COMBINED] == ["new_policy", "wording"]


# -- a merge, through crawl runs: which policies the crawl no longer found ----------------------------

ABSORBED = "local/LH-530"


def _crawl(archive, day: int, docs: dict[str, str | None], status: str = "ok") -> None:
    """A finished crawl run that fetched each policy's file, found it missing (None: off the index and
    404), or failed to fetch it ("http-503")."""
    from store.crawlstate import DocumentFetch

    when = dt.datetime(2026, 4, day, 6, tzinfo=dt.UTC)
    run = archive.start_run("local", started_at=when)
    fetches = []
    for pid, name in docs.items():
        fault = name is None or name.startswith("http-")
        fetches.append(
            DocumentFetch(
                source_id="local",
                url=f"https://local.test/{pid}.html",
                policy_id=pid,
                body=None if fault else (FILES / name).read_bytes(),
                error_kind=(name or "http-404") if fault else None,
                missing=name is None,
                media_type="text/html",
                fetched_at=when,
            )
        )
    archive.record_documents(run.id, fetches)
    run.status, run.finished_at = status, when + dt.timedelta(minutes=5)
    archive.finish_run(run)
    processing.analyse_source(archive, "local")


def _merge(archive, absorbed_then: str | None, status: str = "ok") -> list:
    """``absorbed_then``: LH-530's fetch in the merge's crawl (see ``_crawl``); "skipped": none at all."""
    archive.upsert_source(Source(id="local", payer="Local Health"))
    for pid in (SPLIT_OUT, ABSORBED):
        archive.upsert_policy(Policy(id=pid, source_id="local", url=f"https://local.test/{pid}.html"))
    _crawl(archive, 1, {SPLIT_OUT: "esketamine.html", ABSORBED: "ketamine.html"})  # the baseline
    docs = {SPLIT_OUT: "merged.html", ABSORBED: absorbed_then}
    if absorbed_then == "skipped":
        del docs[ABSORBED]
    _crawl(archive, 2, docs, status)
    return [c for c in archive.list_changes() if c.policy_id == SPLIT_OUT]


def test_a_section_merged_in_from_a_policy_the_crawl_no_longer_found_is_wording(archive):
    (merged,) = _merge(archive, None)
    assert merged.kind == "wording"
    assert "ketamine coverage and criteria moved from LH-530 (Ketamine Infusion), unchanged" in merged.summary


def test_the_same_section_in_a_policy_still_found_is_still_a_coverage_change(archive):
    """LH-530 is still there: LH-520 now states ketamine's stance too, which is news for LH-520."""
    (merged,) = _merge(archive, "ketamine.html")
    assert merged.kind == "coverage_position"


def test_a_policy_that_answered_503_is_not_gone_so_the_section_is_news(archive):
    """A transient failure is a fact about the fetch (design.md): LH-530 is still the payer's policy, so
    what LH-520 gained is announced as what it is, never as a move from a policy taken for gone."""
    (merged,) = _merge(archive, "http-503")
    assert merged.kind == "coverage_position"


def test_a_crawl_interrupted_before_the_policy_is_no_evidence_it_is_gone(archive):
    (merged,) = _merge(archive, "skipped", status="interrupted")
    assert merged.kind == "coverage_position"


def test_a_policy_gone_in_an_earlier_crawl_is_where_a_later_merge_came_from(archive):
    """LH-530 404s one crawl, and LH-520 takes its section in the next (not fetched again then)."""
    archive.upsert_source(Source(id="local", payer="Local Health"))
    for pid in (SPLIT_OUT, ABSORBED):
        archive.upsert_policy(Policy(id=pid, source_id="local", url=f"https://local.test/{pid}.html"))
    _crawl(archive, 1, {SPLIT_OUT: "esketamine.html", ABSORBED: "ketamine.html"})
    _crawl(archive, 2, {SPLIT_OUT: "esketamine.html", ABSORBED: None})
    _crawl(archive, 3, {SPLIT_OUT: "merged.html"})
    (merged,) = [c for c in archive.list_changes() if c.policy_id == SPLIT_OUT]
    assert merged.kind == "wording"
