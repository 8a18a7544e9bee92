"""Versions (distinct contents of a policy), their blobs, passages and coverage facts."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase, inserted_id, row_to
from store.models import Version, utcnow


class Serialisable(Protocol):
    """What the store needs of an extraction: its JSON form (``extractors.model.ExtractedPolicy`` is one)."""

    def to_dict(self) -> dict[str, Any]: ...


class VersionsMixin(ArchiveBase):
    def add_version(
        self,
        policy_id: str,
        data: bytes,
        url: str,
        media_type: str | None = None,
        seen_at: dt.datetime | None = None,
    ) -> tuple[Version, bool]:
        """Keep ``data`` as a version of the policy; return (version, created).

        Bytes equal to the policy's latest version only refresh its ``last_seen``. Bytes equal to an older
        version (a payer undoing a change, A → B → A) make a new version, so the archive's current state
        is what the payer serves; the differ decides whether such a return is announced.
        The blob is written before the row, so a row never points at bytes we do not have.
        """
        seen_at = seen_at or utcnow()
        sha = self.blobs.put(data)
        with self.engine.begin() as conn:
            vid, created = keep_version(conn, policy_id, sha, url, media_type, len(data), seen_at)
            version = self._version(conn, vid)
        assert version is not None
        return version, created

    def touch_version(self, version_id: int, seen_at: dt.datetime | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.versions.update()
                .where(schema.versions.c.id == version_id)
                .values(last_seen=seen_at or utcnow())
            )

    def set_extraction(
        self, version_id: int, extracted: dict[str, Any] | Serialisable | None, error: str | None = None
    ) -> None:
        """Store what the extractors read from a version, replacing any earlier extraction of it.

        ``extracted`` is the extractors' JSON form (``ExtractedPolicy.to_dict()``, or an object that gives
        it): the store keeps it verbatim and copies the few keys it indexes (metadata, passages, facts), so
        it never imports the extractors' types."""
        if extracted is not None and not isinstance(extracted, dict):
            extracted = extracted.to_dict()
        with self.engine.begin() as conn:
            conn.execute(schema.passages.delete().where(schema.passages.c.version_id == version_id))
            conn.execute(schema.facts.delete().where(schema.facts.c.version_id == version_id))
            if extracted is None:
                conn.execute(
                    schema.versions.update()
                    .where(schema.versions.c.id == version_id)
                    .values(extraction=None, extract_error=error, mentions_topic=False, extract_retry_at=None)
                )
                return
            meta = extracted.get("metadata") or {}
            passages = extracted.get("passages") or []
            facts = extracted.get("facts") or []
            conn.execute(
                schema.versions.update()
                .where(schema.versions.c.id == version_id)
                .values(
                    extraction=extracted,
                    extractor_version=extracted.get("extractor_version", "1"),
                    extract_error=None,
                    extract_retry_at=None,
                    title=meta.get("title"),
                    policy_number=meta.get("policy_number"),
                    published=_date(meta.get("published")),
                    effective=_date(meta.get("effective")),
                    next_review=_date(meta.get("next_review")),
                    mentions_topic=bool(passages),
                    text_hash=hashlib.sha256(extracted["text"].encode()).hexdigest(),
                )
            )
            if passages:
                conn.execute(
                    schema.passages.insert(),
                    [
                        {
                            "version_id": version_id,
                            "ordinal": i,
                            "heading": p.get("heading"),
                            "section_path": list(p.get("section_path") or ()),
                            "text": p["text"],
                            "start": p["start"],
                            "end": p["end"],
                            "page_start": p.get("page_start"),
                            "page_end": p.get("page_end"),
                            "drugs": list(p.get("drugs") or ()),
                            "indications": list(p.get("indications") or ()),
                            "codes": list(p.get("codes") or ()),
                        }
                        for i, p in enumerate(passages)
                    ],
                )
            if facts:
                conn.execute(
                    schema.facts.insert(),
                    [
                        {
                            "version_id": version_id,
                            "drug": f["drug"],
                            # a sub-population is its own row of the matrix: "trd/monotherapy"
                            "indication": "/".join(
                                x for x in (f.get("indication"), f.get("subpopulation")) if x
                            ),
                            "field": f["field"],
                            "value": f.get("value"),
                            "sentence": f.get("sentence"),
                            "start": f.get("start"),
                            "end": f.get("end"),
                            "page": f.get("page"),
                        }
                        for f in facts
                    ],
                )

    def record_extract_failure(self, version_id: int, error: str, retry_at: dt.datetime | None) -> int:
        """An attempt worth repeating failed (its worker was killed): count it, keep the error, and
        schedule the next attempt at ``retry_at`` (None: give up). Returns the attempts so far."""
        with self.engine.begin() as conn:
            conn.execute(schema.passages.delete().where(schema.passages.c.version_id == version_id))
            conn.execute(schema.facts.delete().where(schema.facts.c.version_id == version_id))
            conn.execute(
                schema.versions.update()
                .where(schema.versions.c.id == version_id)
                .values(
                    extraction=None,
                    extract_error=error,
                    mentions_topic=False,
                    extract_attempts=schema.versions.c.extract_attempts + 1,
                    extract_retry_at=retry_at,
                )
            )
            return conn.execute(
                sa.select(schema.versions.c.extract_attempts).where(schema.versions.c.id == version_id)
            ).scalar_one()

    def unprocessed_version_ids(
        self, source_id: str | None = None, now: dt.datetime | None = None
    ) -> list[int]:
        """Versions never extracted (no result and no recorded error), and those whose retry is due
        (``record_extract_failure``), oldest first."""
        now = now or utcnow()
        q = (
            sa.select(schema.versions.c.id)
            .where(
                schema.versions.c.extractor_version.is_(None),
                sa.or_(schema.versions.c.extract_error.is_(None), schema.versions.c.extract_retry_at <= now),
            )
            .order_by(schema.versions.c.id)
        )
        if source_id:
            q = q.join(schema.policies, schema.policies.c.id == schema.versions.c.policy_id).where(
                schema.policies.c.source_id == source_id
            )
        with self.engine.connect() as conn:
            return [r.id for r in conn.execute(q)]

    def versions_with_note(self, note: str, source_id: str | None = None) -> list[Version]:
        """Versions carrying exactly ``note`` (one indexed query, so a re-crawl can afford to ask
        each run)."""
        q = sa.select(*_version_cols()).where(schema.versions.c.note == note).order_by(schema.versions.c.id)
        if source_id:
            q = q.join(schema.policies, schema.policies.c.id == schema.versions.c.policy_id).where(
                schema.policies.c.source_id == source_id
            )
        with self.engine.connect() as conn:
            return [row_to(Version, r) for r in conn.execute(q)]

    def set_version_note(self, version_id: int, note: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(schema.versions.update().where(schema.versions.c.id == version_id).values(note=note))

    def get_version(self, version_id: int) -> Version | None:
        with self.engine.connect() as conn:
            return self._version(conn, version_id)

    def get_extraction(self, version_id: int) -> dict[str, Any] | None:
        """The extractors' JSON form as stored (``ExtractedPolicy.from_dict`` reads it back)."""
        with self.engine.connect() as conn:
            data = conn.execute(
                sa.select(schema.versions.c.extraction).where(schema.versions.c.id == version_id)
            ).scalar_one_or_none()
        return data or None

    def version_bytes(self, version_id: int) -> bytes:
        version = self.get_version(version_id)
        if version is None:
            raise KeyError(version_id)
        return self.blobs.get(version.sha256)

    def list_versions(self, policy_id: str) -> list[Version]:
        q = (
            sa.select(*_version_cols())
            .where(schema.versions.c.policy_id == policy_id)
            .order_by(schema.versions.c.seq)
        )
        with self.engine.connect() as conn:
            return [row_to(Version, r) for r in conn.execute(q)]

    def latest_version(self, policy_id: str) -> Version | None:
        versions = self.list_versions(policy_id)
        return versions[-1] if versions else None

    def find_versions(self, sha256_prefix: str, policy_id: str | None = None) -> list[Version]:
        q = sa.select(*_version_cols()).where(schema.versions.c.sha256.startswith(sha256_prefix))
        if policy_id:
            q = q.where(schema.versions.c.policy_id == policy_id)
        with self.engine.connect() as conn:
            return [row_to(Version, r) for r in conn.execute(q.order_by(schema.versions.c.id))]

    def list_passages(self, version_id: int) -> list[dict[str, Any]]:
        q = (
            sa.select(schema.passages)
            .where(schema.passages.c.version_id == version_id)
            .order_by(schema.passages.c.ordinal)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def list_facts(self, version_id: int) -> list[dict[str, Any]]:
        q = sa.select(schema.facts).where(schema.facts.c.version_id == version_id).order_by(schema.facts.c.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def _version(self, conn: sa.Connection, version_id: int) -> Version | None:
        row = conn.execute(sa.select(*_version_cols()).where(schema.versions.c.id == version_id)).first()
        return row_to(Version, row) if row else None


def keep_version(
    conn: sa.Connection,
    policy_id: str,
    sha: str,
    url: str,
    media_type: str | None,
    size: int,
    now: dt.datetime,
) -> tuple[int, bool]:
    """The one rule for archiving bytes as a version, for one document (``add_version``); the crawler's
    batches apply the same rule through ``VersionBatch``.

    Bytes equal to the policy's latest version refresh its ``last_seen``; any other bytes, including
    bytes of an older version coming back (A → B → A), become the next version. Returns (id, created).
    """
    batch = VersionBatch(conn)
    kept, created = batch.keep(policy_id, sha, url, media_type, size, now)
    batch.write()
    assert kept.id is not None
    return kept.id, created


@dataclass
class Kept:
    """The latest version of a policy as a batch sees it: stored, or to be written by ``write``."""

    sha256: str
    seq: int
    id: int | None  # None until ``VersionBatch.write`` stores a new version
    row: dict[str, Any] | None = None  # the INSERT row of a new version


class VersionBatch:
    """``keep_version``'s rule over many documents in one transaction, with a few statements per batch.

    A first crawl of N documents used to cost 2 statements per document here (SELECT the latest version,
    INSERT the new one). A policy created in the same batch (``fresh``) has no stored version, so it needs
    no SELECT; new versions are kept in document order and written by one executemany in ``write`` (ids
    follow document order, as before); refreshed ``last_seen`` dates are written there too. The latest
    version of a policy that had one before the batch is still read with one SELECT, on first use.
    """

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.latest: dict[str, Kept | None] = {}  # policy id → its latest version (None: none yet)
        self.new: list[Kept] = []
        self.touched: dict[int, dt.datetime] = {}  # stored version id → its new last_seen

    def fresh(self, policy_id: str) -> None:
        """``policy_id`` was created in this transaction: it has no version yet."""
        self.latest[policy_id] = None

    def keep(
        self, policy_id: str, sha: str, url: str, media_type: str | None, size: int, now: dt.datetime
    ) -> tuple[Kept, bool]:
        """(the policy's latest version after these bytes, created?); ``id`` is known after ``write``."""
        if policy_id in self.latest:
            latest = self.latest[policy_id]
        else:
            v = schema.versions
            row = self.conn.execute(
                sa.select(v.c.id, v.c.sha256, v.c.seq)
                .where(v.c.policy_id == policy_id)
                .order_by(v.c.seq.desc())
                .limit(1)
            ).first()
            latest = Kept(row.sha256, row.seq, row.id) if row is not None else None
        if latest is not None and latest.sha256 == sha:
            if latest.row is not None:
                latest.row["last_seen"] = now
            else:
                assert latest.id is not None
                self.touched[latest.id] = now
            return latest, False
        seq = (latest.seq if latest is not None else 0) + 1
        new: dict[str, Any] = {
            "policy_id": policy_id,
            "seq": seq,
            "sha256": sha,
            "url": url,
            "media_type": media_type,
            "size": size,
            "first_seen": now,
            "last_seen": now,
        }
        kept = self.latest[policy_id] = Kept(sha, seq, None, new)
        self.new.append(kept)
        return kept, True

    def write(self) -> None:
        """Insert the new versions (in order) and learn their ids; write the refreshed dates."""
        v = schema.versions
        if self.new:
            rows = [k.row for k in self.new if k.row is not None]
            if len(rows) == 1:
                self.new[0].id = inserted_id(self.conn.execute(v.insert().values(**rows[0])))
            else:
                self.conn.execute(v.insert(), rows)
                pids = {r["policy_id"] for r in rows}
                ids = {
                    (pid, seq): vid
                    for vid, pid, seq in self.conn.execute(
                        sa.select(v.c.id, v.c.policy_id, v.c.seq).where(v.c.policy_id.in_(pids))
                    )
                }
                for k, r in zip(self.new, rows, strict=True):
                    k.id = ids[(r["policy_id"], k.seq)]
            for k in self.new:
                k.row = None  # stored now: a later keep of the same bytes refreshes it by id
            self.new = []
        if self.touched:
            self.conn.execute(
                v.update().where(v.c.id == sa.bindparam("vid")).values(last_seen=sa.bindparam("seen")),
                [{"vid": vid, "seen": seen} for vid, seen in self.touched.items()],
            )
            self.touched = {}


def _version_cols() -> list[sa.Column]:
    """Every version column but the (large) extraction JSON."""
    return [c for c in schema.versions.columns if c.name != "extraction"]


def _date(value: str | dt.date | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
