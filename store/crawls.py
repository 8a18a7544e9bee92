"""Sources, crawl runs, policies and fetches: what the crawler writes on every attempt.

Failures are facts about a fetch, never about a policy: a timeout or a 503 is one more fetch row with an
``error``; it never touches the policy's versions or status.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, inserted_id, row_to, values_of
from store.models import CrawlRun, Fetch, Policy, Source, utcnow


class CrawlsMixin(ArchiveBase):
    # -- sources ------------------------------------------------------------------------------------
    def upsert_source(self, source: Source) -> Source:
        now = utcnow()
        values = values_of(source, schema.sources) | {"updated_at": now}
        with self.engine.begin() as conn:
            exists = conn.execute(
                sa.select(schema.sources.c.id).where(schema.sources.c.id == source.id)
            ).first()
            if exists:
                conn.execute(schema.sources.update().where(schema.sources.c.id == source.id).values(**values))
            else:
                conn.execute(schema.sources.insert().values(**values, created_at=now))
        return source

    def get_source(self, source_id: str) -> Source | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.sources).where(schema.sources.c.id == source_id)).first()
        return row_to(Source, row) if row else None

    def list_sources(self) -> list[Source]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.sources).order_by(schema.sources.c.id)).all()
        return [row_to(Source, r) for r in rows]

    # -- crawl runs ---------------------------------------------------------------------------------
    def start_run(self, source_id: str, started_at: dt.datetime | None = None) -> CrawlRun:
        started_at = started_at or utcnow()
        with self.engine.begin() as conn:
            run_id = inserted_id(
                conn.execute(
                    schema.crawl_runs.insert().values(
                        source_id=source_id, started_at=started_at, status="running"
                    )
                )
            )
        return CrawlRun(id=run_id, source_id=source_id, started_at=started_at)

    def finish_run(self, run: CrawlRun) -> CrawlRun:
        run.finished_at = run.finished_at or utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                schema.crawl_runs.update()
                .where(schema.crawl_runs.c.id == run.id)
                .values(**values_of(run, schema.crawl_runs))
            )
        return run

    def close_dead_runs(self, source_id: str, message: str) -> list[int]:
        """Mark the source's ``running`` runs ``interrupted``; return their ids. An interrupted run never
        counts a document as missing.

        Only for a caller that knows no live process is crawling the source: it holds the source's crawl
        lock itself (``payerwatch.recovery.recover`` with ``crawling``, at the start of a crawl), or it
        found the lock free. Any run still marked running was then left by a process killed mid-crawl.
        """
        runs = schema.crawl_runs
        with self.engine.begin() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(runs.c.id).where(runs.c.source_id == source_id, runs.c.status == "running")
                )
            ]
            if ids:
                conn.execute(
                    runs.update()
                    .where(runs.c.id.in_(ids), runs.c.status == "running")
                    .values(status="interrupted", message=message, finished_at=utcnow())
                )
        return ids

    def get_run(self, run_id: int) -> CrawlRun | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.crawl_runs).where(schema.crawl_runs.c.id == run_id)).first()
        return row_to(CrawlRun, row) if row else None

    def list_runs(self, source_id: str | None = None, limit: int = 50) -> list[CrawlRun]:
        q = sa.select(schema.crawl_runs).order_by(schema.crawl_runs.c.id.desc()).limit(limit)
        if source_id:
            q = q.where(schema.crawl_runs.c.source_id == source_id)
        with self.engine.connect() as conn:
            return [row_to(CrawlRun, r) for r in conn.execute(q)]

    # -- policies -----------------------------------------------------------------------------------
    def upsert_policy(self, policy: Policy, seen_at: dt.datetime | None = None) -> Policy:
        """Create the policy or refresh its title/url/last_seen; identity never changes here."""
        seen_at = seen_at or utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(schema.policies).where(schema.policies.c.id == policy.id)).first()
            if row is None:
                values = values_of(policy, schema.policies) | {"first_seen": seen_at, "last_seen": seen_at}
                conn.execute(schema.policies.insert().values(**values))
            else:
                update = {"last_seen": seen_at, "url": policy.url}
                if policy.title:
                    update["title"] = policy.title
                if policy.policy_number:
                    update["policy_number"] = policy.policy_number
                conn.execute(
                    schema.policies.update().where(schema.policies.c.id == policy.id).values(**update)
                )
            row = conn.execute(sa.select(schema.policies).where(schema.policies.c.id == policy.id)).one()
        return row_to(Policy, row)

    def get_policy(self, policy_id: str) -> Policy | None:
        """The policy with this id — or found under this key (``policy_keys``: ``<source id>/<number>``
        names a policy even when its id is older, from the days of ids made from the payer's name)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.policies).where(schema.policies.c.id == policy_id)).first()
            if row is None:
                keyed = sa.select(schema.policy_keys.c.policy_id).where(
                    schema.policy_keys.c["key"] == policy_id
                )
                row = conn.execute(sa.select(schema.policies).where(schema.policies.c.id.in_(keyed))).first()
        return row_to(Policy, row) if row else None

    def list_policies(self, source_id: str | None = None) -> list[Policy]:
        q = sa.select(schema.policies).order_by(schema.policies.c.id)
        if source_id:
            q = q.where(schema.policies.c.source_id == source_id)
        with self.engine.connect() as conn:
            return [row_to(Policy, r) for r in conn.execute(q)]

    def set_policy_status(
        self, policy_id: str, status: str, missing_count: int, retired_at: dt.datetime | None = None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.policies.update()
                .where(schema.policies.c.id == policy_id)
                .values(status=status, missing_count=missing_count, retired_at=retired_at)
            )

    # -- fetches ------------------------------------------------------------------------------------
    def record_fetch(self, fetch: Fetch) -> Fetch:
        with self.engine.begin() as conn:
            fetch.id = inserted_id(
                conn.execute(schema.fetches.insert().values(**values_of(fetch, schema.fetches, skip=("id",))))
            )
        return fetch

    def list_fetches(
        self,
        source_id: str | None = None,
        run_id: int | None = None,
        url: str | None = None,
        limit: int = 1000,
    ) -> list[Fetch]:
        q = sa.select(schema.fetches).order_by(schema.fetches.c.id)
        if source_id:
            q = q.where(schema.fetches.c.source_id == source_id)
        if run_id:
            q = q.where(schema.fetches.c.run_id == run_id)
        if url:
            q = q.where(schema.fetches.c.url == url)
        with self.engine.connect() as conn:
            return [row_to(Fetch, r) for r in conn.execute(q.limit(limit))]
