"""Full-text search over archived passages.

This is the ONE place with dialect-specific SQL (marked ``# --- dialect-specific``): SQLite uses the FTS5
table created by migration 0002, PostgreSQL its own ``to_tsvector`` / ``websearch``-style query over the
GIN expression index. Callers only see ``Archive.search`` and ``SearchHit``, so a deployment can switch
databases without touching the CLI or the web app.

Scope matters more than ranking here: a researcher asking "who *still* calls IV ketamine investigational"
wants the version of each policy in force today, not every historical copy of the same sentence. So the
default scope is each policy's latest version; ``as_of`` picks the version in force on a date (same rule
as ``show --as-of``) and ``all_versions`` searches the whole history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from store.base import ArchiveBase

#: Markers around matched words in ``SearchHit.snippet``; renderers escape the text first, then swap these
#: for their own highlighting (so nothing from a payer's document is ever trusted as markup).
MARK_START, MARK_END = "\x02", "\x03"

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


def fts_query(text: str) -> str:
    """User text → an FTS5 query of quoted terms (all must match); quoting disarms FTS5 operators."""
    return " ".join(f'"{w}"' for w in _WORD.findall(text))


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
    ) -> list[SearchHit]:
        """Passages matching every word of ``text``, best first (see the module docstring for the scope)."""
        if not _WORD.search(text or ""):
            return []
        dialect = self.engine.dialect.name
        where, params = _scope_sql(payer, drug, as_of, by, all_versions, dialect)
        params.update(limit=limit, offset=offset)
        if dialect == "sqlite":
            # --- dialect-specific (SQLite FTS5) ---------------------------------------------------
            params["q"] = fts_query(text)
            sql = f"""
                SELECT p.id AS passage_id, p.version_id, v.policy_id, v.seq, s.id AS source_id, s.payer,
                       coalesce(v.title, pol.title) AS title, p.heading, p.drugs, v.effective, v.first_seen,
                       snippet(passages_fts, 1, char(2), char(3), '…', 24) AS snippet,
                       bm25(passages_fts) AS score
                FROM passages_fts
                JOIN passages p ON p.id = passages_fts.rowid
                JOIN versions v ON v.id = p.version_id
                JOIN policies pol ON pol.id = v.policy_id
                JOIN sources s ON s.id = pol.source_id
                WHERE passages_fts MATCH :q {where}
                ORDER BY score, v.policy_id, p.ordinal
                LIMIT :limit OFFSET :offset"""
        else:
            # --- dialect-specific (PostgreSQL) ----------------------------------------------------
            params["q"] = " ".join(_WORD.findall(text))
            doc = "to_tsvector('english', coalesce(p.heading, '') || ' ' || p.text)"
            sql = f"""
                SELECT p.id AS passage_id, p.version_id, v.policy_id, v.seq, s.id AS source_id, s.payer,
                       coalesce(v.title, pol.title) AS title, p.heading, p.drugs, v.effective, v.first_seen,
                       ts_headline('english', p.text, plainto_tsquery('english', :q),
                                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30')
                           AS snippet,
                       -ts_rank({doc}, plainto_tsquery('english', :q)) AS score
                FROM passages p
                JOIN versions v ON v.id = p.version_id
                JOIN policies pol ON pol.id = v.policy_id
                JOIN sources s ON s.id = pol.source_id
                WHERE {doc} @@ plainto_tsquery('english', :q) {where}
                ORDER BY score, v.policy_id, p.ordinal
                LIMIT :limit OFFSET :offset"""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(sql), params).mappings().all()
        return [_hit(r) for r in rows]


def _scope_sql(payer, drug, as_of, by, all_versions, dialect) -> tuple[str, dict]:
    """Portable filters on the joined row (``v`` version, ``s`` source, ``p`` passage)."""
    where, params = [], {}
    if payer:
        where.append("(s.id = :payer OR lower(s.payer) = :payer_lower)")
        params.update(payer=payer, payer_lower=payer.lower())
    if drug:
        # JSON list stored as text on both dialects; the quotes keep "ketamine" from matching "esketamine"
        drugs_text = "CAST(p.drugs AS TEXT)" if dialect != "sqlite" else "p.drugs"
        where.append(f"{drugs_text} LIKE :drug")
        params["drug"] = f'%"{drug}"%'
    if as_of is not None:
        key = _key_sql(by, "v2")
        where.append(
            f"""v.id = (SELECT v2.id FROM versions v2 WHERE v2.policy_id = v.policy_id AND {key} <= :as_of
                        ORDER BY {key} DESC, v2.seq DESC LIMIT 1)"""
        )
        params["as_of"] = as_of.isoformat()
    elif not all_versions:
        where.append("NOT EXISTS (SELECT 1 FROM versions v3 WHERE v3.policy_id = v.policy_id AND v3.seq > v.seq)")
    return "".join(f" AND {w}" for w in where), params


def _key_sql(by: str, alias: str) -> str:
    """The date a version counts from: its effective date (or the day first seen, when the document has none)
    by ``effective``; the day first seen by ``observed``. ISO dates compare correctly as text.
    ``store.queries.in_force_date`` is the Python twin, so search and ``show --as-of`` agree."""
    seen = f"substr(CAST({alias}.first_seen AS TEXT), 1, 10)"
    if by == "observed":
        return seen
    return f"coalesce(CAST({alias}.effective AS TEXT), {seen})"


def _hit(r) -> SearchHit:
    drugs = r["drugs"]
    if isinstance(drugs, str):
        import json

        drugs = json.loads(drugs)
    eff = r["effective"]
    if isinstance(eff, str):
        eff = dt.date.fromisoformat(eff)
    seen = r["first_seen"]
    if isinstance(seen, str):
        seen = dt.datetime.fromisoformat(seen)
    if seen is not None and seen.tzinfo is None:
        seen = seen.replace(tzinfo=dt.UTC)
    return SearchHit(
        passage_id=r["passage_id"],
        version_id=r["version_id"],
        policy_id=r["policy_id"],
        seq=r["seq"],
        source_id=r["source_id"],
        payer=r["payer"],
        title=r["title"],
        heading=r["heading"],
        snippet=r["snippet"] or "",
        drugs=list(drugs or []),
        effective=eff,
        first_seen=seen,
        score=float(r["score"] or 0.0),
    )
