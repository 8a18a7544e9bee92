"""Exports (CSV / JSONL / WARC input) and bulk loading.

Exports are generators that read the archive a bounded step at a time (``_keyset``): each step is one
query for the next rows after the last one read, in the order of a unique, indexed key, with a LIMIT. So
an export of the whole archive runs in constant memory, and its first row comes after one small step
whatever the archive's size. One streamed query over the whole table did not promise that: PostgreSQL
planned it as a hash join of every row and a sort, so the first row waited for the whole sort (facts
172 ms and changes 102 ms at 100,000 versions against 10-12 ms at 10,000; in steps 3 and 16-22 ms at both
sizes, on a machine at load 8).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.changes import change_record, context_of, contexts_query
from store.models import Version

EXPORTS = ("versions", "passages", "facts", "changes")
_BULK_TABLES = ("sources", "policies", "versions", "passages", "facts", "changes")


#: rows in an export's first step: its first row waits for these, not for a whole ``batch``
FIRST_STEP = 100


class ExportMixin(ArchiveBase):
    def iter_export(self, what: str, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Rows of ``what`` (one of EXPORTS) as flat JSON-able dicts, read ``FIRST_STEP`` rows, then up
        to ``batch`` rows at a time."""
        if what not in EXPORTS:
            raise ValueError(f"what must be one of {EXPORTS}")
        if what == "changes":  # the one JSON shape of a change (``change_record``), oldest first
            c = schema.changes.c
            rows = _keyset(self.engine, contexts_query(oldest_first=True), (c.detected_at, c.id), batch)
            for row in rows:
                yield change_record(context_of(row))
            return
        v, p, s = schema.versions, schema.policies, schema.sources
        ident = [s.c.payer, p.c.source_id, v.c.policy_id]
        if what == "versions":
            cols = [c for c in v.columns if c.name not in ("extraction", "policy_id")]
            q, key = sa.select(*ident, *cols).select_from(v).order_by(v.c.id), v.c.id
        else:  # passages, facts
            tbl = schema.metadata.tables[what]
            q = (
                sa.select(*ident, v.c.seq, *tbl.columns)
                .select_from(tbl)
                .join(v, v.c.id == tbl.c.version_id)
                .order_by(tbl.c.id)
            )
            key = tbl.c.id
        q = q.join(p, p.c.id == v.c.policy_id).join(s, s.c.id == p.c.source_id)
        for row in _keyset(self.engine, q, (key,), batch):
            yield {k: _plain(val) for k, val in row._mapping.items()}

    def iter_raw_versions(self) -> Iterator[tuple[Version, dict[str, Any]]]:
        """Every version with the response headers of the fetch that first brought its bytes (for WARC)."""
        f = schema.fetches
        cols = [c for c in schema.versions.columns if c.name != "extraction"]
        first = (
            sa.select(f.c.policy_id, f.c.sha256, sa.func.min(f.c.id).label("fid"))
            .where(f.c.sha256.is_not(None))
            .group_by(f.c.policy_id, f.c.sha256)
            .subquery()
        )
        q = (
            sa.select(*cols, f.c.etag, f.c.last_modified, f.c.content_type.label("fetch_content_type"))
            .select_from(schema.versions)
            .outerjoin(
                first,
                sa.and_(
                    first.c.policy_id == schema.versions.c.policy_id,
                    first.c.sha256 == schema.versions.c.sha256,
                ),
            )
            .outerjoin(f, f.c.id == first.c.fid)
            .order_by(schema.versions.c.id)
        )
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=200).execute(q):
                m = row._mapping
                headers = {
                    "etag": m["etag"],
                    "last_modified": m["last_modified"],
                    "content_type": m["fetch_content_type"],
                }
                yield row_to(Version, row), {k: v for k, v in headers.items() if v}

    # -- bulk loading (benchmarks, imports) ---------------------------------------------------------
    def bulk_load(self, table: str, rows: Iterable[dict[str, Any]], chunk: int = 5000) -> int:
        """Insert many rows into one archive table with executemany, ``chunk`` rows per transaction.

        For generated archives (bench/archive_speed.py) and imports, where one API call per row would measure
        the API instead of the archive. Rows are taken as given (ids included), so callers own consistency.
        """
        if table not in _BULK_TABLES:
            raise ValueError(f"bulk_load supports {_BULK_TABLES}")
        tbl = schema.metadata.tables[table]
        n, buf = 0, []
        for row in rows:
            buf.append(row)
            if len(buf) >= chunk:
                n += self._insert_many(tbl, buf)
                buf = []
        if buf:
            n += self._insert_many(tbl, buf)
        return n

    def _insert_many(self, tbl: sa.Table, rows: list[dict[str, Any]]) -> int:
        with self.engine.begin() as conn:
            conn.execute(tbl.insert(), rows)
        return len(rows)


def _keyset(engine: sa.Engine, query: sa.Select, key: tuple[Any, ...], batch: int) -> Iterator[sa.Row]:
    """The rows of ``query`` (ordered by ``key``, unique, one or two columns it selects) a step at a time.

    Each step asks for the rows after the last one read (``key > last``, an index range) with a LIMIT:
    ``FIRST_STEP`` rows, then ``batch``. The steps share one connection; on PostgreSQL a REPEATABLE READ
    transaction gives them one snapshot, as the one query had. On SQLite each step reads the archive as
    it is then: rows committed meanwhile with a later key (new versions, changes) are included.
    """
    names = [column.name for column in key]
    after: tuple[Any, ...] | None = None
    size = FIRST_STEP
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        while True:
            step = query if after is None else query.where(_past(key, after))
            rows = conn.execute(step.limit(size)).all()
            yield from rows
            if len(rows) < size:
                return
            after, size = tuple(rows[-1]._mapping[name] for name in names), batch


def _past(key: tuple[Any, ...], last: tuple[Any, ...]) -> sa.ColumnElement[bool]:
    """``key > last`` in the key's order, written so that an index on the key's first column serves it."""
    if len(key) == 1:
        return key[0] > last[0]
    first, second = key
    return sa.and_(first >= last[0], sa.or_(first > last[0], second > last[1]))


def _plain(value: Any) -> Any:
    """A value as CSV/JSON want it: ISO dates, JSON text for lists/dicts stays structured for jsonl."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_csv_cell(value: Any) -> Any:
    """Lists/dicts (drugs, details, diff) as compact JSON in one CSV cell."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value
