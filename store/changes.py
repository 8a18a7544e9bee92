"""Change events: stored once, under ids that are stable across reprocessing, and read back with the
payer and document every announcement needs (feeds, mail, the web, the API, the CLI)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to, values_of
from store.models import Change, ChangeContext, utcnow


def change_id(policy_id: str, old_sha: str | None, new_sha: str | None, kind: str) -> str:
    """A change's id depends only on what changed, so re-running detection finds the same id."""
    key = "\x1f".join([policy_id, old_sha or "-", new_sha or "-", kind])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


#: Who must be mailed about a change: (subscription id, digest key or None) per delivery. The outbox
#: (``feeds.outbox.delivery_plan``) decides; the store only writes the rows, in the change's transaction.
DeliveryPlan = Callable[[ChangeContext], list[tuple[int, str | None]]]


def insert_change(conn: sa.Connection, change: Change, plan: DeliveryPlan | None) -> bool:
    """Insert ``change`` (unless stored) and the deliveries ``plan`` wants for it, on ``conn``: a change
    and its mail commit together, so no kill can leave an announced change that nobody is told about.
    Missing deliveries of an already stored change are added too (idempotent). True if the change is new."""
    new = conn.execute(sa.select(schema.changes.c.id).where(schema.changes.c.id == change.id)).first() is None
    if new:
        conn.execute(schema.changes.insert().values(**values_of(change, schema.changes)))
    if plan is None:
        return new
    (ctx,) = [context_of(r) for r in conn.execute(contexts_query(change_ids=[change.id]))]
    d = schema.deliveries
    have = {
        r.subscription_id
        for r in conn.execute(sa.select(d.c.subscription_id).where(d.c.change_id == change.id))
    }
    rows = [
        {
            "change_id": change.id,
            "subscription_id": sub,
            "digest_key": key,
            "status": "pending",
            "created_at": utcnow(),
        }
        for sub, key in plan(ctx)
        if sub not in have
    ]
    if rows:
        conn.execute(d.insert(), rows)
    return new


class ChangesMixin(ArchiveBase):
    def add_change(self, change: Change, deliveries: DeliveryPlan | None = None) -> tuple[Change, bool]:
        """Insert ``change`` unless its id is already stored, with its ``deliveries`` in the same
        transaction; return (stored change, created).

        Two workers may detect the same change at once (a stalled job retried while its first attempt
        still runs): ids derive from what changed, so the loser of the insert race reads the winner's row
        (stored with its deliveries) and reports it as not created — stored and mailed exactly once.
        """
        try:
            with self.engine.begin() as conn:
                new = insert_change(conn, change, deliveries)
                if not new:
                    query = sa.select(schema.changes).where(schema.changes.c.id == change.id)
                    row = conn.execute(query).first()
                    return row_to(Change, row), False
        except sa.exc.IntegrityError:
            stored = self.get_change(change.id)
            if stored is None:  # not a duplicate id: a real integrity fault
                raise
            return stored, False
        return change, True

    def get_change(self, change_id: str) -> Change | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.changes).where(schema.changes.c.id == change_id)).first()
        return row_to(Change, row) if row else None

    def list_changes(
        self,
        since: dt.datetime | None = None,
        payer: str | None = None,
        drug: str | None = None,
        kind: str | None = None,
        policy_id: str | None = None,
        limit: int | None = None,
    ) -> list[Change]:
        """Changes newest first. ``payer`` matches a source id or the payer's display name."""
        q = sa.select(schema.changes).order_by(schema.changes.c.detected_at.desc(), schema.changes.c.id)
        if since:
            q = q.where(schema.changes.c.detected_at >= since)
        if kind:
            q = q.where(schema.changes.c.kind == kind)
        if policy_id:
            q = q.where(schema.changes.c.policy_id == policy_id)
        if payer:
            q = _joined(q).where(payer_matches(payer))
        with self.engine.connect() as conn:
            rows = [row_to(Change, r) for r in conn.execute(q)]
        if drug:  # JSON containment differs per dialect; the lists are tiny, so filter here
            rows = [c for c in rows if drug in c.drugs]
        return rows[:limit] if limit else rows

    # -- changes with their payer and document ------------------------------------------------------
    def list_change_contexts(
        self,
        change_ids: list[str] | None = None,
        since: dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        payer: str | None = None,
        drug: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
        policy_id: str | None = None,
        oldest_first: bool = False,
    ) -> list[ChangeContext]:
        """Changes newest first (ties broken by id so the order is stable), joined to policy and source,
        filtered in SQL so paging is exact. ``payer``: a source id or the payer's display name."""
        if change_ids is not None and not change_ids:
            return []
        return list(
            self.iter_change_contexts(
                change_ids=change_ids,
                since=since,
                limit=limit,
                offset=offset,
                payer=payer,
                drug=drug,
                kind=kind,
                severity=severity,
                policy_id=policy_id,
                oldest_first=oldest_first,
            )
        )

    def iter_change_contexts(self, batch: int = 1000, **filters: Any) -> Iterator[ChangeContext]:
        """``list_change_contexts`` streamed ``batch`` rows at a time (exports of the whole archive)."""
        q = contexts_query(**filters)
        with self.engine.connect() as conn:
            for r in conn.execution_options(stream_results=True, yield_per=batch).execute(q):
                yield context_of(r)

    def changes_page(self, limit: int = 50, offset: int = 0, **filters: Any) -> list[ChangeContext]:
        """One page of ``list_change_contexts`` (the web's and the API's lists)."""
        return self.list_change_contexts(limit=limit, offset=offset, **filters)

    def changes_between(self, policy_id: str, old_version_id: int, new_version_id: int) -> list[Change]:
        """The stored changes that lie between two versions of a policy (any pair, not only neighbours)."""
        seqs = {v.id: v.seq for v in self.list_versions(policy_id)}
        lo, hi = seqs.get(old_version_id), seqs.get(new_version_id)
        if lo is None or hi is None:
            return []
        lo, hi = min(lo, hi), max(lo, hi)
        inside = {vid for vid, s in seqs.items() if lo < s <= hi}
        return [c for c in self.list_changes(policy_id=policy_id) if c.new_version_id in inside][::-1]


