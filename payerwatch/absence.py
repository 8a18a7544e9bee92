"""Missing, retired, reinstated: settling each crawl run's presence facts into policy statuses.

The crawler records, per run, which policies it saw and which known documents were *missing* (no index
listed them and their last URL answered 404/410 — see ``crawler/extensions.py``). Here, from the archive
alone and one run at a time in order:

* a run counts towards absence only if it was successful — it finished ``ok`` and every index page it
  read answered; a fault of any kind is a fact about a fetch, never about a policy;
* a policy missing in ``RETIRE_AFTER`` successful runs in a row is retired, and a ``retired`` change is
  announced (only if the policy ever mentioned the drugs: retiring an unrelated document is noise);
* a policy seen again is active; if it was retired, a ``reinstated`` change is announced;
* a listed document answering 404 is a fetch fault: it neither counts nor resets.

Each run is settled in one transaction with its changes (``Archive.settle_run``), so a process killed
anywhere here settles that run completely on the next crawl or ``reprocess``, and announces once.
"""

from __future__ import annotations

from differ.taxonomy import KIND_SEVERITY
from extractors.model import ExtractedPolicy
from feeds.outbox import delivery_plan
from store import Archive, change_id
from store.killpoint import kill_point
from store.models import Change, CrawlRun, utcnow
from store.settle import PolicyPresence, Transition

RETIRE_AFTER = 2


def settle_runs(archive: Archive, source_id: str, counted: int = 0) -> list[Change]:
    """Settle every finished, unsettled run of the source, oldest first; return the changes stored.

    ``counted`` changes found by comparing new versions are added to the newest run's change count.
    """
    runs = archive.runs_to_settle(source_id)
    created: list[Change] = []
    for i, run in enumerate(runs):
        created += settle_run(archive, run, counted=counted if i == len(runs) - 1 else 0)
        kill_point("analysis:settled")
    return created


def successful(run: CrawlRun) -> bool:
    """A run whose silence means something: finished normally, found documents, read every index."""
    return run.status == "ok" and not run.index_faults


def settle_run(archive: Archive, run: CrawlRun, counted: int = 0) -> list[Change]:
    counts = successful(run)
    transitions: list[Transition] = []
    changes: list[Change] = []
    when = run.finished_at or utcnow()
    for policy in archive.run_presence(run):
        transition = _transition(policy, counts, when)
        if transition is None:
            continue
        transitions.append(transition)
        kind = _announced_kind(policy.status, transition.status)
        change = status_change(archive, policy.id, kind, when, run.id) if kind else None
        if change is not None:
            changes.append(change)
    # the changes' deliveries commit with them (feeds.outbox.delivery_plan)
    return archive.settle_run(run, transitions, changes, counted=counted, deliveries=delivery_plan(archive))


def _transition(policy: PolicyPresence, counts: bool, when) -> Transition | None:
    if policy.seen:
        if policy.status != "active" or policy.missing_count:
            return Transition(policy.id, "active", 0, None)
        return None
    if not (policy.missing and counts) or policy.status == "retired":
        return None
    missing = policy.missing_count + 1
    if missing >= RETIRE_AFTER:
        return Transition(policy.id, "retired", missing, when)
    return Transition(policy.id, "missing", missing, None)


def _announced_kind(old: str, new: str) -> str | None:
    if new == "retired" and old != "retired":
        return "retired"
    if old == "retired" and new != "retired":
        return "reinstated"
    return None


def status_change(
    archive: Archive, policy_id: str, kind: str, when, run_id: int | None = None
) -> Change | None:
    """The ``retired`` / ``reinstated`` change of a policy, or None for a policy never on topic.

    Its id names the run that confirmed it, so settling a run twice stores it once, while a policy that
    is retired, comes back and is retired again is announced each time.
    """
    versions = archive.list_versions(policy_id)
    if not versions or not any(v.mentions_topic for v in versions):
        return None
    latest = versions[-1]
    policy = archive.get_policy(policy_id)
    source = archive.get_source(policy.source_id) if policy else None
    payer = source.payer if source else policy_id.split("/")[0]
    title = latest.title or (policy.title if policy else None) or policy_id
    data = archive.get_extraction(latest.id)
    drugs = list(ExtractedPolicy.from_dict(data).drugs) if data else []
    marker = f"@run{run_id}" if run_id is not None else ""
    if kind == "retired":
        cid, old_id, new_id = change_id(policy_id, latest.sha256 + marker, None, kind), latest.id, None
        summary = f"{payer}: policy retired (no longer published): {title}"
        bullet = {
            "text": "Policy no longer published (confirmed over several crawls)",
            "old": "active",
            "new": "retired",
        }
    else:
        cid, old_id, new_id = change_id(policy_id, marker or None, latest.sha256, kind), None, latest.id
        summary = f"{payer}: retired policy published again: {title}"
        bullet = {"text": "Policy published again after being retired", "old": "retired", "new": "active"}
    bullet.update(
        {"drug": None, "indication": None, "field": "status", "evidence": {"old": None, "new": None}}
    )
    return Change(
        id=cid,
        policy_id=policy_id,
        kind=kind,
        severity=KIND_SEVERITY[kind],
        summary=summary,
        detected_at=when,
        old_version_id=old_id,
        new_version_id=new_id,
        drugs=drugs,
        details=[bullet],
        evidence=[bullet["evidence"]],
        effective_date=latest.effective,
    )
