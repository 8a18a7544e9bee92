"""Subscriptions and the delivery outbox rows (one per change × subscription)."""

from __future__ import annotations

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, inserted_id, row_to
from store.models import Delivery, Subscription, utcnow


class SubscriptionsMixin(ArchiveBase):
    def add_subscription(
        self,
        email: str,
        payers: list[str] | None = None,
        drugs: list[str] | None = None,
        min_severity: str = "low",
        digest: str = "immediate",
    ) -> Subscription:
        now = utcnow()
        with self.engine.begin() as conn:
            sid = inserted_id(
                conn.execute(
                    schema.subscriptions.insert().values(
                        email=email,
                        payers=list(payers or []),
                        drugs=list(drugs or []),
                        min_severity=min_severity,
                        digest=digest,
                        active=True,
                        created_at=now,
                    )
                )
            )
        sub = self.get_subscription(sid)
        assert sub is not None
        return sub

    def get_subscription(self, subscription_id: int) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(schema.subscriptions).where(schema.subscriptions.c.id == subscription_id)
            ).first()
        return row_to(Subscription, row) if row else None

    def list_subscriptions(self, active_only: bool = True, email: str | None = None) -> list[Subscription]:
        q = sa.select(schema.subscriptions).order_by(schema.subscriptions.c.id)
        if active_only:
            q = q.where(schema.subscriptions.c.active.is_(True))
        if email:
            q = q.where(sa.func.lower(schema.subscriptions.c.email) == email.lower())
        with self.engine.connect() as conn:
            return [row_to(Subscription, r) for r in conn.execute(q)]

    def deactivate_subscriptions(self, email: str, subscription_id: int | None = None) -> int:
        """Unsubscribe; pending deliveries are cancelled so nothing more is sent."""
        q = sa.select(schema.subscriptions.c.id).where(
            sa.func.lower(schema.subscriptions.c.email) == email.lower(),
            schema.subscriptions.c.active.is_(True),
        )
        if subscription_id is not None:
            q = q.where(schema.subscriptions.c.id == subscription_id)
        with self.engine.begin() as conn:
            ids = [r.id for r in conn.execute(q)]
            if not ids:
                return 0
            conn.execute(
                schema.subscriptions.update()
                .where(schema.subscriptions.c.id.in_(ids))
                .values(active=False, unsubscribed_at=utcnow())
            )
            conn.execute(
                schema.deliveries.update()
                .where(schema.deliveries.c.subscription_id.in_(ids), schema.deliveries.c.status == "pending")
                .values(status="cancelled")
            )
        return len(ids)

    def add_delivery(self, change_id: str, subscription_id: int, digest_key: str | None = None) -> bool:
        """Queue one delivery; the (change, subscription) unique key makes queueing idempotent."""
        with self.engine.begin() as conn:
            exists = conn.execute(
                sa.select(schema.deliveries.c.id).where(
                    schema.deliveries.c.change_id == change_id,
                    schema.deliveries.c.subscription_id == subscription_id,
                )
            ).first()
            if exists:
                return False
            conn.execute(
                schema.deliveries.insert().values(
                    change_id=change_id,
                    subscription_id=subscription_id,
                    digest_key=digest_key,
                    status="pending",
                    created_at=utcnow(),
                )
            )
        return True

    def list_deliveries(
        self, status: str | None = None, subscription_id: int | None = None
    ) -> list[Delivery]:
        q = sa.select(schema.deliveries).order_by(schema.deliveries.c.id)
        if status:
            q = q.where(schema.deliveries.c.status == status)
        if subscription_id:
            q = q.where(schema.deliveries.c.subscription_id == subscription_id)
        with self.engine.connect() as conn:
            return [row_to(Delivery, r) for r in conn.execute(q)]
