"""One ``crawl_runs`` row per spider run, and the recheck of known documents no index listed.

The crawler only records what it saw: documents present, failing, and — here — missing. When the spider
goes idle, every known, not retired policy of the source that this run neither saw nor tried is fetched
once more at its last URL (``recheck``): a 404/410 then is recorded as ``missing`` (the document is gone
from its index *and* from its address), a 200 or 304 as present. A document still listed that answers
404 stays an ordinary fetch fault. Counting misses, retiring and reinstating happen later, from the
archive, in ``payerwatch.processing`` (``analyse_source``): nothing is held in memory for after the crawl.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawler.archive_handle import archive_for
from crawler.faults import explain_empty_run, fault_kind, install_log_filter
from crawler.items import PolicyDocument
from store.models import utcnow

log = logging.getLogger(__name__)


class CrawlRunExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archive = archive_for(crawler.settings)
        self.run = None
        self.seen: set[str] = set()  # policy ids of this run's good fetches
        self.tried: set[str] = set()  # document URLs this run fetched (requested and final)
        self.listed = 0  # documents found through the indexes (not rechecks)
        self.index_faults = 0
        self.rechecked = False
        self.faults: dict[str, tuple[int, str]] = {}  # error kind → (count, first error text)
        install_log_filter()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        config = spider.config
        self.archive.upsert_source(config.to_source())
        self.run = self.archive.start_run(config.id)

    def item_scraped(self, item, *args, **kwargs):
        """What the run saw: policies present, URLs tried, index faults, and each fault kind (so an
        empty run can say what happened)."""
        if not isinstance(item, PolicyDocument):
            return
        if item.error_kind is not None:
            kind = fault_kind(item)
            count, text = self.faults.get(kind, (0, item.error or kind))
            self.faults[kind] = (count + 1, text)
        if item.is_index:
            self.index_faults += bool(item.error_kind)
            return
        self.tried.update(u for u in (item.url, item.final_url) if u)
        if item.error_kind is None and item.policy_id:
            self.seen.add(item.policy_id)
        if not item.recheck and (item.error_kind is None or item.gone):
            self.listed += 1

    def spider_idle(self, spider):
        """Once per run, after discovery: recheck the known documents the indexes did not lead to."""
        if self.rechecked or self.run is None:
            return
        self.rechecked = True
        requests = [
            spider.document_request(
                p.url, title=p.title, number=p.policy_number, recheck=True, policy_id=p.id
            )
            for p in self.archive.policies_to_recheck(self.run.source_id)
            if p.id not in self.seen and p.url not in self.tried
        ]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            log.info("%s: rechecking %d known document(s) no index listed", self.run.source_id, len(requests))
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        run = self.run
        if run is None:
            return
        facts = self.archive.run_facts(run.id)
        run.documents, run.not_modified = facts.documents, facts.not_modified
        run.new_versions, run.errors = facts.new_versions, facts.errors
        run.index_faults = self.index_faults
        if reason == "shutdown":
            run.status, run.message = "interrupted", "crawl interrupted; nothing counted as missing"
        elif self.listed == 0:
            run.status = "failed"
            run.message = explain_empty_run(self.faults, spider.config.id)
        elif reason != "finished":
            run.status, run.message = "failed", f"crawl ended early: {reason}"
        else:
            run.status = "ok"
            if facts.errors:
                run.message = f"{facts.errors} fetch error(s)"
        run.finished_at = utcnow()
        self.archive.finish_run(run)
