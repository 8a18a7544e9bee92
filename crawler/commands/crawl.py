"""``scrapy crawl``, checking before Scrapy starts that the spider was told which source to crawl.

Every spider here is configured by a source of ``crawler/sources.yaml``; without ``-a source=<id>`` the
spider's constructor fails inside Twisted and the user gets an asyncio traceback instead of a sentence.
"""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts) -> None:
        if len(args) == 1 and "source" not in (opts.spargs or {}):
            raise UsageError(
                f"spider {args[0]!r} needs a source: scrapy crawl {args[0]} -a source=<id> "
                "(ids in crawler/sources.yaml; -a sources=<file> for another file)",
                print_help=False,
            )
        super().run(args, opts)
