"""One ``crawl_runs`` row per spider run, and the bookkeeping that needs the whole run to be over.

Missing/retired: a policy that is absent from a run that otherwise worked (documents found, no faults
other than 404/410), or answered 404/410, gains one ``missing_count``; at 2 consecutive such runs it is
retired. A run with any fault (5xx, timeout, login page…) never counts: faults are facts about fetches.
"""

from __future__ import annotations

import logging

from scrapy import signals

from crawler.archive_handle import archive_for
from crawler.faults import explain_empty_run, install_log_filter
from crawler.pipelines import GONE_KINDS
from store.models import utcnow

log = logging.getLogger(__name__)
RETIRE_AFTER = 2


class CrawlRunExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archive = archive_for(crawler.settings)
        self.process = crawler.settings.getbool("PAYERWATCH_PROCESS", True)
        self.run = None
        self.new_version_ids: list[int] = []
        self.status_changes: list[tuple[str, str, str]] = []
        self.faults: dict[str, tuple[int, str]] = {}  # error kind → (count, first error text)
        install_log_filter()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        config = spider.config
        self.archive.upsert_source(config.to_source())
        self.run = self.archive.start_run(config.id)

    def item_scraped(self, item, *args, **kwargs):
        """Remember each fault kind of the run, so an empty run can say what happened."""
        kind = getattr(item, "error_kind", None)
        if kind is None:
            return
        if item.is_index and kind in GONE_KINDS:
            kind = f"index-{kind}"
        count, text = self.faults.get(kind, (0, item.error or kind))
        self.faults[kind] = (count + 1, text)

    def spider_closed(self, spider, reason):
        run = self.run
        if run is None:
            return
        facts = self.archive.run_facts(run.id)
        run.documents, run.not_modified = facts.documents, facts.not_modified
        run.new_versions, run.errors = facts.new_versions, facts.errors
        if reason == "shutdown":
            run.status, run.message = "interrupted", "crawl interrupted; nothing counted as missing"
        elif facts.documents == 0:
            run.status = "failed"
            run.message = explain_empty_run(self.faults, spider.config.id)
        elif reason != "finished":
            run.status, run.message = "failed", f"crawl ended early: {reason}"
        else:
            run.status = "ok"
            if facts.errors:
                run.message = f"{facts.errors} fetch error(s)"
        counts = facts.faults == 0 and run.status == "ok"
        self.status_changes = self._bookkeep(spider.config.id, run.id, facts, counts)
        self.new_version_ids = facts.new_version_ids
        run.finished_at = utcnow()
        self.archive.finish_run(run)
        if self.process:
            self.process_changes()

    def process_changes(self) -> int:
        """Extract and diff the run's new versions, announce retirements/returns; store the change count.

        ``payerwatch crawl`` calls this after the reactor stops (``PAYERWATCH_PROCESS=False``), so that
        extracting one source's PDFs never stalls the other sources' downloads in the same process.
        """
        from payerwatch import processing

        if self.run is None:
            return 0
        # Versions archived by an earlier run that was killed before its analysis are picked up here,
        # so an interrupted crawl never leaves a version unannounced.
        pending = self.archive.unprocessed_version_ids(self.run.source_id)
        ids = sorted(set(self.new_version_ids) | set(pending))
        changes = processing.process_versions(self.archive, ids)
        changes += processing.confirm_topic_losses(self.archive, self.run.source_id)
        for policy_id, old, new in self.status_changes:
            changes += processing.on_policy_status(self.archive, policy_id, old, new)
        self.run.changes = len(changes)
        self.archive.finish_run(self.run)
        return len(changes)

    def _bookkeep(self, source_id: str, run_id: int, facts, counts: bool) -> list[tuple[str, str, str]]:
        """Update policies' status; return (policy, old, new) for confirmed retirements and returns.

        Only the policies whose status can change are loaded (``policies_to_bookkeep``), not every
        policy of the source: an unchanged re-crawl of 10,000 documents touches none of them.
        """
        out = []
        for policy in self.archive.policies_to_bookkeep(source_id, run_id):
            if policy.id in facts.seen:
                if policy.status != "active" or policy.missing_count:
                    self.archive.set_policy_status(policy.id, "active", 0, None)
                    if policy.status == "retired":
                        out.append((policy.id, "retired", "active"))
                continue
            if not counts or policy.status == "retired":
                continue
            missing = policy.missing_count + 1
            if missing >= RETIRE_AFTER:
                self.archive.set_policy_status(policy.id, "retired", missing, utcnow())
                out.append((policy.id, policy.status, "retired"))
            else:
                self.archive.set_policy_status(policy.id, "missing", missing, None)
        return out
