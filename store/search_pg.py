"""Full-text search on PostgreSQL (dialect-specific): the ``to_tsvector`` expression migration 0002
indexes with GIN, queried with ``plainto_tsquery``. ``store.search`` owns the API, the scope filters and
the ordering rules; this module only says them in PostgreSQL's words.
"""

from __future__ import annotations

import sqlalchemy as sa

_DOC = "to_tsvector('english', coalesce(p.heading, '') || ' ' || p.text)"
_TSQ = "plainto_tsquery('english', :q)"


def pg_page(
    conn, where: str, params: dict, order: str, limit: int, offset: int, rank_limit: int
) -> list[int]:
    """The page's passage ids in order: the orders and candidate bound of ``store.search._sqlite_order``.

    ts_rank normalisation 1 (rank / (1 + log length)): a long passage mentioning a word once does not
    outrank a short one about it — the same preference as bm25 on SQLite.
    """
    match = f"""FROM passages p
        JOIN versions v ON v.id = p.version_id
        JOIN policies pol ON pol.id = v.policy_id
        JOIN sources s ON s.id = pol.source_id
        WHERE {_DOC} @@ {_TSQ} {where}"""

    def ids(extra: str, order_by: str, n: int, skip: int, lo: int | None = None) -> list[int]:
        sql = f"SELECT p.id {match} {extra} ORDER BY {order_by} LIMIT :n OFFSET :skip"
        return list(conn.execute(sa.text(sql), params | {"n": n, "skip": skip, "lo": lo}).scalars())

    newest = []
    if order != "newest":
        newest = list(
            conn.execute(
                sa.text(f"SELECT p.id FROM passages p WHERE {_DOC} @@ {_TSQ} ORDER BY p.id DESC LIMIT :cap"),
                {"q": params["q"], "cap": rank_limit + 1},
            ).scalars()
        )
        if order == "auto":
            order = "relevance" if len(newest) <= rank_limit else "newest"
    if order == "newest":
        return ids("", "p.id DESC", limit, offset)
    if not newest:
        return []
    lo = newest[:rank_limit][-1]
    rank = f"ts_rank({_DOC}, {_TSQ}, 1) DESC, p.id DESC"
    ranked = ids("AND p.id >= :lo", rank, limit, offset, lo)
    if len(newest) <= rank_limit or len(ranked) == limit:
        return ranked
    n_ranked = conn.execute(
        sa.text(f"SELECT count(*) {match} AND p.id >= :lo"), params | {"lo": lo}
    ).scalar_one()
    return ranked + ids("AND p.id < :lo", "p.id DESC", limit - len(ranked), max(0, offset - n_ranked), lo)


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
