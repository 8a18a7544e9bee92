"""Full-text search over archived passages.

This module and ``store/search_pg.py`` are the ONE place with dialect-specific SQL (marked ``# ---
dialect-specific``): SQLite uses the FTS5 table created by migration 0002, PostgreSQL the stored,
GIN-indexed ``passages.search_vector`` column of migration 0012. Callers only see ``Archive.search`` and
``SearchHit``, so a deployment can switch databases without touching the CLI or the web app.

Scope matters more than ranking here: a researcher asking "who *still* calls IV ketamine investigational"
wants the version of each policy in force today, not every historical copy of the same sentence. So the
default scope is each policy's latest version; ``as_of`` picks the version in force on a date (same rule
as ``show --as-of``) and ``all_versions`` searches the whole history.

Ranking is bounded: ``order="relevance"`` ranks the newest ``RANK_LIMIT`` matching passages and lists
older matches after them, newest first. Scoring every match cost 0.65 s (p95) at a million versions,
where a common word matches ~10^6 passages; with the bound a ranked page costs what a newest-first page
does. On an archive where no query matches more than ``RANK_LIMIT`` passages nothing changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa

from store.base import ArchiveBase
from store.search_pg import pg_order, pg_rows
from store.search_rank import rank_candidates, stem
from store.search_walk import SearchTimeout, walk

__all__ = ["SearchHit", "SearchMixin", "SearchQueryError", "SearchTimeout", "make_snippet", "query_terms"]

#: Markers around matched words in ``SearchHit.snippet``; renderers escape the text first, then swap these
#: for their own highlighting (so nothing from a payer's document is ever trusted as markup).
MARK_START, MARK_END = "\x02", "\x03"

#: The ranked candidate set: ``relevance`` ranks the newest this many matches (older ones follow, newest
#: first); ``auto`` ranks only when every match is a candidate, and lists newest first otherwise. (It was
#: 5000 with every match scored: at a million versions 5000 candidates took ~0.25 s to score.)
RANK_LIMIT = 1000
#: A query is at most this many characters and distinct words; every word must match, so more would only
#: cost time (5,000 terms took 13.7 s and starved /healthz), never find more.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
#: Seconds one search may run before it is interrupted (SQLite progress handler / statement_timeout).
SEARCH_TIMEOUT = 5.0
_STEPS = 1000  # SQLite VM instructions between deadline checks (~10 µs of work; the check costs ~1 %)


class SearchQueryError(ValueError):
    """The query is too long or has too many words: the caller should say so (HTTP 400, exit 2)."""


def query_terms(text: str) -> list[str]:
    """The distinct words of a query, in order (case-insensitive); raises ``SearchQueryError`` past
    the caps."""
    if len(text or "") > MAX_QUERY_CHARS:
        raise SearchQueryError(f"search text is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    terms = list(dict.fromkeys(w.lower() for w in _WORD.findall(text or "")))
    if len(terms) > MAX_TERMS:
        raise SearchQueryError(f"search has {len(terms)} distinct words; the limit is {MAX_TERMS}")
    return terms


_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchHit:
    passage_id: int
    version_id: int
    policy_id: str
    seq: int
    source_id: str
    payer: str
    title: str | None
    heading: str | None
    snippet: str
    drugs: list[str] = field(default_factory=list)
    effective: dt.date | None = None
    first_seen: dt.datetime | None = None
    score: float = 0.0


def fts_query(text: str, drug: str | None = None) -> str:
    """User text → an FTS5 query of quoted terms (all must match in heading or text); quoting disarms
    FTS5 operators. A drug filter becomes a match on the indexed ``drugs`` column."""
    query = "{heading text} : (" + " ".join(f'"{w}"' for w in query_terms(text)) + ")"
    if drug:
        query += ' AND drugs : "' + "".join(_WORD.findall(drug)) + '"'
    return query


class SearchMixin(ArchiveBase):
    def search(
        self,
        text: str,
        payer: str | None = None,
        drug: str | None = None,
        as_of: dt.date | None = None,
        by: str = "effective",
        all_versions: bool = False,
        limit: int = 50,
        offset: int = 0,
        order: str = "auto",
    ) -> list[SearchHit]:
        """Passages matching every word of ``text`` (see the module docstring for the scope).

        ``order``: ``relevance`` (bm25), ``newest`` (most recently archived passages first), or ``auto``:
        relevance unless more than ``RANK_LIMIT`` passages match. When nearly every passage matches
        (``ketamine`` in an archive of ketamine passages) bm25 mostly measures passage length, and scoring
        every match would cost far more than the answer is worth; newest-first is then both fast and useful.
        """
        terms = query_terms(text)
        if not terms:
            return []
        text = " ".join(terms)
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            return self._search_sqlite(text, payer, drug, as_of, by, all_versions, limit, offset, order)
        with self.engine.connect() as conn, conn.begin():
            # at least 1 ms: PostgreSQL reads 0 as "no limit"
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, int(SEARCH_TIMEOUT * 1000))}")
            try:
                ordered = pg_order(conn, text, order, RANK_LIMIT)
                picked = walk(
                    conn,
                    ordered,
                    payer,
                    drug,
                    as_of,
                    by,
                    all_versions,
                    dialect,
                    offset + limit,
                    SEARCH_TIMEOUT,
                )
                rows = pg_rows(conn, picked[offset:], text)
            except sa.exc.OperationalError as exc:
                if "statement timeout" in str(exc.orig):
                    raise SearchTimeout(f"search took longer than {SEARCH_TIMEOUT:g} s") from None
                raise
        return [_hit(r) for r in rows]

    # --- dialect-specific (SQLite FTS5) -------------------------------------------------------------
    def _search_sqlite(
        self, text, payer, drug, as_of, by, all_versions, limit, offset, order
    ) -> list[SearchHit]:
        """Order the matches on the FTS table alone, then look rows up lazily, so each match costs little.

        The matching rowids come in their final order (``_sqlite_order``); they are walked in batches:
        one query per batch applies the filters (ids only), one more finds each new policy's in-scope
        version; the walk stops as soon as the page is full. Only the page's rows are then read in full,
        and their snippets cut in Python (FTS5 ``snippet()`` would re-run the match).
        """
        q = fts_query(text, drug)
        with self.engine.connect() as conn, _sqlite_deadline(conn):
            ordered = _sqlite_order(conn, q, order, query_terms(text), drug)
            picked = walk(
                conn, ordered, payer, drug, as_of, by, all_versions, "sqlite", offset + limit, SEARCH_TIMEOUT
            )
            page = picked[offset:]
            shown = _display(conn, page)
        terms = [w.lower() for w in _WORD.findall(text)]
        return [
            _hit(dict(shown[pid], snippet=make_snippet(shown[pid]["text"], terms), score=float(offset + i)))
            for i, pid in enumerate(page)
        ]


def _sqlite_order(conn, q: str, order: str, terms: list[str], drug: str | None) -> Iterator[int]:
    """The matching passage ids in the order asked for, lazily.

    ``newest``: by rowid, newest first. ``relevance``: the newest ``RANK_LIMIT`` matches by bm25 (heading
    and text, newest first among equals), then every older match newest first — a bounded candidate
    set, so the cost no longer grows with the number of matches (bm25 of every one of ~10^6 matches
    took 0.65 s). ``auto``: relevance when every match is a candidate, newest otherwise.
    """
    # the driver's own cursor: ids need no result processing (SQLAlchemy rows doubled this read's cost)
    raw = conn.connection.dbapi_connection
    newest: list[int] = []
    lowest: int | None = None
    phrases = [fts_query(t) for t in terms] + (
        ['drugs : "' + "".join(_WORD.findall(drug)) + '"'] if drug else []
    )
    if order != "newest":
        newest = [
            r[0]
            for r in raw.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
                (q, RANK_LIMIT + 1),
            ).fetchall()
        ]
        complete = len(newest) <= RANK_LIMIT
        if order == "auto":
            order = "relevance" if complete else "newest"
        if complete and not newest:
            return
    if order == "relevance":
        candidates = newest[:RANK_LIMIT]
        lowest = candidates[-1]
        yield from rank_candidates(raw, q, phrases, terms, candidates, RANK_LIMIT)
        if len(newest) <= RANK_LIMIT:
            return
    else:
        yield from newest
        if newest:
            lowest = newest[-1]
    rest = raw.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?"
        + (" AND rowid < ?" if lowest is not None else "")
        + " ORDER BY rowid DESC",
        (q, lowest) if lowest is not None else (q,),
    )
    try:
        while batch := rest.fetchmany(256):
            yield from (r[0] for r in batch)
    finally:
        rest.close()


@contextlib.contextmanager
def _sqlite_deadline(conn):
    """Interrupt the connection's statements after ``SEARCH_TIMEOUT`` (checked every ``_STEPS`` VM steps)."""
    raw = conn.connection.dbapi_connection
    deadline = time.monotonic() + SEARCH_TIMEOUT
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _STEPS)
    try:
        yield
    except (sa.exc.OperationalError, sqlite3.OperationalError) as exc:  # through SQLAlchemy, or not
        if "interrupted" in str(getattr(exc, "orig", exc)):
            raise SearchTimeout(f"search took longer than {SEARCH_TIMEOUT:g} s") from None
        raise
    finally:
        raw.set_progress_handler(None, 0)  # pooled: the next user of this connection has no deadline


