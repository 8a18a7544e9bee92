"""The child process of a ``crawl`` job: archive one source (fetch and store only; analysis is queued).

Scrapy's reactor cannot restart inside a long-running worker, so each crawl is its own process, as under
``payerwatch serve``. Usage: ``python -m payerwatch.worker_crawl DATA_DIR SOURCES_FILE SOURCE_ID``.

``PAYERWATCH_KILL_WORKER_AFTER=N`` (tests only) makes the child SIGKILL its worker once N documents are
archived: a deterministic "worker killed mid-crawl", after which the kernel kills this child too.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from scrapy import signals

KILL_WORKER_ENV = "PAYERWATCH_KILL_WORKER_AFTER"


class KillWorkerAfter:
    """Scrapy extension behind ``PAYERWATCH_KILL_WORKER_AFTER`` (enabled only when it is set)."""

    def __init__(self, after: int):
        self.after, self.seen = after, 0

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(int(os.environ[KILL_WORKER_ENV]))
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, *args, **kwargs) -> None:
        self.seen += 1
        if self.seen == self.after:
            os.kill(os.getppid(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    from crawler import settings as base
    from payerwatch.commands.crawl import run_crawl

    data_dir, sources_file, source_id = argv
    settings: dict = {"PAYERWATCH_PROCESS": False}
    if os.environ.get(KILL_WORKER_ENV):
        settings["EXTENSIONS"] = dict(base.EXTENSIONS) | {f"{__name__}.KillWorkerAfter": 900}
    runs = run_crawl(Path(data_dir), Path(sources_file), (source_id,), settings=settings, progress=False)
    return 0 if runs else 1


if __name__ == "__main__":  # pragma: no cover - run as a child process
    sys.exit(main(sys.argv[1:]))