def payer_matches(payer: str) -> sa.ColumnElement[bool]:
    """A source id or the payer's display name (any case): what ``--payer`` and ``?payer=`` accept."""
    return sa.or_(schema.sources.c.id == payer, sa.func.lower(schema.sources.c.payer) == payer.lower())


def _joined(q: sa.Select) -> sa.Select:
    """A changes query joined to its policy and source: the one join every change listing uses."""
    return q.join(schema.policies, schema.policies.c.id == schema.changes.c.policy_id).join(
        schema.sources, schema.sources.c.id == schema.policies.c.source_id
    )


_OLD = schema.versions.alias("old_v")
_NEW = schema.versions.alias("new_v")


def contexts_query(
    change_ids: list[str] | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    payer: str | None = None,
    drug: str | None = None,
    kind: str | None = None,
    severity: str | None = None,
    policy_id: str | None = None,
    oldest_first: bool = False,
) -> sa.Select:
    c = schema.changes.c
    q = _joined(
        sa.select(
            schema.changes,
            schema.sources.c.id.label("ctx_source_id"),
            schema.sources.c.payer.label("ctx_payer"),
            schema.sources.c.program.label("ctx_program"),
            schema.policies.c.title.label("ctx_title"),
            schema.policies.c.url.label("ctx_url"),
            schema.policies.c.policy_number.label("ctx_number"),
            _OLD.c.seq.label("ctx_old_seq"),
            _OLD.c.sha256.label("ctx_old_sha"),
            _NEW.c.seq.label("ctx_new_seq"),
            _NEW.c.sha256.label("ctx_new_sha"),
            sa.func.coalesce(_NEW.c.title, sa.case((_NEW.c.id.is_(None), _OLD.c.title))).label("ctx_v_title"),
            sa.func.coalesce(_NEW.c.url, _OLD.c.url).label("ctx_v_url"),
        )
    )
    q = q.outerjoin(_OLD, _OLD.c.id == c.old_version_id).outerjoin(_NEW, _NEW.c.id == c.new_version_id)
    order = (c.detected_at, c.id) if oldest_first else (c.detected_at.desc(), c.id)
    q = q.order_by(*order)
    if change_ids is not None:
        q = q.where(c.id.in_(change_ids))
    if since is not None:
        q = q.where(c.detected_at >= since)
    if payer:
        q = q.where(payer_matches(payer))
    if drug:  # the JSON list as text: '"ketamine"' never matches inside '"esketamine"'
        q = q.where(sa.cast(c.drugs, sa.Text).like(f'%"{drug}"%'))
    if kind:
        q = q.where(c.kind == kind)
    if severity:
        q = q.where(c.severity == severity)
    if policy_id:
        q = q.where(c.policy_id == policy_id)
    if limit:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    return q


def context_of(r: sa.Row) -> ChangeContext:
    return ChangeContext(
        change=row_to(Change, r),
        source_id=r.ctx_source_id,
        payer=r.ctx_payer,
        program=r.ctx_program,
        policy_title=r.ctx_title,
        policy_url=r.ctx_url,
        policy_number=r.ctx_number,
        old_version=r.ctx_old_seq,
        new_version=r.ctx_new_seq,
        old_sha256=r.ctx_old_sha,
        new_sha256=r.ctx_new_sha,
        version_title=r.ctx_v_title,
        version_url=r.ctx_v_url,
    )


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat()


def change_record(ctx: ChangeContext) -> dict[str, Any]:
    """A change as JSON: the one shape of ``payerwatch changes --json``, the API and ``export``.

    The contract (docs/design.md): id, payer, policy, title, url, kind, severity, drugs, summary, details,
    detected_at, effective_date, old_version, new_version — the version *numbers* within the policy (1,
    2, ...), never database ids — plus source, the two versions' sha256, revision_note, needs_review,
    the word diff and the evidence spans.
    """
    change = ctx.change
    return {
        "id": change.id,
        "payer": ctx.payer,
        "source": ctx.source_id,
        "policy": change.policy_id,
        "title": ctx.title,
        "url": ctx.url,
        "kind": change.kind,
        "severity": change.severity,
        "drugs": list(change.drugs),
        "summary": change.summary,
        "details": change.details,
        "detected_at": _iso(change.detected_at),
        "effective_date": _iso(change.effective_date),
        "old_version": ctx.old_version,
        "new_version": ctx.new_version,
        "old_sha256": ctx.old_sha256,
        "new_sha256": ctx.new_sha256,
        "revision_note": change.revision_note,
        "needs_review": change.needs_review,
        "diff": change.diff,
        "evidence": change.evidence,
    }
