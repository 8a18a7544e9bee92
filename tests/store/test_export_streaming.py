"""An export's first row comes after one small step, whatever the archive's size (``_keyset`` in
``store/queries/export.py``), and the steps together give every row once, in order.

One streamed query over a whole table let PostgreSQL join every row and sort them before the first came
out (100-170 ms at 100,000 versions, growing with the archive). What is checked here is what the export
asks the database: before the first row, one statement with a LIMIT of ``FIRST_STEP`` rows; then steps of
``batch`` rows after the last key read. Counting statements, not timing them, keeps the test exact on a
loaded machine; the SQLite and PostgreSQL halves both run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from store.models import Policy, Source
from store.queries.export import FIRST_STEP

ROWS = 250
WORDS = "ketamine infusion criteria"


def _fill(archive) -> None:
    """ROWS versions of one policy, each with a passage, a fact and a change (bulk loads: fast)."""
    at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    archive.upsert_source(Source(id="many", payer="Many Rows Health"))
    archive.upsert_policy(Policy(id="many/1", source_id="many", url="https://many.test/1"), seen_at=at)
    days = [at + dt.timedelta(days=n // 3) for n in range(ROWS)]  # three changes a day: ties
    archive.bulk_load(
        "versions",
        (
            {
                "id": 1000 + n,
                "policy_id": "many/1",
                "seq": n + 1,
                "sha256": f"{n:064x}",
                "url": "https://many.test/1.pdf",
                "media_type": "application/pdf",
                "size": 10,
                "first_seen": day,
                "last_seen": day,
                "mentions_topic": True,
            }
            for n, day in enumerate(days)
        ),
    )
    archive.bulk_load(
        "passages",
        (
            {"version_id": 1000 + n, "ordinal": 0, "heading": "Ketamine", "text": WORDS}
            | {"section_path": ["Coverage"], "drugs": ["ketamine"], "indications": [], "codes": []}
            | {"start": 0, "end": 20, "page_start": 1, "page_end": 1}
            for n in range(ROWS)
        ),
    )
    archive.bulk_load(
        "changes",
        (
            {
                "id": f"c{n:05d}",
                "policy_id": "many/1",
                "old_version_id": 999 + n if n else None,
                "new_version_id": 1000 + n,
                "kind": "wording" if n else "new_policy",
                "severity": "medium",
                "drugs": ["ketamine"],
                "summary": f"change {n}",
                "details": [{"field": "wording"}],
                "diff": [[0, WORDS]],
                "evidence": [],
                "needs_review": False,
                "detected_at": day,
            }
            for n, day in enumerate(days)
        ),
    )


class Statements:
    """The SELECTs an archive's engine runs while the block is open, with their parameters."""

    def __init__(self, engine: sa.Engine):
        self.engine, self.seen = engine, []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            values = parameters.values() if isinstance(parameters, dict) else parameters
            self.seen.append((statement, list(values or ())))

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


@pytest.mark.parametrize("what", ["versions", "passages", "changes"])
def test_the_first_row_costs_one_small_step(archive, what):
    _fill(archive)
    rows: Iterator = archive.iter_export(what)
    with Statements(archive.engine) as before_first:
        first = next(rows)
    [(statement, values)] = before_first.seen
    assert "LIMIT" in statement.upper() and FIRST_STEP in values
    assert first["id"] == min(r["id"] for r in archive.iter_export(what))


@pytest.mark.parametrize("what", ["versions", "passages", "changes"])
def test_the_steps_give_every_row_once_in_order(archive, what):
    _fill(archive)
    with Statements(archive.engine) as steps:
        ids = [row["id"] for row in archive.iter_export(what, batch=7)]
    assert len(steps.seen) == 1 + (ROWS - FIRST_STEP) // 7 + 1
    assert all("LIMIT" in statement.upper() for statement, _ in steps.seen)
    with archive.engine.connect() as conn:  # the whole table, in the export's order, in one query
        table = sa.table(what, sa.column("id"), sa.column("detected_at"))
        order = (table.c.detected_at, table.c.id) if what == "changes" else (table.c.id,)
        expected = conn.execute(sa.select(table.c.id).order_by(*order)).scalars().all()
    assert ids == expected and len(ids) == ROWS
