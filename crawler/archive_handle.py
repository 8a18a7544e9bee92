"""One ``Archive`` per data directory per process, shared by every component of every crawler."""

from __future__ import annotations

from pathlib import Path

from store import Archive

_OPEN: dict[str, Archive] = {}


def archive_for(settings) -> Archive:
    data = str(Path(settings.get("PAYERWATCH_DATA") or "data").resolve())
    if data not in _OPEN:
        _OPEN[data] = Archive(data)
    return _OPEN[data]
