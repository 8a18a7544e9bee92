"""Entry point for the scheduler and the demo: flush the outbox with settings from the environment."""

from __future__ import annotations

from feeds.config import load_settings
from feeds.outbox import SendReport, send_outbox
from store import Archive


def send_pending(archive: Archive, flush_digests: bool = False) -> int:
    """Queue what nobody queued, deliver what is due, and return how many messages went out.

    ``now`` is ``store.models.utcnow()``, which honours ``PAYERWATCH_CLOCK`` (the demo pins it per epoch).
    """
    report: SendReport = send_outbox(archive, load_settings(archive.data_dir), flush_digests=flush_digests)
    return len(report.sent)
