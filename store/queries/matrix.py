"""The coverage matrix: payers × drug/indication, from each policy's latest version's facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase


@dataclass
class MatrixCell:
    """Current position of one drug × indication in one policy (from its latest version's facts)."""

    policy_id: str
    source_id: str
    payer: str
    program: str
    state: str | None
    title: str | None
    version_id: int
    drug: str
    indication: str
    position: str | None
    criteria: dict[str, str] = field(default_factory=dict)
    last_change: dt.datetime | None = None

    @property
    def criteria_summary(self) -> str:
        return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(self.criteria.items()))


class MatrixMixin(ArchiveBase):
    def matrix(self, program: str | None = None, state: str | None = None) -> list[MatrixCell]:
        """Payers × drug/indication from each policy's latest version (only policies with facts)."""
        latest = (
            sa.select(schema.versions.c.policy_id, sa.func.max(schema.versions.c.seq).label("seq"))
            .group_by(schema.versions.c.policy_id)
            .subquery()
        )
        q = (
            sa.select(
                schema.versions.c.id.label("version_id"),
                schema.versions.c.policy_id,
                sa.func.coalesce(schema.versions.c.title, schema.policies.c.title).label("title"),
                schema.sources.c.id.label("source_id"),
                schema.sources.c.payer,
                schema.sources.c.program,
                schema.sources.c.state,
                schema.facts.c.drug,
                schema.facts.c.indication,
                schema.facts.c.field,
                schema.facts.c.value,
            )
            .select_from(schema.versions)
            .join(
                latest,
                sa.and_(
                    latest.c.policy_id == schema.versions.c.policy_id, latest.c.seq == schema.versions.c.seq
                ),
            )
            .join(schema.policies, schema.policies.c.id == schema.versions.c.policy_id)
            .join(schema.sources, schema.sources.c.id == schema.policies.c.source_id)
            .join(schema.facts, schema.facts.c.version_id == schema.versions.c.id)
            .order_by(
                schema.sources.c.payer,
                schema.versions.c.policy_id,
                schema.facts.c.drug,
                schema.facts.c.indication,
                schema.facts.c.id,
            )
        )
        if program:
            q = q.where(schema.sources.c.program == program)
        if state:
            q = q.where(schema.sources.c.state == state.upper())
        last_change = sa.select(
            schema.changes.c.policy_id, sa.func.max(schema.changes.c.detected_at).label("at")
        ).group_by(schema.changes.c.policy_id)
        cells: dict[tuple[str, str, str], MatrixCell] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                key = (r.policy_id, r.drug, r.indication)
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = MatrixCell(
                        policy_id=r.policy_id,
                        source_id=r.source_id,
                        payer=r.payer,
                        program=r.program,
                        state=r.state,
                        title=r.title,
                        version_id=r.version_id,
                        drug=r.drug,
                        indication=r.indication,
                        position=None,
                    )
                if r.field == "position":
                    cell.position = r.value
                else:
                    cell.criteria.setdefault(r.field, r.value)
            changed = {r.policy_id: r.at for r in conn.execute(last_change)}
        for cell in cells.values():
            at = changed.get(cell.policy_id)
            cell.last_change = at.replace(tzinfo=dt.UTC) if at is not None and at.tzinfo is None else at
        return list(cells.values())
