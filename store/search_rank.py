"""Ranking a bounded candidate set on SQLite (dialect-specific): bm25 without FTS5's full-index cost.

FTS5's ``bm25()`` needs, for every phrase of the query, the number of passages that contain it, and it
finds that number by reading the phrase's whole doclist: about 0.3 s for ``ketamine`` at a million
versions, however few rows are scored. So the newest ``RANK_LIMIT`` matches (``store.search``) are
scored here:

- when every phrase is in at most ``limit`` passages, FTS5's own ``bm25()`` over the candidates (cheap
  then, and exactly what the archive always returned: small archives rank as before);
- otherwise the same bm25 formula (k1 = 1.2, b = 0.75, heading and text weighted alike) over counts
  taken in Python from the candidates' text (lower-cased as SQLite's ASCII-only ``lower()`` does): each
  word's occurrences as a word start of its stem (the prefix rule the snippets use for porter stems),
  the passage's length in words, and each word's document frequency estimated from the rowid span of
  its newest ``limit`` matches. Close to FTS5's ranking, not equal to it.
"""

from __future__ import annotations

import json
import math

K1, B = 1.2, 0.75


def stem(word: str) -> str:
    """A query word's prefix that porter's stems of its forms share (``infusions`` → ``infusi``)."""
    return word[: max(3, len(word) - 2)] if len(word) > 4 else word


def rank_candidates(
    raw, q: str, phrases: list[str], terms: list[str], candidates: list[int], limit: int
) -> list[int]:
    """``candidates`` (the matches of FTS query ``q``, newest first, at most ``limit``), best first
    (ties: newest first). ``raw`` is the sqlite3 connection.

    ``phrases`` are the query's FTS phrases (each word, and the drug filter) whose document frequency
    bm25 needs; ``terms`` the words that are scored.
    """
    stats = [_frequency(raw, phrase, limit) for phrase in phrases]
    if all(exact for _, exact in stats):
        return [
            r[0]
            for r in raw.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid >= ? "
                "ORDER BY bm25(passages_fts, 1, 1, 0), rowid DESC",
                (q, candidates[-1]),
            )
        ]
    total = raw.execute("SELECT max(id) FROM passages").fetchone()[0] or 1
    idf = [max(1e-6, math.log((total - n + 0.5) / (n + 0.5))) for n, _ in stats[: len(terms)]]
    stems = [" " + stem(t) for t in terms]
    # the candidates' words counted in Python: str.count over each text once is ~5x cheaper than
    # length()/replace() per word in SQL (7.5 ms a query at a million versions); one parameter, a JSON list
    rows = []
    for pid, heading, text in raw.execute(
        "SELECT id, heading, text FROM passages WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(candidates),),
    ):
        doc = sqlite_lower(" " + (heading or "") + " " + text)
        rows.append((pid, doc.count(" "), [doc.count(s) for s in stems]))
    if not rows:
        return []
    avg = sum(r[1] for r in rows) / len(rows) or 1.0
    scored = []
    for pid, words, counts in rows:
        norm = K1 * (1 - B + B * words / avg)
        score = sum(w * f * (K1 + 1) / (f + norm) for w, f in zip(idf, counts, strict=True))
        scored.append((-score, -pid))
    return [-pid for _, pid in sorted(scored)]


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def sqlite_lower(text: str) -> str:
    """SQLite's ``lower()``: ASCII letters only (without the ICU extension), as the counts were taken
    in SQL before; ``str.lower`` also folds other letters, so it serves only ASCII text."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _frequency(raw, phrase: str, limit: int) -> tuple[float, bool]:
    """How many passages contain ``phrase``: exact up to ``limit``, else estimated from how densely its
    newest ``limit`` matches lie among the rowids (one index read of ``limit`` entries)."""
    n, low, high = raw.execute(
        "SELECT count(*), min(rowid), max(rowid) FROM (SELECT rowid FROM passages_fts "
        "WHERE passages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        (phrase, limit + 1),
    ).fetchone()
    if n <= limit:
        return float(n), True
    return n / (high - low + 1) * high, False
