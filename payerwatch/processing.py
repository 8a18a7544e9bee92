"""After the fetch: extract new versions, compare them with their predecessors, store change events.

This is the seam between the crawler (which only archives bytes) and the analysis steps, so the same
code serves ``payerwatch crawl`` and ``payerwatch reprocess`` (which re-runs it from the archive alone).
Everything here is idempotent: change ids derive from (policy, old sha, new sha, kind), so running
detection twice over the same archive stores nothing new.
"""

from __future__ import annotations

import logging

import differ
from differ.taxonomy import KIND_SEVERITY
from extractors.model import ExtractedPolicy
from feeds.outbox import queue_changes
from store import Archive, change_id
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


def load_extraction(archive: Archive, version_id: int) -> ExtractedPolicy | None:
    """A version's stored extraction as the extractors' type (the store keeps only its JSON form)."""
    data = archive.get_extraction(version_id)
    return ExtractedPolicy.from_dict(data) if data else None


def process_versions(archive: Archive, version_ids: list[int]) -> list[Change]:
    """Extract each new version and detect its changes; return the changes newly stored.

    Extraction errors are recorded on the version (``extract_error``) and never raise.
    """
    import extractors

    created: list[Change] = []
    for vid in version_ids:
        version = archive.get_version(vid)
        if version is None:
            continue
        try:
            extracted = extractors.extract(archive.blobs.get(version.sha256), version.media_type, version.url)
        except extractors.ExtractionError as exc:
            archive.set_extraction(vid, None, error=f"{exc.reason}: {exc}")
            log.warning("extract failed for %s: %s", version.url, exc)
            continue
        archive.set_extraction(vid, extracted)
        created += detect_changes(archive, vid)
    return created


def _payer_and_title(archive: Archive, policy_id: str) -> tuple[str, str | None]:
    policy = archive.get_policy(policy_id)
    source = archive.get_source(policy.source_id) if policy else None
    return (source.payer if source else policy_id.split("/")[0]), (policy.title if policy else None)


def _flip_flop(version: Version, earlier: list[Version]) -> Version | None:
    """An earlier version (other than the previous one) with this exact text, within the window."""
    if not earlier or earlier[-1].text_hash == version.text_hash:
        return None
    for v in earlier[-FLIP_FLOP_WINDOW:-1]:
        if v.text_hash == version.text_hash and (version.first_seen - v.last_seen).days <= FLIP_FLOP_DAYS:
            return v
    return None


def detect_changes(archive: Archive, version_id: int) -> list[Change]:
    """Compare a version with the previous extracted version of its policy; store and queue its change.

    Returns the changes newly stored (already-stored ids are not returned again, so a reprocess that
    finds the same change queues nothing twice).
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
    archive.set_version_note(version_id, result.note if prev or not result.changes else None)
    created = []
    keep = set()
    for found in result.changes:
        change = _to_change(found, version, prev)
        keep.add(change.id)
        stored, is_new = archive.add_change(change)
        if is_new:
            created.append(stored)
    for stale in archive.changes_for_version(version_id):
        if stale.id not in keep and stale.kind not in ("retired", "reinstated"):
            if not archive.retract_change(stale.id):
                log.warning("change %s no longer detected but already delivered; kept", stale.id)
    _queue(archive, created)
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


def _queue(archive: Archive, changes: list[Change]) -> None:
    """Hand new changes to the mail outbox."""
    if changes:
        queue_changes(archive, changes)


def on_policy_status(archive: Archive, policy_id: str, old_status: str, new_status: str) -> list[Change]:
    """The crawler confirmed a policy gone (``retired``) or back (``reinstated``).

    Only policies that ever mentioned the drugs are announced: retiring an unrelated document is noise.
    """
    if new_status == "retired" and old_status != "retired":
        kind = "retired"
    elif old_status == "retired" and new_status != "retired":
        kind = "reinstated"
    else:
        return []
    versions = archive.list_versions(policy_id)
    if not versions or not any(v.mentions_topic for v in versions):
        return []
    latest = versions[-1]
    payer, title = _payer_and_title(archive, policy_id)
    title = latest.title or title or policy_id
    drugs = sorted({d for d in _drugs_of(archive, latest)}, key=("ketamine", "esketamine").index)
    if kind == "retired":
        cid, old_id, new_id = change_id(policy_id, latest.sha256, None, kind), latest.id, None
        summary = f"{payer}: policy retired (no longer published): {title}"
        bullet = {
            "text": "Policy no longer published (confirmed over several crawls)",
            "old": "active",
            "new": "retired",
        }
    else:
        cid, old_id, new_id = change_id(policy_id, None, latest.sha256, kind), None, latest.id
        summary = f"{payer}: retired policy published again: {title}"
        bullet = {"text": "Policy published again after being retired", "old": "retired", "new": "active"}
    bullet.update(
        {"drug": None, "indication": None, "field": "status", "evidence": {"old": None, "new": None}}
    )
    change = Change(
        id=cid,
        policy_id=policy_id,
        kind=kind,
        severity=KIND_SEVERITY[kind],
        summary=summary,
        detected_at=utcnow(),
        old_version_id=old_id,
        new_version_id=new_id,
        drugs=drugs,
        details=[bullet],
        evidence=[bullet["evidence"]],
        effective_date=latest.effective,
    )
    stored, is_new = archive.add_change(change)
    created = [stored] if is_new else []
    _queue(archive, created)
    return created


def _drugs_of(archive: Archive, version: Version) -> set[str]:
    extracted = load_extraction(archive, version.id)
    return set(extracted.drugs) if extracted else set()


def reprocess(archive: Archive, policy_id: str | None = None) -> tuple[int, int, list[Change]]:
    """Re-extract and re-diff every archived version from its blob alone (no fetching).

    Versions are processed per policy in ``seq`` order so each one is compared with its predecessor's
    fresh extraction. Returns (versions processed, extraction errors, changes newly stored).
    """
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
    return done, errors, created
