"""The coverage matrix: payers × drug/indication, from each policy's latest version's facts.

At a million versions the matrix has ~10^5 rows and building all of it took 3.6 s, so it is read a page
at a time, in one fixed order — payer name, then policy id (cells within a row by drug, indication) —
with keyset paging: a page starts strictly after the last row (or cell) the previous page showed. Nothing
is lost or repeated across pages even when policies arrive between two requests, and page 2,000 costs
what page 1 does (an offset would make the database walk every earlier row). Migration 0008 adds the
two indexes the walk follows: ``sources(payer, id)`` and ``policies(source_id, id)``.

Filters: ``program``, ``state`` and ``payer`` (a source id or a payer name) choose rows, and so does
``payer_contains`` (a source id, or words the payer's name contains: the web page's search box); ``drug``,
``indication`` and ``stance`` choose cells, and a row is shown when at least one of its cells is chosen.
A stance is a position value (``not_covered`` …) or ``mixed`` (the policy states several positions,
stored as ``a / b``). Each row's latest version is found through the ``(policy_id, seq)`` unique index,
so a page costs a few index look-ups per row it considers, whatever the archive's size.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, row_to
from store.models import Source

#: Policies read per query while walking the matrix without a limit (``matrix()`` of everything).
_CHUNK = 500
#: A stance or indication that at most this many policies ever had is looked up from its facts.
SPARSE = 500
MIXED = "mixed"
#: The id of the policy ``p``'s latest version, through the ``(policy_id, seq)`` unique index.
_LATEST = "(SELECT v.id FROM versions v WHERE v.policy_id = p.id ORDER BY v.seq DESC LIMIT 1)"


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

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Where the cell sits in the matrix's order; ``matrix(after=cell.key)`` starts after it."""
        return (self.payer, self.policy_id, self.drug, self.indication)


@dataclass(frozen=True)
class MatrixFilter:
    program: str | None = None
    state: str | None = None
    payer: str | None = None
    drug: str | None = None
    indication: str | None = None
    stance: str | None = None
    #: leave out one indication's cells (the web page shows billing codes, indication ``any``, elsewhere)
    without_indication: str | None = None
    #: a source id, or text the payer's name contains in any case (the web page's payer box)
    payer_contains: str | None = None

    def keeps(self, cell: MatrixCell) -> bool:
        """The cell-level filters, applied to a built cell (the SQL applies them to fact rows)."""
        if self.stance is None:
            return True
        if self.stance == MIXED:
            return cell.position is not None and " / " in cell.position
        return cell.position == self.stance


#: The filters a caller may pass by name (the web page, the API and the CLI take the same ones).
MATRIX_FILTERS = ("program", "state", "payer", "drug", "indication", "stance")


def matrix_cursor(key: tuple[str, ...]) -> str:
    """An opaque, URL-safe cursor for a row key ``(payer, policy_id)`` or a cell key."""
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def payer_contains_sql(text: str) -> tuple[str, dict[str, str]]:
    """``text`` as a condition on a source ``s``: its id, or a payer name containing it (any case).

    ``%`` and ``_`` in the text are matched literally. One definition for the matrix's rows and for
    ``sources_matching``, so the names the page lists under the box are the payers its rows come from.
    """
    like = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    cond = "(s.id = :contains_id OR lower(s.payer) LIKE :contains_like ESCAPE '\\')"
    return cond, {"contains_id": text, "contains_like": f"%{like}%"}


