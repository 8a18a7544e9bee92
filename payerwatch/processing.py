"""After the fetch: extract new versions, compare them with their predecessors, store change events.

This is the seam between the crawler (which only archives bytes) and the analysis steps, so the same
code serves ``payerwatch crawl`` and ``payerwatch reprocess`` (which re-runs it from the archive alone).
"""

from __future__ import annotations

import logging

from store import Archive
from store.models import Change

log = logging.getLogger(__name__)


def process_versions(archive: Archive, version_ids: list[int]) -> list[Change]:
    """Extract each new version and detect its changes; return the changes newly stored.

    Extraction errors are recorded on the version (``extract_error``) and never raise.
    """
    import extractors

    created: list[Change] = []
    for vid in version_ids:
        version = archive.get_version(vid)
        if version is None:
            continue
        try:
            extracted = extractors.extract(archive.blobs.get(version.sha256), version.media_type, version.url)
        except extractors.ExtractionError as exc:
            archive.set_extraction(vid, None, error=f"{exc.reason}: {exc}")
            log.warning("extract failed for %s: %s", version.url, exc)
            continue
        archive.set_extraction(vid, extracted)
        created += detect_changes(archive, vid)
    return created


def detect_changes(archive: Archive, version_id: int) -> list[Change]:
    """Compare a version with the previous version of its policy. Filled in by the differ."""
    return []


def on_policy_status(archive: Archive, policy_id: str, old_status: str, new_status: str) -> list[Change]:
    """The crawler confirmed a policy gone (``retired``) or back (``reinstated``). Filled in by the differ."""
    return []
