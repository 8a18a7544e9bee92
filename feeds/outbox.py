"""The email outbox: match changes to subscriptions, then deliver each queued mail exactly once.

Why the states look the way they do (see ``store/deliveries.py`` for the table):

* A delivery is claimed (``sending``, attempts + 1, its deterministic Message-ID stored, a lease in
  ``next_attempt_at``) in its own committed transaction *before* SMTP is spoken, and marked ``sent`` in
  another right after the server's final 250. Every message is settled before the next one starts, so
  stopping ``send`` between messages loses nothing and a rerun resends nothing.
* Residual window: if the process dies after the server accepted a message but before ``sent`` was
  committed, the row stays ``sending``; once its lease (10 minutes) is over the next run sends it again
  *with the same Message-ID*, so the duplicate is recognisable. We prefer that rare duplicate to a silently
  lost alert; SMTP offers no way to ask a server whether it already has a message.
* 4xx replies and connection failures put the row back to ``pending`` with exponential backoff (capped
  at ``BACKOFF_MAX``). A message the server keeps answering with 4xx is ``failed`` after ``MAX_ATTEMPTS``;
  an unreachable server (or a refused login) never fails mail, because that is an outage or a
  configuration error, not a fact about the message. A 5xx reply fails that recipient only; the run
  continues. A lost connection ends the run (the other rows keep their place without spending an attempt).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr

from sqlalchemy.exc import IntegrityError

from differ.taxonomy import severity_rank
from feeds.build import payer_matches
from feeds.config import Settings, load_settings
from feeds.message import compose, message_id
from feeds.smtp import DeliveryError, Mailer
from store import Archive
from store.killpoint import kill_point
from store.models import Change, ChangeContext, Delivery, Subscription, utcnow

LEASE = dt.timedelta(minutes=10)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
MAX_ATTEMPTS = 12


def subscription_matches(sub: Subscription, ctx: ChangeContext) -> bool:
    """Payers (source id, name or slug), drugs and minimum severity; an empty list means all."""
    change = ctx.change
    if sub.payers and not any(payer_matches(p, ctx) for p in sub.payers):
        return False
    if sub.drugs and not set(sub.drugs) & set(change.drugs):
        return False
    return severity_rank(change.severity) >= severity_rank(sub.min_severity or "low")


def digest_key_for(change: Change) -> str:
    return change.detected_at.astimezone(dt.UTC).date().isoformat()


def delivery_plan(archive: Archive) -> Callable[[ChangeContext], list[tuple[int, str | None]]]:
    """Who gets mail about a change: the rule ``queue_changes`` applies, as a function the store calls
    inside the transaction that stores the change (``Archive.add_change(..., deliveries=...)``), so a
    change and its deliveries commit together. Active subscriptions are read once, now."""
    subs = archive.list_subscriptions(active_only=True)

    def plan(ctx: ChangeContext) -> list[tuple[int, str | None]]:
        out = []
        for sub in subs:
            if sub.created_at and ctx.change.detected_at < sub.created_at:
                continue
            if subscription_matches(sub, ctx):
                out.append((sub.id, digest_key_for(ctx.change) if sub.digest == "daily" else None))
        return out

    return plan


def queue_changes(archive: Archive, changes: Iterable[Change | str]) -> int:
    """Queue a delivery per (change, matching subscription); return how many were new.

    Idempotent (the store keeps one delivery per pair), so the differ may call it after every run and
    ``send`` calls it again before flushing. A subscription only gets changes detected after it was made.
    """
    ids = [c if isinstance(c, str) else c.id for c in changes]
    subs = archive.list_subscriptions(active_only=True)
    if not ids or not subs:
        return 0
    queued = 0
    plan = delivery_plan(archive)
    for ctx in archive.list_change_contexts(change_ids=ids):
        for sub_id, key in plan(ctx):
            try:
                queued += archive.add_delivery(ctx.change.id, sub_id, digest_key=key)
            except IntegrityError:  # a concurrent sender queued the same pair first: that is the point
                pass
    return queued


def queue_recent(archive: Archive) -> int:
    """Queue every change any active subscription could still want (catches changes nobody queued)."""
    subs = archive.list_subscriptions(active_only=True)
    starts = [s.created_at for s in subs if s.created_at]
    if not starts:
        return 0
    return queue_changes(archive, [c.change for c in archive.list_change_contexts(since=min(starts))])


@dataclass
class SendReport:
    sent: list[tuple[str, str, int]] = field(default_factory=list)  # (to, Message-ID, changes)
    retrying: list[tuple[str, str]] = field(default_factory=list)  # (to, error)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (to, error)
    waiting_digests: int = 0
    stopped: str | None = None


def _backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _groups(
    archive: Archive, due: list[Delivery], now: dt.datetime, flush_digests: bool, report: SendReport
) -> list[list[Delivery]]:
    """Immediate rows one by one; digest rows per (subscription, day) once that day is over."""
    today = now.astimezone(dt.UTC).date().isoformat()
    groups: list[list[Delivery]] = []
    seen: set[tuple[int, str]] = set()
    for d in due:
        if d.digest_key is None:
            groups.append([d])
            continue
        key = (d.subscription_id, d.digest_key)
        if key in seen:
            continue
        seen.add(key)
        if d.digest_key >= today and not flush_digests:
            report.waiting_digests += 1
            continue
        members = archive.open_deliveries(*key)
        due_ids = {x.id for x in due}
        if any(m.id not in due_ids for m in members):  # part of the digest is still backing off
            continue
        groups.append(members)
    return groups


def send_outbox(
    archive: Archive,
    settings: Settings,
    *,
    now: dt.datetime | None = None,
    flush_digests: bool = False,
    max_messages: int | None = None,
    mailer: Mailer | None = None,
) -> SendReport:
    """Deliver what is due. ``now`` exists for tests of backoff; ``max_messages`` bounds one run."""
    now = now or utcnow()
    report = SendReport()
    queue_recent(archive)
    mailer = mailer or Mailer(settings.smtp)
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    try:
        for group in _groups(archive, archive.due_deliveries(now), now, flush_digests, report):
            if max_messages is not None and len(report.sent) >= max_messages:
                break
            if not _deliver(archive, settings, mailer, sender, group, now, report):
                break
    finally:
        mailer.close()
    return report


def send_pending(archive: Archive, flush_digests: bool = False) -> int:
    """The scheduler's and the demo's call: settings from the environment, the number of messages sent.

    ``now`` is ``store.models.utcnow()``, which honours ``PAYERWATCH_CLOCK`` (the demo pins it per epoch).
    """
    return len(send_outbox(archive, load_settings(archive.data_dir), flush_digests=flush_digests).sent)


def _deliver(
    archive: Archive,
    settings: Settings,
    mailer: Mailer,
    sender: str,
    group: list[Delivery],
    now: dt.datetime,
    report: SendReport,
) -> bool:
    """Send one message for ``group``; False means stop the run (the server is unreachable)."""
    ids = [d.id for d in group]
    sub = archive.get_subscription(group[0].subscription_id)
    if sub is None or not sub.active:
        archive.cancel_deliveries(ids, "unsubscribed")
        return True
    by_id = {c.change.id: c for c in archive.list_change_contexts(change_ids=[d.change_id for d in group])}
    contexts = [by_id[d.change_id] for d in group if d.change_id in by_id]
    if len(contexts) != len(group):
        archive.cancel_deliveries(ids, "change no longer in the archive")
        return True
    mid = message_id(ids, [d.change_id for d in group], settings.mail_from)
    if not archive.claim_deliveries(ids, mid, now, now + LEASE):
        return True  # another sender owns it, or it was cancelled meanwhile
    msg = compose(
        contexts,
        ids,
        sub,
        mail_from=settings.mail_from,
        base_url=settings.base_url,
        secret=settings.secret,
        digest_key=group[0].digest_key,
    )
    kill_point("send:claimed")
    try:
        mailer.send(msg, sender, sub.email)
    except DeliveryError as exc:
        attempts = max(d.attempts for d in group) + 1
        if exc.permanent:
            archive.mark_deliveries_failed(ids, str(exc))
            report.failed.append((sub.email, str(exc)))
        elif attempts >= MAX_ATTEMPTS and not exc.connection_lost:
            archive.mark_deliveries_failed(ids, f"gave up after {attempts} attempts: {exc}")
            report.failed.append((sub.email, f"gave up after {attempts} attempts: {exc}"))
        else:
            archive.mark_deliveries_retry(ids, str(exc), now + _backoff(attempts))
            report.retrying.append((sub.email, str(exc)))
        if exc.connection_lost:
            report.stopped = str(exc)
            return False
        return True
    kill_point("send:accepted")  # the one window: the server has it, the archive does not know yet
    archive.mark_deliveries_sent(ids, mid, utcnow())
    report.sent.append((sub.email, mid, len(group)))
    return True
