"""``Archive``: the one typed API through which every other folder reads and writes the store.

It is a facade: each part lives in the module named for what it keeps, so a reader finds a method by
its subject —

- ``crawls.py``: sources, crawl runs, fetches; ``crawlstate.py``: policies seen, missing, retired;
- ``versions.py``: versions, their blobs and stored extractions; ``detection.py``: what still needs analysis;
- ``changes.py``: change events and the change-with-payer-and-document join every announcement reads;
- ``subscriptions.py`` and ``deliveries.py``: who gets mail, and each mail's delivery state;
- ``queries/``: history, as-of, matrix, exports; ``search.py``: full-text search; ``integrity.py``: verify.
"""

from __future__ import annotations

import os
from pathlib import Path

from store.blobs import BlobStore
from store.changes import ChangesMixin
from store.crawls import CrawlsMixin
from store.crawlstate import CrawlStateMixin
from store.db import open_engine
from store.deliveries import DeliveriesMixin
from store.detection import DetectionMixin
from store.identity import IdentityMixin
from store.integrity import IntegrityMixin
from store.queries import QueriesMixin
from store.search import SearchMixin
from store.settle import SettleMixin
from store.subscriptions import SubscriptionsMixin
from store.versions import VersionsMixin


def default_data_dir() -> Path:
    return Path(os.environ.get("PAYERWATCH_DATA") or "data")


class Archive(
    CrawlsMixin,
    CrawlStateMixin,
    VersionsMixin,
    ChangesMixin,
    DetectionMixin,
    SubscriptionsMixin,
    IntegrityMixin,
    DeliveriesMixin,
    QueriesMixin,
    SearchMixin,
    SettleMixin,
    IdentityMixin,
):
    """The archive in ``data_dir``: the database (SQLite there by default) plus ``blobs/``.

    Opening applies pending migrations, so every command works on a fresh directory.
    """

    def __init__(self, data_dir: Path | str | None = None, database_url: str | None = None):
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.engine = open_engine(self.data_dir, database_url)
        self.blobs = BlobStore(self.data_dir / "blobs")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