def parse_matrix_cursor(cursor: str, size: int) -> tuple[str, ...]:
    """The key in a cursor made by ``matrix_cursor``; ``ValueError`` for anything else."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("not a matrix cursor") from None
    if not isinstance(key, list) or len(key) != size or not all(isinstance(k, str) for k in key):
        raise ValueError("not a matrix cursor")
    return tuple(key)


class MatrixMixin(ArchiveBase):
    def matrix(
        self,
        program: str | None = None,
        state: str | None = None,
        payer: str | None = None,
        drug: str | None = None,
        indication: str | None = None,
        stance: str | None = None,
        limit: int | None = None,
        after: tuple[str, str, str, str] | None = None,
    ) -> list[MatrixCell]:
        """Matrix cells in order (payer, policy, drug, indication), at most ``limit`` (None: all),
        starting after the cell whose ``key`` is ``after``. Only policies whose latest version has facts."""
        filters = MatrixFilter(program, state, payer, drug, indication, stance)
        out: list[MatrixCell] = []
        row_after, inclusive = (after[:2], True) if after else (None, False)
        while limit is None or len(out) < limit:
            want = _CHUNK if limit is None else limit - len(out) + 1
            rows = self._matrix_rows(filters, want, row_after, inclusive)
            for row in rows:  # only the row the cursor points into is cut; the database orders the rest
                if after is not None and row and row[0].key[:2] == after[:2]:
                    row = [c for c in row if c.key[2:] > after[2:]]
                out.extend(row)
            if len(rows) < want:
                break
            row_after, inclusive = rows[-1][0].key[:2], False
        return out if limit is None else out[:limit]

    def matrix_rows(
        self, limit: int = 50, after: tuple[str, str] | None = None, **filters: str | None
    ) -> list[list[MatrixCell]]:
        """Up to ``limit`` matrix rows (a policy's chosen cells each), after the row ``(payer, policy_id)``;
        ``filters`` are ``MatrixFilter``'s fields."""
        return self._matrix_rows(MatrixFilter(**filters), limit, after, False)

    def sources_matching(self, text: str, limit: int | None = None) -> list[Source]:
        """Sources whose id is ``text`` or whose payer name contains it (any case), by payer name: the
        payers the matrix page's search box chose (``payer_contains``), at most ``limit``."""
        cond, params = payer_contains_sql(text)
        q = f"SELECT s.* FROM sources s WHERE {cond} ORDER BY s.payer, s.id"
        bound: dict[str, str | int] = dict(params)
        if limit is not None:
            q += " LIMIT :limit"
            bound["limit"] = limit
        with self.engine.connect() as conn:
            return [row_to(Source, r) for r in conn.execute(sa.text(q), bound)]

    def source_states(self) -> list[str]:
        """The states that have a source (the matrix page's state menu), without reading every source."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(schema.sources.c.state).where(schema.sources.c.state.is_not(None)).distinct()
            )
            return sorted(r.state for r in rows)

    def iter_matrix(self, **filters: str | None) -> Iterator[MatrixCell]:
        """Every chosen cell, read ``_CHUNK`` rows at a time (constant memory: the CLI's whole matrix)."""
        f, after = MatrixFilter(**filters), None
        while True:
            rows = self._matrix_rows(f, _CHUNK, after, False)
            for row in rows:
                yield from row
            if len(rows) < _CHUNK:
                return
            after = rows[-1][0].key[:2]

    def _matrix_rows(
        self, f: MatrixFilter, limit: int, after: tuple[str, ...] | None, inclusive: bool
    ) -> list[list[MatrixCell]]:
        conds, params = _fact_sql(f)
        # ``|| ''`` keeps the facts(value, field) / (indication, drug) indexes out of this per-policy
        # check: it must find the latest version's few facts by version id, not walk every such fact
        unindexed = re.sub(r"f\.(\w+) ", r"f.\1 || '' ", conds)
        # a scalar subquery, not EXISTS: PostgreSQL turns EXISTS into a semi-join that reads every
        # matching fact (a hash of all of them, 0.1-0.3 s at 50,000 versions) before the first row; a
        # scalar subquery stays a per-policy check, so the walk stops when the page is full (2 ms)
        where = [
            "(SELECT 1 FROM facts f WHERE f.version_id = " + _LATEST + unindexed + " LIMIT 1) IS NOT NULL"
        ]
        if f.program:
            where.append("s.program = :program")
            params["program"] = f.program
        if f.state:
            where.append("s.state = :state")
            params["state"] = f.state.upper()
        if f.payer:
            where.append("(s.id = :payer OR lower(s.payer) = :payer_lower)")
            params.update(payer=f.payer, payer_lower=f.payer.lower())
        if f.payer_contains:
            cond, more = payer_contains_sql(f.payer_contains)
            where.append(cond)
            params.update(more)
        if after is not None:
            where.append(
                f"(s.payer > :a_payer OR (s.payer = :a_payer AND p.id {'>=' if inclusive else '>'} :a_id))"
            )
            params.update(a_payer=after[0], a_id=after[1])
        params["limit"] = limit
        cols = (
            f"p.id AS policy_id, p.title, {_LATEST} AS version_id, s.id AS source_id, s.payer, s.program, "
            "s.state"
        )
        with self.engine.connect() as conn:
            if conds and _few_policies(conn, conds, params):
                # a rare stance or indication: start from its facts (index on facts(value, field) or
                # facts(indication, drug)) rather than walk every policy looking for it
                where.append(
                    "p.id IN (SELECT v.policy_id FROM facts f JOIN versions v ON v.id = f.version_id "
                    f"WHERE 1 = 1{conds})"
                )
                source = "policies p JOIN sources s ON s.id = p.source_id"
            else:
                # CROSS JOIN fixes the join order on SQLite: sources in payer order, then each source's
                # policies by id (both indexed, migration 0008), stopping when the page is full
                source = "sources s CROSS JOIN policies p"
                where.append("p.source_id = s.id")
            q = sa.text(
                f"SELECT {cols} FROM {source} WHERE {' AND '.join(where)} ORDER BY s.payer, p.id LIMIT :limit"
            )
            policies = conn.execute(q, params).all()
            if not policies:
                return []
            ids = [r.policy_id for r in policies]
            cells = _cells(conn, f, [r.version_id for r in policies])
            changed = dict(
                conn.execute(
                    sa.select(schema.changes.c.policy_id, sa.func.max(schema.changes.c.detected_at))
                    .where(schema.changes.c.policy_id.in_(ids))
                    .group_by(schema.changes.c.policy_id)
                ).all()
            )
        rows = []
        for r in policies:
            at = changed.get(r.policy_id)
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            row = []
            for (drug, indication), (title, position, criteria) in cells.get(r.version_id, {}).items():
                cell = MatrixCell(
                    policy_id=r.policy_id,
                    source_id=r.source_id,
                    payer=r.payer,
                    program=r.program,
                    state=r.state,
                    title=title if title is not None else r.title,
                    version_id=r.version_id,
                    drug=drug,
                    indication=indication,
                    position=position,
                    criteria=criteria,
                    last_change=at,
                )
                if f.keeps(cell):
                    row.append(cell)
            rows.append(sorted(row, key=lambda c: (c.drug, c.indication)))
        return rows


def _fact_sql(f: MatrixFilter) -> tuple[str, dict]:
    """The cell-level filters as conditions on a fact row ``f`` (`` AND ...`` each) and their parameters."""
    conds, params = "", {}
    if f.drug:
        conds += " AND f.drug = :drug"
        params["drug"] = f.drug
    if f.indication:
        conds += " AND f.indication = :indication"
        params["indication"] = f.indication
    if f.without_indication:
        conds += " AND f.indication <> :without_indication"
        params["without_indication"] = f.without_indication
    if f.stance == MIXED:  # written out, not bound: the partial index ix_facts_mixed names it so
        conds += " AND f.field = 'position' AND f.value LIKE '% / %'"
    elif f.stance:
        conds += " AND f.field = 'position' AND f.value = :stance"
        params["stance"] = f.stance
    return conds, params


def _few_policies(conn, conds: str, params: dict) -> bool:
    """Whether at most ``SPARSE`` policies ever had a fact matching ``conds`` (read through an index).

    Only a stance or an indication is looked up this way (indexes facts(value, field), facts(indication,
    drug) and the partial ix_facts_mixed): a drug alone matches most policies, and no index serves it.
    """
    if "f.field" not in conds and "indication" not in params:
        return False
    n = conn.execute(
        sa.text(
            "SELECT count(*) FROM (SELECT DISTINCT v.policy_id FROM facts f JOIN versions v "
            f"ON v.id = f.version_id WHERE 1 = 1{conds} LIMIT :sparse) AS m"
        ),
        {**params, "sparse": SPARSE + 1},
    ).scalar_one()
    return n <= SPARSE


def _cells(conn, f: MatrixFilter, version_ids: list[int]) -> dict[int, dict]:
    """version id → {(drug, indication): (version title, position, criteria)} for the chosen cells."""
    facts, v = schema.facts, schema.versions
    q = (
        sa.select(
            facts.c.version_id, v.c.title, facts.c.drug, facts.c.indication, facts.c.field, facts.c.value
        )
        .join(v, v.c.id == facts.c.version_id)
        .where(facts.c.version_id.in_(version_ids))
        .order_by(facts.c.version_id, facts.c.drug, facts.c.indication, facts.c.id)
    )
    out: dict[int, dict] = {}
    for r in conn.execute(q):  # filtered here: in SQL they would lure the planner off the version ids
        if (f.drug and r.drug != f.drug) or (f.indication and r.indication != f.indication):
            continue
        if f.without_indication and r.indication == f.without_indication:
            continue
        cell = out.setdefault(r.version_id, {}).setdefault((r.drug, r.indication), [r.title, None, {}])
        if r.field == "position":
            cell[1] = r.value
        else:
            cell[2].setdefault(r.field, r.value)
    return out
