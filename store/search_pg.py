"""Full-text search on PostgreSQL (dialect-specific): the stored ``passages.search_vector`` column
(migration 0012, GIN-indexed), queried with ``plainto_tsquery``. ``store.search`` owns the API, the scope
filters and the ordering rules; this module only says them in PostgreSQL's words.

The column, not a ``to_tsvector(...)`` expression: with an expression index the server found matches
through the index but recomputed ``to_tsvector`` for every passage a plan read in id order or ranked
(1.5 s at p95 for a newest-first search at 50,000 versions); the column is read as stored.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

_DOC = "p.search_vector"  # = to_tsvector('english', coalesce(heading, '') || ' ' || text), migration 0012
_TSQ = "plainto_tsquery('english', :q)"


def pg_order(conn, text: str, order: str, rank_limit: int) -> Iterator[int]:
    """The matching passage ids in the order asked for, lazily: the orders and candidate bound of
    ``store.search._sqlite_order`` (relevance ranks the newest ``rank_limit`` matches, the rest follow
    newest first).

    ts_rank normalisation 1 (rank / (1 + log length)): a long passage mentioning a word once does not
    outrank a short one about it — the same preference as bm25 on SQLite. ts_rank reads only the passage's
    stored vector, so ranking the candidates costs ``rank_limit`` rows whatever the archive's size.
    """
    match = f"SELECT p.id FROM passages p WHERE {_DOC} @@ {_TSQ}"
    newest: list[int] = []
    lowest = None
    if order != "newest":
        # each of the newest matches with its rank, in one statement: the candidates are these rows, so
        # ranking them needs no second scan (it cost a second read of the same rows, ~20 ms at load)
        rows = conn.execute(
            sa.text(
                f"SELECT p.id, ts_rank({_DOC}, {_TSQ}, 1) FROM passages p WHERE {_DOC} @@ {_TSQ} "
                "ORDER BY p.id DESC LIMIT :cap"
            ),
            {"q": text, "cap": rank_limit + 1},
        ).all()
        newest = [r[0] for r in rows]
        if order == "auto":
            order = "relevance" if len(newest) <= rank_limit else "newest"
        if not newest:
            return
    if order == "relevance":
        lowest = newest[:rank_limit][-1]
        # ORDER BY ts_rank DESC, id DESC over the candidates (ts_rank is a float4: exact in Python)
        yield from (r[0] for r in sorted(rows[:rank_limit], key=lambda r: (-r[1], -r[0])))
        if len(newest) <= rank_limit:
            return
    else:
        yield from newest
        if newest:
            lowest = newest[-1]
    # the rest, newest first, through a server-side cursor (a fast-start plan: stop when the page is full)
    rest = conn.execution_options(stream_results=True, yield_per=256).execute(
        sa.text(f"{match}{' AND p.id < :lo' if lowest is not None else ''} ORDER BY p.id DESC"),
        {"q": text, "lo": lowest},
    )
    try:
        yield from rest.scalars()
    finally:
        rest.close()


def pg_rows(conn, ids: list[int], text: str) -> list[dict]:
    """The columns a hit shows (snippet by ts_headline), for the page's passages, in ``ids`` order."""
    if not ids:
        return []
    sql = f"""
        SELECT p.id AS passage_id, p.version_id, v.policy_id, v.seq, s.id AS source_id, s.payer,
               coalesce(v.title, pol.title) AS title, p.heading, p.drugs, v.effective, v.first_seen,
               ts_headline('english', p.text, {_TSQ},
                           'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30') AS snippet,
               -ts_rank({_DOC}, {_TSQ}, 1) AS score
        FROM passages p
        JOIN versions v ON v.id = p.version_id
        JOIN policies pol ON pol.id = v.policy_id
        JOIN sources s ON s.id = pol.source_id
        WHERE p.id IN :ids"""
    stmt = sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))
    rows = {r["passage_id"]: r for r in conn.execute(stmt, {"q": text, "ids": ids}).mappings()}
    return [rows[i] for i in ids]