def _display(conn, ids: list[int]) -> dict[int, dict]:
    """The columns a hit shows, for the page's passages only."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = conn.exec_driver_sql(
        f"""SELECT p.id AS passage_id, p.version_id, v.policy_id, v.seq, s.id AS source_id, s.payer,
                   coalesce(v.title, pol.title) AS title, p.heading, p.text, p.drugs, v.effective,
                   v.first_seen
            FROM passages p
            JOIN versions v ON v.id = p.version_id
            JOIN policies pol ON pol.id = v.policy_id
            JOIN sources s ON s.id = pol.source_id
            WHERE p.id IN ({marks})""",
        tuple(ids),
    ).mappings()
    return {r["passage_id"]: dict(r) for r in rows}


def make_snippet(text: str, terms: list[str], width: int = 24) -> str:
    """About ``width`` words around the first match, matched words wrapped in MARK_START/MARK_END.

    Matching is by prefix of each query word (minus a short suffix), which approximates the porter
    stemming the index used well enough for highlighting.
    """
    stems = tuple(stem(t) for t in terms)
    words = list(_WORD.finditer(text))
    if not words:
        return text[:200]
    first = next((i for i, m in enumerate(words) if m.group().lower().startswith(stems)), 0)
    lo = max(0, first - width // 3)
    hi = min(len(words), lo + width)
    start = 0 if lo == 0 else words[lo].start()
    end = len(text) if hi == len(words) else words[hi - 1].end()
    part = _WORD.sub(
        lambda m: f"{MARK_START}{m.group()}{MARK_END}" if m.group().lower().startswith(stems) else m.group(),
        text[start:end],
    )
    return ("…" if start > 0 else "") + part + ("…" if end < len(text) else "")


def _hit(r) -> SearchHit:
    """A hit from a result row; SQLite hands back JSON, dates and times as text."""
    drugs, eff, seen = r["drugs"], r["effective"], r["first_seen"]
    drugs = json.loads(drugs) if isinstance(drugs, str) else drugs
    eff = dt.date.fromisoformat(eff) if isinstance(eff, str) else eff
    seen = dt.datetime.fromisoformat(seen) if isinstance(seen, str) else seen
    if seen is not None and seen.tzinfo is None:
        seen = seen.replace(tzinfo=dt.UTC)
    names = ("passage_id", "version_id", "policy_id", "seq", "source_id", "payer", "title", "heading")
    return SearchHit(
        **{k: r[k] for k in names},
        snippet=r["snippet"] or "",
        drugs=list(drugs or []),
        effective=eff,
        first_seen=seen,
        score=float(r["score"] or 0.0),
    )
