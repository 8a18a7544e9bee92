"""Settling a crawl run: the policy statuses it implies, stored in one transaction with their changes.

The crawler records what a run saw (fetches: present, ``missing`` after a recheck answered 404/410,
failing) and finishes the run. Settling happens later, from the archive alone, run by run in order:
``runs_to_settle`` lists the finished runs not yet settled, and ``settle_run`` writes a run's status
transitions, the ``retired`` / ``reinstated`` changes they announce and the run's ``analysed_at`` in one
transaction — so a process killed at any point either settled a run completely or not at all, and the
next crawl or ``reprocess`` picks up where it stopped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.changes import DeliveryPlan, insert_change
from store.models import Change, CrawlRun, utcnow

SEEN = ("new_version", "unchanged", "not_modified", "superseded")


@dataclasses.dataclass
class PolicyPresence:
    """One policy whose status a run may change: what the run saw of it and where it stood before."""

    id: str
    status: str
    missing_count: int
    seen: bool  # a good fetch of this run named the policy
    missing: bool  # a recheck of its URL, no longer listed by any index, answered 404/410


@dataclasses.dataclass
class Transition:
    policy_id: str
    status: str
    missing_count: int
    retired_at: dt.datetime | None = None


class SettleMixin(ArchiveBase):
    def runs_to_settle(self, source_id: str) -> list[CrawlRun]:
        """The source's finished runs that analysis has not settled, oldest first.

        A run still ``running`` is left out: it is a live crawl's (a ``reprocess`` beside it must not
        settle what it has not finished seeing), or a dead one's that the source's next crawl closes as
        ``interrupted`` before it starts (``payerwatch.recovery.recover``) and settles after it.
        """
        r = schema.crawl_runs
        q = (
            sa.select(r)
            .where(r.c.source_id == source_id, r.c.analysed_at.is_(None), r.c.status != "running")
            .order_by(r.c.id)
        )
        with self.engine.connect() as conn:
            return [row_to(CrawlRun, row) for row in conn.execute(q)]

    def baseline_end(self, source_id: str) -> tuple[bool, dt.datetime | None]:
        """(the source was ever crawled, when its first successful run finished — None if none yet).

        Versions first seen up to then are the source's baseline: archived, never announced.
        """
        r = schema.crawl_runs
        with self.engine.connect() as conn:
            crawled = conn.execute(sa.select(r.c.id).where(r.c.source_id == source_id).limit(1)).first()
            end = conn.execute(
                sa.select(sa.func.min(r.c.finished_at)).where(r.c.source_id == source_id, r.c.status == "ok")
            ).scalar()
        return crawled is not None, end

    def first_ok_run_id(self, source_id: str) -> int | None:
        r = schema.crawl_runs
        q = sa.select(sa.func.min(r.c.id)).where(r.c.source_id == source_id, r.c.status == "ok")
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def run_presence(self, run: CrawlRun) -> list[PolicyPresence]:
        """The policies whose status ``run`` may change: the ones it found missing, and the ones it saw
        that are not plainly active. An unchanged re-crawl loads none of them."""
        p, f = schema.policies, schema.fetches
        seen = sa.select(f.c.policy_id).where(
            f.c.run_id == run.id, f.c.outcome.in_(SEEN), f.c.policy_id.is_not(None)
        )
        missing = sa.select(f.c.policy_id).where(
            f.c.run_id == run.id, f.c.outcome == "missing", f.c.policy_id.is_not(None)
        )
        q = (
            sa.select(
                p.c.id,
                p.c.status,
                p.c.missing_count,
                p.c.id.in_(seen).label("seen"),
                p.c.id.in_(missing).label("missing"),
            )
            .where(
                p.c.source_id == run.source_id,
                sa.or_(
                    p.c.id.in_(missing),
                    sa.and_(p.c.id.in_(seen), sa.or_(p.c.status != "active", p.c.missing_count != 0)),
                ),
            )
            .order_by(p.c.id)
        )
        with self.engine.connect() as conn:
            return [
                PolicyPresence(row.id, row.status, row.missing_count, bool(row.seen), bool(row.missing))
                for row in conn.execute(q)
            ]

    def settle_run(
        self,
        run: CrawlRun,
        transitions: list[Transition],
        changes: list[Change],
        counted: int = 0,
        deliveries: DeliveryPlan | None = None,
    ) -> list[Change]:
        """Store ``run``'s transitions and changes and mark it analysed, all or nothing.

        ``counted`` more changes (found by comparing the run's new versions) are added to the run's
        change count. Returns the changes newly stored (an id already stored is not stored again).
        """
        created = []
        with self.engine.begin() as conn:
            for tr in transitions:
                conn.execute(
                    schema.policies.update()
                    .where(schema.policies.c.id == tr.policy_id)
                    .values(status=tr.status, missing_count=tr.missing_count, retired_at=tr.retired_at)
                )
            for change in changes:
                if insert_change(conn, change, deliveries):  # with its mail, in this transaction
                    created.append(change)
            run.analysed_at = utcnow()
            run.changes += counted + len(created)
            conn.execute(
                schema.crawl_runs.update()
                .where(schema.crawl_runs.c.id == run.id)
                .values(analysed_at=run.analysed_at, changes=run.changes)
            )
        return created
