"""Walking the ordered matches of a search: filters and scope (portable SQL, both databases).

``store.search`` orders the matching passage ids (FTS5 on SQLite, ``store.search_pg`` on PostgreSQL);
this module keeps the ones that pass the filters and the scope — each policy's latest version, or the
version in force on a day — until a page is full. Ids are taken 256 at a time; per batch one query
applies the filters and one more finds each new policy's in-scope version, so a page costs a few
batches whatever the number of matches.

Kept cheap on purpose (a million versions, issue #17): an id list is one bind parameter (one cached
statement, not 256 named parameters parsed per batch); the latest version is one index
read per policy on ``(policy_id, seq)``; the version in force on a day is worked out in Python from
each policy's versions, read once (``in_force_keys``, the rule of ``store.queries.in_force_date``),
instead of correlated subqueries per version in SQL (10 ms a batch at a million versions).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections.abc import Iterator

import sqlalchemy as sa

BATCH = 256


class SearchTimeout(RuntimeError):
    """The search ran past ``SEARCH_TIMEOUT`` and was interrupted (HTTP 503: try again, or narrow it)."""


def walk(
    conn, ordered: Iterator[int], payer, drug, as_of, by, all_versions, dialect, wanted, timeout: float
) -> list[int]:
    """The first ``wanted`` passage ids of ``ordered`` that pass the filters and the scope, in order;
    ``SearchTimeout`` after ``timeout`` seconds (the whole walk, not only each statement, is bounded)."""
    picked: list[int] = []
    in_scope: dict[str, int | None] = {}
    deadline = time.monotonic() + timeout
    while wanted is None or len(picked) < wanted:
        if time.monotonic() > deadline:
            raise SearchTimeout(f"search took longer than {timeout:g} s")
        ids = list(itertools.islice(ordered, BATCH))
        if not ids:
            break
        # the scope implies the day filter (an in-force version counts from that day or earlier), so
        # the day is a filter of its own only when every version is searched
        rows = _lookup(conn, ids, payer, drug, as_of if all_versions else None, by, dialect)
        if not all_versions:
            todo = {r[1] for r in rows.values() if r[1] not in in_scope}
            if todo:
                in_scope.update(scope_versions(conn, todo, as_of, by))
        for pid in ids:
            row = rows.get(pid)
            if row is None or (not all_versions and in_scope.get(row[1]) != row[0]):
                continue
            picked.append(pid)
            if wanted is not None and len(picked) >= wanted:
                break
    return picked


def _lookup(conn, ids: list[int], payer, drug, as_of, by, dialect) -> dict[int, tuple[int, str]]:
    """passage id → (version id, policy id) of the given passages that pass the cheap filters."""
    where, params = _filters_sql(payer, drug, dialect)
    if as_of is not None:
        where += f" AND {key_sql(by, 'v')} <= :as_of"
        params["as_of"] = as_of.isoformat()
    joins = (
        " JOIN policies pol ON pol.id = v.policy_id JOIN sources s ON s.id = pol.source_id" if payer else ""
    )
    stmt = sa.text(
        f"SELECT p.id, p.version_id, v.policy_id FROM passages p JOIN versions v ON v.id = p.version_id"
        f"{joins} WHERE {_in('p.id', dialect)} {where}"
    )
    return {r[0]: (r[1], r[2]) for r in conn.execute(stmt, {**params, "ids": _ids(ids, dialect)}).all()}


# --- dialect-specific: a list of ids bound as ONE parameter (a JSON array read by ``json_each`` on
# SQLite, an array on PostgreSQL), so each statement is compiled once and cached whatever the list's
# length; an expanding ``IN (:a, :b, …)`` cost SQLAlchemy ~0.4 ms a batch to render.
def _in(column: str, dialect: str) -> str:
    return (
        f"{column} IN (SELECT value FROM json_each(:ids))" if dialect == "sqlite" else f"{column} = ANY(:ids)"
    )


def _ids(values: list, dialect: str) -> object:
    return json.dumps(values) if dialect == "sqlite" else list(values)


def scope_versions(conn, policy_ids: set[str], as_of: dt.date | None, by: str) -> dict[str, int | None]:
    """For each policy: the id of its latest version, or of the version in force on ``as_of`` (the
    latest in-force day ≤ ``as_of``, ties to the later version: ``version_as_of``'s rule)."""
    ids, dialect = sorted(policy_ids), conn.dialect.name
    params = {"ids": _ids(ids, dialect)}
    if as_of is None:
        # the (policy_id, seq) unique index holds the answer: one index read per policy
        latest = sa.text(
            "SELECT p.id, (SELECT v.id FROM versions v WHERE v.policy_id = p.id ORDER BY v.seq DESC LIMIT 1) "
            f"FROM policies p WHERE {_in('p.id', dialect)}"
        )
        found = dict(conn.execute(latest, params).all())
        return {pid: found.get(pid) for pid in ids}
    versions = sa.text(
        "SELECT v.policy_id, v.id, v.seq, v.effective, v.published, v.first_seen FROM versions v "
        f"WHERE {_in('v.policy_id', dialect)}"
    )
    by_policy: dict[str, list[tuple]] = {}
    for row in conn.execute(versions, params).all():
        by_policy.setdefault(row[0], []).append(tuple(row[1:]))
    day = as_of.isoformat()
    out: dict[str, int | None] = {}
    for pid in ids:
        best = max(
            ((k, seq, vid) for vid, seq, k in in_force_keys(by_policy.get(pid, []), by) if k <= day),
            default=None,
        )
        out[pid] = best[2] if best else None
    return out


def in_force_keys(versions: list[tuple], by: str) -> list[tuple[int, int, str]]:
    """(version id, seq, in-force day as ISO text) of one policy's versions given as (id, seq,
    effective, published, first_seen) rows: ``store.queries.in_force_date``'s rule on the values as the
    database hands them back (ISO text on SQLite, dates and aware datetimes on PostgreSQL)."""
    out, latest = [], None
    for vid, seq, effective, published, first_seen in sorted(versions, key=lambda v: v[1]):
        seen = _seen_day(first_seen)
        eff = _day(effective)
        if by != "effective":
            key = seen
        elif eff is not None and (latest is None or eff > latest):
            key = eff
        else:
            issued = _day(published) or seen
            key = max(eff, issued) if eff is not None else issued
        if eff is not None:
            latest = max(latest, eff) if latest else eff
        out.append((vid, seq, key))
    return out


def _day(value) -> str | None:
    """A date column's value as ISO text (SQLite already hands back text)."""
    return value if value is None or isinstance(value, str) else value.isoformat()[:10]


def _seen_day(value) -> str:
    """The UTC day of a timestamp (SQLite stores UTC text, ``store.types.UTCDateTime``)."""
    if isinstance(value, str):
        return value[:10]
    return value.astimezone(dt.UTC).date().isoformat()


def _filters_sql(payer, drug, dialect) -> tuple[str, dict]:
    """Portable filters on the joined row (``s`` source, ``p`` passage); the scope is ``walk``'s."""
    where: list[str] = []
    params: dict[str, object] = {}
    if payer:
        where.append("(s.id = :payer OR lower(s.payer) = :payer_lower)")
        params.update(payer=payer, payer_lower=payer.lower())
    if drug:
        # JSON list stored as text on both dialects; the quotes keep "ketamine" from matching "esketamine"
        drugs_text = "CAST(p.drugs AS TEXT)" if dialect != "sqlite" else "p.drugs"
        where.append(f"{drugs_text} LIKE :drug")
        params["drug"] = f'%"{drug}"%'
    return "".join(f" AND {w}" for w in where), params


def key_sql(by: str, alias: str) -> str:
    """The date a version counts from, in SQL (the filter of an ``all_versions`` search on a day);
    ``in_force_keys`` and ``store.queries.in_force_date`` are its Python twins (read the latter's
    docstring for the rule). ISO dates compare correctly as text."""
    seen = f"substr(CAST({alias}.first_seen AS TEXT), 1, 10)"
    if by == "observed":
        return seen
    eff = f"CAST({alias}.effective AS TEXT)"
    earlier = (
        f"(SELECT max(CAST(e.effective AS TEXT)) FROM versions e "
        f"WHERE e.policy_id = {alias}.policy_id AND e.seq < {alias}.seq)"
    )
    issued = f"coalesce(CAST({alias}.published AS TEXT), {seen})"
    return (
        f"(CASE WHEN {eff} IS NULL THEN {issued} "
        f"WHEN {earlier} IS NULL OR {eff} > {earlier} THEN {eff} "
        f"WHEN {eff} > {issued} THEN {eff} ELSE {issued} END)"
    )
