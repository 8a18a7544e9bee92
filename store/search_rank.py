"""Ranking a bounded candidate set on SQLite (dialect-specific): bm25 without FTS5's full-index cost.

FTS5's ``bm25()`` needs, for every phrase of the query, the number of passages that contain it, and it
finds that number by reading the phrase's whole doclist: about 0.3 s for ``ketamine`` at a million
versions, however few rows are scored. So the newest ``RANK_LIMIT`` matches (``store.search``) are
scored here:

- when every phrase is in at most ``limit`` passages, FTS5's own ``bm25()`` over the candidates (cheap
  then, and exactly what the archive always returned: small archives rank as before);
- otherwise the same bm25 formula (k1 = 1.2, b = 0.75, heading and text weighted alike) over counts
  taken in SQL: each word's occurrences as a word start of its stem (the prefix rule the snippets use
  for porter stems), the passage's length in words, and each word's document frequency estimated from
  the rowid span of its newest ``limit`` matches. Close to FTS5's ranking, not equal to it.
"""

from __future__ import annotations

import math

K1, B = 1.2, 0.75


def stem(word: str) -> str:
    """A query word's prefix that porter's stems of its forms share (``infusions`` → ``infusi``)."""
    return word[: max(3, len(word) - 2)] if len(word) > 4 else word


def rank_candidates(conn, q: str, phrases: list[str], terms: list[str], lowest: int, limit: int) -> list[int]:
    """The matches of FTS query ``q`` with rowid ≥ ``lowest``, best first (ties: newest first).

    ``phrases`` are the query's FTS phrases (each word, and the drug filter) whose document frequency
    bm25 needs; ``terms`` the words that are scored.
    """
    stats = [_frequency(conn, phrase, limit) for phrase in phrases]
    if all(exact for _, exact in stats):
        return [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid >= ? "
                "ORDER BY bm25(passages_fts, 1, 1, 0), rowid DESC",
                (q, lowest),
            )
        ]
    total = conn.exec_driver_sql("SELECT max(id) FROM passages").scalar() or 1
    idf = [max(1e-6, math.log((total - n + 0.5) / (n + 0.5))) for n, _ in stats[: len(terms)]]
    counts = ", ".join("(length(d) - length(replace(d, ?, ''))) / length(?)" for _ in terms)
    params: list = []
    for t in terms:
        params += [" " + stem(t), " " + stem(t)]
    # MATERIALIZED: each passage's lower-cased text is built once, not once per expression using it
    rows = conn.exec_driver_sql(
        "WITH c AS MATERIALIZED (SELECT p.id, ' ' || lower(coalesce(p.heading, '') || ' ' || p.text) AS d "
        "FROM passages p WHERE p.id >= ? AND p.id IN "
        "(SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid >= ?)) "
        f"SELECT id, length(d) - length(replace(d, ' ', '')) AS words, {counts} FROM c",
        (lowest, q, lowest, *params),
    ).fetchall()
    if not rows:
        return []
    avg = sum(r[1] for r in rows) / len(rows) or 1.0
    scored = []
    for r in rows:
        norm = K1 * (1 - B + B * r[1] / avg)
        score = sum(w * f * (K1 + 1) / (f + norm) for w, f in zip(idf, r[2:], strict=True))
        scored.append((-score, -r[0]))
    return [-rowid for _, rowid in sorted(scored)]


def _frequency(conn, phrase: str, limit: int) -> tuple[float, bool]:
    """How many passages contain ``phrase``: exact up to ``limit``, else estimated from how densely its
    newest ``limit`` matches lie among the rowids (one index read of ``limit`` entries)."""
    n, low, high = conn.exec_driver_sql(
        "SELECT count(*), min(rowid), max(rowid) FROM (SELECT rowid FROM passages_fts "
        "WHERE passages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        (phrase, limit + 1),
    ).one()
    if n <= limit:
        return float(n), True
    return n / (high - low + 1) * high, False
