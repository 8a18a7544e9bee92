"""A live probe of sources, for operators: would a crawl of each source find its documents?

The real family spiders run against the real site, through the same fault classification as a crawl,
but nothing is archived: index pages are followed (up to ``MAX_INDEX_PAGES``), every document link the
spider would fetch is counted, and only a small sample of them (``SAMPLE_FETCH``) is actually fetched, to
prove the documents themselves are reachable, allowed by robots.txt and not error pages. The verdict per
source is one of ``ok`` (documents found and the sample fetched), ``warn`` (links found, sample fetches
failed partly) and ``fail`` (nothing to find: unreachable, blocked, index gone, or no link matched).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import scrapy
from scrapy import signals

from crawler.faults import explain_empty_run, fault_kind, install_log_filter

MAX_INDEX_PAGES = 30
SAMPLE_FETCH = 2
SAMPLE_SHOW = 5


@dataclass
class ProbeResult:
    source_id: str
    index_pages: int = 0  # index pages answered usable (2xx, not an error page)
    documents: list[str] = field(default_factory=list)  # document URLs the spider would fetch
    sample_ok: list[str] = field(default_factory=list)
    faults: dict[str, tuple[int, str]] = field(default_factory=dict)  # kind → (count, first text)
    index_faults: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if not self.documents:
            return "fail"
        if self.sample_ok and not self.faults:
            return "ok"
        return "warn" if self.sample_ok else "fail"

    @property
    def reason(self) -> str:
        """One line an operator can act on."""
        if not self.documents:
            return explain_empty_run(self.index_faults or self.faults, self.source_id)
        fetched = f"{len(self.documents)} document link(s); sample fetched {len(self.sample_ok)}"
        if self.faults:
            kind, (count, text) = next(iter(self.faults.items()))
            return f"{fetched}; {count} failed ({kind}): {text}"
        return fetched

    def _fault(self, item) -> None:
        target = self.index_faults if item.is_index else self.faults
        kind = fault_kind(item)
        count, text = target.get(kind, (0, item.error or kind))
        target[kind] = (count + 1, text)


class ProbeMiddleware:
    """Spider middleware: counts document requests instead of sending them (but a sample), caps index
    pages, and keeps the probe's results on itself — never on the spider."""

    def __init__(self, crawler):
        self.result = ProbeResult(crawler.spidercls.name)
        self.crawler = crawler
        self.index_requests = self.sampled = 0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.result.source_id = spider.config.id
        # the stats collector outlives the crawl: run_probe reads the result from there
        self.crawler.stats.set_value("payerwatch/probe", self.result)

    def item_scraped(self, item, *args, **kwargs):
        if item.error_kind is None and not item.not_modified:
            self.result.sample_ok.append(item.url)
        elif item.error_kind is not None:
            self.result._fault(item)

    def response_received(self, response, request, *args, **kwargs):
        if request.meta.get("index") and 200 <= response.status < 300:
            self.result.index_pages += 1

    async def process_spider_output_async(self, response, result):
        async for obj in result:
            kept = self._filter(obj)
            if kept is not None:
                yield kept

    def process_spider_output(self, response, result):
        for obj in result:
            kept = self._filter(obj)
            if kept is not None:
                yield kept

    def _filter(self, obj):
        if not isinstance(obj, scrapy.Request):
            return obj
        if obj.meta.get("conditional"):  # a document request: count it; send only a sample
            chain = [obj, *(obj.meta.get("chain") or [])]
            # a chain walks old versions first (probes); the one that counts is the current, last one
            target = next((r for r in reversed(chain) if not r.meta.get("probe")), None)
            if target is None or target.url in self.result.documents:
                return None
            self.result.documents.append(target.url)
            if self.sampled < SAMPLE_FETCH:
                self.sampled += 1
                target.meta["chain"] = []
                return target
            return None
        if obj.meta.get("index"):
            self.index_requests += 1
            if self.index_requests > MAX_INDEX_PAGES:
                return None
        return obj


def run_probe(configs, settings: dict | None = None) -> list[ProbeResult]:
    """Probe each source (a ``SourceConfig``) in one Scrapy process; results in the order given."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    from crawler import settings as base_settings

    s = Settings()
    s.setmodule(base_settings, priority="project")
    s.update(
        {
            "ITEM_PIPELINES": {"crawler.pipelines.ValidatePipeline": 100},
            "EXTENSIONS": {},
            # no conditional requests: a probe compares nothing with the archive
            "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.GuardedRedirectMiddleware": 610},
            "SPIDER_MIDDLEWARES": {"crawler.probe.ProbeMiddleware": 950},
            "RETRY_TIMES": 0,
            "LOG_LEVEL": "ERROR",
            **(settings or {}),
        },
        priority="cmdline",
    )
    loader = SpiderLoader.from_settings(s)
    install_log_filter()
    process = CrawlerProcess(s)
    crawlers = []
    for config in configs:
        crawler = process.create_crawler(loader.load(config.spider))
        process.crawl(crawler, config=config)
        crawlers.append((config.id, crawler))
    process.start()
    return [crawler.stats.get_value("payerwatch/probe") or ProbeResult(sid) for sid, crawler in crawlers]
