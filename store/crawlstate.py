"""What the crawler needs from the store beyond single rows: batched document records, validators for
conditional requests, and the per-run facts that drive missing/retired bookkeeping.

Batched because an unchanged re-crawl is dominated by bookkeeping: one transaction per 100 documents
keeps payerwatch's re-crawl close to a bare Scrapy crawl of the same URLs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase
from store.models import GONE_KINDS, utcnow
from store.versions import VersionBatch

GOOD = ("new_version", "unchanged", "not_modified", "superseded")


@dataclass
class DocumentFetch:
    """One fetch of one document as the crawler saw it (body or error, or a 304)."""

    source_id: str
    url: str
    policy_id: str | None
    final_url: str | None = None
    title: str | None = None
    policy_number: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    media_type: str | None = None
    body: bytes | None = None
    not_modified: bool = False
    # the page says a newer version replaced it (versioned URLs): keep the bytes, record the fetch, but
    # make no version — the archive's versions are what was current when we saw it
    superseded: bool = False
    # a recheck of a known document that no index listed answered 404/410: the policy is missing
    missing: bool = False
    recheck: bool = False  # fetched because no index listed it any more (see crawler/extensions.py)
    error_kind: str | None = None
    error: str | None = None
    fetched_at: dt.datetime | None = None


@dataclass
class RunFacts:
    """Counts and policy sets of one crawl run, read back from its fetches."""

    documents: int
    not_modified: int
    new_versions: int
    errors: int
    faults: int  # errors other than 404/410 on a document
    seen: set[str]
    gone: set[str]  # listed documents that answered 404/410 (a fetch fault, not evidence of absence)
    new_version_ids: list[int]
    missing: set[str] = dataclasses.field(default_factory=set)  # rechecks that answered 404/410


class CrawlStateMixin(ArchiveBase):
    def validators_for_source(self, source_id: str) -> dict[str, tuple[str | None, str | None]]:
        """url → (ETag, Last-Modified) of the newest good fetch of each URL of the source (one query).

        Held for the whole crawl by ``ConditionalRequestMiddleware``, so it is kept compact: a 2-tuple per
        URL (about 300 bytes with the URL and both strings), not a dict of headers (about 450) — some 3 MB
        for a 10,000-document source. A URL whose bytes are no longer in the blob store gets no validators.
        """
        f = schema.fetches
        # the newest good fetch per URL is picked in SQL: every re-crawl adds a row per URL, and reading
        # all of a source's history into Python on every crawl would grow with the number of crawls
        newest = (
            sa.select(sa.func.max(f.c.id))
            .where(f.c.source_id == source_id, f.c.outcome.in_(GOOD))
            .group_by(f.c.url)
        )
        q = sa.select(f.c.url, f.c.etag, f.c.last_modified, f.c.sha256).where(f.c.id.in_(newest))
        out: dict[str, tuple[str | None, str | None]] = {}
        with self.engine.connect() as conn:
            for url, etag, modified, sha in conn.execute(q):
                if (etag or modified) and sha and self.blobs.has(sha):
                    out[url] = (etag or None, modified or None)
        return out

    def record_documents(self, run_id: int | None, docs: list[DocumentFetch]) -> list[tuple[str, int | None]]:
        """Archive a batch of document fetches in one transaction; return (outcome, version_id) per doc.

        Blobs are written first (content-addressed, idempotent), so no row ever points at missing bytes.
        A 304 or identical bytes refreshes ``last_seen`` and creates no version. The common case (an
        unchanged re-crawl) costs two SELECTs and three executemany statements per batch, not per document;
        a first crawl's new policies, keys and versions are written by one executemany each
        (``VersionBatch``), with one SELECT of the new versions' ids.
        """
        bodies = [d.body if d.body is not None and not d.error_kind else None for d in docs]
        shas = _put_blobs(self.blobs, bodies)
        results: list[tuple[str, int | None]] = []
        fetch_rows, policy_updates, version_touches = [], {}, []
        new_policies: list[dict] = []  # written by one executemany before the versions that name them
        kept = []  # (index in results, the version kept): new versions' ids are known after the batch
        with self.engine.begin() as conn:
            versions = VersionBatch(conn)
            prev = _previous_bytes(conn, {d.url for d in docs if d.not_modified})
            # a document names its policy by key (``<source id>/<number or url>``); rechecks and 304s by id
            known = _resolve_keys(
                conn,
                {d.policy_id for d in docs if d.policy_id}
                | {r.policy_id for r in prev.values() if r.policy_id},
            )

            def resolve(key: str | None) -> str | None:
                return known.get(key) if key else None

            def ensure_policy(doc: DocumentFetch, key: str, now: dt.datetime) -> str:
                policy_id = known.get(key)
                if policy_id is not None:
                    policy_updates[policy_id] = {
                        "pid": policy_id,
                        "seen": now,
                        "purl": doc.final_url or doc.url,
                        "ptitle": doc.title,
                        "pnumber": doc.policy_number,
                    }
                    return policy_id
                new_policies.append(_policy_row(doc, key, now))
                versions.fresh(key)
                known[key] = key
                return key

            for doc, sha in zip(docs, shas, strict=True):
                now = doc.fetched_at or utcnow()
                outcome, version_id, policy_id, size = "error", None, None, None
                if doc.error_kind:
                    policy_id = resolve(doc.policy_id)
                    if doc.missing and policy_id:
                        outcome = "missing"
                elif doc.not_modified:
                    before = prev.get(doc.url)
                    if before is None:
                        doc.error_kind, doc.error = (
                            "not-modified-unknown",
                            "304 for a URL we hold no bytes for",
                        )
                    else:
                        sha, size, outcome = before.sha256, before.size, "not_modified"
                        key = doc.policy_id or before.policy_id
                        if before.outcome == "superseded":
                            policy_id = resolve(key)
                        else:
                            policy_id = ensure_policy(doc, key, now)
                            version_touches.append({"vpid": policy_id, "vsha": sha, "seen": now})
                elif doc.superseded:
                    size = len(doc.body or b"")
                    policy_id = resolve(doc.policy_id)
                    outcome = "superseded"
                else:
                    size = len(doc.body or b"")
                    assert doc.policy_id is not None and sha is not None  # a new document has both
                    policy_id = ensure_policy(doc, doc.policy_id, now)
                    version, created = versions.keep(
                        policy_id, sha, doc.final_url or doc.url, doc.media_type, size, now
                    )
                    outcome = "new_version" if created else "unchanged"
                    if created:
                        kept.append((len(results), version))
                fetch_rows.append(_fetch_row(run_id, doc, policy_id, now, sha, size, outcome))
                results.append((outcome, version_id))
            if new_policies:
                conn.execute(schema.policies.insert(), new_policies)
                conn.execute(
                    schema.policy_keys.insert(),
                    [{"key": r["id"], "policy_id": r["id"]} for r in new_policies],
                )
            versions.write()
            for i, version in kept:
                results[i] = (results[i][0], version.id)
            if policy_updates:
                p = schema.policies
                conn.execute(
                    p.update()
                    .where(p.c.id == sa.bindparam("pid"))
                    .values(
                        last_seen=sa.bindparam("seen"),
                        url=sa.bindparam("purl"),
                        title=sa.func.coalesce(sa.bindparam("ptitle", type_=sa.Text), p.c.title),
                        policy_number=sa.func.coalesce(
                            sa.bindparam("pnumber", type_=sa.String), p.c.policy_number
                        ),
                    ),
                    list(policy_updates.values()),
                )
            if version_touches:
                v = schema.versions
                latest = (
                    sa.select(sa.func.max(schema.versions.c.seq))
                    .where(schema.versions.c.policy_id == sa.bindparam("vpid"))
                    .scalar_subquery()
                )
                conn.execute(
                    # only the current version: older bytes that recur (A → B → A) keep their own dates
                    v.update()
                    .where(
                        v.c.policy_id == sa.bindparam("vpid"),
                        v.c.sha256 == sa.bindparam("vsha"),
                        v.c.seq == latest,
                    )
                    .values(last_seen=sa.bindparam("seen")),
                    version_touches,
                )
            if fetch_rows:
                conn.execute(schema.fetches.insert(), fetch_rows)
        return results

    def run_facts(self, run_id: int, gone_kinds: tuple[str, ...] = GONE_KINDS) -> RunFacts:
        f, v = schema.fetches, schema.versions
        q = sa.select(f.c.outcome, f.c.policy_id, f.c.error_kind).where(f.c.run_id == run_id)
        facts = RunFacts(0, 0, 0, 0, 0, set(), set(), [])
        with self.engine.connect() as conn:
            for outcome, policy_id, error_kind in conn.execute(q):
                if outcome == "missing":
                    facts.missing.add(policy_id)
                    continue
                if outcome == "error":
                    facts.errors += 1
                    if error_kind in gone_kinds and policy_id:
                        facts.gone.add(policy_id)
                    elif error_kind not in gone_kinds:
                        facts.faults += 1
                    if error_kind in gone_kinds:
                        facts.documents += 1
                    continue
                facts.documents += 1
                if policy_id:
                    facts.seen.add(policy_id)
                if outcome == "not_modified":
                    facts.not_modified += 1
                elif outcome == "new_version":
                    facts.new_versions += 1
            # one join, not one SELECT per new version (8,000 of them on a first crawl of 8,000 documents)
            # bytes can recur in one policy's history (A → B → A): the run created the newest such version
            new = (
                sa.select(sa.func.max(v.c.id))
                .join(f, sa.and_(v.c.policy_id == f.c.policy_id, v.c.sha256 == f.c.sha256))
                .where(f.c.run_id == run_id, f.c.outcome == "new_version")
                .group_by(f.c.id)
                .order_by(f.c.id)
            )
            facts.new_version_ids = list(conn.execute(new).scalars())
        return facts

    def policies_to_recheck(self, source_id: str) -> list[sa.Row]:
        """(id, url, title, policy_number) of the source's policies that are not retired: the documents a
        run rechecks at their last URL when no index led to them (see ``crawler/extensions.py``)."""
        p = schema.policies
        q = (
            sa.select(p.c.id, p.c.url, p.c.title, p.c.policy_number)
            .where(p.c.source_id == source_id, p.c.status != "retired")
            .order_by(p.c.id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(q))


def _fetch_row(run_id, doc: DocumentFetch, policy_id, now, sha, size, outcome: str) -> dict:
    return {
        "run_id": run_id,
        "source_id": doc.source_id,
        "policy_id": policy_id,
        "url": doc.url,
        "final_url": doc.final_url,
        "fetched_at": now,
        "http_status": doc.http_status,
        "etag": doc.etag,
        "last_modified": doc.last_modified,
        "content_type": doc.content_type,
        "sha256": sha if outcome != "error" else None,
        "size": size if outcome != "error" else None,
        "outcome": outcome,
        "error_kind": doc.error_kind,
        "error": doc.error,
        "recheck": doc.recheck,
    }


def _previous_bytes(conn: sa.Connection, urls: set[str]) -> dict[str, sa.Row]:
    """url → newest fetch that brought bytes (what a 304 confirms)."""
    if not urls:
        return {}
    f = schema.fetches
    q = (
        sa.select(f.c.url, f.c.sha256, f.c.size, f.c.policy_id, f.c.outcome)
        .where(
            f.c.url.in_(urls),
            f.c.sha256.is_not(None),
            f.c.outcome.in_(("new_version", "unchanged", "superseded")),
        )
        .order_by(f.c.id)
    )
    return {row.url: row for row in conn.execute(q)}


def _resolve_keys(conn: sa.Connection, keys: set[str]) -> dict[str, str]:
    """key or id → policy id, for the keys and ids that name a known policy."""
    if not keys:
        return {}
    k = schema.policy_keys
    rows = conn.execute(sa.select(k.c["key"], k.c.policy_id).where(k.c["key"].in_(keys)))
    out = {key: policy_id for key, policy_id in rows}
    rest = keys - out.keys()
    if rest:
        ids = conn.execute(sa.select(schema.policies.c.id).where(schema.policies.c.id.in_(rest))).scalars()
        out.update({i: i for i in ids})
    return out


def _policy_row(doc: DocumentFetch, policy_id: str, now: dt.datetime) -> dict:
    return {
        "id": policy_id,
        "source_id": doc.source_id,
        "policy_number": doc.policy_number,
        "title": doc.title,
        "url": doc.final_url or doc.url,
        "first_seen": now,
        "last_seen": now,
    }


#: Blob writes in flight at once. Each blob is fsynced (file, then directory) before any row names it;
#: one after the other, a first crawl's wall time was mostly waiting for those syncs (cProfile,
#: bench/crawl.py: 27 of 86 s for 2,000 documents). The waits overlap in threads (``fsync`` releases
#: the GIL); each blob is still written, synced and renamed exactly as before, and the batch's
#: transaction starts only once every blob is durable.
BLOB_WRITERS = 8


def _put_blobs(blobs, bodies: list[bytes | None]) -> list[str | None]:
    """``blobs.put`` of each body (``None`` stays ``None``), in order."""
    todo = [b for b in bodies if b is not None]
    if len(todo) < 2:
        return [blobs.put(b) if b is not None else None for b in bodies]
    with ThreadPoolExecutor(min(BLOB_WRITERS, len(todo)), thread_name_prefix="blob") as pool:
        done = iter(list(pool.map(blobs.put, todo)))
    return [next(done) if b is not None else None for b in bodies]
