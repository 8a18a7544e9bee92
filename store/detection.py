"""Queries the differ needs beyond add/list: the changes of one version, and retracting a stale one.

When ``payerwatch reprocess`` runs an improved extractor, a version can be classified differently (its
change id, which includes the kind, moves) or not at all. The old record would then be a duplicate or a
false alarm, so it is retracted — unless it was already mailed: a delivered change stays on record.
"""

from __future__ import annotations

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.models import Change


class DetectionMixin(ArchiveBase):
    def changes_for_version(self, new_version_id: int) -> list[Change]:
        """Changes detected when ``new_version_id`` arrived (not retirements, which have no new version)."""
        q = (
            sa.select(schema.changes)
            .where(schema.changes.c.new_version_id == new_version_id)
            .order_by(schema.changes.c.id)
        )
        with self.engine.connect() as conn:
            return [row_to(Change, r) for r in conn.execute(q)]

    def retract_change(self, change_id: str) -> bool:
        """Delete a change nobody was sent yet; return False (and keep it) once a delivery exists."""
        with self.engine.begin() as conn:
            sent = conn.execute(
                sa.select(sa.func.count())
                .select_from(schema.deliveries)
                .where(schema.deliveries.c.change_id == change_id)
            ).scalar_one()
            if sent:
                return False
            conn.execute(schema.changes.delete().where(schema.changes.c.id == change_id))
        return True
