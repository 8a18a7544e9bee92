"""After the fetch: extract new versions, compare them with their predecessors, store change events.

This is the seam between the crawler (which only archives bytes) and the analysis steps, so the same
code serves ``payerwatch crawl`` and ``payerwatch reprocess`` (which re-runs it from the archive alone).
Everything here is idempotent: change ids derive from (policy, old sha, new sha, kind), so running
detection twice over the same archive stores nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import differ
from differ import moves as differ_moves
from extractors.model import ExtractedPolicy, ExtractionError, ResourceLimit
from feeds.outbox import delivery_plan
from payerwatch import identity, moves
from store import Archive, change_id
from store.killpoint import kill_point
from store.models import Change, Version, utcnow

log = logging.getLogger(__name__)

#: How many versions back a returning text counts as flip-flopping (announced once, not again) ...
FLIP_FLOP_WINDOW = 4
#: ... provided that text was still being served this recently; an older text coming back is a payer
#: undoing a change, which subscribers must hear about.
FLIP_FLOP_DAYS = 21
#: A version that suddenly says nothing about the drugs (a maintenance page served with 200, a truncated
#: file) is announced only once a later crawl sees it again; if the real document comes back first, the
#: blip is skipped and never announced.
PENDING_LOSS = "no longer mentions ketamine or esketamine: announced if a later crawl confirms it"
UNCONFIRMED_LOSS = (
    "no longer mentioned ketamine or esketamine in one crawl only (not confirmed; not announced)"
)
#: A source's first crawl is its baseline: archived and shown, never announced (design.md). Dozens of
#: "new policy" mails for one newly added source are noise; a policy that appears later is news.
BASELINE = "baseline: first crawl of the source (archived, not announced)"
#: Facts that left a policy may have moved, unchanged, to another policy of the same crawl that is not
#: extracted yet (``payerwatch.moves``): decided once the crawl's versions are all in. Facts a policy
#: gained may come from a policy merged into it: which ones the crawl no longer found is known then too.
PENDING_MOVE = "facts left this policy: decided when the rest of the crawl is extracted (moved or removed)"


def load_extraction(archive: Archive, version_id: int) -> ExtractedPolicy | None:
    """A version's stored extraction as the extractors' type (the store keeps only its JSON form)."""
    data = archive.get_extraction(version_id)
    return ExtractedPolicy.from_dict(data) if data else None


def process_versions(archive: Archive, version_ids: list[int]) -> list[Change]:
    """Extract each new version and detect its changes; return the changes newly stored.

    Each document is read in a limited worker process (``payerwatch.extraction``), in id order, up to
    ``PAYERWATCH_EXTRACT_WORKERS`` at once; changes are detected in that order. Extraction errors are
    recorded on the version (``extract_error``) and never raise; a worker killed for its limits
    (``resource-limit``) is retried by later crawls with backoff, then given up.
    """
    from payerwatch import extraction

    created: list[Change] = []
    jobs = []
    for vid in version_ids:
        version = archive.get_version(vid)
        if version is not None:
            path = archive.blobs.path_for(version.sha256)
            jobs.append(extraction.Job(version, path, version.media_type, version.url))
    for job, result in extraction.extract_many(jobs, workers=extraction.workers_from_env()):
        version = job.key
        if isinstance(result, ResourceLimit):
            attempts = version.extract_attempts + 1
            when = extraction.retry_at(attempts, utcnow())
            note = (
                f"after {attempts} attempt(s), retried after {when:%Y-%m-%d %H:%M} UTC"
                if when
                else (f"gave up after {attempts} attempts")
            )
            archive.record_extract_failure(version.id, f"{result.reason}: {result} ({note})", when)
            log.warning("extract failed for %s: %s (%s)", version.url, result, note)
            continue
        if isinstance(result, ExtractionError):
            archive.set_extraction(version.id, None, error=f"{result.reason}: {result}")
            log.warning("extract failed for %s: %s", version.url, result)
            continue
        archive.set_extraction(version.id, result)
        identity.continue_history(archive, version, result.metadata.policy_number)
        created += detect_changes(archive, version.id)
    for vid in version_ids:  # deferred until the batch was extracted (the destination may be in it)
        deferred = archive.get_version(vid)
        if deferred is not None and deferred.note == PENDING_MOVE:
            created += detect_changes(archive, vid)
    return created


def _payer_and_title(archive: Archive, policy_id: str) -> tuple[str, str | None]:
    policy = archive.get_policy(policy_id)
    source = archive.get_source(policy.source_id) if policy else None
    return (source.payer if source else policy_id.split("/")[0]), (policy.title if policy else None)


def _in_baseline(archive: Archive, version: Version) -> bool:
    """Was the version archived by its source's first successful crawl (or before it)?

    A source with no crawl runs at all (versions added by hand, tests) has no baseline.
    """
    policy = archive.get_policy(version.policy_id)
    if policy is None:
        return False
    crawled, end = archive.baseline_end(policy.source_id)
    return crawled and (end is None or version.first_seen <= end)


def _flip_flop(version: Version, earlier: list[Version]) -> Version | None:
    """An earlier version (other than the previous one) with this exact text, within the window."""
    if not earlier or earlier[-1].text_hash == version.text_hash:
        return None
    for v in earlier[-FLIP_FLOP_WINDOW:-1]:
        if v.text_hash == version.text_hash and (version.first_seen - v.last_seen).days <= FLIP_FLOP_DAYS:
            return v
    return None


def detect_changes(archive: Archive, version_id: int, final: bool = False) -> list[Change]:
    """Compare a version with the previous extracted version of its policy; store and queue its change.

    Returns the changes newly stored (already-stored ids are not returned again, so a reprocess that
    finds the same change queues nothing twice). Facts that left the policy are checked against the
    source's other policies (a section moved: ``wording``); while the crawl may still bring the
    destination the decision waits (``PENDING_MOVE``) unless ``final``.
    """
    version = archive.get_version(version_id)
    new = load_extraction(archive, version_id) if version else None
    if version is None or new is None:
        return []
    earlier = [v for v in archive.list_versions(version.policy_id) if v.seq < version.seq and v.text_hash]
    while earlier and earlier[-1].note in (PENDING_LOSS, UNCONFIRMED_LOSS):
        archive.set_version_note(earlier.pop().id, UNCONFIRMED_LOSS)
    prev = earlier[-1] if earlier else None
    if prev is not None and not new.mentions_topic and version.last_seen <= version.first_seen:
        old_ext = load_extraction(archive, prev.id)
        if old_ext is not None and old_ext.mentions_topic:
            archive.set_version_note(version_id, PENDING_LOSS)
            return []
    returning = _flip_flop(version, earlier)
    if returning is not None:
        archive.set_version_note(
            version_id, f"returns to the text of version {returning.seq} (flip-flopping site): not announced"
        )
        return []
    old = load_extraction(archive, prev.id) if prev else None
    payer, title = _payer_and_title(archive, version.policy_id)
    result = differ.compare(old, new, payer=payer, title=new.metadata.title or title)
    if prev is not None and differ_moves.facts_gone(result):
        there = moves.elsewhere(archive, version, lambda vid: load_extraction(archive, vid))
        moved = differ_moves.moved_elsewhere(
            result, there, payer, new.metadata.title or title or "the policy"
        )
        if moved is not None:
            result = moved
        elif not final and moves.pending(archive, version):
            archive.set_version_note(version_id, PENDING_MOVE)
            return []
    elif prev is not None and differ_moves.facts_arrived(result):
        # a merge: what a policy gained may be a section of one this crawl no longer found. The crawl
        # only finds more policies as it goes, so a merge seen mid-crawl waits for its end; none seen
        # now is none then too
        gone = moves.absorbed(archive, version, lambda vid: load_extraction(archive, vid))
        merged = differ_moves.moved_in(result, gone, payer, new.metadata.title or title or "the policy")
        if merged is not None and not final and moves.pending(archive, version):
            archive.set_version_note(version_id, PENDING_MOVE)
            return []
        result = merged or result
    if prev is None and result.kinds == ("new_policy",) and _in_baseline(archive, version):
        result = differ.Comparison(note=BASELINE)
    archive.set_version_note(version_id, result.note if prev or not result.changes else None)
    created = []
    keep = set()
    for found in result.changes:
        change = _to_change(found, version, prev)
        keep.add(change.id)
        stored, is_new = archive.add_change(change, deliveries=delivery_plan(archive))
        if is_new:
            created.append(stored)
    for stale in archive.changes_for_version(version_id):
        if stale.id not in keep and stale.kind not in ("retired", "reinstated"):
            if not archive.retract_change(stale.id):
                log.warning("change %s no longer detected but already delivered; kept", stale.id)
    return created


def settle_moves(archive: Archive, source_id: str) -> list[Change]:
    """Decide the deferred "facts left this policy" versions now that the crawl is analysed."""
    created: list[Change] = []
    for deferred in archive.versions_with_note(PENDING_MOVE, source_id):
        created += detect_changes(archive, deferred.id, final=True)
    return created


def confirm_topic_losses(archive: Archive, source_id: str) -> list[Change]:
    """Announce the topic losses that a later crawl has now seen again (see ``PENDING_LOSS``)."""
    created: list[Change] = []
    for pending in archive.versions_with_note(PENDING_LOSS, source_id):
        if (
            pending.last_seen > pending.first_seen
            and archive.latest_version(pending.policy_id).id == pending.id
        ):
            created += detect_changes(archive, pending.id)
    return created


def _with_version(evidence: dict, old_id: int | None, new_id: int) -> dict:
    out = {}
    for side, vid in (("old", old_id), ("new", new_id)):
        span = evidence.get(side)
        out[side] = {"version_id": vid, **span} if span else None
    return out


def _to_change(found: differ.DetectedChange, version: Version, prev: Version | None) -> Change:
    old_id = prev.id if prev else None
    details = [dict(b, evidence=_with_version(b["evidence"], old_id, version.id)) for b in found.bullets]
    return Change(
        id=change_id(version.policy_id, prev.sha256 if prev else None, version.sha256, found.kind),
        policy_id=version.policy_id,
        kind=found.kind,
        severity=found.severity,
        summary=found.summary,
        detected_at=version.first_seen,
        old_version_id=old_id,
        new_version_id=version.id,
        drugs=list(found.drugs),
        details=details,
        diff=[[op, text] for op, text in found.diff],
        evidence=[d["evidence"] for d in details],
        revision_note=found.revision_note,
        needs_review=found.needs_review,
        effective_date=found.effective_date,
    )


def analyse_source(archive: Archive, source_id: str) -> list[Change]:
    """Everything after the fetch for one source, from the archive alone; return the changes stored.

    Extracts and compares every version not yet analysed (this crawl's, or those a killed process left),
    announces confirmed topic losses, then settles each finished crawl run not yet settled (missing,
    retired, reinstated — ``payerwatch.absence``). Each step is durable on its own and idempotent, so a
    process killed anywhere in here loses nothing: the next ``crawl`` or ``reprocess`` carries on.
    Call it holding the source's crawl lock.
    """
    from payerwatch import absence

    changes = process_versions(archive, archive.unprocessed_version_ids(source_id))
    changes += confirm_topic_losses(archive, source_id)
    changes += settle_moves(archive, source_id)
    kill_point("analysis:versions")
    settled = absence.settle_runs(archive, source_id, counted=len(changes))
    kill_point("analysis:done")
    return changes + settled


def reprocess(
    archive: Archive, policy_id: str | None = None, on_version: Callable[[int], None] | None = None
) -> tuple[int, int, list[Change]]:
    """Re-extract and re-diff every archived version from its blob alone (no fetching).

    Versions are processed per policy in ``seq`` order so each one is compared with its predecessor's
    fresh extraction; then every crawl run an interrupted analysis left unsettled is settled (see
    ``analyse_source``). Returns (versions processed, extraction errors, changes newly stored).
    ``on_version(1)`` is called after each version (the CLI's progress bar).
    """
    from payerwatch import absence

    done = errors = 0
    created: list[Change] = []
    policies = [archive.get_policy(policy_id)] if policy_id else archive.list_policies()
    for policy in policies:
        if policy is None:
            continue
        for version in archive.list_versions(policy.id):
            created += process_versions(archive, [version.id])
            done += 1
            refreshed = archive.get_version(version.id)
            errors += bool(refreshed and refreshed.extract_error)
            if on_version is not None:
                on_version(1)
    for source_id in sorted({p.source_id for p in policies if p is not None}):
        created += settle_moves(archive, source_id)
        created += absence.settle_runs(archive, source_id)
    return done, errors, created
