"""Read-side queries for researchers: history, as-of, the coverage matrix, paged lists and exports.

Appeals need the policy that was in force on the day of a denial, which is not always the one the payer
was serving that day: documents are often published weeks before they take effect, and sometimes
re-issued with an effective date in the past. So every as-of question names its clock: ``effective``
(the document's own effective date) or ``observed`` (when payerwatch first saw the bytes).

Exports are generators over streamed result sets, so an export of the whole archive runs in constant
memory whatever its size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.models import Change, Policy, Version

EXPORTS = ("versions", "passages", "facts", "changes")
BY = ("effective", "observed")
_BULK_TABLES = ("sources", "policies", "versions", "passages", "facts", "changes")


def in_force_date(
    version: Version, by: str = "effective", earlier_effective: dt.date | None = None
) -> dt.date:
    """The day a version counts from (Python twin of ``store.search._key_sql``).

    ``observed``: the day payerwatch first saw the bytes. ``effective``: the document's effective date when
    it moved forward from every earlier version's (``earlier_effective`` is their latest) — a re-issue
    with a new, even retroactive, effective date counts from it. Many documents keep their original
    effective date (Aetna's 2019) on every revision; such a revision cannot count from 2019, so it
    counts from the later of that date and the day it was issued (published, else first seen).
    """
    seen = version.first_seen.astimezone(dt.UTC).date()
    if by != "effective":
        return seen
    eff = version.effective
    if eff is not None and (earlier_effective is None or eff > earlier_effective):
        return eff
    issued = version.published or seen
    return max(eff, issued) if eff is not None else issued


def in_force_dates(versions: list[Version], by: str = "effective") -> dict[int, dt.date]:
    """``in_force_date`` of each version of one policy, keyed by version id."""
    out, latest = {}, None
    for v in sorted(versions, key=lambda v: v.seq):
        out[v.id] = in_force_date(v, by, latest)
        if v.effective is not None:
            latest = max(latest, v.effective) if latest else v.effective
    return out


@dataclass
class HistoryEntry:
    """One version of a policy with the change events that introduced it (empty for silent re-issues)."""

    version: Version
    changes: list[Change] = field(default_factory=list)


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


class QueriesMixin(ArchiveBase):
    # -- history and as-of --------------------------------------------------------------------------
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

    def version_as_of(self, policy_id: str, day: dt.date, by: str = "effective") -> Version | None:
        """The version in force on ``day``: latest in-force date ≤ day, ties broken by the later version.

        ``by="effective"`` uses the document's effective date (falling back to the day first seen);
        ``by="observed"`` the day payerwatch first saw the bytes.
        """
        if by not in BY:
            raise ValueError(f"by must be one of {BY}")
        versions = self.list_versions(policy_id)
        keys = in_force_dates(versions, by)
        candidates = [v for v in versions if keys[v.id] <= day]
        if not candidates:
            return None
        return max(candidates, key=lambda v: (keys[v.id], v.seq))

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

    # -- matrix -------------------------------------------------------------------------------------
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

    # -- paged lists (web + JSON API) ---------------------------------------------------------------
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

    def changes_page(
        self,
        limit: int = 50,
        offset: int = 0,
        payer: str | None = None,
        drug: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
        policy_id: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[tuple[Change, dict[str, Any]]]:
        """Changes newest first with their policy's payer/title/url, filtered in SQL so paging is exact."""
        q = (
            sa.select(
                schema.changes,
                schema.sources.c.payer,
                schema.sources.c.id.label("source_id"),
                schema.policies.c.title.label("policy_title"),
                schema.policies.c.url.label("policy_url"),
            )
            .join(schema.policies, schema.policies.c.id == schema.changes.c.policy_id)
            .join(schema.sources, schema.sources.c.id == schema.policies.c.source_id)
            .order_by(schema.changes.c.detected_at.desc(), schema.changes.c.id)
            .limit(limit)
            .offset(offset)
        )
        if payer:
            q = q.where(
                sa.or_(schema.sources.c.id == payer, sa.func.lower(schema.sources.c.payer) == payer.lower())
            )
        if drug:
            q = q.where(sa.cast(schema.changes.c.drugs, sa.Text).like(f'%"{drug}"%'))
        if kind:
            q = q.where(schema.changes.c.kind == kind)
        if severity:
            q = q.where(schema.changes.c.severity == severity)
        if policy_id:
            q = q.where(schema.changes.c.policy_id == policy_id)
        if since:
            q = q.where(schema.changes.c.detected_at >= since)
        with self.engine.connect() as conn:
            out = []
            for r in conn.execute(q):
                m = r._mapping
                extra = {k: m[k] for k in ("payer", "source_id", "policy_title", "policy_url")}
                out.append((row_to(Change, r), extra))
            return out

    def changes_between(self, policy_id: str, old_version_id: int, new_version_id: int) -> list[Change]:
        """The stored changes that lie between two versions of a policy (any pair, not only neighbours)."""
        seqs = {v.id: v.seq for v in self.list_versions(policy_id)}
        lo, hi = seqs.get(old_version_id), seqs.get(new_version_id)
        if lo is None or hi is None:
            return []
        lo, hi = min(lo, hi), max(lo, hi)
        inside = {vid for vid, s in seqs.items() if lo < s <= hi}
        return [c for c in self.list_changes(policy_id=policy_id) if c.new_version_id in inside][::-1]

    # -- exports ------------------------------------------------------------------------------------
    def iter_export(self, what: str, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Rows of ``what`` (one of EXPORTS) as flat JSON-able dicts, streamed ``batch`` rows at a time."""
        if what not in EXPORTS:
            raise ValueError(f"what must be one of {EXPORTS}")
        v, p, s = schema.versions, schema.policies, schema.sources
        ident = [s.c.payer, p.c.source_id, v.c.policy_id]
        if what == "versions":
            cols = [c for c in v.columns if c.name not in ("extraction", "policy_id")]
            q = sa.select(*ident, *cols).select_from(v).order_by(v.c.id)
        elif what in ("passages", "facts"):
            tbl = schema.metadata.tables[what]
            q = (
                sa.select(*ident, v.c.seq, *tbl.columns)
                .select_from(tbl)
                .join(v, v.c.id == tbl.c.version_id)
                .order_by(tbl.c.id)
            )
        else:
            q = (
                sa.select(s.c.payer, p.c.source_id, schema.changes)
                .select_from(schema.changes)
                .order_by(schema.changes.c.detected_at, schema.changes.c.id)
            )
        anchor = v.c.policy_id if what != "changes" else schema.changes.c.policy_id
        q = q.join(p, p.c.id == anchor).join(s, s.c.id == p.c.source_id)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(q)
            for row in result:
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
