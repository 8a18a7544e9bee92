"""A policy's history for researchers: every version with its changes, the position timeline the policy
page charts, the paged list of policies, and finding a policy from what a user types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.models import Change, Policy, Version


@dataclass
class HistoryEntry:
    """One version of a policy with the change events that introduced it (empty for silent re-issues)."""

    version: Version
    changes: list[Change] = field(default_factory=list)


class HistoryMixin(ArchiveBase):
    def history(self, policy_id: str) -> list[HistoryEntry]:
        """Every version of the policy, oldest first, each with the changes whose new version it is."""
        cols = [c for c in schema.versions.columns if c.name != "extraction"]
        with self.engine.connect() as conn:
            versions = [
                row_to(Version, r)
                for r in conn.execute(
                    sa.select(*cols)
                    .where(schema.versions.c.policy_id == policy_id)
                    .order_by(schema.versions.c.seq)
                )
            ]
            rows = conn.execute(
                sa.select(schema.changes)
                .where(schema.changes.c.policy_id == policy_id)
                .order_by(schema.changes.c.detected_at)
            ).all()
        by_new: dict[int | None, list[Change]] = {}
        for r in rows:
            by_new.setdefault(r.new_version_id, []).append(row_to(Change, r))
        return [HistoryEntry(v, by_new.get(v.id, [])) for v in versions]

    def resolve_policy(self, ref: str) -> Policy | None:
        """A policy by id, or by a unique policy number / id suffix (what a user types from a letter)."""
        policy = self.get_policy(ref)
        if policy is not None:
            return policy
        q = sa.select(schema.policies).where(
            sa.or_(
                schema.policies.c.policy_number == ref,
                schema.policies.c.id.endswith("/" + ref, autoescape=True),
            )
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q.limit(2)).all()
        return row_to(Policy, rows[0]) if len(rows) == 1 else None

    def position_timeline(self, policy_id: str) -> list[tuple[Version, dict[tuple[str, str], str]]]:
        """Per version (oldest first): {(drug, indication): position}; what the policy page charts."""
        versions = self.list_versions(policy_id)
        q = (
            sa.select(
                schema.facts.c.version_id,
                schema.facts.c.drug,
                schema.facts.c.indication,
                schema.facts.c.value,
            )
            .join(schema.versions, schema.versions.c.id == schema.facts.c.version_id)
            .where(schema.versions.c.policy_id == policy_id, schema.facts.c.field == "position")
        )
        positions: dict[int, dict[tuple[str, str], str]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                positions.setdefault(r.version_id, {})[(r.drug, r.indication)] = r.value
        return [(v, positions.get(v.id, {})) for v in versions]

    # -- paged list (web + JSON API) ----------------------------------------------------------------
    def policies_page(
        self, limit: int = 50, offset: int = 0, payer: str | None = None
    ) -> list[dict[str, Any]]:
        q = (
            sa.select(
                schema.policies, schema.sources.c.payer, schema.sources.c.program, schema.sources.c.state
            )
            .join(schema.sources, schema.sources.c.id == schema.policies.c.source_id)
            .order_by(schema.policies.c.id)
            .limit(limit)
            .offset(offset)
        )
        if payer:
            q = q.where(
                sa.or_(schema.sources.c.id == payer, sa.func.lower(schema.sources.c.payer) == payer.lower())
            )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
