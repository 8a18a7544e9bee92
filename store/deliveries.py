"""The email outbox's delivery states (the changes they announce come from ``store/changes.py``).

Delivery states (``deliveries.status``)::

    pending ──claim──► sending ──250──► sent
       ▲                  │  4xx / connection error: back to pending with ``next_attempt_at`` (backoff)
       └──────────────────┘  5xx: failed (``last_error`` keeps the reply)
    pending ──unsubscribe──► cancelled

``claim_deliveries`` is a conditional update, so two ``send`` processes never both own a row. While a row is
``sending``, ``next_attempt_at`` is its lease: a ``send`` that died mid-message leaves the row ``sending``
and a later run reclaims it only after the lease has run out (see ``feeds/outbox.py`` for the residual
duplicate window this implies).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.models import Delivery


class _LostClaim(Exception):
    pass


class DeliveriesMixin(ArchiveBase):
    # -- deliveries ---------------------------------------------------------------------------------
    def due_deliveries(self, now: dt.datetime) -> list[Delivery]:
        """Pending rows whose backoff is over, plus ``sending`` rows whose lease ran out."""
        c = schema.deliveries.c
        ready = sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)
        q = (
            sa.select(schema.deliveries)
            .where(
                sa.or_(
                    sa.and_(c.status == "pending", ready),
                    sa.and_(c.status == "sending", c.next_attempt_at <= now),
                )
            )
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            return [row_to(Delivery, r) for r in conn.execute(q)]

    def claim_deliveries(
        self, delivery_ids: list[int], message_id: str, now: dt.datetime, lease_until: dt.datetime
    ) -> bool:
        """Move all of ``delivery_ids`` to ``sending`` (attempts + 1) or none of them.

        Returns False when another sender got there first or a row was cancelled meanwhile.
        """
        c = schema.deliveries.c
        claimable = sa.or_(
            sa.and_(c.status == "pending", sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)),
            sa.and_(c.status == "sending", c.next_attempt_at <= now),
        )
        try:
            with self.engine.begin() as conn:
                result = conn.execute(
                    schema.deliveries.update()
                    .where(c.id.in_(delivery_ids), claimable)
                    .values(
                        status="sending",
                        attempts=c.attempts + 1,
                        message_id=message_id,
                        next_attempt_at=lease_until,
                    )
                )
                if result.rowcount != len(delivery_ids):
                    raise _LostClaim  # leaving the block by an exception rolls the partial claim back
        except _LostClaim:
            return False
        return True

    def mark_deliveries_sent(self, delivery_ids: list[int], message_id: str, sent_at: dt.datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.deliveries.update()
                .where(schema.deliveries.c.id.in_(delivery_ids))
                .values(
                    status="sent",
                    message_id=message_id,
                    sent_at=sent_at,
                    next_attempt_at=None,
                    last_error=None,
                )
            )

    def mark_deliveries_retry(
        self, delivery_ids: list[int], error: str, next_attempt_at: dt.datetime
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.deliveries.update()
                .where(schema.deliveries.c.id.in_(delivery_ids), schema.deliveries.c.status == "sending")
                .values(status="pending", last_error=error[:2000], next_attempt_at=next_attempt_at)
            )

    def mark_deliveries_failed(self, delivery_ids: list[int], error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.deliveries.update()
                .where(schema.deliveries.c.id.in_(delivery_ids))
                .values(status="failed", last_error=error[:2000], next_attempt_at=None)
            )

    def delivery_counts(self) -> dict[str, int]:
        c = schema.deliveries.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(c.status, sa.func.count()).group_by(c.status)).all()
        return {status: n for status, n in rows}

    def cancel_deliveries(self, delivery_ids: list[int], reason: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.deliveries.update()
                .where(
                    schema.deliveries.c.id.in_(delivery_ids),
                    schema.deliveries.c.status.in_(("pending", "sending")),
                )
                .values(status="cancelled", last_error=reason, next_attempt_at=None)
            )

    def open_deliveries(self, subscription_id: int, digest_key: str) -> list[Delivery]:
        """The digest's rows not yet settled (pending or sending), whatever their backoff."""
        c = schema.deliveries.c
        q = (
            sa.select(schema.deliveries)
            .where(
                c.subscription_id == subscription_id,
                c.digest_key == digest_key,
                c.status.in_(("pending", "sending")),
            )
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            return [row_to(Delivery, r) for r in conn.execute(q)]
