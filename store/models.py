"""Typed records crossing the boundary between ``store/`` and the rest of payerwatch.

Other folders never write SQL; they pass and receive these dataclasses through ``store.Archive``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

PROGRAMS = ("commercial", "medicare", "medicaid", "federal")
#: The HTTP answers that say a document is gone (counted towards a policy's retirement), and their fault
#: kinds as recorded on a fetch; every other fault is a fault of the crawl, never evidence about a policy.
GONE_HTTP_STATUSES = (404, 410)
GONE_KINDS = tuple(f"http-{status}" for status in GONE_HTTP_STATUSES)


def payer_slug(name: str) -> str:
    """``UnitedHealthcare Community Plan`` → ``unitedhealthcare-community-plan``: a payer in URLs and ids."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "payer"


def utcnow() -> dt.datetime:
    """Now, in UTC. ``PAYERWATCH_CLOCK`` (an ISO timestamp) pins it, so the demo and the tests can crawl
    a portal "as if weeks passed" across several processes.

    With ``PAYERWATCH_CLOCK_SINCE`` (a Unix time) as well, the pinned clock reads ``PAYERWATCH_CLOCK`` at
    that real instant and advances in real time from there: jobs on several workers then record real
    intervals (crawl runs that can be checked for overlap) inside the week being replayed.
    """
    pinned = os.environ.get("PAYERWATCH_CLOCK")
    if pinned:
        value = dt.datetime.fromisoformat(pinned.replace("Z", "+00:00"))
        value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
        since = os.environ.get("PAYERWATCH_CLOCK_SINCE")
        if since:
            value += dt.timedelta(seconds=max(0.0, time.time() - float(since)))
        return value
    return dt.datetime.now(dt.UTC)


@dataclass
class Source:
    id: str
    payer: str
    program: str = "commercial"
    state: str | None = None
    spider: str = "generic"
    schedule: str | None = None
    config: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlRun:
    id: int
    source_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: str = "running"
    documents: int = 0
    not_modified: int = 0
    new_versions: int = 0
    changes: int = 0
    errors: int = 0
    message: str | None = None
    index_faults: int = 0
    analysed_at: dt.datetime | None = None


@dataclass
class Policy:
    id: str
    source_id: str
    url: str
    policy_number: str | None = None
    title: str | None = None
    status: str = "active"
    missing_count: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    retired_at: dt.datetime | None = None


@dataclass
class Fetch:
    source_id: str
    url: str
    outcome: str  # new_version | unchanged | not_modified | error | missing
    fetched_at: dt.datetime = field(default_factory=utcnow)
    run_id: int | None = None
    policy_id: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    size: int | None = None
    error_kind: str | None = None
    error: str | None = None
    id: int | None = None


@dataclass
class Version:
    id: int
    policy_id: str
    seq: int
    sha256: str
    url: str
    size: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    media_type: str | None = None
    title: str | None = None
    policy_number: str | None = None
    published: dt.date | None = None
    effective: dt.date | None = None
    next_review: dt.date | None = None
    mentions_topic: bool = False
    text_hash: str | None = None
    extractor_version: str | None = None
    extract_error: str | None = None
    note: str | None = None
    extract_attempts: int = 0
    extract_retry_at: dt.datetime | None = None


@dataclass
class Change:
    id: str
    policy_id: str
    kind: str
    severity: str
    summary: str
    detected_at: dt.datetime
    old_version_id: int | None = None
    new_version_id: int | None = None
    drugs: list[str] = field(default_factory=list)
    details: list[Any] = field(default_factory=list)
    diff: list[Any] = field(default_factory=list)
    evidence: list[Any] = field(default_factory=list)
    revision_note: str | None = None
    needs_review: bool = False
    effective_date: dt.date | None = None


@dataclass
class ChangeContext:
    """A change with what every announcement needs: who the payer is and where the document lives."""

    change: Change
    source_id: str
    payer: str
    program: str
    policy_title: str | None
    policy_url: str
    policy_number: str | None
    #: the per-policy version numbers (``Version.seq``) and hashes of the two versions compared
    old_version: int | None = None
    new_version: int | None = None
    old_sha256: str | None = None
    new_sha256: str | None = None
    #: the newer version's own title and URL (a policy's can change between versions)
    version_title: str | None = None
    version_url: str | None = None

    @property
    def title(self) -> str | None:
        return self.version_title or self.policy_title

    @property
    def url(self) -> str:
        return self.version_url or self.policy_url


@dataclass
class Subscription:
    id: int
    email: str
    payers: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    min_severity: str = "low"
    digest: str = "immediate"
    active: bool = True
    created_at: dt.datetime | None = None
    unsubscribed_at: dt.datetime | None = None


@dataclass
class Delivery:
    id: int
    change_id: str
    subscription_id: int
    status: str = "pending"
    digest_key: str | None = None
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str | None = None
    sent_at: dt.datetime | None = None
    message_id: str | None = None
    created_at: dt.datetime | None = None


@dataclass
class SourceStatus:
    source: Source
    last_run: CrawlRun | None
    policies: int
    versions: int
    open_errors: int
    last_error: str | None = None
    #: versions whose extraction worker was killed for its limits on every attempt (given up)
    extract_given_up: int = 0


@dataclass
class IntegrityProblem:
    what: str  # "blob" | "foreign-key" | "temp-file"
    where: str
    problem: str
