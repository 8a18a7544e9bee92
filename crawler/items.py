"""The one item every spider yields: a ``PolicyDocument`` — what one fetch of one document returned.

A dataclass (Scrapy 2.14+ style) so pipelines and tests see typed fields; it carries either the body or
an error, never both, because a failed fetch is a fact about the fetch and must not become a version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from store.models import GONE_KINDS


@dataclass
class PolicyDocument:
    source: str
    url: str
    final_url: str | None = None
    title: str | None = None  # link text or page title: a hint, never the identity
    policy_number: str | None = None  # normalized, version-free number when the spider knows it
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    media_type: str | None = None
    not_modified: bool = False  # the server answered 304 to our conditional request
    error_kind: str | None = None  # timeout, http-503, http-404, tls, login-redirect, interstitial, ...
    error: str | None = None
    is_index: bool = False  # an index/listing page (only recorded when it failed)
    replaced_on: str | None = None  # versioned sites: "this version was replaced <date>" banner
    # a known document no index listed this run, fetched again at its last URL (404/410 → missing)
    recheck: bool = False
    # filled in by pipelines (a recheck carries the known policy's id from the start)
    policy_id: str | None = None
    outcome: str | None = None
    version_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error_kind is None

    @property
    def gone(self) -> bool:
        """404/410 on a document (missing only when it is a ``recheck``; listed, it is a fetch fault)."""
        return self.error_kind in GONE_KINDS and not self.is_index
