"""Where a section went: the same payer's other policies as of the crawl that saw a section leave.

``differ.moves`` decides (purely) whether facts that left one policy stand unchanged in another; this
module picks the other policies' versions from the archive. "As of the crawl" keeps the answer the same
on every ``reprocess``: each other policy's last version first seen by the end of the crawl that brought
this version (versions archived outside a crawl: by the version's own first-seen time), so a later
revision of the destination never turns an old move back into a coverage change.

A merge is read the other way round (``absorbed``): the policies of the source that are really gone —
this version's crawl found them *missing* (off every index and their address answered 404/410), or an
earlier crawl did and none has seen them since — whose last version an earlier crawl brought: where a
section that arrived unchanged came from. A policy the crawl merely did not fetch (a 503, a timeout, a
crawl interrupted before it) is still there: taking it for the source would announce a real change as
``wording``.

Within one crawl the destination is often extracted *after* the policy it left (a new policy on the
index's second page): ``pending`` tells the caller that other versions of the source still wait for
extraction, so the decision is deferred (``processing.PENDING_MOVE``) until they are done.
"""

from __future__ import annotations

import datetime as dt

from extractors.model import ExtractedPolicy
from store import Archive
from store.models import Version


def _cutoff(archive: Archive, version: Version) -> dt.datetime | None:
    run_id = archive.run_of_version(version.id)
    if run_id is None:
        return version.first_seen
    run = archive.get_run(run_id)
    return run.finished_at if run is not None else None  # a crawl still running: all there is


def _name(policy, v: Version) -> str:
    number = v.policy_number or policy.policy_number
    title = v.title or policy.title
    if number and title:
        return f"{number} ({title})"
    return number or title or policy.url


def elsewhere(archive: Archive, version: Version, load) -> list[tuple[str, ExtractedPolicy]]:
    """(name, extraction) of the source's other on-topic policies as of this version's crawl.

    ``load(version_id)`` reads a stored extraction (``processing.load_extraction``).
    """
    policy = archive.get_policy(version.policy_id)
    if policy is None:
        return []
    cutoff = _cutoff(archive, version)
    out = []
    for other in archive.list_policies(policy.source_id):
        if other.id == policy.id:
            continue
        seen = [
            v
            for v in archive.list_versions(other.id)
            if v.extractor_version and (cutoff is None or v.first_seen <= cutoff)
        ]
        if not seen or not seen[-1].mentions_topic:
            continue
        ep = load(seen[-1].id)
        if ep is not None:
            out.append((_name(other, seen[-1]), ep))
    return out


#: Fetch outcomes that mean the policy was found by the crawl.
_FOUND = ("new_version", "unchanged", "not_modified")
#: Statuses of a policy an earlier successful crawl found gone (``payerwatch.absence``).
_GONE = ("missing", "retired")


def absorbed(archive: Archive, version: Version, load) -> list[tuple[str, ExtractedPolicy]]:
    """(name, extraction) of the source's other on-topic policies that are gone (see the module
    docstring), as of their last version — all first seen before that crawl began (old news, never a
    policy published alongside this version). Empty for a version archived outside a crawl."""
    policy = archive.get_policy(version.policy_id)
    run_id = archive.run_of_version(version.id)
    run = archive.get_run(run_id) if run_id is not None else None
    if policy is None or run is None:
        return []
    fetches = archive.list_fetches(run_id=run.id, limit=100_000)
    found = {f.policy_id for f in fetches if f.outcome in _FOUND}
    missing = {f.policy_id for f in fetches if f.outcome == "missing"}
    out = []
    for other in archive.list_policies(policy.source_id):
        gone = other.id in missing or other.status in _GONE
        if other.id == policy.id or other.id in found or not gone:
            continue
        seen = [
            v
            for v in archive.list_versions(other.id)
            if v.extractor_version and v.first_seen < run.started_at
        ]
        if not seen or not seen[-1].mentions_topic:
            continue
        ep = load(seen[-1].id)
        if ep is not None:
            out.append((_name(other, seen[-1]), ep))
    return out


def pending(archive: Archive, version: Version) -> bool:
    """Can the rest of this version's crawl still bring the destination: is the crawl still running
    (a worker analyses batches as they come), or do other versions of the source wait for extraction?"""
    policy = archive.get_policy(version.policy_id)
    if policy is None:
        return False
    run_id = archive.run_of_version(version.id)
    run = archive.get_run(run_id) if run_id is not None else None
    if run is not None and run.finished_at is None:
        return True
    return any(vid != version.id for vid in archive.unprocessed_version_ids(policy.source_id))
