"""Change events: stored once, under ids that are stable across reprocessing."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from store import schema as t
from store.base import ArchiveBase, row_to, values_of
from store.models import Change


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
                row = conn.execute(sa.select(t.changes).where(t.changes.c.id == change.id)).first()
                if row is not None:
                    return row_to(Change, row), False
                conn.execute(t.changes.insert().values(**values_of(change, t.changes)))
        except sa.exc.IntegrityError:
            stored = self.get_change(change.id)
            if stored is None:  # not a duplicate id: a real integrity fault
                raise
            return stored, False
        return change, True

    def get_change(self, change_id: str) -> Change | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.changes).where(t.changes.c.id == change_id)).first()
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
        q = sa.select(t.changes).order_by(t.changes.c.detected_at.desc(), t.changes.c.id)
        if since:
            q = q.where(t.changes.c.detected_at >= since)
        if kind:
            q = q.where(t.changes.c.kind == kind)
        if policy_id:
            q = q.where(t.changes.c.policy_id == policy_id)
        if payer:
            q = q.join(t.policies, t.policies.c.id == t.changes.c.policy_id).join(
                t.sources, t.sources.c.id == t.policies.c.source_id
            )
            q = q.where(sa.or_(t.sources.c.id == payer, sa.func.lower(t.sources.c.payer) == payer.lower()))
        with self.engine.connect() as conn:
            rows = [row_to(Change, r) for r in conn.execute(q)]
        if drug:  # JSON containment differs per dialect; the lists are tiny, so filter here
            rows = [c for c in rows if drug in c.drugs]
        return rows[:limit] if limit else rows
