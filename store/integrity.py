"""Per-source health and archive integrity (``payerwatch status`` / ``payerwatch verify``)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.models import CrawlRun, IntegrityProblem, SourceStatus


class IntegrityMixin(ArchiveBase):
    def source_status(self) -> list[SourceStatus]:
        """One row per source. ``open_errors`` counts the errored fetches of the latest run."""
        out = []
        with self.engine.connect() as conn:
            for src in self.list_sources():
                run_row = conn.execute(
                    sa.select(schema.crawl_runs)
                    .where(schema.crawl_runs.c.source_id == src.id)
                    .order_by(schema.crawl_runs.c.id.desc())
                    .limit(1)
                ).first()
                run = row_to(CrawlRun, run_row) if run_row else None
                n_policies = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(schema.policies)
                    .where(schema.policies.c.source_id == src.id)
                ).scalar_one()
                n_versions = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(
                        schema.versions.join(
                            schema.policies, schema.policies.c.id == schema.versions.c.policy_id
                        )
                    )
                    .where(schema.policies.c.source_id == src.id)
                ).scalar_one()
                errors, last_error = 0, None
                if run is not None:
                    err_rows = conn.execute(
                        sa.select(schema.fetches.c.url, schema.fetches.c.error)
                        .where(schema.fetches.c.run_id == run.id, schema.fetches.c.outcome == "error")
                        .order_by(schema.fetches.c.id.desc())
                    ).all()
                    errors = len(err_rows)
                    if err_rows:
                        last_error = f"{err_rows[0].url}: {err_rows[0].error}"
                    elif run.status == "failed":
                        last_error = run.message
                gave_up = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(
                        schema.versions.join(
                            schema.policies, schema.policies.c.id == schema.versions.c.policy_id
                        )
                    )
                    .where(
                        schema.policies.c.source_id == src.id,
                        schema.versions.c.extract_attempts > 0,
                        schema.versions.c.extract_retry_at.is_(None),
                        schema.versions.c.extractor_version.is_(None),
                    )
                ).scalar_one()
                out.append(
                    SourceStatus(
                        src, run, n_policies, n_versions, errors, last_error, extract_given_up=gave_up
                    )
                )
        return out

    def verify(self, on_blob: Callable[[int], None] | None = None) -> list[IntegrityProblem]:
        """Re-hash every blob and check that every row points at something that exists.

        ``on_blob(1)`` is called after each archived blob is re-hashed (the CLI's progress bar)."""
        problems: list[IntegrityProblem] = []
        with self.engine.connect() as conn:
            known = {r.sha256 for r in conn.execute(sa.select(schema.versions.c.sha256).distinct())}
            for sha in sorted(known):
                if on_blob is not None:
                    on_blob(1)
                bad = self.blobs.check(sha)
                if bad:
                    problems.append(IntegrityProblem("blob", str(bad.path), bad.problem))
            problems += self._dangling(conn)
        for sha in self.blobs.iter_shas():
            if sha not in known:
                bad = self.blobs.check(sha)
                if bad:
                    problems.append(IntegrityProblem("blob", str(bad.path), bad.problem))
        # a live writer's temp file is a write in progress
        for tmp in self.blobs.stale_temp_files(everywhere=True):
            problems.append(IntegrityProblem("temp-file", str(tmp), "left by an interrupted write"))
        return problems

    def _dangling(self, conn: sa.Connection) -> list[IntegrityProblem]:
        """Portable foreign-key check (SQLite can hold violations made with foreign_keys off)."""
        problems = []
        for table in schema.metadata.sorted_tables:
            for fk in table.foreign_keys:
                col, target = fk.parent, fk.column
                q = (
                    sa.select(table.c[col.name])
                    .select_from(table.outerjoin(target.table, col == target))
                    .where(col.is_not(None), target.is_(None))
                    .limit(5)
                )
                for row in conn.execute(q):
                    problems.append(
                        IntegrityProblem(
                            "foreign-key",
                            f"{table.name}.{col.name}={row[0]}",
                            f"no {target.table.name}.{target.name} with that value",
                        )
                    )
        return problems
