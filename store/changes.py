"""Change events: stored once, under ids that are stable across reprocessing, and read back with the
payer and document every announcement needs (feeds, mail, the web, the API, the CLI)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to, values_of
from store.models import Change, ChangeContext


def change_id(policy_id: str, old_sha: str | None, new_sha: str | None, kind: str) -> str:
    """A change's id depends only on what changed, so re-running detection finds the same id."""
    key = "\x1f".join([policy_id, old_sha or "-", new_sha or "-", kind])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class ChangesMixin(ArchiveBase):
    def add_change(self, change: Change) -> tuple[Change, bool]:
        """Insert ``change`` unless its id is already stored; return (stored change, created).

        Two workers may detect the same change at once (a stalled job retried while its first attempt
        still runs): ids derive from what changed, so the loser of the insert race reads the winner's row
        and reports it as not created — the change is stored, and queued for mail, exactly once.
        """
        try:
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(schema.changes).where(schema.changes.c.id == change.id)).first()
                if row is not None:
                    return row_to(Change, row), False
                conn.execute(schema.changes.insert().values(**values_of(change, schema.changes)))
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
            q = q.join(schema.policies, schema.policies.c.id == schema.changes.c.policy_id).join(
                schema.sources, schema.sources.c.id == schema.policies.c.source_id
            )
            q = q.where(
                sa.or_(schema.sources.c.id == payer, sa.func.lower(schema.sources.c.payer) == payer.lower())
            )
        with self.engine.connect() as conn:
            rows = [row_to(Change, r) for r in conn.execute(q)]
        if drug:  # JSON containment differs per dialect; the lists are tiny, so filter here
            rows = [c for c in rows if drug in c.drugs]
        return rows[:limit] if limit else rows

    # -- changes with context -----------------------------------------------------------------------
    def list_change_contexts(
        self,
        change_ids: list[str] | None = None,
        since: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[ChangeContext]:
        """Changes newest first (ties broken by id so the order is stable), joined to policy and source."""
        q = (
            sa.select(
                schema.changes,
                schema.sources.c.id.label("ctx_source_id"),
                schema.sources.c.payer.label("ctx_payer"),
                schema.sources.c.program.label("ctx_program"),
                schema.policies.c.title.label("ctx_title"),
                schema.policies.c.url.label("ctx_url"),
                schema.policies.c.policy_number.label("ctx_number"),
            )
            .join(schema.policies, schema.policies.c.id == schema.changes.c.policy_id)
            .join(schema.sources, schema.sources.c.id == schema.policies.c.source_id)
            .order_by(schema.changes.c.detected_at.desc(), schema.changes.c.id)
        )
        if change_ids is not None:
            if not change_ids:
                return []
            q = q.where(schema.changes.c.id.in_(change_ids))
        if since is not None:
            q = q.where(schema.changes.c.detected_at >= since)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [
            ChangeContext(
                change=row_to(Change, r),
                source_id=r.ctx_source_id,
                payer=r.ctx_payer,
                program=r.ctx_program,
                policy_title=r.ctx_title,
                policy_url=r.ctx_url,
                policy_number=r.ctx_number,
            )
            for r in rows
        ]

    # -- paged lists (web + JSON API) ---------------------------------------------------------------
    def changes_page(
        self,
        limit: int = 50,
        offset: int = 0,
        payer: str | None = None,
        drug: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
        policy_id: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[tuple[Change, dict[str, Any]]]:
        """Changes newest first with their policy's payer/title/url, filtered in SQL so paging is exact."""
        q = (
            sa.select(
                schema.changes,
                schema.sources.c.payer,
                schema.sources.c.id.label("source_id"),
                schema.policies.c.title.label("policy_title"),
                schema.policies.c.url.label("policy_url"),
            )
            .join(schema.policies, schema.policies.c.id == schema.changes.c.policy_id)
            .join(schema.sources, schema.sources.c.id == schema.policies.c.source_id)
            .order_by(schema.changes.c.detected_at.desc(), schema.changes.c.id)
            .limit(limit)
            .offset(offset)
        )
        if payer:
            q = q.where(
                sa.or_(schema.sources.c.id == payer, sa.func.lower(schema.sources.c.payer) == payer.lower())
            )
        if drug:
            q = q.where(sa.cast(schema.changes.c.drugs, sa.Text).like(f'%"{drug}"%'))
        if kind:
            q = q.where(schema.changes.c.kind == kind)
        if severity:
            q = q.where(schema.changes.c.severity == severity)
        if policy_id:
            q = q.where(schema.changes.c.policy_id == policy_id)
        if since:
            q = q.where(schema.changes.c.detected_at >= since)
        with self.engine.connect() as conn:
            out = []
            for r in conn.execute(q):
                m = r._mapping
                extra = {k: m[k] for k in ("payer", "source_id", "policy_title", "policy_url")}
                out.append((row_to(Change, r), extra))
            return out

    def changes_between(self, policy_id: str, old_version_id: int, new_version_id: int) -> list[Change]:
        """The stored changes that lie between two versions of a policy (any pair, not only neighbours)."""
        seqs = {v.id: v.seq for v in self.list_versions(policy_id)}
        lo, hi = seqs.get(old_version_id), seqs.get(new_version_id)
        if lo is None or hi is None:
            return []
        lo, hi = min(lo, hi), max(lo, hi)
        inside = {vid for vid, s in seqs.items() if lo < s <= hi}
        return [c for c in self.list_changes(policy_id=policy_id) if c.new_version_id in inside][::-1]
